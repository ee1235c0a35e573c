"""`mentes validate` reports every problem of the records in one run (SPEC 4, 6, 8).

Review 2: a broken traject block was reported in rounds (its status and location first, its
domains after those were fixed, its duplicate id after that); a visit marked done on a day
still ahead passed (while `mentes visit --state done` refuses it); an e-mail address without
a dot after the @ passed, and letters were addressed to it; a planned traject whose
`[[trajects.visits]]` blocks were deleted passed without a word. Each is checked in both
forms of the records, in English and in Dutch.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from openpyxl import load_workbook

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from mentes_cli.reference import sample_records_dir

runner = CliRunner()
# "coaches" is Dutch as well; the TOML keys a Dutch message names in brackets are codes.
DUTCH_TOO = frozenset({"coaches"})

# A planned coaching traject with two committed visits, both marked done: the first took
# place (24 November), the second is still ahead (8 December; the suite's today is 30
# November 2026, tests/conftest.py).
PLANNED = """
[[trajects]]
id = "T-2026-900"
location = "LOC-001"
offer = "coaching"
status = "planned"
start = 2026-11-24
end = 2026-12-08
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
date = 2026-12-08
start = "09:00"
hours = 4
coach = "C-02"
state = "planned"
"""


def run(*args: str, lang: str = "en"):
    """Run mentes in `lang`, then give the next test the language of the suite back."""
    from mentes_cli import i18n

    try:
        return runner.invoke(app, ["--lang", lang, *args])
    finally:
        i18n.set_language(None)


def without_keys(text: str) -> str:
    """Give `text` without the TOML keys it names as codes ('subsidy_step', (ikt_places))."""
    return re.sub(r"[('\[][a-z]+(?:[_.][a-z]+)+[)'\]]", "", text)


def problem_lines(result) -> list[str]:
    """Give the problems an error message lists: `Error: N problems found:` and one a line
    below it, or `Error: THE PROBLEM` alone."""
    lines = result.stderr.splitlines()
    one = [line.removeprefix("Error: ") for line in lines if line.startswith("Error: ")]
    if one and not one[0].endswith("problems found:"):
        return one
    return [line.strip() for line in lines if line.startswith("  ")]


def records_with_a_planned_traject(sample_dir: Path) -> Path:
    with (sample_dir / "trajects.toml").open("a", encoding="utf-8") as stream:
        stream.write(PLANNED)
    return sample_dir


def mark_second_visit_done(folder: Path) -> None:
    path = folder / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.rpartition('state = "planned"')
    path.write_text(head + 'state = "done"' + tail, encoding="utf-8")


def exported(folder: Path, target: Path) -> Path:
    result = run("export", "--to", str(target), "--data", str(folder))
    assert result.exit_code == 0, result.output
    return target


def line_of(path: Path, text: str, after: str | None = None) -> int:
    """Give the number of the first line of `path` that is `text` (after line `after`)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(after) if after else 0
    return lines.index(text, start) + 1


# --- 1. every problem of a broken record at once ------------------------------------------------


BROKEN_TRAJECTS = """
[[trajects]]
id = "T-2025-014"
location = "LOC-999"
offer = "coaching"
status = "aproved"
domains = ["Foo"]

[[trajects]]
id = "T-2026-901"
location = "LOC-001"
offer = "coaching"
status = "planed"
start = 2026-11-02
coach = "C-02"

[[trajects.visits]]
number = 1
kind = "visit"
date = 2026-11-03
start = "09:00"
hours = 4
coach = "C-99"
state = "planned"
"""

BROKEN_ORGANISATION = """
[[organisations]]
id = "ORG-001"
name = "Kabouterke"
email = "info@kabouterke"

[[organisations.locations]]
id = "LOC-900"
name = "Kabouterke Schoten"
care_type = "group"
subsidy_step = 7
ikt_places = 0
places = 10
postcode = "9999"
"""

BROKEN_COACH = """
[[coaches]]
id = "C-90"
name = "Nieuwe coach"
role = "coach"
fte = 3
workdays = ["mon"]
areas = ["Atlantis"]
"""


def broken_folder(sample_dir: Path) -> Path:
    for name, text in (
        ("organisations", BROKEN_ORGANISATION),
        ("coaches", BROKEN_COACH),
        ("trajects", BROKEN_TRAJECTS),
    ):
        with (sample_dir / f"{name}.toml").open("a", encoding="utf-8") as stream:
            stream.write(text)
    return sample_dir


