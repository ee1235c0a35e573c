"""The catalogue of offers (SPEC 3.4): what each offer is, read once from data/offers.toml.

One model for every module that needs to know about offers: the records (which codes a
traject may have, which fields fit it), the workbook loader (the words a coordinator types),
the quote (free or paid, the family, day or contact moment), the exports (labels in Dutch
and English) and the planner (role, least gap, the shape of the visits). No module keeps a
list of offer codes of its own: a new package is a data edit.

What an offer is does not change with a price list; what it costs and how many hours it
takes does, and is dated in tariffs.toml (`tariffs.package_at`, `tariffs.free_offer_at`).
`Catalogue.visits_at` reads both into one answer: the visits of an offer on a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from mentes_cli.errors import ReferenceDataError
from mentes_cli.i18n import _
from mentes_cli.reference import load_reference

FILE = "offers.toml"
LANGUAGES = ("nl", "en")
UNITS = ("day", "contact_moment")
VISIT_SHAPES = ("blocks", "spread")
_FAMILY_KEYS = {"name", "title", "unit", "domains", "free_traject", "paid_offers"}
_OFFER_KEYS = {
    "code",
    "family",
    "paid",
    "role",
    "gap",
    "visits",
    "contact_moments",
    "label",
    "words",
    "paid_alternative",
}


def _fold(text: str) -> str:
    """Give a word as it is compared: casefolded, trimmed, spaces as one."""
    return " ".join(text.casefold().split())


def _in_language(names: dict[str, str], language: str | None) -> str:
    if language is None:
        from mentes_cli.i18n import language as current

        language = current()
    return names.get(language) or names["en"]


@dataclass(frozen=True)
class Family:
    """An offer family of SPEC 3.5: regional support or pedagogical coaching."""

    id: str
    names: dict[str, str]  # language -> name in a sentence
    titles: dict[str, str]  # language -> name as a heading
    unit: str  # "day" | "contact_moment": what one visit on location is called
    domains: bool  # whether its trajects may list the BVV domains
    free_traject_names: dict[str, str]  # language -> "free coaching traject"
    paid_offers_names: dict[str, str]  # language -> "paid coaching A–D"

    def name(self, language: str | None = None) -> str:
        """Give the family's name in `language` (nl, en; default the user's language)."""
        return _in_language(self.names, language)

    def title(self, language: str | None = None) -> str:
        """Give the family's name as a heading ("Pedagogical coaching") in `language`."""
        return _in_language(self.titles, language)

    def free_traject(self, language: str | None = None) -> str:
        """Give how a sentence names one free traject of the family ("free BVV traject")."""
        return _in_language(self.free_traject_names, language)

    def paid_offers(self, language: str | None = None) -> str:
        """Give how a sentence names the family's paid packages ("paid coaching A–D")."""
        return _in_language(self.paid_offers_names, language)


@dataclass(frozen=True)
class Offer:
    """One offer code and what it is; its price and hours are dated in tariffs.toml."""

    code: str
    family: str
    paid: bool
    role: str  # "coach" | "support"
    gap: str  # key of planning.toml [min_gap_days]
    visits: str  # "blocks" | "spread"
    contact_moments: tuple[int, int] | None  # the range a traject may choose, if it may
    labels: dict[str, str]  # language -> label
    words: tuple[str, ...]  # other spellings accepted in a workbook
    # The paid package a location may buy instead of this free offer (same family); None
    # when the package is chosen otherwise (coaching: by the location's size band).
    paid_alternative: str | None = None

    @property
    def free(self) -> bool:
        """Give whether the offer is free for PRIOR locations (it uses an entitlement)."""
        return not self.paid

    def label(self, language: str | None = None) -> str:
        """Give the offer's short name in `language` (nl, en; default the user's language)."""
        return _in_language(self.labels, language)


