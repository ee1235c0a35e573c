"""The record rules say a traject's status and a visit's kind in the reader's words (SPEC 7):
*afgerond* / *done* as `mentes trajects` shows it, never the code `done` inside a Dutch
sentence; *bezoek* and *intakegesprek*, never `visit` / `intake`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app

runner = CliRunner()

VISIT = """
[[trajects.visits]]
number = {number}
kind = "{kind}"
date = 2026-10-{day}
start = "09:00"
hours = {hours}
coach = "S-01"
"""


def validate(records: Path, lang: str) -> list[str]:
    result = runner.invoke(app, ["--lang", lang, "validate", "--data", str(records)])
    assert result.exit_code == 1, result.output
    return [" ".join(line.split()) for line in result.output.splitlines() if line.strip()]


@pytest.fixture
def records(sample_dir: Path) -> Path:
    """The sample with a done traject without start, and an active one whose visit is
    numbered 0 and whose intake call is numbered 2."""
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('status = "done"\nstart = 2025-03-10\n', 'status = "done"\n', 1)
    at = text.index("[[trajects]]", text.index('id = "T-2026-017"'))
    visits = VISIT.format(number=0, kind="visit", day="05", hours=3) + VISIT.format(
        number=2, kind="intake", day="02", hours=1
    )
    path.write_text(text[:at] + visits.lstrip("\n") + "\n" + text[at:], encoding="utf-8")
    return sample_dir


def test_a_status_is_said_in_dutch_in_a_dutch_sentence(records: Path):
    lines = validate(records, "nl")
    start = next(line for line in lines if "T-2025-014" in line)
    assert "verplicht voor een traject met status afgerond" in start
    assert not re.search(r"\bdone\b", start)
    assert not english_left("\n".join(lines), frozenset({"visits"})), lines


def test_a_status_is_said_in_english_in_an_english_sentence(records: Path):
    lines = validate(records, "en")
    start = next(line for line in lines if "T-2025-014" in line)
    assert "start is required for a traject with status done" in start


def test_a_visit_numbered_0_and_an_intake_numbered_2_are_said_in_words(records: Path):
    dutch = [line for line in validate(records, "nl") if "T-2026-017" in line]
    assert any(
        "bezoek 1: een bezoek op locatie krijgt een nummer vanaf 1, niet 0" in line
        for line in dutch
    ), dutch
    assert any("bezoek 2: het intakegesprek heeft nummer 0, niet 2" in line for line in dutch), (
        dutch
    )
    for line in dutch:
        assert not re.search(r"\b(visit|intake)\b", line), line
    english = [line for line in validate(records, "en") if "T-2026-017" in line]
    assert any("visit 1: a visit on location is numbered from 1, not 0" in x for x in english)
    assert any("visit 2: the intake call has number 0, not 2" in x for x in english)


def test_an_unknown_field_of_a_visit_lists_the_fields_of_a_visit(sample_dir: Path):
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index("[[trajects]]", text.index('id = "T-2026-017"'))
    visit = VISIT.format(number=1, kind="visit", day="05", hours=3) + 'colour = "red"\n'
    path.write_text(text[:at] + visit.lstrip("\n") + "\n" + text[at:], encoding="utf-8")
    line = next(x for x in validate(sample_dir, "en") if "colour" in x)
    assert line.endswith(
        "visit 1, colour: unknown field (a typo?); the fields are: number, kind, date, start, "
        "hours, coach, state, uid, sequence"
    )
