"""A plan and the records (SPEC 8, 9): the committed visits as kept visits, and a plan written
into the records by `plan --commit`.

- `kept_from_records`: the committed visits of planned and active trajects are promises;
  every `plan` keeps them as `--keep` does (SPEC 5 rule 7) without being told.
- `commit_plan`: what `plan --commit` writes, per traject. A newly placed traject becomes
  `planned` with its coach, `start` (its first visit, not the intake call), `end` (its last
  visit) and its visits, each with a calendar UID it keeps for its whole life. A kept visit
  that had to move keeps its UID and gets a higher sequence; the live visits are numbered
  again by date. Visits that disappeared before (cancelled) stay in the list for the
  calendars. An incomplete traject is not written, and no kept visit is cancelled here.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from mentes_cli.models import CommittedVisit, Records, Traject
from mentes_cli.plan.model import KeptVisit, Plan, Visit

# A fixed namespace, so that the UID of a visit never depends on the machine or the run.
UID_NAMESPACE = uuid.UUID("5d0c4a9e-4f0b-4b7e-9a55-6d656e746573")
KEPT_STATUSES = ("planned", "active")


def plan_visit(traject: Traject, committed: CommittedVisit) -> Visit:
    """Give a committed visit of `traject` as a visit of a plan (fixed when fixed or done)."""
    return Visit(
        traject=traject.id,
        location=traject.location,
        coach=committed.coach,
        date=committed.date,
        start=committed.start,
        hours=committed.hours,
        kind=committed.kind,
        fixed=committed.state in ("fixed", "done"),
    )


def kept_from_records(records: Records) -> list[KeptVisit]:
    """Give the committed visits of planned and active trajects, as kept visits.

    Fixed and done visits never move; planned ones move only when they now break a rule.
    """
    kept = []
    for traject in records.trajects:
        if traject.status not in KEPT_STATUSES:
            continue
        for visit in traject.visits:
            if visit.state == "cancelled":
                continue
            kept.append(KeptVisit(visit=plan_visit(traject, visit), state=visit.state))
    return kept


def committed_plan(records: Records) -> Plan | None:
    """Give the committed visits of the records as a plan (for `plan --check`), or None."""
    visits = [item.visit for item in kept_from_records(records)]
    if not visits:
        return None
    visits.sort(key=lambda v: (v.date, v.coach, v.start, v.traject, v.kind))
    return Plan(start=visits[0].date, end=visits[-1].date, visits=visits)


@dataclass
class TrajectCommit:
    """What `plan --commit` writes for one traject: fields and its whole list of visits."""

    traject: str
    fields: dict[str, Any] = field(default_factory=dict)
    visits: list[dict[str, Any]] = field(default_factory=list)
    new: int = 0  # visits committed for the first time
    moved: int = 0  # kept visits that moved


def visit_uid(traject: str, kind: str, number: int, generation: int) -> str:
    """Give the calendar UID of a visit: stable for the same traject, number and generation
    (a traject planned again after `unplan` gets new UIDs: the old ones stay, cancelled)."""
    key = f"{traject}|{kind}|{number}|{generation}"
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@mentes"


def commit_plan(records: Records, plan: Plan) -> list[TrajectCommit]:
    """Give, per traject that changes, what `plan --commit` writes into the records.

    An incomplete traject (SPEC 5 rule 7) is not written: a newly placed one stays approved,
    a committed one keeps its visits as they are (the plan reports why). A committed traject
    changes only through the moves of the plan (SPEC 9): commit never cancels a kept visit.
    """
    by_traject: dict[str, list[Visit]] = defaultdict(list)
    for visit in plan.visits:
        by_traject[visit.traject].append(visit)
    incomplete = {item.traject for item in plan.incomplete}
    moved = {(m.traject, m.kind, m.old_date): m for m in plan.moved}
    commits = []
    for traject in records.trajects:
        if traject.id in incomplete:
            continue
        if traject.status == "approved" and traject.id in by_traject:
            commits.append(_newly_planned(traject, by_traject[traject.id]))
        elif traject.status in KEPT_STATUSES and traject.visits:
            commit = _kept_moved(traject, moved)
            if commit is not None:
                commits.append(commit)
    return commits


def renumber(visits: list[dict[str, Any]]) -> None:
    """Number the live visits on location of one traject 1..N by date (SPEC 8: n of N), in
    place; the intake call stays 0 and a cancelled visit keeps the number it had. The UID,
    not the number, names a visit in the calendars, so a visit keeps its UID."""
    live = [v for v in visits if v["kind"] == "visit" and v.get("state") != "cancelled"]
    for number, visit in enumerate(sorted(live, key=lambda v: (v["date"], v["start"])), 1):
        visit["number"] = number


def _plain(visit) -> dict[str, Any]:
    return visit.model_dump(exclude_none=True)


def _newly_planned(traject: Traject, visits: list[Visit]) -> TrajectCommit:
    earlier = [_plain(v) for v in traject.visits]  # cancelled ones, from before an unplan
    used = defaultdict(int)
    for old in earlier:
        used[(old["kind"], old["number"])] += 1
    on_location = sorted((v for v in visits if v.kind == "visit"), key=lambda v: v.date)
    intakes = [v for v in visits if v.kind == "intake"]
    numbered = [(0, v) for v in intakes] + list(enumerate(on_location, start=1))
    new = []
    for number, visit in numbered:
        new.append(
            {
                "number": number,
                "kind": visit.kind,
                "date": visit.date,
                "start": visit.start,
                "hours": visit.hours,
                "coach": visit.coach,
                "state": "planned",
                "uid": visit_uid(traject.id, visit.kind, number, used[(visit.kind, number)]),
                "sequence": 0,
            }
        )
    first, last = on_location[0].date, on_location[-1].date
    return TrajectCommit(
        traject=traject.id,
        fields={"status": "planned", "coach": on_location[0].coach, "start": first, "end": last},
        visits=earlier + new,
        new=len(new),
    )


def _kept_moved(traject: Traject, moved: dict) -> TrajectCommit | None:
    """Give the commit of a planned or active traject whose kept visits moved (to another day
    or, all of them, to another coach), or None when nothing changed."""
    visits = []
    count = 0
    for visit in traject.visits:
        plain = _plain(visit)
        move = moved.get((traject.id, visit.kind, visit.date))
        if visit.state != "cancelled" and move is not None:
            plain.update(date=move.new_date, coach=move.coach, sequence=visit.sequence + 1)
            count += 1
        visits.append(plain)
    if not count:
        return None
    # Each visit keeps its place in the list (in a workbook: its row); only the numbers of the
    # ones whose order in time changed change.
    renumber(visits)
    live = [v for v in visits if v["kind"] == "visit" and v.get("state") != "cancelled"]
    fields: dict[str, Any] = {}
    if live:
        days = sorted(v["date"] for v in live)
        fields = {"start": days[0], "end": days[-1]} if traject.status == "planned" else {}
        fields["end"] = days[-1]
        coaches = {v["coach"] for v in live}
        if len(coaches) == 1 and traject.coach not in coaches:
            fields["coach"] = coaches.pop()
    return TrajectCommit(traject=traject.id, fields=fields, visits=visits, moved=count)
