"""The names people read in the report, in the chosen language (terminal and workbook).

The engine itself builds no text; the renderers ask these.
"""

from __future__ import annotations

from mentes_cli.i18n import _


def family_name(family: str) -> str:
    """Give an offer family's name as people read it (offers.toml, in the chosen language)."""
    from mentes_cli.offers import catalogue

    return catalogue().families[family].title()


def role_name(role: str) -> str:
    """Give a role's name, plural, as people read it."""
    return _("Coaches") if role == "coach" else _("Supporters")
