"""The schedule workbook as XlsxWriter writes it: text stays text, the same plan the same bytes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()
HOSTILE = {
    "Gezinsopvang El Amrani": '=HYPERLINK("http://example.invalid";"klik")',
    "Les Petits Pas Zuid": "https://example.invalid/les-petits-pas",
}


@pytest.fixture(autouse=True)
def dutch(monkeypatch):
    """The schedule workbook follows the language (SPEC 7): these tests read it in Dutch,
    the default; test_the_workbook_is_english_with_lang_en reads it in English."""
    monkeypatch.setenv("MENTES_LANG", "nl")


def plan_workbook(sample_dir: Path, target: Path) -> Path:
    args = ["plan", "--data", str(sample_dir), "--start", "2027-01-04", "--end", "2027-06-30"]
    result = runner.invoke(app, [*args, "--output", str(target)])
    assert result.exit_code == 0, result.output
    return target


def test_the_same_plan_gives_the_same_bytes(sample_dir, tmp_path, monkeypatch):
    # The workbook's creation time is clock.now(): fixed by SOURCE_DATE_EPOCH.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")
    first = plan_workbook(sample_dir, tmp_path / "a.xlsx")
    second = plan_workbook(sample_dir, tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert b"2027-01-01T00:00:00Z" in archive.read("docProps/core.xml")


def test_record_text_never_becomes_a_formula_or_a_link(sample_dir, tmp_path):
    records = sample_dir / "organisations.toml"
    text = records.read_text(encoding="utf-8")
    for name, hostile in HOSTILE.items():
        assert f'name = "{name}"' in text
        text = text.replace(f'name = "{name}"', f"name = '{hostile}'")  # a literal string
    records.write_text(text, encoding="utf-8")
    path = plan_workbook(sample_dir, tmp_path / "planning.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        for name in sheets:
            xml = archive.read(name)
            assert not re.search(rb"<f[\s>]", xml), name
            assert b"<hyperlink" not in xml, name
        assert not [n for n in archive.namelist() if "/_rels/sheet" in n]
    sheet = load_workbook(path)["Bezoeken"]
    cells = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row if c.value}
    formula_like = cells['=HYPERLINK("http://example.invalid";"klik")']
    assert (formula_like.data_type, formula_like.quotePrefix) == ("s", True)
    link_like = cells["https://example.invalid/les-petits-pas"]
    assert (link_like.data_type, link_like.quotePrefix, link_like.hyperlink) == ("s", False, None)
