"""The sheet Brieven: a record workbook remembers the letters sent (SPEC 9).

Written through the records' safe write (lock, open-in-Excel and changed-since-read refused,
backup, atomic, every other sheet kept), but no change of the records: no history line, and
`undo` undoes the coordinator's last record change with Brieven kept as it is now.
"""

from __future__ import annotations

import io
import shutil
from email import policy
from email.parser import BytesParser
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

import background
from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from mentes_cli.letters.memory import read_memory, read_sheet
from mentes_cli.load import DataSource, load_records

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
FIRST = "1796083200"  # 2026-12-01, 00:00 UTC
SOFFICE = shutil.which("soffice")


def mentes(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a record workbook with the sample's trajects committed (made once; the
    tests change copies of it)."""
    folder = tmp_path_factory.mktemp("committed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIRST)
        mentes("init", str(folder / "w.xlsx"))
        mentes("plan", *WINDOW, "--commit", "--data", str(folder / "w.xlsx"))
    return folder


@pytest.fixture
def book(committed: Path, tmp_path: Path, monkeypatch) -> Path:
    """A record workbook with the sample's trajects committed, beside its backup and undo
    note, as `init` and `plan --commit` leave them."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    shutil.copytree(committed, tmp_path, dirs_exist_ok=True)
    return tmp_path / "w.xlsx"


def cells(path: Path) -> dict[str, tuple]:
    """Give every sheet but Brieven as a coordinator sees it: each cell's value, number
    format, font, fill, border and alignment; column widths, frozen panes, filter and
    drop-down lists. (Not the bytes of its XML: openpyxl renumbers the shared style table
    when it saves, as it does for every change of the records.)"""
    workbook = openpyxl.load_workbook(path)
    return {
        sheet.title: (
            [
                tuple(
                    (c.value, c.number_format, *map(repr, (c.font, c.fill, c.border, c.alignment)))
                    for c in row
                )
                for row in sheet.iter_rows()
            ],
            {k: d.width for k, d in sheet.column_dimensions.items()},
            sheet.freeze_panes,
            sheet.auto_filter.ref,
            [(str(v.sqref), v.formula1) for v in sheet.data_validations.dataValidation],
        )
        for sheet in workbook
        if sheet.title != "Brieven"
    }


def calendar_of(path: Path) -> Calendar:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    (attachment,) = message.iter_attachments()
    data = attachment.get_content()
    return Calendar.from_ical(data if isinstance(data, bytes) else data.encode())


def status_of(path: Path, traject: str) -> str:
    records = load_records(DataSource(path, "test")).records
    return next(t.status for t in records.trajects if t.id == traject)


def test_letters_go_into_the_sheet_and_a_second_run_writes_nothing(book: Path):
    before_cells = cells(book)
    history_before = list(openpyxl.load_workbook(book)["Historiek"].iter_rows(values_only=True))
    first = mentes("letters", "--to", str(book.parent / "a"), "--data", str(book))
    assert "remembered in the sheet Brieven of" in first.output
    letters = read_sheet(book.read_bytes(), book.name)
    assert len(letters) == 8 and {letter.kind for letter in letters} == {"planned"}
    assert all(letter.told for letter in letters)
    # Every other sheet as it was: the same cells, formats and layout.
    assert cells(book) == before_cells
    # No record change: no history line; the undo note follows the file.
    history = list(openpyxl.load_workbook(book)["Historiek"].iter_rows(values_only=True))
    assert history == history_before
    assert not (book.parent / "w.letters.toml").exists()

    content = book.read_bytes()
    backups = sorted((book.parent / "backup").iterdir())
    second = mentes("letters", "--to", str(book.parent / "b"), "--data", str(book))
    assert "No new letters: nothing was written." in second.output
    assert book.read_bytes() == content
    assert sorted((book.parent / "backup").iterdir()) == backups
    assert not (book.parent / "b").exists()


def test_the_sheet_brieven_reads_as_the_coordinator_sees_it(book: Path):
    mentes("letters", "--to", str(book.parent / "a"), "--data", str(book))
    sheet = openpyxl.load_workbook(book)["Brieven"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Brief", "Traject", "Soort brief", "Geschreven", "Bestand", "Aan", "Beantwoordt",
        "Nummer", "Soort", "Datum", "Start", "Uren", "Coach", "Status", "UID", "Volgnummer",
    )  # fmt: skip
    first = rows[1]
    assert first[:3] == (1, "T-2026-021", "planning") and first[8] == "bezoek"
    assert first[12] == "C-02" and first[13] == "gepland" and first[15] == 0
    # A letter's own columns on its first row only; its number and traject on every row.
    second = rows[2]
    assert second[:2] == (1, "T-2026-021") and second[2:7] == (None,) * 5
    assert sheet.freeze_panes == "A2" and sheet["J2"].number_format == "DD/MM/YYYY"


