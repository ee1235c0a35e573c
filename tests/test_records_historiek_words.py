"""The sheet Historiek of a record workbook says what the coordinator sees (review 2, finding
24): the field as the workbook's header (*Status*, *Bezoek 6: Datum*), a status or a visit's
state in the sheets' Dutch words, dates as dates and the moment as a date-time in the centre's
time, in both languages alike (the record workbook is a record, SPEC 7). Read back, every row
gives the entry exactly as history.toml keeps it (English keys and codes, ISO 8601 in UTC),
so letters, calendars, `mentes history` and import read the same history from both forms."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import background
from cli_runner import CliRunner
from english import english_left
from mentes_cli import i18n
from mentes_cli.cli import app
from mentes_cli.export.records_xlsx import write_records_workbook
from mentes_cli.load import DataSource, load_records
from mentes_cli.load import vocabulary as vocab
from mentes_cli.records import RecordStore
from mentes_cli.records.history import (
    WHEN_FORMAT,
    WHOLE_TRAJECT,
    HistoryEntry,
    field_in_sheet,
    field_of_sheet,
    read_history_rows,
    visit_field,
)
from mentes_cli.records.workbook_form import history_rows, write_history_sheet
from mentes_cli.reference import sample_records_dir

runner = CliRunner()
EPOCH = "1799050800"  # 2027-01-04 08:20:00 UTC: 09:20 in Brussels (winter time)


@pytest.fixture(autouse=True)
def _language_back():
    yield
    i18n.set_language(None)


def sheet_bytes(entries: list[HistoryEntry]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    write_history_sheet(workbook, entries)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_back(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    return read_history_rows(history_rows(sheet_bytes(entries), "h.xlsx"))


# --- the words --------------------------------------------------------------------------------


def test_each_field_is_named_by_the_workbook_header_and_read_back():
    fields = {column.key: column.header for column in vocab.TRAJECTS.columns}
    for key, header in fields.items():
        assert field_in_sheet(key) == header
        assert field_of_sheet(header) == key
        assert field_of_sheet(key) == key  # a row of an earlier mentes
    visits = {
        column.key: column.header for column in vocab.VISITS.columns if column.key != "traject"
    }
    for key, header in visits.items():
        assert field_in_sheet(visit_field(6, key)) == f"Bezoek 6: {header}"
        assert field_in_sheet(visit_field(0, key)) == f"Intake: {header}"
        for number in (0, 6, 12):
            shown = field_in_sheet(visit_field(number, key))
            assert field_of_sheet(shown) == visit_field(number, key)
    assert field_in_sheet(visit_field(3)) == "Bezoek 3"
    assert field_of_sheet("Bezoek 3") == "visits.3"
    assert (field_in_sheet("visits"), field_of_sheet("Bezoeken")) == ("Bezoeken", "visits")
    assert (field_in_sheet(WHOLE_TRAJECT), field_of_sheet("Traject")) == ("Traject", "traject")
    # Every shown field is unique: no two fields read back as one.
    every = [*fields, *(visit_field(n, k) for n in (0, 1, 2) for k in visits), "visits"]
    shown = [field_in_sheet(f) for f in [*every, WHOLE_TRAJECT, "visits.1", "visits.0"]]
    assert len(set(shown)) == len(shown)
    # A field mentes does not know stays as it is, both ways.
    assert field_in_sheet("something.else") == "something.else"
    assert field_of_sheet("Mijn notitie") == "Mijn notitie"


STAMP = "2027-01-04T08:20:00+00:00"


def entry(field: str, old: str, new: str, when: str = STAMP) -> HistoryEntry:
    return HistoryEntry(when, "an", "approve T-2027-001", "T-2027-001", field, old, new)


EXAMPLES = [
    entry("status", "requested", "approved"),
    entry(WHOLE_TRAJECT, "", "requested"),
    entry("coach", "", "C-01"),
    entry("theme", "gepland", "=1+1"),  # text stays text, even a status word or a formula
    entry("requested_on", "2026-12-01", "2027-01-04"),
    entry("domains", "", "Pedagogisch beleid; Toegankelijkheid"),
    entry("contact_moments", "2", "3"),
    entry("visits", "0", "8"),
    entry("visits.6", "", "2027-02-16"),
    entry("visits.6.date", "2027-02-16", "2027-02-23"),
    entry("visits.6.state", "planned", "done"),
    entry("visits.0.kind", "visit", "intake"),
    entry("visits.2.start", "08:30", "09:00"),
    entry("visits.2.hours", "5", "4.5"),
    entry("visits.2.sequence", "0", "1"),
    entry("visits.2.uid", "", "t1-2@mentes"),
    entry("reason", "", "dubbel"),
    entry("not.a.field", "x", "y"),
    entry("start", "", "not a date"),
]


def test_a_history_round_trips_through_the_sheet_exactly():
    assert read_back(EXAMPLES) == EXAMPLES


def test_the_sheet_shows_the_workbook_words_dates_and_the_centre_time():
    sheet = openpyxl.load_workbook(io.BytesIO(sheet_bytes(EXAMPLES)))["Historiek"]
    rows = {row[4].value: row for row in sheet.iter_rows(min_row=2)}
    when = rows["Status"][0]
    assert when.value == datetime(2027, 1, 4, 9, 20) and when.number_format == WHEN_FORMAT
    assert when.alignment.horizontal == "left"  # as the text beside it
    assert [c.value for c in rows["Status"][5:]] == ["aangevraagd", "goedgekeurd"]
    assert [c.value for c in rows["Traject"][5:]] == [None, "aangevraagd"]
    assert [c.value for c in rows["Bezoek 6: Status"][5:]] == ["gepland", "gedaan"]
    assert [c.value for c in rows["Intake: Soort"][5:]] == ["bezoek", "intake"]
    requested = rows["Aangevraagd op"][6]
    assert requested.value == datetime(2027, 1, 4) and requested.number_format == "DD/MM/YYYY"
    assert rows["Bezoek 6: Datum"][6].value == datetime(2027, 2, 23)
    assert rows["Bezoek 6"][6].value == datetime(2027, 2, 16)
    assert [c.value for c in rows["Thema"][5:]] == ["gepland", "=1+1"]
    assert rows["Thema"][6].data_type == "s" and rows["Thema"][6].quotePrefix
    # No field path, status code or ISO time stamp is left in the sheet.
    shown = [str(c.value) for row in sheet.iter_rows(min_row=2) for c in row if c.value]
    for code in ("visits.", "requested", "approved", "planned", "+00:00", "T08:20"):
        assert not any(code in text for text in shown), code


# Every moment of mentes is a whole UTC second (clock.now). The hour the clocks go back comes
# twice: its second pass cannot be a date-time cell (which would read back as the first).
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
@settings(max_examples=100, deadline=None)
def test_every_moment_reads_back_exactly(moment: datetime):
    when = moment.replace(microsecond=0, tzinfo=UTC).isoformat()
    assert read_back([entry("status", "approved", "cancelled", when)])[0].when == when


def test_the_hour_that_comes_twice_reads_back_exactly():
    start = datetime(2027, 10, 30, 23, 0, tzinfo=UTC)  # around 31 October 2027, 03:00 → 02:00
    stamps = [(start + timedelta(minutes=15 * i)).isoformat() for i in range(16)]
    entries = [entry("status", "approved", "cancelled", when) for when in stamps]
    assert [e.when for e in read_back(entries)] == stamps
    cells = [
        row[0]
        for row in openpyxl.load_workbook(io.BytesIO(sheet_bytes(entries)))["Historiek"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert sum(isinstance(c, str) for c in cells) == 4  # 01:00-01:45 UTC: the second 02:xx
    assert sum(isinstance(c, datetime) for c in cells) == 12


def test_the_centre_time_is_belgian_time_in_winter_and_summer():
    from mentes_cli.records.history import centre_time

    assert centre_time(STAMP).strftime("%d/%m/%Y %H:%M") == "04/01/2027 09:20"
    summer = centre_time("2027-07-01T08:20:00+00:00")
    assert summer.strftime("%H:%M") == "10:20"
    assert centre_time("gisteren") is None and centre_time("2027-01-04T08:20:00") is None


def test_rows_of_an_earlier_mentes_read_as_they_are():
    old = [
        (STAMP, "an", "approve T-1", "T-1", "status", "requested", "approved"),
        ("2027-01-05T10:00:00+00:00", "an", "visit T-1 6", "T-1", "visits.6.state", "planned",
         "fixed"),
    ]  # fmt: skip
    assert [(e.when, e.field, e.old, e.new) for e in read_history_rows(old)] == [
        (STAMP, "status", "requested", "approved"),
        ("2027-01-05T10:00:00+00:00", "visits.6.state", "planned", "fixed"),
    ]


# --- through the commands ----------------------------------------------------------------------


@pytest.fixture
def book(sample_dir: Path) -> Path:
    target = sample_dir.parent / "wb.xlsx"
    write_records_workbook(load_records(DataSource(sample_dir, "test")).records, target)
    return target


def cells(path: Path) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(path)
    return {
        title: [tuple(c.value for c in row) for row in workbook[title].iter_rows()]
        for title in workbook.sheetnames
    }


CHANGES = [
    ["approve", "T-2026-020"],
    ["cancel", "T-2026-020", "--reason", "dubbel"],
    ["reopen", "T-2026-020"],
]


def test_the_workbook_history_is_the_same_in_both_languages(book: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    shown = {}
    for language in ("nl", "en"):
        copy = book.with_name(f"{language}.xlsx")
        shutil.copyfile(book, copy)
        for args in CHANGES:
            result = runner.invoke(app, ["--lang", language, *args, "--data", str(copy)])
            assert result.exit_code == 0, result.output
        shown[language] = cells(copy)
    assert shown["nl"] == shown["en"]
    rows = shown["nl"]["Historiek"]
    assert [row[4:] for row in rows[1:]] == [
        ("Status", "aangevraagd", "goedgekeurd"),
        ("Status", "goedgekeurd", "geannuleerd"),
        ("Reden", None, "dubbel"),
        ("Status", "geannuleerd", "aangevraagd"),
        ("Reden", "dubbel", None),
    ]
    assert {row[0] for row in rows[1:]} == {datetime(2027, 1, 4, 9, 20)}
    # Read back: the records' codes and the UTC moment, as a folder's history.toml has them.
    history = RecordStore(book.with_name("nl.xlsx")).history("T-2026-020")
    assert [(e.when, e.field, e.old, e.new) for e in history][:2] == [
        ("2027-01-04T08:20:00+00:00", "status", "requested", "approved"),
        ("2027-01-04T08:20:00+00:00", "status", "approved", "cancelled"),
    ]


def test_a_committed_plan_names_its_visits_in_the_sheet(book: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    window = ["--start", "2027-01-04", "--end", "2027-06-30"]
    result = runner.invoke(app, ["plan", *window, "--commit", "--data", str(book)])
    assert result.exit_code == 0, result.output
    trajects = {t.id: t for t in load_records(DataSource(book, "t")).records.trajects}
    traject = next(t for t in trajects.values() if len(t.visits) > 2)
    visit = traject.visits[2]
    result = runner.invoke(
        app, ["visit", traject.id, str(visit.number), "--state", "fixed", "--data", str(book)]
    )
    assert result.exit_code == 0, result.output
    rows = cells(book)["Historiek"]
    assert rows[-1][3:] == (traject.id, f"Bezoek {visit.number}: Status", "gepland", "vast")
    mine = {row[4]: row[5:] for row in rows if row[3] == traject.id}
    assert mine["Bezoeken"] == ("0", str(len(traject.visits)))
    assert mine["Status"] == ("goedgekeurd", "gepland")
    assert mine["Start"] == (None, datetime.combine(traject.start, datetime.min.time()))


def test_mentes_history_of_a_workbook_reads_in_dutch(book: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for args in CHANGES:
        assert runner.invoke(app, [*args, "--data", str(book)]).exit_code == 0
    dutch = runner.invoke(app, ["--lang", "nl", "history", "T-2026-020", "--data", str(book)])
    assert dutch.exit_code == 0, dutch.output
    assert "goedgekeurd" in dutch.stdout and "04/01/2027" in dutch.stdout
    assert not english_left(dutch.stdout), english_left(dutch.stdout)
    # the hour the sheet Historiek shows: the centre's time (08:20 UTC is 09:20 in Brussels)
    assert "09:20" in dutch.stdout and "08:20" not in dutch.stdout
    sheet = openpyxl.load_workbook(book)["Historiek"]
    assert {row[0].value for row in sheet.iter_rows(min_row=2)} == {datetime(2027, 1, 4, 9, 20)}


def test_letters_read_the_same_history_from_a_workbook_and_its_folder(sample_dir, monkeypatch):
    """The letters' memory names history events by field, value and moment: the workbook's
    rows give the same keys as history.toml, so no letter is written twice after export."""
    from mentes_cli.letters.due import event_key

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for args in CHANGES:
        assert runner.invoke(app, [*args, "--data", str(sample_dir)]).exit_code == 0
    book = sample_dir.parent / "x.xlsx"
    assert (
        runner.invoke(app, ["export", "--data", str(sample_dir), "--to", str(book)]).exit_code == 0
    )
    folder = RecordStore(sample_dir).history()
    workbook = RecordStore(book).history()
    assert [event_key(e) for e in workbook] == [event_key(e) for e in folder]
    assert workbook == folder


SOFFICE = shutil.which("soffice")


def saved_by_libreoffice(folder: Path) -> tuple[Path, Path]:
    """The sample as a workbook with the changes made to it, and that workbook as LibreOffice
    saved it again."""
    book = folder / "wb.xlsx"
    background.mentes(folder, "export", "--data", str(sample_records_dir()), "--to", str(book))
    for args in CHANGES:
        background.mentes(folder, *args, "--data", str(book), SOURCE_DATE_EPOCH=EPOCH)
    out = folder / "lo"
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(book)],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return book, out / book.name


# Made ahead, beside the other tests (see background.py).
RUNS = background.Runs(__name__, {"saved": saved_by_libreoffice} if SOFFICE else {})


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_workbook_saved_by_libreoffice_gives_the_same_history():
    book, saved = RUNS["saved"]
    before = RecordStore(book).history()
    assert RecordStore(saved).history() == before
    assert date(2027, 1, 4).isoformat() in before[0].when
