"""Read a data directory of TOML files (organisations.toml, coaches.toml, trajects.toml)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from mentes_cli.errors import InputError, Problem
from mentes_cli.i18n import _, n_, system_reason
from mentes_cli.limits import check_counts, check_file_bytes, limit
from mentes_cli.load.build import (
    Raw,
    RawSet,
    build_records,
    planned_without_visits,
    put_visits_back,
    record_name,
    some_ids,
)
from mentes_cli.load.vocabulary import toml_field_labels
from mentes_cli.models import Records
from mentes_cli.reference import (
    SpecialFileError,
    TOMLDecodeError,
    open_regular,
    parse_toml,
    special_file_message,
    toml_reason,
)

PERIOD_FORM = "{ start, end }"  # a closure or a leave period in TOML
RECORD_FILES = ("organisations.toml", "coaches.toml", "trajects.toml")
_TOP_KEYS = {
    "organisations.toml": "organisations",
    "coaches.toml": "coaches",
    "trajects.toml": "trajects",
}


def holds_records(folder: Path) -> bool:
    """Give whether `folder` holds at least one of the record files."""
    # exists(), not is_file(): a pipe named organisations.toml is read and refused by name.
    return any((folder / name).exists() for name in RECORD_FILES)


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Give the parsed document and its text, or raise InputError naming file and line."""
    name = path.name
    try:
        # tomli reads about 6 MB a second; a file past limits.toml's [records] max_file_bytes
        # is refused before it is read, rather than parsed for minutes. A pipe or a device
        # (a link to /dev/zero) is refused without waiting or reading.
        most = limit("records", "max_file_bytes")
        with open_regular(path) as stream:
            check_file_bytes(name, os.fstat(stream.fileno()).st_size)
            data = stream.read(most + 1)
    except FileNotFoundError:
        raise InputError(_("{path}: file not found", path=path)) from None
    except IsADirectoryError:
        raise InputError(_("{path}: is a folder, not a TOML file", path=path)) from None
    except SpecialFileError:
        raise InputError(special_file_message(name)) from None
    except OSError as exc:
        raise InputError(
            _("{path}: cannot be read ({reason})", path=path, reason=system_reason(exc))
        ) from None
    check_file_bytes(name, len(data))  # it grew while read
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem(
                name,
                line,
                message=_(
                    "the file is not UTF-8 text; save it as UTF-8 (in most editors: Save as… "
                    "> Encoding UTF-8)"
                ),
            )
        ) from None
    try:
        return parse_toml(text), text
    except TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        shown = ""
        if line:
            lines = _split_lines(text)
            if 0 < line <= len(lines):
                shown = f": {lines[line - 1].strip()[:80]!r}"
        raise InputError(
            Problem(
                name,
                line,
                message=_("not valid TOML ({reason}){line}", reason=toml_reason(exc), line=shown),
            )
        ) from None
    except RecursionError:
        raise InputError(Problem(name, message=_("not valid TOML (nested too deeply)"))) from None
    except ValueError:
        # Python refuses to read an integer of more than 4,300 digits.
        raise InputError(
            Problem(name, message=_("not valid TOML (a number of thousands of digits)"))
        ) from None


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z_.\s\"]+?)\s*\]\]")
_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=")


def _split_lines(text: str) -> list[str]:
    """Give the lines of `text` as TOML counts them: split at "\n" only.

    str.splitlines() also splits at form feeds, U+2028 and other separators that TOML allows
    inside strings and comments, which would shift every line number after them.
    """
    return text.split("\n")


def _blocks(lines: list[str]) -> dict[str, list[int]]:
    """Give, for each array-of-tables header, the line numbers where its items start."""
    found: dict[str, list[int]] = {}
    for number, line in enumerate(lines, start=1):
        match = _HEADER.match(line)
        if match:
            name = re.sub(r"[\s\"]", "", match.group(1))
            found.setdefault(name, []).append(number)
    return found


def _key_lines(lines: list[str], start: int | None) -> dict[str, int]:
    """Give the line of each `key =` inside the block that starts at line `start`."""
    if start is None:
        return {}
    keys: dict[str, int] = {}
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.lstrip().startswith("["):
            break
        match = _KEY.match(line)
        if match:
            keys.setdefault(match.group(1), number)
    return keys


