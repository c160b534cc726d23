"""Effect sizes with standard errors and intervals, against the packages' printed values.

Printed values (7 significant digits as R prints them):

- SingleCaseES 0.7.x rendered reference pages, jepusto/SingleCaseES gh-pages @ 025d385
  (pkgdown 2.0.7): ``reference/NAP.html``, ``Tau.html``, ``Tau_BC.html``, ``SMD.html``,
  ``LRR.html``, ``LOR.html``, ``LRM.html``, ``PoGO.html``. Their example data are
  A = 20, 20, 26, 25, 22, 23 and B = 28, 25, 24, 27, 30, 30, 29 (Parker, Vannest & Davis 2011).
  The source read is jepusto/SingleCaseES@8de5a3a (0.7.4), ``R/non-overlap-measures.R`` and
  ``R/parametric-measures.R``.
- scda (SingleCaseES's predecessor), ``reference/NAP.html`` (r-packages.gitlab.io/scda): the
  Hanley-McNeil SE 0.07739185 for the same data.
- scan 0.67.1, jazznbass/scan@7e80cb9: ``docs/reference/smd.html`` (``smd(exampleAB)``) and
  ``docs/reference/overlap.html`` (``overlap(Huitema2000, decreasing = TRUE)``,
  ``overlap(GruenkeWilbert2014)``) and ``corrected_tau.html``.

Where no print exists the expected value is derived by hand in the test, or by the formula
written in SingleCaseES's own test files (``test-Tau-variance-estimator.R``,
``test-Bonett-Price-2020.R``), re-typed here independently of the implementation.
"""

from __future__ import annotations

import math
import random
from statistics import NormalDist

import pytest
from reference_data import EXAMPLE_AB, GRUENKE, HUITEMA_A, HUITEMA_B
from scipy import stats

from bdc.analysis import (
    EffectSize,
    cohen_kappa,
    dtt_percent_correct,
    evaluate_mastery,
    ioa_trial_by_trial,
    ird,
    kendall_tau_b,
    level_change,
    lor,
    lrm,
    lrr,
    mastery_met,
    nap,
    pand,
    pem,
    pet,
    pnd,
    pogo,
    sessions_to_mastery,
    smd,
    tau,
    tau_bc,
    tau_trend,
    tau_u,
)

A = [20, 20, 26, 25, 22, 23]
B = [28, 25, 24, 27, 30, 30, 29]
Z95 = NormalDist().inv_cdf(0.975)


def printed(result: EffectSize, est, se, low, high, digits=7):
    """Compare with R's print of a data frame row (7 significant digits)."""
    got = (result.estimate, result.se, result.ci_low, result.ci_high)
    for g, want in zip(got, (est, se, low, high), strict=True):
        if want is None:
            assert g is None
        else:
            assert float(f"{g:.{digits}g}") == want, (got, (est, se, low, high))


# ---------------------------------------------------------------------------------------------
# SingleCaseES printed examples


