"""The hard constraints of SPEC 5, each written once.

Every constraint is one named `Constraint`: its tag (the word in brackets after a checker's
sentence), where SPEC 5 states it, the day it is judged on, and the parameters it reads. The
rule itself is a plain function below it, taking values (a coach, a location, a day, the
settings) and giving a yes/no or the cause. Three readers share them:

- the checker (`plan/check.py`) judges a plan visit by visit with the functions and names
  each broken rule by its constraint;
- the planner (`plan/planner.py`) builds its day arrays from the same functions once per run
  (`day_mask`, `area_mask`) and searches on those;
- the reasons for an unplaced traject (`plan/reasons.py`) say which constraint stood in the
  way, day by day, from the same arrays.

A new constraint is one entry here, one function, and its use in those three places.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from mentes_cli.models import WEEKDAYS, Coach, Location, Records, Traject
from mentes_cli.plan.calendar import closure_on, opening_minutes, public_holiday
from mentes_cli.plan.model import Sentence, _, words

if TYPE_CHECKING:
    from mentes_cli.plan.settings import PlanningSettings

# The days a constraint is judged on.
VISIT_DAY = "each visit's day"
COACH_DAY = "each coach's day"
ISO_WEEK = "each ISO week of a coach"
FIRST_VISIT_DAY = "the traject's first visit day"
TRAJECT = "the traject's visits together"
PLAN = "the plan as a whole"


@dataclass(frozen=True)
class Constraint:
    """One hard constraint of SPEC 5."""

    tag: str
    spec: str
    judged_on: str
    parameters: tuple[str, ...]
    rule: str


def _c(tag: str, spec: str, judged_on: str, parameters: tuple[str, ...], rule: str) -> Constraint:
    return Constraint(tag, spec, judged_on, parameters, rule)


# --- the registry ----------------------------------------------------------------------

RECORDS = _c("records", "SPEC 5", VISIT_DAY, (), "a visit names a traject, coach and location")
LOCATION = _c("location", "SPEC 5", VISIT_DAY, (), "a visit is at its traject's location")
STATUS = _c(
    "status", "SPEC 5", VISIT_DAY, (), "only approved, planned, active or done trajects have visits"
)
QUARTER_HOURS = _c("quarter hours", "SPEC 5.1", VISIT_DAY, ("hour_step",), "hours are whole steps")
VISITS = _c(
    "visits",
    "SPEC 5.1",
    TRAJECT,
    ("offers.toml", "tariffs.toml", "hour_step"),
    "the visits are the offer's shape",
)
INTAKE = _c(
    "intake",
    "SPEC 5.1, 5.6",
    TRAJECT,
    ("offers.toml", "tariffs.toml"),
    "a paid package has the intake call of its price list, others none",
)
START_TIME = _c("start time", "SPEC 5.1", VISIT_DAY, ("day_start",), "visits start at day_start")
OPENING_HOURS = _c(
    "opening hours",
    "SPEC 5.1",
    VISIT_DAY,
    ("day_start", "location.opening_hours"),
    "a visit ends within the location's opening hours",
)
HOLIDAY = _c("holiday", "SPEC 5.2", VISIT_DAY, (), "never on a Belgian public holiday")
OPENING_DAYS = _c(
    "opening days", "SPEC 5.2", VISIT_DAY, ("location.opening_days",), "the location is open"
)
CLOSURE = _c("closure", "SPEC 5.2", VISIT_DAY, ("location.closures",), "not in a closure")
WORKDAYS = _c("workdays", "SPEC 5.3", VISIT_DAY, ("coach.workdays",), "on a workday of the coach")
LEAVE = _c("leave", "SPEC 5.3", VISIT_DAY, ("coach.leave",), "never on the coach's leave")
ONE_LOCATION = _c(
    "one location a day", "SPEC 5.3", COACH_DAY, (), "a coach is at one location a day"
)
HOURS_PER_DAY = _c(
    "hours per day",
    "SPEC 5.3",
    COACH_DAY,
    ("max_hours_per_day", "coach.max_hours_per_day"),
    "at most the coach's day on location",
)
OVERLAP = _c("overlap", "SPEC 5.3", COACH_DAY, (), "a coach's visits and calls do not overlap")
WEEKLY_HOURS = _c(
    "weekly hours",
    "SPEC 5.3",
    ISO_WEEK,
    ("weekly_contact_hours_per_fte", "coach.fte", "hour_step"),
    "at most fte × weekly contact hours, rounded down to a quarter hour",
)
ONE_COACH = _c("one coach", "SPEC 5.4", TRAJECT, (), "one coach for the whole traject")
ROLE = _c("role", "SPEC 5.4", VISIT_DAY, ("coach.role", "offers.toml"), "the role the offer needs")
AREA = _c(
    "area",
    "SPEC 5.4",
    VISIT_DAY,
    ("coach.areas", "regions.toml"),
    "the coach serves the location's area on the visit's day",
)
GAP = _c(
    "gap",
    "SPEC 5.5",
    TRAJECT,
    ("min_gap_days", "offers.toml"),
    "visits at least the offer's min_gap_days apart",
)
EARLIEST = _c(
    "earliest",
    "SPEC 5.5",
    VISIT_DAY,
    ("traject.earliest", "traject.requested_on"),
    "not before earliest, nor before the request",
)
DEADLINE = _c("deadline", "SPEC 5.5", VISIT_DAY, ("traject.deadline",), "not after deadline")
PLAN_WINDOW = _c("plan window", "SPEC 5.5", VISIT_DAY, ("--end",), "not after the plan's end")
INTAKE_FIRST = _c(
    "intake before first visit", "SPEC 5.6", TRAJECT, (), "the intake call comes first"
)
ENTITLEMENT = _c(
    "entitlement",
    "SPEC 5, 3",
    FIRST_VISIT_DAY,
    ("rules.toml", "regions.toml"),
    "a free traject's location is entitled on its first visit day",
)
EVERY_APPROVED = _c(
    "every approved traject",
    "SPEC 5",
    PLAN,
    (),
    "every approved traject is planned, unplanned or incomplete",
)

REGISTRY: tuple[Constraint, ...] = (
    RECORDS,
    LOCATION,
    STATUS,
    QUARTER_HOURS,
    VISITS,
    INTAKE,
    START_TIME,
    OPENING_HOURS,
    HOLIDAY,
    OPENING_DAYS,
    CLOSURE,
    WORKDAYS,
    LEAVE,
    ONE_LOCATION,
    HOURS_PER_DAY,
    OVERLAP,
    WEEKLY_HOURS,
    ONE_COACH,
    ROLE,
    AREA,
    GAP,
    EARLIEST,
    DEADLINE,
    PLAN_WINDOW,
    INTAKE_FIRST,
    ENTITLEMENT,
    EVERY_APPROVED,
)
BY_TAG = {constraint.tag: constraint for constraint in REGISTRY}

# How a person reads each tag (in brackets after a checker's sentence), per language.
TAG_NAMES = {
    "records": _("records"),
    "location": _("location"),
    "status": _("status"),
    "quarter hours": _("quarter hours"),
    "visits": _("visits"),
    "intake": _("intake"),
    "start time": _("start time"),
    "opening hours": _("opening hours"),
    "holiday": _("holiday"),
    "opening days": _("opening days"),
    "closure": _("closure"),
    "workdays": _("workdays"),
    "leave": _("leave"),
    "one location a day": _("one location a day"),
    "hours per day": _("hours per day"),
    "overlap": _("overlap"),
    "weekly hours": _("weekly hours"),
    "one coach": _("one coach"),
    "role": _("role"),
    "area": _("area"),
    "gap": _("gap"),
    "earliest": _("earliest"),
    "deadline": _("deadline"),
    "plan window": _("plan window"),
    "intake before first visit": _("intake before first visit"),
    "entitlement": _("entitlement"),
    "every approved traject": _("every approved traject"),
}


def tagged(message: Sentence, tag: str) -> Sentence:
    """Give a sentence about a broken rule with the rule's tag in brackets ("… [leave]")."""
    return _("{message} [{tag}]", message=message, tag=TAG_NAMES[tag])


