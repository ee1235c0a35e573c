"""`mentes export`, `import` and `template`: layout, round trip, refusals, nothing half-written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli_runner import CliRunner
from conftest import ONE_ORGANISATION, write_records
from excel_helpers import minimal_sheets, write_workbook
from mentes_cli.cli import app
from mentes_cli.load.excel_records import load_workbook_records
from mentes_cli.load.toml_records import load_toml_folder
from mentes_cli.reference import sample_records_dir

runner = CliRunner()
# "coaches" is Dutch as well (de coach, de coaches); paths are given relative to the test's
# folder, whose name holds English words.
DUTCH_TOO = frozenset({"coaches"})


def without_keys(text: str) -> str:
    """Give `text` without the TOML keys it names as codes ('subsidy_step', (ikt_places))."""
    import re

    return re.sub(r"[('\[][a-z]+(?:[_.][a-z]+)+[)'\]]", "", text)


SHEETS = ["Organisaties", "Locaties", "Sluitingen", "Coaches", "Verlof", "Trajecten", "Bezoeken"]
RECORD_FILES = ["coaches.toml", "organisations.toml", "trajects.toml"]


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def rows_of(path: Path, title: str) -> list[tuple]:
    workbook = load_workbook(path)
    return [tuple(row) for row in workbook[title].iter_rows(values_only=True)]


# --- export -----------------------------------------------------------------------------------


def test_export_writes_the_records_in_the_layout_of_the_spec(tmp_path):
    target = tmp_path / "mentes.xlsx"
    result = invoke("export", "--to", target)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Wrote {target}: 14 organisations, 16 locations, 5 coaches, 14 trajects, 0 visits.\n"
    )
    workbook = load_workbook(target)
    assert workbook.sheetnames == SHEETS
    locations = workbook["Locaties"]
    assert [c.value for c in locations[1]] == [
        "Id", "Naam", "Organisatie", "Type opvang", "Subsidietrap", "IKT-plaatsen", "Plaatsen",
        "Postcode", "Gemeente", "District", "Handhaving", "Handhaving sinds", "Openingsdagen",
        "Openingsuren", "Straat en nummer", "Telefoon", "E-mail", "Contactpersoon",
    ]  # fmt: skip
    assert [c.value for c in locations[2]] == [
        "LOC-001", "De Vlinder Berchem", "ORG-001", "groepsopvang", 2, 12, 28, "2600", None,
        "Berchem", "nee", None, "ma, di, wo, do, vr", "07:00-18:00", None, None, None, None,
    ]  # fmt: skip
    assert locations["H2"].data_type == "s"  # the postcode stays text
    assert locations.freeze_panes == "A2"
    assert locations.auto_filter.ref == "A1:R17"
    closure = workbook["Sluitingen"]["B2"]
    assert closure.value == datetime(2026, 12, 24)
    assert closure.number_format == "DD/MM/YYYY"
    assert workbook["Coaches"]["C2"].value == "pedagogisch coach"
    assert workbook["Coaches"]["E2"].value == "ma, di, wo, do"
    assert workbook["Trajecten"]["D2"].value == "afgerond"
    assert 10 <= locations.column_dimensions["B"].width <= 50


def test_export_puts_drop_down_lists_and_hints_on_the_columns(tmp_path):
    target = tmp_path / "mentes.xlsx"
    assert invoke("export", "--to", target).exit_code == 0
    validations = load_workbook(target)["Locaties"].data_validations.dataValidation
    lists = {str(v.sqref): v.formula1 for v in validations if v.type == "list"}
    assert lists == {
        "C2:C1017": "'Organisaties'!$A$2:$A$1015",
        "D2:D1017": '"groepsopvang,gezinsopvang"',
        "E2:E1017": '"0,1,2,3"',
        "K2:K1017": '"ja,nee"',
    }
    hints = {str(v.sqref): v.prompt for v in validations if v.type is None}
    assert hints["E1"] == "Verplicht. Subsidietrap 0, 1, 2 of 3."


def test_export_refuses_to_replace_a_file_without_force(tmp_path):
    target = tmp_path / "mentes.xlsx"
    target.write_bytes(b"old")
    result = invoke("export", "--to", target)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target}: exists already; use --force to replace it\n"
    assert target.read_bytes() == b"old"
    result = invoke("export", "--to", target, "--force")
    assert result.exit_code == 0, result.output
    assert load_workbook(target).sheetnames == SHEETS


def test_export_never_writes_over_its_input(tmp_path):
    book = write_workbook(tmp_path / "book.xlsx", minimal_sheets())
    before = book.read_bytes()
    result = invoke("export", "--data", book, "--to", book, "--force")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {book}: is an input of this command; choose another output file\n"
    )
    assert book.read_bytes() == before


def test_export_to_a_name_that_is_not_xlsx_is_a_usage_error(tmp_path):
    result = invoke("export", "--to", tmp_path / "mentes.csv")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: --to {tmp_path / 'mentes.csv'} must end in .xlsx (an Excel workbook)\n"
    )
    assert not (tmp_path / "mentes.csv").exists()


def test_export_without_to_is_a_usage_error():
    result = invoke("export")
    assert result.exit_code == 2
    assert "Missing option '--to'" in result.stderr


def test_export_of_bad_records_writes_nothing(tmp_path):
    folder = write_records(tmp_path / "records", organisations=ONE_ORGANISATION + "places = 0\n")
    target = tmp_path / "mentes.xlsx"
    result = invoke("export", "--data", folder, "--to", target)
    assert result.exit_code == 1
    assert "places" in result.stderr
    assert not target.exists()


def test_formula_like_text_is_written_as_text_and_comes_back(tmp_path):
    text = ONE_ORGANISATION.replace('name = "Test Berchem"', 'name = "=HYPERLINK(\\"x\\")"')
    text = text.replace('name = "Vzw Test"', 'name = "@SUM(A1)"')
    folder = write_records(tmp_path / "records", organisations=text)
    target = tmp_path / "mentes.xlsx"
    assert invoke("export", "--data", folder, "--to", target).exit_code == 0
    cell = load_workbook(target)["Locaties"]["B2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("x")', "s", True)
    records, _ = load_workbook_records(target)
    assert records == load_toml_folder(folder)


def test_text_too_long_for_a_cell_is_refused_not_cut(tmp_path):
    long_name = "x" * 32_768
    text = ONE_ORGANISATION.replace('name = "Vzw Test"', f'name = "{long_name}"')
    folder = write_records(tmp_path / "records", organisations=text)
    target = tmp_path / "mentes.xlsx"
    result = invoke("export", "--data", folder, "--to", target)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: Organisaties, row 2, organisation ORG-1, Naam: the text has 32,768 characters; "
        "an Excel cell holds at most 32,767. Shorten it in the records first"
    )
    assert not target.exists()


def test_control_characters_are_replaced_with_a_notice(tmp_path):
    text = ONE_ORGANISATION.replace('name = "Vzw Test"', 'name = "Vzw\\u0007 Test"')
    folder = write_records(tmp_path / "records", organisations=text)
    target = tmp_path / "mentes.xlsx"
    result = invoke("export", "--data", folder, "--to", target)
    assert result.exit_code == 0, result.output
    assert (
        "Organisaties, row 2, organisation ORG-1, Naam: characters a workbook cannot hold "
        "(control characters, carriage returns, U+FFFE, U+FFFF) were replaced"
    ) in result.stderr
    assert load_workbook(target)["Organisaties"]["B2"].value == "Vzw\N{REPLACEMENT CHARACTER} Test"


# --- import -----------------------------------------------------------------------------------


@pytest.fixture
def exported(tmp_path) -> Path:
    target = tmp_path / "mentes.xlsx"
    assert invoke("export", "--to", target).exit_code == 0
    return target


def test_import_writes_the_same_records_as_toml(tmp_path, exported):
    before = exported.read_bytes()
    folder = tmp_path / "imported"
    result = invoke("import", exported, "--to", folder)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Wrote {folder / 'organisations.toml'}, {folder / 'coaches.toml'}, "
        f"{folder / 'trajects.toml'}: 14 organisations, 16 locations, 5 coaches, 14 trajects, "
        "0 visits.\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == RECORD_FILES
    assert load_toml_folder(folder) == load_toml_folder(sample_records_dir())
    assert exported.read_bytes() == before
    coaches = (folder / "coaches.toml").read_text(encoding="utf-8")
    assert 'workdays = ["mon", "tue", "wed", "thu"]' in coaches
    assert "leave = [{ start = 2027-02-15, end = 2027-02-19 }]" in coaches


def test_import_refuses_to_replace_files_and_writes_none(tmp_path, exported):
    folder = tmp_path / "imported"
    folder.mkdir()
    (folder / "coaches.toml").write_text("# mine\n", encoding="utf-8")
    result = invoke("import", exported, "--to", folder)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {folder}: holds coaches.toml already; use --force to replace them\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["coaches.toml"]
    assert (folder / "coaches.toml").read_text(encoding="utf-8") == "# mine\n"
    result = invoke("import", exported, "--to", folder, "--force")
    assert result.exit_code == 0, result.output
    # The file it replaced is kept in backup/ (and the records' lock file stays, as after
    # every change).
    assert sorted(p.name for p in folder.iterdir() if p.name != ".mentes.lock") == sorted(
        [*RECORD_FILES, "backup"]
    )
    kept = [p for p in (folder / "backup").iterdir() if p.name.startswith("coaches.")]
    assert [p.read_text(encoding="utf-8") for p in kept] == ["# mine\n"]


def test_import_of_a_bad_workbook_writes_nothing(tmp_path):
    sheets = minimal_sheets()
    sheets["Locaties"][1][4] = "vier"
    book = write_workbook(tmp_path / "book.xlsx", sheets)
    folder = tmp_path / "imported"
    result = invoke("import", book, "--to", folder)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Locaties, row 2, location LOC-1, Subsidietrap: must be 0, 1, 2 or 3 (also "
        "T0–T3 or trap 0–trap 3), got 'vier'\n"
    )
    assert not folder.exists()


def test_import_tells_the_notices_of_the_workbook(tmp_path):
    sheets = minimal_sheets()
    sheets["Locaties"][0].append("Opmerkingen")
    book = write_workbook(tmp_path / "book.xlsx", sheets)
    result = invoke("import", book, "--to", tmp_path / "imported")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "Ignored columns (a coordinator's notes are not records and are not kept by import or "
        "export): Locaties: 'Opmerkingen'",
        "The workbook has no sheet Coaches or Trajecten: read as none.",
    ]


def test_import_of_a_missing_file_or_a_folder(tmp_path):
    result = invoke("import", tmp_path / "nee.xlsx", "--to", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'nee.xlsx'}: no such file or folder (the workbook to import)\n"
    )
    result = invoke("import", tmp_path, "--to", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path} is a folder; give the .xlsx workbook to import\n"
    assert not (tmp_path / "out").exists()


def test_import_into_a_folder_whose_parent_is_missing(tmp_path, exported):
    result = invoke("import", exported, "--to", tmp_path / "a" / "b")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'a'}: folder does not exist\n"


# --- template ---------------------------------------------------------------------------------


def test_template_has_an_explanation_headers_and_drop_downs(tmp_path):
    target = tmp_path / "leeg.xlsx"
    result = invoke("template", target)
    assert result.exit_code == 0, result.output
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Uitleg", *SHEETS]
    assert workbook.active.title == "Uitleg"
    assert workbook["Uitleg"]["A1"].value == "Mentes – gegevens invullen"
    explanation = "\n".join(str(c.value) for c in workbook["Uitleg"]["A"])
    assert "• Subsidietrap: Verplicht. Subsidietrap 0, 1, 2 of 3." in explanation
    assert [c.value for c in workbook["Verlof"][1]] == ["Coach", "Van", "Tot en met"]
    lists = {
        (sheet, v.formula1)
        for sheet in SHEETS
        for v in workbook[sheet].data_validations.dataValidation
        if v.type == "list"
    }
    assert lists == {
        ("Organisaties", '"ja,nee"'),
        ("Locaties", "'Organisaties'!$A$2:$A$1001"),
        ("Locaties", '"groepsopvang,gezinsopvang"'),
        ("Locaties", '"0,1,2,3"'),
        ("Locaties", '"ja,nee"'),
        ("Sluitingen", "'Locaties'!$A$2:$A$1001"),
        ("Coaches", '"pedagogisch coach,regionaal ondersteuner"'),
        ("Verlof", "'Coaches'!$A$2:$A$1001"),
        ("Trajecten", "'Locaties'!$A$2:$A$1001"),
        ("Trajecten", '"bvv-basis,bvv-vervolg,coaching,A,B,C,D,basis,vervolg"'),
        ("Trajecten", '"aangevraagd,goedgekeurd,gepland,lopend,afgerond,geannuleerd"'),
        ("Trajecten", "'Coaches'!$A$2:$A$1001"),
        ("Bezoeken", "'Trajecten'!$A$2:$A$1001"),
        ("Bezoeken", '"bezoek,intake"'),
        ("Bezoeken", '"gepland,vast,gedaan,geannuleerd"'),
        ("Bezoeken", "'Coaches'!$A$2:$A$1001"),
    }
    for sheet in SHEETS:
        hinted = {
            str(v.sqref)
            for v in workbook[sheet].data_validations.dataValidation
            if v.prompt and str(v.sqref).endswith("1") and ":" not in str(v.sqref)
        }
        assert len(hinted) == workbook[sheet].max_column, sheet


def test_an_empty_template_loads_as_no_records(tmp_path):
    target = tmp_path / "leeg.xlsx"
    assert invoke("template", target).exit_code == 0
    records, notices = load_workbook_records(target)
    assert (records.organisations, records.coaches, records.trajects) == ([], [], [])
    assert notices == []


def test_a_filled_in_template_loads_without_edits(tmp_path):
    target = tmp_path / "ingevuld.xlsx"
    assert invoke("template", target).exit_code == 0
    workbook = load_workbook(target)
    # What a coordinator types or picks from the drop-down lists.
    workbook["Organisaties"].append(["ORG-1", "Vzw De Vlinder", None, "nee"])
    workbook["Locaties"].append(
        ["LOC-1", "De Vlinder", "ORG-1", "groepsopvang", "2", 12, 28, 2600, None, None, "ja",
         datetime(2026, 9, 1), "ma, di, wo, do, vr", "07:00-18:00"]
    )  # fmt: skip
    workbook["Sluitingen"].append(["LOC-1", datetime(2026, 12, 24), datetime(2027, 1, 1), "kerst"])
    workbook["Coaches"].append(["C-1", "An", "pedagogisch coach", 0.8, "ma, di", 7.6, None])
    workbook["Verlof"].append(["C-1", "15/02/2027", "19/02/2027"])
    workbook["Trajecten"].append(
        ["T-1", "LOC-1", "coaching", "goedgekeurd", None, None, "C-1", "taal", None,
         datetime(2027, 1, 11), None, None, datetime(2026, 10, 2)]
    )  # fmt: skip
    workbook.save(target)
    records, notices = load_workbook_records(target)
    assert notices == []
    organisation, location = records.locations()[0]
    assert (organisation.prior, location.subsidy_step, location.enforcement) == (False, 2, True)
    assert location.closures[0].reason == "kerst"
    assert records.coaches[0].leave[0].end.isoformat() == "2027-02-19"
    assert records.trajects[0].status == "approved"


def test_template_refuses_to_replace_a_file_without_force(tmp_path):
    target = tmp_path / "leeg.xlsx"
    target.write_bytes(b"mine")
    result = invoke("template", target)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target}: exists already; use --force to replace it\n"
    assert target.read_bytes() == b"mine"
    assert invoke("template", target, "--force").exit_code == 0


def test_template_to_a_name_that_is_not_xlsx_is_a_usage_error(tmp_path):
    result = invoke("template", tmp_path / "leeg.xls")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: the template {tmp_path / 'leeg.xls'} must end in .xlsx (an Excel workbook)\n"
    )


# --- round trip -------------------------------------------------------------------------------


def test_the_sample_round_trips_and_decides_the_same_byte_for_byte(tmp_path):
    book = tmp_path / "mentes.xlsx"
    again = tmp_path / "again"
    assert invoke("export", "--to", book).exit_code == 0
    assert invoke("import", book, "--to", again).exit_code == 0
    assert load_toml_folder(again) == load_toml_folder(sample_records_dir())

    def decisions(data: Path) -> str:
        result = invoke(
            "check-eligibility", "--data", data, "--format", "json", "--as-of", "2026-11-22"
        )
        assert result.exit_code == 0, result.output
        return result.stdout

    from_toml = decisions(sample_records_dir())
    assert decisions(book) == from_toml
    assert decisions(again) == from_toml
    assert '"location": "LOC-001"' in from_toml


# --- the language (issue 12) and the visits carried ---------------------------------------------


def test_import_and_export_say_how_many_visits_they_carried(tmp_path: Path):
    from test_load_workbook_visits import sheets_with_visits

    visit = ["T-1", 1, "bezoek", datetime(2027, 1, 11), "09:00", 3, "C-1", "gepland", None, None]
    book = write_workbook(tmp_path / "book.xlsx", sheets_with_visits(visit))
    imported = invoke("import", str(book), "--to", str(tmp_path / "toml"))
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.endswith(": 1 organisation, 1 location, 1 coach, 1 traject, 1 visit.\n")
    exported = invoke(
        "export", "--to", str(tmp_path / "back.xlsx"), "--data", str(tmp_path / "toml")
    )
    assert exported.exit_code == 0, exported.output
    assert exported.stdout.endswith(": 1 organisation, 1 location, 1 coach, 1 traject, 1 visit.\n")


def dutch(*args: str):
    """Run mentes in Dutch, then give the next test the language of the suite back."""
    from mentes_cli import i18n

    try:
        return runner.invoke(app, ["--lang", "nl", *args])
    finally:
        i18n.set_language(None)


def test_export_and_import_speak_dutch_on_the_sample(tmp_path: Path):
    from english import english_left

    target = Path("gegevens.xlsx")
    exported = dutch("export", "--to", str(target))
    assert exported.exit_code == 0, exported.output
    assert exported.stdout == (
        f"{target} geschreven: 14 organisatoren, 16 opvanglocaties, 5 coaches, 14 trajecten, "
        "0 bezoeken.\n"
    )
    assert "Gegevens: het meegeleverde voorbeeld" in exported.stderr
    imported = dutch("import", str(target), "--to", "toml")
    assert imported.exit_code == 0, imported.output
    assert "geschreven: 14 organisatoren" in imported.stdout
    assert not english_left(exported.output + imported.output, DUTCH_TOO)
    # The files are the same in both languages: the record workbook Dutch, the TOML English.
    again = Path("again")
    assert invoke("import", str(target), "--to", str(again)).exit_code == 0
    for name in ("organisations.toml", "coaches.toml", "trajects.toml"):
        assert (again / name).read_bytes() == (Path("toml") / name).read_bytes()


def test_export_and_import_refuse_in_dutch(tmp_path: Path):
    from english import english_left

    missing = dutch("import", "weg.xlsx", "--to", "toml")
    assert missing.exit_code == 1
    assert "weg.xlsx: dat bestand of die map bestaat niet" in missing.stderr
    not_xlsx = dutch("export", "--to", "gegevens.txt")
    assert not_xlsx.exit_code == 2
    assert "moet eindigen op .xlsx" in not_xlsx.stderr

    sheets = minimal_sheets()
    header = sheets["Locaties"][0]
    header[header.index("IKT-plaatsen")] = "IKT-plaatsn"
    header[header.index("Postcode")] = "Postcode"
    sheets["Organisaties"][1][0] = None
    book = write_workbook(Path("book.xlsx"), sheets)
    wrong = dutch("import", str(book), "--to", "toml")
    assert wrong.exit_code == 1
    assert (
        "Locaties, rij 1: de verplichte kolom 'IKT-plaatsen' (of 'ikt_places') ontbreekt; de "
        "rij met kolomkoppen heeft kolommen die mentes niet kent: F 'IKT-plaatsn' (bedoel je "
        "'IKT-plaatsen'?)" in wrong.stderr
    )
    assert "Organisaties, rij 2, Id: is verplicht" in wrong.stderr
    assert not Path("toml").exists()
    for result in (missing, not_xlsx, wrong):
        assert not english_left(without_keys(result.output), DUTCH_TOO), result.output


@pytest.mark.parametrize("command", ["validate", "export", "import", "template"])
def test_the_help_of_the_record_commands_is_dutch(command: str):
    import os
    import subprocess
    import sys

    from english import english_left

    result = subprocess.run(
        [sys.executable, "-m", "mentes_cli", "--lang", "nl", command, "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert result.returncode == 0, result.stderr
    assert "Gebruik: mentes" in result.stdout
    assert not english_left(without_keys(result.stdout), DUTCH_TOO), result.stdout