class _Lines:
    """Line numbers of the n-th item of each array of tables, when the file uses headers."""

    def __init__(self, text: str):
        # Split once: splitting per record made loading quadratic (a minute for 10,000 trajects).
        self.lines = _split_lines(text)
        self.blocks = _blocks(self.lines)
        self.used: dict[str, int] = {}

    def next(self, header: str) -> tuple[int | None, dict[str, int]]:
        index = self.used.get(header, 0)
        self.used[header] = index + 1
        starts = self.blocks.get(header, [])
        start = starts[index] if index < len(starts) else None
        return start, _key_lines(self.lines, start)


def _raw(values: dict, source: str, lines: _Lines, header: str) -> Raw:
    start, keys = lines.next(header)
    kind = header.rpartition(".")[2]  # "organisations.locations": a location
    return Raw(
        values=values,
        source=source,
        row=start,
        field_rows=keys,
        field_labels=toml_field_labels(kind),
    )


def _items(doc: dict[str, Any], name: str, key: str) -> list[Any]:
    unknown = sorted(set(doc) - {key})
    if unknown:
        raise InputError(
            Problem(
                name,
                message=_(
                    "unknown top-level key {found}; expected [[{key}]] tables",
                    found=repr(unknown[0]),
                    key=key,
                ),
            )
        )
    items = doc.get(key, [])
    if not isinstance(items, list):
        raise InputError(
            Problem(name, message=_("{key} must be a list of [[{key}]] tables", key=key))
        )
    return items


def _table_problem(name: str, line: int | None, what: str) -> Problem:
    messages = {
        "organisation": _("each organisation must be a table of keys and values"),
        "location": _("each location must be a table of keys and values"),
        "coach": _("each coach must be a table of keys and values"),
        "traject": _("each traject must be a table of keys and values"),
    }
    return Problem(name, line, message=messages[what])


def read_raw(folder: Path) -> RawSet:
    """Give the raw records of a data directory, with the problems met reading them."""
    raw_set = RawSet()
    problems: list[Problem] = []
    documents: dict[str, tuple[dict, str]] = {}
    for name in RECORD_FILES:
        path = folder / name
        if not path.exists():
            continue
        try:
            documents[name] = read_toml(path)
        except InputError as exc:
            # Keep going: the other files' problems are reported in the same run.
            problems.extend(exc.problems)
            raw_set.unreadable.add(_TOP_KEYS[name])

    if "organisations.toml" in documents:
        doc, text = documents["organisations.toml"]
        lines = _Lines(text)
        name = "organisations.toml"
        for org in _readable_items(doc, name, "organisations", raw_set, problems):
            raw_org = _raw(org, name, lines, "organisations")
            if not isinstance(org, dict):
                problems.append(_table_problem(name, raw_org.row, "organisation"))
                continue
            org = dict(org)
            locations = org.pop("locations", [])
            raw_org.values = org
            raw_set.organisations.append(raw_org)
            if not isinstance(locations, list):
                problems.append(raw_org.problem(_("must be a list of tables"), "locations"))
                continue
            for location in locations:
                raw_loc = _raw(location, name, lines, "organisations.locations")
                if not isinstance(location, dict):
                    problems.append(_table_problem(name, raw_loc.row, "location"))
                    continue
                location = dict(location)
                closures = location.pop("closures", [])
                raw_loc.values = {**location, "organisation": org.get("id")}
                raw_set.locations.append(raw_loc)
                _add_periods(
                    closures,
                    "closures",
                    location.get("id"),
                    "location",
                    raw_loc,
                    raw_set.closures,
                    problems,
                )

    if "coaches.toml" in documents:
        doc, text = documents["coaches.toml"]
        lines = _Lines(text)
        name = "coaches.toml"
        for coach in _readable_items(doc, name, "coaches", raw_set, problems):
            raw_coach = _raw(coach, name, lines, "coaches")
            if not isinstance(coach, dict):
                problems.append(_table_problem(name, raw_coach.row, "coach"))
                continue
            coach = dict(coach)
            leave = coach.pop("leave", [])
            raw_coach.values = coach
            raw_set.coaches.append(raw_coach)
            _add_periods(
                leave, "leave", coach.get("id"), "coach", raw_coach, raw_set.leave, problems
            )

    if "trajects.toml" in documents:
        doc, text = documents["trajects.toml"]
        lines = _Lines(text)
        name = "trajects.toml"
        for traject in _readable_items(doc, name, "trajects", raw_set, problems):
            raw_traject = _raw(traject, name, lines, "trajects")
            if not isinstance(traject, dict):
                problems.append(_table_problem(name, raw_traject.row, "traject"))
                continue
            raw_set.trajects.append(raw_traject)

    raw_set.problems.extend(problems)
    return raw_set


