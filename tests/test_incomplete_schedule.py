"""The schedule workbook flags an incomplete traject (review 2, finding 12; SPEC 5 rule 7).

It said "Visit 1 of 5" ... "5 of 5" for a traject whose location was told 8 visits, with no
word of the 3 missing. Now: its row on the sheet Trajects says "incomplete: 5 of 8 visits
planned" (column Remark), a sheet Incomplete lists it with the reasons, and its visits keep
the numbers the location was told (1 of 8 ...). The same for a committed traject with a
visit cancelled by hand (the check of `plan --check-records`): "incomplete: 7 of 8".
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from english import english_left
from incomplete_cases import (
    WINDOW,
    at_epoch_in_english,  # noqa: F401 (autouse)
    cancelled_case,
    commit,
    leave_case,
    mentes,
)


def schedule(records: Path, lang: str | None = None):
    target = records.parent / f"schedule-{lang or 'en'}.xlsx"
    mentes(records, "plan", *WINDOW, "--output", str(target), "--force", lang=lang)
    return load_workbook(target)


def table(sheet) -> list[dict]:
    """Give the rows of a sheet under its header row (the row whose first cell is a header)."""
    values = list(sheet.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(values) if row and row[0] in ("Traject", "Date", "Datum"))
    header = values[at]
    # Not the note under the table (one text in the first cell) nor the totals.
    return [
        dict(zip(header, row, strict=False))
        for row in values[at + 1 :]
        if row and row[0] and any(value is not None for value in row[1:])
    ]


def labels(book, traject: str, sheet: str = "Visits") -> list[str]:
    return [row["Visit"] for row in table(book[sheet]) if row.get("Traject") == traject]


def test_the_plans_incomplete_traject_is_flagged_with_its_missing_visits(sample_dir):
    leave_case(sample_dir)
    book = schedule(sample_dir)
    trajects = {row["Traject"]: row for row in table(book["Trajects"])}
    assert trajects["T-2026-021"]["Remark"] == "incomplete: 5 of 8 visits planned"
    assert trajects["T-2026-021"]["Days"] == 5
    assert trajects["T-2026-022"]["Remark"] is None  # handed over whole: not incomplete
    assert "Incomplete" in book.sheetnames
    incomplete = table(book["Incomplete"])
    assert {row["Traject"] for row in incomplete} == {"T-2026-021"}
    assert {row["Visits planned"] for row in incomplete} == {"5 of 8"}
    assert any("leave" in row["Reason"] for row in incomplete)
    # Its visits are numbered as the location was told: of 8, not of 5.
    assert labels(book, "T-2026-021") == [f"Visit {n} of 8" for n in range(1, 6)]


def test_a_visit_cancelled_by_hand_keeps_the_others_numbers(sample_dir):
    cancelled_case(sample_dir)
    book = schedule(sample_dir)
    trajects = {row["Traject"]: row for row in table(book["Trajects"])}
    assert trajects["T-2026-023"]["Remark"] == "incomplete: 7 of 8 visits planned"
    assert labels(book, "T-2026-023") == [f"Visit {n} of 8" for n in (1, 2, 4, 5, 6, 7, 8)]
    incomplete = table(book["Incomplete"])
    assert [row["Visits planned"] for row in incomplete] == ["7 of 8"]
    assert "[visits]" in incomplete[0]["Reason"]


def test_a_whole_plan_has_no_incomplete_sheet(sample_dir):
    commit(sample_dir)
    book = schedule(sample_dir)
    assert "Incomplete" not in book.sheetnames
    assert "Remark" not in table(book["Trajects"])[0]  # no empty column
    assert labels(book, "T-2026-023") == [f"Visit {n} of 8" for n in range(1, 9)]


def test_the_workbook_in_dutch(sample_dir):
    leave_case(sample_dir)
    book = schedule(sample_dir, lang="nl")
    assert "Onvolledig" in book.sheetnames
    rows = list(book["Trajecten"].iter_rows(values_only=True))
    assert any("onvolledig: 5 van 8 bezoeken gepland" in row for row in rows)
    assert "Opmerking" in next(row for row in rows if row and row[0] == "Traject")
    words = [
        str(value)
        for name in ("Trajecten", "Onvolledig")
        for row in book[name].iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]
    assert not english_left("\n".join(words)), words
    assert [
        r[10] for r in book["Bezoeken"].iter_rows(values_only=True) if r[8] == "T-2026-021"
    ] == [f"Bezoek {n} van 8" for n in range(1, 6)]
