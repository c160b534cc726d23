"""Who sees which client: every client-scoped route × every caseload role → 404 off caseload.

The routes come from the app's own URL map, so a route added later is covered (or, for a write
route with no sample body here, fails loudly until one is added).
"""

from __future__ import annotations

import re

import pytest

from bdc.auth import CAREGIVER, EDITS_PROGRAMS, READS_AUDIT, SEES_ALL
from bdc.extensions import db
from bdc.models import ROLES, Assignment, Event, Incident, Phase, Session, SessionNote
from bdc.models.base import new_id, utcnow

# Every role is in the matrix: either it sees a caseload, or it sees every client.
CASELOAD_ROLES = tuple(r for r in ROLES if r not in SEES_ALL)
ALL_CLIENT_ROLES = tuple(r for r in ROLES if r in SEES_ALL)
# Staff who see a client but may not change its programme: 403 on writes. A caregiver answers
# 404 on every route outside their allow-list (tests/api/test_caregivers.py holds that matrix).
READ_ONLY_ROLES = tuple(r for r in CASELOAD_ROLES if r not in EDITS_PROGRAMS and r != CAREGIVER)
SCOPED = re.compile(r"<(?:uuid:)?(client_id|target_id|plan_id|session_id|incident_id|note_id)>")

BODIES = {
    ("/api/v1/clients/<uuid:client_id>", "PATCH"): {"name": "Renamed"},
    ("/api/v1/clients/<uuid:client_id>/assignments", "POST"): {"user_id": "{staff_id}"},
    ("/api/v1/clients/<uuid:client_id>/caregivers", "POST"): {"user_id": "{caregiver_id}"},
    ("/api/v1/clients/<uuid:client_id>/targets", "POST"): {"name": "x", "measurement": "frequency"},
    ("/api/v1/clients/<uuid:client_id>/plans", "POST"): {"function": "escape", "checklist": ["a"]},
    ("/api/v1/targets/<uuid:target_id>", "PATCH"): {"name": "y"},
    ("/api/v1/targets/<uuid:target_id>/phases", "POST"): {
        "kind": "intervention",
        "label": "DRA",
        "start_date": "2026-01-05",
    },
    ("/api/v1/plans/<uuid:plan_id>", "PUT"): {"function": "escape", "checklist": ["a", "b"]},
    # clinical programming and quality (bdc/api/quality.py, bdc/api/incidents.py)
    ("/api/v1/clients/<uuid:client_id>/targets/from-protocol", "POST"): {
        "protocol_id": "aggression-frequency"
    },
    ("/api/v1/clients/<uuid:client_id>/plans/from-protocol", "POST"): {"protocol_id": "fct-escape"},
    ("/api/v1/targets/<uuid:target_id>/criterion-review", "POST"): {},
    ("/api/v1/incidents/<uuid:incident_id>/sign-off", "POST"): {},
    ("/api/v1/incidents/<uuid:incident_id>/amendments", "POST"): {"description": "Corrected."},
    # session notes (bdc/api/notes.py)
    ("/api/v1/sessions/<uuid:session_id>/note", "PUT"): {"id": "{note_id}"},
    ("/api/v1/notes/<uuid:note_id>/signature", "POST"): {"credential": "RBT"},
    ("/api/v1/notes/<uuid:note_id>/cosignature", "POST"): {"credential": "BCBA"},
    ("/api/v1/notes/<uuid:note_id>/amendments", "POST"): {"reason": "Corrected."},
    ("/api/v1/notes/<uuid:note_id>/sharing", "PUT"): {"shared": True},
}


def scoped_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and SCOPED.search(rule.rule):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.rule, method


@pytest.fixture
def world(make):
    """A client with one of everything, and a second client it is compared against."""
    bcba = make.user("bcba")
    client = make.client(bcba)
    target = make.target(client)
    db.session.add(
        Phase(target_id=target.id, kind="baseline", label="Baseline", start_date=utcnow().date())
    )
    plan = make.plan(client)
    session = Session(client_id=client.id, observer_id=bcba.id, started_at=utcnow())
    db.session.add(session)
    db.session.flush()
    db.session.add(
        Event(
            session_id=session.id,
            target_id=target.id,
            kind="count",
            t=utcnow(),
            recorded_by=bcba.id,
        )
    )
    incident = Incident(
        client_id=client.id, reported_by=bcba.id, occurred_at=utcnow(), type="elopement"
    )
    db.session.add(incident)
    note = SessionNote(session_id=session.id, client_id=client.id, author_id=bcba.id)
    db.session.add(note)
    db.session.commit()
    ids = {
        "client_id": client.id,
        "target_id": target.id,
        "plan_id": plan.id,
        "session_id": session.id,
        "user_id": bcba.id,
        "staff_id": bcba.id,
        "caregiver_id": make.user("caregiver").id,
        "incident_id": incident.id,
        "note_id": note.id,
        "contact_id": new_id(),  # supervision contacts are not client-scoped: only sign-in here
        "audit_id": new_id(),  # chart audits are not client-scoped: directors only
        "item_id": new_id(),
        "protocol_id": "aggression-frequency",
    }
    return ids


def fill(rule: str, ids: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ids[m.group(1)], rule)


