"""What an event's ``data`` must hold, per kind (docs/api.md, "Event kinds and their data").

Plain Python rather than a marshmallow schema per event: sync validates up to 5,000 events a
request, and this is the hot path of ``bdc.sync``. Each checker returns the normalised data or
raises ``ValueError`` with a reason a person can act on.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from bdc.measurement_params import DEFAULT_PROMPT_LEVELS, EVENT_KINDS_BY_MEASUREMENT
from bdc.text import text_problem

TRIAL_RESULTS = frozenset({"correct", "incorrect", "no_response"})
MAX_LABEL = 200
MAX_NOTE = 2000
MAX_SECONDS = 24 * 3600
MAX_INDEX = 1_000_000  # no interval, step or opportunity count comes near; stops 10**400 junk


def _shown(value: Any) -> str:
    """A sent value quoted in a reason, cut short: junk may be megabytes long."""
    text = repr(value) if isinstance(value, str) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def _keys(data: Mapping, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    unknown = set(data).difference(required, optional)
    if unknown:
        names = sorted(_shown(name) for name in unknown)
        raise ValueError(f"data has unknown field(s): {', '.join(names[:5])}")
    missing = [k for k in required if k not in data]
    if missing:
        raise ValueError(f"data is missing: {', '.join(missing)}")


# The form every id is stored in; anything else uuid.UUID reads is turned into it.
CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid(value: Any, name: str) -> str:
    if isinstance(value, str) and CANONICAL_UUID.fullmatch(value):
        return value  # what uuid.UUID would answer, without building one
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise ValueError(f"data.{name} must be a UUID") from None


def _index(value: Any, name: str, upper: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_INDEX:
        raise ValueError(f"data.{name} must be a whole number from 0 to {MAX_INDEX - 1}")
    if upper is not None and value >= upper:
        raise ValueError(f"data.{name} must be below {upper}")
    return value


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"data.{name} must be a number")
    try:
        finite = math.isfinite(value)  # an int beyond float range (JSON 1e400 written out)
    except OverflowError:
        finite = False
    if not finite:
        raise ValueError(f"data.{name} must be a finite number")
    return value


def _text(value: Any, name: str, limit: int = MAX_LABEL, *, choices=None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"data.{name} must be non-empty text")
    if len(value) > limit:
        raise ValueError(f"data.{name} is longer than {limit} characters")
    problem = text_problem(value)
    if problem:
        raise ValueError(f"data.{name} {problem}")
    if choices and value not in choices:
        raise ValueError(f"data.{name} {value!r} is not one of the target's {name} options")
    return value


def _empty(data, params):
    if data:
        _keys(data, ())
    return {}


def _episode(data, params):
    _keys(data, ("episode",))
    return {"episode": _uuid(data["episode"], "episode")}


def _latency(data, params):
    # A trial without a response is {"seconds": <the wait>, "no_response": true}: the seconds
    # the observer waited (the target's max_wait_seconds when it has one), which the measure
    # enters as a censored latency (docs/analysis.md). The wait travels with the event, so a
    # later change of the target's maximum wait never rewrites an old session.
    _keys(data, ("seconds",), ("no_response",))
    seconds = _number(data["seconds"], "seconds")
    if not 0 <= seconds <= MAX_SECONDS:
        raise ValueError("data.seconds must be between 0 and 86400")
    no_response = data.get("no_response", False)
    if not isinstance(no_response, bool):
        raise ValueError("data.no_response must be true or false")
    if not no_response:
        return {"seconds": seconds}
    if seconds <= 0:
        raise ValueError("data.seconds of a no-response trial is the wait, so above 0")
    return {"seconds": seconds, "no_response": True}


def _interval(data, params):
    _keys(data, ("index", "scored"))
    upper = None
    if params.get("interval_seconds") and params.get("observation_minutes"):
        upper = math.ceil(params["observation_minutes"] * 60 / params["interval_seconds"])
    scored = data["scored"]
    if scored is not None and not isinstance(scored, bool):
        raise ValueError("data.scored must be true, false or null (skipped)")
    return {"index": _index(data["index"], "index", upper), "scored": scored}


def _abc(data, params):
    _keys(data, ("antecedent", "behavior", "consequence"), ("setting_event", "note"))
    out = {k: _text(data[k], k) for k in ("antecedent", "behavior", "consequence")}
    if data.get("setting_event") is not None:
        out["setting_event"] = _text(data["setting_event"], "setting_event")
    if data.get("note") is not None:
        out["note"] = _text(data["note"], "note", MAX_NOTE)
    return out


def _prompted(data, params, extra: tuple[str, ...] = ()):
    _keys(data, ("result", "prompt", *extra))
    if data["result"] not in TRIAL_RESULTS:
        raise ValueError("data.result must be correct, incorrect or no_response")
    levels = params.get("prompt_levels") or DEFAULT_PROMPT_LEVELS
    return {
        "result": data["result"],
        "prompt": _text(data["prompt"], "prompt", choices=levels),
    }


def _trial(data, params):
    return _prompted(data, params)


def _step(data, params):
    out = _prompted(data, params, ("step",))
    out["step"] = _index(data["step"], "step", len(params.get("steps") or ()) or None)
    return out


def _rating(data, params):
    _keys(data, ("value",))
    value = _number(data["value"], "value")
    low, high = params.get("scale_min"), params.get("scale_max")
    if low is not None and high is not None and not low <= value <= high:
        raise ValueError(f"data.value must be within the scale {low}–{high}")
    return {"value": value}


def _note(data, params):
    _keys(data, ("text",))
    return {"text": _text(data["text"], "text", MAX_NOTE)}


def _void(data, params):
    _keys(data, ("voids",))
    return {"voids": _uuid(data["voids"], "voids")}


def _fidelity(data, params):
    _keys(data, ("step", "opportunity", "value"))
    value = data["value"]
    if value is not None and not isinstance(value, bool):
        raise ValueError("data.value must be true, false or null (not applicable)")
    steps = params.get("checklist_length")
    return {
        "step": _index(data["step"], "step", steps),
        "opportunity": _index(data["opportunity"], "opportunity"),
        "value": value,
    }


CHECKERS: dict[str, Callable[[Mapping, Mapping], dict]] = {
    "count": _empty,
    "pause": _empty,
    "resume": _empty,
    "duration_start": _episode,
    "duration_stop": _episode,
    "latency": _latency,
    "interval": _interval,
    "abc": _abc,
    "trial": _trial,
    "step": _step,
    "rating": _rating,
    "note": _note,
    "void": _void,
    "fidelity": _fidelity,
}


def check_event(kind: str, data: Any, *, measurement: str | None, params: Mapping) -> dict:
    """Validate one event's kind against its target (or the session) and normalise its data.

    ``measurement`` is None for session-level events. Raises ``ValueError`` with the reason.
    """
    checker = CHECKERS.get(kind) if isinstance(kind, str) else None
    if checker is None:
        raise ValueError(f"unknown event kind {_shown(kind)}")
    if measurement is not None and kind not in EVENT_KINDS_BY_MEASUREMENT[measurement]:
        raise ValueError(f"a {measurement} target does not take {kind!r} events")
    if type(data) is not dict and not isinstance(data, Mapping):  # JSON gives dicts: skip the ABC
        raise ValueError("data must be an object")
    return checker(data, params)
