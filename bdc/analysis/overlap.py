"""Single-case effect sizes between two phases: non-overlap, the Tau family, PET.

Conventions and anchors (see docs/analysis.md for the full mapping):

- **SingleCaseES** (Pustejovsky, Chen & Swan) 0.7.4, jepusto/SingleCaseES@8de5a3a,
  ``R/non-overlap-measures.R`` and its tests, is the default wherever the tools disagree.
- **scan** (Wilbert & Lueke) 0.67.1, jazznbass/scan@7e80cb9: ``nap``, ``pnd``, ``pem``,
  ``pand``, ``ird``, ``pet``, ``tau_u``, ``corrected_tau``; its conventions are options of the
  same functions (``pem(ties="zero")``, ``pand(method="sort")``,
  ``tau_u(method="complete" | "tarlow")``).

The API has the shape of ``scipy.stats``: one function per family, data first, options
keyword-only, and an :class:`~bdc.analysis.results.EffectSize` (``estimate``, ``se``,
``ci_low``, ``ci_high``) back. ``baseline`` (phase A) and ``treatment`` (phase B) are
sequences of numbers **in time order**. ``direction`` is the direction of therapeutic
improvement, ``"increase"`` (default) or ``"decrease"``; anything else, None included, is a
``ValueError``. A decrease is handled the SingleCaseES way, by negating both phases, so a
positive Tau or Tau-U is always an improvement (scan's ``tau_u()`` never flips: its printed
values for a decreasing target are those of ``direction="increase"``).

NAP, Tau, Tau-U, IRD and the Kendall coefficients are proportions/coefficients; PND, PEM,
PAND and PET are percentages on 0-100. Results are unrounded. An empty phase is bad input
(``ValueError``); a result that is 0/0 is ``None``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from statistics import NormalDist

from bdc.analysis._validation import (
    as_float_list,
    as_sessions,
    check_choice,
    check_direction,
    median,
    refuse_direction,
    sign,
)
from bdc.analysis.results import EffectSize, check_confidence, normal_interval, z_quantile

__all__ = [
    "NAP_SE_METHODS",
    "TAU_U_METHODS",
    "ird",
    "kendall_tau_b",
    "nap",
    "pand",
    "pem",
    "pet",
    "pnd",
    "tau",
    "tau_bc",
    "tau_trend",
    "tau_u",
    "theil_sen_line",
]

NAP_SE_METHODS = ("unbiased", "hanley", "null")
TAU_U_METHODS = ("parker", "tarlow", "complete")


# ---------------------------------------------------------------------------------------------
# helpers


def _phases(
    baseline: Sequence[float], treatment: Sequence[float], direction: str
) -> tuple[list[float], list[float]]:
    """Validate both phases; negate them for a decreasing target."""
    check_direction(direction)
    a = as_float_list(baseline, "baseline", min_len=1)
    b = as_float_list(treatment, "treatment", min_len=1)
    if direction == "decrease":
        a = [-x for x in a]
        b = [-x for x in b]
    return a, b


def _above_tied_below(x: float, ordered: Sequence[float]) -> tuple[int, int, int]:
    """How many of ``ordered`` (sorted) are above ``x``, equal to it and below it."""
    low, high = bisect.bisect_left(ordered, x), bisect.bisect_right(ordered, x)
    return len(ordered) - high, high - low, low


def _s_between(a: Sequence[float], b: Sequence[float]) -> int:
    """Kendall S over all A x B pairs: sum of sign(B_j - A_i), counted by bisection (the
    difference of two finite floats is positive exactly when the first is greater)."""
    ordered = sorted(b)
    total = 0
    for x in a:
        above, _, below = _above_tied_below(x, ordered)
        total += above - below
    return total


def _ties_between(a: Sequence[float], b: Sequence[float]) -> int:
    ordered = sorted(b)
    return sum(_above_tied_below(x, ordered)[1] for x in a)


def _s_trend(values: Sequence[float]) -> int:
    """Kendall S of a series against time: sum over i < j of sign(y_j - y_i)."""
    n = len(values)
    return sum(sign(values[j] - values[i]) for i in range(n) for j in range(i + 1, n))


def _tie_pairs(values: Sequence[float]) -> int:
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return sum(t * (t - 1) // 2 for t in counts.values())


def _tau_b(x: Sequence[float], y: Sequence[float]) -> float | None:
    n = len(x)
    if n < 2:
        return None
    s = sum(sign(x[j] - x[i]) * sign(y[j] - y[i]) for i in range(n) for j in range(i + 1, n))
    n0 = n * (n - 1) // 2
    den = (n0 - _tie_pairs(x)) * (n0 - _tie_pairs(y))
    if den == 0:
        return None
    return s / math.sqrt(den)


def _scores(count: tuple[int, int, int], value: float, power: int = 1) -> list[float]:
    """The pair scores of one row or column of the NAP matrix minus ``value`` (to ``power``):
    1 for each pair above, 0.5 for each tie, 0 for each below (``count``), in no particular
    order."""
    above, tied, below = count
    return (
        [(1 - value) ** power] * above
        + [(0.5 - value) ** power] * tied
        + [(0 - value) ** power] * below
    )


def _nap_variance(
    rows: list[tuple[int, int, int]], columns: list[tuple[int, int, int]], value: float, se: str
) -> float | None:
    """Variance of NAP by SingleCaseES's ``calc_NAP``. The pair scores ``q[i][j]`` (1, 0.5 or 0
    for B_j above, tied with or below A_i) come as counts per row (A_i) and per column (B_j):
    a score matrix has three distinct values, and ``math.fsum`` is exact whatever the order.

    The Hanley-McNeil and unbiased estimators use NAP truncated to
    ``[0.5/(mn), 1 - 0.5/(mn)]`` in their ``NAP (1 - NAP)`` term, so that complete
    nonoverlap (NAP = 1) does not give a standard error of 0.
    """
    m, n = len(rows), len(columns)
    if se == "null":
        return (m + n + 1) / (12 * m * n)
    q1 = math.fsum(math.fsum(_scores(row, value)) ** 2 for row in rows) / (m * n * n)
    q2 = math.fsum(math.fsum(_scores(column, value)) ** 2 for column in columns) / (m * m * n)
    trunc = 0.5 / (m * n)
    clipped = min(max(value, trunc), 1 - trunc)
    if se == "hanley":
        return (clipped * (1 - clipped) + (n - 1) * q1 + (m - 1) * q2) / (m * n)
    if m < 2 or n < 2:
        return None  # the unbiased estimator divides by (m - 1)(n - 1)
    totals = tuple(sum(row[k] for row in rows) for k in range(3))
    x = math.fsum(_scores(totals, value, 2)) / (m * n)
    return (clipped * (1 - clipped) + n * q1 + m * q2 - 2 * x) / ((m - 1) * (n - 1))


def _uniroot(f, lower: float, upper: float) -> float:
    """R's ``uniroot(f, c(lower, upper))``: Brent's zeroin with ``tol = eps^0.25``.

    A line-by-line port of R's ``R_zeroin2`` (src/library/stats/src/zeroin.c), so that the
    interval limits agree with SingleCaseES's printed digits: at uniroot's default tolerance
    (1.2e-4) the root differs from the exact one in the 5th decimal, and that is what
    SingleCaseES prints.
    """
    eps = 2.220446049250313e-16
    tol = eps**0.25
    a, b = lower, upper
    fa, fb = f(a), f(b)
    c, fc = a, fa
    if fa == 0:
        return a
    if fb == 0:
        return b
    for _ in range(1001):
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * eps * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q, t1, t2 = fa / fc, fb / fc, fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < 0.75 * cb * q - abs(tol_act * q) / 2 and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b


def _nap_interval(value: float, m: int, n: int, level: float) -> tuple[float, float]:
    """Newcombe's (2006) method 5 score interval for NAP, as SingleCaseES computes it.

    The limits are the roots of ``f(x) = mn (NAP - x)^2 (2 - x)(1 + x) - z^2 x (1 - x)
    (2 + h + (1 + 2h) x (1 - x))``, ``h = (m + n)/2 - 1``, below and above NAP. At NAP = 1
    (or 0) ``f`` also vanishes at the estimate itself; uniroot, which tests the endpoints
    first, then returns the degenerate limit 1 (or 0). bdc divides that trivial root out and
    returns the interior root, Newcombe's limit.
    """
    z2 = z_quantile(level) ** 2
    h = (m + n) / 2 - 1

    def g(x: float) -> float:
        return z2 * (2 + h + (1 + 2 * h) * x * (1 - x))

    def f(x: float) -> float:
        return m * n * (value - x) ** 2 * (2 - x) * (1 + x) - x * (1 - x) * g(x)

    if value >= 1:  # f(x) = (1 - x) * [mn (1 - x)(2 - x)(1 + x) - x g(x)]
        low = _uniroot(lambda x: m * n * (1 - x) * (2 - x) * (1 + x) - x * g(x), 0.0, 1.0)
        return low, 1.0
    if value <= 0:  # f(x) = x * [mn x (2 - x)(1 + x) - (1 - x) g(x)]
        high = _uniroot(lambda x: m * n * x * (2 - x) * (1 + x) - (1 - x) * g(x), 0.0, 1.0)
        return 0.0, high
    return _uniroot(f, 0.0, value), _uniroot(f, value, 1.0)


def _nap_estimate(a: list[float], b: list[float], se: str | None, confidence: float | None):
    check_choice(se, "se", (*NAP_SE_METHODS, None))
    level = check_confidence(confidence)
    ordered_a, ordered_b = sorted(a), sorted(b)
    rows = [_above_tied_below(x, ordered_b) for x in a]
    # column j: the A values below B_j score 1 (B_j is above them), ties 0.5
    columns = [_above_tied_below(y, ordered_a)[::-1] for y in b]
    above, tied = sum(r[0] for r in rows), sum(r[1] for r in rows)
    value = (above + 0.5 * tied) / (len(a) * len(b))  # an exact sum of halves, as fsum gives
    variance = None if se is None else _nap_variance(rows, columns, value, se)
    std_err = None if variance is None or variance < 0 else math.sqrt(variance)
    if level is None:
        return EffectSize(value, std_err)
    low, high = _nap_interval(value, len(a), len(b), level)
    return EffectSize(value, std_err, low, high, level)


def _nap_to_tau(result: EffectSize, a: list[float], b: list[float]) -> EffectSize:
    """Tau = 2 NAP - 1 with NAP's SE and interval rescaled; the estimate as the exact S/(mn)."""

    def rescale(x: float | None) -> float | None:
        return None if x is None else 2 * x - 1

    return EffectSize(
        _s_between(a, b) / (len(a) * len(b)),
        None if result.se is None else 2 * result.se,
        rescale(result.ci_low),
        rescale(result.ci_high),
        result.confidence,
    )


