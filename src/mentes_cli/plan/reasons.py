"""Why a traject cannot be placed: plain sentences naming the constraint, coaches and dates.

Only run for the trajects the planner leaves unplaced, so it may look at every day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentes_cli.models import WEEKDAYS
from mentes_cli.plan import constraints as c
from mentes_cli.plan.calendar import closure_on, opening_minutes
from mentes_cli.plan.constraints import ROLE_NAMES
from mentes_cli.plan.settings import clock, hours_text, lengths_text

if TYPE_CHECKING:
    from mentes_cli.models import Location, Traject
    from mentes_cli.plan.planner import Planner, _CoachDays, _LocationDays

# How many coaches, dates or periods a sentence names before it says "and N more".
SHOWN = 8


visits_text = lengths_text


def _more(items: list[str], what: str = "") -> str:
    shown = ", ".join(items[:SHOWN])
    if len(items) > SHOWN:
        shown += f" and {len(items) - SHOWN} more{what}"
    return shown


def periods_text(planner: Planner, days: list[int]) -> str:
    """Give sorted day numbers as runs of dates: "2027-02-15–2027-02-19, 2027-03-01"."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][1] + 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    texts = []
    for first, last in runs[: SHOWN + 1]:
        begin = planner.date_of(first).isoformat()
        texts.append(begin if first == last else f"{begin}–{planner.date_of(last).isoformat()}")
    if len(runs) > SHOWN:
        return ", ".join(texts[:SHOWN]) + f" and {len(runs) - SHOWN} more periods"
    return ", ".join(texts)


def place_text(location: Location) -> str:
    """Give where a location lies: "Antwerpen, district Berchem, postcode 2600"."""
    from mentes_cli.regions import place_for_postcode

    place = place_for_postcode(location.postcode)
    if place is None:
        return f"postcode {location.postcode}, unknown in regions.toml"
    district = f", district {place.district}" if place.district else ""
    return f"{place.municipality}{district}, postcode {location.postcode}"


def _placed_blockers(planner: Planner, traject: Traject, day) -> str:
    """Name the trajects placed in this plan that keep `traject` from its entitlement on `day`
    (by the frequency rule). Gives "" when none does (the blocking traject is then one of the
    history)."""
    placed = planner.placed_before(traject)
    dates = set(c.blocking(planner.records, traject, day, sorted({d for _, d in placed})))
    named = [
        f"{other_id}, placed in this plan on {first.isoformat()}"
        for other_id, first in placed
        if first in dates
    ]
    return f" That is {'; '.join(named)}." if named else ""


