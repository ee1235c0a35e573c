"""The schedule workbook of a plan (SPEC 5), in Dutch, laid out for coordinators and coaches.

Sheets, in this order:

- `Bezoeken`: every visit and intake call, sorted by date, start time and coach;
- `Weekoverzicht`: hours per ISO week (rows) and coach (columns), against each coach's weekly
  share (fte × `weekly_contact_hours_per_fte` of planning.toml); a week over it is red;
- `Capaciteit`: hours per coach against capacity over the plan window (see `_capacity_rows`);
- `Trajecten`: one row per planned traject (coach, first and last day, days, hours);
- `Niet gepland`: the trajects that could not be placed, one row per reason;
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from mentes_cli.export.cells import (
    HEADER_FILL,
    HEADER_FONT,
    put_text,
    save_workbook,
    sheet_title,
)
from mentes_cli.models import WEEKDAYS, Coach, Location, Organisation, Records, Traject
from mentes_cli.offers import catalogue
from mentes_cli.output import check_output_path
from mentes_cli.plan.model import Plan, Unplanned, Visit
from mentes_cli.reference import load_reference
from mentes_cli.regions import place_for_postcode

WEEKDAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def offer_label(code: str) -> str:
    """Give the Dutch label of an offer (the schedule and calendars are in Dutch)."""
    found = catalogue().offers.get(code)
    return found.label("nl") if found else code


ROLE_LABELS = {"coach": "pedagogisch coach", "support": "regionaal ondersteuner"}

VISITS_SHEET = "Bezoeken"
WEEKS_SHEET = "Weekoverzicht"
CAPACITY_SHEET = "Capaciteit"
TRAJECTS_SHEET = "Trajecten"
UNPLANNED_SHEET = "Niet gepland"
WARNINGS_SHEET = "Meldingen"

CAPACITY_NOTE = (
    "Capaciteit = VTE × {weekly:g} contacturen per week (planning.toml) × beschikbare weken. "
    "Beschikbare weken = de werkdagen van de coach in de planperiode, zonder verlof en "
    "Belgische feestdagen, gedeeld door het aantal werkdagen per week. Gepland = uren van "
    "bezoeken en intakegesprekken in de planperiode."
)
TRAJECTS_NOTE = (
    "Dagen en uren: de bezoeken op locatie, zonder het telefonische intakegesprek van een "
    "betalend traject (kolom Intake)."
)
WEEKS_NOTE = (
    "Uren per ISO-week: bezoeken en intakegesprekken. Rood: meer dan het weekaandeel van de "
    "coach (VTE × {weekly:g} u), dat onder de naam staat."
)

DATE_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = "hh:mm"

_TOTAL_BORDER = Border(top=Side(style="thin", color="2F5D62"))
_OVER_FILL = PatternFill("solid", fgColor="F4C7C3")


def _font(**style: Any) -> Font:
    """Give a font of the workbook's default face and size with `style` (bold, colour, ...)."""
    return Font(name="Calibri", sz=11, family=2, **style)


_OVER_FONT = _font(bold=True, color="9C0006")
_NOTE_FONT = _font(italic=True, color="555555")
_TOTAL_FONT = _font(bold=True)
# cells.HEADER_FONT names no face, so LibreOffice falls back to a serif one: name it.
_HEADER_FONT = _font(bold=True, color=HEADER_FONT.color)

