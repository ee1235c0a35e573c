"""One iCalendar (.ics) file per coach with the coach's visits of a plan (SPEC 5, SPEC 9).

Decisions, so that a coach's calendar app shows the right thing and re-importing updates it:

- Times are local times of Europe/Brussels with a TZID and the matching VTIMEZONE, not
  floating times: a visit at 08:30 stays at 08:30 in Antwerp also on a phone set to another
  zone, and across the change to and from summer time.
- UID and SEQUENCE: a committed visit (SPEC 8) has the UID it got at its first commit and
  its sequence (raised by every move); a visit not committed yet gets a UID derived from
  traject, date and kind, sequence 0. A kept visit that this plan moves (not yet committed)
  is written with its committed UID and its sequence plus one, as `plan --commit` will store.
- Cancelled committed visits (8 days became 7, the traject was cancelled or unplanned) are
  written with STATUS:CANCELLED in their coach's calendar until their traject is done, so that
  a calendar program that re-imports the file removes the appointment (RFC 5545 3.8.1.11).
- The committed visits of a traject the plan calls incomplete that it leaves out (they break
  a rule and fit no other day of their coach, and the traject cannot go to another coach)
  are written as the records hold them, same UID and sequence, CONFIRMED: the records still
  promise them, the location was told them, and a calendar that re-imports or subscribes to
  the file keeps them until the coordinator moves or cancels them (the plan says which).
- An incomplete traject keeps the numbers its location was told: n of `numbered_total` (8 when
  one of 8 was cancelled or deleted by hand, also the last one: the offer's shape says 8,
  `shape_count`), never renumbered "n of 7";
  the visit it lost is written CANCELLED with its own number ("3/8"), same UID, so that a
  re-import over the older calendar removes it.
- A visit that moved to another coach is written, same UID and sequence, as CANCELLED in the
  calendar of the coach it had before (the traject's coach, and the coach in the records
  before this commit) and as the live visit in the new coach's calendar.
- DTSTAMP: the moment the file is made (UTC), from `mentes_cli.clock.now()`, which honours
  SOURCE_DATE_EPOCH so that the same plan can give the same bytes.
- The phone intake of a paid traject is an event too ("Intakegesprek ... (telefonisch)"),
  with the phone number to call (the location's, else the organisation's) and without an
  address, since nobody travels for it. A visit on location carries the street address
  when the records know it, so that a coach can route to it.
- File names come from the coach id: letters, digits, `.`, `_` and `-` only.
- What a person reads in an event (summary, description, the calendar's name) is in the
  chosen language (Dutch by default), as the letters that carry a traject's calendar are.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from mentes_cli.clock import now
from mentes_cli.errors import InputError, OutputError, ReferenceDataError
from mentes_cli.export.schedule import address_of, visit_numbers
from mentes_cli.i18n import _, day, language
from mentes_cli.i18n import number as decimal
from mentes_cli.models import CommittedVisit, Location, Organisation, Records, Traject
from mentes_cli.offers import catalogue
from mentes_cli.output import check_output_path, make_folder, outputs_together, write_atomically
from mentes_cli.plan.commit import UID_NAMESPACE, plan_visit
from mentes_cli.plan.model import Plan, Visit
from mentes_cli.records.history import HistoryEntry, parse_visit_field

if TYPE_CHECKING:
    from mentes_cli.letters.memory import ToldVisit

TIMEZONE = "Europe/Brussels"
PRODID = "-//Pedagogie in Praktijk//mentes//NL"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in range(10)
}


def told_total(traject: Traject) -> int:
    """Give the "of N" a cancelled visit of `traject` keeps: the total it was told with.

    A cancelled visit keeps its number; its total is the traject's visits on location as
    they stood with it: the live ones, or, when fewer, as many as the highest number a
    visit on location has (a cancelled traject's 8 visits stay 1/8 ... 8/8, a traject
    ended after visit 1 keeps 2/8 ... 8/8 for the 7 it cancelled), or the count of the
    offer's shape its live visits belong to (`shape_count`: the last of 8 deleted by hand).
    """
    on_location = [v for v in traject.visits if v.kind == "visit"]
    live = sum(1 for v in on_location if v.state != "cancelled")
    return max([live, *(v.number for v in on_location), shape_count(traject) or 0])


def numbered_total(traject: Traject) -> int:
    """Give the "of N" of a traject's live visits on location: how many there are, or, when a
    live one has a higher number, that number (one of 8 cancelled or deleted by hand, not the
    last: the other 7 keep 1-2, 4-8 "of 8", as the location was told), or, when more, the
    count of the offer's shape they belong to (`shape_count`: the last of 8 lost, the other
    7 keep 1-7 "of 8"). Cancelled visits of an earlier planning (before an `unplan`) do not
    count: each commit numbers its live visits 1..N."""
    live = [v.number for v in traject.visits if v.kind == "visit" and v.state != "cancelled"]
    return max([len(live), *live, shape_count(traject) or 0])


def shape_count(traject: Traject) -> int | None:
    """Give how many visits on location `traject` was committed with, from its offer's shape:
    the shape whose lengths hold those of its live visits (the smallest such), so that a
    traject that lost a visit, also its last one (cancelled or deleted by hand), counts the
    visits its location was told: 7 of coaching's 8 days of 6.25 h are "of 8", 7 whole days
    of its 7-day shape stay "of 7". None when it has no live visit on location, when no shape
    holds them (hours changed by hand: the count falls back to the visits and their numbers)
    or when the price lists give no visits for its offer then.

    The shapes are those of the price list in force on its first live visit (the intake call
    included), the day nearest to the plan that committed it."""
    live = [v for v in traject.visits if v.state != "cancelled"]
    on_location = [v for v in live if v.kind == "visit"]
    if not on_location:
        return None
    try:
        shapes = _shapes(traject, min(v.date for v in live))
    except (KeyError, ReferenceDataError):  # an offer or a price list the tariffs lack then
        return None
    lengths = Counter(round(v.hours * 60) for v in on_location)
    return min((len(shape) for shape in shapes if not lengths - Counter(shape)), default=None)


# The shapes by (offer, contact moments, day), read from the reference tables in `_read_from`:
# building a price list's visits costs a few ms, and a calendar of the network's records asks
# for them once a traject (1,323 trajects: 0.7 s CPU without this). Read again when a table
# is (another --data folder's copy), as offers.catalogue() is.
_shapes_of: dict[tuple[str, int | None, date], tuple[tuple[int, ...], ...]] = {}
_read_from: list[object] = []


def _shapes(traject: Traject, as_of: date) -> tuple[tuple[int, ...], ...]:
    """Give the visit lengths of each shape of `traject`'s offer on `as_of` (demand_of)."""
    from mentes_cli.plan.demand import demand_of
    from mentes_cli.plan.settings import load_settings
    from mentes_cli.reference import load_reference

    tables = [load_reference(name) for name in ("offers.toml", "tariffs.toml", "planning.toml")]
    same = len(_read_from) == len(tables)
    if not same or any(a is not b for a, b in zip(_read_from, tables, strict=True)):
        _shapes_of.clear()
        _read_from[:] = tables
    key = (traject.offer, traject.contact_moments, as_of)
    if key not in _shapes_of:
        _shapes_of[key] = demand_of(traject, load_settings(), as_of).shapes
    return _shapes_of[key]


