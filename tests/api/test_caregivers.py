"""Caregivers: linked to their own child by a BCBA, they see its graphs, data and report, record
home-recordable targets at home, and nothing else (docs/caregivers.md)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bdc.config import ConfigError, load_config
from bdc.extensions import db
from bdc.models import Assignment, AuditEntry, Event, Incident, Phase, Session, SessionNote
from bdc.models.base import new_id, utcnow
from bdc.services import session_values
from tests.api.test_permissions import BODIES, SCOPED, fill
from tests.tablet import Tablet, iso

# What a caregiver may call: written out here so a change to bdc.auth.CAREGIVER_ROUTES is a
# deliberate change to this list too.
ALLOWED = {
    ("GET", "/api/v1/me"),
    ("PUT", "/api/v1/me/language"),  # families read the app in their language
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/clients"),
    ("GET", "/api/v1/clients/<client_id>"),
    ("GET", "/api/v1/clients/<client_id>/targets"),
    ("GET", "/api/v1/clients/<client_id>/report.pdf"),
    ("GET", "/api/v1/targets/<target_id>"),
    ("GET", "/api/v1/targets/<target_id>/phases"),
    ("GET", "/api/v1/targets/<target_id>/data"),
    ("GET", "/api/v1/targets/<target_id>/summary"),
    ("GET", "/api/v1/targets/<target_id>/graph.png"),
    ("GET", "/api/v1/targets/<target_id>/graph.svg"),
    ("GET", "/api/v1/clients/<client_id>/shared-notes"),
    ("POST", "/api/v1/sync"),
}
# BODIES holds writes staff may be refused; a caregiver's own language is a write they may make.
CAREGIVER_BODIES = {**BODIES, ("/api/v1/me/language", "PUT"): {"language": "es"}}
UNSIGNED = ("/api/v1/auth/login", "/api/v1/openapi.json")


def api_routes(app):
    """(rule as written, rule with converters stripped as in CAREGIVER_ROUTES, method)."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and rule.rule not in UNSIGNED:
            plain = re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"<\1>", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.rule, plain, method


@pytest.fixture
def home(make):
    """A BCBA's client with a home-recordable target and a clinic-only one, a session with an
    event, an incident and a plan; a caregiver linked to the client; a second client."""
    bcba = make.user("bcba")
    client = make.client(bcba)
    home_target = make.target(client, name="Requests with words", home_recordable=True)
    clinic_target = make.target(client, name="Tolerating denial")
    db.session.add(
        Phase(
            target_id=home_target.id,
            kind="baseline",
            label="Baseline",
            start_date=utcnow().date() - timedelta(days=30),
        )
    )
    plan = make.plan(client)
    session = Session(
        client_id=client.id,
        observer_id=bcba.id,
        started_at=utcnow() - timedelta(days=1),
        ended_at=utcnow() - timedelta(days=1) + timedelta(minutes=20),
        setting="clinic",
        target_ids=[home_target.id],
    )
    db.session.add(session)
    db.session.flush()
    db.session.add(
        Event(
            session_id=session.id,
            target_id=home_target.id,
            kind="count",
            t=session.started_at,
            recorded_by=bcba.id,
        )
    )
    incident = Incident(
        client_id=client.id, reported_by=bcba.id, occurred_at=utcnow(), type="elopement"
    )
    db.session.add(incident)
    db.session.flush()
    session_values.refresh(session_values.Touched(sessions={session.id}))  # as sync stores them
    note = SessionNote(session_id=session.id, client_id=client.id, author_id=bcba.id)
    db.session.add(note)
    caregiver = make.user("caregiver")
    db.session.add(Assignment(user_id=caregiver.id, client_id=client.id))
    db.session.commit()
    other = make.client(bcba)
    return {
        "bcba": bcba,
        "client": client,
        "other": other,
        "home_target": home_target,
        "clinic_target": clinic_target,
        "caregiver": caregiver,
        "ids": {
            "client_id": client.id,
            "target_id": home_target.id,
            "plan_id": plan.id,
            "session_id": session.id,
            "incident_id": incident.id,
            "note_id": note.id,
            "contact_id": new_id(),
            "audit_id": new_id(),  # chart audits are not client-scoped: directors only
            "item_id": new_id(),
            "user_id": bcba.id,
            "staff_id": bcba.id,
            "caregiver_id": caregiver.id,
            "protocol_id": "aggression-frequency",
        },
    }


