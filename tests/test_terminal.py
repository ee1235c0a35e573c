"""Every command in a real terminal: the installed `mentes` under a pseudo-terminal.

Tests that capture output never take the paths a terminal takes (progress bars, colour, the
terminal's width): that is how `mentes plan` came to crash for every user while the suite
passed. Here each command runs as its own process on a pseudo-terminal of 80 or 120
columns, with colour and progress bars on, and must exit 0 with no internal error and no
traceback.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

import background
from mentes_cli.reference import sample_records_dir

MENTES = shutil.which("mentes", path=str(Path(sys.executable).parent))
TIMEOUT = 60


def run_in_terminal(
    args: list[str], *, columns: int = 80, cwd: Path | None = None, env: dict | None = None
) -> tuple[int, str]:
    """Give the exit status and the screen output of `mentes ARGS` on a pseudo-terminal."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environment = {
        key: value
        for key, value in background.SESSION.items()
        if key not in ("COLUMNS", "LINES", "NO_COLOR", "CI", "MENTES_DATA")
    }
    environment.update({"TERM": "xterm-256color", "FORCE_COLOR": "1"}, **(env or {}))
    process = subprocess.Popen(
        [MENTES, *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=cwd,
        env=environment,
        close_fds=True,
    )
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # the follower side closed: the process is done
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                # it ended after the select gave nothing (a busy machine): what it wrote
                # last is still to be read
                chunks.extend(_rest(leader))
                break
        else:
            process.kill()
            pytest.fail(f"mentes {' '.join(args)} did not finish in {TIMEOUT} s")
        status = process.wait(timeout=TIMEOUT)
    finally:
        os.close(leader)
    return status, b"".join(chunks).decode("utf-8", "replace")


def _rest(leader: int) -> list[bytes]:
    """Give what is left to read on the terminal of a process that has ended."""
    rest = []
    while select.select([leader], [], [], 0)[0]:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower side closed: everything is read
            break
        if not data:
            break
        rest.append(data)
    return rest


def assert_clean(status: int, screen: str, args: list[str], expected: int = 0) -> None:
    """Fail with the screen when the command crashed or exited unexpectedly."""
    shown = f"mentes {' '.join(args)}:\n{screen}"
    assert "internal error" not in screen, shown
    assert "Traceback" not in screen, shown
    assert status == expected, shown


pytestmark = pytest.mark.skipif(MENTES is None, reason="the mentes command is not installed")

COMMANDS = [
    ["--help"],
    ["--version"],
    ["check-eligibility"],
    ["check-eligibility", "--location", "LOC-001", "--explain"],
    ["check-eligibility", "--subsidy-step", "2", "--ikt-places", "12", "--postcode", "2600"],
    ["check-eligibility", "--format", "json"],
    ["check-eligibility", "--format", "csv"],
    ["quote", "--traject", "C"],
    ["quote", "--list"],
    ["quote", "--traject", "C", "--location", "LOC-003", "--output", "offerte.xlsx"],
    ["plan", "--start", "2027-01-04", "--end", "2027-06-30"],
    ["plan", "--format", "json"],
    ["plan", "--format", "csv"],
    [
        "plan",
        "--start",
        "2027-01-04",
        "--end",
        "2027-06-30",
        "--output",
        "plan.xlsx",
        "--ics",
        "agenda",
        "--save",
        "plan.toml",
    ],
    ["validate"],
    ["report", "--year", "2027", "--extra-fte", "5", "--role", "coach", "--output", "r.xlsx"],
    ["export", "--to", "records.xlsx"],
    ["template", "leeg.xlsx"],
    ["trajects"],
    ["trajects", "--status", "done", "--format", "csv"],
]


def json_of(args: list[str], folder: Path) -> dict:
    """Give what `mentes ARGS --format json` prints, read as JSON (not on a terminal)."""
    done = subprocess.run(
        [MENTES, *args, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
        env=background.SESSION,
        timeout=TIMEOUT,
    )
    return json.loads(done.stdout)


def in_turn(*commands: list[str]):
    """Give a run of `commands` one after the other in one folder: each one's (status,
    screen, args), and the folder."""

    def make(folder: Path):
        return [(*run_in_terminal(args, cwd=folder), args) for args in commands], folder

    return make


def debug_run(folder: Path) -> tuple[int, str]:
    (folder / "planning.toml").write_text("this is not TOML = = =\n", encoding="utf-8")
    shutil.copytree(sample_records_dir(), folder / "records")
    shutil.copy(folder / "planning.toml", folder / "records" / "planning.toml")
    return run_in_terminal(["--debug", "plan", "--data", "records"], cwd=folder)


WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
AS_OF = ["check-eligibility", "--as-of", "2026-11-22"]
EXPLAINED = [*AS_OF, "--explain"]
QUOTE = ["quote", "--traject", "C", "--location", "LOC-003"]
POSTCODE = ["check-eligibility", "--subsidy-step", "2", "--ikt-places", "12", "--postcode", "2190"]
SAVE = ["plan", *WINDOW, "--save", "plan.toml"]
KEEP = ["plan", "--start", "2027-02-01", "--end", "2027-06-30", "--keep", "plan.toml"]
CHECK = ["plan", "--check", "plan.toml"]
EXPORT = ["export", "--to", "records.xlsx"]
IMPORT = ["import", "records.xlsx", "--to", "records"]
BAD = ["validate", "--data", "missing-folder"]

# Every run of this module, made ahead beside the other tests (see background.py).
RUNS = background.Runs(
    __name__,
    {
        **{
            (tuple(args), columns): lambda folder, args=args, columns=columns: run_in_terminal(
                args, columns=columns, cwd=folder
            )
            for args in COMMANDS
            for columns in (80, 120)
        },
        "keep": in_turn(SAVE, KEEP, CHECK),
        "import": in_turn(EXPORT, IMPORT),
        "bad": lambda folder: run_in_terminal(BAD, cwd=folder),
        "debug": debug_run,
        "plan": lambda folder: (
            json_of(["plan", *WINDOW], folder),
            run_in_terminal(["plan", *WINDOW], columns=80, cwd=folder),
        ),
        "decided": lambda folder: json_of(AS_OF, folder),
        **{
            tuple(args): lambda folder, args=args: run_in_terminal(args, columns=80, cwd=folder)
            for args in (AS_OF, EXPLAINED)
        },
        "quote": lambda folder: run_in_terminal(QUOTE, columns=80, cwd=folder),
        "postcode": lambda folder: run_in_terminal(POSTCODE, columns=80, cwd=folder),
        "list": lambda folder: run_in_terminal(["quote", "--list"], columns=60, cwd=folder),
    },
)


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_every_command_works_in_a_terminal(args: list[str], columns: int):
    status, screen = RUNS[tuple(args), columns]
    assert_clean(status, screen, args)


def test_plan_keep_and_check_in_a_terminal():
    runs, _ = RUNS["keep"]
    for status, screen, args in runs:
        assert_clean(status, screen, args)


def test_import_in_a_terminal():
    runs, folder = RUNS["import"]
    for status, screen, args in runs:
        assert_clean(status, screen, args)
    assert (folder / "records" / "trajects.toml").is_file()


def test_a_bad_input_is_a_message_in_a_terminal():
    status, screen = RUNS["bad"]
    assert_clean(status, screen, BAD, expected=1)
    assert "missing-folder" in screen


def test_debug_shows_the_traceback_in_a_terminal():
    """A bug of ours under --debug shows its traceback, even while the progress bar runs."""
    status, screen = RUNS["debug"]
    assert status != 0
    assert "Traceback" in screen, screen
    assert "lost sys.stderr" not in screen, screen


_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]"
)


