"""Edit a records workbook in place: only the cells and rows a change concerns.

openpyxl loads the whole workbook and saves it again; what it keeps (other sheets, extra
columns, column widths, number formats, fonts, drop-down lists, frozen panes, filters,
comments, defined names) stays. What it would drop or break is refused before any edit, with
what and where: charts, images and shapes (drawings), chart sheets, macros, pivot tables,
slicers and timelines, embedded objects and form controls, the extensions it warns it removes,
and formulas in a record column (openpyxl saves no computed values, so the next read would
find them empty).
"""

from __future__ import annotations

import io
import posixpath
import warnings
import zipfile
from copy import copy
from datetime import date, datetime
from typing import Any
from xml.etree import ElementTree

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.styles.numbers import is_date_format
from openpyxl.worksheet.worksheet import Worksheet

from mentes_cli.errors import RecordChangeError, UnsafeWorkbookError
from mentes_cli.i18n import _
from mentes_cli.load import vocabulary as vocab
from mentes_cli.records.history import (
    HISTORY_HEADERS,
    HISTORY_SHEET,
    WHEN_FORMAT,
    HistoryEntry,
    sheet_row,
)

# The sheet Bezoeken and the Trajecten columns are those the loader reads (load.vocabulary):
# one vocabulary, so what a change writes is what every command reads back.
VISITS_SHEET = vocab.VISITS.name
# The sheet in which a workbook remembers the letters sent (SPEC 9, mentes_cli.letters).
LETTERS_SHEET = vocab.LETTERS_SHEET
DATE_FORMAT = "DD/MM/YYYY"

_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


# Relationship types (the last part of the type URI) of a sheet that openpyxl drops or breaks.
def _dropped_by_sheet() -> dict[str, str]:
    return {
        "drawing": _("a drawing (a chart, an image or a shape)"),
        "pivotTable": _("a pivot table"),
        "oleObject": _("an embedded object"),
        "control": _("a form control"),
        "slicer": _("a slicer"),
        "timeline": _("a timeline"),
        "package": _("an embedded document"),
    }


# Parts of the package openpyxl drops, by the start of their name.
def _dropped_parts() -> dict[str, str]:
    return {
        "xl/vbaProject.bin": _("macros (VBA)"),
        "xl/chartsheets/": _("a chart sheet"),
        "xl/pivotCache/": _("a pivot table"),
        "xl/pivotTables/": _("a pivot table"),
        "xl/slicerCaches/": _("a slicer"),
        "xl/slicers/": _("a slicer"),
        "xl/timelines/": _("a timeline"),
        "xl/timelineCaches/": _("a timeline"),
        "xl/embeddings/": _("an embedded object"),
        "xl/activeX/": _("a form control"),
        "xl/ctrlProps/": _("a form control"),
    }


def check_workbook(content: bytes, name: str) -> None:
    """Raise UnsafeWorkbookError naming every part openpyxl would drop or break, and where."""
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        names = package.namelist()
        sheets = _sheet_parts(package)
        dropped = _dropped_by_sheet()
        for part, sheet in sheets.items():
            rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part))
            if rels + ".rels" not in names:
                continue
            for relation in ElementTree.fromstring(package.read(rels + ".rels")).iter(_REL):
                kind = relation.get("Type", "").rsplit("/", 1)[-1]
                if kind == "drawing" and _is_empty_drawing(package, part, relation):
                    continue  # LibreOffice writes one for every sheet: nothing to lose
                if kind in dropped:
                    found.append(_("sheet {sheet}: {what}", sheet=sheet, what=dropped[kind]))
        for prefix, what in _dropped_parts().items():
            if any(n == prefix or (prefix.endswith("/") and n.startswith(prefix)) for n in names):
                found.append(what)
    found = list(dict.fromkeys(found))
    if found:
        raise UnsafeWorkbookError(
            _(
                "{name}: mentes does not change this workbook: saving it would lose {what}. "
                "Remove them, or keep them in another workbook, and try again; nothing was "
                "written",
                name=name,
                what="; ".join(found),
            )
        )


