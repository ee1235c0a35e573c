"""The quote engine: the seed price list, dated prices, every location case, the codes."""

from __future__ import annotations

import re
import shutil
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ONE_ORGANISATION
from mentes_cli.errors import InputError, UsageError
from mentes_cli.load import DataSource, load_records
from mentes_cli.models import Organisation, Records
from mentes_cli.quote import (
    FreeEntitlement,
    Guidance,
    LineItem,
    QuoteRefused,
    SizeSuggestion,
    make_quote,
    quote_json,
    quote_number,
    request_for,
    suggest_package,
)
from mentes_cli.reference import bundled_data_dir, sample_records_dir, set_override_dir

DAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def records():
    return load_records(DataSource(sample_records_dir(), "test")).records


# The seed price list (seeds/002): "Traject A: Telefonisch intakegesprek van 1 uur; 4 dagen
# van 5 uur; 2 dagen van 4 uur; ... Totaalprijs traject A: €2.800", and so on.
SEED_PRICES = [
    # code, intake, visits, days, contact hours, total, per contact hour
    ("A", "1", [(4, "5"), (2, "4")], 6, "28", "2800.00", "100.00"),
    ("B", "1", [(6, "5"), (2, "4")], 8, "38", "3900.00", "102.63"),
    ("C", "1", [(8, "5"), (2, "4")], 10, "48", "4900.00", "102.08"),
    ("D", "2", [(9, "5"), (5, "4")], 14, "65", "6000.00", "92.31"),
    ("basis", "0", [(2, "2.5")], 2, "5", "840.00", "168.00"),
    ("vervolg", "0", [(5, "2.5")], 5, "12.5", "1800.00", "144.00"),
]


@pytest.mark.parametrize(
    ("code", "intake", "visits", "days", "hours", "total", "per_hour"), SEED_PRICES
)
def test_every_package_matches_the_seed_price_list(
    code, intake, visits, days, hours, total, per_hour
):
    quote = make_quote(code, as_of=DAY)
    assert quote.traject == code
    assert quote.intake_hours == Decimal(intake)
    assert [(b.count, b.hours) for b in quote.package.visits] == [
        (count, Decimal(h)) for count, h in visits
    ]
    assert quote.days == days
    assert quote.contact_hours == Decimal(hours)
    assert quote.total_eur == Decimal(total)
    assert isinstance(quote.total_eur, Decimal)
    assert quote.price_per_contact_hour == Decimal(per_hour)
    assert quote.valid_until == date(2026, 12, 22)  # centre.toml: 30 days


def test_line_items_of_a_coaching_package_and_a_bvv_package():
    assert make_quote("D", as_of=DAY).lines == (
        LineItem("intake", 1, Decimal("2")),
        LineItem("day", 9, Decimal("5")),
        LineItem("day", 5, Decimal("4")),
    )
    lines = make_quote("vervolg", as_of=DAY).lines
    assert lines == (LineItem("contact_moment", 5, Decimal("2.5")),)
    assert lines[0].total_hours == Decimal("12.5")


def test_json_has_the_spec_shape_and_key_order():
    result = quote_json(make_quote("C", as_of=DAY))
    assert list(result)[:7] == [
        "traject",
        "intake_hours",
        "visits",
        "days",
        "contact_hours",
        "total_eur",
        "price_per_contact_hour",
    ]
    assert {k: result[k] for k in list(result)[:7]} == {
        "traject": "C",
        "intake_hours": 1,
        "visits": [{"count": 8, "hours": 5}, {"count": 2, "hours": 4}],
        "days": 10,
        "contact_hours": 48,
        "total_eur": 4900.0,
        "price_per_contact_hour": 102.08,
    }
    assert type(result["intake_hours"]) is int
    assert type(result["total_eur"]) is float
    basis = quote_json(make_quote("basis", as_of=DAY))
    assert basis["visits"] == [{"count": 2, "hours": 2.5}]
    assert (basis["days"], basis["contact_hours"]) == (2, 5)
    assert type(basis["contact_hours"]) is int


