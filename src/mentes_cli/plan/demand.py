"""What a traject needs from the plan: its visits' lengths, the intake call, role and gap.

SPEC 5, hard constraint 1: free coaching is 50 h over 8 days (7 when 8 do not fit) in
quarter hours as evenly as possible; the paid packages A-D are the tariff's days and hours
with an intake call; a BVV traject is its contact moments at their longest (3 h free,
2.5 h paid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mentes_cli.models import Traject

# PAID_COACHING, ROLE_OF_OFFER and ROLE_NAMES live in the constraint registry; they are
# named here too for the modules that read them from here (report/supply.py).
from mentes_cli.plan.constraints import (  # noqa: F401
    PAID_COACHING,
    ROLE_NAMES,
    ROLE_OF_OFFER,
    gap_days,
    role_of,
)
from mentes_cli.plan.settings import PlanningSettings, to_minutes
from mentes_cli.tariffs import free_offer_at, package_at


@dataclass(frozen=True)
class Demand:
    """The visits a traject needs, in minutes, and what binds them."""

    offer: str
    role: str
    free: bool
    # One tuple of visit lengths per acceptable shape, the preferred first (coaching: 8
    # days, then 7). Within a shape, visits are planned in this order.
    shapes: tuple[tuple[int, ...], ...]
    intake: int  # minutes of the phone intake before the first visit; 0 when none
    gap: int  # least days between two visits


def even_split(total: int, days: int, step: int) -> tuple[int, ...]:
    """Give `total` minutes over `days` days in whole steps, as evenly as possible.

    The longer days come first: 50 h over 7 days in quarter hours is 7.25 h four times,
    then 7 h three times.
    """
    units = total // step
    base, extra = divmod(units, days)
    return tuple((base + 1) * step for _ in range(extra)) + tuple(
        base * step for _ in range(days - extra)
    )


def demand_of(traject: Traject, settings: PlanningSettings, as_of: date) -> Demand:
    """Give what `traject` needs, with the price list and offers in force on `as_of`."""
    offer = traject.offer
    role = role_of(offer)
    gap = gap_days(settings, offer)
    if offer == "coaching":
        shapes = tuple(
            even_split(settings.coaching_minutes, days, settings.step)
            for days in settings.coaching_days
        )
        return Demand(offer, role, True, shapes, 0, gap)
    if offer in ("bvv-basis", "bvv-vervolg"):
        content = free_offer_at(offer, as_of)
        if offer == "bvv-basis":
            count = int(content["contact_moments"])
        else:
            count = traject.contact_moments or int(content.get("contact_moments_default", 2))
        length = to_minutes(float(content["hours_per_moment"]))
        return Demand(offer, role, True, ((length,) * count,), 0, gap)
    package = package_at(offer, as_of)
    lengths: list[int] = []
    for block in package.visits:
        lengths.extend([to_minutes(float(block.hours))] * block.count)
    return Demand(
        offer, role, False, (tuple(lengths),), to_minutes(float(package.intake_hours)), gap
    )
