"""Postcodes, municipalities and scopes read from data/regions.toml."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mentes_cli.errors import ReferenceDataError
from mentes_cli.reference import set_override_dir
from mentes_cli.regions import (
    Place,
    district_contradicts,
    in_scope,
    is_known_area,
    municipality_contradicts,
    place_for_postcode,
    scope_at,
    scope_ids,
    serves,
)

AS_OF = date(2025, 6, 1)
SCOPES = ("regio-antwerpen", "provincie-antwerpen", "groot-antwerpen", "antwerpen-districten")


def place(postcode: str) -> Place:
    found = place_for_postcode(postcode)
    assert found is not None, postcode
    return found


def scopes_of(p: Place) -> set[str]:
    return {s for s in SCOPES if in_scope(p, s, AS_OF)}


def test_the_four_scopes_of_the_spec_are_defined():
    assert scope_ids() == SCOPES


def test_2000_is_antwerpen_in_every_scope():
    p = place("2000")
    assert (p.municipality, p.district, p.province, p.arrondissement) == (
        "Antwerpen",
        "Antwerpen",
        "Antwerpen",
        "Antwerpen",
    )
    assert scopes_of(p) == set(SCOPES)


def test_borsbeek_is_a_district_of_antwerpen_since_2025():
    p = place("2150")
    assert (p.municipality, p.district, p.province) == ("Antwerpen", "Borsbeek", "Antwerpen")
    assert in_scope(p, "antwerpen-districten", AS_OF)
    assert not municipality_contradicts(p, "Borsbeek")


def test_zwijndrecht_moved_to_oost_vlaanderen():
    p = place("2070")
    assert (p.municipality, p.province) == ("Beveren-Kruibeke-Zwijndrecht", "Oost-Vlaanderen")
    assert p.district is None
    assert scopes_of(p) == set()
    assert not municipality_contradicts(p, "Zwijndrecht")
    assert not municipality_contradicts(p, "Burcht")


def test_turnhout_is_in_the_province_but_not_the_region():
    p = place("2300")
    assert (p.municipality, p.arrondissement) == ("Turnhout", "Turnhout")
    assert scopes_of(p) == {"provincie-antwerpen"}


def test_mechelen_is_in_arrondissement_mechelen():
    p = place("2800")
    assert (p.municipality, p.province, p.arrondissement) == ("Mechelen", "Antwerpen", "Mechelen")
    assert not municipality_contradicts(p, "Malines")
    assert scopes_of(p) == {"provincie-antwerpen"}


def test_gent_is_in_no_scope():
    p = place("9000")
    assert (p.municipality, p.province, p.arrondissement) == ("Gent", "Oost-Vlaanderen", None)
    assert scopes_of(p) == set()


@pytest.mark.parametrize("postcode", ["2870", "2890"])
def test_puurs_and_sint_amands_merged(postcode):
    assert place(postcode).municipality == "Puurs-Sint-Amands"
    assert place(postcode).arrondissement == "Mechelen"


@pytest.mark.parametrize(
    ("postcode", "municipality", "old"),
    [
        ("9850", "Deinze", "Nevele"),
        ("3720", "Hasselt", "Kortessem"),
        ("9180", "Lokeren", "Moerbeke"),
        ("9185", "Lochristi", "Wachtebeke"),
        ("8760", "Tielt", "Meulebeke"),
        ("8755", "Wingene", "Ruiselede"),
        ("9090", "Merelbeke-Melle", "Melle"),
        ("9840", "Nazareth-De Pinte", "De Pinte"),
        ("1755", "Pajottegem", "Gooik"),
        ("3945", "Tessenderlo-Ham", "Ham"),
        ("3730", "Bilzen-Hoeselt", "Hoeselt"),
        ("3840", "Tongeren-Borgloon", "Borgloon"),
        ("9910", "Aalter", "Knesselare"),
        ("9750", "Kruisem", "Zingem"),
        ("9950", "Lievegem", "Waarschoot"),
        ("3660", "Oudsbergen", "Opglabbeek"),
        ("3900", "Pelt", "Overpelt"),
    ],
)
def test_merged_municipalities_have_their_new_name_and_accept_the_old(postcode, municipality, old):
    p = place(postcode)
    assert p.municipality == municipality
    assert not municipality_contradicts(p, old)


@pytest.mark.parametrize("name", ["Berchem", "Antwerpen", "Anvers", " antwerpen ", "BERCHEM"])
def test_accepted_names_for_2600_do_not_contradict(name):
    assert not municipality_contradicts(place("2600"), name)


def test_a_name_without_accents_or_hyphens_matches():
    assert not municipality_contradicts(place("4000"), "liege")
    assert not municipality_contradicts(place("9100"), "sint niklaas")


def test_another_municipality_contradicts():
    assert municipality_contradicts(place("2600"), "Mortsel")
    assert municipality_contradicts(place("2000"), "Gent")
    assert not municipality_contradicts(place("2600"), "")


def test_districts():
    assert not district_contradicts(place("2600"), "Berchem")
    assert district_contradicts(place("2600"), "Hoboken")
    assert not district_contradicts(place("2040"), "Lillo")
    assert district_contradicts(place("2640"), "Mortsel")  # Mortsel has no districts
    assert not district_contradicts(place("2640"), "")


def test_unknown_postcode_gives_none():
    assert place_for_postcode("9999") is None
    assert place_for_postcode("abcd") is None
    assert place_for_postcode(" 2600 ") == place("2600")


@pytest.mark.parametrize(
    ("name", "known"),
    [
        ("provincie-antwerpen", True),
        ("Berchem", True),
        ("Schoten", True),
        ("Anvers", True),
        ("Berendrecht-Zandvliet-Lillo", True),
        ("nowhere", False),
    ],
)
def test_is_known_area(name, known):
    assert is_known_area(name) is known


def test_serves():
    antwerpen = place("2000")
    assert serves([], antwerpen, AS_OF)
    assert not serves(["Schoten"], antwerpen, AS_OF)
    assert serves(["Schoten", "Antwerpen"], antwerpen, AS_OF)
    assert serves(["groot-antwerpen"], antwerpen, AS_OF)
    assert not serves(["regio-antwerpen"], place("2300"), AS_OF)
    assert serves(["Berchem"], place("2600"), AS_OF)
    assert not serves(["Berchem"], place("2610"), AS_OF)


def test_scope_describes_its_source():
    scope = scope_at("regio-antwerpen", AS_OF)
    assert scope.valid_from == date(2022, 1, 1)
    assert scope.used_for == "free regional support (BVV)"
    assert scope.assumption is not None
    assert len(scope.municipalities) == 28
    assert scope_at("provincie-antwerpen", AS_OF).assumption is None


def test_scope_before_its_first_definition_is_an_error():
    # Today's map also answers for 2024 (SPEC 3.2: the province as it is today) ...
    assert scope_at("regio-antwerpen", date(2024, 12, 31)).valid_from == date(2022, 1, 1)
    # ... but not before the centre's offer began.
    with pytest.raises(ReferenceDataError, match="only from 2022-01-01, not for 2021-12-31"):
        scope_at("regio-antwerpen", date(2021, 12, 31))


def test_unknown_scope_is_an_error():
    with pytest.raises(ReferenceDataError, match="no scope 'nowhere'"):
        scope_at("nowhere", AS_OF)


def _override(tmp_path: Path, text: str) -> None:
    (tmp_path / "regions.toml").write_text(text, encoding="utf-8")
    set_override_dir(tmp_path)


POSTCODES = """
[postcodes]
"2000" = { municipality = "Antwerpen", district = "Antwerpen", province = "Antwerpen" }
"2300" = { municipality = "Turnhout", province = "Antwerpen" }
"""


def test_an_edited_scope_with_a_newer_definition_wins(tmp_path):
    _override(
        tmp_path,
        """
