"""What a coordinator's review found in `mentes letters` (2026-11-30): a paid package offered
where it is not sold, a calendar SEQUENCE that went down after `undo`, and Dutch wording.
Every draft is parsed as a mail program would, its calendar with icalendar.
"""

from __future__ import annotations

from datetime import date
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from icalendar import Calendar

from cli_runner import CliRunner
from mentes_cli.cli import app

runner = CliRunner()
TODAY = "1796025600"  # 2026-11-30, 09:00 UTC is not needed: midnight will do
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]


def mentes(records: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def drafts(folder: Path) -> dict[str, object]:
    return {
        path.name: BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        for path in sorted(folder.glob("*.eml"))
    }


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def events(message) -> dict[str, tuple[int, str]]:
    """Give each event of the draft's calendar by UID: its SEQUENCE and STATUS."""
    (attachment,) = message.iter_attachments()
    calendar = Calendar.from_ical(attachment.get_content())
    return {str(e["UID"]): (int(e["SEQUENCE"]), str(e["STATUS"])) for e in calendar.walk("VEVENT")}


def test_no_paid_alternative_is_offered_where_it_is_not_sold(sample_dir: Path, monkeypatch):
    """Gent and Mechelen lie outside the ten districts where coaching A-D is sold, Burcht
    outside Groot-Antwerpen where the paid BVV traject is: no package, no price. LOC-005
    (Deurne) is not free for another reason and gets its package with the price."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY)
    for location, offer in [
        ("LOC-015", "coaching"),  # Gent
        ("LOC-010", "bvv-basis"),  # Burcht
        ("LOC-008", "coaching"),  # Mechelen
        ("LOC-005", "coaching"),  # Deurne: has a free coaching traject coming in 2027
    ]:
        mentes(sample_dir, "request", location, offer)
    mentes(sample_dir, "letters", "--to", "brieven")
    letters = {name[:10]: text_of(m) for name, m in drafts(Path("brieven")).items()}
    assert set(letters) == {"T-2026-029", "T-2026-030", "T-2026-031", "T-2026-032"}
    for traject in ("T-2026-029", "T-2026-030", "T-2026-031"):
        text = letters[traject]
        assert "is not free now" in text
        assert "paid traject instead" not in text and "€" not in text, text
        assert "There is no paid offer for this location." in text
    deurne = letters["T-2026-032"]
    assert "You can choose a paid traject instead: Workplace coaching A, for €" in deurne


def test_the_paid_alternative_follows_the_package_scope():
    from mentes_cli.inbox import paid_alternative
    from mentes_cli.load import DataSource, load_records
    from mentes_cli.models import Traject
    from mentes_cli.reference import sample_records_dir

    records = load_records(DataSource(sample_records_dir(), "test")).records
    day = date(2026, 11, 30)

    def offered(location: str, offer: str):
        request = Traject(id="T-2026-900", location=location, offer=offer, status="requested")
        return paid_alternative(records, request, day)

    assert offered("LOC-015", "coaching") is None  # Gent
    assert offered("LOC-008", "coaching") is None  # Mechelen
    assert offered("LOC-010", "bvv-basis") is None  # Burcht
    name, price = offered("LOC-005", "coaching")  # Deurne, 8 places
    assert name == "Workplace coaching A" and price > 0


def test_a_restored_visit_gets_a_higher_sequence_than_its_cancellation(
    sample_dir: Path, monkeypatch
):
    """cancel, letters, undo, letters: the second calendar must update the first one, so
    every UID comes back CONFIRMED with a SEQUENCE above the CANCELLED one; a third run with
    nothing new writes nothing, and a later move goes higher still."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY)
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    mentes(sample_dir, "letters", "--to", "planned")
    planned = events(drafts(Path("planned"))["T-2026-025-planned.eml"])
    assert {status for _s, status in planned.values()} == {"CONFIRMED"}

    mentes(sample_dir, "cancel", "T-2026-025", "--reason", "Ziekte")
    mentes(sample_dir, "letters", "--to", "a")
    (cancelled,) = drafts(Path("a")).values()
    gone = events(cancelled)
    assert gone.keys() == planned.keys()
    assert all(status == "CANCELLED" for _s, status in gone.values())
    assert all(gone[uid][0] > planned[uid][0] for uid in gone)

    mentes(sample_dir, "undo")
    mentes(sample_dir, "letters", "--to", "b")
    # Told that every visit is cancelled, the location is told the traject again in full.
    restored = drafts(Path("b"))["T-2026-025-planned.eml"]
    assert "Your pedagogical coach is" in text_of(restored)
    back = events(restored)
    assert back.keys() == gone.keys()
    for uid, (sequence, status) in back.items():
        assert status == "CONFIRMED"
        assert sequence > gone[uid][0], (uid, sequence, gone[uid])
    assert "No new letters" in mentes(sample_dir, "letters", "--to", "c").output
    # Asked again explicitly: the same events, the same SEQUENCE (nothing changed).
    mentes(sample_dir, "letters", "--to", "d", "--traject", "T-2026-025")
    (again,) = drafts(Path("d")).values()
    assert events(again) == back


def test_sequenced_keeps_the_records_number_when_it_is_higher_and_never_goes_down():
    from mentes_cli.letters.due import sequenced
    from mentes_cli.letters.memory import Remembered, ToldVisit
    from mentes_cli.models import CommittedVisit, Traject

    def visit(day: int, sequence: int, state: str = "planned") -> CommittedVisit:
        return CommittedVisit(
            number=1, kind="visit", date=date(2027, 2, day), start="08:30", hours=6.25,
            coach="C-01", state=state, uid="u1", sequence=sequence,
        )  # fmt: skip

    def told(day: int, sequence: int, state: str = "planned") -> Remembered:
        v = visit(day, sequence, state)
        return Remembered(
            "T-1", "changed", "", "", "",
            told=(ToldVisit("u1", 1, "visit", v.date, v.start, v.hours, v.state, sequence),),
        )  # fmt: skip

    def traject(v: CommittedVisit) -> Traject:
        return Traject(
            id="T-1", location="LOC-1", offer="coaching", status="planned", start=v.date,
            visits=[v],
        )  # fmt: skip

    def sent(v: CommittedVisit, *memory: Remembered) -> int:
        return sequenced(traject(v), list(memory)).visits[0].sequence

    assert sent(visit(2, 0)) == 0  # never told: the records' number
    assert sent(visit(2, 3), told(2, 1)) == 3  # the records are ahead
    assert sent(visit(2, 1), told(2, 1)) == 1  # told as it is: the same event again
    assert sent(visit(2, 0), told(2, 1, "cancelled")) == 2  # undone: above the cancellation
    assert sent(visit(9, 1), told(2, 1), told(2, 4)) == 5  # moved: above the highest sent


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_not_free_letter_says_it_in_whole_sentences(sample_dir: Path, monkeypatch, lang):
    """ "kan nu niet gratis" lacked its verb; "had onlangs al" was said of a 2027 traject."""
    from english import english_left

    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY)
    monkeypatch.setenv("MENTES_LANG", lang)
    mentes(sample_dir, "request", "LOC-005", "coaching")
    mentes(sample_dir, "letters", "--to", "brieven")
    (letter,) = drafts(Path("brieven")).values()
    text = text_of(letter)
    if lang == "nl":
        assert "is nu niet gratis." in text
        assert "onlangs" not in text
        assert "Voor Gezinsopvang El Amrani komt er al een gratis traject van deze soort, " \
            "vanaf maandag 4 januari 2027." in text  # fmt: skip
        assert not english_left(text)
    else:
        assert "recently" not in text
        assert "already has a free traject of this kind coming, from Monday 4 January 2027" in text


