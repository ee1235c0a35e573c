"""The TOML loader: valid records, and every kind of bad input with its exact message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import ONE_ORGANISATION, write_records
from mentes_cli.errors import InputError
from mentes_cli.load import DataSource, load_records, resolve_source
from mentes_cli.load.toml_records import load_toml_folder
from mentes_cli.reference import sample_records_dir


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_toml_folder(folder)
    return [str(p) for p in caught.value.problems]


def test_sample_records_load():
    records = load_toml_folder(sample_records_dir())
    assert len(records.organisations) == 14
    assert len(records.locations()) == 16
    assert {c.role for c in records.coaches} == {"coach", "support"}
    berchem = records.location_index()["LOC-001"][1]
    assert berchem.closures[0].start == date(2026, 12, 24)
    assert berchem.opening_days == ["mon", "tue", "wed", "thu", "fri"]
    assert records.coach_index()["C-01"].leave[0].end == date(2027, 2, 19)


def test_minimal_location_gets_defaults(tmp_path):
    records = load_toml_folder(write_records(tmp_path, organisations=ONE_ORGANISATION))
    location = records.locations()[0][1]
    assert location.enforcement is False
    assert location.municipality is None
    assert location.closures == []


def test_unknown_key_is_named_with_its_line(tmp_path):
    text = ONE_ORGANISATION + "subsidie_step = 2\n"
    assert problems_of(write_records(tmp_path, organisations=text)) == [
        "organisations.toml, line 13, location LOC-1, subsidie_step: unknown field (a typo?); "
        "the fields are: id, name, care_type, subsidy_step, ikt_places, places, postcode, "
        "municipality, district, enforcement, enforcement_since, opening_days, opening_hours, "
        "street, phone, email, contact"
    ]


@pytest.mark.parametrize(
    ("line", "value", "message"),
    [
        ("subsidy_step", "true", "subsidy_step: must be a whole number, got a yes/no value (True)"),
        ("subsidy_step", "3.5", "subsidy_step: must be a whole number, got a number (3.5)"),
        ("subsidy_step", "5", "subsidy_step: must be at least 0 and at most 3, got 5"),
        ("subsidy_step", '"2"', "subsidy_step: must be a whole number, got text ('2')"),
        ("places", "0", "places: must be at least 1, got 0"),
        ("ikt_places", "-1", "ikt_places: must be at least 0, got -1"),
        ("postcode", "2600", "postcode: must be text, got a number (2600)"),
        ("postcode", '"26000"', "postcode: must be a Belgian postcode of 4 digits, got '26000'"),
        ("care_type", '"creche"', 'care_type: must be "group" or "family", got \'creche\''),
        ("enforcement", '"ja"', "enforcement: must be true or false, got text ('ja')"),
        (
            "opening_days",
            '["mon", "maandag"]',
            'opening_days: weekdays must be "mon", "tue", "wed", "thu", "fri", '
            '"sat" or "sun", got \'maandag\'',
        ),
        (
            "opening_hours",
            '"18:00-07:00"',
            'opening_hours: must be "HH:MM-HH:MM" with the start before the end, '
            "got '18:00-07:00'",
        ),
        (
            "enforcement_since",
            "2026-09-01T08:00:00",
            "enforcement_since: must be a date (yyyy-mm-dd), got a date with a time "
            "(datetime.datetime(2026, 9, 1, 8, 0))",
        ),
    ],
)
def test_bad_location_value(tmp_path, line, value, message):
    text = "\n".join(
        row for row in ONE_ORGANISATION.splitlines() if not row.startswith(f"{line} =")
    )
    text += f"\n{line} = {value}\n"
    if line == "enforcement_since":
        text += "enforcement = true\n"
    problems = problems_of(write_records(tmp_path, organisations=text))
    assert len(problems) == 1
    assert problems[0].endswith(message)
    assert problems[0].startswith("organisations.toml, line ")


def test_enforcement_since_without_enforcement(tmp_path):
    text = ONE_ORGANISATION + "enforcement_since = 2026-09-01\n"
    assert problems_of(write_records(tmp_path, organisations=text)) == [
        "organisations.toml, line 5, location LOC-1: enforcement_since is given but enforcement "
        "is off; turn enforcement on (ja, true) or remove enforcement_since"
    ]


def test_every_problem_is_reported_at_once(tmp_path):
    organisations = ONE_ORGANISATION.replace("subsidy_step = 2", "subsidy_step = 7")
    organisations += "closures = [{ start = 2027-01-10, end = 2027-01-01 }]\n"
    coaches = """\
