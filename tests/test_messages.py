"""Messages that find the mistake in one round, and the Flemish ways of writing days and hours."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_runner import CliRunner
from excel_helpers import minimal_sheets, write_workbook
from mentes_cli.cli import app
from mentes_cli.errors import InputError
from mentes_cli.load import vocabulary
from mentes_cli.load.excel_records import load_workbook_records
from mentes_cli.load.values import CellError, parse_weekdays

runner = CliRunner()

MON_FRI = ["mon", "tue", "wed", "thu", "fri"]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("ma-vr", MON_FRI),
        ("ma - vr", MON_FRI),
        ("ma t/m do", MON_FRI[:4]),
        ("maandag tot vrijdag", MON_FRI),
        ("Maandag t/m Vrijdag", MON_FRI),
        ("ma tot en met wo", MON_FRI[:3]),
        ("ma t/m wo, vr", ["mon", "tue", "wed", "fri"]),
        ("ma, di, wo", MON_FRI[:3]),
    ],
)
def test_weekdays_as_coordinators_write_them(text: str, days: list[str]):
    assert parse_weekdays(text) == days


def test_a_backwards_weekday_range_is_refused():
    with pytest.raises(CellError, match="runs backwards"):
        parse_weekdays("vr t/m ma")


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("07:00-18:00", "07:00-18:00"),
        ("7:00-18:00", "07:00-18:00"),
        ("7u-18u", "07:00-18:00"),
        ("7u30-18u", "07:30-18:00"),
        ("7u30 - 18u15", "07:30-18:15"),
        ("7.30-18.00", "07:30-18:00"),
        ("7:00 tot 18:00", "07:00-18:00"),
    ],
)
def test_opening_hours_as_coordinators_write_them(text: str, hours: str):
    assert vocabulary.opening_hours(text) == hours


@pytest.mark.parametrize("text", ["18u-7u", "7u-7u", "25:00-26:00", "7u61-18u", "open", ""])
def test_opening_hours_that_are_none(text: str):
    assert vocabulary.opening_hours(text) is None


def test_a_workbook_with_flemish_days_and_hours_loads(tmp_path: Path):
    sheets = minimal_sheets()
    header = sheets["Locaties"][0]
    for column, value in (("Openingsdagen", "ma t/m do"), ("Openingsuren", "7u30-18u")):
        if column not in header:
            header.append(column)
            for row in sheets["Locaties"][1:]:
                row.append(None)
        sheets["Locaties"][1][header.index(column)] = value
    records, _ = load_workbook_records(write_workbook(tmp_path / "book.xlsx", sheets))
    location = records.organisations[0].locations[0]
    assert (location.opening_days, location.opening_hours) == (MON_FRI[:4], "07:30-18:00")


def test_wrong_opening_hours_say_what_is_accepted(tmp_path: Path):
    sheets = minimal_sheets()
    header = sheets["Locaties"][0]
    if "Openingsuren" not in header:
        header.append("Openingsuren")
        for row in sheets["Locaties"][1:]:
            row.append(None)
    sheets["Locaties"][1][header.index("Openingsuren")] = "'s morgens"
    with pytest.raises(InputError) as caught:
        load_workbook_records(write_workbook(tmp_path / "book.xlsx", sheets))
    assert "must be opening hours from-to such as 07:00-18:00 (also 7:00-18:00, 7u-18u or " in (
        str(caught.value)
    )


def test_plan_check_of_a_workbook_asks_for_the_saved_plan(tmp_path: Path):
    workbook = tmp_path / "plan.xlsx"
    made = runner.invoke(
        app, ["plan", "--start", "2027-01-04", "--end", "2027-01-31", "--output", str(workbook)]
    )
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["plan", "--check", str(workbook)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == (
        f"Error: --check {workbook}: this is not a saved plan; --check reads the TOML file that "
        "`mentes plan --save PLAN.toml` writes (the schedule workbook and the calendars are for "
        "people)"
    )
