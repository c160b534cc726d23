"""Line graph, panel graph (reversal / multiple baseline) and cumulative record."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import matplotlib.dates as mdates
import pytest
from layout import assert_texts_clear_of_data
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from reports_data import (
    ABAB_STARTS,
    abab,
    assert_no_path_crosses,
    dated_dtt,
    lines,
    main_axes,
    phase_xs,
    texts,
)

from bdc.analysis import trend_line
from bdc.reports import (
    AimLine,
    PhaseMark,
    SeriesPoint,
    TargetSeries,
    cumulative_record,
    line_graph,
    panel_graph,
    render,
)
from bdc.reports.graphs import PHASE_LABEL_LIFT, DogLeg


def test_line_graph_returns_a_figure_with_phase_lines_between_phases():
    fig = line_graph(abab())
    assert isinstance(fig, Figure)
    ax = main_axes(fig)
    # one solid line at each phase change, halfway between the last and first sessions
    assert phase_xs(ax) == [s - 0.5 for s in ABAB_STARTS[1:]]
    assert lines(ax, "condition-line") == []
    assert_no_path_crosses(ax)


def test_data_path_breaks_at_each_phase_change_and_missing_value():
    s = abab()
    pts = list(s.points)
    pts[2] = SeriesPoint(3, None, 0)  # session 3 has no value
    fig = line_graph(TargetSeries(**{**_fields(s), "points": pts}))
    ax = main_axes(fig)
    runs = [[float(x) for x in ln.get_xdata()] for ln in lines(ax, "data-path")]
    # baseline splits at the gap: 1-2 and 4-5; then 6-11, 12-15, 16-20
    assert runs == [
        [1.0, 2.0],
        [4.0, 5.0],
        [float(x) for x in range(6, 12)],
        [float(x) for x in range(12, 16)],
        [float(x) for x in range(16, 21)],
    ]
    assert_no_path_crosses(ax)


def _fields(s: TargetSeries) -> dict:
    return {f: getattr(s, f) for f in s.__dataclass_fields__}


def test_condition_labels_across_the_top_and_axis_labels():
    ax = main_axes(line_graph(abab()))
    labels = texts(ax, "phase-label")
    assert [t.get_text() for t in labels] == [
        "Baseline",
        "FCT + extinction",
        "Baseline",
        "FCT + extinction",
    ]
    # above the plotting area, lifted clear of a mastery ring at its top; centred over phases
    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    top = ax.get_window_extent(renderer).y1
    lift = PHASE_LABEL_LIFT * ax.figure.dpi / 72
    assert all(t.get_window_extent(renderer).y0 >= top + lift - 0.5 for t in labels)
    bounds = [0.0, *phase_xs(ax), ax.get_xlim()[1]]
    for t, lo, hi in zip(labels, bounds[:-1], bounds[1:], strict=True):
        assert lo < t.get_position()[0] < hi
    assert ax.get_ylabel() == "Responses per minute"
    assert ax.get_xlabel() == "Sessions"
    assert main_axes(line_graph(abab())).figure._suptitle.get_text() == "Aggression"


@pytest.mark.parametrize(
    ("measurement", "label"),
    [
        ("rate", "Responses per minute"),
        ("partial_interval", "% of intervals"),
        ("momentary_time_sampling", "% of intervals"),
        ("dtt", "% independent"),
        ("duration", "Seconds"),
        ("latency", "Seconds"),
        ("frequency", "Number of responses"),
    ],
)
def test_y_label_is_the_measurements_own(measurement, label):
    ax = main_axes(line_graph(abab(measurement=measurement)))
    assert ax.get_ylabel() == label


def test_unit_overrides_the_y_label():
    assert main_axes(line_graph(abab(unit="Minutes"))).get_ylabel() == "Minutes"


def test_y_axis_starts_at_zero():
    ax = main_axes(line_graph(abab()))
    lo, hi = ax.get_ylim()
    assert ax.get_yticks()[0] == 0
    assert -0.05 * hi < lo <= 0  # zero is raised just above the x axis
    assert hi >= max(v for v in [8, 9, 7, 10] if v)


def test_percent_measures_run_from_0_to_100():
    ax = main_axes(line_graph(dated_dtt()))
    assert list(ax.get_yticks()) == [0, 20, 40, 60, 80, 100]
    assert ax.get_ylim()[1] == 100


def test_a_named_condition_is_a_solid_phase_change_and_notes_are_dashed():
    s = abab(
        phases=(
            PhaseMark(1, "Baseline", "baseline"),
            PhaseMark(6, "DRA", "intervention"),
            PhaseMark(12, "DRA + NCR", "condition"),
            PhaseMark(16, "Maintenance", "maintenance"),
        ),
        notes=(PhaseMark(9, "Medication change", "note"),),
    )
    ax = main_axes(line_graph(s))
    # "DRA + NCR" changes the condition: a solid line like any phase change (issue 12)
    assert phase_xs(ax) == [5.5, 11.5, 15.5]
    assert phase_xs(ax, "condition-line") == []
    assert {ln.get_linestyle() for ln in lines(ax, "phase-line")} == {"-"}
    assert phase_xs(ax, "note-line") == [8.5]
    assert texts(ax, "note-label")[0].get_text().strip() == "Medication change"
    assert_no_path_crosses(ax)
    # a note does not break the path: sessions 6-11 form one run
    assert [6.0, 7.0, 8.0, 9.0, 10.0, 11.0] in [
        [float(x) for x in ln.get_xdata()] for ln in lines(ax, "data-path")
    ]


def test_reliability_sessions_are_triangles_explained_in_the_legend():
    fig = line_graph(abab())
    ax = main_axes(fig)
    tri = [ln for ln in lines(ax, "data-points") if ln.get_marker() == "^"]
    assert len(tri) == 1
    assert sorted(float(x) for x in tri[0].get_xdata()) == [4.0, 9.0, 14.0]
    legend = fig.legends[0]
    assert "IOA session (second observer)" in [t.get_text() for t in legend.get_texts()]


def test_points_below_min_trials_hollow():
    s = dated_dtt()
    ax = main_axes(line_graph(s, x="session"))
    hollow = [
        ln
        for ln in lines(ax, "data-points")
        if ln.get_marker() == "o" and ln.get_markerfacecolor() == "white"
    ]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == [9.0]  # the 9th session
    # hollow points stay on the path
    assert any(9.0 in list(ln.get_xdata()) for ln in lines(ax, "data-path"))


def test_points_below_min_trials_omitted():
    s = dated_dtt(below_min="omit")
    fig = line_graph(s, x="session")
    ax = main_axes(fig)
    drawn = [float(x) for ln in lines(ax, "data-points") for x in ln.get_xdata()]
    assert 9.0 not in drawn and len(drawn) == 14
    assert all(9.0 not in list(ln.get_xdata()) for ln in lines(ax, "data-path"))
    legend_texts = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert not any("trials" in t for t in legend_texts)


def test_date_axis_places_phase_line_before_the_start_date():
    s = dated_dtt()
    ax = main_axes(line_graph(s, x="date"))
    start = s.phases[1].start
    assert phase_xs(ax) == [mdates.date2num(start) - 0.5]
    assert ax.get_xlabel() == "Date (2025)"
    assert_no_path_crosses(ax)


def test_session_axis_numbers_dated_sessions_in_order():
    s = dated_dtt()
    ax = main_axes(line_graph(s, x="session"))
    xs = sorted(float(x) for ln in lines(ax, "data-points") for x in ln.get_xdata())
    assert xs == [float(i) for i in range(1, 16)]
    assert phase_xs(ax) == [5.5]


def test_date_axis_needs_dates():
    with pytest.raises(ValueError, match="dated"):
        line_graph(abab(), x="date")
    with pytest.raises(ValueError):
        line_graph(abab(), x="weeks")


def test_aim_line_from_the_targets_goal():
    s = abab(aim=AimLine(16, 3.0, 20, 0.0))
    fig = line_graph(s)
    ax = main_axes(fig)
    aim = lines(ax, "aim-line")
    assert list(aim[0].get_xdata()) == [16, 20] and list(aim[0].get_ydata()) == [3.0, 0.0]
    assert "Aim line" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert lines(main_axes(line_graph(s, show_aim=False)), "aim-line") == []


def test_dated_aim_line_on_a_session_axis():
    s = dated_dtt()
    aim = AimLine(s.points[5].x, 40.0, s.points[14].x, 90.0)
    ax = main_axes(line_graph(TargetSeries(**{**_fields(s), "aim": aim}), x="session"))
    line = lines(ax, "aim-line")[0]
    assert list(line.get_xdata()) == [6.0, 15.0]


@pytest.mark.parametrize("method", ["ols", "split_middle", "theil_sen"])
def test_trend_line_per_phase_from_bdc_analysis(method):
    s = abab()
    fig = line_graph(s, trend=method)
    ax = main_axes(fig)
    trends = lines(ax, "trend-line")
    assert len(trends) == 4  # each phase has at least 3 points
    # the first phase's line is the analysis library's line over sessions 1-5
    fit = trend_line([8, 9, 7, 10, 9], sessions=[1, 2, 3, 4, 5], method=method)
    first = min(trends, key=lambda ln: ln.get_xdata()[0])
    assert list(first.get_xdata()) == [1.0, 5.0]
    assert first.get_ydata()[0] == pytest.approx(fit.intercept + fit.slope * 1)
    assert first.get_ydata()[1] == pytest.approx(fit.intercept + fit.slope * 5)
    for ln in trends:  # a trend line stays inside its phase
        xs = list(ln.get_xdata())
        assert not any(min(xs) < b < max(xs) for b in phase_xs(ax))
    with pytest.raises(ValueError):
        line_graph(s, trend="lowess")


def test_trend_line_is_clipped_at_zero():
    ax = main_axes(line_graph(abab(), trend="ols"))
    for ln in lines(ax, "trend-line"):
        assert min(ln.get_ydata()) >= 0


def test_empty_series_draws_an_empty_graph():
    s = TargetSeries("New target", None, "rate", "increase", (), ())
    ax = main_axes(line_graph(s))
    assert lines(ax, "data-path") == []
    assert any("No data" in t.get_text() for t in ax.texts)


def test_multiple_baseline_dog_leg_joins_the_staggered_phase_changes():
    panels = [_mb_panel(name, start) for name, start in (("Ana", 6), ("Ben", 10), ("Cara", 14))]
    fig = panel_graph(panels)
    axs = fig.axes[:3]
    for ax, start in zip(axs, (6, 10, 14), strict=True):
        assert phase_xs(ax) == [start - 0.5]
        assert_no_path_crosses(ax)
        assert ax.get_xlim() == axs[0].get_xlim()  # shared x
    doglegs = [a for a in fig.artists if isinstance(a, DogLeg)]
    assert len(doglegs) == 1
    assert [x for _, x in doglegs[0].anchors] == [5.5, 9.5, 13.5]
    # the drawn path steps sideways between the panels: x of each panel's line, in pixels
    fig.draw_without_rendering()
    xs, ys = doglegs[0].path_points()
    px = [ax.transData.transform((x, 0))[0] for ax, x in doglegs[0].anchors]
    assert xs[0] == pytest.approx(px[0]) and xs[2] == pytest.approx(px[1])
    assert xs[5] == pytest.approx(px[1]) and xs[7] == pytest.approx(px[2])
    assert ys[1] == pytest.approx(ys[2])  # the jog is horizontal
    bottom0 = axs[0].transAxes.transform((0, 0))[1]
    top1 = axs[1].transAxes.transform((0, 1))[1]
    assert top1 < ys[1] < bottom0  # halfway between the panels
    # condition labels only on the top panel (the lower panels repeat them)
    assert len(texts(axs[0], "phase-label")) == 2
    assert texts(axs[1], "phase-label") == [] and texts(axs[2], "phase-label") == []
    assert [t.get_text() for ax in axs for t in texts(ax, "panel-label")] == ["Ana", "Ben", "Cara"]
    assert fig._supylabel.get_text() == "% of intervals"
    assert axs[2].get_xlabel() == "Sessions" and axs[0].get_xlabel() == ""


def _mb_panel(name: str, start: int) -> TargetSeries:
    pts = [
        SeriesPoint(i, float(20 if i < start else 60 + i), 0 if i < start else 1)
        for i in range(1, 21)
    ]
    return TargetSeries(
        name,
        None,
        "partial_interval",
        "increase",
        pts,
        (PhaseMark(1, "Baseline", "baseline"), PhaseMark(start, "Peer tutoring", "intervention")),
    )


def test_reversal_panels_with_simultaneous_changes_join_straight():
    fig = panel_graph([abab(name="Hitting"), abab(name="Kicking")])
    legs = [a for a in fig.artists if isinstance(a, DogLeg)]
    assert len(legs) == 3
    for leg in legs:
        a, b = (x for _, x in leg.anchors)
        assert a == b


def test_panel_graph_by_date_for_different_clients():
    def client(name: str, start_day: int) -> TargetSeries:
        d0 = date(2025, 3, 3)
        pts = [
            SeriesPoint(d0 + timedelta(days=k), 5.0, 0 if k < start_day else 1) for k in range(20)
        ]
        return TargetSeries(
            name,
            None,
            "rate",
            "decrease",
            pts,
            (
                PhaseMark(d0, "Baseline", "baseline"),
                PhaseMark(d0 + timedelta(days=start_day), "NCR", "intervention"),
            ),
        )

    fig = panel_graph([client("A", 5), client("B", 9)], x="date")
    leg = next(a for a in fig.artists if isinstance(a, DogLeg))
    xs = [x for _, x in leg.anchors]
    assert xs[1] - xs[0] == pytest.approx(4.0)
    assert render(fig, "png").startswith(b"\x89PNG")


def test_cumulative_record_is_continuous_and_never_falls():
    s = abab(measurement="frequency")
    fig = cumulative_record(s)
    ax = main_axes(fig)
    paths = lines(ax, "data-path")
    assert len(paths) == 1  # one continuous record across the phase changes
    ys = list(paths[0].get_ydata())
    assert ys == sorted(ys) and ys[-1] == sum(
        float(p.value) for p in s.points if p.value is not None
    )
    assert phase_xs(ax) == [s - 0.5 for s in ABAB_STARTS[1:]]
    assert ax.get_ylabel() == "Cumulative number of responses"
    assert ax.get_ylim()[0] <= 0


def test_reports_never_import_pyplot():
    src = Path(__file__).resolve().parents[3] / "bdc" / "reports"
    for path in src.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            code = line.split("#")[0]
            if "import" in code:
                assert "pyplot" not in code, f"{path.name}: {line}"


def test_home_sessions_have_their_own_marker_path_and_legend_entry():
    """Generalization data are never mixed into the clinic's path (issue #16)."""
    settings = ["clinic", "home", "clinic", "Home", "clinic", "school", "home"]
    points = [
        SeriesPoint(i + 1, float(v), 0, setting=where)
        for i, (v, where) in enumerate(zip([4, 9, 5, 8, 6, 2, 7], settings, strict=True))
    ]
    fig = line_graph(TargetSeries("Requests", None, "frequency", points=points))
    ax = main_axes(fig)
    clinic = [[float(x) for x in ln.get_xdata()] for ln in lines(ax, "data-path")]
    home_and_school = [[float(x) for x in ln.get_xdata()] for ln in lines(ax, "setting-path")]
    assert clinic == [[1.0, 3.0, 5.0]]
    assert home_and_school == [[2.0, 4.0, 7.0]]  # one school session: a point, no path
    markers = {ln.get_marker(): sorted(ln.get_xdata()) for ln in lines(ax, "setting-points")}
    assert markers == {"s": [2, 4, 7], "D": [6]}
    circles = [x for ln in lines(ax, "data-points") for x in ln.get_xdata()]
    assert sorted(circles) == [1, 3, 5]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"Clinic", "Home", "School"} <= set(legend)


