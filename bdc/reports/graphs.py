"""Single-case line graphs: one target, stacked panels (reversal / multiple baseline), and
the cumulative record.

Conventions (Cooper, Heron & Heward 2020, ch. 6; Kubina, Kostewicz, Brennan & King 2017,
"A critical review of line graphs in behavior analytic journals"):

- sessions or calendar dates on x, the measurement's own label on y, y from 0 (percentages
  from 0 to 100);
- solid phase-change lines with the condition labels centred above each phase, dashed lines
  for minor condition changes and notes;
- the data path is never drawn across a phase change, across a session without a value, or
  across a session left out for too few trials;
- filled circles; open circles for sessions below the target's minimum number of trials;
  triangles for sessions with a second (reliability) observer; explained in a legend only
  when they occur;
- optional trend line per phase (OLS, split-middle or Theil-Sen, from ``bdc.analysis``) and
  the aim line.

Every function returns a ``matplotlib.figure.Figure`` built without pyplot; turn it into
bytes with ``bdc.reports.render``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import matplotlib.dates as mdates
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import IdentityTransform, ScaledTranslation, blended_transform_factory

from . import style
from .axes import Boundary, Positions, boundaries, check_axis, positions
from .model import SeriesPoint, TargetSeries

__all__ = ["PANEL_MAX", "TREND_METHODS", "cumulative_record", "line_graph", "panel_graph"]

TREND_METHODS = {"ols": "OLS", "split_middle": "split-middle", "theil_sen": "Theil\u2013Sen"}
"""Trend-line methods of ``bdc.analysis.trend_line`` and their legend names."""

PANEL_MAX = 6
"""Most panels in one multiple-baseline graph (more would be too short to read)."""

MIN_TREND_POINTS = 3
"""A phase needs at least this many values for a trend line to be drawn."""

ZERO_RAISE = style.ZERO_RAISE


# ---------------------------------------------------------------------------------------------
# drawing one series into an axes


@dataclass
class Drawn:
    """What ``draw_series`` put on an axes (used by the panel graph, the PDF and the tests)."""

    ax: Axes
    where: Positions
    boundaries: list[Boundary]
    xlim: tuple[float, float]
    handles: dict[str, Artist] = field(default_factory=dict)
    ylabel: str = ""


def _marker_handles() -> dict[str, Line2D]:
    kw = {"color": style.INK, "linestyle": "none", "markersize": style.MARKER_SIZE}
    return {
        "reliability": Line2D([], [], marker="^", markerfacecolor=style.INK, **kw),
        "hollow": Line2D([], [], marker="o", markerfacecolor="white", **kw),
    }


def _trend(values: list[float], xs: list[float], method: str):
    # The formulas live in bdc.analysis (one implementation for the whole project).
    from bdc.analysis import trend_line

    return trend_line(values, sessions=xs, method=method)


def _clip_segment(
    x0: float, y0: float, x1: float, y1: float, lo: float, hi: float
) -> tuple[list[float], list[float]] | None:
    """The part of the segment (x0, y0)-(x1, y1) with lo <= y <= hi (None if none)."""
    if x1 == x0 or y1 == y0:
        if lo <= y0 <= hi:
            return [x0, x1], [y0, y1]
        return None
    slope = (y1 - y0) / (x1 - x0)
    ta, tb = sorted([(lo - y0) / slope + x0, (hi - y0) / slope + x0])
    a, b = max(x0, ta), min(x1, tb)
    if a >= b:
        return None
    return [a, b], [y0 + slope * (a - x0), y0 + slope * (b - x0)]


AIM_HORIZON = 0.1
"""An aim line is drawn at most this share of the data's x range (at least 3 sessions or 7
days) past the last session, so a goal months away does not squeeze the data."""


def _aim_segment(
    series: TargetSeries, where: Positions
) -> tuple[list[float], list[float], bool] | None:
    """The aim line's ends on the x axis, clipped to the data range plus the horizon, and
    whether the goal (its far end) is inside; None when it cannot be placed or is outside."""
    a = series.aim
    assert a is not None
    try:
        x0, x1 = where.map(a.start), where.map(a.end)
    except TypeError:
        return None  # an aim given in dates cannot be placed on a numbered-only series
    if x1 == x0:
        return None
    lo, hi = min(where.pos), max(where.pos)
    horizon = hi + max(3.0 if where.axis == "session" else 7.0, AIM_HORIZON * (hi - lo))
    slope = (a.end_value - a.start_value) / (x1 - x0)
    a0, a1 = max(x0, lo), min(x1, horizon)
    if a1 <= a0:
        return None
    ys = [a.start_value + slope * (a0 - x0), a.start_value + slope * (a1 - x0)]
    return [a0, a1], ys, a1 == x1


def _wrap(label: str, width_in: float, size: float) -> str:
    chars = max(6, int(width_in * 72 / (size * 0.6)))
    return "\n".join(textwrap.wrap(label, chars, break_long_words=False)) or label


def _xlim(where: Positions, marks: list[float]) -> tuple[float, float]:
    xs = list(where.pos) + marks
    if not xs:
        return (0.0, 10.0) if where.axis == "session" else (0.0, 7.0)
    lo, hi = min(xs), max(xs)
    if where.axis == "session":
        return (min(0.0, lo - 1.0), hi + 1.0)
    pad = max(1.0, 0.03 * (hi - lo))
    return (lo - pad, hi + pad)


def _date_label(num: float, _pos: object = None) -> str:
    d = mdates.num2date(num)
    return f"{d.day} {d:%b}"


def _format_x(ax: Axes, x: str, show_xlabel: bool = True) -> None:
    """Session numbers in steps of 1, 2, 5 or 10; dates as "3 Mar", weekly on Mondays when the
    graph spans more than three weeks, the year(s) in the axis label."""
    if x == "date":
        lo, hi = ax.get_xlim()
        span = hi - lo
        if span <= 21:
            loc = mdates.DayLocator(interval=max(1, round(span / 7)))
        elif span <= 120:
            loc = mdates.WeekdayLocator(byweekday=mdates.MO, interval=max(1, round(span / 56)))
        else:
            loc = mdates.MonthLocator(interval=max(1, round(span / 240)))
        ax.xaxis.set_major_locator(loc)
        ax.xaxis.set_major_formatter(FuncFormatter(_date_label))
        if show_xlabel:
            y0, y1 = mdates.num2date(lo + 0.5).year, mdates.num2date(hi - 0.5).year
            years = f"{y0}" if y0 == y1 else f"{y0}\u2013{y1}"
            ax.set_xlabel(f"Date ({years})", **style.text_kw())
    else:
        ax.xaxis.set_major_locator(
            MaxNLocator(integer=True, nbins=8, steps=[1, 2, 5, 10], min_n_ticks=3)
        )
        if show_xlabel:
            ax.set_xlabel("Sessions", **style.text_kw())


PHASE_LABEL_LIFT = 8.0
"""Points between the top of the axes and the condition labels: clear of the mastery ring
(2.3 marker sizes across) around a point at the top of the axis."""


def _phase_lines(
    ax: Axes,
    series: TargetSeries,
    bounds: list[Boundary],
    lim: tuple[float, float],
    label_phases: bool,
) -> None:
    """Solid phase-change lines, dashed condition lines, condition labels across the top."""
    for b in bounds:
        ax.axvline(
            b.x,
            color=style.INK,
            linewidth=1.0 if b.solid else 0.9,
            linestyle="-" if b.solid else (0, (4, 3)),
            zorder=2,
            gid="phase-line" if b.solid else "condition-line",
        )
    if not (label_phases and series.phases):
        return
    # a fixed lift in points, not a fraction of the axes: a short panel would otherwise put
    # its labels on the points (and the mastery ring) at the top of the axis
    top = blended_transform_factory(ax.transData, ax.transAxes) + ScaledTranslation(
        0, PHASE_LABEL_LIFT / 72, ax.get_figure().dpi_scale_trans
    )
    edges = [lim[0]] + [b.x for b in bounds] + [lim[1]]
    starts = [0] + [b.index for b in bounds]
    fig = ax.get_figure()
    ax_w_in = fig.get_figwidth() * ax.get_position().width if fig is not None else 6.0
    for k, idx in enumerate(starts):
        a, b_ = max(edges[k], lim[0]), min(edges[k + 1], lim[1])
        label = series.phases[idx].label
        if b_ <= a or not label:
            continue
        width_in = ax_w_in * (b_ - a) / (lim[1] - lim[0])
        ax.text(
            (a + b_) / 2,
            1.0,
            _wrap(label, width_in, style.PHASE_LABEL_SIZE),
            transform=top,
            ha="center",
            va="bottom",
            linespacing=1.05,
            gid="phase-label",
            **style.text_kw(style.PHASE_LABEL_SIZE),
        )


def _setting_key(point: SeriesPoint) -> str | None:
    """None for the clinic (or no setting stated); the casefolded setting otherwise."""
    key = point.setting.strip().casefold()
    return None if key in style.CLINIC_SETTINGS else key


def _setting_markers(points: Sequence[SeriesPoint]) -> dict[str, str]:
    """Setting (casefolded) -> marker, for every setting outside the clinic with a value."""
    found = sorted({_setting_key(p) for p in points if p.value is not None} - {None})
    spare = iter(style.SPARE_SETTING_MARKERS * (1 + len(found)))
    return {s: style.SETTING_MARKERS.get(s) or next(spare) for s in found}


def _setting_label(points: Sequence[SeriesPoint], key: str) -> str:
    """The legend's name of a setting, in the spelling its sessions carry."""
    name = next(p.setting.strip() for p in points if _setting_key(p) == key)
    return name[:1].upper() + name[1:]


