"""Hostile and malformed input through the command line (issue 7).

Every case is made by the tests themselves in tmp_path (see hostile_files.py) and run through
`mentes`: a refused input gives exit 1 (2 for wrong usage), one clear message on stderr, no
traceback and no "internal error", and nothing is written. The accepted cases (BOM, CRLF,
1904 dates, markup and escape sequences in names) load, and print record text literally.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import hostile_files as hostile
from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.errors import InputError
from mentes_cli.export.cells import MAX_CELL_TEXT, put_text, safe_text, sheet_title
from mentes_cli.load.build import Raw, RawSet, build_records
from mentes_cli.load.toml_records import load_toml_folder
from mentes_cli.models import Records

runner = CliRunner()

RESAVE = "open it in Excel or LibreOffice and save it as Excel Workbook (.xlsx)"
UNSAFE_XML = (
    "holds XML that mentes refuses to read for safety (an entity or DTD declaration, as in "
    f"XML bombs and external-entity attacks); {RESAVE}"
)
OLD_OR_LOCKED = (
    "is an Excel 97-2003 workbook (.xls) or a password-protected workbook; mentes reads .xlsx "
    f"workbooks without a password: {RESAVE}"
)
NOT_UTF8 = (
    "the file is not UTF-8 text; save it as UTF-8 (in most editors: Save as… > Encoding UTF-8)"
)
TOO_LARGE = "is larger than 40 MB; mentes reads record files up to 32 MB. Is this the right file?"
MISSING_SHEET = (
    "the sheet {name!r} is missing (the workbook has the sheets 'Blad1', 'Blad2'); "
    "Organisaties and Locaties are required, Sluitingen, Coaches, Verlof and Trajecten may be "
    "left out"
)

# Case -> the lines on stderr ("{path}" is the input given to --data). All exit 1.
REFUSED: dict[str, list[str]] = {
    "xml-bomb": [f"Error: {{path}}: {UNSAFE_XML}"],
    "external-entity": [f"Error: {{path}}: {UNSAFE_XML}"],
    "zip-bomb": [
        "Error: {path}: unpacks to 315 MB; mentes reads workbooks that unpack to at most "
        "250 MB. Refused as unsafe (a zip bomb?)"
    ],
    "zip-bomb-lying": [
        "Error: {path}: cannot be read as an Excel workbook (Bad CRC-32 for file "
        f"'xl/worksheets/sheet1.xml'); {RESAVE}"
    ],
    "zip-many-entries": [
        "Error: {path}: holds 5,010 files inside; a workbook holds at most 1,000. Refused as unsafe"
    ],
    "zip-encrypted-entry": [f"Error: {{path}}: is password-protected; {RESAVE} without a password"],
    "renamed-csv": [
        f"Error: {{path}}: is not an Excel workbook: it is a text file (a CSV file?); {RESAVE}"
    ],
    "empty-workbook": ["Error: {path}: is empty (0 bytes); it is not an Excel workbook"],
    "truncated-zip": [
        "Error: {path}: is damaged or incomplete: not a readable zip archive (was a download or "
        f"copy interrupted?); {RESAVE}"
    ],
    "password-protected": [f"Error: {{path}}: {OLD_OR_LOCKED}"],
    "old-xls": [f"Error: {{path}}: {OLD_OR_LOCKED}"],
    "xlsb-renamed": [
        f"Error: {{path}}: is an Excel binary workbook (.xlsb); mentes reads .xlsx: {RESAVE}"
    ],
    "zip-not-workbook": [
        "Error: {path}: is a zip archive but not an Excel workbook (it has no "
        f"[Content_Types].xml); {RESAVE}"
    ],
    "missing-sheets": [
        "Error: 2 problems found:",
        "  {path}: " + MISSING_SHEET.format(name="Organisaties"),
        "  {path}: " + MISSING_SHEET.format(name="Locaties"),
    ],
    "merged-across": [
        "Error: 2 problems found:",
        "  Locaties, row 2: the cells B2:C2 are merged across columns; unmerge them: each "
        "column holds its own value",
        "  Locaties, row 2, location LOC-1, Organisatie: is required",
    ],
    "formula-without-value": [
        "Error: Locaties, row 2, location LOC-1, Plaatsen: is a formula (=20+8) without a "
        "saved result; mentes does not calculate formulas: open and save the workbook in "
        "Excel or LibreOffice, or type the value"
    ],
    "error-cell": [
        "Error: Locaties, row 2, location LOC-1, Plaatsen: holds the error #N/A; correct it or "
        "type the value"
    ],
    "wrong-types-workbook": [
        "Error: 3 problems found:",
        "  Locaties, row 2, location LOC-1, Subsidietrap: must be 0, 1, 2 or 3 (also T0–T3 or "
        "trap 0–trap 3), got 'twee'",
        "  Locaties, row 2, location LOC-1, IKT-plaatsen: must be a whole number, got 3.5",
        "  Locaties, row 2, location LOC-1, Plaatsen: must be a whole number, got a yes/no "
        "cell (TRUE)",
    ],
    "impossible-date-workbook": [
        "Error: Sluitingen, row 2, Van: '31/02/2027' is not a day of the calendar; must be a "
        "date (a date cell, or text such as 31/01/2027 or 2027-01-31)"
    ],
    "impossible-date-toml": [
        "Error: organisations.toml, line 13: not valid TOML (not a date that exists; write a "
        "date as 2027-03-10): "
        "'closures = [{ start = 2027-02-31, end = 2027-03-01 }]'"
    ],
    "latin1-toml": [f"Error: organisations.toml, line 3: {NOT_UTF8}"],
    "utf16-toml": [f"Error: organisations.toml, line 1: {NOT_UTF8}"],
    "nul-byte-toml": [
        "Error: organisations.toml, line 3: not valid TOML (the character '\\x00' cannot "
        "stand there): "
        "'name = \"Vzw\\x00Test\"'"
    ],
    "deep-nesting-toml": ["Error: organisations.toml: not valid TOML (nested too deeply)"],
    "deep-tables-toml": ["Error: organisations.toml: not valid TOML (nested too deeply)"],
    "duplicate-key-toml": [
        "Error: organisations.toml, line 13: not valid TOML (a key given twice): 'places = 30'"
    ],
    "wrong-types-toml": [
        "Error: 3 problems found:",
        "  organisations.toml, line 9, location LOC-1, subsidy_step: must be a whole number, "
        "got text ('twee')",
        "  organisations.toml, line 10, location LOC-1, ikt_places: must be a whole number, "
        "got a number (3.5)",
        "  organisations.toml, line 11, location LOC-1, places: must be a whole number, got a "
        "yes/no value (True)",
    ],
    "huge-string-toml": [f"Error: organisations.toml: {TOO_LARGE}"],
    "endless-toml": [
        "Error: trajects.toml: is not a regular file (a named pipe or a device?); give a file"
    ],
    "line-separator-toml": [
        "Error: organisations.toml, line 9, location LOC-1, subsidy_step: must be at least 0 "
        "and at most 3, got 9"
    ],
    "empty-folder": [
        "Error: {path}: holds none of organisations.toml, coaches.toml, trajects.toml; give a "
        "data folder or an .xlsx workbook"
    ],
}
ACCEPTED = ["bom-toml", "crlf-toml", "workbook-1904", "escapes-toml", "escapes-workbook"]

# What must never reach a terminal from a record: ESC, BEL, and the C1 controls (CSI, DCS, ST).
TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b", "\x90", "\x9c")


def test_every_case_is_either_refused_or_accepted():
    assert set(REFUSED) | set(ACCEPTED) == set(hostile.CASES)
    assert not set(REFUSED) & set(ACCEPTED)
    assert len(hostile.CASES) >= 25


def listing(root: Path) -> dict[str, tuple[bool, int, int]]:
    """Give every file and folder under `root`: whether a folder, its size and mtime."""
    found = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        found[str(path.relative_to(root))] = (path.is_dir(), info.st_size, info.st_mtime_ns)
    return found


def build(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    return hostile.CASES[name].build(folder)


def expected(name: str, path: Path) -> list[str]:
    """Give the stderr lines of a refused case for the input at `path`."""
    return [line.replace("{path}", str(path)) for line in REFUSED[name]]


def assert_refused(result, lines: list[str], code: int = 1) -> None:
    assert result.exit_code == code, result.output
    assert result.stderr.splitlines() == lines
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert "internal error" not in result.output


# --- refused inputs, through validate -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_validate_refuses_with_one_clear_message_and_writes_nothing(tmp_path, name):
    path = build(tmp_path, name)
    before = listing(tmp_path)
    result = runner.invoke(app, ["validate", "--data", str(path)])
    assert_refused(result, expected(name, path))
    assert listing(tmp_path) == before


def test_external_entity_never_reads_the_file(tmp_path):
    path = build(tmp_path, "external-entity")
    result = runner.invoke(app, ["validate", "--data", str(path)])
    assert result.exit_code == 1
    assert "root:" not in result.output


# --- the same inputs through every command that reads records -----------------------------------


WORKBOOK_CASES = ["xml-bomb", "zip-bomb", "truncated-zip", "formula-without-value"]
FOLDER_CASES = ["impossible-date-toml", "latin1-toml", "deep-nesting-toml"]


def command_lines(data: Path, out: Path) -> dict[str, list[str]]:
    """Give, per command, a command line that reads `data` and would write into `out`."""
    return {
        "check-eligibility": [
            "check-eligibility", "--data", str(data), "--as-of", "2027-01-04",
            "--output", str(out / "overzicht.xlsx"),
        ],
        "quote": [
            "quote", "--traject", "C", "--location", "LOC-1", "--as-of", "2027-01-04",
            "--data", str(data), "--output", str(out / "offerte.xlsx"),
        ],
        "plan": [
            "plan", "--data", str(data), "--start", "2027-01-04",
            "--output", str(out / "plan.xlsx"), "--save", str(out / "plan.toml"),
            "--ics", str(out / "agenda"),
        ],
        "export": ["export", "--data", str(data), "--to", str(out / "export.xlsx")],
    }  # fmt: skip


@pytest.mark.parametrize("command", ["check-eligibility", "quote", "plan", "export"])
@pytest.mark.parametrize("name", WORKBOOK_CASES + FOLDER_CASES)
def test_every_command_refuses_the_same_way_and_writes_nothing(tmp_path, name, command):
    path = build(tmp_path, name)
    out = tmp_path / "out"
    out.mkdir()
    (out / "agenda").mkdir()
    before = listing(tmp_path)
    result = runner.invoke(app, command_lines(path, out)[command])
    assert_refused(result, expected(name, path))
    assert listing(tmp_path) == before


@pytest.mark.parametrize("name", [*WORKBOOK_CASES, "renamed-csv", "zip-many-entries", "old-xls"])
def test_import_refuses_and_does_not_make_the_target_folder(tmp_path, name):
    path = build(tmp_path, name)
    before = listing(tmp_path)
    result = runner.invoke(app, ["import", str(path), "--to", str(tmp_path / "records")])
    assert_refused(result, expected(name, path))
    assert listing(tmp_path) == before


def test_a_device_given_as_workbook_is_refused_without_reading_it_all():
    """`--data /dev/zero`: a file whose size says 0 and that never ends.

    Run in a child process limited to 1 GB of address space, so that a failure is a
    MemoryError there, not a machine out of memory here.
    """
    code = (
        "import resource, sys;"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30));"
        "from mentes_cli.cli import main;"
        "sys.argv = ['mentes', 'validate', '--data', '/dev/zero'];"
        "main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert "internal error" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("Error: /dev/zero: ")


# --- usage errors (exit 2) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["check-eligibility", "--as-of", "2027-02-31"],
            "'2027-02-31' is not a date that exists; write a date such as 2027-03-10 or 10/03/2027",
        ),
        (
            ["quote", "--traject", "C", "--output", "offerte.csv"],
            "Error: --output offerte.csv: the offerte is a workbook; end the name in .xlsx",
        ),
        (
            ["export", "--to", "records.csv"],
            "Error: --to records.csv must end in .xlsx (an Excel workbook)",
        ),
        (
            ["check-eligibility", "--location", "LOC-001", "--organisation", "ORG-001"],
            "Error: give --location or --organisation, not both",
        ),
        (["validate", "--data"], "Option '--data' requires an argument."),
    ],
)
def test_wrong_usage_exits_2_and_writes_nothing(tmp_path, args, message):
    before = listing(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert listing(tmp_path) == before


def test_a_missing_data_path(tmp_path):
    missing = tmp_path / "nergens.xlsx"
    result = runner.invoke(app, ["validate", "--data", str(missing)])
    assert_refused(result, [f"Error: {missing}: no such file or folder (--data)"])


# --- accepted inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_cases_load(tmp_path, name):
    path = build(tmp_path, name)
    result = runner.invoke(app, ["validate", "--data", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "OK: 1 organisation, 1 location, 0 coaches, 0 trajects, 0 visits.\n"


@pytest.mark.parametrize("name", ["bom-toml", "crlf-toml"])
def test_bom_and_crlf_give_the_same_records_as_plain_utf8(tmp_path, name):
    plain = load_toml_folder(
        hostile.records_folder(tmp_path, organisations=hostile.ONE_ORGANISATION_TOML.encode())
    )
    assert load_toml_folder(build(tmp_path, name)) == plain


def test_a_1904_workbook_keeps_its_dates(tmp_path):
    path = build(tmp_path, "workbook-1904")
    result = runner.invoke(app, ["import", str(path), "--to", str(tmp_path / "records")])
    assert result.exit_code == 0, result.output
    doc = tomllib.loads((tmp_path / "records" / "organisations.toml").read_text("utf-8"))
    closure = doc["organisations"][0]["locations"][0]["closures"][0]
    assert (closure["start"], closure["end"]) == (date(2026, 12, 24), date(2027, 1, 1))


# --- markup and escape sequences in record text ------------------------------------------------


# An id with a control character is refused at load (tests/test_ids.py): ids carry markup,
# the names and the theme carry the escape sequences.
LOCATION_ID = "LOC-[b]1[/b]"


def toml_string(text: str) -> str:
    """Give `text` as a TOML basic string, control characters escaped."""
    return tomli_w.dumps({"v": text}).removeprefix("v = ").strip()


def escape_records(tmp_path: Path) -> Path:
    """Give records whose ids, names and themes carry Rich markup and terminal escapes.

    The location has more IKT places than places, so every command warns about it, and
    the warning quotes its id.
    """
    location_id = LOCATION_ID
    organisations = f"""\