def test_a_setting_of_the_clinics_own_list_takes_a_spare_marker():
    points = [SeriesPoint(1, 3.0, setting="Day program"), SeriesPoint(2, 4.0, setting="")]
    fig = line_graph(TargetSeries("Requests", None, "frequency", points=points))
    ax = main_axes(fig)
    assert [ln.get_marker() for ln in lines(ax, "setting-points")] == ["v"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:2] == ["Clinic", "Day program"]


def test_clinic_only_data_draws_as_before_with_no_setting_legend():
    fig = line_graph(abab())
    assert lines(main_axes(fig), "setting-points") == []
    assert "Clinic" not in [t.get_text() for t in fig.legends[0].get_texts()]


@pytest.mark.parametrize("count", [2, 6])
def test_long_panel_names_wrap_within_their_panel_and_the_figure(count):
    long_name = "Receptive identification of common objects in a field of three (tabletop)"
    fig = panel_graph([abab(name=f"{long_name} {i}") for i in range(count)])
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    figure_box = fig.bbox
    axes = [a for a in fig.axes if a.get_visible()]
    labels = [t for a in axes for t in a.texts if t.get_gid() == "panel-label"]
    assert len(labels) == count
    for ax, label in zip(axes, labels, strict=True):
        box = label.get_window_extent(renderer)
        panel = ax.get_window_extent(renderer)
        assert "\n" in label.get_text()  # wrapped, not cut
        assert box.y0 >= panel.y0 - 1 and box.y1 <= panel.y1 + 1  # within its panel's height
        assert box.x1 <= figure_box.x1 and box.x0 >= panel.x1  # right of the panel, on the page


