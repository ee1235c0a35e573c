"""Edit `trajects.toml` keeping every untouched byte: comments, order, blank lines, spacing.

The file is read with the fast reader (tomllib) and cut into one block per `[[trajects]]`
header. Only the blocks of the trajects a change touches are parsed with tomlkit (the
format-preserving library, slow on large files), edited and written back in place; a new
traject is appended at the end. The result is read again and must hold exactly the records
asked for; when the file is laid out in a way the cutting does not follow (an inline array of
trajects, a header inside a multi-line string), the whole file is edited with tomlkit instead.
Visits are plain tables of plain values and are written with tomli-w, which is much faster.
"""

from __future__ import annotations

import copy
import re
import tomllib
from typing import Any

import tomli_w
import tomlkit
from tomlkit.items import AoT, Table

from mentes_cli.errors import RecordChangeError
from mentes_cli.i18n import _

TRAJECTS = "trajects"
VISITS = "visits"
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*trajects[ \t]*\]\][ \t]*(#.*)?\r?\n?$")
_BARE_LF = re.compile(r"(?<!\r)\n")
_VISITS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*trajects[ \t]*\.[ \t]*visits[ \t]*\]\]")


class TrajectsToml:
    """The text of one `trajects.toml` and the changes asked for; `text()` gives the new text."""

    def __init__(self, text: str, source: str = "trajects.toml"):
        self.original = text
        self.source = source
        # The file's line ending, as its first line has it: what mentes writes ends so too
        # (a file saved on Windows keeps CRLF on every line, added ones included).
        first = text.find("\n")
        self.newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
        self.data = tomllib.loads(text)
        items = self.data.get(TRAJECTS, [])
        self.trajects: list[dict[str, Any]] = [copy.deepcopy(t) for t in items]
        self._operations: list[tuple[str, Any, Any]] = []

    # --- reading ---

    def ids(self) -> list[str]:
        """Give the id of every traject, in file order (with those added)."""
        return [str(t.get("id", "")) for t in self.trajects]

    def index(self, traject_id: str) -> int:
        """Give the position of a traject; RecordChangeError naming the id when it is unknown."""
        for position, traject in enumerate(self.trajects):
            if traject.get("id") == traject_id:
                return position
        raise RecordChangeError(
            _("{source}: no traject {traject}", source=self.source, traject=traject_id)
        )

    def traject(self, traject_id: str) -> dict[str, Any]:
        """Give a copy of the plain values of one traject."""
        return copy.deepcopy(self.trajects[self.index(traject_id)])

    # --- changing ---

    def set_fields(self, traject_id: str, changes: dict[str, Any]) -> None:
        """Set fields of one traject; a value None removes the field.

        `visits` is replaced as `set_visits` does (as `[[trajects.visits]]` tables).
        """
        changes = dict(changes)
        if "visits" in changes:
            self.set_visits(traject_id, changes.pop("visits") or [])
        if not changes:
            return
        traject = self.trajects[self.index(traject_id)]
        for key, value in changes.items():
            if value is None:
                traject.pop(key, None)
            else:
                traject[key] = copy.deepcopy(value)
        self._operations.append(("set", traject_id, dict(changes)))

    def add_traject(self, values: dict[str, Any]) -> None:
        """Append a new traject (its fields in the order given)."""
        self.trajects.append(copy.deepcopy(values))
        self._operations.append(("add", None, copy.deepcopy(values)))

    def add_visit(self, traject_id: str, visit: dict[str, Any]) -> None:
        """Append one `[[trajects.visits]]` table to a traject."""
        traject = self.trajects[self.index(traject_id)]
        traject.setdefault(VISITS, []).append(copy.deepcopy(visit))
        self._operations.append(("visit", traject_id, copy.deepcopy(visit)))

    def set_visits(self, traject_id: str, visits: list[dict[str, Any]]) -> None:
        """Replace the visits of a traject (none: the key is removed)."""
        traject = self.trajects[self.index(traject_id)]
        if visits:
            traject[VISITS] = copy.deepcopy(visits)
        else:
            traject.pop(VISITS, None)
        self._operations.append(("visits", traject_id, copy.deepcopy(visits)))

    # --- the new text ---

    def text(self) -> str:
        """Give the new text: the original with only the changed trajects' blocks rewritten."""
        if not self._operations:
            return self.original
        for make in (self._text_by_blocks, self._text_by_document):
            text = make()
            if text is not None and self._holds_what_was_asked(text):
                return text
        raise RecordChangeError(
            _(
                "{source}: mentes could not write the change keeping the file's layout; "
                "nothing was written",
                source=self.source,
            )
        )

    def _holds_what_was_asked(self, text: str) -> bool:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return False
        expected = {**self.data, TRAJECTS: self.trajects}
        if not self.trajects and TRAJECTS not in self.data:
            expected.pop(TRAJECTS)
        return data == expected

    def _text_by_blocks(self) -> str | None:
        lines = self.original.splitlines(keepends=True)
        starts = [n for n, line in enumerate(lines) if _HEADER.match(line)]
        if len(starts) != len(self.data.get(TRAJECTS, [])):
            return None
        head = "".join(lines[: starts[0]]) if starts else self.original
        blocks = [
            "".join(lines[start:end])
            for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)
        ]
        edited: dict[int, _Block] = {}
        added: list[dict[str, Any]] = []
        ids = [t.get("id") for t in self.data.get(TRAJECTS, [])]
        for kind, traject_id, values in self._operations:
            if kind == "add":
                added.append(values)
                ids.append(values.get("id"))
                continue
            position = ids.index(traject_id)
            if position >= len(blocks):  # a traject added by this change: edit its values
                _apply_plain(added[position - len(blocks)], kind, values)
                continue
            if position not in edited:
                edited[position] = _Block(blocks[position])
            edited[position].apply(kind, values)
        for position, block in edited.items():
            blocks[position] = self._ended(block.text())
        text = head + "".join(blocks)
        return text + self._ended(_appended(text, added))

    def _text_by_document(self) -> str:
        document = tomlkit.parse(self.original)
        ids = [t.get("id") for t in self.data.get(TRAJECTS, [])]
        for kind, traject_id, values in self._operations:
            if kind == "add":
                if TRAJECTS not in document:
                    document.append(TRAJECTS, tomlkit.aot())
                document[TRAJECTS].append(_table(values))
                ids.append(values.get("id"))
            else:
                _apply(document[TRAJECTS][ids.index(traject_id)], kind, values)
        return self._ended(tomlkit.dumps(document))

    def _ended(self, text: str) -> str:
        """Give text that mentes wrote (tomlkit, tomli-w: LF) with the file's line ending."""
        if self.newline == "\n":
            return text
        return _BARE_LF.sub(self.newline, text)


