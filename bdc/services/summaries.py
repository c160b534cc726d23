"""A target's data table and its summary: phases, trends, effect sizes, mastery, aim line.

Built on :func:`bdc.services.series.target_values` (one value per primary session) and the
pure :mod:`bdc.analysis` library. Choices (also in docs/analysis.md, "API"):

- **Phases** are the consecutive runs of sessions under the same phase (the phase in force on
  the session's date); sessions before the first phase form a run called "no phase".
- **Trend** per phase: least-squares slope per session (x = the session's position in the
  phase, 1..n) and per week (x = calendar day, slope x 7), split-middle and Theil-Sen slopes
  per session. A slope that needs two distinct x values is null with a reason.
- **Level change** between adjacent phases: :func:`bdc.analysis.level_change` (medians of the
  last three points before and the first three after the change; signs are later minus
  earlier).
- **Effect sizes**: every phase after the first baseline phase against that baseline, in the
  target's direction: the ones chosen (:mod:`bdc.services.effect_sizes`; default NAP and
  Tau-U, and the LRR for counts and rates), each with its estimate, standard error, interval
  and wording. Undefined -> null with a reason, never 0.
- **Mastery** (targets with a ``mastery`` criterion): :func:`bdc.analysis.evaluate_mastery` on
  the sessions of the phase in force on the last day of the window (``to``, else today), with
  percent = the session value, trials = its ``n`` (trials, steps scored or intervals
  observed) and observer = the session's observer.
- **Aim line**: the expected value on that day (linear between the aim's start and end,
  constant outside them) against the current level (median of the last three data points).
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bdc import analysis, audit, dates
from bdc.measures import unit_for
from bdc.models import Target
from bdc.reports import format as fmt
from bdc.services import effect_sizes, series
from bdc.services.series import SessionValue

__all__ = [
    "compute_summary",
    "phase_runs",
    "summaries_for",
    "target_data",
    "target_summary",
]

NO_PHASE = "no phase"
WWC_MIN_POINTS = 3  # What Works Clearinghouse: at least three points per phase
CURRENT_LEVEL_POINTS = 3
TREND_NAMES = (
    "ols_per_session",
    "ols_per_week",
    "split_middle_per_session",
    "theil_sen_per_session",
)


# ---------------------------------------------------------------------------------------------
# data table


def target_data(
    target: Target,
    date_from: date | None = None,
    date_to: date | None = None,
    setting: str | None = None,
):
    """One row per primary session: value, phase, observer, date, and its IOA partner."""
    values = series.target_values(
        target, date_from=date_from, date_to=date_to, details=True, setting=setting
    )
    audit.record(
        "read",
        "target_data",
        resource_id=target.id,
        client_id=target.client_id,
        detail={"sessions": len(values)},
    )
    return {
        **_header(target, date_from, date_to),
        "points": [
            {
                "session_id": v.session_id,
                "date": v.date,
                "started_at": v.started_at,
                "observer_id": v.observer_id,
                "phase_id": v.phase_id,
                "phase_kind": v.phase_kind,
                "phase_label": v.phase_label,
                "value": v.value,
                "n": v.n,
                "has_ioa": v.has_ioa,
                "ioa_session_id": v.ioa_partner_id,
                "setting": v.setting,
                "details": series.plain(v.details),
            }
            for v in values
        ],
    }


def _header(target: Target, date_from: date | None, date_to: date | None) -> dict[str, Any]:
    return {
        "target_id": target.id,
        "client_id": target.client_id,
        "measurement": target.measurement,
        "unit": unit_for(target.measurement),
        "direction": target.direction,
        "date_from": date_from,
        "date_to": date_to,
    }


# ---------------------------------------------------------------------------------------------
# summary


def target_summary(
    target: Target,
    date_from: date | None = None,
    date_to: date | None = None,
    setting: str | None = None,
    effect_size_names: Sequence[str] | None = None,
):
    """The summary of one target (see the module docstring); ``setting``: sessions there only;
    ``effect_size_names``: the effect sizes to show (default
    :func:`bdc.services.effect_sizes.default_names`)."""
    names = effect_size_names or effect_sizes.default_names(target.measurement)
    # a rate's LRR floor needs the sessions' observed minutes, which only details hold
    details = target.measurement == "rate" and "lrr" in names
    values = series.target_values(
        target, date_from=date_from, date_to=date_to, details=details, setting=setting
    )
    audit.record(
        "read",
        "target_summary",
        resource_id=target.id,
        client_id=target.client_id,
        detail={"sessions": len(values)},
    )
    return compute_summary(
        target, values, date_from=date_from, date_to=date_to, effect_size_names=names
    )


def summaries_for(
    targets: Sequence[Target], date_from: date | None = None, date_to: date | None = None
) -> dict[str, dict[str, Any]]:
    """Summaries of many targets, reading each client's events once (no audit entries: the
    caller records what it shows)."""
    # a rate's LRR (a default for rates) floors at the sessions' observed minutes: details
    details = any(t.measurement == "rate" for t in targets)
    values = series.client_values(targets, date_from=date_from, date_to=date_to, details=details)
    return {
        t.id: compute_summary(t, values[t.id], date_from=date_from, date_to=date_to)
        for t in targets
    }


@dataclass
class Run:
    """Consecutive sessions under one phase."""

    index: int
    phase_id: str | None
    kind: str | None
    label: str
    start_date: date | None
    points: list[SessionValue]

    @property
    def values(self) -> list[float]:
        return [p.value for p in self.points]


def phase_runs(target: Target, values: Sequence[SessionValue]) -> list[Run]:
    starts = {p.id: p.start_date for p in target.phases}
    runs: list[Run] = []
    for v in values:
        if runs and runs[-1].phase_id == v.phase_id:
            runs[-1].points.append(v)
            continue
        runs.append(
            Run(
                index=len(runs),
                phase_id=v.phase_id,
                kind=v.phase_kind,
                label=v.phase_label if v.phase_id is not None else NO_PHASE,
                start_date=starts.get(v.phase_id),
                points=[v],
            )
        )
    return runs


def compute_summary(
    target: Target,
    values: Sequence[SessionValue],
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    effect_size_names: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The summary of ``values`` (one target's values per session, in time order), with the
    effect sizes ``effect_size_names`` (default: :func:`effect_sizes.default_names`)."""
    names = effect_size_names or effect_sizes.default_names(target.measurement)
    as_of = date_to or dates.local_today(series.zone_of_client(target.client_id))
    runs = phase_runs(target, values)
    with_ioa = sum(v.has_ioa for v in values)
    return {
        **_header(target, date_from, date_to),
        "as_of": as_of,
        "sessions": len(values),
        "sessions_with_ioa": with_ioa,
        "percent_with_ioa": 100.0 * with_ioa / len(values) if values else None,
        "phases": [_phase(run, target.measurement) for run in runs],
        "settings": _by_setting(runs),
        "level_changes": [
            _level_change(before, after) for before, after in itertools.pairwise(runs)
        ],
        "effect_sizes": _effect_sizes(runs, target, names),
        "mastery": _mastery(target, values, as_of),
        "aim": _aim(target, values, as_of),
    }


