"""Interobserver agreement (IOA).

Definitions follow Cooper, Heron & Heward (2020), *Applied Behavior Analysis* (3rd ed.),
ch. 5, with the worked numbers of Reed & Azulay (2011), "A Microsoft Excel 2010 based tool for
calculating interobserver agreement", *Behavior Analysis in Practice* 4(2), 45-52
(PMC3357100). Reed & Azulay's names map onto Cooper's: "partial agreement-within-intervals" =
mean count-per-interval, "exact agreement" = exact count-per-interval, "mean duration-per-
interval" = mean duration-per-occurrence.

All percentages are on 0-100 and unrounded. A result that is 0/0 is ``None``; it is never
reported as 0 or 100 except where the convention of the source says so (total count and total
duration with both observers at 0 give 100; an interval in which both observers counted 0, and
a duration pair of 0 and 0, score 1.0).

Besides the agreement indices this module builds their inputs: per-interval counts from two
observers' timestamped event streams (:func:`paired_interval_counts`), the pairing of primary
and reliability sessions (:func:`pair_ioa_sessions`) and a caseload summary of IOA coverage
and level (:func:`ioa_caseload_summary`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bdc.analysis._validation import _is_real, as_bool, as_float_list, as_list, mean, same_length

__all__ = [
    "IOACoverage",
    "IOAPair",
    "IOARecord",
    "IntervalCounts",
    "bin_event_counts",
    "cohen_kappa",
    "ioa_caseload_summary",
    "ioa_exact_count_per_interval",
    "ioa_interval_by_interval",
    "ioa_mean_count_per_interval",
    "ioa_mean_duration_per_occurrence",
    "ioa_scored_interval",
    "ioa_total_count",
    "ioa_total_duration",
    "ioa_trial_by_trial",
    "ioa_unscored_interval",
    "pair_ioa_sessions",
    "paired_interval_counts",
]


# ---------------------------------------------------------------------------------------------
# helpers


def _nonneg_total(value: Any, name: str) -> float:
    if not _is_real(value) or not math.isfinite(float(value)) or float(value) < 0:
        raise ValueError(f"{name}: must be a number >= 0, got {value!r}")
    return float(value)


def _nonneg_list(values: Any, name: str) -> list[float]:
    xs = as_float_list(values, name)
    for i, x in enumerate(xs):
        if x < 0:
            raise ValueError(f"{name}[{i}]: must be >= 0, got {x!r}")
    return xs


def _smaller_over_larger(a: float, b: float) -> float:
    """min/max with the 0/0 pair scoring 1.0 (Reed & Azulay 2011, Fig. 1 intervals 5-14)."""
    hi = max(a, b)
    if hi == 0:
        return 1.0
    return min(a, b) / hi


def _pair_lists(observer1: Any, observer2: Any) -> tuple[list[Any], list[Any]]:
    o1 = as_list(observer1, "observer1")
    o2 = as_list(observer2, "observer2")
    same_length(o1, o2, "observer1", "observer2")
    return o1, o2


def _scored(value: Any, name: str) -> bool | None:
    """An interval record as scored (True), unscored (False) or skipped (None)."""
    if value is None:
        return None
    flag = as_bool(value)
    if flag is not None:
        return flag
    if _is_real(value) and math.isfinite(float(value)) and float(value) >= 0:
        return float(value) > 0
    raise ValueError(f"{name}: must be booleans, counts >= 0 or None, got {value!r}")


def _unrecorded(code: Any) -> bool:
    """A trial code that stands for "not recorded": None or a float NaN."""
    return code is None or (isinstance(code, float) and math.isnan(code))


def _recorded_code_pairs(observer1: Any, observer2: Any) -> list[tuple[Any, Any]]:
    """Pairs of codes of the trials both observers recorded (see :func:`ioa_trial_by_trial`)."""
    o1, o2 = _pair_lists(observer1, observer2)
    return [
        (a, b) for a, b in zip(o1, o2, strict=True) if not _unrecorded(a) and not _unrecorded(b)
    ]


def _interval_pairs(observer1: Any, observer2: Any) -> list[tuple[bool, bool]]:
    o1, o2 = _pair_lists(observer1, observer2)
    pairs = []
    for i, (a, b) in enumerate(zip(o1, o2, strict=True)):
        sa = _scored(a, f"observer1[{i}]")
        sb = _scored(b, f"observer2[{i}]")
        if sa is None or sb is None:
            continue
        pairs.append((sa, sb))
    return pairs


# ---------------------------------------------------------------------------------------------
# event-recording IOA


def ioa_total_count(observer1: float, observer2: float) -> float:
    """Total count IOA.

    Parameters
    ----------
    observer1, observer2 : float
        Each observer's session total (a count >= 0).

    Returns
    -------
    float
        ``min(c1, c2) / max(c1, c2) * 100``.

    Notes
    -----
    Both totals 0 gives **100** (the observers agree that nothing happened; Cooper et al. 2020
    ch. 5). Total count IOA says nothing about whether the observers counted the *same*
    responses (Reed & Azulay 2011, Fig. 1: 5 and 5 is 100% although the responses differ).

    References
    ----------
    Cooper, Heron & Heward (2020), ch. 5; Reed & Azulay (2011), Fig. 1.

    Examples
    --------
    >>> ioa_total_count(8, 10)
    80.0
    """
    a = _nonneg_total(observer1, "observer1")
    b = _nonneg_total(observer2, "observer2")
    return 100.0 * _smaller_over_larger(a, b)


def ioa_mean_count_per_interval(
    observer1: Sequence[float], observer2: Sequence[float]
) -> float | None:
    """Mean count-per-interval IOA ("partial agreement-within-intervals").

    Parameters
    ----------
    observer1, observer2 : sequence of float
        Counts per interval (equally long, >= 0).

    Returns
    -------
    float or None
        ``mean_i(min(c1_i, c2_i) / max(c1_i, c2_i)) * 100``; None when there is no interval.

    Notes
    -----
    An interval in which both observers recorded 0 scores **1.0**: in Reed & Azulay (2011)
    Fig. 1, intervals 5-14 count 1.0 each and the result is 10.5 / 15 = 70%.

    References
    ----------
    Cooper, Heron & Heward (2020), ch. 5; Reed & Azulay (2011), Fig. 1.
    """
    o1 = _nonneg_list(observer1, "observer1")
    o2 = _nonneg_list(observer2, "observer2")
    same_length(o1, o2, "observer1", "observer2")
    if not o1:
        return None
    return (
        100.0 * math.fsum(_smaller_over_larger(a, b) for a, b in zip(o1, o2, strict=True)) / len(o1)
    )


def ioa_exact_count_per_interval(
    observer1: Sequence[float], observer2: Sequence[float]
) -> float | None:
    """Exact count-per-interval IOA ("exact agreement").

    Parameters
    ----------
    observer1, observer2 : sequence of float
        Counts per interval (equally long, >= 0).

    Returns
    -------
    float or None
        Intervals with identical counts / intervals * 100; None when there is no interval.

    Notes
    -----
    0 and 0 is an exact agreement (Reed & Azulay 2011, Fig. 1: 10 / 15 = 66.7%).

    References
    ----------
    Cooper, Heron & Heward (2020), ch. 5; Reed & Azulay (2011), Fig. 1.
    """
    o1 = _nonneg_list(observer1, "observer1")
    o2 = _nonneg_list(observer2, "observer2")
    same_length(o1, o2, "observer1", "observer2")
    if not o1:
        return None
    return 100.0 * sum(a == b for a, b in zip(o1, o2, strict=True)) / len(o1)


def ioa_trial_by_trial(observer1: Sequence[Any], observer2: Sequence[Any]) -> float | None:
    """Trial-by-trial IOA.

    Parameters
    ----------
    observer1, observer2 : sequence
        One code per trial (booleans, ``"+"``/``"-"``, prompt codes...), equally long. None
        or NaN marks a trial the observer did not record.

    Returns
    -------
    float or None
        Trials with the same code / trials both observers recorded * 100; None when no trial
        was recorded by both.

    Notes
    -----
    **Unrecorded trials** (None or NaN from either observer) are left out of both the
    numerator and the denominator, as skipped intervals are in interval IOA: two blanks are
    not an agreement, and a blank against a code is not a disagreement either (a trial one
    observer missed says nothing about agreement). Codes are compared by value with ``==``:
    ``True``, ``1`` and ``1.0`` are the same code (a client may send a boolean as a number);
    strings are compared exactly. This is Cooper's definition (agreements per trial over
    trials); the "smaller / larger" wording found in some practitioner posts is the total
    count formula and is wrong for trial data.

    References
    ----------
    Cooper, Heron & Heward (2020), ch. 5; Reed & Azulay (2011).
    """
    pairs = _recorded_code_pairs(observer1, observer2)
    if not pairs:
        return None
    return 100.0 * sum(a == b for a, b in pairs) / len(pairs)


# ---------------------------------------------------------------------------------------------
# duration IOA


def ioa_total_duration(observer1: float, observer2: float) -> float:
    """Total duration IOA.

    Parameters
    ----------
    observer1, observer2 : float
        Each observer's total duration (any unit, >= 0).

    Returns
    -------
    float
        ``shorter / longer * 100``; both 0 gives 100.

    References
    ----------
    Cooper, Heron & Heward (2020), ch. 5; Reed & Azulay (2011), Fig. 3.
    """
    # The same ratio as total count IOA, applied to seconds.
    return ioa_total_count(observer1, observer2)


def ioa_mean_duration_per_occurrence(
    observer1: Sequence[float], observer2: Sequence[float]
) -> float | None:
    """Mean duration-per-occurrence IOA (Reed & Azulay: "mean duration-per-interval").

    Parameters
    ----------
    observer1, observer2 : sequence of float
        Durations of the same occurrences, paired by position (equally long, >= 0).

    Returns
    -------
    float or None
        ``mean_i(shorter_i / longer_i) * 100``; None when there is no occurrence.

    Notes
    -----
    A pair of 0 and 0 scores 1.0. Reed & Azulay (2011) Fig. 3: per-occurrence agreements of
    99.7, 2.3, 69.2 and 92.7% give 66% where total duration IOA is much higher.

    References
    ----------
    Cooper, Heron & Heward (2020), ch. 5; Reed & Azulay (2011), Fig. 3.
    """
    o1 = _nonneg_list(observer1, "observer1")
    o2 = _nonneg_list(observer2, "observer2")
    same_length(o1, o2, "observer1", "observer2")
    if not o1:
        return None
    return (
        100.0 * math.fsum(_smaller_over_larger(a, b) for a, b in zip(o1, o2, strict=True)) / len(o1)
    )


# ---------------------------------------------------------------------------------------------
# interval-recording IOA


def ioa_interval_by_interval(observer1: Sequence[Any], observer2: Sequence[Any]) -> float | None:
    """Interval-by-interval IOA.

    Parameters
    ----------
    observer1, observer2 : sequence
        Per interval: True/False (scored/unscored), a count (> 0 is scored) or None
        (interval skipped, not observed). Equally long.

    Returns
    -------
    float or None
        Intervals on which the observers agree (both scored or both unscored) / intervals
        * 100; None when no interval is left.

    Notes
    -----
    An interval skipped (None) by either observer is left out of numerator and denominator.

    References
    ----------
    Cooper, Heron & Heward (2020), ch. 5; Reed & Azulay (2011), Fig. 2 (5 / 7 = 71.4%).
    """
    pairs = _interval_pairs(observer1, observer2)
    if not pairs:
        return None
    return 100.0 * sum(a == b for a, b in pairs) / len(pairs)


def ioa_scored_interval(observer1: Sequence[Any], observer2: Sequence[Any]) -> float | None:
    """Scored-interval IOA (occurrence agreement).

    Parameters
    ----------
    observer1, observer2 : sequence
        As for :func:`ioa_interval_by_interval`.

    Returns
    -------
    float or None
        Among intervals scored by at least one observer: intervals scored by both / those
        intervals * 100. **None** when no interval was scored by anyone (undefined).

    References
    ----------
    Cooper, Heron & Heward (2020), ch. 5; Reed & Azulay (2011), Fig. 2 (2 / 4 = 50%).
    """
    pairs = [p for p in _interval_pairs(observer1, observer2) if p[0] or p[1]]
    if not pairs:
        return None
    return 100.0 * sum(a and b for a, b in pairs) / len(pairs)


def ioa_unscored_interval(observer1: Sequence[Any], observer2: Sequence[Any]) -> float | None:
    """Unscored-interval IOA (nonoccurrence agreement).

    Parameters
    ----------
    observer1, observer2 : sequence
        As for :func:`ioa_interval_by_interval`.

    Returns
    -------
    float or None
        Among intervals left unscored by at least one observer: intervals unscored by both /
        those intervals * 100. **None** when every interval was scored by both (undefined).

    References
    ----------
    Cooper, Heron & Heward (2020), ch. 5; Reed & Azulay (2011), Fig. 2 (intervals 5 and 6,
    scored by both, are dropped).
    """
    pairs = [p for p in _interval_pairs(observer1, observer2) if not (p[0] and p[1])]
    if not pairs:
        return None
    return 100.0 * sum((not a) and (not b) for a, b in pairs) / len(pairs)


def cohen_kappa(observer1: Sequence[Hashable], observer2: Sequence[Hashable]) -> float | None:
    """Cohen's kappa for two observers' codes.

    Parameters
    ----------
    observer1, observer2 : sequence of hashable
        One label per item (booleans, strings, numbers...), equally long.

    Returns
    -------
    float or None
        ``(po - pe) / (1 - pe)`` with ``po`` the observed proportion of agreement and
        ``pe = sum_c p1(c) * p2(c)`` the agreement expected from each observer's marginal
        proportions. None when there is no item or ``pe == 1`` (both observers used one and
        the same label throughout: 0/0).

    Notes
    -----
    A coefficient, not a percentage: at most 1, 0 at chance agreement, negative below chance.
    Items either observer did not record (None or NaN) are left out, and labels are compared
    by value, as in :func:`ioa_trial_by_trial` (``True``, ``1`` and ``1.0`` are one label).

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
    Psychological Measurement*, 20, 37-46.
    """
    o1, o2 = _pair_lists(observer1, observer2)
    for name, obs in (("observer1", o1), ("observer2", o2)):
        for i, v in enumerate(obs):
            if not isinstance(v, Hashable):
                raise ValueError(f"{name}[{i}]: labels must be hashable, got {v!r}")
    pairs = _recorded_code_pairs(o1, o2)
    n = len(pairs)
    if n == 0:
        return None
    po = sum(a == b for a, b in pairs) / n
    c1: dict[Hashable, int] = {}
    c2: dict[Hashable, int] = {}
    for a, b in pairs:
        c1[a] = c1.get(a, 0) + 1
        c2[b] = c2.get(b, 0) + 1
    pe = math.fsum(c1[k] * c2.get(k, 0) for k in c1) / (n * n)
    if pe >= 1.0:
        return None
    return (po - pe) / (1.0 - pe)


# ---------------------------------------------------------------------------------------------
# building per-interval data from event streams


TimeLike = datetime | float | int


def _to_seconds(t: Any, origin: Any, name: str) -> float:
    if isinstance(t, datetime):
        if not isinstance(origin, datetime):
            raise ValueError(f"{name}: mixes datetimes and numbers")
        return (t - origin).total_seconds()
    if _is_real(t) and math.isfinite(float(t)):
        if isinstance(origin, datetime):
            raise ValueError(f"{name}: mixes datetimes and numbers")
        return float(t) - float(origin)
    raise ValueError(f"{name}: must be a datetime or a number of seconds, got {t!r}")


def bin_event_counts(
    times: Iterable[TimeLike],
    *,
    start: TimeLike,
    end: TimeLike,
    bin_seconds: float = 10.0,
) -> list[int]:
    """Count events per consecutive interval ("bin") of an observation window.

    Parameters
    ----------
    times : iterable of datetime or float
        Event times (datetimes, or seconds on any common clock).
    start, end : datetime or float
        The observation window; ``end`` must be after ``start``.
    bin_seconds : float, optional
        Interval length in seconds (default 10).

    Returns
    -------
    list of int
        ``ceil((end - start) / bin_seconds)`` counts. Bin ``k`` holds events with
        ``start + k*bin <= t < start + (k+1)*bin``; an event exactly at ``end`` goes to the
        last bin; events outside ``[start, end]`` are ignored. A final partial bin is kept
        (both observers watched it).
    """
    if not _is_real(bin_seconds) or not float(bin_seconds) > 0:
        raise ValueError(f"bin_seconds: must be a positive number, got {bin_seconds!r}")
    width = float(bin_seconds)
    span = _to_seconds(end, start, "end")
    if not span > 0:
        raise ValueError("end: must be after start")
    nbins = max(1, math.ceil(span / width - 1e-9))
    counts = [0] * nbins
    for i, t in enumerate(as_list(times, "times")):
        s = _to_seconds(t, start, f"times[{i}]")
        if s < 0 or s > span:
            continue
        k = min(int(s // width), nbins - 1)
        counts[k] += 1
    return counts


@dataclass(frozen=True)
class IntervalCounts:
    """Per-interval counts of two observers over their common window.

    Attributes
    ----------
    observer1, observer2 : tuple of int
        Counts per interval, equally long.
    start, end : datetime or float
        The overlapping window the intervals cover.
    bin_seconds : float
        Interval length.
    """

    observer1: tuple[int, ...]
    observer2: tuple[int, ...]
    start: TimeLike
    end: TimeLike
    bin_seconds: float

    @property
    def scored1(self) -> tuple[bool, ...]:
        """Observer 1's intervals as scored (count > 0) / unscored."""
        return tuple(c > 0 for c in self.observer1)

    @property
    def scored2(self) -> tuple[bool, ...]:
        """Observer 2's intervals as scored (count > 0) / unscored."""
        return tuple(c > 0 for c in self.observer2)


