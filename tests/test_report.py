"""`mentes report`'s engine (SPEC 10): each figure's definition on a case computed by hand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from mentes_cli import eligibility
from mentes_cli.models import Coach, Location, Organisation, Records, Traject
from mentes_cli.plan.model import Visit
from mentes_cli.reference import bundled_data_dir
from mentes_cli.report import Period, WhatIf, make_report, nearest_rank, year_period
from mentes_cli.report.supply import booked, committed_visits
from mentes_cli.report.to_json import report_dict, report_json

MARCH_2027 = Period(date(2027, 3, 1), date(2027, 3, 31))


def coach(**fields) -> Coach:
    values = {
        "id": "C-1",
        "name": "An",
        "role": "coach",
        "fte": 0.5,
        "workdays": ["mon", "tue", "wed", "thu"],
        "leave": [{"start": date(2027, 3, 15), "end": date(2027, 3, 19)}],
    }
    values.update(fields)
    return Coach(**values)


def location(id: str, **fields) -> Location:
    values = {
        "id": id,
        "name": f"Opvang {id}",
        "care_type": "group",
        "subsidy_step": 0,
        "ikt_places": 0,
        "places": 20,
        "postcode": "2600",  # Berchem: a district of Antwerp, in every free scope
    }
    values.update(fields)
    return Location(**values)


def records(*locations: Location, trajects=(), coaches=(), prior=None) -> Records:
    organisation = Organisation(id="ORG-1", name="Vzw", prior=prior, locations=list(locations))
    return Records(organisations=[organisation], coaches=list(coaches), trajects=list(trajects))


def traject(id: str, where: str, offer: str, status: str = "done", **fields) -> Traject:
    return Traject(id=id, location=where, offer=offer, status=status, **fields)


# --- supply -----------------------------------------------------------------------------


def test_supply_of_one_coach_by_hand():
    """0.5 FTE × 30 h = 15 h a week over Mon-Thu: 3.75 h a workday. March 2027: the weeks of
    1, 8 and 22 March are whole (3 × 15 h); the week of 15 March is leave (0 h); in the week
    of 29 March, Easter Monday (29th) is a holiday and Thursday 1 April lies outside the
    period, leaving Tuesday and Wednesday: 2 × 3.75 = 7.5 h. Together 52.5 h."""
    report = make_report(records(coaches=[coach()]), MARCH_2027)
    assert report.supply.roles["coach"].months == {"2027-03": 52.5}
    assert report.supply.roles["coach"].total == 52.5
    assert report.supply.roles["support"].total == 0
    assert report.supply.roles["coach"].people == 1


def test_a_week_over_two_months_gives_each_month_its_own_days():
    """The week of 29 March 2027: Tuesday and Wednesday to March, Thursday 1 April to April
    (Monday is Easter Monday). April: 3.75 h + four whole weeks of 15 h = 63.75 h."""
    period = Period(date(2027, 3, 1), date(2027, 4, 30))
    report = make_report(records(coaches=[coach()]), period)
    assert report.supply.roles["coach"].months == {"2027-03": 52.5, "2027-04": 63.75}


def test_what_if_extra_fte_and_weekly_hours_change_supply_only_in_the_variant():
    """1 FTE support more, Monday to Friday, no leave: 30 h / 5 = 6 h on each of the 22
    weekdays of March 2027 that are not Easter Monday = 132 h. With 20 h a week the coach
    gives 0.5 × 20 / 4 = 2.5 h on 14 days = 35 h."""
    base = records(coaches=[coach()])
    report = make_report(base, MARCH_2027, what_if=WhatIf(extra_fte=1, role="support"))
    assert report.supply.roles["support"].total == 0
    assert report.variant.supply.roles["support"].total == 132
    assert report.variant.supply.roles["support"].people == 0  # FTE, not a person
    assert report.variant.supply.roles["coach"].total == 52.5
    report = make_report(base, MARCH_2027, what_if=WhatIf(weekly_hours=20))
    assert report.variant.supply.roles["coach"].total == 35
    assert report.supply.roles["coach"].total == 52.5


def test_overlapping_leave_counts_a_day_once():
    leave = [
        {"start": date(2027, 3, 15), "end": date(2027, 3, 17)},
        {"start": date(2027, 3, 16), "end": date(2027, 3, 19)},
    ]
    report = make_report(records(coaches=[coach(leave=leave)]), MARCH_2027)
    assert report.supply.roles["coach"].total == 52.5


# --- booked -----------------------------------------------------------------------------


def visit(day: date, hours: float, kind: str = "visit", coach_id: str = "C-1") -> Visit:
    return Visit(
        traject="T-1",
        location="LOC-1",
        coach=coach_id,
        date=day,
        start="08:30",
        hours=hours,
        kind=kind,
    )


def test_booked_counts_visits_and_intake_calls_in_the_period_by_role_and_month():
    base = records(location("LOC-1"), coaches=[coach(), coach(id="S-1", role="support")])
    visits = [
        ("C", visit(date(2027, 3, 2), 1, kind="intake")),
        ("C", visit(date(2027, 3, 9), 5)),
        ("C", visit(date(2027, 4, 6), 5)),  # outside the period
        ("basis", visit(date(2027, 3, 10), 2.5, coach_id="S-1")),
        ("bvv-basis", visit(date(2027, 3, 11), 3, coach_id="S-9")),  # unknown: by its offer
    ]
    figures = booked(visits, base, MARCH_2027)
    assert figures.roles["coach"].months == {"2027-03": 6.0}
    assert figures.roles["support"].months == {"2027-03": 5.5}


def test_committed_visits_leave_out_cancelled_visits_and_trajects():
    kept = SimpleNamespace(coach="C-1", date=date(2027, 3, 2), hours=5.0, kind="visit")
    gone = SimpleNamespace(
        coach="C-1", date=date(2027, 3, 3), hours=5.0, kind="visit", state="cancelled"
    )
    fake = SimpleNamespace(
        trajects=[
            SimpleNamespace(offer="coaching", status="planned", visits=[kept, gone]),
            SimpleNamespace(offer="coaching", status="cancelled", visits=[kept]),
            SimpleNamespace(offer="coaching", status="approved"),  # records without visits
        ]
    )
    assert list(committed_visits(fake)) == [("coaching", kept)]


def test_plan_adds_the_approved_trajects_to_booked():
    base = records(
        location("LOC-1"),
        coaches=[coach(leave=[], workdays=["mon", "tue", "wed", "thu", "fri"], fte=1.0)],
        trajects=[traject("T-1", "LOC-1", "coaching", "approved", requested_on=date(2027, 1, 2))],
    )
    period = year_period(2027)
    assert make_report(base, period).booked.roles["coach"].total == 0
    with_plan = make_report(base, period, with_plan=True).booked
    assert with_plan.roles["coach"].total == 50
    assert (with_plan.planned_trajects, with_plan.unplanned_trajects) == (1, 0)


# --- due and reach ----------------------------------------------------------------------


@pytest.fixture
def edges() -> Records:
    """PRIOR locations in Berchem, with free trajects at the 24-month and calendar-year edges."""
    return Records(
        organisations=[
            Organisation(
                id="ORG-1",
                name="Vzw",
                locations=[location(f"L{n}") for n in (1, 2, 3, 4, 5, 7, 8)],
            ),
            Organisation(
                id="ORG-6",
                name="Groot",
                locations=[location("L6", subsidy_step=2, ikt_places=30, places=40)],
            ),
        ],
        trajects=[
            traject("T1", "L1", "coaching", start=date(2025, 12, 31)),
            traject("T2", "L2", "coaching", start=date(2026, 1, 1)),
            traject("T3", "L3", "bvv-basis", start=date(2026, 12, 31)),
            traject("T4", "L4", "bvv-basis", "active", start=date(2027, 1, 1)),
            traject("T7", "L7", "coaching", "approved", earliest=date(2028, 6, 1)),
            traject("T8", "L8", "coaching", "requested", requested_on=date(2027, 2, 1)),
            traject("T6", "L6", "coaching", start=date(2022, 1, 1)),
        ],
    )


def test_due_at_the_24_month_and_calendar_year_edges(edges: Records):
    """Coaching: L1 (dated 31/12/2025) is free again on 31/12/2027, the last day: due; L2
    (1/1/2026) only on 1/1/2028: not due; L7's approved traject of June 2028 keeps 2027
    from it; L8's request uses nothing. BVV: L3 (31/12/2026) is free in 2027, L4 has one
    dated 1/1/2027. L6 is not PRIOR (30 IKT places at step 2)."""
    report = make_report(edges, year_period(2027))
    coaching = report.due["pedagogical_coaching"]
    support = report.due["regional_support"]
    assert coaching.locations == ["L1", "L3", "L4", "L5", "L8"]
    assert (coaching.trajects, coaching.hours) == (5, 250)
    assert support.locations == ["L1", "L2", "L3", "L5", "L7", "L8"]
    assert (support.trajects, support.hours) == (6, 36)  # 2 × 3 h a BVV basistraject


def test_reach_at_the_24_month_and_calendar_year_edges(edges: Records):
    """On 31/12/2027: L2's coaching of 1/1/2026 is within the last 24 months, L1's of
    31/12/2025 is not; L7's lies after the day. BVV: L4's of 1/1/2027 is in the calendar
    year, L3's of 31/12/2026 is not. Seven PRIOR locations in both free scopes."""
    report = make_report(edges, year_period(2027))
    coaching = report.reach["pedagogical_coaching"]
    assert (coaching.total.locations, coaching.total.reached) == (7, 1)
    assert coaching.period == "rolling-24-months"
    support = report.reach["regional_support"]
    assert (support.total.locations, support.total.reached) == (7, 1)
    assert support.period == "calendar-year"
    assert [(s.key, s.locations, s.reached) for s in coaching.by_area] == [("Berchem", 7, 1)]
    assert [(s.key, s.locations) for s in coaching.by_subsidy_step] == [("0", 7)]
    assert [(s.key, s.locations) for s in coaching.by_care_type] == [("group", 7)]


