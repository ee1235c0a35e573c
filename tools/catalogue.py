"""Keep the message catalogue up to date: extract, merge, compile, check (maintainers only).

    python tools/catalogue.py update   # new sentences of the code into the Dutch .po, then .mo
    python tools/catalogue.py check    # exit 1 when a message lacks Dutch or the .mo is stale

Every sentence a person reads is written in English in the code, inside `_()` or `n_()`
(src/mentes_cli/i18n.py). `update` finds them with Babel's extractor, adds the new ones to
`locale/nl/LC_MESSAGES/mentes.po` with an empty translation, keeps every translation made
before (a message the code no longer has is dropped), and compiles `mentes.mo`, which is
shipped in the wheel. A translator edits the .po (Poedit, or any text editor), then runs
`update` again. A new language: copy the .po to `locale/CODE/LC_MESSAGES/`, translate, add
CODE to `i18n.LANGUAGES`.
"""

from __future__ import annotations

import io
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mentes_cli"
LOCALE_DIR = PACKAGE / "locale"
KEYWORDS = {"_": None, "n_": (1, 2), "p_": ((1, "c"), 2)}


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / "mentes.po"


def extracted() -> Catalog:
    """Give the catalogue of every `_()` and `n_()` message in the package's code."""
    catalog = Catalog(project="mentes", charset="utf-8")
    for filename, lineno, message, _comments, context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        catalog.add(message, locations=[(f"mentes_cli/{filename}", lineno)], context=context)
    return catalog


def read(code: str) -> Catalog:
    with po_path(code).open("rb") as handle:
        return read_po(handle, locale=code)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def placeholders(text: str) -> set[str]:
    """Give the names of the `{placeholders}` of a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def problems(catalog: Catalog) -> list[str]:
    """Give every message without a translation or whose placeholders differ."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            found.append(f"no translation: {ids[0]!r}")
            continue
        wanted = set().union(*(placeholders(i) for i in ids))
        for text in strings:
            if placeholders(text) != wanted:
                found.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
    return found


def update(code: str = "nl") -> None:
    catalog = read(code)
    made = catalog.creation_date  # kept, so that an update changes only what changed
    catalog.update(extracted(), no_fuzzy_matching=True)
    catalog.creation_date = made
    catalog.obsolete.clear()
    with po_path(code).open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_by_file=True)
    po_path(code).with_suffix(".mo").write_bytes(compiled(read(code)))


def check(code: str = "nl") -> int:
    catalog = read(code)
    found = problems(catalog)
    missing = [m.id for m in extracted() if m.id and catalog.get(m.id, m.context) is None]
    found += [f"not in the catalogue: {m if isinstance(m, str) else m[0]!r}" for m in missing]
    if po_path(code).with_suffix(".mo").read_bytes() != compiled(catalog):
        found.append("mentes.mo is older than mentes.po: run `python tools/catalogue.py update`")
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    else:
        sys.exit(check())
