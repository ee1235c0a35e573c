"""Time the schedule workbook and the calendars of a network-sized plan.

A synthetic, deterministic plan of 6,000 visits (750 trajects of 8 visit days, a tenth of
them paid with an intake call) over 85 coaches and regional supporters and 750 locations.
The plan is not checked against the planning rules: it only has the size and shape of a
real one. Run from the repository root:

    python benchmarks/bench_export.py [--visits 6000] [--repeat 5]

Prints the median time of `write_schedule` and of `write_calendars` (perf_counter, and the
CPU time of the process, which a busy machine disturbs less), the
peak of Python allocations during one `write_schedule` (tracemalloc, measured in a separate
run because tracing slows it down) and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from mentes_cli.export.ics import write_calendars
from mentes_cli.export.schedule import write_schedule
from mentes_cli.models import Coach, Location, Organisation, Records, Traject
from mentes_cli.plan.model import Plan, Unplanned, Visit

POSTCODES = ("2000", "2018", "2060", "2100", "2140", "2600", "2610", "2660", "2800", "2300")
FIRST_NAMES = ("An", "Youssef", "Sofie", "Karen", "Tom", "Lies", "Mohamed", "Eva", "Jonas")
LAST_NAMES = ("Peeters", "Janssens", "Maes", "Benali", "Claes", "Wouters", "De Smet", "Aerts")
START = date(2027, 1, 4)  # a Monday


def synthetic(visit_count: int = 6000, coach_count: int = 85, seed: int = 7):
    """Give records and a plan of about `visit_count` visits, the same for the same seed."""
    rng = random.Random(seed)
    traject_count = visit_count // 8
    pedagogical = max(1, coach_count * 2 // 3)  # the others are regional supporters
    coaches = [
        Coach(
            id=f"C-{n:03d}",
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n}",
            role="coach" if n <= pedagogical else "support",
            fte=rng.choice((0.5, 0.6, 0.8, 1.0)),
            workdays=["mon", "tue", "wed", "thu", "fri"],
        )
        for n in range(1, coach_count + 1)
    ]
    organisations = [
        Organisation(
            id=f"ORG-{n:04d}",
            name=f"Vzw Kinderopvang {n}",
            locations=[
                Location(
                    id=f"LOC-{n:04d}",
                    name=f"Kinderdagverblijf {rng.choice(LAST_NAMES)} {n}",
                    care_type="group",
                    subsidy_step=rng.randint(0, 3),
                    ikt_places=rng.randint(0, 20),
                    places=28,
                    postcode=rng.choice(POSTCODES),
                )
            ],
        )
        for n in range(1, traject_count + 1)
    ]
    trajects, visits = [], []
    for n in range(1, traject_count + 1):
        paid = n % 10 == 0
        traject = Traject(
            id=f"T-2027-{n:04d}",
            location=f"LOC-{n:04d}",
            offer="B" if paid else "coaching",
            status="approved",
            requested_on=date(2026, 10, 1),
        )
        trajects.append(traject)
        coach = coaches[rng.randrange(pedagogical)]
        day = START + timedelta(days=rng.randrange(0, 200 // 7) * 7 + rng.randrange(5))
        if paid:
            intake_day = day - timedelta(days=3 if day.weekday() == 0 else 1)
            visits.append(
                Visit(
                    traject=traject.id,
                    location=traject.location,
                    coach=coach.id,
                    date=intake_day,
                    start="10:00",
                    hours=1,
                    kind="intake",
                )
            )
        for _ in range(8):
            visits.append(
                Visit(
                    traject=traject.id,
                    location=traject.location,
                    coach=coach.id,
                    date=day,
                    start="08:30",
                    hours=6.25,
                )
            )
            day += timedelta(days=7)
    visits.sort(key=lambda v: (v.date, v.coach, v.start))
    unplanned = [
        Unplanned(traject=f"T-2027-{n:04d}", reasons=["no coach of role coach serves 2000"])
        for n in range(1, 20)
    ]
    plan = Plan(start=START, end=START + timedelta(days=300), visits=visits, unplanned=unplanned)
    return Records(organisations=organisations, coaches=coaches, trajects=trajects), plan


def _timed(repeat: int, run) -> tuple[list[float], list[float]]:
    """Run `run` `repeat` times; give the wall-clock and the CPU seconds of each run."""
    wall, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return wall, cpu


def _summary(wall: list[float], cpu: list[float]) -> str:
    return (
        f"median {statistics.median(wall):.2f} s wall (min {min(wall):.2f}, max {max(wall):.2f}), "
        f"median {statistics.median(cpu):.2f} s CPU, {len(wall)} runs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    records, plan = synthetic(args.visits)
    print(
        f"plan: {len(plan.visits)} visits, {len(records.trajects)} trajects, "
        f"{len(records.coaches)} coaches, {len({v.coach for v in plan.visits})} with visits"
    )
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "planning.xlsx"
        wall, cpu = _timed(args.repeat, lambda: write_schedule(plan, records, target, force=True))
        print(f"write_schedule: {_summary(wall, cpu)}, {target.stat().st_size / 1024:.0f} KiB")
        calendars = Path(folder) / "ics"
        wall, cpu = _timed(
            args.repeat, lambda: write_calendars(plan, records, calendars, force=True)
        )
        print(f"write_calendars: {_summary(wall, cpu)}, {len(list(calendars.iterdir()))} files")
        tracemalloc.start()
        write_schedule(plan, records, target, force=True)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_mib = rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024
    print(f"peak Python allocations in write_schedule: {peak / 1024 / 1024:.1f} MiB")
    print(f"peak resident memory of the process: {rss_mib:.0f} MiB")


if __name__ == "__main__":
    main()
