"""`mentes report` (SPEC 10): what the network can do, from the records.

Plain functions over the records that give a `Report`; nothing here prints. Supply and
booked hours per role and month, due demand and reach per family, waiting, and a what-if
variant (another rules.toml, extra FTE, other weekly hours) beside the base.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from mentes_cli import eligibility
from mentes_cli.errors import ReferenceDataError
from mentes_cli.i18n import _
from mentes_cli.models import Records
from mentes_cli.report.demand import due, prior_changes, reach, used_dates
from mentes_cli.report.model import (
    FAMILIES,
    ROLE_OF_FAMILY,
    ROLES,
    Booked,
    Period,
    Report,
    Variant,
    WhatIf,
)
from mentes_cli.report.supply import (
    booked,
    committed_visits,
    extra_worker,
    supply,
    workers_of,
)
from mentes_cli.report.waiting import nearest_rank, waiting

__all__ = [
    "FAMILIES",
    "ROLES",
    "ROLE_OF_FAMILY",
    "Period",
    "Report",
    "WhatIf",
    "make_report",
    "nearest_rank",
    "year_period",
]

REFERENCE_FILES = ("tariffs.toml", "centre.toml", "rules.toml", "regions.toml", "planning.toml")


def year_period(year: int) -> Period:
    """Give the calendar year `year` as a period."""
    return Period(date(year, 1, 1), date(year, 12, 31))


def weekly_contact_hours() -> float:
    """Give planning.toml's weekly_contact_hours_per_fte."""
    from mentes_cli.plan.settings import load_settings

    return load_settings().weekly_contact_minutes_per_fte / 60


@contextlib.contextmanager
def rules_from(path: Path) -> Iterator[None]:
    """Let the engines read `path` as rules.toml while inside; the other files stay as they are.

    The reference files in use (bundled, or the records folder's own) are copied beside it
    into a temporary folder that stands in as the override folder, and the previous one is
    restored on the way out. Errors in the file name `path`, not the temporary copy.
    """
    from mentes_cli.reference import bundled_data_dir, reference_path, set_override_dir

    in_use = {name: reference_path(name) for name in REFERENCE_FILES}
    overridden = [p.parent for p in in_use.values() if p.parent != bundled_data_dir()]
    previous = overridden[0] if overridden else None
    with tempfile.TemporaryDirectory(prefix="mentes-rules-") as folder:
        for name, source in in_use.items():
            if name != "rules.toml":
                shutil.copyfile(source, Path(folder) / name)
        try:
            shutil.copyfile(path, Path(folder) / "rules.toml")
        except OSError as exc:
            raise ReferenceDataError(
                _("{path}: cannot read ({reason})", path=path, reason=exc.strerror or exc)
            ) from None
        set_override_dir(Path(folder))
        try:
            yield
        except ReferenceDataError as exc:
            message = str(exc).replace(str(Path(folder) / "rules.toml"), str(path))
            raise ReferenceDataError(message) from None
        finally:
            set_override_dir(previous)


def _plan_visits(records: Records, period: Period) -> tuple[list, int, int]:
    """Give (offer, visit) of the fast planner's plan of the approved trajects in the period."""
    from mentes_cli.plan.planner import make_plan

    plan = make_plan(records, start=period.first, end=period.last)
    offers = {traject.id: traject.offer for traject in records.trajects}
    planned = {visit.traject for visit in plan.visits if not visit.fixed}
    visits = [(offers.get(visit.traject, ""), visit) for visit in plan.visits if not visit.fixed]
    return visits, len(planned), len(plan.unplanned)


def _booked(records: Records, period: Period, with_plan: bool) -> Booked:
    visits = list(committed_visits(records))
    if not with_plan:
        return booked(visits, records, period)
    planned, placed, unplaced = _plan_visits(records, period)
    return booked(
        visits + planned,
        records,
        period,
        plan=True,
        planned_trajects=placed,
        unplanned_trajects=unplaced,
    )


def make_report(
    records: Records,
    period: Period,
    *,
    with_plan: bool = False,
    what_if: WhatIf | None = None,
) -> Report:
    """Give every figure of SPEC 10 for `period`, and the variant when `what_if` changes any.

    Raises ReferenceDataError for a wrong rules.toml, regions.toml or planning.toml (the
    variant's rules file named by its path).
    """
    hours = weekly_contact_hours()
    workers = workers_of(records)
    results = eligibility.decide(records, period.last)
    dates = used_dates(records, period.last)
    base_due = due(records, results, period, dates)
    base_reach = reach(records, results, period, dates)
    variant = None
    if what_if is not None and what_if.any:
        variant_workers = list(workers)
        if what_if.extra_fte > 0 and what_if.role:
            variant_workers.append(extra_worker(what_if.role, what_if.extra_fte))
        variant_hours = what_if.weekly_hours if what_if.weekly_hours is not None else hours
        if what_if.rules is not None:
            with rules_from(Path(what_if.rules)):
                other = eligibility.decide(records, period.last)
                other_dates = used_dates(records, period.last)
                variant_due = due(records, other, period, other_dates)
                variant_reach = reach(records, other, period, other_dates)
            changes = prior_changes(results, other)
        else:
            variant_due, variant_reach, changes = base_due, base_reach, []
        variant = Variant(
            what_if,
            supply(variant_workers, period, variant_hours),
            variant_due,
            variant_reach,
            changes,
        )
    return Report(
        period,
        supply(workers, period, hours),
        _booked(records, period, with_plan),
        base_due,
        base_reach,
        waiting(records, period),
        variant,
    )
