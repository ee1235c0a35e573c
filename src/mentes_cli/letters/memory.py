"""Which letters mentes wrote, remembered with the records (SPEC 9).

In a record folder the memory is `letters.toml`; in a record workbook it is the sheet
`Brieven`. One letter per `[[letters]]` table (a sheet: one row per visit the letter told,
one row for a letter without visits): the traject, the kind of letter, when, the file, the
address, the history events it answered (`events`) and the visits as the letter told them
(`told`), so that the next run writes only what is new: a change is what differs from what
the location was last told.

Why the memory is kept this way (decisions):

- Remembering letters is not a change of the records: it adds no history line and is not what
  `mentes undo` undoes (a coordinator's undo undoes their last record change, also after a
  `mentes letters`). In a workbook the sheet is written through the records' safe write all
  the same (lock, refused while Excel has it open or when it changed on disk since it was
  read, a dated backup, atomic, every other sheet and its formatting kept): see
  `RecordStore.keeping`.
- `undo` restores every sheet of the earlier workbook but `Brieven`, which it keeps as it is
  now, as undo in a folder never touches `letters.toml`: what was sent was sent, and a
  calendar that saw a SEQUENCE ignores a lower one for the same UID.
- The sheet is Dutch in both languages, as the record sheets are: headers *Brief, Traject,
  Soort brief, Geschreven, Bestand, Aan, Beantwoordt, Nummer, Soort, Datum, Start, Uren,
  Coach, Status, UID, Volgnummer*; a letter's own columns are filled on its first row only, *Brief*
  (its number) on every row, so that a sorted or filtered sheet still reads back. Deleting
  a letter's rows has its letter written again.
- An earlier mentes kept a workbook's memory in `NAME.letters.toml` beside it. It is still
  read, and the next `mentes letters` moves it into the sheet and removes the file (two
  memories would drift apart, and the sheet holds every letter of it).
"""

from __future__ import annotations

import contextlib
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tomli_w

from mentes_cli.errors import InputError, Problem
from mentes_cli.i18n import _, system_reason
from mentes_cli.load import vocabulary as vocab
from mentes_cli.reference import toml_reason

LETTERS_FILE = "letters.toml"
LETTERS_SHEET = vocab.LETTERS_SHEET
_HEADING = (
    "# The letters `mentes letters` wrote, oldest first: the next run writes only what is new.\n"
    "# Remove a [[letters]] table to have its letter written again.\n"
)

# The sheet Brieven: (key, Dutch header, width). The letter's own columns, then the visit's
# (headers as in the sheet Bezoeken).
_COLUMNS = (
    ("letter", "Brief", 7.0),
    ("traject", "Traject", 14.0),
    ("kind", "Soort brief", 13.0),
    ("written", "Geschreven", 27.0),
    ("file", "Bestand", 28.0),
    ("to", "Aan", 28.0),
    ("events", "Beantwoordt", 40.0),
    ("number", "Nummer", 9.0),
    ("visit_kind", "Soort", 9.0),
    ("date", "Datum", 12.0),
    ("start", "Start", 8.0),
    ("hours", "Uren", 7.0),
    ("coach", "Coach", 9.0),
    ("state", "Status", 12.0),
    ("uid", "UID", 46.0),
    ("sequence", "Volgnummer", 12.0),
)
# Columns a sheet may lack (a coordinator's older copy): read as empty.
_OPTIONAL = {"coach"}
# The kind of letter as the sheet shows it (the overview's Dutch words); English read too.
_KIND_DUTCH = {
    "planned": "planning",
    "changed": "wijziging",
    "cancelled": "annulering",
    "approved": "goedkeuring",
    "not-free": "niet gratis",
}
_KIND_WORDS = {**{v: k for k, v in _KIND_DUTCH.items()}, **{k: k for k in _KIND_DUTCH}}
_EVENT_SEPARATOR = "; "


@dataclass(frozen=True, slots=True)
class ToldVisit:
    """A visit as a letter told it to the location."""

    uid: str
    number: int
    kind: str
    date: date
    start: str
    hours: float
    state: str
    sequence: int
    coach: str = ""  # the coach the letter named ("" in a memory of an earlier mentes)


@dataclass(frozen=True, slots=True)
class Remembered:
    """One letter written."""

    traject: str
    kind: str
    written: str  # ISO 8601, UTC
    file: str
    to: str  # the address, or "" for a draft without To:
    events: tuple[str, ...] = ()
    told: tuple[ToldVisit, ...] = field(default=())


