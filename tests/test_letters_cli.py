"""`mentes letters` (SPEC 9) on a copy of the sample: plan --commit, letters, a leave and a
re-plan, a cancellation, a request that is not free, an approval; every draft parsed with
`email.parser` as a mail program would, its calendar with icalendar.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import openpyxl
from icalendar import Calendar

from cli_runner import CliRunner
from mentes_cli.cli import app
from mentes_cli.reference import sample_records_dir

runner = CliRunner()
WINDOW = ["--start", "2027-01-04", "--end", "2027-06-30"]
FIRST, SECOND = "1796083200", "1796169600"  # 2026-12-01 and 2026-12-02, 00:00 UTC


def mentes(records: Path, *args: str, code: int = 0):
    result = runner.invoke(app, [*args, "--data", str(records)])
    assert result.exit_code == code, result.output
    return result


def add_leave(records: Path, coach: str, first: str, last: str) -> None:
    path = records / "coaches.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f'id = "{coach}"')
    end = text.find("[[coaches]]", start)
    end = len(text) if end < 0 else end
    line = f"leave = [ {{ start = {first}, end = {last} }} ]\n\n"
    path.write_text(text[:end].rstrip("\n") + "\n" + line + text[end:], encoding="utf-8")


def drafts(folder: Path) -> dict[str, object]:
    """Give every draft in `folder`, parsed strictly, by file name."""
    found = {}
    for path in sorted(folder.glob("*.eml")):
        data = path.read_bytes()
        assert b"\r\n" in data and b"\n\n" not in data.replace(b"\r\n", b"")
        message = BytesParser(policy=policy.strict).parsebytes(data)
        assert message["X-Unsent"] == "1"
        assert message["From"] == "Pedagogie in Praktijk <vot@kdg.be>"
        assert message["Subject"] and message["Date"] and message["Message-ID"]
        assert message.get_body(("plain",)) is not None
        assert message.get_body(("html",)) is not None
        for part in message.walk():
            assert not part.defects, (path.name, part.defects)
        found[path.name] = message
    return found


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_letters_from_planning_to_change_and_decision(sample_dir: Path, monkeypatch):
    records = sample_dir
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    mentes(records, "plan", *WINDOW, "--commit")
    first = mentes(records, "letters", "--to", "brieven")
    letters = drafts(Path("brieven"))
    planned = {t["id"] for t in _trajects(records) if t["status"] == "planned"}
    assert set(letters) == {f"{t}-planned.eml" for t in planned}
    assert "8 letters written to brieven" in first.output
    # One without an address (LOC-007 and its organisation have none): no To:, a notice.
    assert letters["T-2026-021-planned.eml"]["To"] is None
    assert "No e-mail address for traject T-2026-021" in first.output
    assert letters["T-2026-022-planned.eml"]["To"] == (
        "Het Zonnetje Deurne <planning@hetzonnetje.example>"
    )
    # A planned letter names the coach, every visit, the intake call, and carries the .ics.
    text = text_of(letters["T-2026-022-planned.eml"])
    assert "Your pedagogical coach is" in text
    assert "First comes the intake call by phone:" in text
    assert "What to prepare:" in text
    traject = next(t for t in _trajects(records) if t["id"] == "T-2026-022")
    on_location = [v for v in traject["visits"] if v["kind"] == "visit"]
    assert text.count("08:30–") == len(on_location)
    (attachment,) = letters["T-2026-022-planned.eml"].iter_attachments()
    assert attachment.get_filename() == "T-2026-022.ics"
    calendar = Calendar.from_ical(attachment.get_content())
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert uids == {v["uid"] for v in traject["visits"]}
    # The overview says who gets which letter.
    (overview,) = Path("brieven").glob("overzicht-*.xlsx")
    rows = list(openpyxl.load_workbook(overview)["Letters"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Traject", "Letter") and len(rows) == 9
    assert {row[1] for row in rows[1:]} == {"planning"}
    # Remembered beside the records; running again writes nothing new.
    memory = tomllib.loads((records / "letters.toml").read_text(encoding="utf-8"))
    assert len(memory["letters"]) == 8
    before = sorted(p.name for p in Path("brieven").iterdir())
    again = mentes(records, "letters", "--to", "brieven")
    assert "No new letters: nothing was written." in again.output
    assert sorted(p.name for p in Path("brieven").iterdir()) == before

    # A leave moves two visits; a traject is cancelled; a request is not free; one approved.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SECOND)
    add_leave(records, "C-02", "2027-02-15", "2027-02-19")
    mentes(records, "plan", *WINDOW, "--commit")
    mentes(records, "cancel", "T-2026-024", "--reason", "The location closes in March.")
    mentes(records, "request", "LOC-005", "coaching", "--requested-on", "2026-12-01")
    mentes(records, "approve", "T-2026-020")
    second = mentes(records, "letters", "--to", "brieven")
    new = {name: m for name, m in drafts(Path("brieven")).items() if name not in before}
    assert set(new) == {
        "T-2026-021-changed.eml",
        "T-2026-022-changed.eml",
        "T-2026-024-cancelled.eml",
        "T-2026-029-not-free.eml",
        "T-2026-020-approved.eml",
    }, second.output
    changed = text_of(new["T-2026-022-changed.eml"])
    assert "Moved:" in changed
    assert "Tuesday 16 February 2027 → " in changed and changed.count(" → ") == 1
    cancellation = new["T-2026-024-cancelled.eml"]
    assert "The location closes in March." in text_of(cancellation)
    (removal,) = cancellation.iter_attachments()  # it had been told its visits: removes them
    events = Calendar.from_ical(removal.get_content()).walk("VEVENT")
    assert events and {str(e["STATUS"]) for e in events} == {"CANCELLED"}
    refusal = text_of(new["T-2026-029-not-free.eml"])
    assert "is not free now" in refusal and "€" in refusal
    # Plain words; LOC-005's other coaching traject starts in 2027: it "has one coming".
    assert "already has a free traject of this kind coming, from " in refusal
    assert "recently" not in refusal
    assert "is approved, free of charge" in text_of(new["T-2026-020-approved.eml"])
    assert "No new letters" in mentes(records, "letters", "--to", "brieven").output

    # --traject chooses explicitly: its letter is written again, under a free name.
    chosen = mentes(records, "letters", "--to", "brieven", "--traject", "T-2026-022")
    assert "T-2026-022-planned-2.eml" in chosen.output
    again = drafts(Path("brieven"))["T-2026-022-planned-2.eml"]
    # After the move the visits are numbered as they come, in time.
    listed = re.findall(r"^  (\d+)\. \w+ (\d+ \w+ \d{4}),", text_of(again), re.MULTILINE)
    days = [datetime.strptime(day, "%d %B %Y").date() for _number, day in listed]
    assert [int(n) for n, _day in listed] == list(range(1, len(listed) + 1))
    assert days == sorted(days) and len(days) == len(on_location)


def test_a_name_with_a_line_break_stays_out_of_the_headers(sample_dir: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    path = sample_dir / "organisations.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        'name = "Het Zonnetje Deurne"', 'name = "Het Zonnetje\\r\\nBcc: evil@example.com"', 1
    )
    path.write_text(text, encoding="utf-8")
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    mentes(sample_dir, "letters", "--to", "brieven")
    message = drafts(Path("brieven"))["T-2026-022-planned.eml"]
    assert message["Bcc"] is None
    assert "\n" not in message["To"] and "\n" not in message["Subject"]
    assert "evil@example.com" not in str(message["To"]).split("<")[-1]
    assert "Bcc" in text_of(message)  # the name is in the body, as text


def test_the_bundled_sample_is_not_written():
    result = runner.invoke(app, ["letters", "--to", "brieven"])
    assert result.exit_code == 1, result.output
    assert "bundled sample records" in result.output
    assert not Path("brieven").exists()


def test_an_unknown_traject_is_an_error(sample_dir: Path):
    result = mentes(sample_dir, "letters", "--to", "brieven", "--traject", "T-9", code=1)
    assert "--traject T-9: no such traject" in result.output
    assert not Path("brieven").exists()


def _trajects(records: Path) -> list[dict]:
    return tomllib.loads((records / "trajects.toml").read_text(encoding="utf-8"))["trajects"]


def test_a_broken_memory_is_an_error_naming_the_file(sample_dir: Path):
    (sample_dir / "letters.toml").write_text("[[letters]]\ntraject = 3\n", encoding="utf-8")
    result = mentes(sample_dir, "letters", "--to", "brieven", code=1)
    assert "letters.toml, [[letters]] table 1: incomplete or wrong" in result.output
    assert not Path("brieven").exists()


def test_the_memory_of_a_workbook_is_the_workbook_and_once_lay_beside_it(tmp_path: Path):
    from mentes_cli.letters.memory import legacy_path, memory_path

    book = tmp_path / "gegevens.xlsx"
    book.write_bytes(b"")
    assert memory_path(book) == book  # its sheet Brieven
    assert legacy_path(book) == tmp_path / "gegevens.letters.toml"  # an earlier mentes'
    assert memory_path(tmp_path) == tmp_path / "letters.toml"


def test_letters_wait_for_the_records_lock_so_no_run_loses_another_runs_memory(
    tmp_path: Path, monkeypatch
):
    import threading
    import time

    import mentes_cli.cli.lifecycle as lifecycle_cli
    from mentes_cli.records import RecordStore
    from mentes_cli.records.lock import RecordsLock

    records = tmp_path / "records"
    shutil.copytree(sample_records_dir(), records)
    committed = runner.invoke(
        app,
        [
            "plan",
            "--start",
            "2027-01-04",
            "--end",
            "2027-06-30",
            "--commit",
            "--data",
            str(records),
        ],
    )
    assert committed.exit_code == 0, committed.output
    held = RecordsLock(RecordStore(records).lock_path)
    held.acquire()
    # The holder lets go 1 s after `letters` starts waiting (a fixed timer from the start
    # raced with loading the records on a busy machine: the lock was gone before it was asked).
    waiting = lifecycle_cli.waiting_for_records
    releasers: list[threading.Timer] = []
    asked: list[float] = []

    def wait_then_release(holder) -> None:
        asked.append(time.monotonic())
        waiting(holder)
        releasers.append(threading.Timer(1.0, held.release))
        releasers[-1].start()

    monkeypatch.setattr(lifecycle_cli, "waiting_for_records", wait_then_release)
    result = runner.invoke(
        app, ["letters", "--to", str(tmp_path / "brieven"), "--data", str(records)]
    )
    for releaser in releasers:
        releaser.join()
    assert result.exit_code == 0, result.output
    assert len(asked) == 1 and time.monotonic() - asked[0] >= 0.9
    assert "Waiting for the records" in result.output
    assert (records / "letters.toml").is_file()
