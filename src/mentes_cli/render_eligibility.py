"""Showing eligibility results: a Rich table or explanation blocks for people, JSON and CSV.

The engine gives plain result objects whose explanations are data (`inputs`, `parameters`);
this module only turns them into text. Record text is passed through `clean` by the caller's
`names` and here, so that no markup or control code from a record reaches the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from mentes_cli import textout
from mentes_cli.eligibility import (
    DECISION_STATUSES,
    FAMILIES,
    FamilyDecision,
    LocationResult,
)
from mentes_cli.eligibility.sentences import say
from mentes_cli.i18n import _, day, n_
from mentes_cli.lifecycle import status_word as status_word_of_traject


def family_title(family: str) -> str:
    """Give an offer family's name as a title: "Regional support (BVV)"."""
    if family == "regional_support":
        return _("Regional support (BVV)")
    return _("Pedagogical coaching")


def family_header(family: str) -> str:
    """Give an offer family's short column header, so that the table fits 80 columns."""
    if family == "regional_support":
        return _("Support (BVV)")
    return _("Coaching")


def status_word(status: str) -> str:
    """Give a decision's status as people read it: free, paid, unavailable."""
    if status == "free":
        return _("free")
    if status == "paid":
        return _("paid")
    return _("unavailable")


def yes_no(value: bool) -> str:
    """Give yes or no in the reader's language."""
    return _("yes") if value else _("no")


def title(as_of: date) -> str:
    """Give the heading of the table and the explanation: "Eligibility as of 2026-11-22"."""
    return _("Eligibility as of {date}", date=day(as_of))


CSV_COLUMNS = (
    "location",
    "organisation",
    "postcode",
    "municipality",
    "district",
    "province",
    "prior",
    "prior_rules",
    *(
        f"{family}_{part}"
        for family in FAMILIES
        for part in ("status", "next_free", "rules", "explanation", "used_by")
    ),
    "warnings",
)
CSV_EXPLAIN_COLUMNS = tuple(
    f"{family}_{part}" for family in FAMILIES for part in ("inputs", "parameters")
)


# --- JSON (SPEC 4) --------------------------------------------------------------------------------


def _decision_to_json(decision: FamilyDecision, explain: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": decision.status,
        "next_free": decision.next_free.isoformat() if decision.next_free else None,
        "rules": list(decision.rules),
        "explanation": decision.explanation,
        "used_by": list(decision.used_by),
    }
    if explain:
        out["inputs"] = decision.inputs
        out["parameters"] = decision.parameters
    return out


def result_to_json(result: LocationResult, explain: bool) -> dict:
    """Give one location's result as the JSON object of SPEC 4, keys in a fixed order."""
    return {
        "location": result.location,
        "organisation": result.organisation,
        "place": dict(result.place),
        "prior": result.prior,
        "prior_rules": list(result.prior_rules),
        "regional_support": _decision_to_json(result.regional_support, explain),
        "pedagogical_coaching": _decision_to_json(result.pedagogical_coaching, explain),
        "warnings": list(result.warnings),
    }


def results_to_json(as_of: date, results: Sequence[LocationResult], explain: bool) -> dict:
    """Give the whole check-eligibility JSON document: {"as_of": ..., "results": [...]}."""
    return {
        "as_of": as_of.isoformat(),
        "results": [result_to_json(result, explain) for result in results],
    }


def json_text(as_of: date, results: Sequence[LocationResult], explain: bool) -> str:
    """Give the JSON document of SPEC 4 as text: stable key order, ISO dates, UTF-8 kept."""
    return textout.json_text(results_to_json(as_of, results, explain))


def csv_text(results: Sequence[LocationResult], explain: bool, *, raw: bool = False) -> str:
    """Give one CSV row per location; lists are joined with "; ", explanations as JSON.

    RFC 4180 line ends; text a spreadsheet would run as a formula gets a leading `'`
    unless `raw` (textout.csv_text).
    """
    rows = []
    for result in results:
        data = result_to_json(result, explain)
        place = data["place"]
        row: list[Any] = [
            data["location"] or "",
            data["organisation"] or "",
            *(place[key] or "" for key in ("postcode", "municipality", "district", "province")),
            "true" if data["prior"] else "false",
            "; ".join(data["prior_rules"]),
        ]
        for family in FAMILIES:
            decision = data[family]
            row += [
                decision["status"],
                decision["next_free"] or "",
                "; ".join(decision["rules"]),
                decision["explanation"],
                "; ".join(decision["used_by"]),
            ]
        row.append("; ".join(data["warnings"]))
        if explain:
            for family in FAMILIES:
                for part in ("inputs", "parameters"):
                    row.append(json.dumps(data[family][part], ensure_ascii=False))
        rows.append(row)
    return textout.csv_text(
        list(CSV_COLUMNS + (CSV_EXPLAIN_COLUMNS if explain else ())), rows, raw=raw
    )


