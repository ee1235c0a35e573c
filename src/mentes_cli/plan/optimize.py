"""Exact improvement of the greedy plan with OR-Tools CP-SAT (issue 17), when installed.

The model, built from the same constraints as the checker (`plan/constraints.py`) through the
planner's day arrays:

- one 0/1 variable per traject (placed), per candidate coach (the traject's coach), per
  acceptable shape (coaching: 8 or 7 days), and per (coach, day) on which a visit may fall:
  the coach works (workday, no leave, no holiday), the location is open (opening day, no
  closure), the coach serves the area on that day, within earliest/deadline and the window,
  and the day is not taken by a held visit;
- the visits' lengths as levels: a visit of at least the k-th distinct length is one more
  0/1 variable under the visit's, and per level the count equals what the chosen shape holds;
  a length the day cap or the opening hours forbid gets no variable;
- at most one visit per coach per day; within `min_gap_days` at most one visit of a traject;
  per coach and ISO week, visits and intake calls within the weekly share minus what held
  visits already take;
- the intake call of A-D on a workday of the coach, strictly before every visit;
- a free traject's first visit on a day the location is entitled, counting the history (and
  the kept trajects earlier in the queue), and at most one placed per location and family
  where any two would block each other in the window (exact then; otherwise the model is
  stricter than SPEC 5 and says so);
- redundant constraints for the linear relaxation, which prove optima the model alone left
  open: the chosen coach makes between the fewest and the most visits of the shapes, and per
  coach, week and length L at most (room // L) visits of at least L.

Trajects with kept visits are held as the greedy placed them. The whole model, when it has at
most MAX_DAY_VARIABLES day variables (and WHOLE_PER_SECOND per second of the budget), is solved
lexicographically:

1. the number placed, with the greedy plan as a complete hint (FIRST_SHARE of the budget);
2. while that is not proved, the week model (`_Weeks`, WEEK_SHARE): more than the best found
   by ISO week, each week plan made a day plan, cuts learned from the week plans that have
   none; its bound holds for the day model; with the count proved (there, or already by the
   first stage), the queue preference, with the time of stage 3 as well (QUEUE_IN_WEEKS):
   first one question per traject left out, in queue order (can a plan of this count place
   it, the trajects before it as decided?), then what is left open by week plans that
   score higher on the queue's weights. Then, while the count is
   still not proved: one more than the best found of the day model by a cheap search
   (PROBE_SHARE), and with what is left other searches (MORE: without objective and without
   the linear relaxation, then the count objective without probing); an infeasible answer
   proves the best optimal;
3. unless the week model searched the queue, with the number fixed, the queue preference
   (weights 2^(n-1-position), exact for up to 40 trajects, else n - position); while the
   number is not proved it stays in the objective above the queue weights, so that the rest
   of the budget may still place more;
4. with what is left (at least PREFERENCE_SHARE of the budget), on a model of the placed set
   alone: the most trajects that keep a coach who served their location before, then the
   smallest sum over the roles of the most minutes per FTE of anyone (`preference_key`). The
   planner takes this plan only when it beats the greedy placing the same set.

A larger problem gets neighbourhoods only (`_neighbourhoods`: an unplaced traject that must be
placed, the trajects of a few of its coaches free to move, the rest held, taken only when it
places more or earlier ones), and says so.
The solver is deterministic: one worker, a fixed seed and budgets in deterministic time
(`max_deterministic_time`), so the same input gives the same plan on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from time import perf_counter
from typing import TYPE_CHECKING

from mentes_cli.i18n import _, n_, number
from mentes_cli.plan import constraints as c
from mentes_cli.plan.model import Optimality

if TYPE_CHECKING:
    from mentes_cli.models import Traject
    from mentes_cli.plan.planner import Planner, _CoachDays

# Above this many day variables the whole model is not built (neighbourhoods are searched
# instead): building it in Python would take longer than the budget is meant to.
MAX_DAY_VARIABLES = 250_000
# ... and above this many per deterministic second of the budget: its presolve alone would
# take the budget (tight 70: 39,000 day variables, no solution within 6 s), so a small budget
# goes to the neighbourhoods instead. At the default budget (6) that is 30,000: the 30 small
# tight instances of benchmarks/bench_optimize.py stay below it.
WHOLE_PER_SECOND = 5_000
EXACT_LEXICOGRAPHIC = 40
# The budget's shares: the count placed on the whole model; the queue preference (it also
# gets what the first stage and the searches for one more traject left). A quarter for the
# queue rather than a fifth: tight-116's count is proved late at budget 60 (about 50 s), and
# its queue stage found the reference's set in 15 deterministic seconds, not in 12; on
# tight-1..120 nothing else got worse at 6 or 60, and tight-59 placed one more at 6.
FIRST_SHARE = 0.25
SECOND_SHARE = 0.25
# The third stage (coach continuity, then balance, with the placed set fixed): this share of
# the budget when the count is proved (else what the others left, when at least half that).
PREFERENCE_SHARE = 0.2
# A neighbourhood: an unplaced traject with the trajects of up to this many of its coaches,
# at most this many day variables; all neighbourhoods of a run together at most WORK.
NEIGHBOURHOOD_COACHES = 3
NEIGHBOURHOOD_VARIABLES = 40_000
NEIGHBOURHOOD_WORK = 400_000
MIN_SHARE = 0.5
# Extra CP-SAT parameters (for experiments in benchmarks/bench_optimize.py); empty in use.
SEARCH: dict = {}
# The third stage's model is new to the solver: without probing its presolve leaves time to
# search (with it, 0.6 s found not even the hint back on tight-19).
PREFERENCE_SEARCH: dict = {"cp_model_probing_level": 0}
FORCE = True
# The week model (`_Weeks`) after the first stage, while the count is not proved: this share
# of the budget, for the week plans and the day plans made of them (tight-14: 0.24 s to the
# proven optimum). After a cut, the first better week plan found is taken. Half rather than
# 0.35: on tight-1..90 the same or more placed everywhere (tight-49 and tight-60 one more),
# tight-15 and tight-17 proved optimal, and the queue preference held in every compared case.
WEEK_SHARE = 0.5
# The order of the first stages: the count on the day model ("days"), the week model
# ("weeks"), one more by a cheap search of the day model ("probe"). With the week model's
# "more" search, the week model second reached all 47 proven optima of
# benchmarks/bench_optimize.py's tight-1..60 at the default budget; with the probe second, 45
# (tight-53's 24 of 24 and tight-17's 16 missed). The probe still finds what the week model
# misses (tight-40: 13 of 13).
STAGES = ("days", "weeks", "probe")
# The share of the "probe" stage: one more traject asked with MORE's first search.
PROBE_SHARE = 0.15
# A week plan's day plan: found or refused in 0.02-0.07 s without probing.
DAYS_SEARCH: dict = {"cp_model_probing_level": 0}
# ... and at least this share of the week model's budget, also where the week model used it
# all to find the week plan (tight-17: its 16 found with nothing left, made a day plan in
# 0.03 s; 0.5 s at the default budget).
DAYS_LEAST = 0.25
WEEK_AGAIN: dict = {"stop_after_first_solution": True}
# With the count proved in the week model, its queue phase gets the time of the day model's
# queue stage as well, and that stage is left out: on tight-31..60 the queue preference then
# held in all 23 proven cases (tight-52 placed T-018 for T-017 and T-022 without it); the
# same counts and no other set changed on tight-1..60. A count the day model proves in the
# first stage goes to the week model's queue phase too: at budget 60 tight-52's count is
# proved there, and the day model's queue stage placed T-017 and T-018 for T-022 and T-023.
QUEUE_IN_WEEKS = True
# The week model's queue phase first asks, for each traject left out in queue order, whether
# a plan of the proved count places it with the trajects before it as decided
# (`_queue_questions`): each question with these searches in turn, each with this share of
# the time left. The proving search first: it answers "none" in about 0.02 s where the cheap
# one found nothing in 0.4 (tight-106). At budget 6 on tight-1..120, the queue preference
# then held in all but one compared case (tight-111, whose count is not proved, and which the
# day model's QUEUE_SEARCH fixed); with the searches of the week model's queue alone it
# failed in 3 (tight-104, 111, 114).
QUESTION_SEARCHES: tuple[dict, ...] = (
    {"cp_model_probing_level": 0},
    {"linearization_level": 0, "cp_model_probing_level": 0},
)
QUESTION_SHARE = 0.25
# The day model's queue stage (stage 5: with the count open, or proved after the week
# model): without linear relaxation or probing. On tight-1..120 it placed earlier trajects of
# the queue than the default search in all 15 cases where the sets differed at budget 6
# (tight-111 among them, the one case where the reference placed earlier ones) and in 10 of
# 12 at 60 (not tight-81 and tight-118, counts not proved); one more traject in tight-120 at 6
# and tight-86 at 60. At 60, tight-116 then places T-014 and T-007 (1st and 2nd in the
# queue), which the default search left out.
QUEUE_SEARCH: dict = {"linearization_level": 0, "cp_model_probing_level": 0}
# The week model's searches, in turn while one finds nothing: (parameters, "more"). The first
# proves what it can from the best found, without probing (tight-30: 29 in 0.3 s, where the
# default search found none in 2); a "more" search asks for a better plan than the best found
# without the objective (cheap: tight-53's 23 and 24 of 24 in 4 s, where the proving searches
# found none in 8); the last proves with the default search (tight-15: 14 in 1.1 s, where the
# first needed 2.1). The "more" search first gave the same counts on tight-1..60.
WEEK_SEARCHES: tuple[tuple[dict, bool], ...] = (
    ({"cp_model_probing_level": 0}, False),
    ({"linearization_level": 0, "cp_model_probing_level": 0}, True),
    ({}, False),
)
# The searches for one more traject after the first stage: (parameters, keep the objective).
MORE: tuple[tuple[dict, bool], ...] = (
    ({"linearization_level": 0, "cp_model_probing_level": 0}, False),
    ({"cp_model_probing_level": 0}, True),
)

# traject id -> (coach, visits as (day, minutes), intake as (day, minutes) or None)
Current = dict[str, tuple[str, list[tuple[int, int]], tuple[int, int] | None]]


@dataclass
class Solution:
    """The placements the solver chose: traject id -> (coach, visits, intake)."""

    chosen: Current = field(default_factory=dict)
    # True when the third stage chose the coaches and days for continuity and balance
    preferred: bool = False


def available() -> bool:
    """Give whether OR-Tools can be imported."""
    try:
        import ortools.sat.python.cp_model  # noqa: F401
    except ImportError:
        return False
    return True


def placements_of(planner: Planner, trajects: list[Traject]) -> Current:
    """Give the planner's placements of `trajects` (the greedy plan) as the models take them."""
    return {
        t.id: (p.coach, list(p.visits), p.intake)
        for t in trajects
        if (p := planner.placements.get(t.id)) is not None
    }


