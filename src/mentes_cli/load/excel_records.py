"""Read one Excel workbook (SPEC 2.2) into records, reporting every problem at once.

The file is checked before openpyxl sees it (size, kind of file, zip directory against the
limits in data/limits.toml), opened read-only with cached formula results, and every sheet
is picked by name. Row 1 holds the headers; headers are checked for all sheets before any
row is read. Each cell is turned into its canonical Python value by `values.parse_cell`,
and `build_records` then validates the records exactly as for TOML.

What the loader does with odd cells:

- a formula: its cached result is read (data_only=True); a formula without a cached result
  (a file written by a script and never opened in a spreadsheet program) is an error. The
  sheet's XML is scanned for `<f>` elements without a `<v>` result, because openpyxl gives
  such a cell as empty;
- an error cell (#N/A, #DIV/0!, ...) is an error, found the same way (`t="e"`);
- merged cells: only the top-left cell holds a value. A merge down one column (one value
  for several rows) gives that value to every non-blank row it covers, with a notice; a
  merge across columns is an error;
- a date cell whose serial number is outside the calendar is an error;
- blank rows (nothing, or only spaces, in the known columns) are skipped wherever they are;
  the declared sheet dimension is not trusted.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from mentes_cli.errors import InputError, Problem
from mentes_cli.load import vocabulary as vocab
from mentes_cli.load.build import Raw, RawSet, build_records
from mentes_cli.load.values import BLANK, CellError, is_blank, parse_cell
from mentes_cli.models import Records

ROW = "row"
FORMULA_HINT = (
    "mentes does not calculate formulas: open and save the workbook in Excel or "
    "LibreOffice, or type the value"
)
RESAVE_HINT = "open it in Excel or LibreOffice and save it as Excel Workbook (.xlsx)"

# Keys that name the record a row belongs to; they are not fields of the row's own model.
_PARENT_KEYS = {"locations": "organisation", "closures": "location", "leave": "coach"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# Quick test on the raw sheet XML: does it hold formulas, error cells or merged cells?
_MARKS_QUICK = re.compile(rb"<(?:\w+:)?(?:f|mergeCell)[\s>/]|\st\s*=\s*[\"']e[\"']")
_DATE_WARNING = re.compile(r"Cell ([A-Z]+\d+) is marked as a date but the serial value (\S+)")


def load_workbook_records(path: Path) -> tuple[Records, list[str]]:
    """Give the validated records of the workbook at `path` and notices for the user.

    Raise InputError listing every problem: the file, a sheet, a header or a cell.
    """
    content = read_workbook_bytes(path)
    reading = _Reading(path)
    raw_set = reading.read(content)
    try:
        records = build_records(raw_set)
    except InputError as exc:
        reading.problems.extend(p for p in exc.problems if reading.keeps(p))
    if reading.problems:
        raise InputError(reading.sorted_problems())
    return records, reading.notices()


# --- the file ---------------------------------------------------------------------------------


def _file_problem(path: Path, message: str) -> InputError:
    return InputError(Problem(str(path), message=message))


def workbook_limits() -> dict[str, int]:
    """Give the limits of data/limits.toml [workbook] for opening a workbook."""
    from mentes_cli.reference import load_reference

    return load_reference("limits.toml")["workbook"]


def read_workbook_bytes(path: Path) -> bytes:
    """Give the bytes of the workbook at `path` after checking that it is a safe .xlsx zip."""
    limits = workbook_limits()
    if path.is_dir():
        raise _file_problem(path, "is a folder, not a workbook")
    try:
        size = path.stat().st_size
        if size > limits["max_file_bytes"]:
            raise _file_problem(
                path,
                f"is {size / 1e6:.1f} MB; mentes reads workbooks of at most "
                f"{limits['max_file_bytes'] / 1e6:.0f} MB (data/limits.toml)",
            )
        content = path.read_bytes()
    except FileNotFoundError:
        raise _file_problem(path, "no such file") from None
    except PermissionError:
        raise _file_problem(path, "cannot be read: permission denied") from None
    except OSError as exc:
        raise _file_problem(path, f"cannot be read ({exc.strerror or exc})") from None
    _check_kind(path, content)
    _check_zip(path, content, limits)
    return content


def _check_kind(path: Path, content: bytes) -> None:
    if not content:
        raise _file_problem(path, "is empty (0 bytes); it is not an Excel workbook")
    if content.startswith(_OLE2):
        raise _file_problem(
            path,
            "is an Excel 97-2003 workbook (.xls) or a password-protected workbook; mentes "
            f"reads .xlsx workbooks without a password: {RESAVE_HINT}",
        )
    if content.startswith(_ZIP):
        return
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        what = "a web page (HTML)"
    elif head.startswith(b"<?xml"):
        what = "an XML file (perhaps an Excel 2003 XML spreadsheet)"
    elif head.startswith(b"{\\rtf"):
        what = "a Word or RTF document"
    elif _looks_like_text(content[:4096]):
        what = "a text file (a CSV file?)"
    else:
        what = "not a zip archive"
    raise _file_problem(path, f"is not an Excel workbook: it is {what}; {RESAVE_HINT}")


def _looks_like_text(sample: bytes) -> bool:
    for encoding in ("utf-8", "utf-16"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        if printable >= 0.95 * max(len(text), 1):
            return True
    return b"\x00" not in sample


def _check_zip(path: Path, content: bytes, limits: dict[str, int]) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            _check_entries(path, entries, limits)
            names = {entry.filename for entry in entries}
            if "xl/workbook.bin" in names:
                raise _file_problem(
                    path,
                    f"is an Excel binary workbook (.xlsb); mentes reads .xlsx: {RESAVE_HINT}",
                )
            if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:200]:
                raise _file_problem(
                    path,
                    f"is an OpenDocument spreadsheet (.ods); mentes reads .xlsx: {RESAVE_HINT}",
                )
            if "[Content_Types].xml" not in names:
                raise _file_problem(
                    path,
                    "is a zip archive but not an Excel workbook (it has no "
                    f"[Content_Types].xml); {RESAVE_HINT}",
                )
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        raise _file_problem(
            path,
            "is damaged or incomplete: not a readable zip archive (was a download or copy "
            f"interrupted?); {RESAVE_HINT}",
        ) from None


def _check_entries(path: Path, entries: list[zipfile.ZipInfo], limits: dict[str, int]) -> None:
    if len(entries) > limits["max_entries"]:
        raise _file_problem(
            path,
            f"holds {len(entries)} files inside; a workbook holds at most "
            f"{limits['max_entries']} (data/limits.toml). Refused as unsafe",
        )
    total = sum(entry.file_size for entry in entries)
    if total > limits["max_uncompressed_bytes"]:
        raise _file_problem(
            path,
            f"unpacks to {total / 1e6:.0f} MB; mentes reads workbooks that unpack to at most "
            f"{limits['max_uncompressed_bytes'] / 1e6:.0f} MB (data/limits.toml). Refused "
            "as unsafe (a zip bomb?)",
        )
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise _file_problem(path, f"is password-protected; {RESAVE_HINT} without a password")
        if entry.file_size > limits["ratio_from_bytes"]:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if ratio > limits["max_ratio"]:
                raise _file_problem(
                    path,
                    f"holds {entry.filename!r}, which unpacks {ratio:.0f} times its packed "
                    f"size (at most {limits['max_ratio']}, data/limits.toml). Refused as "
                    "unsafe (a zip bomb?)",
                )


# The ways openpyxl (and zipfile, zlib and the XML parser under it) fail on a damaged file.
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    ParseError,
    OSError,
)


def _unreadable(path: Path, exc: BaseException) -> InputError:
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):
        # openpyxl wraps what went wrong in "Unable to read workbook: could not ..."
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return _file_problem(
            path,
            "holds XML that mentes refuses to read for safety (an entity or DTD "
            f"declaration, as in XML bombs and external-entity attacks); {RESAVE_HINT}",
        )
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if len(reason) > 120:
        reason = reason[:117] + "..."
    return _file_problem(path, f"cannot be read as an Excel workbook ({reason}); {RESAVE_HINT}")


def _open_workbook(path: Path, content: bytes):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # openpyxl's warnings (unsupported extensions, default styles) say nothing a
        # coordinator can act on; they are captured and dropped.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(
                io.BytesIO(content), read_only=True, data_only=True, keep_links=False
            )
    except (InvalidFileException, *_READ_ERRORS) as exc:
        raise _unreadable(path, exc) from None


# --- sheets ------------------------------------------------------------------------------------


@dataclass
class _Sheet:
    """One sheet as read: its spec, title, rows (row 1 first) and what the XML said."""

    spec: vocab.SheetSpec
    title: str
    rows: list[list[Any]]
    marks: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    columns: dict[int, vocab.Column] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)


class _Reading:
    """The reading of one workbook: its sheets, the problems found and the notices."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []
        self.sheets: list[_Sheet] = []
        self.missing_optional: list[str] = []
        self.ignored_sheets: list[str] = []
        # (sheet, row) -> the field labels whose cell was already reported as wrong
        self.failed: dict[tuple[str, int], set[str]] = {}

    # -- reading --

    def read(self, content: bytes) -> RawSet:
        workbook = _open_workbook(self.path, content)
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                self._pick_sheets(workbook, archive)
            epoch = workbook.epoch
        finally:
            workbook.close()
        if self.problems:
            raise InputError(self.problems)
        for sheet in self.sheets:
            self._read_header(sheet)
        if self.problems:
            # Header problems first: rows are not read against a wrong set of columns.
            raise InputError(self.sorted_problems())
        raw_set = RawSet()
        for sheet in self.sheets:
            self._apply_merges(sheet)
            getattr(raw_set, sheet.spec.kind).extend(self._read_rows(sheet, epoch))
        return raw_set

    def _pick_sheets(self, workbook, archive: zipfile.ZipFile) -> None:
        by_name: dict[str, list[str]] = {}
        for title in workbook.sheetnames:
            by_name.setdefault(vocab.fold_header(title), []).append(title)
        known = set()
        for spec in vocab.SHEETS:
            titles = [t for name in dict.fromkeys(spec.names()) for t in by_name.get(name, [])]
            known.update(spec.names())
            if not titles:
                if spec.required:
                    self.problems.append(self._missing_sheet(spec, workbook.sheetnames))
                elif spec.kind in ("coaches", "trajects"):
                    self.missing_optional.append(spec.name)
                continue
            if len(titles) > 1:
                shown = " and ".join(repr(t) for t in titles)
                self.problems.append(
                    Problem(
                        str(self.path),
                        message=f"sheets {shown} are both the {spec.name} sheet; keep one",
                    )
                )
                continue
            worksheet = workbook[titles[0]]
            if not hasattr(worksheet, "iter_rows"):
                self.problems.append(
                    Problem(str(self.path), message=f"sheet {titles[0]!r} is a chart, not rows")
                )
                continue
            self.sheets.append(self._load_sheet(spec, worksheet, archive))
        explanation = vocab.fold_header(vocab.EXPLANATION_SHEET)
        self.ignored_sheets = [
            t for t in workbook.sheetnames if vocab.fold_header(t) not in known | {explanation}
        ]

    def _missing_sheet(self, spec: vocab.SheetSpec, titles: list[str]) -> Problem:
        having = ", ".join(repr(t) for t in titles) or "none"
        return Problem(
            str(self.path),
            message=(
                f"the sheet {spec.name!r} is missing (the workbook has the sheets {having}); "
                "Organisaties and Locaties are required, Sluitingen, Coaches, Verlof and "
                "Trajecten may be left out"
            ),
        )

    def _load_sheet(self, spec: vocab.SheetSpec, worksheet, archive: zipfile.ZipFile) -> _Sheet:
        marks, merges = _scan_sheet_xml(self.path, archive, worksheet)
        # The declared dimension may be wrong: read every row there is.
        worksheet.reset_dimensions()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
            except _READ_ERRORS as exc:
                raise _unreadable(self.path, exc) from None
        for warning in caught:
            match = _DATE_WARNING.match(str(warning.message))
            if match:
                from openpyxl.utils.cell import coordinate_to_tuple

                marks[coordinate_to_tuple(match.group(1))] = (
                    f"is a date cell whose number {match.group(2)} is outside the calendar; "
                    "type the date again"
                )
        while rows and all(is_blank(value) for value in rows[-1]):
            rows.pop()
        return _Sheet(spec, worksheet.title, rows, marks, merges)

    def _read_header(self, sheet: _Sheet) -> None:
        lookup = {name: column for column in sheet.spec.columns for name in column.names()}
        header = sheet.rows[0] if sheet.rows else []
        if all(is_blank(value) for value in header):
            if len(sheet.rows) > 1:
                self._header_problem(sheet, "row 1 must hold the column headers; it is empty")
            elif sheet.spec.required:
                self._header_problem(
                    sheet,
                    "the sheet is empty; row 1 must hold the column headers "
                    f"({', '.join(c.header for c in sheet.spec.columns)})",
                )
            return
        seen: dict[str, int] = {}
        for index, value in enumerate(header):
            if is_blank(value):
                continue
            label = " ".join(str(value).replace("\u00a0", " ").split())
            column = lookup.get(vocab.fold_header(label))
            if column is None:
                sheet.ignored.append(repr(label))
                continue
            if column.key in seen:
                first = seen[column.key]
                self._header_problem(
                    sheet,
                    f"columns {_letter(first)} ({sheet.labels[column.key]!r}) and "
                    f"{_letter(index)} ({label!r}) are the same column {column.header!r}; "
                    "keep one",
                )
                continue
            seen[column.key] = index
            sheet.columns[index] = column
            sheet.labels[column.key] = label
        for column in sheet.spec.columns:
            if column.required and column.key not in seen:
                self._header_problem(
                    sheet,
                    f"the required column {column.header!r} (or {column.key!r}) is missing",
                )
        for ref in sheet.merges:
            cells = _cell_range(ref)
            if cells.min_row == 1 and (cells.max_col > cells.min_col or cells.max_row > 1):
                self._header_problem(
                    sheet,
                    f"the cells {ref} are merged; unmerge them so that every column has its "
                    "own header in row 1",
                )

    def _header_problem(self, sheet: _Sheet, message: str) -> None:
        self.problems.append(Problem(sheet.title, 1, message=message, row_word=ROW))

    def _apply_merges(self, sheet: _Sheet) -> None:
        """Give a merge down one column its value on every non-blank row it covers."""
        for ref in sheet.merges:
            cells = _cell_range(ref)
            covered = [i for i in range(cells.min_col - 1, cells.max_col) if i in sheet.columns]
            if cells.min_row == 1 or not covered:
                continue
            if cells.max_col > cells.min_col:
                self.problems.append(
                    Problem(
                        sheet.title,
                        cells.min_row,
                        message=f"the cells {ref} are merged across columns; unmerge them: "
                        "each column holds its own value",
                        row_word=ROW,
                    )
                )
                self._fail(sheet.title, cells.min_row, None)
                continue
            index = cells.min_col - 1
            top = _cell(sheet.rows, cells.min_row, index)
            for number in range(cells.min_row + 1, min(cells.max_row, len(sheet.rows)) + 1):
                row = sheet.rows[number - 1]
                if any(not is_blank(_cell(sheet.rows, number, i)) for i in sheet.columns):
                    row.extend([None] * (index + 1 - len(row)))
                    row[index] = top
            sheet.filled.append(ref)

    def _read_rows(self, sheet: _Sheet, epoch) -> list[Raw]:
        raws = []
        spec = sheet.spec
        parent_key = _PARENT_KEYS.get(spec.kind)
        unheaded: set[int] = set()
        for number, row in enumerate(sheet.rows[1:], start=2):
            marked = {
                i: sheet.marks[(number, i + 1)]
                for i in sheet.columns
                if (number, i + 1) in sheet.marks
            }
            cells = {i: row[i] if i < len(row) else None for i in sheet.columns}
            if not marked and all(is_blank(value) for value in cells.values()):
                continue
            unheaded.update(
                i
                for i, value in enumerate(row)
                if i not in sheet.columns
                and not is_blank(value)
                and (i >= len(sheet.rows[0]) or is_blank(sheet.rows[0][i]))
            )
            record = self._record_name(sheet, cells, marked, epoch)
            values: dict[str, Any] = {}
            for index, column in sheet.columns.items():
                label = sheet.labels[column.key]
                if index in marked:
                    self._row_problem(sheet, number, record, label, marked[index])
                    continue
                try:
                    parsed = parse_cell(column.kind, cells[index], epoch)
                except CellError as exc:
                    self._row_problem(sheet, number, record, label, str(exc))
                    continue
                if parsed is BLANK:
                    if column.key == parent_key:
                        self._row_problem(sheet, number, record, label, "is required")
                    continue
                values[column.key] = parsed
            raws.append(
                Raw(
                    values=values,
                    source=sheet.title,
                    row=number,
                    row_word=ROW,
                    field_labels=dict(sheet.labels),
                )
            )
        sheet.ignored.extend(f"column {_letter(i)} (no header)" for i in sorted(unheaded))
        return raws

    def _record_name(self, sheet: _Sheet, cells: dict[int, Any], marked, epoch) -> str | None:
        if sheet.spec.record_word is None:
            return None
        for index, column in sheet.columns.items():
            if column.key == "id" and index not in marked:
                try:
                    record_id = parse_cell(column.kind, cells[index], epoch)
                except CellError:
                    return None
                if record_id is BLANK:
                    return None
                return f"{sheet.spec.record_word} {record_id}"
        return None

    def _row_problem(
        self, sheet: _Sheet, row: int, record: str | None, label: str, message: str
    ) -> None:
        self.problems.append(Problem(sheet.title, row, record, label, message, ROW))
        self._fail(sheet.title, row, label)

    def _fail(self, title: str, row: int, label: str | None) -> None:
        self.failed.setdefault((title, row), set()).add(label or "")

    # -- results --

    def keeps(self, problem: Problem) -> bool:
        """Give whether a problem of build_records is news, not a echo of a bad cell.

        A cell already reported is left out of its record; the model would then say the
        field is required, or a rule across fields would fail for want of it.
        """
        failed = self.failed.get((problem.source, problem.row or 0))
        if failed is None:
            return True
        return problem.field is not None and problem.field not in failed and "" not in failed

    def sorted_problems(self) -> list[Problem]:
        """Give the problems: the file's first, then sheet by sheet, row by row."""
        rank = {sheet.title: number for number, sheet in enumerate(self.sheets, start=1)}
        return sorted(self.problems, key=lambda p: (rank.get(p.source, 0), p.row or 0))

    def notices(self) -> list[str]:
        """Give the notices for the user: ignored columns and sheets, missing sheets, merges."""
        notices = []
        ignored = [
            f"{sheet.title}: {', '.join(sheet.ignored)}" for sheet in self.sheets if sheet.ignored
        ]
        if ignored:
            notices.append(
                "Ignored columns (a coordinator's notes are not records and are not kept by "
                f"import or export): {'; '.join(ignored)}"
            )
        if self.missing_optional:
            notices.append(
                f"The workbook has no sheet {' or '.join(self.missing_optional)}: read as none."
            )
        if self.ignored_sheets:
            notices.append(
                "Ignored sheets (not records): "
                + ", ".join(repr(title) for title in self.ignored_sheets)
            )
        for sheet in self.sheets:
            if sheet.filled:
                notices.append(
                    f"{sheet.title}: merged cells {', '.join(sheet.filled)} read as the same "
                    "value on each of their rows."
                )
        return notices


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _cell_range(ref: str):
    from openpyxl.worksheet.cell_range import CellRange

    return CellRange(ref)


