"""`mentes plan --check` in each of its forms, on the real command line (SPEC 4, 8):

- `--check=PLAN.toml` and `--check PLAN.toml` (and `PLAN.toml --check`) check a saved plan;
- `--check` alone, and its alias `--check-records`, check the visits committed in the records;
- a plan file that does not exist, or a file that is not a saved plan, is exit 1 with a
  message naming the file; a workbook, `--check=` without a file, or two files are wrong
  usage, exit 2.

Every form in English and in Dutch. The command runs as a person runs it (`python -m
mentes_cli`), because the `=` form is read before Typer's own parser sees the line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from english import english_left
from mentes_cli.reference import sample_records_dir

WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
NO_VIOLATIONS = {"en": "no violations", "nl": "geen overtredingen"}


def mentes(*args: str, lang: str, cwd: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MENTES_LANG": lang, "COLUMNS": "80"}
    return subprocess.run(
        [sys.executable, "-m", "mentes_cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        check=False,
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample records (`recs`) and a plan saved from them (`plan.toml`)."""
    folder = tmp_path_factory.mktemp("check-forms")
    shutil.copytree(sample_records_dir(), folder / "recs")
    saved = mentes("plan", *WINDOW, "--save", "plan.toml", "--data", "recs", lang="en", cwd=folder)
    assert saved.returncode == 0, saved.stderr
    return folder


def said(result: subprocess.CompletedProcess) -> str:
    return " ".join((result.stdout + result.stderr).split())


def dutch(result: subprocess.CompletedProcess, lang: str) -> None:
    if lang == "nl":
        # "argument" is Dutch too (Typer's "Onverwacht extra argument").
        assert not english_left(result.stdout + result.stderr, frozenset({"argument"}))


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize(
    "form",
    [["--check=plan.toml"], ["--check", "plan.toml"], ["plan.toml", "--check"]],
    ids=["equals", "space", "file-first"],
)
def test_every_form_checks_the_saved_plan(folder: Path, form: list[str], lang: str):
    result = mentes("plan", *form, "--data", "recs", lang=lang, cwd=folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"plan.toml: {NO_VIOLATIONS[lang]} (45 ")
    dutch(result, lang)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_equals_form_reports_the_violations_of_a_plan_edited_by_hand(folder: Path, lang):
    text = (folder / "plan.toml").read_text(encoding="utf-8")
    # The first visit on a Sunday: the location is closed, the coach does not work.
    first = text.index("date = ", text.index("[[visits]]"))
    end = text.index("\n", first)
    (folder / "sunday.toml").write_text(
        text[:first] + "date = 2027-01-10" + text[end:], encoding="utf-8"
    )
    for form in (["--check=sunday.toml"], ["--check", "sunday.toml"]):
        result = mentes("plan", *form, "--data", "recs", lang=lang, cwd=folder)
        assert result.returncode == 1, result.stderr
        assert result.stdout.startswith("sunday.toml: ")
        assert "10/01/2027" in said(result) or "2027-01-10" in said(result)
        dutch(result, lang)


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("form", [["--check"], ["--check-records"]])
def test_check_alone_checks_the_committed_visits(tmp_path: Path, form: list[str], lang: str):
    shutil.copytree(sample_records_dir(), tmp_path / "recs")
    before = mentes("plan", *form, "--data", "recs", lang=lang, cwd=tmp_path)
    assert before.returncode == 0, before.stderr
    expected = {
        "en": "The records hold no committed visits.",
        "nl": "Er liggen geen bezoeken vast in de gegevens.",
    }
    assert before.stdout.strip() == expected[lang]
    committed = mentes("plan", *WINDOW, "--commit", "--data", "recs", lang="en", cwd=tmp_path)
    assert committed.returncode == 0, committed.stderr
    after = mentes("plan", *form, "--data", "recs", lang=lang, cwd=tmp_path)
    assert after.returncode == 0, after.stderr
    assert "(45 " in after.stdout and after.stdout != before.stdout
    dutch(after, lang)


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("form", ["--check=", "--check "], ids=["equals", "space"])
def test_a_plan_file_that_does_not_exist_is_named(folder: Path, form: str, lang: str):
    result = mentes("plan", *f"{form}nope.toml".split(), "--data", "recs", lang=lang, cwd=folder)
    assert result.returncode == 1
    assert "nope.toml" in result.stderr
    assert "Traceback" not in result.stderr
    dutch(result, lang)


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("name", ["recs/trajects.toml", "recs/coaches.toml", "empty.toml"])
def test_a_toml_file_that_is_not_a_plan_is_named_in_one_sentence(folder: Path, name, lang):
    (folder / "empty.toml").write_text("", encoding="utf-8")
    result = mentes("plan", f"--check={name}", "--data", "recs", lang=lang, cwd=folder)
    assert result.returncode == 1
    shown = said(result)
    assert f"{Path(name).name}: " in shown
    words = {"en": "this is not a saved plan", "nl": "dit is geen bewaarde planning"}
    assert words[lang] in shown
    assert "is missing" not in shown and "ontbreekt" not in shown, "one sentence, not a list"
    dutch(result, lang)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_wrong_usage_is_exit_2(folder: Path, lang: str):
    (folder / "schedule.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    for args in (
        ["--check=schedule.xlsx"],  # the schedule workbook is for people, not a saved plan
        ["--check="],  # an = without a file
        ["--check=plan.toml", "plan.toml"],  # two plan files
        ["plan.toml"],  # a plan file without --check
        ["--check=plan.toml", "--commit"],
    ):
        result = mentes("plan", *args, "--data", "recs", lang=lang, cwd=folder)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        dutch(result, lang)
    empty = mentes("plan", "--check=", "--data", "recs", lang=lang, cwd=folder)
    assert {"en": "--check=PLAN.toml", "nl": "--check=PLANNING.toml"}[lang] in said(empty)


def test_the_help_names_the_equals_form():
    result = mentes("plan", "--help", lang="en", cwd=Path.cwd())
    assert "--check=PLAN.toml" in said(result)
