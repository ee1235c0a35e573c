"""The plan checker: every hard constraint of SPEC 5, verified on any plan.

It shares no search code with the planner: it reads the plan visit by visit and states each
broken rule as a sentence naming the traject, the coach, the date and the rule, with the
rule's tag in brackets (each a `Sentence`: English where programs read it, said in the chosen
language in the terminal). A plan made by the planner must give no violation; a plan edited by
hand (`mentes plan --check`) is checked the same way.

What it cannot check from a plan alone: that 7 coaching days were used only because 8 did
not fit (it accepts 8 days or 7, each split as evenly as quarter hours allow). A traject
listed as unplanned or incomplete is not checked for completeness: its visits are kept ones.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from mentes_cli.models import Coach, Location, Records, Traject
from mentes_cli.offers import catalogue
from mentes_cli.plan import constraints as c
from mentes_cli.plan.calendar import (
    closure_on,
    opening_minutes,
    planning_queue,
    public_holiday,
    weekday,
)
from mentes_cli.plan.commit import KEPT_STATUSES
from mentes_cli.plan.constraints import ROLE_NAMES, Constraint
from mentes_cli.plan.demand import demand_of
from mentes_cli.plan.model import Plan, Sentence, Visit, _, joined, n_, words
from mentes_cli.plan.reasons import either, weekdays_text
from mentes_cli.plan.settings import (
    PlanningSettings,
    clock,
    hours_text,
    lengths_text,
    load_settings,
    minutes_of_clock,
)


@dataclass(frozen=True)
class Violation:
    """One broken hard constraint: which, and the sentence that says where."""

    constraint: Constraint
    message: Sentence

    @property
    def tag(self) -> str:
        return self.constraint.tag


def check_plan(
    plan: Plan, records: Records, *, settings: PlanningSettings | None = None
) -> list[Sentence]:
    """Give every hard-constraint violation of `plan` against `records`, as sentences."""
    return [v.message for v in check_violations(plan, records, settings=settings)]


def check_violations(
    plan: Plan, records: Records, *, settings: PlanningSettings | None = None
) -> list[Violation]:
    """Give every hard-constraint violation of `plan` against `records`, with its constraint."""
    return _Checker(plan, records, settings or load_settings()).run()


def check_committed(
    records: Records, *, settings: PlanningSettings | None = None
) -> list[Violation]:
    """Give every hard-constraint violation of the visits committed in `records` (the one
    check of `plan --check-records`; `plan` warns about the same for the visits it keeps).
    Empty when the records hold no committed visit. The approved trajects are not its
    business: they have no committed visits, `plan` places them."""
    from mentes_cli.plan.commit import committed_plan

    committed = committed_plan(records)
    if committed is None:
        return []
    found = check_violations(committed, records, settings=settings)
    return [v for v in found if v.constraint is not c.EVERY_APPROVED]


def _what(visit: Visit) -> Sentence:
    facts = {"traject": visit.traject, "day": visit.date, "coach": visit.coach}
    if visit.kind == "intake":
        return _("{traject}, intake on {day} ({coach})", **facts)
    return _("{traject}, visit on {day} ({coach})", **facts)


def _weekday(day: date) -> Sentence:
    """Give the weekday of `day` in full: Monday, maandag."""
    from mentes_cli import i18n

    def spoken() -> str:
        from babel.dates import format_date

        return format_date(day, "EEEE", locale=i18n.locale())

    return words(day.strftime("%A"), spoken)


class _Checker:
    def __init__(self, plan: Plan, records: Records, settings: PlanningSettings):
        self.plan = plan
        self.records = records
        self.settings = settings
        self.locations = {loc.id: loc for _, loc in records.locations()}
        self.coaches = records.coach_index()
        self.trajects = {t.id: t for t in records.trajects}
        self.problems: list[tuple[tuple, Sentence, Constraint]] = []
        # Unplanned and incomplete trajects: their visits (kept ones) are not checked for
        # completeness, nor for entitlement (SPEC 5 rule 7).
        self.unplanned = {u.traject for u in plan.unplanned} | {i.traject for i in plan.incomplete}
        # The live committed visits of planned and active trajects: one after the plan's end
        # is outside this plan (SPEC 5 rule 7), not a visit placed after it.
        self.committed = {
            (t.id, v.kind, v.date, v.coach)
            for t in records.trajects
            if t.status in KEPT_STATUSES
            for v in t.visits
            if v.state != "cancelled"
        }

    def _committed(self, visit: Visit) -> bool:
        """Give whether `visit` is a live committed visit of the records, where it is."""
        return (visit.traject, visit.kind, visit.date, visit.coach) in self.committed

    def _has_intake(self, offer: str) -> bool:
        """Give whether a traject of `offer` has an intake call: a paid package whose price
        list in force on the plan's start gives one (an unknown offer has none)."""
        found = catalogue().offers.get(offer)
        if found is None or not found.paid:
            return False
        return catalogue().visits_at(offer, self.plan.start).intake_hours > 0

    def add(self, order: tuple, constraint: Constraint, message: Sentence) -> None:
        self.problems.append((order, c.tagged(message, constraint.tag), constraint))

    def run(self) -> list[Violation]:
        by_traject: dict[str, list[Visit]] = defaultdict(list)
        for visit in self.plan.visits:
            self._visit(visit)
            by_traject[visit.traject].append(visit)
        self._coach_days()
        self._coach_weeks()
        for traject_id in sorted(by_traject):
            traject = self.trajects.get(traject_id)
            if traject is not None:
                self._traject(traject, sorted(by_traject[traject_id], key=_visit_order))
        self._entitlements(by_traject)
        for traject in self.records.trajects:
            if (
                traject.status == "approved"
                and traject.id not in by_traject
                and traject.id not in self.unplanned
            ):
                self.add(
                    (date.max, traject.id),
                    c.EVERY_APPROVED,
                    _(
                        "{traject}: approved but neither planned nor listed as unplanned",
                        traject=traject.id,
                    ),
                )
        self.problems.sort(key=lambda item: (item[0], item[1]))
        seen: set[str] = set()
        result = []
        for _order, message, constraint in self.problems:
            if message not in seen:
                seen.add(message)
                result.append(Violation(constraint, message))
        return result

    # --- one visit ---------------------------------------------------------------------

    def _visit(self, visit: Visit) -> None:
        order = (visit.date, visit.traject, visit.kind)
        what = _what(visit)
        traject = self.trajects.get(visit.traject)
        coach = self.coaches.get(visit.coach)
        location = self.locations.get(visit.location)
        if traject is None:
            self.add(
                order,
                c.RECORDS,
                _(
                    "{what}: there is no traject {traject} in the records",
                    what=what,
                    traject=visit.traject,
                ),
            )
        if coach is None:
            self.add(
                order,
                c.RECORDS,
                _("{what}: there is no coach {coach} in the records", what=what, coach=visit.coach),
            )
        if location is None:
            self.add(
                order,
                c.RECORDS,
                _(
                    "{what}: there is no location {location} in the records",
                    what=what,
                    location=visit.location,
                ),
            )
        if traject is not None:
            if traject.location != visit.location:
                self.add(
                    order,
                    c.LOCATION,
                    _(
                        "{what}: the traject is at {location}, not {other}",
                        what=what,
                        location=traject.location,
                        other=visit.location,
                    ),
                )
            if traject.status not in c.VISIT_STATUSES:
                self.add(
                    order,
                    c.STATUS,
                    _("{what}: the traject is {status}", what=what, status=_status(traject.status)),
                )
            if visit.kind == "intake" and not self._has_intake(traject.offer):
                self.add(
                    order,
                    c.INTAKE,
                    _(
                        "{what}: offer {offer} has no intake call (only a paid package whose "
                        "price list gives one)",
                        what=what,
                        offer=traject.offer,
                    ),
                )
        if visit.date > self.plan.end and not self._committed(visit):
            self.add(
                order,
                c.PLAN_WINDOW,
                _("{what}: after the plan's end {end}", what=what, end=self.plan.end),
            )
        minutes = round(visit.hours * 60)
        if minutes <= 0 or minutes % self.settings.step or abs(minutes - visit.hours * 60) > 1e-6:
            self.add(
                order,
                c.QUARTER_HOURS,
                _(
                    "{what}: {hours} h is not a positive number of quarter hours",
                    what=what,
                    hours=float(visit.hours),
                ),
            )
        try:
            begins = minutes_of_clock(visit.start)
        except ValueError:
            self.add(
                order,
                c.START_TIME,
                _("{what}: start {start} is not a time HH:MM", what=what, start=repr(visit.start)),
            )
            begins = None
        holiday = public_holiday(visit.date)
        if holiday:
            self.add(
                order,
                c.HOLIDAY,
                _(
                    "{what}: {day} is a public holiday ({holiday})",
                    what=what,
                    day=visit.date,
                    holiday=holiday,
                ),
            )
        if coach is not None:
            self._coach_visit(order, what, visit, coach, traject, location)
        if visit.kind == "visit" and location is not None:
            self._location_visit(order, what, visit, location, begins, minutes)

    def _coach_visit(
        self,
        order: tuple,
        what: Sentence,
        visit: Visit,
        coach: Coach,
        traject: Traject | None,
        location: Location | None,
    ) -> None:
        code = weekday(visit.date)
        if code not in coach.workdays:
            self.add(
                order,
                c.WORKDAYS,
                _(
                    "{what}: {weekday} is not a workday of {coach} ({workdays})",
                    what=what,
                    weekday=_weekday(visit.date),
                    coach=coach.id,
                    workdays=weekdays_text(coach.workdays),
                ),
            )
        if coach.is_on_leave(visit.date):
            self.add(order, c.LEAVE, _("{what}: {coach} is on leave", what=what, coach=coach.id))
        if traject is not None:
            role = c.role_of(traject.offer)
            if coach.role != role:
                self.add(
                    order,
                    c.ROLE,
                    _(
                        "{what}: {coach} is a {role}; offer {offer} needs a {needed}",
                        what=what,
                        coach=coach.id,
                        role=ROLE_NAMES[coach.role],
                        offer=traject.offer,
                        needed=ROLE_NAMES[role],
                    ),
                )
        if location is not None and not c.serves(coach, location, visit.date):
            self.add(
                order,
                c.AREA,
                _(
                    "{what}: {coach} does not serve {location} (postcode {postcode}; areas: "
                    "{areas})",
                    what=what,
                    coach=coach.id,
                    location=location.id,
                    postcode=location.postcode,
                    areas=", ".join(coach.areas),
                ),
            )

    def _location_visit(
        self,
        order: tuple,
        what: Sentence,
        visit: Visit,
        location: Location,
        begins: int | None,
        minutes: int,
    ) -> None:
        code = weekday(visit.date)
        if code not in location.opening_days:
            self.add(
                order,
                c.OPENING_DAYS,
                _(
                    "{what}: {location} is not open on {weekday}s ({days})",
                    what=what,
                    location=location.id,
                    weekday=_weekday(visit.date),
                    days=weekdays_text(location.opening_days),
                ),
            )
        closed = closure_on(location, visit.date)
        if closed is not None:
            self.add(
                order,
                c.CLOSURE,
                _(
                    "{what}: {location} is closed ({closure})",
                    what=what,
                    location=location.id,
                    closure=closed,
                ),
            )
        if begins is None:
            return
        if begins != self.settings.day_start:
            self.add(
                order,
                c.START_TIME,
                _(
                    "{what}: starts at {start}, not at {day_start} (day_start)",
                    what=what,
                    start=visit.start,
                    day_start=clock(self.settings.day_start),
                ),
            )
        hours = opening_minutes(location)
        if hours is not None:
            opens, closes = hours
            if begins < opens or begins + minutes > closes:
                self.add(
                    order,
                    c.OPENING_HOURS,
                    _(
                        "{what}: {start}-{end} is not within {location}'s opening hours {hours}",
                        what=what,
                        start=visit.start,
                        end=clock(begins + minutes),
                        location=location.id,
                        hours=location.opening_hours,
                    ),
                )

    # --- per coach ---------------------------------------------------------------------

    def _coach_days(self) -> None:
        days: dict[tuple[str, date], list[Visit]] = defaultdict(list)
        for visit in self.plan.visits:
            days[visit.coach, visit.date].append(visit)
        for (coach_id, day), visits in sorted(days.items(), key=lambda item: item[0]):
            coach = self.coaches.get(coach_id)
            order = (day, coach_id, "")
            on_location = [v for v in visits if v.kind == "visit"]
            places = sorted({v.location for v in on_location})
            if len(places) > 1:
                self.add(
                    order,
                    c.ONE_LOCATION,
                    _(
                        "{coach} on {day}: at {count} locations ({locations})",
                        coach=coach_id,
                        day=day,
                        count=len(places),
                        locations=", ".join(places),
                    ),
                )
            if coach is not None:
                cap = c.day_cap(self.settings, coach)
                total = sum(round(v.hours * 60) for v in on_location)
                if total > cap:
                    self.add(
                        order,
                        c.HOURS_PER_DAY,
                        _(
                            "{coach} on {day}: {hours} on location, more than the {cap} a day "
                            "allowed",
                            coach=coach_id,
                            day=day,
                            hours=hours_text(total),
                            cap=hours_text(cap),
                        ),
                    )
            spans = []
            for visit in visits:
                try:
                    begins = minutes_of_clock(visit.start)
                except ValueError:
                    continue
                spans.append((begins, begins + round(visit.hours * 60), visit.traject))
            spans.sort()
            for (_s, first_end, first), (second_start, _e, second) in itertools.pairwise(spans):
                if second_start < first_end:
                    self.add(
                        order,
                        c.OVERLAP,
                        _(
                            "{coach} on {day}: {first} and {second} overlap in time",
                            coach=coach_id,
                            day=day,
                            first=first,
                            second=second,
                        ),
                    )

    def _coach_weeks(self) -> None:
        weeks: dict[tuple[str, int, int], int] = defaultdict(int)
        for visit in self.plan.visits:
            year, week, _weekday_number = visit.date.isocalendar()
            weeks[visit.coach, year, week] += round(visit.hours * 60)
        for (coach_id, year, week), total in sorted(weeks.items()):
            coach = self.coaches.get(coach_id)
            if coach is None:
                continue
            cap = c.weekly_cap(self.settings, coach)
            if total > cap:
                monday = date.fromisocalendar(year, week, 1)
                label = iso_week_label(year, week)
                self.add(
                    (monday, coach_id, ""),
                    c.WEEKLY_HOURS,
                    _(
                        "{coach} in week {week}: {hours}, more than the weekly share of {cap} "
                        "({fte} FTE)",
                        coach=coach_id,
                        week=label,
                        hours=hours_text(total),
                        cap=hours_text(cap),
                        fte=float(coach.fte),
                    ),
                )

    # --- per traject -------------------------------------------------------------------

    def _traject(self, traject: Traject, visits: list[Visit]) -> None:
        first_day = visits[0].date
        order = (first_day, traject.id, "~")
        coaches = sorted({v.coach for v in visits})
        if len(coaches) > 1:
            self.add(
                order,
                c.ONE_COACH,
                _(
                    "{traject}: {count} coaches ({coaches}) instead of one",
                    traject=traject.id,
                    count=len(coaches),
                    coaches=", ".join(coaches),
                ),
            )
        for visit in visits:
            if traject.requested_on and visit.date < traject.requested_on:
                self.add(
                    order,
                    c.EARLIEST,
                    _(
                        "{what}: before the request date {day}",
                        what=_what(visit),
                        day=traject.requested_on,
                    ),
                )
            if traject.earliest and visit.date < traject.earliest:
                self.add(
                    order,
                    c.EARLIEST,
                    _(
                        "{what}: before the earliest day {day}",
                        what=_what(visit),
                        day=traject.earliest,
                    ),
                )
            if traject.deadline and visit.date > traject.deadline:
                self.add(
                    order,
                    c.DEADLINE,
                    _(
                        "{what}: after the deadline {day}",
                        what=_what(visit),
                        day=traject.deadline,
                    ),
                )
        on_location = [v for v in visits if v.kind == "visit"]
        intakes = [v for v in visits if v.kind == "intake"]
        gap = c.gap_days(self.settings, traject.offer)
        for before, after in itertools.pairwise(on_location):
            if (after.date - before.date).days < gap:
                self.add(
                    order,
                    c.GAP,
                    n_(
                        "{traject}: visits on {first} and {second} are {count} day apart, less "
                        "than {gap}",
                        "{traject}: visits on {first} and {second} are {count} days apart, less "
                        "than {gap}",
                        (after.date - before.date).days,
                        traject=traject.id,
                        first=before.date,
                        second=after.date,
                        gap=gap,
                    ),
                )
        if on_location and intakes:
            for intake in intakes:
                if intake.date >= on_location[0].date:
                    self.add(
                        order,
                        c.INTAKE_FIRST,
                        _(
                            "{what}: not before the first visit on {day}",
                            what=_what(intake),
                            day=on_location[0].date,
                        ),
                    )
        if traject.id in self.unplanned:
            return  # only kept visits of a traject that could not be completed
        self._content(order, traject, on_location, intakes)

    def _content(
        self, order: tuple, traject: Traject, visits: list[Visit], intakes: list[Visit]
    ) -> None:
        lengths = sorted((round(v.hours * 60) for v in visits), reverse=True)
        offer = traject.offer
        demand = demand_of(traject, self.settings, self.plan.start)
        ok = any(lengths == sorted(shape, reverse=True) for shape in demand.shapes)
        expected_intake = demand.intake
        if catalogue().offer(offer).visits == "spread":
            wanted = _(
                "{hours} h over {days} days, as evenly as possible in quarter hours",
                hours=sum(demand.shapes[0]) / 60,
                days=either([joined([str(len(shape))], "") for shape in demand.shapes]),
            )
        elif demand.free:
            shape = demand.shapes[0]
            wanted = _(
                "{count} contact moments of {hours}",
                count=len(shape),
                hours=hours_text(shape[0] if shape else 0),
            )
        else:
            wanted = lengths_text(demand.shapes[0])
        if not ok:
            found = Counter(lengths)
            got = joined(
                [
                    _("{count} × {hours}", count=n, hours=hours_text(m))
                    for m, n in sorted(found.items(), reverse=True)
                ],
                " + ",
            )
            self.add(
                order,
                c.VISITS,
                _(
                    "{traject}: visits {got}, expected {wanted} for offer {offer}",
                    traject=traject.id,
                    got=got or _("none"),
                    wanted=wanted,
                    offer=offer,
                ),
            )
        if expected_intake and (
            len(intakes) != 1 or round(intakes[0].hours * 60) != expected_intake
        ):
            got = joined([hours_text(round(v.hours * 60)) for v in intakes], ", ")
            self.add(
                order,
                c.INTAKE,
                _(
                    "{traject}: intake call {got}, expected one of {hours}",
                    traject=traject.id,
                    got=got or _("none"),
                    hours=hours_text(expected_intake),
                ),
            )

    def _entitlements(self, by_traject: dict[str, list[Visit]]) -> None:
        queue = planning_queue(self.records, self.plan.start)
        history = c.entitlement_history(self.records, self.plan.start)
        earlier: dict[tuple[str, str], list[date]] = defaultdict(list)
        for traject in queue:
            visits = [v for v in by_traject.get(traject.id, ()) if v.kind == "visit"]
            if not traject.is_free_offer or not visits or traject.id in self.unplanned:
                continue
            if traject.location not in self.locations:
                continue
            key = (traject.location, c.family_of(traject))
            first = min(v.date for v in visits)
            used = [*history.get(key, ()), *earlier[key]]
            answer = c.entitled(self.records, traject, first, used)
            if not answer.entitled:
                self.add(
                    (first, traject.id, "~"),
                    c.ENTITLEMENT,
                    _(
                        "{traject}: not entitled to this free traject on its first visit {day}: "
                        "{reason}",
                        traject=traject.id,
                        day=first,
                        reason=joined([answer.reason], ""),
                    ),
                )
            earlier[key].append(first)
        self._committed_entitlements(by_traject)

    def _committed_entitlements(self, by_traject: dict[str, list[Visit]]) -> None:
        """Check that each planned free traject of the records is still entitled on its first
        visit day (SPEC 5): its location may have lost its right since the commit (PRIOR taken
        away, a rule changed). It counts the trajects that use an entitlement and come before
        it, not itself. An active traject has begun: it is not judged again.

        The plan keeps it as it is (a kept visit never moves for this: no other day mends it,
        and taking it out of the planning is the coordinator's decision); the violation says
        what the coordinator can do.
        """
        from mentes_cli.eligibility import entitlement_date, uses_entitlement

        using: dict[tuple[str, str], list[tuple[str, date]]] = defaultdict(list)
        for other in self.records.trajects:
            if other.status != "approved" and uses_entitlement(other):
                key = (other.location, c.family_of(other))
                using[key].append((other.id, entitlement_date(other, self.plan.start)))
        for traject_id in sorted(by_traject):
            traject = self.trajects.get(traject_id)
            if traject is None or traject.status != "planned" or not traject.is_free_offer:
                continue
            if traject.location not in self.locations or traject_id in self.unplanned:
                continue
            visits = [v for v in by_traject[traject_id] if v.kind == "visit"]
            if not visits:
                continue
            first = min(v.date for v in visits)
            key = (traject.location, c.family_of(traject))
            used = [day for other, day in using[key] if other != traject.id and day < first]
            answer = c.entitled(self.records, traject, first, used)
            if answer.entitled:
                continue
            self.add(
                (first, traject.id, "~"),
                c.ENTITLEMENT,
                _(
                    "{traject}: planned free, but {location} is no longer entitled to it on "
                    "its first visit {day}. Keep it as decided, or take it out of the planning "
                    "(mentes unplan {traject}) and cancel it or request a paid package. "
                    "Why: {reason}",
                    traject=traject.id,
                    location=traject.location,
                    day=first,
                    reason=joined([answer.reason], ""),
                ),
            )


def _visit_order(visit: Visit) -> tuple:
    return (visit.date, visit.start, visit.kind)


def _status(status: str) -> Sentence:
    """Give a traject's status in words: the English word (the status itself, as the
    catalogue's msgids are) where programs read it, said with the coordinator's words of
    `lifecycle.status_word` (one list of words for both)."""
    from mentes_cli.lifecycle import status_word

    return words(status, lambda: status_word(status))


def iso_week_label(year: int, week: int) -> str:
    """Give an ISO week as "2027-W03"."""
    return f"{year}-W{week:02d}"
