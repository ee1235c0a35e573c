"""Read one spreadsheet cell as the Python value a record field expects.

`parse_cell(kind, value, epoch)` gives `str`, `int`, `float`, `bool`, `date` or `list[str]`,
or `BLANK` for an empty cell, and raises `CellError` with a message that says what was found
and what is accepted. The models check ranges and cross-field rules afterwards; this module
only turns what spreadsheet programs write (numbers for postcodes, serial dates, decimal
commas, "ja") into the canonical types.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl.utils.datetime import from_excel

from mentes_cli.i18n import _
from mentes_cli.load import vocabulary as v

BLANK = object()

# Excel's serial numbers run from 1 (1 January 1900) to 2958465 (31 December 9999).
_LAST_SERIAL = 2_958_465
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WHOLE_TEXT = re.compile(r"[+-]?\d+")
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_LIST_SPLIT = re.compile(r"[,;\n]")
_WEEKDAY_SPLIT = re.compile(r"[,;\s]+")
_RANGE = v.WEEKDAY_RANGE


class CellError(ValueError):
    """A cell holds a value its column does not accept; the message says what and why."""


def describe(value: Any) -> str:
    """Give how a cell value is named in a message: 'drie', 3.5, a yes/no cell (TRUE)."""
    if isinstance(value, bool):
        return _("a yes/no cell ({value})", value="TRUE" if value else "FALSE")
    if isinstance(value, datetime):
        return _("a date with a time ({value})", value=value.strftime("%d/%m/%Y %H:%M"))
    if isinstance(value, date):
        return _("a date ({value})", value=value.strftime("%d/%m/%Y"))
    if isinstance(value, time):
        return _("a time ({value})", value=value.strftime("%H:%M"))
    if isinstance(value, timedelta):
        return _("a duration ({value})", value=value)
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "…"
        return repr(shown)
    return repr(value)


def _refuse(kind: str, value: Any) -> CellError:
    return CellError(_got(v.accepted(kind), value))


def _got(accepted: str, value: Any) -> str:
    return _("must be {accepted}, got {value}", accepted=accepted, value=describe(value))


def is_blank(value: Any) -> bool:
    """Give whether a cell counts as empty: nothing, or only (non-breaking) spaces."""
    # str.strip() removes non-breaking spaces too (they are whitespace to Python).
    return value is None or (isinstance(value, str) and not value.strip())


def _whole_of_number(value: int | float) -> int | None:
    if isinstance(value, int):
        return value
    if math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_identifier(kind: str, value: Any) -> str:
    """Give text (ids trimmed, other text as written), or the digits of a whole-number cell."""
    if isinstance(value, str):
        return value if kind == v.TEXT else value.strip()
    if _is_number(value):
        whole = _whole_of_number(value)
        if whole is not None:
            return str(whole)
    raise _refuse(kind, value)


def parse_whole(value: Any) -> int:
    """Give a whole number from a number cell or text; 3.5, TRUE and 'drie' are refused."""
    if _is_number(value):
        whole = _whole_of_number(value)
        if whole is not None:
            return whole
    elif isinstance(value, str):
        text = v.fold(value)
        if _WHOLE_TEXT.fullmatch(text):
            return int(text)
        if _NUMBER_TEXT.fullmatch(text):
            number = float(text.replace(",", "."))
            if number.is_integer():
                return int(number)
    raise _refuse(v.WHOLE, value)


def parse_number(value: Any) -> float:
    """Give a number from a number cell or text with a decimal comma or point."""
    if _is_number(value) and math.isfinite(value):
        return float(value)
    if isinstance(value, str):
        text = v.fold(value)
        if _NUMBER_TEXT.fullmatch(text):
            return float(text.replace(",", "."))
    raise _refuse(v.NUMBER, value)


def parse_flag(kind: str, value: Any) -> bool:
    """Give yes or no from a TRUE/FALSE cell, 1/0, or ja/nee, yes/no, waar/onwaar, true/false."""
    if isinstance(value, bool):
        return value
    if _is_number(value) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        text = v.fold(value)
        if text in v.YES:
            return True
        if text in v.NO:
            return False
    raise _refuse(kind, value)


def parse_date(value: Any, epoch: datetime) -> date:
    """Give a date from a date cell (at midnight), a whole serial number, or d/m/yyyy text."""
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            raise CellError(
                _(
                    "must be a date without a time of day, got {value}; give the date alone",
                    value=describe(value),
                )
            )
        return value.date()
    if isinstance(value, date):
        return value
    if _is_number(value):
        serial = _whole_of_number(value)
        if serial is None:
            raise CellError(
                _(
                    "must be {accepted}, got {value} (a serial date number with a time of day)",
                    accepted=v.accepted(v.DATE),
                    value=describe(value),
                )
            )
        if not 1 <= serial <= _LAST_SERIAL:
            raise CellError(
                _(
                    "must be {accepted}, got {value} (not a serial date number Excel knows)",
                    accepted=v.accepted(v.DATE),
                    value=describe(value),
                )
            )
        return from_excel(serial, epoch=epoch).date()
    if isinstance(value, str):
        text = v.fold(value)
        match = _DMY.fullmatch(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
        elif match := _ISO.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
        else:
            raise _refuse(v.DATE, value)
        try:
            return date(year, month, day)
        except ValueError:
            raise CellError(
                _(
                    "{value} is not a day of the calendar; must be {accepted}",
                    value=repr(value.strip()),
                    accepted=v.accepted(v.DATE),
                )
            ) from None
    raise _refuse(v.DATE, value)


def _choice(kind: str, words: dict[str, Any], value: Any) -> Any:
    if isinstance(value, str) and v.fold(value) in words:
        return words[v.fold(value)]
    raise _refuse(kind, value)


def parse_subsidy_step(value: Any) -> int:
    """Give 0 to 3 from a whole number, or from T0-T3 or "trap 0"-"trap 3" text."""
    if _is_number(value):
        step = _whole_of_number(value)
        if step is not None and 0 <= step <= 3:
            return step
        raise _refuse(v.SUBSIDY_STEP, value)
    return _choice(v.SUBSIDY_STEP, v.SUBSIDY_STEP_WORDS, value)


def parse_weekdays(value: Any) -> list[str]:
    """Give weekday codes (mon...sun) from "ma, di, wo", "maandag; dinsdag" or "ma-vr"."""
    if not isinstance(value, str):
        raise _refuse(v.WEEKDAYS_LIST, value)
    days: list[str] = []
    for part in _LIST_SPLIT.split(value):
        if not v.fold(part):
            continue
        ranged = _RANGE.fullmatch(v.fold(part))
        if ranged:
            first, last = (_weekday(word, value) for word in ranged.groups())
            days.extend(_days_between(first, last))
            continue
        days.extend(_weekday(word, value) for word in _WEEKDAY_SPLIT.split(v.fold(part)) if word)
    return days


def _weekday(word: str, value: str) -> str:
    if word in v.WEEKDAY_WORDS:
        return v.WEEKDAY_WORDS[word]
    raise CellError(
        _(
            "must be {accepted}, got {word} in {value}",
            accepted=v.accepted(v.WEEKDAYS_LIST),
            word=repr(word),
            value=describe(value),
        )
    )


def _days_between(first: str, last: str) -> list[str]:
    from mentes_cli.models import WEEKDAYS

    start, end = WEEKDAYS.index(first), WEEKDAYS.index(last)
    if end < start:
        raise CellError(
            _(
                "the range {first}-{last} runs backwards; write it from the first day to the "
                "last, such as ma-vr",
                first=v.WEEKDAY_DUTCH[first],
                last=v.WEEKDAY_DUTCH[last],
            )
        )
    return list(WEEKDAYS[start : end + 1])


def parse_text_list(value: Any) -> list[str]:
    """Give the names of a comma-separated list, each without surrounding spaces."""
    if not isinstance(value, str):
        raise _refuse(v.TEXT_LIST, value)
    return [part.strip() for part in _LIST_SPLIT.split(value) if v.fold(part)]


def parse_domains(value: Any) -> list[str]:
    """Give the BVV domains of a ;-separated list, in their exact spelling."""
    if not isinstance(value, str):
        raise _refuse(v.DOMAINS, value)
    parts = [part.strip() for part in re.split(r"[;\n]", value) if v.fold(part)]
    wrong = [part for part in parts if v.fold(part) not in v.DOMAIN_WORDS]
    if wrong:
        # Every wrong one at once: a cell with two typos is not fixed in two rounds.
        raise CellError(
            _(
                "must be {accepted}, got {value}",
                accepted=v.accepted(v.DOMAINS),
                value=", ".join(repr(part) for part in wrong),
            )
        )
    return [v.DOMAIN_WORDS[v.fold(part)] for part in parts]


def parse_clock(value: Any) -> str:
    """Give a time of day "HH:MM" from a time cell (or a duration or day fraction below one
    day, as spreadsheet programs keep times) or text such as 9:00, 09:00, 9u or 9u30."""
    minutes: float | None = None
    if isinstance(value, time):
        minutes = value.hour * 60 + value.minute + value.second / 60
    elif isinstance(value, timedelta) and timedelta(0) <= value < timedelta(days=1):
        minutes = value.total_seconds() / 60
    elif _is_number(value) and math.isfinite(value) and 0 <= value < 1:
        minutes = value * 24 * 60
    elif isinstance(value, str):
        shown = v.clock(value)
        if shown is not None:
            return shown
    if minutes is not None and abs(minutes - round(minutes)) < 1e-6:
        whole = round(minutes)
        return f"{whole // 60:02d}:{whole % 60:02d}"
    raise _refuse(v.CLOCK, value)


def parse_cell(kind: str, value: Any, epoch: datetime) -> Any:
    """Give the canonical value of a cell for a column of `kind`, or BLANK when it is empty."""
    if is_blank(value):
        return BLANK
    if kind in (v.ID, v.POSTCODE, v.TEXT):
        return parse_identifier(kind, value)
    if kind == v.WHOLE:
        return parse_whole(value)
    if kind == v.NUMBER:
        return parse_number(value)
    if kind in (v.FLAG, v.OPTIONAL_FLAG):
        return parse_flag(kind, value)
    if kind == v.DATE:
        return parse_date(value, epoch)
    if kind == v.WEEKDAYS_LIST:
        return parse_weekdays(value)
    if kind == v.OPENING_HOURS:
        hours = v.opening_hours(value) if isinstance(value, str) else None
        if hours is None:
            raise _refuse(kind, value)
        return hours
    if kind == v.TEXT_LIST:
        return parse_text_list(value)
    if kind == v.DOMAINS:
        return parse_domains(value)
    if kind == v.SUBSIDY_STEP:
        return parse_subsidy_step(value)
    if kind == v.CARE_TYPE:
        return _choice(kind, v.CARE_TYPE_WORDS, value)
    if kind == v.ROLE:
        return _choice(kind, v.ROLE_WORDS, value)
    if kind == v.STATUS:
        return _choice(kind, v.STATUS_WORDS, value)
    if kind == v.OFFER:
        return _choice(kind, v.offer_words(), value)
    if kind == v.VISIT_KIND:
        return _choice(kind, v.VISIT_KIND_WORDS, value)
    if kind == v.VISIT_STATE:
        return _choice(kind, v.VISIT_STATE_WORDS, value)
    if kind == v.CLOCK:
        return parse_clock(value)
    raise AssertionError(f"unknown column kind {kind!r}")
