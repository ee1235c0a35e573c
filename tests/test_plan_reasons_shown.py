"""Of an unplanned traject the terminal shows the first reasons and how many more (on the
network about 95 per traject, one per candidate coach); --all and the JSON give every one."""

from __future__ import annotations

import json

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-02-28"]


def test_the_first_reasons_and_a_count_then_every_one_with_all(monkeypatch):
    import mentes_cli.cli.plan as plan_command

    full = json.loads(runner.invoke(app, ["plan", *WINDOW, "--format", "json"]).stdout)
    most = max(len(item["reasons"]) for item in full["unplanned"])
    assert most >= 2
    monkeypatch.setattr(plan_command, "SHOWN_REASONS", 1)
    short = runner.invoke(app, ["plan", *WINDOW])
    assert short.exit_code == 0, short.output
    assert f"and {most - 1} more reason" in " ".join(short.stdout.split())
    every = runner.invoke(app, ["plan", *WINDOW, "--all"])
    assert every.exit_code == 0, every.output
    assert "more reason" not in every.stdout
    assert len(every.stdout.splitlines()) > len(short.stdout.splitlines())
    dutch = runner.invoke(app, ["--lang", "nl", "plan", *WINDOW])
    assert "(--all toont ze allemaal)" in " ".join(dutch.stdout.split())
