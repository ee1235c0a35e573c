"""`mentes quote` in Dutch (the default) and English (--lang en): every form of the command,
its errors and its help; the JSON is the same bytes in both languages; the offerte follows
the language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli import i18n
from mentes_cli.cli import app

runner = CliRunner()
AS_OF = ("--as-of", "22/11/2026")


@pytest.fixture(autouse=True)
def _language_back():
    """Give the next test the suite's language again (--lang sets it for the process)."""
    yield
    i18n.set_language(None)


def quote(lang: str, *args: str):
    return runner.invoke(app, ["--lang", lang, "quote", *args])


# Every form of the command that succeeds, and what each must show in Dutch.
FORMS = {
    "package": (["--traject", "C", *AS_OF], ["Totaalprijs: €\xa04.900,00"]),
    "location": (
        ["--traject", "C", "--location", "LOC-001", *AS_OF],
        [
            "28 plaatsen",
            "Waarschuwing: LOC-001 heeft vanaf 10/03/2027 recht op gratis",
            "Suggestie",
        ],
    ),
    "paid bvv": (
        ["--traject", "basis", "--location", "LOC-003", *AS_OF],
        ["Contactmomenten op locatie: 2", "€\xa0840,00", "BVV basistraject (betalend)"],
    ),
    "vervolg": (["--traject", "vervolg", *AS_OF], ["€\xa01.800,00", "12,5 u"]),
    "list": (["--list", *AS_OF], ["Betalende pakketten op 22/11/2026", "€\xa06.000,00"]),
    "free offer": (["--traject", "coaching", *AS_OF], ["is gratis voor PRIOR-opvanglocaties"]),
    "free bvv": (["--traject", "bvv-vervolg", *AS_OF], ["--traject basis\xa0/ vervolg"]),
    "custom": (["--traject", "op maat"], ["Een traject op maat heeft geen vaste prijs"]),
    "offerte": (["--traject", "A", "--output", "offerte.xlsx", *AS_OF], ["staat in"]),
    "offerte for": (
        ["--traject", "D", "--for", "Vzw De Egel", "--output", "egel.xlsx", *AS_OF],
        ["Coaching werkvloer D"],
    ),
    "no offerte": (
        ["--traject", "coaching", "--output", "x.xlsx"],
        ["Niets geschreven naar x.xlsx: zonder prijs is er geen offerte."],
    ),
}


@pytest.mark.parametrize("form", FORMS)
def test_every_form_of_quote_is_dutch_by_default(form: str):
    args, wanted = FORMS[form]
    result = quote("nl", *args)
    assert result.exit_code == 0, result.output
    output = result.stdout + result.stderr
    assert not english_left(output), english_left(output)
    for text in wanted:
        assert text in output, (text, output)


@pytest.mark.parametrize("form", FORMS)
def test_every_form_of_quote_is_english_with_lang_en(form: str):
    args, _wanted = FORMS[form]
    result = quote("en", *args)
    assert result.exit_code == 0, result.output
    assert english_left(result.stdout + result.stderr)  # English words, so the test can fail
    assert "€\xa0" not in result.stdout  # en: €4,900.00
    for dutch in ("Totaalprijs", "Waarschuwing", "Betalende pakketten", "Contactmomenten op"):
        assert dutch not in result.stdout + result.stderr


