"""One JSON error shape everywhere under /api; every PHI read and write is audited."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bdc.extensions import db
from bdc.models import AuditEntry


def test_unknown_api_route_is_json_404(http):
    answer = http.get("/api/v1/nowhere")
    assert answer.status_code == 404
    assert set(answer.get_json()["error"]) == {"code", "message", "fields"}


def test_wrong_method_is_json_405(http, make):
    answer = http.delete("/api/v1/clients", headers=make.login(make.user()))
    assert answer.status_code == 405
    assert answer.get_json()["error"]["code"] == "method_not_allowed"


def test_malformed_path_ids_are_json_404_not_500(http, make):
    # Path ids are UUIDs (declared so in the OpenAPI document); anything else names no resource.
    headers = make.login(make.user("director"))
    for url in (
        "/api/v1/clients/123",
        "/api/v1/targets/x",
        "/api/v1/sessions/%20",
        "/api/v1/plans/zzz",
    ):
        answer = http.get(url, headers=headers)
        assert answer.status_code == 404, url
        assert answer.get_json()["error"]["code"] == "not_found"


def test_wrong_types_are_422(http, make):
    headers = make.login(make.user("bcba"))
    answer = http.post("/api/v1/clients", headers=headers, json={"code": 5, "name": ["x"]})
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"code", "name"}
    assert http.post("/api/v1/clients", headers=headers, json=[1, 2]).status_code == 422


def test_openapi_document_is_generated(http):
    answer = http.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    paths = answer.get_json()["paths"]
    assert "/api/v1/sync" in paths and "/api/v1/clients/{client_id}/targets" in paths


def test_reads_and_writes_of_client_data_are_audited_without_phi(http, make, caplog):
    caplog.set_level(logging.DEBUG)
    bcba = make.user("bcba")
    headers = make.login(bcba)
    created = http.post(
        "/api/v1/clients",
        headers=headers,
        json={"code": "C-77", "name": "Jordan Secretname", "date_of_birth": "2018-01-02"},
    ).get_json()
    http.get(
        f"/api/v1/clients/{created['id']}",
        headers=headers,
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    http.get("/api/v1/clients", headers=headers)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.client_id == created["id"]).order_by(AuditEntry.at)
    ).all()
    assert [(e.action, e.resource) for e in entries] == [
        ("create", "client"),
        ("read", "client"),
        ("read", "client"),
    ]
    assert all(e.user_id == bcba.id for e in entries)
    assert entries[1].address == "10.1.2.3"
    everything = " ".join(str(e.detail) for e in db.session.scalars(select(AuditEntry)))
    assert "Secretname" not in everything and "2018-01-02" not in everything
    assert "Secretname" not in caplog.text


def test_directors_read_the_audit_trail_filtered_by_client(http, make):
    bcba = make.user("bcba")
    client = make.client(bcba)
    other = make.client(bcba)
    headers = make.login(bcba)
    http.get(f"/api/v1/clients/{client.id}", headers=headers)
    http.get(f"/api/v1/clients/{other.id}", headers=headers)
    director = make.login(make.user("director"))
    answer = http.get(f"/api/v1/audit?client_id={client.id}", headers=director)
    assert answer.status_code == 200
    assert {e["client_id"] for e in answer.get_json()} == {client.id}


def test_unexpected_errors_are_json_500_and_log_no_body(http, make, monkeypatch, caplog):
    from bdc.services import caseload

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(caseload, "read_client", broken)
    user = make.user("bcba")
    client = make.client(user)
    answer = http.get(f"/api/v1/clients/{client.id}", headers=make.login(user))
    assert answer.status_code == 500
    assert answer.get_json()["error"]["message"].startswith("An unexpected error")
    assert "Test Learner" not in caplog.text


def test_production_refuses_the_default_secret():
    import pytest

    from bdc import create_app
    from bdc.config import ConfigError

    with pytest.raises(ConfigError, match="BDC_SECRET_KEY"):
        create_app({"ENV": "production", "DATABASE_URL": "sqlite://"})


def test_the_pwa_is_served_at_the_root_and_api_paths_never_fall_through(http):
    page = http.get("/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    worker = http.get("/sw.js")
    assert worker.mimetype == "text/javascript" and worker.headers["Cache-Control"] == "no-cache"
    assert http.get("/api/v1/not-a-file.js").get_json()["error"]["code"] == "not_found"
    assert http.get("/../bdc/config.py").status_code == 404
