"""The result of planning: visits placed on days, and the trajects that could not be placed.

A plan is plain data: the planner makes one, the checker verifies one, the exporters
(schedule workbook, calendars) and `--save`/`--keep` read and write one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator


class Sentence(str):
    """A sentence about a plan that a person reads: a reason, a violation, a warning.

    The string itself is the English sentence, what JSON, CSV and a saved plan carry in every
    language. `said()` gives it in the chosen language, from the English message (a msgid of
    the catalogue) and the facts it was made of: ids and names as they are, dates, numbers
    and nested sentences each in the language's form. Make one with `sentence()`,
    `sentences()` (a count), `joined()` or `words()`.
    """

    message: str | None
    plural: str | None
    count: int | None
    facts: dict[str, Any]
    parts: tuple[str, ...]
    separator: str
    spoken: Callable[[], str] | None

    def said(self) -> str:
        """Give the sentence in the chosen language (the string itself in English)."""
        from mentes_cli import i18n

        if i18n.language() == "en":
            return str(self)
        if self.spoken is not None:
            return self.spoken()
        if self.message is None:
            return self.separator.join(said(part) for part in self.parts)
        facts = {name: _spoken(value) for name, value in self.facts.items()}
        if self.plural is not None and self.count is not None:
            return i18n.n_(self.message, self.plural, self.count, **facts)
        return i18n._(self.message, **facts)


def _make(text: str, **fields: Any) -> Sentence:
    made = Sentence(text)
    made.message = fields.get("message")
    made.plural = fields.get("plural")
    made.count = fields.get("count")
    made.facts = fields.get("facts", {})
    made.parts = fields.get("parts", ())
    made.separator = fields.get("separator", "")
    made.spoken = fields.get("spoken")
    return made


def _english(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _spoken(value: Any) -> str:
    from mentes_cli import i18n

    if isinstance(value, str):
        return said(value)
    if isinstance(value, date):
        return i18n.day(value)
    if isinstance(value, float):
        return i18n.number(value, 4)
    return str(value)


def sentence(message: str, /, **facts: Any) -> Sentence:
    """Give the sentence `message` (English, with `{named}` placeholders) about `facts`."""
    text = message.format(**{name: _english(value) for name, value in facts.items()})
    return _make(text, message=message, facts=facts)


def sentences(singular: str, plural: str, count: int, /, **facts: Any) -> Sentence:
    """Give the singular or plural sentence for `count` (offered as `{count}` too)."""
    english = singular if count == 1 else plural
    text = english.format(count=count, **{name: _english(v) for name, v in facts.items()})
    return _make(text, message=singular, plural=plural, count=count, facts=facts)


def joined(parts: Sequence[str], separator: str) -> Sentence:
    """Give `parts` one after the other with a separator that no language changes ("; ")."""
    return _make(
        separator.join(str(part) for part in parts), parts=tuple(parts), separator=separator
    )


def words(english: str, spoken: Callable[[], str]) -> Sentence:
    """Give a word that has its own form in every language (a weekday, an offer's name):
    `english` in English, `spoken()` in the chosen language."""
    return _make(english, spoken=spoken)


def a_day(value: date) -> Sentence:
    """Give a date: `2027-03-10` in English, as the chosen language writes it elsewhere."""
    from mentes_cli import i18n

    return words(value.isoformat(), lambda: i18n.day(value))


def said(text: str) -> str:
    """Give a text in the chosen language: a Sentence said, any other text as it is.

    The eligibility engine's sentences (eligibility/sentences.py, the reason of an
    entitlement) say themselves with `say()`; they are said too.
    """
    speak = getattr(text, "said", None) or getattr(text, "say", None)
    return speak() if callable(speak) else str(text)


def _keep_sentence(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not a text")
    return value


# A text field of a plan that keeps its Sentence (pydantic would make it a plain str).
Text = Annotated[str, PlainValidator(_keep_sentence)]

VisitKind = Literal["visit", "intake"]
# A kept visit's state: planned (may move when it now breaks a rule), fixed or done (never
# moves). Visits before the plan's start never move either (SPEC 5, rule 7).
KeptState = Literal["planned", "fixed", "done"]


class Visit(BaseModel):
    """One day on location (kind "visit") or the phone intake of a paid traject ("intake")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    traject: str
    location: str
    coach: str
    date: date
    start: str = Field(description="start time, HH:MM")
    hours: float = Field(description="hours, a multiple of a quarter hour")
    kind: VisitKind = "visit"
    fixed: bool = Field(default=False, description="kept where it is when planning again")

    @property
    def end(self) -> str:
        """Give the end time, HH:MM."""
        hours, minutes = map(int, self.start.split(":"))
        total = hours * 60 + minutes + round(self.hours * 60)
        return f"{total // 60:02d}:{total % 60:02d}"


class KeptVisit(BaseModel):
    """A visit promised before this run: from a saved plan (`--keep`) or from the records."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    visit: Visit
    state: KeptState = "planned"


def kept_from_plan(plan: Plan) -> list[KeptVisit]:
    """Give the visits of a saved plan as kept visits: fixed ones fixed, the others planned."""
    return [KeptVisit(visit=v, state="fixed" if v.fixed else "planned") for v in plan.visits]


class Moved(BaseModel):
    """A kept visit that broke a rule and was moved (SPEC 5 rule 7; reported, SPEC 9)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    traject: str
    coach: str
    kind: VisitKind = "visit"
    old_date: date
    new_date: date
    reason: Text


class Incomplete(BaseModel):
    """An approved traject whose kept visits cannot be completed: its kept visits stay, it is
    neither placed nor unplanned (SPEC 5 rule 7)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    traject: str
    visits_kept: int
    visits_missing: int
    reasons: list[Text]


class Optimality(BaseModel):
    """What the exact improvement step (CP-SAT) found about the plan's placed count."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # optimal | bound | partial | skipped | unknown | not installed | off
    status: str
    greedy: int = Field(description="trajects the greedy plan placed (of those in the model)")
    placed: int = Field(description="trajects placed in the end (of those in the model)")
    bound: int | None = Field(
        default=None, description="the most that can be placed; only for a whole model"
    )
    covered: str = Field(default="", description="what the model left out; empty when whole")
    seconds: float = 0.0
    trajects: int = 0

    @property
    def more_possible(self) -> int | None:
        """Give how many more trajects could at most be placed, when known."""
        return None if self.bound is None else max(0, self.bound - self.placed)


class Unplanned(BaseModel):
    """An approved traject that could not be placed, with every reason found."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    traject: str
    reasons: list[Text]


class Plan(BaseModel):
    """A plan over a window: visits sorted by date, coach, start; unplanned by queue order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: date
    end: date
    visits: list[Visit] = Field(default_factory=list)
    unplanned: list[Unplanned] = Field(default_factory=list)
    incomplete: list[Incomplete] = Field(default_factory=list)
    moved: list[Moved] = Field(default_factory=list)
    warnings: list[Text] = Field(default_factory=list)
    optimality: Optimality | None = None


# Short names, as the catalogue's extractor knows them: `_("...")` and `n_("...")` in the
# planner's modules make Sentences (plan/reasons.py, plan/check.py), `model._("...")` beside
# the terminal's own `_()`.
_ = sentence
n_ = sentences
