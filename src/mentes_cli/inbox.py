"""The coordinator's inbox (`mentes trajects`, SPEC 8): the trajects, and for each open request
whether it can be free, its place in the planning queue and how long it has waited.

A request's decision is taken on its `requested_on` (else today), counting every other
traject of the location that uses the entitlement, but not the request itself: an approved
free request takes the entitlement, and must not block itself.

A planned or active traject whose committed visits are not whole is something to act on
(`shortfalls`): the one check of `plan --check-records` (plan.check.check_committed) says so,
and the inbox only counts what it found per traject. *Incomplete*: its live visits are not
the offer's shape (the rule "visits" of SPEC 5.1: a visit cancelled or deleted by hand, or
the plan could not complete it), said as "7 of 8 visits planned", 8 being the visits the
location was told (calendars and letters number them so). *Breaking a rule*: visits on a
day that now breaks a rule (a leave, a closure added after the commit): `mentes plan` moves
them where it can, and calls the traject incomplete where it cannot (SPEC 5 rule 7).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from mentes_cli.eligibility import (
    FREE,
    PAID,
    SCOPE_PAID,
    UNAVAILABLE,
    decide_location,
    entitlement_date,
    family_of_offer,
    free_entitlement,
    frequency,
    parameters_at,
    uses_entitlement,
)
from mentes_cli.i18n import _
from mentes_cli.i18n import day as day_text
from mentes_cli.models import Records, Traject
from mentes_cli.plan.calendar import planning_queue
from mentes_cli.plan.model import Sentence

OPEN_STATUSES = ("requested", "approved", "planned", "active")
DECIDED_STATUSES = ("requested", "approved")


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One traject as the inbox shows it."""

    traject: Traject
    location_name: str
    decision: str | None  # free | paid | unavailable, for a requested or approved traject
    next_free: date | None
    why: str  # the engine's reason, English (the JSON's `reason`)
    why_words: str  # why it is not free, in the reader's language ("" when free)
    queue: int | None  # 1-based place in the planning queue, for an approved traject
    age_days: int | None  # days since requested_on, for a requested or approved traject
    shortfall: Shortfall | None = None  # a planned or active traject's visits, when not whole


@dataclass(frozen=True, slots=True)
class Shortfall:
    """What the check of the committed visits found about one planned or active traject."""

    planned: int  # its live committed visits on location
    told: int  # the visits on location the location was told (calendars: "n of told")
    incomplete: bool  # the live visits are not the offer's shape (rule "visits")
    breaking: int  # days of its committed visits that break a rule
    problems: tuple[Sentence, ...]  # the check's sentences about it, in its order

    @property
    def missing(self) -> int:
        return max(0, self.told - self.planned) if self.incomplete else 0


def shortfalls(records: Records) -> dict[str, Shortfall]:
    """Give, per planned or active traject whose committed visits are not whole, what the check
    of `plan --check-records` found (see the module's note); the others are left out."""
    from mentes_cli.export.ics import told_total
    from mentes_cli.plan import constraints as c
    from mentes_cli.plan.check import check_committed

    found: dict[str, list] = {}
    for violation in check_committed(records):
        traject_id = _fact(violation.message, "traject")
        if traject_id is not None:
            found.setdefault(str(traject_id), []).append(violation)
    result = {}
    for traject in records.trajects:
        mine = found.get(traject.id)
        if not mine or traject.status not in ("planned", "active"):
            continue
        # The day of the visit a sentence is about ("{what}: ..."), not another day it names.
        days = {_fact(_fact(v.message, "what"), "day") for v in mine} - {None}
        planned = sum(1 for v in traject.visits if v.kind == "visit" and v.state != "cancelled")
        result[traject.id] = Shortfall(
            planned=planned,
            told=told_total(traject),
            incomplete=any(v.constraint is c.VISITS for v in mine),
            breaking=len(days),
            problems=tuple(v.message for v in mine),
        )
    return result


