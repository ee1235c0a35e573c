"""Find English left in a Dutch run: lines that hold words a Dutch sentence never has.

A Dutch run of a command may print ids, codes, names, numbers and dates; it may not print an
English sentence. The words below are common in mentes's English and are not Dutch words
(`of`, `was`, `is`, `plan`, `coach`, `coaches`, `per`, `week`, `traject` are Dutch too and are left
out).
"""

from __future__ import annotations

import re

ENGLISH_WORDS = frozenset(
    """
    the and with for to not from by are were has have had this that these those which will
    would can cannot must should yes free paid unknown location locations organisation
    organisations organization visits hours hour error warning wrote written planned missing
    invalid required file sheet row column found none nothing could please usage options
    show exit each every when there their into than then been being does did done but also
    only more less after before between without within while because same other must
    family group days weeks months year years amount price total cost costs
    command commands argument arguments value values default choose given date dates
    reason reasons eligible eligibility quote support regional pedagogical request requests
    approved cancelled finished started waiting wait record records changed change changes
    letter letters calendar calendars report schedule subsidy step places
    """.split()  # noqa: SIM905 - a word list reads better as text
)

WORD = re.compile(r"[A-Za-z][a-z]+(?:'[a-z]+)?")
# Command and option names are the same in both languages: `mentes report --help`, `--commit`;
# so are paths, file names and the keys of a TOML file (`ikt_places`, `window.default_days`).
COMMAND_LINE = re.compile(
    r"mentes(?: [a-z][a-z-]*)+|--?[a-z][a-z-]*|\b[\w.-]+\.(?:toml|xlsx|ics|eml|csv|json)\b"
    r"|\b[a-z]+(?:[_.][a-z]+)+\b|\S*/\S*"
)


def english_left(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Give every line of `text` that has an English word (names in `allowed` excepted)."""
    found = []
    for line in text.splitlines():
        words = {w.lower() for w in WORD.findall(COMMAND_LINE.sub(" ", line))} - {
            a.lower() for a in allowed
        }
        if words & ENGLISH_WORDS:
            found.append(line.strip())
    return found
