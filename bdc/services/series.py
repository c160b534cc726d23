"""A target's data as one value per session: the input of data tables, summaries and graphs.

Reading. For one client, the observation sessions are read with one query and the events of
those sessions (the targets asked for, plus the session-level pause/resume/void events) with
a second one, kept as the database driver's plain rows: no ORM object and no SQLAlchemy row
per event. :func:`client_values` serves many targets of one client from those two queries;
:func:`target_values` is the one-target case.

Values. The pure :func:`bdc.measures.measure_session` defines every convention (voids,
pauses, zero versus not tracked, skipped intervals, "the later record counts"). When only the
value is wanted (``details=False``: summaries, mastery, benchmarks), a target-session whose
session holds no void takes a value-only path that computes the same value and ``n``
straight from the rows; every other target-session goes through ``measure_session``.
tests/api/test_analysis_api.py checks that both paths agree on every measurement type, with
voids, pauses, notes and repeated records.

Context. The phase in force on the session's date (UTC) and the session's IOA partner are
attached here, since both need the database. A primary session "has IOA" for a target when a
reliability session of the same client overlaps it (:func:`bdc.analysis.pair_ioa_sessions`)
and that reliability session tracked the target too.
"""

from __future__ import annotations

import bisect
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import String, Text, or_, select, type_coerce

from bdc.analysis import pair_ioa_sessions
from bdc.dates import within_days
from bdc.extensions import db
from bdc.measures import UNITS, EventRecord, measure_session, pause_intervals
from bdc.models import Event, Phase, Session, Target

__all__ = [
    "VALUE_KINDS",
    "ClientRecords",
    "SessionRow",
    "SessionValue",
    "as_utc",
    "client_values",
    "load_client",
    "phase_on",
    "plain",
    "records_of",
    "target_values",
    "values_from",
]


class SessionValue(NamedTuple):
    """One session's value of one target (immutable).

    ``details`` holds every other figure of :class:`bdc.measures.SessionMeasure` (IRTs,
    percent by prompt...) when asked for, and is empty on the value-only path. A named tuple
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


# An event as read: (session id, target id, id, kind, t, data) with ``t`` and ``data`` as the
# driver gives them: ISO text and JSON text on SQLite, a naive UTC datetime and a decoded
# object on PostgreSQL.
RawEvent = tuple[str, str | None, str, str, Any, Any]
SESSION, TARGET, ID, KIND, T, DATA = range(6)
_data_of = itemgetter(DATA)
_NOTHING: tuple[RawEvent, ...] = ()
_SESSION_MARKS = frozenset({"void", "pause", "resume"})


class _Decoded(dict):
    """JSON text -> decoded object, decoding each distinct text once (objects are shared and
    never mutated)."""

    def __missing__(self, raw):
        value = json.loads(raw) if isinstance(raw, str | bytes) else raw
        value = value if isinstance(value, Mapping) else {}
        self[raw] = value
        return value


class _Independent(dict):
    """Trial data (JSON text) -> whether it is independent correct."""

    def __init__(self, decoded: _Decoded):
        super().__init__()
        self.decoded = decoded

    def __missing__(self, raw):
        data = self.decoded[raw]
        flag = data.get("result") == "correct" and data.get("prompt") == "independent"
        self[raw] = flag
        return flag


@dataclass
class ClientRecords:
    """One client's sessions and their events, grouped for measuring."""

    sessions: list[SessionRow]
    by_target: dict[tuple[str, str], list[RawEvent]]  # (session id, target id) -> events
    session_level: dict[str, list[RawEvent]]  # session id -> pause/resume/void/note events
    partners: dict[str, list[str]] = field(default_factory=dict)  # session id -> paired ids
    _decoded: _Decoded = field(default_factory=_Decoded)
    _marks: dict[str, frozenset[str]] = field(default_factory=dict)
    _pauses: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)

    def data(self, raw: Any) -> Mapping[str, Any]:
        """An event's data, decoded."""
        try:
            return self._decoded[raw]
        except TypeError:  # already decoded by the driver (PostgreSQL json): unhashable
            return raw if isinstance(raw, Mapping) else {}

    def datas(self, rows: Sequence[RawEvent]) -> list[Mapping[str, Any]]:
        """The decoded data of each row."""
        try:
            return list(map(self._decoded.__getitem__, map(_data_of, rows)))
        except TypeError:
            return [self.data(r[DATA]) for r in rows]

    def independent_count(self, rows: Sequence[RawEvent]) -> int:
        """Trials that are independent correct (result correct, prompt independent)."""
        memo = self.__dict__.get("_independent")
        if memo is None:
            memo = self.__dict__["_independent"] = _Independent(self._decoded)
        try:
            return sum(map(memo.__getitem__, map(_data_of, rows)))
        except TypeError:
            return sum(
                1
                for d in self.datas(rows)
                if d.get("result") == "correct" and d.get("prompt") == "independent"
            )

    def pauses(self, session: SessionRow) -> list[tuple[datetime, datetime]]:
        """The session's paused stretches (:func:`bdc.measures.pause_intervals`), for a
        session without voids."""
        if not self.marks(session.id):
            return []
        found = self._pauses.get(session.id)
        if found is None:
            found = pause_intervals(
                records_of(self.session_level[session.id], self),
                started=session.started_at,
                ended=session.ended_at,
            )
            self._pauses[session.id] = found
        return found

    def marks(self, session_id: str) -> frozenset[str]:
        """The void/pause/resume kinds among a session's session-level events."""
        found = self._marks.get(session_id)
        if found is None:
            rows = self.session_level.get(session_id, _NOTHING)
            found = frozenset(r[KIND] for r in rows if r[KIND] in _SESSION_MARKS)
            self._marks[session_id] = found
        return found


