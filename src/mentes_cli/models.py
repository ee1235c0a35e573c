"""The records of mentes: organisations with their locations, coaches and trajects.

The field names are the English TOML keys of SPEC 2.1. Every model refuses unknown keys and
converts nothing silently: `true` is not a subsidy step, `3.5` is not a whole number and a
number is not a date. Both loaders (TOML and Excel) end in these models.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from mentes_cli import offers
from mentes_cli.errors import field_name as _field
from mentes_cli.i18n import _, day

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

CARE_TYPES = ("group", "family")
ROLES = ("coach", "support")
STATUSES = ("requested", "approved", "planned", "active", "done", "cancelled")
# SPEC 2.1: start is "optional for requested/approved"; a cancelled request may never start.
STARTED_STATUSES = ("planned", "active", "done")
# SPEC 8: the committed visits of a traject. The intake call of A-D is number 0.
VISIT_KINDS = ("visit", "intake")
VISIT_STATES = ("planned", "fixed", "done", "cancelled")
# Statuses whose traject may hold live committed visits (planned, fixed or done). A visit
# that disappears stays, cancelled, on any traject (an unplanned one too), so that calendars
# remove it.
STATUSES_WITH_VISITS = ("planned", "active", "done", "cancelled")
# The offer codes are the catalogue's (offers.py, data/offers.toml): ask it, not a list here.


# "De ondersteuner doorloopt samen met de opvanglocatie een traject op één of meer van de
# volgende domeinen" (seed 002).
BVV_DOMAINS = (
    "Pedagogisch beleid",
    "Medewerkers, team en ontwikkelingsbeleid",
    "Toegankelijkheid",
    "Ondernemerschap, Organisatie en Financieel beleid",
    "Infrastructuur veiligheid en gezondheid",
    "Kwaliteitsontwikkeling",
)


def _one_of(values: tuple[str, ...]) -> str:
    quoted = [f'"{v}"' for v in values]
    if len(quoted) == 1:
        return quoted[0]
    return _("{values} or {last}", values=", ".join(quoted[:-1]), last=quoted[-1])


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return _("a yes/no value")
    if isinstance(value, datetime):
        return _("a date with a time")
    if isinstance(value, date):
        return _("a date")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a table")
    return type(value).__name__


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(
            _("must be text, got {kind} ({value})", kind=_kind(value), value=repr(value))
        )
    return value


def _nonempty_text(value: Any) -> str:
    value = _text(value).strip()
    if not value:
        raise ValueError(_("must not be empty"))
    return value


# Characters that show nothing, or change how the text around them shows: the controls (Cc:
# tab, line feed, ESC), the format characters (Cf: zero-width space, soft hyphen, the
# right-to-left override and the other bidi controls, the byte-order mark) and the line and
# paragraph separators. In an id they make two ids that print alike, or one that prints
# reversed: refused.
_INVISIBLE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


def as_id(text: str) -> str:
    """Give a text as an id is kept: NFC, without spaces around it ("Café" typed with a
    combining accent, as macOS and some web forms write it, is the id "Café")."""
    return unicodedata.normalize("NFC", text.strip())


def checked_id(value: Any) -> str:
    """Give an id as one text: NFC, without spaces around it, with no invisible character.

    NFC makes "Café" typed with a combining accent (NFD, as macOS and some web forms write
    it) the same id as "Café" typed with the accented letter.
    """
    value = _nonempty_text(value)
    if value.isascii() and value.isprintable():
        return value  # the ids of nearly every record: NFC, and no control among them
    value = unicodedata.normalize("NFC", value)
    for position, character in enumerate(value, start=1):
        if invisible(character):
            raise ValueError(
                _(
                    "the id holds an invisible or control character, {character}, at position "
                    "{position}; an id holds only characters that show (type the id again)",
                    character=character_name(character),
                    position=position,
                )
            )
    return value


def invisible(character: str) -> bool:
    """Give whether `character` shows nothing or changes how the text around it shows."""
    return unicodedata.category(character) in _INVISIBLE_CATEGORIES


def character_name(character: str) -> str:
    """Give a character as a reader can see it: "U+202E (RIGHT-TO-LEFT OVERRIDE)"."""
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" ({name})" if name else "")


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            _("must be a whole number, got {kind} ({value})", kind=_kind(value), value=repr(value))
        )
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(
            _("must be a number, got {kind} ({value})", kind=_kind(value), value=repr(value))
        )
    return float(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(
            _("must be true or false, got {kind} ({value})", kind=_kind(value), value=repr(value))
        )
    return value


# Periods of years are added to record dates (two years for coaching): keep them far from
# the ends of the calendar.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)


def _day(value: Any) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(
            _(
                "must be a date (yyyy-mm-dd), got {kind} ({value})",
                kind=_kind(value),
                value=repr(value),
            )
        )
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(
            _(
                "must be a date between {first} and {last}, got {value}",
                first=day(EARLIEST_DAY),
                last=day(LATEST_DAY),
                value=day(value),
            )
        )
    return value


def _choice(values: tuple[str, ...]):
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in values:
            raise ValueError(
                _("must be {choices}, got {value}", choices=_one_of(values), value=repr(value))
            )
        return value

    return check


def _offer(value: Any) -> str:
    codes = offers.catalogue().codes()
    if not isinstance(value, str) or value not in codes:
        raise ValueError(
            _("must be {choices}, got {value}", choices=_one_of(codes), value=repr(value))
        )
    return value


def _contact_moments(value: int) -> int:
    # The widest range any offer allows (offers.toml); the offer's own in the Traject check.
    ranges = [o.contact_moments for o in offers.catalogue().offers.values() if o.contact_moments]
    if ranges:
        return _in_range(min(r[0] for r in ranges), max(r[1] for r in ranges))(value)
    return _at_least(1)(value)


def _in_range(low: float, high: float, low_open: bool = False):
    def check(value: float) -> float:
        if (value <= low if low_open else value < low) or value > high:
            numbers = {"low": f"{low:g}", "high": f"{high:g}", "value": f"{value:g}"}
            if low_open:
                raise ValueError(
                    _("must be more than {low} and at most {high}, got {value}", **numbers)
                )
            raise ValueError(_("must be at least {low} and at most {high}, got {value}", **numbers))
        return value

    return check


def _at_least(low: int):
    def check(value: int) -> int:
        if value < low:
            raise ValueError(_("must be at least {low}, got {value}", low=low, value=value))
        return value

    return check


_POSTCODE = re.compile(r"\d{4}")


def _postcode(value: Any) -> str:
    value = _text(value).strip()
    if not _POSTCODE.fullmatch(value):
        raise ValueError(
            _("must be a Belgian postcode of 4 digits, got {value}", value=repr(value))
        )
    return value


_HOURS = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)")


def _opening_hours(value: Any) -> str:
    value = _text(value).strip().replace(" ", "").replace("–", "-")
    match = _HOURS.fullmatch(value)
    if not match or match.group(1, 2) >= match.group(3, 4):
        raise ValueError(
            _(
                'must be "HH:MM-HH:MM" with the start before the end, got {value}',
                value=repr(value),
            )
        )
    return value


_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def _clock(value: Any) -> str:
    value = _text(value).strip()
    if not _CLOCK.fullmatch(value):
        raise ValueError(_('must be a time "HH:MM", got {value}', value=repr(value)))
    return value


def _weekdays(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(
            _(
                "must be a list of weekdays, got {kind} ({value})",
                kind=_kind(value),
                value=repr(value),
            )
        )
    for weekday in value:
        if weekday not in WEEKDAYS:
            raise ValueError(
                _(
                    "weekdays must be {choices}, got {value}",
                    choices=_one_of(WEEKDAYS),
                    value=repr(weekday),
                )
            )
    if len(set(value)) != len(value):
        raise ValueError(_("lists a weekday twice: {value}", value=repr(value)))
    return sorted(value, key=WEEKDAYS.index)


def _text_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(
            _("must be a list of text, got {kind} ({value})", kind=_kind(value), value=repr(value))
        )
    return [_nonempty_text(v) for v in value]


def _domains(value: Any) -> list[str]:
    value = _text_list(value)
    wrong = [domain for domain in value if domain not in BVV_DOMAINS]
    if wrong:
        # Every wrong one at once: a list with two typos is not fixed in two rounds.
        raise ValueError(
            _(
                "must be one or more of {choices}, got {value}",
                choices=_one_of(BVV_DOMAINS),
                value=", ".join(repr(domain) for domain in wrong),
            )
        )
    return value


def _email(value: Any) -> str:
    """Give one e-mail address as a letter can be sent to it: one @, no spaces, and a domain of
    at least two parts (info@kabouterke.be; `info@kabouterke` is a typo that no mail reaches)."""
    value = _nonempty_text(value)
    local, _at, domain = value.partition("@")
    labels = domain.split(".")
    well_formed = (
        local
        and "@" not in domain
        and not any(c.isspace() or c in "<>,;" for c in value)
        and all(
            label
            and not label.startswith("-")
            and not label.endswith("-")
            and all(c.isalnum() or c == "-" for c in label)
            for label in labels
        )
    )
    if well_formed and len(labels) == 1:
        raise ValueError(
            _(
                "must be an e-mail address with a dot in the part after @ (such as {example}), "
                "got {value}",
                example=value + ".be",
                value=repr(value),
            )
        )
    if not well_formed or len(labels[-1]) < 2 or labels[-1].isdigit():
        raise ValueError(
            _(
                "must be one e-mail address such as info@opvang.be, got {value}",
                value=repr(value),
            )
        )
    return value


Text = Annotated[str, BeforeValidator(_nonempty_text)]
Email = Annotated[str, BeforeValidator(_email)]
# Every id of the records, and every field that names one (a traject's location and coach, a
# visit's coach and calendar uid).
Id = Annotated[str, BeforeValidator(checked_id)]
OptionalText = Annotated[str, BeforeValidator(_text)]
WholeNumber = Annotated[int, BeforeValidator(_whole)]
Number = Annotated[float, BeforeValidator(_number)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Day = Annotated[date, BeforeValidator(_day)]
Weekdays = Annotated[list[Weekday], BeforeValidator(_weekdays)]
TextList = Annotated[list[str], BeforeValidator(_text_list)]

DEFAULT_OPENING_DAYS = ["mon", "tue", "wed", "thu", "fri"]


class Record(BaseModel):
    """Common configuration: unknown keys are an error, values are never coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _ends(start: date, end: date) -> str:
    return _("end {end} is before start {start}", end=day(end), start=day(start))