def test_a_day_later_the_edges_turn(edges: Records):
    """Ending on 1/1/2028 instead: L2's coaching leaves the 24 months as L1 did a day before,
    and a new calendar year starts for BVV."""
    report = make_report(edges, Period(date(2027, 1, 2), date(2028, 1, 1)))
    assert report.reach["pedagogical_coaching"].total.reached == 0
    assert report.reach["regional_support"].total.reached == 0


def test_prior_is_judged_on_the_last_day():
    """Enforcement from 1 December 2027 makes a step-2 location PRIOR for the year 2027."""
    late = location(
        "L1",
        subsidy_step=2,
        ikt_places=30,
        places=40,
        enforcement=True,
        enforcement_since=date(2027, 12, 1),
    )
    assert make_report(records(late), year_period(2027)).due["regional_support"].trajects == 1
    assert make_report(records(late), year_period(2026)).due["regional_support"].trajects == 0


# --- waiting ----------------------------------------------------------------------------


def test_nearest_rank_percentiles():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert nearest_rank(values, 50) == 50  # ⌈0.5 × 10⌉ = 5th
    assert nearest_rank(values, 90) == 90  # ⌈0.9 × 10⌉ = 9th
    assert nearest_rank([1, 2, 3], 50) == 2  # ⌈1.5⌉ = 2nd
    assert nearest_rank([1, 2, 3], 90) == 3  # ⌈2.7⌉ = 3rd
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([], 50) is None


