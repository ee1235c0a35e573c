"""Each command that moves a traject does only its own move (review 2, F-h and F-m).

`unplan` once approved a request without approve's free check; errors gave the wrong advice
(unplan for a cancelled traject, done for a done one). Here every refusal writes nothing and
names what the coordinator can do.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from test_lifecycle_cli import LATER, PLANNED

runner = CliRunner()


@pytest.fixture(autouse=True)
def _today_is_later(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Today is after the committed visits; `--lang nl` is given back after each test."""
    from mentes_cli import i18n

    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    yield
    i18n.set_language(None)


@pytest.fixture
def records(sample_dir: Path) -> Path:
    """The sample with T-2026-022 planned (visits committed); T-2026-020 requested,
    T-2026-009 cancelled, T-2025-014 done."""
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('id = "T-2026-022"')
    end = text.index("[[trajects]]", start)
    path.write_text(text[:start] + PLANNED + "\n" + text[end:], encoding="utf-8")
    return sample_dir


def mentes(records: Path, *args: str, code: int = 0, lang: str | None = None):
    first = ["--lang", lang] if lang else []
    result = runner.invoke(app, [*first, *args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def status(records: Path, traject_id: str) -> str:
    data = tomllib.loads((records / "trajects.toml").read_text(encoding="utf-8"))
    return next(t["status"] for t in data["trajects"] if t["id"] == traject_id)


def refused(records: Path, *args: str, lang: str | None = None) -> str:
    files = ("trajects.toml", "history.toml")
    before = [(records / n).read_bytes() if (records / n).exists() else None for n in files]
    result = mentes(records, *args, code=1, lang=lang)
    after = [(records / n).read_bytes() if (records / n).exists() else None for n in files]
    assert after == before
    return " ".join(result.output.split())


def test_unplan_does_not_approve_a_request(records: Path):
    said = refused(records, "unplan", "T-2026-020")
    assert "Traject T-2026-020 is requested; mentes unplan is for a planned traject." in said
    assert "What it can do now: mentes approve T-2026-020, mentes cancel T-2026-020." in said
    assert status(records, "T-2026-020") == "requested"


def test_unplan_on_an_approved_traject_says_what_unplan_is_for(records: Path):
    said = refused(records, "unplan", "T-2026-021")
    assert "T-2026-021 is approved; mentes unplan is for a planned traject." in said
    assert "cannot become approved" not in said


def test_approve_on_a_planned_traject_says_approve_is_for_a_request(records: Path):
    said = refused(records, "approve", "T-2026-022")
    assert "T-2026-022 is planned; mentes approve is for a request" in said
    assert "mentes start T-2026-022, mentes unplan T-2026-022, mentes cancel T-2026-022" in said
    assert "visits" not in said  # not the record check's dump


@pytest.mark.parametrize(
    ("command", "traject_id"),
    [("start", "T-2026-020"), ("done", "T-2026-022"), ("reopen", "T-2026-021")],
)
def test_each_move_is_made_by_its_own_command_only(records: Path, command, traject_id):
    said = refused(records, command, traject_id)
    assert f"mentes {command} is for a" in said


def test_cancel_on_a_done_traject_does_not_tell_to_run_done(records: Path):
    mentes(records, "start", "T-2026-022")
    mentes(records, "done", "T-2026-022")
    said = refused(records, "cancel", "T-2026-022")
    assert "T-2026-022 is done; a done traject does not change any more." in said
    assert "--end" not in said


def test_a_planned_traject_with_a_visit_done_is_started_before_it_ends(records: Path):
    mentes(records, "visit", "T-2026-022", "1", "--state", "done")
    said = refused(records, "cancel", "T-2026-022")
    assert "Start it (mentes start T-2026-022) and end it with" in said


def test_edit_on_a_cancelled_traject_points_to_reopen(records: Path):
    said = refused(records, "edit", "T-2026-009", "--theme", "x")
    assert "Open it again first (mentes reopen T-2026-009)." in said
    assert "unplan" not in said
    assert "Unplan it first (mentes unplan T-2026-022)." in refused(
        records, "edit", "T-2026-022", "--theme", "x"
    )


def test_edit_says_the_new_values_and_warns_of_a_coach_outside_the_area(records: Path):
    result = mentes(records, "edit", "T-2026-025", "--coach", "C-02", "--earliest", "2027-05-03")
    said = " ".join(result.output.split())
    assert "T-2026-025: changed --coach C-02, --earliest 2027-05-03." in said
    assert "Warning: C-02 does not serve the area of LOC-009" in said
    quiet = mentes(records, "edit", "T-2026-025", "--coach", "C-01").output
    assert "Warning" not in quiet


def test_the_refusals_in_dutch(records: Path):
    for args in (
        ["unplan", "T-2026-020"],
        ["approve", "T-2026-022"],
        ["edit", "T-2026-009", "--theme", "x"],
    ):
        said = refused(records, *args, lang="nl")
        assert not english_left(said), said
    said = mentes(records, "edit", "T-2026-025", "--coach", "C-02", lang="nl").output
    assert "Waarschuwing" in said
    assert not english_left(said), said


def test_request_warns_of_a_coach_outside_the_area_too(records: Path):
    said = " ".join(
        mentes(records, "request", "LOC-009", "coaching", "--coach", "C-02").output.split()
    )
    assert "Warning: C-02 does not serve the area of LOC-009" in said