# Trajects of these statuses may have visits in a plan (the others are requested or
# cancelled).
VISIT_STATUSES = ("approved", "planned", "active", "done")
ROLE_NAMES = {"coach": _("pedagogical coach"), "support": _("regional supporter")}
ROLE_PLURALS = {"coach": _("pedagogical coaches"), "support": _("regional supporters")}


# --- the rules, judged on one day ---------------------------------------------------------


def role_of(offer: str) -> str:
    """Give the role a traject of `offer` needs (ROLE), from the catalogue (offers.toml)."""
    from mentes_cli.offers import catalogue

    return catalogue().offer(offer).role


def family_name(offer: str) -> Sentence:
    """Give the name of the family of `offer`, in English and in the chosen language."""
    from mentes_cli.offers import catalogue

    family = catalogue().family_of(offer)
    return words(family.name("en"), family.name)


def location_closed(location: Location, day: date) -> Constraint | None:
    """Give the constraint that keeps a visit at `location` off `day`, or None (SPEC 5.2)."""
    if public_holiday(day):
        return HOLIDAY
    if WEEKDAYS[day.weekday()] not in location.opening_days:
        return OPENING_DAYS
    if closure_on(location, day) is not None:
        return CLOSURE
    return None


def coach_away(coach: Coach, day: date) -> Constraint | None:
    """Give the constraint that keeps `coach` from working on `day`, or None (SPEC 5.3)."""
    if public_holiday(day):
        return HOLIDAY
    if WEEKDAYS[day.weekday()] not in coach.workdays:
        return WORKDAYS
    if coach.is_on_leave(day):
        return LEAVE
    return None


