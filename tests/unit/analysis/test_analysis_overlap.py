"""Effect sizes against the published values of SingleCaseES, scan and the original papers.

Data sets are copied from scan's ``data-raw/scan-Data.R`` (jazznbass/scan) and from the
SingleCaseES test files. Expected values and where they are printed:

- SingleCaseES ``tests/testthat/test-parker-vannest-davis-2011.R`` (Parker, Vannest & Davis
  2011): PND 5/7, PAND 1 - 2/13, PEM 7/7, IRD 6/7 - 1/6, NAP 38.5/42, Tau 35/42; example 2:
  Tau 16/20, Tau-U 11/20.
- SingleCaseES ``test-tarlow-2017.R``: A = 1..5, B = 6..10 gives Tau 1, Tau-U 0.6, Tau-BC 0
  (both versions); Kendall (1970) Example 3.1: S = 33, D = sqrt(41 * 36), tau-b = .859.
- scan ``docs/reference/tau_u.md``: Parker et al. (2011) "Bob" with method "parker" (0.80,
  0.50, 0.70, 0.65, 0.77, 0.56) and ``tau_u(Grosche2011)`` (method "complete").
- scan ``docs/reference/overlap.md``: ``overlap(Huitema2000, decreasing = TRUE)`` and
  ``overlap(GruenkeWilbert2014)``; ``tests/testthat/test-overlap.R``: exampleAB Johanna
  SMD 8.1108; ``docs/reference/smd.md``: Glass' delta 8.11 / 3.17 / 6.71.
- scan ``tests/testthat/test-pand.R``: Parker2009 minimum 86.95652, sort 100; Parker 2011b
  data: 84.61538.
- scan ``docs/reference/corrected_tau.md``: autocorrelation -0.68, uncorrected -0.57,
  corrected 0.70.
- ANALYSIS.md: Bob complete 0.451; scan "complete" A vs. B 35/41.5; scan tarlow 0.5 (Bob) and
  0.4286 (Tarlow series); PAND cubs 63.6 (sort) vs 81.8 (minimum); 3 + 3 toy 66.7 vs 83.3.
"""

from __future__ import annotations

import pytest
from reference_data import EXAMPLE_AB, GRUENKE, HUITEMA_A, HUITEMA_B

from bdc.analysis import (
    ird,
    kendall_tau_b,
    nap,
    pand,
    pem,
    pnd,
    smd,
    tau,
    tau_bc,
    tau_trend,
    tau_u,
)

# Parker, Vannest & Davis (2011); scan Parker2011b; SingleCaseES examples
PVD_A = [20, 20, 26, 25, 22, 23]
PVD_B = [28, 25, 24, 27, 30, 30, 29]
# Parker, Vannest, Davis & Sauber (2011) "Bob"; scan Parker2011
BOB_A = [2, 3, 5, 3]
BOB_B = [4, 5, 5, 7, 6]
TARLOW_A = [1, 2, 3, 4, 5]
TARLOW_B = [6, 7, 8, 9, 10]
# scan Grosche2011: values and phase A length (phase B starts at mt 38, 38, 59)
GROSCHE = {
    "Eva": (
        6,
        [3.39, 2.09, 1.46, 3.23, 3.06, 2.83, 2.44, 1.86, 2.17, 2.59, 3.92, 4.14, 3.31, 2.69,
         4.27, 4.66, 3.20, 4.98, 4.42],
    ),
    "Georg": (
        7,
        [13.00, 17.40, 13.00, 7.74, 8.82, 7.50, 5.82, 6.26, 5.60, 12.79, 9.17, 10.59, 9.23,
         10.71, 7.61, 9.78, 8.33, 12.00, 12.19, 10.70, 11.36, 7.89, 10.82, 11.56],
    ),
    "Olaf": (
        12,
        [7.69, 7.27, 7.02, 5.37, 4.57, 3.02, 4.68, 4.97, 5.73, 7.63, 6.98, 7.50, 6.91, 4.86,
         6.71, 5.67, 5.00, 6.14, 8.14, 4.53],
    ),
}  # fmt: skip


