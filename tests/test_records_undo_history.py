"""Undo per record set, the history of visits, no-op changes, a broken history, and the
history across export and import (SPEC 8; review findings 4, 5, 16).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import openpyxl
import pytest

from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.errors import InputError, RecordChangeError
from mentes_cli.export.records_xlsx import write_records_workbook
from mentes_cli.load import DataSource, load_records
from mentes_cli.records import RecordStore
from mentes_cli.records import store as store_module
from mentes_cli.records.history import parse_visit_field, visit_changes, visit_field

runner = CliRunner()


@pytest.fixture(autouse=True)
def _language_back():
    """`--lang nl` chooses the language for the rest of the process: English again after."""
    from mentes_cli import i18n

    yield
    i18n.set_language(None)


PLANNED = """\
id = "T-2026-022"
location = "LOC-003"
offer = "B"
status = "planned"
requested_on = 2026-10-02
earliest = 2027-01-11
start = 2027-01-12
end = 2027-03-02
coach = "C-02"
theme = "zorg en welbevinden"

[[trajects.visits]]
number = 0
kind = "intake"
date = 2027-01-11
start = "08:30"
hours = 1
coach = "C-02"
uid = "t22-0@mentes"

[[trajects.visits]]
number = 1
kind = "visit"
date = 2027-01-12
start = "08:30"
hours = 5
coach = "C-02"
uid = "t22-1@mentes"

