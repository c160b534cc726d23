"""Every chart kind laid out cleanly (issue 12): no text outside the figure, over other text
or over data; empty data gives a short notice, never invented axes; IOA points all visible
on the period asked for; aim lines clipped; a rating scale's own axis."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from bdc.reports import (
    abc_bar_chart,
    celeration_chart,
    cumulative_record,
    fidelity_chart,
    ioa_chart,
    line_graph,
    multielement_graph,
    panel_graph,
    scatterplot_grid,
)
from bdc.reports.model import (
    AbcRecord,
    AimLine,
    FaSession,
    IoaPoint,
    PhaseMark,
    SeriesPoint,
    TargetSeries,
)
from bdc.reports.pdf import _Page, _panel_page, _target_page, _title_page
from tests.unit.reports.layout import (
    assert_clean_layout,
    assert_texts_apart,
    assert_texts_inside,
    data_points,
    markers,
    text_boxes,
)
from tests.unit.reports.reports_data import (
    abab,
    dated_dtt,
    lines,
    make_report,
    quality_points,
)

START = date(2026, 9, 7)  # a Monday


def _counts(n: int = 30, level: float = 0.2) -> TargetSeries:
    """A rate target with a baseline and a long-named treatment, dated, with counting times."""
    pts = [
        SeriesPoint(
            START + timedelta(days=i),
            level * (0.6 if i >= 10 else 1.0) * (1 + 0.3 * ((i * 7) % 5 - 2) / 2),
            1 if i >= 10 else 0,
            observed_minutes=30.0,
        )
        for i in range(n)
    ]
    return TargetSeries(
        "Aggression toward peers and adults during transitions",
        None,
        "rate",
        "decrease",
        tuple(pts),
        (
            PhaseMark(START, "Baseline", "baseline"),
            PhaseMark(
                START + timedelta(days=10), "FCT + extinction + visual schedule", "condition"
            ),
        ),
    )


def _fa_sessions() -> list[FaSession]:
    order = ["Attention", "Escape/demand", "Tangible", "Alone", "Play"]
    level = {"Attention": 9, "Escape/demand": 3, "Tangible": 2, "Alone": 1, "Play": 0}
    return [FaSession(k + 1, order[k % 5], float(level[order[k % 5]] + (k % 3))) for k in range(20)]


def _ioa_crowded() -> list[IoaPoint]:
    """Three targets checked on the same days, most at exactly 100 %, one day twice."""
    pts = []
    for k in range(6):
        day = START + timedelta(days=3 * k)
        for name in ("Aggression", "Independent manding", "Receptive identification"):
            pts.append(IoaPoint(day, 100.0 if k != 2 or name != "Aggression" else 70.0, name))
    pts.append(IoaPoint(START + timedelta(days=6), 100.0, "Aggression"))  # second that day
    return pts


def _charts():
    _, fid = quality_points()
    records = [
        AbcRecord("Demand placed", "Tantrum", "Escape", None),
        AbcRecord("Transition to a non-preferred activity", "Tantrum", "Attention", None),
        AbcRecord("Demand placed", "Tantrum", "Escape", None),
    ]
    occurrences = [
        datetime.combine(START + timedelta(days=d), time(9, 10 * (d % 5))) for d in range(14)
    ]
    observed = [
        (
            datetime.combine(START + timedelta(days=d), time(9)),
            datetime.combine(START + timedelta(days=d), time(11)),
        )
        for d in range(14)
    ]
    aim = AimLine(START + timedelta(days=10), 0.2, START + timedelta(days=200), 0.02)
    return {
        "line": line_graph(abab(aim=AimLine(6, 6.0, 20, 0.0)), trend="ols"),
        "line-dated": line_graph(_counts(), x="date"),
        "line-aim-far": line_graph(TargetSeries(**{**_fields(_counts()), "aim": aim}), x="date"),
        "dtt": line_graph(dated_dtt(), x="date"),
        "cumulative": cumulative_record(abab()),
        "celeration": celeration_chart(_counts()),
        "ioa": ioa_chart(_ioa_crowded(), period=(START, START + timedelta(days=27))),
        "fidelity": fidelity_chart(fid, criterion=90, period=(date(2025, 3, 3), date(2025, 3, 30))),
        "multielement": multielement_graph(_fa_sessions(), measurement="rate"),
        "abc": abc_bar_chart(records),
        "scatterplot": scatterplot_grid(
            occurrences,
            first_day=START,
            last_day=START + timedelta(days=13),
            day_start=time(9),
            day_end=time(11),
            observed=observed,
            title="Scatterplot: Tantrums (America/Chicago)",
        ),
        "panel": panel_graph(
            [abab(name="Aggression toward peers during unstructured play time"), abab()]
        ),
        "rating": line_graph(_rating()),
        "empty-line": line_graph(TargetSeries("Elopement", None, "frequency")),
        "empty-ioa": ioa_chart([], period=(START, START + timedelta(days=27))),
        "empty-abc": abc_bar_chart([]),
        "empty-fa": multielement_graph([]),
    }


def _fields(s: TargetSeries) -> dict:
    return {name: getattr(s, name) for name in s.__dataclass_fields__}


def _rating() -> TargetSeries:
    pts = tuple(SeriesPoint(i, float(1 + (i % 5)), 0) for i in range(1, 16))
    return TargetSeries(
        "Engagement in group activities",
        None,
        "rating",
        points=pts,
        phases=(PhaseMark(1, "Baseline", "baseline"),),
        scale=(1.0, 5.0),
        scale_labels=("Not engaged", "After prompts", "Half the time", "Mostly", "Fully engaged"),
    )


CHARTS = _charts()


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_no_text_is_cut_off_overlaps_text_or_covers_data(name):
    assert_clean_layout(CHARTS[name])


@pytest.mark.parametrize("name", ["empty-line", "empty-ioa", "empty-abc", "empty-fa"])
def test_empty_data_is_a_short_notice_without_axes(name):
    fig = CHARTS[name]
    assert all(not ax.axison for ax in fig.axes)  # no 0-1 or 0-125 % axes invented
    assert fig.get_figheight() < 2
    assert any("No " in text for text, _ in text_boxes(fig))


def test_every_ioa_point_is_visible_per_target_over_the_period():
    points = _ioa_crowded()
    fig = CHARTS["ioa"]
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    titles = [ax.get_title(loc="left") for ax in panels]
    assert titles == [
        "Aggression: 7 IOA sessions, 1 below 80%",
        "Independent manding: 6 IOA sessions, 0 below 80%",
        "Receptive identification: 6 IOA sessions, 0 below 80%",
    ]
    # the x axis is the period asked for, whole days
    lo, hi = panels[-1].get_xlim()
    assert (hi - lo) == pytest.approx(28.0)
    drawn = data_points(fig)
    assert len(drawn) == len(points)
    # no two markers of one panel on top of each other (each point can be seen)
    size = 5.5 * fig.dpi / 72
    for ax in panels:
        xy = [
            tuple(p)
            for ln in markers(ax, "points")
            for p in ln.get_transform().transform(
                list(zip(ln.get_xdata(), ln.get_ydata(), strict=True))
            )
        ]
        for i, a in enumerate(xy):
            for b in xy[i + 1 :]:
                assert abs(a[0] - b[0]) >= size * 0.9 or abs(a[1] - b[1]) >= size * 0.9
        # the 100 % line and points are inside the axes, not cut at its top
        assert ax.get_ylim()[1] > 100
        assert lines(ax, "criterion-line")[0].get_ydata()[0] == 80
    below = [ln for ax in panels for ln in markers(ax, "points-below")]
    assert [float(y) for ln in below for y in ln.get_ydata()] == [70.0]
    assert below[0].axes.get_title(loc="left").startswith("Aggression")


def test_aim_line_stops_a_short_horizon_past_the_data():
    fig = CHARTS["line-aim-far"]
    ax = fig.axes[0]
    (aim, *_) = lines(ax, "aim-line")
    last = max(x for x, _ in zip(*lines(ax, "data-points")[0].get_data(), strict=True))
    data_span = last - min(lines(ax, "data-points")[0].get_xdata())
    assert max(aim.get_xdata()) <= last + max(7, 0.1 * data_span) + 1e-9
    assert ax.get_xlim()[1] < last + 0.2 * data_span + 8  # not a third past the data
    assert len(lines(ax, "aim-line")) == 1  # the goal star is beyond the horizon: not drawn


def test_rating_axis_runs_over_the_scale_with_anchor_labels():
    ax = CHARTS["rating"].axes[0]
    lo, hi = ax.get_ylim()
    assert 0.8 < lo < 1 and 5 < hi < 5.2
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Not engaged 1" and labels[-1] == "Fully engaged 5"


def test_named_condition_is_a_solid_phase_line_and_baseline_labelled_on_the_celeration_chart():
    fig = CHARTS["celeration"]
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "phase-label"]
    assert labels[0] == "Baseline" and "FCT" in labels[1]
    assert len(lines(ax, "phase-line")) == 1 and lines(ax, "phase-line")[0].get_linestyle() == "-"


def test_the_session_that_met_the_mastery_criterion_is_marked():
    s = dated_dtt()
    points = list(s.points)
    points[11] = SeriesPoint(**{**_fields(points[11]), "criterion_met": True})
    fig = line_graph(TargetSeries(**{**_fields(s), "points": tuple(points)}), x="date")
    ax = fig.axes[0]
    (ring,) = lines(ax, "criterion-met")
    assert list(ring.get_ydata()) == [points[11].value]
    assert "Mastery criterion met" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert_clean_layout(fig)


def test_report_tables_wrap_long_names_instead_of_cutting_them():
    import io

    from pypdf import PdfReader

    from bdc.reports import build_progress_report
    from bdc.reports.model import FidelitySummary, IoaSummary, ReportTarget
    from tests.unit.reports.reports_data import make_report

    long_target = "Receptive identification of common objects in a field of three"
    base = make_report(2)
    first = base.targets[0]
    targets = [
        ReportTarget(**{**_fields(first), "series": abab(name=long_target)}),
        base.targets[1],
    ]
    report = make_report(
        2,
        targets=targets,
        ioa_rows=[IoaSummary(long_target, "Trial-by-trial", 20, 5, 91.5, 82.0, 100.0)],
        fidelity_rows=[
            FidelitySummary(
                "BIP - aggression (escape-maintained)",
                "Sam Technician, RBT (demo)",
                6,
                93.0,
                85.0,
                100.0,
                90.0,
            )
        ],
    )
    reader = PdfReader(io.BytesIO(build_progress_report(report)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "\u2026" not in text
    for name in (long_target, "Sam Technician, RBT (demo)", "BIP - aggression (escape-maintained)"):
        assert name in text or all(word in text for word in name.split())
    title = " ".join(reader.pages[0].extract_text().split())
    assert "\u2193 decrease" in title and "/min" in title  # goal and units in the summary


def test_the_report_panel_page_keeps_long_target_names_within_their_panels():
    report = make_report(3, panel=True)
    long_name = "Receptive identification of common objects in a field of three"
    report = replace(
        report,
        targets=[replace(t, series=replace(t.series, name=long_name)) for t in report.targets],
    )
    fig = _panel_page(report, (8.5, 11)).fig
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    for ax in fig.axes:
        for label in (t for t in ax.texts if t.get_gid() == "panel-label"):
            box, panel = label.get_window_extent(renderer), ax.get_window_extent(renderer)
            assert panel.y0 - 1 <= box.y0 and box.y1 <= panel.y1 + 1, label.get_text()


def test_a_rating_scale_target_page_keeps_its_anchor_labels_on_the_page():
    series = replace(
        _rating(),
        scale_labels=(
            "Not engaged",
            "Engaged after prompts",
            "Engaged half the time",
            "Mostly engaged",
            "Fully engaged",
        ),
    )
    report = make_report(1)
    report = replace(report, targets=[replace(report.targets[0], series=series)])
    page = _Page((8.5, 11))
    _target_page(page, report, "C-0042", report.targets[0], 1, x="session", trend=None)
    assert_texts_inside(page.fig)


def test_the_summary_table_keeps_each_level_and_its_unit_on_one_line():
    report = make_report(2)
    first = report.targets[0]
    abc = replace(first, series=replace(first.series, measurement="abc"))
    report = replace(
        report, targets=[replace(abc, baseline_level=2.1, current_level=0.75), report.targets[1]]
    )
    page = _Page((8.5, 11))
    _title_page(page, report, "C-0042", report.targets, 0)
    shown = [t.get_text() for t in page.fig.texts]
    assert "2.1 records/session" in shown and "0.75 records/session" in shown
    assert_texts_apart(page.fig)
