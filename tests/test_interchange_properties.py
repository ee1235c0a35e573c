"""Property tests: generated record sets survive TOML -> xlsx -> TOML, and any cell is safe."""

from __future__ import annotations

import os
import tempfile
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from excel_helpers import cells_both_ways, write_workbook
from mentes_cli.errors import InputError
from mentes_cli.export.cells import save_workbook
from mentes_cli.export.records_toml import write_record_files
from mentes_cli.export.records_xlsx import records_workbook
from mentes_cli.load import vocabulary as vocab
from mentes_cli.load.excel_records import load_workbook_records
from mentes_cli.load.toml_records import load_toml_folder
from mentes_cli.load.values import is_blank
from mentes_cli.models import (
    BVV_DOMAINS,
    STARTED_STATUSES,
    STATUSES,
    STATUSES_WITH_VISITS,
    VISIT_STATES,
    WEEKDAYS,
    Closure,
    Coach,
    CommittedVisit,
    Leave,
    Location,
    Organisation,
    Records,
    Traject,
)
from mentes_cli.offers import catalogue

# Modest by default so the suite stays fast; MENTES_EXAMPLES=500 for a deeper search.
# The offer codes of the bundled catalogue, and those whose family lists BVV domains.
OFFERS = catalogue().codes()
BVV_OFFERS = tuple(code for code in OFFERS if catalogue().family_of(code).domains)