class TestSingleCaseESParkerVannestDavis2011:
    def test_pnd(self):
        assert pnd(PVD_A, PVD_B).estimate == pytest.approx(100 * 5 / 7)

    def test_pand(self):
        assert pand(PVD_A, PVD_B).estimate == pytest.approx(100 * (1 - 2 / 13))

    def test_pem(self):
        assert pem(PVD_A, PVD_B).estimate == pytest.approx(100 * 7 / 7)

    def test_ird(self):
        assert ird(PVD_A, PVD_B).estimate == pytest.approx(6 / 7 - 1 / 6)

    def test_nap(self):
        assert nap(baseline=PVD_A, treatment=PVD_B, direction="increase").estimate == pytest.approx(
            38.5 / 42
        )

    def test_tau(self):
        assert tau(PVD_A, PVD_B).estimate == pytest.approx((38 - 3) / 42)

    def test_example_2_tau_and_tau_u(self):
        a, b = [3, 3, 4, 5], [4, 5, 6, 7, 7]
        assert tau(a, b).estimate == pytest.approx(16 / 20)
        assert tau_u(a, b).estimate == pytest.approx(11 / 20)

    def test_scan_pand_default_sort_agrees_here(self):
        # scan test-pand.R: round(pand(data)$pand, 5) == 84.61538
        assert round(pand(PVD_A, PVD_B, method="sort").estimate, 5) == 84.61538


class TestTarlow2017:
    def test_tau_is_one(self):
        assert tau(TARLOW_A, TARLOW_B).estimate == 1.0

    def test_tau_u_singlecasees_is_point_six(self):
        # (S_AB - S_A) / mn = (25 - 10) / 25
        assert tau_u(TARLOW_A, TARLOW_B).estimate == pytest.approx(0.6)

    def test_tau_u_scan_tarlow_divides_by_all_pairs(self):
        # (25 - 10) / (25 + 10) = 0.4286 (ANALYSIS.md, read from scan's R/tau_u.R)
        value = tau_u(TARLOW_A, TARLOW_B, method="tarlow").estimate
        assert value == pytest.approx(15 / 35)
        assert round(value, 4) == 0.4286

    def test_tau_bc_is_zero_in_both_versions(self):
        # the baseline line y = t fits B exactly: residuals all 0
        assert tau_bc(TARLOW_A, TARLOW_B).estimate == 0.0
        assert tau_bc(TARLOW_A, TARLOW_B, kendall=True).estimate == 0.0

    def test_kendall_1970_example_3_1(self):
        x = [1, 2.5, 2.5, 4.5, 4.5, 6.5, 6.5, 8, 9.5, 9.5]
        y = [1, 2, 4.5, 4.5, 4.5, 4.5, 8, 8, 8, 10]
        value = kendall_tau_b(x=x, y=y)
        assert value == pytest.approx(33 / (41 * 36) ** 0.5)
        assert round(value, 3) == 0.859


class TestParker2011TauU:
    """scan docs/reference/tau_u.md, tau_u(bob, method = "parker") printed table."""

    def test_a_vs_b(self):
        assert tau(BOB_A, BOB_B).estimate == pytest.approx(16 / 20)  # 0.80

    def test_trend_a_and_b(self):
        assert tau_trend(values=BOB_A) == pytest.approx(3 / 6)  # 0.50
        assert tau_trend(BOB_B) == pytest.approx(7 / 10)  # 0.70

    def test_a_vs_b_minus_trend_a_is_point_65(self):
        assert tau_u(BOB_A, BOB_B).estimate == pytest.approx(13 / 20)
        assert tau_u(BOB_A, BOB_B, method="parker", trend_a=True).estimate == 0.65

    def test_a_vs_b_plus_trend_b(self):
        assert tau_u(BOB_A, BOB_B, trend_a=False, trend_b=True).estimate == pytest.approx(
            23 / 30
        )  # 0.77

    def test_a_vs_b_plus_trend_b_minus_trend_a(self):
        value = tau_u(BOB_A, BOB_B, trend_b=True).estimate
        assert value == pytest.approx(20 / 36)  # 0.56

    def test_scan_complete_gives_0_451(self):
        value = tau_u(BOB_A, BOB_B, method="complete").estimate
        assert round(value, 3) == 0.451

    def test_scan_tarlow_gives_one_half(self):
        # 13 / (20 + 6)
        assert tau_u(BOB_A, BOB_B, method="tarlow").estimate == pytest.approx(0.5)

    def test_falling_baseline_exceeds_one(self):
        # ANALYSIS.md: Parker's S/(mn) is not bounded. A = 5,4,3,2,1 falls (S_A = -10),
        # B = 6..10 is all above: (25 + 10) / 25 = 1.4
        assert tau_u([5, 4, 3, 2, 1], TARLOW_B).estimate == pytest.approx(1.4)


