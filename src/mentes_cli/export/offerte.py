"""The offerte: a print-ready quote for the organiser, one A4 page, as a workbook.

The offerte is only output, so it follows the language (SPEC 7): its sheet name, labels and
words go through `_()`, the offer's and family's names come from offers.toml in the chosen
language, and dates are shown as the language writes them. Every text from a record or a
reference file goes through `put_text`; the prices are number cells with a euro format, the
dates date cells. The page setup makes it print on one A4 portrait page (fit to one page
wide and one page tall, a print area, margins, widths).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook import Workbook
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from mentes_cli.export.cells import put, put_text, save_workbook
from mentes_cli.i18n import Named, _, language, said
from mentes_cli.offers import catalogue
from mentes_cli.quote import Centre, FreeEntitlement, LineItem, Quote, centre, hours_value

# The euro sign as the language writes it (i18n.money: "€ 4.900,00", "€4,900.00"); the
# separators are the reader's own, since the amounts are numbers.
EURO = "€ #,##0.00"
EURO_EN = "€#,##0.00"
COLUMNS = "ABCDEF"
LAST = COLUMNS[-1]
# A holds the labels; the item descriptions span A:B, the numbers C to F.
WIDTHS = {"A": 19, "B": 33, "C": 9, "D": 13, "E": 8, "F": 15}
COUNT, EACH, HOURS, AMOUNT = 3, 4, 5, 6  # the columns of the items table
CHARS_PER_WIDTH = 1.2  # characters of the 10-point body font per unit of column width
LINE_HEIGHT = 15.0

ACCENT = "2F5D62"
GREY = "666666"
THIN = Side(style="thin", color="999999")
RULE = Side(style="medium", color=ACCENT)
BAR_FILL = PatternFill("solid", fgColor=ACCENT)
HEAD_FILL = PatternFill("solid", fgColor="E4EEEE")
BODY = Font(name="Calibri", size=10)
BOLD = Font(name="Calibri", size=10, bold=True)
SMALL = Font(name="Calibri", size=9, color=GREY)


def sheet_name() -> str:
    """Give the offerte's sheet name in the chosen language."""
    return _("Quote")


def euro_format() -> str:
    """Give the number format of an amount in euro in the chosen language."""
    return EURO_EN if language() == "en" else EURO


def day_format() -> str:
    """Give the number format of a date cell: as the language writes a date (i18n.day)."""
    return "YYYY-MM-DD" if language() == "en" else "DD/MM/YYYY"


def write_offerte(quote: Quote, target: Path) -> None:
    """Write the offerte for `quote` to `target` atomically (the caller checked --force)."""
    save_workbook(offerte_workbook(quote), target)


