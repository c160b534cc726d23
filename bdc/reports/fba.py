"""Functional behavior assessment graphs.

- ``abc_bar_chart``: how often each antecedent preceded, and each consequence followed, one
  behavior in the ABC records (descriptive assessment; Cooper, Heron & Heward 2020, ch. 27).
- ``scatterplot_grid``: the time-of-day x date scatterplot of Touchette, MacDonald & Langer
  (1985, JABA 18, 343-351): one column per day, one row per interval of the day; an empty
  cell for no occurrence, a hatched cell for a low count, a filled cell for a high count.
- ``multielement_graph``: the functional-analysis graph of a multielement design (Iwata,
  Dorsey, Slifer, Bauman & Richman 1982/1994): one data path per condition across sessions,
  each condition with its own marker (see ``FA_MARKERS``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta

from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FixedLocator, MaxNLocator

from . import style
from .model import PERCENT_MEASUREMENTS, AbcRecord, FaSession

__all__ = ["FA_MARKERS", "abc_bar_chart", "fa_marker", "multielement_graph", "scatterplot_grid"]


# ---------------------------------------------------------------------------------------------
# ABC bar chart


def _tally(labels: Sequence[str | None], top: int) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for raw in labels:
        text = (raw or "").strip() or "(not recorded)"
        key = text.casefold()
        spelled.setdefault(key, text)
        counts[key] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], spelled[kv[0]].casefold()))
    out = [(spelled[k], n) for k, n in ranked[:top]]
    rest = ranked[top:]
    if rest:
        out.append((f"Other ({len(rest)} kinds)", sum(n for _, n in rest)))
    return out


def abc_bar_chart(
    records: Sequence[AbcRecord],
    *,
    behavior: str | None = None,
    top: int = 8,
    setting_events: bool = False,
    title: str | None = "",
) -> Figure:
    """Antecedents and consequences of one behavior, as horizontal bars.

    Each panel shows, for the records of ``behavior``, the percentage of records in which
    each antecedent (left) or consequence (right) was recorded, with the count; most frequent
    on top. Spellings that differ only in case are counted together.

    Args:
        records: ABC records of the client.
        behavior: keep only this behavior (case-insensitive); ``None`` keeps all records.
        top: the ``top`` most frequent categories are shown; the rest are summed as "Other".
        setting_events: add a third panel for setting events (records without one are
            counted as "(not recorded)").
        title: ``""`` for the default title, ``None`` for none.

    Returns:
        The figure; axes ``Antecedents``, ``Consequences`` (and ``Setting events``), each
        with one bar per category (``ax.patches``).
    """
    if behavior is not None:
        key = behavior.strip().casefold()
        recs = [r for r in records if r.behavior.strip().casefold() == key]
        behavior = recs[0].behavior.strip() if recs else behavior
    else:
        recs = list(records)
    n = len(recs)
    who = behavior if behavior is not None else "All behaviors"
    title = (
        (title or f"{who}: antecedents and consequences (ABC records)")
        if title is not None
        else None
    )
    if not n:
        return style.no_data_figure(title, "No ABC records in this period")
    panels = [
        ("Antecedents", _tally([r.antecedent for r in recs], top)),
        ("Consequences", _tally([r.consequence for r in recs], top)),
    ]
    if setting_events:
        panels.append(("Setting events", _tally([r.setting_event for r in recs], top)))
    rows = max((len(t) for _, t in panels), default=1) or 1
    top_pct = max((100.0 * c / n for _, t in panels for _, c in t), default=0.0) if n else 0.0
    xmax = min(100.0, 25.0 * -(-top_pct // 25)) if top_pct else 100.0
    fig = style.new_figure(4.0 * len(panels) + 0.5, 1.4 + 0.36 * rows)
    axs = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (name, tally) in zip(axs, panels, strict=True):
        style.journal_axes(ax)
        ax.set_title(name, loc="left", **style.text_kw(style.LABEL_SIZE, weight="bold"))
        labels = [t for t, _ in tally]
        pct = [100.0 * c / n for _, c in tally] if n else []
        ypos = list(range(len(tally)))
        ax.barh(ypos, pct, height=0.62, color="0.3", edgecolor=style.INK, linewidth=0.6)
        for y, (_, c), p in zip(ypos, tally, pct, strict=True):
            ax.text(
                p + 1.5,
                y,
                f"{c} ({p:.0f}%)",
                va="center",
                ha="left",
                **style.text_kw(style.TICK_SIZE),
            )
        ax.set_yticks(ypos, labels, fontfamily=style.FONT)
        ax.set_ylim(rows - 0.5, -0.6)
        ax.set_xlim(0, xmax * 1.22)  # room for the count labels
        ax.xaxis.set_major_locator(FixedLocator([v for v in (0, 25, 50, 75, 100) if v <= xmax]))
        ax.set_xlabel(f"% of records (n = {n})", **style.text_kw())
        ax.tick_params(axis="y", length=0)
    if title is not None:
        fig.suptitle(
            title,
            x=0.01,
            ha="left",
            **style.text_kw(style.TITLE_SIZE, weight="bold"),
        )
    return fig


# ---------------------------------------------------------------------------------------------
# scatterplot


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def scatterplot_grid(
    occurrences: Sequence[datetime],
    *,
    first_day: date,
    last_day: date,
    day_start: time = time(8, 0),
    day_end: time = time(16, 0),
    interval_minutes: int = 30,
    high: int = 2,
    observed: Sequence[tuple[datetime, datetime]] | None = None,
    weekdays_only: bool = False,
    title: str | None = None,
) -> Figure:
    """Time-of-day x date scatterplot (Touchette, MacDonald & Langer 1985).

    Args:
        occurrences: local wall-clock times of the behavior (one per occurrence). Convert
            UTC timestamps to the client's time zone first: the grid reads ``.date()`` and
            ``.time()``.
        first_day, last_day: the columns, inclusive.
        day_start, day_end: the rows cover this part of each day.
        interval_minutes: row height (15, 30 or 60 are usual).
        high: a cell with at least this many occurrences is filled; 1 to ``high - 1`` is
            hatched (with ``high=1`` every occurrence fills its cell).
        observed: observation periods (start, end); cells outside all of them are shaded
            grey as "not observed". ``None``: every cell counts as observed.
        weekdays_only: leave out Saturdays and Sundays.
        title: optional title.

    Returns:
        The figure. Its axes hold one ``PatchCollection`` per cell kind, with gids
        ``cells-low``, ``cells-high`` and ``cells-unobserved``; ``ax.bdc_counts`` is the grid
        of counts (rows = intervals, columns = days).
    """
    if interval_minutes <= 0 or high < 1:
        raise ValueError("interval_minutes must be > 0 and high >= 1")
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    start_m, end_m = _minutes(day_start), _minutes(day_end)
    if end_m <= start_m:
        raise ValueError("day_end must be after day_start")
    days = [first_day + timedelta(days=k) for k in range((last_day - first_day).days + 1)]
    if weekdays_only:
        days = [d for d in days if d.weekday() < 5]
    col = {d: i for i, d in enumerate(days)}
    nrows = -(-(end_m - start_m) // interval_minutes)
    counts = [[0] * len(days) for _ in range(nrows)]
    for t in occurrences:
        c = col.get(t.date())
        m = t.hour * 60 + t.minute + t.second / 60
        if c is None or not start_m <= m < end_m:
            continue
        counts[int((m - start_m) // interval_minutes)][c] += 1

    def cell_observed(r: int, c: int) -> bool:
        if observed is None:
            return True
        d = days[c]
        a = datetime.combine(d, time()) + timedelta(minutes=start_m + r * interval_minutes)
        b = a + timedelta(minutes=interval_minutes)
        for s, e in observed:
            s_, e_ = s.replace(tzinfo=None), e.replace(tzinfo=None)
            if s_ < b and e_ > a:
                return True
        return False

    width = min(13.0, max(6.5, 2.0 + 0.24 * len(days)))
    height = min(11.0, max(4.2, 2.6 + 0.24 * nrows))
    fig = style.new_figure(width, height)
    ax = fig.add_subplot()
    ax.bdc_counts = counts  # type: ignore[attr-defined]
    low: list[Rectangle] = []
    hi: list[Rectangle] = []
    unobs: list[Rectangle] = []
    for r in range(nrows):
        for c in range(len(days)):
            rect = Rectangle((c, r), 1, 1)
            n = counts[r][c]
            if n >= high:
                hi.append(rect)
            elif n > 0:
                low.append(rect)
            elif not cell_observed(r, c):
                unobs.append(rect)
    ax.add_collection(
        PatchCollection(unobs, facecolor="0.85", edgecolor="none", gid="cells-unobserved")
    )
    ax.add_collection(
        PatchCollection(
            low, facecolor="white", edgecolor=style.INK, hatch="////", lw=0, gid="cells-low"
        )
    )
    ax.add_collection(PatchCollection(hi, facecolor=style.INK, edgecolor="none", gid="cells-high"))
    for r in range(nrows + 1):
        ax.axhline(r, color="0.6", linewidth=0.5, zorder=3)
    for c in range(len(days) + 1):
        ax.axvline(c, color="0.6", linewidth=0.5, zorder=3)
    ax.set_xlim(0, max(len(days), 1))
    ax.set_ylim(nrows, 0)
    for side in ax.spines.values():
        side.set_linewidth(0.8)
    ax.tick_params(labelsize=style.TICK_SIZE - 0.5, length=0, labelfontfamily=style.FONT)
    step = 1 if len(days) <= 31 else 2
    ax.set_xticks(
        [c + 0.5 for c in range(0, len(days), step)],
        [f"{d:%a} {d.day} {d:%b}" for d in days[::step]],
        rotation=90,
    )
    rstep = max(1, nrows // 24 + 1) if nrows > 24 else 1
    row_minutes = [start_m + r * interval_minutes for r in range(0, nrows + 1, rstep)]
    ax.set_yticks(
        list(range(0, nrows + 1, rstep)),
        [f"{m // 60:02d}:{m % 60:02d}" for m in row_minutes],
    )
    # the interval goes under the grid: a long y label on a short grid runs into the title
    ax.set_ylabel("Time of day", **style.text_kw())
    ax.set_xlabel(f"Date (rows of {interval_minutes} min)", **style.text_kw())
    legend = [
        Patch(facecolor="white", edgecolor="0.5", label="No occurrence"),
        Patch(
            facecolor="white",
            edgecolor=style.INK,
            hatch="////",
            label=f"1\u2013{high - 1} occurrences" if high > 2 else "1 occurrence",
        ),
        Patch(facecolor=style.INK, label=f"{high} or more occurrences"),
    ]
    if high == 1:
        legend = [legend[0], Patch(facecolor=style.INK, label="1 or more occurrences")]
    if observed is not None:
        legend.append(Patch(facecolor="0.85", label="Not observed"))
    fig.legend(
        handles=legend,
        loc="outside lower center",
        ncols=len(legend),
        **style.legend_kw(columnspacing=1.0, handlelength=1.6),
    )
    if title:
        fig.suptitle(title, x=0.01, ha="left", **style.text_kw(style.TITLE_SIZE, weight="bold"))
    return fig


# ---------------------------------------------------------------------------------------------
# multielement functional analysis

FA_MARKERS: Mapping[str, tuple[str, bool]] = {
    "attention": ("o", True),
    "escape": ("s", False),
    "demand": ("s", False),
    "alone": ("^", True),
    "ignore": ("^", True),
    "no interaction": ("^", True),
    "play": ("o", False),
    "control": ("o", False),
    "tangible": ("D", True),
}
"""Condition keyword -> (marker, filled). Attention: filled circles; escape/demand: open
squares; alone/ignore: filled triangles; play/control: open circles; tangible: filled
diamonds. There is no journal-wide standard; these are the symbols most often seen in FA
graphs and are kept the same in every bdc graph. Other conditions get the next free marker."""

_EXTRA_MARKERS = [("v", True), ("s", True), ("^", False), ("D", False), ("P", True), ("X", True)]
_FA_ORDER = ["attention", "escape", "demand", "tangible", "alone", "ignore", "play", "control"]


def fa_marker(condition: str, taken: set[tuple[str, bool]] | None = None) -> tuple[str, bool]:
    """The (marker, filled) of an FA condition, matched by keyword (case-insensitive)."""
    low = condition.casefold()
    for key, m in FA_MARKERS.items():
        if key in low and (taken is None or m not in taken):
            return m
    for m in _EXTRA_MARKERS:
        if taken is None or m not in taken:
            return m
    return _EXTRA_MARKERS[0]


def multielement_graph(
    sessions: Sequence[FaSession],
    *,
    measurement: str = "rate",
    unit: str | None = None,
    title: str | None = "Functional analysis",
    size: tuple[float, float] = (7.5, 4.2),
    criteria: tuple[float, float] | None = None,
    aid: str | None = None,
) -> Figure:
    """Multielement functional-analysis graph: one data path per condition.

    Points of one condition are joined across the sessions of the other conditions (the
    multielement convention), and the path is broken at a session without a value. The
    legend lists the conditions in the conventional order (attention, escape, tangible,
    alone, play). ``criteria`` (lower, upper) draws the structured-criteria lines (thin,
    dashed, gid ``fa-criterion``) and ``aid`` is printed under the graph (gid ``fa-aid``):
    an aid to visual inspection, labelled as such, never a verdict.

    Returns:
        The figure; one ``Line2D`` per condition with gid ``condition:<name>``.
    """
    if not any(s.value is not None for s in sessions):
        return style.no_data_figure(title, "No functional-analysis sessions in this period")
    conds: list[str] = []
    for s in sessions:
        if s.condition not in conds:
            conds.append(s.condition)

    first = {c: i for i, c in enumerate(conds)}

    def rank(c: str) -> tuple[int, int]:
        low = c.casefold()
        for i, key in enumerate(_FA_ORDER):
            if key in low:
                return (i, first[c])
        return (len(_FA_ORDER), first[c])

    conds.sort(key=rank)
    fig = style.new_figure(*size)
    ax = fig.add_subplot()
    style.journal_axes(ax)
    taken: set[tuple[str, bool]] = set()
    handles: list[Line2D] = []
    vmax = 0.0
    for c in conds:
        marker, filled = fa_marker(c, taken)
        taken.add((marker, filled))
        pts = sorted((s.session, s.value) for s in sessions if s.condition == c)
        xs = [float(x) for x, _ in pts]
        ys = [float("nan") if v is None else float(v) for _, v in pts]
        vmax = max([vmax, *(v for v in ys if v == v)])
        (line,) = ax.plot(
            xs,
            ys,
            color=style.INK,
            linewidth=style.LINE_WIDTH,
            marker=marker,
            markersize=style.MARKER_SIZE + (0.5 if marker == "^" else 0.0),
            markerfacecolor=style.INK if filled else "white",
            markeredgecolor=style.INK,
            markeredgewidth=0.9,
            clip_on=False,
            zorder=3,
            label=c,
            gid=f"condition:{c}",
        )
        handles.append(line)
    if criteria is not None:
        # a lower line below zero marks nothing a count or a percentage can reach
        for level in (c for c in criteria if c >= 0):
            criterion = ax.axhline(
                level,
                color=style.INK,
                linewidth=0.7,
                linestyle=(0, (4, 3)),
                alpha=0.6,
                zorder=1,
                gid="fa-criterion",
                label="Control mean \u00b1 1 SD",
            )
        vmax = max(vmax, *criteria)
        handles.append(criterion)
    style.y_axis_from_zero(ax, vmax, percent=measurement in PERCENT_MEASUREMENTS)
    last = max((s.session for s in sessions), default=10)
    ax.set_xlim(0, last + 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8, steps=[1, 2, 5, 10]))
    ax.set_xlabel("Sessions", **style.text_kw())
    ax.set_ylabel(style.y_label(measurement, unit), **style.text_kw())
    if handles:
        fig.legend(
            handles,
            [h.get_label() for h in handles],
            loc="outside right upper",
            **style.legend_kw(),
        )
    if aid:
        width_pt = (size[0] - 0.3) * 72
        text = "\n".join(style.wrap_to_width(aid, width_pt, style.TICK_SIZE - 0.5))
        label = fig.supxlabel(text, x=0.01, ha="left", **style.text_kw(style.TICK_SIZE - 0.5))
        label.set_gid("fa-aid")
    if title:
        fig.suptitle(title, x=0.01, ha="left", **style.text_kw(style.TITLE_SIZE, weight="bold"))
    return fig