class TestScanComplete:
    def test_a_vs_b_with_a_tie_is_35_over_41_5(self):
        assert tau_u(PVD_A, PVD_B, method="complete", trend_a=False).estimate == pytest.approx(
            35 / 41.5
        )
        assert round(tau_u(PVD_A, PVD_B, method="complete", trend_a=False).estimate, 4) == 0.8434
        assert tau(PVD_A, PVD_B).estimate == pytest.approx(35 / 42)

    @pytest.mark.parametrize(
        "case,expected",
        [
            ("Eva", (0.38, 0.26, 0.49, 0.49)),
            ("Georg", (-0.04, 0.06, 0.14, 0.19)),
            ("Olaf", (-0.10, -0.06, -0.09, -0.07)),
        ],
    )
    def test_grosche2011_tau_u_table(self, case, expected):
        m, values = GROSCHE[case]
        a, b = values[:m], values[m:]
        got = (
            tau_u(a, b, method="complete", trend_a=False).estimate,
            tau_u(a, b, method="complete").estimate,
            tau_u(a, b, method="complete", trend_a=False, trend_b=True).estimate,
            tau_u(a, b, method="complete", trend_b=True).estimate,
        )
        assert tuple(round(g, 2) for g in got) == expected

    @pytest.mark.parametrize(
        "case,tau_u_a,tau_u_ba",
        [
            ("Anton", 0.67, 0.48),
            ("Bob", 0.66, 0.57),
            ("Paul", 0.75, 0.60),
            ("Robert", 0.68, 0.49),
            ("Sam", 0.65, 0.51),
            ("Tim", 0.68, 0.35),
        ],
    )
    def test_gruenke_wilbert_2014_overlap_columns(self, case, tau_u_a, tau_u_ba):
        m, values = GRUENKE[case]
        a, b = values[:m], values[m:]
        assert round(tau_u(a, b, method="complete").estimate, 2) == tau_u_a
        assert round(tau_u(a, b, method="complete", trend_b=True).estimate, 2) == tau_u_ba


class TestHuitema2000Decreasing:
    """scan: overlap(Huitema2000, decreasing = TRUE)."""

    def test_pnd(self):
        assert pnd(HUITEMA_A, HUITEMA_B, direction="decrease").estimate == pytest.approx(40.0)

    def test_pem(self):
        assert pem(
            HUITEMA_A, HUITEMA_B, direction="decrease", ties="zero"
        ).estimate == pytest.approx(70.0)
        assert pem(HUITEMA_A, HUITEMA_B, direction="decrease").estimate == pytest.approx(70.0)

    def test_nap(self):
        # scan prints NAP x 100 = 70
        assert nap(HUITEMA_A, HUITEMA_B, direction="decrease").estimate == pytest.approx(0.70)

    def test_pand_sort(self):
        assert pand(
            HUITEMA_A, HUITEMA_B, direction="decrease", method="sort"
        ).estimate == pytest.approx(60.0)

    def test_ird(self):
        assert ird(HUITEMA_A, HUITEMA_B, direction="decrease").estimate == pytest.approx(0.4)

    def test_tau_u_columns_are_not_flipped(self):
        # scan's tau_u() has no direction argument: negative although decrease was requested
        a_col = tau_u(HUITEMA_A, HUITEMA_B, method="complete").estimate
        ba_col = tau_u(HUITEMA_A, HUITEMA_B, method="complete", trend_b=True).estimate
        assert round(a_col, 2) == -0.51
        assert round(ba_col, 2) == -0.69

    def test_base_tau(self):
        # the rising baseline is significant, so scan applies the correction: -0.73
        assert round(tau_bc(HUITEMA_A, HUITEMA_B, kendall=True).estimate, 2) == -0.73

    def test_smd_is_not_flipped(self):
        assert round(smd(HUITEMA_A, HUITEMA_B, correction=False).estimate, 2) == -0.90


class TestGlassDelta:
    def test_johanna_is_8_1108(self):
        v = EXAMPLE_AB["Johanna"]
        # mean A = 54.6, SD A = sqrt(23.2 / 4) = 2.4083; mean B = 74.1333; 19.5333 / 2.4083
        assert round(smd(baseline=v[:5], treatment=v[5:], correction=False).estimate, 4) == 8.1108

    @pytest.mark.parametrize("case,expected", [("Karolina", 3.17), ("Anja", 6.71)])
    def test_scan_smd_printout(self, case, expected):
        v = EXAMPLE_AB[case]
        assert round(smd(v[:5], v[5:], correction=False).estimate, 2) == expected

    @pytest.mark.parametrize(
        "case,expected",
        [
            ("Anton", 5.07),
            ("Bob", 7.13),
            ("Paul", 6.64),
            ("Robert", 5.72),
            ("Sam", 8.17),
            ("Tim", 7.35),
        ],
    )
    def test_gruenke_wilbert_smd_column(self, case, expected):
        m, values = GRUENKE[case]
        assert round(smd(values[:m], values[m:], correction=False).estimate, 2) == expected

    def test_undefined_without_baseline_variance(self):
        assert smd([3, 3, 3], [4, 5], correction=False) is None
        assert smd([3], [4, 5], correction=False) is None


