"""Time to render a 20-target progress report next to the same 20 graphs alone, same run.

The report (``bdc.reports.build_progress_report``) is a PDF: title page, one page per target
with its line graph, the data-quality page and the quality graphs page. The baseline is the
same 20 line graphs built with ``line_graph`` and rendered on their own, as PDF (the same
backend, so the difference is the report's own overhead: page layout, text, tables, fonts)
and as PNG (what ``/targets/<id>/graph.png`` serves). Rounds alternate report and graphs so
that the noise of a shared machine falls on both; the medians are reported.

    .venv/bin/python bench/report.py [--targets 20] [--rounds 3] [--write]

--write replaces the '## Reports' section of docs/performance.md with the figures.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bdc.reports import (  # noqa: E402
    AimLine,
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
    build_progress_report,
    line_graph,
    render,
    report_page_count,
)

DOC = ROOT / "docs" / "performance.md"
SESSIONS = 40  # per target over the report period
TREND = "split_middle"


def _nap(estimate: float) -> ReportEffectSize:
    return ReportEffectSize("NAP (Intervention vs Baseline)", f"{estimate:.2f}", estimate)


def make_report(n_targets: int, seed: int = 7) -> ProgressReport:
    """A realistic caseload report: 40 weekday sessions per target, 2-4 phases."""
    rng = random.Random(seed)
    start = date(2025, 3, 3)
    days: list[date] = []
    d = start
    while len(days) < SESSIONS:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    kinds = [
        ("rate", "decrease", "Aggression toward peers"),
        ("dtt", "increase", "Tacting colors"),
        ("partial_interval", "increase", "On-task behavior"),
        ("duration", "decrease", "Tantrum duration"),
    ]
    targets = []
    for i in range(n_targets):
        measurement, direction, name = kinds[i % len(kinds)]
        cuts = sorted(rng.sample(range(6, SESSIONS - 5), rng.choice([1, 2, 3])))
        labels = ["Baseline", "Intervention", "Baseline", "Intervention"]
        phases = [PhaseMark(days[0], "Baseline", "baseline")]
        for k, c in enumerate(cuts, start=1):
            phases.append(
                PhaseMark(days[c], labels[k], "baseline" if k % 2 == 0 else "intervention")
            )
        pts = []
        for j, day in enumerate(days):
            ph = sum(1 for c in cuts if c <= j)
            treated = ph % 2 == 1
            if measurement in ("dtt", "partial_interval"):
                v = (70 + rng.uniform(-15, 25)) if treated else rng.uniform(5, 40)
                v = min(100.0, v)
            elif measurement == "rate":
                v = rng.uniform(0, 1.5) if treated else rng.uniform(3, 8)
            else:
                v = rng.uniform(0, 60) if treated else rng.uniform(120, 400)
            pts.append(
                SeriesPoint(
                    day,
                    round(v, 2),
                    ph,
                    reliability=rng.random() < 0.25,
                    trials=rng.choice([10, 10, 10, 5]) if measurement == "dtt" else None,
                )
            )
        aim = None
        if measurement == "dtt":
            aim = AimLine(days[cuts[0]], 30.0, days[-1], 90.0)
        series = TargetSeries(
            f"{name} ({i + 1})",
            None,
            measurement,
            direction,
            pts,
            phases,
            aim=aim,
            min_trials=8 if measurement == "dtt" else None,
        )
        targets.append(
            ReportTarget(
                series,
                "Any instance of the behavior as defined in the behavior plan, observed "
                "during the session, including partial occurrences; excluding prompted responses.",
                baseline_level=rng.uniform(10, 30),
                current_level=rng.uniform(60, 90),
                trend_slope=rng.uniform(-1, 2),
                effect_sizes=(_nap(rng.uniform(0.7, 1.0)),),
                mastery_status=rng.choice(["In progress", "Mastered 2025-05-02", "Not started"]),
                mastery_criterion="80% across 3 consecutive sessions",
            )
        )
    ioa_rows = [
        IoaSummary(t.series.name, "total count", SESSIONS, 10, 91.0, 80.0, 100.0) for t in targets
    ][:12]
    staff = ["J. Smith", "R. Lee", "M. Ortiz"]
    fid_rows = [FidelitySummary("BIP v3", s, 8, 92.0, 85.0, 100.0, 90.0) for s in staff]
    ioa_pts = [IoaPoint(day, rng.uniform(78, 100), "Aggression") for day in days[::4]]
    fid_pts = [FidelityPoint(day, rng.uniform(80, 100), rng.choice(staff)) for day in days[::3]]
    return ProgressReport(
        "C-0042",
        days[0],
        days[-1],
        targets,
        datetime(2025, 6, 2, 9, 0, tzinfo=UTC),
        ioa_rows,
        fid_rows,
        client_name="Jamie Rivera",
        provider="Bright Steps ABA",
        prepared_by="Alex Kim, BCBA",
        ioa_points=ioa_pts,
        fidelity_points=fid_pts,
    )


def time_report(report: ProgressReport) -> tuple[float, int]:
    t0 = time.perf_counter()
    pdf = build_progress_report(report, trend=TREND)
    return time.perf_counter() - t0, len(pdf)


def time_graphs(report: ProgressReport, fmt: str) -> float:
    t0 = time.perf_counter()
    for t in report.targets:
        render(line_graph(t.series, trend=TREND), fmt)
    return time.perf_counter() - t0


def measure(n_targets: int, rounds: int) -> dict[str, float]:
    report = make_report(n_targets)
    # warm-up: imports, font cache, glyph caches
    build_progress_report(make_report(1), trend=TREND)
    render(line_graph(report.targets[0].series, trend=TREND), "png")
    rep, pdf_g, png_g = [], [], []
    size = 0
    for _ in range(rounds):
        secs, size = time_report(report)
        rep.append(secs)
        pdf_g.append(time_graphs(report, "pdf"))
        png_g.append(time_graphs(report, "png"))
    return {
        "targets": n_targets,
        "pages": report_page_count(report),
        "bytes": size,
        "report": statistics.median(rep),
        "graphs_pdf": statistics.median(pdf_g),
        "graphs_png": statistics.median(png_g),
    }


def _row(what: str, secs: float, n: int) -> str:
    return f"| {what} | {secs:.2f} s | {1000 * secs / n:.0f} ms | {n / secs:.1f} |"


def section(r: dict[str, float], rounds: int) -> str:
    n = int(r["targets"])
    vs_png = r["report"] / r["graphs_png"]
    vs_pdf = r["report"] / r["graphs_pdf"]
    rows = "\n".join(
        [
            _row(f"{n}-target report (PDF, {r['bytes'] / 1024:.0f} KB)", r["report"], n),
            _row(f"{n} graphs alone, PNG", r["graphs_png"], n),
            _row(f"{n} graphs alone, PDF (one file each)", r["graphs_pdf"], n),
        ]
    )
    return f"""## Reports

