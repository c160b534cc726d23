"""Interobserver agreement of a primary session and its reliability session.

Given either session, its partner is found with :func:`bdc.analysis.pair_ioa_sessions` over
the client's observation sessions that overlap it (a primary observed by several second
observers pairs with the one overlapping it longest; the others are listed). For every target
tracked by both sessions, every IOA measure that applies to its measurement type is computed
by :mod:`bdc.analysis` on the events left after voids (:func:`bdc.measures.apply_voids`).
Observer 1 is the primary session, observer 2 the reliability session.

Conventions (docs/analysis.md, "API"):

- Counts (frequency, rate, ABC records) are compared over the **overlapping window** only:
  what one observer recorded while the other was not watching is left out (and reported).
  Count-per-interval measures cut that window into ``bin_seconds`` intervals
  (:func:`bdc.analysis.paired_interval_counts`).
- Interval recordings are aligned by interval index; a skipped or missing interval is left
  out of every interval measure.
- DTT trials (within the window) are aligned by order, task-analysis steps by step number,
  ratings by order; a trial, step or rating recorded by one observer only counts as a
  disagreement (its code for the other observer is "not recorded"). Codes are
  "result/prompt".
- Durations (episodes clipped to the window) and latencies are paired by order; an
  occurrence recorded by one observer only scores 0 in the mean per-occurrence agreement.
- Undefined measures (0/0) are null with a note, never 0 or 100.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bdc import analysis, audit
from bdc.extensions import db
from bdc.measures import EventRecord, apply_voids
from bdc.models import Event, Session, Target

__all__ = ["NO_PARTNER", "find_partner", "session_ioa"]

NO_PARTNER = "This session has no reliability partner."
NOT_RECORDED = "not recorded"
PERCENT = "percent"
KAPPA = "kappa"

_INTERVAL = frozenset({"partial_interval", "whole_interval", "momentary_time_sampling"})

LABELS = {
    "total_count": "Total count",
    "mean_count_per_interval": "Mean count-per-interval",
    "exact_count_per_interval": "Exact count-per-interval",
    "total_duration": "Total duration",
    "mean_duration_per_occurrence": "Mean duration-per-occurrence",
    "interval_by_interval": "Interval-by-interval",
    "scored_interval": "Scored-interval",
    "unscored_interval": "Unscored-interval",
    "kappa": "Cohen's kappa",
    "trial_by_trial": "Trial-by-trial",
    "exact_agreement": "Exact agreement",
}

HEADLINE = {
    "frequency": "total_count",
    "rate": "total_count",
    "abc": "total_count",
    "duration": "total_duration",
    "latency": "mean_duration_per_occurrence",
    "partial_interval": "interval_by_interval",
    "whole_interval": "interval_by_interval",
    "momentary_time_sampling": "interval_by_interval",
    "dtt": "trial_by_trial",
    "task_analysis": "trial_by_trial",
    "rating": "exact_agreement",
}


# ---------------------------------------------------------------------------------------------
# pairing


def _overlapping(client_id: str, start: datetime, end: datetime) -> list[Session]:
    return list(
        db.session.scalars(
            select(Session).where(
                Session.client_id == client_id,
                Session.kind == "observation",
                Session.ended_at.is_not(None),
                Session.started_at < end,
                Session.ended_at > start,
            )
        )
    )


def find_partner(session: Session) -> tuple[analysis.IOAPair | None, list[str], str | None]:
    """The session's IOA pair, the other reliability sessions of a primary, and why none."""
    if session.kind != "observation":
        return None, [], "fidelity sessions have no IOA"
    if session.ended_at is None:
        return None, [], "the session is still open"
    nearby = {
        s.id: s for s in _overlapping(session.client_id, session.started_at, session.ended_at)
    }
    nearby[session.id] = session
    reliability = [s for s in nearby.values() if s.role == "reliability"]
    if session.role == "primary" and reliability:
        # A reliability session pairs with the primary it overlaps longest, which may lie
        # outside this session: read every primary its window touches.
        start = min(s.started_at for s in reliability)
        end = max(s.ended_at for s in reliability)
        nearby.update({s.id: s for s in _overlapping(session.client_id, start, end)})
    pairs = [
        p
        for p in analysis.pair_ioa_sessions(nearby.values())
        if session.id in (p.primary_id, p.reliability_id)
    ]
    if not pairs:
        return None, [], "no overlapping session of the other role"
    best = min(pairs, key=lambda p: (-p.overlap_seconds, p.start, p.reliability_id))
    others = [p.reliability_id for p in pairs if p is not best]
    return best, others, None


