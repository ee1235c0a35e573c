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


COLUMNS: tuple[tuple[str, float], ...] = (
    ("Location", 12),
    ("Location name", 28),
    ("Organisation", 12),
    ("Organisation name", 28),
    ("Postcode", 9),
    ("Municipality", 16),
    ("District", 14),
    ("Care type", 9),
    ("Subsidy step", 8),
    ("IKT places", 8),
    ("IKT places of the organisation", 12),
    ("Enforcement", 14),
    ("PRIOR", 7),
    ("PRIOR rules", 22),
    ("Regional support", 12),
    ("Regional support: free from", 13),
    ("Regional support: rules", 36),
    ("Regional support: explanation", 70),
    ("Pedagogical coaching", 12),
    ("Pedagogical coaching: free from", 13),
    ("Pedagogical coaching: rules", 36),
    ("Pedagogical coaching: explanation", 70),
    ("Warnings", 50),
)


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

    from mentes_cli.export.cells import add_filter, put, put_text, save_workbook, write_header

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    write_header(sheet, [name for name, _ in COLUMNS], [width for _, width in COLUMNS])
    wrap = Alignment(wrap_text=True, vertical="top")
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
                ", ".join(decision.rules),
                decision.explanation,
            ]
        values.append("; ".join(result.warnings))
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            if value is None:
                continue
            put(cell, value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            if column in (18, 22, 23):
                cell.alignment = wrap
    add_filter(sheet, len(COLUMNS), len(results))

    info = workbook.create_sheet(INFO_SHEET)
    write_header(info, ["Item", "Value"], [28, 80])
    rows: list[tuple[str, object]] = [
        ("As of", as_of),
        ("Locations", len(results)),
        ("Records", source),
        ("Rules", "SPEC 3: PRIOR, scope and frequency; parameters in rules.toml and regions.toml"),
    ]
    for row, (item, value) in enumerate(rows, start=2):
        put_text(info.cell(row=row, column=1), item)
        cell = put(info.cell(row=row, column=2), value)
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
    save_workbook(workbook, target)
