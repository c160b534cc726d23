"""Raw events -> one value per session for each measurement type.

Pure functions on plain records (no Flask, no database): the API and the reports build
:class:`EventRecord` objects from the stored events and call :func:`measure_session`.

Conventions (see also docs/analysis.md):

- **Voids.** A ``void`` event cancels the event whose id is in ``data["voids"]``. Voids are
  applied before anything else, across the target's and the session's events together; a
  void that is itself voided has no effect (an undo of an undo). ``note`` events are
  ignored.
- **Zero versus not tracked.** A target tracked in a session with no response is 0 (count,
  rate, duration, ABC records). A target not tracked in a session has no value:
  :func:`measure_session` returns ``None`` when ``tracked`` is False and there are no events.
  Measures that are a mean or a percentage of something (latency, interval percentages,
  DTT, task analysis, rating) are ``None`` when there is nothing to average: 0/0 is not 0.
- **Session window.** Every measure counts the same events: those whose time lies inside
  ``[started - tol, ended + tol]`` (``[started - tol, ...)`` while the session is open), with
  ``tol`` = :data:`bdc.measurement_params.SESSION_WINDOW_TOLERANCE_SECONDS`. An event outside
  it is left out as if it had not been recorded (sync refuses such events; this keeps every
  measure of one session in agreement on data stored before that). Voids apply whatever their
  time: a correction is made by reference, not by clock.
- **Observed time.** Session time from ``started`` to ``ended`` minus the time between each
  ``pause`` and the following ``resume`` (a pause never resumed lasts until ``ended``).
  Rates and "% of session" use observed time. An open session (``ended`` None) has no
  observed time, so its rate and "% of session" are None.
- **Duration.** Episodes are matched by ``data["episode"]``. An episode still open at the
  end of the session is closed at ``ended`` (and left out, counted in
  ``details["open_episodes"]``, while the session itself is open). Paused time inside an
  episode is not counted (it was not observed). A stop without a start is ignored and
  counted in ``details["unmatched_stops"]``.
- **Intervals.** ``% of intervals`` = scored / (scored + unscored) * 100: skipped intervals
  (``scored: null``) are excluded from numerator and denominator. When an interval index is
  recorded twice, the later record counts.
- **Trials and steps.** Independent correct means ``result == "correct"`` and
  ``prompt == "independent"``. For a task analysis the later record of a step counts and
  steps not recorded are left out of the denominator.
- **Latency.** A trial without a response (``data["no_response"]`` true) enters the mean at
  its ``seconds``, the wait the observer gave it (the target's ``max_wait_seconds``): a
  censored latency, so the mean is a lower bound, and the median is exact while fewer than
  half the trials had no response. ``details["no_response"]`` counts them and
  ``details["mean_latency_responded_s"]`` is the mean of the trials with a response.
- **Inter-response times** are the gaps between consecutive responses; a gap that contains
  a pause is left out.

- **Measuring in parts.** Each measurement is a fold over the target's events in time order
  (then id) and a finish. :func:`tally_session` measures all the events and answers where
  the fold got to (a :class:`Tally`); :func:`measure_more` folds later events into it and
  answers exactly what measuring all of them would, or None whenever it could not: an
  event not later than those folded in, a void, a different session window, pause record,
  tracked flag, measurement or parameters. Sync uses it so a long session's new taps cost
  what they are, not what the session holds.

All timestamps must be timezone-aware datetimes (the API rejects times without an offset).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from operator import attrgetter
from types import MappingProxyType
from typing import Any, NamedTuple

from bdc.analysis.fidelity import (
    fidelity_all_or_nothing_by_component,
    fidelity_all_or_nothing_by_trial,
    fidelity_individual_component,
)
from bdc.measurement_params import (
    INTERVAL_MEASUREMENTS,
    MEASUREMENTS,
    SESSION_WINDOW_TOLERANCE_SECONDS,
)

__all__ = [
    "MEASUREMENTS",
    "MEASURES_VERSION",
    "UNITS",
    "EventRecord",
    "SessionMeasure",
    "Tally",
    "apply_voids",
    "measure_fidelity",
    "measure_more",
    "measure_session",
    "observed_minutes",
    "pause_intervals",
    "tally_session",
    "unit_for",
]

_INTERVAL = INTERVAL_MEASUREMENTS

UNITS: Mapping[str, str] = MappingProxyType(
    {
        "frequency": "Responses",
        "rate": "Responses per minute",
        "duration": "Seconds",
        "latency": "Seconds",
        "partial_interval": "% of intervals",
        "whole_interval": "% of intervals",
        "momentary_time_sampling": "% of intervals",
        "abc": "Records",
        "dtt": "% independent",
        "task_analysis": "% of steps independent",
        "rating": "Rating",
    }
)
"""The y-axis label of each measurement's session value."""

