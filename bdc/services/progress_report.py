"""The progress report of one client over one period (for an IEP meeting), as a PDF.

Assembles :class:`bdc.reports.model.ProgressReport` from the database and renders it with
:func:`bdc.reports.build_progress_report`. Every figure comes from the services that compute
it for the API, so the report and the screens agree:

- **Targets**: every target with a session value in the period, and every active target
  (an active target without data gets its page, saying so: a goal never silently drops out
  of an IEP report). Behavior-reduction targets first, then skill targets, each by name.
- **Levels, trend, effect size**: :func:`bdc.services.summaries.compute_summary` over the
  sessions of the target's first baseline phase (even when it lies before the period: it is
  still the baseline) and the sessions of the period:

  - baseline level = mean of the first baseline phase;
  - current level = mean of the current phase (the latest phase with data) over its
    sessions in the period, the ones on the graph; trend = their OLS slope per session;
  - effect sizes = the chosen ones (``effect_size_names``; default
    :func:`bdc.services.effect_sizes.default_names`: NAP and Tau-U, and the LRR for counts
    and rates) of those sessions against the baseline, in the target's direction, one table
    row each, worded as the summary words them (estimate and 95% interval);
  - without a session in the period, no current level, trend or effect size ("—").

- **Mastery**: the summary's evaluation of the criterion over every session of the phase in
  force on the last day of the period (also those before the period): "Met on <date>",
  "Not yet met (<reason>)" or "No criterion".
- **Graph**: the sessions of the period only (:func:`bdc.services.graphs.series_from`).
- **Functional analysis**: FA sessions (``sessions.fa_condition``) are an assessment, never
  points of the graph, levels or mastery. A target's FA sessions of the period come with its
  page (:func:`bdc.services.graphs.functional_analysis`): the multielement graph takes the
  line graph's place when the period has nothing else, and is pointed to otherwise; a target
  assessed only by an FA in the period gets its page even when inactive.
- **IOA and fidelity**: :func:`bdc.services.graphs.ioa_data` (coverage and agreement per
  target) and :func:`bdc.services.graphs.fidelity_data` (per plan version and staff), with
  their per-session points for the quality graphs page.

``pseudonymous=True`` prints only the client's code (the name is not even passed to the
renderer). File names always use the code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bdc import audit, dates, drawing, reports
from bdc.auth import visible_client_ids
from bdc.dates import within_days
from bdc.extensions import db
from bdc.models import Client, Session, Target, User
from bdc.reports.format import DASH
from bdc.reports.model import (
    PERCENT_MEASUREMENTS,
    ProgressReport,
    ReportEffectSize,
    ReportTarget,
)
from bdc.services import effect_sizes, graphs, series, summaries
from bdc.services.exports import safe_code
from bdc.services.series import SessionValue

__all__ = [
    "DEFAULT_DAYS",
    "CaseloadResult",
    "assemble",
    "caseload_reports",
    "criterion_text",
    "mastery_text",
    "report_filename",
    "report_pdf",
]

DEFAULT_DAYS = 90
"""Without ``from``, a report covers the 90 days up to ``to`` (about a school quarter)."""


# ---------------------------------------------------------------------------------------------
# wording


def criterion_text(target: Target) -> str | None:
    """The mastery criterion in words, e.g. "≥ 80% on 3 consecutive sessions, at least 10
    trials each, 2 observers"; None without a criterion."""
    m = target.mastery
    if not m:
        return None
    unit = "%" if target.measurement in PERCENT_MEASUREMENTS else ""
    text = f"\u2265 {float(m['percent']):g}{unit} on {int(m['consecutive'])} consecutive sessions"
    trials = m.get("min_trials") or 0
    if trials:
        noun = "trials" if target.measurement == "dtt" else "opportunities"
        if target.measurement == "task_analysis":
            noun = "steps"
        text += f", at least {trials} {noun} each"
    observers = m.get("min_observers") or 1
    if observers > 1:
        text += f", {observers} different observers"
    return text


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def mastery_text(summary_mastery: dict | None) -> str:
    """ "Met on <date>", "Not yet met (<reason>)" or "No criterion"."""
    if not summary_mastery:
        return "No criterion"
    if summary_mastery["met"] and summary_mastery["date_met"] is not None:
        return f"Met on {_day(summary_mastery['date_met'])}"
    reason = summary_mastery.get("reason")
    return f"Not yet met ({reason})" if reason else "Not yet met"


