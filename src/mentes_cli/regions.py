"""Postcodes, municipalities and the geographic scopes of SPEC 3.2, read from regions.toml.

The tables are built once per loaded regions.toml (a new --data override rebuilds
them), so a lookup is a dictionary or set access. Names are compared after
`normalize_name`: case, accents, hyphens and repeated spaces do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from mentes_cli.errors import ReferenceDataError
from mentes_cli.i18n import Named, _
from mentes_cli.reference import (
    in_languages,
    load_reference,
    parameter_at,
    reference_name,
    reference_path,
)

FILE = "regions.toml"
_MEMBER_KINDS = ("provinces", "arrondissements", "municipalities", "districts", "postcodes")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a postcode lies on today's municipal map."""

    postcode: str
    municipality: str
    district: str | None
    province: str
    arrondissement: str | None
    names: frozenset[str]  # normalized accepted municipality names (current, old, French, ...)
    district_names: frozenset[str] = frozenset()  # normalized accepted names of the district
    other_municipalities: tuple[str, ...] = ()  # other current municipalities on this postcode


@dataclass(frozen=True, slots=True)
class Scope:
    """One definition of a geographic scope, in force from `valid_from`."""

    id: str
    name: Named  # in each language; the string itself is the English
    valid_from: date
    source: str
    assumption: str | None
    used_for: str
    provinces: frozenset[str] = frozenset()
    arrondissements: frozenset[str] = frozenset()
    municipalities: frozenset[str] = frozenset()
    districts: frozenset[str] = frozenset()
    postcodes: frozenset[str] = frozenset()

    def contains(self, place: Place) -> bool:
        """Give whether `place` lies in this scope."""
        return (
            place.province in self.provinces
            or place.arrondissement in self.arrondissements
            or place.municipality in self.municipalities
            or place.district in self.districts
            or place.postcode in self.postcodes
        )


