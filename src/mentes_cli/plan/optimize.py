"""Exact improvement of the greedy plan with OR-Tools CP-SAT (issue 17), when installed.

The model, built from the same constraints as the checker (`plan/constraints.py`) through the
planner's day arrays:

- one 0/1 variable per traject (placed), per candidate coach (the traject's coach), per
  acceptable shape (coaching: 8 or 7 days), and per (coach, day) on which a visit may fall:
  the coach works (workday, no leave, no holiday), the location is open (opening day, no
  closure), the coach serves the area on that day, within earliest/deadline and the window,
  and the day is not taken by a kept visit;
- the visits' lengths as levels: a visit of at least the k-th distinct length is one more
  0/1 variable under the visit's, and per level the count equals what the chosen shape holds;
  a length the day cap or the opening hours forbid gets no variable;
- at most one visit per coach per day; within `min_gap_days` at most one visit of a traject;
  per coach and ISO week, visits and intake calls within the weekly share minus what kept
  visits already take;
- the intake call of A-D on a workday of the coach, strictly before every visit;
- a free traject's first visit on a day the location is entitled, counting the history (and
  the kept trajects earlier in the queue), and at most one placed per location and family
  where any two would block each other in the window (exact then; otherwise the model is
  stricter than SPEC 5 and says so).

Trajects with kept visits are held as the greedy placed them. The objective is lexicographic
in two solves: first the number placed (with the greedy plan as the hint), then, with that
number fixed, the queue preference (weights 2^(n-1-position), exact for up to 40 trajects,
else n - position). The solver is deterministic: one thread (its subsolvers interleaved in
fixed batches, `interleave_search`), a fixed seed, and a budget in deterministic time
(`max_deterministic_time`), so the same input gives the same plan on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from time import perf_counter
from typing import TYPE_CHECKING

from mentes_cli.plan import constraints as c
from mentes_cli.plan.model import Optimality

if TYPE_CHECKING:
    from mentes_cli.models import Traject
    from mentes_cli.plan.planner import Planner, _CoachDays

# Above this many day variables the model is not built (the greedy plan stands): building it
# in Python would take longer than the budget is meant to.
MAX_DAY_VARIABLES = 250_000
EXACT_LEXICOGRAPHIC = 40


@dataclass
class Solution:
    """The placements the solver chose: traject id -> (coach, visits, intake)."""

    chosen: dict[str, tuple[str, list[tuple[int, int]], tuple[int, int] | None]] = field(
        default_factory=dict
    )


def available() -> bool:
    """Give whether OR-Tools can be imported."""
    try:
        import ortools.sat.python.cp_model  # noqa: F401
    except ImportError:
        return False
    return True


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
    builder = _Builder(planner, model_trajects, cp_model)
    if not builder.build():
        return (
            Optimality(
                status="skipped",
                greedy=greedy,
                placed=greedy,
                bound=None,
                covered=f"not built: {builder.size} day variables, more than {MAX_DAY_VARIABLES}",
                seconds=perf_counter() - began,
                trajects=len(model_trajects),
            ),
            None,
        )
    return builder.solve(budget, greedy, began)


class _Builder:
    def __init__(self, planner: Planner, trajects: list[Traject], cp_model):
        self.planner = planner
        self.trajects = trajects
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

    # --- the fixed part: kept visits and the trajects built around them -------------------

    def _fixed_days(self) -> dict[str, _CoachDays]:
        planner = self.planner
        days = {cid: state.clone() for cid, state in planner.base.items()}
        held = 0
        for traject_id, placement in planner.placements.items():
            if traject_id not in planner.kept_by_traject:
                continue
            state = days[placement.coach]
            for index, minutes in placement.visits:
                planner._book_visit(state, index, minutes, placement.traject.location)
            if placement.intake is not None:
                planner._book_intake(state, *placement.intake)
            held += bool(placement.visits or placement.intake)
        if held:
            self.notes.append(
                f"{held} trajects completed around kept visits were held as the greedy placed them"
            )
        return days

    # --- building --------------------------------------------------------------------------

    def build(self) -> bool:
        planner = self.planner
        self.days = self._fixed_days()
        plans = []
        for traject in self.trajects:
            demand = planner.demand(traject)
            low, high = planner.window(traject)
            coaches = [s.coach for s in planner.candidates(traject, demand)]
            plans.append((traject, demand, low, high, coaches))
            self.size += len(coaches) * max(0, high - low + 1)
        if self.size > MAX_DAY_VARIABLES:
            return False
        history = self._history()
        for traject, demand, low, high, coaches in plans:
            self._traject(traject, demand, low, high, coaches, history)
            if traject.id not in planner.placements and not planner.placeable_alone(traject):
                # No schedule even alone (SPEC 5's "can be placed"): a cut the solver would
                # have to find by search.
                self.model.Add(self.placed[traject.id] == 0)
        self._coach_rules()
        self._families()
        return True

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
        shapes = [model.NewBoolVar(f"s_{tid}_{k}") for k in range(len(demand.shapes))]
        self.shapes[tid] = shapes
        model.Add(sum(shapes) == placed)
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
                levels = [(lengths[0], var)]
                level_vars[0].append(var)
                previous = var
                for j in usable[1:]:
                    above = model.NewBoolVar(f"u_{tid}_{coach.id}_{day}_{j}")
                    model.AddImplication(above, previous)
                    levels.append((lengths[j] - lengths[j - 1], above))
                    level_vars[j].append(above)
                    previous = above
                self.levels[tid, coach.id, day] = levels
                mine.append(var)
            if not mine:
                model.Add(chosen == 0)
            if demand.intake:
                for day in range(low, high + 1):
                    if state.works[day]:
                        var = model.NewBoolVar(f"i_{tid}_{coach.id}_{day}")
                        self.intake[tid, coach.id, day] = var
                        intake_days.append((day, var, chosen))
        model.Add(sum(coach_vars) == placed)
        # the count of visits at each length level is what the chosen shape holds
        for j, minutes in enumerate(lengths):
            wanted = sum(
                shape_var * sum(1 for m in shape if m >= minutes)
                for shape_var, shape in zip(shapes, demand.shapes, strict=True)
            )
            model.Add(sum(level_vars[j]) == wanted)
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
        for (coach_id, week), terms in week_terms.items():
            state = self.days[coach_id]
            model.Add(sum(terms) <= max(0, state.week_cap - state.week[week]))

    def _families(self) -> None:
        """At most one placed free traject per location and family, where any two block."""
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
            self.model.AddAtMostOne([self.placed[t.id] for t in members])
        if approximated:
            self.notes.append(
                f"{approximated} location(s) with several free trajects of one family were "
                "held to one of them"
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

    def _hint(self) -> None:
        """Give the solver the greedy plan as a complete starting solution."""
        placements = self.planner.placements
        model = self.model
        minutes: dict[tuple[str, str, int], int] = {}
        intakes = set()
        for traject in self.trajects:
            placement = placements.get(traject.id)
            model.AddHint(self.placed[traject.id], placement is not None)
            if placement is None:
                for var in self.shapes.get(traject.id, ()):
                    model.AddHint(var, False)
                continue
            for day, length in placement.visits:
                minutes[traject.id, placement.coach, day] = length
            if placement.intake is not None:
                intakes.add((traject.id, placement.coach, placement.intake[0]))
            lengths = sorted(length for _, length in placement.visits)
            for k, shape in enumerate(self.planner.demand(traject).shapes):
                model.AddHint(self.shapes[traject.id][k], sorted(shape) == lengths)
        for (tid, coach_id), var in self.coach_of.items():
            placement = placements.get(tid)
            model.AddHint(var, placement is not None and placement.coach == coach_id)
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
            placement = placements.get(tid)
            if placement is not None and placement.visits:
                model.AddHint(first, min(day for day, _ in placement.visits))
            else:
                model.AddHint(first, self.first_low[tid])

    def _solver(self, seconds: float):
        solver = self.cp.CpSolver()
        # One thread, deterministic: the subsolvers (the search with the linear relaxation,
        # and large-neighbourhood search that improves the hint) take turns in fixed batches
        # instead of running in parallel, so the same input gives the same plan anywhere.
        solver.parameters.num_workers = 8
        solver.parameters.interleave_search = True
        solver.parameters.random_seed = 0
        solver.parameters.max_deterministic_time = max(0.01, seconds)
        # A stronger linear relaxation: it proved the optimum of tight instances the default
        # level left open (benchmarks/bench_optimize.py).
        solver.parameters.linearization_level = 2
        return solver

    def solve(self, budget: float, greedy: int, began: float):
        cp = self.cp
        model = self.model
        placed = [self.placed[t.id] for t in self.trajects]
        self._hint()
        model.Maximize(sum(placed))
        solver = self._solver(budget * 2 / 3)
        status = solver.Solve(model)
        covered = "; ".join(self.notes)
        if status not in (cp.OPTIMAL, cp.FEASIBLE):
            return (
                Optimality(
                    status="unknown",
                    greedy=greedy,
                    placed=greedy,
                    bound=None,
                    covered=covered,
                    seconds=perf_counter() - began,
                    trajects=len(self.trajects),
                ),
                None,
            )
        best = round(solver.ObjectiveValue())
        bound = int(solver.BestObjectiveBound() + 1e-6)
        proven = status == cp.OPTIMAL
        if best < greedy:  # the hint was not completed within the budget: keep the greedy
            best = greedy
        # second: the queue preference, with the count fixed
        n = len(self.trajects)
        if n <= EXACT_LEXICOGRAPHIC:
            weights = [2 ** (n - 1 - i) for i in range(n)]
        else:
            weights = [n - i for i in range(n)]
        model.Add(sum(placed) >= best)
        model.ClearObjective()
        model.Maximize(sum(w * p for w, p in zip(weights, placed, strict=True)))
        model.ClearHints()
        for i in range(len(placed)):
            model.AddHint(placed[i], bool(solver.Value(placed[i])))
        for var in self.visit.values():
            model.AddHint(var, bool(solver.Value(var)))
        for var in self.intake.values():
            model.AddHint(var, bool(solver.Value(var)))
        second = self._solver(max(budget / 3, budget - solver.deterministic_time))
        status2 = second.Solve(model)
        chosen_solver = second if status2 in (cp.OPTIMAL, cp.FEASIBLE) else solver
        final = sum(bool(chosen_solver.Value(p)) for p in placed)
        if final < greedy:
            final_solution = None
            final = greedy
        else:
            final_solution = self._solution(chosen_solver)
        whole = not self.notes
        if whole and (proven or final >= bound):
            quality = "optimal"
        elif whole:
            quality = "bound"
        else:
            quality = "partial"
        return (
            Optimality(
                status=quality,
                greedy=greedy,
                placed=final,
                bound=bound if whole else None,
                covered=covered,
                seconds=perf_counter() - began,
                trajects=len(self.trajects),
            ),
            final_solution,
        )

    def _solution(self, solver) -> Solution:
        solution = Solution()
        for traject in self.trajects:
            tid = traject.id
            if not solver.Value(self.placed[tid]):
                continue
            coach = next(
                cid for (t, cid), var in self.coach_of.items() if t == tid and solver.Value(var)
            )
            visits = []
            for (t, cid, day), var in self.visit.items():
                if t == tid and cid == coach and solver.Value(var):
                    minutes = sum(m * solver.Value(v) for m, v in self.levels[t, cid, day])
                    visits.append((day, minutes))
            intake = None
            for (t, cid, day), var in self.intake.items():
                if t == tid and cid == coach and solver.Value(var):
                    intake = (day, self.intake_minutes[tid])
            solution.chosen[tid] = (coach, sorted(visits), intake)
        return solution
