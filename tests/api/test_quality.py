"""Protocols applied from the API, fidelity reports, and the director's dashboard.

The dashboard is checked on a constructed caseload whose every expected figure is worked out
in the comments of ``caseload``. Sessions and events are written directly (as sync stores
them) so that each event's server arrival time, and so each delay, is exact.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest

from bdc.extensions import db
from bdc.models import Event, Incident, Phase, Session, Target
from bdc.models.base import utcnow
from bdc.protocols import load_library
from bdc.services import session_values
from tests.tablet import Tablet

TODAY = utcnow().date()
FROM = TODAY - timedelta(days=35 + TODAY.weekday())  # a Monday five to six weeks ago
TO = FROM + timedelta(days=27)  # a Sunday: the range is exactly four weeks
RANGE = f"from={FROM.isoformat()}&to={TO.isoformat()}"


def at(day: int, hour: int = 15) -> datetime:
    return datetime.combine(FROM + timedelta(days=day), time(hour), tzinfo=UTC)


def approx(value):
    return pytest.approx(value, rel=1e-9)


# --- protocols -------------------------------------------------------------------------------


@pytest.fixture
def bcba_world(make):
    bcba = make.user("bcba")
    tech = make.user("technician")
    client = make.client(bcba, tech)
    return {"client": client, "bcba": make.login(bcba), "tech": make.login(tech)}


def test_the_library_is_listed_and_read(http, bcba_world):
    headers = bcba_world["tech"]  # protocols hold no PHI: every signed-in user reads them
    listed = http.get("/api/v1/protocols", headers=headers).get_json()
    library = load_library()
    assert len(listed) == len(library.latest())
    first = listed[0]
    assert set(first) == {"id", "version", "kind", "title", "source", "status", "versions"}
    plans = http.get("/api/v1/protocols?kind=plan", headers=headers).get_json()
    assert plans and {p["kind"] for p in plans} == {"plan"}
    one = http.get("/api/v1/protocols/fct-escape?version=1", headers=headers).get_json()
    assert one["body"]["checklist"] == list(library.get("fct-escape", 1).body["checklist"])
    assert http.get("/api/v1/protocols/no-such", headers=headers).status_code == 404
    assert http.get("/api/v1/protocols/fct-escape?version=99", headers=headers).status_code == 404
    assert http.get("/api/v1/protocols?kind=nonsense", headers=headers).status_code == 422


def test_a_target_from_a_protocol_keeps_its_id_and_version(http, bcba_world):
    client, headers = bcba_world["client"], bcba_world["bcba"]
    protocol = load_library().get("dtt-receptive-identification")
    expected_mastery = dict(protocol.body["target"]["mastery"])
    answer = http.post(
        f"/api/v1/clients/{client.id}/targets/from-protocol",
        json={
            "protocol_id": protocol.id,
            "overrides": {"name": "Receptive ID: animals", "mastery": {"percent": 90}},
        },
        headers=headers,
    )
    assert answer.status_code == 201, answer.get_json()
    target = answer.get_json()
    assert (target["protocol_id"], target["protocol_version"]) == (protocol.id, protocol.version)
    assert target["name"] == "Receptive ID: animals"
    assert target["measurement"] == "dtt"
    assert target["definition"].startswith(protocol.body["target"]["definition"])
    # The override is merged over the protocol's criterion: only the percentage changes.
    assert target["mastery"] == {**expected_mastery, "percent": 90}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"protocol_id": "no-such-protocol"}, 422),
        ({"protocol_id": "fct-escape"}, 422),  # a plan template is not a measurement
        ({"protocol_id": "aggression-frequency", "version": 9}, 422),
        ({"protocol_id": "aggression-frequency", "overrides": {"params": {}}}, 422),
        ({"protocol_id": "aggression-frequency", "overrides": {"measurement": "rate"}}, 422),
        # A criterion cannot be added to a frequency target (it uses an aim line).
        ({"protocol_id": "aggression-frequency", "overrides": {"mastery": {"percent": 80}}}, 422),
    ],
)
def test_bad_targets_from_protocols_are_refused(http, bcba_world, body, status):
    url = f"/api/v1/clients/{bcba_world['client'].id}/targets/from-protocol"
    answer = http.post(url, json=body, headers=bcba_world["bcba"])
    assert answer.status_code == status, answer.get_json()
    assert db.session.query(Target).count() == 0


def test_a_plan_from_a_protocol_keeps_its_checklist_id_and_version(http, bcba_world):
    client, headers = bcba_world["client"], bcba_world["bcba"]
    protocol = load_library().get("fct-escape")
    url = f"/api/v1/clients/{client.id}/plans/from-protocol"
    answer = http.post(
        url, json={"protocol_id": "fct-escape", "overrides": {"criterion": 85}}, headers=headers
    )
    assert answer.status_code == 201, answer.get_json()
    plan = answer.get_json()
    assert plan["checklist"] == list(protocol.body["checklist"])
    assert plan["function"] == "escape" and plan["criterion"] == 85 and plan["version"] == 1
    assert (plan["protocol_id"], plan["protocol_version"]) == ("fct-escape", protocol.version)
    refused = http.post(url, json={"protocol_id": "fct-escape"}, headers=bcba_world["tech"])
    assert refused.status_code == 403
    body = {"protocol_id": "fct-escape", "overrides": {"checklist": ["x"]}}
    assert http.post(url, json=body, headers=headers).status_code == 422


# --- building a caseload ---------------------------------------------------------------------


class Builder:
    """Rows as sync stores them, with each event's arrival ``delay`` minutes after its time."""

    def session(
        self, client, observer, day, *, targets=(), role="primary", kind="observation", **fields
    ) -> Session:
        session = Session(
            client_id=client.id,
            observer_id=observer.id,
            role=role,
            kind=kind,
            started_at=at(day),
            ended_at=at(day) + timedelta(minutes=30),
            target_ids=[t.id for t in targets],
            received_at=at(day),
            **fields,
        )
        db.session.add(session)
        db.session.flush()
        session_values.refresh(session_values.Touched(sessions={session.id}))
        return session

    def events(self, session, target, kind, datas, *, delay=10) -> None:
        for i, data in enumerate(datas):
            t = session.started_at + timedelta(seconds=10 * (i + 1))
            db.session.add(
                Event(
                    session_id=session.id,
                    target_id=target.id if target is not None else None,
                    kind=kind,
                    t=t,
                    data=data,
                    received_at=t + timedelta(minutes=delay),
                    recorded_by=session.observer_id,
                )
            )
        session_values.refresh(session_values.Touched(sessions={session.id}))

    def counts(self, session, target, n, *, delay=10) -> None:
        self.events(session, target, "count", [{}] * n, delay=delay)

    def fidelity(self, session, matrix, *, delay=10) -> None:
        datas = [
            {"step": step, "opportunity": opp, "value": value}
            for opp, row in enumerate(matrix)
            for step, value in enumerate(row)
        ]
        self.events(session, None, "fidelity", datas, delay=delay)


