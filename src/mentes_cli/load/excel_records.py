"""Read one Excel workbook (SPEC 2.2) into records, reporting every problem at once.

The file is checked before openpyxl sees it (size, kind of file, zip directory against the
limits in data/limits.toml). openpyxl (read-only, defusedxml active) reads the workbook's
structure: the sheets, shared strings, cell styles and epoch. Each sheet the records need is
picked by name and its XML read in one expat pass (`_SheetXml`), which gives the values
openpyxl's data_only mode gives, several times faster, and also what that mode hides. Row 1
holds the headers; headers are checked for all sheets before any row is read. Each cell is
turned into its canonical Python value by `values.parse_cell`, and `build_records` then
validates the records exactly as for TOML.

What the loader does with odd cells:

- a formula: its cached result is read; a formula without a cached result (a file written
  by a script and never opened in a spreadsheet program) is an error naming the formula;
- an error cell (#N/A, #DIV/0!, ...) is an error, with its formula when it has one;
- merged cells: only the top-left cell holds a value. A merge down one column (one value
  for several rows) gives that value to every non-blank row it covers, with a notice; a
  merge across columns, or one in the header row, is an error;
- a date cell whose number is outside the calendar is an error; a date with a time of day,
  a time or a duration in a date column is an error;
- blank rows (nothing, or only spaces, in the known columns) are skipped wherever they are;
  the declared sheet dimension is not trusted (every row in the XML is read).
"""

from __future__ import annotations

import io
import re
import stat
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl.utils.datetime import from_excel, from_ISO8601

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
    too_big = _file_problem(
        path,
        f"is larger than {limits['max_file_bytes'] / 1e6:.0f} MB; mentes reads workbooks "
        "up to that size (data/limits.toml)",
    )
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise _file_problem(path, "is not a regular file (a device or a pipe?)")
        if path.stat().st_size > limits["max_file_bytes"]:
            raise too_big
        # Read no more than the limit allows, whatever the size the file system claimed.
        with path.open("rb") as stream:
            content = stream.read(limits["max_file_bytes"] + 1)
        if len(content) > limits["max_file_bytes"]:
            raise too_big
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
    """One sheet as read: its spec, title, rows by number and what the XML said."""

    spec: vocab.SheetSpec
    title: str
    rows: dict[int, list[Any]]
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
        self.parsed: dict[tuple[str, type, Any], Any] = {}

    # -- reading --

    def read(self, content: bytes) -> RawSet:
        workbook = _open_workbook(self.path, content)
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                self._pick_sheets(workbook, archive)
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
            getattr(raw_set, sheet.spec.kind).extend(self._read_rows(sheet, workbook.epoch))
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
        # openpyxl has read the workbook's structure: which part holds the sheet, the shared
        # strings, which cell styles are dates, and the epoch (openpyxl 3.1 read-only).
        workbook = worksheet.parent
        reader = _SheetXml(
            worksheet._shared_strings,
            workbook._date_formats,
            workbook._timedelta_formats,
            workbook.epoch,
        )
        try:
            rows, marks, merges = reader.parse(archive.read(worksheet._worksheet_path))
        except _READ_ERRORS as exc:
            raise _unreadable(self.path, exc) from None
        return _Sheet(spec, worksheet.title, rows, marks, merges)

    def _read_header(self, sheet: _Sheet) -> None:
        lookup = {name: column for column in sheet.spec.columns for name in column.names()}
        header = sheet.rows.get(1, [])
        if all(is_blank(value) for value in header):
            if any(number > 1 for number in sheet.rows):
                self._header_problem(sheet, "row 1 must hold the column headers; it is empty")
            elif sheet.spec.required:
                self._header_problem(
                    sheet,
                    "the sheet is empty; row 1 must hold the column headers "
                    f"({', '.join(c.header for c in sheet.spec.columns)})",
                )
            return
        seen: dict[str, int] = {}
        unknown: list[tuple[int, str]] = []
        for index, value in enumerate(header):
            if is_blank(value):
                continue
            label = " ".join(str(value).replace("\u00a0", " ").split())
            column = lookup.get(vocab.fold_header(label))
            if column is None:
                sheet.ignored.append(repr(label))
                unknown.append((index, label))
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
                    f"the required column {column.header!r} (or {column.key!r}) is missing"
                    + _unknown_columns_hint(column, unknown),
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
            for number in range(cells.min_row + 1, cells.max_row + 1):
                row = sheet.rows.get(number)
                if row and any(not is_blank(_cell(sheet.rows, number, i)) for i in sheet.columns):
                    row.extend([None] * (index + 1 - len(row)))
                    row[index] = top
            sheet.filled.append(ref)

    def _read_rows(self, sheet: _Sheet, epoch) -> list[Raw]:
        raws = []
        spec = sheet.spec
        parent_key = _PARENT_KEYS.get(spec.kind)
        header = sheet.rows.get(1, [])
        # Columns without a header: a value in one is said once in the notice.
        headless = [i for i, value in enumerate(header) if is_blank(value)]
        unheaded: set[int] = set()
        for number in sorted(sheet.rows):
            if number == 1:
                continue
            row = sheet.rows[number]
            marked = (
                {
                    i: sheet.marks[(number, i + 1)]
                    for i in sheet.columns
                    if (number, i + 1) in sheet.marks
                }
                if sheet.marks
                else {}
            )
            width = len(row)
            cells = {i: row[i] if i < width else None for i in sheet.columns}
            if not marked and all(is_blank(value) for value in cells.values()):
                continue
            unheaded.update(i for i in headless if i < width and not is_blank(row[i]))
            unheaded.update(i for i in range(len(header), width) if not is_blank(row[i]))
            record = self._record_name(sheet, cells, marked, epoch)
            values: dict[str, Any] = {}
            for index, column in sheet.columns.items():
                label = sheet.labels[column.key]
                if index in marked:
                    self._row_problem(sheet, number, record, label, marked[index])
                    continue
                try:
                    parsed = self._parse(column.kind, cells[index], epoch)
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

    def _parse(self, kind: str, value: Any, epoch) -> Any:
        """Give parse_cell's answer, remembered: most cells repeat a few values."""
        key = (kind, type(value), value)
        try:
            answer = self.parsed[key]
        except KeyError:
            try:
                answer = parse_cell(kind, value, epoch)
            except CellError as exc:
                answer = exc
            self.parsed[key] = answer
        except TypeError:  # an unhashable value cannot be remembered
            answer = parse_cell(kind, value, epoch)
        if isinstance(answer, CellError):
            raise CellError(str(answer))
        return list(answer) if isinstance(answer, list) else answer

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


