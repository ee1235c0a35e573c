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
from mentes_cli.eligibility.sentences import Named, Sentence, _, and_list, joined
from mentes_cli.errors import field_name
from mentes_cli.models import STATUSES, Traject

if TYPE_CHECKING:
    from mentes_cli.eligibility.engine import _Site


def _traject_list(dated: list[tuple[date, Traject]]) -> Any:
    """Give trajects with their dates in words: "T-1 (2026-10-05) and T-2 (2027-01-04)"."""
    return and_list(
        [_("{traject} ({date})", traject=traject.id, date=day) for day, traject in dated]
    )


def around(period: Period, day: date) -> Sentence:
    """Give the period around `day` in words: "in 2026", "within 24 months before or after
    2026-11-22"."""
    if period.months is None:
        return _("in {year}", year=day.year)
    return _("within {months} months before or after {date}", months=period.months, date=day)


@dataclass(frozen=True, slots=True)
class _FamilyContext:
    """One family's parameters, scopes and wording on one as-of date."""

    family: str
    all: Parameters
    free: regions.Scope
    paid: regions.Scope
    period: Period
    around: Sentence  # the frequency period around the as-of date: "in 2026", ...
    free_traject: Named  # language -> "free coaching traject"
    paid_offer: Named  # language -> "paid coaching A–D"

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
        around(period, as_of),
        _catalogue().free_traject[family],
        _catalogue().paid_offer[family],
    )


def _plain_decision(
    context: _FamilyContext,
    is_prior: bool,
    prior_rules: tuple[str, ...],
    prior_text: Sentence,
    where: Any,
    free_scope: bool,
    paid_scope: bool,
) -> tuple[str, tuple[str, ...], Sentence]:
    """Decide a family where no traject blocks the entitlement: status, rules, explanation."""
    scopes = scope_rules(free_scope, paid_scope)
    if is_prior and free_scope:
        return (
            FREE,
            (*prior_rules, *scopes, FREQ_AVAILABLE),
            _(
                "Free: {prior} and in {scope}, and no {free_traject} counts {around}.",
                prior=prior_text,
                scope=context.free.name,
                free_traject=context.free_traject,
                around=context.around,
            ),
        )
    reason: Any
    if is_prior:
        reason = _(
            "{prior}, but {where} lies outside {scope}",
            prior=prior_text,
            where=where,
            scope=context.free.name,
        )
    elif free_scope and not paid_scope:
        # Say where it lies, lest "unavailable" read as "outside every area".
        reason = _(
            "{prior}; {where} lies in {scope}, where the {free_traject} is only for PRIOR "
            "locations",
            prior=prior_text,
            where=where,
            scope=context.free.name,
            free_traject=context.free_traject,
        )
    else:
        reason = prior_text
    if paid_scope:
        return (
            PAID,
            (*prior_rules, *scopes),
            _(
                "Paid: {reason}; {paid_offer} is offered in {scope}, which holds {where}.",
                reason=reason,
                paid_offer=context.paid_offer,
                scope=context.paid.name,
                where=where,
            ),
        )
    return (
        UNAVAILABLE,
        (*prior_rules, *scopes),
        _(
            "Unavailable: {reason}; {paid_offer} is only offered in {scope}, not in {where}.",
            reason=reason,
            paid_offer=context.paid_offer,
            scope=context.paid.name,
            where=where,
        ),
    )


