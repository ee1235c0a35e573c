"""`mentes import WORKBOOK --to FOLDER --force` over records is a change like any other
(SPEC 8, review 2 F-ee): under the records' lock, each file it replaces kept in backup/,
and `mentes undo` gives every one of them back, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from mentes_cli.reference import sample_records_dir

runner = CliRunner()


@pytest.fixture(autouse=True)
def _english_after():
    """A Dutch run sets the language of this process: the next test reads English again."""
    yield
    from mentes_cli import i18n

    i18n.set_language(None)


FILES = ("organisations.toml", "coaches.toml", "trajects.toml", "history.toml")


def mentes(*args, code: int = 0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result


def records_and_workbook(tmp_path: Path) -> tuple[Path, Path]:
    """Give records with a change of their own (a request, so a history.toml) and a workbook
    of other records (the sample, with a changed name) to import over them."""
    records = tmp_path / "recs"
    shutil.copytree(sample_records_dir(), records)
    mentes("request", "LOC-011", "bvv-basis", "--data", records)
    other = tmp_path / "other"
    shutil.copytree(sample_records_dir(), other)
    text = (other / "organisations.toml").read_text(encoding="utf-8")
    (other / "organisations.toml").write_text(
        text.replace('name = "Vzw De Vlinder"', 'name = "Vzw Nieuwe Naam"', 1),
        encoding="utf-8",
    )
    assert "Vzw Nieuwe Naam" in (other / "organisations.toml").read_text(encoding="utf-8")
    mentes("approve", "T-2026-020", "--data", other)  # a history, so a sheet Historiek
    book = tmp_path / "wb.xlsx"
    mentes("export", "--data", other, "--to", book)
    return records, book


def contents(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES if (folder / name).exists()}


def test_import_force_keeps_the_files_it_replaces_and_undo_gives_them_back(tmp_path):
    records, book = records_and_workbook(tmp_path)
    before = contents(records)
    assert set(before) == set(FILES)
    result = mentes("import", book, "--to", records, "--force")
    assert "Vzw Nieuwe Naam" in (records / "organisations.toml").read_text(encoding="utf-8")
    assert (
        f"The files the import replaced are kept in {records / 'backup'}; mentes undo --data "
        f"{records} gives them back." in " ".join(result.stderr.split())
    )
    backups = {p.read_bytes() for p in (records / "backup").iterdir()}
    assert all(content in backups for content in before.values())
    undone = mentes("undo", "--data", records)
    assert undone.stdout == "Undone: the last change (import wb.xlsx).\n"
    assert contents(records) == before
    # Once: the change before the import is not undone by a second undo.
    again = mentes("undo", "--data", records, code=1)
    assert "nothing to undo" in again.stderr


def test_a_file_the_import_made_is_removed_by_undo(tmp_path):
    records, book = records_and_workbook(tmp_path)
    (records / "history.toml").unlink()
    before = contents(records)
    mentes("import", book, "--to", records, "--force")
    assert (records / "history.toml").exists()
    mentes("undo", "--data", records)
    assert contents(records) == before
    assert not (records / "history.toml").exists()


def test_undo_after_an_import_refuses_when_a_file_was_edited_since(tmp_path):
    records, book = records_and_workbook(tmp_path)
    mentes("import", book, "--to", records, "--force")
    coaches = records / "coaches.toml"
    coaches.write_text(coaches.read_text(encoding="utf-8") + "# mijn notitie\n", "utf-8")
    after = contents(records)
    refused = mentes("undo", "--data", records, code=1)
    assert f"{coaches}: changed after the last change by mentes" in " ".join(refused.stderr.split())
    assert contents(records) == after


def test_an_import_into_a_new_folder_makes_no_backup(tmp_path):
    _records, book = records_and_workbook(tmp_path)
    result = mentes("import", book, "--to", tmp_path / "new")
    assert not (tmp_path / "new" / "backup").exists()
    assert "backup" not in result.stderr
    mentes("undo", "--data", tmp_path / "new", code=1)


def test_import_force_in_dutch(tmp_path):
    records, book = records_and_workbook(tmp_path)
    result = mentes("--lang", "nl", "import", book, "--to", records, "--force")
    assert "backup" in result.stderr
    assert not english_left(result.stderr), result.stderr
    assert not english_left(mentes("--lang", "nl", "undo", "--data", records).stdout)
