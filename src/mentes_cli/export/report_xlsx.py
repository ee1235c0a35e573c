"""The report workbook (SPEC 10): one sheet per part, native charts, A4 landscape.

The workbook is output only, so it follows the language (SPEC 7). Record text (ids, names,
areas) goes through `export.cells`, so it never becomes a formula; hours are shown rounded
to the quarter hour; charts are openpyxl's native Excel charts (LibreOffice renders them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from mentes_cli.export.cells import HEADER_FILL, HEADER_FONT, put, put_text, save_workbook
from mentes_cli.i18n import _, day, language, number
from mentes_cli.report.model import (
    FAMILIES,
    FAMILY_OF_ROLE,
    ROLE_OF_FAMILY,
    SHOWN_ROLES,
    Report,
    Share,
)
from mentes_cli.report.words import due_words, family_name, month_label, role_name, short_name

HOURS = "#,##0.00"
WHOLE = "#,##0"
PERCENT = "0%"
TITLE_FONT = Font(name="Calibri", bold=True, size=14)
BOLD = Font(name="Calibri", bold=True)
# Charts are sized in centimetres; an A4 landscape page holds about 27 × 18 cm.
CHART_WIDTH = 24
CHART_HEIGHT = 11


def _quarter(hours: float) -> float:
    return round(hours * 4) / 4


def _quarters(hours: Sequence[float]) -> list[float]:
    """Give the hours rounded to quarter hours such that they add up to their rounded sum
    (largest remainder): a column's total row then says what the report's other sheets say
    (7 coaching trajects of 50 h are 350 h due, not 351 after rounding each month)."""
    exact = [h * 4 for h in hours]
    floors = [int(e // 1) for e in exact]
    missing = round(sum(exact)) - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: max(0, missing)]:
        floors[i] += 1
    return [f / 4 for f in floors]


def _setup(sheet: Worksheet, header_row: int | None, widths: Sequence[float]) -> None:
    """A4 landscape, fit to the page width, header row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    if header_row is not None:
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.freeze_panes = f"A{header_row + 1}"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    _fit_header_rows(sheet, widths)


# Characters of a bold header that fit one unit of column width: LibreOffice draws Calibri
# with a wider font when Calibri is missing, so a line holds fewer than `width` characters.
HEADER_CHARACTERS_PER_WIDTH = 0.8
LINE_HEIGHT = 15  # points, one line of 11 pt text


def _fit_header_rows(sheet: Worksheet, widths: Sequence[float]) -> None:
    """Give every header row the height of its longest wrapped header, so that none is cut:
    LibreOffice and Excel do not grow a row for wrapped text on opening."""
    import textwrap

    for row in sheet.iter_rows():
        if not row or row[0].fill != HEADER_FILL:
            continue
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            if isinstance(cell.value, str) and cell.value:
                room = max(int(width * HEADER_CHARACTERS_PER_WIDTH), 4)
                lines = max(lines, len(textwrap.wrap(cell.value, room)))
        sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines + 2


# Characters of plain 11 pt text that fit one unit of column width, on the safe side (see
# HEADER_CHARACTERS_PER_WIDTH): a row that is a little too high is better than a cut line.
TEXT_CHARACTERS_PER_WIDTH = 1.0


