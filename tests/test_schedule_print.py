"""The schedule workbook on paper: its visits print one A4 page wide at 7 pt or more as
LibreOffice prints them (names, addresses and offers wrap; as wide as their longest text,
the columns printed at about 6 pt).

Skipped where LibreOffice (`soffice`) or `pdftotext` is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cli_runner import CliRunner
from mentes_cli import i18n
from mentes_cli.cli import app

runner = CliRunner()
# A word's box in pdftotext is about 1.16 times the font size (DejaVu Sans, LibreOffice's
# stand-in for Calibri): 7 pt text has boxes of about 8.1 pt.
SEVEN_POINT_BOX = 8.1


@pytest.fixture(autouse=True)
def _language_back():
    yield
    i18n.set_language(None)


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice (soffice) or pdftotext is not installed",
)
def test_libreoffice_prints_the_visits_at_7_pt_or_more(tmp_path: Path):
    target = tmp_path / "planning.xlsx"
    result = runner.invoke(app, ["--lang", "nl", "plan", "--output", str(target)])
    assert result.exit_code == 0, result.output
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(target)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(target.with_suffix(".pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    heights = [
        float(bottom) - float(top)
        for top, bottom in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">T-20', boxes)
    ]
    assert len(heights) >= 10  # the first page holds visits
    assert min(heights) >= SEVEN_POINT_BOX, min(heights)