@pytest.fixture
def caseload(make):
    """Three clients, two BCBAs; every figure the dashboard should show is worked out here.

    Days are counted from FROM (a Monday); the range is days 0-27, four whole weeks.

    Client A (bcba1), target T1 (frequency): baseline from day 0, intervention from day 14.
      baseline primary sessions on days 0, 2, 4, 7, 9 (5); a reliability session on day 0:
        primary 10 counts, reliability 8 -> total count IOA 8/10 = 80 %.
        IOA coverage 1/5 = 20 % (meets a 20 % standard: reaching it counts).
      intervention primary sessions on days 14, 16, 21, 23 (4); reliability on day 14:
        primary 6, reliability 4 -> 4/6 = 66.67 % (below 80). Coverage 1/4 = 25 %.
      primary counts on days 2, 4, 7, 9: 2 each; days 16, 21, 23: 1 each.
      The day-4 session synced two days late: its 2 events arrive 2880 min after their time.
    Client A, target T4 (frequency, named like a spreadsheet formula): one primary session
      on day 10 that tracked it with no response (a 0 is data). Coverage 0/1.
      Last data day 10; stale as of day 27 (window days 21-27): 17 days without data.
    Client A, a primary session on day -1: outside the range, counted nowhere.
    Client A, plan P (criterion 90, 4 steps), fidelity sessions observed by bcba1:
      day 5, staff tech1: opportunity 0 all correct; opportunity 1 [T, F, T, T]
        -> individual component 7/8 = 87.5; by trial 1/2 = 50; by component 3/4 = 75.
      day 12, staff tech2: one opportunity, all correct -> 100 on every summary.
      P: mean (87.5 + 100) / 2 = 93.75 >= 90; 1 of 2 sessions meet 90 -> 50 %.
    Client B (bcba1), target T2 (dtt): primary sessions days 1, 8, 25 with 5 trials each.
      No phases, no IOA: coverage 0/3. Criterion met on day 25, not reviewed.
    Client B, target T3 (frequency): never any data, created 30 days before the range:
      stale, last data none, (27 + 30) = 57 days without data.
    Client B, target T6: inactive, no data: not listed anywhere.
    Client C (bcba2), target T5 (frequency): primary days 3 (2 counts) and 17 (3 counts),
      reliability on day 17 with 3 counts -> 100 %. Coverage 1/2 = 50 %. Its events arrive
      60 min after their time. Stale: last data day 17 -> 10 days.

    Sessions per week (primary observation sessions only):
      A: days 0, 2, 4 | 7, 9, 10 | 14, 16 | 21, 23 -> [3, 3, 2, 2] = 10, 2.5 a week.
      B: days 1 | 8 | - | 25 -> [1, 1, 0, 1] = 3, 0.75 a week.  C: [1, 0, 1, 0] = 2, 0.5.

    Timeliness, over all 74 events of the range:
      A: T1 primaries 10+2*4+6+1*3 = 27, reliability 8+4 = 12, fidelity 8+4 = 12 -> 51;
      B: 15 trials; C: 2+3+3 = 8.
      Delays: 2 events at 2880 min, C's 8 at 60, the other 64 at 10.
      Sorted, indices 0-63 are 10, 64-71 are 60, 72-73 are 2880.
      Median: h = 73 * 0.5 = 36.5 -> 10. P90: h = 73 * 0.9 = 65.7 -> 60 (both neighbours 60).
      Within 24 h: 72 / 74 = 97.297... %. One late session (A, day 4), 2880 min.

    Incidents (latest revision counts; occurred in range unless said):
      A restraint, signed off; A elopement, open; B injury amended to property_damage, open;
      C restraint, open; C seclusion on day -5 (outside the range).
      -> restraint 1 open + 1 signed off; elopement 1 open; property_damage 1 open.
    """
    b = Builder()
    bcba1, bcba2 = make.user("bcba"), make.user("bcba")
    tech1, tech2, tech3 = make.user("technician"), make.user("technician"), make.user("therapist")
    a = make.client(bcba1, tech1, tech2, code="A-001")
    bb = make.client(bcba1, tech1, code="B-002")
    c = make.client(bcba2, tech3, code="C-003")
    created = at(-30)
    t1 = make.target(a, name="Aggression", created_at=created)
    t4 = make.target(a, name="=HYPERLINK('x')", created_at=created)
    t2 = make.target(
        bb,
        "dtt",
        name="Receptive ID",
        created_at=created,
        mastery={"percent": 80, "consecutive": 3, "min_trials": 5, "min_observers": 1},
    )
    t3 = make.target(bb, name="Elopement", created_at=created)
    make.target(bb, name="Retired", created_at=created, active=False)
    t5 = make.target(c, name="Spitting", created_at=created)
    db.session.add_all(
        [
            Phase(target_id=t1.id, kind="baseline", label="Baseline", start_date=FROM),
            Phase(
                target_id=t1.id,
                kind="intervention",
                label="FCT",
                start_date=FROM + timedelta(days=14),
            ),
        ]
    )

    # Client A, T1
    s = b.session(a, tech1, 0, targets=[t1])
    b.counts(s, t1, 10)
    r = b.session(a, tech2, 0, targets=[t1], role="reliability")
    b.counts(r, t1, 8)
    for day in (2, 4, 7, 9):
        s = b.session(a, tech1, day, targets=[t1])
        b.counts(s, t1, 2, delay=2880 if day == 4 else 10)
    s = b.session(a, tech1, 14, targets=[t1])
    b.counts(s, t1, 6)
    r = b.session(a, tech2, 14, targets=[t1], role="reliability")
    b.counts(r, t1, 4)
    for day in (16, 21, 23):
        s = b.session(a, tech1, day, targets=[t1])
        b.counts(s, t1, 1)
    b.session(a, tech1, 10, targets=[t4])
    b.session(a, tech1, -1, targets=[t1])
    # Client A, fidelity of plan P
    plan = make.plan(a, steps=4)
    fid = {"kind": "fidelity", "plan_id": plan.id}
    s = b.session(a, bcba1, 5, staff_id=tech1.id, **fid)
    b.fidelity(s, [[True, True, True, True], [True, False, True, True]])
    s = b.session(a, bcba1, 12, staff_id=tech2.id, **fid)
    b.fidelity(s, [[True, True, True, True]])
    # Client B, T2
    trial = {"result": "correct", "prompt": "independent"}
    for day in (1, 8, 25):
        s = b.session(bb, tech1, day, targets=[t2])
        b.events(s, t2, "trial", [trial] * 5)
    t2.criterion_met_at = FROM + timedelta(days=25)
    t2.criterion_met_session_id = s.id
    # Client C, T5
    s = b.session(c, tech3, 3, targets=[t5])
    b.counts(s, t5, 2, delay=60)
    s = b.session(c, tech3, 17, targets=[t5])
    b.counts(s, t5, 3, delay=60)
    r = b.session(c, tech3, 17, targets=[t5], role="reliability")
    b.counts(r, t5, 3, delay=60)
    # Incidents
    director = make.user("director")

    def incident(client, kind, day, **fields):
        row = Incident(
            client_id=client.id, reported_by=tech1.id, occurred_at=at(day), type=kind, **fields
        )
        db.session.add(row)
        db.session.flush()
        return row

    incident(a, "restraint", 3, signed_off_by=director.id, signed_off_at=at(4))
    incident(a, "elopement", 11)
    injury = incident(bb, "injury", 12)
    incident(bb, "property_damage", 12, amends_id=injury.id, revision=2)
    incident(c, "restraint", 20)
    incident(c, "seclusion", -5)
    db.session.commit()
    return {
        "bcba1": bcba1,
        "bcba2": bcba2,
        "director": director,
        "tech1": tech1,
        "tech2": tech2,
        "a": a,
        "b": bb,
        "c": c,
        "t1": t1,
        "t2": t2,
        "t3": t3,
        "t4": t4,
        "t5": t5,
        "plan": plan,
    }


