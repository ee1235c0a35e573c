"""`mentes report`: what the network can do — supply, booked, due, reach, waiting, what-if."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mentes_cli.cli import app
from mentes_cli.cli.common import (
    DataOption,
    ForceOption,
    clean,
    describe_source,
    handle_errors,
    load,
    notice,
    parse_date,
    stdout,
)
from mentes_cli.errors import UsageError
from mentes_cli.i18n import _, day, n_

if TYPE_CHECKING:
    from mentes_cli.report import Period, Report

# A period longer than this is a typo, not a report (and would take long).
MAX_PERIOD_YEARS = 10


class ReportFormat(StrEnum):
    """A Rich summary for people, or JSON for scripts."""

    table = "table"
    json = "json"


class Role(StrEnum):
    """Pedagogical coaches or regional supporters."""

    coach = "coach"
    support = "support"


def _number(value: str | None, option: str) -> float | None:
    """Give the number of an option value, with a decimal comma or point (0,8 or 0.8)."""
    if value is None:
        return None
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        raise UsageError(
            _("{option} {value!r} is not a number", option=option, value=value)
        ) from None
    if not 0 < number < 10_000:
        raise UsageError(
            _(
                "{option} must be more than 0 and less than 10000, got {value}",
                option=option,
                value=value,
            )
        )
    return number


def _period(first: date | None, last: date | None, year: int | None) -> Period:
    from mentes_cli.report import Period, year_period

    if year is not None:
        if first is not None or last is not None:
            raise UsageError(_("give --year or --from and --to, not both"))
        return year_period(year)
    if first is None and last is None:
        return year_period(date.today().year)
    if first is None or last is None:
        raise UsageError(_("give both --from and --to (or --year)"))
    if last < first:
        raise UsageError(_("--to {to} is before --from {start}", to=day(last), start=day(first)))
    if last.year - first.year > MAX_PERIOD_YEARS:
        raise UsageError(
            _(
                "the period is longer than {years} years; choose a shorter one",
                years=MAX_PERIOD_YEARS,
            )
        )
    return Period(first, last)


@app.command(
    "report",
    help=_("Show what the network can do: supply, booked, due, reach and waiting."),
)
@handle_errors
def report(
    data: DataOption = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar=_("DATE"),
            callback=parse_date,
            help=_("First day of the period; with --to."),
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar=_("DATE"),
            callback=parse_date,
            help=_("Last day of the period; PRIOR and scopes are judged on it."),
            show_default=False,
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            metavar=_("YYYY"),
            min=1901,
            max=2997,
            help=_("The calendar year as the period. Default: this year."),
            show_default=False,
        ),
    ] = None,
    with_plan: Annotated[
        bool,
        typer.Option(
            "--plan",
            help=_("Count the plan of the approved trajects (fast planner) as booked."),
        ),
    ] = False,
    output_format: Annotated[
        ReportFormat,
        typer.Option("--format", help=_("table for people; json for scripts (stdout only).")),
    ] = ReportFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar=_("FILE.xlsx"),
            help=_("Also write the report workbook (.xlsx) with charts."),
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            metavar=_("FILE"),
            help=_("What if: another rules.toml; shows which locations change PRIOR status."),
            show_default=False,
        ),
    ] = None,
    extra_fte: Annotated[
        str | None,
        typer.Option(
            "--extra-fte",
            metavar="N",
            help=_("What if: N FTE more of --role, Monday to Friday, every area, no leave."),
            show_default=False,
        ),
    ] = None,
    role: Annotated[
        Role | None,
        typer.Option(
            "--role", help=_("The role of --extra-fte: coach or support."), show_default=False
        ),
    ] = None,
    weekly_hours: Annotated[
        str | None,
        typer.Option(
            "--weekly-hours",
            metavar="H",
            help=_(
                "What if: contact hours per FTE a week instead of the centre's planning setting."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show what the network can do: supply, booked, due, reach and waiting (SPEC 10)."""
    from mentes_cli.report import WhatIf, make_report

    period = _period(start, end, year)  # type: ignore[arg-type]  # parse_date gives dates
    extra = _number(extra_fte, "--extra-fte")
    hours = _number(weekly_hours, "--weekly-hours")
    if hours is not None and hours > 168:
        raise UsageError(_("--weekly-hours must be at most 168, got {value}", value=weekly_hours))
    if extra is not None and role is None:
        raise UsageError(_("--extra-fte needs --role coach or --role support"))
    if role is not None and extra is None:
        raise UsageError(_("--role goes with --extra-fte N"))
    if output is not None and output.suffix.lower() != ".xlsx":
        raise UsageError(
            _("--output {path}: the report is a workbook; end the name in .xlsx", path=output)
        )
    if rules is not None and not rules.is_file():
        if rules.exists() and not rules.is_dir():  # a pipe or a device: refused, not read
            from mentes_cli.reference import special_file_message

            raise UsageError(special_file_message(f"--rules {rules}"))
        raise UsageError(_("--rules {path}: no such file", path=rules))
    loaded = load(data)
    if output is not None:
        from mentes_cli.output import check_output_path

        inputs = [loaded.source.path] + ([rules] if rules is not None else [])
        check_output_path(output, force=force, inputs=inputs)
    what_if = WhatIf(
        rules=str(rules) if rules is not None else None,
        extra_fte=extra or 0.0,
        role=role.value if role is not None else None,
        weekly_hours=hours,
    )
    result = make_report(loaded.records, period, with_plan=with_plan, what_if=what_if)
    if output_format is ReportFormat.json:
        from mentes_cli.report.to_json import report_json

        typer.echo(report_json(result))
    else:
        show(result)
    if output is not None:
        from mentes_cli.export.report_xlsx import write_report
        from mentes_cli.report.demand import area_of

        locations = loaded.records.locations()
        write_report(
            output,
            result,
            source=_("Records: {source}", source=describe_source(loaded.source)),
            names={loc.id: loc.name for _org, loc in locations},
            areas={loc.id: area_of(loc) for _org, loc in locations},
        )
        notice(_("Report written to {path}", path=output))


