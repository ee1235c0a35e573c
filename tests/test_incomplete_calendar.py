"""An incomplete traject's calendars stay consistent (review 2, finding 4; SPEC 9).

A committed traject of 8 visits loses one that is not the last (cancelled or deleted by
hand): the coach's calendar numbered the other 7 "n/7" while the letter had said 8 ("4/7"
for the visit the location knows as 4 of 8, next to a cancelled "3/8"). Now every event of
it keeps the number the location was told, "n/8", and the visit that vanished comes out
CANCELLED, same UID, so that importing the new file over the older one removes it. A visit
deleted from the records is cancelled by the next letter, whose calendar carries its UID.
"""

from __future__ import annotations

import email
from pathlib import Path

import pytest

from english import english_left
from incomplete_cases import (
    WINDOW,
    at_epoch_in_english,  # noqa: F401 (autouse)
    cancel_by_hand,
    commit,
    mentes,
    visit_block,
)
from test_calendar_updates import merge, traject_events

TRAJECT, COACH = "T-2026-023", "C-01"


def events(data: bytes) -> dict[str, dict]:
    """Give the traject's events of a calendar by UID."""
    return traject_events(data, TRAJECT)


def ics(records: Path, folder: str) -> bytes:
    target = records.parent / folder
    mentes(records, "plan", *WINDOW, "--ics", str(target))
    return (target / f"{COACH}.ics").read_bytes()


def test_a_visit_cancelled_by_hand_is_cancelled_and_the_others_stay_of_8(sample_dir):
    commit(sample_dir)
    before = ics(sample_dir, "c1")
    cancel_by_hand(sample_dir, TRAJECT, 3)
    after = ics(sample_dir, "c2")
    old, new = events(before), events(after)
    assert set(new) == set(old)  # nothing just disappears
    third = next(uid for uid, e in old.items() if e["summary"].endswith("(visit 3/8)"))
    assert new[third]["status"] == "CANCELLED"
    assert new[third]["summary"].endswith("(visit 3/8)")
    live = sorted((e for e in new.values() if e["status"] == "CONFIRMED"), key=lambda e: e["day"])
    assert [e["summary"][-4:] for e in live] == [f"{n}/8)" for n in (1, 2, 4, 5, 6, 7, 8)]
    assert not any(e["summary"].endswith("/7)") for e in new.values())
    for uid, event in new.items():
        assert event["sequence"] >= old[uid]["sequence"]  # never down
        if event["status"] == "CONFIRMED":
            assert event == old[uid]  # the same event: nothing changes for the others
    # Imported over the older calendar, the traject has 7 appointments, the 3rd gone.
    model: dict[str, dict] = {}
    merge(model, before)
    merge(model, after)
    mine = {uid for uid, e in model.items() if e["traject"] == TRAJECT}
    assert len(mine) == 7 and third not in mine


def letter(folder: Path) -> tuple[str, bytes]:
    message = email.message_from_bytes((folder / f"{TRAJECT}-changed.eml").read_bytes())
    text = calendar = None
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode()
        elif part.get_content_type() == "text/calendar":
            calendar = part.get_payload(decode=True)
    return text, calendar


@pytest.mark.parametrize("how", ["cancelled", "deleted"])
def test_the_letter_cancels_the_lost_visit_and_keeps_the_numbers(sample_dir, how):
    commit(sample_dir)
    here = sample_dir.parent
    mentes(sample_dir, "letters", "--to", str(here / "L1"))
    first = email.message_from_bytes((here / "L1" / f"{TRAJECT}-planned.eml").read_bytes())
    told = next(
        p.get_payload(decode=True) for p in first.walk() if p.get_content_type() == "text/calendar"
    )
    if how == "cancelled":
        cancel_by_hand(sample_dir, TRAJECT, 3)
    else:
        path = sample_dir / "trajects.toml"
        text = path.read_text(encoding="utf-8")
        at, stop = visit_block(text, TRAJECT, 3)
        path.write_text(text[:at] + text[stop + 2 :], encoding="utf-8")
    mentes(sample_dir, "letters", "--to", str(here / "L2"))
    text, calendar = letter(here / "L2")
    assert "Cancelled:" in text and "Monday 18 January 2027" in text
    assert "  4. Monday 25 January 2027" in text  # the number the location was told
    old, new = events(told), events(calendar)
    assert set(new) == set(old)
    gone = [e for e in new.values() if e["status"] == "CANCELLED"]
    assert [e["summary"] for e in gone] == ["Coaching Gezinsopvang El Amrani (visit 3/8)"]
    assert all(e["summary"].endswith("/8)") for e in new.values())
    model: dict[str, dict] = {}
    merge(model, told)
    merge(model, calendar)
    assert len(model) == 7
    # Told once: the next run has nothing new to say.
    said = mentes(sample_dir, "letters", "--to", str(here / "L3")).stdout
    assert "No new letters" in said


def test_a_visit_deleted_by_hand_is_cancelled_in_the_coachs_calendar(sample_dir):
    """The records no longer know the deleted visit: the letters' memory does (its UID, day
    and number as told), and the coach's calendar cancels it from there."""
    commit(sample_dir)
    here = sample_dir.parent
    before = ics(sample_dir, "c1")
    mentes(sample_dir, "letters", "--to", str(here / "L1"))
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    at, stop = visit_block(text, TRAJECT, 3)
    path.write_text(text[:at] + text[stop + 2 :], encoding="utf-8")
    after = ics(sample_dir, "c2")
    old, new = events(before), events(after)
    assert set(new) == set(old)
    gone = [e for e in new.values() if e["status"] == "CANCELLED"]
    assert [(e["summary"], e["day"].isoformat()) for e in gone] == [
        ("Coaching Gezinsopvang El Amrani (visit 3/8)", "2027-01-18")
    ]
    assert all(e["summary"].endswith("/8)") for e in new.values())
    model: dict[str, dict] = {}
    merge(model, before)
    merge(model, after)
    assert sum(e["traject"] == TRAJECT for e in model.values()) == 7
    # After the change letter (which told the location it is cancelled), the coach's calendar
    # still cancels it: a coach who imports only a later file loses it too.
    mentes(sample_dir, "letters", "--to", str(here / "L2"))
    later = events(ics(sample_dir, "c3"))
    assert set(later) == set(new)
    for uid, event in later.items():
        assert event["status"] == new[uid]["status"] and event["summary"] == new[uid]["summary"]
        assert event["sequence"] >= new[uid]["sequence"]  # the letter's SEQUENCE: never down


def test_the_calendar_in_dutch(sample_dir):
    commit(sample_dir)
    cancel_by_hand(sample_dir, TRAJECT, 3)
    target = sample_dir.parent / "nl"
    said = mentes(sample_dir, "plan", *WINDOW, "--ics", str(target), lang="nl")
    summaries = [e["summary"] for e in events((target / f"{COACH}.ics").read_bytes()).values()]
    assert sorted(summaries)[:2] == [
        "Coaching Gezinsopvang El Amrani (bezoek 1/8)",
        "Coaching Gezinsopvang El Amrani (bezoek 2/8)",
    ]
    assert not any(s.endswith("/7)") for s in summaries)
    assert not english_left("\n".join(summaries))
    assert not english_left(said.output), said.output