def improve(planner: Planner, budget: float) -> tuple[Optimality, Solution | None]:
    """Give the quality of the planner's greedy plan and, when CP-SAT finds one that places
    more trajects or earlier ones of the queue, that solution (else None)."""
    began = perf_counter()
    model_trajects = [t for t in planner.queue if t.id not in planner.kept_by_traject]
    greedy = sum(1 for t in model_trajects if t.id in planner.placements)
    if greedy == len(model_trajects):
        # Every traject is placed: nothing can be placed more, and the queue preference holds.
        return (
            Optimality(
                status="optimal",
                greedy=greedy,
                placed=greedy,
                bound=greedy,
                seconds=perf_counter() - began,
                trajects=greedy,
            ),
            None,
        )
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        return (
            Optimality(status="not installed", greedy=greedy, placed=greedy, bound=None),
            None,
        )
    current = placements_of(planner, model_trajects)
    alone = {t.id: planner.placeable_alone(t) for t in model_trajects if t.id not in current}
    if not any(alone.values()):
        # No traject left out has a schedule even alone (SPEC 5's "can be placed"): no plan
        # places more, and the queue preference holds. The network year ends here.
        return (
            Optimality(
                status="optimal",
                greedy=greedy,
                placed=greedy,
                bound=greedy,
                seconds=perf_counter() - began,
                trajects=len(model_trajects),
            ),
            None,
        )
    builder = _Builder(planner, model_trajects, cp_model, alone=alone)
    most = min(MAX_DAY_VARIABLES, max(1, int(budget * WHOLE_PER_SECOND)))
    if builder.build(most):
        return _whole(planner, model_trajects, builder, current, budget, began)
    # Too large for one model: neighbourhoods only, with the whole budget.
    size = builder.size
    current, searched, _spent = _neighbourhoods(planner, model_trajects, current, budget, alone)
    final = _count(model_trajects, current)
    what = _(
        "the whole model ({size} day variables, more than {most} at this budget) was not built",
        size=number(size),
        most=number(most),
    )
    return (
        Optimality(
            status="partial",
            greedy=greedy,
            placed=final,
            bound=None,
            covered=what + "; " + _neighbourhood_note(searched, len(model_trajects)),
            seconds=perf_counter() - began,
            trajects=len(model_trajects),
        ),
        Solution(chosen=current) if final > greedy else None,
    )