def paired_interval_counts(
    observer1: Iterable[TimeLike],
    observer2: Iterable[TimeLike],
    *,
    window1: tuple[TimeLike, TimeLike],
    window2: tuple[TimeLike, TimeLike],
    bin_seconds: float = 10.0,
) -> IntervalCounts:
    """Per-interval counts of two observers' event streams over their overlapping window.

    Parameters
    ----------
    observer1, observer2 : iterable of datetime or float
        Each observer's event times for one target.
    window1, window2 : (start, end)
        Each observer's observation window (session start and end).
    bin_seconds : float, optional
        Interval length (default 10 s).

    Returns
    -------
    IntervalCounts
        Counts per interval from ``max(starts)`` to ``min(ends)``; feed them to
        :func:`ioa_mean_count_per_interval`, :func:`ioa_exact_count_per_interval`, or (via
        ``.scored1``/``.scored2``) to the interval-recording indices. Events outside the
        common window are ignored, since only one observer was watching then.

    Raises
    ------
    ValueError
        When the windows do not overlap.

    References
    ----------
    Cooper, Heron & Heward (2020), ch. 5 (count-per-interval IOA divides the session into
    short intervals, commonly 10 s).
    """
    try:
        s1, e1 = window1
    except (TypeError, ValueError):
        raise ValueError("window1: must be a (start, end) pair") from None
    try:
        s2, e2 = window2
    except (TypeError, ValueError):
        raise ValueError("window2: must be a (start, end) pair") from None
    try:
        start = max(s1, s2)
        end = min(e1, e2)
        overlaps = end > start
    except TypeError:
        raise ValueError("window2: start and end must be of the same type as window1") from None
    if not overlaps:
        raise ValueError("window2: does not overlap window1")
    c1 = bin_event_counts(observer1, start=start, end=end, bin_seconds=bin_seconds)
    c2 = bin_event_counts(observer2, start=start, end=end, bin_seconds=bin_seconds)
    return IntervalCounts(tuple(c1), tuple(c2), start, end, float(bin_seconds))


