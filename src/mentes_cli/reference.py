"""Reference data: the TOML files in data/ (tariffs, rules, regions, planning, centre).

They ship inside the package. A coordinator may override any of them by putting a file
of the same name in the records directory given with --data.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from mentes_cli.errors import ReferenceDataError

try:
    # tomli is the parser tomllib was taken from, with the same API, shipped as compiled
    # (mypyc) wheels: it reads the network's records about 3 times faster. Where no wheel
    # exists it is pure Python, no slower than tomllib; tomllib stays the fallback.
    from tomli import TOMLDecodeError
    from tomli import loads as parse_toml
except ImportError:  # pragma: no cover - tomli is a dependency
    from tomllib import TOMLDecodeError
    from tomllib import loads as parse_toml

__all__ = ["TOMLDecodeError", "parse_toml"]

_override_dir: Path | None = None


def bundled_data_dir() -> Path:
    """Give the folder of the bundled reference data and sample records."""
    installed = Path(__file__).resolve().parent / "data"
    if installed.is_dir():
        return installed
    # Running from a source checkout (editable install): the top-level data/ folder.
    return Path(__file__).resolve().parents[2] / "data"


def sample_records_dir() -> Path:
    """Give the folder of the bundled sample records."""
    return bundled_data_dir() / "sample"


def set_override_dir(folder: Path | None) -> None:
    """Let reference files found in `folder` win over the bundled ones."""
    global _override_dir
    _override_dir = folder
    load_reference.cache_clear()


def reference_path(name: str) -> Path:
    """Give the path of reference file `name`, the override folder's copy first."""
    if _override_dir is not None and (_override_dir / name).is_file():
        return _override_dir / name
    return bundled_data_dir() / name


@cache
def load_reference(name: str) -> dict[str, Any]:
    """Give the parsed content of reference file `name` (cached)."""
    path = reference_path(name)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ReferenceDataError(f"{path}: reference file is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(f"{path}: cannot read reference file ({exc})") from None
    try:
        return parse_toml(text)
    except TOMLDecodeError as exc:
        raise ReferenceDataError(f"{path}: not valid TOML ({exc})") from None


def parameter_at(entries: list[dict[str, Any]], as_of: date, what: str) -> dict[str, Any]:
    """Give the entry with the newest `valid_from` on or before `as_of`.

    `entries` is a list of tables, each with a `valid_from` date; `what` names them in errors.
    """
    in_force = [e for e in entries if e.get("valid_from") and e["valid_from"] <= as_of]
    if not in_force:
        earliest = min((e["valid_from"] for e in entries if e.get("valid_from")), default="none")
        raise ReferenceDataError(
            f"{what}: no value in force on {as_of.isoformat()} "
            f"(the earliest valid_from is {earliest})"
        )
    return max(in_force, key=lambda e: e["valid_from"])
