"""The eligibility rule cases of tests/cases/eligibility_cases.toml, one test per case."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from mentes_cli.eligibility import decide
from mentes_cli.models import Records
from mentes_cli.render_eligibility import result_to_json

CASES_FILE = Path(__file__).parent / "cases" / "eligibility_cases.toml"
CASES: list[dict[str, Any]] = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]
FAMILY_KEYS = {"support": "regional_support", "coaching": "pedagogical_coaching"}
EXPECT_KEYS = {"prior", "prior_rules", "warnings"} | {
    f"{short}{part}" for short in FAMILY_KEYS for part in ("", "_rules", "_next_free")
}
LOCATION_DEFAULTS = {"care_type": "group", "ikt_places": 0, "places": 40, "postcode": "2600"}


def _location(spec: dict[str, Any]) -> dict[str, Any]:
    return {"name": spec["id"], **LOCATION_DEFAULTS, **spec}


def records_of(case: dict[str, Any]) -> Records:
    """Give the records a case describes, with the defaults of the cases file filled in."""
    if "organisations" in case:
        organisations = [
            {
                "name": org["id"],
                **org,
                "locations": [_location(loc) for loc in org["locations"]],
            }
            for org in case["organisations"]
        ]
    else:
        organisation = {
            "id": "ORG-1",
            "name": "ORG-1",
            "locations": [_location(loc) for loc in case["locations"]],
        }
        if "prior" in case:
            organisation["prior"] = case["prior"]
        organisations = [organisation]
    first = organisations[0]["locations"][0]["id"]
    trajects = [
        {"id": f"T-{number}", "location": first, **traject}
        for number, traject in enumerate(case.get("trajects", []), start=1)
    ]
    return Records.model_validate({"organisations": organisations, "trajects": trajects})


def test_there_are_at_least_forty_cases_with_unique_names():
    names = [case["name"] for case in CASES]
    assert len(names) >= 40
    assert len(set(names)) == len(names)
    for case in CASES:
        assert case["source"], case["name"]
        for location_id, expected in case["expect"].items():
            assert set(expected) <= EXPECT_KEYS, (case["name"], location_id)
            assert {"prior", "prior_rules", "support_rules", "coaching_rules"} <= set(expected)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case(case: dict[str, Any]):
    records = records_of(case)
    expected_ids = list(case["expect"])
    results = decide(records, case["as_of"], location_ids=expected_ids)
    for location_id, result in zip(expected_ids, results, strict=True):
        expected = case["expect"][location_id]
        got = result_to_json(result, explain=False)
        assert got["location"] == location_id
        assert (got["prior"], got["prior_rules"]) == (expected["prior"], expected["prior_rules"])
        for short, family in FAMILY_KEYS.items():
            next_free = expected.get(f"{short}_next_free")
            assert (
                got[family]["status"],
                got[family]["rules"],
                got[family]["next_free"],
            ) == (
                expected[short],
                expected[f"{short}_rules"],
                next_free.isoformat() if next_free else None,
            ), f"{location_id} {family}: {got[family]['explanation']}"
        assert got["warnings"] == expected.get("warnings", [])