def screen_text(screen: str) -> str:
    """Give what a person reads on the screen: the output without colour and cursor codes.

    A carriage return starts its line again (the progress bar redraws itself so): what is
    left of a line is what follows its last carriage return.
    """
    lines = _ESCAPES.sub("", screen).replace("\r\n", "\n").split("\n")
    return "\n".join(line.rsplit("\r", 1)[-1] for line in lines)


def test_plan_at_80_columns_shows_every_traject_id_and_date_whole():
    plan, (status, screen) = RUNS["plan"]
    args = ["plan", *WINDOW]
    assert_clean(status, screen, args)
    text = screen_text(screen)
    words = set(text.split())
    assert max(len(line) for line in text.splitlines()) <= 80, text
    visits = plan["visits"]
    assert visits, plan
    for visit in visits:
        assert visit["traject"] in words, (visit["traject"], text)
        assert visit["date"] in words, (visit["date"], text)
        assert visit["coach"] in words, (visit["coach"], text)
    for item in plan["unplanned"]:
        assert item["traject"] in words, (item["traject"], text)


@pytest.mark.parametrize("args", [AS_OF, EXPLAINED], ids=lambda a: " ".join(a))
def test_check_eligibility_at_80_columns_shows_every_id_and_date_whole(args: list[str]):
    decided = RUNS["decided"]
    status, screen = RUNS[tuple(args)]
    assert_clean(status, screen, args)
    text = screen_text(screen)
    words = {word.strip(",.;:()") for word in text.split()}
    assert max(len(line) for line in text.splitlines()) <= 80, text
    for result in decided["results"]:
        assert result["location"] in words, (result["location"], text)
        for family in ("regional_support", "pedagogical_coaching"):
            decision = result[family]
            if decision["next_free"]:
                assert decision["next_free"] in words, (decision["next_free"], text)
            for traject in decision["used_by"]:
                assert traject in words, (traject, text)


def test_quote_at_80_columns_shows_every_amount_and_hour_whole():
    status, screen = RUNS["quote"]
    assert_clean(status, screen, QUOTE)
    text = screen_text(screen)
    assert max(len(line) for line in text.splitlines()) <= 80, text
    words = {word.strip(",.;:()") for word in text.split()}
    assert {"€4,900.00", "€102.08", "48", "C"} <= words, text
    assert any(word.startswith("OFF-") and "-LOC003-C-" in word for word in words), text


def test_an_unknown_postcode_in_a_terminal_is_a_usage_error_that_wraps_between_words():
    status, screen = RUNS["postcode"]
    assert_clean(status, screen, POSTCODE, expected=2)
    text = screen_text(screen)
    assert max(len(line) for line in text.splitlines()) <= 80, text
    assert "2180 Antwerpen (district Ekeren)" in " ".join(text.split()), text
    for word in ("2180", "2100", "Ekeren"):
        assert word in {w.strip(",.;:()") for w in text.split()}, (word, text)


def test_the_price_list_in_a_narrow_terminal_leaves_columns_out_but_cuts_no_price():
    status, screen = RUNS["list"]
    assert_clean(status, screen, ["quote", "--list"])
    text = screen_text(screen)
    assert max(len(line) for line in text.splitlines()) <= 60, text
    words = set(text.split())
    assert {"€2,800.00", "€6,000.00", "€840.00", "€1,800.00", "12.5"} <= words, text
    assert "Places*" not in words  # the size bands gave way first
