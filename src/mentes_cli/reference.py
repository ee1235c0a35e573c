"""Reference data: the TOML files in data/ (tariffs, rules, regions, planning, centre).

They ship inside the package. A coordinator may override any of them by putting a file
of the same name in the records directory given with --data.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from mentes_cli import i18n
from mentes_cli.errors import ReferenceDataError
from mentes_cli.i18n import _

try:
    # tomli is the parser tomllib was taken from, with the same API, shipped as compiled
    # (mypyc) wheels: it reads the network's records about 3 times faster. Where no wheel
    # exists it is pure Python, no slower than tomllib; tomllib stays the fallback.
    from tomli import TOMLDecodeError
    from tomli import loads as parse_toml
except ImportError:  # pragma: no cover - tomli is a dependency
    from tomllib import TOMLDecodeError
    from tomllib import loads as parse_toml

__all__ = ["TOMLDecodeError", "parse_toml"]

_override_dir: Path | None = None


def bundled_data_dir() -> Path:
    """Give the folder of the bundled reference data and sample records."""
    installed = Path(__file__).resolve().parent / "data"
    if installed.is_dir():
        return installed
    # Running from a source checkout (editable install): the top-level data/ folder.
    return Path(__file__).resolve().parents[2] / "data"


def sample_records_dir() -> Path:
    """Give the folder of the bundled sample records."""
    return bundled_data_dir() / "sample"


def set_override_dir(folder: Path | None) -> None:
    """Let reference files found in `folder` win over the bundled ones."""
    global _override_dir
    _override_dir = folder
    load_reference.cache_clear()


def reference_path(name: str) -> Path:
    """Give the path of reference file `name`, the override folder's copy first."""
    # exists(), not is_file(): a pipe or a folder of that name is refused, not passed over.
    if _override_dir is not None and (_override_dir / name).exists():
        return _override_dir / name
    return bundled_data_dir() / name


@cache
def load_reference(name: str) -> dict[str, Any]:
    """Give the parsed content of reference file `name` (cached).

    Every reference file is checked as it is read: no nan or inf, no number past
    MAX_NUMBER, no tables or lists nested deeper than MAX_DEPTH. Its tables are
    ReferenceTables: a missing key, or a table where a text was expected, is a
    ReferenceDataError naming the file and the key instead of an internal error.
    limits.toml is the bundled file with the --data folder's values over it, each checked
    against its hard ceiling; planning.toml is checked against the [plan] limits.
    """
    path = reference_path(name)
    data = _parsed(path)
    if name == "limits.toml":
        from mentes_cli.limits import checked_limits

        bundled = bundled_data_dir() / name
        override = data if path != bundled else None
        data = checked_limits(_parsed(bundled) if override else data, override, str(path))
    shown = reference_name(path)
    table = _strict(data, shown, ())
    if name == "planning.toml":
        _check_planning(table, shown)
    if name == "tariffs.toml":
        _check_tariffs(table, shown)
    return table


def reference_name(path: Path | str) -> str:
    """Give how a message names a reference file: the path of a --data folder's copy, which
    the coordinator may edit, or "mentes's own reference data (rules.toml)" for the bundled
    file, which is part of the installed program and not theirs to edit."""
    path = Path(path)
    try:
        bundled = path.resolve().parent == bundled_data_dir().resolve()
    except OSError:
        bundled = False
    if bundled:
        return _("mentes's own reference data ({name})", name=path.name)
    return str(path)


def in_languages(value: Any, where: str, key: str) -> i18n.Named:
    """Give a text that people read from a reference file (a scope's name, a package's name,
    a note on the offerte): one text said in every language, or one per language
    (`name.nl = "…"` and `name.en = "…"`). `where` names the file and the entry."""
    if isinstance(value, str) and value.strip():
        return i18n.named(dict.fromkeys(i18n.LANGUAGES, value))
    if (
        isinstance(value, dict)
        and set(value) == set(i18n.LANGUAGES)
        and all(isinstance(text, str) and text.strip() for text in value.values())
    ):
        return i18n.named({language: value[language] for language in i18n.LANGUAGES})
    raise ReferenceDataError(
        _(
            "{where}: `{key}` must be a text, or a text for each language ({each})",
            where=where,
            key=key,
            each=", ".join(f"{key}.{language}" for language in i18n.LANGUAGES),
        )
    )


