"""`mentes plan`: plan every approved traject, save, keep, check and export the plan."""

from __future__ import annotations

import math
import re
import sys
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core

from mentes_cli.cli import app
from mentes_cli.cli.common import (
    DataOption,
    ForceOption,
    clean,
    handle_errors,
    is_interactive,
    load,
    notice,
    parse_date,
    stderr,
    stdout,
    use_reference_data,
)
from mentes_cli.errors import UsageError
from mentes_cli.i18n import _, n_

if TYPE_CHECKING:
    from mentes_cli.models import Records
    from mentes_cli.plan.model import Plan


class PlanFormat(StrEnum):
    """How a plan is printed: Rich tables for people, JSON or CSV (one row a visit) for scripts."""

    table = "table"
    json = "json"
    csv = "csv"


# A plan with more visits than this prints a summary per coach, not every visit (--all does).
LARGE_PLAN_VISITS = 200
# ... and of more than this many reasons for one unplanned traject (one per candidate coach:
# about 95 on the network), the first ones and a count; --all and the JSON give every one.
SHOWN_REASONS = 10


class PlanCommand(typer.core.TyperCommand):
    """The command line of `plan`, which reads `--check=PLAN.toml` as `--check PLAN.toml`.

    `--check` is a switch that may be followed by the plan file to check (`--check PLAN.toml`)
    or not (`--check` alone checks the visits committed in the records). Click knows a switch
    without a value only, and would refuse the `=` form; it is split here, before Click reads
    the command line, so that all three forms work. Nothing after `--` is touched.
    """

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        split: list[str] = []
        for position, arg in enumerate(args):
            if arg == "--":
                split.extend(args[position:])
                break
            if arg.startswith("--check="):
                path = arg.removeprefix("--check=")
                if not path:
                    raise typer.BadParameter(
                        _(
                            "give the saved plan after the = (--check=PLAN.toml), or --check "
                            "alone to check the visits committed in the records"
                        ),
                        ctx=ctx,
                        param_hint="'--check'",
                    )
                split.extend(("--check", path))
            else:
                split.append(arg)
        return super().parse_args(ctx, split)


def next_monday(today: date) -> date:
    """Give the first Monday after `today` (a week later when today is a Monday)."""
    return today + timedelta(days=7 - today.weekday())


