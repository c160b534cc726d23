"""Data-quality graphs: interobserver agreement and treatment fidelity per session.

- ``ioa_chart``: agreement of every IOA session against the conventional minimum of 80 %
  (Cooper, Heron & Heward 2020, ch. 5), one data path per target;
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

from . import style
from .axes import day_number
from .model import FidelityPoint, IoaPoint, XValue

__all__ = ["fidelity_chart", "ioa_chart"]

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
) -> dict[str, Line2D]:
    from .graphs import _format_x

    axis = _axis_kind([p.x for p in points])
    groups: dict[str, list[tuple[float, float | None]]] = {}
    for p in points:
        groups.setdefault(group(p), []).append((_pos(p.x), p.percent))
    style.journal_axes(ax)
    style.y_axis_from_zero(ax, 100, percent=True)
    xs = [_pos(p.x) for p in points]
    if xs:
        lo, hi = min(xs), max(xs)
        pad = 1.0 if axis == "session" else max(1.0, 0.03 * (hi - lo))
        ax.set_xlim(min(0.0, lo - 1) if axis == "session" else lo - pad, hi + pad)
    else:
        ax.set_xlim(0, 10)
    _format_x(ax, axis)
    ax.set_ylabel(ylabel, **style.text_kw())
    handles = _draw_groups(ax, groups, criterion)
    if criterion is not None:
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
    if not points:
        ax.text(
            0.5,
            0.5,
            "No data in this period",
            transform=ax.transAxes,
            ha="center",
            va="center",
            **style.text_kw(color=style.GRAY),
        )
    return handles


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


def draw_ioa(
    ax: Axes, points: Sequence[IoaPoint], criterion: float = 80.0
) -> tuple[dict[str, Line2D], str]:
    """Draw the IOA chart into ``ax``; returns the legend entries and the summary line."""
    handles = _draw(ax, points, "% agreement (IOA)", criterion, lambda p: p.target or "IOA")  # type: ignore[attr-defined]
    valid = [p.percent for p in points if p.percent is not None]
    below = sum(1 for v in valid if v < criterion)
    summary = f"{len(valid)} IOA sessions, {below} below {criterion:g}%" if points else ""
    handles = handles if len(handles) > 1 else {}
    return _open_handle(handles, f"Below {criterion:g}%" if below else None), summary


def draw_fidelity(
    ax: Axes, points: Sequence[FidelityPoint], criterion: float | None = 90.0
) -> tuple[dict[str, Line2D], str]:
    """Draw the fidelity chart into ``ax``; returns the legend entries and the summary line."""
    handles = _draw(
        ax,
        points,
        "% of steps implemented correctly",
        criterion,
        lambda p: p.staff,  # type: ignore[attr-defined]
    )
    below = 0
    if criterion is not None:
        below = sum(1 for p in points if p.percent is not None and p.percent < criterion)
    staff = len({p.staff for p in points})
    summary = f"{len(points)} checks of {staff} staff" if points else ""
    if criterion is not None and points:
        summary += f", {below} below the {criterion:g}% criterion"
    return _open_handle(handles, f"Below {criterion:g}%" if below else None), summary


def _finish(fig: Figure, handles: dict[str, Line2D], title: str | None, subtitle: str) -> None:
    if handles:
        fig.legend(
            list(handles.values()),
            list(handles.keys()),
            loc="outside lower center",
            ncols=min(len(handles), 4),
            **style.legend_kw(),
        )
    if title:
        fig.suptitle(title, x=0.01, ha="left", **style.text_kw(style.TITLE_SIZE, weight="bold"))
    if subtitle:
        fig.axes[0].set_title(subtitle, loc="left", pad=10, **style.text_kw(style.TICK_SIZE))


def ioa_chart(
    points: Sequence[IoaPoint],
    *,
    criterion: float = 80.0,
    title: str | None = "Interobserver agreement",
    size: tuple[float, float] = (7.0, 4.0),
) -> Figure:
    """Agreement (percent) of each IOA session, one path per target, against ``criterion``.

    Points are at session numbers or dates (``IoaPoint.x``; one kind throughout). Sessions
    below the criterion are drawn as open symbols. The subtitle counts the IOA sessions and
    those below the criterion.

    Returns:
        The figure; the criterion line has gid ``criterion-line``, points at or above it
        ``points-met`` and below it ``points-below``.
    """
    fig = style.new_figure(*size)
    ax = fig.add_subplot()
    handles, summary = draw_ioa(ax, points, criterion)
    _finish(fig, handles, title, summary)
    return fig


def fidelity_chart(
    points: Sequence[FidelityPoint],
    *,
    criterion: float | None = 90.0,
    title: str | None = "Treatment fidelity",
    size: tuple[float, float] = (7.0, 4.0),
) -> Figure:
    """Fidelity (percent of applicable steps done correctly) of each check, one path per
    staff member, against the plan's ``criterion`` (``None``: no criterion line).

    Returns:
        The figure; one path per staff member with gid ``path:<staff>``.
    """
    fig = style.new_figure(*size)
    ax = fig.add_subplot()
    handles, summary = draw_fidelity(ax, points, criterion)
    _finish(fig, handles, title, summary)
    return fig
