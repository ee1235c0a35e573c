"""The coaches' calendars: one .ics per coach, parsed back with icalendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from mentes_cli.errors import InputError, OutputError
from mentes_cli.export.ics import calendar_file_names, write_calendars
from mentes_cli.plan.model import Plan, Visit
from test_schedule_export import small_plan, small_records

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def records(tmp_path: Path):
    return small_records(tmp_path / "records")


def events_of(path: Path) -> list:
    calendar = Calendar.from_ical(path.read_bytes())
    return [c for c in calendar.walk("VEVENT")]


def test_one_file_per_coach_with_visits(tmp_path, records):
    written = write_calendars(small_plan(), records, tmp_path / "ics")
    assert [p.name for p in written] == ["C-01.ics", "C-02.ics"]
    assert sorted(p.name for p in (tmp_path / "ics").iterdir()) == ["C-01.ics", "C-02.ics"]
    assert len(events_of(written[0])) == 8
    assert len(events_of(written[1])) == 3


def test_event_times_summary_and_location(tmp_path, records, monkeypatch):
    monkeypatch.setenv("MENTES_LANG", "nl")  # what a coach reads follows the language
    written = write_calendars(small_plan(), records, tmp_path / "ics")
    calendar = Calendar.from_ical(written[0].read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "Planning An Peeters"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    # the whole year's summer and winter time, also for a plan of January only
    assert len(calendar.walk("DAYLIGHT")) == 1
    second = events_of(written[0])[1]
    assert str(second["SUMMARY"]) == "Coaching Test Berchem (bezoek 2/8)"
    assert str(second["LOCATION"]) == "Test Berchem, 2600 Berchem (Antwerpen)"
    assert second["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert second.decoded("DTSTART") == datetime(2027, 1, 19, 8, 30, tzinfo=BRUSSELS)
    assert second.decoded("DTEND") == datetime(2027, 1, 19, 14, 45, tzinfo=BRUSSELS)
    description = str(second["DESCRIPTION"])
    assert "Traject: T-1" in description
    assert "Thema: warme interacties" in description
    assert "Bezoek 2 van 8, 6,25 uur" in description


def test_the_calendars_speak_english_in_an_english_run(tmp_path, records):
    written = write_calendars(small_plan(), records, tmp_path / "ics")
    second = events_of(written[0])[1]
    assert str(second["SUMMARY"]) == "Coaching Test Berchem (visit 2/8)"
    description = str(second["DESCRIPTION"])
    assert "Theme: warme interacties" in description
    assert "Visit 2 of 8, 6.25 h" in description
    intake = events_of(written[1])[0]
    assert str(intake["SUMMARY"]) == "Intake call =1+2 (by phone)"
    assert str(intake["DESCRIPTION"]).endswith("Intake call, 1 h")


def test_intake_is_a_phone_call_without_address(tmp_path, records, monkeypatch):
    monkeypatch.setenv("MENTES_LANG", "nl")
    written = write_calendars(small_plan(), records, tmp_path / "ics")
    intake = events_of(written[1])[0]
    assert str(intake["SUMMARY"]) == "Intakegesprek =1+2 (telefonisch)"
    assert "LOCATION" not in intake
    assert intake.decoded("DTSTART") == datetime(2027, 1, 11, 10, 0, tzinfo=BRUSSELS)
    assert intake.decoded("DTEND") - intake.decoded("DTSTART") == timedelta(hours=1)
    assert "E-mail" not in str(intake["DESCRIPTION"])  # Kinderopvang Kempen has none


def test_summer_time_keeps_the_local_hour(tmp_path, records):
    plan = Plan(
        start=date(2027, 7, 1),
        end=date(2027, 7, 31),
        visits=[Visit(traject="T-1", location="LOC-1", coach="C-01", date=date(2027, 7, 6),
                      start="08:30", hours=6.25)],
    )  # fmt: skip
    (path,) = write_calendars(plan, records, tmp_path / "ics")
    start = events_of(path)[0].decoded("DTSTART")
    assert start.astimezone(ZoneInfo("UTC")).hour == 6  # 08:30 CEST
    assert b"DTSTART;TZID=Europe/Brussels:20270706T083000" in path.read_bytes()


def test_same_plan_gives_the_same_bytes(tmp_path, records, monkeypatch):
    # DTSTAMP is the moment of writing (SPEC 9); SOURCE_DATE_EPOCH fixes it.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1793750400")  # 2026-11-04 00:00 UTC
    first = write_calendars(small_plan(), records, tmp_path / "a")
    second = write_calendars(small_plan(), records, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    stamps = {str(e["DTSTAMP"].to_ical(), "ascii") for e in events_of(first[0])}
    assert stamps == {"20261104T000000Z"}


def test_uids_are_unique_and_stable(tmp_path, records):
    (path, _) = write_calendars(small_plan(), records, tmp_path / "ics")
    uids = [str(e["UID"]) for e in events_of(path)]
    assert len(set(uids)) == 8
    assert all(uid.endswith("@mentes") for uid in uids)
    moved = small_plan().model_copy(
        update={"visits": [v for v in small_plan().visits if v.date != date(2027, 1, 12)]}
    )
    (again, _) = write_calendars(moved, records, tmp_path / "moved")
    assert [str(e["UID"]) for e in events_of(again)] == uids[1:]


def test_refuses_to_overwrite_and_writes_nothing(tmp_path, records):
    folder = tmp_path / "ics"
    folder.mkdir()
    (folder / "C-02.ics").write_bytes(b"old")
    with pytest.raises(OutputError) as caught:
        write_calendars(small_plan(), records, folder)
    assert str(caught.value) == f"{folder / 'C-02.ics'}: exists already; use --force to replace it"
    assert sorted(p.name for p in folder.iterdir()) == ["C-02.ics"]
    assert (folder / "C-02.ics").read_bytes() == b"old"
    write_calendars(small_plan(), records, folder, force=True)
    assert len(events_of(folder / "C-02.ics")) == 3


def test_creates_the_folder_and_says_so(tmp_path, records):
    said: list[str] = []
    folder = tmp_path / "out" / "ics"
    write_calendars(small_plan(), records, folder, notify=said.append)
    assert said == [f"Created folder {folder} for the calendars."]
    said.clear()
    write_calendars(small_plan(), records, folder, force=True, notify=said.append)
    assert said == []


def test_a_file_in_place_of_the_folder_is_refused(tmp_path, records):
    (tmp_path / "ics").write_text("x")
    with pytest.raises(OutputError) as caught:
        write_calendars(small_plan(), records, tmp_path / "ics")
    assert str(caught.value) == f"{tmp_path / 'ics'}: is a file; give a folder for the calendars"


def test_an_empty_plan_writes_nothing(tmp_path, records):
    folder = tmp_path / "ics"
    assert (
        write_calendars(Plan(start=date(2027, 1, 4), end=date(2027, 1, 8)), records, folder) == []
    )
    assert not folder.exists()


def test_file_names_are_safe_and_distinct():
    names = calendar_file_names(["C-01", "../etc/passwd", "Coach É", "coach e", "CON", "c-01"])
    assert names["C-01"] == "C-01.ics"
    assert names["../etc/passwd"] == "etc_passwd.ics"
    assert names["CON"] == "CON_.ics"
    assert len({n.casefold() for n in names.values()}) == len(names)
    assert all("/" not in n and "\\" not in n for n in names.values())
    assert {names["Coach É"], names["coach e"]} == {"Coach_E.ics", "coach_e-2.ics"}


def test_bvv_contact_moments_are_called_so(tmp_path, records, monkeypatch):
    monkeypatch.setenv("MENTES_LANG", "nl")
    visits = [
        Visit(traject="T-3", location="LOC-1", coach="C-03", date=date(2027, 1, 5 + 14 * n),
              start="08:30", hours=3)
        for n in range(2)
    ]  # fmt: skip
    plan = Plan(start=date(2027, 1, 4), end=date(2027, 2, 28), visits=visits)
    (path,) = write_calendars(plan, records, tmp_path / "ics")
    last = events_of(path)[1]
    assert str(last["SUMMARY"]) == "Ondersteuning Test Berchem (contactmoment 2/2)"
    assert str(last["DESCRIPTION"]).endswith("Contactmoment 2 van 2, 3 uur")


def test_a_start_that_is_no_time_is_an_input_error(tmp_path, records):
    plan = Plan(
        start=date(2027, 1, 4),
        end=date(2027, 1, 8),
        visits=[Visit(traject="T-1", location="LOC-1", coach="C-01", date=date(2027, 1, 5),
                      start="half negen", hours=6)],
    )  # fmt: skip
    with pytest.raises(InputError) as caught:
        write_calendars(plan, records, tmp_path / "ics")
    assert str(caught.value) == (
        "plan, traject T-1, 2027-01-05: start 'half negen' is not a time (HH:MM)"
    )
    assert not (tmp_path / "ics").exists()
