"""Caregivers linked to their children: a link is an assignment whose user is a caregiver.

Reusing the assignment keeps one caseload rule (``bdc.auth.visible_client_ids``) for staff
and caregivers alike; what a caregiver may call on top of it is ``bdc.auth.CAREGIVER_ROUTES``.
"""

from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import delete, select

from bdc import audit
from bdc.auth import CAREGIVER, SEES_ALL, require_edit, require_role
from bdc.extensions import db
from bdc.models import Assignment, Client, SessionSetting, User
from bdc.services import caseload
from bdc.session_settings import clinic_settings, forget_cached


def list_caregivers(client: Client) -> list[Assignment]:
    audit.record("read", "caregiver", client_id=client.id)
    return list(
        db.session.scalars(
            select(Assignment)
            .join(User, User.id == Assignment.user_id)
            .where(Assignment.client_id == client.id, User.role == CAREGIVER)
            .order_by(User.username)
        )
    )


def link(user: User, client: Client, account: dict) -> Assignment:
    """Link an active caregiver account, named by ``user_id`` or ``username``, to ``client``
    (BCBAs, directors and admins)."""
    require_edit(user)
    if "username" in account:
        field = "username"
        caregiver = db.session.scalar(select(User).where(User.username == account["username"]))
    else:
        field = "user_id"
        caregiver = db.session.get(User, str(account["user_id"]))
    if caregiver is None or not caregiver.active or caregiver.role != CAREGIVER:
        abort(
            422,
            message="No such active caregiver.",
            fields={field: ["Not an active caregiver account."]},
        )
    return caseload.assign(user, client, caregiver.id)


def unlink(user: User, client: Client, caregiver_id: str) -> None:
    require_edit(user)
    caregiver = db.session.get(User, caregiver_id)
    if caregiver is None or caregiver.role != CAREGIVER:
        abort(404, message="That caregiver is not linked to this client.")
    caseload.unassign(user, client, caregiver_id)


def session_settings() -> dict:
    return {"settings": list(clinic_settings())}


def replace_session_settings(user: User, names: list[str]) -> dict:
    """The clinic's list becomes ``names`` (directors and admins). Sessions keep the setting
    they were recorded with, on the list or not."""
    require_role(user, SEES_ALL)
    before = list(clinic_settings())
    db.session.execute(delete(SessionSetting))
    db.session.add_all(
        SessionSetting(name=name.strip(), position=i) for i, name in enumerate(names)
    )
    db.session.flush()
    forget_cached()
    audit.record(
        "update", "session_settings", detail={"before": before, "after": list(clinic_settings())}
    )
    return session_settings()