def calendar_file_names(coach_ids: list[str]) -> dict[str, str]:
    """Give each coach id a safe, distinct .ics file name ("C-01" -> "C-01.ics").

    Accents are dropped, anything else but letters, digits, `.`, `_` and `-` becomes `_`, and
    names that would clash (also on a case-insensitive disk) get "-2", "-3", ... in id order.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for coach_id in sorted(coach_ids):
        bare = unicodedata.normalize("NFKD", coach_id).encode("ascii", "ignore").decode()
        stem = _UNSAFE.sub("_", bare).strip("._")[:80] or "coach"
        if stem.casefold() in _WINDOWS_DEVICES:
            stem += "_"
        candidate, number = stem, 2
        while candidate.casefold() in taken:
            candidate = f"{stem}-{number}"
            number += 1
        taken.add(candidate.casefold())
        names[coach_id] = f"{candidate}.ics"
    return names


def visit_uid(visit: Visit) -> str:
    """Give the stable UID of a visit: the same traject, date and kind give the same UID."""
    key = f"{visit.traject}|{visit.date.isoformat()}|{visit.kind}"
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@mentes"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One event of one coach's calendar: a visit (live or cancelled) with its UID and sequence."""

    visit: Visit  # when and where; for a cancelled visit, where it was last
    calendar: str  # the coach whose calendar holds it
    uid: str
    sequence: int
    cancelled: bool = False
    number: tuple[int, int] | None = None  # n of N for a visit on location


