"""The commands of a traject's life (SPEC 8) on a copy of the sample records.

Each command is one change through the record store: the file is edited in place (the
untouched bytes stay), a refused move writes nothing, and the history says who did what.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()

PLANNED = """\
id = "T-2026-022"
location = "LOC-003"
offer = "B"
status = "planned"
requested_on = 2026-10-02
earliest = 2027-01-11
start = 2027-01-12
end = 2027-03-02
coach = "C-02"
theme = "zorg en welbevinden"

[[trajects.visits]]
number = 0
kind = "intake"
date = 2027-01-11
start = "08:30"
hours = 1
coach = "C-02"
uid = "t22-0@mentes"

[[trajects.visits]]
number = 1
kind = "visit"
date = 2027-01-12
start = "08:30"
hours = 5
coach = "C-02"
uid = "t22-1@mentes"

[[trajects.visits]]
number = 2
kind = "visit"
date = 2027-03-02
start = "08:30"
hours = 5
coach = "C-02"
uid = "t22-2@mentes"
"""


# "Today" for these tests: after the committed visits of PLANNED (a visit is done, and a
# traject ends, only once it took place), after the dates the requests are asked on.
LATER = "1806494400"  # 2027-03-31 12:00 UTC


@pytest.fixture(autouse=True)
def _today_is_later(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)


@pytest.fixture
def records(sample_dir: Path) -> Path:
    """The sample with T-2026-022 planned: an intake call and two committed visits."""
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('id = "T-2026-022"')
    end = text.index("[[trajects]]", start)
    path.write_text(text[:start] + PLANNED + "\n" + text[end:], encoding="utf-8")
    return sample_dir


def mentes(records: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def traject(records: Path, traject_id: str) -> dict:
    data = tomllib.loads((records / "trajects.toml").read_text(encoding="utf-8"))
    return next(t for t in data["trajects"] if t["id"] == traject_id)


def test_a_request_is_added_at_the_end_and_the_rest_stays_byte_for_byte(records: Path):
    before = (records / "trajects.toml").read_bytes()
    result = mentes(records, "request", "LOC-011", "bvv-basis", "--requested-on", "2027-01-05")
    assert "Added T-2027-001: bvv-basis for LOC-011, requested." in result.stdout
    after = (records / "trajects.toml").read_bytes()
    assert after.startswith(before)
    added = traject(records, "T-2027-001")
    assert added["status"] == "requested"
    assert str(added["requested_on"]) == "2027-01-05"


def test_a_request_that_is_not_free_says_why_and_from_when(records: Path):
    result = mentes(records, "request", "LOC-012", "bvv-basis", "--requested-on", "2026-11-30")
    assert "Warning: Not free on 2026-11-30." in result.output
    assert "Free again from 2027-01-01." in result.output


def test_approving_a_free_offer_that_is_not_free_writes_nothing(records: Path):
    before = (records / "trajects.toml").read_bytes()
    result = mentes(
        records,
        "request",
        "LOC-012",
        "bvv-basis",
        "--requested-on",
        "2026-11-30",
        "--approve",
        code=1,
    )
    assert "Not approved, nothing was written" in result.output
    assert (records / "trajects.toml").read_bytes() == before
    assert not (records / "history.toml").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["request", "LOC-999", "coaching"], "no location LOC-999 in the records"),
        (["request", "LOC-001", "coaching", "--coach", "C-99"], "no coach C-99 in the records"),
        (["request", "LOC-001", "bvv-basis", "--domain", "Koken"], "the request, --domain:"),
        (["approve", "T-9999-001"], "no traject T-9999-001 in the records"),
    ],
)
def test_a_wrong_request_is_refused_with_nothing_written(records: Path, args, message):
    before = (records / "trajects.toml").read_bytes()
    result = mentes(records, *args, code=1)
    assert message in result.output
    assert (records / "trajects.toml").read_bytes() == before


def test_approve_then_a_second_approve_names_the_allowed_moves(records: Path):
    mentes(records, "approve", "T-2026-020")
    assert traject(records, "T-2026-020")["status"] == "approved"
    result = mentes(records, "approve", "T-2026-020", code=1)
    assert "Traject T-2026-020 is approved; mentes approve is for a request" in result.output
    assert "mentes plan --commit, mentes cancel T-2026-020" in result.output


def test_cancel_keeps_the_visits_as_cancelled_for_the_calendars(records: Path):
    mentes(records, "cancel", "T-2026-022", "--reason", "De locatie sluit.")
    cancelled = traject(records, "T-2026-022")
    assert cancelled["status"] == "cancelled"
    assert cancelled["reason"] == "De locatie sluit."
    assert [v["state"] for v in cancelled["visits"]] == ["cancelled"] * 3
    assert [v.get("sequence") for v in cancelled["visits"]] == [1, 1, 1]
    assert [v["uid"] for v in cancelled["visits"]] == [
        "t22-0@mentes",
        "t22-1@mentes",
        "t22-2@mentes",
    ]
    mentes(records, "reopen", "T-2026-022")
    assert traject(records, "T-2026-022")["status"] == "requested"
    assert "reason" not in traject(records, "T-2026-022")


def test_a_traject_with_a_visit_done_is_ended_not_cancelled(records: Path):
    mentes(records, "start", "T-2026-022")
    mentes(records, "visit", "T-2026-022", "1", "--state", "done")
    result = mentes(records, "cancel", "T-2026-022", code=1)
    assert "End it with: mentes done T-2026-022 --end DATE" in result.output


def test_done_takes_the_last_committed_visit_and_marks_the_visits(records: Path):
    mentes(records, "start", "T-2026-022")
    result = mentes(records, "done", "T-2026-022")
    assert "ended 2027-03-02" in result.stdout
    ended = traject(records, "T-2026-022")
    assert (ended["status"], str(ended["end"])) == ("done", "2027-03-02")
    assert [v["state"] for v in ended["visits"]] == ["done", "done", "done"]


def test_done_before_the_first_visit_is_refused(records: Path):
    mentes(records, "start", "T-2026-022")
    result = mentes(records, "done", "T-2026-022", "--end", "2027-01-05", code=1)
    assert "the end 2027-01-05 is before its first visit on 2027-01-12" in result.output
    assert traject(records, "T-2026-022")["status"] == "active"


def test_done_with_an_early_end_cancels_the_later_visits(records: Path):
    mentes(records, "start", "T-2026-022")
    mentes(records, "done", "T-2026-022", "--end", "2027-02-01")
    states = [v["state"] for v in traject(records, "T-2026-022")["visits"]]
    assert states == ["done", "done", "cancelled"]


def test_unplan_releases_the_visits_and_the_plan_dates(records: Path):
    mentes(records, "unplan", "T-2026-022")
    back = traject(records, "T-2026-022")
    assert back["status"] == "approved"
    assert "start" not in back and "end" not in back
    assert {v["state"] for v in back["visits"]} == {"cancelled"}


def test_a_visit_can_be_fixed_and_an_unknown_number_is_named(records: Path):
    mentes(records, "visit", "T-2026-022", "2", "--state", "fixed")
    assert traject(records, "T-2026-022")["visits"][2]["state"] == "fixed"
    result = mentes(records, "visit", "T-2026-022", "7", "--state", "done", code=1)
    assert "T-2026-022 has no visit 7; its visits: 0 (the intake call), 1, 2" in result.output


def test_edit_changes_only_a_request_or_an_approved_traject(records: Path):
    mentes(records, "edit", "T-2026-020", "--earliest", "2027-02-01", "--theme", "taal")
    edited = traject(records, "T-2026-020")
    assert (str(edited["earliest"]), edited["theme"]) == ("2027-02-01", "taal")
    result = mentes(records, "edit", "T-2026-022", "--theme", "x", code=1)
    assert "only a requested or approved traject is edited" in result.output
    assert mentes(records, "edit", "T-2026-020", code=2)


def test_history_and_undo(records: Path):
    original = (records / "trajects.toml").read_bytes()
    mentes(records, "approve", "T-2026-020")
    approved = (records / "trajects.toml").read_bytes()
    mentes(records, "cancel", "T-2026-021", "--reason", "ziek")
    shown = mentes(records, "history").stdout
    assert "T-2026-020" in shown and "T-2026-021" in shown and "ziek" in shown
    assert "T-2026-020" not in mentes(records, "history", "T-2026-021").stdout
    mentes(records, "undo")
    assert (records / "trajects.toml").read_bytes() == approved
    result = mentes(records, "undo", code=1)
    assert "nothing to undo" in result.output
    assert original != approved


def test_the_bundled_sample_is_never_written():
    result = runner.invoke(app, ["approve", "T-2026-020"])
    assert result.exit_code == 1, result.output
    assert "bundled sample records" in result.output
    assert "mentes init" in result.output


def test_init_copies_the_sample_to_work_on(tmp_path: Path):
    result = runner.invoke(app, ["init", str(tmp_path / "mijn-gegevens")])
    assert result.exit_code == 0, result.output
    copy = tmp_path / "mijn-gegevens"
    from mentes_cli.reference import sample_records_dir

    for name in ("organisations.toml", "coaches.toml", "trajects.toml"):
        assert (copy / name).read_bytes() == (sample_records_dir() / name).read_bytes()
    mentes(copy, "approve", "T-2026-020")
    assert traject(copy, "T-2026-020")["status"] == "approved"
    again = runner.invoke(app, ["init", str(copy)])
    assert again.exit_code == 1
    assert "exists and is not an empty folder" in again.output


def test_init_empty_and_as_a_workbook(tmp_path: Path):
    result = runner.invoke(app, ["init", str(tmp_path / "leeg"), "--empty"])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(app, ["validate", "--data", str(tmp_path / "leeg")])
    assert checked.exit_code == 0, checked.output
    assert "OK: 0 organisations" in checked.stdout
    result = runner.invoke(app, ["init", str(tmp_path / "gegevens.xlsx")])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(app, ["validate", "--data", str(tmp_path / "gegevens.xlsx")])
    assert "OK: 14 organisations" in checked.stdout


def test_the_paid_alternative_is_named_in_the_readers_language(sample_dir: Path):
    """Not free: the paid package is named by the offer catalogue, in the run's language."""
    english = mentes(sample_dir, "request", "LOC-004", "coaching", "--requested-on", "2026-11-30")
    assert "The paid alternative: Workplace coaching B for €3,900.00." in " ".join(
        english.output.split()
    )
    dutch = runner.invoke(
        app, ["--lang", "nl", "request", "LOC-004", "coaching", "--data", str(sample_dir)]
    )
    from mentes_cli import i18n

    i18n.set_language(None)
    assert dutch.exit_code == 0, dutch.output
    assert "Coaching werkvloer B" in " ".join(dutch.output.split())
