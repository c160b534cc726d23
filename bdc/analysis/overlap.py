"""Single-case effect sizes between two phases: non-overlap, the Tau family and Glass's delta.

Conventions and anchors (see docs/analysis.md for the full mapping):

- **SingleCaseES** (Pustejovsky, Chen & Swan), ``R/non-overlap-measures.R`` and its tests
  (``test-parker-vannest-davis-2011.R``, ``test-tarlow-2017.R``) is the default wherever the
  tools disagree.
- **scan** (Wilbert) 0.67: ``nap``, ``pnd``, ``pem``, ``pand``, ``ird``, ``tau_u``,
  ``corrected_tau``, ``smd``; its variants are offered under their own names
  (``*_scan_complete``, ``*_scan_tarlow``, ``pem_strict``, ``pand_scan_sort``).

``baseline`` (phase A) and ``treatment`` (phase B) are sequences of numbers **in time order**.
``direction`` is the direction of therapeutic improvement, ``"increase"`` (default) or
``"decrease"``; a decrease is handled the SingleCaseES way, by negating both phases
(equivalent to scan's ``decreasing = TRUE`` where scan has that argument). scan's
``tau_u()`` and ``corrected_tau()`` have no direction argument, so the ``*_scan_complete`` and
``*_scan_tarlow`` variants take none, and neither does :func:`smd_glass_delta`.

NAP, Tau, Tau-U, IRD and the Kendall coefficients are proportions/coefficients; PND, PEM and
PAND are percentages on 0-100. Results are unrounded. An empty phase is bad input
(``ValueError``); a result that is 0/0 is ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bdc.analysis._validation import (
    as_float_list,
    check_direction,
    mean,
    median,
    same_length,
    sample_sd,
    sign,
)

__all__ = [
    "glass_delta",
    "ird",
    "kendall_tau_b",
    "nap",
    "pand",
    "pand_scan_sort",
    "pem",
    "pem_strict",
    "pem_ties_half",
    "pnd",
    "smd_glass_delta",
    "tau",
    "tau_a_vs_b_scan_complete",
    "tau_bc",
    "tau_bc_kendall",
    "tau_trend",
    "tau_trend_tau_b",
    "tau_u",
    "tau_u_a_vs_b_minus_trend_a",
    "tau_u_a_vs_b_minus_trend_a_scan_complete",
    "tau_u_a_vs_b_minus_trend_a_scan_tarlow",
    "tau_u_a_vs_b_plus_trend_b",
    "tau_u_a_vs_b_plus_trend_b_minus_trend_a",
    "tau_u_a_vs_b_plus_trend_b_minus_trend_a_scan_complete",
    "tau_u_a_vs_b_plus_trend_b_scan_complete",
    "theil_sen_line",
]


# ---------------------------------------------------------------------------------------------
# helpers


def _phases(
    baseline: Sequence[float], treatment: Sequence[float], direction: str | None
) -> tuple[list[float], list[float]]:
    """Validate both phases; negate them for a decreasing target."""
    a = as_float_list(baseline, "baseline", min_len=1)
    b = as_float_list(treatment, "treatment", min_len=1)
    if direction is not None and check_direction(direction) == "decrease":
        a = [-x for x in a]
        b = [-x for x in b]
    return a, b


def _s_between(a: Sequence[float], b: Sequence[float]) -> int:
    """Kendall S over all A x B pairs: sum of sign(B_j - A_i)."""
    return sum(sign(y - x) for x in a for y in b)


def _ties_between(a: Sequence[float], b: Sequence[float]) -> int:
    return sum(x == y for x in a for y in b)


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


# ---------------------------------------------------------------------------------------------
# non-overlap


def nap(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Nonoverlap of All Pairs (NAP).

    Parameters
    ----------
    baseline, treatment : sequence of float
        Phase A and phase B values in time order (each non-empty).
    direction : {"increase", "decrease"}, optional
        Direction of therapeutic improvement (default ``"increase"``).

    Returns
    -------
    float
        ``(1 / mn) * sum_i sum_j [I(B_j > A_i) + 0.5 * I(B_j = A_i)]`` on 0-1.

    Notes
    -----
    Ties count 0.5. ``NAP = (Tau + 1) / 2``. scan prints the same value times 100.

    References
    ----------
    Parker, R. I., & Vannest, K. J. (2009). An improved effect size for single-case research:
    Nonoverlap of all pairs. *Behavior Therapy*, 40, 357-367. SingleCaseES ``NAP()``.

    Examples
    --------
    >>> nap([20, 20, 26, 25, 22, 23], [28, 25, 24, 27, 30, 30, 29])  # 38.5 / 42
    0.9166666666666666
    """
    a, b = _phases(baseline, treatment, direction)
    score = math.fsum((y > x) + 0.5 * (y == x) for x in a for y in b)
    return score / (len(a) * len(b))


