"""The planner: every approved traject placed on days, or listed with the reasons it cannot be.

The algorithm (SPEC 5):

1. Days are numbered from the Monday of the first week that matters, so the ISO week of day
   `d` is `d // 7`. Each coach gets arrays over those days (workday and neither leave nor
   holiday; location, visit minutes and the week's minutes booked) and a sorted list of the
   days still free for a visit; each location an array of the days it is open.
2. Kept visits (SPEC 5 rule 7; a plain list of visits with a state planned, fixed or done,
   from `--keep` or the records) are booked first, where they are. A planned visit on or
   after the start that now breaks a rule of its own day (leave, closure, holiday, area,
   window) moves to the nearest valid day with the same coach (the earlier on a tie). When
   one of a committed traject's visits fits no day of its coach, its other movable visits
   nearest to it are released one at a time and moved too where they are in the way (an
   intake call with no day left before the first visit moves, and the first visit after it):
   the same coach first. Only when that fails does another coach take the whole traject
   over, when all its visits may move; else the traject is incomplete and none of its
   visits moves. A kept visit of an approved traject (--keep) that fits no day is
   taken out, and its traject misses it. Done and fixed visits, visits before the start and
   committed visits after the end never move; the checker reports their broken rules.
   Trajects with kept visits are completed first: the visits still missing are placed
   around the kept ones, or the traject is incomplete (kept visits stay, never unplanned).
3. The approved trajects are taken in queue order (enforcement, request date, id). For each
   acceptable shape of its visits (coaching: 8 days, else 7), every candidate coach (right
   role, serves the area; the coach of its kept visits or of the record when there is one)
   gets the earliest chain of days that respects every hard constraint (the day arrays are
   built from the registry in `plan/constraints.py`; the area is judged on each visit day):
   the intake call on the first workday with room, then each visit on the first free day at
   least the minimum gap after the one before. Taking the earliest day at each step finds a
   chain whenever one exists for that coach. Among the coaches with a chain the planner
   prefers the one who served the location before, then the one with the fewest hours per
   FTE so far, then the shortest span, then the earliest end, then the id. A free traject is
   placed only when its location is entitled to it on the first visit day; its earliest day
   is raised to the next free date when needed.
4. Repair: for a traject left unplaced, try taking out one placed traject that holds one of
   its candidate coaches in its window, placing this one, and placing the other again
   elsewhere; the swap is kept only when both are placed.
5. Unplaced trajects get their reasons: which constraint, each coach considered and why it
   failed, and which dates were free.

Choices where SPEC 5 is silent:

- A coach makes at most one visit a day (the rule is one location a day; the planner is
  stricter, the checker checks the rule itself).
- The intake call of A-D is not on location: it may share a day with a visit elsewhere and
  counts toward the week's hours only. It falls on a workday of the coach (not leave, not a
  holiday) on or after the traject's earliest day and strictly before the first visit. It
  starts at day_start, or after that day's visit and earlier calls, so nothing overlaps.
- An approved traject that names a coach is planned with that coach only; one with kept
  visits keeps their coach, and only the visits still missing are planned, at least the
  minimum gap away from the kept ones.
- Kept visits of planned, active or done trajects stay (those trajects are not planned
  again); visits of cancelled or requested trajects are dropped with a warning. A kept visit
  never moves for room. Another coach takes a committed traject over only whole (one coach
  per traject), and only when its own coach has no valid day for a visit that must move.
- The queue puts trajects with neither requested_on nor earliest after the others.
- No visit falls before its traject's requested_on (a plan that starts in the past, which
  `plan` allows without --commit, places nothing before a request was made).
- A planned free traject whose location is no longer entitled on its first visit day stays
  as it is: no other day mends that, and unplanning it is the coordinator's decision. The
  checker reports it, so the plan warns.
- Coaching takes 8 days whenever some coach can fit 8, and 7 only when none can.

The planner never prints; `progress(done, total)` is called after each traject.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from mentes_cli.limits import check_trajects_per_plan
from mentes_cli.models import Coach, Location, Records, Traject
from mentes_cli.plan import constraints as c
from mentes_cli.plan.calendar import monday_of, planning_queue, public_holidays
from mentes_cli.plan.commit import KEPT_STATUSES
from mentes_cli.plan.demand import Demand, demand_of
from mentes_cli.plan.model import (
    Incomplete,
    KeptVisit,
    Moved,
    Plan,
    Unplanned,
    Visit,
    _,
    kept_from_plan,
)
from mentes_cli.plan.settings import (
    PlanningSettings,
    clock,
    load_settings,
    minutes_of_clock,
)

Progress = Callable[[int, int], None]

# Trajects of these statuses tell which coach served a location before (a preference).
SERVED_STATUSES = ("planned", "active", "done")
# Repair looks at this many placed trajects per unplaced one, and tries at most REPAIR_BUDGET
# moves in one run, to stay fast on large sets. Counts, not a clock: the same input always
# gives the same plan.
REPAIR_CANDIDATES = 24
REPAIR_BUDGET = 4000


def make_plan(
    records: Records,
    *,
    start: date,
    end: date,
    kept: Plan | Sequence[KeptVisit] | None = None,
    settings: PlanningSettings | None = None,
    progress: Progress | None = None,
    optimize: float = 0.0,
    exact: Callable[[float], None] | None = None,
) -> Plan:
    """Give the plan of every approved traject from `start` to `end` (both included).

    `optimize` is the budget (deterministic seconds) of the exact improvement step; 0 keeps
    the greedy plan alone. `exact(budget)` is called when that step begins (it may take the
    budget's seconds, where `progress` has nothing more to count).
    """
    planner = Planner(records, start=start, end=end, kept=kept, settings=settings)
    return planner.run(progress, optimize=optimize, exact=exact)


@dataclass
class _CoachDays:
    """A coach's days: what is possible (static) and what is booked (changes while planning)."""

    coach: Coach
    day_cap: int
    week_cap: int
    works: bytearray  # 1: a workday, not on leave, not a public holiday
    location: list[str | None]
    visit_minutes: list[int]
    intake_minutes: list[int]
    week: list[int]
    free: list[int]  # sorted days in the plan window without a visit, when the coach works
    load: int = 0  # minutes booked in the plan window
    kept_intake_start: dict[int, int] = field(default_factory=dict)

    def clone(self) -> _CoachDays:
        return _CoachDays(
            self.coach,
            self.day_cap,
            self.week_cap,
            self.works,
            self.location[:],
            self.visit_minutes[:],
            self.intake_minutes[:],
            self.week[:],
            self.free[:],
            self.load,
            dict(self.kept_intake_start),
        )


@dataclass(frozen=True)
class _LocationDays:
    """The days a location is open, and the longest visit its opening hours allow."""

    location: Location
    open: bytearray  # 1: an opening day, no closure, not a public holiday
    limit: int | None  # minutes from day_start to closing; None: no hours; -1: opens later


@dataclass
class _Placement:
    """Where one traject went: its coach, visit days with minutes, and its intake call."""

    traject: Traject
    coach: str
    visits: list[tuple[int, int]]
    intake: tuple[int, int] | None
    queue_position: int
    kept_days: tuple[int, ...] = ()

    @property
    def first_day(self) -> int:
        return min([*(day for day, _ in self.visits), *self.kept_days])


@dataclass(frozen=True)
class _Kept:
    """The visits of one traject taken over from a kept plan."""

    coach: str
    visits: tuple[Visit, ...]

    @property
    def has_intake(self) -> bool:
        return any(v.kind == "intake" for v in self.visits)


class Planner:
    """One planning run over a record set and a window; `run` gives the plan."""

    def __init__(
        self,
        records: Records,
        *,
        start: date,
        end: date,
        kept: Plan | Sequence[KeptVisit] | None = None,
        settings: PlanningSettings | None = None,
    ):
        from mentes_cli.eligibility import family_of_offer

        self.records = records
        self.start = start
        self.end = end
        self.settings = settings or load_settings()
        self.warnings: list[str] = []
        self.locations = records.location_index()
        self.coaches = sorted(records.coaches, key=lambda c: c.id)
        # Up front, before any work: a plan of far more trajects than a year of Flanders
        # would run for many minutes (limits.toml [plan] max_trajects_per_plan).
        check_trajects_per_plan(sum(t.status == "approved" for t in records.trajects))
        self.trajects = {t.id: t for t in records.trajects}
        self.queue = planning_queue(records, start)
        self.position = {t.id: i for i, t in enumerate(self.queue)}
        self.family_of_offer = family_of_offer

        if isinstance(kept, Plan):
            kept = kept_from_plan(kept)
        promised = self._take_kept(kept or [])
        first = min([start, *(k.visit.date for k in promised)])
        last = max([end, *(k.visit.date for k in promised)])
        self.origin = monday_of(first)
        self.size = (last - self.origin).days + 1
        self.first = (start - self.origin).days
        self.last = (end - self.origin).days
        self.holidays = {
            (day - self.origin).days: name for day, name in public_holidays(first, last).items()
        }
        self._location_days: dict[str, _LocationDays] = {}
        self._areas: dict[tuple[str, str], bytearray | None] = {}

        # History: which coaches served each location, and which free trajects count.
        self.served: dict[str, set[str]] = {}
        for traject in records.trajects:
            if traject.status in SERVED_STATUSES and traject.coach:
                self.served.setdefault(traject.location, set()).add(traject.coach)
        self.used_dates = c.entitlement_history(records, start)
        for item in promised:
            self.served.setdefault(item.visit.location, set()).add(item.visit.coach)

        self.demands: dict[str, Demand] = {}
        self.base = {coach.id: self._coach_days(coach) for coach in self.coaches}
        self.moved: list[Moved] = []
        # Committed trajects whose kept visits cannot be completed (SPEC 5 rule 7), and the
        # committed visits after the plan's end (outside this plan: they stay as they are).
        self.stuck: dict[str, Incomplete] = {}
        self.outside: list[Visit] = []
        self._unmovable: set[Visit] = set()  # kept visits that are done, fixed or outside
        self.kept_visits = self._keep(promised)
        self.kept_by_traject = self._by_traject(self.kept_visits)
        # The bookings of this run; `base` stays as it is, for `placeable_alone`.
        self.days = {coach_id: state.clone() for coach_id, state in self.base.items()}
        self.placements: dict[str, _Placement] = {}
        self.placed_at: dict[str, set[str]] = {}  # location id: ids of trajects placed there
        self.repair_moves = 0
        self._alone: dict[str, bool] = {}  # placeable_alone, by traject id
        self._rule_changes: list[int] | None = None

    # --- setting up --------------------------------------------------------------------

    def _take_kept(self, kept: Sequence[KeptVisit]) -> list[KeptVisit]:
        """Give the kept visits that stay in the plan (those of unknown, cancelled or
        requested trajects are dropped, with a warning when they were promised)."""
        staying: list[KeptVisit] = []
        for item in kept:
            visit = item.visit
            traject = self.trajects.get(visit.traject)
            if traject is None:
                self.warnings.append(
                    _(
                        "kept plan: visit of {traject} on {day} dropped: there is no such "
                        "traject in the records",
                        traject=visit.traject,
                        day=visit.date,
                    )
                )
                continue
            if traject.status in ("cancelled", "requested"):
                if visit.date < self.start or item.state != "planned":
                    why = (
                        _("the traject is cancelled")
                        if traject.status == "cancelled"
                        else _("the traject is requested")
                    )
                    self.warnings.append(
                        _(
                            "kept plan: visit of {traject} on {day} dropped: {why}",
                            traject=visit.traject,
                            day=visit.date,
                            why=why,
                        )
                    )
                continue
            staying.append(item)
        return sorted(
            staying,
            key=lambda k: (k.visit.date, k.visit.coach, k.visit.traject, k.visit.kind),
        )

    def _by_traject(self, visits: list[Visit]) -> dict[str, _Kept]:
        """Give the kept visits of approved trajects, per traject."""
        by_traject: dict[str, _Kept] = {}
        for visit in visits:
            if self.trajects[visit.traject].status != "approved":
                continue
            if visit.traject not in by_traject:
                by_traject[visit.traject] = _Kept(visit.coach, (visit,))
            else:
                old = by_traject[visit.traject]
                by_traject[visit.traject] = _Kept(old.coach, (*old.visits, visit))
        return by_traject

    # --- kept visits (SPEC 5, rule 7) -------------------------------------------------

    def _keep(self, promised: list[KeptVisit]) -> list[Visit]:
        """Book the kept visits; move the movable ones that now break a rule, as little as
        possible, and give the visits that stay (SPEC 5 rule 7).

        A visit that is done, fixed or before the plan's start never moves, and neither does a
        committed visit after the plan's end (it is outside this plan); when one breaks a rule
        the checker reports it. The movable visits that break a rule move per traject: each to
        the nearest valid day of the same coach; when one of them fits none, another coach
        takes the whole traject over (each visit on its own day or the nearest valid one), when
        every visit of the traject may move. Otherwise a committed traject (planned or active)
        is incomplete: none of its visits moves, the ones that break a rule keep their coach's
        day booked (the records still hold them) and are left out of the plan. A kept visit of
        an approved traject (from --keep) that fits no day is taken out: the planner places
        the traject's missing visits again, or the traject is incomplete.
        """
        staying: list[Visit] = []
        breaking: dict[str, list[tuple[Visit, str]]] = {}
        movable_trajects: dict[str, bool] = {}
        for item in promised:
            visit = item.visit
            committed = self.trajects[visit.traject].status in KEPT_STATUSES
            outside = committed and visit.date > self.end
            movable = item.state == "planned" and visit.date >= self.start and not outside
            if outside:
                self.outside.append(visit)
            if not movable:
                self._unmovable.add(visit)
            movable_trajects[visit.traject] = movable_trajects.get(visit.traject, True) and movable
            broken = self._broken(visit) if movable else None
            if broken is None:
                self._book_kept(self.base, visit)
                staying.append(visit)
            else:
                breaking.setdefault(visit.traject, []).append((visit, broken))
        for traject_id, visits in breaking.items():
            if self.trajects[traject_id].status in KEPT_STATUSES:
                self._mend(traject_id, visits, staying, movable_trajects[traject_id])
            else:
                self._mend_kept_plan(visits, staying)
        return staying

    def _mend_kept_plan(self, breaking: list[tuple[Visit, str]], staying: list[Visit]) -> None:
        """Move the breaking kept visits of an approved traject (from --keep), each to the
        nearest valid day of its coach; take out the ones that fit none."""
        for visit, broken in breaking:
            day = self._nearest(visit, staying)
            if day is None:
                self.warnings.append(
                    _(
                        "kept plan: {traject}, {kind} on {day} ({coach}) {broken} and fits no "
                        "other day of {coach}: taken out",
                        traject=visit.traject,
                        kind=_kind_word(visit.kind),
                        day=visit.date,
                        coach=visit.coach,
                        broken=broken,
                    )
                )
                continue
            moved = self._move_to(visit, day, self.base)
            staying.append(moved)
            self.moved.append(self._moved(visit, moved, broken))

    def _moved(self, old: Visit, new: Visit, reason: str) -> Moved:
        return Moved(
            traject=old.traject,
            coach=new.coach,
            kind=old.kind,
            old_date=old.date,
            new_date=new.date,
            reason=reason,
        )

    def _mend(
        self,
        traject_id: str,
        breaking: list[tuple[Visit, str]],
        staying: list[Visit],
        all_movable: bool,
    ) -> None:
        """Move the breaking visits of a committed traject with the same coach; else hand the
        whole traject to another coach; else leave it as it is, incomplete."""
        coach = breaking[0][0].coach
        saved = self.base[coach].clone() if coach in self.base else None
        tried: list[Visit] = []
        stuck: list[tuple[Visit, str]] = []
        for visit, broken in breaking:
            day = self._nearest(visit, [*staying, *tried]) if saved is not None else None
            if day is None:
                stuck.append((visit, broken))
                continue
            tried.append(self._move_to(visit, day, self.base))
        if not stuck:
            staying.extend(tried)
            for (visit, broken), moved in zip(breaking, tried, strict=True):
                self.moved.append(self._moved(visit, moved, broken))
            return
        if saved is not None:
            self.base[coach] = saved  # none of its visits moves after all
            if self._mend_shifting(traject_id, breaking, staying):
                return
        mine = [v for v in staying if v.traject == traject_id]
        reasons = [
            _(
                "{kind} on {day} ({coach}) {broken}, and no other day of {coach} is valid",
                kind=_kind_word(visit.kind),
                day=visit.date,
                coach=visit.coach,
                broken=broken,
            )
            for visit, broken in stuck
        ]
        every = sorted([*mine, *(v for v, _b in breaking)], key=lambda v: (v.date, v.kind))
        if all_movable:
            taken = self._recoach(traject_id, every, dict(breaking), staying)
            if taken:
                return
            reasons.append(
                _(
                    "no other {role} who serves {location} has a valid day for each of its visits",
                    role=c.ROLE_NAMES.get(self.demand(self.trajects[traject_id]).role, "?"),
                    location=self.trajects[traject_id].location,
                )
            )
        else:
            reasons.append(
                _(
                    "it keeps {coach} (one coach per traject): some of its visits are done, "
                    "fixed, before the plan's start or after its end",
                    coach=coach,
                )
            )
        for visit, _broken in breaking:
            self._book_kept(self.base, visit)  # still in the records: its day stays booked
        on_location = sum(1 for v in mine if v.kind == "visit")
        self.stuck[traject_id] = Incomplete(
            traject=traject_id,
            visits_kept=on_location,
            visits_missing=len(breaking),  # the intake call counts when it cannot move
            reasons=reasons,
        )

    def _mend_shifting(
        self, traject_id: str, breaking: list[tuple[Visit, str]], staying: list[Visit]
    ) -> bool:
        """Move the breaking visits of a committed traject with the same coach, moving some of
        its other movable visits too where they are in the way; give whether it worked.

        An intake call that has no valid day before the first visit, or a visit that has none
        between its neighbours, may need the visits around it to move as well (SPEC 5 rule 7:
        same coach first, as little as possible). The other visits are released one at a
        time, nearest to the breaking ones first; with each release every released and
        breaking visit goes (intake calls first, then the visits by date) to its nearest
        valid day, its own day first for a released one. The first release that works is
        taken: the fewest visits released, and only those that had to leave their day move.
        """
        coach = breaking[0][0].coach
        broken = dict(breaking)
        mine = [v for v in staying if v.traject == traject_id and v not in self._unmovable]
        dates = [v.date for v, _b in breaking]
        mine.sort(key=lambda v: (min(abs((v.date - d).days) for d in dates), v.date, v.kind))
        for count in range(1, len(mine) + 1):
            released = mine[:count]
            rest = [v for v in staying if v not in released]
            trial = self.base[coach].clone()
            for visit in released:
                self._unbook_kept(trial, visit, rest)
            todo = sorted([*broken, *released], key=lambda v: (v.kind != "intake", v.date))
            placed: list[Visit] = []
            for visit in todo:
                day = self._nearest(
                    visit, [*rest, *placed], state=trial, own_day=visit not in broken
                )
                if day is None:
                    break
                placed.append(self._move_to(visit, day, {coach: trial}))
            else:
                self.base[coach] = trial
                staying[:] = [*rest, *placed]
                first = next(m for v, m in zip(todo, placed, strict=True) if v in broken)
                for visit, moved in zip(todo, placed, strict=True):
                    if visit in broken:
                        self.moved.append(self._moved(visit, moved, broken[visit]))
                    elif moved.date != visit.date:
                        reason = _(
                            "makes way for the {kind} moved to {day}, so that {coach} stays "
                            "the coach (one coach per traject)",
                            kind=_kind_word(first.kind),
                            day=first.date,
                            coach=coach,
                        )
                        self.moved.append(self._moved(visit, moved, reason))
                return True
        return False

    def _recoach(
        self,
        traject_id: str,
        visits: list[Visit],
        broken: dict[Visit, str],
        staying: list[Visit],
    ) -> bool:
        """Hand every visit of a committed traject to another coach (right role, serving the
        location), each on its own day or the nearest valid one; give whether one could.

        Among the coaches that can, the one whose days move least, then the one who served the
        location before, then the fewest hours per FTE, then the id.
        """
        traject = self.trajects[traject_id]
        old = visits[0].coach
        location = self.locations[traject.location][1]
        demand = self.demand(traject)
        served = self.served.get(traject.location, set())
        if old in self.base:
            for visit in visits:
                if visit not in broken:
                    self._unbook_kept(self.base[old], visit, staying)
        best = None
        for coach in self.coaches:
            if coach.id == old or coach.role != demand.role:
                continue
            if not self.serves_in(coach, location, self.first, self.last):
                continue
            state = self.base[coach.id].clone()
            placed: list[Visit] = []
            shift = 0
            # Intake calls first: the visits on location come after them.
            for visit in sorted(visits, key=lambda v: (v.kind != "intake", v.date)):
                candidate = visit.model_copy(update={"coach": coach.id})
                day = self._nearest(candidate, placed, state=state, own_day=True)
                if day is None:
                    break
                moved = self._move_to(candidate, day, {coach.id: state})
                placed.append(moved)
                shift += abs((moved.date - visit.date).days)
            else:
                key = (shift, coach.id not in served, state.load / coach.fte, coach.id)
                if best is None or key < best[0]:
                    best = (key, coach.id, state, placed)
        if best is None:
            if old in self.base:
                for visit in visits:
                    if visit not in broken:
                        self._book_kept(self.base, visit)
            return False
        _key, coach_id, state, placed = best
        self.base[coach_id] = state
        staying[:] = [v for v in staying if v.traject != traject_id]
        staying.extend(placed)
        ordered = sorted(visits, key=lambda v: (v.kind != "intake", v.date))
        for visit, moved in zip(ordered, placed, strict=True):
            reason = broken.get(visit) or _(
                "goes with its traject to {coach}: {old} has no valid day left for all of "
                "its visits (one coach per traject)",
                coach=coach_id,
                old=old,
            )
            self.moved.append(self._moved(visit, moved, reason))
        self.served.setdefault(traject.location, set()).add(coach_id)
        return True

    def _broken(self, visit: Visit) -> str | None:
        """Give the rule a movable kept visit now breaks on its own day, or None."""
        state = self.base.get(visit.coach)
        traject = self.trajects[visit.traject]
        if state is None or visit.location not in self.locations:
            return None  # nothing a move can mend: the checker reports it
        index = self.index_of(visit.date)
        if visit.date > self.end:
            return c.tagged(_("is after the plan's end"), c.PLAN_WINDOW.tag)
        if traject.deadline is not None and visit.date > traject.deadline:
            return c.tagged(_("is after the deadline"), c.DEADLINE.tag)
        if traject.earliest is not None and visit.date < traject.earliest:
            return c.tagged(_("is before the earliest day"), c.EARLIEST.tag)
        if traject.requested_on is not None and visit.date < traject.requested_on:
            return c.tagged(_("is before the request date"), c.EARLIEST.tag)
        if not state.works[index]:
            away = c.coach_away(state.coach, visit.date)
            return c.tagged(
                _("falls on a day {coach} does not work", coach=visit.coach), (away or c.LEAVE).tag
            )
        if visit.kind == "intake":
            return None
        location = self.locations[visit.location][1]
        days = self.location_days(visit.location)
        if not days.open[index]:
            closed = c.location_closed(location, visit.date)
            return c.tagged(
                _("falls on a day {location} is closed", location=location.id),
                (closed or c.CLOSURE).tag,
            )
        area = self.area(state.coach, location)
        if area is not None and not area[index]:
            return c.tagged(
                _(
                    "falls on a day {coach} does not serve {location}",
                    coach=visit.coach,
                    location=location.id,
                ),
                c.AREA.tag,
            )
        return None

    def _nearest(
        self,
        visit: Visit,
        staying: list[Visit],
        *,
        state: _CoachDays | None = None,
        own_day: bool = False,
    ) -> int | None:
        """Give the nearest day (the earlier on a tie) from the plan's start on which the kept
        `visit` breaks no rule with its coach (`state`, by default the coach's days), or None.
        `own_day`: its own day counts too (for a visit that changes coach)."""
        state = self.base[visit.coach] if state is None else state
        traject = self.trajects[visit.traject]
        minutes = round(visit.hours * 60)
        low, high = self.first, self.last
        not_before = self.not_before(traject)
        if not_before is not None:
            low = max(low, self.index_of(not_before))
        if traject.deadline is not None:
            high = min(high, self.index_of(traject.deadline))
        mine = [v for v in staying if v.traject == visit.traject]
        visits = [self.index_of(v.date) for v in mine if v.kind == "visit"]
        intakes = [self.index_of(v.date) for v in mine if v.kind == "intake"]
        gap = self.demand(traject).gap
        if visit.kind == "visit":
            location = self.locations[visit.location][1]
            days = self.location_days(visit.location)
            area = self.area(state.coach, location)
            limit = days.limit
            if (limit is not None and minutes > limit) or minutes > state.day_cap:
                return None
            if intakes:
                low = max(low, max(intakes) + 1)
        elif visits:
            high = min(high, min(visits) - 1)
        origin = self.index_of(visit.date)
        for distance in range(0 if own_day else 1, max(origin - low, high - origin) + 1):
            for day in (origin - distance, origin + distance) if distance else (origin,):
                if not low <= day <= high or not state.works[day]:
                    continue
                if state.week[day // 7] + minutes > state.week_cap:
                    continue
                if visit.kind == "intake":
                    return day
                if not days.open[day] or (area is not None and not area[day]):
                    continue
                if state.location[day] is not None or day in state.kept_intake_start:
                    continue
                if any(abs(day - other) < gap for other in visits):
                    continue
                return day
        return None

    def _days_mask(self, weekdays: list[str], periods) -> bytearray:
        """Give 1 for each day on one of `weekdays`, outside `periods` and public holidays
        (HOLIDAY, OPENING_DAYS, CLOSURE, WORKDAYS, LEAVE). Day 0 is a Monday."""
        return c.day_mask(self.origin, self.size, weekdays, periods, self.holidays)

    def _coach_days(self, coach: Coach) -> _CoachDays:
        works = self._days_mask(coach.workdays, coach.leave)
        free = [d for d in range(max(self.first, 0), self.last + 1) if works[d]]
        weeks = self.size // 7 + 1
        return _CoachDays(
            coach=coach,
            day_cap=c.day_cap(self.settings, coach),
            week_cap=c.weekly_cap(self.settings, coach),
            works=works,
            location=[None] * self.size,
            visit_minutes=[0] * self.size,
            intake_minutes=[0] * self.size,
            week=[0] * weeks,
            free=free,
        )

    def _move_to(self, visit: Visit, day: int, days: dict[str, _CoachDays]) -> Visit:
        """Give a copy of a kept visit on `day`, booked in `days` (the mending of kept visits
        and the hand-over to another coach move visits this one way)."""
        moved = visit.model_copy(update={"date": self.date_of(day)})
        self._book_kept(days, moved)
        return moved

    def _book_kept(self, days: dict[str, _CoachDays], visit: Visit) -> None:
        state = days.get(visit.coach)
        if state is None:
            return  # an unknown coach: the checker reports it
        index = (visit.date - self.origin).days
        minutes = round(visit.hours * 60)
        if visit.kind == "intake":
            self._book_intake(state, index, minutes)
            begins = self._intake_start(visit)
            state.kept_intake_start[index] = min(begins, state.kept_intake_start.get(index, begins))
        else:
            self._book_visit(state, index, minutes, visit.location)

    def _unbook_kept(self, state: _CoachDays, visit: Visit, others: list[Visit]) -> None:
        """Take a kept visit out of its coach's bookings (`others`: the kept visits that stay,
        for the start of the intake calls left on that day)."""
        index = self.index_of(visit.date)
        minutes = round(visit.hours * 60)
        if visit.kind != "intake":
            self._unbook_visit(state, index, minutes)
            return
        self._unbook_intake(state, index, minutes)
        state.kept_intake_start.pop(index, None)
        starts = [
            self._intake_start(other)
            for other in others
            if other.kind == "intake"
            and other.coach == state.coach.id
            and other.date == visit.date
            and other is not visit
        ]
        if starts:
            state.kept_intake_start[index] = min(starts)

    def _intake_start(self, visit: Visit) -> int:
        """Give the minute a kept intake call starts (day_start when its time is unreadable)."""
        try:
            return minutes_of_clock(visit.start)
        except ValueError:
            return self.settings.day_start

    def location_days(self, location_id: str) -> _LocationDays:
        """Give the open days of a location over the whole horizon (made once per location)."""
        found = self._location_days.get(location_id)
        if found is not None:
            return found
        location = self.locations[location_id][1]
        opened = self._days_mask(location.opening_days, location.closures)
        found = _LocationDays(location, opened, c.visit_limit(location, self.settings.day_start))
        self._location_days[location_id] = found
        return found

    def area(self, coach: Coach, location: Location) -> bytearray | None:
        """Give the days `coach` serves the area of `location` (AREA, judged on each visit
        day): 1 per day, or None when on every day (cached per postcode)."""
        key = (coach.id, location.postcode)
        if key not in self._areas:
            self._areas[key] = c.area_mask(coach, location, self.origin, self.size)
        return self._areas[key]

    def serves_in(self, coach: Coach, location: Location, low: int, high: int) -> bool:
        """Give whether `coach` serves `location` on at least one day from `low` to `high`."""
        mask = self.area(coach, location)
        return mask is None or any(mask[max(low, 0) : high + 1])

    def date_of(self, index: int) -> date:
        """Give the date of day number `index`."""
        return self.origin + timedelta(days=index)

    def index_of(self, day: date) -> int:
        """Give the day number of `day`."""
        return (day - self.origin).days

    # --- booking -----------------------------------------------------------------------

    def _book_visit(self, state: _CoachDays, index: int, minutes: int, location: str) -> None:
        state.location[index] = location
        state.visit_minutes[index] += minutes
        state.week[index // 7] += minutes
        position = bisect_left(state.free, index)
        if position < len(state.free) and state.free[position] == index:
            del state.free[position]
        if self.first <= index <= self.last:
            state.load += minutes

    def _unbook_visit(self, state: _CoachDays, index: int, minutes: int) -> None:
        state.visit_minutes[index] -= minutes
        state.week[index // 7] -= minutes
        if state.visit_minutes[index] == 0:
            state.location[index] = None
            if state.works[index] and self.first <= index <= self.last:
                insort(state.free, index)
        if self.first <= index <= self.last:
            state.load -= minutes

    def _book_intake(self, state: _CoachDays, index: int, minutes: int) -> None:
        state.intake_minutes[index] += minutes
        state.week[index // 7] += minutes
        if self.first <= index <= self.last:
            state.load += minutes

    def _unbook_intake(self, state: _CoachDays, index: int, minutes: int) -> None:
        state.intake_minutes[index] -= minutes
        state.week[index // 7] -= minutes
        if self.first <= index <= self.last:
            state.load -= minutes

    def _book(self, placement: _Placement) -> None:
        state = self.days.get(placement.coach)
        for index, minutes in placement.visits:
            self._book_visit(state, index, minutes, placement.traject.location)
        if placement.intake is not None:
            self._book_intake(state, *placement.intake)
        self.placements[placement.traject.id] = placement
        self.placed_at.setdefault(placement.traject.location, set()).add(placement.traject.id)
        self.served.setdefault(placement.traject.location, set()).add(placement.coach)

    def _unbook(self, placement: _Placement) -> None:
        state = self.days.get(placement.coach)
        for index, minutes in placement.visits:
            self._unbook_visit(state, index, minutes)
        if placement.intake is not None:
            self._unbook_intake(state, *placement.intake)
        del self.placements[placement.traject.id]
        self.placed_at[placement.traject.location].discard(placement.traject.id)

    # --- running -----------------------------------------------------------------------

    def run(
        self,
        progress: Progress | None = None,
        *,
        optimize: float = 0.0,
        exact: Callable[[float], None] | None = None,
    ) -> Plan:
        """Give the plan: place the queue, repair what is left, improve it exactly within
        `optimize` seconds when OR-Tools is installed, explain the rest."""
        total = len(self.queue)
        unplaced: list[Traject] = []
        incomplete: list[Traject] = []
        # Trajects with kept visits first: those are promises; the rest of each is placed
        # around them, or the traject is incomplete (never half-kept, never unplanned).
        order = [t for t in self.queue if t.id in self.kept_by_traject]
        order += [t for t in self.queue if t.id not in self.kept_by_traject]
        for done, traject in enumerate(order, start=1):
            if not self._place(traject):
                if traject.id in self.kept_by_traject:
                    incomplete.append(traject)
                else:
                    unplaced.append(traject)
            if progress is not None:
                progress(done, total)
        if unplaced:
            unplaced = [t for t in unplaced if not self._repair(t)]
        optimality = None
        if optimize > 0:
            if exact is not None:
                exact(optimize)
            optimality = self._optimize(optimize)
            unplaced = [t for t in unplaced if t.id not in self.placements]
            # By id, in a set: `t not in unplaced` compared whole records, queue x unplaced.
            listed = {t.id for t in unplaced}
            unplaced += [
                t
                for t in self.queue
                if t.id not in self.placements
                and t.id not in self.kept_by_traject
                and t.id not in listed
            ]
            unplaced.sort(key=lambda t: self.position[t.id])
        unplanned = [Unplanned(traject=t.id, reasons=self.explain(t)) for t in unplaced]
        plan = Plan(
            start=self.start,
            end=self.end,
            visits=self._visits(),
            unplanned=unplanned,
            incomplete=[
                *(self.stuck[t] for t in sorted(self.stuck)),
                *(self._incomplete(t) for t in incomplete),
            ],
            moved=list(self.moved),
            warnings=list(self.warnings),
            optimality=optimality,
        )
        if self.kept_visits:
            from mentes_cli.plan.check import check_plan

            problems = check_plan(plan, self.records, settings=self.settings)
            plan = plan.model_copy(
                update={
                    "warnings": [
                        *self.warnings,
                        *(_("kept plan: {problem}", problem=p) for p in problems),
                    ]
                }
            )
        return plan

    def _optimize(self, budget: float):
        """Run the exact step; take its plan when it places more, or earlier, trajects, or the
        same ones keeping more coaches who served the location before, or better balanced."""
        from mentes_cli.plan.optimize import improve, preference_key

        optimality, solution = improve(self, budget)
        if solution is None:
            return optimality
        model = [t for t in self.queue if t.id not in self.kept_by_traject]
        before = {t.id: self.placements[t.id] for t in model if t.id in self.placements}
        if set(solution.chosen) == set(before) and not solution.preferred:
            return optimality
        for placement in before.values():
            self._unbook(placement)
        # The greedy on the chosen set (it keeps the softer preferences: the coach who served
        # the location, balance, short spans), unless the solver's third stage kept more
        # coaches or balanced better; where the greedy cannot place them all, the solver's.
        chosen = [t for t in model if t.id in solution.chosen]
        if set(solution.chosen) == set(before):
            greedy = list(before.values())
            for placement in greedy:
                self._book(placement)
        else:
            greedy = []
            for traject in chosen:
                placement = self.find(traject)
                if placement is None:
                    break
                self._book(placement)
                greedy.append(placement)
        mine = {p.traject.id: (p.coach, p.visits, p.intake) for p in greedy}
        if len(greedy) == len(chosen) and (
            not solution.preferred
            or preference_key(self, mine) <= preference_key(self, solution.chosen)
        ):
            return optimality
        for placement in greedy:
            self._unbook(placement)
        for traject in chosen:
            coach, visits, intake = solution.chosen[traject.id]
            self._book(_Placement(traject, coach, list(visits), intake, self.position[traject.id]))
        if not self._entitlements_hold({t.location for t in chosen}):
            for traject in chosen:
                self._unbook(self.placements[traject.id])
            for placement in before.values():
                self._book(placement)
            return optimality.model_copy(update={"placed": optimality.greedy, "status": "unknown"})
        return optimality

    def _incomplete(self, traject: Traject) -> Incomplete:
        """Give what is kept and what is missing of a traject that cannot be completed."""
        kept = self.kept_by_traject[traject.id]
        demand = self.demand(traject)
        visits = [v for v in kept.visits if v.kind == "visit"]
        left = self.shapes_left(demand, kept)
        missing = min((len(lengths) for lengths, _ in left), default=None)
        if missing is None:
            missing = max(0, min(len(shape) for shape in demand.shapes) - len(visits))
        return Incomplete(
            traject=traject.id,
            visits_kept=len(visits),
            visits_missing=missing,
            reasons=self.explain(traject),
        )

    def placeable_alone(self, traject: Traject) -> bool:
        """Give whether `traject` has a feasible schedule when it is the only one planned."""
        # `find` only reads the coaches' days: the bookings of the kept visits alone
        # (`base`) serve as they are, without a copy of every coach's days per traject.
        found = self._alone.get(traject.id)
        if found is not None:
            return found
        saved = self.days, self.placements, self.placed_at
        self.days = self.base
        self.placements, self.placed_at = {}, {}
        try:
            found = self._alone[traject.id] = self.find(traject) is not None
            return found
        finally:
            self.days, self.placements, self.placed_at = saved

    def _place(self, traject: Traject) -> bool:
        placement = self.find(traject)
        if placement is None:
            return False
        self._book(placement)
        return True

    def demand(self, traject: Traject) -> Demand:
        """Give what `traject` needs (cached)."""
        found = self.demands.get(traject.id)
        if found is None:
            found = demand_of(traject, self.settings, self.start)
            self.demands[traject.id] = found
        return found

    def window(self, traject: Traject) -> tuple[int, int]:
        """Give the first and last day number a visit of `traject` may fall on."""
        low, high = self.first, self.last
        not_before = self.not_before(traject)
        if not_before is not None:
            low = max(low, self.index_of(not_before))
        if traject.deadline is not None:
            high = min(high, self.index_of(traject.deadline))
        after_intake = self.after_kept_intake(traject)
        if after_intake is not None:
            low = max(low, after_intake)
        return low, high

    @staticmethod
    def not_before(traject: Traject) -> date | None:
        """Give the first day a visit of `traject` may fall on by its own dates: its earliest
        day, and never before it was requested (a plan that starts in the past places nothing
        before the request), or None."""
        days = [day for day in (traject.earliest, traject.requested_on) if day is not None]
        return max(days, default=None)

    def after_kept_intake(self, traject: Traject) -> int | None:
        """Give the day after the kept intake call of `traject`, or None when none is kept.

        The intake call falls before the first visit (SPEC 5, constraint 6) and a kept call
        stays where it is (constraint 7), so the visits still to place come after it.
        """
        kept = self.kept_by_traject.get(traject.id)
        if kept is None or not kept.has_intake:
            return None
        return max(self.index_of(v.date) for v in kept.visits if v.kind == "intake") + 1

    def candidates(self, traject: Traject, demand: Demand) -> list[_CoachDays]:
        """Give the coaches who may take `traject`: right role, serving its area."""
        kept = self.kept_by_traject.get(traject.id)
        location = self.locations[traject.location][1]
        if kept is not None:
            named = [kept.coach]
        elif traject.coach:
            named = [traject.coach]
        else:
            named = None
        found = []
        for coach in self.coaches:
            if named is not None and coach.id not in named:
                continue
            if kept is None and (
                coach.role != demand.role
                or not self.serves_in(coach, location, self.first, self.last)
            ):
                continue
            found.append(self.days[coach.id])
        return found

    def placed_before(self, traject: Traject) -> list[tuple[str, date]]:
        """Give the free trajects of the same family at the same location placed in this plan
        before `traject` in the queue, with their first visit day (they count, SPEC 5)."""
        family = self.family_of_offer(traject.offer)
        position = self.position[traject.id]
        found = []
        for other_id in sorted(self.placed_at.get(traject.location, ())):
            other = self.placements[other_id]
            if (
                other.traject.is_free_offer
                and other.queue_position < position
                and self.family_of_offer(other.traject.offer) == family
            ):
                found.append((other_id, self.date_of(other.first_day)))
        return found

    def history_dates(self, traject: Traject) -> list[date]:
        """Give the dates of the trajects of the records that use the entitlement."""
        return list(self.used_dates.get((traject.location, c.family_of(traject)), ()))

    def entitlement(self, traject: Traject, index: int):
        """Give the eligibility engine's answer for a free traject whose first visit is `index`
        (ENTITLEMENT)."""
        used = [*self.history_dates(traject), *(day for _, day in self.placed_before(traject))]
        return c.entitled(self.records, traject, self.date_of(index), used)

    def next_change(self, location_id: str, index: int) -> int | None:
        """Give the first day after `index` on which the location's PRIOR status or free scope
        may change, or None.

        Those days are the location's `enforcement_since` and the `valid_from` of every dated
        table of rules.toml (PRIOR, scopes, frequency) and of every scope in regions.toml.
        """
        if self._rule_changes is None:
            from mentes_cli.eligibility import RULES_FILE
            from mentes_cli.reference import load_reference
            from mentes_cli.regions import FILE as REGIONS_FILE

            rules = load_reference(RULES_FILE)
            tables = list(rules.get("prior", []))
            for family in rules.get("families", {}).values():
                tables += [*family.get("scopes", []), *family.get("frequency", [])]
            tables += load_reference(REGIONS_FILE).get("scopes", [])
            found = {
                self.index_of(entry["valid_from"])
                for entry in tables
                if isinstance(entry, dict) and type(entry.get("valid_from")) is date
            }
            self._rule_changes = sorted(found)
        days = list(self._rule_changes)
        since = self.locations[location_id][1].enforcement_since
        if since is not None:
            insort(days, self.index_of(since))
        position = bisect_left(days, index + 1)
        return days[position] if position < len(days) else None

    def _later(self, traject: Traject, answer, day: int) -> int | None:
        """Give the next day worth trying after `answer` said no for a first visit on `day`."""
        if answer.next_free is not None:
            later = self.index_of(answer.next_free)
            return later if later > day else None
        return self.next_change(traject.location, day)

    def find(self, traject: Traject, why: dict | None = None) -> _Placement | None:
        """Give the best placement of `traject` on the current bookings, or None.

        `why`, when given, receives the first day searched ("low") and, when entitlement
        stood in the way, the eligibility engine's answer ("entitlement", "day").
        """
        demand = self.demand(traject)
        low, high = self.window(traject)
        kept = self.kept_by_traject.get(traject.id)
        check_entitlement = demand.free and kept is None
        why = {} if why is None else why
        if kept is not None and ((), False) in self.shapes_left(demand, kept):
            # Its kept visits are the whole traject: nothing to place, whatever the window.
            fixed = tuple(self.index_of(v.date) for v in kept.visits if v.kind == "visit")
            return _Placement(traject, kept.coach, [], None, self.position[traject.id], fixed)
        for _round in range(16):  # each round moves `low` later; a few rounds always suffice
            why["low"] = low
            if low > high:
                return None
            if check_entitlement:
                answer = self.entitlement(traject, low)
                if not answer.entitled:
                    later = self._later(traject, answer, low)
                    if later is None or later > high:
                        why.update(entitlement=answer, day=low)
                        return None
                    low = later
                    continue
            placement = self._best(traject, demand, low, high, kept)
            if placement is None or not check_entitlement:
                return placement
            first = placement.first_day
            answer = self.entitlement(traject, first)
            if answer.entitled:
                return placement
            later = self._later(traject, answer, first)
            if later is None:
                why.update(entitlement=answer, day=first)
                return None
            low = later
        return None

    def shapes_left(self, demand: Demand, kept: _Kept | None) -> list[tuple[tuple[int, ...], bool]]:
        """Give the visit lengths still to place per shape, and whether an intake is needed."""
        if kept is None:
            return [(shape, demand.intake > 0) for shape in demand.shapes]
        done = Counter(round(v.hours * 60) for v in kept.visits if v.kind == "visit")
        shapes = []
        for shape in demand.shapes:
            if done - Counter(shape):
                continue  # the kept visits are not visits of this shape
            pool = Counter(shape) - done
            left = []
            for minutes in shape:
                if pool[minutes] > 0:
                    left.append(minutes)
                    pool[minutes] -= 1
            shapes.append((tuple(left), demand.intake > 0 and not kept.has_intake))
        return shapes

    def _best(
        self, traject: Traject, demand: Demand, low: int, high: int, kept: _Kept | None
    ) -> _Placement | None:
        location_days = self.location_days(traject.location)
        served = self.served.get(traject.location, set())
        fixed = (
            tuple(self.index_of(v.date) for v in kept.visits if v.kind == "visit") if kept else ()
        )
        intake_high = min(fixed) - 1 if fixed else high
        candidates = self.candidates(traject, demand)
        candidates.sort(key=lambda s: (s.coach.id not in served, s.load / s.coach.fte, s.coach.id))
        position = self.position[traject.id]
        for lengths, needs_intake in self.shapes_left(demand, kept):
            if not lengths and not needs_intake:
                return _Placement(traject, kept.coach, [], None, position, fixed) if kept else None
            longest = max(lengths, default=0)
            if location_days.limit is not None and longest > location_days.limit:
                continue
            best = None
            best_key = None
            for state in candidates:
                prefix = (state.coach.id not in served, state.load / state.coach.fte)
                if best_key is not None and prefix != best_key[:2]:
                    break
                if longest > state.day_cap:
                    continue
                days, intake_day, _ = self.chain(
                    state,
                    self.area(state.coach, location_days.location),
                    location_days,
                    lengths,
                    demand.gap,
                    low,
                    high,
                    demand.intake if needs_intake else 0,
                    fixed,
                    intake_high,
                )
                if days is None:
                    continue
                every = sorted([*days, *fixed])
                key = (*prefix, every[-1] - every[0], every[-1], state.coach.id)
                if best_key is None or key < best_key:
                    best_key = key
                    best = _Placement(
                        traject,
                        state.coach.id,
                        list(zip(days, lengths, strict=True)),
                        (intake_day, demand.intake) if needs_intake else None,
                        position,
                        fixed,
                    )
            if best is not None:
                return best
        return None

    def chain(
        self,
        state: _CoachDays,
        area: bytearray | None,
        location_days: _LocationDays,
        lengths: tuple[int, ...],
        gap: int,
        low: int,
        high: int,
        intake: int,
        fixed: tuple[int, ...] = (),
        intake_high: int | None = None,
    ) -> tuple[list[int] | None, int, int]:
        """Give the earliest chain of visit days for one coach, the intake day and the count.

        Gives (None, intake day or -1, visits placed) when the chain cannot be completed.
        """
        week = state.week
        cap = state.week_cap
        free = state.free
        opened = location_days.open
        extra: dict[int, int] = {}
        cursor = low
        intake_day = -1
        if intake:
            last = high if intake_high is None else min(high, intake_high)
            day = low
            works = state.works
            while day <= last:
                if works[day] and week[day // 7] + intake <= cap:
                    break
                day += 1
            else:
                return None, -1, 0
            intake_day = day
            extra[day // 7] = intake
            cursor = day + 1
        kept_intakes = state.kept_intake_start
        day_start = self.settings.day_start
        days: list[int] = []
        position = bisect_left(free, cursor)
        count = len(free)
        step = max(gap, 1)
        for minutes in lengths:
            chosen = -1
            while position < count:
                day = free[position]
                if day > high:
                    break
                position += 1
                if not opened[day] or (area is not None and not area[day]):
                    continue
                w = day // 7
                if week[w] + extra.get(w, 0) + minutes > cap:
                    continue
                if fixed and any(abs(day - other) < gap for other in fixed):
                    continue
                if kept_intakes and day in kept_intakes and day_start + minutes > kept_intakes[day]:
                    continue
                chosen = day
                break
            if chosen < 0:
                return None, intake_day, len(days)
            days.append(chosen)
            w = chosen // 7
            extra[w] = extra.get(w, 0) + minutes
            position = bisect_left(free, chosen + step, position)
        return days, intake_day, len(days)

    # --- repair ------------------------------------------------------------------------

    def _repair(self, traject: Traject) -> bool:
        """Try to make room for `traject` by moving one placed traject; give whether it worked."""
        if self.repair_moves >= REPAIR_BUDGET:
            return False  # as below, without the search first: once per unplaced traject
        demand = self.demand(traject)
        low, high = self.window(traject)
        if low > high:
            return False
        coaches = {state.coach.id for state in self.candidates(traject, demand)}
        if not coaches or not self.placeable_alone(traject):
            return False  # no move of another traject can help
        family = self.family_of_offer(traject.offer) if traject.is_free_offer else None
        others = []
        for placement in self.placements.values():
            if placement.coach not in coaches or placement.traject.id in self.kept_by_traject:
                continue
            if not any(low <= day <= high for day, _ in placement.visits):
                continue
            other = placement.traject
            if (
                other.location == traject.location
                and other.is_free_offer
                and family is not None
                and self.family_of_offer(other.offer) == family
            ):
                continue  # moving it could change who is entitled
            others.append(placement)
        others.sort(key=lambda p: (-p.queue_position, p.traject.id))
        for placement in others[:REPAIR_CANDIDATES]:
            if self.repair_moves >= REPAIR_BUDGET:
                return False
            self.repair_moves += 1
            self._unbook(placement)
            mine = self.find(traject)
            if mine is not None:
                self._book(mine)
                again = self.find(placement.traject)
                if again is not None:
                    self._book(again)
                    if self._entitlements_hold({traject.location, placement.traject.location}):
                        return True
                    self._unbook(again)
                self._unbook(mine)
            self._book(placement)
        return False

    def _entitlements_hold(self, locations: set[str]) -> bool:
        """Give whether every placed free traject at `locations` is still entitled (SPEC 5).

        A repair move changes the first day of two trajects and so may change who comes
        "placed before" whom: each placed free traject is checked again on its first visit day,
        against the history and the trajects placed before it in the queue.
        """
        for location_id in sorted(locations):
            for traject_id in sorted(self.placed_at.get(location_id, ())):
                placement = self.placements[traject_id]
                other = placement.traject
                if not other.is_free_offer or other.id in self.kept_by_traject:
                    continue
                if not placement.visits:
                    continue
                if not self.entitlement(other, placement.first_day).entitled:
                    return False
        return True

    # --- the result --------------------------------------------------------------------

    def _visits(self) -> list[Visit]:
        day_start = clock(self.settings.day_start)
        visits = list(self.kept_visits)
        intakes: list[tuple[int, str, int, str]] = []
        for placement in self.placements.values():
            traject = placement.traject
            for index, minutes in placement.visits:
                visits.append(
                    Visit(
                        traject=traject.id,
                        location=traject.location,
                        coach=placement.coach,
                        date=self.date_of(index),
                        start=day_start,
                        hours=minutes / 60,
                        kind="visit",
                    )
                )
            if placement.intake is not None:
                index, minutes = placement.intake
                intakes.append((index, placement.coach, placement.queue_position, traject.id))
        # An intake call is not a visit: it follows the day's visit, one after the other.
        taken: dict[tuple[str, int], int] = {}
        for index, coach, _start, traject_id in sorted(intakes):
            placement = self.placements[traject_id]
            state = self.days[coach]
            begins = taken.get((coach, index), self.settings.day_start + state.visit_minutes[index])
            kept_start = state.kept_intake_start.get(index)
            if kept_start is not None:
                begins = max(begins, kept_start + self._kept_intake_minutes(coach, index))
            taken[(coach, index)] = begins + placement.intake[1]
            visits.append(
                Visit(
                    traject=traject_id,
                    location=placement.traject.location,
                    coach=coach,
                    date=self.date_of(index),
                    start=clock(begins),
                    hours=placement.intake[1] / 60,
                    kind="intake",
                )
            )
        visits.sort(key=lambda v: (v.date, v.coach, v.start, v.traject, v.kind))
        return visits

    def _kept_intake_minutes(self, coach: str, index: int) -> int:
        day = self.date_of(index)
        return sum(
            round(v.hours * 60)
            for v in self.kept_visits
            if v.coach == coach and v.date == day and v.kind == "intake"
        )

    # --- explaining --------------------------------------------------------------------

    def explain(self, traject: Traject) -> list[str]:
        """Give the reasons `traject` cannot be placed on the current bookings."""
        from mentes_cli.plan.reasons import reasons_for

        return reasons_for(self, traject)


def _kind_word(kind: str) -> str:
    """Give the kind of a kept visit as a person reads it."""
    return _("intake") if kind == "intake" else _("visit")
