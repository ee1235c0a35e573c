"""Read one Excel workbook (SPEC 2.2) into records, reporting every problem at once.

The file is checked before any reader sees it (size, kind of file, zip directory against the
limits in data/limits.toml, and no DTD or entity declaration in any XML part, as in XML bombs).
The workbook's structure (which sheet is which part, the date system) comes from its
workbook.xml, read with defusedxml. The cell values come from python-calamine (a compiled
reader, about ten times faster than openpyxl here). Before calamine reads a sheet, a check
of the sheet's XML (`_scan_sheet`) finds what calamine would hide or get wrong:

- a fast scan with a few regular expressions proves that the sheet is plain (no formulas, no
  error cells, every shared-string index a whole number, every number an ordinary one,
  every cell with its reference) and finds cells or rows given twice and the sheet's extent;
- a sheet that is not plain gets one expat pass (`_SheetXml`) that marks the cells calamine
  would read as empty or as something else, and reads date cells itself.

Row 1 holds the headers; headers are checked for all sheets before any row is read. Each
cell is turned into its canonical Python value by `values.parse_cell`, and `build_records`
then validates the records exactly as for TOML.

What the loader does with odd cells:

- a formula: its cached result is read; a formula without a cached result (a file written
  by a script and never opened in a spreadsheet program) is an error naming the formula;
- an error cell (#N/A, #DIV/0!, ...) is an error, with its formula when it has one;
- a shared-string index that is not a whole number at least 0 is an error (calamine would
  read the first string); one past the end makes the file unreadable;
- a cell or a row given twice in the XML is an error (a reader would keep one silently);
- merged cells: only the top-left cell holds a value. A merge down one column (one value
  for several rows) gives that value to every non-blank row it covers, with a notice; a
  merge across columns, or one in the header row, is an error;
- a date cell whose number is outside the calendar is an error; a date with a time of day,
  a time or a duration in a date column is an error;
- blank rows (nothing, or only spaces, in the known columns) are skipped wherever they are,
  and rows keep the numbers the coordinator sees; the declared sheet dimension is not
  trusted; a sheet whose cells span more than MAX_SHEET_CELLS is refused before it is read.
"""

from __future__ import annotations

import bisect
import io
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

from mentes_cli import i18n
from mentes_cli.errors import InputError, Problem
from mentes_cli.i18n import _, system_reason
from mentes_cli.load import vocabulary as vocab
from mentes_cli.load.build import (
    Raw,
    RawSet,
    build_records,
    fix_first,
    planned_without_visits,
    put_visits_back,
    record_name,
    some_ids,
    visit_name,
)
from mentes_cli.load.values import BLANK, CellError, is_blank, parse_cell
from mentes_cli.models import Records

ROW = "row"


def formula_hint() -> str:
    """Give what to do about a formula mentes cannot read."""
    return _(
        "mentes does not calculate formulas: open and save the workbook in Excel or "
        "LibreOffice, or type the value"
    )


def resave_hint() -> str:
    """Give what to do about a file that is not a plain .xlsx workbook."""
    return _("open it in Excel or LibreOffice and save it as Excel Workbook (.xlsx)")


# Keys that name the record a row belongs to; they are not fields of the row's own model.
_PARENT_KEYS = {
    "locations": "organisation",
    "closures": "location",
    "leave": "coach",
    "visits": "traject",
}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# The most cells (rows x columns, counted from A1 to the last cell) a sheet may span.
# calamine holds a sheet as one dense grid: a file of a few KB with one cell at XFD1048576
# would ask for 17 billion cells. 2,000,000 is 40 times the records of the whole of Flanders
# (about 10,000 locations of 14 columns) and about 60 MB in calamine.
MAX_SHEET_CELLS = 2_000_000


def load_workbook_records(path: Path, today: date | None = None) -> tuple[Records, list[str]]:
    """Give the validated records of the workbook at `path` and notices for the user.

    Raise InputError listing every problem: the file, a sheet, a header or a cell. `today`:
    see build_records.
    """
    content = read_workbook_bytes(path)
    reading = _Reading(path)
    raw_set = reading.read(content)
    try:
        records = build_records(raw_set, today)
    except InputError as exc:
        reading.problems.extend(p for p in exc.problems if reading.keeps(p))
        reading.say_what_is_hidden(raw_set)
    if reading.problems:
        raise InputError(reading.sorted_problems())
    return records, [*reading.notices(), *reading.visit_warnings(records)]


