"""Tests for bdc.measurement_params: the params rules of docs/api.md, per measurement type."""

from __future__ import annotations

import pytest

from bdc.measurement_params import (
    DEFAULT_PROMPT_LEVELS,
    EVENT_KINDS_BY_MEASUREMENT,
    MEASUREMENTS,
    PERCENT_MEASUREMENTS,
    SESSION_EVENT_KINDS,
    ParamsError,
    validate_mastery,
    validate_params,
)

INTERVAL_TYPES = ("partial_interval", "whole_interval", "momentary_time_sampling")

# (measurement, params as given, normalised result)
GOOD = [
    ("frequency", None, {}),
    ("frequency", {}, {}),
    ("rate", {}, {}),
    ("duration", {}, {}),
    ("latency", None, {}),
    ("latency", {"max_wait_seconds": 30}, {"max_wait_seconds": 30}),
    ("latency", {"max_wait_seconds": None}, {}),
    *[(m, {"interval_seconds": 10, "observation_minutes": 10}, None) for m in INTERVAL_TYPES],
    ("momentary_time_sampling", {"interval_seconds": 60, "observation_minutes": 1}, None),
    ("partial_interval", {"interval_seconds": 1, "observation_minutes": 600}, None),
    ("whole_interval", {"interval_seconds": 3600, "observation_minutes": 60}, None),
    (
        "abc",
        {},
        {"antecedents": [], "behaviors": [], "consequences": [], "setting_events": []},
    ),
    (
        "abc",
        {"antecedents": [" Demand "], "consequences": ["Escape", "Attention"]},
        {
            "antecedents": ["Demand"],
            "behaviors": [],
            "consequences": ["Escape", "Attention"],
            "setting_events": [],
        },
    ),
    ("dtt", {"prompt_levels": ["independent", "gestural"]}, None),
    (
        "dtt",
        {"prompt_levels": ["independent", "model", "full_physical"], "trials_per_session": 200},
        None,
    ),
    ("dtt", {"prompt_levels": ["independent"], "trials_per_session": None}, None),
    (
        "task_analysis",
        {"steps": ["Turn on water", "Wet hands"]},
        {"steps": ["Turn on water", "Wet hands"], "prompt_levels": list(DEFAULT_PROMPT_LEVELS)},
    ),
    (
        "task_analysis",
        {"steps": ["a"], "prompt_levels": ["independent", "verbal"]},
        {"steps": ["a"], "prompt_levels": ["independent", "verbal"]},
    ),
    ("rating", {"scale_min": 1, "scale_max": 5}, None),
    ("rating", {"scale_min": -1.5, "scale_max": 1.5}, None),
    ("rating", {"scale_min": 1, "scale_max": 3, "labels": ["low", "mid", "high"]}, None),
]


@pytest.mark.parametrize(("measurement", "params", "expected"), GOOD)
def test_good_params_validate_and_normalise(measurement, params, expected):
    result = validate_params(measurement, params)
    if expected is None:
        expected = {k: v for k, v in (params or {}).items() if v is not None}
    assert result == expected
    # Normalised output is a fixed point, so the API can re-validate stored params.
    assert validate_params(measurement, result) == result


def test_result_is_a_new_dict():
    params = {"steps": ["a", "b"]}
    result = validate_params("task_analysis", params)
    result["steps"].append("c")
    assert params == {"steps": ["a", "b"]}