class TestSingleCaseESPrinted:
    def test_nap(self):
        printed(nap(A, B), 0.9166667, 0.06900656, 0.5973406, 0.9860176)

    def test_nap_parker_vannest_2009(self):
        ya = [4, 3, 4, 3, 4, 7, 5, 2, 3, 2]
        yb = [5, 9, 7, 9, 7, 5, 9, 11, 11, 10, 9]
        printed(nap(ya, yb), 0.9636364, 0.03192622, 0.7499741, 0.9950729)

    def test_nap_hanley_se_printed_by_scda(self):
        assert f"{nap(A, B, se='hanley').se:.7g}" == "0.07739185"

    def test_tau(self):
        printed(tau(A, B), 0.8333333, 0.1380131, 0.1946812, 0.9720352)

    def test_tau_bc(self):
        printed(tau_bc(A, B), 0.2857143, 0.3595159, -0.3260702, 0.7180613)

    def test_smd_uncorrected_corrected_pooled(self):
        printed(smd(A, B, correction=False), 1.959294, 0.8237984, 0.3446789, 3.573909)
        printed(smd(A, B), 1.649932, 0.6340935, 0.4071314, 2.892732)
        printed(smd(A, B, sd="pool"), 1.876247, 0.6374216, 0.6269241, 3.125571)

    def test_lrrd(self):
        # LRRd() defaults to improvement = "decrease": negative values are improvements
        printed(lrr(A, B, direction="decrease", correction=False), 0.1958846, 0.05557723,
                0.08695525, 0.304814)  # fmt: skip
        printed(lrr(A, B, direction="decrease"), 0.1953962, 0.05557723, 0.08646679, 0.3043255)

    def test_lrrd_percent_change(self):
        result = lrr(A, B, direction="decrease", percent_change=True)
        printed(result, 21.57925, None, 9.031516, 35.57103)

    def test_lor(self):
        pa = [20, 20, 25, 25, 20, 25]
        pb = [30, 25, 25, 25, 35, 30, 25]
        printed(lor(pa, pb, intervals=20, correction=False), 0.2852038, 0.09790282,
                0.09331776, 0.4770898)  # fmt: skip
        printed(lor(pa, pb, intervals=20), 0.2852854, 0.09790282, 0.09339935, 0.4771713)
        printed(lor(pa, pb), 0.2852854, 0.09790282, 0.09339935, 0.4771713)
        proportions = lor([x / 100 for x in pa], [x / 100 for x in pb], scale="proportion")
        printed(proportions, 0.2852854, 0.09790282, 0.09339935, 0.4771713)
        printed(lor(pa, pb, direction="decrease"), -0.2852854, 0.09790282, -0.4771713,
                -0.09339935)  # fmt: skip

    def test_lrm(self):
        printed(lrm(A, B), 0.2186892, 0.07641543, 0.06891771, 0.3684607)

    def test_pogo(self):
        printed(pogo(A, B, goal=30), 66.88312, 20.74513, 26.22341, 107.5428)


# ---------------------------------------------------------------------------------------------
# formulas of SingleCaseES's own test files, re-typed


def test_tau_variance_estimators_of_test_tau_variance_estimator_r():
    # tests/testthat/test-Tau-variance-estimator.R, Tau_est(): the same estimators written
    # on the sign scores U = sign(B_j - A_i) instead of the NAP scores
    ya = [9, 12, 10, 8, 11, 10, 13, 7, 10, 12]
    yb = [12, 15, 11, 14, 13, 12, 16, 10, 12, 14, 13, 15]
    m, n = len(ya), len(yb)
    u = [[(y > x) - (y < x) for y in yb] for x in ya]
    t = sum(map(sum, u)) / (m * n)
    q1 = sum(sum(row) ** 2 for row in u) / (m * n * n)
    q2 = sum(sum(u[i][j] for i in range(m)) ** 2 for j in range(n)) / (m * m * n)
    x = sum(v * v for row in u for v in row) / (m * n)
    v_hm = (1 - t**2 + (n - 1) * (q1 - t**2) + (m - 1) * (q2 - t**2)) / (m * n)
    v_u = (1 + n * q1 + m * q2 - (m + n - 1) * t**2 - 2 * x) / ((m - 1) * (n - 1))
    assert tau(ya, yb).se == pytest.approx(math.sqrt(v_u))
    assert tau(ya, yb, se="hanley").se == pytest.approx(math.sqrt(v_hm))


