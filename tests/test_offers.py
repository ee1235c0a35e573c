"""The offer catalogue (data/offers.toml, offers.py): one home for what an offer is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ONE_ORGANISATION, write_records
from mentes_cli.cli import app
from mentes_cli.errors import InputError, ReferenceDataError
from mentes_cli.load import DataSource, load_records
from mentes_cli.offers import catalogue
from mentes_cli.reference import bundled_data_dir, load_reference, set_override_dir

runner = CliRunner()

# A package E added as data only: one [[offers]] entry and one [[packages]] entry.
NEW_OFFER = """
[[offers]]
code = "E"
family = "pedagogical_coaching"
paid = true
role = "coach"
gap = "paid_coaching"
visits = "blocks"
label.nl = "Coaching werkvloer E"
label.en = "Workplace coaching E"
words = ["traject e"]
"""
NEW_PACKAGE = """
[[packages]]
code = "E"
valid_from = 2024-01-01
name = "Pedagogische coaching op de werkvloer, traject E"
intake_hours = 2
visits = [{ count = 10, hours = 5 }, { count = 6, hours = 4 }]
price_eur = "7000.00"
scope = "antwerpen-districten"
includes = ["voorbereidingstijd", "reistijd", "verplaatsingskosten"]
"""
E_TRAJECT = """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "E"
status = "requested"
requested_on = 2027-01-04
"""


def data_folder_with_e(folder: Path) -> Path:
    """Give a --data folder whose offers.toml and tariffs.toml add package E."""
    write_records(folder, organisations=ONE_ORGANISATION, trajects=E_TRAJECT)
    for name, extra in (("offers.toml", NEW_OFFER), ("tariffs.toml", NEW_PACKAGE)):
        text = (bundled_data_dir() / name).read_text(encoding="utf-8")
        (folder / name).write_text(text + extra, encoding="utf-8")
    return folder


def test_the_catalogue_holds_the_offers_of_spec_3_4():
    offers = catalogue()
    assert offers.free_codes() == ("bvv-basis", "bvv-vervolg", "coaching")
    assert offers.paid_codes() == ("A", "B", "C", "D", "basis", "vervolg")
    assert offers.of_family("regional_support") == ("bvv-basis", "bvv-vervolg", "basis", "vervolg")
    assert [offers.offer(c).role for c in ("coaching", "A", "bvv-basis", "vervolg")] == [
        "coach",
        "coach",
        "support",
        "support",
    ]
    assert offers.offer("bvv-vervolg").contact_moments == (2, 5)
    assert offers.offer("coaching").label("nl") == "Pedagogische coaching (gratis)"
    assert offers.offer("coaching").label("en") == "Pedagogical coaching (free)"
    assert offers.families["pedagogical_coaching"].name("nl") == "pedagogische coaching"
    assert offers.find("  BVV   Basis ").code == "bvv-basis"
    assert offers.find("b").code == "B"
    assert offers.find("E") is None


def test_gap_days_and_visits_come_from_planning_and_tariffs():
    from datetime import date
    from decimal import Decimal

    offers = catalogue()
    assert [offers.gap_days(c) for c in ("coaching", "A", "bvv-basis")] == [7, 7, 14]
    day = date(2027, 1, 15)
    assert offers.visits_at("B", day).blocks == ((6, Decimal(5)), (2, Decimal(4)))
    assert offers.visits_at("B", day).intake_hours == Decimal(1)
    assert offers.visits_at("bvv-vervolg", day).blocks == ((2, Decimal(3)),)
    assert offers.visits_at("bvv-vervolg", day, contact_moments=4).blocks == ((4, Decimal(3)),)
    spread = offers.visits_at("coaching", day)
    assert (spread.spread_hours, spread.spread_days) == (Decimal(50), (8, 7))


def test_rules_toml_families_agree_with_the_catalogue():
    # Until the eligibility engine asks the catalogue, rules.toml repeats which offer is in
    # which family: the two must not drift apart.
    families = load_reference("rules.toml")["families"]
    offers = catalogue()
    for family, entry in families.items():
        assert tuple(entry["free_offers"]) == offers.of_family(family, paid=False)
        assert tuple(entry["paid_offers"]) == offers.of_family(family, paid=True)


def test_a_new_offer_added_only_as_data_is_loaded_and_quoted(tmp_path):
    folder = data_folder_with_e(tmp_path / "records")

    result = runner.invoke(
        app, ["quote", "--traject", "e", "--data", str(folder), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    quoted = json.loads(result.stdout)
    assert (quoted["traject"], quoted["family"], quoted["days"]) == (
        "E",
        "pedagogical_coaching",
        16,
    )
    assert (quoted["contact_hours"], quoted["total_eur"]) == (74, 7000.0)

    set_override_dir(folder)
    records = load_records(DataSource(folder, "--data")).records
    assert [t.offer for t in records.trajects] == ["E"]
    assert records.trajects[0].is_free_offer is False


def test_a_new_offer_is_accepted_in_a_workbook_in_its_own_words(tmp_path):
    from excel_helpers import write_workbook
    from mentes_cli.load import load_records

    folder = data_folder_with_e(tmp_path / "records")
    set_override_dir(folder)
    sheets = {
        "Organisaties": [["Id", "Naam"], ["ORG-1", "Vzw Test"]],
        "Locaties": [
            [
                "Id",
                "Naam",
                "Organisatie",
                "Type opvang",
                "Subsidietrap",
                "IKT-plaatsen",
                "Plaatsen",
                "Postcode",
            ],
            ["LOC-1", "Test Berchem", "ORG-1", "groepsopvang", 2, 12, 28, "2600"],
        ],
        "Trajecten": [
            ["Id", "Locatie", "Aanbod", "Status"],
            ["T-1", "LOC-1", "Traject E", "aangevraagd"],
            ["T-2", "LOC-1", "F", "aangevraagd"],
        ],
    }
    book = write_workbook(tmp_path / "book.xlsx", sheets)
    with pytest.raises(InputError) as caught:
        load_records(DataSource(book, "--data"))
    problems = [str(p) for p in caught.value.problems]
    assert problems == [
        "Trajecten, row 3, traject T-2, Aanbod: must be one of bvv-basis, bvv-vervolg, "
        "coaching, A, B, C, D, basis, vervolg, E, got 'F'"
    ]


def test_without_the_data_edit_the_new_code_is_refused(tmp_path):
    folder = write_records(tmp_path / "records", organisations=ONE_ORGANISATION, trajects=E_TRAJECT)
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 1
    assert "offer: must be " in result.output and "got 'E'" in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('family = "pedagogical_coaching"', 'family = "coaching"'), "family must be one of"),
        (("paid = true", 'paid = "yes"'), "paid must be true or false"),
        (('role = "coach"', 'role = "trainer"'), "role must be coach or support"),
        (('visits = "blocks"', 'visits = "days"'), "visits must be blocks or spread"),
        (('gap = "paid_coaching"', 'gapp = "paid_coaching"'), "unknown key gapp"),
        (('words = ["traject e"]', 'words = ["B"]'), "is already the code or a word of offer B"),
    ],
)
def test_a_wrong_catalogue_entry_is_a_clear_reference_error(tmp_path, change, message):
    folder = data_folder_with_e(tmp_path / "records")
    offers = folder / "offers.toml"
    text = offers.read_text(encoding="utf-8")
    head, _, tail = text.rpartition("[[offers]]")
    offers.write_text(head + "[[offers]]" + tail.replace(*change), encoding="utf-8")
    set_override_dir(folder)
    with pytest.raises(ReferenceDataError, match=message):
        catalogue()
    result = runner.invoke(app, ["quote", "--traject", "A", "--data", str(folder)])
    assert result.exit_code == 1
    assert "offers.toml" in result.output
    assert "Traceback" not in result.output