class TestPand:
    def test_parker2009_minimum_and_sort_differ(self):
        a1 = [0, 0, 0, 0, 0, 0, 0]
        b1 = [0, 50, 30, 0, 0, 40, 50, 70, 40, 60, 60, 70, 70, 60, 60, 60]
        # minimum removal: drop the three B zeros -> 20 / 23
        assert round(pand(a1, b1).estimate, 5) == 86.95652
        # sort: ties sort A first, so the seven A zeros fill the seven A positions
        assert pand(a1, b1, method="sort").estimate == 100.0

    def test_cubs_example_decreasing(self):
        cubs = [20, 22, 24, 17, 21, 13, 10, 9, 20, 9, 18]
        a, b = cubs[:4], cubs[4:]
        # minimum: keep A >= 22 (2 points) and all B < 22 (7) -> 9 / 11
        assert round(pand(a, b, direction="decrease").estimate, 1) == 81.8
        # sort, descending with ties B first: 24A 22A 21B 20B 20A 18B 17A 13B 10B 9B 9B;
        # positions 1-4 hold A, A, B, B (2 match), 5-11 hold 5 B -> 7 / 11
        assert round(pand(a, b, direction="decrease", method="sort").estimate, 1) == 63.6

    def test_three_plus_three_toy(self):
        a, b = [1, 2, 4], [3, 5, 6]
        assert round(pand(a, b, method="sort").estimate, 1) == 66.7  # 1A 2A 3B | 4A 5B 6B -> 4 / 6
        assert round(pand(a, b).estimate, 1) == 83.3  # drop the 4 -> 5 / 6


class TestPem:
    def test_ties_at_the_median_62_5_vs_50(self):
        # hand derivation: A median = 5; B has 4 points above 5, 2 equal to 5, 2 below.
        a = [3, 5, 7]
        b = [6, 7, 8, 9, 5, 5, 4, 2]
        assert pem(a, b).estimate == pytest.approx(100 * (4 + 0.5 * 2) / 8)  # 62.5
        assert pem(a, b, ties="zero").estimate == pytest.approx(100 * 4 / 8)  # 50
        assert pem(a, b) == pem(a, b, ties="half")

    def test_ties_at_the_median_70_vs_60(self):
        # A median = (4 + 6) / 2 = 5; B: 6 above, 2 at 5, 2 below -> 7/10 vs 6/10
        a = [2, 4, 6, 8]
        b = [6, 7, 8, 9, 10, 11, 5, 5, 1, 2]
        assert pem(a, b).estimate == pytest.approx(70.0)
        assert pem(a, b, ties="zero").estimate == pytest.approx(60.0)

    def test_decrease_uses_the_median_not_the_minimum(self):
        # SingleCaseES code (not its vignette): B below the A median of 5 -> 2 of 3
        assert pem([1, 5, 9], [4, 3, 6], direction="decrease").estimate == pytest.approx(
            100 * 2 / 3
        )


class TestNapParkerVannest2009:
    def test_published_example(self):
        # Parker & Vannest (2009) example (SingleCaseES NAP() docs; scan Parker2009b).
        # Hand count over the 10 x 11 = 110 pairs: B = 5 beats 8 A values and ties 1 (8.5),
        # B = 7 beats 9 and ties 1 (9.5), every B >= 9 beats all 10:
        # 8.5 + 10 + 9.5 + 10 + 9.5 + 8.5 + 10 + 10 + 10 + 10 + 10 = 106 -> 106 / 110 = .96
        a = [4, 3, 4, 3, 4, 7, 5, 2, 3, 2]
        b = [5, 9, 7, 9, 7, 5, 9, 11, 11, 10, 9]
        assert nap(a, b).estimate == pytest.approx(106 / 110)
        assert round(nap(a, b).estimate, 2) == 0.96