# ---------------------------------------------------------------------------------------------
# one target


def _summary_start(target: Target, date_from: date) -> date:
    """Where a target's summary starts: its first baseline phase or the phase in force on
    ``date_from``, whichever is earlier (never after ``date_from``)."""
    start = date_from
    phases = list(target.phases)
    baseline = next((p for p in phases if p.kind == "baseline"), None)
    if baseline is not None:
        start = min(start, baseline.start_date)
    current = series.phase_on(phases, date_from)
    if current is not None:
        start = min(start, current.start_date)
    return start


def _effect_rows(
    comparison: dict[str, Any], names: Sequence[str], current: str, baseline: str
) -> tuple[ReportEffectSize, ...]:
    """One row per chosen effect size, named ``NAP (<current> vs <baseline>)`` (the report's
    table wraps a long one); an undefined one says why."""
    rows = []
    for name in names:
        figure = comparison[name]
        label = figure["label"] if figure else effect_sizes.CATALOGUE[name].label
        if figure is None:
            text = f"{DASH} ({comparison['notes'].get(name, 'undefined')})"
        else:
            text = figure["display"]
        rows.append(
            ReportEffectSize(
                name=f"{label} ({current} vs {baseline})",
                text=text,
                estimate=figure["estimate"] if figure else None,
            )
        )
    return tuple(rows)


def _report_target(
    target: Target,
    values: Sequence[SessionValue],
    assessed: Sequence[SessionValue],
    date_from: date,
    date_to: date,
    effect_size_names: Sequence[str] | None,
) -> ReportTarget:
    start = _summary_start(target, date_from)
    history = [v for v in values if start <= v.date <= date_to]
    period = [v for v in history if v.date >= date_from]
    # Levels, trend and effect size: the first baseline run (wherever it lies) and the
    # sessions of the period, so the current phase's figures are those of the graph.
    first_baseline = next(
        (r for r in summaries.phase_runs(target, history) if r.kind == "baseline"), None
    )
    shown = {v.session_id for v in period}
    before = [
        v for v in (first_baseline.points if first_baseline else ()) if v.session_id not in shown
    ]
    compared = sorted([*before, *period], key=lambda v: (v.started_at, v.session_id))
    names = effect_size_names or effect_sizes.default_names(target.measurement)
    levels = summaries.compute_summary(
        target, compared, date_from=start, date_to=date_to, effect_size_names=names
    )
    phases = levels["phases"]
    effects = levels["effect_sizes"]
    baseline = phases[effects["baseline_index"]] if effects["baseline_index"] is not None else None
    current = phases[-1] if period else None  # no data in the period: no current level
    effect_rows: tuple[ReportEffectSize, ...] = ()
    if current is not None and baseline is not None and current["index"] > baseline["index"]:
        comparison = next(
            (c for c in effects["comparisons"] if c["phase_index"] == current["index"]), None
        )
        if comparison is not None:
            effect_rows = _effect_rows(comparison, names, current["label"], baseline["label"])
    # Mastery: every session of the phase in force at the end of the period, also before it.
    mastery = summaries.compute_summary(target, history, date_from=start, date_to=date_to)
    return ReportTarget(
        series=graphs.series_from(target, period, date_from=date_from, date_to=date_to),
        definition=target.definition or "",
        baseline_level=baseline["mean"] if baseline is not None else None,
        current_level=current["mean"] if current is not None else None,
        trend_slope=current["trend"]["ols_per_session"] if current is not None else None,
        effect_sizes=effect_rows,
        mastery_status=mastery_text(mastery["mastery"]),
        mastery_criterion=criterion_text(target),
        level_statistic="mean",
        trend_per="session",
        functional_analysis=graphs.functional_analysis(assessed) if assessed else None,
    )


