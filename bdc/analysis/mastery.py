"""Discrete-trial percentages and mastery criteria.

A mastery criterion reads "``criterion`` percent or better across ``consecutive`` consecutive
sessions", optionally "with at least ``min_trials`` trials per session" and "across at least
``min_observers`` different observers" (a guard against one person's scoring drift).
Reaching the criterion counts: 80 meets an 80% criterion (``>=``).

Sessions without a value for the target (``None``: the target was not run) neither count
toward a run nor break it; indices always refer to positions in the input.

References
----------
Cooper, Heron & Heward (2020), *Applied Behavior Analysis* (3rd ed.), ch. 21 (DTT) and on
mastery criteria; Fuller, J. L., & Fienup, D. M. (2018). A preliminary analysis of mastery
criterion level. *Behavior Analysis in Practice*, 11, 1-8.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bdc.analysis._validation import (
    _is_real,
    as_bool,
    as_list,
    check_percent,
    check_positive_int,
)

__all__ = [
    "CORRECT_LABELS",
    "MasteryResult",
    "MasterySession",
    "dtt_percent_correct",
    "evaluate_mastery",
    "mastery_met",
    "sessions_to_mastery",
]

CORRECT_LABELS = frozenset({"correct", "+", "c", "independent"})


def _trial_correct(trial: Any, name: str) -> bool:
    flag = as_bool(trial)
    if flag is not None:
        return flag
    if isinstance(trial, str):
        return trial.strip().lower() in CORRECT_LABELS
    if isinstance(trial, Mapping):
        result = trial.get("result")
        if not isinstance(result, str):
            raise ValueError(f"{name}.result: must be a string, got {result!r}")
        prompt = trial.get("prompt")
        if prompt is not None and not isinstance(prompt, str):
            raise ValueError(f"{name}.prompt: must be a string or None, got {prompt!r}")
        # case and blanks are ignored, as they are for labels
        return result.strip().lower() == "correct" and (
            prompt is None or prompt.strip().lower() == "independent"
        )
    raise ValueError(
        f"{name}: must be a boolean, a label or a trial record "
        f"{{'result', 'prompt'}}, got {trial!r}"
    )


def dtt_percent_correct(trials: Sequence[Any]) -> float | None:
    """Percentage of discrete trials answered independently and correctly.

    Parameters
    ----------
    trials : sequence
        One entry per trial: a boolean (True = independent correct); a label, of which only
        ``"correct"``, ``"+"``, ``"c"`` and ``"independent"`` count (case and surrounding
        blanks ignored; ``"-"``, ``"p"``, ``"prompted"``, ``"incorrect"``, ``"no_response"``...
        do not); or a trial record ``{"result", "prompt"}`` as recorded by bdc, which counts
        when its ``result`` is ``"correct"`` and its ``prompt`` ``"independent"`` (again
        ignoring case and blanks; a record without ``prompt`` counts on its result).

    Returns
    -------
    float or None
        ``independent correct / all trials * 100``; None when there is no trial.

    Notes
    -----
    Prompted, incorrect and no-response trials stay in the denominator.

    References
    ----------
    Cooper, Heron & Heward (2020), ch. 21; Cook et al. (2015).

    Examples
    --------
    >>> dtt_percent_correct(["+", "+", "-", "p", "+"])
    60.0
    """
    items = as_list(trials, "trials")
    if not items:
        return None
    correct = sum(_trial_correct(t, f"trials[{i}]") for i, t in enumerate(items))
    return 100.0 * correct / len(items)


def _check_criterion(criterion: Any) -> float:
    """A mastery criterion in percent; below 1 is refused as a likely proportion (0.8)."""
    crit = check_percent(criterion, "criterion")
    if crit < 1:
        hint = f" (for {crit:.0%} write {crit * 100:g})" if crit > 0 else ""
        raise ValueError(
            f"criterion: percentages are on 0-100 and a criterion must be at least 1, "
            f"got {criterion!r}{hint}"
        )
    return crit


def _percentages(values: Any) -> list[float | None]:
    out: list[float | None] = []
    for i, v in enumerate(as_list(values, "session_percentages")):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        else:
            out.append(check_percent(v, f"session_percentages[{i}]"))
    return out


def sessions_to_mastery(
    session_percentages: Sequence[float | None], *, criterion: float, consecutive: int
) -> int | None:
    """The session at which a mastery criterion was first met.

    Parameters
    ----------
    session_percentages : sequence of float or None
        The per-session percentage (0-100) in time order; None where the target had no value.
    criterion : float
        Percent required (1-100; a value below 1, such as 0.8, is refused as a likely
        proportion); reached means met (``>=``).
    consecutive : int
        Number of consecutive sessions (>= 1).

    Returns
    -------
    int or None
        1-based index of the session that completes the first run of ``consecutive``
        sessions at or above ``criterion``; None when never met (undefined).

    Examples
    --------
    >>> sessions_to_mastery([60, 80, 90, 70, 80, 85, 100], criterion=80, consecutive=3)
    7
    """
    crit = _check_criterion(criterion)
    k = check_positive_int(consecutive, "consecutive")
    run = 0
    for i, p in enumerate(_percentages(session_percentages)):
        if p is None:
            continue
        run = run + 1 if p >= crit else 0
        if run >= k:
            return i + 1
    return None


def mastery_met(
    session_percentages: Sequence[float | None], *, criterion: float, consecutive: int
) -> bool:
    """Whether ``consecutive`` consecutive sessions at or above ``criterion`` exist.

    Parameters
    ----------
    session_percentages : sequence of float or None
    criterion : float
    consecutive : int

    Returns
    -------
    bool

    See Also
    --------
    sessions_to_mastery, evaluate_mastery
    """
    return (
        sessions_to_mastery(session_percentages, criterion=criterion, consecutive=consecutive)
        is not None
    )


@dataclass(frozen=True)
class MasterySession:
    """One session's figures for a mastery decision.

    Attributes
    ----------
    percent : float or None
        The session value (0-100); None when the target was not run.
    trials : int or None
        Number of trials (or steps, or intervals) behind the percentage.
    observer : hashable or None
        Who collected the data.
    """

    percent: float | None
    trials: int | None = None
    observer: Hashable | None = None


@dataclass(frozen=True)
class MasteryResult:
    """Outcome of :func:`evaluate_mastery`.

    Attributes
    ----------
    met : bool
    session_index : int or None
        1-based index of the session that completed the criterion.
    window_start : int or None
        1-based index of the first session of the qualifying run.
    reason : str or None
        Why the criterion is not met (None when met): ``"no sessions"``, ``"too few
        sessions"``, ``"below criterion"``, ``"too few trials"``, ``"single observer"`` or
        ``"too few observers"``.
    """

    met: bool
    session_index: int | None
    window_start: int | None
    reason: str | None


def _session(item: Any, i: int) -> MasterySession:
    name = f"sessions[{i}]"
    if isinstance(item, MasterySession):
        s = item
    elif item is None or _is_real(item):
        s = MasterySession(percent=item)
    elif isinstance(item, Mapping):
        pct = item.get("percent", item.get("value"))
        s = MasterySession(percent=pct, trials=item.get("trials"), observer=item.get("observer"))
    else:
        pct = getattr(item, "percent", getattr(item, "value", None))
        s = MasterySession(
            percent=pct,
            trials=getattr(item, "trials", None),
            observer=getattr(item, "observer", None),
        )
    pct = s.percent
    if pct is not None and not (isinstance(pct, float) and math.isnan(pct)):
        pct = check_percent(pct, f"{name}.percent")
    else:
        pct = None
    trials = s.trials
    bad_type = not isinstance(trials, numbers.Integral) or isinstance(trials, bool)
    if trials is not None and (bad_type or trials < 0):
        raise ValueError(f"{name}.trials: must be an integer >= 0 or None, got {trials!r}")
    if s.observer is not None and not isinstance(s.observer, Hashable):
        raise ValueError(f"{name}.observer: must be hashable")
    return MasterySession(pct, None if trials is None else int(trials), s.observer)


def evaluate_mastery(
    sessions: Sequence[Any],
    *,
    criterion: float,
    consecutive: int,
    min_trials: int = 0,
    min_observers: int = 1,
) -> MasteryResult:
    """Evaluate a mastery criterion with trial and observer requirements.

    Parameters
    ----------
    sessions : sequence
        In time order; each a :class:`MasterySession`, a mapping with ``percent`` (or
        ``value``), ``trials`` and ``observer``, an object with those attributes, or a plain
        percentage. ``percent`` None means the target was not run that session: skipped.
    criterion : float
        Percent required (0-100, ``>=``).
    consecutive : int
        Consecutive qualifying sessions required (>= 1).
    min_trials : int, optional
        Minimum trials a session needs to qualify (default 0: no minimum). A session below
        it does not qualify, so it **breaks** a run: "consecutive" means consecutive sessions
        run, not consecutive sessions that happened to have enough trials.
    min_observers : int, optional
        The ``consecutive`` sessions that complete the criterion must have been collected by
        at least this many different observers (default 1). Sessions without an observer do
        not add one.

    Returns
    -------
    MasteryResult
        ``met``, the 1-based ``session_index`` at which the criterion was first met and the
        ``window_start`` of that run, or ``reason`` explaining why it is not met. When
        several requirements fail the reason names the first one a run failed on, in the
        order percentage, trials, observers.

    Examples
    --------
    >>> evaluate_mastery([90, 85, 95], criterion=80, consecutive=3).session_index
    3
    >>> evaluate_mastery(
    ...     [{"percent": 90, "observer": "ana"}] * 3, criterion=80, consecutive=3,
    ...     min_observers=2).reason
    'single observer'
    """
    crit = _check_criterion(criterion)
    k = check_positive_int(consecutive, "consecutive")
    need_trials = check_positive_int(min_trials, "min_trials", minimum=0)
    need_obs = check_positive_int(min_observers, "min_observers")
    rows = [_session(s, i) for i, s in enumerate(as_list(sessions, "sessions"))]

    run_pct: list[int] = []  # indices of the current run meeting the percentage only
    run_full: list[int] = []  # ... meeting percentage and trials
    seen = 0
    pct_window = full_window = False
    best_obs = 0
    for i, s in enumerate(rows):
        if s.percent is None:
            continue
        seen += 1
        pct_ok = s.percent >= crit
        trials_ok = need_trials == 0 or (s.trials is not None and s.trials >= need_trials)
        run_pct = [*run_pct, i] if pct_ok else []
        run_full = [*run_full, i] if (pct_ok and trials_ok) else []
        pct_window = pct_window or len(run_pct) >= k
        if len(run_full) >= k:
            full_window = True
            window = run_full[-k:]
            observers = {rows[j].observer for j in window if rows[j].observer is not None}
            best_obs = max(best_obs, len(observers))
            if need_obs == 1 or len(observers) >= need_obs:
                return MasteryResult(True, i + 1, window[0] + 1, None)
    if seen == 0:
        reason = "no sessions"
    elif full_window:
        reason = "single observer" if best_obs == 1 else "too few observers"
    elif pct_window:
        reason = "too few trials"
    elif seen < k:
        reason = "too few sessions"
    else:
        reason = "below criterion"
    return MasteryResult(False, None, None, reason)
