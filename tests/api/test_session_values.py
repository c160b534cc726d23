"""Stored session values (``session_values``): written with the sync that changed their events,
recomputed on voids, late ends and parameter changes, and never different from a fresh
measurement of the raw events (``bdc check-values``)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import create_engine, event, select, update

from bdc import create_app
from bdc.cli import main
from bdc.extensions import db
from bdc.measures import MEASURES_VERSION
from bdc.models import Event, Session, SessionValue, Target
from bdc.models.bulk import insert_many
from bdc.services import session_values
from tests.api.test_analysis_api import MEASUREMENT_EVENTS
from tests.tablet import Tablet, iso

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def team(make, http):
    bcba = make.user("bcba")
    client = make.client(bcba)
    headers = make.login(bcba)
    return client, headers, Tablet(http, headers)


def stored(session_id: str, target_id: str) -> SessionValue | None:
    db.session.expire_all()
    return db.session.get(SessionValue, (session_id, target_id))


def mismatches() -> list[str]:
    checked, problems = session_values.check(db.session.connection())
    assert checked > 0
    return problems


def test_values_are_stored_with_the_sync_and_follow_voids_ends_and_params(http, make, team):
    client, headers, tab = team
    count = make.target(client, "frequency")
    intervals = make.target(client, "partial_interval")
    s = tab.session(client, at=START, targets=[count, intervals], open=True)
    taps = tab.counts(s, count, [5, 10, 15])
    tab.event(s, intervals, "interval", {"index": 0, "scored": True}, 10)
    tab.send()
    row = stored(s["id"], count.id)
    assert (row.value, row.n, row.unit, row.measures_version) == (
        3.0,
        3,
        "Responses",
        MEASURES_VERSION,
    )
    assert row.details["observed_minutes"] is None  # still open
    assert stored(s["id"], intervals.id).details["intervals_planned"] == 30.0

    tab.void(s, taps[0], 20)  # an undo arrives
    tab.send()
    assert stored(s["id"], count.id).value == 2.0
    tab.batch["sessions"].append({**s, "ended_at": iso(START + timedelta(minutes=10))})  # ends
    tab.send()
    row = stored(s["id"], count.id)
    assert (row.value, row.details["observed_minutes"]) == (2.0, 10.0)

    answer = http.patch(
        f"/api/v1/targets/{intervals.id}",
        json={"params": {"interval_seconds": 20, "observation_minutes": 5}},
        headers=headers,
    )
    assert answer.status_code == 200, answer.get_json()
    assert stored(s["id"], intervals.id).details["intervals_planned"] == 15.0
    assert mismatches() == []


def test_a_session_that_tracked_nothing_for_a_target_has_no_row(make, team):
    client, _, tab = team
    tracked, untracked = make.target(client), make.target(client, name="other")
    s = tab.session(client, at=START, targets=[tracked])
    tab.send()
    assert stored(s["id"], tracked.id).value == 0.0  # tracked, no response: 0
    assert stored(s["id"], untracked.id) is None  # not tracked: no value at all


@pytest.mark.parametrize("seed", range(3))
def test_randomized_sync_sequences_never_leave_a_stale_value(http, make, team, seed):
    """Random interleavings of new sessions, events of every measurement, voids (of target and
    session events), pauses, late ends, re-sent batches and parameter changes; after every sync
    the stored values equal a fresh measurement of the raw events."""
    client, headers, tab = team
    r = random.Random(seed)
    kinds = [*MEASUREMENT_EVENTS, "duration"]
    targets = [make.target(client, m, name=m) for m in r.sample(kinds, 5)]
    sessions, events = [], []
    for step in range(14):
        action = r.random()
        if not sessions or action < 0.2:
            s = tab.session(
                client,
                at=START + timedelta(days=len(sessions)),
                targets=r.sample(targets, r.randint(0, 3)),
                open=r.random() < 0.5,
            )
            sessions.append(s)
        s = r.choice(sessions)
        for _ in range(r.randint(0, 6)):
            target = r.choice(targets)
            seconds = r.uniform(0, 600)
            if target.measurement == "duration":
                episode = {"episode": str(uuid.uuid4())}
                events.append((s, tab.event(s, target, "duration_start", episode, seconds)))
                tab.event(s, target, "duration_stop", episode, seconds + r.uniform(1, 60))
            else:
                kind, data = MEASUREMENT_EVENTS[target.measurement](r)
                events.append((s, tab.event(s, target, kind, data, seconds)))
        if r.random() < 0.3:
            tab.event(s, None, "pause", seconds=r.uniform(0, 300))
            tab.event(s, None, "resume", seconds=r.uniform(300, 500))
        mine = [e for owner, e in events if owner is s]
        if mine and r.random() < 0.5:
            victim = r.choice(mine)
            target = r.choice([None, next(t for t in targets if t.id == victim["target_id"])])
            tab.void(s, victim, 700, target=target)
        if s["ended_at"] is None and r.random() < 0.4:  # a late end, in a sync of its own
            tab.send()
            s["ended_at"] = iso(START + timedelta(days=sessions.index(s), minutes=15))
            tab.batch["sessions"].append(dict(s))
        if r.random() < 0.2:  # a re-sent batch changes nothing
            tab.batch["events"] += [e for _, e in events[-3:]]
        tab.send()
        if r.random() < 0.25:
            target = r.choice([t for t in targets if t.measurement == "dtt"] or targets)
            params = {
                "dtt": {"prompt_levels": r.sample(["independent", "gestural", "model"], 2)},
            }.get(target.measurement)
            if params is not None:
                params["prompt_levels"].insert(0, "independent")
                params["prompt_levels"] = list(dict.fromkeys(params["prompt_levels"]))
                answer = http.patch(
                    f"/api/v1/targets/{target.id}", json={"params": params}, headers=headers
                )
                assert answer.status_code == 200, answer.get_json()
        assert mismatches() == [], f"after step {step}"
    assert db.session.scalar(select(db.func.count()).select_from(SessionValue)) > 0


def test_a_sync_measures_its_new_events_with_those_stored_before(make, team):
    """Sync measures the events it has just stored from memory and reads only the older ones:
    the stored value must equal a fresh measurement of everything, whatever the offsets, the
    payloads and replays in the batch."""
    client, _, tab = team
    count, trials = make.target(client, "frequency"), make.target(client, "dtt")
    s = tab.session(client, at=START, targets=[count, trials])
    older = tab.counts(s, count, [5, 10])
    tab.event(s, trials, "trial", {"result": "correct", "prompt": "independent"}, 12)
    tab.send()
    newer = tab.counts(s, count, [20, 30])
    newer[1]["t"] = (
        (START + timedelta(seconds=30)).astimezone(timezone(timedelta(hours=-5))).isoformat()
    )  # the same moment with another offset
    tab.event(s, trials, "trial", {"result": "incorrect", "prompt": "independent"}, 25)
    tab.send()
    assert stored(s["id"], count.id).value == 4.0
    assert stored(s["id"], trials.id).value == 50.0
    assert mismatches() == []
    tab.counts(s, count, [40])
    tab.batch["events"] += [older[0], newer[0]]  # replays next to a new event: read back
    tab.send()
    assert stored(s["id"], count.id).value == 5.0
    assert mismatches() == []


def test_a_session_synced_through_two_workers_is_measured_from_all_its_events(
    app, database_url, make, team
):
    """Each server process remembers the events of the sessions it synced and, before
    measuring from them, checks that the database holds nothing else: syncs of one session
    reaching two workers (two apps, two engines) still measure every event."""
    client, headers, tab = team
    count = make.target(client, "frequency")
    s = tab.session(client, at=START, targets=[count], open=True)
    tab.counts(s, count, [5, 10])
    tab.send()  # worker 1 measures and remembers the session
    other = create_app({**app.config, "DATABASE_URL": database_url})
    try:
        second = Tablet(other.test_client(use_cookies=False), headers)
        second.counts(s, count, [15])
        second.send()  # worker 2: an event worker 1 has not seen
        tab.counts(s, count, [20])
        tab.send()
        assert stored(s["id"], count.id).value == 4.0
        tab.counts(s, count, [25])
        tab.send()  # worker 1 again, nothing new elsewhere
        assert stored(s["id"], count.id).value == 5.0
        second.counts(s, count, [30])
        second.send()
        assert stored(s["id"], count.id).value == 6.0
    finally:
        with other.app_context():
            db.engine.dispose()
    assert mismatches() == []


def test_a_long_session_is_measured_from_where_its_last_sync_got_to(make, team, monkeypatch):
    """The benchmark's shape (#17): a session synced batch after batch. Each sync folds only
    its new events into where the last measure of each target got to (bdc.measures.Tally),
    instead of measuring every event of the session again, and the stored values equal a fresh
    measurement after every sync. An event earlier than those measured, a void and a pause
    are measured from all the events again."""
    client, _, tab = team
    r = random.Random(17)
    kinds = ["frequency", "rate", "latency", "partial_interval", "dtt", "abc"]
    targets = [make.target(client, m, name=m) for m in kinds]
    s = tab.session(client, at=START, targets=targets, open=True)
    from_everything = []
    real = session_values.tally_session
    monkeypatch.setattr(
        session_values,
        "tally_session",
        lambda *args, **kwargs: from_everything.append(args[0]) or real(*args, **kwargs),
    )
    second = 0
    for batch in range(4):
        for _ in range(5):
            second += 7
            for target in targets:
                kind, data = MEASUREMENT_EVENTS[target.measurement](r)
                tab.event(s, target, kind, data, second)
        from_everything.clear()
        tab.send()
        # measured from everything on the first sync; then from the tallies
        assert sorted(from_everything) == (sorted(kinds) if batch == 0 else []), batch
        assert mismatches() == [], f"after batch {batch}"
    known = session_values._recent_events(db.engine).get(s["id"])
    assert {known.tallies[t.id].events for t in targets} == {20}
    assert stored(s["id"], targets[0].id).value == 20.0

    from_everything.clear()
    tab.counts(s, targets[0], [3])  # earlier than the taps measured
    tab.send()
    assert from_everything == ["frequency"] and stored(s["id"], targets[0].id).value == 21.0
    from_everything.clear()
    late = tab.counts(s, targets[0], [second + 1])  # later again: folded in
    tab.send()
    assert from_everything == [] and stored(s["id"], targets[0].id).value == 22.0
    tab.void(s, late[0], second + 2, target=targets[0])  # the others' events are as they were
    tab.send()
    assert from_everything == ["frequency"] and stored(s["id"], targets[0].id).value == 21.0
    from_everything.clear()
    tab.event(s, None, "pause", seconds=second + 3)  # a pause: every target again
    tab.send()
    assert sorted(from_everything) == sorted(kinds)
    assert mismatches() == []


class Statements:
    """The SQL one engine runs while recording (lowercase)."""

    def __init__(self, engine):
        self.engine, self.seen, self.recording = engine, [], False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        if self.recording:
            self.seen.append(" ".join(statement.lower().split()))

    def close(self):
        event.remove(self.engine, "before_cursor_execute", self._seen)


def test_a_worker_behind_reads_only_the_events_stored_since_it_last_synced(
    app, database_url, make, team
):
    """A worker whose remembered events of a session are behind (another worker synced it
    since) reads only the events stored after its mark (SQLite's rowid, PostgreSQL's arrival
    time), not the whole session again, and still measures every event."""
    client, headers, tab = team
    count = make.target(client, "frequency")
    s = tab.session(client, at=START, targets=[count], open=True)
    tab.counts(s, count, list(range(1, 40)))
    tab.send()  # worker 1 measures and remembers 39 events
    other = create_app({**app.config, "DATABASE_URL": database_url})
    try:
        second = Tablet(other.test_client(use_cookies=False), headers)
        second.counts(s, count, [45, 46])
        second.send()  # worker 2 stores two more
        statements = Statements(db.engine)
        statements.recording = True
        tab.counts(s, count, [50])
        tab.send()
        statements.close()
    finally:
        with other.app_context():
            db.engine.dispose()
    assert stored(s["id"], count.id).value == 42.0
    event_reads = [sql for sql in statements.seen if "from events" in sql and "events.kind" in sql]
    mark = "events.rowid >" if db.engine.dialect.name == "sqlite" else "events.received_at >="
    assert len(event_reads) == 1 and mark in event_reads[0], event_reads
    assert mismatches() == []


def test_remembered_events_are_checked_from_the_session_index_on_sqlite(make, team):
    """Before writing, sync checks that a session holds just the events this process
    remembers; on SQLite by count and greatest rowid, which the session index answers
    without reading the events themselves (the greatest id would read every one).
    PostgreSQL, without rowids, compares the greatest id."""
    client, _, tab = team
    count = make.target(client, "frequency")
    s = tab.session(client, at=START, targets=[count], open=True)
    tab.counts(s, count, [5, 10])
    tab.send()
    statements = Statements(db.engine)
    statements.recording = True
    tab.counts(s, count, [15])
    tab.send()
    statements.close()
    state_reads = [sql for sql in statements.seen if "count(*)" in sql and "from events" in sql]
    greatest_id = [sql for sql in state_reads if "max(events.id" in sql]
    if db.engine.dialect.name == "sqlite":
        assert state_reads and not greatest_id, state_reads
        assert all("max(events.rowid)" in sql for sql in state_reads)
    else:
        assert greatest_id, state_reads
    assert stored(s["id"], count.id).value == 3.0


def test_checking_a_long_session_on_sqlite_costs_what_a_short_ones_does(make, team):
    """Sync checks that the stored events of a session it remembers are what it remembers,
    before writing and again after. On SQLite both checks read only the session index's
    entries after the remembered mark (a rowid) and its last entry, so one new tap costs the
    database as much work in a session of 2,000 taps as in one of 20: counted in SQLite's
    virtual machine instructions, which do not depend on the machine. (Counting the whole
    session, as before, read every entry of its index twice.)"""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("rowid marks are SQLite's; PostgreSQL compares counts and greatest ids")
    client, _, tab = team
    count = make.target(client, "frequency")

    def work_of_one_more_tap(held: int) -> int:
        s = tab.session(client, at=START, targets=[count], open=True)
        tab.counts(s, count, [0.1 * i for i in range(held)])
        tab.send()  # now remembered by this process, with its mark
        tap = {
            "id": str(uuid.uuid4()),
            "session_id": s["id"],
            "target_id": count.id,
            "kind": "count",
            "t": START + timedelta(seconds=0.1 * held),
            "data": {},
        }
        stamp = {"received_at": START, "recorded_by": db.session.get(Session, s["id"]).observer_id}
        touched = session_values.Touched()
        touched.events([tap])
        steps = [0]

        def step():
            steps[0] += 1
            return 0  # go on

        sqlite = db.session.connection().connection.driver_connection
        sqlite.set_progress_handler(step, 10)
        try:
            measured = session_values.measure_new(touched)
            insert_many(db.session, Event.__table__, [tap], shared=stamp)
            session_values.store_measured(measured)
        finally:
            sqlite.set_progress_handler(None, 0)
        db.session.commit()
        assert stored(s["id"], count.id).value == held + 1
        return steps[0]

    short, long = work_of_one_more_tap(20), work_of_one_more_tap(2000)
    assert long <= 1.2 * short + 20, (short, long)
    assert mismatches() == []


def test_events_stored_between_measuring_and_writing_are_measured_again(database_url, make, team):
    """Sync measures its new events before writing them (on SQLite the first write takes the
    database's one write lock until the commit). Events of the same session that another
    writer commits in between are caught by the count check when the values are stored, and
    the session is measured again from everything stored."""
    client, _, tab = team
    count = make.target(client, "frequency")
    s = tab.session(client, at=START, targets=[count], open=True)
    tab.counts(s, count, [5])
    tab.send()
    mine = {
        "id": str(uuid.uuid4()),
        "session_id": s["id"],
        "target_id": count.id,
        "kind": "count",
        "t": START + timedelta(seconds=10),
        "data": {},
    }
    touched = session_values.Touched()
    touched.events([mine])
    measured = session_values.measure_new(touched)
    assert [row["value"] for row in measured.rows] == [2.0]

    stamp = {"received_at": START, "recorded_by": db.session.get(Session, s["id"]).observer_id}
    other = create_engine(database_url)  # another worker stores an event and commits
    with other.begin() as connection:
        theirs = {**mine, "id": str(uuid.uuid4()), "t": START + timedelta(seconds=15)}
        connection.execute(Event.__table__.insert(), theirs | stamp)
    other.dispose()

    insert_many(db.session, Event.__table__, [mine], shared=stamp)
    session_values.store_measured(measured)
    db.session.commit()
    assert stored(s["id"], count.id).value == 3.0
    assert mismatches() == []


def run_cli(app, *args):
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_check_values_finds_a_stale_value_and_recompute_values_repairs_it(app, make, team):
    client, _, tab = team
    target = make.target(client)
    s = tab.session(client, at=START, targets=[target])
    tab.counts(s, target, [1, 2])
    tab.send()
    ok = run_cli(app, "check-values", "--all")
    assert ok.exit_code == 0, ok.output
    assert "Checked 1 sessions" in ok.output
    db.session.execute(
        update(SessionValue).where(SessionValue.session_id == s["id"]).values(value=7.0)
    )
    db.session.commit()
    bad = run_cli(app, "check-values", "--all")
    assert bad.exit_code == 1
    assert "value stored 7.0, recomputed 2.0" in bad.output
    fixed = run_cli(app, "recompute-values")
    assert fixed.exit_code == 0, fixed.output
    assert "Stored 1 session values." in fixed.output
    assert run_cli(app, "check-values", "--sample", "5", "--seed", "1").exit_code == 0
    assert stored(s["id"], target.id).value == 2.0


def post_latency_target(http, client, headers, max_wait):
    return http.post(
        f"/api/v1/clients/{client.id}/targets",
        json={
            "name": "Latency to comply",
            "measurement": "latency",
            "direction": "decrease",
            "params": {"max_wait_seconds": max_wait},
        },
        headers=headers,
    )


def test_latency_no_response_trials_are_stored_counted_and_entered_at_the_wait(
    app, http, make, team
):
    """A latency target with a maximum wait; a trial without a response is recorded as
    {"seconds": <wait>, "no_response": true}, enters the mean at the wait and is counted."""
    client, headers, tab = team
    created = post_latency_target(http, client, headers, 30)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["params"] == {"max_wait_seconds": 30}
    target = db.session.get(Target, created.get_json()["id"])
    s = tab.session(client, at=START, targets=[target])
    tab.event(s, target, "latency", {"seconds": 4}, 10)
    tab.event(s, target, "latency", {"seconds": 30, "no_response": True}, 60)
    tab.event(s, target, "latency", {"seconds": 8}, 120)
    tab.send()
    row = stored(s["id"], target.id)
    assert (row.value, row.n, row.measures_version) == (14.0, 3, MEASURES_VERSION)
    assert row.details["no_response"] == 1.0
    assert row.details["mean_latency_responded_s"] == 6.0
    (point,) = http.get(f"/api/v1/targets/{target.id}/data", headers=headers).get_json()["points"]
    assert (point["value"], point["details"]["no_response"]) == (14.0, 1.0)
    # a row of the previous version (no count) is stale: check-values finds it
    db.session.execute(
        update(SessionValue)
        .where(SessionValue.session_id == s["id"])
        .values(measures_version=MEASURES_VERSION - 1)
    )
    db.session.commit()
    assert "measures_version stored" in run_cli(app, "check-values", "--all").output
    assert run_cli(app, "recompute-values").exit_code == 0
    assert stored(s["id"], target.id).measures_version == MEASURES_VERSION


def test_a_maximum_wait_that_is_not_a_whole_number_is_refused(http, make, team):
    client, headers, _ = team
    answer = post_latency_target(http, client, headers, "thirty")
    assert answer.status_code == 422
    assert "max_wait_seconds" in str(answer.get_json()["error"]["fields"])


def test_events_that_cannot_be_measured_give_no_value_and_say_why(make, team):
    client, _, tab = team
    target = make.target(client, "latency")
    s = tab.session(client, at=START, targets=[target])
    tab.send()
    session = db.session.get(Session, s["id"])
    # stored before sync checked payloads: a latency without seconds
    db.session.add(
        Event(
            session_id=session.id,
            target_id=target.id,
            kind="latency",
            t=START,
            data={},
            recorded_by=session.observer_id,
        )
    )
    session_values.refresh(session_values.Touched(sessions={session.id}))
    row = stored(session.id, target.id)
    assert row.value is None and "data.seconds" in row.details["problem"]


def test_the_migration_backfills_an_existing_database(tmp_path):
    """A database at the revision before session_values, with data, gets its values on upgrade
    (always a SQLite file of its own: the shared test database must stay at the head)."""
    from flask_migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"DATABASE_URL": url, "ENV": "testing", "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade(revision="0004_user_language")
        engine = create_engine(url)
        with engine.begin() as conn:
            user, client, target, session = (str(uuid.uuid4()) for _ in range(4))
            now = START.isoformat()
            conn.exec_driver_sql(
                "INSERT INTO users (id, username, display_name, password_hash, role, active,"
                " created_at) VALUES (?, 'u', '', 'x', 'bcba', 1, ?)",
                (user, now),
            )
            conn.exec_driver_sql(
                "INSERT INTO clients (id, code, name, active, created_at)"
                " VALUES (?, 'C', 'N', 1, ?)",
                (client, now),
            )
            conn.exec_driver_sql(
                "INSERT INTO targets (id, client_id, name, definition, measurement, params,"
                " direction, active, created_at) VALUES (?, ?, 'T', '', 'rate', '{}',"
                " 'increase', 1, ?)",
                (target, client, now),
            )
            conn.exec_driver_sql(
                "INSERT INTO sessions (id, client_id, observer_id, role, kind, started_at,"
                " ended_at, setting, device_id, target_ids, received_at)"
                " VALUES (?, ?, ?, 'primary', 'observation', ?, ?, '', '', ?, ?)",
                (
                    session,
                    client,
                    user,
                    now,
                    (START + timedelta(minutes=10)).isoformat(),
                    f'["{target}"]',
                    now,
                ),
            )
            for i in range(5):
                conn.exec_driver_sql(
                    "INSERT INTO events (id, session_id, target_id, kind, t, data, received_at,"
                    " recorded_by) VALUES (?, ?, ?, 'count', ?, '{}', ?, ?)",
                    (
                        str(uuid.uuid4()),
                        session,
                        target,
                        (START + timedelta(minutes=i)).isoformat(),
                        now,
                        user,
                    ),
                )
        upgrade()
        row = db.session.get(SessionValue, (session, target))
        assert (row.value, row.n, row.measures_version) == (0.5, 5, MEASURES_VERSION)
        assert session_values.check(db.session.connection())[1] == []
        assert db.session.get(Target, target) is not None
        engine.dispose()


def test_a_session_ending_before_it_starts_shows_no_negative_rate(http, make, team):
    """Issue 10: such a session (stored before sync checked re-sent ends) made the summary's
    old fast path show a negative rate and the data table a 500. measures.py refuses it, so
    its stored value is empty with the reason, and every page still answers."""
    client, headers, tab = team
    target = make.target(client, "rate")
    good = tab.session(client, at=START, targets=[target])
    tab.counts(good, target, [5, 10])
    bad = tab.session(client, at=START + timedelta(days=1), targets=[target])
    tab.counts(bad, target, [5, 10])
    tab.send()
    db.session.execute(
        update(Session)
        .where(Session.id == bad["id"])
        .values(ended_at=START + timedelta(days=1) - timedelta(minutes=30))
    )
    session_values.refresh(session_values.Touched(sessions={bad["id"]}))
    db.session.commit()
    assert "ended" in stored(bad["id"], target.id).details["problem"]
    summary = http.get(f"/api/v1/targets/{target.id}/summary", headers=headers)
    data = http.get(f"/api/v1/targets/{target.id}/data", headers=headers)
    assert summary.status_code == data.status_code == 200
    assert [p["session_id"] for p in data.get_json()["points"]] == [good["id"]]
    assert summary.get_json()["phases"][0]["min"] > 0