def former_coaches(history: Iterable[HistoryEntry]) -> dict[str, set[str]]:
    """Give, per traject, the coaches that had one of its committed visits before another
    coach got it (the old values of the history's `visits.N.coach` changes)."""
    found: dict[str, set[str]] = defaultdict(set)
    for entry in history:
        parsed = parse_visit_field(entry.field)
        if parsed is not None and parsed[1] == "coach" and entry.old:
            found[entry.traject].add(entry.old)
    return dict(found)


def calendar_entries(
    plan: Plan,
    records: Records,
    before: Records | None = None,
    formers: dict[str, set[str]] | None = None,
    told: dict[str, tuple[ToldVisit, ...]] | None = None,
) -> list[CalendarEntry]:
    """Give every event of every coach's calendar for `plan`, in a stable order.

    `records` are the records the plan goes with (after `plan --commit`, the committed ones);
    `before` the records before that commit, to know the coach a moved visit had before;
    `formers` (`former_coaches` of the history) the coaches its traject's visits had in an
    earlier commit: a committed visit is written CANCELLED in each of their calendars.
    `told` (`letters.memory.last_told`): the visits the last letter told per traject; one that
    is no longer in the records (deleted by hand) is written CANCELLED, never just dropped.
    """
    formers = formers or {}
    numbers = visit_numbers(plan.visits)
    trajects = {t.id: t for t in records.trajects}
    earlier = {t.id: t for t in before.trajects} if before is not None else {}
    # The live committed visits by (traject, kind, date); a traject has one visit a day.
    committed: dict[tuple[str, str, date], CommittedVisit] = {}
    for traject in records.trajects:
        if traject.status == "done":
            continue
        for visit in traject.visits:
            if visit.state != "cancelled":
                committed[(traject.id, visit.kind, visit.date)] = visit
    moved_to = {(m.traject, m.kind, m.new_date): m for m in plan.moved}
    # An incomplete traject's visits are numbered as the records hold them, n of the visits
    # its location was told (numbered_total), not as the plan holds the ones it kept (n of
    # fewer): the one the plan calls incomplete, and a committed one with fewer live visits
    # than it was told (one cancelled or deleted by hand: 8 became 7). The letter said 8.
    numbered = {
        t.id: numbered_total(t) for t in records.trajects if t.status in ("planned", "active")
    }
    in_plan: dict[str, int] = defaultdict(int)
    for visit in plan.visits:
        if visit.kind == "visit":
            in_plan[visit.traject] += 1
    incomplete = {item.traject for item in plan.incomplete} | {
        traject for traject, total in numbered.items() if in_plan[traject] < total
    }

    entries: list[CalendarEntry] = []
    seen: set[str] = set()
    for visit in plan.visits:
        key = (visit.traject, visit.kind, visit.date)
        move = moved_to.get(key)
        found = None
        raised = 0
        if move is not None and (visit.traject, visit.kind, move.old_date) in committed:
            # Moved by this plan, not committed yet: the commit raises its sequence.
            found, raised = committed[(visit.traject, visit.kind, move.old_date)], 1
        elif key in committed:
            found = committed[key]
        uid = (found.uid if found is not None else None) or visit_uid(visit)
        sequence = (found.sequence if found is not None else 0) + raised
        if uid in seen:
            continue
        seen.add(uid)
        number = numbers.get(visit)
        if visit.traject in incomplete and found is not None and found.kind == "visit":
            number = (found.number, max(numbered.get(visit.traject, 0), found.number))
        entries.append(CalendarEntry(visit, visit.coach, uid, sequence, number=number))
        # The calendars the visit leaves: the coach it had, when another has it now.
        former = set()
        if found is not None and found.coach != visit.coach:
            former.add(found.coach)
        traject = trajects.get(visit.traject)
        if found is not None and traject is not None and traject.coach:
            former.add(traject.coach)
        if found is not None:
            former |= formers.get(visit.traject, set())
        old = earlier.get(visit.traject)
        if old is not None:
            for previous in old.visits:
                if previous.uid == uid:
                    former.add(previous.coach)
        for coach in sorted(former - {visit.coach}):
            entries.append(
                CalendarEntry(visit, coach, uid, sequence, cancelled=True, number=number)
            )
    # Committed visits the plan leaves out (those of an incomplete traject that break a rule
    # and fit no other day) are still promised in the records: they stay in their coach's
    # calendar as the records hold them, until the coordinator moves or cancels them.
    for traject in records.trajects:
        if traject.status not in ("planned", "active"):
            continue
        for kept in traject.visits:
            if kept.state == "cancelled" or not kept.uid or kept.uid in seen:
                continue
            seen.add(kept.uid)
            total = max(numbered.get(traject.id, 0), kept.number)
            number = (kept.number, total) if kept.kind == "visit" else None
            entries.append(
                CalendarEntry(
                    plan_visit(traject, kept), kept.coach, kept.uid, kept.sequence, number=number
                )
            )
    # Visits that disappeared stay in their coach's calendar, cancelled, until the traject
    # is done; those a done traject still holds from today on (`done --end` cancelled them)
    # too, so that the coach's calendar drops them. A coach who had such a visit before
    # another coach got it has it cancelled too.
    today = now().date()
    for traject in records.trajects:
        total = told_total(traject)
        for gone in traject.visits:
            if gone.state != "cancelled" or not gone.uid or gone.uid in seen:
                continue
            if traject.status == "done" and gone.date < today:
                continue
            seen.add(gone.uid)
            visit = plan_visit(traject, gone)
            number = (gone.number, total) if gone.kind == "visit" else None
            for coach in sorted({gone.coach} | formers.get(traject.id, set())):
                entries.append(CalendarEntry(visit, coach, gone.uid, gone.sequence, True, number))
    # Visits a letter told that vanished from the records (a row deleted by hand: 8 became
    # 7) are cancelled in their coach's calendar too, with the UID the letter gave them.
    for traject in records.trajects:
        if traject.status not in ("planned", "active"):
            continue
        mine = {v.uid for v in traject.visits if v.uid}
        for vanished in (told or {}).get(traject.id, ()):
            # Also once a letter told it cancelled: until the traject is done, as a cancelled
            # visit of the records is.
            if vanished.uid in mine or vanished.uid in seen:
                continue
            seen.add(vanished.uid)
            visit = Visit(
                traject=traject.id,
                location=traject.location,
                coach=vanished.coach or traject.coach or "",
                date=vanished.date,
                start=vanished.start,
                hours=vanished.hours,
                kind=vanished.kind,
            )
            total = max(numbered_total(traject), vanished.number)
            number = (vanished.number, total) if vanished.kind == "visit" else None
            for coach in sorted({visit.coach} - {""} | formers.get(traject.id, set())):
                entries.append(
                    CalendarEntry(visit, coach, vanished.uid, vanished.sequence, True, number)
                )
    entries.sort(
        key=lambda e: (e.calendar, e.visit.date, e.visit.start, e.visit.traject, e.visit.kind)
    )
    return entries


