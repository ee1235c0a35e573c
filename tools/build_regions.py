"""Write data/regions.toml from the 2018 Belgian postcode CSV, brought up to the 2025 map.

Usage (maintainers only; mentes itself reads data/regions.toml and never the CSV):

    python tools/build_regions.py ../shared/data/be-postcodes-2018.csv [data/regions.toml]

The CSV has one row per (postcode, municipality, sub-municipality) and one row per
language where a place has a second-language name (`Anvers` beside `Antwerpen`). This
script picks each postcode's current municipality, applies the mergers of 2019 and
2025, adds provinces, arrondissements (province of Antwerp) and Antwerp's districts,
and keeps every older, other-language and sub-municipality name as an accepted alias.

Once written, regions.toml is the coordinator's to edit; running this script again
overwrites those edits.
"""

from __future__ import annotations

import csv
import json
import sys
import tomllib
from collections import defaultdict
from datetime import date
from itertools import pairwise
from pathlib import Path

FLEMISH_PROVINCES = {"Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen"}

# Municipality names the CSV cut off at an apostrophe.
REPAIRS = {"Braine-l": "Braine-l'Alleud"}

# (year, merged municipality, the municipalities it was made of). Flemish mergers only.
MERGERS = [
    (2019, "Aalter", ["Aalter", "Knesselare"]),
    (2019, "Deinze", ["Deinze", "Nevele"]),
    (2019, "Kruisem", ["Kruishoutem", "Zingem"]),
    (2019, "Lievegem", ["Lovendegem", "Waarschoot", "Zomergem"]),
    (2019, "Oudsbergen", ["Meeuwen-Gruitrode", "Opglabbeek"]),
    (2019, "Pelt", ["Neerpelt", "Overpelt"]),
    (2019, "Puurs-Sint-Amands", ["Puurs", "Sint-Amands"]),
    (2025, "Antwerpen", ["Antwerpen", "Borsbeek"]),
    (2025, "Beveren-Kruibeke-Zwijndrecht", ["Beveren", "Kruibeke", "Zwijndrecht"]),
    (2025, "Bilzen-Hoeselt", ["Bilzen", "Hoeselt"]),
    (2025, "Hasselt", ["Hasselt", "Kortessem"]),
    (2025, "Lochristi", ["Lochristi", "Wachtebeke"]),
    (2025, "Lokeren", ["Lokeren", "Moerbeke"]),
    (2025, "Merelbeke-Melle", ["Merelbeke", "Melle"]),
    (2025, "Nazareth-De Pinte", ["Nazareth", "De Pinte"]),
    (2025, "Pajottegem", ["Galmaarden", "Gooik", "Herne"]),
    (2025, "Tessenderlo-Ham", ["Tessenderlo", "Ham"]),
    (2025, "Tielt", ["Tielt", "Meulebeke"]),
    (2025, "Tongeren-Borgloon", ["Tongeren", "Borgloon"]),
    (2025, "Wingene", ["Wingene", "Ruiselede"]),
]

# Merged municipalities that belong to another province than some of their parts.
PROVINCE_CHANGES = {"Beveren-Kruibeke-Zwijndrecht": "Oost-Vlaanderen"}  # Zwijndrecht, 2070

# The arrondissements of the province of Antwerp, 2025 map.
ARRONDISSEMENTS = {
    "Antwerpen": [
        "Aartselaar", "Antwerpen", "Boechout", "Boom", "Brasschaat", "Brecht", "Edegem",
        "Essen", "Hemiksem", "Hove", "Kalmthout", "Kapellen", "Kontich", "Lint", "Malle",
        "Mortsel", "Niel", "Ranst", "Rumst", "Schelle", "Schilde", "Schoten", "Stabroek",
        "Wijnegem", "Wommelgem", "Wuustwezel", "Zandhoven", "Zoersel",
    ],
    "Mechelen": [
        "Berlaar", "Bonheiden", "Bornem", "Duffel", "Heist-op-den-Berg", "Lier", "Mechelen",
        "Nijlen", "Putte", "Puurs-Sint-Amands", "Sint-Katelijne-Waver", "Willebroek",
    ],
    "Turnhout": [
        "Arendonk", "Baarle-Hertog", "Balen", "Beerse", "Dessel", "Geel", "Grobbendonk",
        "Herentals", "Herenthout", "Herselt", "Hoogstraten", "Hulshout", "Kasterlee",
        "Laakdal", "Lille", "Meerhout", "Merksplas", "Mol", "Olen", "Oud-Turnhout", "Ravels",
        "Retie", "Rijkevorsel", "Turnhout", "Vorselaar", "Vosselaar", "Westerlo",
    ],
}  # fmt: skip

