"""Graphs, the progress report and exports over HTTP (issue: graphs, report, export).

The data goes in through POST /api/v1/sync as the tablets send it. Every figure asserted
below is worked out by hand in ``world`` from the numbers recorded.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader
from sqlalchemy import select

from bdc import drawing
from bdc.extensions import db
from bdc.models import AuditEntry
from bdc.reports import report_page_count
from bdc.services import fba, graphs, progress_report, series
from tests.tablet import Tablet

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday
DAY0 = START.date()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


class Outbox(Tablet):
    """Sessions and phases placed by day number from START; events 10 s into the session."""

    def session(self, client, n, *, minute=0, **kwargs):
        return super().session(client, at=START + timedelta(days=n, minutes=minute), **kwargs)

    def event(self, session, target, kind="count", data=None, seconds=10.0):
        return super().event(session, target, kind, data, seconds)

    def phase(self, target, kind, label, n):
        super().phase(target, kind, label, day(n))


HITS = [3, 4, 3, 5, 2, 1, 1, 0]  # Hitting peers per primary session, days 0-7
CORRECT = [1, 0, 1, 3, 4, 5, 5, 4]  # independent correct of 5 trials, days 0-7
ABC = {1: 2, 2: 1}  # Elopement ABC records by day


@pytest.fixture
def world(make, http):
    """One client, code RPT-001 (name "Test Learner"), eight primary sessions (days 0-7).

    Hitting peers (frequency, decrease): Baseline days 0-3 (3, 4, 3, 5: mean 3.75), DRA from
      day 4 (2, 1, 1, 0: mean 1.0; OLS slope -0.6 per session). Every DRA value is below
      every baseline value: NAP = 1.00 in the goal's direction. On day 6 one of two counts
      is voided (value 1). A reliability session on day 5 counts 1 (as the primary): IOA
      total count 100 %, coverage 1 of 8 sessions. A Maintenance phase starts on day 10,
      after the last session.
    Receptive ID (dtt, mastery >= 80 % on 3 consecutive sessions, at least 5 trials): 5
      trials a day; baseline days 0-2 (20, 0, 20 %), Errorless teaching from day 3
      (60, 80, 100, 100, 80 %): 80, 100, 100 on days 4-6 meet the criterion on day 6,
      8 March 2026.
    Elopement (ABC recording, decrease, no phases): 2 records on day 1, 1 on day 2, 0 on the
      other days.
    Retired skill (frequency, inactive, no data): not in the report; nor is Planned for
      later (active, created today, after the period).
    A fidelity check on day 6 of the technician: 3 of 4 steps correct, 75 %.
    """
    bcba = make.user("bcba", username="casey.bcba")
    tech = make.user("technician", username="sam.tech")
    second = make.user("therapist", username="lee.second")
    client = make.client(bcba, tech, second, code="RPT-001")
    created = START - timedelta(days=30)
    hits = make.target(
        client,
        "frequency",
        created_at=created,
        name="Hitting peers",
        direction="decrease",
        definition="Any open- or closed-hand contact with a peer's body.",
    )
    receptive = make.target(
        client,
        "dtt",
        created_at=created,
        name="Receptive ID",
        definition="Touches the named picture in a field of three within 5 s.",
        mastery={"percent": 80, "consecutive": 3, "min_trials": 5, "min_observers": 1},
    )
    elopement = make.target(
        client,
        "abc",
        created_at=created,
        name="Elopement",
        direction="decrease",
        params={"antecedents": [], "behaviors": [], "consequences": []},
    )
    make.target(client, "frequency", name="Retired skill", active=False, created_at=created)
    make.target(client, "frequency", name="Planned for later")  # created after every period
    plan = make.plan(client, steps=4)

    bcba_box = Outbox(http, make.login(bcba))
    bcba_box.phase(hits, "baseline", "Baseline", 0)
    bcba_box.phase(hits, "intervention", "DRA", 4)
    bcba_box.phase(hits, "maintenance", "Maintenance", 10)  # no session yet
    bcba_box.phase(receptive, "baseline", "Baseline", 0)
    bcba_box.phase(receptive, "intervention", "Errorless teaching", 3)
    fidelity = bcba_box.session(
        client, 6, minute=60, kind="fidelity", plan_id=plan.id, staff_id=tech.id
    )
    for step, value in enumerate([True, True, False, True]):
        bcba_box.event(fidelity, None, "fidelity", {"step": step, "opportunity": 0, "value": value})
    sent = bcba_box.send()

    box = Outbox(http, make.login(tech))
    for n in range(8):
        s = box.session(client, n, targets=[hits, receptive, elopement])
        for k in range(HITS[n]):
            box.event(s, hits, seconds=10 + k)
        if n == 6:
            extra = box.event(s, hits, seconds=30)
            box.event(s, None, "void", {"voids": extra["id"]}, seconds=31)
        for k in range(5):
            result = "correct" if k < CORRECT[n] else "incorrect"
            box.event(s, receptive, "trial", {"result": result, "prompt": "independent"}, 60 + k)
        for k in range(ABC.get(n, 0)):
            record = {
                "antecedent": "Transition",
                "behavior": "Elopement",
                "consequence": "Escorted back",
            }
            box.event(s, elopement, "abc", record, seconds=120 + k)
    sent = {k: sent[k] + v for k, v in box.send().items()}

    check = Outbox(http, make.login(second))
    r = check.session(client, 5, targets=[hits], role="reliability")
    check.event(r, hits, seconds=30)
    sent = {k: sent[k] + v for k, v in check.send().items()}

    class World:
        pass

    w = World()
    w.client, w.bcba, w.tech = client, bcba, tech
    w.hits, w.receptive, w.elopement = hits, receptive, elopement
    w.headers = make.login(bcba)
    w.sent = sent
    return w


def get(http, world, url, status=200, **query):
    answer = http.get(url, query_string=query, headers=world.headers)
    assert answer.status_code == status, answer.get_data(as_text=True)[:500]
    return answer


PERIOD = {"from": day(0).isoformat(), "to": day(13).isoformat()}


def audit_entries(action: str, resource: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action, AuditEntry.resource == resource)
        )
    )


def disposition(answer) -> str:
    value = answer.headers["Content-Disposition"]
    assert value.startswith("attachment; filename=")
    assert "RPT-001" in value and "Test" not in value and "Learner" not in value
    return value


# --- graphs ------------------------------------------------------------------------------------


def test_graph_png_is_a_png_and_is_audited(http, world):
    answer = get(http, world, f"/api/v1/targets/{world.hits.id}/graph.png")
    assert answer.content_type == "image/png"
    assert answer.data.startswith(PNG_MAGIC)
    assert answer.headers["Cache-Control"] == "private, no-store"
    disposition(answer)
    entries = audit_entries("read", "target_graph")
    assert [(e.resource_id, e.client_id, e.user_id) for e in entries] == [
        (world.hits.id, world.client.id, world.bcba.id)
    ]
    assert entries[0].detail["sessions"] == 8


def test_graph_series_phases_and_points(ctx, world):
    data = graphs.target_series(world.hits, day(0), day(13))
    assert [(p.label, p.kind, p.start) for p in data.phases] == [
        ("Baseline", "baseline", day(0)),
        ("DRA", "intervention", day(4)),
        ("Maintenance", "maintenance", day(10)),  # begun after the last session
    ]
    assert [p.value for p in data.points] == HITS
    assert [p.phase_index for p in data.points] == [0] * 4 + [1] * 4
    assert [p.reliability for p in data.points] == [n == 5 for n in range(8)]
    assert {p.observed_minutes for p in data.points} == {30.0}
    assert data.direction == "decrease" and data.measurement == "frequency"
    assert len(graphs.target_series(world.hits, day(0), day(9)).phases) == 2
    receptive = graphs.target_series(world.receptive)
    assert receptive.min_trials == 5 and {p.trials for p in receptive.points} == {5}


def test_graph_svg_is_xml_named_after_the_target(http, world):
    answer = get(
        http, world, f"/api/v1/targets/{world.receptive.id}/graph.svg", x="date", trend="ols"
    )
    assert answer.content_type.startswith("image/svg+xml")
    root = ET.fromstring(answer.data)
    assert root.tag == f"{SVG}svg"
    assert "Receptive ID" in root.find(f"{SVG}title").text
    assert "Receptive ID" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        {"chart": "cumulative"},
        {"chart": "celeration"},
        {"trend": "split_middle", "aim": "false"},
        {"trend": "none", "x": "date", **PERIOD},
    ],
)
def test_graph_options(http, world, query):
    answer = get(http, world, f"/api/v1/targets/{world.hits.id}/graph.png", **query)
    assert answer.data.startswith(PNG_MAGIC)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"chart": "pie"}, "chart"),
        ({"trend": "linear"}, "trend"),
        ({"x": "week"}, "x"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to"),
        ({"aim": "maybe"}, "aim"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_graph_options_are_422(http, world, query, field):
    answer = get(http, world, f"/api/v1/targets/{world.hits.id}/graph.png", 422, **query)
    assert field in answer.get_json()["error"]["fields"]
    assert audit_entries("read", "target_graph") == []


@pytest.mark.parametrize(
    ("target", "chart"), [("receptive", "celeration"), ("receptive", "cumulative")]
)
def test_a_chart_that_does_not_suit_the_measurement_is_422(http, world, target, chart):
    target_id = getattr(world, target).id
    answer = get(http, world, f"/api/v1/targets/{target_id}/graph.svg", 422, chart=chart)
    assert "dtt" in answer.get_json()["error"]["fields"]["chart"][0]


@pytest.mark.parametrize(
    ("kind", "fmt", "query"),
    [
        ("abc", "png", {}),
        ("abc", "svg", {"behavior": "Elopement"}),
        ("scatterplot", "png", {"tz": "America/Chicago", "bin_minutes": "60", **PERIOD}),
        ("multielement", "svg", {}),
        ("ioa", "png", PERIOD),
        ("fidelity", "svg", PERIOD),
    ],
)
def test_fba_and_quality_charts(http, world, kind, fmt, query):
    url = f"/api/v1/clients/{world.client.id}/charts/{kind}.{fmt}"
    answer = get(http, world, url, **query)
    if fmt == "png":
        assert answer.data.startswith(PNG_MAGIC)
    else:
        assert ET.fromstring(answer.data).tag == f"{SVG}svg"
    assert f"{kind}-RPT-001.{fmt}" in disposition(answer)
    resource = "quality_chart" if kind in ("ioa", "fidelity") else "fba_chart"
    assert [e.detail["kind"] for e in audit_entries("read", resource)] == [kind]


def test_bad_chart_queries_are_422(http, world):
    base = f"/api/v1/clients/{world.client.id}/charts"
    assert get(http, world, f"{base}/scatterplot.png", 422, tz="Mars/Olympus").status_code
    assert get(http, world, f"{base}/scatterplot.png", 422, bin_minutes="7").status_code
    # a functional analysis needs condition phases; a scatterplot counts responses
    get(http, world, f"{base}/multielement.png", 422, target_id=world.receptive.id)
    get(http, world, f"{base}/scatterplot.png", 422, target_id=world.receptive.id)
    get(http, world, f"{base}/abc.png", 404, target_id=str(uuid.uuid4()))


# --- the progress report -----------------------------------------------------------------------


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_report_pdf_pages_and_text(http, world):
    answer = get(http, world, f"/api/v1/clients/{world.client.id}/report.pdf", **PERIOD)
    assert answer.content_type == "application/pdf"
    assert "progress-report-RPT-001-2026-03-02-to-2026-03-15.pdf" in disposition(answer)
    reader, text = pdf_text(answer.data)
    expected = progress_report.assemble(world.client, day(0), day(13))
    assert len(reader.pages) == report_page_count(expected)
    # title page; one page per target (the inactive one without data is left out); quality
    # tables; quality graphs with the signatures
    assert [t.series.name for t in expected.targets] == [
        "Elopement",
        "Hitting peers",
        "Receptive ID",
    ]
    assert len(reader.pages) == 1 + 3 + 1 + 1
    for name in ("Hitting peers", "Receptive ID", "Elopement"):
        assert name in text
    assert "Retired skill" not in text and "Planned for later" not in text
    assert "Test Learner (RPT-001)" in text
    assert "3.8 per session" in text and "1.0 per session" in text  # baseline, current
    assert "-0.60 per session (improving)" in text
    # the default effect sizes of a count: NAP, Tau-U and LRR (LRRd: a decrease target), one
    # row each, with the summary's wording (hand figures: test_reports_api world docstring)
    assert "NAP (DRA vs Baseline)" in text and "1.00 (95% CI 0.58 to 1.00)" in text
    assert "Tau-U (DRA vs Baseline)" in text and "1.19" in text  # (16 + 3) / 16
    assert "LRRd (DRA vs Baseline)" in text
    assert "-1.25 (95% CI -2.08 to -0.41); level -71% vs baseline" in text
    assert "Met on 8 Mar 2026" in text
    assert "No criterion" in text
    assert "\u2265 80% on 3 consecutive sessions, at least 5 trials each" in text
    assert "Total count" in text and "12.5%" in text and "100.0%" in text  # IOA row
    assert "75.0%" in text  # fidelity
    assert "Signatures" in text
    entries = audit_entries("export", "progress_report")
    assert len(entries) == 1 and entries[0].user_id == world.bcba.id
    assert entries[0].detail == {
        "from": "2026-03-02",
        "to": "2026-03-15",
        "pseudonymous": False,
        "panel": False,
        "effect_sizes": "default",
        "targets": 3,
        "pages": 6,
    }


def test_the_bcba_chooses_the_reports_effect_sizes(http, world):
    url = f"/api/v1/clients/{world.client.id}/report.pdf"
    answer = get(http, world, url, effect_sizes="smd,nap", **PERIOD)
    _, text = pdf_text(answer.data)
    # Hitting peers (decrease): SMD = J (3.75 - 1) / SD_A, flipped, J = 1 - 3/11; one row
    # each, in the order asked, and nothing not asked for
    assert "SMD (DRA vs Baseline)" in text and "NAP (DRA vs Baseline)" in text
    assert text.index("SMD (DRA vs Baseline)") < text.index("NAP (DRA vs Baseline)")
    assert "Tau-U (" not in text and "LRRd (" not in text
    report = progress_report.assemble(world.client, day(0), day(13), effect_size_names=["smd"])
    hits = next(t for t in report.targets if t.series.name == "Hitting peers")
    (smd,) = hits.effect_sizes
    assert smd.estimate == pytest.approx((1 - 3 / 11) * 2.75 / (2.75 / 3) ** 0.5)
    # an undefined one says why: the LOR of a count
    report = progress_report.assemble(world.client, day(0), day(13), effect_size_names=["lor"])
    hits = next(t for t in report.targets if t.series.name == "Hitting peers")
    assert [(e.text, e.estimate) for e in hits.effect_sizes] == [
        ("\u2014 (applies to percentages (interval, DTT and task-analysis targets))", None)
    ]
    assert audit_entries("export", "progress_report")[0].detail["effect_sizes"] == ["smd", "nap"]


def test_an_unknown_effect_size_in_the_report_is_a_422(http, world):
    url = f"/api/v1/clients/{world.client.id}/report.pdf"
    answer = get(http, world, url, status=422, effect_sizes="nap,cohens_d", **PERIOD)
    (said,) = answer.get_json()["error"]["fields"]["effect_sizes"]
    assert "unknown effect size 'cohens_d'" in said
    assert audit_entries("export", "progress_report") == []


def test_a_report_from_a_day_after_today_without_to_is_a_422(http, world):
    # before: 500 (default_period refused the period after the query was accepted)
    url = f"/api/v1/clients/{world.client.id}/report.pdf"
    answer = get(http, world, url, status=422, **{"from": "2313-09-01"})
    assert "after today" in answer.get_json()["error"]["fields"]["from"][0]


def test_pseudonymous_report_prints_only_the_code(http, world):
    answer = get(
        http,
        world,
        f"/api/v1/clients/{world.client.id}/report.pdf",
        pseudonymous="true",
        paper="a4",
        **PERIOD,
    )
    reader, text = pdf_text(answer.data)
    assert "RPT-001" in text
    assert "Test Learner" not in text and "Learner" not in (reader.metadata.title or "")
    assert b"Test Learner" not in answer.data
    for name in ("Hitting peers", "Receptive ID", "Elopement"):
        assert name in text
    assert audit_entries("export", "progress_report")[0].detail["pseudonymous"] is True


def test_a_baseline_before_the_period_is_still_the_baseline(ctx, world):
    report = progress_report.assemble(world.client, day(4), day(7))
    hits = next(t for t in report.targets if t.series.name == "Hitting peers")
    assert hits.baseline_level == pytest.approx(3.75)  # days 0-3, before the period
    assert hits.current_level == pytest.approx(1.0)
    assert [(e.name, e.estimate) for e in hits.effect_sizes][:2] == [
        ("NAP (DRA vs Baseline)", 1.0),
        ("Tau-U (DRA vs Baseline)", pytest.approx(19 / 16)),
    ]
    assert [p.x for p in hits.series.points] == [day(n) for n in range(4, 8)]  # graph: period


def test_current_figures_are_the_periods_and_mastery_the_whole_phases(ctx, world):
    report = progress_report.assemble(world.client, day(7), day(9))
    receptive = next(t for t in report.targets if t.series.name == "Receptive ID")
    assert receptive.baseline_level == pytest.approx(40 / 3)  # days 0-2: 20, 0, 20
    assert receptive.current_level == pytest.approx(80.0)  # day 7 only
    assert receptive.trend_slope is None  # one session: no slope
    assert receptive.mastery_status == "Met on 8 Mar 2026"  # met on day 6, before the period
    assert receptive.mastery_criterion == (
        "\u2265 80% on 3 consecutive sessions, at least 5 trials each"
    )


def test_active_targets_without_data_keep_their_page(ctx, world):
    report = progress_report.assemble(world.client, day(10), day(13))
    assert [t.series.name for t in report.targets] == ["Elopement", "Hitting peers", "Receptive ID"]
    hits = report.targets[1]
    assert hits.series.points == ()
    assert hits.baseline_level == pytest.approx(3.75)
    assert (hits.current_level, hits.trend_slope, hits.effect_sizes) == (None, None, ())
    assert report.ioa_rows == () and report.fidelity_rows == ()


def test_bad_report_queries_are_422(http, world):
    url = f"/api/v1/clients/{world.client.id}/report.pdf"
    get(http, world, url, 422, **{"from": "2026-03-10", "to": "2026-03-01"})
    get(http, world, url, 422, pseudonymous="perhaps")
    get(http, world, url, 422, paper="legal")
    get(http, world, url, 422, name="yes")
    assert audit_entries("export", "progress_report") == []


# --- exports -----------------------------------------------------------------------------------


def test_xlsx_holds_every_synced_row(http, world):
    answer = get(http, world, f"/api/v1/clients/{world.client.id}/export.xlsx")
    disposition(answer)
    workbook = openpyxl.load_workbook(io.BytesIO(answer.data))
    assert workbook.sheetnames == ["Sessions", "Events", "Notes"]
    sessions = list(workbook["Sessions"].iter_rows(values_only=True))
    events = list(workbook["Events"].iter_rows(values_only=True))
    # 8 primary sessions x 3 targets, and the reliability session's one target
    assert len(sessions) - 1 == 8 * 3 + 1
    assert len(events) - 1 == world.sent["events"]
    header = sessions[0]
    rows = [dict(zip(header, r, strict=True)) for r in sessions[1:]]
    hits = [r for r in rows if r["target"] == "Hitting peers" and r["role"] == "primary"]
    assert [r["value"] for r in hits] == HITS
    assert [r["phase"] for r in hits] == ["Baseline"] * 4 + ["DRA"] * 4
    assert {r["observer"] for r in hits} == {"sam.tech"}
    receptive = [r for r in rows if r["target"] == "Receptive ID"]
    assert [r["value"] for r in receptive] == [20 * c for c in CORRECT]
    assert {r["n"] for r in receptive} == {5}
    reliability = [r for r in rows if r["role"] == "reliability"]
    assert [(r["target"], r["value"], r["observer"]) for r in reliability] == [
        ("Hitting peers", 1, "lee.second")
    ]
    event_rows = [dict(zip(events[0], r, strict=True)) for r in events[1:]]
    assert sum(r["voided"] for r in event_rows) == 1
    assert {r["kind"] for r in event_rows} == {"count", "void", "trial", "abc", "fidelity"}
    assert {r["client_code"] for r in event_rows} == {"RPT-001"}
    entry = audit_entries("export", "client_data")[0]
    assert entry.detail["format"] == "xlsx"
    assert entry.detail["rows"] == {"sessions": 25, "events": world.sent["events"], "notes": 0}


def read_csv(answer) -> list[dict]:
    assert answer.content_type.startswith("text/csv")
    text = answer.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_sessions_and_events(http, world):
    url = f"/api/v1/clients/{world.client.id}/export.csv"
    sessions = read_csv(get(http, world, url))
    assert len(sessions) == 25
    assert {r["client_code"] for r in sessions} == {"RPT-001"}
    events = get(http, world, url, table="events")
    assert "-events.csv" in disposition(events)
    assert len(read_csv(events)) == world.sent["events"]
    # the period filters by session date: days 4-7, and the day-5 reliability session
    later = read_csv(get(http, world, url, **{"from": day(4).isoformat()}))
    assert len(later) == 4 * 3 + 1
    get(http, world, url, 422, table="incidents")
    details = [e.detail for e in audit_entries("export", "client_data")]
    assert sorted(next(iter(d["rows"])) for d in details) == ["events", "sessions", "sessions"]


def test_exports_never_carry_the_name(http, world):
    for url, query in (
        ("export.csv", {}),
        ("export.csv", {"table": "events"}),
        ("export.xlsx", {}),
    ):
        answer = get(http, world, f"/api/v1/clients/{world.client.id}/{url}", **query)
        assert b"Test Learner" not in answer.data


def test_off_caseload_is_404_and_not_audited(http, make, world):
    outsider = make.user("bcba")
    headers = make.login(outsider)
    for url in (
        f"/api/v1/targets/{world.hits.id}/graph.png",
        f"/api/v1/clients/{world.client.id}/report.pdf",
        f"/api/v1/clients/{world.client.id}/export.xlsx",
        f"/api/v1/clients/{world.client.id}/charts/ioa.png",
    ):
        assert http.get(url, headers=headers).status_code == 404
    assert audit_entries("export", "progress_report") == []
    assert audit_entries("export", "client_data") == []


# --- issue 12: the clinic's time zone, and functional analysis only from FA conditions -----------


@pytest.fixture
def chicago(app, monkeypatch):
    monkeypatch.setitem(app.config, "TIME_ZONE", "America/Chicago")


def test_a_7_pm_session_in_chicago_counts_on_its_local_day(http, make, chicago):
    bcba = make.user("bcba")
    client = make.client(bcba, code="TZ-001")
    hits = make.target(client, "frequency", name="Hitting", direction="decrease")
    box = Tablet(http, make.login(bcba))
    # 2 March 2026, 19:00 in Chicago (CST, UTC-6) is 3 March 01:00 UTC
    evening = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    s = box.session(client, at=evening, minutes=20, targets=[hits])
    box.event(s, hits, "count", {}, 30)
    box.send()
    local = date(2026, 3, 2)
    data = graphs.target_series(hits, local, local)
    assert [p.x for p in data.points] == [local]  # the graph's day and the period filter
    assert graphs.target_series(hits, date(2026, 3, 3), date(2026, 3, 3)).points == ()
    headers = make.login(bcba)
    answer = http.get(
        f"/api/v1/clients/{client.id}/export.csv",
        query_string={"from": "2026-03-02", "to": "2026-03-02"},
        headers=headers,
    )
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["date"] for r in rows] == ["2026-03-02"]
    report = progress_report.assemble(client, local, local)
    assert [p.x for p in report.targets[0].series.points] == [local]


def _fa_client(http, make, phases):
    bcba = make.user("bcba")
    client = make.client(bcba, code="FA-001")
    target = make.target(client, "frequency", name="Tantrums", direction="decrease")
    box = Tablet(http, make.login(bcba))
    for n, (kind, label) in enumerate(phases):
        box.phase(target, kind, label, DAY0 + timedelta(days=n))
        s = box.session(client, at=START + timedelta(days=n), minutes=10, targets=[target])
        for k in range(n % 3 + 1):
            box.event(s, target, "count", {}, 10 + k)
    box.send()
    return client, target, make.login(bcba)


def test_a_treatment_condition_is_never_drawn_as_a_functional_analysis(http, make):
    client, target, headers = _fa_client(
        http, make, [("baseline", "Baseline"), ("condition", "NCR + DRA"), ("condition", "NCR")]
    )
    url = f"/api/v1/clients/{client.id}/charts/multielement.svg"
    svg = http.get(url, headers=headers).get_data(as_text=True)
    assert 'id="no-data"' in svg and "condition:" not in svg
    answer = http.get(url, query_string={"target_id": target.id}, headers=headers)
    assert answer.status_code == 422
    fba = http.get(f"/api/v1/clients/{client.id}/fba", headers=headers).get_json()
    assert fba["functional_analyses"] == []


def test_the_multielement_graph_has_one_path_per_fa_condition_in_session_order(http, make):
    plan = [("attention", "Attention"), ("condition", "Play"), ("condition", "Escape/demand")]
    phases = [("baseline", "Baseline")] + [("condition", label) for _, label in plan] * 2
    phases.append(("condition", "NCR + DRA"))  # the treatment after the FA: not drawn
    client, _, headers = _fa_client(http, make, phases)
    svg = http.get(
        f"/api/v1/clients/{client.id}/charts/multielement.svg", headers=headers
    ).get_data(as_text=True)
    for condition in ("Attention", "Play", "Escape/demand"):
        assert f'id="condition:{condition}"' in svg
    assert 'id="condition:NCR + DRA"' not in svg and 'id="no-data"' not in svg


EPISODE = "7f1c2a4e-0b1d-4c55-9a61-3c2f0e9d8b10"


def test_scatterplot_finds_the_problem_behaviour_of_a_duration_target(http, make):
    bcba = make.user("bcba")
    client = make.client(bcba, code="SC-001")
    tantrums = make.target(client, "duration", name="Tantrums", direction="decrease")
    box = Tablet(http, make.login(bcba))
    s = box.session(client, at=START, minutes=30, targets=[tantrums])
    box.event(s, tantrums, "duration_start", {"episode": EPISODE}, 60)
    box.event(s, tantrums, "duration_stop", {"episode": EPISODE}, 90)
    box.send()
    headers = make.login(bcba)
    fba = http.get(f"/api/v1/clients/{client.id}/fba", headers=headers).get_json()
    assert fba["scatterplot"]["target_ids"] == [tantrums.id]
    assert fba["scatterplot"]["events"] == 1
    svg = http.get(
        f"/api/v1/clients/{client.id}/charts/scatterplot.svg",
        query_string={"from": DAY0.isoformat(), "to": DAY0.isoformat()},
        headers=headers,
    ).get_data(as_text=True)
    assert 'id="cells-low"' in svg and 'id="no-data"' not in svg  # one occurrence drawn


def test_panel_graph_of_chosen_targets_top_first(http, world, make):
    base = f"/api/v1/clients/{world.client.id}/charts/panel"
    query = {"target_id": [world.receptive.id, world.hits.id], **PERIOD}
    answer = http.get(f"{base}.svg", query_string=query, headers=world.headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    svg = answer.get_data(as_text=True)
    assert svg.count('id="panel-label"') == 2 and 'id="dogleg"' in svg
    assert "panel-RPT-001.svg" in disposition(answer)
    png = get(http, world, f"{base}.png")  # default: the active targets with data
    assert png.data.startswith(PNG_MAGIC)
    assert [e.resource for e in audit_entries("read", "panel_chart")] == ["panel_chart"] * 2
    other = make.client(make.user("bcba"), code="OTHER-1")
    elsewhere = make.target(other, "frequency", name="Not mine")
    get(http, world, f"{base}.png", 404, target_id=elsewhere.id)
    get(http, world, f"{base}.png", 422, target_id="not-a-uuid")


def test_report_with_the_optional_multiple_baseline_page(http, world):
    url = f"/api/v1/clients/{world.client.id}/report.pdf"
    plain, _ = pdf_text(get(http, world, url, **PERIOD).data)
    reader, text = pdf_text(get(http, world, url, panel="true", **PERIOD).data)
    assert len(reader.pages) == len(plain.pages) + 1
    assert "Multiple-baseline view across targets" in text
    assert [e.detail["panel"] for e in audit_entries("export", "progress_report")] == [False, True]


def _fa_sessions(http, make, conditions, phases=()):
    """A client whose Tantrums sessions ran ``conditions`` (None: not an FA session), one a
    day from DAY0, with 1-3 counts each; ``phases`` are (day, kind, label)."""
    bcba = make.user("bcba")
    client = make.client(bcba, code="FA-002")
    target = make.target(client, "frequency", name="Tantrums", direction="decrease")
    box = Tablet(http, make.login(bcba))
    for n, kind, label in phases:
        box.phase(target, kind, label, day(n))
    for n, condition in enumerate(conditions):
        extra = {} if condition is None else {"fa_condition": condition}
        s = box.session(client, at=START + timedelta(days=n), minutes=10, targets=[target], **extra)
        for k in range(n % 3 + 1):
            box.event(s, target, "count", {}, 10 + k)
    box.send()
    return client, target, make.login(bcba)


def _paths(svg: str) -> dict[str, list[float]]:
    """Condition -> the x data of its path, read from the SVG's gid groups."""
    root = ET.fromstring(svg)
    paths = {}
    for group in root.iter(f"{SVG}g"):
        gid = group.get("id", "")
        if gid.startswith("condition:"):
            paths[gid.removeprefix("condition:")] = group
    return paths


