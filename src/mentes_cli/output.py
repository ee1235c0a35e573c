"""Writing output files safely: never over an input, never half-written, --force to replace."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from mentes_cli.errors import OutputError


def check_output_path(target: Path, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Raise OutputError when `target` may not be written (exists, is an input, bad folder)."""
    resolved = target.resolve()
    for source in inputs:
        source = source.resolve()
        if (
            resolved == source
            or _same_file(resolved, source)
            or (source.is_dir() and source in resolved.parents and resolved.suffix == ".toml")
        ):
            raise OutputError(f"{target}: is an input of this command; choose another output file")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name")
    if target.exists() and not target.is_file():
        # Replacing a device or a pipe (as root, /dev/null) would put a plain file in its place.
        raise OutputError(f"{target}: is not a regular file; give a file name")
    if target.exists() and not force:
        raise OutputError(f"{target}: exists already; use --force to replace it")
    folder = target.parent
    if not folder.exists():
        raise OutputError(f"{folder}: folder does not exist")
    if not folder.is_dir():
        raise OutputError(f"{folder}: is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        # Said before any work is done; write_atomically says it again if it changes meanwhile.
        raise OutputError(f"{target}: the folder {folder} is not writable")


def _same_file(target: Path, source: Path) -> bool:
    """Give whether two paths name one file (a hard link, or another case on macOS/Windows)."""
    try:
        return os.path.samefile(target, source)
    except OSError:
        return False


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
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file readable by its owner only; give it the mode a plain write
        # would (or the replaced file's), so a workbook in a shared folder stays readable.
        os.chmod(temporary, _mode_for(target))
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


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