def looks_like_visits(header: list[Any]) -> bool:
    """Give whether a header row holds every required column of the sheet Bezoeken (a
    renamed or copied sheet of committed visits, such as 'Bezoeken 2027')."""
    folded = {vocab.fold_header(str(v)) for v in header if isinstance(v, str)}
    return all(
        any(name in folded for name in column.names())
        for column in vocab.VISITS.columns
        if column.required
    )


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
        raise _file_problem(path, _("is a folder, not a workbook"))
    too_big = _file_problem(
        path,
        _(
            "is larger than {size} MB; mentes reads workbooks up to that size",
            size=i18n.number(limits["max_file_bytes"] / 1e6, 0),
        ),
    )
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise _file_problem(path, _("is not a regular file (a device or a pipe?)"))
        if path.stat().st_size > limits["max_file_bytes"]:
            raise too_big
        # Read no more than the limit allows, whatever the size the file system claimed.
        with path.open("rb") as stream:
            content = stream.read(limits["max_file_bytes"] + 1)
        if len(content) > limits["max_file_bytes"]:
            raise too_big
    except FileNotFoundError:
        raise _file_problem(path, _("no such file")) from None
    except PermissionError:
        raise _file_problem(path, _("cannot be read: permission denied")) from None
    except OSError as exc:
        raise _file_problem(
            path, _("cannot be read ({reason})", reason=system_reason(exc))
        ) from None
    _check_kind(path, content)
    _check_zip(path, content, limits)
    return content


def _check_kind(path: Path, content: bytes) -> None:
    if not content:
        raise _file_problem(path, _("is empty (0 bytes); it is not an Excel workbook"))
    if content.startswith(_OLE2):
        raise _file_problem(
            path,
            _(
                "is an Excel 97-2003 workbook (.xls) or a password-protected workbook; mentes "
                "reads .xlsx workbooks without a password: {hint}",
                hint=resave_hint(),
            ),
        )
    if content.startswith(_ZIP):
        return
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        what = _("a web page (HTML)")
    elif head.startswith(b"<?xml"):
        what = _("an XML file (perhaps an Excel 2003 XML spreadsheet)")
    elif head.startswith(b"{\\rtf"):
        what = _("a Word or RTF document")
    elif _looks_like_text(content[:4096]):
        what = _("a text file (a CSV file?)")
    else:
        what = _("not a zip archive")
    raise _file_problem(
        path,
        _("is not an Excel workbook: it is {what}; {hint}", what=what, hint=resave_hint()),
    )


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
                    _(
                        "is an Excel binary workbook (.xlsb); mentes reads .xlsx: {hint}",
                        hint=resave_hint(),
                    ),
                )
            if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:200]:
                raise _file_problem(
                    path,
                    _(
                        "is an OpenDocument spreadsheet (.ods); mentes reads .xlsx: {hint}",
                        hint=resave_hint(),
                    ),
                )
            if "[Content_Types].xml" not in names:
                raise _file_problem(
                    path,
                    _(
                        "is a zip archive but not an Excel workbook (it has no "
                        "[Content_Types].xml); {hint}",
                        hint=resave_hint(),
                    ),
                )
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        raise _file_problem(
            path,
            _(
                "is damaged or incomplete: not a readable zip archive (was a download or copy "
                "interrupted?); {hint}",
                hint=resave_hint(),
            ),
        ) from None


def _check_entries(path: Path, entries: list[zipfile.ZipInfo], limits: dict[str, int]) -> None:
    if len(entries) > limits["max_entries"]:
        raise _file_problem(
            path,
            _(
                "holds {count} files inside; a workbook holds at most {most}. Refused as unsafe",
                count=i18n.number(len(entries), 0),
                most=i18n.number(limits["max_entries"], 0),
            ),
        )
    total = sum(entry.file_size for entry in entries)
    if total > limits["max_uncompressed_bytes"]:
        raise _file_problem(
            path,
            _(
                "unpacks to {size} MB; mentes reads workbooks that unpack to at most {most} MB. "
                "Refused as unsafe (a zip bomb?)",
                size=i18n.number(total / 1e6, 0),
                most=i18n.number(limits["max_uncompressed_bytes"] / 1e6, 0),
            ),
        )
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise _file_problem(
                path,
                _("is password-protected; {hint} without a password", hint=resave_hint()),
            )
        if entry.file_size > limits["ratio_from_bytes"]:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if ratio > limits["max_ratio"]:
                raise _file_problem(
                    path,
                    _(
                        "holds {part}, which unpacks {ratio} times its packed size (at most "
                        "{most}). Refused as unsafe (a zip bomb?)",
                        part=repr(entry.filename),
                        ratio=i18n.number(ratio, 0),
                        most=i18n.number(limits["max_ratio"], 0),
                    ),
                )


# The ways a damaged file makes zipfile, zlib, the XML parsers and calamine fail.
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


def _calamine_errors() -> tuple[type[BaseException], ...]:
    import python_calamine

    return (python_calamine.CalamineError, python_calamine.XmlError, python_calamine.ZipError,
            python_calamine.PasswordError, python_calamine.WorksheetNotFound)  # fmt: skip