def _by_setting(runs: Sequence[Run]) -> list[dict[str, Any]]:
    """The sessions split by where they took place, in order of first appearance: per setting
    its count, mean and median, and its mean in each phase it has sessions in. Generalization
    reads these side by side; the phase figures above pool every setting."""
    split: dict[str, list[tuple[Run, SessionValue]]] = {}
    for run in runs:
        for v in run.points:
            split.setdefault(v.setting, []).append((run, v))
    out = []
    for setting, pairs in split.items():
        ys = [v.value for _, v in pairs]
        phases: dict[int, tuple[Run, list[float]]] = {}
        for run, v in pairs:
            phases.setdefault(run.index, (run, []))[1].append(v.value)
        out.append(
            {
                "setting": setting,
                "sessions": len(ys),
                "mean": math.fsum(ys) / len(ys),
                "median": statistics.median(ys),
                "phases": [
                    {
                        "index": run.index,
                        "label": run.label,
                        "sessions": len(vs),
                        "mean": math.fsum(vs) / len(vs),
                    }
                    for run, vs in phases.values()
                ],
            }
        )
    return out


def _phase(run: Run, measurement: str) -> dict[str, Any]:
    ys = run.values
    stats = analysis.phase_summary(ys)
    notes: dict[str, str] = {}
    days = [float(p.date.toordinal()) for p in run.points]
    per_week = analysis.ols_slope(ys, sessions=days)
    if len(ys) < 2:
        for name in TREND_NAMES:
            notes[name] = "a trend needs at least 2 sessions"
        split = theil = None
    else:
        split = analysis.split_middle_slope(ys)
        theil = _theil_sen(ys)
        if per_week is None:
            notes["ols_per_week"] = "every session of the phase is on the same day"
    if len(ys) < WWC_MIN_POINTS:
        notes["phase"] = f"fewer than {WWC_MIN_POINTS} data points: too few to judge a phase"
    return {
        "index": run.index,
        "phase_id": run.phase_id,
        "kind": run.kind,
        "label": run.label,
        "start_date": run.start_date,
        "first_date": run.points[0].date,
        "last_date": run.points[-1].date,
        "n": stats.n,
        "mean": stats.mean,
        "median": stats.median,
        "sd": stats.sd,
        "min": stats.minimum,
        "max": stats.maximum,
        "range": stats.range,
        "sessions_with_ioa": sum(p.has_ioa for p in run.points),
        # The same strings the PDF prints (bdc.reports.format), so screen and paper agree.
        "display": {
            "mean": fmt.value(stats.mean, measurement),
            "sd": fmt.number(stats.sd),
            "range": fmt.value_range(stats.minimum, stats.maximum, measurement),
        },
        "trend": {
            "ols_per_session": stats.slope,
            "ols_per_week": None if per_week is None else 7.0 * per_week,
            "split_middle_per_session": split,
            "theil_sen_per_session": theil,
            "per_session_x": "position of the session in the phase (1..n)",
            "per_week_x": "calendar day of the session (UTC); slope per day x 7",
        },
        "notes": notes,
    }