def _readable_items(
    doc: dict[str, Any], name: str, key: str, raw_set: RawSet, problems: list[Problem]
) -> list[Any]:
    """Give the items of `doc`, or none after noting why the file cannot be read."""
    try:
        return _items(doc, name, key)
    except InputError as exc:
        problems.extend(exc.problems)
        raw_set.unreadable.add(key)
        return []


def _add_periods(
    periods: Any,
    key: str,
    owner_id: Any,
    owner_key: str,
    owner: Raw,
    target: list[Raw],
    problems: list[Problem],
) -> None:
    line = owner.field_rows.get(key, owner.row)
    record = record_name(owner_key, owner_id) if isinstance(owner_id, str) else None
    label = owner.field_labels.get(key, key)
    if not isinstance(periods, list):
        problems.append(
            Problem(
                owner.source,
                line,
                record,
                label,
                _("must be a list of {form} tables", form=PERIOD_FORM),
            )
        )
        return
    for period in periods:
        if not isinstance(period, dict):
            problems.append(
                Problem(
                    owner.source,
                    line,
                    record,
                    label,
                    _("each item must be {form}", form=PERIOD_FORM),
                )
            )
            continue
        target.append(
            Raw(
                values={**period, owner_key: owner_id},
                source=owner.source,
                row=line,
                field_rows={key: line} if line else {},
                field_labels=toml_field_labels(key, prefix=f"{key}."),
                record=record,
                field_hint=key,
            )
        )


def missing_record_files(folder: Path) -> list[str]:
    """Give the notices for record files a data folder lacks (read as no records of that kind)."""
    nothing = {
        "organisations.toml": _("{path} is missing: read as no organisations"),
        "coaches.toml": _("{path} is missing: read as no coaches"),
        "trajects.toml": _("{path} is missing: read as no trajects"),
    }
    return [
        nothing[name].format(path=folder / name)
        for name in RECORD_FILES
        if not (folder / name).exists()
    ]


def visit_warnings(records: Records) -> list[str]:
    """Warn about planned trajects without a visit: their `[[trajects.visits]]` blocks were
    deleted by hand, so no command sees the days their coaches are booked (the check of a
    workbook's sheet Bezoeken, excel_records)."""
    lost = planned_without_visits(records)
    if not lost:
        return []
    what = n_(
        "trajects.toml holds no visit ([[trajects.visits]]) of {count} planned traject "
        "({trajects}): no command sees the days its coach is booked, and plan would book "
        "them again.",
        "trajects.toml holds no visit ([[trajects.visits]]) of {count} planned trajects "
        "({trajects}): no command sees the days their coaches are booked, and plan would "
        "book them again.",
        len(lost),
        trajects=some_ids(lost),
    )
    return [_("Warning: {warning} {fix}", warning=what, fix=put_visits_back())]


def load_toml_folder(folder: Path, today: date | None = None) -> Records:
    """Give the validated records of a data directory, or raise InputError listing every
    problem, file by file and line by line. `today`: see build_records."""
    if not folder.is_dir():
        raise InputError(_("{path}: not a folder", path=folder))
    if not holds_records(folder):
        raise InputError(
            _(
                "{path}: holds none of {files}; give a data folder or an .xlsx workbook",
                path=folder,
                files=", ".join(RECORD_FILES),
            )
        )
    raw_set = read_raw(folder)
    # Up front, before the records are checked one by one (limits.toml [records]).
    check_counts(
        str(folder),
        {
            "organisations": len(raw_set.organisations),
            "locations": len(raw_set.locations),
            "coaches": len(raw_set.coaches),
            "trajects": len(raw_set.trajects),
        },
    )
    try:
        return build_records(raw_set, today)
    except InputError as exc:
        order = {name: number for number, name in enumerate(RECORD_FILES)}
        raise InputError(
            sorted(exc.problems, key=lambda p: (order.get(p.source, -1), p.row or 0))
        ) from None
