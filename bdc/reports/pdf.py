"""The progress report for an IEP meeting, as a PDF built from matplotlib Figure pages.

No PDF library beyond matplotlib: each page is a ``Figure`` the size of a sheet of paper,
with text placed on it and the graphs drawn straight into axes on the page (vector, the same
drawing code as ``line_graph``), written with ``PdfPages``.

Pages, in order (``report_page_count`` gives the total):

1. Title page: client (name and code, or only the pseudonymous code), period, provider,
   prepared by, generated; a summary table of the targets (continued on further pages
   beyond ``SUMMARY_ROWS`` targets).
2. One page per target: operational definition, measurement, goal direction and mastery
   criterion; a table of baseline level, current level, trend, effect size against
   baseline and mastery status; the target's line graph.
3. Data quality: the IOA table (per target: sessions, IOA sessions, coverage, mean
   agreement and range) and the fidelity table (per plan and staff member: checks, mean
   and range, criterion, met); continued on further pages beyond ``QUALITY_ROWS`` rows.
   When the report carries per-session IOA or fidelity points, a page with the IOA and
   fidelity graphs follows.
4. Signature lines, at the foot of the last page.

Every page carries a footer with the client label, the period and "page i of n".
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from io import BytesIO

import matplotlib
from matplotlib import colors as mcolors
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from . import format as fmt
from . import style
from .fba import draw_multielement
from .graphs import PANEL_MAX, draw_series, panel_graph, y_axis_margin
from .model import (
    FidelitySummary,
    FunctionalAnalysis,
    IoaSummary,
    ProgressReport,
    ReportTarget,
)
from .quality import draw_fidelity, draw_ioa

__all__ = [
    "MEASUREMENT_NAMES",
    "QUALITY_ROWS",
    "SUMMARY_ROWS",
    "build_progress_report",
    "report_page_count",
]

PAGE_SIZES = {"letter": (8.5, 11.0), "a4": (8.27, 11.69)}
SUMMARY_ROWS = 16
"""Targets listed on the title page; more continue on further summary pages."""
QUALITY_ROWS = 7
"""Rows of each quality table on one page; more continue on further pages."""
DEFINITION_LINES = 9
GRAPH_ASPECT = 2 / 3
"""Height / width of a target's graph in the report."""
CELL_LINES = 3
"""A table cell wraps onto at most this many lines (the row counts above allow for it)."""
"""Lines of operational definition printed on a target page (longer ones are cut with ...)."""

MEASUREMENT_NAMES = {
    "frequency": "Frequency (count per session)",
    "rate": "Rate (responses per minute)",
    "duration": "Duration (seconds)",
    "latency": "Latency (seconds)",
    "partial_interval": "Partial-interval recording (% of intervals)",
    "whole_interval": "Whole-interval recording (% of intervals)",
    "momentary_time_sampling": "Momentary time sampling (% of intervals)",
    "abc": "ABC recording (number of records)",
    "dtt": "Discrete-trial teaching (% independent correct)",
    "task_analysis": "Task analysis (% of steps independent)",
    "rating": "Rating scale",
}

PDF_FONTTYPE = 42
"""TrueType (Type 42) fonts: text stays selectable and searchable (and pypdf extracts it)."""

_M = 0.75  # page margin, inches
_DASH = fmt.DASH


# ---------------------------------------------------------------------------------------------
# formatting


def _fmt_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _fmt_value(v: float | None, measurement: str) -> str:
    return fmt.value(v, measurement, long=True)


def _slope_unit(measurement: str) -> str:
    if measurement in ("partial_interval", "whole_interval", "momentary_time_sampling"):
        return "percentage points"
    if measurement in ("dtt", "task_analysis"):
        return "percentage points"
    if measurement == "rate":
        return "responses per minute"
    if measurement in ("duration", "latency"):
        return "s"
    return ""


def _fmt_trend(t: ReportTarget) -> str:
    s = t.trend_slope
    if s is None or math.isnan(s):
        return _DASH
    unit = _slope_unit(t.series.measurement)
    text = f"{s:+.2f} {unit} per {t.trend_per}".replace("  ", " ")
    if s == 0:
        return f"{text} (flat)"
    better = (s > 0) == (t.series.direction == "increase")
    return f"{text} ({'improving' if better else 'worsening'})"


