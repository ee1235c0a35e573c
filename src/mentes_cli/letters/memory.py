"""Which letters mentes wrote, remembered with the records (SPEC 9): `letters.toml`.

In a record folder the file is `letters.toml`; beside a record workbook it is
`NAME.letters.toml`. The workbook itself is not written for letters (SPEC 9 names a sheet
`Brieven`): that sheet would make every `mentes letters` a change of the records, with a
backup and a history line, refused while Excel has the workbook open; and `mentes undo`
restores a whole earlier workbook, so that `cancel`, `letters`, `undo` would either be
refused (the workbook changed since the cancellation) or forget the cancellation letter, and
with it the SEQUENCE the location's calendar has seen. Beside the records, the memory
outlives an undo, as it does in a folder.

One `[[letters]]` table per draft written: the traject, the kind of letter, when, the file,
the address, the history events it answered (`events`) and the visits as the letter told
them (`told`), so that the next run writes only what is new: a change is what differs from
what the location was last told.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from mentes_cli.errors import InputError, Problem
from mentes_cli.i18n import _, system_reason
from mentes_cli.reference import toml_reason

LETTERS_FILE = "letters.toml"
_HEADING = (
    "# The letters `mentes letters` wrote, oldest first: the next run writes only what is new.\n"
    "# Remove a [[letters]] table to have its letter written again.\n"
)


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
    """Give the file that remembers the letters of the records at `source`."""
    if source.is_dir():
        return source / LETTERS_FILE
    return _beside(source)


def _beside(workbook: Path) -> Path:
    folder = workbook.parent if str(workbook.parent) else Path(".")
    return folder / f"{workbook.stem}.{LETTERS_FILE}"


def carried_memory(source: Path, target: Path, *, into_folder: bool) -> tuple[Path, bytes] | None:
    """Give the memory of letters to write with records converted from `source` to `target`
    (`mentes export` to a workbook, `mentes import` into a folder): its path beside or in
    `target` and its bytes, so that the converted records do not write every letter again;
    None when `source` has no memory. A memory that cannot be read is an InputError naming it.
    """
    path = memory_path(source)
    if not read_memory(path):
        return None
    return (target / LETTERS_FILE if into_folder else _beside(target)), path.read_bytes()


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
                }
                for v in letter.told
            ]
        pieces.append("\n" + tomli_w.dumps({"letters": [table]}))
    return "".join(pieces).encode("utf-8")
