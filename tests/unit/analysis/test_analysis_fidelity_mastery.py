"""Treatment fidelity, DTT percentages and mastery criteria (hand derivations).

Fidelity measures follow Gresham, Gansle & Noell (1993) and the three summaries compared by
Cook et al. (2015); the paper's own data are not reproduced, so each expected value is
derived by hand in the test. Mastery follows ANALYSIS.md (>= criterion; never met -> None).
"""

from __future__ import annotations

import doctest

import pytest

import bdc.analysis.fidelity
import bdc.analysis.ioa
import bdc.analysis.mastery
import bdc.analysis.overlap
from bdc.analysis import (
    MasterySession,
    dtt_percent_correct,
    evaluate_mastery,
    fidelity_all_or_nothing_by_component,
    fidelity_all_or_nothing_by_trial,
    fidelity_individual_component,
    fidelity_percent,
    mastery_met,
    sessions_to_mastery,
)

T, F, NA = True, False, None

# 4 opportunities x 3 components
MATRIX = [
    [T, T, T],
    [T, F, T],
    [T, T, NA],
    [F, T, T],
]


class TestFidelity:
    def test_percent_of_applicable_steps(self):
        # 2 correct of 3 applicable (the null step is left out) -> 66.7%
        assert fidelity_percent(steps=[T, T, F, NA]) == pytest.approx(200 / 3)

    def test_no_applicable_step_is_undefined(self):
        assert fidelity_percent([NA, NA]) is None
        assert fidelity_percent([]) is None

    def test_individual_component(self):
        # 11 applicable cells, 9 correct -> 81.8%
        assert fidelity_individual_component(trials=MATRIX) == pytest.approx(100 * 9 / 11)

    def test_all_or_nothing_by_trial(self):
        # opportunities 1 and 3 all correct (3's null left out), 2 and 4 not -> 2 / 4
        assert fidelity_all_or_nothing_by_trial(trials=MATRIX) == pytest.approx(50.0)

    def test_all_or_nothing_by_component(self):
        # component 1 fails on opportunity 4, component 2 on 2, component 3 never -> 1 / 3
        assert fidelity_all_or_nothing_by_component(trials=MATRIX) == pytest.approx(100 / 3)

    def test_the_three_summaries_disagree_on_one_data_set(self):
        # Cook et al. (2015): a high global figure can mask component errors
        values = {
            fidelity_individual_component(MATRIX),
            fidelity_all_or_nothing_by_trial(MATRIX),
            fidelity_all_or_nothing_by_component(MATRIX),
        }
        assert len(values) == 3

    def test_never_applicable_rows_and_columns_are_left_out(self):
        m = [[T, NA], [NA, NA]]
        assert fidelity_all_or_nothing_by_trial(m) == 100.0
        assert fidelity_all_or_nothing_by_component(m) == 100.0
        assert fidelity_all_or_nothing_by_component([[NA], [NA]]) is None
        assert fidelity_all_or_nothing_by_trial([]) is None

    def test_bad_input(self):
        with pytest.raises(ValueError, match=r"steps\[1\]"):
            fidelity_percent([True, "yes"])
        with pytest.raises(ValueError, match=r"trials\[1\]"):
            fidelity_individual_component([[T, T], [T]])
        with pytest.raises(ValueError, match="steps"):
            fidelity_percent("TTF")


class TestDtt:
    def test_labels(self):
        # "+", "+", "+" correct; "-" and "p" (prompted) are not -> 3 / 5
        assert dtt_percent_correct(trials=["+", "+", "-", "p", "+"]) == 60.0

    def test_all_documented_correct_labels(self):
        labels = ["correct", "+", "c", "independent", " Correct ", "C"]
        assert dtt_percent_correct(labels) == 100.0

    def test_prompted_incorrect_and_no_response_do_not_count(self):
        assert dtt_percent_correct(["prompted", "incorrect", "no_response", "-", "p"]) == 0.0

    def test_booleans(self):
        assert dtt_percent_correct([True, False, True, True]) == 75.0

    def test_trial_records_need_correct_and_independent(self):
        trials = [
            {"result": "correct", "prompt": "independent"},
            {"result": "correct", "prompt": "gestural"},
            {"result": "incorrect", "prompt": "independent"},
            {"result": "no_response", "prompt": "physical"},
        ]
        assert dtt_percent_correct(trials) == 25.0

    def test_no_trials_is_undefined(self):
        assert dtt_percent_correct([]) is None

    def test_bad_trial(self):
        with pytest.raises(ValueError, match=r"trials\[0\]"):
            dtt_percent_correct([3])


