"""The words a coordinator types on the command line (review 2, F-n, F-t, F-y): an offer in
any case or as quote takes it, the Dutch care types, an id typed a little wrong answered with
the ids it may mean, no empty reason, the intake call by its name, an unknown id in history.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from test_lifecycle_cli import LATER, PLANNED

runner = CliRunner()


@pytest.fixture(autouse=True)
def _today_is_later(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Today is after the committed visits; `--lang nl` is given back after each test."""
    from mentes_cli import i18n

    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    yield
    i18n.set_language(None)


@pytest.fixture
def records(sample_dir: Path) -> Path:
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('id = "T-2026-022"')
    end = text.index("[[trajects]]", start)
    path.write_text(text[:start] + PLANNED + "\n" + text[end:], encoding="utf-8")
    return sample_dir


def mentes(records: Path, *args: str, code: int = 0, lang: str | None = None) -> str:
    first = ["--lang", lang] if lang else []
    result = runner.invoke(app, [*first, *args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())


def added(records: Path) -> dict:
    return tomllib.loads((records / "trajects.toml").read_text(encoding="utf-8"))["trajects"][-1]


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Coaching", "coaching"), ("c", "C"), ("BVV-Basis", "bvv-basis"), (" b ", "B")],
)
def test_request_takes_the_offer_as_quote_does(records: Path, typed, code):
    mentes(records, "request", "LOC-001", typed, "--requested-on", "2027-01-05")
    assert added(records)["offer"] == code


def test_an_unknown_offer_is_named_by_the_coordinators_word(records: Path):
    said = mentes(records, "request", "LOC-001", "xyz", code=1)
    assert "the request, offer: must be" in said
    said = mentes(records, "request", "LOC-001", "xyz", code=1, lang="nl")
    assert "de aanvraag, aanbod: moet" in said


@pytest.mark.parametrize("word", ["gezinsopvang", "Family", "GROEPSOPVANG"])
def test_check_eligibility_takes_the_dutch_care_types(records: Path, word):
    said = mentes(
        records, "check-eligibility", "--postcode", "2000", "--subsidy-step", "3",
        "--ikt-places", "5", "--care-type", word,
    )  # fmt: skip
    assert "(quick check)" in said


def test_a_wrong_care_type_is_a_usage_error_naming_the_words(records: Path):
    said = mentes(
        records, "check-eligibility", "--postcode", "2000", "--subsidy-step", "3",
        "--ikt-places", "5", "--care-type", "thuis", code=2, lang="nl",
    )  # fmt: skip
    assert "'thuis' is geen soort opvang; schrijf groepsopvang of gezinsopvang" in said


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["approve", "t-2026-020"], "(did you mean T-2026-020"),
        (["approve", "T-2026-20"], "(did you mean T-2026-020"),
        (["cancel", "T-2026-9"], "(did you mean T-2026-009"),
        (["request", "LOC-01", "coaching"], "(did you mean LOC-001"),
        (["history", "T-2026-20"], "(did you mean T-2026-020"),
    ],
)
def test_an_id_typed_a_little_wrong_gets_a_suggestion(records: Path, args, hint):
    before = (records / "trajects.toml").read_bytes()
    said = mentes(records, *args, code=1)
    assert hint in said
    assert (records / "trajects.toml").read_bytes() == before


def test_an_unknown_id_in_history_is_not_no_changes(records: Path):
    mentes(records, "approve", "T-2026-020")
    said = mentes(records, "history", "T-9999", code=1)
    assert "no traject T-9999 in the records" in said
    assert "No changes recorded yet" not in said
    # A traject of the records without changes yet: that is said as before.
    assert "No changes recorded yet" in mentes(records, "history", "T-2026-021")
    said = mentes(records, "history", "T-2026-20", code=1, lang="nl")
    assert "bedoel je T-2026-020" in said
    assert not english_left(said), said


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_empty_reason_is_refused(records: Path, reason):
    before = (records / "trajects.toml").read_bytes()
    said = mentes(records, "cancel", "T-2026-020", "--reason", reason, code=2)
    assert "--reason is empty" in said
    assert (records / "trajects.toml").read_bytes() == before
    assert not english_left(mentes(records, "cancel", "T-2026-020", "--reason", "", code=2,
                                   lang="nl").split("Fout:")[1])  # fmt: skip


def test_the_intake_call_is_called_so_not_visit_0(records: Path):
    said = mentes(records, "visit", "T-2026-022", "0", "--state", "fixed")
    assert "T-2026-022, intake call: fixed (never moves)." in said
    said = mentes(records, "visit", "T-2026-022", "7", "--state", "done", code=1)
    assert "its visits: 0 (the intake call), 1, 2" in said
    said = mentes(records, "visit", "T-2026-022", "0", "--state", "planned", lang="nl")
    assert "intakegesprek" in said and "bezoek 0" not in said
    assert not english_left(said), said
