"""bdc.measures.measure_more: measuring a session's new events from where the last measure got
to answers exactly what measuring all of them answers (the one definition, folded in parts),
and refuses whenever it could answer otherwise.

The expected values are measure_session's own, over all the events at once; its figures are
derived by hand in test_analysis_measures.py.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bdc.measurement_params import SESSION_WINDOW_TOLERANCE_SECONDS
from bdc.measures import (
    MEASUREMENTS,
    EventRecord,
    measure_more,
    measure_session,
    tally_session,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
END = T0 + timedelta(minutes=30)
PARAMS = {
    "interval_seconds": 10,
    "observation_minutes": 5,
    "prompt_levels": ["independent", "gestural", "physical"],
    "steps": ["a", "b", "c", "d"],
}


def payload(measurement: str, rng: random.Random) -> tuple[str, dict]:
    """A random event of the kinds ``measurement`` reads, or now and then another kind."""
    results = ["correct", "incorrect", "no_response"]
    prompts = ["independent", "gestural", "physical", "verbal"]
    if rng.random() < 0.1:
        return rng.choice(["note", "count", "trial"]), {"text": "x", "result": "correct"}
    if measurement in ("frequency", "rate"):
        return "count", {}
    if measurement == "duration":
        kind = rng.choice(["duration_start", "duration_stop"])
        return kind, {"episode": rng.choice(["a", "b", "c"])}
    if measurement == "latency":
        return "latency", {"seconds": rng.uniform(0, 30), "no_response": rng.random() < 0.2}
    if measurement in ("partial_interval", "whole_interval", "momentary_time_sampling"):
        return "interval", {"index": rng.randrange(30), "scored": rng.choice([True, False, None])}
    if measurement == "dtt":
        return "trial", {"result": rng.choice(results), "prompt": rng.choice(prompts)}
    if measurement == "task_analysis":
        step = rng.randrange(6)
        return "step", {"step": step, "result": rng.choice(results), "prompt": rng.choice(prompts)}
    if measurement == "rating":
        return "rating", {"value": rng.uniform(1, 5)}
    return "abc", {"behavior": rng.choice(["hit", " kick ", "", None])}


def session(measurement: str, seed: int, n: int = 120):
    """``n`` target events in time order (some before the session window), and pauses."""
    rng = random.Random(seed)
    t = T0 - timedelta(seconds=SESSION_WINDOW_TOLERANCE_SECONDS + 30)
    events = []
    for i in range(n):
        t += timedelta(seconds=rng.choice([0, 1, 7, 15]))  # equal times too: ids break ties
        kind, data = payload(measurement, rng)
        events.append(EventRecord(f"e{i:04d}", kind, t, data, "t1"))
    pauses = [
        EventRecord("p1", "pause", T0 + timedelta(minutes=3), {}, None),
        EventRecord("r1", "resume", T0 + timedelta(minutes=4), {}, None),
        EventRecord("p2", "pause", T0 + timedelta(minutes=20), {}, None),
    ]
    return events, pauses


def parts(events, rng: random.Random):
    cuts = sorted(rng.sample(range(1, len(events)), 5))
    return [events[a:b] for a, b in zip([0, *cuts], [*cuts, len(events)], strict=True)]


@pytest.mark.parametrize("ended", [END, None], ids=["ended", "open"])
@pytest.mark.parametrize("measurement", MEASUREMENTS)
@pytest.mark.parametrize("seed", range(4))
def test_measuring_in_parts_answers_what_measuring_everything_answers(measurement, seed, ended):
    events, pauses = session(measurement, seed)
    rng = random.Random(seed)
    first, *rest = parts(events, rng)
    context = {"started": T0, "ended": ended, "tracked": True}
    measure, tally = tally_session(measurement, PARAMS, first, session_events=pauses, **context)
    seen = list(first)
    for more in rest:
        seen += more
        answer = measure_more(
            tally, more, measurement=measurement, params=PARAMS, session_events=3, **context
        )
        assert answer is not None
        measure, tally = answer
        assert measure == measure_session(
            measurement, PARAMS, seen, session_events=pauses, **context
        )
    assert tally.events == len(events)


def test_a_target_not_tracked_has_no_value_until_its_first_event():
    first = [EventRecord("a", "note", T0, {}, "t1")]
    context = {"started": T0, "ended": END, "tracked": False}
    measure, tally = tally_session("frequency", {}, first, **context)
    assert measure is None
    answer = measure_more(
        tally, [], measurement="frequency", params={}, session_events=0, **context
    )
    assert answer is not None and answer[0] is None
    tap = EventRecord("b", "count", T0 + timedelta(minutes=1), {}, "t1")
    measure, _ = measure_more(
        tally, [tap], measurement="frequency", params={}, session_events=0, **context
    )
    assert measure == measure_session("frequency", {}, [*first, tap], **context)
    assert measure.value == 1.0


def tap(i: int, minute: float) -> EventRecord:
    return EventRecord(f"e{i}", "count", T0 + timedelta(minutes=minute), {}, "t1")


FIRST = [tap(1, 1), tap(2, 2)]
CONTEXT = {"measurement": "rate", "params": {}, "started": T0, "ended": END, "tracked": True}


def tally_of_first():
    _, tally = tally_session("rate", {}, FIRST, started=T0, ended=END)
    return tally


@pytest.mark.parametrize(
    ("more", "changes"),
    [
        ([tap(3, 1.5)], {}),  # earlier than the latest event folded in
        ([tap(0, 2)], {}),  # the same time, a smaller id
        ([EventRecord("v", "void", T0 + timedelta(minutes=3), {"voids": "e1"}, "t1")], {}),
        ([tap(3, 3)], {"ended": END + timedelta(minutes=1)}),
        ([tap(3, 3)], {"ended": None}),
        ([tap(3, 3)], {"started": T0 + timedelta(seconds=1)}),
        ([tap(3, 3)], {"tracked": False}),
        ([tap(3, 3)], {"measurement": "frequency"}),
        ([tap(3, 3)], {"params": {"max_wait_seconds": 3}}),
        ([tap(3, 3)], {"session_events": 1}),
    ],
    ids=[
        "earlier",
        "tie-smaller-id",
        "void",
        "ended-changed",
        "reopened",
        "started-changed",
        "tracked-changed",
        "measurement-changed",
        "params-changed",
        "pause-added",
    ],
)
def test_measure_more_refuses_whatever_could_answer_otherwise(more, changes):
    context = {**CONTEXT, "session_events": 0, **changes}
    assert measure_more(tally_of_first(), more, **context) is None


def test_a_later_tap_is_folded_in_and_the_tally_given_is_left_as_it_was():
    tally = tally_of_first()
    measure, after = measure_more(tally, [tap(3, 4)], session_events=0, **CONTEXT)
    # taps at 1, 2 and 4 min in a 30-min session: rate 3/30 = 0.1; IRTs 60 s and 120 s
    assert measure.value == pytest.approx(0.1)
    assert measure.details["irt_median_s"] == 90.0
    assert after.events == 3
    assert tally.events == 2 and tally.state[0] == 2  # shared tallies are never changed


def test_any_void_leaves_no_tally():
    void = EventRecord("v", "void", T0 + timedelta(minutes=3), {"voids": "nothing"}, None)
    measure, tally = tally_session("rate", {}, FIRST, started=T0, ended=END, session_events=[void])
    assert measure.n == 2 and tally is None


def test_a_bad_payload_in_more_raises_like_measure_session():
    _, tally = tally_session("latency", {}, [], started=T0, ended=END)
    bad = EventRecord("x", "latency", T0 + timedelta(minutes=1), {"seconds": "soon"}, "t1")
    with pytest.raises(ValueError, match=r"events\[x\]\.data\.seconds"):
        measure_more(tally, [bad], **{**CONTEXT, "measurement": "latency"}, session_events=0)
