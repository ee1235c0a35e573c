"""The traject-life commands and the inbox in Dutch (SPEC 7): no English sentence left.

Each command runs with `--lang nl` on a copy of the sample, once as it should and once with
bad input; its whole output (stdout and stderr) must hold no English word that a Dutch
sentence never has (tests/english.py). The records it writes, the JSON and the CSV are the
same bytes in both languages.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from mentes_cli.reference import sample_records_dir

runner = CliRunner()


@pytest.fixture(autouse=True)
def _language_back() -> Iterator[None]:
    """`--lang nl` chooses the language for the rest of the process: give it back after each
    test, so that a later test that calls an engine directly reads English again."""
    from mentes_cli import i18n

    yield
    i18n.set_language(None)


def dutch(records: Path, *args: str, code: int = 0) -> str:
    """Run `mentes --lang nl ARGS --data RECORDS`; give its whole output, the records' path
    (a test folder, with English words in its name) written as MAP."""
    result = runner.invoke(app, ["--lang", "nl", *args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result.output.replace(str(records), "MAP")


def english_in(output: str) -> list[str]:
    """Give the lines of `output` with English left."""
    return english_left(output)


# (command, bad input, what the Dutch error says): the happy runs follow one another on the
# same records (request adds T-2026-029, approve moves T-2026-020, ...).
RUNS = [
    (["trajects"], ["trajects", "--location", "LOC-999"], "staat niet in de gegevens", 2),
    (
        ["request", "LOC-012", "bvv-basis", "--requested-on", "30/11/2026"],
        ["request", "LOC-999", "coaching"],
        "opvanglocatie LOC-999 in de gegevens",
        1,
    ),
    (
        ["approve", "T-2026-020"],
        ["approve", "T-2026-020"],
        "Traject T-2026-020 is goedgekeurd; mentes approve is voor een aanvraag",
        1,
    ),
    (
        ["edit", "T-2026-029", "--deadline", "30/06/2027", "--theme", "taal"],
        ["edit", "T-2026-029"],
        "zeg wat je wilt wijzigen",
        2,
    ),
    (
        ["cancel", "T-2026-029", "--reason", "dubbel"],
        ["cancel", "T-9999-001"],
        "traject T-9999-001 staat niet in de gegevens",
        1,
    ),
    (
        ["reopen", "T-2026-029"],
        ["reopen", "T-2026-020"],
        "mentes reopen is voor een geannuleerd traject",
        1,
    ),
    (
        ["unplan", "T-2026-022"],
        ["unplan", "T-2026-022"],
        "Traject T-2026-022 is goedgekeurd",
        1,
    ),
    (["start", "T-2026-023"], ["start", "T-2026-020"], "start is voor een gepland traject", 1),
    (
        ["done", "T-2026-017", "--end", "20/11/2026"],
        ["done", "T-2026-020"],
        "mentes done is voor een lopend traject",
        1,
    ),
    (
        ["visit", "T-2026-023", "1", "--state", "fixed"],
        ["visit", "T-2026-023", "9", "--state", "done"],
        "T-2026-023 heeft geen bezoek 9",
        1,
    ),
    (["history"], ["history", "T-9999-001"], "traject T-9999-001 staat niet in de gegevens", 1),
    (["undo"], ["undo"], "", 1),
]


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with T-2026-022 and T-2026-023 planned, each with committed visits."""
    target = tmp_path_factory.mktemp("dutch") / "records"
    shutil.copytree(sample_records_dir(), target)
    path = target / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    for traject in ("T-2026-022", "T-2026-023"):
        start = text.index(f'id = "{traject}"')
        end = text.index("[[trajects]]", start)
        block = text[start:end].replace('status = "approved"', 'status = "planned"')
        visits = "".join(
            f'\n[[trajects.visits]]\nnumber = {n}\nkind = "visit"\ndate = 2027-01-{11 + n}\n'
            f'start = "08:30"\nhours = 5\ncoach = "C-02"\nuid = "{traject}-{n}@mentes"\n'
            for n in (1, 2)
        )
        block = block.rstrip("\n") + '\nstart = 2027-01-12\nend = 2027-01-13\ncoach = "C-02"\n'
        text = text[:start] + block + visits + "\n" + text[end:]
    path.write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize(("good", "bad", "message", "code"), RUNS, ids=[r[0][0] for r in RUNS])