# --- the terminal ---------------------------------------------------------------------------


def quarter(hours: float) -> str:
    """Give hours rounded to the quarter hour, as the language writes numbers."""
    from mentes_cli.i18n import number

    return number(round(hours * 4) / 4, 2)


def whole(value: float) -> str:
    from mentes_cli.i18n import number

    return number(value, 0)


def signed(value: int) -> str:
    from mentes_cli.i18n import number

    return ("+" if value > 0 else "") + number(value, 0)


def answer_rows(result: Report) -> list[tuple[str, list[str]]]:
    """Give the rows of the answer: per family (base, then variant) the figures as text."""
    from mentes_cli.report import FAMILIES

    variants = [False] + ([True] if result.variant is not None else [])
    answers = [result.answer(family, variant) for family in FAMILIES for variant in variants]
    return [
        (_("Hours not yet booked"), [quarter(a.free_hours) for a in answers]),
        (_("Trajects the team can still give"), [whole(a.can_give) for a in answers]),
        (_("Trajects due"), [whole(a.due) for a in answers]),
        (_("Gap (due − can give)"), [signed(a.gap) for a in answers]),
    ]


def show(result: Report) -> None:
    """Print the one-screen summary: the answer first, then hours per month, reach, waiting."""
    from rich import box
    from rich.table import Table

    from mentes_cli.i18n import day, number
    from mentes_cli.report import FAMILIES
    from mentes_cli.report.model import FAMILY_OF_ROLE, SHOWN_ROLES
    from mentes_cli.report.words import (
        due_words,
        family_name,
        month_label,
        percent,
        short_name,
    )

    period = result.period
    variant = result.variant
    stdout.print(
        _(
            "What the network can do, {start} to {end}",
            start=day(period.first),
            end=day(period.last),
        ),
        style="bold",
    )
    answer = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    answer.add_column("", overflow="fold", ratio=1)
    for family in FAMILIES:
        short = short_name(family)
        if variant is None:
            answer.add_column(short, justify="right", no_wrap=True)
        else:
            answer.add_column(short, justify="right", no_wrap=True)
            answer.add_column(_("variant"), justify="right", no_wrap=True)
    for label, cells in answer_rows(result):
        answer.add_row(label, *cells)
    stdout.print(answer)
    stdout.print(
        _(
            "Can give: the hours not yet booked divided by the hours of one traject "
            "({coaching} h per {coaching_offer} traject, {bvv} h per {bvv_offer} traject). Due: "
            "PRIOR locations in the free scope that may have a free traject in the period and "
            "have none yet.",
            **due_words(result),
        )
    )

    months = Table(
        title=_("Contact hours per month"), box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1)
    )
    labels = {month: month_label(month) for month in period.months()}
    months.add_column(_("Month"), no_wrap=True, min_width=max(map(len, labels.values())))
    for role in SHOWN_ROLES:
        # Two-line headers keep every figure whole at 80 columns, variant columns included.
        # The family's short name: the role's name is too long for a column at 80 columns.
        months.add_column(
            _("{role}\nsupply", role=short_name(FAMILY_OF_ROLE[role])),
            justify="right",
            no_wrap=True,
        )
        months.add_column(_("booked"), justify="right", no_wrap=True)
        if variant is not None:
            months.add_column(_("variant\nsupply"), justify="right", no_wrap=True)
    for month in period.months():
        cells = [labels[month]]
        for role in SHOWN_ROLES:
            cells.append(quarter(result.supply.roles[role].months[month]))
            cells.append(quarter(result.booked.roles[role].months[month]))
            if variant is not None:
                cells.append(quarter(variant.supply.roles[role].months[month]))
        months.add_row(*cells)
    totals = [_("Total")]
    for role in SHOWN_ROLES:
        totals.append(quarter(result.supply.roles[role].total))
        totals.append(quarter(result.booked.roles[role].total))
        if variant is not None:
            totals.append(quarter(variant.supply.roles[role].total))
    months.add_row(*totals, style="bold")
    stdout.print(months)
    if result.booked.plan:
        placed = result.booked.planned_trajects
        unplaced = result.booked.unplanned_trajects
        stdout.print(
            n_(
                "Booked includes the plan of {count} approved traject",
                "Booked includes the plan of {count} approved trajects",
                placed,
            )
            + "; "
            + n_("{count} could not be placed.", "{count} could not be placed.", unplaced)
        )

    stdout.print(_("Reach on {day}", day=day(period.last)), style="bold")
    for family in FAMILIES:
        total = result.reach[family].total
        line = n_(
            "{family}: {reached} of {locations} PRIOR location ({share})",
            "{family}: {reached} of {locations} PRIOR locations ({share})",
            total.locations,
            family=family_name(family),
            reached=number(total.reached, 0),
            locations=number(total.locations, 0),
            share=percent(total.share),
        )
        if variant is not None and variant.what_if.rules is not None:
            other = variant.reach[family].total
            line += "; " + _(
                "variant: {reached} of {locations}",
                reached=number(other.reached, 0),
                locations=number(other.locations, 0),
            )
        stdout.print(line)

    stdout.print(_("Waiting (days from request to start)"), style="bold")
    for family in FAMILIES:
        figure = result.waiting[family]
        if figure.waits:
            waits = n_(
                "median {median}, 90th percentile {p90} of {count} started",
                "median {median}, 90th percentile {p90} of {count} started",
                len(figure.waits),
                median=figure.median_days,
                p90=figure.p90_days,
            )
        else:
            waits = _("none started in the period")
        oldest = (
            n_(
                "; {open} open, the oldest {count} day",
                "; {open} open, the oldest {count} days",
                figure.open[0].age_days,
                open=len(figure.open),
            )
            if figure.open
            else _("; none open")
        )
        stdout.print(f"{family_name(family)}: {waits}{oldest}")

    if variant is not None:
        show_variant(result)