def test_lrm_matches_bonett_price_2020_function():
    # tests/testthat/test-Bonett-Price-2020.R: ci_median_bs() of Bonett & Price (2020),
    # example 1, re-typed; LRM = log(median B / median A) with its SE and limits
    ya = [21, 14, 11, 27, 19, 32, 21, 23, 18, 26, 24, 23]
    yb = [34, 19, 26, 31, 39, 42, 27, 14, 25, 29, 33, 36]

    def se_log_median(y):
        y = sorted(y)
        n = len(y)
        o1 = max(round(n / 2 - math.sqrt(n)), 1)
        o2 = n - o1 + 1
        z0 = NormalDist().inv_cdf(1 - stats.binom.cdf(o1 - 1, n, 0.5))
        return (math.log(y[o2 - 1]) - math.log(y[o1 - 1])) / (2 * z0)

    se = math.hypot(se_log_median(ya), se_log_median(yb))
    ratio = math.log(stats.tmean(sorted(yb)[5:7]) / stats.tmean(sorted(ya)[5:7]))
    result = lrm(ya, yb)
    assert result.estimate == pytest.approx(ratio)
    assert result.se == pytest.approx(se)
    assert result.ci_low == pytest.approx(ratio - Z95 * se)
    assert lrm(ya, yb, delta_method=True).se != pytest.approx(se)  # as the R test expects


def test_pogo_is_the_hand_formula_and_ignores_direction():
    # test-PoGO.R: 100 * (mean(B) - mean(A)) / (25 - mean(A))
    assert pogo(A, B, goal=25).estimate == pytest.approx(
        100 * (sum(B) / 7 - sum(A) / 6) / (25 - sum(A) / 6)
    )
    with pytest.raises(ValueError, match="direction: does not apply to pogo"):
        pogo(A, B, goal=25, direction="decrease")
    assert pogo([20, 20], [25, 30], goal=20) is None  # goal = baseline mean: 0/0


# ---------------------------------------------------------------------------------------------
# scan printed values


def scan_smd_print(x: float) -> float:
    """print.sc_smd: round(x, 3), then print(digits = 3) (3 significant digits)."""
    return float(f"{round(x, 3):.3g}")


class TestScanSmd:
    """smd(exampleAB) (docs/reference/smd.html): scan prints every SMD without correction."""

    @pytest.mark.parametrize(
        "case,glass,hedges,hedges_corrected,cohen",
        [
            ("Johanna", 8.11, 2.45, 2.35, 2.98),
            ("Karolina", 3.17, 2.36, 2.26, 2.57),
            ("Anja", 6.71, 3.00, 2.87, 3.54),
        ],
    )
    def test_table(self, case, glass, hedges, hedges_corrected, cohen):
        v = EXAMPLE_AB[case]
        a, b = v[:5], v[5:]
        assert scan_smd_print(smd(a, b, correction=False).estimate) == glass
        assert scan_smd_print(smd(a, b, sd="pool", correction=False).estimate) == hedges
        # "Hedges' g correction" = pooled SD with 1 - 3 / (4N - 9) = SingleCaseES's J(m + n - 2)
        assert scan_smd_print(smd(a, b, sd="pool").estimate) == hedges_corrected
        # Anja: 3.5453 -> 3.545 -> "3.54" (the printed figure is rounded twice)
        assert scan_smd_print(smd(a, b, sd="average", correction=False).estimate) == cohen

    def test_singlecasees_corrects_the_baseline_sd_with_m_minus_1(self):
        # Johanna: m = 5, J = 1 - 3 / (4 * 4 - 1) = 0.8; 8.1108 * 0.8 = 6.4886
        v = EXAMPLE_AB["Johanna"]
        assert round(smd(v[:5], v[5:]).estimate, 4) == 6.4886

    def test_overlap_hedges_g_huitema_not_flipped(self):
        # overlap(Huitema2000, decreasing = TRUE) prints Hedges_g -0.71: scan never flips
        assert round(smd(HUITEMA_A, HUITEMA_B, sd="pool").estimate, 2) == -0.71
        flipped = smd(HUITEMA_A, HUITEMA_B, sd="pool", direction="decrease").estimate
        assert round(flipped, 2) == 0.71

    @pytest.mark.parametrize(
        "case,expected",
        [("Anton", 5.06), ("Bob", 6.50), ("Paul", 6.53), ("Robert", 4.90), ("Sam", 5.36),
         ("Tim", 6.11)],
    )  # fmt: skip
    def test_overlap_hedges_g_gruenke(self, case, expected):
        m, values = GRUENKE[case]
        assert round(smd(values[:m], values[m:], sd="pool").estimate, 2) == expected