@dataclass(frozen=True)
class VisitShape:
    """The visits an offer takes on a date: fixed blocks, or hours spread over days.

    `blocks` is ((count, hours), ...) in the price list's order; a spread offer has
    `spread_hours` over one of `spread_days` days (the preferred number first).
    """

    intake_hours: Decimal
    blocks: tuple[tuple[int, Decimal], ...] = ()
    spread_hours: Decimal | None = None
    spread_days: tuple[int, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """Every offer and family of offers.toml, in file order."""

    families: dict[str, Family]
    offers: dict[str, Offer]
    data: dict[str, Any]

    # -- codes --

    def codes(self) -> tuple[str, ...]:
        """Give every offer code, in catalogue order (the free offers first)."""
        return tuple(self.offers)

    def free_codes(self) -> tuple[str, ...]:
        """Give the codes of the free offers."""
        return tuple(code for code, offer in self.offers.items() if not offer.paid)

    def paid_codes(self) -> tuple[str, ...]:
        """Give the codes of the paid packages."""
        return tuple(code for code, offer in self.offers.items() if offer.paid)

    def of_family(self, family: str, *, paid: bool | None = None) -> tuple[str, ...]:
        """Give the codes of `family`, only the paid or the free ones when `paid` says so."""
        return tuple(
            code
            for code, offer in self.offers.items()
            if offer.family == family and (paid is None or offer.paid == paid)
        )

    def is_code(self, code: Any) -> bool:
        """Give whether `code` is an offer code, exactly as written."""
        return isinstance(code, str) and code in self.offers

    # -- one offer --

    def offer(self, code: str) -> Offer:
        """Give the offer with code `code`; KeyError for an unknown code."""
        return self.offers[code]

    def family_of(self, code: str) -> Family:
        """Give the family of offer `code`; KeyError for an unknown code."""
        return self.families[self.offers[code].family]

    def find(self, word: str) -> Offer | None:
        """Give the offer a coordinator means by `word`: its code in any case, or one of
        its words ("BVV basis", "pedagogische coaching"); None when there is none."""
        return self._words().get(_fold(word))

    def words(self) -> dict[str, str]:
        """Give every accepted spelling (folded) with the code it means."""
        return {word: offer.code for word, offer in self._words().items()}

    def _words(self) -> dict[str, Offer]:
        found: dict[str, Offer] = {}
        for offer in self.offers.values():
            for word in (offer.code, *offer.words):
                found.setdefault(_fold(word), offer)
        return found

    def gap_days(self, code: str) -> int:
        """Give the least number of days between two visits of a traject of offer `code`
        (planning.toml [min_gap_days], under the offer's gap key; the planner's settings are
        the one place that reads them)."""
        from mentes_cli.plan.settings import load_settings

        return load_settings().gap_for(code)

    def visits_at(self, code: str, as_of: date, contact_moments: int | None = None) -> VisitShape:
        """Give the visits of offer `code` as tariffs.toml has them on `as_of`.

        `contact_moments` is a traject's own choice, for an offer that lets it choose.
        """
        from mentes_cli.tariffs import free_offer_at, package_at

        offer = self.offers[code]
        if offer.paid:
            package = package_at(code, as_of)
            return VisitShape(
                package.intake_hours, tuple((b.count, b.hours) for b in package.visits)
            )
        content = free_offer_at(code, as_of)
        where = f"tariffs.toml, free offer {code}"
        if offer.visits == "spread":
            days = content.get("days")
            if not isinstance(days, list) or not days:
                raise ReferenceDataError(
                    _("{where}: days must be a list such as [8, 7]", where=where)
                )
            return VisitShape(
                Decimal(0),
                spread_hours=_decimal(content.get("hours"), f"{where}, hours"),
                spread_days=tuple(int(d) for d in days),
            )
        count = contact_moments or content.get("contact_moments_default")
        count = count or content.get("contact_moments")
        if isinstance(count, bool) or not isinstance(count, int):
            raise ReferenceDataError(
                _("{where}: contact_moments must be a whole number", where=where)
            )
        hours = _decimal(content.get("hours_per_moment"), f"{where}, hours_per_moment")
        return VisitShape(Decimal(0), ((count, hours),))


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ReferenceDataError(
            _("{where}: must be a number, got {value}", where=where, value=repr(value))
        )
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise ReferenceDataError(
            _("{where}: must be a number, got {value}", where=where, value=repr(value))
        ) from None


_cache: Catalogue | None = None


def catalogue() -> Catalogue:
    """Give the catalogue of offers.toml (the --data folder's copy first), read once."""
    global _cache
    data = load_reference(FILE)
    if _cache is not None and _cache.data is data:
        return _cache
    _cache = _read(data)
    return _cache


def _error(message: str) -> ReferenceDataError:
    return ReferenceDataError(f"{FILE}: {message}")


def _names(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(language), str) and value[language].strip() for language in LANGUAGES
    ):
        raise _error(
            _("{where} must give a text for each of {languages}", where=where,
              languages=", ".join(LANGUAGES))
        )  # fmt: skip
    return {language: value[language] for language in LANGUAGES}