[[coaches]]
id = "C-1"
name = "Coach"
role = "trainer"
fte = 1.5
workdays = ["mon"]
"""
    trajects = """\
[[trajects]]
id = "T-1"
location = "LOC-404"
offer = "coaching"
status = "approved"
"""
    folder = write_records(
        tmp_path, organisations=organisations, coaches=coaches, trajects=trajects
    )
    assert problems_of(folder) == [
        "organisations.toml, line 9, location LOC-1, subsidy_step: must be at least 0 and at "
        "most 3, got 7",
        "organisations.toml, line 13, location LOC-1, closures: end 2027-01-01 is before start "
        "2027-01-10",
        'coaches.toml, line 4, coach C-1, role: must be "coach" or "support", got \'trainer\'',
        "coaches.toml, line 5, coach C-1, fte: must be more than 0 and at most 1, got 1.5",
        "trajects.toml, line 3, traject T-1, location: location 'LOC-404' does not exist",
    ]


def test_duplicate_ids_and_dangling_coach(tmp_path):
    text = ONE_ORGANISATION + ONE_ORGANISATION.replace("ORG-1", "ORG-2")
    trajects = """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "coaching"
status = "done"
start = 2025-03-10
coach = "C-9"
"""
    problems = problems_of(write_records(tmp_path, organisations=text, trajects=trajects))
    assert problems == [
        "organisations.toml, line 6, location LOC-1, id: location id 'LOC-1' is used more than "
        "once (location ids are unique across all organisations) (also at line 18); every id "
        "must be unique",
        "organisations.toml, line 18, location LOC-1, id: location id 'LOC-1' is used more than "
        "once (location ids are unique across all organisations) (also at line 6); every id "
        "must be unique",
        "trajects.toml, line 7, traject T-1, coach: coach 'C-9' does not exist",
    ]


def test_unknown_postcode_and_area(tmp_path):
    organisations = ONE_ORGANISATION.replace('"2600"', '"0001"')
    coaches = """\
[[coaches]]
id = "C-1"
name = "Coach"
role = "coach"
fte = 1
workdays = ["mon"]
areas = ["Atlantis"]
"""
    problems = problems_of(write_records(tmp_path, organisations=organisations, coaches=coaches))
    assert problems[0] == (
        "organisations.toml, line 12, location LOC-1, postcode: postcode 0001 is not a Belgian "
        "postcode mentes knows; did you mean 3001 Leuven; 5001 Namur; 6001 Charleroi?"
    )
    assert problems[1].startswith(
        "coaches.toml, line 7, coach C-1, areas: area 'Atlantis' is not a scope id"
    )


def test_traject_field_rules(tmp_path):
    trajects = """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "coaching"
status = "approved"
contact_moments = 3

[[trajects]]
id = "T-2"
location = "LOC-1"
offer = "bvv-basis"
status = "approved"
domains = ["Sport"]

