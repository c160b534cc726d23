"""A target's data as one value per session: the input of data tables, summaries and graphs.

Values. Each (session, target) value is computed once, by the pure
:func:`bdc.measures.measure_session`, when its events arrive, and stored in
``session_values`` (:mod:`bdc.services.session_values`). :func:`target_values` and
:func:`client_values` read those rows with their sessions (one query per client) and never
touch the raw events. The raw events are read only where the events themselves are shown or
analysed: IOA, FBA (:func:`load_client`, :func:`values_from` measures them with the same
function) and event-level exports.

Context. The session's day in the client's time zone (:func:`bdc.dates.client_zone`), the
phase in force on that day, the session's FA condition and its IOA partner are attached here,
since they need the database. A primary session "has IOA" for a target when a reliability
session of the same client overlaps it (:func:`bdc.analysis.pair_ioa_sessions`) and that
reliability session tracked the target or recorded for it (it has a stored row).
"""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any, NamedTuple

from sqlalchemy import String, Text, or_, select, type_coerce

from bdc.analysis import pair_ioa_sessions
from bdc.dates import client_zone, within_days
from bdc.extensions import db
from bdc.measures import UNITS, EventRecord
from bdc.models import Client, Event, Phase, Session, Target
from bdc.models import SessionValue as StoredValue
from bdc.services.session_values import (
    EVENT_COLUMNS,
    Decoded,
    as_utc,
    event_records,
    measure_row,
    plain,
)

__all__ = [
    "ClientRecords",
    "SessionRow",
    "SessionValue",
    "as_utc",
    "client_values",
    "client_zones",
    "load_client",
    "phase_on",
    "plain",
    "records_of",
    "target_values",
    "values_from",
    "zone_of_client",
]


class SessionValue(NamedTuple):
    """One session's value of one target (immutable).

    ``details`` holds every other figure of :class:`bdc.measures.SessionMeasure` (IRTs,
    percent by prompt...) when asked for (``details=True``), and is empty otherwise. A named tuple
    rather than a frozen dataclass: a summary of a year of data builds hundreds of thousands
    of them, and a frozen dataclass costs ten times as much to create.
    """

    session_id: str
    started_at: datetime
    date: date
    observer_id: str
    role: str
    phase_id: str | None
    phase_kind: str | None
    phase_label: str | None
    value: float
    unit: str
    n: int
    details: Mapping[str, Any]
    ioa_partner_id: str | None
    setting: str = ""  # where the session took place ("" = not stated)
    fa_condition: str | None = None

    @property
    def has_ioa(self) -> bool:
        return self.ioa_partner_id is not None


@dataclass(frozen=True, slots=True)
class SessionRow:
    """The columns of a session that the analysis needs."""

    id: str
    client_id: str
    observer_id: str
    role: str
    started_at: datetime
    ended_at: datetime | None
    target_ids: frozenset[str]
    setting: str = ""
    fa_condition: str | None = None


# An event as read: (session id, target id, id, kind, t, data) with ``t`` and ``data`` as the
# driver gives them: ISO text and JSON text on SQLite, a naive UTC datetime and a decoded
# object on PostgreSQL.
RawEvent = tuple[str, str | None, str, str, Any, Any]
_NOTHING: tuple[RawEvent, ...] = ()


@dataclass
class ClientRecords:
    """One client's sessions and their raw events, grouped (for IOA, FBA and event charts)."""

    sessions: list[SessionRow]
    by_target: dict[tuple[str, str], list[RawEvent]]  # (session id, target id) -> events
    session_level: dict[str, list[RawEvent]]  # session id -> pause/resume/void/note events
    tz: tzinfo = UTC
    _decoded: Decoded = field(default_factory=Decoded)

    def data(self, raw: Any) -> Mapping[str, Any]:
        """An event's data, decoded."""
        try:
            return self._decoded[raw]
        except TypeError:  # already decoded by the driver (PostgreSQL json): unhashable
            return raw if isinstance(raw, Mapping) else {}


