"""The result objects of `mentes report` (SPEC 10): plain data, no text, no printing.

Hours are floats as computed (not rounded); rounding to the quarter hour is for display only.
Months are "YYYY-MM" keys of the calendar months that overlap the period, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ROLES = ("coach", "support")
FAMILIES = ("regional_support", "pedagogical_coaching")
# Which role gives which family's free traject (SPEC 5, hard constraint 4).
ROLE_OF_FAMILY = {"pedagogical_coaching": "coach", "regional_support": "support"}
# The roles in the order people read them (terminal and workbook): the families' order, so
# that every table has BVV before Coaching. JSON keeps ROLES.
SHOWN_ROLES = tuple(ROLE_OF_FAMILY[family] for family in FAMILIES)
# The family a role gives (the other way round).
FAMILY_OF_ROLE = {role: family for family, role in ROLE_OF_FAMILY.items()}


@dataclass(frozen=True)
class Period:
    """The report's period, both ends included; PRIOR and scopes are judged on `last`."""

    first: date
    last: date

    def months(self) -> list[str]:
        """Give the calendar months that overlap the period, as "YYYY-MM"."""
        months = []
        year, month = self.first.year, self.first.month
        while (year, month) <= (self.last.year, self.last.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def covers(self, day: date) -> bool:
        """Give whether `day` lies in the period."""
        return self.first <= day <= self.last


@dataclass(frozen=True)
class RoleHours:
    """Hours of one role: per month, and their total."""

    role: str
    months: dict[str, float]
    people: int = 0
    fte: float = 0.0

    @property
    def total(self) -> float:
        """Give the hours of every month together."""
        return sum(self.months.values())


@dataclass(frozen=True)
class Supply:
    """The contact hours the team can give, per role and month (SPEC 10, supply)."""

    weekly_contact_hours_per_fte: float
    roles: dict[str, RoleHours]


@dataclass(frozen=True)
class Booked:
    """The hours of visits and intake calls dated in the period, per role and month."""

    roles: dict[str, RoleHours]
    plan: bool  # whether the plan of the approved trajects is counted
    planned_trajects: int = 0  # with --plan: the approved trajects the plan placed
    unplanned_trajects: int = 0  # with --plan: those it could not place


@dataclass(frozen=True)
class FamilyDue:
    """The potential demand of one family: locations due a free traject, and its hours."""

    family: str
    role: str
    locations: list[str]  # ids, in record order
    hours_per_traject: float

    @property
    def trajects(self) -> int:
        """Give the trajects due: one per location."""
        return len(self.locations)

    @property
    def hours(self) -> float:
        """Give the hours of the trajects due."""
        return self.trajects * self.hours_per_traject


@dataclass(frozen=True)
class Share:
    """Of `locations` PRIOR locations in the free scope, `reached` have a free traject."""

    key: str
    locations: int
    reached: int

    @property
    def share(self) -> float:
        """Give reached / locations (0 when there are none)."""
        return self.reached / self.locations if self.locations else 0.0


@dataclass(frozen=True)
class FamilyReach:
    """Reach of one family at the end of the period, with its breakdowns."""

    family: str
    period: str  # the frequency period of rules.toml: calendar-year, rolling-24-months, ...
    total: Share
    by_area: list[Share]
    by_subsidy_step: list[Share]
    by_care_type: list[Share]


@dataclass(frozen=True)
class OpenRequest:
    """A traject requested or approved in the records, with its age at the period's end."""

    traject: str
    location: str
    offer: str
    status: str
    requested_on: date
    age_days: int


@dataclass(frozen=True)
class FamilyWaiting:
    """Waiting of one family: days from request to start, and the open requests."""

    family: str
    waits: list[int]  # days, sorted, of the trajects that started in the period
    median_days: int | None
    p90_days: int | None
    open: list[OpenRequest]


@dataclass(frozen=True)
class PriorChange:
    """A location whose PRIOR status differs between the base and the variant rules."""

    location: str
    organisation: str
    base: bool
    variant: bool


@dataclass(frozen=True)
class WhatIf:
    """What the variant changes: another rules.toml, extra FTE, other weekly hours."""

    rules: str | None = None  # the file, as given
    extra_fte: float = 0.0
    role: str | None = None
    weekly_hours: float | None = None

    @property
    def any(self) -> bool:
        """Give whether anything is changed at all."""
        return self.rules is not None or self.extra_fte > 0 or self.weekly_hours is not None


@dataclass(frozen=True)
class Variant:
    """The figures under the what-if: supply, due and reach, and the PRIOR changes."""

    what_if: WhatIf
    supply: Supply
    due: dict[str, FamilyDue]
    reach: dict[str, FamilyReach]
    prior_changes: list[PriorChange] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    """Every figure of SPEC 10 for one period."""

    period: Period
    supply: Supply
    booked: Booked
    due: dict[str, FamilyDue]
    reach: dict[str, FamilyReach]
    waiting: dict[str, FamilyWaiting]
    variant: Variant | None = None

    def answer(self, family: str, variant: bool = False) -> Answer:
        """Give the answer for `family`: hours not yet booked, trajects it can give, the gap.

        The hours not yet booked are the supply of the family's role (of the variant when
        asked) less the base's booked hours; the trajects it can still give are those hours
        divided by the hours of one due traject, rounded down (none when negative).
        """
        supply = self.variant.supply if variant and self.variant else self.supply
        due = (self.variant.due if variant and self.variant else self.due)[family]
        free = supply.roles[due.role].total - self.booked.roles[due.role].total
        can_give = int(max(free, 0.0) // due.hours_per_traject) if due.hours_per_traject else 0
        return Answer(family, free, can_give, due.trajects, due.trajects - can_give)


@dataclass(frozen=True)
class Answer:
    """The one-line answer for a family: what the team can still give against what is due."""

    family: str
    free_hours: float
    can_give: int
    due: int
    gap: int  # due - can_give: positive is a shortfall
