"""Time loading the network's records from TOML and from a workbook, in-process and as
`mentes validate`.

    python benchmarks/bench_load.py [--data DIR] [--organisations 1350] [--seed 1]
        [--runs 7] [--cli-runs 7] [--no-cli] [--profile] [--out FILE.json]

Without --data the record set is made by generate_network.py (same seed, same set) in a
temporary folder; the workbook is written from it by `mentes export --data DIR --to
net.xlsx`. Figures (issue 8: each load under 1 second):

- in-process: `mentes_cli.load.load_records(...)` (time.perf_counter and CPU time), median
  and best of --runs runs, for the TOML folder and for the workbook; for TOML also its
  parts: `read_raw` (the TOML parser, and the line numbers of every record for the
  messages), within it the parser alone on the three files (`toml_parser_only`: the one
  mentes uses, tomli when installed; `toml_tomllib_only`: the standard library's, for
  comparison), and `build_records` (validation into
  the pydantic models, cross-checks); and each load again with the garbage collector
  paused, to show what the collector's passes over the growing records cost;
- whole commands: `mentes validate` on the bundled sample, on the TOML folder and on the
  workbook, taking turns, median of --cli-runs runs, and each one's peak resident memory;
- --profile: the top lines (own time) of a cProfile of each load.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_network  # noqa: E402
from bench_startup import MENTES, alternate, bench_env, machine, timed  # noqa: E402

from mentes_cli.load import DataSource, load_records  # noqa: E402
from mentes_cli.load.build import build_records  # noqa: E402
from mentes_cli.load.toml_records import RECORD_FILES, read_raw  # noqa: E402
from mentes_cli.reference import parse_toml  # noqa: E402


def _gc_paused(run):
    """Give `run` wrapped so that the garbage collector is paused while it runs."""

    def paused():
        gc.disable()
        try:
            run()
        finally:
            gc.enable()

    return paused


def _profile(run, top: int = 12) -> list[str]:
    """Give the top lines (own time) of a cProfile of one call of `run`."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    lines = [line.rstrip() for line in text.getvalue().splitlines() if line.strip()]
    return [line.replace(str(Path(sys.prefix)), "") for line in lines[-(top + 2) :]]


def in_process(folder: Path, workbook: Path, runs: int, profile: bool) -> dict:
    """Give the in-process load figures for the TOML folder and the workbook."""
    toml_source = DataSource(folder, "benchmark")
    workbook_source = DataSource(workbook, "benchmark")

    def load_toml():
        return load_records(toml_source)

    def load_workbook():
        return load_records(workbook_source)

    records = load_toml().records  # also parses the reference files once
    load_workbook()
    texts = [(folder / name).read_text(encoding="utf-8") for name in RECORD_FILES]
    raw = read_raw(folder)
    figures = {
        "records": {
            "organisations": len(records.organisations),
            "locations": len(records.locations()),
            "coaches": len(records.coaches),
            "trajects": len(records.trajects),
            "toml_bytes": sum((folder / name).stat().st_size for name in RECORD_FILES),
            "workbook_bytes": workbook.stat().st_size,
        },
        "toml": timed(runs, load_toml),
        "toml_read_raw": timed(runs, lambda: read_raw(folder)),
        "toml_parser": f"{parse_toml.__module__.partition('.')[0]}",
        "toml_parser_only": timed(runs, lambda: [parse_toml(text) for text in texts]),
        "toml_tomllib_only": timed(runs, lambda: [tomllib.loads(text) for text in texts]),
        "toml_build_records": timed(runs, lambda: build_records(raw)),
        "toml_gc_paused": timed(runs, _gc_paused(load_toml)),
        "workbook": timed(runs, load_workbook),
        "workbook_gc_paused": timed(runs, _gc_paused(load_workbook)),
    }
    if profile:
        figures["profile"] = {
            "toml": _profile(load_toml),
            "workbook": _profile(load_workbook),
        }
    return figures


def commands(folder: Path, workbook: Path, runs: int, warmup: int) -> dict:
    """Give the whole `mentes validate` figures on the sample, the folder and the workbook."""
    return alternate(
        {
            "sample": [MENTES, "validate"],
            "toml": [MENTES, "validate", "--data", str(folder)],
            "workbook": [MENTES, "validate", "--data", str(workbook)],
        },
        runs=runs,
        warmup=warmup,
    )


def report(figures: dict) -> str:
    """Give the figures as lines of text."""
    p = figures["in_process"]
    r = p["records"]
    lines = [
        f"records: {r['organisations']} organisations, {r['locations']} locations, "
        f"{r['coaches']} coaches, {r['trajects']} trajects; TOML {r['toml_bytes'] / 1e6:.2f} MB, "
        f"workbook {r['workbook_bytes'] / 1e6:.2f} MB; TOML parser: {p['toml_parser']}"
    ]
    for name in (
        "toml",
        "toml_read_raw",
        "toml_parser_only",
        "toml_tomllib_only",
        "toml_build_records",
        "toml_gc_paused",
        "workbook",
        "workbook_gc_paused",
    ):
        f = p[name]
        lines.append(
            f"{name:20} median {f['median']:.3f} s, best {f['best']:.3f} s, "
            f"CPU {f['cpu_median']:.3f} s"
        )
    for name, rows in p.get("profile", {}).items():
        lines.append(f"profile of load_records ({name}), top by own time:")
        lines += [f"  {row}" for row in rows]
    c = figures.get("commands")
    if c:
        for name in ("sample", "toml", "workbook"):
            f = c[name]
            lines.append(
                f"mentes validate ({name:8}) median {f['median']:.3f} s (min {f['min']:.3f}, "
                f"max {f['max']:.3f}), CPU {f['cpu_median']:.3f} s, "
                f"peak RSS {f['peak_rss_mb']:.0f} MB"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a record folder (default: generate one)")
    parser.add_argument("--organisations", type=int, default=1350)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7, help="in-process runs")
    parser.add_argument("--cli-runs", type=int, default=7, help="runs of each command")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up runs of each command")
    parser.add_argument("--no-cli", action="store_true", help="skip the whole commands")
    parser.add_argument("--profile", action="store_true", help="also profile each load")
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.data
        if folder is None:
            folder = generate_network.write_network(
                Path(scratch) / "network", args.organisations, args.seed
            )
        workbook = Path(scratch) / "net.xlsx"
        subprocess.run(
            [MENTES, "export", "--data", str(folder), "--to", str(workbook)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=bench_env(),
        )
        figures = {
            "machine": machine(),
            "in_process": in_process(folder, workbook, args.runs, args.profile),
        }
        if not args.no_cli:
            figures["commands"] = commands(folder, workbook, args.cli_runs, args.warmup)
    print(report(figures))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