@lru_cache(maxsize=8192)
def normalize_name(name: str) -> str:
    """Give `name` casefolded, without accents, with hyphens/apostrophes as single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[-'’.]", " ", bare.casefold()).split())


@dataclass
class _Tables:
    places: dict[str, Place]
    scope_entries: dict[str, list[tuple[dict[str, Any], Scope]]]
    scope_by_name: dict[str, str]  # normalized scope id -> scope id
    known_names: frozenset[str]  # normalized municipality, alias and district names
    scope_cache: dict[tuple[str, date], Scope] = field(default_factory=dict)


_built: tuple[dict[str, Any], _Tables] | None = None


def _tables() -> _Tables:
    """Give the lookup tables of the regions.toml in use, building them on first use."""
    global _built
    data = load_reference(FILE)
    built = _built
    if built is not None and built[0] is data:
        return built[1]
    _built = (data, _build(data))
    return _built[1]


def _fail(message: str) -> ReferenceDataError:
    return ReferenceDataError(f"{_file()}: {message}")


def _file() -> str:
    """Give how messages name the regions.toml in use (a --data copy, or mentes's own)."""
    return reference_name(reference_path(FILE))


def _text(entry: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(_("{where}: `{key}` must be a non-empty text", where=where, key=key))
    return value


def _texts(entry: dict[str, Any], key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(_("{where}: `{key}` must be a list of texts", where=where, key=key))
    return value


def _build_place(postcode: str, entry: Any) -> Place:
    where = f"postcodes.{postcode}"
    if not re.fullmatch(r"\d{4}", postcode):
        raise _fail(_("{where}: a postcode is four digits", where=where))
    if not isinstance(entry, dict):
        raise _fail(_("{where}: must be a table with municipality and province", where=where))
    municipality = _text(entry, "municipality", where)
    district = _text(entry, "district", where, required=False)
    others = _texts(entry, "other_municipalities", where)
    names = [municipality, *others, *_texts(entry, "aliases", where)]
    district_names = [district, *_texts(entry, "district_aliases", where)] if district else []
    return Place(
        postcode=postcode,
        municipality=municipality,
        district=district,
        province=_text(entry, "province", where),
        arrondissement=_text(entry, "arrondissement", where, required=False),
        names=frozenset(map(normalize_name, names)),
        district_names=frozenset(map(normalize_name, district_names)),
        other_municipalities=tuple(others),
    )


def _build_scope(entry: Any, index: int, known: dict[str, set[Any]]) -> Scope:
    where = f"scopes[{index + 1}]"
    if not isinstance(entry, dict):
        raise _fail(_("{where}: must be a table", where=where))
    scope_id = _text(entry, "id", where)
    where = _("scope {scope}", scope=scope_id)
    valid_from = entry.get("valid_from")
    if not isinstance(valid_from, date) or isinstance(valid_from, datetime):
        raise _fail(_("{where}: `valid_from` must be a date like 2025-01-01", where=where))
    members = {kind: frozenset(_texts(entry, kind, where)) for kind in _MEMBER_KINDS}
    for kind, values in members.items():
        unknown = sorted(values - known[kind])
        if unknown:
            raise _fail(
                _(
                    "{where}: `{kind}` names {names}, not in [postcodes]",
                    where=where,
                    kind=kind,
                    names=", ".join(unknown),
                )
            )
    if not any(members.values()):
        raise _fail(
            _("{where}: lists none of {kinds}", where=where, kinds=", ".join(_MEMBER_KINDS))
        )
    return Scope(
        id=scope_id,
        name=in_languages(entry.get("name"), f"{_file()}: {where}", "name"),
        valid_from=valid_from,
        source=_text(entry, "source", where),
        assumption=_text(entry, "assumption", where, required=False),
        used_for=_text(entry, "used_for", where),
        **members,
    )


def _build(data: dict[str, Any]) -> _Tables:
    """Give the lookup tables for the parsed regions.toml `data`."""
    postcodes = data.get("postcodes")
    if not isinstance(postcodes, dict) or not postcodes:
        raise _fail(_("the table [postcodes] is missing or empty"))
    places = {pc: _build_place(pc, entry) for pc, entry in postcodes.items()}
    scopes = data.get("scopes", [])
    if not isinstance(scopes, list):
        raise _fail(_("`scopes` must be a list of [[scopes]] tables"))
    known = {  # what a scope may list, by kind
        "provinces": {p.province for p in places.values()},
        "arrondissements": {p.arrondissement for p in places.values()},
        "municipalities": {p.municipality for p in places.values()},
        "districts": {p.district for p in places.values()},
        "postcodes": set(places),
    }
    scope_entries: dict[str, list[tuple[dict[str, Any], Scope]]] = {}
    for index, entry in enumerate(scopes):
        scope = _build_scope(entry, index, known)
        scope_entries.setdefault(scope.id, []).append((entry, scope))
    known_names = set()
    for place in places.values():
        known_names |= place.names | place.district_names
    return _Tables(
        places=places,
        scope_entries=scope_entries,
        scope_by_name={normalize_name(sid): sid for sid in scope_entries},
        known_names=frozenset(known_names),
    )


def place_for_postcode(postcode: str) -> Place | None:
    """Give the place of a Belgian postcode, or None when regions.toml does not know it."""
    return _tables().places.get(postcode.strip())


def postcodes_one_typo_away(postcode: str) -> list[str]:
    """Give the known postcodes one typo away from `postcode`: one digit changed, or two
    neighbouring digits swapped; in number order."""
    candidates = set()
    for index, digit in enumerate(postcode):
        for other in "0123456789":
            if other != digit:
                candidates.add(postcode[:index] + other + postcode[index + 1 :])
    for index in range(len(postcode) - 1):
        swapped = postcode[:index] + postcode[index + 1] + postcode[index] + postcode[index + 2 :]
        if swapped != postcode:
            candidates.add(swapped)
    return sorted(code for code in candidates if place_for_postcode(code) is not None)


def typo_places(postcodes: list[str]) -> str:
    """Give known postcodes in words, "2170 Antwerpen (district Merksem); 2180 Antwerpen
    (district Ekeren)", for a message that suggests them."""
    from mentes_cli.eligibility import place_json
    from mentes_cli.render_eligibility import place_text

    return "; ".join(place_text(place_json(code, place_for_postcode(code))) for code in postcodes)


def municipality_contradicts(place: Place, municipality: str) -> bool:
    """Give whether a record's municipality is none of the names accepted for its postcode.

    An empty municipality contradicts nothing.
    """
    return bool(municipality.strip()) and normalize_name(municipality) not in place.names


def district_contradicts(place: Place, district: str) -> bool:
    """Give whether a record's district is not the district of its postcode.

    True for any district given for a postcode outside Antwerp's districts; an empty
    district contradicts nothing.
    """
    return bool(district.strip()) and normalize_name(district) not in place.district_names


def scope_ids() -> tuple[str, ...]:
    """Give the ids of the scopes in regions.toml, in file order."""
    return tuple(_tables().scope_entries)


def scope_at(scope_id: str, as_of: date) -> Scope:
    """Give the definition of scope `scope_id` with the newest valid_from on or before as_of.

    Raises ReferenceDataError for an unknown scope or when none is in force yet.
    """
    tables = _tables()
    try:
        return tables.scope_cache[scope_id, as_of]
    except KeyError:
        pass
    entries = tables.scope_entries.get(scope_id)
    if entries is None:
        known = ", ".join(tables.scope_entries) or _("none")
        raise _fail(
            _("there is no scope {scope} (known: {known})", scope=repr(scope_id), known=known)
        )
    chosen = parameter_at(
        [entry for entry, _scope in entries],
        as_of,
        _("{file}: scope {scope}", file=_file(), scope=scope_id),
    )
    scope = next(s for e, s in entries if e is chosen)
    tables.scope_cache[scope_id, as_of] = scope
    return scope


def in_scope(place: Place, scope_id: str, as_of: date) -> bool:
    """Give whether `place` lies in scope `scope_id` as defined on `as_of`.

    For many places on one date, `scope_at(scope_id, as_of).contains(place)` is faster.
    """
    return scope_at(scope_id, as_of).contains(place)


def is_known_area(name: str) -> bool:
    """Give whether `name` is a scope id, a municipality name (current or alias) or a district."""
    tables = _tables()
    key = normalize_name(name)
    return key in tables.scope_by_name or key in tables.known_names


def serves(areas: list[str], place: Place, as_of: date) -> bool:
    """Give whether a coach with these `areas` works at `place`; no areas means everywhere.

    An area serves the place when it is a scope holding the place on `as_of`, or one of
    the names of the place's municipality or district.
    """
    if not areas:
        return True
    tables = _tables()
    for area in areas:
        key = normalize_name(area)
        scope_id = tables.scope_by_name.get(key)
        if scope_id is not None:
            if in_scope(place, scope_id, as_of):
                return True
        elif key in place.names or key in place.district_names:
            return True
    return False
