"""CSV and XLSX export of raw events and session values.

Rows are plain dicts. The known keys below come first, in this order; any other keys follow
in alphabetical order, so the caller can add columns without changing this module. Missing
keys are empty cells.

Session rows (one value per session and target, ``SESSION_COLUMNS``):
    session_id, client_code, target_id, target, measurement, date, started_at, ended_at,
    phase, condition, fa_condition (the functional-analysis condition the session ran, empty if
    none), observer, role (primary / reliability), setting, value, unit, trials,
    observed_minutes, note

Event rows (one recorded fact, ``EVENT_COLUMNS``):
    event_id, session_id, client_code, target_id, target, kind, t (device time),
    received_at (server time), recorded_by, data (the event's data object), voided

Note rows (one revision of a session note, ``NOTE_COLUMNS``):
    session_id, session_started_at, session_ended_at, observer, note_id, revision, amends_id,
    status, author, targets, incidents, the four written fields, amendment_reason, signer and
    co-signer (name, credential, time), content_hash

Cell values: ``datetime`` -> ISO 8601 text with its UTC offset (``2025-03-03T14:03:00+00:00``),
``date`` -> ``YYYY-MM-DD``, ``dict``/``list`` -> compact JSON, ``bool`` -> ``true``/``false``
in CSV (a boolean cell in XLSX), ``None`` -> empty; numbers stay numbers.

Formula injection (CWE-1236): clinicians type free-text notes, and a spreadsheet would run a
cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
programs strip first) as a formula. Every text cell that starts with one of those characters
is written with a leading apostrophe (``'=HYPERLINK(...)``), in CSV and XLSX alike. Numbers
are never prefixed, so a negative value stays a number.

CSV files are UTF-8 with a byte-order mark (Excel needs it to read accents correctly) and
CRLF line ends (RFC 4180). ``export_csv`` writes the session values (one table per file, as
CSV allows); ``export_events_csv`` and ``export_sessions_csv`` write one table each. The XLSX
workbook holds both: sheet ``Sessions`` first, then ``Events`` (then ``Notes`` when note rows
are given); bold, frozen header row, an
autofilter, and reasonable column widths.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

__all__ = [
    "EVENT_COLUMNS",
    "NOTE_COLUMNS",
    "SESSION_COLUMNS",
    "export_csv",
    "export_events_csv",
    "export_notes_csv",
    "export_sessions_csv",
    "export_xlsx",
    "safe_code",
    "safe_text",
]

SESSION_COLUMNS = (
    "session_id",
    "client_code",
    "target_id",
    "target",
    "measurement",
    "date",
    "started_at",
    "ended_at",
    "phase",
    "condition",
    "fa_condition",
    "observer",
    "role",
    "setting",
    "value",
    "unit",
    "trials",
    "observed_minutes",
    "note",
)

EVENT_COLUMNS = (
    "event_id",
    "session_id",
    "client_code",
    "target_id",
    "target",
    "kind",
    "t",
    "received_at",
    "recorded_by",
    "data",
    "voided",
)

NOTE_COLUMNS = (
    "session_id",
    "session_started_at",
    "session_ended_at",
    "observer",
    "note_id",
    "revision",
    "amends_id",
    "status",
    "author",
    "targets",
    "incidents",
    "presentation",
    "barriers",
    "caregiver_involvement",
    "plan_next",
    "amendment_reason",
    "signer_name",
    "signer_credential",
    "signed_at",
    "cosigner_name",
    "cosigner_credential",
    "cosigned_at",
    "content_hash",
)

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

Row = Mapping[str, Any]


def safe_code(code: str) -> str:
    """The client code as a file-name part (letters, digits, ``.``, ``_`` and ``-`` only)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", code).strip("._") or "client"


