"""Analysis routes: target data and summary, session IOA, client FBA (issue: analysis API).

Data goes in through POST /api/v1/sync over real HTTP, as the tablets send it; every figure
asserted below is derived by hand in the test from the numbers recorded.
"""

from __future__ import annotations

import math
import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bdc.api.schemas import ComparisonSchema
from bdc.extensions import db
from bdc.models import AuditEntry, Target
from bdc.services import effect_sizes, series, summaries
from tests.tablet import Tablet

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday, 09:00 in Chicago (CST)
DAY0 = START.date()


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


class Recorder(Tablet):
    """Sessions start at START unless told otherwise."""

    def session(self, client, *, at=START, **kwargs):
        return super().session(client, at=at, **kwargs)


@pytest.fixture
def team(make, http):
    bcba = make.user("bcba")
    tech = make.user("technician")
    second = make.user("therapist")
    client = make.client(bcba, tech, second)
    headers = {"bcba": make.login(bcba), "tech": make.login(tech), "second": make.login(second)}

    class Team:
        pass

    t = Team()
    t.client, t.bcba, t.tech, t.second, t.headers = client, bcba, tech, second, headers
    t.rec = Recorder(http, headers["bcba"])
    t.tech_rec = Recorder(http, headers["tech"])
    t.second_rec = Recorder(http, headers["second"])
    return t


def get(http, team, url, status=200, **query):
    answer = http.get(url, query_string=query, headers=team.headers["bcba"])
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def ab_data(team, make, *, direction="increase", baseline=(2, 3, 2), treatment=(5, 6, 7)):
    """A frequency target with a baseline and an intervention phase, one session a day."""
    target = make.target(team.client, "frequency", direction=direction)
    rec = team.rec
    rec.phase(target, "baseline", "Baseline", day(0))
    rec.phase(target, "intervention", "DRA", day(len(baseline)))
    sessions = []
    for i, n in enumerate([*baseline, *treatment]):
        s = rec.session(team.client, at=START + timedelta(days=i), targets=[target])
        rec.counts(s, target, [10 * k + 1 for k in range(n)])
        sessions.append(s)
    rec.send()
    return target, sessions


# --- /targets/<id>/data ------------------------------------------------------------------------


def test_data_is_one_value_per_session_with_phase_observer_date_and_ioa(http, team, make):
    target, sessions = ab_data(team, make)
    rec = team.rec
    other = make.target(team.client, "frequency", name="other")
    # Day 6: a session that did not track the target (no point); day 7: tracked, no response (0).
    rec.session(team.client, at=START + timedelta(days=6), targets=[other])
    zero = rec.session(team.client, at=START + timedelta(days=7), targets=[target])
    # A voided tap does not count.
    tap = rec.event(sessions[0], target, seconds=500)
    rec.void(sessions[0], tap, seconds=501)
    rec.send()
    # A second observer joins the day-4 session for 20 of its 30 minutes.
    ioa = team.second_rec.session(
        team.client, at=START + timedelta(days=4, minutes=5), minutes=20, role="reliability",
        targets=[target],
    )  # fmt: skip
    team.second_rec.send()

    answer = get(http, team, f"/api/v1/targets/{target.id}/data")
    points = answer["points"]
    assert answer["measurement"] == "frequency" and answer["unit"] == "Responses"
    assert [p["value"] for p in points] == [2, 3, 2, 5, 6, 7, 0]
    assert [p["date"] for p in points] == [day(i).isoformat() for i in (0, 1, 2, 3, 4, 5, 7)]
    assert [p["phase_label"] for p in points] == ["Baseline"] * 3 + ["DRA"] * 4
    assert [p["phase_kind"] for p in points] == ["baseline"] * 3 + ["intervention"] * 4
    assert {p["observer_id"] for p in points} == {team.bcba.id}
    assert [p["has_ioa"] for p in points] == [False] * 4 + [True] + [False] * 2
    assert points[4]["ioa_session_id"] == ioa["id"]
    assert points[-1]["session_id"] == zero["id"] and points[-1]["n"] == 0
    assert points[0]["details"]["count"] == 2  # every figure of the session comes along

    window = get(http, team, f"/api/v1/targets/{target.id}/data", **{"from": day(1), "to": day(3)})
    assert [p["value"] for p in window["points"]] == [3, 2, 5]


# --- /targets/<id>/summary ---------------------------------------------------------------------


def test_summary_levels_read_as_the_pdf_prints_them(http, team, make):
    """Screen and PDF used to disagree (the client view showed rate levels 0.1 and 0.5 with a
    range "0–0"). The summary now carries the PDF's own strings. Hand derivation: two 30-minute
    sessions with 1 and 2 responses are 1/30 = 0.0333 and 2/30 = 0.0667 per minute; the mean is
    0.05; below 1 a level keeps two significant figures (0.050, 0.033, 0.067); the SD of the two
    is |0.0667 − 0.0333| / √2 = 0.0236 → 0.024."""
    target = make.target(team.client, "rate")
    rec = team.rec
    for i, n in enumerate((1, 2)):
        s = rec.session(team.client, at=START + timedelta(days=i), targets=[target])
        rec.counts(s, target, [10 * k + 1 for k in range(n)])
    rec.send()
    (phase,) = get(http, team, f"/api/v1/targets/{target.id}/summary")["phases"]
    assert phase["display"] == {"mean": "0.050/min", "sd": "0.024", "range": "0.033–0.067/min"}


