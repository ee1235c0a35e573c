"""A memory of letters that cannot be read is refused in the coordinator's language: the
system's and the TOML parser's reasons in Dutch too, exit 1, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        ("folder", "letters.toml: kan niet gelezen worden (is een map, geen bestand)"),
        ("x = 2027-02-30\n", "letters.toml: geen geldige TOML (geen datum die bestaat"),
    ],
)
def test_a_broken_memory_of_letters_is_refused_in_dutch(tmp_path: Path, broken, said):
    records = tmp_path / "recs"
    assert runner.invoke(app, ["init", str(records)]).exit_code == 0
    if broken == "folder":
        (records / "letters.toml").mkdir()
    else:
        (records / "letters.toml").write_text(broken, encoding="utf-8")
    result = runner.invoke(
        app, ["--lang", "nl", "letters", "--to", str(tmp_path / "out"), "--data", str(records)]
    )
    assert result.exit_code == 1, result.output
    assert said in result.output
    assert "Errno" not in result.output and "Invalid" not in result.output
    assert not (tmp_path / "out").exists()
