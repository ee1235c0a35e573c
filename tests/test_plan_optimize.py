"""The exact improvement step (CP-SAT, issue 17): more trajects where the greedy plan falls
short, proven optimal where it can be, deterministic, checked, and optional."""

from __future__ import annotations

import builtins
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from mentes_cli.plan import optimize
from mentes_cli.plan.check import check_plan
from mentes_cli.plan.planner import make_plan
from test_plan_builders import as_json, coach, records, traject
from test_plan_properties import record_sets

ortools = pytest.importorskip("ortools")

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
START, END = date(2027, 1, 4), date(2027, 6, 30)


def _placed(result) -> set[str]:
    return {v.traject for v in result.visits} - {u.traject for u in result.unplanned}


@pytest.fixture(scope="module")
def tight(tmp_path_factory):
    """benchmarks/bench_optimize.py's tight-8: 11 requests, 1 coach, 1 supporter, where the
    greedy places 9 and the proven optimum is 10."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import generate_tight
    finally:
        sys.path.remove(str(BENCHMARKS))
    from mentes_cli.load import DataSource, load_records

    folder = generate_tight.write_tight(tmp_path_factory.mktemp("tight"), 11, 1, 1, 8)
    return load_records(DataSource(folder, "test")).records


def test_a_small_tight_instance_reaches_the_proven_optimum(tight):
    greedy = make_plan(tight, start=START, end=END)
    best = make_plan(tight, start=START, end=END, optimize=3)
    assert check_plan(best, tight) == []
    assert best.optimality.status == "optimal"
    assert len(_placed(best)) == best.optimality.bound
    assert (len(_placed(greedy)), len(_placed(best))) == (9, 10)
    assert best.optimality.greedy == 9
    assert not _placed(best) & {u.traject for u in best.unplanned}
    # deterministic: the same input gives the same plan
    assert as_json(make_plan(tight, start=START, end=END, optimize=3)) == as_json(best)


def test_a_small_budget_never_places_fewer_than_the_greedy(tight):
    result = make_plan(tight, start=START, end=END, optimize=0.05)
    assert len(_placed(result)) >= 9
    assert check_plan(result, tight) == []


def test_every_traject_placed_is_optimal_without_a_solve():
    recs = records(coaches=[coach()], trajects=[traject()])
    result = make_plan(recs, start=START, end=END, optimize=1)
    assert result.optimality.status == "optimal"
    assert (result.optimality.greedy, result.optimality.placed) == (1, 1)


def test_without_ortools_the_greedy_plan_stands(monkeypatch, tight):
    real_import = builtins.__import__

    def no_ortools(name, *args, **kwargs):
        if name.startswith("ortools"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ortools)
    result = make_plan(tight, start=START, end=END, optimize=2)
    assert result.optimality.status == "not installed"
    assert as_json(result) == as_json(make_plan(tight, start=START, end=END))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets())
def test_every_optimized_plan_passes_the_checker(case):
    recs, start, end = case
    result = make_plan(recs, start=start, end=end, optimize=0.2)
    assert check_plan(result, recs) == []
    greedy = make_plan(recs, start=start, end=end)
    assert len(_placed(result)) >= len(_placed(greedy))
    assert not _placed(result) & {u.traject for u in result.unplanned}


def test_the_command_reports_the_quality_and_takes_a_budget():
    from typer.testing import CliRunner

    from mentes_cli.cli import app

    runner = CliRunner()
    window = ["plan", "--start", "2027-01-04", "--end", "2027-06-30"]
    shown = runner.invoke(app, window)
    assert shown.exit_code == 0, shown.output
    assert "Optimal: all 8 trajects are placed." in shown.stdout
    off = runner.invoke(app, [*window, "--optimize", "0"])
    assert off.exit_code == 0 and "Optimal" not in off.output
    bad = runner.invoke(app, [*window, "--optimize", "-1"])
    assert bad.exit_code == 2
    assert "--optimize must be 0 or more seconds" in bad.output
    json_run = runner.invoke(app, [*window, "--format", "json", "--optimize", "1"])
    assert json_run.exit_code == 0
    assert "Optimal:" in json_run.stderr and "Optimal" not in json_run.stdout


def test_when_nothing_left_out_fits_even_alone_the_greedy_is_optimal_without_a_model(
    monkeypatch,
):
    # T-2's deadline leaves two weeks for eight weekly visits: no schedule even alone.
    recs = records(
        coaches=[coach()],
        trajects=[traject(), traject(id="T-2", deadline=date(2027, 1, 15))],
    )
    built = []
    real_build = optimize._Builder.build
    monkeypatch.setattr(
        optimize._Builder, "build", lambda self, *a: built.append(1) or real_build(self, *a)
    )
    result = make_plan(recs, start=START, end=END, optimize=2)
    assert _placed(result) == {"T-1"}
    assert [u.traject for u in result.unplanned] == ["T-2"]
    quality = result.optimality
    assert (quality.status, quality.greedy, quality.placed, quality.bound) == ("optimal", 1, 1, 1)
    assert built == []
