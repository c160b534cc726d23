"""render(): PNG/SVG bytes; build_progress_report(): the IEP progress report PDF."""

from __future__ import annotations

import io
import re

import matplotlib
import pytest
from matplotlib.text import Text
from pypdf import PdfReader
from reports_data import abab, make_report, quality_points

from bdc.reports import (
    CONTENT_TYPES,
    build_progress_report,
    celeration_chart,
    line_graph,
    render,
    report_page_count,
)
from bdc.reports.model import IoaSummary
from bdc.reports.pdf import PDF_FONTTYPE, QUALITY_ROWS, SUMMARY_ROWS, _LineText, _Page


def _text(pdf: bytes) -> tuple[int, str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return len(reader.pages), " ".join(text.split()), reader


def test_render_png_and_svg_bytes():
    fig = line_graph(abab())
    png = render(fig, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = render(fig, "svg")
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert set(CONTENT_TYPES) == {"png", "svg", "pdf"}
    assert render(fig, "pdf").startswith(b"%PDF")
    with pytest.raises(ValueError):
        render(fig, "gif")


def test_render_is_deterministic():
    a = render(line_graph(abab()), "svg")
    b = render(line_graph(abab()), "svg")
    assert a == b
    assert b"<dc:date>" not in a
    assert render(line_graph(abab()), "png") == render(line_graph(abab()), "png")


def test_celeration_chart_renders():
    from test_reports_celeration import _series

    assert render(celeration_chart(_series()), "png").startswith(b"\x89PNG")


def test_report_pages_and_text_name_every_target():
    report = make_report(5)
    pdf = build_progress_report(report)
    pages, text, reader = _text(pdf)
    assert pages == report_page_count(report) == 1 + 5 + 1
    for t in report.targets:
        assert t.series.name in text
        assert t.definition in text
    assert "Jamie Rivera (C-0042)" in text
    assert "1 March 2025 to 31 May 2025" in text
    for word in ("Baseline level", "Current level", "Trend", "In progress"):
        assert word in text
    # one row per chosen effect size, printed as worded
    assert "NAP (B vs A)" in text and "0.96 (95% CI 0.71 to 0.99)" in text
    assert "Tau-U (B vs A)" in text
    assert "Interobserver agreement" in text and "Treatment fidelity" in text
    assert "25.0%" in text  # IOA coverage 5 of 20 sessions
    assert "Parent / guardian" in text and "Alex Kim, BCBA" in text
    assert f"Page {pages} of {pages}" in text
    meta = reader.metadata
    assert meta.title.startswith("Progress report")
    assert meta.creation_date.year == 2025 and meta.creation_date.month == 6


def test_report_is_reproducible_and_calls_progress():
    report = make_report(2)
    calls: list[tuple[int, int]] = []
    a = build_progress_report(report, progress=lambda d, t: calls.append((d, t)))
    b = build_progress_report(report)
    assert a == b
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_pseudonymous_report_prints_only_the_code():
    report = make_report(2)
    pdf = build_progress_report(report, pseudonymous=True)
    _, text, reader = _text(pdf)
    assert "Jamie" not in text and "Rivera" not in text
    assert "C-0042" in text
    assert b"Rivera" not in pdf
    assert "Rivera" not in (reader.metadata.title or "")


def test_report_with_quality_graphs_and_trend_lines():
    ioa, fid = quality_points()
    report = make_report(2, ioa_points=ioa, fidelity_points=fid)
    pdf = build_progress_report(report, trend="split_middle", x="date")
    pages, text, _ = _text(pdf)
    assert pages == report_page_count(report) == 1 + 2 + 1 + 1
    assert "Data quality graphs" in text
    assert re.search(r"6 IOA sessions, \d below 80%", text)


def test_long_reports_continue_tables_on_further_pages():
    n = SUMMARY_ROWS + 2
    ioa = [IoaSummary(f"Target {i}", "total count", 10, 2, 90.0) for i in range(QUALITY_ROWS + 3)]
    report = make_report(n, ioa_rows=ioa)
    assert report_page_count(report) == 2 + n + 2
    pages, text, _ = _text(build_progress_report(report, paper="a4"))
    assert pages == 2 + n + 2
    assert "Summary (continued)" in text and "(continued)" in text
    for t in report.targets:
        assert t.series.name in text


def test_report_with_no_targets_and_no_quality_data():
    report = make_report(0, ioa_rows=[], fidelity_rows=[])
    pages, text, _ = _text(build_progress_report(report))
    assert pages == 2
    assert "No IOA data in this period" in text
    assert "No fidelity checks in this period" in text


# (text, Figure.text keywords): the page's own kinds of line, and those _LineText hands back
# to Text (several lines, mathtext, rotated, not at a baseline)
PAGE_LINES = [
    ("Behavior and skill progress report", {"fontsize": 18, "fontweight": "bold"}),
    ("Baseline level (mean)", {"fontsize": 9}),
    ("12.5 responses per minute", {"fontsize": 8.5, "ha": "right"}),
    ("Page 3 of 25", {"fontsize": 7.5, "ha": "right", "color": "0.45"}),
    ("Target 1 of 20  \u00b7  C-0042 \u2026 definition", {"fontsize": 8.5, "ha": "center"}),
    ("Offered a $5 token", {"fontsize": 9.5, "fontstyle": "italic"}),
    ("", {"fontsize": 9}),
    ("two\nlines", {"fontsize": 9}),
    ("$x^2$ per session", {"fontsize": 9}),
    ("rotated", {"fontsize": 9, "rotation": 90}),
    ("on top", {"fontsize": 9, "va": "top"}),
    ("wrapped by matplotlib " * 12, {"fontsize": 9, "wrap": True}),
]


def _pdf(page: _Page) -> bytes:
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": PDF_FONTTYPE}):
        page.fig.savefig(buf, format="pdf", metadata={"CreationDate": None, "ModDate": None})
    return buf.getvalue()


def test_page_lines_draw_the_same_pdf_as_matplotlib_text():
    """The report's text skips Text's layout pass (bench/report.py); the PDF stays the same."""
    fast, plain = _Page((8.5, 11)), _Page((8.5, 11))
    for i, (s, kw) in enumerate(PAGE_LINES):
        kw = {"va": "baseline", "fontfamily": "DejaVu Sans", **kw}
        x, y = 0.5 if kw.get("ha") else 0.1, 0.95 - 0.07 * i
        fast._put(x, y, s, **kw)
        plain.fig.text(x, y, s, **kw)
    assert [type(t) for t in fast.fig.texts] == [_LineText] * len(PAGE_LINES)
    assert [type(t) for t in plain.fig.texts] == [Text] * len(PAGE_LINES)
    assert _pdf(fast) == _pdf(plain)
