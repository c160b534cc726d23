"""Director chart audits over real HTTP (docs/supervision.md, "Chart audits").

October 2026, worked by hand. BDC_NOTE_SIGN_DAYS is 2; the audit's IOA standard is 20 %.
Client A has an active plan and a fidelity check of the technician on 15 Oct; client B has
no plan. The period's ended primary observation sessions (the population) are:

- S1 (A, tech, 5 Oct): note signed the next day; its one target has a value; a reliability
  session overlaps it (IOA); the technician's fidelity check exists -> T, T, T, T.
- S2 (A, tech, 12 Oct): note signed 5 days late; a DTT target without a trial has no value;
  no IOA, but A's coverage is 1 of 3 sessions = 33.3 % >= 20 % (not due); fidelity -> F, F, -, T.
- S3 (A, tech, 20 Oct): no note; data; no IOA (not due); fidelity -> F, T, -, T.
- S4 (B, BCBA, 22 Oct): note signed in time; data; B's coverage is 0 % < 20 %, so IOA was due
  and is missing; a BCBA's session has no fidelity due -> T, T, F, -.

All four reviewed as prefilled: S1 passes every applicable check, so 1 of 4 sessions = 25 %;
checks passed 4 + 1 + 2 + 2 = 9 of 4 + 3 + 3 + 3 = 13 applicable = 69.2 %.
The director then marks S4's IOA not due: 2 of 4 sessions = 50 %, 9 of 12 checks = 75 %.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bdc.extensions import db
from bdc.models import AuditEntry, Event, Session, SessionNote
from bdc.services import session_values

AUDITS = "/api/v1/chart-audits"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}
CHECKS = ("note_signed_in_time", "data_complete", "ioa_where_due", "fidelity_where_due")


def add_session(client, observer, day, targets=(), counts=(), **extra) -> Session:
    started = datetime(2026, 10, day, 9, 0, tzinfo=UTC)
    session = Session(
        client_id=client.id,
        observer_id=observer.id,
        started_at=started,
        ended_at=started + timedelta(minutes=30),
        target_ids=[t.id for t in targets],
        **extra,
    )
    db.session.add(session)
    db.session.flush()
    for target in counts:
        db.session.add(
            Event(
                session_id=session.id,
                target_id=target.id,
                kind="count",
                t=started + timedelta(minutes=1),
                recorded_by=observer.id,
            )
        )
    db.session.commit()
    return session


def sign_note(session, author, days_after_end) -> None:
    db.session.add(
        SessionNote(
            session_id=session.id,
            client_id=session.client_id,
            author_id=author.id,
            revision=1,
            signed_by=author.id,
            signed_at=session.ended_at + timedelta(days=days_after_end),
        )
    )
    db.session.commit()


@pytest.fixture
def world(make):
    director, bcba, tech = make.user("director"), make.user("bcba"), make.user("technician")
    client_a = make.client(tech)
    client_b = make.client(bcba)
    count_a, trials_a = make.target(client_a), make.target(client_a, "dtt")
    count_b = make.target(client_b)
    plan = make.plan(client_a)
    s1 = add_session(client_a, tech, 5, [count_a], [count_a])
    s2 = add_session(client_a, tech, 12, [count_a, trials_a], [count_a])
    s3 = add_session(client_a, tech, 20, [count_a], [count_a])
    s4 = add_session(client_b, bcba, 22, [count_b], [count_b])
    add_session(client_a, bcba, 5, [count_a], [count_a], role="reliability")
    add_session(client_a, bcba, 15, kind="fidelity", plan_id=plan.id, staff_id=tech.id)
    november = add_session(client_a, tech, 1, [count_a], [count_a])
    november.started_at += timedelta(days=31)
    november.ended_at += timedelta(days=31)
    db.session.commit()
    sign_note(s1, tech, 1)
    sign_note(s2, tech, 5)
    sign_note(s4, bcba, 0)
    every = set(db.session.scalars(select(Session.id)))
    session_values.refresh(session_values.Touched(sessions=every))
    db.session.commit()
    return {
        "director": make.login(director),
        "bcba": make.login(bcba),
        "tech": make.login(tech),
        "sessions": [s1.id, s2.id, s3.id, s4.id],
    }


EXPECTED_PREFILL = [
    (True, True, True, True),
    (False, False, None, True),
    (False, True, None, True),
    (True, True, False, None),
]


def test_the_sample_is_prefilled_and_the_reviewed_answers_make_the_figure(http, world):
    drawn = http.post(AUDITS, json={**OCTOBER, "sample_size": 10}, headers=world["director"])
    assert drawn.status_code == 201, drawn.get_json()
    chart = drawn.get_json()
    assert (chart["sample_size"], chart["population"]) == (10, 4)  # fewer than asked: all
    items = chart["items"]
    assert [i["session_id"] for i in items] == world["sessions"]  # in session order
    assert [tuple(i["prefill"][c] for c in CHECKS) for i in items] == EXPECTED_PREFILL
    assert chart["figures"]["reviewed"] == 0
    assert chart["figures"]["percent_sessions_passing"] is None

    def review(item, answers, comment=""):
        url = f"{AUDITS}/{chart['id']}/items/{item['id']}"
        body = {"answers": dict(zip(CHECKS, answers, strict=True)), "comment": comment}
        answer = http.put(url, json=body, headers=world["director"])
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    for item, answers in zip(items[:2], EXPECTED_PREFILL[:2], strict=True):
        review(item, answers)
    figures = http.get(f"{AUDITS}/{chart['id']}", headers=world["director"]).get_json()["figures"]
    # S1 and S2: 1 of 2 sessions pass; checks 4 + 1 = 5 of 4 + 3 = 7.
    assert (figures["reviewed"], figures["sessions_passing"]) == (2, 1)
    assert figures["percent_sessions_passing"] == pytest.approx(50.0)
    assert (figures["checks_passed"], figures["checks_applicable"]) == (5, 7)
    assert figures["percent_checks_passed"] == pytest.approx(100 * 5 / 7)

    for item, answers in zip(items[2:], EXPECTED_PREFILL[2:], strict=True):
        review(item, answers)
    figures = http.get(f"{AUDITS}/{chart['id']}", headers=world["director"]).get_json()["figures"]
    assert figures["percent_sessions_passing"] == pytest.approx(25.0)
    assert (figures["checks_passed"], figures["checks_applicable"]) == (9, 13)
    assert figures["percent_checks_passed"] == pytest.approx(69.2307, abs=1e-3)

    reviewed = review(items[3], (True, True, None, None), "IOA for B starts next month.")
    assert reviewed["reviewed"] is True
    assert reviewed["comment"] == "IOA for B starts next month."
    figures = http.get(f"{AUDITS}/{chart['id']}", headers=world["director"]).get_json()["figures"]
    assert figures["percent_sessions_passing"] == pytest.approx(50.0)
    assert figures["percent_checks_passed"] == pytest.approx(75.0)

    # The quality figure on the dashboard: the director's whole clinic; a BCBA's caseload
    # (client B only: S4, which now passes).
    board = http.get("/api/v1/dashboard", query_string=OCTOBER, headers=world["director"])
    assert board.status_code == 200
    assert board.get_json()["chart_audits"] == {"audits": 1, **figures}
    mine = http.get("/api/v1/dashboard", query_string=OCTOBER, headers=world["bcba"]).get_json()
    assert mine["chart_audits"]["sessions"] == 1
    assert mine["chart_audits"]["percent_sessions_passing"] == pytest.approx(100.0)
    csv = http.get(
        "/api/v1/dashboard.csv",
        query_string={**OCTOBER, "table": "chart_audits"},
        headers=world["director"],
    )
    assert csv.status_code == 200
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("audits,sessions,reviewed,sessions_passing")
    assert lines[1].startswith("1,4,4,2,50.0")


def test_a_smaller_sample_is_a_seeded_random_draw_of_the_population(http, world):
    chart = http.post(
        AUDITS, json={**OCTOBER, "sample_size": 2}, headers=world["director"]
    ).get_json()
    drawn = {i["session_id"] for i in chart["items"]}
    assert len(drawn) == 2 and drawn <= set(world["sessions"])
    # The kept seed repeats the draw from the same (sorted) population.
    assert drawn == set(random.Random(chart["seed"]).sample(sorted(world["sessions"]), 2))
    listed = http.get(AUDITS, headers=world["director"]).get_json()
    assert [a["id"] for a in listed] == [chart["id"]]


def test_drawing_and_reviewing_are_audited(http, world):
    chart = http.post(AUDITS, json=OCTOBER, headers=world["director"]).get_json()
    item = chart["items"][0]
    body = {"answers": dict.fromkeys(CHECKS, True)}
    http.put(f"{AUDITS}/{chart['id']}/items/{item['id']}", json=body, headers=world["director"])
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.resource == "chart_audit"))
    actions = sorted((e.action, e.client_id is not None) for e in entries)
    # create (no client), a read per sampled client (A and B), an update of A's session
    assert actions == [("create", False), ("read", True), ("read", True), ("update", True)]


def test_the_list_of_audits_shows_figures_not_the_sampled_sessions(http, world):
    """Regression: the list carried every audit's sampled sessions (client codes, session
    times, the director's comments) without an audit entry, which reading one audit has."""
    chart = http.post(AUDITS, json=OCTOBER, headers=world["director"]).get_json()
    before = len(db.session.scalars(select(AuditEntry)).all())
    listed = http.get(AUDITS, headers=world["director"]).get_json()
    assert [a["id"] for a in listed] == [chart["id"]]
    assert "items" not in listed[0]
    assert listed[0]["figures"] == chart["figures"] and listed[0]["population"] == 4
    db.session.rollback()
    assert len(db.session.scalars(select(AuditEntry)).all()) == before


