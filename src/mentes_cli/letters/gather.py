"""From a due letter and the records to a `Letter`: the facts, the visits, the calendar."""

from __future__ import annotations

import re
from datetime import date

from mentes_cli.i18n import _, language, long_day
from mentes_cli.letters.compose import (
    Decision,
    Facts,
    Letter,
    LetterVisit,
    Move,
    changed_letter,
    decision_letter,
    planned_letter,
)
from mentes_cli.letters.due import APPROVED, CANCELLED, CHANGED, NOT_FREE, PLANNED, Due, live
from mentes_cli.letters.texts import LetterTexts
from mentes_cli.models import CommittedVisit, Records, Traject
from mentes_cli.offers import catalogue

_BRACKETS = re.compile(r"\s*\([^)]*\)\s*$")


def offer_name(code: str) -> str:
    """Give an offer's name as a letter says it in a sentence: its label without
    "(gratis)"/"(betalend)", the first letter small unless the word is an abbreviation."""
    name = _BRACKETS.sub("", catalogue().offer(code).label(language()))
    if len(name) > 1 and not name[1].isupper():
        name = name[0].lower() + name[1:]
    return name


def traject_name(code: str) -> str:
    """Give what a letter calls a traject of offer `code` after "your": a name that is a
    traject already as it is ("BVV-basistraject" in Dutch, "BVV basic traject"), else
    "traject pedagogische coaching" / "pedagogical coaching traject"; a package keeps the
    capital of its name ("traject Coaching werkvloer B")."""
    name = offer_name(code)
    words = name.split()
    if words and words[-1].casefold().endswith("traject"):
        if language() == "nl" and len(words) > 1 and words[-1].casefold() != "traject":
            return f"{' '.join(words[:-1])}-{words[-1]}"
        return name
    label = _BRACKETS.sub("", catalogue().offer(code).label(language()))
    last = label.split()[-1] if label.split() else ""
    if len(last) == 1 and last.isupper():
        name = label  # a package: a name of its own
    return _("{offer} traject", offer=name)


def facts_of(records: Records, traject: Traject, day: date | None = None) -> Facts:
    """Give what every letter about `traject` needs: names, address, coach, phone; for a
    paid traject its price on `day` (its request day, else today's letters' day)."""
    found = records.location_index().get(traject.location)
    organisation, location = found if found else (None, None)
    email = (location.email if location else None) or (organisation.email if organisation else None)
    contact = (location.contact if location else None) or (
        organisation.contact if organisation and not (location and location.email) else None
    )
    coach_id = traject.coach or next((v.coach for v in live(traject)), None)
    coach = records.coach_index().get(coach_id or "")
    phone = (location.phone if location else None) or (organisation.phone if organisation else None)
    location_name = location.name if location else traject.location
    return Facts(
        traject=traject.id,
        family=catalogue().offer(traject.offer).family,
        offer_name=offer_name(traject.offer),
        location_name=location_name,
        to_email=email,
        to_name=contact or location_name,
        coach_name=coach.name if coach else None,
        phone=phone,
        traject_name=traject_name(traject.offer),
        to_contact=bool(contact),
        price=_price(traject, day) if not traject.is_free_offer else None,
    )


def _price(traject: Traject, day: date | None):
    """Give the price of a paid traject's package, None when the tariffs have none then."""
    from mentes_cli.errors import ReferenceDataError
    from mentes_cli.inbox import paid_price

    when = traject.requested_on or day
    if when is None:
        return None
    try:
        return paid_price(traject, when)
    except (KeyError, ReferenceDataError):
        return None


def positions(traject: Traject) -> dict[str, int]:
    """Give each live visit on location (by UID) its place in time, 1 to N: a letter numbers
    the visits as they come, also after one moved past another (the records keep the number
    it was committed with)."""
    on_location = sorted(
        (v for v in live(traject) if v.kind == "visit"), key=lambda v: (v.date, v.start)
    )
    return {v.uid or "": n for n, v in enumerate(on_location, start=1)}


def _now(traject: Traject, visit: CommittedVisit) -> LetterVisit:
    """Give a committed visit as a letter tells it now: numbered in time; of an incomplete
    traject (one of its 8 cancelled or deleted by hand, also the last) with the number it was
    told, of 8, as its calendar numbers it (export.ics.numbered_total)."""
    places = positions(traject)
    total = _total(traject)
    if total > len(places):
        number = visit.number if visit.kind == "visit" else 0
    else:
        number = places.get(visit.uid or "", visit.number) if visit.kind == "visit" else 0
    return LetterVisit(number, total, visit.kind, visit.date, visit.start, visit.hours)


def _total(traject: Traject) -> int:
    """Give the "of N" of a traject's live visits in a letter: as many as there are, or, for
    an incomplete one, the visits its location was told (as its calendar says)."""
    from mentes_cli.export.ics import numbered_total

    return numbered_total(traject)