`bench/report.py`: a {n}-target progress report (`build_progress_report`: {int(r["pages"])} PDF
pages, namely the title page, one page per target with its line graph and
{TREND.replace("_", "-")} trend lines, the data-quality page and the quality graphs; {SESSIONS}
sessions per target) against the same {n} line graphs built with `line_graph` and rendered
alone in the same run, as PNG (what `/targets/<id>/graph.png` serves) and as PDF. Median of
{rounds} alternating rounds on a shared 2-core machine; "per graph" divides by {n}.

| what | time | per graph | graphs per second |
| --- | --- | --- | --- |
{rows}

Ratio report / graphs alone: **{vs_png:.2f}** against PNG, **{vs_pdf:.2f}** against PDF.

- The report's own overhead over drawing its {n} graphs is the title, quality and signature
  pages, the tables and text of each target page, and writing one PDF.
- Against PNG, each graph alone is also rasterised at 150 dpi and compressed; against PDF,
  each standalone file embeds its own font subsets, which the report does once. Both
  `line_graph` and the report pages lay out their axes from measured label sizes, without
  matplotlib's constrained-layout pass.
"""


def write_section(text_: str) -> None:
    """Replace (or append) the '## Reports' section of docs/performance.md, leaving the rest."""
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    pattern = re.compile(r"^## Reports\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: text_.rstrip() + "\n\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + text_
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()
    result = measure(args.targets, args.rounds)
    text = section(result, args.rounds)
    print(text)
    if args.write:
        write_section(text)
        print(f"wrote the '## Reports' section of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
