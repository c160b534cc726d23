"""Quality figures: treatment fidelity per client, and the clinical director's dashboard.

Fidelity sessions (the PWA's checklist mode) are scored with :func:`bdc.measures.measure_fidelity`
(the analysis module's individual-component, all-or-nothing by trial and by component
percentages) and judged against the criterion of the exact plan version they checked.

The dashboard answers, for a date range and a caseload (all clients, one BCBA's caseload, or
the caller's own): IOA coverage and agreement per target and phase, fidelity by plan and by
staff, data timeliness, sessions per client per week, targets without recent data, criteria
met but not reviewed, and incidents by type and status. Every row carries ``links`` to the
API data behind it. Formulas and conventions: docs/quality.md.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from flask_smorest import abort
from sqlalchemy import ColumnElement, and_, false, func, or_, select

from bdc import audit
from bdc.auth import CAREGIVER, SEES_ALL, visible_client_ids
from bdc.dates import day_start, local_day, local_today, within_days
from bdc.extensions import db
from bdc.measures import EventRecord, measure_fidelity
from bdc.models import INCIDENT_TYPES, Assignment, Client, Event, Plan, Session, Target, User
from bdc.services import chart_audits, ioa, series
from bdc.services import incidents as incident_service
from bdc.services.series import SessionValue, client_values

API = "/api/v1"
DEFAULT_DAYS = 28
MAX_DAYS = 366
DAY_MINUTES = 24 * 60
LATE_SESSIONS_SHOWN = 100


# --- small helpers ---------------------------------------------------------------------------


def _mean(xs: Sequence[float]) -> float | None:
    return math.fsum(xs) / len(xs) if xs else None


def percentile(xs: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by linear interpolation between order statistics.

    Hyndman & Fan (1996) type 7, the default of numpy, R and spreadsheets:
    ``h = (n - 1) * q / 100``, ``x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)])``.
    None for no data.
    """
    if not xs:
        return None
    ordered = sorted(xs)
    h = (len(ordered) - 1) * q / 100.0
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def _range_query(date_from: date, date_to: date) -> str:
    return f"?from={date_from.isoformat()}&to={date_to.isoformat()}"