def as_utc(raw: Any) -> datetime:
    """A stored timestamp (ISO text from SQLite, naive or aware datetime) as aware UTC."""
    if isinstance(raw, str):
        raw = datetime.fromisoformat(raw)
    if raw.tzinfo is None:
        return raw.replace(tzinfo=UTC)
    return raw.astimezone(UTC)


def plain(value: Any) -> Any:
    """Mappings (including read-only MappingProxyType) as dicts, for JSON answers."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def phase_on(phases: Sequence[Phase], day: date) -> Phase | None:
    """The phase in force on ``day``: the latest one started on or before it."""
    current = None
    for phase in phases:  # ordered by start date
        if phase.start_date <= day:
            current = phase
    return current


# ---------------------------------------------------------------------------------------------
# reading


def load_client(
    client_id: str,
    *,
    target_ids: Iterable[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    setting: str | None = None,
) -> ClientRecords:
    """Read a client's observation sessions and their events (two queries).

    ``target_ids`` limits the target events read (session-level events are always read);
    None reads the events of every target. ``setting`` keeps only sessions recorded there.
    """
    session_filter = (
        Session.client_id == client_id,
        Session.kind == "observation",
        *within_days(Session.started_at, date_from, date_to),
        *([Session.setting == setting] if setting else []),
    )
    sessions = [
        SessionRow(sid, client_id, observer, role, started, ended, frozenset(targets or ()))
        for sid, observer, role, started, ended, targets in db.session.execute(
            select(
                Session.id,
                Session.observer_id,
                Session.role,
                Session.started_at,
                Session.ended_at,
                Session.target_ids,
            )
            .where(*session_filter)
            .order_by(Session.started_at, Session.id)
        )
    ]
    records = ClientRecords(sessions=sessions, by_target={}, session_level={})
    if not sessions:
        return records
    # Plain columns (no result processing): t and data are converted only where needed.
    query = (
        select(
            Event.session_id,
            Event.target_id,
            Event.id,
            Event.kind,
            type_coerce(Event.t, String),
            type_coerce(Event.data, Text),
        )
        .join(Session, Session.id == Event.session_id)
        .where(*session_filter)
    )
    if target_ids is not None:
        wanted = sorted(set(target_ids))
        query = query.where(or_(Event.target_id.in_(wanted), Event.target_id.is_(None)))
    result = db.session.connection().execute(query)
    # The DBAPI rows themselves: no column here has a result processor, and building a
    # SQLAlchemy Row per event would cost about as much again as the read.
    rows = result.cursor.fetchall()
    result.close()
    grouped: defaultdict[tuple[str, str | None], list[RawEvent]] = defaultdict(list)
    for row in rows:
        grouped[row[SESSION], row[TARGET]].append(row)
    session_level = {key[0]: grouped.pop(key) for key in [k for k in grouped if k[1] is None]}
    by_target = dict(grouped)
    records.by_target = by_target
    records.session_level = session_level
    records.partners = _partners(sessions)
    return records


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
# measuring


def records_of(rows: Iterable[RawEvent], recs: ClientRecords) -> list[EventRecord]:
    """Rows as :class:`bdc.measures.EventRecord` objects."""
    return [
        EventRecord(
            id=r[ID], kind=r[KIND], t=as_utc(r[T]), data=recs.data(r[DATA]), target_id=r[TARGET]
        )
        for r in rows
    ]


def _full_measure(
    target: Target, session: SessionRow, rows: Sequence[RawEvent], recs: ClientRecords
) -> tuple[float | None, int, Mapping[str, Any]] | None:
    measure = measure_session(
        target.measurement,
        target.params or {},
        records_of(rows, recs),
        started=session.started_at,
        ended=session.ended_at,
        tracked=target.id in session.target_ids,
        session_events=records_of(recs.session_level.get(session.id, _NOTHING), recs),
    )
    if measure is None:
        return None
    return measure.value, measure.n, measure.details


def _latest(rows: Sequence[RawEvent], key: str, recs: ClientRecords) -> list[Mapping[str, Any]]:
    """Per index (interval index, task step), the data of the latest record by (t, id)."""
    latest: dict[int, tuple[RawEvent, Mapping[str, Any]]] = {}
    for row, data in zip(rows, recs.datas(rows), strict=True):
        idx = data.get(key)
        if isinstance(idx, bool) or not isinstance(idx, int) or idx < 0:
            raise ValueError(f"events[{row[ID]}].data.{key}: must be an integer >= 0")
        held = latest.get(idx)
        if held is None or (as_utc(row[T]), row[ID]) > (as_utc(held[0][T]), held[0][ID]):
            latest[idx] = (row, data)
    return [data for _, data in latest.values()]


def _percent(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _mean_of(rows: Sequence[RawEvent], key: str, recs: ClientRecords) -> tuple[float | None, int]:
    xs = []
    for row, data in zip(rows, recs.datas(rows), strict=True):
        x = data.get(key)
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
            raise ValueError(f"events[{row[ID]}].data.{key}: must be a number")
        xs.append(float(x))
    return (math.fsum(xs) / len(xs) if xs else None), len(xs)


def _overlap_seconds(a: datetime, b: datetime, spans: Sequence[tuple[datetime, datetime]]):
    total = 0.0
    for s, e in spans:
        lo, hi = max(a, s), min(b, e)
        if hi > lo:
            total += (hi - lo).total_seconds()
    return total


def _duration(session: SessionRow, rows: Sequence[RawEvent], recs: ClientRecords):
    """Total seconds and episodes, as bdc.measures computes them: paused time is left out."""
    started, ended = session.started_at, session.ended_at
    pauses = recs.pauses(session)
    opened: dict[Any, datetime] = {}
    episodes: list[tuple[datetime, datetime]] = []
    for moment, _, kind, raw in sorted((as_utc(r[T]), r[ID], r[KIND], r[DATA]) for r in rows):
        key = recs.data(raw).get("episode")
        if kind == "duration_start":
            opened.setdefault(key, moment)
        elif key in opened:
            episodes.append((opened.pop(key), moment))
    if ended is not None:
        episodes += [(t0, ended) for t0 in opened.values()]  # closed at the end of the session
    secs = []
    for t0, t1 in episodes:
        lo = max(t0, started)
        hi = t1 if ended is None else min(t1, ended)
        if hi < lo:
            hi = lo
        secs.append((hi - lo).total_seconds() - _overlap_seconds(lo, hi, pauses))
    return math.fsum(secs), len(secs)


def _value_only(
    measurement: str, session: SessionRow, rows: Sequence[RawEvent], recs: ClientRecords
) -> tuple[float | None, int]:
    """Value and n exactly as :func:`measure_session` computes them.

    ``rows`` hold only the kinds the measurement counts (:data:`VALUE_KINDS`), and the
    session has no void.
    """
    if measurement == "frequency" or measurement == "abc":
        return float(len(rows)), len(rows)
    if measurement == "rate":
        ended = session.ended_at
        obs_min = None
        if ended is not None:
            paused = sum((e - s).total_seconds() for s, e in recs.pauses(session))
            obs_min = ((ended - session.started_at).total_seconds() - paused) / 60.0
        return (len(rows) / obs_min if obs_min else None), len(rows)
    if measurement == "dtt":
        return _percent(recs.independent_count(rows), len(rows)), len(rows)
    if measurement == "task_analysis":
        steps = _latest(rows, "step", recs)
        independent = sum(
            1 for d in steps if d.get("result") == "correct" and d.get("prompt") == "independent"
        )
        return _percent(independent, len(steps)), len(steps)
    if measurement in ("partial_interval", "whole_interval", "momentary_time_sampling"):
        marks = _latest(rows, "index", recs)
        scored = sum(1 for d in marks if d.get("scored") is True)
        observed = scored + sum(1 for d in marks if d.get("scored") is False)
        return _percent(scored, observed), observed
    if measurement == "latency":
        return _mean_of(rows, "seconds", recs)
    if measurement == "rating":
        return _mean_of(rows, "value", recs)
    if measurement == "duration":
        return _duration(session, rows, recs)
    raise ValueError(f"unknown measurement {measurement!r}")


VALUE_KINDS: dict[str, frozenset[str]] = {
    "frequency": frozenset({"count"}),
    "rate": frozenset({"count"}),
    "abc": frozenset({"abc"}),
    "duration": frozenset({"duration_start", "duration_stop"}),
    "latency": frozenset({"latency"}),
    "partial_interval": frozenset({"interval"}),
    "whole_interval": frozenset({"interval"}),
    "momentary_time_sampling": frozenset({"interval"}),
    "dtt": frozenset({"trial"}),
    "task_analysis": frozenset({"step"}),
    "rating": frozenset({"rating"}),
}
"""The event kinds each measurement's value is computed from (bdc.measures)."""

