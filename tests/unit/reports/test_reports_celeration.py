"""The Daily Standard Celeration Chart."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from reports_data import lines, texts

from bdc.analysis import celeration_fit
from bdc.reports import PhaseMark, SeriesPoint, TargetSeries, celeration_chart, celeration_label
from bdc.reports.celeration import BOX_ASPECT, CHART_DAYS

START = date(2025, 3, 2)  # a Sunday


def _series(direction="increase", zero_days=(), **kw) -> TargetSeries:
    """Weekday timings of 1 minute; rates double every week from 10 per minute."""
    pts = []
    for k in range(1, 36):
        d = START + timedelta(days=k)
        if d.weekday() >= 5:
            continue
        rate = 10 * 2 ** ((k - 1) / 7) if direction == "increase" else 40 / 2 ** ((k - 1) / 7)
        value = 0.0 if k in zero_days else round(rate, 3)
        pts.append(SeriesPoint(d, value, 0 if k < 15 else 1, observed_minutes=1.0))
    args = {
        "name": "Corrects" if direction == "increase" else "Errors",
        "unit": None,
        "measurement": "rate",
        "direction": direction,
        "points": pts,
        "phases": (
            PhaseMark(START, "Baseline", "baseline"),
            PhaseMark(START + timedelta(days=15), "Timings", "intervention"),
        ),
    }
    args.update(kw)
    return TargetSeries(**args)


def test_six_cycle_log_scale_and_140_days():
    fig = celeration_chart(_series())
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert ax.get_ylim() == pytest.approx((0.001, 1000))
    assert ax.get_xlim() == (0, CHART_DAYS) == (0, 140)
    assert ax.get_ylabel() == "Count per minute"
    assert ax.get_xlabel() == "Successive calendar days"
    assert [t.get_text() for t in ax.get_yticklabels()][:3] == [".001", ".005", ".01"]
    assert list(ax.get_xticks()) == list(range(0, 141, 14))
    right = fig.axes[1]
    assert right.get_yscale() == "log" and right.get_ylabel() == "Counting times"
    assert "1 min" in [t.get_text() for t in right.get_yticklabels()]
    # standard proportions: x2 per week rises at 34 degrees
    assert ax.get_box_aspect() == pytest.approx(BOX_ASPECT)
    assert pytest.approx(0.672, abs=0.001) == BOX_ASPECT


def test_day_zero_is_the_sunday_before_the_first_point():
    s = _series()
    ax = celeration_chart(s).axes[0]
    pts = lines(ax, "data-points")[0]
    first = min(p.x for p in s.points)
    assert min(pts.get_xdata()) == (first - START).days  # START is the Sunday on or before


def test_points_are_dots_for_acceleration_and_x_for_deceleration():
    fig = celeration_chart([_series(), _series("decrease")])
    markers = sorted(ln.get_marker() for ln in lines(fig.axes[0], "data-points"))
    assert markers == ["o", "x"]


def test_record_floor_at_one_over_counting_time():
    s = _series()
    pts = [SeriesPoint(p.x, p.value, p.phase_index, observed_minutes=2.0) for p in s.points]
    ax = celeration_chart(TargetSeries(**{**_fields(s), "points": pts})).axes[0]
    floor = lines(ax, "floor")[0]
    assert set(floor.get_ydata()) == {0.5}
    assert floor.get_marker() == "_"


def _fields(s: TargetSeries) -> dict:
    return {f: getattr(s, f) for f in s.__dataclass_fields__}


def test_zero_counts_at_the_floor_by_default():
    s = _series("decrease", zero_days=(31, 32))
    ax = celeration_chart(s).axes[0]
    zeros = lines(ax, "zero")
    assert len(zeros) == 1
    assert list(zeros[0].get_ydata()) == [1.0, 1.0]  # 1 / observed minutes
    assert zeros[0].get_marker() == "_"  # drawn as the floor mark
    drawn_days = [float(x) for ln in lines(ax, "data-points") for x in ln.get_xdata()]
    assert 31.0 not in drawn_days and 32.0 not in drawn_days


def test_zero_counts_below_the_floor_on_request():
    s = _series("decrease", zero_days=(31,))
    ax = celeration_chart(s, zero_counts="below_floor").axes[0]
    z = lines(ax, "zero")[0]
    assert z.get_marker() == "x"
    assert z.get_ydata()[0] < 1.0
    with pytest.raises(ValueError):
        celeration_chart(s, zero_counts="half")


def test_celeration_line_per_phase_labelled_with_its_value():
    s = _series()
    ax = celeration_chart(s).axes[0]
    cel = lines(ax, "celeration-line")
    assert len(cel) == 2
    labels = [t.get_text() for t in texts(ax, "celeration-label")]
    # the analysis library's fit of the second phase (rates double every week)
    second = [(p.x - START).days for p in s.points if p.phase_index == 1]
    rates = [p.value for p in s.points if p.phase_index == 1]
    fit = celeration_fit(rates, days=second)
    assert fit.celeration == pytest.approx(2.0, rel=0.01)
    assert celeration_label(fit.celeration) in labels
    assert "\u00d72.00" in labels


def test_deceleration_is_labelled_with_division_sign():
    ax = celeration_chart(_series("decrease")).axes[0]
    labels = [t.get_text() for t in texts(ax, "celeration-label")]
    assert labels and all(t.startswith("\u00f7") for t in labels)
    assert "\u00f72.00" in labels
    assert celeration_label(0.5) == "\u00f72.00"
    assert celeration_label(1.25) == "\u00d71.25"


def test_phase_lines_and_no_path_across_them():
    ax = celeration_chart(_series()).axes[0]
    xs = [float(ln.get_xdata()[0]) for ln in lines(ax, "phase-line")]
    assert xs == [14.5]
    assert [t.get_text() for t in texts(ax, "phase-label")] == [
        "Baseline",
        "Timings",
    ]  # the baseline is labelled (issue 12)
    for path in lines(ax, "data-path"):
        d = list(path.get_xdata())
        assert not (min(d) < 14.5 < max(d))


def test_frequency_is_charted_per_minute():
    pts = [SeriesPoint(START + timedelta(days=1), 20.0, observed_minutes=4.0)]
    s = TargetSeries("Count", None, "frequency", "increase", pts, ())
    ax = celeration_chart(s).axes[0]
    assert list(lines(ax, "data-points")[0].get_ydata()) == [5.0]
    with pytest.raises(ValueError, match="observed_minutes"):
        celeration_chart(
            TargetSeries("C", None, "frequency", "increase", [SeriesPoint(START, 3.0)], ())
        )


def test_needs_dates():
    s = TargetSeries("C", None, "rate", "increase", [SeriesPoint(1, 3.0)], ())
    with pytest.raises(ValueError, match="calendar date"):
        celeration_chart(s)


def test_points_beyond_140_days_are_left_off():
    s = _series()
    ax = celeration_chart(s, start=START + timedelta(days=28)).axes[0]
    xs = [float(x) for ln in lines(ax, "data-points") for x in ln.get_xdata()]
    assert min(xs) >= 0
