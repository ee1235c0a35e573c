"""A limit that stops mentes is said in the coordinator's words (SPEC 7): what is too large and
what to check, not the name of a data file and its key. A file is named only where the
coordinator must write it: the one limit a centre may need to raise, approved trajects per
plan, names the file and its setting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli_runner import CliRunner
from english import english_left
from mentes_cli.cli import app
from mentes_cli.reference import sample_records_dir, set_override_dir

runner = CliRunner()


@pytest.fixture(autouse=True)
def _bundled_reference():
    set_override_dir(None)
    yield
    set_override_dir(None)


def records(tmp_path: Path, limits: str) -> Path:
    folder = tmp_path / "records"
    shutil.copytree(sample_records_dir(), folder)
    (folder / "limits.toml").write_text(limits, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("limits", "english", "dutch"),
    [
        (
            "[records]\nmax_locations = 3\n",
            "holds 16 locations; mentes reads at most 3 (a safety limit",
            "bevat 16 opvanglocaties; mentes leest er hoogstens 3 (een veiligheidsgrens",
        ),
        (
            "[records]\nmax_coaches = 2\n",
            "holds 5 coaches; mentes reads at most 2",
            "bevat 5 coaches; mentes leest er hoogstens 2",
        ),
        (
            "[records]\nmax_file_bytes = 1000\n",
            "mentes reads record files up to 0.001 MB. Is this the right file?",
            "mentes leest gegevensbestanden tot 0,001 MB. Is dit het juiste bestand?",
        ),
    ],
    ids=["locations", "coaches", "bytes"],
)
def test_a_record_limit_names_no_data_file(tmp_path: Path, limits: str, english, dutch):
    folder = records(tmp_path, limits)
    for lang, expected in (("en", english), ("nl", dutch)):
        result = runner.invoke(app, ["--lang", lang, "validate", "--data", str(folder)])
        assert result.exit_code == 1, result.output
        said = " ".join(result.stderr.split())
        assert expected in said
        assert "limits.toml" not in said and "max_" not in said
        if lang == "nl":
            assert not english_left(said.replace(str(folder), "MAP")), said


def test_the_plan_limit_names_the_file_and_the_setting_to_raise_it(tmp_path: Path):
    folder = records(tmp_path, "[plan]\nmax_trajects_per_plan = 2\n")
    for lang, expected in (
        ("en", "a file limits.toml in the records folder with the setting [plan] "),
        ("nl", "verhoogt een bestand limits.toml in de map met gegevens met de instelling [plan] "),
    ):
        result = runner.invoke(app, ["--lang", lang, "plan", "--data", str(folder)])
        assert result.exit_code == 1, result.output
        said = " ".join(result.stderr.split())
        assert expected + "max_trajects_per_plan = 8" in said
        if lang == "nl":
            assert not english_left(said, frozenset({"limits", "toml"})), said


def test_the_bundled_limits_are_named_as_mentes_own_data():
    from mentes_cli import i18n
    from mentes_cli.errors import ReferenceDataError
    from mentes_cli.limits import checked_limits

    i18n.set_language("en")  # a run with --lang nl before may have left Dutch on
    try:
        with pytest.raises(ReferenceDataError) as caught:
            checked_limits({"nonsense": {}}, None, "unused")
    finally:
        i18n.set_language(None)
    assert str(caught.value).startswith("mentes's own reference data (limits.toml): unknown")
    assert "the sections are [records], [plan], [workbook]" in str(caught.value)