def body_for(rule: str, method: str, ids: dict):
    if method in ("GET", "DELETE"):
        return None
    assert (rule, method) in BODIES, f"add a sample body for {method} {rule} to BODIES"
    return {
        k: v.format(**ids) if isinstance(v, str) else v for k, v in BODIES[(rule, method)].items()
    }


def test_the_matrix_covers_every_kind_of_route(app):
    routes = set(scoped_routes(app))
    assert len(routes) >= 15
    assert {m for _, m in routes} >= {"GET", "POST", "PATCH", "PUT", "DELETE"}


def test_every_role_is_in_the_matrix():
    assert set(CASELOAD_ROLES) | set(ALL_CLIENT_ROLES) == set(ROLES)
    assert CASELOAD_ROLES and ALL_CLIENT_ROLES and READ_ONLY_ROLES


@pytest.mark.parametrize("role", CASELOAD_ROLES)
def test_off_caseload_is_404_on_every_client_scoped_route(app, http, make, world, role):
    outsider = make.user(role)
    make.client(outsider)  # they have a caseload, just not this client
    headers = make.login(outsider)
    for rule, method in scoped_routes(app):
        answer = http.open(
            fill(rule, world), method=method, headers=headers, json=body_for(rule, method, world)
        )
        assert answer.status_code == 404, (method, rule, answer.status_code)
        assert answer.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("role", ALL_CLIENT_ROLES)
def test_directors_and_admins_see_every_client(app, http, make, world, role):
    headers = make.login(make.user(role))
    for rule, method in scoped_routes(app):
        if method == "GET":
            answer = http.get(fill(rule, world), headers=headers)
            assert answer.status_code == 200, (rule, answer.status_code)


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_visible_but_not_allowed_is_403(http, make, world, role):
    staff = make.user(role)
    db.session.add(Assignment(user_id=staff.id, client_id=world["client_id"]))
    db.session.commit()
    headers = make.login(staff)
    for (rule, method), _ in BODIES.items():
        answer = http.open(
            fill(rule, world), method=method, headers=headers, json=body_for(rule, method, world)
        )
        assert answer.status_code == 403, (method, rule, answer.status_code)
    assert http.get(fill("/api/v1/targets/<target_id>", world), headers=headers).status_code == 200


def test_caseload_lists_only_assigned_clients(http, make):
    tech = make.user("technician")
    mine = make.client(tech)
    make.client()
    listed = http.get("/api/v1/clients", headers=make.login(tech)).get_json()
    assert [c["id"] for c in listed] == [mine.id]
    everyone = http.get("/api/v1/clients", headers=make.login(make.user("director"))).get_json()
    assert len(everyone) == 2


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_manage_users(http, make, role):
    headers = make.login(make.user(role))
    new = {"username": f"new.{role}", "role": "technician", "password": "long-enough-pw"}
    expected = (200, 201) if role == "admin" else (403, 403)
    assert http.get("/api/v1/users", headers=headers).status_code == expected[0]
    assert http.post("/api/v1/users", json=new, headers=headers).status_code == expected[1]


@pytest.mark.parametrize("role", ROLES)
def test_only_directors_and_admins_manage_the_session_settings(http, make, role):
    headers = make.login(make.user(role))
    body = {"settings": ["Clinic", "Home", "Day camp"]}
    expected = 200 if role in SEES_ALL else 403
    assert http.put("/api/v1/session-settings", json=body, headers=headers).status_code == expected
    listed = http.get("/api/v1/session-settings", headers=headers)
    if role != CAREGIVER:  # caregivers record at home and never read the list
        assert listed.status_code == 200
        assert ("Day camp" in listed.get_json()["settings"]) is (role in SEES_ALL)


@pytest.mark.parametrize("role", ROLES)
def test_only_directors_and_admins_read_the_audit_trail(http, make, role):
    expected = 200 if role in READS_AUDIT else 403
    answer = http.get("/api/v1/audit", headers=make.login(make.user(role)))
    assert answer.status_code == expected


def test_every_api_route_requires_sign_in(app, http, world):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule.endswith(
            ("/auth/login", "/openapi.json")
        ):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            answer = http.open(fill(rule.rule, world), method=method, json={})
            assert answer.status_code == 401, (method, rule.rule, answer.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_only_directors_and_admins_audit_charts(http, make, role):
    expected = (200, 201) if role in SEES_ALL else (403, 403)
    headers = make.login(make.user(role))
    period = {"from": "2026-10-01", "to": "2026-10-31"}
    assert http.get("/api/v1/chart-audits", headers=headers).status_code == expected[0]
    assert (
        http.post("/api/v1/chart-audits", json=period, headers=headers).status_code == expected[1]
    )


@pytest.mark.parametrize("role", ROLES)
def test_only_caseload_editors_list_assignable_staff(http, make, world, role):
    user = make.user(role)
    db.session.add(Assignment(user_id=user.id, client_id=world["client_id"]))
    db.session.commit()
    answer = http.get(
        fill("/api/v1/clients/<client_id>/assignable-staff", world), headers=make.login(user)
    )
    expected = 200 if role in EDITS_PROGRAMS else 404 if role == CAREGIVER else 403
    assert answer.status_code == expected, answer.get_json()
