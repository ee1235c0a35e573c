"""Run every benchmark of this folder and print the table of figures against issue 8's targets.

    python benchmarks/run_all.py [--out DIR] [--skip NAME ...] [--repeat N]

Generates the network record set once (generate_network.py, seed 1), runs each benchmark
as its own process (so that one's memory and collector state do not slow the next) with
its default number of runs, keeps each one's JSON (or text) in --out (default
benchmarks/out/, which git ignores), and prints a Markdown table: figure, target,
median, best, and whether the median meets the target. NAME is one of startup,
eligibility, load, plan, export. With --repeat N everything runs N times (out/round-K/)
and the table shows the median over the rounds of each figure, which steadies the
figures of a machine shared with other work.

The whole `mentes plan` run is timed here too (taking turns is not needed: one command,
three runs), with its peak resident memory from GNU time; bench_plan.py's own
`cli_peak_rss_mb` counts the benchmark process's memory as well (see bench_startup._run).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_network  # noqa: E402
from bench_startup import MENTES, alternate, bench_env, machine  # noqa: E402

NAMES = ("startup", "eligibility", "load", "plan", "export")
PLAN_WINDOW = ("2027-01-04", "2027-12-31")


def _script(name: str, *arguments: str) -> str:
    """Run benchmarks/NAME with ARGUMENTS; give its standard output (its report)."""
    result = subprocess.run(
        [sys.executable, str(HERE / name), *arguments],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        env=bench_env(),
    )
    return result.stdout


def run(out: Path, skip: set[str]) -> dict:
    """Run the benchmarks not in `skip`; give their figures by name."""
    out.mkdir(parents=True, exist_ok=True)
    figures: dict = {"machine": machine()}
    with tempfile.TemporaryDirectory() as scratch:
        network = generate_network.write_network(Path(scratch) / "network")
        for name, script, arguments in (
            ("startup", "bench_startup.py", []),
            ("eligibility", "bench_eligibility.py", ["--data", str(network)]),
            ("load", "bench_load.py", ["--data", str(network), "--profile"]),
            ("plan", "bench_plan.py", ["--data", str(network)]),
        ):
            if name in skip:
                continue
            target = out / f"{name}.json"
            text = _script(script, *arguments, "--out", str(target))
            (out / f"{name}.txt").write_text(text, encoding="utf-8")
            print(text, file=sys.stderr)
            figures[name] = json.loads(target.read_text(encoding="utf-8"))
        if "plan" not in skip:
            command = [MENTES, "plan", "--data", str(network), "--format", "json"]
            command += ["--start", PLAN_WINDOW[0], "--end", PLAN_WINDOW[1]]
            figures["plan_command"] = alternate({"plan": command}, runs=3, warmup=0)["plan"]
        if "export" not in skip:
            text = _script("bench_export.py")
            (out / "export.txt").write_text(text, encoding="utf-8")
            print(text, file=sys.stderr)
            figures["export"] = _export_figures(text)
    (out / "all.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


def _export_figures(text: str) -> dict[str, float]:
    """Give the figures bench_export.py prints (it has no JSON output)."""
    found = {}
    for name in ("write_schedule", "write_calendars"):
        match = re.search(
            rf"{name}: median ([\d.]+) s wall \(min ([\d.]+), max ([\d.]+)\), "
            rf"median ([\d.]+) s CPU",
            text,
        )
        if match:
            median, best, worst, cpu = map(float, match.groups())
            found[name] = {"median": median, "best": best, "max": worst, "cpu_median": cpu}
    match = re.search(r"peak resident memory of the process: (\d+) MiB", text)
    if match:
        found["process_peak_rss_mb"] = float(match.group(1))
    match = re.search(r"plan: (\d+) visits", text)
    if match:
        found["visits"] = int(match.group(1))
    return found


def _row(figure: str, target: str, median: str, best: str, met: bool | None) -> str:
    verdict = "—" if met is None else ("met" if met else "**not met**")
    return f"| {figure} | {target} | {median} | {best} | {verdict} |"


def table(figures: dict) -> str:
    """Give the figures as a Markdown table against the targets of issue 8."""
    m = figures["machine"]
    lines = [
        f"{m['date']}, {m['cpu']} ({m['cores']} cores, shared with other work; load average "
        f"{m['load_average']} at the start), {m['system']}, Python {m['python']}.",
        "",
        "| figure | target | median | best | |",
        "|---|---|---|---|---|",
    ]
    if "startup" in figures:
        commands = figures["startup"]["commands"]
        base = commands["python -c 'import typer'"]
        lines.append(
            _row(
                '`python -c "import typer"`',
                "(baseline)",
                f"{base['median'] * 1000:.0f} ms",
                f"{base['min'] * 1000:.0f} ms",
                None,
            )
        )
        for name in ("mentes --version", "mentes --help"):
            f = commands[name]
            lines.append(
                _row(
                    f"`{name}`",
                    "≤ 1.5 × import typer",
                    f"{f['median'] * 1000:.0f} ms = {f['ratio_to_import_typer']:.2f} ×",
                    f"{f['min'] * 1000:.0f} ms = {f['min'] / base['min']:.2f} ×",
                    f["ratio_to_import_typer"] <= 1.5,
                )
            )
        heavy = sorted(
            {
                m
                for info in figures["startup"]["imports"].values()
                if isinstance(info, dict)
                for m in info["heavy"]
            }
        )
        lines.append(
            _row(
                "heavy modules imported by `--version` / `--help`",
                "none",
                ", ".join(heavy) or "none",
                "",
                not heavy,
            )
        )
    if "eligibility" in figures:
        e = figures["eligibility"]["engine"]
        for name, label in (
            ("first_call", "engine, first call on the records (what a command pays)"),
            ("again", "engine, again on the same records"),
        ):
            f = e[name]
            lines.append(
                _row(
                    f"{label}, {e['locations']:,} locations",
                    "≥ 100,000 locations/s",
                    f"{f['per_second_median']:,.0f}/s ({f['median'] * 1000:.1f} ms)",
                    f"{f['per_second_best']:,.0f}/s ({f['best'] * 1000:.1f} ms)",
                    f["per_second_median"] >= 100_000,
                )
            )
        c = figures["eligibility"].get("command")
        if c:
            s, n = c["sample"], c["network"]
            lines.append(
                _row(
                    "`check-eligibility --format json`: network / sample",
                    "≤ 2 ×",
                    f"{n['median']:.2f} s / {s['median']:.2f} s = "
                    f"{c['ratio_network_to_sample']:.2f} ×",
                    f"{n['min']:.2f} s / {s['min']:.2f} s = {n['min'] / s['min']:.2f} ×",
                    c["ratio_network_to_sample"] <= 2,
                )
            )
    if "load" in figures:
        p = figures["load"]["in_process"]
        for name, label in (("toml", "TOML folder"), ("workbook", "workbook")):
            f = p[name]
            lines.append(
                _row(
                    f"`load_records`, {label}, in-process",
                    "< 1 s",
                    f"{f['median']:.2f} s",
                    f"{f['best']:.2f} s",
                    f["median"] < 1,
                )
            )
        c = figures["load"].get("commands")
        if c:
            for name, label in (("toml", "TOML folder"), ("workbook", "workbook")):
                f = c[name]
                lines.append(
                    _row(
                        f"`mentes validate`, {label}",
                        "< 1 s",
                        f"{f['median']:.2f} s, {f['peak_rss_mb']:.0f} MB",
                        f"{f['min']:.2f} s",
                        f["median"] < 1,
                    )
                )
    if "plan" in figures:
        p = figures["plan"]
        lines.append(
            _row(
                "planner, network year, in-process",
                "< 10 s, < 300 MB",
                f"{p['plan_seconds_median']:.2f} s, {p['plan_peak_traced_mb']:.0f} MB traced, "
                f"{p['process_peak_rss_mb']:.0f} MB process",
                f"{min(p['plan_seconds_runs']):.2f} s",
                p["plan_seconds_median"] < 10 and p["process_peak_rss_mb"] < 300,
            )
        )
    if "plan_command" in figures:
        f = figures["plan_command"]
        lines.append(
            _row(
                "`mentes plan --format json`, network year",
                "< 10 s, < 300 MB",
                f"{f['median']:.2f} s, {f['peak_rss_mb']:.0f} MB",
                f"{f['min']:.2f} s",
                f["median"] < 10 and f["peak_rss_mb"] < 300,
            )
        )
    if "export" in figures and "write_schedule" in figures["export"]:
        f = figures["export"]["write_schedule"]
        lines.append(
            _row(
                f"schedule workbook, {figures['export'].get('visits', 6000):,} visits",
                "< 3 s",
                f"{f['median']:.2f} s",
                f"{f['best']:.2f} s",
                f["median"] < 3,
            )
        )
    return "\n".join(lines)


def merge(rounds: list[Any]) -> Any:
    """Give the figures of several rounds as one: the median of each number, else the first."""
    first = rounds[0]
    if isinstance(first, dict):
        return {key: merge([r[key] for r in rounds if key in r]) for key in first}
    if isinstance(first, bool) or not isinstance(first, int | float):
        return first
    return statistics.median(rounds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--skip", nargs="*", choices=NAMES, default=[])
    parser.add_argument(
        "--repeat", type=int, default=1, help="run everything N times; report medians"
    )
    args = parser.parse_args(argv)
    rounds = [
        run(args.out / f"round-{n}" if args.repeat > 1 else args.out, set(args.skip))
        for n in range(1, args.repeat + 1)
    ]
    figures = merge(rounds)
    if args.repeat > 1:
        (args.out / "all.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
