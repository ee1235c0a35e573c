"""The report as JSON (SPEC 10): fixed keys in a fixed order, English, the same bytes each time.

Hours are rounded to the hundredth (the figures themselves, not the display's quarter hours);
shares to four decimals.
"""

from __future__ import annotations

import json
from typing import Any

from mentes_cli.report.model import (
    FAMILIES,
    ROLES,
    Booked,
    FamilyReach,
    Period,
    Report,
    RoleHours,
    Share,
    Supply,
    Variant,
)


def _hours(value: float) -> float:
    return round(value + 0.0, 2) + 0.0  # + 0.0: never -0.0


def _role(hours: RoleHours, staff: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if staff:
        out["people"] = hours.people
        out["fte"] = round(hours.fte, 4)
    out["hours"] = _hours(hours.total)
    out["months"] = {month: _hours(value) for month, value in hours.months.items()}
    return out


def period_json(period: Period, with_plan: bool) -> dict[str, Any]:
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "judged_on": period.last.isoformat(),
        "months": period.months(),
        "plan": with_plan,
    }


def supply_json(supply: Supply) -> dict[str, Any]:
    return {
        "weekly_contact_hours_per_fte": supply.weekly_contact_hours_per_fte,
        "roles": {role: _role(supply.roles[role], staff=True) for role in ROLES},
    }


def booked_json(booked: Booked) -> dict[str, Any]:
    return {
        "plan": booked.plan,
        "planned_trajects": booked.planned_trajects,
        "unplanned_trajects": booked.unplanned_trajects,
        "roles": {role: _role(booked.roles[role], staff=False) for role in ROLES},
    }


def due_json(report: Report, *, variant: bool = False) -> dict[str, Any]:
    due = report.variant.due if variant and report.variant else report.due
    families = {}
    for family in FAMILIES:
        figure = due[family]
        answer = report.answer(family, variant)
        families[family] = {
            "role": figure.role,
            "trajects": figure.trajects,
            "hours_per_traject": _hours(figure.hours_per_traject),
            "hours": _hours(figure.hours),
            "free_hours": _hours(answer.free_hours),
            "can_give": answer.can_give,
            "gap": answer.gap,
            "locations": list(figure.locations),
        }
    return {"families": families}


def _share(share: Share) -> dict[str, Any]:
    return {
        "key": share.key,
        "locations": share.locations,
        "reached": share.reached,
        "share": round(share.share, 4),
    }


def _reach_family(reach: FamilyReach) -> dict[str, Any]:
    total = _share(reach.total)
    del total["key"]
    return {
        "period": reach.period,
        **total,
        "by_area": [_share(s) for s in reach.by_area],
        "by_subsidy_step": [_share(s) for s in reach.by_subsidy_step],
        "by_care_type": [_share(s) for s in reach.by_care_type],
    }


def reach_json(period: Period, reach: dict[str, FamilyReach]) -> dict[str, Any]:
    return {
        "as_of": period.last.isoformat(),
        "families": {family: _reach_family(reach[family]) for family in FAMILIES},
    }


def waiting_json(report: Report) -> dict[str, Any]:
    families = {}
    for family in FAMILIES:
        figure = report.waiting[family]
        families[family] = {
            "started": len(figure.waits),
            "median_days": figure.median_days,
            "p90_days": figure.p90_days,
            "open": [
                {
                    "traject": r.traject,
                    "location": r.location,
                    "offer": r.offer,
                    "status": r.status,
                    "requested_on": r.requested_on.isoformat(),
                    "age_days": r.age_days,
                }
                for r in figure.open
            ],
        }
    return {"families": families}


def variant_json(report: Report, variant: Variant) -> dict[str, Any]:
    what = variant.what_if
    return {
        "rules": what.rules,
        "extra_fte": what.extra_fte,
        "role": what.role,
        "weekly_hours": what.weekly_hours,
        "prior_changes": [
            {
                "location": c.location,
                "organisation": c.organisation,
                "base": c.base,
                "variant": c.variant,
            }
            for c in variant.prior_changes
        ],
        "supply": supply_json(variant.supply),
        "due": due_json(report, variant=True),
        "reach": reach_json(report.period, variant.reach),
    }


def report_dict(report: Report) -> dict[str, Any]:
    """Give the report as JSON-ready data, top-level keys in SPEC 10's order."""
    return {
        "period": period_json(report.period, report.booked.plan),
        "supply": supply_json(report.supply),
        "booked": booked_json(report.booked),
        "due": due_json(report),
        "reach": reach_json(report.period, report.reach),
        "waiting": waiting_json(report),
        "variant": variant_json(report, report.variant) if report.variant else None,
    }


def report_json(report: Report) -> str:
    """Give the report as JSON text (two-space indent, no trailing newline)."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False)
