"""Why a traject cannot be placed: plain sentences naming the constraint, coaches and dates.

Only run for the trajects the planner leaves unplaced, so it may look at every day. Each
reason is a `Sentence` (plan/model.py): English where programs read it (JSON, CSV), made of
a message and its facts, so that the terminal says it in the chosen language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentes_cli import i18n
from mentes_cli.models import WEEKDAYS
from mentes_cli.plan import constraints as c
from mentes_cli.plan.calendar import closure_on, opening_minutes
from mentes_cli.plan.constraints import ROLE_NAMES, ROLE_PLURALS
from mentes_cli.plan.model import Sentence, _, a_day, joined, n_, words
from mentes_cli.plan.settings import clock, hours_text, lengths_text

if TYPE_CHECKING:
    from mentes_cli.models import Location, Traject
    from mentes_cli.plan.planner import Planner, _CoachDays, _LocationDays

# How many coaches, dates or periods a sentence names before it says "and N more".
SHOWN = 8


visits_text = lengths_text


def _more_coaches(items: list[str]) -> Sentence:
    shown = joined(items[:SHOWN], ", ")
    if len(items) > SHOWN:
        return n_(
            "{shown} and {count} more coach",
            "{shown} and {count} more coaches",
            len(items) - SHOWN,
            shown=shown,
        )
    return shown


def periods_text(planner: Planner, days: list[int]) -> Sentence:
    """Give sorted day numbers as runs of dates: "2027-02-15–2027-02-19, 2027-03-01"."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][1] + 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    texts: list[str] = []
    for first, last in runs[: SHOWN + 1]:
        begin = planner.date_of(first)
        texts.append(
            a_day(begin)
            if first == last
            else _("{first}–{last}", first=begin, last=planner.date_of(last))
        )
    if len(runs) > SHOWN:
        return n_(
            "{shown} and {count} more period",
            "{shown} and {count} more periods",
            len(runs) - SHOWN,
            shown=joined(texts[:SHOWN], ", "),
        )
    return joined(texts, ", ")


def place_text(location: Location) -> Sentence:
    """Give where a location lies: "Antwerpen, district Berchem, postcode 2600"."""
    from mentes_cli.regions import place_for_postcode

    place = place_for_postcode(location.postcode)
    if place is None:
        return _(
            "postcode {postcode}, not a Belgian postcode mentes knows", postcode=location.postcode
        )
    if place.district:
        return _(
            "{municipality}, district {district}, postcode {postcode}",
            municipality=place.municipality,
            district=place.district,
            postcode=location.postcode,
        )
    return _(
        "{municipality}, postcode {postcode}",
        municipality=place.municipality,
        postcode=location.postcode,
    )


def _placed_blockers(planner: Planner, traject: Traject, day) -> Sentence:
    """Name the trajects placed in this plan that keep `traject` from its entitlement on `day`
    (by the frequency rule). Gives "" when none does (the blocking traject is then one of the
    history)."""
    placed = planner.placed_before(traject)
    dates = set(c.blocking(planner.records, traject, day, sorted({d for _, d in placed})))
    named = [
        _("{traject}, placed in this plan on {day}", traject=other_id, day=first)
        for other_id, first in placed
        if first in dates
    ]
    return _(" That is {trajects}.", trajects=joined(named, "; ")) if named else joined([], "")


def _eligibility(answer) -> Sentence:
    """Give the eligibility engine's reason; its own words, said in the chosen language when
    the engine gives a way to (`said()`), else its English text."""
    return answer.reason if isinstance(answer.reason, Sentence) else joined([answer.reason], "")


def weekdays_text(codes) -> Sentence:
    """Give weekday codes ("mon", "tue") as the language writes them short ("ma, di")."""
    from datetime import date, timedelta

    from mentes_cli import i18n

    monday = date(2024, 1, 1)

    def spoken() -> str:
        from babel.dates import format_date

        return ", ".join(
            format_date(
                monday + timedelta(days=WEEKDAYS.index(code)), "EEE", locale=i18n.locale()
            ).rstrip(".")
            if code in WEEKDAYS
            else code
            for code in codes
        )

    return words(", ".join(codes), spoken)


