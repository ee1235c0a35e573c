"""The Excel loader: what spreadsheet programs write, and every kind of bad workbook."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from time import perf_counter

import openpyxl
import pytest

from cli_runner import CliRunner
from conftest import write_records
from excel_helpers import (
    COORDINATOR_TOML,
    LOCATIONS_HEADER,
    cells_both_ways,
    coordinator_sheets,
    minimal_sheets,
    replace_part,
    sheet_part,
    write_workbook,
    zip_with,
)
from mentes_cli.cli import app
from mentes_cli.errors import InputError
from mentes_cli.load.excel_records import load_workbook_records
from mentes_cli.load.toml_records import load_toml_folder

runner = CliRunner()
RESAVE = "open it in Excel or LibreOffice and save it as Excel Workbook (.xlsx)"


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_workbook_records(path)
    return [str(problem) for problem in caught.value.problems]


def the_problem(path: Path) -> str:
    problems = problems_of(path)
    assert len(problems) == 1, problems
    return problems[0]


def with_cell(sheet: str, header: str, value, row: int = 1) -> dict:
    """Give the minimal workbook with the cell of `header` in data row `row` set to `value`."""
    sheets = minimal_sheets()
    column = sheets[sheet][0].index(header)
    sheets[sheet][row][column] = value
    return sheets


def test_defusedxml_guards_openpyxl():
    assert openpyxl.DEFUSEDXML is True


# --- valid input ------------------------------------------------------------------------------


def test_a_coordinators_workbook_loads_to_the_same_records_as_toml(tmp_path):
    path = write_workbook(tmp_path / "records.xlsx", coordinator_sheets())
    records, notices = load_workbook_records(path)
    expected = load_toml_folder(write_records(tmp_path / "toml", **COORDINATOR_TOML))
    assert records == expected
    assert notices == [
        "Ignored columns (a coordinator's notes are not records and are not kept by import or "
        "export): Organisaties: 'Opmerkingen'; Locaties: 'Opmerkingen'; Trajecten: 'Notities'"
    ]


ENGLISH = {
    "Organisaties": "Organisations",
    "Locaties": "Locations",
    "Sluitingen": "Closures",
    "Verlof": "Leave",
    "Trajecten": "Trajects",
}
ENGLISH_VALUES = {
    "groepsopvang": "group",
    "Gezinsopvang": "family",
    "pedagogisch coach": "coach",
    "Regionaal ondersteuner": "support",
    "Afgerond": "done",
    "goedgekeurd": "approved",
    "Lopend": "active",
    "ja": "yes",
    "nee": "no",
    "Nee": "false",
    "ma, di, wo, do, vr": "mon, tue, wed, thu, fri",
    "maandag; dinsdag, Woensdag, donderdag": "Monday, tue, wed, thu",
    "ma-wo, za": "mon-wed, sat",
    "ma, di, wo, do": "mon,tue,wed,thu",
    "ma-wo": "mon, tue, wed",
}


def test_english_sheet_names_headers_and_values_load_the_same(tmp_path):
    from mentes_cli.load.vocabulary import SHEETS

    keys = {spec.name: {column.header: column.key for column in spec.columns} for spec in SHEETS}
    sheets = {}
    for title, rows in coordinator_sheets().items():
        header = [keys[title].get((h or "").replace("\u00a0", " ").strip(), h) for h in rows[0]]
        # The loader folds case and spacing; write the English keys plainly.
        header = [keys[title].get(h, h) if isinstance(h, str) else h for h in header]
        body = [
            [ENGLISH_VALUES.get(v, v) if isinstance(v, str) else v for v in row] for row in rows[1:]
        ]
        sheets[ENGLISH.get(title, title)] = [header, *body]
    # Headers the lookup above missed because of their odd case and spacing.
    sheets["Locations"][0][:5] = ["id", "name", "organisation", "care_type", "subsidy_step"]
    sheets["Locations"][0][5] = "ikt_places"
    path = write_workbook(tmp_path / "english.xlsx", sheets)
    records, _ = load_workbook_records(path)
    assert records == load_toml_folder(write_records(tmp_path / "toml", **COORDINATOR_TOML))


@pytest.mark.parametrize(
    ("header", "value", "field", "expected"),
    [
        ("Subsidietrap", "T2", "subsidy_step", 2),
        ("Subsidietrap", "Trap 0", "subsidy_step", 0),
        ("Subsidietrap", 3.0, "subsidy_step", 3),
        ("Plaatsen", "28", "places", 28),
        ("Plaatsen", "28,0", "places", 28),
        ("Postcode", 2600.0, "postcode", "2600"),
        ("Postcode", " 2600 ", "postcode", "2600"),
        ("Handhaving", "WAAR", "enforcement", True),
        ("Handhaving", 1, "enforcement", True),
        ("Handhaving", "onwaar", "enforcement", False),
        ("Handhaving", False, "enforcement", False),
        (
            "Openingsdagen",
            "ma - vr, zo",
            "opening_days",
            ["mon", "tue", "wed", "thu", "fri", "sun"],
        ),
        ("Openingsdagen", "zaterdag zondag", "opening_days", ["sat", "sun"]),
        ("Type opvang", " GROEPSOPVANG ", "care_type", "group"),
        ("Naam", 1234, "name", "1234"),
    ],
)
def test_accepted_location_values(tmp_path, header, value, field, expected):
    path = write_workbook(tmp_path / "book.xlsx", with_cell("Locaties", header, value))
    records, _ = load_workbook_records(path)
    assert getattr(records.locations()[0][1], field) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2027, 1, 31), date(2027, 1, 31)),
        (46418, date(2027, 1, 31)),
        (46418.0, date(2027, 1, 31)),
        ("31/1/2027", date(2027, 1, 31)),
        ("31/01/2027", date(2027, 1, 31)),
        ("2027-01-31", date(2027, 1, 31)),
        ("29/02/2028", date(2028, 2, 29)),
    ],
)
def test_accepted_dates(tmp_path, value, expected):
    sheets = with_cell("Locaties", "Handhaving", "ja")
    sheets["Locaties"][1][LOCATIONS_HEADER.index("Handhaving sinds")] = value
    records, _ = load_workbook_records(write_workbook(tmp_path / "book.xlsx", sheets))
    assert records.locations()[0][1].enforcement_since == expected


def test_a_1904_workbook_reads_date_cells_and_serial_numbers_in_its_own_epoch(tmp_path):
    sheets = minimal_sheets()
    sheets["Sluitingen"] = [
        ["Locatie", "Van", "Tot en met"],
        ["LOC-1", date(2027, 1, 31), 44956],  # 44956 days after 1 January 1904
    ]
    path = write_workbook(tmp_path / "mac.xlsx", sheets, epoch_1904=True)
    records, _ = load_workbook_records(path)
    closure = records.locations()[0][1].closures[0]
    assert (closure.start, closure.end) == (date(2027, 1, 31), date(2027, 1, 31))


def test_empty_optional_cells_take_the_defaults_and_prior_stays_undecided(tmp_path):
    records, _ = load_workbook_records(write_workbook(tmp_path / "b.xlsx", minimal_sheets()))
    organisation, location = records.locations()[0]
    assert organisation.prior is None
    assert location.enforcement is False
    assert location.opening_days == ["mon", "tue", "wed", "thu", "fri"]
    assert records.coaches == [] and records.trajects == []


def test_missing_coaches_and_trajecten_sheets_are_none_with_a_notice(tmp_path):
    _, notices = load_workbook_records(write_workbook(tmp_path / "b.xlsx", minimal_sheets()))
    assert notices == ["The workbook has no sheet Coaches or Trajecten: read as none."]


def test_other_sheets_are_ignored_with_a_notice_and_uitleg_silently(tmp_path):
    sheets = {"Uitleg": [["tekst"]], "Blad1": [["x"]], **minimal_sheets()}
    sheets["Coaches"] = [["Id", "Naam", "Rol", "VTE", "Werkdagen"]]
    sheets["Trajecten"] = [["Id", "Locatie", "Aanbod", "Status"]]
    _, notices = load_workbook_records(write_workbook(tmp_path / "b.xlsx", sheets))
    assert notices == ["Ignored sheets (not records): 'Blad1'"]


def test_sheet_names_match_whatever_their_case_and_spacing(tmp_path):
    sheets = minimal_sheets()
    sheets = {" organisaties": sheets["Organisaties"], "LOCATIES": sheets["Locaties"]}
    records, _ = load_workbook_records(write_workbook(tmp_path / "b.xlsx", sheets))
    assert records.locations()[0][1].id == "LOC-1"


def test_blank_rows_anywhere_and_a_lying_dimension_do_not_hide_rows(tmp_path):
    sheets = minimal_sheets()
    location = sheets["Locaties"][1]
    sheets["Locaties"] += [[], [None, "  "], [*location[:1], *location[1:]]]
    sheets["Locaties"][-1][0] = "LOC-2"
    path = write_workbook(tmp_path / "b.xlsx", sheets)
    part = sheet_part(path, "Locaties")
    replace_part(
        path, part, lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B2"', xml)
    )
    records, _ = load_workbook_records(path)
    assert [loc.id for _, loc in records.locations()] == ["LOC-1", "LOC-2"]


def test_a_merge_down_one_column_gives_each_row_the_value(tmp_path):
    sheets = minimal_sheets()
    second = list(sheets["Locaties"][1])
    second[0], second[2] = "LOC-2", None
    sheets["Locaties"].append(second)
    path = write_workbook(tmp_path / "b.xlsx", sheets, merges=[("Locaties", "C2:C3")])
    records, notices = load_workbook_records(path)
    assert [(org.id, loc.id) for org, loc in records.locations()] == [
        ("ORG-1", "LOC-1"),
        ("ORG-1", "LOC-2"),
    ]
    assert (
        notices[-1] == "Locaties: merged cells C2:C3 read as the same value on each of their rows."
    )


def test_a_formula_with_a_cached_result_reads_the_result(tmp_path):
    path = write_workbook(tmp_path / "b.xlsx", with_cell("Locaties", "Plaatsen", "=20+8"))
    replace_part(
        path, sheet_part(path, "Locaties"), lambda xml: xml.replace(b"<v />", b"<v>28</v>")
    )
    records, _ = load_workbook_records(path)
    assert records.locations()[0][1].places == 28


def test_mentes_reads_cells_as_openpyxl_does(tmp_path):
    typed = write_workbook(tmp_path / "typed.xlsx", coordinator_sheets())
    mac = write_workbook(tmp_path / "mac.xlsx", coordinator_sheets(), epoch_1904=True)
    exported = tmp_path / "exported.xlsx"
    result = runner.invoke(app, ["export", "--to", str(exported)])
    assert result.exit_code == 0, result.output
    for path in (typed, mac, exported):
        theirs, ours = cells_both_ways(path)
        assert ours == theirs
        assert len(ours) > 100


@pytest.mark.parametrize(
    "rewrite",
    [
        # A namespace prefix on every element, as some generators write.
        lambda xml: re.sub(rb"<(/?)(\w+)", rb"<\1x:\2", xml).replace(b"xmlns=", b"xmlns:x="),
        # Cells and rows without their r attribute: counted in order.
        lambda xml: re.sub(rb' r="[A-Z]*\d+"', b"", xml),
    ],
    ids=["prefixed", "no-references"],
)
def test_sheet_xml_as_other_programs_write_it(tmp_path, rewrite):
    path = write_workbook(tmp_path / "b.xlsx", minimal_sheets())
    replace_part(path, sheet_part(path, "Locaties"), rewrite)
    records, _ = load_workbook_records(path)
    assert records.locations()[0][1].postcode == "2600"


# --- bad input --------------------------------------------------------------------------------

STEP = "must be 0, 1, 2 or 3 (also T0–T3 or trap 0–trap 3)"
FLAG = "must be ja or nee (also yes/no, waar/onwaar, true/false, 1/0 or a TRUE/FALSE cell)"
DAYS = (
    "must be weekdays separated by commas: ma, di, wo, do, vr, za, zo (also maandag…zondag "
    "or mon…sun, or a range such as ma-vr, ma t/m do or maandag tot vrijdag)"
)
DATE = "must be a date (a date cell, or text such as 31/01/2027 or 2027-01-31)"


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("Subsidietrap", "vier", f"Subsidietrap: {STEP}, got 'vier'"),
        ("Subsidietrap", 4, f"Subsidietrap: {STEP}, got 4"),
        ("Subsidietrap", 2.5, f"Subsidietrap: {STEP}, got 2.5"),
        ("Subsidietrap", True, f"Subsidietrap: {STEP}, got a yes/no cell (TRUE)"),
        ("Plaatsen", 3.5, "Plaatsen: must be a whole number, got 3.5"),
        ("Plaatsen", True, "Plaatsen: must be a whole number, got a yes/no cell (TRUE)"),
        ("Plaatsen", "3,5", "Plaatsen: must be a whole number, got '3,5'"),
        ("Plaatsen", 0, "Plaatsen: must be at least 1, got 0"),
        ("IKT-plaatsen", -1, "IKT-plaatsen: must be at least 0, got -1"),
        ("Postcode", 26000, "Postcode: must be a Belgian postcode of 4 digits, got '26000'"),
        ("Postcode", 2600.5, "Postcode: must be text or a whole number of 4 digits, got 2600.5"),
        (
            "Postcode",
            9999,
            "Postcode: postcode 9999 is not a Belgian postcode mentes knows; did you mean 9990 "
            "Maldegem; 9991 Maldegem; 9992 Maldegem?",
        ),
        (
            "Type opvang",
            "creche",
            "Type opvang: must be groepsopvang or gezinsopvang (also "
            "group or family), got 'creche'",
        ),
        ("Handhaving", "misschien", f"Handhaving: {FLAG}, got 'misschien'"),
        ("Handhaving", 2, f"Handhaving: {FLAG}, got 2"),
        ("Openingsdagen", "ma, dinsdg", f"Openingsdagen: {DAYS}, got 'dinsdg' in 'ma, dinsdg'"),
        (
            "Openingsdagen",
            "vr-ma",
            "Openingsdagen: the range vr-ma runs backwards; write it "
            "from the first day to the last, such as ma-vr",
        ),
        ("Openingsdagen", "ma, ma", "Openingsdagen: lists a weekday twice: ['mon', 'mon']"),
        ("Openingsdagen", 5, f"Openingsdagen: {DAYS}, got 5"),
        (
            "Openingsuren",
            "18:00-07:00",
            "Openingsuren: must be opening hours from-to such as 07:00-18:00 (also 7:00-18:00, "
            "7u-18u or 7u30-18u), the start before the end, got '18:00-07:00'",
        ),
        ("Naam", date(2027, 1, 5), "Naam: must be text, got a date with a time (05/01/2027 00:00)"),
        ("Naam", 3.5, "Naam: must be text, got 3.5"),
        ("Naam", None, "Naam: is required"),
    ],
)
def test_bad_location_value_names_sheet_row_column_and_what_is_accepted(
    tmp_path, header, value, message
):
    path = write_workbook(tmp_path / "book.xlsx", with_cell("Locaties", header, value))
    assert the_problem(path) == f"Locaties, row 2, location LOC-1, {message}"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2027", f"'31/02/2027' is not a day of the calendar; {DATE}"),
        ("2027-13-01", f"'2027-13-01' is not a day of the calendar; {DATE}"),
        ("1 maart 2027", f"{DATE}, got '1 maart 2027'"),
        ("01-03-2027", f"{DATE}, got '01-03-2027'"),
        (46418.5, f"{DATE}, got 46418.5 (a serial date number with a time of day)"),
        (-3, f"{DATE}, got -3 (not a serial date number Excel knows)"),
        (True, f"{DATE}, got a yes/no cell (TRUE)"),
        (time(8, 30), f"{DATE}, got a time (08:30)"),
    ],
)
def test_bad_dates(tmp_path, value, message):
    sheets = minimal_sheets()
    sheets["Sluitingen"] = [["Locatie", "Van", "Tot en met"], ["LOC-1", value, "2027-12-31"]]
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    assert the_problem(path) == f"Sluitingen, row 2, Van: {message}"


def test_a_date_cell_with_a_time_of_day_is_refused(tmp_path):
    from datetime import datetime

    sheets = minimal_sheets()
    sheets["Sluitingen"] = [
        ["Locatie", "Van", "Tot en met"],
        ["LOC-1", datetime(2027, 1, 5, 14, 30), "2027-12-31"],
    ]
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    assert the_problem(path) == (
        "Sluitingen, row 2, Van: must be a date without a time of day, got a date with a time "
        "(05/01/2027 14:30); give the date alone"
    )


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        (
            "Rol",
            "trainer",
            "Rol: must be pedagogisch coach or regionaal ondersteuner (also "
            "coach, support or ondersteuner), got 'trainer'",
        ),
        (
            "VTE",
            "veel",
            "VTE: must be a number (a number cell, or text such as 0,8 or 0.8), got 'veel'",
        ),
        (
            "VTE",
            True,
            "VTE: must be a number (a number cell, or text such as 0,8 or 0.8), got "
            "a yes/no cell (TRUE)",
        ),
        ("VTE", "1,5", "VTE: must be more than 0 and at most 1, got 1.5"),
        (
            "Werkgebied",
            "Atlantis",
            "Werkgebied: area 'Atlantis' is not a scope id, "
            "municipality or district mentes knows (scopes: regio-antwerpen, "
            "provincie-antwerpen, groot-antwerpen, antwerpen-districten)",
        ),
    ],
)
def test_bad_coach_value(tmp_path, header, value, message):
    sheets = minimal_sheets()
    sheets["Coaches"] = [
        ["Id", "Naam", "Rol", "VTE", "Werkdagen", "Werkgebied"],
        ["C-1", "An", "coach", 0.8, "ma", None],
    ]
    sheets["Coaches"][1][sheets["Coaches"][0].index(header)] = value
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    assert the_problem(path) == f"Coaches, row 2, coach C-1, {message}"


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        (
            "Status",
            "klaar",
            "Status: must be aangevraagd, goedgekeurd, gepland, lopend, "
            "afgerond or geannuleerd (also requested, approved, planned, active, done or "
            "cancelled), got 'klaar'",
        ),
        (
            "Aanbod",
            "E",
            "Aanbod: must be one of bvv-basis, bvv-vervolg, coaching, A, B, C, D, "
            "basis, vervolg, got 'E'",
        ),
        (
            "Domeinen",
            "Pedagogisch beleid; Sport",
            "Domeinen: must be one or more of "
            "Pedagogisch beleid; Medewerkers, team en ontwikkelingsbeleid; Toegankelijkheid; "
            "Ondernemerschap, Organisatie en Financieel beleid; Infrastructuur veiligheid en "
            "gezondheid; Kwaliteitsontwikkeling (separated by ;), got 'Sport'",
        ),
        ("Contactmomenten", 7, "Contactmomenten: must be at least 2 and at most 5, got 7"),
        ("Locatie", "LOC-9", "Locatie: location 'LOC-9' does not exist"),
    ],
)
def test_bad_traject_value(tmp_path, header, value, message):
    sheets = minimal_sheets()
    sheets["Trajecten"] = [
        ["Id", "Locatie", "Aanbod", "Status", "Domeinen", "Contactmomenten"],
        ["T-1", "LOC-1", "bvv-vervolg", "aangevraagd", None, None],
    ]
    sheets["Trajecten"][1][sheets["Trajecten"][0].index(header)] = value
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    assert the_problem(path) == f"Trajecten, row 2, traject T-1, {message}"


def test_references_and_duplicate_ids_name_the_rows(tmp_path):
    sheets = minimal_sheets()
    sheets["Locaties"].append(list(sheets["Locaties"][1]))
    sheets["Locaties"][2][2] = "ORG-9"
    sheets["Verlof"] = [["Coach", "Van", "Tot en met"], ["C-9", "1/1/2027", "2/1/2027"]]
    assert problems_of(write_workbook(tmp_path / "book.xlsx", sheets)) == [
        "Locaties, row 2, location LOC-1, Id: location id 'LOC-1' is used more than once "
        "(location ids are unique across all organisations) (also at row 3); every id must "
        "be unique",
        "Locaties, row 3, location LOC-1, Id: location id 'LOC-1' is used more than once "
        "(location ids are unique across all organisations) (also at row 2); every id must "
        "be unique",
        "Locaties, row 3, location LOC-1, Organisatie: organisation 'ORG-9' does not exist",
        "Verlof, row 2, Coach: coach 'C-9' does not exist",
    ]


def test_a_blank_reference_is_required_once(tmp_path):
    path = write_workbook(tmp_path / "book.xlsx", with_cell("Locaties", "Organisatie", " "))
    assert the_problem(path) == "Locaties, row 2, location LOC-1, Organisatie: is required"


def test_a_bad_cell_is_reported_once_not_echoed_by_the_model(tmp_path):
    sheets = with_cell("Locaties", "Handhaving", "soms")
    sheets["Locaties"][1][LOCATIONS_HEADER.index("Handhaving sinds")] = "1/9/2026"
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    assert the_problem(path) == f"Locaties, row 2, location LOC-1, Handhaving: {FLAG}, got 'soms'"


def test_missing_required_sheet(tmp_path):
    sheets = minimal_sheets()
    del sheets["Locaties"]
    sheets["Blad1"] = [["x"]]
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    assert the_problem(path) == (
        f"{path}: the sheet 'Locaties' is missing (the workbook has the sheets "
        "'Organisaties', 'Blad1'); Organisaties and Locaties are required, Sluitingen, "
        "Coaches, Verlof and Trajecten may be left out"
    )


def test_two_sheets_for_one_kind(tmp_path):
    sheets = {**minimal_sheets(), "Locations": minimal_sheets()["Locaties"]}
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    assert the_problem(path) == (
        f"{path}: sheets 'Locaties' and 'Locations' are both the Locaties sheet; keep one"
    )


def test_a_sheet_with_a_wrong_header_row_is_not_read_against_it(tmp_path):
    sheets = minimal_sheets()
    header = sheets["Locaties"][0]
    header[header.index("Postcode")] = "Post code nr"
    header[header.index("Gemeente")] = "naam"
    sheets["Locaties"][1][header.index("Subsidietrap")] = "vier"  # its sheet's header is wrong
    sheets["Organisaties"][0] = ["Id", "Naam", "E-mail", "E-mail"]
    assert problems_of(write_workbook(tmp_path / "book.xlsx", sheets)) == [
        "Organisaties, row 1: columns C ('E-mail') and D ('E-mail') are the same column "
        "'E-mail'; keep one",
        "Locaties, row 1: columns B ('Naam') and I ('naam') are the same column 'Naam'; keep one",
        "Locaties, row 1: the required column 'Postcode' (or 'postcode') is missing; the header "
        "row holds columns mentes does not know: H 'Post code nr' (did you mean 'Postcode'?)",
    ]


def test_a_missing_column_names_the_unknown_ones_with_the_closest_match(tmp_path):
    sheets = minimal_sheets()
    header = sheets["Locaties"][0]
    header[header.index("IKT-plaatsen")] = "IKT-plaatsn"
    header.append("Notities")
    for row in sheets["Locaties"][1:]:
        row.append("")
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    typo, notes = letters[header.index("IKT-plaatsn")], letters[len(header) - 1]
    assert problems_of(write_workbook(tmp_path / "book.xlsx", sheets)) == [
        "Locaties, row 1: the required column 'IKT-plaatsen' (or 'ikt_places') is missing; the "
        f"header row holds columns mentes does not know: {typo} 'IKT-plaatsn' (did you mean "
        f"'IKT-plaatsen'?), {notes} 'Notities'",
    ]


def test_a_missing_column_does_not_hide_the_row_errors_of_the_other_sheets(tmp_path):
    """Issue 11: one run finds every mistake, the header of one sheet and the cells of the
    others; what refers to the records of the sheet not read is not called missing."""
    sheets = coordinator_sheets()
    header = sheets["Locaties"][0]
    header[header.index("IKT plaatsen")] = "IKT-plaatsn"
    sheets["Organisaties"][2][1] = None  # ORG-2 without its name
    coaches = sheets["Coaches"]
    coaches[1][coaches[0].index("VTE")] = "veel"
    trajects = sheets["Trajecten"]
    trajects[3][trajects[0].index("Status")] = "misschien"
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    assert problems_of(path) == [
        "Organisaties, row 3, organisation ORG-2, Naam: is required",
        "Locaties, row 1: the required column 'IKT-plaatsen' (or 'ikt_places') is missing; the "
        "header row holds columns mentes does not know: F 'IKT-plaatsn' (did you mean "
        "'IKT-plaatsen'?), O 'Opmerkingen'",
        "Coaches, row 2, coach C-01, VTE: must be a number (a number cell, or text such as 0,8 "
        "or 0.8), got 'veel'",
        "Trajecten, row 4, traject T-3, Status: must be aangevraagd, goedgekeurd, gepland, "
        "lopend, afgerond or geannuleerd (also requested, approved, planned, active, done or "
        "cancelled), got 'misschien'",
    ]


def test_a_missing_column_and_row_errors_exit_1_and_write_nothing(tmp_path):
    sheets = minimal_sheets()
    header = sheets["Locaties"][0]
    header[header.index("Postcode")] = "Postcod"
    sheets["Organisaties"][1][0] = None  # an organisation without its id
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    out = tmp_path / "out"
    result = runner.invoke(app, ["import", str(path), "--to", str(out)])
    assert result.exit_code == 1
    assert "Locaties, row 1: the required column 'Postcode'" in result.output
    assert "Organisaties, row 2, Id: is required" in result.output
    assert not out.exists()


def test_an_empty_header_row_and_an_empty_required_sheet(tmp_path):
    sheets = minimal_sheets()
    sheets["Organisaties"] = []
    sheets["Locaties"].insert(0, [])
    assert problems_of(write_workbook(tmp_path / "book.xlsx", sheets)) == [
        "Organisaties, row 1: the sheet is empty; row 1 must hold the column headers (Id, "
        "Naam, E-mail, PRIOR (Opgroeien), Contactpersoon, Telefoon)",
        "Locaties, row 1: row 1 must hold the column headers; it is empty",
    ]


def test_a_merge_across_columns_is_refused(tmp_path):
    path = write_workbook(tmp_path / "b.xlsx", minimal_sheets(), merges=[("Locaties", "I2:J2")])
    assert the_problem(path) == (
        "Locaties, row 2: the cells I2:J2 are merged across columns; unmerge them: each "
        "column holds its own value"
    )


def test_a_merged_header_is_refused(tmp_path):
    path = write_workbook(tmp_path / "b.xlsx", minimal_sheets(), merges=[("Locaties", "A1:B1")])
    assert problems_of(path) == [
        "Locaties, row 1: the required column 'Naam' (or 'name') is missing",
        "Locaties, row 1: the cells A1:B1 are merged; unmerge them so that every column has "
        "its own header in row 1",
    ]


def test_a_formula_without_a_cached_result_is_an_error(tmp_path):
    path = write_workbook(tmp_path / "b.xlsx", with_cell("Locaties", "Plaatsen", "=20+8"))
    assert the_problem(path) == (
        "Locaties, row 2, location LOC-1, Plaatsen: is a formula (=20+8) without a saved "
        "result; mentes does not calculate formulas: open and save the workbook in Excel or "
        "LibreOffice, or type the value"
    )


def test_an_error_cell_is_an_error(tmp_path):
    path = write_workbook(tmp_path / "b.xlsx", with_cell("Locaties", "Plaatsen", "=1/0"))
    replace_part(
        path,
        sheet_part(path, "Locaties"),
        lambda xml: xml.replace(
            b'<c r="G2"><f>1/0</f><v /></c>', b'<c r="G2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        ),
    )
    assert the_problem(path) == (
        "Locaties, row 2, location LOC-1, Plaatsen: holds the error #DIV/0!, from the formula "
        "(=1/0); correct it or type the value"
    )


def test_a_date_cell_outside_the_calendar_is_an_error(tmp_path):
    sheets = minimal_sheets()
    sheets["Sluitingen"] = [
        ["Locatie", "Van", "Tot en met"],
        ["LOC-1", date(2027, 1, 5), date(2027, 1, 6)],
    ]
    path = write_workbook(tmp_path / "b.xlsx", sheets)
    replace_part(
        path,
        sheet_part(path, "Sluitingen"),
        lambda xml: xml.replace(b"<v>46392</v>", b"<v>1e20</v>"),
    )
    assert the_problem(path) == (
        "Sluitingen, row 2, Van: is a date cell whose number 1e20 is outside the calendar; "
        "type the date again"
    )


def test_three_faults_are_reported_at_once_by_validate(tmp_path):
    sheets = minimal_sheets()
    sheets["Locaties"][1][LOCATIONS_HEADER.index("Type opvang")] = "creche"
    sheets["Locaties"][1][LOCATIONS_HEADER.index("Plaatsen")] = 3.5
    sheets["Coaches"] = [
        ["Id", "Naam", "Rol", "VTE", "Werkdagen"],
        ["C-1", "An", "coach", 0.8, "31/02/2027"],
    ]
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    result = runner.invoke(app, ["validate", "--data", str(path)])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        "Error: 3 problems found:",
        "  Locaties, row 2, location LOC-1, Type opvang: must be groepsopvang or gezinsopvang "
        "(also group or family), got 'creche'",
        "  Locaties, row 2, location LOC-1, Plaatsen: must be a whole number, got 3.5",
        f"  Coaches, row 2, coach C-1, Werkdagen: {DAYS}, got '31/02/2027' in '31/02/2027'",
    ]
    assert result.stdout == ""


# --- files that are not (safe) workbooks -------------------------------------------------------


def test_an_empty_file(tmp_path):
    path = tmp_path / "leeg.xlsx"
    path.write_bytes(b"")
    assert the_problem(path) == f"{path}: is empty (0 bytes); it is not an Excel workbook"


def test_a_renamed_csv(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_text("Id;Naam\nORG-1;Vzw Test\n", encoding="utf-8")
    assert the_problem(path) == (
        f"{path}: is not an Excel workbook: it is a text file (a CSV file?); {RESAVE}"
    )


def test_a_csv_with_its_own_extension(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Id,Naam\n", encoding="utf-8")
    assert the_problem(path).startswith(f"{path}: is not an Excel workbook: it is a text file")


def test_an_old_xls_file(tmp_path):
    path = tmp_path / "oud.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    assert the_problem(path) == (
        f"{path}: is an Excel 97-2003 workbook (.xls) or a password-protected workbook; "
        f"mentes reads .xlsx workbooks without a password: {RESAVE}"
    )


def test_a_truncated_workbook(tmp_path):
    whole = write_workbook(tmp_path / "whole.xlsx", minimal_sheets()).read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert the_problem(path) == (
        f"{path}: is damaged or incomplete: not a readable zip archive (was a download or "
        f"copy interrupted?); {RESAVE}"
    )


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "archief.xlsx"
    path.write_bytes(zip_with({"readme.txt": b"hello"}))
    assert the_problem(path) == (
        f"{path}: is a zip archive but not an Excel workbook (it has no [Content_Types].xml); "
        f"{RESAVE}"
    )


def test_an_xlsb_and_an_ods(tmp_path):
    xlsb = tmp_path / "binair.xlsx"
    xlsb.write_bytes(zip_with({"[Content_Types].xml": b"<x/>", "xl/workbook.bin": b"\x00"}))
    ods = tmp_path / "calc.xlsx"
    ods.write_bytes(zip_with({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}))
    assert the_problem(xlsb) == (
        f"{xlsb}: is an Excel binary workbook (.xlsb); mentes reads .xlsx: {RESAVE}"
    )
    assert the_problem(ods) == (
        f"{ods}: is an OpenDocument spreadsheet (.ods); mentes reads .xlsx: {RESAVE}"
    )


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(
        zip_with({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"0" * 20_000_000})
    )
    assert path.stat().st_size < 100_000
    assert the_problem(path) == (
        f"{path}: holds 'xl/worksheets/sheet1.xml', which unpacks 1,028 times its packed size "
        "(at most 200). Refused as unsafe (a zip bomb?)"
    )


def test_too_many_entries_and_too_much_unpacked_are_refused(tmp_path, monkeypatch):
    from mentes_cli.load import excel_records

    many = tmp_path / "many.xlsx"
    many.write_bytes(zip_with({f"f{i}.xml": b"" for i in range(1001)}))
    assert the_problem(many) == (
        f"{many}: holds 1,001 files inside; a workbook holds at most 1,000. Refused as unsafe"
    )
    limits = {**excel_records.workbook_limits(), "max_uncompressed_bytes": 1000}
    monkeypatch.setattr(excel_records, "workbook_limits", lambda: limits)
    big = write_workbook(tmp_path / "big.xlsx", minimal_sheets())
    assert re.fullmatch(
        rf"{re.escape(str(big))}: unpacks to 0 MB; mentes reads workbooks that unpack to at "
        r"most 0 MB\. Refused as unsafe \(a zip bomb\?\)",
        the_problem(big),
    )


ENTITY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
)


def test_an_external_entity_is_refused(tmp_path):
    path = write_workbook(tmp_path / "xxe.xlsx", minimal_sheets())
    part = sheet_part(path, "Organisaties")
    replace_part(
        path,
        part,
        lambda xml: ENTITY.encode() + xml.replace(b"Vzw Test", b"&secret;"),
    )
    assert the_problem(path) == (
        f"{path}: holds XML that mentes refuses to read for safety (an entity or DTD "
        f"declaration, as in XML bombs and external-entity attacks); {RESAVE}"
    )


def test_an_xml_bomb_is_refused(tmp_path):
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    )
    path = write_workbook(tmp_path / "bomb.xlsx", minimal_sheets())
    replace_part(
        path,
        "xl/workbook.xml",
        lambda xml: bomb.encode() + xml,
    )
    assert the_problem(path).startswith(f"{path}: holds XML that mentes refuses to read")


def test_a_broken_sheet_xml_names_the_file(tmp_path):
    path = write_workbook(tmp_path / "b.xlsx", minimal_sheets())
    replace_part(path, sheet_part(path, "Locaties"), lambda xml: xml[: len(xml) // 2])
    assert the_problem(path).startswith(f"{path}: cannot be read as an Excel workbook (")


def test_a_folder_and_a_missing_file(tmp_path):
    assert the_problem(tmp_path) == f"{tmp_path}: is a folder, not a workbook"
    assert the_problem(tmp_path / "nee.xlsx") == f"{tmp_path / 'nee.xlsx'}: no such file"


# --- speed ------------------------------------------------------------------------------------


POSTCODES = (
    2000,
    2018,
    2020,
    2030,
    2040,
    2050,
    2060,
    2100,
    2140,
    2150,
    2170,
    2180,
    2600,
    2610,
    2660,
    2900,
    2930,
    2950,
    2960,
    2970,
)


def test_a_network_scale_workbook_loads_quickly(tmp_path):
    sheets = {
        "Organisaties": [["Id", "Naam"]] + [[f"ORG-{i}", f"Organisatie {i}"] for i in range(600)],
        "Locaties": [LOCATIONS_HEADER]
        + [
            [
                f"LOC-{i}",
                f"Locatie {i}",
                f"ORG-{i % 600}",
                "groepsopvang",
                i % 4,
                3,
                20,
                POSTCODES[i % 20],
                None,
                None,
                "nee",
                None,
                "ma, di, wo, do, vr",
                "07:00-18:00",
            ]
            for i in range(1900)
        ],
    }
    path = write_workbook(tmp_path / "network.xlsx", sheets)
    load_workbook_records(path)  # warm the reference data
    started = perf_counter()
    records, _ = load_workbook_records(path)
    elapsed = perf_counter() - started
    assert len(records.locations()) == 1900
    assert elapsed < 3, f"{elapsed:.2f} s"