def build_calendars(
    plan: Plan,
    records: Records,
    before: Records | None = None,
    formers: dict[str, set[str]] | None = None,
    told: dict[str, tuple[ToldVisit, ...]] | None = None,
) -> dict[str, bytes]:
    """Give the .ics content of every coach with visits in `plan`, by coach id.

    A coach whose calendar holds only cancelled visits gets a file too: it removes them.
    """
    zone = ZoneInfo(TIMEZONE)
    locations = records.location_index()
    coaches = records.coach_index()
    trajects = {t.id: t for t in records.trajects}
    stamp = now()

    by_coach: dict[str, list[CalendarEntry]] = defaultdict(list)
    for entry in calendar_entries(plan, records, before, formers, told):
        by_coach[entry.calendar].append(entry)

    contents: dict[str, bytes] = {}
    for coach_id in sorted(by_coach):
        entries = by_coach[coach_id]
        coach = coaches.get(coach_id)
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Planning {coach}", coach=coach.name if coach else coach_id))
        calendar.add("x-wr-timezone", TIMEZONE)
        for entry in entries:
            visit = entry.visit
            event = _event(
                visit,
                entry.number,
                locations.get(visit.location),
                trajects.get(visit.traject),
                _start(visit, zone),
                entry.uid,
            )
            event.add("dtstamp", stamp)
            event.add("sequence", entry.sequence)
            event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
            calendar.add_component(event)
        # A VTIMEZONE with the summer and winter time of every year that has a visit: enough
        # for clients that read it (Outlook) also when an event is moved, and the same
        # bytes for the same plan.
        first = date(min(e.visit.date for e in entries).year, 1, 1)
        last = date(max(e.visit.date for e in entries).year + 1, 1, 1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
        contents[coach_id] = calendar.to_ical()
    return contents


def traject_calendar(records: Records, traject_id: str) -> bytes | None:
    """Give the .ics of one traject's committed visits (for the letter to its location), or
    None when it has none. Cancelled visits are written as such, so that the file updates
    an earlier one."""
    traject = next((t for t in records.trajects if t.id == traject_id), None)
    if traject is None or not traject.visits:
        return None
    zone = ZoneInfo(TIMEZONE)
    locations = records.location_index()
    total = numbered_total(traject)  # 8 when one of 8 was cancelled by hand, not 7
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Traject {traject}", traject=traject.id))
    calendar.add("x-wr-timezone", TIMEZONE)
    stamp = now()
    ordered = sorted(traject.visits, key=lambda v: (v.date, v.start, v.kind))
    for committed in ordered:
        visit = plan_visit(traject, committed)
        # A traject ended early keeps the numbers it was told (1/8, 2/8 done, 3/8 ... cancelled).
        ended = committed.state == "cancelled" or traject.status == "done"
        told = told_total(traject) if ended else total
        number = (
            (committed.number, max(told, committed.number)) if committed.kind == "visit" else None
        )
        event = _event(
            visit,
            number,
            locations.get(traject.location),
            traject,
            _start(visit, zone),
            committed.uid or visit_uid(visit),
        )
        event.add("dtstamp", stamp)
        event.add("sequence", committed.sequence)
        event.add("status", "CANCELLED" if committed.state == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    first = date(ordered[0].date.year, 1, 1)
    last = date(ordered[-1].date.year + 1, 1, 1)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def _offer_label(code: str) -> str:
    """Give an offer's label in the chosen language (its code when unknown)."""
    found = catalogue().offers.get(code)
    return found.label(language()) if found else code


def _place(location: Location) -> str:
    """Give where a visit is: name, street (when known) and postal line."""
    parts = [location.name]
    if location.street:
        parts.append(" ".join(location.street.split()))
    parts.append(address_of(location))
    return ", ".join(parts)


def _event(
    visit: Visit,
    number: tuple[int, int] | None,
    found: tuple[Organisation, Location] | None,
    traject: Traject | None,
    start: datetime,
    uid: str,
) -> Event:
    """Give the event of one visit or intake call (without DTSTAMP, SEQUENCE and STATUS)."""
    organisation, location = found if found else (None, None)
    place = location.name if location else visit.location
    offer = traject.offer if traject else ""
    event = Event()
    event.add("uid", uid)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=round(visit.hours * 60)))
    hours = decimal(visit.hours)
    phone = (location.phone if location else None) or (organisation.phone if organisation else None)
    if visit.kind == "intake" or number is None:
        event.add("summary", _("Intake call {place} (by phone)", place=place))
        moment = _("Intake call, {hours} h", hours=hours)
    else:
        known = catalogue().offers.get(offer or "")
        by_moment = known is not None and catalogue().family_of(offer).unit == "contact_moment"
        numbers = {"number": number[0], "total": number[1]}
        if by_moment:
            summary = _("Support {place} (contact moment {number}/{total})", place=place, **numbers)
            moment = _("Contact moment {number} of {total}, {hours} h", hours=hours, **numbers)
        else:
            summary = _("Coaching {place} (visit {number}/{total})", place=place, **numbers)
            moment = _("Visit {number} of {total}, {hours} h", hours=hours, **numbers)
        event.add("summary", summary)
        if location:
            event.add("location", _place(location))
    lines = [_("Traject: {traject}", traject=visit.traject)]
    if offer:
        lines.append(_("Offer: {offer}", offer=_offer_label(offer)))
    if organisation:
        lines.append(_("Organisation: {name}", name=organisation.name))
        if organisation.email:
            lines.append(_("E-mail: {email}", email=organisation.email))
    contact = (location.contact if location else None) or (
        organisation.contact if organisation else None
    )
    if contact:
        lines.append(_("Contact person: {name}", name=contact))
    if phone and visit.kind == "intake":
        lines.append(_("Call: {phone}", phone=phone))
    elif phone:
        lines.append(_("Phone: {phone}", phone=phone))
    if location and visit.kind == "intake":
        lines.append(_("Location: {place}", place=_place(location)))
    if traject and traject.theme:
        lines.append(_("Theme: {theme}", theme=traject.theme))
    lines.append(moment)
    event.add("description", "\n".join(lines))
    return event