SHORT_PHASE = 50


def _theil_sen(ys: Sequence[float]) -> float | None:
    """Theil-Sen slope on sessions 1..n. Both library functions give the median of the pairwise
    slopes, to the bit; scipy's (``theil_sen_slope``) costs about a millisecond a call even
    for a few points, so short phases use the plain one (``theil_sen_line``)."""
    if len(ys) > SHORT_PHASE:
        return analysis.theil_sen_slope(ys)
    return analysis.theil_sen_line(ys, [float(i) for i in range(1, len(ys) + 1)])[1]


def _level_change(before: Run, after: Run) -> dict[str, Any]:
    change = analysis.level_change(before.values, after.values)
    return {
        "from_index": before.index,
        "to_index": after.index,
        "from_label": before.label,
        "to_label": after.label,
        "points": change.points,
        "last_median_before": change.last_baseline_median,
        "first_median_after": change.first_treatment_median,
        "median_change": change.median_change,
        "absolute_change": change.absolute_change,
        "mean_difference": change.mean_difference,
    }


def _effect_sizes(runs: Sequence[Run], target: Target, names: Sequence[str]) -> dict[str, Any]:
    chosen = [{"name": name, "variant": effect_sizes.CATALOGUE[name].variant} for name in names]
    baseline = next((r for r in runs if r.kind == "baseline"), None)
    if baseline is None:
        return {
            "baseline_index": None,
            "chosen": chosen,
            "comparisons": [],
            "note": "no baseline phase",
        }
    later = [r for r in runs if r.index > baseline.index]
    note = None if later else "no phase after the baseline yet"
    return {
        "baseline_index": baseline.index,
        "direction": target.direction,
        "chosen": chosen,
        "comparisons": [_compare(baseline, run, target, names) for run in later],
        "note": note,
    }