def memory_path(source: Path) -> Path:
    """Give the file that remembers the letters of a record folder (letters.toml); for a
    workbook, the workbook itself (its sheet Brieven)."""
    if source.is_dir():
        return source / LETTERS_FILE
    return source


def legacy_path(workbook: Path) -> Path:
    """Give `NAME.letters.toml` beside a workbook, where an earlier mentes kept its memory."""
    folder = workbook.parent if str(workbook.parent) else Path(".")
    return folder / f"{workbook.stem}.{LETTERS_FILE}"


def remembered_of(source: Path, content: bytes | None = None) -> list[Remembered]:
    """Give the letters remembered with the records at `source`: a folder's letters.toml; a
    workbook's sheet Brieven (from `content`, the workbook's bytes as read under the lock,
    else the file) with what an earlier mentes kept beside it, oldest first."""
    if source.is_dir():
        return read_memory(source / LETTERS_FILE)
    if content is None:
        content = source.read_bytes()
    found = read_sheet(content, source.name)
    return merged(read_memory(legacy_path(source)), found)


def last_told(source: Path) -> dict[str, tuple[ToldVisit, ...]]:
    """Give, per traject, the visits the last letter about it told (for the calendars: a
    told visit that vanished from the records is written cancelled). Empty when no letter
    told visits, or when the memory cannot be read (`mentes letters` says why)."""
    try:
        remembered = remembered_of(source)
    except (InputError, OSError):
        return {}
    found: dict[str, tuple[ToldVisit, ...]] = {}
    for letter in remembered:
        if letter.told:
            found[letter.traject] = letter.told
    return found


def merged(earlier: list[Remembered], later: list[Remembered]) -> list[Remembered]:
    """Give the letters of both memories once each, `earlier` first."""
    seen = set(later)
    return [letter for letter in earlier if letter not in seen] + later


def carried_memory(source: Path, target: Path) -> tuple[Path, bytes] | None:
    """Give the memory of letters to write into a folder made by `mentes import` from the
    workbook `source`: `target`/letters.toml and its bytes, so that the converted records do
    not write every letter again; None when the workbook remembers none. A memory that
    cannot be read is an InputError naming it.
    """
    remembered = remembered_of(source)
    if not remembered:
        return None
    return target / LETTERS_FILE, memory_text(b"", remembered)


