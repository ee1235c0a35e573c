"""Which letter each traject is due (SPEC 9), from the records, their history and what the
letters written before told.

One letter per traject, the one that says the most:

1. cancelled since the last letters → the cancellation, with its reason;
2. planned, and the location was never told these visits (no letter yet, or only about
   visits of an earlier planning, or only that they are cancelled) → the planned letter:
   coach, every visit, what to prepare;
3. planned or active, and the visits differ from what the last letter told → the change:
   moved (old → new), new, cancelled; done, and visits the location was told are cancelled
   (`done --end`) → the change that cancels them;
4. approved since the last letters → the approval (free, or the paid offer);
5. requested since the last letters, for a free offer that is not free now → not free, why,
   from when it is free again, and the paid alternative with its price.

"Since the last letters" means: the history event is not among the events a remembered
letter answered; with `since`, every event from that day on (what was written before does
not count). With `chosen` trajects, each gets its letter even when nothing is new: the
planned letter when it has visits, else the latest decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mentes_cli.eligibility import FREE
from mentes_cli.letters.memory import Remembered, ToldVisit
from mentes_cli.models import CommittedVisit, Records, Traject
from mentes_cli.records.history import WHOLE_TRAJECT, HistoryEntry

PLANNED = "planned"
CHANGED = "changed"
CANCELLED = "cancelled"  # a decision: the traject is cancelled
APPROVED = "approved"  # a decision: the request is approved
NOT_FREE = "not-free"  # a decision: the request cannot be free


@dataclass(frozen=True, slots=True)
class Due:
    """One letter to write about one traject."""

    traject: Traject
    kind: str  # planned | changed | cancelled | approved | not-free
    events: tuple[str, ...]  # the history events it answers
    moved: tuple[tuple[ToldVisit, CommittedVisit], ...] = ()
    added: tuple[CommittedVisit, ...] = ()
    cancelled: tuple[ToldVisit, ...] = ()
    decision: tuple[str, date | None, str] | None = field(default=None)  # not-free: why
    new_coach: bool = False  # changed: another coach took the traject over since last told


def event_key(entry: HistoryEntry) -> str:
    """Give the key of one history event: field, new value and when."""
    return f"{entry.field}={entry.new}@{entry.when}"


def _events(entries: list[HistoryEntry]) -> dict[str, list[HistoryEntry]]:
    """Give, per traject, the history events a letter answers: status changes, new requests."""
    found: dict[str, list[HistoryEntry]] = {}
    for entry in entries:
        if entry.field in ("status", WHOLE_TRAJECT) and entry.new:
            found.setdefault(entry.traject, []).append(entry)
    return found


def live(traject: Traject) -> list[CommittedVisit]:
    """Give the committed visits of a traject that will take place, in order."""
    return sorted(
        (v for v in traject.visits if v.state != "cancelled"), key=lambda v: (v.number, v.date)
    )


def told_now(traject: Traject) -> tuple[ToldVisit, ...]:
    """Give the visits of a traject as a letter tells them now."""
    return tuple(
        ToldVisit(
            v.uid or "", v.number, v.kind, v.date, v.start, v.hours, v.state, v.sequence, v.coach
        )
        for v in sorted(traject.visits, key=lambda v: (v.date, v.number))
        if v.uid
    )


def sequenced(traject: Traject, remembered: list[Remembered]) -> Traject:
    """Give `traject` with each visit's SEQUENCE as the location's calendar is to get it.

    A calendar program ignores an update whose SEQUENCE is not higher than one it has seen
    for that UID (RFC 5545), so a SEQUENCE sent never goes down: the records' own number
    when it is higher than every one sent for the UID before; else the highest one sent when
    the visit is as the last letter told it (the same event again), or one more when it
    changed (after `undo` the records may hold a lower number than a letter already sent:
    a cancellation undone comes back as an update, not as an event the calendar drops).
    """
    highest: dict[str, int] = {}
    last: dict[str, ToldVisit] = {}
    for letter in remembered:
        if letter.traject != traject.id:
            continue
        for told in letter.told:
            highest[told.uid] = max(highest.get(told.uid, told.sequence), told.sequence)
            last[told.uid] = told
    visits = []
    for visit in traject.visits:
        sent = highest.get(visit.uid or "")
        if sent is None or visit.sequence > sent:
            visits.append(visit)
            continue
        before = last[visit.uid or ""]
        same = _as_calendar_shows(before) == _as_calendar_shows(visit)
        visits.append(visit.model_copy(update={"sequence": sent if same else sent + 1}))
    return traject.model_copy(update={"visits": visits})


def _as_calendar_shows(visit: ToldVisit | CommittedVisit) -> tuple:
    """Give what a location's calendar shows of a visit: when, how long, whether it is on."""
    cancelled = visit.state == "cancelled"
    return (visit.kind, visit.number, visit.date, visit.start, float(visit.hours), cancelled)


