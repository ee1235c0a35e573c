"""A commit that changes nothing says so and writes nothing (review 2, finding 34)."""

from __future__ import annotations

from pathlib import Path

from cli_runner import CliRunner
from english import english_left
from mentes_cli import i18n
from mentes_cli.cli import app

runner = CliRunner()


def test_a_second_commit_writes_nothing_and_says_so(sample_dir: Path):
    first = runner.invoke(app, ["plan", "--commit", "--data", str(sample_dir)])
    assert first.exit_code == 0, first.output
    assert "Committed to the records: 8 trajects planned" in first.stderr
    before = {p.name: p.read_bytes() for p in sorted(sample_dir.glob("*.toml"))}
    backups = sorted((sample_dir / "backup").glob("*")) if (sample_dir / "backup").exists() else []
    again = runner.invoke(app, ["plan", "--commit", "--data", str(sample_dir)])
    assert again.exit_code == 0, again.output
    assert "Nothing to commit: the records already hold this plan; nothing was written." in (
        again.stderr
    )
    assert "Committed to the records" not in again.stderr
    assert {p.name: p.read_bytes() for p in sorted(sample_dir.glob("*.toml"))} == before
    assert sorted((sample_dir / "backup").glob("*")) == backups
    try:
        dutch = runner.invoke(app, ["--lang", "nl", "plan", "--commit", "--data", str(sample_dir)])
    finally:
        i18n.set_language(None)
    assert dutch.exit_code == 0, dutch.output
    assert "Niets vast te leggen: de gegevens bevatten dit plan al" in dutch.stderr
    assert not english_left(dutch.stderr)