def _unreadable(path: Path, exc: BaseException) -> InputError:
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return _file_problem(
            path,
            _(
                "holds XML that mentes refuses to read for safety (an entity or DTD "
                "declaration, as in XML bombs and external-entity attacks); {hint}",
                hint=resave_hint(),
            ),
        )
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if len(reason) > 120:
        reason = reason[:117] + "..."
    return _file_problem(
        path,
        _(
            "cannot be read as an Excel workbook ({reason}); {hint}",
            reason=reason,
            hint=resave_hint(),
        ),
    )


_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def _declares_entities(data: bytes) -> bool:
    """Give whether XML `data` holds a DTD or an entity declaration (in UTF-8 or UTF-16)."""
    if data.startswith(_UTF16) or data[:2].count(0) == 1:
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return False  # not XML a reader accepts: it fails there, with its own message
    return _DECLARATION.search(data) is not None


_MAIN_RELS = "_rels/.rels"
_CHART_SHEET = "/chartsheet"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _Book:
    """The workbook's structure, its XML parts and calamine's reading of its cells.

    The structure is read from the parts themselves (workbook.xml and its relationships,
    with defusedxml), so that no reader's private attributes are needed: the sheets in
    order with their parts, which are charts, and the date system.
    """

    def __init__(self, path: Path, content: bytes):
        from python_calamine import CalamineWorkbook

        self.path = path
        self.archive = zipfile.ZipFile(io.BytesIO(content))
        for info in self.archive.infolist():
            name = info.filename.lower()
            if name.endswith((".xml", ".rels", ".vml")) and _declares_entities(
                self.read(info.filename)
            ):
                from defusedxml import DTDForbidden

                raise DTDForbidden(info.filename, None, None)
        self.parts: dict[str, str] = {}  # sheet title -> its part in the zip
        self.charts: set[str] = set()
        self.sheetnames: list[str] = []
        self.epoch: datetime = CALENDAR_WINDOWS_1900
        self._read_structure()
        self.cells = CalamineWorkbook.from_filelike(io.BytesIO(content))
        self._date_styles: tuple[frozenset[int], frozenset[int]] | None = None
        self._merges: dict[str, list] = {}

    def read(self, part: str) -> bytes:
        """Give the bytes of `part`, never more than its declared size.

        zipfile's read() inflates a whole deflate stream at once: an entry that declares 2 KB
        and holds 300 MB of zeros would take 300 MB before its CRC fails. Read one byte past
        the declared size instead; a lying entry then fails its CRC at once (BadZipFile).
        """
        info = self.archive.getinfo(part)
        with self.archive.open(info) as stream:
            data = stream.read(info.file_size + 1)
            if len(data) > info.file_size or stream.read(1):
                raise zipfile.BadZipFile(f"{part!r} is larger than its zip entry declares")
        return data

    def _xml(self, part: str):
        from defusedxml.ElementTree import fromstring

        return fromstring(self.read(part))

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Give the relationships of `part`: id -> (type, the target's part name)."""
        folder = PurePosixPath(part).parent
        rels = str(folder / "_rels" / (PurePosixPath(part).name + ".rels"))
        if part == "":
            rels = _MAIN_RELS
        if rels not in self.archive.namelist():
            return {}
        found = {}
        for element in self._xml(rels).iter():
            if _local(element.tag) == "Relationship" and element.get("TargetMode") != "External":
                target = element.get("Target", "")
                name = target.lstrip("/") if target.startswith("/") else str(folder / target)
                found[element.get("Id", "")] = (element.get("Type", ""), _normal(name))
        return found

    def _read_structure(self) -> None:
        book = next(
            (t for kind, t in self._relationships("").values() if kind.endswith("/officeDocument")),
            "xl/workbook.xml",
        )
        self.workbook_part = book
        relationships = self._relationships(book)
        for element in self._xml(book).iter():
            tag = _local(element.tag)
            if tag == "workbookPr" and element.get("date1904", "").lower() in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
            elif tag == "sheet":
                title = element.get("name", "")
                rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
                kind, part = relationships.get(rid, ("", ""))
                self.sheetnames.append(title)
                self.parts[title] = part
                if kind.endswith(_CHART_SHEET):
                    self.charts.add(title)

    def sheet_xml(self, title: str) -> bytes:
        """Give the XML of sheet `title`."""
        return self.read(self.parts[title])

    def grid(self, title: str) -> list[list[Any]]:
        """Give calamine's cells of sheet `title`, row 1 first (blank leading rows kept)."""
        sheet = self.cells.get_sheet_by_name(title)
        self._merges[title] = sheet.merged_cell_ranges or []
        return sheet.to_python(skip_empty_area=False)

    def merged(self, title: str) -> list[str]:
        """Give the merged ranges of sheet `title` (after `grid`) as references, "B2:C3"."""
        ranges = self._merges.get(title, [])
        return [f"{_letter(c0)}{r0 + 1}:{_letter(c1)}{r1 + 1}" for (r0, c0), (r1, c1) in ranges]

    def date_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """Give the cell styles that show a date, and those that show a duration."""
        if self._date_styles is None:
            self._date_styles = self._read_date_styles()
        return self._date_styles

    def _read_date_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        styles = next(
            (t for kind, t in self._relationships(self.workbook_part).values()
             if kind.endswith("/styles")),
            None,
        )  # fmt: skip
        if styles is None or styles not in self.archive.namelist():
            return frozenset(), frozenset()
        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        number_formats: list[int] = []
        root = self._xml(styles)
        for element in root.iter():
            if _local(element.tag) == "numFmt":
                formats[int(element.get("numFmtId", "-1"))] = element.get("formatCode", "")
        for element in root.iter():
            if _local(element.tag) == "cellXfs":
                number_formats = [
                    int(xf.get("numFmtId", "0")) for xf in element if _local(xf.tag) == "xf"
                ]
        dates = {i for i, f in enumerate(number_formats) if is_date_format(formats.get(f, ""))}
        durations = {i for i in dates if is_timedelta_format(formats.get(number_formats[i], ""))}
        return frozenset(dates), frozenset(durations)

    def close(self) -> None:
        self.cells.close()
        self.archive.close()


def _normal(name: str) -> str:
    """Give a part name with "a/../b" resolved, as zip entries are named."""
    parts: list[str] = []
    for piece in name.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _open_workbook(path: Path, content: bytes) -> _Book:
    try:
        return _Book(path, content)
    except (*_calamine_errors(), *_READ_ERRORS) as exc:  # defusedxml's are ValueErrors
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
        # Whether the sheet Bezoeken is there, and the ignored sheets that look like it.
        self.has_visits_sheet = False
        self.visits_lookalikes: list[str] = []
        # (sheet, row) -> the field labels whose cell was already reported as wrong
        self.failed: dict[tuple[str, int], set[str]] = {}
        self.parsed: dict[tuple[str, type, Any], Any] = {}

    # -- reading --

    def read(self, content: bytes) -> RawSet:
        workbook = _open_workbook(self.path, content)
        try:
            self._pick_sheets(workbook)
            if self.problems:
                raise InputError(self.problems)
            broken = set()
            for sheet in self.sheets:
                before = len(self.problems)
                self._read_header(sheet)
                if len(self.problems) > before:
                    broken.add(sheet.title)
        finally:
            workbook.close()
        # A sheet whose header row is wrong is not read against a wrong set of columns; the
        # rows of the other sheets are, so that one run reports every problem of the
        # workbook. References to the records of a sheet not read are not checked.
        raw_set = RawSet()
        for sheet in self.sheets:
            if sheet.title in broken:
                raw_set.unreadable.add(sheet.spec.kind)
                continue
            self._apply_merges(sheet)
            getattr(raw_set, sheet.spec.kind).extend(self._read_rows(sheet, workbook.epoch))
        return raw_set

    def _pick_sheets(self, workbook: _Book) -> None:
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
                shown = _(" and ").join(repr(t) for t in titles)
                self.problems.append(
                    Problem(
                        str(self.path),
                        message=_(
                            "sheets {sheets} are both the {sheet} sheet; keep one",
                            sheets=shown,
                            sheet=spec.name,
                        ),
                    )
                )
                continue
            if titles[0] in workbook.charts:
                self.problems.append(
                    Problem(
                        str(self.path),
                        message=_("sheet {sheet} is a chart, not rows", sheet=repr(titles[0])),
                    )
                )
                continue
            try:
                self.sheets.append(self._load_sheet(spec, titles[0], workbook))
            except (*_calamine_errors(), *_READ_ERRORS) as exc:
                raise _unreadable(self.path, exc) from None
        # The explanation and mentes' own sheets (history, letters) are no one's notes.
        own = {vocab.fold_header(t) for t in (vocab.EXPLANATION_SHEET, *vocab.OWN_SHEETS)}
        self.ignored_sheets = [
            t for t in workbook.sheetnames if vocab.fold_header(t) not in known | own
        ]
        visits = [s for s in self.sheets if s.spec is vocab.VISITS]
        self.has_visits_sheet = bool(visits)
        if not visits or not any(number > 1 for number in visits[0].rows):
            self.visits_lookalikes = [
                t for t in self.ignored_sheets if self._looks_like_visits(t, workbook)
            ]

    def _looks_like_visits(self, title: str, workbook: _Book) -> bool:
        """Give whether an ignored sheet holds visits: the columns of the sheet Bezoeken."""
        try:
            rows, _scan = sheet_cells(self.path, workbook, title)
        except (InputError, *_calamine_errors(), *_READ_ERRORS):
            return False  # not records: whatever is wrong with it is not the records' problem
        return looks_like_visits(rows.get(1, [])) and any(number > 1 for number in rows)

    def _missing_sheet(self, spec: vocab.SheetSpec, titles: list[str]) -> Problem:
        having = ", ".join(repr(t) for t in titles) or _("none")
        return Problem(
            str(self.path),
            message=_(
                "the sheet {sheet} is missing (the workbook has the sheets {having}); "
                "Organisaties and Locaties are required, Sluitingen, Coaches, Verlof and "
                "Trajecten may be left out",
                sheet=repr(spec.name),
                having=having,
            ),
        )

    def _load_sheet(self, spec: vocab.SheetSpec, title: str, workbook: _Book) -> _Sheet:
        rows, scan = sheet_cells(self.path, workbook, title)
        for number, message in scan.twice:
            self.problems.append(Problem(title, number, message=message, row_word=ROW))
            self._fail(title, number, None)
        return _Sheet(spec, title, rows, scan.marks, workbook.merged(title))

    def _read_header(self, sheet: _Sheet) -> None:
        lookup = {name: column for column in sheet.spec.columns for name in column.names()}
        header = sheet.rows.get(1, [])
        if all(is_blank(value) for value in header):
            if any(number > 1 for number in sheet.rows):
                self._header_problem(sheet, _("row 1 must hold the column headers; it is empty"))
            elif sheet.spec.required:
                self._header_problem(
                    sheet,
                    _(
                        "the sheet is empty; row 1 must hold the column headers ({headers})",
                        headers=", ".join(c.header for c in sheet.spec.columns),
                    ),
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
                    _(
                        "columns {first} ({first_label}) and {second} ({second_label}) are "
                        "the same column {header}; keep one",
                        first=_letter(first),
                        first_label=repr(sheet.labels[column.key]),
                        second=_letter(index),
                        second_label=repr(label),
                        header=repr(column.header),
                    ),
                )
                continue
            seen[column.key] = index
            sheet.columns[index] = column
            sheet.labels[column.key] = label
        for column in sheet.spec.columns:
            if column.required and column.key not in seen:
                self._header_problem(
                    sheet,
                    _(
                        "the required column {header} (or {key}) is missing",
                        header=repr(column.header),
                        key=repr(column.key),
                    )
                    + _unknown_columns_hint(column, unknown),
                )
        for ref in sheet.merges:
            cells = _cell_range(ref)
            if cells.min_row == 1 and (cells.max_col > cells.min_col or cells.max_row > 1):
                self._header_problem(
                    sheet,
                    _(
                        "the cells {cells} are merged; unmerge them so that every column has "
                        "its own header in row 1",
                        cells=ref,
                    ),
                )

    def _header_problem(self, sheet: _Sheet, message: str) -> None:
        self.problems.append(Problem(sheet.title, 1, message=message, row_word=ROW))

    def _apply_merges(self, sheet: _Sheet) -> None:
        """Give a merge down one column its value on every non-blank row it covers.

        Only the rows that exist are visited: a merge down to row 1,048,576 costs what the
        rows it covers cost, not a million steps.
        """
        numbers = sorted(sheet.rows)
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
                        message=_(
                            "the cells {cells} are merged across columns; unmerge them: each "
                            "column holds its own value",
                            cells=ref,
                        ),
                        row_word=ROW,
                    )
                )
                self._fail(sheet.title, cells.min_row, None)
                continue
            index = cells.min_col - 1
            top = _cell(sheet.rows, cells.min_row, index)
            first = bisect.bisect_right(numbers, cells.min_row)
            last = bisect.bisect_right(numbers, cells.max_row)
            for number in numbers[first:last]:
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
            refused: set[str] = set()
            for index, column in sheet.columns.items():
                label = sheet.labels[column.key]
                if index in marked:
                    self._row_problem(sheet, number, record, label, marked[index])
                    refused.add(column.key)
                    continue
                try:
                    parsed = self._parse(column.kind, cells[index], epoch)
                except CellError as exc:
                    self._row_problem(sheet, number, record, label, str(exc))
                    refused.add(column.key)
                    continue
                if parsed is BLANK:
                    if column.key == parent_key:
                        self._row_problem(sheet, number, record, label, _("is required"))
                    continue
                values[column.key] = parsed
            raws.append(
                Raw(
                    values=values,
                    source=sheet.title,
                    row=number,
                    row_word=ROW,
                    field_labels=dict(sheet.labels),
                    refused=refused,
                )
            )
        sheet.ignored.extend(
            _("column {column} (no header)", column=_letter(i)) for i in sorted(unheaded)
        )
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
        if sheet.spec.kind == "visits":
            return self._visit_name(sheet, cells, marked, epoch)
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
                return record_name(sheet.spec.record_word, record_id)
        return None

    def _visit_name(self, sheet: _Sheet, cells: dict[int, Any], marked, epoch) -> str | None:
        """Give "traject T-1, visit 2" for a row of the sheet Bezoeken, as far as readable."""
        found: dict[str, Any] = {}
        for index, column in sheet.columns.items():
            if column.key in ("traject", "number") and index not in marked:
                try:
                    found[column.key] = parse_cell(column.kind, cells[index], epoch)
                except CellError:
                    continue
        traject, number = found.get("traject", BLANK), found.get("number", BLANK)
        if traject is BLANK:
            return None
        if number is BLANK:
            return record_name("traject", traject)
        return visit_name(traject, number)

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
        if "" in failed:
            return False  # the whole row was refused (cells merged across columns)
        # A rule across fields (no field) is checked without the cells reported.
        return problem.field is None or problem.field not in failed

    def say_what_is_hidden(self, raw_set: RawSet) -> None:
        """Add to the problem of each cell that kept other checks of its record from running
        that more problems may follow once it is fixed (see build_records)."""
        kinds = ("organisations", "locations", "closures", "coaches", "leave", "trajects", "visits")
        hidden = {
            (raw.source, raw.row, raw.field_labels.get(key, key))
            for kind in kinds
            for raw in getattr(raw_set, kind)
            for key in raw.hidden_by
        }
        if hidden:
            self.problems = [
                replace(problem, message=fix_first(problem.message))
                if (problem.source, problem.row, problem.field) in hidden
                else problem
                for problem in self.problems
            ]

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
                _(
                    "Ignored columns (a coordinator's notes are not records and are not kept "
                    "by import or export): {columns}",
                    columns="; ".join(ignored),
                )
            )
        if self.missing_optional:
            notices.append(
                _(
                    "The workbook has no sheet {sheets}: read as none.",
                    sheets=_(" or ").join(self.missing_optional),
                )
            )
        if self.ignored_sheets:
            notices.append(
                _(
                    "Ignored sheets (not records): {sheets}",
                    sheets=", ".join(repr(title) for title in self.ignored_sheets),
                )
            )
        for sheet in self.sheets:
            if sheet.filled:
                notices.append(
                    _(
                        "{sheet}: merged cells {cells} read as the same value on each of "
                        "their rows.",
                        sheet=sheet.title,
                        cells=", ".join(sheet.filled),
                    )
                )
        return notices

    def visit_warnings(self, records: Records) -> list[str]:
        """Warn about planned trajects without a visit: their committed visits are not in
        the sheet Bezoeken (renamed, removed or emptied), so no command sees the days their
        coaches are booked, and plan would book those days again."""
        lost = planned_without_visits(records)
        if not lost and not (self.visits_lookalikes and not self.has_visits_sheet):
            return []
        shown = some_ids(lost)
        if not lost:
            what = _(
                "the workbook has no sheet {sheet}: the committed visits are read from that "
                "sheet only.",
                sheet=vocab.VISITS.name,
            )
        elif self.has_visits_sheet:
            what = i18n.n_(
                "sheet {sheet} holds no visit of {count} planned traject ({trajects}): no "
                "command sees the days its coach is booked, and plan would book them again.",
                "sheet {sheet} holds no visit of {count} planned trajects ({trajects}): no "
                "command sees the days their coaches are booked, and plan would book them "
                "again.",
                len(lost),
                sheet=vocab.VISITS.name,
                trajects=shown,
            )
        else:
            what = i18n.n_(
                "the workbook has no sheet {sheet}, where the visits of {count} planned "
                "traject ({trajects}) belong: no command sees the days its coach is booked, "
                "and plan would book them again.",
                "the workbook has no sheet {sheet}, where the visits of {count} planned "
                "trajects ({trajects}) belong: no command sees the days their coaches are "
                "booked, and plan would book them again.",
                len(lost),
                sheet=vocab.VISITS.name,
                trajects=shown,
            )
        if self.visits_lookalikes:
            fix = i18n.n_(
                "Sheet {sheets} has its columns: if it holds these visits, name it {sheet} again.",
                "Sheets {sheets} have its columns: if one holds these visits, name it {sheet} "
                "again.",
                len(self.visits_lookalikes),
                sheets=", ".join(repr(title) for title in self.visits_lookalikes),
                sheet=vocab.VISITS.name,
            )
        else:
            fix = put_visits_back()
        return [_("Warning: {warning} {fix}", warning=what, fix=fix)]