def test_summary_phases_trends_and_level_change(http, team, make):
    target, _ = ab_data(team, make)
    summary = get(http, team, f"/api/v1/targets/{target.id}/summary")
    assert summary["sessions"] == 6
    base, dra = summary["phases"]
    assert (base["label"], base["kind"], base["n"]) == ("Baseline", "baseline", 3)
    assert base["mean"] == pytest.approx(7 / 3)
    assert base["median"] == 2 and base["min"] == 2 and base["max"] == 3 and base["range"] == 1
    assert base["sd"] == pytest.approx(math.sqrt(1 / 3))  # squares 1/9 + 4/9 + 1/9, over n - 1
    assert (dra["mean"], dra["median"], dra["sd"]) == (6, 6, 1)
    assert dra["start_date"] == day(3).isoformat()
    assert dra["first_date"] == day(3).isoformat() and dra["last_date"] == day(5).isoformat()
    trend = dra["trend"]
    # 5, 6, 7 on sessions 1, 2, 3 and on consecutive days: +1 a session, +7 a week.
    assert trend["ols_per_session"] == pytest.approx(1)
    assert trend["ols_per_week"] == pytest.approx(7)
    assert trend["split_middle_per_session"] == pytest.approx(1)  # (7 - 5) / (3 - 1)
    assert trend["theil_sen_per_session"] == pytest.approx(1)
    assert base["trend"]["ols_per_session"] == pytest.approx(0)  # 2, 3, 2
    (change,) = summary["level_changes"]
    assert change["last_median_before"] == 2 and change["first_median_after"] == 6
    assert change["median_change"] == 4 and change["absolute_change"] == 3  # 5 - 2
    assert change["mean_difference"] == pytest.approx(6 - 7 / 3)


ALL_OVERLAP = "nap,tau,tau_u,pnd,pem,pand,ird,tau_bc,smd,lrr"


def test_effect_sizes_against_the_first_baseline(http, team, make):
    target, _ = ab_data(team, make)
    url = f"/api/v1/targets/{target.id}/summary"
    effects = get(http, team, url, effect_sizes=ALL_OVERLAP)["effect_sizes"]
    assert effects["baseline_index"] == 0
    assert [c["name"] for c in effects["chosen"]] == ALL_OVERLAP.split(",")
    (es,) = effects["comparisons"]
    assert (es["baseline_n"], es["phase_n"], es["phase_label"]) == (3, 3, "DRA")

    def est(name):
        return es[name]["estimate"]

    # Every one of the 9 (A, B) pairs improves: NAP = Tau = 1; baseline 2, 3, 2 has no trend
    # (S_A = +1 + 0 - 1 = 0), so Tau-U = (9 - 0) / 9 = 1.
    assert est("nap") == 1 and est("tau") == 1 and est("tau_u") == 1
    assert est("pnd") == 100  # all of 5, 6, 7 above the baseline maximum 3
    assert est("pem") == 100  # all above the baseline median 2
    assert est("pand") == 100 and est("ird") == 1
    # Theil-Sen on the baseline: slopes 1, 0, -1 -> 0; intercept median(2, 3, 2) = 2; the
    # residuals 0, 1, 0 | 3, 4, 5 do not overlap.
    assert est("tau_bc") == 1
    # SMD (SingleCaseES default): J (6 - 7/3) / sqrt(1/3), J = 1 - 3 / (4 * 2 - 1) = 4/7.
    assert est("smd") == pytest.approx(4 / 7 * 11 / math.sqrt(3))
    # LRRi of counts, bias-corrected: A mean 7/3 (variance 1/3), B mean 6 (variance 1).
    lrr = math.log(6) + 1 / (2 * 3 * 36) - math.log(7 / 3) - (1 / 3) / (2 * 3 * 49 / 9)
    se = math.sqrt(1 / (3 * 36) + (1 / 3) / (3 * 49 / 9))
    assert es["lrr"]["label"] == "LRRi"
    assert est("lrr") == pytest.approx(lrr) and es["lrr"]["se"] == pytest.approx(se)
    assert es["lrr"]["ci_low"] == pytest.approx(lrr - 1.959963984540054 * se)
    assert es["lrr"]["display"].endswith("% vs baseline")
    # NAP 1 with 3 + 3 points: the truncated unbiased SE and Newcombe's interior limit
    assert es["nap"]["se"] > 0 and es["nap"]["ci_low"] == pytest.approx(0.501, abs=5e-4)
    assert es["nap"]["ci_high"] == 1 and es["nap"]["confidence"] == 0.95
    assert es["nap"]["display"] == "1.00 (95% CI 0.50 to 1.00)"
    assert es["pnd"]["display"] == "100.0%" and es["pnd"]["se"] is None
    assert es["tau_u"]["ci_low"] is None  # Tau-U has no SE (SingleCaseES gives none)
    assert es["notes"] == {}


def test_default_effect_sizes_are_nap_tau_u_and_lrr_for_counts(http, team, make):
    # before: nine fixed effect sizes as bare numbers, no choice, no SE or interval
    target, _ = ab_data(team, make)
    effects = get(http, team, f"/api/v1/targets/{target.id}/summary")["effect_sizes"]
    assert [c["name"] for c in effects["chosen"]] == ["nap", "tau_u", "lrr"]
    (es,) = effects["comparisons"]
    assert {"nap", "tau_u", "lrr"} <= es.keys() and not {"tau", "pnd", "smd"} & es.keys()
    assert set(es["nap"]) == {
        "label",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "confidence",
        "display",
    }

    skill = make.target(team.client, "dtt")
    team.rec.phase(skill, "baseline", "Baseline", day(0))
    team.rec.send()
    chosen = get(http, team, f"/api/v1/targets/{skill.id}/summary")["effect_sizes"]["chosen"]
    assert [c["name"] for c in chosen] == ["nap", "tau_u"]  # a percentage: no LRR by default


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ("nap,glass", "unknown effect size 'glass'; choose from nap, tau"),
        ("", "name at least one effect size"),
        (" , ", "name at least one effect size"),
    ],
)
def test_unknown_effect_sizes_are_a_422_naming_the_field(http, team, make, asked, message):
    target, _ = ab_data(team, make)
    answer = get(http, team, f"/api/v1/targets/{target.id}/summary", status=422, effect_sizes=asked)
    (said,) = answer["error"]["fields"]["effect_sizes"]
    assert message in said


def test_the_answer_schema_declares_every_effect_size_of_the_catalogue():
    declared = set(ComparisonSchema().fields) - {
        "phase_index",
        "phase_label",
        "baseline_n",
        "phase_n",
        "notes",
    }
    assert declared == set(effect_sizes.NAMES)