def _kendall_vs_phase(a: list[float], b: list[float], confidence: float | None) -> EffectSize:
    """tau-b of the values against the phase dummy; SE ``sqrt(2 (1 - tau^2) / (m + n))``.

    A constant series gives 0, as SingleCaseES ``Tau_BC(Kendall = TRUE)`` returns.
    """
    value = _tau_b(a + b, [0.0] * len(a) + [1.0] * len(b))
    value = 0.0 if value is None else value
    return normal_interval(value, math.sqrt(2 / (len(a) + len(b)) * (1 - value**2)), confidence)


# ---------------------------------------------------------------------------------------------
# non-overlap


def nap(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    direction: str = "increase",
    se: str | None = "unbiased",
    confidence: float | None = 0.95,
) -> EffectSize:
    """Nonoverlap of All Pairs (NAP), with its standard error and score interval.

    Parameters
    ----------
    baseline, treatment : sequence of float
        Phase A and phase B values in time order (each non-empty).
    direction : {"increase", "decrease"}, optional
        Direction of therapeutic improvement (default ``"increase"``).
    se : {"unbiased", "hanley", "null"} or None, optional
        Standard error: the exactly unbiased estimator (default), Hanley & McNeil's (1982), or
        the SE under the null hypothesis of no effect, ``sqrt((m + n + 1) / (12mn))``.
        None: no SE.
    confidence : float or None, optional
        Level of the interval (default 0.95); None for no interval.

    Returns
    -------
    EffectSize
        ``estimate = (1 / mn) * sum_i sum_j [I(B_j > A_i) + 0.5 * I(B_j = A_i)]`` on 0-1,
        ``se``, and ``ci_low``/``ci_high`` by Newcombe's (2006) method 5 (score inversion),
        which stays inside [0, 1].

    Notes
    -----
    Ties count 0.5. ``NAP = (Tau + 1) / 2``; scan prints NAP times 100. With ``Q1``, ``Q2``
    the variances of the row and column means of the pair scores and ``X`` their overall
    variance, the unbiased variance is ``(N(1 - N) + n Q1 + m Q2 - 2X) / ((m - 1)(n - 1))``
    and Hanley-McNeil's ``(N(1 - N) + (n - 1) Q1 + (m - 1) Q2) / (mn)``, where ``N`` is NAP
    **truncated to [0.5/(mn), 1 - 0.5/(mn)]**, so complete nonoverlap still has an SE > 0.
    The unbiased SE needs two points in each phase (otherwise ``se`` is None). The interval
    does not depend on ``se``.

    References
    ----------
    Parker, R. I., & Vannest, K. J. (2009). An improved effect size for single-case research:
    Nonoverlap of all pairs. *Behavior Therapy*, 40, 357-367. Hanley, J. A., & McNeil, B. J.
    (1982). *Radiology*, 143, 29-36. Newcombe, R. G. (2006). *Statistics in Medicine*, 25,
    559-573. SingleCaseES ``NAP()`` (``R/non-overlap-measures.R``, ``calc_NAP``).

    Examples
    --------
    >>> nap([20, 20, 26, 25, 22, 23], [28, 25, 24, 27, 30, 30, 29]).estimate  # 38.5 / 42
    0.9166666666666666
    """
    a, b = _phases(baseline, treatment, direction)
    return _nap_estimate(a, b, se, confidence)