class TestCorrectedTau:
    """scan docs/reference/corrected_tau.md example."""

    A = [33, 25, 17, 25, 14, 13, 15]
    B = [15, 16, 16, 5, 7, 9, 6, 5, 3, 3, 8, 11, 7]

    def test_baseline_autocorrelation(self):
        assert round(tau_trend(self.A, method="complete"), 2) == -0.68

    def test_uncorrected_tau_is_tau_b_against_the_phase_dummy(self):
        dummy = [0] * len(self.A) + [1] * len(self.B)
        assert round(kendall_tau_b(self.A + self.B, dummy), 2) == -0.57

    def test_baseline_corrected_tau(self):
        assert round(tau_bc(self.A, self.B, kendall=True).estimate, 2) == 0.70

    @pytest.mark.parametrize("case,expected", [("Anton", 0.67), ("Paul", 0.75), ("Tim", 0.66)])
    def test_scan_base_tau_without_significant_trend_is_uncorrected(self, case, expected):
        # ANALYSIS.md conflict 5: scan returns the uncorrected tau-b when the baseline trend is
        # not significant; those GruenkeWilbert2014 "Base_Tau" values are tau-b vs the dummy.
        m, values = GRUENKE[case]
        dummy = [0] * m + [1] * (len(values) - m)
        assert round(kendall_tau_b(values, dummy), 2) == expected

    @pytest.mark.parametrize("case,expected", [("Bob", 0.77), ("Robert", 0.77), ("Sam", 0.72)])
    def test_scan_base_tau_with_correction(self, case, expected):
        m, values = GRUENKE[case]
        assert round(tau_bc(values[:m], values[m:], kendall=True).estimate, 2) == expected

    def test_tau_bc_direction_flips_sign(self):
        up = tau_bc(self.A, self.B).estimate
        assert tau_bc(self.A, self.B, direction="decrease").estimate == pytest.approx(-up)
        upk = tau_bc(self.A, self.B, kendall=True).estimate
        assert tau_bc(self.A, self.B, direction="decrease", kendall=True).estimate == pytest.approx(
            -upk
        )

    def test_tau_bc_is_tau_of_the_theil_sen_residuals(self):
        # hand derivation: A = 1, 3, 2 on t = 1..3; pairwise slopes 2, .5, -1 -> median .5;
        # intercept = median(1 - .5, 3 - 1, 2 - 1.5) = median(.5, 2, .5) = .5;
        # residuals A: 0, 1.5, 0; B = 4, 2 at t = 4, 5: 4 - 2.5 = 1.5, 2 - 3 = -1.
        # pairs: 1.5 vs (0, 1.5, 0) -> +1, 0, +1; -1 vs (0, 1.5, 0) -> -1, -1, -1 => S = -1
        assert tau_bc([1, 3, 2], [4, 2]).estimate == pytest.approx(-1 / 6)


class TestEdgeCasesAndBadInput:
    def test_empty_phase_names_the_parameter(self):
        with pytest.raises(ValueError, match="baseline"):
            nap([], [1])
        with pytest.raises(ValueError, match="treatment"):
            pnd([1], [])

    def test_bad_direction(self):
        with pytest.raises(ValueError, match="direction"):
            nap([1], [2], direction="up")

    def test_non_finite_values(self):
        with pytest.raises(ValueError, match=r"treatment\[1\]"):
            tau([1, 2], [3, float("nan")])

    @pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
    def test_non_finite_values_among_plain_floats(self, bad):
        """Plain floats are checked in one pass (their sum); a non-finite one is still
        refused by position, and finite values whose sum overflows are still accepted."""
        with pytest.raises(ValueError, match=r"treatment\[1\]"):
            tau([1.0, 2.0], [3.0, bad, 4.0])
        assert tau([1e308, 1e308], [1.5e308, 1.7e308]).estimate == 1.0

    def test_tau_bc_needs_two_baseline_points(self):
        with pytest.raises(ValueError, match="baseline"):
            tau_bc([1], [2, 3])

    def test_undefined_kendall(self):
        assert kendall_tau_b([1, 1, 1], [1, 2, 3]) is None
        assert tau_trend([5]) is None
        assert tau_trend([2, 2, 2], method="complete") is None

    def test_pnd_does_not_count_a_tie_with_the_extreme(self):
        assert pnd([1, 5], [5, 6]).estimate == 50.0
        assert pnd([1, 5], [1, 0], direction="decrease").estimate == 50.0

    def test_numpy_arrays_are_accepted(self):
        np = pytest.importorskip("numpy")
        assert nap(np.array(PVD_A), np.array(PVD_B)).estimate == pytest.approx(38.5 / 42)
