"""`mentes validate`: load and check all records, and report every problem at once."""

from __future__ import annotations

from datetime import date

from mentes_cli.cli import app
from mentes_cli.cli.common import DataOption, handle_errors, load, notice, stdout


@app.command()
@handle_errors
def validate(data: DataOption = None) -> None:
    """Load and check all records; report every problem at once (file, row, field)."""
    from mentes_cli.eligibility import conflicting_approved, location_warnings
    from mentes_cli.i18n import _
    from mentes_cli.load.build import lookalike_warnings, plan_refusals

    loaded = load(data)
    records = loaded.records
    locations = records.locations()
    # Records that load are accepted; what looks wrong in them is a warning (SPEC 3.1, 5).
    for location_id, warnings in location_warnings(records).items():
        for warning in warnings:
            notice(f"Warning: location {location_id}: {warning}")
    for warning in conflicting_approved(records, date.today()):
        notice(f"Warning: {warning}")
    for warning in [*lookalike_warnings(records), *plan_refusals(records, date.today())]:
        notice(_("Warning: {warning}", warning=warning))
    stdout.print(
        f"OK: {len(records.organisations)} organisations, {len(locations)} locations, "
        f"{len(records.coaches)} coaches, {len(records.trajects)} trajects."
    )
