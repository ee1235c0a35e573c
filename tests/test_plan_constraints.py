"""The constraint registry: each constraint on its own (given these facts, the checker flags
exactly this one), the rule functions the planner's day arrays are built from, and the
reproduction of a coach's area changing inside the plan window."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from mentes_cli.models import Closure, Leave
from mentes_cli.plan import constraints as c
from mentes_cli.plan.check import check_plan, check_violations
from mentes_cli.plan.model import Plan, Unplanned, Visit
from mentes_cli.plan.settings import load_settings
from mentes_cli.reference import bundled_data_dir, set_override_dir
from test_plan_builders import coach, location, plan, records, supporter, traject

MONDAY = date(2027, 2, 1)
RECORDS = records(
    locations=[
        location(opening_hours="07:00-18:00"),
        location(id="LOC-2", name="Twee", postcode="2018"),
    ],
    coaches=[coach(), coach(id="C-2", name="Twee", fte=0.5, areas=["Turnhout"]), supporter()],
    trajects=[
        traject(offer="A"),
        traject(id="T-2", location="LOC-2", offer="bvv-basis", requested_on=date(2026, 11, 1)),
        traject(id="T-3", status="cancelled", offer="bvv-vervolg", location="LOC-2"),
    ],
)


@pytest.fixture(scope="module")
def good() -> Plan:
    result = plan(RECORDS, end=date(2027, 4, 30))
    assert result.unplanned == []
    assert check_plan(result, RECORDS) == []
    return result


def _visits(good: Plan, traject_id: str, kind: str = "visit") -> list[int]:
    return [i for i, v in enumerate(good.visits) if v.traject == traject_id and v.kind == kind]


def _edit(good: Plan, index: int, **changes) -> Plan:
    visits = list(good.visits)
    visits[index] = visits[index].model_copy(update=changes)
    return good.model_copy(update={"visits": visits})


def _add(good: Plan, visit: Visit) -> Plan:
    return good.model_copy(update={"visits": [*good.visits, visit]})


def _swap_day(good: Plan, traject_id: str, number: int, day: date) -> Plan:
    return _edit(good, _visits(good, traject_id)[number], date=day)


def _last_visit_day(good: Plan, traject_id: str) -> date:
    return good.visits[_visits(good, traject_id)[-1]].date


# Each case: the constraint, and how to break exactly it in the good plan (given the records).
def _records_case(good):
    return _edit(good, _visits(good, "T-2")[0], coach="C-9"), RECORDS


def _location_case(good):
    # LOC-2 and LOC-1 are both open; the supporter serves both, so only [location] breaks.
    index = _visits(good, "T-2")[0]
    return _edit(good, index, location="LOC-1"), RECORDS


def _status_case(good):
    day = _last_visit_day(good, "T-2") + timedelta(days=14)
    while day.weekday() != 0:
        day += timedelta(days=1)
    extra = Visit(traject="T-3", location="LOC-2", coach="S-1", date=day, start="08:30", hours=3)
    return _add(good, extra), RECORDS


def _visit_field(**changes):
    def case(good):
        return _edit(good, _visits(good, "T-1")[1], **changes), RECORDS

    return case


def _t1_visit_on(day: date):
    def case(good):
        return _swap_day(good, "T-1", len(_visits(good, "T-1")) - 1, day), RECORDS

    return case


def _with_records(change, day_of_last_visit: bool = True):
    def case(good):
        last = _last_visit_day(good, "T-1")
        return good, change(last)

    return case


def _closure_records(day: date):
    loc = location(
        opening_hours="07:00-18:00", closures=[Closure(start=day, end=day, reason="verbouwing")]
    )
    return records(
        locations=[loc, location(id="LOC-2", name="Twee", postcode="2018")],
        coaches=RECORDS.coaches,
        trajects=RECORDS.trajects,
    )


def _leave_records(day: date):
    return records(
        locations=RECORDS.organisations[0].locations,
        coaches=[coach(leave=[Leave(start=day, end=day)]), *RECORDS.coaches[1:]],
        trajects=RECORDS.trajects,
    )


def _one_location_case(good):
    index = _visits(good, "T-1")[1]
    day = good.visits[index].date
    extra = Visit(traject="T-1", location="LOC-2", coach="C-1", date=day, start="16:00", hours=0.5)
    broken = _add(good, extra)
    # The extra visit also changes T-1's content and location; judge only the day's rule.
    return broken, RECORDS


def _hours_per_day_case(good):
    shorter = records(
        locations=RECORDS.organisations[0].locations,
        coaches=[coach(max_hours_per_day=4.0), *RECORDS.coaches[1:]],
        trajects=RECORDS.trajects,
    )
    return good, shorter


def _weekly_case(good):
    # The supporter works Mondays only, 30 h a week: two days' worth in one ISO week is too
    # much only with a tiny FTE.
    small = records(
        locations=RECORDS.organisations[0].locations,
        coaches=[*RECORDS.coaches[:2], supporter(fte=0.08)],
        trajects=RECORDS.trajects,
    )
    return good, small


def _one_coach_case(good):
    return _edit(good, _visits(good, "T-2")[1], coach="S-2"), records(
        locations=RECORDS.organisations[0].locations,
        coaches=[*RECORDS.coaches, supporter(id="S-2", name="Twee")],
        trajects=RECORDS.trajects,
    )


def _role_case(good):
    # A supporter takes every visit of T-2's coach: one coach still, but the wrong role is
    # judged per visit day.
    changed = records(
        locations=RECORDS.organisations[0].locations,
        coaches=[*RECORDS.coaches[:2], supporter(role="coach")],
        trajects=RECORDS.trajects,
    )
    return good, changed


def _area_case(good):
    changed = records(
        locations=RECORDS.organisations[0].locations,
        coaches=[*RECORDS.coaches[:2], supporter(areas=["Turnhout"])],
        trajects=RECORDS.trajects,
    )
    return good, changed


def _gap_case(good):
    first = good.visits[_visits(good, "T-2")[0]].date
    return _swap_day(good, "T-2", 1, first + timedelta(days=7)), RECORDS


def _window_traject(**fields):
    def case(good):
        changed = records(
            locations=RECORDS.organisations[0].locations,
            coaches=RECORDS.coaches,
            trajects=[RECORDS.trajects[0], traject(**fields), RECORDS.trajects[2]],
        )
        return good, changed

    return case


def _plan_window_case(good):
    return good.model_copy(update={"end": _last_visit_day(good, "T-2") - timedelta(days=1)}), (
        RECORDS
    )


def _intake_first_case(good):
    index = _visits(good, "T-1", "intake")[0]
    first = good.visits[_visits(good, "T-1")[0]].date
    return _edit(good, index, date=first + timedelta(days=1)), RECORDS


def _intake_case(good):
    index = _visits(good, "T-1", "intake")[0]
    return _edit(good, index, hours=2.0), RECORDS


def _visits_case(good):
    return _edit(good, _visits(good, "T-2")[1], hours=2.0), RECORDS


def _entitlement_case(good):
    history = traject(
        id="T-0", location="LOC-2", offer="bvv-basis", status="done", start=date(2027, 1, 10)
    )
    changed = records(
        locations=RECORDS.organisations[0].locations,
        coaches=RECORDS.coaches,
        trajects=[*RECORDS.trajects, history],
    )
    return good, changed


def _every_approved_case(good):
    return good.model_copy(
        update={"visits": [v for v in good.visits if v.traject != "T-2"], "unplanned": []}
    ), RECORDS


CASES = {
    c.RECORDS: _records_case,
    c.LOCATION: _location_case,
    c.STATUS: _status_case,
    c.QUARTER_HOURS: None,  # see test_quarter_hours_and_start_time
    c.VISITS: _visits_case,
    c.INTAKE: _intake_case,
    c.START_TIME: None,
    c.OPENING_HOURS: None,
    c.HOLIDAY: _t1_visit_on(date(2027, 3, 29)),  # Easter Monday
    c.OPENING_DAYS: None,
    c.CLOSURE: _with_records(_closure_records),
    c.WORKDAYS: None,
    c.LEAVE: _with_records(_leave_records),
    c.ONE_LOCATION: _one_location_case,
    c.HOURS_PER_DAY: _hours_per_day_case,
    c.OVERLAP: None,
    c.WEEKLY_HOURS: _weekly_case,
    c.ONE_COACH: _one_coach_case,
    c.ROLE: _role_case,
    c.AREA: _area_case,
    c.GAP: _gap_case,
    c.EARLIEST: _window_traject(
        id="T-2", location="LOC-2", offer="bvv-basis", earliest=date(2027, 4, 1)
    ),
    c.DEADLINE: _window_traject(
        id="T-2", location="LOC-2", offer="bvv-basis", deadline=date(2027, 2, 2)
    ),
    c.PLAN_WINDOW: _plan_window_case,
    c.INTAKE_FIRST: _intake_first_case,
    c.ENTITLEMENT: _entitlement_case,
    c.EVERY_APPROVED: _every_approved_case,
}


def test_every_constraint_of_the_registry_has_a_case_and_a_distinct_tag():
    assert set(CASES) == set(c.REGISTRY)
    assert len(c.BY_TAG) == len(c.REGISTRY)
    for constraint in c.REGISTRY:
        assert constraint.spec.startswith("SPEC 5")
        assert constraint.judged_on in (
            c.VISIT_DAY,
            c.COACH_DAY,
            c.ISO_WEEK,
            c.FIRST_VISIT_DAY,
            c.TRAJECT,
            c.PLAN,
        )


@pytest.mark.parametrize(
    "constraint", [k for k, v in CASES.items() if v is not None], ids=lambda k: k.tag
)
def test_one_constraint_flags_exactly_its_own_violation(good, constraint):
    broken, recs = CASES[constraint](good)
    found = {v.tag for v in check_violations(broken, recs)}
    if constraint is c.ONE_LOCATION:
        # a second visit of T-1 elsewhere also breaks its traject rules; the day rule is there
        assert c.ONE_LOCATION.tag in found
        assert c.HOURS_PER_DAY.tag not in found
        return
    if constraint is c.RECORDS:
        # a visit whose coach is unknown: no coach rule can be judged, only one coach of T-2
        assert found == {c.RECORDS.tag, c.ONE_COACH.tag}
        return
    if constraint is c.STATUS:
        # a visit of a cancelled traject counts toward the supporter's week like any other
        assert c.STATUS.tag in found
        return
    assert found == {constraint.tag}


def test_quarter_hours_and_start_time(good):
    index = _visits(good, "T-2")[0]
    odd = {v.tag for v in check_violations(_edit(good, index, hours=2.4), RECORDS)}
    assert odd == {c.QUARTER_HOURS.tag, c.VISITS.tag}
    late = {v.tag for v in check_violations(_edit(good, index, start="09:00"), RECORDS)}
    assert late == {c.START_TIME.tag}


def test_opening_days_hours_workdays_and_overlap(good):
    short = records(
        locations=[
            location(opening_hours="07:00-12:00", opening_days=["mon", "wed", "thu", "fri"]),
            RECORDS.organisations[0].locations[1],
        ],
        coaches=[coach(workdays=["mon", "wed", "thu", "fri"]), *RECORDS.coaches[1:]],
        trajects=RECORDS.trajects,
    )
    found = {v.tag for v in check_violations(good, short)}
    assert found == {c.OPENING_HOURS.tag, c.OPENING_DAYS.tag, c.WORKDAYS.tag}
    index = _visits(good, "T-1", "intake")[0]
    intake = good.visits[index]
    clash = Visit(
        traject="T-2",
        location="LOC-2",
        coach=intake.coach,
        date=intake.date,
        start=intake.start,
        hours=0.25,
        kind="intake",
    )
    found = {v.tag for v in check_violations(_add(good, clash), RECORDS)}
    assert c.OVERLAP.tag in found


# --- the rule functions ------------------------------------------------------------------


def test_location_closed_and_coach_away_name_their_constraint():
    loc = location(opening_days=["mon", "tue"], closures=[Closure(start=MONDAY, end=MONDAY)])
    assert c.location_closed(loc, MONDAY) is c.CLOSURE
    assert c.location_closed(loc, MONDAY + timedelta(days=1)) is None
    assert c.location_closed(loc, MONDAY + timedelta(days=2)) is c.OPENING_DAYS
    assert c.location_closed(loc, date(2027, 3, 29)) is c.HOLIDAY
    person = coach(workdays=["tue"], leave=[Leave(start=date(2027, 2, 9), end=date(2027, 2, 9))])
    assert c.coach_away(person, MONDAY) is c.WORKDAYS
    assert c.coach_away(person, MONDAY + timedelta(days=1)) is None
    assert c.coach_away(person, date(2027, 2, 9)) is c.LEAVE


def test_visit_limit_and_caps():
    settings = load_settings()
    assert c.visit_limit(location(), settings.day_start) is None
    assert c.visit_limit(location(opening_hours="07:00-12:00"), settings.day_start) == 210
    assert c.visit_limit(location(opening_hours="09:00-17:00"), settings.day_start) == -1
    # 0.55 FTE × 30 h = 16.5 h: rounded down to a quarter hour in one place
    assert c.weekly_cap(settings, coach(fte=0.55)) == 990
    assert c.weekly_cap(settings, coach(fte=0.33)) == 585  # 9.9 h → 9.75 h
    assert c.day_cap(settings, coach(max_hours_per_day=7.6)) == 450


def test_entitlement_statuses_come_from_rules_toml(tmp_path: Path):
    history = [
        traject(id="T-0", status="done", start=date(2026, 3, 1)),
        traject(id="T-9", status="approved", start=date(2026, 4, 1)),
    ]
    recs = records(trajects=history)
    found = c.entitlement_history(recs, MONDAY)
    assert found == {("LOC-1", "pedagogical_coaching"): [date(2026, 3, 1)]}
    rules = (bundled_data_dir() / "rules.toml").read_text(encoding="utf-8")
    rules = rules.replace(
        'statuses = ["approved", "planned", "active", "done"]',
        'statuses = ["approved", "planned", "active"]',
    )
    (tmp_path / "rules.toml").write_text(rules, encoding="utf-8")
    set_override_dir(tmp_path)
    assert c.entitlement_history(recs, MONDAY) == {}
    # and the planner agrees: the done traject no longer blocks a free coaching traject
    result = plan(records(trajects=[history[0], traject()]))
    assert result.unplanned == []
    assert check_plan(result, records(trajects=[history[0], traject()])) == []


# --- the area of a coach, judged on each visit's day -------------------------------------


def _berchem_out_from(folder: Path, day: date) -> None:
    """Write a regions.toml that takes Berchem out of antwerpen-districten from `day`."""
    text = (bundled_data_dir() / "regions.toml").read_text(encoding="utf-8")
    begin = text.index('id = "antwerpen-districten"')
    begin = text.rindex("[[scopes]]", 0, begin)
    end = text.index("\n[postcodes]", begin) + 1
    block = text[begin:end]
    dated = block.replace("valid_from = 2022-01-01", f"valid_from = {day.isoformat()}")
    dated = dated.replace('    "Berchem",\n', "")
    assert dated != block and '"Berchem"' not in dated
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "regions.toml").write_text(text[:end] + dated + text[end:], encoding="utf-8")
    set_override_dir(folder)


def test_area_mask_follows_the_dated_scope(tmp_path: Path):
    _berchem_out_from(tmp_path, date(2027, 1, 20))
    origin = date(2027, 1, 4)
    mask = c.area_mask(coach(areas=["antwerpen-districten"]), location(), origin, 28)
    assert list(mask) == [1] * 16 + [0] * 12
    assert c.area_mask(coach(areas=["provincie-antwerpen"]), location(), origin, 28) is None
    assert c.area_mask(coach(), location(), origin, 28) is None


def test_berchem_leaves_the_districts_inside_the_window(tmp_path: Path):
    _berchem_out_from(tmp_path, date(2027, 1, 20))
    districts = coach(areas=["antwerpen-districten"])
    start, end = date(2027, 1, 4), date(2027, 6, 30)
    recs = records(coaches=[districts], trajects=[traject(offer="A")])
    alone = plan(recs, start=start, end=end)
    assert check_plan(alone, recs) == []
    assert [u.traject for u in alone.unplanned] == ["T-1"]
    reasons = " ".join(alone.unplanned[0].reasons)
    assert "C-1 does not serve LOC-1" in reasons
    both = records(
        coaches=[districts, coach(id="C-2", name="Twee", areas=["provincie-antwerpen"])],
        trajects=[traject(offer="A")],
    )
    result = plan(both, start=start, end=end)
    assert check_plan(result, both) == []
    assert {v.coach for v in result.visits} == {"C-2"}


def test_berchem_reproduction_on_the_command_line(tmp_path: Path):
    """The issue's reproduction: the sample with a dated regions.toml in the --data folder;
    `mentes plan` gives a plan its own `plan --check` accepts."""
    from cli_runner import CliRunner
    from mentes_cli.cli import app
    from mentes_cli.reference import sample_records_dir

    folder = tmp_path / "data"
    folder.mkdir()
    for path in sample_records_dir().glob("*.toml"):
        (folder / path.name).write_bytes(path.read_bytes())
    _berchem_out_from(folder, date(2027, 1, 20))
    set_override_dir(None)
    runner = CliRunner()
    saved = tmp_path / "plan.toml"
    made = runner.invoke(
        app, ["plan", "--start", "2027-01-04", "--data", str(folder), "--save", str(saved)]
    )
    assert made.exit_code == 0, made.output
    checked = runner.invoke(app, ["plan", "--check", str(saved), "--data", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert "no violations" in checked.output


def test_unplanned_reason_names_a_placed_blocker_by_value():
    recs = records(
        trajects=[
            traject(id="T-1", requested_on=date(2026, 10, 1)),
            traject(id="T-2", requested_on=date(2026, 10, 2)),
        ],
        coaches=[coach(), coach(id="C-2", name="Twee")],
    )
    result = plan(recs)
    assert check_plan(result, recs) == []
    assert [u.traject for u in result.unplanned] == ["T-2"]
    first = min(v.date for v in result.visits if v.traject == "T-1")
    assert f"That is T-1, placed in this plan on {first.isoformat()}." in " ".join(
        result.unplanned[0].reasons
    )


def test_unplanned_listing_is_accepted():
    listed = Plan(
        start=MONDAY,
        end=MONDAY + timedelta(days=30),
        unplanned=[Unplanned(traject=t, reasons=["x"]) for t in ("T-1", "T-2")],
    )
    assert check_violations(listed, RECORDS) == []