def resolve_range(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """Defaults: the last four weeks up to today (the clinic's); at most a year; ``from`` <=
    ``to``."""
    date_to = date_to or local_today()
    date_from = date_from or date_to - timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        abort(422, message="'from' is after 'to'.", fields={"from": ["Must not be after 'to'."]})
    if (date_to - date_from).days + 1 > MAX_DAYS:
        abort(
            422,
            message=f"The range is longer than {MAX_DAYS} days.",
            fields={"from": [f"At most {MAX_DAYS} days before 'to'."]},
        )
    return date_from, date_to


def _staff_names(ids: Iterable[str]) -> dict[str, User]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _chunks(ids: Sequence[str], size: int = 900) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- fidelity --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FidelityScore:
    """One fidelity session scored against its plan version."""

    session: Session
    plan: Plan
    percent: float | None
    by_trial: float | None
    by_component: float | None
    opportunities: int
    steps: int

    @property
    def meets(self) -> bool | None:
        return None if self.percent is None else self.percent >= self.plan.criterion


def score_fidelity_sessions(sessions: Sequence[Session]) -> list[FidelityScore]:
    """Score each fidelity session from its ``fidelity`` events (voids applied).

    A session with no fidelity event (or nothing applicable) has ``percent`` None: it is
    listed, never counted as 0 or 100.
    """
    sessions = [s for s in sessions if s.kind == "fidelity" and s.plan_id]
    if not sessions:
        return []
    plans = {
        p.id: p
        for p in db.session.scalars(select(Plan).where(Plan.id.in_({s.plan_id for s in sessions})))
    }
    events: dict[str, list[EventRecord]] = defaultdict(list)
    ids = [s.id for s in sessions]
    for chunk in _chunks(ids):
        rows = db.session.execute(
            select(Event.id, Event.session_id, Event.kind, Event.t, Event.data).where(
                Event.session_id.in_(chunk), Event.target_id.is_(None)
            )
        )
        for event_id, session_id, kind, t, data in rows:
            events[session_id].append(EventRecord(id=event_id, kind=kind, t=t, data=data))
    scores = []
    for session in sessions:
        measure = measure_fidelity(events.get(session.id, ()))
        details = measure.details if measure is not None else {}
        scores.append(
            FidelityScore(
                session=session,
                plan=plans[session.plan_id],
                percent=measure.value if measure is not None else None,
                by_trial=details.get("percent_all_or_nothing_by_trial"),
                by_component=details.get("percent_all_or_nothing_by_component"),
                opportunities=int(details.get("opportunities") or 0),
                steps=int(details.get("steps") or 0),
            )
        )
    return scores


def on_client_days(
    column, client_ids: Sequence[str], date_from: date | None, date_to: date | None
) -> ColumnElement[bool]:
    """SQL: a session of one of ``client_ids`` whose ``column`` (UTC) falls on the days
    ``date_from``..``date_to`` of that client's time zone (a caseload may span zones)."""
    zones = series.client_zones()
    by_zone: dict[tzinfo, list[str]] = defaultdict(list)
    for client_id in client_ids:
        by_zone[zones[client_id]].append(client_id)
    return or_(
        false(),
        *(
            and_(Session.client_id.in_(ids), *within_days(column, date_from, date_to, tz))
            for tz, ids in by_zone.items()
        ),
    )


def fidelity_sessions(client_ids, date_from: date, date_to: date) -> list[Session]:
    """The primary fidelity sessions of the clients on their days ``date_from``..``date_to``."""
    return list(
        db.session.scalars(
            select(Session)
            .where(
                Session.kind == "fidelity",
                Session.role == "primary",
                on_client_days(Session.started_at, list(client_ids), date_from, date_to),
            )
            .order_by(Session.started_at, Session.id)
        )
    )


def fidelity_figures(scores: Sequence[FidelityScore]) -> dict:
    scored = [s for s in scores if s.percent is not None]
    meeting = sum(1 for s in scored if s.meets)
    percents = [s.percent for s in scored]
    return {
        "sessions": len(scores),
        "scored_sessions": len(scored),
        "mean_percent": _mean(percents),
        "min_percent": min(percents) if percents else None,
        "max_percent": max(percents) if percents else None,
        "mean_all_or_nothing_by_trial": _mean(
            [s.by_trial for s in scored if s.by_trial is not None]
        ),
        "mean_all_or_nothing_by_component": _mean(
            [s.by_component for s in scored if s.by_component is not None]
        ),
        "sessions_meeting_criterion": meeting,
        "percent_sessions_meeting_criterion": 100.0 * meeting / len(scored) if scored else None,
    }


def _fidelity_by_plan(scores, codes: dict[str, str], rng: str) -> list[dict]:
    groups: dict[str, list[FidelityScore]] = defaultdict(list)
    for score in scores:
        groups[score.plan.id].append(score)
    rows = []
    for group in groups.values():
        plan = group[0].plan
        figures = fidelity_figures(group)
        mean = figures["mean_percent"]
        rows.append(
            {
                "client_id": plan.client_id,
                "client_code": codes.get(plan.client_id, ""),
                "plan_id": plan.id,
                "series_id": plan.series_id,
                "version": plan.version,
                "title": plan.title,
                "criterion": plan.criterion,
                **figures,
                "meets_criterion": None if mean is None else mean >= plan.criterion,
                "links": {
                    "plan": f"{API}/plans/{plan.id}",
                    "fidelity": f"{API}/clients/{plan.client_id}/fidelity{rng}",
                    "sessions": [f"{API}/sessions/{s.session.id}/events" for s in group],
                },
            }
        )
    return sorted(rows, key=lambda r: (r["client_code"], r["title"], r["series_id"], r["version"]))


def _fidelity_by_staff(scores, rng: str) -> list[dict]:
    groups: dict[str, list[FidelityScore]] = defaultdict(list)
    for score in scores:
        groups[score.session.staff_id].append(score)
    staff = _staff_names(groups)
    rows = []
    for staff_id, group in groups.items():
        person = staff.get(staff_id)
        rows.append(
            {
                "staff_id": staff_id,
                "username": person.username if person else "",
                "display_name": person.display_name if person else "",
                "plans": len({s.plan.id for s in group}),
                **fidelity_figures(group),
                "links": {
                    "sessions": [f"{API}/sessions/{s.session.id}/events" for s in group],
                },
            }
        )
    return sorted(rows, key=lambda r: (r["username"], r["staff_id"] or ""))


def _fidelity_session_row(score: FidelityScore) -> dict:
    s = score.session
    return {
        "session_id": s.id,
        "date": local_day(s.started_at),
        "started_at": s.started_at,
        "plan_id": score.plan.id,
        "plan_version": score.plan.version,
        "staff_id": s.staff_id,
        "observer_id": s.observer_id,
        "percent": score.percent,
        "all_or_nothing_by_trial": score.by_trial,
        "all_or_nothing_by_component": score.by_component,
        "opportunities": score.opportunities,
        "steps": score.steps,
        "criterion": score.plan.criterion,
        "meets_criterion": score.meets,
        "links": {"events": f"{API}/sessions/{s.id}/events", "plan": f"{API}/plans/{s.plan_id}"},
    }


def client_fidelity(client: Client, date_from: date | None, date_to: date | None) -> dict:
    """A client's fidelity per plan version, per staff member and session by session."""
    date_from, date_to = resolve_range(date_from, date_to)
    scores = score_fidelity_sessions(fidelity_sessions([client.id], date_from, date_to))
    rng = _range_query(date_from, date_to)
    audit.record("read", "fidelity", client_id=client.id)
    return {
        "client_id": client.id,
        "from": date_from,
        "to": date_to,
        "by_plan": _fidelity_by_plan(scores, {client.id: client.code}, rng),
        "by_staff": _fidelity_by_staff(scores, rng),
        "sessions": [_fidelity_session_row(s) for s in scores],
    }


# --- dashboard -------------------------------------------------------------------------------


@dataclass
class Scope:
    """Whose data the dashboard covers."""

    clients: list[Client]
    bcba_id: str | None
    date_from: date
    date_to: date
    ioa_standard: float = 20.0
    agreement_standard: float = 80.0
    stale_days: int = 7
    codes: dict[str, str] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.clients]

    @property
    def rng(self) -> str:
        return _range_query(self.date_from, self.date_to)


