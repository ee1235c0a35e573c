"""`mentes plan` in a real terminal while the exact step runs: the progress bar says so, in
the terminal's language, and moves, instead of standing full at "29/29" for the step's
seconds."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from test_terminal import assert_clean, run_in_terminal

pytest.importorskip("ortools")

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("en", ("Planning", "Exact step", "up to about 1 s")),
     ("nl", ("Planning", "Exacte stap", "tot ongeveer 1 s"))],
)  # fmt: skip
def test_the_bar_names_the_exact_step_while_it_runs(tmp_path: Path, lang: str, shown):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import generate_tight
    finally:
        sys.path.remove(str(BENCHMARKS))
    # bench_optimize.py's tight-14: the greedy places 13 of 16, the step searches for 14
    generate_tight.write_tight(tmp_path / "t14", 16, 1, 1, 14)
    args = ["--lang", lang, "plan", "--data", str(tmp_path / "t14"), "--start", "2027-01-04"]
    args += ["--end", "2027-06-30", "--optimize", "1"]
    status, screen = run_in_terminal(args)
    assert_clean(status, screen, args)
    for text in shown:
        assert text in screen, f"{text!r} not on the screen:\n{screen[-2000:]}"
    # a moving bar draws frames that differ; a full bar draws one and the same (it stood
    # full: Rich's update() keeps a total given before)
    after = screen[screen.find(shown[1]) :]
    frames = {frame for frame in re.split(r"\r|\x1b\[2K|\x1b\[1A", after) if "━" in frame}
    assert len(frames) > 1, f"the bar did not move during the exact step:\n{after[-2000:]}"