def _runs(order: Sequence[int], pts: Sequence[SeriesPoint], omitted: Sequence[bool]):
    """Unbroken runs of point indexes: a path breaks at phase changes, missing values and
    omitted sessions."""
    runs: list[list[int]] = []
    run: list[int] = []
    prev_phase = None
    for i in order:
        p = pts[i]
        if (
            p.value is None
            or omitted[i]
            or (prev_phase is not None and p.phase_index != prev_phase)
        ):
            if run:
                runs.append(run)
            run = []
        if p.value is not None and not omitted[i]:
            run.append(i)
        prev_phase = p.phase_index
    if run:
        runs.append(run)
    return runs


def draw_series(
    ax: Axes,
    series: TargetSeries,
    *,
    x: str = "session",
    trend: str | None = None,
    show_aim: bool = True,
    label_phases: bool = True,
    xlim: tuple[float, float] | None = None,
    show_xlabel: bool = True,
    show_ylabel: bool = True,
) -> Drawn:
    """Draw ``series`` into ``ax`` with the conventions of this module.

    Artists carry a ``gid`` so that callers and tests can find them: ``data-path`` (one
    per unbroken run of points), ``data-points``, ``phase-line`` (solid), ``condition-line``
    (dashed, a phase of kind ``condition`` or ``note``), ``note-line``, ``phase-label``,
    ``aim-line`` and ``trend-line``; sessions outside the clinic (``SeriesPoint.setting``)
    draw ``setting-path`` and ``setting-points`` instead, one marker per setting, named in
    the legend.
    """
    check_axis(x)
    if trend is not None and trend not in TREND_METHODS:
        raise ValueError(f"trend must be None or one of {sorted(TREND_METHODS)}")
    style.journal_axes(ax)
    where = positions(series.points, x)
    bounds = boundaries(series, where)
    pts = series.points

    # Which points are drawn, and how.
    min_trials = series.min_trials
    below = [min_trials is not None and p.trials is not None and p.trials < min_trials for p in pts]
    omitted = [b and series.below_min == "omit" for b in below]
    hollow = [b and series.below_min == "hollow" for b in below]

    if not any(p.value is not None for p in pts):
        style.no_data_panel(ax)
        return Drawn(ax, where, bounds, (0.0, 1.0), {}, style.y_label(series.measurement))
    extra_x: list[float] = [b.x for b in bounds]
    aim_xy = None
    if show_aim and series.aim is not None:
        aim_xy = _aim_segment(series, where)
        if aim_xy is not None:
            extra_x += aim_xy[0]
    notes: list[tuple[float, str]] = []
    for note in series.notes:
        try:
            notes.append((where.map(note.start) - 0.5, note.label))
        except TypeError:
            continue
    extra_x += [n[0] for n in notes]
    lim = xlim if xlim is not None else _xlim(where, extra_x)
    ax.set_xlim(*lim)

    # Data paths, one per setting: break at phase changes, missing values and omitted sessions.
    markers = _setting_markers(pts)
    for setting in [None, *markers]:
        order = [i for i in where.order if _setting_key(pts[i]) == setting]
        for r in _runs(order, pts, omitted):
            if len(r) < 2:
                continue
            ax.plot(
                [where.pos[i] for i in r],
                [pts[i].value for i in r],
                color=style.INK,
                linewidth=style.LINE_WIDTH,
                linestyle="solid" if setting is None else style.SETTING_PATH,
                solid_joinstyle="round",
                zorder=3,
                clip_on=False,
                gid="data-path" if setting is None else "setting-path",
            )

    # Points: four marker classes in the clinic (circle or triangle, filled or open); one
    # marker per other setting (filled or open).
    handles: dict[str, Artist] = {}
    classes: dict[tuple[str | None, str, str], list[int]] = {}
    for i in where.order:
        p = pts[i]
        if p.value is None or omitted[i]:
            continue
        key = _setting_key(p)
        marker = ("^" if p.reliability else "o") if key is None else markers[key]
        classes.setdefault((key, marker, "white" if hollow[i] else style.INK), []).append(i)
    for (key, marker, face), idx in classes.items():
        ax.plot(
            [where.pos[i] for i in idx],
            [pts[i].value for i in idx],
            linestyle="none",
            marker=marker,
            markersize=style.MARKER_SIZE + (0.8 if marker == "^" else 0.0),
            markerfacecolor=face,
            markeredgecolor=style.INK,
            markeredgewidth=0.9,
            zorder=4,
            clip_on=False,
            gid="data-points" if key is None else "setting-points",
        )
    if markers:
        # Every setting on the graph is named, the clinic's circle too.
        kw = {"color": style.INK, "markersize": style.MARKER_SIZE, "markerfacecolor": style.INK}
        if any(_setting_key(p) is None and p.value is not None for p in pts):
            handles["Clinic"] = Line2D([], [], marker="o", lw=style.LINE_WIDTH, **kw)
        for setting, marker in markers.items():
            handles[_setting_label(pts, setting)] = Line2D(
                [], [], marker=marker, lw=style.LINE_WIDTH, ls=style.SETTING_PATH, **kw
            )
    met = [i for i in where.order if pts[i].criterion_met and pts[i].value is not None]
    if met:
        # a ring around the session that completed the mastery run
        ax.plot(
            [where.pos[i] for i in met],
            [pts[i].value for i in met],
            linestyle="none",
            marker="o",
            markersize=style.MARKER_SIZE * 2.3,
            markerfacecolor="none",
            markeredgecolor=style.INK,
            markeredgewidth=1.1,
            zorder=4.5,
            clip_on=False,
            gid="criterion-met",
        )
        handles["Mastery criterion met"] = Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=style.MARKER_SIZE * 1.6,
            markerfacecolor="none",
            markeredgecolor=style.INK,
        )
    mh = _marker_handles()
    if any(p.reliability and p.value is not None for p in pts):
        handles["IOA session (second observer)"] = mh["reliability"]
    if any(hollow[i] and pts[i].value is not None for i in range(len(pts))):
        handles[f"Fewer than {min_trials} trials"] = mh["hollow"]

    # y axis: from 0; zero is raised a little above the x axis so that points at zero are
    # not hidden by it (Cooper, Heron & Heward 2020, ch. 6).
    values = [p.value for i, p in enumerate(pts) if p.value is not None and not omitted[i]]
    vmax = max([*values, *(aim_xy[1] if aim_xy else [])], default=0.0)
    ylabel = style.y_label(series.measurement, series.unit)
    if series.scale is not None:
        ytop = style.y_axis_over_scale(ax, *series.scale, series.scale_labels)
    else:
        ytop = style.y_axis_from_zero(ax, vmax, percent=series.is_percent)
    if show_ylabel:
        ax.set_ylabel(ylabel, **style.text_kw())

    _format_x(ax, x, show_xlabel)
    _phase_lines(ax, series, bounds, lim, label_phases)
    for xn, label in notes:
        ax.axvline(xn, color=style.GRAY, linewidth=0.8, linestyle=(0, (2, 2)), gid="note-line")
        ax.text(
            xn,
            0.98,
            f" {label}",
            transform=blended_transform_factory(ax.transData, ax.transAxes),
            rotation=90,
            ha="right",
            va="top",
            gid="note-label",
            **style.text_kw(style.TICK_SIZE - 1, color=style.GRAY, style="italic"),
        )

    # Aim line
    if aim_xy is not None:
        seg = _clip_segment(
            aim_xy[0][0], aim_xy[1][0], aim_xy[0][1], aim_xy[1][1], ax.get_ylim()[0], ytop
        )
        ax.plot(
            *(seg or ([], [])),
            color=style.INK,
            linewidth=1.0,
            linestyle=(0, (6, 2, 1, 2)),
            zorder=2.5,
            gid="aim-line",
        )
        if aim_xy[2]:  # the goal itself falls within the drawn horizon
            ax.plot(
                [aim_xy[0][1]],
                [aim_xy[1][1]],
                marker="*",
                markersize=8,
                color=style.INK,
                linestyle="none",
                zorder=2.5,
                gid="aim-line",
            )
        handles["Aim line"] = Line2D([], [], color=style.INK, lw=1.0, ls=(0, (6, 2, 1, 2)))

    # Trend lines, one per phase
    if trend is not None:
        drew = False
        for k in range(max(len(series.phases), 1)):
            idx = [
                i
                for i in where.order
                if pts[i].phase_index == k and pts[i].value is not None and not omitted[i]
            ]
            if len(idx) < MIN_TREND_POINTS:
                continue
            xs = [where.pos[i] for i in idx]
            ys = [float(pts[i].value) for i in idx]  # type: ignore[arg-type]
            try:
                fit = _trend(ys, xs, trend)
            except ValueError:
                continue
            x0, x1 = xs[0], xs[-1]
            seg = _clip_segment(
                x0, fit.intercept + fit.slope * x0, x1, fit.intercept + fit.slope * x1, 0, ytop
            )
            if seg is None:
                continue
            ax.plot(
                *seg,
                color=style.GRAY,
                linewidth=1.3,
                zorder=2.6,
                gid="trend-line",
            )
            drew = True
        if drew:
            handles[f"Trend ({TREND_METHODS[trend]})"] = Line2D([], [], color=style.GRAY, lw=1.3)

    return Drawn(ax, where, bounds, lim, handles, ylabel)


