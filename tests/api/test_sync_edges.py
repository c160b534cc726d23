"""Sync at its edges (issue #10): malformed items, re-sent sessions, the session window,
conflicting ids, voids out of order, caseload changes, and what a refusal may reveal.

Every reproduction from the issue is here; each failed on the code before the fix.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bdc import sync
from bdc.extensions import db
from bdc.models import Assignment, Event, Incident, Phase, Session
from tests.api.test_sync import START, iso, new_event, new_session


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def tech(make):
    user = make.user("technician")
    client = make.client(user)
    return user, client, make.target(client), make.login(user)


def post(http, headers, **batch):
    answer = http.post("/api/v1/sync", json=batch, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def refusals(answer) -> dict[str, tuple[str, bool]]:
    return {r["id"]: (r["code"], r["retry"]) for r in answer["rejected"]}


# --- one bad item never fails or blocks the batch ------------------------------------------


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


JUNK_EVENTS = {
    "kind is a list": {"kind": ["count"]},
    "kind is an object": {"kind": {"a": 1}},
    "time with no UTC equivalent": {"t": "0001-01-01T00:00:00+05:00"},
    "time at the end of the calendar": {"t": "9999-12-31T23:59:59-05:00"},
    "time a megabyte long": {"t": "2026" * 250_000},
    "id is a number": {"id": 12},
    "session_id is a list": {"session_id": ["x"]},
    "target_id is an object": {"target_id": {"x": 1}},
    "data is a list": {"data": [1, 2]},
    "data nested deep": {"data": {"x": [[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]}},
    "kind a megabyte long": {"kind": "k" * 1_000_000},
    "id nested 400 deep": {"id": nested(400)},
    "session_id nested 400 deep": {"session_id": nested(400)},
    "kind nested 400 deep": {"kind": nested(400)},
    "void naming nothing": {"kind": "void", "target_id": None, "data": {}},
    "void naming a list": {"kind": "void", "target_id": None, "data": {"voids": [1]}},
    "void naming junk": {"kind": "void", "target_id": None, "data": {"voids": "x" * 100}},
}


@pytest.mark.parametrize("junk", list(JUNK_EVENTS.values()), ids=list(JUNK_EVENTS))
def test_a_malformed_event_is_refused_alone(http, tech, junk):
    _, client, target, headers = tech
    session = new_session(client)
    before = [new_event(session, target, seconds=1)]
    bad = {**new_event(session, target, seconds=2), **junk}
    after = [new_event(session, target, seconds=3)]
    answer = post(http, headers, sessions=[session], events=[*before, bad, *after])
    assert set(answer["accepted"]) == {session["id"], before[0]["id"], after[0]["id"]}
    [refused] = answer["rejected"]
    assert refused["code"] == "invalid" and refused["retry"] is False
    assert 0 < len(refused["reason"]) < 600
    assert count(Event) == 2


@pytest.mark.parametrize(
    ("measurement", "kind", "data"),
    [
        ("latency", "latency", {"seconds": 10**400}),
        ("rating", "rating", {"value": 10**400}),
        ("rating", "rating", {"value": -(10**400)}),
        ("partial_interval", "interval", {"index": 10**400, "scored": True}),
        ("frequency", "note", {"text": "nul \x00 inside"}),
        ("frequency", "note", {"text": "lone \ud800 surrogate"}),
        ("abc", "abc", {"antecedent": "a\x00", "behavior": "b", "consequence": "c"}),
        ("dtt", "trial", {"result": "correct", "prompt": "\udfff"}),
    ],
)
def test_numbers_and_text_no_database_can_take_are_refused_alone(
    http, make, measurement, kind, data
):
    user = make.user("technician")
    client = make.client(user)
    target = make.target(client, measurement)
    session = new_session(client)
    bad = new_event(session, target, kind=kind, data=data)
    good = new_event(session, target, kind="note", data={"text": "fine"})
    answer = post(http, make.login(user), sessions=[session], events=[bad, good])
    assert refusals(answer) == {bad["id"]: ("invalid", False)}
    assert good["id"] in answer["accepted"] and count(Event) == 1


@pytest.mark.parametrize(
    "junk",
    [
        {"started_at": "0001-01-01T00:00:00+05:00"},
        {"started_at": "1970-01-01T00:00:00Z"},
        {"setting": "home\x00"},
        {"device_id": "\ud83d"},
        {"target_ids": "all of them"},
        {"client_id": ["x"]},
    ],
)
def test_a_malformed_session_is_refused_alone_with_its_events(http, tech, junk):
    _, client, target, headers = tech
    bad = {**new_session(client), **junk}
    good = new_session(client)
    events = [new_event(bad, target), new_event(good, target)]
    answer = post(http, headers, sessions=[bad, good], events=events)
    assert refusals(answer) == {bad["id"]: ("invalid", False), events[0]["id"]: ("invalid", False)}
    assert set(answer["accepted"]) == {good["id"], events[1]["id"]}


def test_malformed_phases_and_incidents_are_refused_alone(http, make):
    bcba = make.user("bcba")
    client = make.client(bcba)
    target = make.target(client)
    phase = {"target_id": target.id, "kind": "baseline", "start_date": "2026-11-02"}
    phases = [
        {**phase, "id": str(uuid.uuid4()), "label": "Baseline \x00"},
        {**phase, "id": str(uuid.uuid4()), "label": "Baseline"},
    ]
    incident = {"client_id": client.id, "occurred_at": iso(START), "type": "injury"}
    incidents = [
        {**incident, "id": str(uuid.uuid4()), "description": "bit \ud800 staff"},
        {**incident, "id": str(uuid.uuid4()), "duration_minutes": 10**400},
        {**incident, "id": str(uuid.uuid4()), "occurred_at": "0001-01-01T00:00:00+05:00"},
        {**incident, "id": str(uuid.uuid4()), "description": "bit staff"},
    ]
    answer = post(http, make.login(bcba), phases=phases, incidents=incidents)
    assert set(refusals(answer)) == {phases[0]["id"], *(i["id"] for i in incidents[:3])}
    assert {code for code, _ in refusals(answer).values()} == {"invalid"}
    assert count(Phase) == 1 and count(Incident) == 1


def test_a_json_body_nested_too_deep_is_a_400_not_a_500(http, tech):
    *_, headers = tech
    body = '{"events": [' + "[" * 100_000 + "]" * 100_000 + "]}"
    answer = http.post(
        "/api/v1/sync", data=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "bad_request"


# --- a re-sent session is checked against what is stored -----------------------------------


def test_a_resent_session_cannot_end_before_its_stored_start(http, make, tech):
    """The issue's reproduction: the payload's own start was earlier than the stored one."""
    _, client, target, headers = tech
    session = new_session(client, target_ids=[target.id])
    post(http, headers, sessions=[session], events=[new_event(session, target, seconds=5)])
    moved = {
        **session,
        "started_at": iso(START - timedelta(hours=2)),
        "ended_at": iso(START - timedelta(hours=1)),
    }
    answer = post(http, headers, sessions=[moved])
    assert refusals(answer) == {session["id"]: ("conflict", False)}
    assert "started_at" in answer["rejected"][0]["reason"]
    stored = db.session.scalars(select(Session)).one()
    assert stored.started_at == START and stored.ended_at is None
    bcba = make.user("bcba")
    db.session.add(Assignment(user_id=bcba.id, client_id=client.id))
    db.session.commit()
    as_bcba = make.login(bcba)
    for path in (f"/api/v1/targets/{target.id}/data", f"/api/v1/targets/{target.id}/summary"):
        assert http.get(path, headers=as_bcba).status_code == 200


def test_a_session_ends_once(http, tech):
    _, client, _, headers = tech
    session = new_session(client)
    end = START + timedelta(minutes=30)
    assert post(http, headers, sessions=[session])["rejected"] == []
    ended = {**session, "ended_at": iso(end)}
    assert post(http, headers, sessions=[ended])["rejected"] == []
    assert post(http, headers, sessions=[ended])["rejected"] == []  # the same end again
    stale = post(http, headers, sessions=[session])  # an older copy without the end
    assert stale == {"accepted": [session["id"]], "rejected": []}
    later = {**session, "ended_at": iso(end + timedelta(minutes=5))}
    assert refusals(post(http, headers, sessions=[later])) == {session["id"]: ("conflict", False)}
    assert db.session.scalars(select(Session.ended_at)).one() == end


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("setting", "school"),
        ("role", "reliability"),
        ("device_id", "another tablet"),
        ("target_ids", []),
    ],
)
def test_a_resent_session_with_other_details_is_a_conflict(http, tech, field, value):
    _, client, target, headers = tech
    session = new_session(client, setting="home", device_id="tab-1", target_ids=[target.id])
    post(http, headers, sessions=[session])
    answer = post(http, headers, sessions=[{**session, field: value}])
    assert refusals(answer) == {session["id"]: ("conflict", False)}
    assert field in answer["rejected"][0]["reason"]


def test_a_session_cannot_end_before_it_starts_or_last_over_a_day(http, tech):
    _, client, _, headers = tech
    backwards = new_session(client, ended_at=iso(START - timedelta(seconds=1)))
    endless = new_session(client, ended_at=iso(START + timedelta(hours=24, seconds=1)))
    answer = post(http, headers, sessions=[backwards, endless])
    assert refusals(answer) == {
        backwards["id"]: ("invalid", False),
        endless["id"]: ("invalid", False),
    }
    assert count(Session) == 0


# --- the session window -----------------------------------------------------------------------


def test_events_outside_the_session_window_are_refused(http, tech):
    _, client, target, headers = tech
    session = new_session(client, ended_at=iso(START + timedelta(minutes=30)))
    tolerance = sync.SESSION_WINDOW_TOLERANCE_SECONDS
    inside = [
        new_event(session, target, seconds=-tolerance),
        new_event(session, target, seconds=0),
        new_event(session, target, seconds=30 * 60 + tolerance),
    ]
    outside = [
        new_event(session, target, seconds=-365 * 86400),
        new_event(session, target, seconds=365 * 86400),
        new_event(session, target, seconds=-tolerance - 1),
        new_event(session, target, seconds=30 * 60 + tolerance + 1),
    ]
    answer = post(http, headers, sessions=[session], events=[*inside, *outside])
    assert refusals(answer) == {e["id"]: ("outside_session", False) for e in outside}
    assert "outside its session" in answer["rejected"][0]["reason"]
    assert count(Event) == 3


def test_a_second_tab_recording_after_the_stored_end_is_refused(http, tech):
    _, client, target, headers = tech
    session = new_session(client)
    post(http, headers, sessions=[session], events=[new_event(session, target, seconds=60)])
    post(http, headers, sessions=[{**session, "ended_at": iso(START + timedelta(minutes=10))}])
    late = new_event(session, target, seconds=20 * 60)
    assert refusals(post(http, headers, events=[late])) == {late["id"]: ("outside_session", False)}


def test_an_open_session_takes_events_for_at_most_a_day(http, tech):
    _, client, target, headers = tech
    session = new_session(client)
    day = 24 * 3600 + sync.SESSION_WINDOW_TOLERANCE_SECONDS
    ok, beyond = (
        new_event(session, target, seconds=day),
        new_event(session, target, seconds=day + 1),
    )
    answer = post(http, headers, sessions=[session], events=[ok, beyond])
    assert refusals(answer) == {beyond["id"]: ("outside_session", False)}


def test_events_stored_before_an_earlier_end_arrived_stay_held_and_acknowledged(http, tech):
    """The end may arrive after events beyond it were stored: they stay (events are never
    deleted), a replay of them is still acknowledged, and measures count only the window."""
    _, client, target, headers = tech
    session = new_session(client)
    late = new_event(session, target, seconds=40 * 60)
    post(http, headers, sessions=[session], events=[late])
    ended = {**session, "ended_at": iso(START + timedelta(minutes=30))}
    assert post(http, headers, sessions=[ended])["rejected"] == []
    assert post(http, headers, events=[late]) == {"accepted": [late["id"]], "rejected": []}


def test_an_event_beyond_an_earlier_end_resent_with_other_content_is_a_conflict(http, tech):
    """Held events are compared after the insert, not looked up first: one that no longer fits
    its session is still a conflict when sent with other content, not "outside_session"."""
    _, client, target, headers = tech
    session = new_session(client)
    late = new_event(session, target, seconds=40 * 60)
    post(http, headers, sessions=[session], events=[late])
    post(http, headers, sessions=[{**session, "ended_at": iso(START + timedelta(minutes=30))}])
    moved = {**late, "t": iso(START + timedelta(minutes=41))}
    assert refusals(post(http, headers, events=[moved])) == {late["id"]: ("conflict", False)}
    assert count(Event) == 1


# --- an id held with different content is a conflict ---------------------------------------


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"t": iso(START + timedelta(seconds=9))}, "conflict"),
        ({"kind": "note", "target_id": None, "data": {"text": "different"}}, "conflict"),
        # Malformed content is refused as such, before any comparison.
        ({"data": {"surprise": 1}}, "invalid"),
    ],
)
def test_an_event_id_resent_with_other_content_is_a_conflict(http, tech, change, code):
    _, client, target, headers = tech
    session = new_session(client)
    tap = new_event(session, target, seconds=1)
    post(http, headers, sessions=[session], events=[tap])
    changed = {**tap, **change}
    answer = post(http, headers, events=[changed])
    assert refusals(answer) == {tap["id"]: (code, False)}
    stored = db.session.scalars(select(Event)).one()
    assert stored.kind == "count" and stored.t == START + timedelta(seconds=1)


def test_the_same_id_twice_in_one_batch_with_other_content_is_a_conflict(http, tech):
    _, client, target, headers = tech
    session = new_session(client)
    tap = new_event(session, target, seconds=1)
    twin = {**tap, "t": iso(START + timedelta(seconds=2))}
    answer = post(http, headers, sessions=[session], events=[tap, tap, twin])
    assert answer["accepted"].count(tap["id"]) == 2
    assert refusals(answer) == {tap["id"]: ("conflict", False)}
    assert count(Event) == 1


def test_phase_and_incident_ids_resent_with_other_content_are_conflicts(http, make):
    bcba = make.user("bcba")
    client = make.client(bcba)
    target = make.target(client)
    headers = make.login(bcba)
    phase = {
        "id": str(uuid.uuid4()),
        "target_id": target.id,
        "kind": "baseline",
        "label": "Baseline",
        "start_date": "2026-11-02",
    }
    incident = {
        "id": str(uuid.uuid4()),
        "client_id": client.id,
        "occurred_at": iso(START),
        "type": "injury",
        "description": "scratched arm",
    }
    first = post(http, headers, phases=[phase], incidents=[incident])
    assert (
        first["rejected"] == []
        and post(http, headers, phases=[phase], incidents=[incident]) == first
    )
    answer = post(
        http,
        headers,
        phases=[{**phase, "label": "Intervention"}],
        incidents=[{**incident, "description": "bruised arm"}],
    )
    assert refusals(answer) == {
        phase["id"]: ("conflict", False),
        incident["id"]: ("conflict", False),
    }
    assert db.session.scalars(select(Incident.description)).one() == "scratched arm"


# --- voids whatever the order -----------------------------------------------------------------


def test_a_void_is_accepted_before_the_event_it_cancels(http, tech):
    _, client, target, headers = tech
    session = new_session(client)
    tap = new_event(session, target, seconds=1)
    undo = new_event(session, None, kind="void", data={"voids": tap["id"]}, seconds=2)
    first = post(http, headers, sessions=[session], events=[undo])
    assert first["rejected"] == []
    assert post(http, headers, events=[tap])["rejected"] == []
    same_batch = new_event(session, target, seconds=3)
    undo_first = new_event(session, None, kind="void", data={"voids": same_batch["id"]}, seconds=4)
    assert post(http, headers, events=[undo_first, same_batch])["rejected"] == []
    assert count(Event) == 4


def test_a_void_naming_an_event_of_another_session_is_invalid(http, tech):
    _, client, target, headers = tech
    one, two = new_session(client), new_session(client)
    tap = new_event(one, target)
    post(http, headers, sessions=[one, two], events=[tap])
    undo = new_event(two, None, kind="void", data={"voids": tap["id"]})
    answer = post(http, headers, events=[undo])
    assert refusals(answer) == {undo["id"]: ("invalid", False)}


# --- what a refusal may reveal ---------------------------------------------------------------


def test_refusals_read_the_same_whether_or_not_an_id_exists_elsewhere(http, make, tech):
    _, client, target, headers = tech
    other = make.user("technician")
    elsewhere = make.client(other)
    their_target = make.target(elsewhere)
    theirs = new_session(elsewhere)
    post(http, make.login(other), sessions=[theirs])

    def one_refusal(**batch):
        [refused] = post(http, headers, **batch)["rejected"]
        return refused["code"], refused["reason"]

    # A client: exists off my caseload vs does not exist.
    assert one_refusal(sessions=[new_session(elsewhere)]) == one_refusal(
        sessions=[{**new_session(client), "client_id": str(uuid.uuid4())}]
    )
    # A session id: held for someone else (whose client is off my caseload) vs never seen,
    # when sent as a session of my own client and when events name it.
    held = {**new_session(client), "id": theirs["id"]}
    assert one_refusal(sessions=[held]) == ("not_found", sync.NO_SESSION)
    assert one_refusal(events=[new_event(theirs, target)]) == one_refusal(
        events=[new_event(new_session(client), target)]
    )
    # An incident id held for someone else's client: taken, and nothing about where.
    incident = {"id": str(uuid.uuid4()), "occurred_at": iso(START), "type": "injury"}
    post(http, make.login(other), incidents=[{**incident, "client_id": elsewhere.id}])
    assert one_refusal(incidents=[{**incident, "client_id": client.id}]) == (
        "conflict",
        "This id is already used for another incident; it was not stored.",
    )
    # A target: another client's vs none.
    mine = new_session(client)
    post(http, headers, sessions=[mine])
    assert one_refusal(events=[new_event(mine, their_target)]) == one_refusal(
        events=[{**new_event(mine, target), "target_id": str(uuid.uuid4())}]
    )


# --- caseload changes (docs/decisions.md) ------------------------------------------------------


def test_a_session_held_before_removal_from_the_caseload_still_takes_its_events_and_end(http, tech):
    user, client, target, headers = tech
    session = new_session(client)
    early = new_event(session, target, seconds=1)
    post(http, headers, sessions=[session], events=[early])
    db.session.execute(Assignment.__table__.delete().where(Assignment.user_id == user.id))
    db.session.commit()
    late = new_event(session, target, seconds=600)
    ended = {**session, "ended_at": iso(START + timedelta(minutes=20))}
    answer = post(http, headers, sessions=[ended], events=[early, late])
    assert answer == {"accepted": [session["id"], early["id"], late["id"]], "rejected": []}
    assert db.session.scalars(select(Session.ended_at)).one() == START + timedelta(minutes=20)
    # A session the server never saw, for a client no longer on the caseload, needs a person.
    unseen = new_session(client)
    answer = post(http, headers, sessions=[unseen], events=[new_event(unseen, target)])
    assert {code for code, _ in refusals(answer).values()} == {"not_found"}
    # And nothing can be read back by the removed technician.
    assert http.get(f"/api/v1/sessions/{session['id']}", headers=headers).status_code == 404
