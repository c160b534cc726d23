"""bdc.measures: raw events -> one value per session (hand derivations in the comments)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bdc.measurement_params import SESSION_WINDOW_TOLERANCE_SECONDS
from bdc.measures import (
    MEASUREMENTS,
    EventRecord,
    SessionMeasure,
    apply_voids,
    measure_fidelity,
    measure_session,
    observed_minutes,
    unit_for,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_ids = iter(range(10_000))


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ev(kind, minute, data=None, *, target="t1", id=None):
    return EventRecord(
        id=id or f"e{next(_ids)}", kind=kind, t=at(minute), data=data or {}, target_id=target
    )


def sev(kind, minute, data=None, *, id=None):
    return ev(kind, minute, data, target=None, id=id)


END = at(10)


class TestVoids:
    def test_void_drops_itself_and_its_target(self):
        a = ev("count", 1, id="a")
        b = ev("count", 2, id="b")
        v = ev("void", 3, {"voids": "a"}, id="v")
        assert [e.id for e in apply_voids([a, b, v])] == ["b"]

    def test_a_voided_void_cancels_nothing(self):
        a = ev("count", 1, id="a")
        v1 = ev("void", 2, {"voids": "a"}, id="v1")
        v2 = ev("void", 3, {"voids": "v1"}, id="v2")
        assert [e.id for e in apply_voids([a, v1, v2])] == ["a"]

    def test_unknown_target_is_ignored(self):
        a = ev("count", 1, id="a")
        assert apply_voids([a, ev("void", 2, {"voids": "zzz"})]) == [a]


class TestZeroVersusNotTracked:
    def test_tracked_without_responses_is_zero(self):
        m = measure_session("frequency", {}, [], started=T0, ended=END)
        assert isinstance(m, SessionMeasure)
        assert (m.value, m.unit, m.n) == (0.0, "Responses", 0)

    def test_not_tracked_without_events_has_no_value(self):
        assert measure_session("frequency", {}, [], started=T0, ended=END, tracked=False) is None

    def test_not_tracked_but_recorded_is_measured(self):
        m = measure_session("frequency", {}, [ev("count", 1)], started=T0, ended=END, tracked=False)
        assert m.value == 1

    def test_only_voided_and_note_events_count_as_none(self):
        events = [ev("count", 1, id="x"), ev("void", 2, {"voids": "x"}), ev("note", 3)]
        assert measure_session("rate", {}, events, started=T0, ended=END, tracked=False) is None
        m = measure_session("rate", {}, events, started=T0, ended=END)
        assert m.value == 0.0


class TestCountAndRate:
    EVENTS = [ev("count", m) for m in (1, 2, 4, 8)] + [ev("note", 5, {"text": "hi"})]

    def test_frequency(self):
        m = measure_session("frequency", {}, self.EVENTS, started=T0, ended=END)
        assert m.value == 4
        assert m.details["observed_minutes"] == pytest.approx(10)
        assert m.details["rate_per_minute"] == pytest.approx(0.4)

    def test_rate_excludes_paused_time(self):
        # 10-minute session, paused from minute 5 to 7.5 -> 7.5 observed minutes;
        # 4 responses / 7.5 = .5333 per minute
        pauses = [sev("pause", 5), sev("resume", 7.5)]
        m = measure_session("rate", {}, self.EVENTS, started=T0, ended=END, session_events=pauses)
        assert m.value == pytest.approx(4 / 7.5)
        assert m.unit == "Responses per minute"
        assert m.details["observed_minutes"] == pytest.approx(7.5)

    def test_pause_never_resumed_lasts_until_the_end(self):
        assert observed_minutes(started=T0, ended=END, session_events=[sev("pause", 6)]) == 6

    def test_voided_pause_is_not_a_pause(self):
        p = sev("pause", 5, id="p")
        events = [p, sev("resume", 7), sev("void", 8, {"voids": "p"})]
        assert observed_minutes(started=T0, ended=END, session_events=events) == 10

    def test_open_session_has_no_rate(self):
        m = measure_session("rate", {}, self.EVENTS, started=T0, ended=None)
        assert m.value is None
        assert m.n == 4

    def test_inter_response_times_skip_gaps_with_a_pause(self):
        # responses at 1, 2, 4, 8 min; pause 5-7.5 lies inside the 4 -> 8 gap, which is left out.
        # IRTs: 60 s and 120 s -> mean 90 s
        pauses = [sev("pause", 5), sev("resume", 7.5)]
        m = measure_session(
            "frequency", {}, self.EVENTS, started=T0, ended=END, session_events=pauses
        )
        assert m.details["irt_n"] == 2
        assert m.details["irt_mean_s"] == pytest.approx(90)
        assert m.details["irt_median_s"] == pytest.approx(90)

    def test_session_level_void_cancels_a_target_event(self):
        events = [ev("count", 1, id="c1"), ev("count", 2)]
        voids = [sev("void", 3, {"voids": "c1"})]
        m = measure_session("frequency", {}, events, started=T0, ended=END, session_events=voids)
        assert m.value == 1


class TestDuration:
    def test_total_mean_and_percent_of_session(self):
        # episode A 1:00-2:00 (60 s); episode B 4:00-7:00 with a pause 5:00-6:00 (120 s
        # observed); episode C starts at 9:00 and is still open at the end: closed at 10:00
        # (60 s). Total 240 s over 9 observed minutes (540 s) -> 44.4%.
        events = [
            ev("duration_start", 1, {"episode": "A"}),
            ev("duration_stop", 2, {"episode": "A"}),
            ev("duration_start", 4, {"episode": "B"}),
            ev("duration_stop", 7, {"episode": "B"}),
            ev("duration_start", 9, {"episode": "C"}),
            ev("duration_stop", 9.5, {"episode": "Z"}),  # no start: ignored
        ]
        pauses = [sev("pause", 5), sev("resume", 6)]
        m = measure_session("duration", {}, events, started=T0, ended=END, session_events=pauses)
        assert m.value == pytest.approx(240)
        assert m.unit == "Seconds"
        assert m.n == 3
        assert m.details["mean_episode_s"] == pytest.approx(80)
        assert m.details["percent_of_session"] == pytest.approx(100 * 240 / 540)
        assert m.details["closed_at_end"] == 1
        assert m.details["unmatched_stops"] == 1

    def test_open_episode_in_an_open_session_is_left_out(self):
        events = [ev("duration_start", 1, {"episode": "A"})]
        m = measure_session("duration", {}, events, started=T0, ended=None)
        assert m.value == 0
        assert m.details["open_episodes"] == 1
        assert m.details["percent_of_session"] is None

    def test_no_episode_is_zero(self):
        m = measure_session("duration", {}, [], started=T0, ended=END)
        assert m.value == 0
        assert m.details["mean_episode_s"] is None


class TestLatency:
    def test_mean_and_median(self):
        events = [ev("latency", i, {"seconds": s}) for i, s in enumerate([2, 4, 9])]
        m = measure_session("latency", {}, events, started=T0, ended=END)
        assert m.value == pytest.approx(5)
        assert m.details["median_latency_s"] == 4
        assert m.n == 3

    def test_no_latency_is_undefined_not_zero(self):
        m = measure_session("latency", {}, [], started=T0, ended=END)
        assert m.value is None

    def test_bad_payload(self):
        with pytest.raises(ValueError, match="seconds"):
            measure_session(
                "latency", {}, [ev("latency", 1, {"seconds": -1})], started=T0, ended=END
            )

    def test_no_response_enters_at_the_wait_and_is_counted(self):
        # before: no "no response" outcome; a trial without a response dropped out and the
        # mean was that of the quick trials only (3 s here instead of 10.5 s)
        data = [
            {"seconds": 2},
            {"seconds": 4},
            {"seconds": 30, "no_response": True},
            {"seconds": 6},
        ]
        events = [ev("latency", i, d) for i, d in enumerate(data)]
        m = measure_session("latency", {"max_wait_seconds": 30}, events, started=T0, ended=END)
        assert (m.value, m.n) == (pytest.approx(10.5), 4)
        assert m.details["no_response"] == 1
        assert m.details["mean_latency_responded_s"] == pytest.approx(4)
        assert m.details["median_latency_s"] == 5  # exact: fewer than half were censored
        assert m.details["max_latency_s"] == 30

    def test_only_no_response_trials(self):
        events = [ev("latency", i, {"seconds": 10, "no_response": True}) for i in range(2)]
        m = measure_session("latency", {}, events, started=T0, ended=END)
        assert (m.value, m.n, m.details["no_response"]) == (10, 2, 2)
        assert m.details["mean_latency_responded_s"] is None

    def test_without_no_response_trials_the_count_is_zero(self):
        m = measure_session(
            "latency", {}, [ev("latency", 1, {"seconds": 3})], started=T0, ended=END
        )
        assert (m.details["no_response"], m.details["mean_latency_responded_s"]) == (0, 3)


class TestIntervals:
    PARAMS = {"interval_seconds": 10, "observation_minutes": 1}

    @pytest.mark.parametrize(
        "measurement", ["partial_interval", "whole_interval", "momentary_time_sampling"]
    )
    def test_skipped_intervals_are_excluded_from_both_terms(self, measurement):
        # intervals 0-5: scored T, F, skipped, T, F (re-scored T later), skipped
        # -> scored 3 of 4 observed = 75%
        events = [
            ev("interval", 0.1, {"index": 0, "scored": True}),
            ev("interval", 0.2, {"index": 1, "scored": False}),
            ev("interval", 0.3, {"index": 2, "scored": None}),
            ev("interval", 0.4, {"index": 3, "scored": True}),
            ev("interval", 0.5, {"index": 4, "scored": False}),
            ev("interval", 0.9, {"index": 4, "scored": True}),
            ev("interval", 0.6, {"index": 5, "scored": None}),
        ]
        m = measure_session(measurement, self.PARAMS, events, started=T0, ended=END)
        assert m.value == pytest.approx(75.0)
        assert m.unit == "% of intervals"
        assert m.n == 4
        assert m.details["intervals_skipped"] == 2
        assert m.details["intervals_planned"] == 6

    def test_all_skipped_is_undefined(self):
        events = [ev("interval", 0.1, {"index": 0, "scored": None})]
        m = measure_session("partial_interval", self.PARAMS, events, started=T0, ended=END)
        assert m.value is None


class TestTrialsAndSteps:
    def test_dtt_percent_independent_and_by_prompt(self):
        # 5 trials: 2 independent correct, 1 gestural correct, 1 incorrect, 1 no response
        params = {"prompt_levels": ["independent", "gestural", "model", "physical"]}
        events = [
            ev("trial", 1, {"result": "correct", "prompt": "independent"}),
            ev("trial", 2, {"result": "correct", "prompt": "independent"}),
            ev("trial", 3, {"result": "correct", "prompt": "gestural"}),
            ev("trial", 4, {"result": "incorrect", "prompt": "independent"}),
            ev("trial", 5, {"result": "no_response", "prompt": "model"}),
        ]
        m = measure_session("dtt", params, events, started=T0, ended=END)
        assert m.value == pytest.approx(40.0)
        assert m.unit == "% independent"
        assert m.n == 5
        assert m.details["trials"] == 5
        assert m.details["percent_correct_any_prompt"] == pytest.approx(60.0)
        assert dict(m.details["percent_by_prompt"]) == {
            "independent": 60.0,
            "gestural": 20.0,
            "model": 20.0,
            "physical": 0.0,
        }

    def test_dtt_without_trials_is_undefined(self):
        assert measure_session("dtt", {}, [], started=T0, ended=END).value is None

    def test_task_analysis(self):
        # 4 steps defined; steps 0-2 recorded, step 1 re-recorded independent later:
        # independent on 0 and 1 of 3 recorded -> 66.7%; of all 4 steps -> 50%
        params = {"steps": ["a", "b", "c", "d"]}
        events = [
            ev("step", 1, {"step": 0, "result": "correct", "prompt": "independent"}),
            ev("step", 2, {"step": 1, "result": "correct", "prompt": "model"}),
            ev("step", 3, {"step": 2, "result": "incorrect", "prompt": "physical"}),
            ev("step", 4, {"step": 1, "result": "correct", "prompt": "independent"}),
        ]
        m = measure_session("task_analysis", params, events, started=T0, ended=END)
        assert m.value == pytest.approx(200 / 3)
        assert m.n == 3
        assert m.details["percent_of_all_steps"] == pytest.approx(50.0)
        assert m.details["percent_by_prompt"]["physical"] == pytest.approx(100 / 3)

    def test_bad_result(self):
        with pytest.raises(ValueError, match="result"):
            measure_session("dtt", {}, [ev("trial", 1, {"result": "yes"})], started=T0, ended=END)


class TestRatingAndAbc:
    def test_rating_mean(self):
        events = [ev("rating", i, {"value": v}) for i, v in enumerate([1, 4, 4])]
        m = measure_session("rating", {"scale_min": 1, "scale_max": 5}, events,
                            started=T0, ended=END)  # fmt: skip
        assert m.value == pytest.approx(3)
        assert m.details["median_rating"] == 4

    def test_abc_record_count(self):
        data = {"antecedent": "demand", "behavior": "hit", "consequence": "escape"}
        events = [
            ev("abc", 1, data),
            ev("abc", 2, data),
            ev("abc", 3, {**data, "behavior": "kick"}),
        ]
        m = measure_session("abc", {}, events, started=T0, ended=END)
        assert (m.value, m.unit, m.n) == (3, "Records", 3)
        assert dict(m.details["by_behavior"]) == {"hit": 2, "kick": 1}

    def test_abc_without_records_is_zero(self):
        assert measure_session("abc", {}, [], started=T0, ended=END).value == 0


class TestFidelitySession:
    def test_three_summaries_from_events(self):
        # opportunities x steps: [T, F], [T, T], [T, null] -> individual 4/5 = 80%,
        # by trial 2/3, by component: step 0 always T, step 1 fails once -> 1/2
        cells = [(0, 0, True), (0, 1, False), (1, 0, True), (1, 1, True), (2, 0, True),
                 (2, 1, None)]  # fmt: skip
        events = [
            sev("fidelity", i, {"opportunity": o, "step": s, "value": v})
            for i, (o, s, v) in enumerate(cells)
        ]
        m = measure_fidelity(events)
        assert m.value == pytest.approx(80.0)
        assert m.n == 5
        assert m.details["percent_all_or_nothing_by_trial"] == pytest.approx(200 / 3)
        assert m.details["percent_all_or_nothing_by_component"] == pytest.approx(50.0)

    def test_no_fidelity_events(self):
        assert measure_fidelity([sev("pause", 1)]) is None


class TestApi:
    def test_units(self):
        assert [unit_for(m) for m in MEASUREMENTS] == [
            "Responses",
            "Responses per minute",
            "Seconds",
            "Seconds",
            "% of intervals",
            "% of intervals",
            "% of intervals",
            "Records",
            "% independent",
            "% of steps independent",
            "Rating",
        ]

    def test_unknown_measurement(self):
        with pytest.raises(ValueError, match="measurement"):
            unit_for("vibes")
        with pytest.raises(ValueError, match="measurement"):
            measure_session("vibes", {}, [], started=T0, ended=END)

    def test_bad_times(self):
        with pytest.raises(ValueError, match="ended"):
            measure_session("frequency", {}, [], started=END, ended=T0)
        with pytest.raises(ValueError, match="started"):
            measure_session("frequency", {}, [], started="09:00", ended=END)

    def test_events_must_be_records(self):
        with pytest.raises(ValueError, match=r"events\[0\]"):
            measure_session("frequency", {}, [{"kind": "count"}], started=T0, ended=END)

    def test_results_are_frozen(self):
        m = measure_session("frequency", {}, [], started=T0, ended=END)
        with pytest.raises(AttributeError):
            m.value = 3


def test_results_serialise_to_json():
    import dataclasses
    import json

    params = {"prompt_levels": ["independent", "gestural"]}
    events = [ev("trial", 1, {"result": "correct", "prompt": "gestural"})]
    m = measure_session("dtt", params, events, started=T0, ended=END)
    payload = json.loads(json.dumps(dataclasses.asdict(m)))
    assert payload["details"]["percent_by_prompt"] == {"independent": 0.0, "gestural": 100.0}


class TestSessionWindow:
    """Every measure counts the events inside [started - tol, ended + tol] (issue 10)."""

    TOL_MIN = SESSION_WINDOW_TOLERANCE_SECONDS / 60

    def test_frequency_and_duration_of_one_session_agree(self):
        # One count and one episode in the session; the same again a year later (a second tab
        # left recording). Duration trimmed the late episode to the session; frequency used to
        # count the late tap: 2 responses against 1 episode's worth of time.
        year = 365 * 24 * 60
        events = [
            ev("count", 1),
            ev("count", year),
            ev("duration_start", 2, {"episode": 1}),
            ev("duration_stop", 3, {"episode": 1}),
            ev("duration_start", year, {"episode": 2}),
            ev("duration_stop", year + 1, {"episode": 2}),
        ]
        freq = measure_session("frequency", {}, events, started=T0, ended=END)
        dur = measure_session("duration", {}, events, started=T0, ended=END)
        assert freq.value == 1.0
        assert dur.value == 60.0 and dur.n == 1

    def test_the_tolerance_is_inside_and_one_second_beyond_is_not(self):
        tol = self.TOL_MIN
        early = ev("count", -tol)
        late = ev("count", 10 + tol)
        beyond = [ev("count", -tol - 1 / 60), ev("count", 10 + tol + 1 / 60)]
        m = measure_session("frequency", {}, [early, late, *beyond], started=T0, ended=END)
        assert m.value == 2.0

    def test_every_kind_is_windowed(self):
        far = 24 * 60
        cases = {
            "latency": ev("latency", far, {"seconds": 5}),
            "dtt": ev("trial", far, {"result": "correct", "prompt": "independent"}),
            "rating": ev("rating", far, {"value": 3}),
            "abc": ev("abc", far, {"behavior": "hit"}),
            "partial_interval": ev("interval", far, {"index": 0, "scored": True}),
            "task_analysis": ev("step", far, {"step": 0, "result": "correct"}),
        }
        for measurement, outside in cases.items():
            m = measure_session(measurement, {}, [outside], started=T0, ended=END)
            assert m.n == 0, measurement

    def test_open_session_has_no_upper_bound(self):
        m = measure_session("frequency", {}, [ev("count", 500)], started=T0, ended=None)
        assert m.value == 1.0

    def test_a_pause_outside_the_window_does_not_shorten_observed_time(self):
        pause = sev("pause", -100)
        m = measure_session(
            "rate", {}, [ev("count", 1)], started=T0, ended=END, session_events=[pause]
        )
        assert m.details["observed_minutes"] == 10.0
