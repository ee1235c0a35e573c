"""The records' lock: one writer at a time, and who that is, for the one who waits.

The lock is a `filelock.FileLock` (an OS lock on a small file: fcntl on Linux and macOS,
msvcrt on Windows), so it is released by the operating system when its process ends, even
by SIGKILL or a power cut. Beside it, a holder file says who holds it (user, process, host,
since when); it is only information for the message of the one who waits, never the lock.
A holder file whose process is gone (same host) is not believed. When no holder file says
who (another program took the lock, or a mentes of an older version), Linux still tells which
process holds it (/proc/locks): its user and since when it runs are said instead.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import filelock

from mentes_cli.errors import RecordsBusyError
from mentes_cli.i18n import _

LOCK_WAIT_SECONDS = 60.0


@dataclass(frozen=True)
class Holder:
    """Who holds the records' lock: the operating-system user, process, host and since when."""

    user: str
    pid: int
    host: str
    since: str  # ISO 8601, UTC
    # True when `since` is when the process started (the operating system told who holds
    # the lock, not a holder file): it holds the lock since then at the earliest.
    started: bool = False

    def describe(self) -> str:
        """Give the holder as a message says it: `an (process 4242 on pc-an) since 30/11/2026
        09:15`."""
        if self.started:
            return _(
                "{user} (process {pid} on {host}, running since {since})",
                user=self.user,
                pid=self.pid,
                host=self.host,
                since=_moment(self.since),
            )
        return _(
            "{user} (process {pid} on {host}) since {since}",
            user=self.user,
            pid=self.pid,
            host=self.host,
            since=_moment(self.since),
        )


def _moment(when: str) -> str:
    """Give an ISO time stamp as the language writes it, in local time: day, then hour."""
    from mentes_cli.i18n import day

    try:
        moment = datetime.fromisoformat(when)
    except (TypeError, ValueError):
        return str(when)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{day(moment.date())} {moment:%H:%M}"


def current_user() -> str:
    """Give the operating-system user running mentes ("unknown" when it cannot be told)."""
    try:
        return getpass.getuser()
    except Exception:  # getpass raises OSError, KeyError or ImportError by platform
        return "unknown"


class RecordsLock:
    """The lock of one record set: the folder's `.mentes.lock`, or `.NAME.xlsx.mentes.lock`."""

    def __init__(
        self,
        lock_path: Path,
        *,
        timeout: float = LOCK_WAIT_SECONDS,
        on_wait: Callable[[Holder | None], None] | None = None,
        records: Path | None = None,
    ):
        self.path = lock_path
        # What the messages name: the records (a folder or a workbook), else the lock's folder.
        self.records = records if records is not None else lock_path.parent
        self.holder_path = lock_path.with_name(lock_path.name + ".holder")
        self.timeout = timeout
        self.on_wait = on_wait
        # The lock file stays: removing it on release lets a waiter lock a file no longer there.
        self._lock = filelock.FileLock(str(lock_path), thread_local=False, preserve_lock_file=True)

    def __enter__(self) -> RecordsLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock: at once, else after telling `on_wait`, waiting up to `timeout` s."""
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            if self.on_wait is not None:
                self.on_wait(self.holder())
            try:
                self._lock.acquire(timeout=self.timeout)
            except filelock.Timeout:
                raise self._busy() from None
        except OSError as exc:
            raise RecordsBusyError(
                _(
                    "{path}: cannot take the records' lock ({reason}); nothing was written",
                    path=self.path,
                    reason=exc.strerror or exc,
                )
            ) from None
        self._write_holder()

    def release(self) -> None:
        """Remove the holder file and release the lock."""
        with contextlib.suppress(OSError):
            self.holder_path.unlink()
        self._lock.release()

    def holder(self) -> Holder | None:
        """Give who holds the lock: as the holder file says, else (Linux) as the operating
        system says; None when neither says."""
        try:
            data = tomllib.loads(self.holder_path.read_text(encoding="utf-8"))
            holder = Holder(str(data["user"]), int(data["pid"]), str(data["host"]), data["since"])
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
            holder = None
        if holder is not None and not _gone(holder):
            return holder
        return _system_holder(self.path)

    def _busy(self) -> RecordsBusyError:
        holder = self.holder()
        seconds = int(self.timeout)
        if holder is None:
            return RecordsBusyError(
                _(
                    "{path}: another program holds the records' lock ({lock}) and does not "
                    "say who; waited {seconds} s. Try again in a moment (if no mentes runs, "
                    "a program that left it may still run); nothing was written",
                    path=self.records,
                    lock=self.path.name,
                    seconds=seconds,
                )
            )
        return RecordsBusyError(
            _(
                "{path}: the records are being changed by {holder}; waited {seconds} s. "
                "Try again when they are done; nothing was written",
                path=self.records,
                holder=holder.describe(),
                seconds=seconds,
            )
        )

    def _write_holder(self) -> None:
        import tomli_w

        text = tomli_w.dumps(
            {
                "user": current_user(),
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "since": datetime.now().astimezone().replace(microsecond=0).isoformat(),
            }
        )
        # Written in place (not renamed): it is ours while we hold the lock; informative only.
        with contextlib.suppress(OSError):
            self.holder_path.write_text(text, encoding="utf-8")


def _gone(holder: Holder) -> bool:
    """Give whether the holder file's process is known to be gone (this host, POSIX): the
    file of a mentes that was killed, not the one who holds the lock now."""
    if sys.platform == "win32" or holder.host != socket.gethostname():
        return False
    if holder.pid == os.getpid():
        return False
    try:
        os.kill(holder.pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _system_holder(lock_path: Path) -> Holder | None:
    """Give the process that holds `lock_path` as Linux says it (/proc/locks): its user, and
    since when it runs. None elsewhere, or when it cannot be told."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        info = os.stat(lock_path)
        locks = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
        wanted = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
        for line in locks.splitlines():
            # "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2147189 0 EOF"; a waiter has "->" after 1:.
            parts = line.split()
            if len(parts) >= 6 and parts[1] != "->" and parts[5] == wanted:
                pid = int(parts[4])
                if pid > 0 and pid != os.getpid():
                    return _process(pid)
    except (OSError, ValueError):
        return None
    return None


def _process(pid: int) -> Holder | None:
    """Give the user of a Linux process and since when it runs (/proc)."""
    import pwd

    try:
        uid = os.stat(f"/proc/{pid}").st_uid
        try:
            user = pwd.getpwuid(uid).pw_name
        except KeyError:
            user = str(uid)
        # Field 22 of /proc/PID/stat, after the name in brackets: start, in ticks after boot.
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        ticks = int(stat[stat.rindex(")") + 2 :].split()[19])
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text(encoding="ascii").splitlines()
            if line.startswith("btime ")
        )
        started = datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK")).astimezone()
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    since = started.replace(microsecond=0).isoformat()
    return Holder(user, pid, socket.gethostname(), since, started=True)


def office_lock(workbook: Path) -> Path | None:
    """Give the lock file Excel or LibreOffice keeps beside an open workbook, if there is one.

    Excel: `~$NAME.xlsx` (for long names the first two letters give way: `~$ME.xlsx`);
    LibreOffice: `.~lock.NAME.xlsx#`.
    """
    name = workbook.name
    for candidate in (f"~${name}", f"~${name[2:]}", f".~lock.{name}#"):
        path = workbook.with_name(candidate)
        if path.exists():
            return path
    return None
