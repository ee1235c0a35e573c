"""`mentes trajects`, the coordinator's inbox (SPEC 8), on the sample records."""

from __future__ import annotations

import csv
import io
import json

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()
AS_OF = ["--as-of", "2026-11-30"]


def inbox(*args: str) -> dict:
    result = runner.invoke(app, ["trajects", *AS_OF, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_id(data: dict) -> dict[str, dict]:
    return {row["traject"]: row for row in data["trajects"]}


def test_the_inbox_shows_the_open_trajects_oldest_request_first():
    rows = inbox()["trajects"]
    assert {row["status"] for row in rows} == {"requested", "approved", "active"}
    requested = [row["requested_on"] for row in rows if row["requested_on"]]
    assert requested == sorted(requested)
    assert [row["traject"] for row in rows][-1] == "T-2026-017"  # no request date: last


def test_an_approved_free_request_is_not_blocked_by_itself():
    row = by_id(inbox())["T-2026-023"]
    assert (row["decision"], row["next_free"], row["reason"]) == ("free", None, None)


def test_a_request_blocked_by_another_traject_says_which_and_from_when():
    row = by_id(inbox())["T-2026-027"]
    assert row["decision"] == "unavailable"
    assert row["next_free"] == "2027-01-01"
    assert "2026-10-05" in row["reason"]  # the date of T-2026-017, which uses 2026's BVV


def test_queue_places_and_ages():
    rows = by_id(inbox())
    assert sorted(r["queue"] for r in rows.values() if r["status"] == "approved") == list(
        range(1, 9)
    )
    assert rows["T-2026-021"]["queue"] == 1  # enforcement first (SPEC 5)
    assert rows["T-2026-020"]["queue"] is None  # requested: not in the queue yet
    assert rows["T-2026-022"]["age_days"] == 59  # requested 2026-10-02
    assert rows["T-2026-017"]["age_days"] is None


def test_status_and_location_choose_the_rows():
    rows = inbox("--status", "done", "--status", "cancelled")["trajects"]
    assert rows and {row["status"] for row in rows} <= {"done", "cancelled"}
    assert all(row["decision"] is None for row in rows)
    rows = inbox("--location", "LOC-006")["trajects"]
    assert [row["traject"] for row in rows] == ["T-2026-027", "T-2026-017"]


def test_csv_has_the_json_fields():
    result = runner.invoke(app, ["trajects", *AS_OF, "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert table[0][:4] == ["traject", "location", "offer", "status"]
    assert len(table) == len(inbox()["trajects"]) + 1


def test_the_table_names_each_traject_and_decision():
    result = runner.invoke(app, ["trajects", *AS_OF])
    assert result.exit_code == 0, result.output
    for text in ("T-2026-027", "LOC-006", "unavailable", "free again from 2027-01-01", "queue: 7"):
        assert text in result.stdout


def test_an_unknown_location_is_a_usage_error():
    result = runner.invoke(app, ["trajects", "--location", "LOC-999"])
    assert result.exit_code == 2
    assert "--location LOC-999: no such location in the records" in result.output


def test_an_unknown_status_is_a_usage_error():
    result = runner.invoke(app, ["trajects", "--status", "klaar"])
    assert result.exit_code == 2


def test_a_paid_package_that_is_sold_there_needs_no_reason():
    result = runner.invoke(app, ["trajects", *AS_OF, "--location", "LOC-003"])
    assert result.exit_code == 0, result.output
    assert "paid" in result.stdout
    assert "outside" not in result.stdout
