"""Write records as the TOML files of SPEC 2.1 (organisations, coaches, trajects).

tomli-w cannot write None, so absent values are left out; empty closures, leave, domains and
visits are left out too (they are the defaults). A traject's committed visits are written
inside it, as `[[trajects.visits]]` tables below their traject (SPEC 8). The files are new
files: a coordinator's hand-edited TOML (with comments) is never rewritten unless --force
says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel

from mentes_cli.errors import OutputError
from mentes_cli.i18n import _
from mentes_cli.models import Records
from mentes_cli.output import make_folder, outputs_together, write_many
from mentes_cli.records.history import HISTORY_FILE, HistoryEntry, entries_toml
from mentes_cli.reference import parse_toml

RECORD_FILES = ("organisations.toml", "coaches.toml", "trajects.toml")
_OMIT_WHEN_EMPTY = {"closures", "leave", "domains", "visits"}
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
    return compact if parse_toml(compact) == parse_toml(text) else text


def write_record_files(
    records: Records,
    folder: Path,
    *,
    force: bool,
    origin: str | None = None,
    inputs: Iterable[Path] = (),
    history: Sequence[HistoryEntry] = (),
) -> list[Path]:
    """Write the three record files into `folder` (made when missing), and `history.toml`
    when there is a `history` (SPEC 8); give their paths.

    Refuse, writing nothing, when one exists and `force` is false.
    """
    if folder.exists() and not folder.is_dir():
        raise OutputError(_("{path}: is a file; give a folder for the TOML files", path=folder))
    targets = [folder / name for name in RECORD_FILES]
    if history:
        targets.append(folder / HISTORY_FILE)
    existing = [target for target in targets if target.exists()]
    if existing and not force:
        names = ", ".join(target.name for target in existing)
        raise OutputError(
            _(
                "{path}: holds {names} already; use --force to replace them",
                path=folder,
                names=names,
            )
        )
    for target in existing:
        if target.is_dir():
            raise OutputError(
                _("{path}: is a folder; remove it or choose another folder", path=target)
            )
    texts = records_toml(records, origin)
    if history:
        texts[HISTORY_FILE] = entries_toml(list(history), first=True)
    if not folder.exists() and not folder.parent.exists():
        raise OutputError(_("{path}: folder does not exist", path=folder.parent))
    # One change: the folder made here and the three files land together, or none of them.
    with outputs_together():
        make_folder(folder)
        write_many(
            {target: texts[target.name].encode("utf-8") for target in targets},
            force=force,
            inputs=inputs,
        )
    return targets
