"""The paper data sheet: a client's active targets laid out for pencil recording, one block
per target by measurement type (issue 14, paper as a fallback).

Pages are ``matplotlib.figure.Figure`` sheets written with ``PdfPages``, like the progress
report (bdc/reports/pdf.py); nothing touches pyplot or rcParams. The sheet carries the
client's code, never the name: it travels in bags and cars. Prompt codes are the ones the app
shows (I, G, M, PP, FP…), so a sheet reads back into the transcription screen key for key.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from bdc.reports import style

PAGE = (8.5, 11.0)  # US letter, inches
MARGIN = 0.6
ROW = 0.3  # one writing row, inches
PROMPT_CODES = {
    "independent": "I",
    "gestural": "G",
    "verbal": "V",
    "visual": "Vis",
    "model": "M",
    "positional": "Pos",
    "partial_physical": "PP",
    "full_physical": "FP",
    "physical": "P",
}
DEFAULT_PROMPTS = ["independent", "gestural", "model", "physical"]
MEASUREMENT_NAMES = {
    "frequency": "Frequency: one tally mark per response",
    "rate": "Rate: one tally mark per response",
    "duration": "Duration: start and stop time of each bout",
    "latency": "Latency: seconds from instruction to response, or NR",
    "partial_interval": "Partial interval: + if it happened at any time in the interval",
    "whole_interval": "Whole interval: + only if it lasted the whole interval",
    "momentary_time_sampling": "Momentary time sampling: + if it is happening at the cue",
    "abc": "ABC: one row per episode",
    "dtt": "Discrete trials: circle the prompt, then + / − / NR",
    "task_analysis": "Task analysis: circle the prompt each step needed, or − / NR",
    "rating": "Rating: circle one value",
}


@dataclass(frozen=True)
class SheetTarget:
    """What the sheet needs of a target: its name, measurement and parameters."""

    number: int
    name: str
    measurement: str
    params: Mapping[str, Any] = field(default_factory=dict)


def prompt_code(level: str) -> str:
    """The short code of a prompt level, as the app shows it ("partial_physical" -> "PP")."""
    key = level.strip().lower().replace(" ", "_").replace("-", "_")
    return PROMPT_CODES.get(key) or "".join(w[0].upper() for w in key.split("_") if w)


def latency_hint(params: Mapping[str, Any]) -> str:
    """How a latency row is filled in: NR is a trial without a response, entered at the
    target's maximum wait; without one the observer writes the seconds waited after NR."""
    wait = params.get("max_wait_seconds")
    if wait is not None:
        return f"Write the seconds, or NR if there was no response within {wait:g} s."
    return "Write the seconds, or NR and the seconds waited (NR30) if there was no response."


