"""`mentes --version`, `mentes validate` and the shared error handling of the command line."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import CliRunner
from conftest import ONE_ORGANISATION, write_records
from mentes_cli import __version__
from mentes_cli.cli import app

runner = CliRunner()
# "coaches" is Dutch as well (de coach, de coaches); paths are given relative to the test's
# folder, whose name holds English words.
DUTCH_TOO = frozenset({"coaches"})


def without_keys(text: str) -> str:
    """Give `text` without the TOML keys it names as codes ('subsidy_step', (ikt_places))."""
    import re

    return re.sub(r"[('\[][a-z]+(?:[_.][a-z]+)+[)'\]]", "", text)


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"mentes {__version__}\n"


def test_validate_sample_says_what_it_used():
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert (
        result.stdout == "OK: 14 organisations, 16 locations, 5 coaches, 14 trajects, 0 visits.\n"
    )
    assert "Records: the bundled sample records\n" in result.stderr
    assert "site-packages" not in result.stderr and "sample" + "/" not in result.stderr


def test_validate_reports_every_problem_and_exits_1(tmp_path):
    organisations = ONE_ORGANISATION.replace("subsidy_step = 2", "subsidy_step = true")
    organisations = organisations.replace('"group"', '"crèche"')
    folder = write_records(tmp_path / "records", organisations=organisations)
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: 2 problems found:",
        '  organisations.toml, line 8, location LOC-1, care_type: must be "group" or '
        "\"family\", got 'crèche'",
        "  organisations.toml, line 9, location LOC-1, subsidy_step: must be a whole number, "
        "got a yes/no value (True)",
    ]
    assert "Traceback" not in result.output


def test_validate_uses_mentes_data_and_local_data(tmp_path, monkeypatch):
    folder = write_records(tmp_path / "elsewhere", organisations=ONE_ORGANISATION)
    monkeypatch.setenv("MENTES_DATA", str(folder))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "OK: 1 organisation, 1 location, 0 coaches, 0 trajects, 0 visits." in result.stdout
    assert f"Records: {folder} (from MENTES_DATA)" in result.stderr


def test_missing_data_path(tmp_path):
    result = runner.invoke(app, ["validate", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope'}: no such file or folder (--data)\n"


def test_debug_shows_the_traceback(tmp_path):
    result = runner.invoke(app, ["--debug", "validate", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.exception is not None
    assert type(result.exception).__name__ == "InputError"


def test_unknown_option_is_a_usage_error():
    result = runner.invoke(app, ["validate", "--dta", "x"])
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_an_as_of_date_at_the_end_of_the_calendar_is_a_usage_error():
    result = runner.invoke(app, ["check-eligibility", "--as-of", "9999-12-31"])
    assert result.exit_code == 2
    assert "'9999-12-31' lies outside the years 1900 to 2999" in result.stderr


def test_a_missing_record_file_is_said(tmp_path):
    folder = write_records(tmp_path / "records", organisations=ONE_ORGANISATION)
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"{folder / 'coaches.toml'} is missing: read as no coaches" in result.stderr
    assert f"{folder / 'trajects.toml'} is missing: read as no trajects" in result.stderr


def test_a_broken_file_does_not_hide_the_problems_of_the_others(tmp_path):
    coaches = '[[coaches]]\nid = "C-1"\nname = "x\n'
    trajects = """\
[[trajects]]
id = "T-1"
location = "LOC-404"
offer = "coaching"
status = "aproved"
coach = "C-9"
"""
    folder = write_records(
        tmp_path / "records", organisations=ONE_ORGANISATION, coaches=coaches, trajects=trajects
    )
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: 3 problems found:"
    assert lines[1].startswith("  coaches.toml, line 3: not valid TOML")
    # The coaches could not be read, so C-9 is not called missing; the location is.
    assert (
        lines[2]
        == "  trajects.toml, line 3, traject T-1, location: location 'LOC-404' does not exist"
    )
    assert lines[3].startswith("  trajects.toml, line 5, traject T-1, status: must be")


REFUSED_COACHES = """\
[[coaches]]
id = "S-1"
name = "Karen"
role = "support"
fte = 1.0
workdays = ["mon", "tue", "wed", "thu", "fri"]
areas = ["regio-antwerpen"]
"""
REFUSED_TRAJECTS = """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "A"
status = "approved"
earliest = 2027-01-11