# ---------------------------------------------------------------------------------------------
# the answer


def session_ioa(session: Session, *, bin_seconds: float = 10.0) -> dict[str, Any]:
    """IOA of ``session`` and its partner, target by target (see the module docstring)."""
    pair, others, reason = find_partner(session)
    audit.record(
        "read",
        "session_ioa",
        resource_id=session.id,
        client_id=session.client_id,
        detail={"partner": None if pair is None else _other(pair, session.id)},
    )
    answer: dict[str, Any] = {
        "session_id": session.id,
        "role": session.role,
        "paired": pair is not None,
        "message": None,
        "primary_session_id": None,
        "reliability_session_id": None,
        "other_reliability_session_ids": others,
        "window_start": None,
        "window_end": None,
        "overlap_seconds": None,
        "bin_seconds": float(bin_seconds),
        "targets": [],
    }
    if pair is None:
        answer["message"] = f"{NO_PARTNER[:-1]}: {reason}."
        return answer
    primary = db.session.get(Session, pair.primary_id)
    reliability = db.session.get(Session, pair.reliability_id)
    answer.update(
        primary_session_id=pair.primary_id,
        reliability_session_id=pair.reliability_id,
        window_start=pair.start,
        window_end=pair.end,
        overlap_seconds=pair.overlap_seconds,
    )
    kept = _kept_events([primary.id, reliability.id])
    tracked1 = _tracked(primary, kept[primary.id])
    tracked2 = _tracked(reliability, kept[reliability.id])
    both = tracked1 & tracked2
    targets = (
        db.session.scalars(
            select(Target).where(Target.id.in_(sorted(both)), Target.client_id == session.client_id)
        ).all()
        if both
        else []
    )
    window = (pair.start, pair.end)
    for target in sorted(targets, key=lambda t: (t.name, t.id)):
        ev1 = [e for e in kept[primary.id] if e.target_id == target.id]
        ev2 = [e for e in kept[reliability.id] if e.target_id == target.id]
        sides = _Sides(ev1, ev2, window, (primary, reliability), float(bin_seconds))
        answer["targets"].append(_target_ioa(target, sides))
    if not targets:
        answer["message"] = "The two sessions have no target in common."
    return answer


def _other(pair: analysis.IOAPair, session_id: str) -> str:
    return pair.reliability_id if pair.primary_id == session_id else pair.primary_id


def _kept_events(session_ids: Sequence[str]) -> dict[str, list[EventRecord]]:
    by_session: dict[str, list[EventRecord]] = {sid: [] for sid in session_ids}
    for e in db.session.scalars(
        select(Event).where(Event.session_id.in_(session_ids)).order_by(Event.t, Event.id)
    ):
        by_session[e.session_id].append(
            EventRecord(id=e.id, kind=e.kind, t=e.t, data=e.data or {}, target_id=e.target_id)
        )
    return {
        sid: [e for e in apply_voids(events) if e.kind != "note"]
        for sid, events in by_session.items()
    }


def _tracked(session: Session, events: Iterable[EventRecord]) -> set[str]:
    return set(session.target_ids or ()) | {e.target_id for e in events if e.target_id}


