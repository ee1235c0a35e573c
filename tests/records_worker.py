"""A writer for the concurrency and kill tests: adds trajects through the record store.

    python records_worker.py FOLDER COUNT [TAG]

Each traject is one change (lock, read, validate, back up, replace, history), as
`mentes request` makes it.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from mentes_cli.records import RecordStore


def main() -> None:
    folder, count = Path(sys.argv[1]), int(sys.argv[2])
    tag = sys.argv[3] if len(sys.argv) > 3 else "worker"
    store = RecordStore(folder, timeout=120)
    for _ in range(count):
        with store.change("request") as change:
            change.add_traject(
                {
                    "id": change.new_traject_id(2027),
                    "location": "LOC-001",
                    "offer": "coaching",
                    "status": "requested",
                    "theme": tag,
                    "requested_on": date(2026, 11, 30),
                }
            )
        print("added", flush=True)


if __name__ == "__main__":
    main()