def test_names_are_read_once_in_the_order_given_ignoring_case(http, team, make):
    target, _ = ab_data(team, make)
    url = f"/api/v1/targets/{target.id}/summary"
    chosen = get(http, team, url, effect_sizes="LRR, nap,lrr")["effect_sizes"]["chosen"]
    assert [c["name"] for c in chosen] == ["lrr", "nap"]


def test_effect_sizes_follow_the_target_direction(http, team, make):
    target, _ = ab_data(team, make, direction="decrease", baseline=(8, 9, 8), treatment=(3, 2, 1))
    url = f"/api/v1/targets/{target.id}/summary"
    (es,) = get(http, team, url, effect_sizes=ALL_OVERLAP)["effect_sizes"]["comparisons"]
    assert es["nap"]["estimate"] == 1 and es["tau"]["estimate"] == 1
    assert es["pnd"]["estimate"] == 100 and es["pand"]["estimate"] == 100
    # SMD is flipped for a decrease (positive = improvement): J 19 / sqrt(3), J = 4/7.
    assert es["smd"]["estimate"] == pytest.approx(4 / 7 * 19 / math.sqrt(3))
    # the LRR of a decrease target is LRRd, negative when the behaviour fell
    assert es["lrr"]["label"] == "LRRd" and es["lrr"]["estimate"] < 0


def test_undefined_effect_sizes_are_null_with_a_reason(http, team, make):
    target, _ = ab_data(team, make, baseline=(4,), treatment=(5, 6))
    url = f"/api/v1/targets/{target.id}/summary"
    (es,) = get(http, team, url, effect_sizes=ALL_OVERLAP)["effect_sizes"]["comparisons"]
    assert es["nap"]["estimate"] == 1  # defined with one baseline point
    assert es["nap"]["se"] is None  # the unbiased SE needs two points per phase
    assert es["tau_bc"] is None and "at least 2" in es["notes"]["tau_bc"]
    assert es["smd"] is None and "2 baseline" in es["notes"]["smd"]
    assert es["lrr"] is None and "2 data points in each phase" in es["notes"]["lrr"]
    assert "fewer than 3" in es["notes"]["comparison"]

    flat, _ = ab_data(team, make, baseline=(2, 2, 2), treatment=(5, 6, 7))
    url = f"/api/v1/targets/{flat.id}/summary"
    (es,) = get(http, team, url, effect_sizes="smd,tau_bc,lor")["effect_sizes"]["comparisons"]
    assert es["smd"] is None and "SD above 0" in es["notes"]["smd"]
    assert es["tau_bc"]["estimate"] == 1
    assert es["lor"] is None and "percentages" in es["notes"]["lor"]


def test_a_rate_that_falls_to_zero_has_an_lrr_on_the_session_length_floor(http, team, make):
    """SingleCaseES floors a zero phase mean at 1/(2 L n), L the session length in minutes:
    the summary takes L from the sessions' observed minutes (30 here)."""
    target = make.target(team.client, "rate", direction="decrease")
    rec = team.rec
    rec.phase(target, "baseline", "Baseline", day(0))
    rec.phase(target, "intervention", "NCR", day(3))
    for i, n in enumerate([3, 6, 3, 0, 0, 0]):
        s = rec.session(team.client, at=START + timedelta(days=i), targets=[target])
        rec.counts(s, target, [10 * k + 1 for k in range(n)])
    rec.send()
    url = f"/api/v1/targets/{target.id}/summary"
    (es,) = get(http, team, url)["effect_sizes"]["comparisons"]
    # A: 0.1, 0.2, 0.1 per minute (mean 2/15, variance 1/300); B: 0 floored to 1/(2*30*3)
    # with variance at least 1/(30^2 * 27)
    a_mean, a_var, b_mean, b_var = 2 / 15, 1 / 300, 1 / 180, 1 / (900 * 27)
    expected = (math.log(b_mean) + b_var / (2 * 3 * b_mean**2)) - (
        math.log(a_mean) + a_var / (2 * 3 * a_mean**2)
    )
    assert es["lrr"]["label"] == "LRRd"
    assert es["lrr"]["estimate"] == pytest.approx(expected)


def test_pogo_takes_the_aim_lines_end_value_as_the_goal(http, team, make):
    target = make.target(
        team.client,
        "frequency",
        aim={
            "start_date": day(0).isoformat(),
            "start_value": 2,
            "end_date": day(30).isoformat(),
            "end_value": 10,
        },
    )
    rec = team.rec
    rec.phase(target, "baseline", "Baseline", day(0))
    rec.phase(target, "intervention", "DRA", day(2))
    for i, n in enumerate([2, 2, 6, 6]):
        s = rec.session(team.client, at=START + timedelta(days=i), targets=[target])
        rec.counts(s, target, [10 * k + 1 for k in range(n)])
    rec.send()
    url = f"/api/v1/targets/{target.id}/summary"
    (es,) = get(http, team, url, effect_sizes="pogo")["effect_sizes"]["comparisons"]
    assert es["pogo"]["estimate"] == pytest.approx(50)  # (6 - 2) / (10 - 2)
    bare, _ = ab_data(team, make)
    url = f"/api/v1/targets/{bare.id}/summary"
    (es,) = get(http, team, url, effect_sizes="pogo")["effect_sizes"]["comparisons"]
    assert es["pogo"] is None and "aim line" in es["notes"]["pogo"]


