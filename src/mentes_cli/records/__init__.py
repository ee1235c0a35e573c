"""The records kept by mentes: safe, locked, format-preserving changes (SPEC 8).

    from mentes_cli.records import RecordStore

    store = RecordStore(source)                     # a TOML folder or a workbook
    with store.change("approve") as change:         # lock taken, file read
        change.set_fields("T-2027-001", {"status": "approved"})
    # validated, checked unchanged on disk, backed up, replaced atomically, history appended

    store.undo()                                    # the version before the last change, once
    store.history("T-2027-001")                     # the entries of one traject

See `store.py` for the order of the steps and the backup design.
"""

from mentes_cli.records.history import HistoryEntry
from mentes_cli.records.lock import LOCK_WAIT_SECONDS, Holder
from mentes_cli.records.store import Change, FileState, RecordStore

__all__ = [
    "LOCK_WAIT_SECONDS",
    "Change",
    "FileState",
    "HistoryEntry",
    "Holder",
    "RecordStore",
]
