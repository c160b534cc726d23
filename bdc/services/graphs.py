"""Graphs served from the database: a target's line graph, Standard Celeration Chart and
cumulative record, a client's FBA charts and data-quality charts.

This module fills the plain dataclasses of :mod:`bdc.reports.model` from the database and
calls the pure drawing functions of :mod:`bdc.reports`. The figures themselves are computed
elsewhere: session values by :mod:`bdc.services.series`, FBA selections by
:mod:`bdc.services.fba`, IOA agreement and fidelity scores by :mod:`bdc.services.quality`
(which asks :mod:`bdc.services.ioa`). Conventions (docs/graphs.md, "Serving graphs and
reports"):

- **Points.** One per primary session with a value (:func:`bdc.services.series.target_values`),
  dated by the session's UTC date. Sessions with an IOA partner are reliability points
  (triangles). ``trials`` is the session's ``n`` for the percentage measurements (trials,
  steps or intervals observed), compared with the mastery criterion's ``min_trials``.
  ``observed_minutes`` (pauses excluded) is the counting time of the celeration chart.
- **Phases.** One mark per run of consecutive sessions under the same phase, plus every
  phase begun after the last session (so a phase change made yesterday is on the graph
  before its first session). Phases of kind ``condition`` are dashed lines.
- **Aim line** from the target's ``aim``; minimum trials from its ``mastery``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from xml.sax.saxutils import escape

from flask_smorest import abort
from sqlalchemy import select

from bdc import analysis, audit, dates, drawing, reports
from bdc.extensions import db
from bdc.fa_conditions import CONTROL, condition_label
from bdc.models import Client, Target, User
from bdc.reports import style
from bdc.reports.graphs import PANEL_MAX
from bdc.reports.model import (
    PERCENT_MEASUREMENTS,
    AbcRecord,
    AimLine,
    FaSession,
    FidelityPoint,
    FidelitySummary,
    FunctionalAnalysis,
    IoaPoint,
    IoaSummary,
    PhaseMark,
    SeriesPoint,
    TargetSeries,
)
from bdc.services import fba, ioa, quality, series
from bdc.services.series import SessionValue

__all__ = [
    "CHARTS",
    "FBA_KINDS",
    "QUALITY_KINDS",
    "QualityData",
    "fba_chart",
    "fidelity_data",
    "functional_analysis",
    "ioa_data",
    "panel_chart",
    "quality_chart",
    "series_from",
    "target_chart",
    "target_series",
]

CHARTS = ("line", "celeration", "cumulative")
FBA_KINDS = ("abc", "scatterplot", "multielement")
QUALITY_KINDS = ("ioa", "fidelity")
FORMATS = ("png", "svg")

CELERATION_MEASUREMENTS = frozenset({"rate", "frequency"})
"""A celeration chart plots count per minute: a rate, or a count over the observed time."""
CUMULATIVE_MEASUREMENTS = frozenset({"frequency", "abc"})
"""A cumulative record adds up counts; a running sum of percentages or rates means nothing."""
CELERATION_DAYS = 140
MINUTE_COUNTS = frozenset({"rate", "frequency"})
NO_PHASE_LABEL = ""


def _unprocessable(field: str, message: str) -> None:
    abort(422, message=message, fields={field: [message]})


CHART_NAMES = {
    "line": "line graph",
    "celeration": "Daily Standard Celeration Chart",
    "cumulative": "cumulative record",
    "abc": "ABC chart",
    "scatterplot": "scatterplot",
    "multielement": "functional analysis (multielement)",
    "ioa": "interobserver agreement",
    "fidelity": "treatment fidelity",
}


def _render(figure: drawing.Sketch, fmt: str, title: str) -> bytes:
    """PNG or SVG bytes. An SVG gets ``title`` as its ``<title>`` (its accessible name, and
    what a browser shows on hover), since matplotlib draws the text itself as paths."""
    content = drawing.render(figure, fmt)
    if fmt != "svg":
        return content
    text = content.decode("utf-8")
    start = text.find("<svg")
    end = text.find(">", start) + 1
    if start < 0 or end <= 0:
        return content
    head = text[:end].replace("<svg", '<svg role="img"', 1)
    return (head + f"\n <title>{escape(title)}</title>" + text[end:]).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# a target's series


def _aim(target: Target) -> AimLine | None:
    aim = target.aim
    if not aim:
        return None
    try:
        return AimLine(
            date.fromisoformat(str(aim["start_date"])),
            float(aim["start_value"]),
            date.fromisoformat(str(aim["end_date"])),
            float(aim["end_value"]),
        )
    except (KeyError, TypeError, ValueError):
        return None  # a malformed aim is not drawn rather than failing the graph


def _min_trials(target: Target) -> int | None:
    mastery = target.mastery or {}
    value = mastery.get("min_trials")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _point(target: Target, v: SessionValue, phase_index: int) -> SeriesPoint:
    minutes = None
    if target.measurement in MINUTE_COUNTS:
        raw = v.details.get("observed_minutes") if v.details else None
        if isinstance(raw, int | float) and raw > 0:
            minutes = float(raw)
    return SeriesPoint(
        x=v.date,
        value=float(v.value),
        phase_index=phase_index,
        reliability=v.has_ioa,
        trials=v.n if target.measurement in PERCENT_MEASUREMENTS else None,
        observed_minutes=minutes,
        criterion_met=v.session_id == target.criterion_met_session_id,
        setting=v.setting,
    )


def series_from(
    target: Target,
    values: Sequence[SessionValue],
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> TargetSeries:
    """The :class:`TargetSeries` of ``values`` (the target's values per session, in time order).

    A phase that starts after the last session and by ``date_to`` (today when None) gets its
    phase-change line before it has data. ``date_from`` stands in for the last session when
    there is none.
    """
    phases = list(target.phases)
    by_id = {p.id: p for p in phases}
    # (sort key, mark, run of values); a run is consecutive sessions under one phase.
    marks: list[tuple[tuple, PhaseMark, list[SessionValue]]] = []
    seen: set[str | None] = set()
    for v in values:
        if marks and marks[-1][2] and marks[-1][2][-1].phase_id == v.phase_id:
            marks[-1][2].append(v)
            continue
        phase = by_id.get(v.phase_id) if v.phase_id else None
        if phase is None:
            day = v.date
            mark = PhaseMark(day, NO_PHASE_LABEL, "baseline")
            key: tuple = (day, len(marks))
        else:
            mark = PhaseMark(phase.start_date, phase.label, phase.kind)
            key = (phase.start_date, len(marks))
        seen.add(v.phase_id)
        marks.append((key, mark, [v]))
    # a phase begun after the last session (no data yet) still shows its phase change
    lo = values[-1].date if values else date_from
    hi = date_to or dates.local_today(series.zone_of_client(target.client_id))
    if lo is not None:
        for phase in phases:
            if phase.id not in seen and lo < phase.start_date <= hi:
                key = (phase.start_date, len(marks))
                marks.append((key, PhaseMark(phase.start_date, phase.label, phase.kind), []))
    marks.sort(key=lambda m: m[0])
    points = [_point(target, v, index) for index, (_, _, run) in enumerate(marks) for v in run]
    return TargetSeries(
        name=target.name,
        unit=None,
        measurement=target.measurement,
        direction="decrease" if target.direction == "decrease" else "increase",
        points=points,
        phases=[m for _, m, _ in marks],
        aim=_aim(target),
        min_trials=_min_trials(target),
        **_rating_scale(target),
    )


def _rating_scale(target: Target) -> dict[str, Any]:
    """``scale`` and ``scale_labels`` of a rating target (its params were validated)."""
    params = target.params or {}
    if target.measurement != "rating" or "scale_min" not in params:
        return {}
    low, high = float(params["scale_min"]), float(params["scale_max"])
    labels = tuple(str(label) for label in params.get("labels") or ())
    return {"scale": (low, high), "scale_labels": labels}


def target_series(
    target: Target,
    date_from: date | None = None,
    date_to: date | None = None,
    setting: str | None = None,
) -> TargetSeries:
    """The graph input of one target over ``date_from``..``date_to`` (no audit entry: the
    caller records what it shows); ``setting``: sessions there only."""
    values = series.target_values(
        target, date_from=date_from, date_to=date_to, details=True, setting=setting
    )
    return series_from(target, values, date_from=date_from, date_to=date_to)


def _sunday_on_or_before(d: date) -> date:
    return d - timedelta(days=(d.weekday() + 1) % 7)


def _celeration(target: Target, data: TargetSeries) -> drawing.Sketch:
    points = data.points
    if target.measurement == "frequency":
        # a count without an observed time (an open session) has no rate to chart
        points = tuple(p for p in points if p.observed_minutes is not None)
    charted = TargetSeries(
        name=data.name,
        unit=data.unit,
        measurement=data.measurement,
        direction=data.direction,
        points=points,
        phases=data.phases,
    )
    if not points:
        return drawing.sketch(style.no_data_figure, f"Daily per minute chart \u2014 {data.name}")
    start = None
    if points:
        first, last = min(p.x for p in points), max(p.x for p in points)
        if (last - first).days >= CELERATION_DAYS:  # type: ignore[operator]
            # one chart holds 140 days: chart the latest ones
            start = _sunday_on_or_before(last - timedelta(days=CELERATION_DAYS - 1))  # type: ignore[operator]
    return drawing.sketch(reports.celeration_chart, charted, start=start)


def target_chart(
    target: Target,
    *,
    chart: str = "line",
    x: str = "session",
    trend: str | None = None,
    aim: bool = True,
    fmt: str = "png",
    date_from: date | None = None,
    date_to: date | None = None,
    setting: str | None = None,
) -> bytes:
    """One target's graph as PNG or SVG bytes, with a ``read`` audit entry (``setting``: the
    sessions recorded there only).

    ``chart``: ``line`` (the line graph, with ``x``, ``trend`` and ``aim``), ``celeration``
    (Daily Standard Celeration Chart; rate and frequency targets) or ``cumulative``
    (cumulative record; frequency and ABC targets). A chart that does not suit the target's
    measurement is refused (422).
    """
    if chart not in CHARTS:
        _unprocessable("chart", f"Must be one of: {', '.join(CHARTS)}.")
    if chart == "cumulative" and target.measurement not in CUMULATIVE_MEASUREMENTS:
        _unprocessable(
            "chart",
            "A cumulative record adds up counts: it needs a frequency or ABC target, "
            f"not {target.measurement}.",
        )
    if chart == "celeration" and target.measurement not in CELERATION_MEASUREMENTS:
        _unprocessable(
            "chart",
            "The Standard Celeration Chart plots count per minute: it needs a rate or "
            f"frequency target, not {target.measurement}.",
        )
    data = target_series(target, date_from, date_to, setting)
    if chart == "line":
        figure = drawing.sketch(reports.line_graph, data, x=x, trend=trend, show_aim=aim)
    elif chart == "cumulative":
        figure = drawing.sketch(reports.cumulative_record, data, x=x)
    else:
        figure = _celeration(target, data)
    audit.record(
        "read",
        "target_graph",
        resource_id=target.id,
        client_id=target.client_id,
        detail={"chart": chart, "format": fmt, "sessions": len(data.points)},
    )
    return _render(figure, fmt, f"{target.name}: {CHART_NAMES[chart]}")


def panel_chart(
    client: Client,
    *,
    target_ids: Sequence[str] = (),
    x: str = "date",
    fmt: str = "png",
    date_from: date | None = None,
    date_to: date | None = None,
) -> bytes:
    """The multiple-baseline (panel) graph of ``client``: one panel per target, top to bottom
    in the order asked for (default: the active targets with data in the period, by name),
    sharing the x axis, the k-th phase change of each panel joined to the next by a dog-leg;
    PNG or SVG bytes with a ``read`` audit entry. At most ``PANEL_MAX`` panels (422)."""
    targets = _client_targets(client, None)
    if target_ids:
        by_id = {t.id: t for t in targets}
        missing = [i for i in target_ids if i not in by_id]
        if missing:
            abort(404, message="No such target.")
        chosen = [by_id[i] for i in dict.fromkeys(target_ids)]
    else:
        chosen = [t for t in targets if t.active]
    data = [target_series(t, date_from, date_to) for t in chosen]
    if not target_ids:
        data = [d for d in data if any(p.value is not None for p in d.points)]
    if len(data) > PANEL_MAX:
        _unprocessable(
            "target_id", f"At most {PANEL_MAX} panels: choose the targets with target_id."
        )
    title = f"{client.code}: multiple baseline across targets"
    figure = (
        drawing.sketch(reports.panel_graph, data, x=x, title=title)
        if data
        else drawing.sketch(style.no_data_figure, title, "No targets with data in this period")
    )
    audit.record(
        "read",
        "panel_chart",
        client_id=client.id,
        detail={"format": fmt, "targets": [t.id for t in chosen][:PANEL_MAX]},
    )
    return _render(figure, fmt, title)


# ---------------------------------------------------------------------------------------------
# FBA charts


def _client_targets(client: Client, target_id: str | None) -> list[Target]:
    targets = list(
        db.session.scalars(
            select(Target).where(Target.client_id == client.id).order_by(Target.name, Target.id)
        )
    )
    if target_id is not None:
        targets = [t for t in targets if t.id == target_id]
        if not targets:
            abort(404, message="No such target.")
    return targets


def _abc_figure(client, targets, date_from, date_to, behavior, target_id) -> drawing.Sketch:
    abc_targets = [t for t in targets if t.measurement == "abc"]
    if target_id is not None and not abc_targets:
        _unprocessable("target_id", "The ABC chart needs an ABC-recording target.")
    ids = {t.id for t in abc_targets}
    records: list[AbcRecord] = []
    if ids:
        recs = series.load_client(
            client.id, target_ids=sorted(ids), date_from=date_from, date_to=date_to
        )
        for events in fba.kept_events(recs).values():
            for e in events:
                if e.kind != "abc" or e.target_id not in ids:
                    continue
                d = e.data
                records.append(
                    AbcRecord(
                        antecedent=str(d.get("antecedent") or ""),
                        behavior=str(d.get("behavior") or ""),
                        consequence=str(d.get("consequence") or ""),
                        setting_event=str(d["setting_event"]) if d.get("setting_event") else None,
                    )
                )
    return drawing.sketch(reports.abc_bar_chart, records, behavior=behavior)


def _local(moment: datetime, tz: tzinfo) -> datetime:
    return dates.local_time(series.as_utc(moment), tz)


def _scatterplot_figure(client, targets, date_from, date_to, tz, bin_minutes, target_id):
    if (
        date_from is not None
        and ((date_to or dates.local_today(tz)) - date_from).days + 1 > quality.MAX_DAYS
    ):
        # one column a day: a range of centuries would be a figure no one can render or read
        _unprocessable("from", f"The scatterplot shows at most {quality.MAX_DAYS} days.")
    # the selection of bdc.services.fba: problem behavior in primary sessions
    problem = fba.problem_behaviors(targets, target_id)
    if target_id is not None and not problem:
        _unprocessable(
            "target_id",
            "The scatterplot needs a target whose events mark occurrences (frequency, rate, "
            "ABC, duration or partial/whole interval).",
        )
    ids = {t.id for t in problem}
    sessions, times = [], []
    if ids:
        recs = series.load_client(
            client.id, target_ids=sorted(ids), date_from=date_from, date_to=date_to
        )
        kept = fba.kept_events(recs)
        sessions = fba.scatterplot_sessions(recs, kept, ids)
        times = [
            _local(e.t, tz)
            for s in sessions
            for e in kept.get(s.id, ())
            if e.target_id in ids and fba.is_occurrence(e)
        ]
    title = f"Scatterplot: {', '.join(t.name for t in problem) or 'no problem behavior'} ({tz})"
    if not sessions:
        return drawing.sketch(
            style.no_data_figure, title, "No observed sessions of problem behavior in this period"
        )
    observed = [
        (_local(s.started_at, tz), _local(s.ended_at or s.started_at, tz)) for s in sessions
    ]
    days = sorted({start.date() for start, _ in observed})
    last = date_to or (days[-1] if days else dates.local_today(tz))
    first = date_from or max(days[0] if days else last, last - timedelta(days=27))
    day_start, day_end = time(8, 0), time(16, 0)
    if observed:
        # whole hours around every observation
        lo = min(start.hour for start, _ in observed)
        hi = max(
            24 if end.date() > start.date() else end.hour + (1 if end.minute or end.second else 0)
            for start, end in observed
        )
        day_start = time(lo, 0)
        day_end = time(23, 59) if hi >= 24 else time(max(hi, lo + 1), 0)
    step = int(bin_minutes)
    return drawing.sketch(
        reports.scatterplot_grid,
        times,
        first_day=first,
        last_day=max(first, last),
        day_start=day_start,
        day_end=day_end,
        interval_minutes=step,
        observed=observed,
        title=title,
    )


def _multielement_figure(client, targets, date_from, date_to, target_id) -> drawing.Sketch:
    analysed = fba.fa_targets(client.id, targets)
    if target_id is not None and not analysed:
        _unprocessable(
            "target_id",
            "The target was not recorded in any functional-analysis session (a session "
            "started with an FA condition: attention, escape, tangible, alone, play...).",
        )
    if not analysed:
        return drawing.sketch(reports.multielement_graph, [], title="Functional analysis")
    target = analysed[0]
    values = series.target_values(
        target, date_from=date_from, date_to=date_to, details=False, include_fa=True
    )
    fa = functional_analysis(values)
    return drawing.sketch(
        reports.multielement_graph,
        fa.sessions,
        measurement=target.measurement,
        title=f"{target.name}: functional analysis",
        criteria=fa.criteria,
        aid=fa.aid,
    )


def functional_analysis(values: Sequence[SessionValue]) -> FunctionalAnalysis:
    """The multielement functional analysis in ``values`` (one target's, in time order): only
    FA sessions, numbered in the order they were run, with the structured-criteria aid."""
    # a session without a condition (a treatment phase such as "NCR + DRA") is never drawn
    # as an FA condition
    run = [(v, c) for v in values if (c := fba.fa_condition_of(v)) is not None]
    sessions = [
        FaSession(session=i, condition=condition_label(c), value=v.value)
        for i, (v, c) in enumerate(run, start=1)
    ]
    criteria, aid = _structured_criteria(run)
    return FunctionalAnalysis(tuple(sessions), criteria, aid)


def _structured_criteria(run) -> tuple[tuple[float, float] | None, str | None]:
    """The structured-criteria lines and their caption for the multielement graph, when the
    control (play) condition has the two sessions they need; (None, None) otherwise.

    An aid to visual inspection after Hagopian et al. (1997) as modified by Roane et al.
    (2013), simplified as :func:`bdc.analysis.functional_analysis_summary` says; the caption
    says so, and that the BCBA interprets the graph."""
    conditions: dict[str, list[float]] = {}
    for v, c in run:
        conditions.setdefault(c, []).append(v.value)
    if len(conditions.get(CONTROL, ())) < 2:
        return None, None
    summary = analysis.functional_analysis_summary(conditions, control=CONTROL)
    if summary.upper_criterion is None or summary.lower_criterion is None:
        return None, None
    tested = [
        f"{condition_label(c.condition)} {c.points_above} of {c.n} above"
        + (" (differentiated)" if c.elevated else "")
        for c in summary.conditions
        if c.condition != CONTROL
    ]
    aid = (
        "Aid to visual inspection, not a verdict: structured criteria (Hagopian et al., 1997; "
        "Roane et al., 2013; simplified), lines at the play mean \u00b1 1 SD. "
        + "; ".join(tested)
        + ". The BCBA interprets the graph."
    )
    return (summary.lower_criterion, summary.upper_criterion), aid


def fba_chart(
    client: Client,
    kind: str,
    *,
    target_id: str | None = None,
    behavior: str | None = None,
    tz: tzinfo | None = None,
    bin_minutes: int = 30,
    date_from: date | None = None,
    date_to: date | None = None,
    fmt: str = "png",
) -> bytes:
    """An FBA chart of ``client`` as PNG or SVG bytes, with a ``read`` audit entry.

    ``abc``: antecedents and consequences of the ABC records (of one ``behavior``, or all);
    ``scatterplot``: problem behavior by time of day and date in ``tz`` (the last four
    weeks of data unless ``date_from`` is given); ``multielement``: the functional analysis
    of the first target with condition phases (or ``target_id``). Primary sessions only,
    voids applied, as :mod:`bdc.services.fba`.
    """
    if kind not in FBA_KINDS:
        _unprocessable("kind", f"Must be one of: {', '.join(FBA_KINDS)}.")
    targets = _client_targets(client, target_id)
    tz = tz or dates.client_zone(client.time_zone)
    if kind == "abc":
        figure = _abc_figure(client, targets, date_from, date_to, behavior, target_id)
    elif kind == "scatterplot":
        figure = _scatterplot_figure(
            client, targets, date_from, date_to, tz, bin_minutes, target_id
        )
    else:
        figure = _multielement_figure(client, targets, date_from, date_to, target_id)
    audit.record(
        "read",
        "fba_chart",
        client_id=client.id,
        resource_id=target_id,
        detail={"kind": kind, "format": fmt},
    )
    return _render(figure, fmt, f"{client.code}: {CHART_NAMES[kind]}")


# ---------------------------------------------------------------------------------------------
# data quality: IOA and fidelity, for the charts and the progress report


@dataclass(frozen=True)
class QualityData:
    """Summary rows and per-session points of one client's IOA or fidelity."""

    rows: tuple[Any, ...]
    points: tuple[Any, ...]


def _scope(client: Client, date_from: date, date_to: date) -> quality.Scope:
    return quality.Scope(
        clients=[client],
        bcba_id=None,
        date_from=date_from,
        date_to=date_to,
        codes={client.id: client.code},
    )


def ioa_method(measurement: str) -> str:
    """The headline IOA measure of a measurement type (``Total count``, ``Trial-by-trial``)."""
    return ioa.LABELS[ioa.HEADLINE[measurement]]


def ioa_data(
    client: Client, targets: Sequence[Target], date_from: date, date_to: date
) -> QualityData:
    """IOA of ``targets`` over the period, one row per target with primary sessions.

    The figures are the dashboard's (:mod:`bdc.services.quality`, per target and phase),
    added up over the phases: sessions, sessions with a reliability observer, and the mean,
    lowest and highest agreement of the IOA sessions (each one's headline measure).
    """
    if not targets:
        return QualityData((), ())
    by_target: dict[str, list[dict]] = defaultdict(list)
    for row in quality.ioa_rows(_scope(client, date_from, date_to), targets):
        by_target[row["target_id"]].append(row)
    rows, points = [], []
    for target in targets:
        phase_rows = by_target.get(target.id)
        if not phase_rows:
            continue
        method = ioa_method(target.measurement)
        pairs = [p for r in phase_rows for p in r["ioa_sessions"]]
        agreements = [p["agreement"] for p in pairs if p["agreement"] is not None]
        rows.append(
            IoaSummary(
                target=target.name,
                method=method,
                sessions=sum(r["sessions"] for r in phase_rows),
                ioa_sessions=sum(r["sessions_with_ioa"] for r in phase_rows),
                mean_agreement=sum(agreements) / len(agreements) if agreements else None,
                min_agreement=min(agreements) if agreements else None,
                max_agreement=max(agreements) if agreements else None,
            )
        )
        points += [
            IoaPoint(x=p["date"], percent=p["agreement"], target=target.name, method=method)
            for p in pairs
        ]
    return QualityData(tuple(rows), tuple(sorted(points, key=lambda p: (p.x, p.target))))


def _staff_label(user: User | None) -> str:
    if user is None:
        return "(staff not recorded)"
    return user.display_name or user.username


def plan_label(plan) -> str:
    """A plan as printed: its title (or function), and its version after the first."""
    name = plan.title or f"{plan.function.capitalize()} plan"
    return name if plan.version == 1 else f"{name} (v{plan.version})"


def fidelity_data(client: Client, date_from: date, date_to: date) -> QualityData:
    """Fidelity checks of the client's plans over the period: one row per plan version and
    staff member (checks, mean, range, the plan's criterion) and one point per check, scored
    by :func:`bdc.services.quality.score_fidelity_sessions`."""
    tz = dates.client_zone(client.time_zone)
    scores = quality.score_fidelity_sessions(
        quality.fidelity_sessions([client.id], date_from, date_to)
    )
    staff_ids = {s.session.staff_id for s in scores if s.session.staff_id}
    staff = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(staff_ids)))}
        if staff_ids
        else {}
    )
    groups: dict[tuple[str, str | None], list[quality.FidelityScore]] = defaultdict(list)
    for score in scores:
        groups[(score.plan.id, score.session.staff_id)].append(score)
    rows = []
    for (_, staff_id), group in groups.items():
        figures = quality.fidelity_figures(group)
        rows.append(
            FidelitySummary(
                plan=plan_label(group[0].plan),
                staff=_staff_label(staff.get(staff_id) if staff_id else None),
                sessions=figures["sessions"],
                mean_percent=figures["mean_percent"],
                min_percent=figures["min_percent"],
                max_percent=figures["max_percent"],
                criterion=group[0].plan.criterion,
            )
        )
    points = [
        FidelityPoint(
            x=dates.local_day(s.session.started_at, tz),
            percent=s.percent,
            staff=_staff_label(staff.get(s.session.staff_id) if s.session.staff_id else None),
            plan=plan_label(s.plan),
        )
        for s in scores
    ]
    return QualityData(
        tuple(sorted(rows, key=lambda r: (r.plan, r.staff))),
        tuple(sorted(points, key=lambda p: (p.x, p.staff))),
    )


