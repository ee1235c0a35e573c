"""Words of the record commands: one Dutch word for a workbook in the help of import, export
and template (review finding: *werkboek* beside *werkmap*), and one list of status words for
the plan checker and the lifecycle."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from english import english_left
from mentes_cli import i18n
from mentes_cli.lifecycle import status_word
from mentes_cli.plan.check import check_plan
from mentes_cli.plan.model import said
from test_plan_builders import coach, location, plan, records, traject


@pytest.mark.parametrize("command", ["import", "export", "template"])
def test_the_dutch_help_says_werkmap_never_werkboek(command: str):
    result = subprocess.run(
        [sys.executable, "-m", "mentes_cli", "--lang", "nl", command, "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert result.returncode == 0, result.stderr
    assert "werkboek" not in result.stdout.casefold(), result.stdout
    assert "werkmap" in result.stdout.casefold(), result.stdout
    if command != "export":  # its argument: WERKMAP, as the sentences say
        assert "{WERKMAP}" in result.stdout, result.stdout


@pytest.fixture
def dutch():
    i18n.set_language("nl")
    yield
    i18n.set_language("en")


def _status_problem(status: str, **fields) -> str:
    records_now = records(locations=[location()], coaches=[coach()], trajects=[traject()])
    result = plan(records_now, end=date(2027, 4, 30))
    assert result.visits
    changed = records(
        locations=[location()], coaches=[coach()], trajects=[traject(status=status, **fields)]
    )
    found = [p for p in check_plan(result, changed) if "the traject is" in p]
    assert found, check_plan(result, changed)
    return found[0]


def test_the_checker_says_a_status_as_the_lifecycle_does(dutch):
    problem = _status_problem("cancelled")
    # JSON's text: English, the status itself, in every language.
    assert str(problem).endswith(": the traject is cancelled [status]"), str(problem)
    spoken = said(problem)
    assert "geannuleerd" in spoken and "cancelled" not in spoken, spoken
    assert status_word("cancelled") in spoken
    assert not english_left(spoken.split(":", 1)[1], frozenset({"status"})), spoken


def test_every_status_word_is_said_alike_by_checker_and_lifecycle(dutch):
    for status in ("requested", "cancelled"):
        problem = _status_problem(status, start=date(2027, 2, 1), end=date(2027, 4, 30))
        assert str(problem).endswith(f"the traject is {status} [status]"), str(problem)
        assert f" {status_word(status)} " in said(problem) + " ", said(problem)
