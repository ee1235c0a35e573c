"""`plan --commit` when committed visits break a rule (SPEC 5 rule 7, SPEC 8, SPEC 9).

Built from a reviewer's repro: the sample committed, then a coach takes a long leave. A
commit never writes half a traject: the traject moves whole to another coach, or it is
incomplete and its visits stay as they were. Visit numbers follow the dates after a move; a
short plan window leaves the committed visits after it alone; `plan --check` without a file
checks the committed visits.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from icalendar import Calendar

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]


def mentes(records: Path, *args: str, code: int = 0, lang: str = "en"):
    result = runner.invoke(app, ["--lang", lang, *args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def trajects(records: Path) -> dict[str, dict]:
    data = tomllib.loads((records / "trajects.toml").read_text(encoding="utf-8"))
    return {t["id"]: t for t in data["trajects"]}


def add_leave(records: Path, coach: str, first: str, last: str) -> None:
    path = records / "coaches.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f'id = "{coach}"')
    end = text.find("[[coaches]]", start)
    end = len(text) if end < 0 else end
    block = text[start:end]
    line = f"leave = [ {{ start = {first}, end = {last} }} ]"
    if "\nleave = " in block:  # the sample's own leave is replaced
        head, _, tail = block.partition("\nleave = ")
        block = head + "\n" + line + "\n" + tail.partition("\n")[2]
    else:
        block = block.rstrip("\n") + "\n" + line + "\n\n"
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")


def live(traject: dict) -> list[dict]:
    return [v for v in traject.get("visits", []) if v["state"] != "cancelled"]


def test_a_long_leave_hands_the_whole_traject_to_another_coach(sample_dir: Path):
    records = sample_dir
    mentes(records, "plan", *WINDOW, "--commit")
    before = trajects(records)
    add_leave(records, "C-02", "2027-01-20", "2027-12-31")
    result = mentes(records, "plan", *WINDOW, "--commit", "--format", "json")
    planned = json.loads(result.stdout)
    assert planned["incomplete"] == [] and planned["unplanned"] == []
    assert not [c for c in planned["changes"] if c["change"] == "cancelled"]
    after = trajects(records)
    for traject_id in ("T-2026-021", "T-2026-022"):
        old, new = before[traject_id], after[traject_id]
        assert old["coach"] == "C-02"
        visits = live(new)
        # Whole: as many visits as before, one coach (not the one on leave), the same UIDs,
        # each one sent again with a higher sequence.
        assert len(visits) == len(live(old))
        assert {v["coach"] for v in visits} == {new["coach"]} and new["coach"] != "C-02"
        assert {v["uid"] for v in visits} == {v["uid"] for v in live(old)}
        assert all(v["sequence"] == 1 for v in visits)
        on_location = [v for v in visits if v["kind"] == "visit"]
        assert (new["start"], new["end"]) == (on_location[0]["date"], on_location[-1]["date"])
    checked = mentes(records, "plan", "--check")
    assert "The committed visits break no rule" in checked.stdout


def test_a_traject_that_cannot_be_completed_is_incomplete_and_left_as_it_was(sample_dir: Path):
    records = sample_dir
    mentes(records, "plan", *WINDOW, "--commit")
    # Its first visit is fixed: it never moves, so no other coach can take the traject over.
    mentes(records, "visit", "T-2026-021", "1", "--state", "fixed")
    add_leave(records, "C-02", "2027-01-20", "2027-12-31")
    before = trajects(records)
    result = mentes(records, "plan", *WINDOW, "--commit", "--format", "json")
    planned = json.loads(result.stdout)
    [incomplete] = planned["incomplete"]
    assert incomplete["traject"] == "T-2026-021"
    assert (incomplete["visits_kept"], incomplete["visits_missing"]) == (2, 6)
    assert any("[leave]" in reason for reason in incomplete["reasons"])
    assert "T-2026-021" not in {u["traject"] for u in planned["unplanned"]}
    assert not [c for c in planned["changes"] if c["traject"] == "T-2026-021"]
    assert "1 traject is incomplete (T-2026-021): nothing of it is written" in result.stderr
    # Never half a traject: its eight visits are as they were, the leave is for a person.
    assert trajects(records)["T-2026-021"] == before["T-2026-021"]
    reported = mentes(records, "plan", "--check", code=1).stdout
    assert "expected" not in reported  # no traject of the wrong size
    assert reported.count("C-02 is on leave [leave]") == 6
    # The table does not count it as planned.
    table = mentes(records, "plan", *WINDOW)
    assert "Incomplete" in table.stdout and "7 trajects planned" in table.stdout
    dutch = mentes(records, "plan", *WINDOW, "--commit", lang="nl")
    assert not english_left(dutch.stdout + dutch.stderr)
    assert "onvolledig" in dutch.stderr


def test_visit_numbers_follow_the_dates_after_a_move(sample_dir: Path):
    records = sample_dir
    mentes(records, "plan", *WINDOW, "--commit")
    first = live(trajects(records)["T-2026-023"])[0]
    assert (first["number"], str(first["date"])) == (1, "2027-01-04")
    add_leave(records, "C-01", "2027-01-04", "2027-01-08")
    mentes(records, "plan", *WINDOW, "--commit")
    # Each visit keeps its place (its row) in the records; the numbers follow the dates.
    visits = sorted(live(trajects(records)["T-2026-023"]), key=lambda v: v["date"])
    assert [v["number"] for v in visits] == list(range(1, 9))
    moved = next(v for v in visits if v["uid"] == first["uid"])
    assert moved["number"] != 1 and moved["sequence"] == 1
    # The calendar of the traject's coach says the same numbers as the records.
    folder = records.parent / "agenda"
    mentes(records, "plan", *WINDOW, "--ics", str(folder))
    said = {}
    for path in folder.glob("*.ics"):
        for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            said[str(event["UID"])] = str(event["SUMMARY"])
    for visit in visits:
        assert said[visit["uid"]].endswith(f"(visit {visit['number']}/8)"), visit
    # `mentes visit T 1` is the first visit in time.
    mentes(records, "visit", "T-2026-023", "1", "--state", "fixed")
    fixed = [v for v in live(trajects(records)["T-2026-023"]) if v["state"] == "fixed"]
    assert [v["date"] for v in fixed] == [visits[0]["date"]]


def test_a_short_window_leaves_the_committed_visits_after_it_alone(sample_dir: Path):
    records = sample_dir
    mentes(records, "plan", *WINDOW, "--commit")
    committed = (records / "trajects.toml").read_bytes()
    short = ["--start", "2027-01-01", "--end", "2027-01-31"]
    result = mentes(records, "plan", *short, "--format", "json")
    planned = json.loads(result.stdout)
    assert planned["moved"] == [] and planned["changes"] == []
    assert "removed" not in result.stderr and "taken out" not in result.stderr
    assert result.stderr.count("after the plan's end 2027-01-31") == 1
    # Every committed visit is still in the plan, the ones after the window too.
    live_visits = sum(len(live(t)) for t in trajects(records).values())
    assert len(planned["visits"]) == live_visits
    table = mentes(records, "plan", *short)
    assert "No committed visit changes." in table.stdout
    mentes(records, "plan", *short, "--commit")
    assert (records / "trajects.toml").read_bytes() == committed


def test_check_without_a_file_checks_the_committed_visits(sample_dir: Path, tmp_path: Path):
    records = sample_dir
    assert "no committed visits" in mentes(records, "plan", "--check").stdout
    mentes(records, "plan", *WINDOW, "--commit")
    assert "break no rule (45 visits)" in mentes(records, "plan", "--check").stdout
    assert "break no rule (45 visits)" in mentes(records, "plan", "--check-records").stdout
    saved = tmp_path / "saved.toml"
    mentes(records, "plan", *WINDOW, "--save", str(saved))
    assert "no violations" in mentes(records, "plan", "--check", str(saved)).stdout
    wrong = mentes(records, "plan", str(saved), code=2)
    assert "is read only with --check" in wrong.output
    both = mentes(records, "plan", "--check", "--commit", code=2)
    assert "--check cannot be combined with --commit" in both.output
