"""The one write path of mentes: never over an input, never half-written, all or none.

Every output file (a workbook, a plan, a calendar, a record file made by `import`) is written
here, and so is every record write of SPEC 8 (through `mentes_cli.records`):

- the content goes to a temporary file in the target's own folder (`.NAME.PID-XXXX.tmp`),
  is flushed to disk, then renamed over the target; a failure or Ctrl-C at any moment leaves
  the target as it was and removes the temporary file;
- a new file is made exclusively (`os.link` of the temporary file: it fails when the name
  exists), so that two processes writing the same output without --force cannot both win;
  with --force an existing file is replaced (`os.replace`) and keeps its mode; a new file
  gets the mode the umask gives (0666 minus the umask), as any other program's file would;
- the folder is opened once and every step works relative to that handle, after checking
  it is still the folder that was checked: a folder swapped for a link meanwhile is refused;
  the target is checked again, by device and inode, against every input of the command just
  before the rename (`--force` never allows writing over an input);
- several outputs of one command are one change: inside `outputs_together()` each write is
  staged, and they are renamed into place together at the end, or undone together;
- temporary files left by a process that was killed (SIGKILL) are removed by the next write
  to the same target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import socket
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from mentes_cli.errors import OutputError
from mentes_cli.i18n import _, system_reason

_DIR_FD = os.open in os.supports_dir_fd and os.replace in os.supports_dir_fd
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_PATH = getattr(os, "O_PATH", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_TEMP_SUFFIX = ".tmp"
# A temporary file's name must fit in the file system's 255 bytes with the target's name in it.
_NAME_IN_TEMP = 120
_SHOWN_PATH = 160
# On Windows a process id cannot be probed safely (os.kill terminates): wait this long instead.
_STALE_AFTER_SECONDS = 3600
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")

Identity = tuple[int, int]


def shown(path: Path | str) -> str:
    """Give a path as a message may print it: control codes as `?`, a very long one shortened."""
    text = _CONTROL.sub("?", str(path))
    if len(text) > _SHOWN_PATH:
        half = _SHOWN_PATH // 2
        text = f"{text[:half]}…{text[-half:]}"
    return text


# --- checking before any work ------------------------------------------------------------------


@dataclass(frozen=True)
class _Check:
    """What `check_output_path` found, held until the write: the write checks it again."""

    force: bool
    inputs: frozenset[Identity]
    input_folders: frozenset[Identity]
    folder: Identity | None


_CHECKED: dict[str, _Check] = {}


def _identity(path: Path | str, *, follow: bool = True) -> Identity | None:
    try:
        info = os.stat(path, follow_symlinks=follow)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino)


def _input_identities(inputs: Iterable[Path]) -> tuple[frozenset[Identity], frozenset[Identity]]:
    files: set[Identity] = set()
    folders: set[Identity] = set()
    for source in inputs:
        identity = _identity(source)
        if identity is None:
            continue
        (folders if Path(source).is_dir() else files).add(identity)
    return frozenset(files), frozenset(folders)


def check_output_path(target: Path, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Raise OutputError when `target` may not be written (exists, is an input, bad folder).

    What was checked is remembered for the write of `target`, which checks it again at the
    last moment (a file made or a folder swapped meanwhile).
    """
    inputs = list(inputs)
    try:
        _check(target, force=force, inputs=inputs)
        files, folders = _input_identities(inputs)
        _CHECKED[_key(target)] = _Check(force, files, folders, _identity(_folder_of(target)))
    except OSError as exc:
        raise _fault(target, exc) from None


def _check(target: Path, *, force: bool, inputs: list[Path]) -> None:
    resolved = target.resolve()
    for source in inputs:
        source = source.resolve()
        if (
            resolved == source
            or _same_file(resolved, source)
            or (source.is_dir() and source in resolved.parents and resolved.suffix == ".toml")
        ):
            raise OutputError(
                _(
                    "{path}: is an input of this command; choose another output file",
                    path=shown(target),
                )
            )
    if target.is_dir():
        raise OutputError(_("{path}: is a folder; give a file name", path=shown(target)))
    if target.exists() and not target.is_file():
        # Replacing a device or a pipe (as root, /dev/null) would put a plain file in its place.
        raise OutputError(_("{path}: is not a regular file; give a file name", path=shown(target)))
    if target.exists() and not force:
        raise OutputError(
            _("{path}: exists already; use --force to replace it", path=shown(target))
        )
    folder = target.parent
    if not folder.exists():
        raise OutputError(_("{path}: folder does not exist", path=shown(folder)))
    if not folder.is_dir():
        raise OutputError(_("{path}: is a file, not a folder", path=shown(folder)))
    if not os.access(folder, os.W_OK | os.X_OK):
        # Said before any work is done; the write says it again if it changes meanwhile.
        raise OutputError(
            _(
                "{path}: the folder {folder} is not writable",
                path=shown(target),
                folder=shown(folder),
            )
        )