# The ten districts of the municipality Antwerpen and their postcodes.
DISTRICTS = {
    "Antwerpen": ["2000", "2018", "2020", "2030", "2050", "2060"],
    "Berendrecht-Zandvliet-Lillo": ["2040"],
    "Borgerhout": ["2140"],
    "Borsbeek": ["2150"],
    "Deurne": ["2100"],
    "Ekeren": ["2180"],
    "Merksem": ["2170"],
    "Berchem": ["2600"],
    "Wilrijk": ["2610"],
    "Hoboken": ["2660"],
}

# Where a postcode has a name in two languages, the main name is the one with the most
# rows in the CSV (it carries the sub-municipalities). Where both have as many rows, the
# name below wins: Dutch in Flanders and Brussels, French in Wallonia.
PREFERRED_ON_TIE = {
    "Baarle-Hertog", "Bever", "Elsene", "Flobecq", "La Hulpe", "Mesen", "Oudergem", "Ronse",
    "Schaarbeek", "Sint-Agatha-Berchem", "Sint-Genesius-Rode", "Sint-Gillis",
    "Sint-Jans-Molenbeek", "Sint-Joost-ten-Node", "Sint-Lambrechts-Woluwe",
    "Sint-Pieters-Woluwe", "Spiere-Helkijn", "Ukkel", "Vorst", "Watermaal-Bosvoorde",
}  # fmt: skip

# The scopes describe today's map (SPEC 3.2: "the province as it is today"), and mentes
# applies it to earlier as-of dates too, back to 2022 when the centre's coaching offer began
# ("Sinds 2022 kunnen opvanglocaties in de provincie Antwerpen een beroep doen op
# pedagogische coaching"). A later change of map is a new [[scopes]] entry.
SCOPES_VALID_FROM = date(2022, 1, 1)
SCOPES = [
    {
        "id": "regio-antwerpen",
        "valid_from": SCOPES_VALID_FROM,
        "name": "Regio Antwerpen",
        "used_for": "free regional support (BVV)",
        "source": "table: Regio — Regio Antwerpen",
        "assumption": "the arrondissement of Antwerp (28 municipalities) until the centre edits it",
        "municipalities": ARRONDISSEMENTS["Antwerpen"],
    },
    {
        "id": "provincie-antwerpen",
        "valid_from": SCOPES_VALID_FROM,
        "name": "Provincie Antwerpen",
        "used_for": "free pedagogical coaching",
        "source": "Elke PRIOR-opvanglocatie uit de provincie Antwerpen kan gratis een traject "
        "pedagogische coaching aanvragen.",
        "provinces": ["Antwerpen"],
    },
    {
        "id": "groot-antwerpen",
        "valid_from": SCOPES_VALID_FROM,
        "name": "Groot Antwerpen",
        "used_for": "paid BVV",
        "source": "Kinderopvangvoorzieningen uit Groot Antwerpen die geen recht hebben op de "
        "gratis ondersteuning van Mentes kunnen bij het onderzoekscentrum terecht voor "
        "werkplekleren ... tegen betaling.",
        "assumption": "the ten districts of Antwerpen, until the centre edits it",
        "districts": list(DISTRICTS),
    },
    {
        "id": "antwerpen-districten",
        "valid_from": SCOPES_VALID_FROM,
        "name": "De tien districten van Antwerpen",
        "used_for": "paid pedagogical coaching (trajects A–D)",
        "source": "enkel in de tien districten van Antwerpen: Antwerpen, Hoboken, Wilrijk, "
        "Berchem, Borsbeek, Borgerhout, Deurne, Merksem, Ekeren en Berendrecht-Zandvliet-Lillo",
        "districts": list(DISTRICTS),
    },
]


def read_rows(csv_path: Path) -> tuple[list[dict[str, str]], list[str]]:
    """Give the usable CSV rows (names repaired) and a note for every row skipped."""
    rows, skipped = [], []
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            row = {k: v.strip() for k, v in row.items()}
            if not (row["postcode"].isdigit() and len(row["postcode"]) == 4):
                skipped.append(
                    f"line {line}: no postcode ({row['postcode']!r}, {row['municipality']})"
                )
            elif not row["municipality"]:
                skipped.append(f"line {line}: postcode {row['postcode']} without a municipality")
            else:
                row["municipality"] = REPAIRS.get(row["municipality"], row["municipality"])
                rows.append(row)
    return rows, skipped