def due_letters(
    records: Records,
    history: list[HistoryEntry],
    remembered: list[Remembered],
    today: date,
    *,
    since: date | None = None,
    chosen: list[str] | None = None,
) -> list[Due]:
    """Give the letter each traject is due, in the order of the records."""
    from mentes_cli.inbox import request_decision

    answered = {key for letter in remembered for key in letter.events}
    last_told: dict[str, tuple[ToldVisit, ...]] = {}
    for letter in remembered:
        if letter.told:
            last_told[letter.traject] = letter.told
    events = _events(history)
    wanted = set(chosen) if chosen else None
    found = []
    for traject in records.trajects:
        if wanted is not None and traject.id not in wanted:
            continue
        mine = events.get(traject.id, [])
        if since is not None:
            new = [e for e in mine if e.when[:10] >= since.isoformat()]
        else:
            new = [e for e in mine if event_key(e) not in answered]
        keys = tuple(event_key(e) for e in new)
        statuses = {e.new for e in new}
        told = () if since is not None else last_told.get(traject.id, ())
        due = _due(traject, statuses, told, keys, since is not None)
        if due is None and _asks_if_free(traject, statuses, wanted is not None):
            decision = request_decision(records, traject, today)
            if decision[0] != FREE:
                due = Due(traject, NOT_FREE, keys, decision=decision)
        if due is None and wanted is not None:
            due = _chosen(traject, keys, mine)
        if due is not None:
            found.append(due)
    return found


def _asks_if_free(traject: Traject, statuses: set[str], chosen: bool) -> bool:
    """Give whether a (new or chosen) request for a free offer is to be told it is not free."""
    return (
        traject.status == "requested"
        and traject.is_free_offer
        and ("requested" in statuses or chosen)
    )


def _due(
    traject: Traject, statuses: set[str], told: tuple[ToldVisit, ...], keys, explicit: bool
) -> Due | None:
    if traject.status == "cancelled":
        return Due(traject, CANCELLED, keys) if "cancelled" in statuses else None
    visits = live(traject)
    if traject.status in ("planned", "active") and visits:
        current = {v.uid for v in traject.visits if v.uid}
        known = {v.uid: v for v in told}
        if not known.keys() & current:
            if traject.status == "planned" and (not explicit or "planned" in statuses):
                return Due(traject, PLANNED, keys)
            return None
        if traject.status == "planned" and all(
            known[uid].state == "cancelled" for uid in known.keys() & current
        ):
            # The location was told every one of these visits is cancelled (a cancellation
            # undone): it is told the traject again in full, as planned.
            return Due(traject, PLANNED, keys)
        moved, added, gone = [], [], []
        for visit in visits:
            before = known.get(visit.uid or "")
            if before is None or before.state == "cancelled":
                added.append(visit)
            elif (before.date, before.start) != (visit.date, visit.start):
                moved.append((before, visit))
        for visit in traject.visits:
            before = known.get(visit.uid or "")
            if visit.state == "cancelled" and before is not None and before.state != "cancelled":
                gone.append(before)
        # A visit the location was told that is no longer in the records at all (its row
        # deleted by hand: 8 became 7) is cancelled too, never left to stand in its calendar.
        vanished = [v for v in told if v.uid not in current and v.state != "cancelled"]
        if vanished:
            gone.extend(vanished)
            traject = with_vanished(traject, vanished)
        # A hand-over to another coach (the planner's answer to a long leave) is a change of
        # its own, also when the new coach keeps every date. A memory of an earlier mentes
        # did not keep the coach a letter named ("" : unknown, no hand-over seen).
        told_coaches = {
            known[v.uid or ""].coach
            for v in visits
            if v.uid in known and known[v.uid or ""].state != "cancelled"
        } - {""}
        coaches_now = {v.coach for v in visits}
        new_coach = bool(told_coaches) and not coaches_now <= told_coaches
        if moved or added or gone or new_coach:
            return Due(
                traject,
                CHANGED,
                keys,
                tuple(moved),
                tuple(added),
                tuple(gone),
                new_coach=new_coach,
            )
        return None
    if traject.status == "done" and told:
        # Ended early (`done --end`): the visits the location was told that the end cancelled
        # are taken out of its calendar by a change letter.
        known = {v.uid: v for v in told}
        gone = [
            known[v.uid]
            for v in traject.visits
            if v.state == "cancelled" and v.uid in known and known[v.uid].state != "cancelled"
        ]
        return Due(traject, CHANGED, keys, cancelled=tuple(gone)) if gone else None
    if traject.status == "approved" and "approved" in statuses:
        return Due(traject, APPROVED, keys)
    return None


def with_vanished(traject: Traject, vanished: list[ToldVisit]) -> Traject:
    """Give `traject` with the told visits that vanished from its records put back, cancelled,
    as the letter's calendar is to carry them (same UID: the calendar drops the event)."""
    from mentes_cli.models import CommittedVisit

    fallback = traject.coach or next((v.coach for v in traject.visits), "") or "?"
    back = [
        CommittedVisit(
            number=v.number,
            kind=v.kind,
            date=v.date,
            start=v.start,
            hours=v.hours,
            coach=v.coach or fallback,
            state="cancelled",
            uid=v.uid,
            sequence=v.sequence,
        )
        for v in vanished
    ]
    return traject.model_copy(update={"visits": [*traject.visits, *back]})


def _chosen(traject: Traject, keys, mine: list[HistoryEntry]) -> Due | None:
    """Give the letter of a traject chosen by id when nothing is new: what it is now."""
    if traject.status in ("planned", "active") and live(traject):
        return Due(traject, PLANNED, keys)
    if traject.status == "cancelled":
        return Due(traject, CANCELLED, keys)
    if traject.status == "approved":
        return Due(traject, APPROVED, keys)
    return None
