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

from mentes_cli.errors import LifecycleError
from mentes_cli.i18n import _
from mentes_cli.models import Traject

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
                moves=", ".join(f"{move} {traject.id}" for move in moves),
            )
        )
    raise LifecycleError(
        _(
            "Traject {traject} is {status}; a {status} traject does not change any more.",
            traject=traject.id,
            status=status_word(traject.status),
        )
    )


def status_word(status: str) -> str:
    """Give a traject's status as the coordinator reads it."""
    return {
        "requested": _("requested"),
        "approved": _("approved"),
        "planned": _("planned"),
        "active": _("active"),
        "done": _("done"),
        "cancelled": _("cancelled"),
    }[status]


def new_traject_id(existing: Iterable[str], year: int) -> str:
    """Give the next free id `T-YYYY-NNN` of `year` (NNN grows past 999 when it must)."""
    numbers = [
        int(match[2]) for match in map(_ID.fullmatch, existing) if match and int(match[1]) == year
    ]
    return f"T-{year:04d}-{max(numbers, default=0) + 1:03d}"
