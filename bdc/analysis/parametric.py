"""Parametric single-case effect sizes: SMD, log response and odds ratios, LRM, PoGO.

Each function follows SingleCaseES 0.7.4 (jepusto/SingleCaseES@8de5a3a,
``R/parametric-measures.R``) to the formula, and scan 0.67.1 (jazznbass/scan@7e80cb9,
``R/smd.R``) where SingleCaseES has no counterpart (Cohen's d on the average variance). Every
function returns an :class:`~bdc.analysis.results.EffectSize` with the estimate, its
delta-method standard error and a large-sample interval ``estimate +- z * se``, or None when
the estimate is undefined (0/0). ``direction`` is the direction of therapeutic improvement
and, as in SingleCaseES, only flips the sign (and, for percentages, which end of the scale a
log ratio is taken on). Conventions are listed with their sources in docs/analysis.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

from bdc.analysis._validation import (
    _is_real,
    as_float_list,
    check_choice,
    check_direction,
    check_positive_number,
    mean,
    median,
    refuse_direction,
)
from bdc.analysis.results import EffectSize, normal_interval

__all__ = ["LRR_SCALES", "SMD_SD_METHODS", "lor", "lrm", "lrr", "pogo", "smd"]

LRR_SCALES = ("count", "rate", "percentage", "proportion", "other")
SMD_SD_METHODS = ("baseline", "pool", "average")


def _phase_stats(values: list[float]) -> tuple[int, float, float | None]:
    """(n, mean, variance with n - 1); the variance is None for a single value."""
    n = len(values)
    m = mean(values)
    if n < 2:
        return n, m, None
    return n, m, math.fsum((x - m) ** 2 for x in values) / (n - 1)


def _hedges_j(df: float) -> float:
    """Hedges' (1981) small-sample factor ``1 - 3 / (4 df - 1)``."""
    return 1 - 3 / (4 * df - 1)


# ---------------------------------------------------------------------------------------------
# standardized mean difference