[[trajects]]
id = "T-3"
location = "LOC-1"
offer = "E"
status = "planned"
earliest = 2027-05-01
deadline = 2027-04-01
"""
    folder = write_records(tmp_path, organisations=ONE_ORGANISATION, trajects=trajects)
    problems = problems_of(folder)
    assert problems[0] == (
        "trajects.toml, line 1, traject T-1: contact_moments is only for offer bvv-vervolg "
        "(2 to 5), not for coaching"
    )
    assert problems[1].startswith(
        'trajects.toml, line 13, traject T-2, domains: must be one or more of "Pedagogisch beleid"'
    )
    # In line order: the rule of T-3 is said at the line of its [[trajects]].
    assert problems[2].startswith("trajects.toml, line 15, traject T-3: start is required")
    assert problems[3].startswith("trajects.toml, line 15, traject T-3: deadline 2027-04-01")
    assert problems[4].startswith("trajects.toml, line 18, traject T-3, offer: must be")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[[organisations]\nid = "x"\n', "organisations.toml, line 1: not valid TOML"),
        (b'[[organisations]]\nid = "x"\nid = "y"\n', "organisations.toml, line 3: not valid TOML"),
        (
            b'[[organisations]]\nname = "Caf\xe9"\n',
            "organisations.toml, line 2: the file is not UTF-8 text",
        ),
        (b"x = " + b"[" * 2000 + b"]" * 2000 + b"\n", "organisations.toml"),
        (b"organisations = 3\n", "organisations.toml: organisations must be a list"),
        (b"people = []\n", "organisations.toml: unknown top-level key 'people'"),
    ],
)
def test_malformed_toml(tmp_path, content, message):
    (tmp_path / "organisations.toml").write_bytes(content)
    problems = problems_of(tmp_path)
    assert problems[0].startswith(message)


def test_bom_and_crlf_are_accepted(tmp_path):
    text = ONE_ORGANISATION.replace("\n", "\r\n")
    (tmp_path / "organisations.toml").write_bytes("\ufeff".encode() + text.encode())
    records = load_toml_folder(tmp_path)
    assert records.locations()[0][1].id == "LOC-1"


def test_folder_without_records(tmp_path):
    assert problems_of(tmp_path)[0].endswith(
        "holds none of organisations.toml, coaches.toml, trajects.toml; give a data folder or "
        "an .xlsx workbook"
    )


def test_source_order(tmp_path):
    explicit = tmp_path / "mine"
    assert resolve_source(explicit, env={"MENTES_DATA": "/x"}).path == explicit
    assert resolve_source(None, env={"MENTES_DATA": "/x"}, cwd=tmp_path).path == Path("/x")
    assert resolve_source(None, env={}, cwd=tmp_path).path == sample_records_dir()
    write_records(tmp_path / "data", organisations=ONE_ORGANISATION)
    local = resolve_source(None, env={}, cwd=tmp_path)
    assert local.path == tmp_path / "data"
    assert local.reason == "./data holds records"


def test_missing_source_is_named(tmp_path):
    with pytest.raises(InputError) as caught:
        load_records(DataSource(tmp_path / "nope", "--data"))
    assert str(caught.value) == f"{tmp_path / 'nope'}: no such file or folder (--data)"


def test_dates_far_from_the_ends_of_the_calendar(tmp_path):
    text = ONE_ORGANISATION + "closures = [{ start = 9999-12-01, end = 9999-12-31 }]\n"
    assert problems_of(write_records(tmp_path, organisations=text))[0] == (
        "organisations.toml, line 13, location LOC-1, closures.start: must be a date between "
        "1900-01-01 and 2999-12-31, got 9999-12-01"
    )


def test_a_started_traject_needs_its_start(tmp_path):
    trajects = """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "coaching"
status = "done"

[[trajects]]
id = "T-2"
location = "LOC-1"
offer = "coaching"
status = "cancelled"
"""
    folder = write_records(tmp_path, organisations=ONE_ORGANISATION, trajects=trajects)
    assert problems_of(folder) == [
        "trajects.toml, line 1, traject T-1: start is required for a traject with status done "
        "(it dates the traject for eligibility); it is optional for requested, approved and "
        "cancelled"
    ]


def test_rules_across_fields_are_checked_even_when_another_field_is_wrong(tmp_path):
    organisations = ONE_ORGANISATION + 'opening_hour = "07:00"\nenforcement_since = 2026-09-01\n'
    trajects = """\
[[trajects]]
id = "T-1"
location = "LOC-1"
offer = "coaching"
status = "aproved"
earliest = 2027-06-01
deadline = 2027-01-01
contact_moments = 3
"""
    folder = write_records(tmp_path, organisations=organisations, trajects=trajects)
    problems = problems_of(folder)
    # File by file, line by line: a rule is said at the line of its record's header.
    assert problems[0] == (
        "organisations.toml, line 5, location LOC-1: enforcement_since is given but "
        "enforcement is off; turn enforcement on (ja, true) or remove enforcement_since"
    )
    assert problems[1].startswith("organisations.toml, line 13, location LOC-1, opening_hour:")
    assert problems[2:] == [
        "trajects.toml, line 1, traject T-1: deadline 2027-01-01 is before earliest 2027-06-01",
        "trajects.toml, line 1, traject T-1: contact_moments is only for offer bvv-vervolg "
        "(2 to 5), not for coaching",
        'trajects.toml, line 5, traject T-1, status: must be "requested", "approved", '
        '"planned", "active", "done" or "cancelled", got \'aproved\'',
    ]


def test_a_rule_on_a_wrong_field_is_not_checked_with_its_default(tmp_path):
    organisations = ONE_ORGANISATION + 'enforcement = "ja"\nenforcement_since = 2026-09-01\n'
    assert problems_of(write_records(tmp_path, organisations=organisations)) == [
        "organisations.toml, line 13, location LOC-1, enforcement: must be true or false, "
        "got text ('ja')"
    ]
