"""`mentes export` and `mentes import` carry the memory of letters sent along with the records
(the sheet Brieven of the workbook, letters.toml in the folder): the converted records do not
write every letter again."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()


def mentes(*args: str) -> str:
    result = runner.invoke(app, [*args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_letters_sent_go_along_with_export_and_import(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796212800")  # 2026-12-01
    records, book, back = tmp_path / "recs", tmp_path / "x.xlsx", tmp_path / "back"
    mentes("init", str(records))
    mentes("plan", "--commit", "--data", str(records))
    assert "letters written" in mentes(
        "letters", "--to", str(tmp_path / "a"), "--data", str(records)
    )
    remembered = (records / "letters.toml").read_bytes()

    mentes("export", "--to", str(book), "--data", str(records))
    assert not (tmp_path / "x.letters.toml").exists()
    assert "Brieven" in openpyxl.load_workbook(book).sheetnames
    assert "No new letters" in mentes("letters", "--to", str(tmp_path / "b"), "--data", str(book))

    mentes("import", str(book), "--to", str(back))
    assert (back / "letters.toml").read_bytes() == remembered
    assert "No new letters" in mentes("letters", "--to", str(tmp_path / "c"), "--data", str(back))


def test_records_without_letters_export_no_memory(tmp_path: Path):
    records, book = tmp_path / "recs", tmp_path / "x.xlsx"
    mentes("init", str(records))
    mentes("export", "--to", str(book), "--data", str(records))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recs", "x.xlsx"]
    assert "Brieven" not in openpyxl.load_workbook(book).sheetnames