@app.command(
    cls=PlanCommand,
    help=_("Plan every approved traject into visit days, or check a plan with --check."),
)
@handle_errors
def plan(
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            callback=parse_date,
            help=_(
                "First day of the plan (2027-01-04 or 04/01/2027). Default: the next Monday "
                "after today."
            ),
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--end",
            callback=parse_date,
            help=_(
                "Last day of the plan (2027-06-30 or 30/06/2027). Default: --start plus the "
                "centre's usual plan length (26 weeks, unless the centre chose another)."
            ),
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        PlanFormat,
        typer.Option(
            "--format",
            help=_("table for people; json, or csv (one row a visit), for scripts (stdout only)."),
        ),
    ] = PlanFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", help=_("Write the schedule workbook (.xlsx)."), show_default=False
        ),
    ] = None,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            help=_("Save the plan as TOML, to plan again around it with --keep."),
            show_default=False,
        ),
    ] = None,
    keep: Annotated[
        Path | None,
        typer.Option(
            "--keep",
            help=_(
                "Start from a plan saved with --save: visits before --start, and visits you "
                "marked as fixed (fixed = true), stay where they are."
            ),
            show_default=False,
        ),
    ] = None,
    ics: Annotated[
        Path | None,
        typer.Option(
            "--ics",
            help=_("Write one .ics calendar per coach into this folder."),
            show_default=False,
        ),
    ] = None,
    plan_file: Annotated[
        Path | None,
        typer.Argument(
            metavar=_("PLAN.toml"),
            help=_(
                "Only with --check: a plan saved with --save (or edited by hand) to check. "
                "Without it, --check checks the visits committed in the records."
            ),
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help=_(
                "Check instead of planning: the visits committed in the records, or the saved "
                "plan given after it (mentes plan --check PLAN.toml, or --check=PLAN.toml), "
                "against the records and every hard constraint; exit 1 when one breaks a rule."
            ),
        ),
    ] = False,
    commit: Annotated[
        bool,
        typer.Option(
            "--commit",
            help=_(
                "Write the plan into the records: each placed traject becomes planned with "
                "its coach, dates and visits; moved visits are updated. Every later plan keeps "
                "them."
            ),
        ),
    ] = False,
    check_records: Annotated[
        bool,
        typer.Option(
            "--check-records",
            help=_("The same as --check without a plan file: check the committed visits."),
        ),
    ] = False,
    optimize: Annotated[
        float | None,
        typer.Option(
            "--optimize",
            metavar=_("SECONDS"),
            help=_(
                "Budget of the exact improvement step (CP-SAT, in its deterministic seconds; "
                "needs mentes[optimize]); 0 keeps the greedy plan alone. Default: the "
                "centre's own setting."
            ),
            show_default=False,
        ),
    ] = None,
    show_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help=_(
                "Print every visit and every reason, also of a large plan (of more than "
                "{count} visits mentes prints a summary per coach, and of an unplanned traject "
                "the first {reasons} reasons).",
                count=LARGE_PLAN_VISITS,
                reasons=SHOWN_REASONS,
            ),
        ),
    ] = False,
    force: ForceOption = False,
    data: DataOption = None,
) -> None:
    """Plan every approved traject into visit days, or check a plan with --check."""
    if optimize is not None and not (optimize >= 0 and math.isfinite(optimize)):
        # said before the records are read (nan and inf too: inf would never end)
        from mentes_cli.i18n import number

        raise UsageError(
            _("--optimize must be 0 or more seconds, got {value}", value=number(optimize))
        )
    if plan_file is not None and not check:
        raise UsageError(
            _(
                "{path}: a plan file is read only with --check (mentes plan --check {path})",
                path=plan_file,
            )
        )
    if check or check_records:
        others = [
            name
            for name, value in (
                ("--save", save),
                ("--keep", keep),
                ("--output", output),
                ("--ics", ics),
                ("--commit", commit or None),
            )
            if value is not None
        ]
        if others:
            raise UsageError(
                _("--check cannot be combined with {options}", options=", ".join(others))
            )
        if plan_file is not None:
            _check(plan_file, data)
        else:
            _check_committed(data)
        return
    if commit and keep is not None:
        raise UsageError(
            _("--commit plans around the visits committed in the records; it takes no --keep")
        )
    from mentes_cli.plan.settings import load_settings

    if commit:
        # The records are read under their lock, in _commit; here only which they are.
        source = use_reference_data(data)
        from mentes_cli.cli.common import describe_source

        notice(_("Records: {source}", source=describe_source(source)))
        source_path = source.path
    else:
        loaded = load(data)
        source_path = loaded.source.path
    settings = load_settings()
    first = start or next_monday(date.today())
    last = end or first + timedelta(days=settings.window_days - 1)
    from mentes_cli import clock
    from mentes_cli.i18n import day

    if commit and first < clock.today():  # a commit promises visits: none in the past
        raise UsageError(
            _(
                "--start {start} is before today ({today}): --commit plans from today on. "
                "Leave out --commit to look at a plan from that day.",
                start=day(first),
                today=day(clock.today()),
            )
        )
    if last < first:
        raise UsageError(
            _("--end {end} is before --start {start}", end=day(last), start=day(first))
        )
    from mentes_cli.limits import check_plan_days

    check_plan_days((last - first).days + 1, _("The plan from --start to --end"))
    budget = settings.optimize_seconds if optimize is None else optimize
    if output is not None and output.suffix.lower() != ".xlsx":
        raise UsageError(
            _("--output {path}: the schedule workbook must be an .xlsx file", path=output)
        )
    _check_outputs(output=output, save=save, keep=keep, force=force, data=source_path)

    before = None  # the records before this run's commit (SPEC 9: what changed, calendars)
    if commit:
        result, records = _commit(data, first, last, settings, budget)
        before = records
        if ics is not None:
            from mentes_cli.load import load_records

            records = load_records(source).records  # with the new visits' UIDs
    else:
        records = loaded.records
        result = _make(records, first, last, _kept(records, keep), settings, budget)
    if ics is not None:
        _check_calendars(result, ics, force, [source_path, *([keep] if keep is not None else [])])
    from mentes_cli.plan.model import said

    for warning in result.warnings:
        _notice_wrapped(_("Warning: {warning}", warning=said(warning)))
    _notice_outside(before if before is not None else records, result)
    changes = _changes(before if before is not None else records, result)

    if output_format is PlanFormat.json:
        from mentes_cli import textout
        from mentes_cli.plan.store import plan_json

        payload = plan_json(result)
        if changes is not None:
            from mentes_cli.plan.changes import changes_json

            payload["changes"] = changes_json(changes)
        if result.warnings:  # English, as the reasons (SPEC 7); the key only when any
            payload["warnings"] = list(result.warnings)
        textout.write_json(payload, sys.stdout)
    elif output_format is PlanFormat.csv:
        from mentes_cli.plan.store import plan_csv

        typer.echo(plan_csv(result), nl=False)
        for unplanned in result.unplanned:
            _notice_wrapped(
                _(
                    "Not planned: {traject}: {reasons}",
                    traject=unplanned.traject,
                    reasons="; ".join(said(reason) for reason in unplanned.reasons),
                )
            )
        _notice_incomplete(result)
    else:
        if len(result.visits) > LARGE_PLAN_VISITS and not show_all:
            _print_summary(result, records)
        else:
            _print_tables(result, records)
        _print_unplanned(result, show_all)
        _print_incomplete(result)
        _print_count(result)
        if changes is not None:
            _print_changes(changes, records)
        line = _optimality_line(result, budget)
        if line:
            _print_wrapped(line)
    if output_format is not PlanFormat.table:
        line = _optimality_line(result, budget)
        if line:
            _notice_wrapped(line)
    _notice_moved(result, before if before is not None else records)

    from mentes_cli.output import outputs_together

    inputs = [source_path, *([keep] if keep is not None else [])]
    written: list = []
    # One change: the plan, the workbook and the calendars land together, or none of them.
    with outputs_together():
        if save is not None:
            from mentes_cli.output import write_atomically
            from mentes_cli.plan.store import plan_toml

            write_atomically(save, plan_toml(result), force=force, inputs=inputs)
        if output is not None:
            from mentes_cli.export.schedule import write_schedule

            write_schedule(result, records, output, force=force, inputs=inputs, changes=changes)
        if ics is not None:
            from mentes_cli.export.ics import former_coaches, write_calendars
            from mentes_cli.letters.memory import last_told
            from mentes_cli.records import RecordStore

            formers = former_coaches(RecordStore(source_path).history())
            written = write_calendars(
                result,
                records,
                ics,
                force=force,
                notify=notice,
                inputs=inputs,
                before=before,
                formers=formers,
                told=last_told(source_path),
            )
    if save is not None:
        notice(_("Plan saved to {path}.", path=save))
    if output is not None:
        notice(_("Schedule workbook written to {path}.", path=output))
    if ics is not None:
        notice(
            n_(
                "{count} calendar written to {path}.",
                "{count} calendars written to {path}.",
                len(written),
                path=ics,
            )
        )


