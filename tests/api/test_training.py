"""BST training records and competency checks over real HTTP (docs/supervision.md)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from bdc.extensions import db
from bdc.models import AuditEntry, CompetencyCheck, TrainingRecord

RECORDS = "/api/v1/training/records"
CHECKS = "/api/v1/training/competency"


@pytest.fixture
def world(make):
    bcba = make.user("bcba")
    tech = make.user("technician")
    other_tech = make.user("technician")
    client = make.client(bcba, tech)
    elsewhere = make.client(other_tech)
    plan = make.plan(client, steps=4)
    return {
        "bcba": make.login(bcba),
        "director": make.login(make.user("director")),
        "other_bcba": make.login(make.user("bcba")),
        "tech": make.login(tech),
        "other_tech": make.login(other_tech),
        "tech_user": tech,
        "other_tech_user": other_tech,
        "client": client,
        "elsewhere": elsewhere,
        "plan": plan,
    }


def staff_training(world, **change):
    return {
        "trainee_kind": "staff",
        "trainee_id": world["tech_user"].id,
        "plan_id": world["plan"].id,
        "day": "2026-11-02",
        "minutes": 45,
        "instructions": True,
        "modelling": True,
        "rehearsal": True,
        "feedback": True,
        **change,
    }


def check(world, scores, day, **change):
    return {
        "trainee_kind": "staff",
        "trainee_id": world["tech_user"].id,
        "plan_id": world["plan"].id,
        "day": day,
        "scores": scores,
        **change,
    }


def post(http, url, body, headers):
    answer = http.post(url, json=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_a_bst_record_and_competency_over_time(http, world):
    record = post(http, RECORDS, staff_training(world), world["bcba"])
    assert record["skill"] == "escape"  # the plan has no title: its function
    assert all(record[c] for c in ("instructions", "modelling", "rehearsal", "feedback"))
    # scored like a fidelity checklist: correct / applicable steps
    first = post(
        http, CHECKS, check(world, [True, False, None, False], "2026-11-02"), world["bcba"]
    )
    assert first["steps"] == world["plan"].checklist
    assert first["percent"] == pytest.approx(100 / 3) and first["meets"] is False
    assert first["criterion"] == 90.0
    second = post(
        http,
        CHECKS,
        check(world, [True, True, True, True], "2026-11-09", training_id=record["id"]),
        world["bcba"],
    )
    assert second["percent"] == 100.0 and second["meets"] is True
    over_time = http.get(
        CHECKS,
        query_string={"trainee_id": world["tech_user"].id, "plan_id": world["plan"].id},
        headers=world["tech"],
    ).get_json()
    assert [(c["day"], c["percent"]) for c in over_time] == [
        ("2026-11-02", pytest.approx(100 / 3)),
        ("2026-11-09", 100.0),
    ]


def test_competency_over_time_as_a_graph(http, world):
    for day, scores in (("2026-11-02", [True, False, False, True]), ("2026-11-09", [True] * 4)):
        post(http, CHECKS, check(world, scores, day), world["bcba"])
    query = {"trainee_id": world["tech_user"].id, "plan_id": world["plan"].id}
    answer = http.get(f"{CHECKS}.png", query_string=query, headers=world["bcba"])
    assert answer.status_code == 200 and answer.content_type == "image/png"
    assert answer.data[:8] == b"\x89PNG\r\n\x1a\n"
    empty = http.get(f"{CHECKS}.png", query_string=query, headers=world["other_bcba"])
    assert empty.status_code == 200  # nothing visible: an empty graph, not an error


def test_competency_per_plan_is_visible_where_staff_are_assigned(http, world):
    post(http, CHECKS, check(world, [True, True, True, False], "2026-11-02"), world["bcba"])
    answer = http.get(f"/api/v1/clients/{world['client'].id}/competency", headers=world["director"])
    assert answer.status_code == 200
    rows = {r["user_id"]: r for r in answer.get_json()}
    tech = rows[world["tech_user"].id]
    assert tech["percent"] == 75.0 and tech["meets"] is False and tech["checks"] == 1
    assert (
        http.get(
            f"/api/v1/clients/{world['client'].id}/competency", headers=world["other_bcba"]
        ).status_code
        == 404
    )


def test_caregiver_training_is_bound_to_the_client(http, world):
    body = {
        "trainee_kind": "caregiver",
        "client_id": world["client"].id,
        "caregiver": "mother",
        "plan_id": world["plan"].id,
        "day": "2026-11-03",
        "minutes": 30,
        "modelling": True,
        "rehearsal": True,
    }
    record = post(http, RECORDS, body, world["bcba"])
    assert record["caregiver"] == "mother" and record["trainee_id"] is None
    home = post(
        http,
        CHECKS,
        {
            **{k: body[k] for k in ("trainee_kind", "client_id", "caregiver", "plan_id")},
            "day": "2026-11-10",
            "scores": [True, True, None, True],
        },
        world["bcba"],
    )
    assert home["percent"] == 100.0
    assert http.get(RECORDS, headers=world["tech"]).get_json()[0]["id"] == record["id"]
    assert http.get(RECORDS, headers=world["other_bcba"]).get_json() == []
    assert http.get(CHECKS, headers=world["other_tech"]).get_json() == []
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.resource == "training", AuditEntry.action == "create")
    )
    assert entry.client_id == world["client"].id
    off = {**body, "client_id": world["elsewhere"].id, "plan_id": None}
    answer = http.post(RECORDS, json=off, headers=world["bcba"])
    assert answer.status_code == 422 and "client_id" in answer.get_json()["error"]["fields"]


def test_who_sees_staff_training(http, world):
    post(http, RECORDS, staff_training(world), world["bcba"])
    assert len(http.get(RECORDS, headers=world["tech"]).get_json()) == 1  # about them
    assert len(http.get(RECORDS, headers=world["director"]).get_json()) == 1
    assert http.get(RECORDS, headers=world["other_tech"]).get_json() == []
    assert http.get(RECORDS, headers=world["other_bcba"]).get_json() == []


def test_only_trainers_record(http, world):
    answer = http.post(RECORDS, json=staff_training(world), headers=world["tech"])
    assert answer.status_code == 403
    answer = http.post(CHECKS, json=check(world, [True] * 4, "2026-11-02"), headers=world["tech"])
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("url", "change", "field"),
    [
        (RECORDS, {"trainee_kind": "parent"}, "trainee_kind"),
        (RECORDS, {"trainee_id": None}, "trainee_id"),
        (RECORDS, {"minutes": 0}, "minutes"),
        (RECORDS, {"day": "2099-01-01"}, "day"),
        (
            RECORDS,
            dict.fromkeys(("instructions", "modelling", "rehearsal", "feedback"), False),
            "instructions",
        ),
        (RECORDS, {"caregiver": "mother"}, "caregiver"),
        (CHECKS, {"scores": [True, False]}, "scores"),
        (CHECKS, {"scores": ["yes", True, True, True]}, "scores"),
        (CHECKS, {"criterion": 120}, "criterion"),
        (CHECKS, {"plan_id": None}, "steps"),
    ],
)
def test_bad_input_is_a_field_error_and_stores_nothing(http, world, url, change, field):
    base = staff_training(world) if url == RECORDS else check(world, [True] * 4, "2026-11-02")
    answer = http.post(url, json={**base, **change}, headers=world["bcba"])
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["error"]["fields"]
    for model in (TrainingRecord, CompetencyCheck):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_a_plan_off_the_caseload_is_not_found(http, world, make):
    foreign = make.plan(world["elsewhere"])
    answer = http.post(
        RECORDS, json=staff_training(world, plan_id=foreign.id), headers=world["bcba"]
    )
    assert answer.status_code == 422 and "plan_id" in answer.get_json()["error"]["fields"]


def test_where_a_director_assigns_staff_every_candidate_shows_their_competency(http, world):
    """#15: a staff member's competency status per plan is visible where a director assigns."""
    # the other technician is not on this client's caseload yet but was checked on its plan
    post(
        http,
        CHECKS,
        check(
            world, [True, True, True, True], "2026-11-02", trainee_id=world["other_tech_user"].id
        ),
        world["director"],
    )
    url = f"/api/v1/clients/{world['client'].id}/assignable-staff"
    answer = http.get(url, headers=world["director"])
    assert answer.status_code == 200, answer.get_json()
    staff = {s["user_id"]: s for s in answer.get_json()}
    assert {s["role"] for s in staff.values()} <= {"technician", "therapist", "bcba"}
    tech, other = staff[world["tech_user"].id], staff[world["other_tech_user"].id]
    assert tech["assigned"] is True and other["assigned"] is False
    assert [(c["plan_id"], c["checks"], c["meets"]) for c in tech["competency"]] == [
        (world["plan"].id, 0, None)
    ]
    assert [(c["percent"], c["meets"]) for c in other["competency"]] == [(100.0, True)]
    entries = db.session.scalars(
        select(AuditEntry.resource).where(
            AuditEntry.action == "read", AuditEntry.client_id == world["client"].id
        )
    ).all()
    assert {"assignment", "competency"} <= set(entries)
    # assigning is for those who edit caseloads; off the caseload the client does not exist
    assert http.get(url, headers=world["tech"]).status_code == 403
    assert http.get(url, headers=world["other_bcba"]).status_code == 404
    assert http.get(url, headers=world["bcba"]).status_code == 200


def test_a_competency_check_sent_twice_is_stored_once(http, world):
    """A check scored offline is re-sent from the outbox until acknowledged."""
    body = check(world, [True, False, True, True], "2026-11-02", id=str(uuid.uuid4()))
    first = post(http, CHECKS, body, world["bcba"])
    again = post(http, CHECKS, body, world["bcba"])
    assert first == again and first["id"] == body["id"]
    assert db.session.scalar(select(func.count()).select_from(CompetencyCheck)) == 1
    taken = http.post(CHECKS, json=body, headers=world["director"])
    assert taken.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(CompetencyCheck)) == 1