_NOT_RESPONSES = frozenset({"note", "void"})


def _measure(
    target: Target,
    target_id: str,
    measurement: str,
    session: SessionRow,
    recs: ClientRecords,
    details: bool,
) -> tuple[float | None, int, Mapping[str, Any]] | None:
    """(value, n, details) of one target in one session; None when it has no value at all."""
    rows = recs.by_target.get((session.id, target_id), _NOTHING)
    kinds = {r[KIND] for r in rows}
    if target_id not in session.target_ids and kinds <= _NOT_RESPONSES:
        return None  # not part of the session: no value, not 0
    if details or "void" in kinds or "void" in recs.marks(session.id):
        return _full_measure(target, session, rows, recs)
    wanted = VALUE_KINDS[measurement]
    if not kinds <= wanted:
        rows = [r for r in rows if r[KIND] in wanted]
    value, n = _value_only(measurement, session, rows, recs)
    return value, n, {}


def values_from(
    target: Target,
    recs: ClientRecords,
    *,
    include_reliability: bool = False,
    details: bool = True,
) -> list[SessionValue]:
    """The target's values per session from records read by :func:`load_client`."""
    measurement = target.measurement
    unit = UNITS[measurement]
    target_id = target.id
    # Plain tuples: ORM attribute access per session is measurably slow. Sessions come in time
    # order, so the phase in force only moves forward (the rule of phase_on).
    phases = [(p.start_date, p.id, p.kind, p.label) for p in target.phases]
    current: tuple[Any, ...] = (None, None, None, None)
    upcoming = 0
    by_id = {s.id: s for s in recs.sessions}
    values = []
    for session in recs.sessions:
        if session.role != "primary" and not include_reliability:
            continue
        measured = _measure(target, target_id, measurement, session, recs, details)
        if measured is None or measured[0] is None:
            continue
        value, n, extra = measured
        partner = None
        for other_id in recs.partners.get(session.id, ()):
            other = by_id[other_id]
            if target_id in other.target_ids or (other_id, target_id) in recs.by_target:
                partner = other_id
                break
        day = session.started_at.date()
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
            )
        )
    return values


