"""Writing output files safely: never over an input, never half-written, --force to replace."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from mentes_cli.errors import OutputError


def check_output_path(target: Path, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Raise OutputError when `target` may not be written (exists, is an input, bad folder)."""
    resolved = target.resolve()
    for source in inputs:
        source = source.resolve()
        if resolved == source or (source.is_dir() and source in resolved.parents
                                  and resolved.suffix == ".toml"):
            raise OutputError(f"{target}: is an input of this command; choose another output file")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name")
    if target.exists() and not force:
        raise OutputError(f"{target}: exists already; use --force to replace it")
    if not target.parent.exists():
        raise OutputError(f"{target.parent}: folder does not exist")


def write_atomically(target: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `target`, then rename it into place."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except PermissionError:
        raise OutputError(f"{target}: the folder {folder} is not writable") from None
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, target)
    except PermissionError:
        _remove(temporary)
        raise OutputError(
            f"{target}: cannot be replaced; it may be open in Excel or read-only. "
            "Close it and try again"
        ) from None
    except OSError as exc:
        _remove(temporary)
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
