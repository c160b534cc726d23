"""The API keeps its contract under any input (issue 11): what the OpenAPI document says, what
bad input gets, body limits, and the headers on every response. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import socket

import pytest

from bdc.models import Client
from bdc.text import UNSTORABLE_TEXT
from tests.e2e.pwa import LiveServer

NUL = "Jo\x00rdan"
SURROGATE = "Jo\ud800rdan"


def raw_json(value) -> bytes:
    # json.dumps escapes a lone surrogate as \ud800, exactly as a browser or script would send it.
    return json.dumps(value).encode()


@pytest.fixture
def director(make):
    return make.login(make.user("director"))


@pytest.fixture
def spec(http):
    return http.get("/api/v1/openapi.json").get_json()


# --- the OpenAPI document ----------------------------------------------------------------------


def test_every_operation_documents_the_one_error_shape(spec):
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    detail = spec["components"]["schemas"]["ErrorDetail"]
    assert set(detail["properties"]) == {"code", "message", "fields"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            default = operation["responses"]["default"]["$ref"]
            assert default == "#/components/responses/DEFAULT_ERROR", (method, path)
    assert spec["components"]["responses"]["DEFAULT_ERROR"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/Error"}


def test_ids_in_paths_are_uuids_and_bodies_document_400_413_415(spec):
    for path, operations in spec["paths"].items():
        for parameter in operations.get("parameters", []):
            if parameter["name"] != "protocol_id":
                assert parameter["schema"] == {"type": "string", "format": "uuid"}, path
        for method, operation in operations.items():
            if method != "parameters" and "requestBody" in operation:
                assert {"400", "413", "415", "422"} <= set(operation["responses"]), (method, path)


def test_nullable_fields_and_the_pagination_header_are_declared(spec):
    target = spec["components"]["schemas"]["Target"]["properties"]
    assert target["criterion_met_at"]["nullable"] is True
    assert target["criterion_reviewed_at"]["nullable"] is True
    assert spec["components"]["headers"]["PAGINATION"]["schema"] == {"type": "string"}
    sessions = spec["paths"]["/api/v1/sessions"]["get"]
    page = next(p for p in sessions["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] == 1_000_000


def test_a_uuid_path_id_reaches_the_route_and_anything_else_is_404(http, director):
    client_id = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert http.get(f"/api/v1/clients/{client_id}", headers=director).status_code == 404
    answer = http.get("/api/v1/clients/12", headers=director)
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"


def test_405_lists_the_allowed_methods(http, director):
    answer = http.delete("/api/v1/clients", headers=director)
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) == {
        "GET",
        "HEAD",
        "OPTIONS",
        "POST",
    }
    assert answer.get_json()["error"]["code"] == "method_not_allowed"
    # The PWA's catch-all route no longer claims GET on API paths.
    login = http.get("/api/v1/auth/login")
    assert login.status_code == 405 and "GET" not in login.headers["Allow"]


# --- bad input is a field message, never a 500 -------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/sessions", "/api/v1/audit"])
def test_a_huge_page_number_is_422_not_500(http, director, path):
    for page in ("1000001", "99999999999999999999"):
        answer = http.get(f"{path}?page={page}", headers=director)
        assert answer.status_code == 422, (path, page)
        assert "page" in answer.get_json()["error"]["fields"]
    last = http.get(f"{path}?page=1000000", headers=director)
    assert last.status_code == 200 and last.get_json() == []


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_unstorable_text_gets_a_field_message_on_every_database(http, make, director, bad):
    def send(method, url, body, headers=director):
        return http.open(
            url,
            method=method,
            data=raw_json(body),
            headers={**headers, "Content-Type": "application/json"},
        )

    answer = send("POST", "/api/v1/auth/login", {"username": bad, "password": "x"}, {})
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"] == {"username": [UNSTORABLE_TEXT]}

    answer = send("POST", "/api/v1/clients", {"code": "C-1", "name": bad})
    assert answer.get_json()["error"]["fields"] == {"name": [UNSTORABLE_TEXT]}
    client = make.client()
    answer = send("PATCH", f"/api/v1/clients/{client.id}", {"name": bad})
    assert answer.get_json()["error"]["fields"] == {"name": [UNSTORABLE_TEXT]}
    assert http.get(f"/api/v1/clients/{client.id}", headers=director).get_json()["name"] == (
        "Test Learner"
    )

    # Inside a target's params (a JSON column) and a plan's checklist (a list of text).
    body = {"name": "Hitting", "measurement": "frequency", "params": {"note": [bad]}}
    answer = send("POST", f"/api/v1/clients/{client.id}/targets", body)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"] == {"params": {"note": {"0": [UNSTORABLE_TEXT]}}}
    body = {"function": "escape", "checklist": ["Prompt", bad]}
    answer = send("POST", f"/api/v1/clients/{client.id}/plans", body)
    assert answer.get_json()["error"]["fields"] == {"checklist": {"1": [UNSTORABLE_TEXT]}}


def test_an_incident_description_with_nul_gets_a_field_message(http, make):
    from bdc.extensions import db
    from bdc.models import Incident
    from bdc.models.base import utcnow

    bcba = make.user("bcba")
    client = make.client(bcba)
    incident = Incident(
        client_id=client.id, reported_by=bcba.id, occurred_at=utcnow(), type="elopement"
    )
    db.session.add(incident)
    db.session.commit()
    answer = http.post(
        f"/api/v1/incidents/{incident.id}/amendments",
        data=raw_json({"description": SURROGATE, "deescalation": ["ok", NUL]}),
        headers={**make.login(bcba), "Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"] == {
        "description": [UNSTORABLE_TEXT],
        "deescalation": {"1": [UNSTORABLE_TEXT]},
    }


def test_json_bodies_carry_the_declared_json_types(http, make, director):
    client = make.client()
    for body, field in (
        ({"active": 0}, "active"),
        ({"active": "false"}, "active"),
        ({"name": 5}, "name"),
    ):
        answer = http.patch(f"/api/v1/clients/{client.id}", json=body, headers=director)
        assert answer.status_code == 422, body
        assert field in answer.get_json()["error"]["fields"]
    plan = {"function": "escape", "checklist": ["a"], "protocol_version": 2.5e-42}
    answer = http.post(f"/api/v1/clients/{client.id}/plans", json=plan, headers=director)
    assert answer.get_json()["error"]["fields"] == {"protocol_version": ["Not a valid integer."]}
    answer = http.post(
        f"/api/v1/clients/{client.id}/plans", json={**plan, "criterion": "80"}, headers=director
    )
    assert "criterion" in answer.get_json()["error"]["fields"]


# --- bodies: JSON only, and limited before they are read ---------------------------------------


@pytest.mark.parametrize("route", ["sync", "client"])
def test_no_body_or_a_non_json_body_is_refused(http, make, director, route):
    url = "/api/v1/sync" if route == "sync" else f"/api/v1/clients/{make.client().id}"
    method = "POST" if route == "sync" else "PATCH"
    answer = http.open(url, method=method, headers=director)
    assert answer.status_code == 415
    assert answer.get_json()["error"]["code"] == "unsupported_media_type"
    answer = http.open(
        url, method=method, data="name=x", headers={**director, "Content-Type": "text/plain"}
    )
    assert answer.status_code == 415
    answer = http.open(
        url, method=method, data=b"", headers={**director, "Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.get_json()["error"]["message"] == "This request needs a JSON body."


def test_a_declared_length_over_the_limit_is_a_json_413(http, director):
    answer = http.post(
        "/api/v1/sync",
        data=b"{" + b" " * (8 * 1024 * 1024) + b"}",
        headers={**director, "Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "too_large"


def test_a_chunked_body_is_refused_at_the_limit_without_reading_the_rest(app, make, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    token = make.login(make.user("director"))["Authorization"]
    with LiveServer(app) as live:
        host, port = live.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as connection:
            connection.sendall(
                b"POST /api/v1/sync HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Authorization: {token}\r\n".encode()
                + b"Transfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"[" * 16 * 1024
            for _ in range(8):  # twice the limit, and the body never ends
                connection.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            answer = read_response(connection)
    assert answer.startswith("HTTP/1.1 413 ")
    assert '"too_large"' in answer


def read_response(connection) -> str:
    """One HTTP response: the headers, then as many bytes as Content-Length says."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
    while len(body) < length:
        body += connection.recv(65536)
    return (head + b"\r\n\r\n" + body).decode("latin-1")


