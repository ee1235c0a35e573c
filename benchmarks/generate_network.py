"""Write a network-scale record set (the whole Mentes network for one year) as TOML files.

    python benchmarks/generate_network.py OUT_DIR [--organisations 1350] [--seed 1]

The set follows the seed presentation: about 1,350 organisers with about 1,900 locations in
the province of Antwerp, 42 FTE pedagogical coaches and 27 FTE regional supporters (about
50 and 35 people), a history of done and active trajects, and about 750 approved trajects
asked for between September 2026 and June 2027, to be planned in 2027. The same seed always
gives the same files (a seeded `random.Random`, everything iterated in sorted order).

Postcodes are read from the package's regions.toml, so every location lies on today's map of
the province; the districts of Antwerp weigh more, as the city holds most of the places.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import tomli_w

from mentes_cli.reference import load_reference

WEEK = ["mon", "tue", "wed", "thu", "fri"]
COACH_FTE = 42.0
SUPPORT_FTE = 27.0
APPROVED_PER_ORGANISATION = 750 / 1350
YEAR_START = date(2027, 1, 4)
DOMAINS = [
    "Pedagogisch beleid",
    "Medewerkers, team en ontwikkelingsbeleid",
    "Toegankelijkheid",
    "Ondernemerschap, Organisatie en Financieel beleid",
    "Infrastructuur veiligheid en gezondheid",
    "Kwaliteitsontwikkeling",
]
THEMES = [
    "warme interacties",
    "taalstimulering",
    "zorg en welbevinden",
    "spel en exploratie",
    "communicatie met ouders",
    "educatieve ondersteuning",
]


def province_postcodes() -> tuple[list[str], list[str], list[str]]:
    """Give the province's postcodes: Antwerp's districts, the arrondissement, the rest."""
    postcodes = load_reference("regions.toml")["postcodes"]
    districts, arrondissement, other = [], [], []
    for code in sorted(postcodes):
        entry = postcodes[code]
        if entry.get("province") != "Antwerpen":
            continue
        if entry.get("district"):
            districts.append(code)
        elif entry.get("arrondissement") == "Antwerpen":
            arrondissement.append(code)
        else:
            other.append(code)
    return districts, arrondissement, other


def municipalities_by_arrondissement() -> dict[str, list[str]]:
    """Give the municipalities of each arrondissement of the province, sorted."""
    found: dict[str, set[str]] = {}
    for entry in load_reference("regions.toml")["postcodes"].values():
        if entry.get("province") == "Antwerpen" and not entry.get("district"):
            found.setdefault(entry["arrondissement"], set()).add(entry["municipality"])
    return {name: sorted(names) for name, names in sorted(found.items())}


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _location(rng: random.Random, org: int, number: int, postcodes) -> dict:
    districts, arrondissement, other = postcodes
    where = rng.random()
    pool = districts if where < 0.45 else arrondissement if where < 0.75 else other
    family = rng.random() < 0.35
    step = rng.choices([0, 1, 2, 3], weights=[10, 25, 35, 30])[0]
    places = rng.randint(4, 8) if family else rng.randint(14, 84)
    ikt = 0 if step < 2 else min(places, rng.choice([4, 8, 12, 18, 24, 36]))
    location: dict = {
        "id": f"LOC-{org:04d}-{number}",
        "name": f"{'Gezinsopvang' if family else 'Kinderopvang'} {org:04d}-{number}",
        "care_type": "family" if family else "group",
        "subsidy_step": step,
        "ikt_places": ikt,
        "places": places,
        "postcode": rng.choice(pool),
    }
    if rng.random() < 0.03:
        location["enforcement"] = True
        location["enforcement_since"] = _day(rng, date(2026, 3, 1), date(2026, 12, 1))
    if family and rng.random() < 0.4:
        location["opening_days"] = WEEK[:4]
    hours = rng.random()
    if hours < 0.75:
        location["opening_hours"] = rng.choice(["07:00-18:00", "07:30-18:00", "06:30-18:30"])
    elif hours < 0.85:
        location["opening_hours"] = "07:30-16:00"  # a family day-care that closes early
    closures = []
    if rng.random() < 0.6:
        closures.append(
            {"start": date(2026, 12, 24), "end": date(2027, 1, 1), "reason": "kerstsluiting"}
        )
    if rng.random() < 0.4:
        begin = _day(rng, date(2027, 7, 12), date(2027, 8, 2))
        closures.append(
            {"start": begin, "end": begin + timedelta(days=13), "reason": "zomersluiting"}
        )
    if closures:
        location["closures"] = closures
    return location


def _coaches(rng: random.Random, role: str, total_fte: float, prefix: str, areas_of) -> list:
    people = []
    fte_left = total_fte
    number = 0
    while fte_left > 0.05:
        number += 1
        fte = min(fte_left, rng.choice([0.5, 0.6, 0.8, 0.8, 0.9, 1.0, 1.0]))
        fte = round(fte, 1)
        days = max(2, min(5, round(fte * 5)))
        workdays = sorted(rng.sample(WEEK, days), key=WEEK.index) if days < 5 else list(WEEK)
        leave = []
        for _ in range(rng.randint(1, 4)):
            begin = _day(rng, date(2027, 1, 4), date(2027, 12, 10))
            leave.append({"start": begin, "end": begin + timedelta(days=rng.randint(2, 11))})
        leave.sort(key=lambda period: period["start"])
        person = {
            "id": f"{prefix}-{number:02d}",
            "name": f"{'Coach' if role == 'coach' else 'Ondersteuner'} {number:02d}",
            "role": role,
            "fte": fte,
            "workdays": workdays,
            "areas": areas_of(rng),
            "leave": leave,
        }
        if rng.random() < 0.1:
            person["max_hours_per_day"] = 7.25
        people.append(person)
        fte_left -= fte
    return people


def generate(
    organisations: int,
    seed: int,
    coach_fte: float = COACH_FTE,
    support_fte: float = SUPPORT_FTE,
) -> dict[str, dict]:
    """Give the three record documents (organisations, coaches, trajects) for TOML.

    Each part draws from its own seeded stream, so a different --coach-fte changes the staff
    and nothing else: the same locations, history dates and requests.
    """
    rng = random.Random(f"{seed}:locations")
    postcodes = province_postcodes()
    arrondissements = municipalities_by_arrondissement()
    districts = load_reference("regions.toml")["postcodes"]

    orgs = []
    locations = []
    for org in range(1, organisations + 1):
        count = rng.choices([1, 2, 3, 4, 6], weights=[76, 14, 5, 3, 2])[0]
        own = [_location(rng, org, number, postcodes) for number in range(1, count + 1)]
        record = {"id": f"ORG-{org:04d}", "name": f"Organisator {org:04d}", "locations": own}
        if rng.random() < 0.05:
            record["prior"] = rng.random() < 0.5
        orgs.append(record)
        locations.extend(own)

    def coach_areas(rng: random.Random) -> list[str]:
        pick = rng.random()
        if pick < 0.55:
            return ["provincie-antwerpen"]
        if pick < 0.8:
            return ["antwerpen-districten"]
        name = rng.choice(sorted(arrondissements))
        names = arrondissements[name]
        return rng.sample(names, min(len(names), rng.randint(4, 10)))

    def support_areas(rng: random.Random) -> list[str]:
        return ["regio-antwerpen"] if rng.random() < 0.85 else []

    staff = random.Random(f"{seed}:staff")
    coaches = _coaches(staff, "coach", coach_fte, "C", coach_areas)
    supporters = _coaches(staff, "support", support_fte, "S", support_areas)
    rng = random.Random(f"{seed}:trajects")
    who = random.Random(f"{seed}:history-coach")

    def in_district(location: dict) -> bool:
        return bool(districts[location["postcode"]].get("district"))

    def in_region(location: dict) -> bool:
        return districts[location["postcode"]].get("arrondissement") == "Antwerpen"

    organisation_of = {loc["id"]: org for org in orgs for loc in org["locations"]}
    ikt_total = {org["id"]: sum(loc["ikt_places"] for loc in org["locations"]) for org in orgs}

    def prior(location: dict) -> bool:
        org = organisation_of[location["id"]]
        if "prior" in org:
            return org["prior"]
        return (
            location["subsidy_step"] < 2
            or ikt_total[org["id"]] <= 18
            or location.get("enforcement", False)
        )

    trajects = []
    number = 0
    # History: done and active trajects of the last two years, with their coach.
    for location in locations:
        if rng.random() >= 0.3:
            continue
        number += 1
        coaching = rng.random() < 0.6
        start = _day(rng, date(2024, 9, 1), date(2026, 10, 1))
        status = "active" if start > date(2026, 8, 1) else "done"
        item = {
            "id": f"H-{number:05d}",
            "location": location["id"],
            "offer": ("coaching" if prior(location) else "C")
            if coaching
            else ("bvv-basis" if prior(location) else "basis"),
            "status": status,
            "start": start,
            "coach": who.choice(coaches if coaching else supporters)["id"],
        }
        if status == "done":
            item["end"] = start + timedelta(days=rng.randint(40, 120))
        trajects.append(item)

    # Approved requests: about 750, at most one per location. The coordinators approve what
    # a location may have (free when PRIOR in the free scope, paid in the paid scope), and
    # now and then (3 %) a request that will turn out not to be entitled.
    wanted = round(organisations * APPROVED_PER_ORGANISATION)
    pool = sorted(locations, key=lambda loc: loc["id"])
    rng.shuffle(pool)
    chosen = []
    for location in pool:
        if len(chosen) == wanted:
            break
        coaching = rng.random() < 0.55
        options = []
        if coaching:
            if prior(location):
                options.append("coaching")
            if in_district(location):
                options.extend(["A", "B", "C", "D"])
        else:
            if prior(location) and in_region(location):
                options.extend(["bvv-basis", "bvv-basis", "bvv-vervolg"])
            if in_district(location):
                options.extend(["basis", "vervolg"])
        if not options:
            if rng.random() >= 0.03:
                continue
            options = ["coaching" if coaching else "bvv-basis"]
        chosen.append((location, rng.choice(options)))
    chosen.sort(key=lambda pair: pair[0]["id"])
    for index, (location, offer) in enumerate(chosen, start=1):
        requested = _day(rng, date(2026, 9, 1), date(2027, 6, 30))
        item = {
            "id": f"T-{index:05d}",
            "location": location["id"],
            "offer": offer,
            "status": "approved",
            "requested_on": requested,
        }
        if offer in ("bvv-basis", "bvv-vervolg", "basis", "vervolg"):
            item["domains"] = rng.sample(DOMAINS, rng.randint(1, 2))
        else:
            item["theme"] = rng.choice(THEMES)
        if offer == "bvv-vervolg":
            item["contact_moments"] = rng.randint(2, 5)
        earliest = max(YEAR_START, requested + timedelta(days=rng.randint(14, 45)))
        if rng.random() < 0.7:
            item["earliest"] = earliest
        if rng.random() < 0.2:
            item["deadline"] = earliest + timedelta(days=rng.randint(120, 200))
        trajects.append(item)

    return {
        "organisations": {"organisations": orgs},
        "coaches": {"coaches": coaches + supporters},
        "trajects": {"trajects": trajects},
    }


def write(folder: Path, documents: dict[str, dict]) -> None:
    """Write each document as folder/NAME.toml."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in documents.items():
        (folder / f"{name}.toml").write_bytes(tomli_w.dumps(document).encode("utf-8"))


