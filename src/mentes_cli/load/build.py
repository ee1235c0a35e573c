"""Turn raw records (from TOML or Excel) into validated models, collecting every problem.

Both loaders hand over a `RawSet`: plain values keyed by the TOML keys of SPEC 2.1, each
with the place it came from. This module validates each record on its own, then checks
what spans records (unique ids, references, known postcodes and areas), and raises one
`InputError` that lists every problem at once.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

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
    # Keys whose value the reader refused and reported itself (a workbook cell): left out of
    # `values`, and of every check that needs them.
    refused: set[str] = field(default_factory=set)
    # Keys of `refused` whose problem hides later checks: the reader says so in its message.
    hidden_by: set[str] = field(default_factory=set)

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
    status_known: bool = True,
) -> None:
    """Check a traject's committed visits: allowed for its status (unless `status_known` is
    false: the status is wrong itself), known coaches, one number each (SPEC 8).
    `visit_raws`: the visits' own rows (workbook), in the order of the visits."""
    if not traject.visits:
        return
    record = record_name("traject", traject.id)
    live = [v for v in traject.visits if v.state != "cancelled"]
    if live and status_known and traject.status not in STATUSES_WITH_VISITS:
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
    raw_set: RawSet, trajects: list[Checked], problems: list[Problem]
) -> dict[str, list[Raw]]:
    """Attach the visits of a workbook's sheet Bezoeken to their trajects (row order), and
    give the rows of each traject's visits; report a visit of a traject that does not exist."""
    if not raw_set.visits:
        return {}
    for raw in raw_set.visits:
        traject_id, number = raw.values.get("traject"), raw.values.get("number")
        if raw.record is None and isinstance(traject_id, str) and traject_id.strip():
            raw.record = (
                visit_name(traject_id.strip(), number)
                if isinstance(number, int)
                else record_name("traject", traject_id.strip())
            )
    visits = _validate_children(raw_set.visits, "traject", CommittedVisit, problems)
    known = {t.model.id for t in trajects if "id" in t.model.__dict__} | _raw_ids(raw_set.trajects)
    visits_of: dict[str, list[Checked]] = {}
    for visit in visits:
        traject_id = visit.parent
        if not _can_look_up(traject_id):
            continue
        if traject_id not in known and "trajects" not in raw_set.unreadable:
            problems.append(
                visit.raw.problem(
                    _("traject {traject} does not exist", traject=repr(traject_id)), "traject"
                )
            )
            continue
        if visit.valid:
            visits_of.setdefault(traject_id, []).append(visit)
    for traject in trajects:
        own = visits_of.get(traject.model.__dict__.get("id"), [])
        if own:
            # A workbook's Trajecten sheet has no visits column: the sheet Bezoeken is all.
            traject.model = traject.model.model_copy(
                update={"visits": [visit.model for visit in own]}
            )
    return {tid: [visit.raw for visit in own] for tid, own in visits_of.items()}


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


@dataclass
class Checked:
    """A record as checked: its valid model, or, for a record with problems, a partial model
    that holds only the fields that are valid on their own, so that the later checks (unique
    ids, references, postcodes, visits) still run on them and one run reports everything.

    A check that needs a field the record lacks calls `hide(key)`: the problem of that field
    then says that more checks follow once it is fixed."""

    raw: Raw
    model: Any
    valid: bool
    parent: Any = None
    # key -> the index of its problem among the build's problems (None: the reader's problem)
    failed_at: dict[str, int | None] = field(default_factory=dict)
    hides: set[str] = field(default_factory=set)

    def has(self, *keys: str) -> bool:
        """Give whether the record holds valid values for all of `keys`."""
        return all(key in self.model.__dict__ for key in keys)

    def needs(self, *keys: str) -> bool:
        """Give whether a check across fields can run on the record: `has(*keys)`, and when
        not, note the fields it lacks (a check of one field on its own notes nothing: the
        field's problem says what is wrong with it)."""
        missing = [key for key in keys if key not in self.model.__dict__]
        for key in missing:
            self.hide(key)
        return not missing

    def hide(self, key: str | None) -> None:
        """Note that a check could not run for want of field `key` (None: any failed one)."""
        if key in self.failed_at:
            self.hides.add(key)
        elif not self.valid:
            self.hides.update(self.failed_at)


