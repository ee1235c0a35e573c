"""`mentes validate` reports a done traject whose end is still ahead (SPEC 8).

`mentes done ID --end D` refuses an end after today: a traject is done once its last day has
passed (lifecycle.end_still_ahead, through lifecycle.check_end). A Status afgerond with an
Einde after today typed by hand passed validate without a word. Now validate says the same
rule as `done`, at the traject's row and its header Einde (end in TOML), as an error, as it
does for a visit marked done that is still ahead (lifecycle.done_too_soon). The other
commands still read such records, as they read a done visit still ahead.

The suite's today is 30 November 2026 (tests/conftest.py): an end on 30 November is fine,
one on 1 December is not.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli_runner import CliRunner
from english import english_left
from mentes_cli import i18n
from mentes_cli.cli import app

runner = CliRunner()
TODAY, TOMORROW = "2026-11-30", "2026-12-01"
DONE = "T-2025-014"  # done in the sample, end = 2025-05-20

# An active coaching traject: visit 1 took place (24 November), visit 2 is tomorrow.
ACTIVE = """
[[trajects]]
id = "T-2026-910"
location = "LOC-001"
offer = "coaching"
status = "active"
start = 2026-11-24
end = 2026-12-01
coach = "C-02"

[[trajects.visits]]
number = 1
kind = "visit"
date = 2026-11-24
start = "09:00"
hours = 4
coach = "C-02"
state = "done"

[[trajects.visits]]
number = 2
kind = "visit"
date = 2026-12-01
start = "09:00"
hours = 4
coach = "C-02"
state = "planned"
"""


@pytest.fixture(autouse=True)
def _english_after():
    yield
    i18n.set_language(None)


def run(*args: str, lang: str = "en"):
    return runner.invoke(app, ["--lang", lang, *args])


def rule(traject: str, end: str, *, lang: str = "en") -> str:
    if lang == "nl":
        day, today = "/".join(reversed(end.split("-"))), "30/11/2026"
        return (
            f"{traject} is afgerond, maar het einde {day} ligt na vandaag ({today}): een traject "
            "is pas afgerond als zijn laatste dag voorbij is. Geef een einde op of voor vandaag, "
            "of laat het lopend tot dan."
        )
    return (
        f"{traject} is done, but its end {end} is after today ({TODAY}): a traject is done once "
        "its last day has passed. Give an end on or before today, or keep it active until then."
    )


def set_end(folder: Path, traject: str, end: str) -> int:
    """Set the end of `traject` in trajects.toml by hand; give the line of its end."""
    path = folder / "trajects.toml"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index(f'id = "{traject}"')
    while not lines[at].startswith("end = "):
        at += 1
    lines[at] = f"end = {end}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return at + 1


def test_a_done_traject_ending_tomorrow_is_an_error_in_toml(sample_dir):
    assert run("validate", "--data", str(sample_dir)).exit_code == 0
    line = set_end(sample_dir, DONE, TOMORROW)
    result = run("validate", "--data", str(sample_dir))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: trajects.toml, line {line}, traject {DONE}, end: {rule(DONE, TOMORROW)}\n"
    )
    assert result.stdout == ""  # no "OK"
    # The other commands read such records, as they read a done visit still ahead.
    assert run("trajects", "--data", str(sample_dir)).exit_code == 0


def test_a_done_traject_ending_today_is_fine(sample_dir):
    set_end(sample_dir, DONE, TODAY)
    result = run("validate", "--data", str(sample_dir))
    assert result.exit_code == 0, result.output
    assert "OK:" in result.stdout and result.stderr.count("Error") == 0


def test_only_a_done_traject_is_held_to_its_end(sample_dir):
    """A planned or active traject ends later; a done one ending far ahead is an error."""
    with (sample_dir / "trajects.toml").open("a", encoding="utf-8") as stream:
        stream.write(ACTIVE)
    assert run("validate", "--data", str(sample_dir)).exit_code == 0  # active, end tomorrow
    set_end(sample_dir, DONE, "2030-01-01")
    result = run("validate", "--data", str(sample_dir))
    assert result.exit_code == 1
    assert rule(DONE, "2030-01-01") in result.stderr


def test_done_and_validate_apply_the_same_rule(sample_dir):
    with (sample_dir / "trajects.toml").open("a", encoding="utf-8") as stream:
        stream.write(ACTIVE)
    refused = run("done", "T-2026-910", "--end", TOMORROW, "--data", str(sample_dir))
    assert refused.exit_code == 1
    assert f"the end {TOMORROW} is after today ({TODAY})" in " ".join(refused.stderr.split())
    ended = run("done", "T-2026-910", "--end", TODAY, "--data", str(sample_dir))
    assert ended.exit_code == 0, ended.output
    assert run("validate", "--data", str(sample_dir)).exit_code == 0
    # The end typed by hand a day later: validate says what `done` said.
    line = set_end(sample_dir, "T-2026-910", TOMORROW)
    result = run("validate", "--data", str(sample_dir))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: trajects.toml, line {line}, traject T-2026-910, end: "
        f"{rule('T-2026-910', TOMORROW)}\n"
    )


def test_the_rule_has_one_source(sample_dir, monkeypatch):
    """Both commands ask lifecycle.end_still_ahead: with the rule gone, both accept."""
    from mentes_cli import lifecycle

    with (sample_dir / "trajects.toml").open("a", encoding="utf-8") as stream:
        stream.write(ACTIVE)
    set_end(sample_dir, DONE, TOMORROW)
    monkeypatch.setattr(lifecycle, "end_still_ahead", lambda *args: None)
    assert run("validate", "--data", str(sample_dir)).exit_code == 0
    ended = run("done", "T-2026-910", "--end", TOMORROW, "--data", str(sample_dir))
    assert ended.exit_code == 0, ended.output


def test_a_done_traject_ending_tomorrow_in_dutch_names_the_header(sample_dir):
    line = set_end(sample_dir, DONE, TOMORROW)
    result = run("validate", "--data", str(sample_dir), lang="nl")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Fout: trajects.toml, regel {line}, traject {DONE}, Einde (end): "
        f"{rule(DONE, TOMORROW, lang='nl')}\n"
    )
    assert not english_left(result.stderr.replace("(end)", "")), result.stderr


def workbook_with_end(sample_dir: Path, target: Path, end: date) -> int:
    """Give a workbook of the sample records with the Einde of the done traject set to
    `end` by hand; give its row."""
    assert run("export", "--to", str(target), "--data", str(sample_dir)).exit_code == 0
    book = load_workbook(target)
    sheet = book["Trajecten"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Einde") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == DONE)
    sheet.cell(row, column).value = end
    book.save(target)
    return row


@pytest.mark.parametrize(("end", "ok"), [(TODAY, True), (TOMORROW, False)])
def test_a_done_traject_in_a_workbook(sample_dir, tmp_path, end, ok):
    book = tmp_path / "records.xlsx"
    row = workbook_with_end(sample_dir, book, date.fromisoformat(end))
    english = run("validate", "--data", str(book))
    if ok:
        assert english.exit_code == 0, english.output
        return
    assert english.exit_code == 1
    assert english.stderr == (
        f"Error: Trajecten, row {row}, traject {DONE}, Einde: {rule(DONE, end)}\n"
    )
    dutch = run("validate", "--data", str(book), lang="nl")
    assert dutch.exit_code == 1
    assert dutch.stderr == (
        f"Fout: Trajecten, rij {row}, traject {DONE}, Einde: {rule(DONE, end, lang='nl')}\n"
    )
    assert not english_left(dutch.output), dutch.output
