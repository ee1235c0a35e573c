"""Quotes for the paid offer (SPEC 3.4): line items, hours, price and the checks per location.

Plain functions over the price list (tariffs.toml), the centre (centre.toml) and the records;
nothing here prints. `request_for` says what a traject code asks for (a paid package, a free
offer or a custom traject); `make_quote` prices a paid package, optionally for a location.

The text fields of the JSON (a guidance's `message`, the `warnings`) are English in every
language and never go through `_()`; what a person reads in the terminal (errors, the
guidance, the free-offer notice) is written in the chosen language from the same data.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mentes_cli.errors import InputError, MentesError, ReferenceDataError, UsageError
from mentes_cli.i18n import Named, _, n_, named
from mentes_cli.offers import catalogue
from mentes_cli.reference import in_languages, load_reference
from mentes_cli.tariffs import (
    CENT,
    Package,
    canonical_code,
    package_at,
    package_codes,
    packages_at,
)

if TYPE_CHECKING:
    from mentes_cli.models import Location, Organisation, Records

CUSTOM_CODES = ("op maat", "maat", "custom")
CHECK_HINT = "mentes check-eligibility --location ID"


class QuoteRefused(MentesError):
    """A paid package cannot be quoted for this location (outside the package's paid scope)."""


@dataclass(frozen=True)
class Centre:
    """The centre that sends the quotes, from centre.toml."""

    name: str
    network: Named  # the texts an organiser reads are in each language
    address: str
    email: str
    website: str
    custom_contact: str
    quote_validity_days: int
    vat_note: Named
    acceptance: Named
    company_number: str  # ondernemingsnummer (SPEC 9); "" when not given
    vat_position: Named  # e.g. "Vrijgesteld van btw"; "" when not given
    bank_account: str  # IBAN (and BIC); "" when not given


@dataclass(frozen=True)
class Guidance:
    """What to say instead of a price: a free offer (`kind` "free") or a custom traject.

    `message` is the English sentence of the JSON; `guidance_text` gives a person's sentence
    in the chosen language from the other fields.
    """

    code: str
    kind: str  # "free" | "custom"
    message: str
    contact: str | None = None
    # A free offer: the scope where it is free and the paid packages of its family.
    scope: str | None = None
    paid_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineItem:
    """One line of a quote: the intake call, or a number of days or contact moments."""

    kind: str  # "intake" | "day" | "contact_moment"
    count: int
    hours: Decimal  # hours each

    @property
    def total_hours(self) -> Decimal:
        """Give the hours of the whole line."""
        return self.count * self.hours


@dataclass(frozen=True)
class QuotedLocation:
    """The organisation and location a quote is for, as they appear on the offerte."""

    id: str
    name: str
    organisation_id: str
    organisation_name: str
    organisation_email: str | None
    postcode: str
    municipality: str | None
    district: str | None
    places: int
    street: str | None = None  # street and number (SPEC 9)
    contact: str | None = None  # the location's contact person, else the organisation's


@dataclass(frozen=True)
class FreeEntitlement:
    """The location is entitled to a free offer of the package's family, now or from a date."""

    family: str
    offers: tuple[str, ...]
    now: bool
    next_free: date | None
    explanation: str


@dataclass(frozen=True)
class SizeSuggestion:
    """The package whose size band (tariffs.toml, an Assumption) holds the location's places."""

    code: str
    places: int
    band: tuple[int, int]


@dataclass(frozen=True)
class Quote:
    """A priced paid package as in force on `as_of`, optionally for one location."""

    number: str
    package: Package
    as_of: date
    valid_until: date
    lines: tuple[LineItem, ...]
    location: QuotedLocation | None = None
    free_entitlement: FreeEntitlement | None = None
    suggestion: SizeSuggestion | None = None
    # `quote --for NAME [--email ADDRESS]` without a location: who the offerte is for.
    for_name: str | None = None
    for_email: str | None = None

    @property
    def traject(self) -> str:
        """Give the package code (A, B, C, D, basis, vervolg)."""
        return self.package.code

    @property
    def intake_hours(self) -> Decimal:
        """Give the hours of the telephone intake call (0 when there is none)."""
        return self.package.intake_hours

    @property
    def days(self) -> int:
        """Give the number of days on location (one contact moment a day)."""
        return self.package.days

    @property
    def contact_hours(self) -> Decimal:
        """Give the hours on location, without the intake call."""
        return self.package.contact_hours

    @property
    def total_eur(self) -> Decimal:
        """Give the total price in euros, to the cent."""
        return self.package.price_eur.quantize(CENT)

    @property
    def price_per_contact_hour(self) -> Decimal:
        """Give the total divided by the contact hours, rounded half-up to the cent."""
        return self.package.price_per_contact_hour

    @property
    def warnings(self) -> tuple[str, ...]:
        """Give the warnings for the coordinator, one plain sentence each."""
        if self.free_entitlement is None or self.location is None:
            return ()
        return (free_offer_warning(self.location, self.free_entitlement),)


def centre() -> Centre:
    """Give the centre's details from centre.toml."""
    data = load_reference("centre.toml")
    try:
        validity = data["quote_validity_days"]
        if isinstance(validity, bool) or not isinstance(validity, int) or validity < 0:
            raise ReferenceDataError(
                _("centre.toml, quote_validity_days: must be a whole number of days, "
                  "got {value}", value=repr(validity))
            )  # fmt: skip

        def text(key: str, required: bool = True) -> Named:
            """Give a text the organiser reads, in each language ("" when optional and not
            given)."""
            value = data[key] if required else data.get(key, "")
            return named({"en": ""}) if value == "" else in_languages(value, "centre.toml", key)

        return Centre(
            name=str(data["name"]),
            network=text("network", required=False),
            address=str(data["address"]),
            email=str(data["email"]),
            website=str(data.get("website", "")),
            custom_contact=str(data.get("custom_contact", data["email"])),
            quote_validity_days=validity,
            vat_note=text("vat_note"),
            acceptance=text("acceptance"),
            company_number=str(data.get("company_number", "")),
            vat_position=text("vat_position", required=False),
            bank_account=str(data.get("bank_account", "")),
        )
    except KeyError as exc:
        raise ReferenceDataError(
            _("centre.toml: the field {field} is missing", field=exc.args[0])
        ) from None


def _code_key(code: str) -> str:
    return " ".join(re.sub(r"[-_]", " ", code.strip().casefold()).split())


def valid_codes() -> str:
    """Give the codes `mentes quote --traject` accepts, for messages."""
    return ", ".join([*package_codes(), *catalogue().free_codes(), '"op maat"'])


def request_for(code: str, as_of: date) -> str | Guidance:
    """Give the canonical package code `code` asks for, or the guidance for a free or custom one.

    Raises UsageError for a code that is none of these.
    """
    canonical = canonical_code(code)
    if canonical is not None:
        return canonical
    key = _code_key(code)
    if key in {_code_key(c) for c in CUSTOM_CODES} or key == "opmaat":
        return custom_guidance()
    free = next((c for c in catalogue().free_codes() if _code_key(c) == key), None)
    if free is not None:
        return free_guidance(free, as_of)
    raise UsageError(
        _("--traject {code} is not an offer; use one of {codes}", code=repr(code),
          codes=valid_codes())
    )  # fmt: skip


def custom_guidance() -> Guidance:
    """Give whom to contact for a custom (op maat) traject: mentes never invents its price."""
    contact = centre().custom_contact
    return Guidance(
        code="op maat",
        kind="custom",
        message=(
            f"A custom traject (op maat) has no listed price; mentes does not quote it. "
            f'Ask {contact} for a proposal (source: "Liever een traject op maat? Mail naar '
            f'{contact}").'
        ),
        contact=contact,
    )


def free_guidance(code: str, as_of: date) -> Guidance:
    """Give the guidance for a free offer: free for PRIOR locations, see check-eligibility."""
    from mentes_cli.regions import scope_at
    from mentes_cli.tariffs import free_offer_at

    offer = free_offer_at(code, as_of)
    scope = scope_at(offer["scope"], as_of).name
    label = catalogue().offer(code).label("en")
    family = catalogue().family_of(code)
    paid = [p.code for p in packages_at(as_of) if p.family == family.id]
    return Guidance(
        code=code,
        kind="free",
        message=(
            f"{code} ({label}) is free for PRIOR locations in {scope}; it has no price "
            f"and is not quoted. To see whether a location is entitled to it, run "
            f"`{CHECK_HINT}`. The paid {family.name('en')} is quoted with "
            f"--traject {' / '.join(paid)}."
        ),
        scope=scope,
        paid_codes=tuple(paid),
    )


def guidance_text(guidance: Guidance) -> str:
    """Give the guidance as a person reads it, in the chosen language."""
    if guidance.kind == "custom":
        return _(
            "A custom traject (op maat) has no listed price; mentes does not quote it. "
            'Ask {contact} for a proposal (source: "Liever een traject op maat? Mail naar '
            '{contact}").',
            contact=guidance.contact,
        )
    offers = catalogue()
    return _(
        "{code} ({offer}) is free for PRIOR locations in {scope}; it has no price and is not "
        "quoted. To see whether a location is entitled to it, run `{command}`. The paid "
        "{family} is quoted with --traject {codes}.",
        code=guidance.code,
        offer=offers.offer(guidance.code).label(),
        scope=guidance.scope,
        command=CHECK_HINT,
        family=offers.family_of(guidance.code).name(),
        codes="\u00a0/ ".join(guidance.paid_codes),  # no line break before a slash
    )


def quote_number(as_of: date, code: str, location_id: str | None, price: Decimal) -> str:
    """Give the quote number, derived from the date, the location and the package.

    `OFF-<yyyymmdd>-<location>-<code>-<4 hex>`: the hex digits are the start of a SHA-256
    over the same inputs and the price, so the same request gives the same number and a
    different price list gives another.
    """
    location_part = re.sub(r"[^A-Z0-9]", "", (location_id or "").upper())
    inputs = f"{as_of.isoformat()}|{location_id or ''}|{code}|{price.quantize(CENT)}"
    digest = hashlib.sha256(inputs.encode()).hexdigest()[:4].upper()
    parts = ["OFF", as_of.strftime("%Y%m%d"), location_part, code.upper(), digest]
    return "-".join(p for p in parts if p)


def line_items(package: Package) -> tuple[LineItem, ...]:
    """Give the lines of a package: the intake call, then its days or contact moments."""
    kind = catalogue().families[package.family].unit
    lines = [LineItem("intake", 1, package.intake_hours)] if package.intake_hours else []
    lines += [LineItem(kind, block.count, block.hours) for block in package.visits]
    return tuple(lines)


def suggest_package(places: int, as_of: date) -> SizeSuggestion | None:
    """Give the pedagogical-coaching package whose size band holds `places`, if any.

    "De pakketten zijn afgestemd op de grootte van een voorziening" (seed 002) gives no
    sizes: the bands are an Assumption in tariffs.toml (size_band_places).
    """
    for package in packages_at(as_of):
        band = package.size_band_places
        if band and band[0] <= places <= band[1]:
            return SizeSuggestion(package.code, places, band)
    return None


def quoted_location(organisation: Organisation, location: Location) -> QuotedLocation:
    from mentes_cli.regions import place_for_postcode

    place = place_for_postcode(location.postcode)
    return QuotedLocation(
        id=location.id,
        name=location.name,
        organisation_id=organisation.id,
        organisation_name=organisation.name,
        organisation_email=organisation.email,
        postcode=location.postcode,
        municipality=location.municipality or (place.municipality if place else None),
        district=location.district or (place.district if place else None),
        places=location.places,
        street=location.street,
        contact=location.contact or organisation.contact,
    )


def find_location(records: Records, location_id: str) -> tuple[Organisation, Location]:
    """Give the organisation and location with id `location_id`; InputError when unknown."""
    import difflib

    index = records.location_index()
    if location_id in index:
        return index[location_id]
    close = difflib.get_close_matches(location_id, list(index), n=3)
    message = n_(
        "--location {location}: no such location in the records ({count} location)",
        "--location {location}: no such location in the records ({count} locations)",
        len(index),
        location=location_id,
    )
    if close:
        message += _("; did you mean {ids}?", ids=", ".join(close))
    raise InputError(message)


def outside_scope_reason(location: QuotedLocation, package: Package, as_of: date) -> str | None:
    """Give why `package` cannot be sold to `location` (outside its paid scope), or None,
    as a person reads it."""
    from mentes_cli.regions import place_for_postcode, scope_at

    scope = scope_at(package.scope, as_of)
    place = place_for_postcode(location.postcode)
    if place is None:
        return _(
            "{id} ({name}, {postcode}): postcode {postcode} is not a Belgian postcode mentes "
            "knows, so it cannot tell whether the location lies in {scope}, where traject {code} "
            "is offered",
            id=location.id, name=location.name, postcode=location.postcode, scope=scope.name,
            code=package.code,
        )  # fmt: skip
    if scope.contains(place):
        return None
    town = place.municipality
    if place.district:
        town += ", " + _("district {district}", district=place.district)
    return _(
        "{id} ({name}, {postcode} {town}) lies outside {scope}: traject {code} is only offered "
        "there (scope {scope_id})",
        id=location.id, name=location.name, postcode=location.postcode, town=town,
        scope=scope.name, code=package.code, scope_id=package.scope,
    )  # fmt: skip


def free_offer_entitlement(
    records: Records, location_id: str, family: str, as_of: date
) -> FreeEntitlement | None:
    """Give the location's free offer of `family` when it is entitled now or from a date."""
    from mentes_cli.eligibility import decide_location

    decision = getattr(decide_location(records, location_id, as_of), family)
    offers = catalogue().of_family(family, paid=False)
    if decision.status == "free":
        return FreeEntitlement(family, offers, True, None, decision.explanation)
    if decision.next_free is not None:
        return FreeEntitlement(family, offers, False, decision.next_free, decision.explanation)
    return None


def free_offer_warning(location: QuotedLocation, entitlement: FreeEntitlement) -> str:
    """Give the warning that the location may get this support for free, in English: the
    JSON's `warnings` (a person reads `free_offer_notice`)."""
    offers = " or ".join(entitlement.offers)
    when = (
        "now"
        if entitlement.now
        else f"from {entitlement.next_free.isoformat() if entitlement.next_free else '?'}"
    )
    return (
        f"{location.id} is entitled to free {catalogue().families[entitlement.family].name('en')} "
        f"({offers}) "
        f"{when}: {entitlement.explanation}"
    )


def free_offer_notice(location: QuotedLocation, entitlement: FreeEntitlement) -> str:
    """Give the coordinator's warning that the location may get this support for free, in
    the chosen language; the eligibility command explains why."""
    from mentes_cli.i18n import day

    values = {
        "location": location.id,
        "family": catalogue().families[entitlement.family].name(),
        "offers": " / ".join(entitlement.offers),
        "command": f"mentes check-eligibility --location {location.id} --explain",
    }
    if entitlement.now or entitlement.next_free is None:
        return _(
            "{location} is entitled to free {family} ({offers}) now; `{command}` says why.",
            **values,
        )
    return _(
        "{location} is entitled to free {family} ({offers}) from {date}; `{command}` says why.",
        date=day(entitlement.next_free),
        **values,
    )


def make_quote(
    code: str,
    *,
    as_of: date,
    records: Records | None = None,
    location_id: str | None = None,
    for_name: str | None = None,
    for_email: str | None = None,
) -> Quote:
    """Give the quote for paid package `code` on `as_of`, for a location when one is given.

    Raises UsageError for a code that is not a paid package (see `request_for`), InputError
    for an unknown location and QuoteRefused when the location lies outside the package's
    paid scope (SPEC 3.2).
    """
    canonical = canonical_code(code)
    if canonical is None:
        raise UsageError(
            _("--traject {code} is not a paid package; use one of {codes}",
              code=repr(code), codes=valid_codes())
        )  # fmt: skip
    package = package_at(canonical, as_of)
    validity = timedelta(days=centre().quote_validity_days)
    quoted = entitlement = suggestion = None
    if location_id is not None:
        if records is None:
            raise UsageError(_("a quote for a location needs the records"))
        quoted = quoted_location(*find_location(records, location_id))
        entitlement = free_offer_entitlement(records, location_id, package.family, as_of)
        reason = outside_scope_reason(quoted, package, as_of)
        if reason is not None:
            if entitlement is not None:
                reason = _("{reason}. Note: {notice}", reason=reason,
                           notice=free_offer_notice(quoted, entitlement))  # fmt: skip
            raise QuoteRefused(_("cannot quote: {reason}", reason=reason))
        if package.size_band_places is not None:
            suggestion = suggest_package(quoted.places, as_of)
    return Quote(
        number=quote_number(as_of, package.code, location_id, package.price_eur),
        package=package,
        as_of=as_of,
        valid_until=as_of + validity,
        lines=line_items(package),
        location=quoted,
        free_entitlement=entitlement,
        suggestion=suggestion,
        for_name=for_name,
        for_email=for_email,
    )


# --- JSON (SPEC 4): money as numbers to the cent, whole hours as ints, fixed key order ---


def hours_value(hours: Decimal) -> int | float:
    """Give hours for JSON: an int when whole (5), else a float (2.5)."""
    return int(hours) if hours == hours.to_integral_value() else float(hours)


def money_value(amount: Decimal) -> float:
    """Give euros for JSON: a number rounded to the cent (4900.0)."""
    return float(amount.quantize(CENT))


def package_json(package: Package) -> dict[str, Any]:
    """Give a package's figures in the JSON shape of SPEC 4."""
    band = package.size_band_places
    return {
        "traject": package.code,
        "intake_hours": hours_value(package.intake_hours),
        "visits": [
            {"count": block.count, "hours": hours_value(block.hours)} for block in package.visits
        ],
        "days": package.days,
        "contact_hours": hours_value(package.contact_hours),
        "total_eur": money_value(package.price_eur),
        "price_per_contact_hour": money_value(package.price_per_contact_hour),
        "family": package.family,
        "name": package.name,
        "scope": package.scope,
        "size_band_places": list(band) if band else None,
        "includes": list(package.includes),
        "price_list_valid_from": package.valid_from.isoformat(),
    }


def quote_json(quote: Quote) -> dict[str, Any]:
    """Give a quote in the JSON shape of SPEC 4 (the package figures first)."""
    result = package_json(quote.package)
    result.update(
        quote_number=quote.number,
        as_of=quote.as_of.isoformat(),
        valid_until=quote.valid_until.isoformat(),
        location=_location_json(quote.location),
        free_offer=_entitlement_json(quote.free_entitlement),
        suggested_traject=quote.suggestion.code if quote.suggestion else None,
        warnings=list(quote.warnings),
    )
    if quote.for_name is not None:
        result["for"] = {"name": quote.for_name, "email": quote.for_email}
    return result


def _location_json(location: QuotedLocation | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {
        "id": location.id,
        "name": location.name,
        "organisation": location.organisation_id,
        "organisation_name": location.organisation_name,
        "postcode": location.postcode,
        "municipality": location.municipality,
        "district": location.district,
        "places": location.places,
    }


def _entitlement_json(entitlement: FreeEntitlement | None) -> dict[str, Any] | None:
    if entitlement is None:
        return None
    return {
        "family": entitlement.family,
        "offers": list(entitlement.offers),
        "now": entitlement.now,
        "next_free": entitlement.next_free.isoformat() if entitlement.next_free else None,
    }


def guidance_json(guidance: Guidance) -> dict[str, Any]:
    """Give the guidance for a free or custom code as JSON (no price)."""
    return {
        "traject": guidance.code,
        "quoted": False,
        "kind": guidance.kind,
        "message": guidance.message,
        "contact": guidance.contact,
    }