def check_raw(raw: Raw, model: type[BaseModel], problems: list[Problem]) -> Checked:
    """Give `raw` checked against `model`, after adding its problems to `problems`."""
    errors: list[dict[str, Any]] = []
    try:
        record = model.model_validate(raw.values)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        if not raw.refused:
            return Checked(raw, record, True)
    name = _record_name(model, raw.values)
    failed_at: dict[str, int | None] = dict.fromkeys(raw.refused)
    reported = set()
    for error in errors:
        loc = [str(part) for part in error["loc"]]
        if (loc and loc[0] in raw.refused) or (not loc and raw.refused):
            # The reader reported that value; a rule is checked below without it.
            continue
        message = _message(error, model)
        if loc:
            failed_at.setdefault(loc[0], len(problems))
        else:
            reported.add(message)
        problems.append(raw.problem(message, _field_path(loc) if loc else raw.field_hint, name))
    checked = Checked(raw, _partial(model, raw.values, failed_at), False, failed_at=failed_at)
    # pydantic checks the rules across fields only when every field is valid, and stops at
    # the first rule broken: check them all now on the fields that are valid, so that one
    # run reports everything.
    for message in _record_rules(checked, model):
        if message not in reported:
            problems.append(raw.problem(message, raw.field_hint, name))
    return checked


@cache
def _field_adapter(model: type[BaseModel], key: str) -> TypeAdapter:
    info = model.model_fields[key]
    return TypeAdapter(
        Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    )


def _partial(model: type[BaseModel], values: dict[str, Any], failed_at: dict) -> BaseModel:
    """Give a model of the fields of `values` that are valid on their own; a failed field is
    absent (not its default), so that a check that needs it cannot run on a wrong value."""
    valid = {}
    for key, value in values.items():
        if key in failed_at or key not in model.model_fields:
            continue
        try:
            valid[key] = _field_adapter(model, key).validate_python(value)
        except ValidationError:
            failed_at.setdefault(key, None)  # wrong only with the others: already reported
    partial = model.model_construct(**valid)
    for key in failed_at:
        partial.__dict__.pop(key, None)
    return partial


def _record_rules(checked: Checked, model: type[BaseModel]) -> list[str]:
    """Give the messages of the model's rules across fields that the valid fields break."""
    messages = []
    for name, decorator in model.__pydantic_decorators__.model_validators.items():
        if decorator.info.mode != "after":
            continue
        try:
            getattr(checked.model, name)()
        except ValueError as exc:
            messages.append(str(exc))
        except (AttributeError, TypeError):
            # The rule needs a field that is itself wrong or missing: that field's problem
            # says what to type, and the rule is checked with it once it is fixed.
            continue
    return messages


def fix_first(message: str) -> str:
    """Give `message` with the note that checks which need its field follow once it is fixed."""
    return _("{message} (the checks that need this field follow once it is fixed)", message=message)


def _validate_children(
    raws: list[Raw], parent_key: str, model: type[BaseModel], problems: list[Problem]
) -> list[Checked]:
    """Give each record checked without its parent's id, with that id as `parent`."""
    checked = []
    for raw in raws:
        bare, parent_id = _pop_parent(raw, parent_key)
        child = check_raw(bare, model, problems)
        child.raw = raw
        if isinstance(parent_id, str) and parent_id:
            # The parent's id as its own model keeps it: NFC, no invisible character.
            try:
                parent_id = checked_id(parent_id)
            except ValueError as exc:
                problems.append(raw.problem(str(exc), parent_key))
                child.valid, parent_id = False, _UNREADABLE
        child.parent = parent_id
        checked.append(child)
    return checked


# The parent id of a record whose parent id is itself wrong (and reported): not looked up.
_UNREADABLE = object()


def _pop_parent(raw: Raw, key: str) -> tuple[Raw, Any]:
    values = dict(raw.values)
    parent = values.pop(key, None)
    if isinstance(parent, str):
        parent = parent.strip()  # as the parent's model keeps its id
    bare = Raw(values, raw.source, raw.row, raw.row_word, raw.field_rows, raw.field_labels)
    bare.record = raw.record
    bare.field_hint = raw.field_hint
    bare.refused = raw.refused - {key}
    return bare, parent


def _check_unique(
    checked: list[Checked], kind: str, problems: list[Problem], scope: str = ""
) -> None:
    items = [(c.raw, c.model) for c in checked if c.has("id")]
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


