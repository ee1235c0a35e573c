"""Ids are one text as people read it (issue 18, "Text that lies to the reader").

Every id of the records (organisation, location, coach, traject, a traject's location and
coach, a visit's coach and uid) is NFC, and one with an invisible or control character is
refused where it stands. `mentes validate` warns about names and ids that read alike but are
written differently.
"""

from __future__ import annotations

import unicodedata

import pytest
from tests.conftest import ONE_ORGANISATION, write_records

from cli_runner import CliRunner
from english import english_left
from excel_helpers import minimal_sheets, write_workbook
from mentes_cli.cli import app
from mentes_cli.errors import InputError
from mentes_cli.load.excel_records import load_workbook_records
from mentes_cli.load.toml_records import load_toml_folder
from mentes_cli.models import Location, checked_id


@pytest.fixture(autouse=True)
def _english_after():
    """`--lang nl` chooses Dutch for the rest of the process: back to the suite's English."""
    yield
    from mentes_cli import i18n

    i18n.set_language(None)


CAFE_NFC = unicodedata.normalize("NFC", "Café")
CAFE_NFD = unicodedata.normalize("NFD", "Café")

TRAJECT = """\
[[trajects]]
id = "T-1"
location = "{location}"
offer = "coaching"
status = "requested"
"""