class DateRange(Record):
    """A period of whole days; both ends are included."""

    start: Day
    end: Day

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.end < self.start:
            raise ValueError(_ends(self.start, self.end))
        return self

    def covers(self, day: date) -> bool:
        """Give whether `day` lies in the period, both ends included."""
        return self.start <= day <= self.end


class Closure(DateRange):
    """A period in which a location is closed."""

    reason: OptionalText | None = None


class Leave(DateRange):
    """A period in which a coach does not work."""


class Location(Record):
    """One childcare site (opvanglocatie); eligibility is decided per location."""

    id: Id
    name: Text
    care_type: Annotated[str, BeforeValidator(_choice(CARE_TYPES))]
    subsidy_step: Annotated[WholeNumber, AfterValidator(_in_range(0, 3))]
    ikt_places: Annotated[WholeNumber, AfterValidator(_at_least(0))]
    places: Annotated[WholeNumber, AfterValidator(_at_least(1))]
    postcode: Annotated[str, BeforeValidator(_postcode)]
    municipality: Text | None = None
    district: Text | None = None
    enforcement: Flag = False
    enforcement_since: Day | None = None
    opening_days: Weekdays = Field(default_factory=lambda: list(DEFAULT_OPENING_DAYS))
    opening_hours: Annotated[str, BeforeValidator(_opening_hours)] | None = None
    street: Text | None = None  # street and number
    phone: Text | None = None
    email: Email | None = None
    contact: Text | None = None  # the contact person
    closures: list[Closure] = Field(default_factory=list)

    @model_validator(mode="after")
    def _enforcement_date_needs_enforcement(self) -> Location:
        if self.enforcement_since is not None and not self.enforcement:
            raise ValueError(
                _(
                    "{since} is given but {enforcement} is off; turn {enforcement} on (ja, "
                    "true) or remove {since}",
                    since=_field("locations", "enforcement_since"),
                    enforcement=_field("locations", "enforcement"),
                )
            )
        return self

    def is_open_on(self, day: date) -> bool:
        """Give whether the location works on `day` (opening day and not closed)."""
        if WEEKDAYS[day.weekday()] not in self.opening_days:
            return False
        return not any(closure.covers(day) for closure in self.closures)