_SHORT_NAMES = {
    "frequency": "Frequency",
    "rate": "Rate",
    "duration": "Duration",
    "latency": "Latency",
    "partial_interval": "Partial interval",
    "whole_interval": "Whole interval",
    "momentary_time_sampling": "MTS",
    "abc": "ABC",
    "dtt": "DTT",
    "task_analysis": "Task analysis",
    "rating": "Rating",
}


def _fmt_pct(v: float | None) -> str:
    return fmt.percent(v)


def _fmt_range(lo: float | None, hi: float | None) -> str:
    return fmt.value_range(lo, hi, "percent")


def _cell_lines(text: str, width_in: float, size: float, weight: str) -> list[str]:
    """The cell wrapped to its column; only past ``CELL_LINES`` lines is it cut (a name that
    long does not fit any column)."""
    lines = style.wrap_to_width(text, width_in * 72, size, weight)
    if len(lines) > CELL_LINES:
        lines = lines[:CELL_LINES]
        lines[-1] = lines[-1].rstrip() + " \u2026"
    return lines


# ---------------------------------------------------------------------------------------------
# a page


class _LineText(Text):
    """One line of page text at its baseline, drawn straight by the renderer.

    The page places and wraps its own text, so ``Text.draw``'s layout pass, which shapes and
    measures every string once more only to find the baseline the page gave it, repeats work
    (about a third of the cost of a report's text). The same glyphs land at the same place,
    in the same PDF bytes; anything but one unrotated, unwrapped line at a baseline (mathtext
    and TeX too) is drawn by ``Text``. Measuring (``get_window_extent``) is ``Text``'s own.
    """

    def draw(self, renderer) -> None:
        line, ismath = self._preprocess_math(self.get_text())
        if (
            ismath
            or "\n" in line
            or self.get_rotation() != 0
            or self.get_verticalalignment() != "baseline"
            or self.get_wrap()
            or self.get_path_effects()
            or self.get_bbox_patch() is not None
        ):
            super().draw(renderer)
            return
        if not self.get_visible() or not line:
            return
        x, y = self.get_transform().transform(self.get_unitless_position())
        font = self.get_fontproperties()
        align = self.get_horizontalalignment()
        if align != "left":
            width = renderer.get_text_width_height_descent(line, font, False)[0]
            x -= width if align == "right" else width / 2
        renderer.open_group("text", self.get_gid())
        gc = renderer.new_gc()
        gc.set_foreground(mcolors.to_rgba(self.get_color()), isRGBA=True)
        gc.set_alpha(self.get_alpha())
        gc.set_url(self.get_url())
        gc.set_antialiased(self.get_antialiased())
        gc.set_snap(self.get_snap())
        self._set_gc_clip(gc)
        renderer.draw_text(gc, x, y, line, font, 0.0, ismath=False, mtext=self)
        gc.restore()
        renderer.close_group("text")
        self.stale = False