def build_records(raw_set: RawSet, today: date | None = None) -> Records:
    """Give the validated records, or raise InputError listing every problem found.

    `today`: also report a visit marked done that is still ahead, and a done traject whose
    end is still ahead (`mentes validate`; the other commands read such records, and `mentes
    visit` and `mentes done` refuse to make one)."""
    problems: list[Problem] = list(raw_set.problems)

    organisations = [check_raw(raw, Organisation, problems) for raw in raw_set.organisations]
    locations = _validate_children(raw_set.locations, "organisation", Location, problems)
    closures = _validate_children(raw_set.closures, "location", Closure, problems)
    coaches = [check_raw(raw, Coach, problems) for raw in raw_set.coaches]
    leave = _validate_children(raw_set.leave, "coach", Leave, problems)
    trajects = [check_raw(raw, Traject, problems) for raw in raw_set.trajects]

    # Every check below also runs on the records with a wrong field, as far as their valid
    # fields go: one run reports a duplicate id, a dangling reference and an unknown postcode
    # of a record whose status is mistyped.
    _check_unique(organisations, "organisation", problems)
    _check_unique(
        locations,
        "location",
        problems,
        _(" (location ids are unique across all organisations)"),
    )
    _check_unique(coaches, "coach", problems)
    _check_unique(trajects, "traject", problems)
    visit_raws = _visit_rows(raw_set, trajects, problems)

    organisation_ids = _ids(organisations) | _raw_ids(raw_set.organisations)
    location_ids = _ids(locations) | _raw_ids(raw_set.locations)
    coach_ids = _ids(coaches) | _raw_ids(raw_set.coaches)

    _check_places(locations, problems)
    _check_areas(coaches, problems)

    locations_of = _children_of(
        locations,
        organisation_ids,
        "organisations" in raw_set.unreadable,
        lambda parent: _("organisation {organisation} does not exist", organisation=repr(parent)),
        "organisation",
        problems,
    )
    closures_of = _children_of(
        closures,
        location_ids,
        bool({"organisations", "locations"} & raw_set.unreadable),
        lambda parent: _("location {location} does not exist", location=repr(parent)),
        "location",
        problems,
    )
    leave_of = _children_of(
        leave,
        coach_ids,
        "coaches" in raw_set.unreadable,
        lambda parent: _("coach {coach} does not exist", coach=repr(parent)),
        "coach",
        problems,
    )

    coach_roles = {c.model.id: c.model.role for c in coaches if c.valid}
    # A workbook's sheet that could not be read ("locations": Locaties), or the TOML file
    # that holds the locations ("organisations"): no reference to them is reported missing.
    locations_known = not {"organisations", "locations"} & raw_set.unreadable
    coaches_known = "coaches" not in raw_set.unreadable
    for checked in trajects:
        raw, traject = checked.raw, checked.model
        record = _record_name(Traject, raw.values)
        if locations_known and checked.has("location") and traject.location not in location_ids:
            problems.append(
                raw.problem(
                    _("location {location} does not exist", location=repr(traject.location)),
                    "location",
                    record,
                )
            )
        if checked.has("coach") and traject.coach is not None:
            if coaches_known and traject.coach not in coach_ids:
                problems.append(
                    raw.problem(
                        _("coach {coach} does not exist", coach=repr(traject.coach)),
                        "coach",
                        record,
                    )
                )
            elif traject.coach in coach_roles and checked.needs("offer", "id"):
                _check_coach_role(raw, traject, coach_roles[traject.coach], problems)
        if checked.has("id", "visits") and traject.visits:
            rows = visit_raws.get(traject.id)
            live = any(visit.state != "cancelled" for visit in traject.visits)
            status_known = not live or checked.needs("status")
            coach_known = coach_ids if coaches_known else None
            _check_visits(raw, traject, coach_known, problems, rows, status_known)
            if today is not None:
                _check_done_visits(raw, traject, today, problems, rows)
        if today is not None and checked.has("id", "status", "end"):
            _check_done_end(raw, traject, today, problems)
    _check_unique_uids(
        [(c.raw, c.model) for c in trajects if c.has("id", "visits")], problems, visit_raws
    )

    everything = [*organisations, *locations, *closures, *coaches, *leave, *trajects]
    # A record may be wrong with no problem here: its reader reported a value it refused.
    if problems or not all(record.valid for record in everything):
        raise InputError(_say_what_is_hidden(everything, problems))

    return Records(
        organisations=[
            org.model.model_copy(
                update={
                    "locations": [
                        loc.model_copy(update={"closures": closures_of.get(loc.id, [])})
                        for loc in locations_of.get(org.model.id, [])
                    ]
                }
            )
            for org in organisations
        ],
        coaches=[
            c.model.model_copy(update={"leave": leave_of.get(c.model.id, [])}) for c in coaches
        ],
        trajects=[c.model for c in trajects],
    )