def safe_text(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    if text and text[0] in _DANGEROUS:
        return "'" + text
    return text


def _columns(rows: Sequence[Row], known: Sequence[str]) -> list[str]:
    extra: set[str] = set()
    for r in rows:
        extra.update(k for k in r if k not in known)
    return [*known, *sorted(extra)]


def _plain(value: Any) -> Any:
    """A cell value: numbers stay numbers, everything else becomes (safe) text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping | list | tuple):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
        return safe_text(text)
    return safe_text(str(value))


def _csv(rows: Sequence[Row], known: Sequence[str]) -> bytes:
    cols = _columns(rows, known)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(cols)
    for r in rows:
        out = []
        for c in cols:
            v = _plain(r.get(c))
            if v is None:
                out.append("")
            elif isinstance(v, bool):
                out.append("true" if v else "false")
            else:
                out.append(v)
        w.writerow(out)
    return buf.getvalue().encode("utf-8-sig")


def export_sessions_csv(session_rows: Iterable[Row]) -> bytes:
    """Session values as CSV (columns: ``SESSION_COLUMNS``, then any extra keys)."""
    return _csv(list(session_rows), SESSION_COLUMNS)


def export_events_csv(event_rows: Iterable[Row]) -> bytes:
    """Raw events as CSV (columns: ``EVENT_COLUMNS``, then any extra keys)."""
    return _csv(list(event_rows), EVENT_COLUMNS)


def export_notes_csv(note_rows: Iterable[Row]) -> bytes:
    """Session notes as CSV, a revision a row (columns: ``NOTE_COLUMNS``, then extra keys)."""
    return _csv(list(note_rows), NOTE_COLUMNS)


def export_csv(
    event_rows: Iterable[Row], session_rows: Iterable[Row], *, table: str = "sessions"
) -> bytes:
    """One CSV file: the session values by default, or the raw events with
    ``table='events'`` (a CSV file holds one table; the XLSX export holds both)."""
    if table == "sessions":
        return export_sessions_csv(session_rows)
    if table == "events":
        return export_events_csv(event_rows)
    raise ValueError("table must be 'sessions' or 'events'")


def export_xlsx(
    event_rows: Iterable[Row],
    session_rows: Iterable[Row],
    *,
    created: datetime | None = None,
    note_rows: Iterable[Row] | None = None,
) -> bytes:
    """An XLSX workbook with the sheets ``Sessions`` and ``Events`` (and ``Notes``).

    Args:
        event_rows: raw events (keys: ``EVENT_COLUMNS``).
        session_rows: session values (keys: ``SESSION_COLUMNS``).
        note_rows: session note revisions (keys: ``NOTE_COLUMNS``); None: no ``Notes`` sheet.
        created: the workbook's creation date in its properties (default: a fixed date, so
            the same rows always give the same workbook contents).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    stamp = (created or datetime(2000, 1, 1)).replace(tzinfo=None)
    wb.properties.creator = "bdc"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    bold = Font(bold=True)
    sheets = [
        ("Sessions", list(session_rows), SESSION_COLUMNS),
        ("Events", list(event_rows), EVENT_COLUMNS),
    ]
    if note_rows is not None:
        sheets.append(("Notes", list(note_rows), NOTE_COLUMNS))
    for title, rows, known in sheets:
        ws = wb.create_sheet(title)
        cols = _columns(rows, known)
        ws.freeze_panes = "A2"
        widths = [len(c) for c in cols]
        body = []
        for r in rows:
            line = []
            for i, c in enumerate(cols):
                v = _plain(r.get(c))
                if isinstance(v, str):
                    v = ILLEGAL_CHARACTERS_RE.sub("", v)  # control characters XML cannot hold
                    widths[i] = max(widths[i], min(len(v), 60))
                elif v is not None:
                    widths[i] = max(widths[i], len(str(v)))
                line.append(v)
            body.append(line)
        for i, wd in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = wd + 2
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(rows) + 1}"
        header = []
        for c in cols:
            cell = WriteOnlyCell(ws, value=c)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for line in body:
            ws.append(line)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
