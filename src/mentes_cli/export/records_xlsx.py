"""Write records as one workbook in the layout of SPEC 2.2, and the empty template.

Both use the sheets and columns of `load.vocabulary`, so what the export writes is what the
loader reads: Dutch headers, the Dutch words a coordinator types (ja/nee, groepsopvang,
ma, di, goedgekeurd), dates as date cells shown dd/mm/yyyy, lists comma-separated (domains
;-separated). Every text goes through `put_text`, so a name starting with `=` stays text.
Closed choices get a drop-down list and every header an input hint, in both workbooks; the
template also gets a first sheet `Uitleg` that explains in Dutch how to fill it in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from mentes_cli import i18n
from mentes_cli.errors import OutputError
from mentes_cli.export.cells import (
    MAX_CELL_TEXT,
    add_filter,
    put,
    put_text,
    safe_text,
    save_workbook,
    set_print_layout,
    write_header,
)
from mentes_cli.i18n import _
from mentes_cli.load import vocabulary as vocab
from mentes_cli.load.build import record_name, visit_name
from mentes_cli.models import Records
from mentes_cli.records.history import HistoryEntry

DATE_FORMAT = "DD/MM/YYYY"
MIN_WIDTH, MAX_WIDTH = 8, 50
# Drop-down lists and hints reach this many rows below the data, for rows yet to be added.
SPARE_ROWS = 1000
_LIST_SEPARATORS = {vocab.TEXT_LIST: ", ", vocab.WEEKDAYS_LIST: ", ", vocab.DOMAINS: "; "}


@dataclass
class _Rows:
    """The rows of one sheet: for each, the values by key and the record it shows."""

    spec: vocab.SheetSpec
    rows: list[tuple[dict[str, Any], str]] = field(default_factory=list)


def _record_rows(records: Records) -> list[_Rows]:
    sheets = {spec.kind: _Rows(spec) for spec in vocab.SHEETS}
    for organisation in records.organisations:
        sheets["organisations"].rows.append(
            (dict(organisation), record_name("organisation", organisation.id))
        )
        for location in organisation.locations:
            values = {**dict(location), "organisation": organisation.id}
            sheets["locations"].rows.append((values, record_name("location", location.id)))
            for closure in location.closures:
                values = {**dict(closure), "location": location.id}
                sheets["closures"].rows.append(
                    (values, _("closure of location {location}", location=location.id))
                )
    for coach in records.coaches:
        sheets["coaches"].rows.append((dict(coach), record_name("coach", coach.id)))
        for period in coach.leave:
            sheets["leave"].rows.append(
                (
                    {**dict(period), "coach": coach.id},
                    _("leave of coach {coach}", coach=coach.id),
                )
            )
    for traject in records.trajects:
        sheets["trajects"].rows.append((dict(traject), record_name("traject", traject.id)))
        for visit in traject.visits:
            sheets["visits"].rows.append(
                (
                    {**dict(visit), "traject": traject.id},
                    visit_name(traject.id, visit.number),
                )
            )
    return [sheets[spec.kind] for spec in vocab.SHEETS]


def cell_value(kind: str, value: Any) -> Any:
    """Give what the workbook shows for a record value of a column of `kind` (None: empty)."""
    if value is None or value == []:
        return None
    if kind in (vocab.FLAG, vocab.OPTIONAL_FLAG):
        return "ja" if value else "nee"
    if kind == vocab.CARE_TYPE:
        return vocab.CARE_TYPE_DUTCH[value]
    if kind == vocab.ROLE:
        return vocab.ROLE_DUTCH[value]
    if kind == vocab.STATUS:
        return vocab.STATUS_DUTCH[value]
    if kind == vocab.VISIT_STATE:
        return vocab.VISIT_STATE_DUTCH.get(value, value)
    if kind == vocab.VISIT_KIND:
        return vocab.VISIT_KIND_DUTCH.get(value, value)
    if kind == vocab.WEEKDAYS_LIST:
        value = [vocab.WEEKDAY_DUTCH[day] for day in value]
    if kind in _LIST_SEPARATORS:
        return _LIST_SEPARATORS[kind].join(value)
    return value


class _Writer:
    """Writes the sheets of one workbook and remembers what it had to change."""

    def __init__(self, counts: dict[str, int] | None = None) -> None:
        self.workbook = Workbook()
        self.workbook.remove(self.workbook.active)
        self.notices: list[str] = []
        # Rows per sheet: a drop-down of ids reaches past the last row of the sheet it names.
        self.counts = counts or {}

    def sheet(self, rows: _Rows) -> Worksheet:
        spec = rows.spec
        sheet = self.workbook.create_sheet(spec.name)
        widths = [_least_width(column) for column in spec.columns]
        for number, (values, record) in enumerate(rows.rows, start=2):
            for index, column in enumerate(spec.columns):
                value = values.get(column.key)
                if column.kind == vocab.TEXT_LIST and value:
                    _check_list_items(value, spec, number, record, column)
                shown = cell_value(column.kind, value)
                if shown is None:
                    continue
                cell = sheet.cell(row=number, column=index + 1)
                if isinstance(shown, str):
                    self._text(cell, shown, spec, number, record, column)
                else:
                    put(cell, shown)
                    if isinstance(shown, date):
                        cell.number_format = DATE_FORMAT
                widths[index] = max(widths[index], _width_of(shown))
        format_sheet(sheet, spec, self.counts, widths, len(rows.rows))
        return sheet

    def _text(self, cell, text: str, spec, number: int, record: str, column) -> None:
        where = _where(spec, number, record, column)
        if len(text) > MAX_CELL_TEXT:
            raise OutputError(
                _(
                    "{where}: the text has {count} characters; an Excel cell holds at most "
                    "{most}. Shorten it in the records first",
                    where=where,
                    count=i18n.number(len(text), 0),
                    most=i18n.number(MAX_CELL_TEXT, 0),
                )
            )
        kept = safe_text(text)
        if kept != text:
            self.notices.append(
                _(
                    "{where}: characters a workbook cannot hold (control characters, carriage "
                    "returns, U+FFFE, U+FFFF) were replaced",
                    where=where,
                )
            )
        put_text(cell, kept)


def format_sheet(
    sheet: Worksheet,
    spec: vocab.SheetSpec,
    counts: dict[str, int],
    widths: list[float] | None = None,
    rows: int = 0,
) -> None:
    """Give a record sheet its header row, column widths, filter, drop-down lists and input
    hints, and print settings: the same for the export, the template and a sheet that a
    change adds to a coordinator's workbook (the sheet Bezoeken after `plan --commit`)."""
    headers = [column.header for column in spec.columns]
    if widths is None:
        widths = [_least_width(column) for column in spec.columns]
    write_header(sheet, headers, [min(max(w, MIN_WIDTH), MAX_WIDTH) for w in widths])
    add_filter(sheet, len(headers), max(rows, 1))
    _validations(sheet, spec, rows, counts)
    _print_setup(sheet)


