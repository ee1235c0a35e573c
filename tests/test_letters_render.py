"""Letters as a person sees them: the HTML part of a draft and the overview workbook, opened
by LibreOffice (as a mail program renders HTML) and printed to PDF.

Skipped where LibreOffice (`soffice`) is not installed. The HTML is read with Writer's own
HTML filter ("HTML (StarWriter)"): LibreOffice 7.4's default Writer/Web import drops the
first paragraph of any HTML file onto a blank first page, which is LibreOffice's, not the
letter's. Each run gets its own profile folder, so that runs in parallel do not clash.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

import background
from mentes_cli.reference import sample_records_dir

SOFFICE = shutil.which("soffice")
# Writer reads the HTML part; an installation with Calc alone has no Writer (libswlo).
WRITER = SOFFICE is not None and any(
    (Path(SOFFICE).resolve().parent / name).exists() for name in ("libswlo.so", "libswlo.dylib")
)
pytestmark = pytest.mark.skipif(not WRITER, reason="LibreOffice Writer is not installed")
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
HTML_FILTER = "HTML (StarWriter)"


def soffice(sources: list[Path], to: str, tmp_path: Path, infilter: str | None = None) -> Path:
    """Convert `sources` with LibreOffice into a fresh folder; give the folder."""
    out = tmp_path / f"out-{re.sub(r'[^a-z]', '', to)}"
    out.mkdir(exist_ok=True)
    command = [
        SOFFICE,
        f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        to,
        "--outdir",
        str(out),
        *map(str, sources),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return out


def pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


def rendered(folder: Path) -> tuple[dict, dict, Path, Path, Path]:
    """Plan and commit the sample, write the Dutch letters, and let LibreOffice show the HTML
    part of two of them as text and as PDF, and print the overview; give the letters' text
    parts (by name), their HTML files and the three output folders."""
    records = folder / "records"
    shutil.copytree(sample_records_dir(), records)
    day = {"SOURCE_DATE_EPOCH": "1796083200"}
    background.mentes(folder, "plan", *WINDOW, "--commit", "--data", str(records), **day)
    background.mentes(
        folder, "--lang", "nl", "letters", "--to", "brieven", "--data", str(records), **day
    )
    letters = folder / "brieven"
    pages_html, texts = [], {}
    for name in ("T-2026-022-planned", "T-2026-026-planned"):  # coaching with intake; BVV
        message = BytesParser(policy=policy.default).parsebytes(
            (letters / f"{name}.eml").read_bytes()
        )
        html = folder / f"{name}.html"
        html.write_text(message.get_body(("html",)).get_content(), encoding="utf-8")
        pages_html.append(html)
        texts[name] = message.get_body(("plain",)).get_content()
    seen = soffice(pages_html, "txt:Text (encoded):UTF8", folder, HTML_FILTER)
    printed = soffice(pages_html, "pdf:writer_pdf_Export", folder, HTML_FILTER)
    (overview,) = letters.glob("overzicht-*.xlsx")
    sheet = soffice([overview], "pdf", folder)
    return texts, pages_html, seen, printed, sheet / f"{overview.stem}.pdf"


# Made ahead, beside the other tests (see background.py).
RUNS = background.Runs(__name__, {"rendered": rendered} if WRITER else {})


def test_a_letter_and_the_overview_as_libreoffice_shows_them():
    texts, pages_html, seen, printed, overview = RUNS["rendered"]
    for html in pages_html:
        shown = (seen / f"{html.stem}.txt").read_text(encoding="utf-8-sig")
        lines = [line.strip() for line in shown.splitlines() if line.strip()]
        plain = [line.strip().lstrip("- ") for line in texts[html.stem].splitlines()]
        plain = [line for line in plain if line]
        # What the reader sees is what the text part says, line by line, in order: the
        # greeting first, every visit on a line of its own, the signature last.
        assert [line.lstrip("•\t ") for line in lines] == plain, html.stem
        assert lines[0].startswith("Beste ") and lines[-1] == "vot@kdg.be"
        assert pages(printed / f"{html.stem}.pdf") == 1
    assert pages(overview) == 1  # one A4 page for eight letters
