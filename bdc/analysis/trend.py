"""Trend lines: least squares, split-middle, Theil-Sen, and the weekly celeration.

All slopes are computed on the real measurement times (``sessions``), not on the position of
a point in the series: scan's ``describe()`` trend is the slope of ``lm(y ~ mt)`` within the
phase, and with irregular measurement times (Grosche2011 uses calendar days) the position
gives the wrong slope. ``sessions`` defaults to 1..n.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from bdc.analysis._validation import as_float_list, as_list, as_sessions, mean, median

__all__ = [
    "TREND_METHODS",
    "CelerationFit",
    "TrendLine",
    "celeration",
    "celeration_fit",
    "ols_slope",
    "split_middle_slope",
    "theil_sen_slope",
    "trend_line",
]

TREND_METHODS = ("ols", "split_middle", "theil_sen")


@dataclass(frozen=True)
class TrendLine:
    """A straight line ``y = intercept + slope * x`` on the sessions' x values.

    Attributes
    ----------
    slope : float
    intercept : float
    method : str
        ``"ols"``, ``"split_middle"`` or ``"theil_sen"``.
    """

    slope: float
    intercept: float
    method: str

    def __call__(self, x: float) -> float:
        """The line's value at ``x``."""
        return self.intercept + self.slope * x


def _ols(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float] | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = mean(xs), mean(ys)
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return slope, my - slope * mx


def _split_middle(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float] | None:
    n = len(xs)
    if n < 2:
        return None
    order = sorted(range(n), key=lambda i: xs[i])  # halves are halves in time
    xs = [xs[i] for i in order]
    ys = [ys[i] for i in order]
    half = n // 2  # R: 1:floor(n/2) and ceiling(n/2 + 1):n, the middle point of odd n dropped
    x1, y1 = median(xs[:half]), median(ys[:half])
    x2, y2 = median(xs[n - half :]), median(ys[n - half :])
    if x2 == x1:
        return None
    slope = (y2 - y1) / (x2 - x1)
    return slope, y1 - slope * x1


def _theil_sen(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float] | None:
    if len(xs) < 2 or len(set(xs)) < 2:
        return None
    from scipy.stats import theilslopes  # imported lazily: scipy.stats is slow to import

    res = theilslopes(ys, xs, method="joint")
    return float(res[0]), float(res[1])


_FITTERS = {"ols": _ols, "split_middle": _split_middle, "theil_sen": _theil_sen}


def ols_slope(values: Sequence[float], *, sessions: Sequence[float] | None = None) -> float | None:
    """Least-squares slope of ``values`` on ``sessions``.

    Parameters
    ----------
    values : sequence of float
        One phase (or series) in time order.
    sessions : sequence of float, optional
        The measurement times (session numbers, calendar days...); default 1..n.

    Returns
    -------
    float or None
        ``sum (x - mean x)(y - mean y) / sum (x - mean x)^2``; None with fewer than two points
        or a single distinct x (0/0).

    Notes
    -----
    Shifting x does not change the slope, so scan's ``lm(y ~ I(mt - mt[1] + 1))`` gives the
    same number as ``lm(y ~ mt)``.

    References
    ----------
    scan ``describe()`` "trend.A"/"trend.B" (e.g. Grosche2011 Georg, trend.A = -0.268).
    """
    ys = as_float_list(values, "values")
    fit = _ols(as_sessions(sessions, len(ys)), ys)
    return None if fit is None else fit[0]


def split_middle_slope(
    values: Sequence[float], *, sessions: Sequence[float] | None = None
) -> float | None:
    """Split-middle (Koenig's bi-split) slope.

    Parameters
    ----------
    values : sequence of float
    sessions : sequence of float, optional
        Measurement times; default 1..n.

    Returns
    -------
    float or None
        Split the series into halves by time (first ``floor(n/2)`` and last ``floor(n/2)``
        points; for odd n the middle point is dropped) and return the slope of the line
        through (median session, median value) of each half. None with fewer than 2 points.

    Notes
    -----
    Medians of x are taken over the actual ``sessions``. The classic split-middle procedure
    then shifts the line parallel until half the points lie on or above it; that changes only
    the intercept, never the slope.

    References
    ----------
    White, O. R., & Haring, N. G. (1980). *Exceptional teaching* (2nd ed.). scan ``cdc(...,
    trend_method = "bisplit")`` (R/cdc.R).
    """
    ys = as_float_list(values, "values")
    fit = _split_middle(as_sessions(sessions, len(ys)), ys)
    return None if fit is None else fit[0]


def theil_sen_slope(
    values: Sequence[float], *, sessions: Sequence[float] | None = None
) -> float | None:
    """Theil-Sen slope: the median of all pairwise slopes (``scipy.stats.theilslopes``).

    Parameters
    ----------
    values : sequence of float
    sessions : sequence of float, optional
        Measurement times; default 1..n. Pairs with equal x are skipped.

    Returns
    -------
    float or None
        None with fewer than two distinct x.

    References
    ----------
    Theil, H. (1950); Sen, P. K. (1968). *JASA*, 63, 1379-1389. Used for the baseline line of
    Tau-BC (Tarlow 2017).
    """
    ys = as_float_list(values, "values")
    xs = as_sessions(sessions, len(ys))
    if len(xs) < 2 or len(set(xs)) < 2:
        return None
    # scipy.stats.theilslopes' own slope steps, without the interval it also computes
    # (a normal quantile and tie counts: most of its time on short series): the same bits.
    x, y = np.array(xs, dtype=float), np.array(ys, dtype=float)
    deltax = x[:, np.newaxis] - x
    deltay = y[:, np.newaxis] - y
    slopes = deltay[deltax > 0] / deltax[deltax > 0]
    slopes.sort()
    return float(np.median(slopes))


