"""The workbook layout of SPEC 2.2: sheets, column headers and the values a coordinator types.

One table serves the loader (which headers and values it accepts), the export (which Dutch
header and value it writes) and the template (drop-down lists and input hints). Headers and
values are compared after `fold`: case, surrounding spaces and non-breaking spaces do not
matter, and for headers neither do spaces, hyphens, underscores and dots ("E-mail" = "email",
"IKT plaatsen" = "ikt_places").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mentes_cli.models import BVV_DOMAINS, VISIT_KINDS, VISIT_STATES, WEEKDAYS
from mentes_cli.offers import catalogue

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_HEADER_NOISE = re.compile(r"[\s\u00a0\u2007\u202f\-_.]+")


def fold(text: str) -> str:
    """Give `text` casefolded, trimmed, with every run of (non-breaking) spaces as one space."""
    return _SPACES.sub(" ", text).strip().casefold()


def fold_header(text: str) -> str:
    """Give the form in which headers and sheet names are compared."""
    return _HEADER_NOISE.sub("", text).casefold()


# --- kinds of column -------------------------------------------------------------------------
# Each column has a kind; values.py parses a cell by its kind, the export writes it by it.
ID = "id"  # text or a whole-number cell (2600 -> "2600")
TEXT = "text"  # text; a whole-number cell is read as its digits
POSTCODE = "postcode"  # like ID; the model checks the 4 digits
WHOLE = "whole"  # a whole number: 3, "3", 3.0; never 3.5 or TRUE
NUMBER = "number"  # a number cell, or text with a decimal comma or point
FLAG = "flag"  # ja/nee and friends; empty = no (the field's default)
OPTIONAL_FLAG = "optional_flag"  # ja/nee; empty = not given (PRIOR (Opgroeien))
DATE = "date"
WEEKDAYS_LIST = "weekdays"  # "ma, di, wo"; ranges "ma-vr", "ma t/m do", "maandag tot vrijdag"
OPENING_HOURS = "opening_hours"  # "07:00-18:00", "7:00-18:00", "7u-18u", "7u30-18u"
TEXT_LIST = "list"  # comma-separated
DOMAINS = "domains"  # ;-separated, because the domain names hold commas
CARE_TYPE = "care_type"
SUBSIDY_STEP = "subsidy_step"
ROLE = "role"
STATUS = "status"
OFFER = "offer"
VISIT_KIND = "visit_kind"  # bezoek/intake (SPEC 8)
VISIT_STATE = "visit_state"  # gepland/vast/gedaan/geannuleerd (SPEC 8)
CLOCK = "clock"  # a time of day: a time cell, or text 09:00, 9:00, 9u, 9u30

YES = ("ja", "yes", "waar", "true", "1")
NO = ("nee", "no", "onwaar", "false", "0")

CARE_TYPE_WORDS = {
    "groepsopvang": "group",
    "group": "group",
    "gezinsopvang": "family",
    "family": "family",
}
CARE_TYPE_DUTCH = {"group": "groepsopvang", "family": "gezinsopvang"}

ROLE_WORDS = {
    "coach": "coach",
    "pedagogisch coach": "coach",
    "pedagogische coach": "coach",
    "support": "support",
    "ondersteuner": "support",
    "regionaal ondersteuner": "support",
    "regionale ondersteuner": "support",
}
ROLE_DUTCH = {"coach": "pedagogisch coach", "support": "regionaal ondersteuner"}

STATUS_DUTCH = {
    "requested": "aangevraagd",
    "approved": "goedgekeurd",
    "planned": "gepland",
    "active": "lopend",
    "done": "afgerond",
    "cancelled": "geannuleerd",
}
STATUS_WORDS = {**{v: k for k, v in STATUS_DUTCH.items()}, **{k: k for k in STATUS_DUTCH}}

# SPEC 8: the state and the kind of a committed visit.
VISIT_STATE_DUTCH = dict(
    zip(VISIT_STATES, ("gepland", "vast", "gedaan", "geannuleerd"), strict=True)
)
VISIT_STATE_WORDS = {
    **{v: k for k, v in VISIT_STATE_DUTCH.items()},
    **{k: k for k in VISIT_STATE_DUTCH},
    "vastgelegd": "fixed",
}
VISIT_KIND_DUTCH = dict(zip(VISIT_KINDS, ("bezoek", "intake"), strict=True))
VISIT_KIND_WORDS = {
    **{v: k for k, v in VISIT_KIND_DUTCH.items()},
    **{k: k for k in VISIT_KIND_DUTCH},
    "intakegesprek": "intake",
}


def offer_words() -> dict[str, str]:
    """Give each way of writing an offer (folded) with its code: the catalogue's codes and
    words (offers.toml), so a new offer is accepted in a workbook without a change here."""
    return catalogue().words()


WEEKDAY_DUTCH = dict(zip(WEEKDAYS, ("ma", "di", "wo", "do", "vr", "za", "zo"), strict=True))
_WEEKDAY_LONG_DUTCH = (
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
)
_WEEKDAY_LONG = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_WORDS = {
    word: code
    for words in (WEEKDAYS, WEEKDAY_DUTCH.values(), _WEEKDAY_LONG_DUTCH, _WEEKDAY_LONG)
    for word, code in zip(words, WEEKDAYS, strict=True)
}

# A range of weekdays, folded: "ma-vr", "ma - vr", "ma t/m do", "maandag tot vrijdag",
# "ma tot en met vr".
WEEKDAY_RANGE = re.compile(r"\s*(\w+)\s*(?:-|–|t/m|tot en met|tot)\s*(\w+)\s*")

# One time of day as coordinators write it: 7:00, 07:00, 7u, 7u30, 7h30, 7.30.
_CLOCK = r"(\d{1,2})(?:[:.uh](\d{2})?)?"
_OPENING_HOURS = re.compile(rf"{_CLOCK}\s*(?:-|–|tot)\s*{_CLOCK}")


def clock(text: str) -> str | None:
    """Give a time of day as the records keep it, "09:00", from the ways coordinators write
    it ("9:00", "9u", "9u30", "9.30"); None when `text` is none of them."""
    match = re.fullmatch(_CLOCK, fold(text))
    if match is None:
        return None
    hour, minute = (int(part or 0) for part in match.groups())
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def opening_hours(text: str) -> str | None:
    """Give opening hours as the records keep them, "07:00-18:00", from the ways coordinators
    write them ("7:00-18:00", "7u-18u", "7u30-18u"); None when `text` is none of them or the
    start is not before the end."""
    match = _OPENING_HOURS.fullmatch(fold(text))
    if match is None:
        return None
    start_hour, start_minute, end_hour, end_minute = (int(part or 0) for part in match.groups())
    if start_hour > 23 or end_hour > 24 or start_minute > 59 or end_minute > 59:
        return None
    if (end_hour, end_minute) > (24, 0) or (start_hour, start_minute) >= (end_hour, end_minute):
        return None
    return f"{start_hour:02d}:{start_minute:02d}-{end_hour:02d}:{end_minute:02d}"


SUBSIDY_STEP_WORDS = {
    form.format(step): step
    for step in range(4)
    for form in ("{}", "t{}", "trap {}", "trap{}", "t {}")
}

DOMAIN_WORDS = {fold(domain): domain for domain in BVV_DOMAINS}


# What each kind accepts, said in the error for a value that is not accepted (in the run's
# language; the Dutch words a cell may hold stay as they are).
def _accepted_texts() -> dict[str, str]:
    from mentes_cli.i18n import _

    return {
        ID: _("text or a whole number"),
        TEXT: _("text"),
        POSTCODE: _("text or a whole number of 4 digits"),
        WHOLE: _("a whole number"),
        NUMBER: _("a number (a number cell, or text such as 0,8 or 0.8)"),
        FLAG: _("ja or nee (also yes/no, waar/onwaar, true/false, 1/0 or a TRUE/FALSE cell)"),
        OPTIONAL_FLAG: _(
            "ja or nee (also yes/no, waar/onwaar, true/false, 1/0 or a TRUE/FALSE cell), or "
            "empty when Opgroeien has not decided"
        ),
        DATE: _("a date (a date cell, or text such as 31/01/2027 or 2027-01-31)"),
        WEEKDAYS_LIST: _(
            "weekdays separated by commas: ma, di, wo, do, vr, za, zo (also maandag…zondag or "
            "mon…sun, or a range such as ma-vr, ma t/m do or maandag tot vrijdag)"
        ),
        OPENING_HOURS: _(
            "opening hours from-to such as 07:00-18:00 (also 7:00-18:00, 7u-18u or 7u30-18u), "
            "the start before the end"
        ),
        TEXT_LIST: _("names separated by commas"),
        DOMAINS: _("one or more of {domains} (separated by ;)", domains="; ".join(BVV_DOMAINS)),
        CARE_TYPE: _("groepsopvang or gezinsopvang (also group or family)"),
        SUBSIDY_STEP: _("0, 1, 2 or 3 (also T0–T3 or trap 0–trap 3)"),
        ROLE: _(
            "pedagogisch coach or regionaal ondersteuner (also coach, support or ondersteuner)"
        ),
        STATUS: _(
            "aangevraagd, goedgekeurd, gepland, lopend, afgerond or geannuleerd (also "
            "requested, approved, planned, active, done or cancelled)"
        ),
        VISIT_KIND: _("bezoek or intake (also visit)"),
        VISIT_STATE: _(
            "gepland, vast, gedaan or geannuleerd (also planned, fixed, done or cancelled)"
        ),
        CLOCK: _("a time of day such as 09:00 (also 9:00, 9u or 9u30, or a time cell)"),
    }


def accepted(kind: str) -> str:
    """Give what a column of `kind` accepts, for the error on a value it does not accept."""
    if kind == OFFER:
        from mentes_cli.i18n import _

        return _("one of {codes}", codes=", ".join(catalogue().codes()))
    return _accepted_texts()[kind]


# The drop-down list of each closed choice, in the words the export writes.
CHOICES = {
    FLAG: ("ja", "nee"),
    OPTIONAL_FLAG: ("ja", "nee"),
    CARE_TYPE: tuple(CARE_TYPE_DUTCH.values()),
    SUBSIDY_STEP: ("0", "1", "2", "3"),
    ROLE: tuple(ROLE_DUTCH.values()),
    STATUS: tuple(STATUS_DUTCH.values()),
    VISIT_KIND: tuple(VISIT_KIND_DUTCH.values()),
    VISIT_STATE: tuple(VISIT_STATE_DUTCH.values()),
}


def choices(kind: str) -> tuple[str, ...] | None:
    """Give the drop-down list of a column of `kind`, or None when it has none."""
    if kind == OFFER:
        return catalogue().codes()
    return CHOICES.get(kind)


def column_hint(column: Column) -> str:
    """Give the input hint of a column; the offer column's names the catalogue's codes."""
    if column.kind != OFFER:
        return column.hint
    return (
        f"Verplicht. {', '.join(catalogue().free_codes())} (gratis) of "
        f"{', '.join(catalogue().paid_codes())} (betalend)."
    )


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its record key, Dutch header, kind and input hint."""

    key: str
    header: str
    kind: str
    required: bool = False
    hint: str = ""
    refers_to: str | None = None  # the sheet whose ids this column names
    width: float = 0  # the least column width for a sheet without rows yet (0: the header's)

    def names(self) -> tuple[str, ...]:
        """Give the header forms accepted for this column (Dutch header, TOML key)."""
        return (fold_header(self.header), fold_header(self.key))


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of the workbook: its name, the kind of record of a row, and its columns."""

    name: str
    english: str
    kind: str  # the RawSet attribute its rows go to
    record_word: str | None  # "location" for "location LOC-7" in messages; None: no own id
    required: bool
    columns: tuple[Column, ...]

    def names(self) -> tuple[str, ...]:
        """Give the sheet-name forms accepted (Dutch, English)."""
        return (fold_header(self.name), fold_header(self.english))


_DATE_HINT = "Een datum: dd/mm/jjjj (bv. 31/01/2027) of een datumcel."

ORGANISATIONS = SheetSpec(
    "Organisaties",
    "Organisations",
    "organisations",
    "organisation",
    True,
    (
        Column(
            "id", "Id", ID, True, "Verplicht. Unieke, vaste code van de organisator, bv. ORG-001."
        ),
        Column("name", "Naam", TEXT, True, "Verplicht. Naam van de organisator."),
        Column("email", "E-mail", TEXT, False, "Optioneel. E-mailadres van de organisator."),
        Column(
            "prior",
            "PRIOR (Opgroeien)",
            OPTIONAL_FLAG,
            False,
            "Optioneel. ja/nee zoals Opgroeien besliste; leeg laten als Opgroeien niet "
            "besliste (mentes berekent het dan zelf).",
        ),
        Column(
            "contact",
            "Contactpersoon",
            TEXT,
            False,
            "Optioneel. Contactpersoon bij de organisator.",
        ),
        Column("phone", "Telefoon", TEXT, False, "Optioneel. Telefoonnummer van de organisator."),
    ),
)

LOCATIONS = SheetSpec(
    "Locaties",
    "Locations",
    "locations",
    "location",
    True,
    (
        Column("id", "Id", ID, True, "Verplicht. Unieke code van de opvanglocatie, bv. LOC-001."),
        Column("name", "Naam", TEXT, True, "Verplicht. Naam van de opvanglocatie."),
        Column(
            "organisation",
            "Organisatie",
            ID,
            True,
            "Verplicht. Id van de organisator (blad Organisaties).",
            "Organisaties",
        ),
        Column(
            "care_type", "Type opvang", CARE_TYPE, True, "Verplicht. groepsopvang of gezinsopvang."
        ),
        Column(
            "subsidy_step",
            "Subsidietrap",
            SUBSIDY_STEP,
            True,
            "Verplicht. Subsidietrap 0, 1, 2 of 3.",
        ),
        Column(
            "ikt_places",
            "IKT-plaatsen",
            WHOLE,
            True,
            "Verplicht. Aantal plaatsen met inkomenstarief (IKT) op deze locatie, 0 of meer.",
        ),
        Column(
            "places", "Plaatsen", WHOLE, True, "Verplicht. Aantal vergunde plaatsen, 1 of meer."
        ),
        Column("postcode", "Postcode", POSTCODE, True, "Verplicht. Belgische postcode, 4 cijfers."),
        Column(
            "municipality",
            "Gemeente",
            TEXT,
            False,
            "Optioneel. Leeg laten: mentes haalt de gemeente uit de postcode.",
        ),
        Column(
            "district",
            "District",
            TEXT,
            False,
            "Optioneel. District van de stad Antwerpen; leeg laten: mentes haalt het uit "
            "de postcode.",
        ),
        Column(
            "enforcement",
            "Handhaving",
            FLAG,
            False,
            "ja als de locatie in handhaving staat; leeg = nee.",
        ),
        Column(
            "enforcement_since",
            "Handhaving sinds",
            DATE,
            False,
            "Optioneel, alleen bij Handhaving = ja. " + _DATE_HINT,
        ),
        Column(
            "opening_days",
            "Openingsdagen",
            WEEKDAYS_LIST,
            False,
            "Optioneel, standaard ma-vr. Dagen gescheiden door komma's (ma, di, wo, do, vr, "
            "za, zo) of een reeks zoals ma-vr of ma t/m do.",
        ),
        Column(
            "opening_hours",
            "Openingsuren",
            OPENING_HOURS,
            False,
            "Optioneel. Van-tot, bv. 07:00-18:00, 7u-18u of 7u30-18u.",
        ),
        Column(
            "street",
            "Straat en nummer",
            TEXT,
            False,
            "Optioneel. Adres van de opvanglocatie, bv. Statiestraat 12 (voor brieven en "
            "offertes).",
        ),
        Column(
            "phone",
            "Telefoon",
            TEXT,
            False,
            "Optioneel. Telefoonnummer van de locatie; leeg = dat van de organisator.",
        ),
        Column(
            "email",
            "E-mail",
            TEXT,
            False,
            "Optioneel. E-mailadres van de locatie; brieven gaan hierheen, anders naar de "
            "organisator.",
        ),
        Column(
            "contact", "Contactpersoon", TEXT, False, "Optioneel. Contactpersoon op de locatie."
        ),
    ),
)

CLOSURES = SheetSpec(
    "Sluitingen",
    "Closures",
    "closures",
    None,
    False,
    (
        Column(
            "location",
            "Locatie",
            ID,
            True,
            "Verplicht. Id van de opvanglocatie (blad Locaties).",
            "Locaties",
        ),
        Column("start", "Van", DATE, True, "Verplicht. Eerste sluitingsdag. " + _DATE_HINT),
        Column(
            "end",
            "Tot en met",
            DATE,
            True,
            "Verplicht. Laatste sluitingsdag (telt mee). " + _DATE_HINT,
        ),
        Column("reason", "Reden", TEXT, False, "Optioneel, bv. kerstsluiting."),
    ),
)

COACHES = SheetSpec(
    "Coaches",
    "Coaches",
    "coaches",
    "coach",
    False,
    (
        Column("id", "Id", ID, True, "Verplicht. Unieke code van de coach, bv. C-01."),
        Column("name", "Naam", TEXT, True, "Verplicht. Naam van de coach of ondersteuner."),
        Column(
            "role", "Rol", ROLE, True, "Verplicht. pedagogisch coach of regionaal ondersteuner."
        ),
        Column(
            "fte",
            "VTE",
            NUMBER,
            True,
            "Verplicht. Tewerkstelling als getal groter dan 0 en hoogstens 1, bv. 0,8.",
        ),
        Column(
            "workdays",
            "Werkdagen",
            WEEKDAYS_LIST,
            True,
            "Verplicht. Dagen gescheiden door komma's (ma, di, wo, do, vr) of een reeks zoals "
            "ma-vr of ma t/m do.",
        ),
        Column(
            "max_hours_per_day",
            "Max uren per dag",
            NUMBER,
            False,
            "Optioneel. Hoogstens zoveel uren per dag op locatie, bv. 7,6; leeg = de "
            "standaard van de planning.",
        ),
        Column(
            "areas",
            "Werkgebied",
            TEXT_LIST,
            False,
            "Optioneel. Gemeenten, districten of gebieden gescheiden door komma's, bv. "
            "provincie-antwerpen; leeg = overal.",
        ),
    ),
)

LEAVE = SheetSpec(
    "Verlof",
    "Leave",
    "leave",
    None,
    False,
    (
        Column("coach", "Coach", ID, True, "Verplicht. Id van de coach (blad Coaches).", "Coaches"),
        Column("start", "Van", DATE, True, "Verplicht. Eerste verlofdag. " + _DATE_HINT),
        Column(
            "end",
            "Tot en met",
            DATE,
            True,
            "Verplicht. Laatste verlofdag (telt mee). " + _DATE_HINT,
        ),
    ),
)

TRAJECTS = SheetSpec(
    "Trajecten",
    "Trajects",
    "trajects",
    "traject",
    False,
    (
        Column("id", "Id", ID, True, "Verplicht. Unieke code van het traject, bv. T-2027-001."),
        Column(
            "location",
            "Locatie",
            ID,
            True,
            "Verplicht. Id van de opvanglocatie (blad Locaties).",
            "Locaties",
        ),
        Column(
            "offer",
            "Aanbod",
            OFFER,
            True,
            # The hint names the catalogue's codes: column_hint().
        ),
        Column(
            "status",
            "Status",
            STATUS,
            True,
            "Verplicht. aangevraagd, goedgekeurd, gepland, lopend, afgerond of geannuleerd.",
        ),
        Column("start", "Start", DATE, False, "Optioneel. Startdatum. " + _DATE_HINT),
        Column("end", "Einde", DATE, False, "Optioneel. Einddatum. " + _DATE_HINT),
        Column(
            "coach", "Coach", ID, False, "Optioneel. Id van de coach (blad Coaches).", "Coaches"
        ),
        Column(
            "theme", "Thema", TEXT, False, "Optioneel. Pedagogisch thema of ondersteuningsvraag."
        ),
        Column(
            "domains",
            "Domeinen",
            DOMAINS,
            False,
            "Optioneel, alleen voor BVV. Eén of meer domeinen gescheiden door ; "
            "(puntkomma), bv. Pedagogisch beleid; Toegankelijkheid.",
        ),
        Column(
            "earliest",
            "Vroegst",
            DATE,
            False,
            "Optioneel. Niet plannen voor deze datum. " + _DATE_HINT,
        ),
        Column(
            "deadline",
            "Deadline",
            DATE,
            False,
            "Optioneel. Afgerond tegen deze datum. " + _DATE_HINT,
        ),
        Column(
            "contact_moments",
            "Contactmomenten",
            WHOLE,
            False,
            "Optioneel, alleen voor bvv-vervolg: 2 tot 5 (standaard 2).",
        ),
        Column(
            "requested_on",
            "Aangevraagd op",
            DATE,
            False,
            "Optioneel. Datum van de aanvraag; bepaalt de volgorde van de planning. " + _DATE_HINT,
        ),
        Column(
            "reason",
            "Reden",
            TEXT,
            False,
            "Optioneel. Waarom het traject geannuleerd is (mentes cancel --reason).",
        ),
    ),
)

# SPEC 8: the committed visits, one row a visit, written by `mentes plan --commit` and read
# back by every command. A coordinator may set Status to vast or gedaan: those never move.
VISITS = SheetSpec(
    "Bezoeken",
    "Visits",
    "visits",
    None,
    False,
    (
        Column(
            "traject",
            "Traject",
            ID,
            True,
            "Verplicht. Id van het traject (blad Trajecten).",
            "Trajecten",
            width=14,
        ),
        Column(
            "number",
            "Nummer",
            WHOLE,
            True,
            "Verplicht. Nummer van het bezoek: 1, 2, 3 …; het intakegesprek is 0.",
        ),
        Column("kind", "Soort", VISIT_KIND, True, "Verplicht. bezoek of intake."),
        Column("date", "Datum", DATE, True, "Verplicht. Dag van het bezoek. " + _DATE_HINT),
        Column("start", "Start", CLOCK, True, "Verplicht. Beginuur, bv. 09:00 of 9u30."),
        Column("hours", "Uren", NUMBER, True, "Verplicht. Duur in uren, bv. 2 of 1,5."),
        Column("coach", "Coach", ID, True, "Verplicht. Id van de coach (blad Coaches).", "Coaches"),
        Column(
            "state",
            "Status",
            VISIT_STATE,
            False,
            "gepland (mag verschuiven als het een regel breekt), vast of gedaan (verschuift "
            "nooit), geannuleerd; leeg = gepland.",
        ),
        Column(
            "uid",
            "UID",
            TEXT,
            False,
            "Door mentes ingevuld: de code van het bezoek in agenda's. Niet veranderen.",
            width=46,
        ),
        Column(
            "sequence",
            "Volgnummer",
            WHOLE,
            False,
            "Door mentes ingevuld: hoe vaak het bezoek verschoof (voor agenda's). Niet veranderen.",
        ),
    ),
)

SHEETS = (ORGANISATIONS, LOCATIONS, CLOSURES, COACHES, LEAVE, TRAJECTS, VISITS)
EXPLANATION_SHEET = "Uitleg"
# Sheets mentes itself keeps in a records workbook (SPEC 8 and 9): the history of changes,
# and Brieven, the memory of the letters sent (SPEC 9, written by `mentes letters`,
# letters/memory.py). They are not records, and no notice calls them ignored.
HISTORY_SHEET = "Historiek"
LETTERS_SHEET = "Brieven"
OWN_SHEETS = (HISTORY_SHEET, LETTERS_SHEET)


# The sheet that holds each kind of record: its headers name a record's fields in messages.
_SHEET_OF_KIND = {spec.kind: spec for spec in SHEETS}
# Record fields of TOML that are lists inside their owner, not columns: named by their sheet.
_NESTED = {"closures": CLOSURES, "leave": LEAVE, "visits": VISITS, "locations": LOCATIONS}


def toml_field_labels(kind: str, prefix: str = "") -> dict[str, str]:
    """Give how messages name the TOML fields of a record of `kind` ("locations"): in Dutch
    the header a coordinator knows from the workbook with the TOML key in brackets,
    "Subsidietrap (subsidy_step)"; in English the TOML key. `prefix` goes before each key
    ("closures." for the fields of a closure inside its location)."""
    from mentes_cli.i18n import language

    spec = _SHEET_OF_KIND[kind]
    if language() == "en":
        return {column.key: f"{prefix}{column.key}" for column in spec.columns}
    labels = {column.key: f"{column.header} ({prefix}{column.key})" for column in spec.columns}
    for key, nested in _NESTED.items():
        # a list inside its owner (a location's closures) is named as the list, not as a
        # field of itself: "Sluitingen (closures)", never "(closures.closures)"
        labels.setdefault(key, f"{nested.name} ({key})")
    return labels


def field_label(kind: str, key: str, form: str) -> str:
    """Give how a message names field `key` of a record of `kind` ("locations") for records
    written as `form` (see errors.FieldName): the workbook's header, the header with the TOML
    key in brackets (Dutch) or the key (English) for TOML, the option for a quick check."""
    if form == "options":
        return "--" + key.replace("_", "-")
    if form == "workbook":
        spec = _SHEET_OF_KIND[kind]
        headers = {column.key: column.header for column in spec.columns}
        nested = _NESTED.get(key)
        return headers.get(key) or (nested.name if nested else key)
    return toml_field_labels(kind).get(key, key)