def client_values(
    targets: Sequence[Target],
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    include_reliability: bool = False,
    details: bool = False,
) -> dict[str, list[SessionValue]]:
    """Values per session for several targets, reading each client's data once.

    Returns target id -> values in time order (see :func:`target_values`).
    """
    by_client: dict[str, list[Target]] = defaultdict(list)
    for target in targets:
        by_client[target.client_id].append(target)
    out: dict[str, list[SessionValue]] = {}
    for client_id, group in by_client.items():
        recs = load_client(
            client_id,
            target_ids=[t.id for t in group] if len(group) < 50 else None,
            date_from=date_from,
            date_to=date_to,
        )
        for target in group:
            out[target.id] = values_from(
                target, recs, include_reliability=include_reliability, details=details
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
) -> list[SessionValue]:
    """Values per session in time order (primary sessions unless asked otherwise).

    A session that tracked the target with no response gives 0; a session that did not track
    it gives no value at all (it is left out), as the measures module defines. A session
    whose value is undefined (a DTT session with no trial: 0/0) is left out too.
    """
    recs = load_client(
        target.client_id,
        target_ids=[target.id],
        date_from=date_from,
        date_to=date_to,
        setting=setting,
    )
    return values_from(target, recs, include_reliability=include_reliability, details=details)
