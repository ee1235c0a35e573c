"""The life of a traject (SPEC 8): the inbox `mentes trajects`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mentes_cli.cli import app
from mentes_cli.cli.common import (
    AsOfOption,
    CsvRawOption,
    DataOption,
    FormatOption,
    OutputFormat,
    clean,
    describe_source,
    handle_errors,
    load,
    notice,
    parse_date,
    plain,
    stdout,
    use_reference_data,
    warn_broken_visits,
)
from mentes_cli.i18n import _, day, money, n_

if TYPE_CHECKING:
    from mentes_cli.inbox import InboxRow


def _statuses(values: list[str] | None) -> list[str] | None:
    """Give the statuses typed after --status as the records write them: requested, approved,
    planned, active, done, cancelled, or their Dutch words (aangevraagd, goedgekeurd, gepland,
    lopend, afgerond, geannuleerd), any case."""
    from mentes_cli.load.vocabulary import STATUS_DUTCH, STATUS_WORDS, fold

    if not values:
        return None
    statuses = []
    for value in values:
        status = STATUS_WORDS.get(fold(value))
        if status is None:
            raise typer.BadParameter(
                _(
                    "'{value}' is not a status; write one of {statuses} (or {words})",
                    value=value,
                    statuses=", ".join(STATUS_DUTCH),
                    words=", ".join(STATUS_DUTCH.values()),
                )
            )
        statuses.append(status)
    return statuses


@app.command(
    help=_(
        "The inbox: every open traject, and for each request whether it can be free, its "
        "place in the planning queue and how many days it has waited."
    )
)
@handle_errors
def trajects(
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            callback=_statuses,
            metavar=_("STATUS"),
            help=_(
                "Show trajects with this status: requested, approved, planned, active, done "
                "or cancelled (repeat for more). Default: the open ones (requested, approved, "
                "planned, active)."
            ),
            show_default=False,
        ),
    ] = None,
    location: Annotated[
        str | None,
        typer.Option(
            "--location",
            metavar=_("LOCATION"),
            help=_("Only the trajects of this location (its id)."),
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = OutputFormat.table,
    csv_raw: CsvRawOption = False,
    data: DataOption = None,
) -> None:
    """The inbox: every open traject, and for each request whether it can be free, its place in
    the planning queue and how many days it has waited."""
    from mentes_cli import clock
    from mentes_cli.inbox import OPEN_STATUSES, inbox

    loaded = load(data)
    today = as_of or clock.today()
    location = typed_id(location)
    if location is not None and location not in loaded.records.location_index():
        from mentes_cli.errors import UsageError

        raise UsageError(
            _("--location {location}: no such location in the records", location=location)
        )
    statuses = status or list(OPEN_STATUSES)
    rows = inbox(loaded.records, today, statuses=statuses, location=location)
    if output_format is OutputFormat.json:
        from mentes_cli import textout

        typer.echo(textout.json_text(inbox_json(today, rows)))
    elif output_format is OutputFormat.csv:
        from mentes_cli import textout

        header, lines = inbox_csv(rows)
        typer.echo(textout.csv_text(header, lines, raw=csv_raw), nl=False)
    else:
        _print_inbox(rows)


# The fields of a traject in the inbox's JSON and CSV, in this order.
INBOX_FIELDS = (
    "traject",
    "location",
    "offer",
    "status",
    "requested_on",
    "earliest",
    "deadline",
    "start",
    "end",
    "coach",
    "decision",
    "next_free",
    "reason",
    "queue",
    "age_days",
    "incomplete",
    "visits_planned",
    "visits_told",
    "visits_breaking_rule",
)


def _inbox_values(row: InboxRow) -> list:
    traject = row.traject
    return [
        traject.id,
        traject.location,
        traject.offer,
        traject.status,
        _iso(traject.requested_on),
        _iso(traject.earliest),
        _iso(traject.deadline),
        _iso(traject.start),
        _iso(traject.end),
        traject.coach,
        row.decision,
        _iso(row.next_free),
        row.why or None,
        row.queue,
        row.age_days,
        *_shortfall_values(row),
    ]


def _shortfall_values(row: InboxRow) -> list:
    """Give incomplete, visits_planned, visits_told and visits_breaking_rule: for a planned or
    active traject the check of its committed visits; None for the others."""
    if row.traject.status not in ("planned", "active"):
        return [None, None, None, None]
    from mentes_cli.export.ics import told_total

    short = row.shortfall
    if short is None:
        live = [v for v in row.traject.visits if v.kind == "visit" and v.state != "cancelled"]
        return [False, len(live), told_total(row.traject), 0]
    return [short.incomplete, short.planned, short.told, short.breaking]


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
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        title_justify="left",
        show_lines=True,
        title=_("Trajects"),
    )
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
    _print_to_act_on(rows)


def _shortfall_words(row: InboxRow) -> str | None:
    """Say what a planned or active traject's committed visits lack, in a few words."""
    short = row.shortfall
    if short is None:
        return None
    if short.incomplete and short.missing:
        return _(
            "incomplete: {planned} of {told} visits planned",
            planned=short.planned,
            told=short.told,
        )
    if short.incomplete:
        return _("incomplete: its visits are not those of its offer")
    if short.breaking:
        return n_(
            "{count} of {told} visits breaks a rule",
            "{count} of {told} visits break a rule",
            short.breaking,
            told=short.told,
        )
    return _("its visits break a rule")


