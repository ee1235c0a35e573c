"""Where records come from, and loading them from a data directory or a workbook."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mentes_cli.errors import InputError
from mentes_cli.models import Records

ENV_VAR = "MENTES_DATA"


@dataclass(frozen=True)
class DataSource:
    """The records to use: a folder or a workbook, and why it was chosen."""

    path: Path
    reason: str

    @property
    def is_workbook(self) -> bool:
        """Give whether the source is an Excel workbook rather than a folder."""
        return self.path.suffix.lower() in (".xlsx", ".xlsm") or self.path.is_file()

    def describe(self) -> str:
        """Give a short sentence that says which records are used."""
        from mentes_cli.i18n import _

        return _("Records: {path} ({reason})", path=self.path, reason=self.reason)


@dataclass
class Loaded:
    """Records loaded from a source, with the notices the loader had for the user."""

    records: Records
    source: DataSource
    notices: list[str] = field(default_factory=list)


def resolve_source(
    data: Path | None, env: dict[str, str] | None = None, cwd: Path | None = None
) -> DataSource:
    """Give the source: --data, else MENTES_DATA, else ./data with records, else the sample."""
    from mentes_cli.i18n import _
    from mentes_cli.load.toml_records import holds_records
    from mentes_cli.reference import sample_records_dir

    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    if data is not None:
        return DataSource(data, "--data")
    if env.get(ENV_VAR):
        return DataSource(Path(env[ENV_VAR]), _("from {variable}", variable=ENV_VAR))
    local = cwd / "data"
    if local.is_dir() and holds_records(local):
        return DataSource(local, _("./data holds records"))
    return DataSource(sample_records_dir(), _("the bundled sample records"))


def load_records(source: DataSource, today: date | None = None) -> Loaded:
    """Give the validated records of `source`, or raise InputError listing every problem.

    `today`: also report the visits marked done that are still ahead (`mentes validate`)."""
    # Loading makes many small objects that all stay alive: the cyclic garbage collector's
    # passes over them find nothing and cost 5-10 % of a network-sized load.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(source, today)
    finally:
        if collecting:
            gc.enable()


def _load(source: DataSource, today: date | None) -> Loaded:
    path = source.path
    if not path.exists():
        from mentes_cli.i18n import _

        raise InputError(
            _("{path}: no such file or folder ({reason})", path=path, reason=source.reason)
        )
    from mentes_cli.errors import name_fields_as

    name_fields_as("toml" if path.is_dir() else "workbook")
    if path.is_dir():
        from mentes_cli.load.toml_records import (
            load_toml_folder,
            missing_record_files,
            visit_warnings,
        )

        records = load_toml_folder(path, today)
        return Loaded(records, source, [*missing_record_files(path), *visit_warnings(records)])
    from mentes_cli.limits import check_counts
    from mentes_cli.load.excel_records import load_workbook_records

    records, notices = load_workbook_records(path, today)
    check_counts(str(path), record_counts(records))
    return Loaded(records, source, notices)


def summary(records: Records) -> str:
    """Give how many records of each kind there are, in words: "14 organisations, …, 0 visits"."""
    from mentes_cli.i18n import n_

    visits = sum(len(traject.visits) for traject in records.trajects)
    counts = record_counts(records)
    return ", ".join(
        (
            n_("{count} organisation", "{count} organisations", counts["organisations"]),
            n_("{count} location", "{count} locations", counts["locations"]),
            n_("{count} coach", "{count} coaches", counts["coaches"]),
            n_("{count} traject", "{count} trajects", counts["trajects"]),
            n_("{count} visit", "{count} visits", visits),
        )
    )


def record_counts(records: Records) -> dict[str, int]:
    """Give the number of records of each kind, as limits.toml [records] counts them."""
    return {
        "organisations": len(records.organisations),
        "locations": sum(len(o.locations) for o in records.organisations),
        "coaches": len(records.coaches),
        "trajects": len(records.trajects),
    }
