"""The record store: the one way mentes changes a coordinator's records (SPEC 8).

A change runs in this order, all under the records' lock:

1. take the lock (wait up to 60 s for another writer, then say who holds it since when);
   for a workbook, refuse while Excel or LibreOffice has it open;
2. read the file that changes (the folder's `trajects.toml`, or the workbook) and remember
   its size, modification time and SHA-256;
3. let the command edit plain field values (`Change`);
4. validate the whole record set as it would be after the change (`mentes_cli.load`, the
   loader every command uses): a change that would leave invalid records is refused;
5. check that the file on disk is still the one read (size, time and hash): when someone
   saved it meanwhile (a text editor, Excel), refuse and write nothing;
6. keep the version being replaced as a dated copy in `backup/` beside the records, then
   replace the file atomically (`mentes_cli.output`: temporary file, flush, rename);
7. remember the change for `undo` (`backup/NAME.undo.toml`, NAME the file that changed)
   and append it to the history (`history.toml`; in a workbook the sheet `Historiek`, saved
   with the change itself); steps 6 and 7 are written together (mentes_cli.output): all of
   them, or none.

A change that changes nothing (every value already as asked) writes nothing: no backup, no
history line, and the undo of the change before it stays. While the folder's `history.toml`
cannot be read as TOML, every change (and undo) is refused, naming its file and line: an
append would bury the broken line under new ones, and `mentes history` could not show any.

Backups: `backup/NAME.YYYYMMDDTHHMMSSZ[-N].EXT`, the newest `KEEP_BACKUPS` of each record set
kept. `undo` restores the version before the last change, once: only while the file is still
exactly what that change wrote (a later hand edit is never lost), and the version it replaces
is itself kept in `backup/`. Several record sets may share one folder (a TOML folder and
workbooks beside it, or two workbooks): each has its own lock, backups and undo note, named
after its file. An undo note of an earlier mentes (`backup/undo.toml`, one for the whole
folder) is still read when it is about this record set.

What undo gives back is the earlier version with two exceptions, so that nothing already
sent is contradicted (SPEC 9): no visit gets a SEQUENCE lower than it has now (one more when
it is not as it is now: a calendar ignores an update whose SEQUENCE it has seen), and a
workbook keeps its sheet Brieven (the memory of letters sent) as it is now, as undo in a
folder never touches letters.toml. A workbook's sheet Historiek is kept as it is now too, and
the undo is added to it, as a folder's history.toml keeps the undone change and records the
undo: the history only grows.

Writing that memory (`keeping`, `Kept.write`) is no change of the records: it takes the lock,
is refused while Excel has the workbook open or when it changed since it was read, keeps a
backup and writes atomically, but adds no history line, and the note for undo follows the
file, so that undo still undoes the coordinator's last change of the records.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import tomli_w

from mentes_cli.clock import now
from mentes_cli.errors import (
    InputError,
    OutputError,
    Problem,
    RecordChangeError,
    RecordsBusyError,
    RecordsChangedError,
)
from mentes_cli.i18n import _
from mentes_cli.output import (
    make_folder,
    outputs_together,
    remove_stale_temporaries,
    write_atomically,
)
from mentes_cli.records.history import (
    HISTORY_FILE,
    HISTORY_SHEET,
    WHOLE_TRAJECT,
    HistoryEntry,
    as_text,
    entries_toml,
    read_history_rows,
    read_history_toml,
    visit_changes,
    visit_field,
)
from mentes_cli.records.lock import (
    LOCK_WAIT_SECONDS,
    Holder,
    RecordsLock,
    current_user,
    office_lock,
)
from mentes_cli.records.toml_form import TrajectsToml
from mentes_cli.records.workbook_form import LETTERS_SHEET, TrajectsWorkbook, history_rows

# The record files a change was written to since `forget_changed` (the command's start), so
# that an interrupted command can say truly that the records changed.
_changed: list[Path] = []


def changed_records() -> list[Path]:
    """Give the record files changed since `forget_changed()`."""
    return list(_changed)


def forget_changed() -> None:
    """Start counting the changed record files afresh (a command starts)."""
    _changed.clear()


TRAJECTS_FILE = "trajects.toml"
BACKUP_FOLDER = "backup"
# The undo note of an earlier mentes, one for the whole folder (still read, see above).
SHARED_UNDO_FILE = "undo.toml"
UNDO_SUFFIX = ".undo.toml"
KEEP_BACKUPS = 50
LOCK_NAME = ".mentes.lock"
OTHER_RECORD_FILES = ("organisations.toml", "coaches.toml")


@dataclass(frozen=True)
class FileState:
    """What a file was when it was read: size, modification time (ns) and SHA-256."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def read(cls, path: Path) -> tuple[bytes, FileState]:
        """Give the bytes of `path` and its state (an absent file: b"" and size -1)."""
        try:
            with path.open("rb") as stream:
                info = os.fstat(stream.fileno())
                content = stream.read()
        except FileNotFoundError:
            return b"", cls(-1, 0, "")
        return content, cls(info.st_size, info.st_mtime_ns, hashlib.sha256(content).hexdigest())


