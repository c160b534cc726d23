"""Clients, caseloads, targets, phases, plans and users through the API, good and bad input."""

from __future__ import annotations

import pytest

from bdc.extensions import db
from bdc.models import Client, Plan


@pytest.fixture
def bcba(make):
    user = make.user("bcba")
    return user, make.login(user)


def test_bcba_creates_a_client_and_keeps_it_on_their_caseload(http, bcba):
    _, headers = bcba
    answer = http.post(
        "/api/v1/clients",
        headers=headers,
        json={"code": "C-1", "name": "Avery", "date_of_birth": "2019-03-04"},
    )
    assert answer.status_code == 201
    client = answer.get_json()
    assert client["active"] is True and client["date_of_birth"] == "2019-03-04"
    assert [c["id"] for c in http.get("/api/v1/clients", headers=headers).get_json()] == [
        client["id"]
    ]
    duplicate = http.post("/api/v1/clients", headers=headers, json={"code": "C-1", "name": "B"})
    assert duplicate.status_code == 409


def test_clients_are_deactivated_never_deleted(http, make, bcba):
    user, headers = bcba
    client = make.client(user)
    answer = http.patch(f"/api/v1/clients/{client.id}", json={"active": False}, headers=headers)
    assert answer.status_code == 200 and answer.get_json()["active"] is False
    assert http.delete(f"/api/v1/clients/{client.id}", headers=headers).status_code == 405
    assert db.session.get(Client, client.id) is not None
    assert http.get("/api/v1/clients", headers=headers).get_json() == []


def test_assignments_add_and_remove_staff(http, make, bcba):
    user, headers = bcba
    client = make.client(user)
    tech = make.user("technician")
    url = f"/api/v1/clients/{client.id}/assignments"
    assert http.post(url, json={"user_id": tech.id}, headers=headers).status_code == 201
    roles = {a["role"] for a in http.get(url, headers=headers).get_json()}
    assert roles == {"bcba", "technician"}
    tech_headers = make.login(tech)
    assert http.get(f"/api/v1/clients/{client.id}", headers=tech_headers).status_code == 200
    assert http.delete(f"{url}/{tech.id}", headers=headers).status_code == 204
    assert http.get(f"/api/v1/clients/{client.id}", headers=tech_headers).status_code == 404


def test_target_with_every_measurement_and_its_phases(http, make, bcba):
    user, headers = bcba
    client = make.client(user)
    body = {
        "name": "Receptive ID",
        "definition": "Touches the named picture within 5 s of the instruction.",
        "measurement": "dtt",
        "params": {"prompt_levels": ["independent", "gestural", "model"], "trials_per_session": 10},
        "mastery": {"percent": 80, "consecutive": 3, "min_trials": 10},
        "aim": {
            "start_date": "2026-11-01",
            "start_value": 20,
            "end_date": "2027-01-31",
            "end_value": 80,
        },
    }
    answer = http.post(f"/api/v1/clients/{client.id}/targets", json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    target = answer.get_json()
    assert target["mastery"] == {
        "percent": 80,
        "consecutive": 3,
        "min_trials": 10,
        "min_observers": 1,
    }
    assert target["aim"]["end_date"] == "2027-01-31"
    phases_url = f"/api/v1/targets/{target['id']}/phases"
    for kind, label, start in [
        ("intervention", "DRA", "2026-11-15"),
        ("baseline", "Baseline", "2026-11-01"),
    ]:
        made = http.post(
            phases_url, json={"kind": kind, "label": label, "start_date": start}, headers=headers
        )
        assert made.status_code == 201
    listed = http.get(f"/api/v1/targets/{target['id']}", headers=headers).get_json()
    assert [p["label"] for p in listed["phases"]] == ["Baseline", "DRA"]  # in date order


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "measurement": "telekinesis"}, "measurement"),
        ({"name": "x", "measurement": "momentary_time_sampling", "params": {}}, "params"),
        ({"name": "x", "measurement": "dtt", "params": {"prompt_levels": ["model"]}}, "params"),
        (
            {"name": "x", "measurement": "frequency", "mastery": {"percent": 80, "consecutive": 3}},
            "mastery",
        ),
        ({"name": "", "measurement": "frequency"}, "name"),
        ({"name": "x" * 201, "measurement": "frequency"}, "name"),
        ({"name": "x", "measurement": "frequency", "direction": "sideways"}, "direction"),
        ({"name": "x", "measurement": "frequency", "colour": "red"}, "colour"),
        (
            {
                "name": "x",
                "measurement": "frequency",
                "aim": {
                    "start_date": "2026-13-01",
                    "start_value": 1,
                    "end_date": "2027-01-01",
                    "end_value": 2,
                },
            },
            "aim",
        ),
        (
            {
                "name": "x",
                "measurement": "frequency",
                "aim": {
                    "start_date": "2026-12-01",
                    "start_value": 1,
                    "end_date": "2026-11-01",
                    "end_value": 2,
                },
            },
            "aim",
        ),
    ],
)
def test_bad_targets_get_422_with_the_field_named(http, make, bcba, body, field):
    user, headers = bcba
    client = make.client(user)
    answer = http.post(f"/api/v1/clients/{client.id}/targets", json=body, headers=headers)
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert field in error["fields"], error
    assert http.get(f"/api/v1/clients/{client.id}/targets", headers=headers).get_json() == []


