"""The schedule workbook of a plan (SPEC 5), laid out for coordinators and coaches.

It is only output, so it follows the chosen language (SPEC 7): sheet names, headings and
words are written in English inside `_()` and said in Dutch by default. Sheets (their Dutch
names), in this order:

- `Bezoeken`: every visit and intake call, sorted by date, start time and coach;
- `Weekoverzicht`: hours per ISO week (rows) and coach (columns), against each coach's weekly
  share (fte × `weekly_contact_hours_per_fte` of planning.toml); a week over it is red;
- `Capaciteit`: hours per coach against capacity over the plan window (see `_capacity_rows`);
- `Trajecten`: one row per planned traject (coach, first and last day, days, hours);
- `Niet gepland`: the trajects that could not be placed, one row per reason;
- `Onvolledig`: the incomplete trajects, one row per reason, only when there are any: those
  the plan calls incomplete (SPEC 5 rule 7: kept visits that fit no valid day) and the
  committed ones whose live visits are fewer than the offer's (the check of `plan
  --check-records`, inbox.shortfalls). Their row on `Trajecten` says "incomplete: 5 of 8
  visits planned" in the column Opmerking, and their visits keep the numbers the location was
  told ("Bezoek 4 van 8"), not "4 van 5";
- `Meldingen`: the plan's warnings, only when there are any;
- one sheet per coach with visits, in date order.

Intake calls (kind "intake") are phone calls: they are listed with the visits as "Intake" and
count toward a coach's weekly hours (SPEC 5.6), but not toward a traject's days or hours on
location. Dates, times and hours are written as date, time and number cells.

The workbook is built in openpyxl's write-only mode: every sheet is written top to bottom
once, so column widths, frozen panes and print settings are decided from the rows before they
are written. At network size (benchmarks/bench_export.py: 6,000 visits, 85 coaches) most of
the time is openpyxl turning cells into XML (a sixth less when lxml is installed). Record
text that could be read as anything but text goes through `put_text` on a `WriteOnlyCell`;
the rest is appended as it is (see `_Book._text`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentes_cli.export.cells import looks_like_formula, safe_text, sheet_title
from mentes_cli.i18n import _
from mentes_cli.models import WEEKDAYS, Coach, Location, Organisation, Records, Traject
from mentes_cli.offers import catalogue
from mentes_cli.output import check_output_path, write_atomically
from mentes_cli.plan.model import Plan, Unplanned, Visit, said
from mentes_cli.reference import load_reference
from mentes_cli.regions import place_for_postcode

if TYPE_CHECKING:
    from mentes_cli.plan.changes import VisitChange


def weekday_name(day: date) -> str:
    """Give the weekday of `day` in full, in the chosen language: "maandag", "Monday"."""
    from babel.dates import format_date

    from mentes_cli.i18n import locale

    return format_date(day, "EEEE", locale=locale())


def offer_label(code: str) -> str:
    """Give the label of an offer in the chosen language."""
    found = catalogue().offers.get(code)
    return found.label() if found else code


def role_label(role: str) -> str:
    """Give a coach's role in words: "pedagogisch coach", "regionaal ondersteuner"."""
    labels = {"coach": _("pedagogical coach"), "support": _("regional supporter")}
    return labels.get(role, role)


def sheet_names() -> dict[str, str]:
    """Give the names of the workbook's sheets in the chosen language."""
    return {
        "visits": _("Visits"),
        "weeks": _("Week overview"),
        "capacity": _("Capacity"),
        "trajects": _("Trajects"),
        "unplanned": _("Not planned"),
        "incomplete": _("Incomplete"),
        "warnings": _("Warnings"),
        "changes": _("Changes"),
    }


def capacity_note(weekly: float) -> str:
    from mentes_cli.i18n import number

    return _(
        "Capacity = FTE × {weekly} contact hours a week (the centre's planning setting) × "
        "available weeks. "
        "Available weeks = the coach's workdays in the plan window, without leave and Belgian "
        "public holidays, divided by the number of workdays a week. Planned = hours of visits "
        "and intake calls in the plan window.",
        weekly=number(weekly),
    )


def trajects_note() -> str:
    return _(
        "Days and hours: the visits on location, without the intake call by phone of a paid "
        "traject (column Intake)."
    )


def weeks_note(weekly: float) -> str:
    from mentes_cli.i18n import number

    return _(
        "Hours per ISO week: visits and intake calls. Red: more than the coach's weekly share "
        "(FTE × {weekly} h), given under the name.",
        weekly=number(weekly),
    )


def date_format() -> str:
    """Give the number format of a date cell: 10/03/2027 in Dutch, 2027-03-10 in English."""
    from mentes_cli.i18n import language

    return "yyyy-mm-dd" if language() == "en" else "dd/mm/yyyy"


TIME_FORMAT = "hh:mm"