def test_cancel_letters_undo_letters_sends_a_higher_sequence(book: Path):
    folder = book.parent
    mentes("letters", "--to", str(folder / "a"), "--data", str(book))
    mentes("cancel", "T-2026-022", "--reason", "Sluiting", "--data", str(book))
    mentes("letters", "--to", str(folder / "b"), "--data", str(book))
    cancelled = calendar_of(folder / "b" / "T-2026-022-cancelled.eml").walk("VEVENT")
    sent = {str(e["UID"]): int(e["SEQUENCE"]) for e in cancelled}
    assert {str(e["STATUS"]) for e in cancelled} == {"CANCELLED"}

    # undo undoes the cancellation (the last record change), not the letters.
    assert "Undone" in mentes("undo", "--data", str(book)).output
    assert status_of(book, "T-2026-022") == "planned"
    remembered = read_sheet(book.read_bytes(), book.name)
    assert [r.kind for r in remembered if r.traject == "T-2026-022"] == ["planned", "cancelled"]

    mentes("letters", "--to", str(folder / "c"), "--data", str(book))
    (again,) = (folder / "c").glob("T-2026-022-*.eml")
    events = calendar_of(again).walk("VEVENT")
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED"}
    assert all(int(e["SEQUENCE"]) > sent[str(e["UID"])] for e in events)
    # Nothing is undone twice, and the letters are no change to undo.
    assert mentes("undo", "--data", str(book), code=1)


def test_undo_without_letters_in_between_still_works_and_keeps_brieven(book: Path):
    mentes("letters", "--to", str(book.parent / "a"), "--data", str(book))
    mentes("approve", "T-2026-020", "--data", str(book))
    kept = read_sheet(book.read_bytes(), book.name)
    mentes("undo", "--data", str(book))
    assert status_of(book, "T-2026-020") == "requested"
    assert read_sheet(book.read_bytes(), book.name) == kept


def test_a_workbook_changed_while_letters_ran_is_refused_with_nothing_written(
    book: Path, monkeypatch
):
    import mentes_cli.letters.memory as memory

    original = memory.sheet_bytes

    def excel_saves_meanwhile(content: bytes, name: str, added):
        workbook = openpyxl.load_workbook(book)
        workbook["Trajecten"]["A1"].comment = None
        workbook["Historiek"].cell(row=1, column=9, value="notitie")
        workbook.save(book)
        return original(content, name, added)

    monkeypatch.setattr(memory, "sheet_bytes", excel_saves_meanwhile)
    result = mentes("letters", "--to", str(book.parent / "a"), "--data", str(book), code=1)
    assert "changed on disk after mentes read it" in result.output
    assert not (book.parent / "a").exists()  # no drafts either: all or nothing
    assert "Brieven" not in openpyxl.load_workbook(book).sheetnames
    assert openpyxl.load_workbook(book)["Historiek"].cell(row=1, column=9).value == "notitie"


def test_letters_are_refused_while_excel_has_the_workbook_open(book: Path):
    (book.parent / "~$w.xlsx").write_bytes(b"owner")
    before = book.read_bytes()
    result = mentes("letters", "--to", str(book.parent / "a"), "--data", str(book), code=1)
    assert "is open in Excel or LibreOffice" in result.output
    assert book.read_bytes() == before and not (book.parent / "a").exists()