class TestScanPet:
    def test_huitema_decreasing_is_100(self):
        # overlap(Huitema2000, decreasing = TRUE): PET 100 (the baseline rises steeply)
        assert pet(HUITEMA_A, HUITEMA_B, direction="decrease").estimate == 100.0

    @pytest.mark.parametrize("case", sorted(GRUENKE))
    def test_gruenke_all_100(self, case):
        m, values = GRUENKE[case]
        assert pet(values[:m], values[m:]).estimate == 100.0

    def test_hand_derivation(self):
        # A = 1, 2, 3 on t = 1..3: line y = t; B at t = 4, 5, 6: 5 > 4, 5 = 5, 5 < 6 -> 1 / 3
        assert pet([1, 2, 3], [5, 5, 5]).estimate == pytest.approx(100 / 3)
        assert pet([1, 2, 3], [5, 5, 5], direction="decrease").estimate == pytest.approx(100 / 3)
        # explicit sessions: B at t = 10 is predicted 10
        assert pet([1, 2, 3], [9], sessions=[1, 2, 3, 10]).estimate == 0.0

    def test_band_is_one_sided_upper_bound(self):
        # A = 1, 3, 2, 4 on t = 1..4: slope 4/5 = 0.8, intercept 0.5; fits 1.3, 2.1, 2.9, 3.7;
        # residuals -.3, .9, -.9, .3; RSS = 1.8, sigma = sqrt(1.8 / 2); at t = 5: fit 4.5,
        # se.fit = sigma sqrt(1/4 + 6.25/5); scan adds qnorm(.95) se.fit (one-sided)
        sigma = math.sqrt(1.8 / 2)
        bound = 4.5 + NormalDist().inv_cdf(0.95) * sigma * math.sqrt(0.25 + 6.25 / 5)
        just_below, just_above = bound - 1e-9, bound + 1e-9
        assert pet([1, 3, 2, 4], [just_below], band=0.95).estimate == 0.0
        assert pet([1, 3, 2, 4], [just_above], band=0.95).estimate == 100.0
        assert pet([1, 3, 2, 4], [just_below]).estimate == 100.0
        with pytest.raises(ValueError, match="band: must be a level"):
            pet([1, 3, 2, 4], [5], band=95)
        with pytest.raises(ValueError, match="band: needs at least 3"):
            pet([1, 3], [5], band=0.95)


def test_tau_against_the_phase_dummy_is_corrected_tau_uncorrected():
    # scan corrected_tau() example: "Uncorrected tau" -0.57 (tau-b of values vs phase dummy)
    a = [33, 25, 17, 25, 14, 13, 15]
    b = [15, 16, 16, 5, 7, 9, 6, 5, 3, 3, 8, 11, 7]
    result = tau(a, b, kendall=True)
    assert round(result.estimate, 2) == -0.57
    dummy = [0] * len(a) + [1] * len(b)
    assert result.estimate == pytest.approx(kendall_tau_b(a + b, dummy))
    se = math.sqrt(2 / 20 * (1 - result.estimate**2))  # SingleCaseES Tau_BC(Kendall = TRUE)
    assert result.se == pytest.approx(se)
    assert result.ci_high == pytest.approx(result.estimate + Z95 * se)
    assert tau([3, 3], [3], kendall=True) is None  # constant: 0/0


def test_tau_bc_kendall_se_is_singlecasees_formula():
    a = [33, 25, 17, 25, 14, 13, 15]
    b = [15, 16, 16, 5, 7, 9, 6, 5, 3, 3, 8, 11, 7]
    result = tau_bc(a, b, kendall=True)
    assert round(result.estimate, 2) == 0.70  # scan corrected_tau "Baseline corrected tau"
    assert result.se == pytest.approx(math.sqrt(2 / 20 * (1 - result.estimate**2)))


# ---------------------------------------------------------------------------------------------
# hand derivations: conventions


