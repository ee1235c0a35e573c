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
from mentes_cli.i18n import _, n_, said

if TYPE_CHECKING:
    from decimal import Decimal

    from mentes_cli.quote import Guidance, Quote
    from mentes_cli.tariffs import Package


class QuoteFormat(StrEnum):
    """How a quote is printed: a Rich table for people, JSON for scripts."""

    table = "table"
    json = "json"


@app.command(
    help=_("Quote a paid package: line items, hours, total price and price per contact hour."),
    short_help=_("Quote a paid package: items, hours and price."),
)
@handle_errors
def quote(
    traject: Annotated[
        str | None,
        typer.Option(
            "--traject",
            help=_(
                "The code of a paid package, in any case (--list shows them). The code of a "
                "free offer, or 'op maat', tells you whom to ask instead."
            ),
            show_default=False,
        ),
    ] = None,
    list_packages: Annotated[
        bool, typer.Option("--list", help=_("Show every paid package side by side."))
    ] = False,
    location: Annotated[
        str | None,
        typer.Option(
            "--location",
            help=_(
                "Quote for this location (its id): checks where the package is sold, warns "
                "when a free offer applies, and suggests the package that fits its size."
            ),
            show_default=False,
        ),
    ] = None,
    for_name: Annotated[
        str | None,
        typer.Option(
            "--for",
            help=_(
                "Without --location: the organiser (or person) the offerte is for; fills in "
                "its block For."
            ),
            show_default=False,
        ),
    ] = None,
    email: Annotated[
        str | None,
        typer.Option("--email", help=_("With --for: their e-mail address."), show_default=False),
    ] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[
        QuoteFormat,
        typer.Option("--format", help=_("table for people; json for scripts (stdout only).")),
    ] = QuoteFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help=_(
                "Write a print-ready offerte (one A4 page, in the chosen language) to this "
                ".xlsx file."
            ),
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    data: DataOption = None,
) -> None:
    """Quote a paid package: line items, hours, total price and price per contact hour."""
    from mentes_cli.quote import free_offer_notice, make_quote, request_for

    day: date = as_of or date.today()
    if list_packages:
        if traject or location or output:
            raise UsageError(
                _("--list shows the price list; use it without --traject, --location and --output")
            )
        use_reference_data(data)
        _print_list(day, output_format)
        return
    if not traject:
        from mentes_cli.offers import catalogue

        raise UsageError(
            _("give --traject CODE ({codes}) or --list", codes=", ".join(catalogue().paid_codes()))
        )
    for_name, email = _recipient(for_name, email, location)
    if output is not None and output.suffix.lower() != ".xlsx":
        raise UsageError(
            _("--output {path}: the offerte is a workbook; end the name in .xlsx", path=output)
        )
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
    if result.free_entitlement is not None and result.location is not None:
        warning = free_offer_notice(result.location, result.free_entitlement)
        notice(_("Warning: {warning}", warning=warning))
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
        notice(_("Quote {number} written to {path}", number=result.number, path=output))


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
    from mentes_cli.i18n import number

    return _("{hours} h", hours=number(hours))


def _suggestion_text(result: Quote) -> str:
    suggestion = result.suggestion
    assert suggestion is not None and result.location is not None
    low, high = suggestion.band
    return n_(
        "Suggestion: {location} has {count} place; traject {code} is the package for "
        "{low}-{high} places (the price list's sizes, an assumption).",
        "Suggestion: {location} has {count} places; traject {code} is the package for "
        "{low}-{high} places (the price list's sizes, an assumption).",
        suggestion.places,
        location=result.location.id,
        code=suggestion.code,
        low=low,
        high=high,
    )


def _line_name(kind: str) -> str:
    """Give the name of a line of the quote: the intake call, days or contact moments."""
    if kind == "intake":
        return _("Intake call (phone)")
    if kind == "day":
        return _("Days on location (coaching on the floor)")
    return _("Contact moments on location")