def _validations(
    sheet: Worksheet, spec: vocab.SheetSpec, count: int, counts: dict[str, int]
) -> None:
    last = count + 1 + SPARE_ROWS
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        title = column.header[:32]
        hint = vocab.column_hint(column)[:255]
        header_hint = DataValidation(
            allow_blank=True, showInputMessage=True, promptTitle=title, prompt=hint
        )
        header_hint.add(f"{letter}1")
        sheet.add_data_validation(header_hint)
        values = _drop_down(column, counts.get(column.refers_to or "", 0) + 1 + SPARE_ROWS)
        if values is None:
            data = DataValidation(
                allow_blank=True, showInputMessage=True, promptTitle=title, prompt=hint
            )
        else:
            data = DataValidation(
                type="list",
                formula1=values,
                allow_blank=True,
                showInputMessage=True,
                promptTitle=title,
                prompt=hint,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="Onbekende waarde",
                error=f"Kies een waarde uit de lijst. {hint}"[:255],
            )
        data.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(data)


def _check_list_items(items: list[str], spec, number: int, record: str, column) -> None:
    """Refuse a list item that holds a separator: it would come back as two items."""
    for item in items:
        if any(separator in item for separator in ",;\n"):
            raise OutputError(
                _(
                    "{where}: {item} cannot be written in a list: it holds a comma, semicolon "
                    "or line break",
                    where=_where(spec, number, record, column),
                    item=repr(item),
                )
            )