FIDELITY_UNIT = "% of steps correct"

MEASURES_VERSION = 3
"""The version of the conventions below. Stored session values carry the version they were
computed with; raise it whenever a change here changes any value, unit, n or detail, so
``bdc recompute-values`` knows what is stale. 2: the one session window for every measure.
3: latency reports its no-response trials (``no_response``, ``mean_latency_responded_s``)."""

_WINDOW = timedelta(seconds=SESSION_WINDOW_TOLERANCE_SECONDS)


class EventRecord(NamedTuple):
    """One recorded event, as stored (see docs/api.md "Event kinds and their data").

    Immutable. A named tuple rather than a frozen dataclass: sync re-measures a session from
    all its events, and a named tuple is four times cheaper to create.

    Attributes
    ----------
    id : str
    kind : str
        ``count``, ``duration_start``, ``interval``, ``trial``, ``void``, ``pause``...
    t : datetime
        Device time of the event (timezone-aware).
    data : Mapping
        The kind's payload.
    target_id : str or None
        None for session-level events (pause, resume, session notes and voids, fidelity).
    """

    id: str
    kind: str
    t: datetime
    data: Mapping[str, Any] = MappingProxyType({})
    target_id: str | None = None


@dataclass(frozen=True)
class SessionMeasure:
    """A target's value for one session.

    Attributes
    ----------
    value : float or None
        The number graphed: frequency -> count, rate -> responses per minute, duration ->
        total seconds, latency -> mean seconds, interval types -> % of intervals scored,
        abc -> record count, dtt -> % independent correct, task_analysis -> % of steps
        independent, rating -> mean rating. None when undefined (nothing to average).
    unit : str
        Its y-axis label (:func:`unit_for`).
    n : int
        Responses, episodes, latencies, intervals observed, trials, steps or ratings counted.
    details : Mapping
        Every other figure, by name (floats or None; ``percent_by_prompt`` and
        ``by_behavior`` are small mappings).
    """

    value: float | None
    unit: str
    n: int
    details: Mapping[str, Any]


def unit_for(measurement: str) -> str:
    """The y-axis label for a measurement type.

    Raises
    ------
    ValueError
        Unknown measurement.
    """
    try:
        return UNITS[measurement]
    except (KeyError, TypeError):
        raise ValueError(
            f"measurement: must be one of {', '.join(MEASUREMENTS)}, got {measurement!r}"
        ) from None


# ---------------------------------------------------------------------------------------------
# voids and pauses


def apply_voids(events: Iterable[EventRecord]) -> list[EventRecord]:
    """Drop ``void`` events and the events they cancel.

    Parameters
    ----------
    events : iterable of EventRecord

    Returns
    -------
    list of EventRecord
        The remaining events in their input order.

    Notes
    -----
    Voids are processed from the latest to the earliest, so a void that is itself voided
    (an undo of an undo) cancels nothing. A void naming an unknown id is ignored.
    """
    items = list(events)
    _check_records("events", items)
    return _without_voided(items)


def _check_records(name: str, items: Sequence[Any]) -> None:
    if all(type(e) is EventRecord for e in items):  # the common case, checked in one pass
        return
    for i, e in enumerate(items):
        if not isinstance(e, EventRecord):
            raise ValueError(f"{name}[{i}]: must be an EventRecord, got {type(e).__name__}")


def _without_voided(items: list[EventRecord]) -> list[EventRecord]:
    voids = sorted((e for e in items if e.kind == "void"), key=_TIME_ORDER, reverse=True)
    if not voids:
        return items
    cancelled: set[str] = set()
    for v in voids:
        if v.id in cancelled:
            continue
        target = v.data.get("voids") if isinstance(v.data, Mapping) else None
        if isinstance(target, str):
            cancelled.add(target)
    return [e for e in items if e.kind != "void" and e.id not in cancelled]