def smd(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    direction: str = "increase",
    sd: str = "baseline",
    correction: bool = True,
    confidence: float | None = 0.95,
) -> EffectSize | None:
    """Within-case standardized mean difference (Glass's delta, Hedges' g, Cohen's d).

    Parameters
    ----------
    baseline, treatment : sequence of float
        Phase A and phase B values (the SD needs two values where it is taken).
    direction : {"increase", "decrease"}, optional
        ``"decrease"`` changes the sign (SingleCaseES ``improvement``), so positive is better.
    sd : {"baseline", "pool", "average"}, optional
        The standardiser: the baseline SD (default; Glass's delta, SingleCaseES
        ``std_dev = "baseline"``), the pooled SD ``sqrt(((m-1) s_A^2 + (n-1) s_B^2) /
        (m + n - 2))`` (Hedges' g, ``std_dev = "pool"``), or the root of the average variance
        ``sqrt((s_A^2 + s_B^2) / 2)`` (Cohen's d as scan ``smd()`` prints it).
    correction : bool, optional
        Multiply by Hedges' factor ``J = 1 - 3 / (4 df - 1)`` (default True), with the degrees
        of freedom of the SD used: ``df = m - 1`` for the baseline SD, ``df = m + n - 2`` for
        the pooled SD (``J = 1 - 3 / (4N - 9)``, scan's "Hedges' g correction") and, for the
        average variance, also ``m + n - 2`` (bdc's choice; no source corrects that d).
    confidence : float or None, optional
        Level of the normal interval (default 0.95).

    Returns
    -------
    EffectSize or None
        ``d = J (mean B - mean A) / S``. SE: baseline ``J sqrt(1/m + s_B^2 / (n s_A^2) +
        d^2 / (2(m - 1)))``; pooled ``J sqrt(1/m + 1/n + d^2 / (2(m + n - 2)))`` (both
        SingleCaseES, with the corrected ``d`` inside); average variance: Bonett's (2008)
        ``J sqrt(d^2 (s_A^4/(m-1) + s_B^4/(n-1)) / (8 S^4) + (s_A^2/(m-1) + s_B^2/(n-1)) /
        S^2)``. None when the SD is 0 or cannot be computed.

    Notes
    -----
    scan prints every SMD **without** correction ("Glass' delta", "Hedges' g", "Cohen's d";
    ``overlap()`` "SMD"), and never flips for a decrease: ``correction=False,
    direction="increase"`` reproduces it (exampleAB Johanna: 8.11, 2.45, 2.98). scan's
    "Hedges' g correction" and ``overlap()`` "Hedges_g" are ``sd="pool"`` with the
    correction. SingleCaseES ``SMD()`` corrects by default (Johanna: 8.1108 x 0.8 = 6.4886).

    References
    ----------
    Glass, G. V., McGaw, B., & Smith, M. L. (1981). *Meta-analysis in social research*.
    Hedges, L. V. (1981). *Journal of Educational Statistics*, 6, 107-128. Bonett, D. G.
    (2008). *Psychological Methods*, 13, 99-109. SingleCaseES ``SMD()``; scan ``smd()``.
    """
    check_direction(direction)
    check_choice(sd, "sd", SMD_SD_METHODS)
    m, mean_a, var_a = _phase_stats(as_float_list(baseline, "baseline", min_len=1))
    n, mean_b, var_b = _phase_stats(as_float_list(treatment, "treatment", min_len=1))
    df: float = m - 1 if sd == "baseline" else m + n - 2
    if sd == "baseline":
        s_sq = var_a
    elif var_a is None or var_b is None:
        # a one-point phase has no variance: SingleCaseES's pooled SD leaves it out (na.rm);
        # an average of two variances needs both
        s_sq = None if sd == "average" else var_b if var_a is None else var_a
    elif sd == "pool":
        s_sq = ((m - 1) * var_a + (n - 1) * var_b) / df
    else:
        s_sq = (var_a + var_b) / 2
    if s_sq is None or s_sq == 0 or df < 1:
        return None
    j = _hedges_j(df) if correction else 1.0
    d = j * (mean_b - mean_a) / math.sqrt(s_sq)
    if direction == "decrease":
        d = -d
    if sd == "baseline":
        se_sq = 1 / m + (var_b / (n * var_a) if var_b is not None else math.nan) + d**2 / (2 * df)
    elif sd == "pool":
        se_sq = 1 / m + 1 / n + d**2 / (2 * df)
    else:
        va, vb = var_a / (m - 1), var_b / (n - 1)
        se_sq = d**2 * (var_a**2 / (m - 1) + var_b**2 / (n - 1)) / (8 * s_sq**2) + (va + vb) / s_sq
    se = j * math.sqrt(se_sq) if math.isfinite(se_sq) else None
    return normal_interval(d, se, confidence)


# ---------------------------------------------------------------------------------------------
# log response ratio and log odds ratio


def _floor_constant(
    scale: str, observation_length: float | None, intervals: float | None
) -> float | None:
    """SingleCaseES's truncation constant D (``trunc_constant``); None means no floor."""
    if scale == "count":
        return 1.0
    if scale == "rate":
        return observation_length
    if scale == "proportion":
        return intervals
    if scale == "percentage":
        return None if intervals is None else intervals / 100
    return None


def _missing_floor(scale: str) -> str:
    if scale == "rate":
        return "observation_length: needed for a rate whose phase mean is 0 (the floor 1/(2Ln))"
    if scale in ("percentage", "proportion"):
        return f"intervals: needed for a {scale} whose phase mean is 0 or full (the floor)"
    return "baseline: a phase mean <= 0 has no logarithm (scale 'other' has no floor)"


def _check_range(values: list[float], name: str, scale: str) -> None:
    top = {"percentage": 100.0, "proportion": 1.0}.get(scale, math.inf)
    for i, v in enumerate(values):
        if v < 0 or v > top:
            upper = "" if top == math.inf else f" and <= {top:g}"
            raise ValueError(f"{name}[{i}]: a {scale} must be >= 0{upper}, got {v!r}")


