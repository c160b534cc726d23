"""Data-quality graphs: interobserver agreement and treatment fidelity per session.

- ``ioa_chart``: agreement of every IOA session against the conventional minimum of 80 %
  (Cooper, Heron & Heward 2020, ch. 5), one panel per target (small multiples);
- ``fidelity_chart``: treatment fidelity of every fidelity check, one data path per staff
  member, against the plan's criterion (Gresham, Gansle & Noell 1993).

Points below the line are drawn open, so the sessions that need a look stand out in black
and white.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator

from . import style
from .axes import day_number
from .model import FidelityPoint, IoaPoint, XValue

__all__ = ["fidelity_chart", "ioa_chart"]

TOP_ROOM = 4.0
"""Percent of axis above 100, so a data path or point at exactly 100 is not cut in half."""

_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">", "h"]


def _axis_kind(xs: Sequence[XValue]) -> str:
    kinds = {isinstance(x, date) for x in xs}
    if len(kinds) > 1:
        raise TypeError("points mix session numbers and dates")
    return "date" if kinds == {True} else "session"


def _pos(x: XValue) -> float:
    return day_number(x) if isinstance(x, date) else float(x)


def _draw_groups(
    ax: Axes,
    groups: dict[str, list[tuple[float, float | None]]],
    criterion: float | None,
) -> dict[str, Line2D]:
    handles: dict[str, Line2D] = {}
    for k, (name, pts) in enumerate(groups.items()):
        marker = _MARKERS[k % len(_MARKERS)]
        pts.sort(key=lambda p: p[0])
        xs = [x for x, _ in pts]
        ys = [float("nan") if v is None else v for _, v in pts]
        ax.plot(xs, ys, color=style.INK, linewidth=0.9, zorder=3, gid=f"path:{name}")
        ok = [
            (x, y)
            for x, y in zip(xs, ys, strict=True)
            if y == y and (criterion is None or y >= criterion)
        ]
        low = [
            (x, y)
            for x, y in zip(xs, ys, strict=True)
            if y == y and criterion is not None and y < criterion
        ]
        common = {
            "linestyle": "none",
            "marker": marker,
            "markersize": style.MARKER_SIZE,
            "markeredgecolor": style.INK,
            "markeredgewidth": 0.9,
            "clip_on": False,
            "zorder": 4,
        }
        if ok:
            ax.plot(*zip(*ok, strict=True), markerfacecolor=style.INK, gid="points-met", **common)
        if low:
            ax.plot(*zip(*low, strict=True), markerfacecolor="white", gid="points-below", **common)
        handles[name] = Line2D(
            [], [], color=style.INK, lw=0.9, marker=marker, markerfacecolor=style.INK
        )
    return handles


def _draw(
    ax: Axes,
    points: Sequence[IoaPoint] | Sequence[FidelityPoint],
    ylabel: str,
    criterion: float | None,
    group: Callable[[object], str],
    period: tuple[date, date] | None = None,
) -> dict[str, Line2D]:
    from .graphs import _format_x

    if not points:
        style.no_data_panel(ax)
        return {}
    axis = _axis_kind([p.x for p in points])
    groups: dict[str, list[tuple[float, float | None]]] = {}
    for p in points:
        groups.setdefault(group(p), []).append((_pos(p.x), p.percent))
    style.journal_axes(ax)
    _percent_axis(ax)
    ax.set_xlim(*_x_range([p.x for p in points], period))
    _format_x(ax, axis)
    ax.set_ylabel(ylabel, **style.text_kw())
    handles = _draw_groups(ax, groups, criterion)
    if criterion is not None:
        _criterion_line(ax, criterion)
    return handles


def _percent_axis(ax: Axes, ticks: Sequence[float] = (0, 20, 40, 60, 80, 100)) -> None:
    """0-100 % with room above 100, so a line or point at exactly 100 is drawn whole."""
    style.y_axis_from_zero(ax, 100, percent=True)
    ax.yaxis.set_major_locator(FixedLocator(list(ticks)))
    ax.set_ylim(-style.ZERO_RAISE * 100, 100 + TOP_ROOM)


def _x_range(xs: Sequence[XValue], period: tuple[date, date] | None) -> tuple[float, float]:
    """The period asked for (whole days) on a date axis, else the data with a margin."""
    pos = [_pos(x) for x in xs]
    if period is not None and _axis_kind(xs) == "date":
        return _pos(period[0]) - 0.5, _pos(period[1]) + 0.5
    lo, hi = min(pos), max(pos)
    if _axis_kind(xs) == "session":
        return min(0.0, lo - 1), hi + 1.0
    pad = max(1.0, 0.03 * (hi - lo))
    return lo - pad, hi + pad


def _criterion_line(ax: Axes, criterion: float) -> None:
    ax.axhline(
        criterion,
        color=style.INK,
        linewidth=0.9,
        linestyle=(0, (5, 3)),
        zorder=2,
        gid="criterion-line",
    )
    ax.text(
        1.0,
        criterion,
        f" {criterion:g}%",
        transform=ax.get_yaxis_transform(),
        ha="left",
        va="center",
        gid="criterion-label",
        **style.text_kw(style.TICK_SIZE),
    )


def _open_handle(handles: dict[str, Line2D], label: str | None) -> dict[str, Line2D]:
    if not label:
        return handles
    out = dict(handles)
    out[label] = Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markerfacecolor="white",
        markeredgecolor=style.INK,
        markersize=style.MARKER_SIZE,
    )
    return out


def _ioa_summary(points: Sequence[IoaPoint], criterion: float) -> str:
    valid = [p.percent for p in points if p.percent is not None]
    below = sum(1 for v in valid if v < criterion)
    noun = "IOA session" if len(valid) == 1 else "IOA sessions"
    return f"{len(valid)} {noun}, {below} below {criterion:g}%"


def _dodged(xs: list[float], width: float) -> list[float]:
    """Spread points that share an x (two IOA sessions of a target on one day) across
    ``width`` so each stays visible; single points stay where they are."""
    out = list(xs)
    for x in set(xs):
        idx = [i for i, v in enumerate(xs) if v == x]
        if len(idx) > 1:
            step = width / (len(idx) - 1)
            for k, i in enumerate(idx):
                out[i] = x - width / 2 + k * step
    return out


def draw_ioa(
    fig: Figure,
    rect: tuple[float, float, float, float],
    points: Sequence[IoaPoint],
    criterion: float = 80.0,
    period: tuple[date, date] | None = None,
) -> tuple[list[Axes], dict[str, Line2D]]:
    """Draw the IOA chart into ``rect`` (left, bottom, width, height; figure fractions) of
    ``fig``: small multiples, one panel per target on a shared x axis (the ``period`` when
    given), each titled with its target, its count of IOA sessions and how many fell below
    ``criterion``; every point visible (same-day sessions of a target are spread apart).
    Returns the panels (top first) and the legend entries."""
    if not points:
        ax = fig.add_axes(rect)
        style.no_data_panel(ax)
        return [ax], {}
    names: list[str] = []
    for p in points:
        if (p.target or "IOA") not in names:
            names.append(p.target or "IOA")
    left, bottom, width, height = rect
    fig_h = fig.get_figheight() * 72
    title_h = (style.TICK_SIZE * 1.6 + 3) / fig_h
    axis_h = (style.TICK_SIZE * 1.3 + 6 + style.LABEL_SIZE * 1.4) / fig_h
    panel_h = (height - axis_h - len(names) * title_h) / len(names)
    xlim = _x_range([p.x for p in points], period)
    axis = _axis_kind([p.x for p in points])
    from .graphs import _format_x

    panels: list[Axes] = []
    any_below = False
    for k, name in enumerate(names):
        own = [p for p in points if (p.target or "IOA") == name]
        mine = sorted(((_pos(p.x), p.percent) for p in own), key=lambda xy: xy[0])
        y0 = bottom + axis_h + (len(names) - 1 - k) * (panel_h + title_h)
        ax = fig.add_axes((left, y0, width, panel_h), sharex=panels[0] if panels else None)
        style.journal_axes(ax)
        _percent_axis(ax, (0, 50, 100))
        ax.set_xlim(*xlim)
        xs = _dodged([x for x, _ in mine], 0.5 if axis == "date" else 0.4)
        ys = [float("nan") if v is None else float(v) for _, v in mine]
        ax.plot(xs, ys, color=style.INK, linewidth=0.8, zorder=3, clip_on=False, gid="path")
        classes = ((False, style.INK, "points-met"), (True, "white", "points-below"))
        for below, face, gid in classes:
            sel = [
                (x, y) for x, y in zip(xs, ys, strict=True) if y == y and (y < criterion) == below
            ]
            any_below |= below and bool(sel)
            if sel:
                ax.plot(
                    *zip(*sel, strict=True),
                    linestyle="none",
                    marker="o",
                    markersize=style.MARKER_SIZE,
                    markerfacecolor=face,
                    markeredgecolor=style.INK,
                    markeredgewidth=0.9,
                    clip_on=False,
                    zorder=4,
                    gid=gid,
                )
        _criterion_line(ax, criterion)
        ax.set_title(
            f"{name}: {_ioa_summary(own, criterion)}",
            loc="left",
            pad=3,
            gid="panel-title",
            **style.text_kw(style.TICK_SIZE),
        )
        if k < len(names) - 1:
            ax.tick_params(axis="x", labelbottom=False)
        panels.append(ax)
    _format_x(panels[-1], axis)
    fig.text(
        max(0.005, left - 0.075),
        bottom + axis_h + (height - axis_h) / 2,
        "% agreement (IOA)",
        rotation=90,
        ha="center",
        va="center",
        **style.text_kw(),
    )
    handles = {f"At or above {criterion:g}%": _point_handle(style.INK)}
    if any_below:
        handles[f"Below {criterion:g}%"] = _point_handle("white")
    return panels, handles


def _point_handle(face: str) -> Line2D:
    return Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markerfacecolor=face,
        markeredgecolor=style.INK,
        markersize=style.MARKER_SIZE,
    )


def draw_fidelity(
    ax: Axes,
    points: Sequence[FidelityPoint],
    criterion: float | None = 90.0,
    period: tuple[date, date] | None = None,
) -> tuple[dict[str, Line2D], str]:
    """Draw the fidelity chart into ``ax``; returns the legend entries and the summary line."""
    handles = _draw(
        ax,
        points,
        "% of steps correct",
        criterion,
        lambda p: p.staff,  # type: ignore[attr-defined]
        period,
    )
    below = 0
    if criterion is not None:
        below = sum(1 for p in points if p.percent is not None and p.percent < criterion)
    staff = len({p.staff for p in points})
    summary = f"{len(points)} checks of {staff} staff" if points else ""
    if criterion is not None and points:
        summary += f", {below} below the {criterion:g}% criterion"
    return _open_handle(handles, f"Below {criterion:g}%" if below else None), summary


def _legend(fig: Figure, handles: dict[str, Line2D]) -> None:
    if handles:
        fig.legend(
            list(handles.values()),
            list(handles.keys()),
            loc="lower center",
            bbox_to_anchor=(0.5, 0.01),
            ncols=min(len(handles), 4),
            **style.legend_kw(),
        )


def _title(fig: Figure, title: str | None) -> None:
    if title:
        fig.suptitle(
            title,
            x=0.01,
            y=0.99,
            ha="left",
            va="top",
            **style.text_kw(style.TITLE_SIZE, weight="bold"),
        )


def ioa_chart(
    points: Sequence[IoaPoint],
    *,
    criterion: float = 80.0,
    title: str | None = "Interobserver agreement",
    period: tuple[date, date] | None = None,
    width: float = 7.0,
) -> Figure:
    """Agreement (percent) of each IOA session against ``criterion``: one panel per target
    (small multiples, so no target's points hide another's), x axis over ``period`` when
    given. Sessions below the criterion are open circles; each panel's title counts its IOA
    sessions and those below the criterion.

    Returns:
        The figure; per panel the criterion line has gid ``criterion-line``, points at or
        above it ``points-met`` and below it ``points-below``, the title ``panel-title``.
    """
    if not points:
        return style.no_data_figure(title, width=width)
    targets = len({p.target or "IOA" for p in points})
    height = 1.25 + 1.15 * targets
    fig = style.new_figure(width, height, layout=None)
    top = (style.TITLE_SIZE * 1.6 + 6) / 72 / height if title else 0.04
    bottom = (style.LEGEND_SIZE * 2.2 + 6) / 72 / height
    left, right = 0.9 / width, 0.45 / width
    _, handles = draw_ioa(
        fig, (left, bottom, 1 - left - right, 1 - top - bottom), points, criterion, period
    )
    _legend(fig, handles)
    _title(fig, title)
    return fig


def fidelity_chart(
    points: Sequence[FidelityPoint],
    *,
    criterion: float | None = 90.0,
    title: str | None = "Treatment fidelity",
    period: tuple[date, date] | None = None,
    size: tuple[float, float] = (7.0, 4.0),
) -> Figure:
    """Fidelity (percent of applicable steps done correctly) of each check, one path per
    staff member, against the plan's ``criterion`` (``None``: no criterion line), x axis
    over ``period`` when given.

    Returns:
        The figure; one path per staff member with gid ``path:<staff>``.
    """
    if not points:
        return style.no_data_figure(title, width=size[0])
    width, height = size
    fig = style.new_figure(width, height, layout=None)
    top = ((style.TITLE_SIZE * 1.6 + 4) if title else 4) + style.TICK_SIZE * 1.6 + 8
    bottom = style.TICK_SIZE * 1.4 + 8 + style.LABEL_SIZE * 1.5 + style.LEGEND_SIZE * 2.4 + 6
    fig.subplots_adjust(
        left=0.95 / width,
        right=1 - 0.5 / width,
        top=1 - top / 72 / height,
        bottom=bottom / 72 / height,
    )
    ax = fig.add_subplot()
    handles, summary = draw_fidelity(ax, points, criterion, period)
    _legend(fig, handles)
    _title(fig, title)
    if summary:
        ax.set_title(summary, loc="left", pad=8, **style.text_kw(style.TICK_SIZE))
    return fig