def read_memory(path: Path) -> list[Remembered]:
    """Give the letters remembered in `path` (none when it does not exist)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        reason = system_reason(exc) if isinstance(exc, OSError) else _("not UTF-8 text")
        raise InputError(
            Problem(str(path), message=_("cannot be read ({reason})", reason=reason))
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(
            Problem(
                str(path),
                row=line,
                message=_("not valid TOML ({reason})", reason=toml_reason(exc)),
            )
        ) from None
    found = []
    for number, item in enumerate(data.get("letters", []), start=1):
        try:
            told = tuple(
                ToldVisit(
                    uid=str(v["uid"]),
                    number=int(v["number"]),
                    kind=str(v["kind"]),
                    date=_day(v["date"]),
                    start=str(v["start"]),
                    hours=float(v["hours"]),
                    state=str(v["state"]),
                    sequence=int(v["sequence"]),
                    coach=str(v.get("coach", "")),
                )
                for v in item.get("told", [])
            )
            found.append(
                Remembered(
                    traject=str(item["traject"]),
                    kind=str(item["kind"]),
                    written=str(item["written"]),
                    file=str(item.get("file", "")),
                    to=str(item.get("to", "")),
                    events=tuple(str(e) for e in item.get("events", [])),
                    told=told,
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, KeyError):
                why = _("the field {field} is missing", field=exc.args[0])
            else:
                why = _("a value is wrong ({reason})", reason=exc)
            raise InputError(
                Problem(
                    str(path),
                    row=number,
                    row_word=_("[[letters]] table"),
                    message=_("incomplete or wrong: {why}", why=why),
                )
            ) from None
    return found


def _day(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def memory_text(old: bytes, added: list[Remembered]) -> bytes:
    """Give the new content of the memory file: the old text with `added` appended."""
    pieces = [old.decode("utf-8-sig")] if old else [_HEADING]
    for letter in added:
        table: dict[str, Any] = {
            "traject": letter.traject,
            "kind": letter.kind,
            "written": letter.written,
            "file": letter.file,
            "to": letter.to,
            "events": list(letter.events),
        }
        if letter.told:
            table["told"] = [
                {
                    "uid": v.uid,
                    "number": v.number,
                    "kind": v.kind,
                    "date": v.date,
                    "start": v.start,
                    "hours": v.hours,
                    "state": v.state,
                    "sequence": v.sequence,
                    **({"coach": v.coach} if v.coach else {}),
                }
                for v in letter.told
            ]
        pieces.append("\n" + tomli_w.dumps({"letters": [table]}))
    return "".join(pieces).encode("utf-8")


# --- the sheet Brieven of a record workbook ---------------------------------------------------


def read_sheet(content: bytes, name: str) -> list[Remembered]:
    """Give the letters remembered in the sheet Brieven of a workbook (none without it).

    Rows are grouped by *Brief*; a letter's own columns come from the row that has them. A
    row that cannot be read is an InputError naming the workbook, the sheet, the row and
    the column.
    """
    from mentes_cli.records.workbook_form import own_sheet_rows

    rows = own_sheet_rows(content, name, LETTERS_SHEET)
    if not rows:
        return []
    where = _("{file}, sheet {sheet}", file=name, sheet=LETTERS_SHEET)
    columns = _header_columns(rows[0], where)
    letters: dict[int, dict[str, Any]] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {key: _cell(row, index) for key, index in columns.items()}
        if all(value is None for value in cells.values()):
            continue
        try:
            letter = _whole(cells.get("letter"), "letter")
            item = letters.setdefault(letter, {"told": [], "row": number})
            if cells.get("kind") is not None:
                item.update(_letter_cells(cells))
                item["row"] = number
            elif cells.get("traject") is not None:
                item.setdefault("traject", str(cells["traject"]).strip())
            if cells.get("uid") is not None:
                item["told"].append(_visit_cells(cells))
        except _CellError as exc:
            raise InputError(
                Problem(where, number, field=exc.header, message=exc.message, row_word="row")
            ) from None
    found = []
    for letter in sorted(letters):
        item = letters[letter]
        if "kind" not in item:
            raise InputError(
                Problem(
                    where,
                    item["row"],
                    field=_header("kind"),
                    message=_("letter {number} has no row with its kind", number=letter),
                    row_word="row",
                )
            )
        told = sorted(item["told"], key=lambda v: (v.date, v.number))
        found.append(
            Remembered(
                traject=item["traject"],
                kind=item["kind"],
                written=item["written"],
                file=item["file"],
                to=item["to"],
                events=item["events"],
                told=tuple(told),
            )
        )
    return found


class _CellError(Exception):
    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.header = _header(key)
        self.message = message


def _header(key: str) -> str:
    return next(header for k, header, _width in _COLUMNS if k == key)


def _header_columns(header: tuple[Any, ...], where: str) -> dict[str, int]:
    """Give the column index of each field by its header; a missing one is an InputError."""
    columns: dict[str, int] = {}
    for index, value in enumerate(header):
        if isinstance(value, str):
            for key, title, _width in _COLUMNS:
                if vocab.fold_header(value) == vocab.fold_header(title):
                    columns.setdefault(key, index)
    missing = [title for key, title, _w in _COLUMNS if key not in columns and key not in _OPTIONAL]
    if missing:
        raise InputError(
            Problem(
                where,
                1,
                message=_("the column {columns} is missing", columns=", ".join(missing)),
                row_word="row",
            )
        )
    return columns


def _cell(row: tuple[Any, ...], index: int) -> Any:
    value = row[index] if index < len(row) else None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole(value: Any, key: str) -> int:
    if isinstance(value, bool) or value is None:
        raise _CellError(key, _("a whole number is needed"))
    try:
        number = float(str(value).strip())
    except ValueError:
        raise _CellError(key, _("{value} is not a whole number", value=repr(value))) from None
    if not number.is_integer():
        raise _CellError(key, _("{value} is not a whole number", value=repr(value)))
    return int(number)


def _letter_cells(cells: dict[str, Any]) -> dict[str, Any]:
    kind = _KIND_WORDS.get(vocab.fold(_text(cells["kind"])))
    if kind is None:
        raise _CellError(
            "kind",
            _(
                "{value} is no kind of letter ({words})",
                value=repr(cells["kind"]),
                words=", ".join(_KIND_DUTCH.values()),
            ),
        )
    if cells.get("traject") is None:
        raise _CellError("traject", _("a traject is needed"))
    events = _text(cells.get("events"))
    return {
        "traject": _text(cells["traject"]),
        "kind": kind,
        "written": _text(cells.get("written")),
        "file": _text(cells.get("file")),
        "to": _text(cells.get("to")),
        "events": tuple(e.strip() for e in events.split(";") if e.strip()),
    }


def _visit_cells(cells: dict[str, Any]) -> ToldVisit:
    value = cells.get("date")
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(_text(value))
        except ValueError:
            raise _CellError("date", _("{value} is not a date", value=repr(value))) from None
    kind = vocab.VISIT_KIND_WORDS.get(vocab.fold(_text(cells.get("visit_kind"))))
    state = vocab.VISIT_STATE_WORDS.get(vocab.fold(_text(cells.get("state")) or "gepland"))
    if kind is None:
        raise _CellError(
            "visit_kind", _("{value} is no kind of visit", value=repr(cells.get("visit_kind")))
        )
    if state is None:
        raise _CellError(
            "state", _("{value} is no state of a visit", value=repr(cells.get("state")))
        )
    hours = cells.get("hours")
    try:
        hours = float(str(hours).replace(",", ".")) if hours is not None else 0.0
    except ValueError:
        raise _CellError("hours", _("{value} is not a number", value=repr(hours))) from None
    start = cells.get("start")
    if hasattr(start, "strftime"):
        start = start.strftime("%H:%M")
    return ToldVisit(
        uid=_text(cells["uid"]),
        number=_whole(cells.get("number"), "number"),
        kind=kind,
        date=day,
        start=_text(start),
        hours=hours,
        state=state,
        sequence=0 if cells.get("sequence") is None else _whole(cells["sequence"], "sequence"),
        coach=_text(cells.get("coach")),
    )


def add_to_sheet(workbook: Any, added: list[Remembered], name: str) -> None:
    """Append `added` to the sheet Brieven of an openpyxl workbook (made when missing): the
    rows already there stay as they are."""
    from openpyxl.styles import Alignment

    from mentes_cli.export.cells import put, set_print_layout, write_header

    sheet = next(
        (
            workbook[title]
            for title in workbook.sheetnames
            if vocab.fold_header(title) == vocab.fold_header(LETTERS_SHEET)
        ),
        None,
    )
    if sheet is None:
        sheet = workbook.create_sheet(LETTERS_SHEET)
        write_header(sheet, [h for _k, h, _w in _COLUMNS], [w for _k, _h, w in _COLUMNS])
        set_print_layout(sheet, landscape=True)
        columns = {key: index for index, (key, _h, _w) in enumerate(_COLUMNS, start=1)}
    else:
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        where = _("{file}, sheet {sheet}", file=name, sheet=sheet.title)
        columns = {key: index + 1 for key, index in _header_columns(header, where).items()}
    last, letter = 1, 0
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if any(value is not None and value != "" for value in row):
            last = number
            with_number = row[columns["letter"] - 1] if len(row) >= columns["letter"] else None
            with contextlib.suppress(_CellError):
                letter = max(letter, _whole(with_number, "letter"))
    for item in added:
        letter += 1
        visits: list[ToldVisit | None] = list(item.told) or [None]
        for index, visit in enumerate(visits):
            last += 1
            values: dict[str, Any] = {"letter": letter, "traject": item.traject}
            if index == 0:
                values |= {
                    "kind": _KIND_DUTCH.get(item.kind, item.kind),
                    "written": item.written,
                    "file": item.file,
                    "to": item.to,
                    "events": _EVENT_SEPARATOR.join(item.events),
                }
            if visit is not None:
                values |= {
                    "number": visit.number,
                    "visit_kind": vocab.VISIT_KIND_DUTCH.get(visit.kind, visit.kind),
                    "date": visit.date,
                    "start": visit.start,
                    "hours": visit.hours,
                    "state": vocab.VISIT_STATE_DUTCH.get(visit.state, visit.state),
                    "uid": visit.uid,
                    "sequence": visit.sequence,
                    "coach": visit.coach,
                }
            for key, value in values.items():
                if value is None or value == "" or key not in columns:
                    continue
                cell = put(sheet.cell(row=last, column=columns[key]), value)
                if isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
                elif key == "letter":
                    cell.alignment = Alignment(horizontal="center")
    if sheet.auto_filter.ref:
        last_column = sheet.auto_filter.ref.split(":")[-1].rstrip("0123456789")
        sheet.auto_filter.ref = f"A1:{last_column}{max(last, 2)}"


def sheet_bytes(content: bytes, name: str, added: list[Remembered]) -> bytes:
    """Give the bytes of the record workbook `content` with `added` appended to its sheet
    Brieven; every other sheet as it was (refused, like a record change, when saving would
    lose anything: records/workbook_form.py)."""
    from mentes_cli.records.workbook_form import TrajectsWorkbook

    form = TrajectsWorkbook(content, name)
    add_to_sheet(form.workbook, added, name)
    return form.content()