def _toml(text: str) -> str:
    """Give `text` as a TOML basic string body: every character past ASCII escaped, so that
    the file holds exactly the code points the test means (an editor cannot change them)."""
    return "".join(c if c.isascii() and c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def _organisations(location_id: str, name: str = "Test Berchem") -> str:
    return ONE_ORGANISATION.replace('id = "LOC-1"', f'id = "{_toml(location_id)}"').replace(
        'name = "Test Berchem"', f'name = "{_toml(name)}"'
    )


def test_nfd_input_is_the_same_id_as_nfc(tmp_path):
    assert CAFE_NFC != CAFE_NFD
    folder = write_records(
        tmp_path / "records",
        organisations=_organisations(CAFE_NFD),
        trajects=TRAJECT.format(location=_toml(CAFE_NFC)),
    )
    records = load_toml_folder(folder)
    location = records.organisations[0].locations[0]
    assert location.id == CAFE_NFC
    assert records.trajects[0].location == location.id


@pytest.mark.parametrize(
    ("character", "shown"),
    [
        ("\u200b", "U+200B (ZERO WIDTH SPACE)"),
        ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\ufeff", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
        ("\u2066", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
        ("\x1b", "U+001B"),
        ("\t", "U+0009"),
    ],
)
def test_an_id_with_an_invisible_or_control_character_is_refused(tmp_path, character, shown):
    folder = write_records(tmp_path / "records", organisations=_organisations(f"LOC-{character}1"))
    with pytest.raises(InputError) as caught:
        load_toml_folder(folder)
    (problem,) = caught.value.problems
    assert problem.source.endswith("organisations.toml")
    assert (problem.row, problem.field) == (6, "id")
    assert f"invisible or control character, {shown}, at position 5" in problem.message


def test_a_traject_naming_its_location_with_a_zero_width_space_is_refused(tmp_path):
    folder = write_records(
        tmp_path / "records",
        organisations=ONE_ORGANISATION,
        trajects=TRAJECT.format(location="LOC-\\u200b1"),
    )
    with pytest.raises(InputError) as caught:
        load_toml_folder(folder)
    (problem,) = caught.value.problems
    assert problem.source.endswith("trajects.toml")
    assert (problem.row, problem.record, problem.field) == (3, "traject T-1", "location")
    assert "U+200B (ZERO WIDTH SPACE), at position 5" in problem.message


def test_a_plain_accented_id_is_accepted_as_it_is():
    for text in ("Crèche-Zoë", "LOC-ĳ-1", "Ørsted 12", "🧸-1", "2600"):
        assert checked_id(text) == text


def test_the_id_type_holds_for_every_id_field():
    with pytest.raises(ValueError, match="U\\+202E"):
        Location(
            id="LOC-\u202e1",
            name="x",
            care_type="group",
            subsidy_step=0,
            ikt_places=0,
            places=1,
            postcode="2000",
        )
    from mentes_cli.models import CommittedVisit, Traject

    fields = {"id": "T-1", "location": "LOC-1", "offer": "coaching", "status": "requested"}
    for key in ("id", "location", "coach"):
        with pytest.raises(ValueError, match="U\\+200B"):
            Traject(**{**fields, key: "X\u200b"})
    visit = {
        "number": 1,
        "kind": "visit",
        "date": "2027-01-04",
        "start": "09:00",
        "hours": 3,
        "coach": "C-1",
    }
    visit["date"] = __import__("datetime").date(2027, 1, 4)
    for key in ("coach", "uid"):
        with pytest.raises(ValueError, match="U\\+200B"):
            CommittedVisit(**{**visit, key: "X\u200b"})
    assert CommittedVisit(**{**visit, "coach": CAFE_NFD}).coach == CAFE_NFC


def test_a_workbook_id_with_a_zero_width_space_is_refused_at_its_sheet_and_row(tmp_path):
    sheets = minimal_sheets()
    sheets["Locaties"][1][0] = "LOC-1\u200b"
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    with pytest.raises(InputError) as caught:
        load_workbook_records(path)
    text = str(caught.value)
    assert "Locaties" in text and "row 2" in text
    assert "U+200B (ZERO WIDTH SPACE), at position 6" in text


def test_a_workbook_location_naming_its_organisation_in_nfd_finds_it(tmp_path):
    sheets = minimal_sheets()
    sheets["Organisaties"][1][0] = CAFE_NFC
    sheets["Locaties"][1][2] = CAFE_NFD
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    records, _notices = load_workbook_records(path)
    assert records.organisations[0].id == CAFE_NFC
    assert [loc.id for loc in records.organisations[0].locations] == ["LOC-1"]


def test_a_workbook_location_naming_its_organisation_with_a_bidi_control_is_refused(tmp_path):
    sheets = minimal_sheets()
    sheets["Locaties"][1][2] = "ORG-\u202e1"
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    with pytest.raises(InputError) as caught:
        load_workbook_records(path)
    text = str(caught.value)
    assert "Locaties" in text and "row 2" in text
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in text
    assert "\u202e" not in text.replace("ORG-\u202e1", "")  # only where the record is named


# --- `mentes validate` warns about what reads alike -------------------------------------------

SECOND_LOCATION = """
[[organisations.locations]]
id = "{id}"
name = "{name}"
care_type = "group"
subsidy_step = 2
ikt_places = 12
places = 28
postcode = "2600"
"""


def _validate(tmp_path, *, second_id: str, second_name: str, lang: str = "en"):
    text = ONE_ORGANISATION + SECOND_LOCATION.format(id=_toml(second_id), name=_toml(second_name))
    folder = write_records(tmp_path / "records", organisations=text)
    return CliRunner().invoke(app, ["--lang", lang, "validate", "--data", str(folder)])


def test_validate_warns_about_names_equal_but_for_capitals(tmp_path):
    result = _validate(tmp_path, second_id="LOC-2", second_name="TEST BERCHEM")
    assert result.exit_code == 0, result.output
    assert (
        "Warning: locations LOC-1, LOC-2 have names that differ only in capitals, accents or "
        'invisible characters ("Test Berchem" / "TEST BERCHEM")'
    ) in result.output


def test_validate_warns_about_names_equal_after_nfc(tmp_path):
    text = _organisations("LOC-1", name=f"{CAFE_NFC} Zon") + SECOND_LOCATION.format(
        id="LOC-2", name=_toml(f"{CAFE_NFD} Zon")
    )
    folder = write_records(tmp_path / "records", organisations=text)
    result = CliRunner().invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Warning: locations LOC-1, LOC-2 have names that differ only" in result.output


def test_validate_warns_about_names_equal_but_for_an_invisible_character(tmp_path):
    result = _validate(tmp_path, second_id="LOC-2", second_name="Test\u200b Berchem")
    assert "Warning: locations LOC-1, LOC-2 have names" in result.output
    assert "\u200b" not in result.output


def test_validate_warns_about_ids_equal_but_for_capitals(tmp_path):
    result = _validate(tmp_path, second_id="loc-1", second_name="Het Nest")
    assert result.exit_code == 0, result.output
    assert (
        "Warning: locations LOC-1, loc-1: these ids differ only in capitals; mentes keeps "
        "them apart, a reader may not"
    ) in result.output
    assert "have names" not in result.output


def test_no_warning_for_different_names_or_names_written_alike(tmp_path):
    different = _validate(tmp_path / "a", second_id="LOC-2", second_name="Het Nest")
    alike = _validate(tmp_path / "b", second_id="LOC-2", second_name="Test Berchem")
    for result in (different, alike):
        assert result.exit_code == 0, result.output
        assert "Warning" not in result.output


def test_an_nfd_id_and_its_nfc_twin_are_one_id_used_twice(tmp_path):
    text = _organisations(CAFE_NFC) + SECOND_LOCATION.format(id=_toml(CAFE_NFD), name="Het Nest")
    folder = write_records(tmp_path / "records", organisations=text)
    result = CliRunner().invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 1
    assert "location id 'Café' is used more than once" in result.output


def test_the_warnings_and_the_refusal_in_dutch(tmp_path):
    warned = _validate(tmp_path / "a", second_id="loc-1", second_name="TEST BERCHEM", lang="nl")
    assert warned.exit_code == 0, warned.output
    # The sentences of the warnings; their "Warning:" in front is validate's own.
    mine = [line.partition(": ")[2] for line in warned.output.splitlines() if "loc-1" in line]
    assert len(mine) == 2
    assert not english_left("\n".join(mine))
    folder = write_records(tmp_path / "b", organisations=_organisations("LOC-\u202e1"))
    refused = CliRunner().invoke(app, ["--lang", "nl", "validate", "--data", str(folder)])
    assert refused.exit_code == 1
    (line,) = [line for line in refused.output.splitlines() if "U+202E" in line]
    # The message of the model; where it stands ("regel 6, locatie ..., Id (id)") is the
    # loader's.
    message = line.partition("(id): ")[2]
    assert message.startswith("de id bevat een onzichtbaar teken")
    assert not english_left(message, allowed=frozenset({"RIGHT", "TO", "LEFT", "OVERRIDE"}))


def test_an_id_typed_in_nfd_on_the_command_line_finds_the_record(sample_dir):
    """A location or traject id typed with a combining accent is the id the records keep."""
    organisations = sample_dir / "organisations.toml"
    text = organisations.read_text(encoding="utf-8").replace('"LOC-004"', '"LOC-Café"')
    organisations.write_text(text, encoding="utf-8")
    typed = unicodedata.normalize("NFD", "LOC-Café")
    runner = CliRunner()
    added = runner.invoke(app, ["request", typed, "coaching", "--data", str(sample_dir)])
    assert added.exit_code == 0, added.output
    written = (sample_dir / "trajects.toml").read_text(encoding="utf-8")
    assert 'location = "LOC-Café"' in written
    assert typed not in written
    listed = runner.invoke(app, ["trajects", "--location", typed, "--data", str(sample_dir)])
    assert listed.exit_code == 0, listed.output
    assert "LOC-Café" in listed.output
