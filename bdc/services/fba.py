"""Functional behavior assessment figures for one client.

Three views, each from the client's **primary** observation sessions (a reliability observer
records the same behavior a second time), with voids applied:

- **ABC**: conditional probabilities over the ABC records of the client's ``abc`` targets and
  the function their consequences suggest (:func:`bdc.analysis.abc_conditional_probabilities`,
  :func:`bdc.analysis.likely_function`), overall and per behavior. Descriptive data show
  correlation, not function: a hypothesis to test.
- **Scatterplot**: occurrences of problem behavior per time-of-day bin and date
  (:func:`bdc.analysis.scatterplot_matrix`), in the time zone asked for (the clinic's by
  default). Problem behavior = the targets to decrease whose events mark occurrences
  (:func:`problem_behaviors`: counts, ABC records, episode starts, scored intervals), or the
  one target asked for. Every day with a primary session
  that tracked one of them is a column, and ``observed`` marks the cells a session covered,
  so a 0 that was observed differs from a cell nobody watched.
- **Functional analysis**: for every target tracked in FA sessions (sessions carrying the
  condition chosen on the tablet, :mod:`bdc.fa_conditions`), the values of those sessions
  grouped by condition and judged against the control condition (``play`` unless asked
  otherwise) by :func:`bdc.analysis.functional_analysis_summary`. Sessions without a
  condition are never part of it, so a treatment phase ("NCR + DRA") is not an FA. Legacy
  data recorded before sessions carried a condition, under phases of kind ``condition``
  labelled after one ("Attention"), still count (:func:`fa_condition_of`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from flask_smorest import abort
from sqlalchemy import select

from bdc import analysis, audit, dates
from bdc.extensions import db
from bdc.fa_conditions import CONTROL, canonical, is_fa_phase_label
from bdc.measures import EventRecord, apply_voids, unit_for
from bdc.models import Client, Session, Target
from bdc.services import series

__all__ = [
    "OCCURRENCE_MEASUREMENTS",
    "client_fba",
    "fa_condition_of",
    "fa_targets",
    "is_fa_condition",
    "is_occurrence",
    "problem_behaviors",
    "scatterplot_sessions",
]

OCCURRENCE_MEASUREMENTS = frozenset(
    {"frequency", "rate", "abc", "duration", "partial_interval", "whole_interval"}
)
"""Measurements whose events mark when the behavior occurred: a count, an ABC record, the
start of an episode, a scored interval (momentary time sampling is left out: it samples)."""


def fa_condition_of(value: series.SessionValue) -> str | None:
    """The FA condition a session value was recorded under, in its stored form
    (:func:`bdc.fa_conditions.canonical`): the session's own condition, or for legacy data (a
    session without one) the label of an FA condition phase in force; None when the session is
    not part of a functional analysis."""
    if value.fa_condition is not None:
        return value.fa_condition
    if is_fa_phase_label(value.phase_kind, value.phase_label):
        return canonical(value.phase_label)
    return None


def is_fa_condition(value: series.SessionValue) -> bool:
    """True for a value from a functional-analysis session (see :func:`fa_condition_of`)."""
    return fa_condition_of(value) is not None


def fa_targets(client_id: str, targets: Sequence[Target]) -> list[Target]:
    """The targets tracked in at least one FA session of the client, or with a legacy FA
    condition phase."""
    tracked = {
        target_id
        for ids in db.session.scalars(
            select(Session.target_ids).where(
                Session.client_id == client_id,
                Session.kind == "observation",
                Session.fa_condition.is_not(None),
            )
        )
        for target_id in ids or ()
    }
    return [
        t
        for t in targets
        if t.id in tracked or any(is_fa_phase_label(p.kind, p.label) for p in t.phases)
    ]


def problem_behaviors(targets: Sequence[Target], target_id: str | None = None) -> list[Target]:
    """The client's problem behaviors: the targets to decrease whose events mark occurrences
    (or the one target asked for, whatever its direction)."""
    return [
        t
        for t in targets
        if t.measurement in OCCURRENCE_MEASUREMENTS
        and (target_id is not None or t.direction == "decrease")
    ]


def is_occurrence(event: EventRecord) -> bool:
    """An event that marks an occurrence of the behavior at its time."""
    if event.kind == "interval":
        return event.data.get("scored") is True
    return event.kind in ("count", "abc", "duration_start")


CAUTION = (
    "Descriptive (ABC) data show which events go together, not why behavior occurs; "
    "treat the suggested function as a hypothesis to test (Thompson & Iwata 2007)."
)


def client_fba(
    client: Client,
    *,
    target_id: str | None = None,
    bin_minutes: float = 30,
    tz: tzinfo | None = None,
    control: str = CONTROL,
    date_from: date | None = None,
    date_to: date | None = None,
) -> dict[str, Any]:
    """The three FBA views of ``client`` (see the module docstring); ``tz`` defaults to the
    client's zone (its own, else the clinic's)."""
    tz = tz or dates.client_zone(client.time_zone)
    targets = list(
        db.session.scalars(
            select(Target).where(Target.client_id == client.id).order_by(Target.name, Target.id)
        )
    )
    if target_id is not None:
        targets = [t for t in targets if t.id == target_id]
        if not targets:
            abort(404, message="No such target.")
    abc_targets = [t for t in targets if t.measurement == "abc"]
    problem = problem_behaviors(targets, target_id)
    analysed = fa_targets(client.id, targets)
    wanted = {t.id for t in (*abc_targets, *problem, *analysed)}
    recs = series.load_client(
        client.id, target_ids=sorted(wanted), date_from=date_from, date_to=date_to
    )
    kept = kept_events(recs)
    audit.record(
        "read",
        "fba",
        client_id=client.id,
        detail={"target_id": target_id} if target_id else None,
    )
    return {
        "client_id": client.id,
        "date_from": date_from,
        "date_to": date_to,
        "abc": _abc(abc_targets, kept),
        "scatterplot": _scatterplot(problem, recs, kept, bin_minutes, tz),
        "functional_analyses": [_fa(t, recs, control) for t in analysed],
    }


def kept_events(recs: series.ClientRecords) -> dict[str, list[EventRecord]]:
    """Primary session id -> its events after voids (notes dropped)."""
    primary = {s.id for s in recs.sessions if s.role == "primary"}
    events: dict[str, list[EventRecord]] = {sid: [] for sid in primary}
    for groups in (recs.by_target, recs.session_level):
        for key, rows in groups.items():
            sid = key[0] if isinstance(key, tuple) else key
            if sid in primary:
                events[sid] += series.records_of(rows, recs)
    return {
        sid: [e for e in apply_voids(items) if e.kind != "note"] for sid, items in events.items()
    }


# ---------------------------------------------------------------------------------------------
# ABC


def _function(estimate: analysis.FunctionEstimate) -> dict[str, Any]:
    return {
        "function": estimate.function,
        "candidates": list(estimate.candidates),
        "proportions": dict(estimate.proportions),
        "n_records": estimate.n_records,
        "n_unmapped": estimate.n_unmapped,
    }


def _abc(targets: Sequence[Target], kept: dict[str, list[EventRecord]]) -> dict | None:
    if not targets:
        return None
    ids = {t.id for t in targets}
    records = [
        dict(e.data)
        for events in kept.values()
        for e in events
        if e.kind == "abc" and e.target_id in ids
    ]
    summary = analysis.abc_conditional_probabilities(records)
    return {
        "target_ids": sorted(ids),
        "n": summary.n,
        "antecedents": dict(summary.antecedents),
        "behaviors": dict(summary.behaviors),
        "consequences": dict(summary.consequences),
        "p_behavior_given_antecedent": series.plain(summary.p_behavior_given_antecedent),
        "p_consequence_given_behavior": series.plain(summary.p_consequence_given_behavior),
        "likely_function": _function(analysis.likely_function(records)),
        "by_behavior": [
            {"behavior": b, **_function(analysis.likely_function(records, behavior=b))}
            for b in summary.behaviors
        ],
        "caution": CAUTION,
    }


# ---------------------------------------------------------------------------------------------
# scatterplot


def _scatterplot(
    targets: Sequence[Target],
    recs: series.ClientRecords,
    kept: dict[str, list[EventRecord]],
    bin_minutes: float,
    tz: tzinfo,
) -> dict[str, Any] | None:
    if not targets:
        return None
    ids = {t.id for t in targets}
    sessions = scatterplot_sessions(recs, kept, ids)
    times = [
        e.t for s in sessions for e in kept.get(s.id, ()) if e.target_id in ids and is_occurrence(e)
    ]
    days = sorted({s.started_at.astimezone(tz).date() for s in sessions})
    matrix = analysis.scatterplot_matrix(times, bin_minutes=bin_minutes, dates=days, tz=tz)
    return {
        "target_ids": sorted(ids),
        "time_zone": str(tz),
        "bin_minutes": matrix.bin_minutes,
        "dates": list(matrix.dates),
        "bin_starts": [b.strftime("%H:%M:%S") for b in matrix.bin_starts],
        "counts": [list(row) for row in matrix.counts],
        "observed": _observed(sessions, matrix, tz),
        "events": len(times),
    }


def scatterplot_sessions(
    recs: series.ClientRecords, kept: dict[str, list[EventRecord]], ids: set[str]
) -> list[series.SessionRow]:
    """The sessions a scatterplot shows: primary sessions that tracked or recorded one of the
    targets ``ids``, except functional-analysis sessions (their conditions are arranged, not
    the day's routine the scatterplot describes)."""
    return [
        s
        for s in recs.sessions
        if s.role == "primary"
        and s.fa_condition is None
        and (s.target_ids & ids or any(e.target_id in ids for e in kept.get(s.id, ())))
    ]


def _observed(sessions, matrix: analysis.ScatterplotMatrix, tz: tzinfo) -> list[list[bool]]:
    """Which cells (time bin x date) a primary session covered at least in part."""
    column = {d: j for j, d in enumerate(matrix.dates)}
    width = matrix.bin_minutes
    rows = len(matrix.bin_starts)
    grid = [[False] * len(matrix.dates) for _ in range(rows)]
    for s in sessions:
        start = s.started_at.astimezone(tz)
        end = (s.ended_at or s.started_at).astimezone(tz)
        day = start.date()
        while day <= end.date():
            midnight = datetime.combine(day, datetime.min.time(), tzinfo=start.tzinfo)
            lo = max((start - midnight).total_seconds() / 60, 0.0)
            hi = min((end - midnight).total_seconds() / 60, 1440.0)
            j = column.get(day)
            if j is not None and hi >= lo:
                first = int(lo // width)
                last = min(rows - 1, max(first, math.ceil(hi / width) - 1))
                for k in range(first, last + 1):
                    grid[k][j] = True
            day += timedelta(days=1)
    return grid


# ---------------------------------------------------------------------------------------------
# functional analysis


def _fa(target: Target, recs: series.ClientRecords, control: str) -> dict[str, Any]:
    conditions: dict[str, list[float]] = {}
    for v in series.values_from(target, recs, details=False):
        condition = fa_condition_of(v)
        if condition is not None:
            conditions.setdefault(condition, []).append(v.value)
    answer: dict[str, Any] = {
        "target_id": target.id,
        "measurement": target.measurement,
        "unit": unit_for(target.measurement),
        "control": None,
        "upper_criterion": None,
        "lower_criterion": None,
        "conditions": [],
        "elevated": [],
        "functions": [],
        "note": None,
    }
    if not conditions:
        answer["note"] = "no functional-analysis session"
        return answer
    wanted = canonical(control)
    label = next((c for c in conditions if c.casefold() == (wanted or "").casefold()), None)
    if label is None:
        answer["note"] = f"no {control!r} (control) condition: nothing can be judged elevated"
        answer["conditions"] = [
            _condition_stats(name, ys) for name, ys in sorted(conditions.items())
        ]
        return answer
    summary = analysis.functional_analysis_summary(conditions, control=label)
    answer.update(
        control=summary.control,
        upper_criterion=summary.upper_criterion,
        lower_criterion=summary.lower_criterion,
        conditions=[
            {
                "condition": c.condition,
                "n": c.n,
                "mean": c.mean,
                "median": c.median,
                "min": c.minimum,
                "max": c.maximum,
                "points_above": c.points_above,
                "points_below": c.points_below,
                "elevated": c.elevated,
            }
            for c in summary.conditions
        ],
        elevated=list(summary.elevated),
        functions=list(summary.functions),
    )
    if summary.upper_criterion is None:
        answer["note"] = "the control condition needs at least 2 sessions for criterion lines"
    return answer


def _condition_stats(name: str, ys: Sequence[float]) -> dict[str, Any]:
    stats = analysis.phase_summary(ys)
    return {
        "condition": name,
        "n": stats.n,
        "mean": stats.mean,
        "median": stats.median,
        "min": stats.minimum,
        "max": stats.maximum,
        "points_above": None,
        "points_below": None,
        "elevated": None,
    }