def _fact(sentence: object, name: str) -> object | None:
    """Give the fact `name` a sentence of the check was made of (also inside the sentences it
    is made of: "{what}: ... [leave]"), or None."""
    facts = getattr(sentence, "facts", None) or {}
    if name in facts:
        return facts[name]
    for value in facts.values():
        if isinstance(value, Sentence):
            found = _fact(value, name)
            if found is not None:
                return found
    return None


def inbox(
    records: Records,
    today: date,
    *,
    statuses: Iterable[str] = OPEN_STATUSES,
    location: str | None = None,
) -> list[InboxRow]:
    """Give the trajects with one of `statuses` (at `location`), oldest request first."""
    wanted = set(statuses)
    locations = records.location_index()
    queue = {t.id: n for n, t in enumerate(planning_queue(records, today), start=1)}
    short = shortfalls(records) if wanted & {"planned", "active"} else {}
    rows = []
    for traject in records.trajects:
        if traject.status not in wanted or (location and traject.location != location):
            continue
        found = locations.get(traject.location)
        name = found[1].name if found else traject.location
        decision, next_free, why, words = (None, None, "", "")
        age = None
        if traject.status in DECIDED_STATUSES and found:
            decision, next_free, why = request_decision(records, traject, today)
            # A paid package is paid: only where it is not sold is there something to say.
            if decision == UNAVAILABLE or (traject.is_free_offer and decision != FREE):
                asked = traject.requested_on or today
                words = why_not_free(records, traject, asked, next_free)
            if traject.requested_on:
                age = (today - traject.requested_on).days
        rows.append(
            InboxRow(
                traject,
                name,
                decision,
                next_free,
                why,
                words,
                queue.get(traject.id),
                age,
                short.get(traject.id),
            )
        )
    rows.sort(key=lambda r: (r.traject.requested_on or date.max, r.traject.id))
    return rows


def request_decision(
    records: Records, traject: Traject, today: date, *, day: date | None = None
) -> tuple[str, date | None, str]:
    """Give what a request gets on `day`, else its `requested_on`, else today: free, paid or
    unavailable, the day a free traject is possible again, and why."""
    day = day or traject.requested_on or today
    family = family_of_offer(traject.offer)
    rules = getattr(decide_location(records, traject.location, day), family).rules
    in_paid_scope = SCOPE_PAID in rules
    if not traject.is_free_offer:
        if in_paid_scope:
            return PAID, None, ""
        return UNAVAILABLE, None, "outside the area of the paid offer"
    used = _used_dates(records, traject, family, day)
    entitlement = free_entitlement(records, traject.location, family, day, used)
    if entitlement.entitled:
        return FREE, None, ""
    next_free = entitlement.next_free
    since = enforcement_from(records, traject.location, day)
    if next_free is None and since is not None:
        # Not PRIOR yet, but in enforcement from a later day (PRIOR-ENFORCEMENT): free from
        # then, when the rest (area, frequency) allows it on that day.
        used = _used_dates(records, traject, family, since)
        later = free_entitlement(records, traject.location, family, since, used)
        next_free = since if later.entitled else later.next_free
    return (PAID if in_paid_scope else UNAVAILABLE), next_free, entitlement.reason


def enforcement_from(records: Records, location_id: str, day: date) -> date | None:
    """Give the day after `day` from which the location is in enforcement (and so PRIOR,
    PRIOR-ENFORCEMENT), as the records announce it (`enforcement_since`); None when it is
    not announced or has begun already."""
    found = records.location_index().get(location_id)
    if found is None:
        return None
    location = found[1]
    since = location.enforcement_since
    return since if location.enforcement and since is not None and since > day else None


def paid_price(traject: Traject, day: date) -> Decimal:
    """Give the price of the paid package of `traject` on `day` (tariffs.toml, as the
    offerte quotes it)."""
    from mentes_cli.tariffs import package_at

    return package_at(traject.offer, day).price_eur