[[scopes]]
id = "regio-antwerpen"
valid_from = 2025-01-01
name = "Regio Antwerpen"
used_for = "free regional support (BVV)"
source = "table"
municipalities = ["Antwerpen"]

[[scopes]]
id = "regio-antwerpen"
valid_from = 2026-01-01
name = "Regio Antwerpen"
used_for = "free regional support (BVV)"
source = "table"
municipalities = ["Antwerpen", "Turnhout"]
"""
        + POSTCODES,
    )
    assert not in_scope(place("2300"), "regio-antwerpen", date(2025, 12, 31))
    assert in_scope(place("2300"), "regio-antwerpen", date(2026, 1, 1))


def test_a_scope_naming_an_unknown_municipality_is_an_error(tmp_path):
    _override(
        tmp_path,
        """
[[scopes]]
id = "regio-antwerpen"
valid_from = 2025-01-01
name = "Regio Antwerpen"
used_for = "free regional support (BVV)"
source = "table"
municipalities = ["Antwerpen", "Antwrepen"]
"""
        + POSTCODES,
    )
    with pytest.raises(ReferenceDataError, match=r"regions.toml: scope regio-antwerpen.*Antwrepen"):
        scope_ids()


def test_a_postcode_without_province_is_an_error(tmp_path):
    _override(tmp_path, '[postcodes]\n"2000" = { municipality = "Antwerpen" }\n')
    with pytest.raises(ReferenceDataError, match=r"postcodes\.2000: `province`"):
        place_for_postcode("2000")