class Organisation(Record):
    """An organiser (organisator) that runs one or more locations."""

    id: Id
    name: Text
    email: Email | None = None
    prior: Flag | None = None
    contact: Text | None = None  # the contact person
    phone: Text | None = None
    locations: list[Location] = Field(default_factory=list)


class Coach(Record):
    """A pedagogical coach (role "coach") or a regional supporter (role "support")."""

    id: Id
    name: Text
    role: Annotated[str, BeforeValidator(_choice(ROLES))]
    fte: Annotated[Number, AfterValidator(_in_range(0, 1, low_open=True))]
    workdays: Weekdays
    max_hours_per_day: Annotated[Number, AfterValidator(_in_range(0, 24, low_open=True))] | None = (
        None
    )
    areas: TextList = Field(default_factory=list)
    leave: list[Leave] = Field(default_factory=list)

    def is_on_leave(self, day: date) -> bool:
        """Give whether `day` falls in one of the coach's leave periods."""
        return any(period.covers(day) for period in self.leave)


class CommittedVisit(Record):
    """A visit (or the intake call) of a traject as `plan --commit` wrote it: a promise.

    `state`: planned (may move when it breaks a rule), fixed and done (never move), cancelled
    (it disappeared from the plan; kept so that calendars remove it). `uid` and `sequence`
    identify it in calendars for its whole life (SPEC 9).
    """

    number: Annotated[WholeNumber, AfterValidator(_at_least(0))]
    kind: Annotated[str, BeforeValidator(_choice(VISIT_KINDS))]
    date: Day
    start: Annotated[str, BeforeValidator(_clock)]
    hours: Annotated[Number, AfterValidator(_in_range(0, 24, low_open=True))]
    coach: Id
    state: Annotated[str, BeforeValidator(_choice(VISIT_STATES))] = "planned"
    uid: Id | None = None
    sequence: Annotated[WholeNumber, AfterValidator(_at_least(0))] = 0

    @model_validator(mode="after")
    def _intake_is_number_zero(self) -> CommittedVisit:
        # Said in words, not with the kind's code ("visit", "intake"): a coordinator reads
        # bezoek and intakegesprek.
        if self.kind == "intake" and self.number != 0:
            raise ValueError(
                _(
                    "the intake call has number 0, not {number}; the visits on location are "
                    "numbered from 1",
                    number=self.number,
                )
            )
        if self.kind != "intake" and self.number == 0:
            raise ValueError(
                _("a visit on location is numbered from 1, not 0; number 0 is the intake call's")
            )
        return self