def _print_to_act_on(rows: list[InboxRow]) -> None:
    """List the planned and active trajects whose committed visits are not whole, with what
    the check of the committed visits says about each, and what to do."""
    from mentes_cli.plan.model import said

    flagged = [row for row in rows if row.shortfall is not None]
    if not flagged:
        return
    stdout.print()
    stdout.print(
        n_("{count} traject to act on:", "{count} trajects to act on:", len(flagged)),
        style="bold",
    )
    from rich.table import Table

    for row in flagged:
        stdout.print(f"{clean(row.traject.id)}: {clean(_shortfall_words(row))}", style="bold red")
        problems = Table.grid(padding=(0, 1))
        problems.add_column(no_wrap=True)
        problems.add_column(overflow="fold")
        for problem in row.shortfall.problems:
            problems.add_row(" -", clean(said(problem)))
        stdout.print(problems)
    if any(row.shortfall.breaking for row in flagged):
        stdout.print(
            _(
                "A visit that breaks a rule: mentes plan --commit moves it where it can; what "
                "it cannot move, it reports as incomplete."
            )
        )
    if any(row.shortfall.incomplete for row in flagged):
        stdout.print(
            _(
                "An incomplete traject: put the missing visits back in the records, or unplan "
                "it (mentes unplan) and plan it again."
            )
        )


def _decision_words(row: InboxRow) -> str:
    if row.decision is None:
        parts = []
        if row.traject.start:
            parts.append(_("from {day}", day=day(row.traject.start)))
        flag = _shortfall_words(row)
        if flag is not None:
            parts.append(f"[bold red]{clean(flag)}[/]")
        return "\n".join(parts) or "—"
    word = {"free": _("free"), "paid": _("paid"), "unavailable": _("unavailable")}[row.decision]
    lines = [word]
    if row.next_free:
        lines.append(_("free again from {day}", day=day(row.next_free)))
    if row.queue is not None:
        lines.append(_("queue: {place}", place=row.queue))
    if row.why_words:
        lines.append(clean(row.why_words))
    return "\n".join(lines)


# --- the commands that change the records (SPEC 8) -----------------------------------------

# The fields of a request, shared by `request` and `edit`.
EarliestOption = Annotated[
    str | None,
    typer.Option(
        "--earliest",
        callback=parse_date,
        metavar=_("DATE"),
        show_default=False,
        help=_("Do not plan before this day."),
    ),
]
DeadlineOption = Annotated[
    str | None,
    typer.Option(
        "--deadline",
        callback=parse_date,
        metavar=_("DATE"),
        show_default=False,
        help=_("Finish by this day."),
    ),
]
ThemeOption = Annotated[
    str | None,
    typer.Option(
        "--theme",
        metavar=_("TEXT"),
        show_default=False,
        help=_("The pedagogical theme or support question."),
    ),
]
DomainOption = Annotated[
    list[str] | None,
    typer.Option(
        "--domain",
        metavar=_("DOMAIN"),
        show_default=False,
        help=_("A BVV domain (repeat for more; edit replaces the domains)."),
    ),
]
ContactMomentsOption = Annotated[
    int | None,
    typer.Option(
        "--contact-moments", metavar="N", show_default=False, help=_("bvv-vervolg: 2 to 5.")
    ),
]
CoachOption = Annotated[
    str | None,
    typer.Option(
        "--coach",
        metavar=_("COACH"),
        show_default=False,
        help=_("Plan with this coach only (the coach's id)."),
    ),
]
TrajectArgument = Annotated[
    str, typer.Argument(metavar=_("TRAJECT"), help=_("The traject's id, e.g. T-2027-004."))
]


def waiting_for_records(holder) -> None:
    """Say who is changing the records while a command waits for their lock."""
    who = holder.describe() if holder else _("another mentes")
    notice(_("Waiting for the records: {who} is changing them.", who=who))


def record_store(data: Path | None, *, quiet: bool = False):
    """Give the record store of the records asked for, saying which they are (unless
    `quiet`: the command said so already)."""
    from mentes_cli.records.store import RecordStore

    source = use_reference_data(data)
    if not quiet:
        notice(_("Records: {source}", source=describe_source(source)))

    return RecordStore(source.path, on_wait=waiting_for_records)


def typed_id(text: str | None) -> str | None:
    """Give an id typed on the command line as the records keep ids (`models.as_id`)."""
    from mentes_cli.models import as_id

    return None if text is None else as_id(text)


def _traject(change, traject_id: str):
    """Give the traject (model) of the records as read; InputError naming it when unknown."""
    traject_id = typed_id(traject_id)
    for traject in change.records.trajects:
        if traject.id == traject_id:
            return traject
    raise _unknown_traject(change.records, traject_id)


def _unknown_traject(records, traject_id: str):
    """Give the error for a traject id the records do not hold, with the ids close to it."""
    from mentes_cli.eligibility.engine import did_you_mean
    from mentes_cli.errors import InputError

    hint = did_you_mean(traject_id, [t.id for t in records.trajects])
    return InputError(_("no traject {traject} in the records{hint}", traject=traject_id, hint=hint))


