"""The workbook reader on sheet XML that a reader could misread silently (issues 16 and 18).

Cell values come from python-calamine; a check of the sheet XML finds what calamine would
hide: cells and rows given twice, shared-string indexes that are no index, a sheet that
spans millions of cells, merges by the thousand. Each case is built in tmp_path.
"""

from __future__ import annotations

import re
from pathlib import Path
from time import perf_counter

import pytest

from excel_helpers import minimal_sheets, replace_part, sheet_part, write_workbook
from mentes_cli.errors import InputError
from mentes_cli.load.excel_records import MAX_SHEET_CELLS, load_workbook_records

RESAVE = "open it in Excel or LibreOffice and save it as Excel Workbook (.xlsx)"
_SHARED = (
    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>Vzw Eerste</t></si>'
    b"<si><t>Vzw Laatste</t></si></sst>"
)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_workbook_records(path)
    return [str(problem) for problem in caught.value.problems]


def edit_sheet(path: Path, title: str, edit) -> Path:
    return replace_part(path, sheet_part(path, title), edit)


def with_shared_strings(path: Path) -> Path:
    """Give the workbook a shared-strings part (openpyxl writes inline strings)."""
    replace_part(
        path,
        "xl/_rels/workbook.xml.rels",
        lambda xml: xml.replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Target="sharedStrings.xml" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            b"</Relationships>",
        ),
    )
    replace_part(
        path,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    )
    with_part = path.read_bytes()
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(with_part)) as old, zipfile.ZipFile(buffer, "w") as new:
        for name in old.namelist():
            new.writestr(name, old.read(name))
        new.writestr("xl/sharedStrings.xml", _SHARED)
    path.write_bytes(buffer.getvalue())
    return path


def name_as_shared_string(path: Path, index: str) -> Path:
    """Make the organisation's name (Organisaties B2) the shared string `index`."""
    with_shared_strings(path)
    return edit_sheet(
        path,
        "Organisaties",
        lambda xml: re.sub(
            rb'<c r="B2" t="inlineStr"><is><t>[^<]*</t></is></c>',
            b'<c r="B2" t="s"><v>' + index.encode() + b"</v></c>",
            xml,
        ),
    )


def test_a_shared_string_is_read(tmp_path):
    path = name_as_shared_string(write_workbook(tmp_path / "b.xlsx", minimal_sheets()), "1")
    records, _ = load_workbook_records(path)
    assert records.organisations[0].name == "Vzw Laatste"


@pytest.mark.parametrize("index", ["-1", "x", "1.5", ""])
def test_a_shared_string_index_that_is_no_index_is_refused(tmp_path, index):
    # calamine reads -1, 'x' and 1.5 as the first string; Python's list would read -1 as
    # the last. Either is a silent wrong name.
    path = name_as_shared_string(write_workbook(tmp_path / "b.xlsx", minimal_sheets()), index)
    assert problems_of(path) == [
        f"Organisaties, row 2, organisation ORG-1, Naam: refers to the shared text {index!r}, "
        f"which does not exist (a damaged file); {RESAVE}"
    ]


