"""Waiting per offer family (SPEC 10): days from request to start, and the open requests."""

from __future__ import annotations

import math
from collections.abc import Sequence

from mentes_cli import eligibility
from mentes_cli.models import Records
from mentes_cli.report.model import FAMILIES, FamilyWaiting, OpenRequest, Period

STARTED = ("planned", "active", "done")
OPEN = ("requested", "approved")


def nearest_rank(values: Sequence[int], percent: float) -> int | None:
    """Give the nearest-rank percentile of sorted `values`: the ⌈p/100 × n⌉-th smallest."""
    if not values:
        return None
    rank = max(1, math.ceil(percent / 100 * len(values)))
    return values[rank - 1]


def waiting(records: Records, period: Period) -> dict[str, FamilyWaiting]:
    """Give per family the waits of the trajects that started in the period, and the open ones.

    A wait is the days from `requested_on` to `start` of a planned, active or done traject
    whose start lies in the period (a traject without `requested_on` has no wait). Open: the
    trajects requested or approved in the records with `requested_on` on or before the
    period's last day, with their age in days at that day, oldest first. Free and paid alike.
    """
    waits: dict[str, list[int]] = {family: [] for family in FAMILIES}
    open_requests: dict[str, list[OpenRequest]] = {family: [] for family in FAMILIES}
    for traject in records.trajects:
        family = eligibility.family_of_offer(traject.offer)
        asked = traject.requested_on
        if asked is None:
            continue
        if traject.status in STARTED and traject.start and period.covers(traject.start):
            waits[family].append((traject.start - asked).days)
        elif traject.status in OPEN and asked <= period.last:
            open_requests[family].append(
                OpenRequest(
                    traject.id,
                    traject.location,
                    traject.offer,
                    traject.status,
                    asked,
                    (period.last - asked).days,
                )
            )
    figures = {}
    for family in FAMILIES:
        days = sorted(waits[family])
        requests = sorted(open_requests[family], key=lambda r: (-r.age_days, r.traject))
        figures[family] = FamilyWaiting(
            family, days, nearest_rank(days, 50), nearest_rank(days, 90), requests
        )
    return figures
