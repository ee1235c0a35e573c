"""The plan checker: a correct plan passes; each broken rule is one exact sentence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mentes_cli.models import Closure, Leave
from mentes_cli.plan.check import check_plan
from mentes_cli.plan.model import Plan, Unplanned, Visit
from test_plan_builders import coach, location, plan, records, supporter, traject

RECORDS = records(
    locations=[
        location(opening_hours="07:00-18:00"),
        location(id="LOC-2", name="Twee", postcode="2018"),
    ],
    coaches=[coach(), coach(id="C-2", name="Twee", fte=0.5, areas=["Turnhout"]), supporter()],
    trajects=[
        traject(offer="A"),
        traject(id="T-2", location="LOC-2", offer="bvv-basis", requested_on=date(2026, 11, 1)),
    ],
)


@pytest.fixture(scope="module")
def good() -> Plan:
    result = plan(RECORDS, end=date(2027, 4, 30))
    assert result.unplanned == []
    return result


def test_a_plan_of_the_planner_has_no_violation(good):
    assert check_plan(good, RECORDS) == []


def edited(good: Plan, index: int = 1, **changes) -> Plan:
    """Give `good` with visit number `index` (in date order) changed."""
    visits = list(good.visits)
    visits[index] = visits[index].model_copy(update=changes)
    return good.model_copy(update={"visits": visits})


def visit(good: Plan, index: int = 1) -> Visit:
    return good.visits[index]


def test_the_fixture_plan(good):
    # Visit 0 is T-1's intake call on Monday 1 February; visit 1 its first visit on Tuesday.
    assert [(v.traject, v.date.isoformat(), v.kind) for v in good.visits[:3]] == [
        ("T-1", "2027-02-01", "intake"),
        ("T-2", "2027-02-01", "visit"),
        ("T-1", "2027-02-02", "visit"),
    ]


def _messages(good: Plan, records=RECORDS, **changes) -> list[str]:
    return check_plan(edited(good, 2, **changes), records)


def test_public_holiday(good):
    # Easter Monday; T-1's visits are on Tuesdays, so this is also too close to its neighbours.
    problems = _messages(good, date=date(2027, 3, 29))
    assert (
        "T-1, visit on 2027-03-29 (C-1): 2027-03-29 is a public holiday (Easter Monday) [holiday]"
        in problems
    )


def test_workday_and_opening_day(good):
    problems = _messages(good, date=date(2027, 1, 30))
    assert set(problems) >= {
        "T-1, visit on 2027-01-30 (C-1): Saturday is not a workday of C-1 "
        "(mon, tue, wed, thu, fri) [workdays]",
        "T-1, visit on 2027-01-30 (C-1): LOC-1 is not open on Saturdays "
        "(mon, tue, wed, thu, fri) [opening days]",
        "T-1, intake on 2027-02-01 (C-1): not before the first visit on 2027-01-30 "
        "[intake before first visit]",
    }


def test_closure_and_leave(good):
    day = good.visits[2].date
    closed = RECORDS.model_copy(
        update={
            "organisations": [
                RECORDS.organisations[0].model_copy(
                    update={
                        "locations": [
                            location(
                                opening_hours="07:00-18:00",
                                closures=[Closure(start=day, end=day, reason="opleiding")],
                            ),
                            RECORDS.organisations[0].locations[1],
                        ]
                    }
                )
            ],
            "coaches": [coach(leave=[Leave(start=day, end=day)]), *RECORDS.coaches[1:]],
        }
    )
    assert check_plan(good, closed) == [
        "T-1, visit on 2027-02-02 (C-1): C-1 is on leave [leave]",
        "T-1, visit on 2027-02-02 (C-1): LOC-1 is closed (opleiding) [closure]",
    ]


def test_start_time_and_opening_hours(good):
    assert sorted(_messages(good, start="17:00")) == sorted(
        [
            "T-1, visit on 2027-02-02 (C-1): starts at 17:00, not at 08:30 (day_start) "
            "[start time]",
            "T-1, visit on 2027-02-02 (C-1): 17:00-22:00 is not within LOC-1's opening hours "
            "07:00-18:00 [opening hours]",
        ]
    )


def test_quarter_hours_and_content(good):
    assert sorted(_messages(good, hours=5.1)) == [
        "T-1, visit on 2027-02-02 (C-1): 5.1 h is not a positive number of quarter hours "
        "[quarter hours]",
        "T-1: visits 1 × 5.1 h + 3 × 5 h + 2 × 4 h, expected 4 × 5 h + 2 × 4 h for offer A "
        "[visits]",
    ]


def test_one_coach_role_and_area(good):
    assert sorted(_messages(good, coach="S-1")) == [
        "T-1, visit on 2027-02-02 (S-1): S-1 is a regional supporter; offer A needs a "
        "pedagogical coach [role]",
        "T-1, visit on 2027-02-02 (S-1): Tuesday is not a workday of S-1 (mon) [workdays]",
        "T-1: 2 coaches (C-1, S-1) instead of one [one coach]",
    ]
    assert (
        "T-1, visit on 2027-02-02 (C-2): C-2 does not serve LOC-1 (postcode 2600; areas: "
        "Turnhout) [area]"
    ) in _messages(good, coach="C-2")


def test_one_location_a_day_hours_per_day_and_overlap(good):
    # Move T-2's first visit (S-1) to C-1's Tuesday at LOC-1.
    problems = check_plan(edited(good, 1, coach="C-1", date=date(2027, 2, 2)), RECORDS)
    assert set(problems) >= {
        "C-1 on 2027-02-02: 8 h on location, more than the 7.5 h a day allowed [hours per day]",
        "C-1 on 2027-02-02: at 2 locations (LOC-1, LOC-2) [one location a day]",
        "C-1 on 2027-02-02: T-2 and T-1 overlap in time [overlap]",
    }


def test_weekly_hours(good):
    # C-2 works 0.5 FTE: 15 h a week. Four 5 h visits in one week are too many.
    part_time = RECORDS.model_copy(update={"coaches": [coach(fte=0.5), *RECORDS.coaches[1:]]})
    visits = list(good.visits)
    t1 = [i for i, v in enumerate(visits) if v.traject == "T-1" and v.kind == "visit"]
    for offset, index in enumerate(t1[:4]):
        visits[index] = visits[index].model_copy(update={"date": date(2027, 2, 2 + offset)})
    problems = check_plan(good.model_copy(update={"visits": visits}), part_time)
    assert (
        "C-1 in week 2027-W05: 21 h, more than the weekly share of 15 h (0.5 FTE) [weekly hours]"
        in problems
    )


def test_gap_earliest_deadline_and_window(good):
    late = RECORDS.model_copy(
        update={
            "trajects": [
                traject(offer="A", earliest=date(2027, 2, 3), deadline=date(2027, 3, 1)),
                RECORDS.trajects[1],
            ]
        }
    )
    problems = check_plan(edited(good, 2, date=date(2027, 2, 4)), late)
    assert problems == [
        "T-1, intake on 2027-02-01 (C-1): before the earliest day 2027-02-03 [earliest]",
        "T-1, visit on 2027-03-02 (C-1): after the deadline 2027-03-01 [deadline]",
        "T-1, visit on 2027-03-09 (C-1): after the deadline 2027-03-01 [deadline]",
        "T-1: visits on 2027-02-04 and 2027-02-09 are 5 days apart, less than 7 [gap]",
    ]
    beyond = check_plan(good.model_copy(update={"end": date(2027, 3, 5)}), RECORDS)
    assert beyond == [
        "T-1, visit on 2027-03-09 (C-1): after the plan's end 2027-03-05 [plan window]"
    ]


def test_intake_missing(good):
    without = good.model_copy(update={"visits": good.visits[1:]})
    assert check_plan(without, RECORDS) == ["T-1: intake call none, expected one of 1 h [intake]"]


def test_every_approved_traject_is_planned_or_listed(good):
    only_t1 = good.model_copy(update={"visits": [v for v in good.visits if v.traject == "T-1"]})
    assert check_plan(only_t1, RECORDS) == [
        "T-2: approved but neither planned nor listed as unplanned [every approved traject]"
    ]
    listed = only_t1.model_copy(update={"unplanned": [Unplanned(traject="T-2", reasons=["x"])]})
    assert check_plan(listed, RECORDS) == []


def test_unknown_records_and_status():
    stray = Plan(
        start=date(2027, 2, 1),
        end=date(2027, 2, 28),
        visits=[
            Visit(
                traject="T-9",
                location="LOC-9",
                coach="C-9",
                date=date(2027, 2, 2),
                start="08:30",
                hours=3,
            )
        ],
        unplanned=[
            Unplanned(traject="T-1", reasons=["x"]),
            Unplanned(traject="T-2", reasons=["x"]),
        ],
    )
    assert check_plan(stray, RECORDS) == [
        "T-9, visit on 2027-02-02 (C-9): there is no coach C-9 in the records [records]",
        "T-9, visit on 2027-02-02 (C-9): there is no location LOC-9 in the records [records]",
        "T-9, visit on 2027-02-02 (C-9): there is no traject T-9 in the records [records]",
    ]


def test_entitlement_is_checked_on_the_first_visit():
    history = traject(id="T-0", status="done", start=date(2025, 3, 10), coach="C-1")
    recs = records(trajects=[history, traject()])
    result = plan(recs)
    early = [
        v.model_copy(update={"date": date(2027, 2, 1) + timedelta(days=7 * i)})
        for i, v in enumerate(v for v in result.visits if v.traject == "T-1")
    ]
    problems = check_plan(result.model_copy(update={"visits": early}), recs)
    assert problems == [
        "T-1: not entitled to this free traject on its first visit 2027-02-01: LOC-1 has a free "
        "coaching traject dated 2025-03-10, within 24 months before or after 2027-02-01; free "
        "again from 2027-03-10. [entitlement]"
    ]
