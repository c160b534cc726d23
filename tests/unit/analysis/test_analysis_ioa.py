"""IOA against Cooper, Heron & Heward (2020) ch. 5 and Reed & Azulay (2011).

Reed & Azulay (2011), Behavior Analysis in Practice 4(2), 45-52 (PMC3357100):
- Fig. 1 (event data, 15 one-minute intervals): observer 1 records one response in each of
  minutes 1-3 and two in minute 4, nothing after; observer 2 records nothing in minutes 1-3,
  one response in minute 4 and four in minute 15. Total count 5 vs 5 = 100%; mean
  count-per-interval 10.5/15 = 70%; exact count-per-interval 10/15 = 66.7%.
- Fig. 2 (interval data, 7 intervals): the observers disagree on intervals 1 and 7, both
  leave 2-4 unscored, both score 5 and 6. Interval-by-interval 5/7 = 71.4%; scored-interval
  2/4 = 50% (intervals 2-4 ignored); unscored-interval: intervals 5-6 dropped, 3/5 = 60%.
- Fig. 3 (duration, 4 occurrences): per-occurrence agreement 99.7, 2.3, 69.2, 92.7% -> 66%.
  The paper gives only the percentages, so the raw durations below are reconstructed to give
  exactly those rounded figures.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bdc.analysis import (
    IOARecord,
    bin_event_counts,
    cohen_kappa,
    ioa_caseload_summary,
    ioa_exact_count_per_interval,
    ioa_interval_by_interval,
    ioa_mean_count_per_interval,
    ioa_mean_duration_per_occurrence,
    ioa_scored_interval,
    ioa_total_count,
    ioa_total_duration,
    ioa_trial_by_trial,
    ioa_unscored_interval,
    pair_ioa_sessions,
    paired_interval_counts,
)

FIG1_OBS1 = [1, 1, 1, 2] + [0] * 11
FIG1_OBS2 = [0, 0, 0, 1] + [0] * 10 + [4]

# Fig. 2: which observer scored intervals 1 and 7 is not stated; any assignment gives the same
# figures. True = scored.
FIG2_OBS1 = [True, False, False, False, True, True, False]
FIG2_OBS2 = [False, False, False, False, True, True, True]


class TestReedAzulayFigure1:
    def test_total_count_is_100_although_the_responses_differ(self):
        assert ioa_total_count(observer1=sum(FIG1_OBS1), observer2=sum(FIG1_OBS2)) == 100.0

    def test_mean_count_per_interval_is_70_percent(self):
        # intervals 1-3: 0/1 = 0; 4: 1/2 = .5; 5-14: 0 and 0 score 1.0 each; 15: 0/4 = 0
        # (0 + 0 + 0 + .5 + 10 * 1 + 0) / 15 = 10.5 / 15
        value = ioa_mean_count_per_interval(observer1=FIG1_OBS1, observer2=FIG1_OBS2)
        assert value == pytest.approx(100 * 10.5 / 15)
        assert value == pytest.approx(70.0)

    def test_exact_count_per_interval_is_10_of_15(self):
        value = ioa_exact_count_per_interval(observer1=FIG1_OBS1, observer2=FIG1_OBS2)
        assert value == pytest.approx(100 * 10 / 15)


class TestReedAzulayFigure2:
    def test_interval_by_interval_is_5_of_7(self):
        assert ioa_interval_by_interval(FIG2_OBS1, FIG2_OBS2) == pytest.approx(100 * 5 / 7)

    def test_scored_interval_is_2_of_4(self):
        assert ioa_scored_interval(FIG2_OBS1, FIG2_OBS2) == pytest.approx(50.0)

    def test_unscored_interval_drops_intervals_5_and_6(self):
        # intervals 1, 2, 3, 4, 7 remain; both unscored on 2, 3, 4 -> 3 / 5
        assert ioa_unscored_interval(FIG2_OBS1, FIG2_OBS2) == pytest.approx(60.0)

    def test_counts_are_accepted_as_scored_when_above_zero(self):
        counts1 = [2 if s else 0 for s in FIG2_OBS1]
        assert ioa_interval_by_interval(counts1, FIG2_OBS2) == pytest.approx(100 * 5 / 7)


class TestReedAzulayFigure3:
    # reconstructed: 299/300 = 99.7%, 1/43 = 2.3%, 9/13 = 69.2%, 38/41 = 92.7%
    OBS1 = [299.0, 1.0, 9.0, 38.0]
    OBS2 = [300.0, 43.0, 13.0, 41.0]

    def test_each_occurrence_matches_the_printed_percentage(self):
        per = [
            ioa_mean_duration_per_occurrence([a], [b])
            for a, b in zip(self.OBS1, self.OBS2, strict=True)
        ]
        assert [round(p, 1) for p in per] == [99.7, 2.3, 69.2, 92.7]

    def test_mean_duration_per_occurrence_is_66_percent(self):
        value = ioa_mean_duration_per_occurrence(self.OBS1, self.OBS2)
        assert round(value) == 66
        # (299/300 + 1/43 + 9/13 + 38/41) / 4 * 100, unrounded
        assert value == pytest.approx(100 * (299 / 300 + 1 / 43 + 9 / 13 + 38 / 41) / 4)

    def test_total_duration_masks_the_disagreement(self):
        # 347 / 397 = 87.4%
        value = ioa_total_duration(sum(self.OBS1), sum(self.OBS2))
        assert value == pytest.approx(100 * 347 / 397)


class TestConventions:
    def test_total_count_both_zero_is_100(self):
        assert ioa_total_count(0, 0) == 100.0

    def test_total_count_hand_derivation(self):
        # Cooper ch. 5 style: 9 and 10 responses -> 9 / 10 = 90%
        assert ioa_total_count(observer1=10, observer2=9) == 90.0

    def test_total_duration_both_zero_is_100(self):
        assert ioa_total_duration(0, 0) == 100.0

    def test_duration_pair_of_zeros_scores_one(self):
        # (0/0 -> 1.0, 5/10 = .5) / 2 = 75%
        assert ioa_mean_duration_per_occurrence([0, 5], [0, 10]) == pytest.approx(75.0)

    def test_scored_interval_undefined_when_nobody_scored(self):
        assert ioa_scored_interval([False, False], [False, False]) is None

    def test_unscored_interval_undefined_when_all_scored_by_both(self):
        assert ioa_unscored_interval([True, True], [True, True]) is None

    def test_skipped_intervals_are_left_out(self):
        # interval 2 skipped by observer 2: intervals 1 and 3 remain, agreeing on 1 -> 50%
        assert ioa_interval_by_interval([True, True, False], [True, None, True]) == 50.0

    def test_empty_is_undefined(self):
        assert ioa_mean_count_per_interval([], []) is None
        assert ioa_exact_count_per_interval([], []) is None
        assert ioa_trial_by_trial([], []) is None
        assert ioa_interval_by_interval([], []) is None
        assert cohen_kappa([], []) is None

    def test_trial_by_trial_is_agreements_over_trials_not_smaller_over_larger(self):
        # 10 trials, codes differ on trials 3 and 8 -> 8 / 10 = 80%. The "smaller/larger"
        # formula of the hellotriad post would compare 7 and 7 "+" codes and print 100%.
        o1 = list("++-++-+++-")
        o2 = list("+++++-+-+-")
        assert ioa_trial_by_trial(observer1=o1, observer2=o2) == 80.0

    def test_trial_codes_may_be_prompt_levels(self):
        o1 = ["independent", "gestural", "model", "independent"]
        o2 = ["independent", "model", "model", "independent"]
        assert ioa_trial_by_trial(o1, o2) == 75.0


class TestBadInput:
    def test_unequal_lengths_name_observer2(self):
        with pytest.raises(ValueError, match="observer2"):
            ioa_mean_count_per_interval([1, 2], [1])

    def test_negative_count_names_the_parameter(self):
        with pytest.raises(ValueError, match="observer1"):
            ioa_total_count(-1, 3)
        with pytest.raises(ValueError, match=r"observer2\[1\]"):
            ioa_exact_count_per_interval([1, 2], [1, -2])

    def test_non_numbers_are_refused(self):
        with pytest.raises(ValueError, match="observer1"):
            ioa_total_count("5", 3)
        with pytest.raises(ValueError, match="observer1"):
            ioa_total_count(True, 3)
        with pytest.raises(ValueError, match="observer1"):
            ioa_interval_by_interval(["yes"], [True])


class TestCohenKappa:
    def test_textbook_two_by_two(self):
        # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15.
        # po = 35/50 = .70; observer 1 says yes 25/50, observer 2 says yes 30/50;
        # pe = .5 * .6 + .5 * .4 = .50; kappa = (.70 - .50) / (1 - .50) = .40
        o1 = ["yes"] * 25 + ["no"] * 25
        o2 = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
        assert cohen_kappa(observer1=o1, observer2=o2) == pytest.approx(0.4)

    def test_perfect_agreement_is_one(self):
        assert cohen_kappa([1, 2, 3, 1], [1, 2, 3, 1]) == pytest.approx(1.0)

    def test_constant_and_equal_observers_are_undefined(self):
        # pe = 1: (1 - 1) / (1 - 1)
        assert cohen_kappa([True] * 5, [True] * 5) is None

    def test_below_chance_is_negative(self):
        # po = 0, pe = .5 -> -1
        assert cohen_kappa([True, False], [False, True]) == pytest.approx(-1.0)


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class TestIntervalsFromStreams:
    def test_bins_of_ten_seconds_by_default(self):
        counts = bin_event_counts([at(1), at(9.99), at(10), at(25)], start=T0, end=at(30))
        assert counts == [2, 1, 1]

    def test_event_at_the_window_end_goes_to_the_last_bin_and_outside_is_ignored(self):
        counts = bin_event_counts([at(-1), at(30), at(31)], start=T0, end=at(30))
        assert counts == [0, 0, 1]

    def test_partial_last_bin_is_kept(self):
        assert len(bin_event_counts([], start=0, end=25, bin_seconds=10)) == 3

    def test_two_observers_over_their_overlap(self):
        # observer 1 watched 0-60 s, observer 2 20-70 s: common window 20-60 s, 4 bins
        obs1 = [at(5), at(21), at(22), at(45)]
        obs2 = [at(21), at(44), at(65)]
        res = paired_interval_counts(
            obs1, obs2, window1=(T0, at(60)), window2=(at(20), at(70)), bin_seconds=10
        )
        assert res.start == at(20)
        assert res.end == at(60)
        assert res.observer1 == (2, 0, 1, 0)
        assert res.observer2 == (1, 0, 1, 0)
        assert res.scored1 == (True, False, True, False)
        # bins: 1/2, 0-0 -> 1, 1/1, 0-0 -> 1 => 3.5 / 4
        assert ioa_mean_count_per_interval(res.observer1, res.observer2) == pytest.approx(87.5)

    def test_numbers_of_seconds_work_too(self):
        res = paired_interval_counts([1, 12], [2, 15], window1=(0, 20), window2=(0, 20))
        assert res.observer1 == (1, 1)
        assert res.observer2 == (1, 1)

    def test_windows_that_do_not_overlap_are_refused(self):
        with pytest.raises(ValueError, match="window2"):
            paired_interval_counts([], [], window1=(0, 10), window2=(10, 20))

    def test_bad_bin_length(self):
        with pytest.raises(ValueError, match="bin_seconds"):
            bin_event_counts([], start=0, end=10, bin_seconds=0)


class TestSessionPairing:
    def _s(self, sid, client, role, start_min, end_min):
        return {
            "id": sid,
            "client_id": client,
            "role": role,
            "started_at": at(60 * start_min),
            "ended_at": None if end_min is None else at(60 * end_min),
        }

    def test_reliability_pairs_with_the_primary_it_overlaps_most(self):
        sessions = [
            self._s("p1", "c1", "primary", 0, 30),
            self._s("p2", "c1", "primary", 25, 60),
            self._s("r1", "c1", "reliability", 20, 40),  # 10 min with p1, 15 min with p2
            self._s("r2", "c2", "reliability", 0, 30),  # other client: no primary
            self._s("p3", "c2", "primary", 30, 40),  # only touches r2: no pair
            self._s("r3", "c1", "reliability", 50, None),  # still open
        ]
        pairs = pair_ioa_sessions(sessions)
        assert [(p.primary_id, p.reliability_id) for p in pairs] == [("p2", "r1")]
        assert pairs[0].overlap_seconds == 15 * 60
        assert pairs[0].start == at(25 * 60)
        assert pairs[0].end == at(40 * 60)

    def test_bad_role(self):
        with pytest.raises(ValueError, match="role"):
            pair_ioa_sessions([self._s("x", "c", "observer", 0, 1)])


class TestCaseloadSummary:
    def test_share_mean_and_range_per_target_and_phase(self):
        records = [
            IOARecord("t1", "baseline", "s1", True, 90.0),
            IOARecord("t1", "baseline", "s2", False),
            IOARecord("t1", "baseline", "s3", False),
            IOARecord("t1", "baseline", "s4", True, 80.0),
            IOARecord("t1", "baseline", "s5", True, None),  # collected, undefined
            {"target_id": "t1", "phase": "intervention", "session_id": "s6", "has_ioa": False},
        ]
        rows = ioa_caseload_summary(records)
        base, inter = rows
        assert (base.target_id, base.phase) == ("t1", "baseline")
        assert base.sessions == 5
        assert base.sessions_with_ioa == 3
        assert base.percent_with_ioa == pytest.approx(60.0)
        assert base.mean_agreement == pytest.approx(85.0)
        assert (base.min_agreement, base.max_agreement) == (80.0, 90.0)
        assert inter.sessions_with_ioa == 0
        assert inter.percent_with_ioa == 0.0
        assert inter.mean_agreement is None

    def test_bad_agreement(self):
        with pytest.raises(ValueError, match="agreement"):
            ioa_caseload_summary([IOARecord("t", None, "s", True, 120.0)])