def _move(
    data: Path | None,
    traject_id: str,
    command: str,
    fields: dict | None = None,
    *,
    release: bool = False,
    leave_plan: bool = False,
    check: Callable | None = None,
) -> None:
    """Move one traject as `command` (approve, cancel, unplan, start, reopen) does, by SPEC
    8's allowed moves and only from the statuses the command is for, with `fields` changed too;
    `release` keeps its committed visits as cancelled, for the calendars; `leave_plan` clears
    what the plan gave it (`lifecycle.unplanned_fields`); `check(traject)` may refuse the move
    (LifecycleError) once it is allowed."""
    from mentes_cli.lifecycle import (
        COMMAND_TO,
        check_command,
        released,
        status_word,
        unplanned_fields,
    )

    status = COMMAND_TO[command]
    with (
        _refused_in_one_sentence(traject_id),
        record_store(data).change(f"{command} {traject_id}") as change,
    ):
        traject = _traject(change, traject_id)
        check_command(traject, command)
        if check is not None:
            check(traject)
        fields = {**(unplanned_fields(traject) if leave_plan else {}), **(fields or {})}
        change.set_fields(traject_id, {"status": status, **fields})
        if release and traject.visits:
            change.set_visits(traject_id, released(_plain_visits(traject)))
    stdout.print(
        _(
            "{traject}: {old} → {new}.",
            traject=traject_id,
            old=status_word(traject.status),
            new=status_word(status),
        )
    )


@contextmanager
def _refused_in_one_sentence(
    traject: str | Callable[[], str | None], *, adding: bool = False
) -> Iterator[None]:
    """Say a change the records would refuse (the whole record set is checked before it is
    written) as one sentence about the traject the coordinator named (or the one a request
    adds: `traject` gives its id once known), instead of the list of problems of a file that
    was never written; other refusals pass as they are."""
    from mentes_cli.errors import InputError, LifecycleError
    from mentes_cli.load.build import record_name

    # How the record store heads its refusal of a change (records/store.py); a problem of the
    # records as they are on disk keeps its file and line.
    refusal = _("the change was refused, nothing was written: it would leave")
    try:
        yield
    except InputError as error:
        traject_id = typed_id(traject() if callable(traject) else traject)
        named = record_name("traject", traject_id) if traject_id else None
        mine = [p for p in error.problems if named and p.record == named]
        if not mine or error.problems[0].message != refusal:
            raise
        why = "; ".join(
            f"{_field_option(p.field)}: {p.message}" if p.field else p.message for p in mine
        )
        if adding:
            message = _("The request was not added, nothing was written: {why}", why=why)
        else:
            message = _(
                "{traject} was not changed, nothing was written: {why}", traject=traject_id, why=why
            )
        raise LifecycleError(message) from None


def _field_option(field: str) -> str:
    """Give a traject field as the coordinator typed it: the option that sets it."""
    return OPTION_OF_FIELD.get(field, field_word(field))


def _plain_visits(traject) -> list[dict]:
    return [visit.model_dump(exclude_none=True) for visit in traject.visits]


@app.command(
    help=_("Add a request for a traject; say whether it can be free, and if not why and from when.")
)
@handle_errors
def request(
    location: Annotated[
        str, typer.Argument(metavar=_("LOCATION"), help=_("The location's id, e.g. LOC-005."))
    ],
    offer: Annotated[
        str,
        typer.Argument(
            metavar=_("OFFER"),
            help=_(
                "The offer's code, e.g. coaching, bvv-basis or B (mentes quote --list shows "
                "the paid packages)."
            ),
        ),
    ],
    requested_on: Annotated[
        str | None,
        typer.Option(
            "--requested-on",
            callback=parse_date,
            metavar=_("DATE"),
            show_default=False,
            help=_("When the organiser asked. Default: today."),
        ),
    ] = None,
    earliest: EarliestOption = None,
    deadline: DeadlineOption = None,
    theme: ThemeOption = None,
    domain: DomainOption = None,
    contact_moments: ContactMomentsOption = None,
    coach: CoachOption = None,
    approve: Annotated[
        bool,
        typer.Option(
            "--approve",
            help=_("Approve it at once (refused for a free offer that is not free then)."),
        ),
    ] = False,
    data: DataOption = None,
) -> None:
    """Add a request for a traject; say whether it can be free, and if not why and from when."""
    from mentes_cli import clock
    from mentes_cli.errors import LifecycleError, UsageError
    from mentes_cli.lifecycle import same_open_requests

    location, coach, offer = typed_id(location), typed_id(coach), _offer_code(offer)
    today = clock.today()
    if requested_on is not None and requested_on > today:
        raise UsageError(
            _(
                "--requested-on {day} is after today ({today}): a request is dated the day "
                "the organiser asked",
                day=day(requested_on),
                today=day(today),
            )
        )
    asked = requested_on or today
    status = "approved" if approve else "requested"
    new_id = None
    with (
        _refused_in_one_sentence(lambda: new_id, adding=True),
        record_store(data).change(f"request {location} {offer}") as change,
    ):
        records = change.records
        new_id = change.new_traject_id(asked.year)
        values = {
            "id": new_id,
            "location": location,
            "offer": offer,
            "status": status,
            "requested_on": asked,
            "earliest": earliest,
            "deadline": deadline,
            "theme": _theme(theme) or None,
            "domains": _domains(domain) or None,
            "contact_moments": contact_moments,
            "coach": coach,
        }
        traject = _checked_traject(records, values)
        twins = same_open_requests(records, location, traject.offer)
        outcome = _request_outcome(records, traject, earliest or asked)
        misfit = _coach_misfit(records, traject)
        if approve and _refuses_approval(traject, outcome):
            raise LifecycleError(
                _(
                    "Not approved, nothing was written: {why}",
                    why=outcome.text,
                )
            )
        change.add_traject(values)
    stdout.print(
        _(
            "Added {traject}: {offer} for {location}, {status}.",
            traject=new_id,
            offer=offer,
            location=location,
            status=_("approved") if approve else _("requested"),
        )
    )
    _say_outcome(traject, outcome)
    if misfit:
        notice(_("Warning: {text}", text=misfit))
    if twins:
        notice(
            _(
                "Warning: {location} has {offer} open already ({trajects}): is this the same "
                "request twice? Cancel one with mentes cancel {traject}.",
                location=location,
                offer=traject.offer,
                trajects=", ".join(twins),
                traject=new_id,
            )
        )