def serves(coach: Coach, location: Location, day: date) -> bool:
    """Give whether `coach` serves the area of `location` on `day` (AREA, SPEC 5.4)."""
    if not coach.areas:
        return True
    from mentes_cli import regions

    place = regions.place_for_postcode(location.postcode)
    return place is not None and regions.serves(coach.areas, place, day)


def visit_limit(location: Location, day_start: int) -> int | None:
    """Give the longest visit from `day_start` the opening hours allow, in minutes.

    None when the location gives no hours; -1 when it opens after `day_start`
    (OPENING_HOURS, SPEC 5.1).
    """
    hours = opening_minutes(location)
    if hours is None:
        return None
    opens, closes = hours
    return closes - day_start if opens <= day_start else -1


def weekly_cap(settings: PlanningSettings, coach: Coach) -> int:
    """Give a coach's weekly share in minutes (WEEKLY_HOURS)."""
    return settings.weekly_cap(coach.fte)


def day_cap(settings: PlanningSettings, coach: Coach) -> int:
    """Give a coach's longest day on location in minutes (HOURS_PER_DAY)."""
    return settings.day_cap(coach.max_hours_per_day)


def gap_days(settings: PlanningSettings, offer: str) -> int:
    """Give the least number of days between two visits of `offer` (GAP)."""
    return settings.gap_for(offer)


# --- the same rules as day arrays, for the planner -----------------------------------------


def day_mask(
    origin: date,
    size: int,
    weekdays: Iterable[str],
    periods: Iterable,
    holidays: Iterable[int],
) -> bytearray:
    """Give 1 for each day number (day 0 is `origin`, a Monday) on one of `weekdays`, outside
    `periods` (closures or leave) and the day numbers in `holidays`."""
    wanted = set(weekdays)
    pattern = bytes(1 if code in wanted else 0 for code in WEEKDAYS)
    mask = bytearray((pattern * (size // 7 + 1))[:size])
    for index in holidays:
        if 0 <= index < size:
            mask[index] = 0
    for period in periods:
        first = max(0, (period.start - origin).days)
        last = min(size - 1, (period.end - origin).days)
        if first <= last:
            mask[first : last + 1] = bytes(last - first + 1)
    return mask


def area_change_days() -> list[date]:
    """Give the days on which a scope of regions.toml changes (its `valid_from` dates)."""
    from mentes_cli.reference import load_reference
    from mentes_cli.regions import FILE

    return sorted(
        {
            entry["valid_from"]
            for entry in load_reference(FILE).get("scopes", [])
            if isinstance(entry, dict) and type(entry.get("valid_from")) is date
        }
    )


def area_mask(coach: Coach, location: Location, origin: date, size: int) -> bytearray | None:
    """Give 1 for each day the coach serves the location (AREA), or None when on every day.

    The answer changes only on the days a scope changes, so it is asked once per stretch.
    """
    if not coach.areas:
        return None
    cuts = [0, *((d - origin).days for d in area_change_days() if 0 < (d - origin).days < size)]
    cuts.append(size)
    mask = bytearray(size)
    every = True
    for begin, end in itertools.pairwise(cuts):
        if begin >= end:
            continue
        if serves(coach, location, origin + timedelta(days=begin)):
            mask[begin:end] = b"\x01" * (end - begin)
        else:
            every = False
    return None if every else mask


# --- entitlement ---------------------------------------------------------------------------


def entitlement_history(records: Records, as_of: date) -> dict[tuple[str, str], list[date]]:
    """Give, per (location, family), the dates of the trajects that use an entitlement and are
    not planned in this run (ENTITLEMENT).

    Which statuses use one comes from rules.toml ([entitlement] statuses), as in the
    eligibility engine; approved trajects are left out because the plan counts those it
    places before each one in the queue (SPEC 5).
    """
    from mentes_cli.eligibility import entitlement_date, family_of_offer, uses_entitlement

    found: dict[tuple[str, str], list[date]] = {}
    for traject in records.trajects:
        if traject.status == "approved" or not uses_entitlement(traject):
            continue
        key = (traject.location, family_of_offer(traject.offer))
        found.setdefault(key, []).append(entitlement_date(traject, as_of))
    return found


def family_of(traject: Traject) -> str:
    """Give the offer family of a traject."""
    from mentes_cli.eligibility import family_of_offer

    return family_of_offer(traject.offer)


def entitled(records: Records, traject: Traject, day: date, used: Iterable[date]):
    """Give the eligibility engine's answer for a free traject whose first visit is `day`,
    counting exactly the dates `used` (ENTITLEMENT)."""
    from mentes_cli.eligibility import free_entitlement

    return free_entitlement(records, traject.location, family_of(traject), day, sorted(used))


def blocking(
    records: Records, traject: Traject, day: date, candidates: Iterable[date]
) -> list[date]:
    """Give the dates among `candidates` that each alone keep `traject` from being entitled on
    `day` by the frequency rule (used to name the trajects that stand in the way)."""
    found = []
    for used in candidates:
        answer = entitled(records, traject, day, [used])
        if not answer.entitled and answer.next_free is not None:
            found.append(used)
    return found