class _Sides:
    """Both observers' events of one target, and the window they share."""

    def __init__(self, ev1, ev2, window, sessions, bin_seconds):
        self.ev1: list[EventRecord] = ev1
        self.ev2: list[EventRecord] = ev2
        self.start, self.end = window
        self.sessions: tuple[Session, Session] = sessions
        self.bin_seconds: float = bin_seconds

    def of(self, kind: str) -> tuple[list[EventRecord], list[EventRecord]]:
        return [e for e in self.ev1 if e.kind == kind], [e for e in self.ev2 if e.kind == kind]

    def inside(self, events: Iterable[EventRecord]) -> list[EventRecord]:
        return [e for e in events if self.start <= e.t <= self.end]

    def within(self, kind: str) -> tuple[list[EventRecord], list[EventRecord], list[dict]]:
        """Both observers' events of ``kind`` inside the shared window, in time order, and
        how many each recorded outside it."""
        both = self.of(kind)
        kept = [sorted(self.inside(events), key=lambda e: (e.t, e.id)) for events in both]
        outside = [{"outside_window": len(a) - len(b)} for a, b in zip(both, kept, strict=True)]
        return kept[0], kept[1], outside


def _measure(name: str, value: float | None, note: str | None = None, unit: str = PERCENT):
    return {
        "name": name,
        "label": LABELS[name],
        "value": value,
        "unit": unit,
        "note": note if value is None else None,
    }


def _target_ioa(target: Target, sides: _Sides) -> dict[str, Any]:
    compute = _BY_MEASUREMENT[target.measurement]
    measures, table, facts = compute(sides)
    headline = next(m for m in measures if m["name"] == HEADLINE[target.measurement])
    return {
        "target_id": target.id,
        "measurement": target.measurement,
        "measure": headline["label"],
        "agreement": headline["value"],
        "measures": measures,
        "table": table,
        "observer1": facts[0],
        "observer2": facts[1],
    }


# ---------------------------------------------------------------------------------------------
# per measurement type


def _counts(sides: _Sides, kind: str, per_interval: bool):
    e1, e2 = sides.of(kind)
    window1 = (sides.sessions[0].started_at, sides.sessions[0].ended_at)
    window2 = (sides.sessions[1].started_at, sides.sessions[1].ended_at)
    counts = analysis.paired_interval_counts(
        [e.t for e in e1],
        [e.t for e in e2],
        window1=window1,
        window2=window2,
        bin_seconds=sides.bin_seconds,
    )
    total1, total2 = sum(counts.observer1), sum(counts.observer2)
    measures = [_measure("total_count", analysis.ioa_total_count(total1, total2))]
    table = None
    if per_interval:
        note = "no interval in the overlapping window"
        measures += [
            _measure(
                "mean_count_per_interval",
                analysis.ioa_mean_count_per_interval(counts.observer1, counts.observer2),
                note,
            ),
            _measure(
                "exact_count_per_interval",
                analysis.ioa_exact_count_per_interval(counts.observer1, counts.observer2),
                note,
            ),
        ]
        table = {
            "kind": "count_per_interval",
            "rows": [
                {
                    "index": i,
                    "start_seconds": i * sides.bin_seconds,
                    "observer1": a,
                    "observer2": b,
                    "agree": a == b,
                }
                for i, (a, b) in enumerate(zip(counts.observer1, counts.observer2, strict=True))
            ],
        }
    facts = [
        {"in_window": total, "outside_window": len(events) - total}
        for total, events in ((total1, e1), (total2, e2))
    ]
    return measures, table, facts


def _count_measures(sides: _Sides):
    return _counts(sides, "count", per_interval=True)


def _abc_measures(sides: _Sides):
    return _counts(sides, "abc", per_interval=False)


def _by_occurrence(xs1: Sequence[float], xs2: Sequence[float], what: str):
    """Mean per-occurrence agreement with occurrences paired by order; the unmatched score 0."""
    k = min(len(xs1), len(xs2))
    unmatched = abs(len(xs1) - len(xs2))
    if k:
        paired = analysis.ioa_mean_duration_per_occurrence(xs1[:k], xs2[:k])
        value = paired * k / (k + unmatched)
    else:
        value = 0.0 if unmatched else None
    rows = []
    for i in range(max(len(xs1), len(xs2))):
        a = xs1[i] if i < len(xs1) else None
        b = xs2[i] if i < len(xs2) else None
        agreement = 0.0 if a is None or b is None else analysis.ioa_total_duration(a, b)
        rows.append({"index": i, "observer1": a, "observer2": b, "agreement": agreement})
    measure = _measure(
        "mean_duration_per_occurrence", value, f"no {what} recorded by either observer"
    )
    return measure, {"kind": "occurrence", "rows": rows}


