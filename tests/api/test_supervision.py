"""Supervision contacts and monthly compliance over real HTTP (docs/supervision.md).

October 2026, worked by hand (BACB RBT rules: 5 %, 2 contacts, 1 individual, 1 observed):

- tech1: 3600 service minutes; 120 individual (client present) + 60 group = 180 = 5.0 %: met.
- tech2: 3000 service minutes; 90 individual (client present) + 57 group = 147 = 4.9 %:
  3 minutes short.
- tech3: 2400 service minutes; two 60-minute group contacts, one with the client present:
  5.0 %, two contacts, one observed, but no individual contact.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bdc.extensions import db
from bdc.models import AuditEntry, Event, Session, SupervisionContact

MONTH = "2026-10"
CONTACTS = "/api/v1/supervision/contacts"
COMPLIANCE = "/api/v1/supervision/compliance"


def add_session(client, observer, day: int, minutes: float, month=10, **extra) -> Session:
    started = datetime(2026, month, day, 9, 0, tzinfo=UTC)
    session = Session(
        client_id=client.id,
        observer_id=observer.id,
        started_at=started,
        ended_at=started + timedelta(minutes=minutes),
        **extra,
    )
    db.session.add(session)
    db.session.commit()
    return session


@pytest.fixture
def world(make):
    bcba = make.user("bcba")
    director = make.user("director")
    tech1, tech2, tech3 = (make.user("technician") for _ in range(3))
    client = make.client(bcba, tech1, tech2)
    elsewhere = make.client(tech3)  # not on the BCBA's caseload
    observed = None
    for day in range(1, 11):  # tech1: 10 x 6 h = 3600 min
        session = add_session(client, tech1, day, 360)
        observed = observed or session
    for day in range(1, 11):  # tech2: 10 x 5 h = 3000 min
        add_session(client, tech2, day, 300)
    for day in range(1, 9):  # tech3: 8 x 5 h = 2400 min
        add_session(elsewhere, tech3, day, 300)
    # what does not count as tech1's service: a reliability session, a fidelity check they
    # ran, a session still open, and one in November
    add_session(client, tech1, 12, 600, role="reliability")
    add_session(client, tech1, 13, 600, kind="fidelity")
    db.session.add(
        Session(
            client_id=client.id,
            observer_id=tech1.id,
            started_at=datetime(2026, 10, 14, 9, tzinfo=UTC),
        )
    )
    add_session(client, tech1, 1, 600, month=11)
    plan = make.plan(client, steps=2)
    fidelity = add_session(
        client, bcba, 15, 30, kind="fidelity", plan_id=plan.id, staff_id=tech1.id
    )
    for step, value in ((0, True), (1, False)):
        db.session.add(
            Event(
                session_id=fidelity.id,
                kind="fidelity",
                t=fidelity.started_at,
                data={"step": step, "opportunity": 0, "value": value},
                recorded_by=bcba.id,
            )
        )
    db.session.commit()
    return {
        "bcba": make.login(bcba),
        "bcba_user": bcba,
        "director": make.login(director),
        "other_bcba": make.login(make.user("bcba")),
        "tech1": make.login(tech1),
        "tech2": make.login(tech2),
        "tech3_user": tech3,
        "users": {"tech1": tech1, "tech2": tech2, "tech3": tech3},
        "client": client,
        "elsewhere": elsewhere,
        "observed": observed,
        "fidelity": fidelity,
        "tech3_session": add_session(elsewhere, tech3, 20, 1, role="reliability"),
    }


def contact(world, who, minutes, fmt, present=False, day="2026-10-20", **extra):
    return {
        "supervisee_id": world["users"][who].id,
        "day": day,
        "minutes": minutes,
        "format": fmt,
        "client_present": present,
        **extra,
    }


def log(http, world, body, as_="bcba"):
    answer = http.post(CONTACTS, json=body, headers=world[as_])
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


@pytest.fixture
def logged(http, world):
    log(
        http,
        world,
        contact(
            world,
            "tech1",
            120,
            "individual",
            True,
            observed_session_id=world["observed"].id,
            fidelity_session_id=world["fidelity"].id,
            topics=["prompt fading", "data collection"],
        ),
    )
    log(http, world, contact(world, "tech1", 60, "group"))
    log(http, world, contact(world, "tech2", 90, "individual", True))
    log(http, world, contact(world, "tech2", 57, "group"))
    log(http, world, contact(world, "tech3", 60, "group", True), as_="director")
    log(http, world, contact(world, "tech3", 60, "group"), as_="director")
    return world


def rows(http, headers, month=MONTH) -> dict:
    answer = http.get(COMPLIANCE, query_string={"month": month}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_the_bcba_sees_each_supervisees_month(http, logged):
    world = logged
    result = rows(http, world["bcba"])
    assert result["month"] == MONTH and result["through"] == "2026-10-31"
    assert result["rules"]["min_percent"] == 5.0 and result["rules"]["min_contacts"] == 2
    by_id = {r["supervisee_id"]: r for r in result["supervisees"]}
    tech1, tech2 = world["users"]["tech1"].id, world["users"]["tech2"].id
    assert set(by_id) == {tech1, tech2}  # tech3 is not on this BCBA's caseload
    one = by_id[tech1]
    assert one["service_hours"] == 60.0 and one["supervised_minutes"] == 180
    assert one["supervised_percent"] == 5.0 and one["met"] and one["needs"] == []
    two = by_id[tech2]
    assert two["supervised_percent"] == pytest.approx(4.9)
    assert not two["met"] and two["minutes_needed"] == 3
    assert two["needs"] == ["3 more supervised minute(s)"]


def test_the_director_sees_the_organisation_with_a_csv(http, logged):
    world = logged
    by_id = {r["supervisee_id"]: r for r in rows(http, world["director"])["supervisees"]}
    three = by_id[world["users"]["tech3"].id]
    assert (three["contacts"], three["individual_contacts"], three["observed_contacts"]) == (
        2,
        0,
        1,
    )
    assert three["supervised_percent"] == 5.0
    assert three["needs"] == ["1 more individual contact(s)"]
    assert len(by_id) == 3
    answer = http.get(f"{COMPLIANCE}.csv?month={MONTH}", headers=world["director"])
    assert answer.status_code == 200 and answer.content_type.startswith("text/csv")
    assert f"supervision-{MONTH}.csv" in answer.headers["Content-Disposition"]
    lines = [x for x in answer.data.decode("utf-8-sig").split("\r\n") if x]
    assert lines[0].startswith("month,supervisee,role,service_hours")
    assert len(lines) == 4
    assert any(",60.0,180,5.0,2,1,1,true," in line for line in lines)


def test_a_technician_sees_only_their_own_month(http, logged):
    world = logged
    result = rows(http, world["tech2"])
    assert [r["supervisee_id"] for r in result["supervisees"]] == [world["users"]["tech2"].id]
    listed = http.get(CONTACTS, query_string={"month": MONTH}, headers=world["tech2"])
    assert {c["minutes"] for c in listed.get_json()} == {90, 57}


def test_a_month_without_service_requires_nothing(http, logged):
    result = rows(http, logged["bcba"], month="2026-09")
    assert all(r["applies"] is False and r["met"] for r in result["supervisees"])


def test_contacts_link_the_observed_and_fidelity_sessions(http, logged):
    world = logged
    listed = http.get(CONTACTS, query_string={"month": MONTH}, headers=world["bcba"]).get_json()
    assert len(listed) == 4  # the BCBA's four; the director's two are about tech3
    first = next(c for c in listed if c["observed_session_id"])
    assert first["client_id"] == world["client"].id
    assert first["fidelity_percent"] == 50.0
    assert first["topics"] == ["prompt fading", "data collection"]
    one = http.get(f"{CONTACTS}/{first['id']}", headers=world["tech1"])
    assert one.status_code == 200
    assert http.get(f"{CONTACTS}/{first['id']}", headers=world["tech2"]).status_code == 404
    assert http.get(f"{CONTACTS}/{first['id']}", headers=world["other_bcba"]).status_code == 404
    assert http.get(f"{CONTACTS}/{first['id']}", headers=world["director"]).status_code == 200
    assert (
        http.get(f"{CONTACTS}/not-a-uuid", headers=world["director"]).status_code == 404
    )  # the uuid path converter (docs/decisions.md)
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.resource == "supervision_contact",
            AuditEntry.action == "create",
            AuditEntry.resource_id == first["id"],
        )
    )
    assert entry.client_id == world["client"].id


def test_logging_is_idempotent_by_id(http, world):
    body = contact(world, "tech1", 30, "individual", id=str(uuid.uuid4()))
    first = log(http, world, body)
    again = log(http, world, body)
    assert again["id"] == first["id"] == body["id"]
    assert db.session.scalar(select(func.count()).select_from(SupervisionContact)) == 1
    taken = http.post(CONTACTS, json=body, headers=world["director"])
    assert taken.status_code == 409


def test_only_supervisors_log_contacts(http, world):
    answer = http.post(CONTACTS, json=contact(world, "tech2", 30, "group"), headers=world["tech1"])
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"format": "pair"}, "format"),
        ({"day": "2099-01-01"}, "day"),
        ({"day": "2026-10-32"}, "day"),
        ({"supervisee_id": "bcba"}, "supervisee_id"),
        ({"observed_session_id": "observed"}, "client_present"),
        ({"observed_session_id": "fidelity", "client_present": True}, "observed_session_id"),
        ({"observed_session_id": "tech3_session", "client_present": True}, "observed_session_id"),
        ({"fidelity_session_id": "observed"}, "fidelity_session_id"),
        ({"topics": ["x" * 201]}, "topics"),
        ({"mood": "good"}, "mood"),
    ],
)
def test_bad_contacts_are_refused_with_field_messages(http, world, change, field):
    body = contact(world, "tech1", 30, "individual")
    for key, value in change.items():
        if key.endswith("session_id"):
            value = world[value].id
        elif key == "supervisee_id":
            value = world["bcba_user"].id
        body[key] = value
    answer = http.post(CONTACTS, json=body, headers=world["bcba"])
    assert answer.status_code == 422, answer.get_json()
    assert field in str(answer.get_json()["error"]["fields"])
    assert db.session.scalar(select(func.count()).select_from(SupervisionContact)) == 0


@pytest.mark.parametrize("month", ["2026-13", "26-10", "october"])
def test_a_bad_month_is_a_field_error(http, world, month):
    answer = http.get(COMPLIANCE, query_string={"month": month}, headers=world["bcba"])
    assert answer.status_code == 422
    assert "month" in answer.get_json()["error"]["fields"]


def test_the_current_month_is_month_to_date(http, world):
    today = datetime.now(UTC).date()
    result = rows(http, world["bcba"], month=today.strftime("%Y-%m"))
    assert result["through"] == today.isoformat()


def test_clinic_rules_come_from_the_configuration(http, logged, app):
    app.config["SUPERVISION_MIN_PERCENT"] = "4.9"  # as a BDC_ environment variable gives it
    try:
        result = rows(http, logged["bcba"])
    finally:
        app.config["SUPERVISION_MIN_PERCENT"] = 5.0
    assert all(r["minutes_needed"] == 0 for r in result["supervisees"])


def test_the_future_is_the_clinics_calendar_not_utcs(http, world, app, monkeypatch):
    # The device dates a contact by the clinic's calendar. A clinic 14 h ahead of UTC (from
    # 10:00 UTC its today is UTC's tomorrow) may log today; a clinic 12 h behind (before
    # 12:00 UTC its today is UTC's yesterday) may not log UTC's today, its tomorrow.
    now = datetime.now(UTC)
    if now.hour >= 10:
        monkeypatch.setitem(app.config, "TIME_ZONE", "Pacific/Kiritimati")
        today = now.astimezone(ZoneInfo("Pacific/Kiritimati")).date()
        assert today > now.date()
        log(http, world, contact(world, "tech1", 30, "individual", day=today.isoformat()))
    else:
        monkeypatch.setitem(app.config, "TIME_ZONE", "Etc/GMT+12")
        tomorrow = now.date()
        assert now.astimezone(ZoneInfo("Etc/GMT+12")).date() < tomorrow
        body = contact(world, "tech1", 30, "individual", day=tomorrow.isoformat())
        answer = http.post(CONTACTS, json=body, headers=world["bcba"])
        assert answer.status_code == 422
        assert "day" in answer.get_json()["error"]["fields"]