def lrr(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    direction: str = "increase",
    version: str | None = None,
    scale: str = "count",
    observation_length: float | None = None,
    intervals: float | None = None,
    correction: bool = True,
    percent_change: bool = False,
    confidence: float | None = 0.95,
) -> EffectSize | None:
    """Log response ratio, increasing (LRRi) or decreasing (LRRd).

    Parameters
    ----------
    baseline, treatment : sequence of float
        Phase A and phase B values (>= 0; percentages 0-100, proportions 0-1).
    direction : {"increase", "decrease"}, optional
        Direction of therapeutic improvement.
    version : {"increasing", "decreasing"} or None, optional
        LRRi (positive = improvement) or LRRd (negative = improvement). Default None: the
        version that matches ``direction``, as SingleCaseES advises for a single series.
    scale : {"count", "rate", "percentage", "proportion", "other"}, optional
        Measurement scale (default ``"count"``); sets the floor below and, for percentages
        and proportions, which end of the scale the ratio is taken on.
    observation_length : float, optional
        Session length in minutes, for ``scale="rate"`` (the floor ``1 / (2 L n)``).
    intervals : float, optional
        Intervals per session, for percentages and proportions (the floor ``1 / (2 K n)`` of
        a proportion). For continuous recording use 60 x the session length in minutes.
    correction : bool, optional
        Small-sample bias correction ``log(M) + V / (2 n M^2)`` per phase (default True).
    percent_change : bool, optional
        Report ``100 (exp(LRR) - 1)`` and its transformed interval instead (no SE).
    confidence : float or None, optional
        Level of the normal interval (default 0.95).

    Returns
    -------
    EffectSize or None
        ``LRR = [log M_B + V_B/(2 n_B M_B^2)] - [log M_A + V_A/(2 n_A M_A^2)]``, with
        ``SE = sqrt(V_A/(n_A M_A^2) + V_B/(n_B M_B^2))``. None when a phase has one point and
        the correction (or only the SE) needs its variance.

    Raises
    ------
    ValueError
        A phase mean is 0 and the floor cannot be set (``observation_length`` missing for a
        rate, ``intervals`` for a percentage/proportion, or ``scale="other"``).

    Notes
    -----
    - **Floor** (Pustejovsky 2018, SingleCaseES ``trunc_constant``): with ``D`` = 1 for
      counts, ``L`` for rates, ``K`` for proportions and ``K/100`` for percentages, each
      phase mean is raised to at least ``1/(2 D n)`` and each variance to at least
      ``1/(D^2 n^3)`` (so the SE is never 0). Without the needed argument there is no floor.
    - **Percentages and proportions** are not symmetric: when the version and the direction
      disagree (LRRi of a decrease target, LRRd of an increase target), the means are
      reflected (``100 - M`` or ``1 - M``) and **not** negated, so LRRi and LRRd differ in
      magnitude as well as sign. For counts and rates the two versions are negatives.

    References
    ----------
    Pustejovsky, J. E. (2015). Measurement-comparable effect sizes for single-case studies of
    free-operant behavior. *Psychological Methods*, 20, 342-359. Pustejovsky, J. E. (2018).
    Using response ratios for meta-analyzing single-case designs with behavioral outcomes.
    *Journal of School Psychology*, 68, 99-112. SingleCaseES ``LRRi()``, ``LRRd()``.
    """
    check_direction(direction)
    check_choice(version, "version", ("increasing", "decreasing", None))
    check_choice(scale, "scale", LRR_SCALES)
    a = as_float_list(baseline, "baseline", min_len=1)
    b = as_float_list(treatment, "treatment", min_len=1)
    if scale != "other":
        _check_range(a, "baseline", scale)
        _check_range(b, "treatment", scale)
    length = (
        None
        if observation_length is None
        else check_positive_number(observation_length, "observation_length")
    )
    count = None if intervals is None else check_positive_number(intervals, "intervals")
    increasing = (
        version or ("increasing" if direction == "increase" else "decreasing")
    ) == "increasing"
    mismatched = increasing != (direction == "increase")
    full = {"percentage": 100.0, "proportion": 1.0}.get(scale)
    stats = []
    floor_d = _floor_constant(scale, length, count)
    for values in (a, b):
        n, m, v = _phase_stats(values)
        if full is not None and mismatched:
            m = full - m
        if floor_d is not None:
            m = max(m, 1 / (2 * floor_d * n))
            v = None if v is None else max(v, 1 / (floor_d**2 * n**3))
        if m <= 0:
            raise ValueError(_missing_floor(scale))
        stats.append((n, m, v))
    if any(v is None for _, _, v in stats) and correction:
        return None
    value = math.fsum(
        (1 if k else -1) * (math.log(m) + (v / (2 * n * m * m) if correction else 0.0))
        for k, (n, m, v) in enumerate(stats)
    )
    if full is None and mismatched:
        value = -value
    se = None
    if all(v is not None for _, _, v in stats):
        se = math.sqrt(math.fsum(v / (n * m * m) for n, m, v in stats))
    result = normal_interval(value, se, confidence)
    if not percent_change:
        return result

    def pct(x: float | None) -> float | None:
        return None if x is None else 100 * math.expm1(x)

    return EffectSize(pct(value), None, pct(result.ci_low), pct(result.ci_high), result.confidence)


