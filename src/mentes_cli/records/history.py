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
    """Give the entries of the rows of the sheet Historiek (its header row left out), in the
    records' words (`entry_of_row`)."""
    entries = []
    for row in rows:
        cells = (*row, *[None] * 7)[:7]
        if any(as_text(value) for value in cells):
            entries.append(entry_of_row(cells))
    return entries


# --- the sheet Historiek in the workbook's words ---------------------------------------------
#
# The record workbook is Dutch in both languages (SPEC 7), so its Historiek says what the
# coordinator sees in it, in the words of its own sheets (load.vocabulary), whatever language
# the command ran in: the field as its header (*Status*, *Aangevraagd op*; a visit's as
# *Bezoek 6: Datum*, *Intake: Coach*), a status as the sheet Trajecten writes it
# (*goedgekeurd*), a date as a date cell (04/01/2027), and the moment as a date-time cell in
# the centre's time (Europe/Brussels, as the calendars; 04/01/2027 10:15). Read back, each
# gives the entry exactly as history.toml keeps it (English keys and codes, ISO 8601 in UTC),
# so letters, calendars and import read the same history from both forms. A moment that a
# date-time cell cannot give back exactly (the hour the clocks go back happens twice) stays
# ISO text; rows of an earlier mentes (codes, ISO text) read as they are.

WHEN_FORMAT = "DD/MM/YYYY HH:MM"
_CENTRE_TIME = "Europe/Brussels"  # the zone of the calendars (export.ics.TIMEZONE)


def _vocab():
    from mentes_cli.load import vocabulary

    return vocabulary


def _trajects_headers() -> dict[str, str]:
    return {column.key: column.header for column in _vocab().TRAJECTS.columns}


def _visits_headers() -> dict[str, str]:
    return {column.key: column.header for column in _vocab().VISITS.columns}


def _date_keys() -> set[str]:
    vocab = _vocab()
    return {column.key for column in vocab.TRAJECTS.columns if column.kind == vocab.DATE}


def _which_visit(number: int) -> str:
    """Give a visit as the sheet names it: *Bezoek 6*, the intake call (number 0) *Intake*."""
    kinds = _vocab().VISIT_KIND_DUTCH
    if number == 0:
        return kinds["intake"].capitalize()
    return f"{kinds['visit'].capitalize()} {number}"


def field_in_sheet(field: str) -> str:
    """Give a history field as the sheet Historiek shows it: the workbook's header."""
    parsed = parse_visit_field(field)
    if parsed is not None:
        number, key = parsed
        which = _which_visit(number)
        header = _visits_headers().get(key) if key else None
        if key and header is None:
            return field
        return f"{which}: {header}" if key else which
    if field == WHOLE_TRAJECT:
        return _visits_headers()["traject"]
    if field == VISITS:
        return _vocab().VISITS.name
    return _trajects_headers().get(field, field)


def field_of_sheet(text: str) -> str:
    """Give the history field of what the sheet Historiek shows (`field_in_sheet` back); a
    field of an earlier mentes (`visits.6.date`) or one mentes does not know as it is."""
    vocab = _vocab()
    folded = vocab.fold_header(text)
    if not folded:
        return text
    if folded == vocab.fold_header(_visits_headers()["traject"]):
        return WHOLE_TRAJECT
    if folded == vocab.fold_header(vocab.VISITS.name):
        return VISITS
    for key, header in _trajects_headers().items():
        if folded == vocab.fold_header(header):
            return key
    which, _colon, key_text = text.partition(":")
    number = _visit_number(which)
    if number is not None:
        if not _colon:
            return visit_field(number)
        for key, header in _visits_headers().items():
            if vocab.fold_header(key_text) == vocab.fold_header(header):
                return visit_field(number, key)
    return text


def _visit_number(text: str) -> int | None:
    vocab = _vocab()
    words = vocab.fold(text).split()
    kinds = vocab.VISIT_KIND_DUTCH
    if words == [vocab.fold(kinds["intake"])]:
        return 0
    if len(words) == 2 and words[0] == vocab.fold(kinds["visit"]) and words[1].isdigit():
        return int(words[1])
    return None


