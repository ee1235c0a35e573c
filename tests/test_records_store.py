"""The record store (SPEC 8): nothing lost, format kept, wrong writes refused.

The lifecycle commands (request, approve, plan --commit …) are built on this API; these
tests drive it directly, and through real processes for the lock and SIGKILL.
"""

from __future__ import annotations

import difflib
import os
import random
import signal
import subprocess
import sys
import time
import tomllib
from datetime import date
from pathlib import Path

import pytest

from mentes_cli.errors import (
    InputError,
    RecordChangeError,
    RecordsBusyError,
    RecordsChangedError,
    UnsafeWorkbookError,
)
from mentes_cli.load import DataSource, load_records
from mentes_cli.records import RecordStore
from mentes_cli.records.lock import RecordsLock

WORKER = Path(__file__).parent / "records_worker.py"
NEW = {
    "location": "LOC-001",
    "offer": "coaching",
    "status": "requested",
    "requested_on": date(2026, 11, 30),
}


def changed_lines(before: str, after: str) -> list[str]:
    """Give the lines removed (-) and added (+), without context."""
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def trajects_of(folder: Path) -> list[dict]:
    return tomllib.loads((folder / "trajects.toml").read_text(encoding="utf-8"))["trajects"]


def temporaries(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.tmp"))


# --- format kept: every untouched byte ---------------------------------------------------------


def test_changing_a_field_changes_that_line_only(sample_dir):
    before = (sample_dir / "trajects.toml").read_text(encoding="utf-8")
    with RecordStore(sample_dir).change("approve") as change:
        change.set_fields("T-2026-021", {"status": "approved", "coach": "C-01"})
    after = (sample_dir / "trajects.toml").read_text(encoding="utf-8")
    old_block = before.split('id = "T-2026-021"')[1].split("[[trajects]]")[0]
    assert 'status = "approved"' in old_block  # the sample's request is approved already
    assert changed_lines(before, after) == ['+coach = "C-01"']


def test_changing_status_keeps_every_other_byte(sample_dir):
    before = (sample_dir / "trajects.toml").read_bytes()
    with RecordStore(sample_dir).change("cancel") as change:
        change.set_fields("T-2026-020", {"status": "cancelled"})
    after = (sample_dir / "trajects.toml").read_bytes()
    old = before.decode()
    assert changed_lines(old, after.decode()) == [
        f"-status = {_status_of(old, 'T-2026-020')}",
        '+status = "cancelled"',
    ]
    # The comments, blank lines and order of the sample are all still there.
    assert [line for line in old.splitlines() if line.startswith("#")] == [
        line for line in after.decode().splitlines() if line.startswith("#")
    ]


def _status_of(text: str, traject: str) -> str:
    block = text.split(f'id = "{traject}"')[1]
    return block.split("status = ")[1].split("\n")[0]


def test_adding_a_traject_appends_and_keeps_the_file_before_it(sample_dir):
    before = (sample_dir / "trajects.toml").read_bytes()
    with RecordStore(sample_dir).change("request") as change:
        new_id = change.new_traject_id(2027)
        change.add_traject({"id": new_id, **NEW})
    after = (sample_dir / "trajects.toml").read_bytes()
    assert new_id == "T-2027-001"
    assert after.startswith(before)
    assert after[len(before) :].decode() == (
        "\n[[trajects]]\n"
        'id = "T-2027-001"\n'
        'location = "LOC-001"\n'
        'offer = "coaching"\n'
        'status = "requested"\n'
        "requested_on = 2026-11-30\n"
    )


def test_ids_grow_past_999(sample_dir):
    text = (sample_dir / "trajects.toml").read_text(encoding="utf-8")
    text += '\n[[trajects]]\nid = "T-2027-999"\nlocation = "LOC-001"\noffer = "coaching"\n'
    text += 'status = "requested"\n'
    (sample_dir / "trajects.toml").write_text(text, encoding="utf-8")
    with RecordStore(sample_dir).change("request") as change:
        assert change.new_traject_id(2027) == "T-2027-1000"
        assert change.new_traject_id(2028) == "T-2028-001"


def test_visits_go_under_their_traject_before_the_next_one(sample_dir):
    """[[trajects.visits]] inside the traject's block; the TOML layer, as plan --commit uses it."""
    from mentes_cli.records.toml_form import TrajectsToml

    before = (sample_dir / "trajects.toml").read_text(encoding="utf-8")
    form = TrajectsToml(before)
    visit = {"number": 1, "kind": "visit", "date": date(2027, 1, 4), "start": "09:00"}
    form.set_fields("T-2026-021", {"status": "planned"})
    form.add_visit("T-2026-021", {**visit, "hours": 2.5, "coach": "C-01", "state": "planned"})
    form.add_visit("T-2026-021", {**visit, "number": 2, "date": date(2027, 1, 11)})
    after = form.text()
    parsed = tomllib.loads(after)["trajects"]
    traject = next(t for t in parsed if t["id"] == "T-2026-021")
    assert [v["number"] for v in traject["visits"]] == [1, 2]
    assert [t["id"] for t in parsed] == [t["id"] for t in tomllib.loads(before)["trajects"]]
    removed = [line for line in changed_lines(before, after) if line.startswith("-")]
    assert removed == ['-status = "approved"']
    block = after.split('id = "T-2026-021"')[1].split("\n[[trajects]]\n")[0]
    assert block.count("\n\n[[trajects.visits]]\n") == 2
    # Replacing the visits touches that traject only.
    form.set_visits("T-2026-021", [])
    again = tomllib.loads(form.text())["trajects"]
    assert "visits" not in next(t for t in again if t["id"] == "T-2026-021")


def test_a_file_the_blocks_cannot_follow_is_edited_whole(tmp_path, sample_dir):
    """An inline array of trajects has no [[trajects]] headers: tomlkit edits the whole file."""
    from mentes_cli.records.toml_form import TrajectsToml

    text = (
        '# mine\ntrajects = [\n  { id = "T-1", location = "LOC-001", offer = "coaching", '
        'status = "requested" }, # keep\n]\n'
    )
    form = TrajectsToml(text)
    form.set_fields("T-1", {"status": "approved"})
    after = form.text()
    assert after.startswith("# mine\n")
    assert "# keep" in after
    assert tomllib.loads(after)["trajects"][0]["status"] == "approved"


# --- refused, nothing written ------------------------------------------------------------------


def test_a_change_that_leaves_invalid_records_is_refused(sample_dir):
    before = (sample_dir / "trajects.toml").read_bytes()
    with (
        pytest.raises(InputError) as caught,
        RecordStore(sample_dir).change("edit") as change,
    ):
        change.set_fields("T-2026-021", {"location": "LOC-999"})
    text = str(caught.value)
    assert "the change was refused, nothing was written" in text
    assert "location 'LOC-999' does not exist" in text
    assert (sample_dir / "trajects.toml").read_bytes() == before
    assert not (sample_dir / "backup").exists()
    assert not (sample_dir / "history.toml").exists()


def test_an_unknown_traject_is_refused(sample_dir):
    with (
        pytest.raises(RecordChangeError, match="no traject T-0000-000"),
        RecordStore(sample_dir).change("approve") as change,
    ):
        change.set_fields("T-0000-000", {"status": "approved"})


def test_a_file_changed_on_disk_after_reading_is_refused(sample_dir):
    target = sample_dir / "trajects.toml"
    with (
        pytest.raises(RecordsChangedError, match="changed on disk after mentes read it"),
        RecordStore(sample_dir).change("approve") as change,
    ):
        change.set_fields("T-2026-021", {"coach": "C-01"})
        # Someone saves the file in a text editor meanwhile (same size: the hash tells).
        edited = target.read_text(encoding="utf-8").replace("T-2026-021", "T-2026-X21")
        target.write_text(edited, encoding="utf-8")
    assert target.read_text(encoding="utf-8") == edited
    assert not (sample_dir / "backup").exists()
    assert temporaries(sample_dir) == []


def test_an_exception_in_the_block_writes_nothing(sample_dir):
    before = (sample_dir / "trajects.toml").read_bytes()
    with pytest.raises(KeyboardInterrupt), RecordStore(sample_dir).change("approve") as change:
        change.set_fields("T-2026-021", {"coach": "C-01"})
        raise KeyboardInterrupt
    assert (sample_dir / "trajects.toml").read_bytes() == before
    assert sorted(p.name for p in sample_dir.iterdir() if not p.name.startswith(".")) == [
        "coaches.toml",
        "organisations.toml",
        "trajects.toml",
    ]


# --- backup, undo, history ---------------------------------------------------------------------


def test_backup_undo_once_and_history(sample_dir, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01 00:00 UTC
    original = (sample_dir / "trajects.toml").read_bytes()
    store = RecordStore(sample_dir)
    with store.change("approve") as change:
        change.set_fields("T-2026-020", {"status": "cancelled", "theme": "x"})
    changed = (sample_dir / "trajects.toml").read_bytes()
    backups = sorted(p.name for p in (sample_dir / "backup").iterdir())
    assert backups == ["trajects.20270101T000000Z.toml", "trajects.toml.undo.toml"]
    assert (sample_dir / "backup" / backups[0]).read_bytes() == original

    entries = store.history("T-2026-020")
    assert [(e.when, e.command, e.field, e.new) for e in entries] == [
        ("2027-01-01T00:00:00+00:00", "approve", "status", "cancelled"),
        ("2027-01-01T00:00:00+00:00", "approve", "theme", "x"),
    ]
    assert store.can_undo()
    undone = store.undo()
    assert (sample_dir / "trajects.toml").read_bytes() == original
    assert [(e.command, e.field, e.old, e.new) for e in undone] == [
        ("undo", "status", "cancelled", entries[0].old),
        ("undo", "theme", "x", entries[1].old),
    ]
    # The undone version is kept too, and undo works once.
    assert any(
        (sample_dir / "backup" / p).read_bytes() == changed
        for p in os.listdir(sample_dir / "backup")
    )
    with pytest.raises(RecordChangeError, match="nothing to undo"):
        store.undo()
    assert len(store.history()) == 4


def test_undo_refuses_to_lose_a_hand_edit(sample_dir):
    store = RecordStore(sample_dir)
    with store.change("approve") as change:
        change.set_fields("T-2026-021", {"coach": "C-01"})
    target = sample_dir / "trajects.toml"
    target.write_text(target.read_text(encoding="utf-8") + "# my note\n", encoding="utf-8")
    with pytest.raises(RecordChangeError, match="changed after the last change by mentes"):
        store.undo()
    assert target.read_text(encoding="utf-8").endswith("# my note\n")


def test_history_file_keeps_its_earlier_bytes(sample_dir):
    store = RecordStore(sample_dir)
    with store.change("approve") as change:
        change.set_fields("T-2026-021", {"coach": "C-01"})
    first = (sample_dir / "history.toml").read_bytes()
    with store.change("approve") as change:
        change.set_fields("T-2026-021", {"coach": "C-02"})
    second = (sample_dir / "history.toml").read_bytes()
    assert second.startswith(first)
    changes = tomllib.loads(second.decode())["changes"]
    assert [(c["old"], c["new"]) for c in changes] == [("", "C-01"), ("C-01", "C-02")]
    assert {c["user"] for c in changes} and all(c["command"] == "approve" for c in changes)


def test_a_new_record_file_gets_the_umask_mode_and_a_replaced_one_keeps_its_own(sample_dir):
    target = sample_dir / "trajects.toml"
    target.chmod(0o664)
    mask = os.umask(0o022)
    try:
        with RecordStore(sample_dir).change("approve") as change:
            change.set_fields("T-2026-021", {"coach": "C-01"})
    finally:
        os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o664
    assert (sample_dir / "history.toml").stat().st_mode & 0o777 == 0o644


# --- the lock ----------------------------------------------------------------------------------


def _hold_lock(folder: Path, seconds: float) -> subprocess.Popen:
    code = (
        "import sys, time; from pathlib import Path; "
        "from mentes_cli.records.lock import RecordsLock; "
        f"lock = RecordsLock(Path({str(folder / '.mentes.lock')!r})); lock.acquire(); "
        "print('held', flush=True); "
        f"time.sleep({seconds})"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_held_lock_waits_then_names_who_holds_it(sample_dir):
    holder = _hold_lock(sample_dir, 30)
    told = []
    try:
        store = RecordStore(sample_dir, timeout=0.3, on_wait=told.append)
        with (
            pytest.raises(RecordsBusyError) as caught,
            store.change("approve") as change,
        ):
            change.set_fields("T-2026-021", {"coach": "C-01"})
    finally:
        holder.kill()
        holder.wait()
    assert told and told[0] is not None and told[0].pid == holder.pid
    text = str(caught.value)
    assert f"the records are being changed by {told[0].user} (process {holder.pid} on " in text
    assert "waited 0 s" in text and "nothing was written" in text
    # The holder was killed: the operating system freed the lock, the next change goes.
    with RecordStore(sample_dir, timeout=5).change("approve") as change:
        change.set_fields("T-2026-021", {"coach": "C-01"})
    assert any(t.get("coach") == "C-01" for t in trajects_of(sample_dir))


def test_the_lock_is_taken_before_reading(sample_dir):
    """A second writer reads only after the first wrote: its change is made on the new file."""
    holder = _hold_lock(sample_dir, 0.6)
    started = time.monotonic()
    with RecordStore(sample_dir, timeout=10).change("approve") as change:
        assert time.monotonic() - started > 0.4  # we got in only after the holder ended
        change.set_fields("T-2026-021", {"coach": "C-01"})
    holder.wait()


def test_lock_holder_file_is_removed_on_release(tmp_path):
    lock = RecordsLock(tmp_path / ".mentes.lock")
    with lock:
        assert lock.holder() is not None and lock.holder().pid == os.getpid()
    assert not (tmp_path / ".mentes.lock.holder").exists()


def test_twenty_processes_adding_at_once_lose_nothing(sample_dir):
    before = len(trajects_of(sample_dir))
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(sample_dir), "1", f"worker {n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(20)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    trajects = trajects_of(sample_dir)
    assert len(trajects) == before + 20
    assert sorted(t["theme"] for t in trajects[before:]) == sorted(f"worker {n}" for n in range(20))
    assert len({t["id"] for t in trajects}) == len(trajects)
    load_records(DataSource(sample_dir, "test"))  # valid
    assert len(RecordStore(sample_dir).history()) == 20
    assert temporaries(sample_dir) == []


def test_sigkill_at_any_moment_leaves_a_whole_file_and_no_temporary_file(sample_dir):
    """Kill a writer at random moments: the file is always the old or a new one, whole."""
    chance = random.Random(18)
    seen_counts = set()
    start = len(trajects_of(sample_dir))
    for _kill in range(10):
        writer = subprocess.Popen(
            [sys.executable, str(WORKER), str(sample_dir), "1000", "killed"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        writer.stdout.readline()  # it has written once: now kill it somewhere in the next
        time.sleep(chance.uniform(0, 0.15))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        trajects = trajects_of(sample_dir)  # parses: whole
        load_records(DataSource(sample_dir, "test"))  # and valid
        seen_counts.add(len(trajects))
    # The next change removes whatever the killed writers left and goes through.
    with RecordStore(sample_dir, timeout=5).change("request") as change:
        change.add_traject({"id": change.new_traject_id(2027), **NEW})
    assert temporaries(sample_dir) == []
    assert len(trajects_of(sample_dir)) > start
    assert len(seen_counts) > 1


# --- a workbook --------------------------------------------------------------------------------


def test_an_office_lock_file_refuses_the_change(tmp_path):
    from cli_runner import CliRunner
    from mentes_cli.cli import app

    book = tmp_path / "mijn.xlsx"
    assert CliRunner().invoke(app, ["export", "--to", str(book)]).exit_code == 0
    before = book.read_bytes()
    for lock_name in ("~$mijn.xlsx", ".~lock.mijn.xlsx#"):
        (tmp_path / lock_name).write_text("an")
        with (
            pytest.raises(RecordsBusyError, match="is open in Excel or LibreOffice"),
            RecordStore(book).change("approve") as change,
        ):
            change.set_fields("T-2026-021", {"coach": "C-01"})
        (tmp_path / lock_name).unlink()
    assert book.read_bytes() == before


@pytest.fixture
def coordinator_book(tmp_path) -> Path:
    """The sample as a workbook, dressed as a coordinator would: an extra column, widths, a
    drop-down list, frozen panes and a sheet of their own."""
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    from cli_runner import CliRunner
    from mentes_cli.cli import app

    book = tmp_path / "mijn.xlsx"
    assert CliRunner().invoke(app, ["export", "--to", str(book)]).exit_code == 0
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Trajecten"]
    extra = sheet.max_column + 1
    sheet.cell(row=1, column=extra, value="Notities")
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=extra, value=f"note {row}")
    sheet.column_dimensions["A"].width = 33.5
    sheet.freeze_panes = "B2"
    choice = DataValidation(type="list", formula1='"dringend,later"', allow_blank=True)
    choice.add(
        f"{openpyxl.utils.get_column_letter(extra)}2:{openpyxl.utils.get_column_letter(extra)}500"
    )
    sheet.add_data_validation(choice)
    mine = workbook.create_sheet("Mijn blad")
    mine["A1"] = "eigen notities"
    mine["B2"] = 42
    mine.column_dimensions["A"].width = 40
    workbook.save(book)
    return book


def _cells(book: Path) -> dict[tuple[str, str], object]:
    import openpyxl

    workbook = openpyxl.load_workbook(book)
    return {
        (sheet.title, cell.coordinate): cell.value
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def test_a_workbook_change_touches_only_its_cells(coordinator_book):
    import openpyxl

    before = _cells(coordinator_book)
    with RecordStore(coordinator_book).change("approve") as change:
        change.set_fields("T-2026-021", {"coach": "C-01", "theme": "nieuw thema"})
    after = _cells(coordinator_book)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    trajecten = {k for k in changed if k[0] == "Trajecten"}
    assert {after[k] for k in trajecten} == {"C-01", "nieuw thema"}
    assert {k[0] for k in changed} == {"Trajecten", "Historiek"}

    workbook = openpyxl.load_workbook(coordinator_book)
    sheet = workbook["Trajecten"]
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width == 33.5
    assert any(v.formula1 == '"dringend,later"' for v in sheet.data_validations.dataValidation)
    assert workbook["Mijn blad"]["B2"].value == 42
    assert workbook["Mijn blad"].column_dimensions["A"].width == 40
    history = [row for row in workbook["Historiek"].iter_rows(min_row=2, values_only=True)]
    assert [(r[2], r[3], r[4], r[6]) for r in history] == [
        ("approve", "T-2026-021", "Coach", "C-01"),
        ("approve", "T-2026-021", "Thema", "nieuw thema"),
    ]
    records = load_records(DataSource(coordinator_book, "test")).records
    traject = next(t for t in records.trajects if t.id == "T-2026-021")
    assert (traject.coach, traject.theme) == ("C-01", "nieuw thema")


def test_a_workbook_new_traject_gets_a_formatted_row_and_undo_restores(coordinator_book):
    original = coordinator_book.read_bytes()
    store = RecordStore(coordinator_book)
    with store.change("request") as change:
        new_id = change.new_traject_id(2027)
        change.add_traject({"id": new_id, **NEW})
    records = load_records(DataSource(coordinator_book, "test")).records
    added = next(t for t in records.trajects if t.id == new_id)
    assert (added.status, added.requested_on) == ("requested", date(2026, 11, 30))
    assert [e.field for e in store.history(new_id)] == ["traject"]
    store.undo()
    assert new_id not in {
        t.id for t in load_records(DataSource(coordinator_book, "t")).records.trajects
    }
    assert [e.command for e in store.history(new_id)] == ["request", "undo"]  # kept, as in a folder
    assert (coordinator_book.parent / "backup").is_dir()
    assert any(p.read_bytes() == original for p in (coordinator_book.parent / "backup").iterdir())


def test_a_workbook_with_a_chart_is_refused_naming_the_sheet(coordinator_book):
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    workbook = openpyxl.load_workbook(coordinator_book)
    chart = BarChart()
    chart.add_data(Reference(workbook["Mijn blad"], min_col=2, min_row=2, max_row=2))
    workbook["Mijn blad"].add_chart(chart, "D4")
    workbook.save(coordinator_book)
    before = coordinator_book.read_bytes()
    with (
        pytest.raises(UnsafeWorkbookError) as caught,
        RecordStore(coordinator_book).change("approve") as change,
    ):
        change.set_fields("T-2026-021", {"coach": "C-01"})
    assert "sheet Mijn blad: a drawing (a chart, an image or a shape)" in str(caught.value)
    assert coordinator_book.read_bytes() == before


def test_a_workbook_with_macros_is_refused(coordinator_book):
    import zipfile

    with zipfile.ZipFile(coordinator_book, "a") as package:
        package.writestr("xl/vbaProject.bin", b"macro")
    with (
        pytest.raises(UnsafeWorkbookError, match=r"macros \(VBA\)"),
        RecordStore(coordinator_book).change("approve") as change,
    ):
        change.set_fields("T-2026-021", {"coach": "C-01"})


def test_a_formula_in_a_record_column_is_refused_with_its_cell(coordinator_book):
    import openpyxl

    workbook = openpyxl.load_workbook(coordinator_book)
    workbook["Trajecten"]["H3"] = '=UPPER("x")'
    workbook["Mijn blad"]["C3"] = "=B2*2"  # not a record column: fine
    workbook.save(coordinator_book)
    with (
        pytest.raises(UnsafeWorkbookError, match=r"formulas in record columns \(Trajecten!H3\)"),
        RecordStore(coordinator_book).change("approve") as change,
    ):
        change.set_fields("T-2026-021", {"coach": "C-01"})


def test_the_bundled_sample_is_never_written():
    from mentes_cli.reference import sample_records_dir

    sample = sample_records_dir()
    before = (sample / "trajects.toml").read_bytes()
    with (
        pytest.raises(RecordChangeError, match="bundled sample records, which mentes never"),
        RecordStore(sample).change("approve") as change,
    ):
        change.set_fields("T-2026-021", {"coach": "C-01"})
    assert (sample / "trajects.toml").read_bytes() == before


def test_visits_given_as_a_field_are_tables_and_an_empty_list_removes_them(sample_dir):
    visit = {"number": 1, "kind": "visit", "date": date(2027, 1, 4), "start": "09:00"}
    from mentes_cli.records.toml_form import TrajectsToml

    form = TrajectsToml((sample_dir / "trajects.toml").read_text(encoding="utf-8"))
    form.set_fields("T-2026-021", {"status": "planned", "visits": [visit]})
    text = form.text()
    assert "\n[[trajects.visits]]\nnumber = 1\n" in text
    form.set_fields("T-2026-021", {"status": "approved", "visits": []})
    assert "visits" not in form.text()


def test_a_lock_without_a_holder_file_still_gives_a_clear_message(sample_dir):
    code = (
        "import time, filelock; "
        f"lock = filelock.FileLock({str(sample_dir / '.mentes.lock')!r}); lock.acquire(); "
        "print('held', flush=True); time.sleep(30)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with (
            pytest.raises(RecordsBusyError) as caught,
            RecordStore(sample_dir, timeout=0.2).change("approve") as change,
        ):
            change.set_fields("T-2026-021", {"coach": "C-01"})
        # Linux tells which process holds it; elsewhere the message says nobody said.
        said = str(caught.value)
        assert (
            f"(process {holder.pid} on " in said
            or "another program holds the records' lock (.mentes.lock)" in said
        )
    finally:
        holder.kill()
        holder.wait()