class TestSessionsToMastery:
    def test_first_completed_run(self):
        # 60, 80, 90 | 70 breaks | 80, 85, 100 -> completed at session 7
        pct = [60, 80, 90, 70, 80, 85, 100]
        assert sessions_to_mastery(pct, criterion=80, consecutive=3) == 7
        assert mastery_met(pct, criterion=80, consecutive=3) is True

    def test_reaching_the_criterion_counts(self):
        assert sessions_to_mastery([80, 80, 80], criterion=80, consecutive=3) == 3

    def test_never_met_is_none(self):
        assert sessions_to_mastery([79.9, 100, 100], criterion=80, consecutive=3) is None
        assert mastery_met([79.9, 100, 100], criterion=80, consecutive=3) is False

    def test_sessions_without_a_value_neither_count_nor_break(self):
        pct = [90, None, 90, 90]
        assert sessions_to_mastery(pct, criterion=80, consecutive=3) == 4

    def test_consecutive_one(self):
        assert sessions_to_mastery([10, 95], criterion=90, consecutive=1) == 2

    def test_bad_input(self):
        with pytest.raises(ValueError, match="criterion"):
            sessions_to_mastery([90], criterion=120, consecutive=1)
        with pytest.raises(ValueError, match="consecutive"):
            sessions_to_mastery([90], criterion=80, consecutive=0)
        with pytest.raises(ValueError, match=r"session_percentages\[0\]"):
            sessions_to_mastery([-5], criterion=80, consecutive=1)


class TestEvaluateMastery:
    def test_met_with_window(self):
        res = evaluate_mastery([50, 90, 85, 95], criterion=80, consecutive=3)
        assert (res.met, res.session_index, res.window_start, res.reason) == (True, 4, 2, None)

    def test_too_few_trials(self):
        sessions = [{"percent": 100, "trials": 5}] * 3
        res = evaluate_mastery(sessions, criterion=80, consecutive=3, min_trials=10)
        assert (res.met, res.session_index, res.reason) == (False, None, "too few trials")

    def test_a_session_with_too_few_trials_breaks_the_run(self):
        sessions = [
            MasterySession(90, 10),
            MasterySession(90, 10),
            MasterySession(100, 4),
            MasterySession(90, 10),
            MasterySession(90, 10),
            MasterySession(90, 10),
        ]
        res = evaluate_mastery(sessions, criterion=80, consecutive=3, min_trials=10)
        assert res.session_index == 6
        assert res.window_start == 4

    def test_single_observer(self):
        sessions = [{"percent": 90, "trials": 12, "observer": "ana"}] * 4
        res = evaluate_mastery(sessions, criterion=80, consecutive=3, min_observers=2)
        assert (res.met, res.reason) == (False, "single observer")

    def test_window_slides_until_a_second_observer_appears(self):
        sessions = [MasterySession(90, 10, o) for o in ("ana", "ana", "ana", "ben")]
        res = evaluate_mastery(sessions, criterion=80, consecutive=3, min_observers=2)
        assert (res.met, res.session_index, res.window_start) == (True, 4, 2)

    def test_too_few_observers(self):
        sessions = [MasterySession(90, 10, o) for o in ("ana", "ben", "ana")]
        res = evaluate_mastery(sessions, criterion=80, consecutive=3, min_observers=3)
        assert res.reason == "too few observers"

    def test_other_reasons(self):
        assert evaluate_mastery([], criterion=80, consecutive=3).reason == "no sessions"
        assert evaluate_mastery([None, None], criterion=80, consecutive=1).reason == ("no sessions")
        assert evaluate_mastery([90, 90], criterion=80, consecutive=3).reason == (
            "too few sessions"
        )
        assert evaluate_mastery([90, 70, 90, 90], criterion=80, consecutive=3).reason == (
            "below criterion"
        )

    def test_agrees_with_sessions_to_mastery_without_extra_requirements(self):
        pct = [60, 80, 90, 70, 80, 85, 100]
        assert evaluate_mastery(pct, criterion=80, consecutive=3).session_index == (
            sessions_to_mastery(pct, criterion=80, consecutive=3)
        )

    def test_objects_with_attributes(self):
        class Row:
            def __init__(self, value):
                self.value = value
                self.trials = 10
                self.observer = None

        res = evaluate_mastery([Row(90), Row(95)], criterion=90, consecutive=2, min_trials=10)
        assert res.met

    def test_bad_input(self):
        with pytest.raises(ValueError, match="trials"):
            evaluate_mastery([{"percent": 90, "trials": -1}], criterion=80, consecutive=1)
        with pytest.raises(ValueError, match="min_observers"):
            evaluate_mastery([90], criterion=80, consecutive=1, min_observers=0)
        with pytest.raises(ValueError, match="percent"):
            evaluate_mastery([{"percent": 101}], criterion=80, consecutive=1)


@pytest.mark.parametrize(
    "module",
    [bdc.analysis.fidelity, bdc.analysis.ioa, bdc.analysis.mastery, bdc.analysis.overlap],
    ids=lambda m: m.__name__,
)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.failed == 0


def test_numpy_inputs_are_accepted():
    np = pytest.importorskip("numpy")
    assert fidelity_percent(np.array([True, False, True, True])) == 75.0
    assert dtt_percent_correct(np.array([True, False])) == 50.0
    assert sessions_to_mastery(np.array([90.0, 95.0]), criterion=90, consecutive=2) == 2
    res = evaluate_mastery(
        [{"percent": np.float64(90), "trials": np.int64(10)}],
        criterion=80,
        consecutive=1,
        min_trials=5,
    )
    assert res.met
    from bdc.analysis import ioa_interval_by_interval

    assert ioa_interval_by_interval(np.array([True, False]), np.array([True, True])) == 50.0
