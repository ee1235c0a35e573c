"""`mentes --version` and every `--help` start without the heavy modules (issue 8).

Each command imports its engine (pydantic models, openpyxl, the planner, ...) inside its
function, so that asking for the version or for help stays fast. A fresh interpreter runs
`python -X importtime -m mentes_cli ...`, which lists every module it imports on stderr;
none of them may be a heavy one. How fast that is, is measured in benchmarks/, not here.

`mentes COMMAND --help` imports pydantic all the same: Typer itself builds a pydantic
TypeAdapter for the command's options as soon as it parses them. Our own models, the
loaders and the engines stay out.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

import background
from mentes_cli import __version__
from mentes_cli.cli import app

HEAVY = (
    "openpyxl",
    "pydantic",
    "pydantic_core",
    "holidays",
    "icalendar",
    "mentes_cli.models",
    "mentes_cli.load",
    "mentes_cli.eligibility",
    "mentes_cli.render_eligibility",
    "mentes_cli.quote",
    "mentes_cli.plan",
    "mentes_cli.export",
)
# Typer (0.29) imports these to parse any command's options, --help included.
TYPER_IMPORTS = ("pydantic", "pydantic_core")
COMMANDS = sorted(typer.main.get_command(app).commands)


def imported_by(folder: Path, *arguments: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Give the finished `python -m mentes_cli ARGUMENTS` and every module it imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mentes_cli", *arguments],
        capture_output=True,
        text=True,
        cwd=folder,
        env=background.SESSION,
        timeout=60,
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return result, modules


def heavy(modules: set[str], allowed: tuple[str, ...] = ()) -> list[str]:
    """Give the heavy modules among `modules` (a HEAVY name or one of its submodules)."""
    names = [h for h in HEAVY if h not in allowed]
    return sorted(m for m in modules if any(m == h or m.startswith(f"{h}.") for h in names))


# Every run, made ahead beside the other tests (see background.py).
RUNS = background.Runs(
    __name__,
    {
        arguments: lambda folder, arguments=arguments: imported_by(folder, *arguments)
        for arguments in [("--version",), ("--help",), *((name, "--help") for name in COMMANDS)]
    },
)


def test_version_imports_no_heavy_module():
    result, modules = RUNS["--version",]
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"mentes {__version__}\n"
    assert "mentes_cli.cli" in modules  # the listing works
    assert heavy(modules) == []


def test_help_imports_no_heavy_module():
    result, modules = RUNS["--help",]
    assert result.returncode == 0, result.stderr
    assert "check-eligibility" in result.stdout
    assert heavy(modules) == []


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_imports_no_heavy_module(name):
    result, modules = RUNS[name, "--help"]
    assert result.returncode == 0, result.stderr
    assert f"mentes {name}" in result.stdout
    assert heavy(modules, allowed=TYPER_IMPORTS) == []
