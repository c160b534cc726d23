"""Level, variability and trend within a phase, and the change in level between phases.

The figures of visual analysis (Kratochwill et al. 2010, What Works Clearinghouse single-case
design standards; Lane & Gast 2014): level (mean, median), variability (range, SD) and trend
(least-squares slope on the real session times) per phase, and the immediacy of change
between adjacent phases.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from bdc.analysis._validation import (
    as_float_list,
    as_list,
    as_sessions,
    check_positive_int,
    mean,
    median,
    refuse_direction,
    sample_sd,
)
from bdc.analysis.trend import _ols

__all__ = [
    "LevelChange",
    "PhaseSummary",
    "level_change",
    "phase_summaries",
    "phase_summary",
]


@dataclass(frozen=True)
class PhaseSummary:
    """Descriptive statistics of one phase.

    Attributes
    ----------
    n : int
        Number of data points.
    mean, median : float
        Level.
    sd : float or None
        Standard deviation with the n - 1 denominator (None for a single point).
    minimum, maximum : float
        Variability as range (see ``range``).
    slope : float or None
        Least-squares slope on ``sessions`` (None with one point or one distinct session).
    """

    n: int
    mean: float
    median: float
    sd: float | None
    minimum: float
    maximum: float
    slope: float | None

    @property
    def range(self) -> float:
        """``maximum - minimum``."""
        return self.maximum - self.minimum


def phase_summary(
    values: Sequence[float], *, sessions: Sequence[float] | None = None
) -> PhaseSummary:
    """Level, variability and trend of one phase.

    Parameters
    ----------
    values : sequence of float
        The phase's data points in time order (at least one).
    sessions : sequence of float, optional
        Their measurement times (default 1..n), used for the slope.

    Returns
    -------
    PhaseSummary

    Notes
    -----
    Same figures as scan ``describe()`` (m, md, sd, min, max, trend), whose trend is the slope
    of ``lm(values ~ mt)``; e.g. Grosche2011 "Eva": trend.A = 0.014, trend.B = 0.044.

    References
    ----------
    Kratochwill, T. R., et al. (2010). *Single-case designs technical documentation*. What
    Works Clearinghouse. scan ``describe()``.
    """
    ys = as_float_list(values, "values", min_len=1)
    xs = as_sessions(sessions, len(ys))
    fit = _ols(xs, ys)
    return PhaseSummary(
        n=len(ys),
        mean=mean(ys),
        median=median(ys),
        sd=sample_sd(ys),
        minimum=min(ys),
        maximum=max(ys),
        slope=None if fit is None else fit[0],
    )


def phase_summaries(
    values: Sequence[float],
    *,
    phases: Sequence[Hashable],
    sessions: Sequence[float] | None = None,
) -> list[tuple[Hashable, PhaseSummary]]:
    """Summaries of consecutive runs of the same phase label (A-B-A-B gives four).

    Parameters
    ----------
    values : sequence of float
        The whole series in time order.
    phases : sequence of hashable
        The phase label of each point (same length).
    sessions : sequence of float, optional
        Measurement times (default 1..n).

    Returns
    -------
    list of (label, PhaseSummary)
        In time order.
    """
    ys = as_float_list(values, "values")
    labels = as_list(phases, "phases")
    if len(labels) != len(ys):
        raise ValueError(f"phases: must have the same length as values ({len(ys)})")
    xs = as_sessions(sessions, len(ys))
    out: list[tuple[Hashable, PhaseSummary]] = []
    start = 0
    for i in range(1, len(ys) + 1):
        if i == len(ys) or labels[i] != labels[start]:
            out.append((labels[start], phase_summary(ys[start:i], sessions=xs[start:i])))
            start = i
    return out


@dataclass(frozen=True)
class LevelChange:
    """Change in level from one phase (A) to the next (B).

    Attributes
    ----------
    points : int
        How many points at the end of A and the start of B were compared.
    last_baseline_median : float
        Median of the last ``points`` values of A.
    first_treatment_median : float
        Median of the first ``points`` values of B.
    median_change : float
        ``first_treatment_median - last_baseline_median`` (immediacy of effect).
    absolute_change : float
        Last value of A to first value of B (``B[0] - A[-1]``).
    mean_difference : float
        ``mean(B) - mean(A)`` over the whole phases.
    """

    points: int
    last_baseline_median: float
    first_treatment_median: float
    median_change: float
    absolute_change: float
    mean_difference: float


def level_change(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    points: int = 3,
    direction: None = None,
) -> LevelChange:
    """Change in level between adjacent phases.

    Parameters
    ----------
    baseline, treatment : sequence of float
        The earlier and the later phase, in time order (each non-empty).
    points : int, optional
        How many points to compare at the phase change (default 3). A phase shorter than
        ``points`` contributes all its points.
    direction : None
        Not an option: the changes are reported with the sign of B minus A.

    Returns
    -------
    LevelChange
        The medians of the last ``points`` of A and the first ``points`` of B and their
        difference (the chosen immediacy measure), plus the last-to-first absolute change
        and the mean difference between the phases. Signs are B minus A: whether that is an
        improvement depends on the target's direction.

    Notes
    -----
    Choice: medians of the last three / first three points, following the WWC standards'
    "compare the last three data points of one phase with the first three of the next"
    (Kratochwill et al. 2010), with medians so a single outlying point does not dominate.

    References
    ----------
    Kratochwill et al. (2010), WWC single-case design technical documentation; Lane, J. D., &
    Gast, D. L. (2014). Visual analysis in single case experimental design studies.
    *Neuropsychological Rehabilitation*, 24, 445-463.
    """
    refuse_direction(direction, "level_change", "changes are reported as B minus A")
    k = check_positive_int(points, "points")
    a = as_float_list(baseline, "baseline", min_len=1)
    b = as_float_list(treatment, "treatment", min_len=1)
    last_a = median(a[-k:])
    first_b = median(b[:k])
    return LevelChange(
        points=k,
        last_baseline_median=last_a,
        first_treatment_median=first_b,
        median_change=first_b - last_a,
        absolute_change=b[0] - a[-1],
        mean_difference=mean(b) - mean(a),
    )
