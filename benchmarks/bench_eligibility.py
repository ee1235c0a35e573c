"""Time the eligibility engine and `mentes check-eligibility` at network scale.

    python benchmarks/bench_eligibility.py [--data DIR] [--organisations 1350] [--seed 1]
        [--as-of 2026-11-22] [--runs 11] [--cli-runs 7] [--no-cli] [--out FILE.json]

Without --data the record set is made by generate_network.py (same seed, same set) in a
temporary folder. Figures:

- engine: `eligibility.decide(records, as_of)` in-process (time.perf_counter, and the CPU
  time of the process, which a busy machine disturbs less), records already loaded;
  median and best of --runs runs, as locations per second (issue 8: at least 100,000).
  "first call" decides on a record set the engine has not seen (a shallow copy of the
  records, so the per-record-set preparation is redone; this is what one command pays),
  "again" decides again on the same records (prepared once, kept by the engine);
  "explain" is the first call with --explain's inputs and parameters;
- rendering: `render_eligibility.json_text` of the network's results (what --format json
  prints);
- command: `mentes check-eligibility --format json --as-of DATE` on the bundled sample and
  with `--data` on the network, side by side in one run (taking turns, so that a busy
  machine hurts both alike), median of --cli-runs runs, the ratio network / sample
  (issue 8: at most 2) of the wall times and of the CPU times, and each one's peak
  resident memory.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_network  # noqa: E402
from bench_startup import MENTES, alternate, machine, timed  # noqa: E402

from mentes_cli import eligibility, render_eligibility  # noqa: E402
from mentes_cli.load import DataSource, load_records  # noqa: E402


def _rate(figures: dict[str, float], count: int) -> dict[str, float]:
    """Add locations per second to timed figures."""
    return {
        **figures,
        "per_second_median": count / figures["median"],
        "per_second_best": count / figures["best"],
        "per_second_cpu": count / figures["cpu_median"],
    }


def engine(data: Path, as_of: date, runs: int) -> dict:
    """Give the in-process figures of the engine and the JSON rendering on `data`."""
    records = load_records(DataSource(data, "benchmark")).records
    count = len(records.locations())
    eligibility.decide(records, as_of)  # reference data (rules, regions) parsed once

    first = timed(runs, lambda: eligibility.decide(records.model_copy(), as_of))
    again = timed(runs, lambda: eligibility.decide(records, as_of))
    explain = timed(runs, lambda: eligibility.decide(records.model_copy(), as_of, explain=True))
    results = eligibility.decide(records, as_of)
    rendering = timed(runs, lambda: render_eligibility.json_text(as_of, results, False))
    return {
        "locations": count,
        "organisations": len(records.organisations),
        "trajects": len(records.trajects),
        "first_call": _rate(first, count),
        "again": _rate(again, count),
        "explain_first_call": _rate(explain, count),
        "json_text": rendering,
    }


def command(data: Path, as_of: date, runs: int, warmup: int) -> dict:
    """Give the whole-command figures on the sample and on `data`, side by side."""
    base = [MENTES, "check-eligibility", "--format", "json", "--as-of", as_of.isoformat()]
    commands = {"sample": base, "network": [*base, "--data", str(data)]}
    timed = alternate(commands, runs=runs, warmup=warmup)
    sample, network = timed["sample"], timed["network"]
    timed["ratio_network_to_sample"] = network["median"] / sample["median"]
    timed["cpu_ratio_network_to_sample"] = network["cpu_median"] / sample["cpu_median"]
    return timed


def report(figures: dict) -> str:
    """Give the figures as lines of text."""
    e = figures["engine"]
    lines = [
        f"records: {e['organisations']} organisations, {e['locations']} locations, "
        f"{e['trajects']} trajects; as of {figures['as_of']}"
    ]
    for name in ("first_call", "again", "explain_first_call"):
        f = e[name]
        lines.append(
            f"decide {name:19} median {f['median'] * 1000:6.1f} ms "
            f"({f['per_second_median']:9,.0f}/s), best {f['best'] * 1000:6.1f} ms "
            f"({f['per_second_best']:9,.0f}/s), CPU {f['cpu_median'] * 1000:6.1f} ms "
            f"({f['per_second_cpu']:9,.0f}/s)"
        )
    j = e["json_text"]
    lines.append(
        f"json_text              median {j['median'] * 1000:6.1f} ms, "
        f"best {j['best'] * 1000:6.1f} ms"
    )
    c = figures.get("command")
    if c:
        for name in ("sample", "network"):
            f = c[name]
            lines.append(
                f"check-eligibility --format json ({name:7}) median {f['median']:.3f} s "
                f"(min {f['min']:.3f}, max {f['max']:.3f}), CPU {f['cpu_median']:.3f} s, "
                f"peak RSS {f['peak_rss_mb']:.0f} MB"
            )
        lines.append(
            f"ratio network / sample: {c['ratio_network_to_sample']:.2f} "
            f"(CPU {c['cpu_ratio_network_to_sample']:.2f})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a record folder (default: generate one)")
    parser.add_argument("--organisations", type=int, default=1350)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 22))
    parser.add_argument("--runs", type=int, default=11, help="in-process runs")
    parser.add_argument("--cli-runs", type=int, default=7, help="runs of each command")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up runs of each command")
    parser.add_argument("--no-cli", action="store_true", help="skip the whole commands")
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        data = args.data
        if data is None:
            data = generate_network.write_network(
                Path(scratch) / "network", args.organisations, args.seed
            )
        figures = {
            "machine": machine(),
            "as_of": args.as_of.isoformat(),
            "engine": engine(data, args.as_of, args.runs),
        }
        if not args.no_cli:
            figures["command"] = command(data, args.as_of, args.cli_runs, args.warmup)
    print(report(figures))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
