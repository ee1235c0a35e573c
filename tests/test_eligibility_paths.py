"""The eligibility engine's three paths agree: the fast path (shared decisions per key), the
explain path and a plain decision of one location alone (issue 16).

The fast path shares a decision between the locations that give the rules the same inputs
(`PriorInputs` and the postcode). That is only right when no other field of a location can
change a decision: `test_every_location_field_is_in_a_key_or_changes_no_decision` goes over
every field of `Location` (a new field fails it until it is classified here).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from mentes_cli.eligibility import decide
from mentes_cli.eligibility.rules import PriorInputs
from mentes_cli.models import Location, Records

AS_OF = date(2027, 1, 4)
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

BASE = {
    "id": "L1",
    "name": "Base",
    "care_type": "group",
    "subsidy_step": 1,
    "ikt_places": 0,
    "places": 30,
    "postcode": "2600",
    "opening_days": ["mon", "tue", "wed", "thu", "fri"],
}
# A changed value for every field of Location. KEYED: the fields the shared keys are made
# of (the PRIOR inputs, the organisation's IKT sum and the postcode); every other field must
# leave the decision as it is.
VARIANTS = {
    "id": "L2",
    "name": "Other name",
    "care_type": "family",
    "subsidy_step": 3,
    "ikt_places": 25,
    "places": 40,
    "postcode": "9000",
    "municipality": "Antwerpen",
    "district": "Berchem",
    "enforcement": True,
    "enforcement_since": date(2026, 6, 1),
    "opening_days": ["mon"],
    "opening_hours": "07:00-18:00",
    "street": "Kerkstraat 1",
    "phone": "03 123 45 67",
    "email": "info@example.org",
    "contact": "Someone",
    "closures": [{"start": date(2027, 1, 4), "end": date(2027, 1, 8)}],
}
KEYED = {"subsidy_step", "ikt_places", "postcode", "enforcement", "enforcement_since"}


def _decision(result) -> tuple:
    """Give everything a result decides (not the location's id, warnings or explanation data)."""
    families = tuple(
        (f.status, f.next_free, tuple(f.rules), f.explanation, tuple(f.used_by))
        for f in (result.regional_support, result.pedagogical_coaching)
    )
    return (result.prior, tuple(result.prior_rules), families, dict(result.place))


def _records(*locations: dict) -> Records:
    trajects = [
        {
            "id": f"T-{location['id']}",
            "location": location["id"],
            "offer": "coaching",
            "status": "done",
            "start": date(2026, 3, 2),
        }
        for location in locations
    ]
    return Records.model_validate(
        {
            "organisations": [{"id": "O1", "name": "Org", "locations": list(locations)}],
            "trajects": trajects,
        }
    )


def _alone(records: Records, location_id: str, as_of: date = AS_OF):
    """Give the decision of one location on its own: a fresh copy of the records (nothing
    prepared or shared with another call) with only that location decided."""
    copy = records.model_copy(deep=True)
    return decide(copy, as_of, location_ids=[location_id])[0]


def _without_data(result) -> tuple:
    return (*_decision(result), result.location, result.organisation, tuple(result.warnings))


def test_the_variants_cover_every_field_of_a_location():
    assert set(VARIANTS) == set(Location.model_fields)
    # The PRIOR inputs are the location fields the PRIOR rules read, with the organisation's.
    assert {"subsidy_step", "enforcement", "enforcement_since"} <= set(PriorInputs._fields)
    assert set(Location.model_fields) >= KEYED


@pytest.mark.parametrize("field", sorted(Location.model_fields))
def test_every_location_field_is_in_a_key_or_changes_no_decision(field):
    base = dict(BASE)
    other = {**BASE, "id": "L2", field: VARIANTS[field]}
    if field == "enforcement_since":
        other["enforcement"] = True
    records = _records(base, other)
    fast = {result.location: result for result in decide(records, AS_OF)}
    # The fast path, where L2 comes after L1 and may share L1's decision, gives what L2
    # gets on its own.
    assert _without_data(fast["L2"]) == _without_data(_alone(records, "L2"))
    assert _without_data(fast["L1"]) == _without_data(_alone(records, "L1"))
    if field not in KEYED:
        # Not in a key: the change must not change any decision.
        alone = _records(base, {**BASE, "id": "L2"})
        assert _decision(fast["L2"]) == _decision(decide(alone, AS_OF)[1])
    else:
        # In a key: this change does change the decision (so the key must hold it).
        assert _decision(fast["L2"]) != _decision(fast["L1"])


def _network(seed: int, organisations: int) -> Records:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generate_network import generate
    finally:
        sys.path.remove(str(BENCHMARKS))
    documents = generate(organisations, seed)
    return Records.model_validate({name: doc[name] for name, doc in documents.items()})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_explain_and_alone_agree_on_generated_networks(seed):
    records = _network(seed, 60)
    for as_of in (AS_OF, date(2026, 11, 15), date(2028, 3, 1)):
        fast = decide(records, as_of)
        explained = decide(records, as_of, explain=True)
        assert [_without_data(r) for r in fast] == [_without_data(r) for r in explained]
        assert all(r.regional_support.inputs is not None for r in explained)
        for result in fast[::3]:
            assert _without_data(_alone(records, result.location, as_of)) == _without_data(result)
