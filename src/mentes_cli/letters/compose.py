"""One letter per traject: the facts in, a `Letter` (subject, text, HTML, calendar) out.

A letter is first a list of blocks (a paragraph, a heading, a list), so that the plain text
and the HTML alternative say the same thing; each sentence comes from the catalogue, the
greeting, subjects, signature and "what to prepare" from centre.toml (`LetterTexts`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from mentes_cli.i18n import _, long_day, money
from mentes_cli.letters.texts import LetterTexts

PLANNED = "planned"
CHANGED = "changed"
DECISION = "decision"
COACHING = "pedagogical_coaching"


@dataclass(frozen=True, slots=True)
class LetterVisit:
    """One visit (or the intake call) as a letter tells it."""

    number: int  # n of `total`; 0 for the intake call
    total: int
    kind: str  # "visit" | "intake"
    day: date
    start: str  # HH:MM
    hours: float


@dataclass(frozen=True, slots=True)
class Move:
    """A visit that moved: its old day and start, and the visit as it is now."""

    old_day: date
    old_start: str
    visit: LetterVisit


@dataclass(frozen=True, slots=True)
class Facts:
    """What every letter about one traject needs to know."""

    traject: str
    family: str  # "pedagogical_coaching" | "regional_support"
    offer_name: str  # in the letter's language
    location_name: str
    to_email: str | None
    to_name: str  # the contact person, else the location's name
    coach_name: str | None = None
    phone: str | None = None  # the location's, else the organisation's: for the intake call
    traject_name: str = ""  # "your ... ": "BVV-basistraject", "traject pedagogische coaching"
    to_contact: bool = True  # to_name is a contact person (else the location: its team)
    price: Decimal | None = None  # a paid traject: its price


@dataclass(frozen=True, slots=True)
class Decision:
    """What was decided on a request: granted free, not free, or cancelled."""

    outcome: str  # "free" | "approved" (a paid offer) | "not-free" | "cancelled"
    reason: str = ""
    next_free: date | None = None
    paid_name: str | None = None
    paid_price: Decimal | None = None
    enforcement: bool = False  # not free now, free from next_free: the location's enforcement
    free_instead: str | None = None  # a paid request: the location may get this free


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar"
    data: bytes


@dataclass(frozen=True, slots=True)
class Letter:
    """An e-mail to send about one traject, in the chosen language."""

    kind: str
    traject: str
    to_email: str | None
    to_name: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = field(default=())


def duration(hours: float) -> str:
    """Give hours as a letter writes them: `6 u 15`, `3 u` (`6 h 15 min`, `3 h`)."""
    minutes = round(hours * 60)
    whole, rest = divmod(minutes, 60)
    if rest == 0:
        return _("{hours} h", hours=whole)
    return _("{hours} h {minutes} min", hours=whole, minutes=str(rest).zfill(2))


def _clock(start: str, hours: float) -> str:
    first_hour, first_minute = (int(part) for part in start.split(":"))
    end = first_hour * 60 + first_minute + round(hours * 60)
    return f"{start}–{end // 60:02d}:{end % 60:02d}"


def _visit_line(visit: LetterVisit) -> str:
    return _(
        "{number}. {day}, {hours} ({length})",
        number=visit.number,
        day=long_day(visit.day),
        hours=_clock(visit.start, visit.hours),
        length=duration(visit.hours),
    )


def planned_letter(
    facts: Facts, visits: list[LetterVisit], texts: LetterTexts, calendar: bytes | None = None
) -> Letter:
    """Give the letter that tells a location its traject is planned: coach, visits, what to do."""
    on_location = sorted((v for v in visits if v.kind != "intake"), key=lambda v: v.number)
    intake = next((v for v in visits if v.kind == "intake"), None)
    coaching = facts.family == COACHING
    blocks: list[tuple[str, object]] = [
        (
            "p",
            _(
                "Your {traject} at {location} is planned.",
                traject=_traject(facts),
                location=facts.location_name,
            ),
        ),
    ]
    if facts.price is not None:
        blocks.append(("p", _("This is a paid traject: {price}.", price=money(facts.price))))
    if on_location and facts.coach_name:
        first = long_day(on_location[0].day)
        blocks.append(
            (
                "p",
                _(
                    "Your pedagogical coach is {coach}. The first visit is on {day}.",
                    coach=facts.coach_name,
                    day=first,
                )
                if coaching
                else _(
                    "Your regional supporter is {coach}. The first contact moment is on {day}.",
                    coach=facts.coach_name,
                    day=first,
                ),
            )
        )
    if intake is not None:
        sentence = _(
            "First comes the intake call by phone: {day} at {start} ({length}).",
            day=long_day(intake.day),
            start=intake.start,
            length=duration(intake.hours),
        )
        if facts.phone:
            sentence += " " + _("The coach calls you on {phone}.", phone=facts.phone)
        blocks.append(("p", sentence))
    blocks.append(("h", _("The visits:") if coaching else _("The contact moments:")))
    blocks.append(("lines", [_visit_line(v) for v in on_location]))
    prepare = texts.prepare_coaching if coaching else texts.prepare_support
    if prepare:
        blocks.append(("h", _("What to prepare:")))
        blocks.append(("list", list(prepare)))
    if calendar:
        blocks.append(
            (
                "p",
                _(
                    "The visits are attached as a calendar file (.ics): open it to put "
                    "them in your calendar."
                ),
            )
        )
    subject = texts.subject_planned
    return _letter(PLANNED, facts, subject, blocks, texts, calendar)


def changed_letter(
    facts: Facts,
    texts: LetterTexts,
    *,
    moved: list[Move] = (),
    added: list[LetterVisit] = (),
    cancelled: list[LetterVisit] = (),
    now: list[LetterVisit] = (),
    calendar: bytes | None = None,
    new_coach: bool = False,
    ended: date | None = None,
) -> Letter:
    """Give the letter that tells a location what changed: who the coach is now when another
    coach took the traject over (`new_coach`, the name in `facts`), moved (old → new), new,
    cancelled, then every visit as it is `now` (numbered in time: a moved visit may change
    its number, so a moved line names its days, not a number). A traject `ended` early says
    so, and that the visits after it are cancelled, instead of listing the visits now."""
    blocks: list[tuple[str, object]] = [
        (
            "p",
            _(
                "There is a change in your {traject} at {location}.",
                traject=_traject(facts),
                location=facts.location_name,
            ),
        ),
    ]
    if ended is not None:
        blocks.append(
            (
                "p",
                _(
                    "The traject ended on {day}: the visits after that day do not take place.",
                    day=long_day(ended),
                )
                if facts.family == COACHING
                else _(
                    "The traject ended on {day}: the contact moments after that day do not "
                    "take place.",
                    day=long_day(ended),
                ),
            )
        )
        now = ()
    if new_coach and facts.coach_name:
        blocks.append(
            (
                "p",
                _(
                    "Your traject has a new pedagogical coach: from now on {coach} comes to you.",
                    coach=facts.coach_name,
                )
                if facts.family == COACHING
                else _(
                    "Your traject has a new regional supporter: from now on {coach} supports you.",
                    coach=facts.coach_name,
                ),
            )
        )
    if moved:
        blocks.append(("h", _("Moved:")))
        blocks.append(
            (
                "lines",
                [
                    _(
                        "{old} → {new}, {hours}",
                        old=long_day(m.old_day),
                        new=long_day(m.visit.day),
                        hours=_clock(m.visit.start, m.visit.hours),
                    )
                    for m in sorted(moved, key=lambda m: (m.old_day, m.visit.day))
                ],
            )
        )
    if added:
        blocks.append(("h", _("New:")))
        blocks.append(("lines", [_visit_line(v) for v in sorted(added, key=lambda v: v.number)]))
    if cancelled:
        blocks.append(("h", _("Cancelled:")))
        blocks.append(
            (
                "lines",
                [long_day(v.day) for v in sorted(cancelled, key=lambda v: v.day)],
            )
        )
    on_location = sorted((v for v in now if v.kind != "intake"), key=lambda v: v.number)
    if on_location:
        coaching = facts.family == COACHING
        blocks.append(("h", _("Your visits now:") if coaching else _("Your contact moments now:")))
        blocks.append(("lines", [_visit_line(v) for v in on_location]))
    if calendar:
        blocks.append(
            ("p", _("The attached calendar file (.ics) updates the visits in your calendar."))
        )
    return _letter(CHANGED, facts, texts.subject_changed, blocks, texts, calendar)


def decision_letter(
    facts: Facts, decision: Decision, texts: LetterTexts, calendar: bytes | None = None
) -> Letter:
    """Give the letter with the decision on a request: free, not free (why, the paid offer), or
    cancelled (why; with `calendar`, the visits told before, cancelled, to remove them)."""
    where = {"offer": facts.offer_name, "location": facts.location_name}
    blocks: list[tuple[str, object]] = []
    if decision.outcome == "free":
        blocks.append(
            (
                "p",
                _(
                    "Good news: your request for {offer} at {location} is approved, "
                    "free of charge.",
                    **where,
                ),
            )
        )
        blocks.append(("p", _("You will soon hear who your coach is and when the traject starts.")))
    elif decision.outcome == "approved":
        blocks.append(
            ("p", _("Good news: your request for {offer} at {location} is approved.", **where))
        )
        if facts.price is not None:
            blocks.append(("p", _("This is a paid traject: {price}.", price=money(facts.price))))
        if decision.free_instead:
            blocks.append(("p", decision.free_instead))
        blocks.append(("p", _("You will soon hear who your coach is and when the traject starts.")))
    elif decision.outcome == "not-free":
        blocks.append(("p", _("Your request for {offer} at {location} is not free now.", **where)))
        if decision.reason:
            blocks.append(("p", _("Why: {reason}", reason=decision.reason)))
        if decision.next_free and decision.enforcement:
            blocks.append(("p", _("Free from {day}.", day=long_day(decision.next_free))))
        elif decision.next_free:
            blocks.append(
                (
                    "p",
                    _(
                        "A free traject is possible again from {day}.",
                        day=long_day(decision.next_free),
                    ),
                )
            )
        if decision.paid_name and decision.paid_price is not None:
            blocks.append(
                (
                    "p",
                    _(
                        "You can choose a paid traject instead: {paid}, for {price}. Let us "
                        "know and we send you a quote.",
                        paid=decision.paid_name,
                        price=money(decision.paid_price),
                    ),
                )
            )
        else:
            blocks.append(("p", _("There is no paid offer for this location.")))
    else:
        blocks.append(
            (
                "p",
                _(
                    "Your {traject} at {location} is cancelled.",
                    traject=_traject(facts),
                    location=facts.location_name,
                ),
            )
        )
        if decision.reason:
            blocks.append(("p", _("Reason: {reason}", reason=decision.reason)))
        if calendar:
            blocks.append(
                (
                    "p",
                    _("The attached calendar file (.ics) removes the visits from your calendar."),
                )
            )
    if decision.outcome != "cancelled":
        calendar = None
    subject = texts.subject_cancelled if decision.outcome == "cancelled" else texts.subject_decision
    return _letter(DECISION, facts, subject, blocks, texts, calendar)


def _traject(facts: Facts) -> str:
    """Give what "your ..." calls the traject (its name, else "{offer} traject")."""
    return facts.traject_name or _("{offer} traject", offer=facts.offer_name)


def _letter(
    kind: str,
    facts: Facts,
    subject: str,
    blocks: list[tuple[str, object]],
    texts: LetterTexts,
    calendar: bytes | None,
) -> Letter:
    # Record text may hold line breaks: the greeting is one line. Without a contact person
    # the letter greets the location's team, not the location's name.
    name = " ".join(facts.to_name.split())
    if facts.to_contact:
        greeting = f"{texts.greeting} {name},"
    else:
        greeting = _("{greeting} colleagues at {location},", greeting=texts.greeting, location=name)
    filled = subject.format(
        offer=facts.offer_name,
        location=facts.location_name,
        traject=facts.traject,
        traject_name=_traject(facts),
    )
    attachments = (
        (Attachment(f"{facts.traject}.ics", "text/calendar", calendar),) if calendar else ()
    )
    return Letter(
        kind=kind,
        traject=facts.traject,
        to_email=facts.to_email,
        to_name=facts.to_name,
        subject=filled,
        text=_as_text(greeting, blocks, texts.signature),
        html=_as_html(greeting, blocks, texts.signature),
        attachments=attachments,
    )


def _as_text(greeting: str, blocks: list[tuple[str, object]], signature: str) -> str:
    parts = [greeting]
    for kind, content in blocks:
        if kind in ("list", "lines"):
            bullet = "  - " if kind == "list" else "  "
            parts.append("\n".join(bullet + line for line in content))
        else:
            parts.append(str(content))
    parts.append(signature)
    return "\n\n".join(parts) + "\n"


def _as_html(greeting: str, blocks: list[tuple[str, object]], signature: str) -> str:
    body = [f"<p>{html.escape(greeting)}</p>"]
    for kind, content in blocks:
        if kind == "h":
            body.append(f"<p><strong>{html.escape(str(content))}</strong></p>")
        elif kind == "list":
            items = "".join(f"<li>{html.escape(line)}</li>" for line in content)
            body.append(f"<ul>{items}</ul>")
        elif kind == "lines":
            body.append("<p>" + "<br>\n".join(html.escape(line) for line in content) + "</p>")
        else:
            body.append(f"<p>{html.escape(str(content))}</p>")
    body.append("<p>" + html.escape(signature).replace("\n", "<br>\n") + "</p>")
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
        '<body style="font-family: Arial, sans-serif; font-size: 11pt; line-height: 1.4">\n'
        + "\n".join(body)
        + "\n</body></html>\n"
    )
