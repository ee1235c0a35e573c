"""`mentes report` books the visits committed in the records (SPEC 10 with SPEC 8)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()


def test_booked_hours_are_the_committed_visits_that_are_not_cancelled(sample_dir: Path):
    def report() -> dict:
        result = runner.invoke(
            app, ["report", "--year", "2027", "--format", "json", "--data", str(sample_dir)]
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["booked"]["roles"]

    assert report()["coach"]["hours"] == 0
    committed = runner.invoke(
        app,
        [
            "plan",
            "--start",
            "2027-01-04",
            "--end",
            "2027-06-30",
            "--commit",
            "--data",
            str(sample_dir),
        ],
    )
    assert committed.exit_code == 0, committed.output
    cancelled = runner.invoke(app, ["cancel", "T-2026-022", "--data", str(sample_dir)])
    assert cancelled.exit_code == 0, cancelled.output
    records = tomllib.loads((sample_dir / "trajects.toml").read_text(encoding="utf-8"))
    coaches = tomllib.loads((sample_dir / "coaches.toml").read_text(encoding="utf-8"))
    role = {coach["id"]: coach["role"] for coach in coaches["coaches"]}
    expected = {"coach": 0.0, "support": 0.0}
    for traject in records["trajects"]:
        for visit in traject.get("visits", []):
            if visit["state"] != "cancelled" and visit["date"].year == 2027:
                expected[role[visit["coach"]]] += visit["hours"]
    booked = report()
    assert expected["coach"] > 0 and expected["support"] > 0
    assert booked["coach"]["hours"] == expected["coach"]
    assert booked["support"]["hours"] == expected["support"]