def tau(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    direction: str = "increase",
    kendall: bool = False,
    se: str | None = "unbiased",
    confidence: float | None = 0.95,
) -> EffectSize | None:
    """Tau between two phases: non-overlap Tau (default) or Kendall's tau-b with a phase dummy.

    Parameters
    ----------
    baseline, treatment : sequence of float
        Phase A and phase B values in time order.
    direction : {"increase", "decrease"}, optional
    kendall : bool, optional
        False (default): non-overlap Tau, ``S_AB / (mn)``. True: Kendall's tau-b between the
        values (A then B) and the phase dummy (0 for A, 1 for B), which divides by the
        pairs not tied on the value as well.
    se : {"unbiased", "hanley", "null"} or None, optional
        For non-overlap Tau: twice the NAP standard error of that kind (see :func:`nap`).
        The Kendall version always has ``sqrt(2 (1 - tau^2) / (m + n))``.
    confidence : float or None, optional
        Level of the interval (default 0.95).

    Returns
    -------
    EffectSize or None
        Non-overlap: ``S_AB / (mn)`` with ``S_AB = sum_i sum_j sign(B_j - A_i)``, equal to
        ``2 NAP - 1``; SE and interval are NAP's rescaled (``2x - 1``). Kendall: tau-b with a
        normal interval; None when all values are equal (0/0).

    References
    ----------
    Parker, Vannest, Davis & Sauber (2011), *Behavior Therapy* 42, 284-299; SingleCaseES
    ``Tau()`` (``calc_Tau``); scan ``tau_u(method = "parker")`` row "A vs. B". Kendall
    version: scan ``corrected_tau()`` "Uncorrected tau"; Tarlow (2017).

    Examples
    --------
    >>> tau([20, 20, 26, 25, 22, 23], [28, 25, 24, 27, 30, 30, 29]).estimate  # (38 - 3) / 42
    0.8333333333333334
    """
    a, b = _phases(baseline, treatment, direction)
    if kendall:
        if _tau_b(a + b, [0.0] * len(a) + [1.0] * len(b)) is None:
            return None
        return _kendall_vs_phase(a, b, confidence)
    return _nap_to_tau(_nap_estimate(a, b, se, confidence), a, b)


