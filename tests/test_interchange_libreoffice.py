"""Workbooks at home in LibreOffice: re-saved by it they load the same; they print to PDF.

Skipped where LibreOffice (`soffice`) is not installed. Each test starts LibreOffice once
with its own profile folder, so that runs in parallel do not clash on its lock.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cli_runner import CliRunner
from conftest import ONE_ORGANISATION, write_records
from excel_helpers import COORDINATOR_TOML, cells_both_ways, coordinator_sheets, write_workbook
from mentes_cli.cli import app
from mentes_cli.errors import InputError
from mentes_cli.load.excel_records import load_workbook_records
from mentes_cli.load.toml_records import load_toml_folder
from mentes_cli.reference import sample_records_dir

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
runner = CliRunner()

ODD_TEXT = (
    ONE_ORGANISATION.replace('name = "Vzw Test"', 'name = "=SUM(A1:A3)"')
    .replace('name = "Test Berchem"', 'name = "Crèche Zoë 🧸 \'s-Gravenwezel"')
    .replace('postcode = "2600"', 'postcode = "2600"\nmunicipality = "+32 3 123 45 67"')
    + 'district = "@home"\nopening_hours = "07:00-18:00"\n'
    + 'closures = [{ start = 2027-02-28, end = 2027-03-01, reason = "-onderhoud\\nen\\tverf" }]\n'
)
ODD_TRAJECTS = f"""\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "coaching"
status = "requested"
theme = "{"lang thema " * 2000}"
"""


def convert(sources: list[Path], to: str, tmp_path: Path) -> list[Path]:
    """Give `sources` converted by LibreOffice to `to` (xlsx or pdf), in one run."""
    out = tmp_path / f"libreoffice-{to}"
    out.mkdir()
    profile = tmp_path / "libreoffice-profile"
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    converted = [out / f"{source.stem}.{to}" for source in sources]
    assert result.returncode == 0, result.stderr
    assert all(path.is_file() for path in converted), (result.stdout, result.stderr)
    return converted


def export(data: Path, target: Path) -> Path:
    result = runner.invoke(app, ["export", "--data", str(data), "--to", str(target)])
    assert result.exit_code == 0, result.output
    return target


def test_workbooks_saved_by_libreoffice_load_to_the_same_records(tmp_path):
    odd = write_records(tmp_path / "odd", organisations=ODD_TEXT, trajects=ODD_TRAJECTS)
    sample_book = export(sample_records_dir(), tmp_path / "sample.xlsx")
    odd_book = export(odd, tmp_path / "odd.xlsx")
    sheets = coordinator_sheets()
    sheets["Locaties"][1][6] = "=20+8"  # places of LOC-1, a formula LibreOffice calculates
    typed_book = write_workbook(tmp_path / "typed.xlsx", sheets)
    with pytest.raises(InputError, match="is a formula \\(=20\\+8\\) without a saved result"):
        load_workbook_records(typed_book)

    sample_again, odd_again, typed_again = convert(
        [sample_book, odd_book, typed_book], "xlsx", tmp_path
    )

    for path in (sample_again, odd_again, typed_again):
        theirs, ours = cells_both_ways(path)
        assert ours == theirs

    records, notices = load_workbook_records(sample_again)
    assert records == load_toml_folder(sample_records_dir())
    assert notices == []
    records, notices = load_workbook_records(odd_again)
    assert records == load_toml_folder(odd)
    assert records.organisations[0].name == "=SUM(A1:A3)"
    typed = load_toml_folder(write_records(tmp_path / "typed", **COORDINATOR_TOML))
    assert load_workbook_records(typed_again)[0] == typed


def test_exported_and_template_workbooks_print_to_pdf(tmp_path):
    book = export(sample_records_dir(), tmp_path / "mentes.xlsx")
    template = tmp_path / "leeg.xlsx"
    result = runner.invoke(app, ["template", str(template)])
    assert result.exit_code == 0, result.output

    for pdf in convert([book, template], "pdf", tmp_path):
        assert pdf.read_bytes().startswith(b"%PDF")
        assert pdf.stat().st_size > 1000
