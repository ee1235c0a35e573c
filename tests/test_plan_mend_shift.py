"""Mending a committed traject with its own coach, moving the visits in the way (SPEC 5 rule 7).

Review 2, F-l: a one-day leave on the day of a paid traject's intake call, with the first
visit the next day and the traject's earliest day on the intake day, left the intake call no
day before the first visit. The whole traject then went to another coach (9 changes). Keeping
the coach needs two moves: the intake call to the nearest valid day, and the first visit
after it.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]


def mentes(records: Path, *args: str, code: int = 0):
    result = runner.invoke(app, ["--lang", "en", *args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def traject(records: Path, traject_id: str) -> dict:
    data = tomllib.loads((records / "trajects.toml").read_text(encoding="utf-8"))
    return next(t for t in data["trajects"] if t["id"] == traject_id)


def add_leave(records: Path, coach: str, day: str) -> None:
    """Give `coach` one more day of leave (next to the sample's own leave)."""
    path = records / "coaches.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f'id = "{coach}"')
    end = text.find("[[coaches]]", start)
    end = len(text) if end < 0 else end
    block = text[start:end]
    extra = f"{{ start = {day}, end = {day} }}"
    if "\nleave = [" in block:
        block = block.replace("\nleave = [", f"\nleave = [{extra}, ", 1)
    else:
        block = block.rstrip("\n") + f"\nleave = [{extra}]\n\n"
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")


def committed_paid(records: Path) -> tuple[str, dict]:
    """Request, approve and commit a paid B for LOC-004 from 11/01/2027; give its id and
    traject."""
    added = mentes(
        records,
        "request",
        "LOC-004",
        "B",
        "--requested-on",
        "2026-11-30",
        "--earliest",
        "2027-01-11",
        "--approve",
    )
    traject_id = next(word for word in added.output.split() if word.startswith("T-2026-"))
    traject_id = traject_id.rstrip(":")
    mentes(records, "plan", *WINDOW, "--commit")
    return traject_id, traject(records, traject_id)


def test_a_leave_on_the_intake_day_keeps_the_coach_with_two_moves(sample_dir: Path):
    records = sample_dir
    traject_id, before = committed_paid(records)
    intake = next(v for v in before["visits"] if v["kind"] == "intake")
    visits = [v for v in before["visits"] if v["kind"] == "visit"]
    # The repro's shape: the intake call on the earliest day, the first visit the day after,
    # so no day before the first visit is left for the intake call.
    assert str(intake["date"]) == "2027-01-11"
    assert str(visits[0]["date"]) == "2027-01-12"
    coach = before["coach"]
    add_leave(records, coach, "2027-01-11")

    planned = json.loads(mentes(records, "plan", *WINDOW, "--format", "json").stdout)
    mine = [m for m in planned["moved"] if m["traject"] == traject_id]
    assert planned["incomplete"] == []
    assert {m["coach"] for m in mine} == {coach}  # same coach first
    assert [(m["kind"], m["old_date"]) for m in mine] == [
        ("intake", "2027-01-11"),
        ("visit", "2027-01-12"),
    ]
    new_intake = next(m["new_date"] for m in mine if m["kind"] == "intake")
    assert new_intake == "2027-01-12"  # the nearest valid day
    others = [v for v in planned["visits"] if v["traject"] == traject_id and v["kind"] == "visit"]
    assert min(v["date"] for v in others) > new_intake
    assert all("goes with its traject" not in m["reason"] for m in planned["moved"])

    # The commit writes it, the committed visits break no rule, and a re-plan changes nothing.
    mentes(records, "plan", *WINDOW, "--commit")
    after = traject(records, traject_id)
    assert after["coach"] == coach
    assert {v["coach"] for v in after["visits"]} == {coach}
    assert "break no rule" in mentes(records, "plan", "--check").stdout
    again = json.loads(mentes(records, "plan", *WINDOW, "--format", "json").stdout)
    assert again["moved"] == []


def test_the_visit_that_makes_way_says_why(sample_dir: Path):
    records = sample_dir
    traject_id, before = committed_paid(records)
    add_leave(records, before["coach"], "2027-01-11")
    result = mentes(records, "plan", *WINDOW)
    said = " ".join(result.output.split())
    assert f"Moved: {traject_id} ({before['coach']}) from 2027-01-12" in said
    assert "makes way for the intake moved to 2027-01-12" in said
