"""Issue 18: limits, pipes, hand-edited plans, hostile reference files and system errors.

Each case is built in tmp_path and must end in a clear message, exit 1 (2 for usage), nothing
written, within a few seconds.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
import typer

from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.cli.common import handle_errors
from mentes_cli.reference import bundled_data_dir, sample_records_dir, set_override_dir

runner = CliRunner()


@pytest.fixture(autouse=True)
def _bundled_reference():
    set_override_dir(None)
    yield
    set_override_dir(None)


def run(*args: str):
    return runner.invoke(app, list(args))


def records(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    shutil.copytree(sample_records_dir(), folder)
    return folder


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- limits -----------------------------------------------------------------------------------


def test_bundled_limits_hold_fifty_thousand_locations():
    from mentes_cli.limits import limit

    assert limit("records", "max_locations") >= 50_000
    assert limit("records", "max_organisations") >= 50_000
    # 50,000 locations of the network generator are 16 MB of organisations.toml.
    assert limit("records", "max_file_bytes") >= 20_000_000
    assert limit("plan", "max_days") >= 366


def test_a_data_limits_file_lowers_a_limit_and_counts_are_refused_up_front(tmp_path: Path):
    folder = records(tmp_path)
    (folder / "limits.toml").write_text("[records]\nmax_locations = 3\n")
    before = files_in(folder)
    result = run("validate", "--data", str(folder))
    assert result.exit_code == 1
    assert (
        "holds 16 locations; mentes reads at most 3 (a safety limit: the whole of Flanders has "
        "far fewer). Is this the right file?" in result.stderr
    )
    assert files_in(folder) == before


def test_a_data_limits_file_cannot_pass_the_hard_ceiling(tmp_path: Path):
    folder = records(tmp_path)
    (folder / "limits.toml").write_text("[records]\nmax_locations = 10_000_000\n")
    result = run("validate", "--data", str(folder))
    assert result.exit_code == 1
    assert "[records] max_locations = 10000000 is past the hard ceiling 200000" in result.stderr
    (folder / "limits.toml").write_text("[records]\nmax_places = 3\n")
    result = run("validate", "--data", str(folder))
    assert result.exit_code == 1
    assert "[records] max_places is not a limit mentes knows" in result.stderr


def test_a_record_file_past_the_byte_limit_is_refused_before_it_is_read(tmp_path: Path):
    folder = records(tmp_path)
    (folder / "limits.toml").write_text("[records]\nmax_file_bytes = 1000\n")
    result = run("validate", "--data", str(folder))
    assert result.exit_code == 1
    assert re.search(
        r"organisations\.toml: is larger than 0\.0\d\d MB; mentes reads record files up to "
        r"0\.001 MB",
        result.stderr,
    )


def test_a_huge_window_in_planning_toml_is_refused_at_once(tmp_path: Path):
    folder = records(tmp_path)
    text = (bundled_data_dir() / "planning.toml").read_text()
    (folder / "planning.toml").write_text(text.replace("default_days = 182", "default_days = 1e8"))
    result = run("plan", "--data", str(folder))
    assert result.exit_code == 1
    assert "window.default_days must be a whole number, got 100000000.0" in result.stderr
    (folder / "planning.toml").write_text(
        text.replace("default_days = 182", "default_days = 100_000_000")
    )
    started = time.perf_counter()
    result = run("plan", "--data", str(folder))
    assert result.exit_code == 1
    assert (
        "window.default_days = 100000000 is longer than the 1096 days mentes plans at once"
        in result.stderr
    )
    (folder / "planning.toml").unlink()
    tariffs = (bundled_data_dir() / "tariffs.toml").read_text(encoding="utf-8")
    (folder / "tariffs.toml").write_text(tariffs.replace("days = [8, 7]", "days = [100_000_000]"))
    result = run("plan", "--data", str(folder))
    assert result.exit_code == 1
    assert "free offer coaching: days holds 100000000; a traject has at most 100 visits" in (
        result.stderr
    )
    assert time.perf_counter() - started < 10


def test_a_plan_window_past_the_limit_is_a_usage_error():
    result = run("plan", "--start", "2027-01-04", "--end", "2035-01-01")
    assert result.exit_code == 2
    assert (
        "The plan from --start to --end spans 2920 days; a plan covers at most 1096 days"
        in result.stderr
    )


# --- pipes and devices ------------------------------------------------------------------------


def _check_refused_without_hanging(args: list[str], expected: str) -> None:
    done: dict[str, object] = {}

    def invoke() -> None:
        done["result"] = run(*args)

    worker = threading.Thread(target=invoke, daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), f"mentes {' '.join(args)} hangs on a pipe"
    result = done["result"]
    assert result.exit_code == 1, result.output
    assert expected in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_as_a_record_file_is_refused_at_once(tmp_path: Path):
    folder = records(tmp_path)
    (folder / "organisations.toml").unlink()
    os.mkfifo(folder / "organisations.toml")
    _check_refused_without_hanging(
        ["validate", "--data", str(folder)],
        "organisations.toml: is not a regular file (a named pipe or a device?); give a file",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("option", ["--keep", "--check"])
def test_a_pipe_as_a_saved_plan_is_refused_at_once(tmp_path: Path, option: str):
    pipe = tmp_path / "plan.toml"
    os.mkfifo(pipe)
    args = ["plan", option, str(pipe)]
    if option == "--keep":
        args += ["--start", "2027-01-04", "--end", "2027-03-31"]
    _check_refused_without_hanging(
        args, "plan.toml: is not a regular file (a named pipe or a device?)"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_as_the_rules_of_a_report_is_refused_at_once(tmp_path: Path):
    pipe = tmp_path / "rules.toml"
    os.mkfifo(pipe)
    done: dict[str, object] = {}
    worker = threading.Thread(
        target=lambda: done.setdefault("result", run("report", "--rules", str(pipe))),
        daemon=True,
    )
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "mentes report --rules hangs on a pipe"
    result = done["result"]
    assert result.exit_code == 2
    assert "rules.toml: is not a regular file (a named pipe or a device?)" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_as_a_reference_file_is_refused_at_once(tmp_path: Path):
    folder = records(tmp_path)
    os.mkfifo(folder / "rules.toml")
    _check_refused_without_hanging(
        ["check-eligibility", "--data", str(folder)],
        "rules.toml: is not a regular file (a named pipe or a device?); give a file",
    )


# --- a saved plan edited by hand --------------------------------------------------------------

PLAN = (
    'start = 2027-01-04\nend = 2027-06-30\n\n[[visits]]\ntraject = "T-2026-023"\n'
    'location = "LOC-005"\ncoach = "C-01"\ndate = 2027-01-12\nstart = "08:30"\n'
    'hours = 6.25\nkind = "visit"\nfixed = false\n'
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "hours = 6.25",
            "hours = nan",
            "line 10, visit 1, hours: must be a number of hours more "
            "than 0 and at most 24, got nan",
        ),
        (
            "hours = 6.25",
            "hours = inf",
            "line 10, visit 1, hours: must be a number of hours more "
            "than 0 and at most 24, got inf",
        ),
        (
            "hours = 6.25",
            "hours = 1e30",
            "line 10, visit 1, hours: must be a number of hours "
            "more than 0 and at most 24, got 1e+30",
        ),
        (
            "hours = 6.25",
            'hours = "6"',
            "line 10, visit 1, hours: must be a number of hours, got '6'",
        ),
        (
            "date = 2027-01-12",
            'date = "2027-03-01"',
            "line 8, visit 1, date: must be a date (yyyy-mm-dd), got '2027-03-01'",
        ),
        (
            "fixed = false",
            'fixed = "yes"',
            "line 12, visit 1, fixed: must be true or false, got 'yes'",
        ),
        (
            "date = 2027-01-12",
            "date = 0001-01-01",
            "line 8, visit 1, date: must be a date "
            "between 1900-01-01 and 2999-12-31, got 0001-01-01",
        ),
        (
            "end = 2027-06-30",
            "end = 2099-06-30",
            "line 2, end: the plan spans 26476 days; mentes plans at most 1096 days at once",
        ),
    ],
)
def test_a_hand_edited_plan_is_read_strictly(tmp_path: Path, old: str, new: str, expected: str):
    saved = tmp_path / "plan.toml"
    saved.write_text(PLAN.replace(old, new), encoding="utf-8")
    result = run("plan", "--check", str(saved))
    assert result.exit_code == 1, result.output
    assert f"plan.toml, {expected}" in result.stderr
    assert "internal error" not in result.stderr
    assert "regions.toml" not in result.stderr
    assert files_in(tmp_path) == ["plan.toml"]


# --- hostile reference files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "added", "expected"),
    [
        ("rules.toml", "zzz = nan", "must be a number, got nan"),
        ("tariffs.toml", "zzz = -inf", "must be a number, got -inf"),
        ("centre.toml", "zzz = 99999999999999999999", "= about 10^20 is far too large"),
        ("regions.toml", "zzz = 1e300", "= 1e+300 is far too large"),
        ("planning.toml", "zzz = " + "[" * 20 + "]" * 20, "is nested more than 8 tables"),
        ("offers.toml", "zzz = " + "9" * 5000, "not valid TOML (a number of thousands of digits)"),
    ],
)
def test_a_hostile_value_in_a_reference_file_names_the_file(
    tmp_path: Path, name: str, added: str, expected: str
):
    folder = records(tmp_path)
    text = (bundled_data_dir() / name).read_text(encoding="utf-8")
    (folder / name).write_text(f"{added}\n{text}", encoding="utf-8")
    command = {
        "rules.toml": ["check-eligibility"],
        "regions.toml": ["check-eligibility"],
        "planning.toml": ["plan", "--start", "2027-01-04", "--end", "2027-02-01"],
    }.get(name, ["quote", "--traject", "A"])
    result = run(*command, "--data", str(folder))
    assert result.exit_code == 1, result.output
    assert f"{folder / name}: " in result.stderr
    assert expected in result.stderr
    assert "internal error" not in result.stderr


def test_an_empty_or_mistyped_table_in_a_reference_file_names_the_file(tmp_path: Path):
    import tomli_w

    from mentes_cli.reference import parse_toml

    folder = records(tmp_path)
    tariffs = parse_toml((bundled_data_dir() / "tariffs.toml").read_text(encoding="utf-8"))
    tariffs["packages"][0]["valid_from"] = "yesterday"
    (folder / "tariffs.toml").write_text(tomli_w.dumps(tariffs), encoding="utf-8")
    result = run("quote", "--traject", "A", "--data", str(folder))
    assert result.exit_code == 1, result.output
    assert f"{folder / 'tariffs.toml'}: a value has the wrong type or shape" in result.stderr
    assert "internal error" not in result.stderr

    centre = parse_toml((bundled_data_dir() / "centre.toml").read_text(encoding="utf-8"))
    del centre["name"]
    (folder / "tariffs.toml").unlink()
    (folder / "centre.toml").write_text(tomli_w.dumps(centre), encoding="utf-8")
    result = run("quote", "--traject", "A", "--data", str(folder))
    assert result.exit_code == 1, result.output
    assert "centre.toml" in result.stderr and "name" in result.stderr
    assert "internal error" not in result.stderr


def test_reference_tables_name_a_missing_key_and_a_table_used_as_text(tmp_path: Path):
    from mentes_cli.errors import ReferenceDataError
    from mentes_cli.reference import load_reference

    (tmp_path / "rules.toml").write_text("[families]\nB = { name = { nl = 'x' } }\n")
    set_override_dir(tmp_path)
    rules = load_reference("rules.toml")
    with pytest.raises(ReferenceDataError, match=r"rules\.toml: families\.A is missing"):
        rules["families"]["A"]
    with pytest.raises(KeyError):  # callers that expect a KeyError still get one
        rules["families"]["A"]
    with pytest.raises(
        ReferenceDataError,
        match=r"rules\.toml: families\.B\.name is a table where a text or a number was expected",
    ):
        rules["families"]["B"]["name"].casefold()


# --- errors of the system ---------------------------------------------------------------------


def _command_raising(exc: BaseException):
    def command() -> None:
        raise exc

    wrapped = typer.Typer()
    wrapped.command()(handle_errors(command))
    return wrapped


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            PermissionError(errno.EACCES, "Permission denied", "/srv/records"),
            "Error: /srv/records: permission denied; mentes may not read this file or look "
            "inside this folder",
        ),
        (
            OSError(errno.ENOSPC, "No space left on device"),
            "Error: the output could not be written: the disk is full",
        ),
        (
            OSError(errno.ENAMETOOLONG, "File name too long", "/tmp/" + "a" * 6000),
            "Error: /tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…"
            + "a" * 60
            + " (6005 characters): the path is too long for the system",
        ),
    ],
)
def test_system_errors_are_messages_not_internal_errors(exc: OSError, expected: str):
    result = runner.invoke(_command_raising(exc), [])
    assert result.exit_code == 1
    assert result.stderr.startswith(expected)
    assert len(result.stderr) < 400
    assert "internal error" not in result.stderr


def test_a_path_over_path_max_is_refused_with_a_short_message(tmp_path: Path):
    long_path = tmp_path / ("a" * 250) / ("b" * 5000)
    result = run("validate", "--data", str(long_path))
    assert result.exit_code == 1
    assert "the path is too long for the system" in result.stderr
    assert "internal error" not in result.stderr
    assert len(result.stderr) < 600


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_stdout_full_is_a_message(tmp_path: Path):
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "mentes_cli", "check-eligibility", "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "MENTES_LANG": "en"},
            timeout=60,
        )
    assert done.returncode == 1
    assert "Error: the output could not be written: the disk is full" in done.stderr
    assert "internal error" not in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read any folder")
def test_a_folder_without_permission_is_a_message(tmp_path: Path):
    folder = records(tmp_path)
    folder.chmod(0)
    try:
        result = run("validate", "--data", str(folder))
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 1
    assert "permission denied" in result.stderr
    assert "internal error" not in result.stderr


def test_import_refuses_to_write_a_file_that_validate_would_refuse(tmp_path: Path):
    folder = records(tmp_path)
    book = tmp_path / "book.xlsx"
    assert run("export", "--data", str(folder), "--to", str(book)).exit_code == 0
    (tmp_path / "limits").mkdir()
    (tmp_path / "limits" / "limits.toml").write_text("[records]\nmax_file_bytes = 2000\n")
    set_override_dir(tmp_path / "limits")
    from mentes_cli.cli.interchange import _fits_the_limits
    from mentes_cli.errors import InputError
    from mentes_cli.load import DataSource, load_records

    loaded = load_records(DataSource(book, "test"))
    with pytest.raises(InputError, match=r"organisations\.toml: is larger than 0\.0\d\d MB"):
        _fits_the_limits(loaded.records, book.name)


@pytest.mark.parametrize("value", ["nan", "inf", "-1.0"])
def test_a_budget_in_planning_toml_that_is_no_number_of_seconds_is_refused(
    tmp_path: Path, value: str
):
    """nan and inf are TOML floats; inf would let the exact step search without end."""
    folder = records(tmp_path)
    text = (bundled_data_dir() / "planning.toml").read_text()
    assert "optimize_seconds = 6\n" in text
    (folder / "planning.toml").write_text(
        text.replace("optimize_seconds = 6\n", f"optimize_seconds = {value}\n")
    )
    result = run("plan", "--data", str(folder))
    assert result.exit_code == 1
    assert "optimize_seconds must be a number" in result.stderr, result.stderr
