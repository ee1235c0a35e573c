"""JSON and CSV text for stdout that can never drive the terminal.

JSON already escapes the C0 controls; the C1 controls (U+0080 to U+009F, among them
U+009B, a one-character escape sequence) and DEL are escaped here as \\uXXXX, so the
JSON still says exactly what the records say. CSV has no escapes: there a control
character is replaced by U+FFFD, as in the terminal tables.
"""

from __future__ import annotations

import json
import re
from typing import Any

_C1_AND_DEL = re.compile(r"[\x7f-\x9f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def json_text(data: Any) -> str:
    """Give `data` as indented JSON, UTF-8 as it is, with DEL and C1 controls escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _C1_AND_DEL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def csv_cell(value: str) -> str:
    """Give `value` for a CSV cell: control characters (not tab or newline) become U+FFFD."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", value)
