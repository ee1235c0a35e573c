"""A committed traject that loses its LAST visit keeps "n of 8" in every calendar (SPEC 9).

The numbers of a traject that lost a visit in the middle already stayed "n/8"
(tests/test_incomplete_calendar.py): the highest live number said 8. When the lost visit is
the last one (cancelled or deleted by hand), the 7 live visits are numbered 1-7 and the count
fell back to 7: the coach's calendar and the letter's calendar said "visit 1/7" ... "7/7"
for a traject the location was told has 8 visits, next to a cancelled "8/8". Now the count is
the traject's shape (export.ics.shape_count): 7 coaching days of 6.25 h are 7 of the 8-day
shape, "of 8". The lost visit keeps its UID and comes out CANCELLED.
"""

from __future__ import annotations

import email
import json
from datetime import date, timedelta
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
from mentes_cli.export.ics import numbered_total, shape_count, told_total
from mentes_cli.load import DataSource, load_records
from mentes_cli.models import CommittedVisit, Traject
from test_calendar_updates import merge, traject_events

TRAJECT, COACH, LAST = "T-2026-023", "C-01", 8


def events(data: bytes) -> dict[str, dict]:
    """Give the traject's events of a calendar (parsed strictly) by UID."""
    return traject_events(data, TRAJECT)


def coach_calendar(records: Path, folder: str, lang: str | None = None) -> bytes:
    target = records.parent / folder
    mentes(records, "plan", *WINDOW, "--ics", str(target), lang=lang)
    return (target / f"{COACH}.ics").read_bytes()


def delete_by_hand(records: Path, traject: str, number: int) -> None:
    """Delete the [[trajects.visits]] block of a committed visit from trajects.toml."""
    path = records / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    at, stop = visit_block(text, traject, number)
    path.write_text(text[:at] + text[stop + 2 :], encoding="utf-8")


def lose_the_last(records: Path, how: str) -> None:
    if how == "cancelled":
        cancel_by_hand(records, TRAJECT, LAST)
    else:
        delete_by_hand(records, TRAJECT, LAST)


def calendar_of_letter(path: Path) -> bytes:
    message = email.message_from_bytes(path.read_bytes())
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return parts[0].get_payload(decode=True)


def the_last_uid(told: dict[str, dict]) -> str:
    return next(uid for uid, e in told.items() if e["summary"].endswith(f"(visit {LAST}/8)"))


def assert_of_8(new: dict[str, dict], old: dict[str, dict], *, moment: str = "Visit") -> None:
    """Every event says "n/8" (summary) and "n of 8" (description); the last one is
    CANCELLED with the UID it had; the 7 others are what they were."""
    last = the_last_uid(old)
    assert set(new) == set(old)  # nothing just disappears
    assert new[last]["status"] == "CANCELLED"
    assert new[last]["day"] == old[last]["day"]
    assert new[last]["sequence"] >= old[last]["sequence"]
    live = sorted((e for e in new.values() if e["status"] == "CONFIRMED"), key=lambda e: e["day"])
    assert len(live) == 7
    assert [e["summary"][-5:] for e in live] == [f" {n}/8)" for n in range(1, 8)]
    of = "of" if moment == "Visit" else "van"
    assert [e["moment"].split(",")[0] for e in live] == [
        f"{moment} {n} {of} 8" for n in range(1, 8)
    ]
    assert not any(e["summary"].endswith("/7)") for e in new.values())


# --- the coach's calendar (plan --ics) -----------------------------------------------------


def test_the_last_visit_cancelled_by_hand_keeps_the_coachs_calendar_of_8(sample_dir):
    commit(sample_dir)
    before = coach_calendar(sample_dir, "c1")
    old = events(before)
    assert len(old) == 8 and all(e["summary"].endswith("/8)") for e in old.values())
    lose_the_last(sample_dir, "cancelled")
    after = coach_calendar(sample_dir, "c2")
    new = events(after)
    assert_of_8(new, old)
    assert new[the_last_uid(old)]["summary"].endswith("(visit 8/8)")
    for uid, event in new.items():
        if event["status"] == "CONFIRMED":
            assert event == old[uid]  # the same event: nothing changes for the other 7
    # Imported over the older calendar: 7 appointments, the last one gone.
    model: dict[str, dict] = {}
    merge(model, before)
    merge(model, after)
    mine = {uid for uid, e in model.items() if e["traject"] == TRAJECT}
    assert len(mine) == 7 and the_last_uid(old) not in mine