# A reference file holds prices, hours and day counts: none comes near these.
MAX_NUMBER = 1_000_000_000
MAX_DEPTH = 8


def _parsed(path: Path) -> dict[str, Any]:
    shown = reference_name(path)
    try:
        with open_regular(path) as stream:
            raw = stream.read(MAX_REFERENCE_BYTES + 1)
    except FileNotFoundError:
        raise ReferenceDataError(_("{path}: reference file is missing", path=shown)) from None
    except SpecialFileError:
        raise ReferenceDataError(special_file_message(shown)) from None
    except OSError as exc:
        raise ReferenceDataError(
            _(
                "{path}: cannot read reference file ({reason})",
                path=shown,
                reason=i18n.system_reason(exc),
            )
        ) from None
    if len(raw) > MAX_REFERENCE_BYTES:
        raise ReferenceDataError(
            _(
                "{path}: is larger than {most} MB; a reference file is far smaller",
                path=shown,
                most=MAX_REFERENCE_BYTES // 1_000_000,
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(
            _(
                "{path}: cannot read reference file (line {line} is not UTF-8 text; save the "
                "file as UTF-8)",
                path=shown,
                line=raw[: exc.start].count(b"\n") + 1,
            )
        ) from None
    try:
        data = parse_toml(text)
    except TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        reason = toml_reason(exc)
        if line:
            reason = _("line {line}: {reason}", line=line, reason=reason)
        raise ReferenceDataError(
            _("{path}: not valid TOML ({reason})", path=shown, reason=reason)
        ) from None
    except RecursionError:
        raise ReferenceDataError(
            _("{path}: not valid TOML (nested too deeply)", path=shown)
        ) from None
    except ValueError:
        # Python refuses to read an integer of more than 4,300 digits.
        raise ReferenceDataError(
            _("{path}: not valid TOML (a number of thousands of digits)", path=shown)
        ) from None
    _check_values(data, shown, ())
    return data


def toml_reason(exc: ValueError) -> str:
    """Give why a TOML parser refused a text, in the chosen language: the parser's sentence
    (tomli's and tomllib's are the same) said in the coordinator's words where mentes knows
    it, as the parser wrote it otherwise; never its "(at line 3, column 9)", which the
    message gives in its own way."""
    reason = getattr(exc, "msg", None) or str(exc)
    reason = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)$", "", reason)
    for pattern, say in _TOML_REASONS:
        match = pattern.fullmatch(reason)
        if match:
            return say(match)
    return reason


def _dotted(key: str) -> str:
    """Give a key as the parser shows it, `('a', 'b')`, as TOML writes it: `a.b`."""
    import ast

    try:
        parts = ast.literal_eval(key)
    except (ValueError, SyntaxError):
        return key
    if isinstance(parts, tuple) and all(isinstance(part, str) for part in parts):
        return ".".join(parts)
    return key


_TOML_REASONS: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"Invalid date or datetime"),
        lambda m: _("not a date that exists; write a date as 2027-03-10"),
    ),
    (
        re.compile(r"Invalid value"),
        lambda m: _('a value TOML does not know; text goes between quotes: "…"'),
    ),
    (
        re.compile(r"Invalid statement"),
        lambda m: _("a line that is neither key = value nor a [section]"),
    ),
    (
        re.compile(r"Expected newline or end of document after a statement"),
        lambda m: _("more after the value on the same line; text goes between quotes"),
    ),
    (
        re.compile(r"Expected '=' after a key in a key/value pair"),
        lambda m: _("a key without = and a value"),
    ),
    (
        re.compile(r"Invalid initial character for a key part"),
        lambda m: _("a key that starts with a character a key cannot have"),
    ),
    (
        re.compile(r"Cannot overwrite a value"),
        lambda m: _("a key given twice"),
    ),
    (
        re.compile(r"Cannot declare (?P<key>.*) twice"),
        lambda m: _("the section [{key}] given twice", key=_dotted(m["key"])),
    ),
    (
        re.compile(r"Cannot (?:redefine|mutate immutable) namespace (?P<key>.*)"),
        lambda m: _("{key} given twice", key=_dotted(m["key"])),
    ),
    (
        re.compile(r"Duplicate inline table key (?P<key>.*)"),
        lambda m: _("the key {key} given twice", key=m["key"]),
    ),
    (
        re.compile(r"Unclosed array"),
        lambda m: _("a list [ … ] without its closing ]"),
    ),
    (
        re.compile(r"Unclosed inline table"),
        lambda m: _("a table between braces without its closing brace on the same line"),
    ),
    (
        re.compile(r"Unterminated string"),
        lambda m: _("a text without its closing quote"),
    ),
    (
        re.compile(r"Expected ']' at the end of a table declaration"),
        lambda m: _("a [section] without its closing ]"),
    ),
    (
        re.compile(r"Expected ']]' at the end of an array declaration"),
        lambda m: _("a [[section]] without its closing ]]"),
    ),
    (
        re.compile(r"Unescaped '\\' in a string"),
        lambda m: _("a \\ in a text; write \\\\ or use single quotes"),
    ),
    (
        re.compile(r"Invalid hex value|Escaped character is not a Unicode scalar value"),
        lambda m: _("a \\u code in a text that is no character"),
    ),
    (
        re.compile(r"(?:Illegal|Found invalid) character (?P<char>.*)"),
        lambda m: _("the character {char} cannot stand there", char=m["char"]),
    ),
    (
        re.compile(r"Expected (?P<char>'.*')"),
        lambda m: _("{char} expected", char=m["char"]),
    ),
]