def dashboard(http, make, user, query=""):
    answer = http.get(f"/api/v1/dashboard?{RANGE}{query}", headers=make.login(user))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


# --- the dashboard ---------------------------------------------------------------------------


def test_ioa_coverage_and_agreement(http, make, caseload):
    data = dashboard(http, make, caseload["director"])
    rows = {(r["target"], r["phase"]): r for r in data["ioa"]["rows"]}
    baseline = rows[("Aggression", "Baseline")]
    assert (baseline["sessions"], baseline["sessions_with_ioa"]) == (5, 1)
    assert baseline["percent_with_ioa"] == approx(20.0) and baseline["meets_ioa_standard"]
    assert baseline["mean_agreement"] == approx(80.0) and baseline["meets_agreement_standard"]
    treatment = rows[("Aggression", "FCT")]
    assert (treatment["sessions"], treatment["sessions_with_ioa"]) == (4, 1)
    assert treatment["percent_with_ioa"] == approx(25.0)
    assert treatment["mean_agreement"] == approx(400 / 6)
    assert treatment["meets_agreement_standard"] is False
    assert rows[("=HYPERLINK('x')", None)]["percent_with_ioa"] == 0
    assert rows[("Receptive ID", None)]["sessions"] == 3
    spitting = rows[("Spitting", None)]
    assert spitting["percent_with_ioa"] == approx(50.0)
    assert spitting["mean_agreement"] == approx(100.0)
    assert ("Elopement", None) not in rows  # no data, no row (it is in "stale")
    # The data behind each figure: the target's values and each pair's IOA.
    [pair] = baseline["ioa_sessions"]
    assert baseline["links"]["ioa"] == [pair["link"]]
    ioa = http.get(pair["link"], headers=make.login(caseload["director"]))
    assert ioa.status_code == 200
    assert ioa.get_json()["primary_session_id"] == pair["primary_id"]
    assert baseline["links"]["data"].startswith(f"/api/v1/targets/{caseload['t1'].id}/data?")
    summary = data["ioa"]["summary"]
    # 5 + 4 + 1 + 3 + 2 = 15 target-sessions, 3 with IOA; 3 of 5 target-phases meet 20 %.
    assert (summary["sessions"], summary["sessions_with_ioa"]) == (15, 3)
    assert summary["percent_with_ioa"] == approx(20.0)
    assert summary["target_phases_meeting_ioa_standard"] == 3
    assert summary["mean_agreement"] == approx((80 + 400 / 6 + 100) / 3)
    assert summary["pairs_below_agreement_standard"] == 1


