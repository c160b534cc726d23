"""Clients and the caseload assignments that decide who sees them."""

from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import select

from bdc import audit
from bdc.auth import require_edit, visible_client_ids
from bdc.extensions import db
from bdc.models import Assignment, Client, User


def list_clients(user: User, *, include_inactive: bool = False) -> list[Client]:
    query = select(Client).where(Client.id.in_(visible_client_ids(user))).order_by(Client.code)
    if not include_inactive:
        query = query.where(Client.active.is_(True))
    clients = list(db.session.scalars(query))
    audit.record_many("read", "client", (c.id for c in clients))
    return clients


def read_client(client: Client) -> Client:
    audit.record("read", "client", resource_id=client.id, client_id=client.id)
    return client


def create_client(user: User, fields: dict) -> Client:
    require_edit(user)
    if db.session.scalar(select(Client.id).where(Client.code == fields["code"])):
        abort(409, message="That client code is taken.", fields={"code": ["Already in use."]})
    client = Client(**fields)
    db.session.add(client)
    db.session.flush()
    if user.role == "bcba":  # the creating BCBA keeps the client on their caseload
        db.session.add(Assignment(user_id=user.id, client_id=client.id))
    audit.record("create", "client", resource_id=client.id, client_id=client.id)
    return client


def update_client(user: User, client: Client, changes: dict) -> Client:
    require_edit(user)
    for key, value in changes.items():
        setattr(client, key, value)
    audit.record(
        "update",
        "client",
        resource_id=client.id,
        client_id=client.id,
        detail={"fields": sorted(changes)},
    )
    return client


def list_assignments(client: Client) -> list[Assignment]:
    audit.record("read", "assignment", client_id=client.id)
    return list(db.session.scalars(select(Assignment).where(Assignment.client_id == client.id)))


def assign(user: User, client: Client, staff_id: str) -> Assignment:
    require_edit(user)
    staff = db.session.get(User, staff_id)
    if staff is None or not staff.active:
        abort(422, message="No such active user.", fields={"user_id": ["Unknown user."]})
    existing = db.session.scalar(
        select(Assignment).where(Assignment.client_id == client.id, Assignment.user_id == staff_id)
    )
    if existing:
        return existing
    assignment = Assignment(user_id=staff_id, client_id=client.id)
    db.session.add(assignment)
    db.session.flush()
    audit.record("create", "assignment", resource_id=staff_id, client_id=client.id)
    return assignment


def unassign(user: User, client: Client, staff_id: str) -> None:
    require_edit(user)
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.client_id == client.id, Assignment.user_id == staff_id)
    )
    if assignment is None:
        abort(404, message="That user is not on this client's caseload.")
    db.session.delete(assignment)
    audit.record("delete", "assignment", resource_id=staff_id, client_id=client.id)
