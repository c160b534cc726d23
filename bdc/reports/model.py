"""Plain-data inputs of the graph, report and export builders.

Every graph and the PDF report take these small frozen dataclasses, never database rows, so
the reports package stays pure (no Flask, no SQLAlchemy) and is tested on hand-made data.
The API and the CLI fill them from the database.

Conventions shared by all of them:

- ``x`` of a point is either a session number (``int``, 1-based, in time order) or the
  calendar ``date`` of the session. One series uses one kind throughout; mixing raises
  ``ValueError``. A graph drawn with ``x='session'`` over dated points numbers the sessions
  1..n in date order; ``x='date'`` needs dated points.
- ``value`` is the session's value in the target's own measurement (responses per minute,
  percent 0-100, seconds, count ...). ``None`` means the session produced no value
  (no opportunity, data lost): the data path is broken there (Cooper, Heron & Heward 2020,
  ch. 6: do not connect across sessions in which the behavior was not measured).
- Sequences passed as lists are stored as tuples, so every instance is immutable and hashable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bdc.measurement_params import MEASUREMENTS, PERCENT_MEASUREMENTS

__all__ = [
    "DASHED_KINDS",
    "MEASUREMENTS",
    "PERCENT_MEASUREMENTS",
    "PHASE_KINDS",
    "AbcRecord",
    "AimLine",
    "FaSession",
    "FidelityPoint",
    "FidelitySummary",
    "FunctionalAnalysis",
    "IoaPoint",
    "IoaSummary",
    "PhaseMark",
    "ProgressReport",
    "ReportTarget",
    "SeriesPoint",
    "TargetSeries",
    "XValue",
]

XValue = date | int
"""A position on the x axis: a session number or a calendar date."""

PHASE_KINDS = frozenset({"baseline", "intervention", "maintenance", "generalization", "condition"})
"""Phase kinds drawn as a solid phase-change line (a change of experimental condition; a
named condition such as "NCR + DRA" is one too)."""

DASHED_KINDS = frozenset({"note"})
"""Kinds drawn as a dashed line: an annotation that does not change the condition."""


def _tuple(obj: object, name: str) -> None:
    value = getattr(obj, name)
    if not isinstance(value, tuple):
        object.__setattr__(obj, name, tuple(value))


def _check_x(value: object, what: str) -> None:
    # bool is an int subclass; datetime is a date subclass: both are mistakes here.
    if isinstance(value, bool | datetime):
        raise TypeError(f"{what} must be a session number (int) or a date, not {value!r}")
    if not isinstance(value, int | date):
        raise TypeError(f"{what} must be a session number (int) or a date, not {value!r}")


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One session's value of one target.

    Attributes:
        x: session number (1-based) or the session's calendar date.
        value: the session value in the target's measurement; ``None`` = no value (the path
            is broken there).
        phase_index: index into ``TargetSeries.phases`` of the phase in force. The data path
            is broken wherever it changes between consecutive points.
        reliability: a second observer recorded this session (an IOA session); drawn with a
            triangle instead of a circle.
        trials: number of trials / opportunities behind a percentage value (DTT, task
            analysis); compared with ``TargetSeries.min_trials``.
        observed_minutes: observation time (pauses excluded); the counting time of the
            Standard Celeration Chart, whose record floor is ``1 / observed_minutes``.
        criterion_met: the mastery criterion was met on this session (the session that
            completed the run); marked on the line graph.
        setting: where the session took place ("" = not stated). The line graph draws
            sessions outside the clinic with a marker and a data path of their own.
    """

    x: XValue
    value: float | None
    phase_index: int = 0
    reliability: bool = False
    trials: int | None = None
    observed_minutes: float | None = None
    criterion_met: bool = False
    setting: str = ""

    def __post_init__(self) -> None:
        _check_x(self.x, "SeriesPoint.x")
        if self.phase_index < 0:
            raise ValueError("phase_index must be >= 0")
        if self.observed_minutes is not None and self.observed_minutes <= 0:
            raise ValueError("observed_minutes must be > 0")


@dataclass(frozen=True, slots=True)
class PhaseMark:
    """The start of a phase (or a dashed condition / note line).

    Attributes:
        start: first session number or first date of the phase.
        label: the condition label written across the top of the graph ("Baseline",
            "DRA + NCR").
        kind: ``baseline``, ``intervention``, ``maintenance``, ``generalization`` and
            ``condition`` draw a solid phase-change line; ``note`` draws a dashed line.
    """

    start: XValue
    label: str
    kind: str = "intervention"

    def __post_init__(self) -> None:
        _check_x(self.start, "PhaseMark.start")
        if self.kind not in PHASE_KINDS | DASHED_KINDS:
            raise ValueError(f"unknown phase kind {self.kind!r}")

    @property
    def solid(self) -> bool:
        """True when the mark is drawn as a solid phase-change line."""
        return self.kind in PHASE_KINDS