def test_a_shared_string_index_past_the_end_makes_the_file_unreadable(tmp_path):
    path = name_as_shared_string(write_workbook(tmp_path / "b.xlsx", minimal_sheets()), "99999")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: cannot be read as an Excel workbook (")
    assert problem.endswith(RESAVE)


def test_two_rows_with_the_same_number_are_an_error_not_a_replacement(tmp_path):
    sheets = minimal_sheets()
    sheets["Organisaties"].append(["ORG-2", "Vzw Twee", None, None])
    path = write_workbook(tmp_path / "b.xlsx", sheets)
    # The third row claims to be row 2, cells and all: a reader keeps one of the two.
    edit_sheet(
        path,
        "Organisaties",
        lambda xml: (
            xml.replace(b'<row r="3">', b'<row r="2">')
            .replace(b'r="A3"', b'r="A2"')
            .replace(b'r="B3"', b'r="B2"')
        ),
    )
    assert problems_of(path) == [
        f"Organisaties, row 2: row 2 appears twice in the workbook's XML, so mentes cannot "
        f"tell which one is meant (a damaged or hand-made file); {RESAVE}",
        f"Organisaties, row 2: cell A2 appears twice in the workbook's XML, so mentes cannot "
        f"tell which one is meant (a damaged or hand-made file); {RESAVE}",
        f"Organisaties, row 2: cell B2 appears twice in the workbook's XML, so mentes cannot "
        f"tell which one is meant (a damaged or hand-made file); {RESAVE}",
    ]


def test_a_cell_given_twice_in_a_sheet_with_formulas_is_an_error_too(tmp_path):
    # A formula sends the sheet through the expat pass: it finds the same.
    sheets = minimal_sheets()
    sheets["Locaties"][1][6] = "=20+8"
    path = write_workbook(tmp_path / "b.xlsx", sheets)
    edit_sheet(
        path,
        "Locaties",
        lambda xml: xml.replace(b"</row></sheetData>", b'<c r="A2"><v>1</v></c></row></sheetData>'),
    )
    problems = problems_of(path)
    assert problems[0].startswith("Locaties, row 2: cell A2 appears twice in the workbook's XML")


def test_rows_keep_their_numbers_after_blank_rows(tmp_path):
    sheets = minimal_sheets()
    sheets["Organisaties"] += [[None] * 4, [None] * 4, ["ORG-2", None, None, None]]
    path = write_workbook(tmp_path / "b.xlsx", sheets)
    assert problems_of(path) == ["Organisaties, row 5, organisation ORG-2, Naam: is required"]


def test_an_empty_first_row_is_not_skipped(tmp_path):
    # calamine skips leading empty rows unless asked not to: the header must stay row 1.
    sheets = minimal_sheets()
    sheets["Organisaties"] = [[None] * 4, *sheets["Organisaties"]]
    path = write_workbook(tmp_path / "b.xlsx", sheets)
    assert problems_of(path) == [
        "Organisaties, row 1: row 1 must hold the column headers; it is empty"
    ]


def test_a_thousand_merged_ranges_in_a_small_file_are_read_at_once(tmp_path):
    path = write_workbook(tmp_path / "b.xlsx", minimal_sheets())
    merges = "".join(f'<mergeCell ref="{letter}2:{letter}1048576"/>' for letter in _letters(1000))
    edit_sheet(
        path,
        "Organisaties",
        lambda xml: xml.replace(
            b"</sheetData>", f'</sheetData><mergeCells count="1000">{merges}</mergeCells>'.encode()
        ),
    )
    assert path.stat().st_size < 12_000
    started = perf_counter()
    records, notices = load_workbook_records(path)
    assert perf_counter() - started < 2
    assert records.organisations[0].name == "Vzw Test"
    assert "merged cells A2:A1048576, B2:B1048576" in notices[-1]


def _letters(count: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [get_column_letter(n) for n in range(1, count + 1)]


@pytest.mark.parametrize("far", ["XFD1048576", "A1048576", "XFD200"])
def test_a_cell_far_away_is_refused_before_the_sheet_is_read(tmp_path, far):
    path = write_workbook(tmp_path / "b.xlsx", minimal_sheets())
    row = re.sub(r"[A-Z]", "", far)
    edit_sheet(
        path,
        "Locaties",
        lambda xml: xml.replace(
            b"</sheetData>",
            f'<row r="{row}"><c r="{far}" t="n"><v>1</v></c></row></sheetData>'.encode(),
        ),
    )
    started = perf_counter()
    (problem,) = problems_of(path)
    assert perf_counter() - started < 2
    assert problem.startswith("Locaties: its cells span ")
    assert f"mentes reads sheets of at most {MAX_SHEET_CELLS:,} cells" in problem


def test_a_value_the_cell_reader_cannot_convert_is_refused_without_a_traceback(tmp_path):
    from datetime import date

    sheets = minimal_sheets()
    sheets["Sluitingen"] = [["Locatie", "Van", "Tot en met"], ["LOC-1", date(2027, 1, 5), None]]
    path = write_workbook(tmp_path / "b.xlsx", sheets)
    edit_sheet(path, "Sluitingen", lambda xml: xml.replace(b"<v>46392</v>", b"<v>-1e308</v>"))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: cannot be read as an Excel workbook (")


def test_a_dtd_in_any_part_is_refused(tmp_path):
    path = write_workbook(tmp_path / "b.xlsx", minimal_sheets())
    replace_part(
        path,
        "xl/styles.xml",
        lambda xml: xml.replace(b"<styleSheet", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><styleSheet', 1),
    )
    (problem,) = problems_of(path)
    assert "holds XML that mentes refuses to read for safety" in problem


def test_an_entry_that_lies_about_its_size_is_not_inflated(tmp_path):
    import tracemalloc

    import hostile_files

    path = hostile_files.zip_bomb_lying(tmp_path)  # declares 2 KB, inflates to 300 MB
    tracemalloc.start()
    try:
        (problem,) = problems_of(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "Bad CRC-32" in problem
    # Reading the file takes a buffer of the file limit (50 MB); inflating would take 300 MB.
    assert peak < 100_000_000
