"""The offerte workbook: read back cell by cell, safe record text, one A4 page in LibreOffice.

The offerte follows the language (SPEC 7); most tests read the Dutch one, as organisers get
it, and one reads the English one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from conftest import write_records
from mentes_cli.export.offerte import EURO, write_offerte
from mentes_cli.load import DataSource, load_records
from mentes_cli.output import check_output_path
from mentes_cli.quote import make_quote
from mentes_cli.reference import sample_records_dir

DAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _dutch(monkeypatch):
    """Write the offerte in Dutch (the suite runs in English)."""
    monkeypatch.setenv("MENTES_LANG", "nl")


@pytest.fixture(scope="module")
def records():
    return load_records(DataSource(sample_records_dir(), "test")).records


def cells(path: Path, sheet_name: str = "Offerte") -> dict[str, object]:
    """Give every non-empty cell of the offerte's sheet by coordinate."""
    sheet = openpyxl.load_workbook(path)[sheet_name]
    return {c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value is not None}


def test_offerte_for_a_location_read_back_cell_by_cell(tmp_path, records):
    target = tmp_path / "offerte.xlsx"
    write_offerte(make_quote("C", as_of=DAY, records=records, location_id="LOC-003"), target)
    assert cells(target) == {
        "A1": "Onderzoekscentrum Pedagogie in Praktijk",
        "A2": "Mentes vzw, het ondersteuningsnetwerk kinderopvang",
        "A3": "Brusselstraat 45, 2018 Antwerpen",
        "A4": "vot@kdg.be · www.kdg.be/onderzoek/pedagogie-in-praktijk",
        "A6": "OFFERTE",
        "A7": "Coaching werkvloer C",
        "A8": "Offertenummer",
        "B8": "OFF-20261122-LOC003-C-0751",
        "A9": "Datum",
        "B9": datetime(2026, 11, 22),
        "A10": "Geldig tot",
        "B10": datetime(2026, 12, 22),
        "A12": "Voor",
        "A13": "Organisator",
        "B13": "Kinderdagverblijf Het Zonnetje bv",
        "A14": "E-mail",
        "B14": "planning@hetzonnetje.example",
        "A15": "Opvanglocatie",
        "B15": "Het Zonnetje Deurne (LOC-003)",
        "A16": "Adres",
        "B16": "2100 Antwerpen (district Deurne)",
        "A17": "Erkende plaatsen",
        "B17": 36,
        "A19": "Traject C: pedagogische coaching",
        "A20": "Omschrijving",
        "C20": "Aantal",
        "D20": "Uren per keer",
        "E20": "Uren",
        "F20": "Bedrag",
        "A21": "Telefonisch intakegesprek (voor de eerste dag)",
        "C21": 1,
        "D21": 1,
        "E21": 1,
        "F21": "inbegrepen",
        "A22": "Dag coaching op de werkvloer",
        "C22": 8,
        "D22": 5,
        "E22": 40,
        "F22": "inbegrepen",
        "A23": "Dag coaching op de werkvloer",
        "C23": 2,
        "D23": 4,
        "E23": 8,
        "F23": "inbegrepen",
        "A24": "Uren op locatie (zonder het telefonisch intakegesprek)",
        "E24": 48,
        "A25": "Dagen op locatie",
        "E25": 10,
        "A26": "Prijs per uur op locatie",
        "F26": 102.08,
        "A27": "Totaalprijs traject C",
        "F27": 4900,
        "A29": "Voorwaarden",
        "A30": "Inbegrepen",
        "B30": "De prijs omvat voorbereidingstijd, reistijd en verplaatsingskosten.",
        "A31": "Btw",
        "B31": "De vermelde prijzen zijn totaalprijzen; er wordt geen btw aangerekend.",
        "A32": "Geldigheid",
        "B32": "Tot en met 22/12/2026; prijzen volgens de prijslijst van 01/01/2024.",
        "A34": "Voor akkoord",
        "A35": "Aanvaarden",
        "B35": "Stuur deze offerte ondertekend terug naar vot@kdg.be en vermeld de gewenste "
        "startperiode.",
        "A36": "Naam en functie",
        "A37": "Datum",
        "A38": "Handtekening",
        "A40": "Onderzoekscentrum Pedagogie in Praktijk · vot@kdg.be · "
        "www.kdg.be/onderzoek/pedagogie-in-praktijk",
        "A41": "Ondernemingsnummer 0000.000.000 · Vrijgesteld van btw · IBAN BE00 0000 0000 0000",
    }


def test_prices_are_number_cells_with_a_euro_format_and_dates_are_dates(tmp_path, records):
    target = tmp_path / "offerte.xlsx"
    write_offerte(make_quote("C", as_of=DAY, records=records, location_id="LOC-003"), target)
    sheet = openpyxl.load_workbook(target)["Offerte"]
    total, per_hour = sheet["F27"], sheet["F26"]
    assert (total.data_type, total.number_format, total.value) == ("n", "€ #,##0.00", 4900)
    assert EURO == "€ #,##0.00"
    assert (per_hour.data_type, per_hour.number_format) == ("n", "€ #,##0.00")
    assert sheet["B9"].is_date
    assert sheet["B9"].number_format == "DD/MM/YYYY"
    assert all(sheet[f"{col}{row}"].data_type == "n" for col in "CDE" for row in (21, 22, 23))


