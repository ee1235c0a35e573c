"""Eligibility (SPEC 3): is a location PRIOR, and what can it get free, paid, or not at all.

Rules as code: one function per rule, named after it, whose docstring restates the rule and
quotes its source; every threshold, period and scope is a dated parameter of `rules.toml`
and `regions.toml` (the newest table on or before the as-of date). The engine never prints:
`decide` gives plain result objects whose explanation is data, and the renderers turn them
into a table, JSON, CSV or a workbook.

Decisions are fast: what does not depend on the as-of date (the IKT places of each
organisation, the place of each postcode, the trajects that use an entitlement, the data
warnings) is prepared once per record set, and the results are slotted dataclasses.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from mentes_cli import regions
from mentes_cli.errors import InputError, ReferenceDataError
from mentes_cli.models import STATUSES, Location, Organisation, Records, Traject
from mentes_cli.offers import FILE as OFFERS_FILE
from mentes_cli.offers import catalogue as offer_catalogue
from mentes_cli.reference import load_reference, parameter_at, reference_path

# The offer families of SPEC 3.5: a result has one decision for each (offers.toml must
# hold exactly these).
FAMILIES = ("regional_support", "pedagogical_coaching")
FREE, PAID, UNAVAILABLE = "free", "paid", "unavailable"
DECISION_STATUSES = (FREE, PAID, UNAVAILABLE)
RULES_FILE = "rules.toml"

PRIOR_OFFICIAL = "PRIOR-OFFICIAL"
PRIOR_STEP = "PRIOR-STEP"
PRIOR_IKT = "PRIOR-IKT"
PRIOR_ENFORCEMENT = "PRIOR-ENFORCEMENT"
NOT_PRIOR = "NOT-PRIOR"
SCOPE_FREE = "SCOPE-FREE"
SCOPE_PAID = "SCOPE-PAID"
SCOPE_OUT = "SCOPE-OUT"
FREQ_AVAILABLE = "FREQ-AVAILABLE"
FREQ_USED = "FREQ-USED"

# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FamilyDecision:
    """What a location can get of one offer family: free, paid or unavailable, and why."""

    status: str
    next_free: date | None
    rules: list[str]
    explanation: str
    # The trajects that use the entitlement on the as-of date (SPEC 4 `used_by`): why a PRIOR
    # location in the free scope is not free now.
    used_by: list[str] = field(default_factory=list)
    inputs: dict | None = None
    parameters: dict | None = None


@dataclass(frozen=True, slots=True)
class LocationResult:
    """The decision for one location: PRIOR or not, and one decision per offer family."""

    location: str | None
    organisation: str | None
    prior: bool
    prior_rules: list[str]
    regional_support: FamilyDecision
    pedagogical_coaching: FamilyDecision
    warnings: list[str]
    # Where the postcode lies (SPEC 4 `place`): postcode, municipality, district, province;
    # None for the places regions.toml does not know.
    place: Mapping[str, str | None] = field(default_factory=dict)


# The engine makes two FamilyDecisions and one LocationResult per location. A frozen
# dataclass's __init__ sets each field through object.__setattr__, about half the cost of
# deciding a location; these set the slots directly (twice as fast) and give the same
# objects: still frozen, equal, hashable and printed alike.
_new = object.__new__
(
    _set_status,
    _set_next_free,
    _set_rules,
    _set_explanation,
    _set_used_by,
    _set_inputs,
    _set_parameters,
) = (getattr(FamilyDecision, f.name).__set__ for f in fields(FamilyDecision))
(
    _set_location,
    _set_organisation,
    _set_prior,
    _set_prior_rules,
    _set_regional_support,
    _set_pedagogical_coaching,
    _set_warnings,
    _set_place,
) = (getattr(LocationResult, f.name).__set__ for f in fields(LocationResult))


def _family_decision(
    status: str, next_free: date | None, rules: list[str], explanation: str, used_by: list[str]
) -> FamilyDecision:
    """Give FamilyDecision(status, next_free, rules, explanation, used_by), made faster."""
    decision = _new(FamilyDecision)
    _set_status(decision, status)
    _set_next_free(decision, next_free)
    _set_rules(decision, rules)
    _set_explanation(decision, explanation)
    _set_used_by(decision, used_by)
    _set_inputs(decision, None)
    _set_parameters(decision, None)
    return decision


def _location_result(
    location: str | None,
    organisation: str | None,
    prior: bool,
    prior_rules: list[str],
    regional_support: FamilyDecision,
    pedagogical_coaching: FamilyDecision,
    warnings: list[str],
    place: Mapping[str, str | None],
) -> LocationResult:
    """Give LocationResult(...) with these fields in order, made faster."""
    result = _new(LocationResult)
    _set_location(result, location)
    _set_organisation(result, organisation)
    _set_prior(result, prior)
    _set_prior_rules(result, prior_rules)
    _set_regional_support(result, regional_support)
    _set_pedagogical_coaching(result, pedagogical_coaching)
    _set_warnings(result, warnings)
    _set_place(result, place)
    return result


@dataclass(frozen=True, slots=True)
class Entitlement:
    """Whether a location may have a free traject of a family on a day (for the planner)."""

    entitled: bool
    next_free: date | None
    reason: str


# --- parameters (rules.toml) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """How often a free traject may be had: per calendar year, or once in N months."""

    name: str
    months: int | None  # None: calendar year

    def around(self, day: date) -> str:
        """Give the period around `day` in words: "in 2026", "within 24 months of 2026-11-22"."""
        if self.months is None:
            return f"in {day.year}"
        return f"within {self.months} months before or after {day.isoformat()}"


@dataclass(frozen=True, slots=True)
class PriorParameters:
    """The PRIOR rule's parameters in force on a date (a [[prior]] table)."""

    valid_from: date
    steps: frozenset[int]
    ikt_steps: frozenset[int]
    ikt_max_places: int


