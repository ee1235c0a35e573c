"""`mentes check-eligibility` and the eligibility warnings of `mentes validate`."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from cli_runner import CliRunner
from conftest import write_records
from mentes_cli.cli import app, common
from mentes_cli.reference import bundled_data_dir

runner = CliRunner()
AS_OF = ["--as-of", "2026-11-22"]
QUICK = ["--subsidy-step", "2", "--ikt-places", "1", "--postcode", "2600"]
SAMPLE_WARNING = (
    "Warning: LOC-012: subsidy step 2 with 0 IKT places; check subsidy_step and ikt_places"
)


def check(*args: str):
    return runner.invoke(app, ["check-eligibility", *args])


def sample_json(*args: str) -> dict:
    result = check(*AS_OF, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


ORGANISATIONS = """\
[[organisations]]
id = "ORG-1"
name = "Vzw [red]Test[/red]"

[[organisations.locations]]
id = "LOC-1"
name = "=HYPERLINK(\\"http://x\\")"
care_type = "group"
subsidy_step = 2
ikt_places = 10
places = 28
postcode = "2600"

[[organisations.locations]]
id = "LOC-2"
name = "[bold]Deurne[/bold]"
care_type = "family"
subsidy_step = 3
ikt_places = 9
places = 9
postcode = "2100"
"""


# --- the sample records -------------------------------------------------------------------


def test_sample_json_for_loc_001_field_by_field():
    data = sample_json()
    assert list(data) == ["as_of", "results"]
    assert data["as_of"] == "2026-11-22"
    assert [r["location"] for r in data["results"]] == [f"LOC-{n:03d}" for n in range(1, 17)]
    first = data["results"][0]
    assert list(first) == [
        "location",
        "organisation",
        "place",
        "prior",
        "prior_rules",
        "regional_support",
        "pedagogical_coaching",
        "warnings",
    ]
    assert first["location"] == "LOC-001"
    assert first["organisation"] == "ORG-001"
    assert first["place"] == {
        "postcode": "2600",
        "municipality": "Antwerpen",
        "district": "Berchem",
        "province": "Antwerpen",
    }
    assert first["prior"] is True
    assert first["prior_rules"] == ["PRIOR-IKT"]
    support = first["regional_support"]
    assert list(support) == ["status", "next_free", "rules", "explanation", "used_by"]
    assert support["status"] == "free"
    assert support["next_free"] is None
    assert support["rules"] == ["PRIOR-IKT", "SCOPE-FREE", "SCOPE-PAID", "FREQ-AVAILABLE"]
    assert support["used_by"] == []
    assert support["explanation"] == (
        "Free: PRIOR by IKT places (subsidy step 2, IKT places of the organisation 12 + 6 = 18 "
        "≤ 18) and in the Antwerp region, and no free BVV traject counts in 2026."
    )
    coaching = first["pedagogical_coaching"]
    assert coaching["status"] == "paid"
    assert coaching["next_free"] == "2027-03-10"
    assert coaching["rules"] == ["PRIOR-IKT", "SCOPE-FREE", "SCOPE-PAID", "FREQ-USED"]
    assert coaching["used_by"] == ["T-2025-014"]
    assert first["warnings"] == []


def test_sample_shows_every_status_in_every_family():
    results = sample_json()["results"]
    for family in ("regional_support", "pedagogical_coaching"):
        assert {r[family]["status"] for r in results} == {"free", "paid", "unavailable"}
    assert {r["prior"] for r in results} == {True, False}
    rules = {rule for r in results for rule in r["prior_rules"]}
    assert {"PRIOR-OFFICIAL", "PRIOR-STEP", "PRIOR-IKT", "PRIOR-ENFORCEMENT", "NOT-PRIOR"} <= rules
    assert any(r["regional_support"]["next_free"] for r in results)
    assert any(r["pedagogical_coaching"]["next_free"] for r in results)


def test_sample_decisions_per_location():
    got = {
        r["location"]: (
            r["prior"],
            r["regional_support"]["status"],
            r["regional_support"]["next_free"],
            r["pedagogical_coaching"]["status"],
            r["pedagogical_coaching"]["next_free"],
        )
        for r in sample_json()["results"]
    }
    assert got == {
        "LOC-001": (True, "free", None, "paid", "2027-03-10"),
        "LOC-002": (True, "free", None, "free", None),
        "LOC-003": (False, "paid", None, "paid", None),
        "LOC-004": (False, "paid", None, "paid", None),
        "LOC-005": (True, "free", None, "paid", "2029-01-04"),
        "LOC-006": (True, "unavailable", "2028-01-01", "free", None),
        "LOC-007": (True, "paid", "2027-01-01", "paid", "2029-01-11"),
        "LOC-008": (False, "unavailable", None, "unavailable", None),
        "LOC-009": (True, "unavailable", None, "unavailable", "2029-02-01"),
        "LOC-010": (True, "unavailable", None, "unavailable", None),
        "LOC-011": (True, "free", None, "free", None),
        "LOC-012": (True, "paid", "2027-01-01", "free", None),
        "LOC-013": (False, "unavailable", None, "unavailable", None),
        "LOC-014": (False, "paid", None, "paid", None),
        "LOC-015": (True, "unavailable", None, "unavailable", None),
        "LOC-016": (True, "free", None, "free", None),
    }


def test_sample_shows_the_official_decision_and_a_coming_enforcement():
    today = {r["location"]: r for r in sample_json()["results"]}
    assert today["LOC-016"]["prior_rules"] == ["PRIOR-OFFICIAL"]
    assert today["LOC-013"]["prior_rules"] == ["NOT-PRIOR"]
    result = check("--as-of", "2027-02-01", "--location", "LOC-013", "--format", "json")
    assert result.exit_code == 0, result.output
    later = json.loads(result.stdout)["results"][0]
    assert later["prior_rules"] == ["PRIOR-ENFORCEMENT"]
    assert later["regional_support"]["status"] == "free"
    assert later["pedagogical_coaching"]["status"] == "free"


def test_json_goes_to_stdout_alone_and_warnings_to_stderr():
    result = check(*AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    assert result.stderr.splitlines() == [
        "Records: the bundled sample records",
        SAMPLE_WARNING,
    ]
    loc_012 = json.loads(result.stdout)["results"][11]
    assert loc_012["warnings"] == [
        "subsidy step 2 with 0 IKT places; check subsidy_step and ikt_places"
    ]


def test_table_fits_80_columns_and_ends_with_the_summary(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(common.stdout, "width", 80)
    result = check(*AS_OF)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "Eligibility as of 2026-11-22" in lines[0]
    stripped = [line.rstrip() for line in lines]
    assert any(line.split() == ["LOC-001", "yes", "free", "paid"] for line in stripped), (
        result.stdout
    )
    # LOC-012's free BVV is taken by its own approved request: say so under "paid".
    at = next(i for i, line in enumerate(stripped) if line.split()[:1] == ["LOC-012"])
    assert stripped[at].split()[-2:] == ["paid", "free"]
    # At 80 columns the traject's status and id take two lines, to leave the names room.
    assert stripped[at + 1].split()[-1] == "approved"
    assert stripped[at + 2].split()[-1] == "T-2026-024"
    assert "free 2027-01-01" in stripped[at + 3]
    assert [line.rstrip() for line in lines[-7:]] == [
        "16 locations",
        "",
        "  Offer family             free   paid   unavailable",
        " ────────────────────────────────────────────────────",
        "  Regional support (BVV)      5      5             6",
        "  Pedagogical coaching        5      6             5",
        "",
    ]
    assert SAMPLE_WARNING in result.stderr


def test_csv_has_a_fixed_header_and_one_row_per_location():
    result = check(*AS_OF, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "location",
        "organisation",
        "postcode",
        "municipality",
        "district",
        "province",
        "prior",
        "prior_rules",
        "regional_support_status",
        "regional_support_next_free",
        "regional_support_rules",
        "regional_support_explanation",
        "regional_support_used_by",
        "pedagogical_coaching_status",
        "pedagogical_coaching_next_free",
        "pedagogical_coaching_rules",
        "pedagogical_coaching_explanation",
        "pedagogical_coaching_used_by",
        "warnings",
    ]
    assert len(rows) == 16
    loc_007 = rows[6]
    assert (loc_007["location"], loc_007["organisation"], loc_007["prior"]) == (
        "LOC-007",
        "ORG-005",
        "true",
    )
    assert loc_007["prior_rules"] == "PRIOR-ENFORCEMENT"
    assert loc_007["regional_support_status"] == "paid"
    assert loc_007["regional_support_next_free"] == "2027-01-01"
    assert loc_007["regional_support_rules"] == (
        "PRIOR-ENFORCEMENT; SCOPE-FREE; SCOPE-PAID; FREQ-USED"
    )
    assert loc_007["regional_support_used_by"] == "T-2026-002"
    assert rows[11]["warnings"] == (
        "subsidy step 2 with 0 IKT places; check subsidy_step and ikt_places"
    )


def test_csv_with_explain_adds_inputs_and_parameters_as_json():
    result = check(*AS_OF, "--format", "csv", "--explain", "--location", "LOC-003")
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(row)[-4:] == [
        "regional_support_inputs",
        "regional_support_parameters",
        "pedagogical_coaching_inputs",
        "pedagogical_coaching_parameters",
    ]
    assert json.loads(row["regional_support_inputs"])["ikt_places_organisation"] == 19
    assert json.loads(row["pedagogical_coaching_parameters"])["period"] == "rolling-24-months"


# --- choosing locations ---------------------------------------------------------------------


def test_location_option():
    data = sample_json("--location", "LOC-007")
    assert [r["location"] for r in data["results"]] == ["LOC-007"]
    assert data["results"][0]["prior_rules"] == ["PRIOR-ENFORCEMENT"]


def test_organisation_option():
    data = sample_json("--organisation", "ORG-002")
    assert [(r["location"], r["organisation"]) for r in data["results"]] == [
        ("LOC-003", "ORG-002"),
        ("LOC-004", "ORG-002"),
    ]


def test_unknown_location_exits_1_naming_it():
    result = check("--location", "LOC-999")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "Error: no location 'LOC-999' in the records (did you mean LOC-009?)"
    )


def test_unknown_organisation_exits_1_naming_it():
    result = check("--organisation", "NOPE")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: no organisation 'NOPE' in the records"


def test_location_and_organisation_together_is_a_usage_error():
    result = check("--location", "LOC-001", "--organisation", "ORG-001")
    assert result.exit_code == 2
    assert result.stderr == "Error: give --location or --organisation, not both\n"


def test_as_of_moves_the_decision():
    earlier = sample_json("--location", "LOC-001")["results"][0]
    later = check("--as-of", "2027-03-10", "--format", "json", "--location", "LOC-001")
    assert later.exit_code == 0, later.output
    coaching = json.loads(later.stdout)["results"][0]["pedagogical_coaching"]
    assert earlier["pedagogical_coaching"]["status"] == "paid"
    assert (coaching["status"], coaching["next_free"]) == ("free", None)
    assert json.loads(later.stdout)["as_of"] == "2027-03-10"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--as-of", "22.11.2026"],
            "'22.11.2026' is not a date that exists; write a date such as 2027-03-10 or 10/03/2027",
        ),
        (["--format", "xml"], "'xml' is not one of 'table', 'json', 'csv'"),
        (["--subsidy-step", "4", "--ikt-places", "1", "--postcode", "2600"], "--subsidy-step"),
        (
            ["--subsidy-step", "two", "--ikt-places", "1", "--postcode", "2600"],
            "Invalid value for '--subsidy-step': Input should be a valid integer",
        ),
        (["--subsidy-step", "2", "--ikt-places", "-1", "--postcode", "2600"], "--ikt-places"),
        (
            ["--subsidy-step", "2", "--ikt-places", "1", "--postcode", "26000"],
            "'26000' is not a Belgian postcode; give 4 digits, e.g. 2600",
        ),
        (
            ["--subsidy-step", "2", "--ikt-places", "1", "--postcode", "2600", "--places", "0"],
            "--places",
        ),
        (
            ["--subsidy-step", "2", "--ikt-places", "1", "--postcode", "2600", "--care-type", "x"],
            "'x' is not a care type; write groepsopvang or gezinsopvang",
        ),
        (
            [*QUICK, "--last-coaching", "2025-13-01"],
            "'2025-13-01' is not a date that exists; write a date such as 2027-03-10",
        ),
        (
            [*QUICK, "--last-support", "soon"],
            "'soon' is not a date",
        ),
    ],
)
def test_bad_option_values_exit_2(args, message):
    result = check(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in " ".join(result.stderr.split()), result.stderr


# --- --explain ------------------------------------------------------------------------------


def test_explain_table_shows_rules_inputs_and_parameters(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(common.stdout, "width", 200)
    result = check(*AS_OF, "--explain", "--organisation", "ORG-002")
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert "LOC-003 Het Zonnetje Deurne — ORG-002 Kinderdagverblijf Het Zonnetje bv" in lines
    assert "  PRIOR: no (NOT-PRIOR)" in lines
    assert "    IKT places of the organisation: 10 + 9 = 19 > 18" in lines
    assert "    Subsidy step: 3 (PRIOR-STEP for steps 0, 1; PRIOR-IKT for steps 2, 3)" in lines
    assert "  Regional support (BVV): paid" in lines
    assert "    Rules: NOT-PRIOR, SCOPE-FREE, SCOPE-PAID" in lines
    assert (
        "    Free scope provincie-antwerpen (the province of Antwerp): inside; paid scope "
        "antwerpen-districten (the ten districts of Antwerp): inside"
    ) in lines
    assert "  Pedagogical coaching: paid" in lines


def test_explain_table_for_a_used_entitlement(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(common.stdout, "width", 200)
    result = check(*AS_OF, "--explain", "--location", "LOC-001")
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert "    IKT places of the organisation: 12 + 6 = 18 ≤ 18" in lines
    assert "  Pedagogical coaching: paid, free from 2027-03-10" in lines
    assert (
        "    Frequency: once in 24 months; trajects that use the entitlement (coaching with "
        "status approved, planned, active, done): T-2025-014 (coaching, done, 2025-03-10)"
    ) in lines


def test_explain_json_adds_inputs_and_parameters():
    data = sample_json("--explain", "--location", "LOC-007")
    support = data["results"][0]["regional_support"]
    assert list(support) == [
        "status",
        "next_free",
        "rules",
        "explanation",
        "used_by",
        "inputs",
        "parameters",
    ]
    assert support["inputs"]["enforcement_since"] == "2026-09-01"
    assert support["inputs"]["trajects_using_entitlement"] == [
        {"id": "T-2026-002", "offer": "bvv-basis", "status": "done", "date": "2026-02-02"}
    ]
    assert support["parameters"]["period"] == "calendar-year"
    assert support["parameters"]["free_scope"] == "regio-antwerpen"
    assert support["parameters"]["paid_scope"] == "groot-antwerpen"


def test_record_text_is_never_markup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(common.stdout, "width", 120)
    folder = write_records(tmp_path / "records", organisations=ORGANISATIONS)
    result = check(*AS_OF, "--data", str(folder))
    assert result.exit_code == 0, result.output
    assert "[bold]Deurne[/bold]" in result.stdout
    explained = check(*AS_OF, "--data", str(folder), "--explain")
    assert explained.exit_code == 0, explained.output
    assert "— ORG-1 Vzw [red]Test[/red]" in explained.stdout


# --- the overview workbook --------------------------------------------------------------------


def test_output_workbook_has_a_filter_a_frozen_header_and_one_row_per_location(tmp_path: Path):
    target = tmp_path / "overzicht.xlsx"
    result = check(*AS_OF, "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == f"Overview of 16 locations written to {target}"
    assert "LOC-001" not in result.stdout  # the table shows only the summary then
    assert "Regional support (BVV)      5      5             6" in result.stdout
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == ["Eligibility", "About"]
    sheet = workbook["Eligibility"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:Y17"
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Location", "Location name", "Organisation", "Organisation name"]
    assert header[12:16] == [
        "PRIOR",
        "PRIOR rules",
        "Regional support",
        "Regional support: free from",
    ]
    assert header[-1] == "Warnings"
    assert sheet.max_row == 17
    row = {header[i]: cell.value for i, cell in enumerate(sheet[2])}
    assert row["Location"] == "LOC-001"
    assert row["Location name"] == "De Vlinder Berchem"
    assert row["Organisation name"] == "Vzw De Vlinder"
    assert (row["Postcode"], row["Municipality"], row["District"]) == (
        "2600",
        "Antwerpen",
        "Berchem",
    )
    assert row["Subsidy step"] == 2
    assert row["IKT places of the organisation"] == 18
    assert row["PRIOR"] == "yes"
    assert row["PRIOR rules"] == "PRIOR-IKT"
    assert row["Regional support"] == "free"
    assert row["Regional support: free from"] is None
    assert row["Pedagogical coaching"] == "paid"
    assert row["Pedagogical coaching: free from"] == datetime(2027, 3, 10)
    assert row["Pedagogical coaching: rules"] == "PRIOR-IKT, SCOPE-FREE, SCOPE-PAID, FREQ-USED"
    loc_007 = {header[i]: cell.value for i, cell in enumerate(sheet[8])}
    assert loc_007["Enforcement"] == "yes, since 2026-09-01"
    about = workbook["About"]
    assert about["A2"].value == "As of"
    assert about["B2"].value == datetime(2026, 11, 22)
    assert (about["A4"].value, about["B4"].value) == ("Records", "the bundled sample records")


def test_output_refuses_to_overwrite_without_force(tmp_path: Path):
    target = tmp_path / "overzicht.xlsx"
    target.write_bytes(b"old")
    result = check(*AS_OF, "--output", str(target))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: {target}: exists already; use --force to replace it"
    )
    assert target.read_bytes() == b"old"
    forced = check(*AS_OF, "--output", str(target), "--force", "--format", "json")
    assert forced.exit_code == 0, forced.output
    assert len(json.loads(forced.stdout)["results"]) == 16
    assert openpyxl.load_workbook(target)["Eligibility"]["A2"].value == "LOC-001"


def test_output_must_be_a_workbook(tmp_path: Path):
    result = check("--output", str(tmp_path / "overzicht.csv"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --output {tmp_path / 'overzicht.csv'}: the overview is a workbook; end the name "
        "in .xlsx\n"
    )


def test_nothing_is_written_when_the_records_are_bad(tmp_path: Path):
    folder = write_records(
        tmp_path / "records", organisations=ORGANISATIONS.replace("subsidy_step = 2", "x = 1")
    )
    target = tmp_path / "overzicht.xlsx"
    result = check("--data", str(folder), "--output", str(target))
    assert result.exit_code == 1
    assert not target.exists()


def test_record_text_in_the_workbook_is_never_a_formula(tmp_path: Path):
    folder = write_records(tmp_path / "records", organisations=ORGANISATIONS)
    target = tmp_path / "overzicht.xlsx"
    result = check(*AS_OF, "--data", str(folder), "--output", str(target))
    assert result.exit_code == 0, result.output
    cell = openpyxl.load_workbook(target)["Eligibility"]["B2"]
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


# --- the quick check without records -----------------------------------------------------------


def test_quick_check_json():
    result = check(
        *AS_OF,
        "--format",
        "json",
        "--subsidy-step",
        "2",
        "--ikt-places",
        "12",
        "--postcode",
        "2600",
        "--last-coaching",
        "2025-03-10",
        "--last-support",
        "2025-12-31",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-11-22"
    (only,) = data["results"]
    assert list(only) == [
        "location",
        "organisation",
        "place",
        "prior",
        "prior_rules",
        "regional_support",
        "pedagogical_coaching",
        "warnings",
    ]
    assert (only["location"], only["organisation"]) == (None, None)
    assert only["place"] == {
        "postcode": "2600",
        "municipality": "Antwerpen",
        "district": "Berchem",
        "province": "Antwerpen",
    }
    assert (only["prior"], only["prior_rules"]) == (True, ["PRIOR-IKT"])
    assert only["regional_support"]["status"] == "free"
    assert only["regional_support"]["next_free"] is None
    assert only["pedagogical_coaching"]["status"] == "paid"
    assert only["pedagogical_coaching"]["next_free"] == "2027-03-10"
    assert only["warnings"] == []
    assert "Records:" not in result.stderr


def test_quick_check_enforcement_family_care_and_places():
    result = check(
        *AS_OF,
        "--format",
        "json",
        "--subsidy-step",
        "3",
        "--ikt-places",
        "40",
        "--places",
        "30",
        "--postcode",
        "2800",
        "--enforcement",
        "--care-type",
        "family",
        "--explain",
    )
    assert result.exit_code == 0, result.output
    (only,) = json.loads(result.stdout)["results"]
    assert only["prior_rules"] == ["PRIOR-ENFORCEMENT"]
    assert only["regional_support"]["status"] == "unavailable"
    assert only["pedagogical_coaching"]["status"] == "free"
    assert only["pedagogical_coaching"]["inputs"]["care_type"] == "family"
    assert only["warnings"] == ["40 IKT places but only 30 places; check ikt_places and places"]
    assert (
        result.stderr
        == "Warning: 40 IKT places but only 30 places; check --ikt-places and --places\n"
    )


def test_quick_check_table_and_workbook(tmp_path: Path):
    target = tmp_path / "snel.xlsx"
    quick = ["--subsidy-step", "1", "--ikt-places", "0", "--postcode", "2070"]
    result = check(*AS_OF, *quick, "--output", str(target))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(target)["Eligibility"]
    header = [cell.value for cell in sheet[1]]
    row = {header[i]: cell.value for i, cell in enumerate(sheet[2])}
    assert row["Location"] == "(quick check)"
    assert row["Municipality"] == "Beveren-Kruibeke-Zwijndrecht"
    assert (row["Regional support"], row["Pedagogical coaching"]) == ("unavailable", "unavailable")
    table = check(*AS_OF, *quick)
    assert table.exit_code == 0, table.output
    assert "(quick check)" in table.stdout


def test_quick_check_uses_the_rules_of_a_data_folder(tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    rules = (bundled_data_dir() / "rules.toml").read_text(encoding="utf-8")
    (folder / "rules.toml").write_text(
        rules.replace("ikt_max_places = 18", "ikt_max_places = 20"), encoding="utf-8"
    )
    args = ["--subsidy-step", "2", "--ikt-places", "19", "--postcode", "2600", "--format", "json"]
    assert json.loads(check(*AS_OF, *args).stdout)["results"][0]["prior"] is False
    with_folder = check(*AS_OF, *args, "--data", str(folder))
    assert with_folder.exit_code == 0, with_folder.output
    assert json.loads(with_folder.stdout)["results"][0]["prior_rules"] == ["PRIOR-IKT"]


def test_quick_check_needs_step_places_and_postcode():
    result = check("--ikt-places", "12", "--postcode", "2600")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: the quick check needs --subsidy-step, --ikt-places and --postcode; "
        "missing: --subsidy-step\n"
    )


def test_quick_check_with_location_is_a_usage_error():
    result = check("--location", "LOC-001", "--subsidy-step", "2", "--enforcement")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --location decides for a location in the records; --subsidy-step, --enforcement "
        "describe a location for a quick check without records. Use one or the other\n"
    )


# --- the same records from TOML or Excel give the same JSON bytes --------------------------------


def test_json_is_the_same_from_a_workbook(tmp_path: Path):
    workbook = tmp_path / "records.xlsx"
    exported = runner.invoke(app, ["export", "--to", str(workbook)])
    assert exported.exit_code == 0, exported.output
    from_folder = check(*AS_OF, "--format", "json", "--explain")
    from_workbook = check(*AS_OF, "--format", "json", "--explain", "--data", str(workbook))
    assert from_workbook.exit_code == 0, from_workbook.output
    assert from_workbook.stdout == from_folder.stdout


# --- mentes validate ---------------------------------------------------------------------------


def test_validate_prints_the_data_warnings_on_stderr(tmp_path: Path):
    trajects = """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "coaching"