def write_network(
    folder: Path,
    organisations: int = 1350,
    seed: int = 1,
    coach_fte: float = COACH_FTE,
    support_fte: float = SUPPORT_FTE,
) -> Path:
    """Generate the network and write its record files into `folder`; give `folder`."""
    write(folder, generate(organisations, seed, coach_fte, support_fte))
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder to write the TOML files into")
    parser.add_argument("--organisations", type=int, default=1350)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--coach-fte", type=float, default=COACH_FTE, help="FTE of pedagogical coaches (42)"
    )
    parser.add_argument(
        "--support-fte", type=float, default=SUPPORT_FTE, help="FTE of regional supporters (27)"
    )
    args = parser.parse_args(argv)
    documents = generate(args.organisations, args.seed, args.coach_fte, args.support_fte)
    write(args.out_dir, documents)
    locations = sum(len(o["locations"]) for o in documents["organisations"]["organisations"])
    people = documents["coaches"]["coaches"]
    approved = sum(1 for t in documents["trajects"]["trajects"] if t["status"] == "approved")
    coach_fte = sum(p["fte"] for p in people if p["role"] == "coach")
    support_fte = sum(p["fte"] for p in people if p["role"] == "support")
    print(
        f"{args.out_dir}: {args.organisations} organisations, {locations} locations, "
        f"{sum(p['role'] == 'coach' for p in people)} coaches ({coach_fte:.1f} FTE), "
        f"{sum(p['role'] == 'support' for p in people)} supporters ({support_fte:.1f} FTE), "
        f"{len(documents['trajects']['trajects'])} trajects of which {approved} approved",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
