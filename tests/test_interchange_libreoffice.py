"""Workbooks at home in LibreOffice: re-saved by it they load the same; they print to PDF.

Skipped where LibreOffice (`soffice`) is not installed. Each test starts LibreOffice once
with its own profile folder, so that runs in parallel do not clash on its lock.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import background
from conftest import ONE_ORGANISATION, write_records
from excel_helpers import COORDINATOR_TOML, cells_both_ways, coordinator_sheets, write_workbook
from mentes_cli.errors import InputError
from mentes_cli.load.excel_records import load_workbook_records
from mentes_cli.load.toml_records import load_toml_folder
from mentes_cli.reference import sample_records_dir

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

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


def convert(sources: list[Path], to: str, folder: Path) -> list[Path]:
    """Give `sources` converted by LibreOffice to `to` (xlsx or pdf), in one run."""
    out = folder / f"libreoffice-{to}"
    out.mkdir()
    profile = folder / "libreoffice-profile"
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
    background.mentes(target.parent, "export", "--data", str(data), "--to", str(target))
    return target


def typed_sheets() -> dict:
    sheets = coordinator_sheets()
    sheets["Locaties"][1][6] = "=20+8"  # places of LOC-1, a formula LibreOffice calculates
    return sheets


def saved_again(folder: Path) -> dict[str, Path]:
    """The sample, odd records and a workbook typed by a coordinator (with a formula), as
    mentes wrote them and as LibreOffice saved them again."""
    odd = write_records(folder / "odd", organisations=ODD_TEXT, trajects=ODD_TRAJECTS)
    books = {
        "sample": export(sample_records_dir(), folder / "sample.xlsx"),
        "odd": export(odd, folder / "odd.xlsx"),
        "typed": write_workbook(folder / "typed.xlsx", typed_sheets()),
    }
    again = convert(list(books.values()), "xlsx", folder)
    return {
        "odd records": odd,
        **books,
        **{f"{name} again": path for name, path in zip(books, again, strict=True)},
    }


def printed(folder: Path) -> list[Path]:
    """The exported sample and the empty template, printed to PDF by LibreOffice."""
    book = export(sample_records_dir(), folder / "mentes.xlsx")
    template = folder / "leeg.xlsx"
    background.mentes(folder, "template", str(template))
    return convert([book, template], "pdf", folder)


# Made ahead, beside the other tests (see background.py).
RUNS = background.Runs(
    __name__, {"saved again": saved_again, "printed": printed} if SOFFICE else {}
)


def test_workbooks_saved_by_libreoffice_load_to_the_same_records(tmp_path):
    made = RUNS["saved again"]
    with pytest.raises(InputError, match="is a formula \\(=20\\+8\\) without a saved result"):
        load_workbook_records(made["typed"])

    sample_again, odd_again, typed_again = (
        made["sample again"], made["odd again"], made["typed again"]
    )  # fmt: skip
    for path in (sample_again, odd_again, typed_again):
        theirs, ours = cells_both_ways(path)
        assert ours == theirs

    records, notices = load_workbook_records(sample_again)
    assert records == load_toml_folder(sample_records_dir())
    assert notices == []
    records, notices = load_workbook_records(odd_again)
    assert records == load_toml_folder(made["odd records"])
    assert records.organisations[0].name == "=SUM(A1:A3)"
    typed = load_toml_folder(write_records(tmp_path / "typed", **COORDINATOR_TOML))
    assert load_workbook_records(typed_again)[0] == typed


def test_exported_and_template_workbooks_print_to_pdf():
    for pdf in RUNS["printed"]:
        assert pdf.read_bytes().startswith(b"%PDF")
        assert pdf.stat().st_size > 1000