def phase_on(phases: Sequence[Phase], day: date) -> Phase | None:
    """The phase in force on ``day``: the latest one started on or before it."""
    current = None
    for phase in phases:  # ordered by start date
        if phase.start_date <= day:
            current = phase
    return current


# ---------------------------------------------------------------------------------------------
# raw events (IOA, FBA, event charts)


def _decoded(raw: Any) -> Mapping[str, Any]:
    """A JSON column as the driver gives it: JSON text (SQLite) or decoded (PostgreSQL)."""
    return json.loads(raw) if isinstance(raw, str | bytes) else raw


def zone_of_client(client_id: str) -> tzinfo:
    """The client's time zone: its own (``clients.time_zone``), else the clinic's."""
    return client_zone(db.session.scalar(select(Client.time_zone).where(Client.id == client_id)))


def client_zones() -> defaultdict[str, tzinfo]:
    """Client id -> its time zone (:func:`zone_of_client`) in one query: the clients with
    their own zone (a few, where a caseload spans zones), the clinic's for any other id."""
    clinic = client_zone(None)
    zones: defaultdict[str, tzinfo] = defaultdict(lambda: clinic)
    rows = db.session.execute(
        select(Client.id, Client.time_zone).where(Client.time_zone.is_not(None))
    )
    zones.update({client_id: client_zone(name) for client_id, name in rows})
    return zones


def _session_filter(
    client_id: str,
    date_from: date | None,
    date_to: date | None,
    tz: tzinfo,
    setting: str | None = None,
):
    return (
        Session.client_id == client_id,
        Session.kind == "observation",
        *within_days(Session.started_at, date_from, date_to, tz),
        *([Session.setting == setting] if setting else []),
    )


def _sessions(
    client_id: str,
    date_from: date | None,
    date_to: date | None,
    tz: tzinfo,
    setting: str | None = None,
) -> list[SessionRow]:
    query = (
        select(
            Session.id,
            Session.observer_id,
            Session.role,
            type_coerce(Session.started_at, String),
            type_coerce(Session.ended_at, String),
            type_coerce(Session.target_ids, Text),
            Session.setting,
            Session.fa_condition,
        )
        .where(*_session_filter(client_id, date_from, date_to, tz, setting))
        .order_by(Session.started_at, Session.id)
    )
    result = db.session.connection().execute(query)
    rows = result.cursor.fetchall()  # the DBAPI rows, converted here (as in load_client)
    result.close()
    return [
        SessionRow(
            sid,
            client_id,
            observer,
            role,
            as_utc(started),
            None if ended is None else as_utc(ended),
            frozenset(_decoded(targets) or ()),
            where or "",
            condition,
        )
        for sid, observer, role, started, ended, targets, where, condition in rows
    ]


