"""Letters (SPEC 9): each kind composed in both languages and opened as a mail program would.

The drafts are parsed by the standard library's `email.parser` with the strict default
policy: headers, the plain and HTML parts, the calendar attachment, and the guarantees that
matter to a coordinator (a draft, no header injection, the same bytes for the same letter).
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from decimal import Decimal
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from mentes_cli import i18n
from mentes_cli.errors import ReferenceDataError
from mentes_cli.export.eml import draft_bytes, header_text
from mentes_cli.letters.compose import (
    Decision,
    Facts,
    LetterVisit,
    Move,
    changed_letter,
    decision_letter,
    duration,
    planned_letter,
)
from mentes_cli.letters.texts import letter_texts
from mentes_cli.reference import bundled_data_dir

CENTRE = tomllib.loads((bundled_data_dir() / "centre.toml").read_text(encoding="utf-8"))
WHEN = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture(params=["nl", "en"])
def lang(request):
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(None)


def facts(**changes) -> Facts:
    values = dict(
        traject="T-2027-001",
        family="pedagogical_coaching",
        offer_name="pedagogische coaching",
        location_name="De Vlinder Berchem",
        to_email="info@devlinder.example",
        to_name="Els Janssens",
        coach_name="An Peeters",
        phone="03 123 45 67",
    )
    values.update(changes)
    return Facts(**values)


def visits(count: int = 8, hours: float = 6.25) -> list[LetterVisit]:
    return [
        LetterVisit(n, count, "visit", date(2027, 3, 1 + 7 * (n - 1) % 28), "08:30", hours)
        for n in range(1, count + 1)
    ]


def parsed(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def send(letter) -> bytes:
    texts = letter_texts(CENTRE)
    return draft_bytes(letter, texts.sender_name, texts.sender_email, WHEN)


def test_a_planned_letter_is_a_draft_with_text_html_and_calendar(lang):
    letter = planned_letter(facts(), visits(), letter_texts(CENTRE), calendar=CALENDAR)
    message = parsed(send(letter))
    assert message["X-Unsent"] == "1"
    assert message["To"] == "Els Janssens <info@devlinder.example>"
    assert message["From"] == "Pedagogie in Praktijk <vot@kdg.be>"
    assert message["Date"] == "Mon, 04 Jan 2027 09:00:00 +0000"
    assert message["Message-ID"].endswith("@kdg.be>")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["T-2027-001.ics"]
    assert attachments[0].get_content_type() == "text/calendar"
    assert attachments[0].get_content().encode() == CALENDAR
    expected = {
        "nl": ("Je traject pedagogische coaching is gepland (De Vlinder Berchem)",
               "Jouw pedagogisch coach wordt An Peeters. Het eerste bezoek is op maandag "
               "1 maart 2027.",
               "1. maandag 1 maart 2027, 08:30–14:45 (6 u 15)", "Beste Els Janssens,"),
        "en": ("Your pedagogische coaching traject is planned (De Vlinder Berchem)",
               "Your pedagogical coach is An Peeters. The first visit is on Monday 1 March 2027.",
               "1. Monday 1 March 2027, 08:30–14:45 (6 h 15 min)", "Dear Els Janssens,"),
    }[lang]  # fmt: skip
    subject, coach, first_visit, greeting = expected
    assert message["Subject"] == subject
    for part in (text, html):
        assert coach in part and first_visit in part and greeting in part
    assert text.count("08:30–14:45") == 8


def test_an_intake_call_is_announced_with_the_phone_number():
    i18n.set_language("nl")
    try:
        intake = LetterVisit(0, 10, "intake", date(2027, 2, 22), "08:30", 1)
        letter = planned_letter(facts(), [intake, *visits(10, 5)], letter_texts(CENTRE))
        assert (
            "Eerst is er het telefonische intakegesprek: maandag 22 februari 2027 om 08:30 (1 u). "
            "De coach belt je op 03 123 45 67." in letter.text
        )
        assert "10. " in letter.text and "0. " not in letter.text.replace("10. ", "")
    finally:
        i18n.set_language(None)


def test_a_support_traject_names_its_contact_moments(lang):
    letter = planned_letter(facts(family="regional_support"), visits(2, 3), letter_texts(CENTRE))
    wanted = {"nl": "De contactmomenten:", "en": "The contact moments:"}[lang]
    assert wanted in letter.text
    assert letter_texts(CENTRE).prepare_support[0] in letter.text


def test_a_change_letter_says_old_and_new_dates(lang):
    now = visits()[2]
    moved = [Move(date(2027, 3, 10), "08:30", now)]
    cancelled = [visits()[7]]
    letter = changed_letter(
        facts(), letter_texts(CENTRE), moved=moved, cancelled=cancelled, now=visits()[:7]
    )
    # A moved line names its days, not a number: the number of a visit may change with it.
    if lang == "nl":
        assert "  woensdag 10 maart 2027 → maandag 15 maart 2027, 08:30–14:45\n" in letter.text
        assert "Geschrapt:\n\n  maandag 22 maart 2027\n" in letter.text
        assert "Je bezoeken nu:\n\n  1. maandag 1 maart 2027, 08:30–14:45 (6 u 15)" in letter.text
    else:
        assert "  Wednesday 10 March 2027 → Monday 15 March 2027, 08:30–14:45\n" in letter.text
        assert "Cancelled:\n\n  Monday 22 March 2027\n" in letter.text
        assert "Your visits now:\n\n  1. Monday 1 March 2027, 08:30–14:45 (6 h 15 min)" in (
            letter.text
        )
    assert letter.text.count(" (6 ") == 7 and "<br>" in letter.html


def test_a_refusal_gives_the_reason_the_next_free_day_and_the_paid_offer():
    i18n.set_language("nl")
    try:
        decision = Decision(
            outcome="not-free",
            reason="deze locatie had al een gratis traject in de laatste twee jaar (T-2025-014).",
            next_free=date(2027, 5, 10),
            paid_name="traject C",
            paid_price=Decimal("4900"),
        )
        text = decision_letter(facts(), decision, letter_texts(CENTRE)).text
        assert "is nu niet gratis" in text
        assert "Waarom: deze locatie had al een gratis traject" in text
        assert "Vanaf maandag 10 mei 2027 kan een gratis traject opnieuw." in text
        assert "een betalend traject kiezen: traject C, voor €\u00a04.900,00" in text
    finally:
        i18n.set_language(None)


def test_a_cancellation_says_its_reason(lang):
    decision = Decision(outcome="cancelled", reason="De locatie sluit.")
    letter = decision_letter(facts(), decision, letter_texts(CENTRE))
    assert "De locatie sluit." in letter.text
    assert ("geannuleerd" if lang == "nl" else "cancelled") in letter.text


@pytest.mark.parametrize(
    ("name", "email", "subject_location"),
    [
        ("Els\r\nBcc: spy@example.com", "info@devlinder.example", "De Vlinder"),
        ("Els", "info@devlinder.example\r\nBcc: spy@example.com", "De Vlinder"),
        ("Els", "info@devlinder.example", "De Vlinder\r\nBcc: spy@example.com"),
    ],
)
def test_no_header_injection_from_record_text(name, email, subject_location):
    letter = planned_letter(
        facts(to_name=name, to_email=email, location_name=subject_location),
        visits(),
        letter_texts(CENTRE),
    )
    message = parsed(send(letter))
    assert message["Bcc"] is None and message["Cc"] is None
    # A name stays a (quoted) display name: the draft goes to one address, never to the spy.
    to = message["To"]
    assert to is None or [a.addr_spec for a in to.addresses] == ["info@devlinder.example"]
    assert "\n" not in message["Subject"]


@pytest.mark.parametrize("email", [None, "", "not an address", "a@"])
def test_without_an_address_the_draft_has_no_to(email):
    letter = planned_letter(facts(to_email=email), visits(), letter_texts(CENTRE))
    message = parsed(send(letter))
    assert message["To"] is None
    assert message["X-Unsent"] == "1"


def test_the_same_letter_gives_the_same_bytes():
    first = send(planned_letter(facts(), visits(), letter_texts(CENTRE), calendar=CALENDAR))
    again = send(planned_letter(facts(), visits(), letter_texts(CENTRE), calendar=CALENDAR))
    assert first == again
    assert b"\r\n" in first and b"\n" not in first.replace(b"\r\n", b"")


def test_the_html_part_escapes_record_text():
    letter = planned_letter(facts(location_name="<b>De Egel</b>"), visits(), letter_texts(CENTRE))
    assert "<b>De Egel</b>" not in letter.html
    assert "&lt;b&gt;De Egel&lt;/b&gt;" in letter.html


@pytest.mark.parametrize(
    ("hours", "nl", "en"),
    [(6.25, "6 u 15", "6 h 15 min"), (3, "3 u", "3 h"), (7.5, "7 u 30", "7 h 30 min")],
)
def test_durations_as_letters_write_them(hours, nl, en):
    for code, expected in (("nl", nl), ("en", en)):
        i18n.set_language(code)
        try:
            assert duration(hours) == expected
        finally:
            i18n.set_language(None)


def test_header_text_folds_every_line_break():
    assert header_text("a\r\nb\u2028c\x85d") == "a b c d"


def test_letter_texts_refuse_what_a_coordinator_may_get_wrong():
    broken = {**CENTRE, "letters": {**CENTRE["letters"], "nl": {**CENTRE["letters"]["nl"]}}}
    broken["letters"]["nl"]["subject_planned"] = "Je traject {aanbod}"
    with pytest.raises(ReferenceDataError, match=r"letters.nl.subject_planned.*\{aanbod\}"):
        letter_texts(broken, "nl")
    with pytest.raises(ReferenceDataError, match=r"\[letters\] is missing"):
        letter_texts({"name": "x"}, "nl")
    no_mail = {**CENTRE, "letters": {**CENTRE["letters"], "sender_email": "vot"}}
    with pytest.raises(ReferenceDataError, match="not an e-mail address"):
        letter_texts(no_mail, "nl")


def test_the_bundled_centre_has_letters_in_both_languages():
    for code in ("nl", "en"):
        texts = letter_texts(CENTRE, code)
        assert texts.prepare_coaching and texts.prepare_support
    assert Path(bundled_data_dir() / "centre.toml").is_file()


def test_a_cancellation_has_its_own_subject(lang):
    decision = Decision(outcome="cancelled", reason="De locatie sluit.")
    letter = decision_letter(facts(), decision, letter_texts(CENTRE))
    wanted = {
        "nl": "Je traject pedagogische coaching is geannuleerd (De Vlinder Berchem)",
        "en": "Your pedagogische coaching traject is cancelled (De Vlinder Berchem)",
    }[lang]
    assert letter.subject == wanted
    approval = decision_letter(facts(), Decision(outcome="free"), letter_texts(CENTRE))
    assert approval.subject != wanted and "(De Vlinder Berchem)" in approval.subject


def test_an_older_centre_toml_without_subject_cancelled_uses_subject_decision():
    older = {**CENTRE, "letters": {**CENTRE["letters"]}}
    for code in ("nl", "en"):
        words = dict(CENTRE["letters"][code])
        del words["subject_cancelled"]
        older["letters"][code] = words
        texts = letter_texts(older, code)
        assert texts.subject_cancelled == words["subject_decision"]
    letter = decision_letter(facts(), Decision(outcome="cancelled"), letter_texts(older, "nl"))
    assert letter.subject == "Je aanvraag pedagogische coaching (De Vlinder Berchem)"


def test_subject_cancelled_is_checked_like_the_other_texts():
    broken = {**CENTRE, "letters": {**CENTRE["letters"], "en": {**CENTRE["letters"]["en"]}}}
    broken["letters"]["en"]["subject_cancelled"] = "Cancelled: {aanbod}"
    with pytest.raises(ReferenceDataError, match=r"letters.en.subject_cancelled.*\{aanbod\}"):
        letter_texts(broken, "en")
    broken["letters"]["en"]["subject_cancelled"] = "  "
    with pytest.raises(ReferenceDataError, match=r"letters.en.subject_cancelled: must be a text"):
        letter_texts(broken, "en")
