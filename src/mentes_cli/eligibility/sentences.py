"""A sentence of the engine: English text for programs, the reader's language on request.

The engine's explanations and warnings land in two places: the JSON and CSV, where they are
English in every language (SPEC 7), and the table, the explanation and the overview workbook,
where they are the reader's. So the engine does not write finished text: it keeps the facts
in a `Sentence`, which is the English message with its values filled in (a `str`, so JSON,
CSV and every caller that reads it as text get English, byte for byte as before), and which
says itself in the chosen language with `say()`: its message through the catalogue
(`i18n._`), each value in that language too (a date as `i18n.day` writes it, a nested
sentence said alike, a name from the data files in the language the file gives).

`_(message, **values)` makes one; the catalogue's extractor finds its message as it finds
every `_()`. Nothing turns a Sentence into the reader's language unless asked: an f-string
or `str()` of one gives English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

__all__ = ["Sentence", "_", "and_list", "joined", "say"]


class Sentence(str):
    """An English sentence (the `str` itself) that can say itself in the chosen language."""

    __slots__ = ("message", "values")

    message: str
    values: Mapping[str, Any]

    def say(self) -> str:
        """Give the sentence in the chosen language (its English text when that is English)."""
        from mentes_cli import i18n

        if i18n.language() == "en":
            return str.__str__(self)
        return i18n._(self.message, **{key: say(value) for key, value in self.values.items()})


class _Joined(tuple):
    """Items said one after the other, separated by commas (alike in every language)."""

    __slots__ = ()


def _(message: str, /, **values: Any) -> Sentence:
    """Make a Sentence of `message` (English, with named placeholders) and its values.

    A value is a text said as it is (an id, a name, a code), a whole number, a date, another
    Sentence, a mapping of language to text (a name from offers.toml) or `joined` items.
    """
    sentence = Sentence.__new__(
        Sentence, message.format(**{key: _english(value) for key, value in values.items()})
    )
    sentence.message = message
    sentence.values = values
    return sentence


def _english(value: Any) -> str:
    if isinstance(value, Sentence):
        return str.__str__(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return value["en"]
    if isinstance(value, _Joined):
        return ", ".join(_english(item) for item in value)
    return str(value)


def say(value: Any) -> str:
    """Give `value` in the chosen language: a Sentence says itself, a date as tables write
    it, a name from the data files in that language, any other text as it is."""
    from mentes_cli import i18n

    if isinstance(value, Sentence):
        return value.say()
    if isinstance(value, date):
        return i18n.day(value)
    if isinstance(value, Mapping):
        return value.get(i18n.language()) or value["en"]
    if isinstance(value, _Joined):
        return ", ".join(say(item) for item in value)
    return str(value)


def joined(items: Sequence[Any]) -> _Joined:
    """Give items as one value said with commas between them: "A, B, C"."""
    return _Joined(items)


def and_list(items: Sequence[Any]) -> Any:
    """Give items as one value: "A", "A and B", "A, B and C" (the "and" in each language)."""
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}", items=_Joined(items[:-1]), last=items[-1])
