"""Time the planner on the network year, and count what it places and what it breaks.

    python benchmarks/bench_plan.py [--data DIR] [--organisations 1350] [--seed 1]
        [--coach-fte 42] [--support-fte 27] [--start 2027-01-04] [--end 2027-12-31]
        [--runs 5] [--optimize 0] [--out FILE.json]

Without --data the record set is made by generate_network.py (same seed, same set) in a
temporary folder. Figures:

- plan time: the planner in-process (time.perf_counter), median of --runs runs, records
  already loaded; and `mentes plan --format json` as a whole process (load, plan, print);
- peak memory: the planner's own allocations (tracemalloc, one extra run) and the whole
  process's peak resident set (resource.getrusage);
- violations: what the checker finds in the plan (must be 0);
- placed / placeable: trajects placed, against those that have a feasible schedule when
  planned alone (Planner.placeable_alone), and the share of the placeable that were placed.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_network  # noqa: E402

from mentes_cli.load import DataSource, load_records  # noqa: E402
from mentes_cli.plan.check import check_plan  # noqa: E402
from mentes_cli.plan.planner import Planner, make_plan  # noqa: E402


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cli_run(data: Path, start: date, end: date) -> tuple[float, float]:
    """Give the wall time (s) and peak RSS (MB) of `mentes plan --format json` on `data`."""
    command = [
        sys.executable,
        "-m",
        "mentes_cli",
        "plan",
        "--data",
        str(data),
        "--start",
        start.isoformat(),
        "--end",
        end.isoformat(),
        "--format",
        "json",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a record folder (default: generate one)")
    parser.add_argument("--organisations", type=int, default=1350)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--coach-fte", type=float, default=generate_network.COACH_FTE)
    parser.add_argument("--support-fte", type=float, default=generate_network.SUPPORT_FTE)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2027, 1, 4))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2027, 12, 31))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--optimize",
        type=float,
        default=0.0,
        help="budget of the exact step (planning.toml's optimize_seconds is what mentes uses)",
    )
    parser.add_argument("--no-cli", action="store_true", help="skip the whole-process run")
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        data = args.data
        if data is None:
            data = generate_network.write_network(
                Path(scratch) / "network",
                args.organisations,
                args.seed,
                args.coach_fte,
                args.support_fte,
            )
        began = time.perf_counter()
        records = load_records(DataSource(data, "benchmark")).records
        load_seconds = time.perf_counter() - began

        times = []
        plan = None
        for _ in range(args.runs):
            began = time.perf_counter()
            plan = make_plan(records, start=args.start, end=args.end, optimize=args.optimize)
            times.append(time.perf_counter() - began)

        tracemalloc.start()
        make_plan(records, start=args.start, end=args.end)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        began = time.perf_counter()
        violations = check_plan(plan, records)
        check_seconds = time.perf_counter() - began

        planner = Planner(records, start=args.start, end=args.end)
        approved = planner.queue
        placeable = {t.id for t in approved if planner.placeable_alone(t)}
        unplanned = {u.traject for u in plan.unplanned}
        placed = {t.id for t in approved} - unplanned
        placed_placeable = placed & placeable

        cli_seconds = cli_peak = None
        if not args.no_cli:
            cli_seconds, cli_peak = _cli_run(data, args.start, args.end)

    locations = sum(len(o.locations) for o in records.organisations)
    figures = {
        "date": date.today().isoformat(),
        "machine": f"{_cpu()}, {platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "records": {
            "organisations": len(records.organisations),
            "locations": locations,
            "coaches": sum(c.role == "coach" for c in records.coaches),
            "coach_fte": round(sum(c.fte for c in records.coaches if c.role == "coach"), 1),
            "supporters": sum(c.role == "support" for c in records.coaches),
            "support_fte": round(sum(c.fte for c in records.coaches if c.role == "support"), 1),
            "approved": len(approved),
        },
        "window": [args.start.isoformat(), args.end.isoformat()],
        "load_seconds": round(load_seconds, 3),
        "plan_seconds_median": round(statistics.median(times), 3),
        "plan_seconds_runs": [round(t, 3) for t in times],
        "plan_peak_traced_mb": round(traced_peak / 2**20, 1),
        "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "check_seconds": round(check_seconds, 3),
        "visits": sum(v.kind == "visit" for v in plan.visits),
        "intake_calls": sum(v.kind == "intake" for v in plan.visits),
        "placed": len(placed),
        "placeable": len(placeable),
        "placed_of_placeable": len(placed_placeable),
        "placed_share_of_placeable": round(len(placed_placeable) / max(1, len(placeable)), 4),
        "violations": len(violations),
        "optimize": args.optimize,
        "optimality": plan.optimality.model_dump() if plan.optimality else None,
        "cli_seconds": None if cli_seconds is None else round(cli_seconds, 2),
        "cli_peak_rss_mb": None if cli_peak is None else round(cli_peak, 1),
    }
    text = json.dumps(figures, indent=2)
    print(text)
    for violation in violations[:20]:
        print(f"violation: {violation}", file=sys.stderr)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 1 if violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