def _offer_code(typed: str) -> str:
    """Give the offer typed on the command line as the records write it: its code in any
    case or one of its words, as `quote --traject` and a workbook take it (offers.find); an
    unknown word stays as typed, for the check to name it."""
    from mentes_cli.offers import catalogue

    found = catalogue().find(typed)
    return found.code if found else typed.strip()


def _say_outcome(traject, outcome: _Outcome) -> None:
    """Say what a request gets: what it asked for (free, or paid with its price) on stdout;
    a free offer that is not free, a package not sold there, or a paid request of a location
    that may have it free, as a warning."""
    wanted = "free" if traject.is_free_offer else "paid"
    if outcome.decision == wanted:
        stdout.print(outcome.text)
    elif outcome.text:
        notice(_("Warning: {text}", text=outcome.text))
    if outcome.warning:
        notice(_("Warning: {text}", text=outcome.warning))


def _theme(text: str | None) -> str | None:
    """Give a typed theme as the records keep it: "" (nothing typed between the quotes) is
    no theme."""
    return None if text is None else text.strip()


def _domains(typed: list[str] | None) -> list[str] | None:
    """Give the typed BVV domains as the records write them ("pedagogisch beleid" is
    "Pedagogisch beleid", as in a workbook); a word that is no domain stays as typed, for the
    check to name it."""
    from mentes_cli.load.vocabulary import DOMAIN_WORDS, fold

    return None if typed is None else [DOMAIN_WORDS.get(fold(d), d) for d in typed]


def _refuses_approval(traject, outcome: _Outcome) -> bool:
    """Give whether `approve` refuses: a free offer that is not free then, or a paid package
    for a location outside the area where it is offered."""
    wanted = "free" if traject.is_free_offer else "paid"
    return outcome.decision != wanted


def _checked_traject(records, values: dict):
    """Give the new traject as a record, or InputError naming what is wrong (location,
    offer, coach, a field)."""
    from pydantic import ValidationError

    from mentes_cli.eligibility.engine import did_you_mean
    from mentes_cli.errors import InputError, Problem
    from mentes_cli.models import Traject

    problems = []
    locations = records.location_index()
    if values["location"] not in locations:
        hint = did_you_mean(values["location"], locations)
        problems.append(
            Problem(
                _("the request"),
                message=_(
                    "no location {location} in the records{hint}",
                    location=values["location"],
                    hint=hint,
                ),
            )
        )
    coaches = records.coach_index()
    if values["coach"] is not None and values["coach"] not in coaches:
        problems.append(
            Problem(
                _("the request"),
                field="--coach",
                message=_("no coach {coach} in the records", coach=values["coach"]),
            )
        )
    try:
        traject = Traject.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as error:
        for item in error.errors():
            key = str(item["loc"][0]) if item["loc"] else None
            where = _field_option(key) if key else None
            problems.append(
                Problem(
                    _("the request"), field=where, message=item["msg"].removeprefix("Value error, ")
                )
            )
        traject = None
    if problems:
        raise InputError(problems)
    return traject


@dataclass(frozen=True)
class _Outcome:
    decision: str
    day: date
    text: str
    # A paid request of a location that may have it free: said, never refused.
    warning: str = ""


def _request_outcome(records, traject, when: date) -> _Outcome:
    """Give what the request gets on `when` and the sentences that say why and what instead."""
    from mentes_cli.inbox import (
        enforcement_from,
        free_instead,
        paid_price,
        request_decision,
        why_not_free,
    )
    from mentes_cli.lifecycle import outside_paid_scope

    if not traject.is_free_offer:
        # A paid package: sold where the offerte may quote it (quote.outside_scope_reason).
        reason = outside_paid_scope(records, traject, when)
        if reason is not None:
            return _Outcome("unavailable", when, f"{reason}.")
        text = _(
            "Paid: {offer} costs {price} on {day}.",
            offer=traject.offer,
            price=money(paid_price(traject, when)),
            day=day(when),
        )
        return _Outcome("paid", when, text, free_instead(records, traject, when) or "")
    decision, next_free, _why = request_decision(records, traject, when, day=when)
    if decision == "free":
        text = _(
            "Free: {location} is entitled to {offer} on {day}.",
            location=traject.location,
            offer=traject.offer,
            day=day(when),
        )
        return _Outcome(decision, when, text)
    parts = [
        _("Not free on {day}.", day=day(when)),
        why_not_free(records, traject, when, next_free),
    ]
    if next_free and enforcement_from(records, traject.location, when):
        parts.append(_("Free from {day}.", day=day(next_free)))
    elif next_free:
        parts.append(_("Free again from {day}.", day=day(next_free)))
    alternative = _paid_alternative(records, traject, when) if decision == "paid" else None
    if alternative:
        parts.append(
            _(
                "The paid alternative: {offer} for {price}.",
                offer=alternative[0],
                price=money(alternative[1]),
            )
        )
    return _Outcome(decision, when, " ".join(parts))


