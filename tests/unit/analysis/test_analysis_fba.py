"""FBA summaries: ABC conditional probabilities, likely function, scatterplot, FA summary.

All expected values are hand derivations shown next to the data (no published worked
example with raw data was available for these descriptive summaries).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from bdc.analysis import (
    DEFAULT_CONSEQUENCE_FUNCTIONS,
    abc_conditional_probabilities,
    functional_analysis_summary,
    likely_function,
    p_behavior_given_antecedent,
    p_consequence_given_behavior,
    scatterplot_matrix,
)


def rec(a, b, c):
    return {"antecedent": a, "behavior": b, "consequence": c}


RECORDS = [
    rec("demand", "aggression", "demand removed"),
    rec("demand", "aggression", "demand removed"),
    rec("demand", "SIB", "reprimand"),
    rec("attention diverted", "aggression", "reprimand"),
    rec("attention diverted", "aggression", "attention"),
    rec("demand", "aggression", "break"),
    rec("alone", "SIB", "none"),
    rec("demand", "aggression", "demand removed"),
]


class TestConditionalProbabilities:
    def test_p_behavior_given_antecedent(self):
        # 5 records with "demand", 4 of them aggression -> .8
        p = p_behavior_given_antecedent(RECORDS, behavior="aggression", antecedent="demand")
        assert p == pytest.approx(0.8)

    def test_p_consequence_given_behavior(self):
        # 6 aggression records, 3 followed by "demand removed" -> .5
        p = p_consequence_given_behavior(
            RECORDS, consequence="demand removed", behavior="aggression"
        )
        assert p == pytest.approx(0.5)

    def test_undefined_when_the_condition_never_occurs(self):
        assert p_behavior_given_antecedent(RECORDS, behavior="SIB", antecedent="meal") is None

    def test_summary_tables(self):
        s = abc_conditional_probabilities(RECORDS)
        assert s.n == 8
        assert s.behaviors == {"SIB": 2, "aggression": 6}
        assert s.p_behavior_given_antecedent["demand"] == {
            "SIB": pytest.approx(0.2),
            "aggression": pytest.approx(0.8),
        }
        # attention diverted: 2 records, both aggression
        assert s.p_behavior_given_antecedent["attention diverted"]["aggression"] == 1.0
        row = s.p_consequence_given_behavior["aggression"]
        assert sum(row.values()) == pytest.approx(1.0)
        assert row["reprimand"] == pytest.approx(1 / 6)

    def test_event_records_with_data_are_accepted(self):
        events = [{"kind": "abc", "data": r} for r in RECORDS]
        assert abc_conditional_probabilities(events).n == 8


class TestLikelyFunction:
    def test_escape_for_aggression(self):
        # aggression consequences: demand removed x3 + break -> escape 4; reprimand +
        # attention -> attention 2. Shares 4/6 and 2/6.
        est = likely_function(RECORDS, behavior="aggression")
        assert est.function == "escape"
        assert est.proportions["escape"] == pytest.approx(4 / 6)
        assert est.proportions["attention"] == pytest.approx(2 / 6)
        assert (est.n_records, est.n_unmapped) == (6, 0)

    def test_tie_gives_no_single_function(self):
        # SIB: reprimand (attention) and none (automatic), 1 each
        est = likely_function(RECORDS, behavior="SIB")
        assert est.function is None
        assert est.candidates == ("attention", "automatic")

    def test_mapping_is_overridable(self):
        records = [rec("x", "flop", "sent to office")] * 2 + [rec("x", "flop", "praise")]
        assert likely_function(records).function == "attention"  # 1 mapped vote
        custom = {**DEFAULT_CONSEQUENCE_FUNCTIONS, "sent to office": "escape"}
        est = likely_function(records, mapping=custom)
        assert est.function == "escape"
        assert est.proportions["escape"] == pytest.approx(2 / 3)

    def test_matching_is_case_insensitive_and_unmapped_are_counted(self):
        records = [rec("x", "y", "Demand Removed"), rec("x", "y", "shrug"), rec("x", "y", None)]
        est = likely_function(records)
        assert est.function == "escape"
        assert est.n_unmapped == 2

    def test_nothing_mapped(self):
        est = likely_function([rec("x", "y", "shrug")])
        assert est.function is None
        assert est.candidates == ()

    def test_bad_mapping(self):
        with pytest.raises(ValueError, match="mapping"):
            likely_function(RECORDS, mapping={"reprimand": "sensory"})


class TestScatterplot:
    def test_counts_per_bin_and_date(self):
        d1 = datetime(2026, 3, 2, tzinfo=UTC)
        d2 = d1 + timedelta(days=1)
        times = [
            d1 + timedelta(hours=9, minutes=5),
            d1 + timedelta(hours=9, minutes=29),
            d1 + timedelta(hours=9, minutes=30),
            d2 + timedelta(hours=9, minutes=10),
            d2 + timedelta(hours=11),  # outside 9:00-10:00
        ]
        m = scatterplot_matrix(times, bin_minutes=30, start=time(9), end=time(10))
        assert m.dates == (date(2026, 3, 2), date(2026, 3, 3))
        assert m.bin_starts == (time(9, 0), time(9, 30))
        # 9:00 bin: 2 on day 1, 1 on day 2; 9:30 bin: 1 on day 1
        assert m.counts == ((2, 1), (1, 0))
        assert m.count(date(2026, 3, 2), time(9, 30)) == 1

    def test_observed_days_without_events_show_zero(self):
        t = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
        m = scatterplot_matrix([t], bin_minutes=60, dates=[date(2026, 3, 1), date(2026, 3, 2)])
        assert len(m.bin_starts) == 24
        assert [row for row in m.counts if any(row)] == [(0, 1)]
        assert m.counts[13] == (0, 1)

    def test_timezone_conversion(self):
        # 23:30 UTC is 01:30 next day at UTC+2
        t = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
        m = scatterplot_matrix([t], bin_minutes=60, tz=timezone(timedelta(hours=2)))
        assert m.dates == (date(2026, 3, 3),)
        assert m.counts[1] == (1,)

    def test_bad_input(self):
        with pytest.raises(ValueError, match="bin_minutes"):
            scatterplot_matrix([], bin_minutes=0)
        with pytest.raises(ValueError, match="end"):
            scatterplot_matrix([], start=time(10), end=time(9))
        with pytest.raises(ValueError, match=r"times\[0\]"):
            scatterplot_matrix(["09:00"])


class TestFunctionalAnalysis:
    DATA = {
        "play": [0, 1, 0, 1],
        "attention": [3, 4, 2, 5],
        "demand": [1, 0, 2, 1],
        "alone": [0, 0, 0, 0],
        "tangible": [2, 2, 0, 1],
    }

    def test_summary_and_elevated_conditions(self):
        # play: mean .5, SD sqrt((4 * .25) / 3) = .5774 -> lines at 1.0774 and -0.0774.
        # attention: 4 above, 0 below, 4 >= 4/2 -> elevated.
        # demand: 1 above (the 2), 1 < 2 -> not elevated.
        # alone: none above, none below (0 > -0.0774) -> not elevated.
        # tangible: 2 above, 2 >= 4/2 -> elevated.
        s = functional_analysis_summary(self.DATA, control="play")
        assert s.upper_criterion == pytest.approx(0.5 + (1 / 3) ** 0.5)
        assert s.lower_criterion == pytest.approx(0.5 - (1 / 3) ** 0.5)
        assert s.elevated == ("attention", "tangible")
        assert s.functions == ("attention", "tangible")
        att = next(c for c in s.conditions if c.condition == "attention")
        assert (att.n, att.mean, att.minimum, att.maximum) == (4, 3.5, 2, 5)
        assert (att.points_above, att.points_below) == (4, 0)
        play = next(c for c in s.conditions if c.condition == "play")
        assert not play.elevated

    def test_points_below_the_lower_line_count_against(self):
        # control 4, 5, 6 (mean 5, SD 1 -> 4 and 6); test 7, 7, 3, 3: 2 above - 2 below = 0
        s = functional_analysis_summary({"play": [4, 5, 6], "attention": [7, 7, 3, 3]})
        assert s.elevated == ()

    def test_control_with_one_session_marks_nothing(self):
        s = functional_analysis_summary({"play": [0], "attention": [9, 9]})
        assert s.upper_criterion is None
        assert s.elevated == ()

    def test_bad_input(self):
        with pytest.raises(ValueError, match="control"):
            functional_analysis_summary({"attention": [1]}, control="play")
        with pytest.raises(ValueError, match="conditions"):
            functional_analysis_summary({})
        with pytest.raises(ValueError, match="attention"):
            functional_analysis_summary({"play": [1, 2], "attention": []})


def test_results_serialise_to_json():
    import dataclasses
    import json

    s = dataclasses.asdict(abc_conditional_probabilities(RECORDS))
    assert json.loads(json.dumps(s))["behaviors"] == {"SIB": 2, "aggression": 6}
    est = dataclasses.asdict(likely_function(RECORDS))
    assert json.loads(json.dumps(est))["function"] == "escape"
