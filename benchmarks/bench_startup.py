"""Time `mentes --version` and `mentes --help` against `python -c "import typer"`, and list
what they import.

    python benchmarks/bench_startup.py [--runs 10] [--warmup 3] [--out FILE.json]

Figures:

- whole-process wall time of each command, side by side in one hyperfine run
  (`hyperfine -N --warmup 3 --runs 10`), repeated --rounds times (3): median, min and
  max of all runs, and the ratio of each median to the median of
  `python -c "import typer"` in the same environment (issue 8: at most 1.5);
- what each command imports beyond `import typer` (`python -X importtime`), the slowest
  first, and whether a heavy module (openpyxl, pydantic, the records models, holidays, the
  planner, icalendar, the loaders, the engines) is among them (it must not be).

Without hyperfine on the PATH the commands are timed with a plain loop of subprocesses
(same warm-up and runs). The helpers `hyperfine`, `alternate` (commands taking turns, with CPU
time and peak memory), `peak_rss_mb`, `machine` and `bench_env` are shared with the other
benchmarks of this folder.

Bytecode: an installed mentes has its .pyc files (pip compiles them), but a checkout run
with PYTHONDONTWRITEBYTECODE=1 compiles mentes's own modules on every start (about 10 ms
here). The commands therefore run with that variable removed and PYTHONPYCACHEPREFIX set
to a scratch folder, so caches are kept outside the repository; `--no-bytecode-cache`
runs them in the environment as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PYTHON = sys.executable
# The console script next to the interpreter (the venv's bin/mentes).
MENTES = str(Path(PYTHON).with_name("mentes"))

# Modules that `--version` and `--help` must not import: each belongs to a command.
HEAVY = (
    "openpyxl",
    "pydantic",
    "pydantic_core",
    "holidays",
    "icalendar",
    "tomllib",
    "mentes_cli.models",
    "mentes_cli.load",
    "mentes_cli.eligibility",
    "mentes_cli.quote",
    "mentes_cli.plan",
    "mentes_cli.export",
    "mentes_cli.regions",
    "mentes_cli.render_eligibility",
)


# --- shared helpers ----------------------------------------------------------------------

PYCACHE = Path(tempfile.gettempdir()) / "mentes-bench-pycache"


def bench_env(bytecode_cache: bool = True) -> dict[str, str]:
    """Give the environment for timed commands: bytecode cached outside the repository."""
    env = dict(os.environ)
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def machine() -> dict[str, str]:
    """Give the CPU, core count, system, Python version and date of this run."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": date.today().isoformat(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "load_average": " ".join(f"{v:.1f}" for v in os.getloadavg()),
    }


def hyperfine(
    commands: dict[str, list[str]],
    *,
    runs: int = 10,
    warmup: int = 3,
    env: dict[str, str] | None = None,
) -> dict[str, dict[str, float]]:
    """Time whole commands side by side; give per name the median, min, max (s) and runs.

    Uses hyperfine (no shell, output discarded) when it is installed, else a loop of
    subprocesses with the same warm-up and number of runs. Every command must succeed.
    """
    env = bench_env() if env is None else env
    exe = shutil.which("hyperfine")
    if exe is None:
        return {name: _loop(argv, runs, warmup, env) for name, argv in commands.items()}
    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "hyperfine.json"
        argv = [
            exe,
            "-N",
            "--style",
            "none",
            "--warmup",
            str(warmup),
            "--runs",
            str(runs),
            "--export-json",
            str(export),
        ]
        for name, command in commands.items():
            argv += ["--command-name", name, _shell_join(command)]
        # hyperfine's warnings (outliers on a busy machine) go to stderr: shown on failure only.
        finished = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        if finished.returncode != 0:
            sys.stderr.write(finished.stderr.decode(errors="replace"))
            finished.check_returncode()
        results = json.loads(export.read_text())["results"]
    return {
        result["command"]: {
            "median": result["median"],
            "min": result["min"],
            "max": result["max"],
            "user": result["user"],
            "system": result["system"],
            "runs": len(result["times"]),
            "times": result["times"],
        }
        for result in results
    }


