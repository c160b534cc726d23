"""A client's data as spreadsheet rows: session values, raw events and session notes, for CSV
and XLSX.

Three tables, written by :mod:`bdc.reports.export` (which neutralises spreadsheet formulas):

- **Sessions**: one row per observation session and target with a value (primary and
  reliability sessions; ``role`` tells them apart), as :func:`bdc.services.series.client_values`
  computes it: date, session, observer's username, role, target, measurement, phase, value,
  unit and ``n`` (the responses, trials, steps or intervals behind the value), plus the
  trials and observed minutes where they apply.
- **Events**: every stored event of those sessions and of the client's fidelity sessions, as
  recorded: id, session, target, kind, device time ``t``, server time ``received_at``, the
  username that recorded it, its data as JSON, and whether a ``void`` cancelled it.
- **Notes**: every revision of the period's session notes (:func:`bdc.services.notes.note_rows`):
  the drafted summary in brief, what was written, signature and co-signature, status and hash.

The period filters sessions by the UTC date they started on, as every other read does. The
client appears by pseudonymous code only; names and dates of birth are never exported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from sqlalchemy import select

from bdc import audit, dates
from bdc.dates import within_days
from bdc.extensions import db
from bdc.measures import EventRecord, apply_voids
from bdc.models import Client, Event, Session, Target, User
from bdc.models.base import utcnow
from bdc.reports import export_events_csv, export_notes_csv, export_sessions_csv, export_xlsx
from bdc.reports.export import safe_code
from bdc.reports.model import PERCENT_MEASUREMENTS
from bdc.services import notes, series

__all__ = ["TABLES", "Export", "client_export", "export_rows", "safe_code"]

TABLES = ("sessions", "events", "notes")


@dataclass(frozen=True)
class Export:
    """A finished export: its bytes, file name and content type."""

    content: bytes
    filename: str
    content_type: str


def _usernames(ids: Iterable[str | None]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i})
    out: dict[str, str] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        rows = db.session.execute(select(User.id, User.username).where(User.id.in_(chunk)))
        out.update(dict(rows.all()))
    return out


def _targets(client: Client) -> list[Target]:
    return list(
        db.session.scalars(
            select(Target).where(Target.client_id == client.id).order_by(Target.name, Target.id)
        )
    )


def session_rows(
    client: Client, date_from: date | None = None, date_to: date | None = None
) -> list[dict[str, Any]]:
    """One row per observation session and target value, in time order."""
    targets = _targets(client)
    if not targets:
        return []
    values = series.client_values(
        targets,
        date_from=date_from,
        date_to=date_to,
        include_reliability=True,
        details=True,
        include_fa=True,
    )
    sessions = {
        s.id: s
        for s in db.session.scalars(
            select(Session).where(
                Session.client_id == client.id,
                Session.kind == "observation",
                *within_days(
                    Session.started_at, date_from, date_to, dates.client_zone(client.time_zone)
                ),
            )
        )
    }
    users = _usernames(s.observer_id for s in sessions.values())
    rows = []
    for target in targets:
        for v in values.get(target.id, ()):
            session = sessions.get(v.session_id)
            minutes = v.details.get("observed_minutes") if v.details else None
            rows.append(
                {
                    "session_id": v.session_id,
                    "client_code": client.code,
                    "target_id": target.id,
                    "target": target.name,
                    "measurement": target.measurement,
                    "date": v.date,
                    "started_at": v.started_at,
                    "ended_at": series.as_utc(session.ended_at)
                    if session is not None and session.ended_at is not None
                    else None,
                    "phase": v.phase_label,
                    "phase_kind": v.phase_kind,
                    "fa_condition": v.fa_condition,
                    "observer": users.get(v.observer_id, ""),
                    "role": v.role,
                    "setting": session.setting if session is not None else None,
                    "value": v.value,
                    "unit": v.unit,
                    "n": v.n,
                    "trials": v.n if target.measurement in PERCENT_MEASUREMENTS else None,
                    "observed_minutes": minutes if isinstance(minutes, int | float) else None,
                    "ioa_session_id": v.ioa_partner_id,
                }
            )
    rows.sort(key=lambda r: (r["started_at"], r["session_id"], r["target"], r["target_id"]))
    return rows


def event_rows(
    client: Client, date_from: date | None = None, date_to: date | None = None
) -> list[dict[str, Any]]:
    """Every event of the client's sessions in the period (observation and fidelity), as
    recorded, in session and device-time order."""
    names = {t.id: t.name for t in _targets(client)}
    rows = db.session.execute(
        select(Event, Session.started_at)
        .join(Session, Session.id == Event.session_id)
        .where(
            Session.client_id == client.id,
            *within_days(
                Session.started_at, date_from, date_to, dates.client_zone(client.time_zone)
            ),
        )
        .order_by(Session.started_at, Session.id, Event.t, Event.id)
    ).all()
    events = [e for e, _ in rows]
    by_session: dict[str, list[EventRecord]] = {}
    for e in events:
        by_session.setdefault(e.session_id, []).append(
            EventRecord(id=e.id, kind=e.kind, t=series.as_utc(e.t), data=e.data or {})
        )
    kept = {r.id for records in by_session.values() for r in apply_voids(records)}
    users = _usernames(e.recorded_by for e in events)
    return [
        {
            "event_id": e.id,
            "session_id": e.session_id,
            "client_code": client.code,
            "target_id": e.target_id,
            "target": names.get(e.target_id) if e.target_id else None,
            "kind": e.kind,
            "t": series.as_utc(e.t),
            "received_at": series.as_utc(e.received_at),
            "recorded_by": users.get(e.recorded_by, ""),
            "data": dict(e.data or {}),
            "voided": e.kind != "void" and e.id not in kept,
        }
        for e in events
    ]


def export_rows(
    client: Client, date_from: date | None = None, date_to: date | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(session rows, event rows) of the client over the period (no audit entry)."""
    return session_rows(client, date_from, date_to), event_rows(client, date_from, date_to)


