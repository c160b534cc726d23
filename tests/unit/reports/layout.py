"""Figure-level layout checks from the rendered figure's own text boxes (issue 12): no text
outside the figure, no text over other text, no text over a data point."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

DATA_GIDS = ("data-points", "points-met", "points-below", "condition:", "data-path")
SLACK = 1.0  # pixels: antialiasing at a shared edge is not an overlap


def _all_axes(fig: Figure) -> list[Axes]:
    out: list[Axes] = []
    for ax in fig.axes:
        out += [ax, *ax.child_axes]
    return out


def text_boxes(fig: Figure) -> list[tuple[str, Bbox]]:
    """(text, window box) of every visible, non-empty text the figure draws."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    found: list[Text] = list(fig.texts)
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is not None:
            found += legend.get_texts()
    for ax in _all_axes(fig):
        if not ax.get_visible():
            continue
        found += ax.texts
        found += [ax.title, ax._left_title, ax._right_title]  # every title position
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                if axis.get_visible():
                    drawn = axis._update_ticks()  # the ticks in view
                    found += [axis.label, *(t.label1 for t in drawn), *(t.label2 for t in drawn)]
    boxes = []
    for t in dict.fromkeys(found):  # once each, in order
        if t.get_visible() and t.get_text().strip():
            boxes.append((t.get_text(), t.get_window_extent(renderer)))
    return boxes


def _shrunk(box: Bbox) -> Bbox:
    return Bbox.from_extents(box.x0 + SLACK, box.y0 + SLACK, box.x1 - SLACK, box.y1 - SLACK)


def assert_texts_inside(fig: Figure) -> None:
    width, height = fig.bbox.width, fig.bbox.height
    for text, box in text_boxes(fig):
        assert box.x0 >= -SLACK and box.y0 >= -SLACK, f"{text!r} is cut off: {box}"
        assert box.x1 <= width + SLACK and box.y1 <= height + SLACK, f"{text!r} is cut off: {box}"


def assert_texts_apart(fig: Figure) -> None:
    boxes = text_boxes(fig)
    for (a, box_a), (b, box_b) in combinations(boxes, 2):
        assert not _shrunk(box_a).overlaps(_shrunk(box_b)), f"{a!r} overlaps {b!r}"


def data_points(fig: Figure) -> list[tuple[float, float]]:
    """Display positions of every drawn data marker (lines whose gid names data)."""
    FigureCanvasAgg(fig).draw()
    out = []
    for ax in fig.axes:
        for line in ax.get_lines():
            gid = line.get_gid() or ""
            if not gid.startswith(DATA_GIDS) or line.get_marker() in (None, "None", "", " "):
                continue
            xy = np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)
            xy = xy[~np.isnan(xy).any(axis=1)]
            out += [tuple(p) for p in line.get_transform().transform(xy)] if len(xy) else []
    return out


def assert_texts_clear_of_data(fig: Figure) -> None:
    points = data_points(fig)
    for text, box in text_boxes(fig):
        inner = _shrunk(box)
        for x, y in points:
            assert not inner.contains(x, y), f"{text!r} covers a data point at {(x, y)}"


def assert_clean_layout(fig: Figure) -> None:
    assert_texts_inside(fig)
    assert_texts_apart(fig)
    assert_texts_clear_of_data(fig)


def markers(ax: Axes, gid_prefix: str) -> list[Line2D]:
    return [ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith(gid_prefix)]
