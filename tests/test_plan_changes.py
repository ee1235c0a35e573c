"""What a re-plan changes in the committed visits (SPEC 9): in the terminal, in plan JSON
(`changes`) and as the sheet Wijzigingen of the schedule workbook."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl

from cli_runner import CliRunner
from mentes_cli import i18n
from mentes_cli.cli import app
from mentes_cli.models import Records
from mentes_cli.plan.changes import plan_changes
from mentes_cli.plan.model import Plan, Visit

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]


def mentes(records: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def add_leave(records: Path, coach: str, first: str, last: str) -> None:
    path = records / "coaches.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f'id = "{coach}"')
    end = text.find("[[coaches]]", start)
    end = len(text) if end < 0 else end
    line = f"leave = [ {{ start = {first}, end = {last} }} ]\n\n"
    path.write_text(text[:end].rstrip("\n") + "\n" + line + text[end:], encoding="utf-8")


def test_the_change_list_names_exactly_the_visits_that_moved(sample_dir: Path, monkeypatch):
    from mentes_cli.cli.common import stdout

    records = sample_dir
    plain = mentes(records, "plan", *WINDOW, "--format", "json").stdout
    assert "changes" not in json.loads(plain), "without committed visits: no new key"
    first = mentes(records, "plan", *WINDOW, "--commit")
    assert "What changed" not in first.output
    same = json.loads(mentes(records, "plan", *WINDOW, "--format", "json").stdout)
    assert same["changes"] == []
    assert "No committed visit changes." in mentes(records, "plan", *WINDOW).stdout

    add_leave(records, "C-02", "2027-02-15", "2027-02-19")
    replanned = json.loads(mentes(records, "plan", *WINDOW, "--format", "json").stdout)
    moved = {(m["traject"], m["old_date"], m["new_date"]) for m in replanned["moved"]}
    assert len(moved) == 2
    assert {(c["traject"], c["old_date"], c["new_date"]) for c in replanned["changes"]} == moved
    assert {c["change"] for c in replanned["changes"]} == {"moved"}
    assert list(replanned) == ["visits", "unplanned", "incomplete", "moved", "changes"]

    # The terminal at 80 columns: ids and dates whole, no line wider than the terminal.
    monkeypatch.setattr(stdout, "width", 80)
    shown = mentes(records, "plan", *WINDOW, "--commit").stdout
    table = shown[shown.index("What changed") :]
    table = "\n".join(line for line in table.splitlines() if "ptimal" not in line)
    assert all(len(line) <= 80 for line in table.splitlines())
    for traject, old, new in moved:
        line = next(line for line in table.splitlines() if traject in line)
        old_day, new_day = (i18n.day(date.fromisoformat(d)) for d in (old, new))
        assert old_day in line and new_day in line and "moved" in line
    assert "What changed per coach" in table

    # After the commit the moves are promises: nothing changes any more.
    after = json.loads(mentes(records, "plan", *WINDOW, "--format", "json").stdout)
    assert after["changes"] == []


def test_the_schedule_workbook_has_a_sheet_wijzigingen(sample_dir: Path, monkeypatch):
    monkeypatch.setenv("MENTES_LANG", "nl")  # the workbook follows the language (SPEC 7)
    records = sample_dir
    mentes(records, "plan", *WINDOW, "--output", "before.xlsx")
    assert "Wijzigingen" not in openpyxl.load_workbook("before.xlsx").sheetnames
    mentes(records, "plan", *WINDOW, "--commit")
    add_leave(records, "C-02", "2027-02-15", "2027-02-19")
    mentes(records, "plan", *WINDOW, "--output", "after.xlsx")
    sheet = openpyxl.load_workbook("after.xlsx")["Wijzigingen"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Opvanglocatie", "Adres", "Coach")
    assert len(rows) == 3 and {row[6] for row in rows[1:]} == {"verplaatst"}
    assert all(row[7] is not None and row[8] is not None for row in rows[1:])


def _records(visits: list[dict], status: str = "planned") -> Records:
    return Records.model_validate(
        {
            "organisations": [
                {
                    "id": "ORG-1",
                    "name": "Vzw Test",
                    "locations": [
                        {
                            "id": "LOC-1",
                            "name": "Test",
                            "care_type": "group",
                            "subsidy_step": 2,
                            "ikt_places": 12,
                            "places": 30,
                            "postcode": "2600",
                        }
                    ],
                }
            ],
            "coaches": [],
            "trajects": [
                {
                    "id": "T-1",
                    "location": "LOC-1",
                    "offer": "C",
                    "status": status,
                    "start": date(2027, 1, 11),
                    "visits": visits,
                }
            ],
        }
    )


def _committed(number: int, day: date, coach: str = "C-01") -> dict:
    return {
        "number": number,
        "kind": "visit",
        "date": day,
        "start": "08:30",
        "hours": 5,
        "coach": coach,
        "uid": f"{number}@mentes",
    }


def _visit(day: date, coach: str = "C-01", traject: str = "T-1") -> Visit:
    return Visit(traject=traject, location="LOC-1", coach=coach, date=day, start="08:30", hours=5)


def test_cancelled_new_and_another_coach():
    records = _records(
        [
            _committed(1, date(2027, 1, 11)),
            _committed(2, date(2027, 1, 18)),
            _committed(3, date(2027, 1, 25)),
            _committed(4, date(2027, 9, 6)),  # outside the window: not the plan's business
        ]
    )
    plan = Plan(
        start=date(2027, 1, 4),
        end=date(2027, 6, 30),
        visits=[
            _visit(date(2027, 1, 11)),
            _visit(date(2027, 1, 18), coach="C-02"),
            _visit(date(2027, 2, 1), traject="T-2"),
        ],
    )
    changes = {
        (c.change, c.traject, c.old_date, c.new_date, c.old_coach)
        for c in plan_changes(records, plan)
    }
    assert changes == {
        ("moved", "T-1", date(2027, 1, 18), date(2027, 1, 18), "C-01"),
        ("cancelled", "T-1", date(2027, 1, 25), None, None),
        ("new", "T-2", None, date(2027, 2, 1), None),
    }


def test_the_words_of_a_change_follow_the_language_and_json_stays_english():
    from mentes_cli.plan.changes import change_word, changes_json

    records = _records([_committed(1, date(2027, 1, 11)), _committed(2, date(2027, 1, 18))])
    plan = Plan(
        start=date(2027, 1, 4),
        end=date(2027, 6, 30),
        visits=[_visit(date(2027, 1, 25)), _visit(date(2027, 2, 1), traject="T-2")],
    )
    changes = plan_changes(records, plan)
    words = {}
    payloads = {}
    for code in ("nl", "en"):
        i18n.set_language(code)
        try:
            words[code] = sorted(change_word(c.change) for c in changes)
            payloads[code] = json.dumps(changes_json(changes))
        finally:
            i18n.set_language(None)
    # A cancelled visit is "geschrapt" (the glossary), with a context of its own: the plain
    # "cancelled" of a traject's status is "geannuleerd".
    assert words == {
        "nl": ["geschrapt", "geschrapt", "nieuw", "nieuw"],
        "en": ["cancelled", "cancelled", "new", "new"],
    }
    assert payloads["nl"] == payloads["en"] and '"change": "cancelled"' in payloads["en"]


def test_a_dutch_re_plan_names_its_changes_in_dutch(sample_dir: Path):
    records = sample_dir
    mentes(records, "plan", *WINDOW, "--commit")
    add_leave(records, "C-02", "2027-02-15", "2027-02-19")
    dutch = runner.invoke(app, ["--lang", "nl", "plan", *WINDOW, "--data", str(records)])
    assert dutch.exit_code == 0, dutch.output
    table = dutch.stdout[dutch.stdout.index("Wat er verandert") :]
    rows = [line for line in table.splitlines() if "T-2026-02" in line]
    assert len(rows) == 2 and all("verplaatst" in row and "moved" not in row for row in rows)
    english, nl_json = (
        runner.invoke(app, [*lang, "plan", *WINDOW, "--format", "json", "--data", str(records)])
        for lang in (["--lang", "en"], ["--lang", "nl"])
    )
    assert english.stdout.encode() == nl_json.stdout.encode()
    assert '"change": "moved"' in english.stdout
