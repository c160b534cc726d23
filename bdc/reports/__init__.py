"""Graphs, the Standard Celeration Chart, FBA and quality charts, the PDF progress report and
CSV/XLSX export: pure functions over the plain data of ``bdc.reports.model`` (no Flask, no
database). Graph functions return a ``matplotlib.figure.Figure`` (never pyplot); ``render``
turns one into PNG, SVG or PDF bytes. See docs/graphs.md for the conventions followed.
"""

from .celeration import celeration_chart, celeration_label
from .export import (
    EVENT_COLUMNS,
    SESSION_COLUMNS,
    export_csv,
    export_events_csv,
    export_notes_csv,
    export_sessions_csv,
    export_xlsx,
)
from .fba import FA_MARKERS, abc_bar_chart, multielement_graph, scatterplot_grid
from .graphs import TREND_METHODS, cumulative_record, line_graph, panel_graph
from .model import (
    AbcRecord,
    AimLine,
    FaSession,
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
from .pdf import build_progress_report, report_page_count
from .quality import fidelity_chart, ioa_chart
from .render import CONTENT_TYPES, render

__all__ = [
    "CONTENT_TYPES",
    "EVENT_COLUMNS",
    "FA_MARKERS",
    "SESSION_COLUMNS",
    "TREND_METHODS",
    "AbcRecord",
    "AimLine",
    "FaSession",
    "FidelityPoint",
    "FidelitySummary",
    "IoaPoint",
    "IoaSummary",
    "PhaseMark",
    "ProgressReport",
    "ReportEffectSize",
    "ReportTarget",
    "SeriesPoint",
    "TargetSeries",
    "abc_bar_chart",
    "build_progress_report",
    "celeration_chart",
    "celeration_label",
    "cumulative_record",
    "export_csv",
    "export_events_csv",
    "export_notes_csv",
    "export_sessions_csv",
    "export_xlsx",
    "fidelity_chart",
    "ioa_chart",
    "line_graph",
    "multielement_graph",
    "panel_graph",
    "render",
    "report_page_count",
    "scatterplot_grid",
]