def test_fa_sessions_draw_the_multielement_graph_from_their_own_condition(http, make):
    # Five FA sessions chosen on the tablet (no condition phase at all), then the treatment
    # phase "NCR + DRA" with two sessions that carry no condition: only the five are drawn,
    # numbered 1-5 in the order run, one path per condition.
    run = ["play", "attention", "Escape/demand", "play", "attention", None, None]
    client, target, headers = _fa_sessions(
        http, make, run, phases=[(0, "baseline", "Baseline"), (5, "condition", "NCR + DRA")]
    )
    url = f"/api/v1/clients/{client.id}/charts/multielement.svg"
    svg = http.get(url, headers=headers).get_data(as_text=True)
    assert set(_paths(svg)) == {"Attention", "Escape/demand", "Play"}
    assert 'id="no-data"' not in svg and "NCR" not in svg
    values = series.target_values(target, include_fa=True)
    assert [fba.fa_condition_of(v) for v in values] == [
        "play", "attention", "escape", "play", "attention", None, None
    ]  # fmt: skip
    # the FA is an assessment: its sessions are not points of the line graph or summary
    assert [v.session_id for v in series.target_values(target)] == [
        v.session_id for v in values[5:]
    ]
    line = http.get(f"/api/v1/targets/{target.id}/data", headers=headers).get_json()["points"]
    assert len(line) == 2
    rows = list(
        csv.DictReader(
            io.StringIO(
                http.get(f"/api/v1/clients/{client.id}/export.csv", headers=headers)
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert [r["fa_condition"] for r in rows] == [
        "play", "attention", "escape", "play", "attention", "", ""
    ]  # fmt: skip
    # the structured-criteria aid: play 0, 1 (mean 0.5, SD 0.71), lines drawn, labelled
    assert svg.count('id="fa-criterion') >= 1 and 'id="fa-aid"' in svg
    assert "not a verdict" in svg
    answer = http.get(f"/api/v1/clients/{client.id}/fba", headers=headers).get_json()
    (fa,) = answer["functional_analyses"]
    # the scatterplot describes the day's routine: the arranged FA sessions are not in it
    assert answer["scatterplot"]["events"] == 3 + 1  # sessions 6 and 7 (n % 3 + 1 counts)
    by_name = {c["condition"]: c["n"] for c in fa["conditions"]}
    assert by_name == {"attention": 2, "escape": 1, "play": 2}
    assert fa["control"] == "play"


def test_an_ncr_dra_treatment_phase_gives_no_fa_chart(http, make):
    # Regression (issue 12): the "NCR + DRA" intervention phase was drawn as a functional
    # analysis of 20 sessions. Sessions without an FA condition are never an FA.
    client, target, headers = _fa_sessions(
        http,
        make,
        [None] * 6,
        phases=[(0, "baseline", "Baseline"), (3, "condition", "NCR + DRA")],
    )
    url = f"/api/v1/clients/{client.id}/charts/multielement.svg"
    svg = http.get(url, headers=headers).get_data(as_text=True)
    assert 'id="no-data"' in svg and not _paths(svg)
    answer = http.get(url, query_string={"target_id": target.id}, headers=headers)
    assert answer.status_code == 422
    assert (
        http.get(f"/api/v1/clients/{client.id}/fba", headers=headers).get_json()[
            "functional_analyses"
        ]
        == []
    )


def _report(http, client, headers, first, last):
    answer = http.get(
        f"/api/v1/clients/{client.id}/report.pdf",
        query_string={"from": day(first).isoformat(), "to": day(last).isoformat()},
        headers=headers,
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    reader, _ = pdf_text(answer.data)
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_a_target_assessed_only_by_an_fa_gets_its_multielement_graph_in_the_report(http, make):
    # Regression (issue 12): a target whose only sessions in the period were FA sessions
    # got a page saying "No data in this period", as if nothing had been done.
    run = ["play", "attention", "Escape/demand", "alone", "play", "attention", None, None]
    client, _target, headers = _fa_sessions(
        http, make, run, phases=[(0, "baseline", "Baseline"), (6, "intervention", "NCR + DRA")]
    )
    pages = _report(http, client, headers, 0, 5)  # the FA days only
    (page,) = [p for p in pages if "Target 1 of 1" in p]
    assert "No data in this period" not in page
    assert "only sessions in this period were an assessment" in page
    assert "6 functional-analysis sessions in this period" in page
    assert "Play 2, Attention 2, Escape/demand 1, Alone/ignore 1" in page
    # the multielement graph: its legend names each condition, the axis counts sessions
    for condition in ("Attention", "Escape/demand", "Alone/ignore", "Play"):
        assert page.count(condition) >= 2, condition  # in the sentence and the legend
    assert "Sessions" in page and "not a verdict" in page  # the labelled structured criteria
    # the whole period: treatment data on the line graph, the FA pointed to, not drawn
    (page,) = [p for p in _report(http, client, headers, 0, 7) if "Target 1 of 1" in p]
    assert "6 functional-analysis sessions in this period" in page
    assert "not drawn on the graph below nor counted in the levels" in page
    assert "Escape/demand" in page and "not a verdict" not in page
    # after the FA, nothing about it
    (page,) = [p for p in _report(http, client, headers, 6, 7) if "Target 1 of 1" in p]
    assert "functional-analysis" not in page


def test_a_client_in_chicago_keeps_its_19_00_session_on_its_local_day(http, make):
    # The clinic's zone is UTC (the default here); the client's own zone is America/Chicago.
    # 2 March 2026 19:00 CST is 3 March 01:00 UTC: every daily figure must say 2 March.
    director = make.user("director")
    bcba = make.user("bcba")
    client = make.client(bcba, code="TZ-002")
    headers = make.login(bcba)
    answer = http.patch(
        f"/api/v1/clients/{client.id}", json={"time_zone": "Mars/Olympus"}, headers=headers
    )
    assert answer.status_code == 422 and "time_zone" in answer.get_json()["error"]["fields"]
    answer = http.patch(
        f"/api/v1/clients/{client.id}", json={"time_zone": "America/Chicago"}, headers=headers
    )
    assert answer.status_code == 200 and answer.get_json()["time_zone"] == "America/Chicago"
    hits = make.target(client, "frequency", name="Hitting", direction="decrease")
    box = Tablet(http, headers)
    evening = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    s = box.session(client, at=evening, minutes=20, targets=[hits])
    box.event(s, hits, "count", {}, 30)
    box.send()
    local, utc_day = date(2026, 3, 2), date(2026, 3, 3)
    # the series (the data table, the line graph and the celeration chart read it)
    assert [v.date for v in series.target_values(hits)] == [local]
    assert [p.x for p in graphs.target_series(hits, local, local).points] == [local]
    assert graphs.target_series(hits, utc_day, utc_day).points == ()
    data = http.get(
        f"/api/v1/targets/{hits.id}/data", query_string={"from": "2026-03-02"}, headers=headers
    ).get_json()
    assert [p["date"] for p in data["points"]] == ["2026-03-02"]
    celeration = http.get(
        f"/api/v1/targets/{hits.id}/graph.svg",
        query_string={"chart": "celeration", "from": "2026-03-02", "to": "2026-03-02"},
        headers=headers,
    ).get_data(as_text=True)
    assert 'id="no-data"' not in celeration
    # the scatterplot: the 19:00 row of 2 March
    plot = http.get(
        f"/api/v1/clients/{client.id}/fba", query_string={"bin_minutes": 60}, headers=headers
    ).get_json()["scatterplot"]
    assert plot["time_zone"] == "America/Chicago" and plot["dates"] == ["2026-03-02"]
    assert plot["counts"][plot["bin_starts"].index("19:00:00")] == [1]
    # timeliness: the event belongs to 2 March, the day the dashboard asks for, not 3 March
    director_headers = make.login(director)
    for day_asked, events in (("2026-03-02", 1), ("2026-03-03", 0)):
        board = http.get(
            "/api/v1/dashboard",
            query_string={"from": day_asked, "to": day_asked},
            headers=director_headers,
        ).get_json()
        assert board["timeliness"]["summary"]["events"] == events, day_asked


# --- issue 17: graphs and reports drawn in a process of their own (bdc/drawing.py) ------------


def drawn_urls(world) -> list[tuple[str, dict]]:
    client = f"/api/v1/clients/{world.client.id}"
    return [
        (f"/api/v1/targets/{world.hits.id}/graph.png", {"trend": "split_middle"}),
        (f"/api/v1/targets/{world.hits.id}/graph.svg", {"chart": "celeration"}),
        (f"/api/v1/targets/{world.hits.id}/graph.png", {"chart": "cumulative"}),
        (f"{client}/charts/panel.png", {}),
        (f"{client}/charts/abc.png", {}),
        (f"{client}/charts/scatterplot.svg", {"tz": "America/Chicago", **PERIOD}),
        (f"{client}/charts/ioa.png", PERIOD),
        (f"{client}/charts/fidelity.svg", PERIOD),
        (f"{client}/report.pdf", PERIOD),
    ]


def comparable(data: bytes) -> bytes | list[str]:
    """A graph's bytes; a PDF's page texts without the minute it was made (the report's
    "Generated:" line and the file's dates: the test may cross a minute between drawings)."""
    if not data.startswith(b"%PDF"):
        return data
    _, text = pdf_text(data)
    return [line for line in text.splitlines() if not line.startswith("Generated:")]


@pytest.fixture
def drawing_process():
    drawing.start()
    yield
    drawing.stop()


def nothing_drawn_here(monkeypatch) -> None:
    """From now on, whatever is drawn must be drawn in another process."""
    monkeypatch.setattr(Figure, "savefig", lambda *a, **k: pytest.fail("drawn here"))


def test_graphs_and_the_report_are_drawn_in_the_drawing_process_as_they_are_here(
    http, world, monkeypatch
):
    """A server worker sends what to draw to its drawing process (bdc/gunicorn_conf.py), so
    its syncs never wait behind matplotlib; every graph, chart and the report come back as
    the bytes drawing here gives (before, a graph was drawn in the request's own thread)."""
    here = [get(http, world, url, **query).data for url, query in drawn_urls(world)]
    drawing.start()
    try:
        nothing_drawn_here(monkeypatch)
        elsewhere = [get(http, world, url, **query).data for url, query in drawn_urls(world)]
    finally:
        drawing.stop()
    assert [comparable(data) for data in elsewhere] == [comparable(data) for data in here]


def test_data_sheets_notes_and_competency_graphs_are_drawn_in_the_drawing_process(
    http, world, monkeypatch, drawing_process
):
    nothing_drawn_here(monkeypatch)
    client = f"/api/v1/clients/{world.client.id}"
    assert get(http, world, f"{client}/datasheet.pdf").data.startswith(b"%PDF")
    assert get(http, world, f"{client}/notes.pdf", **PERIOD).data.startswith(b"%PDF")
    assert get(http, world, "/api/v1/training/competency.png").data.startswith(PNG_MAGIC)


def test_a_graphs_error_in_the_drawing_process_is_raised_here(drawing_process):
    with pytest.raises(ValueError, match="fmt must be one of"):
        drawing.render(drawing.sketch(Figure), "gif")


def test_a_dead_drawing_process_is_replaced_and_no_graph_is_lost(
    http, world, monkeypatch, drawing_process
):
    url = f"/api/v1/targets/{world.hits.id}/graph.png"
    first = drawing.run(os.getpid)
    assert first != os.getpid()
    os.kill(first, signal.SIGKILL)
    # the graph that finds it dead is drawn here, and a new drawing process takes the next
    assert get(http, world, url).data.startswith(PNG_MAGIC)
    assert drawing.run(os.getpid) not in (first, os.getpid())
    nothing_drawn_here(monkeypatch)
    assert get(http, world, url).data.startswith(PNG_MAGIC)
