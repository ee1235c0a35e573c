"""Two incomplete trajects on the sample, shared by the tests/test_incomplete_*.py.

- `leave_case`: the plan 2027-01-04 to 2027-06-30 committed, visit 1 of T-2026-021 fixed,
  then C-02 on leave from 2027-02-15: three of its 8 visits fall in the leave, it cannot go
  to another coach (a visit is fixed), so the plan calls it incomplete (5 visits kept, 3
  missing); T-2026-022 (C-02 too) is handed to another coach. The records keep all 8
  visits of both, 3 of each on a leave day.
- `cancelled_case`: the same plan committed, then visit 3 of T-2026-023 (8 × 6.25 h, C-01)
  cancelled by hand: 7 live visits, not the offer's shape (the check of `plan
  --check-records`: rule "visits"), so incomplete: 7 of 8 visits planned.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli_runner import CliRunner
from mentes_cli import i18n
from mentes_cli.cli import app
from test_calendar_updates import add_leave

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
EPOCH = "1796083200"  # 2026-12-01 00:00 UTC


@pytest.fixture(autouse=True)
def at_epoch_in_english(monkeypatch):
    """Today is EPOCH's day; a run with --lang nl chooses Dutch for the whole process, so the
    next test reads English again. A test module that imports it has it for all its tests."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    yield
    i18n.set_language(None)


def mentes(records: Path, *args: str, code: int = 0, lang: str | None = None):
    result = runner.invoke(
        app, [*(["--lang", lang] if lang else []), *args, "--data", str(records)]
    )
    assert result.exit_code == code, result.output
    return result


def commit(records: Path, *more: str) -> None:
    mentes(records, "plan", *WINDOW, "--commit", *more)


def leave_case(records: Path) -> None:
    commit(records)
    mentes(records, "visit", "T-2026-021", "1", "--state", "fixed")
    add_leave(records, "C-02", "2027-02-15", "2027-06-30")


def visit_block(text: str, traject: str, number: int) -> tuple[int, int]:
    """Give where the committed visit `number` of `traject` is in trajects.toml."""
    start = text.index(f'id = "{traject}"')
    end = text.find("[[trajects]]", start)
    end = len(text) if end < 0 else end
    for match in re.finditer(r"\[\[trajects\.visits\]\]\n", text[start:end]):
        at = start + match.start()
        stop = text.find("\n\n", at)
        stop = end if stop < 0 or stop > end else stop
        if f"number = {number}\n" in text[at:stop] and 'kind = "visit"' in text[at:stop]:
            return at, stop
    raise AssertionError(f"no visit {number} of {traject}")


def cancel_by_hand(records: Path, traject: str, number: int) -> None:
    """Set the state of a committed visit to cancelled in trajects.toml, as by hand."""
    path = records / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    at, stop = visit_block(text, traject, number)
    block = text[at:stop].replace('state = "planned"', 'state = "cancelled"')
    assert 'state = "cancelled"' in block
    path.write_text(text[:at] + block + text[stop:], encoding="utf-8")


def cancelled_case(records: Path, *more: str) -> None:
    commit(records, *more)
    cancel_by_hand(records, "T-2026-023", 3)