def _where(spec, number: int, record: str, column) -> str:
    """Give the sheet, row, record and column of a cell, as problems name them."""
    return _(
        "{sheet}, row {row}, {record}, {column}",
        sheet=spec.name,
        row=number,
        record=record,
        column=column.header,
    )


def _drop_down(column: vocab.Column, last_id_row: int) -> str | None:
    choices = vocab.choices(column.kind)
    if choices is not None:
        return '"' + ",".join(choices) + '"'
    if column.refers_to:
        return f"{quote_sheetname(column.refers_to)}!$A$2:$A${last_id_row}"
    return None


def _least_width(column: vocab.Column) -> float:
    """Give the width of a column before its values are seen: room for its header, a date
    (13: dd/mm/yyyy shows as ### in less, and stays apart from the next column) and its
    own least width (the visits' UID)."""
    least = 13.0 if column.kind == vocab.DATE else 0.0
    return max(float(len(column.header) + 4), least, column.width)


def _width_of(value: Any) -> float:
    if isinstance(value, date):
        return 13.0
    text = str(value)
    longest = max((len(line) for line in text.splitlines()), default=0)
    return float(longest + 2)


def _print_setup(sheet: Worksheet) -> None:
    set_print_layout(sheet)


def records_workbook(
    records: Records, history: Sequence[HistoryEntry] = ()
) -> tuple[Workbook, list[str]]:
    """Give the workbook of `records` and notices about text it had to change; with their
    `history` (SPEC 8) as the sheet Historiek, as a change by mentes keeps it in a workbook."""
    from mentes_cli.records.workbook_form import write_history_sheet

    sheets = _record_rows(records)
    writer = _Writer({rows.spec.name: len(rows.rows) for rows in sheets})
    for rows in sheets:
        writer.sheet(rows)
    if history:
        write_history_sheet(writer.workbook, list(history))
    return writer.workbook, writer.notices


def template_workbook() -> Workbook:
    """Give the empty workbook for coordinators: Uitleg, then the six sheets with headers."""
    writer = _Writer()
    _explanation(writer.workbook.create_sheet(vocab.EXPLANATION_SHEET))
    for spec in vocab.SHEETS:
        writer.sheet(_Rows(spec))
    writer.workbook.active = 0
    return writer.workbook


def write_records_workbook(
    records: Records, target: Path, history: Sequence[HistoryEntry] = ()
) -> list[str]:
    """Write `records` (and their history) to `target` atomically; give notices about text
    it had to change."""
    workbook, notices = records_workbook(records, history)
    save_workbook(workbook, target)
    return notices


def write_template(target: Path) -> None:
    """Write the empty template workbook to `target` atomically."""
    save_workbook(template_workbook(), target)


# --- the Uitleg sheet -------------------------------------------------------------------------

