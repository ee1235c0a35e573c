"""Time and memory of `mentes validate` on each hostile input of tests/hostile_files.py.

Each case is built in a fresh temporary folder and run as its own process,
`/usr/bin/time -f "%e %M" python -m mentes_cli validate --data PATH`: the wall time and the
peak resident memory of that process as GNU time reports them. Two baselines show what any
run costs: the bundled sample records and a small valid workbook. Run from the repository
root:

    python benchmarks/bench_hostile.py [--runs 3] [--case NAME ...] [--json]

Prints one row per case with the worst of `--runs` runs; exits 1 when a case takes 5 s or
more, or 300 MB or more (issue 7).

`--writes` measures the write path instead (issue 18, SPEC 8), each case its own process:
one record change (lock, read, validate, back up, replace, history) on the network records
as a TOML folder and as a workbook, `import` of the network workbook, and 20 processes each
adding a traject to the sample at once (the wall time until all are done; the peak is the
largest single process).

`--runaway` measures the runaway inputs of issue 18, each its own process: a planning.toml
with a window of 100,000,000 days, a named pipe as organisations.toml, a record
file past limits.toml's max_file_bytes, a record set past max_locations, a plan from
--start to --end past max_days, a plan of 19,000 approved trajects (50,000 locations) past
max_trajects_per_plan. Each must be refused at once.

`--plan-sizes` measures `mentes plan --format json` on the network generator's records grown to
2,000, 5,000 and 10,000 approved trajects (10,000 is limits.toml's max_trajects_per_plan) with
the network's staff (42 coach FTE, 27 supporter FTE), so that most trajects cannot be placed
and each is explained against every coach: the planner's worst case. Also reports the CPU
seconds (user + system), which a busy machine does not inflate as it does the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import hostile_files as hostile

# GNU time (apt install time); without it the peak is RUSAGE_CHILDREN, the largest child so
# far, which is an upper bound that includes this process's size at the time of the fork.
TIME = shutil.which("time", path="/usr/bin:/bin")
MAX_SECONDS = 5.0
MAX_MB = 300.0


def measure(data: Path | None) -> tuple[int, float, float, str]:
    """Give exit status, wall seconds, peak RSS in MB and stderr of one `validate` run."""
    command = [sys.executable, "-m", "mentes_cli", "validate"]
    if data is not None:
        command += ["--data", str(data)]
    return measure_command(command)


# The CPU seconds (user + system) of the last process measured with GNU time.
LAST_CPU_SECONDS: list[float] = [0.0]


def measure_command(command: list[str]) -> tuple[int, float, float, str]:
    """Give exit status, wall seconds, peak RSS in MB and stderr of one process."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("MENTES_DATA", None)
    with tempfile.TemporaryDirectory() as scratch:
        figures = Path(scratch) / "time.txt"
        if TIME:
            # GNU time measures its own child, which it forks while small: a child forked
            # straight from this process would count this process's memory as its own.
            command = [TIME, "-f", "%U %S %e %M", "-o", str(figures), *command]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if TIME:
            user, system, elapsed, kilobytes = figures.read_text().split()[-4:]
            seconds, peak = float(elapsed), int(kilobytes) / 1024
            LAST_CPU_SECONDS[0] = float(user) + float(system)
    return done.returncode, seconds, peak, done.stderr.decode("utf-8", "replace")


def summary(message: str) -> str:
    """Give the line that says what happened: the error, or the last notice."""
    lines = [line for line in message.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    line = errors[0] if errors else (lines[-1] if lines else "")
    if line.startswith("Error: ") and len(errors) == 1 and len(lines) > 1:
        line = f"{line} {lines[1].strip()}"  # "Error: 2 problems found:" + the first
    return line if len(line) <= 110 else line[:107] + "..."


def run_case(name: str, build, runs: int) -> dict:
    worst = {"case": name, "exit": None, "seconds": 0.0, "peak_mb": 0.0, "message": ""}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="mentes-hostile-") as folder:
            data = build(Path(folder)) if build else None
            code, seconds, peak, message = measure(data)
            message = message.replace(folder, "TMP")
        worst["exit"] = code
        worst["seconds"] = max(worst["seconds"], seconds)
        worst["peak_mb"] = max(worst["peak_mb"], peak)
        worst["message"] = summary(message)
    return worst


def _valid_workbook(folder: Path) -> Path:
    path = folder / "valid.xlsx"
    path.write_bytes(hostile.workbook_bytes(hostile.valid_sheets()))
    return path


# --- the write path ---------------------------------------------------------------------------

_CHANGE = """
import sys
from pathlib import Path
from mentes_cli.records import RecordStore
with RecordStore(Path(sys.argv[1])).change("edit") as change:
    first = change.ids()[len(change.ids()) // 2]
    change.set_fields(first, {"theme": "bench"})
"""
_ADD = """
import sys
from datetime import date
from pathlib import Path
from mentes_cli.records import RecordStore
with RecordStore(Path(sys.argv[1]), timeout=120).change("request") as change:
    change.add_traject({"id": change.new_traject_id(2027), "location": "LOC-001",
                        "offer": "coaching", "status": "requested"})
"""