# The workbook's face and colours (XlsxWriter format properties; Calibri 11 is its default).
_HEADER_STYLE = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#2F5D62", "pattern": 1,
                 "valign": "vcenter", "text_wrap": True}  # fmt: skip
_NOTE_STYLE = {"italic": True, "font_color": "#555555", "valign": "top", "text_wrap": True}
_TOTAL_STYLE = {"bold": True, "top": 1, "top_color": "#2F5D62"}
_OVER_STYLE = {"bg_color": "#F4C7C3", "pattern": 1, "bold": True, "font_color": "#9C0006"}

# Column kinds: how a value is written and how wide the column is when no width is given.
_NUMBER_FORMATS = {
    "date": "dd/mm/yyyy",  # date_format() when the cell is written
    "time": TIME_FORMAT,
    "hours": "0.00",
    "fte": "0.00",
    "weeks": "0.0",
    "count": "0",
    "percent": "0%",
}
_FIXED_WIDTHS = {"date": 11.5, "time": 7, "hours": 7, "fte": 7, "weeks": 9, "count": 8}
_MAX_TEXT_WIDTH = 45


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, what it holds, and optionally a fixed width."""

    header: str
    kind: str = "text"  # text, wrap, date, time, hours, fte, weeks, count, percent
    width: float | None = None
    most: float | None = None  # the widest a column of its longest text may be (it wraps)


@dataclass(frozen=True)
class Marked:
    """A value with a style of its own (for instance an over-capacity week)."""

    value: Any
    style: str


@dataclass
class _Context:
    """What every sheet needs to know about the records, looked up once."""

    locations: dict[str, tuple[Organisation, Location]]
    coaches: dict[str, Coach]
    trajects: dict[str, Traject]
    weekly_hours: float
    addresses: dict[str, str] = field(default_factory=dict)

    def coach_name(self, coach_id: str) -> str:
        coach = self.coaches.get(coach_id)
        return coach.name if coach else coach_id

    def location_name(self, location_id: str) -> str:
        found = self.locations.get(location_id)
        return found[1].name if found else location_id

    def organisation_name(self, location_id: str) -> str:
        found = self.locations.get(location_id)
        return found[0].name if found else ""

    def offer(self, traject_id: str) -> str:
        traject = self.trajects.get(traject_id)
        return offer_label(traject.offer) if traject else ""

    def address(self, location_id: str) -> str:
        if location_id not in self.addresses:
            found = self.locations.get(location_id)
            location = found[1] if found else None
            line = address_of(location) if location else ""
            if location and location.street:
                line = f"{' '.join(location.street.split())}, {line}"
            self.addresses[location_id] = line
        return self.addresses[location_id]

    def weekly_share(self, coach_id: str) -> float | None:
        coach = self.coaches.get(coach_id)
        return coach.fte * self.weekly_hours if coach else None


def address_of(location: Location) -> str:
    """Give the postal line of a location: "2600 Berchem (Antwerpen)", "2300 Turnhout".

    The location's own municipality and district win; otherwise they come from the postcode
    table. A district of Antwerp is written first, as on an envelope, with the city after it.
    """
    place = place_for_postcode(location.postcode)
    municipality = location.municipality or (place.municipality if place else None)
    district = location.district or (place.district if place else None)
    if district and municipality and district.casefold() != municipality.casefold():
        return f"{location.postcode} {district} ({municipality})"
    name = municipality or district
    return f"{location.postcode} {name}" if name else location.postcode


def coach_sheet_name(name: str, coach_id: str) -> str:
    """Give the sheet name of a coach, "An Peeters (C-01)", the name shortened to fit 31."""
    if name == coach_id:
        return coach_id
    suffix = f" ({coach_id})"
    if len(name) + len(suffix) <= 31:
        return name + suffix
    room = 31 - len(suffix) - 1
    return f"{name[:room].rstrip()}…{suffix}" if room >= 8 else name


def visit_label(visit: Visit, number: int | None, total: int | None) -> str:
    """Give "Bezoek 2 van 8", or "Intake" for the phone intake of a paid traject."""
    if visit.kind == "intake" or number is None:
        return _("Intake")
    return _("Visit {number} of {count}", number=number, count=total)


def visit_numbers(visits: Iterable[Visit]) -> dict[Visit, tuple[int, int]]:
    """Give each visit on location its number within its traject and the traject's count."""
    by_traject: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        if visit.kind == "visit":
            by_traject[visit.traject].append(visit)
    numbers: dict[Visit, tuple[int, int]] = {}
    for own in by_traject.values():
        own.sort(key=lambda v: (v.date, v.start))
        for number, visit in enumerate(own, start=1):
            numbers[visit] = (number, len(own))
    return numbers


