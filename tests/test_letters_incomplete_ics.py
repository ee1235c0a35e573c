"""An incomplete traject's visits stay in the coach's calendar (SPEC 5 rule 7, SPEC 9).

The planner calls a committed traject incomplete when visits of it break a rule (the coach's
leave) and fit no other day of the coach, and the traject cannot go to another coach (a visit
of it is fixed). Nothing of it is written, so the records still hold those visits, planned:
`plan --ics` writes them as the records hold them (same UID, SEQUENCE and "visit n/8"), so
that a calendar re-importing or subscribing to the file keeps them, where it used to lose
them silently."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.load import DataSource, load_records
from test_calendar_updates import add_leave, merge, traject_events

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
EPOCH = "1796083200"  # 2026-12-01 00:00 UTC
TRAJECT, COACH = "T-2026-021", "C-02"


def mentes(records: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def events_of(folder: Path) -> dict[str, dict]:
    """Give the events of the traject in the coach's calendar by UID."""
    return traject_events((folder / f"{COACH}.ics").read_bytes(), TRAJECT)


def test_the_visits_of_an_incomplete_traject_stay_in_the_coachs_calendar(
    sample_dir: Path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    records, here = sample_dir, sample_dir.parent
    mentes(records, "plan", *WINDOW, "--commit", "--ics", str(here / "c1"))
    mentes(records, "visit", TRAJECT, "1", "--state", "fixed")
    add_leave(records, COACH, "2027-02-15", "2027-06-30")

    plan = json.loads(mentes(records, "plan", *WINDOW, "--format", "json").stdout)
    assert [item["traject"] for item in plan["incomplete"]] == [TRAJECT]
    in_plan = [v for v in plan["visits"] if v["traject"] == TRAJECT]
    loaded = load_records(DataSource(records, "test")).records
    committed = next(t for t in loaded.trajects if t.id == TRAJECT).visits
    assert len(in_plan) < len(committed)  # the plan leaves the visits in the leave out

    mentes(records, "plan", *WINDOW, "--ics", str(here / "c2"))
    first, second = events_of(here / "c1"), events_of(here / "c2")
    # Every committed visit, as the records hold it and as the calendar had it: the same
    # event, so that nothing changes in the coach's calendar until the coordinator acts.
    assert set(second) == {v.uid for v in committed}
    assert second == first
    assert {e["status"] for e in second.values()} == {"CONFIRMED"}
    assert sum(e["summary"].endswith("/8)") for e in second.values()) == 8

    # A commit writes nothing of the incomplete traject; its calendar says the same.
    mentes(records, "plan", *WINDOW, "--commit", "--ics", str(here / "c3"))
    assert events_of(here / "c3") == first
    model: dict[str, dict] = {}
    for folder in ("c1", "c2", "c3"):
        merge(model, (here / folder / f"{COACH}.ics").read_bytes())
    assert sum(e["traject"] == TRAJECT for e in model.values()) == 8