# --- the route matrix ---------------------------------------------------------------------------


def test_a_caregiver_calls_only_the_allowed_routes(app, http, make, home):
    """Every API route × the caregiver role: the allowed reads answer 200 for their child;
    everything else is 404 when it names a client-scoped row and 403 when it does not."""
    headers = make.login(home["caregiver"])
    seen = set()
    for written, rule, method in api_routes(app):
        seen.add((method, rule))
        if (method, rule) == ("POST", "/api/v1/auth/logout"):
            continue  # would end the sign-in the rest of the loop uses; tested below
        body = (
            CAREGIVER_BODIES.get((written, method), {}) if method not in ("GET", "DELETE") else None
        )
        if body:
            body = {
                k: v.format(**home["ids"]) if isinstance(v, str) else v for k, v in body.items()
            }
        answer = http.open(fill(rule, home["ids"]), method=method, headers=headers, json=body)
        if (method, rule) in ALLOWED:
            assert answer.status_code == 200, (method, rule, answer.status_code)
        elif SCOPED.search(rule):
            assert answer.status_code == 404, (method, rule, answer.status_code)
            assert answer.get_json()["error"]["code"] == "not_found"
        else:
            assert answer.status_code == 403, (method, rule, answer.status_code)
            assert answer.get_json()["error"]["code"] == "forbidden"
    assert seen >= ALLOWED  # every allowed route still exists
    assert http.post("/api/v1/auth/logout", headers=headers).status_code == 204


def test_a_caregiver_lists_only_their_children(http, make, home):
    headers = make.login(home["caregiver"])
    listed = http.get("/api/v1/clients", headers=headers).get_json()
    assert [c["id"] for c in listed] == [home["client"].id]
    other = fill("/api/v1/clients/<client_id>", {"client_id": home["other"].id})
    assert http.get(other, headers=headers).status_code == 404
    graph = f"/api/v1/targets/{make.target(home['other']).id}/graph.png"
    assert http.get(graph, headers=headers).status_code == 404


def test_every_caregiver_read_is_audited(http, make, home):
    headers = make.login(home["caregiver"])
    target = home["home_target"].id
    for path in (
        f"/api/v1/clients/{home['client'].id}",
        f"/api/v1/targets/{target}/data",
        f"/api/v1/targets/{target}/summary",
        f"/api/v1/targets/{target}/graph.png",
        f"/api/v1/clients/{home['client'].id}/report.pdf",
    ):
        assert http.get(path, headers=headers).status_code == 200, path
    entries = db.session.query(AuditEntry).filter_by(user_id=home["caregiver"].id).all()
    resources = {(e.action, e.resource) for e in entries}
    assert {("read", "client"), ("read", "target_data"), ("read", "target_summary")} <= resources
    assert any(e.action == "export" for e in entries)  # the report
    assert len(entries) >= 5
    assert {e.client_id for e in entries if e.action != "login"} == {home["client"].id}


# --- linking ------------------------------------------------------------------------------------


def test_a_bcba_links_and_unlinks_a_caregiver(http, make, home):
    bcba = make.login(home["bcba"])
    parent = make.user("caregiver")
    url = f"/api/v1/clients/{home['other'].id}/caregivers"
    answer = http.post(url, json={"user_id": parent.id}, headers=bcba)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["role"] == "caregiver"
    assert [c["user_id"] for c in http.get(url, headers=bcba).get_json()] == [parent.id]
    caregiver = make.login(parent)
    assert http.get(f"/api/v1/clients/{home['other'].id}", headers=caregiver).status_code == 200

    assert http.delete(f"{url}/{parent.id}", headers=bcba).status_code == 204
    assert http.get(url, headers=bcba).get_json() == []
    assert http.get(f"/api/v1/clients/{home['other'].id}", headers=caregiver).status_code == 404
    assert http.delete(f"{url}/{parent.id}", headers=bcba).status_code == 404


