"""A TOML folder saved by a Windows editor: trajects.toml with a UTF-8 byte-order mark and
CRLF lines keeps both on a change, and history.toml gets CRLF lines too (it got LF lines in
such a folder, and trajects.toml lost its BOM on the first change)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()
BOM = b"\xef\xbb\xbf"
BARE_LF = re.compile(rb"(?<!\r)\n")


def mentes(data: Path, *args: str) -> None:
    result = runner.invoke(app, [*args, "--data", str(data)])
    assert result.exit_code == 0, result.output


def as_windows(path: Path, *, bom: bool = True) -> bytes:
    """Save `path` as a Windows editor does: CRLF lines (and a BOM); give the bytes."""
    text = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    content = (BOM if bom else b"") + text
    path.write_bytes(content)
    return content


def changed_lines(before: bytes, after: bytes) -> list[str]:
    """Give the lines (with their endings) removed or added between two versions."""
    old = [line.decode("utf-8") for line in before.splitlines(keepends=True)]
    new = [line.decode("utf-8") for line in after.splitlines(keepends=True)]
    return [
        line
        for line in difflib.unified_diff(old, new, n=0, lineterm="")
        if line[:1] in ("-", "+") and not line.startswith(("---", "+++"))
    ]


def test_a_change_keeps_the_bom_and_crlf_of_trajects_toml(sample_dir: Path):
    trajects = sample_dir / "trajects.toml"
    before = as_windows(trajects)
    mentes(sample_dir, "approve", "T-2026-020")
    after = trajects.read_bytes()
    assert after.startswith(BOM)
    assert not BARE_LF.search(after)
    # Only the status line of T-2026-020 changed; every other byte is as it was.
    assert changed_lines(before, after) == ['-status = "requested"\r\n', '+status = "approved"\r\n']
    # undo gives the Windows bytes back exactly.
    mentes(sample_dir, "undo")
    assert trajects.read_bytes() == before


def test_history_toml_gets_crlf_lines_in_a_crlf_folder(sample_dir: Path):
    as_windows(sample_dir / "trajects.toml", bom=False)
    mentes(sample_dir, "approve", "T-2026-020")
    history = (sample_dir / "history.toml").read_bytes()
    assert b"\r\n" in history and not BARE_LF.search(history)
    mentes(sample_dir, "cancel", "T-2026-020")
    again = (sample_dir / "history.toml").read_bytes()
    assert again.startswith(history) and not BARE_LF.search(again)
    assert again.count(b"[[changes]]") == 2


@pytest.mark.parametrize("ending", [b"\r\n", b"\n"])
def test_a_history_keeps_its_own_bom_and_line_ending(sample_dir: Path, ending: bytes):
    """history.toml written by hand in another editor: its bytes stay, new lines end as its
    own do (whatever trajects.toml does)."""
    mentes(sample_dir, "approve", "T-2026-020")
    path = sample_dir / "history.toml"
    mine = BOM + path.read_bytes().replace(b"\n", ending)
    path.write_bytes(mine)
    as_windows(sample_dir / "trajects.toml", bom=False)  # the other line ending, on purpose
    mentes(sample_dir, "cancel", "T-2026-020")
    after = path.read_bytes()
    assert after.startswith(mine)
    added = after[len(mine) :]
    assert added.count(ending) == added.count(b"\n") > 0
    mentes(sample_dir, "undo")
    assert path.read_bytes().startswith(after)


def test_a_plain_folder_keeps_lf(sample_dir: Path):
    mentes(sample_dir, "approve", "T-2026-020")
    assert b"\r" not in (sample_dir / "trajects.toml").read_bytes()
    assert b"\r" not in (sample_dir / "history.toml").read_bytes()
    assert not (sample_dir / "trajects.toml").read_bytes().startswith(BOM)