class _Page:
    """A sheet of paper with a cursor ``y`` (inches from the top)."""

    def __init__(self, size: tuple[float, float]) -> None:
        self.w, self.h = size
        self.fig = Figure(figsize=size, facecolor="white")
        self.y = _M

    def text(
        self,
        s: str,
        *,
        size: float = 10,
        x: float = _M,
        weight: str = "normal",
        color: str = style.INK,
        ha: str = "left",
        advance: bool = True,
        leading: float = 1.35,
        style_: str = "normal",
    ) -> None:
        self._put(
            x / self.w,
            1 - (self.y + size / 72) / self.h,
            s,
            ha=ha,
            va="baseline",
            fontsize=size,
            fontfamily=style.FONT,
            fontweight=weight,
            fontstyle=style_,
            color=color,
        )
        if advance:
            self.y += size * leading / 72

    def _put(self, x: float, y: float, s: str, **kw: object) -> None:
        """``Figure.text`` (figure fractions, kept in ``fig.texts``) as a ``_LineText``."""
        text = _LineText(x, y, s, transform=self.fig.transSubfigure, **kw)
        text.set_figure(self.fig)
        self.fig.texts.append(text)

    def paragraph(self, s: str, *, size: float = 9.5, max_lines: int | None = None) -> None:
        chars = int((self.w - 2 * _M) * 72 / (size * 0.53))
        lines: list[str] = []
        for para in s.splitlines() or [""]:
            lines += textwrap.wrap(para, chars) or [""]
        if max_lines is not None and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = lines[-1].rstrip() + " \u2026"
        for line in lines:
            self.text(line, size=size)

    def rule(self, *, lw: float = 0.6, x0: float = _M, x1: float | None = None) -> None:
        x1 = self.w - _M if x1 is None else x1
        yy = 1 - self.y / self.h
        self.fig.add_artist(
            Line2D([x0 / self.w, x1 / self.w], [yy, yy], color=style.INK, linewidth=lw)
        )

    def gap(self, inches: float) -> None:
        self.y += inches

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        size: float = 8.5,
        align: Sequence[str] | None = None,
    ) -> None:
        """A ruled table; ``widths`` in inches; a cell too long for its column wraps onto
        more lines (the row grows), so nothing that fits on the page is cut."""
        align = align or ["left"] * len(header)
        xs = [_M]
        for wd in widths[:-1]:
            xs.append(xs[-1] + wd)
        row_h = size * 1.75 / 72
        line_h = size * 1.25 / 72
        self.rule(lw=0.9)
        self.y += 0.05

        def line(cells: Sequence[str], weight: str) -> None:
            wrapped = [
                _cell_lines(cell, wd - 0.1, size, weight)
                for wd, cell in zip(widths, cells, strict=True)
            ]
            top = self.y
            for cx, wd, lines, al in zip(xs, widths, wrapped, align, strict=True):
                tx = cx + (wd - 0.08 if al == "right" else 0.0)
                for k, text in enumerate(lines):
                    self.y = top + k * line_h
                    self.text(text, x=tx, size=size, weight=weight, ha=al, advance=False)
            self.y = top + row_h + (max(len(w) for w in wrapped) - 1) * line_h

        line(header, "bold")
        self.rule(lw=0.5)
        self.y += 0.05
        for r in rows:
            line(r, "normal")
        self.rule(lw=0.9)
        self.y += 0.1

    def footer(self, left: str, right: str) -> None:
        y = self.h - _M * 0.6
        for s, x, ha in ((left, _M, "left"), (right, self.w - _M, "right")):
            self._put(
                x / self.w,
                1 - y / self.h,
                s,
                ha=ha,
                va="baseline",
                fontsize=7.5,
                fontfamily=style.FONT,
                color=style.GRAY,
            )


# ---------------------------------------------------------------------------------------------
# page plan


def _chunks(rows: Sequence, n: int) -> list[Sequence]:
    return [rows[i : i + n] for i in range(0, len(rows), n)] or [rows[:0]]


def report_page_count(report: ProgressReport) -> int:
    """Number of pages ``build_progress_report`` produces for ``report``.

    1 title page (+1 per further ``SUMMARY_ROWS`` targets), 1 per target, 1 multiple-baseline
    page when asked for (``report.panel``) and some target has data, 1 quality page
    (+1 per further ``QUALITY_ROWS`` rows of the longer table), +1 graph page when the report
    has per-session IOA or fidelity points.
    """
    summary = len(_chunks(report.targets, SUMMARY_ROWS))
    quality = max(
        len(_chunks(report.ioa_rows, QUALITY_ROWS)),
        len(_chunks(report.fidelity_rows, QUALITY_ROWS)),
    )
    graphs = 1 if (report.ioa_points or report.fidelity_points) else 0
    panel = 1 if _panel_series(report) else 0
    return summary + len(report.targets) + panel + quality + graphs


def _panel_series(report: ProgressReport) -> list:
    """The targets of the multiple-baseline page: those with data, at most PANEL_MAX."""
    if not report.panel:
        return []
    shown = [t.series for t in report.targets if any(p.value is not None for p in t.series.points)]
    return shown[:PANEL_MAX]