def _unknown_columns_hint(column: vocab.Column, unknown: list[tuple[int, str]]) -> str:
    """Give what the header row holds that mentes does not know, the one closest to the
    missing column marked ("did you mean"), so that a typo is found in one round."""
    import difflib

    if not unknown:
        return ""
    names = [vocab.fold_header(name) for name in column.names()]

    def likeness(label: str) -> float:
        found = vocab.fold_header(label)
        return max(difflib.SequenceMatcher(None, found, name).ratio() for name in names)

    closest = max(unknown, key=lambda found: likeness(found[1]))
    parts = []
    for index, label in unknown:
        part = f"{_letter(index)} {label!r}"  # a column letter and its header: no words
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


def sheet_cells(path: Path, workbook: _Book, title: str) -> tuple[dict[int, list[Any]], _Scan]:
    """Give the non-blank rows of sheet `title` by their number, and the sheet's scan.

    Raises InputError for a sheet that spans more than MAX_SHEET_CELLS cells.
    """
    scan = _scan_sheet(workbook, title)
    if scan.extent > MAX_SHEET_CELLS:
        raise InputError(
            Problem(
                title,
                message=_(
                    "its cells span {rows} rows and {columns} columns; mentes reads sheets "
                    "of at most {most} cells (is a cell far below or to the right of the "
                    "records?)",
                    rows=i18n.number(scan.rows, 0),
                    columns=i18n.number(scan.columns, 0),
                    most=i18n.number(MAX_SHEET_CELLS, 0),
                ),
            )
        )
    try:
        grid = workbook.grid(title)
    except BaseException as exc:
        # calamine turns a Rust panic (a value it cannot convert) into PanicException,
        # which is no Exception; anything else goes on as it came.
        if type(exc).__name__ != "PanicException":
            raise
        raise _unreadable(path, exc) from None
    rows: dict[int, list[Any]] = {}
    width = len(grid[0]) if grid else 0
    for number, row in enumerate(grid, start=1):
        if row.count("") != width:
            rows[number] = [
                None if value == "" else value if type(value) is str else _calamine_value(value)
                for value in row
            ]
    for (number, column), value in scan.values.items():
        row = rows.setdefault(number, [])
        row.extend([None] * (column - len(row)))
        row[column - 1] = value
    for number, _column in scan.marks:
        rows.setdefault(number, [])
    return rows, scan