# --- who is asking -----------------------------------------------------------------------------


def test_no_credentials_is_sign_in_to_continue_and_a_dead_token_is_sign_in_again(http, make):
    answer = http.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.get_json()["error"]["message"] == "Sign in to continue."
    headers = make.login(make.user())
    http.post("/api/v1/auth/logout", headers=headers)
    answer = http.get("/api/v1/me", headers=headers)
    assert answer.get_json()["error"]["message"] == "Please sign in again."


# --- headers on every response -----------------------------------------------------------------


def test_security_headers_on_the_pwa_the_api_and_errors(http, director):
    for url, headers in (
        ("/", {}),
        ("/js/app.js", {}),
        ("/api/v1/me", director),
        ("/api/v1/clients", {}),
        ("/api/v1/nowhere", director),
    ):
        answer = http.get(url, headers=headers)
        csp = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in answer.headers["Permissions-Policy"]
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert "Access-Control-Allow-Origin" not in answer.headers
        if url.startswith("/api/"):
            assert answer.headers["Cache-Control"] == "no-store", url
            assert answer.content_type == "application/json"
    assert "Strict-Transport-Security" not in http.get("/").headers


def test_production_cookies_are_secure_and_hsts_is_sent(app, database_url, make):
    from bdc import create_app

    user = make.user()
    production = create_app(
        {
            "DATABASE_URL": database_url,
            "ENV": "production",
            "SECRET_KEY": "a-long-random-production-secret",
            "BEHIND_TLS_PROXY": True,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    answer = production.test_client().post(
        "/api/v1/auth/login", json={"username": user.username, "password": "correct-horse-battery"}
    )
    assert answer.status_code == 200
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("__Host-bdc_session=") and "Path=/" in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Domain" not in cookie
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_client_rows_are_untouched_by_refused_requests(http, make, director):
    client = make.client()
    http.patch(f"/api/v1/clients/{client.id}", data="name=x", headers=director)
    from bdc.extensions import db

    db.session.expire_all()
    assert db.session.get(Client, client.id).name == "Test Learner"


def test_a_scatterplot_over_centuries_is_refused_not_rendered(http, make, director):
    client = make.client()
    make.target(client, direction="decrease")
    url = f"/api/v1/clients/{client.id}/charts/scatterplot.png"
    answer = http.get(f"{url}?from=1575-02-25", headers=director)
    assert answer.status_code == 422
    assert "from" in answer.get_json()["error"]["fields"]
    assert http.get(f"{url}?from=2026-01-01&to=2026-12-31", headers=director).status_code == 200


def test_request_text_fields_declare_the_no_nul_pattern(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["Login"]["properties"]["username"]["pattern"] == "^[^\\u0000]*$"
    assert schemas["Plan"]["properties"]["checklist"]["items"]["pattern"] == "^[^\\u0000]*$"
    # a closed choice needs none
    assert "pattern" not in schemas["Target"]["properties"]["measurement"]


def test_query_text_with_nul_is_refused_and_exclusive_bounds_are_declared(http, make, spec):
    director = make.login(make.user("director"))
    client = make.client()
    answer = http.get(
        f"/api/v1/clients/{client.id}/charts/abc.png?behavior=a%00b", headers=director
    )
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"] == {"behavior": [UNSTORABLE_TEXT]}
    criterion = spec["components"]["schemas"]["Plan"]["properties"]["criterion"]
    assert criterion["minimum"] == 0 and criterion["exclusiveMinimum"] is True
    assert spec["components"]["schemas"]["Sync"]["properties"]["events"]["items"] == {}