def test_a_broken_toml_record_is_reported_whole_in_one_run(sample_dir):
    folder = broken_folder(sample_dir)
    result = run("validate", "--data", str(folder))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = problem_lines(result)
    orgs, coaches, trajects = (
        folder / f"{n}.toml" for n in ("organisations", "coaches", "trajects")
    )
    first_org = line_of(orgs, 'id = "ORG-001"')
    org_line = line_of(orgs, 'name = "Kabouterke"') - 1  # its id, the line before
    email_line = line_of(orgs, 'email = "info@kabouterke"')
    step_line = line_of(orgs, "subsidy_step = 7")
    postcode_line = line_of(orgs, 'postcode = "9999"')
    fte_line = line_of(coaches, "fte = 3")
    area_line = line_of(coaches, 'areas = ["Atlantis"]')
    dup_line = line_of(trajects, 'id = "T-2025-014"', after='id = "T-2026-020"')
    bad_line = line_of(trajects, 'id = "T-2026-901"') - 1
    expected = [
        # organisations.toml: the duplicate id AND the e-mail of the same record
        f"organisations.toml, line {first_org}, organisation ORG-001, id: organisation id "
        f"'ORG-001' is used more than once (also at line {org_line}); every id must be unique",
        f"organisations.toml, line {org_line}, organisation ORG-001, id: organisation id "
        f"'ORG-001' is used more than once (also at line {first_org}); every id must be unique",
        f"organisations.toml, line {email_line}, organisation ORG-001, email: must be an "
        "e-mail address with a dot in the part after @ (such as info@kabouterke.be), got "
        "'info@kabouterke'",
        # the location: its subsidy step AND its unknown postcode
        f"organisations.toml, line {step_line}, location LOC-900, subsidy_step: must be at "
        "least 0 and at most 3, got 7",
        f"organisations.toml, line {postcode_line}, location LOC-900, postcode: postcode 9999 "
        "is not a Belgian postcode mentes knows",
        # the coach: its fte AND its unknown area
        f"coaches.toml, line {fte_line}, coach C-90, fte: must be more than 0 and at most 1, got 3",
        f"coaches.toml, line {area_line}, coach C-90, areas: area 'Atlantis' is not a scope id",
        # the first traject: its duplicate id, location, status and domains in one run
        f"trajects.toml, line 7, traject T-2025-014, id: traject id 'T-2025-014' is used more "
        f"than once (also at line {dup_line}); every id must be unique",
        f"trajects.toml, line {dup_line}, traject T-2025-014, id: traject id 'T-2025-014' is "
        "used more than once (also at line 7); every id must be unique",
        f"trajects.toml, line {dup_line + 1}, traject T-2025-014, location: location "
        "'LOC-999' does not exist",
        f"trajects.toml, line {dup_line + 3}, traject T-2025-014, status: must be",
        f"trajects.toml, line {dup_line + 4}, traject T-2025-014, domains: must be one or more "
        'of "Pedagogisch beleid"',
        # the second: its status hides whether it may hold visits, and says so; the coach
        # of its visit is checked all the same
        f"trajects.toml, line {bad_line}, traject T-2026-901, visit 1, coach: coach 'C-99' "
        "does not exist",
        f"trajects.toml, line {bad_line + 4}, traject T-2026-901, status: must be",
    ]
    assert len(lines) == len(expected), "\n".join(lines)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), (line, start)
    assert lines[-1].endswith(
        "got 'planed' (the checks that need this field follow once it is fixed)"
    )
    # Only the status of T-2026-901 hides a check: no other message carries the note.
    assert sum("follow once it is fixed" in line for line in lines) == 1
    assert result.stderr.startswith(f"Error: {len(expected)} problems found:\n")