def _span(date_from: date | None, date_to: date | None, tz: tzinfo) -> str:
    return f"{date_from.isoformat() if date_from else 'start'}-to-" + (
        date_to.isoformat() if date_to else dates.local_today(tz).isoformat()
    )


def client_export(
    client: Client,
    fmt: str,
    *,
    table: str = "sessions",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Export:
    """The client's data as ``csv`` (one ``table``) or ``xlsx`` (sheets ``Sessions`` and
    ``Events``), with an ``export`` audit entry (format, period, row counts; no PHI)."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError("fmt must be 'csv' or 'xlsx'")
    if table not in TABLES:
        raise ValueError(f"table must be one of {TABLES}")
    span = _span(date_from, date_to, dates.client_zone(client.time_zone))
    name = f"bdc-{safe_code(client.code)}-{span}"
    if fmt == "csv":
        load, write = {
            "sessions": (session_rows, export_sessions_csv),
            "events": (event_rows, export_events_csv),
            "notes": (lambda *period: notes.note_rows(*period)[0], export_notes_csv),
        }[table]
        rows = load(client, date_from, date_to)
        content = write(rows)
        result = Export(content, f"{name}-{table}.csv", "text/csv; charset=utf-8")
        counts = {table: len(rows)}
    else:
        sessions, events = export_rows(client, date_from, date_to)
        revisions = notes.note_rows(client, date_from, date_to)[0]
        content = export_xlsx(events, sessions, created=utcnow(), note_rows=revisions)
        result = Export(
            content,
            f"{name}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        counts = {"sessions": len(sessions), "events": len(events), "notes": len(revisions)}
    audit.record(
        "export",
        "client_data",
        client_id=client.id,
        detail={
            "format": fmt,
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
            "rows": counts,
        },
    )
    return result