def test_a_free_traject_in_the_past_is_one_the_location_had(sample_dir: Path, monkeypatch):
    """LOC-005's coaching traject of 2027 lies in the past once it is 2028."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1830297600")  # 2028-01-01
    mentes(sample_dir, "request", "LOC-005", "coaching")
    mentes(sample_dir, "letters", "--to", "brieven")
    (letter,) = drafts(Path("brieven")).values()
    text = text_of(letter)
    assert "already had a free traject of this kind, from Monday 4 January 2027." in text


def test_the_coaching_letter_asks_to_think_about_the_question_in_good_dutch():
    from mentes_cli.letters.texts import letter_texts
    from mentes_cli.reference import load_reference

    texts = letter_texts(load_reference("centre.toml"), "nl")
    assert "Denk na over de vraag of het thema waaraan je samen wilt werken." in (
        texts.prepare_coaching
    )


def test_the_memory_of_letters_can_go_along_with_converted_records(sample_dir: Path, monkeypatch):
    """`export` to a workbook wrote every letter again from it (finding 5): with the memory
    carried along (the sheet Brieven of the workbook, letters.toml of the folder), nothing is
    new."""
    from mentes_cli.letters.memory import carried_memory, read_memory, read_sheet

    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY)
    book = sample_dir.parent / "x.xlsx"
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    mentes(sample_dir, "export", "--to", str(book))
    assert carried_memory(book, sample_dir.parent / "none") is None  # no letters yet
    book.unlink()
    mentes(sample_dir, "letters", "--to", "first")
    mentes(sample_dir, "export", "--to", str(book))
    sent = read_memory(sample_dir / "letters.toml")
    assert sent and read_sheet(book.read_bytes(), book.name) == sent
    assert "No new letters" in mentes(book, "letters", "--to", "second").output
    back = sample_dir.parent / "back"
    path, content = carried_memory(book, back)
    assert path == back / "letters.toml"
    assert content == (sample_dir / "letters.toml").read_bytes()
