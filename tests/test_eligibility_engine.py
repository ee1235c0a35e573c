"""The eligibility engine's contract: the rule functions, the planner's entitlement, JSON."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from mentes_cli import eligibility
from mentes_cli.eligibility import (
    FAMILIES,
    Entitlement,
    FamilyDecision,
    LocationResult,
    Period,
    add_months,
    conflicting_approved,
    decide,
    decide_hypothetical,
    decide_location,
    entitlement_date,
    family_of_offer,
    free_entitlement,
    frequency,
    parameters_at,
    prior,
    prior_enforcement,
    prior_ikt,
    prior_official,
    prior_step,
    uses_entitlement,
)
from mentes_cli.errors import InputError, ReferenceDataError
from mentes_cli.models import Records, Traject
from mentes_cli.reference import bundled_data_dir, set_override_dir
from mentes_cli.render_eligibility import result_to_json

AS_OF = date(2026, 11, 22)
CALENDAR_YEAR = Period("calendar-year", None)
TWO_YEARS = Period("rolling-24-months", 24)


def records(*locations: dict, trajects: list[dict] = (), prior_status: bool | None = None):
    """Give one organisation ORG-1 with these locations (defaults: Berchem, group, 40 places)."""
    organisation = {
        "id": "ORG-1",
        "name": "Vzw Test",
        "locations": [
            {
                "name": loc["id"],
                "care_type": "group",
                "ikt_places": 0,
                "places": 40,
                "postcode": "2600",
                **loc,
            }
            for loc in locations
        ],
    }
    if prior_status is not None:
        organisation["prior"] = prior_status
    return Records.model_validate(
        {
            "organisations": [organisation],
            "trajects": [
                {"id": f"T-{n}", "location": locations[0]["id"], **t}
                for n, t in enumerate(trajects, start=1)
            ],
        }
    )


def traject(**fields) -> Traject:
    return Traject.model_validate({"id": "T-1", "location": "L1", **fields})


# --- offers and entitlement ---------------------------------------------------------


@pytest.mark.parametrize(
    ("offer", "family"),
    [
        ("bvv-basis", "regional_support"),
        ("bvv-vervolg", "regional_support"),
        ("basis", "regional_support"),
        ("vervolg", "regional_support"),
        ("coaching", "pedagogical_coaching"),
        ("A", "pedagogical_coaching"),
        ("B", "pedagogical_coaching"),
        ("C", "pedagogical_coaching"),
        ("D", "pedagogical_coaching"),
    ],
)
def test_family_of_offer(offer, family):
    assert family_of_offer(offer) == family


def test_family_of_an_unknown_offer_is_a_value_error():
    with pytest.raises(ValueError, match="'E' is not an offer code"):
        family_of_offer("E")


@pytest.mark.parametrize(
    ("offer", "status", "uses"),
    [
        ("coaching", "requested", False),
        ("coaching", "approved", True),
        ("coaching", "planned", True),
        ("coaching", "active", True),
        ("coaching", "done", True),
        ("coaching", "cancelled", False),
        ("bvv-basis", "done", True),
        ("bvv-vervolg", "approved", True),
        ("bvv-basis", "requested", False),
        ("A", "done", False),
        ("D", "active", False),
        ("basis", "done", False),
        ("vervolg", "approved", False),
    ],
)
def test_uses_entitlement(offer, status, uses):
    assert uses_entitlement(traject(offer=offer, status=status, start=date(2025, 3, 10))) is uses


def test_entitlement_date_falls_back_from_start_to_the_as_of_date():
    full = traject(
        offer="coaching",
        status="done",
        start=date(2025, 3, 10),
        earliest=date(2025, 1, 1),
        requested_on=date(2024, 12, 1),
    )
    assert entitlement_date(full, AS_OF) == date(2025, 3, 10)
    no_start = traject(
        offer="coaching",
        status="approved",
        earliest=date(2027, 1, 11),
        requested_on=date(2026, 10, 1),
    )
    assert entitlement_date(no_start, AS_OF) == date(2027, 1, 11)
    requested = traject(offer="coaching", status="approved", requested_on=date(2026, 10, 1))
    assert entitlement_date(requested, AS_OF) == date(2026, 10, 1)
    assert entitlement_date(traject(offer="coaching", status="approved"), AS_OF) == AS_OF


# --- the rule functions ------------------------------------------------------------------


def test_prior_rule_functions():
    parameters = parameters_at(AS_OF).prior
    assert prior_official(None) is None and prior_official(True) is True
    assert [prior_step(step, parameters) for step in range(4)] == [True, True, False, False]
    assert [prior_ikt(step, 18, parameters) for step in range(4)] == [False, False, True, True]
    assert prior_ikt(2, 19, parameters) is False
    assert prior_enforcement(True, None, AS_OF) is True
    assert prior_enforcement(True, AS_OF, AS_OF) is True
    assert prior_enforcement(True, AS_OF + timedelta(days=1), AS_OF) is False
    assert prior_enforcement(False, None, AS_OF) is False
    assert prior(None, 0, 30, True, None, AS_OF, parameters) == (
        True,
        ["PRIOR-STEP", "PRIOR-ENFORCEMENT"],
    )
    assert prior(False, 0, 0, True, None, AS_OF, parameters) == (False, ["NOT-PRIOR"])
    assert prior(True, 3, 40, False, None, AS_OF, parameters) == (True, ["PRIOR-OFFICIAL"])
    assert prior(None, 3, 19, False, None, AS_OF, parameters) == (False, ["NOT-PRIOR"])


def test_rule_functions_quote_their_source():
    for rule, words in [
        (eligibility.prior_official, "Het agentschap Opgroeien beslist"),
        (eligibility.prior_step, "trap 0, trap 1"),
        (eligibility.prior_ikt, "maximum 18 plaatsen voor de hele"),
        (eligibility.prior_enforcement, "in handhaving geplaatst"),
        (eligibility.in_free_scope, "Elke PRIOR-opvanglocatie uit de provincie Antwerpen"),
        (eligibility.in_paid_scope, "Kinderopvangvoorzieningen uit Groot Antwerpen"),
        (eligibility.frequency, "Een locatie kan één keer om de twee jaar een gratis traject"),
        (eligibility.frequency, "Een opvanglocatie heeft jaarlijks recht op een traject."),
    ]:
        assert words in " ".join((rule.__doc__ or "").split()), rule.__name__


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 2, 29), 24, date(2026, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 3, 10), 24, date(2027, 3, 10)),
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("period", "used", "day", "expected"),
    [
        (CALENDAR_YEAR, [], date(2026, 5, 1), date(2026, 5, 1)),
        (CALENDAR_YEAR, [date(2025, 12, 31)], date(2026, 1, 1), date(2026, 1, 1)),
        (CALENDAR_YEAR, [date(2026, 12, 31)], date(2026, 1, 1), date(2027, 1, 1)),
        (CALENDAR_YEAR, [date(2026, 3, 1), date(2027, 2, 1)], date(2026, 5, 1), date(2028, 1, 1)),
        (TWO_YEARS, [date(2025, 3, 10)], date(2027, 3, 9), date(2027, 3, 10)),
        (TWO_YEARS, [date(2025, 3, 10)], date(2027, 3, 10), date(2027, 3, 10)),
        (TWO_YEARS, [date(2027, 3, 10)], date(2025, 3, 10), date(2025, 3, 10)),
        (TWO_YEARS, [date(2027, 3, 10)], date(2025, 3, 11), date(2029, 3, 10)),
        (TWO_YEARS, [date(2024, 2, 29)], date(2025, 6, 1), date(2026, 2, 28)),
        (TWO_YEARS, [date(2024, 1, 1), date(2025, 6, 1)], date(2025, 7, 1), date(2027, 6, 1)),
        (Period("rolling-12-months", 12), [date(2026, 3, 1)], AS_OF, date(2027, 3, 1)),
    ],
)
def test_frequency(period, used, day, expected):
    assert frequency(period, used, day) == expected


# --- decide ------------------------------------------------------------------------------


def test_results_are_frozen_slotted_dataclasses():
    result = decide_location(records({"id": "L1", "subsidy_step": 1}), "L1", AS_OF)
    for value, field in ((result, "location"), (result.regional_support, "status")):
        assert dataclasses.is_dataclass(value)
        assert not hasattr(value, "__dict__")
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, field, "x")
    assert isinstance(result, LocationResult)
    assert isinstance(result.regional_support, FamilyDecision)
    assert result.regional_support.inputs is None and result.regional_support.parameters is None


def test_decide_keeps_the_order_asked_and_refuses_unknown_ids():
    recs = records({"id": "L1", "subsidy_step": 1}, {"id": "L2", "subsidy_step": 3})
    assert [r.location for r in decide(recs, AS_OF)] == ["L1", "L2"]
    assert [r.location for r in decide(recs, AS_OF, location_ids=["L2", "L1"])] == ["L2", "L1"]
    with pytest.raises(InputError) as raised:
        decide(recs, AS_OF, location_ids=["L12"])
    assert str(raised.value) == "no location 'L12' in the records (did you mean L2, L1?)"


def test_results_do_not_share_their_lists():
    recs = records({"id": "L1", "subsidy_step": 1}, {"id": "L2", "subsidy_step": 1})
    first, second = decide(recs, AS_OF)
    first.prior_rules.append("X")
    first.regional_support.rules.append("X")
    assert second.prior_rules == ["PRIOR-STEP"]
    assert second.regional_support.rules == [
        "PRIOR-STEP",
        "SCOPE-FREE",
        "SCOPE-PAID",
        "FREQ-AVAILABLE",
    ]
    assert decide(recs, AS_OF)[0].prior_rules == ["PRIOR-STEP"]


def test_explanations_are_one_plain_sentence():
    recs = records(
        {"id": "L1", "subsidy_step": 2, "ikt_places": 10},
        {"id": "L2", "subsidy_step": 3, "ikt_places": 9, "postcode": "2100"},
        trajects=[{"offer": "coaching", "status": "done", "start": date(2025, 3, 10)}],
    )
    result = decide_location(recs, "L1", AS_OF)
    assert result.regional_support.explanation == (
        "Paid: not PRIOR (subsidy step 2 with IKT places of the organisation 10 + 9 = 19 > 18); "
        "paid BVV is offered in Greater Antwerp, which holds Antwerpen (Berchem)."
    )
    recs = records(
        {"id": "L1", "subsidy_step": 2, "ikt_places": 10},
        trajects=[{"offer": "coaching", "status": "done", "start": date(2025, 3, 10)}],
    )
    result = decide_location(recs, "L1", AS_OF)
    assert result.regional_support.explanation == (
        "Free: PRIOR by IKT places (subsidy step 2, IKT places of the organisation 10 ≤ 18) and "
        "in the Antwerp region, and no free BVV traject counts in 2026."
    )
    assert result.pedagogical_coaching.explanation == (
        "Paid: PRIOR by IKT places (subsidy step 2, IKT places of the organisation 10 ≤ 18) and "
        "in the province of Antwerp, but free coaching traject T-1 (2025-03-10) counts within 24 "
        "months before or after 2026-11-22, so it is free again from 2027-03-10; paid coaching "
        "A–D is offered in the ten districts of Antwerp."
    )
    gent = decide_location(
        records({"id": "L1", "subsidy_step": 0, "postcode": "9000"}), "L1", AS_OF
    )
    assert gent.pedagogical_coaching.explanation == (
        "Unavailable: PRIOR by subsidy step 0, but Gent lies outside the province of Antwerp; paid "
        "coaching A–D is only offered in the ten districts of Antwerp, not in Gent."
    )
    late = records(
        {
            "id": "L1",
            "subsidy_step": 3,
            "ikt_places": 30,
            "enforcement": True,
            "enforcement_since": date(2027, 1, 1),
        }
    )
    assert decide_location(late, "L1", AS_OF).regional_support.explanation == (
        "Paid: not PRIOR (subsidy step 3 with IKT places of the organisation 30 > 18; "
        "enforcement only from 2027-01-01); paid BVV is offered in Greater Antwerp, which holds "
        "Antwerpen (Berchem)."
    )


def test_explain_gives_inputs_and_parameters():
    recs = records(
        {"id": "L1", "subsidy_step": 2, "ikt_places": 10},
        {"id": "L2", "subsidy_step": 3, "ikt_places": 8, "postcode": "2100"},
        trajects=[{"offer": "coaching", "status": "done", "start": date(2025, 3, 10)}],
    )
    coaching = decide_location(recs, "L1", AS_OF, explain=True).pedagogical_coaching
    assert coaching.inputs == {
        "care_type": "group",
        "subsidy_step": 2,
        "organisation_prior": None,
        "ikt_places_by_location": {"L1": 10, "L2": 8},
        "ikt_places_organisation": 18,
        "places": 40,
        "enforcement": False,
        "enforcement_since": None,
        "postcode": "2600",
        "municipality": "Antwerpen",
        "district": "Berchem",
        "province": "Antwerpen",
        "in_free_scope": True,
        "in_paid_scope": True,
        "trajects_using_entitlement": [
            {"id": "T-1", "offer": "coaching", "status": "done", "date": "2025-03-10"}
        ],
    }
    assert coaching.parameters == {
        "prior_steps": [0, 1],
        "ikt_steps": [2, 3],
        "ikt_max_places": 18,
        "prior_valid_from": "2022-01-01",
        "free_offers": ["coaching"],
        "entitlement_statuses": ["approved", "planned", "active", "done"],
        "free_scope": "provincie-antwerpen",
        "free_scope_name": "the province of Antwerp",
        "paid_scope": "antwerpen-districten",
        "paid_scope_name": "the ten districts of Antwerp",
        "scopes_valid_from": "2022-01-01",
        "period": "rolling-24-months",
        "frequency_valid_from": "2022-01-01",
    }


def test_result_to_json_key_order():
    recs = records({"id": "L1", "subsidy_step": 1})
    result = decide_location(recs, "L1", AS_OF, explain=True)
    plain = result_to_json(result, explain=False)
    assert list(plain) == [
        "location",
        "organisation",
        "place",
        "prior",
        "prior_rules",
        "regional_support",
        "pedagogical_coaching",
        "warnings",
    ]
    assert list(plain["place"]) == ["postcode", "municipality", "district", "province"]
    assert list(plain["regional_support"]) == [
        "status",
        "next_free",
        "rules",
        "explanation",
        "used_by",
    ]
    explained = result_to_json(result, explain=True)
    assert list(explained["pedagogical_coaching"]) == [
        "status",
        "next_free",
        "rules",
        "explanation",
        "used_by",
        "inputs",
        "parameters",
    ]


def test_decide_hypothetical_has_no_ids():
    result = decide_hypothetical(
        subsidy_step=2,
        ikt_places=12,
        postcode="2600",
        as_of=AS_OF,
        last_coaching=date(2025, 3, 10),
        last_support=date(2026, 1, 5),
    )
    assert (result.location, result.organisation) == (None, None)
    assert result.prior_rules == ["PRIOR-IKT"]
    assert (result.regional_support.status, result.regional_support.next_free) == (
        "paid",
        date(2027, 1, 1),
    )
    assert (result.pedagogical_coaching.status, result.pedagogical_coaching.next_free) == (
        "paid",
        date(2027, 3, 10),
    )
    assert "--last-coaching (2025-03-10)" in result.pedagogical_coaching.explanation


# --- the planner's entitlement -------------------------------------------------------------


def test_free_entitlement_for_the_planner():
    recs = records({"id": "L1", "subsidy_step": 1})
    assert free_entitlement(recs, "L1", "pedagogical_coaching", AS_OF, []) == Entitlement(
        True,
        AS_OF,
        "L1 is PRIOR and in Antwerpen (Berchem), and no free coaching traject counts within 24 "
        "months before or after 2026-11-22.",
    )
    used = free_entitlement(recs, "L1", "pedagogical_coaching", AS_OF, [date(2025, 3, 10)])
    assert used == Entitlement(
        False,
        date(2027, 3, 10),
        "L1 has a free coaching traject dated 2025-03-10, within 24 months before or after "
        "2026-11-22; free again from 2027-03-10.",
    )
    later = free_entitlement(recs, "L1", "regional_support", AS_OF, [date(2027, 2, 1)])
    assert later.entitled is True
    same_year = free_entitlement(recs, "L1", "regional_support", AS_OF, [date(2026, 2, 1)])
    assert (same_year.entitled, same_year.next_free) == (False, date(2027, 1, 1))


def test_free_entitlement_not_prior_or_out_of_scope_has_no_next_free():
    enforced = records(
        {
            "id": "L1",
            "subsidy_step": 3,
            "ikt_places": 30,
            "enforcement": True,
            "enforcement_since": date(2027, 1, 4),
        }
    )
    before = free_entitlement(enforced, "L1", "pedagogical_coaching", date(2027, 1, 3), [])
    assert before == Entitlement(
        False,
        None,
        "L1 is not PRIOR (subsidy step 3 with IKT places of the organisation 30 > 18; "
        "enforcement only from 2027-01-04) on 2027-01-03.",
    )
    on_the_day = free_entitlement(enforced, "L1", "pedagogical_coaching", date(2027, 1, 4), [])
    assert (on_the_day.entitled, on_the_day.next_free) == (True, date(2027, 1, 4))
    turnhout = records({"id": "L1", "subsidy_step": 1, "postcode": "2300"})
    assert free_entitlement(turnhout, "L1", "regional_support", AS_OF, []) == Entitlement(
        False,
        None,
        "L1 lies in Turnhout, outside the Antwerp region, where the free BVV traject is given.",
    )


def test_free_entitlement_refuses_unknown_family_and_location():
    recs = records({"id": "L1", "subsidy_step": 1})
    with pytest.raises(ValueError, match="'coaching' is not an offer family"):
        free_entitlement(recs, "L1", "coaching", AS_OF, [])
    with pytest.raises(InputError, match="no location 'L9' in the records"):
        free_entitlement(recs, "L9", "regional_support", AS_OF, [])


# --- SPEC 5: approved trajects that cannot both be free ------------------------------------


def test_conflicting_approved_trajects():
    recs = records(
        {"id": "L1", "subsidy_step": 1},
        trajects=[
            {"offer": "coaching", "status": "approved", "earliest": date(2027, 1, 11)},
            {
                "offer": "coaching",
                "status": "approved",
                "earliest": date(2027, 9, 1),
                "deadline": date(2028, 6, 30),
            },
            {"offer": "bvv-basis", "status": "approved", "earliest": date(2027, 1, 11)},
            {"offer": "bvv-vervolg", "status": "approved", "earliest": date(2028, 1, 11)},
            {"offer": "coaching", "status": "done", "start": date(2026, 1, 5)},
        ],
    )
    assert conflicting_approved(recs, AS_OF) == [
        "location L1: approved free coaching trajects T-1 (2027-01-11) and T-2 (2027-09-01) "
        "cannot both be free as dated; T-2 would be free from 2029-01-11 at the earliest, after "
        "its deadline 2028-06-30"
    ]


# --- parameters are data --------------------------------------------------------------------


def _override_rules(folder: Path, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "rules.toml").write_text(text, encoding="utf-8")
    set_override_dir(folder)


def test_a_dated_rule_applies_from_its_date_and_a_period_can_be_changed(tmp_path):
    rules = (bundled_data_dir() / "rules.toml").read_text(encoding="utf-8")
    rules = rules.replace('period = "calendar-year"', 'period = "rolling-12-months"')
    rules += "\n[[prior]]\nvalid_from = 2027-01-01\nsteps = [0, 1]\nikt_steps = [2, 3]\n"
    rules += "ikt_max_places = 20\n"
    _override_rules(tmp_path / "override", rules)
    recs = records(
        {"id": "L1", "subsidy_step": 2, "ikt_places": 19},
        trajects=[{"offer": "bvv-basis", "status": "done", "start": date(2026, 3, 1)}],
    )
    assert decide_location(recs, "L1", date(2026, 12, 31)).prior is False
    in_2027 = decide_location(recs, "L1", date(2027, 1, 1))
    assert in_2027.prior_rules == ["PRIOR-IKT"]
    # rolling 12 months: the BVV traject of 2026-03-01 blocks until 2027-03-01
    assert (in_2027.regional_support.status, in_2027.regional_support.next_free) == (
        "paid",
        date(2027, 3, 1),
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('period = "rolling-24-months"', 'period = "two years"'),
            "families.pedagogical_coaching.frequency: period must be calendar-year or "
            "rolling-N-months (e.g. rolling-12-months), got 'two years'",
        ),
        (
            # A rules.toml of before offers.toml whose family lists differ from the catalogue.
            (
                'name = "pedagogische coaching"',
                'name = "pedagogische coaching"\npaid_offers = ["A", "B", "C"]',
            ),
            "families.pedagogical_coaching: paid_offers is no longer read here: which offers a "
            "family has, free or paid, is in offers.toml; remove paid_offers",
        ),
        (
            ("ikt_max_places = 18", 'ikt_max_places = "18"'),
            "prior: ikt_max_places must be a whole number, at least 0",
        ),
        (
            ('statuses = ["approved", "planned", "active", "done"]', 'statuses = ["finished"]'),
            "entitlement: statuses finished are not statuses (requested, approved, planned, "
            "active, done, cancelled)",
        ),
    ],
)
def test_a_wrong_rules_file_is_named(tmp_path, change, message):
    rules = (bundled_data_dir() / "rules.toml").read_text(encoding="utf-8")
    assert change[0] in rules
    folder = tmp_path / "override"
    _override_rules(folder, rules.replace(*change))
    with pytest.raises(ReferenceDataError) as raised:
        decide(records({"id": "L1", "subsidy_step": 1}), AS_OF)
    assert str(raised.value) == f"{folder / 'rules.toml'}: {message}"


def test_no_rule_in_force_before_the_first_valid_from():
    with pytest.raises(
        ReferenceDataError,
        match=r"mentes knows the rules only from 2022-01-01, not for 2021-12-31\. Give a date "
        "on or after 2022-01-01",
    ):
        decide(records({"id": "L1", "subsidy_step": 1}), date(2021, 12, 31))


# --- speed -----------------------------------------------------------------------------------


def generated_records(organisations: int = 1350, locations: int = 1900, seed: int = 7) -> Records:
    """Give a reproducible large record set around Antwerp (SPEC: about 1,350 organisers)."""
    rng = random.Random(seed)
    postcodes = ["2000", "2018", "2100", "2150", "2600", "2610", "2640", "2800", "2900", "9000"]
    orgs, trajects, number = [], [], 0
    for index in range(organisations):
        locs = []
        for _ in range(2 if index < locations - organisations else 1):
            number += 1
            step = rng.choice([0, 1, 2, 2, 3])
            ikt = 0 if step < 2 else rng.randint(0, 20)
            loc = {
                "id": f"L{number:05d}",
                "name": f"Locatie {number}",
                "care_type": rng.choice(["group", "family"]),
                "subsidy_step": step,
                "ikt_places": ikt,
                "places": max(ikt, rng.randint(5, 60)),
                "postcode": rng.choice(postcodes),
                "enforcement": rng.random() < 0.05,
            }
            locs.append(loc)
            for _ in range(rng.randint(0, 2)):
                trajects.append(
                    {
                        "id": f"T{len(trajects):06d}",
                        "location": loc["id"],
                        "offer": rng.choice(["coaching", "bvv-basis", "bvv-vervolg", "A", "basis"]),
                        "status": rng.choice(["requested", "approved", "done", "cancelled"]),
                        "start": date(2024, 1, 1) + timedelta(days=rng.randint(0, 1200)),
                    }
                )
        orgs.append({"id": f"O{index:05d}", "name": f"Organisatie {index}", "locations": locs})
    return Records.model_validate({"organisations": orgs, "trajects": trajects})


def test_deciding_1900_generated_locations():
    # Speed is measured in benchmarks/bench_eligibility.py, not asserted here.
    recs = generated_records()
    assert len(recs.locations()) == 1900
    first = decide(recs, AS_OF)
    again = decide(recs, AS_OF)  # the prepared record set gives the same decisions
    assert len(first) == 1900
    assert first == again
    assert {r.regional_support.status for r in first} == {"free", "paid", "unavailable"}


def test_every_family_is_decided():
    result = decide_location(records({"id": "L1", "subsidy_step": 0}), "L1", AS_OF)
    assert [getattr(result, family).status for family in FAMILIES] == ["free", "free"]


def test_used_by_names_the_trajects_that_take_the_entitlement_and_the_explanation_all():
    recs = records(
        {"id": "L1", "subsidy_step": 0, "postcode": "2900"},
        trajects=[
            {"offer": "bvv-basis", "status": "active", "start": date(2026, 10, 5)},
            {"offer": "bvv-vervolg", "status": "approved", "earliest": date(2027, 1, 4)},
            {"offer": "coaching", "status": "requested", "requested_on": date(2026, 11, 2)},
        ],
    )
    result = decide_location(recs, "L1", AS_OF)
    support = result.regional_support
    assert (support.status, support.next_free, support.used_by) == (
        "unavailable",
        date(2028, 1, 1),
        ["T-1"],
    )
    assert support.explanation == (
        "Unavailable: PRIOR by subsidy step 0 and in the Antwerp region, but free BVV traject "
        "T-1 (2026-10-05) counts in 2026, and T-2 (2027-01-04) in 2027, so it is free again "
        "from 2028-01-01; paid BVV is only offered in Greater Antwerp."
    )
    assert result.pedagogical_coaching.used_by == []  # a request does not use it
    explained = decide_location(recs, "L1", AS_OF, explain=True).regional_support
    assert (explained.used_by, explained.explanation) == (support.used_by, support.explanation)
    assert result_to_json(result, explain=False)["place"] == {
        "postcode": "2900",
        "municipality": "Schoten",
        "district": None,
        "province": "Antwerpen",
    }


def test_a_rolling_period_names_the_later_traject_that_keeps_it_used():
    recs = records(
        {"id": "L1", "subsidy_step": 0},
        trajects=[
            {"offer": "coaching", "status": "done", "start": date(2025, 3, 10)},
            {"offer": "coaching", "status": "approved", "earliest": date(2027, 6, 1)},
        ],
    )
    coaching = decide_location(recs, "L1", AS_OF).pedagogical_coaching
    assert coaching.used_by == ["T-1", "T-2"]
    assert coaching.next_free == date(2029, 6, 1)
    assert "T-1 (2025-03-10) and T-2 (2027-06-01) count within 24 months" in coaching.explanation


def test_many_locations_give_the_ikt_sum_and_count_not_every_part():
    many = [{"id": f"L{n}", "subsidy_step": 2, "ikt_places": 1} for n in range(1, 41)]
    explanation = decide_location(records(*many), "L7", AS_OF).regional_support.explanation
    assert "IKT places of the organisation 40 over 40 locations (1 + 1 + 1 + 1 + 1 + …) > 18" in (
        explanation
    )
    assert explanation.count("+") == 5
    few = [{"id": f"L{n}", "subsidy_step": 2, "ikt_places": 4} for n in range(1, 6)]
    assert "4 + 4 + 4 + 4 + 4 = 20 > 18" in (
        decide_location(records(*few), "L1", AS_OF).regional_support.explanation
    )
