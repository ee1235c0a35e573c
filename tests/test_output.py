"""The one write path (issue 18): all or none, never over an input, no file left behind.

Faults (a full disk, a refused permission, Ctrl-C) are injected with monkeypatch, so the
tests run anywhere without privileges; a real tmpfs is not needed.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from cli_runner import CliRunner
from mentes_cli import output
from mentes_cli.cli import app
from mentes_cli.errors import OutputError
from mentes_cli.output import (
    check_output_path,
    make_folder,
    outputs_together,
    write_atomically,
    write_many,
)

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]


def listing(folder: Path) -> list[str]:
    """Give every path below `folder`, hidden ones too, relative and sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def fail_on_write(monkeypatch, exception: BaseException, after: int = 0) -> None:
    """Make the `after`+1-th temporary file fail while its content is written."""
    real = output._Folder.write_temporary
    calls = {"n": 0}

    def failing(self, name, content, mode):
        calls["n"] += 1
        if calls["n"] > after:
            # Make the temporary file, then fail inside it, as a full disk does.
            temporary = real(self, name, b"partial", mode)
            self.unlink(temporary)
            raise exception
        return real(self, name, content, mode)

    monkeypatch.setattr(output._Folder, "write_temporary", failing)


# --- one file ----------------------------------------------------------------------------------


def test_a_new_file_is_written_whole_with_the_umask_mode(tmp_path):
    mask = os.umask(0o022)
    try:
        write_atomically(tmp_path / "a.txt", b"hello")
    finally:
        os.umask(mask)
    assert (tmp_path / "a.txt").read_bytes() == b"hello"
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644
    assert listing(tmp_path) == ["a.txt"]


def test_a_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomically(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_without_force_an_existing_file_is_refused(tmp_path):
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    with pytest.raises(OutputError, match="exists already; use --force to replace it"):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert listing(tmp_path) == ["a.txt"]


def test_a_file_made_by_another_process_after_the_check_is_not_replaced(tmp_path):
    """Check, then someone else writes the file, then our rename: exclusive create refuses."""
    target = tmp_path / "plan.toml"
    check_output_path(target, force=False)
    with pytest.raises(OutputError) as caught, outputs_together():
        write_atomically(target, b"second")
        target.write_bytes(b"first")  # the other process wins the race
    assert "exists already (another program made it meanwhile)" in str(caught.value)
    assert target.read_bytes() == b"first"
    assert listing(tmp_path) == ["plan.toml"]


@pytest.mark.parametrize(
    ("exception", "message"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "cannot write, the disk is full"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "cannot write, the disk is full"),
        (
            OSError(errno.EIO, "Input/output error"),
            "cannot write (the device could not be read or written)",
        ),
        (PermissionError(errno.EACCES, "Permission denied"), "is not writable"),
    ],
)
def test_a_fault_while_writing_names_the_file_and_leaves_nothing(
    tmp_path, monkeypatch, exception, message
):
    fail_on_write(monkeypatch, exception)
    target = tmp_path / "out.xlsx"
    with pytest.raises(OutputError) as caught:
        write_atomically(target, b"x" * 1000)
    assert str(caught.value).startswith(f"{target}: ")
    assert message in str(caught.value)
    assert "nothing was written" in str(caught.value)
    assert listing(tmp_path) == []


def test_ctrl_c_while_writing_leaves_no_temporary_file(tmp_path, monkeypatch):
    fail_on_write(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "out.xlsx", b"data")
    assert listing(tmp_path) == []


def test_ctrl_c_at_the_rename_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"new", force=True)
    assert target.read_bytes() == b"old"
    assert listing(tmp_path) == ["out.xlsx"]


def test_a_name_too_long_for_the_file_system_is_a_clear_message(tmp_path):
    target = tmp_path / ("x" * 300 + ".xlsx")
    with pytest.raises(OutputError) as caught:
        check_output_path(target, force=False)
    text = str(caught.value)
    assert "the name is too long for the file system" in text
    assert len(text) < 300  # the path is shortened, not echoed whole
    assert listing(tmp_path) == []


def test_a_folder_without_search_permission_is_a_clear_message(tmp_path, monkeypatch):
    def refused(path):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(output._Folder, "open", classmethod(lambda cls, path: refused(path)))
    with pytest.raises(OutputError, match="permission denied"):
        write_atomically(tmp_path / "out.xlsx", b"x")
    assert listing(tmp_path) == []


def test_control_codes_in_a_name_are_not_printed_raw(tmp_path):
    target = tmp_path / "bad\x1b[31mname.xlsx"
    target.write_bytes(b"x")
    with pytest.raises(OutputError) as caught:
        write_atomically(target, b"y")
    assert "\x1b" not in str(caught.value)
    assert "bad?[31mname.xlsx" in str(caught.value)


