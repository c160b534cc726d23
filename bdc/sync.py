"""Idempotent ingestion of sessions, events, phases and incidents recorded offline.

The contract (DESIGN.md "Offline sync", docs/api.md "Offline sync"):

- every item is checked and stored or refused on its own: whatever is wrong with one item
  (whatever exception checking it raises) never fails or blocks the items around it;
- a refusal carries a ``code`` and ``retry``: only ``pending`` (a dependency not here yet) is
  worth sending again; every other code needs a person;
- an id the server already holds with the same content is acknowledged and not stored again,
  so a batch can be re-sent any number of times; with different content it is a ``conflict``;
- "not held yet" is decided by the database (insert-or-ignore on the primary key), so two
  requests carrying the same new item at once store it once;
- sessions first, then phases, events and incidents; a re-sent session may add its end;
- ``recorded_by`` comes from the token and ``received_at`` from the server clock;
- the batch is one transaction, committed by the request: a database failure leaves nothing.

Events are validated by plain functions (:mod:`bdc.event_rules`) and inserted with one
``executemany``: this path takes thousands of events a request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_smorest import abort
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError

from bdc import audit, session_settings
from bdc.auth import (
    EDITS_PROGRAMS,
    may_record_target,
    may_report_incidents,
    recording_problem,
    visible_among,
)
from bdc.event_rules import CANONICAL_UUID, check_event
from bdc.extensions import db
from bdc.fa_conditions import FaConditionField
from bdc.measurement_params import SESSION_EVENT_KINDS, SESSION_WINDOW_TOLERANCE_SECONDS
from bdc.models import (
    INCIDENT_TYPES,
    PHASE_KINDS,
    SESSION_KINDS,
    SESSION_ROLES,
    Event,
    Incident,
    Phase,
    Plan,
    Session,
    Target,
    User,
)
from bdc.models.base import utcnow
from bdc.models.bulk import insert_many, insert_one
from bdc.services import incidents, mastery, session_values
from bdc.session_scope import CHANGED_MEANWHILE
from bdc.text import storable_text

EVENT_FIELDS = frozenset({"id", "session_id", "target_id", "kind", "t", "data"})

# Refusal codes (docs/api.md "Offline sync"). Only PENDING is retried by the device.
INVALID = "invalid"
CONFLICT = "conflict"
NOT_FOUND = "not_found"
OUTSIDE_SESSION = "outside_session"
FORBIDDEN = "forbidden"
PENDING = "pending"

# The longest a session may last: an end later than this after the start is refused, and so
# is an event this far after the start of a session that has not ended yet.
MAX_SESSION = timedelta(hours=24)
TOLERANCE = timedelta(seconds=SESSION_WINDOW_TOLERANCE_SECONDS)
# Device times outside these years are a broken clock or junk, never a recording.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

# The same words whether the thing does not exist or is not on the caller's caseload.
NO_CLIENT = "This client is not on your caseload. Ask the client's BCBA to check the caseload."
NO_SESSION = "This session is not on your caseload. Ask the client's BCBA to check the caseload."
NO_TARGET = "This target is not one of the client's targets on your caseload."
SESSION_NOT_HERE = (
    "Its session has not reached the server yet; it will be sent again with its session."
)
UNREADABLE = (
    "This entry holds a value the server cannot read (a number, date or text out of range); "
    "it was not stored."
)

_SHARED_ID_FIELDS = ("client_id", "target_id", "plan_id", "staff_id", "group_id")
# How many learners one group session records (issue #16: two to six).
GROUP_SIZE = (2, 6)
NO_GROUP_LEARNER = (
    "A learner of this group is not on your caseload. Ask the client's BCBA to check the caseload."
)


class Refusal(Exception):
    """Why one item is not stored: a code from the list above and words a BCBA can act on."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


class AwareDateTime(fields.AwareDateTime):
    default_error_messages = {"invalid_awareness": "Give a UTC offset, e.g. 2026-11-22T14:03:00Z."}


def _text(limit: int) -> list:
    return [validate.Length(max=limit), storable_text]


class SyncSessionSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    role = fields.Str(load_default="primary", validate=validate.OneOf(SESSION_ROLES))
    kind = fields.Str(load_default="observation", validate=validate.OneOf(SESSION_KINDS))
    started_at = AwareDateTime(required=True)
    ended_at = AwareDateTime(allow_none=True, load_default=None)
    setting = session_settings.SessionSettingField(load_default="")
    device_id = fields.Str(load_default="", validate=_text(120))
    target_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=200))
    plan_id = fields.UUID(allow_none=True, load_default=None)
    staff_id = fields.UUID(allow_none=True, load_default=None)
    fa_condition = FaConditionField(
        metadata={
            "description": "The functional-analysis condition run (attention, escape, tangible, "
            "alone, play, or a named one); null when the session is not part of an FA"
        }
    )
    # A group session: one screen for several learners, each with a session like this one.
    # Every session of the group names all its learners, so each is checked on its own even
    # when the group's sessions reach the server in different batches.
    group_id = fields.UUID(allow_none=True, load_default=None)
    group_client_ids = fields.List(fields.UUID(), allow_none=True, load_default=None)

    @validates_schema
    def _group(self, data: dict, **kwargs) -> None:
        group_id, learners = data.get("group_id"), data.get("group_client_ids")
        if group_id is None and learners is None:
            return
        if group_id is None or learners is None:
            raise ValidationError("A group session needs both group_id and group_client_ids.")
        if not GROUP_SIZE[0] <= len(set(learners)) == len(learners) <= GROUP_SIZE[1]:
            raise ValidationError(
                f"A group has {GROUP_SIZE[0]} to {GROUP_SIZE[1]} different learners.",
                "group_client_ids",
            )
        if data["client_id"] not in learners:
            raise ValidationError("Must include this session's client_id.", "group_client_ids")
        if data.get("role") != "primary" or data.get("kind") != "observation":
            raise ValidationError(
                "A group session is a primary observation; a second observer joins one "
                "learner with a session of their own.",
                "group_id",
            )


class SyncPhaseSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    target_id = fields.UUID(required=True)
    kind = fields.Str(required=True, validate=validate.OneOf(PHASE_KINDS))
    label = fields.Str(required=True, validate=[validate.Length(min=1, max=120), storable_text])
    start_date = fields.Date(required=True)


class SyncIncidentSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    occurred_at = AwareDateTime(required=True)
    duration_minutes = fields.Float(
        allow_none=True, load_default=None, validate=validate.Range(0, 24 * 60)
    )
    type = fields.Str(required=True, validate=validate.OneOf(INCIDENT_TYPES))
    antecedents = fields.Str(load_default="", validate=_text(4000))
    deescalation = fields.List(fields.Str(validate=_text(400)), load_default=list)
    injuries = fields.Str(load_default="", validate=_text(4000))
    notified = fields.List(fields.Str(validate=_text(200)), load_default=list)
    description = fields.Str(load_default="", validate=_text(8000))


@dataclass
class SyncResult:
    accepted: list[str] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, item: Any, refusal: Refusal) -> None:
        self.rejected.append(
            {
                "id": _sent_id(item),
                "reason": refusal.reason,
                "code": refusal.code,
                "retry": refusal.code == PENDING,
            }
        )


def _sent_id(item: Any) -> str:
    """The id as the device sent it, so it can find the entry; "" when there is no usable one."""
    item_id = item.get("id") if isinstance(item, Mapping) else None
    return item_id if isinstance(item_id, str) and len(item_id) <= 64 else ""


def _refusal(error: Exception) -> Refusal:
    """Any exception raised while checking one item, as that item's refusal."""
    if isinstance(error, Refusal):
        return error
    if isinstance(error, ValidationError):
        return Refusal(INVALID, _reason(error))
    if type(error) is ValueError:  # the checkers' own messages; subclasses may be anything
        return Refusal(INVALID, str(error))
    return Refusal(INVALID, UNREADABLE)


def _each(items: Iterable, check: Callable[[Any], Any]) -> list[tuple[Any, Any]]:
    """``check`` applied to every item alone: (item, result or Refusal).

    Database errors are not an item's fault and leave the transaction unusable: they end the
    request (rolled back, the device retries). Anything else refuses this item only.
    """
    out = []
    for item in items:
        try:
            out.append((item, check(item)))
        except SQLAlchemyError:
            raise
        except Exception as error:  # one bad item never sinks the batch
            out.append((item, _refusal(error)))
    return out


def _reason(error: ValidationError) -> str:
    messages = error.normalized_messages()
    parts = []
    for key, value in messages.items():
        text = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {text}")
    return ", ".join(parts)[:500]


def _load(schema: Schema, item: Any) -> dict:
    if not isinstance(item, Mapping):
        raise Refusal(INVALID, "must be an object")
    data = schema.load(item)
    for name, value in data.items():
        if name == "id" or name in _SHARED_ID_FIELDS:
            data[name] = str(value) if value is not None else None
        elif isinstance(value, datetime):
            data[name] = _device_time(value, name)
    return data


def _device_time(moment: datetime, name: str) -> datetime:
    """A device time in UTC, refused when it cannot be a recording."""
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+05:00 has no UTC equivalent
        raise ValueError(f"{name} is out of range") from None
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"{name} must be between the years 2000 and 2099")
    return moment


