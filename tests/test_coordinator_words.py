"""Messages in the coordinator's words (SPEC 7): no English left in a Dutch run, no file or key
inside the package for what the coordinator typed, and a record field named as the records
show it (the workbook's header; the header with the TOML key in brackets for TOML)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomli

from cli_runner import CliRunner
from conftest import ONE_ORGANISATION, write_records
from english import english_left
from mentes_cli import i18n
from mentes_cli.cli import app
from mentes_cli.errors import OutputError
from mentes_cli.output import check_output_path
from mentes_cli.reference import toml_reason

runner = CliRunner()


@pytest.fixture(autouse=True)
def _language_back_to_english():
    """`--lang nl` chooses Dutch for the rest of the process: give the next test English."""
    yield
    i18n.set_language(None)


def mentes(*args: str, lang: str) -> subprocess.CompletedProcess:
    """Run `mentes` as its own process (usage errors are said by the command-line runner)."""
    environment = {**os.environ, "MENTES_LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "mentes_cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def dutch(*args: str):
    return runner.invoke(app, ["--lang", "nl", *args])


def english(*args: str):
    return runner.invoke(app, ["--lang", "en", *args])


# --- finding 12: English left in Dutch runs ---------------------------------------------------


@pytest.mark.parametrize("case", ["folder", "exists", "no-folder", "input"])
def test_an_output_refused_before_any_work_is_said_in_dutch(tmp_path: Path, case: str):
    existing = tmp_path / "out.xlsx"
    existing.write_bytes(b"old")
    target, inputs = {
        "folder": (tmp_path, []),
        "exists": (existing, []),
        "no-folder": (tmp_path / "nope" / "out.xlsx", []),
        "input": (existing, [existing]),
    }[case]
    i18n.set_language("nl")
    with pytest.raises(OutputError) as caught:
        check_output_path(target, force=case == "input", inputs=inputs)
    message = str(caught.value)
    assert english_left(message) == [], message
    assert {
        "folder": "is een map; geef een bestandsnaam",
        "exists": "bestaat al; gebruik --force",
        "no-folder": "die map bestaat niet",
        "input": "is een invoer van deze opdracht",
    }[case] in message


def test_the_output_refusal_for_an_existing_file_through_the_command_is_dutch(tmp_path: Path):
    target = tmp_path / "overzicht.xlsx"
    target.write_bytes(b"old")
    result = dutch("check-eligibility", "--output", str(target))
    assert result.exit_code == 1
    assert f"Fout: {target}: bestaat al; gebruik --force om het te vervangen" in result.stderr
    assert english_left(result.stderr) == []


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [
        (
            "nl",
            "5",
            "Fout: Ongeldige waarde voor '--subsidy-step': geef een getal van hoogstens 3.",
        ),
        ("en", "5", "Error: Invalid value for '--subsidy-step': give a number of at most 3."),
        (
            "nl",
            "-1",
            "Fout: Ongeldige waarde voor '--subsidy-step': geef een getal van minstens 0.",
        ),
    ],
)
def test_an_option_out_of_its_range_is_said_in_the_language(lang: str, value: str, expected: str):
    result = mentes("check-eligibility", "--subsidy-step", value, lang=lang)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == expected
    assert "Input should" not in result.stderr


@pytest.mark.parametrize(
    ("text", "english_reason", "dutch_reason"),
    [
        (
            "start = 2027-02-30",
            "not a date that exists; write a date as 2027-03-10",
            "geen datum die bestaat; schrijf een datum als 2027-03-10",
        ),
        ("x = 1\nx = 2", "a key given twice", "een sleutel die twee keer voorkomt"),
        ("[a]\n[a]", "the section [a] given twice", "de sectie [a] komt twee keer voor"),
        (
            'x = "abc',
            "a text without its closing quote",
            "een tekst zonder sluitend aanhalingsteken",
        ),
    ],
)
def test_the_toml_parser_s_reason_is_said_in_the_coordinator_s_words(
    text: str, english_reason: str, dutch_reason: str
):
    with pytest.raises(tomli.TOMLDecodeError) as caught:
        tomli.loads(text)
    assert toml_reason(caught.value) == english_reason
    i18n.set_language("nl")
    assert toml_reason(caught.value) == dutch_reason


def test_an_impossible_date_in_toml_records_is_said_in_dutch(tmp_path: Path):
    organisations = ONE_ORGANISATION + "enforcement = true\nenforcement_since = 2026-02-30\n"
    folder = write_records(tmp_path / "records", organisations=organisations)
    result = dutch("validate", "--data", str(folder))
    assert result.exit_code == 1
    assert (
        "Fout: organisations.toml, regel 14: geen geldige TOML (geen datum die bestaat; schrijf "
        "een datum als 2027-03-10): 'enforcement_since = 2026-02-30'"
    ) in result.stderr
    assert "Invalid" not in result.stderr
    assert english_left(result.stderr) == []


COACHING_WITH_A_SUPPORTER = """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "coaching"
status = "approved"
coach = "S-1"
"""

ONE_SUPPORTER = """\
[[coaches]]
id = "S-1"
name = "Karen"
role = "support"
fte = 1.0
workdays = ["mon", "tue"]
"""


def test_a_coach_of_the_wrong_role_is_named_by_the_role_in_words(tmp_path: Path):
    folder = write_records(
        tmp_path / "records",
        organisations=ONE_ORGANISATION,
        coaches=ONE_SUPPORTER,
        trajects=COACHING_WITH_A_SUPPORTER,
    )
    result = dutch("validate", "--data", str(folder))
    assert result.exit_code == 1
    assert (
        "aanbod coaching vraagt een pedagogisch coach, maar S-1 is een regionaal ondersteuner"
        in result.stderr
    )
    assert "rol support" not in result.stderr and english_left(result.stderr) == []
    result = english("validate", "--data", str(folder))
    assert "offer coaching needs a pedagogical coach, but S-1 is a regional supporter" in (
        result.stderr
    )


# --- finding 14: no file or key inside the package for what the coordinator typed ---------------

_INTERNAL = re.compile(r"\.toml|valid_from|max_days|default_days|\[\[")


@pytest.mark.parametrize(
    ("args", "dutch_text"),
    [
        (
            ["check-eligibility", "--as-of", "2000-01-01"],
            "mentes kent de regels pas vanaf 01/01/2022, niet voor 01/01/2000. Geef een datum "
            "op of na 01/01/2022",
        ),
        (["report", "--year", "1950"], "mentes kent de regels pas vanaf 01/01/2022"),
        (
            ["quote", "--traject", "A", "--as-of", "2020-01-01"],
            "de prijslijst begint op 01/01/2024; voor 01/01/2020 zijn er geen prijzen. Geef een "
            "datum op of na 01/01/2024",
        ),
        (
            ["plan", "--start", "2027-01-04", "--end", "2040-12-31"],
            "een planning beslaat hoogstens 1096 dagen",
        ),
    ],
)
def test_a_typed_date_outside_what_mentes_knows_names_no_file_or_key(
    args: list[str], dutch_text: str
):
    result = dutch(*args)
    assert result.exit_code in (1, 2), result.output
    assert dutch_text in result.stderr
    assert not _INTERNAL.search(result.stderr), result.stderr
    assert english_left(result.stderr) == []


def test_a_request_dated_before_the_rules_names_no_file(sample_dir: Path):
    result = english(
        "request", "LOC-001", "coaching", "--requested-on", "1900-01-01", "--data", str(sample_dir)
    )
    assert result.exit_code == 1
    assert "mentes knows the rules only from 2022-01-01, not for 1900-01-01" in result.stderr
    assert not _INTERNAL.search(result.stderr), result.stderr


@pytest.mark.parametrize("run", [dutch, english])
def test_plan_help_speaks_of_the_plan_not_of_files(run):
    result = run("plan", "--help")
    assert result.exit_code == 0
    assert "planning.toml" not in result.stdout and "default_days" not in result.stdout
    assert "optimize_seconds" not in result.stdout


def test_the_explanation_names_no_rules_file():
    result = dutch("check-eligibility", "--location", "LOC-001", "--explain")
    assert result.exit_code == 0
    assert "PRIOR-regels geldig sinds 01/01/2022" in result.stdout
    assert "rules.toml" not in result.stdout


def test_the_size_suggestion_names_no_file():
    result = english("quote", "--traject", "C", "--location", "LOC-001")
    assert "Suggestion: LOC-001 has 28 places" in result.stderr
    assert ".toml" not in result.stderr


@pytest.fixture
def sample_workbook(sample_dir: Path, tmp_path: Path) -> Path:
    workbook = tmp_path / "records.xlsx"
    result = english("export", "--data", str(sample_dir), "--to", str(workbook))
    assert result.exit_code == 0, result.output
    return workbook


def test_a_warning_names_the_workbook_s_headers_for_a_workbook(sample_workbook: Path):
    dutch_run = dutch("validate", "--data", str(sample_workbook))
    assert "kijk Subsidietrap en IKT-plaatsen na" in dutch_run.stderr
    # The workbook is Dutch in both languages: its headers are what the coordinator sees.
    english_run = english("validate", "--data", str(sample_workbook))
    assert "check Subsidietrap and IKT-plaatsen" in english_run.stderr


def test_a_warning_names_header_and_key_for_toml_and_json_keeps_the_keys(sample_dir: Path):
    dutch_run = dutch("validate", "--data", str(sample_dir))
    assert "kijk Subsidietrap (subsidy_step) en IKT-plaatsen (ikt_places) na" in dutch_run.stderr
    english_run = english("validate", "--data", str(sample_dir))
    assert "check subsidy_step and ikt_places" in english_run.stderr
    as_json = {
        run("check-eligibility", "--data", str(sample_dir), "--format", "json").stdout
        for run in (dutch, english)
    }
    assert len(as_json) == 1
    assert "check subsidy_step and ikt_places" in as_json.pop()


def test_a_quick_check_warning_names_the_options():
    result = english("check-eligibility", "--subsidy-step", "2", "--ikt-places", "0")
    result = english(
        "check-eligibility", "--subsidy-step", "2", "--ikt-places", "0", "--postcode", "2000"
    )
    assert "check --subsidy-step and --ikt-places" in result.stderr


CONTACT_MOMENTS_ON_COACHING = """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "coaching"
status = "approved"
contact_moments = 3
"""


def test_a_rule_across_fields_names_header_first_and_key_in_brackets_for_toml(tmp_path: Path):
    organisations = ONE_ORGANISATION + "enforcement_since = 2026-09-01\n"
    folder = write_records(
        tmp_path / "records", organisations=organisations, trajects=CONTACT_MOMENTS_ON_COACHING
    )
    result = dutch("validate", "--data", str(folder))
    assert result.exit_code == 1
    assert (
        "Handhaving sinds (enforcement_since) is ingevuld, maar Handhaving (enforcement) staat "
        "uit; zet Handhaving (enforcement) aan (ja, true) of haal Handhaving sinds "
        "(enforcement_since) weg" in result.stderr
    )
    assert "Contactmomenten (contact_moments) is alleen voor aanbod bvv-vervolg" in result.stderr
    assert english_left(result.stderr) == []


def test_a_rule_across_fields_names_only_the_header_for_a_workbook(
    sample_workbook: Path, tmp_path: Path
):
    import openpyxl

    book = openpyxl.load_workbook(sample_workbook)
    sheet = book["Trajecten"]
    headers = [cell.value for cell in sheet[1]]
    row = next(
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, headers.index("Aanbod") + 1).value
    )
    sheet.cell(row, headers.index("Aanbod") + 1).value = "coaching"
    sheet.cell(row, headers.index("Contactmomenten") + 1).value = 3
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    result = dutch("validate", "--data", str(broken))
    assert result.exit_code == 1
    assert "Contactmomenten is alleen voor aanbod bvv-vervolg" in result.stderr
    assert "contact_moments" not in result.stderr


# --- finding 19: an unknown MENTES_LANG ----------------------------------------------------------


def test_an_unknown_language_in_the_variable_is_a_warning_and_dutch():
    result = mentes("validate", lang="fr")
    assert result.returncode == 0
    assert result.stderr.splitlines()[0] == (
        "Waarschuwing: onbekende taal 'fr' in MENTES_LANG; mentes gebruikt Nederlands."
    )
    assert "Gegevens: het meegeleverde voorbeeld" in result.stderr
    # The option wins over the variable: no warning then.
    chosen = mentes("--lang", "en", "validate", lang="fr")
    assert "MENTES_LANG" not in chosen.stderr and "Records:" in chosen.stderr


# --- finding 15: a usage error wraps between words in a terminal ------------------------------


def test_a_usage_error_in_a_terminal_wraps_between_words(tmp_path: Path):
    from test_terminal import assert_clean, run_in_terminal, screen_text

    args = ["--lang", "en", "visit", "T-2026-021", "1", "--state", "nope"]
    status, screen = run_in_terminal(args, columns=80, cwd=tmp_path)
    assert_clean(status, screen, args, expected=2)
    text = screen_text(screen)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80, text
    first = next(number for number, line in enumerate(lines) if "Error" in line)
    error = " ".join(" ".join(lines[first:]).split())
    assert "Invalid value for '--state': 'nope'" in error, text
    # Every word of the sentence is whole on the screen: none is cut at the edge.
    for word in ("planned,", "fixed", "done"):
        assert word in error.split(), (word, text)


# --- review 2, finding 39: a list inside its owner is named once ----------------------------


def test_a_closure_or_leave_whose_end_is_before_its_start_names_the_list_once(tmp_path: Path):
    from mentes_cli.reference import sample_records_dir

    folder = tmp_path / "recs"
    folder.mkdir()
    for name in ("organisations.toml", "coaches.toml", "trajects.toml"):
        text = (sample_records_dir() / name).read_text("utf-8")
        text = text.replace(
            "closures = [{ start = 2026-12-24, end = 2027-01-01",
            "closures = [{ start = 2027-01-01, end = 2026-12-24",
            1,
        )
        (folder / name).write_text(text, "utf-8")
    result = dutch("validate", "--data", str(folder))
    assert result.exit_code == 1, result.output
    assert "locatie LOC-001, Sluitingen (closures): einde 24/12/2026 ligt voor start" in (
        result.stderr
    )
    assert "closures.closures" not in result.stderr
    assert not english_left(result.stderr)


# --- review 2, finding 40: a postcode typo in the records gets the suggestion ----------------


def test_a_postcode_typo_in_the_records_suggests_the_postcodes_one_typo_away(tmp_path: Path):
    from mentes_cli.reference import sample_records_dir

    folder = tmp_path / "recs"
    folder.mkdir()
    for name in ("organisations.toml", "coaches.toml", "trajects.toml"):
        text = (sample_records_dir() / name).read_text("utf-8")
        (folder / name).write_text(text.replace('postcode = "2600"', 'postcode = "2690"', 1))
    result = dutch("validate", "--data", str(folder))
    assert result.exit_code == 1, result.output
    assert "postcode 2690 is geen Belgische postcode die mentes kent; bedoel je " in (result.stderr)
    assert "2600 Antwerpen (district Berchem)" in result.stderr
    assert not english_left(result.stderr)
    result = english("validate", "--data", str(folder))
    assert "did you mean" in result.stderr and "2600 Antwerpen (district Berchem)" in (
        result.stderr
    )


# --- review 2, finding 10/11: validate warns about committed visits that break a rule -------


def test_validate_warns_about_a_committed_visit_on_a_closure(tmp_path: Path):
    from mentes_cli.reference import sample_records_dir

    folder = tmp_path / "recs"
    shutil.copytree(sample_records_dir(), folder)
    assert english("plan", "--commit", "--data", str(folder)).exit_code == 0
    before = english("validate", "--data", str(folder))
    assert before.exit_code == 0 and "committed visit breaks" not in before.stderr
    organisations = folder / "organisations.toml"
    text = organisations.read_text("utf-8")
    block = text.index('id = "LOC-003"')
    line_end = text.index("\n", text.index("opening_hours", block))
    closure = 'closures = [{ start = 2027-02-08, end = 2027-02-12, reason = "verbouwing" }]\n'
    organisations.write_text(text[: line_end + 1] + closure + text[line_end + 1 :], "utf-8")
    result = english("validate", "--data", str(folder))
    assert result.exit_code == 0, result.output
    assert (
        "Warning: a committed visit breaks a rule: T-2026-022, visit on 2027-02-09 (C-02): "
        "LOC-003 is closed (verbouwing)"
    ) in result.stderr
    dutch_run = dutch("validate", "--data", str(folder))
    assert "Waarschuwing: een vastgelegd bezoek breekt een regel: T-2026-022" in dutch_run.stderr
    assert not english_left(dutch_run.stderr)


def test_undo_and_letters_warn_about_a_visit_put_back_on_a_closure(tmp_path: Path):
    # Review 2, finding 11: a commit moved a visit off a closure, undo put it back; undo and
    # letters said nothing and the change letter told the location the closed day.
    from mentes_cli.reference import sample_records_dir

    folder = tmp_path / "recs"
    shutil.copytree(sample_records_dir(), folder)
    assert english("plan", "--commit", "--data", str(folder)).exit_code == 0
    assert english("letters", "--to", str(tmp_path / "L1"), "--data", str(folder)).exit_code == 0
    organisations = folder / "organisations.toml"
    text = organisations.read_text("utf-8")
    line_end = text.index("\n", text.index("opening_hours", text.index('id = "LOC-003"')))
    closure = 'closures = [{ start = 2027-02-08, end = 2027-02-12, reason = "verbouwing" }]\n'
    organisations.write_text(text[: line_end + 1] + closure + text[line_end + 1 :], "utf-8")
    moved = english("plan", "--commit", "--data", str(folder))
    assert moved.exit_code == 0, moved.output
    assert "committed visit breaks" not in moved.stderr
    undone = english("undo", "--data", str(folder))
    assert undone.exit_code == 0, undone.output
    warning = (
        "Warning: a committed visit breaks a rule: T-2026-022, visit on 2027-02-09 (C-02): "
        "LOC-003 is closed (verbouwing)"
    )
    assert warning in undone.stderr
    letters = english("letters", "--to", str(tmp_path / "L2"), "--data", str(folder))
    assert letters.exit_code == 0, letters.output
    assert warning in letters.stderr