# ---------------------------------------------------------------------------------------------
# pairing primary and reliability sessions


@dataclass(frozen=True)
class IOAPair:
    """A primary session and the reliability session that overlaps it most.

    Attributes
    ----------
    primary_id, reliability_id : str
        Session ids.
    client_id : str
    start, end : datetime
        The overlapping window.
    overlap_seconds : float
    """

    primary_id: str
    reliability_id: str
    client_id: str
    start: datetime
    end: datetime
    overlap_seconds: float


def _field(obj: Any, *names: str) -> Any:
    for name in names:
        if isinstance(obj, Mapping):
            if name in obj:
                return obj[name]
        elif hasattr(obj, name):
            return getattr(obj, name)
    return None


def pair_ioa_sessions(sessions: Iterable[Any]) -> list[IOAPair]:
    """Pair primary with reliability sessions: same client, overlapping in time.

    Parameters
    ----------
    sessions : iterable of mapping or object
        Each with ``id``, ``client_id``, ``role`` (``"primary"`` or ``"reliability"``),
        ``started_at`` and ``ended_at`` (``started``/``ended`` are accepted too), datetimes.

    Returns
    -------
    list of IOAPair
        One pair per reliability session that overlaps a primary session of the same client,
        with the primary it overlaps longest (ties: the earlier-starting primary), sorted by
        overlap start. A primary may pair with several reliability sessions (several second
        observers). Sessions without an end (still open) are not paired.

    Notes
    -----
    Overlap must be positive: sessions that only touch (one ends when the other starts) do
    not form a pair.
    """
    primaries: list[tuple[str, str, datetime, datetime]] = []
    reliabilities: list[tuple[str, str, datetime, datetime]] = []
    for i, s in enumerate(as_list(sessions, "sessions")):
        sid = _field(s, "id")
        client = _field(s, "client_id")
        role = _field(s, "role")
        started = _field(s, "started_at", "started")
        ended = _field(s, "ended_at", "ended")
        if sid is None or client is None:
            raise ValueError(f"sessions[{i}]: needs id and client_id")
        if role not in ("primary", "reliability"):
            raise ValueError(f"sessions[{i}].role: must be 'primary' or 'reliability'")
        if not isinstance(started, datetime):
            raise ValueError(f"sessions[{i}].started_at: must be a datetime")
        if ended is None:
            continue
        if not isinstance(ended, datetime):
            raise ValueError(f"sessions[{i}].ended_at: must be a datetime or None")
        row = (str(sid), str(client), started, ended)
        (primaries if role == "primary" else reliabilities).append(row)

    pairs: list[IOAPair] = []
    for rid, rclient, rs, re_ in reliabilities:
        best: tuple[timedelta, datetime, str, datetime, datetime] | None = None
        for pid, pclient, ps, pe in primaries:
            if pclient != rclient:
                continue
            start, end = max(ps, rs), min(pe, re_)
            if end <= start:
                continue
            cand = (end - start, ps, pid, start, end)
            if best is None or cand[0] > best[0] or (cand[0] == best[0] and cand[1] < best[1]):
                best = cand
        if best is not None:
            overlap, _, pid, start, end = best
            pairs.append(IOAPair(pid, rid, rclient, start, end, overlap.total_seconds()))
    pairs.sort(key=lambda p: (p.start, p.primary_id, p.reliability_id))
    return pairs