def test_the_memory_beside_a_workbook_of_an_earlier_mentes_moves_into_the_sheet(
    tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    records, book = tmp_path / "recs", tmp_path / "w.xlsx"
    mentes("init", str(records))
    mentes("plan", *WINDOW, "--commit", "--data", str(records))
    mentes("export", "--to", str(book), "--data", str(records))
    mentes("letters", "--to", str(tmp_path / "a"), "--data", str(records))
    # What an earlier mentes wrote beside the workbook: the same memory.
    legacy = tmp_path / "w.letters.toml"
    shutil.copyfile(records / "letters.toml", legacy)
    sent = read_memory(legacy)

    result = mentes("letters", "--to", str(tmp_path / "b"), "--data", str(book))
    assert "No new letters." in result.output and "w.letters.toml is removed" in result.output
    assert not legacy.exists() and not (tmp_path / "b").exists()
    assert read_sheet(book.read_bytes(), book.name) == sent
    again = mentes("letters", "--to", str(tmp_path / "b"), "--data", str(book))
    assert "No new letters: nothing was written." in again.output


def test_the_move_of_an_old_memory_speaks_dutch(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    records, book = tmp_path / "recs", tmp_path / "w.xlsx"
    mentes("init", str(records))
    mentes("plan", *WINDOW, "--commit", "--data", str(records))
    mentes("export", "--to", str(book), "--data", str(records))
    mentes("letters", "--to", str(tmp_path / "a"), "--data", str(records))
    shutil.copyfile(records / "letters.toml", tmp_path / "w.letters.toml")
    result = mentes("--lang", "nl", "letters", "--to", str(tmp_path / "b"), "--data", str(book))
    lines = "\n".join(
        line for line in result.output.splitlines() if not line.startswith("Gegevens: ")
    )
    assert "Geen nieuwe brieven." in lines and "is verwijderd" in lines
    assert not english_left(lines), lines


def test_export_and_import_carry_the_sheet_both_ways(book: Path):
    folder = book.parent
    mentes("letters", "--to", str(folder / "a"), "--data", str(book))
    sent = read_sheet(book.read_bytes(), book.name)
    mentes("import", str(book), "--to", str(folder / "back"))
    assert read_memory(folder / "back" / "letters.toml") == sent
    mentes("export", "--to", str(folder / "again.xlsx"), "--data", str(folder / "back"))
    again = folder / "again.xlsx"
    assert read_sheet(again.read_bytes(), again.name) == sent
    for records in (folder / "back", again):
        result = mentes("letters", "--to", str(folder / "none"), "--data", str(records))
        assert "No new letters" in result.output


def test_a_broken_row_of_the_sheet_is_named(book: Path):
    mentes("letters", "--to", str(book.parent / "a"), "--data", str(book))
    workbook = openpyxl.load_workbook(book)
    workbook["Brieven"]["N3"] = "misschien"
    workbook.save(book)
    result = mentes("letters", "--to", str(book.parent / "b"), "--data", str(book), code=1)
    assert "w.xlsx, sheet Brieven, row 3, Status: 'misschien' is no state of a visit" in (
        result.output
    )
    assert not (book.parent / "b").exists()


def test_validate_and_trajects_ignore_the_sheet(book: Path):
    mentes("letters", "--to", str(book.parent / "a"), "--data", str(book))
    result = mentes("validate", "--data", str(book))
    assert "Brieven" not in result.output
    assert "Brieven" not in mentes("trajects", "--data", str(book)).output


def opened_in_libreoffice(folder: Path) -> tuple[Path, Path]:
    """A record workbook with the sample's trajects committed and its letters written, saved
    again and printed by LibreOffice; give the workbook and LibreOffice's folder."""
    import subprocess

    book = folder / "w.xlsx"
    background.mentes(folder, "init", str(book), SOURCE_DATE_EPOCH=FIRST)
    background.mentes(
        folder, "plan", *WINDOW, "--commit", "--data", str(book), SOURCE_DATE_EPOCH=FIRST
    )
    background.mentes(
        folder, "letters", "--to", str(folder / "a"), "--data", str(book), SOURCE_DATE_EPOCH=FIRST
    )
    out = folder / "lo"
    profile = folder / "lo-profile"
    for kind in ("xlsx", "pdf"):
        result = subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                kind,
                "--outdir",
                str(out),
                str(book),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    return book, out


# Made ahead, beside the other tests (see background.py).
RUNS = background.Runs(__name__, {"opened": opened_in_libreoffice} if SOFFICE else {})


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_workbook_with_brieven_opens_in_libreoffice():
    book, out = RUNS["opened"]
    sent = read_sheet(book.read_bytes(), book.name)
    assert len(sent) == 8
    assert (out / "w.pdf").read_bytes().startswith(b"%PDF")
    # Saved again by LibreOffice, the sheet reads back the same letters.
    saved = (out / "w.xlsx").read_bytes()
    assert read_sheet(saved, "w.xlsx") == sent
    assert "Brieven" in openpyxl.load_workbook(io.BytesIO(saved)).sheetnames


def test_a_workbook_that_saving_would_damage_gets_no_letters(book: Path):
    from openpyxl.chart import BarChart, Reference

    workbook = openpyxl.load_workbook(book)
    chart = BarChart()
    chart.add_data(Reference(workbook["Coaches"], min_col=1, min_row=1, max_row=2))
    workbook["Coaches"].add_chart(chart, "H2")
    workbook.save(book)
    before = book.read_bytes()
    result = mentes("letters", "--to", str(book.parent / "a"), "--data", str(book), code=1)
    assert "sheet Coaches: a drawing (a chart, an image or a shape)" in result.output
    assert book.read_bytes() == before and not (book.parent / "a").exists()