def _legend(fig: Figure, handles: dict[str, Artist]) -> None:
    if handles:
        fig.legend(
            list(handles.values()),
            list(handles.keys()),
            loc="outside lower center",
            ncols=min(len(handles), 4),
            **style.legend_kw(),
        )


def _title(fig: Figure, title: str | None) -> None:
    if title:
        fig.suptitle(title, x=0.01, ha="left", **style.text_kw(style.TITLE_SIZE, weight="bold"))


_PAD = 0.1  # inches of white around a figure laid out by _fit_single
_PT = 1 / 72


def _tick_labels(axis) -> list[str]:
    lo, hi = sorted(axis.get_view_interval())
    values = [v for v in axis.get_major_locator()() if lo - 1e-9 <= v <= hi + 1e-9]
    return list(axis.get_major_formatter().format_ticks(values))


def y_axis_margin(ax: Axes) -> float:
    """Inches the y axis needs left of the axes: its tick labels (a rating scale's anchors
    are long) and its label."""
    yt = max((style.text_width(t, style.TICK_SIZE) for t in _tick_labels(ax.yaxis)), default=0.0)
    return (style.LABEL_SIZE * 1.25 + 4 + yt + 7.5) * _PT


def _fit_single(fig: Figure, ax: Axes, *, title: str | None, handles: dict[str, Artist]) -> None:
    """Lay out a one-axes figure with margins measured from its own labels.

    Equivalent to the constrained layout for these figures, without its extra layout pass
    over every text at render time (about 40 % of a graph's rendering time).
    """
    w, h = fig.get_size_inches()
    xts = _tick_labels(ax.xaxis)
    left = _PAD + y_axis_margin(ax)
    last_x = style.text_width(xts[-1], style.TICK_SIZE) if xts else 0.0
    right = max(0.2, last_x / 2 * _PT + 0.08)
    rows = 1 if handles else 0
    bottom = _PAD + (style.TICK_SIZE * 1.3 + 7 + style.LABEL_SIZE * 1.3 + 4) * _PT
    bottom += rows * (style.LEGEND_SIZE * 1.5 * _PT + 0.12)
    top = _PAD + ((style.TITLE_SIZE * 1.3 * _PT + 0.05) if title else 0.0)
    lines = [t.get_text().count("\n") + 1 for t in ax.texts if t.get_gid() == "phase-label"]
    if lines:
        top += max(lines) * style.PHASE_LABEL_SIZE * 1.05 * 1.2 * _PT + PHASE_LABEL_LIFT * _PT
        top += 0.05
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h)
    if title:
        fig.suptitle(
            title,
            x=0.01,
            y=1 - _PAD / h,
            ha="left",
            va="top",
            **style.text_kw(style.TITLE_SIZE, weight="bold"),
        )
    if handles:
        fig.legend(
            list(handles.values()),
            list(handles.keys()),
            loc="lower center",
            bbox_to_anchor=(0.5, _PAD / h * 0.5),
            ncols=min(len(handles), 4),
            **style.legend_kw(),
        )


