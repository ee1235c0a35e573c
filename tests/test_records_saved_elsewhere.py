"""Records as other programs save them stay records mentes can change (SPEC 8).

LibreOffice writes an empty drawing with every sheet; a coordinator formats a sheet as an
Excel table; Notepad saves TOML with Windows line endings. A change keeps each of them as it
is. The LibreOffice round trip is skipped where LibreOffice (`soffice`) is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

import background
from cli_runner import CliRunner
from excel_helpers import sheet_part, zip_with
from mentes_cli.cli import app
from mentes_cli.errors import UnsafeWorkbookError
from mentes_cli.records.workbook_form import check_workbook

runner = CliRunner()
SOFFICE = shutil.which("soffice")
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]

DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
DRAWING_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
# What LibreOffice Calc writes for a sheet without any drawing (299 bytes).
EMPTY_DRAWING = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<xdr:wsDr xmlns:xdr="{DRAWING_NS}" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "</xdr:wsDr>"
)
# A drawing holding one shape (a rectangle), which openpyxl would drop on saving.
SHAPE_DRAWING = EMPTY_DRAWING.replace(
    "</xdr:wsDr>",
    "<xdr:twoCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff>"
    "<xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>3</xdr:col>"
    "<xdr:colOff>0</xdr:colOff><xdr:row>4</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    '<xdr:sp><xdr:nvSpPr><xdr:cNvPr id="2" name="Rechthoek 1"/><xdr:cNvSpPr/></xdr:nvSpPr>'
    '<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:sp>'
    "<xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>",
)


def mentes(book: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(book)])
    assert result.exit_code == code, result.output
    return result


def exported(tmp_path: Path, name: str = "wb.xlsx") -> Path:
    book = tmp_path / name
    result = runner.invoke(app, ["export", "--to", str(book)])
    assert result.exit_code == 0, result.output
    return book


def with_drawing(book: Path, title: str, drawing: str) -> Path:
    """Give `title` of `book` a drawing part, the way LibreOffice links one to a sheet."""
    part = sheet_part(book, title)
    folder, name = part.rsplit("/", 1)
    rels = f"{folder}/_rels/{name}.rels"
    with zipfile.ZipFile(book) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    assert rels not in entries  # the export links nothing to its sheets
    number = sum(1 for n in entries if n.startswith("xl/drawings/drawing")) + 1
    entries[f"xl/drawings/drawing{number}.xml"] = drawing.encode()
    entries[rels] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{DRAWING_TYPE}" Target="../drawings/drawing{number}.xml"/></Relationships>'
    ).encode()
    sheet = entries[part].decode()
    entries[part] = sheet.replace(
        "</worksheet>",
        '<drawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships" r:id="rId1"/></worksheet>',
    ).encode()
    types = entries["[Content_Types].xml"].decode()
    entries["[Content_Types].xml"] = types.replace(
        "</Types>",
        f'<Override PartName="/xl/drawings/drawing{number}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
    ).encode()
    book.write_bytes(zip_with(entries))
    return book


def cells(book: Path) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(book)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


# --- LibreOffice's empty drawings ----------------------------------------------------------


def test_an_empty_drawing_is_accepted_and_a_change_keeps_everything_else(tmp_path):
    book = with_drawing(exported(tmp_path), "Trajecten", EMPTY_DRAWING)
    with_drawing(book, "Organisaties", EMPTY_DRAWING)
    before = cells(book)
    mentes(book, "approve", "T-2026-020")
    after = cells(book)
    assert set(after) == {*before, "Historiek"}
    for title in before:
        if title != "Trajecten":
            assert after[title] == before[title], title
    changed = [
        (b, a) for b, a in zip(before["Trajecten"], after["Trajecten"], strict=True) if a != b
    ]
    assert [(b[0], a[0]) for b, a in changed] == [("T-2026-020", "T-2026-020")]
    assert [row[2:7] for row in after["Historiek"][1:]] == [
        ("approve T-2026-020", "T-2026-020", "Status", "aangevraagd", "goedgekeurd")
    ]  # the workbook's own words (the history reads them back as codes)


def test_a_drawing_with_a_shape_is_still_refused(tmp_path):
    book = with_drawing(exported(tmp_path), "Trajecten", SHAPE_DRAWING)
    with_drawing(book, "Organisaties", EMPTY_DRAWING)
    before = book.read_bytes()
    with pytest.raises(UnsafeWorkbookError) as caught:
        check_workbook(before, book.name)
    assert "sheet Trajecten: a drawing (a chart, an image or a shape)" in str(caught.value)
    assert "Organisaties" not in str(caught.value)
    result = mentes(book, "approve", "T-2026-020", code=1)
    assert "sheet Trajecten: a drawing" in result.output
    assert book.read_bytes() == before


def test_a_drawing_that_cannot_be_found_is_refused(tmp_path):
    book = with_drawing(exported(tmp_path), "Trajecten", EMPTY_DRAWING)
    with zipfile.ZipFile(book) as archive:
        entries = {n: archive.read(n) for n in archive.namelist() if "drawings/" not in n}
    with pytest.raises(UnsafeWorkbookError, match="sheet Trajecten: a drawing"):
        check_workbook(zip_with(entries), book.name)


def saved_by_libreoffice(folder: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """The sample exported, and saved again by LibreOffice; give LibreOffice's run and the
    workbook it saved."""
    book = folder / "wb.xlsx"
    background.mentes(folder, "export", "--to", str(book))
    profile = folder / "libreoffice-profile"
    out = folder / "saved"
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(book),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    return result, out / "wb.xlsx"


# Made ahead, beside the other tests (see background.py).
RUNS = background.Runs(__name__, {"saved": saved_by_libreoffice} if SOFFICE else {})


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_workbook_saved_by_libreoffice_can_be_changed(tmp_path):
    result, made = RUNS["saved"]
    assert result.returncode == 0 and made.is_file(), result.stderr
    saved = tmp_path / "wb.xlsx"
    shutil.copyfile(made, saved)
    with zipfile.ZipFile(saved) as archive:
        assert any(n.startswith("xl/drawings/") for n in archive.namelist())
    before = cells(saved)
    mentes(saved, "approve", "T-2026-020")
    mentes(saved, "plan", *WINDOW, "--commit")
    after = cells(saved)
    for title in ("Organisaties", "Locaties", "Sluitingen", "Coaches", "Verlof"):
        assert after[title] == before[title], title
    assert len([r for r in after["Bezoeken"][1:] if r[0]]) > 0
    statuses = {row[0]: row for row in after["Trajecten"][1:] if row[0]}
    assert "gepland" in statuses["T-2026-020"]


# --- a sheet formatted as an Excel table ------------------------------------------------------


def as_table(book: Path, title: str, name: str) -> None:
    """Format the rows of `title` as a table, as "Format as Table" in Excel does (the table
    has its own filter; the sheet's is removed)."""
    from openpyxl.worksheet.table import Table, TableStyleInfo

    workbook = openpyxl.load_workbook(book)
    sheet = workbook[title]
    sheet.auto_filter.ref = None
    last = max(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value)
    last = max(last, 2)
    table = Table(displayName=name, ref=f"A1:{sheet.cell(1, sheet.max_column).column_letter}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    workbook.save(book)


def tables(book: Path, title: str) -> dict[str, tuple[str, str | None]]:
    sheet = openpyxl.load_workbook(book)[title]
    return {
        table.displayName: (table.ref, table.autoFilter.ref if table.autoFilter else None)
        for table in sheet.tables.values()
    }


def test_a_new_traject_lands_inside_the_table_of_its_sheet(tmp_path):
    book = exported(tmp_path)
    as_table(book, "Trajecten", "Aanvragen")
    assert tables(book, "Trajecten") == {"Aanvragen": ("A1:N15", "A1:N15")}
    mentes(book, "request", "LOC-011", "bvv-basis")
    assert tables(book, "Trajecten") == {"Aanvragen": ("A1:N16", "A1:N16")}
    assert openpyxl.load_workbook(book)["Trajecten"]["A16"].value == "T-2026-029"
    mentes(book, "request", "LOC-011", "coaching")
    assert tables(book, "Trajecten") == {"Aanvragen": ("A1:N17", "A1:N17")}


def test_new_visits_land_inside_the_table_of_sheet_bezoeken(tmp_path):
    book = exported(tmp_path)
    as_table(book, "Bezoeken", "Bezoeken_tabel")  # the header and one blank row
    mentes(book, "plan", *WINDOW, "--commit")
    sheet = openpyxl.load_workbook(book)["Bezoeken"]
    last = max(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value)
    assert last > 40
    assert tables(book, "Bezoeken") == {"Bezoeken_tabel": (f"A1:J{last}", f"A1:J{last}")}


def test_the_sheet_filter_takes_in_a_new_traject(tmp_path):
    book = exported(tmp_path)
    assert openpyxl.load_workbook(book)["Trajecten"].auto_filter.ref == "A1:N15"
    mentes(book, "request", "LOC-011", "bvv-basis")
    assert openpyxl.load_workbook(book)["Trajecten"].auto_filter.ref == "A1:N16"


# --- TOML saved with Windows line endings ------------------------------------------------------


def test_toml_with_windows_line_endings_keeps_them_on_every_line(tmp_path):
    """The same commands on the sample with LF and with CRLF give the same bytes, but for the
    line ending: every line mentes adds or edits ends as the file's lines do."""
    from mentes_cli.reference import sample_records_dir

    folders = {}
    for ending in ("\n", "\r\n"):
        folder = tmp_path / ("crlf" if ending == "\r\n" else "lf")
        shutil.copytree(sample_records_dir(), folder)
        text = (folder / "trajects.toml").read_bytes().decode()
        (folder / "trajects.toml").write_bytes(text.replace("\n", ending).encode())
        for args in (
            ["request", "LOC-011", "bvv-basis", "--theme", "taal"],
            ["approve", "T-2026-020"],
            ["plan", *WINDOW, "--commit"],
            ["cancel", "T-2026-021", "--reason", "verhuisd"],
            ["edit", "T-2026-029", "--theme", "spel"],
        ):
            mentes(folder, *args)
        folders[ending] = (folder / "trajects.toml").read_bytes()
    windows = folders["\r\n"]
    assert windows.count(b"\n") == windows.count(b"\r\n") > 700
    assert windows == folders["\n"].replace(b"\n", b"\r\n")


def test_a_crlf_file_edited_as_a_whole_keeps_crlf_too():
    """A header inside a multi-line string: the file is edited through tomlkit as one
    document."""
    from mentes_cli.records.toml_form import TrajectsToml

    text = (
        "# mijn trajecten\r\n[[trajects]]\r\n"
        'id = "T-1"\r\nlocation = "LOC-1"\r\noffer = "coaching"\r\n'
        'theme = """\r\n[[trajects]]\r\n"""\r\nstatus = "approved"\r\n'
    )
    form = TrajectsToml(text)
    form.set_fields("T-1", {"status": "planned", "coach": "C-1"})
    form.add_visit("T-1", {"number": 1, "kind": "visit", "coach": "C-1", "hours": 3.0})
    form.add_traject({"id": "T-2", "location": "LOC-1", "offer": "B", "status": "requested"})
    new = form.text()
    assert new.startswith("# mijn trajecten\r\n[[trajects]]\r\n")
    assert new.count("\n") == new.count("\r\n") > 12
    assert 'coach = "C-1"' in new and 'id = "T-2"' in new


def test_a_file_with_unix_line_endings_stays_so():
    from mentes_cli.records.toml_form import TrajectsToml

    form = TrajectsToml('[[trajects]]\nid = "T-1"\nstatus = "approved"\n')
    form.add_visit("T-1", {"number": 1, "kind": "visit"})
    assert "\r" not in form.text()