def _network(folder: Path) -> Path:
    from generate_network import write_network

    return write_network(folder / "network")


def _network_workbook(folder: Path) -> Path:
    book = folder / "network.xlsx"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mentes_cli",
            "export",
            "--data",
            str(_network(folder)),
            "--to",
            str(book),
        ],
        check=True,
        capture_output=True,
    )
    return book


def _change(build):
    def run(folder: Path) -> tuple[int, float, float, str]:
        return measure_command([sys.executable, "-c", _CHANGE, str(build(folder))])

    return run


def _import(folder: Path) -> tuple[int, float, float, str]:
    book = _network_workbook(folder)
    return measure_command(
        [sys.executable, "-m", "mentes_cli", "import", str(book), "--to", str(folder / "rec")]
    )


def _twenty_at_once(folder: Path) -> tuple[int, float, float, str]:
    from mentes_cli.reference import sample_records_dir

    records = folder / "records"
    shutil.copytree(sample_records_dir(), records)
    started = time.perf_counter()
    with ThreadPoolExecutor(20) as pool:
        results = list(
            pool.map(
                lambda _: measure_command([sys.executable, "-c", _ADD, str(records)]), range(20)
            )
        )
    seconds = time.perf_counter() - started
    count = len(tomllib.loads((records / "trajects.toml").read_text())["trajects"])
    code = max(r[0] for r in results)
    return code, seconds, max(r[2] for r in results), f"{count} trajects after 20 writers"


WRITE_CASES = {
    "write: one change, network TOML folder": _change(_network),
    "write: one change, network workbook": _change(_network_workbook),
    "write: import the network workbook": _import,
    "write: 20 writers at once on the sample": _twenty_at_once,
}


# --- runaway inputs (issue 18) ------------------------------------------------------------------


def _sample(folder: Path) -> Path:
    from mentes_cli.reference import sample_records_dir

    records = folder / "records"
    shutil.copytree(sample_records_dir(), records)
    return records


def _mentes(*args: str) -> list[str]:
    return [sys.executable, "-m", "mentes_cli", *args]


def _planning(old: str, new: str):
    def run(folder: Path) -> tuple[int, float, float, str]:
        from mentes_cli.reference import bundled_data_dir

        records = _sample(folder)
        text = (bundled_data_dir() / "planning.toml").read_text().replace(old, new)
        (records / "planning.toml").write_text(text)
        return measure_command(_mentes("plan", "--data", str(records)))

    return run


def _pipe(folder: Path) -> tuple[int, float, float, str]:
    records = _sample(folder)
    (records / "organisations.toml").unlink()
    os.mkfifo(records / "organisations.toml")
    return measure_command(_mentes("validate", "--data", str(records)))


def _too_large(folder: Path) -> tuple[int, float, float, str]:
    records = _sample(folder)
    with (records / "trajects.toml").open("a") as stream:
        stream.write(("# " + "x" * 998 + "\n") * 33_000)
    return measure_command(_mentes("validate", "--data", str(records)))


def _too_many(folder: Path) -> tuple[int, float, float, str]:
    records = folder / "records"
    records.mkdir()
    block = (
        '[[organisations.locations]]\nid = "L{n}"\nname = "L"\ncare_type = "group"\n'
        'subsidy_step = 0\nikt_places = 0\nplaces = 10\npostcode = "2000"\n'
    )
    text = '[[organisations]]\nid = "O"\nname = "O"\n' + "".join(
        block.format(n=n) for n in range(50_001)
    )
    (records / "organisations.toml").write_text(text)
    return measure_command(_mentes("validate", "--data", str(records)))


def _long_window(folder: Path) -> tuple[int, float, float, str]:
    return measure_command(
        _mentes(
            "plan", "--data", str(_sample(folder)), "--start", "2027-01-04", "--end", "2999-12-31"
        )
    )


def _network_of(organisations: int, folder: Path) -> Path:
    from generate_network import write_network

    return write_network(folder / "network", organisations=organisations)


def _plan_past_the_limit(folder: Path) -> tuple[int, float, float, str]:
    # 34,900 organisers: 49,911 locations (under max_locations), 19,389 approved trajects.
    records = _network_of(34_900, folder)
    code, seconds, peak, message = measure_command(
        _mentes("plan", "--data", str(records), "--format", "json")
    )
    return code, seconds, peak, f"{LAST_CPU_SECONDS[0]:.1f} s CPU; {summary(message)}"


RUNAWAY_CASES = {
    "runaway: planning.toml window of 100,000,000 days": _planning(
        "default_days = 182", "default_days = 100_000_000"
    ),
    "runaway: a named pipe as organisations.toml": _pipe,
    "runaway: a 33 MB trajects.toml": _too_large,
    "runaway: 50,001 locations": _too_many,
    "runaway: plan --start 2027 --end 2999": _long_window,
    "runaway: plan 19,389 approved trajects (49,911 locations)": _plan_past_the_limit,
}


