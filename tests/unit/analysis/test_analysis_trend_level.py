"""Trend lines, celeration, phase summaries and level change.

Published anchors (data from scan ``data-raw/scan-Data.R``):
- scan ``docs/reference/describe.md``: ``describe(Grosche2011)`` (m, md, sd, min, max and
  trend = slope of ``lm(values ~ mt)`` per phase; irregular calendar-day ``mt``).
- scan ``tests/testthat/test-overlap.R``: exampleAB Johanna ``Diff_trend`` = 1.525, and
  ``docs/reference/overlap.md``: GruenkeWilbert2014 ``Diff_trend`` row.
- scan ``docs/reference/cdc.md``: ``cdc(exampleAB_decreasing, decreasing = TRUE,
  trend_method = "bisplit")`` -> Peter 7/13, Tony 11/12, Bruce 14/14, and with
  ``conservative = 0`` Tony 12/12; reproduced here with our split-middle line.
Hand derivations are written next to the other cases.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest
from scipy.stats import theilslopes

from bdc.analysis import (
    celeration,
    celeration_fit,
    level_change,
    ols_slope,
    phase_summaries,
    phase_summary,
    split_middle_slope,
    theil_sen_slope,
    trend_line,
)

GROSCHE = {
    "Eva": (
        [3.39, 2.09, 1.46, 3.23, 3.06, 2.83, 2.44, 1.86, 2.17, 2.59, 3.92, 4.14, 3.31, 2.69,
         4.27, 4.66, 3.20, 4.98, 4.42],
        [0, 1, 7, 8, 13, 15, 38, 42, 45, 49, 50, 56, 63, 64, 70, 77, 78, 91, 92],
        38,
    ),
    "Georg": (
        [13.00, 17.40, 13.00, 7.74, 8.82, 7.50, 5.82, 6.26, 5.60, 12.79, 9.17, 10.59, 9.23,
         10.71, 7.61, 9.78, 8.33, 12.00, 12.19, 10.70, 11.36, 7.89, 10.82, 11.56],
        [0, 1, 6, 10, 13, 15, 36, 38, 41, 43, 48, 50, 55, 59, 62, 64, 69, 71, 77, 78, 85, 91,
         94, 101],
        38,
    ),
    "Olaf": (
        [7.69, 7.27, 7.02, 5.37, 4.57, 3.02, 4.68, 4.97, 5.73, 7.63, 6.98, 7.50, 6.91, 4.86,
         6.71, 5.67, 5.00, 6.14, 8.14, 4.53],
        [0, 1, 7, 8, 14, 15, 38, 42, 43, 49, 50, 56, 59, 63, 64, 70, 71, 80, 91, 97],
        59,
    ),
}  # fmt: skip

# describe(Grosche2011): (m, md, sd, min, max, trend) for phase A then phase B
DESCRIBE = {
    "Eva": ((2.677, 2.945, 0.750, 1.46, 3.39, 0.014), (3.435, 3.310, 1.029, 1.86, 4.98, 0.044)),
    "Georg": (
        (10.469, 8.820, 4.112, 5.82, 17.40, -0.268),
        (9.799, 10.590, 2.089, 5.60, 12.79, 0.043),
    ),
    "Olaf": ((6.036, 6.355, 1.524, 3.02, 7.69, 0.007), (5.995, 5.905, 1.225, 4.53, 8.14, 0.000)),
}


def _phases(case):
    values, mt, b_start = GROSCHE[case]
    m = sum(t < b_start for t in mt)
    return (values[:m], mt[:m]), (values[m:], mt[m:])


class TestScanDescribeGrosche2011:
    @pytest.mark.parametrize("case", sorted(DESCRIBE))
    def test_phase_summary_matches_describe(self, case):
        for (vals, mt), expected in zip(_phases(case), DESCRIBE[case], strict=True):
            s = phase_summary(vals, sessions=mt)
            got = (s.mean, s.median, s.sd, s.minimum, s.maximum, s.slope)
            assert tuple(round(g, 3) for g in got) == pytest.approx(expected, abs=1e-9)
            assert s.n == len(vals)
            assert s.range == pytest.approx(s.maximum - s.minimum)

    def test_ignoring_the_measurement_times_gives_a_wrong_slope(self):
        (vals, mt), _ = _phases("Georg")
        assert round(ols_slope(vals, sessions=mt), 3) == -0.268
        assert round(ols_slope(vals), 3) != -0.268


class TestDiffTrend:
    def test_exampleab_johanna_is_1_525(self):
        v = [54, 53, 56, 58, 52, 61, 62, 71, 66, 64, 78, 70, 74, 82, 77, 86, 68, 80, 86, 87]
        # hand: slope A on 1..5 = (-2*-.6 - 1*-1.6 + 0 + 1*3.4 + 2*-2.6) / 10 = 1.0 / 10 = .1
        assert ols_slope(v[:5]) == pytest.approx(0.1)
        diff = ols_slope(v[5:], sessions=range(6, 21)) - ols_slope(v[:5], sessions=range(1, 6))
        assert round(diff, 3) == 1.525

    @pytest.mark.parametrize(
        "m,values,expected",
        [
            (4, [6, 5, 4, 5, 8, 10, 10, 8, 8, 10, 9, 9, 10, 9, 9, 10, 9, 9], 0.43),
            (7, [3, 4, 2, 2, 3, 4, 3, 9, 9, 8, 9, 8, 10, 9, 7, 9, 10, 9], 0.00),
            (6, [4, 5, 4, 3, 4, 3, 8, 9, 9, 9, 8, 10, 9, 8, 10, 9, 8, 9], 0.28),
            (8, [4, 5, 5, 3, 4, 4, 3, 5, 10, 8, 9, 10, 9, 10, 9, 7, 9, 8], -0.08),
            (5, [4, 5, 5, 4, 5, 8, 9, 9, 8, 10, 10, 10, 8, 10, 9, 9, 10, 8], -0.07),
            (4, [4, 3, 3, 2, 7, 8, 10, 9, 10, 10, 10, 10, 9, 9, 9, 8, 9, 8], 0.60),
        ],
    )
    def test_gruenke_wilbert_2014(self, m, values, expected):
        a = trend_line(values[:m]).slope
        b = trend_line(values[m:], sessions=range(m + 1, len(values) + 1)).slope
        assert round(b - a, 2) == pytest.approx(expected)


# scan exampleAB_decreasing: (phase A length, values)
AB_DECREASING = {
    "Peter": (7, [108, 105, 109, 112, 100, 94, 105, 97, 73, 73, 82, 93, 81, 93, 59, 74, 83, 61,
                  84, 78]),
    "Tony": (8, [92, 118, 117, 105, 109, 102, 113, 102, 83, 74, 86, 69, 78, 89, 93, 83, 75, 77,
                 69, 79]),
    "Bruce": (6, [126, 94, 90, 95, 106, 96, 67, 84, 79, 82, 76, 80, 91, 74, 65, 73, 89, 74, 62,
                  63]),
}  # fmt: skip


def _cdc_decreasing_split_middle(m, values, conservative):
    """Count B points below both the shifted split-middle line and the shifted mean.

    The conservative dual-criterion rule as scan's R/cdc.R applies it (Fisher, Kelley & Lomas
    2003), with our split-middle line in place of scan's bi-split line.
    """
    a, b = values[:m], values[m:]
    line = trend_line(a, method="split_middle")
    s = phase_summary(a)
    shift = conservative * s.sd
    return sum(y < line(m + 1 + j) - shift and y < s.mean - shift for j, y in enumerate(b)), len(b)


class TestSplitMiddle:
    @pytest.mark.parametrize(
        "case,expected", [("Peter", (7, 13)), ("Tony", (11, 12)), ("Bruce", (14, 14))]
    )
    def test_reproduces_scan_cdc_bisplit(self, case, expected):
        m, values = AB_DECREASING[case]
        assert _cdc_decreasing_split_middle(m, values, 0.25) == expected

    def test_reproduces_scan_dc_without_shift(self):
        m, values = AB_DECREASING["Tony"]
        assert _cdc_decreasing_split_middle(m, values, 0.0) == (12, 12)

    def test_odd_n_drops_the_middle_point(self):
        # hand: 1, 9, 100, 3, 5 -> halves (1, 9) at x (1, 2) and (3, 5) at x (4, 5):
        # medians (1.5, 5) and (4.5, 4): slope (4 - 5) / (4.5 - 1.5) = -1/3; the 100 is ignored
        assert split_middle_slope([1, 9, 100, 3, 5]) == pytest.approx(-1 / 3)
        line = trend_line([1, 9, 100, 3, 5], method="split_middle")
        assert line(1.5) == pytest.approx(5.0)

    def test_uses_the_real_sessions(self):
        # halves (2, 4) at days (0, 2) and (6, 8) at days (10, 12): slope (7 - 3) / (11 - 1)
        assert split_middle_slope([2, 4, 6, 8], sessions=[0, 2, 10, 12]) == pytest.approx(0.4)


class TestTheilSen:
    def test_median_of_pairwise_slopes(self):
        # hand: 1, 2, 3, 5 on 1..4: slopes 1, 1, 4/3, 1, 1.5, 2 -> median (1 + 4/3) / 2
        assert theil_sen_slope([1, 2, 3, 5]) == pytest.approx((1 + 4 / 3) / 2)

    def test_agrees_with_scipy(self):
        scipy_stats = pytest.importorskip("scipy.stats")
        ys = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
        xs = [1, 2, 4, 5, 7, 8, 10, 11]
        ref = scipy_stats.theilslopes(ys, xs, method="joint")
        line = trend_line(ys, sessions=xs, method="theil_sen")
        assert line.slope == pytest.approx(ref[0])
        assert line.intercept == pytest.approx(ref[1])
        assert line.method == "theil_sen"

    def test_robust_to_one_outlier(self):
        assert theil_sen_slope([1, 2, 3, 4, 100]) == pytest.approx(1.0)


class TestTrendLine:
    def test_ols_line(self):
        # y = 2 + 3x exactly
        line = trend_line([5, 8, 11, 14], sessions=[1, 2, 3, 4], method="ols")
        assert (line.slope, line.intercept, line.method) == pytest.approx((3, 2, "ols"))

    def test_default_sessions_are_one_to_n(self):
        assert trend_line([1, 2]).intercept == pytest.approx(0.0)

    def test_bad_input(self):
        with pytest.raises(ValueError, match="method"):
            trend_line([1, 2], method="lowess")
        with pytest.raises(ValueError, match="values"):
            trend_line([1])
        with pytest.raises(ValueError, match="sessions"):
            trend_line([1, 2], sessions=[3, 3])
        with pytest.raises(ValueError, match="sessions"):
            trend_line([1, 2], sessions=[1, 2, 3])

    def test_undefined_slopes_are_none(self):
        assert ols_slope([4]) is None
        assert ols_slope([4, 5], sessions=[2, 2]) is None
        assert split_middle_slope([1]) is None
        assert theil_sen_slope([1, 2], sessions=[1, 1]) is None


class TestCeleration:
    def test_doubling_every_week_is_times_two(self):
        # rate doubles every 7 days: log10 slope = log10(2) / 7 -> 10 ** (7 * slope) = 2
        fit = celeration_fit([1, 2, 4, 8], days=[0, 7, 14, 21])
        assert fit.celeration == pytest.approx(2.0)
        assert fit.slope_log10_per_day == pytest.approx(math.log10(2) / 7)
        assert fit.intercept_log10 == pytest.approx(0.0, abs=1e-12)
        assert fit.rate_at(14) == pytest.approx(4.0)

    def test_halving_is_divide_by_two(self):
        assert celeration(rates=[8, 4, 2], days=[0, 7, 14]) == pytest.approx(0.5)

    def test_calendar_days_not_session_numbers(self):
        # sessions on Mon, Wed, Fri, next Mon: the rate doubles over the 7 calendar days.
        # Exponential data: rate = 2 ** (day / 7) at day 0, 2, 4, 7.
        days = [date(2026, 3, 2) + timedelta(days=d) for d in (0, 2, 4, 7)]
        rates = [2 ** (d / 7) for d in (0, 2, 4, 7)]
        assert celeration(rates=rates, days=days) == pytest.approx(2.0)
        # treating them as session 1..4 would be wrong
        assert celeration(rates=rates, days=[0, 1, 2, 3]) != pytest.approx(2.0)

    def test_zero_rates_are_refused(self):
        with pytest.raises(ValueError, match=r"rates\[1\]"):
            celeration(rates=[1, 0, 2], days=[0, 1, 2])

    def test_one_day_is_refused(self):
        with pytest.raises(ValueError, match="days"):
            celeration(rates=[1, 2], days=[3, 3])


class TestLevel:
    def test_level_change_hand_derivation(self):
        # last 3 of A: 4, 6, 5 -> median 5; first 3 of B: 9, 12, 10 -> median 10; change 5.
        # absolute: 9 - 5 = 4; means: A (2+4+6+5)/4 = 4.25, B (9+12+10+11)/4 = 10.5
        res = level_change([2, 4, 6, 5], [9, 12, 10, 11])
        assert res.last_baseline_median == 5
        assert res.first_treatment_median == 10
        assert res.median_change == 5
        assert res.absolute_change == 4
        assert res.mean_difference == pytest.approx(6.25)
        assert res.points == 3

    def test_short_phases_use_all_their_points(self):
        res = level_change([3, 5], [8], points=3)
        assert res.last_baseline_median == 4
        assert res.first_treatment_median == 8

    def test_phase_summary_of_one_point(self):
        s = phase_summary([7])
        assert (s.n, s.mean, s.median, s.sd, s.slope) == (1, 7, 7, None, None)

    def test_phase_summaries_split_runs(self):
        out = phase_summaries([1, 2, 5, 6, 2, 7], phases=["A", "A", "B", "B", "A", "B"])
        assert [label for label, _ in out] == ["A", "B", "A", "B"]
        assert [s.mean for _, s in out] == [1.5, 5.5, 2, 7]
        # the slope uses the real positions: B points at sessions 3 and 4
        assert out[1][1].slope == pytest.approx(1.0)

    def test_bad_input(self):
        with pytest.raises(ValueError, match="values"):
            phase_summary([])
        with pytest.raises(ValueError, match="points"):
            level_change([1], [2], points=0)
        with pytest.raises(ValueError, match="phases"):
            phase_summaries([1, 2], phases=["A"])


@pytest.mark.parametrize("seed", range(30))
def test_theil_sen_slope_is_scipys_to_the_bit(seed):
    """theil_sen_slope runs scipy.stats.theilslopes' slope steps without its interval; the
    slope must stay scipy's, bit for bit, with ties in y and repeated x."""

    r = random.Random(seed)
    n = r.randint(2, 90)
    ys = [float(r.randint(0, 4)) if seed % 2 else r.uniform(-50, 50) for _ in range(n)]
    xs = sorted(r.choice([1.0, 2.0, 2.0, 3.5, 8.0]) for _ in range(n)) if seed % 3 == 0 else None
    x = xs or [float(i) for i in range(1, n + 1)]
    if len(set(x)) < 2:
        assert theil_sen_slope(ys, sessions=xs) is None
        return
    assert theil_sen_slope(ys, sessions=xs) == float(theilslopes(ys, x, method="joint")[0])
