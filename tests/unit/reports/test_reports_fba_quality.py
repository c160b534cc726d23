"""FBA graphs (ABC bars, scatterplot, multielement FA) and quality graphs (IOA, fidelity)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from layout import assert_clean_layout
from reports_data import lines, quality_points

from bdc.reports import (
    AbcRecord,
    FaSession,
    FidelityPoint,
    IoaPoint,
    abc_bar_chart,
    fidelity_chart,
    ioa_chart,
    multielement_graph,
    scatterplot_grid,
)
from bdc.reports.fba import fa_marker

RECORDS = [
    AbcRecord("Demand placed", "Aggression", "Demand removed"),
    AbcRecord("demand placed", "aggression", "Demand removed"),
    AbcRecord("Transition", "Aggression", "Reprimand"),
    AbcRecord("Demand placed", "Aggression", "Reprimand", "Poor sleep"),
    AbcRecord("Item removed", "Elopement", "Escort"),
]


def test_abc_bars_for_one_behavior():
    fig = abc_bar_chart(RECORDS, behavior="aggression")
    ante, cons = fig.axes
    assert ante.get_title(loc="left") == "Antecedents"
    assert cons.get_title(loc="left") == "Consequences"
    assert [t.get_text() for t in ante.get_yticklabels()] == ["Demand placed", "Transition"]
    widths = [p.get_width() for p in ante.patches]
    assert widths == pytest.approx([75.0, 25.0])  # 3 of 4 records, 1 of 4
    assert ante.get_xlabel() == "% of records (n = 4)"
    assert [p.get_width() for p in cons.patches] == pytest.approx([50.0, 50.0])
    assert fig._suptitle.get_text().startswith("Aggression")


def test_abc_bars_collapse_rare_categories_and_setting_events():
    recs = [AbcRecord(f"A{i}", "Hit", "C") for i in range(12)]
    fig = abc_bar_chart(recs, top=5, setting_events=True)
    ante = fig.axes[0]
    labels = [t.get_text() for t in ante.get_yticklabels()]
    assert len(labels) == 6 and labels[-1] == "Other (7 kinds)"
    assert len(fig.axes) == 3
    assert [t.get_text() for t in fig.axes[2].get_yticklabels()] == ["(not recorded)"]


def test_scatterplot_grid_cells():
    d0 = date(2025, 3, 3)
    occ = [
        datetime.combine(d0, time(9, 10)),
        datetime.combine(d0, time(9, 20)),  # two in 09:00-09:30 -> filled
        datetime.combine(d0 + timedelta(days=1), time(13, 5)),  # one -> hatched
        datetime.combine(d0, time(18, 0)),  # outside the day -> ignored
    ]
    observed = [(datetime.combine(d0, time(8)), datetime.combine(d0, time(16)))]
    fig = scatterplot_grid(
        occ,
        first_day=d0,
        last_day=d0 + timedelta(days=1),
        day_start=time(8),
        day_end=time(16),
        interval_minutes=30,
        high=2,
        observed=observed,
    )
    ax = fig.axes[0]
    counts = ax.bdc_counts
    assert len(counts) == 16 and len(counts[0]) == 2
    assert counts[2][0] == 2 and counts[10][1] == 1 and sum(map(sum, counts)) == 3
    colls = {c.get_gid(): c for c in ax.collections}
    assert len(colls["cells-high"].get_paths()) == 1
    assert len(colls["cells-low"].get_paths()) == 1
    # day 2 was never observed: all its empty cells are shaded
    assert len(colls["cells-unobserved"].get_paths()) == 15
    assert ax.get_ylim() == (16, 0)  # morning at the top
    assert ax.get_yticklabels()[0].get_text() == "08:00"


def test_scatterplot_weekdays_only():
    d0 = date(2025, 3, 3)  # Monday
    fig = scatterplot_grid([], first_day=d0, last_day=d0 + timedelta(days=13), weekdays_only=True)
    assert len(fig.axes[0].bdc_counts[0]) == 10
    with pytest.raises(ValueError):
        scatterplot_grid([], first_day=d0, last_day=d0, day_start=time(9), day_end=time(8))


def test_multielement_graph_one_path_per_condition_with_conventional_markers():
    sessions = [
        FaSession(i, c, v)
        for i, (c, v) in enumerate(
            [
                ("Attention", 1.0),
                ("Escape", 3.0),
                ("Alone", 0.2),
                ("Play", 0.0),
                ("Tangible", 0.5),
                ("Escape", 3.5),
                ("Attention", 1.2),
                ("Play", 0.0),
                ("Alone", None),
                ("Tangible", 0.4),
            ],
            start=1,
        )
    ]
    fig = multielement_graph(sessions)
    ax = fig.axes[0]
    paths = {ln.get_gid(): ln for ln in ax.get_lines()}
    assert set(paths) == {
        "condition:Attention",
        "condition:Escape",
        "condition:Alone",
        "condition:Play",
        "condition:Tangible",
    }
    assert list(paths["condition:Escape"].get_xdata()) == [2.0, 6.0]
    att, esc = paths["condition:Attention"], paths["condition:Escape"]
    assert att.get_marker() == "o" and att.get_markerfacecolor() == "black"
    assert esc.get_marker() == "s" and esc.get_markerfacecolor() == "white"
    assert paths["condition:Alone"].get_marker() == "^"
    assert paths["condition:Play"].get_markerfacecolor() == "white"
    assert paths["condition:Tangible"].get_marker() == "D"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Attention", "Escape", "Tangible", "Alone", "Play"]
    assert ax.get_ylabel() == "Responses per minute" and ax.get_ylim()[0] <= 0


def test_fa_marker_keywords_and_extras():
    assert fa_marker("Demand") == fa_marker("escape")
    assert fa_marker("Toy play (control)") == ("o", False)
    taken = {fa_marker("Attention")}
    assert fa_marker("Divided attention", taken) != fa_marker("Attention")


def test_ioa_chart_against_80_percent():
    pts = [IoaPoint(i, v, "Aggression") for i, v in enumerate([90, 75, 100, 85], start=1)]
    fig = ioa_chart(pts)
    ax = fig.axes[0]
    crit = lines(ax, "criterion-line")
    assert len(crit) == 1 and list(crit[0].get_ydata()) == [80, 80]
    below = lines(ax, "points-below")
    assert [float(y) for y in below[0].get_ydata()] == [75.0]
    assert below[0].get_markerfacecolor() == "white"
    # room above 100 so a path at exactly 100 is drawn whole
    assert ax.get_ylim()[1] > 100 and list(ax.get_yticks()) == [0, 50, 100]
    assert ax.get_title(loc="left") == "Aggression: 4 IOA sessions, 1 below 80%"
    assert "% agreement (IOA)" in [t.get_text() for t in fig.texts]


def test_fidelity_chart_by_staff_against_the_plan_criterion():
    _, fid = quality_points()
    pts = [*fid, *(FidelityPoint(p.x, 70.0, "R. Lee") for p in fid)]
    fig = fidelity_chart(pts, criterion=90)
    ax = fig.axes[0]
    gids = {ln.get_gid() for ln in ax.get_lines()}
    assert {"path:J. Smith", "path:R. Lee"} <= gids
    assert list(lines(ax, "criterion-line")[0].get_ydata()) == [90, 90]
    assert "2 staff" in ax.get_title(loc="left")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:2] == ["J. Smith", "R. Lee"]


def test_quality_charts_with_no_points():
    for fig in (ioa_chart([]), fidelity_chart([], criterion=None)):
        (ax,) = fig.axes
        assert [t.get_text() for t in ax.texts] == ["No data in this period"]
        assert not ax.axison  # no invented axes


def test_the_structured_criteria_aid_is_labelled_and_clear_of_the_data():
    plan = ["Play", "Attention", "Escape", "Tangible", "Alone"] * 3
    values = {"Play": [0, 1, 0], "Attention": [9, 9, 8], "Escape": [2, 4, 3]}
    values |= {"Tangible": [0, 0, 2], "Alone": [2, 0, 2]}
    seen: dict[str, int] = {}
    sessions = []
    for i, c in enumerate(plan, start=1):
        k = seen[c] = seen.get(c, -1) + 1
        sessions.append(FaSession(i, c, float(values[c][k])))
    aid = (
        "Aid to visual inspection, not a verdict: structured criteria (Hagopian et al., 1997; "
        "Roane et al., 2013; simplified), lines at the play mean \u00b1 1 SD. Attention 3 of 3 "
        "above (differentiated); Escape/demand 3 of 3 above (differentiated); Tangible 1 of 3 "
        "above; Alone/ignore 2 of 3 above (differentiated). The BCBA interprets the graph."
    )
    fig = multielement_graph(sessions, criteria=(-0.24, 0.91), aid=aid)
    ax = fig.axes[0]
    criteria = [ln for ln in ax.get_lines() if ln.get_gid() == "fa-criterion"]
    assert [ln.get_ydata()[0] for ln in criteria] == [0.91]  # none below zero
    (label,) = [t for t in fig.texts if t.get_gid() == "fa-aid"]
    assert "not a verdict" in label.get_text().replace("\n", " ")
    assert_clean_layout(fig)
