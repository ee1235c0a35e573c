"""Workbooks for tests, written the way spreadsheet programs and coordinators write them.

Dates are date cells (a serial number with a date format), postcodes typed as numbers are
number cells, a text starting with `=` is a formula (as when typed), headers may carry
non-breaking spaces, and rows may be blank.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

Rows = list[list[Any]]


def write_workbook(
    path: Path, sheets: dict[str, Rows], *, epoch_1904: bool = False, merges=()
) -> Path:
    """Write `sheets` (title -> rows, row 1 the headers) as a workbook at `path`.

    `merges` are (sheet title, range) pairs to merge after writing, as a user would.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    if epoch_1904:
        workbook.epoch = CALENDAR_MAC_1904
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row_number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, datetime | date):
                    cell.number_format = "DD/MM/YYYY"
    for title, ref in merges:
        workbook[title].merge_cells(ref)
    workbook.save(path)
    return path


# fmt: off
ORGANISATIONS_HEADER = ["Id", "Naam", "E-mail", "PRIOR (Opgroeien)"]
LOCATIONS_HEADER = [
    "Id", "Naam", "Organisatie", "Type opvang", "Subsidietrap", "IKT-plaatsen", "Plaatsen",
    "Postcode", "Gemeente", "District", "Handhaving", "Handhaving sinds", "Openingsdagen",
    "Openingsuren",
]
CLOSURES_HEADER = ["Locatie", "Van", "Tot en met", "Reden"]
COACHES_HEADER = ["Id", "Naam", "Rol", "VTE", "Werkdagen", "Max uren per dag", "Werkgebied"]
LEAVE_HEADER = ["Coach", "Van", "Tot en met"]
TRAJECTS_HEADER = [
    "Id", "Locatie", "Aanbod", "Status", "Start", "Einde", "Coach", "Thema", "Domeinen",
    "Vroegst", "Deadline", "Contactmomenten", "Aangevraagd op",
]


def minimal_sheets() -> dict[str, Rows]:
    """Give one organisation with one location, in Dutch, as the smallest valid workbook."""
    return {
        "Organisaties": [list(ORGANISATIONS_HEADER), ["ORG-1", "Vzw Test", None, None]],
        "Locaties": [
            list(LOCATIONS_HEADER),
            ["LOC-1", "Test Berchem", "ORG-1", "groepsopvang", 2, 12, 28, 2600, None, None,
             None, None, None, None],
        ],
    }


def coordinator_sheets() -> dict[str, Rows]:
    """Give a workbook as a coordinator fills it in: every vocabulary, notes, blank rows."""
    nbsp = "\u00a0"
    return {
        "Organisaties": [
            ["Id", "Naam", f"E-mail{nbsp}", "PRIOR (Opgroeien)", "Opmerkingen"],
            ["ORG-1", "Vzw De Vlinder", "info@devlinder.example", None, "bellen in januari"],
            ["ORG-2", "Onthaalouder Fatima El Amrani", None, "ja", None],
            [None, None, None, None, None],
            [None, "   ", None, None, "alleen een notitie"],
            ["ORG-3", "Kinderdagverblijf 't Kasteeltje", None, "Nee", None],
        ],
        "Locaties": [
            ["id", "Naam", "ORGANISATIE", f"Type{nbsp}opvang ", " subsidietrap", "IKT plaatsen",
             "Plaatsen", "Postcode", "Gemeente", "District", "Handhaving", "Handhaving sinds",
             "Openingsdagen", "Openingsuren", "Opmerkingen"],
            ["LOC-1", "De Vlinder Berchem", "ORG-1", "groepsopvang", 2, 12, 28, 2600, None,
             "Berchem", None, None, "ma, di, wo, do, vr", "07:00-18:00", "nieuwe leiding"],
            ["LOC-2", "Gezinsopvang El Amrani", "ORG-2", "Gezinsopvang", "T1", 0, 8, "2140",
             None, None, "nee", None, "maandag; dinsdag, Woensdag, donderdag", "07:30-17:30",
             None],
            [],
            ["LOC-3", "Het Kasteeltje", "ORG-3", "group", "trap 3", "20", 36.0, 2100,
             "Antwerpen", "Deurne", True, datetime(2026, 9, 1), "mon-fri", None, None],
            ["LOC-4", "Het Kasteeltje Schoten", "ORG-3", "FAMILY", "0", 0, 4, 2900, None,
             None, "ja", "2026-10-15", "ma-wo, za", None, None],
        ],
        "Sluitingen": [
            list(CLOSURES_HEADER),
            ["LOC-1", date(2026, 12, 24), "01/01/2027", "kerstsluiting"],
            ["LOC-3", 46598, "2027-08-06", None],
        ],
        "Coaches": [
            list(COACHES_HEADER),
            ["C-01", "An Peeters", "pedagogisch coach", 0.8, "ma, di, wo, do", None,
             "provincie-antwerpen"],
            ["S-01", "Karen Wouters", "Regionaal ondersteuner", "0,5", "ma-wo", "7,6",
             "regio-antwerpen, Mechelen"],
            ["S-02", "Tom De Smet", "support", 1, "mon,tue", 7, None],
        ],
        "Verlof": [list(LEAVE_HEADER), ["C-01", "15/2/2027", "19/02/2027"]],
        "Trajecten": [
            [*TRAJECTS_HEADER, "Notities"],
            ["T-1", "LOC-1", "coaching", "Afgerond", datetime(2025, 3, 10),
             datetime(2025, 5, 20), "C-01", "warme interacties", None, None, None, None, None,
             "goed verlopen"],
            ["T-2", "LOC-2", "BVV-vervolg", "goedgekeurd", None, None, "S-01", None,
             "Pedagogisch beleid; toegankelijkheid", None, "30/06/2027", "3",
             date(2026, 10, 2), None],
            ["T-3", "LOC-3", "c", "requested", None, None, None, "taal en spel", None,
             "2027-01-11", None, None, None, None],
            ["T-4", "LOC-4", "Bvv-basis", "Lopend", 46300, None, "S-02", None,
             "Ondernemerschap, Organisatie en Financieel beleid", None, None, None, None,
             None],
        ],
    }


