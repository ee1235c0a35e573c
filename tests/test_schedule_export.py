"""The schedule workbook: read back with openpyxl, cell by cell, and opened by LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import write_records
from mentes_cli.errors import OutputError
from mentes_cli.export.schedule import available_weeks, write_schedule
from mentes_cli.load.toml_records import load_toml_folder
from mentes_cli.models import Records
from mentes_cli.plan.model import Plan, Unplanned, Visit

ORGANISATIONS = """\
[[organisations]]
id = "ORG-1"
name = "Vzw Test"
email = "info@test.example"

[[organisations.locations]]
id = "LOC-1"
name = "Test Berchem"
care_type = "group"
subsidy_step = 2
ikt_places = 12
places = 28
postcode = "2600"

[[organisations]]
id = "ORG-2"
name = "Kinderopvang Kempen bv"

[[organisations.locations]]
id = "LOC-2"
name = "=1+2"
care_type = "family"
subsidy_step = 0
ikt_places = 0
places = 8
postcode = "2300"
"""

COACHES = """\
[[coaches]]
id = "C-01"
name = "An Peeters"
role = "coach"
fte = 0.8
workdays = ["mon", "tue", "wed", "thu"]

[[coaches]]
id = "C-02"
name = "Bart Aerts"
role = "coach"
fte = 0.2
workdays = ["mon", "wed"]

[[coaches]]
id = "C-03"
name = "Cas Idle"
role = "coach"
fte = 0.5
workdays = ["tue"]
"""

TRAJECTS = """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "coaching"
status = "approved"
theme = "warme interacties"

[[trajects]]
id = "T-2"
location = "LOC-2"
offer = "A"
status = "approved"

