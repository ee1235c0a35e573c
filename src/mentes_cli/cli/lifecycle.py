"""The life of a traject (SPEC 8): the inbox `mentes trajects`."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from mentes_cli.cli import app
from mentes_cli.cli.common import (
    AsOfOption,
    DataOption,
    FormatOption,
    OutputFormat,
    clean,
    handle_errors,
    load,
    stdout,
)
from mentes_cli.i18n import _, day, n_

if TYPE_CHECKING:
    from mentes_cli.inbox import InboxRow


class Status(StrEnum):
    """A traject's status, as the records write it."""

    requested = "requested"
    approved = "approved"
    planned = "planned"
    active = "active"
    done = "done"
    cancelled = "cancelled"


@app.command()
@handle_errors
def trajects(
    status: Annotated[
        list[Status] | None,
        typer.Option(
            "--status",
            help="Show trajects with this status (repeat for more). "
            "Default: the open ones (requested, approved, planned, active).",
            show_default=False,
        ),
    ] = None,
    location: Annotated[
        str | None,
        typer.Option(
            "--location", help="Only the trajects of this location (its id).", show_default=False
        ),
    ] = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = OutputFormat.table,
    data: DataOption = None,
) -> None:
    """The inbox: every open traject, and for each request whether it can be free, its place in
    the planning queue and how many days it has waited."""
    from mentes_cli.inbox import OPEN_STATUSES, inbox

    loaded = load(data)
    today = as_of or date.today()
    if location is not None and location not in loaded.records.location_index():
        from mentes_cli.errors import UsageError

        raise UsageError(_("--location {location}: no such location in the records",
                           location=location))  # fmt: skip
    statuses = [s.value for s in status] if status else list(OPEN_STATUSES)
    rows = inbox(loaded.records, today, statuses=statuses, location=location)
    if output_format is OutputFormat.json:
        from mentes_cli import textout

        typer.echo(textout.json_text(inbox_json(today, rows)))
    elif output_format is OutputFormat.csv:
        from mentes_cli import textout

        header, lines = inbox_csv(rows)
        typer.echo(textout.csv_text(header, lines), nl=False)
    else:
        _print_inbox(rows)


# The fields of a traject in the inbox's JSON and CSV, in this order.
INBOX_FIELDS = (
    "traject", "location", "offer", "status", "requested_on", "earliest", "deadline", "start",
    "end", "coach", "decision", "next_free", "reason", "queue", "age_days",
)  # fmt: skip


def _inbox_values(row: InboxRow) -> list:
    traject = row.traject
    return [
        traject.id, traject.location, traject.offer, traject.status,
        _iso(traject.requested_on), _iso(traject.earliest), _iso(traject.deadline),
        _iso(traject.start), _iso(traject.end), traject.coach, row.decision,
        _iso(row.next_free), row.why or None, row.queue, row.age_days,
    ]  # fmt: skip


def inbox_json(today: date, rows: list[InboxRow]) -> dict:
    """Give the inbox as JSON: keys in a fixed order, dates as ISO text, English text."""
    return {
        "as_of": today.isoformat(),
        "trajects": [dict(zip(INBOX_FIELDS, _inbox_values(row), strict=True)) for row in rows],
    }


def inbox_csv(rows: list[InboxRow]) -> tuple[list[str], list[list]]:
    """Give the inbox as CSV: the JSON's fields, one row a traject."""
    return list(INBOX_FIELDS), [_inbox_values(row) for row in rows]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _print_inbox(rows: list[InboxRow]) -> None:
    from rich import box
    from rich.table import Table

    from mentes_cli.lifecycle import status_word

    if not rows:
        stdout.print(_("No trajects to show."))
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left", show_lines=True,
                  title=_("Trajects"))  # fmt: skip
    # Ids, codes and dates never wrap; the location's name and the decision give way first.
    table.add_column(_("Traject"), no_wrap=True)
    table.add_column(_("Offer"), no_wrap=True)
    table.add_column(_("Requested"), no_wrap=True)
    table.add_column(_("Coach"), no_wrap=True)
    table.add_column(_("Decision"), overflow="fold", ratio=1, min_width=12)
    for row in rows:
        traject = row.traject
        requested = day(traject.requested_on) if traject.requested_on else "—"
        if row.age_days is not None:
            requested += "\n" + n_("{count} day ago", "{count} days ago", row.age_days)
        decision = _decision_words(row)
        table.add_row(
            f"{clean(traject.id)}\n{clean(traject.location)}",
            f"{clean(traject.offer)}\n{status_word(traject.status)}",
            requested,
            clean(traject.coach or "—"),
            decision,
        )
    stdout.print(table)
    stdout.print(n_("{count} traject.", "{count} trajects.", len(rows)))


def _decision_words(row: InboxRow) -> str:
    if row.decision is None:
        parts = []
        if row.traject.start:
            parts.append(_("from {day}", day=day(row.traject.start)))
        return " ".join(parts) or "—"
    word = {"free": _("free"), "paid": _("paid"), "unavailable": _("unavailable")}[row.decision]
    lines = [word]
    if row.next_free:
        lines.append(_("free again from {day}", day=day(row.next_free)))
    if row.queue is not None:
        lines.append(_("queue: {place}", place=row.queue))
    if row.why:
        lines.append(clean(row.why))
    return "\n".join(lines)
