"""Hostile inputs, made on demand: for tests/test_hostile.py and benchmarks/bench_hostile.py.

Each case is a function that writes its input into a folder and gives the path to hand to
`mentes validate --data`: a workbook file, or a folder of TOML record files. Nothing here is
committed as a binary; every file is built from the few lines below, in tmp_path.

Zip archives that zipfile will not write (a directory that lies, an entry flagged as
encrypted, a deflate stream of hundreds of MB made in a millisecond) are assembled by hand
by `raw_zip`.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from conftest import ONE_ORGANISATION

Rows = list[list[Any]]

ORGANISATIONS_HEADER = ["Id", "Naam", "E-mail", "PRIOR (Opgroeien)"]
# fmt: off
LOCATIONS_HEADER = [
    "Id", "Naam", "Organisatie", "Type opvang", "Subsidietrap", "IKT-plaatsen", "Plaatsen",
    "Postcode",
]
# fmt: on
CLOSURES_HEADER = ["Locatie", "Van", "Tot en met", "Reden"]
LOCATION_ROW = ["LOC-1", "Test Berchem", "ORG-1", "groepsopvang", 2, 12, 28, 2600]

# The smallest valid record set, shared with the other loader tests.
ONE_ORGANISATION_TOML = ONE_ORGANISATION

# Names a coordinator could type (or paste) that a terminal must not interpret.
MARKUP_NAME = "[bold red]x[/] [link=https://example.invalid]klik[/link]"
C1_NAME = "Vzw \u009b31mRood\u009b0m \u0090q\u009c"
ESCAPE_NAME = "Vzw \x1b[31mRood\x1b[0m \x07bel \x1b]8;;https://example.invalid\x1b\\link"


def valid_sheets() -> dict[str, Rows]:
    """Give the smallest valid workbook: one organisation with one location, in Dutch."""
    return {
        "Organisaties": [list(ORGANISATIONS_HEADER), ["ORG-1", "Vzw Test", None, None]],
        "Locaties": [list(LOCATIONS_HEADER), list(LOCATION_ROW)],
    }


def workbook_bytes(
    sheets: dict[str, Rows],
    *,
    epoch_1904: bool = False,
    merges: tuple[tuple[str, str], ...] = (),
    formats: dict[str, str] | None = None,
) -> bytes:
    """Give the bytes of a workbook with `sheets` (title -> rows, row 1 the headers).

    Dates become date cells; a text starting with `=` becomes a formula, as when typed.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    if epoch_1904:
        workbook.epoch = CALENDAR_MAC_1904
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row_number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
                if formats and cell.coordinate in formats:
                    cell.number_format = formats[cell.coordinate]
    for title, ref in merges:
        workbook[title].merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_entries(content: bytes) -> dict[str, bytes]:
    """Give every file inside the zip archive `content`, by name, in order."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_parts(content: bytes, parts: dict[str, bytes | None]) -> bytes:
    """Give the workbook `content` with some inner files replaced (None removes one)."""
    entries = zip_entries(content)
    for name, data in parts.items():
        if data is None:
            entries.pop(name, None)
        else:
            entries[name] = data
    return raw_zip([ZipEntry(name, data) for name, data in entries.items()])


@dataclass
class ZipEntry:
    """One file for `raw_zip`: its data, or a ready deflate stream with what to declare."""

    name: str
    data: bytes = b""
    deflated: bytes | None = None
    size: int | None = None
    crc: int | None = None
    flags: int = 0


def raw_zip(entries: list[ZipEntry]) -> bytes:
    """Give a zip archive assembled by hand, declaring exactly what each entry says."""
    body = io.BytesIO()
    directory = io.BytesIO()
    dos_time, dos_date = 0, (2027 - 1980) << 9 | 1 << 5 | 1
    for entry in entries:
        name = entry.name.encode()
        if entry.deflated is None:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed = packer.compress(entry.data) + packer.flush()
            size = len(entry.data) if entry.size is None else entry.size
            crc = zlib.crc32(entry.data) if entry.crc is None else entry.crc
        else:
            packed = entry.deflated
            size = entry.size or 0
            crc = entry.crc or 0
        offset = body.tell()
        # The fields the local header and the directory share: flags, method (deflate),
        # time, date, CRC, packed size, declared size, name length.
        shared = (entry.flags, 8, dos_time, dos_date, crc, len(packed), size, len(name))
        body.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, *shared, 0))
        body.write(name)
        body.write(packed)
        directory.write(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, *shared, 0, 0, 0, 0, 0, offset)
        )
        directory.write(name)
    start = body.tell()
    listing = directory.getvalue()
    count = len(entries)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(listing), start, 0)
    return body.getvalue() + listing + end


def deflated_zeros(megabytes: int) -> tuple[bytes, int, int]:
    """Give a deflate stream of `megabytes` MB of zero bytes, its CRC-32 and its size.

    After a full flush the compressor starts afresh, so every further megabyte packs to the
    same bytes: the stream is built by repetition, not by compressing it all.
    """
    chunk = b"\0" * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    stream = first + again * (megabytes - 1) + packer.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return stream, crc, megabytes << 20


# openpyxl writes the sheets in order: the first (Organisaties) is sheet1.xml.
SHEET1 = "xl/worksheets/sheet1.xml"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def inline_sheet_xml(rows: list[list[str]], doctype: str = "") -> bytes:
    """Give sheet XML with inline-string cells; `doctype` goes before the root element.

    A cell text of the form `&name;` is written as an entity reference, not escaped.
    """
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', doctype]
    out.append(f'<worksheet xmlns="{_MAIN}"><sheetData>')
    for number, row in enumerate(rows, start=1):
        out.append(f'<row r="{number}">')
        for column, text in enumerate(row):
            ref = f"{chr(ord('A') + column)}{number}"
            if not (text.startswith("&") and text.endswith(";")):
                text = text.replace("&", "&amp;").replace("<", "&lt;")
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out).encode()


# --- the cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile input: a name, what it is, and the function that writes it."""

    name: str
    what: str
    build: Callable[[Path], Path]