def _calamine_value(value: Any) -> Any:
    """Give a cell as openpyxl gives it, which the loader's messages were written for: None
    for empty, whole numbers as int (2600), a date cell as a datetime at midnight."""
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if kind is date:
        return datetime(value.year, value.month, value.day)
    return value


@dataclass
class _Scan:
    """What the sheet's XML says that calamine's values do not."""

    rows: int = 0  # the last row and column that hold a cell
    columns: int = 0
    marks: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> why
    values: dict[tuple[int, int], Any] = field(default_factory=dict)  # read here, not by calamine
    twice: list[tuple[int, str]] = field(default_factory=list)  # (row, message)

    @property
    def extent(self) -> int:
        return self.rows * self.columns


# The plain form that every common writer uses (Excel, LibreOffice, openpyxl, XlsxWriter):
# elements without a namespace prefix, attributes in double quotes, each cell and row with
# its reference first. The fast scan counts these forms with bytes searches and a few
# regular expressions that start with a literal; any other form goes through expat.
_NOT_PLAIN = re.compile(
    rb"<f[\s/>]"  # a formula
    rb'|t="[ed]"'  # an error cell, an ISO date cell
    rb"|:(?:c|row|v|f|is)[\s/>]"  # an element with a namespace prefix
    rb"|<v[\s/]"  # a value with attributes, or an empty one
)
_SHARED_PLAIN = re.compile(rb't="s"><v>[0-9]{1,9}</v>')
# Attributes written otherwise (t = "e", r='A1'): looked for only when the bytes hint at it,
# since text may hold " = " too.
_SPACED = (b"='", b" =", b"= ")
_ODD_ATTRIBUTE = re.compile(rb"t[ \t\r\n]*=[ \t\r\n]*'|t[ \t\r\n]+=|t=[ \t\r\n]")
# A value other than a plain number of at most six digits before the point (a date's serial
# number is at most 2958465): a huge, negative, exponent, nan or empty value.
_UNUSUAL_VALUE = re.compile(rb"<v>(?![0-9]{1,6}(?:\.[0-9]+)?</v>)")
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_ROW_NUMBER = re.compile(rb'<row r="([0-9]{1,7})"')


