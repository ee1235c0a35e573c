"""Calendars that update (SPEC 9): the old file and then the new one, imported in order into a
calendar as RFC 5545 says a client merges them, give exactly the new plan.

The calendar model: events by UID; an event with a higher SEQUENCE (or the same, re-imported)
replaces the one held, an older one is ignored, and a CANCELLED one removes the appointment.
Every file is first checked strictly: CRLF lines of at most 75 octets, no parse errors, the
properties an event must have, and a VTIMEZONE for every TZID used.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from icalendar import Calendar

from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.export.ics import build_calendars
from mentes_cli.models import Records
from mentes_cli.plan.model import Moved, Plan, Visit

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
EPOCH = "1796083200"  # 2026-12-01 00:00 UTC


def mentes(records: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def add_leave(records: Path, coach: str, first: str, last: str) -> None:
    path = records / "coaches.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f'id = "{coach}"')
    end = text.find("[[coaches]]", start)
    end = len(text) if end < 0 else end
    line = f"leave = [ {{ start = {first}, end = {last} }} ]\n\n"
    path.write_text(text[:end].rstrip("\n") + "\n" + line + text[end:], encoding="utf-8")


def strict(data: bytes) -> Calendar:
    """Parse an .ics file strictly; fail on anything a careful client could stumble over."""
    assert data.endswith(b"\r\n")
    for line in data.split(b"\r\n")[:-1]:
        assert b"\n" not in line and b"\r" not in line, line
        assert len(line) <= 75, line
    calendar = Calendar.from_ical(data)
    for component in calendar.walk():
        assert not component.errors, (component.name, component.errors)
    assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
    zones = {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")}
    for event in calendar.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "STATUS", "SUMMARY"):
            assert name in event, name
        assert str(event["STATUS"]) in ("CONFIRMED", "CANCELLED")
        assert event.decoded("DTSTAMP").utcoffset().total_seconds() == 0
        assert event["DTSTART"].params["TZID"] in zones
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids)), "one event per UID in a file"
    return calendar


def traject_events(data: bytes, traject: str) -> dict[str, dict]:
    """Give a traject's events of a calendar (parsed strictly) by UID: day, status, sequence,
    summary and the description's last line ("moment")."""
    return {
        str(e["UID"]): {
            "day": e.decoded("DTSTART").date(),
            "status": str(e["STATUS"]),
            "sequence": int(e["SEQUENCE"]),
            "summary": str(e["SUMMARY"]),
            "moment": str(e["DESCRIPTION"]).splitlines()[-1],
        }
        for e in strict(data).walk("VEVENT")
        if f"Traject: {traject}" in str(e["DESCRIPTION"])
    }


def merge(model: dict[str, dict], data: bytes) -> None:
    """Import `data` into `model` (UID -> event) as a calendar client does (RFC 5545)."""
    for event in strict(data).walk("VEVENT"):
        uid = str(event["UID"])
        sequence = int(event.get("SEQUENCE", 0))
        held = model.get(uid)
        if held is not None and held["sequence"] > sequence:
            continue  # an older version: the client keeps what it has
        if str(event["STATUS"]) == "CANCELLED":
            model.pop(uid, None)
            continue
        traject = re.search(r"Traject: (\S+)", str(event["DESCRIPTION"]))[1]
        model[uid] = {
            "sequence": sequence,
            "traject": traject,
            "date": event.decoded("DTSTART").date(),
            "start": event.decoded("DTSTART").strftime("%H:%M"),
            "intake": str(event["SUMMARY"]).startswith("Intake call"),
        }


def appointments(model: dict[str, dict]) -> set[tuple]:
    return {
        (e["traject"], e["date"].isoformat(), e["start"], "intake" if e["intake"] else "visit")
        for e in model.values()
    }