def test_sessions_before_any_phase_and_no_baseline(http, team, make):
    target = make.target(team.client, "frequency")
    rec = team.rec
    for i, n in enumerate((1, 2)):
        s = rec.session(team.client, at=START + timedelta(days=i), targets=[target])
        rec.counts(s, target, range(n))
    rec.phase(target, "intervention", "Token board", day(2))
    s = rec.session(team.client, at=START + timedelta(days=2), targets=[target])
    rec.counts(s, target, range(4))
    rec.send()
    summary = get(http, team, f"/api/v1/targets/{target.id}/summary")
    assert [(p["label"], p["kind"], p["n"]) for p in summary["phases"]] == [
        ("no phase", None, 2),
        ("Token board", "intervention", 1),
    ]
    assert summary["phases"][1]["trend"]["ols_per_session"] is None
    assert "at least 2" in summary["phases"][1]["notes"]["ols_per_session"]
    assert summary["effect_sizes"] == {
        "baseline_index": None,
        "chosen": [
            {"name": "nap", "variant": "Parker & Vannest 2009; SingleCaseES NAP()"},
            {
                "name": "tau_u",
                "variant": "A vs B minus trend A (Parker et al. 2011; SingleCaseES Tau_U())",
            },
            {
                "name": "lrr",
                "variant": "bias-corrected (Pustejovsky 2018; SingleCaseES LRRi()/LRRd())",
            },
        ],
        "comparisons": [],
        "note": "no baseline phase",
    }
    assert summary["mastery"] is None and summary["aim"] is None


def test_a_target_without_data_has_an_empty_summary(http, team, make):
    target = make.target(
        team.client,
        "dtt",
        mastery={"percent": 80, "consecutive": 3, "min_trials": 0, "min_observers": 1},
        aim={"start_date": "2026-03-02", "start_value": 0, "end_date": "2026-04-02",
             "end_value": 80},
    )  # fmt: skip
    summary = get(http, team, f"/api/v1/targets/{target.id}/summary")
    assert summary["sessions"] == 0 and summary["percent_with_ioa"] is None
    assert summary["phases"] == [] and summary["level_changes"] == []
    assert summary["mastery"]["met"] is False and summary["mastery"]["reason"] == "no sessions"
    assert summary["aim"]["status"] == "no_data" and summary["aim"]["current_level"] is None
    assert get(http, team, f"/api/v1/targets/{target.id}/data")["points"] == []


def trials(rec, session, target, correct: int, total: int):
    for k in range(total):
        result = "correct" if k < correct else "incorrect"
        data = {"result": result, "prompt": "independent"}
        rec.event(session, target, "trial", data, seconds=k)


def test_mastery_is_met_on_the_third_consecutive_session_with_enough_trials(http, team, make):
    created = http.post(
        f"/api/v1/clients/{team.client.id}/targets",
        json={
            "name": "Tacts",
            "measurement": "dtt",
            "params": {"prompt_levels": ["independent", "gestural", "model"]},
            "mastery": {"percent": 80, "consecutive": 3, "min_trials": 5},
        },
        headers=team.headers["bcba"],
    )
    assert created.status_code == 201, created.get_json()
    target = db.session.get(Target, created.get_json()["id"])
    rec = team.rec
    rec.phase(target, "intervention", "DTT", day(0))
    # 60%; 100% but only 4 trials (breaks the run); 80%; 90%; 100% -> met on day 4.
    for i, (correct, total) in enumerate([(6, 10), (4, 4), (8, 10), (9, 10), (5, 5)]):
        s = rec.session(team.client, at=START + timedelta(days=i), targets=[target])
        trials(rec, s, target, correct, total)
    rec.send()

    early = get(http, team, f"/api/v1/targets/{target.id}/summary", to=day(3))["mastery"]
    assert early["met"] is False and early["status"] == "not_met"
    assert early["reason"] == "too few trials"  # 100, 80, 90 would do, but day 1 had 4 trials
    mastery = get(http, team, f"/api/v1/targets/{target.id}/summary", to=day(4))["mastery"]
    assert mastery["met"] is True and mastery["status"] == "met"
    assert mastery["date_met"] == day(4).isoformat()
    assert mastery["window_start_date"] == day(2).isoformat()
    assert mastery["sessions"] == 5 and mastery["phase_label"] == "DTT"
    assert mastery["criterion"] == {
        "percent": 80,
        "consecutive": 3,
        "min_trials": 5,
        "min_observers": 1,
    }


def test_aim_line_status(http, team, make):
    target = make.target(
        team.client,
        "frequency",
        aim={"start_date": day(0).isoformat(), "start_value": 0, "end_date": day(10).isoformat(),
             "end_value": 10},
    )  # fmt: skip
    rec = team.rec
    for i in range(5):  # 1, 2, 3, 4, 5 responses on days 0-4
        s = rec.session(team.client, at=START + timedelta(days=i), targets=[target])
        rec.counts(s, target, range(i + 1))
    rec.send()
    aim = get(http, team, f"/api/v1/targets/{target.id}/summary", to=day(4))["aim"]
    # The aim line reaches 4 on day 4; the median of the last three points (3, 4, 5) is 4.
    assert aim["expected"] == 4 and aim["current_level"] == 4 and aim["status"] == "on_track"
    late = get(http, team, f"/api/v1/targets/{target.id}/summary", to=day(9))["aim"]
    assert late["expected"] == 9 and late["difference"] == -5 and late["status"] == "behind"
    after = get(http, team, f"/api/v1/targets/{target.id}/summary", to=day(30))["aim"]
    assert after["expected"] == 10  # held at its end value


# --- /sessions/<id>/ioa ------------------------------------------------------------------------


def ioa_pair(team, targets, *, minutes=1.0, reliability_lead=0.0):
    primary = team.tech_rec.session(team.client, minutes=minutes, targets=targets)
    reliability = team.second_rec.session(
        team.client,
        at=START - timedelta(seconds=reliability_lead),
        minutes=minutes + reliability_lead / 60,
        role="reliability",
        targets=targets,
    )
    return primary, reliability


def send_pair(team):
    team.tech_rec.send()
    team.second_rec.send()


def measures(row):
    return {m["name"]: m for m in row["measures"]}