def test_waiting_from_request_to_start_and_open_requests():
    asked = date(2027, 1, 1)
    trajects = [
        traject(f"T{n}", "L1", "C", start=date(2027, 1, 1 + days), requested_on=asked)
        for n, days in enumerate([3, 9, 1, 30], start=1)
    ] + [
        traject("T5", "L1", "C", start=date(2026, 12, 1), requested_on=date(2026, 11, 1)),
        traject("T6", "L1", "coaching", "requested", requested_on=date(2027, 12, 1)),
        traject("T7", "L1", "coaching", "approved", requested_on=date(2027, 6, 1)),
        traject("T8", "L1", "coaching", "approved", requested_on=date(2028, 1, 1)),
        traject("T9", "L1", "bvv-basis", "cancelled", requested_on=date(2027, 1, 1)),
    ]
    report = make_report(records(location("L1"), trajects=trajects), year_period(2027))
    coaching = report.waiting["pedagogical_coaching"]
    assert coaching.waits == [1, 3, 9, 30]  # T5 started before the period
    assert (coaching.median_days, coaching.p90_days) == (3, 30)
    assert [(r.traject, r.age_days) for r in coaching.open] == [("T7", 213), ("T6", 30)]
    support = report.waiting["regional_support"]
    assert (support.waits, support.open, support.median_days) == ([], [], None)


