"""The history of changes: one entry per changed field, appended after every change.

In a folder it is `history.toml` (one `[[changes]]` table per entry, appended as text so the
earlier entries stay byte for byte); in a workbook it is the sheet `Historiek`, written in
the same save as the change itself.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tomli_w

from mentes_cli.errors import InputError, Problem
from mentes_cli.i18n import _

HISTORY_FILE = "history.toml"
HISTORY_SHEET = "Historiek"
# The sheet's headers (Dutch, as the record workbook is Dutch in both languages).
HISTORY_HEADERS = ("Wanneer", "Gebruiker", "Opdracht", "Traject", "Veld", "Oud", "Nieuw")
_HEADING = (
    "# The changes mentes made to these records, oldest first (`mentes history`).\n"
    "# mentes appends to this file after every change; editing it changes nothing else.\n"
)
# The field of an entry for a traject added or removed as a whole.
WHOLE_TRAJECT = "traject"


@dataclass(frozen=True)
class HistoryEntry:
    """One changed field: when, who, by which command, which traject, old and new value."""

    when: str  # ISO 8601 with offset
    user: str
    command: str
    traject: str
    field: str
    old: str
    new: str

    def undone(self, when: str, user: str, command: str) -> HistoryEntry:
        """Give the entry that undoes this one (old and new swapped)."""
        return HistoryEntry(when, user, command, self.traject, self.field, self.new, self.old)

    def row(self) -> tuple[str, ...]:
        """Give the entry as a row of the sheet Historiek."""
        return (self.when, self.user, self.command, self.traject, self.field, self.old, self.new)


def as_text(value: Any) -> str:
    """Give a record value as the history writes it ("" for no value)."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return f"{len(value)}"
        return ", ".join(as_text(item) for item in value)
    return str(value)


def entries_toml(entries: list[HistoryEntry], *, first: bool) -> str:
    """Give the text to append to history.toml for `entries` (with the heading when first)."""
    pieces = [_HEADING] if first else []
    for entry in entries:
        pieces.append("\n" + tomli_w.dumps({"changes": [asdict(entry)]}))
    return "".join(pieces)


def read_history_toml(path: Path) -> list[HistoryEntry]:
    """Give the entries of a history.toml (none when it does not exist)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            Problem(path.name, message=_("cannot be read ({reason})", reason=exc))
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            Problem(path.name, message=_("not valid TOML ({reason})", reason=exc))
        ) from None
    return [_entry(item, path.name) for item in data.get("changes", [])]


def _entry(item: Any, source: str) -> HistoryEntry:
    if not isinstance(item, dict):
        raise InputError(Problem(source, message=_("[[changes]] must be tables")))
    fields = HistoryEntry.__dataclass_fields__
    return HistoryEntry(**{name: as_text(item.get(name)) for name in fields})


def read_history_rows(rows: list[tuple[Any, ...]]) -> list[HistoryEntry]:
    """Give the entries of the rows of the sheet Historiek (its header row left out)."""
    entries = []
    for row in rows:
        cells = [as_text(value) for value in (*row, *[None] * 7)[:7]]
        if any(cells):
            entries.append(HistoryEntry(*cells))
    return entries
