"""Compare the plan's placed count with CP-SAT's proven optimum on tight instances.

    python benchmarks/bench_optimize.py [--instances 30] [--budget 3] [--reference 60]
        [--sizes 6,30] [--out FILE.json] [--large] [--history SHARE] [--no-third]
        [--only 14,28,30] [--known EARLIER.json] [--first-seed 31]

For each generated tight instance (`generate_tight.py`: 6-30 requests, 1-3 coaches, 1
supporter, January-June 2027, seeds 1..N) it plans three times in-process:

- greedy: `make_plan(optimize=0)`;
- mentes: `make_plan(optimize=--budget)`, what `mentes plan` does by default;
- reference: `make_plan(optimize=--reference)`, a larger budget, whose proven optimum (or
  bound) is the yardstick; not run where mentes itself proved the optimum.

It prints one row per instance (placed greedy / mentes / reference, the reference's bound and
status, the checker's violations, wall seconds) and the count of instances where mentes
placed as many as the proven optimum, and where the queue preference held (mentes placed the
same set as the reference when the counts are equal). With --large it also runs the sample,
the network year (`generate_network.py`) and tight instances of 70 and 300 requests.

With --history SHARE the tight instances get done paid trajects at that share of their
locations (who served them before), so that coach continuity can be measured; with
--no-third, mentes runs without the third solver stage (continuity and balance), for the
figures before it. Each row has the continuity and the spread of hours per FTE.

--only runs the instances of those numbers alone (the same files as in a whole run); --known
takes the proven optima of an earlier --out file instead of running the reference again (each
row carries the placed sets, so the queue preference is still compared).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_network  # noqa: E402
import generate_tight  # noqa: E402

from mentes_cli.load import DataSource, load_records  # noqa: E402
from mentes_cli.plan import optimize  # noqa: E402
from mentes_cli.plan.check import check_plan  # noqa: E402
from mentes_cli.plan.planner import make_plan  # noqa: E402
from mentes_cli.reference import sample_records_dir  # noqa: E402


def _placed(plan) -> set[str]:
    unplanned = {u.traject for u in plan.unplanned}
    return {v.traject for v in plan.visits} - unplanned


def preferences(plan, records) -> dict:
    """Give the softer preferences of SPEC 5: continuity (placed trajects whose coach served
    the location before, of those at a location some coach served before) and the spread
    (population standard deviation) of visit hours per FTE over the staff."""
    served: dict[str, set[str]] = {}
    for traject in records.trajects:
        if traject.status in ("planned", "active", "done") and traject.coach:
            served.setdefault(traject.location, set()).add(traject.coach)
    coach_of = {}
    for visit in plan.visits:
        coach_of.setdefault(visit.traject, visit.coach)
    placed = _placed(plan)
    locations = {t.id: t.location for t in records.trajects}
    eligible = [t for t in placed if locations.get(t) in served]
    kept = [t for t in eligible if coach_of[t] in served[locations[t]]]
    hours: dict[str, float] = {c.id: 0.0 for c in records.coaches}
    for visit in plan.visits:
        hours[visit.coach] = hours.get(visit.coach, 0.0) + visit.hours
    per_fte = [hours[c.id] / c.fte for c in records.coaches if c.fte > 0]
    mean = sum(per_fte) / max(1, len(per_fte))
    spread = (sum((x - mean) ** 2 for x in per_fte) / max(1, len(per_fte))) ** 0.5
    return {
        "continuity": f"{len(kept)}/{len(eligible)}",
        "hours_per_fte_sd": round(spread, 1),
    }


def run_instance(folder: Path, start: date, end: date, budget: float, reference: float | None):
    """Plan one record folder three ways; give its figures (CPU seconds: the machine may be
    busy with other work)."""
    records = load_records(DataSource(folder, "benchmark")).records
    began = time.perf_counter()
    greedy = make_plan(records, start=start, end=end, optimize=0)
    greedy_seconds = time.perf_counter() - began
    began, cpu = time.perf_counter(), time.process_time()
    mentes = make_plan(records, start=start, end=end, optimize=budget)
    mentes_seconds = time.perf_counter() - began
    mentes_cpu = time.process_time() - cpu
    row = {
        "approved": sum(t.status == "approved" for t in records.trajects),
        "staff": len(records.coaches),
        "greedy": len(_placed(greedy)),
        "greedy_seconds": round(greedy_seconds, 2),
        "mentes": len(_placed(mentes)),
        "mentes_status": mentes.optimality.status if mentes.optimality else None,
        "mentes_bound": mentes.optimality.bound if mentes.optimality else None,
        "mentes_covered": mentes.optimality.covered if mentes.optimality else None,
        "mentes_seconds": round(mentes_seconds, 2),
        "mentes_cpu_seconds": round(mentes_cpu, 2),
        "violations": len(check_plan(mentes, records)),
        "mentes_set": sorted(_placed(mentes)),
        "greedy_preferences": preferences(greedy, records),
        "mentes_preferences": preferences(mentes, records),
    }
    if reference is not None and row["mentes_status"] == "optimal":
        # proved already: a larger budget cannot place more (nor prefer earlier trajects)
        row.update(
            reference=row["mentes"],
            reference_status="optimal",
            reference_bound=row["mentes_bound"],
            reference_seconds=0.0,
            same_set=True,
            reference_set=row["mentes_set"],
        )
    elif reference is not None:
        began = time.perf_counter()
        best = make_plan(records, start=start, end=end, optimize=reference)
        row.update(
            reference=len(_placed(best)),
            reference_status=best.optimality.status if best.optimality else None,
            reference_bound=best.optimality.bound if best.optimality else None,
            reference_seconds=round(time.perf_counter() - began, 2),
            same_set=_placed(best) == _placed(mentes),
            reference_set=sorted(_placed(best)),
        )
    return row


def _sum_continuity(rows: list[dict]) -> str:
    kept = total = 0
    for row in rows:
        a, b = row["mentes_preferences"]["continuity"].split("/")
        kept, total = kept + int(a), total + int(b)
    return f"{kept}/{total}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=30)
    parser.add_argument("--budget", type=float, default=3.0)
    parser.add_argument("--reference", type=float, default=60.0)
    parser.add_argument("--sizes", default="6,30")
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--history", type=float, default=0.0)
    parser.add_argument("--no-third", action="store_true")
    parser.add_argument("--only", help="comma-separated instance numbers (default: all)")
    parser.add_argument(
        "--first-seed",
        type=int,
        default=1,
        help="the generator's seed of the first instance (the sizes stay those of 1..N): "
        "--first-seed 31 gives another 30 instances, tight-31 to tight-60",
    )
    parser.add_argument(
        "--known",
        type=Path,
        help="an earlier --out file: its proven optima stand in for the reference run",
    )
    args = parser.parse_args(argv)
    if args.no_third:
        # the third stage's plan left out, the shares of the budget kept
        optimize._preferences = lambda *_args: None
    low, high = (int(x) for x in args.sizes.split(","))
    start, end = generate_tight.START, generate_tight.END
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        only = {int(x) for x in args.only.split(",")} if args.only else None
        known = {}
        if args.known:
            for row in json.loads(args.known.read_text(encoding="utf-8"))["instances"]:
                if row.get("reference_status") == "optimal":
                    known[row["instance"]] = row
        for number in range(1, args.instances + 1):
            seed = args.first_seed + number - 1
            if only is not None and seed not in only:
                continue
            requests = low + (number - 1) * (high - low) // max(1, args.instances - 1)
            coaches = max(1, requests // 12) + seed % 2
            supporters = 1
            folder = generate_tight.write_tight(
                Path(scratch) / f"tight-{seed}", requests, coaches, supporters, seed, args.history
            )
            row = {"instance": f"tight-{seed}", "requests": requests}
            earlier = known.get(row["instance"])
            row.update(
                run_instance(folder, start, end, args.budget, None if earlier else args.reference)
            )
            if earlier:
                row.update(
                    reference=earlier["reference"],
                    reference_status="optimal",
                    reference_bound=earlier["reference_bound"],
                    reference_seconds=0.0,
                    same_set=earlier.get("reference_set") == row["mentes_set"]
                    if "reference_set" in earlier
                    else None,
                    reference_set=earlier.get("reference_set"),
                )
            rows.append(row)
            print(json.dumps(row), flush=True)
        large = []
        if args.large:
            cases = [
                ("sample", sample_records_dir(), date(2027, 1, 4), date(2027, 6, 30)),
                (
                    "network year",
                    generate_network.write_network(
                        Path(scratch) / "network",
                        1350,
                        1,
                        generate_network.COACH_FTE,
                        generate_network.SUPPORT_FTE,
                    ),
                    date(2027, 1, 4),
                    date(2027, 12, 31),
                ),
                (
                    "tight 70",
                    generate_tight.write_tight(Path(scratch) / "t70", 70, 4, 2, 70),
                    start,
                    end,
                ),
                (
                    "tight 300",
                    generate_tight.write_tight(Path(scratch) / "t300", 300, 18, 10, 300),
                    start,
                    end,
                ),
            ]
            for name, folder, first, last in cases:
                row = {"instance": name}
                row.update(run_instance(folder, first, last, args.budget, None))
                large.append(row)
                print(json.dumps(row), flush=True)
    proven = [r for r in rows if r["reference_status"] == "optimal"]
    reached = [r for r in proven if r["mentes"] >= r["reference"]]
    same = [r for r in reached if r["same_set"]]
    summary = {
        "instances": len(rows),
        "history": args.history,
        "third_stage": not args.no_third,
        "continuity": _sum_continuity(rows + large),
        "mean_hours_per_fte_sd": round(
            sum(r["mentes_preferences"]["hours_per_fte_sd"] for r in rows) / max(1, len(rows)), 1
        ),
        "reference_proven_optimal": len(proven),
        "mentes_reached_the_optimum": len(reached),
        "greedy_reached_the_optimum": sum(r["greedy"] >= r["reference"] for r in proven),
        "same_set_as_reference_when_equal": len(same),
        "violations": sum(r["violations"] for r in rows + large),
        "budget": args.budget,
        "reference_budget": args.reference,
    }
    print(json.dumps(summary, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        document = {"summary": summary, "instances": rows, "large": large}
        args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 1 if summary["violations"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
