"""`mentes validate`: load and check all records, and report every problem at once."""

from __future__ import annotations

from mentes_cli.cli import app
from mentes_cli.cli.common import DataOption, handle_errors, load, stdout


@app.command()
@handle_errors
def validate(data: DataOption = None) -> None:
    """Load and check all records; report every problem at once (file, row, field)."""
    loaded = load(data)
    records = loaded.records
    locations = records.locations()
    stdout.print(
        f"OK: {len(records.organisations)} organisations, {len(locations)} locations, "
        f"{len(records.coaches)} coaches, {len(records.trajects)} trajects."
    )
