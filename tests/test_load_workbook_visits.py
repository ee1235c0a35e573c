"""A records workbook's sheet Bezoeken, column Reden and contact columns (SPEC 8, 9): read
into the same records as TOML, with errors that name sheet, row and column; one vocabulary
for the loader, the export and the record store."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from excel_helpers import minimal_sheets, write_workbook
from mentes_cli.errors import InputError
from mentes_cli.export.records_xlsx import records_workbook, template_workbook
from mentes_cli.load import vocabulary as vocab
from mentes_cli.load.excel_records import load_workbook_records
from mentes_cli.models import CommittedVisit
from mentes_cli.records.history import HISTORY_SHEET
from mentes_cli.records.workbook_form import TrajectsWorkbook

VISIT_HEADER = [
    "Traject", "Nummer", "Soort", "Datum", "Start", "Uren", "Coach", "Status", "UID",
    "Volgnummer",
]  # fmt: skip


def sheets_with_visits(*visit_rows: list) -> dict:
    """Give a workbook with one coach, one planned traject (with a reason and contact
    details on its organisation and location) and the visit rows given."""
    sheets = minimal_sheets()
    sheets["Organisaties"][0] += ["Contactpersoon", "Telefoon"]
    sheets["Organisaties"][1] += ["Els Peeters", "03 123 45 67"]
    sheets["Locaties"][0] += ["Straat en nummer", "Telefoon", "E-mail", "Contactpersoon"]
    sheets["Locaties"][1] += ["Statiestraat 12", "03 765 43 21", "loc@test.example", "Mira"]
    sheets["Coaches"] = [
        ["Id", "Naam", "Rol", "VTE", "Werkdagen"],
        ["C-1", "An", "pedagogisch coach", 0.8, "ma-do"],
    ]
    sheets["Trajecten"] = [
        ["Id", "Locatie", "Aanbod", "Status", "Start", "Coach", "Reden"],
        ["T-1", "LOC-1", "coaching", "gepland", datetime(2027, 1, 11), "C-1", "verhuis"],
    ]
    sheets["Bezoeken"] = [list(VISIT_HEADER), *[list(row) for row in visit_rows]]
    return sheets


def load(tmp_path: Path, sheets: dict):
    return load_workbook_records(write_workbook(tmp_path / "book.xlsx", sheets))


def problems_of(tmp_path: Path, sheets: dict) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(tmp_path, sheets)
    return [str(problem) for problem in caught.value.problems]


def test_visits_reason_and_contact_details_are_read(tmp_path):
    records, notices = load(
        tmp_path,
        sheets_with_visits(
            ["T-1", 0, "intake", datetime(2027, 1, 6), "10:00", 1, "C-1", None, "u0@m", None],
            ["T-1", 1, "bezoek", datetime(2027, 1, 11), "9u", "2,5", "C-1", "vast", "u1@m", 2],
            # English words and a time cell are accepted too.
            ["T-1", 2, "visit", "18/01/2027", time(13, 30), 3, "C-1", "done", None, 0],
            ["T-1", 3, "BEZOEK", datetime(2027, 1, 25), "9:00", 3, "C-1", "Geannuleerd"],
        ),
    )
    assert notices == []
    (traject,) = records.trajects
    assert traject.reason == "verhuis"
    assert traject.visits == [
        CommittedVisit(
            number=0, kind="intake", date=date(2027, 1, 6), start="10:00", hours=1.0,
            coach="C-1", state="planned", uid="u0@m", sequence=0,
        ),
        CommittedVisit(
            number=1, kind="visit", date=date(2027, 1, 11), start="09:00", hours=2.5,
            coach="C-1", state="fixed", uid="u1@m", sequence=2,
        ),
        CommittedVisit(
            number=2, kind="visit", date=date(2027, 1, 18), start="13:30", hours=3.0,
            coach="C-1", state="done", uid=None, sequence=0,
        ),
        CommittedVisit(
            number=3, kind="visit", date=date(2027, 1, 25), start="09:00", hours=3.0,
            coach="C-1", state="cancelled", uid=None, sequence=0,
        ),
    ]  # fmt: skip
    organisation = records.organisations[0]
    assert (organisation.contact, organisation.phone) == ("Els Peeters", "03 123 45 67")
    location = organisation.locations[0]
    assert (location.street, location.phone, location.email, location.contact) == (
        "Statiestraat 12",
        "03 765 43 21",
        "loc@test.example",
        "Mira",
    )


def test_visits_follow_the_rows_of_their_traject_in_sheet_order(tmp_path):
    sheets = sheets_with_visits(
        ["T-2", 1, "bezoek", datetime(2027, 2, 1), "09:00", 3, "C-1"],
        ["T-1", 2, "bezoek", datetime(2027, 1, 18), "09:00", 3, "C-1"],
        [None] * 10,
        ["T-1", 1, "bezoek", datetime(2027, 1, 11), "09:00", 3, "C-1"],
    )
    sheets["Trajecten"].append(["T-2", "LOC-1", "coaching", "lopend", datetime(2027, 2, 1), "C-1"])
    records, _notices = load(tmp_path, sheets)
    visits = {t.id: [v.number for v in t.visits] for t in records.trajects}
    assert visits == {"T-1": [2, 1], "T-2": [1]}


def test_a_wrong_visit_cell_names_sheet_row_traject_and_column(tmp_path):
    assert problems_of(
        tmp_path,
        sheets_with_visits(
            ["T-1", 1, "bezoek", datetime(2027, 1, 11), "9:00", 3, "C-1", "vastgezet"],
            ["T-1", 2, "huisbezoek", datetime(2027, 1, 18), "25:00", "drie", "C-1"],
        ),
    ) == [
        "Bezoeken, row 2, traject T-1, visit 1, Status: must be gepland, vast, gedaan or "
        "geannuleerd (also planned, fixed, done or cancelled), got 'vastgezet'",
        "Bezoeken, row 3, traject T-1, visit 2, Soort: must be bezoek or intake (also visit), "
        "got 'huisbezoek'",
        "Bezoeken, row 3, traject T-1, visit 2, Start: must be a time of day such as 09:00 "
        "(also 9:00, 9u or 9u30, or a time cell), got '25:00'",
        "Bezoeken, row 3, traject T-1, visit 2, Uren: must be a number (a number cell, or "
        "text such as 0,8 or 0.8), got 'drie'",
    ]


def test_visit_rules_are_reported_at_the_visit_row(tmp_path):
    problems = problems_of(
        tmp_path,
        sheets_with_visits(
            ["T-9", 1, "bezoek", datetime(2027, 1, 11), "9:00", 3, "C-1", None, "a"],
            ["T-1", 1, "bezoek", datetime(2027, 1, 11), "9:00", 3, "C-7", None, "b"],
            ["T-1", 1, "bezoek", datetime(2027, 1, 18), "9:00", 3, "C-1", None, "b"],
            ["T-1", 0, "bezoek", datetime(2027, 1, 25), "9:00", 3, "C-1"],
            ["T-1", 2, "bezoek", datetime(2027, 1, 25), "9:00", 3, None],
        ),
    )
    assert problems == [
        "Bezoeken, row 2, traject T-9, visit 1, Traject: traject 'T-9' does not exist",
        "Bezoeken, row 3, traject T-1, visit 1, Coach: coach 'C-7' does not exist",
        "Bezoeken, row 4, traject T-1, visit 1, Nummer: number 1 is given to two visits that "
        "are not cancelled",
        "Bezoeken, row 4, traject T-1, visit 1, UID: uid 'b' is also the uid of a visit of "
        "traject T-1",
        "Bezoeken, row 5, traject T-1, visit 0: a visit on location is numbered from 1, not 0; "
        "number 0 is the intake call's",
        "Bezoeken, row 6, traject T-1, visit 2, Coach: is required",
    ]


def test_a_requested_traject_with_live_visits_is_refused_at_the_visit(tmp_path):
    sheets = sheets_with_visits(
        ["T-1", 1, "bezoek", datetime(2027, 1, 11), "9:00", 3, "C-1", "geannuleerd"],
        ["T-1", 2, "bezoek", datetime(2027, 1, 18), "9:00", 3, "C-1", "gepland"],
    )
    sheets["Trajecten"][1][3] = "aangevraagd"
    assert problems_of(tmp_path, sheets) == [
        "Bezoeken, row 3, traject T-1, visit 2, Status: a requested traject has no visits "
        "that are planned, fixed or done; only a planned, active, done or cancelled one has them"
    ]


def test_mentes_own_sheets_are_not_called_ignored(tmp_path):
    sheets = sheets_with_visits(
        ["T-1", 1, "bezoek", datetime(2027, 1, 11), "9:00", 3, "C-1", None, "u1@m", None]
    )
    sheets[HISTORY_SHEET] = [["Wanneer", "Gebruiker"], ["2027-01-01T10:00:00+00:00", "an"]]
    sheets["Brieven"] = [["Traject", "Brief"]]
    sheets["Notities"] = [["wat ik nog moet doen"]]
    _records, notices = load(tmp_path, sheets)
    assert notices == ["Ignored sheets (not records): 'Notities'"]


def test_the_record_store_writes_what_the_loader_reads(tmp_path):
    """One vocabulary: the sheet Bezoeken that a change adds, with its headers and words,
    loads back into the same visits."""
    sheets = sheets_with_visits()
    del sheets["Bezoeken"]
    book = write_workbook(tmp_path / "book.xlsx", sheets)
    visits = [
        {"number": 0, "kind": "intake", "date": date(2027, 1, 6), "start": "10:00", "hours": 1.0,
         "coach": "C-1", "state": "planned", "uid": "x0@mentes", "sequence": 0},
        {"number": 1, "kind": "visit", "date": date(2027, 1, 11), "start": "09:00", "hours": 2.5,
         "coach": "C-1", "state": "fixed", "uid": "x1@mentes", "sequence": 1},
    ]  # fmt: skip
    form = TrajectsWorkbook(book.read_bytes(), book.name)
    form.set_fields("T-1", {"visits": visits, "reason": "nieuw"})
    book.write_bytes(form.content())
    sheet = openpyxl.load_workbook(book)["Bezoeken"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == VISIT_HEADER
    assert rows[1] == ("T-1", 0, "intake", datetime(2027, 1, 6), "10:00", 1, "C-1", "gepland",
                       "x0@mentes", 0)  # fmt: skip
    assert rows[2][2] == "bezoek" and rows[2][7] == "vast"
    # The new sheet is formatted as the export's: frozen header, drop-downs, print titles.
    assert sheet.freeze_panes == "A2"
    assert {v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"} >= {
        '"bezoek,intake"',
        '"gepland,vast,gedaan,geannuleerd"',
    }
    records, _notices = load_workbook_records(book)
    assert [v.model_dump() for v in records.trajects[0].visits] == visits
    assert records.trajects[0].reason == "nieuw"


def test_set_visits_finds_the_traject_column_wherever_it_is(tmp_path):
    sheets = sheets_with_visits()
    # A coordinator moved the Traject column to the end and added a note column first.
    sheets["Bezoeken"] = [
        ["Notitie", *VISIT_HEADER[1:], "Traject"],
        ["bel eerst", 1, "bezoek", datetime(2027, 1, 11), "9:00", 3, "C-1", None, "k", 0, "T-1"],
    ]
    book = write_workbook(tmp_path / "book.xlsx", sheets)
    assert [v.uid for v in load_workbook_records(book)[0].trajects[0].visits] == ["k"]
    form = TrajectsWorkbook(book.read_bytes(), book.name)
    new = {"number": 1, "kind": "visit", "date": date(2027, 1, 12), "start": "09:00",
           "hours": 3.0, "coach": "C-1", "state": "planned", "uid": "k", "sequence": 1}  # fmt: skip
    form.set_visits("T-1", [new])
    book.write_bytes(form.content())
    rows = list(openpyxl.load_workbook(book)["Bezoeken"].iter_rows(values_only=True))
    # The row stays in place, with the coordinator's note beside it.
    assert len(rows) == 2 and rows[1][0] == "bel eerst" and rows[1][-1] == "T-1"
    assert rows[1][3] == datetime(2027, 1, 12) and rows[1][9] == 1
    assert [v.date for v in load_workbook_records(book)[0].trajects[0].visits] == [
        date(2027, 1, 12)
    ]


def test_export_and_template_have_the_sheet_and_columns():
    template = template_workbook()
    assert [c.value for c in template["Bezoeken"][1]] == VISIT_HEADER
    assert "Reden" in [c.value for c in template["Trajecten"][1]]
    assert [c.value for c in template["Organisaties"][1]][-2:] == ["Contactpersoon", "Telefoon"]
    explanation = "\n".join(str(c.value) for c in template["Uitleg"]["A"])
    assert "Blad Bezoeken (mag leeg blijven)" in explanation
    assert "Historiek" in explanation
    for title in ("Bezoeken", "Trajecten"):
        assert template[title].print_title_rows == "$1:$1"
    assert vocab.VISITS in vocab.SHEETS
    assert HISTORY_SHEET in vocab.OWN_SHEETS


def test_export_writes_visits_in_dutch_words(tmp_path, sample_dir):
    from mentes_cli.load import DataSource, load_records
    from mentes_cli.models import Records

    records = load_records(DataSource(sample_dir, "test")).records
    traject = next(t for t in records.trajects if t.status == "done")
    visit = CommittedVisit(
        number=1, kind="visit", date=date(2025, 3, 10), start="09:30", hours=2.5,
        coach=traject.coach or records.coaches[0].id, state="done", uid="e@m", sequence=3,
    )  # fmt: skip
    changed = traject.model_copy(update={"visits": [visit], "reason": "klaar"})
    records = Records(
        organisations=records.organisations,
        coaches=records.coaches,
        trajects=[changed if t.id == traject.id else t for t in records.trajects],
    )
    workbook, notices = records_workbook(records)
    assert notices == []
    rows = list(workbook["Bezoeken"].iter_rows(values_only=True))
    assert rows[1] == (traject.id, 1, "bezoek", date(2025, 3, 10), "09:30", 2.5, visit.coach,
                       "gedaan", "e@m", 3)  # fmt: skip
    assert workbook["Bezoeken"]["D2"].number_format == "DD/MM/YYYY"


def test_dates_written_by_a_change_are_shown_as_the_export_shows_them(tmp_path):
    sheets = sheets_with_visits()
    del sheets["Bezoeken"]
    book = write_workbook(tmp_path / "book.xlsx", sheets)
    form = TrajectsWorkbook(book.read_bytes(), book.name)
    visit = {"number": 1, "kind": "visit", "date": date(2027, 1, 11), "start": "09:00",
             "hours": 3.0, "coach": "C-1"}  # fmt: skip
    form.set_visits("T-1", [visit, {**visit, "number": 2, "date": date(2027, 1, 18)}])
    book.write_bytes(form.content())
    sheet = openpyxl.load_workbook(book)["Bezoeken"]
    assert [sheet["D2"].number_format, sheet["D3"].number_format] == ["DD/MM/YYYY"] * 2
    assert sheet.auto_filter.ref == "A1:J3"
    assert sheet.column_dimensions["D"].width >= 13 and sheet.column_dimensions["I"].width >= 46
