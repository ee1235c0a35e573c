"""`mentes export`, `mentes import` and `mentes template`: records between TOML and Excel."""

from __future__ import annotations

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


def _workbook_target(path: Path, what: str) -> None:
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{what} {path} must end in .xlsx (an Excel workbook)")


def _summary(records) -> str:
    return (
        f"{len(records.organisations)} organisations, {len(records.locations())} locations, "
        f"{len(records.coaches)} coaches, {len(records.trajects)} trajects"
    )


@app.command("export")
@handle_errors
def export(
    to: Annotated[
        Path,
        typer.Option("--to", help="The workbook to write (.xlsx).", show_default=False),
    ],
    data: DataOption = None,
    force: ForceOption = False,
) -> None:
    """Write the records as one Excel workbook (Dutch headers and values, SPEC 2.2)."""
    from mentes_cli.export.records_xlsx import write_records_workbook
    from mentes_cli.load import resolve_source
    from mentes_cli.output import check_output_path

    _workbook_target(to, "--to")
    check_output_path(to, force=force, inputs=[resolve_source(data).path])
    loaded = load(data)
    for line in write_records_workbook(loaded.records, to):
        notice(line)
    stdout.print(f"Wrote {plain(to)}: {_summary(loaded.records)}.", markup=False, soft_wrap=True)


@app.command("import")
@handle_errors
def import_(
    workbook: Annotated[
        Path, typer.Argument(help="The workbook to read (.xlsx).", show_default=False)
    ],
    to: Annotated[
        Path,
        typer.Option(
            "--to",
            help="The folder for organisations.toml, coaches.toml and trajects.toml "
            "(made when missing).",
            show_default=False,
        ),
    ],
    force: ForceOption = False,
) -> None:
    """Convert a workbook into TOML record files; nothing is written when it has a problem."""
    from mentes_cli.export.records_toml import write_record_files
    from mentes_cli.load import DataSource, load_records
    from mentes_cli.reference import set_override_dir

    if workbook.is_dir():
        raise UsageError(f"{workbook} is a folder; give the .xlsx workbook to import")
    set_override_dir(None)
    loaded = load_records(DataSource(workbook, "the workbook to import"))
    for line in loaded.notices:
        notice(line)
    _fits_the_limits(loaded.records, workbook.name)
    written = write_record_files(
        loaded.records, to, force=force, origin=workbook.name, inputs=[workbook]
    )
    stdout.print(
        f"Wrote {', '.join(plain(p) for p in written)}: {_summary(loaded.records)}.",
        markup=False,
        soft_wrap=True,
    )


def _fits_the_limits(records, origin: str) -> None:
    """Refuse to write a record file that `validate` would refuse as too large (limits.toml)."""
    from mentes_cli.export.records_toml import records_toml
    from mentes_cli.limits import check_file_bytes

    for name, text in records_toml(records, origin).items():
        check_file_bytes(name, len(text.encode("utf-8")))


@app.command("template")
@handle_errors
def template(
    target: Annotated[
        Path, typer.Argument(help="The workbook to write (.xlsx).", show_default=False)
    ],
    force: ForceOption = False,
) -> None:
    """Write an empty workbook to fill in: headers, drop-down lists and a Dutch explanation."""
    from mentes_cli.export.records_xlsx import write_template
    from mentes_cli.output import check_output_path

    _workbook_target(target, "the template")
    check_output_path(target, force=force)
    write_template(target)
    stdout.print(
        f"Wrote {plain(target)}: an empty workbook to fill in (see its sheet Uitleg).",
        markup=False,
        soft_wrap=True,
    )
