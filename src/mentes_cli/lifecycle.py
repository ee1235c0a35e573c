"""The life of a traject (SPEC 8): which moves are allowed, and the id of a new request.

    requested -> approved | cancelled
    approved  -> planned (only by `plan --commit`) | cancelled
    planned   -> active | approved (unplan) | cancelled
    active    -> done
    cancelled -> requested (reopen)

A traject with a visit that is done cannot be cancelled: it ends with `done --end`.
Plain functions over the records; the commands that write them live in `cli/`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from mentes_cli.errors import LifecycleError
from mentes_cli.i18n import _, day
from mentes_cli.models import Records, Traject

MOVES: dict[str, tuple[str, ...]] = {
    "requested": ("approved", "cancelled"),
    "approved": ("planned", "cancelled"),
    "planned": ("active", "approved", "cancelled"),
    "active": ("done",),
    "done": (),
    "cancelled": ("requested",),
}
# The command that makes each move, as the coordinator types it.
COMMANDS: dict[tuple[str, str], str] = {
    ("requested", "approved"): "mentes approve",
    ("requested", "cancelled"): "mentes cancel",
    ("approved", "planned"): "mentes plan --commit",
    ("approved", "cancelled"): "mentes cancel",
    ("planned", "active"): "mentes start",
    ("planned", "approved"): "mentes unplan",
    ("planned", "cancelled"): "mentes cancel",
    ("active", "done"): "mentes done",
    ("cancelled", "requested"): "mentes reopen",
}
_ID = re.compile(r"T-(\d{4})-(\d+)")


def allowed_moves(traject: Traject) -> list[str]:
    """Give the commands that can move `traject` on from its status, in SPEC 8's order."""
    return [COMMANDS[(traject.status, status)] for status in MOVES[traject.status]]


# What each command that moves a traject is for: the statuses it moves a traject from. A
# move SPEC 8 allows is made only by its own command (`unplan` does not approve a request).
COMMAND_FROM: dict[str, tuple[str, ...]] = {
    "approve": ("requested",),
    "cancel": ("requested", "approved", "planned"),
    "unplan": ("planned",),
    "start": ("planned",),
    "done": ("active",),
    "reopen": ("cancelled",),
}
# The status each of those commands moves a traject to.
COMMAND_TO = {
    "approve": "approved",
    "cancel": "cancelled",
    "unplan": "approved",
    "start": "active",
    "done": "done",
    "reopen": "requested",
}


def _purpose(command: str) -> str:
    """Give what `command` is for, as the error that refuses it says."""
    purposes = {
        "approve": _("mentes approve is for a request (a requested traject)"),
        "cancel": _("mentes cancel is for a requested, approved or planned traject"),
        "unplan": _("mentes unplan is for a planned traject"),
        "start": _("mentes start is for a planned traject"),
        "done": _("mentes done is for an active traject"),
        "reopen": _("mentes reopen is for a cancelled traject"),
    }
    return purposes[command]


def check_command(traject: Traject, command: str) -> None:
    """Raise LifecycleError, naming what the coordinator can do instead, unless `command`
    (approve, cancel, unplan, start, done, reopen) may move `traject` from its status; then
    the move's own checks (`check_move`)."""
    if command == "cancel" and traject.status == "active":
        check_move(traject, "cancelled")  # an active traject ends: `done --end`
    if traject.status not in COMMAND_FROM[command]:
        moves = allowed_moves(traject)
        if not moves:
            raise LifecycleError(_no_change_any_more(traject))
        raise LifecycleError(
            _(
                "Traject {traject} is {status}; {purpose}. What it can do now: {moves}.",
                traject=traject.id,
                status=status_word(traject.status),
                purpose=_purpose(command),
                moves=", ".join(_with_id(move, traject.id) for move in moves),
            )
        )
    check_move(traject, COMMAND_TO[command])


def _no_change_any_more(traject: Traject) -> str:
    return _(
        "Traject {traject} is {status}; a {status} traject does not change any more.",
        traject=traject.id,
        status=status_word(traject.status),
    )


def check_move(traject: Traject, status: str) -> None:
    """Raise LifecycleError, naming the allowed moves, unless `traject` may become `status`."""
    has_done_visit = any(v.state == "done" for v in traject.visits)
    # A traject that took place ends; one that is done or cancelled does not change any more.
    if status == "cancelled" and has_done_visit and MOVES[traject.status]:
        if traject.status == "planned":
            # Only an active traject is done: it starts first.
            raise LifecycleError(
                _(
                    "Traject {traject} has a visit that is done, so it cannot be cancelled. "
                    "Start it (mentes start {traject}) and end it with: "
                    "mentes done {traject} --end DATE",
                    traject=traject.id,
                )
            )
        raise LifecycleError(
            _(
                "Traject {traject} has a visit that is done, so it cannot be cancelled. "
                "End it with: mentes done {traject} --end DATE",
                traject=traject.id,
            )
        )
    if status not in MOVES[traject.status]:
        moves = allowed_moves(traject)
        if not moves:
            raise LifecycleError(_no_change_any_more(traject))
        raise LifecycleError(
            _(
                "Traject {traject} is {status}; it cannot become {wanted}. "
                "What it can do now: {moves}.",
                traject=traject.id,
                status=status_word(traject.status),
                wanted=status_word(status),
                moves=", ".join(_with_id(move, traject.id) for move in moves),
            )
        )
    if status == "approved" and traject.status == "planned" and has_done_visit:
        # An approved traject has no visits that took place: it has begun, so it ends.
        raise LifecycleError(
            _(
                "Traject {traject} has a visit that is done, so it cannot be unplanned. "
                "Start it (mentes start {traject}) and end it with: "
                "mentes done {traject} --end DATE",
                traject=traject.id,
            )
        )


