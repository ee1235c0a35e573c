"""The life of a traject (SPEC 8): allowed moves, new ids, and committed visits in the records."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from mentes_cli.errors import InputError, LifecycleError
from mentes_cli.lifecycle import COMMANDS, MOVES, check_move, new_traject_id
from mentes_cli.load import load_records, resolve_source
from mentes_cli.models import STATUSES, CommittedVisit, Traject

ALLOWED = {
    ("requested", "approved"),
    ("requested", "cancelled"),
    ("approved", "planned"),
    ("approved", "cancelled"),
    ("planned", "active"),
    ("planned", "approved"),
    ("planned", "cancelled"),
    ("active", "done"),
    ("cancelled", "requested"),
}


def traject(status: str, visits: list[CommittedVisit] = ()) -> Traject:
    start = date(2027, 3, 1) if status in ("planned", "active", "done") else None
    return Traject(
        id="T-2027-001",
        location="LOC-1",
        offer="coaching",
        status=status,
        start=start,
        visits=list(visits),
    )


def test_the_moves_are_those_of_spec_8():
    assert {(a, b) for a, moves in MOVES.items() for b in moves} == ALLOWED


@pytest.mark.parametrize(("old", "new"), list(itertools.permutations(STATUSES, 2)))
def test_every_move_is_allowed_or_refused_with_the_allowed_ones(old: str, new: str):
    if (old, new) in ALLOWED:
        check_move(traject(old), new)
        return
    with pytest.raises(LifecycleError) as refused:
        check_move(traject(old), new)
    message = str(refused.value)
    assert f"Traject T-2027-001 is {old}" in message
    for allowed in MOVES[old]:
        command = COMMANDS[(old, allowed)]
        # `plan --commit` plans every approved traject: it is named without an id.
        assert (command if allowed == "planned" else f"{command} T-2027-001") in message


def test_a_refusal_names_the_commands_that_can_move_it():
    with pytest.raises(LifecycleError, match=r"What it can do now: mentes start T-2027-001, "
                       r"mentes unplan T-2027-001, mentes cancel T-2027-001\."):  # fmt: skip
        check_move(traject("planned"), "done")


def test_a_done_traject_moves_no_more():
    with pytest.raises(LifecycleError, match="a done traject does not change any more"):
        check_move(traject("done"), "requested")


def test_a_traject_with_a_visit_done_is_not_cancelled_but_ended():
    done = CommittedVisit(number=1, kind="visit", date=date(2027, 3, 1), start="08:30",
                          hours=6.25, coach="C-01", state="done")  # fmt: skip
    with pytest.raises(LifecycleError, match=r"mentes done T-2027-001 --end DATE"):
        check_move(traject("active", [done]), "cancelled")
    check_move(traject("planned", [done.model_copy(update={"state": "fixed"})]), "cancelled")


@pytest.mark.parametrize(
    ("existing", "year", "expected"),
    [
        ([], 2027, "T-2027-001"),
        (["T-2027-009", "T-2026-050", "X-2027-100"], 2027, "T-2027-010"),
        (["T-2027-999"], 2027, "T-2027-1000"),
        (["T-2026-004"], 2027, "T-2027-001"),
    ],
)
def test_a_new_request_gets_the_next_id_of_its_year(existing, year, expected):
    assert new_traject_id(existing, year) == expected


VISITS = """
[[trajects.visits]]
number = 1
kind = "visit"
date = 2025-03-10
start = "08:30"
hours = 6.25
coach = "C-02"
state = "done"
uid = "v1@mentes"
"""


def with_visits(folder: Path, text: str, after: str = 'theme = "warme interacties"\n') -> Path:
    path = folder / "trajects.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(after, after + text, 1), "utf-8")
    return folder


def load(folder: Path):
    return load_records(resolve_source(folder)).records


def test_committed_visits_load_with_their_traject(sample_dir: Path):
    records = load(with_visits(sample_dir, VISITS))
    visit = next(t for t in records.trajects if t.id == "T-2025-014").visits[0]
    assert (visit.number, visit.date, visit.state, visit.uid) == (1, date(2025, 3, 10), "done",
                                                                  "v1@mentes")  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('start = "08:30"', 'start = "8u30"'), 'visit 1, start: must be a time "HH:MM"'),
        (("hours = 6.25", 'hours = "6"'), "visit 1, hours: must be a number, got text"),
        (('state = "done"', 'state = "klaar"'), "visit 1, state: must be"),
        (('kind = "visit"', 'kind = "intake"'), "the intake call has number 0"),
        (('coach = "C-02"\nstate', 'coach = "C-99"\nstate'), "visit 1, coach: coach 'C-99' does"),
    ],
)
def test_a_wrong_visit_is_named_with_its_traject_and_field(sample_dir, change, message):
    with_visits(sample_dir, VISITS.replace(*change))
    with pytest.raises(InputError) as error:
        load(sample_dir)
    assert "trajects.toml, line 6, traject T-2025-014" in str(error.value)
    assert message in str(error.value)


def test_two_visits_of_one_number_and_a_shared_uid_are_refused(sample_dir):
    with_visits(sample_dir, VISITS + VISITS)
    with pytest.raises(InputError) as error:
        load(sample_dir)
    text = str(error.value)
    assert "visit 2, number: number 1 is given to two visits that are not cancelled" in text
    assert "visit 2, uid: uid 'v1@mentes' is also the uid of a visit of traject T-2025-014" in text


def test_a_requested_traject_has_no_committed_visits(sample_dir):
    with_visits(sample_dir, VISITS.replace('state = "done"', 'state = "planned"'),
                after='theme = "taalstimulering"\n')  # fmt: skip
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('offer = "C"\nstatus = "done"', 'offer = "C"\nstatus = "requested"'
                                 , 1), "utf-8")  # fmt: skip
    with pytest.raises(InputError, match="a requested traject has no visits that are planned"):
        load(sample_dir)
    # A visit that disappeared stays, cancelled, so that calendars remove it.
    path.write_text(path.read_text("utf-8").replace('state = "planned"', 'state = "cancelled"'),
                    "utf-8")  # fmt: skip
    assert load(sample_dir).trajects