def dashboard_scope(user: User, query: dict) -> Scope:
    """Directors and admins: every client, or one BCBA's caseload (``bcba_id``).

    A BCBA: their own caseload (``bcba_id`` may only name themselves). Others: 403.
    """
    bcba_id = str(query["bcba_id"]) if query.get("bcba_id") else None
    if user.role in SEES_ALL:
        if bcba_id is not None:
            bcba = db.session.get(User, bcba_id)
            if bcba is None or bcba.role != "bcba":
                abort(422, message="No such BCBA.", fields={"bcba_id": ["Not a BCBA."]})
            ids = select(Assignment.client_id).where(Assignment.user_id == bcba_id)
        else:
            ids = select(Client.id)
    elif user.role == "bcba":
        if bcba_id is not None and bcba_id != user.id:
            abort(403, message="A BCBA sees the dashboard of their own caseload only.")
        bcba_id = user.id
        ids = visible_client_ids(user)
    else:
        abort(403, message="The dashboard is for BCBAs, directors and admins.")
    date_from, date_to = resolve_range(query.get("date_from"), query.get("date_to"))
    clients = list(
        db.session.scalars(select(Client).where(Client.id.in_(ids)).order_by(Client.code))
    )
    return Scope(
        clients=clients,
        bcba_id=bcba_id,
        date_from=date_from,
        date_to=date_to,
        ioa_standard=query.get("ioa_standard", 20.0),
        agreement_standard=query.get("agreement_standard", 80.0),
        stale_days=query.get("stale_days", 7),
        codes={c.id: c.code for c in clients},
    )


