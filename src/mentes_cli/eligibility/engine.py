"""The eligibility engine: decide every location of a record set on a date (SPEC 3.5).

What does not depend on the as-of date (the IKT places of each organisation, the place of
each postcode, the trajects that use an entitlement, the data warnings) is prepared once per
record set; locations that give the rules the same inputs share one decision. The engine
never prints and builds no text of its own: the sentences come from `explanation.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from mentes_cli import regions
from mentes_cli.eligibility.explanation import (
    _family_context,
    _FamilyContext,
    _inputs,
    _parameters,
    _plain_decision,
    _prior_clause,
    _used_decision,
    _where,
    around,
    entitlement_free,
    entitlement_not_prior,
    entitlement_out_of_scope,
    entitlement_used,
    ikt_sum,
    warning_conflicting,
    warning_district,
    warning_more_ikt_than_places,
    warning_municipality,
    warning_step_with_ikt,
    warning_step_without_ikt,
    warning_unknown_postcode,
)
from mentes_cli.eligibility.parameters import (
    PriorParameters,
    _Catalogue,
    _catalogue,
    _fixed_date,
    _whole_list,
    entitlement_date,
    parameters_at,
)
from mentes_cli.eligibility.results import (
    FAMILIES,
    FREQ_USED,
    PAID,
    UNAVAILABLE,
    Entitlement,
    FamilyDecision,
    LocationResult,
    _family_decision,
    _location_result,
)
from mentes_cli.eligibility.rules import (
    PriorInputs,
    _blocks,
    _blocks_before,
    frequency,
    in_free_scope,
    in_paid_scope,
    prior,
    prior_inputs,
    scope_rules,
)
from mentes_cli.eligibility.sentences import Sentence
from mentes_cli.errors import InputError
from mentes_cli.i18n import _
from mentes_cli.models import Location, Organisation, Records, Traject
from mentes_cli.offers import catalogue as offer_catalogue
from mentes_cli.reference import load_reference

# --- preparing a record set once ---------------------------------------------------------


@dataclass(slots=True)
class _Site:
    """One location with what the rules need that does not depend on the as-of date."""

    organisation: Organisation
    location: Location
    place: regions.Place | None
    ikt_total: int
    ikt_by_location: tuple[tuple[str, int], ...]
    # Per family: the trajects that use the entitlement, each with its fixed date (None:
    # the as-of date), in date order.
    using: dict[str, tuple[tuple[date | None, Traject], ...]]
    warnings: list[str]  # Sentences: English as text, `say()` in the reader's language
    where: str  # "Antwerpen (Berchem)"
    ikt_text: str  # "12 + 6 = 18"
    prior_inputs: PriorInputs  # every value the PRIOR rules read
    # The keys of what sites share, made of exactly what the rules read: a number per
    # distinct (PRIOR inputs, IKT text) -- the PRIOR rules and their clause read nothing
    # else -- and one per postcode (the place, scope membership and `where` read nothing
    # else). tests/test_eligibility_paths.py proves that no other field of a location
    # changes a decision.
    prior_profile: int
    place_profile: int
    place_json: Mapping[str, str | None]  # SPEC 4 `place`, shared by the sites of one postcode


@dataclass(slots=True)
class _Prepared:
    records: Records
    rules: _Catalogue  # rules.toml and offers.toml as read
    regions_data: dict[str, Any]
    sites: dict[str, _Site]
    # Kept between calls, keyed by the parameter objects they depend on:
    # scope definitions -> place profile -> per family (in the free scope, in the paid scope)
    memberships: dict[tuple, dict[int, tuple[tuple[bool, bool], ...]]] = field(default_factory=dict)
    # PRIOR parameters -> (prior profile, in enforcement) -> (PRIOR, PRIOR rules, PRIOR clause)
    priors: dict[
        PriorParameters, dict[tuple[int, bool], tuple[bool, tuple[str, ...], Sentence]]
    ] = field(default_factory=dict)


_prepared_cache: _Prepared | None = None
_NO_TRAJECTS: dict[str, tuple] = {family: () for family in FAMILIES}


def _prepare(records: Records) -> _Prepared:
    """Give the as-of-independent facts of every location, computed once per record set."""
    global _prepared_cache
    catalogue = _catalogue()
    regions_data = load_reference(regions.FILE)
    cached = _prepared_cache
    if (
        cached is not None
        and cached.records is records
        and cached.rules is catalogue
        and cached.regions_data is regions_data
    ):
        return cached
    latest_prior = max(catalogue.data["prior"], key=lambda e: e["valid_from"])
    steps = _whole_list(latest_prior, "steps", "prior")
    ikt_steps = _whole_list(latest_prior, "ikt_steps", "prior")
    using: dict[str, dict[str, list[tuple[date | None, Traject]]]] = {}
    family_by_offer = catalogue.family_by_offer
    using_statuses = catalogue.using_statuses
    free_offers = catalogue.free_offers
    for traject in records.trajects:
        family = family_by_offer[traject.offer]
        if traject.status in using_statuses and traject.offer in free_offers[family]:
            using.setdefault(traject.location, {}).setdefault(family, []).append(
                (_fixed_date(traject), traject)
            )
    sites: dict[str, _Site] = {}
    prior_profiles: dict[tuple, int] = {}
    # postcode -> (place profile, place, where, place as JSON): a few hundred postcodes
    places: dict[str, tuple[int, regions.Place | None, str, Mapping[str, str | None]]] = {}
    for organisation in records.organisations:
        by_location = tuple((loc.id, loc.ikt_places) for loc in organisation.locations)
        total = sum(ikt for _id, ikt in by_location)
        ikt_text = ikt_sum([ikt for _id, ikt in by_location], total)
        for location in organisation.locations:
            postcode = location.postcode
            known = places.get(postcode)
            if known is None:
                place = regions.place_for_postcode(postcode)
                known = places[postcode] = (
                    len(places),
                    place,
                    _where(postcode, place),
                    place_json(postcode, place),
                )
            place_profile, place, where, place_data = known
            found = using.get(location.id)
            if found:
                trajects = {
                    family: tuple(
                        sorted(found.get(family, ()), key=lambda e: (e[0] or date.max, e[1].id))
                    )
                    for family in FAMILIES
                }
            else:
                trajects = _NO_TRAJECTS
            inputs = prior_inputs(organisation.prior, location, total)
            profile = (inputs, ikt_text)
            sites[location.id] = _Site(
                organisation,
                location,
                place,
                total,
                by_location,
                trajects,
                _location_warnings(location, place, steps, ikt_steps),
                where,
                ikt_text,
                inputs,
                prior_profiles.setdefault(profile, len(prior_profiles)),
                place_profile,
                place_data,
            )
    _prepared_cache = _Prepared(records, catalogue, regions_data, sites)
    return _prepared_cache


def place_json(postcode: str, place: regions.Place | None) -> Mapping[str, str | None]:
    """Give where a postcode lies as SPEC 4's `place`: postcode, municipality, district and
    province (None where regions.toml does not know the postcode)."""
    # Read-only: the results of every location with this postcode share it.
    return MappingProxyType(
        {
            "postcode": postcode,
            "municipality": place.municipality if place else None,
            "district": place.district if place else None,
            "province": place.province if place else None,
        }
    )


def _location_warnings(
    location: Location,
    place: regions.Place | None,
    steps: frozenset[int],
    ikt_steps: frozenset[int],
) -> list[str]:
    """Give the data warnings of SPEC 3.1 for one location (the record is still accepted)."""
    warnings: list[str] = []
    step, ikt = location.subsidy_step, location.ikt_places
    if step in ikt_steps and ikt == 0:
        warnings.append(warning_step_without_ikt(step))
    if step in steps and ikt > 0:
        warnings.append(warning_step_with_ikt(step, ikt))
    if ikt > location.places:
        warnings.append(warning_more_ikt_than_places(ikt, location.places))
    if place is None:
        warnings.append(warning_unknown_postcode(location.postcode))
        return warnings
    if location.municipality and regions.municipality_contradicts(place, location.municipality):
        warnings.append(
            warning_municipality(location.municipality, location.postcode, place.municipality)
        )
    if location.district and regions.district_contradicts(place, location.district):
        warnings.append(warning_district(location.district, location.postcode, place.district))
    return warnings


def location_warnings(records: Records) -> dict[str, list[str]]:
    """Give the data warnings of every location that has any, by location id, in file order."""
    prepared = _prepare(records)
    return {loc_id: site.warnings for loc_id, site in prepared.sites.items() if site.warnings}


def _site(prepared: _Prepared, location_id: str) -> _Site:
    site = prepared.sites.get(location_id)
    if site is None:
        hint = did_you_mean(location_id, prepared.sites)
        raise InputError(
            _("no location {location} in the records{hint}", location=repr(location_id), hint=hint)
        )
    return site


def did_you_mean(wanted: str, known: Iterable[str]) -> str:
    """Give " (did you mean …?)" with up to three ids of `known` close to the id typed,
    `wanted`, or "" when none is close: first the ids that are the same but for case and
    leading zeros (t-2026-36 → T-2026-036, LOC-01 → LOC-001), then the ones difflib finds."""
    import difflib
    import re

    def shape(text: str) -> tuple:
        parts = re.split(r"(\d+)", text.casefold())
        return tuple(int(p) if p.isdigit() else p for p in parts)

    known = list(known)
    same = [k for k in known if shape(k) == shape(wanted)]
    close = same + [
        k for k in difflib.get_close_matches(wanted, known, n=3, cutoff=0.6) if k not in same
    ]
    return _(" (did you mean {ids}?)", ids=", ".join(close[:3])) if close else ""


# --- deciding ----------------------------------------------------------------------------


def decide(
    records: Records,
    as_of: date,
    *,
    location_ids: Iterable[str] | None = None,
    explain: bool = False,
) -> list[LocationResult]:
    """Give the decision for every location (or those of `location_ids`, in that order).

    Raises InputError for an unknown location id, ReferenceDataError for a wrong rules.toml
    or regions.toml (or one without a value in force on `as_of`).
    """
    prepared = _prepare(records)
    if location_ids is None:
        sites = list(prepared.sites.values())
    else:
        sites = [_site(prepared, loc_id) for loc_id in location_ids]
    decider = _Decider(prepared, as_of, explain)
    return [decider.decide(site) for site in sites]


def decide_location(
    records: Records, location_id: str, as_of: date, *, explain: bool = False
) -> LocationResult:
    """Give the decision for one location; InputError when the records do not hold it."""
    return decide(records, as_of, location_ids=[location_id], explain=explain)[0]


def free_entitlement(
    records: Records,
    location_id: str,
    family: str,
    day: date,
    used_dates: Iterable[date],
) -> Entitlement:
    """Give whether a location may have a free traject of `family` on `day`.

    It may when it is PRIOR on that day (including enforcement dated on or before it), lies in
    the family's free scope, and the frequency rule allows it given exactly `used_dates` (the
    dates of the trajects that use the entitlement, as the caller counts them). `next_free` is
    the first day on or after `day` the frequency rule allows; None when not PRIOR or out of
    the free scope.
    """
    if family not in FAMILIES:
        raise ValueError(f"{family!r} is not an offer family ({', '.join(FAMILIES)})")
    free_traject = _catalogue().free_traject[family]
    prepared = _prepare(records)
    site = _site(prepared, location_id)
    parameters = parameters_at(day)
    location = site.location
    is_prior, prior_rules = prior(*site.prior_inputs, day, parameters.prior)
    if not is_prior:
        text = _prior_clause(site.prior_inputs, site.ikt_text, parameters.prior, False, prior_rules)
        return Entitlement(False, None, entitlement_not_prior(location.id, text, day))
    family_parameters = parameters.families[family]
    if not in_free_scope(site.place, family_parameters, day):
        scope = regions.scope_at(family_parameters.free_scope, day)
        return Entitlement(
            False,
            None,
            entitlement_out_of_scope(location.id, site.where, scope.name, free_traject),
        )
    period = family_parameters.period
    used = sorted(used_dates)
    next_free = frequency(period, used, day)
    if next_free == day:
        return Entitlement(
            True, day, entitlement_free(location.id, site.where, free_traject, around(period, day))
        )
    blocking = [d for d in used if _blocks(period, d, day)]
    return Entitlement(
        False,
        next_free,
        entitlement_used(location.id, free_traject, blocking, around(period, day), next_free),
    )


class _Decider:
    """Decides locations on one as-of date, with that date's parameters and scopes.

    What many locations share is worked out once: the scope membership per postcode and the
    PRIOR status and clause per organisation profile (kept with the prepared records, as
    they do not name the as-of date), and, for this call, the decision as if no traject
    used an entitlement, per (PRIOR, place) profile; for a PRIOR location in a family's
    free scope with trajects that use the entitlement, the frequency rule then decides.

    The status follows SPEC 3.5: free when PRIOR, in the free scope and FREQ-AVAILABLE;
    else paid when in the paid scope; else unavailable. The rules list the PRIOR rules,
    then every scope the location lies in for the family (SCOPE-FREE, SCOPE-PAID, both, or
    SCOPE-OUT for neither; see `scope_rules`), then FREQ-AVAILABLE or FREQ-USED when PRIOR
    and in the free scope.
    """

    __slots__ = (
        "as_of",
        "explain",
        "families",
        "membership",
        "prior_parameters",
        "priors",
        "site_memo",
    )

    def __init__(self, prepared: _Prepared, as_of: date, explain: bool):
        self.as_of = as_of
        self.explain = explain
        parameters = parameters_at(as_of)
        self.families = [_family_context(family, parameters) for family in FAMILIES]
        self.prior_parameters = parameters.prior
        scopes = tuple((context.free, context.paid) for context in self.families)
        self.membership = prepared.memberships.setdefault(scopes, {})
        self.priors = prepared.priors.setdefault(parameters.prior, {})
        # (prior profile, in enforcement, place profile) -> what `_plain` gives: the PRIOR
        # status, rules and clause, the scope membership and both families' (status, rules,
        # explanation) as if no traject used an entitlement; explanations name the as-of
        # date, so this memo lives for one call.
        self.site_memo: dict[tuple[int, bool, int], tuple] = {}

    def _membership(self, site: _Site) -> tuple[tuple[bool, bool], ...]:
        """Give per family whether the site lies in the free and in the paid scope."""
        found = self.membership.get(site.place_profile)
        if found is None:
            as_of = self.as_of
            found = self.membership[site.place_profile] = tuple(
                (
                    in_free_scope(site.place, context.parameters, as_of),
                    in_paid_scope(site.place, context.parameters, as_of),
                )
                for context in self.families
            )
        return found

    def _prior(self, site: _Site, in_enforcement: bool) -> tuple[bool, tuple[str, ...], str]:
        """Give whether the site is PRIOR, the PRIOR rules that hold, and the PRIOR clause."""
        key = (site.prior_profile, in_enforcement)
        found = self.priors.get(key)
        if found is None:
            parameters = self.prior_parameters
            is_prior, rules = prior(*site.prior_inputs, self.as_of, parameters)
            text = _prior_clause(site.prior_inputs, site.ikt_text, parameters, is_prior, rules)
            found = self.priors[key] = (is_prior, tuple(rules), text)
        return found

    def decide(self, site: _Site) -> LocationResult:
        location = site.location
        in_enforcement = site.prior_inputs.in_enforcement(self.as_of)
        if self.explain:
            is_prior, prior_rules, prior_text = self._prior(site, in_enforcement)
            support, coaching = self._membership(site)
            return LocationResult(
                location.id,
                site.organisation.id,
                is_prior,
                list(prior_rules),
                self._family(site, 0, is_prior, prior_rules, prior_text, support),
                self._family(site, 1, is_prior, prior_rules, prior_text, coaching),
                list(site.warnings),
                site.place_json,
            )
        # Without trajects that use an entitlement the decision depends only on the profiles:
        # share its parts between the locations that have the same.
        key = (site.prior_profile, in_enforcement, site.place_profile)
        found = self.site_memo.get(key)
        if found is None:
            found = self.site_memo[key] = self._plain(site, in_enforcement)
        is_prior, prior_rules, prior_text, membership, support, coaching = found
        support_next = coaching_next = None
        support_used_by: list[str] = []
        coaching_used_by: list[str] = []
        if is_prior and site.using is not _NO_TRAJECTS:
            # PRIOR with trajects that use an entitlement: the frequency rule decides where
            # the location lies in the family's free scope.
            using = site.using
            support_context, coaching_context = self.families
            (support_free, support_paid), (coaching_free, coaching_paid) = membership
            support_using = using[support_context.family]
            if support_using and support_free:
                used = self._used(
                    support_context, support_using, prior_rules, prior_text, support_paid
                )
                if used is not None:
                    status, support_next, rules, explanation, support_used_by = used
                    support = (status, rules, explanation)
            coaching_using = using[coaching_context.family]
            if coaching_using and coaching_free:
                used = self._used(
                    coaching_context, coaching_using, prior_rules, prior_text, coaching_paid
                )
                if used is not None:
                    status, coaching_next, rules, explanation, coaching_used_by = used
                    coaching = (status, rules, explanation)
        return _location_result(
            location.id,
            site.organisation.id,
            is_prior,
            list(prior_rules),
            _family_decision(
                support[0], support_next, list(support[1]), support[2], support_used_by
            ),
            _family_decision(
                coaching[0], coaching_next, list(coaching[1]), coaching[2], coaching_used_by
            ),
            list(site.warnings),
            site.place_json,
        )

    def _plain(self, site: _Site, in_enforcement: bool) -> tuple:
        """Give the PRIOR status, rules and clause, the scope membership and both families'
        (status, rules, explanation) as if no traject used an entitlement."""
        is_prior, prior_rules, prior_text = self._prior(site, in_enforcement)
        membership = support, coaching = self._membership(site)
        support_context, coaching_context = self.families
        where = site.where
        return (
            is_prior,
            prior_rules,
            prior_text,
            membership,
            _plain_decision(support_context, is_prior, prior_rules, prior_text, where, *support),
            _plain_decision(coaching_context, is_prior, prior_rules, prior_text, where, *coaching),
        )

    def _family(
        self,
        site: _Site,
        index: int,
        is_prior: bool,
        prior_rules: tuple[str, ...],
        prior_text: Sentence,
        membership: tuple[bool, bool],
    ) -> FamilyDecision:
        context = self.families[index]
        free_scope, paid_scope = membership
        using = site.using[context.family]
        used = None
        if using and is_prior and free_scope:
            used = self._used(context, using, prior_rules, prior_text, paid_scope)
        used_by: list[str] = []
        if used is not None:
            status, next_free, rules, explanation, used_by = used
        else:
            next_free = None
            status, rules, explanation = _plain_decision(
                context,
                is_prior,
                prior_rules,
                prior_text,
                site.where,
                free_scope,
                paid_scope,
            )
        if not self.explain:
            return FamilyDecision(status, next_free, list(rules), explanation, used_by)
        return FamilyDecision(
            status,
            next_free,
            list(rules),
            explanation,
            used_by,
            _inputs(site, context.family, self.as_of, free_scope, paid_scope),
            _parameters(context),
        )

    def _used(
        self,
        context: _FamilyContext,
        using: tuple[tuple[date | None, Traject], ...],
        prior_rules: tuple[str, ...],
        prior_text: Sentence,
        paid_scope: bool,
    ) -> tuple[str, date, tuple[str, ...], Sentence, list[str]] | None:
        """Decide a PRIOR location in the free scope that has trajects using the entitlement:
        (status, next free date, rules, explanation, the trajects that use the entitlement on
        the as-of date), or None when none of them keeps a free traject from the as-of date
        (then the decision is the plain one: free)."""
        as_of = self.as_of
        period = context.period
        dated = [(fixed or as_of, traject) for fixed, traject in using]
        first_free = frequency(period, [day for day, _traject in dated], as_of)
        if first_free == as_of:
            return None
        now = [(day, traject) for day, traject in dated if _blocks(period, day, as_of)]
        later = [
            (day, traject)
            for day, traject in dated
            if not _blocks(period, day, as_of) and _blocks_before(period, day, as_of, first_free)
        ]
        rules = (*prior_rules, *scope_rules(True, paid_scope), FREQ_USED)
        status = PAID if paid_scope else UNAVAILABLE
        explanation = _used_decision(context, status, prior_text, now, later, first_free)
        return status, first_free, rules, explanation, [traject.id for _day, traject in now]


# --- a hypothetical location (the quick check) -----------------------------------------


def _first_free(family: str) -> str:
    """Give the first free offer of `family` in the catalogue (the quick check's last free
    traject of that family is one of these; any of them counts alike)."""
    return sorted(_catalogue().free_offers[family], key=offer_catalogue().codes().index)[0]


def decide_hypothetical(
    *,
    subsidy_step: int,
    ikt_places: int,
    postcode: str,
    as_of: date,
    enforcement: bool = False,
    places: int | None = None,
    care_type: str = "group",
    last_coaching: date | None = None,
    last_support: date | None = None,
    explain: bool = False,
) -> LocationResult:
    """Give the decision for one hypothetical location of a one-location organisation.

    `last_coaching` and `last_support` are the dates of the last free coaching and free BVV
    trajects (taken as done). Raises pydantic's ValidationError for impossible values.
    """
    location = {
        "id": "quick-check",
        "name": "quick check",
        "care_type": care_type,
        "subsidy_step": subsidy_step,
        "ikt_places": ikt_places,
        "places": places if places is not None else max(ikt_places, 1),
        "postcode": postcode,
        "enforcement": enforcement,
    }
    trajects = []
    if last_coaching is not None:
        trajects.append(
            {
                "id": "--last-coaching",
                "location": "quick-check",
                "offer": _first_free("pedagogical_coaching"),
                "status": "done",
                "start": last_coaching,
            }
        )
    if last_support is not None:
        trajects.append(
            {
                "id": "--last-support",
                "location": "quick-check",
                "offer": _first_free("regional_support"),
                "status": "done",
                "start": last_support,
            }
        )
    records = Records.model_validate(
        {
            "organisations": [
                {"id": "quick-check", "name": "quick check", "locations": [location]}
            ],
            "trajects": trajects,
        }
    )
    result = decide(records, as_of, explain=explain)[0]
    if explain and places is None:
        # Only checked against the IKT places: without --places none is invented.
        for decision in (result.regional_support, result.pedagogical_coaching):
            assert decision.inputs is not None
            decision.inputs["places"] = None
    return LocationResult(
        None,
        None,
        result.prior,
        result.prior_rules,
        result.regional_support,
        result.pedagogical_coaching,
        result.warnings,
        result.place,
    )


# --- approved trajects that cannot both be free (SPEC 5, for `mentes validate`) -----------


def conflicting_approved(records: Records, as_of: date) -> list[str]:
    """Give a warning for each two approved free trajects of one family for one location that
    cannot both be entitled as dated (the later one would have to wait for `next_free`)."""
    catalogue = _catalogue()
    approved: dict[tuple[str, str], list[Traject]] = {}
    for traject in records.trajects:
        if traject.status != "approved":
            continue
        family = catalogue.family_by_offer[traject.offer]
        if traject.offer in catalogue.free_offers[family]:
            approved.setdefault((traject.location, family), []).append(traject)
    warnings = []
    parameters = parameters_at(as_of)
    for (location_id, family), trajects in approved.items():
        if len(trajects) < 2:
            continue
        period = parameters.families[family].period
        trajects.sort(key=lambda t: (entitlement_date(t, as_of), t.id))
        for index, first in enumerate(trajects):
            first_date = entitlement_date(first, as_of)
            for second in trajects[index + 1 :]:
                second_date = entitlement_date(second, as_of)
                allowed = frequency(period, [first_date], second_date)
                if allowed == second_date:
                    continue
                warnings.append(
                    warning_conflicting(
                        location_id,
                        catalogue.free_traject[family],
                        (first.id, first_date),
                        (second.id, second_date),
                        allowed,
                        second.deadline,
                    )
                )
    return warnings