def test_each_command_speaks_dutch(records: Path, good, bad, message, code, monkeypatch):
    if good[0] == "start":  # a traject starts once its first visit (12/01/2027) took place
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1806494400")  # 2027-03-31 12:00 UTC
    output = dutch(records, *good)
    assert output.strip()
    assert not english_in(output), output
    wrong = dutch(records, *bad, code=code)
    assert message in wrong
    assert not english_in(wrong), wrong


def test_the_states_and_the_history_use_the_glossary_words(tmp_path: Path):
    records = tmp_path / "records"
    shutil.copytree(sample_records_dir(), records)
    assert "T-2026-020: aangevraagd → goedgekeurd." in dutch(records, "approve", "T-2026-020")
    assert "T-2026-020: goedgekeurd → geannuleerd." in dutch(
        records, "cancel", "T-2026-020", "--reason", "dubbel"
    )
    shown = dutch(records, "history", "T-2026-020")
    for words in ("Wanneer", "Veld", "Oud → nieuw", "aangevraagd →", "reden", "dubbel"):
        assert words in shown
    # The record keeps the records' own words, whatever the language of the run.
    history = (records / "history.toml").read_text(encoding="utf-8")
    assert 'field = "status"' in history and 'new = "cancelled"' in history
    assert "geannuleerd" not in history


def test_a_request_that_is_not_free_says_why_in_dutch(tmp_path: Path):
    records = tmp_path / "records"
    shutil.copytree(sample_records_dir(), records)
    output = dutch(records, "request", "LOC-012", "bvv-basis", "--requested-on", "2026-11-30")
    assert "Waarschuwing: Niet gratis op 30/11/2026." in output
    assert "LOC-012 heeft al een gratis BVV-traject op 15/10/2026." in output
    assert "Opnieuw gratis vanaf 01/01/2027." in output
    assert "€\u00a0840,00" in output


def test_the_inbox_in_dutch(tmp_path: Path):
    records = tmp_path / "records"
    shutil.copytree(sample_records_dir(), records)
    output = dutch(records, "trajects", "--as-of", "2026-11-30")
    for words in ("Trajecten", "Beslissing", "niet beschikbaar", "opnieuw gratis vanaf 01/01/2027"):
        assert words in output
    assert "wachtrij: 7" in output and "25 dagen geleden" in output
    assert not english_in(output), output


@pytest.mark.parametrize("output_format", ["json", "csv"])
def test_the_inbox_for_programs_is_the_same_in_both_languages(output_format: str):
    arguments = ["trajects", "--as-of", "2026-11-30", "--format", output_format]
    english = runner.invoke(app, ["--lang", "en", *arguments])
    dutch_run = runner.invoke(app, ["--lang", "nl", *arguments])
    assert english.exit_code == dutch_run.exit_code == 0, dutch_run.output
    assert english.stdout == dutch_run.stdout
    assert "outside" in english.stdout or "dated" in english.stdout  # the engine's English


def test_the_records_written_are_the_same_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1806494400")  # 2027-03-31: after the request
    written = {}
    for language in ("nl", "en"):
        records = tmp_path / language
        shutil.copytree(sample_records_dir(), records)
        for args in (
            ["request", "LOC-011", "bvv-basis", "--requested-on", "2027-01-05"],
            ["approve", "T-2027-001"],
            ["cancel", "T-2027-001", "--reason", "dubbel"],
        ):
            result = runner.invoke(app, ["--lang", language, *args, "--data", str(records)])
            assert result.exit_code == 0, result.output
        history = (records / "history.toml").read_text(encoding="utf-8")
        # The time and the user differ between runs; the rest of every entry is the same.
        written[language] = (
            (records / "trajects.toml").read_bytes(),
            [line for line in history.splitlines() if not line.startswith(("when", "user"))],
        )
    assert written["nl"] == written["en"]


