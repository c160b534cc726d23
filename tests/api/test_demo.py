"""The demo caseload (``bdc demo``): complete, clinically shaped, and valid under the real rules.

The demo is loaded once per module through :func:`bdc.demo.load_demo` with a fixed ``today``
and committed; the tests below only read it. The CLI test runs first on the empty database.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select, text

from bdc.cli import main
from bdc.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
from bdc.event_rules import check_event
from bdc.extensions import db
from bdc.measurement_params import INTERVAL_MEASUREMENTS, MEASUREMENTS
from bdc.models import (
    Assignment,
    Client,
    Event,
    Phase,
    Plan,
    Session,
    SessionValue,
    Target,
    User,
)
from bdc.services import session_values

TODAY = date(2026, 11, 23)  # a Monday: the eight weeks are 2026-09-28 .. 2026-11-22


def _empty_all_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture(scope="module")
def cli_runs(app):
    """``bdc demo --if-empty`` twice on an empty database, then the database emptied again."""
    with app.app_context():
        assert _count(User) == 0, "the demo tests need an empty database"
    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: app)
    runs = []
    for _ in range(2):
        result = runner.invoke(main, ["demo", "--if-empty"], obj=info)
        with app.app_context():
            db.session.remove()
            runs.append((result, _count(Client), _count(Session), _count(Event)))
    with app.app_context():
        _empty_all_tables()
    return runs


@pytest.fixture(scope="module")
def loaded(app, cli_runs):
    """The demo loaded directly, with progress recorded, and committed."""
    calls: list[tuple[int, int]] = []
    with app.app_context():
        summary = load_demo(progress=lambda done, total: calls.append((done, total)), today=TODAY)
        db.session.commit()
    yield summary, calls
    with app.app_context():
        _empty_all_tables()


@pytest.fixture
def demo(app, loaded):
    with app.app_context():
        yield loaded
        db.session.rollback()


def test_cli_demo_if_empty_loads_once(cli_runs):
    (first, clients, sessions, events), (second, *again) = cli_runs
    assert first.exit_code == 0, first.output
    assert "Loaded 5 clients" in first.output
    assert clients == 5 and sessions > 150 and events > 5000
    assert second.exit_code == 0, second.output
    assert "demo not loaded" in second.output
    assert again == [clients, sessions, events]  # nothing added the second time
    for output in (first.output, second.output):
        assert DEMO_PASSWORD in output
        assert all(username in output for username, _, _ in DEMO_USERS)


def test_summary_and_progress(demo):
    summary, calls = demo
    assert (summary.clients, summary.targets) == (_count(Client), _count(Target))
    assert (summary.sessions, summary.events) == (_count(Session), _count(Event))
    assert calls, "progress was never reported"
    dones = [done for done, _ in calls]
    assert dones == sorted(dones) and len({total for _, total in calls}) == 1
    assert calls[-1][0] == calls[-1][1]


def test_staff_logins_and_caseloads(demo):
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert {(u, r) for u, r, _ in DEMO_USERS} <= {(u.username, u.role) for u in users.values()}
    roles = {u for u, _, _ in DEMO_USERS}
    assert {"admin", "director", "bcba", "therapist", "tech1", "tech2"} <= roles
    assert len(DEMO_PASSWORD) >= 10
    assert not any(DEMO_PASSWORD in u.password_hash for u in users.values())  # hashed
    clients = db.session.scalars(select(Client)).all()
    assert 4 <= len(clients) <= 5
    caseload = defaultdict(set)
    for a in db.session.scalars(select(Assignment)):
        caseload[a.user_id].add(a.client_id)
    everyone = {c.id for c in clients}
    assert caseload[users["bcba"].id] == everyone
    assert caseload[users["therapist"].id] == everyone
    tech1, tech2 = caseload[users["tech1"].id], caseload[users["tech2"].id]
    assert tech1 and tech2 and not tech1 & tech2 and tech1 | tech2 == everyone
    for client in clients:
        age = (TODAY - client.date_of_birth).days / 365.25
        assert 4 <= age <= 13, (client.code, age)


def test_every_measurement_type_and_at_least_two_phases(demo):
    targets = db.session.scalars(select(Target)).all()
    assert {t.measurement for t in targets} == set(MEASUREMENTS)
    kinds = Counter()
    for target in targets:
        assert target.definition.strip(), target.name
        phases = sorted(target.phases, key=lambda p: p.start_date)
        assert len(phases) >= 2, target.name
        assert phases[0].kind == "baseline"
        kinds.update(p.kind for p in phases)
    assert kinds["maintenance"] >= 1 and kinds["condition"] >= 1
    dtt = next(t for t in targets if t.measurement == "dtt")
    assert dtt.params["prompt_levels"][0] == "independent"
    assert dtt.mastery["percent"] == 80 and dtt.params["trials_per_session"] == 10


def test_eight_weeks_of_sessions_ending_before_today(demo):
    staff = select(User.id).where(User.role != "caregiver")  # the parent's: test_caregiver_*
    primaries = db.session.scalars(
        select(Session).where(
            Session.role == "primary",
            Session.kind == "observation",
            Session.observer_id.in_(staff),
            Session.group_id.is_(None),  # the group's: test_the_therapist_runs_a_group_of_three
        )
    ).all()
    start = TODAY - timedelta(weeks=8)
    per_week = Counter((s.client_id, (s.started_at.date() - start).days // 7) for s in primaries)
    clients = {c.id for c in db.session.scalars(select(Client))}
    assert set(per_week) == {(c, w) for c in clients for w in range(8)}  # every client, 8 weeks
    assert set(per_week.values()) == {4}  # four sessions a week each
    days = [s.started_at.date() for s in primaries]
    assert min(days) >= start and max(days) < TODAY
    assert max(days) >= TODAY - timedelta(days=7)  # graphs look current
    assert (max(days) - min(days)).days >= 7 * 7
    for s in primaries:
        minutes = (s.ended_at - s.started_at).total_seconds() / 60
        assert 20 <= minutes <= 61 and s.started_at.date().weekday() < 5
        assert s.observer_id in {u.id for u in _users("technician")}


def _users(role: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == role)))


def test_reliability_sessions_overlap_a_primary_of_the_same_client(demo):
    sessions = db.session.scalars(select(Session).where(Session.kind == "observation")).all()
    primaries = [s for s in sessions if s.role == "primary"]
    reliability = [s for s in sessions if s.role == "reliability"]
    assert 0.18 <= len(reliability) / len(primaries) <= 0.4
    therapist = _users("therapist")[0]
    for r in reliability:
        assert r.observer_id == therapist.id
        partner = [
            p
            for p in primaries
            if p.client_id == r.client_id
            and p.started_at < r.ended_at
            and r.started_at < p.ended_at
        ]
        assert len(partner) == 1
        assert partner[0].target_ids == r.target_ids and partner[0].observer_id != r.observer_id


def test_reliability_agrees_mostly(demo):
    """Interval-by-interval and trial-by-trial agreement: mostly 80-100%, a few lower."""
    targets = {t.id: t for t in db.session.scalars(select(Target))}
    sessions = db.session.scalars(select(Session).where(Session.kind == "observation")).all()
    events = defaultdict(list)
    for e in db.session.scalars(select(Event).order_by(Event.t)):
        events[e.session_id].append(e)
    primaries = [s for s in sessions if s.role == "primary"]
    scores = []
    for r in (s for s in sessions if s.role == "reliability"):
        p = next(
            p
            for p in primaries
            if p.client_id == r.client_id
            and p.started_at < r.ended_at
            and r.started_at < p.ended_at
        )
        for target_id in r.target_ids:
            measurement = targets[target_id].measurement
            if measurement in INTERVAL_MEASUREMENTS:
                a, b = (
                    {
                        e.data["index"]: e.data["scored"]
                        for e in events[s.id]
                        if e.target_id == target_id and e.kind == "interval"
                    }
                    for s in (p, r)
                )
                pairs = [(a[i], b[i]) for i in a if a[i] is not None and b.get(i) is not None]
            elif measurement in ("dtt", "task_analysis"):
                a, b = (
                    [
                        (e.data["result"], e.data["prompt"])
                        for e in events[s.id]
                        if e.target_id == target_id and e.kind in ("trial", "step")
                    ]
                    for s in (p, r)
                )
                pairs = list(zip(a, b, strict=True))
            else:
                continue
            scores.append(100 * sum(x == y for x, y in pairs) / len(pairs))
    assert len(scores) >= 10
    assert statistics.median(scores) >= 90
    assert sum(s >= 80 for s in scores) / len(scores) >= 0.85
    assert min(scores) < 85  # a lower one, for the IOA report to flag


def test_fidelity_sessions(demo):
    plans = {p.id: p for p in db.session.scalars(select(Plan))}
    assert 2 <= len(plans) <= 3
    for plan in plans.values():
        assert 6 <= len(plan.checklist) <= 10 and plan.criterion == 90 and plan.strategies
    fidelity = db.session.scalars(select(Session).where(Session.kind == "fidelity")).all()
    assert len(fidelity) >= 10
    technicians = {u.id for u in _users("technician")}
    for session in fidelity:
        plan = plans[session.plan_id]
        assert session.client_id == plan.client_id and session.staff_id in technicians
        values = [
            e.data["value"]
            for e in db.session.scalars(select(Event).where(Event.session_id == session.id))
            if e.kind == "fidelity"
        ]
        assert values, "a fidelity session without fidelity events"
        scored = [v for v in values if v is not None]
        assert 75 <= 100 * sum(scored) / len(scored) <= 100


def test_every_event_passes_the_event_rules(demo):
    targets = {t.id: t for t in db.session.scalars(select(Target))}
    plans = {p.id: p for p in db.session.scalars(select(Plan))}
    sessions = {s.id: s for s in db.session.scalars(select(Session))}
    kinds = Counter()
    seen: dict[str, set[str]] = defaultdict(set)
    open_episodes: dict[str, set[str]] = defaultdict(set)
    for e in db.session.scalars(select(Event).order_by(Event.session_id, Event.t, Event.id)):
        session = sessions[e.session_id]
        kinds[e.kind] += 1
        if e.target_id is not None:
            target = targets[e.target_id]
            assert target.client_id == session.client_id and e.target_id in session.target_ids
            data = check_event(e.kind, e.data, measurement=target.measurement, params=target.params)
        else:
            params = {}
            if e.kind == "fidelity":
                params = {"checklist_length": len(plans[session.plan_id].checklist)}
            data = check_event(e.kind, e.data, measurement=None, params=params)
        assert data == e.data
        assert session.started_at <= e.t <= session.ended_at
        assert e.recorded_by == session.observer_id
        if e.kind == "void":
            assert e.data["voids"] in seen[e.session_id]  # an earlier event of this session
        if e.kind == "duration_start":
            open_episodes[e.session_id].add(e.data["episode"])
        if e.kind == "duration_stop":
            open_episodes[e.session_id].remove(e.data["episode"])
        seen[e.session_id].add(e.id)
    assert not any(open_episodes.values())
    assert kinds["void"] >= 2 and kinds["note"] >= 5
    assert kinds["pause"] == kinds["resume"] >= 2
    plan_steps = Counter(k for k in kinds if k in {"count", "interval", "trial", "step", "abc"})
    assert len(plan_steps) == 5


def test_phases_show_improvement_in_the_therapeutic_direction(demo):
    """Mean per session before and after the first phase change, for simple measures."""
    targets = db.session.scalars(select(Target)).all()
    sessions = db.session.scalars(
        select(Session).where(Session.role == "primary", Session.kind == "observation")
    ).all()
    per_session = defaultdict(Counter)
    scored = defaultdict(lambda: [0, 0])
    for e in db.session.scalars(select(Event).where(Event.target_id.is_not(None))):
        per_session[e.target_id][e.session_id] += e.kind in ("count", "abc")
        if e.kind == "interval" and e.data["scored"] is not None:
            cell = scored[(e.target_id, e.session_id)]
            cell[0] += e.data["scored"]
            cell[1] += 1
    checked = 0
    for target in targets:
        change = sorted(
            p.start_date
            for p in db.session.scalars(select(Phase).where(Phase.target_id == target.id))
        )[1]
        before, after = [], []
        for s in sessions:
            if s.client_id != target.client_id or target.id not in s.target_ids:
                continue  # another client's, or a session that did not track it (a group's)
            if target.measurement in ("frequency", "abc"):
                value = per_session[target.id][s.id]
            elif target.measurement in INTERVAL_MEASUREMENTS:
                hits, n = scored[(target.id, s.id)]
                value = 100 * hits / n
            else:
                continue
            # Skip the first week of treatment (extinction bursts, acquisition).
            if s.started_at.date() < change:
                before.append(value)
            elif s.started_at.date() >= change + timedelta(days=7):
                after.append(value)
        if not before:
            continue
        checked += 1
        improved = statistics.mean(after) - statistics.mean(before)
        assert improved < 0 if target.direction == "decrease" else improved > 0, target.name
    assert checked >= 5


def test_caregiver_records_one_learners_home_target(app, demo):
    """The demo parent: linked to one learner, a few home sessions of its home-recordable
    target, and a sign-in that shows that learner's graph and nothing of any other."""
    http = app.test_client(use_cookies=False)  # not the `http` fixture: it empties the tables
    parent = db.session.scalar(select(User).where(User.role == "caregiver"))
    linked = db.session.scalars(select(Assignment.client_id).where(Assignment.user_id == parent.id))
    (client_id,) = linked.all()
    sessions = db.session.scalars(select(Session).where(Session.observer_id == parent.id)).all()
    assert 3 <= len(sessions) <= 10
    assert {s.setting for s in sessions} == {"home"}
    assert {s.client_id for s in sessions} == {client_id}
    recorded = {t for s in sessions for t in s.target_ids}
    targets = db.session.scalars(select(Target).where(Target.id.in_(recorded))).all()
    assert targets and all(t.home_recordable for t in targets)
    other = db.session.scalar(select(Client.id).where(Client.id != client_id))
    assert (
        db.session.scalar(
            select(func.count()).select_from(Event).where(Event.recorded_by == parent.id)
        )
        > 0
    )
    settings = {s for (s,) in db.session.execute(select(Session.setting).distinct())}
    assert settings <= {"clinic", "home", "school", "community", "telehealth"}

    login = http.post(
        "/api/v1/auth/login", json={"username": parent.username, "password": DEMO_PASSWORD}
    )
    headers = {"Authorization": f"Bearer {login.get_json()['token']}"}
    listed = http.get("/api/v1/clients", headers=headers).get_json()
    assert [c["id"] for c in listed] == [client_id]
    graph = http.get(f"/api/v1/targets/{targets[0].id}/graph.png", headers=headers)
    assert graph.status_code == 200 and graph.content_type == "image/png"
    assert http.get(f"/api/v1/clients/{other}", headers=headers).status_code == 404
    assert http.get("/api/v1/dashboard", headers=headers).status_code == 403


