"""Calendars and letters of visits that disappear (review 2, findings 4, 5 and 17).

A cancelled visit keeps the number and total it was told with; a visit handed to another
coach, or cancelled by `done --end`, is written CANCELLED in the coach's calendar, and the
location gets a letter whose .ics cancels what it was told (SPEC 9).
"""

from __future__ import annotations

import email
import email.policy
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from english import english_left
from mentes_cli import i18n
from test_calendar_updates import EPOCH, WINDOW, mentes


@pytest.fixture(autouse=True)
def _english_after():
    """A run with --lang nl chooses Dutch for the whole process: the next test reads English."""
    yield
    i18n.set_language(None)


LATER = "1800446400"  # 2027-01-20 12:00 UTC


def events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def of(data: bytes, traject: str) -> list:
    return [e for e in events(data) if f"Traject: {traject}" in str(e["DESCRIPTION"])]


def attached_calendar(path: Path) -> bytes:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_payload(decode=True)
    raise AssertionError(f"{path.name} has no calendar")


def numbers(found: list) -> list[str]:
    return sorted(
        (re.search(r"\((?:visit|contact moment) (\d+/\d+)\)", str(e["SUMMARY"]))[1] for e in found),
        key=lambda n: int(n.split("/")[0]),
    )


def test_a_cancelled_traject_keeps_its_numbers(sample_dir: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    mentes(sample_dir, "letters", "--to", "L0")
    mentes(sample_dir, "cancel", "T-2026-021", "--reason", "De locatie sluit.")
    mentes(sample_dir, "plan", *WINDOW, "--ics", "new")
    cancelled = of(Path("new", "C-02.ics").read_bytes(), "T-2026-021")
    total = len(cancelled)
    assert total > 1 and all(str(e["STATUS"]) == "CANCELLED" for e in cancelled)
    assert numbers(cancelled) == [f"{n}/{total}" for n in range(1, total + 1)]
    assert all(f" of {total}," in str(e["DESCRIPTION"]) for e in cancelled)

    mentes(sample_dir, "letters", "--to", "L")
    told = of(attached_calendar(Path("L", "T-2026-021-cancelled.eml")), "T-2026-021")
    assert numbers(told) == [f"{n}/{total}" for n in range(1, total + 1)]


def test_a_visit_handed_to_another_coach_is_cancelled_in_the_old_calendar(
    sample_dir: Path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    mentes(sample_dir, "plan", *WINDOW, "--commit", "--ics", "old")
    before = {str(e["UID"]) for e in of(Path("old", "C-01.ics").read_bytes(), "T-2026-023")}
    assert len(before) == 8
    coaches = sample_dir / "coaches.toml"  # An Peeters falls out for the rest of the year
    text = coaches.read_text(encoding="utf-8")
    old = "leave = [{ start = 2027-02-15, end = 2027-02-19 }]"
    assert old in text
    coaches.write_text(text.replace(old, old.replace("02-19", "12-31")), encoding="utf-8")
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    mentes(sample_dir, "plan", *WINDOW, "--ics", "new")
    old_coach = of(Path("new", "C-01.ics").read_bytes(), "T-2026-023")
    assert {str(e["UID"]) for e in old_coach} == before
    assert all(str(e["STATUS"]) == "CANCELLED" for e in old_coach)
    taken = {
        str(e["UID"]): e
        for name in Path("new").glob("*.ics")
        if name.name != "C-01.ics"
        for e in of(name.read_bytes(), "T-2026-023")
    }
    assert set(taken) == before
    assert all(str(e["STATUS"]) == "CONFIRMED" for e in taken.values())
    for event in old_coach:
        assert int(event["SEQUENCE"]) >= int(taken[str(event["UID"])]["SEQUENCE"])


def test_visits_ended_early_are_cancelled_in_calendar_and_letter(sample_dir: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    mentes(sample_dir, "plan", *WINDOW, "--commit", "--ics", "old")
    mentes(sample_dir, "letters", "--to", "L0")
    told = of(Path("old", "C-02.ics").read_bytes(), "T-2026-022")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    mentes(sample_dir, "start", "T-2026-022")
    mentes(sample_dir, "visit", "T-2026-022", "1", "--state", "done")
    mentes(sample_dir, "done", "T-2026-022", "--end", "2027-01-19")
    mentes(sample_dir, "plan", *WINDOW, "--ics", "new")
    ended = of(Path("new", "C-02.ics").read_bytes(), "T-2026-022")
    later = {str(e["UID"]) for e in told if e.decoded("DTSTART").date() > date(2027, 1, 19)}
    assert len(later) >= 5
    assert {str(e["UID"]) for e in ended if str(e["STATUS"]) == "CANCELLED"} == later

    twin = sample_dir.parent / "twin"  # the same records, for the Dutch letter
    shutil.copytree(sample_dir, twin)
    result = mentes(sample_dir, "letters", "--to", "L")
    letter = Path("L", "T-2026-022-changed.eml")
    assert letter.exists(), result.output
    message = email.message_from_bytes(letter.read_bytes(), policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Cancelled:" in text
    sent = of(attached_calendar(letter), "T-2026-022")
    assert {str(e["UID"]) for e in sent if str(e["STATUS"]) == "CANCELLED"} == later
    assert all(str(e["SUMMARY"]).endswith(f"/{len(told) - 1})") for e in sent[1:]), [
        str(e["SUMMARY"]) for e in sent
    ]  # the done visits keep their "n/8" too (told less the intake call)
    assert "The traject ended on Tuesday 19 January 2027" in text

    mentes(twin, "--lang", "nl", "letters", "--to", "LN")
    dutch = email.message_from_bytes(
        Path("LN", "T-2026-022-changed.eml").read_bytes(), policy=email.policy.default
    )
    body = dutch.get_body(preferencelist=("plain",)).get_content()
    assert "afgerond op dinsdag 19 januari 2027" in body
    assert not english_left(body)
