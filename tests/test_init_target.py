"""What `mentes init TARGET` makes (review finding 19: `init e2.xls` made a folder e2.xls)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentes_cli.errors import UsageError
from mentes_cli.records.store import init_target_kind


@pytest.mark.parametrize("name", ["e2.xlsx", "E2.XLSX", "map/records.xlsx"])
def test_an_xlsx_name_is_a_workbook(name):
    assert init_target_kind(Path(name)) == "workbook"


@pytest.mark.parametrize("name", ["recs", "records.2027", "map/recs", "."])
def test_another_name_is_a_folder(name):
    assert init_target_kind(Path(name)) == "folder"


@pytest.mark.parametrize("name", ["e2.xls", "e2.XLSM", "e2.ods", "e2.csv", "trajects.toml"])
def test_a_name_of_another_kind_of_file_is_refused_saying_what_init_makes(name):
    with pytest.raises(UsageError) as caught:
        init_target_kind(Path(name))
    said = str(caught.value)
    assert said.startswith(f"{name}: mentes makes records as a workbook ending in .xlsx")
    assert f"or a folder name without {Path(name).suffix}" in said
