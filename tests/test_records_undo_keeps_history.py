"""Undo in a workbook keeps the history, as in a folder: the undone change's lines stay in the
sheet Historiek and the undo is added below them (it used to come back from the backup,
losing the undone change's lines, while history.toml kept them)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.export.records_xlsx import write_records_workbook
from mentes_cli.load import DataSource, load_records
from mentes_cli.records import RecordStore

runner = CliRunner()


def mentes(data: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(data)])
    assert result.exit_code == code, result.output
    return result


def steps(store: RecordStore, traject: str) -> list[tuple[str, str, str, str]]:
    return [(e.command, e.field, e.old, e.new) for e in store.history(traject)]


EXPECTED = [
    ("approve T-2026-020", "status", "requested", "approved"),
    ("cancel T-2026-020", "status", "approved", "cancelled"),
    ("undo", "status", "cancelled", "approved"),
]


def test_undo_in_a_workbook_keeps_the_history_as_a_folder_does(sample_dir: Path):
    book = sample_dir.parent / "wb.xlsx"
    write_records_workbook(load_records(DataSource(sample_dir, "test")).records, book)
    for data in (sample_dir, book):
        mentes(data, "approve", "T-2026-020")
        mentes(data, "cancel", "T-2026-020")
        mentes(data, "undo")
    assert steps(RecordStore(sample_dir), "T-2026-020") == EXPECTED
    assert steps(RecordStore(book), "T-2026-020") == EXPECTED
    # The records are back as they were before the cancel.
    records = load_records(DataSource(book, "test")).records
    assert next(t for t in records.trajects if t.id == "T-2026-020").status == "approved"
    sheet = openpyxl.load_workbook(book)["Historiek"]
    assert sheet.max_row == 1 + len(EXPECTED)
    assert sheet.freeze_panes == "A2"  # its layout comes along with its rows


def test_undo_of_the_first_change_keeps_the_new_sheet_historiek(sample_dir: Path):
    book = sample_dir.parent / "wb.xlsx"
    write_records_workbook(load_records(DataSource(sample_dir, "test")).records, book)
    assert "Historiek" not in openpyxl.load_workbook(book).sheetnames
    mentes(book, "approve", "T-2026-020")
    mentes(book, "undo")
    undone = ("undo", "status", "approved", "requested")
    assert steps(RecordStore(book), "T-2026-020") == [EXPECTED[0], undone]
    again = mentes(book, "undo", code=1)  # once, as before
    assert "nothing to undo" in again.output