def test_the_last_visit_deleted_by_hand_keeps_the_coachs_calendar_of_8(sample_dir):
    """The records no longer hold the deleted visit; the letters' memory does (its UID)."""
    commit(sample_dir)
    here = sample_dir.parent
    before = coach_calendar(sample_dir, "c1")
    mentes(sample_dir, "letters", "--to", str(here / "L1"))
    lose_the_last(sample_dir, "deleted")
    after = coach_calendar(sample_dir, "c2")
    old, new = events(before), events(after)
    assert_of_8(new, old)
    model: dict[str, dict] = {}
    merge(model, before)
    merge(model, after)
    assert sum(e["traject"] == TRAJECT for e in model.values()) == 7


def test_the_coachs_calendar_in_dutch(sample_dir):
    commit(sample_dir)
    old = events(coach_calendar(sample_dir, "c1"))
    lose_the_last(sample_dir, "cancelled")
    data = coach_calendar(sample_dir, "nl", lang="nl")
    new = events(data)
    assert set(new) == set(old)
    live = sorted((e for e in new.values() if e["status"] == "CONFIRMED"), key=lambda e: e["day"])
    assert [e["summary"] for e in live] == [
        f"Coaching Gezinsopvang El Amrani (bezoek {n}/8)" for n in range(1, 8)
    ]
    assert [e["moment"].split(",")[0] for e in live] == [f"Bezoek {n} van 8" for n in range(1, 8)]
    last = the_last_uid(old)
    assert new[last]["status"] == "CANCELLED"
    assert new[last]["summary"] == "Coaching Gezinsopvang El Amrani (bezoek 8/8)"
    assert not english_left("\n".join(e["summary"] for e in new.values()))


# --- the letter's calendar (mentes letters) ------------------------------------------------


@pytest.mark.parametrize("how", ["cancelled", "deleted"])
def test_the_change_letter_cancels_the_last_visit_and_keeps_the_numbers(sample_dir, how):
    commit(sample_dir)
    here = sample_dir.parent
    mentes(sample_dir, "letters", "--to", str(here / "L1"))
    told = events(calendar_of_letter(here / "L1" / f"{TRAJECT}-planned.eml"))
    assert len(told) == 8
    lose_the_last(sample_dir, how)
    mentes(sample_dir, "letters", "--to", str(here / "L2"))
    letter = here / "L2" / f"{TRAJECT}-changed.eml"
    new = events(calendar_of_letter(letter))
    assert_of_8(new, told)
    assert new[the_last_uid(told)]["summary"].endswith("(visit 8/8)")
    text = next(
        p.get_payload(decode=True).decode()
        for p in email.message_from_bytes(letter.read_bytes()).walk()
        if p.get_content_type() == "text/plain"
    )
    assert "Cancelled:" in text
    # And the coach's calendar of the same records says the same.
    coach = events(coach_calendar(sample_dir, "c"))
    assert {uid: e["summary"] for uid, e in coach.items()} == {
        uid: e["summary"] for uid, e in new.items()
    }


def test_the_change_letter_in_dutch(sample_dir):
    commit(sample_dir)
    here = sample_dir.parent
    mentes(sample_dir, "letters", "--to", str(here / "L1"))
    told = events(calendar_of_letter(here / "L1" / f"{TRAJECT}-planned.eml"))
    lose_the_last(sample_dir, "deleted")
    mentes(sample_dir, "letters", "--to", str(here / "L2"), lang="nl")
    new = events(calendar_of_letter(here / "L2" / f"{TRAJECT}-changed.eml"))
    assert set(new) == set(told)
    assert new[the_last_uid(told)]["status"] == "CANCELLED"
    assert all(e["summary"].endswith("/8)") for e in new.values())
    assert sorted(e["moment"].split(",")[0] for e in new.values())[:2] == [
        "Bezoek 1 van 8",
        "Bezoek 2 van 8",
    ]