def _used_decision(
    context: _FamilyContext,
    status: str,
    prior_text: Sentence,
    now: list[tuple[date, Traject]],
    later: list[tuple[date, Traject]],
    first_free: date,
) -> Sentence:
    """Say why a PRIOR location in the free scope is not free now: the trajects that use the
    entitlement around the as-of date (`now`) and those that keep the next free one further
    away (`later`), and when it is free again."""
    values = {"free_traject": context.free_traject, "around": context.around}
    if len(now) > 1:
        blocking = _(
            "{free_traject} {trajects} count {around}", trajects=_traject_list(now), **values
        )
    else:
        blocking = _(
            "{free_traject} {trajects} counts {around}", trajects=_traject_list(now), **values
        )
    if later:
        # Each later traject keeps the next free one further away (SPEC 3.3).
        if context.period.months is None:
            parts = [
                _("{traject} ({date}) in {year}", traject=t.id, date=day, year=day.year)
                for day, t in later
            ]
        else:
            parts = [_("{traject} ({date}) after that", traject=t.id, date=day) for day, t in later]
        blocking = _("{blocking}, and {later}", blocking=blocking, later=joined(parts))
    values = {
        "prior": prior_text,
        "scope": context.free.name,
        "blocking": blocking,
        "date": first_free,
        "paid_offer": context.paid_offer,
        "paid_scope": context.paid.name,
    }
    if status == PAID:
        return _(
            "Paid: {prior} and in {scope}, but {blocking}, so it is free again from {date}; "
            "{paid_offer} is offered in {paid_scope}.",
            **values,
        )
    return _(
        "Unavailable: {prior} and in {scope}, but {blocking}, so it is free again from {date}; "
        "{paid_offer} is only offered in {paid_scope}.",
        **values,
    )


def _where(postcode: str, place: regions.Place | None) -> Any:
    """Give where a location of `postcode` lies, in words: "Antwerpen (Berchem)", "Gent"."""
    if place is None:
        return _("postcode {postcode} (not a Belgian postcode mentes knows)", postcode=postcode)
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
    "120 over 40 locations (12 + 6 + 0 + 3 + 9 + …)" for many (a Sentence: `say()` it)."""
    if len(places) == 1:
        return str(total)
    if len(places) <= IKT_PARTS_SHOWN:
        return " + ".join(str(ikt) for ikt in places) + f" = {total}"
    shown = " + ".join(str(ikt) for ikt in places[:IKT_PARTS_SHOWN])
    return _(
        "{total} over {count} locations ({shown} + …)",
        total=total,
        count=len(places),
        shown=shown,
    )


def _and_chain(parts: Sequence[Any]) -> Any:
    """Give parts joined by "and" each: "A and B and C"."""
    said = parts[0]
    for part in parts[1:]:
        said = _("{items} and {last}", items=said, last=part)
    return said


def _prior_clause(
    inputs: PriorInputs,
    ikt_text: str,
    parameters: PriorParameters,
    is_prior: bool,
    prior_rules: Sequence[str],
) -> Sentence:
    """Give the PRIOR part of an explanation: "PRIOR by subsidy step 1", "not PRIOR (...)".

    It reads only the PRIOR rules' inputs and the organisation's IKT places as a sum, the
    key under which the engine shares it between locations.
    """
    step = inputs.subsidy_step
    since = inputs.enforcement_since
    if inputs.organisation_prior is False:
        return _("not PRIOR by decision of Opgroeien (the organisation's prior = false)")
    reasons: list[Any] = []
    if PRIOR_OFFICIAL in prior_rules:
        reasons.append(_("by decision of Opgroeien"))
    if PRIOR_STEP in prior_rules:
        reasons.append(_("by subsidy step {step}", step=step))
    if PRIOR_IKT in prior_rules:
        reasons.append(
            _(
                "by IKT places (subsidy step {step}, IKT places of the organisation {ikt} ≤ "
                "{most})",
                step=step,
                ikt=ikt_text,
                most=parameters.ikt_max_places,
            )
        )
    if PRIOR_ENFORCEMENT in prior_rules:
        reasons.append(
            _("by enforcement since {date}", date=since) if since else _("by enforcement")
        )
    if is_prior:
        return _("PRIOR {reasons}", reasons=_and_chain(reasons))
    why: Sentence
    if step in parameters.ikt_steps:
        why = _(
            "subsidy step {step} with IKT places of the organisation {ikt} > {most}",
            step=step,
            ikt=ikt_text,
            most=parameters.ikt_max_places,
        )
    else:
        why = _("subsidy step {step} is not a PRIOR step", step=step)
    if inputs.enforcement and since:
        why = _("{why}; enforcement only from {date}", why=why, date=since)
    return _("not PRIOR ({why})", why=why)


# --- the reason of the planner's question (engine.free_entitlement) ------------------------


def entitlement_not_prior(location_id: str, prior_text: Sentence, day: date) -> Sentence:
    """Say that a location is not PRIOR on a day."""
    return _("{location} is {prior} on {date}.", location=location_id, prior=prior_text, date=day)


def entitlement_out_of_scope(
    location_id: str, where: Any, scope: str, free_traject: Named
) -> Sentence:
    """Say that a location lies outside the scope where a family's free traject is given."""
    return _(
        "{location} lies in {where}, outside {scope}, where the {free_traject} is given.",
        location=location_id,
        where=where,
        scope=scope,
        free_traject=free_traject,
    )


