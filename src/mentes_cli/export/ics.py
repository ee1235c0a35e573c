"""One iCalendar (.ics) file per coach with the coach's visits of a plan (SPEC 5).

Decisions, so that a coach's calendar app shows the right thing and the files are stable:

- Times are local times of Europe/Brussels with a TZID and the matching VTIMEZONE, not
  floating times: a visit at 08:30 stays at 08:30 in Antwerp also on a phone set to another
  zone, and across the change to and from summer time.
- UID: derived from traject, date and kind (a traject has at most one visit a day), so the
  same visit keeps its UID when the plan is exported again. A visit moved to another day is
  a new event: import the new file as a fresh calendar, or remove the old one first.
- DTSTAMP: the first day of the plan at 00:00 UTC, not the moment of export, so the same plan
  gives the same bytes.
- The phone intake of a paid traject is an event too ("Intakegesprek ... (telefonisch)"),
  without the location's address, since nobody travels for it.
- File names come from the coach id: letters, digits, `.`, `_` and `-` only.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from mentes_cli.errors import InputError, OutputError
from mentes_cli.export.schedule import address_of, offer_label, visit_numbers
from mentes_cli.models import Location, Organisation, Records, Traject
from mentes_cli.offers import catalogue
from mentes_cli.output import check_output_path, make_folder, outputs_together, write_atomically
from mentes_cli.plan.commit import UID_NAMESPACE
from mentes_cli.plan.model import Plan, Visit

TIMEZONE = "Europe/Brussels"
PRODID = "-//Pedagogie in Praktijk//mentes//NL"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in range(10)
}


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


def build_calendars(plan: Plan, records: Records) -> dict[str, bytes]:
    """Give the .ics content of every coach with visits in `plan`, by coach id."""
    zone = ZoneInfo(TIMEZONE)
    locations = records.location_index()
    coaches = records.coach_index()
    trajects = {t.id: t for t in records.trajects}
    numbers = visit_numbers(plan.visits)
    stamp = datetime.combine(plan.start, time(0, 0), tzinfo=UTC)

    by_coach: dict[str, list[Visit]] = defaultdict(list)
    for visit in plan.visits:
        by_coach[visit.coach].append(visit)

    contents: dict[str, bytes] = {}
    for coach_id in sorted(by_coach):
        visits = sorted(by_coach[coach_id], key=lambda v: (v.date, v.start, v.traject, v.kind))
        coach = coaches.get(coach_id)
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", f"Planning {coach.name if coach else coach_id}")
        calendar.add("x-wr-timezone", TIMEZONE)
        for visit in visits:
            event = _event(
                visit,
                numbers.get(visit),
                locations.get(visit.location),
                trajects.get(visit.traject),
                _start(visit, zone),
            )
            event.add("dtstamp", stamp)
            calendar.add_component(event)
        # A VTIMEZONE with the summer and winter time of every year that has a visit: enough
        # for clients that read it (Outlook) also when an event is moved, and the same
        # bytes for the same plan.
        first = date(min(v.date for v in visits).year, 1, 1)
        last = date(max(v.date for v in visits).year + 1, 1, 1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
        contents[coach_id] = calendar.to_ical()
    return contents


def _event(
    visit: Visit,
    number: tuple[int, int] | None,
    found: tuple[Organisation, Location] | None,
    traject: Traject | None,
    start: datetime,
) -> Event:
    """Give the event of one visit or intake call (without DTSTAMP)."""
    organisation, location = found if found else (None, None)
    place = location.name if location else visit.location
    offer = traject.offer if traject else ""
    event = Event()
    event.add("uid", visit_uid(visit))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=round(visit.hours * 60)))
    hours = f"{visit.hours:g}".replace(".", ",")
    if visit.kind == "intake" or number is None:
        event.add("summary", f"Intakegesprek {place} (telefonisch)")
        moment = f"Intakegesprek, {hours} uur"
    else:
        known = catalogue().offers.get(offer or "")
        by_moment = known is not None and catalogue().family_of(offer).unit == "contact_moment"
        word, unit = ("Ondersteuning", "contactmoment") if by_moment else ("Coaching", "bezoek")
        event.add("summary", f"{word} {place} ({unit} {number[0]}/{number[1]})")
        moment = f"{unit.capitalize()} {number[0]} van {number[1]}, {hours} uur"
        if location:
            event.add("location", f"{location.name}, {address_of(location)}")
    lines = [f"Traject: {visit.traject}"]
    if offer:
        lines.append(f"Aanbod: {offer_label(offer)}")
    if organisation:
        lines.append(f"Organisatie: {organisation.name}")
        if organisation.email:
            lines.append(f"E-mail: {organisation.email}")
    if location and visit.kind == "intake":
        lines.append(f"Locatie: {location.name}, {address_of(location)}")
    if traject and traject.theme:
        lines.append(f"Thema: {traject.theme}")
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
) -> list[Path]:
    """Write one .ics file per coach with visits into `folder`; give the files written.

    Refuses (OutputError, nothing written) when a file exists and `force` is false, or when
    `folder` is a file. Creates `folder` when missing and tells `notify`. Each file is
    written atomically.
    """
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file; give a folder for the calendars")
    contents = build_calendars(plan, records)
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
            notify(f"Created folder {folder} for the calendars.")
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
            f"plan, traject {visit.traject}, {visit.date.isoformat()}: start "
            f"{visit.start!r} is not a time (HH:MM)"
        ) from None
