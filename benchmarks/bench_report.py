"""Time `mentes report` (SPEC 10) on the network records and on a set ten times larger.

    python benchmarks/bench_report.py [--seed 1] [--runs 5] [--no-plan] [--no-xlsx]
        [--out FILE.json]

The record sets are made by generate_network.py in a temporary folder: the network (1,350
organisations, 42 FTE coaches, 27 FTE supporters) and a Flanders-wide set ten times larger
(13,500 organisations, 420 and 270 FTE). Figures:

- command: `mentes report --year 2027 --data DIR --format json` as its own process, median
  of --runs runs (wall seconds: loading the records, the report, the JSON), and its peak
  resident memory; the same with `--output report.xlsx` (the workbook with its charts) and
  with `--plan` (the fast planner's plan of the approved trajects counted as booked);
- engine: `report.make_report` in-process on loaded records, median of --runs runs;
- limits: whether the 10x set as a records workbook, and the 10x report workbook, pass the
  checks of data/limits.toml that `--data FILE.xlsx` applies before reading a workbook.

Issue 15 asks: the network in well under 2 s, the 10x set in under 10 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_network  # noqa: E402
from bench_startup import MENTES, _run, bench_env, machine, timed  # noqa: E402

from mentes_cli.errors import InputError  # noqa: E402
from mentes_cli.load import DataSource, load_records  # noqa: E402
from mentes_cli.report import make_report, year_period  # noqa: E402

SETS = {
    "network": {"organisations": 1350, "coach_fte": 42.0, "support_fte": 27.0},
    "10x": {"organisations": 13500, "coach_fte": 420.0, "support_fte": 270.0},
}


def command(argv: list[str], runs: int) -> dict[str, float]:
    """Give the median wall seconds and the highest peak memory of `runs` runs of `argv`."""
    env = bench_env()
    walls, cpus, peaks = [], [], []
    for _ in range(runs):
        wall, cpu, peak = _run(argv, env)
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
    # CPU seconds too: on a shared machine the wall time swells with other people's work.
    return {
        "median_s": statistics.median(walls),
        "best_s": min(walls),
        "cpu_median_s": statistics.median(cpus),
        "peak_rss_mb": max(peaks),
    }


def limits_check(path: Path) -> str:
    """Give "ok" when the workbook passes data/limits.toml's checks, else the message."""
    from mentes_cli.load.excel_records import read_workbook_bytes

    try:
        read_workbook_bytes(path)
    except InputError as exc:
        return str(exc)
    return "ok"


def measure(name: str, folder: Path, args, scratch: Path) -> dict:
    base = [MENTES, "report", "--year", "2027", "--data", str(folder), "--format", "json"]
    figures: dict = {"json": command(base, args.runs)}
    if not args.no_xlsx:
        target = scratch / f"report-{name}.xlsx"
        figures["xlsx"] = command([*base, "--output", str(target), "--force"], args.runs)
        figures["xlsx"]["bytes"] = target.stat().st_size
        figures["xlsx"]["limits"] = limits_check(target)
    if not args.no_plan:
        figures["plan"] = command([*base, "--plan"], 1)
    records = load_records(DataSource(folder, "benchmark")).records
    period = year_period(2027)
    make_report(records, period)  # reference data parsed once
    figures["engine"] = timed(args.runs, lambda: make_report(records.model_copy(), period))
    figures["locations"] = len(records.locations())
    figures["coaches"] = len(records.coaches)
    figures["trajects"] = len(records.trajects)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-plan", action="store_true", help="skip the --plan runs")
    parser.add_argument("--no-xlsx", action="store_true", help="skip the workbook runs")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    results: dict = {"machine": machine(), "date": date.today().isoformat(), "sets": {}}
    with tempfile.TemporaryDirectory(prefix="mentes-bench-report-") as scratch:
        scratch_dir = Path(scratch)
        for name, shape in SETS.items():
            folder = generate_network.write_network(scratch_dir / name, seed=args.seed, **shape)
            began = time.perf_counter()
            figures = measure(name, folder, args, scratch_dir)
            figures["bench_s"] = time.perf_counter() - began
            if name == "10x":
                from mentes_cli.export.records_xlsx import write_records_workbook

                records = load_records(DataSource(folder, "benchmark")).records
                workbook = scratch_dir / "records-10x.xlsx"
                write_records_workbook(records, workbook)
                figures["records_xlsx_bytes"] = workbook.stat().st_size
                figures["records_xlsx_limits"] = limits_check(workbook)
            results["sets"][name] = figures
            engine = figures["engine"]
            line = (
                f"{name}: {figures['locations']} locations, {figures['coaches']} staff, "
                f"{figures['trajects']} trajects | command --format json "
                f"{figures['json']['median_s']:.2f} s (best {figures['json']['best_s']:.2f} s, "
                f"CPU {figures['json']['cpu_median_s']:.2f} s), "
                f"peak {figures['json']['peak_rss_mb']:.0f} MB | engine "
                f"{engine['median']:.2f} s (CPU {engine['cpu_median']:.2f} s)"
            )
            if "xlsx" in figures:
                xlsx = figures["xlsx"]
                line += (
                    f" | --output {xlsx['median_s']:.2f} s (CPU {xlsx['cpu_median_s']:.2f} s), "
                    f"{xlsx['bytes'] / 1e6:.1f} MB, "
                    f"peak {xlsx['peak_rss_mb']:.0f} MB, limits: {xlsx['limits']}"
                )
            if "plan" in figures:
                plan = figures["plan"]
                line += f" | --plan {plan['median_s']:.2f} s (CPU {plan['cpu_median_s']:.2f} s)"
            if "records_xlsx_limits" in figures:
                line += (
                    f" | records as .xlsx {figures['records_xlsx_bytes'] / 1e6:.1f} MB, "
                    f"limits: {figures['records_xlsx_limits']}"
                )
            print(line, flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