def _unknown_columns_hint(column: vocab.Column, unknown: list[tuple[int, str]]) -> str:
    """Give what the header row holds that mentes does not know, the one closest to the
    missing column marked ("did you mean"), so that a typo is found in one round."""
    import difflib

    from mentes_cli.i18n import _

    if not unknown:
        return ""
    names = [vocab.fold_header(name) for name in column.names()]

    def likeness(label: str) -> float:
        found = vocab.fold_header(label)
        return max(difflib.SequenceMatcher(None, found, name).ratio() for name in names)

    closest = max(unknown, key=lambda found: likeness(found[1]))
    parts = []
    for index, label in unknown:
        part = f"{_letter(index)} {label!r}"
        if (index, label) == closest and likeness(label) >= CLOSE_HEADER:
            part += _(" (did you mean {header!r}?)", header=column.header)
        parts.append(part)
    return _("; the header row holds columns mentes does not know: {found}", found=", ".join(parts))


# How alike (0 to 1, difflib) an unknown header must be to a missing one to be suggested.
CLOSE_HEADER = 0.6


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _cell_range(ref: str):
    from openpyxl.worksheet.cell_range import CellRange

    return CellRange(ref)


def _cell(rows: dict[int, list[Any]], number: int, index: int) -> Any:
    row = rows.get(number, [])
    return row[index] if index < len(row) else None