def test_count_ioa_total_and_per_interval(http, team, make):
    target = make.target(team.client, "frequency", name="Hitting")
    primary, reliability = ioa_pair(team, [target], reliability_lead=10)
    # Counts per 10-s interval over the shared minute: primary 2 1 0 3 2 0 (8),
    # reliability 2 2 0 3 2 1 (10).
    team.tech_rec.counts(primary, target, [1, 2, 11, 31, 32, 33, 41, 42])
    team.second_rec.counts(
        reliability, target, [-5, 11, 12, 21, 22, 41, 42, 43, 51, 52, 65]
    )  # -5 s: before the primary started (left out); 65 s: offset by the 10-s lead
    extra = team.tech_rec.event(primary, target, seconds=55)
    team.tech_rec.void(primary, extra, seconds=56)  # a corrected tap
    send_pair(team)

    answer = get(http, team, f"/api/v1/sessions/{reliability['id']}/ioa")
    assert answer["paired"] is True and answer["message"] is None
    assert answer["primary_session_id"] == primary["id"]
    assert answer["reliability_session_id"] == reliability["id"]
    assert answer["overlap_seconds"] == 60
    (row,) = answer["targets"]
    assert row["target_id"] == target.id
    m = measures(row)
    assert m["total_count"]["value"] == pytest.approx(80)  # 8 / 10
    assert row["measure"] == "Total count" and row["agreement"] == pytest.approx(80)
    # min/max per interval: 1, .5, 1 (0 and 0), 1, 1, 0 -> 4.5 / 6
    assert m["mean_count_per_interval"]["value"] == pytest.approx(75)
    assert m["exact_count_per_interval"]["value"] == pytest.approx(400 / 6)  # 4 of 6 equal
    table = row["table"]
    assert table["kind"] == "count_per_interval"
    assert [(r["observer1"], r["observer2"], r["agree"]) for r in table["rows"]] == [
        (2, 2, True), (1, 2, False), (0, 0, True), (3, 3, True), (2, 2, True), (0, 1, False),
    ]  # fmt: skip
    assert [r["start_seconds"] for r in table["rows"]] == [0, 10, 20, 30, 40, 50]
    assert row["observer2"] == {"in_window": 10, "outside_window": 1}

    # The same pair seen from the primary session; 20-s intervals: 3 3 2 against 4 3 3.
    same = get(http, team, f"/api/v1/sessions/{primary['id']}/ioa", bin_seconds=20)
    m = measures(same["targets"][0])
    assert m["total_count"]["value"] == pytest.approx(80)
    assert m["mean_count_per_interval"]["value"] == pytest.approx(100 * (3 / 4 + 1 + 2 / 3) / 3)


def test_interval_ioa_by_interval_index(http, team, make):
    target = make.target(team.client, "partial_interval")
    primary, reliability = ioa_pair(team, [target])
    for rec, session, marks in (
        (team.tech_rec, primary, [True, True, False, False, None]),
        (team.second_rec, reliability, [True, False, False, False, True]),
    ):
        for i, scored in enumerate(marks):
            rec.event(session, target, "interval", {"index": i, "scored": scored}, seconds=i)
    send_pair(team)
    (row,) = get(http, team, f"/api/v1/sessions/{primary['id']}/ioa")["targets"]
    m = measures(row)
    # Interval 4 was skipped by the primary observer: left out everywhere.
    assert m["interval_by_interval"]["value"] == pytest.approx(75)  # 3 of 4 agree
    assert m["scored_interval"]["value"] == pytest.approx(50)  # intervals 0, 1: both in 0
    assert m["unscored_interval"]["value"] == pytest.approx(200 / 3)  # 1, 2, 3: both in 2, 3
    # po = .75; pe = .5 * .25 + .5 * .75 = .5; kappa = .25 / .5
    assert m["kappa"]["value"] == pytest.approx(0.5) and m["kappa"]["unit"] == "kappa"
    assert [r["agree"] for r in row["table"]["rows"]] == [True, False, True, True, None]


def test_interval_ioa_undefined_measures_are_null_with_a_note(http, team, make):
    target = make.target(team.client, "whole_interval")
    primary, reliability = ioa_pair(team, [target])
    for rec, session in ((team.tech_rec, primary), (team.second_rec, reliability)):
        for i in range(3):
            rec.event(session, target, "interval", {"index": i, "scored": False}, seconds=i)
    send_pair(team)
    m = measures(get(http, team, f"/api/v1/sessions/{primary['id']}/ioa")["targets"][0])
    assert m["interval_by_interval"]["value"] == 100
    assert m["scored_interval"]["value"] is None
    assert m["scored_interval"]["note"] == "no interval was scored by either observer"
    assert m["unscored_interval"]["value"] == 100
    assert m["kappa"]["value"] is None and "same code" in m["kappa"]["note"]


def test_trial_ioa_aligned_by_order(http, team, make):
    target = make.target(team.client, "dtt")
    primary, reliability = ioa_pair(team, [target])
    first = [("correct", "independent"), ("correct", "independent"), ("incorrect", "gestural")]
    second = [*first[:1], ("correct", "gestural"), first[2], ("correct", "independent")]
    for rec, session, codes in (
        (team.tech_rec, primary, first),
        (team.second_rec, reliability, second),
    ):
        for k, (result, prompt) in enumerate(codes):
            rec.event(session, target, "trial", {"result": result, "prompt": prompt}, seconds=k)
    send_pair(team)
    (row,) = get(http, team, f"/api/v1/sessions/{primary['id']}/ioa")["targets"]
    m = measures(row)
    # Trials 1 and 3 agree; trial 2 differs in prompt; trial 4 has no primary record.
    assert m["trial_by_trial"]["value"] == pytest.approx(50)
    assert [r["agree"] for r in row["table"]["rows"]] == [True, False, True, False]
    assert row["table"]["rows"][3]["observer1"] == "not recorded"