def test_the_new_calendar_over_the_old_one_gives_the_new_plan(sample_dir: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    records = sample_dir
    mentes(records, "plan", *WINDOW, "--commit", "--ics", "old")
    add_leave(records, "C-02", "2027-02-15", "2027-02-19")
    second = mentes(records, "plan", *WINDOW, "--commit", "--ics", "new")
    assert "kept visits moved" in second.output
    new_plan = json.loads(mentes(records, "plan", *WINDOW, "--format", "json").stdout)
    assert new_plan["moved"] == []  # committed: nothing moves any more

    old_files = {p.name: p.read_bytes() for p in Path("old").glob("*.ics")}
    new_files = {p.name: p.read_bytes() for p in Path("new").glob("*.ics")}
    assert set(old_files) <= set(new_files)
    moved_uids = set()
    for name in sorted(new_files):
        model: dict[str, dict] = {}
        if name in old_files:
            merge(model, old_files[name])
            before = dict(model)
        merge(model, new_files[name])
        coach = name.removesuffix(".ics")
        wanted = {
            (v["traject"], v["date"], v["start"], v["kind"])
            for v in new_plan["visits"]
            if v["coach"] == coach
        }
        assert appointments(model) == wanted, coach
        moved_uids |= {
            uid for uid in model if uid in before and model[uid]["date"] != before[uid]["date"]
        }
        for uid in set(model) & set(before):
            if model[uid]["date"] != before[uid]["date"]:
                assert model[uid]["sequence"] == before[uid]["sequence"] + 1
    assert len(moved_uids) == 2, "the two C-02 visits on the leave moved, keeping their UID"

    # DTSTAMP is the moment of writing; the same records and moment give the same bytes.
    event = strict(new_files["C-02.ics"]).walk("VEVENT")[0]
    assert event.decoded("DTSTAMP").isoformat() == "2026-12-01T00:00:00+00:00"


def test_a_cancelled_traject_disappears_from_the_calendar(sample_dir: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    records = sample_dir
    mentes(records, "plan", *WINDOW, "--commit", "--ics", "old")
    mentes(records, "cancel", "T-2026-021", "--reason", "De locatie sluit.")
    mentes(records, "plan", *WINDOW, "--ics", "new")
    name = "C-02.ics"
    model: dict[str, dict] = {}
    merge(model, Path("old", name).read_bytes())
    assert any(e["traject"] == "T-2026-021" for e in model.values())
    merge(model, Path("new", name).read_bytes())
    assert not any(e["traject"] == "T-2026-021" for e in model.values())
    cancelled = [
        e
        for e in strict(Path("new", name).read_bytes()).walk("VEVENT")
        if str(e["STATUS"]) == "CANCELLED"
    ]
    assert cancelled and all(int(e["SEQUENCE"]) == 1 for e in cancelled)


def _records_with(coach: str, day: date, *, traject_coach: str = "C-01") -> Records:
    return Records.model_validate(
        {
            "organisations": [
                {
                    "id": "ORG-1",
                    "name": "Vzw Test",
                    "phone": "03 000 00 00",
                    "locations": [
                        {
                            "id": "LOC-1",
                            "name": "Test Berchem",
                            "care_type": "group",
                            "subsidy_step": 2,
                            "ikt_places": 12,
                            "places": 30,
                            "postcode": "2600",
                            "street": "Statiestraat 1",
                        }
                    ],
                }
            ],
            "coaches": [
                {"id": c, "name": c, "role": "coach", "fte": 1.0, "workdays": ["mon", "tue"]}
                for c in ("C-01", "C-02")
            ],
            "trajects": [
                {
                    "id": "T-1",
                    "location": "LOC-1",
                    "offer": "C",
                    "status": "planned",
                    "start": day,
                    "coach": traject_coach,
                    "visits": [
                        {
                            "number": 0,
                            "kind": "intake",
                            "date": date(2027, 1, 4),
                            "start": "09:00",
                            "hours": 1,
                            "coach": traject_coach,
                            "uid": "intake@mentes",
                        },
                        {
                            "number": 1,
                            "kind": "visit",
                            "date": day,
                            "start": "08:30",
                            "hours": 5,
                            "coach": coach,
                            "uid": "one@mentes",
                            "sequence": 0 if coach == traject_coach else 1,
                        },
                    ],
                }
            ],
        }
    )


def test_a_visit_moved_to_another_coach_leaves_the_old_calendar():
    before = _records_with("C-01", date(2027, 1, 11))
    after = _records_with("C-02", date(2027, 1, 12))
    plan = Plan(
        start=date(2027, 1, 4),
        end=date(2027, 1, 31),
        visits=[
            Visit(
                traject="T-1",
                location="LOC-1",
                coach="C-01",
                date=date(2027, 1, 4),
                start="09:00",
                hours=1,
                kind="intake",
            ),
            Visit(
                traject="T-1",
                location="LOC-1",
                coach="C-02",
                date=date(2027, 1, 12),
                start="08:30",
                hours=5,
            ),
        ],
        moved=[
            Moved(
                traject="T-1",
                coach="C-02",
                old_date=date(2027, 1, 11),
                new_date=date(2027, 1, 12),
                reason="leave",
            )
        ],
    )
    first = plan.visits[1].model_copy(update={"coach": "C-01", "date": date(2027, 1, 11)})
    old = build_calendars(
        Plan(start=plan.start, end=plan.end, visits=[plan.visits[0], first]), before
    )
    new = build_calendars(plan, after, before)
    assert set(new) == {"C-01", "C-02"}
    one, two = {}, {}
    merge(one, old["C-01"])
    assert "one@mentes" in one
    merge(one, new["C-01"])
    merge(two, new["C-02"])
    assert "one@mentes" not in one and "intake@mentes" in one
    assert two["one@mentes"]["date"] == date(2027, 1, 12) and two["one@mentes"]["sequence"] == 1
    # The intake call carries the phone to call; the visit the street, to route to.
    intake = strict(new["C-01"]).walk("VEVENT")[0]
    assert "Call: 03 000 00 00" in str(intake["DESCRIPTION"])
    visit = strict(new["C-02"]).walk("VEVENT")[0]
    assert str(visit["LOCATION"]) == "Test Berchem, Statiestraat 1, 2600 Berchem (Antwerpen)"