class _SheetXml:
    """One pass over a sheet's XML, giving the cells as openpyxl's data_only mode would,
    and what that mode hides: formulas without a cached result, error cells, merges.

    openpyxl's own reader builds an element tree per cell and is the slowest part of a load
    (0.6 s of CPU for a network of 1,900 locations); expat with three small handlers reads
    the same sheet several times faster. The workbook's structure (sheets, shared strings,
    styles, epoch) still comes from openpyxl. Entity declarations are refused as defusedxml
    refuses them, so XML bombs and external entities never expand.
    """

    def __init__(self, shared_strings, date_styles, timedelta_styles, epoch):
        self.shared_strings = shared_strings
        self.date_styles = date_styles
        self.timedelta_styles = timedelta_styles
        self.epoch = epoch

    def parse(self, data: bytes):
        """Give (rows by number, marks by (row, column), merged ranges) of the sheet XML."""
        from xml.parsers import expat

        self.rows: dict[int, list[Any]] = {}
        self.marks: dict[tuple[int, int], str] = {}
        self.merges: list[str] = []
        self.row = 0
        self.column = 0
        self.collecting: list[str] | None = None
        self.in_cell = self.in_inline = self.in_phonetic = False
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.EntityDeclHandler = _forbid_entity
        parser.UnparsedEntityDeclHandler = _forbid_entity
        parser.ExternalEntityRefHandler = _forbid_entity
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        try:
            parser.Parse(data, True)
        except expat.ExpatError as exc:
            raise ParseError(str(exc)) from None
        return self.rows, self.marks, self.merges

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c":
            reference = attributes.get("r")
            if reference:
                self.row, self.column = _coordinate(reference)
            else:
                self.column += 1
            self.kind = attributes.get("t", "n")
            self.style = int(attributes.get("s", 0))
            self.value: str | None = None
            self.formula: str | None = None
            self.inline: list[str] | None = None
            self.in_cell = True
        elif not self.in_cell:
            if tag == "row":
                self.row = int(attributes.get("r") or self.row + 1)
                self.column = 0
            elif tag == "mergeCell" and ":" in attributes.get("ref", ""):
                self.merges.append(attributes["ref"])
        elif tag in ("v", "f"):
            self.collecting = []
        elif tag == "is":
            self.inline = []
            self.in_inline = True
        elif tag == "rPh":
            self.in_phonetic = True
        elif tag == "t" and self.in_inline and not self.in_phonetic:
            self.collecting = []

    def _text(self, text: str) -> None:
        if self.collecting is not None:
            self.collecting.append(text)

    def _end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if not self.in_cell:
            return
        if tag == "c":
            self.in_cell = self.in_inline = self.in_phonetic = False
            self._cell()
            return
        collected = "".join(self.collecting) if self.collecting is not None else None
        if tag == "v":
            self.value = collected
        elif tag == "f":
            self.formula = collected
        elif tag == "t" and self.inline is not None and collected is not None:
            self.inline.append(collected)
        elif tag == "rPh":
            self.in_phonetic = False
        elif tag == "is":
            self.in_inline = False
        if tag in ("v", "f", "t"):
            self.collecting = None

    def _cell(self) -> None:
        kind, text = self.kind, self.value
        shown = ""
        if self.formula is not None:
            shown = f" (={self.formula.strip()})" if self.formula.strip() else " (a shared formula)"
        if kind == "e":
            source = f", from the formula{shown}" if self.formula is not None else ""
            self._mark(f"holds the error {text or '#VALUE!'}{source}; correct it or type the value")
            return
        if self.formula is not None and not text and kind != "str":
            self._mark(f"is a formula{shown} without a saved result; {FORMULA_HINT}")
            return
        if kind == "inlineStr":
            value: Any = "".join(self.inline) if self.inline is not None else None
        elif not text:
            return
        elif kind == "n":
            value = _number(text)
            if self.style in self.date_styles:
                try:
                    value = from_excel(
                        value, self.epoch, timedelta=self.style in self.timedelta_styles
                    )
                except (OverflowError, ValueError):
                    self._mark(
                        f"is a date cell whose number {text} is outside the calendar; "
                        "type the date again"
                    )
                    return
        elif kind == "s":
            value = self.shared_strings[int(text)]
        elif kind == "b":
            value = bool(int(text))
        elif kind == "str":
            value = text
        elif kind == "d":
            value = from_ISO8601(text)
        else:
            raise ValueError(f"unknown cell type {kind!r}")
        if value is None:
            return
        row = self.rows.setdefault(self.row, [])
        if len(row) < self.column:
            row.extend([None] * (self.column - len(row)))
        row[self.column - 1] = value

    def _mark(self, message: str) -> None:
        self.rows.setdefault(self.row, [])
        self.marks[(self.row, self.column)] = message


def _forbid_entity(name: str, *details: Any) -> None:
    from defusedxml import EntitiesForbidden

    raise EntitiesForbidden(name, None, None, None, None, None)


_COORDINATE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def _coordinate(reference: str) -> tuple[int, int]:
    match = _COORDINATE.fullmatch(reference)
    if not match:
        raise ValueError(f"{reference!r} is not a cell reference")
    letters, digits = match.groups()
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return int(digits), column


def _number(text: str) -> int | float:
    """Give the number of a cell's text as openpyxl does: int unless it has a point or exponent."""
    if "." in text or "e" in text or "E" in text:
        return float(text)
    try:
        return int(text)
    except ValueError:
        return float(text)  # "nan", "inf": refused later as not a number