def test_latency_rating_and_trials_are_compared_inside_the_shared_window(http, team, make):
    latency = make.target(team.client, "latency")
    rating = make.target(team.client, "rating")
    dtt = make.target(team.client, "dtt")
    targets = [latency, rating, dtt]
    primary = team.tech_rec.session(team.client, minutes=10, targets=targets)
    # The second observer joins one minute in and stays to the end.
    reliability = team.second_rec.session(
        team.client, at=START + timedelta(minutes=1), minutes=9, role="reliability",
        targets=targets,
    )  # fmt: skip
    p, r = team.tech_rec, team.second_rec
    trial = {"result": "correct", "prompt": "independent"}
    p.event(primary, dtt, "trial", {"result": "incorrect", "prompt": "model"}, seconds=10)
    for k in range(3):  # the same three trials inside the window
        p.event(primary, dtt, "trial", trial, seconds=70 + k)
        r.event(reliability, dtt, "trial", trial, seconds=10 + k)
    for seconds, value in ((100, 2.0), (200, 4.0), (300, 6.0)):
        p.event(primary, latency, "latency", {"seconds": value}, seconds=seconds)
    for seconds, value in ((40, 2.0), (140, 5.0)):
        r.event(reliability, latency, "latency", {"seconds": value}, seconds=seconds)
    for seconds, value in ((120, 3), (500, 4)):
        p.event(primary, rating, "rating", {"value": value}, seconds=seconds)
    for seconds, value in ((60, 3), (440, 5)):
        r.event(reliability, rating, "rating", {"value": value}, seconds=seconds)
    send_pair(team)
    rows = {
        row["target_id"]: row
        for row in get(http, team, f"/api/v1/sessions/{primary['id']}/ioa")["targets"]
    }
    # The trial before the second observer arrived is left out: 3 of 3 agree.
    assert measures(rows[dtt.id])["trial_by_trial"]["value"] == 100
    assert rows[dtt.id]["observer1"] == {"trials": 3, "outside_window": 1}
    # Latencies paired in order: 2/2 = 1, 4/5 = .8, the third unpaired scores 0:
    # (1 + .8) / 2 * 2 / 3 = 60%.
    assert measures(rows[latency.id])["mean_duration_per_occurrence"]["value"] == (
        pytest.approx(60)
    )
    assert [r["agreement"] for r in rows[latency.id]["table"]["rows"]] == pytest.approx(
        [100, 80, 0]
    )
    assert measures(rows[rating.id])["exact_agreement"]["value"] == 50  # 3 = 3, 4 != 5


def test_duration_ioa(http, team, make):
    target = make.target(team.client, "duration")
    primary, reliability = ioa_pair(team, [target])
    for rec, session, spans in (
        (team.tech_rec, primary, [(0, 10), (20, 30)]),
        (team.second_rec, reliability, [(0, 8), (20, 30)]),
    ):
        for a, b in spans:
            episode = {"episode": str(uuid.uuid4())}
            rec.event(session, target, "duration_start", episode, seconds=a)
            rec.event(session, target, "duration_stop", episode, seconds=b)
    send_pair(team)
    m = measures(get(http, team, f"/api/v1/sessions/{primary['id']}/ioa")["targets"][0])
    assert m["total_duration"]["value"] == pytest.approx(100 * 18 / 20)
    assert m["mean_duration_per_occurrence"]["value"] == pytest.approx(100 * (0.8 + 1) / 2)


def test_latency_ioa_a_response_against_no_response_is_a_disagreement(http, team, make):
    target = make.target(team.client, "latency", params={"max_wait_seconds": 10})
    primary, reliability = ioa_pair(team, [target])
    trials = (
        (team.tech_rec, primary, [{"seconds": 4}, {"seconds": 10, "no_response": True}]),
        (team.second_rec, reliability, [{"seconds": 5}, {"seconds": 9.8}]),
    )
    for rec, session, data in trials:
        for k, d in enumerate(data):
            rec.event(session, target, "latency", d, seconds=10 + 20 * k)
    send_pair(team)
    (row,) = get(http, team, f"/api/v1/sessions/{primary['id']}/ioa")["targets"]
    # trial 1: 4 against 5 s = 80%; trial 2: no response against a response at 9.8 s = 0,
    # not 98%
    assert [r["agreement"] for r in row["table"]["rows"]] == [pytest.approx(80), 0]
    assert measures(row)["mean_duration_per_occurrence"]["value"] == pytest.approx(40)
    assert row["agreement"] == pytest.approx(40)
    assert (row["observer1"]["no_response"], row["observer2"]["no_response"]) == (1, 0)


def test_only_targets_tracked_by_both_sessions_and_zero_is_not_untracked(http, team, make):
    both = make.target(team.client, "frequency", name="both")
    primary_only = make.target(team.client, "frequency", name="primary only")
    primary, reliability = ioa_pair(team, [both])
    primary["target_ids"].append(primary_only.id)
    team.tech_rec.counts(primary, primary_only, [1, 2])
    team.second_rec.counts(reliability, both, [1, 2, 3])  # the primary observer saw none
    send_pair(team)
    (row,) = get(http, team, f"/api/v1/sessions/{primary['id']}/ioa")["targets"]
    assert row["target_id"] == both.id
    assert measures(row)["total_count"]["value"] == 0  # 0 against 3


def test_a_primary_with_two_second_observers_pairs_with_the_longer_overlap(http, team, make):
    target = make.target(team.client, "frequency")
    primary = team.tech_rec.session(team.client, minutes=30, targets=[target])
    short = team.second_rec.session(
        team.client, at=START + timedelta(minutes=1), minutes=5, role="reliability",
        targets=[target],
    )  # fmt: skip
    long = team.second_rec.session(
        team.client, at=START + timedelta(minutes=10), minutes=20, role="reliability",
        targets=[target],
    )  # fmt: skip
    send_pair(team)
    answer = get(http, team, f"/api/v1/sessions/{primary['id']}/ioa")
    assert answer["reliability_session_id"] == long["id"]
    assert answer["other_reliability_session_ids"] == [short["id"]]
    assert answer["overlap_seconds"] == 20 * 60
    assert (
        get(http, team, f"/api/v1/sessions/{short['id']}/ioa")["primary_session_id"]
        == (primary["id"])
    )


def test_a_session_without_partner_says_so(http, team, make):
    target = make.target(team.client, "frequency")
    alone = team.tech_rec.session(team.client, targets=[target])
    still_open = team.tech_rec.session(
        team.client, at=START + timedelta(days=1), targets=[target], open=True
    )
    team.tech_rec.send()
    for session in (alone, still_open):
        answer = get(http, team, f"/api/v1/sessions/{session['id']}/ioa")
        assert answer["paired"] is False and answer["targets"] == []
        assert answer["message"].startswith("This session has no reliability partner")