# A drawing holds its charts, images and shapes each in an anchor (DrawingML, ECMA-376 20.5).
_ANCHORS = {"twoCellAnchor", "oneCellAnchor", "absoluteAnchor"}


def _is_empty_drawing(package: zipfile.ZipFile, sheet_part: str, relation: Any) -> bool:
    """Give whether a sheet's drawing holds nothing: no anchor, so no chart, image or shape
    (LibreOffice saves such an empty drawing with every sheet). A drawing that cannot be
    found or read counts as not empty."""
    if relation.get("TargetMode") == "External":
        return False
    target = relation.get("Target", "")
    if target.startswith("/"):
        part = target.lstrip("/")
    else:
        part = posixpath.normpath(posixpath.join(posixpath.dirname(sheet_part), target))
    try:
        drawing = ElementTree.fromstring(package.read(part))
    except (KeyError, ElementTree.ParseError):
        return False
    return not any(element.tag.rsplit("}", 1)[-1] in _ANCHORS for element in drawing.iter())


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Give the part name of every worksheet with its title."""
    try:
        workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in relations.iter(_REL)}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_R_ID), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[posixpath.normpath(part)] = sheet.get("name", "?")
    return parts


class TrajectsWorkbook:
    """A records workbook opened for a change of its sheet Trajecten (and Bezoeken, Historiek)."""

    def __init__(self, content: bytes, name: str):
        self.name = name
        check_workbook(content, name)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.workbook = openpyxl.load_workbook(io.BytesIO(content), rich_text=True)
        dropped = [str(w.message) for w in caught if "remove" in str(w.message).lower()]
        if dropped:
            raise UnsafeWorkbookError(
                _(
                    "{name}: mentes does not change this workbook: saving it would lose "
                    "what openpyxl reports: {what}; nothing was written",
                    name=name,
                    what="; ".join(dict.fromkeys(dropped)),
                )
            )
        self._refuse_formulas()
        self.sheet = self._find_sheet(vocab.TRAJECTS.names())
        if self.sheet is None:
            raise RecordChangeError(
                _("{name}: has no sheet {sheet}", name=name, sheet=vocab.TRAJECTS.name)
            )
        self.columns = self._columns()
        self.changed = False
        # Remembered while a change runs, so that plan --commit on a network's records
        # (thousands of visits) scans each sheet once, not once a visit.
        self._traject_rows: dict[str, int] | None = None
        self._last_rows: dict[str, int] = {}
        self._widths: dict[str, int] = {}
        self._visit_rows: dict[str, list[int]] | None = None
        self._visit_columns: dict[str, int] | None = None
        # The trajects this change touched, and whether the visits were looked for (once).
        self._touched: set[str] = set()
        self._visits_checked = False

    # --- checks ---

    def _find_sheet(self, names: tuple[str, ...]) -> Worksheet | None:
        for title in self.workbook.sheetnames:
            if vocab.fold_header(title) in names:
                return self.workbook[title]
        return None

    def _refuse_formulas(self) -> None:
        found = []
        for spec in vocab.SHEETS:
            sheet = self._find_sheet(spec.names())
            if sheet is None:
                continue
            record_columns = set()
            for cell in next(sheet.iter_rows(min_row=1, max_row=1), ()):
                if isinstance(cell.value, str) and any(
                    vocab.fold_header(cell.value) in column.names() for column in spec.columns
                ):
                    record_columns.add(cell.column)
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    if cell.column in record_columns and cell.data_type == "f":
                        found.append(f"{sheet.title}!{cell.coordinate}")
        if found:
            shown = ", ".join(found[:10]) + (" …" if len(found) > 10 else "")
            raise UnsafeWorkbookError(
                _(
                    "{name}: mentes does not change this workbook: it has formulas in record "
                    "columns ({cells}), whose values would be lost on saving. Replace them by "
                    "their values and try again; nothing was written",
                    name=self.name,
                    cells=shown,
                )
            )

    # --- reading ---

    def _columns(self) -> dict[str, int]:
        columns: dict[str, int] = {}
        for cell in next(self.sheet.iter_rows(min_row=1, max_row=1), ()):
            if not isinstance(cell.value, str):
                continue
            folded = vocab.fold_header(cell.value)
            for column in vocab.TRAJECTS.columns:
                if folded in column.names():
                    columns.setdefault(column.key, cell.column)
        if "id" not in columns:
            raise RecordChangeError(
                _("{name}: sheet {sheet} has no column Id", name=self.name, sheet=self.sheet.title)
            )
        return columns

    def _rows(self) -> dict[str, int]:
        """Give the row of every traject by id."""
        if self._traject_rows is not None:
            return self._traject_rows
        rows = {}
        column = self.columns["id"]
        for number, row in enumerate(
            self.sheet.iter_rows(min_row=2, min_col=column, max_col=column, values_only=True),
            start=2,
        ):
            value = row[0]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            key = str(int(value)) if isinstance(value, float) and value.is_integer() else value
            rows.setdefault(str(key).strip(), number)
        self._traject_rows = rows
        return rows

    def ids(self) -> list[str]:
        """Give the id of every traject, in row order."""
        return list(self._rows())

    def _row(self, traject_id: str) -> int:
        row = self._rows().get(traject_id)
        if row is None:
            raise RecordChangeError(
                _(
                    "{name}, sheet {sheet}: no traject {traject}",
                    name=self.name,
                    sheet=self.sheet.title,
                    traject=traject_id,
                )
            )
        return row

    # --- changing ---

    def set_fields(self, traject_id: str, changes: dict[str, Any]) -> None:
        """Set fields of one traject in its row; a value None empties the cell."""
        row = self._row(traject_id)
        self._touched.add(traject_id)
        for key, value in changes.items():
            if key == "visits":
                self.set_visits(traject_id, value or [])
                continue
            self._put(self.sheet, row, self._column(key), _shown(key, value))
        self.changed = True

    def add_traject(self, values: dict[str, Any]) -> None:
        """Add a row for a new traject below the last one, formatted as the row above it."""
        self._touched.add(str(values["id"]))
        row = self._last_row(self.sheet) + 1
        _copy_format(self.sheet, row - 1, row, self._width(self.sheet))
        for key, value in values.items():
            if key == "visits":
                continue
            self._put(self.sheet, row, self._column(key), _shown(key, value))
        _grow_filter(self.sheet, row)
        _grow_tables(self.sheet, row)
        self._last_rows[self.sheet.title] = row
        self._rows().setdefault(str(values["id"]), row)
        for visit in values.get("visits") or []:
            self.add_visit(str(values["id"]), visit)
        self.changed = True

    def add_visit(self, traject_id: str, visit: dict[str, Any]) -> None:
        """Add a row for a visit of a traject to the sheet Bezoeken (made when missing)."""
        self._touched.add(traject_id)
        if not self._visits_checked:
            self._refuse_lost_visits()
            self._visits_checked = True
        sheet = self._visits_sheet()
        row = self._last_row(sheet) + 1
        _copy_format(sheet, row - 1, row, self._width(sheet))
        self._write_visit(sheet, row, traject_id, visit)
        _grow_filter(sheet, row)
        _grow_tables(sheet, row)
        self._last_rows[sheet.title] = row
        self._visit_index(sheet).setdefault(traject_id, []).append(row)
        self.changed = True

    def set_visits(self, traject_id: str, visits: list[dict[str, Any]]) -> None:
        """Replace the visits of a traject in the sheet Bezoeken, in place: its rows keep
        their places (and a coordinator's notes beside them) and get the visits in order; a
        visit more gets a new row at the end, a row too many is removed."""
        self._touched.add(traject_id)
        sheet = self._find_sheet(vocab.VISITS.names())
        rows: list[int] = []
        if sheet is not None:
            rows = list(self._visit_index(sheet).get(traject_id, []))
            for number, visit in zip(rows, visits, strict=False):
                self._write_visit(sheet, number, traject_id, visit)
            surplus = rows[len(visits) :]
            for number in reversed(surplus):
                sheet.delete_rows(number)
            if surplus:  # the rows below moved up: look again when next asked
                self._visit_rows = None
                self._last_rows.pop(sheet.title, None)
        for visit in visits[len(rows) :]:
            self.add_visit(traject_id, visit)
        self.changed = True

    def _visit_index(self, sheet: Worksheet) -> dict[str, list[int]]:
        """Give the rows of the sheet Bezoeken of each traject, in sheet order."""
        if self._visit_rows is None:
            index: dict[str, list[int]] = {}
            column = self._spec_columns(sheet, vocab.VISITS, add=False).get("traject")
            if column is not None:
                for number, row in enumerate(
                    sheet.iter_rows(min_row=2, min_col=column, max_col=column, values_only=True),
                    start=2,
                ):
                    key = _id_text(row[0])
                    if key:
                        index.setdefault(key, []).append(number)
            self._visit_rows = index
        return self._visit_rows

    def _width(self, sheet: Worksheet) -> int:
        """Give the columns of a sheet as it was first asked (openpyxl counts every cell
        for max_column: once a change, not once a row)."""
        if sheet.title not in self._widths:
            self._widths[sheet.title] = sheet.max_column
        return self._widths[sheet.title]

    def _last_row(self, sheet: Worksheet) -> int:
        if sheet.title not in self._last_rows:
            self._last_rows[sheet.title] = _last_row(sheet)
        return self._last_rows[sheet.title]

    def _write_visit(
        self, sheet: Worksheet, row: int, traject_id: str, visit: dict[str, Any]
    ) -> None:
        if self._visit_columns is None:
            self._visit_columns = self._spec_columns(sheet, vocab.VISITS)
        columns = self._visit_columns
        values = {"traject": traject_id, **visit}
        for column in vocab.VISITS.columns:
            self._put(sheet, row, columns[column.key], _shown_as(column, values.get(column.key)))

    def _refuse_lost_visits(self) -> None:
        """Refuse to write visits while committed visits cannot be found: the sheet Bezoeken
        is missing and another sheet has its columns (renamed: a new Bezoeken beside it would
        book its coaches' days again), or a planned traject this change leaves alone has no
        visit in it (the sheet or its rows removed). RecordChangeError, nothing written."""
        from mentes_cli.load.excel_records import looks_like_visits

        sheet = self._find_sheet(vocab.VISITS.names())
        if sheet is None:
            record_sheets = {name for spec in vocab.SHEETS for name in spec.names()}
            lookalikes = [
                other.title
                for other in self.workbook.worksheets
                if vocab.fold_header(other.title) not in record_sheets
                and looks_like_visits(
                    [c.value for c in next(other.iter_rows(min_row=1, max_row=1), ())]
                )
            ]
            if lookalikes:
                raise RecordChangeError(
                    _(
                        "{name}: has no sheet {sheet}, but sheet {other} has its columns "
                        "(renamed?); mentes would start a new sheet {sheet} beside it and "
                        "book the days of its visits again. Name it {sheet} again (or change "
                        "its headers when it is an archive) and try again; nothing was written",
                        name=self.name,
                        sheet=vocab.VISITS.name,
                        other=", ".join(repr(title) for title in lookalikes),
                    )
                )
        found = self._visit_index(sheet) if sheet is not None else {}
        lost = [
            traject
            for traject, status in self._statuses().items()
            if status == "planned" and traject not in self._touched and traject not in found
        ]
        if lost:
            shown = ", ".join(lost[:10]) + (" …" if len(lost) > 10 else "")
            where = (
                _(
                    "{name}: has no sheet {sheet}, where the visits of the planned trajects "
                    "{trajects} belong",
                    name=self.name,
                    sheet=vocab.VISITS.name,
                    trajects=shown,
                )
                if sheet is None
                else _(
                    "{name}: sheet {sheet} holds no visit of the planned trajects {trajects}",
                    name=self.name,
                    sheet=repr(sheet.title),
                    trajects=shown,
                )
            )
            raise RecordChangeError(
                _(
                    "{where}; writing new visits would book their coaches' days again. Put "
                    "their visits back (mentes keeps the workbook as it was before each "
                    "change in the folder backup beside it), or unplan them to plan them "
                    "anew; nothing was written",
                    where=where,
                )
            )

    def _statuses(self) -> dict[str, str]:
        """Give the status of every traject by id, as the loader reads its cell."""
        column = self.columns.get("status")
        if column is None:
            return {}
        statuses = {}
        for traject, row in self._rows().items():
            value = self.sheet.cell(row=row, column=column).value
            if isinstance(value, str):
                statuses[traject] = vocab.STATUS_WORDS.get(value.strip().casefold(), "")
        return statuses

    def _visits_sheet(self) -> Worksheet:
        sheet = self._find_sheet(vocab.VISITS.names())
        if sheet is None:
            from mentes_cli.export.records_xlsx import format_sheet

            sheet = self.workbook.create_sheet(vocab.VISITS.name)
            format_sheet(sheet, vocab.VISITS, self._row_counts())
        return sheet

    def _row_counts(self) -> dict[str, int]:
        """Give the rows of each record sheet, for the drop-down lists of a new sheet."""
        counts = {}
        for spec in vocab.SHEETS:
            sheet = self._find_sheet(spec.names())
            if sheet is not None:
                counts[spec.name] = max(sheet.max_row - 1, 0)
        return counts

    def _spec_columns(self, sheet: Worksheet, spec: vocab.SheetSpec, add: bool = True):
        """Give the column of each field of `spec` in `sheet` by its header; a missing one
        gets its header after the last column (when `add`)."""
        columns: dict[str, int] = {}
        for cell in next(sheet.iter_rows(min_row=1, max_row=1), ()):
            if isinstance(cell.value, str):
                folded = vocab.fold_header(cell.value)
                for column in spec.columns:
                    if folded in column.names():
                        columns.setdefault(column.key, cell.column)
        if add:
            for column in spec.columns:
                if column.key not in columns:
                    index = max(sheet.max_column, 0) + 1
                    if sheet.max_column == 1 and sheet.cell(row=1, column=1).value is None:
                        index = 1
                    self._put(sheet, 1, index, column.header)
                    columns[column.key] = index
        return columns

    def add_history(self, entries: list[HistoryEntry]) -> None:
        """Append the entries to the sheet Historiek (made when missing)."""
        sheet = self._find_sheet((vocab.fold_header(HISTORY_SHEET),))
        if sheet is None:
            sheet = new_history_sheet(self.workbook)
        row = self._last_row(sheet)
        for entry in entries:
            row += 1
            for column, value in enumerate(sheet_row(entry), start=1):
                _put_history(sheet.cell(row=row, column=column), value)
        self._last_rows[sheet.title] = row

    def keep_sheets(self, current: bytes, titles: tuple[str, ...]) -> None:
        """Give this workbook each sheet of `titles` as it is in the workbook `current` (its
        cells, their formats, column widths, row heights, frozen panes, filter and print
        layout), in the place this workbook had it (else last); without it when `current`
        has none. For `undo`: an earlier workbook comes back with the memory of letters sent
        (the sheet Brieven, SPEC 9) and the history of changes (Historiek) as they are now.
        """
        source_book = openpyxl.load_workbook(io.BytesIO(current), rich_text=True)
        for title in titles:
            source = next(
                (
                    source_book[t]
                    for t in source_book.sheetnames
                    if vocab.fold_header(t) == vocab.fold_header(title)
                ),
                None,
            )
            mine = self._find_sheet((vocab.fold_header(title),))
            index = len(self.workbook.sheetnames)
            if mine is not None:
                index = self.workbook.sheetnames.index(mine.title)
                self.workbook.remove(mine)
            self._last_rows = {}
            self._widths = {}
            if source is not None:
                target = self.workbook.create_sheet(source.title, index)
                _copy_sheet(source, target)
            self.changed = True

    def content(self) -> bytes:
        """Give the bytes of the workbook as changed."""
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    # --- cells ---

    def _column(self, key: str) -> int:
        """Give the column of a field, adding its header after the last column when missing."""
        if key not in self.columns:
            header = None
            for column in vocab.TRAJECTS.columns:
                if column.key == key:
                    header = column.header
            if header is None:
                raise RecordChangeError(
                    _("{name}: traject field {field} is unknown", name=self.name, field=key)
                )
            index = self.sheet.max_column + 1
            self._put(self.sheet, 1, index, header)
            self.columns[key] = index
        return self.columns[key]

    @staticmethod
    def _put(sheet: Worksheet, row: int, column: int, value: Any) -> None:
        from mentes_cli.export.cells import put

        cell = sheet.cell(row=row, column=column)
        if value is None:
            cell.value = None
            return
        had_date_format = cell.is_date or is_date_format(cell.number_format)
        put(cell, value)
        # A date keeps the date format the coordinator gave its cell (copied from the row
        # above); else it is shown as the export shows dates, not as openpyxl's yyyy-mm-dd.
        if isinstance(value, date) and not had_date_format:
            cell.number_format = DATE_FORMAT


def new_history_sheet(workbook: openpyxl.Workbook) -> Worksheet:
    """Add the sheet Historiek to `workbook`: its headers, widths and print layout."""
    from mentes_cli.export.cells import set_print_layout, write_header

    sheet = workbook.create_sheet(HISTORY_SHEET)
    write_header(sheet, list(HISTORY_HEADERS), [_HISTORY_WIDTHS[h] for h in HISTORY_HEADERS])
    set_print_layout(sheet, landscape=True)
    return sheet


def write_history_sheet(workbook: openpyxl.Workbook, entries: list[HistoryEntry]) -> Worksheet:
    """Add the sheet Historiek with `entries` (oldest first) to a new workbook (the export)."""
    sheet = new_history_sheet(workbook)
    for row, entry in enumerate(entries, start=2):
        for column, value in enumerate(sheet_row(entry), start=1):
            _put_history(sheet.cell(row=row, column=column), value)
    return sheet


def _put_history(cell: Any, value: Any) -> None:
    """Store a value of the sheet Historiek: text as text, a moment with its hour, a date as
    the record sheets show dates."""
    from mentes_cli.export.cells import put

    if value is None or value == "":
        cell.value = None
        return
    put(cell, value)
    if isinstance(value, date):
        cell.number_format = WHEN_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        # Left, as the text beside and below it: the sheet reads as lines, not as figures.
        cell.alignment = Alignment(horizontal="left")


def history_rows(content: bytes, name: str) -> list[tuple[Any, ...]]:
    """Give the rows of the sheet Historiek of a workbook below its header (read only)."""
    return own_sheet_rows(content, name, HISTORY_SHEET)[1:]


def own_sheet_rows(content: bytes, name: str, title: str) -> list[tuple[Any, ...]]:
    """Give the rows of a sheet mentes keeps in a workbook (Historiek, Brieven), its header
    row first; [] when the workbook has no such sheet (read only)."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise RecordChangeError(
            _("{name}: cannot be read ({reason})", name=name, reason=type(exc).__name__)
        ) from None
    try:
        for found in workbook.sheetnames:
            if vocab.fold_header(found) == vocab.fold_header(title):
                return list(workbook[found].iter_rows(values_only=True))
        return []
    finally:
        workbook.close()


def _shown(key: str, value: Any) -> Any:
    """Give what the sheet Trajecten shows for a traject field's value."""
    for column in vocab.TRAJECTS.columns:
        if column.key == key:
            return _shown_as(column, value)
    return value


def _shown_as(column: vocab.Column, value: Any) -> Any:
    """Give what a cell of `column` shows for a record value: the export's words."""
    from mentes_cli.export.records_xlsx import cell_value

    return cell_value(column.kind, value)


def _id_text(value: Any) -> str | None:
    """Give an id cell as the loader reads it (2600 -> "2600", trimmed), or None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# The sheet Historiek's widths: a moment (04/01/2027 10:15), a command with its traject
# (approve T-2027-001), a field (Bezoek 12: Volgnummer), old and new values.
_HISTORY_WIDTHS = {
    "Wanneer": 17.0,
    "Gebruiker": 12.0,
    "Opdracht": 28.0,
    "Traject": 14.0,
    "Veld": 22.0,
    "Oud": 20.0,
    "Nieuw": 20.0,
}


def _copy_sheet(source: Worksheet, target: Worksheet) -> None:
    """Copy the cells (values and formats) and the layout of `source` into the empty
    `target` of another workbook."""
    for row in source.iter_rows():
        for cell in row:
            if cell.value is None and not cell.has_style:
                continue
            new = target.cell(row=cell.row, column=cell.column)
            new.value = cell.value
            new.data_type = cell.data_type
            if cell.has_style:
                new.font = copy(cell.font)
                new.border = copy(cell.border)
                new.fill = copy(cell.fill)
                new.number_format = cell.number_format
                new.alignment = copy(cell.alignment)
                new.protection = copy(cell.protection)
                new.quotePrefix = cell.quotePrefix
    for key, dimension in source.column_dimensions.items():
        target.column_dimensions[key].width = dimension.width
        target.column_dimensions[key].hidden = dimension.hidden
    for key, dimension in source.row_dimensions.items():
        if dimension.height is not None:
            target.row_dimensions[key].height = dimension.height
    for merged in source.merged_cells.ranges:
        target.merge_cells(str(merged))
    target.freeze_panes = source.freeze_panes
    target.auto_filter.ref = source.auto_filter.ref
    target.print_title_rows = source.print_title_rows
    target.page_setup.orientation = source.page_setup.orientation
    target.page_setup.paperSize = source.page_setup.paperSize
    target.page_setup.fitToWidth = source.page_setup.fitToWidth
    target.page_setup.fitToHeight = source.page_setup.fitToHeight
    target.sheet_properties.pageSetUpPr = copy(source.sheet_properties.pageSetUpPr)
    target.page_margins = copy(source.page_margins)
    target.sheet_properties.tabColor = copy(source.sheet_properties.tabColor)


def _grow_filter(sheet: Worksheet, row: int) -> None:
    """Let the sheet's filter reach down to `row`, so that a new row is filtered too."""
    from openpyxl.worksheet.cell_range import CellRange

    if not sheet.auto_filter.ref:
        return
    cells = CellRange(sheet.auto_filter.ref)
    if cells.max_row < row:
        cells.expand(down=row - cells.max_row)
        sheet.auto_filter.ref = cells.coord


def _grow_tables(sheet: Worksheet, row: int) -> None:
    """Let a table ("Format as Table") that ends right above `row` take it in, with its filter
    and sort range, so that the coordinator's filters, sorting and banding see the new row."""
    from openpyxl.worksheet.cell_range import CellRange

    for table in sheet.tables.values():
        cells = CellRange(table.ref)
        if cells.max_row != row - 1:
            continue
        table.ref = CellRange(
            min_col=cells.min_col, min_row=cells.min_row, max_col=cells.max_col, max_row=row
        ).coord
        for part in (table.autoFilter, table.sortState):
            if part is not None and part.ref:
                inner = CellRange(part.ref)
                if inner.max_row == row - 1:
                    inner.expand(down=1)
                    part.ref = inner.coord


def _last_row(sheet: Worksheet) -> int:
    """Give the last row that holds a value (1 for a sheet with only its header)."""
    last = 1
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if any(value is not None and value != "" for value in row):
            last = number
    return last


def _copy_format(sheet: Worksheet, source: int, target: int, width: int) -> None:
    """Give the first `width` cells of row `target` the format of row `source` (data rows
    only)."""
    if source < 2:
        return
    for cell in next(sheet.iter_rows(min_row=source, max_row=source, max_col=max(width, 1))):
        if not cell.has_style:
            continue
        new = sheet.cell(row=target, column=cell.column)
        new.font = copy(cell.font)
        new.border = copy(cell.border)
        new.fill = copy(cell.fill)
        new.number_format = cell.number_format
        new.alignment = copy(cell.alignment)
        new.protection = copy(cell.protection)
