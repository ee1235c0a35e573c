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
    WEEKDAYS,
    Closure,
    Coach,
    Leave,
    Location,
    Organisation,
    Records,
    Traject,
)
from mentes_cli.offers import catalogue
from mentes_cli.plan.check import check_plan
from mentes_cli.plan.planner import make_plan
from test_plan_builders import as_json

OFFERS = catalogue().codes()
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


# --- dated reference data inside the plan window ------------------------------------------

DISTRICTS = ["Berchem", "Antwerpen", "Deurne", "Wilrijk"]


def _dated_references(folder, draw, start: date, span: int) -> None:
    """Write regions, rules, tariffs and planning files that change inside the window."""
    from mentes_cli.reference import bundled_data_dir, set_override_dir

    bundled = bundled_data_dir()

    def when() -> str:
        return (start + timedelta(days=draw(st.integers(1, span)))).isoformat()

    regions = (bundled / "regions.toml").read_text(encoding="utf-8")
    begin = regions.rindex("[[scopes]]", 0, regions.index('id = "antwerpen-districten"'))
    end = regions.index("\n[postcodes]", begin) + 1
    block = regions[begin:end]
    gone = draw(st.sampled_from(DISTRICTS))
    dated = block.replace("valid_from = 2022-01-01", f"valid_from = {when()}")
    dated = dated.replace(f'    "{gone}",\n', "")
    (folder / "regions.toml").write_text(regions[:end] + dated + regions[end:], encoding="utf-8")

    rules = (bundled / "rules.toml").read_text(encoding="utf-8")
    steps = draw(st.sampled_from(["[0]", "[0, 1, 2]"]))
    rules += f"\n[[prior]]\nvalid_from = {when()}\nsteps = {steps}\nikt_steps = [2, 3]\n"
    rules += "ikt_max_places = 18\n"
    if draw(st.booleans()):
        rules += (
            "\n[[families.regional_support.frequency]]\n"
            f'valid_from = {when()}\nperiod = "rolling-12-months"\n'
        )
    (folder / "rules.toml").write_text(rules, encoding="utf-8")

    tariffs = (bundled / "tariffs.toml").read_text(encoding="utf-8")
    tariffs += (
        '\n[[packages]]\ncode = "A"\n'
        f"valid_from = {when()}\n"
        'family = "pedagogical_coaching"\nname = "A, new"\nintake_hours = 1.5\n'
        'visits = [{ count = 3, hours = 6 }]\nprice_eur = "2900.00"\n'
        'scope = "antwerpen-districten"\nsize_band_places = [1, 18]\n'
    )
    (folder / "tariffs.toml").write_text(tariffs, encoding="utf-8")

    planning = (bundled / "planning.toml").read_text(encoding="utf-8")
    hours = draw(st.sampled_from([20, 30, 38]))
    planning = planning.replace(
        "weekly_contact_hours_per_fte = 30", f"weekly_contact_hours_per_fte = {hours}"
    )
    planning = planning.replace(
        'day_start = "08:30"', f'day_start = "{draw(st.sampled_from(["08:00", "08:30", "09:15"]))}"'
    )
    planning = planning.replace("coaching = 7\n", f"coaching = {draw(st.sampled_from([7, 10]))}\n")
    (folder / "planning.toml").write_text(planning, encoding="utf-8")
    set_override_dir(folder)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets(), st.data())
def test_dated_reference_data_inside_the_window_never_splits_planner_and_checker(case, data):
    import tempfile
    from pathlib import Path

    from mentes_cli.reference import set_override_dir

    records, start, end = case
    with tempfile.TemporaryDirectory() as folder:
        try:
            _dated_references(Path(folder), data.draw, start, (end - start).days)
            result = make_plan(records, start=start, end=end)
            assert check_plan(result, records) == []
            planned = {v.traject for v in result.visits}
            assert not planned & {u.traject for u in result.unplanned}
        finally:
            set_override_dir(None)
