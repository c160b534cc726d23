"""The Daily Standard Celeration Chart.

Follows Pennypacker, Gutierrez & Lindsley (2003), *Handbook of the Standard Celeration
Chart*, and Kubina (2019), *The Precision Teaching Implementation Manual*:

- y: count per minute on a six-cycle logarithmic scale, 0.001 to 1000; counting times on the
  right-hand axis (1 min at 1 per minute, 10 min at 0.1, 16 h near 0.001);
- x: 140 successive calendar days (20 weeks) from a Sunday; a heavier line every Sunday,
  day numbers every 14 days below, week numbers and the dates of every fourth week above;
- the plotting area has the standard proportions, so that a x2 (doubling per week)
  celeration line rises at about 34 degrees, as on the paper chart;
- dots for acceleration targets (behavior to increase), x for deceleration targets;
- the record floor of every timing (1 / counting time, in per minute) is a dash;
- phase-change lines with their labels; a celeration line per phase, fitted by
  ``bdc.analysis.celeration_fit`` (least squares on log10 count per minute against calendar
  days) and labelled with its value, x1.4 (accelerating) or /1.6 (decelerating; printed
  with the division sign).

Zero counts cannot be logged. With ``zero_counts='floor'`` (the default, as the bdc issue
asks) a zero is charted at its record floor, 1 / counting time, drawn as the floor mark only:
a floor with no dot or x above it reads "nothing counted in this timing". With
``zero_counts='below_floor'`` the target's symbol is charted just below the floor
(floor / 1.5), as many charters do by hand. Zeros are left out of the celeration fit either
way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, NullLocator

from . import style
from .model import SeriesPoint, TargetSeries

__all__ = ["CHART_DAYS", "Y_MAX", "Y_MIN", "celeration_chart", "celeration_label"]

CHART_DAYS = 140
Y_MIN = 0.001
Y_MAX = 1000.0
BELOW_FLOOR = 1.5  # a zero charted below the floor sits at floor / 1.5

_Y_TICKS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 50, 100, 500, 1000]
_COUNT_TIMES = [
    (6.0, "10 sec"),
    (2.0, "30 sec"),
    (1.0, "1 min"),
    (0.5, "2 min"),
    (0.2, "5 min"),
    (0.1, "10 min"),
    (0.05, "20 min"),
    (1 / 60, "1 hr"),
    (1 / 120, "2 hrs"),
    (1 / 240, "4 hrs"),
    (1 / 480, "8 hrs"),
    (1 / 960, "16 hrs"),
]
# Standard proportions: a x2-per-week line rises at 34 degrees.
# height/width of one decade over one day = 7 * tan(34 deg) / log10(2)
_DECADE_PER_DAY = 7 * 0.674508516842 / 0.301029995664
BOX_ASPECT = 6 * _DECADE_PER_DAY / CHART_DAYS

_SYMBOLS = {
    "increase": [("o", "Dot"), ("s", "Square")],
    "decrease": [("x", "X"), ("+", "Plus")],
}


LABEL_HALF_DAYS = 7
"""Days either side of a celeration label's centre that its text may reach."""
LABEL_CLEARANCE = 1.8
"""Factor (on the log scale) between the nearest data and a celeration label."""


def celeration_label(celeration: float) -> str:
    """``x1.25`` for an accelerating line, ``\u00f71.60`` for a decelerating one."""
    if celeration >= 1:
        return f"\u00d7{celeration:.2f}"
    return f"\u00f7{1 / celeration:.2f}"


def _fmt_rate(v: float) -> str:
    if v >= 1:
        return f"{v:g}"
    return f"{v:g}".lstrip("0")  # .001, .005, .5 as printed on the chart


def _sunday_on_or_before(d: date) -> date:
    return d - timedelta(days=(d.weekday() + 1) % 7)


def _rate(p: SeriesPoint, measurement: str) -> float | None:
    if p.value is None:
        return None
    if measurement == "frequency":
        if not p.observed_minutes:
            raise ValueError("a frequency needs observed_minutes to be charted per minute")
        return float(p.value) / p.observed_minutes
    return float(p.value)