def test_a_broken_workbook_record_is_reported_whole_in_one_run(sample_dir, tmp_path):
    book = exported(records_with_a_planned_traject(sample_dir), tmp_path / "records.xlsx")
    workbook = load_workbook(book)
    workbook["Organisaties"].append(["ORG-001", "Kabouterke", "info@kabouterke"])
    locations = workbook["Locaties"]
    header = [cell.value for cell in locations[1]]
    locations.append(
        {
            header.index(name) + 1: value
            for name, value in {
                "Id": "LOC-900",
                "Naam": "Kabouterke Schoten",
                "Organisatie": "ORG-002",
                "Type opvang": "groepsopvang",
                "Subsidietrap": 7,
                "IKT-plaatsen": 0,
                "Plaatsen": 10,
                "Postcode": "9999",
                "E-mail": "kabouterke@schoten",
            }.items()
        }
    )
    coaches = workbook["Coaches"]
    coaches.append(["C-90", "Nieuwe coach", "coach", 3, "ma", None, "Atlantis"])
    trajects = workbook["Trajecten"]
    trajects.append(["T-2025-014", "LOC-999", "coaching", "aproved"] + [None] * 4 + ["Foo"])
    visits = workbook["Bezoeken"]
    visits["H3"] = "gedaan"  # visit 2 of T-2026-900, still ahead
    workbook.save(book)
    org_row = workbook["Organisaties"].max_row
    loc_row, coach_row, traject_row = locations.max_row, coaches.max_row, trajects.max_row

    result = run("validate", "--data", str(book))
    assert result.exit_code == 1, result.output
    lines = problem_lines(result)
    expected = [
        f"Organisaties, row 2, organisation ORG-001, Id: organisation id 'ORG-001' is used more "
        f"than once (also at row {org_row})",
        f"Organisaties, row {org_row}, organisation ORG-001, E-mail: must be an e-mail address "
        "with a dot in the part after @ (such as info@kabouterke.be), got 'info@kabouterke'",
        f"Organisaties, row {org_row}, organisation ORG-001, Id: organisation id 'ORG-001' is "
        "used more than once (also at row 2)",
        f"Locaties, row {loc_row}, location LOC-900, Subsidietrap: must be",
        f"Locaties, row {loc_row}, location LOC-900, E-mail: must be an e-mail address with a "
        "dot in the part after @ (such as kabouterke@schoten.be)",
        f"Locaties, row {loc_row}, location LOC-900, Postcode: postcode 9999 is not a Belgian "
        "postcode mentes knows",
        f"Coaches, row {coach_row}, coach C-90, VTE: must be more than 0 and at most 1, got 3",
        f"Coaches, row {coach_row}, coach C-90, Werkgebied: area 'Atlantis' is not a scope id",
        f"Trajecten, row 2, traject T-2025-014, Id: traject id 'T-2025-014' is used more than "
        f"once (also at row {traject_row})",
        f"Trajecten, row {traject_row}, traject T-2025-014, Status: must be",
        f"Trajecten, row {traject_row}, traject T-2025-014, Domeinen: must be one or more of",
        f"Trajecten, row {traject_row}, traject T-2025-014, Id: traject id 'T-2025-014' is used "
        "more than once (also at row 2)",
        f"Trajecten, row {traject_row}, traject T-2025-014, Locatie: location 'LOC-999' does "
        "not exist",
        "Bezoeken, row 3, traject T-2026-900, visit 2, Status: T-2026-900, visit 2 is on "
        "2026-12-08, after today (2026-11-30): a visit is done once it took place.",
    ]
    assert len(lines) == len(expected), "\n".join(lines)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), (line, start)


def test_a_wrong_status_says_that_the_checks_of_its_visits_follow_in_a_workbook(
    sample_dir, tmp_path
):
    book = exported(records_with_a_planned_traject(sample_dir), tmp_path / "records.xlsx")
    workbook = load_workbook(book)
    trajects = workbook["Trajecten"]
    trajects.cell(trajects.max_row, 4).value = "gepland!"
    workbook.save(book)
    result = run("validate", "--data", str(book))
    assert result.exit_code == 1
    assert problem_lines(result) == [
        f"Trajecten, row {trajects.max_row}, traject T-2026-900, Status: must be aangevraagd, "
        "goedgekeurd, gepland, lopend, afgerond or geannuleerd (also requested, approved, "
        "planned, active, done or cancelled), got 'gepland!' (the checks that need this field "
        "follow once it is fixed)"
    ]


def test_every_problem_at_once_in_dutch(sample_dir, tmp_path):
    folder = broken_folder(sample_dir)
    result = run("validate", "--data", str(folder), lang="nl")
    assert result.exit_code == 1
    assert "Subsidietrap (subsidy_step)" in result.stderr
    assert "E-mail (email): moet een e-mailadres zijn met een punt" in result.stderr
    assert "(de controles die dit veld nodig hebben, volgen zodra het klopt)" in result.stderr
    # The values to type in TOML ("approved", "done") are codes, the same in both languages.
    # The TOML key in brackets after a header is a code too: "Locatie (location)".
    codes = re.sub(r'"[a-z-]+"|\([a-z_.]+\)', "", without_keys(result.output))
    assert not english_left(codes, DUTCH_TOO), result.output