def show_variant(result: Report) -> None:
    """Print what the variant is and, for --rules, the locations whose PRIOR status changes."""
    from mentes_cli.i18n import number
    from mentes_cli.report.words import role_name

    variant = result.variant
    assert variant is not None
    what = variant.what_if
    parts = []
    if what.rules is not None:
        parts.append(_("rules from {path}", path=clean(what.rules)))
    if what.extra_fte:
        parts.append(
            _(
                "{fte} FTE more {role}",
                fte=number(what.extra_fte, 2),
                role=role_name(what.role or "coach").lower(),
            )
        )
    if what.weekly_hours is not None:
        parts.append(_("{hours} contact hours per FTE a week", hours=number(what.weekly_hours)))
    stdout.print(_("Variant: {what}", what="; ".join(parts)), style="bold")
    if what.rules is None:
        return
    became = [c.location for c in variant.prior_changes if c.variant]
    stopped = [c.location for c in variant.prior_changes if not c.variant]
    shown = 30
    for ids, text in (
        (became, _("Become PRIOR ({count})", count=len(became))),
        (stopped, _("No longer PRIOR ({count})", count=len(stopped))),
    ):
        listed = ", ".join(ids[:shown])
        if len(ids) > shown:
            listed += ", " + _("and {count} more", count=len(ids) - shown)
        stdout.print(f"{text}: {listed or '—'}", markup=False)
