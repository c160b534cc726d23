"""Measurement types, their parameters and the event kinds each one accepts.

One source of truth for the rules in ``docs/api.md`` ("Measurements and their parameters"),
shared by the protocol library (``bdc.protocols``) and the API schemas, so the two never drift.
Pure standard library: no Flask, no marshmallow, no database.

Public names
------------
MEASUREMENTS
    The measurement types, in the order of docs/api.md.
EVENT_KINDS_BY_MEASUREMENT
    measurement -> frozenset of event kinds a target of that measurement accepts
    (always including ``note`` and ``void``).
SESSION_EVENT_KINDS
    Event kinds allowed with ``target_id: null``.
PERCENT_MEASUREMENTS
    Measurements whose per-session value is a percentage, the only ones a ``mastery``
    criterion (``percent`` over ``consecutive`` sessions) can apply to.
DEFAULT_PROMPT_LEVELS
    The task-analysis prompt hierarchy used when none is given.
ParamsError
    The ``ValueError`` raised on bad input; ``str(error)`` is ``"key: message"``.
validate_params(measurement, params)
    Check and normalise a target's ``params``.
validate_mastery(measurement, direction, mastery)
    Check and normalise a target's ``mastery`` criterion.

Rules beyond the table in docs/api.md (all documented below and in protocols/README.md):
an interval observation must last at least one interval; list items are unique, non-empty
strings (at most ``MAX_ITEMS`` of them, ``MAX_TEXT`` characters each); ``labels`` on a rating
scale name every integer point of the scale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = [
    "DEFAULT_PROMPT_LEVELS",
    "EVENT_KINDS_BY_MEASUREMENT",
    "INTERVAL_MEASUREMENTS",
    "MAX_ITEMS",
    "MAX_TEXT",
    "MEASUREMENTS",
    "PERCENT_MEASUREMENTS",
    "SESSION_EVENT_KINDS",
    "ParamsError",
    "validate_mastery",
    "validate_params",
]

MEASUREMENTS: tuple[str, ...] = (
    "frequency",
    "rate",
    "duration",
    "latency",
    "partial_interval",
    "whole_interval",
    "momentary_time_sampling",
    "abc",
    "dtt",
    "task_analysis",
    "rating",
)

INTERVAL_MEASUREMENTS: frozenset[str] = frozenset(
    {"partial_interval", "whole_interval", "momentary_time_sampling"}
)

# Percent of intervals scored, percent of trials / steps independent correct.
PERCENT_MEASUREMENTS: frozenset[str] = INTERVAL_MEASUREMENTS | {"dtt", "task_analysis"}

_COMMON_EVENT_KINDS = frozenset({"note", "void"})

EVENT_KINDS_BY_MEASUREMENT: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "frequency": frozenset({"count"}) | _COMMON_EVENT_KINDS,
        "rate": frozenset({"count"}) | _COMMON_EVENT_KINDS,
        "duration": frozenset({"duration_start", "duration_stop"}) | _COMMON_EVENT_KINDS,
        "latency": frozenset({"latency"}) | _COMMON_EVENT_KINDS,
        "partial_interval": frozenset({"interval"}) | _COMMON_EVENT_KINDS,
        "whole_interval": frozenset({"interval"}) | _COMMON_EVENT_KINDS,
        "momentary_time_sampling": frozenset({"interval"}) | _COMMON_EVENT_KINDS,
        "abc": frozenset({"abc"}) | _COMMON_EVENT_KINDS,
        "dtt": frozenset({"trial"}) | _COMMON_EVENT_KINDS,
        "task_analysis": frozenset({"step"}) | _COMMON_EVENT_KINDS,
        "rating": frozenset({"rating"}) | _COMMON_EVENT_KINDS,
    }
)

SESSION_EVENT_KINDS: frozenset[str] = frozenset({"pause", "resume", "note", "void", "fidelity"})

# An event may lie this far outside its session's [started_at, ended_at] and still belong to it
# (taps a moment before the session record's start or after its end, on one device's clock).
# Sync refuses events beyond it; every measure counts exactly the events inside it.
SESSION_WINDOW_TOLERANCE_SECONDS = 60

DEFAULT_PROMPT_LEVELS: tuple[str, ...] = ("independent", "gestural", "model", "physical")

# Generous caps: they exist so a malformed or hostile request cannot store megabytes of "steps".
MAX_ITEMS = 100
MAX_TEXT = 200

_ABC_LISTS = ("antecedents", "behaviors", "consequences", "setting_events")

_INTERVAL_SECONDS = (1, 3600)
_OBSERVATION_MINUTES = (1, 600)
_TRIALS_PER_SESSION = (1, 200)
_MAX_WAIT_SECONDS = (1, 3600)


class ParamsError(ValueError):
    """Invalid measurement parameters or mastery criterion.

    Parameters
    ----------
    key : str
        Path of the offending value relative to the object checked, e.g. ``"interval_seconds"``
        or ``"steps[2]"``; ``"measurement"`` when the measurement type itself is unknown.
    message : str
        What is wrong, for a person.

    Notes
    -----
    ``str(error)`` is ``"key: message"``; callers that nest the object (the protocol loader,
    an API schema) prefix ``key`` with their own path.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def validate_params(measurement: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check a target's ``params`` against its measurement type and normalise them.

    Parameters
    ----------
    measurement : str
        One of ``MEASUREMENTS``.
    params : Mapping or None
        The raw parameters. ``None`` is treated as ``{}``.

    Returns
    -------
    dict
        A new dict: known keys only, strings stripped of surrounding blanks, documented
        defaults filled in (``task_analysis.prompt_levels``; empty lists for the ``abc``
        lists). Optional keys without a documented default (``dtt.trials_per_session``,
        ``rating.labels``) are left out when not given. The result validates again unchanged.

    Raises
    ------
    ParamsError
        (a ``ValueError``) on an unknown measurement, an unknown key, a missing required key
        or a value of the wrong type or range; the message is ``"key: message"``.

    Notes
    -----
    The rules, per docs/api.md:

    - ``frequency``, ``rate``, ``duration``: no parameters.
    - ``latency``: ``max_wait_seconds`` (optional int, 1-3600): how long the observer waits
      for the response before recording the trial as "no response" (docs/analysis.md).
    - ``partial_interval``, ``whole_interval``, ``momentary_time_sampling``:
      ``interval_seconds`` (required int, 1-3600) and ``observation_minutes`` (required int,
      1-600); the observation must hold at least one interval.
    - ``abc``: ``antecedents``, ``behaviors``, ``consequences``, ``setting_events``: optional
      lists of strings (the pick lists offered on the tablet).
    - ``dtt``: ``prompt_levels`` (required list, most independent first, so it starts with
      ``"independent"``), ``trials_per_session`` (optional int, 1-200).
    - ``task_analysis``: ``steps`` (required list), ``prompt_levels`` (as for dtt; default
      ``["independent", "gestural", "model", "physical"]``).
    - ``rating``: ``scale_min`` < ``scale_max`` (required numbers); ``labels`` (optional list,
      one per integer point of the scale, so both ends must then be integers).

    Booleans are never accepted as numbers (``True`` is an ``int`` in Python, not in JSON).

    Examples
    --------
    >>> validate_params("momentary_time_sampling", {"interval_seconds": 10,
    ...                                             "observation_minutes": 10})
    {'interval_seconds': 10, 'observation_minutes': 10}
    >>> validate_params("task_analysis", {"steps": ["Turn on water"]})["prompt_levels"]
    ['independent', 'gestural', 'model', 'physical']
    """
    if measurement not in MEASUREMENTS:
        raise ParamsError("measurement", f"must be one of {', '.join(MEASUREMENTS)}")
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise ParamsError("params", "must be an object")
    for key in params:
        if not isinstance(key, str):
            raise ParamsError(str(key), "parameter names must be strings")

    if measurement in ("frequency", "rate", "duration"):
        _reject_unknown(params, (), measurement)
        return {}
    if measurement == "latency":
        _reject_unknown(params, ("max_wait_seconds",), measurement)
        if params.get("max_wait_seconds") is None:
            return {}
        wait = _int_in(params["max_wait_seconds"], "max_wait_seconds", *_MAX_WAIT_SECONDS)
        return {"max_wait_seconds": wait}
    if measurement in INTERVAL_MEASUREMENTS:
        return _interval_params(measurement, params)
    if measurement == "abc":
        _reject_unknown(params, _ABC_LISTS, measurement)
        return {
            name: _text_list(params.get(name, []), name, allow_empty=True) for name in _ABC_LISTS
        }
    if measurement == "dtt":
        _reject_unknown(params, ("prompt_levels", "trials_per_session"), measurement)
        result: dict[str, Any] = {
            "prompt_levels": _prompt_levels(_required(params, "prompt_levels", measurement))
        }
        if params.get("trials_per_session") is not None:
            result["trials_per_session"] = _int_in(
                params["trials_per_session"], "trials_per_session", *_TRIALS_PER_SESSION
            )
        return result
    if measurement == "task_analysis":
        _reject_unknown(params, ("steps", "prompt_levels"), measurement)
        steps = _text_list(_required(params, "steps", measurement), "steps")
        levels = params.get("prompt_levels")
        return {
            "steps": steps,
            "prompt_levels": (
                list(DEFAULT_PROMPT_LEVELS) if levels is None else _prompt_levels(levels)
            ),
        }
    return _rating_params(params)


def validate_mastery(
    measurement: str, direction: str, mastery: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """Check a target's ``mastery`` criterion and fill its defaults.

    Parameters
    ----------
    measurement : str
        The target's measurement type (one of ``MEASUREMENTS``).
    direction : str
        ``"increase"`` or ``"decrease"``.
    mastery : Mapping or None
        ``{"percent", "consecutive", "min_trials"?, "min_observers"?}`` or ``None``.

    Returns
    -------
    dict or None
        ``None`` when ``mastery`` is ``None``; otherwise all four keys, with
        ``min_trials`` defaulting to 0 (no minimum) and ``min_observers`` to 1.

    Raises
    ------
    ParamsError
        Keys are relative to the mastery object (``"percent"``), or ``"mastery"`` itself when
        the criterion cannot apply to the target.

    Notes
    -----
    A mastery criterion is "``percent`` or more in ``consecutive`` consecutive sessions, each
    with at least ``min_trials`` trials (steps, intervals), across at least ``min_observers``
    different observers" (Cooper, Heron & Heward 2020, ch. 4 and 30). It therefore applies
    only to skill-acquisition targets (``direction: increase``) measured as a percentage
    (``PERCENT_MEASUREMENTS``); counts, durations and latencies use an aim line instead.
    ``percent``: number, 0 < percent <= 100; ``consecutive``: int 1-50; ``min_trials``: int
    0-1000; ``min_observers``: int 1-10.
    """
    if mastery is None:
        return None
    if not isinstance(mastery, Mapping):
        raise ParamsError("mastery", "must be an object or null")
    if measurement not in PERCENT_MEASUREMENTS:
        raise ParamsError(
            "mastery",
            f"applies only to percentage measurements ({', '.join(sorted(PERCENT_MEASUREMENTS))}),"
            f" not {measurement}; use an aim line",
        )
    if direction != "increase":
        raise ParamsError("mastery", "applies only to targets with direction 'increase'")
    allowed = ("percent", "consecutive", "min_trials", "min_observers")
    _reject_unknown(mastery, allowed, "mastery")
    percent = _number(_required(mastery, "percent", "mastery"), "percent")
    if not 1 <= percent <= 100:
        raise ParamsError(
            "percent", "percentages are 0–100: give at least 1 and at most 100 (80 for 80 %)"
        )
    return {
        "percent": percent,
        "consecutive": _int_in(_required(mastery, "consecutive", "mastery"), "consecutive", 1, 50),
        "min_trials": _int_in(_optional(mastery, "min_trials", 0), "min_trials", 0, 1000),
        "min_observers": _int_in(_optional(mastery, "min_observers", 1), "min_observers", 1, 10),
    }


# --- helpers -----------------------------------------------------------------------------------


def _reject_unknown(params: Mapping[str, Any], allowed: tuple[str, ...], owner: str) -> None:
    for key in params:
        if key not in allowed:
            hint = f"allowed: {', '.join(allowed)}" if allowed else "takes no parameters"
            raise ParamsError(key, f"unknown key for {owner} ({hint})")


def _required(params: Mapping[str, Any], key: str, owner: str) -> Any:
    if params.get(key) is None:
        raise ParamsError(key, f"required for {owner}")
    return params[key]


def _optional(params: Mapping[str, Any], key: str, default: Any) -> Any:
    # An explicit null means "not set", as an absent key does (JSON clients send both).
    value = params.get(key)
    return default if value is None else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Any, key: str) -> int | float:
    if not _is_number(value) or not math.isfinite(value):
        raise ParamsError(key, "must be a finite number")
    return value


def _int_in(value: Any, key: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParamsError(key, "must be an integer")
    if not low <= value <= high:
        raise ParamsError(key, f"must be between {low} and {high}")
    return value


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParamsError(key, "must be a non-empty string")
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise ParamsError(key, f"must be at most {MAX_TEXT} characters")
    return text


def _text_list(value: Any, key: str, *, allow_empty: bool = False) -> list[str]:
    # A bare string is a list of characters to Python; refuse it rather than guess.
    if not isinstance(value, list | tuple):
        raise ParamsError(key, "must be a list of strings")
    if not value and not allow_empty:
        raise ParamsError(key, "must not be empty")
    if len(value) > MAX_ITEMS:
        raise ParamsError(key, f"must have at most {MAX_ITEMS} items")
    items = [_text(item, f"{key}[{index}]") for index, item in enumerate(value)]
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.casefold() in seen:
            raise ParamsError(f"{key}[{index}]", f"duplicate item {item!r}")
        seen.add(item.casefold())
    return items


def _prompt_levels(value: Any) -> list[str]:
    levels = _text_list(value, "prompt_levels")
    # Analyses count "independent correct" by this exact name (docs/api.md), and the hierarchy
    # is ordered most independent first, so it must lead the list.
    if levels[0] != "independent":
        if "independent" in levels:
            raise ParamsError("prompt_levels", "'independent' must come first")
        raise ParamsError("prompt_levels", "must contain 'independent' (first)")
    return levels


def _interval_params(measurement: str, params: Mapping[str, Any]) -> dict[str, Any]:
    _reject_unknown(params, ("interval_seconds", "observation_minutes"), measurement)
    seconds = _int_in(
        _required(params, "interval_seconds", measurement), "interval_seconds", *_INTERVAL_SECONDS
    )
    minutes = _int_in(
        _required(params, "observation_minutes", measurement),
        "observation_minutes",
        *_OBSERVATION_MINUTES,
    )
    # Otherwise the session has zero intervals and every percentage is undefined.
    if minutes * 60 < seconds:
        raise ParamsError("observation_minutes", "must hold at least one interval")
    return {"interval_seconds": seconds, "observation_minutes": minutes}


def _rating_params(params: Mapping[str, Any]) -> dict[str, Any]:
    _reject_unknown(params, ("scale_min", "scale_max", "labels"), "rating")
    low = _number(_required(params, "scale_min", "rating"), "scale_min")
    high = _number(_required(params, "scale_max", "rating"), "scale_max")
    if not low < high:
        raise ParamsError("scale_max", "must be greater than scale_min")
    result: dict[str, Any] = {"scale_min": low, "scale_max": high}
    if params.get("labels") is not None:
        labels = _text_list(params["labels"], "labels")
        # Labels anchor the points of a Likert-type scale, so they need integer ends.
        if not (float(low).is_integer() and float(high).is_integer()):
            raise ParamsError("labels", "need integer scale_min and scale_max")
        points = int(high) - int(low) + 1
        if len(labels) != points:
            raise ParamsError(
                "labels", f"must name every point of the scale ({points}), got {len(labels)}"
            )
        result["labels"] = labels
    return result