# ---------------------------------------------------------------------------------------------
# public graphs


def line_graph(
    series: TargetSeries,
    *,
    x: str = "session",
    trend: str | None = None,
    show_aim: bool = True,
    title: str | None = "",
    size: tuple[float, float] = (7.0, 4.2),
) -> Figure:
    """The per-target line graph.

    Args:
        series: the target's sessions, phases and aim line.
        x: ``'session'`` (session numbers) or ``'date'`` (calendar dates).
        trend: ``None`` or ``'ols'``, ``'split_middle'``, ``'theil_sen'``: a trend line per
            phase with at least 3 values, from ``bdc.analysis.trend_line``.
        show_aim: draw the target's aim line (when it has one).
        title: figure title; ``""`` uses the target name, ``None`` draws none.
        size: width and height in inches.

    Returns:
        The figure; its one axes holds the artists listed in ``draw_series``.
    """
    title = series.name if title == "" else title
    if not any(p.value is not None for p in series.points):
        return style.no_data_figure(title, width=size[0])
    fig = style.new_figure(*size, layout=None)
    ax = fig.add_subplot()
    drawn = draw_series(ax, series, x=x, trend=trend, show_aim=show_aim)
    _fit_single(fig, ax, title=title, handles=drawn.handles)
    return fig


class DogLeg(Line2D):
    """The staggered phase-change line of a multiple-baseline graph.

    Joins the bottom of one panel's phase-change line to the top of the next panel's,
    stepping sideways halfway between the panels. Positions are worked out at draw time from
    the axes' final places, so the layout engine may move the panels freely.
    """

    def __init__(self, anchors: list[tuple[Axes, float]], **kw: object) -> None:
        super().__init__([], [], **kw)
        self.anchors = anchors
        self.set_transform(IdentityTransform())
        self.set_in_layout(False)

    def path_points(self, renderer=None) -> tuple[list[float], list[float]]:
        xs: list[float] = []
        ys: list[float] = []
        for (ax_a, xa), (ax_b, xb) in pairwise(self.anchors):
            x_a = ax_a.transData.transform((xa, 0.0))[0]
            x_b = ax_b.transData.transform((xb, 0.0))[0]
            y_a = ax_a.transAxes.transform((0.0, 0.0))[1]
            y_b = ax_b.transAxes.transform((0.0, 1.0))[1]
            # the step runs above the lower panel's condition labels, never through them
            above = [
                t.get_window_extent(renderer).y1
                for t in ax_b.texts
                if t.get_gid() == "phase-label" and renderer is not None
            ]
            mid = (y_a + max([y_b, *above])) / 2
            xs += [x_a, x_a, x_b, x_b, np.nan]
            ys += [y_a, mid, mid, y_b, np.nan]
        return xs, ys

    def draw(self, renderer) -> None:  # type: ignore[override]
        self.set_data(*self.path_points(renderer))
        super().draw(renderer)


