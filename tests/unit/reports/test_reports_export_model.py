"""CSV/XLSX export and the input dataclasses."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from bdc.reports import (
    EVENT_COLUMNS,
    SESSION_COLUMNS,
    AimLine,
    PhaseMark,
    ProgressReport,
    SeriesPoint,
    TargetSeries,
    export_csv,
    export_events_csv,
    export_sessions_csv,
    export_xlsx,
)
from bdc.reports.export import safe_text
from bdc.reports.model import FidelitySummary, IoaSummary

T = datetime(2025, 3, 3, 14, 3, 0, tzinfo=UTC)

SESSIONS = [
    {
        "session_id": "s1",
        "client_code": "C-0042",
        "target": "Aggression",
        "measurement": "rate",
        "date": date(2025, 3, 3),
        "started_at": T,
        "value": 2.5,
        "role": "primary",
        "note": '=HYPERLINK("http://evil","click")',
    },
    {
        "session_id": "s2",
        "client_code": "C-0042",
        "target": "Aggression",
        "value": -1.0,
        "note": "+1 tantrum; @teacher",
        "site": "Room 4",
    },
]
EVENTS = [
    {
        "event_id": "e1",
        "session_id": "s1",
        "kind": "count",
        "t": T,
        "received_at": T,
        "data": {},
        "voided": False,
    },
    {
        "event_id": "e2",
        "session_id": "s1",
        "kind": "note",
        "t": T,
        "data": {"text": "-2 points"},
        "voided": True,
    },
]


def test_xlsx_has_sessions_and_events_sheets_with_the_rows():
    wb = load_workbook(io.BytesIO(export_xlsx(EVENTS, SESSIONS)))
    assert wb.sheetnames == ["Sessions", "Events"]
    ws = wb["Sessions"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [*SESSION_COLUMNS, "site"]  # extra keys after the known ones
    assert len(rows) == 3
    header = dict(zip(rows[0], rows[1], strict=True))
    assert header["started_at"] == "2025-03-03T14:03:00+00:00"  # ISO timestamp
    assert header["date"] == "2025-03-03"
    assert header["value"] == 2.5
    assert dict(zip(rows[0], rows[2], strict=True))["value"] == -1.0  # numbers stay numbers
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    ev = list(wb["Events"].iter_rows(values_only=True))
    assert list(ev[0]) == list(EVENT_COLUMNS) and len(ev) == 3
    assert dict(zip(ev[0], ev[2], strict=True))["voided"] is True
    assert dict(zip(ev[0], ev[2], strict=True))["data"] == '{"text":"-2 points"}'


def test_formula_injection_is_neutralised():
    wb = load_workbook(io.BytesIO(export_xlsx(EVENTS, SESSIONS)))
    ws = wb["Sessions"]
    cols = [c.value for c in ws[1]]
    note = ws.cell(row=2, column=cols.index("note") + 1)
    assert note.value.startswith("'=") and note.data_type == "s"
    assert ws.cell(row=3, column=cols.index("note") + 1).value == "'+1 tantrum; @teacher"
    text = export_sessions_csv(SESSIONS).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["note"].startswith("'=HYPERLINK")
    assert rows[1]["note"] == "'+1 tantrum; @teacher"
    assert rows[1]["value"] == "-1.0"  # a negative number is not text
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_text(bad).startswith("'")
    assert safe_text("fine") == "fine" and safe_text("") == ""


def test_csv_exports():
    raw = export_events_csv(EVENTS)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(EVENT_COLUMNS)
    assert rows[1][EVENT_COLUMNS.index("t")] == "2025-03-03T14:03:00+00:00"
    assert rows[1][EVENT_COLUMNS.index("voided")] == "false"
    assert b"\r\n" in raw
    assert export_csv(EVENTS, SESSIONS) == export_sessions_csv(SESSIONS)
    assert export_csv(EVENTS, SESSIONS, table="events") == raw
    with pytest.raises(ValueError):
        export_csv(EVENTS, SESSIONS, table="both")


def test_empty_exports():
    wb = load_workbook(io.BytesIO(export_xlsx([], [])))
    assert [c.value for c in wb["Sessions"][1]] == list(SESSION_COLUMNS)
    assert wb["Events"].max_row == 1
    assert export_sessions_csv([]).decode("utf-8-sig").strip() == ",".join(SESSION_COLUMNS)


def test_model_validation():
    with pytest.raises(TypeError):
        SeriesPoint(True, 1.0)
    with pytest.raises(TypeError):
        SeriesPoint(datetime(2025, 1, 1), 1.0)
    with pytest.raises(ValueError):
        SeriesPoint(1, 1.0, observed_minutes=0)
    with pytest.raises(ValueError):
        PhaseMark(1, "X", "treatment")
    with pytest.raises(TypeError):
        AimLine(1, 0.0, date(2025, 1, 1), 1.0)
    with pytest.raises(TypeError, match="mixes"):
        TargetSeries(
            "t",
            None,
            "rate",
            "increase",
            [SeriesPoint(1, 1.0), SeriesPoint(date(2025, 1, 1), 1.0)],
            (),
        )
    with pytest.raises(ValueError, match="phase_index"):
        TargetSeries("t", None, "rate", "increase", [SeriesPoint(1, 1.0, 2)], [PhaseMark(1, "A")])
    with pytest.raises(ValueError):
        TargetSeries("t", None, "rate", "sideways")
    s = TargetSeries("t", None, "dtt", "increase", [SeriesPoint(1, 50.0)], [PhaseMark(1, "A")])
    assert isinstance(s.points, tuple) and s.is_percent and hash(s)
    assert PhaseMark(1, "A", "condition").solid and not PhaseMark(1, "A", "note").solid


def test_summaries_and_client_label():
    assert IoaSummary("t", "total count", 20, 5, 90.0).coverage == 25.0
    assert IoaSummary("t", "total count", 0, 0, None).coverage is None
    assert FidelitySummary("p", "s", 3, 92.0, criterion=90.0).met is True
    assert FidelitySummary("p", "s", 3, 85.0, criterion=90.0).met is False
    assert FidelitySummary("p", "s", 3, None).met is None
    r = ProgressReport("C-1", date(2025, 1, 1), date(2025, 2, 1), [], T, client_name="Ann Lee")
    assert r.client_label() == "Ann Lee (C-1)"
    assert r.client_label(pseudonymous=True) == "C-1"
    with pytest.raises(ValueError):
        ProgressReport("C-1", date(2025, 2, 1), date(2025, 1, 1), [], T)