# A number and its unit, and a count and what it counts ("2 × 4 u"), stay on one line.
_GLUED = re.compile(r"(?<=\d) (?=(?:h|u|×)(?:\W|$))|(?<=×) (?=\d)")


def _fill(text: str, width: int, **options) -> str:
    """Give `text` wrapped between words at `width` (textwrap.fill's options), an id or a date
    never broken (no break inside a word, nor at its hyphens), a number never parted from
    its unit."""
    import textwrap

    glued = _GLUED.sub("\u00a0", text)
    wrapped = textwrap.fill(
        glued, width=width, break_long_words=False, break_on_hyphens=False, **options
    )
    return wrapped.replace("\u00a0", " ")


def _print_wrapped(text: str) -> None:
    """Print running text on stdout, wrapped between words at the terminal's width."""
    from mentes_cli.cli.common import plain

    width = max(40, stdout.width)
    wrapped = _fill(plain(text), width)
    stdout.print(wrapped, markup=False, highlight=False, soft_wrap=True)


def _notice_wrapped(text: str) -> None:
    """Say a notice on stderr, wrapped between words, its next lines indented by two."""
    from mentes_cli.cli.common import stderr

    notice(_fill(text, max(40, stderr.width), subsequent_indent="  "))


def _notice_outside(records: Records, result: Plan) -> None:
    """Say once how many committed visits fall after the plan's end: they are outside this
    plan and stay as they are (SPEC 5 rule 7)."""
    from mentes_cli.i18n import day
    from mentes_cli.plan.commit import KEPT_STATUSES

    after = sum(
        1
        for traject in records.trajects
        if traject.status in KEPT_STATUSES
        for visit in traject.visits
        if visit.state != "cancelled" and visit.date > result.end
    )
    if after:
        _notice_wrapped(
            n_(
                "{count} committed visit falls after the plan's end {end}: it is outside this "
                "plan and stays as it is.",
                "{count} committed visits fall after the plan's end {end}: they are outside "
                "this plan and stay as they are.",
                after,
                end=day(result.end),
            )
        )


def _kept(records: Records, keep: Path | None) -> list:
    """Give the kept visits: those committed in the records, and those of a --keep plan for
    the trajects that have none committed (SPEC 8: every plan keeps the committed visits)."""
    from mentes_cli.plan.commit import kept_from_records

    kept = kept_from_records(records)
    if keep is not None:
        from mentes_cli.plan.model import kept_from_plan
        from mentes_cli.plan.store import read_plan

        committed = {item.visit.traject for item in kept}
        kept += [k for k in kept_from_plan(read_plan(keep)) if k.visit.traject not in committed]
    return kept


