"""`mentes plan` on the sample: JSON, tables, --save/--keep, --check and bad input."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.cli.plan import next_monday

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
SAMPLE_APPROVED = [
    "T-2026-021",
    "T-2026-022",
    "T-2026-023",
    "T-2026-024",
    "T-2026-025",
    "T-2026-026",
    "T-2026-027",
    "T-2026-028",
]


def run(*args: str):
    return runner.invoke(app, ["plan", *args])


def test_json_has_the_shape_of_spec_4():
    result = run(*WINDOW, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["visits", "unplanned", "incomplete", "moved"]
    first = data["visits"][0]
    assert list(first) == ["traject", "location", "coach", "date", "start", "hours", "kind"]
    assert first == {
        "traject": "T-2026-023",
        "location": "LOC-005",
        "coach": "C-01",
        "date": "2027-01-04",
        "start": "08:30",
        "hours": 6.25,
        "kind": "visit",
    }
    planned = sorted({v["traject"] for v in data["visits"]})
    assert planned + [u["traject"] for u in data["unplanned"]] == SAMPLE_APPROVED
    assert {v["kind"] for v in data["visits"]} == {"visit", "intake"}


def test_csv_has_one_row_per_visit_with_the_json_columns():
    result = run(*WINDOW, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    visits = json.loads(run(*WINDOW, "--format", "json").stdout)["visits"]
    assert len(rows) == len(visits)
    assert rows[0] == {
        "traject": "T-2026-023",
        "location": "LOC-005",
        "coach": "C-01",
        "date": "2027-01-04",
        "start": "08:30",
        "hours": "6.25",
        "kind": "visit",
    }


def test_json_is_the_same_twice():
    assert run(*WINDOW, "--format", "json").stdout == run(*WINDOW, "--format", "json").stdout


def test_table_lists_trajects_visits_and_unplanned():
    result = run("--start", "2027-01-04", "--end", "2027-01-20")
    assert result.exit_code == 0, result.output
    assert "Plan 2027-01-04 to 2027-01-20: trajects" in result.stdout
    assert "Not planned" in result.stdout
    assert "no day to plan in: earliest 2027-02-01 is after the plan's end 2027-01-20" in (
        " ".join(result.stdout.split())
    )


def test_save_then_keep_round_trip(tmp_path: Path):
    saved = tmp_path / "plan.toml"
    first = run(*WINDOW, "--save", str(saved), "--format", "json")
    assert first.exit_code == 0, first.output
    assert f"Plan saved to {saved}." in first.stderr
    document = tomllib.loads(saved.read_text(encoding="utf-8"))
    assert document["visits"][0]["fixed"] is False
    again = run(*WINDOW, "--keep", str(saved), "--format", "json")
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout
    # Planning again from a later start keeps the visits before it.
    later = run(
        "--start", "2027-02-01", "--end", "2027-06-30", "--keep", str(saved), "--format", "json"
    )
    assert later.exit_code == 0, later.output
    before = [v for v in json.loads(first.stdout)["visits"] if v["date"] < "2027-02-01"]
    kept = [v for v in json.loads(later.stdout)["visits"] if v["date"] < "2027-02-01"]
    assert kept == before


def test_save_refuses_an_existing_file_without_force(tmp_path: Path):
    saved = tmp_path / "plan.toml"
    saved.write_text("x", encoding="utf-8")
    result = run(*WINDOW, "--save", str(saved))
    assert result.exit_code == 1
    assert f"Error: {saved}: exists already; use --force to replace it" in result.stderr
    assert saved.read_text(encoding="utf-8") == "x"
    assert run(*WINDOW, "--save", str(saved), "--force").exit_code == 0


def test_save_never_overwrites_the_kept_plan(tmp_path: Path):
    saved = tmp_path / "plan.toml"
    assert run(*WINDOW, "--save", str(saved)).exit_code == 0
    result = run(*WINDOW, "--keep", str(saved), "--save", str(saved), "--force")
    assert result.exit_code == 1
    assert "is an input of this command; choose another output file" in result.stderr


def test_check_a_plan_without_violations(tmp_path: Path):
    saved = tmp_path / "plan.toml"
    assert run(*WINDOW, "--save", str(saved)).exit_code == 0
    result = run("--check", str(saved))
    assert result.exit_code == 0, result.output
    assert "plan.toml: no violations" in result.stdout


def test_check_a_hand_edited_plan_with_a_violation(tmp_path: Path):
    saved = tmp_path / "plan.toml"
    assert run(*WINDOW, "--save", str(saved)).exit_code == 0
    text = saved.read_text(encoding="utf-8")
    # Move T-2026-023's first visit (C-01, Monday 4 January) to Friday 1 January.
    text = text.replace(
        'date = 2027-01-04\nstart = "08:30"\nhours = 6.25',
        'date = 2027-01-01\nstart = "08:30"\nhours = 6.25',
        1,
    )
    saved.write_text(text, encoding="utf-8")
    result = run("--check", str(saved))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].endswith("plan.toml: 4 violations:")
    # Each violation wraps at the terminal's width, its next lines indented under it.
    assert all(len(line) <= 100 for line in lines[1:])  # COLUMNS=100 (conftest.py)
    violations: list[str] = []
    for line in lines[1:]:
        if line.startswith("    "):
            violations[-1] += " " + line.strip()
        else:
            violations.append(line)
    assert violations == [
        "  T-2026-023, visit on 2027-01-01 (C-01): 2027-01-01 is a public holiday (New Year's Day) "
        "[holiday]",
        "  T-2026-023, visit on 2027-01-01 (C-01): Friday is not a workday of C-01 (mon, tue, "
        "wed, thu) [workdays]",
        "  T-2026-023, visit on 2027-01-01 (C-01): LOC-005 is not open on Fridays (mon, tue, "
        "wed, thu) [opening days]",
        "  T-2026-023, visit on 2027-01-01 (C-01): before the earliest day 2027-01-04 [earliest]",
    ]


def test_bad_dates_are_usage_errors():
    result = run("--start", "2027-13-01")
    assert result.exit_code == 2
    assert (
        "'2027-13-01' is not a date that exists; write a date such as 2027-03-10" in result.stderr
    )
    result = run("--start", "2027-02-01", "--end", "2027-01-01")
    assert result.exit_code == 2
    assert "Error: --end 2027-01-01 is before --start 2027-02-01" in result.stderr


def test_bad_keep_file_names_file_line_and_field(tmp_path: Path):
    saved = tmp_path / "plan.toml"
    saved.write_text(
        'start = 2027-01-04\nend = 2027-06-30\n\n[[visits]]\ntraject = "T-2026-023"\n'
        'location = "LOC-005"\ncoach = "C-01"\ndate = "next week"\nstart = "8u"\nhours = 6.25\n',
        encoding="utf-8",
    )
    result = run(*WINDOW, "--keep", str(saved))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        "  plan.toml, line 8, visit 1, date: must be a date (yyyy-mm-dd), got 'next week'",
        "  plan.toml, line 9, visit 1, start: must be a time HH:MM, got '8u'",
    ]


def test_bad_keep_file_start_time(tmp_path: Path):
    saved = tmp_path / "plan.toml"
    saved.write_text(
        'start = 2027-01-04\nend = 2027-06-30\n\n[[visits]]\ntraject = "T-2026-023"\n'
        'location = "LOC-005"\ncoach = "C-01"\ndate = 2027-01-04\nstart = "8u"\nhours = 6.25\n',
        encoding="utf-8",
    )
    result = run(*WINDOW, "--keep", str(saved))
    assert result.exit_code == 1
    assert (
        "Error: plan.toml, line 9, visit 1, start: must be a time HH:MM, got '8u'" in result.stderr
    )


def test_malformed_check_file(tmp_path: Path):
    saved = tmp_path / "plan.toml"
    saved.write_text("start = 2027-01-04\nend = \n", encoding="utf-8")
    result = run("--check", str(saved))
    assert result.exit_code == 1
    assert result.stderr.startswith("Records: ")
    assert "plan.toml, line 2: not valid TOML" in result.stderr


def test_check_cannot_be_combined_with_save(tmp_path: Path):
    result = run("--check", "a.toml", "--save", "b.toml")
    assert result.exit_code == 2
    assert "Error: --check cannot be combined with --save" in result.stderr


def test_default_start_is_the_next_monday():
    from datetime import date

    assert next_monday(date(2026, 11, 22)) == date(2026, 11, 23)  # a Sunday
    assert next_monday(date(2026, 11, 23)) == date(2026, 11, 30)  # a Monday
    assert next_monday(date(2026, 11, 27)) == date(2026, 11, 30)


def test_output_workbook_and_calendars_are_written(tmp_path: Path):
    workbook = tmp_path / "planning.xlsx"
    calendars = tmp_path / "agenda"
    result = run(*WINDOW, "--output", str(workbook), "--ics", str(calendars))
    assert result.exit_code == 0, result.output
    assert workbook.is_file()
    assert sorted(p.name for p in calendars.iterdir()) == [
        "C-01.ics",
        "C-02.ics",
        "C-03.ics",
        "S-01.ics",
        "S-02.ics",
    ]
    # Again without --force: refused before anything is written.
    again = run(*WINDOW, "--ics", str(calendars), "--save", str(tmp_path / "new.toml"))
    assert again.exit_code == 1
    assert "C-01.ics: exists already; use --force to replace it" in again.stderr
    assert not (tmp_path / "new.toml").exists()


def test_output_must_be_a_workbook(tmp_path: Path):
    result = run(*WINDOW, "--output", str(tmp_path / "plan.csv"))
    assert result.exit_code == 2
    assert "the schedule workbook must be an .xlsx file" in result.stderr


def test_output_never_overwrites_the_kept_plan(tmp_path: Path):
    saved = tmp_path / "plan.toml"
    assert run(*WINDOW, "--save", str(saved)).exit_code == 0
    before = saved.read_bytes()
    result = run(*WINDOW, "--keep", str(saved), "--output", str(saved), "--force")
    assert result.exit_code != 0
    assert saved.read_bytes() == before
