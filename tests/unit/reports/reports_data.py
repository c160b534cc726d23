"""Hand-made data and artist finders shared by the report tests (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bdc.reports.model import (
    FidelityPoint,
    FidelitySummary,
    IoaPoint,
    IoaSummary,
    PhaseMark,
    ProgressReport,
    ReportEffectSize,
    ReportTarget,
    SeriesPoint,
    TargetSeries,
)

ABAB_VALUES = [8, 9, 7, 10, 9, 6, 5, 4, 4, 3, 2, 7, 8, 9, 8, 3, 2, 1, 1, 0]
ABAB_STARTS = [1, 6, 12, 16]  # first session of each phase


def abab(**kw) -> TargetSeries:
    """A reversal design: 20 sessions, phases A B A B starting at sessions 1, 6, 12, 16."""
    phases = (
        PhaseMark(1, "Baseline", "baseline"),
        PhaseMark(6, "FCT + extinction", "intervention"),
        PhaseMark(12, "Baseline", "baseline"),
        PhaseMark(16, "FCT + extinction", "intervention"),
    )
    pts = []
    for i, v in enumerate(ABAB_VALUES, start=1):
        ph = sum(1 for s in ABAB_STARTS if s <= i) - 1
        pts.append(SeriesPoint(i, float(v), ph, reliability=i in (4, 9, 14)))
    args = {
        "name": "Aggression",
        "unit": None,
        "measurement": "rate",
        "direction": "decrease",
        "points": pts,
        "phases": phases,
    }
    args.update(kw)
    return TargetSeries(**args)


def dated_dtt(n: int = 15, start: date = date(2025, 3, 3), switch: int = 5, **kw) -> TargetSeries:
    """A DTT target on weekdays from ``start``: baseline, then teaching from point ``switch``."""
    days = []
    d = start
    while len(days) < n:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    pts = [
        SeriesPoint(
            day,
            float(min(100, 10 + 6 * i)),
            0 if i < switch else 1,
            trials=4 if i == 8 else 10,
            reliability=i == 10,
        )
        for i, day in enumerate(days)
    ]
    args = {
        "name": "Tacts: colors",
        "unit": None,
        "measurement": "dtt",
        "direction": "increase",
        "points": pts,
        "phases": (
            PhaseMark(days[0], "Baseline", "baseline"),
            PhaseMark(days[switch], "Errorless teaching", "intervention"),
        ),
        "min_trials": 8,
    }
    args.update(kw)
    return TargetSeries(**args)


def lines(ax: Axes, gid: str) -> list:
    return [ln for ln in ax.get_lines() if ln.get_gid() == gid]


def texts(ax: Axes, gid: str) -> list:
    return [t for t in ax.texts if t.get_gid() == gid]


def phase_xs(ax: Axes, gid: str = "phase-line") -> list[float]:
    return sorted(float(ln.get_xdata()[0]) for ln in lines(ax, gid))


def assert_no_path_crosses(ax: Axes) -> None:
    """No data path runs across a phase-change or condition line."""
    bounds = phase_xs(ax, "phase-line") + phase_xs(ax, "condition-line")
    for path in lines(ax, "data-path"):
        xs = [float(x) for x in path.get_xdata()]
        for b in bounds:
            assert not (min(xs) < b < max(xs)), f"path {xs} crosses the line at {b}"


def main_axes(fig: Figure) -> Axes:
    return fig.axes[0]


def make_report(n_targets: int = 3, **kw) -> ProgressReport:
    targets = []
    for i in range(n_targets):
        s = (
            abab(name=f"Target {i + 1} aggression")
            if i % 2 == 0
            else dated_dtt(name=f"Target {i + 1} tacting colors")
        )
        targets.append(
            ReportTarget(
                s,
                f"Operational definition of target {i + 1}: any instance of the behavior.",
                baseline_level=8.6,
                current_level=1.4,
                trend_slope=-0.3,
                effect_sizes=(
                    ReportEffectSize("NAP (B vs A)", "0.96 (95% CI 0.71 to 0.99)", 0.96),
                    ReportEffectSize("Tau-U (B vs A)", "0.92", 0.92),
                ),
                mastery_status="In progress",
                mastery_criterion="80% on 3 consecutive sessions",
            )
        )
    args = {
        "client_code": "C-0042",
        "client_name": "Jamie Rivera",
        "period_from": date(2025, 3, 1),
        "period_to": date(2025, 5, 31),
        "targets": targets,
        "generated_at": datetime(2025, 6, 2, 9, 30, tzinfo=UTC),
        "ioa_rows": [IoaSummary("Target 1 aggression", "total count", 20, 5, 91.5, 82.0, 100.0)],
        "fidelity_rows": [FidelitySummary("BIP v3", "J. Smith", 6, 93.0, 85.0, 100.0, 90.0)],
        "provider": "Bright Steps ABA",
        "prepared_by": "Alex Kim, BCBA",
    }
    args.update(kw)
    return ProgressReport(**args)


def quality_points() -> tuple[list[IoaPoint], list[FidelityPoint]]:
    ioa = [
        IoaPoint(date(2025, 3, 3) + timedelta(days=2 * i), 90.0 - 3 * i, "Aggression")
        for i in range(6)
    ]
    fid = [
        FidelityPoint(date(2025, 3, 4) + timedelta(days=3 * i), 95.0 - 2 * i, "J. Smith")
        for i in range(5)
    ]
    return ioa, fid
