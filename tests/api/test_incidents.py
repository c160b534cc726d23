"""Critical incidents: filed offline, signed off by a director, amended, never edited."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from bdc.extensions import db
from bdc.models import AuditEntry, Incident
from bdc.services import incidents as service

REPORT = {
    "occurred_at": "2026-11-02T15:20:00Z",
    "duration_minutes": 4,
    "type": "restraint",
    "antecedents": "Transition from iPad to table work.",
    "deescalation": ["Offered a choice", "Reduced demands", "Gave space"],
    "injuries": "None observed.",
    "notified": ["Parent by phone 15:45", "BCBA"],
    "description": "Two-person escort hold for 4 min per the crisis plan.",
}
CONTENT = service.CONTENT_FIELDS


@pytest.fixture
def world(make, http):
    tech = make.user("technician")
    other_tech = make.user("technician")
    bcba = make.user("bcba")
    director = make.user("director")
    client = make.client(tech, other_tech, bcba)
    report = {"id": str(uuid.uuid4()), "client_id": client.id, **REPORT}
    headers = make.login(tech)
    answer = http.post("/api/v1/sync", json={"incidents": [report]}, headers=headers)
    assert answer.get_json() == {"accepted": [report["id"]], "rejected": []}
    return {
        "client": client,
        "report": report,
        "tech": headers,
        "tech_user": tech,
        "other_tech": make.login(other_tech),
        "bcba": make.login(bcba),
        "director": make.login(director),
        "director_user": director,
    }


def url(incident_id: str, action: str = "") -> str:
    return f"/api/v1/incidents/{incident_id}{action}"


def content(row: Incident) -> dict:
    return {name: getattr(row, name) for name in (*CONTENT, "revision", "amends_id")}


def test_a_filed_report_is_listed_open_with_every_field(http, world):
    listed = http.get(f"/api/v1/clients/{world['client'].id}/incidents", headers=world["tech"])
    assert listed.status_code == 200
    [incident] = listed.get_json()
    assert incident["id"] == world["report"]["id"] and incident["status"] == "open"
    for key, value in REPORT.items():
        assert incident[key] == (value if key != "occurred_at" else "2026-11-02T15:20:00+00:00")
    assert incident["revision"] == 1 and incident["root_id"] == incident["id"]
    assert incident["reported_by"] == world["tech_user"].id


@pytest.mark.parametrize("role", ["tech", "other_tech", "bcba"])
def test_only_directors_and_admins_sign_off(http, world, role):
    answer = http.post(url(world["report"]["id"], "/sign-off"), headers=world[role])
    assert answer.status_code == 403
    assert db.session.get(Incident, world["report"]["id"]).signed_off_at is None


def test_sign_off_is_given_once_and_audited(http, world):
    incident_id = world["report"]["id"]
    answer = http.post(url(incident_id, "/sign-off"), headers=world["director"])
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "signed_off"
    assert body["signed_off_by"] == world["director_user"].id
    again = http.post(url(incident_id, "/sign-off"), headers=world["director"])
    assert again.status_code == 409
    audit = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "sign_off", AuditEntry.resource_id == incident_id
        )
    ).all()
    assert len(audit) == 1 and audit[0].detail == {"revision": 1}


def test_a_signed_off_report_is_amended_never_edited(http, world):
    incident_id = world["report"]["id"]
    http.post(url(incident_id, "/sign-off"), headers=world["director"])
    original = db.session.get(Incident, incident_id)
    before = {**content(original), "signed_off_at": original.signed_off_at}

    # No verb edits a report in place.
    for method in ("PUT", "PATCH", "DELETE"):
        answer = http.open(
            url(incident_id), method=method, json={"injuries": "x"}, headers=world["director"]
        )
        assert answer.status_code == 405

    # Re-sending the report with other content is refused as a conflict and changes nothing.
    changed = {**world["report"], "injuries": "Scratch on left forearm."}
    answer = http.post("/api/v1/sync", json={"incidents": [changed]}, headers=world["tech"])
    assert [(r["id"], r["code"]) for r in answer.get_json()["rejected"]] == [
        (incident_id, "conflict")
    ]

    # The reporter amends it: a new revision with the change, everything else carried over.
    amendment = http.post(
        url(incident_id, "/amendments"),
        json={"injuries": "Scratch on left forearm.", "notified": ["Parent", "BCBA", "Nurse"]},
        headers=world["tech"],
    )
    assert amendment.status_code == 201, amendment.get_json()
    revision2 = amendment.get_json()
    assert revision2["revision"] == 2 and revision2["amends_id"] == incident_id
    assert revision2["root_id"] == incident_id and revision2["status"] == "open"
    assert revision2["injuries"] == "Scratch on left forearm."
    assert revision2["description"] == REPORT["description"]  # carried over
    assert [r["revision"] for r in revision2["history"]] == [1, 2]

    db.session.expire_all()
    original = db.session.get(Incident, incident_id)
    assert {**content(original), "signed_off_at": original.signed_off_at} == before
    shown = http.get(url(incident_id), headers=world["tech"]).get_json()
    assert shown["status"] == "superseded" and shown["superseded_by"] == revision2["id"]
    assert shown["injuries"] == REPORT["injuries"]

    # The list shows the latest revision; it is open again until a director signs it off.
    listed = http.get(f"/api/v1/clients/{world['client'].id}/incidents", headers=world["bcba"])
    assert [(i["id"], i["status"]) for i in listed.get_json()] == [(revision2["id"], "open")]
    # Only the latest revision is amended or signed off: a chain never forks.
    stale = http.post(
        url(incident_id, "/amendments"), json={"type": "injury"}, headers=world["bcba"]
    )
    assert stale.status_code == 409
    assert (
        http.post(url(revision2["id"], "/sign-off"), headers=world["director"]).status_code == 200
    )
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 2


def test_an_unsigned_report_is_amended_too_and_keeps_its_original(http, world):
    incident_id = world["report"]["id"]
    answer = http.post(
        url(incident_id, "/amendments"), json={"duration_minutes": 6}, headers=world["bcba"]
    )
    assert answer.status_code == 201
    assert answer.get_json()["duration_minutes"] == 6
    db.session.expire_all()
    assert db.session.get(Incident, incident_id).duration_minutes == 4
    # The superseded revision cannot be signed off in place of the latest.
    assert http.post(url(incident_id, "/sign-off"), headers=world["director"]).status_code == 409


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),  # an amendment must change something
        ({"duration_minutes": 4}, 422),  # ... and the same value is no change
        ({"type": "teleport"}, 422),
        ({"occurred_at": "2026-11-02T15:20:00"}, 422),  # no UTC offset
        ({"signed_off_by": str(uuid.uuid4())}, 422),  # not an amendable field
        ({"revision": 7}, 422),
    ],
)
def test_bad_amendments_are_refused(http, world, body, status):
    answer = http.post(url(world["report"]["id"], "/amendments"), json=body, headers=world["tech"])
    assert answer.status_code == status, answer.get_json()
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 1


def test_another_technician_cannot_amend_someone_elses_report(http, world):
    answer = http.post(
        url(world["report"]["id"], "/amendments"),
        json={"injuries": "x"},
        headers=world["other_tech"],
    )
    assert answer.status_code == 403


def test_off_caseload_is_404(http, make, world):
    stranger = make.login(make.user("bcba"))
    for path, method in [("", "GET"), ("/sign-off", "POST"), ("/amendments", "POST")]:
        answer = http.open(
            url(world["report"]["id"], path),
            method=method,
            json={"injuries": "x"},
            headers=stranger,
        )
        assert answer.status_code == 404
    assert http.get(url(str(uuid.uuid4())), headers=world["director"]).status_code == 404
    assert http.get(url("not-an-id"), headers=world["director"]).status_code == 404


def test_the_service_cannot_update_a_report(ctx, world):
    """No code path edits a stored row: content changes fail at flush, signed or not."""
    row = db.session.get(Incident, world["report"]["id"])
    row.injuries = "rewritten"
    with pytest.raises(service.IncidentImmutable):
        db.session.flush()
    db.session.rollback()

    row = db.session.get(Incident, world["report"]["id"])
    row.signed_off_by = world["director_user"].id
    row.signed_off_at = row.created_at
    db.session.commit()  # the one change a row may take

    for field, value in [("description", "new"), ("type", "injury"), ("revision", 3)]:
        row = db.session.get(Incident, world["report"]["id"])
        setattr(row, field, value)
        with pytest.raises(service.IncidentImmutable):
            db.session.flush()
        db.session.rollback()
    row = db.session.get(Incident, world["report"]["id"])
    row.signed_off_at = row.occurred_at  # a second signature over the first
    with pytest.raises(service.IncidentImmutable):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Incident, world["report"]["id"]).injuries == REPORT["injuries"]


def test_date_and_status_filters(http, world):
    client_url = f"/api/v1/clients/{world['client'].id}/incidents"
    ask = lambda query: http.get(client_url + query, headers=world["bcba"]).get_json()  # noqa: E731
    assert len(ask("?from=2026-11-02&to=2026-11-02")) == 1
    assert ask("?from=2026-11-03") == []
    assert len(ask("?status=open")) == 1 and ask("?status=signed_off") == []
    assert http.get(client_url + "?status=maybe", headers=world["bcba"]).status_code == 422