# Column kinds: how a value is written and how wide the column is when no width is given.
_NUMBER_FORMATS = {
    "date": DATE_FORMAT,
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
            self.addresses[location_id] = address_of(found[1]) if found else ""
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
        return "Intake"
    return f"Bezoek {number} van {total}"


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
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def write_schedule(
    plan: Plan,
    records: Records,
    target: Path,
    *,
    force: bool = False,
    inputs: Iterable[Path] = (),
) -> None:
    """Write the schedule workbook of `plan` to `target` (atomically; --force to replace).

    Refuses (OutputError, nothing written) when `target` exists without `force`, is one of
    `inputs` (the records' workbook or folder), or its folder is missing.
    """
    check_output_path(target, force=force, inputs=inputs)
    workbook = build_schedule(plan, records)
    save_workbook(workbook, target)


VISIT_COLUMNS = [
    Column("Datum", "date"),
    Column("Weekdag", width=11),
    Column("Begin", "time"),
    Column("Einde", "time"),
    Column("Coach"),
    Column("Locatie"),
    Column("Adres"),
    Column("Organisatie"),
    Column("Traject"),
    Column("Aanbod"),
    Column("Bezoek", width=15),
    Column("Uren", "hours"),
]
_COACH_COLUMN = 4  # the per-coach sheets leave it out
COACH_COLUMNS = VISIT_COLUMNS[:_COACH_COLUMN] + VISIT_COLUMNS[_COACH_COLUMN + 1 :]
CAPACITY_COLUMNS = [
    Column("Coach"),
    Column("Id"),
    Column("Rol", width=22),
    Column("VTE", "fte"),
    Column("Uren per week", "hours", width=15),
    Column("Beschikbare weken", "weeks", width=19),
    Column("Capaciteit (u)", "hours", width=15),
    Column("Gepland (u)", "hours", width=13),
    Column("Bezoekdagen", "count", width=13),
    Column("Gebruikt", "percent", width=11),
]
TRAJECT_COLUMNS = [
    Column("Traject"),
    Column("Locatie"),
    Column("Organisatie"),
    Column("Aanbod"),
    Column("Coach"),
    Column("Intake", "date"),
    Column("Eerste dag", "date", width=12),
    Column("Laatste dag", "date", width=12),
    Column("Dagen", "count"),
    Column("Uren", "hours"),
]
UNPLANNED_COLUMNS = [
    Column("Traject"),
    Column("Locatie"),
    Column("Organisatie"),
    Column("Aanbod"),
    Column("Aangevraagd op", "date", width=16),
    Column("Reden", "wrap", width=90),
]


def build_schedule(plan: Plan, records: Records) -> Workbook:
    """Give the schedule workbook of `plan`, ready to save (write-only: save it once)."""
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
    numbers = visit_numbers(visits)
    visit_rows = [_visit_row(context, visit, numbers) for visit in visits]
    coach_ids = _coach_order(context, visits)
    window = f"{plan.start:%d/%m/%Y} – {plan.end:%d/%m/%Y}"

    book = _Book(window)
    book.table(VISITS_SHEET, VISIT_COLUMNS, visit_rows, heading=f"Planning {window}", plain=True)
    grid_columns, grid_rows, grid_totals = _week_grid(context, plan, visits, coach_ids)
    book.table(
        WEEKS_SHEET,
        grid_columns,
        grid_rows,
        totals=grid_totals,
        notes=[WEEKS_NOTE.format(weekly=context.weekly_hours)],
        freeze="C2",
        header_height=45,
        heading=f"Uren per week {window}",
        print_columns="A:B",
    )
    capacity_rows, capacity_totals = _capacity_rows(context, plan, visits, coach_ids)
    book.table(
        CAPACITY_SHEET,
        CAPACITY_COLUMNS,
        capacity_rows,
        totals=[capacity_totals],
        notes=[CAPACITY_NOTE.format(weekly=context.weekly_hours)],
        heading=f"Capaciteit {window}",
    )
    book.table(
        TRAJECTS_SHEET,
        TRAJECT_COLUMNS,
        _traject_rows(context, visits),
        notes=[TRAJECTS_NOTE],
        heading=f"Trajecten {window}",
    )
    book.table(
        UNPLANNED_SHEET,
        UNPLANNED_COLUMNS,
        _unplanned_rows(context, plan.unplanned),
        heading=f"Niet gepland {window}",
    )
    if plan.warnings:
        book.table(
            WARNINGS_SHEET,
            [Column("Melding", "wrap", width=120)],
            [[warning] for warning in plan.warnings],
            freeze="A2",
            heading=f"Meldingen {window}",
        )
    by_coach: dict[str, list[list[Any]]] = defaultdict(list)
    for visit, row in zip(visits, visit_rows, strict=True):
        by_coach[visit.coach].append(row[:_COACH_COLUMN] + row[_COACH_COLUMN + 1 :])
    for coach_id in coach_ids:
        rows = by_coach.get(coach_id)
        if not rows:
            continue
        title = coach_sheet_name(context.coach_name(coach_id), coach_id)
        total = ["Totaal", *[None] * (len(COACH_COLUMNS) - 2), _hours_sum(r[-1] for r in rows)]
        heading = f"Planning {title}, {window}"
        book.table(title, COACH_COLUMNS, rows, totals=[total], heading=heading, plain=True)
    return book.workbook


def _visit_row(context: _Context, visit: Visit, numbers: dict[Visit, tuple[int, int]]) -> list:
    """Give the row of a visit on the Bezoeken sheet, in the order of VISIT_COLUMNS."""
    return [
        visit.date,
        WEEKDAY_NAMES[visit.date.weekday()],
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

    columns = [Column("Week", width=10), Column("Maandag", "date")]
    for coach_id in coach_ids:
        name = context.coach_name(coach_id)
        share = context.weekly_share(coach_id)
        label = f"{name}\n{_hours_text(share)} u/week" if share is not None else name
        width = float(max(10, min(16, len(name) + 2)))
        columns.append(Column(label, "hours", width=width))
    columns.append(Column("Totaal", "hours", width=9))

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
    totals = ["Totaal", None, *(coach_totals[c] or None for c in coach_ids)]
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
            rows.append([coach_id, coach_id, "onbekend", None, None, None, None, hours,
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
                ROLE_LABELS.get(coach.role, coach.role),
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
        "Totaal",
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


def _traject_rows(context: _Context, visits: Sequence[Visit]) -> list[list[Any]]:
    """Give one row per planned traject, by first day and id."""
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
        for reason in item.reasons or ["(geen reden opgegeven)"]:
            rows.append(
                [
                    item.traject,
                    context.location_name(location_id) if location_id else "",
                    context.organisation_name(location_id) if location_id else "",
                    context.offer(item.traject),
                    requested,
                    reason,
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


def _hours_text(hours: float) -> str:
    """Give hours the Flemish way: 24, 22,5."""
    return f"{hours:.2f}".rstrip("0").rstrip(".").replace(".", ",")


class _CellRowsSheet(WriteOnlyWorksheet):
    """A write-only sheet that takes the cells it is given without first trying them as values.

    openpyxl's own `_values_to_row` assigns every appended item as a cell value and takes
    the item as the cell only on the ValueError that a Cell raises; with the tens of
    thousands of styled date, time and hour cells of a schedule that exception costs about
    a quarter of the export. The XML written is the same.
    """

    def _values_to_row(self, values: Iterable[Any], row_idx: int) -> Iterator[Cell]:
        reusable = WriteOnlyCell(self)
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):
                cell = value
            else:
                cell = reusable  # an unstyled value: openpyxl reuses one cell the same way
                cell.value = value
            cell.column = col_idx
            cell.row = row_idx
            yield cell


class _Book:
    """A write-only workbook to which whole tables are added, one sheet at a time."""

    def __init__(self, window: str):
        self.workbook = Workbook(write_only=True)
        self.workbook.properties.creator = "mentes"
        self.workbook.properties.title = f"Planning {window}"
        self.titles: set[str] = set()
        self._styles: dict[str, Any] = {}
        self._plain: dict[str, bool] = {}

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
        """Add a sheet: a header row, `rows` under a filter, then totals and notes."""
        sheet = _CellRowsSheet(parent=self.workbook, title=sheet_title(name, self.titles))
        self.workbook._add_sheet(sheet)
        # Write-only: everything above the rows (widths, panes, row heights) comes first.
        for index, column in enumerate(columns):
            width = _width(column, index, rows)
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        sheet.freeze_panes = freeze
        if header_height:
            sheet.row_dimensions[1].height = header_height
        _print_setup(sheet, heading, len(columns), print_columns)

        sheet.append([self._cell(sheet, column.header, "header") for column in columns])
        # Rows that may wrap (reasons, warnings) read best with every cell at the top.
        align = "top" if any(column.kind == "wrap" for column in columns) else ""
        converters = [self._converter(sheet, column.kind, plain, align) for column in columns]
        for row in rows:
            sheet.append([convert(value) for convert, value in zip(converters, row, strict=True)])
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
        for row in totals:
            sheet.append(
                [
                    self._value(sheet, value, column.kind, f"total|{align}")
                    for value, column in zip(row, columns, strict=True)
                ]
            )
        if notes:
            # A note spans the table's width and wraps in it, so that it prints on the page.
            sheet.append([])
            row_number = 1 + len(rows) + len(totals) + 1
            width = sum(sheet.column_dimensions[get_column_letter(n)].width for n in
                        range(1, len(columns) + 1))  # fmt: skip
            for note in notes:
                row_number += 1
                lines = math.ceil(len(note) * 1.1 / max(width, 1))
                sheet.row_dimensions[row_number].height = 15 * max(lines, 1)
                sheet.merged_cells.add(f"A{row_number}:{last}{row_number}")
                sheet.append([self._cell(sheet, note, "note")])

    def _converter(self, sheet: Any, kind: str, plain: bool, align: str) -> Callable[[Any], Any]:
        """Give the function that turns a value of a column into what is appended.

        In a plain table (the long visit lists) text and whole numbers go in as they are:
        most cells of a schedule, and by far the fastest way through openpyxl. Dates, times
        and hours are styled cells everywhere.
        """
        place = f"|{align}"
        if not plain or kind not in ("text", "count"):
            return lambda value: self._value(sheet, value, kind, place)

        def convert(value: Any) -> Any:
            if type(value) is str:
                return self._text(sheet, value) if value else None
            if isinstance(value, Marked):
                return self._value(sheet, value, kind, place)
            return value

        return convert

    def _value(self, sheet: Any, value: Any, kind: str, place: str) -> Any:
        """Give the styled cell of a table value: its kind decides the number format."""
        if isinstance(value, str) and kind in _NUMBER_FORMATS:
            kind = "text"  # a label such as "Totaal" in a date column
        style = kind
        if isinstance(value, Marked):
            value, style = value.value, f"{value.style}-{kind}"
        if value is None or value == "":
            return None
        return self._cell(sheet, value, f"{style}|{place}")

    def _text(self, sheet: Any, text: str) -> Any:
        """Give record text to append: as it is when that stores it exactly as put_text would.

        put_text decides, once per distinct text: when it keeps the text unchanged and sets
        no quote prefix, and openpyxl would not read the bare string as a formula or an
        error code, the string goes in as it is (type "s", like put_text); anything else
        goes in as the cell put_text made.
        """
        plain = self._plain.get(text)
        if plain is None:
            probe = put_text(WriteOnlyCell(sheet), text)
            plain = self._plain[text] = (
                probe.value == text
                and not probe.quotePrefix
                and not text.startswith("=")
                and text not in ERROR_CODES
            )
        return text if plain else put_text(WriteOnlyCell(sheet), text)

    def _cell(self, sheet: Any, value: Any, style: str) -> Cell:
        """Give a write-only cell holding `value` in the named style; text through put_text."""
        cell = WriteOnlyCell(sheet)
        template = self._styles.get(style)
        if template is None:
            template = self._styles[style] = _style_template(sheet, style)
        # Copying a prepared style array is many times faster than setting font, fill and
        # number format on every cell (openpyxl's own sheet copy does the same).
        cell._style = copy(template)
        if isinstance(value, str):
            put_text(cell, value)
        elif value is not None:
            cell.value = value
        return cell


def _style_template(sheet: Any, style: str) -> Any:
    """Give the style array of a named style: "kind|place|align", e.g. "date||", "text|total|top".

    kind is a column kind, "over-" a column kind (a marked value), "header" or "note"; place
    is "" or "total"; align is "" or "top".
    """
    cell = WriteOnlyCell(sheet)
    base, _, rest = style.partition("|")
    place, _, align = rest.partition("|")
    if base == "header":
        cell.font = _HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        return copy(cell._style)
    if base == "note":
        cell.font = _NOTE_FONT
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        return copy(cell._style)
    over = base.startswith("over-")
    kind = base.removeprefix("over-")
    centred = "center" if kind in ("date", "time") else None
    cell.alignment = Alignment(horizontal=centred, vertical=align or None, wrap_text=kind == "wrap")
    if kind in _NUMBER_FORMATS:
        cell.number_format = _NUMBER_FORMATS[kind]
    if place == "total":
        cell.font = _TOTAL_FONT
        cell.border = _TOTAL_BORDER
    if over:
        cell.fill = _OVER_FILL
        cell.font = _OVER_FONT
    return copy(cell._style)


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
    return float(min(_MAX_TEXT_WIDTH, longest))


def _print_setup(sheet: Any, heading: str, columns: int, print_columns: str | None) -> None:
    """Print landscape on A4, the header row on every page, fit to the page width."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToHeight = 0
    # A wide grid (many coaches) cannot fit one page wide and stay readable: about 16
    # columns a page, with the week columns repeated on each.
    sheet.page_setup.fitToWidth = max(1, math.ceil(columns / 16))
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    sheet.print_options.gridLines = True
    sheet.print_title_rows = "1:1"
    if print_columns:
        sheet.print_title_cols = print_columns
    sheet.oddHeader.center.text = heading.replace("&", "&&")
    sheet.oddHeader.center.size = 11
    sheet.oddFooter.left.text = "mentes"
    sheet.oddFooter.right.text = "Pagina &P van &N"