def offerte_workbook(quote: Quote) -> Workbook:
    """Give the offerte workbook of `quote`: one sheet, laid out for one A4 page."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name()
    details = centre()
    workbook.properties.title = _("Quote {number}", number=quote.number)
    workbook.properties.creator = details.name
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.sheet_view.showGridLines = False

    row = _centre_block(sheet, details)
    row = _quote_block(sheet, quote, row + 1)
    row = _recipient_block(sheet, quote, row + 1)
    row = _items_block(sheet, quote, row + 1)
    row = _terms_block(sheet, quote, details, row + 1)
    row = _acceptance_block(sheet, details, row + 1)
    row = _company_line(sheet, details, row)
    _page_setup(sheet, quote, last_row=row)
    return workbook


# --- blocks, top to bottom; each takes its first row and gives its last ---


def _centre_block(sheet: Worksheet, details: Centre) -> int:
    _wide(sheet, 1, details.name, Font(name="Calibri", size=16, bold=True, color=ACCENT))
    lines = [
        said(details.network),
        details.address,
        _join(" · ", details.email, details.website),
    ]
    row = 1
    for text in lines:
        if text:
            row += 1
            _wide(sheet, row, text, SMALL)
    for column in COLUMNS:
        sheet[f"{column}{row}"].border = Border(bottom=RULE)
    return row


def _quote_block(sheet: Worksheet, quote: Quote, row: int) -> int:
    row += 1
    title = put_text(sheet.cell(row, 1), _("QUOTE"))
    title.font = Font(name="Calibri", size=20, bold=True, color=ACCENT)
    sheet.row_dimensions[row].height = 30
    subject = catalogue().offer(quote.traject).label()
    row += 1
    _wide(sheet, row, subject, Font(name="Calibri", size=11, bold=True))
    row += 1
    _field(sheet, row, _("Quote number"), quote.number)
    row += 1
    _field(sheet, row, _("Date"), quote.as_of)
    row += 1
    _field(sheet, row, _("Valid until"), quote.valid_until)
    return row


def _company_line(sheet: Worksheet, details: Centre, row: int) -> int:
    """Add the centre's company number, VAT position and bank account under the page, when
    centre.toml gives them (SPEC 9)."""
    text = _join(
        " · ",
        _("Company number {number}", number=details.company_number)
        if details.company_number
        else "",
        said(details.vat_position),
        f"IBAN {details.bank_account}" if details.bank_account else "",
    )
    if not text:
        return row
    row += 1
    _wide(sheet, row, text, SMALL, horizontal="center")
    return row


def _recipient_block(sheet: Worksheet, quote: Quote, row: int) -> int:
    row = _bar(sheet, row + 1, _("For"))
    location = quote.location
    organiser, place, address_label = _("Organiser"), _("Childcare location"), _("Address")
    if location is None:
        filled = []
        if quote.for_name:
            row += 1
            _field(sheet, row, organiser, quote.for_name)
            filled.append(organiser)
        if quote.for_email:
            row += 1
            _field(sheet, row, _("E-mail"), quote.for_email)
        for label in (organiser, place, address_label):
            if label in filled:
                continue
            row += 1
            _field(sheet, row, label, "")
            for column in COLUMNS[1:]:
                sheet[f"{column}{row}"].border = Border(bottom=THIN)
        return row
    row += 1
    _field(sheet, row, organiser, location.organisation_name)
    if location.organisation_email:
        row += 1
        _field(sheet, row, _("E-mail"), location.organisation_email)
    row += 1
    _field(sheet, row, place, f"{location.name} ({location.id})")
    address = _join(" ", location.postcode, location.municipality)
    if location.district and location.district != location.municipality:
        address += " (" + _("district {district}", district=location.district) + ")"
    if location.street:
        address = f"{' '.join(location.street.split())}, {address}"
    row += 1
    _field(sheet, row, address_label, address)
    if location.contact:
        row += 1
        _field(sheet, row, _("Contact person"), location.contact)
    row += 1
    _field(sheet, row, _("Licensed places"), location.places)
    return row


def _items_block(sheet: Worksheet, quote: Quote, row: int) -> int:
    family = catalogue().families[quote.package.family].name()
    row = _bar(sheet, row + 1, _("Traject {code}: {family}", code=quote.traject, family=family))
    row += 1
    headers = (_("Description"), "", _("Count"), _("Hours each"), _("Hours"), _("Amount"))
    for column, header in enumerate(headers, start=1):
        cell = put_text(sheet.cell(row, column), header)
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.border = Border(bottom=THIN)
        cell.alignment = Alignment(horizontal="left" if column == 1 else "right")
    for line in quote.lines:
        row += 1
        _line(sheet, row, line)
    row += 1
    for column in COLUMNS:
        sheet[f"{column}{row}"].border = Border(top=THIN)
    label = _("Hours on location (without the phone intake call)")
    if not quote.intake_hours:
        label = _("Hours on location")
    _text(sheet.cell(row, 1), label, BODY)
    _number(sheet.cell(row, HOURS), hours_value(quote.contact_hours), BODY)
    row += 1
    unit = catalogue().families[quote.package.family].unit
    days = _("Days on location") if unit == "day" else _("Contact moments on location")
    _text(sheet.cell(row, 1), days, BODY)
    _number(sheet.cell(row, HOURS), quote.days, BODY)
    row += 1
    _text(sheet.cell(row, 1), _("Price per hour on location"), BODY)
    _number(sheet.cell(row, AMOUNT), float(quote.price_per_contact_hour), BODY, euro_format())
    row += 1
    sheet.row_dimensions[row].height = 20
    for column in COLUMNS:
        sheet[f"{column}{row}"].border = Border(top=RULE, bottom=RULE)
    total_font = Font(name="Calibri", size=12, bold=True)
    _text(sheet.cell(row, 1), _("Total price traject {code}", code=quote.traject), total_font)
    _number(sheet.cell(row, AMOUNT), float(quote.total_eur), total_font, euro_format())
    return row


def _terms_block(sheet: Worksheet, quote: Quote, details: Centre, row: int) -> int:
    from mentes_cli.i18n import day

    row = _bar(sheet, row + 1, _("Terms"))
    includes = _word_list(quote.package.includes)
    paragraphs = []
    if includes:
        paragraphs.append((_("Included"), _("The price includes {items}.", items=includes)))
    paragraphs.append((_("VAT"), said(details.vat_note)))
    paragraphs.append(
        (
            _("Validity"),
            _("Until {until} inclusive; prices of the price list of {price_list}.",
              until=day(quote.valid_until), price_list=day(quote.package.valid_from)),
        )
    )  # fmt: skip
    if quote.free_entitlement is not None:
        paragraphs.append((_("Note"), _free_note(quote.free_entitlement)))
    for label, text in paragraphs:
        row += 1
        _paragraph(sheet, row, label, text)
    return row


def _acceptance_block(sheet: Worksheet, details: Centre, row: int) -> int:
    row = _bar(sheet, row + 1, _("Acceptance"))
    row += 1
    _paragraph(sheet, row, _("How to accept"), said(details.acceptance))
    signature = _("Signature")
    for label in (_("Name and position"), _("Date"), signature):
        row += 1
        sheet.row_dimensions[row].height = 26 if label == signature else 22
        cell = _text(sheet.cell(row, 1), label, BODY)
        cell.alignment = Alignment(vertical="bottom")
        for column in "BCD":
            sheet[f"{column}{row}"].border = Border(bottom=THIN)
    row += 2
    footer = _join(" · ", details.name, details.email, details.website)
    _wide(sheet, row, footer, SMALL, horizontal="center")
    return row


def _page_setup(sheet: Worksheet, quote: Quote, last_row: int) -> None:
    sheet.print_area = f"A1:{LAST}{last_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(
        left=0.7, right=0.7, top=0.75, bottom=0.75, header=0.3, footer=0.3
    )
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = _("Quote {number}", number=quote.number)
    sheet.oddFooter.center.size = 8


# --- cells ---


def _text(cell, value: str, font: Font):
    put_text(cell, value)
    cell.font = font
    return cell


def _number(cell, value: float | int, font: Font, number_format: str = "General"):
    put(cell, value)
    cell.font = font
    cell.number_format = number_format
    cell.alignment = Alignment(horizontal="right")
    return cell


def _wide(sheet: Worksheet, row: int, text: str, font: Font, horizontal: str = "left") -> None:
    """Write `text` across all columns of `row`, wrapped, with a row height to match."""
    cell = _text(sheet.cell(row, 1), text, font)
    cell.alignment = Alignment(horizontal=horizontal, vertical="top", wrap_text=True)
    sheet.merge_cells(f"A{row}:{LAST}{row}")
    size = font.sz or 10
    lines = _lines(text, COLUMNS, size)
    sheet.row_dimensions[row].height = max(LINE_HEIGHT, lines * size * 1.5)


def _bar(sheet: Worksheet, row: int, title: str) -> int:
    """Write a section title bar across all columns; give its row."""
    for column in COLUMNS:
        sheet[f"{column}{row}"].fill = BAR_FILL
    cell = _text(
        sheet.cell(row, 1), title, Font(name="Calibri", size=11, bold=True, color="FFFFFF")
    )
    cell.alignment = Alignment(vertical="center")
    sheet.row_dimensions[row].height = 18
    return row


def _field(sheet: Worksheet, row: int, label: str, value: str | int | date) -> None:
    """Write a label in A and its value across the other columns."""
    _text(sheet.cell(row, 1), label, BOLD).alignment = Alignment(vertical="top")
    cell = sheet.cell(row, 2)
    put(cell, value)
    cell.font = BODY
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    if isinstance(value, date):
        cell.number_format = day_format()
    sheet.merge_cells(f"B{row}:{LAST}{row}")
    if isinstance(value, str) and _lines(value, COLUMNS[1:]) > 1:  # a long organisation name
        sheet.row_dimensions[row].height = _lines(value, COLUMNS[1:]) * LINE_HEIGHT


def _paragraph(sheet: Worksheet, row: int, label: str, text: str) -> None:
    """Write a label in A and a wrapped paragraph across the other columns."""
    head = _text(sheet.cell(row, 1), label, BOLD)
    head.alignment = Alignment(vertical="top")
    cell = _text(sheet.cell(row, 2), text, BODY)
    cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.merge_cells(f"B{row}:{LAST}{row}")
    sheet.row_dimensions[row].height = _lines(text, COLUMNS[1:]) * LINE_HEIGHT


def _lines(text: str, columns: str, size: float = 10) -> int:
    """Give the number of lines `text` takes when wrapped over `columns` in `size` points."""
    chars = sum(WIDTHS[c] for c in columns) * CHARS_PER_WIDTH * 10 / size
    words, lines, used = text.split(), 1, 0
    for word in words:
        if used and used + 1 + len(word) > chars:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _line(sheet: Worksheet, row: int, line: LineItem) -> None:
    if line.kind == "intake":
        description = _("Intake call by phone (before the first day)")
    elif line.kind == "day":
        description = _("Day of coaching on the floor")
    else:
        description = _("Contact moment on location (at most)")
    _text(sheet.cell(row, 1), description, BODY)
    _number(sheet.cell(row, COUNT), line.count, BODY)
    _number(sheet.cell(row, EACH), hours_value(line.hours), BODY)
    _number(sheet.cell(row, HOURS), hours_value(line.total_hours), BODY)
    _text(sheet.cell(row, AMOUNT), _("included"), SMALL).alignment = Alignment(horizontal="right")


# --- words ---


def _join(separator: str, *parts: str | None) -> str:
    return separator.join(p for p in parts if p)


def _word_list(named: tuple[Named, ...]) -> str:
    items = [said(item) for item in named]
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])


def _free_note(entitlement: FreeEntitlement) -> str:
    from mentes_cli.i18n import day

    family = catalogue().families[entitlement.family].name()
    if entitlement.now or entitlement.next_free is None:
        return _(
            "This childcare location belongs to the priority target group (PRIOR) and can "
            "already request a free {family} traject from Mentes today. Contact us if you "
            "would rather do that.",
            family=family,
        )
    return _(
        "This childcare location belongs to the priority target group (PRIOR) and can request "
        "a free {family} traject from Mentes from {date}. Contact us if you would rather do "
        "that.",
        family=family,
        date=day(entitlement.next_free),
    )