def _panel_page(report: ProgressReport, size: tuple[float, float]) -> _Page:
    """The multiple-baseline view across targets on a page of its own, by date (the targets
    share calendar days, not session numbers)."""
    shown = _panel_series(report)
    page = _Page(size)
    axis = "date" if all(isinstance(p.x, date) for s in shown for p in s.points) else "session"
    w, h = size
    rect = (_M / w, (_M + 0.6) / h, 1 - 2 * _M / w, 1 - (2 * _M + 1.35) / h)
    page.fig = panel_graph(shown, x=axis, title=None, size=size, rect=rect)
    # the figure's own legend moves between the graph and the footer
    legend = page.fig.legends.pop() if page.fig.legends else None
    if legend is not None:
        page.fig.legend(
            legend.legend_handles,
            [t.get_text() for t in legend.get_texts()],
            loc="lower center",
            bbox_to_anchor=(0.5, (_M + 0.15) / h),
            ncols=len(legend.get_texts()),
            **style.legend_kw(),
        )
    page.text("Multiple-baseline view across targets", size=13, weight="bold", leading=1.6)
    page.text(
        "One panel per target with data (at most six), on the calendar days of the period.",
        size=8.5,
        color=style.GRAY,
    )
    return page


def _title_page(
    page: _Page, report: ProgressReport, label: str, rows: Sequence[ReportTarget], first: int
) -> None:
    if first == 0:
        page.gap(0.3)
        page.text("Behavior and skill progress report", size=18, weight="bold", leading=1.6)
        page.text(f"Client: {label}", size=12, leading=1.5)
        page.text(
            f"Period: {_fmt_date(report.period_from)} to {_fmt_date(report.period_to)}", size=12
        )
        page.gap(0.1)
        if report.provider:
            page.text(f"Provider: {report.provider}", size=10)
        if report.prepared_by:
            page.text(f"Prepared by: {report.prepared_by}", size=10)
        page.text(f"Generated: {report.generated_at:%Y-%m-%d %H:%M %Z}".rstrip(), size=10)
        page.text(f"Targets: {len(report.targets)}", size=10)
        page.gap(0.25)
        page.text("Summary", size=12, weight="bold", leading=1.6)
    else:
        page.text("Summary (continued)", size=12, weight="bold", leading=1.6)
    body = []
    for i, t in enumerate(rows, start=first + 1):
        m = t.series.measurement
        body.append(
            [
                str(i),
                t.series.name,
                _SHORT_NAMES.get(m, m),
                fmt.goal(t.series.direction),
                fmt.value(t.baseline_level, m),
                fmt.value(t.current_level, m),
                t.mastery_status or _DASH,
            ]
        )
    page.table(
        ["#", "Target", "Measurement", "Goal", "Baseline", "Current", "Mastery"],
        body,
        # the level columns hold a value with its unit on one line ("0.75 records/session")
        [0.22, 1.5, 0.98, 0.78, 1.335, 1.335, 0.85],
        align=["left", "left", "left", "left", "right", "right", "left"],
    )


def _fa_text(fa: FunctionalAnalysis, fa_only: bool) -> str:
    """What the page says about a target's functional-analysis sessions of the period."""
    counts: dict[str, int] = {}
    for session in fa.sessions:
        counts[session.condition] = counts.get(session.condition, 0) + 1
    n = len(fa.sessions)
    run = (
        f"{n} functional-analysis session{'s' if n != 1 else ''} in this period ("
        + ", ".join(f"{c} {k}" for c, k in counts.items())
        + ")"
    )
    if fa_only:
        return (
            f"This target's only sessions in this period were an assessment: {run}. They are "
            "not progress toward the goal, so the graph below is the multielement graph of "
            "the functional analysis, one path per condition, sessions in the order run."
        )
    return (
        f"{run}: an assessment, not drawn on the graph below nor counted in the levels; it "
        "is drawn on the client's functional-analysis (multielement) chart."
    )


