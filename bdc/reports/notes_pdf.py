"""Session notes as a PDF: one note after another, each starting on a new page.

Built with the progress report's page tooling (:mod:`bdc.reports.pdf`): matplotlib ``Figure``
pages with text placed on them, written with ``PdfPages``. Pure: plain data in, bytes out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages

from .pdf import PAGE_SIZES, PDF_FONTTYPE, _Page

__all__ = ["NotePrint", "build_notes_pdf"]

_BOTTOM = 1.0  # inches kept free at the foot of a page for the footer


@dataclass(frozen=True)
class NotePrint:
    """One note revision, ready to print."""

    client_label: str
    session_id: str
    started_at: datetime
    ended_at: datetime | None
    setting: str
    role: str
    kind: str
    observer_name: str
    revision: int
    status: str
    targets: Sequence[Mapping[str, Any]]
    incidents: Sequence[Mapping[str, Any]]
    fidelity: Mapping[str, Any] | None
    sections: Sequence[tuple[str, str]]  # (heading, what a person wrote)
    amendment_reason: str = ""
    signature: str | None = None
    cosignature: str | None = None
    content_hash: str | None = None
    history: Sequence[str] = field(default_factory=tuple)


def _value(v: Any) -> str:
    if v is None:
        return "\u2014"
    if isinstance(v, float):
        return f"{v:.1f}" if abs(v) < 1000 else f"{v:.0f}"
    return str(v)


class _Pages:
    """Pages that break when the cursor reaches the foot."""

    def __init__(self, pdf: PdfPages, size: tuple[float, float], footer: str) -> None:
        self.pdf, self.size, self.footer = pdf, size, footer
        self.page: _Page | None = None
        self.count = 0

    def new(self) -> _Page:
        self.flush()
        self.page = _Page(self.size)
        return self.page

    def room(self, inches: float) -> _Page:
        if self.page is None or self.page.y + inches > self.page.h - _BOTTOM:
            return self.new()
        return self.page

    def flush(self) -> None:
        if self.page is not None:
            self.count += 1
            self.page.footer(self.footer, f"Page {self.count}")
            self.pdf.savefig(self.page.fig)
            self.page = None


def _note(pages: _Pages, note: NotePrint) -> None:
    page = pages.new()
    day = note.started_at.strftime("%Y-%m-%d")
    times = note.started_at.strftime("%H:%M")
    if note.ended_at is not None:
        times += "\u2013" + note.ended_at.strftime("%H:%M") + " UTC"
    page.text(f"Session note \u2014 {note.client_label} \u2014 {day}", size=15, weight="bold")
    page.text(
        f"{times}  \u00b7  {note.setting or 'setting not recorded'}  \u00b7  {note.kind}, "
        f"{note.role}  \u00b7  observer: {note.observer_name}",
        size=9.5,
    )
    page.text(
        f"Revision {note.revision}  \u00b7  {note.status.replace('_', ' ')}  \u00b7  "
        f"session {note.session_id}",
        size=8.5,
    )
    if note.amendment_reason:
        page.text("Amendment: " + note.amendment_reason, size=9, style_="italic")
    page.gap(0.1)
    rows = [
        [
            str(t.get("name", "")),
            str(t.get("measurement", "")),
            f"{_value(t.get('value'))} {t.get('unit', '')}".strip(),
            _value(t.get("n")),
            str(t.get("phase_label") or "\u2014"),
            "yes" if t.get("ioa_partner_id") else "",
        ]
        for t in note.targets
    ]
    page = pages.room(0.6 + 0.17 * len(rows))
    page.text("Targets run", size=11, weight="bold")
    if rows:
        page.table(
            ["Target", "Measurement", "Value", "n", "Phase", "IOA"],
            rows,
            [2.1, 1.45, 1.35, 0.45, 1.15, 0.5],
            align=["left", "left", "right", "right", "left", "left"],
        )
    else:
        page.text("No target data in this session.", size=9.5)
    page = pages.room(0.5)
    page.text("Incidents", size=11, weight="bold")
    if not note.incidents:
        page.text("None reported during the session.", size=9.5)
    for incident in note.incidents:
        minutes = incident.get("duration_minutes")
        page.text(
            f"{incident.get('type', '')} at {str(incident.get('occurred_at', ''))[11:16]} UTC"
            + (f", {minutes:g} min" if minutes is not None else "")
            + f" ({str(incident.get('status', '')).replace('_', ' ')})",
            size=9.5,
        )
    if note.fidelity:
        page = pages.room(0.5)
        page.text("Treatment fidelity", size=11, weight="bold")
        percent = note.fidelity.get("percent")
        page.text(
            f"{_value(percent)} % of steps (criterion {_value(note.fidelity.get('criterion'))} %)",
            size=9.5,
        )
    for heading, text in note.sections:
        lines = max(1, len(text) // 95 + text.count("\n") + 1)
        page = pages.room(0.45 + 0.16 * min(lines, 40))
        page.gap(0.05)
        page.text(heading, size=11, weight="bold")
        page.paragraph(text or "\u2014", max_lines=40)
    page = pages.room(1.2)
    page.gap(0.15)
    page.rule()
    page.gap(0.05)
    page.text(note.signature or "Not signed (draft).", size=9.5, weight="bold")
    if note.cosignature:
        page.text(note.cosignature, size=9.5, weight="bold")
    if note.content_hash:
        page.text(f"SHA-256 of the signed content: {note.content_hash}", size=7.5)
    for line in note.history:
        page = pages.room(0.2)
        page.text(line, size=8)


def build_notes_pdf(
    notes: Sequence[NotePrint],
    *,
    title: str,
    generated_at: datetime,
    paper: str = "letter",
) -> bytes:
    """Render ``notes`` to PDF bytes, each note from the top of a new page.

    An empty sequence gives one page saying so. The same input gives the same bytes (the
    creation date is ``generated_at``).
    """
    if paper not in PAGE_SIZES:
        raise ValueError(f"paper must be one of {sorted(PAGE_SIZES)}")
    buf = BytesIO()
    metadata = {
        "Title": title,
        "Creator": "bdc",
        "CreationDate": generated_at,
        "ModDate": generated_at,
    }
    footer = f"{title}  \u00b7  Confidential: contains health information"
    with (
        matplotlib.rc_context({"pdf.fonttype": PDF_FONTTYPE}),
        PdfPages(buf, metadata=metadata) as pdf,
    ):
        pages = _Pages(pdf, PAGE_SIZES[paper], footer)
        for note in notes:
            _note(pages, note)
        if not notes:
            pages.new().text("No session notes in this period.", size=12)
        pages.flush()
    return buf.getvalue()