def reasons_for(planner: Planner, traject: Traject) -> list[str]:
    """Give every reason `traject` cannot be placed on the planner's current bookings."""
    settings = planner.settings
    demand = planner.demand(traject)
    location = planner.locations[traject.location][1]
    low, high = planner.window(traject)
    low_why = "earliest" if low > planner.first else "the plan's start"
    if low == planner.after_kept_intake(traject) and low > planner.first:
        low_why = "the day after the kept intake call,"
    high_why = "deadline" if high < planner.last else "the plan's end"
    if low > high:
        return [
            f"no day to plan in: {low_why} {planner.date_of(low).isoformat()} is after "
            f"{high_why} {planner.date_of(high).isoformat()}"
        ]
    why: dict = {}
    kept = planner.kept_by_traject.get(traject.id)
    if kept is not None and not planner.shapes_left(demand, kept):
        done = sorted(round(v.hours * 60) for v in kept.visits if v.kind == "visit")
        return [
            f"the kept visits ({visits_text(done)}) are not the visits of offer "
            f"{traject.offer} ({' or '.join(visits_text(s) for s in demand.shapes)})"
        ]
    if planner.find(traject, why) is not None:
        return ["no schedule found in this run, though one exists on its own (planner limit)"]
    answer = why.get("entitlement")
    family = c.family_name(traject.offer)
    if answer is not None:
        day = planner.date_of(why["day"]).isoformat()
        blockers = _placed_blockers(planner, traject, planner.date_of(why["day"]))
        if answer.next_free is None:
            return [f"not entitled to free {family} on {day}: {answer.reason}{blockers}"]
        return [
            f"not entitled to free {family} before {answer.next_free.isoformat()}, after "
            f"{high_why} {planner.date_of(high).isoformat()}: {answer.reason}{blockers}"
        ]
    raised: list[str] = []
    if why.get("low", low) > low:
        # The location is entitled only from a later day: say so before the rest.
        first = planner.entitlement(traject, low)
        low = why["low"]
        if not first.entitled:
            raised.append(
                f"not entitled to free {family} before {planner.date_of(low).isoformat()}: "
                f"{first.reason}"
            )

    location_days = planner.location_days(traject.location)
    shapes = planner.shapes_left(demand, kept)
    day_start = settings.day_start
    if location_days.limit is not None:
        opens, closes = opening_minutes(location)
        if location_days.limit < 0:
            return [
                *raised,
                f"{location.id} opens at {clock(opens)} ({location.opening_hours}), after the "
                f"visits' start time {clock(day_start)} (day_start in planning.toml)",
            ]
        shortest = min(max(lengths, default=0) for lengths, _ in shapes)
        if shortest > location_days.limit:
            return [
                *raised,
                f"{location.id} closes at {clock(closes)} ({location.opening_hours}): a visit "
                f"of {hours_text(shortest)} from {clock(day_start)} would end at "
                f"{clock(day_start + shortest)}",
            ]
    fitting = [
        (lengths, intake)
        for lengths, intake in shapes
        if location_days.limit is None or max(lengths, default=0) <= location_days.limit
    ]

    reasons: list[str] = []
    role_name = ROLE_NAMES[demand.role]
    named = kept.coach if kept is not None else traject.coach
    if named is not None:
        state = planner.days.get(named)
        if state is None:
            return [*raised, f"coach {named} of the kept visits is not in the records"]
        coach = state.coach
        whose = "the kept visits'" if kept is not None else "the traject's"
        if coach.role != demand.role:
            return [
                *raised,
                f"{whose} coach {coach.id} is a {ROLE_NAMES[coach.role]}; offer "
                f"{traject.offer} needs a {role_name}",
            ]
        if kept is None and not planner.serves_in(coach, location, low, high):
            return [
                *raised,
                f"{whose} coach {coach.id} does not serve {location.id} "
                f"({place_text(location)}; areas: {', '.join(coach.areas)})",
            ]
        candidates = [state]
    else:
        wrong_role = [other for other in planner.coaches if other.role != demand.role]
        elsewhere = [
            other
            for other in planner.coaches
            if other.role == demand.role
            and not planner.serves_in(other, location, planner.first, planner.last)
        ]
        candidates = planner.candidates(traject, demand)
        if not candidates:
            reasons.append(f"no {role_name} serves {location.id} ({place_text(location)})")
        if wrong_role and not candidates:
            reasons.append(
                f"wrong role (offer {traject.offer} needs a {role_name}): "
                + _more([other.id for other in wrong_role], " coaches")
            )
        for coach in elsewhere[:SHOWN]:
            reasons.append(
                f"{coach.id} does not serve {location.id} (areas: {', '.join(coach.areas)})"
            )
        if len(elsewhere) > SHOWN:
            reasons.append(
                f"and {len(elsewhere) - SHOWN} more {role_name}s who do not serve {location.id}"
            )
    reasons[:0] = raised
    for state in candidates:
        reasons.append(
            _coach_reason(planner, traject, demand, state, location_days, fitting, low, high)
        )
    return reasons or ["no feasible schedule found"]