[[organisations]]
id = "ORG-1"
name = {toml_string(hostile.MARKUP_NAME)}
[[organisations.locations]]
id = {toml_string(location_id)}
name = {toml_string(hostile.ESCAPE_NAME)}
care_type = "group"
subsidy_step = 2
ikt_places = 30
places = 28
postcode = "2600"
"""
    trajects = f"""\
[[trajects]]
id = "T-[link=https://example.invalid]1"
location = {toml_string(location_id)}
offer = "coaching"
status = "approved"
theme = "[red]thema[/red] \\u001b[5m"
"""
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "organisations.toml").write_text(organisations, encoding="utf-8")
    (folder / "trajects.toml").write_text(trajects, encoding="utf-8")
    return folder


ESCAPE_COMMANDS = {
    "validate": ["validate"],
    "check-eligibility": ["check-eligibility", "--as-of", "2027-01-04"],
    "check-eligibility --explain": ["check-eligibility", "--as-of", "2027-01-04", "--explain"],
    "quote": ["quote", "--traject", "C", "--as-of", "2027-01-04", "--location", LOCATION_ID],
    "plan": ["plan", "--start", "2027-01-04"],
    "export": ["export", "--to", "export.xlsx"],
}  # fmt: skip


@pytest.mark.parametrize("command", ESCAPE_COMMANDS)
def test_record_text_reaches_the_terminal_literally_and_without_control_codes(tmp_path, command):
    folder = escape_records(tmp_path)
    result = runner.invoke(app, [*ESCAPE_COMMANDS[command], "--data", str(folder)])
    assert result.exit_code == 0, result.output
    for control in TERMINAL_CONTROLS:
        assert control not in result.stdout, (control, result.stdout)
        assert control not in result.stderr, (control, result.stderr)
    # Tables and warnings quote the id: markup shown as typed.
    assert "LOC-[b]1[/b]" in result.stdout + result.stderr


def test_markup_in_names_is_printed_as_typed(tmp_path):
    folder = escape_records(tmp_path)
    args = ["check-eligibility", "--as-of", "2027-01-04", "--explain", "--data", str(folder)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    shown = " ".join(result.stdout.split())  # undo Rich's wrapping
    assert "[bold red]x[/] [link=https://example.invalid]klik[/link]" in shown
    assert "Vzw �[31mRood�[0m �bel �]8;;https://example.invalid�\\link" in shown


def test_escape_sequences_from_a_workbook_never_reach_the_terminal(tmp_path):
    path = build(tmp_path, "escapes-workbook")
    result = runner.invoke(
        app, ["check-eligibility", "--as-of", "2027-01-04", "--explain", "--data", str(path)]
    )
    assert result.exit_code == 0, result.output
    for control in TERMINAL_CONTROLS:
        assert control not in result.output
    shown = " ".join(result.stdout.split())
    assert "Vzw �31mRood�0m �q�" in shown
    assert hostile.MARKUP_NAME in shown


@pytest.mark.parametrize("output_format", ["csv", "json"])
def test_csv_and_json_on_stdout_carry_no_terminal_controls(tmp_path, output_format):
    folder = escape_records(tmp_path)
    args = ["check-eligibility", "--as-of", "2027-01-04", "--format", output_format]
    result = runner.invoke(app, [*args, "--data", str(folder)])
    assert result.exit_code == 0, result.output
    for control in TERMINAL_CONTROLS:
        assert control not in result.stdout, control


@pytest.mark.parametrize("command", ["quote", "plan"])
def test_quote_and_plan_json_on_stdout_carry_no_terminal_controls(tmp_path, command):
    folder = escape_records(tmp_path)
    if command == "quote":
        args = ["quote", "--traject", "A", "--location", LOCATION_ID, "--as-of", "2027-01-04"]
    else:
        args = ["plan", "--start", "2027-01-04", "--end", "2027-06-30"]
    result = runner.invoke(app, [*args, "--format", "json", "--data", str(folder)])
    assert result.exit_code == 0, result.output
    for control in TERMINAL_CONTROLS:
        assert control not in result.stdout, control
    # The JSON still says exactly what the record says, escaped: the location's name in a
    # quote; the plan quotes no name, its traject id keeps its markup as typed.
    if command == "quote":
        assert '"Vzw \\u001b[31mRood\\u001b[0m \\u0007bel' in result.stdout
    else:
        assert '"traject": "T-[link=https://example.invalid]1"' in result.stdout


# --- formulas in record text, written to workbooks ---------------------------------------------


FORMULA_NAMES = {
    "organisation": '=HYPERLINK("https://example.invalid","klik")',
    "location": "+32 3 123 45 67",
    "district": "@SUM(A1:A9)",
    "email": "-1+1@example.invalid",
}


def formula_records(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    text = hostile.ONE_ORGANISATION_TOML.replace(
        'name = "Vzw Test"', f"name = {toml_string(FORMULA_NAMES['organisation'])}"
    ).replace('name = "Test Berchem"', f'name = "{FORMULA_NAMES["location"]}"')
    (folder / "organisations.toml").write_text(text, encoding="utf-8")
    return folder


def text_cells(path: Path) -> dict[str, list]:
    """Give the cells of every sheet whose value is one of FORMULA_NAMES, by that value."""
    workbook = load_workbook(path)
    found: dict[str, list] = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and any(
                    name in cell.value for name in FORMULA_NAMES.values()
                ):
                    found.setdefault(cell.value, []).append(cell)
    return found


@pytest.mark.parametrize(
    ("command", "written"),
    [
        (["check-eligibility", "--as-of", "2027-01-04", "--output", "o.xlsx"], "o.xlsx"),
        (["export", "--to", "o.xlsx"], "o.xlsx"),
        (
            [
                "quote",
                "--traject",
                "C",
                "--location",
                "LOC-1",
                "--as-of",
                "2027-01-04",
                "--output",
                "o.xlsx",
            ],
            "o.xlsx",
        ),
    ],
)
def test_text_starting_with_a_formula_sign_is_written_as_text(tmp_path, command, written):
    folder = formula_records(tmp_path)
    result = runner.invoke(app, [*command, "--data", str(folder)])
    assert result.exit_code == 0, result.output
    cells = text_cells(tmp_path / written)
    assert cells, "the workbook holds none of the names"
    for value, found in cells.items():
        for cell in found:
            assert cell.data_type == "s", (value, cell.coordinate)
            if value.startswith(("=", "+", "-", "@")):
                assert cell.quotePrefix, (value, cell.coordinate)
    # Each name is written exactly as in the records, not as a formula's text.
    exact = {FORMULA_NAMES["organisation"], FORMULA_NAMES["location"]} & set(cells)
    assert exact, sorted(cells)


# --- output files ------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """Give a valid records workbook in tmp_path."""
    path = tmp_path / "records.xlsx"
    path.write_bytes(hostile.workbook_bytes(hostile.valid_sheets()))
    return path


def test_output_equal_to_the_input_is_refused_even_with_force(tmp_path, workbook):
    content = workbook.read_bytes()
    for args in (
        ["export", "--to", str(workbook)],
        ["check-eligibility", "--as-of", "2027-01-04", "--output", str(workbook)],
        ["quote", "--traject", "C", "--location", "LOC-1", "--as-of", "2027-01-04",
         "--output", str(workbook)],
        ["plan", "--start", "2027-01-04", "--output", str(workbook)],
    ):  # fmt: skip
        result = runner.invoke(app, [*args, "--data", str(workbook), "--force"])
        assert result.exit_code == 1, (args, result.output)
        message = f"Error: {workbook}: is an input of this command; choose another output file"
        assert message in result.stderr.splitlines(), args
        assert "Traceback" not in result.output
    assert workbook.read_bytes() == content


def test_a_hard_link_to_the_input_is_the_input(tmp_path, workbook):
    link = tmp_path / "link.xlsx"
    os.link(workbook, link)
    result = runner.invoke(app, ["export", "--data", str(workbook), "--to", str(link), "--force"])
    assert_refused(
        result, [f"Error: {link}: is an input of this command; choose another output file"]
    )


def test_a_record_file_of_the_data_folder_is_never_an_output(tmp_path):
    folder = hostile.records_folder(tmp_path, organisations=hostile.ONE_ORGANISATION_TOML.encode())
    target = folder / "organisations.toml"
    before = listing(tmp_path)
    result = runner.invoke(
        app,
        ["plan", "--data", str(folder), "--start", "2027-01-04", "--save", str(target), "--force"],
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        f"Error: {target}: is an input of this command; choose another output file"
    )
    assert listing(tmp_path) == before


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--to", "{target}"],
        ["check-eligibility", "--as-of", "2027-01-04", "--output", "{target}"],
        ["quote", "--traject", "C", "--as-of", "2027-01-04", "--output", "{target}"],
        ["template", "{target}"],
        ["plan", "--start", "2027-01-04", "--output", "{target}"],
    ],
    ids=lambda args: args[0],
)
def test_an_existing_output_is_kept_without_force(tmp_path, args):
    target = tmp_path / "bestaand.xlsx"
    target.write_bytes(b"the coordinator's own file")
    before = listing(tmp_path)
    result = runner.invoke(app, [a.format(target=target) for a in args])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        f"Error: {target}: exists already; use --force to replace it"
    )
    assert "Traceback" not in result.output
    assert listing(tmp_path) == before
    assert target.read_bytes() == b"the coordinator's own file"


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--to", "{target}", "--force"],
        ["check-eligibility", "--as-of", "2027-01-04", "--output", "{target}", "--force"],
        ["template", "{target}", "--force"],
    ],
    ids=lambda args: args[0],
)
def test_a_folder_given_as_output_file(tmp_path, args):
    target = tmp_path / "map.xlsx"
    target.mkdir()
    before = listing(tmp_path)
    result = runner.invoke(app, [a.format(target=target) for a in args])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == f"Error: {target}: is a folder; give a file name"
    assert listing(tmp_path) == before


def test_a_pipe_given_as_output_file_is_not_replaced(tmp_path):
    target = tmp_path / "pijp.xlsx"
    os.mkfifo(target)
    result = runner.invoke(app, ["template", str(target), "--force"])
    assert_refused(result, [f"Error: {target}: is not a regular file; give a file name"])
    assert target.is_fifo()


def test_a_file_given_as_output_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    target = tmp_path / "notes.txt" / "out.xlsx"
    result = runner.invoke(app, ["template", str(target)])
    assert_refused(result, [f"Error: {tmp_path / 'notes.txt'}: is a file, not a folder"])


@pytest.fixture
def read_only_folder(tmp_path: Path):
    """Give a folder nobody may write in: mode 555, and immutable when run as root."""
    folder = tmp_path / "alleen-lezen"
    folder.mkdir()
    folder.chmod(0o555)
    immutable = False
    if os.access(folder, os.W_OK):
        # root ignores the mode; an immutable folder refuses even root.
        chattr = shutil.which("chattr")
        immutable = (
            bool(chattr)
            and subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode == 0
        )
        if not immutable:
            folder.chmod(0o755)
            pytest.skip("cannot make a read-only folder here")
    yield folder
    if immutable:
        subprocess.run([shutil.which("chattr"), "-i", str(folder)], check=True)
    folder.chmod(0o755)


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--to", "{target}"],
        ["check-eligibility", "--as-of", "2027-01-04", "--output", "{target}"],
        ["template", "{target}"],
        ["plan", "--start", "2027-01-04", "--save", "{target}"],
    ],
    ids=lambda args: args[0],
)
def test_a_read_only_folder_is_named(tmp_path, read_only_folder, args):
    target = read_only_folder / ("plan.toml" if args[0] == "plan" else "uit.xlsx")
    before = listing(tmp_path)
    result = runner.invoke(app, [a.format(target=target) for a in args])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        f"Error: {target}: the folder {read_only_folder} is not writable"
    )
    assert listing(tmp_path) == before


def test_a_folder_that_turns_read_only_while_working_is_named(tmp_path, monkeypatch):
    """The check before work passes; the write itself fails (a network share, a race)."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("mentes_cli.output._Folder.write_temporary", refuse)
    target = tmp_path / "uit.xlsx"
    result = runner.invoke(app, ["template", str(target)])
    assert_refused(
        result, [f"Error: {target}: the folder {tmp_path} is not writable; nothing was written"]
    )


