"""`plan --commit` on records kept as one workbook (SPEC 8): the coordinator's week of
test_plan_commit.py, on `mentes init week.xlsx`.

The visits land in the sheet Bezoeken and every later command reads them back from there;
the coordinator's own column and sheet survive each change.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.load import DataSource, load_records

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
VISIT_HEADERS = [
    "Traject", "Nummer", "Soort", "Datum", "Start", "Uren", "Coach", "Status", "UID",
    "Volgnummer",
]  # fmt: skip


def mentes(book: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(book)])
    assert result.exit_code == code, result.output
    return result


def trajects(book: Path) -> dict[str, dict]:
    """Give every traject of the workbook as the loader reads it, visits included."""
    records = load_records(DataSource(book, "test")).records
    return {t.id: t.model_dump(exclude_none=True) for t in records.trajects}


def plan_json(book: Path) -> dict:
    return json.loads(mentes(book, "plan", *WINDOW, "--format", "json").stdout)


def add_leave(book: Path, coach: str, first: date, last: date) -> None:
    """Add a row to the sheet Verlof as a coordinator would, in a spreadsheet program."""
    workbook = openpyxl.load_workbook(book)
    if "Verlof" not in workbook.sheetnames:
        workbook.create_sheet("Verlof").append(["Coach", "Van", "Tot en met"])
    workbook["Verlof"].append([coach, first, last])
    workbook.save(book)


def add_notes(book: Path) -> None:
    """A coordinator's own column in Trajecten and own sheet, which no change may lose."""
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Trajecten"]
    column = sheet.max_column + 1
    sheet.cell(row=1, column=column, value="Notities")
    sheet.cell(row=2, column=column, value="bellen na de kerstvakantie")
    workbook.create_sheet("Mijn lijst")["B3"] = "eigen blad"
    workbook.save(book)


def visit_rows(book: Path) -> list[tuple]:
    sheet = openpyxl.load_workbook(book)["Bezoeken"]
    return list(sheet.iter_rows(values_only=True))


def live(traject: dict) -> list[dict]:
    return [v for v in traject.get("visits", []) if v["state"] != "cancelled"]