def _episodes(events: Sequence[EventRecord], session: Session, start, end) -> list[float]:
    """Seconds of each episode inside [start, end], in order of start."""
    opened: dict[Any, datetime] = {}
    spans: list[tuple[datetime, datetime]] = []
    for e in sorted(events, key=lambda ev: (ev.t, ev.id)):
        key = e.data.get("episode")
        if e.kind == "duration_start":
            opened.setdefault(key, e.t)
        elif e.kind == "duration_stop" and key in opened:
            spans.append((opened.pop(key), e.t))
    spans += [(t0, session.ended_at) for t0 in opened.values()]  # closed at the session's end
    out = []
    for t0, t1 in sorted(spans):
        lo, hi = max(t0, start), min(t1, end)
        if hi > lo:
            out.append((hi - lo).total_seconds())
    return out


def _duration_measures(sides: _Sides):
    d1 = _episodes(sides.ev1, sides.sessions[0], sides.start, sides.end)
    d2 = _episodes(sides.ev2, sides.sessions[1], sides.start, sides.end)
    total = analysis.ioa_total_duration(sum(d1), sum(d2))
    per, table = _by_occurrence(d1, d2, "episode")
    facts = [{"episodes": len(d), "total_seconds": sum(d)} for d in (d1, d2)]
    return [_measure("total_duration", total), per], table, facts


def _latency_measures(sides: _Sides):
    e1, e2, outside = sides.within("latency")
    x1 = [float(e.data["seconds"]) for e in e1]
    x2 = [float(e.data["seconds"]) for e in e2]
    per, table = _by_occurrence(x1, x2, "latency")
    # A trial one observer saw answered and the other saw unanswered is a disagreement, however
    # close the seconds (a response at 9.8 s against a 10-s wait is not 98% agreement).
    silent1 = [e.data.get("no_response") is True for e in e1]
    silent2 = [e.data.get("no_response") is True for e in e2]
    split = [i for i, (a, b) in enumerate(zip(silent1, silent2, strict=False)) if a != b]
    if split:
        for i in split:
            table["rows"][i]["agreement"] = 0.0
        rows = table["rows"]
        per["value"] = math.fsum(r["agreement"] for r in rows) / len(rows)
    facts = [
        {"latencies": len(x), "no_response": sum(silent), **o}
        for x, silent, o in zip((x1, x2), (silent1, silent2), outside, strict=True)
    ]
    return [per], table, facts


def _latest(events: Sequence[EventRecord], key: str) -> dict[int, Mapping[str, Any]]:
    """Per index, the data of the later record (the convention of bdc.measures)."""
    out: dict[int, Mapping[str, Any]] = {}
    for e in sorted(events, key=lambda ev: (ev.t, ev.id)):
        out[e.data[key]] = e.data
    return out


def _kappa(codes1: Sequence[Any], codes2: Sequence[Any]):
    if not codes1:
        return _measure("kappa", None, "no item coded by both observers", KAPPA)
    return _measure(
        "kappa",
        analysis.cohen_kappa(codes1, codes2),
        "both observers used one and the same code throughout (chance agreement is 1)",
        KAPPA,
    )