def _commit(data: Path | None, first: date, last: date, settings, budget: float):
    """Plan under the records' lock and write the plan into them (SPEC 8); give the plan and
    the records it was made from."""
    from mentes_cli.cli.lifecycle import record_store
    from mentes_cli.i18n import _, n_
    from mentes_cli.plan.commit import commit_plan, kept_from_records

    with record_store(data, quiet=True).change("plan --commit") as change:
        records = change.records
        result = _make(records, first, last, kept_from_records(records), settings, budget)
        commits = commit_plan(records, result)
        for item in commits:
            change.set_fields(item.traject, item.fields)
            change.set_visits(item.traject, item.visits)
        written = change.changed
    planned = [item for item in commits if item.new]
    if not written:
        notice(_("Nothing to commit: the records already hold this plan; nothing was written."))
    else:
        notice(
            _(
                "Committed to the records: {planned}, {moved}.",
                planned=n_("{count} traject planned", "{count} trajects planned", len(planned)),
                moved=n_(
                    "{count} kept visit moved",
                    "{count} kept visits moved",
                    sum(item.moved for item in commits),
                ),
            )
        )
    if result.incomplete:
        _notice_wrapped(
            n_(
                "{count} traject is incomplete ({trajects}): nothing of it is written; the "
                "records keep its visits as they were. Change what stands in the way (the "
                "leave, a closure), or unplan it and plan it again.",
                "{count} trajects are incomplete ({trajects}): nothing of them is written; "
                "the records keep their visits as they were. Change what stands in the way "
                "(the leave, a closure), or unplan them and plan them again.",
                len(result.incomplete),
                trajects=", ".join(item.traject for item in result.incomplete),
            )
        )
    return result, records


def _check_committed(data: Path | None) -> None:
    """Check the visits committed in the records; exit 1 when one breaks a rule."""
    from mentes_cli.i18n import _, n_
    from mentes_cli.plan.check import check_committed
    from mentes_cli.plan.commit import committed_plan

    loaded = load(data)
    committed = committed_plan(loaded.records)
    if committed is None:
        stdout.print(_("The records hold no committed visits."))
        return
    violations = [v.message for v in check_committed(loaded.records)]
    if not violations:
        stdout.print(
            _(
                "The committed visits break no rule ({visits}).",
                visits=n_("{count} visit", "{count} visits", len(committed.visits)),
            )
        )
        return
    stdout.print(n_("{count} violation:", "{count} violations:", len(violations)), soft_wrap=True)
    _print_violations(violations)
    raise typer.Exit(code=1)


def _check_outputs(
    *, output: Path | None, save: Path | None, keep: Path | None, force: bool, data: Path
) -> None:
    """Refuse, before any work, an output that exists (without --force) or is an input."""
    from mentes_cli.output import check_output_path

    inputs = [data, *([keep] if keep is not None else [])]
    if save is not None:
        check_output_path(save, force=force, inputs=inputs)
    if output is not None:
        check_output_path(output, force=force, inputs=inputs)
    if save is not None and output is not None and save.resolve() == output.resolve():
        raise UsageError(_("--save and --output name the same file"))


def _check_calendars(result: Plan, folder: Path, force: bool, inputs: list[Path]) -> None:
    """Refuse, before anything is written, calendars that exist (without --force)."""
    from mentes_cli.errors import OutputError
    from mentes_cli.export.ics import calendar_file_names
    from mentes_cli.output import check_output_path

    if folder.exists() and not folder.is_dir():
        raise OutputError(_("{path}: is a file; give a folder for the calendars", path=folder))
    if folder.is_dir():
        names = calendar_file_names(sorted({v.coach for v in result.visits}))
        for name in sorted(names.values()):
            check_output_path(folder / name, force=force, inputs=inputs)


def _notice_incomplete(result: Plan) -> None:
    """Say on stderr which trajects with kept visits cannot be completed (SPEC 5 rule 7)."""
    from mentes_cli.i18n import _
    from mentes_cli.plan.model import said

    for item in result.incomplete:
        _notice_wrapped(
            _(
                "Incomplete: {traject}: {kept} visits kept, {missing} missing: {reasons}",
                traject=item.traject,
                kept=item.visits_kept,
                missing=item.visits_missing,
                reasons="; ".join(said(reason) for reason in item.reasons),
            )
        )


def _print_incomplete(result: Plan) -> None:
    """Print the trajects whose kept visits cannot be completed, with their reasons."""
    if not result.incomplete:
        return
    _print_reasons(
        _("Incomplete (no visit moves; the missing ones have no valid day)"),
        [
            (
                _(
                    "{traject}: {kept}, {missing}",
                    traject=item.traject,
                    kept=n_("{count} visit kept", "{count} visits kept", item.visits_kept),
                    missing=n_("{count} missing", "{count} missing", item.visits_missing),
                ),
                item.reasons,
            )
            for item in result.incomplete
        ],
    )