def _targets(scope: Scope) -> list[Target]:
    targets: list[Target] = []
    for chunk in _chunks(scope.ids):
        targets.extend(db.session.scalars(select(Target).where(Target.client_id.in_(chunk))))
    return sorted(targets, key=lambda t: (scope.codes.get(t.client_id, ""), t.name, t.id))


# IOA --------------------------------------------------------------------------------------


class _Agreements:
    """Agreement per (reliability session, target), computed as ``/sessions/<id>/ioa`` does.

    Each reliability session is asked once (:func:`bdc.services.ioa.session_ioa`, which
    pairs it with the primary it overlaps longest) and answers every target it shares with
    that primary: its headline measure for the target's measurement type.
    """

    def __init__(self) -> None:
        self._answers: dict[str, dict] = {}

    def get(self, primary_id: str, reliability_id: str, target_id: str) -> float | None:
        if reliability_id not in self._answers:
            session = db.session.get(Session, reliability_id)
            self._answers[reliability_id] = ioa.session_ioa(session)
        answer = self._answers[reliability_id]
        if answer.get("primary_session_id") != primary_id:
            return None  # paired differently there; no figure rather than a wrong one
        for row in answer.get("targets", ()):
            if row["target_id"] == target_id:
                return row["agreement"]
        return None


def _caregivers_among(user_ids: Iterable[str]) -> set[str]:
    ids = sorted(set(user_ids))
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(
            db.session.scalars(select(User.id).where(User.id.in_(chunk), User.role == CAREGIVER))
        )
    return found


def ioa_rows(scope: Scope, targets: Sequence[Target]) -> list[dict]:
    """IOA coverage and agreement per target and phase. Sessions a caregiver recorded at home
    are left out: nobody observes them a second time, and coverage is a standard for staff
    data (docs/decisions.md); they still show, as home data, on every graph."""
    rows = []
    agreement_of = _Agreements()
    all_values = client_values(
        targets,
        date_from=scope.date_from,
        date_to=scope.date_to,
        include_reliability=True,
        include_fa=True,
    )
    caregivers = _caregivers_among(v.observer_id for vs in all_values.values() for v in vs)
    for target in targets:
        values = all_values.get(target.id, [])
        primaries = [v for v in values if v.role == "primary" and v.observer_id not in caregivers]
        if not primaries:
            continue
        checks: dict[str, list[SessionValue]] = defaultdict(list)
        for v in values:
            if v.role == "reliability" and v.ioa_partner_id:
                checks[v.ioa_partner_id].append(v)
        by_phase: dict[str | None, list[SessionValue]] = defaultdict(list)
        for v in primaries:
            by_phase[v.phase_id].append(v)
        for phase_id, phase_values in by_phase.items():
            pairs = []
            for v in phase_values:
                for check in checks.get(v.session_id, ()):
                    agreement = agreement_of.get(v.session_id, check.session_id, target.id)
                    pairs.append(
                        {
                            "primary_id": v.session_id,
                            "reliability_id": check.session_id,
                            "date": v.date,
                            "agreement": agreement,
                            "meets_standard": None
                            if agreement is None
                            else agreement >= scope.agreement_standard,
                            "link": f"{API}/sessions/{check.session_id}/ioa",
                        }
                    )
            sessions = len(phase_values)
            with_ioa = len({p["primary_id"] for p in pairs})
            agreements = [p["agreement"] for p in pairs if p["agreement"] is not None]
            percent = 100.0 * with_ioa / sessions
            mean_agreement = _mean(agreements)
            first = phase_values[0]
            rows.append(
                {
                    "client_id": target.client_id,
                    "client_code": scope.codes.get(target.client_id, ""),
                    "target_id": target.id,
                    "target": target.name,
                    "phase_id": phase_id,
                    "phase": first.phase_label,
                    "phase_kind": first.phase_kind,
                    "sessions": sessions,
                    "sessions_with_ioa": with_ioa,
                    "percent_with_ioa": percent,
                    "meets_ioa_standard": percent >= scope.ioa_standard,
                    "pairs": len(pairs),
                    "mean_agreement": mean_agreement,
                    "min_agreement": min(agreements) if agreements else None,
                    "max_agreement": max(agreements) if agreements else None,
                    "meets_agreement_standard": None
                    if mean_agreement is None
                    else mean_agreement >= scope.agreement_standard,
                    "ioa_sessions": pairs,
                    "links": {
                        "data": f"{API}/targets/{target.id}/data{scope.rng}",
                        "ioa": [p["link"] for p in pairs],
                    },
                }
            )
    return rows