def _plan_of(organisations: int):
    def run(folder: Path) -> tuple[int, float, float, str]:
        records = _network_of(organisations, folder)
        code, seconds, peak, message = measure_command(
            _mentes("plan", "--data", str(records), "--format", "json")
        )
        return code, seconds, peak, f"{LAST_CPU_SECONDS[0]:.1f} s CPU; {summary(message)}"

    return run


# The generator approves 750 trajects per 1,350 organisers.
PLAN_SIZE_CASES = {
    "plan: 2,000 approved trajects (5,160 locations)": _plan_of(3_600),
    "plan: 5,000 approved trajects (12,880 locations)": _plan_of(9_000),
    "plan: 10,000 approved trajects (25,798 locations)": _plan_of(18_000),
}


# 20 writers queue behind one lock, each a whole process start: the limit is the lock's wait.
# The plan sizes are no hostile input but the largest plans mentes makes: their own bounds.
SECONDS_LIMITS = {
    "write: 20 writers at once on the sample": 60.0,
    # Refused after the 50,000 locations are read: the time and memory of reading them.
    "runaway: plan 19,389 approved trajects (49,911 locations)": 30.0,
    "plan: 2,000 approved trajects (5,160 locations)": 30.0,
    "plan: 5,000 approved trajects (12,880 locations)": 60.0,
    "plan: 10,000 approved trajects (25,798 locations)": 180.0,
}
MB_LIMITS = {
    "runaway: plan 19,389 approved trajects (49,911 locations)": 1_000.0,
    "plan: 2,000 approved trajects (5,160 locations)": 600.0,
    "plan: 5,000 approved trajects (12,880 locations)": 2_000.0,
    "plan: 10,000 approved trajects (25,798 locations)": 5_000.0,
}


def run_write_case(name: str, run, runs: int) -> dict:
    worst = {"case": name, "exit": None, "seconds": 0.0, "peak_mb": 0.0, "message": ""}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="mentes-writes-") as folder:
            code, seconds, peak, message = run(Path(folder))
            message = message.replace(folder, "TMP")
        worst["exit"] = code
        worst["seconds"] = max(worst["seconds"], seconds)
        worst["peak_mb"] = max(worst["peak_mb"], peak)
        worst["message"] = summary(message) or "done"
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case; the worst is shown")
    parser.add_argument("--case", action="append", help="only this case (repeatable)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--writes", action="store_true", help="measure the write path instead")
    parser.add_argument("--runaway", action="store_true", help="measure the runaway inputs")
    parser.add_argument(
        "--plan-sizes", action="store_true", help="measure plans of 2,000 to 10,000 trajects"
    )
    args = parser.parse_args()

    if args.writes:
        cases = dict(WRITE_CASES)
        runner = run_write_case
    elif args.runaway:
        cases = dict(RUNAWAY_CASES)
        runner = run_write_case
    elif args.plan_sizes:
        cases = dict(PLAN_SIZE_CASES)
        runner = run_write_case
    else:
        cases = {"(baseline) sample records": None, "(baseline) valid workbook": _valid_workbook}
        cases |= {name: case.build for name, case in hostile.CASES.items()}
        runner = run_case
    if args.case:
        unknown = sorted(set(args.case) - set(cases))
        if unknown:
            parser.error(f"unknown case(s): {', '.join(unknown)}")
        cases = {name: build for name, build in cases.items() if name in args.case}

    rows = [runner(name, build, args.runs) for name, build in cases.items()]
    over = [
        r
        for r in rows
        if r["seconds"] >= SECONDS_LIMITS.get(r["case"], MAX_SECONDS)
        or r["peak_mb"] >= MB_LIMITS.get(r["case"], MAX_MB)
    ]
    if args.json:
        print(json.dumps({"runs": args.runs, "rows": rows}, indent=2))
    else:
        print("| case | exit | seconds | peak MB | what mentes says |")
        print("|---|---|---|---|---|")
        for row in rows:
            print(
                f"| {row['case']} | {row['exit']} | {row['seconds']:.2f} | "
                f"{row['peak_mb']:.0f} | {row['message'].replace('|', '/')} |"
            )
        slowest = max(rows, key=lambda r: r["seconds"])
        largest = max(rows, key=lambda r: r["peak_mb"])
        print(
            f"\n{len(rows)} cases, worst of {args.runs} run(s) each; slowest "
            f"{slowest['case']} {slowest['seconds']:.2f} s, largest {largest['case']} "
            f"{largest['peak_mb']:.0f} MB; limits {MAX_SECONDS:.0f} s (20 writers: 60 s) and "
            f"{MAX_MB:.0f} MB (plans: see MB_LIMITS and SECONDS_LIMITS)."
        )
    for row in over:
        print(f"OVER A LIMIT: {row['case']}", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
