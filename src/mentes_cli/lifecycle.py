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
from decimal import Decimal

from mentes_cli.errors import LifecycleError
from mentes_cli.i18n import _
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


def check_move(traject: Traject, status: str) -> None:
    """Raise LifecycleError, naming the allowed moves, unless `traject` may become `status`."""
    if status == "cancelled" and any(v.state == "done" for v in traject.visits):
        raise LifecycleError(
            _(
                "Traject {traject} has a visit that is done, so it cannot be cancelled. "
                "End it with: mentes done {traject} --end DATE",
                traject=traject.id,
            )
        )
    if status in MOVES[traject.status]:
        return
    moves = allowed_moves(traject)
    if moves:
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
    raise LifecycleError(
        _(
            "Traject {traject} is {status}; a {status} traject does not change any more.",
            traject=traject.id,
            status=status_word(traject.status),
        )
    )


def _with_id(command: str, traject_id: str) -> str:
    # `plan --commit` plans every approved traject: it takes no id.
    return command if command.endswith("--commit") else f"{command} {traject_id}"


def status_word(status: str) -> str:
    """Give a traject's status as the coordinator reads it (the glossary's words:
    goedgekeurd, geannuleerd); a status mentes does not know as it is written."""
    words = {
        "requested": _("requested"),
        "approved": _("approved"),
        "planned": _("planned"),
        "active": _("active"),
        "done": _("done"),
        "cancelled": _("cancelled"),
    }
    return words.get(status, status)


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


def paid_alternative(records: Records, traject: Traject, day: date) -> tuple[str, Decimal] | None:
    """Give the paid package (its name in the reader's language, and its price on `day`)
    instead of a free offer, if any.

    The catalogue names it (offers.toml paid_alternative); where it does not (coaching), the
    package whose size band holds the location's places (quote.suggest_package).
    """
    from mentes_cli.offers import catalogue
    from mentes_cli.quote import suggest_package
    from mentes_cli.tariffs import package_at

    code = catalogue().offer(traject.offer).paid_alternative
    if code is None:
        found = records.location_index().get(traject.location)
        suggestion = suggest_package(found[1].places, day) if found else None
        code = suggestion.code if suggestion else None
    if code is None:
        return None
    return catalogue().offer(code).label(), package_at(code, day).price_eur
