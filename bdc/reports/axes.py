"""Mapping of session numbers and dates onto an x axis, and phase-change positions.

Internal to ``bdc.reports``: the graphs share it so that the line graph, the panels of a
multiple-baseline graph, the cumulative record and the PDF pages put phase lines at the same
places.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date

import matplotlib.dates as mdates

from .model import PhaseMark, SeriesPoint, TargetSeries, XValue

XAxis = str  # 'session' | 'date'


def check_axis(x: str) -> None:
    if x not in ("session", "date"):
        raise ValueError("x must be 'session' or 'date'")


def day_number(d: date) -> float:
    """A date as matplotlib's date number (days), the unit of a date x axis."""
    return float(mdates.date2num(d))


@dataclass(frozen=True)
class Positions:
    """Where each point of a series goes on the x axis.

    Attributes:
        axis: 'session' or 'date'.
        order: indices into ``series.points`` in time order.
        pos: x position of each point, aligned with ``series.points`` (not with ``order``).
        dated: the points carry dates.
    """

    axis: XAxis
    order: tuple[int, ...]
    pos: tuple[float, ...]
    dated: bool
    _day_first: tuple[tuple[int, float], ...] = ()  # (ordinal, first session position)

    def map(self, v: XValue) -> float:
        """Map a session number or date (phase start, aim, note) onto this axis."""
        if self.axis == "date":
            if not isinstance(v, date):
                raise TypeError("a date x axis needs dates for phases and aim lines")
            return day_number(v)
        if not isinstance(v, date):
            return float(v)
        if not self.dated:
            raise TypeError("this series is numbered by session: give phases as session numbers")
        return self._session_of_date(v)

    def _session_of_date(self, v: date) -> float:
        days = self._day_first
        if not days:
            return 1.0
        o = v.toordinal()
        ords = [d for d, _ in days]
        i = bisect.bisect_left(ords, o)
        if i < len(ords) and ords[i] == o:
            return days[i][1]
        # sessions per day over the whole series, for positions outside the data
        per_day = 1.0
        if len(days) > 1:
            per_day = (days[-1][1] - days[0][1]) / (ords[-1] - ords[0]) or 1.0
        if i == 0:
            return days[0][1] - (ords[0] - o) * per_day
        if i == len(ords):
            return days[-1][1] + (o - ords[-1]) * per_day
        (d0, p0), (d1, p1) = days[i - 1], days[i]
        return p0 + (p1 - p0) * (o - d0) / (d1 - d0)


def positions(points: tuple[SeriesPoint, ...], axis: XAxis) -> Positions:
    """Positions of ``points`` on a 'session' or 'date' axis (see ``bdc.reports.model``)."""
    check_axis(axis)
    dated = bool(points) and isinstance(points[0].x, date)
    if axis == "date" and points and not dated:
        raise ValueError("x='date' needs points dated by calendar date")
    order = tuple(sorted(range(len(points)), key=lambda i: points[i].x))  # stable
    pos = [0.0] * len(points)
    day_first: list[tuple[int, float]] = []
    for rank, i in enumerate(order, start=1):
        x = points[i].x
        if axis == "date":
            pos[i] = day_number(x)  # type: ignore[arg-type]
        elif dated:
            pos[i] = float(rank)
            o = x.toordinal()  # type: ignore[union-attr]
            if not day_first or day_first[-1][0] != o:
                day_first.append((o, float(rank)))
        else:
            pos[i] = float(x)  # type: ignore[arg-type]
    return Positions(axis, order, tuple(pos), dated, tuple(day_first))


@dataclass(frozen=True)
class Boundary:
    """A line drawn at the start of phase ``index`` (index >= 1)."""

    index: int
    x: float
    mark: PhaseMark

    @property
    def solid(self) -> bool:
        return self.mark.solid


def boundaries(series: TargetSeries, where: Positions) -> list[Boundary]:
    """Phase-change positions: between the last session of the earlier phases and the first
    session of the new one.

    On a session axis the line falls halfway between those two sessions. On a date axis it
    falls half a day before the phase's start date when that lies between them, else halfway.
    """
    out: list[Boundary] = []
    pts = series.points
    for i in range(1, len(series.phases)):
        mark = series.phases[i]
        try:
            cand = where.map(mark.start) - 0.5
        except TypeError:
            cand = None
        before = [where.pos[j] for j, p in enumerate(pts) if p.phase_index < i]
        after = [where.pos[j] for j, p in enumerate(pts) if p.phase_index >= i]
        lo = max(before) if before else None
        hi = min(after) if after else None
        if lo is not None and hi is not None:
            if cand is not None and lo < cand < hi and where.axis == "date":
                x = cand
            else:
                x = (lo + hi) / 2
        elif cand is not None:
            x = cand
        elif lo is not None:
            x = lo + 0.5
        elif hi is not None:
            x = hi - 0.5
        else:
            continue
        out.append(Boundary(i, x, mark))
    return out
