"""`plan` on committed records, from review 2 (F-nn, F-ff, F-c, F-e, F-p, F-x).

- F-nn: a plan never places a visit before its traject's request date; `--commit` refuses a
  start before today (a commit promises visits; a plan without it may look back).
- F-ff: a planned free traject whose location lost its right before the first visit is a
  kept traject that breaks a rule: `plan` warns, `plan --check-records` reports it.
- F-c: a committed visit edited so that it breaks a hard rule is a warning of `plan`, in the
  terminal and in the JSON `warnings`.
- F-p: no word on optimality when no traject was to be placed.
- F-x: the reasons about the coaches who could serve the location come before the coaches
  who do not serve its area.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
TODAY = "1796040000"  # 2026-11-30 12:00 UTC


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY)


def mentes(records: Path, *args: str, code: int = 0, lang: str = "en"):
    result = runner.invoke(app, ["--lang", lang, *args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def flat(text: str) -> str:
    return " ".join(text.split())


def trajects(records: Path) -> dict[str, dict]:
    data = tomllib.loads((records / "trajects.toml").read_text(encoding="utf-8"))
    return {t["id"]: t for t in data["trajects"]}


def test_a_commit_from_a_day_before_today_is_refused(sample_dir: Path):
    before = (sample_dir / "trajects.toml").read_bytes()
    result = mentes(sample_dir, "plan", "--start", "2026-10-01", "--commit", code=2)
    assert "--start 2026-10-01 is before today (2026-11-30)" in flat(result.output)
    assert (sample_dir / "trajects.toml").read_bytes() == before
    dutch = mentes(sample_dir, "plan", "--start", "2026-10-01", "--commit", code=2, lang="nl")
    assert "ligt voor vandaag" in flat(dutch.output)
    assert not english_left(dutch.output)


def test_no_visit_before_the_request_date(sample_dir: Path):
    # A plan that looks back is allowed without --commit, but places nothing before a request.
    result = mentes(sample_dir, "plan", "--start", "2026-10-01", "--format", "json")
    visits = json.loads(result.stdout)["visits"]
    asked = {tid: t.get("requested_on") for tid, t in trajects(sample_dir).items()}
    assert visits
    assert all(asked[v["traject"]] is None or v["date"] >= str(asked[v["traject"]]) for v in visits)
    # T-2026-026 was requested on 2026-11-03: the reviewer saw its first visit on 2026-10-05.
    first = min(v["date"] for v in visits if v["traject"] == "T-2026-026")
    assert first >= "2026-11-03"


def test_a_committed_visit_before_the_request_date_is_reported(sample_dir: Path):
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    block = text.index('id = "T-2026-022"')
    at = text.index("requested_on = ", block)
    end = text.index("\n", at)
    path.write_text(text[:at] + "requested_on = 2027-01-31" + text[end:], encoding="utf-8")
    checked = mentes(sample_dir, "plan", "--check-records", code=1)
    assert "before the request date 2027-01-31" in flat(checked.output)


def lose_prior(records: Path, organisation: str) -> None:
    path = records / "organisations.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index(f'id = "{organisation}"')
    end = text.index("\n", at)
    path.write_text(text[: end + 1] + "prior = false\n" + text[end + 1 :], encoding="utf-8")


def test_a_planned_free_traject_that_lost_its_right_is_reported(sample_dir: Path):
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    assert mentes(sample_dir, "plan", "--check-records").exit_code == 0
    lose_prior(sample_dir, "ORG-003")  # LOC-005, free coaching T-2026-023

    checked = flat(mentes(sample_dir, "plan", "--check-records", code=1).output)
    assert "T-2026-023: planned free, but LOC-005 is no longer entitled to it" in checked
    assert "mentes unplan T-2026-023" in checked and "[entitlement]" in checked

    # plan keeps it as it is (a promise), and says so.
    planned = mentes(sample_dir, "plan", *WINDOW, "--format", "json")
    payload = json.loads(planned.stdout)
    assert [w for w in payload["warnings"] if "T-2026-023: planned free" in w]
    assert not [m for m in payload["moved"] if m["traject"] == "T-2026-023"]
    assert trajects(sample_dir)["T-2026-023"]["status"] == "planned"
    table = flat(mentes(sample_dir, "plan", *WINDOW).output)
    assert "Warning: kept plan: T-2026-023: planned free" in table

    dutch = mentes(sample_dir, "plan", "--check-records", code=1, lang="nl")
    assert "geen recht meer op" in flat(dutch.output)
    nl_json = mentes(sample_dir, "plan", *WINDOW, "--format", "json", lang="nl")
    assert nl_json.stdout == planned.stdout


def test_an_active_free_traject_is_not_judged_again(sample_dir: Path):
    """It has begun: its right was judged on its first visit."""
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index('id = "T-2026-023"')
    status = text.index('status = "planned"', at)
    text = text[:status] + 'status = "active"' + text[status + len('status = "planned"') :]
    path.write_text(text, encoding="utf-8")
    lose_prior(sample_dir, "ORG-003")
    assert mentes(sample_dir, "plan", "--check-records").exit_code == 0


def test_an_edited_committed_visit_is_a_warning_in_the_json(sample_dir: Path):
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index('kind = "visit"', text.index('id = "T-2026-022"'))
    hours = text.index("hours = ", at)
    end = text.index("\n", hours)
    path.write_text(text[:hours] + "hours = 6.25" + text[end:], encoding="utf-8")
    payload = json.loads(mentes(sample_dir, "plan", *WINDOW, "--format", "json").stdout)
    assert [w for w in payload["warnings"] if "T-2026-022: visits 1 × 6.25 h" in w]
    table = flat(mentes(sample_dir, "plan", *WINDOW).output)
    assert "Warning: kept plan: T-2026-022: visits 1 × 6.25 h" in table


def test_nothing_about_optimality_when_nothing_was_to_be_placed(sample_dir: Path):
    placed = flat(mentes(sample_dir, "plan", *WINDOW).output)
    assert "Optimal" in placed or "optimality" in placed.lower()  # the first plan: 8 placed
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    again = flat(mentes(sample_dir, "plan", *WINDOW).output)
    assert "all 0" not in again and "Optimal" not in again
    assert "No committed visit changes." in again


def test_the_coaches_who_could_serve_come_first(sample_dir: Path):
    mentes(
        sample_dir,
        *["request", "LOC-004", "B", "--requested-on", "2026-11-30", "--earliest", "2027-01-04"],
        *["--deadline", "2027-01-20", "--approve"],
    )
    payload = json.loads(mentes(sample_dir, "plan", *WINDOW, "--format", "json").stdout)
    (unplanned,) = payload["unplanned"]
    reasons = unplanned["reasons"]
    outside = [i for i, r in enumerate(reasons) if "does not serve" in r]
    could = [i for i, r in enumerate(reasons) if r.startswith(("C-01:", "C-02:"))]
    assert outside and len(could) == 2
    assert max(could) < min(outside)


def test_one_check_of_the_committed_visits_for_every_command(sample_dir: Path):
    """letters, undo and validate can ask the same question as plan --check-records."""
    from mentes_cli.load import DataSource, load_records
    from mentes_cli.plan.check import check_committed

    def violations() -> list:
        return check_committed(load_records(DataSource(sample_dir, "test")).records)

    assert violations() == []  # nothing committed yet
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    assert violations() == []
    lose_prior(sample_dir, "ORG-003")
    (found,) = violations()
    assert found.tag == "entitlement" and "T-2026-023" in found.message


def test_an_approved_traject_left_unplanned_is_no_violation_of_the_committed_visits(
    sample_dir: Path,
):
    """After a commit that could not place every approved traject, --check-records checks the
    committed visits only (it reported 'approved but neither planned nor listed')."""
    mentes(
        sample_dir,
        *["request", "LOC-004", "B", "--requested-on", "2026-11-30", "--earliest", "2027-01-04"],
        *["--deadline", "2027-01-20", "--approve"],
    )
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    assert any(t["status"] == "approved" for t in trajects(sample_dir).values())
    checked = mentes(sample_dir, "plan", "--check-records")
    assert "The committed visits break no rule" in checked.output
