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

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import background
from english import english_left
from mentes_cli.reference import sample_records_dir

WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
NO_VIOLATIONS = {"en": "no violations", "nl": "geen overtredingen"}


def mentes(*args: str, lang: str, cwd: Path) -> subprocess.CompletedProcess:
    environment = {**background.SESSION, "MENTES_LANG": lang, "COLUMNS": "80"}
    return subprocess.run(
        [sys.executable, "-m", "mentes_cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        check=False,
        timeout=120,
    )


def save_the_plan(folder: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """A copy of the sample records (`recs`) and a plan saved from them (`plan.toml`)."""
    shutil.copytree(sample_records_dir(), folder / "recs")
    saved = mentes("plan", *WINDOW, "--save", "plan.toml", "--data", "recs", lang="en", cwd=folder)
    return saved, folder


def commit_the_plan(folder: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """A copy of the sample records (`recs`) with the plan committed into them."""
    shutil.copytree(sample_records_dir(), folder / "recs")
    committed = mentes("plan", *WINDOW, "--commit", "--data", "recs", lang="en", cwd=folder)
    return committed, folder


def with_saved_plan(folder: Path) -> Path:
    """Fill `folder` with a copy of the records and the saved plan (made once, copied)."""
    saved, made = RUNS["saved"]
    assert saved.returncode == 0, saved.stderr
    shutil.copytree(made, folder, dirs_exist_ok=True)
    return folder


def check(*args: str, lang: str, before=None):
    """Give a run of `mentes plan ARGS --data recs` beside the saved plan; `before(folder)`
    writes what the run needs first."""

    def make(folder: Path) -> subprocess.CompletedProcess:
        with_saved_plan(folder)
        if before:
            before(folder)
        return mentes("plan", *args, "--data", "recs", lang=lang, cwd=folder)

    return make


def sunday_plan(folder: Path) -> None:
    """The saved plan with its first visit on a Sunday: the location is closed, the coach
    does not work."""
    text = (folder / "plan.toml").read_text(encoding="utf-8")
    first = text.index("date = ", text.index("[[visits]]"))
    end = text.index("\n", first)
    (folder / "sunday.toml").write_text(
        text[:first] + "date = 2027-01-10" + text[end:], encoding="utf-8"
    )


def sunday_checks(lang: str):
    def make(folder: Path) -> list[subprocess.CompletedProcess]:
        with_saved_plan(folder)
        sunday_plan(folder)
        return [
            mentes("plan", *form, "--data", "recs", lang=lang, cwd=folder)
            for form in (["--check=sunday.toml"], ["--check", "sunday.toml"])
        ]

    return make


def check_alone(form: list[str], lang: str):
    """Give `plan FORM` on the sample's records, and on them after the plan's commit."""

    def make(folder: Path) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
        shutil.copytree(sample_records_dir(), folder / "before" / "recs")
        before = mentes("plan", *form, "--data", "recs", lang=lang, cwd=folder / "before")
        committed, made = RUNS["committed"]
        assert committed.returncode == 0, committed.stderr
        shutil.copytree(made, folder / "after")
        after = mentes("plan", *form, "--data", "recs", lang=lang, cwd=folder / "after")
        return before, after

    return make


def schedule_workbook(folder: Path) -> None:
    (folder / "schedule.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")


WRONG_USAGE = [
    ["--check=schedule.xlsx"],  # the schedule workbook is for people, not a saved plan
    ["--check="],  # an = without a file
    ["--check=plan.toml", "plan.toml"],  # two plan files
    ["plan.toml"],  # a plan file without --check
    ["--check=plan.toml", "--commit"],
]


def wrong_usage(lang: str):
    def make(folder: Path) -> list[subprocess.CompletedProcess]:
        with_saved_plan(folder)
        schedule_workbook(folder)
        return [
            mentes("plan", *args, "--data", "recs", lang=lang, cwd=folder) for args in WRONG_USAGE
        ]

    return make


def empty_toml(folder: Path) -> None:
    (folder / "empty.toml").write_text("", encoding="utf-8")


LANGS = ["en", "nl"]
FORMS = [["--check=plan.toml"], ["--check", "plan.toml"], ["plan.toml", "--check"]]
ALONE = [["--check"], ["--check-records"]]
MISSING = ["--check=", "--check "]
NOT_PLANS = ["recs/trajects.toml", "recs/coaches.toml", "empty.toml"]

# Every run of the module, made ahead beside the other tests (see background.py), each in a
# folder of its own.
RUNS = background.Runs(
    __name__,
    {
        "saved": save_the_plan,
        "committed": commit_the_plan,
        **{("form", *form, lang): check(*form, lang=lang) for form in FORMS for lang in LANGS},
        **{("sunday", lang): sunday_checks(lang) for lang in LANGS},
        **{("alone", *form, lang): check_alone(form, lang) for form in ALONE for lang in LANGS},
        **{
            ("missing", form, lang): check(*f"{form}nope.toml".split(), lang=lang)
            for form in MISSING
            for lang in LANGS
        },
        **{
            ("not a plan", name, lang): check(f"--check={name}", lang=lang, before=empty_toml)
            for name in NOT_PLANS
            for lang in LANGS
        },
        **{("wrong", lang): wrong_usage(lang) for lang in LANGS},
        **{("empty", lang): check("--check=", lang=lang) for lang in LANGS},
        "help": lambda folder: mentes("plan", "--help", lang="en", cwd=folder),
    },
)


def said(result: subprocess.CompletedProcess) -> str:
    return " ".join((result.stdout + result.stderr).split())


def dutch(result: subprocess.CompletedProcess, lang: str) -> None:
    if lang == "nl":
        # "argument" is Dutch too (Typer's "Onverwacht extra argument").
        assert not english_left(result.stdout + result.stderr, frozenset({"argument"}))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("form", FORMS, ids=["equals", "space", "file-first"])
def test_every_form_checks_the_saved_plan(form: list[str], lang: str):
    result = RUNS["form", *form, lang]
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"plan.toml: {NO_VIOLATIONS[lang]} (45 ")
    dutch(result, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_the_equals_form_reports_the_violations_of_a_plan_edited_by_hand(lang):
    for result in RUNS["sunday", lang]:
        assert result.returncode == 1, result.stderr
        assert result.stdout.startswith("sunday.toml: ")
        assert "10/01/2027" in said(result) or "2027-01-10" in said(result)
        dutch(result, lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("form", ALONE)
def test_check_alone_checks_the_committed_visits(form: list[str], lang: str):
    before, after = RUNS["alone", *form, lang]
    assert before.returncode == 0, before.stderr
    expected = {
        "en": "The records hold no committed visits.",
        "nl": "Er liggen geen bezoeken vast in de gegevens.",
    }
    assert before.stdout.strip() == expected[lang]
    assert after.returncode == 0, after.stderr
    assert "(45 " in after.stdout and after.stdout != before.stdout
    dutch(after, lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("form", MISSING, ids=["equals", "space"])
def test_a_plan_file_that_does_not_exist_is_named(form: str, lang: str):
    result = RUNS["missing", form, lang]
    assert result.returncode == 1
    assert "nope.toml" in result.stderr
    assert "Traceback" not in result.stderr
    dutch(result, lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NOT_PLANS)
def test_a_toml_file_that_is_not_a_plan_is_named_in_one_sentence(name, lang):
    result = RUNS["not a plan", name, lang]
    assert result.returncode == 1
    shown = said(result)
    assert f"{Path(name).name}: " in shown
    words = {"en": "this is not a saved plan", "nl": "dit is geen bewaarde planning"}
    assert words[lang] in shown
    assert "is missing" not in shown and "ontbreekt" not in shown, "one sentence, not a list"
    dutch(result, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_wrong_usage_is_exit_2(lang: str):
    for args, result in zip(WRONG_USAGE, RUNS["wrong", lang], strict=True):
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        dutch(result, lang)
    empty = RUNS["empty", lang]
    assert {"en": "--check=PLAN.toml", "nl": "--check=PLANNING.toml"}[lang] in said(empty)


def test_the_help_names_the_equals_form():
    result = RUNS["help"]
    assert "--check=PLAN.toml" in said(result)