# regions.toml, the largest, is about 100 KB.
MAX_REFERENCE_BYTES = 10_000_000


class SpecialFileError(OSError):
    """A path names a pipe (FIFO), a device or a socket instead of a regular file."""


def open_regular(path: Path) -> BinaryIO:
    """Open `path` for reading, refusing at once anything but a regular file.

    Opened without blocking, so that a FIFO given as a file raises SpecialFileError instead
    of waiting forever for a writer, and a device (/dev/zero) is never read.
    """
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise SpecialFileError(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(handle, True)
        return os.fdopen(handle, "rb")
    except BaseException:
        os.close(handle)
        raise


def special_file_message(path: Path | str) -> str:
    """Give the sentence for a path that names a pipe or a device instead of a file."""
    return _(
        "{path}: is not a regular file (a named pipe or a device?); give a file",
        path=path,
    )


def _key_path(where: tuple[Any, ...]) -> str:
    text = ""
    for part in where:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or _("(top)")


def _check_values(value: Any, path: str, where: tuple[Any, ...]) -> None:
    """Raise ReferenceDataError for nan, inf, a number past MAX_NUMBER or deep nesting."""
    if len(where) > MAX_DEPTH:
        raise ReferenceDataError(
            _(
                "{path}: {key} is nested more than {most} tables or lists deep",
                path=path,
                key=_key_path(where),
                most=MAX_DEPTH,
            )
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _check_values(item, path, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_values(item, path, (*where, index))
    elif isinstance(value, float) and not math.isfinite(value):
        raise ReferenceDataError(
            _(
                "{path}: {key} must be a number, got {value}",
                path=path,
                key=_key_path(where),
                value=value,
            )
        )
    elif isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise ReferenceDataError(
            _(
                "{path}: {key} = {value} is far too large for a reference value (at most {most})",
                path=path,
                key=_key_path(where),
                value=_short_number(value),
                most=MAX_NUMBER,
            )
        )


def _short_number(value: float) -> str:
    """Give a huge number short: 1e+30, or about 10^400 (str() of one fails past 4,300 digits)."""
    if isinstance(value, int) and value.bit_length() > 60:
        return _("about 10^{power}", power=int(value.bit_length() * 0.30103))
    return f"{value:.3g}"


class MissingReferenceKey(ReferenceDataError, KeyError):
    """A key a reference file should have is missing (a KeyError for callers that expect one)."""

    def __str__(self) -> str:
        return str(self.args[0])


class WrongReferenceType(ReferenceDataError, AttributeError):
    """A reference file gives a table where a text or a number was expected."""

    def __str__(self) -> str:
        return str(self.args[0])


class ReferenceTable(dict):
    """A table of a reference file that knows where it is, for clear errors.

    `table[key]` for a missing key raises MissingReferenceKey naming the file and the key;
    using the table as if it were text (`table.casefold()`) raises WrongReferenceType.
    """

    def __init__(self, values: dict[str, Any], path: str, where: tuple[Any, ...]):
        super().__init__(values)
        self.reference_path = path
        self.reference_where = where

    def __missing__(self, key: Any) -> Any:
        raise MissingReferenceKey(
            _(
                "{path}: {key} is missing",
                path=self.reference_path,
                key=_key_path((*self.reference_where, key)),
            )
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise WrongReferenceType(
            _(
                "{path}: {key} is a table where a text or a number was expected",
                path=self.reference_path,
                key=_key_path(self.reference_where),
            )
        )


def _strict(value: Any, path: str, where: tuple[Any, ...]) -> Any:
    if isinstance(value, dict):
        return ReferenceTable(
            {k: _strict(v, path, (*where, k)) for k, v in value.items()}, path, where
        )
    if isinstance(value, list):
        return [_strict(v, path, (*where, i)) for i, v in enumerate(value)]
    return value


def _check_planning(data: dict[str, Any], path: str) -> None:
    """Refuse a planning.toml whose window or day counts pass the [plan] limits."""
    from mentes_cli.limits import limit

    window = data.get("window")
    days = window.get("default_days") if isinstance(window, dict) else None
    most = limit("plan", "max_days")
    if isinstance(days, int) and days > most:
        raise ReferenceDataError(
            _(
                "{path}: window.default_days = {days} is longer than the {most} days mentes "
                "plans at once",
                path=path,
                days=days,
                most=most,
            )
        )
    _check_visit_counts(data.get("coaching_days"), path, "coaching_days")


def _check_tariffs(data: dict[str, Any], path: str) -> None:
    """Refuse a tariffs.toml whose day counts pass [plan] max_visits_per_traject."""
    for offer in data.get("free_offers", []) if isinstance(data.get("free_offers"), list) else []:
        if isinstance(offer, dict):
            _check_visit_counts(
                offer.get("days"), path, _("free offer {code}: days", code=offer.get("code"))
            )
    for package in data.get("packages", []) if isinstance(data.get("packages"), list) else []:
        blocks = package.get("visits") if isinstance(package, dict) else None
        counts = (
            [b.get("count") for b in blocks if isinstance(b, dict)]
            if isinstance(blocks, list)
            else None
        )
        if counts is not None:
            total = sum(c for c in counts if isinstance(c, int))
            _check_visit_counts(
                [total], path, _("package {code}: visits", code=package.get("code"))
            )


def _check_visit_counts(visits: Any, path: str, what: str) -> None:
    from mentes_cli.limits import limit

    most = limit("plan", "max_visits_per_traject")
    if isinstance(visits, list):
        for count in visits:
            if isinstance(count, int) and count > most:
                raise ReferenceDataError(
                    _(
                        "{path}: {what} holds {count}; a traject has at most {most} visits",
                        path=path,
                        what=what,
                        count=count,
                        most=most,
                    )
                )


def parameter_at(
    entries: list[dict[str, Any]], as_of: date, what: str, *, prices: bool = False
) -> dict[str, Any]:
    """Give the entry with the newest `valid_from` on or before `as_of`.

    `entries` is a list of tables, each with a `valid_from` date; `what` names them in errors.
    A date before every `valid_from` is said as the coordinator meets it, as a date mentes has
    no rules for (`prices`: no prices for) yet; the file and its keys are not named, since the
    date is what to change.
    """
    in_force = [e for e in entries if e.get("valid_from") and e["valid_from"] <= as_of]
    if not in_force:
        dated = [e["valid_from"] for e in entries if isinstance(e.get("valid_from"), date)]
        if dated:
            earliest = min(dated)
            if prices:
                message = _(
                    "the price list starts {earliest}; there are no prices for {day}. Give a "
                    "date on or after {earliest}",
                    earliest=i18n.day(earliest),
                    day=i18n.day(as_of),
                )
            else:
                message = _(
                    "mentes knows the rules only from {earliest}, not for {day}. Give a date "
                    "on or after {earliest}",
                    earliest=i18n.day(earliest),
                    day=i18n.day(as_of),
                )
            raise ReferenceDataError(message)
        raise ReferenceDataError(
            _("{what}: no value in force on {day} (no valid_from)", what=what, day=i18n.day(as_of))
        )
    return max(in_force, key=lambda e: e["valid_from"])