@dataclass(frozen=True, slots=True)
class AimLine:
    """The aim line of a target: from (start, start_value) to (end, end_value).

    Same shape as the target's ``aim`` in the API (``start_date``, ``start_value``,
    ``end_date``, ``end_value``); session numbers are accepted too.
    """

    start: XValue
    start_value: float
    end: XValue
    end_value: float

    def __post_init__(self) -> None:
        _check_x(self.start, "AimLine.start")
        _check_x(self.end, "AimLine.end")
        if type(self.start) is not type(self.end):
            raise TypeError("AimLine.start and AimLine.end must be of the same kind")


@dataclass(frozen=True, slots=True)
class TargetSeries:
    """Everything needed to graph one target.

    Attributes:
        name: target name, the graph's title.
        unit: y-axis label; ``None`` takes the measurement's own label
            (see ``bdc.reports.style.y_label``).
        measurement: one of ``MEASUREMENTS``.
        direction: ``increase`` or ``decrease`` (the direction of therapeutic improvement).
        points: sessions in time order (see ``SeriesPoint``).
        phases: phases in time order; ``points[i].phase_index`` indexes this tuple. The
            first phase needs no line; every later one draws a line at its start.
        aim: optional aim line.
        min_trials: sessions with fewer ``trials`` than this are drawn per ``below_min``.
        below_min: ``hollow`` (open circle, still on the path) or ``omit`` (left out; the
            path is broken there).
        notes: dashed annotation lines (kind ``note``) that do not start a new phase and
            do not break the data path (e.g. "medication change").
        scale: ``(lowest, highest)`` of a rating scale: the y axis runs over the scale.
        scale_labels: anchor labels of the scale points, lowest first (may be empty).
    """

    name: str
    unit: str | None
    measurement: str
    direction: Literal["increase", "decrease"] = "increase"
    points: tuple[SeriesPoint, ...] = ()
    phases: tuple[PhaseMark, ...] = ()
    aim: AimLine | None = None
    min_trials: int | None = None
    below_min: Literal["hollow", "omit"] = "hollow"
    notes: tuple[PhaseMark, ...] = ()
    scale: tuple[float, float] | None = None
    scale_labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("points", "phases", "notes", "scale_labels"):
            _tuple(self, name)
        if self.direction not in ("increase", "decrease"):
            raise ValueError("direction must be 'increase' or 'decrease'")
        if self.below_min not in ("hollow", "omit"):
            raise ValueError("below_min must be 'hollow' or 'omit'")
        kinds = {type(p.x) is int for p in self.points}
        if len(kinds) > 1:
            raise TypeError("a series mixes session numbers and dates in SeriesPoint.x")
        n = max(len(self.phases), 1)
        for p in self.points:
            if p.phase_index >= n:
                raise ValueError(
                    f"phase_index {p.phase_index} has no phase ({len(self.phases)} phases)"
                )

    @property
    def is_percent(self) -> bool:
        """True when the session values are percentages (y axis 0-100)."""
        return self.measurement in PERCENT_MEASUREMENTS


@dataclass(frozen=True, slots=True)
class ReportEffectSize:
    """One effect size of a target against its baseline, as the report prints it.

    Attributes:
        name: what it is and what it compares, e.g. ``NAP (Intervention vs Baseline)``.
        text: its wording, e.g. ``0.92 (95% CI 0.60 to 0.99)``, or why it is undefined.
        estimate: the number; ``None`` when undefined.
    """

    name: str
    text: str
    estimate: float | None = None


@dataclass(frozen=True, slots=True)
class ReportTarget:
    """One target's page of the progress report.

    The figures are computed by the caller (with ``bdc.analysis``) and printed as given.

    Attributes:
        series: the graphed data.
        definition: the operational definition.
        baseline_level: level of the baseline phase (statistic named by ``level_statistic``).
        current_level: level of the most recent phase.
        trend_slope: slope of the current phase's trend line, in value units per
            ``trend_per``.
        effect_sizes: the chosen effect sizes against baseline, one table row each; empty
            when none is computed (no baseline, or no data in the period).
        mastery_status: free text, e.g. ``Mastered 2025-04-12`` or ``In progress``.
        mastery_criterion: the criterion in words, e.g. ``80% on 3 consecutive sessions``.
        level_statistic: how the levels were taken, e.g. ``mean`` or ``median``.
        trend_per: the unit of ``trend_slope``'s x, ``session`` or ``day``.
        functional_analysis: the target's functional-analysis sessions of the period (an
            assessment: never points of ``series``), drawn as a multielement graph on the
            page when the period has no other data, else pointed to; ``None`` without any.
    """

    series: TargetSeries
    definition: str
    baseline_level: float | None = None
    current_level: float | None = None
    trend_slope: float | None = None
    effect_sizes: tuple[ReportEffectSize, ...] = ()
    mastery_status: str = ""
    mastery_criterion: str | None = None
    level_statistic: str = "mean"
    trend_per: str = "session"
    functional_analysis: FunctionalAnalysis | None = None