def build_letter(
    records: Records,
    due: Due,
    texts: LetterTexts,
    calendar: bytes | None,
    today: date,
) -> Letter:
    """Give the letter `due` asks for, in the current language."""
    from mentes_cli.inbox import blocking_dates, paid_alternative

    traject = due.traject
    facts = facts_of(records, traject, today)
    if due.kind == PLANNED:
        visits = [_now(traject, v) for v in live(traject)]
        return planned_letter(facts, visits, texts, calendar=calendar)
    if due.kind == CHANGED:
        total = _total(traject)
        moves = [Move(old.date, old.start, _now(traject, new)) for old, new in due.moved]
        added = [_now(traject, v) for v in due.added]
        gone = [
            LetterVisit(v.number, total, v.kind, v.date, v.start, v.hours) for v in due.cancelled
        ]
        now = [_now(traject, v) for v in live(traject)]
        return changed_letter(
            facts,
            texts,
            moved=moves,
            added=added,
            cancelled=gone,
            now=now,
            calendar=calendar,
            new_coach=due.new_coach,
            ended=traject.end if traject.status == "done" else None,
        )
    if due.kind == CANCELLED:
        return decision_letter(
            facts, Decision("cancelled", reason=traject.reason or ""), texts, calendar
        )
    if due.kind == APPROVED:
        if traject.is_free_offer:
            return decision_letter(facts, Decision("free"), texts)
        instead = _free_instead(records, traject, traject.requested_on or today, facts)
        return decision_letter(facts, Decision("approved", free_instead=instead), texts)
    if due.kind == NOT_FREE:
        _outcome, next_free, _why = due.decision or ("", None, "")
        day = traject.requested_on or today
        paid = paid_alternative(records, traject, day)
        enforcement = next_free is not None and not blocking_dates(records, traject, day)
        return decision_letter(
            facts,
            Decision(
                "not-free",
                reason=plain_reason(records, traject, day, next_free, facts.location_name, today),
                next_free=next_free,
                paid_name=paid[0] if paid else None,
                paid_price=paid[1] if paid else None,
                enforcement=enforcement,
            ),
            texts,
        )
    raise ValueError(f"unknown letter kind {due.kind!r}")


def _free_instead(records: Records, traject: Traject, day: date, facts: Facts) -> str | None:
    """Say, to the location, that it may get this support free (now or from a day) instead
    of the paid package it asked for; None when it may not. (`inbox.free_instead` says the
    same to the coordinator, with the command that explains it.)"""
    from mentes_cli.eligibility import family_of_offer
    from mentes_cli.quote import free_offer_entitlement

    found = free_offer_entitlement(records, traject.location, family_of_offer(traject.offer), day)
    if found is None or not found.offers:
        return None
    free = offer_name(found.offers[0])
    if found.now or found.next_free is None:
        return _(
            "{location} can also get {free} free of charge. Would you rather have that? Let "
            "us know.",
            location=facts.location_name,
            free=free,
        )
    return _(
        "From {day}, {location} can get {free} free of charge. Would you rather wait for "
        "that? Let us know.",
        day=long_day(found.next_free),
        location=facts.location_name,
        free=free,
    )


def plain_reason(
    records: Records,
    traject: Traject,
    day: date,
    next_free: date | None,
    location: str,
    today: date,
) -> str:
    """Give why a request cannot be free on `day`, in plain words for the location (the
    engine's explanation is for the coordinator): another free traject of its kind in the
    period (one the location had, or has coming, as seen `today`), no priority, or outside
    the region."""
    from mentes_cli.eligibility import NOT_PRIOR, SCOPE_FREE, decide_location, family_of_offer
    from mentes_cli.inbox import blocking_dates

    if next_free is not None:
        used = blocking_dates(records, traject, day)
        if not used:
            # Free from a later day without another traject in the way: the enforcement
            # the records announce makes the location PRIOR from then.
            return _(
                "This traject is free only for locations in the priority target group, and "
                "{location} belongs to it from {day} (enforcement).",
                location=location,
                day=long_day(next_free),
            )
        return _used_reason(used, location, today, _period_rule(traject, day))
    rules = getattr(decide_location(records, traject.location, day), family_of_offer(traject.offer))
    if NOT_PRIOR in rules.rules:
        return _(
            "This traject is free only for locations in the priority target group (PRIOR: by "
            "subsidy step, IKT places or an enforcement), and {location} is not in it now.",
            location=location,
        )
    if SCOPE_FREE not in rules.rules:
        return _(
            "This traject is free only in the region where it is offered, and {location} lies "
            "outside it.",
            location=location,
        )
    return _("The conditions for a free traject are not met now.")


def _period_rule(traject: Traject, day: date) -> str:
    """Say how often the rules (rules.toml, in force on `day`) allow a free traject of this
    kind: per calendar year, or once in N months."""
    from mentes_cli.eligibility import family_of_offer
    from mentes_cli.eligibility.parameters import parameters_at

    period = parameters_at(day).families[family_of_offer(traject.offer)].period
    if period.months is None:
        return _("The rules allow one free traject of this kind per calendar year.")
    return _(
        "The rules allow one free traject of this kind in {months} months.", months=period.months
    )


def _used_reason(used: list[date], location: str, today: date, rule: str) -> str:
    """Say which free traject of the same kind keeps a request from being free: one the
    location had (dated before `today`) or one it has coming (from `today` on), and the
    `rule` that says how often one may be free."""
    had = [d for d in used if d < today]
    coming = [d for d in used if d >= today]
    if coming and had:
        sentence = _(
            "{location} already had a free traject of this kind, from {had}, and has another "
            "one coming, from {coming}.",
            location=location,
            had=_days(had),
            coming=_days(coming),
        )
    elif coming:
        sentence = _(
            "{location} already has a free traject of this kind coming, from {coming}.",
            location=location,
            coming=_days(coming),
        )
    elif had:
        sentence = _(
            "{location} already had a free traject of this kind, from {had}.",
            location=location,
            had=_days(had),
        )
    else:
        sentence = _(
            "{location} already has a free traject of this kind in this period.",
            location=location,
        )
    return f"{sentence} {rule}"


def _days(days: list[date]) -> str:
    if len(days) == 1:
        return long_day(days[0])
    return _(
        "{days} and {last}",
        days=", ".join(long_day(d) for d in days[:-1]),
        last=long_day(days[-1]),
    )