def _target_page(
    page: _Page,
    report: ProgressReport,
    label: str,
    t: ReportTarget,
    number: int,
    *,
    x: str,
    trend: str | None,
) -> None:
    s = t.series
    page.text(
        f"Target {number} of {len(report.targets)}  \u00b7  {label}", size=8.5, color=style.GRAY
    )
    name_size = 14 if len(s.name) <= 60 else 12
    for line in textwrap.wrap(s.name, 62 if name_size == 14 else 72) or [""]:
        page.text(line, size=name_size, weight="bold", leading=1.3)
    page.gap(0.08)
    page.text("Operational definition", size=10, weight="bold")
    page.paragraph(t.definition or _DASH, max_lines=DEFINITION_LINES)
    page.gap(0.08)
    goal = "increase" if s.direction == "increase" else "decrease"
    page.text(
        f"Measurement: {MEASUREMENT_NAMES.get(s.measurement, s.measurement)}  \u00b7  Goal: {goal}",
        size=9.5,
    )
    if t.mastery_criterion:
        page.text(f"Mastery criterion: {t.mastery_criterion}", size=9.5)
    page.gap(0.08)
    effects = [[e.name, e.text] for e in t.effect_sizes] or [
        ["Effect size against baseline", _DASH]
    ]
    page.table(
        ["Figure", "Value"],
        [
            [f"Baseline level ({t.level_statistic})", _fmt_value(t.baseline_level, s.measurement)],
            [f"Current level ({t.level_statistic})", _fmt_value(t.current_level, s.measurement)],
            ["Trend, current phase", _fmt_trend(t)],
            *effects,
            ["Mastery status", t.mastery_status or _DASH],
        ],
        [2.6, 4.4],
        size=9,
    )
    fa = t.functional_analysis
    fa_only = fa is not None and not any(p.value is not None for p in s.points)
    if fa is not None:
        page.gap(0.1)
        page.text("Functional analysis", size=10, weight="bold")
        page.paragraph(_fa_text(fa, fa_only), size=9)
        if fa_only and fa.aid:
            page.paragraph(fa.aid, size=8)
    # the graph is landscape, its y axis about two-thirds of its x axis (Cooper, Heron &
    # Heward 2020, ch. 6): a taller graph exaggerates variability
    top = page.y + 0.55  # room for the condition labels
    bottom = page.h - _M - 0.95  # room for the x label and legend
    left, right = _M + 0.6, page.w - _M - 0.15
    height = max(2.0, min(bottom - top, GRAPH_ASPECT * (right - left)))
    ax = page.fig.add_axes(
        (left / page.w, 1 - (top + height) / page.h, (right - left) / page.w, height / page.h)
    )
    if fa is not None and fa_only:
        handles = draw_multielement(
            ax, fa.sessions, measurement=s.measurement, unit=s.unit, criteria=fa.criteria
        )
        ax.legend(
            handles,
            [h.get_label() for h in handles],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.13),
            ncols=min(len(handles), 3),
            **style.legend_kw(),
        )
        return
    # a target numbered by session (no dates) is drawn by session even in a dated report
    axis = x if all(isinstance(p.x, date) for p in s.points) else "session"
    drawn = draw_series(ax, s, x=axis, trend=trend)
    # a rating scale's anchor labels need more room than numbers: the axes give it up
    needed = _M + y_axis_margin(ax)
    if needed > left:
        box = ax.get_position()
        ax.set_position((needed / page.w, box.y0, (right - needed) / page.w, box.height))
    if drawn.handles:
        ax.legend(
            list(drawn.handles.values()),
            list(drawn.handles.keys()),
            loc="upper center",
            bbox_to_anchor=(0.5, -0.13),
            ncols=min(len(drawn.handles), 3),
            **style.legend_kw(),
        )