def test_temporary_files_of_a_killed_process_are_removed_by_the_next_write(tmp_path):
    host = output._owner().split("-")[0]
    stale = tmp_path / f".out.xlsx.{host}-99999999-abcd.tmp"  # no such process
    stale.write_bytes(b"half")
    alive = tmp_path / f".out.xlsx.{host}-{os.getppid()}-abcd.tmp"  # a process that runs
    alive.write_bytes(b"busy")
    write_atomically(tmp_path / "out.xlsx", b"whole")
    assert listing(tmp_path) == [alive.name, "out.xlsx"]


# --- a set of outputs --------------------------------------------------------------------------


def test_several_outputs_are_all_written_or_none(tmp_path, monkeypatch):
    (tmp_path / "b.txt").write_bytes(b"old b")
    fail_on_write(monkeypatch, OSError(errno.ENOSPC, "No space left on device"), after=2)
    with pytest.raises(OutputError, match="disk is full"):
        write_many(
            {tmp_path / n: b"new" for n in ("a.txt", "b.txt", "c.txt")},
            force=True,
        )
    assert listing(tmp_path) == ["b.txt"]
    assert (tmp_path / "b.txt").read_bytes() == b"old b"


def test_a_failure_at_the_second_rename_undoes_the_first(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_bytes(b"old a")
    real = output._Folder.put_in_place
    calls = {"n": 0}

    def second_fails(self, item):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.EIO, "Input/output error")
        return real(self, item)

    monkeypatch.setattr(output._Folder, "put_in_place", second_fails)
    with pytest.raises(OutputError):
        write_many({tmp_path / n: b"new" for n in ("a.txt", "b.txt", "c.txt")}, force=True)
    assert listing(tmp_path) == ["a.txt"]
    assert (tmp_path / "a.txt").read_bytes() == b"old a"


def test_a_folder_made_for_outputs_is_removed_when_they_fail(tmp_path, monkeypatch):
    fail_on_write(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt), outputs_together():
        make_folder(tmp_path / "new" / "deeper")
        write_atomically(tmp_path / "new" / "deeper" / "a.txt", b"x")
    assert listing(tmp_path) == []


def test_a_folder_swapped_for_a_link_after_the_check_is_refused(tmp_path):
    """The check sees out/, then out/ becomes a link to the records: nothing is written."""
    records = tmp_path / "records"
    records.mkdir()
    (records / "trajects.toml").write_bytes(b"# the coordinator's records\n")
    out = tmp_path / "out"
    out.mkdir()
    target = out / "trajects.toml"
    check_output_path(target, force=True, inputs=[records])
    out.rename(tmp_path / "out-old")
    out.symlink_to(records, target_is_directory=True)
    with pytest.raises(OutputError, match="changed while mentes was working"):
        write_atomically(target, b"overwritten")
    assert (records / "trajects.toml").read_bytes() == b"# the coordinator's records\n"
    assert listing(records) == ["trajects.toml"]


def test_an_input_reached_through_a_hard_link_is_never_written_even_with_force(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"the workbook")
    os.link(book, tmp_path / "copy.xlsx")
    with pytest.raises(OutputError, match="is an input of this command"):
        write_atomically(tmp_path / "copy.xlsx", b"new", force=True, inputs=[book])
    assert book.read_bytes() == b"the workbook"


# --- through the commands ----------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path) -> Path:
    book = tmp_path / "book.xlsx"
    result = runner.invoke(app, ["export", "--to", str(book)])
    assert result.exit_code == 0, result.output
    return book


def test_import_interrupted_after_two_files_leaves_no_record_set(tmp_path, monkeypatch, workbook):
    fail_on_write(monkeypatch, KeyboardInterrupt(), after=2)
    before = listing(tmp_path)
    result = runner.invoke(app, ["import", str(workbook), "--to", str(tmp_path / "rec")])
    assert result.exit_code != 0
    assert "Interrupted; nothing was written." in result.stderr
    assert listing(tmp_path) == before


def test_import_on_a_full_disk_leaves_no_folder(tmp_path, monkeypatch, workbook):
    fail_on_write(monkeypatch, OSError(errno.ENOSPC, "No space left on device"), after=1)
    before = listing(tmp_path)
    result = runner.invoke(app, ["import", str(workbook), "--to", str(tmp_path / "small")])
    assert result.exit_code == 1, result.output
    assert "coaches.toml: cannot write, the disk is full; nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert listing(tmp_path) == before