class Traject(Record):
    """One support or coaching engagement with one location, requested or in the history."""

    id: Id
    location: Id
    offer: Annotated[str, BeforeValidator(_offer)]
    status: Annotated[str, BeforeValidator(_choice(STATUSES))]
    start: Day | None = None
    end: Day | None = None
    coach: Id | None = None
    theme: OptionalText | None = None
    domains: Annotated[list[str], BeforeValidator(_domains)] = Field(default_factory=list)
    earliest: Day | None = None
    deadline: Day | None = None
    contact_moments: Annotated[WholeNumber, AfterValidator(_contact_moments)] | None = None
    requested_on: Day | None = None
    reason: OptionalText | None = None  # why it was cancelled
    visits: list[CommittedVisit] = Field(default_factory=list)

    # One validator per rule, so that each can also be checked on its own when another
    # field of the record is wrong (load/build.py reports them all in one run).
    @model_validator(mode="after")
    def _started_has_start(self) -> Traject:
        if self.start is None and self.status in STARTED_STATUSES:
            from mentes_cli.lifecycle import status_word  # it imports this module

            raise ValueError(
                _(
                    "{start} is required for a traject with status {status} (it dates the "
                    "traject for eligibility); it is optional for requested, approved and "
                    "cancelled",
                    start=_field("trajects", "start"),
                    status=status_word(self.status),
                )
            )
        return self

    @model_validator(mode="after")
    def _dates_ordered(self) -> Traject:
        if self.start and self.end and self.end < self.start:
            raise ValueError(_ends(self.start, self.end))
        if self.earliest and self.deadline and self.deadline < self.earliest:
            raise ValueError(
                _(
                    "{deadline_field} {deadline} is before {earliest_field} {earliest}",
                    deadline_field=_field("trajects", "deadline"),
                    earliest_field=_field("trajects", "earliest"),
                    deadline=day(self.deadline),
                    earliest=day(self.earliest),
                )
            )
        return self

    @model_validator(mode="after")
    def _fields_fit_the_offer(self) -> Traject:
        catalogue = offers.catalogue()
        offer = catalogue.offer(self.offer)
        if self.contact_moments is not None:
            if offer.contact_moments is None:
                choosing = [
                    _(
                        "{offer} ({low} to {high})",
                        offer=o.code,
                        low=o.contact_moments[0],
                        high=o.contact_moments[1],
                    )
                    for o in catalogue.offers.values()
                    if o.contact_moments is not None
                ]
                raise ValueError(
                    _(
                        "{field} is only for offer {offers}, not for {offer}",
                        field=_field("trajects", "contact_moments"),
                        offers=_(" or ").join(choosing) or _("none"),
                        offer=self.offer,
                    )
                )
            low, high = offer.contact_moments
            if not low <= self.contact_moments <= high:
                raise ValueError(
                    _(
                        "{field} must be at least {low} and at most {high} for offer {offer}, "
                        "got {value}",
                        field=_field("trajects", "contact_moments"),
                        low=low,
                        high=high,
                        offer=self.offer,
                        value=self.contact_moments,
                    )
                )
        if self.domains and not catalogue.family_of(self.offer).domains:
            raise ValueError(
                _(
                    "{field} are only for BVV trajects, not for offer {offer}",
                    field=_field("trajects", "domains"),
                    offer=self.offer,
                )
            )
        return self

    @property
    def is_free_offer(self) -> bool:
        """Give whether the traject is one of the free offers (BVV or coaching)."""
        return offers.catalogue().offer(self.offer).free


class Records(BaseModel):
    """A whole record set, with the indexes the engines need."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    organisations: list[Organisation] = Field(default_factory=list)
    coaches: list[Coach] = Field(default_factory=list)
    trajects: list[Traject] = Field(default_factory=list)

    def locations(self) -> list[tuple[Organisation, Location]]:
        """Give every location with its organisation, in file order."""
        return [(org, loc) for org in self.organisations for loc in org.locations]

    def location_index(self) -> dict[str, tuple[Organisation, Location]]:
        """Give each location id with its organisation and location."""
        return {loc.id: (org, loc) for org, loc in self.locations()}

    def coach_index(self) -> dict[str, Coach]:
        """Give each coach by id."""
        return {coach.id: coach for coach in self.coaches}

    def trajects_by_location(self) -> dict[str, list[Traject]]:
        """Give each location id its trajects, in file order."""
        grouped: dict[str, list[Traject]] = {}
        for traject in self.trajects:
            grouped.setdefault(traject.location, []).append(traject)
        return grouped