# ---------------------------------------------------------------------------------------------
# the report


def _order(target: Target) -> tuple:
    return (0 if target.direction == "decrease" else 1, target.name.casefold(), target.id)


def default_period(
    date_from: date | None, date_to: date | None, client: Client | None = None
) -> tuple[date, date]:
    """``to`` defaults to today (the ``client``'s, else the clinic's), ``from`` to
    ``DEFAULT_DAYS`` days up to ``to``."""
    date_to = date_to or dates.local_today(
        dates.client_zone(client.time_zone if client is not None else None)
    )
    date_from = date_from or date_to - timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        raise ValueError("the period starts after it ends")
    return date_from, date_to


def assemble(
    client: Client,
    date_from: date,
    date_to: date,
    *,
    pseudonymous: bool = False,
    prepared_by: str | None = None,
    provider: str | None = None,
    generated_at: datetime | None = None,
    effect_size_names: Sequence[str] | None = None,
) -> ProgressReport:
    """The :class:`ProgressReport` of ``client`` over ``date_from``..``date_to`` (no audit
    entry; :func:`report_pdf` records one), with the effect sizes ``effect_size_names``
    (default: each target's :func:`bdc.services.effect_sizes.default_names`)."""
    if date_from > date_to:
        raise ValueError("the period starts after it ends")
    targets = list(
        db.session.scalars(
            select(Target).where(Target.client_id == client.id).order_by(Target.name, Target.id)
        )
    )
    tz = dates.client_zone(client.time_zone)
    earliest = min((_summary_start(t, date_from) for t in targets), default=date_from)
    fetched = series.client_values(
        targets, date_from=earliest, date_to=date_to, details=True, include_fa=True
    )
    shown = []
    for target in sorted(targets, key=_order):
        mine, assessed = [], []
        for v in fetched.get(target.id, []):
            if v.fa_condition is None:
                mine.append(v)
            elif v.date >= date_from:
                assessed.append(v)
        in_period = bool(assessed) or any(v.date >= date_from for v in mine)
        existed = dates.local_day(series.as_utc(target.created_at), tz) <= date_to
        if in_period or (target.active and existed):
            shown.append((target, mine, assessed))
    report_targets = [
        _report_target(t, v, fa, date_from, date_to, effect_size_names) for t, v, fa in shown
    ]
    with_data = [t for t, v, _ in shown if any(x.date >= date_from for x in v)]
    ioa = graphs.ioa_data(client, with_data, date_from, date_to)
    fidelity = graphs.fidelity_data(client, date_from, date_to)
    return ProgressReport(
        client_code=client.code,
        period_from=date_from,
        period_to=date_to,
        targets=report_targets,
        generated_at=generated_at or dates.local_time(datetime.now(UTC).replace(microsecond=0), tz),
        ioa_rows=ioa.rows,
        fidelity_rows=fidelity.rows,
        client_name=None if pseudonymous else client.name,
        provider=provider,
        prepared_by=prepared_by,
        ioa_points=ioa.points,
        fidelity_points=fidelity.points,
    )


def report_filename(client: Client, date_from: date, date_to: date) -> str:
    """``progress-report-<CODE>-<from>-to-<to>.pdf``: the pseudonymous code, never the name."""
    return (
        f"progress-report-{safe_code(client.code)}-{date_from.isoformat()}-to-"
        f"{date_to.isoformat()}.pdf"
    )


def person_label(user: User | None) -> str | None:
    if user is None:
        return None
    return user.display_name or user.username