# --- what if: another rules.toml ----------------------------------------------------------


def test_other_rules_list_the_locations_that_change_prior(tmp_path: Path):
    """With 24 IKT places instead of 18, a step-2 organisation with 20 becomes PRIOR."""
    rules = (bundled_data_dir() / "rules.toml").read_text("utf-8")
    assert "ikt_max_places = 18" in rules
    other = tmp_path / "rules-24.toml"
    other.write_text(rules.replace("ikt_max_places = 18", "ikt_max_places = 24"), "utf-8")
    base = records(location("L1", subsidy_step=2, ikt_places=20, places=30))
    report = make_report(base, year_period(2027), what_if=WhatIf(rules=str(other)))
    changes = report.variant.prior_changes
    assert [(c.location, c.base, c.variant) for c in changes] == [("L1", False, True)]
    assert report.due["pedagogical_coaching"].trajects == 0
    assert report.variant.due["pedagogical_coaching"].trajects == 1
    # The bundled rules are back in force afterwards.
    assert not eligibility.decide(base, date(2027, 12, 31))[0].prior


def test_a_broken_rules_file_names_itself(tmp_path: Path):
    from mentes_cli.errors import ReferenceDataError

    other = tmp_path / "rules-bad.toml"
    other.write_text("this is = = not toml\n", "utf-8")
    with pytest.raises(ReferenceDataError, match=r"rules-bad\.toml: not valid TOML"):
        make_report(records(location("L1")), year_period(2027), what_if=WhatIf(rules=str(other)))


# --- JSON ------------------------------------------------------------------------------


def test_json_shape_is_fixed(edges: Records):
    report = make_report(edges, year_period(2027), what_if=WhatIf(extra_fte=2, role="coach"))
    data = report_dict(report)
    assert list(data) == ["period", "supply", "booked", "due", "reach", "waiting", "variant"]
    assert list(data["period"]) == ["from", "to", "judged_on", "months", "plan"]
    assert list(data["supply"]) == ["weekly_contact_hours_per_fte", "roles"]
    assert list(data["supply"]["roles"]) == ["coach", "support"]
    assert list(data["supply"]["roles"]["coach"]) == ["people", "fte", "hours", "months"]
    assert list(data["booked"]) == ["plan", "planned_trajects", "unplanned_trajects", "roles"]
    assert list(data["due"]["families"]) == ["regional_support", "pedagogical_coaching"]
    assert list(data["due"]["families"]["pedagogical_coaching"]) == [
        "role",
        "trajects",
        "hours_per_traject",
        "hours",
        "free_hours",
        "can_give",
        "gap",
        "locations",
    ]
    assert list(data["reach"]) == ["as_of", "families"]
    assert list(data["reach"]["families"]["regional_support"]) == [
        "period",
        "locations",
        "reached",
        "share",
        "by_area",
        "by_subsidy_step",
        "by_care_type",
    ]
    assert list(data["waiting"]["families"]["regional_support"]) == [
        "started",
        "median_days",
        "p90_days",
        "open",
    ]
    assert list(data["variant"]) == [
        "rules",
        "extra_fte",
        "role",
        "weekly_hours",
        "prior_changes",
        "supply",
        "due",
        "reach",
    ]
    assert data["period"]["months"][0] == "2027-01" and len(data["period"]["months"]) == 12
    assert data["due"]["families"]["pedagogical_coaching"]["hours"] == 250.0
    assert report_json(report) == report_json(
        make_report(edges, year_period(2027), what_if=WhatIf(extra_fte=2, role="coach"))
    )
    assert json.loads(report_json(report)) == data


def test_json_without_what_if_has_a_null_variant(edges: Records):
    assert report_dict(make_report(edges, year_period(2027)))["variant"] is None