@dataclass(frozen=True, slots=True)
class FamilyParameters:
    """One family's scopes and frequency in force on a date."""

    family: str
    free_scope: str
    paid_scope: str
    scopes_valid_from: date
    period: Period
    frequency_valid_from: date


@dataclass(frozen=True, slots=True)
class Parameters:
    """Every eligibility parameter in force on one date."""

    as_of: date
    prior: PriorParameters
    families: dict[str, FamilyParameters]


@dataclass(frozen=True, slots=True)
class _Catalogue:
    """The undated part of the rules: which offer belongs to which family and is free (the
    offer catalogue, offers.toml), which statuses use an entitlement (rules.toml), and how
    the explanations name a family's free traject and paid packages."""

    family_by_offer: dict[str, str]
    free_offers: dict[str, frozenset[str]]
    using_statuses: frozenset[str]
    data: dict[str, Any]
    offers_data: dict[str, Any]
    free_traject: dict[str, str]  # family -> "free coaching traject"
    paid_offer: dict[str, str]  # family -> "paid coaching A–D"


_PERIOD = re.compile(r"calendar-year|rolling-([1-9]\d*)-months")


def _rules_error(message: str) -> ReferenceDataError:
    return ReferenceDataError(f"{reference_path(RULES_FILE)}: {message}")


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _rules_error(f"{where} must be a table")
    return value