class TestNapStandardErrors:
    def test_null_se(self):
        # (m + n + 1) / (12 m n) = 14 / 504
        assert nap(A, B, se="null").se == pytest.approx(math.sqrt(14 / 504))

    def test_truncation_keeps_complete_nonoverlap_se_positive(self):
        # A = 1, 2; B = 3, 4: every Q = 1, so Q1 = Q2 = X = 0 and the SE comes from the
        # truncated NAP: 1 - 0.5 / 4 = 0.875; Hanley V = .875 * .125 / 4; unbiased V =
        # .875 * .125 / 1
        assert nap([1, 2], [3, 4], se="hanley").se == pytest.approx(math.sqrt(0.875 * 0.125 / 4))
        assert nap([1, 2], [3, 4]).se == pytest.approx(math.sqrt(0.875 * 0.125))

    def test_unbiased_se_needs_two_points_per_phase(self):
        assert nap([1], [3, 4]).se is None
        assert nap([1], [3, 4], se="hanley").se is not None

    def test_interval_at_complete_nonoverlap_is_newcombe_interior_root(self):
        # f(x) = mn (1 - x)^2 (2 - x)(1 + x) - z^2 x (1 - x)(2 + h + (1 + 2h) x (1 - x)) has
        # the trivial root x = 1 (uniroot would stop there); the lower limit is the other one
        result = nap([1, 2, 3], [4, 5, 6])
        m = n = 3
        h = (m + n) / 2 - 1
        x = result.ci_low
        f = m * n * (1 - x) ** 2 * (2 - x) * (1 + x) - Z95**2 * x * (1 - x) * (
            2 + h + (1 + 2 * h) * x * (1 - x)
        )
        assert 0.4 < x < 0.6 and f == pytest.approx(0, abs=1e-3)
        assert result.ci_high == 1.0
        mirrored = nap([4, 5, 6], [1, 2, 3])
        assert mirrored.ci_low == 0.0 and mirrored.ci_high == pytest.approx(1 - x)

    def test_options(self):
        assert nap(A, B, se=None).se is None
        assert nap(A, B, confidence=None).ci_low is None
        assert nap(A, B, confidence=0.99).ci_low < nap(A, B).ci_low
        with pytest.raises(ValueError, match="se: must be one of"):
            nap(A, B, se="Hanley ")
        with pytest.raises(ValueError, match="confidence"):
            nap(A, B, confidence=95)


class TestTauU:
    # Parker's "Bob": A = 2, 3, 5, 3; B = 4, 5, 5, 7, 6. S_AB = 16, S_A = 3, S_B = 7
    BOB = ([2, 3, 5, 3], [4, 5, 5, 7, 6])

    def test_parker_options(self):
        a, b = self.BOB
        assert tau_u(a, b, trend_a=False).estimate == pytest.approx(16 / 20)
        assert tau_u(a, b, trend_a=False, trend_b=True).estimate == pytest.approx(23 / 30)
        assert tau_u(a, b, trend_b=True).estimate == pytest.approx(20 / 36)

    def test_tarlow_divides_by_the_pairs_it_uses(self):
        a, b = self.BOB
        assert tau_u(a, b, method="tarlow").estimate == pytest.approx(13 / 26)
        assert tau_u(a, b, method="tarlow", trend_a=False, trend_b=True).estimate == (
            pytest.approx(23 / 30)
        )
        assert tau_u(a, b, method="tarlow", trend_b=True).estimate == pytest.approx(20 / 36)
        assert tau_u(a, b, method="tarlow", trend_a=False).estimate == pytest.approx(16 / 20)

    def test_decrease_negates_both_phases(self):
        a, b = self.BOB
        down = tau_u(a, b, direction="decrease", method="complete").estimate
        assert down == pytest.approx(tau_u([-x for x in a], [-x for x in b], method="complete")
                                     .estimate)  # fmt: skip

    def test_unknown_method(self):
        with pytest.raises(ValueError, match="method: must be one of"):
            tau_u([1, 2], [3], method="Parker")

    def test_no_se(self):
        assert tau_u(*self.BOB).se is None


