"""The one "now": SOURCE_DATE_EPOCH fixes it; anything else falls back to the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mentes_cli.clock import now


def test_source_date_epoch_fixes_now(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")
    assert now() == datetime(2027, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("value", ["", "soon", "-5", "99999999999999999999"])
def test_without_a_usable_epoch_now_is_the_clock(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert abs(now() - datetime.now(tz=UTC)) < timedelta(seconds=5)
