"""Write records as the TOML files of SPEC 2.1 (organisations, coaches, trajects).

tomli-w cannot write None, so absent values are left out; empty closures, leave and domains
are left out too (they are the defaults). The files are new files: a coordinator's
hand-edited TOML (with comments) is never rewritten unless --force says so.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel

from mentes_cli.errors import OutputError
from mentes_cli.models import Records

RECORD_FILES = ("organisations.toml", "coaches.toml", "trajects.toml")
_OMIT_WHEN_EMPTY = {"closures", "leave", "domains"}
_LINE_LENGTH = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _plain(model: BaseModel) -> dict[str, Any]:
    """Give the fields of `model` in model order, without None and without empty defaults."""
    plain: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None or (name in _OMIT_WHEN_EMPTY and value == []):
            continue
        if isinstance(value, list):
            value = [_plain(item) if isinstance(item, BaseModel) else item for item in value]
        plain[name] = value
    return plain


def records_toml(records: Records, origin: str | None = None) -> dict[str, str]:
    """Give the text of each record file, by file name."""
    heading = ""
    if origin is not None:
        heading = (
            f"# Written by `mentes import` from {_CONTROL.sub('?', origin)}.\n"
            "# Check with `mentes validate --data <this folder>`.\n\n"
        )
    documents = {
        "organisations.toml": {"organisations": [_plain(o) for o in records.organisations]},
        "coaches.toml": {"coaches": [_plain(c) for c in records.coaches]},
        "trajects.toml": {"trajects": [_plain(t) for t in records.trajects]},
    }
    return {
        name: heading + _compact_arrays(tomli_w.dumps(document))
        for name, document in documents.items()
    }


def _compact_arrays(text: str) -> str:
    """Give `text` with short arrays on one line, as people write them (tomli-w spreads them).

    `opening_days = ["mon", "tue"]` instead of one line per day. tomli-w writes strings on one
    line (no multi-line strings), so an item is one line; the result is parsed again and
    must equal the original, else the original is kept.
    """
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.endswith(" = ["):
            end = index + 1
            while end < len(lines) and lines[end].startswith("    ") and lines[end].endswith(","):
                end += 1
            if end < len(lines) and lines[end] == "]" and end > index + 1:
                items = [item.strip().removesuffix(",") for item in lines[index + 1 : end]]
                joined = f"{line}{', '.join(items)}]"
                if len(joined) <= _LINE_LENGTH:
                    out.append(joined)
                    index = end + 1
                    continue
        out.append(line)
        index += 1
    compact = "\n".join(out)
    return compact if tomllib.loads(compact) == tomllib.loads(text) else text


def write_files_together(files: dict[Path, bytes]) -> None:
    """Write every file, or none: all go to temporary files first, then are renamed in place.

    A failure while writing leaves every target as it was. (The renames themselves are
    separate steps; on one file system they do not fail for want of space.)
    """
    staged: list[tuple[str, Path]] = []
    try:
        for target, content in files.items():
            try:
                handle, temporary = tempfile.mkstemp(
                    prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
                )
            except OSError as exc:
                raise OutputError(
                    f"{target}: cannot write in {target.parent} ({exc.strerror or exc})"
                ) from None
            staged.append((temporary, target))
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(content)
            except OSError as exc:
                raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
        for temporary, target in staged:
            try:
                os.replace(temporary, target)
            except OSError as exc:
                raise OutputError(
                    f"{target}: cannot be replaced ({exc.strerror or exc}); it may be open "
                    "in another program or read-only"
                ) from None
    finally:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)


def write_record_files(
    records: Records, folder: Path, *, force: bool, origin: str | None = None
) -> list[Path]:
    """Write the three record files into `folder` (made when missing); give their paths.

    Refuse, writing nothing, when one exists and `force` is false.
    """
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file; give a folder for the TOML files")
    targets = [folder / name for name in RECORD_FILES]
    existing = [target for target in targets if target.exists()]
    if existing and not force:
        names = ", ".join(target.name for target in existing)
        raise OutputError(f"{folder}: holds {names} already; use --force to replace them")
    for target in existing:
        if target.is_dir():
            raise OutputError(f"{target}: is a folder; remove it or choose another folder")
    texts = records_toml(records, origin)
    if not folder.exists():
        if not folder.parent.exists():
            raise OutputError(f"{folder.parent}: folder does not exist")
        try:
            folder.mkdir()
        except OSError as exc:
            raise OutputError(f"{folder}: cannot make the folder ({exc.strerror or exc})") from None
    write_files_together({target: texts[target.name].encode("utf-8") for target in targets})
    return targets
