"""The price list and the dated content of every offer, read from data/tariffs.toml.

Prices are Decimal euros. A package code can have several entries with their own
`valid_from`; the one in force on a date is the newest on or before it. Which codes exist,
and what each one is (family, free or paid), is the catalogue's (offers.py): an entry here
for a code the catalogue does not list as a paid package (or a free offer) is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from mentes_cli.errors import ReferenceDataError
from mentes_cli.i18n import Named, _
from mentes_cli.offers import catalogue
from mentes_cli.reference import (
    in_languages,
    load_reference,
    parameter_at,
    reference_name,
    reference_path,
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class VisitBlock:
    """A number of days (or contact moments) on location of the same length."""

    count: int
    hours: Decimal


@dataclass(frozen=True)
class Package:
    """A paid package of the price list (A, B, C, D, basis, vervolg) as in force on a date."""

    code: str
    family: str
    name: Named  # in each language; the string itself is the English
    valid_from: date
    intake_hours: Decimal
    visits: tuple[VisitBlock, ...]
    price_eur: Decimal
    scope: str
    size_band_places: tuple[int, int] | None
    includes: tuple[Named, ...]  # what the price includes, each in each language
    source: str

    @property
    def days(self) -> int:
        """Give the number of days on location (one contact moment a day)."""
        return sum(block.count for block in self.visits)

    @property
    def contact_hours(self) -> Decimal:
        """Give the hours on location, without the phone intake."""
        return sum((block.count * block.hours for block in self.visits), Decimal(0))

    @property
    def price_per_contact_hour(self) -> Decimal:
        """Give the total price divided by the contact hours, rounded half-up to the cent."""
        return (self.price_eur / self.contact_hours).quantize(CENT, rounding=ROUND_HALF_UP)


def _file() -> str:
    """Give how messages name the tariffs.toml in use (a --data copy, or mentes's own)."""
    return reference_name(reference_path("tariffs.toml"))


def _decimal(value: Any, what: str) -> Decimal:
    wrong = _(
        "{file}, {what}: must be a number, got {value}",
        file=_file(),
        what=what,
        value=repr(value),
    )
    if isinstance(value, bool):
        raise ReferenceDataError(wrong)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ReferenceDataError(wrong) from None


def _package(entry: dict[str, Any]) -> Package:
    code = entry.get("code", "?")
    where = _("package {code} valid from {day}", code=code, day=entry.get("valid_from"))
    try:
        band = entry.get("size_band_places")
        return Package(
            code=code,
            family=catalogue().offer(code).family,
            name=in_languages(entry.get("name"), f"{_file()}, {where}", "name"),
            valid_from=entry["valid_from"],
            intake_hours=_decimal(entry.get("intake_hours", 0), f"{where}, intake_hours"),
            visits=tuple(
                VisitBlock(int(block["count"]), _decimal(block["hours"], f"{where}, visits"))
                for block in entry["visits"]
            ),
            price_eur=_decimal(entry["price_eur"], f"{where}, price_eur"),
            scope=entry["scope"],
            size_band_places=(int(band[0]), int(band[1])) if band else None,
            includes=tuple(
                in_languages(item, f"{_file()}, {where}", "includes")
                for item in entry.get("includes", ())
            ),
            source=entry.get("source", ""),
        )
    except (KeyError, TypeError, IndexError, ValueError) as exc:
        raise ReferenceDataError(
            _(
                "{file}, {where}: missing or wrong field ({reason})",
                file=_file(),
                where=where,
                reason=exc,
            )
        ) from None


def package_codes() -> tuple[str, ...]:
    """Give the codes of the paid packages, in catalogue order.

    Raises ReferenceDataError when tariffs.toml prices a code that the catalogue does not
    list as a paid package.
    """
    paid = catalogue().paid_codes()
    for entry in load_reference("tariffs.toml").get("packages", []):
        if entry.get("code") not in paid:
            raise ReferenceDataError(
                _(
                    "{file}: package {code} is not a paid offer of offers.toml ({paid})",
                    file=_file(),
                    code=repr(entry.get("code")),
                    paid=", ".join(paid),
                )
            )
    return paid


def canonical_code(code: str) -> str | None:
    """Give the price-list spelling of a package code given in any case, or None."""
    wanted = code.strip().casefold()
    return next((c for c in package_codes() if c.casefold() == wanted), None)


def package_at(code: str, as_of: date) -> Package:
    """Give package `code` (any case) as in force on `as_of`; KeyError for an unknown code."""
    canonical = canonical_code(code)
    if canonical is None:
        raise KeyError(code)
    entries = [
        e for e in load_reference("tariffs.toml").get("packages", []) if e.get("code") == canonical
    ]
    if not entries:
        raise ReferenceDataError(
            _("{file}: the paid offer {code} has no [[packages]]", file=_file(), code=canonical)
        )
    return _package(
        parameter_at(
            entries,
            as_of,
            _("{file}, package {code}", file=_file(), code=canonical),
            prices=True,
        )
    )


def packages_at(as_of: date) -> list[Package]:
    """Give every paid package as in force on `as_of`, in price-list order."""
    return [package_at(code, as_of) for code in package_codes()]


def free_offer_at(code: str, as_of: date) -> dict[str, Any]:
    """Give the content of free offer `code` on `as_of`; KeyError for an unknown code."""
    if code not in catalogue().free_codes():
        raise KeyError(code)
    entries = [
        e for e in load_reference("tariffs.toml").get("free_offers", []) if e.get("code") == code
    ]
    if not entries:
        raise KeyError(code)
    return parameter_at(
        entries, as_of, _("{file}, free offer {code}", file=_file(), code=code), prices=True
    )