class TestLogResponseRatio:
    def test_counts_increasing_and_decreasing_are_negatives(self):
        inc = lrr(A, B, direction="increase")  # LRRi
        dec = lrr(A, B, direction="increase", version="decreasing")  # LRRd of an increase
        assert dec.estimate == pytest.approx(-inc.estimate)
        assert dec.se == pytest.approx(inc.se)

    def test_percentages_reflect_instead_of_negating(self):
        # LRRd of an increase target on percentages: log((100 - M_B) / (100 - M_A)), no
        # negation (SingleCaseES calc_LRRd). Uncorrected, A = 20, 40 (M 30), B = 60, 80 (M 70)
        a, b = [20, 40], [60, 80]
        lrri = lrr(a, b, scale="percentage", correction=False).estimate
        lrrd = lrr(a, b, scale="percentage", version="decreasing", correction=False).estimate
        assert lrri == pytest.approx(math.log(70 / 30))
        assert lrrd == pytest.approx(math.log(30 / 70))
        # ... which differs from -LRRi once the means are not symmetric about 50
        a, b = [10, 20], [40, 50]
        lrri = lrr(a, b, scale="percentage", correction=False).estimate
        lrrd = lrr(a, b, scale="percentage", version="decreasing", correction=False).estimate
        assert lrri == pytest.approx(math.log(45 / 15))
        assert lrrd == pytest.approx(math.log(55 / 85))
        assert lrrd != pytest.approx(-lrri)

    def test_decrease_target_percentages_lrri_uses_the_complement(self):
        a, b = [60, 80], [20, 40]
        lrri = lrr(a, b, direction="decrease", version="increasing", scale="percentage",
                   correction=False)  # fmt: skip
        assert lrri.estimate == pytest.approx(math.log(70 / 30))

    def test_count_floor(self):
        # B all 0: mean floored at 1 / (2 n) = 1/6, variance at 1 / n^3 = 1/27
        a, b = [4, 6], [0, 0, 0]
        result = lrr(a, b, direction="decrease")
        # A: M 5, V 2; bias terms V / (2 n M^2): A 2 / 100, B (1/27) / (6 / 36)
        expected = (math.log(1 / 6) + (1 / 27) / (2 * 3 / 36)) - (math.log(5) + 2 / (2 * 2 * 25))
        assert result.estimate == pytest.approx(expected)
        se = math.sqrt(2 / (2 * 25) + (1 / 27) / (3 / 36))
        assert result.se == pytest.approx(se)

    def test_rate_floor_needs_the_session_length(self):
        with pytest.raises(ValueError, match="observation_length"):
            lrr([0.5, 0.7], [0, 0], scale="rate", direction="decrease")
        # L = 10 minutes: floor 1 / (2 * 10 * 2) = 0.025 per minute
        result = lrr([0.5, 0.7], [0, 0], scale="rate", observation_length=10,
                     direction="decrease", correction=False)  # fmt: skip
        assert result.estimate == pytest.approx(math.log(0.025 / 0.6))

    def test_percentage_floor_needs_intervals(self):
        with pytest.raises(ValueError, match="intervals"):
            lrr([20, 30], [0, 0], scale="percentage", direction="decrease")
        # 40 intervals: floor 100 / (2 * 40 * 2) = 0.625 percent
        result = lrr([20, 30], [0, 0], scale="percentage", intervals=40,
                     direction="decrease", correction=False)  # fmt: skip
        assert result.estimate == pytest.approx(math.log(0.625 / 25))

    def test_single_point_phase(self):
        assert lrr([3], [5, 6]) is None  # the correction needs the variance
        uncorrected = lrr([3], [5, 6], correction=False)
        assert uncorrected.estimate == pytest.approx(math.log(5.5 / 3)) and uncorrected.se is None

    def test_bad_input(self):
        with pytest.raises(ValueError, match=r"baseline\[0\]: a percentage"):
            lrr([120], [3], scale="percentage")
        with pytest.raises(ValueError, match=r"treatment\[1\]: a count must be >= 0"):
            lrr([1, 2], [3, -1])
        with pytest.raises(ValueError, match="scale: must be one of"):
            lrr([1, 2], [3, 4], scale="percent")
        with pytest.raises(ValueError, match="version"):
            lrr([1, 2], [3, 4], version="i")