def iso_week(day: date) -> str:
    """Give the ISO week of `day` as "2027-W03"."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def write_schedule(
    plan: Plan,
    records: Records,
    target: Path,
    *,
    force: bool = False,
    inputs: Iterable[Path] = (),
    changes: list[VisitChange] | None = None,
) -> None:
    """Write the schedule workbook of `plan` to `target` (atomically; --force to replace).

    `changes`: what the plan changes in the committed visits (SPEC 9), for the sheet
    Wijzigingen; None (no committed visits) leaves the sheet out.

    Refuses (OutputError, nothing written) when `target` exists without `force`, is one of
    `inputs` (the records' workbook or folder), or its folder is missing.
    """
    check_output_path(target, force=force, inputs=inputs)
    write_atomically(target, build_schedule(plan, records, changes))


# Names, addresses and offers wrap at this width: with every column as wide as its longest
# name, the visits printed one A4 page wide at about 6 pt; this way at 7.5 pt or more.
NAME_WIDTH = 22


def visit_columns() -> list[Column]:
    return [
        Column(_("Date"), "date"),
        Column(_("Weekday"), width=11),
        Column(_("Start"), "time"),
        Column(_("End"), "time"),
        Column(_("Coach")),
        Column(_("Location"), "wrap", most=NAME_WIDTH),
        Column(_("Address"), "wrap", most=NAME_WIDTH),
        Column(_("Organisation"), "wrap", most=NAME_WIDTH),
        Column(_("Traject")),
        Column(_("Offer"), "wrap", most=NAME_WIDTH),
        Column(_("Visit"), width=15),
        Column(_("Hours"), "hours"),
    ]


_COACH_COLUMN = 4  # the per-coach sheets leave it out


def coach_columns() -> list[Column]:
    columns = visit_columns()
    return columns[:_COACH_COLUMN] + columns[_COACH_COLUMN + 1 :]


def capacity_columns() -> list[Column]:
    return [
        Column(_("Coach")),
        Column(_("Id")),
        Column(_("Role"), width=22),
        Column(_("FTE"), "fte"),
        Column(_("Hours a week"), "hours", width=15),
        Column(_("Available weeks"), "weeks", width=19),
        Column(_("Capacity (h)"), "hours", width=15),
        Column(_("Planned (h)"), "hours", width=13),
        Column(_("Visit days"), "count", width=13),
        Column(_("Used"), "percent", width=11),
    ]


def traject_columns(remark: bool = False) -> list[Column]:
    """Give the columns of the sheet Trajecten; Opmerking only when a traject has one (an
    incomplete traject)."""
    columns = [
        Column(_("Traject")),
        Column(_("Location"), "wrap", most=NAME_WIDTH),
        Column(_("Organisation"), "wrap", most=NAME_WIDTH),
        Column(_("Offer"), "wrap", most=NAME_WIDTH),
        Column(_("Coach")),
        Column(_("Intake"), "date"),
        Column(_("First day"), "date"),
        Column(_("Last day"), "date"),
        Column(_("Days"), "count"),
        Column(_("Hours"), "hours"),
    ]
    return [*columns, Column(_("Remark"), "wrap", most=30)] if remark else columns


def incomplete_columns() -> list[Column]:
    return [
        Column(_("Traject")),
        Column(_("Location")),
        Column(_("Organisation")),
        Column(_("Offer")),
        Column(_("Coach")),
        Column(_("Visits planned"), width=18),
        Column(_("Reason"), "wrap", width=80),
    ]


@dataclass(frozen=True)
class Shortfall:
    """An incomplete traject as the workbook shows it: visits planned of those told."""

    planned: int
    told: int
    reasons: tuple[str, ...]

    def count(self) -> str:
        return _("{planned} of {told}", planned=self.planned, told=self.told)

    def words(self) -> str:
        return _(
            "incomplete: {planned} of {told} visits planned",
            planned=self.planned,
            told=self.told,
        )


def incomplete_trajects(plan: Plan, records: Records) -> dict[str, Shortfall]:
    """Give the incomplete trajects: the plan's (SPEC 5 rule 7) and the committed ones whose
    live visits are not the offer's shape (inbox.shortfalls, the check of `plan
    --check-records`), with the number of visits planned and told."""
    from mentes_cli.inbox import shortfalls

    found = {
        item.traject: Shortfall(
            item.visits_kept, item.visits_kept + item.visits_missing, tuple(item.reasons)
        )
        for item in plan.incomplete
    }
    for traject_id, short in shortfalls(records).items():
        if short.incomplete and traject_id not in found:
            found[traject_id] = Shortfall(short.planned, short.told, short.problems)
    return found


def told_numbers(
    visits: Iterable[Visit], records: Records, trajects: Iterable[str]
) -> dict[Visit, tuple[int, int]]:
    """Give the visits on location of the incomplete `trajects` the number the records hold
    and the count their location was told (export.ics.numbered_total): "4 of 8", as their
    calendar says, where the plan alone would count "4 of 5"."""
    from mentes_cli.export.ics import numbered_total

    wanted = set(trajects)
    committed = {}
    totals = {}
    for traject in records.trajects:
        if traject.id not in wanted:
            continue
        totals[traject.id] = numbered_total(traject)
        for visit in traject.visits:
            if visit.kind == "visit" and visit.state != "cancelled":
                committed[(traject.id, visit.date)] = visit.number
    numbers = {}
    for visit in visits:
        number = committed.get((visit.traject, visit.date))
        if visit.kind == "visit" and number is not None:
            numbers[visit] = (number, max(number, totals[visit.traject]))
    return numbers


def unplanned_columns() -> list[Column]:
    return [
        Column(_("Traject")),
        Column(_("Location")),
        Column(_("Organisation")),
        Column(_("Offer")),
        Column(_("Requested on"), "date", width=16),
        Column(_("Reason"), "wrap", width=90),
    ]


def build_schedule(plan: Plan, records: Records, changes: list[VisitChange] | None = None) -> bytes:
    """Give the bytes of the schedule workbook of `plan` (with the sheet Wijzigingen when
    `changes` is given)."""
    context = _Context(
        locations=records.location_index(),
        coaches=records.coach_index(),
        trajects={t.id: t for t in records.trajects},
        weekly_hours=float(load_reference("planning.toml")["weekly_contact_hours_per_fte"]),
    )
    visits = sorted(
        plan.visits,
        key=lambda v: (v.date, v.start, context.coach_name(v.coach), v.coach, v.traject),
    )
    shortfalls = incomplete_trajects(plan, records)
    numbers = visit_numbers(visits)
    numbers.update(told_numbers(visits, records, shortfalls))
    visit_rows = [_visit_row(context, visit, numbers) for visit in visits]
    coach_ids = _coach_order(context, visits)
    from mentes_cli.i18n import day

    window = f"{day(plan.start)} – {day(plan.end)}"
    names = sheet_names()

    book = _Book(window)
    book.table(
        names["visits"],
        visit_columns(),
        visit_rows,
        heading=_("Planning {window}", window=window),
        plain=True,
    )
    grid_columns, grid_rows, grid_totals = _week_grid(context, plan, visits, coach_ids)
    book.table(
        names["weeks"],
        grid_columns,
        grid_rows,
        totals=grid_totals,
        notes=[weeks_note(context.weekly_hours)],
        freeze="C2",
        header_height=45,
        heading=_("Hours per week {window}", window=window),
        print_columns="A:B",
    )
    capacity_rows, capacity_totals = _capacity_rows(context, plan, visits, coach_ids)
    book.table(
        names["capacity"],
        capacity_columns(),
        capacity_rows,
        totals=[capacity_totals],
        notes=[capacity_note(context.weekly_hours)],
        heading=_("Capacity {window}", window=window),
    )
    book.table(
        names["trajects"],
        traject_columns(remark=bool(shortfalls)),
        _traject_rows(context, visits, shortfalls),
        notes=[trajects_note()],
        heading=_("Trajects {window}", window=window),
    )
    book.table(
        names["unplanned"],
        unplanned_columns(),
        _unplanned_rows(context, plan.unplanned),
        heading=_("Not planned {window}", window=window),
    )
    if shortfalls:
        book.table(
            names["incomplete"],
            incomplete_columns(),
            _incomplete_rows(context, visits, shortfalls),
            notes=[incomplete_note()],
            heading=_("Incomplete {window}", window=window),
        )
    if changes is not None:
        book.table(
            names["changes"],
            changes_columns(),
            _change_rows(context, changes),
            notes=[] if changes else [_("No changes: every committed visit stays where it was.")],
            heading=_("Changes {window}", window=window),
        )
    if plan.warnings:
        book.table(
            names["warnings"],
            [Column(_("Warning"), "wrap", width=120)],
            [[said(warning)] for warning in plan.warnings],
            freeze="A2",
            heading=_("Warnings {window}", window=window),
        )
    by_coach: dict[str, list[list[Any]]] = defaultdict(list)
    for visit, row in zip(visits, visit_rows, strict=True):
        by_coach[visit.coach].append(row[:_COACH_COLUMN] + row[_COACH_COLUMN + 1 :])
    for coach_id in coach_ids:
        rows = by_coach.get(coach_id)
        if not rows:
            continue
        title = coach_sheet_name(context.coach_name(coach_id), coach_id)
        columns = coach_columns()
        total = [_("Total"), *[None] * (len(columns) - 2), _hours_sum(r[-1] for r in rows)]
        heading = _("Planning {coach}, {window}", coach=title, window=window)
        book.table(title, columns, rows, totals=[total], heading=heading, plain=True)
    return book.close()


def _visit_row(context: _Context, visit: Visit, numbers: dict[Visit, tuple[int, int]]) -> list:
    """Give the row of a visit on the Bezoeken sheet, in the order of visit_columns()."""
    return [
        visit.date,
        weekday_name(visit.date),
        _time(visit.start),
        _time(_end(visit)),
        context.coach_name(visit.coach),
        context.location_name(visit.location),
        context.address(visit.location),
        context.organisation_name(visit.location),
        visit.traject,
        context.offer(visit.traject),
        visit_label(visit, *numbers.get(visit, (None, None))),
        visit.hours,
    ]


def changes_columns() -> list[Column]:
    from mentes_cli.plan.changes import change_header

    return [
        Column(_("Location")),
        Column(_("Address")),
        Column(_("Coach")),
        Column(_("Previous coach")),
        Column(_("Traject")),
        Column(_("Visit"), width=15),
        Column(change_header()),
        Column(_("Old date"), "date"),
        Column(_("New date"), "date"),
    ]


def _change_rows(context: _Context, changes: Sequence[VisitChange]) -> list[list[Any]]:
    """Give the rows of the sheet Wijzigingen: per location, per coach, by day."""
    rows = []
    from mentes_cli.plan.changes import change_words, is_handover, visit_words

    for change in changes:
        label = visit_words(change)  # the number after the change; "visit 3 → 2" renumbered
        # a hand-over keeps its day: "other coach", the day once (as plan's table says it)
        handover = is_handover(change)
        rows.append(
            [
                context.location_name(change.location),
                context.address(change.location),
                context.coach_name(change.coach),
                context.coach_name(change.old_coach) if change.old_coach else "",
                change.traject,
                label,
                change_words(change),
                change.old_date,
                None if handover else change.new_date,
            ]
        )
    return rows


def _coach_order(context: _Context, visits: Sequence[Visit]) -> list[str]:
    """Give every coach of the records and of the plan: coaches, then supporters, by name."""
    ids = set(context.coaches) | {visit.coach for visit in visits}
    role_rank = {"coach": 0, "support": 1}

    def key(coach_id: str) -> tuple[int, str, str]:
        coach = context.coaches.get(coach_id)
        rank = role_rank.get(coach.role, 2) if coach else 3
        return (rank, context.coach_name(coach_id).casefold(), coach_id)

    return sorted(ids, key=key)


def _week_grid(
    context: _Context, plan: Plan, visits: Sequence[Visit], coach_ids: list[str]
) -> tuple[list[Column], list[list[Any]], list[list[Any]]]:
    """Give the columns, rows and totals row of the week-by-coach grid."""
    days = [plan.start, plan.end, *(visit.date for visit in visits)]
    first = min(days) - timedelta(days=min(days).weekday())
    last = max(days)
    hours: dict[tuple[date, str], float] = defaultdict(float)
    for visit in visits:
        monday = visit.date - timedelta(days=visit.date.weekday())
        hours[monday, visit.coach] += visit.hours

    from mentes_cli.i18n import number

    columns = [Column(_("Week"), width=10), Column(_("Monday"), "date")]
    for coach_id in coach_ids:
        name = context.coach_name(coach_id)
        share = context.weekly_share(coach_id)
        label = (
            _("{name}\n{hours} h/week", name=name, hours=number(share))
            if share is not None
            else name
        )
        width = float(max(10, min(16, len(name) + 2)))
        columns.append(Column(label, "hours", width=width))
    columns.append(Column(_("Total"), "hours", width=9))

    rows: list[list[Any]] = []
    coach_totals = dict.fromkeys(coach_ids, 0.0)
    monday = first
    while monday <= last:
        row: list[Any] = [iso_week(monday), monday]
        week_total = 0.0
        for coach_id in coach_ids:
            value = hours.get((monday, coach_id))
            if not value:
                row.append(None)
                continue
            week_total += value
            coach_totals[coach_id] += value
            share = context.weekly_share(coach_id)
            over = share is not None and value > share + 1e-9
            row.append(Marked(value, "over") if over else value)
        row.append(week_total or None)
        rows.append(row)
        monday += timedelta(days=7)
    totals = [_("Total"), None, *(coach_totals[c] or None for c in coach_ids)]
    totals.append(_hours_sum(coach_totals.values()))
    return columns, rows, [totals]


@lru_cache(maxsize=16)
def public_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """Give the Belgian public holidays of the years first_year to last_year."""
    import holidays

    return frozenset(holidays.country_holidays("BE", years=range(first_year, last_year + 1)))


def available_weeks(coach: Coach, start: date, end: date) -> float:
    """Give the weeks a coach can work in [start, end]: workdays off leave and holidays / week.

    A coach with workdays mon-thu who has one week of leave and Easter Monday in a window of
    four weeks has (16 - 4 - 1) / 4 = 2.75 weeks.
    """
    if not coach.workdays or end < start:
        return 0.0
    public = public_holidays(start.year, end.year)
    workdays = {WEEKDAYS.index(day) for day in coach.workdays}
    count = 0
    day = start
    while day <= end:
        if day.weekday() in workdays and day not in public and not coach.is_on_leave(day):
            count += 1
        day += timedelta(days=1)
    return count / len(workdays)


def _capacity_rows(
    context: _Context, plan: Plan, visits: Sequence[Visit], coach_ids: list[str]
) -> tuple[list[list[Any]], list[Any]]:
    """Give one row per coach: planned hours in the plan window against capacity.

    Capacity = fte × weekly contact hours × available weeks (see `available_weeks`); a coach
    over 100 % is marked.
    """
    planned: dict[str, float] = defaultdict(float)
    days: dict[str, set[date]] = defaultdict(set)
    for visit in visits:
        if plan.start <= visit.date <= plan.end:
            planned[visit.coach] += visit.hours
            if visit.kind == "visit":
                days[visit.coach].add(visit.date)
    rows: list[list[Any]] = []
    total_capacity = total_planned = 0.0
    total_days = 0
    for coach_id in coach_ids:
        coach = context.coaches.get(coach_id)
        hours = planned.get(coach_id, 0.0)
        total_planned += hours
        total_days += len(days.get(coach_id, ()))
        if coach is None:
            rows.append([coach_id, coach_id, _("unknown"), None, None, None, None, hours,
                         len(days.get(coach_id, ())), None])  # fmt: skip
            continue
        weeks = available_weeks(coach, plan.start, plan.end)
        capacity = coach.fte * context.weekly_hours * weeks
        total_capacity += capacity
        used = hours / capacity if capacity else None
        rows.append(
            [
                coach.name,
                coach.id,
                role_label(coach.role),
                coach.fte,
                coach.fte * context.weekly_hours,
                round(weeks, 2),
                round(capacity, 2),
                hours,
                len(days.get(coach_id, ())),
                Marked(used, "over") if used is not None and used > 1 + 1e-9 else used,
            ]
        )
    used_total = total_planned / total_capacity if total_capacity else None
    totals = [
        _("Total"),
        None,
        None,
        sum(c.fte for c in context.coaches.values()),
        None,
        None,
        round(total_capacity, 2),
        round(total_planned, 2),
        total_days,
        used_total,
    ]
    return rows, totals


def incomplete_note() -> str:
    return _(
        "The visits that stay are in the other sheets; the missing ones have no valid day. "
        "Change what stands in the way (the leave, a closure), or unplan the traject and "
        "plan it again."
    )


def _incomplete_rows(
    context: _Context, visits: Sequence[Visit], shortfalls: dict[str, Shortfall]
) -> list[list[Any]]:
    """Give one row per reason of each incomplete traject, by id."""
    coaches: dict[str, dict[str, None]] = defaultdict(dict)
    for visit in visits:
        coaches[visit.traject][context.coach_name(visit.coach)] = None
    rows = []
    for traject_id in sorted(shortfalls):
        short = shortfalls[traject_id]
        traject = context.trajects.get(traject_id)
        location_id = traject.location if traject else ""
        coach = ", ".join(coaches.get(traject_id, {})) or (
            context.coach_name(traject.coach) if traject and traject.coach else ""
        )
        for reason in short.reasons or [_("(no reason given)")]:
            rows.append(
                [
                    traject_id,
                    context.location_name(location_id) if location_id else "",
                    context.organisation_name(location_id) if location_id else "",
                    context.offer(traject_id),
                    coach,
                    short.count(),
                    said(reason),
                ]
            )
    return rows


def _traject_rows(
    context: _Context, visits: Sequence[Visit], shortfalls: dict[str, Shortfall] | None = None
) -> list[list[Any]]:
    """Give one row per planned traject, by first day and id; when any is incomplete, each
    row ends with its remark (the incomplete one's "incomplete: 5 of 8 visits planned")."""
    shortfalls = shortfalls or {}
    grouped: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        grouped[visit.traject].append(visit)
    rows = []
    for traject_id, own in grouped.items():
        on_location = [v for v in own if v.kind == "visit"]
        intakes = [v.date for v in own if v.kind == "intake"]
        location_id = own[0].location
        coach_names = dict.fromkeys(context.coach_name(v.coach) for v in own)
        dates = [v.date for v in on_location] or [v.date for v in own]
        rows.append(
            [
                traject_id,
                context.location_name(location_id),
                context.organisation_name(location_id),
                context.offer(traject_id),
                ", ".join(coach_names),
                min(intakes) if intakes else None,
                min(dates),
                max(dates),
                len({v.date for v in on_location}),
                _hours_sum(v.hours for v in on_location),
                *(
                    [shortfalls[traject_id].words() if traject_id in shortfalls else None]
                    if shortfalls
                    else []
                ),
            ]
        )
    rows.sort(key=lambda row: (row[6], row[0]))
    return rows


def _unplanned_rows(context: _Context, unplanned: Sequence[Unplanned]) -> list[list[Any]]:
    """Give one row per reason of each unplanned traject, in queue order."""
    rows = []
    for item in unplanned:
        traject = context.trajects.get(item.traject)
        location_id = traject.location if traject else ""
        requested = (traject.requested_on or traject.earliest) if traject else None
        for reason in item.reasons or [_("(no reason given)")]:
            rows.append(
                [
                    item.traject,
                    context.location_name(location_id) if location_id else "",
                    context.organisation_name(location_id) if location_id else "",
                    context.offer(item.traject),
                    requested,
                    said(reason),
                ]
            )
    return rows


def _time(text: str) -> time | str:
    """Give "08:30" as a time cell value; a time the workbook cannot hold stays text."""
    try:
        hours, minutes = (int(part) for part in text.split(":"))
        return time(hours, minutes)
    except ValueError:
        return text


def _end(visit: Visit) -> str:
    """Give the end time of a visit, or "" when its start is no HH:MM (a hand-edited plan)."""
    try:
        return visit.end
    except ValueError:
        return ""


def _hours_sum(values: Iterable[float]) -> float:
    """Give a sum of quarter hours without float dust (6.25 + 6.25 + ... = 50.0, not 49.999)."""
    return round(sum(values), 2)


class _Book:
    """A workbook to which whole tables are added, one sheet at a time, row by row.

    XlsxWriter in constant_memory mode: each row goes to disk once the next begins. Record
    text is written with write_string only, with strings_to_formulas and strings_to_urls
    off, so no text ever becomes a formula or a link; text that a spreadsheet would take
    for a formula when edited (=, +, -, @) gets the quote prefix, as put_text gives it.
    """

    def __init__(self, window: str, title: str | None = None):
        import io

        import xlsxwriter

        self.buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(
            self.buffer,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        # The one "now" of mentes (clock.now): SOURCE_DATE_EPOCH makes the bytes reproducible.
        from mentes_cli import clock

        created = clock.now().replace(tzinfo=None)
        self.workbook.set_properties(
            {
                "title": title or _("Planning {window}", window=window),
                "author": "mentes",
                "created": created,
            }
        )
        self.titles: set[str] = set()
        self._formats: dict[tuple[str, bool], Any] = {}

    def close(self) -> bytes:
        """Give the bytes of the finished workbook."""
        self.workbook.close()
        return self.buffer.getvalue()

    def table(
        self,
        name: str,
        columns: list[Column],
        rows: list[list[Any]],
        *,
        totals: Sequence[Sequence[Any]] = (),
        notes: Sequence[str] = (),
        freeze: str = "B2",
        header_height: float | None = None,
        heading: str = "",
        print_columns: str | None = None,
        plain: bool = False,
    ) -> None:
        """Add a sheet: a header row, `rows` under a filter, then totals and notes.

        `plain` is kept for the callers: every table is written the same fast way now.
        """
        sheet = self.workbook.add_worksheet(sheet_title(name, self.titles))
        widths = [_width(column, index, rows) for index, column in enumerate(columns)]
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        sheet.freeze_panes(freeze)
        if header_height:
            sheet.set_row(0, header_height)
        _print_setup(sheet, heading, len(columns), print_columns)
        last = len(columns) - 1

        for index, column in enumerate(columns):
            self._write(sheet, 0, index, column.header, "header")
        # Rows that may wrap (reasons, warnings) read best with every cell at the top.
        align = "top" if any(column.kind == "wrap" for column in columns) else ""
        styles = [self._named_style(column.kind, "", align) for column in columns]
        number = 0
        wrapping = [i for i, column in enumerate(columns) if column.kind == "wrap"]
        for number, row in enumerate(rows, start=1):
            if wrapping:
                # A spreadsheet does not grow a row for wrapped text written this way (nor does
                # LibreOffice when it prints): give the row the height of its longest text.
                lines = max(_wrapped_lines(row[i], widths[i]) for i in wrapping)
                if lines > 1:
                    sheet.set_row(number, 15 * lines)
            for index, value in enumerate(row):
                self._value(sheet, number, index, value, columns[index].kind, styles[index], "")
        sheet.autofilter(0, 0, len(rows), last)
        for row in totals:
            number += 1
            for index, value in enumerate(row):
                kind = columns[index].kind
                style = self._named_style(kind, "total", align)
                self._value(sheet, number, index, value, kind, style, "total")
        if notes:
            # A note spans the table's width and wraps in it, so that it prints on the page.
            number += 1
            for text in notes:
                number += 1
                lines = math.ceil(len(text) * 1.1 / max(sum(widths), 1))
                sheet.set_row(number, 15 * max(lines, 1))
                if last > 0:
                    sheet.merge_range(number, 0, number, last, "", self._format("note"))
                self._write(sheet, number, 0, text, "note")

    def _named_style(self, kind: str, place: str, align: str) -> str:
        return f"{kind}|{place}|{align}"

    def _value(
        self, sheet: Any, row: int, column: int, value: Any, kind: str, style: str, place: str
    ) -> None:
        """Write a table value: its kind decides the number format; a label stays text."""
        if isinstance(value, Marked):
            value, style = value.value, f"{value.style}-{kind}|{place}|{style.rpartition('|')[2]}"
        if value is None or value == "":
            return
        if isinstance(value, str) and kind in _NUMBER_FORMATS:
            style = f"text|{place}|{style.rpartition('|')[2]}"  # "Total" in a date column
        self._write(sheet, row, column, value, style)

    def _write(self, sheet: Any, row: int, column: int, value: Any, style: str) -> None:
        """Write one cell; text through write_string only, never as a formula or a link."""
        if isinstance(value, str):
            text = safe_text(value)
            sheet.write_string(row, column, text, self._format(style, looks_like_formula(text)))
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, self._format(style))
        elif isinstance(value, int | float):
            if math.isfinite(value):
                sheet.write_number(row, column, value, self._format(style))
            else:
                sheet.write_string(row, column, str(value), self._format(style))
        elif isinstance(value, date | time):
            sheet.write_datetime(row, column, value, self._format(style))
        else:
            sheet.write_string(row, column, safe_text(str(value)), self._format(style))

    def _format(self, style: str, quoted: bool = False) -> Any:
        """Give the cell format of a named style: "kind|place|align", "header" or "note".

        kind is a column kind or "over-" a column kind (a marked value); place is "" or
        "total"; align is "" or "top". `quoted` adds the quote prefix.
        """
        key = (style, quoted)
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.workbook.add_format(
                {**_format_properties(style), **({"quote_prefix": True} if quoted else {})}
            )
        return found


def _wrapped_lines(value: Any, width: float) -> int:
    """Give about how many lines `value` takes in a wrapping column `width` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    import textwrap

    room = max(width - 1, 1)
    # By characters, and by words (a long word moves whole to the next line), whichever is more.
    return sum(
        max(1, math.ceil(len(line) * 1.1 / room), len(textwrap.wrap(line, max(int(width) - 2, 1))))
        for line in value.split("\n")
    )


def _format_properties(style: str) -> dict[str, Any]:
    if style == "header":
        return dict(_HEADER_STYLE)
    if style == "note":
        return dict(_NOTE_STYLE)
    base, _bar, rest = style.partition("|")
    place, _bar, align = rest.partition("|")
    over = base.startswith("over-")
    kind = base.removeprefix("over-")
    properties: dict[str, Any] = {}
    if kind in ("date", "time"):
        properties["align"] = "center"
    if align:
        properties["valign"] = align
    if kind == "wrap":
        properties["text_wrap"] = True
    if kind == "date":
        properties["num_format"] = date_format()
    elif kind in _NUMBER_FORMATS:
        properties["num_format"] = _NUMBER_FORMATS[kind]
    if place == "total":
        properties.update(_TOTAL_STYLE)
    if over:
        properties.update(_OVER_STYLE)
    return properties


def _width(column: Column, index: int, rows: list[list[Any]]) -> float:
    """Give a readable width for a column: given, fixed by its kind, or its longest text."""
    if column.width:
        return column.width
    header = max(len(line) for line in column.header.splitlines()) + 4  # the filter button
    if column.kind in _FIXED_WIDTHS:
        return max(_FIXED_WIDTHS[column.kind], header)
    longest = header
    for row in rows:
        value = row[index]
        if isinstance(value, Marked):
            value = value.value
        if isinstance(value, str) and len(value) + 2 > longest:
            longest = len(value) + 2
    return float(min(_MAX_TEXT_WIDTH, longest, column.most or _MAX_TEXT_WIDTH))


def _print_setup(sheet: Any, heading: str, columns: int, print_columns: str | None) -> None:
    """Print landscape on A4, the header row on every page, fit to the page width."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    # A wide grid (many coaches) cannot fit one page wide and stay readable: about 16
    # columns a page, with the week columns repeated on each.
    sheet.fit_to_pages(max(1, math.ceil(columns / 16)), 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    sheet.hide_gridlines(0)  # gridlines on screen and on paper
    sheet.repeat_rows(0)
    if print_columns:
        first, _colon, last = print_columns.partition(":")
        sheet.repeat_columns(f"{first}:{last or first}")
    # In a header "&" starts a code: "&&" is the sign itself. Excel takes at most 255.
    sheet.set_header(("&C" + heading.replace("&", "&&"))[:255])
    pages = _("Page {page} of {pages}", page="&P", pages="&N")
    sheet.set_footer("&Lmentes&R" + pages)