@pytest.mark.parametrize("who", ["bcba", "tech"])
def test_only_directors_and_admins_audit_charts(http, world, who):
    assert http.post(AUDITS, json=OCTOBER, headers=world[who]).status_code == 403
    assert http.get(AUDITS, headers=world[who]).status_code == 403


def test_bad_input_is_a_clear_422_and_writes_nothing(http, world):
    headers = world["director"]
    backwards = http.post(AUDITS, json={"from": "2026-10-31", "to": "2026-10-01"}, headers=headers)
    assert backwards.status_code == 422
    assert "from" in backwards.get_json()["error"]["fields"]
    too_big = http.post(AUDITS, json={**OCTOBER, "sample_size": 0}, headers=headers)
    assert "sample_size" in too_big.get_json()["error"]["fields"]
    assert http.get(AUDITS, headers=headers).get_json() == []
    chart = http.post(AUDITS, json=OCTOBER, headers=headers).get_json()
    url = f"{AUDITS}/{chart['id']}/items/{chart['items'][0]['id']}"
    partial = http.put(url, json={"answers": {"data_complete": True}}, headers=headers)
    assert partial.status_code == 422
    assert "note_signed_in_time" in str(partial.get_json()["error"]["fields"])
    wrong = http.put(url, json={"answers": dict.fromkeys(CHECKS, "yes")}, headers=headers)
    assert wrong.status_code == 422
    other = http.put(
        f"{AUDITS}/{chart['id']}/items/{chart['id']}",
        json={"answers": dict.fromkeys(CHECKS, True)},
        headers=headers,
    )
    assert other.status_code == 404
    again = http.get(f"{AUDITS}/{chart['id']}", headers=headers).get_json()
    assert all(i["answers"] is None for i in again["items"])
