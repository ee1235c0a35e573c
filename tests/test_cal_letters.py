"""Letter wording of review 2 (findings 9, 15, 22): what a traject is called, the greeting
without a contact person, how often a free traject may be had, the price of a paid traject,
the free alternative of a paid request, and "free from" through announced enforcement."""

from __future__ import annotations

import email
import email.policy
import shutil
from pathlib import Path

import pytest

from english import english_left
from mentes_cli import i18n
from test_calendar_updates import EPOCH, WINDOW, mentes


@pytest.fixture(autouse=True)
def _english_after():
    """A run with --lang nl chooses Dutch for the whole process: the next test reads English."""
    yield
    i18n.set_language(None)


def letters_of(folder: Path) -> dict[str, tuple[str, str]]:
    found = {}
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        found[path.stem] = (str(message["Subject"]), body)
    return found


@pytest.fixture
def day_of_letters(sample_dir: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    mentes(sample_dir, "plan", *WINDOW, "--commit")
    mentes(sample_dir, "request", "LOC-016", "A", "--approve")  # T-2026-029: paid, free possible
    mentes(sample_dir, "request", "LOC-013", "coaching", "--earliest", "15/01/2027")  # T-2026-030
    mentes(sample_dir, "request", "LOC-005", "coaching")  # T-2026-031: one coming already
    mentes(sample_dir, "request", "LOC-007", "bvv-basis")  # T-2026-032: had one in 2026
    twin = sample_dir.parent / "twin"
    shutil.copytree(sample_dir, twin)
    return sample_dir


def test_dutch_letters_read_well(day_of_letters: Path):
    mentes(day_of_letters, "--lang", "nl", "letters", "--to", "LN")
    found = letters_of(Path("LN"))
    subject, vervolg = found["T-2026-024-planned"]
    assert subject.startswith("Je BVV-vervolgtraject is gepland")
    assert "Je BVV-vervolgtraject in " in vervolg
    assert "Je BVV-basistraject in " in found["T-2026-028-planned"][1]
    _, package = found["T-2026-022-planned"]
    assert "Je traject Coaching werkvloer B in Het Zonnetje Deurne is gepland." in package
    assert "Dit is een betalend traject: €\xa03.900,00." in package
    assert package.startswith("Beste collega's van Het Zonnetje Deurne,")
    assert "Dit is een betalend traject: €\xa01.800,00." in found["T-2026-026-planned"][1]
    assert "betalend" not in found["T-2026-023-planned"][1]  # a free traject says no price

    _, approved = found["T-2026-029-approved"]
    assert "Dit is een betalend traject: €\xa02.800,00." in approved
    assert "kan ook gratis pedagogische coaching krijgen" in approved
    assert "check-eligibility" not in approved  # words for the location, not the coordinator

    _, enforcement = found["T-2026-030-not-free"]
    assert "is nu niet gratis." in enforcement and "kan nu niet" not in enforcement
    assert "Gratis vanaf maandag 1 februari 2027." in enforcement
    assert "(handhaving)" in enforcement
    assert "in 24 maanden" in found["T-2026-031-not-free"][1]
    assert "per kalenderjaar" in found["T-2026-032-not-free"][1]
    for name, (subject, body) in found.items():
        assert "traject traject" not in body and "Per periode" not in body, name
        # "had" is Dutch too ("had al een gratis traject"), but on english_left's list.
        assert not english_left(subject + "\n" + body.replace(" had al ", " al ")), name


def test_english_letters_say_the_same(day_of_letters: Path):
    mentes(day_of_letters.parent / "twin", "--lang", "en", "letters", "--to", "LE")
    found = letters_of(Path("LE"))
    assert found["T-2026-024-planned"][0].startswith("Your BVV follow-up traject is planned")
    _, package = found["T-2026-022-planned"]
    assert "Your Workplace coaching B traject at Het Zonnetje Deurne is planned." in package
    assert "This is a paid traject: €3,900.00." in package
    assert package.startswith("Dear colleagues at Het Zonnetje Deurne,")
    _, approved = found["T-2026-029-approved"]
    assert "can also get pedagogical coaching free of charge" in approved
    _, enforcement = found["T-2026-030-not-free"]
    assert "Free from Monday 1 February 2027." in enforcement
    assert "in 24 months" in found["T-2026-031-not-free"][1]
    assert "per calendar year" in found["T-2026-032-not-free"][1]