def test_only_caregiver_accounts_are_linked_as_caregivers(http, make, home):
    url = f"/api/v1/clients/{home['client'].id}/caregivers"
    answer = http.post(
        url, json={"user_id": make.user("technician").id}, headers=make.login(home["bcba"])
    )
    assert answer.status_code == 422
    assert "user_id" in answer.get_json()["error"]["fields"]
    staff_delete = f"{url}/{home['bcba'].id}"
    assert http.delete(staff_delete, headers=make.login(home["bcba"])).status_code == 404


def test_a_bcba_links_a_caregiver_by_the_username_the_admin_gave(http, make, home):
    bcba = make.login(home["bcba"])
    parent = make.user("caregiver", username=f"parent-{new_id()[:6]}")
    url = f"/api/v1/clients/{home['other'].id}/caregivers"
    answer = http.post(url, json={"username": parent.username}, headers=bcba)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["user_id"] == parent.id
    for body, field in (
        ({"username": home["bcba"].username}, "username"),  # staff, not a caregiver
        ({"username": "nobody-here"}, "username"),
        ({"username": parent.username, "user_id": parent.id}, "user_id"),
        ({}, "user_id"),
    ):
        refused = http.post(url, json=body, headers=bcba)
        assert refused.status_code == 422, body
        assert field in refused.get_json()["error"]["fields"], body


@pytest.mark.parametrize("role", ["technician", "therapist"])
def test_technicians_and_therapists_do_not_link_caregivers(http, make, home, role):
    staff = make.user(role)
    db.session.add(Assignment(user_id=staff.id, client_id=home["client"].id))
    db.session.commit()
    url = f"/api/v1/clients/{home['client'].id}/caregivers"
    answer = http.post(url, json={"user_id": make.user("caregiver").id}, headers=make.login(staff))
    assert answer.status_code == 403


def test_a_director_links_a_caregiver_to_any_client(http, make, home):
    url = f"/api/v1/clients/{home['other'].id}/caregivers"
    parent = make.user("caregiver")
    director = make.login(make.user("director"))
    assert http.post(url, json={"user_id": parent.id}, headers=director).status_code == 201


# --- recording at home --------------------------------------------------------------------------


def test_a_bcba_marks_a_target_home_recordable(http, make, home):
    bcba = make.login(home["bcba"])
    url = f"/api/v1/targets/{home['clinic_target'].id}"
    assert http.get(url, headers=bcba).get_json()["home_recordable"] is False
    answer = http.patch(url, json={"home_recordable": True}, headers=bcba)
    assert answer.status_code == 200
    assert answer.get_json()["home_recordable"] is True
    created = http.post(
        f"/api/v1/clients/{home['client'].id}/targets",
        json={"name": "Brushing teeth", "measurement": "frequency", "home_recordable": True},
        headers=bcba,
    )
    assert created.status_code == 201 and created.get_json()["home_recordable"] is True
    wrong = http.patch(url, json={"home_recordable": "sometimes"}, headers=bcba)
    assert wrong.status_code == 422 and "home_recordable" in wrong.get_json()["error"]["fields"]


def test_a_caregiver_cannot_mark_targets(http, make, home):
    url = f"/api/v1/targets/{home['clinic_target'].id}"
    answer = http.patch(url, json={"home_recordable": True}, headers=make.login(home["caregiver"]))
    assert answer.status_code == 404
    assert (
        db.session.get(type(home["clinic_target"]), home["clinic_target"].id).home_recordable
        is False
    )


def test_a_caregiver_records_home_recordable_targets_as_home_sessions(http, make, home):
    tablet = Tablet(http, make.login(home["caregiver"]))
    session = tablet.session(
        home["client"],
        at=utcnow() - timedelta(hours=2),
        targets=[home["home_target"]],
        setting="clinic",
    )
    tablet.counts(session, home["home_target"], [5, 40, 90])
    tablet.send()
    stored = db.session.get(Session, session["id"])
    assert stored.setting == "home"  # whatever the phone said
    assert stored.observer_id == home["caregiver"].id
    assert db.session.query(Event).filter_by(session_id=session["id"]).count() == 3
    data = http.get(
        f"/api/v1/targets/{home['home_target'].id}/data?setting=home",
        headers=make.login(home["caregiver"]),
    ).get_json()
    assert [p["session_id"] for p in data["points"]] == [session["id"]]
    assert data["points"][0]["value"] == 3