def pause_intervals(
    session_events: Iterable[EventRecord], *, started: datetime, ended: datetime | None
) -> list[tuple[datetime, datetime]]:
    """The paused stretches of a session, clipped to ``[started, ended]``.

    A ``pause`` while already paused and a ``resume`` while not paused are ignored; a pause
    never resumed lasts until ``ended`` (and is left open, so omitted, while ``ended`` is
    None).
    """
    marks = sorted((e for e in session_events if e.kind in ("pause", "resume")), key=_TIME_ORDER)
    out: list[tuple[datetime, datetime]] = []
    paused_at: datetime | None = None
    for e in marks:
        if e.kind == "pause" and paused_at is None:
            paused_at = max(e.t, started)
        elif e.kind == "resume" and paused_at is not None:
            end = e.t if ended is None else min(e.t, ended)
            if end > paused_at:
                out.append((paused_at, end))
            paused_at = None
    if paused_at is not None and ended is not None and ended > paused_at:
        out.append((paused_at, ended))
    return out


def _overlap_seconds(a: datetime, b: datetime, spans: Sequence[tuple[datetime, datetime]]) -> float:
    total = 0.0
    for s, e in spans:
        lo, hi = max(a, s), min(b, e)
        if hi > lo:
            total += (hi - lo).total_seconds()
    return total


def observed_minutes(
    *, started: datetime, ended: datetime | None, session_events: Iterable[EventRecord] = ()
) -> float | None:
    """Observed time of a session in minutes: ``ended - started`` minus paused time.

    Returns None for an open session (``ended`` None). Voided pause/resume events are
    dropped first.
    """
    _check_times(started, ended)
    if ended is None:
        return None
    kept = apply_voids(session_events)
    paused = sum(
        (e - s).total_seconds() for s, e in pause_intervals(kept, started=started, ended=ended)
    )
    return ((ended - started).total_seconds() - paused) / 60.0


def _inside(
    events: list[EventRecord], started: datetime, ended: datetime | None
) -> list[EventRecord]:
    """The events inside the session window (module docstring)."""
    lo = started - _WINDOW
    if ended is None:
        return [e for e in events if lo <= e.t]
    hi = ended + _WINDOW
    return [e for e in events if lo <= e.t <= hi]


def _check_times(started: Any, ended: Any) -> None:
    if not isinstance(started, datetime):
        raise ValueError(f"started: must be a datetime, got {started!r}")
    if ended is not None:
        if not isinstance(ended, datetime):
            raise ValueError(f"ended: must be a datetime or None, got {ended!r}")
        try:
            if ended < started:
                raise ValueError("ended: must not be before started")
        except TypeError:
            raise ValueError("ended: must be timezone-aware like started") from None


# ---------------------------------------------------------------------------------------------
# helpers


def _median(xs: Sequence[float]) -> float:
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def _mean(xs: Sequence[float]) -> float:
    return math.fsum(xs) / len(xs)


