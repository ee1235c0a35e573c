"""Property tests: on random small record sets every plan passes the checker.

Random coaches (roles, FTE, workdays, day limits, areas, leave), locations (postcodes in and
out of the scopes, opening days and hours, closures), history and approved requests. For
each: the checker finds no violation, every approved traject is planned or listed with a
reason, the same input gives the same JSON, and planning again from a later start around
the saved plan breaks nothing either.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentes_cli.models import (
    OFFERS,
    WEEKDAYS,
    Closure,
    Coach,
    Leave,
    Location,
    Organisation,
    Records,
    Traject,
)
from mentes_cli.plan.check import check_plan
from mentes_cli.plan.planner import make_plan
from test_plan_builders import as_json

FIRST_MONDAY = date(2027, 1, 4)
# Mostly friendly values, so that most trajects are placed and the checker has work, with
# a few hostile ones (a postcode outside the scopes, short opening hours, a tiny FTE).
POSTCODES = (["2600", "2018", "2100", "2140"], ["2300", "2800", "2070", "9000"])
AREAS = ([[], ["provincie-antwerpen"], ["antwerpen-districten"]], [["Turnhout"], ["Berchem"]])
HOURS = ([None, "07:00-18:00"], ["07:30-12:00", "09:00-17:00"])
FTES = ([0.5, 0.8, 1.0], [0.1])
STEPS = ([0, 1], [2, 3])
WORKWEEKS = ([WEEKDAYS[:5], WEEKDAYS[:4], WEEKDAYS[1:5]], [["mon"], ["wed", "sat"]])


def pick(draw, choices):
    """Draw a friendly value, or now and then (one draw in five) a hostile one."""
    friendly, hostile = choices
    if draw(st.integers(0, 4)) == 2:
        return draw(st.sampled_from(hostile))
    return draw(st.sampled_from(friendly))


def _weekdays(draw):
    return list(pick(draw, WORKWEEKS))


def _period(draw, first: date, span: int):
    begin = first + timedelta(days=draw(st.integers(0, span)))
    return begin, begin + timedelta(days=draw(st.integers(0, 12)))


@st.composite
def record_sets(draw):
    window_start = FIRST_MONDAY + timedelta(weeks=draw(st.integers(0, 20)))
    weeks = draw(st.sampled_from([26, 20, 16, 10]))
    window_end = window_start + timedelta(weeks=weeks, days=-1)
    span = weeks * 7

    locations = []
    for number in range(draw(st.integers(1, 4))):
        closures = []
        for _ in range(draw(st.integers(0, 2))):
            begin, end = _period(draw, window_start, span)
            closures.append(Closure(start=begin, end=end, reason="sluiting"))
        enforced = draw(st.booleans())
        locations.append(
            Location(
                id=f"LOC-{number}",
                name=f"Locatie {number}",
                care_type="group",
                subsidy_step=pick(draw, STEPS),
                ikt_places=draw(st.sampled_from([0, 10, 30])),
                places=20,
                postcode=pick(draw, POSTCODES),
                enforcement=enforced and draw(st.booleans()),
                opening_days=_weekdays(draw),
                opening_hours=pick(draw, HOURS),
                closures=closures,
            )
        )

    coaches = []
    for number in range(draw(st.integers(2, 5))):
        leave = []
        for _ in range(draw(st.integers(0, 2))):
            begin, end = _period(draw, window_start, span)
            leave.append(Leave(start=begin, end=end))
        coaches.append(
            Coach(
                id=f"C-{number}",
                name=f"Coach {number}",
                role=["coach", "support"][number]
                if number < 2
                else draw(st.sampled_from(["coach", "support"])),
                fte=pick(draw, FTES),
                workdays=_weekdays(draw),
                max_hours_per_day=pick(draw, ([None, 7.0, 7.6], [4.0])),
                areas=pick(draw, AREAS),
                leave=leave,
            )
        )

    trajects = []
    location_ids = [loc.id for loc in locations]
    coach_ids = [c.id for c in coaches]
    for number in range(draw(st.integers(0, 2))):
        trajects.append(
            Traject(
                id=f"H-{number}",
                location=draw(st.sampled_from(location_ids)),
                offer=draw(st.sampled_from(["coaching", "bvv-basis", "A"])),
                status=draw(st.sampled_from(["done", "active", "planned"])),
                start=window_start - timedelta(days=draw(st.integers(0, 900))),
                coach=draw(st.sampled_from([None, *coach_ids])),
            )
        )
    for number in range(draw(st.integers(1, 6))):
        offer = draw(st.sampled_from(OFFERS))
        earliest = deadline = None
        if draw(st.booleans()):
            earliest = window_start + timedelta(days=draw(st.integers(-10, span // 2)))
        if not draw(st.integers(0, 2)):
            deadline = (earliest or window_start) + timedelta(
                days=draw(st.integers(min(30, span), span))
            )
        trajects.append(
            Traject(
                id=f"T-{number}",
                location=draw(st.sampled_from(location_ids)),
                offer=offer,
                status="approved",
                earliest=earliest,
                deadline=deadline,
                contact_moments=(
                    draw(st.sampled_from([None, 2, 3, 5])) if offer == "bvv-vervolg" else None
                ),
                requested_on=draw(st.sampled_from([None, date(2026, 10, 1), date(2026, 11, 1)])),
                coach=pick(draw, ([None], coach_ids)),
            )
        )
    records = Records(
        organisations=[Organisation(id="ORG-1", name="Vzw", locations=locations)],
        coaches=coaches,
        trajects=trajects,
    )
    return records, window_start, window_end


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets())
def test_every_plan_passes_the_checker(case):
    records, start, end = case
    result = make_plan(records, start=start, end=end)
    assert check_plan(result, records) == []
    approved = {t.id for t in records.trajects if t.status == "approved"}
    planned = {v.traject for v in result.visits}
    unplanned = {u.traject for u in result.unplanned}
    assert planned | unplanned == approved
    assert not planned & unplanned
    assert all(u.reasons and all(u.reasons) for u in result.unplanned)
    assert result.warnings == []
    assert as_json(make_plan(records, start=start, end=end)) == as_json(result)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets(), st.integers(1, 6))
def test_planning_again_around_a_kept_plan_breaks_nothing(case, weeks_later):
    records, start, end = case
    first = make_plan(records, start=start, end=end)
    later = start + timedelta(weeks=weeks_later)
    if later > end:
        return
    again = make_plan(records, start=later, end=end, kept=first)
    assert check_plan(again, records) == []
    assert again.warnings == []
    kept = [v for v in first.visits if v.date < later]
    assert [v for v in again.visits if v.date < later] == kept