# Bad input: a usage error (2) or an error (1), nothing written, and Dutch.
BAD = {
    "unknown code": (["--traject", "E"], 2, "is geen aanbod; gebruik een van A, B, C, D"),
    "no code": ([], 2, "geef --traject CODE (A, B, C, D, basis, vervolg) of --list"),
    "outside the scope": (
        ["--traject", "C", "--location", "LOC-015", "--output", "x.xlsx"],
        1,
        "ligt buiten de tien districten van Antwerpen",
    ),
    "bvv outside the scope": (
        ["--traject", "basis", "--location", "LOC-006", *AS_OF],
        1,
        "Waarschuwing: LOC-006 heeft vanaf 01/01/2028 recht op gratis",
    ),
    "unknown location": (["--traject", "C", "--location", "LOC-99"], 1, "bedoel je LOC-009"),
    "not a workbook": (["--traject", "C", "--output", "x.csv"], 2, "laat de naam eindigen op"),
    "list with a code": (["--list", "--traject", "C"], 2, "--list toont de prijslijst"),
    "email without for": (["--traject", "C", "--email", "a@b.example"], 2, "--email hoort bij"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_a_dutch_error_and_writes_nothing(case: str, tmp_path: Path):
    args, status, wanted = BAD[case]
    result = quote("nl", *args)
    assert result.exit_code == status, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("Fout: "), result.stderr
    assert wanted in result.stderr, result.stderr
    assert not english_left(result.stderr), english_left(result.stderr)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "args",
    [
        ["--traject", "C"],
        ["--traject", "C", "--location", "LOC-001"],
        ["--traject", "A", "--location", "LOC-012"],
        ["--traject", "vervolg", "--location", "LOC-014"],
        ["--traject", "coaching"],
        ["--traject", "op maat"],
        ["--traject", "B", "--for", "Vzw De Egel", "--email", "info@egel.example"],
        ["--list"],
    ],
)
def test_json_is_the_same_bytes_in_both_languages(args: list[str]):
    dutch = quote("nl", *args, "--format", "json", *AS_OF)
    english = quote("en", *args, "--format", "json", *AS_OF)
    assert dutch.exit_code == english.exit_code == 0, dutch.output
    assert dutch.stdout_bytes == english.stdout_bytes
    assert dutch.stdout.startswith("{")


def mentes(*args: str) -> subprocess.CompletedProcess:
    """Run mentes in a new process: Typer builds the help texts when it is imported."""
    environment = {**os.environ, "COLUMNS": "80"}
    environment.pop("MENTES_LANG")
    return subprocess.run(
        [sys.executable, "-m", "mentes_cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_a_bad_option_value_is_a_dutch_usage_error():
    result = mentes("quote", "--traject", "C", "--as-of", "31/02/2027")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "31/02/2027" in result.stderr
    assert not english_left(result.stderr), english_left(result.stderr)


def test_the_help_is_dutch_by_default_and_english_on_request():
    dutch = mentes("quote", "--help")
    assert dutch.returncode == 0, dutch.stderr
    assert "Maak een offerte voor een betalend pakket" in dutch.stdout
    assert "Toon alle betalende pakketten naast elkaar." in dutch.stdout
    assert not english_left(dutch.stdout), english_left(dutch.stdout)
    english = mentes("--lang", "en", "quote", "--help")
    assert "Quote a paid package: line items" in english.stdout
    assert "Show every paid package side by side." in english.stdout
    overview = mentes("--help").stdout
    assert "quote              Maak een offerte: onderdelen, uren en prijs.\n" in overview


def test_the_english_offerte_reads_english(tmp_path: Path):
    target = tmp_path / "offerte.xlsx"
    result = quote("en", "--traject", "C", "--location", "LOC-001", "--output", str(target), *AS_OF)
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == ["Quote"]
    sheet = workbook["Quote"]
    values = {c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value}
    assert (values["A6"], values["A7"], values["A8"]) == (
        "QUOTE",
        "Workplace coaching C",
        "Quote number",
    )
    assert sheet["B9"].number_format == "YYYY-MM-DD"
    assert sheet["F27"].number_format == "€#,##0.00"
    assert values["A19"] == "Traject C: pedagogical coaching"
    assert values["A21"] == "Intake call by phone (before the first day)"
    assert values["F21"] == "included"
    texts = [str(v) for v in values.values()]
    assert "Until 2026-12-22 inclusive; prices of the price list of 2024-01-01." in texts
    assert any(
        t.endswith("from Mentes from 2027-03-10. Contact us if you would rather do that.")
        for t in texts
    )


def test_the_dutch_offerte_has_no_english_label(tmp_path: Path):
    target = tmp_path / "offerte.xlsx"
    result = quote("nl", "--traject", "C", "--location", "LOC-001", "--output", str(target), *AS_OF)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(target)["Offerte"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    # The centre's address and e-mail are allowed; nothing else may be English.
    assert not english_left(text), english_left(text)
    assert sheet["B9"].number_format == "DD/MM/YYYY"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_list_keeps_every_column_at_80_columns(lang: str, monkeypatch: pytest.MonkeyPatch):
    from mentes_cli.cli.common import stdout

    monkeypatch.setattr(stdout, "width", 80)
    result = quote(lang, "--list", *AS_OF)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # The table; the note under it is running text (kept whole in a pipe, wrapped by a terminal).
    table = lines[: next(i for i, line in enumerate(lines) if line.startswith("A, B, C, D:"))]
    assert all(len(line) <= 80 for line in table), result.stdout
    header = next(line for line in lines if line.lstrip().startswith("Traject"))
    places = "Plaatsen*" if lang == "nl" else "Places*"
    assert header.split()[-1] == places, header
    row = next(line for line in lines if line.lstrip().startswith("D "))
    assert row.split()[-1] == "56+"
    assert any(line.startswith(f"* {places[:-1]}: ") for line in lines)  # the note says why
