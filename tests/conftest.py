"""Shared fixtures: a stable terminal, the sample records, and helpers to write inputs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Rich reads these when the consoles are made: fix width and colour so output is stable.
os.environ["COLUMNS"] = "100"
os.environ["NO_COLOR"] = "1"
os.environ["TERM"] = "dumb"
os.environ.pop("MENTES_DATA", None)
# The suite reads English unless a test chooses Dutch (MENTES_LANG=nl or --lang nl).
os.environ["MENTES_LANG"] = "en"
# Today is 30 November 2026 for every test (clock.now() honours SOURCE_DATE_EPOCH), unless a
# test sets its own day: many tests commit a plan from 4 January 2027, which `plan --commit`
# refuses once that day is past, and the sample's ids and ages are of 2026.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1796040000")  # 2026-11-30 12:00 UTC

# After the environment above: the runs made ahead take it (background.SESSION).
import background
from mentes_cli.reference import bundled_data_dir, sample_records_dir

ASSETS = Path(__file__).parent / "assets"


@pytest.fixture(scope="session", autouse=True)
def _runs_ahead(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Start the process runs that the modules to be run declared (see background.py)."""
    modules = {item.module.__name__ for item in request.session.items if item.module}
    background.start(tmp_path_factory.mktemp("runs"), modules)
    yield
    background.stop()


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """Give a fresh copy of the bundled sample records in tmp_path."""
    target = tmp_path / "records"
    shutil.copytree(sample_records_dir(), target)
    return target


REFERENCE_FILES = sorted(
    path.name for path in bundled_data_dir().iterdir() if path.suffix == ".toml"
)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test in its own folder, without MENTES_DATA or reference overrides."""
    from mentes_cli.errors import name_fields_as
    from mentes_cli.reference import reference_path, set_override_dir

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MENTES_DATA", raising=False)
    # set_override_dir empties the cache of parsed reference files, and the regions' lookup
    # tables are built again after it (about 40 ms): only when an earlier test left a file of
    # its own in use. Otherwise every file already comes from the bundled data.
    if any(reference_path(name).parent != bundled_data_dir() for name in REFERENCE_FILES):
        set_override_dir(None)
    name_fields_as("toml")


def write_records(folder: Path, **files: str) -> Path:
    """Write TOML record files (organisations=..., coaches=..., trajects=...) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return folder


ONE_ORGANISATION = """\
[[organisations]]
id = "ORG-1"
name = "Vzw Test"

[[organisations.locations]]
id = "LOC-1"
name = "Test Berchem"
care_type = "group"
subsidy_step = 2
ikt_places = 12
places = 28
postcode = "2600"
"""
