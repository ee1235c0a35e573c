"""`mentes trajects` flags an incomplete traject (review 2, finding 12; SPEC 5 rule 7, SPEC 8).

The inbox reads the records only: it asks the check of `plan --check-records`
(plan.check.check_committed) about the committed visits, and shows per planned or active
traject what it found: "incomplete: 7 of 8 visits planned" (its live visits are not the
offer's shape: one cancelled by hand), "3 of 8 visits break a rule" (a leave added after the
commit: `plan` moves them or calls the traject incomplete), and lists those trajects after
the table as trajects to act on, with the check's sentences.
"""

from __future__ import annotations

import json
from pathlib import Path

from english import english_left
from incomplete_cases import (
    at_epoch_in_english,  # noqa: F401 (autouse)
    cancel_by_hand,
    cancelled_case,
    leave_case,
    mentes,
)

AS_OF = ["--as-of", "2026-12-01"]


def rows(records: Path) -> dict[str, dict]:
    data = json.loads(mentes(records, "trajects", *AS_OF, "--format", "json").stdout)
    return {row["traject"]: row for row in data["trajects"]}


def test_a_visit_cancelled_by_hand_makes_the_traject_incomplete_in_the_inbox(sample_dir):
    cancelled_case(sample_dir)
    found = rows(sample_dir)
    row = found["T-2026-023"]
    assert (row["incomplete"], row["visits_planned"], row["visits_told"]) == (True, 7, 8)
    assert row["visits_breaking_rule"] == 0
    # The other committed trajects are whole; a request has none of these facts.
    assert found["T-2026-025"]["incomplete"] is False
    assert found["T-2026-025"]["visits_planned"] == found["T-2026-025"]["visits_told"] == 8
    assert found["T-2026-020"]["incomplete"] is None

    table = mentes(sample_dir, "trajects", *AS_OF).stdout
    assert "incomplete: 7 of 8 visits planned" in " ".join(table.split())
    after = table[table.index("1 traject to act on:") :]
    assert "T-2026-023: incomplete: 7 of 8 visits planned" in after
    assert "[visits]" in after  # the check's own sentence, with its rule
    assert "unplan" in after  # what to do
    assert "T-2026-025" not in after


def test_visits_on_a_leave_day_are_flagged_as_breaking_a_rule(sample_dir):
    leave_case(sample_dir)
    found = rows(sample_dir)
    for traject in ("T-2026-021", "T-2026-022"):
        row = found[traject]
        assert (row["incomplete"], row["visits_breaking_rule"], row["visits_told"]) == (
            False,
            3,
            8,
        ), traject
    table = mentes(sample_dir, "trajects", *AS_OF).stdout
    after = " ".join(table[table.index("2 trajects to act on:") :].split())
    assert "T-2026-021: 3 of 8 visits break a rule" in after
    assert "T-2026-021, visit on 2027-02-15 (C-02): C-02 is on leave [leave]" in after
    assert "mentes plan --commit moves it" in after


def test_a_whole_plan_has_nothing_to_act_on(sample_dir):
    mentes(sample_dir, "plan", "--start", "2027-01-04", "--end", "2027-06-30", "--commit")
    table = mentes(sample_dir, "trajects", *AS_OF).stdout
    assert "to act on" not in table and "incomplete" not in table
    assert all(row["incomplete"] in (False, None) for row in rows(sample_dir).values())
    # One visit cancelled by hand is enough: the same records, flagged.
    cancel_by_hand(sample_dir, "T-2026-025", 8)  # the last one: 7 of 8 still
    assert rows(sample_dir)["T-2026-025"]["incomplete"] is True
    assert rows(sample_dir)["T-2026-025"]["visits_told"] == 8


def test_the_inbox_in_dutch(sample_dir):
    cancelled_case(sample_dir)
    said = mentes(sample_dir, "trajects", *AS_OF, lang="nl").stdout
    flat = " ".join(said.split())
    assert "onvolledig: 7 van 8 bezoeken gepland" in flat
    assert "1 traject vraagt actie:" in flat
    assert not english_left(said), said
    english = mentes(sample_dir, "trajects", *AS_OF, "--format", "json", lang="en").stdout
    dutch = mentes(sample_dir, "trajects", *AS_OF, "--format", "json", lang="nl").stdout
    assert dutch == english


def test_the_leave_case_in_dutch(sample_dir):
    leave_case(sample_dir)
    said = mentes(sample_dir, "trajects", *AS_OF, lang="nl").stdout
    flat = " ".join(said.split())
    assert "3 van 8 bezoeken breken een regel" in flat
    assert "C-02 heeft verlof [verlof]" in flat
    assert not english_left(said), said
