"""Days: Belgian public holidays, a location's opening days and hours, the planning queue."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from mentes_cli.i18n import Named, named
from mentes_cli.models import WEEKDAYS, Location, Records, Traject
from mentes_cli.plan.settings import minutes_of_clock

WEEKDAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


# The holidays library's language for each of ours (it has no plain "en" for Belgium).
_HOLIDAY_LANGUAGES = {"en": "en_US", "nl": "nl"}


@lru_cache(maxsize=64)
def _holidays_of_year(year: int) -> dict[date, Named]:
    import holidays

    found = {
        ours: holidays.country_holidays("BE", years=[year], language=theirs)
        for ours, theirs in _HOLIDAY_LANGUAGES.items()
    }
    return {
        day: named({ours: names[day] for ours, names in found.items()})
        for day in sorted(found["en"])
    }


def public_holiday(day: date) -> Named | None:
    """Give the name of the Belgian public holiday on `day`, or None.

    The name is English as a text (what JSON carries) and says itself in the chosen language
    through `_()` ("Kerstmis" in Dutch, "Christmas Day" in English).
    """
    return _holidays_of_year(day.year).get(day)


def public_holidays(first: date, last: date) -> dict[date, Named]:
    """Give every Belgian public holiday from `first` to `last` (both included), by date."""
    found: dict[date, Named] = {}
    for year in range(first.year, last.year + 1):
        for day, name in _holidays_of_year(year).items():
            if first <= day <= last:
                found[day] = name
    return found


def weekday(day: date) -> str:
    """Give the weekday code of `day`: mon ... sun."""
    return WEEKDAYS[day.weekday()]


def monday_of(day: date) -> date:
    """Give the Monday of the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def opening_minutes(location: Location) -> tuple[int, int] | None:
    """Give the opening and closing time of `location` in minutes, or None when not given."""
    if not location.opening_hours:
        return None
    opens, _, closes = location.opening_hours.partition("-")
    return minutes_of_clock(opens), minutes_of_clock(closes)


def closure_on(location: Location, day: date) -> str | None:
    """Give why `location` is closed on `day` ("closed" when no reason is given), or None."""
    for closure in location.closures:
        if closure.covers(day):
            return closure.reason or "closed"
    return None


def in_enforcement(location: Location, day: date) -> bool:
    """Give whether `location` is under enforcement (handhaving) on `day`."""
    return location.enforcement and (
        location.enforcement_since is None or location.enforcement_since <= day
    )


def queue_key(traject: Traject, location: Location | None, start: date) -> tuple:
    """Give the sort key of the planning queue (SPEC 5).

    Locations in enforcement on the plan's first day first, then by `requested_on` (else
    `earliest`; a traject with neither comes after those with one), then by id.
    """
    enforced = location is not None and in_enforcement(location, start)
    asked = traject.requested_on or traject.earliest or date.max
    return (0 if enforced else 1, asked, traject.id)


def planning_queue(records: Records, start: date) -> list[Traject]:
    """Give the approved trajects in the order they are planned."""
    locations = records.location_index()
    approved = [t for t in records.trajects if t.status == "approved"]
    return sorted(
        approved,
        key=lambda t: queue_key(t, locations.get(t.location, (None, None))[1], start),
    )
