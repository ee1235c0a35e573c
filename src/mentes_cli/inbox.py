"""The coordinator's inbox (`mentes trajects`, SPEC 8): the trajects, and for each open request
whether it can be free, its place in the planning queue and how long it has waited.

A request's decision is taken on its `requested_on` (else today), counting every other
traject of the location that uses the entitlement, but not the request itself: an approved
free request takes the entitlement, and must not block itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mentes_cli.eligibility import (
    FREE,
    PAID,
    SCOPE_PAID,
    UNAVAILABLE,
    decide_location,
    entitlement_date,
    family_of_offer,
    free_entitlement,
    uses_entitlement,
)
from mentes_cli.models import Records, Traject
from mentes_cli.plan.calendar import planning_queue

OPEN_STATUSES = ("requested", "approved", "planned", "active")
DECIDED_STATUSES = ("requested", "approved")


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One traject as the inbox shows it."""

    traject: Traject
    location_name: str
    decision: str | None  # free | paid | unavailable, for a requested or approved traject
    next_free: date | None
    why: str
    queue: int | None  # 1-based place in the planning queue, for an approved traject
    age_days: int | None  # days since requested_on, for a requested or approved traject


def inbox(
    records: Records,
    today: date,
    *,
    statuses: Iterable[str] = OPEN_STATUSES,
    location: str | None = None,
) -> list[InboxRow]:
    """Give the trajects with one of `statuses` (at `location`), oldest request first."""
    wanted = set(statuses)
    locations = records.location_index()
    queue = {t.id: n for n, t in enumerate(planning_queue(records, today), start=1)}
    rows = []
    for traject in records.trajects:
        if traject.status not in wanted or (location and traject.location != location):
            continue
        found = locations.get(traject.location)
        name = found[1].name if found else traject.location
        decision, next_free, why = (None, None, "")
        age = None
        if traject.status in DECIDED_STATUSES and found:
            decision, next_free, why = request_decision(records, traject, today)
            if traject.requested_on:
                age = (today - traject.requested_on).days
        rows.append(InboxRow(traject, name, decision, next_free, why, queue.get(traject.id), age))
    rows.sort(key=lambda r: (r.traject.requested_on or date.max, r.traject.id))
    return rows


def request_decision(
    records: Records, traject: Traject, today: date, *, day: date | None = None
) -> tuple[str, date | None, str]:
    """Give what a request gets on `day`, else its `requested_on`, else today: free, paid or
    unavailable, the day a free traject is possible again, and why."""
    day = day or traject.requested_on or today
    family = family_of_offer(traject.offer)
    rules = getattr(decide_location(records, traject.location, day), family).rules
    in_paid_scope = SCOPE_PAID in rules
    if not traject.is_free_offer:
        if in_paid_scope:
            return PAID, None, ""
        return UNAVAILABLE, None, "outside the area of the paid offer"
    used = [
        entitlement_date(other, day)
        for other in records.trajects
        if other.id != traject.id
        and other.location == traject.location
        and uses_entitlement(other)
        and family_of_offer(other.offer) == family
    ]
    entitlement = free_entitlement(records, traject.location, family, day, used)
    if entitlement.entitled:
        return FREE, None, ""
    return (PAID if in_paid_scope else UNAVAILABLE), entitlement.next_free, entitlement.reason
