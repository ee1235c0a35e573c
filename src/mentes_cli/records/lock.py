"""The records' lock: one writer at a time, and who that is, for the one who waits.

The lock is a `filelock.FileLock` (an OS lock on a small file: fcntl on Linux and macOS,
msvcrt on Windows), so it is released by the operating system when its process ends, even
by SIGKILL or a power cut. Beside it, a holder file says who holds it (user, process, host,
since when); it is only information for the message of the one who waits, never the lock.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
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

    def describe(self) -> str:
        """Give the holder as a message says it: `an (process 4242 on pc-an) since …`."""
        return _(
            "{user} (process {pid} on {host}) since {since}",
            user=self.user,
            pid=self.pid,
            host=self.host,
            since=self.since,
        )


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
    ):
        self.path = lock_path
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
        """Give who holds the lock, as the holder file says (None when it does not say)."""
        try:
            data = tomllib.loads(self.holder_path.read_text(encoding="utf-8"))
            return Holder(str(data["user"]), int(data["pid"]), str(data["host"]), data["since"])
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
            return None

    def _busy(self) -> RecordsBusyError:
        holder = self.holder()
        seconds = int(self.timeout)
        if holder is None:
            return RecordsBusyError(
                _(
                    "{path}: another mentes is changing these records; waited {seconds} s. "
                    "Try again in a moment; nothing was written",
                    path=self.path.parent,
                    seconds=seconds,
                )
            )
        return RecordsBusyError(
            _(
                "{path}: the records are being changed by {holder}; waited {seconds} s. "
                "Try again when they are done; nothing was written",
                path=self.path.parent,
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
