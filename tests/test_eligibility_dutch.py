"""`mentes check-eligibility` in Dutch, the default language: the table, the explanation, the
quick check, the errors, the help and the overview workbook; and JSON and CSV the same bytes
in both languages (SPEC 7)."""

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
from mentes_cli.cli import app, common

runner = CliRunner()
AS_OF = ["--as-of", "2026-11-22"]
QUICK = ["--subsidy-step", "2", "--ikt-places", "12", "--postcode", "2180"]


@pytest.fixture(autouse=True)
def _language_back_to_english():
    """`--lang nl` chooses Dutch for the rest of the process: give the next test English."""
    yield
    i18n.set_language(None)


def dutch(*args: str):
    return runner.invoke(app, ["--lang", "nl", "check-eligibility", *args])


def english(*args: str):
    return runner.invoke(app, ["--lang", "en", "check-eligibility", *args])


def test_the_table_is_dutch(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(common.stdout, "width", 80)
    result = dutch(*AS_OF)
    assert result.exit_code == 0, result.output
    assert english_left(result.output) == []
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert "Rechten per opvanglocatie op 22/11/2026" in lines[0]
    assert any(line.split() == ["LOC-001", "ja", "gratis", "betalend"] for line in lines)
    assert any(line.split()[-2:] == ["niet", "beschikbaar"] for line in lines)
    assert "  Soort aanbod                    gratis   betalend   niet beschikbaar" in lines
    assert "Gegevens: het meegeleverde voorbeeld" in result.stderr
    assert (
        "Waarschuwing: LOC-012: subsidietrap 2 met 0 IKT-plaatsen; kijk Subsidietrap "
        "(subsidy_step) en IKT-plaatsen (ikt_places) na" in result.stderr
    )


def test_the_dutch_table_fits_80_columns_and_cuts_no_id_or_date(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(common.stdout, "width", 80)
    result = dutch(*AS_OF)
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert max(len(line) for line in lines) <= 80
    # LOC-007's BVV is taken by T-2026-002; the day it is free again goes on its own line.
    at = next(i for i, line in enumerate(lines) if line.split()[:1] == ["LOC-007"])
    column = lines[at].index("betalend")
    cell = [line[column:].split("  ")[0] for line in lines[at : at + 5]]
    assert cell == ["betalend", "afgerond", "T-2026-002", "gratis vanaf", "01/01/2027"]
    words = " ".join(lines).split()
    for whole in ("T-2025-014", "10/03/2027", "PRIOR-ENFORCEMENT", "LOC-016", "beschikbaar"):
        assert whole in words, whole


def test_the_explanation_is_dutch_with_a_hanging_indent(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(common.stdout, "width", 80)
    result = dutch(*AS_OF, "--explain")
    assert result.exit_code == 0, result.output
    assert english_left(result.output) == []
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert max(len(line) for line in lines) <= 80
    at = lines.index("LOC-001 De Vlinder Berchem — ORG-001 Vzw De Vlinder")
    block = lines[at : lines.index("", at)]
    assert "  PRIOR: ja (PRIOR-IKT)" in block
    assert "    IKT-plaatsen van de organisator: 12 + 6 = 18 ≤ 18" in block
    assert "  Pedagogische coaching: betalend, opnieuw gratis vanaf 10/03/2027" in block
    start = next(i for i, line in enumerate(block) if line.startswith("    Betalend: PRIOR"))
    # The sentence wraps between words, its next lines two columns further in.
    following = block[start + 1 : start + 4]
    assert all(line.startswith("      ") and line[6] != " " for line in following), block
    sentence = " ".join(line.strip() for line in block[start : start + 5])
    assert (
        "maar het gratis coachingtraject T-2025-014 (10/03/2025) telt mee binnen 24 maanden "
        "voor of na 22/11/2026, dus opnieuw gratis vanaf 10/03/2027" in sentence
    )


def test_the_quick_check_is_dutch():
    result = dutch(*AS_OF, *QUICK)
    assert result.exit_code == 0, result.output
    assert english_left(result.output) == []
    assert result.stdout.splitlines()[-3:] == [
        "BVV basistraject (gratis): 2 contactmomenten van maximum 3 u op locatie.",
        "BVV vervolgtraject (gratis): 2 tot 5 contactmomenten van maximum 3 u op locatie.",
        "Pedagogische coaching (gratis): ongeveer 50 u op de werkvloer, gespreid over 7 of 8 "
        "dagen.",
    ]
    explained = dutch(*AS_OF, *QUICK, "--explain", "--last-coaching", "01/03/2026")
    assert explained.exit_code == 0, explained.output
    assert english_left(explained.output) == []
    assert "    Beslissing van Opgroeien: niet opgegeven" in explained.stdout
    assert "    Opvangvorm: groepsopvang; plaatsen: niet opgegeven" in explained.stdout


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["--location", "LOC-099"], 1, "geen opvanglocatie 'LOC-099' in de gegevens"),
        (["--organisation", "ORG-99"], 1, "geen organisator 'ORG-99' in de gegevens"),
        (["--location", "LOC-001", "--organisation", "ORG-001"], 2, "niet allebei"),
        (["--subsidy-step", "2"], 2, "ontbreekt: --ikt-places, --postcode"),
        ([*QUICK[:4], "--postcode", "2190"], 2, "Bekende postcodes één tikfout verder"),
        (["--output", "overzicht.csv"], 2, "het overzicht is een werkmap"),
    ],
    ids=["location", "organisation", "both", "quick", "postcode", "output"],
)
def test_a_bad_input_is_dutch(args: list[str], code: int, expected: str):
    result = dutch(*AS_OF, *args)
    assert result.exit_code == code, result.output
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert english_left(result.output) == []