def test_caregiver_home_sessions_are_not_counted_in_ioa_coverage(http, make):
    """A caregiver is the only observer at home: those sessions are not in the coverage."""
    bcba, parent = make.user("bcba"), make.user("caregiver")
    client = make.client(bcba, parent)
    target = make.target(client, home_recordable=True)
    staff = Tablet(http, make.login(bcba))
    staff.session(client, at=at(2), targets=[target])
    staff.send()
    home = Tablet(http, make.login(parent))
    for day in (3, 4, 5):
        home.session(client, at=at(day), targets=[target])
    home.send()
    data = dashboard(http, make, make.user("director"))
    [row] = [r for r in data["ioa"]["rows"] if r["target_id"] == target.id]
    assert (row["sessions"], row["sessions_with_ioa"]) == (1, 0)
    points = http.get(f"/api/v1/targets/{target.id}/data?{RANGE}", headers=make.login(bcba))
    assert [p["setting"] for p in points.get_json()["points"]] == ["", "home", "home", "home"]


def test_a_stricter_ioa_standard_changes_the_verdicts(http, make, caseload):
    data = dashboard(http, make, caseload["director"], "&ioa_standard=30&agreement_standard=90")
    # Only Spitting (50 %) reaches 30 %; only its 100 % agreement reaches 90.
    assert data["ioa"]["summary"]["target_phases_meeting_ioa_standard"] == 1
    assert data["ioa"]["summary"]["pairs_below_agreement_standard"] == 2


