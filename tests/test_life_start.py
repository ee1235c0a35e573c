"""`mentes start ID` (planned → active) once the traject's first visit took place (SPEC 8).

A traject starts when its first visit on location takes place, on that day at the earliest.
Started earlier it would be stuck: an active traject can only end (`done`), and it cannot end
before its first visit, while a planned one can still be unplanned or cancelled. So `start`
refuses a traject whose first visit is still ahead, with one sentence naming that visit's
date and today, exit 1, nothing written.

The first visit is the first committed visit on location that is not cancelled (the intake
call of a paid package is a phone call before it, as a traject's `start` is its first visit);
a planned traject without committed visits is dated by its `start`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from test_lifecycle_cli import PLANNED, traject

runner = CliRunner()

# Noon UTC, so that the local day is the same day everywhere the suite runs.
DAY_BEFORE = "1799668800"  # 2027-01-11: the intake call; visit 1 (12/01) is tomorrow
FIRST_VISIT_DAY = "1799755200"  # 2027-01-12: visit 1 is today
DAY_AFTER = "1799841600"  # 2027-01-13: visit 1 was yesterday


@pytest.fixture
def records(sample_dir: Path) -> Path:
    """The sample with T-2026-022 planned: intake 11/01, visits 12/01 and 02/03/2027."""
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('id = "T-2026-022"')
    end = text.index("[[trajects]]", start)
    path.write_text(text[:start] + PLANNED + "\n" + text[end:], encoding="utf-8")
    return sample_dir


def start(records: Path, today: str, monkeypatch, *, lang: str = "en", code: int = 0) -> str:
    """Run `mentes start T-2026-022` on `today`; a refusal writes nothing."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", today)
    before = (records / "trajects.toml").read_bytes()
    result = runner.invoke(app, ["--lang", lang, "start", "T-2026-022", "--data", str(records)])
    assert result.exit_code == code, result.output
    if code:
        assert (records / "trajects.toml").read_bytes() == before
        assert not (records / "history.toml").exists()
    return " ".join(result.output.split())


def test_a_traject_starts_on_the_day_of_its_first_visit(records: Path, monkeypatch):
    said = start(records, FIRST_VISIT_DAY, monkeypatch)
    assert "T-2026-022: planned → active." in said
    assert traject(records, "T-2026-022")["status"] == "active"


def test_a_traject_starts_the_day_after_its_first_visit(records: Path, monkeypatch):
    start(records, DAY_AFTER, monkeypatch)
    assert traject(records, "T-2026-022")["status"] == "active"


def test_a_traject_whose_first_visit_is_tomorrow_is_refused(records: Path, monkeypatch):
    said = start(records, DAY_BEFORE, monkeypatch, code=1)
    assert said.endswith(
        "Error: T-2026-022 cannot start yet: its first visit is on 2027-01-12, after today "
        "(2027-01-11). A traject starts when its first visit takes place: run mentes start "
        "T-2026-022 on 2027-01-12 or later. Until then it can still be unplanned or cancelled."
    )
    assert traject(records, "T-2026-022")["status"] == "planned"
    # What the sentence promises: on the day itself it starts.
    start(records, FIRST_VISIT_DAY, monkeypatch)
    assert traject(records, "T-2026-022")["status"] == "active"


def test_the_refusal_in_dutch(records: Path, monkeypatch):
    said = start(records, DAY_BEFORE, monkeypatch, lang="nl", code=1)
    assert "T-2026-022 kan nog niet starten: het eerste bezoek is op 12/01/2027" in said
    assert "na vandaag (11/01/2027)" in said
    assert not english_left(said), said


def test_a_cancelled_first_visit_does_not_count(records: Path, monkeypatch):
    """Visit 1 cancelled: the traject begins with visit 2, on 02/03/2027."""
    path = records / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index('uid = "t22-1@mentes"')
    path.write_text(text[:at] + 'state = "cancelled"\n' + text[at:], encoding="utf-8")
    said = start(records, DAY_AFTER, monkeypatch, code=1)
    assert "its first visit is on 2027-03-02, after today (2027-01-13)" in said


def test_a_planned_traject_without_visits_is_dated_by_its_start(records: Path, monkeypatch):
    path = records / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    cut = text.index("[[trajects.visits]]", text.index('id = "T-2026-022"'))
    end = text.index("[[trajects]]", cut)
    path.write_text(text[:cut] + text[end:], encoding="utf-8")
    assert "visits" not in traject(records, "T-2026-022")
    said = start(records, DAY_BEFORE, monkeypatch, code=1)
    assert "T-2026-022 cannot start yet: it starts on 2027-01-12, after today (2027-01-11)" in (
        said
    )
    dutch = start(records, DAY_BEFORE, monkeypatch, lang="nl", code=1)
    assert not english_left(dutch), dutch
    start(records, FIRST_VISIT_DAY, monkeypatch)
    assert traject(records, "T-2026-022")["status"] == "active"


def test_the_allowed_moves_come_first(records: Path, monkeypatch):
    """A traject that is not planned is refused for that, whatever its dates."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_BEFORE)
    result = runner.invoke(app, ["start", "T-2026-020", "--data", str(records)])
    assert result.exit_code == 1
    assert "T-2026-020 is requested; mentes start is for a planned traject." in result.output


def test_check_start_itself():
    from datetime import date

    from mentes_cli.errors import LifecycleError
    from mentes_cli.lifecycle import check_start, first_visit_day
    from mentes_cli.models import CommittedVisit, Traject

    def visit(number: int, day: date, kind: str = "visit", state: str = "planned"):
        return CommittedVisit(
            number=number, kind=kind, date=day, start="08:30", hours=1, coach="C-01", state=state
        )

    planned = Traject(
        id="T-2027-001",
        location="LOC-001",
        offer="A",
        status="planned",
        start=date(2027, 2, 3),
        visits=[visit(0, date(2027, 2, 1), "intake"), visit(1, date(2027, 2, 3))],
    )
    assert first_visit_day(planned) == date(2027, 2, 3), "the intake call is not the first visit"
    check_start(planned, date(2027, 2, 3))
    check_start(planned, date(2027, 2, 4))
    with pytest.raises(LifecycleError, match="first visit is on"):
        check_start(planned, date(2027, 2, 2))
