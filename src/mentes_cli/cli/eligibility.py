"""`mentes check-eligibility`: PRIOR or not, and free, paid or unavailable per offer family."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mentes_cli.cli import app
from mentes_cli.cli.common import (
    AsOfOption,
    CsvRawOption,
    DataOption,
    ForceOption,
    FormatOption,
    OutputFormat,
    clean,
    describe_source,
    handle_errors,
    load,
    notice,
    parse_date,
    stdout,
    use_reference_data,
)
from mentes_cli.errors import InputError, UsageError
from mentes_cli.i18n import _, n_

if TYPE_CHECKING:
    from mentes_cli.eligibility import LocationResult
    from mentes_cli.export.eligibility_xlsx import LocationFacts
    from mentes_cli.models import Records

QUICK_OPTIONS = (
    "--subsidy-step",
    "--ikt-places",
    "--postcode",
    "--enforcement",
    "--places",
    "--care-type",
    "--last-coaching",
    "--last-support",
)
QUICK_REQUIRED = ("--subsidy-step", "--ikt-places", "--postcode")


class CareType(StrEnum):
    """Family care (gezinsopvang) or group care (groepsopvang)."""

    group = "group"
    family = "family"


def _care_type(value: str | None) -> str | None:
    """Give the care type typed after --care-type as the records write it: group or family,
    or the Dutch groepsopvang or gezinsopvang, in any case (as a workbook takes it)."""
    from mentes_cli.load.vocabulary import CARE_TYPE_WORDS, fold

    if value is None:
        return None
    care_type = CARE_TYPE_WORDS.get(fold(value))
    if care_type is None:
        raise typer.BadParameter(
            _(
                "'{value}' is not a care type; write groepsopvang or gezinsopvang (group or "
                "family)",
                value=value,
            )
        )
    return care_type


def _postcode(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not re.fullmatch(r"\d{4}", value):
        raise typer.BadParameter(
            _("{value} is not a Belgian postcode; give 4 digits, e.g. 2600", value=repr(value))
        )
    return value


@app.command(
    "check-eligibility",
    help=_("Decide per location: PRIOR or not, and free, paid or unavailable per offer family."),
)
@handle_errors
def check_eligibility(
    data: DataOption = None,
    location: Annotated[
        str | None,
        typer.Option(
            "--location",
            metavar="ID",
            help=_("Decide for this location (its id)."),
            show_default=False,
        ),
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation",
            metavar="ID",
            help=_("Decide for every location of this organisation (its id)."),
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help=_("Show the rules, inputs and parameter values of every decision."),
        ),
    ] = False,
    output_format: FormatOption = OutputFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar=_("FILE.xlsx"),
            help=_(
                "Also write an overview workbook (.xlsx) with a filter, one row per location; "
                "the table then shows only the summary."
            ),
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    csv_raw: CsvRawOption = False,
    subsidy_step: Annotated[
        int | None,
        typer.Option(
            "--subsidy-step",
            min=0,
            max=3,
            help=_("Quick check without records: the subsidy step (0-3) of a location."),
            show_default=False,
        ),
    ] = None,
    ikt_places: Annotated[
        int | None,
        typer.Option(
            "--ikt-places",
            min=0,
            help=_("Quick check: the IKT places of the whole organisation."),
            show_default=False,
        ),
    ] = None,
    postcode: Annotated[
        str | None,
        typer.Option(
            "--postcode",
            metavar="NNNN",
            callback=_postcode,
            help=_("Quick check: the location's postcode."),
            show_default=False,
        ),
    ] = None,
    enforcement: Annotated[
        bool, typer.Option("--enforcement", help=_("Quick check: the location is in enforcement."))
    ] = False,
    places: Annotated[
        int | None,
        typer.Option(
            "--places",
            min=1,
            help=_("Quick check: licensed places (only checked against the IKT places)."),
            show_default=False,
        ),
    ] = None,
    care_type: Annotated[
        str | None,
        typer.Option(
            "--care-type",
            callback=_care_type,
            metavar=_("TYPE"),
            help=_("Quick check: group (default) or family care."),
            show_default=False,
        ),
    ] = None,
    last_coaching: Annotated[
        str | None,
        typer.Option(
            "--last-coaching",
            metavar=_("DATE"),
            callback=parse_date,
            help=_("Quick check: start of the last free coaching traject (yyyy-mm-dd)."),
            show_default=False,
        ),
    ] = None,
    last_support: Annotated[
        str | None,
        typer.Option(
            "--last-support",
            metavar=_("DATE"),
            callback=parse_date,
            help=_("Quick check: start of the last free BVV traject (yyyy-mm-dd)."),
            show_default=False,
        ),
    ] = None,
) -> None:
    day: date = as_of or date.today()  # type: ignore[assignment]  # parse_date gives a date
    if output is not None and output.suffix.lower() != ".xlsx":
        raise UsageError(
            _(
                "--output {path}: the overview is a workbook; end the name in .xlsx",
                path=output,
            )
        )
    given = {
        "--subsidy-step": subsidy_step is not None,
        "--ikt-places": ikt_places is not None,
        "--postcode": postcode is not None,
        "--enforcement": enforcement,
        "--places": places is not None,
        "--care-type": care_type is not None,
        "--last-coaching": last_coaching is not None,
        "--last-support": last_support is not None,
    }
    quick = [name for name in QUICK_OPTIONS if given[name]]
    if location is not None and organisation is not None:
        raise UsageError(_("give --location or --organisation, not both"))
    if quick:
        if location is not None or organisation is not None:
            chosen = "--location" if location is not None else "--organisation"
            raise UsageError(
                _(
                    "{chosen} decides for a location in the records; {options} describe a "
                    "location for a quick check without records. Use one or the other",
                    chosen=chosen,
                    options=", ".join(quick),
                )
            )
        missing = [name for name in QUICK_REQUIRED if not given[name]]
        if missing:
            raise UsageError(
                _(
                    "the quick check needs --subsidy-step, --ikt-places and --postcode; "
                    "missing: {missing}",
                    missing=", ".join(missing),
                )
            )
        source = use_reference_data(data).path
        if output is not None:
            from mentes_cli.output import check_output_path

            check_output_path(output, force=force, inputs=[source])
        from mentes_cli.errors import name_fields_as

        name_fields_as("options")  # its warnings name the options given, not record fields
        results, facts, names = _quick_check(
            day,
            explain,
            subsidy_step=subsidy_step,  # type: ignore[arg-type]
            ikt_places=ikt_places,  # type: ignore[arg-type]
            postcode=postcode,  # type: ignore[arg-type]
            enforcement=enforcement,
            places=places,
            care_type=care_type or CareType.group.value,
            last_coaching=last_coaching,  # type: ignore[arg-type]
            last_support=last_support,  # type: ignore[arg-type]
        )
        source_text = _("none (quick check)")
        statuses: dict[str, str] = {}
    else:
        from mentes_cli.eligibility import decide

        loaded = load(data)
        records = loaded.records
        if output is not None:
            from mentes_cli.output import check_output_path

            check_output_path(output, force=force, inputs=[loaded.source.path])
        location_ids = _chosen_locations(records, location, organisation)
        results = decide(records, day, location_ids=location_ids, explain=explain)
        facts = _facts(records, results, day) if output is not None else {}
        names = _names(records)
        source_text = describe_source(loaded.source)
        statuses = {traject.id: traject.status for traject in records.trajects}
    from mentes_cli.eligibility.sentences import say

    for result in results:
        for warning in result.warnings:
            said = f"{result.location}: {say(warning)}" if result.location else say(warning)
            notice(_("Warning: {warning}", warning=said))
    _show(
        day,
        results,
        names,
        explain,
        output_format,
        summary_only=output is not None,
        traject_statuses=statuses,
        csv_raw=csv_raw,
    )
    if quick and output_format is OutputFormat.table:
        _print_free_offers(results[0], day)
    if output is not None:
        from mentes_cli.export.eligibility_xlsx import write_overview

        write_overview(output, day, results, facts, source=source_text)
        notice(
            n_(
                "Overview of {count} location written to {path}",
                "Overview of {count} locations written to {path}",
                len(results),
                path=output,
            )
        )


def _chosen_locations(
    records: Records, location: str | None, organisation: str | None
) -> list[str] | None:
    """Give the location ids asked for, or None for all; InputError for an unknown id."""
    if location is not None:
        return [location]
    if organisation is None:
        return None
    for candidate in records.organisations:
        if candidate.id == organisation:
            return [loc.id for loc in candidate.locations]
    import difflib

    close = difflib.get_close_matches(organisation, [o.id for o in records.organisations], n=3)
    hint = _(" (did you mean {ids}?)", ids=", ".join(close)) if close else ""
    raise InputError(
        _(
            "no organisation {organisation} in the records{hint}",
            organisation=repr(organisation),
            hint=hint,
        )
    )


def _names(records: Records) -> dict[str, str]:
    """Give the name of every location and organisation by id."""
    names = {org.id: org.name for org in records.organisations}
    names.update((loc.id, loc.name) for _, loc in records.locations())
    return names


def _enforcement_text(enforcement: bool, since: date | None, day: date) -> str:
    from mentes_cli.i18n import day as day_text

    if not enforcement:
        return _("no")
    if since is None:
        return _("yes")
    if since <= day:
        return _("yes, since {date}", date=day_text(since))
    return _("from {date}", date=day_text(since))


def _facts(records: Records, results: list[LocationResult], day: date) -> dict[str, LocationFacts]:
    """Give the record details the overview workbook shows, by location id."""
    from mentes_cli.export.eligibility_xlsx import LocationFacts
    from mentes_cli.regions import place_for_postcode

    index = records.location_index()
    facts = {}
    for result in results:
        org, loc = index[result.location]  # type: ignore[index]
        place = place_for_postcode(loc.postcode)
        facts[loc.id] = LocationFacts(
            name=loc.name,
            organisation_name=org.name,
            postcode=loc.postcode,
            municipality=place.municipality if place else (loc.municipality or ""),
            district=(place.district or "") if place else (loc.district or ""),
            care_type=loc.care_type,
            subsidy_step=loc.subsidy_step,
            ikt_places=loc.ikt_places,
            organisation_ikt_places=sum(other.ikt_places for other in org.locations),
            enforcement=_enforcement_text(loc.enforcement, loc.enforcement_since, day),
        )
    return facts


def _quick_check(
    day: date,
    explain: bool,
    *,
    subsidy_step: int,
    ikt_places: int,
    postcode: str,
    enforcement: bool,
    places: int | None,
    care_type: str,
    last_coaching: date | None,
    last_support: date | None,
) -> tuple[list[LocationResult], dict[str, LocationFacts], dict[str, str]]:
    """Decide for the hypothetical location the quick-check options describe."""
    from mentes_cli.eligibility import decide_hypothetical
    from mentes_cli.export.eligibility_xlsx import LocationFacts
    from mentes_cli.regions import place_for_postcode

    if place_for_postcode(postcode) is None:
        raise UsageError(_unknown_postcode_text(postcode))
    result = decide_hypothetical(
        subsidy_step=subsidy_step,
        ikt_places=ikt_places,
        postcode=postcode,
        as_of=day,
        enforcement=enforcement,
        places=places,
        care_type=care_type,
        last_coaching=last_coaching,
        last_support=last_support,
        explain=explain,
    )
    place = place_for_postcode(postcode)
    facts = {
        "": LocationFacts(
            name=_("quick check"),
            organisation_name="",
            postcode=postcode,
            municipality=place.municipality if place else "",
            district=(place.district or "") if place else "",
            care_type=care_type,
            subsidy_step=subsidy_step,
            ikt_places=ikt_places,
            organisation_ikt_places=ikt_places,
            enforcement=_enforcement_text(enforcement, None, day),
        )
    }
    return [result], facts, {}


def _unknown_postcode_text(postcode: str) -> str:
    """Give the usage error for a postcode mentes does not know, with the ones close by."""
    from mentes_cli.regions import postcodes_one_typo_away, typo_places

    close = postcodes_one_typo_away(postcode)
    if not close:
        return _(
            "--postcode {postcode}: not a postcode mentes knows, and none it knows is one typo "
            "away; check the postcode",
            postcode=postcode,
        )
    return _(
        "--postcode {postcode}: not a postcode mentes knows. Known postcodes one typo away: "
        "{close}",
        postcode=postcode,
        close=typo_places(close),
    )


def _print_free_offers(result: LocationResult, day: date) -> None:
    """Say what each free offer the quick check found holds, so that it can be told on the
    phone: the BVV contact moments, the coaching hours and days (offers.toml, tariffs.toml)."""
    from mentes_cli.eligibility import FAMILIES
    from mentes_cli.offers import catalogue

    offers = catalogue()
    for family in FAMILIES:
        if getattr(result, family).status != "free":
            continue
        for code in offers.of_family(family, paid=False):
            stdout.print(_free_offer_text(code, day), soft_wrap=True)


def _free_offer_text(code: str, day: date) -> str:
    """Give what free offer `code` holds on `day`, in one sentence."""
    from mentes_cli.i18n import number
    from mentes_cli.offers import catalogue

    offers = catalogue()
    offer = offers.offer(code)
    shape = offers.visits_at(code, day)
    label = offer.label()
    if shape.spread_hours is not None:
        days = sorted(shape.spread_days)
        if len(days) == 1:
            return _(
                "{offer}: about {hours} h on the floor, over {days} days.",
                offer=label,
                hours=number(shape.spread_hours),
                days=days[0],
            )
        return _(
            "{offer}: about {hours} h on the floor, over {low} or {high} days.",
            offer=label,
            hours=number(shape.spread_hours),
            low=", ".join(str(d) for d in days[:-1]),
            high=days[-1],
        )
    (count, hours), *_rest = shape.blocks
    if offers.families[offer.family].unit == "day":
        count_text = n_("{count} day", "{count} days", count)
    elif offer.contact_moments:
        low, high = offer.contact_moments
        count_text = _("{low} to {high} contact moments", low=low, high=high)
    else:
        count_text = n_("{count} contact moment", "{count} contact moments", count)
    return _(
        "{offer}: {count} of at most {hours} h on location.",
        offer=label,
        count=count_text,
        hours=number(hours),
    )


def _show(
    day: date,
    results: list[LocationResult],
    names: dict[str, str],
    explain: bool,
    output_format: OutputFormat,
    *,
    summary_only: bool,
    traject_statuses: dict[str, str],
    csv_raw: bool = False,
) -> None:
    """Print the results in the asked format: JSON and CSV on stdout alone."""
    from mentes_cli import render_eligibility as render

    if output_format is OutputFormat.json:
        typer.echo(render.json_text(day, results, explain))
    elif output_format is OutputFormat.csv:
        typer.echo(render.csv_text(results, explain, raw=csv_raw), nl=False)
    elif summary_only:
        stdout.print(render.title(day))
        render.print_summary(stdout, results)
    elif explain:
        render.print_explained(stdout, day, results, names, clean)
    else:
        render.print_table(stdout, day, results, names, clean, traject_statuses)
