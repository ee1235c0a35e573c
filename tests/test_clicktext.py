"""Typer's own words in the chosen language: usage, help headings and command-line errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mentes_cli import i18n
from mentes_cli.cli.clicktext import translated


def mentes(*args: str, lang: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MENTES_LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "mentes_cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "nl",
            "Gebruik: mentes [OPTIES] OPDRACHT [ARGUMENTEN]...\n"
            "Typ 'mentes --help' voor hulp.\n\nFout: Onbekende optie: --nope\n",
        ),
        (
            "en",
            "Usage: mentes [OPTIONS] COMMAND [ARGS]...\n"
            "Try 'mentes --help' for help.\n\nError: No such option: --nope\n",
        ),
    ],
)
def test_an_unknown_option_is_a_usage_error_in_the_language(lang: str, expected: str):
    result = mentes("--nope", lang=lang)
    assert result.returncode == 2
    assert result.stderr == expected


def test_the_lang_option_wins_over_the_variable():
    result = mentes("--lang", "nl", "quote", "--traject", lang="en")
    assert result.returncode == 2
    assert result.stderr == "Fout: De optie '--traject' heeft een waarde nodig.\n"


def test_help_headings_follow_the_language():
    dutch = mentes("--help", lang="nl")
    assert dutch.returncode == 0
    assert "Opties:" in dutch.stdout and "Opdrachten:" in dutch.stdout
    assert "Toon deze hulp en stop." in dutch.stdout
    english = mentes("--help", lang="en")
    assert "Options:" in english.stdout and "Show this message and exit." in english.stdout


def test_a_wrong_value_keeps_its_variable_parts():
    result = mentes("plan", "--format", "x", lang="nl")
    assert result.returncode == 2
    assert result.stderr.endswith(
        "Fout: Ongeldige waarde voor '--format': 'x' is niet een van 'table', 'json', 'csv'.\n"
    )


def test_an_unknown_option_near_several_names_them_in_dutch():
    result = mentes("plan", "--from", "2027-01-04", lang="nl")
    assert result.returncode == 2
    assert result.stderr.endswith(
        "Fout: Onbekende optie: --from (Mogelijke opties: --force, --format)\n"
    ), result.stderr


def test_the_budget_of_the_exact_step_is_named_in_dutch():
    result = mentes("plan", "--help", lang="nl")
    assert "--optimize SECONDEN" in result.stdout, result.stdout
    assert "SECONDS" not in result.stdout
    # the greedy plan has one Dutch name, as in the line under the plan
    assert "0 houdt het gretige plan" in " ".join(result.stdout.split()), result.stdout


@pytest.mark.parametrize(
    ("lang", "value", "said"),
    [
        ("nl", "-1.5", "Fout: --optimize moet 0 of meer seconden zijn, niet -1,5"),
        ("en", "-1.5", "Error: --optimize must be 0 or more seconds, got -1.5"),
        ("nl", "nan", "Fout: --optimize moet 0 of meer seconden zijn, niet NaN"),
        ("en", "inf", "Error: --optimize must be 0 or more seconds, got ∞"),
    ],
)
def test_a_wrong_budget_is_said_before_the_records_are_read(lang: str, value: str, said: str):
    result = mentes("plan", f"--optimize={value}", lang=lang)
    assert result.returncode == 2
    assert result.stderr.endswith(said + "\n"), result.stderr
    # no "Records: ..." line: the records were not read
    assert not result.stderr.startswith(("Gegevens", "Records")), result.stderr


def test_a_command_error_keeps_exit_status_one():
    result = mentes("validate", "--data", "no-such-folder", lang="en")
    assert result.returncode == 1
    assert "no-such-folder" in result.stderr


@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        ("No such command 'plna'.", "Onbekende opdracht 'plna'."),
        (
            "No such option: --forse Did you mean --force?",
            "Onbekende optie: --forse Bedoel je --force?",
        ),
        (
            "No such option: --from (Possible options: --force, --format)",
            "Onbekende optie: --from (Mogelijke opties: --force, --format)",
        ),
        ("Missing option '--traject'.", "De optie '--traject' ontbreekt."),
        ("Got unexpected extra argument (x)", "Onverwacht extra argument: x"),
        (
            "Invalid value for '--ikt-places': Input should be a valid integer, unable to parse",
            "Ongeldige waarde voor '--ikt-places': geef een geheel getal.",
        ),
        (
            "Something Typer says that mentes does not know.",
            "Something Typer says that mentes does not know.",
        ),
    ],
)
def test_click_sentences_by_their_shape(english: str, dutch: str):
    i18n.set_language("nl")
    try:
        assert translated(english) == dutch
    finally:
        i18n.set_language(None)


def _help_of(command, args: list[str]) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        command.main(args=args, prog_name="mentes", standalone_mode=False)
    return out.getvalue()


@pytest.mark.parametrize("args", [["--help"], ["plan", "--help"], ["request", "--help"]])
def test_the_lazy_command_line_helps_as_the_whole_one(args: list[str]):
    """The lazily built command tree gives the same help as Typer's whole tree."""
    import typer.main

    from mentes_cli.cli import app
    from mentes_cli.cli.clicktext import _dress, lazy_command

    whole = typer.main.get_command(app)
    _dress(whole)
    lazy = lazy_command(app)
    _dress(lazy)
    expected = _help_of(whole, args)
    assert "plan" in expected
    assert _help_of(lazy, args) == expected


def test_the_lazy_command_line_builds_only_the_command_it_runs():
    from mentes_cli.cli import app
    from mentes_cli.cli.clicktext import lazy_command

    lazy = lazy_command(app)
    _help_of(lazy, ["validate", "--help"])
    assert set(lazy.commands) == {"validate"}


@pytest.mark.parametrize(("lang", "word"), [("nl", "<tekst>"), ("en", "<text>")])
def test_an_options_value_is_named_by_a_word_not_a_python_type(lang: str, word: str):
    done = mentes("letters", "--help", lang=lang)
    assert f"--traject {word}" in done.stdout
    assert "<str>" not in done.stdout
    assert "list[" not in done.stdout