def _ids(checked: list[Checked]) -> set[str]:
    return {c.model.id for c in checked if "id" in c.model.__dict__}


def _children_of(
    children: list[Checked],
    parent_ids: set[str],
    parents_unreadable: bool,
    missing: Any,
    parent_key: str,
    problems: list[Problem],
) -> dict[str, list[Any]]:
    """Give the valid children of each parent id; report a child whose parent does not exist
    (unless the parents could not be read), valid or not."""
    children_of: dict[str, list[Any]] = {}
    for child in children:
        parent = child.parent
        if not _can_look_up(parent):
            continue
        if parent not in parent_ids:
            if not parents_unreadable:
                record = child.raw.record
                if record is None and "id" in child.model.__dict__:
                    record = record_name(_KIND_WORDS[type(child.model)], child.model.id)
                problems.append(child.raw.problem(missing(parent), parent_key, record))
            continue
        if child.valid:
            children_of.setdefault(parent, []).append(child.model)
    return children_of


def _check_done_visits(
    raw: Raw,
    traject: Traject,
    today: date,
    problems: list[Problem],
    visit_raws: list[Raw] | None,
) -> None:
    """A visit is done once it took place: the rule of `mentes visit --state done`, for a
    Status gedaan (state = "done") typed by hand."""
    from mentes_cli.lifecycle import done_too_soon

    record = record_name("traject", traject.id)
    for position, visit in enumerate(traject.visits, start=1):
        if visit.state != "done":
            continue
        message = done_too_soon(traject.id, visit.number, visit.date, today, visit.kind)
        if message:
            at, field_name, named = _visit_place(raw, visit_raws, position, "state", record)
            problems.append(at.problem(message, field_name, named))


def _check_done_end(raw: Raw, traject: Traject, today: date, problems: list[Problem]) -> None:
    """A traject is done once its last day has passed: the rule of `mentes done`, for a
    Status afgerond (status = "done") with an Einde (end) still ahead, typed by hand."""
    from mentes_cli.lifecycle import end_still_ahead

    if traject.status != "done" or traject.end is None:
        return
    message = end_still_ahead(traject.id, traject.end, today)
    if message:
        problems.append(raw.problem(message, "end", record_name("traject", traject.id)))


def _say_what_is_hidden(checked: list[Checked], problems: list[Problem]) -> list[Problem]:
    """Give `problems` with a note on each problem whose field kept other checks from running:
    more problems of that record may follow once it is fixed. A problem the reader reported
    (a workbook cell) is noted in the raw record, for the reader to say."""
    noted: set[int] = set()
    for record in checked:
        for key in record.hides:
            index = record.failed_at.get(key)
            if index is None:
                record.raw.hidden_by.add(key)
            else:
                noted.add(index)
    return [
        replace(problem, message=fix_first(problem.message)) if index in noted else problem
        for index, problem in enumerate(problems)
    ]


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


def _check_places(locations: list[Checked], problems: list[Problem]) -> None:
    from mentes_cli.regions import place_for_postcode, postcodes_one_typo_away, typo_places

    for checked in locations:
        if not checked.has("id", "postcode"):
            continue
        raw, location = checked.raw, checked.model
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


def _check_areas(coaches: list[Checked], problems: list[Problem]) -> None:
    from mentes_cli.regions import is_known_area

    for checked in coaches:
        if not checked.has("id", "areas"):
            continue
        raw, coach = checked.raw, checked.model
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


# --- planned trajects whose visits are lost (a notice of every command) -------------------


def planned_without_visits(records: Records) -> list[str]:
    """Give the ids of the planned trajects without a committed visit. `plan --commit` stores
    the visits with each traject it plans: a planned traject without them lost them by hand
    (the sheet Bezoeken renamed or emptied, the `[[trajects.visits]]` blocks deleted), and no
    command sees the days its coach is booked."""
    return [t.id for t in records.trajects if t.status == "planned" and not t.visits]


def some_ids(ids: list[str]) -> str:
    """Give the first ten of `ids` for a sentence, and "…" when there are more."""
    return ", ".join(ids[:10]) + (" …" if len(ids) > 10 else "")


def put_visits_back() -> str:
    """Give how a coordinator gets the lost visits of planned trajects back."""
    return _(
        "Put the visits back (mentes keeps the records as they were before each change in "
        "the folder backup beside them), or unplan those trajects to plan them anew."
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
