"""The explanation of a decision, as sentences and as data (SPEC 4 `inputs`, `parameters`).

The engine asks these functions for the words of a decision; they never decide: each takes
what a rule gave (PRIOR or not, which rules hold, the scopes) and says it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from mentes_cli import regions
from mentes_cli.eligibility.parameters import (
    FamilyParameters,
    Parameters,
    Period,
    PriorParameters,
    _catalogue,
)
from mentes_cli.eligibility.results import (
    FREE,
    FREQ_AVAILABLE,
    PAID,
    PRIOR_ENFORCEMENT,
    PRIOR_IKT,
    PRIOR_OFFICIAL,
    PRIOR_STEP,
    UNAVAILABLE,
)
from mentes_cli.eligibility.rules import PriorInputs, scope_rules
from mentes_cli.models import STATUSES, Traject

if TYPE_CHECKING:
    from mentes_cli.eligibility.engine import _Site


def _traject_list(dated: list[tuple[date, Traject]]) -> str:
    """Give trajects with their dates in words: "T-1 (2026-10-05) and T-2 (2027-01-04)"."""
    parts = [f"{traject.id} ({day.isoformat()})" for day, traject in dated]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True, slots=True)
class _FamilyContext:
    """One family's parameters, scopes and wording on one as-of date."""

    family: str
    all: Parameters
    free: regions.Scope
    paid: regions.Scope
    period: Period
    around: str  # the frequency period around the as-of date: "in 2026", ...
    free_traject: str  # "free coaching traject"
    paid_offer: str  # "paid coaching A–D"

    @property
    def parameters(self) -> FamilyParameters:
        return self.all.families[self.family]


def _family_context(family: str, parameters: Parameters) -> _FamilyContext:
    """Give one family's context on the date of `parameters`."""
    as_of = parameters.as_of
    period = parameters.families[family].period
    return _FamilyContext(
        family,
        parameters,
        regions.scope_at(parameters.families[family].free_scope, as_of),
        regions.scope_at(parameters.families[family].paid_scope, as_of),
        period,
        period.around(as_of),
        _catalogue().free_traject[family],
        _catalogue().paid_offer[family],
    )


def _plain_decision(
    context: _FamilyContext,
    is_prior: bool,
    prior_rules: tuple[str, ...],
    prior_text: str,
    where: str,
    free_scope: bool,
    paid_scope: bool,
) -> tuple[str, tuple[str, ...], str]:
    """Decide a family where no traject blocks the entitlement: status, rules, explanation."""
    scopes = scope_rules(free_scope, paid_scope)
    if is_prior and free_scope:
        return (
            FREE,
            (*prior_rules, *scopes, FREQ_AVAILABLE),
            f"Free: {prior_text} and in {context.free.name}, and no {context.free_traject} "
            f"counts {context.around}.",
        )
    if is_prior:
        reason = f"{prior_text}, but {where} lies outside {context.free.name}"
    elif free_scope and not paid_scope:
        # Say where it lies, lest "unavailable" read as "outside every area".
        reason = (
            f"{prior_text}; {where} lies in {context.free.name}, where the "
            f"{context.free_traject} is only for PRIOR locations"
        )
    else:
        reason = prior_text
    if paid_scope:
        return (
            PAID,
            (*prior_rules, *scopes),
            f"Paid: {reason}; {context.paid_offer} is offered in {context.paid.name}, "
            f"which holds {where}.",
        )
    return (
        UNAVAILABLE,
        (*prior_rules, *scopes),
        f"Unavailable: {reason}; {context.paid_offer} is only offered in "
        f"{context.paid.name}, not in {where}.",
    )


def _where(postcode: str, place: regions.Place | None) -> str:
    """Give where a location of `postcode` lies, in words: "Antwerpen (Berchem)", "Gent"."""
    if place is None:
        return f"postcode {postcode} (not in regions.toml)"
    if place.district and place.district != place.municipality:
        return f"{place.municipality} ({place.district})"
    if place.district:
        return f"{place.municipality} (district {place.district})"
    return place.municipality


# An organisation with more locations than this has its IKT places said as a total and a
# count, with the first few parts: each location's explanation would otherwise list every
# location's places (thousands of numbers, for every one of thousands of locations).
IKT_PARTS_SHOWN = 5