def panel_graph(
    panels: Sequence[TargetSeries],
    *,
    x: str = "session",
    trend: str | None = None,
    show_aim: bool = True,
    panel_labels: Sequence[str] | None = None,
    title: str | None = None,
    size: tuple[float, float] | None = None,
    rect: tuple[float, float, float, float] | None = None,
) -> Figure:
    """Stacked panels sharing x: a reversal (ABAB) or multiple-baseline design.

    Each panel is one target, setting or client (its own ``TargetSeries``). The k-th solid
    phase change of each panel is joined to the k-th of the next panel by a staggered
    ("dog-leg") line, the classic multiple-baseline display; in a reversal design with
    simultaneous changes the joins are straight. Condition labels are written above the top
    panel and above any lower panel whose phase labels differ from the top one's.

    Args:
        panels: top to bottom. Give dated points and ``x='date'`` when the panels are
            different clients or settings, so that the stagger is in calendar time.
        panel_labels: name written at the right of each panel; default the series names.
        title: figure title (none by default).
        size: inches; default 7 wide and 1.9 per panel.
        rect: the part of the figure the panels are laid out in (left, bottom, width, height
            as fractions; a report page keeps room for its own text); default all of it.

    Returns:
        The figure; its axes, top to bottom, are ``fig.axes[:len(panels)]``; the joins are
        ``DogLeg`` artists in ``fig.artists`` (gid ``dogleg``).
    """
    panels = list(panels)
    if not panels:
        raise ValueError("panel_graph needs at least one series")
    check_axis(x)
    n = len(panels)
    w, h = size if size is not None else (7.0, 1.2 + 1.9 * n)
    fig = style.new_figure(w, h)
    fig.get_layout_engine().set(hspace=0.07)  # room between panels for the dog-leg step
    if rect is not None:
        fig.get_layout_engine().set(rect=rect)
    laid_out_h = h * (rect[3] if rect is not None else 1.0)
    axs = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]

    # One x range for all panels.
    limits = []
    for s in panels:
        where = positions(s.points, x)
        extra = [b.x for b in boundaries(s, where)]
        limits.append(_xlim(where, extra))
    xlim = (min(a for a, _ in limits), max(b for _, b in limits))

    labels = [y_label_of(s) for s in panels]
    shared_y = len(set(labels)) == 1
    names = list(panel_labels) if panel_labels is not None else [s.name for s in panels]
    top_labels = [p.label for p in panels[0].phases]
    drawn: list[Drawn] = []
    handles: dict[str, Artist] = {}
    for i, (ax, s) in enumerate(zip(axs, panels, strict=True)):
        d = draw_series(
            ax,
            s,
            x=x,
            trend=trend,
            show_aim=show_aim,
            label_phases=i == 0 or [p.label for p in s.phases] != top_labels,
            xlim=xlim,
            show_xlabel=i == n - 1,
            show_ylabel=not shared_y,
        )
        drawn.append(d)
        handles.update(d.handles)
        if i < n - 1:
            ax.tick_params(axis="x", labelbottom=False)
        name = names[i] if i < len(names) else ""
        if name:
            # written down the right of its panel, wrapped to the panel's height: the figure
            # less its title, legend and x axis (1.2 in) and each panel's condition labels
            panel_pt = max(0.6, (laid_out_h - 1.2 - 0.45 * n) / n) * 72 * 0.85
            size_pt = style.PHASE_LABEL_SIZE + 0.5
            ax.text(
                1.01,
                0.5,
                "\n".join(style.wrap_to_width(name, panel_pt, size_pt)),
                transform=ax.transAxes,
                rotation=270,
                ha="left",
                va="center",
                gid="panel-label",
                linespacing=1.1,
                multialignment="center",
                **style.text_kw(size_pt),
            )
    if shared_y:
        fig.supylabel(labels[0], **style.text_kw())

    # Dog-legs: the k-th solid phase change of consecutive panels.
    solid = [[b.x for b in d.boundaries if b.solid] for d in drawn]
    for k in range(max((len(s) for s in solid), default=0)):
        chain: list[tuple[Axes, float]] = []
        for d, xs in zip(drawn, solid, strict=True):
            if k < len(xs):
                chain.append((d.ax, xs[k]))
            else:
                if len(chain) > 1:
                    fig.add_artist(DogLeg(chain, color=style.INK, linewidth=1.0, gid="dogleg"))
                chain = []
        if len(chain) > 1:
            fig.add_artist(DogLeg(chain, color=style.INK, linewidth=1.0, gid="dogleg"))

    _title(fig, title)
    _legend(fig, handles)
    return fig


