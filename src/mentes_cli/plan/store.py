"""A plan as data: the JSON of SPEC 4, and the TOML file of `--save`, `--keep` and `--check`."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mentes_cli.errors import InputError, Problem
from mentes_cli.i18n import _
from mentes_cli.limits import limit
from mentes_cli.models import EARLIEST_DAY, LATEST_DAY
from mentes_cli.plan.model import Plan
from mentes_cli.plan.settings import minutes_of_clock

VISIT_KEYS = ("traject", "location", "coach", "date", "start", "hours", "kind")


def plan_json(plan: Plan) -> dict[str, Any]:
    """Give the plan in the JSON shape of SPEC 4, keys in a fixed order."""
    return {
        "visits": [
            {
                "traject": v.traject,
                "location": v.location,
                "coach": v.coach,
                "date": v.date.isoformat(),
                "start": v.start,
                "hours": float(v.hours),
                "kind": v.kind,
            }
            for v in plan.visits
        ],
        "unplanned": [{"traject": u.traject, "reasons": list(u.reasons)} for u in plan.unplanned],
        "incomplete": [_incomplete(i) for i in plan.incomplete],
        "moved": [
            {
                "traject": m.traject,
                "coach": m.coach,
                "kind": m.kind,
                "old_date": m.old_date.isoformat(),
                "new_date": m.new_date.isoformat(),
                "reason": m.reason,
            }
            for m in plan.moved
        ],
    }


def _incomplete(item) -> dict[str, Any]:
    return {
        "traject": item.traject,
        "visits_kept": item.visits_kept,
        "visits_missing": item.visits_missing,
        "reasons": list(item.reasons),
    }


PLAN_CSV_COLUMNS = ("traject", "location", "coach", "date", "start", "hours", "kind")


def plan_csv(plan: Plan) -> str:
    """Give the visits as CSV, one row a visit, with the columns of the JSON visits."""
    import csv
    import io

    from mentes_cli.textout import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PLAN_CSV_COLUMNS)
    for visit in plan_json(plan)["visits"]:
        writer.writerow([csv_cell(str(visit[column])) for column in PLAN_CSV_COLUMNS])
    return buffer.getvalue()


def plan_toml(plan: Plan) -> bytes:
    """Give the plan as a TOML document for `--save` (read back by `read_plan`)."""
    import tomli_w

    document: dict[str, Any] = {
        "start": plan.start,
        "end": plan.end,
        "visits": [
            {
                "traject": v.traject,
                "location": v.location,
                "coach": v.coach,
                "date": v.date,
                "start": v.start,
                "hours": float(v.hours),
                "kind": v.kind,
                "fixed": v.fixed,
            }
            for v in plan.visits
        ],
        "unplanned": [{"traject": u.traject, "reasons": list(u.reasons)} for u in plan.unplanned],
        "incomplete": [_incomplete(i) for i in plan.incomplete],
    }
    header = (
        "# A plan saved by `mentes plan --save`. Give it to `mentes plan --keep` to plan again\n"
        "# around it: every visit stays where it is unless it now breaks a rule; visits before\n"
        "# the new --start and visits with fixed = true never move. `mentes plan --check`\n"
        "# verifies a plan edited by hand.\n\n"
    )
    return (header + tomli_w.dumps(document)).encode("utf-8")


_HEADER = re.compile(r"^\s*\[\[\s*(visits|unplanned|incomplete)\s*\]\]")
_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=")
_TOP = ("start", "end")


def _lines(text: str) -> tuple[dict[str, list[int]], dict[tuple[str, int], dict[str, int]]]:
    """Give the line of each [[visits]]/[[unplanned]] item and of the keys inside it."""
    starts: dict[str, list[int]] = {"visits": [], "unplanned": [], "incomplete": [], "": [0]}
    keys: dict[tuple[str, int], dict[str, int]] = {("", 0): {}}
    current = ("", 0)
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = header.group(1)
            starts[name].append(number)
            current = (name, len(starts[name]) - 1)
            keys[current] = {}
            continue
        if line.lstrip().startswith("["):
            current = ("?", 0)
            continue
        key = _KEY.match(line)
        if key:
            keys.setdefault(current, {}).setdefault(key.group(1), number)
    return starts, keys


def read_plan(path: Path) -> Plan:
    """Give the plan saved in `path`, or raise InputError naming file, line and field."""
    from pydantic import ValidationError

    from mentes_cli.load.toml_records import read_toml

    data, text = read_toml(path)
    name = path.name
    if not {"start", "end", "visits"} & set(data):
        # Another TOML file (the records' trajects.toml, a reference file): one sentence, not
        # the list of every key a plan has and this file has not.
        raise InputError(
            Problem(
                name,
                message=_(
                    "this is not a saved plan; mentes reads the TOML file that `mentes plan "
                    "--save PLAN.toml` writes"
                ),
            )
        )
    starts, keys = _lines(text)
    for key in ("visits", "unplanned", "incomplete"):
        data.setdefault(key, [])
    problems = []
    visits = data["visits"] if isinstance(data["visits"], list) else []
    for number, visit in enumerate(visits):
        if not isinstance(visit, dict):
            continue
        if isinstance(visit.get("start"), str):
            try:
                minutes_of_clock(visit["start"])
            except ValueError as exc:
                problems.append(_problem(name, ("visits", number, "start"), str(exc), starts, keys))
        hours = visit.get("hours")
        number_given = isinstance(hours, int | float) and not isinstance(hours, bool)
        if number_given and (not math.isfinite(hours) or not 0 < hours <= 24):
            problems.append(
                _problem(
                    name,
                    ("visits", number, "hours"),
                    _(
                        "must be a number of hours more than 0 and at most 24, got {value}",
                        value=_short(hours),
                    ),
                    starts,
                    keys,
                )
            )
        _check_day(visit, "date", ("visits", number, "date"), name, starts, keys, problems)
    for key in _TOP:
        _check_day(data, key, (key,), name, starts, keys, problems)
    try:
        # Strict: a hand-edited "6" is not 6 hours, "2027-03-01" in quotes is text, not a
        # date, and "yes" is not true: each is named with its line, never converted silently.
        plan = Plan.model_validate(data, strict=True)
    except ValidationError as exc:
        for error in exc.errors():
            where = error["loc"]
            message = error["msg"]
            kind = error["type"]
            found = error.get("input")
            if kind == "extra_forbidden":
                message = _("unknown key (a typo?)")
            elif kind == "missing":
                message = _("is missing")
            elif kind.startswith(("date", "datetime")):
                message = _("must be a date (yyyy-mm-dd), got {value}", value=repr(found))
            elif kind.startswith(("float", "int")):
                message = _("must be a number of hours, got {value}", value=repr(found))
            elif kind.startswith("bool"):
                message = _("must be true or false, got {value}", value=repr(found))
            elif kind.startswith("string"):
                message = _("must be text, got {value}", value=repr(found))
            problems.append(_problem(name, where, message, starts, keys))
        raise InputError(sorted(problems, key=lambda p: p.row or 0)) from None
    days = (plan.end - plan.start).days + 1
    if days > limit("plan", "max_days"):
        problems.append(
            _problem(
                name,
                ("end",),
                _(
                    "the plan spans {days} days; mentes plans at most {most} days at once",
                    days=days,
                    most=limit("plan", "max_days"),
                ),
                starts,
                keys,
            )
        )
    if plan.end < plan.start:
        problems.append(
            _problem(
                name,
                ("end",),
                _(
                    "{end} is before start {start}",
                    end=plan.end.isoformat(),
                    start=plan.start.isoformat(),
                ),
                starts,
                keys,
            )
        )
    if problems:
        raise InputError(problems)
    return plan


def _short(value: float) -> str:
    """Give a number as a person reads it back: 6, 1e+30, nan, inf."""
    return f"{value:g}"


def _check_day(table, key, where, name, starts, keys, problems) -> None:
    """Note a date outside the years mentes plans for (a date of 0001-01-01)."""
    day = table.get(key)
    is_day = isinstance(day, date) and not isinstance(day, datetime)
    if is_day and not EARLIEST_DAY <= day <= LATEST_DAY:
        problems.append(
            _problem(
                name,
                where,
                _(
                    "must be a date between {first} and {last}, got {value}",
                    first=EARLIEST_DAY.isoformat(),
                    last=LATEST_DAY.isoformat(),
                    value=day.isoformat(),
                ),
                starts,
                keys,
            )
        )


def _problem(name: str, where: tuple, message: str, starts, keys) -> Problem:
    if where and where[0] in ("visits", "unplanned", "incomplete") and len(where) >= 2:
        table, index = where[0], where[1]
        field = ".".join(str(part) for part in where[2:]) or None
        if table == "visits":
            record = _("visit {number}", number=index + 1)
        else:
            record = f"{table} {index + 1}"  # the TOML table's name, as in the file
        item_starts = starts.get(table, [])
        line = item_starts[index] if isinstance(index, int) and index < len(item_starts) else None
        if field and line is not None:
            line = keys.get((table, index), {}).get(str(where[2]), line)
        return Problem(name, line, record, field, message)
    field = ".".join(str(part) for part in where) or None
    line = keys.get(("", 0), {}).get(str(where[0])) if where else None
    return Problem(name, line, None, field, message)
