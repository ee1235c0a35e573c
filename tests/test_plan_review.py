"""The planner: regressions found in review (repair, kept intakes, PRIOR later in the window)."""

from __future__ import annotations

from datetime import date

from mentes_cli.plan.check import check_plan
from mentes_cli.plan.model import Plan, Visit
from test_plan_builders import coach, days_of, location, plan, reasons_of, records, traject

JAN_4 = date(2027, 1, 4)


def test_repair_keeps_the_entitlement_of_trajects_placed_later_in_the_queue():
    # One 6.25 h visit a week. X (asked first, at LX) takes the early weeks, so T1 (deadline
    # 28 February) is left over and T2 (from 1 March, same location L) is placed. Repair could
    # make room for T1 by moving X, but then T1 comes before T2 at L and T2 loses its
    # entitlement: that move is refused.
    recs = records(
        locations=[location(id="LX", postcode="2000"), location(id="L", postcode="2000")],
        coaches=[coach(fte=0.25)],
        trajects=[
            traject(id="X", location="LX", requested_on=date(2026, 1, 1)),
            traject(
                id="T1", location="L", requested_on=date(2026, 2, 1), deadline=date(2027, 2, 28)
            ),
            traject(
                id="T2", location="L", requested_on=date(2026, 3, 1), earliest=date(2027, 3, 1)
            ),
        ],
    )
    result = plan(recs, start=JAN_4, end=date(2027, 6, 27))
    assert check_plan(result, recs) == []
    placed = {v.traject for v in result.visits}
    assert not {"T1", "T2"} <= placed
    assert days_of(result, "X")[0] == "2027-01-04"


def test_visits_come_after_a_kept_fixed_intake_call():
    # Package A's intake call is fixed on Monday 25 January; the visits still to place must
    # follow it, not fill the free days before it.
    recs = records(trajects=[traject(offer="A")])
    intake = Visit(
        traject="T-1",
        location="LOC-1",
        coach="C-1",
        date=date(2027, 1, 25),
        start="08:30",
        hours=1.0,
        kind="intake",
        fixed=True,
    )
    kept = Plan(start=JAN_4, end=date(2027, 6, 30), visits=[intake])
    result = plan(recs, start=JAN_4, kept=kept)
    assert days_of(result, kind="intake") == ["2027-01-25"]
    assert days_of(result)[0] == "2027-01-26"
    assert len(days_of(result)) == 6
    assert result.warnings == []
    assert check_plan(result, recs) == []


def test_reasons_name_the_kept_intake_call_when_it_leaves_no_room():
    recs = records(trajects=[traject(offer="A", deadline=date(2027, 2, 5))])
    intake = Visit(
        traject="T-1",
        location="LOC-1",
        coach="C-1",
        date=date(2027, 2, 5),
        start="08:30",
        hours=1.0,
        kind="intake",
        fixed=True,
    )
    kept = Plan(start=JAN_4, end=date(2027, 6, 30), visits=[intake])
    result = plan(recs, start=JAN_4, kept=kept)
    # A kept traject that cannot be completed is incomplete, not unplanned (SPEC 5 rule 7).
    assert result.unplanned == []
    [incomplete] = result.incomplete
    assert (incomplete.traject, incomplete.visits_kept, incomplete.visits_missing) == ("T-1", 0, 6)
    assert incomplete.reasons == [
        "no day to plan in: the day after the kept intake call, 2027-02-06 is after deadline "
        "2027-02-05"
    ]


def _prior_from(since: date):
    # Not PRIOR by step and IKT places; PRIOR by enforcement from `since`.
    return location(subsidy_step=3, ikt_places=40, enforcement=True, enforcement_since=since)


def test_free_traject_waits_until_the_location_becomes_prior_in_the_window():
    recs = records([_prior_from(date(2027, 2, 1))])
    result = plan(recs, start=JAN_4)
    assert check_plan(result, recs) == []
    assert days_of(result)[0] == "2027-02-01"
    assert len(days_of(result)) == 8


def test_free_traject_is_refused_when_the_location_becomes_prior_after_the_window():
    recs = records([_prior_from(date(2027, 8, 2))])
    result = plan(recs, start=JAN_4)
    assert reasons_of(result) == [
        "not entitled to free pedagogical coaching on 2027-01-04: LOC-1 is not PRIOR (subsidy "
        "step 3 with IKT places of the organisation 40 > 18; enforcement only from 2027-08-02) "
        "on 2027-01-04."
    ]