def test_a_workbook_open_in_excel_is_named_and_kept(tmp_path, monkeypatch):
    """On Windows, replacing a workbook open in Excel fails with PermissionError."""
    target = tmp_path / "open.xlsx"
    target.write_bytes(b"open in Excel")

    def locked(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("mentes_cli.output.os.replace", locked)
    result = runner.invoke(app, ["template", str(target), "--force"])
    assert_refused(
        result,
        [
            f"Error: {target}: cannot be replaced; it may be open in Excel or read-only. "
            "Close it and try again"
        ],
    )
    assert target.read_bytes() == b"open in Excel"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["open.xlsx"]


def test_written_files_get_the_usual_mode_not_owner_only(tmp_path):
    mask = os.umask(0o022)
    try:
        result = runner.invoke(app, ["template", str(tmp_path / "leeg.xlsx")])
    finally:
        os.umask(mask)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "leeg.xlsx").stat().st_mode & 0o777 == 0o644


# --- defusedxml --------------------------------------------------------------------------------


def test_openpyxl_uses_defusedxml():
    assert openpyxl.DEFUSEDXML is True


# --- properties --------------------------------------------------------------------------------


TOML_LINES = st.sampled_from(
    [
        "[[organisations]]",
        "[[organisations.locations]]",
        "[organisations]",
        "[[trajects]]",
        'id = "ORG-1"',
        'id = "LOC-1"',
        "id = 1",
        'name = "x"',
        'care_type = "group"',
        "subsidy_step = 2",
        "ikt_places = 12",
        "places = 28",
        'postcode = "2600"',
        "closures = [{ start = 2027-01-01, end = 2026-01-01 }]",
        "closures = 3",
        "locations = []",
        "opening_days = [[], {}]",
        "enforcement_since = 07:00:00",
        "places = inf",
        "places = nan",
        "subsidy_step = 99999999999999999999999",
        "a.b.c = 1",
        'x = """',
        "organisations = 1",
        "",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(TOML_LINES | st.text(max_size=40), max_size=25),
    raw=st.binary(max_size=60),
)
def test_any_toml_text_loads_or_raises_input_error(lines, raw):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        (path / "organisations.toml").write_text("\n".join(lines), encoding="utf-8")
        (path / "trajects.toml").write_bytes(raw)
        with contextlib.suppress(InputError):
            load_toml_folder(path)


TOML_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.dates()
    | st.datetimes()
    | st.times()
    | st.sampled_from(["group", "family", "coach", "support", "2600", "LOC-1", "ORG-1", "mon"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)  # fmt: skip
ORGANISATION_KEYS = ["id", "name", "prior", "email", "locations", "other"]
LOCATION_KEYS = ["id", "name", "care_type", "subsidy_step", "ikt_places", "places", "postcode",
                 "municipality", "district", "enforcement", "enforcement_since", "opening_days",
                 "opening_hours", "closures", "other"]  # fmt: skip
PERIOD_KEYS = ["start", "end", "reason", "other"]
COACH_KEYS = ["id", "name", "role", "fte", "workdays", "max_hours_per_day", "areas", "leave",
              "other"]  # fmt: skip
TRAJECT_KEYS = ["id", "location", "offer", "status", "start", "end", "coach", "theme", "domains",
                "earliest", "deadline", "contact_moments", "requested_on", "other"]  # fmt: skip
VALID_LOCATION = {
    "id": "LOC-1", "name": "Test Berchem", "care_type": "group", "subsidy_step": 2,
    "ikt_places": 12, "places": 28, "postcode": "2600",
}  # fmt: skip
VALID_COACH = {
    "id": "C-1", "name": "An", "role": "coach", "fte": 1.0, "workdays": ["mon"],
    "areas": ["provincie-antwerpen"],
}  # fmt: skip
VALID_TRAJECT = {
    "id": "T-1", "location": "LOC-1", "offer": "coaching", "status": "approved", "coach": "C-1",
}  # fmt: skip
VALID_PERIOD = {"start": date(2027, 1, 4), "end": date(2027, 1, 8)}


def changes(keys: list[str]):
    """Give a strategy of changes to a valid record: key -> any value (None removes it)."""
    return st.dictionaries(st.sampled_from(keys), TOML_VALUES, max_size=3)


def changed(record: dict, change: dict) -> dict:
    """Give `record` with `change` applied; a None value removes the key."""
    merged = {**record, **change}
    return {key: value for key, value in merged.items() if value is not None}


def without_none(value):
    """tomli-w cannot write None (in a list, say): drop it, as the exporters do."""
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_none(v) for v in value if v is not None]
    return value


def as_raw_set(organisation: dict, coach: dict, traject: dict) -> RawSet:
    """Give the records as the Excel loader hands them over: children carry the parent id."""
    raw_set = RawSet()
    organisation = dict(organisation)
    locations = organisation.pop("locations", [])
    raw_set.organisations.append(Raw(organisation, "Organisaties", 2, "row"))
    for location in locations if isinstance(locations, list) else []:
        if not isinstance(location, dict):
            continue
        location = {**location, "organisation": organisation.get("id")}
        closures = location.pop("closures", [])
        raw_set.locations.append(Raw(location, "Locaties", 2, "row"))
        for period in closures if isinstance(closures, list) else []:
            if isinstance(period, dict):
                period = {**period, "location": location.get("id")}
                raw_set.closures.append(Raw(period, "Sluitingen", 2, "row"))
    coach = dict(coach)
    leave = coach.pop("leave", [])
    raw_set.coaches.append(Raw(coach, "Coaches", 2, "row"))
    for period in leave if isinstance(leave, list) else []:
        if isinstance(period, dict):
            raw_set.leave.append(Raw({**period, "coach": coach.get("id")}, "Verlof", 2, "row"))
    raw_set.trajects.append(Raw(dict(traject), "Trajecten", 2, "row"))
    return raw_set


@settings(max_examples=300, deadline=None)
@given(
    organisation=changes(ORGANISATION_KEYS),
    location=changes(LOCATION_KEYS),
    closure=changes(PERIOD_KEYS),
    coach=changes(COACH_KEYS),
    leave=changes(PERIOD_KEYS),
    traject=changes(TRAJECT_KEYS),
)
def test_any_values_in_valid_records_load_or_raise_input_error(
    organisation, location, closure, coach, leave, traject
):
    """Valid records with a few fields changed to anything TOML can hold, or removed."""
    closures = [changed(VALID_PERIOD, closure)]
    org = changed(
        {
            "id": "ORG-1",
            "name": "Vzw Test",
            "locations": [changed({**VALID_LOCATION, "closures": closures}, location)],
        },
        organisation,
    )
    person = changed({**VALID_COACH, "leave": [changed(VALID_PERIOD, leave)]}, coach)
    task = changed(VALID_TRAJECT, traject)
    documents = {
        "organisations.toml": {"organisations": [org]},
        "coaches.toml": {"coaches": [person]},
        "trajects.toml": {"trajects": [task]},
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        for name, document in documents.items():
            (path / name).write_text(tomli_w.dumps(without_none(document)), encoding="utf-8")
        from_toml = outcome(lambda: load_toml_folder(path))
    from_raw = outcome(lambda: build_records(as_raw_set(org, person, task)))
    # Any other exception fails the test where it is raised; a load gives records.
    assert isinstance(from_toml, Records | InputError)
    assert isinstance(from_raw, Records | InputError)


def outcome(load):
    """Give what `load()` returns, or the InputError it raises."""
    try:
        return load()
    except InputError as exc:
        return exc


ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60) | st.sampled_from(
    ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "#N/A", "#REF!", "x\r\ny", "\ufffe", "\ud800", ""]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=8))