class TestLogOddsRatio:
    def test_floor_with_intervals(self):
        # proportions of B all 0 with 10 intervals: floor 1 / (2 * 10 * 2) = 0.025
        result = lor([20, 40], [0, 0], intervals=10, correction=False)
        assert result.estimate == pytest.approx(math.log(0.025 / 0.975) - math.log(0.3 / 0.7))
        with pytest.raises(ValueError, match="intervals"):
            lor([20, 40], [0, 0])
        with pytest.raises(ValueError, match="scale"):
            lor([1, 2], [3, 4], scale="count")


class TestSmdConventions:
    def test_average_variance_se_is_bonett_2008(self):
        a, b = [1, 2, 4], [5, 7, 8, 10]
        va, vb = stats.tvar(a), stats.tvar(b)
        s2 = (va + vb) / 2
        d = (sum(b) / 4 - sum(a) / 3) / math.sqrt(s2)
        se = math.sqrt(d**2 * (va**2 / 2 + vb**2 / 3) / (8 * s2**2) + (va / 2 + vb / 3) / s2)
        result = smd(a, b, sd="average", correction=False)
        assert result.estimate == pytest.approx(d)
        assert result.se == pytest.approx(se)

    def test_undefined(self):
        assert smd([3, 3, 3], [4, 5]) is None
        assert smd([3], [4, 5]) is None
        assert smd([3], [4, 5], sd="average") is None
        with pytest.raises(ValueError, match="sd: must be one of"):
            smd([1, 2], [3, 4], sd="glass")


# ---------------------------------------------------------------------------------------------
# issue 13 edge cases (each failed on the code before this change)


@pytest.mark.parametrize(
    "function",
    [nap, tau, pnd, pem, pand, ird, tau_u, tau_bc, smd, lrr, lor, lrm, pet],
    ids=lambda f: f.__name__,
)
def test_direction_none_is_refused(function):
    with pytest.raises(ValueError, match=r"^direction: must be 'increase' or 'decrease'"):
        function([1, 2, 3], [4, 5, 6], direction=None)


@pytest.mark.parametrize(
    "call",
    [
        lambda: kendall_tau_b([1, 2], [2, 1], direction="increase"),
        lambda: tau_trend([1, 2, 3], direction="decrease"),
        lambda: pogo([1, 2], [3, 4], goal=5, direction="increase"),
        lambda: level_change([1, 2], [3, 4], direction="decrease"),
    ],
    ids=["kendall_tau_b", "tau_trend", "pogo", "level_change"],
)
def test_direction_where_it_does_not_apply_is_a_value_error(call):
    with pytest.raises(ValueError, match=r"^direction: does not apply"):
        call()


class TestTrialIOARule:
    def test_unrecorded_trials_are_left_out_of_both_terms(self):
        # before: None/None counted as an agreement (3/4 = 75%)
        assert ioa_trial_by_trial([None, "+", "-", "+"], [None, "+", "+", "+"]) == (
            pytest.approx(200 / 3)
        )
        # a trial one observer did not record is left out as well
        assert ioa_trial_by_trial(["+", None], ["+", "-"]) == 100.0
        assert ioa_trial_by_trial([None], [None]) is None

    def test_nan_is_unrecorded(self):
        nan = float("nan")
        assert ioa_trial_by_trial([nan, 1, 2], [nan, 1, 2]) == 100.0
        assert cohen_kappa([nan, "a", "b"], [nan, "a", "b"]) == pytest.approx(1.0)

    def test_true_one_and_one_point_zero_are_one_code(self):
        assert ioa_trial_by_trial([True, 1, 1.0], [1.0, True, 1]) == 100.0
        assert cohen_kappa([True, 0, 1], [1.0, False, True]) == pytest.approx(1.0)

    def test_kappa_drops_unrecorded_items(self):
        # recorded pairs: (a, a), (b, b), (a, b): po = 2/3, pe = (2/3)(1/3) + (1/3)(2/3) = 4/9
        got = cohen_kappa(["a", None, "b", "a"], ["a", "b", "b", "b"])
        assert got == pytest.approx((2 / 3 - 4 / 9) / (1 - 4 / 9))