[[trajects.visits]]
number = 2
kind = "visit"
date = 2027-03-02
start = "08:30"
hours = 5
coach = "C-02"
uid = "t22-2@mentes"
"""


@pytest.fixture
def records(sample_dir: Path) -> Path:
    """The sample with T-2026-022 planned: an intake call and two committed visits."""
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('id = "T-2026-022"')
    end = text.index("[[trajects]]", start)
    path.write_text(text[:start] + PLANNED + "\n" + text[end:], encoding="utf-8")
    return sample_dir


def mentes(data: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(data)])
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def workbook_of(folder: Path, name: str) -> Path:
    """Write the records of `folder` as the workbook `name` beside nothing else."""
    target = folder.parent / name
    write_records_workbook(load_records(DataSource(folder, "test")).records, target)
    return target


def status_in(book: Path, traject: str) -> str:
    store = RecordStore(book)
    with store.change("look") as change:
        return change.traject(traject)["status"]


# --- finding 4: two record sets in one folder, each its own undo ------------------------------


def test_two_workbooks_in_one_folder_each_keep_their_undo(records):
    wb = workbook_of(records, "wb.xlsx")
    fmt = workbook_of(records, "fmt.xlsx")
    mentes(wb, "approve", "T-2026-020")
    mentes(fmt, "cancel", "T-2026-020")
    backups = sorted(p.name for p in (wb.parent / "backup").iterdir())
    assert "wb.xlsx.undo.toml" in backups and "fmt.xlsx.undo.toml" in backups
    result = mentes(wb, "undo")
    assert "Undone: the last change (T-2026-020)." in result.stdout
    assert status_in(wb, "T-2026-020") == "requested"
    assert status_in(fmt, "T-2026-020") == "cancelled"  # the other workbook is untouched
    mentes(fmt, "undo")
    assert status_in(fmt, "T-2026-020") == "requested"
    again = mentes(wb, "undo", code=1)
    assert "wb.xlsx: nothing to undo" in again.output


def test_a_folder_and_a_workbook_beside_it_keep_their_own_undo(records):
    book = records / "wb.xlsx"
    write_records_workbook(load_records(DataSource(records, "test")).records, book)
    toml_before = (records / "trajects.toml").read_bytes()
    mentes(records, "approve", "T-2026-020")
    mentes(book, "approve", "T-2026-020")
    mentes(records, "undo")
    assert (records / "trajects.toml").read_bytes() == toml_before
    assert status_in(book, "T-2026-020") == "approved"
    assert RecordStore(book).can_undo()


def test_the_shared_undo_note_of_an_earlier_mentes_is_still_read(records):
    before = (records / "trajects.toml").read_bytes()
    mentes(records, "approve", "T-2026-020")
    backup = records / "backup"
    (backup / "trajects.toml.undo.toml").rename(backup / "undo.toml")
    assert RecordStore(records).can_undo()
    mentes(records, "undo")
    assert (records / "trajects.toml").read_bytes() == before
    assert not (backup / "undo.toml").exists()  # used once, like this set's own note


def test_a_shared_note_about_another_workbook_is_left_alone_and_said_truly(records):
    book = workbook_of(records, "wb.xlsx")
    mentes(book, "approve", "T-2026-020")
    backup = book.parent / "backup"
    (backup / "wb.xlsx.undo.toml").rename(backup / "undo.toml")
    other = workbook_of(records, "fmt.xlsx")
    result = mentes(other, "undo", code=1)
    assert "fmt.xlsx: nothing to undo" in result.output
    assert "cannot be read" not in result.output
    # A change of fmt.xlsx does not take away wb.xlsx's (older) note either.
    mentes(other, "approve", "T-2026-020")
    assert (backup / "undo.toml").exists()
    mentes(book, "undo")
    assert status_in(book, "T-2026-020") == "requested"


def test_a_broken_undo_note_says_so_and_where_the_backups_are(records):
    mentes(records, "approve", "T-2026-020")
    note = records / "backup" / "trajects.toml.undo.toml"
    note.write_text("file = = 1\n", encoding="utf-8")
    result = mentes(records, "undo", code=1)
    assert "the note of the last change cannot be read (not valid TOML)" in result.output
    assert "nothing was undone" in result.output
    note.write_text('file = "trajects.toml"\nbackup = "../../x"\n', encoding="utf-8")
    result = mentes(records, "undo", code=1)
    assert "is not the note of a change of trajects.toml" in result.output
    assert "Traceback" not in result.output


def test_pruning_keeps_the_backups_of_a_workbook_with_a_longer_name(records, monkeypatch):
    monkeypatch.setattr(store_module, "KEEP_BACKUPS", 1)
    short, longer = workbook_of(records, "wb.xlsx"), workbook_of(records, "wb.x.xlsx")
    mentes(longer, "approve", "T-2026-020")
    mentes(short, "approve", "T-2026-020")
    mentes(short, "cancel", "T-2026-020")
    names = sorted(p.name for p in (short.parent / "backup").iterdir())
    # wb.xlsx's pruning (its pattern `wb.*.xlsx` matches `wb.x.….xlsx` too) left wb.x's.
    assert len([n for n in names if n.startswith("wb.x.") and n.endswith("Z.xlsx")]) == 1
    assert 1 <= len([n for n in names if n.startswith("wb.2")]) < 3


# --- finding 16: what a visit change says, and a change that changes nothing -------------------


VISITS = [
    {"number": 1, "kind": "visit", "date": "2027-01-12", "state": "planned", "uid": "a"},
    {"number": 2, "kind": "visit", "date": "2027-03-02", "state": "planned", "uid": "b"},
]


def test_visit_changes_name_the_visit_and_its_field():
    done = [dict(VISITS[0], state="done"), VISITS[1]]
    assert visit_changes(VISITS, done) == [("visits.1.state", "planned", "done")]
    assert visit_changes(VISITS, [dict(v) for v in VISITS]) == []
    moved = [VISITS[0], dict(VISITS[1], date="2027-03-09", sequence=1)]
    assert visit_changes(VISITS, moved) == [("visits.2.date", "2027-03-02", "2027-03-09")]
    bumped = [VISITS[0], dict(VISITS[1], sequence=1)]
    assert visit_changes(VISITS, bumped) == [("visits.2.sequence", "0", "1")]
    # A field left out is its default: state planned, sequence 0.
    said = [dict(VISITS[0], sequence=0), {k: v for k, v in VISITS[1].items() if k != "state"}]
    assert visit_changes(VISITS, said) == []
    third = {"number": 3, "kind": "visit", "date": "2027-03-16", "uid": "c"}
    assert visit_changes(VISITS, [*VISITS, third]) == [("visits.3", "", "2027-03-16")]
    assert visit_changes(VISITS, VISITS[:1]) == [("visits.2", "2027-03-02", "")]
    assert visit_changes([], VISITS) == [("visits", "0", "2")]
    assert visit_changes(VISITS, []) == [("visits", "2", "0")]
    # Paired by UID, else by kind and number.
    renumbered = [dict(VISITS[1], number=1), dict(VISITS[0], number=2)]
    assert ("visits.1.number", "2", "1") in visit_changes(VISITS, renumbered)
    no_uid = [{k: v for k, v in visit.items() if k != "uid"} for visit in VISITS]
    assert visit_changes(no_uid, [no_uid[0], dict(no_uid[1], state="fixed")]) == [
        ("visits.2.state", "planned", "fixed")
    ]
    assert parse_visit_field(visit_field(3, "state")) == (3, "state")
    assert parse_visit_field("visits.0") == (0, "")
    assert parse_visit_field("visits") is None and parse_visit_field("status") is None


def test_a_visit_change_is_logged_as_the_visit_and_its_field(records):
    mentes(records, "visit", "T-2026-022", "1", "--state", "fixed")
    entries = RecordStore(records).history("T-2026-022")
    assert [(e.field, e.old, e.new) for e in entries] == [("visits.1.state", "planned", "fixed")]
    result = mentes(records, "history", "T-2026-022")
    assert "visit 1: state" in result.stdout and "planned → fixed" in result.stdout
    mentes(records, "unplan", "T-2026-022")
    result = runner.invoke(app, ["--lang", "nl", "history", "T-2026-022", "--data", str(records)])
    assert "bezoek 1: status" in result.stdout and "vast → geannuleerd" in result.stdout
    assert "intakegesprek: status" in result.stdout and "gepland → geannuleerd" in result.stdout


def test_a_visit_marked_as_it_is_writes_nothing_and_keeps_the_undo(records):
    mentes(records, "visit", "T-2026-022", "1", "--state", "fixed")
    after_first = (records / "trajects.toml").read_bytes()
    history = (records / "history.toml").read_bytes()
    backups = sorted(p.name for p in (records / "backup").iterdir())
    note = (records / "backup" / "trajects.toml.undo.toml").read_bytes()
    mentes(records, "visit", "T-2026-022", "1", "--state", "fixed")
    assert (records / "trajects.toml").read_bytes() == after_first
    assert (records / "history.toml").read_bytes() == history
    assert sorted(p.name for p in (records / "backup").iterdir()) == backups
    assert (records / "backup" / "trajects.toml.undo.toml").read_bytes() == note
    mentes(records, "undo")  # undoes the first, real change
    assert "fixed" not in (records / "trajects.toml").read_text(encoding="utf-8")


def test_the_same_visits_again_through_the_store_change_nothing(records):
    store = RecordStore(records)
    before = (records / "trajects.toml").read_bytes()
    with store.change("visit") as change:
        change.set_visits("T-2026-022", change.traject("T-2026-022")["visits"])
        change.set_fields("T-2026-022", {"status": "planned"})
        assert not change.changed
    assert (records / "trajects.toml").read_bytes() == before
    assert not (records / "backup").exists() and not (records / "history.toml").exists()


def test_a_workbook_visit_change_is_logged_per_field(records):
    book = workbook_of(records, "wb.xlsx")
    mentes(book, "visit", "T-2026-022", "2", "--state", "fixed")
    rows = list(openpyxl.load_workbook(book)["Historiek"].iter_rows(min_row=2, values_only=True))
    assert [row[4:] for row in rows] == [("Bezoek 2: Status", "gepland", "vast")]
    assert [(e.field, e.old, e.new) for e in RecordStore(book).history()] == [
        ("visits.2.state", "planned", "fixed")
    ]


# --- finding 16: a broken history.toml ----------------------------------------------------------


BROKEN = '\n[[changes]]\nwhen = "2027-01-04T09:00:00+00:00"\nuser = = "an"\n'


def test_a_change_is_refused_while_history_toml_is_broken(records):
    mentes(records, "approve", "T-2026-020")
    history = records / "history.toml"
    history.write_text(history.read_text(encoding="utf-8") + BROKEN, encoding="utf-8")
    broken_line = history.read_text(encoding="utf-8").count("\n")
    trajects, kept = (records / "trajects.toml").read_bytes(), history.read_bytes()
    backups = sorted(p.name for p in (records / "backup").iterdir())
    result = mentes(records, "cancel", "T-2026-020", code=1)
    assert f"history.toml, line {broken_line}: not valid TOML" in result.output
    assert "user = = " in result.output and "nothing was written" in result.output
    assert (records / "trajects.toml").read_bytes() == trajects
    assert history.read_bytes() == kept
    assert sorted(p.name for p in (records / "backup").iterdir()) == backups
    # undo adds to the history too: refused the same way.
    result = mentes(records, "undo", code=1)
    assert f"line {broken_line}" in result.output and "Traceback" not in result.output
    assert (records / "trajects.toml").read_bytes() == trajects


def test_history_of_a_broken_file_says_where_and_what_to_do(records):
    (records / "history.toml").write_bytes(b'[[changes]]\nwhen = "x"\n\xff\n')
    result = mentes(records, "history", code=1)
    assert "history.toml, line 3: the file is not UTF-8 text" in result.output
    assert "the history cannot be shown while it is broken: repair it" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_history_line_typed_without_its_end_is_continued_on_a_new_line(records):
    mentes(records, "approve", "T-2026-020")
    history = records / "history.toml"
    history.write_bytes(history.read_bytes() + b"# checked by An")
    mentes(records, "cancel", "T-2026-020")
    entries = RecordStore(records).history("T-2026-020")
    assert [e.new for e in entries] == ["approved", "cancelled"]


# --- finding 5: the history across export and import -------------------------------------------


def test_export_and_import_carry_the_history(records, tmp_path):
    mentes(records, "approve", "T-2026-020")
    mentes(records, "visit", "T-2026-022", "1", "--state", "fixed")
    history = RecordStore(records).history()
    book = tmp_path / "x.xlsx"
    mentes(records, "export", "--to", str(book))
    rows = list(openpyxl.load_workbook(book)["Historiek"].iter_rows(values_only=True))
    assert rows[0] == ("Wanneer", "Gebruiker", "Opdracht", "Traject", "Veld", "Oud", "Nieuw")
    assert [row[4:] for row in rows[1:]] == [
        ("Status", "aangevraagd", "goedgekeurd"),
        ("Bezoek 1: Status", "gepland", "vast"),
    ]
    assert RecordStore(book).history() == history
    # A change to the exported workbook appends to its history; import gives all of it back.
    mentes(book, "cancel", "T-2026-020")
    result = runner.invoke(app, ["import", str(book), "--to", str(tmp_path / "back")])
    assert result.exit_code == 0, result.output
    assert "back/history.toml" in result.stdout.replace("\\", "/")
    back = RecordStore(tmp_path / "back").history()
    assert back[:-1] == history
    assert (back[-1].field, back[-1].old, back[-1].new) == ("status", "approved", "cancelled")
    data = tomllib.loads((tmp_path / "back" / "history.toml").read_text(encoding="utf-8"))
    assert len(data["changes"]) == len(history) + 1
    # The imported folder goes on: the next change appends after the imported history.
    mentes(tmp_path / "back", "reopen", "T-2026-020")
    assert len(RecordStore(tmp_path / "back").history()) == len(history) + 2


def test_export_without_history_has_no_history_sheet_and_import_writes_no_history(
    records, tmp_path
):
    book = tmp_path / "x.xlsx"
    mentes(records, "export", "--to", str(book))
    assert "Historiek" not in openpyxl.load_workbook(book).sheetnames
    result = runner.invoke(app, ["import", str(book), "--to", str(tmp_path / "back")])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "back" / "history.toml").exists()


def test_import_refuses_to_replace_a_history_without_force(records, tmp_path):
    mentes(records, "approve", "T-2026-020")
    book = tmp_path / "x.xlsx"
    mentes(records, "export", "--to", str(book))
    target = tmp_path / "back"
    target.mkdir()
    (target / "history.toml").write_text("# mine\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(book), "--to", str(target)])
    assert result.exit_code == 1
    assert "history.toml already; use --force" in result.output
    assert (target / "history.toml").read_text(encoding="utf-8") == "# mine\n"
    assert not (target / "trajects.toml").exists()


def test_the_store_refuses_with_the_loaders_words(records):
    (records / "history.toml").write_text("[changes]\nwhen = 1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[\[changes\]\] must be tables"):
        RecordStore(records).history()
    with pytest.raises(RecordChangeError, match="nothing to undo"):
        RecordStore(records).undo()


# --- in Dutch ----------------------------------------------------------------------------------


def test_the_messages_of_undo_and_a_broken_history_are_dutch(records, tmp_path, monkeypatch):
    from english import english_left

    monkeypatch.setenv("MENTES_LANG", "nl")

    def dutch(*args: str, code: int) -> str:
        result = runner.invoke(app, ["--lang", "nl", *args])
        assert result.exit_code == code, result.output
        assert not english_left(result.output), result.output
        return result.output

    said = dutch("undo", "--data", str(records), code=1)
    assert "niets om ongedaan te maken" in said
    dutch("approve", "T-2026-020", "--data", str(records), code=0)
    note = records / "backup" / "trajects.toml.undo.toml"
    note.write_text("file = = 1\n", encoding="utf-8")
    assert "geen geldige TOML" in dutch("undo", "--data", str(records), code=1)
    history = records / "history.toml"
    # Not UTF-8 (the TOML parser's own reasons are English: review finding 12, the loader's).
    history.write_bytes(history.read_bytes() + b"\n# caf\xe9\n")
    assert "beschadigd" in dutch("cancel", "T-2026-020", "--data", str(records), code=1)
    assert "beschadigd" in dutch("history", "--data", str(records), code=1)
    book = tmp_path / "x.xlsx"
    history.unlink()
    dutch("export", "--to", str(book), "--data", str(records), code=0)
    dutch("import", str(book), "--to", str(tmp_path / "back"), code=0)