def test_target_patch_checks_params_against_the_stored_measurement(http, make, bcba):
    user, headers = bcba
    target = make.target(make.client(user), "momentary_time_sampling")
    url = f"/api/v1/targets/{target.id}"
    bad = http.patch(
        url, json={"params": {"interval_seconds": 0, "observation_minutes": 5}}, headers=headers
    )
    assert bad.status_code == 422 and "params" in bad.get_json()["error"]["fields"]
    assert http.patch(url, json={"measurement": "frequency"}, headers=headers).status_code == 422
    good = http.patch(
        url, json={"params": {"interval_seconds": 15, "observation_minutes": 10}}, headers=headers
    )
    assert good.status_code == 200 and good.get_json()["params"]["interval_seconds"] == 15


def test_plan_revision_adds_a_version_and_keeps_the_old_one(http, make, bcba):
    user, headers = bcba
    client = make.client(user)
    first = http.post(
        f"/api/v1/clients/{client.id}/plans",
        headers=headers,
        json={
            "function": "escape",
            "strategies": ["FCT"],
            "checklist": ["Present demand", "Prompt FCR"],
        },
    ).get_json()
    second = http.put(
        f"/api/v1/plans/{first['id']}",
        headers=headers,
        json={
            "function": "escape",
            "checklist": ["Present demand", "Prompt FCR", "Deliver break"],
            "criterion": 85,
        },
    ).get_json()
    assert second["version"] == 2 and second["series_id"] == first["series_id"]
    assert second["id"] != first["id"] and second["active"] is True
    old = db.session.get(Plan, first["id"])
    assert old.checklist == ["Present demand", "Prompt FCR"] and old.active is False
    bad = http.put(
        f"/api/v1/plans/{first['id']}",
        headers=headers,
        json={"function": "escape", "checklist": []},
    )
    assert bad.status_code == 422


def test_admin_manages_users(http, make):
    headers = make.login(make.user("admin"))
    made = http.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "new.tech",
            "role": "technician",
            "password": "a-long-password",
        },
    )
    assert made.status_code == 201 and "password" not in made.get_json()
    user_id = made.get_json()["id"]
    assert (
        http.post(
            "/api/v1/users",
            headers=headers,
            json={
                "username": "new.tech",
                "role": "technician",
                "password": "a-long-password",
            },
        ).status_code
        == 409
    )
    short = http.post(
        "/api/v1/users",
        headers=headers,
        json={"username": "x1", "role": "technician", "password": "short"},
    )
    assert short.status_code == 422 and "password" in short.get_json()["error"]["fields"]
    off = http.patch(f"/api/v1/users/{user_id}", headers=headers, json={"active": False})
    assert off.get_json()["active"] is False
    login = http.post(
        "/api/v1/auth/login", json={"username": "new.tech", "password": "a-long-password"}
    )
    assert login.status_code == 401


def test_sessions_are_listed_by_client_and_date_with_pagination(http, make):
    from datetime import UTC, datetime

    from bdc.models import Session

    tech = make.user("technician")
    client = make.client(tech)
    for day in range(1, 8):
        db.session.add(
            Session(
                client_id=client.id,
                observer_id=tech.id,
                started_at=datetime(2026, 11, day, 15, tzinfo=UTC),
            )
        )
    db.session.commit()
    headers = make.login(tech)
    answer = http.get(
        f"/api/v1/sessions?client_id={client.id}&from=2026-11-02&to=2026-11-06&page=1&page_size=2",
        headers=headers,
    )
    assert answer.status_code == 200
    assert len(answer.get_json()) == 2
    assert '"total": 5' in answer.headers["X-Pagination"]
    assert answer.get_json()[0]["started_at"].startswith("2026-11-06")
    bad = http.get("/api/v1/sessions?from=2026-02-30", headers=headers)
    assert bad.status_code == 422 and "from" in bad.get_json()["error"]["fields"]