def _ioa_section(scope: Scope, targets: Sequence[Target]) -> dict:
    rows = ioa_rows(scope, targets)
    return {"summary": _ioa_summary(rows, scope), "rows": rows}


def _ioa_summary(rows: Sequence[dict], scope: Scope) -> dict:
    sessions = sum(r["sessions"] for r in rows)
    with_ioa = sum(r["sessions_with_ioa"] for r in rows)
    agreements = [
        p["agreement"] for r in rows for p in r["ioa_sessions"] if p["agreement"] is not None
    ]
    return {
        "ioa_standard": scope.ioa_standard,
        "agreement_standard": scope.agreement_standard,
        "sessions": sessions,
        "sessions_with_ioa": with_ioa,
        "percent_with_ioa": 100.0 * with_ioa / sessions if sessions else None,
        "target_phases": len(rows),
        "target_phases_meeting_ioa_standard": sum(1 for r in rows if r["meets_ioa_standard"]),
        "pairs": sum(r["pairs"] for r in rows),
        "pairs_with_agreement": len(agreements),
        "mean_agreement": _mean(agreements),
        "pairs_below_agreement_standard": sum(
            1 for a in agreements if a < scope.agreement_standard
        ),
    }


# timeliness ---------------------------------------------------------------------------------


def _delay_figures(delays: Sequence[float]) -> dict:
    return {
        "events": len(delays),
        "median_minutes": percentile(delays, 50),
        "p90_minutes": percentile(delays, 90),
        "percent_within_24h": (
            100.0 * sum(1 for d in delays if d <= DAY_MINUTES) / len(delays) if delays else None
        ),
        "clock_ahead_events": sum(1 for d in delays if d < 0),
    }


def _timeliness(scope: Scope) -> dict:
    delays: list[float] = []
    by_staff: dict[str, list[float]] = defaultdict(list)
    worst: dict[str, tuple[float, str]] = {}
    for chunk in _chunks(scope.ids):
        rows = db.session.execute(
            select(
                Event.session_id, Event.recorded_by, Event.t, Event.received_at, Session.client_id
            )
            .join(Session, Session.id == Event.session_id)
            .where(on_client_days(Event.t, chunk, scope.date_from, scope.date_to))
        )
        for session_id, recorded_by, t, received_at, client_id in rows:
            delay = (received_at - t).total_seconds() / 60.0
            delays.append(delay)
            by_staff[recorded_by].append(delay)
            if delay > DAY_MINUTES and delay > worst.get(session_id, (-math.inf, ""))[0]:
                worst[session_id] = (delay, client_id)
    staff = _staff_names(by_staff)
    late = sorted(worst.items(), key=lambda kv: (-kv[1][0], kv[0]))[:LATE_SESSIONS_SHOWN]
    return {
        "summary": _delay_figures(delays),
        "by_staff": [
            {
                "staff_id": staff_id,
                "username": staff[staff_id].username if staff_id in staff else "",
                "display_name": staff[staff_id].display_name if staff_id in staff else "",
                **_delay_figures(values),
            }
            for staff_id, values in sorted(
                by_staff.items(), key=lambda kv: staff[kv[0]].username if kv[0] in staff else ""
            )
        ],
        "late_sessions": [
            {
                "session_id": session_id,
                "client_id": client_id,
                "client_code": scope.codes.get(client_id, ""),
                "max_delay_minutes": delay,
                "link": f"{API}/sessions/{session_id}/events",
            }
            for session_id, (delay, client_id) in late
        ],
    }