def ikt_sum(places: Sequence[int], total: int) -> str:
    """Give an organisation's IKT places as a sum: "12 + 6 = 18", "12" for one location, and
    "120 over 40 locations (12 + 6 + 0 + 3 + 9 + …)" for many."""
    if len(places) == 1:
        return str(total)
    if len(places) <= IKT_PARTS_SHOWN:
        return " + ".join(str(ikt) for ikt in places) + f" = {total}"
    shown = " + ".join(str(ikt) for ikt in places[:IKT_PARTS_SHOWN])
    return f"{total} over {len(places)} locations ({shown} + …)"


def _prior_clause(
    inputs: PriorInputs,
    ikt_text: str,
    parameters: PriorParameters,
    is_prior: bool,
    prior_rules: Sequence[str],
) -> str:
    """Give the PRIOR part of an explanation: "PRIOR by subsidy step 1", "not PRIOR (...)".

    It reads only the PRIOR rules' inputs and the organisation's IKT places as a sum, the
    key under which the engine shares it between locations.
    """
    step = inputs.subsidy_step
    since = inputs.enforcement_since
    if inputs.organisation_prior is False:
        return "not PRIOR by decision of Opgroeien (the organisation's prior = false)"
    reasons = []
    if PRIOR_OFFICIAL in prior_rules:
        reasons.append("by decision of Opgroeien")
    if PRIOR_STEP in prior_rules:
        reasons.append(f"by subsidy step {step}")
    if PRIOR_IKT in prior_rules:
        reasons.append(
            f"by IKT places (subsidy step {step}, IKT places of the organisation "
            f"{ikt_text} ≤ {parameters.ikt_max_places})"
        )
    if PRIOR_ENFORCEMENT in prior_rules:
        reasons.append(f"by enforcement since {since.isoformat()}" if since else "by enforcement")
    if is_prior:
        return "PRIOR " + " and ".join(reasons)
    if step in parameters.ikt_steps:
        why = (
            f"subsidy step {step} with IKT places of the organisation {ikt_text} > "
            f"{parameters.ikt_max_places}"
        )
    else:
        why = f"subsidy step {step} is not a PRIOR step"
    if inputs.enforcement and since:
        why += f"; enforcement only from {since.isoformat()}"
    return f"not PRIOR ({why})"


def _inputs(
    site: _Site, family: str, as_of: date, free_scope: bool, paid_scope: bool
) -> dict[str, Any]:
    """Give the record values a family decision used, JSON-ready (dates as ISO text)."""
    location = site.location
    place = site.place
    since = location.enforcement_since
    return {
        "care_type": location.care_type,
        "subsidy_step": location.subsidy_step,
        "organisation_prior": site.organisation.prior,
        "ikt_places_by_location": dict(site.ikt_by_location),
        "ikt_places_organisation": site.ikt_total,
        "places": location.places,
        "enforcement": location.enforcement,
        "enforcement_since": since.isoformat() if since else None,
        "postcode": location.postcode,
        "municipality": place.municipality if place else None,
        "district": place.district if place else None,
        "province": place.province if place else None,
        "in_free_scope": free_scope,
        "in_paid_scope": paid_scope,
        "trajects_using_entitlement": [
            {
                "id": traject.id,
                "offer": traject.offer,
                "status": traject.status,
                "date": (fixed or as_of).isoformat(),
            }
            for fixed, traject in site.using[family]
        ],
    }


def _parameters(context: _FamilyContext) -> dict[str, Any]:
    """Give the parameter values a family decision used, JSON-ready."""
    prior_parameters = context.all.prior
    family_parameters = context.parameters
    catalogue = _catalogue()
    return {
        "prior_steps": sorted(prior_parameters.steps),
        "ikt_steps": sorted(prior_parameters.ikt_steps),
        "ikt_max_places": prior_parameters.ikt_max_places,
        "prior_valid_from": prior_parameters.valid_from.isoformat(),
        "free_offers": sorted(catalogue.free_offers[context.family]),
        "entitlement_statuses": [s for s in STATUSES if s in catalogue.using_statuses],
        "free_scope": family_parameters.free_scope,
        "free_scope_name": context.free.name,
        "paid_scope": family_parameters.paid_scope,
        "paid_scope_name": context.paid.name,
        "scopes_valid_from": family_parameters.scopes_valid_from.isoformat(),
        "period": family_parameters.period.name,
        "frequency_valid_from": family_parameters.frequency_valid_from.isoformat(),
    }