def _interval_measures(sides: _Sides):
    e1, e2 = sides.of("interval")
    s1 = {i: d["scored"] for i, d in _latest(e1, "index").items()}
    s2 = {i: d["scored"] for i, d in _latest(e2, "index").items()}
    indices = sorted(s1.keys() | s2.keys())
    o1 = [s1.get(i) for i in indices]
    o2 = [s2.get(i) for i in indices]
    both = [(a, b) for a, b in zip(o1, o2, strict=True) if a is not None and b is not None]
    measures = [
        _measure(
            "interval_by_interval",
            analysis.ioa_interval_by_interval(o1, o2),
            "no interval observed by both observers",
        ),
        _measure(
            "scored_interval",
            analysis.ioa_scored_interval(o1, o2),
            "no interval was scored by either observer",
        ),
        _measure(
            "unscored_interval",
            analysis.ioa_unscored_interval(o1, o2),
            "every interval was scored by both observers",
        ),
        _kappa([a for a, _ in both], [b for _, b in both]),
    ]
    rows = [
        {
            "index": i,
            "observer1": a,
            "observer2": b,
            "agree": None if a is None or b is None else a == b,
        }
        for i, a, b in zip(indices, o1, o2, strict=True)
    ]
    facts = [
        {
            "scored": sum(v is True for v in s.values()),
            "unscored": sum(v is False for v in s.values()),
            "skipped": sum(v is None for v in s.values()),
        }
        for s in (s1, s2)
    ]
    return measures, {"kind": "interval", "rows": rows}, facts


def _code(data: Mapping[str, Any]) -> str:
    return f"{data.get('result')}/{data.get('prompt')}"


def _coded(codes1: list[Any], codes2: list[Any], keys: Sequence[Any] | None = None):
    """Trial-by-trial and kappa on two aligned code lists padded with "not recorded"."""
    n = max(len(codes1), len(codes2))
    c1 = codes1 + [NOT_RECORDED] * (n - len(codes1))
    c2 = codes2 + [NOT_RECORDED] * (n - len(codes2))
    measures = [
        _measure("trial_by_trial", analysis.ioa_trial_by_trial(c1, c2), "nothing recorded"),
        _kappa(c1, c2),
    ]
    rows = [
        {"index": i if keys is None else keys[i], "observer1": a, "observer2": b, "agree": a == b}
        for i, (a, b) in enumerate(zip(c1, c2, strict=True))
    ]
    return measures, {"kind": "trial", "rows": rows}


def _dtt_measures(sides: _Sides):
    e1, e2, outside = sides.within("trial")
    codes1 = [_code(e.data) for e in e1]
    codes2 = [_code(e.data) for e in e2]
    measures, table = _coded(codes1, codes2)
    facts = [{"trials": len(c), **o} for c, o in zip((codes1, codes2), outside, strict=True)]
    return measures, table, facts


def _task_analysis_measures(sides: _Sides):
    e1, e2, outside = sides.within("step")
    s1, s2 = _latest(e1, "step"), _latest(e2, "step")
    steps = sorted(s1.keys() | s2.keys())
    codes1 = [_code(s1[i]) if i in s1 else NOT_RECORDED for i in steps]
    codes2 = [_code(s2[i]) if i in s2 else NOT_RECORDED for i in steps]
    measures, table = _coded(codes1, codes2, steps)
    facts = [{"steps": len(x), **o} for x, o in zip((s1, s2), outside, strict=True)]
    return measures, table, facts


def _rating_measures(sides: _Sides):
    e1, e2, outside = sides.within("rating")
    r1 = [e.data["value"] for e in e1]
    r2 = [e.data["value"] for e in e2]
    n = max(len(r1), len(r2))
    c1 = r1 + [NOT_RECORDED] * (n - len(r1))
    c2 = r2 + [NOT_RECORDED] * (n - len(r2))
    measure = _measure("exact_agreement", analysis.ioa_trial_by_trial(c1, c2), "no rating recorded")
    rows = [
        {"index": i, "observer1": a, "observer2": b, "agree": a == b}
        for i, (a, b) in enumerate(zip(c1, c2, strict=True))
    ]
    facts = [{"ratings": len(r), **o} for r, o in zip((r1, r2), outside, strict=True)]
    return [measure], {"kind": "rating", "rows": rows}, facts


_BY_MEASUREMENT: dict[str, Callable[[_Sides], tuple[list, dict | None, list]]] = {
    "frequency": _count_measures,
    "rate": _count_measures,
    "abc": _abc_measures,
    "duration": _duration_measures,
    "latency": _latency_measures,
    "partial_interval": _interval_measures,
    "whole_interval": _interval_measures,
    "momentary_time_sampling": _interval_measures,
    "dtt": _dtt_measures,
    "task_analysis": _task_analysis_measures,
    "rating": _rating_measures,
}
