"""The plan's running text wraps between words, never between a number and its unit."""

from __future__ import annotations

import pytest

from mentes_cli.cli.plan import _fill

SENTENCE = "T-2026-032: bezoeken 1 × 6,25 u + 5 × 5 u + 2 × 4 u, verwacht 6 × 5 u + 2 × 4 u voor B"


@pytest.mark.parametrize("width", range(20, 90))
def test_a_count_its_length_and_unit_stay_on_one_line(width: int):
    lines = _fill(SENTENCE, width, subsequent_indent="    ").splitlines()
    assert " ".join(line.strip() for line in lines) == SENTENCE
    for line in lines:
        assert not line.rstrip().endswith(("×", " 4", " 5", "6,25", " 1", " 2", " 6"))
        assert not line.lstrip().startswith(("u", "×"))
    assert "\u00a0" not in "".join(lines)


def test_english_hours_too():
    lines = _fill("visits 2 × 6.25 h + 3 × 7 h expected", 12).splitlines()
    assert lines == ["visits", "2 × 6.25 h +", "3 × 7 h", "expected"]
