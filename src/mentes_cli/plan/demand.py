"""What a traject needs from the plan: its visits' lengths, the intake call, role and gap.

SPEC 5, hard constraint 1, read from the catalogue (offers.toml: the offer's role, gap and
visit shape) and the price list in force (tariffs.toml: the hours): a "spread" offer (free
coaching: 50 h over 8 days, 7 when 8 do not fit) is its hours in quarter hours as evenly as
possible over one of its numbers of days; a "blocks" offer (the paid packages, the BVV
contact moments at their longest) is its visits of given hours, with the package's intake
call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mentes_cli.models import Traject
from mentes_cli.offers import catalogue

# ROLE_NAMES lives in the constraint registry; it is named here too for the modules that
# read it from here (load/build.py).
from mentes_cli.plan.constraints import ROLE_NAMES, gap_days, role_of  # noqa: F401
from mentes_cli.plan.settings import PlanningSettings, to_minutes


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
    code = traject.offer
    offer = catalogue().offer(code)
    role = role_of(code)
    gap = gap_days(settings, code)
    chosen = traject.contact_moments if offer.contact_moments is not None else None
    visits = catalogue().visits_at(code, as_of, chosen)
    if offer.visits == "spread":
        total = to_minutes(float(visits.spread_hours or 0))
        shapes = tuple(even_split(total, days, settings.step) for days in visits.spread_days)
    else:
        lengths: list[int] = []
        for count, hours in visits.blocks:
            lengths.extend([to_minutes(float(hours))] * count)
        shapes = (tuple(lengths),)
    intake = to_minutes(float(visits.intake_hours)) if offer.paid else 0
    return Demand(code, role, offer.free, shapes, intake, gap)