status = "approved"
earliest = 2027-01-11

[[trajects]]
id = "T-2"
location = "LOC-1"
offer = "coaching"
status = "approved"
earliest = 2027-09-06
"""
    organisations = ORGANISATIONS.replace(
        'postcode = "2100"', 'postcode = "2100"\ndistrict = "Hoboken"'
    )
    folder = write_records(
        tmp_path / "records", organisations=organisations, coaches="", trajects=trajects
    )
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "OK: 1 organisation, 2 locations, 0 coaches, 2 trajects, 0 visits.\n"
    assert result.stderr.splitlines()[1:3] == [
        "Warning: location LOC-2: district 'Hoboken' does not match postcode 2100 "
        "(district Deurne)",
        "Warning: location LOC-1: approved free coaching trajects T-1 (2027-01-11) and T-2 "
        "(2027-09-06) cannot both be free as dated; T-2 would be free from 2029-01-11 at the "
        "earliest",
    ]
    # LOC-1 is not PRIOR (19 IKT places), and the records hold no coach: plan will refuse both.
    refused = [line for line in result.stderr.splitlines()[3:] if "will not plan it" in line]
    assert len(refused) == 4, result.stderr


def test_validate_sample_warns_about_step_2_without_ikt_places():
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert (
        "Warning: location LOC-012: subsidy step 2 with 0 IKT places; check subsidy_step and "
        "ikt_places"
    ) in result.stderr.splitlines()


def test_output_never_replaces_the_input_workbook(tmp_path: Path):
    workbook = tmp_path / "records.xlsx"
    exported = runner.invoke(app, ["export", "--to", str(workbook)])
    assert exported.exit_code == 0, exported.output
    before = workbook.read_bytes()
    result = check("--data", str(workbook), "--output", str(workbook), "--force")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: {workbook}: is an input of this command; choose another output file"
    )
    assert workbook.read_bytes() == before


def test_quick_check_of_an_unknown_postcode_is_a_usage_error_naming_the_close_ones():
    result = check("--subsidy-step", "2", "--ikt-places", "12", "--postcode", "2190")
    assert result.exit_code == 2, result.output
    message = result.stderr.splitlines()[-1]
    assert message.startswith("Error: --postcode 2190: not a postcode mentes knows. ")
    assert "2180 Antwerpen (district Ekeren)" in message
    assert "2100 Antwerpen (district Deurne)" in message
    assert result.stdout == ""


def test_postcodes_one_typo_away_are_a_changed_digit_or_two_swapped():
    from mentes_cli.regions import postcodes_one_typo_away

    close = postcodes_one_typo_away("2190")
    assert {"2180", "2100", "2910"} <= set(close)  # 2910: the 1 and the 9 swapped
    assert close == sorted(close)
    assert "2600" in postcodes_one_typo_away("6200")  # the first two digits swapped
    assert "2600" in postcodes_one_typo_away("2700")
    assert "2600" not in postcodes_one_typo_away("2611")  # two typos


def test_quick_check_shows_the_place_and_what_the_free_offers_hold():
    result = check(*AS_OF, "--subsidy-step", "2", "--ikt-places", "12", "--postcode", "2180")
    assert result.exit_code == 0, result.output
    assert "2180 Antwerpen (district Ekeren)" in result.stdout
    # Each free offer of offers.toml, with what tariffs.toml says it holds.
    assert result.stdout.splitlines()[-3:] == [
        "BVV basic traject (free): 2 contact moments of at most 3 h on location.",
        "BVV follow-up traject (free): 2 to 5 contact moments of at most 3 h on location.",
        "Pedagogical coaching (free): about 50 h on the floor, over 7 or 8 days.",
    ]
    assert "records" not in result.output.lower()


def test_quick_check_explained_invents_nothing_it_was_not_given():
    args = ["--subsidy-step", "2", "--ikt-places", "12", "--postcode", "2180", "--explain"]
    result = check(*AS_OF, *args)
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert "    Care type: group; places: not given" in lines
    assert "    Official status (Opgroeien): not given" in lines
    assert "records" not in result.output.lower()
    data = json.loads(check(*AS_OF, *args, "--format", "json").stdout)
    assert data["results"][0]["regional_support"]["inputs"]["places"] is None
    given = json.loads(check(*AS_OF, *args, "--places", "30", "--format", "json").stdout)
    assert given["results"][0]["regional_support"]["inputs"]["places"] == 30


def test_a_wide_table_shows_the_traject_that_takes_the_entitlement_on_one_line(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(common.stdout, "width", 120)
    result = check(*AS_OF)
    assert result.exit_code == 0, result.output
    stripped = [line.rstrip() for line in result.stdout.splitlines()]
    assert max(len(line) for line in stripped) <= 120
    at = next(i for i, line in enumerate(stripped) if line.split()[:1] == ["LOC-012"])
    assert stripped[at + 1].endswith("approved T-2026-024"), result.stdout
    assert "free 2027-01-01" in stripped[at + 2]


@pytest.mark.parametrize("written", ["2027-03-10", "10/03/2027", "10-03-2027", "1/3/2027"])
def test_a_date_on_the_command_line_may_be_written_day_first(written: str):
    result = runner.invoke(app, ["check-eligibility", "--as-of", written, "--format", "json"])
    assert result.exit_code == 0, result.output
    expected = "2027-03-01" if written == "1/3/2027" else "2027-03-10"
    assert json.loads(result.stdout)["as_of"] == expected
