"""The eligibility overview workbook: one row per location, a filter and a frozen header.

A coordinator filters it (all PRIOR locations with free coaching, say). Every cell is written
through `export.cells`, so record text never becomes a formula, and the file is saved
atomically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mentes_cli.eligibility import FAMILIES, LocationResult

SHEET = "Eligibility"
INFO_SHEET = "About"
DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class LocationFacts:
    """What the overview shows of a location besides the decision (from the records)."""

    name: str
    organisation_name: str
    postcode: str
    municipality: str
    district: str
    care_type: str
    subsidy_step: int
    ikt_places: int
    organisation_ikt_places: int
    enforcement: str


# Header and width of each column. The widths are chosen for print as much as for the
# screen: long texts (names, rules, explanations, warnings) wrap in narrow columns, so that
# the sheet fits one A4 landscape page wide at a readable scale.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("Location", 10),
    ("Location name", 18),
    ("Organisation", 10),
    ("Organisation name", 18),
    ("Postcode", 9),
    ("Municipality", 12),
    ("District", 11),
    ("Care type", 8),
    ("Subsidy step", 8),
    ("IKT places", 7),
    ("IKT places of the organisation", 12),
    ("Enforcement", 11),
    ("PRIOR", 6),
    ("PRIOR rules", 14),
    ("Regional support", 11),
    ("Regional support: free from", 11),
    ("Regional support: used by", 11),
    ("Regional support: rules", 14),
    ("Regional support: explanation", 40),
    ("Pedagogical coaching", 11),
    ("Pedagogical coaching: free from", 11),
    ("Pedagogical coaching: used by", 11),
    ("Pedagogical coaching: rules", 14),
    ("Pedagogical coaching: explanation", 40),
    ("Warnings", 24),
)
# The columns whose text wraps (1-based): names, rules, explanations, enforcement, warnings.
WRAPPED = frozenset(
    index
    for index, (name, _) in enumerate(COLUMNS, start=1)
    if name.endswith(("name", "rules", "explanation", "used by"))
    or name in ("Enforcement", "Warnings")
)
LINE_HEIGHT = 15  # points a line of the body font needs
CHARS_PER_WIDTH = 1.1  # characters of the body font per unit of column width, about


def write_overview(
    target: Path,
    as_of: date,
    results: Sequence[LocationResult],
    facts: Mapping[str, LocationFacts],
    *,
    source: str,
) -> None:
    """Write the overview of `results` to `target` (.xlsx), atomically.

    `facts` holds the record details by location id (absent for the quick check); `source`
    says which records were used, for the About sheet.
    """
    # openpyxl is slow to import; only a command that writes a workbook pays for it.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from mentes_cli.export.cells import (
        add_filter,
        put,
        put_text,
        save_workbook,
        set_print_layout,
        write_header,
    )

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    # A header wraps between its words, never inside one.
    widths = [max(width, max(len(word) for word in name.split()) + 2) for name, width in COLUMNS]
    write_header(sheet, [name for name, _ in COLUMNS], widths)
    for cell in sheet[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[1].height = LINE_HEIGHT * max(
        _lines(name, width) for (name, _), width in zip(COLUMNS, widths, strict=True)
    )
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row, result in enumerate(results, start=2):
        fact = facts.get(result.location or "")
        values: list[object] = [
            result.location or "(quick check)",
            fact.name if fact else "",
            result.organisation or "",
            fact.organisation_name if fact else "",
            fact.postcode if fact else "",
            fact.municipality if fact else "",
            fact.district if fact else "",
            fact.care_type if fact else "",
            fact.subsidy_step if fact else None,
            fact.ikt_places if fact else None,
            fact.organisation_ikt_places if fact else None,
            fact.enforcement if fact else "",
            "yes" if result.prior else "no",
            ", ".join(result.prior_rules),
        ]
        for family in FAMILIES:
            decision = getattr(result, family)
            values += [
                decision.status,
                decision.next_free,
                ", ".join(decision.used_by),
                ", ".join(decision.rules),
                decision.explanation,
            ]
        values.append("; ".join(result.warnings))
        lines = 1
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            if value is None:
                continue
            put(cell, value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            if column in WRAPPED:
                cell.alignment = wrap
                lines = max(lines, _lines(str(value), widths[column - 1]))
            else:
                cell.alignment = top
        # Spreadsheet programs do not grow a row for wrapped text a library wrote.
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines
    add_filter(sheet, len(COLUMNS), len(results))
    set_print_layout(sheet, landscape=True)

    info = workbook.create_sheet(INFO_SHEET)
    write_header(info, ["Item", "Value"], [28, 80])
    rows: list[tuple[str, object]] = [
        ("As of", as_of),
        ("Locations", len(results)),
        ("Records", source),
        ("Rules", "PRIOR, scope and frequency; their parameters in rules.toml and regions.toml"),
    ]
    for row, (item, value) in enumerate(rows, start=2):
        put_text(info.cell(row=row, column=1), item)
        cell = put(info.cell(row=row, column=2), value)
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    set_print_layout(info, landscape=False)
    save_workbook(workbook, target)


def _lines(text: str, width: float) -> int:
    """Give about how many lines `text` takes when wrapped in a column `width` wide."""
    usable = max(int(width * CHARS_PER_WIDTH) - 1, 1)
    lines = 0
    for paragraph in text.split("\n"):
        length = 0
        lines += 1
        for word in paragraph.split():
            if length and length + 1 + len(word) > usable:
                lines += 1
                length = len(word)
            else:
                length += (1 if length else 0) + len(word)
    return max(lines, 1)
