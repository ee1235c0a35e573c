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

from mentes_cli.eligibility import DECISION_STATUSES, FAMILIES, LocationResult
from mentes_cli.i18n import _, language
from mentes_cli.models import CARE_TYPES

# The workbook is output only: its sheet names, headers and values follow the language.
DATE_FORMATS = {"nl": "dd/mm/yyyy", "en": "yyyy-mm-dd"}


def sheet_names() -> tuple[str, str]:
    """Give the names of the overview sheet and of the sheet about it."""
    return _("Eligibility"), _("About")


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


# The width of each column. The widths are chosen for print as much as for the screen:
# long texts (names, rules, explanations, warnings) wrap in narrow columns, so that the
# sheet fits one A4 landscape page wide at a readable scale.
WIDTHS: tuple[float, ...] = (
    *(10, 18, 10, 18, 9, 12, 11, 8, 8, 7, 12, 11, 6, 14),
    # a date (free from) needs 13: at 11 LibreOffice's wider fallback font ran it into the
    # next column ("01/01/2028T-2026-017")
    *(11, 13, 11, 14, 40) * len(FAMILIES),
    24,
)
# The columns whose text wraps (1-based): names, enforcement, rules, used by, explanations,
# warnings.
WRAPPED = frozenset(
    {2, 4, 12, 14}
    | {15 + 5 * index + offset for index in range(len(FAMILIES)) for offset in (2, 3, 4)}
    | {len(WIDTHS)}
)

CARE_TYPE_COLUMN = 8
STATUS_COLUMNS = tuple(15 + 5 * index for index in range(len(FAMILIES)))


def columns() -> list[str]:
    """Give the header of each column, in the reader's language."""
    headers = [
        _("Location"),
        _("Location name"),
        _("Organisation"),
        _("Organisation name"),
        _("Postcode"),
        _("Municipality"),
        _("District"),
        _("Care type"),
        _("Subsidy step"),
        _("IKT places"),
        _("IKT places of the organisation"),
        _("Enforcement"),
        "PRIOR",
        _("PRIOR rules"),
    ]
    for family in FAMILIES:
        if family == "regional_support":
            headers += [
                _("Regional support"),
                _("Regional support: free from"),
                _("Regional support: used by"),
                _("Regional support: rules"),
                _("Regional support: explanation"),
            ]
        else:
            headers += [
                _("Pedagogical coaching"),
                _("Pedagogical coaching: free from"),
                _("Pedagogical coaching: used by"),
                _("Pedagogical coaching: rules"),
                _("Pedagogical coaching: explanation"),
            ]
    headers.append(_("Warnings"))
    return headers


# On paper the sheet is too wide for one page at a readable size: all its columns on one A4
# page print at about 4 pt. It prints some pages wide instead, the location's id and name
# repeated at the left of each, at 8 pt or more: a page holds about PAGE_WIDTH units of column
# width (LibreOffice's fallback for Calibri is wider than Calibri, so this is on the safe side).
PAGE_WIDTH = 150
REPEATED_COLUMNS = "A:B"  # the location's id and name

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

    from mentes_cli.eligibility.sentences import say
    from mentes_cli.export.cells import (
        add_filter,
        put,
        put_text,
        save_workbook,
        set_print_layout,
        write_header,
    )
    from mentes_cli.render_eligibility import care_type_word, status_word, yes_no

    date_format = DATE_FORMATS[language()]
    headers = columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title, info_title = sheet_names()
    # A header wraps between its words, never inside one; the words of a column that does not
    # wrap (a care type, a status: "niet beschikbaar") fit it whole.
    widths = [
        max(width, max(len(word) for word in name.split()) + 2)
        for name, width in zip(headers, WIDTHS, strict=True)
    ]
    words = {
        CARE_TYPE_COLUMN: [care_type_word(care_type) for care_type in CARE_TYPES],
        **{column: [status_word(s) for s in DECISION_STATUSES] for column in STATUS_COLUMNS},
    }
    for column, texts in words.items():
        widths[column - 1] = max(widths[column - 1], max(len(text) for text in texts) + 2)
    write_header(sheet, headers, widths)
    for cell in sheet[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[1].height = LINE_HEIGHT * max(
        _lines(name, width) for name, width in zip(headers, widths, strict=True)
    )
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row, result in enumerate(results, start=2):
        fact = facts.get(result.location or "")
        values: list[object] = [
            result.location or _("(quick check)"),
            fact.name if fact else "",
            result.organisation or "",
            fact.organisation_name if fact else "",
            fact.postcode if fact else "",
            fact.municipality if fact else "",
            fact.district if fact else "",
            care_type_word(fact.care_type) if fact else "",
            fact.subsidy_step if fact else None,
            fact.ikt_places if fact else None,
            fact.organisation_ikt_places if fact else None,
            fact.enforcement if fact else "",
            yes_no(result.prior),
            ", ".join(result.prior_rules),
        ]
        for family in FAMILIES:
            decision = getattr(result, family)
            values += [
                status_word(decision.status),
                decision.next_free,
                ", ".join(decision.used_by),
                ", ".join(decision.rules),
                say(decision.explanation),
            ]
        values.append("; ".join(say(warning) for warning in result.warnings))
        lines = 1
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            if value is None:
                continue
            put(cell, value)
            if isinstance(value, date):
                cell.number_format = date_format
            if column in WRAPPED:
                cell.alignment = wrap
                lines = max(lines, _lines(str(value), widths[column - 1]))
            else:
                cell.alignment = top
        # Spreadsheet programs do not grow a row for wrapped text a library wrote.
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines
    add_filter(sheet, len(headers), len(results))
    set_print_layout(sheet, landscape=True)
    _print_pages_wide(sheet, widths)

    info = workbook.create_sheet(info_title)
    write_header(info, [_("Item"), _("Value")], [28, 80])
    rows: list[tuple[str, object]] = [
        (_("As of"), as_of),
        (_("Locations"), len(results)),
        (_("Records"), source),
        (
            _("Rules"),
            _("PRIOR, scope and frequency; their parameters in rules.toml and regions.toml"),
        ),
    ]
    for row, (item, value) in enumerate(rows, start=2):
        put_text(info.cell(row=row, column=1), item)
        cell = put(info.cell(row=row, column=2), value)
        if isinstance(value, date):
            cell.number_format = date_format
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    set_print_layout(info, landscape=False)
    save_workbook(workbook, target)


def _print_pages_wide(sheet, widths: Sequence[float]) -> None:
    """Print the sheet as many A4 landscape pages wide as its columns need at a readable
    size (each program picks its scale), as many down as the rows need; the header on every
    page, the location's id and name on the left of every page, pages side by side before
    going down, so that a location's facts and decisions follow each other."""
    import math

    sheet.page_setup.fitToWidth = max(1, math.ceil(sum(widths) / PAGE_WIDTH))
    sheet.page_setup.fitToHeight = 0
    sheet.page_setup.pageOrder = "overThenDown"
    sheet.print_title_cols = REPEATED_COLUMNS


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