def _paid_alternative(records, traject, when: date):
    """Give the paid package (name, price) a location can buy instead of a free offer (only
    where it is sold: the letters' test)."""
    from mentes_cli.errors import MentesError
    from mentes_cli.inbox import paid_alternative

    try:
        return paid_alternative(records, traject, when)
    except MentesError:
        return None


@app.command(help=_("Change a requested or approved traject."))
@handle_errors
def edit(
    traject_id: TrajectArgument,
    coach: CoachOption = None,
    earliest: EarliestOption = None,
    deadline: DeadlineOption = None,
    theme: ThemeOption = None,
    domain: DomainOption = None,
    contact_moments: ContactMomentsOption = None,
    data: DataOption = None,
) -> None:
    """Change a requested or approved traject."""
    from mentes_cli.errors import InputError, LifecycleError, UsageError

    fields = {
        "coach": typed_id(coach),
        "earliest": earliest,
        "deadline": deadline,
        "theme": _theme(theme),
        "domains": _domains(domain),
        "contact_moments": contact_moments,
    }
    fields = {key: value for key, value in fields.items() if value is not None}
    if not fields:
        raise UsageError(
            _(
                "say what to change: --coach, --earliest, --deadline, --theme, "
                "--domain or --contact-moments"
            )
        )
    if fields.get("theme") == "":
        fields["theme"] = None  # --theme "": the traject has no theme any more
    with (
        _refused_in_one_sentence(traject_id),
        record_store(data).change(f"edit {traject_id}") as change,
    ):
        traject = _traject(change, traject_id)
        if traject.status not in ("requested", "approved"):
            raise LifecycleError(_not_editable(traject))
        if coach is not None and coach not in change.records.coach_index():
            raise InputError(_("no coach {coach} in the records", coach=coach))
        edited = _edited(traject, fields)
        if "earliest" in fields:
            _check_still_free(change.records, edited)
        change.set_fields(traject_id, fields)
        misfit = _coach_misfit(change.records, edited) if "coach" in fields else None
    stdout.print(
        _(
            "{traject}: changed {fields}.",
            traject=traject_id,
            fields=", ".join(
                f"{OPTION_OF_FIELD[key]} {_edited_value(key, fields[key])}"
                for key in sorted(fields)
            ),
        )
    )
    if misfit:
        notice(_("Warning: {text}", text=misfit))


def _not_editable(traject) -> str:
    """Say why a traject that is neither requested nor approved is not edited, and what
    makes it editable again where something does."""
    from mentes_cli.lifecycle import status_word

    said = _(
        "Traject {traject} is {status}: only a requested or approved traject is edited.",
        traject=traject.id,
        status=status_word(traject.status),
    )
    if traject.status == "planned":
        said += " " + _("Unplan it first (mentes unplan {traject}).", traject=traject.id)
    elif traject.status == "cancelled":
        said += " " + _("Open it again first (mentes reopen {traject}).", traject=traject.id)
    return said


def _edited_value(field: str, value) -> str:
    """Give a value typed to `edit` as the coordinator reads it back."""
    if value is None or value == []:
        return "—"
    if isinstance(value, date):
        return day(value)
    if isinstance(value, list):
        return clean(", ".join(value))
    return clean(str(value))


def _coach_misfit(records, traject) -> str | None:
    """Say why the coach asked for on `traject` cannot take it (the planner's AREA rule, SPEC
    5.4: it would leave the traject unplanned; the records refuse a coach of the wrong role);
    None when the coach serves its location."""
    from mentes_cli import clock
    from mentes_cli.plan.constraints import serves

    coach = records.coach_index().get(traject.coach) if traject.coach else None
    found = records.location_index().get(traject.location)
    if coach is None or found is None:
        return None
    if not serves(coach, found[1], traject.earliest or clock.today()):
        return _(
            "{coach} does not serve the area of {location}; mentes plan cannot give {traject} "
            "to {coach}.",
            coach=coach.id,
            location=traject.location,
            traject=traject.id,
        )
    return None


def _edited(traject, fields: dict):
    """Give `traject` with `fields` changed (None removes one); LifecycleError in one sentence
    when the change does not fit it (domains on coaching, contact moments out of range)."""
    from pydantic import ValidationError

    from mentes_cli.errors import LifecycleError
    from mentes_cli.models import Traject

    values = {**traject.model_dump(exclude_none=True), **fields}
    try:
        return Traject.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as error:
        why = "; ".join(
            (f"{_field_option(str(item['loc'][0]))}: " if item["loc"] else "")
            + item["msg"].removeprefix("Value error, ")
            for item in error.errors()
        )
        raise LifecycleError(
            _("{traject} was not changed, nothing was written: {why}", traject=traject.id, why=why)
        ) from None


