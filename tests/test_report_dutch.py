"""`mentes report` in Dutch (SPEC 7, 10): the terminal, its errors and the workbook.

The whole output of a Dutch run holds no English word that a Dutch sentence never has
(tests/english.py); the workbook written in Dutch neither, in any cell of its own text; the
JSON is the same bytes in both languages.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from mentes_cli.export.cells import HEADER_FILL
from mentes_cli.reference import bundled_data_dir

runner = CliRunner()


@pytest.fixture(autouse=True)
def _language_back() -> Iterator[None]:
    """`--lang nl` chooses the language for the rest of the process: give it back after each
    test, so that a later test that calls an engine directly reads English again."""
    from mentes_cli import i18n

    yield
    i18n.set_language(None)


# Dutch words that tests/english.py counts as English: "coaches" is the Dutch plural of coach
# (Van Dale: coach, mv. coaches; "pedagogisch coaches"), and "support" is the value of
# `--role`, typed as is in both languages.
DUTCH_TOO = frozenset({"coaches", "support"})


@pytest.fixture(autouse=True)
def _records(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work on a copy of the sample (the notice names its folder: "Gegevens: MAP (--data)")."""
    monkeypatch.setenv("RECORDS_UNDER_TEST", str(sample_dir))


def dutch(*args: str, code: int = 0) -> str:
    records = os.environ["RECORDS_UNDER_TEST"]
    result = runner.invoke(app, ["--lang", "nl", "report", *args, "--data", records])
    assert result.exit_code == code, result.output
    return result.output.replace(records, "MAP")


def rules_24(folder: Path) -> Path:
    text = (bundled_data_dir() / "rules.toml").read_text("utf-8")
    target = folder / "regels.toml"
    target.write_text(text.replace("ikt_max_places = 18", "ikt_max_places = 24"), "utf-8")
    return target


@pytest.mark.parametrize(
    "args",
    [
        ["--year", "2027"],
        ["--year", "2027", "--plan"],
        ["--year", "2027", "--extra-fte", "2,5", "--role", "support", "--weekly-hours", "20"],
    ],
    ids=["year", "plan", "what-if"],
)
def test_the_summary_speaks_dutch(args: list[str], monkeypatch: pytest.MonkeyPatch):
    from mentes_cli.cli.common import stdout

    monkeypatch.setattr(stdout, "width", 80)
    output = dutch(*args)
    assert "Wat het netwerk kan doen, 01/01/2027 tot 31/12/2027" in output
    assert "Contacturen per maand" in output and "mrt 2027" in output
    assert "Bereik op 31/12/2027" in output and "Wachttijd" in output
    assert not english_left(output, DUTCH_TOO), output
    assert all(len(line) <= 80 for line in output.splitlines()), output
    assert "…" not in output


def test_the_what_if_of_other_rules_in_dutch(tmp_path: Path):
    output = dutch("--year", "2027", "--rules", str(rules_24(tmp_path)))
    output = output.replace(str(tmp_path), "MAP")
    assert "Worden PRIOR (" in output and "Variant: regels uit MAP/regels.toml" in output
    assert not english_left(output, DUTCH_TOO), output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2027-01-01"], "geef zowel --from als --to (of --year)"),
        (["--from", "2027-03-01", "--to", "2027-02-01"], "--to 01/02/2027 ligt voor --from"),
        (["--extra-fte", "veel", "--role", "coach"], "is geen getal"),
        (["--extra-fte", "2"], "--extra-fte heeft --role coach of --role support nodig"),
        (["--output", "rapport.pdf"], "laat de naam op .xlsx eindigen"),
        (["--rules", "geen.toml"], "--rules geen.toml: dat bestand bestaat niet"),
    ],
)
def test_bad_input_is_said_in_dutch(args: list[str], message: str):
    output = dutch(*args, code=2)
    assert message in output
    assert not english_left(output, DUTCH_TOO), output


