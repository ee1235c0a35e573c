"""`plan --commit` (SPEC 8): a coordinator's week on a copy of the sample records.

request → approve → plan --commit → plan again (nothing moves) → leave for a coach →
plan --commit (only what must move moves; fixed visits stay) → start → done →
check-eligibility counts the entitlement as used.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]


def mentes(records: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def trajects(records: Path) -> dict[str, dict]:
    data = tomllib.loads((records / "trajects.toml").read_text(encoding="utf-8"))
    return {t["id"]: t for t in data["trajects"]}


def plan_json(records: Path) -> dict:
    return json.loads(mentes(records, "plan", *WINDOW, "--format", "json").stdout)


def add_leave(records: Path, coach: str, first: str, last: str) -> None:
    path = records / "coaches.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f'id = "{coach}"')
    end = text.find("[[coaches]]", start)
    end = len(text) if end < 0 else end
    line = f"leave = [ {{ start = {first}, end = {last} }} ]\n\n"
    path.write_text(text[:end].rstrip("\n") + "\n" + line + text[end:], encoding="utf-8")


def live(traject: dict) -> list[dict]:
    return [v for v in traject.get("visits", []) if v["state"] != "cancelled"]


def test_a_coordinators_week(sample_dir: Path):
    records = sample_dir
    mentes(
        records,
        "request",
        "LOC-011",
        "bvv-basis",
        "--requested-on",
        "2026-11-30",
        "--earliest",
        "2027-01-11",
    )
    mentes(records, "approve", "T-2026-020")
    first = plan_json(records)
    committed = mentes(records, "plan", *WINDOW, "--commit", "--format", "json")
    assert "Committed to the records: 9 trajects planned, 0 kept visits moved." in (
        committed.output
    )
    assert json.loads(committed.stdout)["visits"] == first["visits"]
    after = trajects(records)
    planned = [t for t in after.values() if t["status"] == "planned"]
    assert len(planned) == 9
    for traject in planned:
        days = [v["date"] for v in traject["visits"] if v["kind"] == "visit"]
        assert (traject["start"], traject["end"]) == (min(days), max(days))
        assert all(v["uid"].endswith("@mentes") and v["sequence"] == 0 for v in traject["visits"])
    uids = [v["uid"] for t in planned for v in t["visits"]]
    assert len(uids) == len(set(uids))

    # Planning again on unchanged records: every committed visit stays, nothing is new.
    again = plan_json(records)
    assert again["visits"] == first["visits"]
    assert again["unplanned"] == [] and again.get("moved", []) == []
    checked = mentes(records, "plan", "--check-records")
    assert "break no rule" in checked.stdout

    # A coach takes leave: only the visits on the leave move; a fixed one never does.
    on_leave = [
        (t["id"], v["number"])
        for t in planned
        for v in t["visits"]
        if v["coach"] == "C-02" and "2027-02-15" <= str(v["date"]) <= "2027-02-19"
    ]
    assert on_leave, "the sample plan has C-02 visits in that week"
    fixed_id, fixed_number = on_leave[0]
    mentes(records, "visit", fixed_id, str(fixed_number), "--state", "fixed")
    add_leave(records, "C-02", "2027-02-15", "2027-02-19")
    before = trajects(records)
    result = mentes(records, "plan", *WINDOW, "--commit")
    moved_now = len(on_leave) - 1
    visits = "visit" if moved_now == 1 else "visits"
    assert f"0 trajects planned, {moved_now} kept {visits} moved" in result.output
    now = trajects(records)
    for traject_id, traject in now.items():
        for old, new in zip(
            before[traject_id].get("visits", []), traject.get("visits", []), strict=True
        ):
            assert new["uid"] == old["uid"]
            if (traject_id, old["number"]) in on_leave[1:]:
                assert new["date"] != old["date"] and new["sequence"] == old["sequence"] + 1
            else:  # only its number may change: the numbers follow the dates
                assert {**new, "number": 0} == {**old, "number": 0}
        numbered = sorted((v["date"], v["number"]) for v in live(traject) if v["kind"] == "visit")
        assert [n for _d, n in numbered] == list(range(1, len(numbered) + 1))
    # The fixed visit stayed on the leave: it is reported, not moved (SPEC 5 rule 7).
    reported = mentes(records, "plan", "--check-records", code=1).stdout
    assert "1 violation:" in reported and f"{fixed_id}, visit on" in reported
    assert "[leave]" in reported

    # The week goes on: start, done; the entitlement counts as used.
    with pytest.MonkeyPatch.context() as later:  # started and done once its visits took place
        later.setenv("SOURCE_DATE_EPOCH", "1806494400")  # 2027-03-31 12:00 UTC
        mentes(records, "start", "T-2026-023")
        mentes(records, "done", "T-2026-023")
    done = trajects(records)["T-2026-023"]
    assert done["status"] == "done" and {v["state"] for v in done["visits"]} == {"done"}
    eligibility = json.loads(
        mentes(
            records,
            "check-eligibility",
            "--location",
            "LOC-005",
            "--as-of",
            "2027-06-01",
            "--format",
            "json",
        ).stdout
    )["results"][0]["pedagogical_coaching"]
    assert eligibility["used_by"] == ["T-2026-023"]
    assert eligibility["status"] != "free"


def test_commit_takes_no_keep_plan(sample_dir: Path, tmp_path: Path):
    saved = tmp_path / "plan.toml"
    mentes(sample_dir, "plan", *WINDOW, "--save", str(saved))
    result = mentes(sample_dir, "plan", "--commit", "--keep", str(saved), code=2)
    assert "--commit plans around the visits committed in the records" in result.output


def test_check_records_without_committed_visits(sample_dir: Path):
    assert (
        "The records hold no committed visits."
        in mentes(sample_dir, "plan", "--check-records").stdout
    )


def test_the_bundled_sample_is_not_committed():
    result = runner.invoke(app, ["plan", *WINDOW, "--commit"])
    assert result.exit_code == 1, result.output
    assert "bundled sample records" in result.output
