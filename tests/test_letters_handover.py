"""A change letter after a hand-over (SPEC 9): when the planner gives a committed traject to
another coach (its coach has a long leave), the letter says who the coach is now, in both
languages, besides what moved; a hand-over that keeps every date is a change letter too."""

from __future__ import annotations

from datetime import date
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from mentes_cli.letters.due import CHANGED, due_letters
from mentes_cli.letters.memory import Remembered, ToldVisit
from mentes_cli.load import DataSource, load_records
from test_plan_commit_workbook import add_leave

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
FIRST, SECOND = "1796083200", "1796169600"  # 2026-12-01 and 2026-12-02, 00:00 UTC


def mentes(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def text_of(path: Path) -> str:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    return message.get_body(("plain",)).get_content()


def records_of(book: Path):
    return load_records(DataSource(book, "test")).records


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_change_letter_after_a_hand_over_names_the_new_coach(tmp_path: Path, monkeypatch, lang):
    book = tmp_path / "w.xlsx"
    mentes("init", str(book))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    mentes("plan", *WINDOW, "--commit", "--data", str(book))
    mentes("letters", "--to", "a", "--data", str(book))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SECOND)
    add_leave(book, "C-02", date(2027, 2, 15), date(2027, 6, 30))
    mentes("plan", *WINDOW, "--commit", "--data", str(book))
    result = mentes("--lang", lang, "letters", "--to", str(tmp_path / "b"), "--data", str(book))

    records = records_of(book)
    coaches = records.coach_index()
    old = coaches["C-02"].name
    for traject in ("T-2026-021", "T-2026-022"):
        now = next(t for t in records.trajects if t.id == traject)
        assert now.coach not in (None, "C-02")
        text = text_of(tmp_path / "b" / f"{traject}-changed.eml")
        new = coaches[now.coach].name
        said = {
            "en": f"Your traject has a new pedagogical coach: from now on {new} comes to you.",
            "nl": f"Je traject heeft een nieuwe pedagogisch coach: vanaf nu komt {new} langs.",
        }[lang]
        assert said in " ".join(text.split()), text
        assert old not in text
        assert " → " in text  # what moved is still told
        if lang == "nl":
            names = {"Pedagogie", "Praktijk", "Mentes", *new.split()}
            assert not english_left(text, allowed=frozenset(names)), text
    assert "T-2026-021-changed.eml" in result.output


def test_a_hand_over_that_keeps_every_date_is_a_change_too(tmp_path: Path):
    """Told C-02's visits; now the same visits are C-01's: a change letter that names the
    coach, though nothing moved."""
    folder = tmp_path / "recs"
    mentes("init", str(folder))
    mentes("plan", *WINDOW, "--commit", "--data", str(folder))
    records = load_records(DataSource(folder, "test")).records
    traject = next(t for t in records.trajects if t.status in ("planned", "active") and t.visits)
    told = tuple(
        ToldVisit(
            v.uid or "", v.number, v.kind, v.date, v.start, v.hours, v.state, v.sequence, "X-9"
        )
        for v in traject.visits
    )
    letter = Remembered(traject.id, "planned", "2026-11-01T00:00:00+00:00", "f.eml", "", (), told)
    (due,) = [
        d
        for d in due_letters(records, [], [letter], date(2026, 12, 1))
        if d.traject.id == traject.id
    ]
    assert due.kind == CHANGED and due.new_coach
    assert not (due.moved or due.added or due.cancelled)

    # Told the coach it has now: nothing is due. Told by an earlier mentes (no coach kept):
    # nothing is due either (it cannot know).
    for coach in (traject.visits[0].coach, ""):
        same = tuple(
            ToldVisit(
                v.uid or "", v.number, v.kind, v.date, v.start, v.hours, v.state, v.sequence, coach
            )
            for v in traject.visits
        )
        again = Remembered(
            traject.id, "planned", "2026-11-01T00:00:00+00:00", "f.eml", "", (), same
        )
        assert not [
            d
            for d in due_letters(records, [], [again], date(2026, 12, 1))
            if d.traject.id == traject.id
        ]