def _with_id(command: str, traject_id: str) -> str:
    # `plan --commit` plans every approved traject: it takes no id.
    return command if command.endswith("--commit") else f"{command} {traject_id}"


def status_word(status: str) -> str:
    """Give a traject's status as the coordinator reads it (the glossary's words:
    goedgekeurd, geannuleerd); a status mentes does not know as it is written. The one list
    of these words: plan.check says a status with it too. Each English word is the status
    itself, so the English of a status is the status (JSON's language-neutral text)."""
    words = {
        "requested": _("requested"),
        "approved": _("approved"),
        "planned": _("planned"),
        "active": _("active"),
        "done": _("done"),
        "cancelled": _("cancelled"),
    }
    return words.get(status, status)


def unplanned_fields(traject: Traject) -> dict[str, None]:
    """Give the fields a traject loses when it leaves the plan (`unplan`, `reopen`): its start
    and end came from the plan, and so did its coach when visits were committed (`plan
    --commit` writes it), so the next plan may choose again; a coach asked for on a request
    that was never planned stays."""
    fields: dict[str, None] = {"start": None, "end": None}
    if traject.visits:
        fields["coach"] = None
    return fields


def check_end(traject: Traject, end: date, today: date, *, given: bool) -> None:
    """Raise LifecycleError when `traject` cannot be done on `end`: a traject is done once its
    last day has passed, so `end` is today at the latest. `given`: the coordinator typed it
    (`--end`); else it is the last committed visit."""
    if end_still_ahead(traject.id, end, today) is None:
        return
    if given:
        raise LifecycleError(
            _(
                "{traject}: the end {end} is after today ({today}); a traject is done once "
                "its last day has passed. Give an end on or before today.",
                traject=traject.id,
                end=day(end),
                today=day(today),
            )
        )
    raise LifecycleError(
        _(
            "{traject}: its last committed visit is on {end}, after today ({today}). Mark it "
            "done once that visit took place, or end it now with --end DATE (its later visits "
            "are cancelled).",
            traject=traject.id,
            end=day(end),
            today=day(today),
        )
    )


def end_still_ahead(traject_id: str, end: date, today: date) -> str | None:
    """Give why traject `traject_id` cannot be done with `end` as its last day: a traject is
    done once its last day has passed, so its end is today at the latest; None when it can.
    The one rule of `mentes done` (`check_end`) and of `mentes validate` (a traject with
    Status afgerond whose Einde, typed by hand, is still ahead)."""
    if end <= today:
        return None
    return _(
        "{traject} is {status}, but its end {end} is after today ({today}): a traject is done "
        "once its last day has passed. Give an end on or before today, or keep it {active} "
        "until then.",
        traject=traject_id,
        status=status_word("done"),
        end=day(end),
        today=day(today),
        active=status_word("active"),
    )


def first_visit_day(traject: Traject) -> date | None:
    """Give the day `traject` begins on location: its first committed visit that is not
    cancelled (not the intake call, a phone call before it), else its `start`; None when the
    records say neither."""
    days = [v.date for v in traject.visits if v.state in LIVE_STATES and v.kind == "visit"]
    return min(days, default=traject.start)


def check_start(traject: Traject, today: date) -> None:
    """Raise LifecycleError when `traject` cannot start (planned -> active) on `today`: its
    first visit is still ahead.

    A traject starts when its first visit takes place, on that day at the earliest. Started
    too early it would be stuck: an active traject can only end, and it ends no earlier than
    its first visit, while a planned one can still be unplanned or cancelled. A traject whose
    records give no day (no committed visits, no start) starts when the coordinator says so.
    """
    first = first_visit_day(traject)
    if first is None or first <= today:
        return
    if any(v.kind == "visit" and v.state in LIVE_STATES for v in traject.visits):
        message = _(
            "{traject} cannot start yet: its first visit is on {first}, after today "
            "({today}). A traject starts when its first visit takes place: run mentes start "
            "{traject} on {first} or later. Until then it can still be unplanned or cancelled.",
            traject=traject.id,
            first=day(first),
            today=day(today),
        )
    else:
        message = _(
            "{traject} cannot start yet: it starts on {first}, after today ({today}). Run "
            "mentes start {traject} on {first} or later. Until then it can still be unplanned "
            "or cancelled.",
            traject=traject.id,
            first=day(first),
            today=day(today),
        )
    raise LifecycleError(message)