def _note(sheet: Worksheet, row: int, text: str, widths: Sequence[float]) -> None:
    """Write running text over the columns of `widths`, wrapped, in a row high enough for all
    its lines: neither Excel nor LibreOffice grows a row for wrapped text in merged cells."""
    import textwrap

    cell = put_text(sheet.cell(row=row, column=1), text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    room = max(int(sum(widths) * TEXT_CHARACTERS_PER_WIDTH), 20)
    lines = sum(len(textwrap.wrap(part, room)) or 1 for part in text.split("\n"))
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 4


def _title(sheet: Worksheet, text: str, row: int = 1) -> None:
    put_text(sheet.cell(row=row, column=1), text).font = TITLE_FONT


def _header(sheet: Worksheet, row: int, headers: Sequence[str]) -> None:
    for column, text in enumerate(headers, start=1):
        cell = put_text(sheet.cell(row=row, column=column), text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _row(sheet: Worksheet, row: int, values: Sequence[Any], formats: Sequence[str | None]) -> None:
    for column, (value, number_format) in enumerate(zip(values, formats, strict=True), start=1):
        cell = put(sheet.cell(row=row, column=column), value)
        if number_format and not isinstance(value, str):
            cell.number_format = number_format


def _axes(chart: BarChart | LineChart, x_title: str, y_title: str) -> None:
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    # openpyxl 3.1 marks axes deleted unless told otherwise: Excel then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.y_axis.number_format = "#,##0"
    chart.width = CHART_WIDTH
    chart.height = CHART_HEIGHT


def _summary(book: Workbook, report: Report, source: str) -> None:
    sheet = book.create_sheet(_("Summary"))
    period = report.period
    _title(sheet, _("What the network can do"))
    put_text(
        sheet.cell(row=2, column=1),
        _(
            "Period {start} to {end}; PRIOR and scopes as of {end}.",
            start=day(period.first),
            end=day(period.last),
        ),
    )
    put_text(sheet.cell(row=3, column=1), source)
    variants = [False] + ([True] if report.variant is not None else [])
    columns = [(family, variant) for family in FAMILIES for variant in variants]
    headers = [""]
    for family, variant in columns:
        if len(variants) == 1:
            headers.append(family_name(family))
        else:
            label = _("variant") if variant else _("base")
            headers.append(f"{family_name(family)} ({label})")
    header_row = 5
    _header(sheet, header_row, headers)

    def supply_hours(family: str, variant: bool) -> float:
        supply = report.variant.supply if variant and report.variant else report.supply
        return _quarter(supply.roles[ROLE_OF_FAMILY[family]].total)

    def due_of(family: str, variant: bool):
        return (report.variant.due if variant and report.variant else report.due)[family]

    rows = [
        (_("Contact hours (supply)"), supply_hours, HOURS),
        (
            _("Hours booked"),
            lambda f, v: _quarter(report.booked.roles[ROLE_OF_FAMILY[f]].total),
            HOURS,
        ),
        (
            _("Hours not yet booked"),
            lambda f, v: _quarter(report.answer(f, v).free_hours),
            HOURS,
        ),
        (_("Hours per due traject"), lambda f, v: due_of(f, v).hours_per_traject, HOURS),
        (_("Trajects the team can still give"), lambda f, v: report.answer(f, v).can_give, WHOLE),
        (_("Trajects due"), lambda f, v: report.answer(f, v).due, WHOLE),
        (_("Gap (due − can give)"), lambda f, v: report.answer(f, v).gap, WHOLE),
    ]
    for offset, (label, value_of, number_format) in enumerate(rows):
        values: list[Any] = [label] + [value_of(f, v) for f, v in columns]
        _row(sheet, header_row + 1 + offset, values, [None] + [number_format] * len(columns))
    note = header_row + len(rows) + 2
    widths = [34] + [20] * (len(headers) - 1)
    _note(
        sheet,
        note,
        _(
            "Can give: the hours not yet booked divided by the hours of one traject "
            "({coaching} h per {coaching_offer} traject, {bvv} h per {bvv_offer} traject). Due: "
            "PRIOR locations in the free scope whose free traject is available in the period "
            "and not yet approved or done.",
            **due_words(report),
        ),
        widths,
    )
    _setup(sheet, header_row, widths)


def _capacity(book: Workbook, report: Report) -> None:
    sheet = book.create_sheet(_("Capacity"))
    _title(sheet, _("Contact hours per month: supply, booked and due"))
    put_text(
        sheet.cell(row=2, column=1),
        _("Due hours are the period's due demand spread evenly over its months."),
    )
    months = report.period.months()
    header_row = 4
    headers = [_("Month")]
    columns: list[tuple[str, str]] = []
    for role in SHOWN_ROLES:
        family = FAMILY_OF_ROLE[role]
        # The family's short name (its role's work): the charts' legends read these headers.
        short = short_name(family)
        headers += [
            _("{role}: supply", role=short),
            _("{role}: booked", role=short),
            _("{family}: due", family=short),
        ]
        columns += [("supply", role), ("booked", role), ("due", family)]
        if report.variant is not None:
            headers.append(_("{role}: supply (variant)", role=short))
            columns.append(("variant", role))
    _header(sheet, header_row, headers)
    by_column = []
    for kind, key in columns:
        if kind == "supply":
            exact = [report.supply.roles[key].months[month] for month in months]
        elif kind == "booked":
            exact = [report.booked.roles[key].months[month] for month in months]
        elif kind == "due":
            exact = [report.due[key].hours / len(months)] * len(months)
        else:
            exact = [report.variant.supply.roles[key].months[month] for month in months]  # type: ignore[union-attr]
        by_column.append(_quarters(exact))
    for index, month in enumerate(months):
        values: list[Any] = [month_label(month), *(column[index] for column in by_column)]
        _row(sheet, header_row + 1 + index, values, [None] + [HOURS] * len(columns))
    last = header_row + len(months)
    total_row = last + 1
    _row(sheet, total_row, [_("Total")] + [None] * len(columns), [None] * (len(columns) + 1))
    for column in range(2, len(columns) + 2):
        letter = get_column_letter(column)
        cell = sheet.cell(row=total_row, column=column)
        cell.value = f"=SUM({letter}{header_row + 1}:{letter}{last})"
        cell.number_format = HOURS
    for column in range(1, len(columns) + 2):
        sheet.cell(row=total_row, column=column).font = BOLD
    categories = Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last)
    anchor_row = total_row + 3
    for role in SHOWN_ROLES:
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "clustered"
        chart.title = _("{role}: supply, booked and due hours per month", role=role_name(role))
        for position, (kind, key) in enumerate(columns, start=2):
            if (kind in ("supply", "booked", "variant") and key == role) or (
                kind == "due" and ROLE_OF_FAMILY[key] == role
            ):
                data = Reference(sheet, min_col=position, min_row=header_row, max_row=last)
                chart.add_data(data, titles_from_data=True)
        chart.set_categories(categories)
        _axes(chart, _("Month"), _("Hours"))
        # Each chart on a page of its own, so that none is cut by a page break.
        sheet.row_breaks.append(Break(id=anchor_row - 2))
        sheet.add_chart(chart, f"A{anchor_row}")
        anchor_row += 26
    # The table fits one page: no header rows repeated over the charts' pages.
    _setup(sheet, None, [12] + [16] * len(columns))
    sheet.freeze_panes = f"A{header_row + 1}"


def _shares_table(
    sheet: Worksheet, row: int, title: str, key_header: str, shares: Sequence[Share]
) -> tuple[int, int]:
    """Write a table of shares from `row`; give its first and last data row."""
    put_text(sheet.cell(row=row, column=1), title).font = BOLD
    _header(sheet, row + 1, [key_header, _("PRIOR locations"), _("Reached"), _("Share")])
    for index, share in enumerate(shares, start=row + 2):
        _row(
            sheet,
            index,
            [share.key, share.locations, share.reached, share.share],
            [None, WHOLE, WHOLE, PERCENT],
        )
    return row + 2, row + 1 + len(shares)


# The reach chart shows at most this many areas (the ones with the most PRIOR locations):
# more bars do not fit one A4 page with readable labels.
CHART_AREAS = 30


def _small_text(size: int) -> RichText:
    """Give axis label text of `size` hundredths of a point (800: 8 pt)."""
    properties = CharacterProperties(sz=size)
    return RichText(
        p=[Paragraph(pPr=ParagraphProperties(defRPr=properties), endParaRPr=properties)]
    )


def _reach_chart_height(areas: int) -> float:
    """Give the height in cm of a reach chart with `areas` bars: at most one A4 page."""
    return min(max(CHART_HEIGHT, 0.6 * areas + 2), 20)


def _reach(book: Workbook, report: Report) -> None:
    sheet = book.create_sheet(_("Reach"))
    _title(sheet, _("Reach on {day}", day=day(report.period.last)))
    put_text(
        sheet.cell(row=2, column=1),
        _(
            "Share of the PRIOR locations in the free scope with a free traject (approved, "
            "planned, active or done) in the frequency period: coaching the last 24 months, BVV "
            "the calendar year."
        ),
    )
    row = 4
    care = {"group": _("group care"), "family": _("family care")}
    for family in FAMILIES:
        figure = report.reach[family]
        put_text(sheet.cell(row=row, column=1), family_name(family)).font = TITLE_FONT
        _row(
            sheet,
            row + 1,
            [_("Total"), figure.total.locations, figure.total.reached, figure.total.share],
            [None, WHOLE, WHOLE, PERCENT],
        )
        _first, last = _shares_table(
            sheet,
            row + 3,
            _("By subsidy step"),
            _("Subsidy step"),
            [Share(s.key, s.locations, s.reached) for s in figure.by_subsidy_step],
        )
        _first, last = _shares_table(
            sheet,
            last + 2,
            _("By care type"),
            _("Care type"),
            [Share(care.get(s.key, s.key), s.locations, s.reached) for s in figure.by_care_type],
        )
        # The areas with the most PRIOR locations first, so that the chart shows the top.
        areas = sorted(figure.by_area, key=lambda s: (-s.locations, s.key.casefold(), s.key))
        first, last = _shares_table(
            sheet, last + 2, _("By area"), _("Municipality or district"), areas
        )
        shown = min(len(areas), CHART_AREAS)
        if shown:
            chart = BarChart()
            chart.type = "bar"
            if shown < len(areas):
                chart.title = _(
                    "{family}: reach in the {count} areas with the most PRIOR locations",
                    family=family_name(family),
                    count=shown,
                )
            else:
                chart.title = _("{family}: reach per area", family=family_name(family))
            chart.add_data(
                Reference(sheet, min_col=4, min_row=first - 1, max_row=first + shown - 1),
                titles_from_data=True,
            )
            chart.set_categories(
                Reference(sheet, min_col=1, min_row=first, max_row=first + shown - 1)
            )
            _axes(chart, _("Municipality or district"), _("Share reached"))
            chart.y_axis.number_format = "0%"
            chart.y_axis.scaling.min = 0
            chart.y_axis.scaling.max = 1
            chart.x_axis.scaling.orientation = "maxMin"  # first area on top, as in the table
            chart.height = _reach_chart_height(shown)
            chart.width = 20
            chart.x_axis.txPr = _small_text(800)
            sheet.add_chart(chart, f"F{row}")
        chart_rows = int(_reach_chart_height(shown) / 0.5) + 4
        row = max(last, row + 3 + chart_rows) + 3
        # Each family starts on a page of its own, its chart beside its tables.
        sheet.row_breaks.append(Break(id=row - 2))
    _setup(sheet, None, [28, 12, 10, 10, 4])


def _due(book: Workbook, report: Report, names: Mapping[str, str], areas: Mapping[str, str]):
    sheet = book.create_sheet(_("Due"))
    _title(sheet, _("Due: locations that may have a free traject in the period"))
    header_row = 3
    _header(sheet, header_row, [_("Offer family"), _("Location"), _("Name"), _("Area"), _("Hours")])
    row = header_row + 1
    for family in FAMILIES:
        figure = report.due[family]
        for location in figure.locations:
            _row(
                sheet,
                row,
                [
                    family_name(family),
                    location,
                    names.get(location, ""),
                    areas.get(location, ""),
                    figure.hours_per_traject,
                ],
                [None, None, None, None, HOURS],
            )
            row += 1
    sheet.auto_filter.ref = f"A{header_row}:E{max(row - 1, header_row + 1)}"
    _setup(sheet, header_row, [26, 14, 34, 24, 10])


def _waiting(book: Workbook, report: Report, names: Mapping[str, str]) -> None:
    sheet = book.create_sheet(_("Waiting"))
    _title(sheet, _("Waiting: days from request to start"))
    _header(
        sheet,
        3,
        [
            _("Offer family"),
            _("Started in the period"),
            _("Median (days)"),
            _("90th percentile (days)"),
            _("Open requests"),
        ],
    )
    for index, family in enumerate(FAMILIES, start=4):
        figure = report.waiting[family]
        _row(
            sheet,
            index,
            [
                family_name(family),
                len(figure.waits),
                figure.median_days,
                figure.p90_days,
                len(figure.open),
            ],
            [None, WHOLE, WHOLE, WHOLE, WHOLE],
        )
    header_row = 8
    put_text(
        sheet.cell(row=header_row - 1, column=1),
        _("Open requests on {day}", day=day(report.period.last)),
    ).font = BOLD
    _header(
        sheet,
        header_row,
        [
            _("Offer family"),
            _("Traject"),
            _("Location"),
            _("Name"),
            _("Offer"),
            _("Status"),
            _("Requested on"),
            _("Age (days)"),
        ],
    )
    row = header_row + 1
    for family in FAMILIES:
        for request in report.waiting[family].open:
            _row(
                sheet,
                row,
                [
                    family_name(family),
                    request.traject,
                    request.location,
                    names.get(request.location, ""),
                    request.offer,
                    _status(request.status),
                    request.requested_on,
                    request.age_days,
                ],
                [None] * 6 + [_date_format(), WHOLE],
            )
            row += 1
    _setup(sheet, header_row, [26, 14, 14, 30, 10, 14, 14, 10])


def _date_format() -> str:
    """Give the number format of a date cell as the language writes dates."""
    return "yyyy-mm-dd" if language() == "en" else "dd/mm/yyyy"


def _status(status: str) -> str:
    return {"requested": _("requested"), "approved": _("approved")}.get(status, status)


def _variant(book: Workbook, report: Report, names: Mapping[str, str]) -> None:
    variant = report.variant
    if variant is None:
        return
    sheet = book.create_sheet(_("Variant"))
    _title(sheet, _("What if"))
    what = variant.what_if
    lines = []
    if what.rules is not None:
        lines.append(_("Rules from {path}", path=what.rules))
    if what.extra_fte:
        lines.append(
            _(
                "{fte} FTE more: {role}, Monday to Friday, every area, no leave",
                fte=number(what.extra_fte),
                role=role_name(what.role or "coach").lower(),
            )
        )
    if what.weekly_hours is not None:
        lines.append(_("{hours} contact hours per FTE a week", hours=number(what.weekly_hours)))
    for index, line in enumerate(lines, start=2):
        put_text(sheet.cell(row=index, column=1), line)
    header_row = len(lines) + 3
    _header(
        sheet,
        header_row,
        [
            _("Offer family"),
            _("Trajects due (base)"),
            _("Trajects due (variant)"),
            _("Change"),
            _("Hours due (base)"),
            _("Hours due (variant)"),
        ],
    )
    for index, family in enumerate(FAMILIES, start=header_row + 1):
        base, other = report.due[family], variant.due[family]
        _row(
            sheet,
            index,
            [
                family_name(family),
                base.trajects,
                other.trajects,
                other.trajects - base.trajects,
                base.hours,
                other.hours,
            ],
            [None, WHOLE, WHOLE, WHOLE, HOURS, HOURS],
        )
    changes_row = header_row + len(FAMILIES) + 2
    put_text(
        sheet.cell(row=changes_row, column=1), _("Locations whose PRIOR status changes")
    ).font = BOLD
    _header(
        sheet,
        changes_row + 1,
        [_("Location"), _("Name"), _("Organisation"), _("PRIOR (base)"), _("PRIOR (variant)")],
    )
    yes, no = _("yes"), _("no")
    for index, change in enumerate(variant.prior_changes, start=changes_row + 2):
        _row(
            sheet,
            index,
            [
                change.location,
                names.get(change.location, ""),
                change.organisation,
                yes if change.base else no,
                yes if change.variant else no,
            ],
            [None] * 5,
        )
    _setup(sheet, header_row, [26, 30, 16, 16, 16, 16])


def write_report(
    target: Path,
    report: Report,
    *,
    source: str,
    names: Mapping[str, str] | None = None,
    areas: Mapping[str, str] | None = None,
) -> None:
    """Write the report workbook to `target`, atomically.

    `names` and `areas` give each location's name and area (district or municipality) by id.
    """
    book = Workbook()
    book.remove(book.active)
    names = names or {}
    _summary(book, report, source)
    _capacity(book, report)
    _due(book, report, names, areas or {})
    _reach(book, report)
    _waiting(book, report, names)
    _variant(book, report, names)
    save_workbook(book, target)