_CELL_TAG = re.compile(rb"<c[\s/>]")
_ROW_TAG = re.compile(rb"<row[\s/>]")


def _scan_sheet(workbook: _Book, title: str) -> _Scan:
    """Give what calamine would hide in sheet `title`, by the fast scan when it can prove the
    sheet plain, else by one expat pass over it."""
    data = workbook.sheet_xml(title)
    scan = _fast_scan(data)
    if scan is not None:
        return scan
    date_styles, duration_styles = workbook.date_styles()
    reader = _SheetXml(date_styles, duration_styles, workbook.epoch)
    return reader.parse(data)


def _fast_scan(data: bytes) -> _Scan | None:
    """Give the scan of a plain sheet, or None when the sheet is not plain."""
    if _NOT_PLAIN.search(data) or _UNUSUAL_VALUE.search(data):
        return None
    if any(form in data for form in _SPACED) and _ODD_ATTRIBUTE.search(data):
        return None
    if data.count(b't="s"') != len(_SHARED_PLAIN.findall(data)):
        return None
    references = _CELL_REF.findall(data)
    if len(references) != len(_CELL_TAG.findall(data)):
        return None  # a cell without its reference, or written otherwise: expat reads it
    numbers = _ROW_NUMBER.findall(data)
    if len(numbers) != len(_ROW_TAG.findall(data)):
        return None
    scan = _Scan()
    if references:
        scan.rows = max(map(int, _CELL_ROW.findall(data)))
        scan.columns = max(map(_column_number, set(_CELL_COLUMN.findall(data))))
    if len(set(numbers)) != len(numbers):
        seen: set[bytes] = set()
        for number in numbers:
            if number in seen:
                scan.twice.append((int(number), _twice(_("row {row}", row=int(number)))))
            seen.add(number)
    if len(set(references)) != len(references):
        seen.clear()
        for reference in references:
            if reference in seen:
                row, _column = _coordinate(reference.decode())
                scan.twice.append((row, _twice(_("cell {cell}", cell=reference.decode()))))
            seen.add(reference)
    return scan


