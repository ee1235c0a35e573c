"""What `request` says about the offer asked for (review 2, F-aa and F-j; SPEC 8).

A paid request says its price and warns, as `quote` does, when the location may have this
support for free; a free request that becomes free through announced enforcement says from
when it is free, also when --approve is refused and in the inbox.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app

runner = CliRunner()
TODAY = "1796040000"  # 2026-11-30 12:00 UTC, the review's day


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from mentes_cli import i18n

    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY)
    yield
    i18n.set_language(None)


def mentes(records: Path, *args: str, code: int = 0, lang: str | None = None) -> str:
    first = ["--lang", lang] if lang else []
    result = runner.invoke(app, [*first, *args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())


def test_a_paid_request_says_its_price_and_that_it_could_be_free(sample_dir: Path):
    said = mentes(sample_dir, "request", "LOC-016", "B")
    assert "Added T-2026-029: B for LOC-016, requested." in said
    assert "Paid: B costs €3,900.00 on 2026-11-30." in said
    assert "Warning: LOC-016 is entitled to free pedagogical coaching (coaching) now" in said
    said = mentes(sample_dir, "request", "LOC-016", "A", "--approve")
    assert "approved" in said and "LOC-016 is entitled to free" in said


def test_approve_of_a_paid_request_warns_too(sample_dir: Path):
    mentes(sample_dir, "request", "LOC-016", "C")
    said = mentes(sample_dir, "approve", "T-2026-029")
    assert "Warning: LOC-016 is entitled to free pedagogical coaching" in said


def test_a_paid_request_where_nothing_is_free_only_says_the_price(sample_dir: Path):
    said = mentes(sample_dir, "request", "LOC-004", "B")
    assert "Paid: B costs €3,900.00 on 2026-11-30." in said
    assert "Warning" not in said


def test_a_request_free_through_announced_enforcement_says_from_when(sample_dir: Path):
    said = mentes(sample_dir, "request", "LOC-013", "coaching", "--earliest", "2027-01-15")
    assert "Not free on 2027-01-15." in said
    assert "it is in enforcement from 2027-02-01" in said
    assert "Free from 2027-02-01." in said
    before = (sample_dir / "trajects.toml").read_bytes()
    said = mentes(
        sample_dir, "request", "LOC-013", "coaching", "--earliest", "2027-01-15", "--approve",
        code=1,
    )  # fmt: skip
    assert "Not approved, nothing was written" in said and "Free from 2027-02-01." in said
    assert (sample_dir / "trajects.toml").read_bytes() == before
    inbox = json.loads(runner.invoke(app, ["trajects", "--format", "json", "--data",
                                           str(sample_dir)]).stdout)  # fmt: skip
    row = next(t for t in inbox["trajects"] if t["traject"] == "T-2026-029")
    assert row["next_free"] == "2027-02-01"


def test_the_request_words_in_dutch(sample_dir: Path):
    said = mentes(sample_dir, "request", "LOC-016", "B", lang="nl")
    assert "Betalend: B kost € 3.900,00 op 30/11/2026." in said
    assert "heeft nu recht op gratis pedagogische coaching" in said
    said = mentes(sample_dir, "request", "LOC-013", "coaching", "--earliest", "15/01/2027",
                  lang="nl")  # fmt: skip
    assert "Gratis vanaf 01/02/2027." in said
    assert not english_left(said.replace(str(sample_dir), "MAP")), said
