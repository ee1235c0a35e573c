"""Ctrl-C says the truth (review 2, F-b): "nothing was written" only when nothing was; after a
change of the records it says the change is there; and never a traceback, also while mentes
is still starting. The runs are real processes that get SIGINT."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mentes_cli.reference import sample_records_dir

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="pipe sizes and SIGINT as on Linux"
)
MENTES = [sys.executable, "-m", "mentes_cli"]
F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ (Python 3.10+ names it; Linux only)


def environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "MENTES_LANG": "en", "NO_COLOR": "1", **extra}


def ended_by_ctrl_c(code: int) -> bool:
    return code in (130, -signal.SIGINT)


def test_ctrl_c_after_the_commit_says_the_change_was_written(tmp_path):
    import fcntl

    records = tmp_path / "recs"
    shutil.copytree(sample_records_dir(), records)
    before = (records / "trajects.toml").read_bytes()
    reader, writer = os.pipe()
    fcntl.fcntl(writer, F_SETPIPE_SZ, 4096)  # the plan's JSON (8 KB) fills it: print blocks
    process = subprocess.Popen(
        [*MENTES, "plan", "--commit", "--format", "json", "--data", str(records)],
        stdout=writer,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(writer)
    said = []
    try:
        for line in process.stderr:
            said.append(line)
            if line.startswith("Committed to the records"):
                break
        time.sleep(0.5)  # it prints the plan now, and waits for the pipe to be read
        assert process.poll() is None, "".join(said)
        process.send_signal(signal.SIGINT)
        said.append(process.stderr.read())
        code = process.wait(timeout=60)
    finally:
        process.kill()
        os.close(reader)
    told = " ".join("".join(said).split())
    assert ended_by_ctrl_c(code), told
    assert (
        f"Interrupted, but the change was written to {records / 'trajects.toml'} already: "
        "mentes history shows it, mentes undo takes it back." in told
    )
    assert "nothing was written" not in told
    assert "Traceback" not in told
    assert (records / "trajects.toml").read_bytes() != before


def test_ctrl_c_while_mentes_starts_gives_one_sentence(tmp_path):
    """Ctrl-C while the modules load: the KeyboardInterrupt leaves mentes before any command
    runs (here raised right after the command line module loaded)."""
    result = subprocess.run(
        [sys.executable, "-c", "import mentes_cli.cli\nraise KeyboardInterrupt"],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    )
    assert result.stderr == "Interrupted; nothing was written.\n"
    assert ended_by_ctrl_c(result.returncode)


def test_ctrl_c_before_the_command_runs_is_said_too(tmp_path):
    """Typer ends Ctrl-C outside a command (while it reads the command line) silently."""
    script = (
        "import sys\n"
        "sys.argv = ['mentes', '--lang', 'nl', 'validate']\n"
        "from mentes_cli import i18n\n"
        "import mentes_cli.cli as cli\n"
        "def stop(*args):\n"
        "    raise KeyboardInterrupt\n"
        "i18n.set_language = stop\n"
        "cli.main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    )
    assert result.stderr == "Onderbroken; er is niets geschreven.\n"
    assert ended_by_ctrl_c(result.returncode)


def test_ctrl_c_in_a_command_that_wrote_nothing(tmp_path):
    """The handler of every command: nothing written, so it says so (exit 130)."""
    script = (
        "import sys\n"
        "sys.argv = ['mentes', 'validate']\n"
        "import mentes_cli.cli as cli\n"
        "import mentes_cli.cli.common as common\n"
        "def stop(*args):\n"
        "    raise KeyboardInterrupt\n"
        "common.use_reference_data = stop\n"
        "cli.main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    )
    assert result.stderr == "Interrupted; nothing was written.\n"
    assert result.returncode == 130


def test_the_writes_of_one_command_are_not_those_of_the_next(tmp_path: Path):
    """In one process (the tests' CliRunner) each command counts its own writes."""
    from cli_runner import CliRunner
    from mentes_cli.cli import app
    from mentes_cli.cli.common import interrupted_message

    records = tmp_path / "recs"
    shutil.copytree(sample_records_dir(), records)
    runner = CliRunner()
    assert runner.invoke(app, ["approve", "T-2026-020", "--data", str(records)]).exit_code == 0
    assert "was written to" in interrupted_message()
    assert runner.invoke(app, ["validate", "--data", str(records)]).exit_code == 0
    assert interrupted_message() == "Interrupted; nothing was written."
