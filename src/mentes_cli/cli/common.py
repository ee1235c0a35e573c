"""What every command shares: options, consoles, loading records and the error handler.

This package is the only place that knows about Typer, Rich consoles and exit codes.
Heavy modules (pydantic models, openpyxl, the engines) are imported inside the commands,
so that `mentes --help` stays fast.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mentes_cli.errors import MentesError, UsageError
from mentes_cli.i18n import _

if TYPE_CHECKING:
    from mentes_cli.load import DataSource, Loaded


class LazyConsole:
    """A Rich console made on first use, so that `mentes --version` need not import Rich."""

    def __init__(self, **options: Any):
        object.__setattr__(self, "_options", options)
        object.__setattr__(self, "_console", None)

    def _made(self):
        console = object.__getattribute__(self, "_console")
        if console is None:
            from rich.console import Console

            console = Console(**object.__getattribute__(self, "_options"))
            object.__setattr__(self, "_console", console)
        return console

    @property
    def real(self):
        """Give the Rich console itself, for Rich objects that need one (a progress bar)."""
        return self._made()

    def print(self, *objects: Any, soft_wrap: bool | None = None, **options: Any) -> None:
        """Print as Rich does; in a terminal running text always wraps between words.

        `soft_wrap=True` keeps a long line whole for scripts and logs when the output is a pipe
        or a file; a terminal would cut such a line anywhere (`ikt_p|laces`), so there Rich
        wraps it at the terminal's width instead.
        """
        console = self._made()
        if console.is_terminal:
            soft_wrap = False
        console.print(*objects, soft_wrap=soft_wrap, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._made(), name, value)

    # A real property, so that tools that set and restore the width (monkeypatch) see one.
    width = property(
        lambda self: self._made().width,
        lambda self, value: setattr(self._made(), "width", value),
    )


stdout = LazyConsole(highlight=False, soft_wrap=False)
stderr = LazyConsole(stderr=True, highlight=False, soft_wrap=True)


class State:
    """Options of the top-level callback that every command can see."""

    debug = False
    # Whether a command's error handler said that Ctrl-C stopped it (main says it otherwise).
    said_interrupted = False


class OutputFormat(StrEnum):
    """How records are printed: a Rich table for people, JSON or CSV for scripts."""

    table = "table"
    json = "json"
    csv = "csv"


_DAY_FIRST = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})")


def parse_date(value: str | None) -> date | None:
    """Give the date of an option value: 2027-03-10, 10/03/2027 or 10-03-2027 (day first).

    A usage error otherwise, in the coordinator's language (SPEC 7).
    """
    if value is None:
        return None
    text = value.strip()
    try:
        day_first = _DAY_FIRST.fullmatch(text)
        if day_first:
            day = date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
        else:
            day = date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            _(
                "'{value}' is not a date that exists; write a date such as 2027-03-10 or "
                "10/03/2027",
                value=value,
            )
        ) from None
    # Periods of years are added to these dates (two years for coaching): keep far from the
    # ends of the calendar.
    if not EARLIEST_OPTION_DATE <= day <= LATEST_OPTION_DATE:
        raise typer.BadParameter(
            _(
                "'{value}' lies outside the years {first} to {last} that mentes plans and "
                "decides for",
                value=value,
                first=EARLIEST_OPTION_DATE.year,
                last=LATEST_OPTION_DATE.year,
            )
        )
    return day


EARLIEST_OPTION_DATE = date(1900, 1, 1)  # as models.EARLIEST_DAY, without importing pydantic
LATEST_OPTION_DATE = date(2999, 12, 31)


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help=_(
            "A data folder of TOML files or an .xlsx workbook. Default: $MENTES_DATA, "
            "else ./data when it holds records, else the bundled sample."
        ),
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", help=_("table for people; json or csv for scripts (stdout only).")),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help=_("Decide as of this date (2027-03-10 or 10/03/2027). Default: today."),
        callback=parse_date,
        show_default=False,
    ),
]
CsvRawOption = Annotated[
    bool,
    typer.Option(
        "--csv-raw",
        help=_(
            "CSV: write text as it is. By default text that a spreadsheet would run as a "
            "formula (starting with =, +, -, @) gets a leading ' so that it stays text."
        ),
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help=_("Replace the output file when it exists."))
]


# Control characters, and the invisible ones that change how text reads: bidirectional
# overrides and isolates (U+202E shows an id reversed), zero-width spaces and joiners, the
# byte-order mark. Record text is printed with each of them replaced by U+FFFD, so that two
# ids that differ only by one look different, and nothing steers the terminal.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def clean(text: Any) -> str:
    """Give record text safe to print through Rich: no markup, no terminal control codes."""
    from rich.markup import escape

    return escape(_CONTROL.sub("�", str(text)))


def plain(text: Any) -> str:
    """Give text (a path, an id) safe to print without markup: controls become U+FFFD."""
    return _CONTROL.sub("�", str(text))


def notice(message: str) -> None:
    """Print a notice (what was used, warnings) on stderr, never on stdout.

    Warnings quote record text (ids, names): markup is off, and terminal control codes are
    replaced, because Rich passes ESC and the C1 controls through even without markup.
    """
    stderr.print(_CONTROL.sub("�", message), markup=False)


REFERENCE_FILES = (
    "offers.toml",
    "tariffs.toml",
    "centre.toml",
    "rules.toml",
    "regions.toml",
    "planning.toml",
)


def use_reference_data(data: Path | None) -> DataSource:
    """Give the records' source and let its folder's reference files win over the bundled ones.

    Says on stderr which reference file of the folder is used instead of the bundled one.
    """
    from mentes_cli.load import resolve_source
    from mentes_cli.reference import bundled_data_dir, reference_path, set_override_dir

    source = resolve_source(data)
    set_override_dir(source.path if source.path.is_dir() else None)
    for name in REFERENCE_FILES:
        if reference_path(name).parent != bundled_data_dir():
            notice(_("Using {path}", path=reference_path(name)))
    return source


def describe_source(source: DataSource) -> str:
    """Give which records are used, in words: a path and why, or "the bundled sample records".

    The bundled sample lives deep inside the installed package; its path says nothing to a
    coordinator.
    """
    from mentes_cli.i18n import _
    from mentes_cli.reference import sample_records_dir

    try:
        is_sample = source.path.resolve() == sample_records_dir().resolve()
    except OSError:
        is_sample = False
    if is_sample:
        return _("the bundled sample records")
    return _("{path} ({reason})", path=source.path, reason=source.reason)


def warn_broken_visits(records) -> None:
    """Warn about every committed visit that now breaks a rule (a closure or leave added after
    the commit, a visit edited by hand or put back by undo): the one check of `plan
    --check-records`; `mentes plan` moves what it can."""
    from mentes_cli.plan.check import check_committed
    from mentes_cli.plan.model import said

    for violation in check_committed(records):
        notice(
            _(
                "Warning: a committed visit breaks a rule: {problem}",
                problem=said(violation.message),
            )
        )


def load(data: Path | None) -> Loaded:
    """Give the records the user asked for, telling on stderr which were used."""
    from mentes_cli.i18n import _
    from mentes_cli.load import load_records

    source = use_reference_data(data)
    loaded = load_records(source)
    notice(_("Records: {source}", source=describe_source(source)))
    for line in loaded.notices:
        notice(line)
    return loaded


# Longer words than this (a path of 6,000 characters) are shortened in messages.
LONGEST_WORD = 200


def shorten(text: str) -> str:
    """Give `text` with each word longer than LONGEST_WORD cut in its middle (a huge path)."""

    def cut(match: re.Match[str]) -> str:
        word = match.group(0)
        return _(
            "{head}…{tail} ({count} characters)",
            head=word[:60],
            tail=word[-60:],
            count=len(word),
        )

    return re.sub(rf"[^\s:,]{{{LONGEST_WORD + 1},}}", cut, text)


def _shown(text: Any) -> str:
    return shorten(_CONTROL.sub("�", str(text)))


def report_error(exc: MentesError) -> None:
    """Print a mentes error as the user should see it: plain lines on stderr."""
    from mentes_cli.errors import InputError

    if isinstance(exc, InputError) and len(exc.problems) > 1:
        stderr.print(_("Error: {count} problems found:", count=len(exc.problems)), markup=False)
        for problem in exc.problems:
            stderr.print(f"  {_shown(problem)}", markup=False)
    else:
        stderr.print(_("Error: {message}", message=_shown(exc)), markup=False)


# Errors of the system that say the output could not be written (stdout to a full disk,
# to /dev/full, to a closed pipe).
_OUTPUT_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _system_error(exc: OSError) -> str | None:
    """Give the message for an error of the system a user can act on, or None."""
    where = exc.filename
    from mentes_cli.i18n import system_reason

    reason = system_reason(exc)
    if where is None and exc.errno in _OUTPUT_FULL:
        return _(
            "the output could not be written: {reason} (is the disk full, or is the output "
            "sent to a full device?)",
            reason=reason,
        )
    if where is None:
        return None
    if exc.errno == errno.ENAMETOOLONG:
        return _(
            "{path}: the path is too long for the system ({reason}); give a shorter one",
            path=where,
            reason=reason,
        )
    if isinstance(exc, PermissionError):
        return _(
            "{path}: permission denied; mentes may not read this file or look inside this "
            "folder (ask who manages it, or copy it to a folder of your own)",
            path=where,
        )
    if exc.errno in _OUTPUT_FULL:
        return _("{path}: cannot be written: {reason}", path=where, reason=reason)
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP, errno.EROFS, errno.EISDIR):
        return _("{path}: {reason}", path=where, reason=reason)
    return None


# Which modules read which reference file: an error of the wrong type raised inside one of
# them, while the --data folder holds its own copy of the file, comes from that copy.
_READERS = {
    "rules.toml": ("eligibility", "plan.planner", "plan.check", "plan.reasons"),
    "regions.toml": ("regions", "eligibility", "plan.constraints", "plan.planner"),
    "planning.toml": ("plan", "offers", "export.schedule"),
    "tariffs.toml": ("tariffs", "quote", "export.offerte"),
    "centre.toml": ("quote", "letters", "export.offerte"),
    "offers.toml": ("offers", "tariffs", "quote", "models"),
}


def _reference_at_fault(exc: BaseException) -> list[str]:
    """Give the --data folder's reference files whose readers raised `exc`."""
    from mentes_cli.reference import bundled_data_dir, reference_path

    modules = set()
    trace = exc.__traceback__
    while trace is not None:
        name = trace.tb_frame.f_globals.get("__name__", "")
        if name.startswith("mentes_cli."):
            modules.add(name.removeprefix("mentes_cli."))
        trace = trace.tb_next
    found = []
    for file, readers in _READERS.items():
        path = reference_path(file)
        if path.parent == bundled_data_dir():
            continue
        if any(m == r or m.startswith(f"{r}.") for m in modules for r in readers):
            found.append(str(path))
    return found


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the exit does not fail again flushing it."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def handle_errors(command):
    """Wrap a command so that mentes errors become a message and an exit status."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        _forget_writes()
        try:
            return command(*args, **kwargs)
        except MentesError as exc:
            if State.debug:
                raise
            report_error(exc)
            raise typer.Exit(code=2 if isinstance(exc, UsageError) else 1) from None
        except KeyboardInterrupt:
            stderr.print(interrupted_message(), markup=False)
            State.said_interrupted = True
            raise typer.Exit(code=130) from None
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except BrokenPipeError:
            # The reader of the output went away (`mentes ... | head`): nothing to say.
            _quiet_stdout()
            raise typer.Exit(code=1) from None
        except OSError as exc:
            if State.debug:
                raise
            message = _system_error(exc)
            if message is None:
                _internal(exc)
            if exc.filename is None:
                _quiet_stdout()
            stderr.print(_("Error: {message}", message=_shown(message)), markup=False)
            raise typer.Exit(code=1) from None
        except Exception as exc:
            # A bug of ours, not the user's input: say so plainly, keep the traceback for --debug.
            if State.debug:
                raise
            files = _reference_at_fault(exc) if isinstance(exc, _SHAPE_ERRORS) else []
            if files:
                detail = f"{type(exc).__name__}: {exc}"
                message = _(
                    "{files}: a value has the wrong type or shape ({detail}); compare "
                    "it with the bundled file of the same name",
                    files=", ".join(files),
                    detail=detail,
                )
                stderr.print(_("Error: {message}", message=_shown(message)), markup=False)
                raise typer.Exit(code=1) from None
            _internal(exc)

    return wrapper


def _forget_writes() -> None:
    """Let the writes of this command alone count for `_interrupted` (a test's process runs
    many commands)."""
    for name, forget in (
        ("mentes_cli.output", "forget_written"),
        ("mentes_cli.records.store", "forget_changed"),
    ):
        module = sys.modules.get(name)  # not imported: nothing written by it
        if module is not None:
            getattr(module, forget)()


def interrupted_message() -> str:
    """Give what to say when Ctrl-C stops the command: whether it wrote anything, truly."""
    store = sys.modules.get("mentes_cli.records.store")
    output = sys.modules.get("mentes_cli.output")
    changed = store.changed_records() if store is not None else []
    written = output.written_files() if output is not None else []
    if changed:
        return _(
            "Interrupted, but the change was written to {path} already: mentes history shows "
            "it, mentes undo takes it back.",
            path=plain(changed[-1]),
        )
    if written:
        return _(
            "Interrupted, but written already: {paths}.",
            paths=", ".join(plain(path) for path in dict.fromkeys(written)),
        )
    return _("Interrupted; nothing was written.")


# What reading a value of the wrong type raises (a text where a table was expected).
_SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError, ValueError, ArithmeticError)


def _internal(exc: BaseException) -> None:
    detail = f"{type(exc).__name__}: {_shown(exc)}"
    stderr.print(
        _(
            "Error: internal error ({detail}). Nothing was written. Run again with --debug "
            "and report the traceback.",
            detail=detail,
        ),
        markup=False,
    )
    raise typer.Exit(code=1) from None


def is_interactive() -> bool:
    """Give whether stderr is a terminal (for progress bars)."""
    return sys.stderr.isatty() and not os.environ.get("CI")


# --- tables that fit the terminal ------------------------------------------------------------

# A column of names or running text that would get narrower than this gives way instead.
NAME_MIN_WIDTH = 12


class FitColumn:
    """One column of a table that fits the terminal (see `fitted_table`).

    `give_way` orders the columns that may be left out when the table is too wide: the lowest
    goes first; None: never left out (ids, dates, amounts, hours). A column that `wraps`
    (names, running text) may wrap between words; every other column shows its values whole.
    """

    __slots__ = ("give_way", "header", "justify", "wraps")

    def __init__(
        self, header: str, *, give_way: int | None = None, justify: str = "left", wraps=False
    ):
        self.header = header
        self.give_way = give_way
        self.justify = justify
        self.wraps = wraps


def fitted_table(
    console: Any, columns: list[FitColumn], rows: list[list[str] | None], **table_options: Any
):
    """Give a Rich table of `rows` that fits the console's width without cutting a value.

    A row None starts a new section (a line between groups of rows).

    Columns that do not wrap get the width of their longest value (so no id, date or figure is
    ever cut); columns that wrap need their longest word, at least NAME_MIN_WIDTH. While the
    table needs more than the console's width, the column with the lowest `give_way` is left
    out. The widths come from the values themselves, so a longer word in another language
    chooses another layout by itself.
    """
    from rich.cells import cell_len
    from rich.measure import Measurement
    from rich.table import Table

    def build(shown: list[int]) -> Table:
        table = Table(**table_options)
        for index in shown:
            column = columns[index]
            values = [column.header, *(row[index] for row in rows if row is not None)]
            lines = [line for value in values for line in value.split("\n")]
            if column.wraps:
                longest_word = max((cell_len(w) for line in lines for w in line.split()), default=1)
                longest = max((cell_len(line) for line in lines), default=1)
                minimum = min(longest, max(longest_word, NAME_MIN_WIDTH))
                table.add_column(
                    column.header, justify=column.justify, min_width=minimum, overflow="fold"
                )
            else:
                minimum = max((cell_len(line) for line in lines), default=1)
                table.add_column(
                    column.header, justify=column.justify, min_width=minimum, no_wrap=True
                )
        for row in rows:
            if row is None:
                table.add_section()
            else:
                table.add_row(*(row[index] for index in shown))
        return table

    shown = list(range(len(columns)))
    width = console.width
    # Measured without the console's width as a limit (console.measure stops at it).
    unlimited = console.options.update_width(10_000)
    while True:
        table = build(shown)
        droppable = [i for i in shown if columns[i].give_way is not None]
        if not droppable or Measurement.get(console, unlimited, table).minimum <= width:
            return table
        shown.remove(min(droppable, key=lambda i: columns[i].give_way))


def short_weekday(day: date) -> str:
    """Give the weekday's short name in the chosen language: "Mon", "ma"."""
    from babel.dates import format_date

    from mentes_cli.i18n import locale

    return format_date(day, "EEE", locale=locale()).rstrip(".")
