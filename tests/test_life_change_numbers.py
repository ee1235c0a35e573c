"""The "What changed" of a re-plan shows a visit's number as the records have it after the
change (SPEC 8, 9): `plan --commit` numbers the live visits of a traject whose visits moved
1..N by date again, so a visit that moves before an earlier one takes that one's number.
When its number changes, both are shown, old → new ("3 → 2"; JSON `number` and
`old_number`): the location may have been told "visit 3"."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import openpyxl

from cli_runner import CliRunner
from english import english_left
from mentes_cli import i18n
from mentes_cli.cli import app
from mentes_cli.plan.changes import changes_json, number_words, plan_changes, visit_words
from mentes_cli.plan.model import Moved, Plan, Visit
from test_plan_changes import _committed, _records, _visit

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]


def _moved(old: date, new: date) -> Moved:
    return Moved(traject="T-1", coach="C-01", old_date=old, new_date=new, reason="leave")


def test_a_visit_that_moves_before_an_earlier_one_takes_its_number():
    records = _records(
        [
            _committed(1, date(2027, 1, 11)),
            _committed(2, date(2027, 2, 1)),
            _committed(3, date(2027, 3, 1)),
        ]
    )
    plan = Plan(
        start=date(2027, 1, 4),
        end=date(2027, 6, 30),
        visits=[_visit(date(2027, 1, 11)), _visit(date(2027, 1, 18)), _visit(date(2027, 2, 1))],
        moved=[_moved(date(2027, 3, 1), date(2027, 1, 18))],
    )
    [change] = plan_changes(records, plan)
    assert (change.change, change.old_date, change.new_date) == (
        "moved",
        date(2027, 3, 1),
        date(2027, 1, 18),
    )
    assert (change.number, change.old_number) == (2, 3)
    assert number_words(change) == "3 → 2"
    assert visit_words(change) == "visit 3 → 2"
    [shown] = changes_json([change])
    assert (shown["number"], shown["old_number"]) == (2, 3)
    assert list(shown) == [
        "change",
        "location",
        "coach",
        "traject",
        "kind",
        "number",
        "old_number",
        "old_date",
        "new_date",
        "old_coach",
    ]
    i18n.set_language("nl")
    try:
        assert visit_words(change) == "bezoek 3 → 2"
    finally:
        i18n.set_language(None)


def test_a_visit_that_moves_and_keeps_its_place_keeps_its_number():
    records = _records([_committed(1, date(2027, 1, 11)), _committed(2, date(2027, 2, 1))])
    plan = Plan(
        start=date(2027, 1, 4),
        end=date(2027, 6, 30),
        visits=[_visit(date(2027, 1, 11)), _visit(date(2027, 2, 8))],
        moved=[_moved(date(2027, 2, 1), date(2027, 2, 8))],
    )
    [change] = plan_changes(records, plan)
    assert (change.number, change.old_number) == (2, None)
    assert (number_words(change), visit_words(change)) == ("2", "visit 2")


def test_new_visits_have_the_numbers_their_commit_gives_them():
    records = _records([_committed(1, date(2027, 1, 11))])
    later = [date(2027, 3, 1), date(2027, 2, 1), date(2027, 2, 15)]  # not in date order
    plan = Plan(
        start=date(2027, 1, 4),
        end=date(2027, 6, 30),
        visits=[
            _visit(date(2027, 1, 11)),
            Visit(
                traject="T-2",
                location="LOC-1",
                coach="C-01",
                date=date(2027, 1, 25),
                start="08:30",
                hours=1,
                kind="intake",
            ),
            *(_visit(day, traject="T-2") for day in later),
        ],
    )
    new = {(c.kind, c.new_date): c for c in plan_changes(records, plan) if c.change == "new"}
    assert {key: (c.number, c.old_number) for key, c in new.items()} == {
        ("intake", date(2027, 1, 25)): (0, None),
        ("visit", date(2027, 2, 1)): (1, None),
        ("visit", date(2027, 2, 15)): (2, None),
        ("visit", date(2027, 3, 1)): (3, None),
    }
    assert number_words(new[("intake", date(2027, 1, 25))]) == "intake"


def _second_visit_before_the_first(records: Path) -> None:
    """T-2026-028 (BVV basis, S-01, deadline 31/03/2027) committed on 03/03 and 17/03/2027,
    and S-01 on leave from 04/03: its visit 2 can only move back, 14 days before visit 1."""
    path = records / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index('id = "T-2026-028"')
    end = text.find("[[trajects]]", at)
    end = len(text) if end < 0 else end
    block = tomllib.loads("[[trajects]]\n" + text[at:end])["trajects"][0]
    days = [v["date"] for v in block["visits"]]
    moved = text[at:end]
    for old, new in zip(days, ("2027-03-03", "2027-03-17"), strict=True):
        moved = moved.replace(f"= {old.isoformat()}", f"= {new}")
    path.write_text(text[:at] + moved + text[end:], encoding="utf-8")
    coaches = records / "coaches.toml"
    text = coaches.read_text(encoding="utf-8")
    at = text.index('id = "S-01"')
    leave = text.index("leave = ", at)
    line_end = text.index("\n", leave)
    coaches.write_text(
        text[:leave] + "leave = [{ start = 2027-03-04, end = 2027-06-30 }]" + text[line_end:],
        encoding="utf-8",
    )


def mentes(records: Path, *args: str, lang: str = "en"):
    result = runner.invoke(app, ["--lang", lang, *args, "--data", str(records)])
    assert result.exit_code == 0, result.output
    return result


def test_a_committed_visit_that_moves_before_an_earlier_one(sample_dir: Path, monkeypatch):
    from mentes_cli.cli.common import stdout

    records = sample_dir
    mentes(records, "plan", *WINDOW, "--commit")
    _second_visit_before_the_first(records)

    replanned = json.loads(mentes(records, "plan", *WINDOW, "--format", "json").stdout)
    [change] = replanned["changes"]
    assert (change["traject"], change["old_date"], change["new_date"]) == (
        "T-2026-028",
        "2027-03-17",
        "2027-02-17",
    )
    assert (change["number"], change["old_number"]) == (1, 2)

    # The terminal at 80 columns, in both languages: the number is shown, old → new.
    monkeypatch.setattr(stdout, "width", 80)
    for lang, title, words in (
        ("en", "What changed", ("Visit", "2 → 1", "moved", "2027-02-17")),
        ("nl", "Wat er verandert", ("Bezoek", "2 → 1", "verplaatst", "17/02/2027")),
    ):
        shown = mentes(records, "plan", *WINDOW, lang=lang).stdout
        assert " 0 trajects are placed" not in shown and "alle 0 trajecten" not in shown
        table = shown[shown.index(title) :].split("\n\n\n")[0]
        lines = table.splitlines()
        assert all(len(line) <= 80 for line in lines)
        row = next(line for line in lines if "T-2026-028" in line)
        header = next(line for line in lines if words[0] in line)
        assert all(word in row for word in words[1:]), row
        assert words[0] in header
        if lang == "nl":
            assert not english_left(table), table

    # The sheet Wijzigingen of the schedule workbook says the same.
    mentes(records, "plan", *WINDOW, "--output", "after.xlsx", lang="nl")
    rows = list(openpyxl.load_workbook("after.xlsx")["Wijzigingen"].iter_rows(values_only=True))
    assert rows[0][5:7] == ("Bezoek", "Wijziging")
    assert rows[1][4:7] == ("T-2026-028", "bezoek 2 → 1", "verplaatst")

    # What was shown is what the records say once committed.
    mentes(records, "plan", *WINDOW, "--commit")
    data = tomllib.loads((records / "trajects.toml").read_text(encoding="utf-8"))
    traject = next(t for t in data["trajects"] if t["id"] == "T-2026-028")
    numbers = {v["date"].isoformat(): v["number"] for v in traject["visits"]}
    assert numbers == {"2027-02-17": 1, "2027-03-03": 2}
