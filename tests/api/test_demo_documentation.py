"""The demo's session notes and supervision contacts, read back over real HTTP."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from bdc.extensions import db
from bdc.models import SessionNote, SupervisionContact
from bdc.services.notes import content_digest


def test_demo_notes_are_drafted_signed_cosigned_and_amended(demo_http):
    notes = db.session.scalars(select(SessionNote)).all()
    assert len(notes) > 60
    assert all(n.summary["targets"] for n in notes if n.summary["kind"] == "observation")
    signed = [n for n in notes if n.signed_at is not None]
    assert signed and all(content_digest(n) == n.content_hash for n in signed)
    assert any(n.cosigned_at is not None for n in notes)
    assert sum(1 for n in notes if n.amends_id) == 1
    assert all(n.signed_at <= n.cosigned_at for n in notes if n.cosigned_at)


def test_demo_pending_list_shows_each_kind_of_wait(demo_http):
    http, login = demo_http
    answer = http.get("/api/v1/notes/pending?older_than_days=0", headers=login("bcba"))
    kinds = Counter(p["status"] for p in answer.get_json())
    assert kinds["missing"] and kinds["unsigned"] and kinds["awaiting_cosignature"]
    mine = http.get("/api/v1/notes/pending?older_than_days=0", headers=login("tech1"))
    assert {p["status"] for p in mine.get_json()} <= {"missing", "unsigned"}


def test_demo_supervision_has_met_and_unmet_months(demo_http):
    http, login = demo_http
    assert db.session.scalars(select(SupervisionContact)).first() is not None
    answer = http.get("/api/v1/supervision/compliance?month=2026-10", headers=login("director"))
    by_name = {r["name"].split(",")[0]: r for r in answer.get_json()["supervisees"]}
    assert by_name["Sam Technician"]["met"]
    assert not by_name["Jordan Technician"]["met"]
    assert "1 more individual contact(s)" in by_name["Jordan Technician"]["needs"]
    csv = http.get("/api/v1/supervision/compliance.csv?month=2026-10", headers=login("director"))
    assert csv.status_code == 200 and "Sam Technician" in csv.data.decode("utf-8-sig")


def test_demo_competency_rises_to_criterion(demo_http):
    http, login = demo_http
    director = login("director")
    clients = http.get("/api/v1/clients", headers=director).get_json()
    rows = [
        row
        for c in clients
        for row in http.get(f"/api/v1/clients/{c['id']}/competency", headers=director).get_json()
    ]
    technicians = [r for r in rows if r["role"] == "technician" and r["checks"]]
    assert technicians and all(r["checks"] == 3 and r["meets"] for r in technicians)
    caregivers = http.get(
        "/api/v1/training/competency?caregiver=mother", headers=login("bcba")
    ).get_json()
    assert [c["percent"] for c in caregivers][-1] == 100.0


def test_demo_chart_audit_is_partly_reviewed_with_one_correction(demo_http):
    http, login = demo_http
    director = login("director")
    [listed] = http.get("/api/v1/chart-audits", headers=director).get_json()
    chart = http.get(f"/api/v1/chart-audits/{listed['id']}", headers=director).get_json()
    assert listed["figures"] == chart["figures"]
    assert (chart["from"], chart["to"]) == ("2026-10-26", "2026-11-22")
    assert len(chart["items"]) == 8
    reviewed = [i for i in chart["items"] if i["reviewed"]]
    assert len(reviewed) == 6 and chart["figures"]["reviewed"] == 6
    [corrected] = [i for i in reviewed if i["comment"]]
    assert corrected["prefill"]["ioa_where_due"] is False
    assert corrected["answers"]["ioa_where_due"] is None
    assert all(i["answers"] == i["prefill"] for i in reviewed if i is not corrected)
    board = http.get(
        "/api/v1/dashboard?from=2026-10-26&to=2026-11-22", headers=login("director")
    ).get_json()
    assert board["chart_audits"]["audits"] == 1
    assert board["chart_audits"]["percent_checks_passed"] is not None


def test_demo_family_reads_the_shared_notes(demo_http):
    http, login = demo_http
    parent = login("parent")
    [home] = http.get("/api/v1/clients", headers=parent).get_json()
    shared = http.get(f"/api/v1/clients/{home['id']}/shared-notes", headers=parent).get_json()
    assert len(shared) == 3
    assert all(n["signer_credential"] for n in shared)