def _dated_list(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise _rules_error(f"{where} must be one or more [[{where}]] tables")
    for entry in value:
        _table(entry, where)
        valid_from = entry.get("valid_from")
        if not isinstance(valid_from, date) or isinstance(valid_from, datetime):
            raise _rules_error(f"{where}: valid_from must be a date like 2022-01-01")
    return value


def _whole_list(entry: dict[str, Any], key: str, where: str) -> frozenset[int]:
    value = entry.get(key)
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise _rules_error(f"{where}: {key} must be a list of whole numbers")
    return frozenset(value)


def _text_list(entry: dict[str, Any], key: str, where: str) -> list[str]:
    value = entry.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _rules_error(f"{where}: {key} must be a list of texts")
    return value


_catalogue_cache: _Catalogue | None = None


def _catalogue() -> _Catalogue:
    """Give the undated part of the rules, checked once per loaded rules.toml and offers.toml.

    Which offer is free or paid and its family is the offer catalogue's (offers.toml) alone;
    a rules.toml of before that may still list free_offers and paid_offers per family, but
    only as the catalogue has them: a list that differs is an error naming offers.toml.
    """
    global _catalogue_cache
    data = load_reference(RULES_FILE)
    offers = offer_catalogue()
    if (
        _catalogue_cache is not None
        and _catalogue_cache.data is data
        and _catalogue_cache.offers_data is offers.data
    ):
        return _catalogue_cache
    if set(offers.families) != set(FAMILIES):
        raise ReferenceDataError(
            f"{reference_path(OFFERS_FILE)}: [families] must hold exactly "
            f"{' and '.join(FAMILIES)}, got {', '.join(offers.families)}"
        )
    families = _table(data.get("families"), "families")
    if set(families) != set(FAMILIES):
        raise _rules_error(f"[families] must hold exactly {' and '.join(FAMILIES)}")
    family_by_offer = {code: offer.family for code, offer in offers.offers.items()}
    free_offers: dict[str, frozenset[str]] = {}
    for family in FAMILIES:
        where = f"families.{family}"
        entry = _table(families[family], where)
        free_offers[family] = frozenset(offers.of_family(family, paid=False))
        for key, paid in (("free_offers", False), ("paid_offers", True)):
            if key in entry and _text_list(entry, key, where) != list(
                offers.of_family(family, paid=paid)
            ):
                raise _rules_error(
                    f"{where}: {key} is no longer read here: which offers a family has, free "
                    f"or paid, is in {OFFERS_FILE}; remove {key}"
                )
        _dated_list(entry.get("scopes"), f"{where}.scopes")
        _dated_list(entry.get("frequency"), f"{where}.frequency")
    statuses = _text_list(_table(data.get("entitlement"), "entitlement"), "statuses", "entitlement")
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise _rules_error(
            f"entitlement: statuses {', '.join(unknown)} are not statuses ({', '.join(STATUSES)})"
        )
    _dated_list(data.get("prior"), "prior")
    _catalogue_cache = _Catalogue(
        family_by_offer,
        free_offers,
        frozenset(statuses),
        data,
        offers.data,
        {family: offers.families[family].free_traject("en") for family in FAMILIES},
        {family: offers.families[family].paid_offers("en") for family in FAMILIES},
    )
    return _catalogue_cache


_parameters_cache: dict[date, Parameters] = {}
_parameters_data: dict[str, Any] | None = None


def parameters_at(as_of: date) -> Parameters:
    """Give the eligibility parameters in force on `as_of` (cached per date)."""
    global _parameters_data
    catalogue = _catalogue()
    if _parameters_data is not catalogue.data:
        _parameters_cache.clear()
        _parameters_data = catalogue.data
    cached = _parameters_cache.get(as_of)
    if cached is not None:
        return cached
    data = catalogue.data
    entry = parameter_at(data["prior"], as_of, f"{RULES_FILE}: [[prior]]")
    ikt_max = entry.get("ikt_max_places")
    if not isinstance(ikt_max, int) or isinstance(ikt_max, bool) or ikt_max < 0:
        raise _rules_error("prior: ikt_max_places must be a whole number, at least 0")
    prior = PriorParameters(
        valid_from=entry["valid_from"],
        steps=_whole_list(entry, "steps", "prior"),
        ikt_steps=_whole_list(entry, "ikt_steps", "prior"),
        ikt_max_places=ikt_max,
    )
    families = {}
    for family in FAMILIES:
        where = f"families.{family}"
        spec = data["families"][family]
        scopes = parameter_at(spec["scopes"], as_of, f"{RULES_FILE}: [[{where}.scopes]]")
        for key in ("free", "paid"):
            if not isinstance(scopes.get(key), str):
                raise _rules_error(f"{where}.scopes: {key} must be a scope id of regions.toml")
        freq = parameter_at(spec["frequency"], as_of, f"{RULES_FILE}: [[{where}.frequency]]")
        match = _PERIOD.fullmatch(str(freq.get("period", "")))
        if match is None:
            raise _rules_error(
                f"{where}.frequency: period must be calendar-year or rolling-N-months "
                f"(e.g. rolling-12-months), got {freq.get('period')!r}"
            )
        months = int(match.group(1)) if match.group(1) else None
        families[family] = FamilyParameters(
            family=family,
            free_scope=scopes["free"],
            paid_scope=scopes["paid"],
            scopes_valid_from=scopes["valid_from"],
            period=Period(match.group(0), months),
            frequency_valid_from=freq["valid_from"],
        )
    parameters = Parameters(as_of, prior, families)
    _parameters_cache[as_of] = parameters
    return parameters


# --- the contract used by the planner and the quote command ------------------------------


def family_of_offer(offer: str) -> str:
    """Give the offer family of an offer code: regional_support or pedagogical_coaching."""
    try:
        return _catalogue().family_by_offer[offer]
    except KeyError:
        codes = ", ".join(offer_catalogue().codes())
        raise ValueError(f"{offer!r} is not an offer code ({codes})") from None


def uses_entitlement(traject: Traject) -> bool:
    """Give whether a traject uses a free entitlement (SPEC 3.3).

    A traject uses an entitlement when it is a free offer (offers.toml: bvv-basis,
    bvv-vervolg, coaching) with status approved, planned, active or done (rules.toml
    [entitlement]); requested and
    cancelled trajects do not, and paid trajects never do.
    """
    catalogue = _catalogue()
    return (
        traject.status in catalogue.using_statuses
        and traject.offer in catalogue.free_offers[catalogue.family_by_offer[traject.offer]]
    )


def entitlement_date(traject: Traject, as_of: date) -> date:
    """Give the date a traject counts on: start, else earliest, else requested_on, else as_of."""
    return traject.start or traject.earliest or traject.requested_on or as_of


def _fixed_date(traject: Traject) -> date | None:
    return traject.start or traject.earliest or traject.requested_on


# --- the rules -------------------------------------------------------------------------


def prior_official(organisation_prior: bool | None) -> bool | None:
    """Give the PRIOR status decided by Opgroeien, or None when the records hold none.

    PRIOR-OFFICIAL / NOT-PRIOR: an organisation's `prior` field, when present, wins over the
    computed status; `prior = false` makes every location of the organisation not PRIOR.
    Source: "Het agentschap Opgroeien beslist welke organisaties onder deze prioritaire
    doelgroep vallen."
    """
    return organisation_prior


def prior_step(subsidy_step: int, parameters: PriorParameters) -> bool:
    """Give whether the location is PRIOR by its subsidy step (PRIOR-STEP).

    Locations of subsidy step 0 or 1 (rules.toml prior.steps) are PRIOR, family and group
    care alike. Source: "Vandaag behoren tot de prioritaire doelgroep de organisatoren van
    opvanglocaties (zowel van gezins- als van groepsopvang) uit de volgende subsidietrappen:
    trap 0, trap 1, ..."
    """
    return subsidy_step in parameters.steps


def prior_ikt(subsidy_step: int, organisation_ikt_places: int, parameters: PriorParameters) -> bool:
    """Give whether the location is PRIOR by the IKT places of its organisation (PRIOR-IKT).

    A location of subsidy step 2 or 3 is PRIOR when the IKT places summed over all locations
    of its organisation are at most 18 (rules.toml prior.ikt_steps, prior.ikt_max_places).
    Source: "... trappen 2 en 3 met een IKT-subsidie voor maximum 18 plaatsen voor de hele
    organisaties, ook als die meerdere locaties heeft."
    """
    return (
        subsidy_step in parameters.ikt_steps
        and organisation_ikt_places <= parameters.ikt_max_places
    )


def prior_enforcement(enforcement: bool, enforcement_since: date | None, as_of: date) -> bool:
    """Give whether the location is PRIOR because it is in enforcement (PRIOR-ENFORCEMENT).

    A location is in enforcement on the as-of date when `enforcement` is true and
    `enforcement_since` is absent or on or before that date; then it is PRIOR whatever its
    subsidy step and IKT places. Source: "Wanneer opvanglocaties in handhaving geplaatst
    zijn, vallen ze tijdelijk onder de PRIOR-groep, ongeacht hun subsidietrap en aantal
    IKT-plaatsen."
    """
    return enforcement and (enforcement_since is None or enforcement_since <= as_of)


def prior(
    organisation_prior: bool | None,
    subsidy_step: int,
    organisation_ikt_places: int,
    enforcement: bool,
    enforcement_since: date | None,
    as_of: date,
    parameters: PriorParameters,
) -> tuple[bool, list[str]]:
    """Give whether a location is PRIOR on `as_of`, and every PRIOR rule that holds.

    The official status (PRIOR-OFFICIAL, or NOT-PRIOR when false) wins; with PRIOR-OFFICIAL
    the computed rules that hold as well are listed after it. Without an official status the
    location is PRIOR when PRIOR-STEP, PRIOR-IKT or PRIOR-ENFORCEMENT holds (listed in that
    order), and NOT-PRIOR otherwise.
    """
    official = prior_official(organisation_prior)
    if official is False:
        return False, [NOT_PRIOR]
    rules = [PRIOR_OFFICIAL] if official else []
    if prior_step(subsidy_step, parameters):
        rules.append(PRIOR_STEP)
    if prior_ikt(subsidy_step, organisation_ikt_places, parameters):
        rules.append(PRIOR_IKT)
    if prior_enforcement(enforcement, enforcement_since, as_of):
        rules.append(PRIOR_ENFORCEMENT)
    if not rules:
        return False, [NOT_PRIOR]
    return True, rules


def in_free_scope(place: regions.Place | None, family: FamilyParameters, as_of: date) -> bool:
    """Give whether a place lies where the family is free for PRIOR locations (SCOPE-FREE).

    Free regional support in regio-antwerpen (source: the table "Regio: Regio Antwerpen"),
    free pedagogical coaching in provincie-antwerpen (source: "Elke PRIOR-opvanglocatie uit
    de provincie Antwerpen kan gratis een traject pedagogische coaching aanvragen."). The
    place comes from the postcode table of regions.toml, the province as it is today.
    """
    return place is not None and regions.in_scope(place, family.free_scope, as_of)


def in_paid_scope(place: regions.Place | None, family: FamilyParameters, as_of: date) -> bool:
    """Give whether a place lies where the family's paid offer is given (SCOPE-PAID).

    Paid regional support in groot-antwerpen (source: "Kinderopvangvoorzieningen uit Groot
    Antwerpen die geen recht hebben op de gratis ondersteuning van Mentes kunnen bij het
    onderzoekscentrum terecht voor werkplekleren ... tegen betaling."), paid coaching A-D in
    antwerpen-districten (source: "enkel in de tien districten van Antwerpen"). PRIOR
    locations may buy a paid traject too ("Kan een organisator ook een betalend traject
    aanvragen? Ja").
    """
    return place is not None and regions.in_scope(place, family.paid_scope, as_of)


def add_months(day: date, months: int) -> date:
    """Give `day` plus a number of months; a day past the month's end becomes its last day."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    if day.day <= 28:  # every month has it; the month's length is only needed past the 28th
        return date(year, month, day.day)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def frequency(period: Period, used_dates: Sequence[date], day: date) -> date:
    """Give the first day on or after `day` on which the frequency rule allows a free traject.

    FREQ-AVAILABLE when that is `day` itself, FREQ-USED otherwise. `used_dates` are the
    dates of the trajects that use the entitlement (see `uses_entitlement`).
    - calendar-year (free regional support; source: "Een opvanglocatie heeft jaarlijks recht
      op een traject."; Assumption: per calendar year): free on d when no traject is dated
      in d's calendar year; else the next 1 January of a year without one.
    - rolling-N-months (free coaching, N = 24; source: "Een locatie kan één keer om de twee
      jaar een gratis traject volgen."): free on d when every traject is dated at least N
      months before d or at least N months after it (29 February + 24 months = 28 February).
    """
    if not used_dates:
        return day
    if period.months is None:
        years = {used.year for used in used_dates}
        if day.year not in years:
            return day
        year = day.year + 1
        while year in years:
            year += 1
        return date(year, 1, 1)
    months = period.months
    candidate = day
    while True:
        later = candidate
        reach = add_months(candidate, months)
        for used in used_dates:
            if used < reach:
                end = add_months(used, months)
                if end > later:
                    later = end
        if later == candidate:
            return candidate
        candidate = later


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
    warnings: list[str]
    where: str  # "Antwerpen (Berchem)"
    ikt_text: str  # "12 + 6 = 18"
    # A number shared by the sites whose PRIOR rules and explanation read the same values
    # (all but the as-of date), and one shared by the sites with the same place.
    prior_profile: int
    place_profile: int
    place_json: Mapping[str, str | None]  # SPEC 4 `place`, shared by the sites of one postcode


@dataclass(slots=True)
class _Prepared:
    records: Records
    rules_data: dict[str, Any]
    regions_data: dict[str, Any]
    sites: dict[str, _Site]
    # Kept between calls, keyed by the parameter objects they depend on:
    # scope definitions -> place profile -> per family (in the free scope, in the paid scope)
    memberships: dict[tuple, dict[int, tuple[tuple[bool, bool], ...]]] = field(default_factory=dict)
    # PRIOR parameters -> (prior profile, in enforcement) -> (PRIOR, PRIOR rules, PRIOR clause)
    priors: dict[PriorParameters, dict[tuple[int, bool], tuple[bool, tuple[str, ...], str]]] = (
        field(default_factory=dict)
    )


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
        and cached.rules_data is catalogue.data
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
        total = sum(ikt for _, ikt in by_location)
        ikt_text = ikt_sum([ikt for _, ikt in by_location], total)
        for location in organisation.locations:
            postcode = location.postcode
            known = places.get(postcode)
            if known is None:
                place = regions.place_for_postcode(postcode)
                known = places[postcode] = (
                    len(places),
                    place,
                    _where(location, place),
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
            profile = (
                organisation.prior,
                location.subsidy_step,
                ikt_text,
                location.enforcement,
                location.enforcement_since,
            )
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
                prior_profiles.setdefault(profile, len(prior_profiles)),
                place_profile,
                place_data,
            )
    _prepared_cache = _Prepared(records, catalogue.data, regions_data, sites)
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
    warnings = []
    step, ikt = location.subsidy_step, location.ikt_places
    if step in ikt_steps and ikt == 0:
        warnings.append(f"subsidy step {step} with 0 IKT places; check subsidy_step and ikt_places")
    if step in steps and ikt > 0:
        warnings.append(
            f"subsidy step {step} with {ikt} IKT places; check subsidy_step and ikt_places"
        )
    if ikt > location.places:
        warnings.append(
            f"{ikt} IKT places but only {location.places} places; check ikt_places and places"
        )
    if place is None:
        warnings.append(
            f"postcode {location.postcode} is not in regions.toml; the location lies outside "
            "every scope"
        )
        return warnings
    if location.municipality and regions.municipality_contradicts(place, location.municipality):
        warnings.append(
            f"municipality {location.municipality!r} does not match postcode "
            f"{location.postcode} ({place.municipality})"
        )
    if location.district and regions.district_contradicts(place, location.district):
        where = f"district {place.district}" if place.district else "not a district of Antwerpen"
        warnings.append(
            f"district {location.district!r} does not match postcode {location.postcode} ({where})"
        )
    return warnings


def location_warnings(records: Records) -> dict[str, list[str]]:
    """Give the data warnings of every location that has any, by location id, in file order."""
    prepared = _prepare(records)
    return {loc_id: site.warnings for loc_id, site in prepared.sites.items() if site.warnings}


def _site(prepared: _Prepared, location_id: str) -> _Site:
    site = prepared.sites.get(location_id)
    if site is None:
        hint = _did_you_mean(location_id, prepared.sites)
        raise InputError(f"no location {location_id!r} in the records{hint}")
    return site


def _did_you_mean(wanted: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""


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
    is_prior, prior_rules = prior(
        site.organisation.prior,
        location.subsidy_step,
        site.ikt_total,
        location.enforcement,
        location.enforcement_since,
        day,
        parameters.prior,
    )
    when = day.isoformat()
    if not is_prior:
        text = _prior_clause(site, parameters.prior, False, prior_rules)
        return Entitlement(False, None, f"{location.id} is {text} on {when}.")
    family_parameters = parameters.families[family]
    if not in_free_scope(site.place, family_parameters, day):
        scope = regions.scope_at(family_parameters.free_scope, day)
        return Entitlement(
            False,
            None,
            f"{location.id} lies in {site.where}, outside {scope.name}, where the "
            f"{free_traject} is given.",
        )
    period = family_parameters.period
    used = sorted(used_dates)
    next_free = frequency(period, used, day)
    if next_free == day:
        return Entitlement(
            True,
            day,
            f"{location.id} is PRIOR and in {site.where}, and no {free_traject} "
            f"counts {period.around(day)}.",
        )
    blocking = ", ".join(d.isoformat() for d in used if _blocks(period, d, day))
    return Entitlement(
        False,
        next_free,
        f"{location.id} has a {free_traject} dated {blocking}, "
        f"{period.around(day)}; free again from {next_free.isoformat()}.",
    )


def _blocks(period: Period, used: date, day: date) -> bool:
    """Give whether a traject dated `used` keeps a free traject from `day`."""
    if period.months is None:
        return used.year == day.year
    return add_months(used, period.months) > day and add_months(day, period.months) > used


def _blocks_before(period: Period, used: date, day: date, first_free: date) -> bool:
    """Give whether a traject dated `used` keeps a free traject from some day on or after
    `day` and before `first_free` (the first day the frequency rule allows one)."""
    if period.months is None:
        return day.year <= used.year < first_free.year
    last = first_free - timedelta(days=1)
    return add_months(used, period.months) > day and add_months(last, period.months) > used


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
            location = site.location
            is_prior, rules = prior(
                site.organisation.prior,
                location.subsidy_step,
                site.ikt_total,
                location.enforcement,
                location.enforcement_since,
                self.as_of,
                parameters,
            )
            text = _prior_clause(site, parameters, is_prior, rules)
            found = self.priors[key] = (is_prior, tuple(rules), text)
        return found

    def decide(self, site: _Site) -> LocationResult:
        location = site.location
        since = location.enforcement_since
        in_enforcement = location.enforcement and (since is None or since <= self.as_of)
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
        prior_text: str,
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
        prior_text: str,
        paid_scope: bool,
    ) -> tuple[str, date, tuple[str, ...], str, list[str]] | None:
        """Decide a PRIOR location in the free scope that has trajects using the entitlement:
        (status, next free date, rules, explanation, the trajects that use the entitlement on
        the as-of date), or None when none of them keeps a free traject from the as-of date
        (then the decision is the plain one: free)."""
        as_of = self.as_of
        period = context.period
        dated = [(fixed or as_of, traject) for fixed, traject in using]
        first_free = frequency(period, [day for day, _ in dated], as_of)
        if first_free == as_of:
            return None
        now = [(day, traject) for day, traject in dated if _blocks(period, day, as_of)]
        later = [
            (day, traject)
            for day, traject in dated
            if not _blocks(period, day, as_of) and _blocks_before(period, day, as_of, first_free)
        ]
        blocking = f"{context.free_traject} {_traject_list(now)} "
        blocking += f"count {context.around}" if len(now) > 1 else f"counts {context.around}"
        if later:
            # Each later traject keeps the next free one further away (SPEC 3.3).
            blocking += ", and " + ", ".join(
                f"{traject.id} ({day.isoformat()}) "
                + (f"in {day.year}" if period.months is None else "after that")
                for day, traject in later
            )
        rules = (*prior_rules, *scope_rules(True, paid_scope), FREQ_USED)
        if paid_scope:
            status = PAID
            tail = f"{context.paid_offer} is offered in {context.paid.name}"
        else:
            status = UNAVAILABLE
            tail = f"{context.paid_offer} is only offered in {context.paid.name}"
        explanation = (
            f"{status.capitalize()}: {prior_text} and in {context.free.name}, but "
            f"{blocking}, so it is free again from {first_free.isoformat()}; {tail}."
        )
        return status, first_free, rules, explanation, [traject.id for _, traject in now]


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


def scope_rules(free_scope: bool, paid_scope: bool) -> tuple[str, ...]:
    """Give the scope rules of SPEC 3.5: every scope the location lies in for the family,
    SCOPE-FREE and SCOPE-PAID in that order, or SCOPE-OUT when it lies in neither."""
    if free_scope and paid_scope:
        return (SCOPE_FREE, SCOPE_PAID)
    if free_scope:
        return (SCOPE_FREE,)
    if paid_scope:
        return (SCOPE_PAID,)
    return (SCOPE_OUT,)


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


def _where(location: Location, place: regions.Place | None) -> str:
    """Give where a location lies, in words: "Antwerpen (Berchem)", "Gent"."""
    if place is None:
        return f"postcode {location.postcode} (not in regions.toml)"
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
    site: _Site,
    parameters: PriorParameters,
    is_prior: bool,
    prior_rules: list[str],
) -> str:
    """Give the PRIOR part of an explanation: "PRIOR by subsidy step 1", "not PRIOR (...)"."""
    location = site.location
    step = location.subsidy_step
    if site.organisation.prior is False:
        return "not PRIOR by decision of Opgroeien (the organisation's prior = false)"
    reasons = []
    if PRIOR_OFFICIAL in prior_rules:
        reasons.append("by decision of Opgroeien")
    if PRIOR_STEP in prior_rules:
        reasons.append(f"by subsidy step {step}")
    if PRIOR_IKT in prior_rules:
        reasons.append(
            f"by IKT places (subsidy step {step}, IKT places of the organisation "
            f"{site.ikt_text} ≤ {parameters.ikt_max_places})"
        )
    if PRIOR_ENFORCEMENT in prior_rules:
        since = location.enforcement_since
        reasons.append(f"by enforcement since {since.isoformat()}" if since else "by enforcement")
    if is_prior:
        return "PRIOR " + " and ".join(reasons)
    if step in parameters.ikt_steps:
        why = (
            f"subsidy step {step} with IKT places of the organisation {site.ikt_text} > "
            f"{parameters.ikt_max_places}"
        )
    else:
        why = f"subsidy step {step} is not a PRIOR step"
    if location.enforcement and location.enforcement_since:
        why += f"; enforcement only from {location.enforcement_since.isoformat()}"
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
                late = ""
                if second.deadline and allowed > second.deadline:
                    late = f", after its deadline {second.deadline.isoformat()}"
                warnings.append(
                    f"location {location_id}: approved {catalogue.free_traject[family]}s "
                    f"{first.id} "
                    f"({first_date.isoformat()}) and {second.id} ({second_date.isoformat()}) "
                    f"cannot both be free as dated; {second.id} would be free from "
                    f"{allowed.isoformat()} at the earliest{late}"
                )
    return warnings


# --- JSON --------------------------------------------------------------------------------


def _decision_to_json(decision: FamilyDecision, explain: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": decision.status,
        "next_free": decision.next_free.isoformat() if decision.next_free else None,
        "rules": list(decision.rules),
        "explanation": decision.explanation,
        "used_by": list(decision.used_by),
    }
    if explain:
        out["inputs"] = decision.inputs
        out["parameters"] = decision.parameters
    return out


def result_to_json(result: LocationResult, explain: bool) -> dict:
    """Give one location's result as the JSON object of SPEC 4, keys in a fixed order."""
    return {
        "location": result.location,
        "organisation": result.organisation,
        "place": dict(result.place),
        "prior": result.prior,
        "prior_rules": list(result.prior_rules),
        "regional_support": _decision_to_json(result.regional_support, explain),
        "pedagogical_coaching": _decision_to_json(result.pedagogical_coaching, explain),
        "warnings": list(result.warnings),
    }


def results_to_json(as_of: date, results: Sequence[LocationResult], explain: bool) -> dict:
    """Give the whole check-eligibility JSON document: {"as_of": ..., "results": [...]}."""
    return {
        "as_of": as_of.isoformat(),
        "results": [result_to_json(result, explain) for result in results],
    }
