"""The names people read in the report, in the chosen language (terminal and workbook).

The engine itself builds no text; the renderers ask these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentes_cli.i18n import _, number

if TYPE_CHECKING:
    from mentes_cli.report.model import Report


def family_name(family: str) -> str:
    """Give an offer family's name as people read it (offers.toml, in the chosen language)."""
    from mentes_cli.offers import catalogue

    return catalogue().families[family].title()


def short_name(family: str) -> str:
    """Give an offer family's short name, for a column: "Coaching", "BVV"."""
    return _("Coaching") if family == "pedagogical_coaching" else _("BVV")


def role_name(role: str) -> str:
    """Give a role's name, plural, as people read it."""
    return _("Coaches") if role == "coach" else _("Supporters")


def month_label(month: str) -> str:
    """Give "2027-03" as the language writes a month: "mrt 2027", "Mar 2027"."""
    from datetime import date

    from babel.dates import format_date

    from mentes_cli.i18n import locale

    year, number = map(int, month.split("-"))
    return format_date(date(year, number, 1), "MMM yyyy", locale=locale()).replace(".", "")


def percent(share: float) -> str:
    """Give a share (0.22) as the language writes a percentage, through Babel: "22%"."""
    from babel.numbers import format_percent

    from mentes_cli.i18n import locale

    return format_percent(share, format="#,##0%", locale=locale())


def due_words(report: Report) -> dict[str, str]:
    """Give the hours and offer of one due traject per family, for the sentence that says
    how "can give" is counted."""
    from mentes_cli.report.demand import due_offer

    return {
        "coaching": number(report.due["pedagogical_coaching"].hours_per_traject),
        "coaching_offer": due_offer("pedagogical_coaching"),
        "bvv": number(report.due["regional_support"].hours_per_traject),
        "bvv_offer": due_offer("regional_support"),
    }
