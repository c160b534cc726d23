"""A target's data as one value per session: the input of data tables, summaries and graphs.

Events are read once per target (with the session-level pause/resume/void events of the same
sessions) and turned into values by the pure :func:`bdc.measures.measure_session`. The phase in
force on a session's date and the session's IOA partner are attached here, since both need the
database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from bdc.analysis import pair_ioa_sessions
from bdc.dates import within_days
from bdc.extensions import db
from bdc.measures import EventRecord, measure_session
from bdc.models import Event, Phase, Session, Target


@dataclass(frozen=True)
class SessionValue:
    """One session's value of one target."""

    session_id: str
    started_at: Any
    date: date
    observer_id: str
    role: str
    phase_id: str | None
    phase_kind: str | None
    phase_label: str | None
    value: float | None
    unit: str
    n: int
    details: dict
    ioa_partner_id: str | None


def phase_on(phases: Sequence[Phase], day: date) -> Phase | None:
    """The phase in force on ``day``: the latest one started on or before it."""
    current = None
    for phase in phases:  # ordered by start date
        if phase.start_date <= day:
            current = phase
    return current


def target_values(
    target: Target,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    include_reliability: bool = False,
) -> list[SessionValue]:
    """Values per session in time order (primary sessions unless asked otherwise).

    A session that tracked the target with no response gives 0; a session that did not track
    it gives no value at all (it is left out), as the measures module defines.
    """
    sessions = list(
        db.session.scalars(
            select(Session)
            .where(
                Session.client_id == target.client_id,
                Session.kind == "observation",
                *within_days(Session.started_at, date_from, date_to),
            )
            .order_by(Session.started_at, Session.id)
        )
    )
    if not sessions:
        return []
    by_session: dict[str, list[EventRecord]] = defaultdict(list)
    session_level: dict[str, list[EventRecord]] = defaultdict(list)
    ids = [s.id for s in sessions]
    for start in range(0, len(ids), 900):
        rows = db.session.execute(
            select(Event.id, Event.session_id, Event.target_id, Event.kind, Event.t, Event.data)
            .where(Event.session_id.in_(ids[start : start + 900]))
            .where(or_(Event.target_id == target.id, Event.target_id.is_(None)))
        )
        for event_id, session_id, target_id, kind, t, data in rows:
            record = EventRecord(id=event_id, kind=kind, t=t, data=data, target_id=target_id)
            (by_session if target_id else session_level)[session_id].append(record)
    partners = {}
    for pair in pair_ioa_sessions(sessions):
        partners[pair.primary_id] = pair.reliability_id
        partners[pair.reliability_id] = pair.primary_id
    phases = target.phases
    values = []
    for session in sessions:
        if session.role != "primary" and not include_reliability:
            continue
        measure = measure_session(
            target.measurement,
            target.params or {},
            by_session.get(session.id, ()),
            started=session.started_at,
            ended=session.ended_at,
            tracked=target.id in (session.target_ids or ()),
            session_events=session_level.get(session.id, ()),
        )
        if measure is None or measure.value is None:
            continue
        day = session.started_at.date()
        phase = phase_on(phases, day)
        values.append(
            SessionValue(
                session_id=session.id,
                started_at=session.started_at,
                date=day,
                observer_id=session.observer_id,
                role=session.role,
                phase_id=phase.id if phase else None,
                phase_kind=phase.kind if phase else None,
                phase_label=phase.label if phase else None,
                value=measure.value,
                unit=measure.unit,
                n=measure.n,
                details=dict(measure.details),
                ioa_partner_id=partners.get(session.id),
            )
        )
    return values