def _clock(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _differences(stored: Mapping, sent: Mapping, names: Iterable[str]) -> list[str]:
    return [name for name in names if stored[name] != sent[name]]


# Where a held row belongs: when these differ, the field names would tell the caller that the
# id is held elsewhere, so the refusal says only that the id is taken.
_OWNERS = frozenset({"client_id", "observer_id", "reported_by", "session_id", "target_id"})


def _conflict(what: str, names: list[str]) -> Refusal:
    if _OWNERS.intersection(names):
        return Refusal(CONFLICT, f"This id is already used for another {what}; it was not stored.")
    return Refusal(
        CONFLICT,
        f"This id is already held for a {what} with different {', '.join(names)}; "
        "it was not stored. Check the device's copy against the stored one.",
    )


def _id_set(values: Iterable[Any]) -> set[str]:
    """The values that could be stored ids (lowercased), for a lookup; junk is dropped."""
    return {v.lower() for v in values if isinstance(v, str) and len(v) <= 36}


# Sync's reads are built once with an expanding IN parameter: building a statement costs
# several times what SQLite takes to answer it (docs/performance.md, "Under load, fourth pass").
_IDS = bindparam("ids", expanding=True)


@functools.cache
def _rows_statement(table: Table, names: tuple[str, ...], locked: bool):
    statement = select(table.c.id, *(table.c[name] for name in names)).where(table.c.id.in_(_IDS))
    # FOR NO KEY UPDATE on PostgreSQL (SQLite has no row locks and ignores it), in id order:
    # transactions locking rows in one order never wait for each other in a circle. It does
    # not conflict with the key-share locks an insert's foreign keys take.
    return statement.order_by(table.c.id).with_for_update(key_share=True) if locked else statement


@functools.cache
def _models_statement(model):
    return select(model).where(model.id.in_(_IDS))


def _chunked_rows(
    table: Table, ids: Iterable[str], names: tuple[str, ...], *, locked: bool = False
) -> dict[str, dict]:
    """id -> {name: value} of the rows held with these ids; ``locked``: locked until the
    transaction ends (PostgreSQL)."""
    ids = sorted(_id_set(ids)) if locked else list(_id_set(ids))
    statement = _rows_statement(table, names, locked)
    found: dict[str, dict] = {}
    for start in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        for row in db.session.execute(statement, {"ids": ids[start : start + 900]}):
            found[row.id] = row._asdict()
    return found


def _group_members(group_ids: set[str]) -> dict[str, list[tuple[str, str]]]:
    """group id -> (observer id, client id) of each session held in the group."""
    members: dict[str, list[tuple[str, str]]] = {}
    ids = sorted(group_ids)
    for start in range(0, len(ids), 900):
        rows = db.session.execute(
            select(Session.group_id, Session.observer_id, Session.client_id).where(
                Session.group_id.in_(ids[start : start + 900])
            )
        )
        for group_id, observer_id, client_id in rows:
            members.setdefault(group_id, []).append((observer_id, client_id))
    return members


def _by_id(model, ids: Iterable[str]) -> dict[str, Any]:
    ids = list(_id_set(ids))
    found: dict[str, Any] = {}
    for start in range(0, len(ids), 900):
        rows = db.session.scalars(_models_statement(model), {"ids": ids[start : start + 900]})
        found.update({row.id: row for row in rows})
    return found


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("t must be an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("t must be an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise ValueError("t needs a UTC offset, e.g. 2026-11-22T14:03:00Z")
    if moment.tzinfo is UTC and EARLIEST <= moment < LATEST:  # "...Z": nothing to convert
        return moment
    return _device_time(moment, "t")


def _canonical_uuid(value: Any, name: str) -> str:
    """The lowercase hyphenated form (what every id is stored as); a regex, as uuid.UUID is slow."""
    if isinstance(value, str):
        value = value.lower()
        if CANONICAL_UUID.fullmatch(value):
            return value
    raise ValueError(f"{name} must be a UUID")


SESSION_FIXED = (
    "client_id",
    "role",
    "kind",
    "started_at",
    "setting",
    "device_id",
    "target_ids",
    "plan_id",
    "staff_id",
    "group_id",
    "fa_condition",
)
SESSION_COLUMNS = ("observer_id", *SESSION_FIXED, "ended_at")
# what checking events and measuring need of a held session
HELD_SESSION_COLUMNS = (
    "observer_id",
    "client_id",
    "kind",
    "plan_id",
    "target_ids",
    "started_at",
    "ended_at",
)
EVENT_CONTENT = ("session_id", "target_id", "kind", "t", "data")
TARGET_COLUMNS = ("client_id", "measurement", "params", "home_recordable", "mastery")
PHASE_CONTENT = ("target_id", "kind", "label", "start_date")
INCIDENT_CONTENT = ("client_id", "reported_by", *incidents.CONTENT_FIELDS)


@dataclass
class _HeldSession:
    """What checking events needs of a session held for the caller, as plain values."""

    client_id: str
    started_at: datetime
    ended_at: datetime | None
    checklist_length: int | None  # fidelity sessions only
    # The times its events may carry: the session widened by the tolerance, an open session
    # taken to last at most MAX_SESSION. Worked out once: every event of a batch is checked.
    earliest: datetime = field(init=False)
    latest: datetime = field(init=False)

    def __post_init__(self) -> None:
        end = self.ended_at if self.ended_at is not None else self.started_at + MAX_SESSION
        self.earliest, self.latest = self.started_at - TOLERANCE, end + TOLERANCE


@dataclass
class _EventScope:
    """What checking one batch's events needs, as plain values.

    sessions: id -> the caller's held session; refused: session id -> why this batch refused
    it; targets: id -> (client id, measurement, params); event_sessions: event id -> session
    id, for held events named by voids and for events this batch has taken so far; taken:
    event id -> the row this batch took for it.

    Events already held are not looked up beforehand: the insert skips them (insert-or-ignore)
    and only then are they compared with what is held (``_Batch._held_copies``). A replay is
    the exception, and the lookup costs as much as the insert.
    """

    sessions: dict[str, _HeldSession]
    refused: dict[str, Refusal]
    targets: dict[str, tuple[str, str, Mapping]]
    event_sessions: dict[str, str]
    taken: dict[str, dict] = field(default_factory=dict)
    # session and target ids as sent -> checked: a batch names the same few thousands of times
    checked_ids: dict[str, str] = field(default_factory=dict)

    def _checked_id(self, value: Any, name: str) -> str:
        checked = self.checked_ids.get(value) if isinstance(value, str) else None
        if checked is None:
            checked = _canonical_uuid(value, name)
            self.checked_ids[value] = checked
        return checked

    def row(self, item: Any) -> dict | None:
        """The checked row, or None for a repeat of an event this batch has taken already;
        raises Refusal or ValueError for an event that cannot be stored whatever is held.
        :meth:`placement` then says whether the row fits its session."""
        if type(item) is not dict and not isinstance(item, Mapping):  # JSON gives dicts
            raise Refusal(INVALID, "must be an object")
        if not item.keys() <= EVENT_FIELDS:
            names = sorted(str(name)[:40] for name in item.keys() - EVENT_FIELDS)
            raise ValueError(f"unknown field(s): {', '.join(names[:5])}")
        event_id = _canonical_uuid(item.get("id"), "id")
        session_id = self._checked_id(item.get("session_id"), "session_id")
        session = self.sessions.get(session_id)
        if session is None:
            refused = self.refused.get(session_id)
            if refused is not None:
                raise Refusal(refused.code, f"Its session was not stored: {refused.reason}")
            raise Refusal(PENDING, SESSION_NOT_HERE)
        kind = item.get("kind")
        t = _parse_time(item.get("t"))
        target_id = item.get("target_id")
        if target_id is not None:
            target_id = self._checked_id(target_id, "target_id")
            target = self.targets.get(target_id)
            if target is None or target[0] != session.client_id:
                raise Refusal(NOT_FOUND, NO_TARGET)
            data = check_event(kind, item.get("data", {}), measurement=target[1], params=target[2])
        else:
            if kind not in SESSION_EVENT_KINDS:
                raise ValueError(f"{str(kind)[:40]!r} events need a target_id")
            params: dict = {}
            if kind == "fidelity":
                if session.checklist_length is None:
                    raise ValueError("fidelity events belong in a fidelity session")
                params = {"checklist_length": session.checklist_length}
            data = check_event(kind, item.get("data", {}), measurement=None, params=params)
        row = {
            "id": event_id,
            "session_id": session_id,
            "target_id": target_id,
            "kind": kind,
            "t": t,
            "data": data,
        }
        taken = self.taken.get(event_id)
        if taken is not None:
            differ = _differences(taken, row, EVENT_CONTENT)
            if differ:
                raise _conflict("entry", differ)
            return None  # a repeat within this batch
        return row

    def placement(self, row: dict) -> Exception | None:
        """Why a checked row does not fit its session (None: it fits). An event held already
        is acknowledged even so: its session may have ended since it was stored."""
        session = self.sessions[row["session_id"]]
        if row["kind"] == "void" and (
            self.event_sessions.get(row["data"]["voids"], row["session_id"]) != row["session_id"]
        ):
            # A void may arrive before the event it cancels (measures apply voids by id), but
            # it can never cancel an event of another session.
            return ValueError("data.voids names an event of another session")
        t = row["t"]
        if not session.earliest <= t <= session.latest:
            ended = _clock(session.ended_at) if session.ended_at else "has not ended"
            return Refusal(
                OUTSIDE_SESSION,
                f"Recorded at {_clock(t)}, outside its session (started "
                f"{_clock(session.started_at)}, ended {ended}); not counted. "
                "Check the device's clock.",
            )
        return None


class _Batch:
    """One sync request being ingested on behalf of ``user``."""

    def __init__(self, user: User, received_at: datetime | None = None):
        self.user = user
        self.received_at = received_at  # given for historical data; else taken by store()
        self.result = SyncResult()
        self.sessions: dict[str, _HeldSession] = {}
        self.refused_sessions: dict[str, Refusal] = {}
        self.clients_touched: set[str] = set()
        # targets with a mastery criterion and new events: their criterion is evaluated
        self.touched_targets: set[str] = set()
        self.touched_values = session_values.Touched()  # stored values to recompute
        self.targets: dict[str, dict] = {}  # rows read so far (_target_rows)
        # checked, to be written by store(): new sessions by id, ends of held sessions, events
        self.new_sessions: dict[str, dict] = {}
        self.new_ends: dict[str, datetime] = {}
        self.new_events: list[dict] = []
        self.misplaced: list[tuple[Any, dict, Exception]] = []

    def _target_rows(self, ids: Iterable[Any]) -> dict[str, dict]:
        """id -> row (TARGET_COLUMNS) of the targets held with these ids, each read once a
        batch (a first sync names its targets in its session and in its events)."""
        wanted = _id_set(ids)
        unread = wanted - self.targets.keys()
        if unread:
            self.targets.update(_chunked_rows(Target.__table__, unread, TARGET_COLUMNS))
        return {tid: self.targets[tid] for tid in wanted if tid in self.targets}

    def _answer(self, checked: list[tuple[Any, Any]]) -> None:
        for item, outcome in checked:
            if isinstance(outcome, Refusal):
                self.result.reject(item, outcome)
            else:
                self.result.accepted.append(outcome)

    # --- sessions ------------------------------------------------------------------------

    def sessions_in(self, items: list) -> None:
        loaded = _each(items, lambda item: _load(SyncSessionSchema(), item))
        good = [data for _, data in loaded if isinstance(data, dict)]
        self.visible = visible_among(
            self.user,
            [d["client_id"] for d in good]
            + [str(c) for d in good for c in d["group_client_ids"] or ()],
        )
        self.groups = _group_members({d["group_id"] for d in good if d["group_id"]})
        self.held_sessions = _chunked_rows(
            Session.__table__, (d["id"] for d in good), SESSION_COLUMNS
        )
        self._target_rows(str(t) for d in good for t in d["target_ids"])
        self.plans = _by_id(Plan, (d["plan_id"] for d in good if d["plan_id"]))
        self.staff = _by_id(User, (d["staff_id"] for d in good if d["staff_id"]))
        for item, outcome in loaded:
            if isinstance(outcome, dict):
                outcome = _each([outcome], self._session)[0][1]
            if isinstance(outcome, Refusal):
                session_id = item.get("id") if isinstance(item, Mapping) else None
                if isinstance(session_id, str):
                    self.refused_sessions.setdefault(session_id.lower(), outcome)
                self.result.reject(item, outcome)
            else:
                self.result.accepted.append(outcome)

    def _session(self, data: dict) -> str:
        """Store one session or its end; answer its id."""
        if data["ended_at"] is not None:
            if data["ended_at"] < data["started_at"]:
                raise ValueError("ended_at is before started_at")
            if data["ended_at"] - data["started_at"] > MAX_SESSION:
                raise ValueError("a session lasts at most 24 hours; check ended_at")
        learners = data.pop("group_client_ids")
        row = {
            **data,
            "observer_id": self.user.id,
            "target_ids": [str(t) for t in data["target_ids"]],
            "setting": session_settings.for_session(self.user, data["setting"]),
        }
        stored = self.held_sessions.get(row["id"])
        if stored is None:
            self._session_problem(row)
            if row["group_id"]:
                self._group_problem(row, {str(c) for c in learners})
            self.new_sessions[row["id"]] = stored = row  # written by store(), with the events
            self.touched_values.session(row["id"], row)
            if row["group_id"]:
                self.groups.setdefault(row["group_id"], []).append((self.user.id, row["client_id"]))
        stored = self._resent_session(stored, row)
        self.held_sessions[row["id"]] = stored
        self.sessions[row["id"]] = _HeldSession(
            stored["client_id"],
            stored["started_at"],
            stored["ended_at"],
            len(self.plans[stored["plan_id"]].checklist) if stored["kind"] == "fidelity" else None,
        )
        self.refused_sessions.pop(row["id"], None)
        self.clients_touched.add(stored["client_id"])
        return row["id"]

    def _resent_session(self, stored: dict, row: dict) -> dict:
        """A session held already, checked against what is stored (not against the payload
        alone); answers the stored values after adding its end, if this is how it ends.

        Once held for the caller, a session keeps taking its end and its events even if its
        client has since left the caller's caseload (docs/decisions.md).
        """
        if stored["observer_id"] != self.user.id:
            raise Refusal(NOT_FOUND, NO_SESSION)
        differ = _differences(stored, row, SESSION_FIXED)
        if differ:
            raise _conflict("session", differ)
        end, held_end = row["ended_at"], stored["ended_at"]
        if end is None or end == held_end:  # an older copy, or the same end again
            return stored
        if held_end is not None:
            raise Refusal(
                CONFLICT,
                f"This session already ended at {_clock(held_end)}; a different end "
                f"({_clock(end)}) cannot replace it.",
            )
        ended = {**stored, "ended_at": end}
        if row["id"] in self.new_sessions:  # begun and ended in this batch
            self.new_sessions[row["id"]] = ended
        else:
            self.new_ends[row["id"]] = end  # written by store()
        self.touched_values.session(row["id"], ended)  # its end changes rates and open episodes
        return ended

    def _store_sessions(self, now: datetime) -> None:
        """Write the sessions and session ends this batch checked. Another request may have
        written the same session since this one looked (a device's two tabs, or a retry): the
        same content is fine; anything else ends the request with 409, and the device sends
        the batch again, which is then checked against what is held."""
        table = Session.__table__
        for row in self.new_sessions.values():
            if insert_one(db.session, table, {**row, "received_at": now}):
                continue
            held = _chunked_rows(table, [row["id"]], SESSION_COLUMNS)[row["id"]]
            if held["observer_id"] != self.user.id or _differences(held, row, SESSION_FIXED):
                abort(409, message=CHANGED_MEANWHILE)
            if held["ended_at"] is None and row["ended_at"] is not None:
                self.new_ends[row["id"]] = row["ended_at"]
            elif held["ended_at"] != row["ended_at"]:
                abort(409, message=CHANGED_MEANWHILE)
        for session_id, end in self.new_ends.items():
            ended = db.session.execute(
                update(table)
                .where(table.c.id == session_id, table.c.ended_at.is_(None))
                .values(ended_at=end)
            )
            if ended.rowcount != 1:
                held = _chunked_rows(table, [session_id], ("ended_at",))[session_id]
                if held["ended_at"] != end:
                    abort(409, message=CHANGED_MEANWHILE)

    def _session_problem(self, row: dict) -> None:
        client_id = row["client_id"]
        if client_id not in self.visible:
            raise Refusal(NOT_FOUND, NO_CLIENT)
        for target_id in row["target_ids"]:
            target = self.targets.get(target_id)
            if target is None or target["client_id"] != client_id:
                raise Refusal(NOT_FOUND, NO_TARGET)
        if row["kind"] == "fidelity":
            plan = self.plans.get(row["plan_id"]) if row["plan_id"] else None
            if plan is None or plan.client_id != client_id:
                raise ValueError("a fidelity session needs a plan_id of this client's plan")
            if not row["staff_id"] or row["staff_id"] not in self.staff:
                raise ValueError("a fidelity session needs the staff_id of the person observed")
            if row["fa_condition"] is not None:
                raise ValueError("a fidelity session has no functional-analysis condition")
        problem = recording_problem(self.user, row, self.targets)
        if problem:
            raise Refusal(FORBIDDEN, problem)

    def _group_problem(self, row: dict, learners: set[str]) -> None:
        """A new session of a group: every learner named is on the caller's caseload, and the
        sessions the group holds are the caller's, of those learners, one per learner."""
        if not learners <= self.visible:
            raise Refusal(NOT_FOUND, NO_GROUP_LEARNER)
        members = self.groups.get(row["group_id"], [])
        if any(observer != self.user.id for observer, _ in members):
            raise Refusal(CONFLICT, "This group id is already used for another group.")
        held = {client for _, client in members}
        if not held <= learners:
            raise ValueError("group_client_ids differ from the learners this group holds")
        if row["client_id"] in held:
            raise ValueError("this learner already has a session in this group")

    # --- events --------------------------------------------------------------------------

    def events_in(self, items: list) -> None:
        # One pass over the batch for every id it names; the lookups drop junk ids.
        session_ids, target_ids, voided = [], [], []
        for item in items:
            if isinstance(item, Mapping):
                session_ids.append(item.get("session_id"))
                target_ids.append(item.get("target_id"))
                data = item.get("data")
                if item.get("kind") == "void" and isinstance(data, Mapping):
                    voided.append(data.get("voids"))
        # Plain rows rather than ORM objects, read once: loading objects costs more than the
        # checks of a small batch, and attribute access per event is measurably slow. Every
        # held session the batch names is read here, locked: two syncs of a session then
        # measure one after the other (the second sees the first's events), all of a
        # request's session locks are taken at once, and measuring reads them no more.
        held_sessions = _chunked_rows(
            Session.__table__,
            _id_set(session_ids) | (self.held_sessions.keys() - self.new_sessions.keys()),
            HELD_SESSION_COLUMNS,
            locked=True,
        )
        for session in held_sessions.values():
            if session["observer_id"] != self.user.id:
                continue
            self.touched_values.held(session["id"], session)
            if session["id"] in self.sessions:  # checked by sessions_in
                continue
            plan = (
                db.session.get(Plan, session["plan_id"]) if session["kind"] == "fidelity" else None
            )
            self.sessions[session["id"]] = _HeldSession(
                session["client_id"],
                session["started_at"],
                session["ended_at"],
                len(plan.checklist) if plan is not None else None,
            )
        targets = self._target_rows(target_ids)
        scope = _EventScope(
            sessions=self.sessions,
            refused=self.refused_sessions,
            targets={
                t["id"]: (t["client_id"], t["measurement"], t["params"] or {})
                for t in targets.values()
                if may_record_target(self.user, t["home_recordable"])
            },
            event_sessions={
                event_id: row["session_id"]
                for event_id, row in _chunked_rows(Event.__table__, voided, ("session_id",)).items()
            },
        )
        rows: list[dict] = []
        misplaced: list[tuple[Any, dict, Exception]] = []
        accepted, result = self.result.accepted, self.result
        for item in items:
            try:
                row = scope.row(item)
            except SQLAlchemyError:
                raise
            except Exception as error:  # one bad item never sinks the batch
                result.reject(item, _refusal(error))
                continue
            if row is None:
                accepted.append(item["id"].lower())  # a repeat within the batch
                continue
            problem = scope.placement(row)
            if problem is not None:
                misplaced.append((item, row, problem))
                continue
            rows.append(row)
            scope.taken[row["id"]] = row
            scope.event_sessions[row["id"]] = row["session_id"]
            accepted.append(row["id"])
        self.new_events, self.misplaced = rows, misplaced
        # storing events is a write of their clients' data: audited like sessions and phases
        self.clients_touched.update(
            self.sessions[sid].client_id for sid in {r["session_id"] for r in rows}
        )
        with_criterion = {tid for tid, target in targets.items() if target["mastery"]}
        self.touched_targets.update(
            r["target_id"] for r in rows if r["target_id"] in with_criterion
        )
        # measured as sent before they are written (store says if they all were), with the
        # targets as read here
        self.touched_values.events(rows)
        self.touched_values.targets.update(
            (tid, (measurement, params)) for tid, (_, measurement, params) in scope.targets.items()
        )

    def store(self) -> bool:
        """Write the checked sessions, session ends and events; answer whether every event
        was stored as sent (False when some were held already: a replay, or a concurrent
        request stored them first)."""
        # The arrival time is taken here, after events_in has locked the batch's sessions on
        # PostgreSQL, so a session's events arrive in the order they are written: the stored
        # values' cache reads what another process added by it (session_values._mark_column).
        now = self.received_at or utcnow()
        self._store_sessions(now)
        rows, all_stored = self.new_events, True
        if rows:
            inserted = insert_many(
                db.session,
                Event.__table__,
                rows,
                shared={"received_at": now, "recorded_by": self.user.id},
            )
            if inserted != len(rows):
                self._held_copies(rows)
                self.touched_values.forget_new()  # some rows are held copies
                all_stored = False
        if self.misplaced:
            self._misplaced(self.misplaced)
        return all_stored

    def _held_copies(self, rows: list[dict]) -> None:
        """Some rows were held already (a replay, or a concurrent request stored them first):
        the held copy stays, and a row that differs from it is a conflict instead of accepted."""
        stored = _chunked_rows(Event.__table__, (row["id"] for row in rows), EVENT_CONTENT)
        conflicts = {}
        for row in rows:
            differ = _differences(stored[row["id"]], row, EVENT_CONTENT)
            if differ:
                conflicts[row["id"]] = row
                self.result.reject(row, _conflict("entry", differ))
        if conflicts:
            self.result.accepted = [i for i in self.result.accepted if i not in conflicts]

    def _misplaced(self, misplaced: list[tuple[Any, dict, Exception]]) -> None:
        """Rows that do not fit their session: acknowledged when held as sent (a replay),
        a conflict when held with other content, refused otherwise."""
        stored = _chunked_rows(
            Event.__table__, (row["id"] for _, row, _ in misplaced), EVENT_CONTENT
        )
        for item, row, problem in misplaced:
            held = stored.get(row["id"])
            if held is None:
                self.result.reject(item, _refusal(problem))
            elif differ := _differences(held, row, EVENT_CONTENT):
                self.result.reject(item, _conflict("entry", differ))
            else:
                self.result.accepted.append(row["id"])

    # --- phases and incidents ------------------------------------------------------------

    def phases_in(self, items: list) -> None:
        loaded = _each(items, lambda item: _load(SyncPhaseSchema(), item))
        good = [d for _, d in loaded if isinstance(d, dict)]
        targets = _by_id(Target, (d["target_id"] for d in good))
        visible = visible_among(self.user, (t.client_id for t in targets.values()))
        held = _chunked_rows(Phase.__table__, (d["id"] for d in good), PHASE_CONTENT)

        def phase(data: dict) -> str:
            target = targets.get(data["target_id"])
            if target is None or target.client_id not in visible:
                raise Refusal(NOT_FOUND, NO_TARGET)
            if self.user.role not in EDITS_PROGRAMS:
                raise Refusal(FORBIDDEN, "Only BCBAs, directors and admins change phases.")
            self._store_once(Phase.__table__, data, held, PHASE_CONTENT, "phase", created_by=True)
            self.clients_touched.add(target.client_id)
            return data["id"]

        self._answer(self._then(loaded, phase))

    def incidents_in(self, items: list) -> None:
        loaded = _each(items, lambda item: _load(SyncIncidentSchema(), item))
        good = [d for _, d in loaded if isinstance(d, dict)]
        visible = visible_among(self.user, (d["client_id"] for d in good))
        held = _chunked_rows(Incident.__table__, (d["id"] for d in good), INCIDENT_CONTENT)

        def incident(data: dict) -> str:
            if data["client_id"] not in visible:
                raise Refusal(NOT_FOUND, NO_CLIENT)
            if not may_report_incidents(self.user):
                raise Refusal(FORBIDDEN, "Caregivers do not file incident reports; tell the BCBA.")
            row = {**data, "reported_by": self.user.id}
            self._store_once(Incident.__table__, row, held, INCIDENT_CONTENT, "incident")
            self.clients_touched.add(data["client_id"])
            return data["id"]

        self._answer(self._then(loaded, incident))

    @staticmethod
    def _then(loaded: list[tuple[Any, Any]], check: Callable[[dict], str]) -> list:
        """The second step of each loaded item, each on its own; refusals pass through."""
        return [
            (item, outcome if isinstance(outcome, Refusal) else _each([outcome], check)[0][1])
            for item, outcome in loaded
        ]

    def _store_once(
        self,
        table: Table,
        row: dict,
        held: dict[str, dict],
        content: tuple[str, ...],
        what: str,
        *,
        created_by: bool = False,
    ) -> None:
        """Insert ``row`` unless its id is held; a held row must have the same ``content``."""
        stored = held.get(row["id"])
        if stored is None:
            full = {**row, "created_by": self.user.id} if created_by else row
            if insert_one(db.session, table, full):
                held[row["id"]] = row
                return
            stored = _chunked_rows(table, [row["id"]], content)[row["id"]]
        differ = _differences(stored, row, content)
        if differ:
            raise _conflict(what, differ)


def ingest(
    user: User, batch: Mapping[str, list], *, received_at: datetime | None = None
) -> SyncResult:
    """Store what the server has not seen of ``batch``; answer what it holds and what it refused.

    ``received_at`` stands in for the server clock when loading historical data (the demo);
    the API never passes it, so arrival times of real syncs always come from the server.
    """
    work = _Batch(user, received_at)
    work.sessions_in(batch.get("sessions") or [])
    work.phases_in(batch.get("phases") or [])
    work.events_in(batch.get("events") or [])
    work.incidents_in(batch.get("incidents") or [])
    # Everything that only reads comes before the sessions and events are written: on SQLite
    # the first write takes the database's one write lock until the commit
    # (docs/performance.md). Phases and incidents (rare in a tablet's sync) are written as
    # they are checked.
    measured = session_values.measure_new(work.touched_values)
    to_evaluate = mastery.targets_with_criteria(work.touched_targets)
    if work.store():
        session_values.store_measured(measured)
    else:
        session_values.refresh(work.touched_values)
    mastery.evaluate(to_evaluate)  # after the values it reads are stored
    audit.record_many(
        "sync",
        "session",
        work.clients_touched,
        accepted=len(work.result.accepted),
        rejected=len(work.result.rejected),
    )
    return work.result


__all__ = ["SyncResult", "ingest"]