def trend_line(
    values: Sequence[float],
    *,
    sessions: Sequence[float] | None = None,
    method: str = "ols",
) -> TrendLine:
    """Fit a trend line ``y = intercept + slope * x`` for drawing on a graph.

    Parameters
    ----------
    values : sequence of float
        The data points of one phase, in time order.
    sessions : sequence of float, optional
        Their x values (session numbers or days); default 1..n.
    method : {"ols", "split_middle", "theil_sen"}, optional
        - ``"ols"``: least squares.
        - ``"split_middle"``: the line through the two half medians (Koenig's bi-split, as in
          scan ``cdc()``); the optional parallel shift of the classic procedure is not
          applied.
        - ``"theil_sen"``: median pairwise slope; intercept ``median(y - slope * x)``
          (``scipy.stats.theilslopes(method="joint")``, the convention of Tau-BC).

    Returns
    -------
    TrendLine

    Raises
    ------
    ValueError
        Unknown ``method``; fewer than two points or a single distinct x (no line).
    """
    if method not in _FITTERS:
        raise ValueError(f"method: must be one of {', '.join(TREND_METHODS)}, got {method!r}")
    ys = as_float_list(values, "values")
    if len(ys) < 2:
        raise ValueError(f"values: a trend line needs at least 2 points, got {len(ys)}")
    xs = as_sessions(sessions, len(ys))
    fit = _FITTERS[method](xs, ys)
    if fit is None:
        raise ValueError("sessions: a trend line needs at least 2 distinct x values")
    return TrendLine(slope=float(fit[0]), intercept=float(fit[1]), method=method)


# ---------------------------------------------------------------------------------------------
# celeration


@dataclass(frozen=True)
class CelerationFit:
    """Least-squares line on the Standard Celeration Chart.

    ``log10(rate) = intercept_log10 + slope_log10_per_day * day``.

    Attributes
    ----------
    celeration : float
        ``10 ** (7 * slope_log10_per_day)``: the weekly multiplier (x2.0 = doubling per week;
        0.5 is charted "/2.0").
    slope_log10_per_day : float
    intercept_log10 : float
        log10 of the fitted rate at day 0 (the first date when dates are given).
    """

    celeration: float
    slope_log10_per_day: float
    intercept_log10: float

    def rate_at(self, day: float) -> float:
        """The fitted rate (count per minute) at ``day``."""
        return 10 ** (self.intercept_log10 + self.slope_log10_per_day * day)


def _days(days: Any, n: int) -> list[float]:
    items = as_list(days, "days")
    if len(items) != n:
        raise ValueError(f"days: must have the same length as rates ({n}), got {len(items)}")
    if items and all(isinstance(d, date) for d in items):
        as_dates = [d.date() if isinstance(d, datetime) else d for d in items]
        first = min(as_dates)
        return [float((d - first).days) for d in as_dates]
    return as_float_list(items, "days")


def celeration_fit(rates: Sequence[float], *, days: Sequence[Any]) -> CelerationFit:
    """Fit the celeration line: least squares of log10(rate) on calendar day.

    Parameters
    ----------
    rates : sequence of float
        Count per minute, each > 0.
    days : sequence of float or date
        Calendar day of each rate: numbers (days), or ``date``/``datetime`` objects (counted in
        whole days from the earliest one). Calendar days, not session indices: a weekend gap
        is two days on the chart.

    Returns
    -------
    CelerationFit

    Raises
    ------
    ValueError
        A rate <= 0 (it cannot be logged: on the chart zeros sit below the counting floor,
        and this function refuses them rather than inventing a value), fewer than two
        rates, or a single distinct day.

    Notes
    -----
    The traditional hand method draws a split-middle line on the log chart; it coincides with
    least squares on exactly exponential data and differs on noisy data. Least squares is used.

    References
    ----------
    Pennypacker, H. S., Gutierrez, A., & Lindsley, O. R. (2003). *Handbook of the Standard
    Celeration Chart*. Cooper, Heron & Heward (2020), ch. 6.
    """
    rs = as_float_list(rates, "rates", min_len=2)
    for i, r in enumerate(rs):
        if r <= 0:
            raise ValueError(
                f"rates[{i}]: must be > 0 (a zero rate cannot be logged; "
                f"it sits below the counting floor), got {r!r}"
            )
    ds = _days(days, len(rs))
    fit = _ols(ds, [math.log10(r) for r in rs])
    if fit is None:
        raise ValueError("days: needs at least 2 distinct days")
    slope, intercept = fit
    return CelerationFit(
        celeration=10 ** (7 * slope), slope_log10_per_day=slope, intercept_log10=intercept
    )


def celeration(*, rates: Sequence[float], days: Sequence[Any]) -> float:
    """Weekly celeration: ``10 ** (7 * b)``, ``b`` the least-squares slope of log10(rate) on day.

    Parameters
    ----------
    rates : sequence of float
        Count per minute (> 0).
    days : sequence of float or date
        Calendar days.

    Returns
    -------
    float
        > 1 accelerating (2.0 = doubling per week), < 1 decelerating (0.5 is "/2.0").

    See Also
    --------
    celeration_fit : the full line and the conventions for zeros.
    """
    return celeration_fit(rates, days=days).celeration
