"""The centre's own words for letters, from the `[letters]` table of centre.toml."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from typing import Any

from mentes_cli.errors import ReferenceDataError
from mentes_cli.i18n import _, language

_TEXTS = ("subject_planned", "subject_changed", "subject_decision", "greeting", "signature")
# Optional texts, and the text used when a centre.toml from before them lacks one.
_FALLBACKS = {"subject_cancelled": "subject_decision"}
_LISTS = ("prepare_coaching", "prepare_support")
_FILLED = {"offer", "location", "traject", "traject_name"}


@dataclass(frozen=True, slots=True)
class LetterTexts:
    """The sender and the fixed texts of the letters, in one language."""

    sender_name: str
    sender_email: str
    subject_planned: str
    subject_changed: str
    subject_decision: str
    subject_cancelled: str  # a cancelled traject; subject_decision when centre.toml lacks it
    greeting: str
    signature: str
    prepare_coaching: tuple[str, ...]
    prepare_support: tuple[str, ...]


def letter_texts(centre: dict[str, Any], code: str | None = None) -> LetterTexts:
    """Give the letter texts of centre.toml (its parsed table) in `code`, else the language.

    A missing or mistyped text is a ReferenceDataError naming the key, so that a coordinator
    who edits centre.toml finds the mistake.
    """
    code = code or language()
    letters = centre.get("letters")
    if not isinstance(letters, dict):
        raise ReferenceDataError(_("centre.toml: the table [letters] is missing"))
    words = letters.get(code)
    if not isinstance(words, dict):
        raise ReferenceDataError(_("centre.toml: the table [letters.{code}] is missing", code=code))
    found: dict[str, Any] = {}
    for key in ("sender_name", "sender_email"):
        found[key] = _text(letters, key, "letters")
    for key in _TEXTS:
        found[key] = _text(words, key, f"letters.{code}")
        _check_placeholders(found[key], f"letters.{code}.{key}")
    for key, fallback in _FALLBACKS.items():
        if key in words:
            found[key] = _text(words, key, f"letters.{code}")
            _check_placeholders(found[key], f"letters.{code}.{key}")
        else:
            found[key] = found[fallback]
    for key in _LISTS:
        value = words.get(key, [])
        if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
            raise ReferenceDataError(
                _(
                    "centre.toml, letters.{code}.{key}: must be a list of texts",
                    code=code,
                    key=key,
                )
            )
        found[key] = tuple(value)
    try:
        Address(addr_spec=found["sender_email"])
    except (ValueError, IndexError):
        raise ReferenceDataError(
            _(
                "centre.toml, letters.sender_email: {value} is not an e-mail address",
                value=repr(found["sender_email"]),
            )
        ) from None
    return LetterTexts(**found)


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ReferenceDataError(
            _("centre.toml, {where}.{key}: must be a text", where=where, key=key)
        )
    return value


def _check_placeholders(text: str, where: str) -> None:
    import string

    try:
        names = {part[1] for part in string.Formatter().parse(text) if part[1] is not None}
    except ValueError:
        names = {"?"}
    unknown = names - _FILLED
    if unknown:
        raise ReferenceDataError(
            _(
                "centre.toml, {where}: mentes fills in only {offer}, {traject_name}, "
                "{location} and {traject}, not {unknown}",
                where=where,
                offer="{offer}",
                traject_name="{traject_name}",
                location="{location}",
                traject="{traject}",
                unknown=", ".join(sorted("{" + n + "}" for n in unknown)),
            )
        )
