"""Every command has help text and is described in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()
README = Path(__file__).resolve().parents[1] / "README.md"
COMMANDS = sorted(typer.main.get_command(app).commands)


def test_the_expected_commands_exist():
    assert "validate" in COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_and_is_in_the_readme(name):
    command = typer.main.get_command(app).commands[name]
    assert command.help and command.help.strip(), f"{name} has no help text"
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"mentes {name}" in README.read_text(encoding="utf-8"), f"{name} missing in README"
