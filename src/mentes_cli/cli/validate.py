"""`mentes validate`: load and check all records, and report every problem at once."""

from __future__ import annotations

from mentes_cli.cli import app, common
from mentes_cli.cli.common import (
    DataOption,
    handle_errors,
    notice,
    stdout,
    warn_broken_visits,
)
from mentes_cli.i18n import _


@app.command(help=_("Load and check all records; report every problem at once (file, row, field)."))
@handle_errors
def validate(data: DataOption = None) -> None:
    from mentes_cli.clock import today
    from mentes_cli.eligibility import conflicting_approved, location_warnings
    from mentes_cli.eligibility.sentences import say
    from mentes_cli.load import load_records, summary
    from mentes_cli.load.build import lookalike_warnings, plan_refusals

    source = common.use_reference_data(data)
    # With today: a visit marked done that is still ahead is a problem too (the rule of
    # `mentes visit --state done`), reported with every other problem of the records.
    loaded = load_records(source, today=today())
    notice(_("Records: {source}", source=common.describe_source(source)))
    for line in loaded.notices:
        notice(line)
    records = loaded.records
    # Records that load are accepted; what looks wrong in them is a warning (SPEC 3.1, 5).
    for location_id, warnings in location_warnings(records).items():
        for warning in warnings:
            notice(
                _(
                    "Warning: location {location}: {warning}",
                    location=location_id,
                    warning=say(warning),
                )
            )
    for warning in conflicting_approved(records, today()):
        notice(_("Warning: {warning}", warning=say(warning)))
    for warning in [*lookalike_warnings(records), *plan_refusals(records, today())]:
        notice(_("Warning: {warning}", warning=warning))
    warn_broken_visits(records)
    stdout.print(_("OK: {summary}.", summary=summary(records)), markup=False)