# --- 2. a visit marked done that is still ahead -------------------------------------------------


def test_validate_refuses_a_done_visit_still_ahead_in_toml(sample_dir):
    folder = records_with_a_planned_traject(sample_dir)
    assert run("validate", "--data", str(folder)).exit_code == 0  # visit 1 took place
    # `mentes visit` refuses to mark visit 2 done: validate says the same of a hand edit.
    refused = run("visit", "T-2026-900", "2", "--state", "done", "--data", str(folder))
    assert refused.exit_code == 1
    rule = (
        "T-2026-900, visit 2 is on 2026-12-08, after today (2026-11-30): a visit is done "
        "once it took place."
    )
    assert rule in " ".join(refused.stderr.split())
    mark_second_visit_done(folder)
    result = run("validate", "--data", str(folder))
    assert result.exit_code == 1
    traject_line = line_of(folder / "trajects.toml", 'id = "T-2026-900"') - 1
    assert result.stderr == (
        f"Error: trajects.toml, line {traject_line}, traject T-2026-900, visit 2, state: {rule}\n"
    )
    # The other commands read such records (the coordinator fixes them with mentes visit).
    fixed = run("visit", "T-2026-900", "2", "--state", "planned", "--data", str(folder))
    assert fixed.exit_code == 0, fixed.output
    assert run("validate", "--data", str(folder)).exit_code == 0


def test_validate_refuses_a_done_visit_still_ahead_in_a_workbook_in_dutch(sample_dir, tmp_path):
    book = exported(records_with_a_planned_traject(sample_dir), tmp_path / "records.xlsx")
    workbook = load_workbook(book)
    workbook["Bezoeken"]["H3"] = "gedaan"
    workbook.save(book)
    english = run("validate", "--data", str(book))
    assert english.exit_code == 1
    assert english.stderr == (
        "Error: Bezoeken, row 3, traject T-2026-900, visit 2, Status: T-2026-900, visit 2 is "
        "on 2026-12-08, after today (2026-11-30): a visit is done once it took place.\n"
    )
    dutch = run("validate", "--data", str(book), lang="nl")
    assert dutch.exit_code == 1
    assert "Bezoeken, rij 3, traject T-2026-900, bezoek 2, Status: " in dutch.stderr
    assert "08/12/2026" in dutch.stderr
    assert not english_left(without_keys(dutch.output), DUTCH_TOO), dutch.output


# --- 3. e-mail addresses ---------------------------------------------------------------------


def test_an_email_address_must_have_a_dot_after_the_at(sample_dir):
    path = sample_dir / "organisations.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("info@devlinder.example", "info@devlinder", 1), encoding="utf-8")
    result = run("validate", "--data", str(sample_dir))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: organisations.toml, line 7, organisation ORG-001, email: must be an e-mail "
        "address with a dot in the part after @ (such as info@devlinder.be), got "
        "'info@devlinder'\n"
    )
    # Nothing reaches a letter: every command refuses the records until the address is fixed.
    assert run("trajects", "--data", str(sample_dir)).exit_code == 1


def test_other_malformed_addresses_are_refused_with_the_header(tmp_path):
    from excel_helpers import LOCATIONS_HEADER, minimal_sheets, write_workbook

    for address in ("jan peeters@opvang.be", "info@@opvang.be", "Jan <jan@opvang.be>", "info"):
        sheets = minimal_sheets()
        sheets["Locaties"][0] = [*LOCATIONS_HEADER, "E-mail"]
        sheets["Locaties"][1] = [*sheets["Locaties"][1], address]
        book = write_workbook(tmp_path / "book.xlsx", sheets)
        result = run("validate", "--data", str(book))
        assert result.exit_code == 1, address
        assert result.stderr == (
            "Error: Locaties, row 2, location LOC-1, E-mail: must be one e-mail address such as "
            f"info@opvang.be, got {address!r}\n"
        )
    sheets = minimal_sheets()
    sheets["Locaties"][0] = [*LOCATIONS_HEADER, "E-mail"]
    sheets["Locaties"][1] = [*sheets["Locaties"][1], "  info@de-egel.opvang.be "]
    book = write_workbook(tmp_path / "good.xlsx", sheets)
    assert run("validate", "--data", str(book)).exit_code == 0