# sessions per client per week -----------------------------------------------------------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _sessions_per_week(scope: Scope) -> list[dict]:
    weeks = []
    week = _monday(scope.date_from)
    while week <= scope.date_to:
        weeks.append(week)
        week += timedelta(days=7)
    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    zones = series.client_zones()
    for chunk in _chunks(scope.ids):
        rows = db.session.execute(
            select(Session.client_id, Session.started_at).where(
                Session.kind == "observation",
                Session.role == "primary",
                on_client_days(Session.started_at, chunk, scope.date_from, scope.date_to),
            )
        )
        for client_id, started_at in rows:
            counts[client_id][_monday(local_day(started_at, zones[client_id]))] += 1
    days = (scope.date_to - scope.date_from).days + 1
    rows_out = []
    for client in scope.clients:
        if not client.active and client.id not in counts:
            continue
        per_week = counts.get(client.id, {})
        total = sum(per_week.values())
        rows_out.append(
            {
                "client_id": client.id,
                "client_code": client.code,
                "sessions": total,
                "sessions_per_week": total / (days / 7.0),
                "weeks": [{"week_start": w, "sessions": per_week.get(w, 0)} for w in weeks],
                "links": {"sessions": f"{API}/sessions?client_id={client.id}&{scope.rng[1:]}"},
            }
        )
    return rows_out


# targets without recent data ----------------------------------------------------------------


def _stale_targets(scope: Scope, targets: Sequence[Target]) -> list[dict]:
    """Active targets of active clients with no primary session data in the last N days.

    "Data" is a primary observation session that tracked the target (listed it in
    ``target_ids``; a tracked session with no response is a 0, which is data) or recorded an
    event for it. The window is the ``stale_days`` days ending on ``to``. A target created
    inside the window is not yet stale.
    """
    active_clients = {c.id for c in scope.clients if c.active}
    candidates = [t for t in targets if t.active and t.client_id in active_clients]
    if not candidates:
        return []
    end = day_start(scope.date_to + timedelta(days=1))
    window_start = scope.date_to - timedelta(days=scope.stale_days - 1)
    wanted = {t.id for t in candidates}
    last: dict[str, datetime] = {}

    def seen(target_id: str, moment: datetime) -> None:
        if target_id in wanted and (target_id not in last or moment > last[target_id]):
            last[target_id] = moment

    client_ids = sorted({t.client_id for t in candidates})
    for chunk in _chunks(client_ids):
        primary = (
            Session.client_id.in_(chunk),
            Session.kind == "observation",
            Session.role == "primary",
            Session.started_at < end,
        )
        for started_at, tracked in db.session.execute(
            select(Session.started_at, Session.target_ids).where(*primary)
        ):
            for target_id in tracked or ():
                seen(target_id, started_at)
        for target_id, latest in db.session.execute(
            select(Event.target_id, func.max(Session.started_at))
            .join(Session, Session.id == Event.session_id)
            .where(*primary, Event.target_id.is_not(None))
            .group_by(Event.target_id)
        ):
            seen(target_id, latest)
    rows = []
    zones = series.client_zones()
    for target in candidates:
        latest = last.get(target.id)
        tz = zones[target.client_id]  # the client's calendar: a 19:00 session is that day's
        last_day = local_day(latest, tz) if latest is not None else None
        if last_day is not None and last_day >= window_start:
            continue
        if local_day(target.created_at, tz) > window_start:
            continue  # too new to have gone N days without data
        since = last_day or local_day(target.created_at, tz)
        rows.append(
            {
                "client_id": target.client_id,
                "client_code": scope.codes.get(target.client_id, ""),
                "target_id": target.id,
                "target": target.name,
                "last_data_date": last_day,
                "days_without_data": (scope.date_to - since).days,
                "links": {
                    "target": f"{API}/targets/{target.id}",
                    "data": f"{API}/targets/{target.id}/data",
                },
            }
        )
    return rows


# criteria met, not reviewed -----------------------------------------------------------------


