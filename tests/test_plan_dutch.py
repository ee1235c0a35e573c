"""`mentes plan` in Dutch, the default (SPEC 7): tables, reasons, --check, --commit, errors and
the schedule workbook say nothing in English; JSON is the same bytes in both languages."""

from __future__ import annotations

import itertools
import json
import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
# Too short for most trajects: every kind of reason shows up.
SHORT = ["--start", "2027-01-04", "--end", "2027-01-31"]


def mentes(*args: str, lang: str = "nl", code: int = 0):
    result = runner.invoke(app, ["--lang", lang, *args])
    assert result.exit_code == code, result.output
    return result


def dutch_only(text: str) -> None:
    """Fail on any English sentence left in `text`."""
    assert not english_left(text)


def test_plan_on_the_sample_is_dutch():
    result = mentes("plan", *WINDOW)
    dutch_only(result.stdout + result.stderr)
    assert "8 trajecten gepland in 44 bezoeken; 0 niet gepland." in result.stdout
    assert "04/01/2027" in result.stdout and "2027-01-04" not in result.stdout
    assert "6,25" in result.stdout


def test_the_reasons_a_traject_is_not_planned_are_dutch():
    result = mentes("plan", *SHORT)
    dutch_only(result.stdout + result.stderr)
    shown = " ".join(result.stdout[result.stdout.index("Niet gepland") :].split())
    assert "geen dag om in te plannen: de vroegste dag (01/02/2027) valt na het einde" in shown
    assert "plaats voor maar" in shown and "vrije data:" in shown


def test_the_reasons_wrap_with_a_hanging_indent(monkeypatch):
    from mentes_cli.cli.common import stdout

    monkeypatch.setattr(stdout, "width", 80)
    english = mentes("plan", *SHORT, lang="en").stdout
    dutch = mentes("plan", *SHORT).stdout
    for shown, title in ((english, "Not planned"), (dutch, "Niet gepland")):
        lines = shown[shown.index(title) :].splitlines()[1:]
        block = list(
            itertools.takewhile(lambda line: line.startswith(("T-", "  - ", "    ")), lines)
        )
        assert len(block) > 20 and all(len(line) <= 80 for line in block)
        # A reason's next lines start under its first word; a traject id stands on its own line.
        assert any(line.startswith("    ") and line[4] != " " for line in block)
        assert [line for line in block if line.startswith("T-")] == [
            line.strip() for line in block if line.startswith("T-")
        ]


def test_the_reason_in_json_is_the_english_sentence_the_terminal_says():
    """One reason, two languages: the English text is what JSON carries."""
    from mentes_cli.cli.common import stdout

    english = mentes("plan", *SHORT, lang="en")
    data = json.loads(mentes("plan", *SHORT, "--format", "json").stdout)
    first = data["unplanned"][0]
    shown = " ".join(english.stdout.split())
    for reason in first["reasons"]:
        assert " ".join(reason.split()) in shown
    assert stdout.width >= 40


@pytest.mark.parametrize("window", [WINDOW, SHORT])
def test_json_is_the_same_bytes_in_both_languages(window):
    dutch = mentes("plan", *window, "--format", "json").stdout
    english = mentes("plan", *window, "--format", "json", lang="en").stdout
    assert dutch == english
    assert json.loads(dutch)["visits"]


def test_csv_is_the_same_bytes_and_its_notices_are_dutch():
    dutch = mentes("plan", *SHORT, "--format", "csv")
    english = mentes("plan", *SHORT, "--format", "csv", lang="en")
    assert dutch.stdout == english.stdout
    dutch_only(dutch.stderr)
    assert "Niet gepland: T-2026-021: " in dutch.stderr


def test_check_is_dutch(tmp_path: Path):
    saved = tmp_path / "plan.toml"
    mentes("plan", *WINDOW, "--save", str(saved))
    clean = mentes("plan", "--check", str(saved))
    dutch_only(clean.stdout + clean.stderr)
    assert "plan.toml: geen overtredingen (45 bezoeken gecontroleerd)." in clean.stdout
    text = saved.read_text(encoding="utf-8").replace(
        'date = 2027-01-04\nstart = "08:30"\nhours = 6.25',
        'date = 2027-01-01\nstart = "08:30"\nhours = 6.25',
        1,
    )
    saved.write_text(text, encoding="utf-8")
    broken = mentes("plan", "--check", str(saved), code=1)
    dutch_only(broken.stdout + broken.stderr)
    assert "4 overtredingen:" in broken.stdout
    flat = " ".join(broken.stdout.split())
    assert "01/01/2027 is een feestdag (Nieuwjaar) [feestdag]" in flat
    assert "vrijdag is geen werkdag van C-01 (ma, di, wo, do) [werkdagen]" in flat


def test_commit_is_dutch(sample_dir: Path):
    """--commit, then --check-records (pytest names its folder after the test: no English)."""
    # A folder with a Dutch name: the path is printed, and "records" is an English word.
    sample_dir = sample_dir.rename(sample_dir.with_name("gegevens"))
    committed = mentes("plan", *WINDOW, "--commit", "--data", str(sample_dir))
    dutch_only(committed.stdout + committed.stderr)
    assert "Vastgelegd in de gegevens: 8 trajecten gepland" in committed.stderr
    checked = mentes("plan", "--check-records", "--data", str(sample_dir))
    dutch_only(checked.stdout + checked.stderr)
    assert "De vastgelegde bezoeken breken geen enkele regel (45 bezoeken)." in checked.stdout
    alone = mentes("plan", "--check", "--data", str(sample_dir))  # SPEC 8: no file needed
    assert alone.stdout == checked.stdout
    short = mentes("plan", *SHORT, "--data", str(sample_dir))
    dutch_only(short.stdout + short.stderr)
    assert "vallen na het einde van de planning op 31/01/2027" in short.stderr


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--output", "plan.txt"], "de planning moet een .xlsx-bestand zijn"),
        (["--start", "2027-02-01", "--end", "2027-01-01"], "--end 01/01/2027 valt voor"),
        (["--check", "plan.xlsx"], "dit is geen bewaarde planning"),
        (["--commit", "--keep", "plan.toml"], "--keep kan daar niet bij"),
    ],
)
def test_bad_input_is_dutch(arguments, said):
    result = mentes("plan", *arguments, code=2)
    assert said in result.stderr
    dutch_only(result.stderr)
    assert "Fout: " in result.stderr