[[trajects]]
id = "T-2"
location = "LOC-1"
offer = "bvv-basis"
status = "approved"
earliest = 2027-01-11
"""


def test_validate_warns_about_approved_trajects_plan_will_refuse_with_the_plans_reason(tmp_path):
    # LOC-1 is not PRIOR (step 3, 19 IKT places): its free BVV is refused; and no pedagogical
    # coach works for the centre to take its paid coaching A.
    organisations = ONE_ORGANISATION.replace("subsidy_step = 2", "subsidy_step = 3").replace(
        "ikt_places = 12", "ikt_places = 19"
    )
    folder = write_records(
        tmp_path / "records",
        organisations=organisations,
        coaches=REFUSED_COACHES,
        trajects=REFUSED_TRAJECTS,
    )
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    prefix = "Warning: traject {}: `mentes plan` will not plan it: "
    not_prior = (
        "LOC-1 is not PRIOR (subsidy step 3 with IKT places of the organisation 19 > 18) on "
        "2027-01-11."
    )
    assert warnings == [
        prefix.format("T-1")
        + "no pedagogical coach serves LOC-1 (Antwerpen, district Berchem, postcode 2600)",
        prefix.format("T-2") + "not entitled to free regional support (beleidsvoerend vermogen) on "
        "2027-01-11: " + not_prior,
    ]
    # The same reasons as `mentes plan` gives.
    plan = runner.invoke(
        app,
        [
            "plan",
            "--data",
            str(folder),
            "--start",
            "2027-01-04",
            "--end",
            "2027-03-31",
            "--format",
            "json",
        ],
    )
    reasons = {u["traject"]: u["reasons"] for u in json.loads(plan.stdout)["unplanned"]}
    for warning in warnings:
        traject, reason = warning.removeprefix("Warning: traject ").split(
            ": `mentes plan` will not plan it: "
        )
        assert reason in reasons[traject], (reason, reasons)


# --- Dutch (issue 12) ---------------------------------------------------------------------------


def dutch(*args: str):
    """Run mentes in Dutch, then give the next test the language of the suite back."""
    from mentes_cli import i18n

    try:
        return runner.invoke(app, ["--lang", "nl", *args])
    finally:
        i18n.set_language(None)


def test_validate_speaks_dutch_on_the_sample():
    from english import english_left

    result = dutch("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "In orde: 14 organisatoren, 16 opvanglocaties, 5 coaches, 14 trajecten, 0 bezoeken.\n"
    )
    assert "Gegevens: het meegeleverde voorbeeld\n" in result.stderr
    # The data warnings of the eligibility engine are its own sentences (below).
    lines = result.output.splitlines()
    own = [line for line in lines if not line.startswith("Waarschuwing: locatie")]
    assert not english_left("\n".join(own), DUTCH_TOO), result.output


def test_validate_warnings_of_the_engine_are_dutch():
    from english import english_left

    result = dutch("validate")
    assert not english_left(without_keys(result.output), DUTCH_TOO), result.output


def test_validate_names_the_field_in_dutch_with_the_toml_key(tmp_path):
    from english import english_left

    folder = write_records(
        Path("records"), organisations=ONE_ORGANISATION.replace('"2600"', '"9999"')
    )
    result = dutch("validate", "--data", str(folder))
    assert result.exit_code == 1
    assert (
        "organisations.toml, regel 12, locatie LOC-1, Postcode (postcode): postcode 9999 is geen "
        "Belgische postcode die mentes kent" in result.stderr
    )
    missing = dutch("validate", "--data", "weg")
    assert missing.exit_code == 1
    assert "weg: dat bestand of die map bestaat niet (--data)" in missing.stderr
    for run in (result, missing):
        assert not english_left(without_keys(run.output), DUTCH_TOO), run.output


def test_validate_reports_a_missing_column_in_dutch(tmp_path):
    from english import english_left
    from excel_helpers import minimal_sheets, write_workbook

    sheets = minimal_sheets()
    header = sheets["Locaties"][0]
    header[header.index("Subsidietrap")] = "Subsidie trap nr"
    book = write_workbook(Path("book.xlsx"), sheets)
    result = dutch("validate", "--data", str(book))
    assert result.exit_code == 1
    assert "Locaties, rij 1: de verplichte kolom 'Subsidietrap' (of 'subsidy_step') ontbreekt" in (
        result.stderr
    )
    assert not english_left(without_keys(result.output), DUTCH_TOO), result.output
