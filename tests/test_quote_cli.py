"""`mentes quote`: every option and every bad input, as the user sees them."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest

from cli_runner import CliRunner
from conftest import write_records
from mentes_cli.cli import app
from mentes_cli.reference import bundled_data_dir

runner = CliRunner()
AS_OF = ["--as-of", "2026-11-22"]


def quote(*args: str):
    return runner.invoke(app, ["quote", *args])


def test_quote_table_shows_items_hours_total_and_price_per_hour():
    result = quote("--traject", "C", *AS_OF)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Quote OFF-20261122-C-563E: traject C, Workplace coaching C"
    assert lines[1] == "Date 2026-11-22, valid until 2026-12-22; price list of 2024-01-01"
    table = "\n".join(lines[2:])
    assert "│ Intake call (phone)                      │     1 │        1 h │   1 h │" in table
    assert "│ Days on location (coaching on the floor) │     8 │        5 h │  40 h │" in table
    assert "│ Days on location (coaching on the floor) │     2 │        4 h │   8 h │" in table
    assert "│ Hours on location                        │       │            │  48 h │" in table
    assert lines[-4:] == [
        "Days on location: 10",
        "Total price: €4,900.00",
        "Price per contact hour: €102.08",
        "Includes: preparation time, travel time, travel costs",
    ]


def test_quote_json_is_exactly_the_spec_shape():
    result = quote("--traject", "c", "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "traject": "C",
        "intake_hours": 1,
        "visits": [{"count": 8, "hours": 5}, {"count": 2, "hours": 4}],
        "days": 10,
        "contact_hours": 48,
        "total_eur": 4900.0,
        "price_per_contact_hour": 102.08,
        "family": "pedagogical_coaching",
        "name": "Pedagogical coaching in the workplace, traject C",
        "scope": "antwerpen-districten",
        "size_band_places": [36, 55],
        "includes": ["preparation time", "travel time", "travel costs"],
        "price_list_valid_from": "2024-01-01",
        "quote_number": "OFF-20261122-C-563E",
        "as_of": "2026-11-22",
        "valid_until": "2026-12-22",
        "location": None,
        "free_offer": None,
        "suggested_traject": None,
        "warnings": [],
    }
    assert result.stdout.startswith('{\n  "traject": "C",\n  "intake_hours": 1,\n  "visits": [')
    assert '"total_eur": 4900.0,' in result.stdout
    assert result.stderr == ""


def test_quote_json_for_vervolg_keeps_half_hours():
    result = quote("--traject", "VERVOLG", "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["visits"], data["days"], data["contact_hours"]) == (
        [{"count": 5, "hours": 2.5}],
        5,
        12.5,
    )
    assert (data["total_eur"], data["price_per_contact_hour"]) == (1800.0, 144.0)


def test_list_shows_every_package_side_by_side():
    result = quote("--list", *AS_OF)
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()]
    assert [
        "A",
        "1",
        "h",
        "6:",
        "4×5h",
        "+",
        "2×4h",
        "28",
        "h",
        "€2,800.00",
        "€100.00",
        "1-18",
    ] in rows
    assert [
        "D",
        "2",
        "h",
        "14:",
        "9×5h",
        "+",
        "5×4h",
        "65",
        "h",
        "€6,000.00",
        "€92.31",
        "56+",
    ] in rows
    assert ["basis", "-", "2:", "2×2.5h", "5", "h", "€840.00", "€168.00", "-"] in rows
    assert ["vervolg", "-", "5:", "5×2.5h", "12.5", "h", "€1,800.00", "€144.00", "-"] in rows


def test_list_json_gives_every_package():
    result = quote("--list", "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-11-22"
    assert [
        (p["traject"], p["total_eur"], p["contact_hours"], p["price_per_contact_hour"])
        for p in data["packages"]
    ] == [
        ("A", 2800.0, 28, 100.0),
        ("B", 3900.0, 38, 102.63),
        ("C", 4900.0, 48, 102.08),
        ("D", 6000.0, 65, 92.31),
        ("basis", 840.0, 5, 168.0),
        ("vervolg", 1800.0, 12.5, 144.0),
    ]


def test_location_in_scope_shows_organisation_and_location():
    result = quote("--traject", "C", "--location", "LOC-003", *AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "Quote OFF-20261122-LOC003-C-0751: traject C, Workplace coaching C",
        "Date 2026-11-22, valid until 2026-12-22; price list of 2024-01-01",
        "For Het Zonnetje Deurne (LOC-003, 2100 Antwerpen (district Deurne), 36 places) of "
        "Kinderdagverblijf Het Zonnetje bv (ORG-002)",
    ]
    assert "Warning" not in result.stderr
    assert "Suggestion" not in result.stderr  # 36 places: C is the package for its size


def test_location_json_names_location_and_organisation():
    result = quote("--traject", "C", "--location", "LOC-003", "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["quote_number"] == "OFF-20261122-LOC003-C-0751"
    assert data["location"] == {
        "id": "LOC-003",
        "name": "Het Zonnetje Deurne",
        "organisation": "ORG-002",
        "organisation_name": "Kinderdagverblijf Het Zonnetje bv",
        "postcode": "2100",
        "municipality": "Antwerpen",
        "district": "Deurne",
        "places": 36,
    }
    assert data["suggested_traject"] == "C"


def test_location_outside_the_paid_scope_exits_1_and_writes_nothing(tmp_path):
    target = tmp_path / "offerte.xlsx"
    result = quote("--traject", "C", "--location", "LOC-015", "--output", str(target), *AS_OF)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "Error: cannot quote: LOC-015 (Het Nest Gent, 9000 Gent) lies outside the ten "
        "districts of Antwerp: traject C is only offered there (scope antwerpen-districten)"
    )
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_prior_location_warns_of_free_offer_and_suggests_a_size(tmp_path):
    result = quote("--traject", "C", "--location", "LOC-001", *AS_OF)
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.stderr.splitlines() if line.startswith("Warning"))
    assert warning == (
        "Warning: LOC-001 is entitled to free pedagogical coaching (coaching) from 2027-03-10; "
        "`mentes check-eligibility --location LOC-001 --explain` says why."
    )
    assert (
        "Suggestion: LOC-001 has 28 places; traject B is the package for 19-35 places (the "
        "price list's sizes, an assumption)."
    ) in result.stderr.splitlines()
    assert "Warning" not in result.stdout


def test_warnings_are_in_the_json_too():
    result = quote("--traject", "A", "--location", "LOC-012", "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["free_offer"] == {
        "family": "pedagogical_coaching",
        "offers": ["coaching"],
        "now": True,
        "next_free": None,
    }
    assert data["warnings"][0].startswith(
        "LOC-012 is entitled to free pedagogical coaching (coaching) now: "
    )


def test_unknown_location_exits_1():
    result = quote("--traject", "C", "--location", "LOC-099", *AS_OF)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: --location LOC-099: no such location in the records (16 locations); "
        "did you mean LOC-009, LOC-016, LOC-015?"
    )


@pytest.mark.parametrize("code", ["coaching", "bvv-basis", "BVV-Vervolg"])
def test_free_offer_code_gives_guidance_and_exits_0(code):
    result = quote("--traject", code, *AS_OF)
    assert result.exit_code == 0, result.output
    assert "is free for PRIOR locations in" in result.stdout
    assert "mentes check-eligibility --location ID" in result.stdout
    assert "€" not in result.stdout


def test_free_offer_guidance_as_json():
    result = quote("--traject", "bvv-basis", "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["traject"], data["quoted"], data["kind"], data["contact"]) == (
        "bvv-basis",
        False,
        "free",
        None,
    )
    assert data["message"].startswith(
        "bvv-basis (BVV basic traject (free)) is free for PRIOR locations in the Antwerp "
        "region; it has no price and is not quoted."
    )


def test_free_offer_code_with_output_writes_nothing(tmp_path):
    target = tmp_path / "offerte.xlsx"
    result = quote("--traject", "coaching", "--output", str(target), *AS_OF)
    assert result.exit_code == 0, result.output
    assert not target.exists()
    assert f"Nothing written to {target}" in result.stderr


@pytest.mark.parametrize("code", ["op maat", "maat", "custom", "Op Maat"])
def test_custom_code_says_whom_to_contact(code):
    result = quote("--traject", code, *AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "A custom traject (op maat) has no listed price; mentes does not quote it. Ask "
        'vot@kdg.be for a proposal (source: "Liever een traject op maat? Mail naar '
        'vot@kdg.be").\n'
    )


def test_unknown_code_is_a_usage_error_listing_the_codes():
    result = quote("--traject", "E", *AS_OF)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --traject 'E' is not an offer; use one of A, B, C, D, basis, vervolg, "
        'bvv-basis, bvv-vervolg, coaching, "op maat"\n'
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Error: give --traject CODE (A, B, C, D, basis, vervolg) or --list\n"),
        (
            ["--list", "--traject", "A"],
            "Error: --list shows the price list; use it without --traject, --location and "
            "--output\n",
        ),
        (
            ["--traject", "A", "--output", "offerte.pdf"],
            "Error: --output offerte.pdf: the offerte is a workbook; end the name in .xlsx\n",
        ),
    ],
)
def test_bad_combinations_are_usage_errors(args, message):
    result = quote(*args, *AS_OF)
    assert result.exit_code == 2
    assert result.stderr == message


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--traject", "A", "--format", "csv"], "'csv' is not one of 'table', 'json'"),
        (["--traject", "A", "--as-of", "22.11.2026"], "'22.11.2026' is not a date"),
        (["--traject"], "requires an argument"),
    ],
)
def test_bad_option_values_exit_2(args, fragment):
    result = quote(*args)
    assert result.exit_code == 2
    assert fragment in result.stderr


def test_output_writes_the_offerte(tmp_path):
    target = tmp_path / "offerte.xlsx"
    result = quote("--traject", "B", "--location", "LOC-001", "--output", str(target), *AS_OF)
    assert result.exit_code == 0, result.output
    assert "Quote OFF-20261122-LOC001-B-" in result.stderr
    sheet = openpyxl.load_workbook(target)["Quote"]
    assert (
        sheet["B8"].value
        == json.loads(
            quote("--traject", "B", "--location", "LOC-001", "--format", "json", *AS_OF).stdout
        )["quote_number"]
    )
    assert sheet["B13"].value == "Vzw De Vlinder"


def test_output_with_json_keeps_stdout_json(tmp_path):
    target = tmp_path / "offerte.xlsx"
    result = quote("--traject", "A", "--format", "json", "--output", str(target), *AS_OF)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["traject"] == "A"
    assert target.exists()


def test_existing_output_is_kept_without_force_and_replaced_with_it(tmp_path):
    target = tmp_path / "offerte.xlsx"
    target.write_bytes(b"keep me")
    result = quote("--traject", "A", "--output", str(target), *AS_OF)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target}: exists already; use --force to replace it\n"
    assert target.read_bytes() == b"keep me"
    result = quote("--traject", "A", "--output", str(target), "--force", *AS_OF)
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target)["Quote"]["A6"].value == "QUOTE"


def test_output_in_a_missing_folder_exits_1(tmp_path):
    target = tmp_path / "nope" / "offerte.xlsx"
    result = quote("--traject", "A", "--output", str(target), *AS_OF)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target.parent}: folder does not exist\n"


def test_data_folder_with_a_new_price_list_is_used(tmp_path, sample_dir):
    text = (bundled_data_dir() / "tariffs.toml").read_text(encoding="utf-8")
    (sample_dir / "tariffs.toml").write_text(
        text.replace('price_eur = "4900.00"', 'price_eur = "5000.00"'), encoding="utf-8"
    )
    result = quote("--traject", "C", "--format", "json", "--data", str(sample_dir), *AS_OF)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["total_eur"], data["price_per_contact_hour"]) == (5000.0, 104.17)
    assert result.stderr == f"Using {sample_dir / 'tariffs.toml'}\n"
    with_location = quote(
        "--traject",
        "C",
        "--location",
        "LOC-003",
        "--format",
        "json",
        "--data",
        str(sample_dir),
        *AS_OF,
    )
    assert with_location.exit_code == 0, with_location.output
    assert json.loads(with_location.stdout)["total_eur"] == 5000.0


def test_as_of_before_the_first_price_list_exits_1():
    result = quote("--traject", "A", "--as-of", "2023-12-31")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the price list starts 2024-01-01; there are no prices for 2023-12-31. Give a "
        "date on or after 2024-01-01\n"
    )


def test_bad_records_with_a_location_exit_1(tmp_path):
    folder = write_records(tmp_path / "records", organisations="[[organisations]\n")
    result = quote("--traject", "A", "--location", "LOC-1", "--data", str(folder), *AS_OF)
    assert result.exit_code == 1
    assert "organisations.toml" in result.stderr
    assert result.stdout == ""


def test_broken_centre_toml_is_reported(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(bundled_data_dir() / "centre.toml", folder / "centre.toml")
    text = (folder / "centre.toml").read_text(encoding="utf-8")
    (folder / "centre.toml").write_text(
        text.replace("quote_validity_days = 30", 'quote_validity_days = "dertig"'),
        encoding="utf-8",
    )
    result = quote("--traject", "A", "--data", str(folder), *AS_OF)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Using {folder / 'centre.toml'}",
        "Error: centre.toml, quote_validity_days: must be a whole number of days, got 'dertig'",
    ]


def test_help_names_every_option():
    result = runner.invoke(app, ["quote", "--help"])
    assert result.exit_code == 0, result.output
    for option in (
        "--traject",
        "--list",
        "--location",
        "--as-of",
        "--format",
        "--output",
        "--force",
        "--data",
    ):
        assert option in result.stdout


def test_same_command_gives_the_same_quote_number_or_the_same_refusal():
    first = quote("--traject", "D", "--location", "LOC-008", "--format", "json", *AS_OF)
    second = quote("--traject", "d", "--location", "LOC-008", "--format", "json", *AS_OF)
    assert first.exit_code == 1  # Mechelen: outside the Antwerp districts
    assert first.stderr.splitlines()[-1].startswith("Error: cannot quote: LOC-008")
    third = quote("--traject", "D", "--location", "LOC-007", "--format", "json", *AS_OF)
    fourth = quote("--traject", "d", "--location", "LOC-007", "--format", "json", *AS_OF)
    assert third.exit_code == 0, third.output
    assert json.loads(third.stdout)["quote_number"] == json.loads(fourth.stdout)["quote_number"]
    assert second.exit_code == 1


def test_output_may_not_replace_the_input_workbook(tmp_path):
    workbook = tmp_path / "records.xlsx"
    workbook.write_bytes(b"the coordinator's records")
    result = quote(
        "--traject", "A", "--data", str(workbook), "--output", str(workbook), "--force", *AS_OF
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {workbook}: is an input of this command; choose another output file\n"
    )
    assert workbook.read_bytes() == b"the coordinator's records"