def either(items: list[Sentence]) -> Sentence:
    """Give "a or b or c" in the chosen language."""
    found = items[0]
    for item in items[1:]:
        found = _("{first} or {second}", first=found, second=item)
    return found


def reasons_for(planner: Planner, traject: Traject) -> list[Sentence]:
    """Give every reason `traject` cannot be placed on the planner's current bookings."""
    settings = planner.settings
    demand = planner.demand(traject)
    location = planner.locations[traject.location][1]
    low, high = planner.window(traject)
    # English says "earliest 2027-02-01 is after deadline 2027-01-31"; Dutch needs the article.
    earliest = words("earliest", lambda: i18n._("the earliest day"))
    low_why = earliest if low > planner.first else _("the plan's start")
    asked = traject.requested_on
    if (
        asked is not None
        and low > planner.first
        and low == planner.index_of(asked)
        and (traject.earliest is None or asked > traject.earliest)
    ):
        low_why = _("the request date")
    if low == planner.after_kept_intake(traject) and low > planner.first:
        low_why = _("the day after the kept intake call,")
    deadline = words("deadline", lambda: i18n._("the deadline"))
    high_why = deadline if high < planner.last else _("the plan's end")
    if low > high:
        return [
            _(
                "no day to plan in: {low_why} {low} is after {high_why} {high}",
                low_why=low_why,
                low=planner.date_of(low),
                high_why=high_why,
                high=planner.date_of(high),
            )
        ]
    why: dict = {}
    kept = planner.kept_by_traject.get(traject.id)
    if kept is not None and not planner.shapes_left(demand, kept):
        done = sorted(round(v.hours * 60) for v in kept.visits if v.kind == "visit")
        return [
            _(
                "the kept visits ({kept}) are not the visits of offer {offer} ({visits})",
                kept=visits_text(done),
                offer=traject.offer,
                visits=either([visits_text(s) for s in demand.shapes]),
            )
        ]
    if planner.find(traject, why) is not None:
        return [_("no schedule found in this run, though one exists on its own (planner limit)")]
    answer = why.get("entitlement")
    family = c.family_name(traject.offer)
    if answer is not None:
        day = planner.date_of(why["day"])
        blockers = _placed_blockers(planner, traject, day)
        if answer.next_free is None:
            return [
                _(
                    "not entitled to free {family} on {day}: {reason}{blockers}",
                    family=family,
                    day=day,
                    reason=_eligibility(answer),
                    blockers=blockers,
                )
            ]
        return [
            _(
                "not entitled to free {family} before {next_free}, after {high_why} {high}: "
                "{reason}{blockers}",
                family=family,
                next_free=answer.next_free,
                high_why=high_why,
                high=planner.date_of(high),
                reason=_eligibility(answer),
                blockers=blockers,
            )
        ]
    raised: list[Sentence] = []
    if why.get("low", low) > low:
        # The location is entitled only from a later day: say so before the rest.
        first = planner.entitlement(traject, low)
        low = why["low"]
        if not first.entitled:
            raised.append(
                _(
                    "not entitled to free {family} before {day}: {reason}",
                    family=family,
                    day=planner.date_of(low),
                    reason=_eligibility(first),
                )
            )

    location_days = planner.location_days(traject.location)
    shapes = planner.shapes_left(demand, kept)
    day_start = settings.day_start
    if location_days.limit is not None:
        opens, closes = opening_minutes(location)
        if location_days.limit < 0:
            return [
                *raised,
                _(
                    "{location} opens at {opens} ({hours}), after the visits' start time "
                    "{start} (the centre's planning setting)",
                    location=location.id,
                    opens=clock(opens),
                    hours=location.opening_hours,
                    start=clock(day_start),
                ),
            ]
        shortest = min(max(lengths, default=0) for lengths, _shape in shapes)
        if shortest > location_days.limit:
            return [
                *raised,
                _(
                    "{location} closes at {closes} ({hours}): a visit of {length} from {start} "
                    "would end at {end}",
                    location=location.id,
                    closes=clock(closes),
                    hours=location.opening_hours,
                    length=hours_text(shortest),
                    start=clock(day_start),
                    end=clock(day_start + shortest),
                ),
            ]
    fitting = [
        (lengths, intake)
        for lengths, intake in shapes
        if location_days.limit is None or max(lengths, default=0) <= location_days.limit
    ]

    reasons: list[Sentence] = []
    # The coaches who do not serve the area: said last, after the coaches who could have
    # taken the traject and why they could not (the reason that binds).
    outside: list[Sentence] = []
    role_name = ROLE_NAMES[demand.role]
    named = kept.coach if kept is not None else traject.coach
    if named is not None:
        state = planner.days.get(named)
        if state is None:
            return [
                *raised,
                _("coach {coach} of the kept visits is not in the records", coach=named),
            ]
        coach = state.coach
        if coach.role != demand.role:
            facts = {
                "coach": coach.id,
                "role": ROLE_NAMES[coach.role],
                "offer": traject.offer,
                "needed": role_name,
            }
            if kept is not None:
                wrong = _(
                    "the kept visits' coach {coach} is a {role}; offer {offer} needs a {needed}",
                    **facts,
                )
            else:
                wrong = _(
                    "the traject's coach {coach} is a {role}; offer {offer} needs a {needed}",
                    **facts,
                )
            return [*raised, wrong]
        if kept is None and not planner.serves_in(coach, location, low, high):
            return [
                *raised,
                _(
                    "the traject's coach {coach} does not serve {location} ({place}; areas: "
                    "{areas})",
                    coach=coach.id,
                    location=location.id,
                    place=place_text(location),
                    areas=", ".join(coach.areas),
                ),
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
            reasons.append(
                _(
                    "no {role} serves {location} ({place})",
                    role=role_name,
                    location=location.id,
                    place=place_text(location),
                )
            )
        if wrong_role and not candidates:
            reasons.append(
                _(
                    "wrong role (offer {offer} needs a {role}): {coaches}",
                    offer=traject.offer,
                    role=role_name,
                    coaches=_more_coaches([other.id for other in wrong_role]),
                )
            )
        for coach in elsewhere[:SHOWN]:
            outside.append(
                _(
                    "{coach} does not serve {location} (areas: {areas})",
                    coach=coach.id,
                    location=location.id,
                    areas=", ".join(coach.areas),
                )
            )
        if len(elsewhere) > SHOWN:
            outside.append(
                _(
                    "and {count} more {roles} who do not serve {location}",
                    count=len(elsewhere) - SHOWN,
                    roles=ROLE_PLURALS[demand.role],
                    location=location.id,
                )
            )
    reasons[:0] = raised
    for state in candidates:
        reasons.append(
            _coach_reason(planner, traject, demand, state, location_days, fitting, low, high)
        )
    reasons += outside
    return reasons or [_("no feasible schedule found")]


def _coach_reason(
    planner,
    traject,
    demand,
    state: _CoachDays,
    location_days: _LocationDays,
    shapes,
    low: int,
    high: int,
) -> Sentence:
    settings = planner.settings
    coach = state.coach
    usable = [
        (lengths, intake) for lengths, intake in shapes if max(lengths, default=0) <= state.day_cap
    ]
    if not usable:
        longest = min(max(lengths, default=0) for lengths, _shape in shapes)
        return _(
            "{coach} works at most {cap} a day; the visits last {length}",
            coach=coach.id,
            cap=hours_text(state.day_cap),
            length=hours_text(longest),
        )
    smallest = min(max(lengths, default=0) for lengths, _shape in usable)
    if state.week_cap < smallest:
        return _(
            "{coach}'s weekly share is {share} ({fte} FTE × {per_fte} h), less than a visit "
            "of {length}",
            coach=coach.id,
            share=hours_text(state.week_cap),
            fte=float(coach.fte),
            per_fte=settings.weekly_contact_minutes_per_fte / 60,
            length=hours_text(smallest),
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
    between = _(
        "between {first} and {last}", first=planner.date_of(low), last=planner.date_of(high)
    )
    if intake and intake_day < 0:
        head = _(
            "{coach}: no workday with room for the {length} intake call {between}",
            coach=coach.id,
            length=hours_text(intake),
            between=between,
        )
    else:
        head = _(
            "{coach}: room for only {placed} of {count} visits ({visits}, at least {gap} days "
            "apart) {between}",
            coach=coach.id,
            placed=placed,
            count=len(lengths),
            visits=visits_text(lengths),
            gap=demand.gap,
            between=between,
        )
        others = [visits_text(s) for s, _shape in shapes if s != lengths]
        if others:
            head = joined([head, _("{visits} did not fit either", visits=either(others))], "; ")
    free, blocked = _day_causes(
        planner, state, area, location_days, min(lengths, default=0), low, high, fixed, demand.gap
    )
    parts: list[Sentence] = [head]
    if free:
        shown = joined([a_day(planner.date_of(d)) for d in free[:SHOWN]], ", ")
        if len(free) > SHOWN:
            shown = n_(
                "{shown} and {count} more date",
                "{shown} and {count} more dates",
                len(free) - SHOWN,
                shown=shown,
            )
        parts.append(_("free dates: {dates}", dates=shown))
    else:
        parts.append(_("no free date"))
    for cause, days_of_cause in blocked:
        parts.append(joined([cause, days_of_cause], ": "))
    return joined(parts, "; ")


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
) -> tuple[list[int], list[tuple[Sentence, Sentence]]]:
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
    not_open = _(
        "{location} not open (opening days {days})",
        location=location.id,
        days=weekdays_text(location.opening_days),
    )
    not_working = _(
        "not a workday of {coach} (workdays {days})",
        coach=coach.id,
        days=weekdays_text(coach.workdays),
    )
    week_full = _("{coach}'s week full ({cap} a week)", coach=coach.id, cap=hours_text(cap))
    holiday = _("public holiday")
    found: dict[Sentence, list[int]] = {}
    counted: dict[Sentence, int] = {}
    order: list[Sentence] = []
    free: list[int] = []
    at: dict[str, Sentence] = {}

    def booked_cause(where: str) -> Sentence:
        # One cause per location the coach is booked at, for the first few; the days at any
        # further location are one cause, so that the reason stays short for a busy coach.
        if where not in at:
            at[where] = (
                _("{coach} already at {location}", coach=coach.id, location=where)
                if len(at) < SHOWN
                else _("{coach} already at other locations", coach=coach.id)
            )
        return at[where]

    def add(cause: Sentence, index: int, count_only: bool = False) -> None:
        if cause not in found and cause not in counted:
            order.append(cause)
        if count_only:
            counted[cause] = counted.get(cause, 0) + 1
        else:
            found.setdefault(cause, []).append(index)

    for index in range(low, high + 1):
        code = WEEKDAYS[index % 7]
        if index in holidays:
            add(holiday, index)
        elif not opened[index]:
            if code not in opening:
                add(not_open, index, count_only=True)
            else:
                closed = closure_on(location, planner.date_of(index)) or "closed"
                if closed == "closed":
                    add(_("{location} closed", location=location.id), index)
                else:
                    add(
                        _("{location} closed ({why})", location=location.id, why=closed),
                        index,
                    )
        elif not works[index]:
            if code not in workdays:
                add(not_working, index, count_only=True)
            else:
                add(_("{coach} on leave", coach=coach.id), index)
        elif area is not None and not area[index]:
            add(
                _(
                    "{coach} does not serve {location} ({place})",
                    coach=coach.id,
                    location=location.id,
                    place=place_text(location),
                ),
                index,
            )
        elif booked[index] is not None:
            add(booked_cause(booked[index]), index)
        elif week[index // 7] + minutes > cap:
            add(week_full, index)
        elif fixed and any(abs(index - other) < gap for other in fixed):
            add(_("too close to a kept visit"), index)
        else:
            free.append(index)
    blocked = []
    for cause in order:
        if cause in counted:
            blocked.append((cause, n_("{count} day", "{count} days", counted[cause])))
        elif cause is holiday:
            days = found[cause]
            text = joined(
                [
                    _("{day} ({holiday})", day=planner.date_of(d), holiday=holidays[d])
                    for d in days[:SHOWN]
                ],
                ", ",
            )
            if len(days) > SHOWN:
                text = n_(
                    "{shown} and {count} more holiday",
                    "{shown} and {count} more holidays",
                    len(days) - SHOWN,
                    shown=text,
                )
            blocked.append((cause, text))
        else:
            blocked.append((cause, periods_text(planner, found[cause])))
    return free, blocked