def _quality_page(
    page: _Page,
    report: ProgressReport,
    ioa: Sequence[IoaSummary],
    fid: Sequence[FidelitySummary],
    first: bool,
) -> None:
    page.text(
        "Data quality: interobserver agreement and treatment fidelity"
        + ("" if first else " (continued)"),
        size=13,
        weight="bold",
        leading=1.6,
    )
    if ioa or first:
        page.text("Interobserver agreement (IOA)", size=10.5, weight="bold")
        page.text(
            f"Coverage = sessions with a second observer / sessions. "
            f"Agreement of {report.ioa_criterion:g}% or more is the usual minimum.",
            size=8,
            color=style.GRAY,
        )
        page.gap(0.04)
        rows = [
            [
                r.target,
                r.method,
                str(r.sessions),
                str(r.ioa_sessions),
                _fmt_pct(r.coverage),
                _fmt_pct(r.mean_agreement),
                _fmt_range(r.min_agreement, r.max_agreement),
            ]
            for r in ioa
        ]
        if rows:
            page.table(
                ["Target", "Method", "Sessions", "IOA sess.", "Coverage", "Mean", "Range"],
                rows,
                [2.0, 1.45, 0.7, 0.75, 0.75, 0.65, 0.7],
                align=["left", "left", "right", "right", "right", "right", "right"],
            )
        else:
            page.text("No IOA data in this period.", size=9)
        page.gap(0.1)
    if fid or first:
        page.text("Treatment fidelity", size=10.5, weight="bold")
        page.text(
            "Percentage of applicable plan steps implemented correctly per check.",
            size=8,
            color=style.GRAY,
        )
        page.gap(0.04)
        rows = [
            [
                r.plan,
                r.staff,
                str(r.sessions),
                _fmt_pct(r.mean_percent),
                _fmt_range(r.min_percent, r.max_percent),
                _fmt_pct(r.criterion),
                {True: "yes", False: "no", None: _DASH}[r.met],
            ]
            for r in fid
        ]
        if rows:
            page.table(
                ["Plan", "Staff", "Checks", "Mean", "Range", "Criterion", "Met"],
                rows,
                [2.0, 1.6, 0.65, 0.7, 0.8, 0.75, 0.5],
                align=["left", "left", "right", "right", "right", "right", "left"],
            )
        else:
            page.text("No fidelity checks in this period.", size=9)


def _graphs_page(page: _Page, report: ProgressReport) -> None:
    """The IOA and fidelity graphs that have data (a chart without data is left out: the
    tables already say so), above the signature lines."""
    page.text("Data quality graphs", size=13, weight="bold", leading=1.6)
    criteria = {r.criterion for r in report.fidelity_rows if r.criterion is not None}
    fid_criterion = criteria.pop() if len(criteria) == 1 else None
    period = (report.period_from, report.period_to)
    left, right = _M + 0.6, page.w - _M - 0.4
    targets = len({p.target or "IOA" for p in report.ioa_points})
    # wanted heights (inches) with heading and legend; shrunk together to fit the space
    wanted = {
        "ioa": (0.75 + 0.95 * targets + 0.55) if report.ioa_points else 0.0,
        "fidelity": 2.9 if report.fidelity_points else 0.0,
    }
    room = _signature_top(page) - page.y - 0.2
    scale = min(1.0, room / max(sum(wanted.values()), 1e-9))
    if report.ioa_points:
        height = wanted["ioa"] * scale
        page.text("Interobserver agreement", size=10.5, weight="bold")
        bottom = page.y + height - 0.3
        rect = (
            left / page.w,
            1 - bottom / page.h,
            (right - left) / page.w,
            (height - 0.55) / page.h,
        )
        _, handles = draw_ioa(page.fig, rect, report.ioa_points, report.ioa_criterion, period)
        page.fig.legend(
            list(handles.values()),
            list(handles.keys()),
            loc="upper center",
            bbox_to_anchor=(0.5, 1 - (bottom + 0.02) / page.h),
            ncols=len(handles),
            **style.legend_kw(),
        )
        page.y = bottom + 0.3
    if report.fidelity_points:
        height = wanted["fidelity"] * scale
        page.text("Treatment fidelity", size=10.5, weight="bold")
        top = page.y + 0.3
        h = height - 0.3 - 0.9
        ax = page.fig.add_axes(
            (left / page.w, 1 - (top + h) / page.h, (right - left) / page.w, h / page.h)
        )
        handles, summary = draw_fidelity(ax, report.fidelity_points, fid_criterion, period)
        ax.set_title(summary, loc="left", pad=6, **style.text_kw(style.TICK_SIZE))
        if handles:
            ax.legend(
                list(handles.values()),
                list(handles.keys()),
                loc="upper center",
                bbox_to_anchor=(0.5, -0.5 / h),
                ncols=min(len(handles), 4),
                **style.legend_kw(),
            )
        page.y = top + h + 0.9


def _signature_top(page: _Page) -> float:
    return page.h - _M - 2.1