[[trajects]]
id = "T-3"
location = "LOC-1"
offer = "bvv-basis"
status = "approved"
requested_on = 2026-10-02
"""

VISIT_HEADERS = [
    "Datum",
    "Weekdag",
    "Begin",
    "Einde",
    "Coach",
    "Opvanglocatie",
    "Adres",
    "Organisator",
    "Traject",
    "Aanbod",
    "Bezoek",
    "Uren",
]


@pytest.fixture(autouse=True)
def dutch(monkeypatch):
    """The schedule workbook follows the language (SPEC 7): these tests read it in Dutch,
    the default; test_the_workbook_is_english_with_lang_en reads it in English."""
    monkeypatch.setenv("MENTES_LANG", "nl")


def small_records(folder: Path) -> Records:
    """Give two locations (one named "=1+2"), three coaches and three approved trajects."""
    return load_toml_folder(
        write_records(folder, organisations=ORGANISATIONS, coaches=COACHES, trajects=TRAJECTS)
    )


def small_plan() -> Plan:
    """Give a hand-made plan: T-1 (8 Tuesdays, C-01), T-2 (intake and 2 days, C-02), T-3 not."""
    coaching = [
        Visit(
            traject="T-1",
            location="LOC-1",
            coach="C-01",
            date=date(2027, 1, 12) + timedelta(weeks=n),
            start="08:30",
            hours=6.25,
        )
        for n in range(8)
    ]
    paid = [
        Visit(
            traject="T-2",
            location="LOC-2",
            coach="C-02",
            date=date(2027, 1, 11),
            start="10:00",
            hours=1,
            kind="intake",
        ),
        Visit(
            traject="T-2",
            location="LOC-2",
            coach="C-02",
            date=date(2027, 1, 13),
            start="08:30",
            hours=5.5,
        ),
        Visit(
            traject="T-2",
            location="LOC-2",
            coach="C-02",
            date=date(2027, 1, 20),
            start="08:30",
            hours=5,
        ),
    ]
    return Plan(
        start=date(2027, 1, 11),
        end=date(2027, 3, 7),
        visits=sorted(coaching + paid, key=lambda v: (v.date, v.coach, v.start)),
        unplanned=[
            Unplanned(
                traject="T-3",
                reasons=[
                    "no regional supporter (role support) serves 2600 Berchem",
                    "=SUM(A1) is not a reason but must stay text",
                ],
            )
        ],
    )


@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    target = tmp_path / "planning.xlsx"
    write_schedule(small_plan(), small_records(tmp_path / "records"), target)
    return target


def rows_of(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(values_only=True)]


def test_sheets_in_order(workbook_path):
    book = load_workbook(workbook_path)
    assert book.sheetnames == [
        "Bezoeken",
        "Weekoverzicht",
        "Capaciteit",
        "Trajecten",
        "Niet gepland",
        "An Peeters (C-01)",
        "Bart Aerts (C-02)",
    ]


def test_visits_sheet_headers_and_a_visit_row(workbook_path):
    sheet = load_workbook(workbook_path)["Bezoeken"]
    rows = rows_of(sheet)
    assert list(rows[0]) == VISIT_HEADERS
    assert len(rows) == 1 + 11
    second = next(r for r in rows[1:] if r[0] == datetime(2027, 1, 19))
    assert list(second) == [
        datetime(2027, 1, 19),
        "dinsdag",
        time(8, 30),
        time(14, 45),
        "An Peeters",
        "Test Berchem",
        "2600 Berchem (Antwerpen)",
        "Vzw Test",
        "T-1",
        "Pedagogische coaching (gratis)",
        "Bezoek 2 van 8",
        6.25,
    ]
    date_cell = sheet.cell(row=rows.index(second) + 1, column=1)
    assert isinstance(date_cell.value, datetime)
    assert date_cell.number_format == "dd/mm/yyyy"
    assert sheet.cell(row=rows.index(second) + 1, column=12).data_type == "n"


def test_visits_sorted_by_date_start_and_coach_with_the_intake(workbook_path):
    rows = rows_of(load_workbook(workbook_path)["Bezoeken"])[1:]
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert rows[0][:3] == (datetime(2027, 1, 11), "maandag", time(10, 0))
    assert rows[0][10] == "Intake"
    assert rows[0][6] == "2300 Turnhout"
    # 13 January: C-02 alone; 12 January before it
    assert [r[4] for r in rows[1:3]] == ["An Peeters", "Bart Aerts"]


def test_record_text_that_looks_like_a_formula_stays_text(workbook_path):
    book = load_workbook(workbook_path)
    for name in ("Bezoeken", "Bart Aerts (C-02)", "Trajecten"):
        cells = [c for row in book[name].iter_rows() for c in row if c.value == "=1+2"]
        assert cells, name
        for cell in cells:
            assert cell.data_type == "s"
            assert cell.quotePrefix
    reason = book["Niet gepland"]["F3"]
    assert reason.value == "=SUM(A1) is not a reason but must stay text"
    assert reason.data_type == "s"


@pytest.mark.parametrize(
    ("name", "stored", "prefixed"),
    [
        ("#N/A", "#N/A", False),
        ("#REF!", "#REF!", False),
        ("=", "=", True),
        ("@SUM(1)", "@SUM(1)", True),
        ("-5", "-5", True),
        ("+32 3 123", "+32 3 123", True),
        ("tab\there", "tab\there", False),
        ("bel\x07", "bel\N{REPLACEMENT CHARACTER}", False),
        ("two\r\nlines", "two\nlines", False),
        ("odd\ufffe", "odd\N{REPLACEMENT CHARACTER}", False),
    ],
)
def test_hostile_location_names_are_text(tmp_path, name, stored, prefixed):
    folder = tmp_path / "records"
    escaped = name.encode("unicode_escape").decode().replace("\\x", "\\u00")
    write_records(
        folder,
        organisations=ORGANISATIONS.replace('name = "=1+2"', f'name = "{escaped}"'),
        coaches=COACHES,
        trajects=TRAJECTS,
    )
    target = tmp_path / "out.xlsx"
    write_schedule(small_plan(), load_toml_folder(folder), target)
    book = load_workbook(target)
    # the intake at LOC-2 comes first on the visits sheet, and on Bart Aerts' sheet
    for cell in (book["Bezoeken"]["F2"], book["Bart Aerts (C-02)"]["E2"], book["Trajecten"]["B3"]):
        assert cell.data_type == "s"
        assert cell.value == stored
        assert bool(cell.quotePrefix) == prefixed


def test_coach_sheet_in_date_order_with_total(workbook_path):
    sheet = load_workbook(workbook_path)["An Peeters (C-01)"]
    rows = rows_of(sheet)
    assert rows[0] == tuple(h for h in VISIT_HEADERS if h != "Coach")
    visits = rows[1:9]
    assert [r[0] for r in visits] == sorted(r[0] for r in visits)
    assert [r[9] for r in visits] == [f"Bezoek {n} van 8" for n in range(1, 9)]
    assert rows[9][0] == "Totaal"
    assert rows[9][-1] == 50
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:K9"


def test_frozen_header_filters_and_print_setup(workbook_path):
    book = load_workbook(workbook_path)
    expected = {
        "Bezoeken": ("B2", "A1:L12"),
        "Weekoverzicht": ("C2", "A1:F9"),
        "Capaciteit": ("B2", "A1:J4"),
        "Trajecten": ("B2", "A1:J3"),
        "Niet gepland": ("B2", "A1:F3"),
    }
    for name, (panes, ref) in expected.items():
        sheet = book[name]
        assert (sheet.freeze_panes, sheet.auto_filter.ref) == (panes, ref), name
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # One page wide: XlsxWriter leaves out fitToWidth="1", the attribute's default.
        assert (sheet.page_setup.fitToWidth or 1) == 1
        assert sheet.print_title_rows == "$1:$1"
    widths = book["Bezoeken"].column_dimensions
    # A long address wraps in its column instead of widening the printed page (about 7 pt).
    assert len("2600 Berchem (Antwerpen)") > widths["G"].width >= 20
    assert book["Bezoeken"]["G2"].alignment.wrap_text
    assert widths["A"].width >= 10


def test_week_grid_shows_capacity_and_marks_an_overfull_week(workbook_path):
    sheet = load_workbook(workbook_path)["Weekoverzicht"]
    rows = rows_of(sheet)
    assert rows[0][:6] == (
        "Week",
        "Maandag",
        "An Peeters\n24 u/week",
        "Bart Aerts\n6 u/week",
        "Cas Idle\n15 u/week",
        "Totaal",
    )
    # 2027-W02: An 6.25 h; Bart 1 h intake + 5.5 h = 6.5 h, over his 6 h
    assert rows[1][:6] == ("2027-W02", datetime(2027, 1, 11), 6.25, 6.5, None, 12.75)
    assert rows[2][:4] == ("2027-W03", datetime(2027, 1, 18), 6.25, 5)
    assert sheet["D2"].fill.fgColor.rgb.endswith("F4C7C3")
    assert sheet["D2"].font.bold
    assert not sheet["D3"].fill.fgColor.rgb.endswith("F4C7C3")
    assert [r[0] for r in rows[1:9]] == [f"2027-W{n:02d}" for n in range(2, 10)]
    assert rows[9][:6] == ("Totaal", None, 50, 11.5, None, 61.5)


def test_capacity_against_planned_hours(workbook_path):
    rows = rows_of(load_workbook(workbook_path)["Capaciteit"])
    assert rows[0][:10] == (
        "Coach",
        "Id",
        "Rol",
        "VTE",
        "Uren per week",
        "Beschikbare weken",
        "Capaciteit (u)",
        "Gepland (u)",
        "Bezoekdagen",
        "Gebruikt",
    )
    an = rows[1]
    # 11 Jan - 7 Mar 2027: 8 weeks of mon-thu without a holiday: 0.8 x 30 x 8 = 192 h
    assert an[:9] == ("An Peeters", "C-01", "pedagogisch coach", 0.8, 24, 8, 192, 50, 8)
    assert an[9] == pytest.approx(50 / 192)
    idle = rows[3]
    assert idle[0] == "Cas Idle"
    assert idle[7:10] == (0, 0, 0)
    assert rows[4][0] == "Totaal"
    assert rows[4][7] == 61.5
    assert "Capaciteit = VTE" in rows[6][0]


def test_available_weeks_leave_out_leave_and_public_holidays():
    from mentes_cli.models import Coach

    coach = Coach(
        id="C",
        name="C",
        role="coach",
        fte=1.0,
        workdays=["mon", "tue", "wed", "thu"],
        leave=[{"start": date(2027, 3, 22), "end": date(2027, 3, 26)}],
    )
    # 15 March - 11 April 2027: 16 workdays, minus 4 on leave, minus Easter Monday 29 March
    assert available_weeks(coach, date(2027, 3, 15), date(2027, 4, 11)) == 11 / 4


def test_traject_summary(workbook_path):
    rows = rows_of(load_workbook(workbook_path)["Trajecten"])
    assert rows[0] == (
        "Traject",
        "Opvanglocatie",
        "Organisator",
        "Aanbod",
        "Coach",
        "Intake",
        "Eerste dag",
        "Laatste dag",
        "Dagen",
        "Uren",
    )
    assert rows[1] == (
        "T-1",
        "Test Berchem",
        "Vzw Test",
        "Pedagogische coaching (gratis)",
        "An Peeters",
        None,
        datetime(2027, 1, 12),
        datetime(2027, 3, 2),
        8,
        50,
    )
    assert rows[2][0] == "T-2"
    assert rows[2][5:] == (
        datetime(2027, 1, 11),
        datetime(2027, 1, 13),
        datetime(2027, 1, 20),
        2,
        10.5,
    )


def test_unplanned_one_row_per_reason(workbook_path):
    sheet = load_workbook(workbook_path)["Niet gepland"]
    rows = rows_of(sheet)
    assert rows[0] == (
        "Traject",
        "Opvanglocatie",
        "Organisator",
        "Aanbod",
        "Aangevraagd op",
        "Reden",
    )
    assert rows[1] == (
        "T-3",
        "Test Berchem",
        "Vzw Test",
        "BVV basistraject (gratis)",
        datetime(2026, 10, 2),
        "no regional supporter (role support) serves 2600 Berchem",
    )
    assert rows[2][0] == "T-3"
    assert sheet["F2"].alignment.wrap_text


def test_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "planning.xlsx"
    target.write_bytes(b"old")
    records = small_records(tmp_path / "records")
    with pytest.raises(OutputError) as caught:
        write_schedule(small_plan(), records, target)
    # In Dutch, as every test of this file runs (the fixture `dutch`).
    assert str(caught.value) == f"{target}: bestaat al; gebruik --force om het te vervangen"
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    write_schedule(small_plan(), records, target, force=True)
    assert load_workbook(target).sheetnames[0] == "Bezoeken"


def test_never_writes_over_an_input_even_with_force(tmp_path):
    records = small_records(tmp_path / "records")
    source = tmp_path / "records.xlsx"
    source.write_bytes(b"the coordinator's records")
    with pytest.raises(OutputError) as caught:
        write_schedule(small_plan(), records, source, force=True, inputs=[source])
    assert str(caught.value) == (
        f"{source}: is een invoer van deze opdracht; kies een ander uitvoerbestand"
    )
    assert source.read_bytes() == b"the coordinator's records"


def test_refuses_a_missing_folder(tmp_path):
    records = small_records(tmp_path / "records")
    with pytest.raises(OutputError) as caught:
        write_schedule(small_plan(), records, tmp_path / "nope" / "planning.xlsx")
    assert str(caught.value) == f"{tmp_path / 'nope'}: die map bestaat niet"


def test_plan_with_warnings_unknown_coach_and_odd_names(tmp_path):
    records = small_records(tmp_path / "records")
    plan = small_plan().model_copy(
        update={
            "visits": [
                *small_plan().visits,
                Visit(
                    traject="T-9",
                    location="LOC-9",
                    coach="X/[1]",
                    date=date(2027, 2, 1),
                    start="09:00",
                    hours=2,
                ),
            ],
            "warnings": ["two free coaching trajects for LOC-1"],
        }
    )
    target = tmp_path / "out.xlsx"
    write_schedule(plan, records, target)
    book = load_workbook(target)
    assert "Waarschuwingen" in book.sheetnames
    assert book["Waarschuwingen"]["A2"].value == "two free coaching trajects for LOC-1"
    assert book.sheetnames[-1] == "X--1-"
    row = next(r for r in rows_of(book["Bezoeken"]) if r[8] == "T-9")
    assert row[4:8] == ("X/[1]", "LOC-9", None, None)


def test_empty_plan_still_gives_every_sheet(tmp_path):
    records = small_records(tmp_path / "records")
    target = tmp_path / "empty.xlsx"
    write_schedule(Plan(start=date(2027, 1, 4), end=date(2027, 1, 10)), records, target)
    book = load_workbook(target)
    assert book.sheetnames == [
        "Bezoeken",
        "Weekoverzicht",
        "Capaciteit",
        "Trajecten",
        "Niet gepland",
    ]
    assert rows_of(book["Bezoeken"]) == [tuple(VISIT_HEADERS)]


def test_many_coaches_get_unique_sheet_titles(tmp_path):
    long = "Marie-Christine Van den Bossche-Vermeulen"
    coaches = "".join(
        f'[[coaches]]\nid = "C-{n}"\nname = "{long}"\nrole = "coach"\nfte = 1.0\n'
        'workdays = ["mon"]\n\n'
        for n in range(3)
    )
    folder = write_records(tmp_path / "records", organisations=ORGANISATIONS, coaches=coaches)
    records = load_toml_folder(folder)
    visits = [
        Visit(
            traject=f"T-{n}",
            location="LOC-1",
            coach=f"C-{n}",
            date=date(2027, 1, 11),
            start="08:30",
            hours=5,
        )
        for n in range(3)
    ]
    target = tmp_path / "out.xlsx"
    write_schedule(
        Plan(start=date(2027, 1, 11), end=date(2027, 1, 17), visits=visits), records, target
    )
    titles = load_workbook(target).sheetnames[5:]
    assert titles == [f"Marie-Christine Van den… (C-{n})" for n in range(3)]


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_opens_the_workbook(workbook_path, tmp_path):
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    result = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(workbook_path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "pdf" / "planning.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_start_that_is_no_time_stays_text(tmp_path):
    records = small_records(tmp_path / "records")
    plan = Plan(
        start=date(2027, 1, 4),
        end=date(2027, 1, 8),
        visits=[Visit(traject="T-1", location="LOC-1", coach="C-01", date=date(2027, 1, 5),
                      start="half negen", hours=6)],
    )  # fmt: skip
    target = tmp_path / "out.xlsx"
    write_schedule(plan, records, target)
    row = rows_of(load_workbook(target)["Bezoeken"])[1]
    assert row[2:4] == ("half negen", None)