def report_pdf(
    client: Client,
    date_from: date,
    date_to: date,
    *,
    user: User | None = None,
    pseudonymous: bool = False,
    provider: str | None = None,
    x: str = "session",
    trend: str | None = None,
    paper: str = "letter",
    panel: bool = False,
    progress: Callable[[int, int], None] | None = None,
    effect_size_names: Sequence[str] | None = None,
) -> tuple[bytes, ProgressReport]:
    """The PDF and the report it shows, with an ``export`` audit entry (period, options and
    page count; no PHI). ``user`` is who made it: the audit entry's user and the report's
    "prepared by". ``panel`` adds the multiple-baseline page; ``effect_size_names`` chooses
    the effect sizes (default: NAP and Tau-U, and the LRR for counts and rates)."""
    report = assemble(
        client,
        date_from,
        date_to,
        pseudonymous=pseudonymous,
        prepared_by=person_label(user),
        provider=provider,
        effect_size_names=effect_size_names,
    )
    if panel:
        report = replace(report, panel=True)
    options = {"pseudonymous": pseudonymous, "x": x, "trend": trend, "paper": paper}
    pdf = (
        reports.build_progress_report(report, progress=progress, **options)
        if progress is not None  # the command line's progress bar: drawn here
        else drawing.run(reports.build_progress_report, report, **options)
    )
    audit.record(
        "export",
        "progress_report",
        client_id=client.id,
        user_id=user.id if user is not None else None,
        detail={
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "pseudonymous": pseudonymous,
            "panel": panel,
            "effect_sizes": list(effect_size_names) if effect_size_names else "default",
            "targets": len(report.targets),
            "pages": reports.report_page_count(report),
        },
    )
    return pdf, report


# ---------------------------------------------------------------------------------------------
# a whole caseload (the CLI)


@dataclass(frozen=True)
class CaseloadResult:
    written: list[Path]
    skipped: list[str]  # client codes without data in the period


def _caseload(user: User | None) -> list[Client]:
    query = select(Client).where(Client.active.is_(True)).order_by(Client.code)
    if user is not None:
        query = query.where(Client.id.in_(visible_client_ids(user)))
    return list(db.session.scalars(query))


def _has_data(client: Client, date_from: date, date_to: date) -> bool:
    return (
        db.session.scalar(
            select(Session.id)
            .where(
                Session.client_id == client.id,
                Session.kind == "observation",
                *within_days(
                    Session.started_at, date_from, date_to, dates.client_zone(client.time_zone)
                ),
            )
            .limit(1)
        )
        is not None
    )


def caseload_reports(
    user: User | None,
    date_from: date,
    date_to: date,
    out_dir: Path,
    progress: Callable[[Client], Any] | None = None,
    *,
    pseudonymous: bool = False,
    provider: str | None = None,
    paper: str = "letter",
    panel: bool = False,
    on_start: Callable[[int], Any] | None = None,
    effect_size_names: Sequence[str] | None = None,
) -> CaseloadResult:
    """One report per active client of ``user``'s caseload (every active client when
    ``user`` is None) with observation sessions in the period, written to ``out_dir`` as
    :func:`report_filename`. ``on_start(n)`` is called with the number of clients,
    ``progress(client)`` after each one."""
    clients = _caseload(user)
    if on_start is not None:
        on_start(len(clients))
    written, skipped = [], []
    for client in clients:
        if not _has_data(client, date_from, date_to):
            skipped.append(client.code)
        else:
            pdf, _ = report_pdf(
                client,
                date_from,
                date_to,
                user=user,
                pseudonymous=pseudonymous,
                provider=provider,
                paper=paper,
                effect_size_names=effect_size_names,
                panel=panel,
            )
            path = out_dir / report_filename(client, date_from, date_to)
            path.write_bytes(pdf)
            written.append(path)
            db.session.commit()  # the audit entry of a written file is kept
        if progress is not None:
            progress(client)
    return CaseloadResult(written, skipped)
