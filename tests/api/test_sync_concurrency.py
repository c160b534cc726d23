"""Sync under concurrency and database failures (issue #10), on SQLite and PostgreSQL.

Real concurrent requests (threads, each with its own connection) against the real database;
a second connection holding rows or locks stands in for another request caught mid-write.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text

from bdc import create_app, sync
from bdc.extensions import db
from bdc.models import Event, LoginFailure, Session
from bdc.models.base import utcnow

START = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
PHI = "Jane Q. Learner, born 2019-03-04, bit her brother at home"


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def tech(make):
    user = make.user("technician")
    client = make.client(user)
    return user, client, make.target(client), make.login(user)


def a_batch(client, target, events=50) -> dict:
    session = {"id": str(uuid.uuid4()), "client_id": client.id, "started_at": iso(START)}
    return {
        "sessions": [session],
        "events": [
            {
                "id": str(uuid.uuid4()),
                "session_id": session["id"],
                "target_id": target.id,
                "kind": "note",
                "t": iso(START + timedelta(seconds=i)),
                "data": {"text": f"{PHI} ({i})"},
            }
            for i in range(events)
        ],
    }


def counts() -> tuple[int, int]:
    db.session.rollback()  # see what other connections committed
    return (
        db.session.scalar(select(func.count()).select_from(Session)),
        db.session.scalar(select(func.count()).select_from(Event)),
    )


def test_identical_syncs_at_the_same_moment_store_once(app, tech):
    _, client, target, headers = tech
    batch = a_batch(client, target)
    devices = 6
    start = threading.Barrier(devices)

    def sync_once(_):
        http = app.test_client(use_cookies=False)
        start.wait()
        answer = http.post("/api/v1/sync", json=batch, headers=headers)
        return answer.status_code, answer.get_json()

    with ThreadPoolExecutor(devices) as pool:
        answers = list(pool.map(sync_once, range(devices)))
    assert [status for status, _ in answers] == [200] * devices, answers
    assert all(body == answers[0][1] for _, body in answers)
    assert answers[0][1]["rejected"] == [] and len(answers[0][1]["accepted"]) == 51
    assert counts() == (1, 50)


def _event_row(event, user, **change) -> dict:
    return {
        "id": event["id"],
        "session_id": event["session_id"],
        "target_id": event["target_id"],
        "kind": event["kind"],
        "t": datetime.fromisoformat(event["t"]),
        "data": event["data"],
        "received_at": utcnow(),
        "recorded_by": user.id,
        **change,
    }


@pytest.mark.parametrize("same_content", [True, False])
def test_a_sync_racing_another_writer_of_the_same_ids(app, tech, same_content):
    """Another request has written the same event but not committed yet when this sync looks:
    the database decides (insert-or-ignore), and the held copy is compared."""
    user, client, target, headers = tech
    batch = a_batch(client, target, events=3)
    raced = batch["events"][1]
    change = {} if same_content else {"data": {"text": "something else"}}
    session_only = {"sessions": batch["sessions"]}
    http = app.test_client(use_cookies=False)
    assert http.post("/api/v1/sync", json=session_only, headers=headers).status_code == 200
    other = db.engine.connect()
    writing = other.begin()
    other.execute(insert(Event.__table__), [_event_row(raced, user, **change)])
    answers = []
    request = threading.Thread(
        target=lambda: answers.append(
            app.test_client(use_cookies=False).post("/api/v1/sync", json=batch, headers=headers)
        )
    )
    request.start()
    time.sleep(1.0)  # let the request reach its inserts and wait on the other writer's rows
    writing.commit()
    other.close()
    request.join()
    [answer] = answers
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    if same_content:
        assert body["rejected"] == [] and len(body["accepted"]) == 4
    else:
        assert [(r["id"], r["code"]) for r in body["rejected"]] == [(raced["id"], "conflict")]
    assert counts() == (1, 3)
    stored = db.session.get(Event, raced["id"])
    assert stored.data == (change or {"data": raced["data"]})["data"]


@pytest.fixture
def forced_failure(ctx):
    """A trigger that makes every insert into events fail inside the database."""
    if db.engine.dialect.name == "postgresql":
        statements = [
            "CREATE FUNCTION bdc_test_refuse() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'forced failure'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER bdc_test_refuse BEFORE INSERT ON events "
            "FOR EACH ROW EXECUTE FUNCTION bdc_test_refuse()",
        ]
        cleanup = ["DROP TRIGGER bdc_test_refuse ON events", "DROP FUNCTION bdc_test_refuse()"]
    else:
        statements = [
            "CREATE TRIGGER bdc_test_refuse BEFORE INSERT ON events "
            "BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
        ]
        cleanup = ["DROP TRIGGER bdc_test_refuse"]
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()
    yield
    db.session.rollback()
    for statement in cleanup:
        db.session.execute(text(statement))
    db.session.commit()


def test_a_database_error_never_writes_sql_parameters_to_the_log(
    http, tech, forced_failure, caplog
):
    _, client, target, headers = tech
    batch = a_batch(client, target, events=2)
    with caplog.at_level(logging.DEBUG):
        answer = http.post("/api/v1/sync", json=batch, headers=headers)
    assert answer.status_code == 500
    assert "forced failure" in caplog.text  # the error itself is logged, for the operator...
    assert "Jane Q. Learner" not in caplog.text  # ...and not one word of the note (PHI)
    assert batch["events"][0]["id"] not in caplog.text
    assert counts() == (0, 0)


@pytest.fixture
def impatient(app):
    """The same database, with requests that wait only a second for a lock."""
    keys = ("DATABASE_URL", "ENV", "SECRET_KEY", "PASSWORD_HASH_METHOD", "TESTING")
    settings = {key: app.config[key] for key in keys}
    busy = create_app({**settings, "DATABASE_BUSY_SECONDS": 1})
    yield busy.test_client(use_cookies=False)
    with busy.app_context():
        db.engine.dispose()


def test_a_database_held_busy_answers_503_with_retry_after(ctx, tech, impatient):
    _, client, target, headers = tech
    holder = db.engine.connect()
    holding = holder.begin()
    if db.engine.dialect.name == "postgresql":
        holder.execute(text("LOCK TABLE sessions IN EXCLUSIVE MODE"))
    else:  # any write holds SQLite's one write lock until the transaction ends
        holder.execute(insert(LoginFailure.__table__).values(key="lock", at=utcnow()))
    try:
        answer = impatient.post("/api/v1/sync", json=a_batch(client, target), headers=headers)
    finally:
        holding.rollback()
        holder.close()
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "unavailable"
    assert int(answer.headers["Retry-After"]) > 0
    assert counts() == (0, 0)


@pytest.mark.parametrize("same", [True, False], ids=["same session", "other content"])
def test_a_session_written_elsewhere_while_the_batch_is_measured(app, tech, monkeypatch, same):
    """Sync checks and measures a batch before writing anything (on SQLite the first write
    holds the database's one write lock until the commit), so another request can write the
    same new session in between. The same session: this batch's events join it. Other
    content for that id: nothing of this batch is stored and the device is told to retry
    (409); the retry is then checked against what is held, as any re-sent session is."""
    _, client, target, headers = tech
    batch = a_batch(client, target, events=3)
    session = batch["sessions"][0]
    elsewhere = {
        "sessions": [
            session if same else {**session, "started_at": iso(START - timedelta(hours=1))}
        ]
    }
    measure_new = sync.session_values.measure_new
    interleaved = []

    def measure_then_let_another_request_in(touched):
        measured = measure_new(touched)
        if not interleaved:  # once: the other request measures too
            interleaved.append(None)
            other = app.test_client().post("/api/v1/sync", json=elsewhere, headers=headers)
            interleaved[0] = other
        return measured

    monkeypatch.setattr(sync.session_values, "measure_new", measure_then_let_another_request_in)
    http = app.test_client(use_cookies=False)
    answer = http.post("/api/v1/sync", json=batch, headers=headers)
    assert interleaved[0].status_code == 200
    if same:
        assert answer.status_code == 200, answer.get_json()
        assert sorted(answer.get_json()["accepted"]) == sorted(
            [session["id"]] + [e["id"] for e in batch["events"]]
        )
        assert counts() == (1, 3)
    else:
        assert answer.status_code == 409, answer.get_json()
        assert "retry" in answer.get_json()["error"]["message"]
        assert counts() == (1, 0)
        retry = http.post("/api/v1/sync", json=batch, headers=headers).get_json()
        assert [(r["id"], r["code"]) for r in retry["rejected"]] == [(session["id"], "conflict")]


def test_two_tabs_syncing_new_taps_of_the_same_sessions_at_once_store_every_value(app, tech):
    """Each round two devices send taps for the same two sessions at the same moment, naming
    them in opposite orders. Sync locks a batch's sessions at once in id order (PostgreSQL),
    so neither waits for the other in a circle (a deadlock would fail a request), and the
    second measures after the first has stored its taps: the stored values count them all."""
    from bdc.models import SessionValue
    from bdc.services import session_values

    _, client, target, headers = tech
    sessions = [
        {"id": str(uuid.uuid4()), "client_id": client.id, "started_at": iso(START)}
        for _ in range(2)
    ]
    http = app.test_client(use_cookies=False)
    assert (
        http.post("/api/v1/sync", json={"sessions": sessions}, headers=headers).status_code == 200
    )
    devices, rounds, taps = 2, 8, 3
    start = threading.Barrier(devices)
    target_id = target.id  # the ORM object is not for other threads

    def device(number):
        http = app.test_client(use_cookies=False)
        statuses = []
        order = sessions if number == 0 else sessions[::-1]
        for round_ in range(rounds):
            events = [
                {
                    "id": str(uuid.uuid4()),
                    "session_id": session["id"],
                    "target_id": target_id,
                    "kind": "count",
                    "t": iso(START + timedelta(seconds=round_ * 10 + i)),
                    "data": {},
                }
                for session in order
                for i in range(taps)
            ]
            start.wait()
            answer = http.post("/api/v1/sync", json={"events": events}, headers=headers)
            statuses.append((answer.status_code, answer.get_json()["rejected"]))
        return statuses

    with ThreadPoolExecutor(devices) as pool:
        answers = [a for device_answers in pool.map(device, range(devices)) for a in device_answers]
    assert answers == [(200, [])] * devices * rounds
    db.session.rollback()
    values = db.session.scalars(
        select(SessionValue.value).where(SessionValue.target_id == target_id)
    )
    assert sorted(values) == [devices * rounds * taps] * 2
    assert session_values.check(db.session.connection()) == (2, [])