def _unreviewed(scope: Scope, targets: Sequence[Target]) -> list[dict]:
    """Targets flagged *criterion met* that no person has reviewed yet (whatever the range)."""
    today = local_today()
    rows = []
    for target in targets:
        if target.criterion_met_at is None or target.criterion_reviewed_at is not None:
            continue
        if not target.active:
            continue
        rows.append(
            {
                "client_id": target.client_id,
                "client_code": scope.codes.get(target.client_id, ""),
                "target_id": target.id,
                "target": target.name,
                "criterion_met_at": target.criterion_met_at,
                "criterion_met_session_id": target.criterion_met_session_id,
                "days_waiting": (today - target.criterion_met_at).days,
                "links": {
                    "target": f"{API}/targets/{target.id}",
                    "data": f"{API}/targets/{target.id}/data",
                    "session": f"{API}/sessions/{target.criterion_met_session_id}",
                    "review": f"{API}/targets/{target.id}/criterion-review",
                },
            }
        )
    return sorted(rows, key=lambda r: (r["criterion_met_at"], r["client_code"], r["target"]))


# incidents ----------------------------------------------------------------------------------


def _incidents(scope: Scope) -> dict:
    views = incident_service.latest_revisions(scope.ids, scope.date_from, scope.date_to)
    counts = {kind: {"open": 0, "signed_off": 0} for kind in INCIDENT_TYPES}
    for view in views:
        counts.setdefault(view.row.type, {"open": 0, "signed_off": 0})[view.status] += 1
    return {
        "by_type": [
            {
                "type": kind,
                "open": c["open"],
                "signed_off": c["signed_off"],
                "total": c["open"] + c["signed_off"],
            }
            for kind, c in counts.items()
        ],
        "rows": [
            {
                "incident_id": v.row.id,
                "root_id": v.root_id,
                "client_id": v.row.client_id,
                "client_code": scope.codes.get(v.row.client_id, ""),
                "type": v.row.type,
                "occurred_at": v.row.occurred_at,
                "duration_minutes": v.row.duration_minutes,
                "revision": v.row.revision,
                "status": v.status,
                "signed_off_at": v.row.signed_off_at,
                "link": f"{API}/incidents/{v.row.id}",
            }
            for v in sorted(views, key=lambda v: (v.row.occurred_at, v.row.id), reverse=True)
        ],
    }


# the whole dashboard --------------------------------------------------------------------------


SECTIONS = (
    "ioa",
    "fidelity",
    "timeliness",
    "sessions",
    "stale",
    "unreviewed",
    "incidents",
    "chart_audits",
)


def _fidelity_section(scope: Scope) -> dict:
    scores = score_fidelity_sessions(fidelity_sessions(scope.ids, scope.date_from, scope.date_to))
    return {
        "summary": fidelity_figures(scores),
        "by_plan": _fidelity_by_plan(scores, scope.codes, scope.rng),
        "by_staff": _fidelity_by_staff(scores, scope.rng),
    }


def dashboard(
    user: User, query: dict, *, sections: Sequence[str] = SECTIONS, action: str = "read"
) -> dict:
    """The dashboard figures of ``sections`` for the caller's scope (see ``dashboard_scope``)."""
    scope = dashboard_scope(user, query)
    targets = _targets(scope) if {"ioa", "stale", "unreviewed"} & set(sections) else []
    builders = {
        "ioa": lambda: _ioa_section(scope, targets),
        "fidelity": lambda: _fidelity_section(scope),
        "timeliness": lambda: _timeliness(scope),
        "sessions": lambda: _sessions_per_week(scope),
        "stale": lambda: _stale_targets(scope, targets),
        "unreviewed": lambda: _unreviewed(scope, targets),
        "incidents": lambda: _incidents(scope),
        "chart_audits": lambda: chart_audits.dashboard_figures(
            scope.ids, scope.date_from, scope.date_to
        ),
    }
    answer: dict[str, Any] = {
        "scope": {
            "from": scope.date_from,
            "to": scope.date_to,
            "bcba_id": scope.bcba_id,
            "clients": len(scope.clients),
            "ioa_standard": scope.ioa_standard,
            "agreement_standard": scope.agreement_standard,
            "stale_days": scope.stale_days,
        }
    }
    for name in sections:
        answer[name] = builders[name]()
    audit.record_many(action, "dashboard", scope.ids)
    return answer


