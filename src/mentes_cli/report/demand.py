"""Due demand and reach per offer family (SPEC 10), decided by the eligibility engine.

PRIOR status and scopes are judged on the period's last day (`eligibility.decide`); the
frequency rule and the trajects that use an entitlement are the engine's too
(`eligibility.frequency`, `uses_entitlement`, `entitlement_date`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from mentes_cli import eligibility, regions
from mentes_cli.i18n import _
from mentes_cli.models import Location, Records, Traject
from mentes_cli.plan.demand import demand_of
from mentes_cli.plan.settings import load_settings
from mentes_cli.report.model import (
    FAMILIES,
    ROLE_OF_FAMILY,
    FamilyDue,
    FamilyReach,
    Period,
    PriorChange,
    Share,
)


def used_dates(records: Records, as_of: date) -> dict[tuple[str, str], list[date]]:
    """Give the dates of the trajects that use a free entitlement, by (location, family)."""
    found: dict[tuple[str, str], list[date]] = {}
    for traject in records.trajects:
        if eligibility.uses_entitlement(traject):
            key = (traject.location, eligibility.family_of_offer(traject.offer))
            found.setdefault(key, []).append(eligibility.entitlement_date(traject, as_of))
    for dates in found.values():
        dates.sort()
    return found


def prior_in_free_scope(results: list[eligibility.LocationResult], family: str) -> list[str]:
    """Give the ids of the PRIOR locations inside the family's free scope, in record order."""
    return [
        result.location  # type: ignore[misc]
        for result in results
        if result.prior and eligibility.SCOPE_FREE in getattr(result, family).rules
    ]


def due_offer(family: str) -> str:
    """Give the offer a due traject of `family` is counted as: the family's first free offer
    in the catalogue (offers.toml), its basic traject (coaching; bvv-basis, not bvv-vervolg).
    """
    from mentes_cli.offers import catalogue

    codes = catalogue().of_family(family, paid=False)
    if not codes:
        from mentes_cli.errors import ReferenceDataError

        raise ReferenceDataError(
            _("offers.toml: the family {family} has no free offer", family=family)
        )
    return codes[0]


def hours_per_traject(family: str, as_of: date) -> float:
    """Give the hours of one due traject (the family's due offer as tariffs.toml has it on
    `as_of`): today coaching 50 h, a BVV basistraject 2 × 3 h."""
    model = Traject(id="due", location="due", offer=due_offer(family), status="requested")
    demand = demand_of(model, load_settings(), as_of)
    return sum(demand.shapes[0]) / 60


def due(
    records: Records,
    results: list[eligibility.LocationResult],
    period: Period,
    dates: dict[tuple[str, str], list[date]],
) -> dict[str, FamilyDue]:
    """Give per family the locations due a free traject in the period.

    Due: PRIOR and inside the free scope (on the last day), the free entitlement available at
    some day of the period (the frequency rule allows one on or before the last day), and no
    approved, planned, active or done free traject of that family dated in the period. Each
    location counts once per family.
    """
    parameters = eligibility.parameters_at(period.last)
    figures = {}
    for family in FAMILIES:
        rule = parameters.families[family].period
        locations = []
        for location in prior_in_free_scope(results, family):
            used = dates.get((location, family), [])
            if any(period.covers(day) for day in used):
                continue
            if eligibility.frequency(rule, used, period.first) <= period.last:
                locations.append(location)
        figures[family] = FamilyDue(
            family, ROLE_OF_FAMILY[family], locations, hours_per_traject(family, period.last)
        )
    return figures


def _within(rule: eligibility.Period, used: date, last: date) -> bool:
    """Give whether a traject dated `used` lies in the frequency period as of `last`."""
    if used > last:
        return False
    if rule.months is None:
        return used.year == last.year
    return eligibility.add_months(used, rule.months) > last


def area_of(location: Location) -> str:
    """Give the area a location is counted in: its district in Antwerp, else its municipality."""
    place = regions.place_for_postcode(location.postcode)
    if place is None:
        return location.municipality or location.postcode
    return place.district or place.municipality


def _shares(keys: dict[str, str], reached: set[str], order: Callable[[str], object]) -> list[Share]:
    counts: dict[str, list[int]] = {}
    for location, key in keys.items():
        pair = counts.setdefault(key, [0, 0])
        pair[0] += 1
        pair[1] += location in reached
    return [Share(key, *counts[key]) for key in sorted(counts, key=order)]


def reach(
    records: Records,
    results: list[eligibility.LocationResult],
    period: Period,
    dates: dict[tuple[str, str], list[date]],
) -> dict[str, FamilyReach]:
    """Give per family the share of PRIOR locations in the free scope that were reached.

    Reached at the period's end: a free traject (approved, planned, active or done) dated
    within the family's frequency period of rules.toml as of the last day (the last 24
    months for coaching, the calendar year for BVV), not after it.
    """
    parameters = eligibility.parameters_at(period.last)
    index = records.location_index()
    figures = {}
    for family in FAMILIES:
        rule = parameters.families[family].period
        members = prior_in_free_scope(results, family)
        reached = {
            location
            for location in members
            if any(_within(rule, day, period.last) for day in dates.get((location, family), []))
        }
        locations = {location: index[location][1] for location in members}
        figures[family] = FamilyReach(
            family,
            rule.name,
            Share("total", len(members), len(reached)),
            _shares(
                {lid: area_of(loc) for lid, loc in locations.items()},
                reached,
                lambda key: (key.casefold(), key),
            ),
            _shares({lid: str(loc.subsidy_step) for lid, loc in locations.items()}, reached, str),
            _shares({lid: loc.care_type for lid, loc in locations.items()}, reached, str),
        )
    return figures


def prior_changes(
    base: list[eligibility.LocationResult], variant: list[eligibility.LocationResult]
) -> list[PriorChange]:
    """Give the locations whose PRIOR status differs between two decisions, in record order."""
    by_location = {result.location: result for result in variant}
    changes = []
    for result in base:
        other = by_location.get(result.location)
        if other is not None and other.prior != result.prior:
            changes.append(
                PriorChange(
                    result.location,  # type: ignore[arg-type]
                    result.organisation,  # type: ignore[arg-type]
                    result.prior,
                    other.prior,
                )
            )
    return changes