# --- /clients/<id>/fba -------------------------------------------------------------------------


def abc(antecedent, behavior, consequence):
    return {"antecedent": antecedent, "behavior": behavior, "consequence": consequence}


def test_fba_abc_probabilities_and_likely_function(http, team, make):
    target = make.target(team.client, "abc", direction="decrease")
    rec = team.rec
    s = rec.session(team.client, targets=[target])
    records = [
        abc("demand", "hit", "demand removed"),
        abc("demand", "hit", "demand removed"),
        abc("alone", "hit", "attention"),
        abc("demand", "scream", "demand removed"),
    ]
    for k, data in enumerate(records):
        rec.event(s, target, "abc", data, seconds=k)
    wrong = rec.event(s, target, "abc", abc("play", "hit", "tangible"), seconds=9)
    rec.void(s, wrong, seconds=10)
    rec.send()

    fba = get(http, team, f"/api/v1/clients/{team.client.id}/fba")
    table = fba["abc"]
    assert table["n"] == 4 and table["behaviors"] == {"hit": 3, "scream": 1}
    assert table["p_behavior_given_antecedent"]["demand"] == pytest.approx(
        {"hit": 2 / 3, "scream": 1 / 3}
    )
    assert table["p_behavior_given_antecedent"]["alone"] == {"hit": 1}
    assert table["p_consequence_given_behavior"]["hit"] == pytest.approx(
        {"demand removed": 2 / 3, "attention": 1 / 3}
    )
    assert table["likely_function"]["function"] == "escape"
    assert table["likely_function"]["proportions"]["escape"] == pytest.approx(3 / 4)
    hit = next(b for b in table["by_behavior"] if b["behavior"] == "hit")
    assert hit["function"] == "escape" and hit["n_records"] == 3
    # ABC records of a decrease target are problem behavior on the scatterplot too.
    assert fba["scatterplot"]["events"] == 4


def test_fba_scatterplot_in_the_clinic_time_zone(http, team, make):
    target = make.target(team.client, "frequency", direction="decrease")
    rec = team.rec
    for i, n in enumerate((3, 0, 5)):  # days 0, 1, 2 at 15:00 UTC = 09:00 in Chicago
        s = rec.session(team.client, at=START + timedelta(days=i), minutes=45, targets=[target])
        rec.counts(s, target, [60 * k for k in range(n)])
    s = rec.session(team.client, at=START + timedelta(days=2, hours=5), targets=[target])
    rec.counts(s, target, [0, 1])  # 14:00 Chicago
    rec.send()

    plot = get(
        http, team, f"/api/v1/clients/{team.client.id}/fba", tz="America/Chicago", bin_minutes=60
    )["scatterplot"]
    assert plot["time_zone"] == "America/Chicago" and plot["target_ids"] == [target.id]
    assert plot["dates"] == [day(i).isoformat() for i in range(3)]
    nine, two = plot["bin_starts"].index("09:00:00"), plot["bin_starts"].index("14:00:00")
    assert plot["counts"][nine] == [3, 0, 5]  # day 1 observed with no behavior: a real 0
    assert plot["counts"][two] == [0, 0, 2]
    assert plot["observed"][nine] == [True, True, True]
    assert plot["observed"][two] == [False, False, True]
    assert plot["observed"][plot["bin_starts"].index("03:00:00")] == [False] * 3
    assert plot["events"] == 10


def test_fba_functional_analysis_from_condition_phases(http, team, make):
    target = make.target(team.client, "frequency", direction="decrease", name="Aggression")
    rec = team.rec
    plan = [("play", 1), ("attention", 5), ("escape", 1), ("play", 2), ("attention", 6),
            ("escape", 2), ("play", 1), ("attention", 7), ("escape", 1)]  # fmt: skip
    for i, (condition, n) in enumerate(plan):
        rec.phase(target, "condition", condition, day(i))
        s = rec.session(team.client, at=START + timedelta(days=i), minutes=10, targets=[target])
        rec.counts(s, target, range(n))
    rec.send()
    (fa,) = get(http, team, f"/api/v1/clients/{team.client.id}/fba")["functional_analyses"]
    # Play 1, 2, 1: mean 4/3, SD sqrt(1/3): criterion lines 1.91 and 0.76.
    assert fa["control"] == "play"
    assert fa["upper_criterion"] == pytest.approx(4 / 3 + math.sqrt(1 / 3))
    by_name = {c["condition"]: c for c in fa["conditions"]}
    assert by_name["attention"]["mean"] == 6 and by_name["attention"]["points_above"] == 3
    assert by_name["attention"]["elevated"] is True
    assert by_name["escape"]["elevated"] is False
    assert fa["elevated"] == ["attention"] and fa["functions"] == ["attention"]

    other = get(http, team, f"/api/v1/clients/{team.client.id}/fba", control="free play")
    assert other["functional_analyses"][0]["control"] is None
    assert "control" in other["functional_analyses"][0]["note"]


# --- query validation, permissions, audit --------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "query"),
    [
        ("/api/v1/targets/{target}/data", {"from": "yesterday"}),
        ("/api/v1/targets/{target}/data", {"from": "2026-03-05", "to": "2026-03-01"}),
        ("/api/v1/targets/{target}/summary", {"bogus": "1"}),
        ("/api/v1/targets/{target}/summary", {"to": "2026-02-30"}),
        ("/api/v1/sessions/{session}/ioa", {"bin_seconds": "0"}),
        ("/api/v1/sessions/{session}/ioa", {"bin_seconds": "nan"}),
        ("/api/v1/sessions/{session}/ioa", {"bin": "10"}),
        ("/api/v1/clients/{client}/fba", {"tz": "Mars/Olympus_Mons"}),
        ("/api/v1/clients/{client}/fba", {"bin_minutes": "0"}),
        ("/api/v1/clients/{client}/fba", {"target_id": "not-a-uuid"}),
        ("/api/v1/clients/{client}/fba", {"control": ""}),
    ],
)
def test_bad_query_parameters_are_422(http, team, make, route, query):
    target = make.target(team.client, "frequency")
    s = team.rec.session(team.client, targets=[target])
    team.rec.send()
    url = route.format(target=target.id, session=s["id"], client=team.client.id)
    answer = get(http, team, url, status=422, **query)
    assert answer["error"]["code"] == "unprocessable" and answer["error"]["fields"]


