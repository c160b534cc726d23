"""Property tests (hypothesis): identities and invariants the definitions imply."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from bdc.analysis import (
    celeration,
    cohen_kappa,
    evaluate_mastery,
    fidelity_all_or_nothing_by_component,
    fidelity_all_or_nothing_by_trial,
    fidelity_individual_component,
    ioa_exact_count_per_interval,
    ioa_interval_by_interval,
    ioa_mean_count_per_interval,
    ioa_mean_duration_per_occurrence,
    ioa_scored_interval,
    ioa_total_count,
    ioa_total_duration,
    ioa_trial_by_trial,
    ioa_unscored_interval,
    ird,
    kendall_tau_b,
    lor,
    lrm,
    lrr,
    mastery_met,
    nap,
    ols_slope,
    pand,
    pem,
    pet,
    pnd,
    pogo,
    sessions_to_mastery,
    smd,
    split_middle_slope,
    tau,
    tau_bc,
    tau_u,
    trend_line,
)

# per-test settings: a global profile would change other modules' hypothesis tests too
prop = settings(max_examples=120, deadline=None)

# small integer scores produce plenty of ties, the interesting case for these indices
score = st.integers(min_value=0, max_value=12)
phase = st.lists(score, min_size=1, max_size=12)
phase2 = st.lists(score, min_size=2, max_size=12)
direction = st.sampled_from(["increase", "decrease"])


def neg(xs):
    return [-x for x in xs]


# ----------------------------------------------------------------------------- non-overlap

# the percentage-valued members of each family, every option
PERCENT_MEASURES = (
    pnd,
    pem,
    partial(pem, ties="zero"),
    pand,
    partial(pand, method="sort"),
)


def est(result):
    return None if result is None else result.estimate


@prop
@given(phase, phase)
def test_nap_is_tau_plus_one_over_two(a, b):
    assert nap(a, b).estimate == pytest.approx((tau(a, b).estimate + 1) / 2)


@prop
@given(phase, phase, direction)
def test_ranges(a, b, d):
    assert 0 <= nap(a, b, direction=d).estimate <= 1
    assert -1 <= tau(a, b, direction=d).estimate <= 1
    for f in PERCENT_MEASURES:
        assert 0 <= f(a, b, direction=d).estimate <= 100
    assert ird(a, b, direction=d).estimate <= 1 + 1e-12


@prop
@given(phase, phase)
def test_direction_flip_equals_negating_both_phases(a, b):
    for f in (nap, tau, pnd, pem, partial(pem, ties="zero"), pand, ird, tau_u):
        assert est(f(a, b, direction="decrease")) == pytest.approx(est(f(neg(a), neg(b))))


@prop
@given(phase, phase)
def test_scan_sort_flip_equals_negation_only_without_ties(a, b):
    # scan orders ties A-first for an increase but B-first for a decrease (R's
    # order(..., decreasing = TRUE) reverses the phase key too), so ties break the symmetry.
    values = a + b
    assume(len(set(values)) == len(values))
    assert pand(a, b, direction="decrease", method="sort").estimate == pytest.approx(
        pand(neg(a), neg(b), method="sort").estimate
    )


def test_scan_sort_tie_asymmetry():
    assert pand([0], [0], method="sort").estimate == 100.0
    assert pand([0], [0], direction="decrease", method="sort").estimate == 0.0


@prop
@given(phase, phase)
def test_direction_flip_symmetry(a, b):
    assert nap(a, b, direction="decrease").estimate == pytest.approx(1 - nap(a, b).estimate)
    assert tau(a, b, direction="decrease").estimate == pytest.approx(-tau(a, b).estimate)


@prop
@given(phase2, phase)
def test_tau_bc_flips_sign_with_direction(a, b):
    assert tau_bc(a, b, direction="decrease").estimate == pytest.approx(-tau_bc(a, b).estimate)


@prop
@given(phase, phase)
def test_full_nonoverlap_conditions_agree(a, b):
    separated = max(a) < min(b)
    assert (pand(a, b).estimate == 100) == separated
    assert (nap(a, b).estimate == 1) == separated
    assert (pnd(a, b).estimate == 100) == separated
    if separated:
        assert ird(a, b).estimate == pytest.approx(1.0)


@prop
@given(phase, phase)
def test_scan_complete_a_vs_b_equals_tau_without_cross_ties(a, b):
    assume(not set(a) & set(b))
    complete = tau_u(a, b, method="complete", trend_a=False).estimate
    assert complete == pytest.approx(tau(a, b).estimate)


@prop
@given(phase, phase)
def test_scan_complete_variants_are_bounded(a, b):
    for trend_b in (False, True):
        v = est(tau_u(a, b, method="complete", trend_b=trend_b))
        assert v is None or -1 - 1e-12 <= v <= 1 + 1e-12


# ------------------------------------------------- standard errors, intervals, parametric

count_phase = st.lists(st.integers(0, 30), min_size=2, max_size=10)
percent_phase = st.lists(st.integers(0, 100), min_size=2, max_size=10)
real_phase = st.lists(
    st.floats(-50, 50, allow_nan=False).map(lambda x: round(x, 2)), min_size=2, max_size=10
)


def interval_holds(result):
    return result.ci_low <= result.estimate <= result.ci_high


@prop
@given(phase, phase, st.sampled_from(["unbiased", "hanley", "null"]))
def test_nap_interval_is_inside_0_1_and_holds_the_estimate(a, b, se):
    result = nap(a, b, se=se)
    assert 0 <= result.ci_low <= result.estimate <= result.ci_high <= 1
    assert result.se is None or result.se > 0  # truncation: never 0, even at NAP = 1
    t = tau(a, b, se=se)
    assert t.ci_low == pytest.approx(2 * result.ci_low - 1)
    assert t.se == (None if result.se is None else pytest.approx(2 * result.se))


@prop
@given(phase, phase)
def test_nap_interval_mirrors_when_the_phases_swap(a, b):
    # NAP(B, A) = 1 - NAP(A, B); the score interval is symmetric under that reflection
    forward, backward = nap(a, b), nap(b, a)
    assert backward.estimate == pytest.approx(1 - forward.estimate)
    assert backward.ci_low == pytest.approx(1 - forward.ci_high, abs=1e-3)


@prop
@given(count_phase, count_phase, st.booleans())
def test_lrr_of_counts_is_antisymmetric_and_flips_with_direction(a, b, correction):
    forward = lrr(a, b, correction=correction)
    backward = lrr(b, a, correction=correction)
    assert backward.estimate == pytest.approx(-forward.estimate)
    assert backward.se == pytest.approx(forward.se) and forward.se > 0  # variance floor
    lrrd = lrr(a, b, version="decreasing", correction=correction)
    assert lrrd.estimate == pytest.approx(-forward.estimate)
    assert interval_holds(forward)


@prop
@given(percent_phase, percent_phase)
def test_lor_is_symmetric_in_valence(a, b):
    # reversing the scale (100 - x) negates the LOR, as does a decrease target
    up = lor(a, b, intervals=20)
    assert lor([100 - x for x in a], [100 - x for x in b], intervals=20).estimate == (
        pytest.approx(-up.estimate)
    )
    assert lor(a, b, intervals=20, direction="decrease").estimate == pytest.approx(-up.estimate)
    assert up.se > 0 and interval_holds(up)


@prop
@given(percent_phase, percent_phase)
def test_lrr_percentages_reflect_for_the_other_version(a, b):
    # LRRd of an increase target = LRRi of the complements (no negation)
    lrrd = lrr(a, b, scale="percentage", intervals=20, version="decreasing")
    reflected = lrr([100 - x for x in a], [100 - x for x in b], scale="percentage",
                    intervals=20)  # fmt: skip
    assert lrrd.estimate == pytest.approx(reflected.estimate)


@prop
@given(real_phase, real_phase, st.sampled_from(["baseline", "pool", "average"]))
def test_smd_correction_shrinks_and_direction_negates(a, b, sd):
    raw = smd(a, b, sd=sd, correction=False)
    assume(raw is not None)
    corrected = smd(a, b, sd=sd)
    assert abs(corrected.estimate) <= abs(raw.estimate) + 1e-12
    assert smd(a, b, sd=sd, direction="decrease").estimate == pytest.approx(-corrected.estimate)
    assert interval_holds(corrected)
    if sd != "baseline":  # a standardiser from both phases: swapping them negates d
        assert smd(b, a, sd=sd).estimate == pytest.approx(-corrected.estimate)


@prop
@given(st.lists(st.integers(1, 30), min_size=1, max_size=10), count_phase)
def test_lrm_is_antisymmetric(a, b):
    assume(sorted(b)[(len(b) - 1) // 2] > 0)
    forward, backward = lrm(a, b), lrm(b, a)
    assume(forward is not None and backward is not None)
    assert backward.estimate == pytest.approx(-forward.estimate)
    assert lrm(a, b, direction="decrease").estimate == pytest.approx(-forward.estimate)


@prop
@given(real_phase, real_phase)
def test_pogo_reaching_the_goal_is_100(a, b):
    goal = math.fsum(b) / len(b)
    assume(abs(goal - math.fsum(a) / len(a)) > 1e-6)
    result = pogo(a, b, goal=goal)
    assert result.estimate == pytest.approx(100.0)


@prop
@given(phase2, phase, direction)
def test_pet_is_a_percentage_and_the_band_only_lowers_it(a, b, d):
    plain = pet(a, b, direction=d).estimate
    assert 0 <= plain <= 100
    if len(a) >= 3:
        assert pet(a, b, direction=d, band=0.9).estimate <= plain


@prop
@given(st.lists(st.tuples(score, score), min_size=2, max_size=25))
def test_kendall_tau_b_matches_scipy(pairs):
    x = [p[0] for p in pairs]
    y = [p[1] for p in pairs]
    ours = kendall_tau_b(x, y)
    if len(set(x)) < 2 or len(set(y)) < 2:
        assert ours is None
    else:
        ref = stats.kendalltau(x, y, variant="b").statistic
        assert ours == pytest.approx(ref)


# ----------------------------------------------------------------------------------- IOA

counts = st.lists(st.integers(min_value=0, max_value=6), min_size=0, max_size=20)
flags = st.lists(st.one_of(st.booleans(), st.none()), min_size=0, max_size=20)


@prop
@given(st.data())
def test_interval_and_count_ioa_are_symmetric_and_in_range(data):
    n = data.draw(st.integers(min_value=0, max_value=20))
    c1 = data.draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    c2 = data.draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    f1 = data.draw(st.lists(st.one_of(st.booleans(), st.none()), min_size=n, max_size=n))
    f2 = data.draw(st.lists(st.one_of(st.booleans(), st.none()), min_size=n, max_size=n))
    for f, (x, y) in (
        (ioa_mean_count_per_interval, (c1, c2)),
        (ioa_exact_count_per_interval, (c1, c2)),
        (ioa_mean_duration_per_occurrence, (c1, c2)),
        (ioa_trial_by_trial, (c1, c2)),
        (ioa_interval_by_interval, (f1, f2)),
        (ioa_scored_interval, (f1, f2)),
        (ioa_unscored_interval, (f1, f2)),
    ):
        v = f(x, y)
        assert v == f(y, x), f.__name__
        assert v is None or 0 <= v <= 100


@prop
@given(st.floats(0, 1e6), st.floats(0, 1e6))
def test_total_ioa_symmetric_and_in_range(a, b):
    for f in (ioa_total_count, ioa_total_duration):
        assert f(a, b) == f(b, a)
        assert 0 <= f(a, b) <= 100


@prop
@given(st.data())
def test_kappa_is_symmetric_and_at_most_one(data):
    n = data.draw(st.integers(min_value=1, max_value=30))
    labels = st.sampled_from(["a", "b", "c"])
    o1 = data.draw(st.lists(labels, min_size=n, max_size=n))
    o2 = data.draw(st.lists(labels, min_size=n, max_size=n))
    k = cohen_kappa(o1, o2)
    assert k == (cohen_kappa(o2, o1))
    if k is not None:
        assert k <= 1 + 1e-12
        assert k >= -1 - 1e-12
    assert (k == pytest.approx(1.0)) == (o1 == o2 and len(set(o1)) > 1) or k is None


# ---------------------------------------------------------------------------------- trend

reals = st.floats(min_value=-100, max_value=100, allow_nan=False)


@prop
@given(st.lists(reals, min_size=3, max_size=15), st.floats(-50, 50))
def test_ols_matches_numpy_and_ignores_a_shift_of_x(values, shift):
    xs = list(range(1, len(values) + 1))
    ref = np.polyfit(xs, values, 1)[0]
    assert ols_slope(values) == pytest.approx(ref, abs=1e-8)
    shifted = [x + shift for x in xs]
    assert ols_slope(values, sessions=shifted) == pytest.approx(ref, abs=1e-8)
    assert split_middle_slope(values, sessions=shifted) == pytest.approx(
        split_middle_slope(values), abs=1e-8
    )


@prop
@given(st.lists(reals, min_size=2, max_size=15))
def test_theil_sen_line_matches_scipy(values):
    xs = list(range(1, len(values) + 1))
    ref = stats.theilslopes(values, xs, method="joint")
    line = trend_line(values, method="theil_sen")
    assert line.slope == pytest.approx(ref[0], abs=1e-9)
    assert line.intercept == pytest.approx(ref[1], abs=1e-9)


@prop
@given(st.floats(0.2, 5), st.floats(0.01, 100), st.lists(st.integers(0, 60), min_size=2,
       max_size=10, unique=True))  # fmt: skip
def test_celeration_recovers_an_exact_weekly_multiplier(mult, start, days):
    rates = [start * mult ** (d / 7) for d in days]
    assert celeration(rates=rates, days=days) == pytest.approx(mult, rel=1e-6)


# ---------------------------------------------------------------------- mastery, fidelity


@prop
@given(
    st.lists(st.one_of(st.none(), st.integers(0, 100)), max_size=20),
    st.integers(1, 100),  # a criterion below 1 is refused (percentages are 0-100)
    st.integers(1, 5),
)
def test_sessions_to_mastery_points_at_a_qualifying_run(pcts, criterion, k):
    idx = sessions_to_mastery(pcts, criterion=criterion, consecutive=k)
    assert mastery_met(pcts, criterion=criterion, consecutive=k) == (idx is not None)
    res = evaluate_mastery(pcts, criterion=criterion, consecutive=k)
    assert res.session_index == idx
    if idx is not None:
        valued = [p for p in pcts[:idx] if p is not None]
        assert pcts[idx - 1] is not None
        assert all(p >= criterion for p in valued[-k:])
        assert len(valued) >= k


@prop
@given(
    st.integers(1, 6).flatmap(
        lambda w: st.lists(
            st.lists(st.one_of(st.none(), st.booleans()), min_size=w, max_size=w),
            min_size=1,
            max_size=8,
        )
    )
)
def test_fidelity_in_range_and_consistent(matrix):
    values = (
        fidelity_individual_component(matrix),
        fidelity_all_or_nothing_by_trial(matrix),
        fidelity_all_or_nothing_by_component(matrix),
    )
    cells = [c for row in matrix for c in row if c is not None]
    if not cells:
        assert values == (None, None, None)
        return
    for v in values:
        assert v is not None and 0 <= v <= 100
    if all(cells):
        assert values == (100.0, 100.0, 100.0)
    if not any(cells):
        assert values == (0.0, 0.0, 0.0)
    assert not math.isnan(values[0])