def test_stored_session_values_match_the_events(demo):
    """Every value the demo's syncs stored equals a fresh measurement of its raw events."""
    checked, problems = session_values.check(db.session.connection())
    assert checked == _count(Session) - db.session.scalar(
        select(func.count()).select_from(Session).where(Session.kind != "observation")
    )
    assert problems == []
    assert _count(SessionValue) > checked  # several targets a session


def test_the_therapist_runs_a_group_of_three(app, demo):
    """The demo group (caseload.yaml `group:`): weekly sessions of three learners on one screen,
    one session each, linked by a group id, each learner with their own values."""
    groups: dict[str, list[Session]] = {}
    for session in db.session.scalars(select(Session).where(Session.group_id.is_not(None))):
        groups.setdefault(session.group_id, []).append(session)
    assert 3 <= len(groups) <= 4
    therapist = db.session.scalar(select(User).where(User.username == "therapist"))
    for members in groups.values():
        assert len(members) == 3 and len({s.client_id for s in members}) == 3
        assert {s.observer_id for s in members} == {therapist.id}
        assert {s.role for s in members} == {"primary"}
    codes = db.session.scalars(
        select(Client.code).where(Client.id.in_({s.client_id for s in members}))
    )
    assert sorted(codes) == ["DEMO-01", "DEMO-02", "DEMO-03"]
    values = db.session.scalars(
        select(SessionValue).where(SessionValue.session_id.in_([s.id for s in members]))
    ).all()
    assert len(values) == 3 and {v.value is not None for v in values} == {True}