def tau(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Tau (non-overlap) between two phases.

    Parameters
    ----------
    baseline, treatment : sequence of float
        Phase A and phase B values in time order.
    direction : {"increase", "decrease"}, optional

    Returns
    -------
    float
        ``S_AB / (mn)`` with ``S_AB = sum_i sum_j sign(B_j - A_i)``; equals ``2 * NAP - 1``.

    References
    ----------
    Parker, Vannest, Davis & Sauber (2011), *Behavior Therapy* 42, 284-299; SingleCaseES
    ``Tau()``; scan ``tau_u(method = "parker")`` row "A vs. B".

    Examples
    --------
    >>> tau([20, 20, 26, 25, 22, 23], [28, 25, 24, 27, 30, 30, 29])  # (38 - 3) / 42
    0.8333333333333334
    """
    a, b = _phases(baseline, treatment, direction)
    return _s_between(a, b) / (len(a) * len(b))


def pnd(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Percentage of Non-overlapping Data (PND).

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional

    Returns
    -------
    float
        Percentage (0-100) of B points strictly above the highest A point (strictly below the
        lowest A point for ``"decrease"``).

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
    return 100.0 * sum(y > top for y in b) / len(b)


def pem_ties_half(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Percentage of B points Exceeding the baseline Median, ties counted 0.5 (SingleCaseES).

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional

    Returns
    -------
    float
        ``100 * mean_j [I(B_j > med_A) + 0.5 * I(B_j = med_A)]`` (signs reversed for
        ``"decrease"``).

    References
    ----------
    Ma, H.-H. (2006). *Behavior Modification*, 30, 598-617. SingleCaseES ``PEM()`` (code:
    the decrease case compares with the baseline *median*, not the minimum written in the
    vignette).
    """
    a, b = _phases(baseline, treatment, direction)
    med = median(a)
    return 100.0 * math.fsum((y > med) + 0.5 * (y == med) for y in b) / len(b)


def pem_strict(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Percentage of B points Exceeding the baseline Median, ties counted 0 (scan ``pem()``).

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional

    Returns
    -------
    float
        ``100 * mean_j I(B_j > med_A)`` (``<`` for ``"decrease"``).

    References
    ----------
    Ma (2006), "exceeding the median"; scan ``pem()``.
    """
    a, b = _phases(baseline, treatment, direction)
    med = median(a)
    return 100.0 * sum(y > med for y in b) / len(b)


def pem(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Percentage Exceeding the Median, default convention (= :func:`pem_ties_half`).

    When no B point equals the baseline median both conventions agree. When one does,
    SingleCaseES gives it 0.5 credit (this function) and scan gives 0
    (:func:`pem_strict`): e.g. 62.5% against 50%.

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional

    Returns
    -------
    float
        Percentage on 0-100.

    References
    ----------
    Ma (2006); SingleCaseES ``PEM()``.
    """
    return pem_ties_half(baseline, treatment, direction=direction)


def pand(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Percentage of All Non-overlapping Data (PAND), minimum-removal definition.

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional

    Returns
    -------
    float
        ``100 * K / (m + n)`` where ``K`` is the largest number of points that can be kept
        after removing points from either phase so that every kept A point is strictly below
        every kept B point (strictly above for ``"decrease"``).

    Notes
    -----
    This is Parker, Vannest & Davis (2011) as formalised by Pustejovsky (2019):
    ``PAND = max_{i,j} (i + j) I(y^A_(i) < y^B_(n+1-j)) / (m + n)``. It is SingleCaseES
    ``PAND()`` and scan ``pand(method = "minimum")``; scan's *default* is the sort method,
    :func:`pand_scan_sort`, which can differ (Parker2009 A1 vs B1: 86.96 here, 100 there).

    References
    ----------
    Parker, R. I., Hagan-Burke, S., & Vannest, K. (2007). *Journal of Special Education*, 40,
    194-204. Parker, R. I., Vannest, K. J., & Davis, J. L. (2011). *Behavior Modification*,
    35, 303-322. Pustejovsky, J. E. (2019). *Psychological Methods*, 24, 217-235.
    """
    a, b = _phases(baseline, treatment, direction)
    return 100.0 * _pand_kept(a, b) / (len(a) + len(b))


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


def pand_scan_sort(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """PAND by scan's default sort method (``pand(method = "sort")``).

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional

    Returns
    -------
    float
        Sort all points by value, label the lowest ``m`` positions "A" (the highest ``m`` for
        ``"decrease"``) and report the percentage of positions whose label matches the real
        phase of the point sorted there.

    Notes
    -----
    Ties are ordered by phase exactly as R's ``order(value, phase, decreasing = d)``: for an
    increase A sorts before B, for a decrease both keys are reversed so B comes first. Each
    misplaced pair costs two points, so this is often lower than :func:`pand` (scan "cubs"
    example: 63.6 against 81.8).

    References
    ----------
    Parker, Hagan-Burke & Vannest (2007); scan ``pand()`` (R/pand.R, ``method = "sort"``).
    """
    check_direction(direction)
    a = as_float_list(baseline, "baseline", min_len=1)
    b = as_float_list(treatment, "treatment", min_len=1)
    labels = [0] * len(a) + [1] * len(b)  # 0 = "A", 1 = "B"; "A" < "B" as in R
    values = a + b
    order = sorted(
        range(len(values)),
        key=lambda k: (values[k], labels[k]),
        reverse=(direction == "decrease"),
    )
    matches = sum(labels[k] == labels[pos] for pos, k in enumerate(order))
    return 100.0 * matches / len(values)


def ird(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Robust Improvement Rate Difference (IRD).

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional

    Returns
    -------
    float
        ``1 - (m + n)^2 / (2mn) * (1 - PAND/100)``, with the minimum-removal :func:`pand`.

    References
    ----------
    Parker, R. I., Vannest, K. J., & Brown, L. (2009). *Exceptional Children*, 75, 135-150;
    Parker, Vannest & Davis (2011). SingleCaseES ``IRD()`` and scan ``ird()`` agree.

    Examples
    --------
    >>> round(ird([20, 20, 26, 25, 22, 23], [28, 25, 24, 27, 30, 30, 29]), 12)  # 6/7 - 1/6
    0.690476190476
    """
    a, b = _phases(baseline, treatment, direction)
    m, n = len(a), len(b)
    kept = _pand_kept(a, b)
    return ((m + n) * kept - m * m - n * n) / (2 * m * n)


# ---------------------------------------------------------------------------------------------
# Kendall and Tau-U


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's tau-b.

    Parameters
    ----------
    x, y : sequence of float
        Paired observations (equally long).

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
    xs = as_float_list(x, "x")
    ys = as_float_list(y, "y")
    same_length(xs, ys, "x", "y")
    return _tau_b(xs, ys)


def tau_trend(values: Sequence[float]) -> float | None:
    """Trend of one phase as Kendall tau-a against time.

    Parameters
    ----------
    values : sequence of float
        One phase in time order.

    Returns
    -------
    float or None
        ``S / (n(n-1)/2)``, ``S = sum_{i<j} sign(y_j - y_i)``; None for fewer than 2 values.

    References
    ----------
    Parker, Vannest, Davis & Sauber (2011), rows "Trend A" / "Trend B"; scan
    ``tau_u(method = "parker")``.
    """
    ys = as_float_list(values, "values")
    n = len(ys)
    if n < 2:
        return None
    return _s_trend(ys) / (n * (n - 1) / 2)


def tau_trend_tau_b(values: Sequence[float]) -> float | None:
    """Trend of one phase as Kendall tau-b against time 1..n.

    Parameters
    ----------
    values : sequence of float
        One phase in time order.

    Returns
    -------
    float or None
        tau-b of the values against 1..n; None for fewer than 2 values or a constant series.

    References
    ----------
    scan ``tau_u()`` (method "complete") row "Trend A"; ``corrected_tau()`` "Baseline
    autocorrelation".
    """
    ys = as_float_list(values, "values")
    return _tau_b(ys, [float(i) for i in range(1, len(ys) + 1)])


def tau_u_a_vs_b_minus_trend_a(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Tau-U "A vs. B - Trend A" (Parker et al. 2011; SingleCaseES default).

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional
        For ``"decrease"`` both phases are negated, so ``S_A`` is computed on the negated
        baseline as well (SingleCaseES).

    Returns
    -------
    float
        ``(S_AB - S_A) / (mn)``, where ``S_A`` is the Kendall S of the baseline against time.

    Notes
    -----
    **Not bounded by +-1**: a falling baseline can give 1.4 (Parker's S/(mn) scaling). Other
    tools scale differently; those variants are offered as
    :func:`tau_u_a_vs_b_minus_trend_a_scan_complete` (scan's default, tau-b; 0.451 for
    Parker's "Bob" where this gives 0.65) and :func:`tau_u_a_vs_b_minus_trend_a_scan_tarlow`.

    References
    ----------
    Parker, R. I., Vannest, K. J., Davis, J. L., & Sauber, S. B. (2011). Combining nonoverlap
    and trend for single-case research: Tau-U. *Behavior Therapy*, 42, 284-299.
    SingleCaseES ``Tau_U()``; scan ``tau_u(method = "parker")``.

    Examples
    --------
    >>> tau_u_a_vs_b_minus_trend_a([2, 3, 5, 3], [4, 5, 5, 7, 6])  # Parker's Bob: 13 / 20
    0.65
    """
    a, b = _phases(baseline, treatment, direction)
    return (_s_between(a, b) - _s_trend(a)) / (len(a) * len(b))


tau_u = tau_u_a_vs_b_minus_trend_a


def tau_u_a_vs_b_plus_trend_b(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Tau-U "A vs. B + Trend B" (Parker et al. 2011, scaled as scan method "parker").

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional
        ``"decrease"`` negates both phases (scan itself does not flip; with the default
        ``"increase"`` the value equals scan's).

    Returns
    -------
    float
        ``(S_AB + S_B) / (mn + n(n-1)/2)``.

    References
    ----------
    Parker, Vannest, Davis & Sauber (2011); scan ``tau_u(method = "parker")``.
    """
    a, b = _phases(baseline, treatment, direction)
    m, n = len(a), len(b)
    return (_s_between(a, b) + _s_trend(b)) / (m * n + n * (n - 1) / 2)


def tau_u_a_vs_b_plus_trend_b_minus_trend_a(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Tau-U "A vs. B + Trend B - Trend A" (scan method "parker").

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional
        ``"decrease"`` negates both phases.

    Returns
    -------
    float
        ``(S_AB + S_B - S_A) / (N(N-1)/2)`` with ``N = m + n``.

    References
    ----------
    Parker, Vannest, Davis & Sauber (2011); scan ``tau_u(method = "parker")``.
    """
    a, b = _phases(baseline, treatment, direction)
    big_n = len(a) + len(b)
    return (_s_between(a, b) + _s_trend(b) - _s_trend(a)) / (big_n * (big_n - 1) / 2)


def tau_a_vs_b_scan_complete(baseline: Sequence[float], treatment: Sequence[float]) -> float:
    """Tau "A vs. B" as scan's default ``tau_u(method = "complete")`` prints it.

    Parameters
    ----------
    baseline, treatment : sequence of float
        No ``direction``: scan's ``tau_u()`` never flips.

    Returns
    -------
    float
        ``S_AB / (mn - ties_AB / 2)`` (R/tau_u.R sets ``D[1] = pairs - ties / 2``). Differs
        from :func:`tau` only when A and B share values: 35/41.5 = 0.8434 against 35/42.

    References
    ----------
    scan 0.67 ``tau_u()`` (jazznbass/scan, R/tau_u.R).
    """
    a, b = _phases(baseline, treatment, None)
    den = len(a) * len(b) - _ties_between(a, b) / 2
    return _s_between(a, b) / den


def tau_u_a_vs_b_minus_trend_a_scan_complete(
    baseline: Sequence[float], treatment: Sequence[float]
) -> float | None:
    """Tau-U "A vs. B - Trend A" as scan's default method "complete" computes it.

    Parameters
    ----------
    baseline, treatment : sequence of float
        No ``direction`` (scan never flips; a decreasing target gives negative values).

    Returns
    -------
    float or None
        Kendall tau-b between the values (A then B) and the code ``m, m-1, ..., 1`` for the
        A points and ``m + 1`` for every B point. Bounded by +-1 (Parker's "Bob": 0.451).
        None when tau-b is 0/0 (all values equal).

    References
    ----------
    scan 0.67 ``tau_u()`` default and ``overlap()`` column "Tau_U(A)".
    """
    a, b = _phases(baseline, treatment, None)
    m, n = len(a), len(b)
    code = [float(m - i) for i in range(m)] + [float(m + 1)] * n
    return _tau_b(a + b, code)


def tau_u_a_vs_b_plus_trend_b_scan_complete(
    baseline: Sequence[float], treatment: Sequence[float]
) -> float | None:
    """Tau-U "A vs. B + Trend B" as scan's default method "complete" computes it.

    Parameters
    ----------
    baseline, treatment : sequence of float

    Returns
    -------
    float or None
        tau-b between the values and the code ``0`` for every A point and ``m+1, ..., m+n``
        for the B points.

    References
    ----------
    scan 0.67 ``tau_u()`` (R/tau_u.R, ``AvB_B``).
    """
    a, b = _phases(baseline, treatment, None)
    m, n = len(a), len(b)
    code = [0.0] * m + [float(m + 1 + j) for j in range(n)]
    return _tau_b(a + b, code)


def tau_u_a_vs_b_plus_trend_b_minus_trend_a_scan_complete(
    baseline: Sequence[float], treatment: Sequence[float]
) -> float | None:
    """Tau-U "A vs. B + Trend B - Trend A" as scan's default method "complete" computes it.

    Parameters
    ----------
    baseline, treatment : sequence of float

    Returns
    -------
    float or None
        tau-b between the values and the code ``m, ..., 1, m+1, ..., m+n``.

    References
    ----------
    scan 0.67 ``tau_u()`` and ``overlap()`` column "Tau_U(BA)".
    """
    a, b = _phases(baseline, treatment, None)
    m, n = len(a), len(b)
    code = [float(m - i) for i in range(m)] + [float(m + 1 + j) for j in range(n)]
    return _tau_b(a + b, code)


def tau_u_a_vs_b_minus_trend_a_scan_tarlow(
    baseline: Sequence[float], treatment: Sequence[float]
) -> float:
    """Tau-U "A vs. B - Trend A" as scan's ``method = "tarlow"`` computes it.

    Parameters
    ----------
    baseline, treatment : sequence of float

    Returns
    -------
    float
        ``(S_AB - S_A) / (mn + m(m-1)/2)``: divided by *all* pairs. Parker's "Bob" gives 0.5,
        Tarlow's 1..5 | 6..10 series 0.4286 (SingleCaseES: 0.6).

    References
    ----------
    scan 0.67 ``tau_u(method = "tarlow")``, after Tarlow, K. R. (2017), Tau-U for single-case
    research (R code).
    """
    a, b = _phases(baseline, treatment, None)
    m, n = len(a), len(b)
    return (_s_between(a, b) - _s_trend(a)) / (m * n + m * (m - 1) / 2)


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
    same_length(ys, xs, "values", "x")
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


def _bc_residuals(
    baseline: Sequence[float], treatment: Sequence[float], direction: str
) -> tuple[list[float], list[float]]:
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
    return ra, rb


def tau_bc(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Baseline-corrected Tau, non-overlap version (SingleCaseES ``Tau_BC()`` default).

    Parameters
    ----------
    baseline, treatment : sequence of float
        Baseline needs at least two values.
    direction : {"increase", "decrease"}, optional
        ``"decrease"`` negates both phases first (the result changes sign).

    Returns
    -------
    float
        Fit a Theil-Sen line to the baseline against sessions ``1..m`` (slope = median
        pairwise slope, intercept = median(A - slope * t)); subtract it from both phases (B at
        sessions ``m+1..m+n``); return the non-overlap :func:`tau` of the residuals.

    Notes
    -----
    The correction is applied unconditionally (SingleCaseES without ``pretest_trend``).
    A constant residual series gives 0. Kendall's tau-b version: :func:`tau_bc_kendall`.

    References
    ----------
    Tarlow, K. R. (2017). An improved rank correlation effect size statistic for single-case
    designs: Baseline corrected Tau. *Behavior Modification*, 41, 427-467. SingleCaseES
    ``Tau_BC(Kendall = FALSE)``.
    """
    ra, rb = _bc_residuals(baseline, treatment, direction)
    return _s_between(ra, rb) / (len(ra) * len(rb))


def tau_bc_kendall(
    baseline: Sequence[float], treatment: Sequence[float], *, direction: str = "increase"
) -> float:
    """Baseline-corrected Tau as Kendall's tau-b (Tarlow 2017; scan ``corrected_tau()``).

    Parameters
    ----------
    baseline, treatment : sequence of float
    direction : {"increase", "decrease"}, optional

    Returns
    -------
    float
        The residuals of :func:`tau_bc`, then Kendall tau-b between residual and the phase
        dummy (0 = A, 1 = B). A constant residual series gives **0** (SingleCaseES
        convention; tau-b itself would be 0/0).

    Notes
    -----
    scan's ``corrected_tau()`` reports this value as "Baseline corrected tau" (no continuity
    correction) but returns it as its result only when the baseline trend is significant
    (alpha .05); this function always corrects, like SingleCaseES ``Kendall = TRUE``.

    References
    ----------
    Tarlow (2017); SingleCaseES ``Tau_BC(Kendall = TRUE)``; scan ``corrected_tau()``.
    """
    ra, rb = _bc_residuals(baseline, treatment, direction)
    dummy = [0.0] * len(ra) + [1.0] * len(rb)
    value = _tau_b(ra + rb, dummy)
    return 0.0 if value is None else value


# ---------------------------------------------------------------------------------------------
# standardized mean difference


def smd_glass_delta(baseline: Sequence[float], treatment: Sequence[float]) -> float | None:
    """Glass's delta: standardized mean difference with the baseline SD.

    Parameters
    ----------
    baseline, treatment : sequence of float
        No ``direction``: the sign is that of ``mean(B) - mean(A)`` (scan does not flip).

    Returns
    -------
    float or None
        ``(mean(B) - mean(A)) / SD_A`` with the ``n - 1`` SD. None when the baseline has fewer
        than two values or no variance (0 SD).

    Notes
    -----
    No small-sample correction (scan ``smd()`` "Glass' delta", ``overlap()`` "SMD"). For
    exampleAB "Johanna" this is 8.1108; SingleCaseES ``SMD()`` would multiply by
    ``J = 1 - 3 / (4(m-1) - 1)``.

    References
    ----------
    Glass, G. V., McGaw, B., & Smith, M. L. (1981). *Meta-analysis in social research*.
    scan ``smd()``.
    """
    a = as_float_list(baseline, "baseline", min_len=1)
    b = as_float_list(treatment, "treatment", min_len=1)
    sd = sample_sd(a)
    if sd is None or sd == 0:
        return None
    return (mean(b) - mean(a)) / sd


glass_delta = smd_glass_delta
