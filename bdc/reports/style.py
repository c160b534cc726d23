"""Journal style shared by every bdc graph.

Black and white, printable on a school photocopier: black data paths, filled circles, open
circles for sessions below the minimum number of trials, triangles for IOA sessions, no top or
right spines, zero raised slightly above the x axis so that points at zero stay visible
(Cooper, Heron & Heward 2020, ch. 6). The font is matplotlib's bundled DejaVu Sans, named
explicitly so a site-wide matplotlibrc cannot change the look.

Nothing here touches matplotlib's global ``rcParams``: every setting is made on the figure or
the axes, so graphs can be built concurrently in several threads of one server process.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

__all__ = [
    "FONT",
    "INK",
    "y_label",
]

FONT = "DejaVu Sans"
INK = "black"
GRAY = "0.45"
LIGHT = "0.8"

TICK_SIZE = 8.5
LABEL_SIZE = 10
TITLE_SIZE = 11
PHASE_LABEL_SIZE = 9
LEGEND_SIZE = 8.5

MARKER_SIZE = 5.5
# Sessions outside the clinic keep a marker of their own (and a dashed data path) on the line
# graph, so generalization data are never read as clinic data. Clinic and "not stated" keep
# the circle; a setting of the clinic's own list not named here takes the next spare marker.
CLINIC_SETTINGS = ("", "clinic")
SETTING_MARKERS = {"home": "s", "school": "D", "community": "p", "telehealth": "h"}
SPARE_SETTING_MARKERS = ("v", "P", "X", "<", ">", "d")
SETTING_PATH = (0, (4, 2))
LINE_WIDTH = 1.0
SPINE_OFFSET = 5  # points between the plotting area and the axes, when offset
ZERO_RAISE = 0.03
"""How far below zero the x axis sits, as a fraction of the y range."""

_Y_LABELS = {
    "frequency": "Number of responses",
    "rate": "Responses per minute",
    "duration": "Seconds",
    "latency": "Seconds",
    "partial_interval": "% of intervals",
    "whole_interval": "% of intervals",
    "momentary_time_sampling": "% of intervals",
    "abc": "Number of ABC records",
    "dtt": "% independent",
    "task_analysis": "% of steps independent",
    "rating": "Rating",
}


def y_label(measurement: str, unit: str | None = None) -> str:
    """The y-axis label: ``unit`` when given, else the measurement's own label."""
    if unit:
        return unit
    return _Y_LABELS.get(measurement, measurement.replace("_", " ").capitalize())


def new_figure(width: float, height: float, *, layout: str | None = "constrained") -> Figure:
    """A white figure of ``width`` x ``height`` inches, never through pyplot."""
    fig = Figure(figsize=(width, height), layout=layout, facecolor="white")
    if layout == "constrained":
        fig.get_layout_engine().set(w_pad=0.06, h_pad=0.06, hspace=0.04, wspace=0.04)
    return fig


def journal_axes(ax: Axes, *, offset: bool = False) -> None:
    """Strip an axes down to the journal look: left and bottom spines only, ticks out."""
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(0.9)
        ax.spines[side].set_color(INK)
        if offset:
            ax.spines[side].set_position(("outward", SPINE_OFFSET))
    ax.tick_params(
        axis="both",
        which="both",
        direction="out",
        length=3.5,
        width=0.8,
        colors=INK,
        labelsize=TICK_SIZE,
        labelfontfamily=FONT,
    )
    ax.set_facecolor("white")
    ax.patch.set_alpha(0.0)


_T2P = TextToPath()


@functools.lru_cache(maxsize=8192)
def text_width(text: str, size: float, weight: str = "normal") -> float:
    """Width in points of ``text`` in the house font (its widest line). Cached: a report
    measures the same words over and over while wrapping its table cells."""
    prop = FontProperties(family=FONT, size=size, weight=weight)
    return max(
        (_T2P.get_text_width_height_descent(ln, prop, ismath=False)[0] for ln in text.split("\n")),
        default=0.0,
    )


def wrap_to_width(text: str, width_pt: float, size: float, weight: str = "normal") -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width_pt`` points (a single word
    wider than that keeps its own line)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size, weight) > width_pt:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


NO_DATA = "No data in this period"


def no_data_panel(ax: Axes, text: str = NO_DATA) -> None:
    """Turn ``ax`` into a short notice: no axes, ticks or scales are invented for no data."""
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        gid="no-data",
        **text_kw(color=GRAY),
    )


def no_data_figure(title: str | None, text: str = NO_DATA, width: float = 7.0) -> Figure:
    """A short figure holding only ``title`` and the notice ``text`` (a chart with no data)."""
    fig = new_figure(width, 1.3 if title else 0.9, layout=None)
    no_data_panel(fig.add_axes((0.0, 0.0, 1.0, 0.7 if title else 1.0)), text)
    if title:
        fig.suptitle(
            title, x=0.01, y=0.95, ha="left", va="top", **text_kw(TITLE_SIZE, weight="bold")
        )
    return fig


def text_kw(size: float = LABEL_SIZE, **extra: object) -> dict[str, object]:
    """Keyword arguments for ``Axes.text`` / ``set_xlabel`` in the house font."""
    kw: dict[str, object] = {"fontsize": size, "fontfamily": FONT, "color": INK}
    kw.update(extra)
    return kw


def legend_kw(**extra: object) -> dict[str, object]:
    """Frameless legend in the house font."""
    kw: dict[str, object] = {
        "frameon": False,
        "prop": {"family": FONT, "size": LEGEND_SIZE},
        "handlelength": 2.2,
        "borderaxespad": 0.2,
        "columnspacing": 1.4,
    }
    kw.update(extra)
    return kw


def fmt_tick(v: float, _pos: object = None) -> str:
    """Tick label without a trailing ``.0``."""
    if abs(v - round(v)) < 1e-9:
        return f"{round(v):d}"
    return f"{v:g}"


def y_axis_over_scale(ax: Axes, low: float, high: float, labels: Sequence[str] = ()) -> float:
    """Put the y axis of a rating scale over the scale itself (``low``..``high``, one tick per
    scale point) with the anchor ``labels`` beside their numbers; return the top."""
    ticks = [float(v) for v in range(math.ceil(low), math.floor(high) + 1)] or [low, high]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    if labels and len(labels) == len(ticks):
        names = dict(zip(ticks, labels, strict=True))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: f"{names.get(v, '')} {fmt_tick(v)}".strip())
        )
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(fmt_tick))
    pad = ZERO_RAISE * (high - low)
    ax.set_ylim(low - pad, high + pad)
    return high


def y_axis_from_zero(ax: Axes, vmax: float, *, percent: bool = False) -> float:
    """Put round y ticks from 0 to just above ``vmax`` (0-100 by 20 for percentages), set the
    limits with zero raised above the x axis, and return the top of the axis."""
    if percent:
        ticks = [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    else:
        if not math.isfinite(vmax) or vmax <= 0:
            vmax = 1.0
        ticks = [float(t) for t in MaxNLocator(nbins=6, steps=[1, 2, 5, 10]).tick_values(0, vmax)]
        ticks = [t for t in ticks if t >= 0]
        while ticks[-1] < vmax:  # tick_values may stop short of vmax
            ticks.append(ticks[-1] + (ticks[1] - ticks[0]))
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(FuncFormatter(fmt_tick))
    ax.set_ylim(-ZERO_RAISE * ticks[-1], ticks[-1])
    return ticks[-1]
