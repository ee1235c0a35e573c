"""SEQUENCE never goes down (SPEC 9): `undo` gives back an earlier version of the records,
but no visit's SEQUENCE lower than calendars may have seen. The coaches' calendars of
`plan --ics` and the letters' calendars take SEQUENCE from the records (the letters also from
what they sent), so after cancel, undo (or a move and its undo) a calendar that re-imports
the new file shows the visits again, where it used to ignore them as older news."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.load import DataSource, load_records
from test_calendar_updates import add_leave, appointments, merge, strict

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
EPOCH = "1796083200"  # 2026-12-01 00:00 UTC


def mentes(records: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def sequences(records: Path) -> dict[str, int]:
    loaded = load_records(DataSource(records, "test")).records
    return {v.uid: v.sequence for t in loaded.trajects for v in t.visits if v.uid}


def calendar_model(folders: list[Path], coach: str) -> dict[str, dict]:
    """Give a coach's calendar after importing the files of `folders` in order."""
    model: dict[str, dict] = {}
    for folder in folders:
        path = folder / f"{coach}.ics"
        if path.exists():
            merge(model, path.read_bytes())
    return model


def wanted(records: Path, coach: str) -> set[tuple]:
    plan = json.loads(mentes(records, "plan", *WINDOW, "--format", "json").stdout)
    return {
        (v["traject"], v["date"], v["start"], v["kind"])
        for v in plan["visits"]
        if v["coach"] == coach
    }


def sent(folder: Path, coach: str) -> dict[str, int]:
    return {
        str(e["UID"]): int(e["SEQUENCE"])
        for e in strict((folder / f"{coach}.ics").read_bytes()).walk("VEVENT")
    }


def test_cancel_then_undo_comes_back_in_the_coachs_calendar(sample_dir: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    records, here = sample_dir, sample_dir.parent
    mentes(records, "plan", *WINDOW, "--commit", "--ics", str(here / "c1"))
    mentes(records, "cancel", "T-2026-022", "--reason", "Sluiting")
    mentes(records, "plan", *WINDOW, "--ics", str(here / "c2"))
    mentes(records, "undo")
    mentes(records, "plan", *WINDOW, "--ics", str(here / "c3"))

    coach = "C-02"
    model = calendar_model([here / "c1", here / "c2", here / "c3"], coach)
    assert appointments(model) == wanted(records, coach)
    assert any(e["traject"] == "T-2026-022" for e in model.values())
    # Every UID of every calendar: never written again with a lower SEQUENCE.
    for earlier, later in (("c1", "c2"), ("c2", "c3")):
        before, after = sent(here / earlier, coach), sent(here / later, coach)
        assert all(after[uid] >= before[uid] for uid in before.keys() & after.keys())
    cancelled = {
        str(e["UID"]): int(e["SEQUENCE"])
        for e in strict((here / "c2" / f"{coach}.ics").read_bytes()).walk("VEVENT")
        if str(e["STATUS"]) == "CANCELLED"
    }
    restored = sequences(records)
    assert cancelled and all(restored[uid] == n + 1 for uid, n in cancelled.items())


def test_a_move_undone_goes_out_with_a_higher_sequence(sample_dir: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    records, here = sample_dir, sample_dir.parent
    mentes(records, "plan", *WINDOW, "--commit", "--ics", str(here / "c1"))
    coaches = (records / "coaches.toml").read_bytes()
    add_leave(records, "C-02", "2027-02-15", "2027-02-19")
    mentes(records, "plan", *WINDOW, "--commit", "--ics", str(here / "c2"))
    moved = {uid: n for uid, n in sequences(records).items() if n > 0}
    assert moved
    (records / "coaches.toml").write_bytes(coaches)  # the leave was a mistake
    mentes(records, "undo")
    after = sequences(records)
    assert all(after[uid] == n + 1 for uid, n in moved.items())
    mentes(records, "plan", *WINDOW, "--ics", str(here / "c3"))
    model = calendar_model([here / "c1", here / "c2", here / "c3"], "C-02")
    assert appointments(model) == wanted(records, "C-02")


def test_undo_of_a_change_without_visits_leaves_the_visits_as_they_were(sample_dir: Path):
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    text = (sample_dir / "trajects.toml").read_bytes()
    mentes(sample_dir, "approve", "T-2026-020")
    mentes(sample_dir, "undo")
    assert (sample_dir / "trajects.toml").read_bytes() == text


def test_undo_in_a_workbook_raises_the_sequence_too(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    book = tmp_path / "w.xlsx"
    runner.invoke(app, ["init", str(book)])
    mentes(book, "plan", *WINDOW, "--commit")
    mentes(book, "cancel", "T-2026-022")
    cancelled = {u: n for u, n in sequences(book).items() if n}
    mentes(book, "undo")
    assert {u: sequences(book)[u] for u in cancelled} == {u: n + 1 for u, n in cancelled.items()}
    shutil.rmtree(tmp_path / "backup")