def test_a_bad_saved_plan_is_dutch(tmp_path: Path):
    saved = tmp_path / "plan.toml"
    saved.write_text(
        'start = 2027-01-04\nend = 2027-06-30\n\n[[visits]]\ntraject = "T-2026-023"\n'
        'location = "LOC-005"\ncoach = "C-01"\ndate = "next week"\nstart = "8u"\nhours = 6.25\n',
        encoding="utf-8",
    )
    result = mentes("plan", *WINDOW, "--keep", str(saved), code=1)
    assert "bezoek 1, start: moet een tijdstip UU:MM zijn, niet '8u'" in result.stderr
    assert "bezoek 1, date: moet een datum zijn (jjjj-mm-dd), niet 'next week'" in result.stderr


def test_help_is_dutch():
    import subprocess
    import sys

    shown = subprocess.run(
        [sys.executable, "-m", "mentes_cli", "--lang", "nl", "plan", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "", "COLUMNS": "100", "MENTES_LANG": "en"},
    ).stdout
    options = shown[shown.index("--start") : shown.index("--force")]
    assert not english_left(options, allowed=frozenset({"default", "days"}))  # window.default_days
    assert "Plan elk goedgekeurd traject in op bezoekdagen" in shown


def test_a_large_plan_prints_a_summary_per_coach(monkeypatch):
    from mentes_cli.cli import plan as plan_command

    monkeypatch.setattr(plan_command, "LARGE_PLAN_VISITS", 20)
    summary = mentes("plan", *WINDOW)
    dutch_only(summary.stdout)
    assert "Planning 04/01/2027 tot 30/06/2027: per coach" in summary.stdout
    assert "bezoeken per week" not in summary.stdout
    rows = [line.split() for line in summary.stdout.splitlines() if line.startswith(" C-01")]
    assert rows and rows[0][-2:] == ["04/01/2027", "01/03/2027"]
    assert "--all" in summary.stdout and "--format csv" in summary.stdout
    assert "8 trajecten gepland in 44 bezoeken" in summary.stdout
    english = mentes("plan", *WINDOW, lang="en").stdout
    assert "Plan 2027-01-04 to 2027-06-30: per coach" in english
    every = mentes("plan", *WINDOW, "--all").stdout
    assert "bezoeken per week" in every and "per coach" not in every


def test_the_schedule_workbook_follows_the_language(tmp_path: Path):
    mentes("plan", *SHORT, "--output", str(tmp_path / "nl.xlsx"))
    mentes("plan", *SHORT, "--output", str(tmp_path / "en.xlsx"), lang="en")
    dutch = load_workbook(tmp_path / "nl.xlsx")
    english = load_workbook(tmp_path / "en.xlsx")
    assert dutch.sheetnames[:5] == [
        "Bezoeken",
        "Weekoverzicht",
        "Capaciteit",
        "Trajecten",
        "Niet gepland",
    ]
    assert english.sheetnames[:5] == [
        "Visits",
        "Week overview",
        "Capacity",
        "Trajects",
        "Not planned",
    ]
    reasons = [row[5] for row in dutch["Niet gepland"].iter_rows(min_row=2, values_only=True)]
    assert reasons and not english_left("\n".join(reasons))
    english_reasons = [
        row[5] for row in english["Not planned"].iter_rows(min_row=2, values_only=True)
    ]
    data = json.loads(mentes("plan", *SHORT, "--format", "json").stdout)
    assert english_reasons == [r for item in data["unplanned"] for r in item["reasons"]]
    headers = [cell.value for cell in dutch["Bezoeken"][1]]
    assert headers[:4] == ["Datum", "Weekdag", "Begin", "Einde"]
    assert [cell.value for cell in english["Visits"][1]][:4] == ["Date", "Weekday", "Start", "End"]
    assert dutch["Bezoeken"]["B2"].value == "maandag"
    assert english["Visits"]["B2"].value == "Monday"
    assert dutch["Bezoeken"]["A2"].number_format == "dd/mm/yyyy"
    assert english["Visits"]["A2"].number_format == "yyyy-mm-dd"
    notes = " ".join(
        str(cell.value) for row in dutch["Capaciteit"].iter_rows() for cell in row if cell.value
    )
    assert not english_left(textwrap.fill(notes))


def test_kept_visits_that_no_longer_fit_are_said_in_dutch(sample_dir: Path):
    """The planner's own warnings about committed visits (a coach's leave) are Dutch too."""
    from test_plan_commit import add_leave

    mentes("plan", "--commit", "--data", str(sample_dir))
    add_leave(sample_dir, "C-02", "2027-02-15", "2027-12-31")
    dutch = mentes("plan", "--data", str(sample_dir))
    assert "valt op een dag dat C-02 niet werkt [verlof]" in " ".join(dutch.output.split())
    dutch_only(dutch.output)
    english = mentes("plan", "--data", str(sample_dir), lang="en")
    assert "falls on a day C-02 does not work [leave]" in " ".join(english.output.split())