# --- the inbox counts the same -------------------------------------------------------------


def test_the_inbox_says_7_of_8_when_the_last_visit_was_deleted(sample_dir):
    commit(sample_dir)
    lose_the_last(sample_dir, "deleted")
    rows = json.loads(mentes(sample_dir, "trajects", "--format", "json").stdout)["trajects"]
    row = next(r for r in rows if r["traject"] == TRAJECT)
    assert (row["incomplete"], row["visits_planned"], row["visits_told"]) == (True, 7, 8)
    said = mentes(sample_dir, "trajects").stdout
    assert "incomplete: 7 of 8 visits planned" in " ".join(said.split())


# --- the shape's count ---------------------------------------------------------------------


def coaching(*hours: float) -> Traject:
    """Give a planned coaching traject with one live visit of each of `hours`, a week apart."""
    visits = [
        CommittedVisit(
            number=n,
            kind="visit",
            date=date(2027, 1, 4) + timedelta(weeks=n - 1),
            start="09:00",
            hours=h,
            coach="C-01",
            state="planned",
            uid=f"u{n}@mentes",
        )
        for n, h in enumerate(hours, start=1)
    ]
    return Traject(
        id="T-2026-950",
        location="LOC-001",
        offer="coaching",
        status="planned",
        start=visits[0].date,
        end=visits[-1].date,
        coach="C-01",
        visits=visits,
    )


def test_the_count_is_the_shape_the_live_visits_belong_to(sample_dir):
    load_records(DataSource(sample_dir, "test"))  # the sample's price lists
    eight = coaching(*[6.25] * 8)
    assert (shape_count(eight), numbered_total(eight)) == (8, 8)
    lost = coaching(*[6.25] * 7)  # 8 days of 6.25 h, the last one gone
    assert (shape_count(lost), numbered_total(lost), told_total(lost)) == (8, 8, 8)
    # Coaching's 7-day shape (4 x 7.25 h and 3 x 7 h) is whole with 7: "of 7" stays.
    seven = coaching(7.25, 7.25, 7.25, 7.25, 7, 7, 7)
    assert (shape_count(seven), numbered_total(seven)) == (7, 7)
    short = coaching(7.25, 7.25, 7.25, 7.25, 7, 7)  # ... and that one lost its last: of 7
    assert (shape_count(short), numbered_total(short)) == (7, 7)
    # Hours changed by hand fit no shape: the count is the visits' own, as before.
    odd = coaching(5, 5, 5)
    assert (shape_count(odd), numbered_total(odd)) == (None, 3)


def test_the_schedule_workbook_counts_the_same(sample_dir):
    from openpyxl import load_workbook

    commit(sample_dir)
    lose_the_last(sample_dir, "deleted")
    book = sample_dir.parent / "schedule.xlsx"
    mentes(sample_dir, "plan", *WINDOW, "--output", str(book))
    labels = [
        cell
        for row in load_workbook(book)["An Peeters (C-01)"].iter_rows(values_only=True)
        if TRAJECT in row
        for cell in row
        if isinstance(cell, str) and cell.startswith("Visit ")
    ]
    assert labels == [f"Visit {n} of 8" for n in range(1, 8)]


def test_a_data_folders_own_tariffs_give_its_shapes(tmp_path):
    """The shapes are read again for another --data folder's tariffs.toml (not kept from
    the bundled one)."""
    from mentes_cli.reference import bundled_data_dir, set_override_dir

    nine = coaching(*[5] * 9)
    assert (shape_count(nine), numbered_total(nine)) == (None, 9)  # 50 h over 8 or 7 days
    folder = tmp_path / "own"
    folder.mkdir()
    text = (bundled_data_dir() / "tariffs.toml").read_text(encoding="utf-8")
    assert text.count("days = [8, 7]") == 1
    own = text.replace("days = [8, 7]", "days = [10]")
    (folder / "tariffs.toml").write_text(own, encoding="utf-8")
    set_override_dir(folder)
    try:
        assert (shape_count(nine), numbered_total(nine)) == (10, 10)  # 10 days of 5 h
    finally:
        set_override_dir(None)
    assert shape_count(nine) is None