def test_put_text_stores_any_text_as_text_and_it_reads_back(texts):
    workbook = Workbook()
    sheet = workbook.active
    for row, text in enumerate(texts, start=1):
        cell = put_text(sheet.cell(row=row, column=1), text)
        assert cell.data_type == "s"
        assert cell.value == safe_text(text)
        assert bool(cell.quotePrefix) == safe_text(text).startswith(("=", "+", "-", "@", "\t"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    again = load_workbook(io.BytesIO(buffer.getvalue())).active
    for row, text in enumerate(texts, start=1):
        cell = again.cell(row=row, column=1)
        expected = safe_text(text)
        assert (cell.value or "") == expected
        if expected:
            assert cell.data_type == "s"


def test_put_text_cuts_over_long_text_at_the_cell_limit():
    workbook = Workbook()
    cell = put_text(workbook.active["A1"], "x" * (MAX_CELL_TEXT + 10))
    assert len(cell.value) == MAX_CELL_TEXT
    assert cell.value.endswith("…")


@settings(max_examples=150, deadline=None)
@given(names=st.lists(ANY_TEXT | st.sampled_from(["History", "x" * 30 + "'y", "'"]), max_size=6))
def test_sheet_title_gives_titles_excel_accepts(names):
    taken: set[str] = set()
    workbook = Workbook()
    workbook.remove(workbook.active)
    titles = []
    for name in names:
        title = sheet_title(name, taken)
        assert 1 <= len(title) <= 31
        assert not set(title) & set("[]:*?/\\\n\r\t")
        assert not title.startswith("'") and not title.endswith("'")
        assert title.casefold() != "history"
        titles.append(title)
        workbook.create_sheet(title)
    assert len({t.casefold() for t in titles}) == len(titles)
    if titles:
        buffer = io.BytesIO()
        workbook.save(buffer)
        assert load_workbook(io.BytesIO(buffer.getvalue())).sheetnames == titles