def counts(results: Sequence[LocationResult]) -> dict[str, dict[str, int]]:
    """Give per family how many locations are free, paid and unavailable."""
    found = {family: dict.fromkeys(DECISION_STATUSES, 0) for family in FAMILIES}
    for result in results:
        for family in FAMILIES:
            found[family][getattr(result, family).status] += 1
    return found


def _status_cell(
    decision: FamilyDecision, traject_statuses: Mapping[str, str], *, narrow: int = 0
) -> str:
    """Give the status, the trajects that take the entitlement with their status (so that
    "paid" is not read as "they must pay"), and the day it is free again. `narrow` 1: the
    traject's status and id on two lines; 2: the day it is free again on a line of its own
    too ("free from" above it)."""
    lines = [status_word(decision.status)]
    for traject in decision.used_by:
        status = traject_statuses.get(traject)
        word = status_word_of_traject(status) if status else ""
        if narrow:
            lines += [word, traject] if word else [traject]
        else:
            lines.append(_("{status} {traject}", status=word, traject=traject).strip())
    if decision.next_free is not None:
        free = _("free {date}", date=day(decision.next_free))
        # The date has no spaces in any language: it is the last word.
        lines += free.rsplit(" ", 1) if narrow >= 2 else [free]
    return "\n".join(lines)


def place_text(place: Mapping[str, str | None]) -> str:
    """Give where a postcode lies, in words: "2180 Antwerpen (district Ekeren)", "2900 Schoten"."""
    if not place.get("municipality"):
        return _("{postcode} (unknown postcode)", postcode=place["postcode"])
    if place.get("district"):
        return _(
            "{postcode} {municipality} (district {district})",
            postcode=place["postcode"],
            municipality=place["municipality"],
            district=place["district"],
        )
    return f"{place['postcode']} {place['municipality']}"  # alike in every language


def print_table(
    console: Console,
    as_of: date,
    results: Sequence[LocationResult],
    names: Mapping[str, str],
    clean: Callable[[Any], str],
    traject_statuses: Mapping[str, str] | None = None,
) -> None:
    """Print one row per location (fits 80 columns), then the summary of counts.

    `names` gives the name of each location and organisation id; `clean` makes record text
    safe to print (no markup, no control codes); `traject_statuses` the status of each
    traject id, shown with the trajects that take an entitlement.
    """
    statuses = traject_statuses or {}
    # The names wrap between words; when a name's longest word would not fit, the trajects
    # that take an entitlement go on two lines (status, id), then the day a location is free
    # again goes on a line of its own and the headers wrap, to leave the names more room
    # (Dutch words are longer).
    unlimited = console.options.update_width(10_000)
    for narrow in (0, 1, 2):
        table = _eligibility_table(as_of, results, names, clean, statuses, narrow=narrow)
        if Measurement.get(console, unlimited, table).minimum <= console.width:
            break
    console.print(table)
    print_summary(console, results)


def _eligibility_table(
    as_of: date,
    results: Sequence[LocationResult],
    names: Mapping[str, str],
    clean: Callable[[Any], str],
    statuses: Mapping[str, str],
    *,
    narrow: int,
) -> Table:
    """Give the table of one row per location: id and name, PRIOR, and a cell per family."""
    table = Table(
        title=title(as_of),
        box=box.SIMPLE_HEAD,
        show_lines=False,
        expand=False,
    )
    rows = [
        (
            clean(_location_label(result, names)),
            yes_no(result.prior) + "\n" + " ".join(result.prior_rules),
            _status_cell(result.regional_support, statuses, narrow=narrow),
            _status_cell(result.pedagogical_coaching, statuses, narrow=narrow),
        )
        for result in results
    ]
    # Names wrap; the columns of ids, rules and dates keep their longest value whole (their
    # minimum width is that value, so that a table too wide is seen before it is printed).
    table.add_column(_("Location"), overflow="fold", ratio=1)
    headers = ["PRIOR", *(family_header(family) for family in FAMILIES)]
    for index, header in enumerate(headers, start=1):
        if narrow >= 2:
            header = header.replace(" ", "\n")
        longest = max(len(line) for row in rows for line in (*row[index].split("\n"), header))
        table.add_column(header, no_wrap=True, min_width=longest)
    for row in rows:
        table.add_row(*row)
    return table


