"""Every read of a client's data is in the audit trail, route by route (ARCHITECTURE.md).

The demo caseload is loaded once; a clinical director (who sees every client) calls every
GET route of the OpenAPI document that names a client's record in its path, with ids taken
from the demo, and each call must add an audit entry naming that record's client. A new
route is covered as soon as it is in the document: one whose path ids this test cannot fill
fails here until it is taught them.
"""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from bdc.extensions import db
from bdc.models import (
    AuditEntry,
    Plan,
    Session,
    SessionNote,
    Target,
)

# Routes that name no client's record in their path, each with why it is not checked here.
NOT_ONE_CLIENT = {
    "/api/v1/audit": "the audit trail itself (directors)",
    "/api/v1/me": "the caller's own account",
    "/api/v1/protocols": "the clinic's protocol library, no client data",
    "/api/v1/protocols/{protocol_id}": "the clinic's protocol library, no client data",
    "/api/v1/session-settings": "the clinic's list of settings",
    "/api/v1/users": "staff accounts",
    "/api/v1/users/{user_id}": "a staff account",
    "/api/v1/training/competency": "staff training",
    "/api/v1/training/competency.png": "staff training",
    "/api/v1/training/records": "staff training",
    "/api/v1/supervision/compliance": "staff supervision hours",
    "/api/v1/supervision/compliance.csv": "staff supervision hours",
    "/api/v1/supervision/contacts": "staff supervision contacts",
    "/api/v1/supervision/contacts/{contact_id}": "a staff supervision contact",
    "/api/v1/chart-audits": "lists audits (each audit's own page is checked)",
    "/api/v1/dashboard": "caseload-wide figures, tested in test_quality",
    "/api/v1/dashboard.csv": "caseload-wide figures, tested in test_quality",
    "/api/v1/notes/pending": "the caller's own to-do list",
    "/api/v1/sessions": "lists sessions (tested in test_errors_and_audit's list reads)",
    "/api/v1/clients": "lists clients (tested in test_errors_and_audit)",
}


@pytest.fixture
def director(demo_http):
    http, login = demo_http
    return http, login("director")


def _ids(http, headers) -> dict[str, tuple[str, str | None]]:
    """Path parameter -> (a demo id, the id of its client, None for a record spanning
    clients); the demo has no incident, so one is filed."""

    def first(statement):
        return db.session.execute(statement.limit(1)).one()

    target = first(select(Target.id, Target.client_id).order_by(Target.name))
    plan = first(select(Plan.id, Plan.client_id).order_by(Plan.id))
    note = first(
        select(SessionNote.id, Session.client_id, Session.id.label("session_id"))
        .join(Session, Session.id == SessionNote.session_id)
        .order_by(SessionNote.id)
    )
    incident = {
        "id": str(uuid.uuid4()),
        "client_id": target.client_id,
        "occurred_at": "2026-11-20T15:00:00Z",
        "type": "injury",
    }
    filed = http.post("/api/v1/sync", json={"incidents": [incident]}, headers=headers)
    assert filed.get_json()["accepted"] == [incident["id"]], filed.get_json()
    [chart] = http.get("/api/v1/chart-audits", headers=headers).get_json()
    return {
        "audit_id": (chart["id"], None),  # sessions of several clients
        "client_id": (target.client_id, target.client_id),
        "session_id": (note.session_id, note.client_id),  # a session with a note
        "target_id": tuple(target),
        "plan_id": tuple(plan),
        "note_id": (note.id, note.client_id),
        "incident_id": (incident["id"], target.client_id),
    }


def _client_routes(http) -> list[str]:
    paths = http.get("/api/v1/openapi.json").get_json()["paths"]
    assert NOT_ONE_CLIENT.keys() <= paths.keys(), "a route listed here is gone"
    return sorted(p for p, ops in paths.items() if "get" in ops and p not in NOT_ONE_CLIENT)


def test_every_read_of_a_clients_record_is_audited_with_that_client(director):
    http, headers = director
    ids = _ids(http, headers)
    unaudited, failed = [], []
    for path in _client_routes(http):
        names = re.findall(r"{(\w+)}", path)
        if not names:
            failed.append(f"{path}: names no record; add it to NOT_ONE_CLIENT with why")
            continue
        missing = [n for n in names if n not in ids]
        if missing:
            failed.append(f"{path}: no demo id for {missing}")
            continue
        url = path
        for name in names:
            url = url.replace("{" + name + "}", ids[name][0])
        client_id = ids[names[-1]][1]
        entries = select(func.count()).select_from(AuditEntry)
        if client_id is not None:
            entries = entries.where(AuditEntry.client_id == client_id)
        before = db.session.scalar(entries)
        answer = http.get(url, headers=headers)
        db.session.rollback()  # see the request's commit
        after = db.session.scalar(entries)
        if answer.status_code != 200:
            failed.append(f"{path}: {answer.status_code}")
        elif after == before:
            unaudited.append(path)
    assert failed == []
    assert unaudited == []
