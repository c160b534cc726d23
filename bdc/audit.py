"""The append-only audit trail: who read or changed which client's data, when, from where.

Entries are added to the request's transaction (last, just before its commit:
bdc.session_scope.at_commit), so an audit row exists exactly when the access it describes
happened. Details must never carry PHI (names, dates of birth, notes).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import func, select

from bdc.dates import within_days
from bdc.extensions import db
from bdc.models import AuditEntry
from bdc.models.base import utcnow
from bdc.session_scope import at_commit


def _address() -> str | None:
    return request.remote_addr if has_request_context() else None


def _user_id() -> str | None:
    user = g.get("user") if has_request_context() else None
    return user.id if user is not None else None


_INSERT_ENTRY = AuditEntry.__table__.insert()


def record(
    action: str,
    resource: str,
    *,
    resource_id: str | None = None,
    client_id: str | None = None,
    user_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    entry = {
        "at": utcnow(),
        "user_id": user_id or _user_id(),
        "action": action,
        "resource": resource,
        "resource_id": resource_id,
        "client_id": client_id,
        "address": _address(),
        "detail": detail or {},
    }
    # a plain insert: the ORM's flush of one new object cost a sync more than the insert
    at_commit(lambda: db.session.execute(_INSERT_ENTRY, entry))


def record_many(action: str, resource: str, client_ids: Iterable[str], **detail: Any) -> None:
    """One entry per client, for reads and writes that span several clients."""
    for client_id in sorted(set(client_ids)):
        record(action, resource, client_id=client_id, detail=detail or None)


def search(
    *,
    client_id: str | None,
    user_id: str | None,
    date_from: date | None,
    date_to: date | None,
    page: int,
    page_size: int,
) -> tuple[list[AuditEntry], int]:
    """Entries newest first, and how many match in all."""
    statement = select(AuditEntry).where(*within_days(AuditEntry.at, date_from, date_to))
    if client_id is not None:
        statement = statement.where(AuditEntry.client_id == client_id)
    if user_id is not None:
        statement = statement.where(AuditEntry.user_id == user_id)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    entries = db.session.scalars(
        statement.order_by(AuditEntry.at.desc(), AuditEntry.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return list(entries), total
