"""The history of changes: one entry per changed field, appended after every change.

In a folder it is `history.toml` (one `[[changes]]` table per entry, appended as text so the
earlier entries stay byte for byte); in a workbook it is the sheet `Historiek`, written in
the same save as the change itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
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


# A visit's field in the history: `visits.3.state` (visit 3, its state), `visits.3` (visit 3
# added or removed: its date), `visits` (all of a traject's visits given or taken: their count).
VISITS = "visits"


def visit_field(number: Any, key: str = "") -> str:
    """Give the history field of one visit (`visits.3`) or of one of its fields."""
    return f"{VISITS}.{number}.{key}" if key else f"{VISITS}.{number}"


def parse_visit_field(field: str) -> tuple[int, str] | None:
    """Give (number, key) of a visit's history field (key "" for the visit as a whole);
    None for any other field."""
    parts = field.split(".")
    if len(parts) in (2, 3) and parts[0] == VISITS and parts[1].isdigit():
        return int(parts[1]), parts[2] if len(parts) == 3 else ""
    return None


def visit_field_words(field: str) -> str | None:
    """Give a visit's history field as the coordinator reads it (`visit 3: state`, `intake
    call: date`, `visit 3` for one added or removed); None for any other field."""
    from mentes_cli.i18n import p_

    parsed = parse_visit_field(field)
    if parsed is None:
        return None
    number, key = parsed
    which = _("intake call") if number == 0 else _("visit {number}", number=number)
    if not key:
        return which
    words = {
        "date": p_("visit field", "date"),
        "start": p_("visit field", "start time"),
        "hours": p_("visit field", "hours"),
        "coach": p_("visit field", "coach"),
        "state": p_("visit field", "state"),
        "kind": p_("visit field", "kind"),
        "number": p_("visit field", "number"),
        "uid": "UID",
        "sequence": p_("visit field", "sequence"),
    }
    return f"{which}: {words.get(key, key)}"


def visit_value_words(field: str, value: str) -> str | None:
    """Give a value of a visit's history field as the coordinator reads it (a state in
    words, a date as the language writes it); None for any other field or value."""
    from mentes_cli.i18n import day, p_

    parsed = parse_visit_field(field)
    if parsed is None or not value:
        return None
    _number, key = parsed
    if key == "state":
        states = {
            "planned": p_("visit state", "planned"),
            "fixed": p_("visit state", "fixed"),
            "done": p_("visit state", "done"),
            "cancelled": p_("visit state", "cancelled"),
        }
        return states.get(value)
    if key in ("date", ""):
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return None
    return None


def visit_changes(
    before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> list[tuple[str, str, str]]:
    """Give what changed between two lists of a traject's visits: (field, old, new) for each
    changed field of a visit, each visit added or removed; [] when nothing changed.

    A visit is the same visit when it keeps its UID (else its kind and number). A traject
    that gets its first visits, or loses all of them, is one entry: the count.
    """
    if not before or not after:
        if len(before) == len(after):
            return []
        return [(VISITS, str(len(before)), str(len(after)))]
    pairs, added, removed = _paired(before, after)
    found = []
    for old, new in pairs:
        # A field left out has the records' default (state planned, sequence 0).
        old, new = _with_defaults(old), _with_defaults(new)
        keys = [k for k in dict.fromkeys([*old, *new]) if not _same(old.get(k), new.get(k))]
        if len(keys) > 1 and "sequence" in keys:
            keys.remove("sequence")  # it follows a move: the move says it
        number = new.get("number", old.get("number"))
        found += [(visit_field(number, k), as_text(old.get(k)), as_text(new.get(k))) for k in keys]
    found += [(visit_field(v.get("number")), "", as_text(v.get("date"))) for v in added]
    found += [(visit_field(v.get("number")), as_text(v.get("date")), "") for v in removed]
    return found


def _paired(before: list[dict[str, Any]], after: list[dict[str, Any]]):
    """Give the visits of `after` paired with their earlier selves, the new and the gone."""
    left, waiting = list(before), list(after)
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for keyed in (lambda v: v.get("uid") or None, lambda v: (v.get("kind"), v.get("number"))):
        unpaired = []
        for visit in waiting:
            key = keyed(visit)
            match = next((old for old in left if key is not None and keyed(old) == key), None)
            if match is None:
                unpaired.append(visit)
            else:
                left.remove(match)
                pairs.append((match, visit))
        waiting = unpaired
    order = {id(visit): index for index, visit in enumerate(after)}
    pairs.sort(key=lambda pair: order[id(pair[1])])
    return pairs, waiting, left


def _with_defaults(visit: dict[str, Any]) -> dict[str, Any]:
    from mentes_cli.models import CommittedVisit

    defaults = {
        name: info.default
        for name, info in CommittedVisit.model_fields.items()
        if not info.is_required() and info.default is not None
    }
    return {**defaults, **visit}


def _same(one: Any, other: Any) -> bool:
    return one == other or as_text(one) == as_text(other)


def entries_toml(entries: list[HistoryEntry], *, first: bool) -> str:
    """Give the text to append to history.toml for `entries` (with the heading when first)."""
    pieces = [_HEADING] if first else []
    for entry in entries:
        pieces.append("\n" + tomli_w.dumps({"changes": [asdict(entry)]}))
    return "".join(pieces)


def read_history_toml(path: Path, *, writing: bool = False) -> list[HistoryEntry]:
    """Give the entries of a history.toml (none when it does not exist).

    A file that cannot be read or is not valid TOML raises InputError naming the file, the
    line and what to do: mentes neither shows a part of it nor appends to it (`writing`: the
    message says the change was refused), so a broken line is repaired, never buried.
    """
    from mentes_cli.load.toml_records import read_toml

    if not path.exists() and not path.is_symlink():
        return []
    try:
        data, _text = read_toml(path)
        return [_entry(item, path) for item in _changes(data, path)]
    except InputError as exc:
        problems = [
            replace(p, source=str(path)) if p.source in (path.name, str(path)) else p
            for p in exc.problems
        ]
        if writing:
            advice = _(
                "mentes adds every change to this history and cannot while it is broken: "
                "repair it (or move it away: a new history starts) and run the command "
                "again; nothing was written"
            )
        else:
            advice = _(
                "the history cannot be shown while it is broken: repair it (or move it "
                "away: a new history starts)"
            )
        # One message: what is wrong where, then what to do.
        first = problems[0]
        said = replace(first, message=f"{first.message}; {advice}" if first.message else advice)
        raise InputError([said, *problems[1:]]) from None


def _changes(data: dict[str, Any], path: Path) -> list[Any]:
    changes = data.get("changes", [])
    if not isinstance(changes, list):
        raise InputError(Problem(str(path), message=_("[[changes]] must be tables")))
    return changes


def _entry(item: Any, path: Path) -> HistoryEntry:
    if not isinstance(item, dict):
        raise InputError(Problem(str(path), message=_("[[changes]] must be tables")))
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