def test_init_in_dutch(tmp_path: Path):
    result = runner.invoke(app, ["--lang", "nl", "init", str(tmp_path / "nieuw")])
    assert result.exit_code == 0, result.output
    output = result.output.replace(str(tmp_path), "MAP")
    assert "is gemaakt. Werk ermee met: mentes --data" in output
    assert not english_in(output), output
    again = runner.invoke(app, ["--lang", "nl", "init", str(tmp_path / "nieuw")])
    assert again.exit_code == 1
    assert "bestaat al en is geen lege map" in again.output
    assert not english_in(again.output.replace(str(tmp_path), "MAP")), again.output


def test_the_lock_waiting_message_and_the_busy_error_in_dutch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import functools
    import subprocess
    import sys

    from mentes_cli.records import store

    records = tmp_path / "records"
    shutil.copytree(sample_records_dir(), records)
    code = (
        "import time; from pathlib import Path; "
        "from mentes_cli.records.lock import RecordsLock; "
        f"lock = RecordsLock(Path({str(records / '.mentes.lock')!r})); lock.acquire(); "
        "print('held', flush=True); time.sleep(30)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(store, "RecordStore", functools.partial(store.RecordStore, timeout=0.3))
        output = dutch(records, "approve", "T-2026-020", code=1)
    finally:
        holder.kill()
        holder.wait()
    assert "Even wachten op de gegevens: " in output
    assert f"(proces {holder.pid} op " in output
    assert "0 s gewacht" in output and "er is niets weggeschreven" in output
    assert not english_in(output), output


def test_a_record_changed_since_it_was_read_is_refused_in_dutch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from mentes_cli.errors import RecordsChangedError
    from mentes_cli.records.store import RecordStore

    monkeypatch.setenv("MENTES_LANG", "nl")
    records = tmp_path / "records"
    shutil.copytree(sample_records_dir(), records)
    target = records / "trajects.toml"
    with (
        pytest.raises(RecordsChangedError) as caught,
        RecordStore(records).change("approve") as change,
    ):
        change.set_fields("T-2026-021", {"coach": "C-01"})
        target.write_text(target.read_text(encoding="utf-8").replace("LOC-", "LOX-"), "utf-8")
    message = str(caught.value).replace(str(records), "MAP")
    assert "gewijzigd nadat mentes het las" in message
    assert not english_in(message), message


def test_the_workbook_history_is_the_same_in_both_languages(tmp_path: Path):
    from openpyxl import load_workbook

    rows = {}
    for language in ("nl", "en"):
        book = tmp_path / f"gegevens-{language}.xlsx"
        assert runner.invoke(app, ["init", str(book)]).exit_code == 0
        for args in (["approve", "T-2026-020"], ["cancel", "T-2026-020", "--reason", "dubbel"]):
            result = runner.invoke(app, ["--lang", language, *args, "--data", str(book)])
            assert result.exit_code == 0, result.output
        sheet = load_workbook(book)["Historiek"]
        # Leave out when and who (columns A and B): they differ between runs.
        rows[language] = [row[2:] for row in sheet.iter_rows(values_only=True)]
    assert rows["nl"] == rows["en"]
    assert rows["nl"][0] == ("Opdracht", "Traject", "Veld", "Oud", "Nieuw")
    assert len(rows["nl"]) == 4


# The values of an option, typed as they are in both languages (`--status approved`).
OPTION_VALUES = frozenset(
    ["requested", "approved", "planned", "active", "done", "cancelled", "fixed", "support", "quote"]
)


@pytest.mark.parametrize(
    "command",
    [
        "trajects", "request", "edit", "approve", "cancel", "unplan", "start", "done", "reopen",
        "visit", "history", "undo", "init", "report",
    ],
)  # fmt: skip
def test_the_help_of_each_command_is_dutch(command: str):
    import subprocess
    import sys

    # Typer builds a command's help before the language option is read under CliRunner;
    # the real command line reads --lang first.
    result = subprocess.run(
        [sys.executable, "-m", "mentes_cli", "--lang", "nl", command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert result.returncode == 0, result.stderr
    assert "Gebruik: mentes" in result.stdout
    assert not english_left(result.stdout, OPTION_VALUES), result.stdout
