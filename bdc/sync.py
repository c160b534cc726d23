"""Idempotent ingestion of sessions, events, phases and incidents recorded offline.

The contract (DESIGN.md "Offline sync", docs/api.md):

- an id the server already holds is acknowledged and not stored again, so a batch can be
  re-sent any number of times;
- a bad item is rejected with its id and a reason while the rest of the batch lands;
- ``recorded_by`` comes from the token and ``received_at`` from the server clock;
- the batch is one transaction, committed by the request: a failure anywhere leaves nothing.

Events are validated by plain functions (:mod:`bdc.event_rules`) and inserted with one
``executemany``: this path takes thousands of events a request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select

from bdc import audit
from bdc.auth import EDITS_PROGRAMS, visible_client_ids
from bdc.event_rules import check_event
from bdc.extensions import db
from bdc.measurement_params import SESSION_EVENT_KINDS
from bdc.models import (
    INCIDENT_TYPES,
    PHASE_KINDS,
    SESSION_KINDS,
    SESSION_ROLES,
    Client,
    Event,
    Incident,
    Phase,
    Plan,
    Session,
    Target,
    User,
)
from bdc.models.base import utcnow
from bdc.models.bulk import insert_many
from bdc.services import mastery, session_values

EVENT_FIELDS = frozenset({"id", "session_id", "target_id", "kind", "t", "data"})


class AwareDateTime(fields.AwareDateTime):
    default_error_messages = {"invalid_awareness": "Give a UTC offset, e.g. 2026-11-22T14:03:00Z."}


class SyncSessionSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    role = fields.Str(load_default="primary", validate=validate.OneOf(SESSION_ROLES))
    kind = fields.Str(load_default="observation", validate=validate.OneOf(SESSION_KINDS))
    started_at = AwareDateTime(required=True)
    ended_at = AwareDateTime(allow_none=True, load_default=None)
    setting = fields.Str(load_default="", validate=validate.Length(max=120))
    device_id = fields.Str(load_default="", validate=validate.Length(max=120))
    target_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=200))
    plan_id = fields.UUID(allow_none=True, load_default=None)
    staff_id = fields.UUID(allow_none=True, load_default=None)


class SyncPhaseSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    target_id = fields.UUID(required=True)
    kind = fields.Str(required=True, validate=validate.OneOf(PHASE_KINDS))
    label = fields.Str(required=True, validate=validate.Length(min=1, max=120))
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
    antecedents = fields.Str(load_default="", validate=validate.Length(max=4000))
    deescalation = fields.List(fields.Str(validate=validate.Length(max=400)), load_default=list)
    injuries = fields.Str(load_default="", validate=validate.Length(max=4000))
    notified = fields.List(fields.Str(validate=validate.Length(max=200)), load_default=list)
    description = fields.Str(load_default="", validate=validate.Length(max=8000))


@dataclass
class SyncResult:
    accepted: list[str] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)

    def reject(self, item: Any, reason: str) -> None:
        item_id = item.get("id") if isinstance(item, Mapping) else None
        self.rejected.append({"id": str(item_id) if item_id is not None else "", "reason": reason})


def _reason(error: ValidationError) -> str:
    messages = error.normalized_messages()
    parts = []
    for key, value in messages.items():
        text = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {text}")
    return ", ".join(parts)


def _load(schema: Schema, item: Any) -> dict | str:
    """The loaded item, or the reason it was refused."""
    if not isinstance(item, Mapping):
        return "must be an object"
    try:
        return schema.load(item)
    except ValidationError as error:
        return _reason(error)


def _visible(user: User, client_ids: Iterable[str]) -> set[str]:
    ids = set(client_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Client.id).where(Client.id.in_(ids), Client.id.in_(visible_client_ids(user)))
        )
    )


def _by_id(model, ids: Iterable[str]) -> dict[str, Any]:
    ids = list(set(ids))
    found: dict[str, Any] = {}
    for start in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        chunk = ids[start : start + 900]
        found.update(
            {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(chunk)))}
        )
    return found


def _held_event_sessions(ids: Iterable[str]) -> dict[str, str]:
    """Event id -> session id, for the given ids the server already holds."""
    ids = list(set(ids))
    held: dict[str, str] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        rows = db.session.execute(select(Event.id, Event.session_id).where(Event.id.in_(chunk)))
        held.update((event_id, session_id) for event_id, session_id in rows)
    return held


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("t must be an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("t must be an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise ValueError("t needs a UTC offset, e.g. 2026-11-22T14:03:00Z")
    return moment.astimezone(UTC)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _canonical_uuid(value: Any, name: str) -> str:
    """The lowercase hyphenated form (what every id is stored as); a regex, as uuid.UUID is slow."""
    if isinstance(value, str):
        value = value.lower()
        if _UUID.fullmatch(value):
            return value
    raise ValueError(f"{name} must be a UUID")


@dataclass
class _EventScope:
    """What checking one batch's events needs, as plain values.

    sessions: id -> (client id, written by the caller?, fidelity checklist length or None);
    targets: id -> (client id, measurement, params); held: event id -> session id of events
    already stored; event_sessions: the same for events this batch has accepted so far and
    for events named by voids.
    """

    sessions: dict[str, tuple[str, bool, int | None]]
    targets: dict[str, tuple[str, str, Mapping]]
    held: dict[str, str]
    event_sessions: dict[str, str]

    def row(self, item: Mapping) -> dict | None:
        """The row to insert, None for an event already held, ValueError for a bad one."""
        unknown = item.keys() - EVENT_FIELDS
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
        event_id = _canonical_uuid(item.get("id"), "id")
        session_id = _canonical_uuid(item.get("session_id"), "session_id")
        session = self.sessions.get(session_id)
        if session is None:
            raise ValueError("unknown session; send the session with its events")
        client_id, own, checklist_length = session
        if not own:
            raise ValueError("session belongs to another observer")
        held_in = self.held.get(event_id)
        if held_in is not None:
            if held_in != session_id:
                raise ValueError("id already used by another event")
            return None
        if event_id in self.event_sessions:  # repeated within this batch
            return None
        kind = item.get("kind")
        t = _parse_time(item.get("t"))
        target_id = item.get("target_id")
        if target_id is not None:
            target_id = _canonical_uuid(target_id, "target_id")
            target = self.targets.get(target_id)
            if target is None or target[0] != client_id:
                raise ValueError("target does not belong to this session's client")
            data = check_event(kind, item.get("data", {}), measurement=target[1], params=target[2])
        else:
            if kind not in SESSION_EVENT_KINDS:
                raise ValueError(f"{kind!r} events need a target_id")
            params: dict = {}
            if kind == "fidelity":
                if checklist_length is None:
                    raise ValueError("fidelity events belong in a fidelity session")
                params = {"checklist_length": checklist_length}
            data = check_event(kind, item.get("data", {}), measurement=None, params=params)
        if kind == "void" and self.event_sessions.get(data["voids"]) != session_id:
            raise ValueError("void must name an earlier event of the same session")
        return {
            "id": event_id,
            "session_id": session_id,
            "target_id": target_id,
            "kind": kind,
            "t": t,
            "data": data,
        }


class _Batch:
    """One sync request being ingested on behalf of ``user``."""

    def __init__(self, user: User, received_at: datetime | None = None):
        self.user = user
        self.now = received_at or utcnow()
        self.result = SyncResult()
        self.sessions: dict[str, Session] = {}
        self.clients_touched: set[str] = set()
        self.touched_targets: set[str] = set()  # targets with new events: mastery re-checked
        self.touched_values = session_values.Touched()  # stored values to recompute

    def sessions_in(self, items: list) -> None:
        loaded = [(item, _load(SyncSessionSchema(), item)) for item in items]
        good = [(item, data) for item, data in loaded if isinstance(data, dict)]
        for item, data in loaded:
            if isinstance(data, str):
                self.result.reject(item, data)
        visible = _visible(self.user, (str(d["client_id"]) for _, d in good))
        existing = _by_id(Session, (str(d["id"]) for _, d in good))
        target_ids = {str(t) for _, d in good for t in d["target_ids"]}
        targets = _by_id(Target, target_ids)
        plans = _by_id(Plan, (str(d["plan_id"]) for _, d in good if d["plan_id"]))
        staff = _by_id(User, (str(d["staff_id"]) for _, d in good if d["staff_id"]))
        for item, data in good:
            reason = self._session_problem(data, visible, targets, plans, staff)
            if reason:
                self.result.reject(item, reason)
                continue
            session_id = str(data["id"])
            session = existing.get(session_id)
            if session is not None:
                if session.observer_id != self.user.id or session.client_id != str(
                    data["client_id"]
                ):
                    self.result.reject(item, "id already used by another session")
                    continue
                if data["ended_at"] is not None and session.ended_at is None:
                    session.ended_at = data["ended_at"]  # a session recorded offline ends later
                    self.touched_values.session(session_id)
            else:
                session = Session(
                    id=session_id,
                    client_id=str(data["client_id"]),
                    observer_id=self.user.id,
                    role=data["role"],
                    kind=data["kind"],
                    started_at=data["started_at"],
                    ended_at=data["ended_at"],
                    setting=data["setting"],
                    device_id=data["device_id"],
                    target_ids=[str(t) for t in data["target_ids"]],
                    plan_id=str(data["plan_id"]) if data["plan_id"] else None,
                    staff_id=str(data["staff_id"]) if data["staff_id"] else None,
                    received_at=self.now,
                )
                db.session.add(session)
                self.touched_values.session(session_id)
            self.sessions[session_id] = session
            self.clients_touched.add(session.client_id)
            self.result.accepted.append(session_id)

    def _session_problem(self, data, visible, targets, plans, staff) -> str | None:
        client_id = str(data["client_id"])
        if client_id not in visible:
            return "client is not on your caseload"
        if data["ended_at"] is not None and data["ended_at"] < data["started_at"]:
            return "ended_at is before started_at"
        for target_id in data["target_ids"]:
            target = targets.get(str(target_id))
            if target is None or target.client_id != client_id:
                return f"target {target_id} does not belong to this client"
        if data["kind"] == "fidelity":
            plan = plans.get(str(data["plan_id"])) if data["plan_id"] else None
            if plan is None or plan.client_id != client_id:
                return "a fidelity session needs a plan_id of this client's plan"
            if not data["staff_id"] or str(data["staff_id"]) not in staff:
                return "a fidelity session needs the staff_id of the person observed"
        return None

    def events_in(self, items: list) -> None:
        candidates = [item for item in items if isinstance(item, Mapping)]
        for item in items:
            if not isinstance(item, Mapping):
                self.result.reject(item, "must be an object")
        held = _held_event_sessions(str(c.get("id")).lower() for c in candidates)
        session_ids = {str(c.get("session_id")) for c in candidates} - set(self.sessions)
        self.sessions.update(_by_id(Session, session_ids))
        targets = _by_id(Target, (str(c["target_id"]) for c in candidates if c.get("target_id")))
        plans = _by_id(Plan, {s.plan_id for s in self.sessions.values() if s.plan_id})
        # Plain tuples, read once: ORM attribute access per event is measurably slow.
        scope = _EventScope(
            sessions={
                s.id: (
                    s.client_id,
                    s.observer_id == self.user.id,
                    len(plans[s.plan_id].checklist) if s.kind == "fidelity" else None,
                )
                for s in self.sessions.values()
            },
            targets={t.id: (t.client_id, t.measurement, t.params or {}) for t in targets.values()},
            held=held,
            event_sessions=_held_event_sessions(
                str(c["data"]["voids"]).lower()
                for c in candidates
                if c.get("kind") == "void"
                and isinstance(c.get("data"), Mapping)
                and "voids" in c["data"]
            ),
        )
        rows: list[dict] = []
        for item in candidates:
            try:
                row = scope.row(item)
            except ValueError as problem:
                self.result.reject(item, str(problem))
                continue
            if row is not None:
                rows.append(row)
                scope.event_sessions[row["id"]] = row["session_id"]
            self.result.accepted.append(row["id"] if row else str(item["id"]).lower())
        self.touched_targets.update(row["target_id"] for row in rows if row["target_id"])
        self.touched_values.events(rows)
        if rows:
            db.session.flush()  # sessions first: events reference them
            insert_many(
                db.session,
                Event.__table__,
                rows,
                shared={"received_at": self.now, "recorded_by": self.user.id},
            )

    def phases_in(self, items: list) -> None:
        loaded = [(item, _load(SyncPhaseSchema(), item)) for item in items]
        good = [(item, d) for item, d in loaded if isinstance(d, dict)]
        for item, data in loaded:
            if isinstance(data, str):
                self.result.reject(item, data)
        targets = _by_id(Target, (str(d["target_id"]) for _, d in good))
        visible = _visible(self.user, (t.client_id for t in targets.values()))
        held = _by_id(Phase, (str(d["id"]) for _, d in good))
        for item, data in good:
            phase_id, target = str(data["id"]), targets.get(str(data["target_id"]))
            if target is None or target.client_id not in visible:
                self.result.reject(item, "target is not on your caseload")
            elif self.user.role not in EDITS_PROGRAMS:
                self.result.reject(item, "only BCBAs, directors and admins change phases")
            elif phase_id in held and held[phase_id].target_id != target.id:
                self.result.reject(item, "id already used by another phase")
            else:
                if phase_id not in held:
                    db.session.add(
                        Phase(
                            id=phase_id,
                            target_id=target.id,
                            kind=data["kind"],
                            label=data["label"],
                            start_date=data["start_date"],
                            created_by=self.user.id,
                        )
                    )
                self.clients_touched.add(target.client_id)
                self.result.accepted.append(phase_id)

    def incidents_in(self, items: list) -> None:
        loaded = [(item, _load(SyncIncidentSchema(), item)) for item in items]
        good = [(item, d) for item, d in loaded if isinstance(d, dict)]
        for item, data in loaded:
            if isinstance(data, str):
                self.result.reject(item, data)
        visible = _visible(self.user, (str(d["client_id"]) for _, d in good))
        held = _by_id(Incident, (str(d["id"]) for _, d in good))
        for item, data in good:
            incident_id = str(data["id"])
            if str(data["client_id"]) not in visible:
                self.result.reject(item, "client is not on your caseload")
            elif incident_id in held and held[incident_id].reported_by != self.user.id:
                self.result.reject(item, "id already used by another incident")
            else:
                if incident_id not in held:
                    data = {**data, "id": incident_id, "client_id": str(data["client_id"])}
                    db.session.add(Incident(reported_by=self.user.id, **data))
                self.clients_touched.add(str(data["client_id"]))
                self.result.accepted.append(incident_id)


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
    session_values.refresh(work.touched_values)  # before mastery, which reads them
    mastery.evaluate_targets(work.touched_targets)
    audit.record_many(
        "sync",
        "session",
        work.clients_touched,
        accepted=len(work.result.accepted),
        rejected=len(work.result.rejected),
    )
    return work.result


__all__ = ["SyncResult", "ingest"]