def _intervals(params: Mapping[str, Any]) -> int:
    seconds = float(params.get("interval_seconds", 10))
    minutes = float(params.get("observation_minutes", 5))
    return max(1, int(minutes * 60 // seconds))


def block_height(target: SheetTarget) -> float:
    """Inches the target's block takes on the page (title and hint included)."""
    p = target.params
    body = {
        "frequency": 1.0,
        "rate": 1.0,
        "duration": ROW * 7,
        "latency": ROW * 3.4,
        "abc": ROW * 7,
        "dtt": ROW * (int(p.get("trials_per_session") or 10) + 1),
        "task_analysis": ROW * (len(p.get("steps") or []) + 1),
        "rating": ROW * 4,
    }.get(target.measurement)
    if body is None:  # interval methods: rows of 15 cells
        body = ROW * 1.6 * -(-_intervals(p) // 15)
    return 0.55 + body + 0.2


class _Sheet:
    """One page with a cursor ``y`` (inches from the top)."""

    def __init__(self, header: str, page: int) -> None:
        self.fig = Figure(figsize=PAGE, facecolor="white")
        self.y = MARGIN
        self.text(header, size=9, color=style.GRAY)
        self.text(f"page {page}", size=9, color=style.GRAY, x=PAGE[0] - MARGIN, ha="right")
        self.y += 0.3

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        return x / PAGE[0], 1 - y / PAGE[1]

    def text(self, s, *, size=9.5, x=MARGIN, y=None, weight="normal", color=style.INK, ha="left"):
        self.fig.text(
            *self._xy(x, (self.y if y is None else y) + size / 72),
            s,
            size=size,
            weight=weight,
            color=color,
            ha=ha,
            family=style.FONT,
        )

    def box(self, x: float, y: float, w: float, h: float) -> None:
        fx, fy = self._xy(x, y + h)
        self.fig.patches.append(
            Rectangle(
                (fx, fy),
                w / PAGE[0],
                h / PAGE[1],
                transform=self.fig.transFigure,
                fill=False,
                linewidth=0.8,
                edgecolor=style.INK,
            )
        )

    def table(self, columns: Sequence[tuple[str, float]], rows: int, cells=None) -> None:
        """A grid: a header row and ``rows`` writing rows; ``cells(row, col)`` pre-prints text."""
        x0 = MARGIN
        for col, (title, width) in enumerate(columns):
            self.box(x0, self.y, width, ROW)
            self.text(title, size=8, x=x0 + 0.05, y=self.y + 0.06, weight="bold")
            for row in range(rows):
                y = self.y + ROW * (row + 1)
                self.box(x0, y, width, ROW)
                if cells and (content := cells(row, col)):
                    self.text(content, size=8.5, x=x0 + 0.05, y=y + 0.07)
            x0 += width
        self.y += ROW * (rows + 1)


def _draw(sheet: _Sheet, t: SheetTarget) -> None:
    p = t.params
    width = PAGE[0] - 2 * MARGIN
    sheet.text(f"{t.number}. {t.name}", size=11.5, weight="bold")
    sheet.y += 0.24
    sheet.text(MEASUREMENT_NAMES.get(t.measurement, t.measurement), size=8.5, color=style.GRAY)
    sheet.y += 0.25
    m = t.measurement
    if m in ("frequency", "rate"):
        sheet.box(MARGIN, sheet.y, width - 1.4, 0.85)
        sheet.box(MARGIN + width - 1.3, sheet.y, 1.3, 0.85)
        sheet.text("Total", size=8, x=MARGIN + width - 1.25, y=sheet.y + 0.05)
        sheet.y += 1.0
    elif m == "duration":
        sheet.table(
            [("Bout", 0.6), ("Start", 1.6), ("Stop", 1.6), ("Minutes:seconds", 1.8)],
            6,
            lambda r, c: str(r + 1) if c == 0 else "",
        )
    elif m == "latency":
        cols = [("Trial", 0.6), *[(str(i + 1), (width - 0.6) / 10) for i in range(10)]]
        sheet.table(cols, 1, lambda r, c: "sec / NR" if c == 0 else "")
        sheet.text(latency_hint(p), size=7.5, color=style.GRAY, y=sheet.y + 0.02)
        sheet.y += ROW * 1.4
    elif m == "abc":
        sheet.table(
            [
                ("Time", 0.8),
                ("Antecedent", 1.9),
                ("Behavior", 1.9),
                ("Consequence", 1.9),
                ("Setting event", width - 6.5),
            ],
            5,
        )
        codes = ["antecedents", "behaviors", "consequences", "setting_events"]
        listed = " · ".join(", ".join(p.get(k) or []) for k in codes if p.get(k))
        if listed:
            sheet.text(listed[:150], size=7.5, color=style.GRAY, y=sheet.y + 0.02)
        sheet.y += ROW
    elif m in ("dtt", "task_analysis"):
        prompts = "   ".join(
            prompt_code(level) for level in (p.get("prompt_levels") or DEFAULT_PROMPTS)
        )
        if m == "dtt":
            rows = int(p.get("trials_per_session") or 10)
            first = [("Trial", 0.7)]
            label = lambda r: str(r + 1)  # noqa: E731
            marks = "+   −   NR"
        else:
            rows = len(p.get("steps") or [])
            first = [("Step", 3.0)]
            label = lambda r: f"{r + 1}. {p['steps'][r]}"[:40]  # noqa: E731
            marks = "−   NR"
        sheet.table(
            [*first, ("Prompt (circle)", 2.4), ("Result (circle)", width - first[0][1] - 2.4)],
            rows,
            lambda r, c: label(r) if c == 0 else prompts if c == 1 else marks,
        )
    elif m == "rating":
        low, high = int(p.get("scale_min", 1)), int(p.get("scale_max", 5))
        labels = p.get("labels") or []
        values = [
            f"{v} {labels[i]}" if i < len(labels) else str(v)
            for i, v in enumerate(range(low, high + 1))
        ]
        sheet.table(
            [("Time", 1.0), ("Circle one", width - 1.0)],
            3,
            lambda r, c: "     ".join(values) if c == 1 else "",
        )
    else:  # interval methods
        count = _intervals(p)
        cell = width / 15
        for i in range(count):
            x = MARGIN + (i % 15) * cell
            y = sheet.y + (i // 15) * ROW * 1.6
            sheet.box(x, y, cell, ROW * 1.4)
            sheet.text(str(i + 1), size=6.5, color=style.GRAY, x=x + 0.04, y=y + 0.03)
        sheet.y += ROW * 1.6 * -(-count // 15)
    sheet.y += 0.2


def datasheet_pdf(code: str, day: date, targets: Sequence[SheetTarget]) -> tuple[bytes, int]:
    """The data sheet PDF and its page count: a header for the session's facts, then one block
    per target, a block never split across pages."""
    header = f"bdc data sheet · client {code} · {day.isoformat()}"
    buffer = io.BytesIO()
    pages: list[_Sheet] = []
    sheet = _Sheet(header, 1)
    pages.append(sheet)
    sheet.text(
        "Observer ______________   Setting ____________   Start ______   End ______   "
        "Paused (min) ____",
        size=9.5,
    )
    sheet.y += 0.45
    for target in targets:
        if sheet.y + block_height(target) > PAGE[1] - MARGIN and sheet.y > MARGIN + 0.6:
            sheet = _Sheet(header, len(pages) + 1)
            pages.append(sheet)
        _draw(sheet, target)
    with PdfPages(buffer, metadata={"Title": f"Data sheet {code} {day.isoformat()}"}) as pdf:
        for page in pages:
            pdf.savefig(page.fig)
    return buffer.getvalue(), len(pages)
