"""The eligibility engine's results and the names of its rules and statuses (SPEC 3, 4).

Plain data: `decide` gives a `LocationResult` per location with one `FamilyDecision` per offer
family; the planner's question gives an `Entitlement`. Nothing here decides or renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date

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