def print_summary(console: Console, results: Sequence[LocationResult]) -> None:
    """Print how many locations are free, paid and unavailable per offer family."""
    summary = Table(
        title=n_("{count} location", "{count} locations", len(results)),
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    summary.add_column(_("Offer family"))
    for status in DECISION_STATUSES:
        summary.add_column(status_word(status), justify="right")
    for family, by_status in counts(results).items():
        summary.add_row(family_title(family), *(str(by_status[s]) for s in DECISION_STATUSES))
    console.print(summary)


def _location_label(result: LocationResult, names: Mapping[str, str]) -> str:
    if result.location is None:
        return _("(quick check)") + "\n" + place_text(result.place)
    name = names.get(result.location)
    return f"{result.location}\n{name}" if name else result.location


def print_explained(
    console: Console,
    as_of: date,
    results: Sequence[LocationResult],
    names: Mapping[str, str],
    clean: Callable[[Any], str],
) -> None:
    """Print every decision with its rules, inputs and parameter values, then the summary.

    A line that wraps goes on with a hanging indent, two columns further in than its start,
    so that each fact stands out from the next.
    """
    console.print(title(as_of))
    for result in results:
        console.print()
        for line in explanation_lines(result, names, clean):
            indent = len(line) - len(line.lstrip(" "))
            _print_hanging(console, line.lstrip(" "), indent)
    console.print()
    print_summary(console, results)


HANG = 2  # how much further in the continuation lines of a wrapped line start


def _print_hanging(console: Console, markup: str, indent: int) -> None:
    """Print `markup` at `indent`, its continuation lines `HANG` columns further in."""
    text = Text.from_markup(markup)
    width = console.width - indent
    if text.cell_len <= width:
        console.print(Padding(text, (0, 0, 0, indent)))
        return
    first, *rest = text.wrap(console, max(width - HANG, 20))
    console.print(Padding(first, (0, 0, 0, indent)))
    for line in rest:
        console.print(Padding(line, (0, 0, 0, indent + HANG)))


def explanation_lines(
    result: LocationResult, names: Mapping[str, str], clean: Callable[[Any], str]
) -> list[str]:
    """Give the lines that explain one location's decision (needs explain=True results);
    Rich markup, record text made safe with `clean`."""
    heading = _location_label(result, names).replace("\n", " ")
    if result.organisation:
        organisation = names.get(result.organisation)
        heading += f" — {result.organisation}" + (f" {organisation}" if organisation else "")
    lines = [f"[bold]{clean(heading)}[/bold]"]
    first = result.regional_support
    inputs, parameters = first.inputs or {}, first.parameters or {}
    lines.append(
        "  "
        + _(
            "PRIOR: {answer} ({rules})",
            answer=yes_no(result.prior),
            rules=", ".join(result.prior_rules),
        )
    )
    quick = result.location is None
    lines += [f"    {clean(line)}" for line in prior_input_lines(inputs, parameters, quick=quick)]
    for family in FAMILIES:
        decision: FamilyDecision = getattr(result, family)
        inputs, parameters = decision.inputs or {}, decision.parameters or {}
        if decision.next_free:
            decided = _(
                "{family}: {status}, free from {date}",
                family=family_title(family),
                status=status_word(decision.status),
                date=day(decision.next_free),
            )
        else:
            decided = _(
                "{family}: {status}",
                family=family_title(family),
                status=status_word(decision.status),
            )
        lines.append(f"  {clean(decided)}")
        lines.append("    " + _("Rules: {rules}", rules=", ".join(decision.rules)))
        lines.append(f"    {clean(say(decision.explanation))}")
        lines += [f"    {clean(line)}" for line in family_input_lines(inputs, parameters)]
    for warning in result.warnings:
        lines.append("  " + clean(_("Warning: {warning}", warning=say(warning))))
    return lines


def prior_input_lines(
    inputs: Mapping[str, Any], parameters: Mapping[str, Any], *, quick: bool = False
) -> list[str]:
    """Give the PRIOR inputs and parameters in words, e.g. "IKT places ...: 10 + 9 = 19 > 18".

    `quick`: the inputs describe the quick check's location, not records; what it was not
    given is said so, not invented.
    """
    from mentes_cli.eligibility import ikt_sum

    if not inputs:
        return []
    by_location = inputs["ikt_places_by_location"]
    total = inputs["ikt_places_organisation"]
    limit = parameters["ikt_max_places"]
    sum_text = say(ikt_sum(list(by_location.values()), total))
    comparison = "≤" if total <= limit else ">"
    official = inputs["organisation_prior"]
    since = inputs["enforcement_since"]
    enforcement = _("no")
    if inputs["enforcement"]:
        enforcement = (
            _("yes, since {date}", date=day(date.fromisoformat(since))) if since else _("yes")
        )
    if official is None:
        official_text = _("not given") if quick else _("none in the records")
    else:
        official_text = "PRIOR" if official else _("not PRIOR")
    places = _("not given") if inputs["places"] is None else inputs["places"]
    return [
        _("Official status (Opgroeien): {status}", status=official_text),
        _(
            "Subsidy step: {step} (PRIOR-STEP for steps {prior_steps}; PRIOR-IKT for steps "
            "{ikt_steps})",
            step=inputs["subsidy_step"],
            prior_steps=_numbers(parameters["prior_steps"]),
            ikt_steps=_numbers(parameters["ikt_steps"]),
        ),
        _(
            "IKT places of the organisation: {sum} {comparison} {most}",
            sum=sum_text,
            comparison=comparison,
            most=limit,
        ),
        _("Enforcement (handhaving): {enforcement}", enforcement=enforcement),
        _(
            "Care type: {care_type}; places: {places}",
            care_type=care_type_word(inputs["care_type"]),
            places=places,
        ),
        _(
            "PRIOR rules in force since {date}",
            date=day(date.fromisoformat(parameters["prior_valid_from"])),
        ),
    ]


def care_type_word(care_type: str) -> str:
    """Give a care type as people say it: group (groepsopvang) or family (gezinsopvang)."""
    if care_type == "group":
        return _("group")
    if care_type == "family":
        return _("family")
    return care_type


def family_input_lines(inputs: Mapping[str, Any], parameters: Mapping[str, Any]) -> list[str]:
    """Give a family's scope and frequency inputs and parameters in words."""
    if not inputs:
        return []
    place = inputs["municipality"] or _("unknown postcode")
    if inputs["district"]:
        place = _("{place}, district {district}", place=place, district=inputs["district"])
    if inputs["province"]:
        place = _("{place}, province {province}", place=place, province=inputs["province"])
    using = inputs["trajects_using_entitlement"]
    used = ", ".join(
        f"{t['id']} ({t['offer']}, {status_word_of_traject(t['status'])}, "
        f"{day(date.fromisoformat(t['date']))})"
        for t in using
    ) or _("none")
    return [
        _("Postcode {postcode}: {place}", postcode=inputs["postcode"], place=place),
        _(
            "Free scope {free_scope} ({free_name}): {free_inside}; paid scope {paid_scope} "
            "({paid_name}): {paid_inside}",
            free_scope=parameters["free_scope"],
            free_name=parameters["free_scope_name"],
            free_inside=_inside(inputs["in_free_scope"]),
            paid_scope=parameters["paid_scope"],
            paid_name=parameters["paid_scope_name"],
            paid_inside=_inside(inputs["in_paid_scope"]),
        ),
        _(
            "Frequency: {period}; trajects that use the entitlement ({offers} with status "
            "{statuses}): {used}",
            period=period_words(parameters["period"]),
            offers=", ".join(parameters["free_offers"]),
            statuses=", ".join(
                status_word_of_traject(s) for s in parameters["entitlement_statuses"]
            ),
            used=used,
        ),
    ]


def _inside(inside: bool) -> str:
    return _("inside") if inside else _("outside")


def period_words(period: str) -> str:
    """Give a frequency period of rules.toml in words: "once per calendar year", "once in
    24 months" (the code itself is in the JSON's parameters)."""
    if period == "calendar-year":
        return _("once per calendar year")
    months = period.removeprefix("rolling-").removesuffix("-months")
    return _("once in {months} months", months=months)


def _numbers(values: Sequence[int]) -> str:
    return ", ".join(str(v) for v in values)