def free_instead(records: Records, traject: Traject, day: date) -> str | None:
    """Say, in the reader's language, that the location of a paid request may get this
    support for free (now or from a date), as `quote` warns (quote.free_offer_notice); None
    when it may not, or for a free offer."""
    from mentes_cli.quote import free_offer_entitlement, free_offer_notice, quoted_location

    found = records.location_index().get(traject.location)
    if traject.is_free_offer or found is None:
        return None
    family = family_of_offer(traject.offer)
    entitlement = free_offer_entitlement(records, traject.location, family, day)
    if entitlement is None:
        return None
    return free_offer_notice(quoted_location(*found), entitlement)


def _used_dates(records: Records, traject: Traject, family: str, day: date) -> list[date]:
    """Give the dates of the location's other trajects of `family` that use the entitlement."""
    return [
        entitlement_date(other, day)
        for other in records.trajects
        if other.id != traject.id
        and other.location == traject.location
        and uses_entitlement(other)
        and family_of_offer(other.offer) == family
    ]


def paid_alternative(records: Records, traject: Traject, day: date) -> tuple[str, Decimal] | None:
    """Give the paid package a location can choose instead of a free offer: its name in the
    reader's language and its price on `day`; None when there is none for that location.

    The catalogue names the package (offers.toml paid_alternative); where it does not
    (coaching), the package whose size band holds the location's places
    (quote.suggest_package). A package is named only where it is sold: the location lies in
    the package's paid scope on `day` (quote.outside_scope_reason, the test an offerte is
    refused with), so that no letter or message offers a package with its price to a
    location that cannot buy it.
    """
    from mentes_cli.offers import catalogue
    from mentes_cli.quote import outside_scope_reason, quoted_location, suggest_package
    from mentes_cli.tariffs import package_at

    found = records.location_index().get(traject.location)
    if found is None:
        return None
    code = catalogue().offer(traject.offer).paid_alternative
    if code is None:
        suggestion = suggest_package(found[1].places, day)
        code = suggestion.code if suggestion else None
    if code is None:
        return None
    package = package_at(code, day)
    if outside_scope_reason(quoted_location(*found), package, day) is not None:
        return None
    return catalogue().offer(code).label(), package.price_eur


def blocking_dates(records: Records, traject: Traject, day: date) -> list[date]:
    """Give the dates of the location's other trajects that keep `traject` from being free on
    `day` (the frequency rule: one free traject of a kind per period), oldest first."""
    family = family_of_offer(traject.offer)
    rule = parameters_at(day).families[family].period
    return [
        used
        for used in sorted(_used_dates(records, traject, family, day))
        if frequency(rule, [used], day) > day
    ]


def why_not_free(records: Records, traject: Traject, day: date, next_free: date | None) -> str:
    """Say in the reader's language why a request does not get its offer free on `day`.

    The engine's reason (English, for JSON) is not shown in the terminal: this sentence says
    the same from the decision's facts (PRIOR, the free area, the dates that use the
    entitlement), in Dutch or English; the day it is free again is the caller's to say.
    """
    from mentes_cli.offers import catalogue

    offers = catalogue()
    offer = offers.offer(traject.offer)
    family = offers.families[offer.family]
    location = traject.location
    if offer.paid:
        return _(
            "{location} lies outside the area where {offers} is given.",
            location=location,
            offers=family.paid_offers(),
        )
    if not decide_location(records, location, day).prior:
        since = enforcement_from(records, location, day)
        if next_free is not None and since is not None:
            return _(
                "{location} is not PRIOR on {day}; it is in enforcement from {since}, and "
                "so PRIOR from then.",
                location=location,
                day=day_text(day),
                since=day_text(since),
            )
        return _("{location} is not PRIOR on {day}.", location=location, day=day_text(day))
    if next_free is None:
        return _(
            "{location} lies outside the area where the {traject} is given.",
            location=location,
            traject=family.free_traject(),
        )
    blocking = blocking_dates(records, traject, day)
    return _(
        "{location} already has a {traject} dated {dates}.",
        location=location,
        traject=family.free_traject(),
        dates=", ".join(day_text(used) for used in blocking) or "—",
    )
