"""`mentes quote`: price a paid package, for a location when asked, and write the offerte."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mentes_cli.cli import app
from mentes_cli.cli.common import (
    AsOfOption,
    DataOption,
    ForceOption,
    clean,
    handle_errors,
    load,
    notice,
    stdout,
    use_reference_data,
)
from mentes_cli.errors import UsageError
from mentes_cli.i18n import _

if TYPE_CHECKING:
    from decimal import Decimal

    from mentes_cli.quote import Guidance, Quote
    from mentes_cli.tariffs import Package


class QuoteFormat(StrEnum):
    """How a quote is printed: a Rich table for people, JSON for scripts."""

    table = "table"
    json = "json"


@app.command()
@handle_errors
def quote(
    traject: Annotated[
        str | None,
        typer.Option(
            "--traject",
            help="Package code: A, B, C, D, basis or vervolg (any case). A free offer's code "
            "(bvv-basis, bvv-vervolg, coaching) or 'op maat' says whom to ask instead.",
            show_default=False,
        ),
    ] = None,
    list_packages: Annotated[
        bool, typer.Option("--list", help="Show every paid package side by side.")
    ] = False,
    location: Annotated[
        str | None,
        typer.Option(
            "--location",
            help="Quote for this location (its id): checks the paid scope, warns when a free "
            "offer applies, and suggests the package that fits its size.",
            show_default=False,
        ),
    ] = None,
    for_name: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="Without --location: the organiser (or person) the offerte is for; fills "
            "its Voor block.",
            show_default=False,
        ),
    ] = None,
    email: Annotated[
        str | None,
        typer.Option("--email", help="With --for: their e-mail address.", show_default=False),
    ] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[
        QuoteFormat,
        typer.Option("--format", help="table for people; json for scripts (stdout only)."),
    ] = QuoteFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Write a print-ready offerte (Dutch, one A4 page) to this .xlsx file.",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    data: DataOption = None,
) -> None:
    """Quote a paid package: line items, hours, total price and price per contact hour."""
    from mentes_cli.quote import make_quote, request_for

    day: date = as_of or date.today()
    if list_packages:
        if traject or location or output:
            raise UsageError(
                "--list shows the price list; use it without --traject, --location and --output"
            )
        use_reference_data(data)
        _print_list(day, output_format)
        return
    if not traject:
        raise UsageError("give --traject CODE (A, B, C, D, basis, vervolg) or --list")
    for_name, email = _recipient(for_name, email, location)
    if output is not None and output.suffix.lower() != ".xlsx":
        raise UsageError(f"--output {output}: the offerte is a workbook; end the name in .xlsx")
    source = use_reference_data(data).path
    request = request_for(traject, day)
    if not isinstance(request, str):
        _print_guidance(request, output_format, output)
        return
    if output is not None:
        from mentes_cli.output import check_output_path

        check_output_path(output, force=force, inputs=[source])
    records = load(data).records if location is not None else None
    result = make_quote(
        request,
        as_of=day,
        records=records,
        location_id=location,
        for_name=for_name,
        for_email=email,
    )
    for warning in result.warnings:
        notice(f"Warning: {warning}")
    if result.suggestion and result.suggestion.code != result.traject:
        notice(_suggestion_text(result))
    if output_format is QuoteFormat.json:
        from mentes_cli import textout
        from mentes_cli.quote import quote_json

        typer.echo(textout.json_text(quote_json(result)))
    else:
        _print_quote(result)
    if output is not None:
        from mentes_cli.export.offerte import write_offerte

        write_offerte(result, output)
        notice(f"Offerte {result.number} written to {output}")


def _recipient(
    name: str | None, email: str | None, location: str | None
) -> tuple[str | None, str | None]:
    """Give --for and --email checked: --for only without --location, --email only with
    --for and a real address; record-like text is made one line."""
    from mentes_cli.export.eml import address, header_text

    if name is not None and location is not None:
        raise UsageError(
            _("--for names whom the offerte is for without records; drop it or --location")
        )
    if email is not None and name is None:
        raise UsageError(_("--email goes with --for NAME"))
    if name is not None:
        name = header_text(name)
        if not name:
            raise UsageError(_("--for needs a name"))
    if email is not None:
        found = address("", email)
        if found is None:
            raise UsageError(_("--email {email}: not an e-mail address", email=email))
        email = found.addr_spec
    return name, email


def _money(amount: Decimal) -> str:
    from mentes_cli.i18n import money

    return money(amount)


def _hours(hours: Decimal) -> str:
    from mentes_cli.i18n import _, number

    return _("{hours} h", hours=number(hours))


def _suggestion_text(result: Quote) -> str:
    suggestion = result.suggestion
    assert suggestion is not None and result.location is not None
    low, high = suggestion.band
    return (
        f"Suggestion: {result.location.id} has {suggestion.places} places; traject "
        f"{suggestion.code} is the package for {low}-{high} places (size bands in "
        f"tariffs.toml, an assumption)."
    )


_LINE_NAMES = {
    "intake": "Intake call (phone)",
    "day": "Days on location (coaching on the floor)",
    "contact_moment": "Contact moments on location",
}


def _print_quote(result: Quote) -> None:
    from rich.table import Table

    package = result.package
    stdout.print(
        f"Quote {result.number}: traject {package.code}, {clean(package.name)}", soft_wrap=True
    )
    stdout.print(
        f"Date {result.as_of.isoformat()}, valid until {result.valid_until.isoformat()}; "
        f"price list of {package.valid_from.isoformat()}",
        soft_wrap=True,
    )
    if result.location is not None:
        loc = result.location
        where = " ".join(p for p in (loc.postcode, loc.municipality) if p)
        if loc.district and loc.district != loc.municipality:
            where += f" (district {loc.district})"
        stdout.print(
            f"For {clean(loc.name)} ({clean(loc.id)}, {clean(where)}, {loc.places} places) "
            f"of {clean(loc.organisation_name)} ({clean(loc.organisation_id)})",
            soft_wrap=True,
        )
    table = Table(show_footer=True)
    table.add_column("Item", footer="Hours on location")
    table.add_column("Count", justify="right")
    table.add_column("Hours each", justify="right")
    table.add_column("Hours", justify="right", footer=_hours(result.contact_hours))
    for line in result.lines:
        table.add_row(
            _LINE_NAMES[line.kind], str(line.count), _hours(line.hours), _hours(line.total_hours)
        )
    stdout.print(table)
    stdout.print(f"Days on location: {result.days}")
    stdout.print(f"Total price: {_money(result.total_eur)}")
    stdout.print(f"Price per contact hour: {_money(result.price_per_contact_hour)}")
    if package.includes:
        stdout.print(f"Includes: {clean(', '.join(package.includes))}", soft_wrap=True)


def _print_list(day: date, output_format: QuoteFormat) -> None:
    from rich import box

    from mentes_cli.quote import package_json
    from mentes_cli.tariffs import packages_at

    packages = packages_at(day)
    if output_format is QuoteFormat.json:
        listing = {"as_of": day.isoformat(), "packages": [package_json(p) for p in packages]}
        from mentes_cli import textout

        typer.echo(textout.json_text(listing))
        return
    from mentes_cli.cli.common import FitColumn, fitted_table

    # Figures never wrap; when the terminal is narrow the size bands, then the intake call,
    # then the price per hour give way (the quote of one package shows them all).
    columns = [
        FitColumn("Traject"),
        FitColumn("Intake", give_way=2, justify="right"),
        FitColumn("Days on location"),
        FitColumn("Hours", justify="right"),
        FitColumn("Price", justify="right"),
        FitColumn("Per hour", give_way=3, justify="right"),
        FitColumn("Places*", give_way=1, justify="right"),
    ]
    rows: list[list[str] | None] = [
        [
            package.code,
            _hours(package.intake_hours) if package.intake_hours else "-",
            f"{package.days}: {_visits(package)}",
            _hours(package.contact_hours),
            _money(package.price_eur),
            _money(package.price_per_contact_hour),
            _band(package.size_band_places),
        ]
        for package in packages
    ]
    table = fitted_table(
        stdout,
        columns,
        rows,
        title=f"Paid packages as of {day.isoformat()}",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    stdout.print(table)
    stdout.print(
        "A-D: pedagogical coaching in the Antwerp districts; basis, vervolg: regional support "
        "(BVV) in Groot-Antwerpen. Prices include preparation, travel time and travel costs.\n"
        "* Places: the location size each package suits (an assumption in tariffs.toml).",
        soft_wrap=True,
    )


def _visits(package: Package) -> str:
    from mentes_cli.i18n import number

    return " + ".join(f"{b.count}×{number(b.hours)}h" for b in package.visits)


def _band(band: tuple[int, int] | None) -> str:
    if band is None:
        return "-"
    return f"{band[0]}+" if band[1] >= 9999 else f"{band[0]}-{band[1]}"


def _print_guidance(guidance: Guidance, output_format: QuoteFormat, output: Path | None) -> None:
    if output is not None:
        notice(f"Nothing written to {output}: there is no price to put on an offerte.")
    if output_format is QuoteFormat.json:
        from mentes_cli import textout
        from mentes_cli.quote import guidance_json

        typer.echo(textout.json_text(guidance_json(guidance)))
    else:
        stdout.print(guidance.message, markup=False, soft_wrap=True)
