"""The offer catalogue (data/offers.toml, offers.py): one home for what an offer is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_runner import CliRunner
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


def test_rules_toml_no_longer_lists_the_offers_of_a_family():
    # Which offers a family has is the catalogue's alone; an older rules.toml may still list
    # them as the catalogue has them, and one that differs is refused, naming offers.toml.
    for entry in load_reference("rules.toml")["families"].values():
        assert "free_offers" not in entry
        assert "paid_offers" not in entry


def test_an_older_rules_toml_with_the_catalogues_lists_still_decides(tmp_path):
    from datetime import date

    from mentes_cli.eligibility import decide

    rules = (bundled_data_dir() / "rules.toml").read_text(encoding="utf-8")
    old = rules.replace(
        'name = "pedagogische coaching"',
        'name = "pedagogische coaching"\nfree_offers = ["coaching"]\n'
        'paid_offers = ["A", "B", "C", "D"]',
    )
    assert old != rules
    folder = tmp_path / "old"
    write_records(folder, organisations=ONE_ORGANISATION)
    (folder / "rules.toml").write_text(old, encoding="utf-8")
    set_override_dir(folder)
    records = load_records(DataSource(folder, "--data")).records
    assert decide(records, date(2027, 1, 4))[0].pedagogical_coaching.status == "free"
    (folder / "rules.toml").write_text(old.replace('"D"]', '"D", "basis"]'), encoding="utf-8")
    set_override_dir(folder)
    with pytest.raises(ReferenceDataError, match="paid_offers is no longer read here"):
        decide(records, date(2027, 1, 4))


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


# A free BVV offer added as data only: one [[offers]] entry and one [[free_offers]] entry.
NEW_FREE_OFFER = """
[[offers]]
code = "bvv-thema"
family = "regional_support"
paid = false
role = "support"
gap = "bvv"
visits = "blocks"
label.nl = "BVV themamoment (gratis)"
label.en = "BVV theme moment (free)"
"""
NEW_FREE_CONTENT = """
[[free_offers]]
code = "bvv-thema"
valid_from = 2022-01-01
name = "BVV themamoment (gratis voor PRIOR)"
contact_moments = 1
hours_per_moment = 2
scope = "regio-antwerpen"
"""
COACHES = """\
[[coaches]]
id = "C-1"
name = "Coach Een"
role = "coach"
fte = 1.0
workdays = ["mon", "tue", "wed", "thu", "fri"]

[[coaches]]
id = "S-1"
name = "Ondersteuner Een"
role = "support"
fte = 1.0
workdays = ["mon", "tue", "wed", "thu", "fri"]
"""
NEW_TRAJECTS = """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "E"
status = "approved"
requested_on = 2026-12-01

[[trajects]]
id = "T-2"
location = "LOC-1"
offer = "bvv-thema"
status = "approved"
requested_on = 2026-12-01

[[trajects]]
id = "T-3"
location = "LOC-1"
offer = "bvv-basis"
status = "approved"
requested_on = 2026-12-02
"""


def data_folder_with_new_offers(folder: Path) -> Path:
    """Give a --data folder whose offers.toml and tariffs.toml add package E and the free
    bvv-thema, with approved trajects of both."""
    write_records(folder, organisations=ONE_ORGANISATION, coaches=COACHES, trajects=NEW_TRAJECTS)
    extra = {
        "offers.toml": NEW_OFFER + NEW_FREE_OFFER,
        "tariffs.toml": NEW_PACKAGE + NEW_FREE_CONTENT,
    }
    for name, text in extra.items():
        bundled = (bundled_data_dir() / name).read_text(encoding="utf-8")
        (folder / name).write_text(bundled + text, encoding="utf-8")
    return folder


def test_new_offers_added_only_as_data_are_planned_and_checked(tmp_path):
    folder = data_folder_with_new_offers(tmp_path / "records")
    saved = tmp_path / "plan.toml"
    window = ["--start", "2027-01-04", "--end", "2027-06-30"]
    result = runner.invoke(
        app, ["plan", "--data", str(folder), *window, "--format", "json", "--save", str(saved)]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    visits: dict[str, list] = {}
    for visit in plan["visits"]:
        visits.setdefault(visit["traject"], []).append(visit)
    # E: its price list's intake call of 2 h, 10 days of 5 h and 6 of 4 h, by the coach.
    e = visits["T-1"]
    assert sorted((v["kind"], v["hours"]) for v in e) == sorted(
        [("intake", 2.0)] + [("visit", 5.0)] * 10 + [("visit", 4.0)] * 6
    )
    assert {v["coach"] for v in e} == {"C-1"}
    # bvv-thema: one contact moment of 2 h, by the supporter; it takes the free BVV
    # entitlement of 2027, so the later bvv-basis waits for 2028 (after the plan's end).
    assert [(v["kind"], v["hours"], v["coach"]) for v in visits["T-2"]] == [("visit", 2.0, "S-1")]
    assert "T-3" not in visits
    (unplanned,) = [u for u in plan["unplanned"] if u["traject"] == "T-3"]
    assert "free again from 2028-01-01" in " ".join(unplanned["reasons"])
    checked = runner.invoke(app, ["plan", "--data", str(folder), *window, "--check", str(saved)])
    assert checked.exit_code == 0, checked.output


def test_a_new_free_offer_added_only_as_data_uses_the_entitlement(tmp_path):
    folder = data_folder_with_new_offers(tmp_path / "records")
    result = runner.invoke(
        app,
        ["check-eligibility", "--data", str(folder), "--as-of", "2026-12-15", "--format", "json"],
        env={"MENTES_LANG": "en"},
    )
    assert result.exit_code == 0, result.output
    (decision,) = json.loads(result.stdout)["results"]
    support = decision["regional_support"]
    # T-2 (bvv-thema, approved) and T-3 (bvv-basis) use the free BVV entitlement of 2026
    # (they are dated by their requests).
    assert support["status"] == "paid"
    assert support["used_by"] == ["T-2", "T-3"]
