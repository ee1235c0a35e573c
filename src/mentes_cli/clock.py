"""The one "now" of mentes: the clock, or SOURCE_DATE_EPOCH when it is set.

Every time stamp in an output (a calendar's DTSTAMP, an e-mail's Date and Message-ID, a
line of the history) asks this module, so that tests and reproducible runs give the same
bytes: https://reproducible-builds.org/specs/source-date-epoch/
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def now() -> datetime:
    """Give the current moment in UTC, or SOURCE_DATE_EPOCH's when that is a whole number."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if fixed.isdigit():
        try:
            return datetime.fromtimestamp(int(fixed), tz=UTC)
        except (OverflowError, OSError, ValueError):
            pass  # a value beyond the calendar: the clock, as if it were not set
    return datetime.now(tz=UTC).replace(microsecond=0)


def today() -> date:
    """Give today as the coordinator's calendar has it: the local day of `now()`."""
    return now().astimezone().date()