def test_fidelity_by_plan_and_by_staff(http, make, caseload):
    data = dashboard(http, make, caseload["director"])["fidelity"]
    [plan] = data["by_plan"]
    assert plan["plan_id"] == caseload["plan"].id and plan["criterion"] == 90
    assert plan["sessions"] == 2 and plan["mean_percent"] == approx(93.75)
    assert plan["meets_criterion"] is True
    assert plan["sessions_meeting_criterion"] == 1
    assert plan["percent_sessions_meeting_criterion"] == approx(50.0)
    assert plan["mean_all_or_nothing_by_trial"] == approx((50 + 100) / 2)
    assert plan["mean_all_or_nothing_by_component"] == approx((75 + 100) / 2)
    staff = {r["staff_id"]: r for r in data["by_staff"]}
    assert staff[caseload["tech1"].id]["mean_percent"] == approx(87.5)
    assert staff[caseload["tech1"].id]["sessions_meeting_criterion"] == 0
    assert staff[caseload["tech2"].id]["mean_percent"] == approx(100.0)


def test_client_fidelity_over_time(http, make, caseload):
    headers = make.login(caseload["bcba1"])
    url = f"/api/v1/clients/{caseload['a'].id}/fidelity?{RANGE}"
    data = http.get(url, headers=headers).get_json()
    assert [(s["date"], s["percent"], s["meets_criterion"]) for s in data["sessions"]] == [
        ((FROM + timedelta(days=5)).isoformat(), 87.5, False),
        ((FROM + timedelta(days=12)).isoformat(), 100.0, True),
    ]
    first = data["sessions"][0]
    assert first["all_or_nothing_by_trial"] == 50.0
    assert first["all_or_nothing_by_component"] == 75.0
    assert (first["opportunities"], first["steps"]) == (2, 4)
    events = http.get(first["links"]["events"], headers=headers).get_json()
    assert len(events) == 8
    # A revised plan is a new version, reported on its own against its own criterion.
    revised = http.put(
        f"/api/v1/plans/{caseload['plan'].id}",
        json={"function": "escape", "checklist": ["a", "b"], "criterion": 80},
        headers=headers,
    ).get_json()
    Builder().fidelity(
        Builder().session(
            caseload["a"],
            caseload["bcba1"],
            20,
            kind="fidelity",
            plan_id=revised["id"],
            staff_id=caseload["tech1"].id,
        ),
        [[True, False]],
    )
    db.session.commit()
    data = http.get(url, headers=headers).get_json()
    by_plan = {p["version"]: p for p in data["by_plan"]}
    assert by_plan[2]["mean_percent"] == 50.0 and by_plan[2]["criterion"] == 80
    assert by_plan[2]["meets_criterion"] is False and by_plan[1]["sessions"] == 2