_INTRODUCTION = (
    ("title", "Mentes – gegevens invullen"),
    (
        "",
        "Dit werkboek bevat de gegevens die mentes gebruikt: organisatoren en hun "
        "opvanglocaties, sluitingsdagen, coaches en regionaal ondersteuners, verlof, en "
        "trajecten (aanvragen en geschiedenis).",
    ),
    ("head", "Hoe vul je het in?"),
    (
        "",
        "• Eén rij per record. Rij 1 bevat de kolomkoppen: verander of verwijder ze niet. "
        "De volgorde van de kolommen mag je wel veranderen.",
    ),
    (
        "",
        "• De bladen Organisaties en Locaties zijn verplicht. Sluitingen, Coaches, Verlof, "
        "Trajecten en Bezoeken mogen leeg blijven.",
    ),
    (
        "",
        "• Elke Id is uniek en blijft altijd dezelfde. Een locatie verwijst in de kolom "
        "Organisatie naar de Id van haar organisator; sluitingen en trajecten verwijzen naar "
        "de Id van een locatie, verlof en trajecten naar de Id van een coach.",
    ),
    (
        "",
        "• Kies waarden uit de keuzelijst waar die er is (type opvang, subsidietrap, ja/nee, "
        "rol, aanbod, status, soort bezoek). Klik op een kolomkop voor uitleg bij die kolom.",
    ),
    (
        "",
        "• Het blad Bezoeken vult mentes zelf in bij mentes plan --commit: één rij per bezoek "
        "van een gepland traject. Zet Status op vast of gedaan voor een bezoek dat niet meer "
        "mag verschuiven; verander UID en Volgnummer niet (agenda's herkennen het bezoek "
        "daaraan).",
    ),
    (
        "",
        "• Het blad Historiek (elke wijziging door mentes) houdt mentes zelf bij; verander het "
        "niet.",
    ),
    (
        "",
        "• Datums: een datumcel of tekst zoals 31/01/2027. Getallen mogen een komma hebben "
        "(0,8). Dagen: ma, di, wo, do, vr, za, zo, gescheiden door komma's (of een reeks "
        "zoals ma-vr). Domeinen: gescheiden door een puntkomma (;).",
    ),
    (
        "",
        "• Lege rijen worden overgeslagen. Extra kolommen (bijvoorbeeld eigen notities) mogen, "
        "maar mentes leest ze niet en neemt ze niet over bij import of export.",
    ),
    (
        "",
        "• Formules mogen, als het werkboek daarna in Excel of LibreOffice bewaard is: mentes "
        "leest het berekende resultaat. Voeg geen cellen samen.",
    ),
    ("head", "Nakijken en gebruiken"),
    (
        "",
        "• mentes validate --data werkboek.xlsx — controleert alles en meldt elke fout met "
        "blad, rij en kolom.",
    ),
    ("", "• mentes import werkboek.xlsx --to map — zet het werkboek om naar TOML-bestanden."),
    (
        "",
        "• mentes check-eligibility --data werkboek.xlsx — beslist per locatie wie recht "
        "heeft op gratis ondersteuning.",
    ),
    ("head", "De kolommen"),
)


_EXPLANATION_WIDTH = 80


def _explanation(sheet: Worksheet) -> None:
    lines = list(_INTRODUCTION)
    for spec in vocab.SHEETS:
        needed = "verplicht blad" if spec.required else "mag leeg blijven"
        lines.append(("sheet", f"Blad {spec.name} ({needed})"))
        for column in spec.columns:
            lines.append(("", f"• {column.header}: {vocab.column_hint(column)}"))
    sheet.column_dimensions["A"].width = _EXPLANATION_WIDTH
    for number, (style, text) in enumerate(lines, start=1):
        cell = put_text(sheet.cell(row=number, column=1), text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Spreadsheet programs do not grow a row for wrapped text written by a library:
        # give each row the height of its lines (about 90 characters a line at this width).
        lines_needed = max(1, -(-len(text) // 90))
        sheet.row_dimensions[number].height = 15 * lines_needed + (6 if style else 0)
        if style == "title":
            cell.font = Font(name="Calibri", bold=True, size=14)
        elif style in ("head", "sheet"):
            cell.font = Font(name="Calibri", bold=True, size=12 if style == "head" else 11)
    set_print_layout(sheet, header_rows=0, landscape=False)
