"""A re-plan that hands a committed visit to another coach on the same day says so: "other
coach" (*andere coach*), the day once, not "moved 11/01/2027 → 11/01/2027"; per coach, a
visit handed over is new to the one who takes it and gone from the one who had it. JSON keeps
its `change: "moved"` with `old_coach`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from cli_runner import CliRunner
from english import english_left
from mentes_cli import i18n
from mentes_cli.cli import app
from mentes_cli.cli.common import stdout
from mentes_cli.plan.changes import change_words, is_handover, plan_changes
from mentes_cli.plan.model import Plan
from test_plan_changes import _committed, _records, _visit, add_leave

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]


def test_a_same_day_hand_over_is_other_coach_and_a_move_stays_moved():
    records = _records([_committed(1, date(2027, 1, 11)), _committed(2, date(2027, 1, 18))])
    plan = Plan(
        start=date(2027, 1, 4),
        end=date(2027, 6, 30),
        visits=[_visit(date(2027, 1, 11), coach="C-02"), _visit(date(2027, 1, 19))],
    )
    changes = plan_changes(records, plan)
    handed = next(c for c in changes if c.old_date == date(2027, 1, 11))
    assert (handed.change, handed.old_coach, handed.new_date) == ("moved", "C-01", handed.old_date)
    assert is_handover(handed)
    try:
        words = {}
        for code in ("en", "nl"):
            i18n.set_language(code)
            words[code] = [change_words(c) for c in changes]
    finally:
        i18n.set_language(None)
    kinds = [c.change for c in changes]
    assert words["en"][changes.index(handed)] == "other coach"
    assert words["nl"][changes.index(handed)] == "andere coach"
    others = [i for i, c in enumerate(changes) if c is not handed]
    assert all(words["en"][i] == kinds[i] for i in others)  # cancelled, new: as before


def _handed_over(sample_dir: Path) -> Path:
    records = sample_dir
    result = runner.invoke(app, ["plan", *WINDOW, "--commit", "--data", str(records)])
    assert result.exit_code == 0, result.output
    add_leave(records, "C-02", "2027-02-15", "2027-06-30")  # T-2026-022 goes to C-01
    return records


def test_the_terminal_says_other_coach_with_the_day_once(sample_dir: Path, monkeypatch):
    records = _handed_over(sample_dir)
    data = json.loads(
        runner.invoke(app, ["plan", *WINDOW, "--format", "json", "--data", str(records)]).stdout
    )
    same_day = [c for c in data["changes"] if c["old_date"] == c["new_date"]]
    assert same_day and all(c["change"] == "moved" and c["old_coach"] for c in same_day)
    monkeypatch.setattr(stdout, "width", 80)
    shown = runner.invoke(app, ["plan", *WINDOW, "--data", str(records)]).stdout
    table = shown[shown.index("What changed") : shown.index("What changed per coach")]
    for change in same_day:
        day = i18n.day(date.fromisoformat(change["old_date"]))
        line = next(
            line
            for line in table.splitlines()
            if change["traject"] in line and day in line and "other coach" in line
        )
        assert line.count(day) == 1 and "moved" not in line, line
    # Per coach: every visit C-02 handed over is gone from C-02's diary, new in C-01's.
    handed = sum(1 for c in data["changes"] if c["old_coach"] == "C-02")
    per_coach = shown[shown.index("What changed per coach") :].splitlines()
    c02 = next(line for line in per_coach if line.strip().startswith("C-02"))
    assert c02.split()[-3:] == ["0", "0", str(handed)], c02


def test_a_dutch_re_plan_says_andere_coach(sample_dir: Path):
    records = _handed_over(sample_dir)
    dutch = runner.invoke(app, ["--lang", "nl", "plan", *WINDOW, "--data", str(records)])
    assert dutch.exit_code == 0, dutch.output
    table = dutch.stdout[dutch.stdout.index("Wat er verandert") :]
    assert "andere coach" in table and "other coach" not in table
    assert not english_left(table), english_left(table)


def test_the_workbook_sheet_of_changes_says_other_coach_with_the_day_once(
    sample_dir: Path, tmp_path: Path
):
    """The sheet Wijzigingen of `plan --output` says it as the terminal does: a hand-over on
    its own day is "andere coach" with its old date and no new one (it said "verplaatst" with
    the same date twice)."""
    import openpyxl

    records = _handed_over(sample_dir)
    book = tmp_path / "planning.xlsx"
    result = runner.invoke(
        app, ["--lang", "nl", "plan", *WINDOW, "--data", str(records), "--output", str(book)]
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(book)["Wijzigingen"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if "Wijziging" in row)
    names = rows[header]
    what = names.index("Wijziging")
    old, new = names.index("Oude datum"), names.index("Nieuwe datum")
    handed = [row for row in rows[header + 1 :] if row[what] == "andere coach"]
    assert handed, rows[header:]
    assert all(row[old] is not None and row[new] is None for row in handed)
    assert not any(
        row[what] == "verplaatst" and row[old] is not None and row[old] == row[new]
        for row in rows[header + 1 :]
    )
