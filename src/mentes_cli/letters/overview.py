"""The coordinator's overview of one `mentes letters` run: who gets which letter (SPEC 9).

A workbook with one sheet `Brieven`, written like the schedule workbook (XlsxWriter, record
text through write_string only). Its headers are Dutch, as the schedule's are.
"""

from __future__ import annotations

from mentes_cli.export.schedule import Column, _Book

SHEET = "Brieven"
COLUMNS = [
    Column("Traject"),
    Column("Brief"),
    Column("Aan"),
    Column("E-mail"),
    Column("Onderwerp", "wrap", width=60),
    Column("Bestand"),
]


def overview_bytes(rows: list[list[str]]) -> bytes:
    """Give the overview workbook: one row a letter (traject, kind, to, address, subject,
    file)."""
    book = _Book("", title="Brieven")
    book.table(SHEET, COLUMNS, rows, heading="Brieven")
    return book.close()
