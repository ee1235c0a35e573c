"""Generate capacity-tight record sets: more requests than the staff can serve in the window.

    python benchmarks/generate_tight.py OUT_DIR [--requests 20] [--coaches 2] [--supporters 1]
        [--seed 1] [--history 0.5]

Every location is PRIOR (subsidy step 0 or 1) in the districts of Antwerp and open Monday to
Friday; the staff work part-time (0.3-0.5 FTE) on 2 or 3 days with a week or two of leave;
the requests mix free coaching, the paid packages A-C and BVV, asked for in the autumn of
2026, some with an earliest day or a deadline, to be planned from January to June 2027
(`START`, `END`). Two requests of one location and family are rare, so that the entitlement
rarely decides. With `--history SHARE`, that share of the locations has a done paid traject
of 2025 (package A with a coach, or a paid BVV with a supporter), which tells who served the
location before (the coach-continuity preference); the rest of the instance is the same.
The same arguments always give the same files.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_network import WEEK, write  # noqa: E402

START = date(2027, 1, 4)
END = date(2027, 6, 30)
POSTCODES = ["2000", "2018", "2020", "2030", "2050", "2060", "2100", "2140", "2170", "2600"]
OFFERS = (["coaching", "A", "B", "C"], ["bvv-basis", "bvv-vervolg"])


def generate(
    requests: int, coaches: int, supporters: int, seed: int, history: float = 0.0
) -> dict[str, dict]:
    """Give the three record documents of one tight instance (with `history`: that share of
    the locations has a done paid traject whose coach served it)."""
    rng = random.Random(seed)
    organisations = []
    for number in range(1, requests + 1):
        organisations.append(
            {
                "id": f"ORG-{number:03d}",
                "name": f"Opvang {number:03d}",
                "locations": [
                    {
                        "id": f"LOC-{number:03d}",
                        "name": f"Opvang {number:03d}",
                        "care_type": "group",
                        "subsidy_step": rng.choice([0, 1]),
                        "ikt_places": 0,
                        "places": rng.randint(10, 40),
                        "postcode": rng.choice(POSTCODES),
                        "opening_hours": "07:00-18:00",
                    }
                ],
            }
        )
    staff = []
    for role, count, prefix in (("coach", coaches, "C"), ("support", supporters, "S")):
        for number in range(1, count + 1):
            days = rng.randint(2, 3)
            leave_start = START + timedelta(days=rng.randint(0, (END - START).days - 14))
            staff.append(
                {
                    "id": f"{prefix}-{number:02d}",
                    "name": f"{role} {number}",
                    "role": role,
                    "fte": rng.choice([0.3, 0.4, 0.5]),
                    "workdays": sorted(rng.sample(WEEK, days), key=WEEK.index),
                    "leave": [
                        {"start": leave_start, "end": leave_start + timedelta(rng.randint(4, 11))}
                    ],
                }
            )
    trajects = []
    support_share = 0.3 if coaches and supporters else 0.0
    for number in range(1, requests + 1):
        family = 1 if supporters and rng.random() < support_share else 0
        if not coaches:
            family = 1
        offer = rng.choice(OFFERS[family])
        traject = {
            "id": f"T-{number:03d}",
            "location": f"LOC-{number:03d}",
            "offer": offer,
            "status": "approved",
            "requested_on": date(2026, 9, 1) + timedelta(days=rng.randint(0, 90)),
        }
        if offer == "bvv-vervolg":
            traject["contact_moments"] = rng.randint(2, 5)
        if rng.random() < 0.3:
            traject["earliest"] = START + timedelta(days=rng.randint(0, 60))
        if rng.random() < 0.3:
            traject["deadline"] = END - timedelta(days=rng.randint(0, 60))
        trajects.append(traject)
    trajects += _history(staff, requests, seed, history)
    return {
        "organisations": {"organisations": organisations},
        "coaches": {"coaches": staff},
        "trajects": {"trajects": trajects},
    }


def _history(staff: list[dict], requests: int, seed: int, share: float) -> list[dict]:
    """Give done paid trajects of 2025 at `share` of the locations (their own random stream,
    so that the requests and the staff do not change). Paid trajects use no entitlement."""
    if share <= 0:
        return []
    rng = random.Random(f"{seed}:history")
    done = []
    for number in range(1, requests + 1):
        if rng.random() >= share:
            continue
        role = rng.choice(["coach", "coach", "support"])
        people = [p for p in staff if p["role"] == role] or staff
        start = date(2025, 1, 6) + timedelta(days=rng.randint(0, 200))
        done.append(
            {
                "id": f"H-{number:03d}",
                "location": f"LOC-{number:03d}",
                "offer": "A" if people[0]["role"] == "coach" else "basis",
                "status": "done",
                "requested_on": start - timedelta(days=30),
                "start": start,
                "end": start + timedelta(days=rng.randint(40, 100)),
                "coach": rng.choice(people)["id"],
            }
        )
    return done


def write_tight(
    folder: Path, requests: int, coaches: int, supporters: int, seed: int, history: float = 0.0
) -> Path:
    """Write one tight instance into `folder` and give the folder."""
    write(folder, generate(requests, coaches, supporters, seed, history))
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--coaches", type=int, default=2)
    parser.add_argument("--supporters", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--history", type=float, default=0.0)
    args = parser.parse_args(argv)
    write_tight(args.out_dir, args.requests, args.coaches, args.supporters, args.seed, args.history)
    print(
        f"{args.out_dir}: {args.requests} requests, {args.coaches} coaches, "
        f"{args.supporters} supporters (seed {args.seed})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