def test_dtt_record_results_ignore_case_like_labels():
    records = [
        {"result": "Correct", "prompt": "Independent"},
        {"result": " CORRECT ", "prompt": None},
        {"result": "correct", "prompt": "Gestural"},
        {"result": "Incorrect"},
    ]
    assert dtt_percent_correct(records) == 50.0
    assert dtt_percent_correct(["Correct", "+"]) == 100.0


@pytest.mark.parametrize("function", [sessions_to_mastery, mastery_met, evaluate_mastery])
def test_criterion_below_one_is_refused_as_a_proportion(function):
    with pytest.raises(ValueError, match=r"^criterion: percentages are on 0-100.*write 80"):
        function([90, 95, 100], criterion=0.8, consecutive=3)
    assert sessions_to_mastery([90, 95, 100], criterion=1, consecutive=3) == 3


def test_effect_size_is_frozen_and_a_number():
    result = pnd(A, B)
    assert float(result) == result.estimate
    assert (result.se, result.ci_low, result.ci_high) == (None, None, None)
    with pytest.raises(AttributeError):
        result.estimate = 0  # type: ignore[misc]
    assert pem(A, B, ties="zero").estimate == pem(A, B).estimate == 100.0
    with pytest.raises(ValueError, match="ties"):
        pem(A, B, ties="0.5")
    with pytest.raises(ValueError, match="method"):
        pand(A, B, method="minimal")


def _nap_by_pairs(a: list[float], b: list[float]) -> tuple[float, float, float]:
    """NAP and its unbiased and Hanley-McNeil variances from the full pair-score matrix,
    written as SingleCaseES's ``calc_NAP`` writes them (the definition the counts stand for)."""
    m, n = len(a), len(b)
    q = [[(y > x) + 0.5 * (y == x) for y in b] for x in a]
    value = math.fsum(v for row in q for v in row) / (m * n)
    q1 = math.fsum(math.fsum(v - value for v in row) ** 2 for row in q) / (m * n * n)
    q2 = math.fsum(math.fsum(q[i][j] - value for i in range(m)) ** 2 for j in range(n)) / (
        m * m * n
    )
    x = math.fsum((v - value) ** 2 for row in q for v in row) / (m * n)
    trunc = 0.5 / (m * n)
    c = min(max(value, trunc), 1 - trunc)
    unbiased = (c * (1 - c) + n * q1 + m * q2 - 2 * x) / ((m - 1) * (n - 1))
    hanley = (c * (1 - c) + (n - 1) * q1 + (m - 1) * q2) / (m * n)
    return value, unbiased, hanley


@pytest.mark.parametrize("seed", range(40))
def test_nap_counted_by_bisection_equals_the_pair_matrix_to_the_bit(seed):
    """NAP and Tau count pairs by sorting and bisection instead of building the m x n matrix;
    estimates and standard errors must be the matrix's, bit for bit, ties included."""
    r = random.Random(seed)
    values = [0.0, 0.5, 1.0, 1 / 3, 2.0, 7.25] if seed % 2 else None
    m, n = r.randint(2, 30), r.randint(2, 30)
    draw = (lambda: r.choice(values)) if values else (lambda: r.uniform(-5, 5))
    a, b = [draw() for _ in range(m)], [draw() for _ in range(n)]
    value, unbiased, hanley = _nap_by_pairs(a, b)
    assert nap(a, b).estimate == value
    assert nap(a, b).se == (math.sqrt(unbiased) if unbiased >= 0 else None)
    assert nap(a, b, se="hanley").se == math.sqrt(hanley)
    s = sum((y > x) - (y < x) for x in a for y in b)
    assert tau(a, b).estimate == s / (m * n)