def test_timeliness(http, make, caseload):
    data = dashboard(http, make, caseload["director"])["timeliness"]
    assert data["summary"] == {
        "events": 74,
        "median_minutes": approx(10.0),
        "p90_minutes": approx(60.0),
        "percent_within_24h": approx(100 * 72 / 74),
        "clock_ahead_events": 0,
    }
    [late] = data["late_sessions"]
    assert late["client_code"] == "A-001" and late["max_delay_minutes"] == approx(2880.0)
    tech1 = next(r for r in data["by_staff"] if r["staff_id"] == caseload["tech1"].id)
    # tech1: A's primaries (27 events, 2 of them late) and B's 15 trials -> 42 events.
    assert tech1["events"] == 42 and tech1["percent_within_24h"] == approx(100 * 40 / 42)


def test_sessions_per_client_per_week(http, make, caseload):
    rows = {r["client_code"]: r for r in dashboard(http, make, caseload["director"])["sessions"]}
    weeks = {code: [w["sessions"] for w in r["weeks"]] for code, r in rows.items()}
    assert weeks == {"A-001": [3, 3, 2, 2], "B-002": [1, 1, 0, 1], "C-003": [1, 0, 1, 0]}
    assert [rows[c]["sessions_per_week"] for c in ("A-001", "B-002", "C-003")] == [2.5, 0.75, 0.5]
    assert rows["A-001"]["weeks"][0]["week_start"] == FROM.isoformat()


def test_stale_and_unreviewed_targets(http, make, caseload):
    data = dashboard(http, make, caseload["director"])
    stale = {r["target"]: (r["last_data_date"], r["days_without_data"]) for r in data["stale"]}
    assert stale == {
        "=HYPERLINK('x')": ((FROM + timedelta(days=10)).isoformat(), 17),
        "Elopement": (None, 57),
        "Spitting": ((FROM + timedelta(days=17)).isoformat(), 10),
    }
    [pending] = data["unreviewed"]
    met = FROM + timedelta(days=25)
    assert pending["target_id"] == caseload["t2"].id
    assert pending["criterion_met_at"] == met.isoformat()
    assert pending["days_waiting"] == (utcnow().date() - met).days
    # With an 18-day window (days 10-27) the targets last seen on days 10 and 17 are fresh;
    # only the one never recorded is left.
    data = dashboard(http, make, caseload["director"], "&stale_days=18")
    assert [r["target"] for r in data["stale"]] == ["Elopement"]


def test_incidents_open_and_signed_off_by_type(http, make, caseload):
    data = dashboard(http, make, caseload["director"])["incidents"]
    counts = {r["type"]: (r["open"], r["signed_off"]) for r in data["by_type"] if r["total"]}
    assert counts == {"restraint": (1, 1), "elopement": (1, 0), "property_damage": (1, 0)}
    assert len(data["rows"]) == 4
    amended = next(r for r in data["rows"] if r["type"] == "property_damage")
    assert amended["revision"] == 2
    shown = http.get(amended["link"], headers=make.login(caseload["director"]))
    assert shown.status_code == 200 and shown.get_json()["status"] == "open"


# --- who sees what ---------------------------------------------------------------------------


def test_a_bcba_sees_their_own_caseload_only(http, make, caseload):
    data = dashboard(http, make, caseload["bcba1"])
    assert data["scope"]["clients"] == 2 and data["scope"]["bcba_id"] == caseload["bcba1"].id
    assert {r["client_code"] for r in data["sessions"]} == {"A-001", "B-002"}
    counts = {r["type"]: (r["open"], r["signed_off"]) for r in data["incidents"]["by_type"]}
    assert counts["restraint"] == (0, 1)  # C's open restraint is not on this caseload
    headers = make.login(caseload["bcba1"])
    other = http.get(f"/api/v1/dashboard?bcba_id={caseload['bcba2'].id}", headers=headers)
    assert other.status_code == 403
    mine = http.get(f"/api/v1/dashboard?bcba_id={caseload['bcba1'].id}&{RANGE}", headers=headers)
    assert mine.status_code == 200


