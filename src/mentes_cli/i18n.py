"""The language a person reads: one message catalogue (gettext) and Babel's formats.

Every sentence a person reads goes through `_()` (or `n_()` for a count), written in English
with named placeholders: `_("Wrote {path}.", path=target)`. The Dutch text lives in the
catalogue `locale/nl/LC_MESSAGES/mentes.po` (compiled to `mentes.mo` beside it); a message
without a translation shows its English text. Money, numbers and dates go through the
format functions below, which ask Babel (CLDR) for the language's conventions.

What programs read (JSON, CSV, TOML keys, exit codes) never goes through this module.

The language: `set_language()` (the global option `--lang`), else `MENTES_LANG`, else Dutch.
gettext and Babel are imported on first use, so that `mentes --version` stays fast.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
# Babel's locale for each language: Flemish Dutch, and English with ISO dates.
LOCALES = {"nl": "nl_BE", "en": "en_GB"}
DOMAIN = "mentes"
LOCALE_DIR = Path(__file__).parent / "locale"

_chosen: str | None = None


class UnknownLanguage(ValueError):
    """A language code mentes has no catalogue for."""


def set_language(code: str | None) -> None:
    """Choose the language for the rest of the run (None: back to MENTES_LANG or Dutch).

    An unknown code raises UnknownLanguage; the caller warns and keeps Dutch.
    """
    global _chosen
    if code is None:
        _chosen = None
        return
    normalised = code.strip().lower().replace("-", "_").split("_")[0]
    if normalised not in LANGUAGES:
        _chosen = DEFAULT_LANGUAGE
        raise UnknownLanguage(code)
    _chosen = normalised


def choose_from_arguments(arguments: list[str]) -> None:
    """Choose the language from a `--lang X` or `--lang=X` before the command's name.

    The command line is read this early because Typer builds every help text when the
    commands are imported; an unknown code is left for the `--lang` option to warn about.
    """
    for position, argument in enumerate(arguments):
        if not argument.startswith("-"):
            return
        value = None
        if argument == "--lang" and position + 1 < len(arguments):
            value = arguments[position + 1]
        elif argument.startswith("--lang="):
            value = argument.split("=", 1)[1]
        if value is not None:
            with contextlib.suppress(UnknownLanguage):
                set_language(value)
            return


def language() -> str:
    """Give the language of this run: the chosen one, else MENTES_LANG, else Dutch."""
    if _chosen is not None:
        return _chosen
    code = os.environ.get("MENTES_LANG", "").strip().lower().replace("-", "_").split("_")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def environment_language() -> str:
    """Give MENTES_LANG as it is set (empty when it is not)."""
    return os.environ.get("MENTES_LANG", "").strip()


def environment_language_is_unknown() -> bool:
    """Give whether MENTES_LANG names a language mentes does not have (a warning, then Dutch)."""
    value = environment_language()
    code = value.lower().replace("-", "_").split("_")[0]
    return bool(value) and code not in LANGUAGES


@cache
def _translations(code: str):
    import gettext

    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


class Named(str):
    """A text the data files give in each language (an offer's or a scope's name, the price
    list's "what is included", the centre's notes on the offerte).

    The string itself is the English text: what JSON and CSV carry in every language. `said()`
    gives it in the chosen language, and `_()`, `n_()` and `p_()` say a Named value that way.
    """

    __slots__ = ("names",)

    names: Mapping[str, str]

    def said(self) -> str:
        """Give the text in the chosen language (the English where the file gives no other)."""
        return self.names.get(language()) or str.__str__(self)


def named(names: Mapping[str, str]) -> Named:
    """Give a text in each language (`{"nl": ..., "en": ...}`; English is required)."""
    name = Named.__new__(Named, names["en"])
    name.names = MappingProxyType(dict(names))
    return name


def said(value: Any) -> Any:
    """Give a Named text in the chosen language, any other value as it is."""
    return value.said() if isinstance(value, Named) else value


def _spoken(values: dict[str, Any]) -> dict[str, Any]:
    # Said in English too: a record field's name is the workbook's header there as well.
    return {key: said(value) for key, value in values.items()}


def _(message: str, /, **values: Any) -> str:
    """Give `message` in the chosen language, its `{placeholders}` filled from `values`."""
    text = message if language() == "en" else _translations(language()).gettext(message)
    return text.format(**_spoken(values)) if values else text


def p_(context: str, message: str, /, **values: Any) -> str:
    """Give `message` as `_()` does, told apart by `context` where one English word needs two
    Dutch ones (a cancelled traject is "geannuleerd", a cancelled visit in a re-plan
    "geschrapt"). The context is for the translator and never shown."""
    text = message if language() == "en" else _translations(language()).pgettext(context, message)
    return text.format(**_spoken(values)) if values else text


def n_(singular: str, plural: str, count: int, /, **values: Any) -> str:
    """Give the singular or plural form for `count` in the chosen language, filled in.

    `count` is offered to the text as `{count}` too.
    """
    if language() == "en":
        text = singular if count == 1 else plural
    else:
        text = _translations(language()).ngettext(singular, plural, count)
    return text.format(count=count, **_spoken(values))


def system_reason(exc: OSError) -> str:
    """Give why the system refused a file, in the chosen language (its own words otherwise)."""
    import errno

    reasons = {
        errno.ENOENT: lambda: _("no such file or folder"),
        errno.ENOTDIR: lambda: _("a part of the path is not a folder"),
        errno.EISDIR: lambda: _("is a folder, not a file"),
        errno.ELOOP: lambda: _("too many links in the path"),
        errno.EROFS: lambda: _("the file system is read-only"),
        errno.EACCES: lambda: _("permission denied"),
        errno.EPERM: lambda: _("permission denied"),
        errno.ENOSPC: lambda: _("the disk is full"),
        errno.ENAMETOOLONG: lambda: _("the name is too long"),
        errno.EIO: lambda: _("the device could not be read or written"),
    }
    known = reasons.get(exc.errno or 0)
    return known() if known else (exc.strerror or type(exc).__name__)


def locale() -> str:
    """Give Babel's locale name for the chosen language."""
    return LOCALES[language()]


def money(amount: Decimal | float | int) -> str:
    """Give an amount in euro as the language writes it: `€ 4.900,00`, `€4,900.00`."""
    from babel.numbers import format_currency

    return format_currency(Decimal(str(amount)), "EUR", locale=locale())


def number(value: Decimal | float | int, digits: int = 2) -> str:
    """Give a number with at most `digits` decimals, as the language writes it: `6,25`."""
    from babel.numbers import format_decimal

    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=locale())


def day(value: date) -> str:
    """Give a date as tables show it: `10/03/2027` in Dutch, `2027-03-10` in English."""
    if language() == "en":
        return value.isoformat()
    from babel.dates import format_date

    return format_date(value, "dd/MM/yyyy", locale=locale())


def weekday_day(value: date) -> str:
    """Give a date with a short weekday: `wo 10 mrt 2027`, `Wed 10 Mar 2027`."""
    from babel.dates import format_date

    text = format_date(value, "EEE d MMM yyyy", locale=locale())
    return text.replace(".", "")  # CLDR's Dutch abbreviations end in a dot: "wo. 10 mrt."


def long_day(value: date) -> str:
    """Give a date as letters write it: `woensdag 10 maart 2027`, `Wednesday 10 March 2027`."""
    from babel.dates import format_date

    return format_date(value, "EEEE d MMMM yyyy", locale=locale())