# (measurement, params, key named in the error)
BAD = [
    ("frequency", {"interval_seconds": 10}, "interval_seconds"),
    ("rate", {"x": 1}, "x"),
    ("duration", {"steps": ["a"]}, "steps"),
    ("latency", {"cap_seconds": 30}, "cap_seconds"),
    ("latency", {"max_wait_seconds": 0}, "max_wait_seconds"),
    ("latency", {"max_wait_seconds": 3601}, "max_wait_seconds"),
    ("latency", {"max_wait_seconds": 7.5}, "max_wait_seconds"),
    ("frequency", ["not", "a", "mapping"], "params"),
    *[(m, {"observation_minutes": 10}, "interval_seconds") for m in INTERVAL_TYPES],
    *[(m, {"interval_seconds": 10}, "observation_minutes") for m in INTERVAL_TYPES],
    *[
        (m, {"interval_seconds": 0, "observation_minutes": 10}, "interval_seconds")
        for m in INTERVAL_TYPES
    ],
    ("partial_interval", {"interval_seconds": 3601, "observation_minutes": 10}, "interval_seconds"),
    (
        "partial_interval",
        {"interval_seconds": 10, "observation_minutes": 601},
        "observation_minutes",
    ),
    ("whole_interval", {"interval_seconds": 10.5, "observation_minutes": 10}, "interval_seconds"),
    ("whole_interval", {"interval_seconds": "10", "observation_minutes": 10}, "interval_seconds"),
    ("whole_interval", {"interval_seconds": True, "observation_minutes": 10}, "interval_seconds"),
    (
        "momentary_time_sampling",
        {"interval_seconds": 120, "observation_minutes": 1},
        "observation_minutes",
    ),
    (
        "momentary_time_sampling",
        {"interval_seconds": 10, "observation_minutes": 10, "labels": []},
        "labels",
    ),
    ("abc", {"antecedents": "Demand"}, "antecedents"),
    ("abc", {"behaviors": ["Hit", ""]}, "behaviors[1]"),
    ("abc", {"consequences": ["Escape", "escape"]}, "consequences[1]"),
    ("abc", {"setting_events": [3]}, "setting_events[0]"),
    ("abc", {"notes": ["x"]}, "notes"),
    ("abc", {"antecedents": ["x" * 201]}, "antecedents[0]"),
    ("abc", {"antecedents": [f"a{i}" for i in range(101)]}, "antecedents"),
    ("dtt", {}, "prompt_levels"),
    ("dtt", {"prompt_levels": []}, "prompt_levels"),
    ("dtt", {"prompt_levels": ["gestural", "independent"]}, "prompt_levels"),
    ("dtt", {"prompt_levels": ["gestural", "model"]}, "prompt_levels"),
    ("dtt", {"prompt_levels": ["independent", "independent"]}, "prompt_levels[1]"),
    ("dtt", {"prompt_levels": ["independent"], "trials_per_session": 0}, "trials_per_session"),
    ("dtt", {"prompt_levels": ["independent"], "trials_per_session": 201}, "trials_per_session"),
    ("dtt", {"prompt_levels": ["independent"], "steps": ["a"]}, "steps"),
    ("task_analysis", {}, "steps"),
    ("task_analysis", {"steps": []}, "steps"),
    ("task_analysis", {"steps": ["a", None]}, "steps[1]"),
    ("task_analysis", {"steps": ["a"], "prompt_levels": ["model"]}, "prompt_levels"),
    ("task_analysis", {"steps": ["a"], "trials_per_session": 5}, "trials_per_session"),
    ("rating", {"scale_max": 5}, "scale_min"),
    ("rating", {"scale_min": 1}, "scale_max"),
    ("rating", {"scale_min": 5, "scale_max": 5}, "scale_max"),
    ("rating", {"scale_min": 5, "scale_max": 1}, "scale_max"),
    ("rating", {"scale_min": "1", "scale_max": 5}, "scale_min"),
    ("rating", {"scale_min": 0, "scale_max": float("inf")}, "scale_max"),
    ("rating", {"scale_min": 1, "scale_max": 3, "labels": ["a", "b"]}, "labels"),
    ("rating", {"scale_min": 0, "scale_max": 1.5, "labels": ["a", "b"]}, "labels"),
    ("rating", {"scale_min": 1, "scale_max": 2, "labels": "ab"}, "labels"),
    ("rating", {"scale_min": 1, "scale_max": 2, "colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("measurement", "params", "key"), BAD)
def test_bad_params_name_the_key(measurement, params, key):
    with pytest.raises(ParamsError) as caught:
        validate_params(measurement, params)
    assert caught.value.key == key
    assert str(caught.value).startswith(f"{key}: ")
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("measurement", ["", "counts", "Frequency", "interval"])
def test_unknown_measurement(measurement):
    with pytest.raises(ValueError, match=r"^measurement: must be one of frequency"):
        validate_params(measurement, {})


def test_every_measurement_has_a_good_and_a_bad_case():
    assert {case[0] for case in GOOD} == set(MEASUREMENTS)
    assert {case[0] for case in BAD} == set(MEASUREMENTS)


def test_event_kinds_follow_the_api_table():
    assert set(EVENT_KINDS_BY_MEASUREMENT) == set(MEASUREMENTS)
    specific = {
        "frequency": {"count"},
        "rate": {"count"},
        "duration": {"duration_start", "duration_stop"},
        "latency": {"latency"},
        "partial_interval": {"interval"},
        "whole_interval": {"interval"},
        "momentary_time_sampling": {"interval"},
        "abc": {"abc"},
        "dtt": {"trial"},
        "task_analysis": {"step"},
        "rating": {"rating"},
    }
    for measurement, kinds in specific.items():
        assert EVENT_KINDS_BY_MEASUREMENT[measurement] == frozenset(kinds | {"note", "void"})
    assert {"pause", "resume", "note", "void", "fidelity"} == SESSION_EVENT_KINDS
    with pytest.raises(TypeError):
        EVENT_KINDS_BY_MEASUREMENT["frequency"] = frozenset()  # type: ignore[index]


def test_mastery_fills_defaults():
    assert validate_mastery("dtt", "increase", {"percent": 80, "consecutive": 3}) == {
        "percent": 80,
        "consecutive": 3,
        "min_trials": 0,
        "min_observers": 1,
    }
    full = {"percent": 90.5, "consecutive": 2, "min_trials": 10, "min_observers": 2}
    assert validate_mastery("whole_interval", "increase", full) == full
    assert validate_mastery("frequency", "decrease", None) is None


@pytest.mark.parametrize(
    ("measurement", "direction", "mastery", "key"),
    [
        ("frequency", "increase", {"percent": 80, "consecutive": 3}, "mastery"),
        ("duration", "decrease", {"percent": 80, "consecutive": 3}, "mastery"),
        ("dtt", "decrease", {"percent": 80, "consecutive": 3}, "mastery"),
        ("dtt", "increase", {"consecutive": 3}, "percent"),
        ("dtt", "increase", {"percent": 0, "consecutive": 3}, "percent"),
        # A proportion written where a percentage belongs (0.8 for 80 %): refused, not 0.8 %.
        ("dtt", "increase", {"percent": 0.8, "consecutive": 3}, "percent"),
        ("dtt", "increase", {"percent": 101, "consecutive": 3}, "percent"),
        ("dtt", "increase", {"percent": 80}, "consecutive"),
        ("dtt", "increase", {"percent": 80, "consecutive": 0}, "consecutive"),
        ("dtt", "increase", {"percent": 80, "consecutive": 3, "min_trials": -1}, "min_trials"),
        ("dtt", "increase", {"percent": 80, "consecutive": 3, "min_observers": 0}, "min_observers"),
        ("dtt", "increase", {"percent": 80, "consecutive": 3, "sessions": 3}, "sessions"),
        ("dtt", "increase", [80, 3], "mastery"),
    ],
)
def test_bad_mastery(measurement, direction, mastery, key):
    with pytest.raises(ParamsError) as caught:
        validate_mastery(measurement, direction, mastery)
    assert caught.value.key == key


def test_percent_measurements():
    assert {
        "partial_interval",
        "whole_interval",
        "momentary_time_sampling",
        "dtt",
        "task_analysis",
    } == PERCENT_MEASUREMENTS
