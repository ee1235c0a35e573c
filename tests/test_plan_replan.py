"""Planning again around kept visits (SPEC 5 rule 7; issue 17 item 1).

A traject is wholly planned, wholly unplanned, or incomplete (its kept visits stay, the rest
fits nowhere), never two of those; a re-plan on unchanged records gives the same plan.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentes_cli.models import Closure, Leave
from mentes_cli.plan.check import check_plan
from mentes_cli.plan.model import KeptVisit, Plan, Visit, kept_from_plan
from mentes_cli.plan.planner import make_plan
from mentes_cli.plan.store import plan_toml, read_plan
from test_plan_builders import coach, days_of, location, plan, records, supporter, traject
from test_plan_properties import record_sets

JAN_4 = date(2027, 1, 4)
END = date(2027, 6, 30)


def saved(result: Plan, folder: Path) -> Plan:
    """Give `result` as `--save` writes it and `--keep` reads it back."""
    path = folder / "plan.toml"
    path.write_bytes(plan_toml(result))
    return read_plan(path)


def _placed(result: Plan) -> set[str]:
    return {v.traject for v in result.visits}


def _exclusive(result: Plan, recs) -> None:
    """Every approved traject is in exactly one of placed, unplanned, incomplete."""
    unplanned = {u.traject for u in result.unplanned}
    incomplete = {i.traject for i in result.incomplete}
    placed = _placed(result) - incomplete
    approved = {t.id for t in recs.trajects if t.status == "approved"}
    assert not (placed & unplanned) and not (placed & incomplete) and not (unplanned & incomplete)
    assert placed | unplanned | incomplete >= approved


def test_free_coaching_with_one_visit_before_the_new_start_keeps_the_other_seven(tmp_path):
    recs = records()
    first = plan(recs, start=JAN_4, end=END)
    dates = days_of(first)
    assert len(dates) == 8
    later = date.fromisoformat(dates[0]) + timedelta(days=1)
    again = plan(recs, start=later, end=END, kept=saved(first, tmp_path))
    assert days_of(again) == dates
    assert again.unplanned == [] and again.incomplete == [] and again.moved == []
    assert check_plan(again, recs) == []
    _exclusive(again, recs)


def test_paid_c_with_only_its_intake_before_the_new_start_keeps_its_ten_visits(tmp_path):
    recs = records(trajects=[traject(offer="C")])
    first = plan(recs, start=JAN_4, end=END)
    visits = days_of(first)
    [intake] = days_of(first, kind="intake")
    assert len(visits) == 10
    later = date.fromisoformat(intake) + timedelta(days=1)
    assert later <= date.fromisoformat(visits[0])
    again = plan(recs, start=later, end=END, kept=saved(first, tmp_path))
    assert days_of(again) == visits
    assert days_of(again, kind="intake") == [intake]
    assert again.unplanned == [] and again.incomplete == []
    assert check_plan(again, recs) == []


def test_bvv_basis_with_both_visits_kept_is_not_unplanned_after_its_deadline(tmp_path):
    recs = records(
        coaches=[supporter()],
        trajects=[traject(offer="bvv-basis", deadline=date(2027, 2, 28))],
    )
    first = plan(recs, start=JAN_4, end=END)
    dates = days_of(first)
    assert len(dates) == 2
    again = plan(recs, start=date(2027, 3, 1), end=END, kept=saved(first, tmp_path))
    assert days_of(again) == dates
    assert again.unplanned == [] and again.incomplete == []
    assert check_plan(again, recs) == []


def test_a_traject_whose_rest_fits_nowhere_is_incomplete_not_unplanned(tmp_path):
    recs = records(coaches=[supporter()], trajects=[traject(offer="bvv-basis")])
    first = plan(recs, start=JAN_4, end=END)
    first_day, second_day = (date.fromisoformat(d) for d in days_of(first))
    # The second visit's day is now closed, and the location is closed for the rest of the
    # window: the kept first visit stays, the second fits nowhere.
    closed = records(
        locations=[location(closures=[Closure(start=second_day, end=END, reason="werken")])],
        coaches=[supporter()],
        trajects=[traject(offer="bvv-basis")],
    )
    again = plan(closed, start=first_day + timedelta(days=1), end=END, kept=saved(first, tmp_path))
    assert again.unplanned == []
    [incomplete] = again.incomplete
    assert (incomplete.traject, incomplete.visits_kept, incomplete.visits_missing) == ("T-1", 1, 1)
    assert incomplete.reasons and all(incomplete.reasons)
    assert days_of(again) == [first_day.isoformat()]
    assert check_plan(again, closed) == []
    _exclusive(again, closed)


def test_a_kept_visit_is_never_moved_to_make_room():
    # T-2 comes first in the queue (enforcement) and would like C-1's days, but T-1's kept
    # visits stay where they are; T-2 goes around them.
    recs = records(
        locations=[location(), location(id="LOC-2", name="Twee", enforcement=True)],
        trajects=[traject(), traject(id="T-2", location="LOC-2", offer="A")],
    )
    alone = plan(records(), start=JAN_4, end=END)
    kept = [KeptVisit(visit=v) for v in alone.visits]
    again = make_plan(recs, start=JAN_4, end=END, kept=kept)
    assert days_of(again) == days_of(alone)
    assert again.moved == []
    assert check_plan(again, recs) == []
    _exclusive(again, recs)


def test_done_and_fixed_visits_never_move_even_when_they_break_a_rule():
    first = plan(records(), start=JAN_4, end=END)
    on_leave = date.fromisoformat(days_of(first)[2])
    states = {0: "done", 2: "fixed"}
    kept = [
        KeptVisit(visit=v, state=states.get(i, "planned"))
        for i, v in enumerate(v for v in first.visits if v.kind == "visit")
    ]
    recs = records(coaches=[coach(leave=[Leave(start=on_leave, end=on_leave)])])
    again = make_plan(recs, start=JAN_4, end=END, kept=kept)
    assert days_of(again) == days_of(first)
    assert again.moved == []
    assert again.warnings == [
        f"kept plan: T-1, visit on {on_leave.isoformat()} (C-1): C-1 is on leave [leave]"
    ]


def test_a_planned_visit_that_now_breaks_a_rule_moves_with_its_coach():
    first = plan(records(), start=JAN_4, end=END)
    last = date.fromisoformat(days_of(first)[-1])
    recs = records(coaches=[coach(leave=[Leave(start=last, end=last)])])
    again = make_plan(recs, start=JAN_4, end=END, kept=kept_from_plan(first))
    assert days_of(again)[:-1] == days_of(first)[:-1]
    [moved] = again.moved
    assert (moved.old_date, moved.new_date) == (last, last + timedelta(days=1))
    assert moved.coach == "C-1" and "[leave]" in moved.reason
    assert check_plan(again, recs) == []


def test_kept_visits_are_a_plain_list_from_either_source():
    visit = Visit(
        traject="T-1",
        location="LOC-1",
        coach="C-1",
        date=date(2027, 2, 1),
        start="08:30",
        hours=6.25,
    )
    assert kept_from_plan(Plan(start=JAN_4, end=END, visits=[visit])) == [KeptVisit(visit=visit)]
    fixed = visit.model_copy(update={"fixed": True})
    assert kept_from_plan(Plan(start=JAN_4, end=END, visits=[fixed]))[0].state == "fixed"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets(), st.integers(1, 12))
def test_planning_again_on_unchanged_records_gives_the_same_plan(case, weeks_later):
    records_, start, end = case
    first = make_plan(records_, start=start, end=end)
    later = start + timedelta(weeks=weeks_later)
    if later > end:
        return
    again = make_plan(records_, start=later, end=end, kept=kept_from_plan(first))
    assert again.visits == first.visits
    assert again.moved == [] and again.incomplete == []
    assert {u.traject for u in again.unplanned} == {u.traject for u in first.unplanned}
    assert check_plan(again, records_) == []
    _exclusive(again, records_)