def _shell_join(argv: list[str]) -> str:
    # hyperfine -N splits the command line itself (shell-words rules); quote what needs it.
    return " ".join(shlex.quote(part) for part in argv)


def _loop(argv: list[str], runs: int, warmup: int, env: dict[str, str]) -> dict[str, float]:
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    for _ in range(warmup):
        subprocess.run(argv, check=True, **quiet)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(argv, check=True, **quiet)
        times.append(time.perf_counter() - began)
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "user": float("nan"),
        "system": float("nan"),
        "runs": runs,
        "times": times,
    }


def alternate(
    commands: dict[str, list[str]],
    *,
    runs: int = 7,
    warmup: int = 1,
    env: dict[str, str] | None = None,
) -> dict[str, dict[str, float]]:
    """Time whole commands taking turns (A B, B A, ...), so that a busy machine hurts both alike.

    Gives per name the median, min and max wall time (s), the median CPU time of the
    process (user + system, s) and its peak resident memory (MB), from `runs` runs after
    `warmup` untimed ones. Output is discarded; every command must succeed.
    """
    env = bench_env() if env is None else env
    names = list(commands)
    for _ in range(warmup):
        for name in names:
            _run(commands[name], env)
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    rss: dict[str, float] = dict.fromkeys(names, 0.0)
    for turn in range(runs):
        for name in names if turn % 2 == 0 else reversed(names):
            elapsed, seconds, peak = _run(commands[name], env)
            wall[name].append(elapsed)
            cpu[name].append(seconds)
            rss[name] = max(rss[name], peak)
    return {
        name: {
            "median": statistics.median(wall[name]),
            "min": min(wall[name]),
            "max": max(wall[name]),
            "cpu_median": statistics.median(cpu[name]),
            "peak_rss_mb": rss[name],
            "runs": runs,
        }
        for name in names
    }


GNU_TIME = "/usr/bin/time"


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run a command once; give its wall time (s), CPU time (s) and peak RSS (MB).

    The peak comes from GNU time (`%M`) when it is installed, else it is NaN: the
    ru_maxrss that wait4 gives for a child also counts the memory of this process, which
    the child had until its exec (Linux keeps the larger high-water mark).
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        if Path(GNU_TIME).exists():
            argv = [GNU_TIME, "-f", "%M", "-o", rss.name, *argv]
        began = time.perf_counter()
        process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, argv)
        reported = rss.read().split()
    peak = int(reported[-1]) / 1024 if reported else float("nan")  # GNU time gives KB
    return elapsed, usage.ru_utime + usage.ru_stime, peak


def peak_rss_mb(argv: list[str], env: dict[str, str] | None = None) -> float:
    """Give the peak resident memory (MB) of one run of a command (its own, via wait4)."""
    return _run(argv, bench_env() if env is None else env)[2]


# --- what a command imports --------------------------------------------------------------


def imported(argv: list[str], env: dict[str, str] | None = None) -> dict[str, tuple[int, int]]:
    """Give every module `python -X importtime ARGV...` imports: name -> (self, cumulative) µs."""
    result = subprocess.run(
        [PYTHON, "-X", "importtime", *argv],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=bench_env() if env is None else env,
    )
    found = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        found[name.strip()] = (int(self_us), int(cumulative_us))
    return found


def beyond(command: dict[str, tuple[int, int]], baseline: dict[str, tuple[int, int]]):
    """Give the modules of `command` that `baseline` does not import, slowest (self) first."""
    extra = {name: times for name, times in command.items() if name not in baseline}
    return sorted(extra.items(), key=lambda item: -item[1][0])


def heavy_in(modules) -> list[str]:
    """Give the heavy modules (HEAVY, or their submodules) among `modules`."""
    return sorted(
        name for name in modules if any(name == h or name.startswith(h + ".") for h in HEAVY)
    )


# --- the benchmark -----------------------------------------------------------------------