def _print_unplanned(result: Plan, show_all: bool = False) -> None:
    """Print the trajects that could not be planned, each with its reasons (the first
    SHOWN_REASONS and how many more, unless `show_all`)."""
    items = []
    for item in result.unplanned:
        reasons = list(item.reasons)
        if len(reasons) > SHOWN_REASONS and not show_all:
            more = len(reasons) - SHOWN_REASONS
            reasons = [
                *reasons[:SHOWN_REASONS],
                n_(
                    "and {count} more reason (--all shows every one)",
                    "and {count} more reasons (--all shows every one)",
                    more,
                ),
            ]
        items.append((item.traject, reasons))
    if items:
        _print_reasons(_("Not planned"), items)


def _print_reasons(title: str, items: list[tuple[str, list[str]]]) -> None:
    """Print a title, then per traject its reasons as a list with a hanging indent.

    Each reason wraps between words at the terminal's width, its next lines under its first
    word; an id or a date is never broken (no break inside a word, nor at its hyphens).
    """
    from rich.text import Text

    from mentes_cli.cli.common import plain

    stdout.print(Text(title, style="italic"))
    for heading, reasons in items:
        stdout.print(plain(heading), markup=False, highlight=False, soft_wrap=True)
        for reason in reasons:
            _print_hanging(reason, "  - ")
    stdout.print()


def _print_violations(violations: list[str]) -> None:
    """Print the checker's violations, each wrapped with a hanging indent."""
    for violation in violations:
        _print_hanging(violation, "  ")


def _print_hanging(sentence: str, first: str) -> None:
    """Print a sentence in the reader's language, wrapped between words at the terminal's
    width after `first`, its next lines indented by four spaces; an id or a date is never
    broken (no break inside a word, nor at its hyphens)."""
    from mentes_cli.cli.common import plain
    from mentes_cli.plan.model import said

    text = _fill(
        plain(said(sentence)),
        max(40, stdout.width),
        initial_indent=first,
        subsequent_indent="    ",
    )
    stdout.print(text, markup=False, highlight=False, soft_wrap=True)


def _print_count(result: Plan) -> None:
    """Print how many trajects were planned, in how many visits, and how many not."""
    from mentes_cli.i18n import number

    # An incomplete traject is neither placed nor unplanned (SPEC 5 rule 7).
    placed = len(
        {v.traject for v in result.visits}
        - {i.traject for i in result.unplanned}
        - {i.traject for i in result.incomplete}
    )
    visit_count = sum(1 for v in result.visits if v.kind == "visit")
    stdout.print(
        _(
            "{planned} in {visits}; {unplanned}",
            planned=n_(
                "{shown} traject planned", "{shown} trajects planned", placed, shown=number(placed)
            ),
            visits=n_("{shown} visit", "{shown} visits", visit_count, shown=number(visit_count)),
            unplanned=n_(
                "{shown} not planned.",
                "{shown} not planned.",
                len(result.unplanned),
                shown=number(len(result.unplanned)),
            ),
        ),
        soft_wrap=True,
    )


def _print_summary(result: Plan, records: Records) -> None:
    """Print a large plan per coach: trajects, visits, hours, first and last day; then how to
    see every visit."""
    from rich import box

    from mentes_cli.cli.common import FitColumn, fitted_table
    from mentes_cli.i18n import day, number

    coach_names = {coach.id: coach.name for coach in records.coaches}
    per_coach: dict[str, list] = {}
    for visit in result.visits:
        per_coach.setdefault(visit.coach, []).append(visit)
    columns = [
        FitColumn(_("Coach")),
        FitColumn(_("Coach name"), give_way=1, wraps=True),
        FitColumn(_("Visits"), justify="right"),
        FitColumn(_("Hours"), justify="right"),
        FitColumn(_("First")),
        FitColumn(_("Last")),
    ]
    rows: list[list[str] | None] = []
    for coach_id in sorted(per_coach):
        visits = per_coach[coach_id]
        on_location = [v for v in visits if v.kind == "visit"]
        rows.append(
            [
                clean(coach_id),
                clean(coach_names.get(coach_id, "")),
                number(len(on_location)),
                number(sum(v.hours for v in visits)),
                day(min(v.date for v in visits)),
                day(max(v.date for v in visits)),
            ]
        )
    window = _("{start} to {end}", start=day(result.start), end=day(result.end))
    stdout.print(
        fitted_table(
            stdout,
            columns,
            rows,
            title=_("Plan {window}: per coach", window=window),
            box=box.SIMPLE_HEAD,
            title_justify="left",
            pad_edge=False,
        )
    )
    on_location = sum(1 for v in result.visits if v.kind == "visit")
    _print_wrapped(
        _(
            "{visits}: too many to list here, so this is a summary per coach. Every visit: "
            "add --all, or write them with --format csv, --format json or --output "
            "PLANNING.xlsx.",
            visits=n_("{shown} visit", "{shown} visits", on_location, shown=number(on_location)),
        )
    )
    stdout.print()