@pytest.mark.parametrize("how", ["same name", "symbolic link", "hard link"])
def test_import_force_never_writes_over_the_workbook(tmp_path, workbook, how):
    folder = tmp_path / "rec"
    folder.mkdir()
    inside = folder / "trajects.toml"
    if how == "same name":
        workbook.rename(inside)
        workbook = inside
    elif how == "symbolic link":
        inside.symlink_to(workbook)
    else:
        os.link(workbook, inside)
    content = workbook.read_bytes()
    result = runner.invoke(app, ["import", str(workbook), "--to", str(folder), "--force"])
    assert result.exit_code == 1, result.output
    assert "is an input of this command" in result.stderr
    assert workbook.read_bytes() == content
    assert sorted(p.name for p in folder.iterdir()) == ["trajects.toml"]


def test_plan_ics_force_never_writes_over_the_records_workbook(tmp_path, workbook):
    calendars = tmp_path / "cal"
    calendars.mkdir()
    inside = calendars / "C-01.ics"
    workbook.rename(inside)
    content = inside.read_bytes()
    result = runner.invoke(
        app, ["plan", *WINDOW, "--data", str(inside), "--ics", str(calendars), "--force"]
    )
    assert result.exit_code == 1, result.output
    assert "is an input of this command" in result.stderr
    assert inside.read_bytes() == content
    assert sorted(p.name for p in calendars.iterdir()) == ["C-01.ics"]


def test_plan_outputs_are_written_together_or_not_at_all(tmp_path, monkeypatch):
    fail_on_write(monkeypatch, OSError(errno.ENOSPC, "No space left on device"), after=3)
    before = listing(tmp_path)
    result = runner.invoke(
        app,
        [
            "plan",
            *WINDOW,
            "--save",
            str(tmp_path / "plan.toml"),
            "--output",
            str(tmp_path / "plan.xlsx"),
            "--ics",
            str(tmp_path / "cal"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "the disk is full; nothing was written" in result.stderr
    assert "Plan saved" not in result.stderr
    assert listing(tmp_path) == before


def test_plan_outputs_all_land(tmp_path):
    result = runner.invoke(
        app,
        [
            "plan",
            *WINDOW,
            "--save",
            str(tmp_path / "plan.toml"),
            "--output",
            str(tmp_path / "plan.xlsx"),
            "--ics",
            str(tmp_path / "cal"),
        ],
    )
    assert result.exit_code == 0, result.output
    names = listing(tmp_path)
    assert {"plan.toml", "plan.xlsx", "cal"} <= set(names)
    assert any(n.startswith("cal/") and n.endswith(".ics") for n in names)
    assert not [n for n in names if n.endswith(".tmp")]


# --- a real full disk, where a small file system can be mounted ------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KB tmpfs with about 8 KB left; skipped where mounting is not allowed."""
    import shutil
    import subprocess

    mount_point = tmp_path / "small"
    mount_point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip("this system does not allow mounting a tmpfs")
    try:
        (mount_point / "filler").write_bytes(b"x" * (56 * 1024))
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_a_real_full_disk_leaves_nothing(small_disk, workbook):
    before = listing(small_disk)
    result = runner.invoke(app, ["import", str(workbook), "--to", str(small_disk / "rec")])
    assert result.exit_code == 1, result.output
    assert "cannot write, the disk is full; nothing was written" in result.stderr
    assert listing(small_disk) == before
    result = runner.invoke(app, ["template", str(small_disk / "t.xlsx")])
    assert result.exit_code == 1, result.output
    assert "the disk is full" in result.stderr
    assert listing(small_disk) == before


def test_two_processes_writing_one_output_without_force_one_wins_one_is_told(tmp_path):
    import subprocess
    import sys

    target = tmp_path / "same.xlsx"
    command = [sys.executable, "-m", "mentes_cli", "template", str(target)]
    env = {**os.environ, "MENTES_LANG": "en"}
    both = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env) for _ in "ab"]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in both]
    assert sorted(code for code, _ in results) == [0, 1]
    refused = next(err for code, err in results if code == 1)
    assert "exists already" in refused
    assert listing(tmp_path) == ["same.xlsx"]


def test_where_folders_cannot_be_opened_as_handles_paths_are_checked_instead(tmp_path, monkeypatch):
    """Windows has no dir_fd: the folder's identity is checked before every step."""
    monkeypatch.setattr(output, "_DIR_FD", False)
    target = tmp_path / "out" / "a.txt"
    target.parent.mkdir()
    write_atomically(target, b"one")
    write_atomically(target, b"two", force=True)
    assert target.read_bytes() == b"two"
    records = tmp_path / "records"
    records.mkdir()
    check_output_path(target, force=True, inputs=[records])
    target.parent.rename(tmp_path / "out-old")
    target.parent.symlink_to(records, target_is_directory=True)
    with pytest.raises(OutputError, match="changed while mentes was working"):
        write_atomically(target, b"three")
    assert listing(records) == []
