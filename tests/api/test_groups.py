"""Group sessions: one screen for two to six learners, each with a session of their own linked by
a group id (docs/groups.md). Sync checks the group with every session it receives."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from bdc.extensions import db
from bdc.models import Assignment, Session
from bdc.models.base import utcnow
from tests.tablet import Tablet


@pytest.fixture
def group(make):
    """A technician with three learners on the caseload (one target each), and a learner who is
    not on it."""
    tech = make.user("technician")
    learners = [make.client(tech) for _ in range(3)]
    targets = [make.target(learner, name=f"Hand raising {i}") for i, learner in enumerate(learners)]
    stranger = make.client(make.user("bcba"))
    return {"tech": tech, "learners": learners, "targets": targets, "stranger": stranger}


def _group_sessions(tablet, learners, targets, *, at, group_id=None, named=None, **extra):
    group_id = group_id or str(uuid.uuid4())
    named = named if named is not None else [c.id for c in learners]
    return [
        tablet.session(
            learner,
            at=at,
            targets=[target] if target else [],
            group_id=group_id,
            group_client_ids=named,
            **extra,
        )
        for learner, target in zip(learners, targets, strict=True)
    ]


def _refusals(http, headers, batch):
    answer = http.post("/api/v1/sync", json=batch, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return {r["id"]: (r["code"], r["reason"]) for r in answer.get_json()["rejected"]}


def test_a_group_of_three_is_three_linked_sessions_with_their_own_values(http, make, group):
    headers = make.login(group["tech"])
    tablet = Tablet(http, headers)
    at = utcnow() - timedelta(hours=1)
    sessions = _group_sessions(tablet, group["learners"], group["targets"], at=at)
    for n, (session, target) in enumerate(zip(sessions, group["targets"], strict=True)):
        tablet.counts(session, target, [5 * (k + 1) for k in range(n + 1)])
    tablet.send()
    stored = [db.session.get(Session, s["id"]) for s in sessions]
    assert {s.group_id for s in stored} == {sessions[0]["group_id"]}
    assert [s.client_id for s in stored] == [c.id for c in group["learners"]]
    for n, target in enumerate(group["targets"]):
        points = http.get(f"/api/v1/targets/{target.id}/data", headers=headers).get_json()["points"]
        assert [p["value"] for p in points] == [n + 1]
    listed = http.get(f"/api/v1/sessions/{sessions[1]['id']}", headers=headers).get_json()
    assert listed["group_id"] == sessions[0]["group_id"]


def test_the_sessions_of_a_group_may_arrive_in_different_batches(http, make, group):
    headers = make.login(group["tech"])
    tablet = Tablet(http, headers)
    sessions = _group_sessions(
        tablet, group["learners"], group["targets"], at=utcnow() - timedelta(hours=1)
    )
    first, rest = tablet.batch["sessions"][:1], tablet.batch["sessions"][1:]
    tablet.batch["sessions"] = first
    tablet.send()
    tablet.batch["sessions"] = rest
    tablet.send()
    tablet.batch["sessions"] = sessions  # a replay of the whole group is acknowledged
    tablet.send()
    group_id = sessions[0]["group_id"]
    assert db.session.query(Session).filter_by(group_id=group_id).count() == 3


@pytest.mark.parametrize("size", [1, 7])
def test_a_group_has_two_to_six_learners(http, make, group, size):
    tech = group["tech"]
    learners = [*group["learners"], *(make.client(tech) for _ in range(4))][:size]
    tablet = Tablet(http, make.login(tech))
    item = tablet.session(
        learners[0],
        at=utcnow() - timedelta(hours=1),
        group_id=str(uuid.uuid4()),
        group_client_ids=[c.id for c in learners],
    )
    refused = _refusals(http, tablet.headers, tablet.batch)
    assert refused[item["id"]][0] == "invalid"
    assert "2 to 6 different learners" in refused[item["id"]][1]
    assert db.session.get(Session, item["id"]) is None


@pytest.mark.parametrize(
    "change, words",
    [
        ({"group_client_ids": None}, "needs both group_id and group_client_ids"),
        ({"group_id": None}, "needs both group_id and group_client_ids"),
        ({"role": "reliability"}, "a second observer joins one learner"),
        ({"group_client_ids": "twins"}, "group_client_ids"),
    ],
)
def test_a_malformed_group_session_is_refused_with_its_field(http, make, group, change, words):
    tablet = Tablet(http, make.login(group["tech"]))
    item = _group_sessions(
        tablet, group["learners"][:2], group["targets"][:2], at=utcnow() - timedelta(hours=1)
    )[0]
    item.update(change)
    refused = _refusals(http, tablet.headers, {"sessions": [item]})
    assert refused[item["id"]][0] == "invalid"
    assert words in refused[item["id"]][1]


def test_a_group_naming_a_learner_off_the_caseload_is_refused(http, make, group):
    tablet = Tablet(http, make.login(group["tech"]))
    named = [group["learners"][0].id, group["stranger"].id]
    item = tablet.session(
        group["learners"][0],
        at=utcnow() - timedelta(hours=1),
        group_id=str(uuid.uuid4()),
        group_client_ids=named,
    )
    refused = _refusals(http, tablet.headers, tablet.batch)
    assert refused[item["id"]][0] == "not_found"
    assert db.session.get(Session, item["id"]) is None


def test_a_group_id_is_one_observers_and_one_session_per_learner(http, make, group):
    tech = group["tech"]
    at = utcnow() - timedelta(hours=1)
    mine = Tablet(http, make.login(tech))
    sessions = _group_sessions(mine, group["learners"][:2], group["targets"][:2], at=at)
    mine.send()
    group_id = sessions[0]["group_id"]
    named = [c.id for c in group["learners"]]

    colleague = make.user("technician")
    for learner in group["learners"]:
        db.session.add(Assignment(user_id=colleague.id, client_id=learner.id))
    db.session.commit()
    theirs = Tablet(http, make.login(colleague))
    borrowed = theirs.session(
        group["learners"][2], at=at, group_id=group_id, group_client_ids=named
    )
    assert _refusals(http, theirs.headers, theirs.batch)[borrowed["id"]][0] == "conflict"

    mine.batch["sessions"] = []
    twice = mine.session(group["learners"][0], at=at, group_id=group_id, group_client_ids=named)
    refused = _refusals(http, mine.headers, mine.batch)
    assert "already has a session in this group" in refused[twice["id"]][1]

    mine.batch["sessions"] = []
    other = make.client(tech)
    narrowed = mine.session(
        group["learners"][2],
        at=at,
        group_id=group_id,
        group_client_ids=[group["learners"][2].id, other.id],
    )
    refused = _refusals(http, mine.headers, mine.batch)
    assert "differ from the learners this group holds" in refused[narrowed["id"]][1]


def test_a_second_observer_joins_one_learner_of_a_group_for_ioa(http, make, group):
    tech = group["tech"]
    at = utcnow() - timedelta(hours=1)
    lead = Tablet(http, make.login(tech))
    sessions = _group_sessions(lead, group["learners"], group["targets"], at=at, minutes=10)
    for s in (5, 65, 125):
        lead.event(sessions[1], group["targets"][1], seconds=s)
    lead.send()
    bcba = make.user("bcba")
    db.session.add(Assignment(user_id=bcba.id, client_id=group["learners"][1].id))
    db.session.commit()
    second = Tablet(http, make.login(bcba))
    joined = second.session(
        group["learners"][1],
        at=at + timedelta(seconds=2),
        minutes=10,
        role="reliability",
        targets=[group["targets"][1]],
    )
    for s in (6, 66, 126):
        second.event(joined, group["targets"][1], seconds=s - 2)
    second.send()
    ioa = http.get(f"/api/v1/sessions/{sessions[1]['id']}/ioa", headers=make.login(tech)).get_json()
    assert ioa["paired"] is True


def test_caregivers_do_not_record_group_sessions(http, make, group):
    caregiver = make.user("caregiver")
    learners = group["learners"][:2]
    for learner in learners:
        db.session.add(Assignment(user_id=caregiver.id, client_id=learner.id))
    db.session.commit()
    tablet = Tablet(http, make.login(caregiver))
    items = _group_sessions(tablet, learners, [None, None], at=utcnow() - timedelta(hours=1))
    refused = _refusals(http, tablet.headers, tablet.batch)
    assert {refused[i["id"]][0] for i in items} == {"forbidden"}
