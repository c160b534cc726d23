"""Offline sync: idempotent replay, per-item rejection, all-or-nothing batches (issue #3)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bdc import sync
from bdc.extensions import db
from bdc.models import Event, Incident, Phase, Session

START = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def new_session(client, **fields) -> dict:
    return {"id": str(uuid.uuid4()), "client_id": client.id, "started_at": iso(START), **fields}


def new_event(session, target, kind="count", data=None, seconds=0) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "session_id": session["id"],
        "target_id": target.id if target is not None else None,
        "kind": kind,
        "t": iso(START + timedelta(seconds=seconds)),
        "data": data if data is not None else {},
    }


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Session)),
        db.session.scalar(select(func.count()).select_from(Event)),
    )


@pytest.fixture
def setup(make):
    tech = make.user("technician")
    client = make.client(tech)
    target = make.target(client)
    return tech, client, target, make.login(tech)


def test_same_batch_three_times_stores_once_and_answers_the_same(http, setup):
    tech, client, target, headers = setup
    session = new_session(client, target_ids=[target.id])
    batch = {
        "sessions": [session],
        "events": [new_event(session, target, seconds=i) for i in range(30)],
    }
    answers = [http.post("/api/v1/sync", json=batch, headers=headers).get_json() for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert len(answers[0]["accepted"]) == 31 and answers[0]["rejected"] == []
    assert counts() == (1, 30)
    stored = db.session.scalars(select(Event)).all()
    assert {e.recorded_by for e in stored} == {tech.id}
    assert all(e.received_at >= e.t for e in stored)  # server time set on arrival


def test_one_bad_event_is_rejected_alone(http, setup):
    _, client, target, headers = setup
    session = new_session(client)
    good = [new_event(session, target, seconds=i) for i in range(3)]
    bad = new_event(session, target, kind="trial", data={"result": "correct", "prompt": "x"})
    answer = http.post(
        "/api/v1/sync", json={"sessions": [session], "events": [*good, bad]}, headers=headers
    ).get_json()
    assert answer["rejected"] == [
        {
            "id": bad["id"],
            "reason": "a frequency target does not take 'trial' events",
            "code": "invalid",
            "retry": False,
        }
    ]
    assert set(answer["accepted"]) == {session["id"], *(e["id"] for e in good)}
    assert counts() == (1, 3)


@pytest.mark.parametrize(
    ("mutate", "reason_part"),
    [
        (lambda e: e.update(t="2026-11-02T15:00:00"), "UTC offset"),
        (lambda e: e.update(t="yesterday"), "ISO 8601"),
        (lambda e: e.update(id="not-a-uuid"), "id must be a UUID"),
        (lambda e: e.update(kind="teleport"), "unknown event kind"),
        (lambda e: e.update(extra=1), "unknown field"),
        (lambda e: e.update(data={"surprise": True}), "unknown field"),
        (lambda e: e.update(session_id=str(uuid.uuid4())), "has not reached the server"),
        (lambda e: e.update(target_id=str(uuid.uuid4())), "not one of the client's targets"),
        (lambda e: e.update(target_id=None), "need a target_id"),
        (lambda e: e.update(t="2025-11-02T15:00:00Z"), "outside its session"),
    ],
)
def test_bad_events_get_a_reason(http, setup, mutate, reason_part):
    _, client, target, headers = setup
    session = new_session(client)
    event = new_event(session, target)
    mutate(event)
    answer = http.post(
        "/api/v1/sync", json={"sessions": [session], "events": [event]}, headers=headers
    )
    assert answer.status_code == 200
    rejected = answer.get_json()["rejected"]
    assert len(rejected) == 1 and reason_part in rejected[0]["reason"], rejected


@pytest.mark.parametrize(
    ("measurement", "kind", "data", "ok"),
    [
        ("dtt", "trial", {"result": "correct", "prompt": "independent"}, True),
        ("dtt", "trial", {"result": "correct", "prompt": "telepathy"}, False),
        ("dtt", "trial", {"result": "maybe", "prompt": "model"}, False),
        ("task_analysis", "step", {"step": 2, "result": "correct", "prompt": "model"}, True),
        ("task_analysis", "step", {"step": 3, "result": "correct", "prompt": "model"}, False),
        ("partial_interval", "interval", {"index": 29, "scored": True}, True),
        ("partial_interval", "interval", {"index": 30, "scored": True}, False),  # 5 min / 10 s
        ("momentary_time_sampling", "interval", {"index": 0, "scored": None}, True),
        ("whole_interval", "interval", {"index": 0, "scored": "yes"}, False),
        ("rating", "rating", {"value": 5}, True),
        ("rating", "rating", {"value": 6}, False),
        ("latency", "latency", {"seconds": 4.5}, True),
        ("latency", "latency", {"seconds": -1}, False),
        ("latency", "latency", {"seconds": 30, "no_response": True}, True),
        ("latency", "latency", {"seconds": 4.5, "no_response": False}, True),
        ("latency", "latency", {"seconds": 0, "no_response": True}, False),
        ("latency", "latency", {"seconds": 30, "no_response": "yes"}, False),
        ("duration", "duration_start", {"episode": str(uuid.uuid4())}, True),
        ("duration", "duration_stop", {"episode": "x"}, False),
        ("abc", "abc", {"antecedent": "demand", "behavior": "hit", "consequence": "escape"}, True),
        ("abc", "abc", {"antecedent": "", "behavior": "hit", "consequence": "escape"}, False),
        ("frequency", "note", {"text": "loud room"}, True),
    ],
)
def test_event_data_is_checked_against_the_target(http, make, measurement, kind, data, ok):
    tech = make.user("technician")
    client = make.client(tech)
    target = make.target(client, measurement)
    session = new_session(client)
    event = new_event(session, target, kind=kind, data=data)
    answer = http.post(
        "/api/v1/sync", json={"sessions": [session], "events": [event]}, headers=make.login(tech)
    ).get_json()
    assert (event["id"] in answer["accepted"]) is ok, answer["rejected"]


def test_void_cancels_an_earlier_event_in_the_same_or_a_later_batch(http, setup):
    _, client, target, headers = setup
    session = new_session(client)
    tap = new_event(session, target)
    first = http.post(
        "/api/v1/sync", json={"sessions": [session], "events": [tap]}, headers=headers
    ).get_json()
    assert first["rejected"] == []
    undo = new_event(session, None, kind="void", data={"voids": tap["id"]}, seconds=5)
    second = http.post("/api/v1/sync", json={"events": [undo]}, headers=headers).get_json()
    assert second == {"accepted": [undo["id"]], "rejected": []}
    assert counts() == (1, 2)  # events are never deleted; the void is a new event


def test_client_off_caseload_is_rejected(http, make, setup):
    _, _, _, headers = setup
    stranger = make.client()
    session = new_session(stranger)
    answer = http.post("/api/v1/sync", json={"sessions": [session]}, headers=headers).get_json()
    assert answer["rejected"] == [
        {"id": session["id"], "reason": sync.NO_CLIENT, "code": "not_found", "retry": False}
    ]
    assert counts() == (0, 0)


def test_events_of_a_rejected_session_are_rejected(http, make, setup):
    _, _, _, headers = setup
    stranger = make.client()
    session = new_session(stranger)
    event = new_event(session, make.target(stranger))
    answer = http.post(
        "/api/v1/sync", json={"sessions": [session], "events": [event]}, headers=headers
    ).get_json()
    assert {r["id"] for r in answer["rejected"]} == {session["id"], event["id"]}
    assert {r["code"] for r in answer["rejected"]} == {"not_found"}


def test_someone_elses_session_cannot_be_written_into(http, make, setup):
    _, client, target, headers = setup
    colleague = make.user("technician")
    make.client(colleague)
    from bdc.models import Assignment

    db.session.add(Assignment(user_id=colleague.id, client_id=client.id))
    db.session.commit()
    session = new_session(client)
    http.post("/api/v1/sync", json={"sessions": [session]}, headers=headers)
    intruder = new_event(session, target)
    answer = http.post(
        "/api/v1/sync", json={"events": [intruder]}, headers=make.login(colleague)
    ).get_json()
    # The same words and code as a session the server has never seen: nothing is revealed.
    assert answer["rejected"][0]["reason"] == sync.SESSION_NOT_HERE
    assert answer["rejected"][0]["code"] == "pending"


def test_recorded_by_comes_from_the_token_not_the_body(http, setup):
    _, client, target, headers = setup
    session = new_session(client)
    event = {**new_event(session, target), "recorded_by": str(uuid.uuid4())}
    answer = http.post(
        "/api/v1/sync", json={"sessions": [session], "events": [event]}, headers=headers
    ).get_json()
    assert "unknown field" in answer["rejected"][0]["reason"]


def test_a_session_sent_again_with_its_end_is_closed(http, setup):
    _, client, _, headers = setup
    session = new_session(client)
    http.post("/api/v1/sync", json={"sessions": [session]}, headers=headers)
    ended = {**session, "ended_at": iso(START + timedelta(minutes=30))}
    http.post("/api/v1/sync", json={"sessions": [ended]}, headers=headers)
    stored = db.session.scalars(select(Session)).one()
    assert stored.ended_at == START + timedelta(minutes=30)


def test_failure_mid_batch_leaves_nothing(http, setup, monkeypatch):
    _, client, target, headers = setup
    session = new_session(client)
    batch = {"sessions": [session], "events": [new_event(session, target) for _ in range(10)]}

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")  # after sessions and events are in the transaction

    monkeypatch.setattr(sync.audit, "record_many", explode)
    answer = http.post("/api/v1/sync", json=batch, headers=headers)
    assert answer.status_code == 500
    assert answer.get_json()["error"]["code"] == "internal_error"
    assert counts() == (0, 0)


def test_oversized_batches_get_413(http, setup, app):
    _, client, target, headers = setup
    session = new_session(client)
    events = [new_event(session, target) for _ in range(app.config["SYNC_MAX_EVENTS"] + 1)]
    answer = http.post(
        "/api/v1/sync", json={"sessions": [session], "events": events}, headers=headers
    )
    assert answer.status_code == 413
    assert counts() == (0, 0)
    huge = http.post(
        "/api/v1/sync",
        data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert huge.status_code == 413


def test_a_full_batch_of_5000_lands(http, setup):
    _, client, target, headers = setup
    session = new_session(client)
    events = [new_event(session, target, seconds=i) for i in range(5000)]
    answer = http.post(
        "/api/v1/sync", json={"sessions": [session], "events": events}, headers=headers
    ).get_json()
    assert answer["rejected"] == [] and counts() == (1, 5000)


def test_fidelity_sessions_need_a_plan_and_take_checklist_items(http, make):
    therapist = make.user("therapist")
    tech = make.user("technician")
    client = make.client(therapist)
    plan = make.plan(client, steps=3)
    session = new_session(client, kind="fidelity", plan_id=plan.id, staff_id=tech.id)
    ok = new_event(session, None, "fidelity", {"step": 2, "opportunity": 0, "value": None})
    beyond = new_event(session, None, "fidelity", {"step": 3, "opportunity": 0, "value": True})
    no_plan = new_session(client, kind="fidelity")
    fa = new_session(
        client, kind="fidelity", plan_id=plan.id, staff_id=tech.id, fa_condition="attention"
    )
    answer = http.post(
        "/api/v1/sync",
        json={"sessions": [session, no_plan, fa], "events": [ok, beyond]},
        headers=make.login(therapist),
    ).get_json()
    assert set(answer["accepted"]) == {session["id"], ok["id"]}
    assert {r["id"] for r in answer["rejected"]} == {beyond["id"], no_plan["id"], fa["id"]}


def test_phases_and_incidents_sync_offline(http, make):
    bcba = make.user("bcba")
    tech = make.user("technician")
    client = make.client(bcba, tech)
    target = make.target(client)
    phase = {
        "id": str(uuid.uuid4()),
        "target_id": target.id,
        "kind": "intervention",
        "label": "DRA",
        "start_date": "2026-11-09",
    }
    incident = {
        "id": str(uuid.uuid4()),
        "client_id": client.id,
        "occurred_at": iso(START),
        "type": "restraint",
        "duration_minutes": 3,
        "deescalation": ["choices offered"],
    }
    as_bcba = http.post(
        "/api/v1/sync", json={"phases": [phase], "incidents": [incident]}, headers=make.login(bcba)
    ).get_json()
    assert as_bcba["rejected"] == []
    assert db.session.scalar(select(func.count()).select_from(Phase)) == 1
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 1
    other_phase = {**phase, "id": str(uuid.uuid4())}
    as_tech = http.post(
        "/api/v1/sync", json={"phases": [other_phase]}, headers=make.login(tech)
    ).get_json()
    assert "Only BCBAs" in as_tech["rejected"][0]["reason"]
    assert as_tech["rejected"][0]["code"] == "forbidden"


def test_sync_body_must_be_the_documented_envelope(http, setup):
    _, _, _, headers = setup
    answer = http.post("/api/v1/sync", json={"sesions": []}, headers=headers)
    assert answer.status_code == 422
    assert "sesions" in answer.get_json()["error"]["fields"]
    answer = http.post("/api/v1/sync", json={"events": "lots"}, headers=headers)
    assert answer.status_code == 422
    answer = http.post("/api/v1/sync", json={"events": [42]}, headers=headers).get_json()
    assert answer["rejected"] == [
        {"id": "", "reason": "must be an object", "code": "invalid", "retry": False}
    ]


# --- issue 12: the functional-analysis condition chosen on the tablet ----------------------------


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("attention", "attention"),
        ("Escape/demand", "escape"),
        ("  Ignore ", "alone"),
        ("Divided attention", "Divided attention"),
        ("", None),
        (None, None),
    ],
)
def test_a_session_keeps_its_fa_condition(http, setup, sent, stored):
    _, client, target, headers = setup
    session = new_session(client, target_ids=[target.id], fa_condition=sent)
    answer = http.post("/api/v1/sync", json={"sessions": [session]}, headers=headers).get_json()
    assert answer["rejected"] == []
    assert db.session.get(Session, session["id"]).fa_condition == stored
    shown = http.get(f"/api/v1/sessions/{session['id']}", headers=headers).get_json()
    assert shown["fa_condition"] == stored


@pytest.mark.parametrize(
    ("sent", "words"),
    [("x" * 61, "maximum length"), ("atten\x00tion", "NUL"), (7, "Not a valid string")],
)
def test_a_bad_fa_condition_is_refused_with_a_reason(http, setup, sent, words):
    _, client, target, headers = setup
    session = new_session(client, target_ids=[target.id], fa_condition=sent)
    answer = http.post("/api/v1/sync", json={"sessions": [session]}, headers=headers).get_json()
    (refused,) = answer["rejected"]
    assert refused["id"] == session["id"] and words in refused["reason"]
    assert counts() == (0, 0)


def test_a_resent_session_with_another_fa_condition_is_a_conflict(http, setup):
    _, client, target, headers = setup
    session = new_session(client, target_ids=[target.id], fa_condition="attention")
    http.post("/api/v1/sync", json={"sessions": [session]}, headers=headers)
    changed = {**session, "fa_condition": "tangible"}
    answer = http.post("/api/v1/sync", json={"sessions": [changed]}, headers=headers).get_json()
    (refused,) = answer["rejected"]
    assert refused["code"] == "conflict" and "fa_condition" in refused["reason"]
    assert db.session.get(Session, session["id"]).fa_condition == "attention"


def test_a_sync_of_events_alone_is_in_the_audit_trail(http, setup):
    """Regression: a sync carrying only events (a tablet's every few seconds) stored them
    without an audit entry; only syncs with sessions, phases or incidents had one."""
    from bdc.models import AuditEntry

    tech, client, target, headers = setup
    other = new_session(client, target_ids=[target.id])
    session = new_session(client, target_ids=[target.id])
    http.post("/api/v1/sync", json={"sessions": [session, other]}, headers=headers)
    events = [new_event(session, target, seconds=i) for i in range(3)]
    events.append({**new_event(other, target), "t": "not a time"})  # refused
    answer = http.post("/api/v1/sync", json={"events": events}, headers=headers).get_json()
    assert len(answer["accepted"]) == 3 and len(answer["rejected"]) == 1
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "sync").order_by(AuditEntry.at)
    ).all()
    assert [(e.client_id, e.user_id) for e in entries] == [(client.id, tech.id)] * 2
    assert entries[-1].detail == {"accepted": 3, "rejected": 1}