def _coach_reason(
    planner,
    traject,
    demand,
    state: _CoachDays,
    location_days: _LocationDays,
    shapes,
    low: int,
    high: int,
) -> str:
    settings = planner.settings
    coach = state.coach
    usable = [
        (lengths, intake) for lengths, intake in shapes if max(lengths, default=0) <= state.day_cap
    ]
    if not usable:
        longest = min(max(lengths, default=0) for lengths, _ in shapes)
        return (
            f"{coach.id} works at most {hours_text(state.day_cap)} a day; the visits last "
            f"{hours_text(longest)}"
        )
    smallest = min(max(lengths, default=0) for lengths, _ in usable)
    if state.week_cap < smallest:
        return (
            f"{coach.id}'s weekly share is {hours_text(state.week_cap)} ({coach.fte:g} FTE × "
            f"{settings.weekly_contact_minutes_per_fte / 60:g} h), less than a visit of "
            f"{hours_text(smallest)}"
        )
    lengths, needs_intake = usable[-1]
    kept = planner.kept_by_traject.get(traject.id)
    fixed = (
        tuple(planner.index_of(v.date) for v in kept.visits if v.kind == "visit") if kept else ()
    )
    intake = demand.intake if needs_intake else 0
    intake_high = min(fixed) - 1 if fixed else high
    area = planner.area(coach, location_days.location)
    _days, intake_day, placed = planner.chain(
        state, area, location_days, lengths, demand.gap, low, high, intake, fixed, intake_high
    )
    between = f"between {planner.date_of(low).isoformat()} and {planner.date_of(high).isoformat()}"
    if intake and intake_day < 0:
        head = (
            f"{coach.id}: no workday with room for the {hours_text(intake)} intake call {between}"
        )
    else:
        head = (
            f"{coach.id}: room for only {placed} of {len(lengths)} visits "
            f"({visits_text(lengths)}, at least {demand.gap} days apart) {between}"
        )
        others = [visits_text(s) for s, _ in shapes if s != lengths]
        if others:
            head += f"; {' or '.join(others)} did not fit either"
    free, blocked = _day_causes(
        planner, state, area, location_days, min(lengths, default=0), low, high, fixed, demand.gap
    )
    parts = [head]
    if free:
        shown = ", ".join(planner.date_of(d).isoformat() for d in free[:SHOWN])
        more = f" and {len(free) - SHOWN} more dates" if len(free) > SHOWN else ""
        parts.append(f"free dates: {shown}{more}")
    else:
        parts.append("no free date")
    for cause, days_of_cause in blocked:
        parts.append(f"{cause}: {days_of_cause}")
    return "; ".join(parts)


def _day_causes(
    planner,
    state: _CoachDays,
    area: bytearray | None,
    location_days: _LocationDays,
    minutes: int,
    low: int,
    high: int,
    fixed,
    gap: int,
) -> tuple[list[int], list[tuple[str, str]]]:
    """Give the free days for a visit of `minutes`, and why each other day is not free.

    Works on the planner's day arrays (day 0 is a Monday), so it costs little per day.
    """
    coach = state.coach
    location = location_days.location
    opened = location_days.open
    works = state.works
    booked = state.location
    week = state.week
    cap = state.week_cap
    holidays = planner.holidays
    opening = set(location.opening_days)
    workdays = set(coach.workdays)
    not_open = f"{location.id} not open (opening days {', '.join(location.opening_days)})"
    not_working = f"not a workday of {coach.id} (workdays {', '.join(coach.workdays)})"
    week_full = f"{coach.id}'s week full ({hours_text(cap)} a week)"
    found: dict[str, list[int]] = {}
    counted: dict[str, int] = {}
    order: list[str] = []
    free: list[int] = []

    def add(cause: str, index: int, count_only: bool = False) -> None:
        if cause not in found and cause not in counted:
            order.append(cause)
        if count_only:
            counted[cause] = counted.get(cause, 0) + 1
        else:
            found.setdefault(cause, []).append(index)

    for index in range(low, high + 1):
        code = WEEKDAYS[index % 7]
        if index in holidays:
            add("public holiday", index)
        elif not opened[index]:
            if code not in opening:
                add(not_open, index, count_only=True)
            else:
                closed = closure_on(location, planner.date_of(index)) or "closed"
                add(f"{location.id} closed" + ("" if closed == "closed" else f" ({closed})"), index)
        elif not works[index]:
            if code not in workdays:
                add(not_working, index, count_only=True)
            else:
                add(f"{coach.id} on leave", index)
        elif area is not None and not area[index]:
            add(f"{coach.id} does not serve {location.id} ({place_text(location)})", index)
        elif booked[index] is not None:
            add(f"{coach.id} already at {booked[index]}", index)
        elif week[index // 7] + minutes > cap:
            add(week_full, index)
        elif fixed and any(abs(index - other) < gap for other in fixed):
            add("too close to a kept visit", index)
        else:
            free.append(index)
    blocked = []
    for cause in order:
        if cause in counted:
            count = counted[cause]
            blocked.append((cause, f"{count} day" + ("" if count == 1 else "s")))
        elif cause == "public holiday":
            days = found[cause]
            text = ", ".join(
                f"{planner.date_of(d).isoformat()} ({holidays[d]})" for d in days[:SHOWN]
            )
            if len(days) > SHOWN:
                text += f" and {len(days) - SHOWN} more holidays"
            blocked.append((cause, text))
        else:
            blocked.append((cause, periods_text(planner, found[cause])))
    return free, blocked
