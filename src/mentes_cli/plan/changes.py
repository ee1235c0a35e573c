"""What a re-plan changes in the committed visits (SPEC 9): new, moved (old → new), cancelled.

The committed visits before the plan are the live visits (planned, fixed, done) of planned
and active trajects, as every plan keeps them (`plan.commit.kept_from_records`). Against the
plan made from them:

- a committed visit that is in the plan on its day (with its kind) is unchanged, unless its
  coach changed (then it is "moved", same day, another coach: people read "other coach",
  `change_words`);
- one that the plan moved (`plan.moved`) is "moved", old date → new date;
- one in the plan's window that is no longer in the plan is "cancelled" (none of an
  incomplete traject: its visits stay as they are);
- a visit of the plan that is not committed is "new" (a traject placed for the first time).

Each change carries its location and coach (the coach now; for a cancelled visit the coach
it had), so that it can be shown per location and per coach, and the visit's number as the
records will have it after the change: `plan --commit` numbers the live visits of a traject
whose visits moved 1..N by date again (`plan.commit.renumber`), so a visit that moves before
an earlier one takes that one's number. When its number changes, `old_number` keeps the one
it had, and people read both (`3 → 2`): the location may have been told "visit 3". A new
visit has the number its traject's commit gives it, a cancelled one keeps its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mentes_cli.models import Records, Traject
from mentes_cli.plan.commit import KEPT_STATUSES, renumber
from mentes_cli.plan.model import Moved, Plan

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


def change_words(change: VisitChange) -> str:
    """Give what happened to a visit as a person reads it: `change_word`, except for a visit
    that keeps its day and gets another coach (a hand-over): "other coach" (*andere coach*),
    not "moved", since its day did not change. JSON keeps `change` ("moved") itself."""
    from mentes_cli.i18n import p_

    if is_handover(change):
        return p_("a visit in a re-plan", "other coach")
    return change_word(change.change)


def is_handover(change: VisitChange) -> bool:
    """Give whether `change` hands a visit over to another coach on the same day."""
    return (
        change.change == MOVED
        and change.old_coach is not None
        and change.old_date is not None
        and change.old_date == change.new_date
    )


@dataclass(frozen=True, slots=True)
class VisitChange:
    """One visit that is new, moved or cancelled by a plan."""

    change: str  # new | moved | cancelled
    traject: str
    location: str
    coach: str  # the coach now; for a cancelled visit, the coach it had
    kind: str  # visit | intake
    number: int | None  # its number in the traject after the change (0 the intake call)
    old_date: date | None
    new_date: date | None
    old_coach: str | None = None  # when the coach changed
    old_number: int | None = None  # when the number changed (the visits are renumbered)


def change_header() -> str:
    """Give the header of the column that says what happened to a visit (new, moved,
    cancelled): *Wijziging* in Dutch (the report's "Change" is a difference, *Verschil*)."""
    from mentes_cli.i18n import p_

    return p_("what happened to a visit", "Change")


def number_words(change: VisitChange) -> str:
    """Give a change's visit number as the terminal's table shows it: `2`, `3 → 2` when the
    renumbering changed it, or "intake" (short: the table fits 80 columns in both
    languages)."""
    from mentes_cli.i18n import _

    if change.kind == "intake":
        return _("intake")
    if change.old_number is not None:
        return f"{change.old_number} → {change.number}"
    return "" if change.number is None else str(change.number)


def visit_words(change: VisitChange) -> str:
    """Give a change's visit as the sheet Wijzigingen names it: "visit 2", "visit 3 → 2"
    when the renumbering changed its number, or "intake call"."""
    from mentes_cli.i18n import _

    if change.kind == "intake":
        return _("intake call")
    if change.old_number is not None:
        return _("visit {old} → {new}", old=change.old_number, new=change.number)
    if change.number is None:
        return _("visit")
    return _("visit {number}", number=change.number)


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
        after = _numbers_after(traject, moved)
        for visit, number in zip(traject.visits, after, strict=True):
            if visit.state == "cancelled":
                continue
            renumbered = visit.number if number != visit.number else None
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
                        number,
                        visit.date,
                        now.date,
                        visit.coach if visit.coach != now.coach else None,
                        renumbered,
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
                            number,
                            visit.date,
                            now.date,
                            visit.coach,
                            renumbered,
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
    first_time = _numbers_of_new(records, plan)
    for key, visit in in_plan.items():
        if key not in matched and visit.traject not in incomplete:
            changes.append(
                VisitChange(
                    NEW,
                    visit.traject,
                    visit.location,
                    visit.coach,
                    visit.kind,
                    first_time.get(key),
                    None,
                    visit.date,
                )
            )
    changes.sort(key=_order)
    return changes


def _numbers_after(traject: Traject, moved: dict[tuple, Moved]) -> list[int]:
    """Give the number of each of the traject's visits (in its order) once `plan --commit`
    wrote the moves: as `plan.commit` does, the live visits are numbered again by date when
    one of them moved; otherwise every visit keeps its number."""
    visits = [visit.model_dump() for visit in traject.visits]
    any_moved = False
    for plain in visits:
        move = moved.get((traject.id, plain["kind"], plain["date"]))
        if plain["state"] != "cancelled" and move is not None:
            plain["date"] = move.new_date
            any_moved = True
    if any_moved:
        renumber(visits)
    return [plain["number"] for plain in visits]


def _numbers_of_new(records: Records, plan: Plan) -> dict[tuple[str, str, date], int]:
    """Give the number each visit of a traject placed for the first time gets when it is
    committed: the intake call 0, the visits on location 1..N by date (`plan.commit`)."""
    kept = {t.id for t in records.trajects if t.status in KEPT_STATUSES}
    numbers: dict[tuple[str, str, date], int] = {}
    on_location: dict[str, list[date]] = {}
    for visit in plan.visits:
        if visit.traject in kept:
            continue
        if visit.kind == "intake":
            numbers[(visit.traject, visit.kind, visit.date)] = 0
        else:
            on_location.setdefault(visit.traject, []).append(visit.date)
    for traject, days in on_location.items():
        for number, day in enumerate(sorted(days), start=1):
            numbers[(traject, "visit", day)] = number
    return numbers


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
            "old_number": c.old_number,
            "old_date": c.old_date.isoformat() if c.old_date else None,
            "new_date": c.new_date.isoformat() if c.new_date else None,
            "old_coach": c.old_coach,
        }
        for c in changes
    ]
