"""`mentes quote --for NAME [--email ADDRESS]` fills the offerte's Voor block without records;
the offerte shows a location's street and contact person, and the centre's company number,
VAT position and bank account from centre.toml (SPEC 9)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()


def cells(path: Path) -> list[list]:
    sheet = openpyxl.load_workbook(path).active
    return [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]


def test_for_fills_the_voor_block_without_records():
    result = runner.invoke(
        app,
        [
            "quote",
            "--traject",
            "C",
            "--for",
            "Vzw De Egel",
            "--email",
            "info@de-egel.example",
            "--output",
            "offerte.xlsx",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = cells(Path("offerte.xlsx"))
    assert ["Organiser", "Vzw De Egel"] in rows
    assert ["E-mail", "info@de-egel.example"] in rows
    assert ["Childcare location"] in rows  # left to fill in by hand
    centre = " ".join(str(c) for row in rows[-2:] for c in row)
    assert "Company number" in centre and "IBAN" in centre and "Exempt from VAT" in centre
    data = json.loads(
        runner.invoke(
            app, ["quote", "--traject", "C", "--for", "Vzw De Egel", "--format", "json"]
        ).stdout
    )
    assert data["for"] == {"name": "Vzw De Egel", "email": None}


def test_for_is_refused_with_a_location_and_email_needs_for(sample_dir: Path):
    for args, words in (
        (["--for", "X", "--location", "LOC-001", "--data", str(sample_dir)], "--for names"),
        (["--email", "x@example.com"], "--email goes with --for"),
        (["--for", "X", "--email", "not an address"], "not an e-mail address"),
    ):
        result = runner.invoke(app, ["quote", "--traject", "C", *args])
        assert result.exit_code == 2, result.output
        assert words in result.output


def test_the_offerte_shows_the_street_and_the_contact_person(sample_dir: Path):
    path = sample_dir / "organisations.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        'name = "Het Zonnetje Deurne"',
        'name = "Het Zonnetje Deurne"\nstreet = "Turnhoutsebaan 12"\ncontact = "Els Peeters"',
        1,
    )
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "quote",
            "--traject",
            "B",
            "--location",
            "LOC-003",
            "--output",
            "offerte.xlsx",
            "--data",
            str(sample_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = cells(Path("offerte.xlsx"))
    address = next(row for row in rows if row and row[0] == "Address")
    assert address[1].startswith("Turnhoutsebaan 12, 2100")
    assert ["Contact person", "Els Peeters"] in rows