def pnd(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> EffectSize:
    """Percentage of Non-overlapping Data (PND).

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional

    Returns
    -------
    EffectSize
        ``estimate``: percentage (0-100) of B points strictly above the highest A point
        (strictly below the lowest A point for ``"decrease"``). No SE (none is known).

    Notes
    -----
    A B point equal to the baseline extreme does **not** count.

    References
    ----------
    Scruggs, T. E., Mastropieri, M. A., & Casto, G. (1987). *Remedial and Special Education*,
    8(2), 24-33. SingleCaseES ``PND()``; scan ``pnd()``.
    """
    a, b = _phases(baseline, treatment, direction)
    top = max(a)
    return EffectSize(100.0 * sum(y > top for y in b) / len(b))


def pem(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    direction: str = "increase",
    ties: str = "half",
) -> EffectSize:
    """Percentage of B points Exceeding the baseline Median (PEM).

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional
    ties : {"half", "zero"}, optional
        Credit of a B point equal to the baseline median: 0.5 (default, SingleCaseES
        ``PEM()``) or 0 (scan ``pem()``, Ma's "exceeding").

    Returns
    -------
    EffectSize
        ``estimate = 100 * mean_j [I(B_j > med_A) + c * I(B_j = med_A)]`` with ``c`` 0.5 or 0
        (signs reversed for ``"decrease"``). No SE.

    Notes
    -----
    When no B point equals the median both conventions agree; when one does they differ
    (62.5% against 50%). For a decrease SingleCaseES's code compares with the *median*, not
    the minimum its vignette writes; the code is followed.

    References
    ----------
    Ma, H.-H. (2006). *Behavior Modification*, 30, 598-617. SingleCaseES ``PEM()``; scan
    ``pem()``.
    """
    credit = {"half": 0.5, "zero": 0.0}[check_choice(ties, "ties", ("half", "zero"))]
    a, b = _phases(baseline, treatment, direction)
    med = median(a)
    return EffectSize(100.0 * math.fsum((y > med) + credit * (y == med) for y in b) / len(b))


def pand(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    direction: str = "increase",
    method: str = "minimum",
) -> EffectSize:
    """Percentage of All Non-overlapping Data (PAND).

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional
    method : {"minimum", "sort"}, optional
        ``"minimum"`` (default): Parker, Vannest & Davis (2011) minimum removal, SingleCaseES
        ``PAND()`` and scan ``pand(method = "minimum")``. ``"sort"``: scan's default
        ``pand(method = "sort")``.

    Returns
    -------
    EffectSize
        ``"minimum"``: ``100 * K / (m + n)``, ``K`` the largest number of points kept after
        removing points from either phase so that every kept A point is strictly below every
        kept B point (above, for ``"decrease"``):
        ``max_{i,j} (i + j) I(y^A_(i) < y^B_(n+1-j))`` (Pustejovsky 2019).
        ``"sort"``: sort all points by value, label the lowest ``m`` positions "A" (the
        highest for ``"decrease"``), and report the percentage of positions whose label
        matches the phase of the point sorted there. No SE.

    Notes
    -----
    The sort method orders ties by phase exactly as R's ``order(value, phase, decreasing =
    d)``: for an increase A sorts before B, for a decrease both keys are reversed. Each
    misplaced pair costs two points, so it is often lower (Parker2009 A1 vs B1: 86.96 by
    minimum removal, 100 by sort; scan "cubs": 81.8 against 63.6).

    References
    ----------
    Parker, R. I., Hagan-Burke, S., & Vannest, K. (2007). *Journal of Special Education*, 40,
    194-204. Parker, R. I., Vannest, K. J., & Davis, J. L. (2011). *Behavior Modification*,
    35, 303-322. Pustejovsky, J. E. (2019). *Psychological Methods*, 24, 217-235.
    """
    check_choice(method, "method", ("minimum", "sort"))
    a, b = _phases(baseline, treatment, direction)
    if method == "minimum":
        return EffectSize(100.0 * _pand_kept(a, b) / (len(a) + len(b)))
    # negating both phases and sorting ascending is R's order(..., decreasing = TRUE) on the
    # original values, except for the phase key, which must stay reversed as well
    labels = [0] * len(a) + [1] * len(b)  # 0 = "A", 1 = "B"; "A" < "B" as in R
    values = a + b
    flip = direction == "decrease"
    order = sorted(range(len(values)), key=lambda k: (values[k], -labels[k] if flip else labels[k]))
    matches = sum(labels[k] == labels[pos] for pos, k in enumerate(order))
    return EffectSize(100.0 * matches / len(values))


def _pand_kept(a: Sequence[float], b: Sequence[float]) -> int:
    m, n = len(a), len(b)
    xs = [-math.inf, *sorted(a)]  # xs[i]: the largest of the i lowest A points kept
    ys = [*sorted(b), math.inf]  # ys[j]: the smallest of the B points from rank j kept
    best = 0
    for i in range(m + 1):
        for j in range(n + 1):
            if xs[i] < ys[j]:
                best = max(best, i + n - j)
    return best


def ird(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> EffectSize:
    """Robust Improvement Rate Difference (IRD).

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional

    Returns
    -------
    EffectSize
        ``1 - (m + n)^2 / (2mn) * (1 - PAND/100)``, with the minimum-removal :func:`pand`.
        No SE.

    References
    ----------
    Parker, R. I., Vannest, K. J., & Brown, L. (2009). *Exceptional Children*, 75, 135-150;
    Parker, Vannest & Davis (2011). SingleCaseES ``IRD()`` and scan ``ird()`` agree.

    Examples
    --------
    >>> round(ird([20, 20, 26, 25, 22, 23], [28, 25, 24, 27, 30, 30, 29]).estimate, 12)
    0.690476190476
    """
    a, b = _phases(baseline, treatment, direction)
    m, n = len(a), len(b)
    kept = _pand_kept(a, b)
    return EffectSize(((m + n) * kept - m * m - n * n) / (2 * m * n))


# ---------------------------------------------------------------------------------------------
# Kendall and Tau-U


def kendall_tau_b(
    x: Sequence[float], y: Sequence[float], *, direction: None = None
) -> float | None:
    """Kendall's tau-b.

    Parameters
    ----------
    x, y : sequence of float
        Paired observations (equally long).
    direction : None
        Not an option here (a correlation has no direction of improvement); passing one is
        a ``ValueError``.

    Returns
    -------
    float or None
        ``S / sqrt((n0 - sum t(t-1)/2) * (n0 - sum u(u-1)/2))`` with ``n0 = n(n-1)/2`` and
        ``t``, ``u`` the sizes of tied groups in ``x`` and ``y``. None when fewer than two
        pairs or when either variable is constant (0/0).

    References
    ----------
    Kendall, M. G. (1970). *Rank correlation methods* (4th ed.), Example 3.1 (S = 33,
    D = sqrt(41 * 36), tau-b = .859); used in SingleCaseES ``test-tarlow-2017.R``.
    """
    refuse_direction(direction, "kendall_tau_b", "a correlation has no direction")
    xs = as_float_list(x, "x")
    ys = as_float_list(y, "y")
    if len(xs) != len(ys):
        raise ValueError(f"y: must be as long as x ({len(xs)} items), got {len(ys)} items")
    return _tau_b(xs, ys)


def tau_trend(
    values: Sequence[float], *, method: str = "parker", direction: None = None
) -> float | None:
    """Trend of one phase: Kendall's tau of the values against time 1..n.

    Parameters
    ----------
    values : sequence of float
        One phase in time order.
    method : {"parker", "complete"}, optional
        ``"parker"`` (default): tau-a, ``S / (n(n-1)/2)``, Parker et al. (2011) rows
        "Trend A" / "Trend B". ``"complete"``: tau-b (ties in the values reduce the
        denominator), scan's default ``tau_u()`` "Trend A" and ``corrected_tau()`` "Baseline
        autocorrelation".
    direction : None
        Not an option (the sign of a trend is reported as it is).

    Returns
    -------
    float or None
        ``S = sum_{i<j} sign(y_j - y_i)`` over the normaliser; None for fewer than 2 values
        (and, for tau-b, a constant series).

    References
    ----------
    Parker, Vannest, Davis & Sauber (2011); scan 0.67.1 ``tau_u()``, ``corrected_tau()``.
    """
    refuse_direction(direction, "tau_trend", "the trend is reported with its own sign")
    check_choice(method, "method", ("parker", "complete"))
    ys = as_float_list(values, "values")
    n = len(ys)
    if n < 2:
        return None
    if method == "complete":
        return _tau_b(ys, [float(i) for i in range(1, n + 1)])
    return _s_trend(ys) / (n * (n - 1) / 2)


def tau_u(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    direction: str = "increase",
    method: str = "parker",
    trend_a: bool = True,
    trend_b: bool = False,
) -> EffectSize | None:
    """Tau-U: A vs. B non-overlap combined with the phases' own trends.

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional
        ``"decrease"`` negates both phases first (SingleCaseES), so the baseline trend is
        taken on the negated baseline too and a positive Tau-U is always an improvement.
        scan's ``tau_u()`` has no direction: its printed values are ``"increase"``'s.
    method : {"parker", "tarlow", "complete"}, optional
        The normaliser. ``"parker"`` (default; Parker et al. 2011, SingleCaseES
        ``Tau_U()``, scan ``method = "parker"``), ``"tarlow"`` (scan ``method = "tarlow"``),
        ``"complete"`` (scan's default: Kendall tau-b on a time code).
    trend_a : bool, optional
        Subtract the baseline trend ``S_A`` (default True).
    trend_b : bool, optional
        Add the treatment trend ``S_B`` (default False).

    Returns
    -------
    EffectSize or None
        With ``S = S_AB - [trend_a] S_A + [trend_b] S_B`` (Kendall S over the A x B pairs and
        within each phase against time):

        - ``"parker"``: A vs. B - Trend A ``S / (mn)``; + Trend B ``S / (mn + n(n-1)/2)``;
          both ``S / (N(N-1)/2)``; neither ``S_AB / (mn)`` (= :func:`tau`).
        - ``"tarlow"``: ``S`` over all the pairs it uses: ``mn + [trend_a] m(m-1)/2 +
          [trend_b] n(n-1)/2``.
        - ``"complete"``: tau-b between the values (A then B) and the code ``m..1`` (or 0
          without ``trend_a``) for A and ``m+1`` (or ``m+1..m+n`` with ``trend_b``) for B;
          neither trend: ``S_AB / (mn - ties_AB / 2)`` (R/tau_u.R sets
          ``D[1] = pairs - ties / 2``). None when tau-b is 0/0.

        No SE (SingleCaseES gives none).

    Notes
    -----
    **Not bounded by +-1** with ``"parker"``: a falling baseline can give 1.4. The three
    methods disagree: Parker's "Bob" gives 0.65 (parker), 0.5 (tarlow) and 0.451 (complete).

    References
    ----------
    Parker, R. I., Vannest, K. J., Davis, J. L., & Sauber, S. B. (2011). Combining nonoverlap
    and trend for single-case research: Tau-U. *Behavior Therapy*, 42, 284-299. Tarlow, K. R.
    (2017). SingleCaseES ``Tau_U()``; scan 0.67.1 ``tau_u()`` (R/tau_u.R).

    Examples
    --------
    >>> tau_u([2, 3, 5, 3], [4, 5, 5, 7, 6]).estimate  # Parker's Bob: 13 / 20
    0.65
    """
    check_choice(method, "method", TAU_U_METHODS)
    a, b = _phases(baseline, treatment, direction)
    m, n = len(a), len(b)
    if method == "complete":
        if not trend_a and not trend_b:
            return EffectSize(_s_between(a, b) / (m * n - _ties_between(a, b) / 2))
        code_a = [float(m - i) for i in range(m)] if trend_a else [0.0] * m
        code_b = [float(m + 1 + j) for j in range(n)] if trend_b else [float(m + 1)] * n
        value = _tau_b(a + b, code_a + code_b)
        return None if value is None else EffectSize(value)
    s = _s_between(a, b) - (_s_trend(a) if trend_a else 0) + (_s_trend(b) if trend_b else 0)
    pairs_a = m * (m - 1) / 2 if trend_a else 0
    pairs_b = n * (n - 1) / 2 if trend_b else 0
    if method == "parker" and not trend_b:
        pairs_a = 0  # Parker scales "A vs. B - Trend A" by the A x B pairs only: it can exceed 1
    return EffectSize(s / (m * n + pairs_a + pairs_b))


# ---------------------------------------------------------------------------------------------
# baseline-corrected Tau


def theil_sen_line(values: Sequence[float], x: Sequence[float]) -> tuple[float, float]:
    """Theil-Sen line through ``(x, values)``.

    Parameters
    ----------
    values : sequence of float
    x : sequence of float
        Same length; pairs with equal ``x`` are skipped.

    Returns
    -------
    (intercept, slope) : tuple of float
        ``slope`` = median of the pairwise slopes, ``intercept`` = ``median(y - slope * x)``.

    Raises
    ------
    ValueError
        Fewer than two distinct ``x``.

    References
    ----------
    Sen (1968); the baseline line of SingleCaseES ``Tau_BC()`` and scan ``corrected_tau()``;
    equal to ``scipy.stats.theilslopes(values, x, method="joint")``.
    """
    ys = as_float_list(values, "values")
    xs = as_float_list(x, "x")
    if len(xs) != len(ys):
        raise ValueError(f"x: must be as long as values ({len(ys)} items), got {len(xs)} items")
    slopes = [
        (ys[j] - ys[i]) / (xs[j] - xs[i])
        for i in range(len(ys))
        for j in range(i + 1, len(ys))
        if xs[j] != xs[i]
    ]
    if not slopes:
        raise ValueError("x: needs at least two distinct values")
    slope = median(slopes)
    intercept = median([y - slope * t for y, t in zip(ys, xs, strict=True)])
    return intercept, slope


def tau_bc(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    direction: str = "increase",
    kendall: bool = False,
    se: str | None = "unbiased",
    confidence: float | None = 0.95,
) -> EffectSize:
    """Baseline-corrected Tau (Tau-BC).

    Parameters
    ----------
    baseline, treatment : sequence of float
        Baseline needs at least two values.
    direction : {"increase", "decrease"}, optional
        ``"decrease"`` negates both phases (the result changes sign).
    kendall : bool, optional
        False (default, SingleCaseES ``Tau_BC()``): non-overlap Tau of the residuals, with
        its SE and interval (see :func:`tau`). True (Tarlow 2017; SingleCaseES
        ``Kendall = TRUE``; scan ``corrected_tau()``): Kendall tau-b between the residuals
        and the phase dummy, SE ``sqrt(2 (1 - tau^2) / (m + n))`` and a normal interval.
    se : {"unbiased", "hanley", "null"} or None, optional
        SE of the non-overlap version (see :func:`nap`).
    confidence : float or None, optional
        Level of the interval (default 0.95).

    Returns
    -------
    EffectSize
        Fit a Theil-Sen line to the baseline against sessions ``1..m`` (slope = median
        pairwise slope, intercept = median(A - slope * t)), subtract it from both phases
        (B at sessions ``m+1..m+n``) and compute Tau on the residuals. A constant residual
        series gives 0 in the Kendall version (SingleCaseES; tau-b itself is 0/0).

    Notes
    -----
    The correction is always applied (SingleCaseES without ``pretest_trend``); scan's
    ``corrected_tau()`` applies it only when the baseline trend is significant.

    References
    ----------
    Tarlow, K. R. (2017). An improved rank correlation effect size statistic for single-case
    designs: Baseline corrected Tau. *Behavior Modification*, 41, 427-467. SingleCaseES
    ``Tau_BC()`` (``calc_Tau_BC``); scan ``corrected_tau()``.
    """
    a, b = _phases(baseline, treatment, direction)
    if len(a) < 2:
        raise ValueError("baseline: baseline correction needs at least 2 values")
    m, n = len(a), len(b)
    ta = [float(i) for i in range(1, m + 1)]
    tb = [float(m + j) for j in range(1, n + 1)]
    intercept, slope = theil_sen_line(a, ta)
    # Same order of operations as SingleCaseES: y - intercept - slope * session.
    ra = [y - intercept - slope * t for y, t in zip(a, ta, strict=True)]
    rb = [y - intercept - slope * t for y, t in zip(b, tb, strict=True)]
    if kendall:
        return _kendall_vs_phase(ra, rb, confidence)
    return _nap_to_tau(_nap_estimate(ra, rb, se, confidence), ra, rb)


# ---------------------------------------------------------------------------------------------
# percent exceeding the trend


def pet(
    baseline: Sequence[float],
    treatment: Sequence[float],
    *,
    direction: str = "increase",
    sessions: Sequence[float] | None = None,
    band: float | None = None,
) -> EffectSize:
    """Percent Exceeding the Trend (PET).

    Parameters
    ----------
    baseline, treatment : sequence of float
        Baseline needs at least two distinct sessions.
    direction : {"increase", "decrease"}, optional
    sessions : sequence of float, optional
        Measurement times of all ``m + n`` points, A then B (default ``1..m+n``).
    band : float, optional
        A level such as 0.95: count only B points beyond the **one-sided** upper (lower, for
        a decrease) bound ``fit + qnorm(band) * se_fit`` of the baseline trend (scan's
        "PET CI"). Default None: beyond the trend line itself.

    Returns
    -------
    EffectSize
        ``estimate``: percentage of B points strictly above (below, for a decrease) the
        least-squares line of the baseline on its sessions, extended into phase B. No SE.

    References
    ----------
    Wolery, M., Busick, M., Reichow, B., & Barton, E. E. (2010). Comparison of overlap
    methods for quantitatively synthesizing single-subject data. *Journal of Special
    Education*, 44, 18-28. scan 0.67.1 ``pet()`` (R/pet.R; ``lm(values ~ mt)`` on phase A).
    """
    check_direction(direction)
    a = as_float_list(baseline, "baseline", min_len=2)
    b = as_float_list(treatment, "treatment", min_len=1)
    m, n = len(a), len(b)
    times = as_sessions(sessions, m + n)
    xa, xb = times[:m], times[m:]
    mx, my = math.fsum(xa) / m, math.fsum(a) / m
    sxx = math.fsum((x - mx) ** 2 for x in xa)
    if sxx == 0:
        raise ValueError("sessions: the baseline needs at least two distinct sessions")
    slope = math.fsum((x - mx) * (y - my) for x, y in zip(xa, a, strict=True)) / sxx
    fits = [my + slope * (x - mx) for x in xb]
    margins = [0.0] * n
    if band is not None:
        if not isinstance(band, int | float) or isinstance(band, bool) or not 0 < band < 1:
            raise ValueError(f"band: must be a level between 0 and 1 (e.g. 0.95), got {band!r}")
        if m < 3:
            raise ValueError("band: needs at least 3 baseline points (a residual SD)")
        rss = math.fsum((y - my - slope * (x - mx)) ** 2 for x, y in zip(xa, a, strict=True))
        sigma = math.sqrt(rss / (m - 2))
        q = NormalDist().inv_cdf(band)  # scan: qnorm(ci), one-sided
        margins = [q * sigma * math.sqrt(1 / m + (x - mx) ** 2 / sxx) for x in xb]
    if direction == "increase":
        beyond = sum(y > f + d for y, f, d in zip(b, fits, margins, strict=True))
    else:
        beyond = sum(y < f - d for y, f, d in zip(b, fits, margins, strict=True))
    return EffectSize(100.0 * beyond / n)
