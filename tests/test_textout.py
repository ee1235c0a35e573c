"""CSV for scripts and spreadsheets: RFC 4180 line ends, no formula from a record's text."""

from __future__ import annotations

import csv
import io

import pytest

from mentes_cli.textout import csv_text


def test_csv_lines_end_in_crlf():
    text = csv_text(["id", "name"], [["LOC-1", "De Vlinder"], ["LOC-2", "Het Nest"]])
    assert text == "id,name\r\nLOC-1,De Vlinder\r\nLOC-2,Het Nest\r\n"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+32 3 123 45 67", "'+32 3 123 45 67"),
        ("-ziek", "'-ziek"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tA", "'\tA"),
        ("\rA", "\N{REPLACEMENT CHARACTER}A"),  # a carriage return is a control: replaced
        ("De Vlinder", "De Vlinder"),
        (-1, "-1"),
        (6.25, "6.25"),
    ],
)
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(value, written):
    rows = list(csv.reader(io.StringIO(csv_text(["cell"], [[value]]), newline="")))
    assert rows[1] == [written]


def test_raw_keeps_the_text_as_it_is():
    rows = list(csv.reader(io.StringIO(csv_text(["cell"], [["=1+1"]], raw=True), newline="")))
    assert rows[1] == ["=1+1"]


def test_control_characters_never_reach_the_csv():
    text = csv_text(["cell"], [["a\x1b[31mb\x9bc"]])
    assert "\x1b" not in text and "\x9b" not in text
    assert "a\N{REPLACEMENT CHARACTER}[31mb\N{REPLACEMENT CHARACTER}c" in text


def test_check_eligibility_csv_keeps_formulas_out_and_can_be_raw(tmp_path):
    from tests.conftest import ONE_ORGANISATION, write_records

    from cli_runner import CliRunner
    from mentes_cli.cli import app

    text = ONE_ORGANISATION.replace('id = "LOC-1"', 'id = "=HYPERLINK(1)"')
    folder = write_records(tmp_path / "records", organisations=text)
    runner = CliRunner()
    safe = runner.invoke(app, ["check-eligibility", "--data", str(folder), "--format", "csv"])
    assert safe.exit_code == 0, safe.output
    # CliRunner's stdout folds CRLF; the bytes are what a script reads.
    written = safe.stdout_bytes
    assert written.endswith(b"\r\n") and b"\n" not in written.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(safe.stdout, newline="")))
    assert rows[1][0] == "'=HYPERLINK(1)"
    raw = runner.invoke(
        app, ["check-eligibility", "--data", str(folder), "--format", "csv", "--csv-raw"]
    )
    assert list(csv.reader(io.StringIO(raw.stdout, newline="")))[1][0] == "=HYPERLINK(1)"


def test_an_id_with_a_bidi_override_is_refused_at_load(tmp_path):
    from tests.conftest import ONE_ORGANISATION, write_records

    from cli_runner import CliRunner
    from mentes_cli.cli import app

    text = ONE_ORGANISATION.replace('id = "LOC-1"', 'id = "LOC-\\u202e1\\u200b"')
    folder = write_records(tmp_path / "records", organisations=text)
    result = CliRunner().invoke(app, ["check-eligibility", "--data", str(folder)])
    assert result.exit_code == 1
    assert "\u202e" not in result.output and "\u200b" not in result.output
    assert "organisations.toml, line 6" in result.output
    assert "id: the id holds an invisible or control character" in result.output
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE), at position 5" in result.output


def test_a_name_with_a_bidi_override_never_reaches_the_terminal_raw(tmp_path):
    from tests.conftest import ONE_ORGANISATION, write_records

    from cli_runner import CliRunner
    from mentes_cli.cli import app

    text = ONE_ORGANISATION.replace('name = "Test Berchem"', 'name = "Test \\u202eBerchem\\u200b"')
    folder = write_records(tmp_path / "records", organisations=text)
    table = CliRunner().invoke(app, ["check-eligibility", "--data", str(folder)])
    assert table.exit_code == 0, table.output
    assert "\u202e" not in table.output and "\u200b" not in table.output
    assert "Test \N{REPLACEMENT CHARACTER}Berchem\N{REPLACEMENT CHARACTER}" in table.output


def test_json_written_piece_by_piece_is_the_same_text():
    """`write_json` streams what `json_text` gives (escapes included), then a line end."""
    import io

    from mentes_cli import textout

    data = {"id": "LOC-\u009b1", "name": "Caf\u00e9 \u202eX", "visits": [{"hours": 6.25}] * 3}
    stream = io.StringIO()
    textout.write_json(data, stream)
    assert stream.getvalue() == textout.json_text(data) + "\n"
    assert "\\u009b" in stream.getvalue()
    assert "\\u202e" in stream.getvalue()
