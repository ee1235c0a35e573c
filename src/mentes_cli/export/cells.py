"""Writing record text into workbooks safely, and saving workbooks atomically.

Every text that comes from a record goes through `put_text`: it is stored as text, never
as a formula, even when it starts with `=`, `+`, `-` or `@`, and a later edit in Excel
does not turn it into one either (quotePrefix).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from mentes_cli.output import write_atomically

MAX_CELL_TEXT = 32_767
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot hold: control characters (openpyxl refuses them), lone surrogates and
# the non-characters U+FFFE and U+FFFF (openpyxl writes them, and the file no longer opens).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
# Excel keeps this sheet name for itself (change tracking) and refuses a sheet called so.
_RESERVED_TITLES = {"history"}

# Named, as the body text is: a font without a name prints in a serif font in LibreOffice.
HEADER_FONT = Font(name="Calibri", bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2F5D62")


def safe_text(value: str) -> str:
    """Give `value` with characters a workbook cannot hold replaced, cut to the cell limit.

    Control characters, lone surrogates, U+FFFE and U+FFFF become U+FFFD; a carriage return
    (alone or before a line feed) becomes a line feed, as reading the XML back would make it.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _ILLEGAL.sub("\N{REPLACEMENT CHARACTER}", value)
    if len(value) > MAX_CELL_TEXT:
        value = value[: MAX_CELL_TEXT - 1] + "…"
    return value


def looks_like_formula(text: str) -> bool:
    """Give whether a spreadsheet would take `text` for a formula when it is edited."""
    return text.startswith(_FORMULA_START)


def put_text(cell: Cell, value: str) -> Cell:
    """Store `value` in `cell` as text, never as a formula or an error code."""
    text = safe_text(value)
    cell.value = text
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def put(cell: Cell, value: Any) -> Cell:
    """Store `value`: text through put_text, numbers, dates and booleans as they are."""
    if isinstance(value, str):
        return put_text(cell, value)
    cell.value = value
    return cell


def sheet_title(name: str, taken: set[str] | None = None) -> str:
    """Give a valid, unused sheet title for `name` (at most 31 characters, no []:*?/\\)."""
    # A line break in a title attribute comes back as a space: make it one now.
    title = _SHEET_TITLE_BAD.sub("-", _ILLEGAL.sub("", re.sub(r"[\t\n\r]", " ", name)))
    # Excel refuses a title that starts or ends with an apostrophe: strip after cutting.
    title = title[:31].strip("'") or "Blad"
    if title.casefold() in _RESERVED_TITLES:
        title = f"{title} (blad)"
    taken = taken if taken is not None else set()
    candidate, number = title, 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({number})"
        candidate = title[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(candidate)
    return candidate


def write_header(sheet: Worksheet, headers: list[str], widths: list[float] | None = None) -> None:
    """Write a bold header row, freeze it and put a filter on it."""
    for column, header in enumerate(headers, start=1):
        cell = put_text(sheet.cell(row=1, column=column), header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=False)
        if widths:
            sheet.column_dimensions[get_column_letter(column)].width = widths[column - 1]
    sheet.freeze_panes = "A2"


def add_filter(sheet: Worksheet, columns: int, rows: int) -> None:
    """Put an autofilter over the header and `rows` data rows."""
    last = get_column_letter(max(columns, 1))
    sheet.auto_filter.ref = f"A1:{last}{max(rows, 1) + 1}"


def save_workbook(workbook: Workbook, target: Path) -> None:
    """Save `workbook` to memory first, then to `target` atomically."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomically(target, buffer.getvalue())


# Column width units (about one character of the body font) that fit across an A4 page with
# the margins below at 100 %: portrait up to this, landscape beyond.
A4_PORTRAIT_WIDTH = 90


def set_print_layout(
    sheet: Worksheet, *, header_rows: int = 1, landscape: bool | None = None
) -> None:
    """Set a sheet to print on A4, all its columns one page wide, its header rows on every
    page, with narrow margins; landscape when its columns are wider than a portrait page
    (`landscape` None), or as asked."""
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.properties import PageSetupProperties

    if landscape is None:
        widths = sum(
            (sheet.column_dimensions[get_column_letter(index)].width or 8.43)
            for index in range(1, sheet.max_column + 1)
        )
        landscape = widths > A4_PORTRAIT_WIDTH
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = (
        sheet.ORIENTATION_LANDSCAPE if landscape else sheet.ORIENTATION_PORTRAIT
    )
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    if sheet.sheet_properties.pageSetUpPr is None:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    if header_rows:
        sheet.print_title_rows = f"1:{header_rows}"
