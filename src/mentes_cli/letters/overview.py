"""The coordinator's overview of one `mentes letters` run: who gets which letter (SPEC 9).

A workbook with one sheet, written like the schedule workbook (XlsxWriter, record text
through write_string only). It is output only, so its sheet name, headers and the kind of
each letter are in the chosen language (Dutch by default); the memory of letters
(letters.toml) keeps the English kind.
"""

from __future__ import annotations

from mentes_cli.export.schedule import Column, _Book
from mentes_cli.i18n import _


def kind_word(kind: str) -> str:
    """Give the word a person reads for a kind of letter (letters.toml keeps `kind`)."""
    words = {
        "planned": lambda: _("planning"),
        "changed": lambda: _("change"),
        "cancelled": lambda: _("cancellation"),
        "approved": lambda: _("approval"),
        "not-free": lambda: _("not free"),
    }
    return words[kind]() if kind in words else kind


def sheet_name() -> str:
    """Give the overview's sheet name in the chosen language."""
    return _("Letters")


def columns() -> list[Column]:
    """Give the overview's columns, headers in the chosen language."""
    return [
        Column(_("Traject")),
        Column(_("Letter")),
        Column(_("To")),
        Column(_("E-mail")),
        Column(_("Subject"), "wrap", width=60),
        Column(_("File")),
    ]


def overview_bytes(rows: list[list[str]]) -> bytes:
    """Give the overview workbook: one row a letter (traject, kind of letter in words, to,
    address, subject, file)."""
    book = _Book("", title=sheet_name())
    book.table(sheet_name(), columns(), rows, heading=sheet_name())
    return book.close()