def lor(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    direction: str = "increase",
    scale: str = "percentage",
    intervals: float | None = None,
    correction: bool = True,
    confidence: float | None = 0.95,
) -> EffectSize | None:
    """Log odds ratio (LOR) for percentages and proportions.

    Parameters
    ----------
    baseline, treatment : sequence of float
        Percentages (0-100) or proportions (0-1).
    direction : {"increase", "decrease"}, optional
        ``"decrease"`` negates the LOR (it is symmetric in valence).
    scale : {"percentage", "proportion"}, optional
    intervals : float, optional
        Intervals (or items) per session, ``K``: each phase mean, as a proportion, is kept in
        ``[1/(2Kn), 1 - 1/(2Kn)]`` and each variance at least ``1/(K^2 n^3)``. Needed when a
        phase mean is 0 or 100%.
    correction : bool, optional
        Bias correction ``logit(M) - (2M - 1) V / (2 n M^2 (1 - M)^2)`` per phase (default).
    confidence : float or None, optional

    Returns
    -------
    EffectSize or None
        ``LOR = [logit M_B - BC_B] - [logit M_A - BC_A]`` on proportions, ``SE = sqrt(sum
        V / (n M^2 (1 - M)^2))``. None when a one-point phase leaves the correction undefined.

    References
    ----------
    Pustejovsky (2015), *Psychological Methods*, 20, 342-359. SingleCaseES ``LOR()``.
    """
    check_direction(direction)
    check_choice(scale, "scale", ("percentage", "proportion"))
    a = as_float_list(baseline, "baseline", min_len=1)
    b = as_float_list(treatment, "treatment", min_len=1)
    _check_range(a, "baseline", scale)
    _check_range(b, "treatment", scale)
    k = None if intervals is None else check_positive_number(intervals, "intervals")
    unit = 100.0 if scale == "percentage" else 1.0
    stats = []
    for values in (a, b):
        n, m, v = _phase_stats([x / unit for x in values])
        if k is not None:
            low = 1 / (2 * k * n)
            m = min(1 - low, max(low, m))
            v = None if v is None else max(v, 1 / (k * k * n**3))
        if m <= 0 or m >= 1:
            raise ValueError(_missing_floor(scale))
        stats.append((n, m, v))
    if any(v is None for _, _, v in stats) and correction:
        return None

    def adjusted(n: int, m: float, v: float | None) -> float:
        bias = (2 * m - 1) * v / (2 * n * m * m * (1 - m) ** 2) if correction else 0.0
        return math.log(m) - math.log1p(-m) - bias

    value = adjusted(*stats[1]) - adjusted(*stats[0])
    if direction == "decrease":
        value = -value
    se = None
    if all(v is not None for _, _, v in stats):
        se = math.sqrt(math.fsum(v / (n * m * m * (1 - m) ** 2) for n, m, v in stats))
    return normal_interval(value, se, confidence)


# ---------------------------------------------------------------------------------------------
# log ratio of medians, percent of goal obtained


def _log_median_stats(values: list[float], delta_method: bool) -> tuple[float, float | None]:
    """log(median) and its variance by Bonett & Price (2020), as SingleCaseES ``stats_LRM``."""
    n = len(values)
    med = median(values)
    ys = sorted(values)
    o1 = max(round(n / 2 - math.sqrt(n)), 1)  # R's round() also rounds half to even
    o2 = n - o1 + 1
    from scipy.stats import binom  # imported lazily: scipy.stats is slow to import

    p = float(binom.cdf(o1 - 1, n, 0.5))
    z0 = NormalDist().inv_cdf(1 - p) if 0 < p < 1 else 0.0
    low, high = ys[o1 - 1], ys[o2 - 1]
    if z0 == 0:
        variance = None
    elif delta_method:
        variance = ((high - low) / (2 * z0)) ** 2 / med**2
    elif low <= 0:
        variance = None
    else:
        variance = ((math.log(high) - math.log(low)) / (2 * z0)) ** 2
    return math.log(med), variance