def load_client(
    client_id: str,
    *,
    target_ids: Iterable[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    setting: str | None = None,
) -> ClientRecords:
    """Read a client's observation sessions and their raw events (two queries).

    ``target_ids`` limits the target events read (session-level events are always read);
    None reads the events of every target. ``setting`` keeps only sessions recorded there.
    Days are the client's (:func:`zone_of_client`), kept in ``tz``.
    """
    tz = zone_of_client(client_id)
    sessions = _sessions(client_id, date_from, date_to, tz, setting)
    records = ClientRecords(sessions=sessions, by_target={}, session_level={}, tz=tz)
    if not sessions:
        return records
    query = (
        select(*EVENT_COLUMNS)
        .join(Session, Session.id == Event.session_id)
        .where(*_session_filter(client_id, date_from, date_to, tz, setting))
    )
    if target_ids is not None:
        wanted = sorted(set(target_ids))
        query = query.where(or_(Event.target_id.in_(wanted), Event.target_id.is_(None)))
    result = db.session.connection().execute(query)
    # The DBAPI rows themselves: building a SQLAlchemy Row per event costs as much as the read.
    rows = result.cursor.fetchall()
    result.close()
    grouped: defaultdict[tuple[str, str | None], list[RawEvent]] = defaultdict(list)
    for row in rows:
        grouped[row[0], row[1]].append(row)
    records.session_level = {k[0]: grouped.pop(k) for k in [k for k in grouped if k[1] is None]}
    records.by_target = dict(grouped)
    return records


def records_of(rows: Iterable[RawEvent], recs: ClientRecords) -> list[EventRecord]:
    """Rows as :class:`bdc.measures.EventRecord` objects."""
    return event_records((r[0], r[1], r[2], r[3], r[4], recs.data(r[5])) for r in rows)


def _partners(sessions: Sequence[SessionRow]) -> dict[str, list[str]]:
    """Session id -> ids of its IOA partners (:func:`bdc.analysis.pair_ioa_sessions`).

    The library compares every reliability session with every primary one; here each
    reliability session is given only the primaries overlapping it (found by bisection on
    the start times), which yields the same pairs in linear time.
    """
    primaries = [s for s in sessions if s.role == "primary" and s.ended_at is not None]
    starts = [s.started_at for s in primaries]  # sessions come ordered by start
    longest = max(((s.ended_at - s.started_at) for s in primaries), default=None)
    partners: dict[str, list[str]] = {}
    for r in sessions:
        if r.role != "reliability" or r.ended_at is None or longest is None:
            continue
        lo = bisect.bisect_left(starts, r.started_at - longest)
        hi = bisect.bisect_left(starts, r.ended_at)
        near = [p for p in primaries[lo:hi] if p.ended_at > r.started_at]
        for pair in pair_ioa_sessions([*near, r]):
            partners.setdefault(pair.primary_id, []).append(pair.reliability_id)
            partners.setdefault(pair.reliability_id, []).append(pair.primary_id)
    return partners


# ---------------------------------------------------------------------------------------------
# values


# One target's stored rows by session id: (session id, target id, value, n[, details]), with
# details as the driver gives them (JSON text on SQLite).
_Stored = Mapping[str, Sequence[Any]]


def _series(
    target: Target,
    sessions: Sequence[SessionRow],
    stored: _Stored,
    partners: Mapping[str, list[str]],
    position: Mapping[str, int],
    tz: tzinfo,
    *,
    include_reliability: bool,
    details: bool,
    include_fa: bool = True,
) -> list[SessionValue]:
    """The target's values per session, with its local day (``tz``), phase, FA condition and
    IOA partner attached.

    A session has a stored row when it tracked the target or recorded for it; the row's value
    is None when the measure has none (left out). A partner with a row "has IOA".
    """
    unit = UNITS[target.measurement]
    # Plain tuples: ORM attribute access per session is measurably slow. Sessions come in time
    # order, so the phase in force only moves forward (the rule of phase_on).
    phases = [(p.start_date, p.id, p.kind, p.label) for p in target.phases]
    current: tuple[Any, ...] = (None, None, None, None)
    upcoming = 0
    values = []
    # Only the sessions with a row, in time order (``position``: session id -> index in
    # ``sessions``): a target has rows in a fraction of its client's sessions.
    for index in sorted(position[sid] for sid in stored if sid in position):
        session = sessions[index]
        found = stored[session.id]
        if found[2] is None:
            continue
        if session.role != "primary" and not include_reliability:
            continue
        if session.fa_condition is not None and not include_fa:
            continue
        value, n = found[2], found[3]
        extra = _decoded(found[4]) if details else {}
        partner = None
        for other in partners.get(session.id, ()):
            if other in stored:
                partner = other
                break
        day = session.started_at.astimezone(tz).date()
        while upcoming < len(phases) and phases[upcoming][0] <= day:
            current = phases[upcoming]
            upcoming += 1
        values.append(
            SessionValue(
                session.id,
                session.started_at,
                day,
                session.observer_id,
                session.role,
                current[1],  # phase id, kind, label
                current[2],
                current[3],
                value,
                unit,
                n,
                extra,
                partner,
                session.setting,
                session.fa_condition,
            )
        )
    return values


def values_from(
    target: Target,
    recs: ClientRecords,
    *,
    include_reliability: bool = False,
    details: bool = True,
) -> list[SessionValue]:
    """The target's values per session measured from raw records read by :func:`load_client`
    (FBA, which has them in hand), with the same function that fills ``session_values``."""
    stored: dict[str, tuple] = {}
    for session in recs.sessions:
        rows = recs.by_target.get((session.id, target.id), _NOTHING)
        row, _ = measure_row(
            target.id,
            target.measurement,
            target.params,
            session,
            records_of(rows, recs),
            records_of(recs.session_level.get(session.id, _NOTHING), recs),
            has_events=bool(rows),
        )
        if row is not None:
            stored[session.id] = (session.id, target.id, row["value"], row["n"], row["details"])
    return _series(
        target,
        recs.sessions,
        stored,
        _partners(recs.sessions),
        {s.id: i for i, s in enumerate(recs.sessions)},
        recs.tz,
        include_reliability=include_reliability,
        details=details,
    )


def client_values(
    targets: Sequence[Target],
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    include_reliability: bool = False,
    details: bool = False,
    setting: str | None = None,
    include_fa: bool = False,
) -> dict[str, list[SessionValue]]:
    """Stored values per session for several targets: two queries per client (its sessions,
    and the targets' stored values), no raw event.

    Returns target id -> values in time order (see :func:`target_values`); ``setting`` keeps
    only sessions recorded there. Functional-analysis sessions (with an FA condition) are
    left out unless ``include_fa``: they are an assessment, drawn on the multielement graph,
    not points of the target's baseline or treatment series.
    """
    by_client: dict[str, list[Target]] = defaultdict(list)
    for target in targets:
        by_client[target.client_id].append(target)
    out: dict[str, list[SessionValue]] = {}
    for client_id, group in by_client.items():
        tz = zone_of_client(client_id)
        sessions = _sessions(client_id, date_from, date_to, tz, setting)
        partners = _partners(sessions)
        position = {s.id: i for i, s in enumerate(sessions)}
        columns = [StoredValue.session_id, StoredValue.target_id, StoredValue.value, StoredValue.n]
        if details:
            columns.append(StoredValue.details)
        if len(group) < 50:
            wanted: Any = sorted({t.id for t in group})
        else:  # every target of the client, more or less: no long list of ids
            wanted = select(Target.id).where(Target.client_id == client_id)
        query = select(*columns).where(StoredValue.target_id.in_(wanted))
        if date_from is not None or date_to is not None:
            query = query.join(Session, Session.id == StoredValue.session_id).where(
                *within_days(Session.started_at, date_from, date_to, tz)
            )
        result = db.session.connection().execute(query)
        # The DBAPI rows: no column needs a result processor but details (JSON, decoded in
        # _series); a SQLAlchemy Row per value would cost more than the read.
        rows = result.cursor.fetchall()
        result.close()
        stored: defaultdict[str, dict[str, Sequence[Any]]] = defaultdict(dict)
        for row in rows:
            stored[row[1]][row[0]] = row
        for target in group:
            out[target.id] = _series(
                target,
                sessions,
                stored[target.id],
                partners,
                position,
                tz,
                include_reliability=include_reliability,
                details=details,
                include_fa=include_fa,
            )
    return out


def target_values(
    target: Target,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    include_reliability: bool = False,
    details: bool = True,
    setting: str | None = None,
    include_fa: bool = False,
) -> list[SessionValue]:
    """Values per session in time order (primary sessions unless asked otherwise; FA
    sessions only with ``include_fa``, see :func:`client_values`).

    A session that tracked the target with no response gives 0; a session that did not track
    it gives no value at all (it is left out), as the measures module defines. A session
    whose value is undefined (a DTT session with no trial: 0/0) is left out too.
    """
    return client_values(
        [target],
        date_from=date_from,
        date_to=date_to,
        include_reliability=include_reliability,
        details=details,
        setting=setting,
        include_fa=include_fa,
    )[target.id]