def _notice_moved(result: Plan, records: Records) -> None:
    """Say on stderr which kept visits moved because they now break a rule (with the coach
    it had before, "C-02→C-01", when another coach took its traject over)."""
    from mentes_cli import i18n
    from mentes_cli.i18n import _
    from mentes_cli.plan.model import said

    had = {
        (traject.id, visit.kind, visit.date): visit.coach
        for traject in records.trajects
        for visit in traject.visits
        if visit.state != "cancelled"
    }
    for item in result.moved:
        old_coach = had.get((item.traject, item.kind, item.old_date), item.coach)
        coach = item.coach if old_coach == item.coach else f"{old_coach}→{item.coach}"
        _notice_wrapped(
            _(
                "Moved: {traject} ({coach}) from {old} to {new}: the kept visit {reason}.",
                traject=item.traject,
                coach=coach,
                old=i18n.day(item.old_date),
                new=i18n.day(item.new_date),
                reason=said(item.reason),
            )
        )


# A plan not proved optimal: the budget this many times over is suggested. On the four sets of
# benchmarks/bench_optimize.py, the three proven optima the default budget (6) missed were
# reached and proved at 60 (tight-87, tight-89 and tight-116, 45 to 57 CPU seconds each).
LONGER = 10


def _optimality_line(result: Plan, budget: float) -> str | None:
    """Give the sentence on how good the plan is, from the exact step (None when it was off).
    Where it was not proved optimal, the sentence says how to search longer."""
    from mentes_cli.i18n import _, n_

    quality = result.optimality
    if quality is None or quality.trajects == 0:
        return None  # no approved traject to place (a re-plan of committed visits): nothing
    gained = quality.placed - quality.greedy
    better = (
        n_(
            " The exact step placed {count} more traject than the greedy plan.",
            " The exact step placed {count} more trajects than the greedy plan.",
            gained,
        )
        if gained > 0
        else ""
    )
    if quality.status == "optimal" and quality.placed == quality.trajects:
        return n_("Optimal: the {count} traject is placed.",
                  "Optimal: all {count} trajects are placed.", quality.trajects)  # fmt: skip
    if quality.status == "optimal":
        # Proved by CP-SAT, or no traject left out has a schedule even alone.
        return n_(
            "Optimal: no plan places more of this {count} traject than this one.{better}",
            "Optimal: no plan places more of these {count} trajects than this one.{better}",
            quality.trajects,
            better=better,
        )
    if quality.status == "bound":
        more = quality.more_possible or 0
        return (
            n_(
                "Not proved optimal: at most {count} more traject could be placed (CP-SAT's "
                "bound).",
                "Not proved optimal: at most {count} more trajects could be placed (CP-SAT's "
                "bound).",
                more,
            )
            + better
            + _(
                " A longer search may place more: --optimize {seconds}.",
                # as typed on the command line, not as the language writes a number
                seconds=str(max(1, round(budget * LONGER))),
            )
        )
    if quality.status == "partial":
        return _(
            "Optimality not proved for the whole problem: the model covered every traject, "
            "coach and day except that {what}.{better}",
            what=quality.covered,
            better=better,
        )
    if quality.status == "skipped":
        return _(
            "Optimality check skipped: its model was {what}; this is the greedy plan.",
            what=quality.covered,
        )
    if quality.status == "not installed":
        return _(
            'The optimality check is not installed (pip install "mentes[optimize]"); this is '
            "the greedy plan."
        )
    return _("The optimality check found no answer within its budget; this is the greedy plan.")


def _make(records: Records, first: date, last: date, kept, settings, budget: float) -> Plan:
    from mentes_cli.plan.planner import make_plan

    if not is_interactive():
        return make_plan(
            records, start=first, end=last, kept=kept, settings=settings, optimize=budget
        )
    from rich.progress import BarColumn, Progress, TextColumn

    from mentes_cli.i18n import number

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        # The console itself: Rich's live display uses it as a context manager. The bar
        # leaves sys.stdout and sys.stderr alone, so that --debug can print a traceback.
        console=stderr.real,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task(_("Planning"), total=None, count="")

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, count=f"{done}/{total}")

        def exact(seconds: float) -> None:
            # the exact step may take its whole budget: a moving bar, not a full one that
            # seems to hang. A task of its own: Rich's update() keeps a total it was given
            # (None means "unchanged"), and a task without a total pulses.
            bar.update(task, visible=False)
            bar.add_task(
                _("Exact step"),
                total=None,
                count=_("up to about {seconds} s", seconds=number(seconds)),
            )

        return make_plan(
            records,
            start=first,
            end=last,
            kept=kept,
            settings=settings,
            progress=progress,
            optimize=budget,
            exact=exact,
        )