def _unknown_keys(entry: dict[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(entry) - known)
    if unknown:
        raise _error(
            _("{where}: unknown key {keys} (known: {known})", where=where,
              keys=", ".join(unknown), known=", ".join(sorted(known)))
        )  # fmt: skip


def _read(data: dict[str, Any]) -> Catalogue:
    from mentes_cli.models import ROLES

    raw_families = data.get("families")
    if not isinstance(raw_families, dict) or not raw_families:
        raise _error(_("the tables [families.<id>] are missing"))
    families: dict[str, Family] = {}
    for family_id, entry in raw_families.items():
        where = f"[families.{family_id}]"
        if not isinstance(entry, dict):
            raise _error(_("{where} must be a table", where=where))
        _unknown_keys(entry, _FAMILY_KEYS, where)
        if entry.get("unit") not in UNITS:
            raise _error(
                _("{where} unit must be {units}, got {value}", where=where,
                  units=" or ".join(UNITS), value=repr(entry.get("unit")))
            )  # fmt: skip
        if not isinstance(entry.get("domains", False), bool):
            raise _error(_("{where} domains must be true or false", where=where))
        families[family_id] = Family(
            family_id, _names(entry.get("name"), f"{where} name"),
            _names(entry.get("title"), f"{where} title"), entry["unit"],
            entry.get("domains", False),
            _names(entry.get("free_traject"), f"{where} free_traject"),
            _names(entry.get("paid_offers"), f"{where} paid_offers"),
        )  # fmt: skip
    raw_offers = data.get("offers")
    if not isinstance(raw_offers, list) or not raw_offers:
        raise _error(_("there are no [[offers]]"))
    offers: dict[str, Offer] = {}
    folded: dict[str, str] = {}
    for number, entry in enumerate(raw_offers, start=1):
        offers_entry = _offer(entry, number, families, ROLES)
        for word in (offers_entry.code, *offers_entry.words):
            other = folded.setdefault(_fold(word), offers_entry.code)
            if other != offers_entry.code or offers_entry.code in offers:
                raise _error(
                    _("offer {code}: {word} is already the code or a word of offer {other}",
                      code=offers_entry.code, word=repr(word), other=other)
                )  # fmt: skip
        offers[offers_entry.code] = offers_entry
    for offer in offers.values():
        other = offers.get(offer.paid_alternative) if offer.paid_alternative else None
        if offer.paid_alternative is not None and (
            offer.paid or other is None or not other.paid or other.family != offer.family
        ):
            raise _error(
                _("offer {code}: paid_alternative must be a paid offer of the same family, "
                  "and only a free offer has one; got {value}",
                  code=offer.code, value=repr(offer.paid_alternative))
            )  # fmt: skip
    return Catalogue(families, offers, data)


def _offer(entry: Any, number: int, families: dict[str, Family], roles: tuple[str, ...]) -> Offer:
    where = f"offer {number}"
    if not isinstance(entry, dict):
        raise _error(_("{where} must be a table", where=where))
    code = entry.get("code")
    if not isinstance(code, str) or not code.strip() or code != code.strip():
        raise _error(
            _("{where}: code must be a text without surrounding spaces, got {code}",
              where=where, code=repr(code))
        )  # fmt: skip
    where = f"offer {code}"
    _unknown_keys(entry, _OFFER_KEYS, where)
    if entry.get("family") not in families:
        raise _error(
            _("{where}: family must be one of {families}, got {value}", where=where,
              families=", ".join(families), value=repr(entry.get("family")))
        )  # fmt: skip
    if not isinstance(entry.get("paid"), bool):
        raise _error(_("{where}: paid must be true or false", where=where))
    if entry.get("role") not in roles:
        raise _error(
            _("{where}: role must be {roles}, got {value}", where=where,
              roles=" or ".join(roles), value=repr(entry.get("role")))
        )  # fmt: skip
    if not isinstance(entry.get("gap"), str):
        raise _error(_("{where}: gap must name a key of planning.toml [min_gap_days]", where=where))
    if entry.get("visits") not in VISIT_SHAPES:
        raise _error(
            _("{where}: visits must be {shapes}, got {value}", where=where,
              shapes=" or ".join(VISIT_SHAPES), value=repr(entry.get("visits")))
        )  # fmt: skip
    moments = entry.get("contact_moments")
    if moments is not None and not (
        isinstance(moments, list)
        and len(moments) == 2
        and all(isinstance(m, int) and not isinstance(m, bool) for m in moments)
        and 1 <= moments[0] <= moments[1]
    ):
        raise _error(
            _("{where}: contact_moments must be [least, most], such as [2, 5]", where=where)
        )
    words = entry.get("words", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise _error(_("{where}: words must be a list of texts", where=where))
    alternative = entry.get("paid_alternative")
    if alternative is not None and not isinstance(alternative, str):
        raise _error(_("{where}: paid_alternative must be an offer code", where=where))
    return Offer(
        code=code,
        family=entry["family"],
        paid=entry["paid"],
        role=entry["role"],
        gap=entry["gap"],
        visits=entry["visits"],
        contact_moments=(moments[0], moments[1]) if moments else None,
        labels=_names(entry.get("label"), f"{where}: label"),
        words=tuple(words),
        paid_alternative=alternative,
    )
