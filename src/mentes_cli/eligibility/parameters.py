"""The parameters of the eligibility rules: rules.toml (dated) and the offer catalogue.

`parameters_at(day)` gives every threshold, period and scope in force on a day (the newest
table on or before it, cached per date); `_catalogue()` the undated part: which offer belongs
to which family and is free (offers.toml), which statuses use an entitlement (rules.toml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mentes_cli.eligibility.results import FAMILIES, RULES_FILE
from mentes_cli.eligibility.sentences import Named, named
from mentes_cli.errors import ReferenceDataError
from mentes_cli.i18n import _
from mentes_cli.models import STATUSES, Traject
from mentes_cli.offers import FILE as OFFERS_FILE
from mentes_cli.offers import catalogue as offer_catalogue
from mentes_cli.reference import load_reference, parameter_at, reference_path

# --- parameters (rules.toml) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """How often a free traject may be had: per calendar year, or once in N months."""

    name: str
    months: int | None  # None: calendar year


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
    free_traject: dict[str, Named]  # family -> "free coaching traject", in each language
    paid_offer: dict[str, Named]  # family -> "paid coaching A–D", in each language


_PERIOD = re.compile(r"calendar-year|rolling-([1-9]\d*)-months")


def _rules_error(message: str) -> ReferenceDataError:
    return ReferenceDataError(
        _("{path}: {problem}", path=reference_path(RULES_FILE), problem=message)
    )


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _rules_error(_("{where} must be a table", where=where))
    return value


def _dated_list(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise _rules_error(_("{where} must be one or more [[{where}]] tables", where=where))
    for entry in value:
        _table(entry, where)
        valid_from = entry.get("valid_from")
        if not isinstance(valid_from, date) or isinstance(valid_from, datetime):
            raise _rules_error(_("{where}: valid_from must be a date like 2022-01-01", where=where))
    return value


def _whole_list(entry: dict[str, Any], key: str, where: str) -> frozenset[int]:
    value = entry.get(key)
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise _rules_error(
            _("{where}: {key} must be a list of whole numbers", where=where, key=key)
        )
    return frozenset(value)


def _text_list(entry: dict[str, Any], key: str, where: str) -> list[str]:
    value = entry.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _rules_error(_("{where}: {key} must be a list of texts", where=where, key=key))
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
            _(
                "{path}: [families] must hold exactly {families}, got {got}",
                path=reference_path(OFFERS_FILE),
                families=", ".join(FAMILIES),
                got=", ".join(offers.families),
            )
        )
    families = _table(data.get("families"), "families")
    if set(families) != set(FAMILIES):
        raise _rules_error(
            _("[families] must hold exactly {families}", families=", ".join(FAMILIES))
        )
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
                    _(
                        "{where}: {key} is no longer read here: which offers a family has, "
                        "free or paid, is in {offers}; remove {key}",
                        where=where,
                        key=key,
                        offers=OFFERS_FILE,
                    )
                )
        _dated_list(entry.get("scopes"), f"{where}.scopes")
        _dated_list(entry.get("frequency"), f"{where}.frequency")
    statuses = _text_list(_table(data.get("entitlement"), "entitlement"), "statuses", "entitlement")
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise _rules_error(
            _(
                "entitlement: statuses {unknown} are not statuses ({statuses})",
                unknown=", ".join(unknown),
                statuses=", ".join(STATUSES),
            )
        )
    _dated_list(data.get("prior"), "prior")
    _catalogue_cache = _Catalogue(
        family_by_offer,
        free_offers,
        frozenset(statuses),
        data,
        offers.data,
        {family: named(offers.families[family].free_traject_names) for family in FAMILIES},
        {family: named(offers.families[family].paid_offers_names) for family in FAMILIES},
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
        raise _rules_error(_("prior: ikt_max_places must be a whole number, at least 0"))
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
                raise _rules_error(
                    _(
                        "{where}.scopes: {key} must be a scope id of regions.toml",
                        where=where,
                        key=key,
                    )
                )
        freq = parameter_at(spec["frequency"], as_of, f"{RULES_FILE}: [[{where}.frequency]]")
        match = _PERIOD.fullmatch(str(freq.get("period", "")))
        if match is None:
            raise _rules_error(
                _(
                    "{where}.frequency: period must be calendar-year or rolling-N-months "
                    "(e.g. rolling-12-months), got {got}",
                    where=where,
                    got=repr(freq.get("period")),
                )
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