def test_off_caseload_and_foreign_target_are_404(http, team, make):
    target = make.target(team.client, "frequency")
    s = team.rec.session(team.client, targets=[target])
    team.rec.send()
    outsider = make.user("bcba")
    make.client(outsider)
    headers = make.login(outsider)
    for url in (
        f"/api/v1/targets/{target.id}/data",
        f"/api/v1/targets/{target.id}/summary",
        f"/api/v1/sessions/{s['id']}/ioa",
        f"/api/v1/clients/{team.client.id}/fba",
    ):
        assert http.get(url, headers=headers).status_code == 404, url
    elsewhere = make.target(make.client(team.bcba), "frequency")
    get(http, team, f"/api/v1/clients/{team.client.id}/fba", 404, target_id=elsewhere.id)
    get(http, team, f"/api/v1/targets/{uuid.uuid4()}/summary", 404)


def test_every_read_is_audited(http, team, make):
    target = make.target(team.client, "frequency")
    s = team.rec.session(team.client, targets=[target])
    team.rec.send()
    for url in (
        f"/api/v1/targets/{target.id}/data",
        f"/api/v1/targets/{target.id}/summary",
        f"/api/v1/sessions/{s['id']}/ioa",
        f"/api/v1/clients/{team.client.id}/fba",
    ):
        get(http, team, url)
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "read",
            AuditEntry.resource.in_(["target_data", "target_summary", "session_ioa", "fba"]),
        )
    ).all()
    assert sorted(e.resource for e in entries) == [
        "fba",
        "session_ioa",
        "target_data",
        "target_summary",
    ]
    assert {e.client_id for e in entries} == {team.client.id}
    assert {e.user_id for e in entries} == {team.bcba.id}


# --- the value-only path equals bdc.measures ------------------------------------------------------

MEASUREMENT_EVENTS = {
    "frequency": lambda r: ("count", {}),
    "rate": lambda r: ("count", {}),
    "abc": lambda r: ("abc", abc(r.choice("ab"), "hit", r.choice(["attention", "break"]))),
    "latency": lambda r: (
        "latency",
        # a fifth of the trials without a response, at the 20-s wait
        {"seconds": 20, "no_response": True}
        if r.random() < 0.2
        else {"seconds": round(r.uniform(0, 20), 2)},
    ),
    "partial_interval": lambda r: (
        "interval",
        {"index": r.randrange(8), "scored": r.choice([True, False, None])},
    ),
    "momentary_time_sampling": lambda r: (
        "interval",
        {"index": r.randrange(8), "scored": r.choice([True, False])},
    ),
    "dtt": lambda r: (
        "trial",
        {
            "result": r.choice(["correct", "incorrect", "no_response"]),
            "prompt": r.choice(["independent", "gestural", "model"]),
        },
    ),
    "task_analysis": lambda r: (
        "step",
        {
            "step": r.randrange(3),
            "result": r.choice(["correct", "incorrect"]),
            "prompt": r.choice(["independent", "model"]),
        },
    ),
    "rating": lambda r: ("rating", {"value": r.randint(1, 5)}),
}


@pytest.mark.parametrize("measurement", [*MEASUREMENT_EVENTS, "duration"])
def test_value_only_path_gives_the_values_of_bdc_measures(http, team, make, measurement):
    """Random sessions with voids, pauses, notes, repeated interval/step records, untracked and
    empty sessions: the summary's value-only path must equal measure_session exactly."""
    r = random.Random(measurement)
    target = make.target(team.client, measurement)
    other = make.target(team.client, "frequency", name="other")
    rec = team.rec
    for i in range(12):
        tracked = [target] if i % 5 else [other]  # every fifth session does not track it
        s = rec.session(team.client, at=START + timedelta(days=i), targets=tracked)
        made = []
        for k in range(r.randrange(1 if i % 4 < 2 else 0, 9)):
            if measurement == "duration":
                episode = {"episode": str(uuid.uuid4())}
                rec.event(s, target, "duration_start", episode, seconds=30 * k)
                if r.random() < 0.8:
                    made.append(rec.event(s, target, "duration_stop", episode, 30 * k + 9))
                continue
            kind, data = MEASUREMENT_EVENTS[measurement](r)
            made.append(rec.event(s, target, kind, data, seconds=7 * k + r.random()))
        if i % 3 == 0 and made:
            rec.void(s, r.choice(made), seconds=500, target=target)
        if i % 4 == 1:
            rec.event(s, None, "pause", seconds=10)
            rec.event(s, None, "resume", seconds=70)
        if i % 6 == 2:
            rec.event(s, target, "note", {"text": "fire drill"}, seconds=3)
        if i == 7 and measurement != "duration":  # a session-level void of a target event
            extra = rec.event(s, target, *MEASUREMENT_EVENTS[measurement](r), seconds=90)
            rec.void(s, extra, seconds=95)
    rec.send()

    full = series.target_values(target, details=True)
    lean = series.target_values(target, details=False)
    assert len(full) >= 6
    assert [(v.session_id, v.value, v.n) for v in lean] == [
        (v.session_id, v.value, v.n) for v in full
    ]
    bulk = summaries.summaries_for([target, other])[target.id]
    over_http = get(http, team, f"/api/v1/targets/{target.id}/summary")
    assert bulk["sessions"] == over_http["sessions"] == len(full)
    assert [p["mean"] for p in bulk["phases"]] == pytest.approx(
        [p["mean"] for p in over_http["phases"]]
    )