# fmt: on


# The records of coordinator_sheets(), as a TOML data directory would hold them.
COORDINATOR_TOML = {
    "organisations": """\
[[organisations]]
id = "ORG-1"
name = "Vzw De Vlinder"
email = "info@devlinder.example"

[[organisations.locations]]
id = "LOC-1"
name = "De Vlinder Berchem"
care_type = "group"
subsidy_step = 2
ikt_places = 12
places = 28
postcode = "2600"
district = "Berchem"
opening_days = ["mon", "tue", "wed", "thu", "fri"]
opening_hours = "07:00-18:00"
closures = [{ start = 2026-12-24, end = 2027-01-01, reason = "kerstsluiting" }]

[[organisations]]
id = "ORG-2"
name = "Onthaalouder Fatima El Amrani"
prior = true

[[organisations.locations]]
id = "LOC-2"
name = "Gezinsopvang El Amrani"
care_type = "family"
subsidy_step = 1
ikt_places = 0
places = 8
postcode = "2140"
enforcement = false
opening_days = ["mon", "tue", "wed", "thu"]
opening_hours = "07:30-17:30"

[[organisations]]
id = "ORG-3"
name = "Kinderdagverblijf 't Kasteeltje"
prior = false

[[organisations.locations]]
id = "LOC-3"
name = "Het Kasteeltje"
care_type = "group"
subsidy_step = 3
ikt_places = 20
places = 36
postcode = "2100"
municipality = "Antwerpen"
district = "Deurne"
enforcement = true
enforcement_since = 2026-09-01
closures = [{ start = 2027-07-30, end = 2027-08-06 }]

[[organisations.locations]]
id = "LOC-4"
name = "Het Kasteeltje Schoten"
care_type = "family"
subsidy_step = 0
ikt_places = 0
places = 4
postcode = "2900"
enforcement = true
enforcement_since = 2026-10-15
opening_days = ["mon", "tue", "wed", "sat"]
""",
    "coaches": """\
[[coaches]]
id = "C-01"
name = "An Peeters"
role = "coach"
fte = 0.8
workdays = ["mon", "tue", "wed", "thu"]
areas = ["provincie-antwerpen"]
leave = [{ start = 2027-02-15, end = 2027-02-19 }]

[[coaches]]
id = "S-01"
name = "Karen Wouters"
role = "support"
fte = 0.5
workdays = ["mon", "tue", "wed"]
max_hours_per_day = 7.6
areas = ["regio-antwerpen", "Mechelen"]

[[coaches]]
id = "S-02"
name = "Tom De Smet"
role = "support"
fte = 1
workdays = ["mon", "tue"]
max_hours_per_day = 7
""",
    "trajects": """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "coaching"
status = "done"
start = 2025-03-10
end = 2025-05-20
coach = "C-01"
theme = "warme interacties"

[[trajects]]
id = "T-2"
location = "LOC-2"
offer = "bvv-vervolg"
status = "approved"
coach = "S-01"
domains = ["Pedagogisch beleid", "Toegankelijkheid"]
deadline = 2027-06-30
contact_moments = 3
requested_on = 2026-10-02

[[trajects]]
id = "T-3"
location = "LOC-3"
offer = "C"
status = "requested"
theme = "taal en spel"
earliest = 2027-01-11

[[trajects]]
id = "T-4"
location = "LOC-4"
offer = "bvv-basis"
status = "active"
start = 2026-10-05
coach = "S-02"
domains = ["Ondernemerschap, Organisatie en Financieel beleid"]
""",
}


def zip_with(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """Give the bytes of a zip archive holding `entries`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def replace_part(path: Path, part: str, edit) -> Path:
    """Rewrite one file inside the workbook at `path` with `edit(bytes) -> bytes`."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries[part] = edit(entries[part])
    path.write_bytes(zip_with(entries))
    return path


def sheet_part(path: Path, title: str) -> str:
    """Give the path inside the zip of the sheet called `title`."""
    workbook = load_workbook(path, read_only=True)
    try:
        return workbook[title]._worksheet_path
    finally:
        workbook.close()


def cells_both_ways(path: Path) -> tuple[dict, dict]:
    """Give the non-empty cells of every sheet as openpyxl's reader and as mentes's read them.

    Each is {(sheet title, row, column): value}. Cells mentes marks (formulas without a
    result, error cells) are left out of both: openpyxl gives those as empty or as text. So
    are cells of only spaces, which the loader reads as blank (calamine gives them as empty).
    """
    from mentes_cli.load.excel_records import _Book, sheet_cells
    from mentes_cli.load.values import is_blank

    theirs, ours = {}, {}
    workbook = load_workbook(path, read_only=True, data_only=True)
    book = _Book(path, path.read_bytes())
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            rows, scan = sheet_cells(path, book, sheet.title)
            for number, row in rows.items():
                for column, value in enumerate(row, start=1):
                    if not is_blank(value):
                        ours[(sheet.title, number, column)] = value
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                for column, value in enumerate(row, start=1):
                    if not is_blank(value) and (number, column) not in scan.marks:
                        theirs[(sheet.title, number, column)] = value
    finally:
        workbook.close()
        book.close()
    return theirs, ours
