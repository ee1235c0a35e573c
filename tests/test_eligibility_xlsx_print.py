"""The eligibility overview on paper: too wide for one A4 page at a readable size, it prints
some pages wide, the location's id and name and the header on every page, text at 7 pt or
more as LibreOffice prints it (one page wide printed it at about 4 pt).

The LibreOffice test is skipped where LibreOffice (`soffice`) or `pdftotext` is missing.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

import background
from cli_runner import CliRunner
from mentes_cli import i18n
from mentes_cli.cli import app
from mentes_cli.export.eligibility_xlsx import PAGE_WIDTH

runner = CliRunner()


@pytest.fixture(autouse=True)
def _language_back():
    yield
    i18n.set_language(None)


def overview(tmp_path: Path, lang: str) -> Path:
    target = tmp_path / f"overzicht-{lang}.xlsx"
    result = runner.invoke(app, ["--lang", lang, "check-eligibility", "--output", str(target)])
    assert result.exit_code == 0, result.output
    return target


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_overview_prints_some_pages_wide_with_id_and_name_on_each(tmp_path: Path, lang):
    sheet = openpyxl.load_workbook(overview(tmp_path, lang)).worksheets[0]
    widths = [
        sheet.column_dimensions[get_column_letter(column)].width
        for column in range(1, sheet.max_column + 1)
    ]
    setup = sheet.page_setup
    pages = int(setup.fitToWidth)
    assert pages == math.ceil(sum(widths) / PAGE_WIDTH) and pages >= 2
    assert int(setup.fitToHeight) == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.orientation == "landscape" and setup.pageOrder == "overThenDown"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.print_title_cols == "$A:$B"


# A word's box in pdftotext is about 1.16 times the font size (DejaVu Sans, LibreOffice's
# stand-in for Calibri): 7 pt text has boxes of about 8.1 pt.
SEVEN_POINT_BOX = 8.1


def printed(folder: Path) -> dict[Path, str]:
    """Give the word boxes of the overview in each language as LibreOffice prints it."""
    sources = []
    for lang in ("nl", "en"):
        target = folder / f"overzicht-{lang}.xlsx"
        background.mentes(folder, "--lang", lang, "check-eligibility", "--output", str(target))
        sources.append(target)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder)]
        + [str(source) for source in sources],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    return {
        source: subprocess.run(
            ["pdftotext", "-bbox", str(source.with_suffix(".pdf")), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        for source in sources
    }


PRINTS = shutil.which("soffice") and shutil.which("pdftotext")
# Made ahead, beside the other tests (see background.py).
RUNS = background.Runs(__name__, {"printed": printed} if PRINTS else {})


@pytest.mark.skipif(
    not PRINTS,
    reason="LibreOffice (soffice) or pdftotext is not installed",
)
def test_libreoffice_prints_the_overview_at_7_pt_or_more():
    import re

    for source, boxes in RUNS["printed"].items():
        heights = [
            float(bottom) - float(top)
            for top, bottom in re.findall(
                r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">LOC-', boxes
            )
        ]
        assert len(heights) >= 16, source.name  # every location, on every page of it
        assert min(heights) >= SEVEN_POINT_BOX, (source.name, min(heights))
