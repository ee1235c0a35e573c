"""The errors mentes raises; the command layer turns each into a one-line message and exit 1."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from mentes_cli.i18n import Named


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the input: where it is, which field, what was found and expected."""

    source: str
    row: int | None = None
    record: str | None = None
    field: str | None = None
    message: str = ""
    row_word: str = "line"

    def __str__(self) -> str:
        from mentes_cli.i18n import _

        parts = [self.source]
        if self.row is not None:
            # The word is kept in English ("row" of a sheet, "line" of a file) and said in
            # the language of the run.
            word = {"row": _("row"), "line": _("line")}.get(self.row_word, self.row_word)
            parts.append(f"{word} {self.row}")
        if self.record:
            parts.append(self.record)
        if self.field:
            parts.append(self.field)
        where = ", ".join(parts)
        return f"{where}: {self.message}" if self.message else where


# How the records at hand are written, for naming their fields in messages: "toml" (a folder
# of TOML files), "workbook" (a records workbook) or "options" (a quick check: no records,
# only options on the command line). Set by the loader; TOML until records are read.
_records_form = "toml"


def name_fields_as(form: str) -> None:
    """Let messages name record fields as the records at hand show them (`_records_form`)."""
    global _records_form
    _records_form = form


class FieldName(Named):
    """A record field named in a message. The string itself is the TOML key, what JSON and CSV
    carry; said to a person it is what the coordinator sees (SPEC 7): the workbook's header
    ("Subsidietrap") for a workbook, the header with the key in brackets for TOML in Dutch
    ("Subsidietrap (subsidy_step)"), the option for a quick check ("--subsidy-step")."""

    __slots__ = ("kind",)

    kind: str

    def said(self) -> str:
        from mentes_cli.load.vocabulary import field_label

        return field_label(self.kind, str.__str__(self), _records_form)


def field_name(kind: str, key: str) -> FieldName:
    """Give field `key` of a record of `kind` ("locations", "trajects") for a message."""
    name = FieldName.__new__(FieldName, key)
    name.names = MappingProxyType({})
    name.kind = kind
    return name


class MentesError(Exception):
    """Base class of every error that mentes reports to the user as a message."""


class InputError(MentesError):
    """The records or a file given as input are wrong; carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(source=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = sorted(set(problems), key=_problem_order(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def _problem_order(problems: list[Problem]):
    first_seen = {p: i for i, p in reversed(list(enumerate(problems)))}
    return lambda p: first_seen[p]


class ReferenceDataError(MentesError):
    """A reference file in data/ (tariffs, rules, regions, planning, centre) is wrong."""


class OutputError(MentesError):
    """An output file cannot be written (exists, is an input, is locked or read-only)."""


class UsageError(MentesError):
    """The command line asks for something that cannot be done (shown with exit status 2)."""


class RecordsBusyError(MentesError):
    """The records are being changed by someone else (mentes, Excel or LibreOffice)."""


class RecordsChangedError(MentesError):
    """The records changed on disk after mentes read them; nothing was written."""


class UnsafeWorkbookError(MentesError):
    """A records workbook holds parts that openpyxl would drop or break on saving."""


class RecordChangeError(MentesError):
    """A change to the records cannot be made (an unknown traject, nothing to undo)."""


class LifecycleError(MentesError):
    """A traject cannot make the move asked for (SPEC 8); the message names the moves it can."""