def _approval_day(traject):
    """Give the day a traject is approved on (as `approve` decides): its earliest day, else the
    day it was asked, else today."""
    from mentes_cli import clock

    return traject.earliest or traject.requested_on or clock.today()


def _check_still_free(records, edited) -> None:
    """Refuse an edit of an approved free traject that would leave it, or another approved free
    traject of its location and family, not free any more: `approve`'s check on each of them,
    with the edit made."""
    from mentes_cli.errors import LifecycleError
    from mentes_cli.offers import catalogue

    if edited.status != "approved" or not edited.is_free_offer:
        return
    after = records.model_copy(
        update={"trajects": [edited if t.id == edited.id else t for t in records.trajects]}
    )
    family = catalogue().offer(edited.offer).family
    # The edited traject first: its own refusal says the most.
    for traject in sorted(after.trajects, key=lambda t: t.id != edited.id):
        if (
            traject.status != "approved"
            or traject.location != edited.location
            or not traject.is_free_offer
            or catalogue().offer(traject.offer).family != family
        ):
            continue
        outcome = _request_outcome(after, traject, _approval_day(traject))
        if not _refuses_approval(traject, outcome):
            continue
        if traject.id == edited.id:
            why = _("it would no longer be free. {why}", why=outcome.text)
        else:
            why = _(
                "{other} (approved as free) would no longer be free. {why}",
                other=traject.id,
                why=outcome.text,
            )
        raise LifecycleError(
            _("{traject} was not changed, nothing was written: {why}", traject=edited.id, why=why)
        )


@app.command(
    help=_("Approve a request (requested → approved); a free offer must be free on its date.")
)
@handle_errors
def approve(traject_id: TrajectArgument, data: DataOption = None) -> None:
    """Approve a request (requested → approved); a free offer must be free on its date."""
    from mentes_cli.errors import LifecycleError
    from mentes_cli.lifecycle import check_command, status_word

    with record_store(data).change(f"approve {traject_id}") as change:
        traject = _traject(change, traject_id)
        check_command(traject, "approve")
        outcome = _request_outcome(change.records, traject, _approval_day(traject))
        if _refuses_approval(traject, outcome):
            if traject.is_free_offer:
                message = _(
                    "{traject} cannot be approved as free. {why}",
                    traject=traject_id,
                    why=outcome.text,
                )
            else:
                message = _(
                    "{traject} cannot be approved: {why}", traject=traject_id, why=outcome.text
                )
            raise LifecycleError(message)
        change.set_fields(traject_id, {"status": "approved"})
    stdout.print(
        _(
            "{traject}: {old} → {new}.",
            traject=traject_id,
            old=status_word(traject.status),
            new=status_word("approved"),
        )
    )
    if outcome.warning:
        notice(_("Warning: {text}", text=outcome.warning))


