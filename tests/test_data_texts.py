"""Texts that people read from the data files come in both languages there (SPEC 7): a
scope's name (regions.toml), a package's name and what its price includes (tariffs.toml),
the centre's notes on the offerte (centre.toml). JSON carries the English; the terminal and
the offerte say the reader's language; a plain text is said alike in both."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from cli_runner import CliRunner
from mentes_cli import i18n
from mentes_cli.cli import app
from mentes_cli.errors import ReferenceDataError
from mentes_cli.quote import centre
from mentes_cli.reference import in_languages
from mentes_cli.regions import scope_at
from mentes_cli.tariffs import packages_at

runner = CliRunner()
DAY = "2026-11-22"


@pytest.fixture
def dutch():
    i18n.set_language("nl")
    yield
    i18n.set_language("en")


def test_a_plain_text_is_said_alike_in_both_languages(dutch):
    text = in_languages("Regio Kempen", "regions.toml: scope kempen", "name")
    assert str(text) == text.said() == "Regio Kempen"


def test_a_text_per_language_is_said_in_the_readers(dutch):
    text = in_languages({"nl": "reistijd", "en": "travel time"}, "tariffs.toml", "includes")
    assert text.said() == "reistijd"
    assert str(text) == "travel time"  # what JSON carries
    assert i18n._("Includes: {items}", items=text) == "Inbegrepen: reistijd"
    i18n.set_language("en")
    assert text.said() == "travel time"


@pytest.mark.parametrize(
    "value",
    [{"nl": "alleen Nederlands"}, {"nl": "x", "en": "y", "fr": "z"}, {"nl": "", "en": "y"}, 3, ""],
)
def test_a_text_without_both_languages_is_refused_with_its_file_and_key(value):
    with pytest.raises(ReferenceDataError) as refused:
        in_languages(value, "regions.toml: scope kempen", "name")
    assert str(refused.value) == (
        "regions.toml: scope kempen: `name` must be a text, or a text for each language "
        "(name.nl, name.en)"
    )


def test_the_bundled_data_gives_every_text_in_both_languages():
    from datetime import date

    day = date(2026, 11, 22)
    texts = [scope_at(scope, day).name for scope in (
        "regio-antwerpen", "provincie-antwerpen", "groot-antwerpen", "antwerpen-districten"
    )]  # fmt: skip
    for package in packages_at(day):
        texts += [package.name, *package.includes]
    details = centre()
    texts += [details.network, details.vat_note, details.vat_position, details.acceptance]
    for text in texts:
        assert set(text.names) == {"nl", "en"}, text
        assert text.names["nl"] != text.names["en"], text


def _quote(language: str, *args: str):
    arguments = ["--lang", language, "quote", "--traject", "C", "--as-of", DAY, *args]
    return runner.invoke(app, arguments)


def test_the_quote_says_what_is_included_in_the_readers_language():
    dutch, english = _quote("nl"), _quote("en")
    assert dutch.exit_code == english.exit_code == 0, dutch.output + english.output
    assert "Inbegrepen: voorbereidingstijd, reistijd, verplaatsingskosten" in dutch.stdout
    assert "Includes: preparation time, travel time, travel costs" in english.stdout
    data = json.loads(_quote("nl", "--format", "json").stdout)
    assert data["name"] == "Pedagogical coaching in the workplace, traject C"
    assert data["includes"] == ["preparation time", "travel time", "travel costs"]
    assert _quote("nl", "--format", "json").stdout == _quote("en", "--format", "json").stdout


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ["er wordt geen btw aangerekend", "Vrijgesteld van btw", "het ondersteuningsnetwerk",
                "Stuur deze offerte ondertekend terug", "voorbereidingstijd, reistijd en "]),
        ("en", ["no VAT is charged", "Exempt from VAT", "the childcare support network",
                "Send this quote back signed", "preparation time, travel time and travel costs"]),
    ],
)  # fmt: skip
def test_the_offerte_gives_the_centres_notes_in_the_readers_language(
    tmp_path: Path, language, words
):
    target = tmp_path / "offerte.xlsx"
    result = _quote(language, "--for", "Vzw De Egel", "--output", str(target))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(target).active
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    for word in words:
        assert word in text
    other = "en" if language == "nl" else "nl"
    assert not any(word in text for word in dict(
        nl=["er wordt geen btw", "Vrijgesteld"], en=["no VAT is charged", "Exempt from VAT"]
    )[other])  # fmt: skip


def test_the_price_list_says_what_each_familys_price_includes():
    dutch = runner.invoke(app, ["--lang", "nl", "quote", "--list", "--as-of", DAY])
    english = runner.invoke(app, ["--lang", "en", "quote", "--list", "--as-of", DAY])
    assert dutch.exit_code == english.exit_code == 0, dutch.output + english.output
    said = " ".join(dutch.stdout.split())
    assert "de prijs omvat voorbereidingstijd, reistijd, verplaatsingskosten." in said
    assert "de prijs omvat telefonische ondersteuning tussen de contactmomenten" in said
    assert "tariffs.toml" not in said
    said = " ".join(english.stdout.split())
    assert "the price includes preparation time, travel time, travel costs." in said
    assert "the price includes phone support between the contact moments" in said