@pytest.mark.parametrize("spelling", ["c", "C", " c ", "Basis", "VERVOLG"])
def test_codes_are_read_in_any_case(spelling):
    assert (
        request_for(spelling, DAY)
        == {"c": "C", "basis": "basis", "vervolg": "vervolg"}[spelling.strip().casefold()]
    )


# --- a dated price change ---


def _price_list_with_new_c(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = (bundled_data_dir() / "tariffs.toml").read_text(encoding="utf-8")
    text += """
[[packages]]
code = "C"
valid_from = 2027-01-01
family = "pedagogical_coaching"
name = "Pedagogische coaching op de werkvloer, traject C"
intake_hours = 1
visits = [{ count = 8, hours = 5 }, { count = 2, hours = 4 }]
price_eur = "5200.00"
scope = "antwerpen-districten"
size_band_places = [36, 55]
includes = ["voorbereidingstijd", "reistijd", "verplaatsingskosten"]
"""
    (folder / "tariffs.toml").write_text(text, encoding="utf-8")
    return folder


def test_a_dated_price_change_applies_from_its_valid_from(tmp_path):
    set_override_dir(_price_list_with_new_c(tmp_path / "data"))
    before = make_quote("C", as_of=date(2026, 12, 31))
    after = make_quote("C", as_of=date(2027, 1, 1))
    assert before.total_eur == Decimal("4900.00")
    assert before.package.valid_from == date(2024, 1, 1)
    assert after.total_eur == Decimal("5200.00")
    assert after.package.valid_from == date(2027, 1, 1)
    assert after.price_per_contact_hour == Decimal("108.33")  # 5200 / 48 = 108.333...
    assert make_quote("B", as_of=date(2027, 1, 1)).total_eur == Decimal("3900.00")


def test_the_quote_number_changes_with_the_price(tmp_path):
    old = make_quote("C", as_of=DAY).number
    folder = _price_list_with_new_c(tmp_path / "data")
    text = (folder / "tariffs.toml").read_text(encoding="utf-8")
    (folder / "tariffs.toml").write_text(
        text.replace("valid_from = 2027-01-01", "valid_from = 2026-11-01"), encoding="utf-8"
    )
    set_override_dir(folder)
    new = make_quote("C", as_of=DAY).number
    assert new != old
    assert new[:-4] == old[:-4] == "OFF-20261122-C-"


def test_centre_validity_days_come_from_centre_toml(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    text = (bundled_data_dir() / "centre.toml").read_text(encoding="utf-8")
    (folder / "centre.toml").write_text(
        text.replace("quote_validity_days = 30", "quote_validity_days = 45"), encoding="utf-8"
    )
    set_override_dir(folder)
    assert make_quote("A", as_of=DAY).valid_until == date(2027, 1, 6)


# --- the quote number ---


def test_same_input_gives_the_same_quote_number(records):
    first = make_quote("C", as_of=DAY, records=records, location_id="LOC-003")
    second = make_quote("c", as_of=DAY, records=records, location_id="LOC-003")
    assert first.number == second.number
    assert re.fullmatch(r"OFF-20261122-LOC003-C-[0-9A-F]{4}", first.number)
    assert make_quote("C", as_of=DAY).number != first.number
    assert (
        make_quote("C", as_of=date(2026, 11, 23), records=records, location_id="LOC-003").number[
            :-4
        ]
        == "OFF-20261123-LOC003-C-"
    )
    assert make_quote("B", as_of=DAY, records=records, location_id="LOC-003").number != (
        first.number
    )


def test_quote_number_is_derived_from_its_inputs():
    number = quote_number(DAY, "vervolg", "LOC-014", Decimal("1800"))
    assert number == quote_number(DAY, "vervolg", "LOC-014", Decimal("1800.00"))
    assert number.startswith("OFF-20261122-LOC014-VERVOLG-")
    assert quote_number(DAY, "A", None, Decimal("2800")).startswith("OFF-20261122-A-")


# --- locations (sample records, as of 2026-11-22) ---


def test_location_in_scope_not_prior_no_warning(records):
    quote = make_quote("C", as_of=DAY, records=records, location_id="LOC-003")
    assert quote.location is not None
    assert quote.location.name == "Het Zonnetje Deurne"
    assert quote.location.organisation_name == "Kinderdagverblijf Het Zonnetje bv"
    assert (quote.location.postcode, quote.location.municipality) == ("2100", "Antwerpen")
    assert quote.location.district == "Deurne"
    assert quote.free_entitlement is None
    assert quote.warnings == ()
    assert quote.suggestion == SizeSuggestion("C", 36, (36, 55))


def test_location_outside_the_paid_scope_is_refused(records):
    with pytest.raises(QuoteRefused) as refused:
        make_quote("C", as_of=DAY, records=records, location_id="LOC-015")
    assert str(refused.value) == (
        "cannot quote: LOC-015 (Het Nest Gent, 9000 Gent) lies outside the ten districts of "
        "Antwerp: traject C is only offered there (scope antwerpen-districten)"
    )


def test_bvv_outside_groot_antwerpen_is_refused_and_says_free_support_applies(records):
    # Schoten: in the arrondissement (free BVV) but not in Groot-Antwerpen (paid BVV).
    with pytest.raises(QuoteRefused) as refused:
        make_quote("basis", as_of=DAY, records=records, location_id="LOC-006")
    message = str(refused.value)
    assert message.startswith(
        "cannot quote: LOC-006 ('t Kabouterke Schoten, 2900 Schoten) lies outside Greater "
        "Antwerp: traject basis is only offered there (scope groot-antwerpen). Note: LOC-006 "
        "is entitled to free regional support (beleidsvoerend vermogen) (bvv-basis / "
        "bvv-vervolg) from 2028-01-01; `mentes check-eligibility --location LOC-006 --explain` "
        "says why."
    )


def test_prior_location_that_used_its_free_coaching_is_warned_with_next_free(records):
    # LOC-001: PRIOR by IKT places; free coaching T-2025-014 on 2025-03-10 -> free from 2027-03-10.
    quote = make_quote("C", as_of=DAY, records=records, location_id="LOC-001")
    assert quote.free_entitlement is not None
    assert quote.free_entitlement.now is False
    assert quote.free_entitlement.next_free == date(2027, 3, 10)
    assert quote.free_entitlement.offers == ("coaching",)
    assert len(quote.warnings) == 1
    assert quote.warnings[0].startswith(
        "LOC-001 is entitled to free pedagogical coaching (coaching) from 2027-03-10: "
    )
    assert quote_json(quote)["free_offer"] == {
        "family": "pedagogical_coaching",
        "offers": ["coaching"],
        "now": False,
        "next_free": "2027-03-10",
    }


def test_prior_location_entitled_now_is_warned(records):
    # LOC-012: PRIOR (0 IKT places), its only coaching traject was cancelled.
    quote = make_quote("A", as_of=DAY, records=records, location_id="LOC-012")
    assert quote.free_entitlement == FreeEntitlement(
        "pedagogical_coaching",
        ("coaching",),
        True,
        None,
        quote.free_entitlement.explanation if quote.free_entitlement else "",
    )
    assert quote.warnings[0].startswith(
        "LOC-012 is entitled to free pedagogical coaching (coaching) now: "
    )


def test_official_not_prior_location_gets_paid_bvv_without_warning(records):
    # LOC-014 Ekeren: organisation prior = false, inside Groot-Antwerpen.
    quote = make_quote("vervolg", as_of=DAY, records=records, location_id="LOC-014")
    assert quote.free_entitlement is None
    assert quote.warnings == ()
    assert quote.suggestion is None  # size bands are for pedagogical coaching only


def test_size_suggestion_names_the_package_for_the_location(records):
    quote = make_quote("C", as_of=DAY, records=records, location_id="LOC-001")
    assert quote.suggestion == SizeSuggestion("B", 28, (19, 35))
    assert quote_json(quote)["suggested_traject"] == "B"


@pytest.mark.parametrize(
    ("places", "code"),
    [(1, "A"), (18, "A"), (19, "B"), (35, "B"), (36, "C"), (55, "C"), (56, "D"), (140, "D")],
)
def test_size_bands_edges(places, code):
    suggestion = suggest_package(places, DAY)
    assert suggestion is not None
    assert suggestion.code == code


def test_unknown_location_is_an_input_error(records):
    with pytest.raises(InputError) as caught:
        make_quote("C", as_of=DAY, records=records, location_id="LOC-099")
    assert str(caught.value) == (
        "--location LOC-099: no such location in the records (16 locations); "
        "did you mean LOC-009, LOC-016, LOC-015?"
    )


def test_location_with_a_postcode_regions_does_not_know_is_refused():
    # The loaders refuse such a postcode; the engine still never guesses a scope for it.
    organisation = Organisation.model_validate(
        tomllib.loads(ONE_ORGANISATION.replace('"2600"', '"1399"'))["organisations"][0]
    )
    with pytest.raises(QuoteRefused) as refused:
        make_quote(
            "A", as_of=DAY, records=Records(organisations=[organisation]), location_id="LOC-1"
        )
    assert str(refused.value) == (
        "cannot quote: LOC-1 (Test Berchem, 1399): postcode 1399 is not a Belgian postcode "
        "mentes knows, so it cannot tell whether the location lies in the ten districts of "
        "Antwerp, where traject A is offered"
    )


# --- codes that are not quoted ---


@pytest.mark.parametrize("code", ["bvv-basis", "BVV-vervolg", "coaching"])
def test_free_offer_codes_give_guidance_not_a_price(code):
    guidance = request_for(code, DAY)
    assert isinstance(guidance, Guidance)
    assert guidance.kind == "free"
    assert guidance.code == code.casefold()
    assert "free for PRIOR locations" in guidance.message
    assert "mentes check-eligibility --location ID" in guidance.message
    assert "€" not in guidance.message


def test_free_coaching_guidance_names_its_scope_and_the_paid_packages():
    guidance = request_for("coaching", DAY)
    assert isinstance(guidance, Guidance)
    assert guidance.message == (
        "coaching (Pedagogical coaching (free)) is free for PRIOR locations in the province "
        "of Antwerp; it has no price and is not quoted. To see whether a location is "
        "entitled to it, run `mentes check-eligibility --location ID`. The paid pedagogical "
        "coaching is quoted with --traject A / B / C / D."
    )


@pytest.mark.parametrize("code", ["op maat", "Op Maat", "maat", "custom", "op-maat", "opmaat"])
def test_custom_codes_give_the_contact_never_a_price(code):
    guidance = request_for(code, DAY)
    assert isinstance(guidance, Guidance)
    assert guidance.kind == "custom"
    assert guidance.contact == "vot@kdg.be"
    assert "vot@kdg.be" in guidance.message
    assert not re.search(r"\d{3}", guidance.message)


def test_custom_contact_comes_from_centre_toml(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    text = (bundled_data_dir() / "centre.toml").read_text(encoding="utf-8")
    (folder / "centre.toml").write_text(
        text.replace('custom_contact = "vot@kdg.be"', 'custom_contact = "maat@centrum.example"'),
        encoding="utf-8",
    )
    set_override_dir(folder)
    guidance = request_for("op maat", DAY)
    assert isinstance(guidance, Guidance)
    assert guidance.contact == "maat@centrum.example"


@pytest.mark.parametrize("code", ["E", "coachingg", "", "A+B"])
def test_unknown_code_is_a_usage_error_listing_the_valid_codes(code):
    with pytest.raises(UsageError) as caught:
        request_for(code, DAY)
    assert str(caught.value) == (
        f"--traject {code!r} is not an offer; use one of A, B, C, D, basis, vervolg, "
        'bvv-basis, bvv-vervolg, coaching, "op maat"'
    )


def test_make_quote_refuses_a_free_code():
    with pytest.raises(UsageError):
        make_quote("coaching", as_of=DAY)


def test_reference_files_override_only_in_their_folder(tmp_path):
    # A folder without tariffs.toml keeps the bundled price list.
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(bundled_data_dir() / "centre.toml", folder / "centre.toml")
    set_override_dir(folder)
    assert make_quote("A", as_of=DAY).total_eur == Decimal("2800.00")
