"""limits.toml [plan] max_trajects_per_plan: a plan of far more approved trajects than a year
of Flanders is refused up front, with a message, exit 1 and nothing written (issue 18)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from mentes_cli.limits import HARD_CEILINGS, limit
from mentes_cli.reference import sample_records_dir, set_override_dir

runner = CliRunner()
SAMPLE_APPROVED = 8  # approved trajects of the bundled sample records


@pytest.fixture(autouse=True)
def _english_after():
    """`--lang nl` chooses Dutch for the rest of the process: back to the suite's English."""
    yield
    from mentes_cli import i18n

    i18n.set_language(None)


@pytest.fixture(autouse=True)
def _bundled_reference():
    set_override_dir(None)
    yield
    set_override_dir(None)


def _records(tmp_path: Path, most: int | None = None) -> Path:
    folder = tmp_path / "records"
    shutil.copytree(sample_records_dir(), folder)
    if most is not None:
        (folder / "limits.toml").write_text(f"[plan]\nmax_trajects_per_plan = {most}\n")
    return folder


def test_the_bundled_limit_holds_a_year_of_flanders_with_margin():
    # Flanders approves about 4,000 trajects a year (data/limits.toml).
    assert (
        8_000
        <= limit("plan", "max_trajects_per_plan")
        <= HARD_CEILINGS["plan"]["max_trajects_per_plan"]
    )


def test_the_sample_counts_what_the_limit_counts(tmp_path):
    text = (sample_records_dir() / "trajects.toml").read_text(encoding="utf-8")
    assert text.count('status = "approved"') == SAMPLE_APPROVED


def test_a_plan_past_the_limit_is_refused_and_writes_nothing(tmp_path):
    folder = _records(tmp_path, most=SAMPLE_APPROVED - 1)
    saved = tmp_path / "plan.toml"
    result = runner.invoke(
        app, ["plan", "--data", str(folder), "--format", "json", "--save", str(saved)]
    )
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert (
        f"the records hold {SAMPLE_APPROVED} approved trajects to plan; mentes plans at most "
        f"{SAMPLE_APPROVED - 1} at once (the whole of Flanders approves about 4,000 a year). "
        "Are these the right records? If they are, a file limits.toml in the records folder "
        f"with the setting [plan] max_trajects_per_plan = {SAMPLE_APPROVED} raises the limit "
        "(up to 20,000)"
    ) in " ".join(result.stderr.split())
    assert not saved.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records"]


def test_a_plan_at_the_limit_is_made(tmp_path):
    folder = _records(tmp_path, most=SAMPLE_APPROVED)
    result = runner.invoke(app, ["plan", "--data", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"visits"' in result.stdout


def test_the_report_plans_too_and_is_refused_the_same_way(tmp_path):
    folder = _records(tmp_path, most=1)
    result = runner.invoke(app, ["report", "--data", str(folder), "--plan"])
    assert result.exit_code == 1, result.output
    assert "max_trajects_per_plan" in result.stderr


def test_a_limits_toml_may_not_raise_the_limit_past_the_ceiling(tmp_path):
    ceiling = HARD_CEILINGS["plan"]["max_trajects_per_plan"]
    folder = _records(tmp_path, most=ceiling + 1)
    result = runner.invoke(app, ["plan", "--data", str(folder), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert (
        f"[plan] max_trajects_per_plan = {ceiling + 1} is past the hard ceiling {ceiling}"
    ) in result.stderr


def test_the_refusal_in_dutch(tmp_path):
    folder = _records(tmp_path, most=2)
    result = runner.invoke(app, ["--lang", "nl", "plan", "--data", str(folder)])
    assert result.exit_code == 1, result.output
    (line,) = [line for line in result.stderr.splitlines() if "max_trajects_per_plan" in line]
    assert "goedgekeurde trajecten" in line
    assert not english_left(line.removeprefix("Error: "), allowed=frozenset({"limits", "toml"}))


def test_the_refusal_writes_its_numbers_as_people_read_them():
    from mentes_cli.errors import InputError
    from mentes_cli.limits import check_trajects_per_plan

    with pytest.raises(InputError) as caught:
        check_trajects_per_plan(19_389)
    assert "the records hold 19,389 approved trajects to plan" in str(caught.value)
    assert "mentes plans at most 10,000 at once" in str(caught.value)
    assert "max_trajects_per_plan = 19389 raises the limit (up to 20,000)" in str(caught.value)
    check_trajects_per_plan(10_000)  # at the limit: no error