SETTINGS = settings(
    max_examples=int(os.environ.get("MENTES_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text as people type it: any letter, mark, number, punctuation, symbol or space (emoji,
# accents, apostrophes); line breaks and tabs inside are allowed. Not what XML cannot hold
# (control characters, U+FFFE, U+FFFF): the export replaces those, with a notice.
_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\n\t'’")
_PLAIN = st.text(_CHARACTERS, min_size=1, max_size=30)
TEXT = st.one_of(
    _PLAIN,
    st.builds(lambda start, rest: start + rest, st.sampled_from("=+-@"), _PLAIN),
    st.sampled_from(["'s-Gravenwezel", "Crèche Zoë 🧸", "#N/A", "=SUM(A1:A3)", "TRUE", "2600"]),
    st.builds(lambda c, n: c * n, st.sampled_from("aé🧸"), st.integers(5_000, 32_000)),
).filter(lambda text: not is_blank(text))
# An e-mail address has one @ and a dot after it (models._email); it may start like a formula.
EMAILS = st.builds(
    lambda start, local, domain: f"{start}{local}@{domain}",
    st.sampled_from(["", "=", "+", "-"]),
    st.text(
        st.characters(
            blacklist_categories=("Cs", "Cc", "Cn", "Zs", "Zl", "Zp"), blacklist_characters="@<>,;"
        ),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["devlinder.example", "kinderopvang-zoë.be", "a.b.be"]),
)
DAYS = st.dates(date(1990, 1, 1), date(2100, 12, 31))
WEEKDAY_LISTS = st.lists(st.sampled_from(WEEKDAYS), min_size=1, unique=True).map(
    lambda days: sorted(days, key=WEEKDAYS.index)
)
POSTCODES = st.sampled_from(["2000", "2018", "2100", "2140", "2600", "2610", "2900", "2800"])
AREAS = st.lists(
    st.sampled_from(["provincie-antwerpen", "regio-antwerpen", "Mechelen", "Berchem", "Schoten"]),
    unique=True,
    max_size=3,
)


# An id: text as people type it, without the controls, format characters (zero-width space,
# bidi controls) and line or paragraph separators that models.checked_id refuses; NFC, as the
# model keeps it.
_ID_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Cf", "Zl", "Zp"))
ID_TEXT = st.one_of(
    st.text(_ID_CHARACTERS, min_size=1, max_size=30),
    st.builds(lambda start, rest: start + rest, st.sampled_from("=+-@"), st.text(_ID_CHARACTERS)),
    st.sampled_from(["'s-Gravenwezel", "Crèche Zoë 🧸", "#N/A", "=SUM(A1:A3)", "TRUE", "2600"]),
)


def _id_text(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def ids(prefix: str, count: int):
    """Give `count` unique ids: odd text, made unique by a numbered prefix."""
    return st.lists(ID_TEXT, min_size=count, max_size=count).map(
        lambda texts: [_id_text(f"{prefix}{n}{text[:20]}") for n, text in enumerate(texts)]
    )


@st.composite
def periods(draw, model):
    start = draw(DAYS)
    end = draw(st.dates(start, min(start + timedelta(days=365), date(2100, 12, 31))))
    values = {"start": start, "end": end}
    if model is Closure and draw(st.booleans()):
        values["reason"] = draw(TEXT)
    return model(**values)


@st.composite
def locations(draw, location_id: str):
    enforcement = draw(st.booleans())
    places = draw(st.integers(1, 200))
    return Location(
        id=location_id,
        name=draw(TEXT),
        care_type=draw(st.sampled_from(["group", "family"])),
        subsidy_step=draw(st.integers(0, 3)),
        ikt_places=draw(st.integers(0, places)),
        places=places,
        postcode=draw(POSTCODES),
        municipality=draw(st.none() | TEXT),
        district=draw(st.none() | TEXT),
        enforcement=enforcement,
        enforcement_since=draw(st.none() | DAYS) if enforcement else None,
        opening_days=draw(WEEKDAY_LISTS),
        opening_hours=draw(st.none() | st.sampled_from(["07:00-18:00", "06:30-19:00"])),
        street=draw(st.none() | TEXT),
        phone=draw(st.none() | TEXT | st.sampled_from(["03 123 45 67", "+32 3 123 45 67"])),
        email=draw(st.none() | EMAILS),
        contact=draw(st.none() | TEXT),
        closures=draw(st.lists(periods(Closure), max_size=2)),
    )


@st.composite
def visits(draw, traject_id: str, status: str, coaches: list[Coach]) -> list[CommittedVisit]:
    """Give the committed visits of a traject (SPEC 8): numbered from 1, the intake call 0,
    only cancelled ones for a traject that is not (or no longer) planned."""
    if not coaches:
        return []
    states = VISIT_STATES if status in STATUSES_WITH_VISITS else ("cancelled",)
    count = draw(st.integers(0, 4))
    numbers = draw(st.permutations(range(count + 1)))[:count]
    made = []
    for position, number in enumerate(numbers):
        made.append(
            CommittedVisit(
                number=number,
                kind="intake" if number == 0 else "visit",
                date=draw(DAYS),
                start=draw(st.times()).strftime("%H:%M"),
                hours=draw(st.integers(1, 96)) / 4,
                coach=draw(st.sampled_from([coach.id for coach in coaches])),
                state=draw(st.sampled_from(states)),
                # A uid is unique across the records: the traject's id and the position.
                uid=draw(
                    st.none()
                    | ID_TEXT.map(lambda t, p=position: _id_text(f"{traject_id}/{p}/{t[:30]}"))
                ),
                sequence=draw(st.integers(0, 5)),
            )
        )
    return made


@st.composite
def trajects(draw, traject_id: str, location_ids: list[str], coaches: list[Coach]):
    offer = draw(st.sampled_from(OFFERS))
    role = "support" if offer in BVV_OFFERS else "coach"
    fitting = [coach.id for coach in coaches if coach.role == role]
    status = draw(st.sampled_from(STATUSES))
    start = draw(DAYS if status in STARTED_STATUSES else st.none() | DAYS)
    earliest = draw(st.none() | DAYS)
    return Traject(
        id=traject_id,
        location=draw(st.sampled_from(location_ids)),
        offer=offer,
        status=status,
        start=start,
        end=draw(st.none() | st.dates(start, date(2100, 12, 31))) if start else None,
        coach=draw(st.none() | st.sampled_from(fitting)) if fitting else None,
        theme=draw(st.none() | TEXT),
        domains=draw(st.lists(st.sampled_from(BVV_DOMAINS), unique=True, max_size=3))
        if offer in BVV_OFFERS
        else [],
        earliest=earliest,
        deadline=draw(st.none() | st.dates(earliest, date(2100, 12, 31))) if earliest else None,
        contact_moments=draw(st.none() | st.integers(2, 5)) if offer == "bvv-vervolg" else None,
        requested_on=draw(st.none() | DAYS),
        reason=draw(st.none() | TEXT),
        visits=draw(visits(traject_id, status, coaches)),
    )


@st.composite
def record_sets(draw):
    organisation_count = draw(st.integers(1, 3))
    location_counts = draw(
        st.lists(st.integers(0, 3), min_size=organisation_count, max_size=organisation_count)
    )
    organisation_ids = draw(ids("O", organisation_count))
    location_ids = draw(ids("L", sum(location_counts)))
    organisations, taken = [], 0
    for organisation_id, count in zip(organisation_ids, location_counts, strict=True):
        mine = location_ids[taken : taken + count]
        taken += count
        organisations.append(
            Organisation(
                id=organisation_id,
                name=draw(TEXT),
                email=draw(st.none() | EMAILS),
                prior=draw(st.none() | st.booleans()),
                contact=draw(st.none() | TEXT),
                phone=draw(st.none() | TEXT),
                locations=[draw(locations(location_id)) for location_id in mine],
            )
        )
    coach_ids = draw(ids("C", draw(st.integers(0, 3))))
    coaches = [
        Coach(
            id=coach_id,
            name=draw(TEXT),
            role=draw(st.sampled_from(["coach", "support"])),
            fte=draw(st.integers(1, 100)) / 100,
            workdays=draw(WEEKDAY_LISTS),
            max_hours_per_day=draw(st.none() | st.integers(1, 40).map(lambda q: q / 4)),
            areas=draw(AREAS),
            leave=draw(st.lists(periods(Leave), max_size=2)),
        )
        for coach_id in coach_ids
    ]
    traject_list = []
    if location_ids:
        traject_ids = draw(ids("T", draw(st.integers(0, 4))))
        traject_list = [draw(trajects(t, location_ids, coaches)) for t in traject_ids]
    return Records(organisations=organisations, coaches=coaches, trajects=traject_list)


@SETTINGS
@given(record_sets())
def test_toml_to_xlsx_to_toml_gives_the_same_records(records):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        write_record_files(records, folder / "first", force=False)
        from_toml = load_toml_folder(folder / "first")
        assert from_toml == records

        workbook, notices = records_workbook(from_toml)
        assert notices == []
        book = folder / "records.xlsx"
        save_workbook(workbook, book)
        from_excel, _ = load_workbook_records(book)
        assert from_excel == records

        write_record_files(from_excel, folder / "again", force=False)
        assert load_toml_folder(folder / "again") == records


@SETTINGS
@given(record_sets())
def test_every_exported_text_cell_is_text(records):
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "records.xlsx"
        save_workbook(records_workbook(records)[0], book)
        workbook = load_workbook(book)
        for sheet in workbook:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate)


# Any value a cell can hold, including those no column accepts.
CELL = st.one_of(
    st.none(),
    st.text(_CHARACTERS, max_size=20),
    st.sampled_from(["ja", "nee", "groepsopvang", "T2", "ma, di", "31/02/2027", "LOC-1"]),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(date(1900, 3, 1), date(9999, 12, 31)),
    st.datetimes(datetime(1900, 3, 1), datetime(9999, 12, 31)),
    st.times(),
)
HEADERS = {spec.name: [column.header for column in spec.columns] for spec in vocab.SHEETS}


@st.composite
def any_workbook(draw):
    sheets = {}
    for title, headers in HEADERS.items():
        if title not in ("Organisaties", "Locaties") and draw(st.booleans()):
            continue
        header = draw(
            st.lists(
                st.sampled_from([*headers, "Opmerkingen", None]),
                min_size=1,
                max_size=len(headers) + 2,
            )
        )
        if draw(st.booleans()):
            header = list(headers)
        width = len(header) + 1
        rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=4))
        sheets[title] = [header, *rows]
    return sheets


@SETTINGS
@given(any_workbook())
def test_any_cell_values_load_or_raise_input_error(sheets):
    with tempfile.TemporaryDirectory() as folder:
        book = write_workbook(Path(folder) / "any.xlsx", sheets)
        try:
            records, notices = load_workbook_records(book)
        except InputError as error:
            assert error.problems
            for problem in error.problems:
                assert str(problem)
        else:
            assert isinstance(records, Records)
            assert all(isinstance(line, str) for line in notices)
        try:
            theirs, ours = cells_both_ways(book)
        except ValueError:
            return  # openpyxl's own reader fails on NaN; mentes says the cell is no number
        assert ours == theirs