def entitlement_free(
    location_id: str, where: Any, free_traject: Named, around: Sentence
) -> Sentence:
    """Say that a location may have a free traject of a family on a day."""
    return _(
        "{location} is PRIOR and in {where}, and no {free_traject} counts {around}.",
        location=location_id,
        where=where,
        free_traject=free_traject,
        around=around,
    )


def entitlement_used(
    location_id: str,
    free_traject: Named,
    blocking: Sequence[date],
    around: Sentence,
    next_free: date,
) -> Sentence:
    """Say that a location's free traject of a family is used up on a day, and till when."""
    return _(
        "{location} has a {free_traject} dated {dates}, {around}; free again from {date}.",
        location=location_id,
        free_traject=free_traject,
        dates=joined(blocking),
        around=around,
        date=next_free,
    )


# --- the data warnings of SPEC 3.1 and SPEC 5 -----------------------------------------------


def warning_step_without_ikt(step: int) -> Sentence:
    return _(
        "subsidy step {step} with 0 IKT places; check {subsidy_step} and {ikt_places}",
        step=step,
        subsidy_step=field_name("locations", "subsidy_step"),
        ikt_places=field_name("locations", "ikt_places"),
    )


def warning_step_with_ikt(step: int, ikt: int) -> Sentence:
    return _(
        "subsidy step {step} with {ikt} IKT places; check {subsidy_step} and {ikt_places}",
        step=step,
        ikt=ikt,
        subsidy_step=field_name("locations", "subsidy_step"),
        ikt_places=field_name("locations", "ikt_places"),
    )


def warning_more_ikt_than_places(ikt: int, places: int) -> Sentence:
    return _(
        "{ikt} IKT places but only {places} places; check {ikt_places} and {places_field}",
        ikt=ikt,
        places=places,
        ikt_places=field_name("locations", "ikt_places"),
        places_field=field_name("locations", "places"),
    )


def warning_unknown_postcode(postcode: str) -> Sentence:
    return _(
        "postcode {postcode} is not a Belgian postcode mentes knows; the location lies outside "
        "every scope",
        postcode=postcode,
    )


def warning_municipality(name: str, postcode: str, municipality: str) -> Sentence:
    return _(
        "municipality {name} does not match postcode {postcode} ({municipality})",
        name=repr(name),
        postcode=postcode,
        municipality=municipality,
    )


def warning_district(name: str, postcode: str, district: str | None) -> Sentence:
    where = (
        _("district {district}", district=district)
        if district
        else _("not a district of Antwerpen")
    )
    return _(
        "district {name} does not match postcode {postcode} ({where})",
        name=repr(name),
        postcode=postcode,
        where=where,
    )


def warning_conflicting(
    location_id: str,
    free_traject: Named,
    first: tuple[str, date],
    second: tuple[str, date],
    allowed: date,
    deadline: date | None,
) -> Sentence:
    """Say that two approved free trajects of one family cannot both be free as dated."""
    values = {
        "location": location_id,
        "free_traject": free_traject,
        "first": first[0],
        "first_date": first[1],
        "second": second[0],
        "second_date": second[1],
        "allowed": allowed,
    }
    if deadline is not None and allowed > deadline:
        return _(
            "location {location}: approved {free_traject}s {first} ({first_date}) and {second} "
            "({second_date}) cannot both be free as dated; {second} would be free from "
            "{allowed} at the earliest, after its deadline {deadline}",
            deadline=deadline,
            **values,
        )
    return _(
        "location {location}: approved {free_traject}s {first} ({first_date}) and {second} "
        "({second_date}) cannot both be free as dated; {second} would be free from {allowed} "
        "at the earliest",
        **values,
    )


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
