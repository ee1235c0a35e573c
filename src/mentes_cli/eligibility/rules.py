"""The rules of SPEC 3, one function each: its docstring restates the rule and quotes the
Dutch sentence of the centre's page it comes from; its parameters come from rules.toml.

The functions take plain values (a subsidy step, the IKT places of an organisation, a place,
dates) and the parameters in force, and give a yes/no, a date or rule names: the engine
(`engine.py`) combines them and the explanation (`explanation.py`) says them.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from mentes_cli import regions
from mentes_cli.eligibility.parameters import FamilyParameters, Period, PriorParameters
from mentes_cli.eligibility.results import (
    NOT_PRIOR,
    PRIOR_ENFORCEMENT,
    PRIOR_IKT,
    PRIOR_OFFICIAL,
    PRIOR_STEP,
    SCOPE_FREE,
    SCOPE_OUT,
    SCOPE_PAID,
)

# --- the rules -------------------------------------------------------------------------

if TYPE_CHECKING:
    from mentes_cli.models import Location


class PriorInputs(NamedTuple):
    """Every record value the PRIOR rules read (`prior`): nothing else of a location or its
    organisation can change whether it is PRIOR, so the engine shares one PRIOR decision
    between the locations whose inputs are equal (with the same as-of date and parameters).
    """

    organisation_prior: bool | None
    subsidy_step: int
    organisation_ikt_places: int
    enforcement: bool
    enforcement_since: date | None

    def in_enforcement(self, as_of: date) -> bool:
        """Give whether the location is in enforcement on `as_of` (PRIOR-ENFORCEMENT)."""
        return prior_enforcement(self.enforcement, self.enforcement_since, as_of)


def prior_inputs(
    organisation_prior: bool | None, location: Location, organisation_ikt_places: int
) -> PriorInputs:
    """Give the PRIOR rules' inputs of `location` (a Location) of an organisation."""
    return PriorInputs(
        organisation_prior,
        location.subsidy_step,
        organisation_ikt_places,
        location.enforcement,
        location.enforcement_since,
    )


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