def _print_quote(result: Quote) -> None:
    from rich.table import Table

    from mentes_cli.i18n import day
    from mentes_cli.offers import catalogue

    package = result.package
    name = catalogue().offer(package.code).label()
    stdout.print(
        _("Quote {number}: traject {code}, {name}", number=result.number, code=package.code,
          name=clean(name)),
        soft_wrap=True,
    )  # fmt: skip
    stdout.print(
        _("Date {date}, valid until {until}; price list of {price_list}",
          date=day(result.as_of), until=day(result.valid_until),
          price_list=day(package.valid_from)),
        soft_wrap=True,
    )  # fmt: skip
    if result.location is not None:
        loc = result.location
        where = " ".join(p for p in (loc.postcode, loc.municipality) if p)
        if loc.district and loc.district != loc.municipality:
            where += " (" + _("district {district}", district=loc.district) + ")"
        places = n_("{count} place", "{count} places", loc.places)
        stdout.print(
            _("For {location} ({id}, {place}, {places}) of {organisation} ({organisation_id})",
              location=clean(loc.name), id=clean(loc.id), place=clean(where), places=places,
              organisation=clean(loc.organisation_name),
              organisation_id=clean(loc.organisation_id)),
            soft_wrap=True,
        )  # fmt: skip
    table = Table(show_footer=True)
    table.add_column(_("Item"), footer=_("Hours on location"))
    table.add_column(_("Count"), justify="right")
    table.add_column(_("Hours each"), justify="right")
    table.add_column(_("Hours"), justify="right", footer=_hours(result.contact_hours))
    for line in result.lines:
        table.add_row(
            _line_name(line.kind), str(line.count), _hours(line.hours), _hours(line.total_hours)
        )
    stdout.print(table)
    if catalogue().families[package.family].unit == "day":
        stdout.print(_("Days on location: {days}", days=result.days))
    else:
        stdout.print(_("Contact moments on location: {count}", count=result.days))
    stdout.print(_("Total price: {amount}", amount=_money(result.total_eur)))
    stdout.print(
        _("Price per contact hour: {amount}", amount=_money(result.price_per_contact_hour))
    )
    if package.includes:
        stdout.print(
            _("Includes: {items}", items=clean(", ".join(map(said, package.includes)))),
            soft_wrap=True,
        )


def _print_list(day: date, output_format: QuoteFormat) -> None:
    from rich import box

    from mentes_cli.i18n import day as i18n_day
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
        FitColumn(_("Traject")),
        FitColumn(_("Intake"), give_way=2, justify="right"),
        FitColumn(_("Days on location")),
        FitColumn(_("Hours"), justify="right"),
        FitColumn(_("Price"), justify="right"),
        FitColumn(_("Per hour"), give_way=3, justify="right"),
        FitColumn(_("Places*"), give_way=1, justify="right"),
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
    options = {
        "title": _("Paid packages on {date}", date=i18n_day(day)),
        "box": box.SIMPLE_HEAD,
        "pad_edge": False,
    }
    table = fitted_table(stdout, columns, rows, **options)
    if len(table.columns) < len(columns):
        # Two spaces between columns instead of three before a column gives way: the Dutch
        # headers are longer, and at 80 columns every column fits this way.
        table = fitted_table(stdout, columns, rows, collapse_padding=True, **options)
    stdout.print(table)
    places_shown = any(column.header == columns[-1].header for column in table.columns)
    stdout.print(_list_note(packages, day, places_shown), soft_wrap=True)


def _list_note(packages: list[Package], day: date, places_shown: bool) -> str:
    """Give the note under the price list: which packages are which family where, what the
    price includes and, when the table shows it, what the Places column means."""
    from mentes_cli.offers import catalogue
    from mentes_cli.regions import scope_at

    groups: dict[tuple[str, str], list[Package]] = {}
    for package in packages:
        groups.setdefault((package.family, package.scope), []).append(package)
    families = catalogue().families
    notes = []
    for (family, scope), group in groups.items():
        where = _("{codes}: {family} in {scope}", codes=", ".join(p.code for p in group),
                  family=families[family].name(), scope=scope_at(scope, day).name)  # fmt: skip
        includes = group[0].includes  # the packages of a family include the same
        if includes and all(p.includes == includes for p in group):
            items = ", ".join(map(said, includes))
            where = _("{where}; the price includes {items}", where=where, items=items)
        notes.append(where)
    note = ". ".join(notes) + "."
    if places_shown:
        note += "\n" + _(
            "* Places: the location size each package suits (an assumption of the price list, "
            "which the centre can change)."
        )
    return note


def _visits(package: Package) -> str:
    from mentes_cli.i18n import number

    return " + ".join(
        _("{count}×{hours}h", count=b.count, hours=number(b.hours)) for b in package.visits
    )


def _band(band: tuple[int, int] | None) -> str:
    if band is None:
        return "-"
    return f"{band[0]}+" if band[1] >= 9999 else f"{band[0]}-{band[1]}"


def _print_guidance(guidance: Guidance, output_format: QuoteFormat, output: Path | None) -> None:
    from mentes_cli.quote import guidance_text

    if output is not None:
        notice(_("Nothing written to {path}: there is no price to put on an offerte.", path=output))
    if output_format is QuoteFormat.json:
        from mentes_cli import textout
        from mentes_cli.quote import guidance_json

        typer.echo(textout.json_text(guidance_json(guidance)))
    else:
        stdout.print(guidance_text(guidance), markup=False, soft_wrap=True)