def lrm(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    direction: str = "increase",
    delta_method: bool = False,
    confidence: float | None = 0.95,
) -> EffectSize | None:
    """Log ratio of medians (LRM).

    Parameters
    ----------
    baseline, treatment : sequence of float
        Values >= 0.
    direction : {"increase", "decrease"}, optional
        ``"decrease"`` changes the sign.
    delta_method : bool, optional
        Variance of log(median) by the delta method (True) or, by default, from the order
        statistics of the log values (Bonett & Price 2020).
    confidence : float or None, optional

    Returns
    -------
    EffectSize or None
        ``LRM = log(median B) - log(median A)``. Per phase, with ``o1 = max(round(n/2 -
        sqrt(n)), 1)``, ``o2 = n - o1 + 1``, ``p = P(Bin(n, .5) <= o1 - 1)``, ``z0 = qnorm(1 -
        p)``: ``Var = ((log y_(o2) - log y_(o1)) / (2 z0))^2`` (delta method: ``((y_(o2) -
        y_(o1)) / (2 z0))^2 / median^2``). ``se`` is None when a phase has one point or its
        lower order statistic is 0. None when a median is 0.

    References
    ----------
    Bonett, D. G., & Price, R. M. (2020). Confidence intervals for ratios of means and
    medians. *Journal of Educational and Behavioral Statistics*, 45, 750-770. SingleCaseES
    ``LRM()``.
    """
    check_direction(direction)
    a = as_float_list(baseline, "baseline", min_len=1)
    b = as_float_list(treatment, "treatment", min_len=1)
    _check_range(a, "baseline", "count")
    _check_range(b, "treatment", "count")
    if median(a) <= 0 or median(b) <= 0:
        return None
    log_a, var_a = _log_median_stats(a, delta_method)
    log_b, var_b = _log_median_stats(b, delta_method)
    value = log_b - log_a
    if direction == "decrease":
        value = -value
    se = None if var_a is None or var_b is None else math.sqrt(var_a + var_b)
    return normal_interval(value, se, confidence)


def pogo(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    goal: float,
    confidence: float | None = 0.95,
    direction: None = None,
) -> EffectSize | None:
    """Percent of Goal Obtained (PoGO).

    Parameters
    ----------
    baseline, treatment : sequence of float
    goal : float
        The goal level of the behavior.
    confidence : float or None, optional
    direction : None
        Not an option: the goal sets the direction (SingleCaseES ignores ``improvement``).

    Returns
    -------
    EffectSize or None
        ``PoGO = 100 (mean B - mean A) / (goal - mean A)``; ``SE = 100 sqrt((V_A/m + V_B/n +
        (PoGO/100)^2 V_A/m) / (goal - mean A)^2)`` (Dunlap & Silver 1986). None when the
        baseline mean equals the goal; ``se`` None when a phase has one point.

    References
    ----------
    Ferron, J., Goldstein, H., Olszewski, A., & Rohrer, L. (2020). Indexing effects in
    single-case experimental designs by estimating the percent of goal obtained.
    *Evidence-Based Communication Assessment and Intervention*, 14, 6-27. Dunlap, W. P., &
    Silver, N. C. (1986). *Behavior Research Methods*, 18, 469-471. SingleCaseES ``PoGO()``.
    """
    refuse_direction(direction, "pogo", "the goal sets the direction")
    if not _is_real(goal) or not math.isfinite(float(goal)):
        raise ValueError(f"goal: must be a finite number, got {goal!r}")
    goal = float(goal)
    m, mean_a, var_a = _phase_stats(as_float_list(baseline, "baseline", min_len=1))
    n, mean_b, var_b = _phase_stats(as_float_list(treatment, "treatment", min_len=1))
    gap = goal - mean_a
    if gap == 0:
        return None
    value = 100 * (mean_b - mean_a) / gap
    se = None
    if var_a is not None and var_b is not None:
        se = 100 * math.sqrt((var_a / m + var_b / n + (value / 100) ** 2 * var_a / m) / gap**2)
    return normal_interval(value, se, confidence)
