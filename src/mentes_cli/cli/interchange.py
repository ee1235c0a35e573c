"""`mentes export`, `mentes import` and `mentes template`: records between TOML and Excel."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from mentes_cli.cli import app
from mentes_cli.cli.common import (
    DataOption,
    ForceOption,
    handle_errors,
    load,
    notice,
    plain,
    stdout,
)
from mentes_cli.errors import UsageError
from mentes_cli.i18n import _


def _workbook_target(path: Path, message: str) -> None:
    if path.suffix.lower() != ".xlsx":
        raise UsageError(message)


@app.command(
    "export",
    help=_("Write the records as one Excel workbook (Dutch headers and values, as import reads)."),
)
@handle_errors
def export(
    to: Annotated[
        Path,
        typer.Option("--to", help=_("The workbook to write (.xlsx)."), show_default=False),
    ],
    data: DataOption = None,
    force: ForceOption = False,
) -> None:
    from mentes_cli.export.cells import save_workbook
    from mentes_cli.export.records_xlsx import records_workbook
    from mentes_cli.letters.memory import add_to_sheet, remembered_of
    from mentes_cli.load import resolve_source, summary
    from mentes_cli.output import check_output_path, outputs_together
    from mentes_cli.records import RecordStore

    _workbook_target(to, _("--to {path} must end in .xlsx (an Excel workbook)", path=to))
    source = resolve_source(data).path
    check_output_path(to, force=force, inputs=[source])
    loaded = load(data)
    # The history goes along as the sheet Historiek (SPEC 8): a change by mentes to the new
    # workbook appends to it, `import` gives it back as history.toml.
    history = RecordStore(source).history()
    # The memory of letters sent goes along as the sheet Brieven (SPEC 9), so that the new
    # workbook does not write every letter again.
    remembered = remembered_of(source)
    workbook, notices = records_workbook(loaded.records, history)
    if remembered:
        add_to_sheet(workbook, remembered, to.name)
    with outputs_together():
        for line in notices:
            notice(line)
        save_workbook(workbook, to)
    stdout.print(
        _("Wrote {path}: {summary}.", path=plain(to), summary=summary(loaded.records)),
        markup=False,
        soft_wrap=True,
    )


@app.command(
    "import",
    help=_("Convert a workbook into TOML record files; nothing is written when it has a problem."),
)
@handle_errors
def import_(
    workbook: Annotated[
        Path,
        typer.Argument(
            help=_("The workbook to read (.xlsx)."), metavar=_("WORKBOOK"), show_default=False
        ),
    ],
    to: Annotated[
        Path,
        typer.Option(
            "--to",
            help=_(
                "The folder for organisations.toml, coaches.toml and trajects.toml "
                "(made when missing)."
            ),
            show_default=False,
        ),
    ],
    force: ForceOption = False,
) -> None:
    from mentes_cli.export.records_toml import records_toml, write_record_files
    from mentes_cli.letters.memory import carried_memory
    from mentes_cli.load import DataSource, load_records, summary
    from mentes_cli.output import check_output_path, outputs_together, write_atomically
    from mentes_cli.records import RecordStore
    from mentes_cli.records.history import HISTORY_FILE, entries_toml
    from mentes_cli.records.store import BACKUP_FOLDER
    from mentes_cli.reference import set_override_dir

    if workbook.is_dir():
        raise UsageError(_("{path} is a folder; give the .xlsx workbook to import", path=workbook))
    set_override_dir(None)
    loaded = load_records(DataSource(workbook, _("the workbook to import")))
    for line in loaded.notices:
        notice(line)
    _fits_the_limits(loaded.records, workbook.name)
    carried = carried_memory(workbook, to)  # the letters sent (sheet Brieven), along
    history = RecordStore(workbook).history()  # its sheet Historiek, as history.toml
    # Over records (--force) the import is a change like any other (SPEC 8): under their
    # lock, each file it replaces kept in backup/, and `mentes undo` gives them back.
    texts = None
    if force and _holds_records(to):
        texts = records_toml(loaded.records, workbook.name)
        if history:
            texts[HISTORY_FILE] = entries_toml(list(history), first=True)
        for name in texts:  # never over the workbook read (a link to it, say)
            check_output_path(to / name, force=True, inputs=[workbook])
    replacing = (
        RecordStore(to).replacing(f"import {workbook.name}")
        if texts is not None
        else contextlib.nullcontext()
    )
    with replacing as replace, outputs_together():
        if replace is None:
            written = write_record_files(
                loaded.records,
                to,
                force=force,
                origin=workbook.name,
                inputs=[workbook],
                history=history,
            )
        else:
            replace({name: text.encode("utf-8") for name, text in texts.items()})
            written = [to / name for name in texts]
        if carried:  # checked once the folder is there (made above when missing)
            check_output_path(carried[0], force=force, inputs=[workbook])
            write_atomically(*carried)
            written = [*written, carried[0]]
    stdout.print(
        _(
            "Wrote {path}: {summary}.",
            path=", ".join(plain(p) for p in written),
            summary=summary(loaded.records),
        ),
        markup=False,
        soft_wrap=True,
    )
    if replace is not None:
        notice(
            _(
                "The files the import replaced are kept in {folder}; mentes undo --data {path} "
                "gives them back.",
                folder=plain(to / BACKUP_FOLDER),
                path=plain(to),
            )
        )


def _holds_records(folder: Path) -> bool:
    """Give whether `folder` holds a record file that an import would replace."""
    from mentes_cli.export.records_toml import RECORD_FILES
    from mentes_cli.records.history import HISTORY_FILE

    return folder.is_dir() and any(
        (folder / name).is_file() for name in (*RECORD_FILES, HISTORY_FILE)
    )


def _fits_the_limits(records, origin: str) -> None:
    """Refuse to write a record file that `validate` would refuse as too large (limits.toml)."""
    from mentes_cli.export.records_toml import records_toml
    from mentes_cli.limits import check_file_bytes

    for name, text in records_toml(records, origin).items():
        check_file_bytes(name, len(text.encode("utf-8")))


@app.command(
    "template",
    help=_("Write an empty workbook to fill in: headers, drop-down lists and a Dutch explanation."),
)
@handle_errors
def template(
    target: Annotated[
        Path,
        typer.Argument(
            help=_("The workbook to write (.xlsx)."), metavar=_("WORKBOOK"), show_default=False
        ),
    ],
    force: ForceOption = False,
) -> None:
    from mentes_cli.export.records_xlsx import write_template
    from mentes_cli.output import check_output_path

    _workbook_target(
        target, _("the template {path} must end in .xlsx (an Excel workbook)", path=target)
    )
    check_output_path(target, force=force)
    write_template(target)
    stdout.print(
        _(
            "Wrote {path}: an empty workbook to fill in (see its sheet Uitleg).",
            path=plain(target),
        ),
        markup=False,
        soft_wrap=True,
    )
