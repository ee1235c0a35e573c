"""Every workbook mentes writes (but the schedule) prints well: A4, all columns one page wide,
the header row on every page, landscape where the columns need it.

The settings are read back with openpyxl; the pages themselves were looked at by eye after
converting with LibreOffice (the closing note of issue 11).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()
A4 = 9  # the paper size code of A4 in a workbook


def written(tmp_path: Path, *args: str) -> openpyxl.Workbook:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    target = next(arg for arg in args if arg.endswith(".xlsx"))
    return openpyxl.load_workbook(tmp_path / target)


def assert_prints_on_a4_one_page_wide(sheet, orientation: str, header: bool = True) -> None:
    setup = sheet.page_setup
    assert int(setup.paperSize) == A4, sheet.title
    assert setup.orientation == orientation, sheet.title
    assert int(setup.fitToWidth) == 1, sheet.title
    assert int(setup.fitToHeight) == 0, sheet.title
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
    assert sheet.print_title_rows == ("$1:$1" if header else None), sheet.title


def test_the_eligibility_overview_prints_landscape_with_its_header(tmp_path: Path):
    workbook = written(tmp_path, "check-eligibility", "--output", "overzicht.xlsx")
    # Too wide for one page at a readable size: some pages wide (test_eligibility_xlsx_print).
    setup = workbook["Eligibility"].page_setup
    assert (int(setup.paperSize), setup.orientation) == (A4, "landscape")
    assert int(setup.fitToWidth) >= 2 and int(setup.fitToHeight) == 0
    assert_prints_on_a4_one_page_wide(workbook["About"], "portrait")
    sheet = workbook["Eligibility"]
    headers = [cell.value for cell in sheet[1]]
    # Long texts wrap inside their column instead of running into the next one.
    for name in ("Regional support: explanation", "Enforcement", "Warnings"):
        column = headers.index(name) + 1
        assert sheet.cell(row=2, column=column).alignment.wrap_text, name
    # A header wraps between its words: every column is at least as wide as its longest word.
    for index, name in enumerate(headers, start=1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        assert width >= max(len(word) for word in name.split()), name
    assert workbook["About"]["B4"].value == "the bundled sample records"
    rows = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=2)}
    loc_012 = rows["LOC-012"]
    assert loc_012[headers.index("Regional support: used by")] == "T-2026-024"


@pytest.mark.parametrize(
    "args", [("export", "--to", "records.xlsx"), ("template", "leeg.xlsx")], ids=lambda a: a[0]
)
def test_the_record_workbooks_print_on_a4_one_page_wide(tmp_path: Path, args):
    workbook = written(tmp_path, *args)
    for sheet in workbook.worksheets:
        if sheet.title == "Uitleg":
            assert_prints_on_a4_one_page_wide(sheet, "portrait", header=False)
        else:
            wide = sum(
                sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width or 8.43
                for i in range(1, sheet.max_column + 1)
            )
            orientation = "landscape" if wide > 90 else "portrait"
            assert_prints_on_a4_one_page_wide(sheet, orientation)
    assert workbook["Locaties"].page_setup.orientation == "landscape"


def test_the_offerte_prints_on_one_a4_page(tmp_path: Path):
    workbook = written(
        tmp_path, "quote", "--traject", "C", "--location", "LOC-003", "--output", "offerte.xlsx"
    )
    setup = workbook.active.page_setup
    assert (int(setup.paperSize), setup.orientation) == (A4, "portrait")
    assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 1)
