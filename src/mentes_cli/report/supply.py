"""Supply and booked hours per role and calendar month (SPEC 10).

Supply: for each coach and each ISO week that overlaps the period, the weekly share
(fte × weekly_contact_hours_per_fte) times the fraction of the coach's workdays of that week
that are available (inside the period, not on leave, not a Belgian public holiday); a week's
hours go to the months of its available days in proportion, that is: each available workday
carries share / (workdays of the week).

Booked: the hours of visits and intake calls that are not cancelled, dated in the period,
free and paid alike. `booked` takes any iterable of visits, so that committed visits in the
records and a plan's visits are counted the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from mentes_cli.models import WEEKDAYS, Coach, Records
from mentes_cli.plan.calendar import public_holidays
from mentes_cli.report.model import ROLES, Booked, Period, RoleHours, Supply

ALL_WEEK = ("mon", "tue", "wed", "thu", "fri")


@dataclass(frozen=True)
class Worker:
    """Who gives contact hours: a coach of the records, or the variant's extra FTE."""

    id: str
    role: str
    fte: float
    workdays: tuple[str, ...]
    leave: tuple[tuple[date, date], ...] = ()
    counted: bool = True  # False for the variant's extra FTE, which is no person

    @classmethod
    def of(cls, coach: Coach) -> Worker:
        """Give the worker of a coach record."""
        return cls(
            coach.id,
            coach.role,
            coach.fte,
            tuple(coach.workdays),
            tuple((period.start, period.end) for period in coach.leave),
        )


def extra_worker(role: str, fte: float) -> Worker:
    """Give the variant's N FTE more: Monday to Friday, every area, no leave (SPEC 10)."""
    return Worker("extra", role, fte, ALL_WEEK, counted=False)


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class Calendar:
    """The period's days that can carry hours: inside it and not a Belgian public holiday."""

    period: Period
    holidays: frozenset[date]
    # weekday (0 = Monday) -> month -> number of such days
    days_per_month: dict[int, dict[str, int]]

    @classmethod
    def of(cls, period: Period) -> Calendar:
        """Give the calendar of `period`."""
        holidays = frozenset(public_holidays(period.first, period.last))
        counts: dict[int, dict[str, int]] = {weekday: {} for weekday in range(7)}
        day = period.first
        while day <= period.last:
            if day not in holidays:
                month = counts[day.weekday()]
                key = _month(day)
                month[key] = month.get(key, 0) + 1
            day += timedelta(days=1)
        return cls(period, holidays, counts)


def worker_hours(worker: Worker, calendar: Calendar, weekly_hours: float) -> dict[str, float]:
    """Give one worker's contact hours per month of the period (months without any omitted).

    Each ISO week gives fte × weekly_hours, spread evenly over the worker's workdays of that
    week; a workday that is outside the period, on leave or a public holiday carries none.
    So each available workday carries fte × weekly_hours / (number of workdays a week).
    """
    workdays = sorted({WEEKDAYS.index(code) for code in worker.workdays})
    if not workdays or worker.fte <= 0:
        return {}
    per_day = worker.fte * weekly_hours / len(workdays)
    days: dict[str, int] = {}
    for weekday in workdays:
        for month, count in calendar.days_per_month[weekday].items():
            days[month] = days.get(month, 0) + count
    period = calendar.period
    away: set[date] = set()  # leave periods may overlap: count each day once
    for start, end in worker.leave:
        day, last = max(start, period.first), min(end, period.last)
        while day <= last:
            if day.weekday() in workdays and day not in calendar.holidays:
                away.add(day)
            day += timedelta(days=1)
    for day in away:
        days[_month(day)] -= 1
    return {month: count * per_day for month, count in days.items() if count}


def supply(workers: Sequence[Worker], period: Period, weekly_hours: float) -> Supply:
    """Give the contact hours per role and month of `workers` over `period`."""
    calendar = Calendar.of(period)
    months = period.months()
    roles = {}
    for role in ROLES:
        total = dict.fromkeys(months, 0.0)
        people = 0
        fte = 0.0
        for worker in workers:
            if worker.role != role:
                continue
            if worker.counted:
                people += 1
            fte += worker.fte
            for month, hours in worker_hours(worker, calendar, weekly_hours).items():
                total[month] += hours
        roles[role] = RoleHours(role, total, people, fte)
    return Supply(weekly_hours, roles)


def workers_of(records: Records) -> list[Worker]:
    """Give a worker per coach of the records, in record order."""
    return [Worker.of(coach) for coach in records.coaches]


class BookedVisit(Protocol):
    """What `booked` reads of a visit (a plan's Visit, or a committed visit of the records)."""

    coach: str
    date: date
    hours: float
    kind: str


def committed_visits(records: Records) -> Iterable[tuple[str, BookedVisit]]:
    """Give (offer, visit) for the committed visits of the records that are not cancelled.

    The visits stored with a traject (SPEC 8, `Traject.visits`); records without that field
    give none. A cancelled traject's visits and cancelled visits do not count.
    """
    for traject in records.trajects:
        if traject.status == "cancelled":
            continue
        for visit in getattr(traject, "visits", None) or ():
            if getattr(visit, "state", None) == "cancelled":
                continue
            yield traject.offer, visit


def booked(
    visits: Iterable[tuple[str, BookedVisit]],
    records: Records,
    period: Period,
    *,
    plan: bool = False,
    planned_trajects: int = 0,
    unplanned_trajects: int = 0,
) -> Booked:
    """Give the hours of `visits` (offer, visit) dated in `period`, per role and month.

    The role is the visiting coach's role; a visit by a coach not in the records counts for
    the role of its offer (coaching and A-D: coach; BVV: support).
    """
    from mentes_cli.offers import catalogue

    roles_by_coach = {coach.id: coach.role for coach in records.coaches}
    months = period.months()
    totals = {role: dict.fromkeys(months, 0.0) for role in ROLES}
    for offer, visit in visits:
        if not period.covers(visit.date):
            continue
        known = catalogue().offers.get(offer)
        role = roles_by_coach.get(visit.coach) or (known.role if known else "coach")
        totals[role][_month(visit.date)] += float(visit.hours)
    return Booked(
        {role: RoleHours(role, totals[role]) for role in ROLES},
        plan,
        planned_trajects,
        unplanned_trajects,
    )