# ---------------------------------------------------------------------------------------------
# caseload summary


@dataclass(frozen=True)
class IOARecord:
    """One session of one target, for the caseload summary.

    Attributes
    ----------
    target_id : str
    phase : str or None
        The phase in force (label or id).
    session_id : str
    has_ioa : bool
        Whether a reliability observer collected data for this session and target.
    agreement : float or None
        The IOA percentage, when computed and defined.
    """

    target_id: str
    phase: str | None
    session_id: str
    has_ioa: bool
    agreement: float | None = None


@dataclass(frozen=True)
class IOACoverage:
    """IOA coverage and level for one target and phase.

    Attributes
    ----------
    target_id, phase
    sessions : int
        Sessions of the target in the phase.
    sessions_with_ioa : int
    percent_with_ioa : float or None
        ``sessions_with_ioa / sessions * 100`` (None without sessions).
    mean_agreement, min_agreement, max_agreement : float or None
        Over the sessions whose IOA is defined; None when there is none.
    """

    target_id: str
    phase: str | None
    sessions: int
    sessions_with_ioa: int
    percent_with_ioa: float | None
    mean_agreement: float | None
    min_agreement: float | None
    max_agreement: float | None


def ioa_caseload_summary(records: Iterable[IOARecord | Mapping[str, Any]]) -> list[IOACoverage]:
    """Share of sessions with IOA per target and phase, with the mean and range of agreement.

    Parameters
    ----------
    records : iterable of IOARecord or mapping
        One per (session, target); mappings use the IOARecord field names. A session listed
        twice for the same target and phase counts once (its agreements all enter the mean).

    Returns
    -------
    list of IOACoverage
        Sorted by target id then phase (None first).

    Notes
    -----
    Field convention (Cooper et al. 2020, ch. 5): IOA should be collected in at least 20% of
    sessions of every condition, and agreement of 80% or more is the usual minimum; this
    function reports the figures, it does not judge them.
    """
    groups: dict[tuple[str, str | None], dict[str, Any]] = {}
    for i, r in enumerate(as_list(records, "records")):
        if isinstance(r, Mapping):
            try:
                r = IOARecord(**r)
            except TypeError as exc:
                raise ValueError(f"records[{i}]: {exc}") from None
        if not isinstance(r, IOARecord):
            raise ValueError(f"records[{i}]: must be an IOARecord or a mapping")
        if r.agreement is not None and not (
            _is_real(r.agreement) and 0 <= float(r.agreement) <= 100
        ):
            raise ValueError(f"records[{i}].agreement: must be a percentage or None")
        g = groups.setdefault(
            (str(r.target_id), r.phase), {"sessions": set(), "ioa": set(), "agree": []}
        )
        g["sessions"].add(r.session_id)
        if r.has_ioa or r.agreement is not None:
            g["ioa"].add(r.session_id)
        if r.agreement is not None:
            g["agree"].append(float(r.agreement))
    out = []
    for (target, phase), g in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1] is not None, str(kv[0][1]))
    ):
        n = len(g["sessions"])
        k = len(g["ioa"])
        agree = g["agree"]
        out.append(
            IOACoverage(
                target_id=target,
                phase=phase,
                sessions=n,
                sessions_with_ioa=k,
                percent_with_ioa=100.0 * k / n if n else None,
                mean_agreement=mean(agree) if agree else None,
                min_agreement=min(agree) if agree else None,
                max_agreement=max(agree) if agree else None,
            )
        )
    return out
