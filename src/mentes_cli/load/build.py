"""Turn raw records (from TOML or Excel) into validated models, collecting every problem.

Both loaders hand over a `RawSet`: plain values keyed by the TOML keys of SPEC 2.1, each
with the place it came from. This module validates each record on its own, then checks
what spans records (unique ids, references, known postcodes and areas), and raises one
`InputError` that lists every problem at once.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from mentes_cli.errors import InputError, Problem
from mentes_cli.i18n import _
from mentes_cli.lifecycle import status_word
from mentes_cli.models import (
    STATUSES_WITH_VISITS,
    Closure,
    Coach,
    CommittedVisit,
    Leave,
    Location,
    Organisation,
    Records,
    Traject,
    as_id,
    checked_id,
    invisible,
)
from mentes_cli.offers import catalogue


@dataclass
class Raw:
    """One record as read: its values by TOML key and where it stands in the input."""

    values: dict[str, Any]
    source: str
    row: int | None = None
    row_word: str = "line"
    field_rows: dict[str, int] = field(default_factory=dict)
    field_labels: dict[str, str] = field(default_factory=dict)
    record: str | None = None
    field_hint: str | None = None

    def problem(self, message: str, field_name: str | None = None, record: str | None = None):
        """Give a problem located at this record (and at `field_name` when given)."""
        row = self.field_rows.get(field_name, self.row) if field_name else self.row
        label = self.field_labels.get(field_name, field_name) if field_name else None
        return Problem(
            source=self.source,
            row=row,
            record=record or self.record,
            field=label,
            message=message,
            row_word=self.row_word,
        )


@dataclass
class RawSet:
    """Every raw record of one input, by kind.

    Locations carry their organisation's id under "organisation", closures their location's
    id under "location", leave their coach's id under "coach". `visits` are the rows of a
    workbook's sheet Bezoeken, each with its traject's id under "traject" (in TOML the visits
    stay inside their traject's values).
    """

    organisations: list[Raw] = field(default_factory=list)
    locations: list[Raw] = field(default_factory=list)
    closures: list[Raw] = field(default_factory=list)
    coaches: list[Raw] = field(default_factory=list)
    leave: list[Raw] = field(default_factory=list)
    trajects: list[Raw] = field(default_factory=list)
    visits: list[Raw] = field(default_factory=list)
    # Problems met while reading (a file that is not valid TOML, a list that is not a list),
    # reported together with the problems of the records that could be read.
    problems: list[Problem] = field(default_factory=list)
    # Kinds ("organisations", "coaches", "trajects") whose source could not be read: no
    # reference to them is reported as missing, since the reader cannot know.
    unreadable: set[str] = field(default_factory=set)


_KIND_WORDS = {
    Organisation: "organisation",
    Location: "location",
    Coach: "coach",
    Traject: "traject",
    Closure: "closure",
    Leave: "leave",
    CommittedVisit: "visit",
}


def record_name(kind: str, record_id: Any) -> str:
    """Give how a message names one record, in the language of the run: "location LOC-1"."""
    names = {
        "organisation": _("organisation {id}", id=record_id),
        "location": _("location {id}", id=record_id),
        "coach": _("coach {id}", id=record_id),
        "traject": _("traject {id}", id=record_id),
    }
    return names.get(kind, f"{kind} {record_id}")


def _id_name(kind: str, record_id: str) -> str:
    names = {
        "organisation": _("organisation id {id}", id=record_id),
        "location": _("location id {id}", id=record_id),
        "coach": _("coach id {id}", id=record_id),
        "traject": _("traject id {id}", id=record_id),
    }
    return names[kind]


def visit_name(traject_id: Any, number: Any) -> str:
    """Give how a message names a committed visit: "traject T-1, visit 2"."""
    return _("traject {id}, visit {number}", id=traject_id, number=number)


def _record_name(model: type[BaseModel], values: dict[str, Any]) -> str | None:
    record_id = values.get("id")
    if isinstance(record_id, str) and record_id.strip():
        return record_name(_KIND_WORDS[model], as_id(record_id))
    return None


def _message(error: dict[str, Any], model: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "missing":
        return _("is required")
    if kind == "extra_forbidden":
        where = error["loc"]
        if len(where) >= 2 and where[0] == "visits" and isinstance(where[1], int):
            model = CommittedVisit  # a field of a traject's visit: the visit's fields
        known = ", ".join(
            f for f in model.model_fields if f not in ("locations", "closures", "leave")
        )
        return _("unknown field (a typo?); the fields are: {fields}", fields=known)
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _visit_place(
    raw: Raw, visit_raws: list[Raw] | None, position: int, field_name: str, record: str
) -> tuple[Raw, str, str]:
    """Give where a problem with field `field_name` of visit `position` (from 1) is reported,
    and the record named: at its own row of the sheet Bezoeken in a workbook ("traject T-1,
    visit 2"), else at the traject ("visit 2, coach")."""
    if visit_raws is not None:
        at = visit_raws[position - 1]
        return at, field_name, at.record or record
    return raw, visit_field(position, field_name), record


def _check_visits(
    raw: Raw,
    traject: Traject,
    coach_ids: set[str] | None,
    problems: list[Problem],
    visit_raws: list[Raw] | None = None,
) -> None:
    """Check a traject's committed visits: allowed for its status, known coaches, one number
    each (SPEC 8). `visit_raws`: the visits' own rows (workbook), in the order of the visits."""
    if not traject.visits:
        return
    record = record_name("traject", traject.id)
    live = [v for v in traject.visits if v.state != "cancelled"]
    if live and traject.status not in STATUSES_WITH_VISITS:
        problem_raw, field_name, named = raw, "visits", record
        if visit_raws is not None:
            position = traject.visits.index(live[0]) + 1
            problem_raw, field_name, named = _visit_place(
                raw, visit_raws, position, "state", record
            )
        problems.append(
            problem_raw.problem(
                _(
                    "a {status} traject has no visits that are planned, fixed or done; only "
                    "a planned, active, done or cancelled one has them",
                    status=status_word(traject.status),
                ),
                field_name,
                named,
            )
        )
    seen: set[int] = set()
    for position, visit in enumerate(traject.visits, start=1):
        if coach_ids is not None and visit.coach not in coach_ids:
            at, field_name, named = _visit_place(raw, visit_raws, position, "coach", record)
            problems.append(
                at.problem(
                    _("coach {coach} does not exist", coach=repr(visit.coach)), field_name, named
                )
            )
        if visit.state == "cancelled":
            continue
        if visit.number in seen:
            at, field_name, named = _visit_place(raw, visit_raws, position, "number", record)
            problems.append(
                at.problem(
                    _(
                        "number {number} is given to two visits that are not cancelled",
                        number=visit.number,
                    ),
                    field_name,
                    named,
                )
            )
        seen.add(visit.number)


def _check_unique_uids(
    trajects: list[tuple[Raw, Traject]],
    problems: list[Problem],
    visit_raws: dict[str, list[Raw]] | None = None,
) -> None:
    """A calendar UID belongs to one visit for its whole life (SPEC 9): never two."""
    owner: dict[str, str] = {}
    for raw, traject in trajects:
        for position, visit in enumerate(traject.visits, start=1):
            if visit.uid is None:
                continue
            if visit.uid in owner:
                rows = (visit_raws or {}).get(traject.id)
                at, field_name, named = _visit_place(
                    raw, rows, position, "uid", record_name("traject", traject.id)
                )
                problems.append(
                    at.problem(
                        _(
                            "uid {uid} is also the uid of a visit of {owner}",
                            uid=repr(visit.uid),
                            owner=owner[visit.uid],
                        ),
                        field_name,
                        named,
                    )
                )
            else:
                owner[visit.uid] = record_name("traject", traject.id)


def _visit_rows(
    raw_set: RawSet, trajects: list[tuple[Raw, Traject]], problems: list[Problem]
) -> tuple[list[tuple[Raw, Traject]], dict[str, list[Raw]]]:
    """Give the trajects with the visits of a workbook's sheet Bezoeken attached (row order),
    and the rows of each traject's visits; report a visit of a traject that does not exist."""
    if not raw_set.visits:
        return trajects, {}
    for raw in raw_set.visits:
        traject_id, number = raw.values.get("traject"), raw.values.get("number")
        if raw.record is None and isinstance(traject_id, str) and traject_id.strip():
            raw.record = (
                visit_name(traject_id.strip(), number)
                if isinstance(number, int)
                else record_name("traject", traject_id.strip())
            )
    visits = _validate_children(raw_set.visits, "traject", CommittedVisit, problems)
    known = {traject.id for _, traject in trajects} | _raw_ids(raw_set.trajects)
    visits_of: dict[str, list[tuple[Raw, CommittedVisit]]] = {}
    for raw, visit, traject_id in visits:
        if not _can_look_up(traject_id):
            continue
        if traject_id not in known and "trajects" not in raw_set.unreadable:
            problems.append(
                raw.problem(
                    _("traject {traject} does not exist", traject=repr(traject_id)), "traject"
                )
            )
            continue
        visits_of.setdefault(traject_id, []).append((raw, visit))
    attached = []
    for raw, traject in trajects:
        own = visits_of.get(traject.id, [])
        if own:
            # A workbook's Trajecten sheet has no visits column: the sheet Bezoeken is all.
            traject = traject.model_copy(update={"visits": [visit for _, visit in own]})
        attached.append((raw, traject))
    return attached, {tid: [raw for raw, _ in own] for tid, own in visits_of.items()}


def visit_field(position: int, key: str) -> str:
    """Give how a message names a field of a traject's visit in TOML: `visit 2, start`
    (Dutch: `bezoek 2, Start (start)`)."""
    from mentes_cli.load.vocabulary import toml_field_labels

    label = toml_field_labels("visits").get(key, key)
    return _("visit {number}, {field}", number=position, field=label)


def _field_path(loc: list[str]) -> str:
    """Give the field a coordinator looks for: `visit 2, start` for a committed visit's field."""
    if len(loc) >= 3 and loc[0] == "visits" and loc[1].isdigit():
        return visit_field(int(loc[1]) + 1, loc[2])
    if len(loc) == 2 and loc[0] == "visits" and loc[1].isdigit():
        return _("visit {number}", number=int(loc[1]) + 1)  # a rule across its fields
    return loc[0]


def validate_raw(raw: Raw, model: type[BaseModel], problems: list[Problem], **extra: Any):
    """Give the validated model for `raw`, or None after adding its problems to `problems`."""
    try:
        return model.model_validate({**raw.values, **extra})
    except ValidationError as exc:
        record = _record_name(model, raw.values)
        errors = exc.errors()
        failed = set()
        for error in errors:
            loc = [str(part) for part in error["loc"]]
            field_name = _field_path(loc) if loc else raw.field_hint
            failed.add(loc[0] if loc else None)
            problems.append(raw.problem(_message(error, model), field_name, record))
        # pydantic checks the rules across fields only when every field is valid, and stops
        # at the first rule broken: check them all now on the fields that are valid, so
        # that one run reports everything.
        reported = {_message(error, model) for error in errors if not error["loc"]}
        for message in _record_rules(model, raw.values, failed - {None}):
            if message not in reported:
                problems.append(raw.problem(message, raw.field_hint, record))
        return None


def _record_rules(model: type[BaseModel], values: dict[str, Any], failed: set) -> list[str]:
    """Give the messages of the model's rules across fields that the valid fields break."""
    valid = {
        key: value
        for key, value in values.items()
        if key not in failed and key in model.model_fields
    }
    unvalidated = model.model_construct(**valid)
    for key in failed:
        # Not the default in its place: a rule on a wrong field is not checked at all.
        unvalidated.__dict__.pop(key, None)
    messages = []
    for name, decorator in model.__pydantic_decorators__.model_validators.items():
        if decorator.info.mode != "after":
            continue
        try:
            getattr(unvalidated, name)()
        except ValueError as exc:
            messages.append(str(exc))
        except (AttributeError, TypeError):
            continue  # the rule needs a field that is itself wrong or missing
    return messages


def _validate_children(
    raws: list[Raw], parent_key: str, model: type[BaseModel], problems: list[Problem]
) -> list[tuple[Raw, Any, Any]]:
    """Give (raw, model, parent id) for each record that validates without its parent's id."""
    valid = []
    for raw in raws:
        bare, parent_id = _pop_parent(raw, parent_key)
        record = validate_raw(bare, model, problems)
        if isinstance(parent_id, str) and parent_id:
            # The parent's id as its own model keeps it: NFC, no invisible character.
            try:
                parent_id = checked_id(parent_id)
            except ValueError as exc:
                problems.append(raw.problem(str(exc), parent_key))
                continue
        if record is not None:
            valid.append((raw, record, parent_id))
    return valid


def _pop_parent(raw: Raw, key: str) -> tuple[Raw, Any]:
    values = dict(raw.values)
    parent = values.pop(key, None)
    if isinstance(parent, str):
        parent = parent.strip()  # as the parent's model keeps its id
    bare = Raw(values, raw.source, raw.row, raw.row_word, raw.field_rows, raw.field_labels)
    bare.record = raw.record
    bare.field_hint = raw.field_hint
    return bare, parent


def _check_unique(
    items: list[tuple[Raw, BaseModel]], kind: str, problems: list[Problem], scope: str = ""
) -> None:
    counts = Counter(model.id for _, model in items)
    for raw, model in items:
        if counts[model.id] > 1:
            others = [
                _where(other_raw, "id")
                for other_raw, other in items
                if other.id == model.id and other_raw is not raw
            ]
            problems.append(
                raw.problem(
                    _(
                        "{record} is used more than once{scope} (also at {others}); every id "
                        "must be unique",
                        record=_id_name(kind, repr(model.id)),
                        scope=scope,
                        others=", ".join(others),
                    ),
                    "id",
                    record_name(kind, model.id),
                )
            )


def _where(raw: Raw, field_name: str) -> str:
    row = raw.field_rows.get(field_name, raw.row)
    if not row:
        return raw.source
    return _("row {row}", row=row) if raw.row_word == "row" else _("line {line}", line=row)


def build_records(raw_set: RawSet) -> Records:
    """Give the validated records, or raise InputError listing every problem found."""
    problems: list[Problem] = list(raw_set.problems)

    organisations = [
        (raw, org)
        for raw in raw_set.organisations
        if (org := validate_raw(raw, Organisation, problems)) is not None
    ]
    locations = _validate_children(raw_set.locations, "organisation", Location, problems)
    closures = _validate_children(raw_set.closures, "location", Closure, problems)
    coaches = [
        (raw, coach)
        for raw in raw_set.coaches
        if (coach := validate_raw(raw, Coach, problems)) is not None
    ]
    leave = _validate_children(raw_set.leave, "coach", Leave, problems)
    trajects: list[tuple[Raw, Traject]] = []
    invalid_trajects: list[Raw] = []
    for raw in raw_set.trajects:
        traject = validate_raw(raw, Traject, problems)
        if traject is None:
            invalid_trajects.append(raw)
        else:
            trajects.append((raw, traject))

    _check_unique(organisations, "organisation", problems)
    _check_unique(
        [(raw, loc) for raw, loc, _ in locations],
        "location",
        problems,
        _(" (location ids are unique across all organisations)"),
    )
    _check_unique(coaches, "coach", problems)
    _check_unique(trajects, "traject", problems)
    trajects, visit_raws = _visit_rows(raw_set, trajects, problems)

    organisation_ids = {org.id for _, org in organisations} | _raw_ids(raw_set.organisations)
    location_ids = {loc.id for _, loc, _ in locations} | _raw_ids(raw_set.locations)
    coach_ids = {coach.id for _, coach in coaches} | _raw_ids(raw_set.coaches)

    _check_places(locations, problems)
    _check_areas(coaches, problems)

    locations_of: dict[str, list[Location]] = {}
    for raw, location, organisation_id in locations:
        if not _can_look_up(organisation_id):
            continue
        if organisation_id not in organisation_ids:
            if "organisations" in raw_set.unreadable:
                continue
            problems.append(
                raw.problem(
                    _(
                        "organisation {organisation} does not exist",
                        organisation=repr(organisation_id),
                    ),
                    "organisation",
                    record_name("location", location.id),
                )
            )
            continue
        locations_of.setdefault(organisation_id, []).append(location)

    closures_of: dict[str, list[Closure]] = {}
    for raw, closure, location_id in closures:
        if not _can_look_up(location_id):
            continue
        if location_id not in location_ids:
            if "locations" not in raw_set.unreadable:
                problems.append(
                    raw.problem(
                        _("location {location} does not exist", location=repr(location_id)),
                        "location",
                    )
                )
            continue
        closures_of.setdefault(location_id, []).append(closure)

    leave_of: dict[str, list[Leave]] = {}
    for raw, period, coach_id in leave:
        if not _can_look_up(coach_id):
            continue
        if coach_id not in coach_ids:
            if "coaches" not in raw_set.unreadable:
                problems.append(
                    raw.problem(_("coach {coach} does not exist", coach=repr(coach_id)), "coach")
                )
            continue
        leave_of.setdefault(coach_id, []).append(period)

    coach_roles = {coach.id: coach.role for _, coach in coaches}
    # A workbook's sheet that could not be read ("locations": Locaties), or the TOML file
    # that holds the locations ("organisations"): no reference to them is reported missing.
    locations_known = not {"organisations", "locations"} & raw_set.unreadable
    coaches_known = "coaches" not in raw_set.unreadable
    for raw, traject in trajects:
        record = record_name("traject", traject.id)
        if locations_known and traject.location not in location_ids:
            problems.append(
                raw.problem(
                    _("location {location} does not exist", location=repr(traject.location)),
                    "location",
                    record,
                )
            )
        if traject.coach is not None and coaches_known and traject.coach not in coach_ids:
            problems.append(
                raw.problem(
                    _("coach {coach} does not exist", coach=repr(traject.coach)), "coach", record
                )
            )
        elif traject.coach in coach_roles:
            _check_coach_role(raw, traject, coach_roles[traject.coach], problems)
        _check_visits(
            raw, traject, coach_ids if coaches_known else None, problems, visit_raws.get(traject.id)
        )
    _check_unique_uids(trajects, problems, visit_raws)
    # A traject with a bad field still names its location and coach: report a dangling one
    # now, not after the coordinator has fixed the first problem.
    for raw in invalid_trajects:
        record = _record_name(Traject, raw.values)
        for key, ids, known in (
            ("location", location_ids, locations_known),
            ("coach", coach_ids, coaches_known),
        ):
            value = raw.values.get(key)
            if isinstance(value, str) and any(invisible(c) for c in value):
                continue  # refused as an id already
            if known and isinstance(value, str) and as_id(value) not in ids:
                message = (
                    _("location {location} does not exist", location=repr(as_id(value)))
                    if key == "location"
                    else _("coach {coach} does not exist", coach=repr(as_id(value)))
                )
                problems.append(raw.problem(message, key, record))

    if problems:
        raise InputError(problems)

    return Records(
        organisations=[
            org.model_copy(
                update={
                    "locations": [
                        loc.model_copy(update={"closures": closures_of.get(loc.id, [])})
                        for loc in locations_of.get(org.id, [])
                    ]
                }
            )
            for _, org in organisations
        ],
        coaches=[
            coach.model_copy(update={"leave": leave_of.get(coach.id, [])}) for _, coach in coaches
        ],
        trajects=[traject for _, traject in trajects],
    )


def _raw_ids(raws: list[Raw]) -> set[str]:
    """Give the ids of records as read, valid or not, as their models keep them (NFC): a
    reference to a record with a wrong field is not reported as missing too."""
    return {as_id(raw.values["id"]) for raw in raws if isinstance(raw.values.get("id"), str)}


def _can_look_up(parent_id: Any) -> bool:
    """Give whether a parent id can be looked up: text, or missing (reported as missing).

    Any other id (a TOML list or table) fails its parent's own validation, which reports it.
    """
    return parent_id is None or isinstance(parent_id, str)


def _check_coach_role(raw: Raw, traject: Traject, role: str, problems: list[Problem]) -> None:
    needed = catalogue().offer(traject.offer).role
    if role != needed:
        problems.append(
            raw.problem(
                _(
                    "offer {offer} needs a {needed}, but {coach} is a {role}",
                    offer=traject.offer,
                    needed=_role_word(needed),
                    coach=traject.coach,
                    role=_role_word(role),
                ),
                "coach",
                record_name("traject", traject.id),
            )
        )


def _role_word(role: str) -> str:
    """Give a coach's role in words, as the workbook's column Rol says it."""
    return _("regional supporter") if role == "support" else _("pedagogical coach")


def _check_places(locations: list[tuple[Raw, Location, Any]], problems: list[Problem]) -> None:
    from mentes_cli.regions import place_for_postcode, postcodes_one_typo_away, typo_places

    for raw, location, _organisation in locations:
        if place_for_postcode(location.postcode) is None:
            close = postcodes_one_typo_away(location.postcode)
            problems.append(
                raw.problem(
                    _(
                        "postcode {postcode} is not a Belgian postcode mentes knows; did you "
                        "mean {close}?",
                        postcode=location.postcode,
                        close=typo_places(close),
                    )
                    if close
                    else _(
                        "postcode {postcode} is not a Belgian postcode mentes knows",
                        postcode=location.postcode,
                    ),
                    "postcode",
                    record_name("location", location.id),
                )
            )


def _check_areas(coaches: list[tuple[Raw, Coach]], problems: list[Problem]) -> None:
    from mentes_cli.regions import is_known_area

    for raw, coach in coaches:
        for area in coach.areas:
            if not is_known_area(area):
                problems.append(
                    raw.problem(
                        _(
                            "area {area} is not a scope id, municipality or district mentes "
                            "knows (scopes: regio-antwerpen, provincie-antwerpen, "
                            "groot-antwerpen, antwerpen-districten)",
                            area=repr(area),
                        ),
                        "areas",
                        record_name("coach", coach.id),
                    )
                )


# --- what `mentes plan` will refuse (warnings of `mentes validate`) --------------------------


def plan_refusals(records: Records, today: date) -> list[str]:
    """Give a warning for each approved traject that `mentes plan` will not place, with the
    reason the planner gives (SPEC 5): a free traject whose location is not entitled on the
    traject's own date (not PRIOR, or outside the free scope: the eligibility engine's own
    reason), or is entitled only after the traject's deadline; and a traject that no staff
    member of the right role serves (in the planner's words). `today` dates a traject that
    has no date of its own (SPEC 3.3)."""
    from mentes_cli import i18n
    from mentes_cli.eligibility import (
        entitlement_date,
        family_of_offer,
        free_entitlement,
        uses_entitlement,
    )
    from mentes_cli.plan.reasons import place_text
    from mentes_cli.regions import place_for_postcode, serves

    locations = {location.id: location for _, location in records.locations()}
    committed: dict[tuple[str, str], list[date]] = {}
    for traject in records.trajects:
        if traject.status in ("planned", "active", "done") and uses_entitlement(traject):
            key = (traject.location, family_of_offer(traject.offer))
            committed.setdefault(key, []).append(entitlement_date(traject, today))
    warnings = []
    for traject in records.trajects:
        if traject.status != "approved":
            continue
        location = locations[traject.location]
        day = entitlement_date(traject, today)
        reasons = []
        if traject.is_free_offer:
            family = family_of_offer(traject.offer)
            used = committed.get((traject.location, family), [])
            answer = free_entitlement(records, traject.location, family, day, used)
            name = catalogue().families[family].name(i18n.language())
            if answer.next_free is None and not answer.entitled:
                reasons.append(
                    _(
                        "not entitled to free {offer} on {day}: {reason}",
                        offer=name,
                        day=i18n.day(day),
                        reason=answer.reason,
                    )
                )
            elif traject.deadline and answer.next_free and answer.next_free > traject.deadline:
                reasons.append(
                    _(
                        "not entitled to free {offer} before {day}, after deadline {deadline}: "
                        "{reason}",
                        offer=name,
                        day=i18n.day(answer.next_free),
                        deadline=i18n.day(traject.deadline),
                        reason=answer.reason,
                    )
                )
        role = catalogue().offer(traject.offer).role
        if traject.coach is None:
            place = place_for_postcode(location.postcode)
            if not any(
                coach.role == role
                and (not coach.areas or (place is not None and serves(coach.areas, place, day)))
                for coach in records.coaches
            ):
                reasons.append(
                    _(
                        "no {role} serves {location} ({place})",
                        role=_role_word(role),
                        location=location.id,
                        place=place_text(location),
                    )
                )
        for reason in reasons:
            warnings.append(
                _(
                    "traject {traject}: `mentes plan` will not plan it: {reason}",
                    traject=traject.id,
                    reason=reason,
                )
            )
    return warnings


# --- names and ids that read alike (warnings of `mentes validate`) ----------------------------


def _reading(text: str) -> str:
    """Give `text` as a reader sees it: NFC, without invisible characters, spaces folded,
    case folded. "Café" with a combining accent, "CAFÉ" and "Ca\u200bfé" all read "café"."""
    shown = "".join(c for c in unicodedata.normalize("NFC", text) if not invisible(c))
    return " ".join(shown.split()).casefold()


def lookalike_warnings(records: Records) -> list[str]:
    """Give a warning for each group of names (of organisations, locations, coaches) and of
    ids (of organisations, locations, coaches, trajects) that read alike but are written
    differently: equal after NFC, without invisible characters and case folded. Such records
    print alike while mentes keeps them apart. Names written exactly alike are no warning
    (two locations of a chain may share a name); ids are NFC already (models.checked_id)."""
    from mentes_cli.i18n import _

    kinds = {
        "organisation": _("organisations"),
        "location": _("locations"),
        "coach": _("coaches"),
        "traject": _("trajects"),
    }
    named = {
        "organisation": [(org.id, org.name) for org in records.organisations],
        "location": [(loc.id, loc.name) for _, loc in records.locations()],
        "coach": [(coach.id, coach.name) for coach in records.coaches],
    }
    warnings = []
    for kind, pairs in named.items():
        for group in _alike(pairs):
            warnings.append(
                _(
                    "{kinds} {ids} have names that differ only in capitals, accents or "
                    "invisible characters ({names}); check that they are not the same one",
                    kinds=kinds[kind],
                    ids=", ".join(record_id for record_id, _name in group),
                    names=" / ".join(f'"{name}"' for _id, name in group),
                )
            )
    ids = {
        "organisation": [org.id for org in records.organisations],
        "location": [loc.id for _, loc in records.locations()],
        "coach": [coach.id for coach in records.coaches],
        "traject": [traject.id for traject in records.trajects],
    }
    for kind, values in ids.items():
        for group in _alike([(value, value) for value in values]):
            warnings.append(
                _(
                    "{kinds} {ids}: these ids differ only in capitals; mentes keeps them "
                    "apart, a reader may not",
                    kinds=kinds[kind],
                    ids=", ".join(record_id for record_id, _text in group),
                )
            )
    return warnings


def _alike(pairs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Give the groups of (id, text) whose texts read alike but are not all written alike,
    in first-seen order; within a group, one pair per way of writing."""
    groups: dict[str, dict[str, str]] = {}
    for record_id, text in pairs:
        groups.setdefault(_reading(text), {}).setdefault(text, record_id)
    return [
        [(record_id, text) for text, record_id in written.items()]
        for written in groups.values()
        if len(written) > 1
    ]