def test_directors_filter_by_bcba(http, make, caseload):
    data = dashboard(http, make, caseload["director"], f"&bcba_id={caseload['bcba2'].id}")
    assert [r["client_code"] for r in data["sessions"]] == ["C-003"]
    assert data["ioa"]["summary"]["sessions"] == 2
    headers = make.login(caseload["director"])
    not_a_bcba = http.get(f"/api/v1/dashboard?bcba_id={caseload['tech1'].id}", headers=headers)
    assert not_a_bcba.status_code == 422
    admin = dashboard(http, make, make.user("admin"))
    assert admin["scope"]["clients"] == 3


@pytest.mark.parametrize("role", ["technician", "therapist"])
def test_technicians_and_therapists_get_403(http, make, caseload, role):
    headers = make.login(make.user(role))
    assert http.get("/api/v1/dashboard", headers=headers).status_code == 403
    assert http.get("/api/v1/dashboard.csv?table=ioa", headers=headers).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-02-01&to=2026-01-01",  # from after to
        "from=2024-01-01&to=2026-01-01",  # longer than a year
        "ioa_standard=120",
        "stale_days=0",
        "bcba_id=not-a-uuid",
    ],
)
def test_bad_dashboard_queries_are_422(http, make, query):
    answer = http.get(f"/api/v1/dashboard?{query}", headers=make.login(make.user("director")))
    assert answer.status_code == 422


# --- CSV -------------------------------------------------------------------------------------


def read_csv(http, make, user, table):
    answer = http.get(f"/api/v1/dashboard.csv?table={table}&{RANGE}", headers=make.login(user))
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert f'filename="dashboard-{table}.csv"' in answer.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(answer.get_data(as_text=True))))


def test_csv_tables_match_the_dashboard(http, make, caseload):
    director = caseload["director"]
    ioa = read_csv(http, make, director, "ioa")
    assert ioa[0][:3] == ["client_code", "target", "phase"]
    baseline = next(r for r in ioa if r[2] == "Baseline")
    assert baseline[3:6] == ["5", "1", "20.0"]
    sessions = read_csv(http, make, director, "sessions")
    assert sessions[1][:3] == ["A-001", FROM.isoformat(), "3"] and len(sessions) == 1 + 3 * 4
    timeliness = read_csv(http, make, director, "timeliness")
    assert timeliness[1][:3] == ["(all)", "74", "10.0"]
    incidents = read_csv(http, make, director, "incidents")
    assert len(incidents) == 1 + 4
    fidelity = read_csv(http, make, director, "fidelity")
    assert [r[0] for r in fidelity[1:]] == ["plan", "staff", "staff"]
    assert read_csv(http, make, director, "unreviewed")[1][1] == "Receptive ID"


def test_csv_cells_that_could_run_as_formulas_are_neutralised(http, make, caseload):
    stale = read_csv(http, make, caseload["director"], "stale")
    names = [row[1] for row in stale[1:]]
    assert "'=HYPERLINK('x')" in names and "=HYPERLINK('x')" not in names


def test_csv_needs_a_known_table(http, make):
    headers = make.login(make.user("director"))
    assert http.get("/api/v1/dashboard.csv", headers=headers).status_code == 422
    assert http.get("/api/v1/dashboard.csv?table=users", headers=headers).status_code == 422


def test_an_empty_caseload_has_empty_figures(http, make):
    data = dashboard(http, make, make.user("bcba"))
    assert data["scope"]["clients"] == 0
    assert data["ioa"]["summary"]["percent_with_ioa"] is None
    assert data["timeliness"]["summary"]["median_minutes"] is None
    assert data["fidelity"]["summary"]["mean_percent"] is None
    assert all(r["total"] == 0 for r in data["incidents"]["by_type"])


def test_dashboard_answer_echoes_its_period(http, make):
    headers = make.login(make.user("director"))
    scope = http.get("/api/v1/dashboard?from=2026-11-01&to=2026-11-20", headers=headers).get_json()[
        "scope"
    ]
    assert (scope["from"], scope["to"]) == ("2026-11-01", "2026-11-20")
