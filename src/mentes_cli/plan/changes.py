"""What a re-plan changes in the committed visits (SPEC 9): new, moved (old → new), cancelled.

The committed visits before the plan are the live visits (planned, fixed, done) of planned
and active trajects, as every plan keeps them (`plan.commit.kept_from_records`). Against the
plan made from them:

- a committed visit that is in the plan on its day (with its kind) is unchanged, unless its
  coach changed (then it is "moved", same day, another coach);
- one that the plan moved (`plan.moved`) is "moved", old date → new date;
- one in the plan's window that is no longer in the plan is "cancelled" (none of an
  incomplete traject: its visits stay as they are);
- a visit of the plan that is not committed is "new" (a traject placed for the first time).

Each change carries its location and coach (the coach now; for a cancelled visit the coach
it had), so that it can be shown per location and per coach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mentes_cli.models import Records
from mentes_cli.plan.commit import KEPT_STATUSES
from mentes_cli.plan.model import Plan

NEW, MOVED, CANCELLED = "new", "moved", "cancelled"


def change_word(change: str) -> str:
    """Give the word a person reads for a kind of change, in the chosen language: new / moved /
    cancelled (nieuw / verplaatst / geschrapt). JSON keeps `change` itself."""
    from mentes_cli.i18n import p_

    words = {
        NEW: lambda: p_("a visit in a re-plan", "new"),
        MOVED: lambda: p_("a visit in a re-plan", "moved"),
        CANCELLED: lambda: p_("a visit in a re-plan", "cancelled"),
    }
    return words[change]() if change in words else change


@dataclass(frozen=True, slots=True)
class VisitChange:
    """One visit that is new, moved or cancelled by a plan."""

    change: str  # new | moved | cancelled
    traject: str
    location: str
    coach: str  # the coach now; for a cancelled visit, the coach it had
    kind: str  # visit | intake
    number: int | None  # its number in the traject (0 the intake call); None when new
    old_date: date | None
    new_date: date | None
    old_coach: str | None = None  # when the coach changed


def has_committed(records: Records) -> bool:
    """Give whether the records hold live committed visits that a plan keeps."""
    return any(
        visit.state != "cancelled"
        for traject in records.trajects
        if traject.status in KEPT_STATUSES
        for visit in traject.visits
    )


def plan_changes(records: Records, plan: Plan) -> list[VisitChange]:
    """Give what `plan` changes in the committed visits of `records`, by location, coach, day."""
    in_plan = {(v.traject, v.kind, v.date): v for v in plan.visits}
    moved = {(m.traject, m.kind, m.old_date): m for m in plan.moved}
    matched: set[tuple[str, str, date]] = set()
    changes: list[VisitChange] = []
    # An incomplete traject keeps its committed visits as they are (SPEC 5 rule 7): the plan
    # leaves out the ones that break a rule, but `plan --commit` cancels none of them.
    incomplete = {item.traject for item in plan.incomplete}
    for traject in records.trajects:
        if traject.status not in KEPT_STATUSES or traject.id in incomplete:
            continue
        for visit in traject.visits:
            if visit.state == "cancelled":
                continue
            key = (traject.id, visit.kind, visit.date)
            move = moved.get(key)
            if move is not None and (traject.id, visit.kind, move.new_date) in in_plan:
                now = in_plan[(traject.id, visit.kind, move.new_date)]
                matched.add((traject.id, visit.kind, move.new_date))
                changes.append(
                    VisitChange(
                        MOVED,
                        traject.id,
                        traject.location,
                        now.coach,
                        visit.kind,
                        visit.number,
                        visit.date,
                        now.date,
                        visit.coach if visit.coach != now.coach else None,
                    )
                )
            elif key in in_plan:
                now = in_plan[key]
                matched.add(key)
                if now.coach != visit.coach:
                    changes.append(
                        VisitChange(
                            MOVED,
                            traject.id,
                            traject.location,
                            now.coach,
                            visit.kind,
                            visit.number,
                            visit.date,
                            now.date,
                            visit.coach,
                        )
                    )
            elif plan.start <= visit.date <= plan.end:
                # Outside the plan's window a visit the plan does not hold is not its business.
                changes.append(
                    VisitChange(
                        CANCELLED,
                        traject.id,
                        traject.location,
                        visit.coach,
                        visit.kind,
                        visit.number,
                        visit.date,
                        None,
                    )
                )
    for key, visit in in_plan.items():
        if key not in matched and visit.traject not in incomplete:
            changes.append(
                VisitChange(
                    NEW,
                    visit.traject,
                    visit.location,
                    visit.coach,
                    visit.kind,
                    None,
                    None,
                    visit.date,
                )
            )
    changes.sort(key=_order)
    return changes


def _order(change: VisitChange) -> tuple:
    day = change.new_date or change.old_date or date.min
    return (change.location, change.coach, day, change.traject, change.kind)


def changes_json(changes: list[VisitChange]) -> list[dict[str, Any]]:
    """Give the changes as the `changes` of plan JSON (keys in a fixed order)."""
    return [
        {
            "change": c.change,
            "location": c.location,
            "coach": c.coach,
            "traject": c.traject,
            "kind": c.kind,
            "number": c.number,
            "old_date": c.old_date.isoformat() if c.old_date else None,
            "new_date": c.new_date.isoformat() if c.new_date else None,
            "old_coach": c.old_coach,
        }
        for c in changes
    ]