def measure(runs: int = 10, warmup: int = 3, rounds: int = 3, bytecode_cache: bool = True) -> dict:
    """Give the start-up figures as a JSON-ready dict.

    The hyperfine comparison runs `rounds` times; each command's figures are those of all
    its runs together (rounds x runs), which a machine busy in bursts disturbs less.
    """
    env = bench_env(bytecode_cache)
    commands = {
        "python -c 'import typer'": [PYTHON, "-c", "import typer"],
        "mentes --version": [MENTES, "--version"],
        "mentes --help": [MENTES, "--help"],
        "python -m mentes_cli --version": [PYTHON, "-m", "mentes_cli", "--version"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, figures in hyperfine(commands, runs=runs, warmup=warmup, env=env).items():
            times[name] += figures["times"]
            cpu[name].append(figures["user"] + figures["system"])
    timed = {
        name: {
            "median": statistics.median(times[name]),
            "min": min(times[name]),
            "max": max(times[name]),
            "cpu_mean": statistics.mean(cpu[name]),
            "runs": len(times[name]),
            "round_medians": [
                statistics.median(times[name][i : i + runs])
                for i in range(0, len(times[name]), runs)
            ],
        }
        for name in commands
    }
    base = timed["python -c 'import typer'"]["median"]
    for figures in timed.values():
        figures["ratio_to_import_typer"] = figures["median"] / base

    baseline = imported(["-c", "import typer"], env)
    imports = {}
    for name, argv in (
        ("mentes --version", ["-m", "mentes_cli", "--version"]),
        ("mentes --help", ["-m", "mentes_cli", "--help"]),
    ):
        modules = imported(argv, env)
        extra = beyond(modules, baseline)
        imports[name] = {
            "modules": len(modules),
            "beyond_typer": len(extra),
            "heavy": heavy_in(modules),
            "slowest_beyond_typer": [
                {"module": module, "self_us": own, "cumulative_us": cumulative}
                for module, (own, cumulative) in extra[:15]
            ],
            "top_level_beyond_typer": sorted({module.split(".")[0] for module, _ in extra}),
        }
    return {
        "machine": machine(),
        "runs": runs,
        "warmup": warmup,
        "rounds": rounds,
        "bytecode_cache": bytecode_cache,
        "commands": timed,
        "imports": {"import typer": len(baseline), **imports},
    }


def report(figures: dict) -> str:
    """Give the figures as lines of text."""
    lines = [f"{'command':34} {'median':>8} {'min':>8} {'max':>8} {'ratio':>6}  (x import typer)"]
    for name, f in figures["commands"].items():
        rounds = "/".join(f"{t * 1000:.0f}" for t in f["round_medians"])
        lines.append(
            f"{name:34} {f['median'] * 1000:6.0f}ms {f['min'] * 1000:6.0f}ms "
            f"{f['max'] * 1000:6.0f}ms {f['ratio_to_import_typer']:6.2f}  "
            f"(medians of the rounds: {rounds} ms)"
        )
    for name in ("mentes --version", "mentes --help"):
        info = figures["imports"][name]
        lines.append(
            f"{name}: {info['modules']} modules, {info['beyond_typer']} beyond import typer "
            f"({', '.join(info['top_level_beyond_typer'])}); heavy: "
            f"{', '.join(info['heavy']) or 'none'}"
        )
        slowest = ", ".join(
            f"{m['module']} {m['self_us'] / 1000:.1f}" for m in info["slowest_beyond_typer"][:8]
        )
        lines.append(f"  slowest beyond typer (own ms under -X importtime): {slowest}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="hyperfine runs of all commands")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run the commands in the environment as it is (PYTHONDONTWRITEBYTECODE kept)",
    )
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    figures = measure(args.runs, args.warmup, args.rounds, not args.no_bytecode_cache)
    print(report(figures))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    heavy = [figures["imports"][n]["heavy"] for n in ("mentes --version", "mentes --help")]
    return 1 if any(heavy) else 0


def timed(runs: int, run) -> dict[str, float]:
    """Run `run` `runs` times in-process; give median, best and worst wall and CPU seconds."""
    wall, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return {
        "median": statistics.median(wall),
        "best": min(wall),
        "max": max(wall),
        "cpu_median": statistics.median(cpu),
        "runs": runs,
    }


if __name__ == "__main__":
    raise SystemExit(main())