# What a schedule workbook or a calendar starts with: a zip archive (.xlsx), an old Excel
# file, or an iCalendar file. None of them is a saved plan.
_NOT_A_SAVED_PLAN = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"BEGIN:VCALENDAR")


def _check(path: Path, data: Path | None) -> None:
    """Check a plan saved with --save against the records; exit 1 when it breaks a rule."""
    from mentes_cli.i18n import _
    from mentes_cli.plan.check import check_plan
    from mentes_cli.plan.store import read_plan
    from mentes_cli.reference import open_regular

    try:
        with open_regular(path) as file:  # a pipe is refused, never waited on
            start = file.read(16)
    except OSError:
        start = b""  # read_plan says what is wrong with the path
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods", ".ics") or start.startswith(
        _NOT_A_SAVED_PLAN
    ):
        raise UsageError(
            _(
                "--check {path}: this is not a saved plan; --check reads the TOML file that "
                "`mentes plan --save PLAN.toml` writes (the schedule workbook and the "
                "calendars are for people)",
                path=path,
            )
        )
    loaded = load(data)
    saved = read_plan(path)
    violations = check_plan(saved, loaded.records)
    if not violations:
        stdout.print(
            n_(
                "{path}: no violations ({count} visit checked).",
                "{path}: no violations ({count} visits checked).",
                len(saved.visits),
                path=clean(path),
            ),
            soft_wrap=True,
        )
        return
    stdout.print(
        n_(
            "{path}: {count} violation:",
            "{path}: {count} violations:",
            len(violations),
            path=clean(path),
        ),
        soft_wrap=True,
    )
    _print_violations(violations)
    raise typer.Exit(code=1)


def _print_tables(result: Plan, records: Records) -> None:
    """Print the plan's trajects, its visits week by week, and what was not planned.

    The tables fit the terminal: ids, dates and hours are never cut; names wrap, and give way
    (left out) first when the terminal is narrow, then the columns the other table repeats.
    """
    from rich import box

    from mentes_cli.cli.common import FitColumn, fitted_table, short_weekday
    from mentes_cli.i18n import _, day, number

    trajects = {t.id: t for t in records.trajects}
    coach_names = {coach.id: coach.name for coach in records.coaches}
    location_names = {loc.id: loc.name for _org, loc in records.locations()}
    by_traject: dict[str, list] = {}
    for visit in result.visits:
        by_traject.setdefault(visit.traject, []).append(visit)
    window = _("{start} to {end}", start=day(result.start), end=day(result.end))
    layout = {"box": box.SIMPLE_HEAD, "title_justify": "left", "pad_edge": False}

    summary_columns = [
        FitColumn(_("Traject")),
        FitColumn(_("Offer"), give_way=3),
        FitColumn(_("Location"), give_way=4),
        FitColumn(_("Location name"), give_way=2, wraps=True),
        FitColumn(_("Coach"), give_way=5),
        FitColumn(_("Coach name"), give_way=1, wraps=True),
        FitColumn(_("Days"), give_way=6, justify="right"),
        FitColumn(_("Hours"), justify="right"),
        FitColumn(_("First")),
        FitColumn(_("Last")),
    ]
    summary_rows: list[list[str] | None] = []
    for traject_id in sorted(by_traject, key=lambda t: (by_traject[t][0].date, t)):
        visits = [v for v in by_traject[traject_id] if v.kind == "visit"]
        if not visits:
            continue
        first = visits[0]
        summary_rows.append(
            [
                clean(traject_id),
                clean(trajects[traject_id].offer) if traject_id in trajects else "?",
                clean(first.location),
                clean(location_names.get(first.location, "")),
                clean(first.coach),
                clean(coach_names.get(first.coach, "")),
                str(len(visits)),
                number(sum(v.hours for v in visits)),
                day(first.date),
                day(visits[-1].date),
            ]
        )
    stdout.print(
        fitted_table(
            stdout,
            summary_columns,
            summary_rows,
            title=_("Plan {window}: trajects", window=window),
            **layout,
        )
    )

    numbers: dict[int, str] = {}
    for visits in by_traject.values():
        on_location = [v for v in visits if v.kind == "visit"]
        for n, visit in enumerate(on_location, start=1):
            numbers[id(visit)] = _("{number} of {count}", number=n, count=len(on_location))
        for visit in visits:
            if visit.kind == "intake":
                numbers[id(visit)] = _("intake call")
    visit_columns = [
        FitColumn(_("Date")),
        FitColumn(_("Day"), give_way=4),
        FitColumn(_("Time"), give_way=5),
        FitColumn(_("Coach")),
        FitColumn(_("Coach name"), give_way=1, wraps=True),
        FitColumn(_("Location"), give_way=3),
        FitColumn(_("Location name"), give_way=2, wraps=True),
        FitColumn(_("Traject")),
        FitColumn(_("Visit"), give_way=6),
        FitColumn(_("Hours"), justify="right"),
    ]
    visit_rows: list[list[str] | None] = []
    week = None
    for visit in result.visits:
        label = visit.date.isocalendar()[:2]
        if week is not None and label != week:
            visit_rows.append(None)
        week = label
        visit_rows.append(
            [
                day(visit.date),
                short_weekday(visit.date),
                f"{visit.start}-{visit.end}",
                clean(visit.coach),
                clean(coach_names.get(visit.coach, "")),
                clean(visit.location),
                clean(location_names.get(visit.location, "")),
                clean(visit.traject),
                numbers[id(visit)],
                number(visit.hours),
            ]
        )
    stdout.print(
        fitted_table(
            stdout,
            visit_columns,
            visit_rows,
            title=_("Plan {window}: visits by week", window=window),
            **layout,
        )
    )