def _fit(rates: list[float], days: list[float]):
    from bdc.analysis import celeration_fit

    return celeration_fit(rates, days=days)


def _grid(ax: Axes) -> None:
    for day in range(CHART_DAYS + 1):
        sunday = day % 7 == 0
        ax.axvline(
            day,
            color="0.55" if sunday else "0.86",
            linewidth=0.7 if sunday else 0.35,
            zorder=0,
            gid="grid",
        )
    for k in range(-3, 3):
        for m in range(1, 10):
            v = m * 10.0**k
            ax.axhline(
                v,
                color="0.4" if m == 1 else ("0.65" if m == 5 else "0.86"),
                linewidth=0.8 if m == 1 else 0.35,
                zorder=0,
                gid="grid",
            )


def celeration_chart(
    series: TargetSeries | Sequence[TargetSeries],
    *,
    start: date | None = None,
    celeration_lines: bool = True,
    zero_counts: str = "floor",
    title: str | None = "",
    size: tuple[float, float] = (11.0, 8.0),
) -> Figure:
    """The Daily Standard Celeration Chart of one or more targets.

    Args:
        series: a target, or several charted together (e.g. corrects and errors). Points need
            calendar dates; ``value`` is count per minute (measurement ``rate``), or a count
            divided by ``observed_minutes`` (measurement ``frequency``). ``observed_minutes``
            gives the record floor. Points outside the 140 days are not charted.
        start: day 0 of the chart; default the Sunday on or before the first point.
        celeration_lines: fit and draw a celeration line in each phase with at least three
            non-zero rates on at least two days.
        zero_counts: ``floor`` or ``below_floor`` (see the module docstring).
        title: ``""`` uses the target names, ``None`` draws none.
        size: inches.

    Returns:
        The figure; ``fig.axes[0]`` is the chart (log y), ``fig.axes[1]`` the counting-time
        axis. Artists carry gids: ``data-points``, ``data-path``, ``floor``, ``zero``,
        ``phase-line``, ``phase-label``, ``celeration-line``, ``celeration-label``.
    """
    many = [series] if isinstance(series, TargetSeries) else list(series)
    if not many:
        raise ValueError("celeration_chart needs at least one series")
    if zero_counts not in ("floor", "below_floor"):
        raise ValueError("zero_counts must be 'floor' or 'below_floor'")
    for s in many:
        if any(not isinstance(p.x, date) for p in s.points):
            raise ValueError("the celeration chart needs points dated by calendar date")
    dates = [p.x for s in many for p in s.points]
    if start is None:
        first = min(dates) if dates else date.today()
        start = _sunday_on_or_before(first)  # type: ignore[arg-type]

    def day(d: date) -> float:
        return float((d - start).days)

    fig = style.new_figure(*size)
    ax = fig.add_subplot()
    ax.set_yscale("log")
    ax.set_xlim(0, CHART_DAYS)
    ax.set_ylim(Y_MIN, Y_MAX)
    ax.set_box_aspect(BOX_ASPECT)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(True)
        ax.spines[side].set_linewidth(0.9)
    ax.tick_params(axis="both", which="both", labelsize=style.TICK_SIZE, direction="out")
    _grid(ax)
    ax.yaxis.set_major_locator(FixedLocator(_Y_TICKS))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_yticklabels([_fmt_rate(v) for v in _Y_TICKS], fontfamily=style.FONT)
    ax.set_ylabel("Count per minute", **style.text_kw())
    ax.xaxis.set_major_locator(FixedLocator(list(range(0, CHART_DAYS + 1, 14))))
    ax.xaxis.set_minor_locator(FixedLocator(list(range(0, CHART_DAYS + 1, 7))))
    ax.set_xlabel("Successive calendar days", **style.text_kw())

    right = ax.twinx()
    right.set_yscale("log")
    right.set_ylim(Y_MIN, Y_MAX)
    right.set_box_aspect(BOX_ASPECT)
    right.yaxis.set_major_locator(FixedLocator([v for v, _ in _COUNT_TIMES]))
    right.yaxis.set_minor_locator(NullLocator())
    right.set_yticklabels([t for _, t in _COUNT_TIMES], fontfamily=style.FONT)
    right.tick_params(axis="y", labelsize=style.TICK_SIZE - 0.5, direction="out")
    right.set_ylabel("Counting times", rotation=270, labelpad=14, **style.text_kw())

    top = ax.secondary_xaxis("top", functions=(lambda d: d / 7, lambda w: w * 7))
    top.xaxis.set_major_locator(FixedLocator(list(range(0, CHART_DAYS // 7 + 1, 4))))
    top.tick_params(labelsize=style.TICK_SIZE)
    top.set_xlabel("Successive calendar weeks", **style.text_kw())
    for k in range(0, CHART_DAYS + 1, 28):
        d = start + timedelta(days=k)
        ax.text(
            k,
            1.085,
            f"{d.day} {d:%b} {d:%y}",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            gid="week-date",
            **style.text_kw(style.TICK_SIZE - 0.5, color=style.GRAY),
        )

    legend: dict[str, Line2D] = {}
    phase_xs: dict[float, str] = {}
    opening: dict[float, str] = {}  # the first phase's label: no line at its start
    used = {"increase": 0, "decrease": 0}
    for s in many:
        sym_list = _SYMBOLS[s.direction]
        marker, _ = sym_list[min(used[s.direction], len(sym_list) - 1)]
        used[s.direction] += 1
        if s.phases and s.phases[0].label and s.points:
            # the first phase (baseline) is labelled too, at its first charted day
            first = min(day(p.x) for p in s.points)  # type: ignore[arg-type]
            if 0 <= first <= CHART_DAYS:
                opening.setdefault(max(first - 0.5, 0.0), s.phases[0].label)
        for i in range(1, len(s.phases)):
            st = s.phases[i].start
            if isinstance(st, date) and 0 <= day(st) <= CHART_DAYS:
                phase_xs.setdefault(day(st) - 0.5, s.phases[i].label)
        charted = []  # (day, rate, phase, is_zero, floor)
        for p in sorted(s.points, key=lambda q: q.x):
            dd = day(p.x)  # type: ignore[arg-type]
            if not 0 <= dd <= CHART_DAYS:
                continue
            r = _rate(p, s.measurement)
            floor = 1.0 / p.observed_minutes if p.observed_minutes else None
            if r is None:
                continue
            charted.append((dd, r, p.phase_index, r <= 0, floor))
        floors = [(d_, f) for d_, _, _, _, f in charted if f is not None]
        if floors:
            ax.plot(
                [d_ for d_, _ in floors],
                [f for _, f in floors],
                linestyle="none",
                marker="_",
                markersize=7,
                markeredgewidth=1.3,
                color=style.INK,
                zorder=3,
                gid="floor",
            )
        zeros = [(d_, f) for d_, _, _, z, f in charted if z and f is not None]
        if zero_counts == "below_floor" and zeros:
            ax.plot(
                [d_ for d_, _ in zeros],
                [f / BELOW_FLOOR for _, f in zeros],
                linestyle="none",
                marker=marker,
                markersize=4.5,
                markerfacecolor=style.INK if marker == "o" else "none",
                markeredgewidth=1.2,
                color=style.INK,
                zorder=4,
                gid="zero",
            )
        elif zeros:
            # the floor mark already drawn is the zero; tag it for readers of the figure
            ax.plot(
                [d_ for d_, _ in zeros],
                [f for _, f in zeros],
                linestyle="none",
                marker="_",
                markersize=7,
                markeredgewidth=1.3,
                color=style.INK,
                zorder=3,
                gid="zero",
            )
        pos = [(d_, r, ph) for d_, r, ph, z, _ in charted if not z]
        if pos:
            ax.plot(
                [d_ for d_, _, _ in pos],
                [r for _, r, _ in pos],
                linestyle="none",
                marker=marker,
                markersize=4.5 if marker in "os" else 6,
                markerfacecolor=style.INK if marker in "os" else "none",
                markeredgewidth=1.2,
                color=style.INK,
                zorder=4,
                gid="data-points",
            )
        # connect successive charted days within a phase
        run: list[tuple[float, float]] = []
        prev_ph = None
        for d_, r, ph, z, f in [*charted, (None, None, None, None, None)]:
            y = None
            if d_ is not None:
                if not z:
                    y = r
                elif zero_counts == "below_floor" and f is not None:
                    y = f / BELOW_FLOOR
            if y is None or ph != prev_ph:
                if len(run) > 1:
                    ax.plot(
                        [a for a, _ in run],
                        [b for _, b in run],
                        color=style.INK,
                        linewidth=0.8,
                        zorder=3,
                        gid="data-path",
                    )
                run = []
            if y is not None:
                run.append((d_, y))
            prev_ph = ph
        legend[s.name] = Line2D(
            [],
            [],
            marker=marker,
            linestyle="none",
            color=style.INK,
            markerfacecolor=style.INK if marker in "os" else "none",
            markersize=5,
        )
        if celeration_lines:
            for ph in sorted({c[2] for c in charted}):
                sel = [(d_, r) for d_, r, p_, z, _ in charted if p_ == ph and not z]
                if len(sel) < 3 or len({d_ for d_, _ in sel}) < 2:
                    continue
                try:
                    fit = _fit([r for _, r in sel], [d_ for d_, _ in sel])
                except ValueError:
                    continue
                x0, x1 = sel[0][0], sel[-1][0]

                def at(xx: float, fit=fit) -> float:
                    return 10 ** (fit.intercept_log10 + fit.slope_log10_per_day * xx)

                ax.plot(
                    [x0, x1],
                    [at(x0), at(x1)],
                    color=style.INK,
                    linewidth=1.6,
                    zorder=5,
                    gid="celeration-line",
                )
                # The value is written beside the middle of its line: above it for an
                # acceleration target, below it for a deceleration target, so that the
                # lines of corrects and errors charted together keep their labels apart.
                # It never covers data: it goes clear of every point and record floor
                # charted near it (above them, or below when there is no room above).
                xm = (x0 + x1) / 2
                near = [r for d_, r, _, _, _ in charted if abs(d_ - xm) <= LABEL_HALF_DAYS]
                near += [f for d_, _, _, _, f in charted if f and abs(d_ - xm) <= LABEL_HALF_DAYS]
                near += [at(xm)]
                above = s.direction == "increase" or min(near) / LABEL_CLEARANCE < Y_MIN * 2
                if above and max(near) * LABEL_CLEARANCE > Y_MAX / 3:
                    above = False
                ym = max(near) * LABEL_CLEARANCE if above else min(near) / LABEL_CLEARANCE
                ax.text(
                    xm,
                    ym,
                    celeration_label(fit.celeration),
                    ha="center",
                    va="bottom" if above else "top",
                    zorder=6,
                    gid="celeration-label",
                    **style.text_kw(style.LABEL_SIZE, weight="bold"),
                )

    for xb, label in sorted([*phase_xs.items(), *opening.items()]):
        if xb in phase_xs:
            ax.axvline(xb, color=style.INK, linewidth=1.3, zorder=4, gid="phase-line")
        ax.text(
            xb + 0.8,
            600,
            label,
            ha="left",
            va="top",
            bbox={"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none"},
            zorder=6,
            gid="phase-label",
            **style.text_kw(style.PHASE_LABEL_SIZE),
        )
    ax.legend(
        list(legend.values()),
        list(legend.keys()),
        loc="lower right",
        **style.legend_kw(frameon=True, framealpha=1.0, edgecolor="0.6", fancybox=False),
    )
    if title is not None:
        name = title or "; ".join(s.name for s in many)
        fig.suptitle(
            f"Daily per minute chart \u2014 {name}",
            x=0.01,
            ha="left",
            **style.text_kw(style.TITLE_SIZE, weight="bold"),
        )
    return fig