def _signatures(page: _Page, report: ProgressReport) -> None:
    page.y = _signature_top(page)
    page.text("Signatures", size=10.5, weight="bold", leading=1.8)
    people = [
        ("BCBA / clinical supervisor", report.prepared_by),
        ("Parent / guardian", None),
        ("IEP team member", None),
    ]
    for role, name in people:
        page.gap(0.3)
        page.rule(lw=0.6, x0=_M, x1=_M + 4.2)
        page.rule(lw=0.6, x0=_M + 4.6, x1=page.w - _M)
        page.gap(0.02)
        page.text(f"{role}{': ' + name if name else ''}", size=8, advance=False)
        page.text("Date", size=8, x=_M + 4.6)


# ---------------------------------------------------------------------------------------------
# the report


def _pdf_date(d: datetime) -> datetime:
    return d if d.tzinfo is not None else d.replace(tzinfo=UTC)


def build_progress_report(
    report: ProgressReport,
    *,
    pseudonymous: bool = False,
    progress: Callable[[int, int], None] | None = None,
    x: str = "session",
    trend: str | None = None,
    paper: str = "letter",
) -> bytes:
    """Render the progress report to PDF bytes.

    Args:
        report: the data (see ``bdc.reports.model.ProgressReport``).
        pseudonymous: print only the client code, never the name (also in the PDF metadata).
        progress: called as ``progress(done, total)`` after each page (for a progress bar).
        x: x axis of the target graphs, ``session`` or ``date`` (targets whose points carry
            session numbers only are drawn by session either way).
        trend: trend line on the target graphs per phase (``None``, ``ols``,
            ``split_middle``, ``theil_sen``), from ``bdc.analysis``.
        paper: ``letter`` or ``a4``.

    Returns:
        The PDF. The same report gives the same bytes: the creation date is
        ``report.generated_at``.
    """
    if paper not in PAGE_SIZES:
        raise ValueError(f"paper must be one of {sorted(PAGE_SIZES)}")
    size = PAGE_SIZES[paper]
    label = report.client_label(pseudonymous)
    total = report_page_count(report)
    period = f"{report.period_from.isoformat()} to {report.period_to.isoformat()}"
    when = _pdf_date(report.generated_at)
    metadata = {
        "Title": f"Progress report {_DASH} {label} {_DASH} {period}",
        "Subject": f"Progress report for {period}",
        "Author": report.prepared_by or report.provider or "bdc",
        "Creator": "bdc",
        "CreationDate": when,
        "ModDate": when,
    }
    confidential = "Pseudonymous" if pseudonymous else "Confidential: contains health information"
    buf = BytesIO()
    done = 0

    def emit(pdf: PdfPages, page: _Page) -> None:
        nonlocal done
        done += 1
        page.footer(f"{label}  \u00b7  {period}  \u00b7  {confidential}", f"Page {done} of {total}")
        pdf.savefig(page.fig)
        if progress is not None:
            progress(done, total)

    with (
        matplotlib.rc_context({"pdf.fonttype": PDF_FONTTYPE}),
        PdfPages(buf, metadata=metadata) as pdf,
    ):
        for k, rows in enumerate(_chunks(report.targets, SUMMARY_ROWS)):
            page = _Page(size)
            _title_page(page, report, label, rows, k * SUMMARY_ROWS)
            emit(pdf, page)
        for i, t in enumerate(report.targets, start=1):
            page = _Page(size)
            _target_page(page, report, label, t, i, x=x, trend=trend)
            emit(pdf, page)
        if _panel_series(report):
            emit(pdf, _panel_page(report, size))
        ioa_chunks = _chunks(report.ioa_rows, QUALITY_ROWS)
        fid_chunks = _chunks(report.fidelity_rows, QUALITY_ROWS)
        n_quality = max(len(ioa_chunks), len(fid_chunks))
        has_graphs = bool(report.ioa_points or report.fidelity_points)
        for k in range(n_quality):
            page = _Page(size)
            _quality_page(
                page,
                report,
                ioa_chunks[k] if k < len(ioa_chunks) else (),
                fid_chunks[k] if k < len(fid_chunks) else (),
                k == 0,
            )
            if k == n_quality - 1 and not has_graphs:
                _signatures(page, report)
            emit(pdf, page)
        if has_graphs:
            page = _Page(size)
            _graphs_page(page, report)
            _signatures(page, report)
            emit(pdf, page)
    return buf.getvalue()
