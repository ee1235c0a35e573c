"""Builders of small record sets for the planner tests (no tests here).

Dates used throughout: 2027-02-01 is a Monday; February 2027 has no Belgian public holiday.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from mentes_cli.models import Coach, Location, Organisation, Records, Traject
from mentes_cli.plan.model import Plan
from mentes_cli.plan.planner import make_plan
from mentes_cli.plan.store import plan_json

MONDAY = date(2027, 2, 1)


def location(**fields: Any) -> Location:
    """Give a PRIOR location in Berchem (step 1), open Monday to Friday, with `fields` changed."""
    values: dict[str, Any] = {
        "id": "LOC-1",
        "name": "Test Berchem",
        "care_type": "group",
        "subsidy_step": 1,
        "ikt_places": 0,
        "places": 20,
        "postcode": "2600",
    }
    values.update(fields)
    return Location(**values)


def coach(**fields: Any) -> Coach:
    """Give a full-time pedagogical coach working Monday to Friday, with `fields` changed."""
    values: dict[str, Any] = {
        "id": "C-1",
        "name": "Coach One",
        "role": "coach",
        "fte": 1.0,
        "workdays": ["mon", "tue", "wed", "thu", "fri"],
    }
    values.update(fields)
    return Coach(**values)


def supporter(**fields: Any) -> Coach:
    """Give a full-time regional supporter working on Mondays only, with `fields` changed."""
    values: dict[str, Any] = {
        "id": "S-1",
        "name": "Supporter One",
        "role": "support",
        "workdays": ["mon"],
    }
    values.update(fields)
    return coach(**values)


def traject(**fields: Any) -> Traject:
    """Give an approved free coaching traject at LOC-1, with `fields` changed."""
    values: dict[str, Any] = {
        "id": "T-1",
        "location": "LOC-1",
        "offer": "coaching",
        "status": "approved",
        "requested_on": date(2026, 10, 1),
    }
    values.update(fields)
    return Traject(**values)


def records(
    locations: list[Location] | None = None,
    coaches: list[Coach] | None = None,
    trajects: list[Traject] | None = None,
) -> Records:
    """Give a record set with one organisation holding `locations`."""
    return Records(
        organisations=[
            Organisation(id="ORG-1", name="Vzw Test", locations=locations or [location()])
        ],
        coaches=coaches if coaches is not None else [coach()],
        trajects=trajects or [traject()],
    )


def plan(
    recs: Records, start: date = MONDAY, end: date = date(2027, 6, 30), kept: Plan | None = None
) -> Plan:
    """Give the plan of `recs` from `start` to `end`."""
    return make_plan(recs, start=start, end=end, kept=kept)


def as_json(result: Plan) -> str:
    """Give the plan's JSON text, as `mentes plan --format json` prints it."""
    return json.dumps(plan_json(result), indent=2, ensure_ascii=False)


def days_of(result: Plan, traject_id: str = "T-1", kind: str = "visit") -> list[str]:
    """Give the ISO dates of a traject's visits (or intake calls)."""
    return [v.date.isoformat() for v in result.visits if v.traject == traject_id and v.kind == kind]


def hours_of(result: Plan, traject_id: str = "T-1") -> list[float]:
    """Give the hours of a traject's visits, in date order."""
    return [v.hours for v in result.visits if v.traject == traject_id and v.kind == "visit"]


def reasons_of(result: Plan, traject_id: str = "T-1") -> list[str]:
    """Give the reasons a traject was not planned (fails when it was planned)."""
    found = [u.reasons for u in result.unplanned if u.traject == traject_id]
    assert found, f"{traject_id} was planned: {days_of(result, traject_id)}"
    return found[0]