@app.command(
    help=_("Cancel a traject; its committed visits are released (kept as cancelled for calendars).")
)
@handle_errors
def cancel(
    traject_id: TrajectArgument,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            metavar=_("TEXT"),
            show_default=False,
            help=_("Why it is cancelled (told to the location in its letter)."),
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Cancel a traject; its committed visits are released (kept as cancelled for calendars)."""
    if reason is not None:
        reason = reason.strip()
        if not reason:
            from mentes_cli.errors import UsageError

            # The letter says the reason: "Reden: " and nothing after it tells the location
            # nothing.
            raise UsageError(_("--reason is empty: say why it is cancelled, or leave --reason out"))
    _move(data, traject_id, "cancel", {"reason": reason}, release=True)


@app.command(help=_("Take a planned traject back to approved; its visits are released."))
@handle_errors
def unplan(traject_id: TrajectArgument, data: DataOption = None) -> None:
    """Take a planned traject back to approved; its visits are released."""
    # What came from the plan goes: an approved traject is dated by earliest again.
    _move(data, traject_id, "unplan", release=True, leave_plan=True)


@app.command(
    help=_(
        "Mark a planned traject as running (planned → active), on the day of its first visit "
        "or later."
    )
)
@handle_errors
def start(traject_id: TrajectArgument, data: DataOption = None) -> None:
    """Mark a planned traject as running (planned → active), from its first visit's day."""
    from mentes_cli import clock
    from mentes_cli.lifecycle import check_start

    _move(data, traject_id, "start", check=lambda traject: check_start(traject, clock.today()))


@app.command(
    help=_("Mark a running traject as done (active → done); its visits up to the end are done.")
)
@handle_errors
def done(
    traject_id: TrajectArgument,
    end: Annotated[
        str | None,
        typer.Option(
            "--end",
            callback=parse_date,
            metavar=_("DATE"),
            show_default=False,
            help=_("The traject's last day. Default: its last committed visit."),
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Mark a running traject as done (active → done); its visits up to the end are done."""
    from mentes_cli import clock
    from mentes_cli.errors import LifecycleError
    from mentes_cli.lifecycle import check_command, check_end, finished, live_days, status_word

    with record_store(data).change(f"done {traject_id}") as change:
        traject = _traject(change, traject_id)
        check_command(traject, "done")
        visits = _plain_visits(traject)
        days = live_days(visits)
        last = end or (days[-1] if days else None)
        if last is None:
            raise LifecycleError(
                _(
                    "{traject} has no committed visits: give its last day with --end DATE",
                    traject=traject_id,
                )
            )
        first = days[0] if days else traject.start
        if first is not None and last < first:
            raise LifecycleError(
                _(
                    "{traject}: the end {end} is before its first visit on {first}",
                    traject=traject_id,
                    end=day(last),
                    first=day(first),
                )
            )
        check_end(traject, last, clock.today(), given=end is not None)
        change.set_fields(traject_id, {"status": "done", "end": last})
        if visits:
            change.set_visits(traject_id, finished(visits, last))
    stdout.print(
        _(
            "{traject}: {old} → {new}, ended {end}.",
            traject=traject_id,
            old=status_word(traject.status),
            new=status_word("done"),
            end=day(last),
        )
    )


@app.command(help=_("Open a cancelled traject again as a request (cancelled → requested)."))
@handle_errors
def reopen(traject_id: TrajectArgument, data: DataOption = None) -> None:
    """Open a cancelled traject again as a request (cancelled → requested)."""
    # A request again, as unplan leaves an approved one: what came from the plan goes.
    _move(data, traject_id, "reopen", {"reason": None}, leave_plan=True)


def field_word(field: str) -> str:
    """Give a traject field of the history as the coordinator reads it (the key itself when
    mentes does not know it: a record written by a later version)."""
    words = {
        "traject": _("traject"),
        "status": _("status"),
        "location": _("location"),
        "offer": _("offer"),
        "coach": _("coach"),
        "start": _("start"),
        "end": _("end"),
        "earliest": _("earliest"),
        "deadline": _("deadline"),
        "requested_on": _("requested on"),
        "theme": _("theme"),
        "domains": _("domains"),
        "contact_moments": _("contact moments"),
        "reason": _("reason"),
        "visits": _("visits"),
    }
    from mentes_cli.records.history import visit_field_words

    return words.get(field) or visit_field_words(field) or clean(field)


DATE_FIELDS = ("earliest", "deadline", "start", "end", "requested_on")


def _history_when(when: str) -> str:
    """Give the time of a history entry as the language writes it: date, then hour, in the
    centre's time (Europe/Brussels), as the workbook's sheet Historiek shows it."""
    from datetime import datetime

    from mentes_cli.records.history import centre_time

    try:
        moment = centre_time(when) or datetime.fromisoformat(when)
    except ValueError:  # a history typed by hand: shown as it is
        return clean(when)
    return f"{day(moment.date())}\n{moment:%H:%M}"


def _history_value(field: str, value: str) -> str:
    """Give a value of the history (the records' words) as the coordinator reads it."""
    from mentes_cli.lifecycle import MOVES, status_word
    from mentes_cli.records.history import visit_value_words

    if (visit := visit_value_words(field, value)) is not None:
        return visit
    if field in ("status", "traject") and value in MOVES:
        return status_word(value)
    if field in DATE_FIELDS and value:
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    return value


# The option of `edit` that changes each field, as the coordinator typed it.
OPTION_OF_FIELD = {
    "coach": "--coach",
    "earliest": "--earliest",
    "deadline": "--deadline",
    "theme": "--theme",
    "domains": "--domain",
    "contact_moments": "--contact-moments",
}


def _visit_state(value: str | None) -> str | None:
    """Give the state typed after --state as the records write it: planned, fixed or done, or
    their Dutch words gepland, vast or gedaan (any case)."""
    from mentes_cli.load.vocabulary import VISIT_STATE_WORDS, fold

    if value is None:
        return None
    state = VISIT_STATE_WORDS.get(fold(value))
    if state not in ("planned", "fixed", "done"):
        raise typer.BadParameter(
            _(
                "'{value}' is not a state a visit can be given; write planned, fixed or done "
                "(gepland, vast or gedaan)",
                value=value,
            )
        )
    return state


@app.command(help=_("Mark one committed visit as fixed (never moves), done or planned again."))
@handle_errors
def visit(
    traject_id: TrajectArgument,
    number: Annotated[
        int, typer.Argument(metavar=_("NUMBER"), help=_("The visit's number (0: the intake call)."))
    ],
    state: Annotated[
        str,
        typer.Option(
            "--state",
            callback=_visit_state,
            metavar=_("STATE"),
            help=_("planned, fixed or done."),
        ),
    ],
    data: DataOption = None,
) -> None:
    """Mark one committed visit as fixed (never moves), done or planned again."""
    from mentes_cli import clock
    from mentes_cli.errors import LifecycleError
    from mentes_cli.lifecycle import check_visit_state, check_visits_open, visit_name

    with record_store(data).change(f"visit {traject_id} {number}") as change:
        traject = _traject(change, traject_id)
        check_visits_open(traject)
        visits = _plain_visits(traject)
        found = [v for v in visits if v["number"] == number and v["state"] != "cancelled"]
        if not found:
            live = sorted({v["number"] for v in visits if v["state"] != "cancelled"})
            if not live:
                raise LifecycleError(
                    _(
                        "{traject} has no committed visits: mentes plan --commit stores them",
                        traject=traject_id,
                    )
                )
            intake = {v["number"] for v in visits if v.get("kind") == "intake"}
            numbers = [
                _("{number} (the intake call)", number=n) if n in intake else str(n) for n in live
            ]
            raise LifecycleError(
                _(
                    "{traject} has no visit {number}; its visits: {numbers}",
                    traject=traject_id,
                    number=number,
                    numbers=", ".join(numbers) or "—",
                )
            )
        kind = found[0].get("kind", "visit")
        check_visit_state(traject, number, found[0]["date"], state, clock.today(), kind)
        found[0]["state"] = state
        change.set_visits(traject_id, visits)
    which = visit_name(number, kind)
    if not change.changed:  # the visit had that state already: nothing written, undo kept
        from mentes_cli.records.history import visit_value_words

        stdout.print(
            _("{traject}, {visit}: {state} already; nothing changed.", traject=traject_id,
              visit=which, state=visit_value_words("visits.1.state", state))
        )  # fmt: skip
        return
    said = {
        "planned": _("{traject}, {visit}: planned (may move).", traject=traject_id, visit=which),
        "fixed": _("{traject}, {visit}: fixed (never moves).", traject=traject_id, visit=which),
        "done": _("{traject}, {visit}: done.", traject=traject_id, visit=which),
    }
    stdout.print(said[state])


@app.command(help=_("Show who changed what and when in the records (one traject's, or all)."))
@handle_errors
def history(
    traject_id: Annotated[
        str | None,
        typer.Argument(
            metavar=_("TRAJECT"), help=_("Only this traject's changes."), show_default=False
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Show who changed what and when in the records (one traject's, or all)."""
    from rich import box
    from rich.table import Table

    store = record_store(data)
    traject_id = typed_id(traject_id)
    entries = store.history(traject_id)
    if not entries and traject_id is not None:
        from mentes_cli.load import load_records

        records = load_records(use_reference_data(data)).records
        if traject_id not in {t.id for t in records.trajects}:
            raise _unknown_traject(records, traject_id)
    if not entries:
        stdout.print(_("No changes recorded yet."))
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(_("When"), no_wrap=True)
    table.add_column(_("Who"), overflow="fold", ratio=1)
    table.add_column(_("Traject"), no_wrap=True)
    table.add_column(_("Field"), no_wrap=True)
    table.add_column(_("Old → new"), overflow="fold", ratio=1)
    for entry in entries:
        # The history is a record, in the records' words; shown in the reader's language.
        old, new = (_history_value(entry.field, value) for value in (entry.old, entry.new))
        table.add_row(
            _history_when(entry.when),
            clean(f"{entry.user}\nmentes {entry.command}"),
            clean(entry.traject),
            field_word(entry.field),
            clean(f"{old or '—'} → {new or '—'}"),
        )
    stdout.print(table)


@app.command(help=_("Restore the records as they were before the last change by mentes (once)."))
@handle_errors
def undo(data: DataOption = None) -> None:
    """Restore the records as they were before the last change by mentes (once)."""
    entries = record_store(data).undo()
    trajects = sorted({entry.traject for entry in entries})
    stdout.print(_("Undone: the last change ({trajects}).", trajects=", ".join(trajects)))
    # Visits put back may fall on a day that broke a rule since (the closure that moved them).
    from mentes_cli.load import load_records

    warn_broken_visits(load_records(use_reference_data(data)).records)


EMPTY_RECORD_FILES = {
    "organisations.toml": (
        "# The organisers and their locations: one [[organisations]] table each,\n"
        "# with [[organisations.locations]] under it (see the README).\n"
    ),
    "coaches.toml": (
        "# The pedagogical coaches and regional supporters: one [[coaches]] table each.\n"
    ),
    "trajects.toml": (
        "# The trajects: `mentes request` adds them; the history can be typed here.\n"
    ),
}


@app.command(
    help=_("Make records to work on: a copy of the bundled sample, or empty ones (--empty).")
)
@handle_errors
def init(
    target: Annotated[
        Path,
        typer.Argument(
            metavar=_("TARGET"),
            help=_("A new folder for the records (TOML files), or a new .xlsx workbook."),
            show_default=False,
        ),
    ],
    empty: Annotated[
        bool, typer.Option("--empty", help=_("Start without records instead of the sample."))
    ] = False,
) -> None:
    """Make records to work on: a copy of the bundled sample, or empty ones (--empty)."""
    from mentes_cli.errors import OutputError
    from mentes_cli.output import check_output_path, make_folder, outputs_together, write_many
    from mentes_cli.records.store import init_target_kind
    from mentes_cli.reference import sample_records_dir

    sample = sample_records_dir()
    if init_target_kind(target) == "workbook":
        from mentes_cli.export.records_xlsx import write_records_workbook, write_template
        from mentes_cli.load import DataSource, load_records

        check_output_path(target, force=False)
        if empty:
            write_template(target)
        else:
            records = load_records(DataSource(sample, "the bundled sample records")).records
            write_records_workbook(records, target)
    else:
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise OutputError(
                _("{path}: exists and is not an empty folder; give a new one", path=target)
            )
        files = {
            target / name: (text.encode("utf-8") if empty else (sample / name).read_bytes())
            for name, text in EMPTY_RECORD_FILES.items()
        }
        with outputs_together():
            make_folder(target)
            write_many(files, force=False)
    stdout.print(
        _(
            "Made {path}. Work on it with: mentes --data {path} … (or set MENTES_DATA).",
            path=plain(target),
        ),
        markup=False,
        soft_wrap=True,
    )