def check_visits_open(traject: Traject) -> None:
    """Raise LifecycleError when the visits of `traject` are history: it is done or
    cancelled, and what its letters and calendars said stays as it is."""
    if traject.status in ("done", "cancelled"):
        raise LifecycleError(
            _(
                "Traject {traject} is {status}: its visits do not change any more.",
                traject=traject.id,
                status=status_word(traject.status),
            )
        )


def visit_name(number: int, kind: str) -> str:
    """Give a committed visit as the coordinator says it: "visit 3", or "intake call" for the
    call before the first visit (number 0)."""
    if kind == "intake":
        return _("intake call")
    return _("visit {number}", number=number)


def check_visit_state(
    traject: Traject, number: int, visit_day: date, state: str, today: date, kind: str = "visit"
) -> None:
    """Raise LifecycleError unless visit `number` (on `visit_day`) of `traject` may become
    `state`: the visits of a done or cancelled traject do not change (`check_visits_open`); a
    visit is done only when it took place (on or before today) and its traject is planned or
    active."""
    check_visits_open(traject)
    if state != "done":
        return
    if traject.status not in ("planned", "active"):
        raise LifecycleError(
            _(
                "Traject {traject} is {status}: only a visit of a planned or active traject "
                "is done.",
                traject=traject.id,
                status=status_word(traject.status),
            )
        )
    too_soon = done_too_soon(traject.id, number, visit_day, today, kind)
    if too_soon:
        raise LifecycleError(too_soon)


def done_too_soon(
    traject_id: str, number: int, visit_day: date, today: date, kind: str = "visit"
) -> str | None:
    """Give why visit `number` (on `visit_day`) of traject `traject_id` cannot be done yet:
    a visit is done once it took place, on or before today; None when it can. The one rule
    of `mentes visit --state done` and of `mentes validate` (a Status gedaan typed by hand)."""
    if visit_day <= today:
        return None
    return _(
        "{traject}, {visit} is on {day}, after today ({today}): a visit is done "
        "once it took place.",
        traject=traject_id,
        visit=visit_name(number, kind),
        day=day(visit_day),
        today=day(today),
    )


def outside_paid_scope(records: Records, traject: Traject, on: date) -> str | None:
    """Give why the location of `traject` cannot buy its paid package on `on` (it lies outside
    the package's paid scope), as the offerte says it (`quote.outside_scope_reason`); None for
    a location inside it, a free offer or a location the records do not hold."""
    from mentes_cli.quote import outside_scope_reason, quoted_location
    from mentes_cli.tariffs import package_at

    found = records.location_index().get(traject.location)
    if traject.is_free_offer or found is None:
        return None
    return outside_scope_reason(quoted_location(*found), package_at(traject.offer, on), on)


def same_open_requests(records: Records, location: str, offer: str) -> list[str]:
    """Give the ids of the trajects of `location` for `offer` that are still open (neither
    cancelled nor done): a new request for the same is likely asked twice."""
    return [
        t.id
        for t in records.trajects
        if t.location == location and t.offer == offer and t.status not in ("cancelled", "done")
    ]


def new_traject_id(existing: Iterable[str], year: int) -> str:
    """Give the next free id `T-YYYY-NNN` of `year` (NNN grows past 999 when it must)."""
    numbers = [
        int(match[2]) for match in map(_ID.fullmatch, existing) if match and int(match[1]) == year
    ]
    return f"T-{year:04d}-{max(numbers, default=0) + 1:03d}"


# --- the visits of a traject that moves ----------------------------------------------------

LIVE_STATES = ("planned", "fixed", "done")


def released(visits: list[dict]) -> list[dict]:
    """Give the visits of a traject that is cancelled or unplanned: every visit that is not done
    becomes cancelled, its calendar sequence raised (SPEC 9), and stays in the records."""
    return [
        {**visit, "state": "cancelled", "sequence": visit.get("sequence", 0) + 1}
        if visit.get("state", "planned") in ("planned", "fixed")
        else dict(visit)
        for visit in visits
    ]


def finished(visits: list[dict], end: date) -> list[dict]:
    """Give the visits of a traject that is done on `end`: the live ones up to `end` are done,
    later ones cancelled (they will not take place)."""
    result = []
    for visit in visits:
        state = visit.get("state", "planned")
        if state in ("planned", "fixed"):
            if visit["date"] <= end:
                visit = {**visit, "state": "done"}
            else:
                visit = {**visit, "state": "cancelled", "sequence": visit.get("sequence", 0) + 1}
        result.append(dict(visit))
    return result


def live_days(visits: list[dict], kind: str = "visit") -> list[date]:
    """Give the days of the live visits of `kind` (on location by default), in order."""
    return sorted(
        v["date"] for v in visits if v.get("state", "planned") in LIVE_STATES and v["kind"] == kind
    )