def test_json_is_the_same_bytes_in_both_languages_with_a_variant():
    args = ["report", "--year", "2027", "--extra-fte", "1", "--role", "coach", "--format", "json"]
    english = runner.invoke(app, ["--lang", "en", *args])
    dutch_run = runner.invoke(app, ["--lang", "nl", *args])
    assert english.exit_code == dutch_run.exit_code == 0, dutch_run.output
    assert english.stdout == dutch_run.stdout


def own_text(path: Path, names: set[str]) -> list[str]:
    """Give every text cell and chart title of the workbook that is not record text."""
    book = load_workbook(path)
    texts = []
    for sheet in book.worksheets:
        texts.append(sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value not in names:
                    texts.append(cell.value)
    return texts


def test_the_workbook_in_dutch_has_no_english(tmp_path: Path, sample_dir: Path):
    from mentes_cli.load import DataSource, load_records

    records = load_records(DataSource(sample_dir, "test")).records
    # Record text (names of locations, organisations, areas) is the coordinator's own.
    names = {loc.name for _org, loc in records.locations()}
    names |= {org.name for org in records.organisations}
    target = tmp_path / "rapport.xlsx"
    output = dutch(
        "--year", "2027", "--extra-fte", "1", "--role", "coach",
        "--rules", str(rules_24(tmp_path)), "--output", str(target),
    )  # fmt: skip
    assert "Rapport geschreven naar" in output
    book = load_workbook(target)
    assert book.sheetnames == [
        "Samenvatting", "Capaciteit", "Te verwachten", "Bereik", "Wachttijd", "Variant",
    ]  # fmt: skip
    texts = [t.replace(str(sample_dir), "MAP").replace(str(tmp_path), "MAP") for t in
             own_text(target, names)]  # fmt: skip
    assert not english_left("\n".join(texts), DUTCH_TOO), texts
    assert "groepsopvang" in texts and "Gemeente of district" in texts


def test_every_header_of_a_dutch_workbook_sheet_says_another_thing(tmp_path: Path):
    """The Waiting sheet had two columns "Aanbod" (the offer family and the offer)."""
    target = tmp_path / "rapport.xlsx"
    dutch("--year", "2026", "--output", str(target))
    book = load_workbook(target)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            headers = [c.value for c in row if c.fill == HEADER_FILL and c.value]
            assert len(headers) == len(set(headers)), (sheet.title, headers)
    waiting = [c.value for c in book["Wachttijd"][8]]
    assert waiting[:5] == ["Soort aanbod", "Traject", "Opvanglocatie", "Naam", "Aanbod"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_summary_note_has_room_for_all_its_lines(lang: str, tmp_path: Path):
    """LibreOffice cut the Dutch note's last line: the row must be as high as its text."""
    import math

    from openpyxl.utils import get_column_letter

    target = tmp_path / "rapport.xlsx"
    result = runner.invoke(
        app, ["--lang", lang, "report", "--year", "2026", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target).worksheets[0]
    (merged,) = sheet.merged_cells.ranges
    note = sheet.cell(row=merged.min_row, column=1).value
    assert note.startswith("Kan geven" if lang == "nl" else "Can give")
    width = sum(
        sheet.column_dimensions[get_column_letter(c)].width
        for c in range(merged.min_col, merged.max_col + 1)
    )
    lines = math.ceil(len(note) / width)  # about one character a unit of width
    assert sheet.row_dimensions[merged.min_row].height >= 15 * lines


def test_counts_take_the_singular_or_the_plural(monkeypatch: pytest.MonkeyPatch):
    from mentes_cli.cli.common import stdout

    monkeypatch.setattr(stdout, "width", 200)
    output = dutch("--year", "2026", "--plan")
    assert "de planning van 2 goedgekeurde trajecten mee; 6 konden niet gepland worden." in output
    assert "3 van 8 PRIOR-locaties (38%)" in output and "de oudste 77 dagen" in output
    english = runner.invoke(app, ["--lang", "en", "report", "--year", "2026", "--plan"]).output
    assert "the plan of 2 approved trajects; 6 could not be placed." in english