class RecordStore:
    """The records of one source, a TOML folder or a workbook, for safe changes."""

    def __init__(
        self,
        source: Path,
        *,
        timeout: float | None = None,
        on_wait: Callable[[Holder | None], None] | None = None,
    ):
        self.source = source
        self.is_workbook = not source.is_dir()
        if self.is_workbook:
            self.target = source
            self.folder = source.parent if str(source.parent) else Path(".")
            self.lock_path = self.folder / f".{source.name}.mentes.lock"
        else:
            self.target = source / TRAJECTS_FILE
            self.folder = source
            self.lock_path = source / LOCK_NAME
        self.backups = self.folder / BACKUP_FOLDER
        # This record set's note for undo: `backup/wb.xlsx.undo.toml`, `trajects.toml.undo.toml`.
        self.undo_note = self.backups / f"{self.target.name}{UNDO_SUFFIX}"
        self.timeout = LOCK_WAIT_SECONDS if timeout is None else timeout
        self.on_wait = on_wait

    # --- changing ---

    @contextlib.contextmanager
    def change(self, command: str) -> Iterator[Change]:
        """Give a Change to edit under the lock; at the end of the block, write it safely.

        An exception inside the block writes nothing. The block's end raises InputError
        (the records would be invalid), RecordsChangedError (the file changed on disk since
        it was read) or OutputError (the write failed), each with nothing written.
        """
        self._refuse_sample()
        if not self.source.exists():
            raise InputError(_("{path}: no such file or folder", path=self.source))
        with self._lock():
            self._check_history()
            content, state = FileState.read(self.target)
            change = Change(self, command, self._form(content), content)
            yield change
            if change.entries:
                self._write(change, content, state)

    def undo(self, command: str = "undo") -> list[HistoryEntry]:
        """Restore the version before the last change (once); give the history entries added.

        Refused (RecordChangeError, nothing written) when there is nothing to undo or the
        file changed since that change.
        """
        self._refuse_sample()
        with self._lock():
            last = self._last_change()
            if last.get("also"):  # whole files replaced (import --force): give each back
                return self._undo_replaced(last)
            self._check_history()
            content, state = FileState.read(self.target)
            if state.sha256 != last["written"]:
                raise RecordChangeError(
                    _(
                        "{path}: changed after the last change by mentes (by hand, or by "
                        "another program); undo would lose that. Nothing was written",
                        path=self.target,
                    )
                )
            backup = self.backups / last["backup"]
            try:
                previous = backup.read_bytes()
            except OSError:
                raise RecordChangeError(
                    _("{path}: the backup to undo is missing; nothing was written", path=backup)
                ) from None
            when, user = now().isoformat(), current_user()
            entries = [HistoryEntry(**item).undone(when, user, command) for item in last["entries"]]
            form = self._form(previous)
            # No visit goes back to a lower SEQUENCE than calendars may have seen (SPEC 9).
            raised = self._never_lower(form, previous)
            if isinstance(form, TrajectsWorkbook):
                # The memory of letters sent stays as it is now (letters.toml in a folder is
                # not touched by undo either): what was sent was sent. So does the history,
                # as a folder's history.toml does: the undone change stays in it, and the
                # undo is added below it.
                form.keep_sheets(content, (LETTERS_SHEET, HISTORY_SHEET))
                form.add_history(entries)
                previous = form.content()
            elif raised:
                previous = _toml_bytes(form.text(), like=previous)
            self._validate(previous)
            with outputs_together():
                self._backup(content)
                self._replace(previous, state)
                if not self.is_workbook:
                    self._append_history(entries)
            self._forget_last_change()  # after the rest landed: undo works once
            return entries

    @contextlib.contextmanager
    def replacing(self, command: str) -> Iterator[Callable[[dict[str, bytes]], None]]:
        """Give, under the records' lock, a function that replaces whole files of a records
        folder (`import --force`), by name: each file it replaces is kept in `backup/` first,
        and the note for undo names them all, so that `undo` gives every one back. Call it
        inside `outputs_together()` (in this block), with the other files that go along."""
        self._refuse_sample()
        with self._lock():
            yield functools.partial(self._replace_files, command=command)

    def _replace_files(self, files: dict[str, bytes], *, command: str) -> None:
        replaced = []
        for name, new in files.items():
            path = self.folder / name
            content, state = FileState.read(path)
            backup = self._backup(content, path) if state.size >= 0 else ""
            write_atomically(path, new, force=True)
            replaced.append(
                {"file": name, "backup": backup, "written": hashlib.sha256(new).hexdigest()}
            )
        main = next((r for r in replaced if r["file"] == self.target.name and r["backup"]), None)
        if main is None:  # no trajects.toml before: nothing for undo to give back
            self._forget_last_change()
            return
        # Not for the history (the files replaced carry their own): for undo to say what it
        # undid ("the last change (import wb.xlsx)").
        entry = HistoryEntry(now().isoformat(), current_user(), command, command, "", "", "")
        note = {
            **main,
            "command": command,
            "entries": [asdict(entry)],
            "also": [r for r in replaced if r is not main],
        }
        write_atomically(self.undo_note, tomli_w.dumps(note).encode("utf-8"), force=True)

    def _undo_replaced(self, last: dict[str, Any]) -> list[HistoryEntry]:
        """Give back every file that `replacing` replaced, as it was (a file it made is
        removed), when each is still what it wrote; the versions replaced go to `backup/`."""
        items = [last, *last["also"]]
        if not all(_is_replaced_file(item) for item in items):
            raise RecordChangeError(
                _(
                    "{path}: is not the note of a change of {name}; nothing was undone. "
                    "Its backups are in {folder}",
                    path=self.undo_note,
                    name=self.target.name,
                    folder=self.backups,
                )
            )
        now_there, before = {}, {}
        for item in items:
            path = self.folder / item["file"]
            content, state = FileState.read(path)
            if state.sha256 != item["written"]:
                raise RecordChangeError(
                    _(
                        "{path}: changed after the last change by mentes (by hand, or by "
                        "another program); undo would lose that. Nothing was written",
                        path=path,
                    )
                )
            now_there[path] = content
            if item["backup"]:
                backup = self.backups / item["backup"]
                try:
                    before[path] = backup.read_bytes()
                except OSError:
                    raise RecordChangeError(
                        _(
                            "{path}: the backup to undo is missing; nothing was written",
                            path=backup,
                        )
                    ) from None
        with outputs_together():
            for path, content in now_there.items():
                self._backup(content, path)
                if path in before:
                    write_atomically(path, before[path], force=True)
        for path in now_there.keys() - before.keys():
            path.unlink(missing_ok=True)  # made by the change: it was not there before
        self._forget_last_change()
        return [HistoryEntry(**item) for item in last["entries"]]

    @contextlib.contextmanager
    def keeping(self) -> Iterator[Kept]:
        """Give, under the records' lock, the file of the records as read, for a write that
        is not a change of the records: the memory of letters sent (SPEC 9) in the sheet
        Brieven of a workbook. `Kept.write` writes it safely (see there); no history line,
        no note for undo: `undo` still undoes the last change of the records.
        """
        self._refuse_sample()
        if not self.source.exists():
            raise InputError(_("{path}: no such file or folder", path=self.source))
        with self._lock(office=False):
            content, state = FileState.read(self.target)
            yield Kept(self, content, state)

    # --- reading ---

    def history(self, traject: str | None = None) -> list[HistoryEntry]:
        """Give the history of the records (of one traject), oldest first."""
        if self.is_workbook:
            content, _state = FileState.read(self.target)
            entries = read_history_rows(history_rows(content, self.target.name))
        else:
            entries = read_history_toml(self.folder / HISTORY_FILE)
        return [e for e in entries if traject is None or e.traject == traject]

    def can_undo(self) -> bool:
        """Give whether `undo` has a change to restore."""
        try:
            self._last_change()
        except RecordChangeError:
            return False
        return True

    # --- the steps ---

    def _refuse_sample(self) -> None:
        """Refuse to change the bundled sample records: they are the same for everyone."""
        from mentes_cli.reference import sample_records_dir

        with contextlib.suppress(OSError):
            sample = sample_records_dir().resolve()
            if self.source.resolve() == sample or sample in self.source.resolve().parents:
                raise RecordChangeError(
                    _(
                        "These are the bundled sample records, which mentes never changes; "
                        "make a copy to work on (`mentes init FOLDER`) and use --data FOLDER"
                    )
                )

    @contextlib.contextmanager
    def _lock(self, *, office: bool = True) -> Iterator[None]:
        lock = RecordsLock(
            self.lock_path, timeout=self.timeout, on_wait=self.on_wait, records=self.source
        )
        with lock:
            # Under the lock no other mentes writes here: what a killed one left can go.
            for folder in (self.folder, self.backups):
                remove_stale_temporaries(folder)
            if self.is_workbook and office:
                self._refuse_while_open()
            yield

    def _refuse_while_open(self) -> None:
        held = office_lock(self.target)
        if held is not None:
            raise RecordsBusyError(
                _(
                    "{path}: is open in Excel or LibreOffice ({lock} beside it); "
                    "close it there and try again; nothing was written",
                    path=self.target,
                    lock=held.name,
                )
            )

    def _form(self, content: bytes) -> TrajectsToml | TrajectsWorkbook:
        if self.is_workbook:
            return TrajectsWorkbook(content, self.target.name)
        try:
            return TrajectsToml(content.decode("utf-8-sig"), TRAJECTS_FILE)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            # The loader says where and why, in its words.
            from mentes_cli.load.toml_records import read_toml

            read_toml(self.target)
            raise

    def _write(self, change: Change, content: bytes, state: FileState) -> None:
        form = change.form
        if isinstance(form, TrajectsWorkbook):
            form.add_history(change.entries)
            new = form.content()
        else:
            new = _toml_bytes(form.text(), like=content)
        self._validate(new)
        # One change: the backup, the records, the note for undo and the history land
        # together, or none of them does.
        with outputs_together():
            backup = self._backup(content) if state.size >= 0 else None
            self._replace(new, state)
            self._remember_last_change(change, backup, new)
            if not self.is_workbook:
                self._append_history(change.entries)
        _changed.append(self.target)

    def _never_lower(self, form: TrajectsToml | TrajectsWorkbook, previous: bytes) -> bool:
        """Raise in `form` (the version undo restores, `previous`) the SEQUENCE of every visit
        the records hold now with a higher one: to the one it has now, one more when it is not
        as it is now (another day, time, length, coach or state: a calendar is to take the
        restored visit as an update, and ignores one whose SEQUENCE it has seen, RFC 5545).
        Give whether any was raised. The history says no more of it, as a move's history
        line does not name the SEQUENCE that follows the move.
        """
        from mentes_cli.load import DataSource, load_records

        now = load_records(DataSource(self.source, _("the records"))).records
        seen = {v.uid: v for t in now.trajects for v in t.visits if v.uid}
        if not seen:
            return False
        restored = self._records_of(previous)
        raised = False
        for traject in restored.trajects:
            visits, changed = [], False
            for visit in traject.visits:
                plain = visit.model_dump(exclude_none=True)
                later = seen.get(visit.uid) if visit.uid else None
                if later is not None:
                    floor = later.sequence + (
                        0 if _as_calendar(later) == _as_calendar(visit) else 1
                    )
                    if floor > visit.sequence:
                        plain["sequence"] = floor
                        changed = True
                visits.append(plain)
            if changed:
                form.set_visits(traject.id, visits)
                raised = True
        return raised

    @contextlib.contextmanager
    def _as_if(self, content: bytes) -> Iterator[Path]:
        """Give, in a scratch folder, the records as they would be with `content` in place of
        the file that changes (the other record files copied beside it)."""
        with tempfile.TemporaryDirectory(prefix="mentes-check-") as scratch:
            folder = Path(scratch)
            if self.is_workbook:
                candidate = folder / self.target.name
                candidate.write_bytes(content)
            else:
                candidate = folder
                (folder / TRAJECTS_FILE).write_bytes(content)
                for name in OTHER_RECORD_FILES:
                    with contextlib.suppress(FileNotFoundError):
                        shutil.copyfile(self.folder / name, folder / name)
            yield candidate

    def _records_of(self, content: bytes):
        """Give the records as they would be with `content` (InputError when invalid)."""
        from mentes_cli.load import DataSource, load_records

        with self._as_if(content) as candidate:
            return load_records(DataSource(candidate, _("the records"))).records

    def _validate(self, new: bytes) -> None:
        """Load the whole record set as it would be with `new`; InputError when invalid."""
        from mentes_cli.load import DataSource, load_records

        with self._as_if(new) as candidate:
            try:
                load_records(DataSource(candidate, _("the records after the change")))
            except InputError as exc:
                problems = [
                    Problem(
                        p.source.replace(str(candidate), str(self.target)),
                        p.row,
                        p.record,
                        p.field,
                        p.message,
                        p.row_word,
                    )
                    for p in exc.problems
                ]
                heading = Problem(
                    str(self.target),
                    message=_("the change was refused, nothing was written: it would leave"),
                )
                raise InputError([heading, *problems]) from None

    def _backup(self, content: bytes, of: Path | None = None) -> str:
        """Keep `content` (the version being replaced of `of`, by default the file that
        changes) as a dated copy; give its name."""
        make_folder(self.backups)
        stamp = now().strftime("%Y%m%dT%H%M%SZ")
        stem, suffix = (of or self.target).stem, (of or self.target).suffix
        number = 0
        while True:
            name = f"{stem}.{stamp}{f'-{number}' if number else ''}{suffix}"
            if not (self.backups / name).exists():
                break
            number += 1
        write_atomically(self.backups / name, content, force=False)
        self._prune_backups(stem, suffix)
        return name

    def _prune_backups(self, stem: str, suffix: str) -> None:
        # Only this record set's dated copies: not `wb.x.….xlsx` of a workbook `wb.x.xlsx`
        # beside `wb.xlsx`, nor an undo note.
        dated = re.compile(rf"{re.escape(stem)}\.\d{{8}}T\d{{6}}Z(-\d+)?{re.escape(suffix)}")
        kept = sorted(
            (p for p in self.backups.iterdir() if dated.fullmatch(p.name) and p.is_file()),
            key=lambda p: (p.stat().st_mtime_ns, p.name),
        )
        # The backup undo restores stays, however many writes of letters came after it.
        with contextlib.suppress(RecordChangeError):
            needed = self._last_change()["backup"]
            kept = [p for p in kept if p.name != needed]
        for old in kept[:-KEEP_BACKUPS]:
            with contextlib.suppress(OSError):
                old.unlink()

    def _replace(self, new: bytes, state: FileState) -> None:
        """Write `new` over the target, after checking it is still the version read."""
        _content, current = FileState.read(self.target)
        if current != state:
            raise RecordsChangedError(
                _(
                    "{path}: changed on disk after mentes read it (saved in another program "
                    "meanwhile?); nothing was written. Run the command again",
                    path=self.target,
                )
            )
        write_atomically(self.target, new, force=True)

    def _remember_last_change(self, change: Change, backup: str | None, new: bytes) -> None:
        # The shared note of an earlier mentes, when it is about these records, is replaced
        # by this record set's own (another set's is left alone).
        if self._shared_note() is not None:
            self._shared_undo_path().unlink(missing_ok=True)
        if backup is None:
            self._forget_last_change()
            return
        text = tomli_w.dumps(
            {
                "file": self.target.name,
                "backup": backup,
                "written": hashlib.sha256(new).hexdigest(),
                "command": change.command,
                "entries": [asdict(entry) for entry in change.entries],
            }
        )
        write_atomically(self.undo_note, text.encode("utf-8"), force=True)

    def _last_change(self) -> dict[str, Any]:
        """Give the note of the last change of these records; RecordChangeError when none."""
        path = self.undo_note
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            shared = self._shared_note()
            if shared is not None:
                return shared
            raise RecordChangeError(
                _(
                    "{path}: nothing to undo (no change by mentes, or the last one was "
                    "undone already)",
                    path=self.source,
                )
            ) from None
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise RecordChangeError(
                _(
                    "{path}: the note of the last change cannot be read ({reason}); "
                    "nothing was undone. Its backups are in {folder}",
                    path=path,
                    reason=_reason(exc),
                    folder=self.backups,
                )
            ) from None
        if not _is_note(data, self.target.name):
            raise RecordChangeError(
                _(
                    "{path}: is not the note of a change of {name}; nothing was undone. "
                    "Its backups are in {folder}",
                    path=path,
                    name=self.target.name,
                    folder=self.backups,
                )
            )
        return data

    def _shared_undo_path(self) -> Path:
        return self.backups / SHARED_UNDO_FILE

    def _shared_note(self) -> dict[str, Any] | None:
        """Give the folder's shared undo note of an earlier mentes when it is about these
        records (None when there is none, it is another record set's, or it is unreadable)."""
        try:
            data = tomllib.loads(self._shared_undo_path().read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        return data if _is_note(data, self.target.name) else None

    def _forget_last_change(self) -> None:
        self.undo_note.unlink(missing_ok=True)
        if self._shared_note() is not None:
            self._shared_undo_path().unlink(missing_ok=True)

    def _check_history(self) -> None:
        """Refuse a change while the folder's history.toml is broken: appended to, it would
        bury the broken line under new ones (InputError naming the file and line)."""
        if not self.is_workbook:
            read_history_toml(self.folder / HISTORY_FILE, writing=True)

    def _append_history(self, entries: list[HistoryEntry]) -> None:
        """Append `entries` to the folder's history.toml, its earlier bytes (a BOM included)
        as they are; the lines added end as the file's own do, or, in a new file, as those
        of trajects.toml (a folder saved on Windows keeps CRLF)."""
        path = self.folder / HISTORY_FILE
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            old = b""
        except OSError as exc:
            raise OutputError(
                _("{path}: cannot be read ({reason})", path=path, reason=exc)
            ) from None
        newline = _line_ending(old) if old else None
        if newline is None:
            with contextlib.suppress(OSError):
                newline = _line_ending(self.target.read_bytes())
        newline = newline or b"\n"
        if old and not old.endswith(b"\n"):
            old += newline  # a last line typed by hand without its end: the next one starts anew
        text = entries_toml(entries, first=not old).encode("utf-8")
        write_atomically(path, old + text.replace(b"\n", newline), force=True)


_BOM = b"\xef\xbb\xbf"


def _toml_bytes(text: str, *, like: bytes) -> bytes:
    """Give the new text of trajects.toml as bytes, with the byte-order mark of the file it
    replaces when that had one (a Windows editor's UTF-8): only the changed lines change."""
    return (_BOM if like.startswith(_BOM) else b"") + text.encode("utf-8")


def _line_ending(content: bytes) -> bytes | None:
    """Give the line ending of a file as its first line has it; None without any line."""
    first = content.find(b"\n")
    if first < 0:
        return None
    return b"\r\n" if first > 0 and content[first - 1 : first] == b"\r" else b"\n"


def _as_calendar(visit: Any) -> tuple:
    """Give what a calendar shows of a committed visit: when, how long, whose, whether on."""
    cancelled = visit.state == "cancelled"
    return (
        visit.kind,
        visit.number,
        visit.date,
        visit.start,
        float(visit.hours),
        visit.coach,
        cancelled,
    )


def _is_note(data: Any, name: str) -> bool:
    """Give whether `data` is an undo note (as `_remember_last_change` writes) about `name`."""
    return (
        isinstance(data, dict)
        and data.get("file") == name
        and isinstance(data.get("backup"), str)
        and isinstance(data.get("written"), str)
        and data["backup"] not in ("", ".", "..")
        and Path(data["backup"]).name == data["backup"]  # a file in backup/, nowhere else
        and isinstance(data.get("entries"), list)
        and all(
            isinstance(item, dict) and set(item) == set(HistoryEntry.__dataclass_fields__)
            for item in data["entries"]
        )
    )


def _is_replaced_file(item: Any) -> bool:
    """Give whether `item` names a file of the folder that `replacing` replaced: its name,
    its backup in backup/ ("" when it was made) and the hash of what was written."""
    return (
        isinstance(item, dict)
        and isinstance(item.get("file"), str)
        and item["file"] not in ("", ".", "..")
        and Path(item["file"]).name == item["file"]
        and isinstance(item.get("backup"), str)
        and item["backup"] not in (".", "..")
        and (item["backup"] == "" or Path(item["backup"]).name == item["backup"])
        and isinstance(item.get("written"), str)
    )


def _reason(exc: Exception) -> str:
    """Give why a note could not be read, in a few words."""
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    if isinstance(exc, UnicodeDecodeError):
        return _("not UTF-8 text")
    return _("not valid TOML")


@dataclass
class Kept:
    """The records' file as read under their lock, for a write that is no record change."""

    store: RecordStore
    content: bytes
    state: FileState

    def write(self, new: bytes) -> None:
        """Write `new` over the records' file, safely: refused while Excel or LibreOffice has
        the workbook open, or when the file changed on disk since it was read (each with
        nothing written); the version replaced kept in `backup/`; atomic. The note for
        `undo` follows the file, so that undo still restores the version before the last
        change of the records (undo keeps the sheet Brieven as it is then). Inside
        `outputs_together()` it lands with the other outputs, or none does.
        """
        store = self.store
        if store.is_workbook:
            store._refuse_while_open()
        note = None
        with contextlib.suppress(RecordChangeError):
            note = store._last_change()
        store._backup(self.content)
        store._replace(new, self.state)
        if note is not None and note["written"] == self.state.sha256:
            note = {**note, "written": hashlib.sha256(new).hexdigest()}
            text = tomli_w.dumps(note).encode("utf-8")
            write_atomically(store.undo_note, text, force=True)


@dataclass
class Change:
    """One change to the records, made under their lock: edit plain values, then leave.

    Every edit is recorded as history entries (one per changed field). Nothing is written
    until the `with` block of `RecordStore.change` ends without an exception.
    """

    store: RecordStore
    command: str
    form: TrajectsToml | TrajectsWorkbook
    content: bytes
    entries: list[HistoryEntry] = field(default_factory=list)
    _records: Any = None
    # Workbook form: the plain values of the trajects this change touched or added.
    _touched: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def records(self):
        """Give the validated records as they were read (mentes_cli.load)."""
        if self._records is None:
            from mentes_cli.load import DataSource, load_records

            self._records = load_records(DataSource(self.store.source, _("the records"))).records
        return self._records

    def ids(self) -> list[str]:
        """Give the id of every traject (with those this change added)."""
        return self.form.ids()

    def traject(self, traject_id: str) -> dict[str, Any]:
        """Give the plain field values of one traject as it is now (with this change)."""
        if isinstance(self.form, TrajectsToml):
            return self.form.traject(traject_id)
        return copy.deepcopy(self._workbook_traject(traject_id))

    def new_traject_id(self, year: int) -> str:
        """Give a new unique id `T-YYYY-NNN` (NNN from 001, one past the highest that year)."""
        prefix = f"T-{year}-"
        numbers = [
            int(i[len(prefix) :])
            for i in self.ids()
            if i.startswith(prefix) and i[len(prefix) :].isdigit()
        ]
        return f"{prefix}{max(numbers, default=0) + 1:03d}"

    def add_traject(self, values: dict[str, Any]) -> None:
        """Add a traject with these fields (`id` included; None values are left out)."""
        values = {k: v for k, v in values.items() if v is not None}
        if "id" not in values:
            raise RecordChangeError(_("a new traject needs an id"))
        if values["id"] in self.ids():
            raise RecordChangeError(_("traject {traject} exists already", traject=values["id"]))
        self.form.add_traject(values)
        if isinstance(self.form, TrajectsWorkbook):
            self._touched[values["id"]] = copy.deepcopy(values)
        self._note(values["id"], WHOLE_TRAJECT, "", as_text(values.get("status")) or "added")

    @property
    def changed(self) -> bool:
        """Give whether this change changes anything (else nothing is written at its end)."""
        return bool(self.entries)

    def set_fields(self, traject_id: str, changes: dict[str, Any]) -> None:
        """Set fields of one traject (None removes a field); unchanged fields are left alone."""
        changes = dict(changes)
        if "visits" in changes:
            self.set_visits(traject_id, changes.pop("visits") or [])
        before = self.traject(traject_id)
        changes = {k: v for k, v in changes.items() if before.get(k) != v}
        if not changes:
            return
        self.form.set_fields(traject_id, changes)
        self._update(traject_id, changes)
        for key, value in changes.items():
            self._note(traject_id, key, as_text(before.get(key)), as_text(value))

    def add_visit(self, traject_id: str, visit: dict[str, Any]) -> None:
        """Add one visit to a traject."""
        before = self.traject(traject_id).get("visits") or []
        self.form.add_visit(traject_id, visit)
        self._update(traject_id, {"visits": [*before, visit]})
        self._note(traject_id, visit_field(visit.get("number")), "", as_text(visit.get("date")))

    def set_visits(self, traject_id: str, visits: list[dict[str, Any]]) -> None:
        """Replace the visits of a traject; the history says what changed, visit by visit
        (`visits.3.state`: planned → done). The same visits again change nothing."""
        before = self.traject(traject_id).get("visits") or []
        changes = visit_changes(before, visits)
        if not changes:
            return
        self.form.set_visits(traject_id, visits)
        self._update(traject_id, {"visits": list(visits)})
        for field_name, old, new in changes:
            self._note(traject_id, field_name, old, new)

    # --- inside ---

    def _workbook_traject(self, traject_id: str) -> dict[str, Any]:
        if traject_id not in self._touched:
            if traject_id not in self.ids():
                raise RecordChangeError(_("no traject {traject}", traject=traject_id))
            plain: dict[str, Any] = {}
            for traject in self.records.trajects:
                if traject.id == traject_id:
                    plain = {
                        key: value.value if isinstance(value, Enum) else value
                        for key, value in traject.model_dump().items()
                        if value is not None and value != []
                    }
            self._touched[traject_id] = plain
        return self._touched[traject_id]

    def _update(self, traject_id: str, changes: dict[str, Any]) -> None:
        if isinstance(self.form, TrajectsToml):
            return
        plain = self._workbook_traject(traject_id)
        for key, value in changes.items():
            if value is None or value == []:
                plain.pop(key, None)
            else:
                plain[key] = copy.deepcopy(value)

    def _note(self, traject: str, field_name: str, old: str, new: str) -> None:
        self.entries.append(
            HistoryEntry(
                now().isoformat(), current_user(), self.command, traject, field_name, old, new
            )
        )


# Names that look like a file of another kind: `mentes init` makes a workbook only as .xlsx,
# and a folder of TOML files under any other name; a folder named `e2.xls` helps nobody.
_NOT_A_FOLDER_NAME = (
    ".xls", ".xlsm", ".xlsb", ".xlt", ".xltx", ".xltm", ".ods", ".fods", ".numbers",
    ".csv", ".tsv", ".txt", ".toml", ".json",
)  # fmt: skip


def init_target_kind(target: Path) -> str:
    """Give what `mentes init TARGET` makes: "workbook" (a .xlsx name) or "folder" (a folder
    of TOML files); UsageError for a name of another kind of file (`e2.xls`)."""
    from mentes_cli.errors import UsageError

    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        return "workbook"
    if suffix in _NOT_A_FOLDER_NAME:
        raise UsageError(
            _(
                "{path}: mentes makes records as a workbook ending in .xlsx (Excel 2007 and "
                "later; LibreOffice saves it too) or as a folder of TOML files; give a name "
                "ending in .xlsx, or a folder name without {suffix}",
                path=target,
                suffix=target.suffix,
            )
        )
    return "folder"