def test_a_coordinators_week_on_a_workbook(tmp_path: Path):
    book = tmp_path / "week.xlsx"
    result = runner.invoke(app, ["init", str(book)])
    assert result.exit_code == 0, result.output
    add_notes(book)
    mentes(
        book,
        "request",
        "LOC-011",
        "bvv-basis",
        "--requested-on",
        "2026-11-30",
        "--earliest",
        "2027-01-11",
    )
    mentes(book, "approve", "T-2026-020")
    first = plan_json(book)
    committed = mentes(book, "plan", *WINDOW, "--commit", "--format", "json")
    assert "Committed to the records: 9 trajects planned, 0 kept visits moved." in (
        committed.output
    )
    assert json.loads(committed.stdout)["visits"] == first["visits"]
    after = trajects(book)
    planned = [t for t in after.values() if t["status"] == "planned"]
    assert len(planned) == 9
    for traject in planned:
        days = [v["date"] for v in traject["visits"] if v["kind"] == "visit"]
        assert (traject["start"], traject["end"]) == (min(days), max(days))
        assert all(v["uid"].endswith("@mentes") and v["sequence"] == 0 for v in traject["visits"])
    uids = [v["uid"] for t in planned for v in t["visits"]]
    assert len(uids) == len(set(uids))

    # The sheet Bezoeken: the vocabulary's headers, one row a visit, in the Dutch words.
    rows = visit_rows(book)
    assert list(rows[0]) == VISIT_HEADERS
    assert len(rows) - 1 == len(uids)
    by_uid = {row[8]: row for row in rows[1:]}
    traject = planned[0]
    visit = traject["visits"][-1]
    row = by_uid[visit["uid"]]
    assert row[0] == traject["id"] and row[1] == visit["number"]
    assert row[2] == ("intake" if visit["kind"] == "intake" else "bezoek")
    assert row[3] == datetime.combine(visit["date"], datetime.min.time())
    assert (row[4], row[5], row[6], row[7], row[9]) == (
        visit["start"],
        visit["hours"],
        visit["coach"],
        "gepland",
        0,
    )
    assert {row[2] for row in rows[1:]} <= {"bezoek", "intake"}
    # The coordinator's column and sheet are still there.
    workbook = openpyxl.load_workbook(book)
    assert workbook["Trajecten"].cell(row=2, column=workbook["Trajecten"].max_column).value == (
        "bellen na de kerstvakantie"
    )
    assert workbook["Mijn lijst"]["B3"].value == "eigen blad"
    assert "Historiek" in workbook.sheetnames

    # Planning again on the unchanged workbook: every committed visit stays.
    again = plan_json(book)
    assert again["visits"] == first["visits"]
    assert again["unplanned"] == [] and again.get("moved", []) == []
    assert "break no rule" in mentes(book, "plan", "--check-records").stdout

    # A coach takes leave: only the visits on the leave move; a fixed one never does.
    on_leave = [
        (t["id"], v["number"])
        for t in planned
        for v in t["visits"]
        if v["coach"] == "C-02" and date(2027, 2, 15) <= v["date"] <= date(2027, 2, 19)
    ]
    assert len(on_leave) >= 2, "the sample plan has C-02 visits in that week"
    fixed_id, fixed_number = on_leave[0]
    rows_before = visit_rows(book)
    mentes(book, "visit", fixed_id, str(fixed_number), "--state", "fixed")
    # Only the one Status cell changed: every row stays in its place.
    changed = [
        (number, index)
        for number, (old, new) in enumerate(zip(rows_before, visit_rows(book), strict=True))
        for index, (a, b) in enumerate(zip(old, new, strict=True))
        if a != b
    ]
    assert len(changed) == 1 and changed[0][1] == 7
    row = visit_rows(book)[changed[0][0]]
    assert (row[0], row[1], row[7]) == (fixed_id, fixed_number, "vast")
    add_leave(book, "C-02", date(2027, 2, 15), date(2027, 2, 19))
    before = trajects(book)
    result = mentes(book, "plan", *WINDOW, "--commit")
    moved_now = len(on_leave) - 1
    visits = "visit" if moved_now == 1 else "visits"
    assert f"0 trajects planned, {moved_now} kept {visits} moved" in result.output
    now = trajects(book)
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
    moved_uids = {
        v["uid"]
        for traject_id, t in before.items()
        for v in t.get("visits", [])
        if (traject_id, v["number"]) in on_leave[1:]
    }
    moved_rows = [row for row in visit_rows(book)[1:] if row[8] in moved_uids]
    assert len(moved_rows) == moved_now and all(row[9] == 1 for row in moved_rows)
    reported = mentes(book, "plan", "--check-records", code=1).stdout
    assert "1 violation:" in reported and f"{fixed_id}, visit on" in reported

    # The week goes on: start, done; the entitlement counts as used.
    with pytest.MonkeyPatch.context() as later:  # started and done once its visits took place
        later.setenv("SOURCE_DATE_EPOCH", "1806494400")  # 2027-03-31 12:00 UTC
        mentes(book, "start", "T-2026-023")
        mentes(book, "done", "T-2026-023")
    done = trajects(book)["T-2026-023"]
    assert done["status"] == "done" and {v["state"] for v in done["visits"]} == {"done"}
    assert {row[7] for row in visit_rows(book)[1:] if row[0] == "T-2026-023"} == {"gedaan"}
    eligibility = json.loads(
        mentes(
            book,
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

    # Still there after all those changes; no notice calls Historiek an ignored sheet.
    workbook = openpyxl.load_workbook(book)
    assert workbook["Mijn lijst"]["B3"].value == "eigen blad"
    notices = load_records(DataSource(book, "test")).notices
    assert not any("Historiek" in notice for notice in notices), notices
    assert any("'Mijn lijst'" in notice for notice in notices), notices


def test_committed_visits_travel_through_import_and_export(tmp_path: Path):
    book = tmp_path / "week.xlsx"
    assert runner.invoke(app, ["init", str(book)]).exit_code == 0
    mentes(book, "plan", *WINDOW, "--commit")
    result = runner.invoke(app, ["import", str(book), "--to", str(tmp_path / "folder")])
    assert result.exit_code == 0, result.output
    assert "Ignored" not in result.output  # Historiek is mentes' own sheet
    text = (tmp_path / "folder" / "trajects.toml").read_text(encoding="utf-8")
    assert text.count("[[trajects.visits]]") == sum(len(t.get("visits", [])) for t in
                                                    trajects(book).values())  # fmt: skip
    folder = tmp_path / "folder"
    assert load_records(DataSource(folder, "test")).records.trajects == [
        t for t in load_records(DataSource(book, "test")).records.trajects
    ]
    again = tmp_path / "again.xlsx"
    result = runner.invoke(app, ["export", "--data", str(folder), "--to", str(again)])
    assert result.exit_code == 0, result.output
    assert visit_rows(again) == visit_rows(book)