def _same_file(target: Path, source: Path) -> bool:
    """Give whether two paths name one file (a hard link, or another case on macOS/Windows)."""
    try:
        return os.path.samefile(target, source)
    except OSError:
        return False


def _key(target: Path) -> str:
    return os.path.abspath(target)


def _folder_of(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


# --- writing -----------------------------------------------------------------------------------


def write_atomically(
    target: Path, content: bytes, *, force: bool | None = None, inputs: Iterable[Path] = ()
) -> None:
    """Write `content` to `target` safely: all of it or nothing, never over an input.

    `force` and `inputs` default to what `check_output_path` was told for `target`; a target
    never checked is made exclusively (it must not exist). Inside `outputs_together()` the
    file is only staged; it is renamed into place with the others at the end.
    """
    with outputs_together() as outputs:
        outputs.stage(target, content, force=force, inputs=inputs)


def write_many(
    files: dict[Path, bytes], *, force: bool | None = None, inputs: Iterable[Path] = ()
) -> None:
    """Write every file of `files`, or none of them (see `write_atomically`)."""
    inputs = list(inputs)
    with outputs_together() as outputs:
        for target, content in files.items():
            outputs.stage(target, content, force=force, inputs=inputs)


def make_folder(folder: Path) -> bool:
    """Make `folder` and its missing parents for the outputs; give whether it was made.

    Inside `outputs_together()` the folders made here are removed again (when still empty)
    when the outputs fail.
    """
    if folder.is_dir():
        return False
    outputs = _current.get()
    missing = [folder, *(p for p in folder.parents if not p.exists())]
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            if not path.is_dir():
                raise OutputError(_("{path}: is a file, not a folder", path=shown(path))) from None
            continue
        except OSError as exc:
            raise _fault(path, exc) from None
        if outputs is not None:
            outputs.made_folders.append(path)
    return True


@contextlib.contextmanager
def outputs_together() -> Iterator[OutputSet]:
    """Stage every write made inside the block; rename all into place at its end, or none.

    On any exception (Ctrl-C too) every staged file is removed, every output already renamed
    is undone (a new file removed, a replaced file given back) and folders made are removed.
    A block inside another joins the outer one.
    """
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    outputs = OutputSet()
    token = _current.set(outputs)
    try:
        yield outputs
        outputs.commit()
    except BaseException:
        outputs.abandon()
        raise
    finally:
        _current.reset(token)
        outputs.close()


@dataclass
class _Staged:
    folder: _Folder
    target: Path
    temporary: str
    replace: bool
    inputs: frozenset[Identity]
    input_folders: frozenset[Identity]
    done: str = ""  # "made" or "replaced" once renamed into place
    previous: str | None = None  # a link to the replaced file, to give it back on failure


@dataclass
class OutputSet:
    """The outputs of one command, staged as temporary files until they are committed."""

    staged: list[_Staged] = field(default_factory=list)
    made_folders: list[Path] = field(default_factory=list)
    folders: dict[str, _Folder] = field(default_factory=dict)

    def stage(
        self,
        target: Path,
        content: bytes,
        *,
        force: bool | None = None,
        inputs: Iterable[Path] = (),
    ) -> None:
        """Write `content` to a temporary file beside `target`, checked, not yet in place."""
        if any(_key(item.target) == _key(target) for item in self.staged):
            raise OutputError(_("{path}: is written twice by one command", path=shown(target)))
        checked = _CHECKED.get(_key(target))
        files, folders = _input_identities(inputs)
        if checked is not None:
            files, folders = files | checked.inputs, folders | checked.input_folders
            if force is None:
                force = checked.force
        folder = self._folder(target, checked)
        try:
            existing = folder.lstat(target.name)
            folder.refuse_inputs(target, files, folders)
            if existing is not None and not force:
                raise OutputError(
                    _("{path}: exists already; use --force to replace it", path=shown(target))
                )
            if existing is not None and stat.S_ISLNK(existing.st_mode):
                # Writing through it would change a file elsewhere; replacing it, the link.
                raise OutputError(
                    _(
                        "{path}: is a link to another file; give the file itself",
                        path=shown(target),
                    )
                )
            if existing is not None and not stat.S_ISREG(existing.st_mode):
                raise OutputError(
                    _("{path}: is not a regular file; give a file name", path=shown(target))
                )
            folder.remove_stale_temporaries(target.name)
            mode = stat.S_IMODE(existing.st_mode) if existing is not None else None
        except OSError as exc:
            raise _fault(target, exc) from None
        try:
            temporary = folder.write_temporary(target.name, content, mode)
        except OSError as exc:
            raise _fault(target, exc, "create") from None
        self.staged.append(_Staged(folder, target, temporary, bool(force), files, folders))

    def _folder(self, target: Path, checked: _Check | None) -> _Folder:
        path = _folder_of(target)
        key = _key(path)
        if key not in self.folders:
            try:
                self.folders[key] = _Folder.open(path)
            except OSError as exc:
                raise _fault(target, exc) from None
        folder = self.folders[key]
        if checked is not None and checked.folder is not None and folder.identity != checked.folder:
            raise OutputError(
                _(
                    "{path}: the folder {folder} changed while mentes was working "
                    "(was it replaced by a link?); nothing was written",
                    path=shown(target),
                    folder=shown(path),
                )
            )
        return folder

    def commit(self) -> None:
        """Rename every staged file into place; on any failure undo those already renamed."""
        try:
            for item in self.staged:
                try:
                    item.folder.refuse_inputs(item.target, item.inputs, item.input_folders)
                    item.folder.put_in_place(item)
                except OSError as exc:
                    raise _fault(item.target, exc, "replace") from None
            _written.extend(item.target for item in self.staged)  # in the try: all, or none
        except BaseException:
            self._undo()
            raise
        for item in self.staged:
            if item.previous is not None:
                item.folder.unlink(item.previous)
        for folder in self.folders.values():
            folder.sync()
        self.staged = []

    def _undo(self) -> None:
        for item in reversed(self.staged):
            with contextlib.suppress(OSError):
                if item.done == "made":
                    item.folder.unlink(item.target.name)
                elif item.done == "replaced" and item.previous is not None:
                    item.folder.rename(item.previous, item.target.name)
                    item.previous = None

    def abandon(self) -> None:
        """Remove every temporary file and every folder this set made."""
        for item in self.staged:
            item.folder.unlink(item.temporary)
            if item.previous is not None:
                item.folder.unlink(item.previous)
        self.staged = []
        for folder in reversed(self.made_folders):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: never a coordinator's files

    def close(self) -> None:
        """Close the folders' handles."""
        for folder in self.folders.values():
            folder.close()
        self.folders = {}


_current: ContextVar[OutputSet | None] = ContextVar("mentes_outputs", default=None)
# The files put in place since `forget_written`, so that an interrupted command can say
# truly whether it wrote anything.
_written: list[Path] = []


def written_files() -> list[Path]:
    """Give the files put in place since `forget_written()` (the command's start)."""
    return list(_written)


def forget_written() -> None:
    """Start counting the files put in place afresh (a command starts)."""
    _written.clear()


# --- one folder, opened once -------------------------------------------------------------------


class _Folder:
    """A folder opened once; names are looked up relative to it, never through its path again.

    Where the platform has no `dir_fd` (Windows) the path is used, after checking that it
    still names the folder that was opened.
    """

    def __init__(self, path: Path, fd: int | None, identity: Identity):
        self.path = path
        self.fd = fd
        self.identity = identity

    @classmethod
    def open(cls, path: Path) -> _Folder:
        fd = None
        if _DIR_FD:
            try:
                fd = os.open(path, os.O_RDONLY | _O_DIRECTORY | _O_PATH)
            except PermissionError:
                fd = None  # no read permission (macOS has no O_PATH): work by path
            except OSError as exc:
                if exc.errno == errno.ENOTDIR:
                    raise OutputError(
                        _("{path}: is a file, not a folder", path=shown(path))
                    ) from None
                raise
        info = os.fstat(fd) if fd is not None else os.stat(path)
        if not stat.S_ISDIR(info.st_mode):
            raise OutputError(_("{path}: is a file, not a folder", path=shown(path)))
        return cls(path, fd, (info.st_dev, info.st_ino))

    def _at(self, name: str) -> dict:
        return {"dir_fd": self.fd} if self.fd is not None else {}

    def _name(self, name: str) -> str:
        if self.fd is not None:
            return name
        if _identity(self.path) != self.identity:
            raise OutputError(
                _(
                    "{folder}: the folder changed while mentes was working "
                    "(was it replaced by a link?); nothing was written",
                    folder=shown(self.path),
                )
            )
        return str(self.path / name)

    def lstat(self, name: str) -> os.stat_result | None:
        try:
            return os.stat(self._name(name), follow_symlinks=False, **self._at(name))
        except FileNotFoundError:
            return None

    def refuse_inputs(
        self, target: Path, files: frozenset[Identity], folders: frozenset[Identity]
    ) -> None:
        """Raise OutputError when `target` in this folder is an input (by device and inode)."""
        found = []
        for follow in (False, True):
            try:
                info = os.stat(self._name(target.name), follow_symlinks=follow, **self._at(""))
            except OSError:
                continue
            found.append((info.st_dev, info.st_ino))
        if any(identity in files for identity in found) or (
            self.identity in folders and target.suffix.lower() == ".toml"
        ):
            raise OutputError(
                _(
                    "{path}: is an input of this command; it is never written over, "
                    "not even with --force; choose another output",
                    path=shown(target),
                )
            )

    def remove_stale_temporaries(self, name: str) -> None:
        """Remove the temporary files of `name` left by a process that no longer runs."""
        prefix = f".{name[:_NAME_IN_TEMP]}."
        try:
            entries = os.listdir(self.fd if self.fd is not None else self.path)
        except OSError:
            return
        for entry in entries:
            if entry.startswith(prefix) and entry.endswith(_TEMP_SUFFIX):
                owner = entry[len(prefix) : -len(_TEMP_SUFFIX)]
                if _is_stale(owner, self, entry):
                    self.unlink(entry)

    def write_temporary(self, name: str, content: bytes, mode: int | None) -> str:
        """Write `content` to a new temporary file here; give its name."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_BINARY
        while True:
            temporary = f".{name[:_NAME_IN_TEMP]}.{_owner()}-{secrets.token_hex(4)}{_TEMP_SUFFIX}"
            try:
                # 0o666: the umask decides, as for any file a program makes (mkstemp gives 0600).
                handle = os.open(self._name(temporary), flags, 0o666, **self._at(temporary))
                break
            except FileExistsError:
                continue
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(handle, view) :]
            if mode is not None:
                _set_mode(handle, self._name(temporary), mode)
            os.fsync(handle)
        except BaseException:
            os.close(handle)
            self.unlink(temporary)
            raise
        os.close(handle)
        return temporary

    def put_in_place(self, item: _Staged) -> None:
        """Rename the staged file over its target: exclusively unless it may replace."""
        name = item.target.name
        existing = self.lstat(name)
        if item.replace:  # --force: whatever is there now is replaced (never an input)
            item.previous = self._keep_previous(name) if existing is not None else None
            os.replace(self._name(item.temporary), self._name(name), **self._both())
            item.done = "replaced" if existing is not None else "made"
            return
        if existing is not None:
            raise FileExistsError(errno.EEXIST, "exists", name)
        try:
            os.link(self._name(item.temporary), self._name(name), **self._both())
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
                raise
            # No hard links here (FAT, some network shares): reserve the name exclusively.
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW
            os.close(os.open(self._name(name), flags, 0o666, **self._at(name)))
            item.done = "made"
            os.replace(self._name(item.temporary), self._name(name), **self._both())
            return
        item.done = "made"
        self.unlink(item.temporary)

    def _keep_previous(self, name: str) -> str | None:
        previous = f".{name[:_NAME_IN_TEMP]}.{_owner()}-{secrets.token_hex(4)}.old{_TEMP_SUFFIX}"
        try:
            os.link(self._name(name), self._name(previous), **self._both())
        except OSError:
            return None  # no hard links: a failure of a later output cannot give this one back
        return previous

    def _both(self) -> dict:
        if self.fd is None:
            return {}
        return {"src_dir_fd": self.fd, "dst_dir_fd": self.fd}

    def rename(self, source: str, target: str) -> None:
        os.replace(self._name(source), self._name(target), **self._both())

    def unlink(self, name: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._name(name), **self._at(name))

    def sync(self) -> None:
        """Flush the folder's entries (the renames) to disk, where the platform can."""
        if self.fd is None or _O_PATH:
            with contextlib.suppress(OSError):
                handle = os.open(self.path, os.O_RDONLY | _O_DIRECTORY)
                try:
                    if _identity(self.path) == self.identity:
                        os.fsync(handle)
                finally:
                    os.close(handle)
            return
        with contextlib.suppress(OSError):
            os.fsync(self.fd)

    def close(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


def _set_mode(handle: int, path: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(handle, mode)
    else:  # Windows before Python 3.13
        os.chmod(path, mode)


def _owner() -> str:
    """Give the part of a temporary file's name that says which process made it."""
    host = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:12] or "host"
    return f"{host}-{os.getpid()}"


def _is_stale(owner: str, folder: _Folder, entry: str) -> bool:
    """Give whether a temporary file's process is gone (same host), or it is very old."""
    parts = owner.split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return False
    host, pid = parts[0], int(parts[1])
    if sys.platform != "win32" and host == _owner().split("-")[0]:
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False
    info = folder.lstat(entry)
    return info is not None and time.time() - info.st_mtime > _STALE_AFTER_SECONDS


_TEMPORARY = re.compile(r"^\..+\.([A-Za-z0-9]{1,12}-\d+-[0-9a-f]{8})(\.old)?\.tmp$")


def remove_stale_temporaries(folder: Path) -> list[str]:
    """Remove every temporary file of mentes in `folder` whose process is gone; give names.

    The record store calls this under the records' lock, so that a process killed in the
    middle of a write leaves nothing behind after the next change.
    """
    removed = []
    try:
        opened = _Folder.open(folder)
    except (OSError, OutputError):
        return removed
    try:
        for entry in os.listdir(opened.fd if opened.fd is not None else folder):
            match = _TEMPORARY.match(entry)
            if match and _is_stale(match.group(1), opened, entry):
                opened.unlink(entry)
                removed.append(entry)
    except OSError:
        pass
    finally:
        opened.close()
    return removed


# --- messages ----------------------------------------------------------------------------------


def _fault(target: Path, exc: OSError, step: str = "") -> OutputError:
    """Give the message for an operating-system error met writing `target`.

    `step` is "create" (the temporary file) or "replace" (the rename over the target).
    """
    path = shown(target)
    if isinstance(exc, PermissionError) and step == "create":
        return OutputError(
            _(
                "{path}: the folder {folder} is not writable; nothing was written",
                path=path,
                folder=shown(_folder_of(target)),
            )
        )
    if isinstance(exc, PermissionError) and step == "replace":
        return OutputError(
            _(
                "{path}: cannot be replaced; it may be open in Excel or read-only. "
                "Close it and try again",
                path=path,
            )
        )
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
        text = _("{path}: cannot write, the disk is full; nothing was written", path=path)
    elif exc.errno == errno.ENAMETOOLONG:
        text = _("{path}: the name is too long for the file system; nothing was written", path=path)
    elif isinstance(exc, FileExistsError):
        text = _(
            "{path}: exists already (another program made it meanwhile); nothing was "
            "written; use --force to replace it",
            path=path,
        )
    elif isinstance(exc, PermissionError):
        text = _(
            "{path}: cannot write, permission denied (a folder without write or search "
            "permission, a read-only file, or a file open in Excel); nothing was written",
            path=path,
        )
    elif exc.errno == errno.EROFS:
        text = _(
            "{path}: cannot write, the file system is read-only; nothing was written", path=path
        )
    elif isinstance(exc, NotADirectoryError):
        text = _(
            "{path}: a part of the path is a file, not a folder; nothing was written", path=path
        )
    elif isinstance(exc, FileNotFoundError):
        text = _("{path}: the folder does not exist; nothing was written", path=path)
    else:
        text = _(
            "{path}: cannot write ({reason}); nothing was written",
            path=path,
            reason=system_reason(exc),
        )
    return OutputError(text)
