"""The planner: regressions found in review (repair, kept intakes, PRIOR later in the window)."""

from __future__ import annotations

from datetime import date

from mentes_cli.plan.check import check_plan
from test_plan_builders import coach, days_of, location, plan, records, traject

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