def _sync(http, headers, batch):
    answer = http.post("/api/v1/sync", json=batch, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return {r["id"]: r["reason"] for r in answer.get_json()["rejected"]}, answer.get_json()


def test_a_caregiver_cannot_record_anything_else(http, make, home):
    headers = make.login(home["caregiver"])
    tablet = Tablet(http, headers)
    at = utcnow() - timedelta(hours=3)
    clinic_only = tablet.session(home["client"], at=at, targets=[home["clinic_target"]])
    reliability = tablet.session(
        home["client"], at=at, targets=[home["home_target"]], role="reliability"
    )
    other_child = tablet.session(home["other"], at=at)
    own = tablet.session(home["client"], at=at, targets=[home["home_target"]])
    sneaked = tablet.event(own, home["clinic_target"])
    counted = tablet.event(own, home["home_target"], seconds=3)
    batch = {
        **tablet.batch,
        "incidents": [
            {
                "id": "6f7a0c1e-3b0a-4d52-9b1e-1d2f3a4b5c6d",
                "client_id": home["client"].id,
                "occurred_at": iso(at),
                "type": "elopement",
            }
        ],
        "phases": [
            {
                "id": "7f7a0c1e-3b0a-4d52-9b1e-1d2f3a4b5c6d",
                "target_id": home["home_target"].id,
                "kind": "intervention",
                "label": "Home",
                "start_date": at.date().isoformat(),
            }
        ],
    }
    rejected, answer = _sync(http, headers, batch)
    assert "home-recordable" in rejected[clinic_only["id"]]
    assert "primary observation" in rejected[reliability["id"]]
    assert "caseload" in rejected[other_child["id"]]
    assert sneaked["id"] in rejected
    assert "incident" in rejected["6f7a0c1e-3b0a-4d52-9b1e-1d2f3a4b5c6d"]
    assert "7f7a0c1e-3b0a-4d52-9b1e-1d2f3a4b5c6d" in rejected
    assert set(answer["accepted"]) == {own["id"], counted["id"]}
    assert db.session.get(Session, clinic_only["id"]) is None
    assert db.session.query(Incident).count() == 1  # the fixture's only
    assert db.session.query(Event).filter_by(target_id=home["clinic_target"].id).count() == 0


def test_unlinked_caregivers_record_nothing(http, make, home):
    tablet = Tablet(http, make.login(make.user("caregiver")))
    session = tablet.session(home["client"], at=utcnow(), targets=[home["home_target"]])
    rejected, _ = _sync(http, tablet.headers, tablet.batch)
    assert "caseload" in rejected[session["id"]]


# --- settings -----------------------------------------------------------------------------------


def test_the_clinic_lists_its_settings(http, make, home):
    answer = http.get("/api/v1/session-settings", headers=make.login(home["bcba"]))
    assert answer.get_json() == {
        "settings": ["clinic", "home", "school", "community", "telehealth"]
    }


def test_a_session_setting_comes_from_the_clinic_list(http, make, home):
    headers = make.login(home["bcba"])
    tablet = Tablet(http, headers)
    at = utcnow() - timedelta(hours=5)
    spelled = tablet.session(home["client"], at=at, setting="School")
    unstated = tablet.session(home["client"], at=at)
    unknown = tablet.session(home["client"], at=at, setting="moon base")
    wrong_type = tablet.session(home["client"], at=at, setting=7)
    rejected, _ = _sync(http, headers, tablet.batch)
    assert db.session.get(Session, spelled["id"]).setting == "school"
    assert db.session.get(Session, unstated["id"]).setting == ""
    assert "setting" in rejected[unknown["id"]] and "telehealth" in rejected[unknown["id"]]
    assert "setting" in rejected[wrong_type["id"]]
    assert db.session.get(Session, unknown["id"]) is None


def test_a_clinic_configures_its_own_settings(app, http, make, home, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_SETTINGS", ("Clinic", "Day program", "Home"))
    headers = make.login(home["bcba"])
    answer = http.get("/api/v1/session-settings", headers=headers).get_json()
    assert answer == {"settings": ["Clinic", "Day program", "Home"]}
    tablet = Tablet(http, headers)
    day = tablet.session(home["client"], at=utcnow(), setting="day PROGRAM")
    school = tablet.session(home["client"], at=utcnow(), setting="school")
    rejected, _ = _sync(http, headers, tablet.batch)
    assert db.session.get(Session, day["id"]).setting == "Day program"
    assert school["id"] in rejected


def test_a_director_keeps_the_clinics_settings_list(http, make, home):
    director = make.login(make.user("director"))
    bcba = make.login(home["bcba"])
    tablet = Tablet(http, bcba)
    before = tablet.session(home["client"], at=utcnow() - timedelta(hours=5), setting="school")
    tablet.send()
    url = "/api/v1/session-settings"
    saved = http.put(url, json={"settings": ["Clinic", " Home ", "Day camp"]}, headers=director)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json() == {"settings": ["Clinic", "Home", "Day camp"]}
    assert http.get(url, headers=bcba).get_json() == {"settings": ["Clinic", "Home", "Day camp"]}
    camp = tablet.session(home["client"], at=utcnow() - timedelta(hours=3), setting="day CAMP")
    school = tablet.session(home["client"], at=utcnow() - timedelta(hours=2), setting="school")
    rejected, _ = _sync(http, bcba, tablet.batch)
    assert db.session.get(Session, camp["id"]).setting == "Day camp"
    assert "Day camp" in rejected[school["id"]]
    assert db.session.get(Session, before["id"]).setting == "school"  # kept as recorded
    entry = db.session.query(AuditEntry).filter_by(resource="session_settings").one()
    assert entry.action == "update" and entry.detail["after"] == ["Clinic", "Home", "Day camp"]


@pytest.mark.parametrize(
    "body",
    [
        {"settings": []},
        {"settings": ["Clinic", "clinic"]},
        {"settings": ["Clinic", "  "]},
        {"settings": [f"s{i}" for i in range(31)]},
        {"settings": ["x" * 121]},
        {"settings": "Clinic"},
        {},
    ],
)
def test_a_bad_settings_list_is_refused_and_changes_nothing(http, make, home, body):
    director = make.login(make.user("director"))
    answer = http.put("/api/v1/session-settings", json=body, headers=director)
    assert answer.status_code == 422
    assert "settings" in answer.get_json()["error"]["fields"]
    listed = http.get("/api/v1/session-settings", headers=director).get_json()["settings"]
    assert listed == ["clinic", "home", "school", "community", "telehealth"]


def test_data_and_summary_filter_by_setting(http, make, home):
    headers = make.login(home["bcba"])
    tablet = Tablet(http, headers)
    target = home["home_target"]
    start = utcnow() - timedelta(days=10)
    by_setting: dict[str, list[str]] = {"clinic": [], "school": []}
    for day in range(6):
        setting = "clinic" if day % 2 else "school"
        session = tablet.session(
            home["client"], at=start + timedelta(days=day), targets=[target], setting=setting
        )
        tablet.counts(session, target, range(day + 1))
        by_setting[setting].append(session["id"])
    tablet.send()
    by_setting["clinic"].append(home["ids"]["session_id"])  # the fixture's, the latest
    url = f"/api/v1/targets/{target.id}"
    everything = http.get(f"{url}/data", headers=headers).get_json()["points"]
    assert len(everything) == 7  # the fixture's clinic session and these six
    for setting, ids in by_setting.items():
        points = http.get(f"{url}/data?setting={setting.upper()}", headers=headers).get_json()
        assert [p["session_id"] for p in points["points"]] == ids
        summary = http.get(f"{url}/summary?setting={setting}", headers=headers).get_json()
        assert summary["sessions"] == len(ids)
    assert http.get(f"{url}/summary", headers=headers).get_json()["sessions"] == 7
    bad = http.get(f"{url}/data?setting=moon", headers=headers)
    assert bad.status_code == 422
    assert "setting" in bad.get_json()["error"]["fields"]


def test_points_and_summaries_say_where_each_session_took_place(http, make, home):
    """Per-point setting, the summary split by setting, and the graph filtered by setting."""
    headers = make.login(home["bcba"])
    tablet = Tablet(http, headers)
    target = home["home_target"]
    start = utcnow() - timedelta(days=10)
    for day, (setting, count) in enumerate([("clinic", 2), ("home", 5), ("home", 7)]):
        session = tablet.session(
            home["client"], at=start + timedelta(days=day), targets=[target], setting=setting
        )
        tablet.counts(session, target, range(count))
    tablet.send()
    url = f"/api/v1/targets/{target.id}"
    points = http.get(f"{url}/data", headers=headers).get_json()["points"]
    assert [(p["setting"], p["value"]) for p in points] == [
        ("clinic", 2),
        ("home", 5),
        ("home", 7),
        ("clinic", 1),  # the fixture's session, the latest
    ]
    split = http.get(f"{url}/summary", headers=headers).get_json()["settings"]
    assert [(s["setting"], s["sessions"], s["mean"], s["median"]) for s in split] == [
        ("clinic", 2, 1.5, 1.5),
        ("home", 2, 6.0, 6.0),
    ]
    assert split[1]["phases"] == [{"index": 0, "label": "Baseline", "sessions": 2, "mean": 6.0}]
    for query in ("", "&setting=home"):
        graph = http.get(f"{url}/graph.svg?chart=line{query}", headers=headers)
        assert graph.status_code == 200, graph.get_json()
    refused = http.get(f"{url}/graph.png?setting=moon", headers=headers)
    assert refused.status_code == 422 and "setting" in refused.get_json()["error"]["fields"]


def test_the_migration_stores_old_free_text_settings_in_the_list_spelling(tmp_path):
    """Sessions synced before the list existed said "Clinic" or "Home" (the PWA's labels)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from bdc import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}", "TESTING": True})
    with app.app_context():
        upgrade(revision="0001")
        db.session.execute(
            text(
                "INSERT INTO users (id, username, display_name, password_hash, role, active,"
                " created_at) VALUES ('u1', 'tech', '', 'x', 'technician', 1, :at)"
            ),
            {"at": "2026-01-05 10:00:00.000000"},
        )
        db.session.execute(
            text(
                "INSERT INTO clients (id, code, name, active, created_at)"
                " VALUES ('c1', 'C-1', 'Learner', 1, :at)"
            ),
            {"at": "2026-01-05 10:00:00.000000"},
        )
        for number, setting in enumerate(["Clinic", "HOME", "Grandma's house", ""]):
            db.session.execute(
                text(
                    "INSERT INTO sessions (id, client_id, observer_id, role, kind, started_at,"
                    " setting, device_id, target_ids, received_at) VALUES (:id, 'c1', 'u1',"
                    " 'primary', 'observation', :at, :setting, '', '[]', :at)"
                ),
                {"id": f"s{number}", "at": "2026-01-05 10:00:00.000000", "setting": setting},
            )
        db.session.commit()
        upgrade()
        stored = dict(db.session.execute(text("SELECT id, setting FROM sessions")).all())
        assert stored == {"s0": "clinic", "s1": "home", "s2": "Grandma's house", "s3": ""}
        db.session.remove()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Clinic, Day program ,Home,,clinic", ("Clinic", "Day program", "Home", "clinic")),
        (["home", "home", " school "], ("home", "school")),
    ],
)
def test_the_settings_list_is_read_from_the_environment(tmp_path, monkeypatch, raw, expected):
    if isinstance(raw, str):
        monkeypatch.setenv("BDC_SESSION_SETTINGS", raw)
        overrides = {}
    else:
        overrides = {"SESSION_SETTINGS": raw}
    assert load_config(str(tmp_path), overrides)["SESSION_SETTINGS"] == expected


@pytest.mark.parametrize("raw", [" , ", ""])
def test_an_empty_settings_list_stops_the_app(tmp_path, monkeypatch, raw):
    monkeypatch.setenv("BDC_SESSION_SETTINGS", raw)
    with pytest.raises(ConfigError, match="BDC_SESSION_SETTINGS"):
        load_config(str(tmp_path))