CASES: dict[str, Case] = {}


def case(what: str):
    """Register a builder as a case named after the function (underscores as hyphens)."""

    def register(build: Callable[[Path], Path]) -> Callable[[Path], Path]:
        name = build.__name__.replace("_", "-")
        CASES[name] = Case(name, what, build)
        return build

    return register


def _file(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def records_folder(folder: Path, **files: bytes) -> Path:
    """Give a folder `records` in `folder` holding the TOML files given as bytes."""
    records = folder / "records"
    records.mkdir()
    for name, content in files.items():
        (records / f"{name}.toml").write_bytes(content)
    return records


@case("billion laughs: nested entities in a sheet's XML (a few GB if expanded)")
def xml_bomb(folder: Path) -> Path:
    levels = ['<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        levels.append(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">')
    doctype = f"<!DOCTYPE worksheet [{''.join(levels)}]>"
    sheet = inline_sheet_xml(
        [ORGANISATIONS_HEADER, ["ORG-1", "&lol9;"]],
        doctype,
    )
    content = workbook_bytes(valid_sheets())
    return _file(folder, "bomb.xlsx", with_parts(content, {SHEET1: sheet}))


@case("external entity: a header cell that would hold /etc/passwd")
def external_entity(folder: Path) -> Path:
    doctype = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    sheet = inline_sheet_xml(
        [[*ORGANISATIONS_HEADER, "&xxe;"], ["ORG-1", "Vzw Test"]],
        doctype,
    )
    content = workbook_bytes(valid_sheets())
    return _file(folder, "xxe.xlsx", with_parts(content, {SHEET1: sheet}))


@case("zip bomb: a 300 KB file whose sheet unpacks to 300 MB")
def zip_bomb(folder: Path) -> Path:
    stream, crc, size = deflated_zeros(300)
    entries = zip_entries(workbook_bytes(valid_sheets()))
    parts = [ZipEntry(n, d) for n, d in entries.items() if n != SHEET1]
    parts.append(ZipEntry(SHEET1, deflated=stream, size=size, crc=crc))
    return _file(folder, "zipbomb.xlsx", raw_zip(parts))


@case("zip bomb whose directory lies: declares 2 KB, inflates to 300 MB")
def zip_bomb_lying(folder: Path) -> Path:
    stream, crc, _ = deflated_zeros(300)
    entries = zip_entries(workbook_bytes(valid_sheets()))
    parts = [
        ZipEntry(name, data, deflated=stream, size=2048, crc=crc)
        if name == SHEET1
        else ZipEntry(name, data)
        for name, data in entries.items()
    ]
    return _file(folder, "liar.xlsx", raw_zip(parts))


@case("too many files inside the zip (5,000 empty entries)")
def zip_many_entries(folder: Path) -> Path:
    entries = [ZipEntry(n, d) for n, d in zip_entries(workbook_bytes(valid_sheets())).items()]
    entries += [ZipEntry(f"xl/media/empty{n}.bin") for n in range(5000)]
    return _file(folder, "many.xlsx", raw_zip(entries))


@case("a zip entry flagged as encrypted (what zip tools write with a password)")
def zip_encrypted_entry(folder: Path) -> Path:
    entries = [
        ZipEntry(name, data, flags=0x1 if name.endswith("sheet1.xml") else 0)
        for name, data in zip_entries(workbook_bytes(valid_sheets())).items()
    ]
    return _file(folder, "locked.xlsx", raw_zip(entries))


@case("a CSV file renamed to .xlsx")
def renamed_csv(folder: Path) -> Path:
    text = "Id;Naam;Organisatie\r\nLOC-1;Test Berchem;ORG-1\r\n"
    return _file(folder, "locaties.xlsx", text.encode("cp1252"))


@case("an empty file named .xlsx (0 bytes)")
def empty_workbook(folder: Path) -> Path:
    return _file(folder, "leeg.xlsx", b"")


@case("a workbook cut off halfway (an interrupted download)")
def truncated_zip(folder: Path) -> Path:
    content = workbook_bytes(valid_sheets())
    return _file(folder, "half.xlsx", content[: len(content) // 2])


@case("OLE2 compound file bytes named .xlsx (how Excel stores a password-protected book)")
def password_protected(folder: Path) -> Path:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
    return _file(folder, "beveiligd.xlsx", header + b"\0" * 4066)


@case("an Excel 97-2003 .xls file")
def old_xls(folder: Path) -> Path:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
    return _file(folder, "oud.xls", header + b"\0" * 4066)


@case("an Excel binary workbook (.xlsb) renamed to .xlsx")
def xlsb_renamed(folder: Path) -> Path:
    entries = [
        ZipEntry("[Content_Types].xml", b"<Types/>"),
        ZipEntry("xl/workbook.bin", b"\x83\x01\x00"),
    ]
    return _file(folder, "binair.xlsx", raw_zip(entries))


@case("a zip archive without [Content_Types].xml")
def zip_not_workbook(folder: Path) -> Path:
    return _file(folder, "archief.xlsx", raw_zip([ZipEntry("notes.txt", b"hello")]))


@case("a workbook whose sheets are named Blad1 and Blad2")
def missing_sheets(folder: Path) -> Path:
    sheets = {"Blad1": [["Id", "Naam"], ["ORG-1", "Vzw Test"]], "Blad2": [["x"]]}
    return _file(folder, "bladen.xlsx", workbook_bytes(sheets))


@case("a merge across columns in a data row")
def merged_across(folder: Path) -> Path:
    content = workbook_bytes(valid_sheets(), merges=(("Locaties", "B2:C2"),))
    return _file(folder, "merged.xlsx", content)


@case("a formula without a cached result (written by a script, never opened)")
def formula_without_value(folder: Path) -> Path:
    sheets = valid_sheets()
    sheets["Locaties"][1][6] = "=20+8"
    return _file(folder, "formule.xlsx", workbook_bytes(sheets))


@case("an error cell #N/A where a number is expected")
def error_cell(folder: Path) -> Path:
    content = workbook_bytes(valid_sheets())
    sheet = zip_entries(content)["xl/worksheets/sheet2.xml"].decode()
    # openpyxl writes plain numbers; make G2 (Plaatsen) an error cell as Excel would save it.
    sheet = sheet.replace('<c r="G2" t="n"><v>28</v></c>', '<c r="G2" t="e"><v>#N/A</v></c>')
    assert 't="e"' in sheet, "the sheet XML did not hold the expected cell"
    return _file(
        folder, "fout.xlsx", with_parts(content, {"xl/worksheets/sheet2.xml": sheet.encode()})
    )


@case("a workbook made on a Mac with the 1904 date system (accepted)")
def workbook_1904(folder: Path) -> Path:
    sheets = valid_sheets()
    sheets["Sluitingen"] = [
        list(CLOSURES_HEADER),
        ["LOC-1", date(2026, 12, 24), date(2027, 1, 1), "kerstsluiting"],
    ]
    return _file(folder, "mac.xlsx", workbook_bytes(sheets, epoch_1904=True))


@case("wrong types in cells: a word, a fraction and TRUE in whole-number columns")
def wrong_types_workbook(folder: Path) -> Path:
    sheets = valid_sheets()
    sheets["Locaties"][1][4:7] = ["twee", 3.5, True]
    return _file(folder, "types.xlsx", workbook_bytes(sheets))


@case("an impossible date typed as text: 31/02/2027")
def impossible_date_workbook(folder: Path) -> Path:
    sheets = valid_sheets()
    sheets["Sluitingen"] = [list(CLOSURES_HEADER), ["LOC-1", "31/02/2027", "01/03/2027", None]]
    return _file(folder, "datum.xlsx", workbook_bytes(sheets))


@case("markup and terminal escape sequences in names, in a workbook (accepted)")
def escapes_workbook(folder: Path) -> Path:
    sheets = valid_sheets()
    sheets["Organisaties"][1][1] = MARKUP_NAME
    # XML cannot hold ESC or BEL, but it holds the C1 controls: U+009B is a one-character CSI.
    sheets["Locaties"][1][1] = C1_NAME
    return _file(folder, "namen.xlsx", workbook_bytes(sheets))


@case("a date that does not exist in TOML: 2027-02-31")
def impossible_date_toml(folder: Path) -> Path:
    text = ONE_ORGANISATION_TOML + "closures = [{ start = 2027-02-31, end = 2027-03-01 }]\n"
    return records_folder(folder, organisations=text.encode())


@case("a UTF-8 byte order mark, as Notepad writes (accepted)")
def bom_toml(folder: Path) -> Path:
    return records_folder(folder, organisations=b"\xef\xbb\xbf" + ONE_ORGANISATION_TOML.encode())


@case("Windows line endings (CRLF) (accepted)")
def crlf_toml(folder: Path) -> Path:
    return records_folder(
        folder, organisations=ONE_ORGANISATION_TOML.replace("\n", "\r\n").encode()
    )


@case("a TOML file saved as Latin-1 (é as one byte)")
def latin1_toml(folder: Path) -> Path:
    text = ONE_ORGANISATION_TOML.replace('"Vzw Test"', '"Crèche Les Petits Génies"')
    return records_folder(folder, organisations=text.encode("latin-1"))


@case("a TOML file saved as UTF-16, as Notepad's 'Unicode'")
def utf16_toml(folder: Path) -> Path:
    return records_folder(folder, organisations=ONE_ORGANISATION_TOML.encode("utf-16"))


@case("a NUL byte inside a TOML file")
def nul_byte_toml(folder: Path) -> Path:
    text = ONE_ORGANISATION_TOML.replace('"Vzw Test"', '"Vzw\0Test"')
    return records_folder(folder, organisations=text.encode())


@case("arrays nested 100,000 deep in TOML")
def deep_nesting_toml(folder: Path) -> Path:
    depth = 100_000
    text = ONE_ORGANISATION_TOML + "opening_days = " + "[" * depth + "]" * depth + "\n"
    return records_folder(folder, organisations=text.encode())


@case("inline tables nested 100,000 deep in TOML")
def deep_tables_toml(folder: Path) -> Path:
    depth = 100_000
    text = ONE_ORGANISATION_TOML + "closures = " + "{a=" * depth + "1" + "}" * depth + "\n"
    return records_folder(folder, organisations=text.encode())


@case("a key given twice in one TOML table")
def duplicate_key_toml(folder: Path) -> Path:
    text = ONE_ORGANISATION_TOML + "places = 30\n"
    return records_folder(folder, organisations=text.encode())


@case("wrong types in TOML: text, a fraction and a boolean for whole numbers")
def wrong_types_toml(folder: Path) -> Path:
    text = (
        ONE_ORGANISATION_TOML.replace("subsidy_step = 2", 'subsidy_step = "twee"')
        .replace("ikt_places = 12", "ikt_places = 3.5")
        .replace("places = 28", "places = true")
    )
    return records_folder(folder, organisations=text.encode())


@case("markup and terminal escape sequences in names, in TOML (accepted)")
def escapes_toml(folder: Path) -> Path:
    import json

    text = ONE_ORGANISATION_TOML.replace('"Vzw Test"', json.dumps(MARKUP_NAME)).replace(
        '"Test Berchem"', json.dumps(ESCAPE_NAME)
    )
    return records_folder(folder, organisations=text.encode())


@case("a 40 MB TOML file of one long string (minutes of parsing)")
def huge_string_toml(folder: Path) -> Path:
    text = ONE_ORGANISATION_TOML.replace('"Vzw Test"', '"' + "x" * 40_000_000 + '"')
    return records_folder(folder, organisations=text.encode())


@case("a record file that never ends (a link to /dev/zero)")
def endless_toml(folder: Path) -> Path:
    records = records_folder(folder, organisations=ONE_ORGANISATION_TOML.encode())
    (records / "trajects.toml").symlink_to("/dev/zero")
    return records


@case("line and paragraph separators (U+2028, U+0085) inside a name, then a bad value")
def line_separator_toml(folder: Path) -> Path:
    text = ONE_ORGANISATION_TOML.replace('"Test Berchem"', '"Test\u2028Ber\u0085chem\u2029"')
    text = text.replace("subsidy_step = 2", "subsidy_step = 9")
    return records_folder(folder, organisations=text.encode())


@case("a folder that holds no record files")
def empty_folder(folder: Path) -> Path:
    records = folder / "records"
    records.mkdir()
    (records / "notes.txt").write_text("nothing here\n")
    return records