# --- 4. a planned traject whose visits were deleted by hand ----------------------------------


def test_a_planned_traject_without_its_visits_is_warned_about_in_toml_as_in_a_workbook(
    sample_dir, tmp_path
):
    folder = records_with_a_planned_traject(sample_dir)
    book = exported(folder, tmp_path / "records.xlsx")
    path = folder / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("[[trajects.visits]]")], encoding="utf-8")
    workbook = load_workbook(book)
    workbook["Bezoeken"].delete_rows(2, 2)
    workbook.save(book)

    fix = (
        "Put the visits back (mentes keeps the records as they were before each change in "
        "the folder backup beside them), or unplan those trajects to plan them anew."
    )
    toml = run("validate", "--data", str(folder))
    assert toml.exit_code == 0, toml.output
    said = " ".join(toml.stderr.split())
    assert (
        "Warning: trajects.toml holds no visit ([[trajects.visits]]) of 1 planned traject "
        "(T-2026-900): no command sees the days its coach is booked, and plan would book them "
        f"again. {fix}"
    ) in said
    excel = run("validate", "--data", str(book))
    assert excel.exit_code == 0, excel.output
    assert (
        "Warning: sheet Bezoeken holds no visit of 1 planned traject (T-2026-900): no command "
        f"sees the days its coach is booked, and plan would book them again. {fix}"
    ) in " ".join(excel.stderr.split())
    # Every command that reads the records says it, not only validate.
    listed = run("trajects", "--data", str(folder))
    assert "trajects.toml holds no visit" in listed.stderr
    dutch = run("validate", "--data", str(folder), lang="nl")
    assert "T-2026-900" in dutch.stderr
    assert not english_left(without_keys(dutch.output), DUTCH_TOO), dutch.output
    # With its visits the traject is no warning.
    fresh = tmp_path / "fresh"
    shutil.copytree(sample_records_dir(), fresh)
    records_with_a_planned_traject(fresh)
    assert "holds no visit" not in run("validate", "--data", str(fresh)).stderr


def test_every_wrong_domain_of_a_list_is_named_at_once(sample_dir, tmp_path):
    path = sample_dir / "trajects.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('domains = ["Pedagogisch beleid"]', 'domains = ["Sport", "Muziek"]', 1),
        encoding="utf-8",
    )
    toml = run("validate", "--data", str(sample_dir))
    assert toml.exit_code == 1
    assert toml.stderr.rstrip().endswith("got 'Sport', 'Muziek'"), toml.stderr
    fresh = tmp_path / "fresh"
    shutil.copytree(sample_records_dir(), fresh)
    book = exported(fresh, tmp_path / "r.xlsx")
    workbook = load_workbook(book)
    trajects = workbook["Trajecten"]
    trajects["I4"] = "Sport; Pedagogisch beleid; muziek"  # T-2026-002, a bvv-basis traject
    workbook.save(book)
    excel = run("validate", "--data", str(book))
    assert excel.exit_code == 1
    assert excel.stderr.startswith("Error: Trajecten, row 4, traject T-2026-002, Domeinen:")
    assert excel.stderr.rstrip().endswith("got 'Sport', 'muziek'"), excel.stderr


def test_a_rule_across_the_valid_cells_of_a_row_is_said_with_its_bad_cell(tmp_path):
    from datetime import date

    from excel_helpers import TRAJECTS_HEADER, minimal_sheets, write_workbook

    sheets = minimal_sheets()
    window = (date(2027, 6, 1), date(2027, 1, 1))  # Vroegst after Deadline
    sheets["Trajecten"] = [
        list(TRAJECTS_HEADER),
        # Status mistyped; Vroegst after Deadline; Contactmomenten for coaching
        ["T-9", "LOC-1", "coaching", "goedgekeurd!", *[None] * 5, *window, 3],
    ]
    book = write_workbook(tmp_path / "book.xlsx", sheets)
    result = run("validate", "--data", str(book))
    assert result.exit_code == 1
    lines = problem_lines(result)
    assert len(lines) == 3, lines
    assert lines[0].startswith("Trajecten, row 2, traject T-9, Status: must be aangevraagd")
    assert lines[1:] == [
        "Trajecten, row 2, traject T-9: Deadline 2027-01-01 is before Vroegst 2027-06-01",
        "Trajecten, row 2, traject T-9: Contactmomenten is only for offer bvv-vervolg (2 to 5), "
        "not for coaching",
    ]
