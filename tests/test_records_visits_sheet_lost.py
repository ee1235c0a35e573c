"""A workbook whose sheet Bezoeken was renamed, removed or emptied (review 2, F-w).

The committed visits of its planned trajects are then out of sight: no command sees the days
their coaches are booked. Every command that reads the records warns, naming the sheet and
the trajects; a change that writes visits is refused, since a new sheet Bezoeken beside the
renamed one (or beside the gap) would book those days again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _english_after():
    """A Dutch run sets the language of this process: the next test reads English again."""
    yield
    from mentes_cli import i18n

    i18n.set_language(None)


WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
PLANNED = [f"T-2026-0{n}" for n in range(21, 29)]


def mentes(book: Path, *args: str, code: int = 0, lang: str = "en"):
    result = runner.invoke(app, ["--lang", lang, *args, "--data", str(book)])
    assert result.exit_code == code, result.output
    return result


@pytest.fixture(scope="module")
def committed(tmp_path_factory) -> Path:
    """The sample as a workbook after the first `plan --commit`: 8 planned trajects."""
    book = tmp_path_factory.mktemp("committed") / "wb.xlsx"
    assert runner.invoke(app, ["init", str(book)]).exit_code == 0
    mentes(book, "plan", *WINDOW, "--commit")
    return book


def copy_of(committed: Path, tmp_path: Path, edit) -> Path:
    """Give a copy of the committed workbook edited as a coordinator would, with T-2026-020
    approved (so that `plan --commit` has something new to write)."""
    book = tmp_path / "wb.xlsx"
    shutil.copyfile(committed, book)
    mentes(book, "approve", "T-2026-020")
    workbook = openpyxl.load_workbook(book)
    edit(workbook)
    workbook.save(book)
    return book


def rename(workbook):
    workbook["Bezoeken"].title = "Bezoeken 2027"


def remove(workbook):
    del workbook["Bezoeken"]


def empty_one(workbook):
    """Remove the rows of T-2026-023's visits (and no other)."""
    sheet = workbook["Bezoeken"]
    for number in reversed(range(2, sheet.max_row + 1)):
        if sheet.cell(row=number, column=1).value == "T-2026-023":
            sheet.delete_rows(number)


def test_a_renamed_sheet_is_named_by_validate_and_plan_and_commit_is_refused(committed, tmp_path):
    book = copy_of(committed, tmp_path, rename)
    result = mentes(book, "validate")
    assert "Ignored sheets (not records): 'Bezoeken 2027'" in result.stderr
    warning = (
        "Warning: the workbook has no sheet Bezoeken, where the visits of 8 planned trajects "
        f"({', '.join(PLANNED)}) belong: no command sees the days their coaches are booked, "
        "and plan would book them again. Sheet 'Bezoeken 2027' has its columns: if it holds "
        "these visits, name it Bezoeken again."
    )
    assert warning in " ".join(result.stderr.split())
    assert "OK:" in result.stdout
    assert warning in " ".join(mentes(book, "plan", *WINDOW).stderr.split())
    before = book.read_bytes()
    refused = mentes(book, "plan", *WINDOW, "--commit", code=1)
    assert (
        "wb.xlsx: has no sheet Bezoeken, but sheet 'Bezoeken 2027' has its columns (renamed?)"
        in " ".join(refused.stderr.split())
    )
    assert book.read_bytes() == before
    assert not (tmp_path / "backup" / "wb.xlsx.undo.toml").read_text().count("plan")


def test_renamed_back_the_commit_books_no_coach_twice(committed, tmp_path):
    book = copy_of(committed, tmp_path, rename)
    workbook = openpyxl.load_workbook(book)
    workbook["Bezoeken 2027"].title = "Bezoeken"
    workbook.save(book)
    assert "Bezoeken" not in mentes(book, "validate").stderr
    mentes(book, "plan", *WINDOW, "--commit")
    rows = list(openpyxl.load_workbook(book)["Bezoeken"].iter_rows(min_row=2, values_only=True))
    live = [row for row in rows if row[0] and row[7] != "geannuleerd"]
    booked = [(row[3], row[6]) for row in live if row[2] == "bezoek"]
    assert len(booked) == len(set(booked)), "a coach is at two locations on one day"
    assert {row[0] for row in rows} >= {"T-2026-020", *PLANNED}


def test_a_removed_sheet_warns_and_commit_is_refused_until_the_trajects_are_unplanned(
    committed, tmp_path
):
    book = copy_of(committed, tmp_path, remove)
    warning = " ".join(mentes(book, "validate").stderr.split())
    assert "the workbook has no sheet Bezoeken, where the visits of 8 planned trajects" in warning
    assert "Put the visits back" in warning
    before = book.read_bytes()
    refused = " ".join(mentes(book, "plan", *WINDOW, "--commit", code=1).stderr.split())
    assert (
        f"wb.xlsx: has no sheet Bezoeken, where the visits of the planned trajects "
        f"{', '.join(PLANNED)} belong; writing new visits would book their coaches' days "
        "again." in refused
    )
    assert "nothing was written" in refused
    assert book.read_bytes() == before
    for traject in PLANNED:
        mentes(book, "unplan", traject)
    assert "Warning: the workbook" not in mentes(book, "validate").stderr
    mentes(book, "plan", *WINDOW, "--commit")
    assert "Bezoeken" in openpyxl.load_workbook(book).sheetnames


def test_a_planned_traject_whose_rows_were_removed_warns_and_blocks_new_visits(committed, tmp_path):
    book = copy_of(committed, tmp_path, empty_one)
    warning = " ".join(mentes(book, "validate").stderr.split())
    assert (
        "Warning: sheet Bezoeken holds no visit of 1 planned traject (T-2026-023): no command "
        "sees the days its coach is booked, and plan would book them again." in warning
    )
    refused = " ".join(mentes(book, "plan", *WINDOW, "--commit", code=1).stderr.split())
    assert "wb.xlsx: sheet 'Bezoeken' holds no visit of the planned trajects T-2026-023;" in (
        refused
    )
    # A change that writes no visits is not held up.
    mentes(book, "cancel", "T-2026-020")


def test_the_sample_with_its_empty_sheet_bezoeken_gets_no_warning(tmp_path):
    """Active and done trajects from before visits were kept have none: no warning."""
    book = tmp_path / "wb.xlsx"
    assert runner.invoke(app, ["export", "--to", str(book)]).exit_code == 0
    assert "Bezoeken" not in mentes(book, "validate").stderr
    workbook = openpyxl.load_workbook(book)
    del workbook["Bezoeken"]
    workbook.create_sheet("Mijn blad")["A1"] = "notities"
    workbook.save(book)
    assert "Bezoeken" not in mentes(book, "validate").stderr
    mentes(book, "plan", *WINDOW, "--commit")


def test_in_dutch(committed, tmp_path):
    book = copy_of(committed, tmp_path, rename)
    for args in (["validate"], ["plan", *WINDOW], ["plan", *WINDOW, "--commit"]):
        result = mentes(book, *args, lang="nl", code=1 if "--commit" in args else 0)
        assert "'Bezoeken 2027'" in result.stderr
        assert not english_left(result.stderr), result.stderr