def _twice(what: str) -> str:
    return _(
        "{what} appears twice in the workbook's XML, so mentes cannot tell which one is "
        "meant (a damaged or hand-made file); {hint}",
        what=what,
        hint=resave_hint(),
    )


def _column_number(letters: bytes | str) -> int:
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(letter) - 64
    return number


class _SheetXml:
    """One expat pass over a sheet that is not plain: it marks formulas without a saved
    result, error cells and shared-string indexes that are no whole number, reads date
    cells, finds cells and rows given twice, and measures the sheet's extent.

    Entity declarations are refused as defusedxml refuses them, so XML bombs and external
    entities never expand (they are refused before, in `_Book`, too).
    """

    def __init__(self, date_styles, timedelta_styles, epoch):
        self.date_styles = date_styles
        self.timedelta_styles = timedelta_styles
        self.epoch = epoch

    def parse(self, data: bytes) -> _Scan:
        """Give the scan of the sheet XML `data`."""
        from xml.parsers import expat

        self.scan = _Scan()
        self.seen_rows: set[int] = set()
        self.seen_cells: set[tuple[int, int]] = set()
        self.row = 0
        self.column = 0
        self.collecting: list[str] | None = None
        self.in_cell = False
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
        return self.scan

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
            self.in_cell = True
        elif not self.in_cell:
            if tag == "row":
                self.row = int(attributes.get("r") or self.row + 1)
                self.column = 0
                if self.row in self.seen_rows:
                    self.scan.twice.append((self.row, _twice(_("row {row}", row=self.row))))
                self.seen_rows.add(self.row)
        elif tag in ("v", "f"):
            self.collecting = []

    def _text(self, text: str) -> None:
        if self.collecting is not None:
            self.collecting.append(text)

    def _end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if not self.in_cell:
            return
        if tag == "c":
            self.in_cell = False
            self._cell()
            return
        collected = "".join(self.collecting) if self.collecting is not None else None
        if tag == "v":
            self.value = collected
        elif tag == "f":
            self.formula = collected
        if tag in ("v", "f"):
            self.collecting = None

    def _cell(self) -> None:
        scan, place = self.scan, (self.row, self.column)
        scan.rows, scan.columns = max(scan.rows, self.row), max(scan.columns, self.column)
        if place in self.seen_cells:
            reference = _letter(self.column - 1) + str(self.row)
            cell = _("cell {cell}", cell=reference)
            scan.twice.append((self.row, _twice(cell)))
        self.seen_cells.add(place)
        kind, text = self.kind, self.value
        shown = ""
        if self.formula is not None:
            shown = (
                f" (={self.formula.strip()})" if self.formula.strip() else _(" (a shared formula)")
            )
        if kind == "e":
            if self.formula is not None:
                self._mark(
                    _(
                        "holds the error {error}, from the formula{formula}; correct it or "
                        "type the value",
                        error=text or "#VALUE!",
                        formula=shown,
                    )
                )
            else:
                self._mark(
                    _(
                        "holds the error {error}; correct it or type the value",
                        error=text or "#VALUE!",
                    )
                )
        elif self.formula is not None and not text and kind != "str":
            self._mark(
                _(
                    "is a formula{formula} without a saved result; {hint}",
                    formula=shown,
                    hint=formula_hint(),
                )
            )
        elif kind == "s" and text is not None and not text.strip().isdigit():
            self._mark(
                _(
                    "refers to the shared text {index}, which does not exist (a damaged "
                    "file); {hint}",
                    index=repr(text.strip()),
                    hint=resave_hint(),
                )
            )
        elif kind == "n" and text and self.style in self.date_styles:
            try:
                value = from_excel(
                    _number(text), self.epoch, timedelta=self.style in self.timedelta_styles
                )
            except (OverflowError, ValueError):
                self._mark(
                    _(
                        "is a date cell whose number {number} is outside the calendar; type "
                        "the date again",
                        number=text,
                    )
                )
                return
            scan.values[place] = value
        elif kind == "d" and text:
            scan.values[place] = from_ISO8601(text)

    def _mark(self, message: str) -> None:
        self.scan.marks[(self.row, self.column)] = message


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
