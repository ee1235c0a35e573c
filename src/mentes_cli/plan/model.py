"""The result of planning: visits placed on days, and the trajects that could not be placed.

A plan is plain data: the planner makes one, the checker verifies one, the exporters
(schedule workbook, calendars) and `--save`/`--keep` read and write one.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

VisitKind = Literal["visit", "intake"]
# A kept visit's state: planned (may move when it now breaks a rule), fixed or done (never
# moves). Visits before the plan's start never move either (SPEC 5, rule 7).
KeptState = Literal["planned", "fixed", "done"]


class Visit(BaseModel):
    """One day on location (kind "visit") or the phone intake of a paid traject ("intake")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    traject: str
    location: str
    coach: str
    date: date
    start: str = Field(description="start time, HH:MM")
    hours: float = Field(description="hours, a multiple of a quarter hour")
    kind: VisitKind = "visit"
    fixed: bool = Field(default=False, description="kept where it is when planning again")

    @property
    def end(self) -> str:
        """Give the end time, HH:MM."""
        hours, minutes = map(int, self.start.split(":"))
        total = hours * 60 + minutes + round(self.hours * 60)
        return f"{total // 60:02d}:{total % 60:02d}"


class KeptVisit(BaseModel):
    """A visit promised before this run: from a saved plan (`--keep`) or from the records."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    visit: Visit
    state: KeptState = "planned"


def kept_from_plan(plan: Plan) -> list[KeptVisit]:
    """Give the visits of a saved plan as kept visits: fixed ones fixed, the others planned."""
    return [KeptVisit(visit=v, state="fixed" if v.fixed else "planned") for v in plan.visits]


class Moved(BaseModel):
    """A kept visit that broke a rule and was moved (SPEC 5 rule 7; reported, SPEC 9)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    traject: str
    coach: str
    kind: VisitKind = "visit"
    old_date: date
    new_date: date
    reason: str


class Incomplete(BaseModel):
    """An approved traject whose kept visits cannot be completed: its kept visits stay, it is
    neither placed nor unplanned (SPEC 5 rule 7)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    traject: str
    visits_kept: int
    visits_missing: int
    reasons: list[str]


class Optimality(BaseModel):
    """What the exact improvement step (CP-SAT) found about the plan's placed count."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # optimal | bound | partial | skipped | unknown | not installed | off
    status: str
    greedy: int = Field(description="trajects the greedy plan placed (of those in the model)")
    placed: int = Field(description="trajects placed in the end (of those in the model)")
    bound: int | None = Field(
        default=None, description="the most that can be placed; only for a whole model"
    )
    covered: str = Field(default="", description="what the model left out; empty when whole")
    seconds: float = 0.0
    trajects: int = 0

    @property
    def more_possible(self) -> int | None:
        """Give how many more trajects could at most be placed, when known."""
        return None if self.bound is None else max(0, self.bound - self.placed)


class Unplanned(BaseModel):
    """An approved traject that could not be placed, with every reason found."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    traject: str
    reasons: list[str]


class Plan(BaseModel):
    """A plan over a window: visits sorted by date, coach, start; unplanned by queue order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: date
    end: date
    visits: list[Visit] = Field(default_factory=list)
    unplanned: list[Unplanned] = Field(default_factory=list)
    incomplete: list[Incomplete] = Field(default_factory=list)
    moved: list[Moved] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    optimality: Optimality | None = None
