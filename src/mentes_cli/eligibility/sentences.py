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
from string import Formatter
from typing import Any

from mentes_cli.i18n import Named, named

__all__ = ["Named", "Sentence", "_", "and_list", "joined", "named", "say"]


class Sentence(str):
    """An English sentence (the `str` itself) that can say itself in the chosen language."""

    __slots__ = ("message", "values")

    message: str
    values: Mapping[str, Any]

    def say(self) -> str:
        """Give the sentence in the chosen language (its English text when that is English)."""
        from mentes_cli import i18n

        # Said in English too: a record field's name is the workbook's header there as well
        # (errors.FieldName); every other value says itself as its English text.
        return i18n._(self.message, **{key: say(value) for key, value in self.values.items()})


def _(message: str, /, **values: Any) -> Sentence:
    """Make a Sentence of `message` (English, with named placeholders) and its values.

    A value is a text said as it is (an id, a name, a code), a whole number, a date, another
    Sentence, a `named` text, or `joined` items. Each of them formats as its English text
    (a date as ISO), so the English sentence is one `%`: the engine makes thousands.
    """
    return _sentence(message, values)


def _sentence(message: str, values: dict[str, Any]) -> Sentence:
    template = _TEMPLATES.get(message) or _template(message)
    sentence = _new(Sentence, template % values)
    sentence.message = message
    sentence.values = values
    return sentence


_new = str.__new__
_TEMPLATES: dict[str, str] = {}


def _template(message: str) -> str:
    """Give `message` as a %-template ("{name}" as "%(name)s"): the engine makes thousands of
    sentences, and `%` fills one in a third of the time `str.format` takes."""
    parts = []
    for literal, field, spec, conversion in Formatter().parse(message):
        parts.append(literal.replace("%", "%%"))
        if field is not None:
            if spec or conversion or not field.isidentifier():
                raise ValueError(f"{message!r}: only plain {{name}} placeholders")
            parts.append(f"%({field})s")
    template = _TEMPLATES[message] = "".join(parts)
    return template


def say(value: Any) -> str:
    """Give `value` in the chosen language: a Sentence says itself, a date as tables write
    it, a name from the data files in that language, any other text as it is."""
    from mentes_cli import i18n

    if isinstance(value, Sentence):
        return value.say()
    if isinstance(value, Named):
        return value.said()
    if isinstance(value, date):
        return i18n.day(value)
    return str(value)


def joined(items: Sequence[Any]) -> Sentence:
    """Give items as one value said with commas between them: "A, B, C"."""
    # Not a message of the catalogue: the commas are the same in every language.
    message = ", ".join(f"{{item{index}}}" for index in range(len(items)))
    return _sentence(message, {f"item{index}": item for index, item in enumerate(items)})


def and_list(items: Sequence[Any]) -> Any:
    """Give items as one value: "A", "A and B", "A, B and C" (the "and" in each language)."""
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}", items=joined(items[:-1]), last=items[-1])