def write_calendars(
    plan: Plan,
    records: Records,
    folder: Path,
    *,
    force: bool = False,
    notify: Callable[[str], None] | None = None,
    inputs: Iterable[Path] = (),
    before: Records | None = None,
    formers: dict[str, set[str]] | None = None,
    told: dict[str, tuple[ToldVisit, ...]] | None = None,
) -> list[Path]:
    """Write one .ics file per coach with visits into `folder`; give the files written.

    `before`: the records before this run's commit, for the coach a moved visit had;
    `formers`: the coaches each traject's visits had in earlier commits (`former_coaches`);
    `told`: the visits the last letters told (`letters.memory.last_told`).

    Refuses (OutputError, nothing written) when a file exists and `force` is false, or when
    `folder` is a file. Creates `folder` when missing and tells `notify`. Each file is
    written atomically.
    """
    if folder.exists() and not folder.is_dir():
        raise OutputError(_("{path}: is a file; give a folder for the calendars", path=folder))
    contents = build_calendars(plan, records, before, formers, told)
    names = calendar_file_names(list(contents))
    targets = {coach_id: folder / names[coach_id] for coach_id in contents}
    inputs = list(inputs)
    if folder.is_dir():
        for target in targets.values():
            check_output_path(target, force=force, inputs=inputs)
    if not contents:
        return []
    written = []
    # One change: the folder (when made here) and every calendar land together, or none.
    with outputs_together():
        if make_folder(folder) and notify:
            notify(_("Created folder {path} for the calendars.", path=folder))
        for coach_id, target in sorted(targets.items(), key=lambda item: item[1].name):
            write_atomically(target, contents[coach_id], force=force, inputs=inputs)
            written.append(target)
    return written


def _start(visit: Visit, zone: ZoneInfo) -> datetime:
    """Give the local start of a visit; a start that is no HH:MM time is an InputError."""
    try:
        hours, minutes = (int(part) for part in visit.start.split(":"))
        return datetime.combine(visit.date, time(hours, minutes), tzinfo=zone)
    except ValueError:
        raise InputError(
            _(
                "plan, traject {traject}, {day}: start {start} is not a time (HH:MM)",
                traject=visit.traject,
                day=day(visit.date),
                start=repr(visit.start),
            )
        ) from None
