"""Eligibility (SPEC 3): is a location PRIOR, and what can it get free, paid, or not at all.

Rules as code, in parts:

- `rules.py`: one function per rule, named after it, whose docstring restates the rule and
  quotes its Dutch source sentence;
- `parameters.py`: every threshold, period and scope, a dated parameter of `rules.toml` and
  `regions.toml` (the newest table on or before the as-of date), and which offers are free
  per family (the offer catalogue, offers.toml);
- `engine.py`: `decide` and the planner's `free_entitlement`, with what is prepared once per
  record set and shared between locations that give the rules the same inputs;
- `explanation.py`: the sentences and the explanation data of a decision;
- `results.py`: the result objects. The renderers (`render_eligibility.py`: table, JSON,
  CSV; `export/eligibility_xlsx.py`) turn them into text; the engine never prints.

This package names every public name of its parts, so `from mentes_cli.eligibility import
decide` keeps working.
"""

from __future__ import annotations

from mentes_cli.eligibility.engine import (
    conflicting_approved,
    decide,
    decide_hypothetical,
    decide_location,
    free_entitlement,
    location_warnings,
    place_json,
)
from mentes_cli.eligibility.explanation import IKT_PARTS_SHOWN, ikt_sum
from mentes_cli.eligibility.parameters import (
    FamilyParameters,
    Parameters,
    Period,
    PriorParameters,
    entitlement_date,
    family_of_offer,
    parameters_at,
    uses_entitlement,
)
from mentes_cli.eligibility.results import (
    DECISION_STATUSES,
    FAMILIES,
    FREE,
    FREQ_AVAILABLE,
    FREQ_USED,
    NOT_PRIOR,
    PAID,
    PRIOR_ENFORCEMENT,
    PRIOR_IKT,
    PRIOR_OFFICIAL,
    PRIOR_STEP,
    RULES_FILE,
    SCOPE_FREE,
    SCOPE_OUT,
    SCOPE_PAID,
    UNAVAILABLE,
    Entitlement,
    FamilyDecision,
    LocationResult,
)
from mentes_cli.eligibility.rules import (
    add_months,
    frequency,
    in_free_scope,
    in_paid_scope,
    prior,
    prior_enforcement,
    prior_ikt,
    prior_official,
    prior_step,
    scope_rules,
)

__all__ = [
    "DECISION_STATUSES",
    "FAMILIES",
    "FREE",
    "FREQ_AVAILABLE",
    "FREQ_USED",
    "IKT_PARTS_SHOWN",
    "NOT_PRIOR",
    "PAID",
    "PRIOR_ENFORCEMENT",
    "PRIOR_IKT",
    "PRIOR_OFFICIAL",
    "PRIOR_STEP",
    "RULES_FILE",
    "SCOPE_FREE",
    "SCOPE_OUT",
    "SCOPE_PAID",
    "UNAVAILABLE",
    "Entitlement",
    "FamilyDecision",
    "FamilyParameters",
    "LocationResult",
    "Parameters",
    "Period",
    "PriorParameters",
    "add_months",
    "conflicting_approved",
    "decide",
    "decide_hypothetical",
    "decide_location",
    "entitlement_date",
    "family_of_offer",
    "free_entitlement",
    "frequency",
    "ikt_sum",
    "in_free_scope",
    "in_paid_scope",
    "location_warnings",
    "parameters_at",
    "place_json",
    "prior",
    "prior_enforcement",
    "prior_ikt",
    "prior_official",
    "prior_step",
    "scope_rules",
    "uses_entitlement",
]