def test_panel_labels_clear_the_points_at_the_top_and_the_dog_leg_steps_above_them():
    d0 = date(2026, 10, 1)

    def skill(name: str, start: int, label: str) -> TargetSeries:
        pts = [
            SeriesPoint(
                d0 + timedelta(days=k),
                100.0 if k >= start else 20.0,
                0 if k < start else 1,
                criterion_met=k == start + 3,
            )
            for k in range(24)
        ]
        phases = (
            PhaseMark(d0, "Baseline probes", "baseline"),
            PhaseMark(d0 + timedelta(days=start), label, "intervention"),
        )
        return TargetSeries(name, None, "dtt", "increase", pts, phases)

    fig = panel_graph(
        [
            skill("Manding", 6, "Mand training (incidental teaching)"),
            skill("Receptive identification", 12, "Errorless teaching (most-to-least prompting)"),
        ],
        x="date",
    )
    assert_texts_clear_of_data(fig)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    (leg,) = [a for a in fig.artists if isinstance(a, DogLeg)]
    step = leg.path_points(renderer)[1][1]  # the y of the sideways step
    lower = fig.axes[1]
    for label in lower.texts:
        if label.get_gid() == "phase-label":
            box = label.get_window_extent(renderer)
            assert box.y1 < step
            rings = [ln for ln in lower.get_lines() if ln.get_gid() == "criterion-met"]
            for ring in rings:
                x, y = lower.transData.transform((ring.get_xdata()[0], ring.get_ydata()[0]))
                radius = ring.get_markersize() / 2 * fig.dpi / 72
                assert y + radius <= box.y0 or not (box.x0 <= x <= box.x1)