@pytest.mark.parametrize(
    "args",
    [[], ["--explain"], ["--format", "csv"], ["--format", "csv", "--explain"], QUICK],
    ids=["json", "explain", "csv", "csv-explain", "quick"],
)
def test_json_and_csv_are_the_same_bytes_in_both_languages(args: list[str]):
    shape = args if "csv" in args else ["--format", "json", *args]
    nl, en = dutch(*AS_OF, *shape), english(*AS_OF, *shape)
    assert nl.exit_code == en.exit_code == 0, nl.output + en.output
    assert nl.stdout_bytes == en.stdout_bytes
    # The text fields stay English in both (SPEC 7).
    assert "Free: PRIOR" in nl.stdout or "Paid: " in nl.stdout


def test_the_overview_workbook_follows_the_language(tmp_path: Path):
    result = dutch(*AS_OF, "--output", "overzicht.xlsx")
    assert result.exit_code == 0, result.output
    assert english_left(result.output) == []
    workbook = openpyxl.load_workbook(tmp_path / "overzicht.xlsx")
    assert workbook.sheetnames == ["Rechten", "Info"]
    sheet = workbook["Rechten"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["Opvanglocatie", "Naam opvanglocatie", "Organisator", "Naam organisator"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    loc_001 = {header: cell for header, cell in zip(headers, rows["LOC-001"], strict=True)}
    assert loc_001["Opvangvorm"].value == "groepsopvang"
    assert loc_001["PRIOR"].value == "ja"
    assert loc_001["Regionale ondersteuning (BVV)"].value == "gratis"
    assert loc_001["Pedagogische coaching"].value == "betalend"
    assert loc_001["Coaching: gratis vanaf"].number_format == "dd/mm/yyyy"
    assert loc_001["Coaching: uitleg"].value.startswith("Betalend: PRIOR door IKT-plaatsen")
    # Every text a person reads is Dutch; names of the records may be anything.
    names = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row[:4]}
    texts = "\n".join(
        str(cell.value)
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None and cell.value not in names
    )
    assert english_left(texts) == []
    assert workbook["Info"]["B4"].value == "het meegeleverde voorbeeld"


def test_the_help_is_dutch():
    environment = {**os.environ, "MENTES_LANG": "nl", "COLUMNS": "100"}
    result = subprocess.run(
        [sys.executable, "-m", "mentes_cli", "check-eligibility", "--help"],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Beslis per opvanglocatie: PRIOR of niet" in result.stdout
    assert "Snelle check: de postcode van de opvanglocatie." in result.stdout
    # The care types are typed as the option's values, group or family.
    options = frozenset({"group", "family"})
    own = result.stdout.split("--lang")[0] if "--lang" in result.stdout else result.stdout
    assert english_left(own, options) == []


def test_an_explanation_is_english_text_that_says_itself_in_dutch():
    from datetime import date

    from mentes_cli.eligibility import decide_hypothetical
    from mentes_cli.eligibility.sentences import _, say

    result = decide_hypothetical(
        subsidy_step=1, ikt_places=0, postcode="2600", as_of=date(2026, 11, 22)
    )
    explanation = result.regional_support.explanation
    english_text = (
        "Free: PRIOR by subsidy step 1 and in the Antwerp region, and no free BVV traject counts "
        "in 2026."
    )
    assert explanation == english_text and f"{explanation}" == english_text
    i18n.set_language("nl")
    assert say(explanation) == (
        "Gratis: PRIOR door subsidietrap 1 en in Regio Antwerpen, en in 2026 telt geen gratis "
        "BVV-traject mee."
    )
    assert explanation == english_text  # asking for Dutch changes nothing of the text
    # A value is said in the language too: a date as tables write it; a % is only a %.
    dated = _("100% free from {date}", date=date(2027, 3, 10))
    assert dated == "100% free from 2027-03-10"
    assert say(dated) == "100% free from 10/03/2027"  # no Dutch for it: the English, filled in
