"""Who holds the records' lock, as the one who waits is told (SPEC 8; review finding 19):
a second process really holds it, as mentes holds it (RecordStore.change) or bare.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.errors import RecordsBusyError
from mentes_cli.records import RecordStore
from mentes_cli.records import store as store_module
from mentes_cli.records.lock import Holder, RecordsLock

runner = CliRunner()


@pytest.fixture(autouse=True)
def _language_back():
    """`--lang nl` chooses the language for the rest of the process: English again after."""
    from mentes_cli import i18n

    yield
    i18n.set_language(None)


def _hold(code: str) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def _as_mentes(records: Path) -> subprocess.Popen:
    """A second process in the middle of a change, as any mentes command makes it."""
    return _hold(
        "import time; from pathlib import Path; from mentes_cli.records import RecordStore\n"
        f"with RecordStore(Path({str(records)!r})).change('plan --commit'):\n"
        "    print('held', flush=True); time.sleep(30)\n"
    )


def _bare(lock: Path) -> subprocess.Popen:
    """Another program holding the lock file, without a holder file."""
    return _hold(
        f"import time, filelock; lock = filelock.FileLock({str(lock)!r}); lock.acquire(); "
        "print('held', flush=True); time.sleep(30)"
    )


def _stop(holder: subprocess.Popen) -> None:
    holder.kill()
    holder.wait()


def test_a_waiting_command_names_the_mentes_that_holds_the_records(sample_dir, monkeypatch):
    monkeypatch.setattr(store_module, "LOCK_WAIT_SECONDS", 0.3)
    before = (sample_dir / "trajects.toml").read_bytes()
    holder = _as_mentes(sample_dir)
    try:
        result = runner.invoke(app, ["approve", "T-2026-020", "--data", str(sample_dir)])
    finally:
        _stop(holder)
    assert result.exit_code == 1, result.output
    who = f"(process {holder.pid} on {socket.gethostname()}) since "
    assert "Waiting for the records: " in result.output and who in result.output
    assert f"{sample_dir}: the records are being changed by " in result.output.replace("\n", " ")
    assert "nothing was written" in result.output
    assert (sample_dir / "trajects.toml").read_bytes() == before


def test_a_workbook_lock_message_names_the_workbook(sample_dir, tmp_path):
    from mentes_cli.export.records_xlsx import write_records_workbook
    from mentes_cli.load import DataSource, load_records

    book = tmp_path / "wb.xlsx"
    write_records_workbook(load_records(DataSource(sample_dir, "test")).records, book)
    holder = _as_mentes(book)
    try:
        with pytest.raises(RecordsBusyError) as caught, RecordStore(book, timeout=0.2).change("x"):
            pass
    finally:
        _stop(holder)
    assert str(caught.value).startswith(f"{book}: the records are being changed by ")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/locks is Linux's")
def test_a_bare_holder_is_named_by_the_operating_system(sample_dir):
    holder = _bare(sample_dir / ".mentes.lock")
    try:
        with (
            pytest.raises(RecordsBusyError) as caught,
            RecordStore(sample_dir, timeout=0.2).change("x"),
        ):
            pass
    finally:
        _stop(holder)
    assert f"(process {holder.pid} on {socket.gethostname()}, running since " in str(caught.value)


def test_the_holder_file_of_a_killed_mentes_is_not_believed(sample_dir):
    lock = RecordsLock(sample_dir / ".mentes.lock")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    gone = int(dead.stdout)
    lock.holder_path.write_text(
        f'user = "an"\npid = {gone}\nhost = "{socket.gethostname()}"\n'
        'since = "2026-11-30T08:00:00+00:00"\n',
        encoding="utf-8",
    )
    holder = _bare(sample_dir / ".mentes.lock")
    try:
        told = lock.holder()
    finally:
        _stop(holder)
    if sys.platform.startswith("linux"):
        assert told is not None and told.pid == holder.pid and told.started
    else:
        assert told is None


def test_since_is_said_as_the_language_writes_a_day():
    holder = Holder("an", 4242, "pc-an", "2026-11-30T09:15:00")
    assert holder.describe() == "an (process 4242 on pc-an) since 2026-11-30 09:15"
    assert "garbage" in Holder("an", 1, "pc", "garbage").describe()
    started = Holder("an", os.getpid(), "pc-an", "2026-11-30T09:15:00", started=True)
    assert started.describe().endswith(", running since 2026-11-30 09:15)")


def test_the_wait_and_the_lock_message_are_dutch(sample_dir, monkeypatch):
    from english import english_left

    monkeypatch.setattr(store_module, "LOCK_WAIT_SECONDS", 0.3)
    monkeypatch.setenv("MENTES_LANG", "nl")
    holder = _as_mentes(sample_dir)
    try:
        result = runner.invoke(
            app, ["--lang", "nl", "approve", "T-2026-020", "--data", str(sample_dir)]
        )
    finally:
        _stop(holder)
    assert result.exit_code == 1, result.output
    assert f"(proces {holder.pid} op " in result.output
    assert not english_left(result.output), result.output
