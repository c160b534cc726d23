"""Director chart audits: a random sample of a period's sessions, checked against a checklist.

A director draws ``sample_size`` sessions at random from the period's ended primary
observation sessions (the seed is kept, so the draw can be repeated). Each sampled session
gets the four checks of :data:`bdc.models.AUDIT_CHECKS`, prefilled with what the server can
compute, and the director confirms or corrects each one. The reviewed answers make the
quality figure the dashboard shows. The rules of each check are in docs/supervision.md,
"Chart audits"; in short:

- ``note_signed_in_time``: the note's original revision was signed within BDC_NOTE_SIGN_DAYS
  days of the session's end (no note, unsigned or late: false);
- ``data_complete``: every target the session was started with has a value;
- ``ioa_where_due``: the session has an IOA partner (true); without one, IOA was due (false)
  only when the client's IOA coverage over the period is below the audit's standard, else
  null (not due for this session);
- ``fidelity_where_due``: for a technician's or therapist's session on a client with an
  active plan, a fidelity check of that staff member on that client in the period (else null).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_smorest import abort
from sqlalchemy import select

from bdc import audit
from bdc.auth import SEES_ALL, check_id
from bdc.dates import within_days
from bdc.extensions import db
from bdc.models import (
    AUDIT_CHECKS,
    ChartAudit,
    ChartAuditItem,
    Client,
    Plan,
    Session,
    SessionNote,
    SessionValue,
    User,
)
from bdc.models.base import utcnow
from bdc.services import ioa

STAFF_WITH_FIDELITY = frozenset({"technician", "therapist"})


def _require_director(user: User) -> None:
    if user.role not in SEES_ALL:
        abort(403, message="Chart audits are for directors and admins.")


# --- the figures -----------------------------------------------------------------------------


def audit_figures(answers: Iterable[dict[str, Any] | None]) -> dict[str, Any]:
    """The quality figure of reviewed items: sessions passing every applicable check, and
    checks passing among applicable ones (null answers are not applicable and not counted).

    ``answers`` holds one entry per sampled session, None while it is not reviewed.
    """
    answers = list(answers)
    reviewed = [a for a in answers if a is not None]
    applicable = [v for a in reviewed for v in a.values() if v is not None]
    passing = sum(1 for a in reviewed if all(v is not False for v in a.values()))
    passed = sum(1 for v in applicable if v is True)
    return {
        "sessions": len(answers),
        "reviewed": len(reviewed),
        "sessions_passing": passing,
        "percent_sessions_passing": 100.0 * passing / len(reviewed) if reviewed else None,
        "checks_applicable": len(applicable),
        "checks_passed": passed,
        "percent_checks_passed": 100.0 * passed / len(applicable) if applicable else None,
    }


# --- what the server can check ---------------------------------------------------------------


def _population(date_from: date, date_to: date) -> list[str]:
    return sorted(
        db.session.scalars(
            select(Session.id).where(
                Session.role == "primary",
                Session.kind == "observation",
                Session.ended_at.is_not(None),
                *within_days(Session.started_at, date_from, date_to),
            )
        )
    )


def _note_in_time(session: Session, sign_days: int) -> bool:
    original = db.session.scalar(
        select(SessionNote).where(SessionNote.session_id == session.id, SessionNote.revision == 1)
    )
    if original is None or original.signed_at is None:
        return False
    return original.signed_at <= session.ended_at + timedelta(days=sign_days)


def _data_complete(session: Session) -> bool:
    wanted = set(session.target_ids or ())
    if not wanted:
        return False
    valued = set(
        db.session.scalars(
            select(SessionValue.target_id).where(
                SessionValue.session_id == session.id, SessionValue.value.is_not(None)
            )
        )
    )
    return wanted <= valued


def _has_ioa(session: Session) -> bool:
    return ioa.find_partner(session)[0] is not None


class _Coverage:
    """Each client's IOA coverage over the audited period (percent of primary sessions with
    an IOA partner), computed once per client."""

    def __init__(self, date_from: date, date_to: date):
        self.date_from, self.date_to = date_from, date_to
        self.percent: dict[str, float] = {}

    def __call__(self, client_id: str) -> float:
        if client_id not in self.percent:
            sessions = list(
                db.session.scalars(
                    select(Session).where(
                        Session.client_id == client_id,
                        Session.role == "primary",
                        Session.kind == "observation",
                        Session.ended_at.is_not(None),
                        *within_days(Session.started_at, self.date_from, self.date_to),
                    )
                )
            )
            with_ioa = sum(1 for s in sessions if _has_ioa(s))
            self.percent[client_id] = 100.0 * with_ioa / len(sessions) if sessions else 0.0
        return self.percent[client_id]


def _fidelity_checked(session: Session, observer: User | None, date_from, date_to) -> bool | None:
    if observer is None or observer.role not in STAFF_WITH_FIDELITY:
        return None
    has_plan = db.session.scalar(
        select(Plan.id).where(Plan.client_id == session.client_id, Plan.active.is_(True)).limit(1)
    )
    if has_plan is None:
        return None
    checked = db.session.scalar(
        select(Session.id)
        .where(
            Session.client_id == session.client_id,
            Session.kind == "fidelity",
            Session.staff_id == observer.id,
            *within_days(Session.started_at, date_from, date_to),
        )
        .limit(1)
    )
    return checked is not None


def prefill(session: Session, chart: ChartAudit, coverage: _Coverage) -> dict[str, bool | None]:
    """The four checks as far as the server can tell (see the module docstring)."""
    sign_days = int(current_app.config["NOTE_SIGN_DAYS"])
    if _has_ioa(session):
        ioa_check: bool | None = True
    else:
        ioa_check = False if coverage(session.client_id) < chart.ioa_standard else None
    observer = db.session.get(User, session.observer_id)
    return {
        "note_signed_in_time": _note_in_time(session, sign_days),
        "data_complete": _data_complete(session),
        "ioa_where_due": ioa_check,
        "fidelity_where_due": _fidelity_checked(session, observer, chart.date_from, chart.date_to),
    }


# --- drawing and reviewing -------------------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    row: ChartAuditItem
    session: Session
    client_code: str

    def __getattr__(self, name):
        return getattr(self.row, name)

    @property
    def started_at(self):
        return self.session.started_at

    @property
    def observer_id(self):
        return self.session.observer_id

    @property
    def reviewed(self) -> bool:
        return self.row.answers is not None


@dataclass(frozen=True)
class AuditView:
    row: ChartAudit
    items: Sequence[ItemView]

    def __getattr__(self, name):
        return getattr(self.row, name)

    @property
    def figures(self) -> dict[str, Any]:
        return audit_figures(i.row.answers for i in self.items)


def _items(chart: ChartAudit) -> list[ItemView]:
    rows = list(
        db.session.scalars(
            select(ChartAuditItem)
            .where(ChartAuditItem.audit_id == chart.id)
            .order_by(ChartAuditItem.position)
        )
    )
    sessions = {
        s.id: s
        for s in db.session.scalars(
            select(Session).where(Session.id.in_([r.session_id for r in rows]))
        )
    }
    codes = dict(
        db.session.execute(
            select(Client.id, Client.code).where(Client.id.in_({r.client_id for r in rows}))
        ).all()
    )
    return [ItemView(r, sessions[r.session_id], codes[r.client_id]) for r in rows]


def draw(user: User, fields: dict[str, Any], *, seed: str | None = None) -> AuditView:
    """Draw the sample and prefill its checks. Fewer sessions than asked: all of them.

    ``seed`` (default: a fresh random one) exists for the demo, which draws the same sample
    on every load."""
    _require_director(user)
    size = fields.get("sample_size") or int(current_app.config["CHART_AUDIT_SAMPLE"])
    population = _population(fields["date_from"], fields["date_to"])
    seed = seed or secrets.token_hex(8)
    chosen = random.Random(seed).sample(population, min(size, len(population)))
    chart = ChartAudit(
        drawn_by=user.id,
        date_from=fields["date_from"],
        date_to=fields["date_to"],
        sample_size=size,
        population=len(population),
        seed=seed,
        ioa_standard=fields.get("ioa_standard", 20.0),
        created_at=utcnow(),
    )
    db.session.add(chart)
    db.session.flush()
    coverage = _Coverage(chart.date_from, chart.date_to)
    sessions = {s.id: s for s in db.session.scalars(select(Session).where(Session.id.in_(chosen)))}
    for position, session_id in enumerate(sorted(chosen, key=lambda i: sessions[i].started_at)):
        session = sessions[session_id]
        db.session.add(
            ChartAuditItem(
                audit_id=chart.id,
                session_id=session.id,
                client_id=session.client_id,
                position=position,
                prefill=prefill(session, chart, coverage),
                comment="",
            )
        )
    db.session.flush()
    audit.record(
        "create",
        "chart_audit",
        resource_id=chart.id,
        detail={"sessions": len(chosen), "population": len(population)},
    )
    audit.record_many("read", "chart_audit", (sessions[i].client_id for i in chosen))
    return AuditView(chart, _items(chart))


def audit_or_404(user: User, audit_id: str) -> ChartAudit:
    _require_director(user)
    chart = db.session.get(ChartAudit, check_id(audit_id))
    if chart is None:
        abort(404, message="No such chart audit.")
    return chart


def read_audit(chart: ChartAudit) -> AuditView:
    view = AuditView(chart, _items(chart))
    audit.record_many("read", "chart_audit", (i.client_id for i in view.items))
    return view


def list_audits(user: User) -> list[AuditView]:
    """Every chart audit, newest period first, with its figures (no PHI: no audit entry)."""
    _require_director(user)
    charts = db.session.scalars(
        select(ChartAudit).order_by(ChartAudit.date_to.desc(), ChartAudit.created_at.desc())
    )
    return [AuditView(c, _items(c)) for c in charts]


def review_item(
    user: User, chart: ChartAudit, item_id: str, answers: dict[str, Any], comment: str
) -> ItemView:
    """The director's answers to one sampled session's checks (may be changed later)."""
    item = db.session.get(ChartAuditItem, check_id(item_id, "item_id"))
    if item is None or item.audit_id != chart.id:
        abort(404, message="No such session in this chart audit.")
    item.answers = {name: answers[name] for name in AUDIT_CHECKS}
    item.comment = comment
    item.reviewed_by = user.id
    item.reviewed_at = utcnow()
    audit.record(
        "update",
        "chart_audit",
        resource_id=chart.id,
        client_id=item.client_id,
        detail={"item_id": item.id, "session_id": item.session_id},
    )
    return next(i for i in _items(chart) if i.row.id == item.id)


def dashboard_figures(client_ids: Sequence[str], date_from: date, date_to: date) -> dict:
    """The quality figure over the audits whose period ends in ``date_from..date_to``, counting
    only the sampled sessions of ``client_ids`` (a BCBA's dashboard: their caseload)."""
    wanted = set(client_ids)
    rows = db.session.execute(
        select(ChartAuditItem.client_id, ChartAuditItem.answers)
        .join(ChartAudit, ChartAudit.id == ChartAuditItem.audit_id)
        .where(ChartAudit.date_to >= date_from, ChartAudit.date_to <= date_to)
    ).all()
    audits = db.session.scalar(
        select(db.func.count(ChartAudit.id)).where(
            ChartAudit.date_to >= date_from, ChartAudit.date_to <= date_to
        )
    )
    figures = audit_figures(answers for client_id, answers in rows if client_id in wanted)
    return {"audits": audits, **figures}