def y_label_of(series: TargetSeries) -> str:
    return style.y_label(series.measurement, series.unit)


def cumulative_record(
    series: TargetSeries,
    *,
    x: str = "session",
    title: str | None = "",
    size: tuple[float, float] = (7.0, 4.2),
) -> Figure:
    """Cumulative record: the running total of the session values (usually counts).

    The record is one continuous path that never falls; its slope is the response rate, a
    flat stretch means no responding. Phase-change lines and condition labels are drawn as on
    the line graph, but the path is not broken at them: the cumulative total carries across
    (Cooper, Heron & Heward 2020, ch. 6). Sessions without a value add nothing and draw no
    point. The data path has gid ``data-path``.
    """
    check_axis(x)
    pts = series.points
    title = series.name if title == "" else title
    if not any(p.value is not None for p in pts):
        return style.no_data_figure(title, width=size[0])
    where = positions(pts, x)
    bounds = boundaries(series, where)
    lim = _xlim(where, [b.x for b in bounds])
    fig = style.new_figure(*size, layout=None)
    ax = fig.add_subplot()
    style.journal_axes(ax)
    ax.set_xlim(*lim)
    total = 0.0
    acc: list[tuple[float, float]] = []
    for i in where.order:
        v = pts[i].value
        if v is not None:
            total += float(v)
            acc.append((where.pos[i], total))
    if acc:
        ax.plot(
            [a for a, _ in acc],
            [b for _, b in acc],
            color=style.INK,
            linewidth=style.LINE_WIDTH,
            marker="o",
            markersize=3.2,
            zorder=3,
            clip_on=False,
            gid="data-path",
        )
    style.y_axis_from_zero(ax, total)
    unit = style.y_label(series.measurement, series.unit)
    ax.set_ylabel(f"Cumulative {unit[0].lower()}{unit[1:]}", **style.text_kw())
    _format_x(ax, x)
    _phase_lines(ax, series, bounds, lim, True)
    _fit_single(fig, ax, title=title, handles={})
    return fig