def quality_chart(
    client: Client,
    kind: str,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    criterion: float = 80.0,
    fmt: str = "png",
) -> bytes:
    """The client's IOA per session (against ``criterion``) or fidelity per check (against
    the plan's criterion when all checks share one plan criterion) as PNG or SVG, with a
    ``read`` audit entry. The period defaults to the dashboard's (the last four weeks)."""
    if kind not in QUALITY_KINDS:
        _unprocessable("kind", f"Must be one of: {', '.join(QUALITY_KINDS)}.")
    date_from, date_to = quality.resolve_range(date_from, date_to)
    period = f"{date_from.isoformat()} to {date_to.isoformat()}"
    if kind == "ioa":
        targets = _client_targets(client, None)
        data = ioa_data(client, targets, date_from, date_to)
        figure = drawing.sketch(
            reports.ioa_chart,
            list(data.points),
            criterion=criterion,
            title=f"Interobserver agreement, {period}",
            period=(date_from, date_to),
        )
    else:
        data = fidelity_data(client, date_from, date_to)
        criteria = {r.criterion for r in data.rows if r.criterion is not None}
        figure = drawing.sketch(
            reports.fidelity_chart,
            list(data.points),
            criterion=criteria.pop() if len(criteria) == 1 else None,
            title=f"Treatment fidelity, {period}",
            period=(date_from, date_to),
        )
    audit.record(
        "read",
        "quality_chart",
        client_id=client.id,
        detail={"kind": kind, "format": fmt, "from": date_from.isoformat(), "to": period[-10:]},
    )
    return _render(figure, fmt, f"{client.code}: {CHART_NAMES[kind]}, {period}")