@dataclass(frozen=True, slots=True)
class IoaSummary:
    """Interobserver agreement of one target over the report period.

    ``coverage`` is the share of sessions with a second observer, in percent.
    """

    target: str
    method: str
    sessions: int
    ioa_sessions: int
    mean_agreement: float | None
    min_agreement: float | None = None
    max_agreement: float | None = None

    @property
    def coverage(self) -> float | None:
        """IOA sessions / sessions x 100; ``None`` when there were no sessions."""
        if self.sessions <= 0:
            return None
        return 100.0 * self.ioa_sessions / self.sessions


@dataclass(frozen=True, slots=True)
class FidelitySummary:
    """Treatment fidelity of one staff member on one plan over the report period."""

    plan: str
    staff: str
    sessions: int
    mean_percent: float | None
    min_percent: float | None = None
    max_percent: float | None = None
    criterion: float | None = None

    @property
    def met(self) -> bool | None:
        """Mean fidelity at or above the plan's criterion (``None`` when either is unknown)."""
        if self.mean_percent is None or self.criterion is None:
            return None
        return self.mean_percent >= self.criterion


@dataclass(frozen=True, slots=True)
class IoaPoint:
    """One IOA session's agreement (percent) for ``ioa_chart``."""

    x: XValue
    percent: float | None
    target: str = ""
    method: str = ""

    def __post_init__(self) -> None:
        _check_x(self.x, "IoaPoint.x")


@dataclass(frozen=True, slots=True)
class FidelityPoint:
    """One fidelity check (percent of applicable steps correct) for ``fidelity_chart``."""

    x: XValue
    percent: float | None
    staff: str
    plan: str = ""

    def __post_init__(self) -> None:
        _check_x(self.x, "FidelityPoint.x")


@dataclass(frozen=True, slots=True)
class AbcRecord:
    """One ABC (antecedent-behavior-consequence) record."""

    antecedent: str
    behavior: str
    consequence: str
    setting_event: str | None = None


@dataclass(frozen=True, slots=True)
class FaSession:
    """One session of a multielement functional analysis.

    Attributes:
        session: session number (1-based, in the order run).
        condition: e.g. ``attention``, ``escape`` (or ``demand``), ``alone`` (or ``ignore``),
            ``play`` (or ``control``), ``tangible``; any other name gets a marker of its own.
        value: the session's value (usually responses per minute or % of intervals).
    """

    session: int
    condition: str
    value: float | None


@dataclass(frozen=True, slots=True)
class FunctionalAnalysis:
    """A multielement functional analysis of one target, ready to draw.

    Attributes:
        sessions: the FA sessions, numbered in the order run (see ``FaSession``).
        criteria: (lower, upper) structured-criteria lines, or ``None``.
        aid: the caption of those lines (an aid to visual inspection, never a verdict).
    """

    sessions: tuple[FaSession, ...]
    criteria: tuple[float, float] | None = None
    aid: str | None = None

    def __post_init__(self) -> None:
        _tuple(self, "sessions")


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """A progress report for one client over one period (e.g. for an IEP meeting).

    Attributes:
        client_code: the pseudonymous client code; always printed.
        period_from, period_to: the period covered (inclusive).
        targets: one page each, in this order.
        ioa_rows: IOA summary table.
        fidelity_rows: fidelity summary table.
        generated_at: when the report was made; printed on it and used as the PDF
            creation date, so one report renders to the same bytes every time.
        client_name: the client's name; printed unless the report is built pseudonymous.
        provider: practice / agency name for the title page.
        prepared_by: the BCBA who prepared the report (first signature line).
        ioa_points, fidelity_points: optional per-session figures; when either is given,
            the report gets a page with the IOA and fidelity graphs.
        ioa_criterion: the minimum acceptable IOA (percent), 80 by convention.
        panel: add a multiple-baseline page of the targets with data (the first six).
    """

    client_code: str
    period_from: date
    period_to: date
    targets: tuple[ReportTarget, ...]
    generated_at: datetime
    ioa_rows: tuple[IoaSummary, ...] = ()
    fidelity_rows: tuple[FidelitySummary, ...] = ()
    client_name: str | None = None
    provider: str | None = None
    prepared_by: str | None = None
    ioa_points: tuple[IoaPoint, ...] = ()
    fidelity_points: tuple[FidelityPoint, ...] = ()
    ioa_criterion: float = 80.0
    panel: bool = False

    def __post_init__(self) -> None:
        for name in ("targets", "ioa_rows", "fidelity_rows", "ioa_points", "fidelity_points"):
            _tuple(self, name)
        if self.period_to < self.period_from:
            raise ValueError("period_to is before period_from")

    def client_label(self, pseudonymous: bool = False) -> str:
        """The client as printed: ``Name (CODE)``, or only the code when pseudonymous."""
        if pseudonymous or not self.client_name:
            return self.client_code
        return f"{self.client_name} ({self.client_code})"
