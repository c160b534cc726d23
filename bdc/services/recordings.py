"""Reading back what was recorded: sessions of a client and the events of a session."""

from __future__ import annotations

from datetime import date

from flask_smorest import abort
from sqlalchemy import func, select

from bdc import audit
from bdc.auth import can_see_client, check_id, visible_client_ids
from bdc.dates import within_days
from bdc.extensions import db
from bdc.models import Event, Session, User


def list_sessions(
    user: User,
    *,
    client_id: str | None,
    date_from: date | None,
    date_to: date | None,
    page: int,
    page_size: int,
) -> tuple[list[Session], int]:
    query = select(Session).where(Session.client_id.in_(visible_client_ids(user)))
    if client_id is not None:
        query = query.where(Session.client_id == client_id)
    query = query.where(*within_days(Session.started_at, date_from, date_to))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    sessions = list(
        db.session.scalars(
            query.order_by(Session.started_at.desc(), Session.id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    )
    audit.record_many("read", "session", (s.client_id for s in sessions))
    return sessions, total


def session_or_404(user: User, session_id: str) -> Session:
    session_id = check_id(session_id)
    session = db.session.get(Session, session_id)
    if session is None or not can_see_client(user, session.client_id):
        abort(404, message="No such session.")
    return session


def read_session(session: Session) -> Session:
    audit.record("read", "session", resource_id=session.id, client_id=session.client_id)
    return session


def list_events(session: Session) -> list[Event]:
    audit.record("read", "event", resource_id=session.id, client_id=session.client_id)
    return list(
        db.session.scalars(
            select(Event).where(Event.session_id == session.id).order_by(Event.t, Event.id)
        )
    )