def split_languages(rows: list[dict[str, str]]) -> dict[str, list[tuple[str, set[str]]]]:
    """Give, per postcode, its municipalities as (main name, other-language names).

    Two names at one postcode are one municipality in two languages when every postcode
    of one name also lists the other (Anvers/Antwerpen); otherwise they are two
    municipalities sharing the postcode (3220 Holsbeek and Lubbeek).
    """
    postcodes_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows_of: dict[tuple[str, str], int] = defaultdict(int)
    rows_at: dict[tuple[str, str, str], int] = defaultdict(int)
    names_at: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        key = (row["municipality"], row["province"])  # "Balen" is in Antwerpen and Liège
        postcodes_of[key].add(row["postcode"])
        rows_of[key] += 1
        rows_at[row["postcode"], *key] += 1
        names_at[row["postcode"]].add(key)

    def rank(key: tuple[str, str]) -> tuple[int, bool]:
        return -rows_of[key], key[0] not in PREFERRED_ON_TIE

    result = {}
    for postcode, keys in names_at.items():
        ordered = sorted(keys, key=lambda k: (*rank(k), k[0]))
        for a, b in pairwise(ordered):
            if rank(a) == rank(b) and postcodes_of[a] == postcodes_of[b]:
                sys.exit(f"postcode {postcode}: add {a[0]} or {b[0]} to PREFERRED_ON_TIE")
        municipalities: list[tuple[tuple[str, str], set[str]]] = []
        for key in ordered:
            for main, others in municipalities:
                if (
                    postcodes_of[key] <= postcodes_of[main]
                    or postcodes_of[main] <= postcodes_of[key]
                ):
                    others.add(key[0])
                    break
            else:
                municipalities.append((key, set()))
        # The municipality with the most rows at this postcode comes first (4607: Dalhem).
        weight = {
            main: sum(rows_at[postcode, n, main[1]] for n in {main[0], *others})
            for main, others in municipalities
        }
        municipalities.sort(key=lambda m: (-weight[m[0]], m[0]))
        result[postcode] = [(main[0], others) for main, others in municipalities]
    return result


def build_postcodes(rows: list[dict[str, str]]) -> dict[str, dict]:
    """Give the [postcodes] table: one entry per postcode on the 2025 map."""
    merged_into = {old: (new, year) for year, new, olds in MERGERS for old in olds}
    flemish_names = {r["municipality"] for r in rows if r["province"] in FLEMISH_PROVINCES}
    missing = set(merged_into) - flemish_names
    if missing:
        sys.exit(f"merger parts not found in the CSV: {sorted(missing)}")
    arrondissement_of = {m: arr for arr, names in ARRONDISSEMENTS.items() for m in names}
    district_of = {pc: district for district, pcs in DISTRICTS.items() for pc in pcs}

    languages = split_languages(rows)
    subs_at: dict[str, set[str]] = defaultdict(set)
    province_at: dict[str, str] = {}
    for row in rows:
        province_at[row["postcode"]] = row["province"]
        if row["submunicipality"]:
            subs_at[row["postcode"]].add(row["submunicipality"])
    # Other-language names of a municipality hold for the parts it absorbed (2150: Anvers).
    translations: dict[str, set[str]] = defaultdict(set)
    for municipalities in languages.values():
        for main, others in municipalities:
            translations[main] |= others

    def current(name: str, province: str) -> str:
        if province in FLEMISH_PROVINCES and name in merged_into:
            return merged_into[name][0]
        return name

    table = {}
    for postcode in sorted(languages):
        province = province_at[postcode]
        old_main, _ = languages[postcode][0]
        municipality = current(old_main, province)
        others = [current(m, province) for m, _ in languages[postcode][1:]]
        province = PROVINCE_CHANGES.get(municipality, province)
        district = district_of.get(postcode)
        aliases = {old_main} | subs_at[postcode] | translations[municipality]
        for main, second_language in languages[postcode]:
            aliases |= {main} | second_language
        if district:
            aliases.add(district)
        entry: dict = {"municipality": municipality}
        if others:
            entry["other_municipalities"] = sorted(set(others) - {municipality})
        if district:
            entry["district"] = district
            district_aliases = sorted(subs_at[postcode] - {district, municipality})
            if district_aliases:
                entry["district_aliases"] = district_aliases
        entry["province"] = province
        if province == "Antwerpen":
            if municipality not in arrondissement_of:
                sys.exit(f"postcode {postcode}: {municipality} has no arrondissement")
            entry["arrondissement"] = arrondissement_of[municipality]
        if aliases - {municipality, *others}:
            entry["aliases"] = sorted(aliases - {municipality, *others})
        table[postcode] = entry

    in_province = {e["municipality"] for e in table.values() if e["province"] == "Antwerpen"}
    if in_province != set(arrondissement_of):
        sys.exit(
            f"arrondissement lists differ from the CSV: {in_province ^ set(arrondissement_of)}"
        )
    return table