def _value_kind(field: str) -> str:
    """Give what a value of `field` is: a status, a visit's state or kind, a date, or text."""
    if field in ("status", WHOLE_TRAJECT):
        return "status"
    parsed = parse_visit_field(field)
    if parsed is not None:
        key = parsed[1]
        if key in ("", "date"):
            return "date"
        return key if key in ("state", "kind") else "text"
    return "date" if field in _date_keys() else "text"


def value_in_sheet(field: str, value: str) -> Any:
    """Give a value of a history field as the sheet Historiek shows it: a status, a visit's
    state or kind in the sheets' Dutch words, a date as a date; any other value as it is."""
    vocab = _vocab()
    kind = _value_kind(field)
    if kind == "status":
        return vocab.STATUS_DUTCH.get(value, value)
    if kind == "state":
        return vocab.VISIT_STATE_DUTCH.get(value, value)
    if kind == "kind":
        return vocab.VISIT_KIND_DUTCH.get(value, value)
    if kind == "date" and value:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
        return day if day.isoformat() == value else value
    return value


def value_of_sheet(field: str, value: Any) -> str:
    """Give the records' value of what the sheet Historiek shows (`value_in_sheet` back)."""
    vocab = _vocab()
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else as_text(value)
    text = as_text(value)
    kind = _value_kind(field)
    words = {"status": vocab.STATUS_WORDS, "state": vocab.VISIT_STATE_WORDS}
    words["kind"] = vocab.VISIT_KIND_WORDS
    if kind in words:
        return words[kind].get(vocab.fold(text), text)
    return text


def _centre_zone():
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(_CENTRE_TIME)
    except (ZoneInfoNotFoundError, ValueError):  # no time-zone data: ISO text, still exact
        return None


def centre_time(when: str) -> datetime | None:
    """Give the moment of an entry (ISO 8601 with its offset) in the centre's time, as the
    sheet Historiek shows it (for `mentes history` to show the same hour); None for a moment
    without an offset or not ISO 8601 (typed by hand), or without time-zone data."""
    zone = _centre_zone()
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        return None
    if zone is None or moment.tzinfo is None:
        return None
    return moment.astimezone(zone)


def when_in_sheet(when: str) -> datetime | str:
    """Give the moment of an entry as the sheet Historiek shows it: the centre's local time
    as a date-time cell, when reading that cell back gives `when` exactly; else `when`."""
    moment = centre_time(when)
    if moment is None or moment.microsecond:
        return when
    local = moment.replace(tzinfo=None)
    return local if when_of_sheet(local) == when else when


def when_of_sheet(value: Any) -> str:
    """Give the ISO 8601 moment (UTC) of what the sheet Historiek shows (`when_in_sheet`
    back); text as it is."""
    from datetime import UTC, timedelta

    if not isinstance(value, datetime):
        return as_text(value)
    zone = _centre_zone()
    if zone is None:
        return as_text(value)
    # A spreadsheet keeps a moment as a fraction of a day: back to the whole second.
    moment = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
    return moment.replace(tzinfo=zone).astimezone(UTC).isoformat()


def sheet_row(entry: HistoryEntry) -> tuple[Any, ...]:
    """Give an entry as a row of the sheet Historiek, in the workbook's words."""
    return (
        when_in_sheet(entry.when),
        entry.user,
        entry.command,
        entry.traject,
        field_in_sheet(entry.field),
        value_in_sheet(entry.field, entry.old),
        value_in_sheet(entry.field, entry.new),
    )


def entry_of_row(cells: tuple[Any, ...]) -> HistoryEntry:
    """Give the entry of a row of the sheet Historiek (`sheet_row` back)."""
    when, user, command, traject, field, old, new = cells
    key = field_of_sheet(as_text(field))
    return HistoryEntry(
        when_of_sheet(when),
        as_text(user),
        as_text(command),
        as_text(traject),
        key,
        value_of_sheet(key, old),
        value_of_sheet(key, new),
    )
