"""The message catalogue: Dutch for every translated message, the same placeholders, a fresh .mo.

The catalogue tool (tools/catalogue.py) extracts the `_()` messages of the code and compiles
the .po into the .mo shipped in the wheel; these tests hold it to its promises.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from mentes_cli import i18n

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("catalogue", ROOT / "tools" / "catalogue.py")
catalogue = importlib.util.module_from_spec(spec)
spec.loader.exec_module(catalogue)


def test_every_translation_has_the_placeholders_of_its_message():
    found = [p for p in catalogue.problems(catalogue.read("nl")) if "placeholders" in p]
    assert found == []


def test_the_placeholder_check_can_fail():
    broken = catalogue.Catalog(locale="nl")
    broken.add("Wrote {path}.", "{pad} geschreven.")
    assert catalogue.problems(broken) == [
        "placeholders differ: 'Wrote {path}.' -> '{pad} geschreven.'"
    ]


def test_the_shipped_mo_is_compiled_from_the_po():
    mo = catalogue.po_path("nl").with_suffix(".mo")
    assert mo.read_bytes() == catalogue.compiled(catalogue.read("nl"))


def test_the_installed_package_has_the_dutch_catalogue():
    assert (Path(i18n.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "mentes.mo").is_file()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("nl", "Waarschuwing: onbekende taal 'xx'; mentes gebruikt Nederlands."),
        ("en", "Warning: unknown language 'xx'; using Dutch."),
    ],
)
def test_a_message_in_each_language(code: str, expected: str):
    i18n.set_language(code)
    try:
        assert i18n._("Warning: unknown language '{code}'; using Dutch.", code="xx") == expected
    finally:
        i18n.set_language(None)


@pytest.mark.parametrize(
    ("code", "money", "day", "weekday", "number"),
    [
        (
            "nl",
            "€\u00a04.900,00",  # a no-break space keeps € with its amount
            "10/03/2027",
            "wo 10 mrt 2027",
            "6,25",
        ),
        ("en", "€4,900.00", "2027-03-10", "Wed 10 Mar 2027", "6.25"),
    ],
)
def test_formats_follow_the_language(code, money, day, weekday, number):
    from datetime import date
    from decimal import Decimal

    i18n.set_language(code)
    try:
        assert i18n.money(Decimal("4900")) == money
        assert i18n.day(date(2027, 3, 10)) == day
        assert i18n.weekday_day(date(2027, 3, 10)) == weekday
        assert i18n.number(6.25) == number
    finally:
        i18n.set_language(None)


def test_an_unknown_language_is_a_warning_and_dutch():
    result = subprocess.run(
        [sys.executable, "-m", "mentes_cli", "--lang", "fr", "validate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Waarschuwing: onbekende taal 'fr'; mentes gebruikt Nederlands." in result.stderr


def test_every_message_of_the_code_has_its_dutch():
    """`tools/catalogue.py check` finds nothing: every `_()` message of the code is in the .po
    with a Dutch translation, and the .mo is compiled from it."""
    import io
    import runpy
    from contextlib import redirect_stdout

    tool = Path(__file__).resolve().parents[1] / "tools" / "catalogue.py"
    if not tool.exists():
        pytest.skip("the maintainers' tools are not beside the tests")
    check = runpy.run_path(str(tool))["check"]
    said = io.StringIO()
    with redirect_stdout(said):
        code = check()
    assert code == 0, said.getvalue()
