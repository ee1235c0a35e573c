"""Runs of mentes as a process of its own, made ahead beside the tests of the suite's process.

Some tests must run mentes as its own process: on a pseudo-terminal (test_terminal.py), in a
fresh interpreter that lists what it imports (test_startup.py), or as a person types the
command line, Typer's own words included (test_every_command_in_dutch.py, ...). While such a
run works, the suite's own process only waits, and the machine's other core has nothing to
do; the other tests run in the suite's process one after the other.

So a module declares those runs when it is collected: `RUNS = Runs(__name__, {name: make})`,
where `make(folder)` makes the run in an empty folder of its own and gives what the test
needs (a CompletedProcess, the exit status and the screen, ...). When the session starts,
conftest.py starts the runs of every module that has a test to run, in the order they were
declared, one at a time in a thread beside the tests. A test takes `RUNS[name]`: a run done
already is given at once, a running one is waited for, and a run that has not started yet is
made right there (a module run alone, a test picked with -k). The assertions stay in the
test; a run that raised raises in the test that asked for it.

A run gets the environment of the session as conftest.py set it (`SESSION`, taken when
conftest.py imported this module), never what a test changed with monkeypatch, and names its
own folder: it never depends on the current directory, which the tests change. A run starts
processes and reads and writes files, nothing more: it never runs mentes in the suite's
process (CliRunner swaps sys.stdout, the language is process-wide), which belongs to the
tests' own thread.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

# The environment conftest.py set for the whole session (it is imported before any module).
SESSION: dict[str, str] = dict(os.environ)

_lock = threading.Lock()
_declared: list[Runs] = []
_pool: ThreadPoolExecutor | None = None
_folder: Path | None = None


def mentes(folder: Path, *args: str, **environment: str) -> subprocess.CompletedProcess:
    """Run `python -m mentes_cli ARGS` in `folder` with the session's environment (and
    `environment` over it); it must exit 0 (else the test that takes the run fails)."""
    done = subprocess.run(
        [sys.executable, "-m", "mentes_cli", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**SESSION, **environment},
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


class Runs:
    """The runs of one test module, by name; `runs[name]` gives a run's result."""

    def __init__(self, module: str, makers: dict[Hashable, Callable[[Path], Any]]):
        self.module = module
        self._makers = dict(makers)
        self._futures: dict[Hashable, Future] = {}
        with _lock:
            _declared.append(self)

    def __getitem__(self, name: Hashable) -> Any:
        with _lock:
            future = self._futures.get(name)
            if future is None or future.cancel():  # not started: make it here and now
                future = self._futures[name] = Future()
                future.set_running_or_notify_cancel()
                mine = True
            else:
                mine = False
        if mine:
            try:
                future.set_result(self._make(name))
            except BaseException as error:
                future.set_exception(error)
        return future.result()

    def _start(self, pool: ThreadPoolExecutor) -> None:
        with _lock:
            for name in self._makers:
                if name not in self._futures:
                    self._futures[name] = pool.submit(self._make, name)

    def _make(self, name: Hashable) -> Any:
        base = _folder if _folder is not None else Path(tempfile.gettempdir())
        base.mkdir(parents=True, exist_ok=True)
        return self._makers[name](Path(tempfile.mkdtemp(prefix="run-", dir=base)))


def start(folder: Path, modules: set[str]) -> None:
    """Start, in one thread beside the tests, the runs declared by `modules`, in order.

    MENTES_RUNS_AHEAD=0 starts none: each run is made when its test asks for it, in the
    test's own thread (to rule the thread out when a test misbehaves).
    """
    global _pool, _folder
    _folder = folder
    if SESSION.get("MENTES_RUNS_AHEAD") == "0":
        return
    _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mentes-runs")
    for runs in list(_declared):
        if runs.module in modules:
            runs._start(_pool)


def stop() -> None:
    """Drop the runs nobody asked for; the one running ends on its own."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
