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

import background

# A word's box in pdftotext is about 1.16 times the font size (DejaVu Sans, LibreOffice's
# stand-in for Calibri): 7 pt text has boxes of about 8.1 pt.
SEVEN_POINT_BOX = 8.1


def printed(folder: Path) -> str:
    """Give the word boxes of the first page of the Dutch schedule as LibreOffice prints it."""
    target = folder / "planning.xlsx"
    background.mentes(folder, "--lang", "nl", "plan", "--output", str(target))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(target)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    return subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(target.with_suffix(".pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


PRINTS = shutil.which("soffice") and shutil.which("pdftotext")
# Made ahead, beside the other tests (see background.py).
RUNS = background.Runs(__name__, {"printed": printed} if PRINTS else {})


@pytest.mark.skipif(
    not PRINTS,
    reason="LibreOffice (soffice) or pdftotext is not installed",
)
def test_libreoffice_prints_the_visits_at_7_pt_or_more():
    boxes = RUNS["printed"]
    heights = [
        float(bottom) - float(top)
        for top, bottom in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">T-20', boxes)
    ]
    assert len(heights) >= 10  # the first page holds visits
    assert min(heights) >= SEVEN_POINT_BOX, min(heights)
