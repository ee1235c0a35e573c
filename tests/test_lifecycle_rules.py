"""The rules of a traject's life the coordinator relies on (SPEC 8), in one place each:

- a paid package is approved only where the centre sells it (the offerte's paid scope);
- an edit never leaves two approved free trajects of one location that cannot both be free;
- a visit is done, and a traject ends, only once it took place; the visits of a done or
  cancelled traject are history;
- a refusal is one sentence about the traject, exit 1, nothing written;
- the Dutch words of the help are accepted on the command line;
- a request is not dated in the future, a second identical request is pointed out, and an
  empty theme is no theme.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from test_lifecycle_cli import PLANNED

runner = CliRunner()

BEFORE_THE_VISITS = "1796904000"  # 2026-12-10 12:00 UTC
AFTER_THE_FIRST_VISIT = "1800446400"  # 2027-01-20 12:00 UTC: visit 1 (12/01) took place
AFTER_THE_VISITS = "1806494400"  # 2027-03-31 12:00 UTC


@pytest.fixture(autouse=True)
def _english_back() -> Iterator[None]:
    from mentes_cli import i18n

    yield
    i18n.set_language(None)


@pytest.fixture
def records(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample with T-2026-022 planned (PLANNED: visits on 11/01, 12/01 and 02/03/2027);
    today is 10/12/2026 unless a test moves it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BEFORE_THE_VISITS)
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('id = "T-2026-022"')
    end = text.index("[[trajects]]", start)
    path.write_text(text[:start] + PLANNED + "\n" + text[end:], encoding="utf-8")
    return sample_dir


def mentes(records: Path, *args: str, code: int = 0, lang: str = "en"):
    result = runner.invoke(app, ["--lang", lang, *args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def refused(records: Path, *args: str, code: int = 1, lang: str = "en") -> str:
    """Run a command that must be refused: nothing written; give its output on one line."""
    before = (records / "trajects.toml").read_bytes()
    history = (
        (records / "history.toml").read_bytes() if (records / "history.toml").exists() else b""
    )
    result = mentes(records, *args, code=code, lang=lang)
    assert (records / "trajects.toml").read_bytes() == before
    after = (records / "history.toml").read_bytes() if (records / "history.toml").exists() else b""
    assert after == history
    return " ".join(result.output.split())


def one_sentence(output: str) -> None:
    """A refusal of a command is one sentence: no list of problems, no line of a file."""
    assert "problems found" not in output and "problemen gevonden" not in output
    assert ", line " not in output and ", regel " not in output
    assert "it would leave" not in output


def traject(records: Path, traject_id: str) -> dict:
    data = tomllib.loads((records / "trajects.toml").read_text(encoding="utf-8"))
    return next(t for t in data["trajects"] if t["id"] == traject_id)


def last_id(records: Path) -> str:
    data = tomllib.loads((records / "trajects.toml").read_text(encoding="utf-8"))
    return data["trajects"][-1]["id"]


# --- a paid package only where it is sold (finding 2) ----------------------------------------

OUTSIDE = (
    "LOC-008 (Maneblusser Mechelen-Noord, 2800 Mechelen) lies outside the ten districts of "
    "Antwerp: traject A is only offered there"
)


def test_a_paid_package_outside_its_area_is_requested_with_a_warning_but_never_approved(
    records: Path,
):
    added = mentes(records, "request", "LOC-008", "A")
    assert f"Warning: {OUTSIDE}" in " ".join(added.output.split())
    new = last_id(records)
    output = refused(records, "approve", new)
    assert f"{new} cannot be approved: {OUTSIDE}" in output
    assert traject(records, new)["status"] == "requested"
    output = refused(records, "request", "LOC-008", "D", "--approve")
    assert "Not approved, nothing was written: LOC-008" in output
    assert "traject D is only offered there" in output


def test_a_paid_package_inside_its_area_is_approved(records: Path):
    mentes(records, "request", "LOC-003", "C", "--approve")
    assert traject(records, last_id(records))["status"] == "approved"


def test_a_paid_package_outside_its_area_in_dutch(records: Path):
    mentes(records, "request", "LOC-008", "A")
    output = refused(records, "approve", last_id(records), lang="nl")
    assert "kan niet goedgekeurd worden" in output
    assert "Mechelen" in output
    assert not english_left(output.replace(str(records), "MAP")), output


# --- an edit keeps approved free trajects free (finding 6) -----------------------------------


@pytest.fixture
def two_free(records: Path) -> Path:
    """LOC-002 has two approved free coaching trajects, far enough apart to be both free."""
    mentes(records, "request", "LOC-002", "coaching", "--approve", "--earliest", "2027-02-01")
    mentes(records, "request", "LOC-002", "coaching", "--approve", "--earliest", "2029-06-01")
    return records


def test_an_edit_that_makes_an_approved_free_traject_not_free_is_refused(two_free: Path):
    output = refused(two_free, "edit", "T-2026-030", "--earliest", "2027-03-01")
    assert "T-2026-030 was not changed, nothing was written: it would no longer be free." in output
    assert "Not free on 2027-03-01." in output
    one_sentence(output)


def test_an_edit_that_makes_the_other_approved_free_traject_not_free_is_refused(two_free: Path):
    output = refused(two_free, "edit", "T-2026-029", "--earliest", "2029-01-01")
    assert "T-2026-029 was not changed" in output
    assert "Not free on 2029-01-01." in output


def test_an_edit_that_keeps_both_free_is_made(two_free: Path):
    mentes(two_free, "edit", "T-2026-030", "--earliest", "2029-07-01")
    assert str(traject(two_free, "T-2026-030")["earliest"]) == "2029-07-01"


# --- done only once it took place (finding 8) ------------------------------------------------


def test_done_without_end_is_refused_while_the_last_visit_is_ahead(records: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_THE_FIRST_VISIT)
    mentes(records, "start", "T-2026-022")
    output = refused(records, "done", "T-2026-022")
    assert "T-2026-022: its last committed visit is on 2027-03-02, after today (2027-01-20)" in (
        output
    )
    assert traject(records, "T-2026-022")["status"] == "active"


def test_done_with_an_end_after_today_is_refused(records: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_THE_FIRST_VISIT)
    mentes(records, "start", "T-2026-022")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_THE_VISITS)
    output = refused(records, "done", "T-2026-022", "--end", "2030-01-01")
    assert "the end 2030-01-01 is after today (2027-03-31)" in output
    mentes(records, "done", "T-2026-022")
    assert traject(records, "T-2026-022")["status"] == "done"


def test_done_on_today_with_a_later_visit_cancels_it(records: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_THE_FIRST_VISIT)
    mentes(records, "start", "T-2026-022")
    mentes(records, "done", "T-2026-022", "--end", "2027-01-20")
    states = [v["state"] for v in traject(records, "T-2026-022")["visits"]]
    assert states == ["done", "done", "cancelled"]


def test_a_visit_ahead_is_not_done(records: Path):
    output = refused(records, "visit", "T-2026-022", "1", "--state", "done")
    assert "T-2026-022, visit 1 is on 2027-01-12, after today (2026-12-10)" in output


def test_a_visit_that_took_place_is_done_on_a_planned_traject(records: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_THE_FIRST_VISIT)
    mentes(records, "visit", "T-2026-022", "1", "--state", "done")
    assert traject(records, "T-2026-022")["visits"][1]["state"] == "done"
    refused(records, "visit", "T-2026-022", "2", "--state", "done")


@pytest.mark.parametrize("state", ["planned", "fixed", "done"])
def test_the_visits_of_a_done_traject_do_not_change(records: Path, monkeypatch, state: str):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_THE_VISITS)
    mentes(records, "start", "T-2026-022")
    mentes(records, "done", "T-2026-022")
    output = refused(records, "visit", "T-2026-022", "1", "--state", state)
    assert "Traject T-2026-022 is done: its visits do not change any more." in output


def test_the_visits_of_a_cancelled_traject_do_not_change(records: Path):
    mentes(records, "cancel", "T-2026-022")
    output = refused(records, "visit", "T-2026-022", "1", "--state", "planned")
    assert "Traject T-2026-022 is cancelled: its visits do not change any more." in output


# --- leftovers and refusals in one sentence (finding 11) -------------------------------------


def test_reopen_gives_back_what_the_plan_gave_as_unplan_does(records: Path):
    mentes(records, "cancel", "T-2026-022")
    mentes(records, "reopen", "T-2026-022")
    reopened = traject(records, "T-2026-022")
    assert reopened["status"] == "requested"
    assert not {"coach", "start", "end", "reason"} & set(reopened)
    mentes(records, "approve", "T-2026-022")


def test_unplan_gives_back_the_coach_of_the_plan(records: Path):
    mentes(records, "unplan", "T-2026-022")
    assert not {"coach", "start", "end"} & set(traject(records, "T-2026-022"))


def test_reopen_keeps_the_coach_asked_for_on_a_request_never_planned(records: Path):
    mentes(records, "request", "LOC-011", "coaching", "--coach", "C-01")
    new = last_id(records)
    mentes(records, "cancel", new)
    mentes(records, "reopen", new)
    assert traject(records, new)["coach"] == "C-01"


def test_unplan_of_a_traject_with_a_visit_done_is_one_sentence(records: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_THE_FIRST_VISIT)
    mentes(records, "visit", "T-2026-022", "1", "--state", "done")
    output = refused(records, "unplan", "T-2026-022")
    assert "Traject T-2026-022 has a visit that is done, so it cannot be unplanned." in output
    assert "mentes done T-2026-022 --end DATE" in output
    one_sentence(output)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["edit", "T-2026-020", "--domain", "Pedagogisch beleid"],
            "T-2026-020 was not changed, nothing was written: domains are only for BVV "
            "trajects, not for offer coaching",
        ),
        (
            ["edit", "T-2026-024", "--contact-moments", "9"],
            "T-2026-024 was not changed, nothing was written: --contact-moments:",
        ),
        (
            ["edit", "T-2026-027", "--coach", "C-01"],
            "T-2026-027 was not changed, nothing was written: --coach: offer bvv-vervolg needs "
            "a regional supporter, but C-01 is a pedagogical coach",
        ),
        (
            ["request", "LOC-001", "bvv-basis", "--coach", "C-01"],
            "The request was not added, nothing was written: --coach: offer bvv-basis needs a "
            "regional supporter, but C-01 is a pedagogical coach",
        ),
    ],
)
def test_a_change_that_does_not_fit_the_traject_is_one_sentence(records: Path, args, said):
    output = refused(records, *args)
    assert said in output
    one_sentence(output)


# --- the Dutch words of the help (finding 15) ------------------------------------------------


@pytest.mark.parametrize(
    ("word", "state"), [("vast", "fixed"), ("VAST", "fixed"), ("Gepland", "planned")]
)
def test_a_visit_state_in_dutch(records: Path, word: str, state: str):
    mentes(records, "visit", "T-2026-022", "2", "--state", word)
    # A visit planned already stays as written (no state key: planned): nothing is rewritten.
    assert traject(records, "T-2026-022")["visits"][2].get("state", "planned") == state


def test_a_visit_done_in_dutch(records: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_THE_FIRST_VISIT)
    result = mentes(records, "visit", "T-2026-022", "1", "--state", "gedaan", lang="nl")
    assert "T-2026-022, bezoek 1: gedaan." in result.output
    assert traject(records, "T-2026-022")["visits"][1]["state"] == "done"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "T-2026-022, visit 2: planned already; nothing changed."),
        ("nl", "T-2026-022, bezoek 2: al gepland; er is niets veranderd."),
    ],
)
def test_a_visit_given_the_state_it_has_writes_nothing_and_says_so(records: Path, lang, said):
    before = (records / "trajects.toml").read_bytes()
    history = records / "history.toml"
    had_history = history.read_bytes() if history.exists() else None
    result = mentes(records, "visit", "T-2026-022", "2", "--state", "planned", lang=lang)
    assert said in result.output
    assert (records / "trajects.toml").read_bytes() == before
    assert (history.read_bytes() if history.exists() else None) == had_history


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_state_a_visit_cannot_be_given_is_a_usage_error(records: Path, lang: str):
    output = refused(
        records, "visit", "T-2026-022", "1", "--state", "geannuleerd", code=2, lang=lang
    )
    assert "geannuleerd" in output
    assert "gepland, vast" in output


@pytest.mark.parametrize(
    ("words", "statuses"),
    [
        (["afgerond"], {"done"}),
        (["Goedgekeurd", "aangevraagd"], {"approved", "requested"}),
        (["done", "geannuleerd"], {"done", "cancelled"}),
    ],
)
def test_the_inbox_takes_a_status_in_both_languages(records: Path, words, statuses):
    import json

    args = [part for word in words for part in ("--status", word)]
    result = mentes(records, "trajects", *args, "--format", "json", "--as-of", "2026-12-10")
    shown = {row["status"] for row in json.loads(result.stdout)["trajects"]}
    assert shown == statuses


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_an_unknown_status_names_the_words_in_both_languages(records: Path, lang: str):
    output = refused(records, "trajects", "--status", "klaar", code=2, lang=lang)
    assert "klaar" in output and "afgerond" in output and "done" in output


def test_a_domain_is_typed_in_any_case(records: Path):
    mentes(records, "request", "LOC-011", "bvv-basis", "--domain", "pedagogisch BELEID")
    new = last_id(records)
    assert traject(records, new)["domains"] == ["Pedagogisch beleid"]
    mentes(records, "edit", new, "--domain", "toegankelijkheid", "--domain", "Pedagogisch Beleid")
    assert traject(records, new)["domains"] == ["Toegankelijkheid", "Pedagogisch beleid"]


# --- requests: no future date, the same twice, an empty theme (finding 19) ------------------


def test_a_request_dated_after_today_is_refused(records: Path):
    output = refused(
        records, "request", "LOC-011", "coaching", "--requested-on", "2030-01-01", code=2
    )
    assert "--requested-on 2030-01-01 is after today (2026-12-10)" in output
    mentes(records, "request", "LOC-011", "coaching", "--requested-on", "2026-12-10")


def test_the_same_open_request_twice_is_pointed_out(records: Path):
    first = mentes(records, "request", "LOC-013", "bvv-basis")
    assert "open already" not in first.output
    second = " ".join(mentes(records, "request", "LOC-013", "bvv-basis").output.split())
    new = last_id(records)
    assert "Warning: LOC-013 has bvv-basis open already (T-2026-029)" in second
    assert f"mentes cancel {new}" in second
    mentes(records, "cancel", new)
    mentes(records, "cancel", "T-2026-029")
    third = mentes(records, "request", "LOC-013", "bvv-basis")
    assert "open already" not in third.output


def test_an_empty_theme_is_no_theme(records: Path):
    mentes(records, "edit", "T-2026-020", "--theme", "taal")
    assert traject(records, "T-2026-020")["theme"] == "taal"
    mentes(records, "edit", "T-2026-020", "--theme", "")
    assert "theme" not in traject(records, "T-2026-020")
    mentes(records, "request", "LOC-011", "bvv-basis", "--theme", " ")
    assert "theme" not in traject(records, last_id(records))


# --- the refusals in Dutch -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["done", "T-2026-022", "--end", "2030-01-01"], 1, "na vandaag"),
        (["visit", "T-2026-022", "1", "--state", "gedaan"], 1, "na vandaag"),
        (["edit", "T-2026-020", "--domain", "pedagogisch beleid"], 1, "niet gewijzigd"),
        (["request", "LOC-001", "bvv-basis", "--coach", "C-01"], 1, "niet toegevoegd"),
        (["request", "LOC-011", "coaching", "--requested-on", "2030-01-01"], 2, "na vandaag"),
        (["cancel", "T-2026-022"], 0, ""),
    ],
)
def test_the_refusals_in_dutch(records: Path, args, code: int, said: str, monkeypatch):
    if args[0] == "done":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_THE_FIRST_VISIT)
        mentes(records, "start", "T-2026-022")
    output = mentes(records, *args, code=code, lang="nl").output.replace(str(records), "MAP")
    assert said in " ".join(output.split())
    assert not english_left(output), output
    if args[0] == "cancel":
        output = refused(records, "visit", "T-2026-022", "1", "--state", "vast", lang="nl")
        assert "zijn bezoeken veranderen niet meer" in output
        assert not english_left(output.replace(str(records), "MAP")), output


def test_a_mistake_already_in_the_records_keeps_its_file_and_line(records: Path):
    """Only a change's refusal is said as one sentence: a record typed wrong by hand is named
    where it is, so that the coordinator can find it."""
    path = records / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('id = "T-2026-020"')
    path.write_text(
        text[:start] + text[start:].replace('status = "requested"', 'status = "requested"\n'
        'domains = ["Toegankelijkheid"]', 1), encoding="utf-8")  # fmt: skip
    output = refused(records, "approve", "T-2026-020")
    assert "trajects.toml, line" in output
    assert "domains are only for BVV trajects" in output