class _Builder:
    """One CP-SAT model: `trajects` free to move, every other placement held where it is.

    The whole model holds only the trajects completed around kept visits; a neighbourhood
    also holds `held` (the current plan's other placements) and uses only `coaches`.
    """

    def __init__(
        self,
        planner: Planner,
        trajects: list[Traject],
        cp_model,
        *,
        held: Current | None = None,
        coaches: set[str] | None = None,
        alone: dict[str, bool] | None = None,
    ):
        self.planner = planner
        self.trajects = trajects
        self.held = held or {}
        self.allowed = coaches
        self.alone = {} if alone is None else alone
        self.cp = cp_model
        self.model = cp_model.CpModel()
        self.size = 0
        self.notes: list[str] = []
        self.placed: dict[str, object] = {}
        self.coach_of: dict[tuple[str, str], object] = {}
        self.visit: dict[tuple[str, str, int], object] = {}
        self.levels: dict[tuple[str, str, int], list[tuple[int, object]]] = {}
        self.base_minutes: dict[str, int] = {}
        self.intake: dict[tuple[str, str, int], object] = {}
        self.intake_minutes: dict[str, int] = {}
        self.shapes: dict[str, list] = {}
        self.first: dict[str, object] = {}
        self.first_low: dict[str, int] = {}
        # per free traject: (its window's first day, 1 for each day a first visit may fall on)
        self.allowed_first: dict[str, tuple[int, bytearray]] = {}

    # --- the fixed part: kept visits and the trajects built around them -------------------

    def _fixed_days(self) -> dict[str, _CoachDays]:
        planner = self.planner
        days = {
            cid: state.clone()
            for cid, state in planner.base.items()
            if self.allowed is None or cid in self.allowed
        }
        for traject_id, (coach, visits, intake) in self.held.items():
            state = days.get(coach)
            if state is None:
                continue
            location = planner.trajects[traject_id].location
            for index, minutes in visits:
                planner._book_visit(state, index, minutes, location)
            if intake is not None:
                planner._book_intake(state, *intake)
        held = 0
        for traject_id, placement in planner.placements.items():
            if traject_id not in planner.kept_by_traject:
                continue
            state = days.get(placement.coach)
            if state is None:
                continue
            for index, minutes in placement.visits:
                planner._book_visit(state, index, minutes, placement.traject.location)
            if placement.intake is not None:
                planner._book_intake(state, *placement.intake)
            held += bool(placement.visits or placement.intake)
        if held:
            self.notes.append(
                n_(
                    "{count} traject completed around kept visits was held as the greedy placed it",
                    "{count} trajects completed around kept visits were held as the greedy "
                    "placed them",
                    held,
                )
            )
        return days

    # --- building --------------------------------------------------------------------------

    def build(self, limit: int = 0) -> bool:
        """Build the model; give False (nothing built) when it would have more than `limit`
        (default MAX_DAY_VARIABLES) day variables."""
        planner = self.planner
        self.days = self._fixed_days()
        plans = []
        for traject in self.trajects:
            demand = planner.demand(traject)
            low, high = planner.window(traject)
            coaches = [
                s.coach
                for s in planner.candidates(traject, demand)
                if self.allowed is None or s.coach.id in self.allowed
            ]
            plans.append((traject, demand, low, high, coaches))
            self.size += len(coaches) * max(0, high - low + 1)
        if self.size > (limit or MAX_DAY_VARIABLES):
            return False
        history = self._history()
        for traject, demand, low, high, coaches in plans:
            self._traject(traject, demand, low, high, coaches, history)
            if traject.id not in planner.placements and not self._placeable_alone(traject):
                # No schedule even alone (SPEC 5's "can be placed"): a cut the solver would
                # have to find by search.
                self.model.Add(self.placed[traject.id] == 0)
        self._coach_rules()
        self._families()
        return True

    def _placeable_alone(self, traject: Traject) -> bool:
        found = self.alone.get(traject.id)
        if found is None:
            found = self.alone[traject.id] = self.planner.placeable_alone(traject)
        return found

    def _history(self) -> dict[str, list]:
        """Give per traject the dates that count for its entitlement besides the model's."""
        planner = self.planner
        found = {}
        for traject in self.trajects:
            if not planner.demand(traject).free:
                continue
            dates = planner.history_dates(traject)
            position = planner.position[traject.id]
            family = c.family_of(traject)
            for other_id in sorted(planner.kept_by_traject):
                placement = planner.placements.get(other_id)
                other = planner.trajects[other_id]
                if (
                    placement is None
                    or other.location != traject.location
                    or not other.is_free_offer
                    or c.family_of(other) != family
                    or planner.position.get(other_id, -1) > position
                ):
                    continue
                dates.append(planner.date_of(placement.first_day))
            found[traject.id] = dates
        return found

    def _allowed_first(self, traject: Traject, low: int, high: int, used) -> bytearray:
        """Give 1 for each day from `low` to `high` a first visit may fall on (ENTITLEMENT)."""
        planner = self.planner
        allowed = bytearray(high - low + 1)
        day = low
        while day <= high:
            answer = c.entitled(planner.records, traject, planner.date_of(day), used)
            change = planner.next_change(traject.location, day)
            if answer.entitled:
                stop = high if change is None else min(high, change - 1)
                allowed[day - low : stop - low + 1] = b"\x01" * (stop - day + 1)
                day = stop + 1
                continue
            later = None
            if answer.next_free is not None and planner.index_of(answer.next_free) > day:
                later = planner.index_of(answer.next_free)
            if change is not None:
                later = change if later is None else min(later, change)
            if later is None:
                break
            day = later
        return allowed

    def _traject(self, traject, demand, low, high, coaches, history) -> None:
        planner = self.planner
        model = self.model
        tid = traject.id
        placed = model.NewBoolVar(f"p_{tid}")
        self.placed[tid] = placed
        if low > high or not coaches:
            model.Add(placed == 0)
            return
        location = planner.locations[traject.location][1]
        location_days = planner.location_days(traject.location)
        limit = location_days.limit
        lengths = sorted({m for shape in demand.shapes for m in shape})
        self.base_minutes[tid] = lengths[0]
        allowed = None
        if demand.free:
            allowed = self._allowed_first(traject, low, high, history.get(tid, []))
            if not any(allowed):
                model.Add(placed == 0)
                return
            first_allowed = low + allowed.index(1)
            self.allowed_first[tid] = (low, allowed)
        shapes = [model.NewBoolVar(f"s_{tid}_{k}") for k in range(len(demand.shapes))]
        self.shapes[tid] = shapes
        model.Add(sum(shapes) == placed)
        most = max(len(shape) for shape in demand.shapes)
        fewest = min(len(shape) for shape in demand.shapes)
        per_day: dict[int, list] = {}
        level_vars: dict[int, list] = {j: [] for j in range(len(lengths))}
        coach_vars = []
        intake_days = []
        for coach in coaches:
            state = self.days[coach.id]
            chosen = model.NewBoolVar(f"a_{tid}_{coach.id}")
            self.coach_of[tid, coach.id] = chosen
            coach_vars.append(chosen)
            area = planner.area(coach, location)
            cap = state.day_cap if limit is None else min(state.day_cap, limit)
            usable = [j for j, m in enumerate(lengths) if m <= cap]
            if not usable:
                model.Add(chosen == 0)
                continue
            start = low if allowed is None else first_allowed
            mine = []
            for day in range(start, high + 1):
                if not (state.works[day] and location_days.open[day]):
                    continue
                if area is not None and not area[day]:
                    continue
                if state.location[day] is not None or day in state.kept_intake_start:
                    continue
                var = model.NewBoolVar(f"w_{tid}_{coach.id}_{day}")
                model.AddImplication(var, chosen)
                self.visit[tid, coach.id, day] = var
                per_day.setdefault(day, []).append(var)
                steps = [(0, lengths[0])]
                steps += [(j, lengths[j] - lengths[j - 1]) for j in usable[1:]]
                self.levels[tid, coach.id, day] = _level_chain(
                    model, var, steps, level_vars, f"u_{tid}_{coach.id}_{day}"
                )
                mine.append(var)
            if not mine:
                model.Add(chosen == 0)
            else:
                # Redundant, for the linear relaxation: the chosen coach makes all the visits.
                model.Add(sum(mine) <= most * chosen)
                model.Add(sum(mine) >= fewest * chosen)
            if demand.intake:
                for day in range(low, high + 1):
                    if state.works[day]:
                        var = model.NewBoolVar(f"i_{tid}_{coach.id}_{day}")
                        self.intake[tid, coach.id, day] = var
                        intake_days.append((day, var, chosen))
        model.Add(sum(coach_vars) == placed)
        _level_counts(model, lengths, level_vars, shapes, demand.shapes)
        # at most one visit within any min_gap_days days
        gap = max(demand.gap, 1)
        days = sorted(per_day)
        for begin in days:
            window = [v for d in days if begin <= d < begin + gap for v in per_day[d]]
            if len(window) > 1:
                model.AddAtMostOne(window)
        # a free traject's first visit falls on an entitled day
        if allowed is not None:
            for day in days:
                if not allowed[day - low]:
                    earlier = [v for d in days if d < day for v in per_day[d]]
                    for var in per_day[day]:
                        model.Add(sum(earlier) >= 1).OnlyEnforceIf(var)
        if demand.intake:
            self.intake_minutes[tid] = demand.intake
            for coach in coaches:
                mine = [
                    var
                    for day, var, chosen in intake_days
                    if chosen is self.coach_of.get((tid, coach.id))
                ]
                model.Add(sum(mine) == self.coach_of[tid, coach.id])
            first = model.NewIntVar(low, high + 1, f"f_{tid}")
            self.first[tid] = first
            self.first_low[tid] = low
            for day, vars_ in per_day.items():
                for var in vars_:
                    model.Add(first <= day).OnlyEnforceIf(var)
            for day, var, _ in intake_days:
                model.Add(first >= day + 1).OnlyEnforceIf(var)

    def _coach_rules(self) -> None:
        model = self.model
        by_coach_day: dict[tuple[str, int], list] = {}
        week_terms: dict[tuple[str, int], list] = {}
        for (tid, coach_id, day), var in self.visit.items():
            by_coach_day.setdefault((coach_id, day), []).append(var)
            for minutes, level in self.levels[tid, coach_id, day]:
                week_terms.setdefault((coach_id, day // 7), []).append(minutes * level)
        for (tid, coach_id, day), var in self.intake.items():
            week_terms.setdefault((coach_id, day // 7), []).append(self.intake_minutes[tid] * var)
        for vars_ in by_coach_day.values():
            if len(vars_) > 1:
                model.AddAtMostOne(vars_)
        # each visit as its levels: (the length it reaches at least, the level's variable)
        week_visits: dict[tuple[str, int], list] = {}
        for key, levels in self.levels.items():
            week_visits.setdefault((key[1], key[2] // 7), []).append(_reached(levels))
        for (coach_id, week), terms in week_terms.items():
            state = self.days[coach_id]
            room = max(0, state.week_cap - state.week[week])
            model.Add(sum(terms) <= room)
            _length_fits(model, room, week_visits.get((coach_id, week), []))

    def _families(self, model=None, placed: dict | None = None) -> None:
        """At most one placed free traject per location and family, where any two block (in
        `model` over `placed`, by default this model's)."""
        model = self.model if model is None else model
        placed = self.placed if placed is None else placed
        planner = self.planner
        groups: dict[tuple[str, str], list[Traject]] = {}
        for traject in self.trajects:
            if planner.demand(traject).free:
                groups.setdefault((traject.location, c.family_of(traject)), []).append(traject)
        approximated = 0
        for members in groups.values():
            if len(members) < 2:
                continue
            exact = all(
                self._always_block(a, b) for i, a in enumerate(members) for b in members[i + 1 :]
            )
            approximated += not exact
            model.AddAtMostOne([placed[t.id] for t in members])
        if approximated and model is self.model:
            self.notes.append(
                n_(
                    "{count} location with several free trajects of one family was held to "
                    "one of them",
                    "{count} locations with several free trajects of one family were held to "
                    "one of them",
                    approximated,
                )
            )

    def _always_block(self, first: Traject, second: Traject) -> bool:
        planner = self.planner
        low1, high1 = planner.window(first)
        low2, high2 = planner.window(second)
        records = planner.records
        for one in (low1, high1):
            for two in (low2, high2):
                day_one, day_two = planner.date_of(one), planner.date_of(two)
                if not (
                    c.blocking(records, second, day_two, [day_one])
                    and c.blocking(records, first, day_one, [day_two])
                ):
                    return False
        return True

    # --- solving ---------------------------------------------------------------------------

    def hint(self, current: Current) -> None:
        """Give the solver `current` (a feasible plan of the model's trajects) as a complete
        starting solution."""
        model = self.model
        model.ClearHints()
        minutes: dict[tuple[str, str, int], int] = {}
        intakes = set()
        for traject in self.trajects:
            tid = traject.id
            placement = current.get(tid)
            model.AddHint(self.placed[tid], placement is not None)
            if placement is None:
                for var in self.shapes.get(tid, ()):
                    model.AddHint(var, False)
                continue
            coach, visits, intake = placement
            for day, length in visits:
                minutes[tid, coach, day] = length
            if intake is not None:
                intakes.add((tid, coach, intake[0]))
            lengths = sorted(length for _, length in visits)
            for k, shape in enumerate(self.planner.demand(traject).shapes):
                model.AddHint(self.shapes[tid][k], sorted(shape) == lengths)
        for (tid, coach_id), var in self.coach_of.items():
            placement = current.get(tid)
            model.AddHint(var, placement is not None and placement[0] == coach_id)
        for key, var in self.visit.items():
            length = minutes.get(key)
            model.AddHint(var, length is not None)
            total = 0
            for step, level in self.levels[key]:
                on = length is not None and total + step <= length
                if level is not var:
                    model.AddHint(level, on)
                if on:
                    total += step
        for key, var in self.intake.items():
            model.AddHint(var, key in intakes)
        for tid, first in self.first.items():
            placement = current.get(tid)
            if placement is not None and placement[1]:
                model.AddHint(first, min(day for day, _ in placement[1]))
            else:
                model.AddHint(first, self.first_low[tid])

    def solver(self, seconds: float, extra: dict | None = None):
        """Give a deterministic solver with a budget of `seconds` deterministic seconds."""
        solver = self.cp.CpSolver()
        # One worker, a fixed seed and a budget in deterministic time: the same input gives
        # the same plan on any machine. One worker proved more optima at budget 3 than eight
        # interleaved ones, at a fifth of the wall time (benchmarks/bench_optimize.py).
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 0
        solver.parameters.max_deterministic_time = max(0.01, seconds)
        # A stronger linear relaxation: it proves the optimum of tight instances the default
        # level leaves open.
        solver.parameters.linearization_level = 2
        for key, value in {**SEARCH, **(extra or {})}.items():
            setattr(solver.parameters, key, value)
        return solver

    def solution(self, solver) -> Current:
        """Give the placements of the solver's solution."""
        coach_of = {t: cid for (t, cid), var in self.coach_of.items() if solver.Value(var)}
        visits: dict[str, list[tuple[int, int]]] = {}
        for (t, cid, day), var in self.visit.items():
            if coach_of.get(t) == cid and solver.Value(var):
                minutes = sum(m * solver.Value(v) for m, v in self.levels[t, cid, day])
                visits.setdefault(t, []).append((day, minutes))
        intakes = {}
        for (t, cid, day), var in self.intake.items():
            if coach_of.get(t) == cid and solver.Value(var):
                intakes[t] = (day, self.intake_minutes[t])
        chosen: Current = {}
        for traject in self.trajects:
            tid = traject.id
            if solver.Value(self.placed[tid]):
                chosen[tid] = (coach_of[tid], sorted(visits.get(tid, [])), intakes.get(tid))
        return chosen

    def queue_weights(self, exact: bool) -> list[int]:
        """Give the queue preference's weight per traject (earlier in the queue: more)."""
        n = len(self.trajects)
        if exact and n <= EXACT_LEXICOGRAPHIC:
            return [2 ** (n - 1 - i) for i in range(n)]
        return [n - i for i in range(n)]


def _level_chain(model, visit, steps: list[tuple[int, int]], level_vars: dict, name: str = ""):
    """Give a visit's length as levels: `visit` itself for the first length, then per further
    (level, minutes) of `steps` a 0/1 that implies the one below; each is added to
    `level_vars` under its level."""
    levels = [(steps[0][1], visit)]
    level_vars[steps[0][0]].append(visit)
    previous = visit
    for j, minutes in steps[1:]:
        above = model.NewBoolVar(f"{name}_{j}" if name else "")
        model.AddImplication(above, previous)
        levels.append((minutes, above))
        level_vars[j].append(above)
        previous = above
    return levels


def _level_counts(model, lengths: list[int], level_vars: dict, shapes: list, wanted: list) -> None:
    """The count of visits at each length level is what the chosen shape holds: per distinct
    length, the level variables of the visits at least that long add up to that many."""
    for j, minutes in enumerate(lengths):
        model.Add(
            sum(level_vars[j])
            == sum(
                shape_var * sum(1 for m in shape if m >= minutes)
                for shape_var, shape in zip(shapes, wanted, strict=True)
            )
        )


def _length_fits(model, room: int, visits: list[list[tuple[int, object]]]) -> None:
    """Redundant, for the linear relaxation: per length, how many visits that long fit in a
    week's `room` (the relaxation alone would allow fractions of one). Each visit is given as
    its levels: (the length it reaches at least, the level's variable)."""
    for least in sorted({reached for steps in visits for reached, _level in steps}):
        longer = [
            next(level for reached, level in steps if reached >= least)
            for steps in visits
            if steps[-1][0] >= least
        ]
        fit = room // least
        if fit < len(longer):
            model.Add(sum(longer) <= fit)


def _reached(levels: list[tuple[int, object]]) -> list[tuple[int, object]]:
    """Give a visit's levels as (the length it reaches at least, the level's variable)."""
    reached = 0
    steps = []
    for minutes, level in levels:
        reached += minutes
        steps.append((reached, level))
    return steps


class _Weeks:
    """The week model: a relaxation of a `_Builder`'s day model that says in which ISO weeks a
    traject's visits fall, not on which days (issue 17).

    On tight instances the day model's search spends its time on the order of the days within
    a week (tight-14: 60 deterministic seconds to find the optimum); the week model finds the
    same count in a fraction of a second, and its bound is a bound of the day model too,
    because each of its constraints follows from the day model's:

    - a traject whose visits lie at least 7 days apart (every gap of the catalogue) has at
      most one visit per week: one 0/1 variable per traject, coach and week with a day the
      day model allows, its lengths as levels as in the day model;
    - two weeks of one traject whose days are all closer than its gap hold at most one visit;
    - per coach and week, the visits' and intake calls' minutes within the room, and the
      visits at most as many as the distinct days they may fall on (for each set of days:
      the trajects that may only use those days);
    - the intake call in a week before the first visit's (in the same week only where an
      intake day comes before a visit day); a free traject's visit in a week without an
      entitled day after a visit in an earlier week; the families as in the day model.

    A week plan is made a day plan by the day model with the placed set and the chosen weeks
    as assumptions (`_days_of`); where there is none, the assumptions CP-SAT names as the
    conflict become a cut of the week model (`_by_weeks`).
    """

    def __init__(self, builder: _Builder):
        self.builder = builder
        model = self.model = builder.cp.CpModel()
        self.placed = {t.id: model.NewBoolVar(f"p_{t.id}") for t in builder.trajects}
        # (traject, coach, week) -> the days the day model allows there
        self.days: dict[tuple[str, str, int], list[int]] = {}
        for tid, coach_id, day in builder.visit:
            self.days.setdefault((tid, coach_id, day // 7), []).append(day)
        self.intake_days: dict[tuple[str, str, int], list[int]] = {}
        for tid, coach_id, day in builder.intake:
            self.intake_days.setdefault((tid, coach_id, day // 7), []).append(day)
        self.week: dict[tuple[str, str, int], object] = {}
        self.levels: dict[tuple[str, str, int], list[tuple[int, object]]] = {}
        self.intake: dict[tuple[str, str, int], object] = {}
        by_traject: dict[str, list[tuple[str, int]]] = {}
        for tid, coach_id, week in sorted(self.days):
            by_traject.setdefault(tid, []).append((coach_id, week))
        for traject in builder.trajects:
            self._traject(traject, by_traject.get(traject.id, []))
        self._coach_weeks()
        builder._families(model, self.placed)

    @staticmethod
    def applies(builder: _Builder) -> bool:
        """Give whether every traject's visits lie at least a week apart (else the week model
        is no relaxation of the day model)."""
        return all(builder.planner.demand(t).gap >= 7 for t in builder.trajects)

    def _traject(self, traject: Traject, weeks: list[tuple[str, int]]) -> None:
        builder = self.builder
        intake_days = self.intake_days
        model = self.model
        tid = traject.id
        placed = self.placed[tid]
        demand = builder.planner.demand(traject)
        if tid not in builder.shapes or not weeks:
            model.Add(placed == 0)
            return
        if tid not in builder.planner.placements and not builder._placeable_alone(traject):
            model.Add(placed == 0)
        shapes = [model.NewBoolVar("") for _ in demand.shapes]
        model.Add(sum(shapes) == placed)
        lengths = sorted({m for shape in demand.shapes for m in shape})
        level_vars: dict[int, list] = {j: [] for j in range(len(lengths))}
        coaches = sorted({coach_id for coach_id, _week in weeks})
        coach_vars = []
        most = max(len(shape) for shape in demand.shapes)
        fewest = min(len(shape) for shape in demand.shapes)
        mine_all = []
        for coach_id in coaches:
            chosen = model.NewBoolVar("")
            coach_vars.append(chosen)
            mine = []
            for week in [w for cid, w in weeks if cid == coach_id]:
                key = (tid, coach_id, week)
                var = model.NewBoolVar("")
                model.AddImplication(var, chosen)
                self.week[key] = var
                mine.append((week, var))
                # the same levels as the day model's visits of this coach (a day's cap)
                steps = [m for m, _level in builder.levels[tid, coach_id, self.days[key][0]]]
                self.levels[key] = _level_chain(model, var, list(enumerate(steps)), level_vars)
            model.Add(sum(v for _w, v in mine) <= most * chosen)
            model.Add(sum(v for _w, v in mine) >= fewest * chosen)
            self._gap(tid, coach_id, mine, demand.gap)
            if demand.intake:
                calls = []
                own = sorted(w for (t, cid, w) in intake_days if t == tid and cid == coach_id)
                for week in own:
                    call = model.NewBoolVar("")
                    self.intake[tid, coach_id, week] = call
                    calls.append(call)
                    first_call = min(intake_days[tid, coach_id, week])
                    for visit_week, var in mine:
                        if visit_week < week or (
                            visit_week == week
                            and max(self.days[tid, coach_id, visit_week]) <= first_call
                        ):
                            model.AddBoolOr([call.Not(), var.Not()])
                model.Add(sum(calls) == chosen)
            mine_all.extend(((coach_id, w), v) for w, v in mine)
        model.Add(sum(coach_vars) == placed)
        _level_counts(model, lengths, level_vars, shapes, demand.shapes)
        first = builder.allowed_first.get(tid)
        if first is not None:
            low, allowed = first
            for (coach_id, week), var in mine_all:
                if not any(allowed[day - low] for day in self.days[tid, coach_id, week]):
                    earlier = [v for (_c, w), v in mine_all if w < week]
                    model.Add(sum(earlier) >= 1).OnlyEnforceIf(var)

    def _gap(self, tid: str, coach_id: str, mine: list[tuple[int, object]], gap: int) -> None:
        """Two weeks whose days all lie closer than the gap hold at most one visit."""
        for i, (week, var) in enumerate(mine):
            earliest = min(self.days[tid, coach_id, week])
            for later, other in mine[i + 1 :]:
                if later - week > gap // 7 + 1:
                    break
                if max(self.days[tid, coach_id, later]) - earliest < gap:
                    self.model.AddBoolOr([var.Not(), other.Not()])

    def _coach_weeks(self) -> None:
        builder = self.builder
        model = self.model
        terms: dict[tuple[str, int], list] = {}
        members: dict[tuple[str, int], list[str]] = {}
        for (tid, coach_id, week), levels in self.levels.items():
            terms.setdefault((coach_id, week), []).extend(m * level for m, level in levels)
            members.setdefault((coach_id, week), []).append(tid)
        for (tid, coach_id, week), call in self.intake.items():
            terms.setdefault((coach_id, week), []).append(builder.intake_minutes[tid] * call)
        for (coach_id, week), parts in terms.items():
            state = builder.days[coach_id]
            room = max(0, state.week_cap - state.week[week])
            model.Add(sum(parts) <= room)
            tids = members.get((coach_id, week), [])
            _length_fits(model, room, [_reached(self.levels[t, coach_id, week]) for t in tids])
            # at most one visit a day: the trajects that may only use a set of days make at
            # most as many visits as it has days
            sets = {frozenset(self.days[t, coach_id, week]) for t in tids}
            if sets:
                sets.add(frozenset().union(*sets))
            for days in sorted(sets, key=sorted):
                inside = [
                    self.week[t, coach_id, week]
                    for t in tids
                    if set(self.days[t, coach_id, week]) <= days
                ]
                if len(inside) > len(days):
                    model.Add(sum(inside) <= len(days))
            self._late(coach_id, week, tids)

    def _late(self, coach_id: str, week: int, tids: list[str]) -> None:
        """A visit in the week of its traject's intake call falls on a day after the call: the
        visits that must lie after the week's first day of a call are at most as many as the
        days after it (tight-14: three trajects begin in the first week of a coach's three
        days; only two can)."""
        model = self.model
        starts = [
            min(self.intake_days[t, coach_id, week])
            for t in tids
            if (t, coach_id, week) in self.intake
        ]
        if not starts:
            return
        after = {day for t in tids for day in self.days[t, coach_id, week] if day > min(starts)}
        counted = []
        for t in tids:
            key = (t, coach_id, week)
            if set(self.days[key]) <= after:
                counted.append(self.week[key])
            elif key in self.intake:
                both = model.NewBoolVar("")
                model.AddBoolOr([self.intake[key].Not(), self.week[key].Not(), both])
                counted.append(both)
        if len(counted) > len(after):
            model.Add(sum(counted) <= len(after))

    def cut(self, conflict: list) -> None:
        """Learn that no day plan makes all of these choices of a week plan (`_days_of`'s
        conflict): at least one of them goes."""
        self.model.AddBoolOr(
            [
                (self.placed[key] if not on else self.placed[key].Not())
                if isinstance(key, str)
                else (self.week[key].Not() if on else self.week[key])
                for key, on in conflict
            ]
        )

    def hint(self, current: Current) -> None:
        """Give the solver `current` (a plan of the day model) as a starting solution."""
        weeks = {
            (tid, coach, day // 7)
            for tid, (coach, visits, _intake) in current.items()
            for day, _minutes in visits
        }
        self.hint_weeks(set(current), weeks)

    def hint_weeks(self, chosen, weeks: set[tuple[str, str, int]]) -> None:
        """Give the solver a week plan (the placed trajects, their (traject, coach, week)s)
        as its starting point."""
        model = self.model
        model.ClearHints()
        for tid, var in self.placed.items():
            model.AddHint(var, tid in chosen)
        for key, var in self.week.items():
            model.AddHint(var, key in weeks)

    def chosen(self, solver) -> tuple[set[str], set[tuple[str, str, int]]]:
        """Give the placed trajects of the solver's week plan and its (traject, coach, week)s."""
        placed = {tid for tid, var in self.placed.items() if solver.Value(var)}
        return placed, {key for key, var in self.week.items() if solver.Value(var)}


def _count(trajects: list[Traject], current: Current) -> int:
    return sum(1 for t in trajects if t.id in current)


def _weighed(trajects: list[Traject], weights: list[int], chosen: Current) -> int:
    # the queue's weights of the trajects placed
    return sum(w for t, w in zip(trajects, weights, strict=True) if t.id in chosen)


def _queue_key(trajects: list[Traject], weights: list[int], chosen: Current) -> tuple[int, int]:
    # the count placed, then the queue's weights of the trajects placed
    return _count(trajects, chosen), _weighed(trajects, weights, chosen)


def _whole(planner, trajects, builder: _Builder, current: Current, budget: float, began):
    """Solve the whole model: the count placed; where it is not proved, one more with other
    searches; the queue preference with the count fixed; with what is left, continuity and
    balance with the placed set fixed."""
    cp = builder.cp
    model = builder.model
    greedy = _count(trajects, current)
    placed = [builder.placed[t.id] for t in trajects]
    used = 0.0
    bound = None
    proven = False
    best = greedy
    queue_proven = False
    week_queue = False

    def one_more(search: dict, objective: bool, seconds: float):
        # one more than the best found, asked of the day model with `search` (with or
        # without its count objective); give the status and the solver
        trial = model.Clone()
        trial.ClearHints()
        trial.Add(sum(placed) >= best + 1)
        if not objective:
            trial.ClearObjective()
        solver = builder.solver(seconds, search)
        return solver.Solve(trial), solver

    for stage in STAGES:
        # a count proved by the day model still has its queue searched by week
        if proven and not (stage == "weeks" and QUEUE_IN_WEEKS):
            continue
        if stage == "weeks" and WEEK_SHARE and _Weeks.applies(builder):
            # The week model: more trajects than found so far, or earlier ones of the queue,
            # by week; its bound is the day model's too.
            # With the count proved there, its queue phase gets the day model's queue stage's
            # time as well, and that stage is left out.
            share = min(budget * WEEK_SHARE, budget - used)
            queue_share = budget - used - budget * PREFERENCE_SHARE if QUEUE_IN_WEEKS else share
            current, week_bound, queue_proven, spent = _by_weeks(
                builder, current, share, max(share, queue_share), bound
            )
            used += spent
            best = _count(trajects, current)
            if week_bound is not None:
                bound = week_bound if bound is None else min(bound, week_bound)
            proven = queue_proven or (bound is not None and best >= bound)
            week_queue = QUEUE_IN_WEEKS and proven
        elif stage == "probe":
            # One more than the best found, without objective, linear relaxation or probing:
            # cheap, and it finds what both other searches miss (tight-40: 13 of 13 in 0.8 s,
            # where the week model found none in 20).
            search, _objective = MORE[0]
            share = min(budget * PROBE_SHARE, budget - used)
            while share - 0.05 > 0 and not proven:
                status, more = one_more(search, False, share)
                used += more.deterministic_time
                share -= more.deterministic_time
                if status in (cp.OPTIMAL, cp.FEASIBLE):
                    current = builder.solution(more)
                    best = _count(trajects, current)
                    proven = bound is not None and best >= bound
                elif status == cp.INFEASIBLE:
                    proven, bound = True, best
                else:
                    break
        elif stage == "days":
            builder.hint(current)
            model.Maximize(sum(placed))
            first = builder.solver(budget * FIRST_SHARE)
            status = first.Solve(model)
            used += first.deterministic_time
            if status in (cp.OPTIMAL, cp.FEASIBLE):
                day_bound = int(first.BestObjectiveBound() + 1e-6)
                bound = day_bound if bound is None else min(bound, day_bound)
                if round(first.ObjectiveValue()) > best:
                    current = builder.solution(first)
                best = _count(trajects, current)
                proven = status == cp.OPTIMAL or best >= bound
    # One more than the best found, asked of the model with other searches than the first
    # stage's (MORE): each finds plans the others miss within a few seconds (tight-15 and
    # tight-19 the first, tight-28 the second), and an infeasible answer proves the best.
    reserve = budget * SECOND_SHARE
    tries = 0
    while not proven and (bound is None or best < bound) and tries < len(MORE):
        left = budget - reserve - used
        if left <= 0.05:
            break
        search, objective = MORE[tries]
        status, more = one_more(search, objective, left / (len(MORE) - tries))
        used += more.deterministic_time
        if status in (cp.OPTIMAL, cp.FEASIBLE):
            current = builder.solution(more)
            best = _count(trajects, current)
            tries = 0
        elif status == cp.INFEASIBLE:
            proven, bound = True, best
        else:
            tries += 1
    # second: the queue preference, with the count at least what was found; while the count
    # is not proved, it stays in the objective (above every queue weight), so that the rest of
    # the budget may still place more.
    # (the week model may have proved the queue preference already)
    if not queue_proven and not week_queue:
        open_count = not proven and (bound is None or best < bound)
        model.Add(sum(placed) >= best)
        model.ClearObjective()
        weights = builder.queue_weights(exact=True)
        queue = sum(w * p for w, p in zip(weights, placed, strict=True))
        scale = sum(weights) + 1 if open_count else 0
        model.Maximize(scale * sum(placed) + queue if open_count else queue)
        builder.hint(current)
        # a proved count leaves PREFERENCE_SHARE of the budget to the third stage
        later = 0.0 if open_count else budget * PREFERENCE_SHARE
        second = builder.solver(max(budget * SECOND_SHARE, budget - used - later), QUEUE_SEARCH)
        status = second.Solve(model)
        used += second.deterministic_time
        if status in (cp.OPTIMAL, cp.FEASIBLE):
            found = builder.solution(second)
            # taken when it places more, or as many and earlier ones of the queue (a search
            # that did not finish may give a plan below its hint)
            if _queue_key(trajects, weights, found) >= _queue_key(trajects, weights, current):
                current = found
            if open_count:
                count_bound = int(second.BestObjectiveBound() + 1e-6) // scale
                bound = count_bound if bound is None else min(bound, count_bound)
                proven = status == cp.OPTIMAL
    final = _count(trajects, current)
    if bound is None:
        # no bound from the solver: every traject placed or with a schedule alone
        bound = sum(1 for t in trajects if t.id in current or builder._placeable_alone(t))
    preferred = None
    if PREFERENCE_SHARE and budget - used >= budget * PREFERENCE_SHARE / 2:
        chosen = [t for t in trajects if t.id in current]
        placed_set = _Builder(planner, chosen, cp, alone=builder.alone)
        placed_set.build()
        preferred = _preferences(placed_set, current, budget - used)
    notes = list(builder.notes)
    whole = not notes
    if not whole:
        quality = "partial"
    elif proven or final >= bound:
        quality = "optimal"
    else:
        quality = "bound"
    return (
        Optimality(
            status=quality,
            greedy=greedy,
            placed=max(final, greedy),
            bound=bound if whole else None,
            covered="; ".join(notes),
            seconds=perf_counter() - began,
            trajects=len(trajects),
        ),
        Solution(chosen=preferred or current, preferred=preferred is not None)
        if final >= greedy
        else None,
    )


def _by_weeks(
    builder: _Builder,
    current: Current,
    seconds: float,
    queue_seconds: float | None = None,
    known: int | None = None,
) -> tuple[Current, int | None, bool, float]:
    """Search the week model for a plan that places more trajects, or as many and earlier ones
    of the queue, than `current`, and make each week plan it finds a day plan; give the best
    day plan, the week model's bound on the count (None when it gave none), whether that plan
    is proved the best (count, then queue) and the deterministic seconds spent. The count
    gets `seconds`; with the count proved, the queue gets up to `queue_seconds` in all:
    first `_queue_questions`, then, where they leave something open, week plans that score
    higher on the queue's weights. `known` is a bound on the count found before (the day
    model's): a plan that reaches it has the count proved.

    A week plan that has no day plan gives, from the day model, a few of its choices that
    cannot go together (three trajects with their intake call and a visit in one week of a
    coach's three days, where `_late` does not see it); the week model learns that they do
    not, and is asked again. Each such cut holds for every day plan, so the week model's
    answers stay bounds of the day model: when it has no better week plan than the day plan
    found, that plan is the best."""
    cp = builder.cp
    weeks = _Weeks(builder)
    trajects = builder.trajects
    placed = [weeks.placed[t.id] for t in trajects]
    weights = builder.queue_weights(exact=True)
    queue = sum(w * p for w, p in zip(weights, placed, strict=True))
    # first the count alone (it is found sooner so), then the queue with the count fixed
    weeks.model.Maximize(sum(placed))
    weeks.hint(current)
    count_proven = False

    def score(chosen) -> int:
        # what the phase compares: the count, then (the count proved) the queue weights
        if not count_proven:
            return sum(1 for t in trajects if t.id in chosen)
        return _weighed(trajects, weights, chosen)

    bound = known
    proven = False
    used = 0.0
    first = True
    turn = 0
    asked = False

    def queue_next() -> None:
        # the count is proved: the queue, with the count fixed
        nonlocal count_proven, first, turn
        count_proven, first, turn = True, True, 0
        weeks.model.Add(sum(placed) == _count(trajects, current))
        weeks.model.Maximize(queue)
        weeks.hint(current)

    if known is not None and _count(trajects, current) >= known:
        # the count is proved already (by the day model): the queue alone
        queue_next()

    def nothing_better() -> bool:
        # no week plan beats the plan found: with the count proved, the queue is too (give
        # True); else the count is, and the queue comes next
        nonlocal bound
        if count_proven:
            return True
        bound = _count(trajects, current)
        queue_next()
        return False

    while (
        limit := seconds if not count_proven else max(seconds, queue_seconds or 0)
    ) - used > 0.05:
        # the queue with the count fixed: the proving searches alone (a "more" search climbs
        # the queue one small step a week plan; tight-52: five day plans, and a later set)
        searches = WEEK_SEARCHES if not count_proven else [s for s in WEEK_SEARCHES if not s[1]]
        if count_proven and not asked:
            # first the questions, traject by traject; what they leave open, the searches
            asked = True
            current, proven, spent = _queue_questions(builder, weeks, current, limit - used)
            used += spent
            if proven:
                break
            weeks.hint(current)
            continue
        if not searches:
            break
        search, more = searches[turn]
        # after a cut of a proving search, the first better week plan is enough
        again = not first and not more
        trial = weeks.model.Clone()
        # A proving search starts from the plan found (a week plan too) and proves what it
        # can: proving that nothing beats a plan is easier with the plan in hand (tight-15:
        # 0.5 s, where "one more" had no answer in 2). A "more" search asks for a better plan
        # without the objective: cheap where the proving one is slow (tight-53: 23 of 24 in
        # 0.12 s, 24 in 4, where the proving one found none in 8).
        objective = sum(placed) if not count_proven else queue
        trial.Add(objective >= score(current) + (1 if more or again else 0))
        if more:
            trial.ClearObjective()
        if again:
            solver = builder.solver(limit - used, WEEK_AGAIN)
        else:
            share = (limit - used) / (len(searches) - turn)
            solver = builder.solver(share, search)
        status = solver.Solve(trial)
        used += solver.deterministic_time
        if not again and status == cp.UNKNOWN and turn + 1 < len(searches):
            turn += 1
            continue
        if status == cp.INFEASIBLE:
            if nothing_better():
                proven = True
                break
            continue
        if status not in (cp.OPTIMAL, cp.FEASIBLE):
            break
        if not count_proven and not more:
            found_bound = max(_count(trajects, current), int(solver.BestObjectiveBound() + 1e-6))
            bound = found_bound if bound is None else min(bound, found_bound)
        chosen, pattern = weeks.chosen(solver)
        if score(chosen) <= score(current):
            # nothing better by week; proved so when the search was complete
            if status != cp.OPTIMAL:
                if not again and turn + 1 < len(searches):
                    turn += 1
                    continue
                break
            if nothing_better():
                proven = True
                break
            continue
        # after a cut, a "more" search asks the same again
        first = more
        # a better week plan found at the end of the share still gets its day plan
        days, conflict, spent = _days_of(
            builder, chosen, pattern, max(limit - used, seconds * DAYS_LEAST)
        )
        used += spent
        if days is not None:
            current = days
            weeks.hint(current)
            first = True
            if not count_proven and bound is not None and _count(trajects, current) >= bound:
                queue_next()
            continue
        if not conflict:
            break
        weeks.cut(conflict)
        weeks.hint_weeks(chosen, pattern)
    return current, bound, proven, used


def _queue_questions(
    builder: _Builder, weeks: _Weeks, current: Current, seconds: float
) -> tuple[Current, bool, float]:
    """With the count proved, place the earliest trajects of the queue: for each traject the
    plan leaves out, in queue order, ask the week model for a plan of the same count that
    places it and keeps every traject before it as decided (placed or not); a week plan found
    is made a day plan (or cut, and asked again), and "none" leaves it out for good. Give the
    plan, whether every question was answered (then no plan of this count places earlier
    trajects: the week model is a relaxation of the day model), and the seconds spent."""
    cp = builder.cp
    count = _count(builder.trajects, current)
    decided: dict[str, bool] = {}
    # unanswered questions: their trajects stay free, but once a plan taken places one, it
    # stays placed (else a later answer could drop it for a later traject of the queue)
    unanswered: list[str] = []
    used = 0.0
    for traject in builder.trajects:
        tid = traject.id
        if tid in current or not builder._placeable_alone(traject):
            decided[tid] = tid in current
            continue
        turn = 0
        while True:
            left = seconds - used
            if left <= 0.05:
                return current, False, used
            trial = weeks.model.Clone()
            trial.ClearObjective()
            trial.Add(sum(weeks.placed.values()) == count)
            for other, on in decided.items():
                trial.Add(weeks.placed[other] == int(on))
            trial.Add(weeks.placed[tid] == 1)
            solver = builder.solver(left * QUESTION_SHARE, QUESTION_SEARCHES[turn])
            status = solver.Solve(trial)
            used += solver.deterministic_time
            if status == cp.INFEASIBLE:
                decided[tid] = False
                break
            if status not in (cp.OPTIMAL, cp.FEASIBLE):
                turn += 1
                if turn < len(QUESTION_SEARCHES):
                    continue
                # unanswered: the traject stays as it is, undecided; the answers to the
                # later questions still place earlier trajects, but prove nothing
                unanswered.append(tid)
                break
            chosen, pattern = weeks.chosen(solver)
            days, conflict, spent = _days_of(builder, chosen, pattern, seconds - used)
            used += spent
            if days is not None:
                current = days
                weeks.hint(current)
                decided[tid] = True
                # an unanswered traject this plan places is answered by it: "yes"
                for other in unanswered:
                    if other in current:
                        decided[other] = True
                unanswered = [other for other in unanswered if other not in current]
                break
            if not conflict:
                return current, False, used
            weeks.cut(conflict)
    return current, not unanswered, used


def _days_of(
    builder: _Builder, chosen: set[str], pattern: set[tuple[str, str, int]], seconds: float
) -> tuple[Current | None, list | None, float]:
    """Give a day plan that places exactly `chosen` with its visits in the weeks of
    `pattern`, and the deterministic seconds spent. When there is none, give instead the
    choices that conflict: (traject id, placed) and ((traject, coach, week), visited)."""
    cp = builder.cp
    trial = builder.model.Clone()
    trial.ClearHints()
    trial.ClearObjective()
    in_week: dict[tuple[str, str, int], list] = {}
    for (tid, coach_id, day), var in builder.visit.items():
        if tid in chosen:
            in_week.setdefault((tid, coach_id, day // 7), []).append(var)
    meaning: dict[int, tuple] = {}
    assumptions = []
    for traject in builder.trajects:
        var = builder.placed[traject.id]
        on = traject.id in chosen
        literal = var if on else var.Not()
        assumptions.append(literal)
        meaning[literal.Index()] = (traject.id, on)
    for key, vars_ in sorted(in_week.items()):
        if key in pattern:
            visited = trial.NewBoolVar("")
            trial.Add(sum(vars_) >= 1).OnlyEnforceIf(visited)
            assumptions.append(visited)
            meaning[visited.Index()] = (key, True)
        else:
            for var in vars_:
                assumptions.append(var.Not())
                meaning[var.Not().Index()] = (key, False)
    trial.AddAssumptions(assumptions)
    solver = builder.solver(seconds, DAYS_SEARCH)
    status = solver.Solve(trial)
    if status in (cp.OPTIMAL, cp.FEASIBLE):
        return builder.solution(solver), None, solver.deterministic_time
    conflict = None
    if status == cp.INFEASIBLE:
        conflict = sorted(
            {meaning[i] for i in solver.SufficientAssumptionsForInfeasibility()}, key=str
        )
    return None, conflict, solver.deterministic_time


def served_before(planner: Planner) -> dict[str, set[str]]:
    """Give per location the staff who served it before this plan: the coach of its planned,
    active and done trajects, and of its kept visits."""
    from mentes_cli.plan.planner import SERVED_STATUSES

    served: dict[str, set[str]] = {}
    for traject in planner.records.trajects:
        if traject.status in SERVED_STATUSES and traject.coach:
            served.setdefault(traject.location, set()).add(traject.coach)
    for visit in planner.kept_visits:
        served.setdefault(visit.location, set()).add(visit.coach)
    return served


def preference_key(planner: Planner, chosen: Current) -> tuple[int, float]:
    """Give how well `chosen` (the placements of the model's trajects) keeps the softer
    preferences of SPEC 5, smaller is better: minus the trajects that keep a coach who served
    their location before, then the sum over the roles of the most hours per FTE of anyone."""
    served = served_before(planner)
    kept = 0
    load = {cid: state.load for cid, state in planner.base.items()}
    for traject_id, placement in planner.placements.items():
        if traject_id in planner.kept_by_traject:
            minutes = sum(m for day, m in placement.visits if planner.first <= day <= planner.last)
            if placement.intake is not None:
                minutes += placement.intake[1]
            load[placement.coach] = load.get(placement.coach, 0) + minutes
    for traject_id, (coach, visits, intake) in chosen.items():
        kept += coach in served.get(planner.trajects[traject_id].location, ())
        load[coach] = load.get(coach, 0) + sum(m for _day, m in visits) + (intake or (0, 0))[1]
    most: dict[str, float] = {}
    for coach in planner.coaches:
        if coach.fte > 0:
            share = load.get(coach.id, 0) / coach.fte
            most[coach.role] = max(most.get(coach.role, 0.0), share)
    return (-kept, round(sum(most.values()), 6))


def _preferences(builder: _Builder, current: Current, seconds: float) -> Current | None:
    """The third stage: with the placed set of `current` fixed, the most trajects keeping a
    coach who served their location before, then the least of (per role) the most minutes
    per FTE of anyone; give its plan, or None when it found none."""
    planner = builder.planner
    model = builder.model
    cp = builder.cp
    served = served_before(planner)
    for traject in builder.trajects:
        model.Add(builder.placed[traject.id] == int(traject.id in current))
    model.ClearObjective()
    keep = [
        var
        for (tid, cid), var in builder.coach_of.items()
        if tid in current and cid in served.get(planner.trajects[tid].location, ())
    ]
    terms: dict[str, list] = {cid: [] for cid in builder.days}
    for (tid, cid, _day), levels in builder.levels.items():
        if tid in current:
            terms[cid].extend(minutes * level for minutes, level in levels)
    for (tid, cid, _day), var in builder.intake.items():
        if tid in current:
            terms[cid].append(builder.intake_minutes[tid] * var)
    most_minutes = sum(
        max(sum(shape) for shape in planner.demand(t).shapes) + planner.demand(t).intake
        for t in builder.trajects
        if t.id in current
    )
    loads = _loads(planner, current, builder)
    tops = []
    hints = []
    for role in sorted({coach.role for coach in planner.coaches}):
        staff = [
            c for c in planner.coaches if c.role == role and c.fte > 0 and c.id in builder.days
        ]
        if not staff:
            continue
        upper = max(
            -(-(builder.days[c.id].load + most_minutes) * 100 // round(c.fte * 100)) for c in staff
        )
        top = model.NewIntVar(0, upper, f"top_{role}")
        for coach in staff:
            fte = round(coach.fte * 100)
            model.Add((builder.days[coach.id].load + sum(terms[coach.id])) * 100 <= top * fte)
        tops.append((top, upper))
        hints.append(max(-(-loads.get(c.id, 0) * 100 // round(c.fte * 100)) for c in staff))
    weight = sum(upper for _top, upper in tops) + 1
    model.Maximize(weight * sum(keep) - sum(top for top, _upper in tops))
    builder.hint(current)
    for (top, _upper), value in zip(tops, hints, strict=True):
        model.AddHint(top, value)
    solver = builder.solver(seconds, PREFERENCE_SEARCH)
    if solver.Solve(model) not in (cp.OPTIMAL, cp.FEASIBLE):
        return None
    return builder.solution(solver)


def _loads(planner: Planner, current: Current, builder: _Builder) -> dict[str, int]:
    """Give per coach the minutes booked in the window: held, plus `current`'s."""
    load = {cid: state.load for cid, state in builder.days.items()}
    for coach, visits, intake in current.values():
        load[coach] = load.get(coach, 0) + sum(m for _day, m in visits) + (intake or (0, 0))[1]
    return load


@dataclass
class Searched:
    """What the neighbourhood search covered, for the sentence that says so."""

    neighbourhoods: int = 0
    trajects: set[str] = field(default_factory=set)
    better: int = 0
    skipped: int = 0


def _neighbourhoods(
    planner: Planner,
    trajects: list[Traject],
    current: Current,
    budget: float,
    alone: dict[str, bool],
) -> tuple[Current, Searched, float]:
    """Improve `current` one neighbourhood at a time: an unplaced traject, the trajects of up
    to NEIGHBOURHOOD_COACHES of its coaches (free to move among those coaches) and the other
    unplaced trajects those coaches could take; the rest of the plan is held. A neighbourhood's
    plan is taken only when it places more, or as many and earlier ones of the queue.

    Deterministic: the neighbourhoods are taken in queue order, each with an equal share of
    the budget in deterministic seconds, and their day variables together stay within
    NEIGHBOURHOOD_WORK (building the models is Python time, outside the solver's clock)."""
    from ortools.sat.python import cp_model

    searched = Searched()
    current = dict(current)
    groups: dict[tuple[str, str], int] = {}
    for traject in planner.queue:
        if planner.demand(traject).free:
            key = (traject.location, c.family_of(traject))
            groups[key] = groups.get(key, 0) + 1

    def movable(traject: Traject) -> bool:
        # A free traject that shares its location and family with another waits on the
        # entitlement of the other: it stays as it is.
        return not (
            planner.demand(traject).free
            and groups.get((traject.location, c.family_of(traject)), 0) > 1
        )

    candidates = {
        t.id: [s.coach.id for s in planner.candidates(t, planner.demand(t))] for t in trajects
    }

    def waiting() -> list[Traject]:
        return [
            t
            for t in trajects
            if t.id not in current
            and t.id not in tried
            and movable(t)
            and alone.setdefault(t.id, planner.placeable_alone(t))
        ]

    tried: set[str] = set()
    spent = 0.0
    work = 0
    share = budget / max(1, len(waiting()))
    while True:
        left = waiting()
        if not left:
            break
        if spent >= budget - 0.01 or work >= NEIGHBOURHOOD_WORK:
            searched.skipped = len(left)
            break
        traject = left[0]
        tried.add(traject.id)
        low, high = planner.window(traject)
        load: dict[str, int] = {}
        for coach, visits, _intake in current.values():
            load[coach] = load.get(coach, 0) + sum(
                minutes for day, minutes in visits if low <= day <= high
            )
        coaches = sorted(candidates[traject.id], key=lambda cid: (load.get(cid, 0), cid))
        members = []
        for count in range(min(NEIGHBOURHOOD_COACHES, len(coaches)), 0, -1):
            chosen = set(coaches[:count])
            members = [
                t
                for t in trajects
                if movable(t)
                and (
                    (t.id in current and current[t.id][0] in chosen)
                    or (
                        t.id not in current
                        and chosen.intersection(candidates[t.id])
                        and alone.setdefault(t.id, planner.placeable_alone(t))
                    )
                )
            ]
            size = 0
            for member in members:
                first, last = planner.window(member)
                size += len(chosen.intersection(candidates[member.id])) * max(0, last - first + 1)
            if size <= NEIGHBOURHOOD_VARIABLES:
                break
        else:
            searched.skipped += 1
            continue
        held = {
            tid: placement
            for tid, placement in current.items()
            if tid not in {m.id for m in members}
        }
        builder = _Builder(planner, members, cp_model, held=held, coaches=chosen, alone=alone)
        if not builder.build(NEIGHBOURHOOD_VARIABLES):
            searched.skipped += 1
            continue
        work += builder.size
        mine = {m.id: current[m.id] for m in members if m.id in current}
        before = len(mine)
        weights = builder.queue_weights(exact=False)
        scale = sum(weights) + 1
        placed = [builder.placed[m.id] for m in members]
        builder.model.Add(sum(placed) >= before)
        if FORCE:
            builder.model.Add(builder.placed[traject.id] == 1)
        builder.model.Maximize(
            scale * sum(placed) + sum(w * p for w, p in zip(weights, placed, strict=True))
        )
        builder.hint(mine)
        solver = builder.solver(min(max(share, MIN_SHARE), budget - spent))
        status = solver.Solve(builder.model)
        spent += solver.deterministic_time
        searched.neighbourhoods += 1
        searched.trajects.update(m.id for m in members)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        found = builder.solution(solver)
        old = scale * before + sum(w for m, w in zip(members, weights, strict=True) if m.id in mine)
        new = scale * len(found) + sum(
            w for m, w in zip(members, weights, strict=True) if m.id in found
        )
        if new > old and len(found) >= before:
            searched.better += len(found) - before
            current = {**held, **found}
            # a new plan: the unplaced trajects may be tried again
            tried = {t for t in tried if t in current}
    return current, searched, spent


def _neighbourhood_note(searched: Searched | None, total: int) -> str:
    """Give what the neighbourhood search covered, to follow "except that"."""
    if searched is None or not searched.neighbourhoods:
        return _("no neighbourhood of an unplaced traject could be searched within the budget")
    return n_(
        "only {count} neighbourhood was searched (an unplaced traject with the trajects of up "
        "to {coaches} of its coaches, {trajects} of {total} trajects), the rest of the plan "
        "held; {left} unplaced trajects were not searched",
        "only {count} neighbourhoods were searched (an unplaced traject with the trajects of up "
        "to {coaches} of its coaches, {trajects} of {total} trajects), the rest of the plan "
        "held; {left} unplaced trajects were not searched",
        searched.neighbourhoods,
        coaches=NEIGHBOURHOOD_COACHES,
        trajects=len(searched.trajects),
        total=total,
        left=searched.skipped,
    )