def toml_value(value) -> str:
    """Give `value` (str, date, list of str) written as a TOML value."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def header(skipped: list[str], csv_name: str) -> str:
    """Give the comment block that opens regions.toml."""
    lines = [
        "regions.toml — postcodes, municipalities and the geographic scopes of SPEC 3.2.",
        "",
        "This file is the coordinator's to edit. It was generated once by",
        f"tools/build_regions.py from {csv_name} (a public list of Belgian postcodes, the",
        "municipal map of 2018) and brought up to the map of 1 January 2025. Running that",
        "script again overwrites any edit made here.",
        "",
        "Changes applied to the 2018 list (Flemish mergers; the old names stay aliases):",
    ]
    lines += [f"  {year}: {' + '.join(olds)} -> {new}" for year, new, olds in MERGERS]
    lines += [
        "  2025: Beveren-Kruibeke-Zwijndrecht belongs to province Oost-Vlaanderen, so",
        "        postcode 2070 (Zwijndrecht, Burcht) is no longer in province Antwerpen.",
        "  2025: 2150 (Borsbeek) is municipality Antwerpen, district Borsbeek.",
        "Repairs of the source: 'Braine-l' -> \"Braine-l'Alleud\". Rows skipped:",
        *(f"  {s}" for s in skipped),
        "",
        "[[scopes]]: one table per scope and definition date. A scope holds a place when its",
        "province, arrondissement, (main) municipality, district or postcode is listed in",
        "`provinces`, `arrondissements`, `municipalities`, `districts` or `postcodes`; every",
        "name must be spelled as in [postcodes]. mentes uses the definition with the newest",
        "`valid_from` on or before the as-of date; there is none before the first one.",
        "",
        "[postcodes]: one entry per postcode.",
        "  municipality          the current municipality (Dutch name in Flanders and Brussels)",
        "  other_municipalities  other current municipalities sharing the postcode, if any",
        "  district              the district of Antwerpen (only for its ten districts)",
        "  district_aliases      other accepted names of that district (its sub-municipalities)",
        "  province              the province today (Brussels: Brussels Hoofdstedelijk Gewest)",
        "  arrondissement        given for the province of Antwerpen only",
        "  aliases               other accepted municipality names at this postcode: names from",
        "                        before the mergers, other-language names (Anvers) and",
        "                        sub-municipalities (deelgemeenten); a record naming one of",
        "                        them is not flagged as contradicting its postcode",
    ]
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def render(table: dict[str, dict], skipped: list[str], csv_name: str) -> str:
    """Give the full text of regions.toml."""
    out = [header(skipped, csv_name)]
    for scope in SCOPES:
        out.append("\n[[scopes]]\n")
        for key, value in scope.items():
            if isinstance(value, list) and len(value) > 4:  # one name a line, easy to edit
                items = "".join(f"    {toml_value(v)},\n" for v in value)
                out.append(f"{key} = [\n{items}]\n")
            else:
                out.append(f"{key} = {toml_value(value)}\n")
    out.append("\n[postcodes]\n")
    for postcode, entry in table.items():
        fields = ", ".join(f"{k} = {toml_value(v)}" for k, v in entry.items())
        out.append(f'"{postcode}" = {{ {fields} }}\n')
    return "".join(out)


def main(argv: list[str]) -> None:
    """Read the CSV named in argv, write regions.toml and check it parses."""
    if not 1 <= len(argv) <= 2:
        sys.exit(__doc__)
    csv_path = Path(argv[0])
    out_path = Path(argv[1]) if len(argv) == 2 else Path(__file__).parents[1] / "data/regions.toml"
    rows, skipped = read_rows(csv_path)
    table = build_postcodes(rows)
    text = render(table, skipped, csv_path.name)
    tomllib.loads(text)
    out_path.write_text(text, encoding="utf-8")
    print(f"wrote {out_path} ({len(table)} postcodes)")


if __name__ == "__main__":
    main(sys.argv[1:])