def _changes(records: Records, result: Plan) -> list | None:
    """Give what the plan changes in the committed visits (SPEC 9), or None without any."""
    from mentes_cli.plan.changes import has_committed, plan_changes

    return plan_changes(records, result) if has_committed(records) else None


def _print_changes(changes: list, records: Records) -> None:
    """Print the committed visits the plan changes: per location, then a count per coach.

    Ids and dates are never cut; names give way first when the terminal is narrow.
    """
    from rich import box

    from mentes_cli.cli.common import FitColumn, fitted_table
    from mentes_cli.i18n import _, day

    if not changes:
        stdout.print(_("No committed visit changes."))
        return
    from mentes_cli.i18n import p_
    from mentes_cli.plan.changes import (
        change_header,
        change_word,
        change_words,
        is_handover,
        number_words,
    )

    words = {kind: change_word(kind) for kind in ("new", "moved", "cancelled")}
    location_names = {loc.id: loc.name for _org, loc in records.locations()}
    coach_names = {coach.id: coach.name for coach in records.coaches}
    layout = {"box": box.SIMPLE_HEAD, "title_justify": "left", "pad_edge": False}
    # Short headers (Locatie, Wijziging), so that at 80 columns only the location's name gives
    # way and the visit's number (3 → 2 after a renumbering) stays, in both languages.
    columns = [
        FitColumn(p_("short column header", "Location")),
        FitColumn(_("Location name"), give_way=1, wraps=True),
        FitColumn(_("Coach")),
        FitColumn(_("Traject")),
        FitColumn(_("Visit"), give_way=2),
        FitColumn(change_header()),
        FitColumn(_("Old")),
        FitColumn(_("New")),
    ]
    rows: list[list[str] | None] = []
    location = None
    for change in changes:
        if location is not None and change.location != location:
            rows.append(None)
        location = change.location
        coach = clean(change.coach)
        if change.old_coach:
            coach = f"{clean(change.old_coach)}→{coach}"
        # A hand-over keeps its day: the day once, under Old (not "moved 04/01 → 04/01").
        handover = is_handover(change)
        rows.append(
            [
                clean(change.location),
                clean(location_names.get(change.location, "")),
                coach,
                clean(change.traject),
                number_words(change),
                change_words(change),
                day(change.old_date) if change.old_date else "",
                day(change.new_date) if change.new_date and not handover else "",
            ]
        )
    stdout.print(fitted_table(stdout, columns, rows, title=_("What changed"), **layout))
    per_coach: dict[str, dict[str, int]] = {}
    for change in changes:
        counts = per_coach.setdefault(change.coach, {"new": 0, "moved": 0, "cancelled": 0})
        if change.old_coach:
            had = per_coach.setdefault(change.old_coach, {"new": 0, "moved": 0, "cancelled": 0})
        if change.old_coach:
            # As each coach's calendar has it: a visit handed over (on its day or another)
            # is new to the coach who takes it over, and gone from the one who had it.
            counts["new"] += 1
            had["cancelled"] += 1
        else:
            counts[change.change] += 1
    coach_columns = [
        FitColumn(_("Coach")),
        FitColumn(_("Coach name"), give_way=1, wraps=True),
        FitColumn(words["new"], justify="right"),
        FitColumn(words["moved"], justify="right"),
        FitColumn(words["cancelled"], justify="right"),
    ]
    coach_rows: list[list[str] | None] = [
        [
            clean(coach),
            clean(coach_names.get(coach, "")),
            str(counts["new"]),
            str(counts["moved"]),
            str(counts["cancelled"]),
        ]
        for coach, counts in sorted(per_coach.items())
    ]
    stdout.print(
        fitted_table(stdout, coach_columns, coach_rows, title=_("What changed per coach"), **layout)
    )