# CSV ----------------------------------------------------------------------------------------

CSV_TABLES = SECTIONS
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A cell safe to open in a spreadsheet: text that could start a formula is quoted with '.

    Numbers are written as numbers (a negative delay stays -5.0); only text is neutralised
    (OWASP "CSV injection").
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_rows(table: str, data: dict) -> tuple[list[str], list[list[Any]]]:
    if table == "ioa":
        header = [
            "client_code", "target", "phase", "sessions", "sessions_with_ioa", "percent_with_ioa",
            "meets_ioa_standard", "pairs", "mean_agreement", "min_agreement", "max_agreement",
            "meets_agreement_standard", "link",
        ]  # fmt: skip
        rows = [[r[k] for k in header[:-1]] + [r["links"]["data"]] for r in data["ioa"]["rows"]]
    elif table == "fidelity":
        header = [
            "group", "client_code", "plan", "plan_version", "staff", "sessions",
            "scored_sessions", "mean_percent", "min_percent", "max_percent", "criterion",
            "sessions_meeting_criterion", "percent_sessions_meeting_criterion", "link",
        ]  # fmt: skip
        rows = []
        for r in data["fidelity"]["by_plan"]:
            rows.append(
                ["plan", r["client_code"], r["title"], r["version"], ""]
                + [r[k] for k in header[5:10]]
                + [r["criterion"], r["sessions_meeting_criterion"]]
                + [r["percent_sessions_meeting_criterion"], r["links"]["fidelity"]]
            )
        for r in data["fidelity"]["by_staff"]:
            rows.append(
                ["staff", "", "", "", r["username"]]
                + [r[k] for k in header[5:10]]
                + ["", r["sessions_meeting_criterion"], r["percent_sessions_meeting_criterion"]]
                + [""]
            )
    elif table == "timeliness":
        header = [
            "staff", "events", "median_minutes", "p90_minutes", "percent_within_24h",
            "clock_ahead_events",
        ]  # fmt: skip
        summary = data["timeliness"]["summary"]
        rows = [["(all)"] + [summary[k] for k in header[1:]]]
        rows += [
            [r["username"]] + [r[k] for k in header[1:]] for r in data["timeliness"]["by_staff"]
        ]
    elif table == "sessions":
        header = ["client_code", "week_start", "sessions", "link"]
        rows = [
            [r["client_code"], w["week_start"], w["sessions"], r["links"]["sessions"]]
            for r in data["sessions"]
            for w in r["weeks"]
        ]
    elif table == "stale":
        header = ["client_code", "target", "last_data_date", "days_without_data", "link"]
        rows = [[r[k] for k in header[:-1]] + [r["links"]["data"]] for r in data["stale"]]
    elif table == "unreviewed":
        header = [
            "client_code", "target", "criterion_met_at", "criterion_met_session_id",
            "days_waiting", "link",
        ]  # fmt: skip
        rows = [[r[k] for k in header[:-1]] + [r["links"]["target"]] for r in data["unreviewed"]]
    elif table == "chart_audits":
        header = [
            "audits", "sessions", "reviewed", "sessions_passing", "percent_sessions_passing",
            "checks_applicable", "checks_passed", "percent_checks_passed",
        ]  # fmt: skip
        rows = [[data["chart_audits"][k] for k in header]]
    else:
        header = [
            "incident_id", "client_code", "type", "occurred_at", "duration_minutes", "revision",
            "status", "signed_off_at", "link",
        ]  # fmt: skip
        rows = [[r[k] for k in header] for r in data["incidents"]["rows"]]
    return header, rows


def dashboard_csv(user: User, query: dict) -> str:
    """One dashboard table as CSV text (UTF-8, a header row, cells neutralised)."""
    data = dashboard(user, query, sections=[query["table"]], action="export")
    header, rows = _csv_rows(query["table"], data)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()
