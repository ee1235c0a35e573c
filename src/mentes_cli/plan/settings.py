"""The planning defaults of SPEC 5, read from data/planning.toml.

Time inside the planner is counted in whole minutes (a quarter hour is 15), so that
6.25 h is 375 and no sum of hours ever drifts through floating point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mentes_cli.errors import ReferenceDataError
from mentes_cli.i18n import _
from mentes_cli.plan import model
from mentes_cli.plan.model import Sentence, joined
from mentes_cli.reference import load_reference

FILE = "planning.toml"


def minutes_of_clock(text: str) -> int:
    """Give the minutes after midnight of an "HH:MM" time; ValueError when it is not one."""
    hours, _colon, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(_("must be a time HH:MM, got {value}", value=repr(text)))
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise ValueError(_("must be a time HH:MM, got {value}", value=repr(text)))
    return value


def clock(minutes: int) -> str:
    """Give minutes after midnight as "HH:MM"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hours_text(minutes: int) -> Sentence:
    """Give minutes as hours the way people write them: 6.25 h, 7 h (6,25 u, 7 u)."""
    return model._("{hours} h", hours=minutes / 60)


def lengths_text(lengths) -> Sentence:
    """Give visit lengths in minutes as "4 × 7.25 h + 3 × 7 h" (equal lengths in a row grouped)."""
    groups: list[list[int]] = []
    for minutes in lengths:
        if groups and groups[-1][0] == minutes:
            groups[-1][1] += 1
        else:
            groups.append([minutes, 1])
    return joined(
        [
            model._("{count} × {hours}", count=count, hours=hours_text(minutes))
            for minutes, count in groups
        ],
        " + ",
    )


def to_minutes(hours: float) -> int:
    """Give hours (a float such as 6.25 or 7.6) as whole minutes, rounded down."""
    return int(hours * 60 + 1e-6)


@dataclass(frozen=True)
class PlanningSettings:
    """The parameters of the planner; every time in minutes."""

    weekly_contact_minutes_per_fte: int
    day_start: int
    max_minutes_per_day: int
    step: int
    # [min_gap_days]: least days between two visits, per gap key (an offer's `gap` in
    # offers.toml says which key it takes).
    gaps: dict[str, int]
    window_days: int
    optimize_seconds: float = 0.0

    def gap_for(self, offer: str) -> int:
        """Give the least number of days between two visits of a traject of `offer`."""
        from mentes_cli.offers import FILE as OFFERS_FILE
        from mentes_cli.offers import catalogue

        key = catalogue().offer(offer).gap
        if key not in self.gaps:
            raise ReferenceDataError(
                _(
                    "{file}: [min_gap_days] has no {key} (the gap of offer {offer} in {offers})",
                    file=FILE,
                    key=key,
                    offer=offer,
                    offers=OFFERS_FILE,
                )
            )
        return self.gaps[key]

    def weekly_cap(self, fte: float) -> int:
        """Give a coach's contact minutes in one ISO week for `fte`, rounded down to a step."""
        raw = int(fte * self.weekly_contact_minutes_per_fte + 1e-6)
        return raw - raw % self.step

    def day_cap(self, max_hours_per_day: float | None) -> int:
        """Give a coach's longest day on location in minutes, rounded down to a step."""
        raw = (
            to_minutes(max_hours_per_day)
            if max_hours_per_day is not None
            else self.max_minutes_per_day
        )
        return raw - raw % self.step


def _number(data: dict[str, Any], key: str, where: str = "") -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ReferenceDataError(
            _(
                "{file}: {key} must be a number of at least 0, got {value}",
                file=FILE,
                key=where + key,
                value=repr(value),
            )
        )
    return float(value)


def _whole(data: dict[str, Any], key: str, where: str = "") -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ReferenceDataError(
            _(
                "{file}: {key} must be a whole number, got {value}",
                file=FILE,
                key=where + key,
                value=repr(value),
            )
        )
    return value


def load_settings() -> PlanningSettings:
    """Give the planning settings of planning.toml (the --data folder's copy first)."""
    data = load_reference(FILE)
    try:
        day_start = minutes_of_clock(str(data.get("day_start")))
    except ValueError as exc:
        raise ReferenceDataError(_("{file}: day_start {problem}", file=FILE, problem=exc)) from None
    step = to_minutes(_number(data, "hour_step"))
    if step <= 0 or 60 % step:
        raise ReferenceDataError(
            _(
                "{file}: hour_step must divide an hour (0.25 for quarter hours), got {value}",
                file=FILE,
                value=repr(data.get("hour_step")),
            )
        )
    gaps = data.get("min_gap_days")
    window = data.get("window")
    if not isinstance(gaps, dict):
        raise ReferenceDataError(
            _("{file}: the table {table} is missing", file=FILE, table="[min_gap_days]")
        )
    if not isinstance(window, dict):
        raise ReferenceDataError(
            _("{file}: the table {table} is missing", file=FILE, table="[window]")
        )
    return PlanningSettings(
        weekly_contact_minutes_per_fte=to_minutes(_number(data, "weekly_contact_hours_per_fte")),
        day_start=day_start,
        max_minutes_per_day=to_minutes(_number(data, "max_hours_per_day")),
        step=step,
        gaps={key: _whole(gaps, key, "min_gap_days.") for key in gaps},
        window_days=max(1, _whole(window, "default_days", "window.")),
        optimize_seconds=_number(data, "optimize_seconds") if "optimize_seconds" in data else 0.0,
    )