def _number(value: Any, where: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{where}: must be a number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{where}: must be >= {minimum}, got {value!r}")
    return float(value)


_TIME_ORDER = attrgetter("t", "id")


def _by_time(events: Iterable[EventRecord]) -> list[EventRecord]:
    return sorted(events, key=_TIME_ORDER)


def _percent(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def _prompt_counts(records: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many records name each prompt, in the order the prompts first appear."""
    counts: dict[str, int] = {}
    for r in records:
        p = r.get("prompt")
        if isinstance(p, str):
            counts[p] = counts.get(p, 0) + 1
    return counts


def _prompt_breakdown(counts: Mapping[str, int], total: int, levels: Sequence[str]) -> dict:
    """Percent of ``total`` at each prompt: the levels first, then any other prompt named."""
    shares: dict[str, int] = dict.fromkeys(levels, 0)
    for prompt, n in counts.items():
        shares[prompt] = shares.get(prompt, 0) + n
    return {k: (100.0 * n / total if total else None) for k, n in shares.items()}


# ---------------------------------------------------------------------------------------------
# per measurement: a fold over the target's events in time order, and a finish
#
# Each measurement is (start, fold, finish): ``fold(state, events, frame)`` takes events in
# (t, id) order and answers a new state (never changing the one given, which may be shared);
# ``finish(measurement, params, state, frame)`` answers the SessionMeasure. Measuring all of
# a session's events at once and measuring them in order, a part at a time, fold the same
# events in the same order: that is what lets sync measure only a session's new events
# (:func:`measure_more`) with this one definition.


class _Frame(NamedTuple):
    """The session a target's events are measured in."""

    started: datetime
    ended: datetime | None
    obs_min: float | None
    pauses: tuple[tuple[datetime, datetime], ...]


def _count_fold(state: tuple, events: Sequence[EventRecord], frame: _Frame) -> tuple:
    n, last, irts = state
    taps = [e.t for e in events if e.kind == "count"]
    if not taps:
        return state
    pauses = frame.pauses
    times = taps if last is None else [last, *taps]
    more = [
        (b - a).total_seconds()
        for a, b in itertools.pairwise(times)
        if not pauses or _overlap_seconds(a, b, pauses) == 0
    ]
    # kept sorted: the median and extremes then need no sort of the whole session
    return n + len(taps), taps[-1], sorted(irts + more) if more else irts


def _count_finish(
    measurement: str, params: Mapping[str, Any], state: tuple, frame: _Frame
) -> SessionMeasure:
    n, _, irts = state
    obs_min = frame.obs_min
    rate = n / obs_min if obs_min else None
    details = {
        "count": float(n),
        "observed_minutes": obs_min,
        "rate_per_minute": rate,
        "irt_n": float(len(irts)),
        "irt_mean_s": _mean(irts) if irts else None,
        "irt_median_s": _median(irts) if irts else None,
        "irt_min_s": irts[0] if irts else None,
        "irt_max_s": irts[-1] if irts else None,
    }
    value = float(n) if measurement == "frequency" else rate
    return SessionMeasure(value, UNITS[measurement], n, details)


def _episode_seconds(start: datetime, stop: datetime, frame: _Frame) -> float:
    """An episode's seconds inside the session, pauses taken out."""
    lo = max(start, frame.started)
    hi = stop if frame.ended is None else min(stop, frame.ended)
    if hi < lo:
        hi = lo
    return (hi - lo).total_seconds() - _overlap_seconds(lo, hi, frame.pauses)


def _duration_fold(state: tuple, events: Sequence[EventRecord], frame: _Frame) -> tuple:
    # A closed episode's seconds are worked out as it closes (the frame is the session's for
    # the whole tally), so finishing after each sync needs no pass over every episode.
    open_starts, seconds, unmatched = state
    marks = [e for e in events if e.kind in ("duration_start", "duration_stop")]
    if not marks:
        return state
    open_starts, seconds = dict(open_starts), list(seconds)
    for e in marks:
        key = e.data.get("episode") if isinstance(e.data, Mapping) else None
        if e.kind == "duration_start":
            open_starts.setdefault(key, e.t)
        elif key in open_starts:
            seconds.append(_episode_seconds(open_starts.pop(key), e.t, frame))
        else:
            unmatched += 1
    return open_starts, seconds, unmatched


def _duration_finish(
    measurement: str, params: Mapping[str, Any], state: tuple, frame: _Frame
) -> SessionMeasure:
    open_starts, closed, unmatched = state
    obs_min, ended = frame.obs_min, frame.ended
    secs = list(closed)
    open_left = 0
    for t0 in open_starts.values():
        if ended is None:
            open_left += 1
        else:  # an episode still open when the session ended lasts until the end
            secs.append(_episode_seconds(t0, ended, frame))
    total = math.fsum(secs)
    details = {
        "total_duration_s": total,
        "episodes": float(len(secs)),
        "mean_episode_s": _mean(secs) if secs else None,
        "median_episode_s": _median(secs) if secs else None,
        "longest_episode_s": max(secs) if secs else None,
        "percent_of_session": _percent(total, obs_min * 60.0) if obs_min is not None else None,
        "observed_minutes": obs_min,
        "open_episodes": float(open_left),
        "closed_at_end": float(len(open_starts) - open_left),
        "unmatched_stops": float(unmatched),
    }
    return SessionMeasure(total, UNITS["duration"], len(secs), details)


def _latency_fold(state: tuple, events: Sequence[EventRecord], frame: _Frame) -> tuple:
    # A no-response trial enters at its wait (a censored latency), so the mean is a lower
    # bound rather than a mean of the easy trials only; the count is reported beside it.
    # Latencies are kept sorted (merging a few into a sorted list is cheap), so finishing
    # after each sync needs no sort of every latency so far.
    xs, responded = [], []
    for e in events:
        if e.kind == "latency":
            data = e.data if isinstance(e.data, Mapping) else {}
            seconds = _number(data.get("seconds"), f"events[{e.id}].data.seconds", minimum=0)
            xs.append(seconds)
            if data.get("no_response") is not True:
                responded.append(seconds)
    if not xs:
        return state
    return sorted(state[0] + xs), state[1] + responded


def _latency_finish(
    measurement: str, params: Mapping[str, Any], state: tuple, frame: _Frame
) -> SessionMeasure:
    xs, responded = state
    details = {
        "mean_latency_s": _mean(xs) if xs else None,
        "median_latency_s": _median(xs) if xs else None,
        "min_latency_s": xs[0] if xs else None,
        "max_latency_s": xs[-1] if xs else None,
        "no_response": float(len(xs) - len(responded)),
        "mean_latency_responded_s": _mean(responded) if responded else None,
    }
    return SessionMeasure(details["mean_latency_s"], UNITS["latency"], len(xs), details)


# An interval's mark (scored true, false or None: skipped) -> its place in the counts.
_INTERVAL_COUNT = {True: 0, False: 1, None: 2}


def _interval_fold(state: tuple, events: Sequence[EventRecord], frame: _Frame) -> tuple:
    # The latest mark of each interval (the later record counts), and how many intervals
    # are scored, unscored and skipped, kept as marks change: finishing after each sync
    # needs no pass over every interval.
    marks = [e for e in events if e.kind == "interval"]
    if not marks:
        return state
    latest, counts = dict(state[0]), list(state[1])
    for e in marks:
        data = e.data if isinstance(e.data, Mapping) else {}
        idx = data.get("index")
        if isinstance(idx, bool) or not isinstance(idx, int) or idx < 0:
            raise ValueError(f"events[{e.id}].data.index: must be an integer >= 0, got {idx!r}")
        scored = data.get("scored")
        if scored is not None and not isinstance(scored, bool):
            raise ValueError(f"events[{e.id}].data.scored: must be true, false or null")
        if idx in latest:
            counts[_INTERVAL_COUNT[latest[idx]]] -= 1
        latest[idx] = scored
        counts[_INTERVAL_COUNT[scored]] += 1
    return latest, tuple(counts)


def _interval_finish(
    measurement: str, params: Mapping[str, Any], state: tuple, frame: _Frame
) -> SessionMeasure:
    scored_n, unscored_n, skipped = state[1]
    observed = scored_n + unscored_n
    planned: float | None
    try:
        minutes = float(params["observation_minutes"])
        planned = float(math.floor(minutes * 60 / float(params["interval_seconds"])))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        planned = None
    value = _percent(scored_n, observed)
    details = {
        "percent_of_intervals": value,
        "intervals_scored": float(scored_n),
        "intervals_unscored": float(unscored_n),
        "intervals_skipped": float(skipped),
        "intervals_observed": float(observed),
        "intervals_planned": planned,
    }
    return SessionMeasure(value, UNITS[measurement], observed, details)


def _result(data: Mapping[str, Any], e: EventRecord) -> str:
    result = data.get("result")
    if result not in ("correct", "incorrect", "no_response"):
        raise ValueError(
            f"events[{e.id}].data.result: must be correct, incorrect or no_response, got {result!r}"
        )
    return result


def _levels(params: Mapping[str, Any], default: Sequence[str]) -> list[str]:
    levels = params.get("prompt_levels") if isinstance(params, Mapping) else None
    if isinstance(levels, Sequence) and not isinstance(levels, str):
        return [str(x) for x in levels]
    return list(default)


# DTT's state: trials, independent correct, correct at any prompt, incorrect, no response,
# and trials by prompt (first seen first): counts, so finishing after each sync needs no pass
# over every trial.
_NO_TRIALS = (0, 0, 0, 0, 0, MappingProxyType({}))


def _dtt_fold(state: tuple, events: Sequence[EventRecord], frame: _Frame) -> tuple:
    trials = [e for e in events if e.kind == "trial"]
    if not trials:
        return state
    n, independent, correct, incorrect, no_response, prompts = state
    prompts = dict(prompts)
    for e in trials:
        data = e.data if isinstance(e.data, Mapping) else {}
        result = _result(data, e)
        prompt = data.get("prompt")
        n += 1
        if result == "correct":
            correct += 1
            if prompt == "independent":
                independent += 1
        elif result == "incorrect":
            incorrect += 1
        else:
            no_response += 1
        if isinstance(prompt, str):
            prompts[prompt] = prompts.get(prompt, 0) + 1
    return n, independent, correct, incorrect, no_response, prompts


def _dtt_finish(
    measurement: str, params: Mapping[str, Any], state: tuple, frame: _Frame
) -> SessionMeasure:
    n, independent, correct, incorrect, no_response, prompts = state
    details = {
        "trials": float(n),
        "independent_correct": float(independent),
        "percent_independent_correct": _percent(independent, n),
        "correct_any_prompt": float(correct),
        "percent_correct_any_prompt": _percent(correct, n),
        "incorrect": float(incorrect),
        "no_response": float(no_response),
        "percent_by_prompt": _prompt_breakdown(prompts, n, _levels(params, ["independent"])),
    }
    return SessionMeasure(details["percent_independent_correct"], UNITS["dtt"], n, details)


def _task_analysis_fold(state: dict, events: Sequence[EventRecord], frame: _Frame) -> dict:
    latest = dict(state)  # step -> its record; the later record counts
    for e in events:
        if e.kind != "step":
            continue
        data = e.data if isinstance(e.data, Mapping) else {}
        idx = data.get("step")
        if isinstance(idx, bool) or not isinstance(idx, int) or idx < 0:
            raise ValueError(f"events[{e.id}].data.step: must be an integer >= 0, got {idx!r}")
        _result(data, e)
        latest[idx] = data
    return latest


def _task_analysis_finish(
    measurement: str, params: Mapping[str, Any], latest: dict, frame: _Frame
) -> SessionMeasure:
    steps = list(latest.values())
    n = len(steps)
    indep = sum(1 for d in steps if d["result"] == "correct" and d.get("prompt") == "independent")
    planned = params.get("steps")
    total = len(planned) if isinstance(planned, Sequence) and not isinstance(planned, str) else None
    details = {
        "steps_scored": float(n),
        "steps_independent": float(indep),
        "steps_total": None if total is None else float(total),
        "percent_independent": _percent(indep, n),
        "percent_of_all_steps": _percent(indep, total) if total else None,
        "percent_by_prompt": _prompt_breakdown(
            _prompt_counts(steps),
            n,
            _levels(params, ["independent", "gestural", "model", "physical"]),
        ),
    }
    return SessionMeasure(details["percent_independent"], UNITS["task_analysis"], n, details)


def _rating_fold(state: list, events: Sequence[EventRecord], frame: _Frame) -> list:
    xs = []  # kept sorted, as latencies are
    for e in events:
        if e.kind == "rating":
            data = e.data if isinstance(e.data, Mapping) else {}
            xs.append(_number(data.get("value"), f"events[{e.id}].data.value"))
    return sorted(state + xs) if xs else state


def _rating_finish(
    measurement: str, params: Mapping[str, Any], xs: list, frame: _Frame
) -> SessionMeasure:
    details = {
        "mean_rating": _mean(xs) if xs else None,
        "median_rating": _median(xs) if xs else None,
        "min_rating": xs[0] if xs else None,
        "max_rating": xs[-1] if xs else None,
    }
    return SessionMeasure(details["mean_rating"], UNITS["rating"], len(xs), details)


def _abc_fold(state: tuple, events: Sequence[EventRecord], frame: _Frame) -> tuple:
    records, by_behavior = state
    abc = [e for e in events if e.kind == "abc"]
    if not abc:
        return state
    by_behavior = dict(by_behavior)
    for e in abc:
        b = e.data.get("behavior") if isinstance(e.data, Mapping) else None
        if isinstance(b, str) and b.strip():
            by_behavior[b.strip()] = by_behavior.get(b.strip(), 0.0) + 1.0
    return records + len(abc), by_behavior


def _abc_finish(
    measurement: str, params: Mapping[str, Any], state: tuple, frame: _Frame
) -> SessionMeasure:
    records, by_behavior = state
    details = {"records": float(records), "by_behavior": dict(sorted(by_behavior.items()))}
    return SessionMeasure(float(records), UNITS["abc"], records, details)


class _Measure(NamedTuple):
    start: Any
    fold: Callable[[Any, Sequence[EventRecord], _Frame], Any]
    finish: Callable[[str, Mapping[str, Any], Any, _Frame], SessionMeasure]


_COUNT = _Measure((0, None, []), _count_fold, _count_finish)
_INTERVALS = _Measure((MappingProxyType({}), (0, 0, 0)), _interval_fold, _interval_finish)
_MEASURES: Mapping[str, _Measure] = MappingProxyType(
    {
        "frequency": _COUNT,
        "rate": _COUNT,
        "duration": _Measure(({}, [], 0), _duration_fold, _duration_finish),
        "latency": _Measure(([], []), _latency_fold, _latency_finish),
        **dict.fromkeys(_INTERVAL, _INTERVALS),
        "dtt": _Measure(_NO_TRIALS, _dtt_fold, _dtt_finish),
        "task_analysis": _Measure({}, _task_analysis_fold, _task_analysis_finish),
        "rating": _Measure([], _rating_fold, _rating_finish),
        "abc": _Measure((0, {}), _abc_fold, _abc_finish),
    }
)


# ---------------------------------------------------------------------------------------------
# entry points


def measure_session(
    measurement: str,
    params: Mapping[str, Any],
    events: Sequence[EventRecord],
    *,
    started: datetime,
    ended: datetime | None,
    tracked: bool = True,
    session_events: Sequence[EventRecord] = (),
) -> SessionMeasure | None:
    """One target's value for one session.

    Parameters
    ----------
    measurement : str
        The target's measurement type (one of :data:`MEASUREMENTS`).
    params : Mapping
        The target's measurement parameters (``interval_seconds``, ``prompt_levels``,
        ``steps``...); only used for details.
    events : sequence of EventRecord
        The target's events in the session, any order (may include ``void`` and ``note``).
    started, ended : datetime
        Session start and end (``ended`` None while the session is open). Events outside
        ``[started - tol, ended + tol]`` are left out (the session window, module docstring).
    tracked : bool, optional
        Whether the target was part of the session (in the session's ``target_ids``).
    session_events : sequence of EventRecord, optional
        The session-level events: ``pause``/``resume`` and ``void`` events (other kinds are
        ignored).

    Returns
    -------
    SessionMeasure or None
        None when the target was not tracked and has no events (no value, not 0).

    Raises
    ------
    ValueError
        Unknown measurement, bad times, or an event payload that breaks docs/api.md.

    See the module docstring for the conventions on voids, pauses, open episodes, skipped
    intervals and prompt levels.
    """
    return tally_session(
        measurement,
        params,
        events,
        started=started,
        ended=ended,
        tracked=tracked,
        session_events=session_events,
    )[0]


@dataclass(frozen=True, slots=True)
class Tally:
    """Where measuring one target's events in one session got to: enough to measure the
    same session with more of the target's events without the earlier ones
    (:func:`measure_more`). Made by :func:`tally_session` and :func:`measure_more`.

    Attributes
    ----------
    measurement, params, tracked
        What the events were measured with; :func:`measure_more` goes on only with the same
        (and the same start and end, ``frame``'s).
    events, session_events : int
        How many target events and session-level events were given.
    last : tuple of (datetime, str) or None
        (time, id) of the latest event folded in: only later events can be folded in after it.
    counted : bool
        Whether any target event was inside the session window.
    frame, state
        The session as measured (start, end, observed minutes, pauses), and the
        measurement's fold of the events so far.
    """

    measurement: str
    params: Mapping[str, Any]
    tracked: bool
    events: int
    session_events: int
    last: tuple[datetime, str] | None
    counted: bool
    frame: _Frame
    state: Any


def tally_session(
    measurement: str,
    params: Mapping[str, Any],
    events: Sequence[EventRecord],
    *,
    started: datetime,
    ended: datetime | None,
    tracked: bool = True,
    session_events: Sequence[EventRecord] = (),
) -> tuple[SessionMeasure | None, Tally | None]:
    """:func:`measure_session`, and the :class:`Tally` to measure more events of the session
    with (:func:`measure_more`).

    Returns
    -------
    (SessionMeasure or None, Tally or None)
        The measure as :func:`measure_session` gives it, and the tally; the tally is None
        when any event is a ``void`` (a void may name an event stored after it, so every
        later measure of the session starts from all of its events).

    Raises
    ------
    ValueError
        As :func:`measure_session`.
    """
    unit_for(measurement)
    _check_times(started, ended)
    evs = list(events)
    sevs = list(session_events)
    _check_records("events", evs)
    _check_records("session_events", sevs)
    everything = evs + sevs
    kept = _without_voided(everything)
    voided = kept is not everything
    if voided:  # keep what the voids left
        kept_ids = {e.id for e in kept}
        evs = [e for e in evs if e.id in kept_ids]
        sevs = [e for e in sevs if e.id in kept_ids]
    target_events = _inside(
        [e for e in evs if e.kind != "void" and e.kind != "note"], started, ended
    )
    target_events.sort(key=_TIME_ORDER)
    session_kept = _inside([e for e in sevs if e.kind != "void"], started, ended)
    params = params if isinstance(params, Mapping) else {}
    pauses = tuple(pause_intervals(session_kept, started=started, ended=ended))
    obs_min = None
    if ended is not None:
        paused = sum((e - s).total_seconds() for s, e in pauses)
        obs_min = ((ended - started).total_seconds() - paused) / 60.0
    frame = _Frame(started, ended, obs_min, pauses)
    measure = _MEASURES[measurement]
    state = measure.fold(measure.start, target_events, frame)
    tally = None
    if not voided:
        last = _TIME_ORDER(target_events[-1]) if target_events else None
        tally = Tally(
            measurement,
            params,
            tracked,
            len(events),
            len(session_events),
            last,
            bool(target_events),
            frame,
            state,
        )
    if not tracked and not target_events:
        return None, tally
    return measure.finish(measurement, params, state, frame), tally


def measure_more(
    tally: Tally,
    more: Sequence[EventRecord],
    *,
    measurement: str,
    params: Mapping[str, Any],
    started: datetime,
    ended: datetime | None,
    tracked: bool = True,
    session_events: int,
) -> tuple[SessionMeasure | None, Tally] | None:
    """Measure a session again with more of the target's events, from where ``tally`` got
    to instead of from all of them.

    Parameters
    ----------
    tally : Tally
        From :func:`tally_session` or :func:`measure_more` for this target and session.
    more : sequence of EventRecord
        The target's events after the ``tally.events`` it was measured from.
    measurement, params, started, ended, tracked
        As for :func:`measure_session`.
    session_events : int
        How many session-level events the session holds now.

    Returns
    -------
    (SessionMeasure or None, Tally) or None
        What :func:`tally_session` would answer for all the events, and the new tally; None
        when folding ``more`` in could answer otherwise, so the caller must measure all the
        events: the session, its session-level events, the target's measurement or
        parameters differ from the tally's, or one of ``more`` is a ``void`` or is not
        later (by time, then id) than every event the tally holds.

    Raises
    ------
    ValueError
        An event payload that breaks docs/api.md.
    """
    params = params if isinstance(params, Mapping) else {}
    same = (measurement, params, started, ended, tracked, session_events) == (
        tally.measurement,
        tally.params,
        tally.frame.started,
        tally.frame.ended,
        tally.tracked,
        tally.session_events,
    )
    items = list(more)
    _check_records("more", items)
    if not same or any(e.kind == "void" for e in items):
        return None
    fresh = _inside([e for e in items if e.kind != "note"], started, ended)
    fresh.sort(key=_TIME_ORDER)
    if fresh and tally.last is not None and _TIME_ORDER(fresh[0]) <= tally.last:
        return None
    measure = _MEASURES[measurement]
    state = measure.fold(tally.state, fresh, tally.frame) if fresh else tally.state
    tally = replace(
        tally,
        events=tally.events + len(items),
        last=_TIME_ORDER(fresh[-1]) if fresh else tally.last,
        counted=tally.counted or bool(fresh),
        state=state,
    )
    if not tracked and not tally.counted:
        return None, tally
    return measure.finish(measurement, params, state, tally.frame), tally


def measure_fidelity(session_events: Sequence[EventRecord]) -> SessionMeasure | None:
    """Treatment fidelity of a fidelity session from its ``fidelity`` events.

    Parameters
    ----------
    session_events : sequence of EventRecord
        The session-level events; ``fidelity`` events carry ``{"step", "opportunity",
        "value"}`` with value true, false or null (not applicable). Voids are applied; for a
        cell recorded twice the later record counts.

    Returns
    -------
    SessionMeasure or None
        ``value`` = individual-component fidelity (correct / applicable step-opportunities
        * 100), with the all-or-nothing by-trial and by-component figures in ``details``;
        None when there is no fidelity event. A step not recorded on an opportunity is
        treated as not applicable.
    """
    kept = apply_voids(session_events)
    cells: dict[tuple[int, int], bool | None] = {}
    for e in _by_time(ev for ev in kept if ev.kind == "fidelity"):
        data = e.data if isinstance(e.data, Mapping) else {}
        step, opp, val = data.get("step"), data.get("opportunity", 0), data.get("value")
        for name, v in (("step", step), ("opportunity", opp)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"events[{e.id}].data.{name}: must be an integer >= 0")
        if val is not None and not isinstance(val, bool):
            raise ValueError(f"events[{e.id}].data.value: must be true, false or null")
        cells[(opp, step)] = val
    if not cells:
        return None
    opps = sorted({o for o, _ in cells})
    steps = sorted({s for _, s in cells})
    matrix = [[cells.get((o, s)) for s in steps] for o in opps]
    applicable = sum(1 for row in matrix for c in row if c is not None)
    details = {
        "opportunities": float(len(opps)),
        "steps": float(len(steps)),
        "percent_individual_component": fidelity_individual_component(matrix),
        "percent_all_or_nothing_by_trial": fidelity_all_or_nothing_by_trial(matrix),
        "percent_all_or_nothing_by_component": fidelity_all_or_nothing_by_component(matrix),
    }
    return SessionMeasure(
        details["percent_individual_component"], FIDELITY_UNIT, applicable, details
    )