def test_page_setup_fits_one_a4_portrait_page(tmp_path):
    target = tmp_path / "offerte.xlsx"
    write_offerte(make_quote("D", as_of=DAY), target)
    sheet = openpyxl.load_workbook(target)["Offerte"]
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 1)
    assert sheet.print_area == "'Offerte'!$A$1:$F$39"  # up to the company line (SPEC 9)
    assert sheet["A38"].value.startswith("Onderzoekscentrum Pedagogie in Praktijk · ")
    assert sheet.page_margins.left == pytest.approx(0.7)
    assert [sheet.column_dimensions[c].width for c in "ABCDEF"] == [19, 33, 9, 13, 8, 15]
    assert sheet.sheet_view.showGridLines is False


def test_offerte_without_location_leaves_the_recipient_to_fill_in(tmp_path):
    target = tmp_path / "offerte.xlsx"
    write_offerte(make_quote("basis", as_of=DAY), target)
    values = cells(target)
    assert [values[f"A{row}"] for row in (13, 14, 15)] == ["Organisator", "Opvanglocatie", "Adres"]
    assert "B13" not in values
    assert values["A17"] == "Traject basis: ondersteuning beleidsvoerend vermogen"
    assert (values["A19"], values["C19"], values["D19"], values["E19"]) == (
        "Contactmoment op locatie (maximumduur)",
        2,
        2.5,
        5,
    )
    assert values["A20"] == "Uren op locatie"
    assert (values["A21"], values["E21"]) == ("Contactmomenten op locatie", 2)
    assert values["F23"] == 840
    assert values["B26"] == (
        "De prijs omvat telefonische ondersteuning tussen de contactmomenten, voorbereiding en "
        "verplaatsing door de ondersteuner en deelname aan netwerken en webinars."
    )


def test_offerte_tells_the_organiser_about_a_free_offer(tmp_path, records):
    target = tmp_path / "offerte.xlsx"
    write_offerte(make_quote("B", as_of=DAY, records=records, location_id="LOC-001"), target)
    values = cells(target)
    note = next(k for k, v in values.items() if v == "Let op")
    assert values["B" + note[1:]] == (
        "Deze opvanglocatie behoort tot de prioritaire doelgroep (PRIOR) en kan vanaf 10/03/2027 "
        "een gratis traject pedagogische coaching aanvragen via Mentes. Neem contact met ons op "
        "als je dat liever doet."
    )


HOSTILE = """\
[[organisations]]
id = "ORG-1"
name = '=HYPERLINK("http://evil.example","klik")'
email = "+32@evil.example"

[[organisations.locations]]
id = "LOC-1"
name = "@SUM(1+1)"
care_type = "group"
subsidy_step = 3
ikt_places = 30
places = 40
postcode = "2600"
municipality = "-Antwerpen"
"""


def test_record_text_that_looks_like_a_formula_stays_text(tmp_path):
    folder = write_records(tmp_path / "records", organisations=HOSTILE)
    records = load_records(DataSource(folder, "test")).records
    target = tmp_path / "offerte.xlsx"
    write_offerte(make_quote("C", as_of=DAY, records=records, location_id="LOC-1"), target)
    sheet = openpyxl.load_workbook(target)["Offerte"]
    by_value = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    for text in (
        '=HYPERLINK("http://evil.example","klik")',
        "+32@evil.example",
        "@SUM(1+1) (LOC-1)",
    ):
        assert by_value[text].data_type == "s", text
        assert by_value[text].quotePrefix is True, text
    assert by_value["2600 -Antwerpen (district Berchem)"].data_type == "s"
    every_cell = [c for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in every_cell)


def test_writing_is_atomic_and_replaces_only_the_target(tmp_path):
    target = tmp_path / "offerte.xlsx"
    target.write_bytes(b"old")
    check_output_path(target, force=True)  # as `mentes quote --output --force` does
    write_offerte(make_quote("A", as_of=DAY), target)
    assert cells(target)["A7"] == "Coaching werkvloer A"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["offerte.xlsx"]


# --- LibreOffice: the offerte prints on one page ---


def _pdf_pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize(
    ("code", "location", "lang"),
    [("D", "LOC-001", "nl"), ("vervolg", None, "nl"), ("D", "LOC-001", "en")],
)
def test_offerte_prints_on_one_page_in_libreoffice(
    tmp_path, records, code, location, lang, monkeypatch
):
    monkeypatch.setenv("MENTES_LANG", lang)
    target = tmp_path / "offerte.xlsx"
    write_offerte(make_quote(code, as_of=DAY, records=records, location_id=location), target)
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    completed = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "offerte.pdf"
    assert pdf.exists(), completed.stdout + completed.stderr
    assert _pdf_pages(pdf) == 1