class _Block:
    """One traject's block of text, cut in three: its own keys, its visits, what follows.

    Keys are changed with tomlkit on the first part only; visits are written with tomli-w
    (plain tables of plain values: much faster than tomlkit for the hundreds of visits of
    `plan --commit`). Untouched parts keep their bytes.
    """

    def __init__(self, text: str):
        body, self.tail = _split_tail(text)
        lines = body.splitlines(keepends=True)
        first = next((n for n, line in enumerate(lines) if _VISITS_HEADER.match(line)), None)
        cut = len(lines) if first is None else first
        self.keys = "".join(lines[:cut])
        self.visits = "".join(lines[cut:])
        self.document: Any = None

    def apply(self, kind: str, values: Any) -> None:
        if kind == "set":
            if self.document is None:
                self.document = tomlkit.parse(self.keys)
            _apply(self.document[TRAJECTS][0], kind, values)
        elif kind == "visit":
            self.visits += _visit_text(values)
        elif kind == "visits":
            self.visits = "".join(_visit_text(visit) for visit in values)

    def text(self) -> str:
        keys = self.keys if self.document is None else tomlkit.dumps(self.document)
        if not keys.endswith("\n"):
            keys += "\n"
        if self.visits.startswith("\n"):  # visits written here bring their own blank line
            keys = keys.rstrip("\r\n") + "\n"
        body = keys + self.visits
        return body + ("" if body.endswith("\n") or not self.tail else "\n") + self.tail


def _visit_text(visit: dict[str, Any]) -> str:
    """Give one `[[trajects.visits]]` table as text, a blank line before it."""
    return "\n[[trajects.visits]]\n" + tomli_w.dumps(
        {key: value for key, value in visit.items() if value is not None}
    )


def _split_tail(block: str) -> tuple[str, str]:
    """Give a block without its trailing blank and comment lines, and those lines.

    Those lines belong to what follows (a blank line, `# --- requests ---`): a visit added
    to the traject goes before them.
    """
    lines = block.splitlines(keepends=True)
    end = len(lines)
    while end > 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return "".join(lines[:end]), "".join(lines[end:])


def _apply(table: Table, kind: str, values: Any) -> None:
    """Apply one operation to a tomlkit table of a traject."""
    if kind == "set":
        for key, value in values.items():
            if value is None:
                if key in table:
                    del table[key]
            else:
                table[key] = _item(value)
    elif kind == "visit":
        if VISITS in table:
            table[VISITS].append(_spaced(_table(values)))
        else:
            table.append(VISITS, _aot([values], spaced=True))
    elif kind == "visits":
        if VISITS in table:
            del table[VISITS]
        if values:
            table.append(VISITS, _aot(values, spaced=True))


def _apply_plain(traject: dict[str, Any], kind: str, values: Any) -> None:
    if kind == "set":
        for key, value in values.items():
            if value is None:
                traject.pop(key, None)
            else:
                traject[key] = value
    elif kind == "visit":
        traject.setdefault(VISITS, []).append(values)
    elif kind == "visits":
        if values:
            traject[VISITS] = values
        else:
            traject.pop(VISITS, None)


def _item(value: Any) -> Any:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return _aot(value)
    return tomlkit.item(value)


def _table(values: dict[str, Any]) -> Table:
    table = tomlkit.table()
    nested = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            nested[key] = value  # sub-tables come after the plain keys
            continue
        table.add(key, tomlkit.item(value))
    for key, value in nested.items():
        table.add(key, _aot(value, spaced=True))
    return table


def _aot(items: list[dict[str, Any]], *, spaced: bool = False) -> AoT:
    aot = tomlkit.aot()
    for values in items:
        table = _table(values)
        aot.append(_spaced(table) if spaced else table)
    return aot


def _spaced(table: Table) -> Table:
    """Give `table` with a blank line before its header, as people write them."""
    table.trivia.indent = "\n"
    return table


def _appended(text: str, added: list[dict[str, Any]]) -> str:
    """Give the text of new trajects to append after `text`, one blank line before each."""
    if not added:
        return ""
    document = tomlkit.document()
    document.append(TRAJECTS, _aot(added))
    piece = tomlkit.dumps(document).lstrip("\n")
    ending = text[-4:].replace("\r\n", "\n")  # the same in a file with Windows line endings
    separator = (
        "" if not text or ending.endswith("\n\n") else ("\n" if ending.endswith("\n") else "\n\n")
    )
    # tomlkit separates the tables of one array with no blank line: add one, as people do.
    piece = piece.replace("\n[[trajects]]\n", "\n\n[[trajects]]\n")
    return separator + piece
