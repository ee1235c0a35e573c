"""`mentes letters` on records kept as one workbook (SPEC 8, 9): `mentes init w.xlsx`,
`plan --commit`, letters; a coach's leave in the sheet Verlof and a re-plan give "changed"
letters for exactly the trajects whose visits moved. Every draft is parsed as a mail program
would (`email.parser`, policy=default): headers, the text and HTML parts, the .ics attached.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from mentes_cli.letters.memory import read_sheet
from mentes_cli.load import DataSource, load_records
from test_plan_commit_workbook import add_leave

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
FIRST, SECOND = "1796083200", "1796169600"  # 2026-12-01 and 2026-12-02, 00:00 UTC


def mentes(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def own_lines(output: str) -> str:
    """Give the lines `mentes letters` itself prints: without the records line and the error
    prefix that every command shares (cli/common.py, whose Dutch is not this test's)."""
    lines = [line for line in output.splitlines() if not line.startswith("Records: ")]
    return "\n".join(line.removeprefix("Error: ") for line in lines)


def trajects(book: Path) -> dict:
    return {t.id: t for t in load_records(DataSource(book, "test")).records.trajects}


def draft(path: Path) -> EmailMessage:
    """Give one draft as a mail program reads it, after checking what every draft must have."""
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert message["X-Unsent"] == "1", path.name
    assert message["From"] == "Pedagogie in Praktijk <vot@kdg.be>"
    assert message["Subject"] and message["Date"] and message["Message-ID"]
    assert path.name.startswith(f"{message['X-Mentes-Traject']}-")
    assert message.get_content_type() == "multipart/mixed" or not list(message.iter_attachments())
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    assert html.get_content().startswith("<!DOCTYPE html>")
    for part in message.walk():
        assert not part.defects, (path.name, part.defects)
    return message


def calendar_of(message: EmailMessage) -> Calendar:
    (attachment,) = message.iter_attachments()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    data = attachment.get_content()
    return Calendar.from_ical(data if isinstance(data, bytes) else data.encode())


def test_letters_on_a_workbook_from_planning_to_a_leave(tmp_path: Path, monkeypatch):
    book = tmp_path / "w.xlsx"
    mentes("init", str(book))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    mentes("plan", *WINDOW, "--commit", "--data", str(book))
    first = mentes("letters", "--to", "brieven", "--data", str(book))

    # A draft per planned traject, the overview, and the memory beside the workbook.
    planned = {t.id for t in trajects(book).values() if t.status == "planned"}
    folder = tmp_path / "brieven"
    assert {p.name for p in folder.glob("*.eml")} == {f"{t}-planned.eml" for t in planned}
    (overview,) = folder.glob("overzicht-*.xlsx")
    sheet = openpyxl.load_workbook(overview)["Letters"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Traject", "Letter", "To", "E-mail", "Subject", "File")
    assert sorted(row[0] for row in rows[1:]) == sorted(planned)
    # The memory is the sheet Brieven of the workbook (SPEC 9), no file beside it.
    assert len(read_sheet(book.read_bytes(), book.name)) == len(planned)
    assert "remembered in the sheet Brieven of" in first.output
    assert not (tmp_path / "w.letters.toml").exists()

    records = trajects(book)
    for traject in sorted(planned):
        message = draft(folder / f"{traject}-planned.eml")
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        live = [v for v in records[traject].visits if v.kind == "visit"]
        assert len(live) == text.count("–") - text.count(" → ")  # every visit, with hours
        assert all(f"{v.date.day} " in text for v in live)
        assert "What to prepare:" in text and "<strong>What to prepare:</strong>" in html
        events = calendar_of(message).walk("VEVENT")
        assert {str(e["UID"]) for e in events} == {v.uid for v in records[traject].visits}
        assert {str(e["STATUS"]) for e in events} == {"CONFIRMED"}
        assert {int(e["SEQUENCE"]) for e in events} == {0}

    # A coach's leave in the sheet Verlof; the re-plan moves the visits in it.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SECOND)
    add_leave(book, "C-02", date(2027, 2, 15), date(2027, 2, 19))
    preview = json.loads(mentes("plan", *WINDOW, "--format", "json", "--data", str(book)).stdout)
    touched = {change["traject"] for change in preview["changes"]}
    assert touched and {c["change"] for c in preview["changes"]} == {"moved"}
    mentes("plan", *WINDOW, "--commit", "--data", str(book))
    second = mentes("letters", "--to", "brieven", "--data", str(book))
    new = sorted(p.name for p in folder.glob("*-changed.eml"))
    assert new == sorted(f"{t}-changed.eml" for t in touched), second.output
    assert f"{len(touched)} letters written" in second.output or len(touched) == 1

    after = trajects(book)
    for traject in sorted(touched):
        message = draft(folder / f"{traject}-changed.eml")
        text = message.get_body(("plain",)).get_content()
        moved = [c for c in preview["changes"] if c["traject"] == traject]
        assert text.count(" → ") == len(moved)
        for change in moved:
            old, new_day = (date.fromisoformat(change[k]) for k in ("old_date", "new_date"))
            assert f"{old.day} {old:%B %Y} → " in text and f"{new_day.day} {new_day:%B %Y}" in text
        assert "Your visits now:" in text
        events = {str(e["UID"]): e for e in calendar_of(message).walk("VEVENT")}
        visits = {v.uid: v for v in after[traject].visits}
        assert set(events) == set(visits)
        moved_days = {date.fromisoformat(c["new_date"]) for c in moved}
        for uid, visit in visits.items():
            # Never below the records' (a visit renumbered by the move goes out higher too:
            # its title changed since it was sent).
            assert int(events[uid]["SEQUENCE"]) >= visit.sequence
            assert int(events[uid]["SEQUENCE"]) > 0 or visit.date not in moved_days
            assert events[uid].decoded("DTSTART").date() == visit.date
        assert sorted(v.sequence for v in visits.values()).count(1) == len(moved)

    # Nothing new: nothing written, the workbook unchanged.
    remembered = book.read_bytes()
    assert "No new letters" in mentes("letters", "--to", "brieven", "--data", str(book)).output
    assert book.read_bytes() == remembered


def test_a_dutch_run_on_a_workbook_speaks_dutch(tmp_path: Path, monkeypatch):
    book = tmp_path / "w.xlsx"
    mentes("init", str(book))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    mentes("plan", *WINDOW, "--commit", "--data", str(book))
    result = mentes("--lang", "nl", "letters", "--to", "brieven", "--data", str(book))
    assert not english_left(own_lines(result.output)), result.output
    assert "brieven geschreven in brieven" in result.output
    folder = tmp_path / "brieven"
    (overview,) = folder.glob("overzicht-*.xlsx")
    rows = list(openpyxl.load_workbook(overview)["Brieven"].iter_rows(values_only=True))
    assert rows[0] == ("Traject", "Brief", "Aan", "E-mail", "Onderwerp", "Bestand")
    assert {row[1] for row in rows[1:]} == {"planning"}
    for path in sorted(folder.glob("*.eml")):
        message = draft(path)
        text = message.get_body(("plain",)).get_content()
        names = {"Pedagogie", "Praktijk", "Mentes"}
        assert not english_left(text, allowed=frozenset(names)), (path.name, text)
        assert "Wat bereid je voor?" in text
        summaries = [str(e["SUMMARY"]) for e in calendar_of(message).walk("VEVENT")]
        assert all("bezoek" in s or "contactmoment" in s or "Intakegesprek" in s for s in summaries)


def test_a_broken_letters_memory_beside_a_workbook_is_a_dutch_error(tmp_path: Path):
    book = tmp_path / "w.xlsx"
    mentes("init", str(book))
    (tmp_path / "w.letters.toml").write_text("[[letters]]\ntraject = 3\n", encoding="utf-8")
    result = mentes("--lang", "nl", "letters", "--to", "brieven", "--data", str(book), code=1)
    assert (
        "w.letters.toml, tabel [[letters]] 1: onvolledig of fout: het veld kind ontbreekt"
        in result.output
    )
    # [[letters]] and kind are the file's own TOML names, the same in both languages.
    assert not english_left(own_lines(result.output), frozenset({"letters"})), result.output
    assert not (tmp_path / "brieven").exists()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_help_of_letters_follows_the_language(lang):
    # Typer builds help texts at import, after the language is chosen: a fresh process.
    result = subprocess.run(
        [sys.executable, "-m", "mentes_cli", "--lang", lang, "letters", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    wanted = {"nl": "Map voor de concepten", "en": "Folder for the drafts"}[lang]
    assert wanted in result.stdout
    if lang == "nl":
        assert "Schrijf een e-mailconcept" in result.stdout


def test_a_long_leave_hands_the_trajects_to_another_coach(tmp_path: Path, monkeypatch):
    """A leave to the end of the window: the trajects whose visits it covers move whole to
    another coach (one coach per traject, SPEC 5 rule 7); nothing is cancelled, the letter
    says what moved and its calendar sends the same UIDs with a higher sequence."""
    book = tmp_path / "w.xlsx"
    mentes("init", str(book))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    mentes("plan", *WINDOW, "--commit", "--data", str(book))
    mentes("letters", "--to", "brieven", "--data", str(book))
    before = trajects(book)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SECOND)
    add_leave(book, "C-02", date(2027, 2, 15), date(2027, 6, 30))
    mentes("plan", *WINDOW, "--commit", "--data", str(book))
    after = trajects(book)
    assert not [v for t in after.values() for v in t.visits if v.state == "cancelled"]
    for traject in ("T-2026-021", "T-2026-022"):
        assert before[traject].coach == "C-02" and after[traject].coach not in (None, "C-02")
        assert {v.coach for v in after[traject].visits} == {after[traject].coach}
        assert {v.uid for v in after[traject].visits} == {v.uid for v in before[traject].visits}

    mentes("letters", "--to", "brieven", "--data", str(book))
    folder = tmp_path / "brieven"
    assert sorted(p.name for p in folder.glob("*-changed.eml")) == [
        "T-2026-021-changed.eml",
        "T-2026-022-changed.eml",
    ]
    for traject in ("T-2026-021", "T-2026-022"):
        message = draft(folder / f"{traject}-changed.eml")
        events = calendar_of(message).walk("VEVENT")
        assert {str(e["UID"]) for e in events} == {v.uid for v in after[traject].visits}
        assert {str(e["STATUS"]) for e in events} == {"CONFIRMED"}
        moved = {v.uid for v in after[traject].visits if v.sequence == 1}
        assert moved and {int(e["SEQUENCE"]) for e in events if str(e["UID"]) in moved} == {1}
