"""JSON and CSV text for stdout that can never drive the terminal.

JSON already escapes the C0 controls; the C1 controls (U+0080 to U+009F, among them
U+009B, a one-character escape sequence) and DEL are escaped here as \\uXXXX, so the
JSON still says exactly what the records say. CSV has no escapes: there a control
character is replaced by U+FFFD, as in the terminal tables.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

# DEL, the C1 controls and the invisible characters that change how text reads (bidirectional
# overrides and isolates, zero-width characters, the byte-order mark): escaped in JSON,
# replaced in CSV, so that an id never shows reversed or two ids alike.
_INVISIBLE = "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_C1_AND_DEL = re.compile(f"[\\x7f-\\x9f{_INVISIBLE}]")
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_INVISIBLE}]")


def json_text(data: Any) -> str:
    """Give `data` as indented JSON, UTF-8 as it is, with DEL and C1 controls escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _C1_AND_DEL.sub(_escaped, text)


def write_json(data: Any, stream: TextIO) -> None:
    """Write `data` to `stream` as `json_text` gives it, and a line end, piece by piece: a
    large plan's JSON is never held whole in memory (nor twice, escaped and echoed)."""
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    for chunk in encoder.iterencode(data):
        stream.write(_C1_AND_DEL.sub(_escaped, chunk))
    stream.write("\n")
    stream.flush()


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def csv_cell(value: str) -> str:
    """Give `value` for a CSV cell: control characters (not tab or newline) become U+FFFD."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", value)


# OWASP's advice against CSV injection: a spreadsheet program runs a cell that starts with one
# of these as a formula; a leading apostrophe makes it text. Numbers are written as numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(header: list[str], rows: list[list[Any]], *, raw: bool = False) -> str:
    """Give a CSV table as RFC 4180 writes it: CRLF line ends, quotes where needed.

    Text that a spreadsheet would read as a formula gets a leading `'` unless `raw`; numbers
    (`-1`, `6.25`) are not text and stay as they are. Control characters become U+FFFD.
    """
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(value, raw) for value in row])
    return buffer.getvalue()


def _csv_value(value: Any, raw: bool) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = csv_cell(str(value))
    if not raw and text.startswith(_FORMULA_START):
        return "'" + text
    return text