def _cell(rows: list[list[Any]], number: int, index: int) -> Any:
    row = rows[number - 1] if number - 1 < len(rows) else []
    return row[index] if index < len(row) else None


def _scan_sheet_xml(
    path: Path, archive: zipfile.ZipFile, worksheet
) -> tuple[dict[tuple[int, int], str], list[str]]:
    """Give the formula cells without a cached result, the error cells, and the merges.

    openpyxl's data_only mode gives a formula without a cached result as an empty cell and
    an error cell as its code as text; only the XML tells them apart. Most sheets hold
    neither, and a quick byte search skips the parse for them.
    """
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import coordinate_to_tuple

    try:
        data = archive.read(worksheet._worksheet_path)  # openpyxl 3.1 read-only worksheet
    except (*_READ_ERRORS,) as exc:
        raise _unreadable(path, exc) from None
    if not _MARKS_QUICK.search(data):
        return {}, []
    marks: dict[tuple[int, int], str] = {}
    merges: list[str] = []
    row_number = column = 0
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":
                    row_number = int(element.get("r") or row_number + 1)
                    column = 0
                continue
            if tag == "c":
                reference = element.get("r")
                row_number, column = (
                    coordinate_to_tuple(reference) if reference else (row_number, column + 1)
                )
                message = _cell_mark(element)
                if message:
                    marks[(row_number, column)] = message
                element.clear()
            elif tag == "mergeCell" and element.get("ref"):
                merges.append(element.get("ref"))
    except (*_READ_ERRORS,) as exc:
        raise _unreadable(path, exc) from None
    return marks, [ref for ref in merges if ":" in ref]


def _cell_mark(element) -> str | None:
    formula = result = None
    for child in element:
        tag = child.tag.rpartition("}")[2]
        if tag == "f":
            formula = child
        elif tag == "v":
            result = child
    shown = ""
    if formula is not None:
        text = (formula.text or "").strip()
        shown = f" (={text})" if text else " (a shared formula)"
    if element.get("t") == "e":
        code = result.text if result is not None and result.text else "#VALUE!"
        source = f", from the formula{shown}" if formula is not None else ""
        return f"holds the error {code}{source}; correct it or type the value"
    if formula is not None and (result is None or not result.text) and element.get("t") != "str":
        return f"is a formula{shown} without a saved result; {FORMULA_HINT}"
    return None