def _mean_observed_minutes(points: Sequence[SessionValue]) -> float | None:
    minutes = [p.details["observed_minutes"] for p in points if p.details.get("observed_minutes")]
    return math.fsum(minutes) / len(minutes) if minutes else None


def _compare(baseline: Run, phase: Run, target: Target, names: Sequence[str]) -> dict[str, Any]:
    compared = effect_sizes.Compared(
        baseline=baseline.values,
        treatment=phase.values,
        direction=target.direction,
        measurement=target.measurement,
        params=target.params or {},
        observed_minutes=_mean_observed_minutes([*baseline.points, *phase.points]),
        goal=float(target.aim["end_value"]) if target.aim else None,
    )
    out: dict[str, Any] = {
        "phase_index": phase.index,
        "phase_label": phase.label,
        "baseline_n": len(baseline.points),
        "phase_n": len(phase.points),
    }
    notes: dict[str, str] = {}
    for name in names:
        result, reason = effect_sizes.compute(name, compared)
        out[name] = None if result is None else effect_sizes.serialize(name, result, compared)
        if reason is not None:
            notes[name] = reason
    if min(len(baseline.points), len(phase.points)) < WWC_MIN_POINTS:
        notes["comparison"] = f"a phase has fewer than {WWC_MIN_POINTS} data points"
    out["notes"] = notes
    return out


def _mastery(target: Target, values: Sequence[SessionValue], as_of: date) -> dict | None:
    criterion = target.mastery
    if not criterion:
        return None
    phase = series.phase_on(list(target.phases), as_of)
    phase_id = phase.id if phase is not None else None
    points = [v for v in values if v.phase_id == phase_id]
    result = analysis.evaluate_mastery(
        [
            analysis.MasterySession(percent=v.value, trials=v.n, observer=v.observer_id)
            for v in points
        ],
        criterion=criterion["percent"],
        consecutive=criterion["consecutive"],
        min_trials=criterion.get("min_trials", 0),
        min_observers=criterion.get("min_observers", 1),
    )
    met_at = points[result.session_index - 1] if result.met else None
    window = points[result.window_start - 1] if result.met else None
    return {
        "criterion": dict(criterion),
        "phase_id": phase_id,
        "phase_label": phase.label if phase is not None else NO_PHASE,
        "sessions": len(points),
        "met": result.met,
        "status": "met" if result.met else "not_met",
        "date_met": met_at.date if met_at else None,
        "session_id": met_at.session_id if met_at else None,
        "window_start_date": window.date if window else None,
        "reason": result.reason,
        "basis": (
            "sessions of the phase in force on as_of; percent = session value, "
            "trials = trials/steps/intervals behind it, observer = session observer"
        ),
    }


def _aim(target: Target, values: Sequence[SessionValue], as_of: date) -> dict | None:
    aim = target.aim
    if not aim:
        return None
    start = date.fromisoformat(str(aim["start_date"]))
    end = date.fromisoformat(str(aim["end_date"]))
    v0, v1 = float(aim["start_value"]), float(aim["end_value"])
    clamped = min(max(as_of, start), end)
    expected = v0 + (v1 - v0) * (clamped - start).days / (end - start).days
    recent = [v.value for v in values if v.date <= as_of][-CURRENT_LEVEL_POINTS:]
    level = analysis.phase_summary(recent).median if recent else None
    if level is None:
        status = "no_data"
    elif (level >= expected) if target.direction == "increase" else (level <= expected):
        status = "on_track"
    else:
        status = "behind"
    return {
        "start_date": start,
        "start_value": v0,
        "end_date": end,
        "end_value": v1,
        "as_of": as_of,
        "expected": expected,
        "current_level": level,
        "current_level_points": len(recent),
        "difference": None if level is None else level - expected,
        "status": status,
        "basis": (
            f"current level = median of the last {CURRENT_LEVEL_POINTS} data points up to "
            "as_of; expected = aim line on as_of (held at its end value after end_date, at "
            "its start value before start_date)"
        ),
    }
