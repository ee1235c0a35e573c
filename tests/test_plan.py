"""The planner: each hard constraint of SPEC 5 places visits right, and blocks with its reason."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from mentes_cli.models import Closure, Leave
from mentes_cli.plan.check import check_plan
from mentes_cli.plan.demand import even_split
from mentes_cli.plan.model import Plan, Visit
from mentes_cli.plan.planner import Planner
from test_plan_builders import (
    MONDAY,
    as_json,
    coach,
    days_of,
    hours_of,
    location,
    plan,
    reasons_of,
    records,
    supporter,
    traject,
)

FEB_15 = date(2027, 2, 15)
BVV = traject(offer="bvv-basis")
# A regional supporter who works on Mondays only: from 2027-02-01 to 2027-02-15 the only
# possible days are the three Mondays, so a basistraject (2 × 3 h, 14 days apart) needs both
# 1 and 15 February.
TWO_MONDAYS = (
    "S-1: room for only 1 of 2 visits (2 × 3 h, at least 14 days apart) between 2027-02-01 "
    "and 2027-02-15; free dates: 2027-02-01, 2027-02-08; not a workday of S-1 (workdays mon): "
    "8 days; LOC-1 not open (opening days mon, tue, wed, thu, fri): 4 days"
)


def checked(recs, **window) -> Plan:
    """Give the plan, after asserting that the checker finds nothing wrong with it."""
    result = plan(recs, **window)
    assert check_plan(result, recs) == []
    return result


# --- what a traject needs (constraint 1) ---------------------------------------------------


def test_free_coaching_is_50_hours_over_8_days_of_6_25_hours():
    result = checked(records(), end=date(2027, 4, 30))
    assert hours_of(result) == [6.25] * 8
    assert days_of(result) == [
        "2027-02-01",
        "2027-02-08",
        "2027-02-15",
        "2027-02-22",
        "2027-03-01",
        "2027-03-08",
        "2027-03-15",
        "2027-03-22",
    ]
    assert {v.start for v in result.visits} == {"08:30"}


def test_free_coaching_falls_back_to_7_days_split_evenly_in_quarter_hours():
    # Seven Mondays from 1 February to 15 March: 8 weekly visits do not fit.
    result = checked(records(), end=date(2027, 3, 19))
    assert hours_of(result) == [7.25, 7.25, 7.25, 7.25, 7.0, 7.0, 7.0]
    assert sum(hours_of(result)) == 50


def test_even_split_gives_the_longer_days_first():
    assert even_split(3000, 8, 15) == (375,) * 8
    assert even_split(3000, 7, 15) == (435, 435, 435, 435, 420, 420, 420)


def test_coaching_is_unplanned_when_7_days_do_not_fit_either():
    result = plan(records(coaches=[coach(workdays=["mon"])]), end=date(2027, 3, 12))
    assert reasons_of(result) == [
        "C-1: room for only 6 of 7 visits (4 × 7.25 h + 3 × 7 h, at least 7 days apart) "
        "between 2027-02-01 and 2027-03-12; 8 × 6.25 h did not fit either; free dates: "
        "2027-02-01, 2027-02-08, 2027-02-15, 2027-02-22, 2027-03-01, 2027-03-08; not a workday "
        "of C-1 (workdays mon): 24 days; LOC-1 not open (opening days mon, tue, wed, thu, fri): "
        "10 days"
    ]


def test_paid_package_has_the_tariff_days_and_an_intake_call_the_day_before():
    result = checked(records(trajects=[traject(offer="A")]), end=date(2027, 4, 30))
    assert hours_of(result) == [5.0, 5.0, 5.0, 5.0, 4.0, 4.0]
    assert days_of(result, kind="intake") == ["2027-02-01"]
    assert days_of(result)[0] == "2027-02-02"
    intake = next(v for v in result.visits if v.kind == "intake")
    assert (intake.start, intake.hours, intake.location) == ("08:30", 1.0, "LOC-1")


def test_intake_call_needs_a_workday_of_the_coach_before_the_first_visit():
    on_leave = coach(workdays=["mon"], leave=[Leave(start=MONDAY, end=MONDAY)])
    result = plan(records(coaches=[on_leave], trajects=[traject(offer="A")]), end=date(2027, 2, 7))
    assert reasons_of(result) == [
        "C-1: no workday with room for the 1 h intake call between 2027-02-01 and 2027-02-07; "
        "no free date; C-1 on leave: 2027-02-01; not a workday of C-1 (workdays mon): 4 days; "
        "LOC-1 not open (opening days mon, tue, wed, thu, fri): 2 days"
    ]


def test_paid_package_d_has_a_2_hour_intake_and_14_days():
    result = checked(records(trajects=[traject(offer="D")]), end=date(2027, 7, 30))
    assert hours_of(result) == [5.0] * 9 + [4.0] * 5
    assert [v.hours for v in result.visits if v.kind == "intake"] == [2.0]


def test_intake_call_follows_a_visit_on_the_same_day():
    # T-1 (asked first) takes Monday 1 February; T-2's intake call falls on that day too,
    # after T-1's visit, then its first visit on Tuesday.
    recs = records(
        locations=[location(), location(id="LOC-2", name="Tweede")],
        trajects=[
            traject(),
            traject(id="T-2", location="LOC-2", offer="A", requested_on=date(2026, 11, 1)),
        ],
    )
    result = checked(recs, end=date(2027, 6, 30))
    intake = next(v for v in result.visits if v.kind == "intake")
    assert (intake.date.isoformat(), intake.start) == ("2027-02-01", "14:45")
    assert days_of(result, "T-2")[0] == "2027-02-02"


@pytest.mark.parametrize(
    ("offer", "moments", "hours"),
    [
        ("bvv-basis", None, [3.0, 3.0]),
        ("bvv-vervolg", None, [3.0, 3.0]),
        ("bvv-vervolg", 4, [3.0] * 4),
        ("basis", None, [2.5, 2.5]),
        ("vervolg", None, [2.5] * 5),
    ],
)
def test_bvv_contact_moments_last_their_maximum(offer, moments, hours):
    fields = {"contact_moments": moments} if moments else {}
    recs = records(coaches=[supporter()], trajects=[traject(offer=offer, **fields)])
    result = checked(recs, end=date(2027, 6, 30))
    assert hours_of(result) == hours
    dates = [date.fromisoformat(d) for d in days_of(result)]
    assert all((b - a).days >= 14 for a, b in itertools.pairwise(dates))


def test_bvv_basistraject_on_two_mondays():
    result = checked(records(coaches=[supporter()], trajects=[BVV]), end=FEB_15)
    assert days_of(result) == ["2027-02-01", "2027-02-15"]


def test_opening_hours_that_end_too_early_block_with_the_times():
    recs = records([location(opening_hours="07:00-11:00")], [supporter()], [BVV])
    assert reasons_of(plan(recs, end=FEB_15)) == [
        "LOC-1 closes at 11:00 (07:00-11:00): a visit of 3 h from 08:30 would end at 11:30"
    ]


def test_opening_hours_that_start_after_day_start_block():
    recs = records([location(opening_hours="09:00-18:00")], [supporter()], [BVV])
    assert reasons_of(plan(recs, end=FEB_15)) == [
        "LOC-1 opens at 09:00 (09:00-18:00), after the visits' start time 08:30 "
        "(the centre's planning setting)"
    ]


def test_visits_end_within_opening_hours_when_they_fit():
    recs = records([location(opening_hours="08:00-11:30")], [supporter()], [BVV])
    result = checked(recs, end=FEB_15)
    assert [v.end for v in result.visits] == ["11:30", "11:30"]


# --- days the location is open (constraint 2) ----------------------------------------------


def test_public_holiday_blocks():
    # Easter Monday 2027-03-29 is the last Monday of the window.
    recs = records(coaches=[supporter()], trajects=[BVV])
    result = plan(recs, start=date(2027, 3, 15), end=date(2027, 3, 29))
    assert reasons_of(result) == [
        "S-1: room for only 1 of 2 visits (2 × 3 h, at least 14 days apart) between 2027-03-15 "
        "and 2027-03-29; free dates: 2027-03-15, 2027-03-22; not a workday of S-1 (workdays "
        "mon): 8 days; LOC-1 not open (opening days mon, tue, wed, thu, fri): 3 days; public "
        "holiday: 2027-03-28 (Easter Sunday), 2027-03-29 (Easter Monday)"
    ]


def test_public_holiday_is_skipped():
    recs = records(coaches=[supporter()], trajects=[BVV])
    result = checked(recs, start=date(2027, 3, 29), end=date(2027, 6, 30))
    assert days_of(result) == ["2027-04-05", "2027-04-19"]


def test_closure_blocks():
    closed = location(closures=[Closure(start=FEB_15, end=FEB_15, reason="krokusvakantie")])
    result = plan(records([closed], [supporter()], [BVV]), end=FEB_15)
    assert reasons_of(result) == [TWO_MONDAYS + "; LOC-1 closed (krokusvakantie): 2027-02-15"]


def test_opening_day_blocks():
    recs = records([location(opening_days=["tue", "wed", "thu", "fri"])], [supporter()], [BVV])
    assert reasons_of(plan(recs, end=FEB_15)) == [
        "S-1: room for only 0 of 2 visits (2 × 3 h, at least 14 days apart) between 2027-02-01 "
        "and 2027-02-15; no free date; LOC-1 not open (opening days tue, wed, thu, fri): 7 days; "
        "not a workday of S-1 (workdays mon): 8 days"
    ]


# --- the coach's days (constraint 3) -------------------------------------------------------


def test_leave_blocks():
    recs = records(coaches=[supporter(leave=[Leave(start=FEB_15, end=FEB_15)])], trajects=[BVV])
    assert reasons_of(plan(recs, end=FEB_15)) == [TWO_MONDAYS + "; S-1 on leave: 2027-02-15"]


def test_leave_is_skipped():
    recs = records(
        coaches=[coach(leave=[Leave(start=date(2027, 2, 1), end=date(2027, 2, 12))])],
    )
    result = checked(recs, end=date(2027, 6, 30))
    assert days_of(result)[0] == "2027-02-15"


def test_workdays_are_respected():
    recs = records(coaches=[coach(workdays=["wed"])])
    result = checked(recs, end=date(2027, 6, 30))
    assert {date.fromisoformat(d).weekday() for d in days_of(result)} == {2}


def _kept_visit(day: date, hours: float = 3.0, **fields) -> Visit:
    values = {
        "traject": "T-0",
        "location": "LOC-2",
        "coach": "S-1",
        "date": day,
        "start": "08:30",
        "hours": hours,
        "fixed": True,
    }
    values.update(fields)
    return Visit(**values)


def _with_other_location(coaches):
    return records(
        locations=[location(), location(id="LOC-2", name="Tweede")],
        coaches=coaches,
        trajects=[
            BVV,
            traject(
                id="T-0",
                location="LOC-2",
                offer="bvv-basis",
                status="planned",
                start=date(2027, 1, 18),
                coach="S-1",
            ),
        ],
    )


def test_one_location_a_day_blocks():
    # T-0 is planned: its visit of 18 January lies before the start, the other is fixed.
    recs = _with_other_location([supporter()])
    kept = Plan(
        start=date(2027, 1, 4),
        end=FEB_15,
        visits=[_kept_visit(date(2027, 1, 18), fixed=False), _kept_visit(FEB_15)],
    )
    result = plan(recs, end=FEB_15, kept=kept)
    assert reasons_of(result) == [TWO_MONDAYS + "; S-1 already at LOC-2: 2027-02-15"]
    assert result.warnings == []


def test_planned_trajects_take_capacity_only_through_a_kept_plan():
    result = checked(_with_other_location([supporter()]), end=FEB_15)
    assert days_of(result) == ["2027-02-01", "2027-02-15"]


def test_weekly_share_blocks_when_the_week_is_full():
    # 0.2 FTE is 6 h a week; a kept 3.5 h visit on Tuesday 16 February leaves 2.5 h.
    recs = _with_other_location([supporter(fte=0.2, workdays=["mon", "tue"])])
    kept = Plan(start=MONDAY, end=FEB_15, visits=[_kept_visit(date(2027, 2, 16), 3.5)])
    result = plan(recs, end=FEB_15, kept=kept)
    assert reasons_of(result) == [
        "S-1: room for only 1 of 2 visits (2 × 3 h, at least 14 days apart) between 2027-02-01 "
        "and 2027-02-15; free dates: 2027-02-01, 2027-02-02, 2027-02-08, 2027-02-09; not a "
        "workday of S-1 (workdays mon, tue): 6 days; LOC-1 not open (opening days mon, tue, "
        "wed, thu, fri): 4 days; S-1's week full (6 h a week): 2027-02-15"
    ]


def test_weekly_share_smaller_than_a_visit_blocks():
    result = plan(records(coaches=[coach(fte=0.1)], trajects=[traject(offer="A")]))
    assert reasons_of(result) == [
        "C-1's weekly share is 3 h (0.1 FTE × 30 h), less than a visit of 5 h"
    ]


def test_weekly_share_spreads_visits_over_weeks():
    # 0.5 FTE is 15 h a week: two 6.25 h coaching days, not three, so T-3 waits until T-1
    # and T-2 are done (Monday 29 March is Easter Monday).
    recs = records(
        locations=[location(), location(id="LOC-2", name="Twee"), location(id="LOC-3", name="3")],
        coaches=[coach(fte=0.5)],
        trajects=[
            traject(),
            traject(id="T-2", location="LOC-2", requested_on=date(2026, 10, 2)),
            traject(id="T-3", location="LOC-3", requested_on=date(2026, 10, 3)),
        ],
    )
    result = checked(recs, end=date(2027, 7, 30))
    assert days_of(result, "T-1")[0] == "2027-02-01"
    assert days_of(result, "T-2")[0] == "2027-02-02"
    assert days_of(result, "T-2")[-1] == "2027-03-23"
    assert days_of(result, "T-3")[0] == "2027-03-30"


def test_max_hours_per_day_blocks():
    result = plan(records(coaches=[coach(max_hours_per_day=4.5)], trajects=[traject(offer="A")]))
    assert reasons_of(result) == ["C-1 works at most 4.5 h a day; the visits last 5 h"]


def test_max_hours_per_day_of_7_makes_coaching_8_days():
    result = checked(records(coaches=[coach(max_hours_per_day=7)]), end=date(2027, 3, 19))
    assert reasons_of(result)[0].startswith("C-1: room for only 7 of 8 visits (8 × 6.25 h")


# --- the coach of a traject (constraint 4) -------------------------------------------------


def test_wrong_role_blocks():
    result = plan(records(coaches=[coach()], trajects=[BVV]), end=FEB_15)
    assert reasons_of(result) == [
        "no regional supporter serves LOC-1 (Antwerpen, district Berchem, postcode 2600)",
        "wrong role (offer bvv-basis needs a regional supporter): C-1",
    ]


def test_area_blocks():
    result = plan(records(coaches=[supporter(areas=["Turnhout"])], trajects=[BVV]), end=FEB_15)
    assert reasons_of(result) == [
        "no regional supporter serves LOC-1 (Antwerpen, district Berchem, postcode 2600)",
        "S-1 does not serve LOC-1 (areas: Turnhout)",
    ]


def test_one_coach_for_the_whole_traject_and_the_right_role():
    recs = records(
        coaches=[coach(), coach(id="C-2", name="Twee"), supporter()],
        trajects=[traject(offer="B")],
    )
    result = checked(recs, end=date(2027, 6, 30))
    assert {v.coach for v in result.visits} == {"C-1"}


def test_named_coach_of_the_traject_is_used():
    recs = records(coaches=[coach(), coach(id="C-2", name="Twee")], trajects=[traject(coach="C-2")])
    assert {v.coach for v in checked(recs).visits} == {"C-2"}


def test_coach_who_served_the_location_before_is_preferred():
    history = traject(id="T-0", offer="A", status="done", start=date(2025, 1, 6), coach="C-2")
    recs = records(coaches=[coach(), coach(id="C-2", name="Twee")], trajects=[history, traject()])
    assert {v.coach for v in checked(recs).visits if v.traject == "T-1"} == {"C-2"}


def test_hours_are_balanced_by_fte():
    recs = records(
        locations=[location(), location(id="LOC-2", name="Twee")],
        coaches=[coach(), coach(id="C-2", name="Twee")],
        trajects=[traject(), traject(id="T-2", location="LOC-2", requested_on=date(2026, 10, 2))],
    )
    result = checked(recs)
    assert {v.coach for v in result.visits if v.traject == "T-1"} == {"C-1"}
    assert {v.coach for v in result.visits if v.traject == "T-2"} == {"C-2"}


# --- gaps and windows (constraint 5) -------------------------------------------------------


def test_min_gap_blocks():
    result = plan(records(coaches=[supporter()], trajects=[BVV]), end=date(2027, 2, 12))
    assert reasons_of(result) == [
        "S-1: room for only 1 of 2 visits (2 × 3 h, at least 14 days apart) between 2027-02-01 "
        "and 2027-02-12; free dates: 2027-02-01, 2027-02-08; not a workday of S-1 (workdays "
        "mon): 8 days; LOC-1 not open (opening days mon, tue, wed, thu, fri): 2 days"
    ]


def test_earliest_after_the_window_blocks():
    recs = records(
        coaches=[supporter()], trajects=[traject(offer="bvv-basis", earliest=date(2027, 3, 1))]
    )
    assert reasons_of(plan(recs, end=FEB_15)) == [
        "no day to plan in: earliest 2027-03-01 is after the plan's end 2027-02-15"
    ]


def test_deadline_before_the_window_blocks():
    recs = records(
        coaches=[supporter()], trajects=[traject(offer="bvv-basis", deadline=date(2027, 1, 20))]
    )
    assert reasons_of(plan(recs, end=FEB_15)) == [
        "no day to plan in: the plan's start 2027-02-01 is after deadline 2027-01-20"
    ]


def test_earliest_and_deadline_bound_the_visits():
    recs = records(
        coaches=[supporter()],
        trajects=[
            traject(offer="bvv-basis", earliest=date(2027, 3, 1), deadline=date(2027, 3, 15))
        ],
    )
    assert days_of(checked(recs)) == ["2027-03-01", "2027-03-15"]


# --- entitlement (SPEC 3 and 5) ------------------------------------------------------------


def test_not_prior_is_not_entitled():
    result = plan(records([location(subsidy_step=3, ikt_places=30)]))
    assert reasons_of(result) == [
        "not entitled to free pedagogical coaching on 2027-02-01: LOC-1 is not PRIOR (subsidy "
        "step 3 with IKT places of the organisation 30 > 18) on 2027-02-01."
    ]


HISTORY = traject(
    id="T-0", status="done", start=date(2025, 3, 10), end=date(2025, 5, 20), coach="C-1"
)


def test_earliest_day_is_raised_to_the_next_free_date():
    result = checked(records(trajects=[HISTORY, traject()]))
    assert days_of(result)[0] == "2027-03-10"


def test_next_free_date_after_the_window_blocks():
    result = plan(records(trajects=[HISTORY, traject()]), end=date(2027, 3, 1))
    assert reasons_of(result) == [
        "not entitled to free pedagogical coaching before 2027-03-10, after the plan's end "
        "2027-03-01: LOC-1 has a free coaching traject dated 2025-03-10, within 24 months before "
        "or after 2027-02-01; free again from 2027-03-10."
    ]


def test_reasons_say_when_the_next_free_date_shortened_the_window():
    result = plan(records(trajects=[HISTORY, traject()]), end=date(2027, 4, 15))
    reasons = reasons_of(result)
    assert reasons[0] == (
        "not entitled to free pedagogical coaching before 2027-03-10: LOC-1 has a free coaching "
        "traject dated 2025-03-10, within 24 months before or after 2027-02-01; free again from "
        "2027-03-10."
    )
    assert reasons[1].startswith(
        "C-1: room for only 6 of 7 visits (4 × 7.25 h + 3 × 7 h, at least 7 days apart) between "
        "2027-03-10 and 2027-04-15"
    )


def test_a_traject_placed_before_in_this_plan_counts():
    second = traject(id="T-2", offer="bvv-basis", requested_on=date(2026, 11, 1))
    result = checked(records(coaches=[supporter()], trajects=[BVV, second]), end=date(2027, 4, 30))
    assert days_of(result) == ["2027-02-01", "2027-02-15"]
    assert reasons_of(result, "T-2") == [
        "not entitled to free regional support (beleidsvoerend vermogen) before 2028-01-01, "
        "after the plan's end "
        "2027-04-30: LOC-1 has a free BVV traject dated 2027-02-01, in 2027; free again from "
        "2028-01-01. That is T-1, placed in this plan on 2027-02-01."
    ]


def test_other_approved_trajects_do_not_count():
    # T-2 is approved but comes later in the queue: it does not take T-1's entitlement.
    second = traject(id="T-2", requested_on=date(2026, 12, 1))
    result = plan(records(trajects=[traject(), second]))
    assert days_of(result)[0] == "2027-02-01"
    assert reasons_of(result, "T-2")[0].startswith("not entitled to free pedagogical coaching")


# --- the queue -----------------------------------------------------------------------------


def test_enforcement_goes_first_then_request_date():
    recs = records(
        locations=[
            location(),
            location(id="LOC-2", name="Handhaving", enforcement=True),
            location(id="LOC-3", name="Drie"),
        ],
        coaches=[supporter()],
        trajects=[
            traject(offer="bvv-basis", requested_on=date(2026, 9, 1)),
            traject(id="T-2", location="LOC-2", offer="bvv-basis", requested_on=date(2026, 12, 1)),
            traject(id="T-3", location="LOC-3", offer="bvv-basis", earliest=date(2027, 2, 1)),
        ],
    )
    planner = Planner(recs, start=MONDAY, end=FEB_15)
    assert [t.id for t in planner.queue] == ["T-2", "T-1", "T-3"]
    result = planner.run()
    assert days_of(result, "T-2") == ["2027-02-01", "2027-02-15"]
    assert [u.traject for u in result.unplanned] == ["T-1", "T-3"]


# --- kept plans (constraint 7) -------------------------------------------------------------


def test_kept_visits_stay_and_one_that_now_breaks_a_rule_moves_to_the_nearest_day():
    recs = records()
    first = checked(recs, start=date(2027, 1, 4), end=date(2027, 4, 30))
    assert days_of(first)[:4] == ["2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25"]
    # Plan again from 20 January with the coach on leave on 25 January: only that visit moves
    # (SPEC 5 rule 7), to the nearest day at least 7 days from the other kept visits.
    leave = [Leave(start=date(2027, 1, 25), end=date(2027, 1, 25))]
    again_records = records(coaches=[coach(leave=leave)])
    again = plan(again_records, start=date(2027, 1, 20), end=date(2027, 4, 30), kept=first)
    assert days_of(again) == [
        "2027-01-04",
        "2027-01-11",
        "2027-01-18",
        "2027-02-01",
        "2027-02-08",
        "2027-02-15",
        "2027-02-22",
        "2027-03-01",
    ]
    assert [(m.traject, m.old_date.isoformat(), m.new_date.isoformat()) for m in again.moved] == [
        ("T-1", "2027-01-25", "2027-03-01")
    ]
    assert check_plan(again, again_records) == []
    assert again.warnings == []


def test_fixed_visit_stays_and_is_reported_when_it_now_breaks_a_rule():
    recs = records()
    first = checked(recs, end=date(2027, 4, 30))
    visits = [
        v.model_copy(update={"fixed": True}) if v.date == date(2027, 2, 15) else v
        for v in first.visits
    ]
    kept = first.model_copy(update={"visits": visits})
    leave = [Leave(start=date(2027, 2, 15), end=date(2027, 2, 15))]
    again = plan(records(coaches=[coach(leave=leave)]), end=date(2027, 4, 30), kept=kept)
    assert "2027-02-15" in days_of(again)
    fixed = [v for v in again.visits if v.fixed]
    assert [(v.date.isoformat(), v.coach) for v in fixed] == [("2027-02-15", "C-1")]
    assert again.warnings == ["kept plan: T-1, visit on 2027-02-15 (C-1): C-1 is on leave [leave]"]
    # The other visits keep at least 7 days from the fixed one.
    dates = sorted(date.fromisoformat(d) for d in days_of(again))
    assert all((b - a).days >= 7 for a, b in itertools.pairwise(dates))
    assert len(dates) == 8


def test_kept_visits_of_a_cancelled_traject_are_dropped_with_a_warning():
    cancelled = traject(id="T-0", offer="bvv-basis", status="cancelled")
    recs = records(coaches=[supporter()], trajects=[BVV, cancelled])
    kept = Plan(start=MONDAY, end=FEB_15, visits=[_kept_visit(date(2027, 2, 8), location="LOC-1")])
    result = plan(recs, end=FEB_15, kept=kept)
    assert days_of(result) == ["2027-02-01", "2027-02-15"]
    assert result.warnings == [
        "kept plan: visit of T-0 on 2027-02-08 dropped: the traject is cancelled"
    ]


# --- the result ----------------------------------------------------------------------------


def test_same_input_gives_the_same_json():
    recs = records(
        locations=[location(), location(id="LOC-2", name="Twee", postcode="2018")],
        coaches=[coach(), coach(id="C-2", name="Twee", fte=0.6), supporter()],
        trajects=[
            traject(),
            traject(id="T-2", location="LOC-2", offer="C", requested_on=date(2026, 10, 1)),
            traject(id="T-3", location="LOC-2", offer="bvv-vervolg", contact_moments=3),
        ],
    )
    assert as_json(plan(recs)) == as_json(plan(recs))


def test_visits_are_sorted_by_date_coach_and_start():
    recs = records(
        locations=[location(), location(id="LOC-2", name="Twee")],
        coaches=[coach(), coach(id="C-2", name="Twee")],
        trajects=[traject(), traject(id="T-2", location="LOC-2", offer="A")],
    )
    result = plan(recs)
    keys = [(v.date, v.coach, v.start) for v in result.visits]
    assert keys == sorted(keys)


def test_placeable_alone_ignores_the_other_trajects():
    recs = records(
        locations=[location(), location(id="LOC-2", name="Twee")],
        coaches=[supporter()],
        trajects=[BVV, traject(id="T-2", location="LOC-2", offer="bvv-basis")],
    )
    planner = Planner(recs, start=MONDAY, end=FEB_15)
    result = planner.run()
    assert [u.traject for u in result.unplanned] == ["T-2"]
    assert planner.placeable_alone(recs.trajects[1])


def test_a_coach_booked_at_many_locations_is_said_in_few_causes():
    """The first locations a coach is booked at are named, the rest are one cause: a busy
    coach's reason stays short (the 50,000-location case listed every location)."""
    others = [f"LOC-{n}" for n in range(2, 13)]
    recs = records(
        locations=[location(), *(location(id=o, name=f"Locatie {o}") for o in others)],
        coaches=[supporter()],
        trajects=[
            BVV,
            *(
                traject(
                    id=f"T-{n}",
                    location=o,
                    offer="bvv-basis",
                    status="planned",
                    start=date(2027, 1, 4),
                    coach="S-1",
                )
                for n, o in enumerate(others)
            ),
        ],
    )
    mondays = [date.fromordinal(date(2027, 1, 4).toordinal() + 7 * n) for n in range(11)]
    kept = Plan(
        start=mondays[0],
        end=mondays[-1],
        visits=[
            _kept_visit(day, traject=f"T-{n}", location=o)
            for n, (day, o) in enumerate(zip(mondays, others, strict=True))
        ],
    )
    result = plan(recs, start=mondays[0], end=mondays[-1], kept=kept)
    (reason,) = reasons_of(result)
    named = [o for o in others if f"S-1 already at {o}:" in reason]
    assert named == others[:8]
    assert "S-1 already at other locations: 2027-03-01, 2027-03-08, 2027-03-15" in reason
