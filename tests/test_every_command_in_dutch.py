"""Every command, run as a coordinator runs it, speaks Dutch by default and English on request.

One working day on a copy of the sample records is played twice, in Dutch and in English:
the same commands, the same exit statuses. The Dutch run may print ids, codes, names, numbers
and dates, never an English sentence (`english.english_left`); every command's help is Dutch
too. The JSON of every command that writes JSON is byte-identical in both languages (SPEC 7).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

import background
from english import english_left
from mentes_cli.cli import app

COMMANDS = sorted(typer.main.get_command(app).commands)

# A working day: (arguments, expected exit status). DIR is the records' folder.
DAY = [
    (["init", "DIR"], 0),
    (["validate", "--data", "DIR"], 0),
    (["check-eligibility", "--data", "DIR"], 0),
    (["check-eligibility", "--explain", "--data", "DIR"], 0),
    (["quote", "--list", "--data", "DIR"], 0),
    (["quote", "--traject", "C", "--data", "DIR"], 0),
    (["quote", "--traject", "C", "--location", "LOC-003", "--data", "DIR"], 0),
    (["trajects", "--data", "DIR"], 0),
    (["request", "LOC-004", "coaching", "--data", "DIR"], 0),
    (["approve", "T-2026-020", "--data", "DIR"], 0),
    (["edit", "T-2026-020", "--theme", "taal", "--data", "DIR"], 0),
    (["plan", "--data", "DIR"], 0),
    (["plan", "--commit", "--data", "DIR"], 0),
    (["plan", "--check-records", "--data", "DIR"], 0),
    (["letters", "--to", "DIR/brieven", "--data", "DIR"], 0),
    (["visit", "T-2026-022", "1", "--state", "fixed", "--data", "DIR"], 0),
    # Refused: its first visit is still ahead (a traject starts once it took place).
    (["start", "T-2026-022", "--data", "DIR"], 1),
    (["cancel", "T-2026-023", "--reason", "dubbel", "--data", "DIR"], 0),
    (["reopen", "T-2026-023", "--data", "DIR"], 0),
    (["unplan", "T-2026-024", "--data", "DIR"], 0),
    (["history", "--data", "DIR"], 0),
    (["undo", "--data", "DIR"], 0),
    (["report", "--data", "DIR"], 0),
    (["export", "--to", "DIR/boek.xlsx", "--data", "DIR"], 0),
    (["import", "DIR/boek.xlsx", "--to", "DIR/terug"], 0),
    (["template", "DIR/leeg.xlsx"], 0),
    # What goes wrong: a missing folder, an unknown traject, a wrong date, a wrong option.
    (["validate", "--data", "DIR/nergens"], 1),
    (["approve", "T-1999-999", "--data", "DIR"], 1),
    (["check-eligibility", "--as-of", "31-02-2027", "--data", "DIR"], 2),
    (["plan", "--nergens", "--data", "DIR"], 2),
    (["quote", "--traject", "Z", "--data", "DIR"], 2),
    (["done", "T-2026-025", "--data", "DIR"], 1),
]

JSON = [
    ["check-eligibility", "--format", "json"],
    ["check-eligibility", "--explain", "--format", "json"],
    ["quote", "--traject", "C", "--format", "json"],
    ["quote", "--list", "--format", "json"],
    ["plan", "--format", "json"],
    ["trajects", "--format", "json"],
    ["report", "--format", "json"],
]


def run(arguments: list[str], lang: str, folder: Path) -> subprocess.CompletedProcess:
    environment = {**background.SESSION, "SOURCE_DATE_EPOCH": "1796083200", "COLUMNS": "80"}
    environment.pop("MENTES_LANG", None)
    filled = [a.replace("DIR", str(folder / "dag")) for a in arguments]
    return subprocess.run(
        [sys.executable, "-m", "mentes_cli", "--lang", lang, *filled],
        capture_output=True,
        text=True,
        cwd=folder,
        env=environment,
        timeout=120,
    )


def play_the_day(lang: str, folder: Path) -> list[tuple[list[str], subprocess.CompletedProcess]]:
    return [(arguments, run(arguments, lang, folder)) for arguments, _ in DAY]


def both_languages(arguments: list[str], folder: Path) -> dict[str, subprocess.CompletedProcess]:
    return {lang: run(arguments, lang, folder) for lang in ("nl", "en")}


def help_of(command: str | None) -> list[str]:
    return [command, "--help"] if command else ["--help"]


# The day in each language, every help and every JSON, in both languages: made ahead, beside
# the other tests (see background.py); the tests below look at what they said.
RUNS = background.Runs(
    __name__,
    {
        **{
            ("day", lang): lambda folder, lang=lang: play_the_day(lang, folder)
            for lang in ("nl", "en")
        },
        **{
            ("help", command): lambda folder, command=command: both_languages(
                help_of(command), folder
            )
            for command in [None, *COMMANDS]
        },
        **{
            ("json", *arguments): lambda folder, arguments=arguments: both_languages(
                arguments, folder
            )
            for arguments in JSON
        },
    },
)


@pytest.mark.parametrize("step", range(len(DAY)), ids=[" ".join(a) for a, _ in DAY])
def test_a_working_day_in_dutch_has_no_english(step: int):
    _, done = RUNS["day", "nl"][step]
    expected = DAY[step][1]
    shown = done.stdout + done.stderr
    assert done.returncode == expected, shown
    assert "Traceback" not in shown
    assert english_left(shown) == [], shown


@pytest.mark.parametrize("step", range(len(DAY)), ids=[" ".join(a) for a, _ in DAY])
def test_the_same_day_in_english_ends_the_same(step: int):
    _, dutch = RUNS["day", "nl"][step]
    _, english = RUNS["day", "en"][step]
    assert english.returncode == dutch.returncode, english.stdout + english.stderr
    assert "Traceback" not in english.stderr


def test_the_english_check_finds_english():
    """The check above can fail: an English line is found, a Dutch one is not."""
    assert english_left("Error: the file was not found") != []
    assert english_left("Fout: het bestand bestaat niet; gebruik mentes report --help") == []


# What a person types is the same in both languages: command names and the values of options.
VALUES = ("group", "family", "coach", "support", "requested", "approved", "planned", "active")
TYPED = frozenset(
    [*(word for command in COMMANDS for word in command.split("-")), *VALUES, "cancelled", "fixed"]
)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_is_dutch(command: str | None):
    runs = RUNS["help", command]
    done, english = runs["nl"], runs["en"]
    assert done.returncode == 0, done.stderr
    assert english_left(done.stdout + done.stderr, allowed=TYPED) == [], done.stdout
    assert english_left(english.stdout, allowed=TYPED) != []


@pytest.mark.parametrize("arguments", JSON, ids=" ".join)
def test_json_is_the_same_bytes_in_both_languages(arguments: list[str]):
    runs = RUNS["json", *arguments]
    dutch, english = runs["nl"], runs["en"]
    assert dutch.returncode == 0, dutch.stderr
    assert dutch.stdout.startswith(("{", "[")), dutch.stdout[:200]
    assert dutch.stdout == english.stdout
