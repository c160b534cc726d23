"""Stored session values: each target's value in each session, written when its inputs change.

:func:`bdc.measures.measure_session` is the only definition of a session's value; this module
runs it over the stored events and keeps the result in ``session_values``
(:class:`bdc.models.SessionValue`), so summaries, graphs, reports, exports, mastery and the
dashboard read one row per session instead of re-measuring every raw event.

When. Whatever changes a value's inputs recomputes it in the same transaction:

- sync (:func:`bdc.sync.ingest`): a new target event recomputes its (session, target) pair; a
  new session, a changed end time, a pause, resume, session-level event or any void
  recomputes every target of that session (a void may cancel a pause, which changes every
  rate of the session);
- a change of a target's measurement parameters (:func:`bdc.services.programs.update_target`)
  recomputes every session of that target;
- ``bdc recompute-values`` rebuilds every row (after a change of :data:`MEASURES_VERSION`),
  and the migration that created the table backfilled it the same way.

How. Sync measures a pair from where the pair's last measure in this process got to when
it can (:func:`bdc.measures.measure_more`: only events later than those measured, nothing
else about the session changed), else from all of the pair's events; both are the one
definition in :mod:`bdc.measures`.

``bdc check-values`` (:func:`check`) recomputes a sample from the raw events and compares.

Which rows. One per observation session and target that the session tracked or that has
events for the target (any kind, voided or not); ``value`` None when the measure has no value
(the session is then left out of graphs). Events that cannot be measured (a payload that
breaks docs/api.md, stored before sync checked it) give ``value`` None with the reason in
``details["problem"]``, instead of failing every page that shows the client.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import random
import sys
import threading
import time
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Engine,
    String,
    Text,
    bindparam,
    delete,
    event,
    func,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session as OrmSession

from bdc.extensions import db
from bdc.measures import (
    MEASURES_VERSION,
    EventRecord,
    SessionMeasure,
    Tally,
    measure_more,
    tally_session,
    unit_for,
)
from bdc.models import Event, Session, SessionValue, Target
from bdc.models.bulk import insert_many

__all__ = [
    "EVENT_COLUMNS",
    "Decoded",
    "Measured",
    "Touched",
    "as_utc",
    "check",
    "count_rows",
    "event_records",
    "measure_new",
    "measure_row",
    "plain",
    "rebuild",
    "refresh",
    "refresh_target",
    "store_measured",
]

CHUNK = 400  # sessions per query: stays under SQLite's bound-parameter limit with their targets


def as_utc(raw: Any) -> datetime:
    """A stored timestamp (ISO text from SQLite, naive or aware datetime) as aware UTC."""
    if isinstance(raw, str):
        raw = datetime.fromisoformat(raw)
    if raw.tzinfo is None:
        return raw.replace(tzinfo=UTC)
    return raw.astimezone(UTC)


def plain(value: Any) -> Any:
    """Mappings (including read-only MappingProxyType) as dicts, for JSON."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class Decoded(dict):
    """JSON text -> decoded mapping, each distinct text decoded once (most events carry the
    same few payloads, ``{}`` above all; the objects are shared and never mutated)."""

    def __missing__(self, raw):
        value = json.loads(raw)
        value = value if isinstance(value, Mapping) else {}
        self[raw] = value
        return value


def _mapping(raw: Any, decoded: Decoded) -> Mapping[str, Any]:
    if isinstance(raw, str | bytes):
        return decoded[raw]
    return raw if isinstance(raw, Mapping) else {}


# An event as read for measuring: (session id, target id, id, kind, t, data), plain columns
# without result processing (t as ISO text and data as JSON text on SQLite), converted by
# event_records: processing each event's columns costs more than the read.
EVENT_COLUMNS = (
    Event.session_id,
    Event.target_id,
    Event.id,
    Event.kind,
    type_coerce(Event.t, String),
    type_coerce(Event.data, Text),
)


def event_records(
    rows: Iterable[Sequence[Any]], more: Sequence[EventRecord] | None = None
) -> list[EventRecord]:
    """Stored events as (session id, target id, id, kind, t, data) rows -> EventRecords,
    followed by ``more`` records (events just stored).

    ``t`` and ``data`` may come as the driver gives them (ISO text and JSON text on SQLite, a
    naive UTC datetime and a decoded object on PostgreSQL) or already converted.
    """
    decoded = Decoded()
    records = [
        EventRecord(r[2], r[3], as_utc(r[4]), _mapping(r[5], decoded), r[1])  # positional: faster
        for r in rows
    ]
    if more:
        records.extend(more)
    return records


@dataclass(frozen=True, slots=True)
class _Session:
    id: str
    started_at: datetime
    ended_at: datetime | None
    target_ids: frozenset[str]


def measure_row(
    target_id: str,
    measurement: str,
    params: Mapping[str, Any] | None,
    session: Any,
    target_events: Sequence[EventRecord],
    session_events: Sequence[EventRecord],
    *,
    has_events: bool,
) -> tuple[dict[str, Any] | None, Tally | None]:
    """The stored row of one target in one session, measured from all its events, and where
    measuring them got to (:func:`bdc.measures.tally_session`). The row is None when there is
    none (the session neither tracked the target nor holds an event for it).

    ``session`` needs ``id``, ``started_at``, ``ended_at`` and ``target_ids``.
    """
    tracked = target_id in session.target_ids
    if not tracked and not has_events:
        return None, None
    try:
        measure, tally = tally_session(
            measurement,
            params or {},
            target_events,
            started=session.started_at,
            ended=session.ended_at,
            tracked=tracked,
            session_events=session_events,
        )
    except ValueError as problem:
        return _row(session.id, target_id, measurement, None, str(problem)), None
    return _row(session.id, target_id, measurement, measure), tally


def _row(
    session_id: str,
    target_id: str,
    measurement: str,
    measure: SessionMeasure | None,
    problem: str | None = None,
) -> dict[str, Any]:
    value, n, details = None, 0, {}
    if problem is not None:
        details = {"problem": problem}
    elif measure is not None:
        value, n, details = measure.value, measure.n, plain(measure.details)
    return {
        "session_id": session_id,
        "target_id": target_id,
        "value": value,
        "unit": unit_for(measurement),
        "n": n,
        "details": details,
        "measures_version": MEASURES_VERSION,
    }


def _measured(
    target_id: str,
    measurement: str,
    params: Mapping[str, Any] | None,
    session: Any,
    events: _Events,
    session_events: Sequence[EventRecord],
    tally: Tally | None,
) -> tuple[dict[str, Any] | None, Tally | None]:
    """:func:`measure_row` from where the target's last measure in the session got to
    (``tally``) when :func:`bdc.measures.measure_more` can go on from there, else from all
    of its events; and where this measure got to."""
    tracked = target_id in session.target_ids
    if tally is not None and tally.events <= len(events) and (tracked or len(events)):
        try:
            answer = measure_more(
                tally,
                events.after(tally.events),
                measurement=measurement,
                params=params or {},
                started=session.started_at,
                ended=session.ended_at,
                tracked=tracked,
                session_events=len(session_events),
            )
        except ValueError:
            answer = None  # measuring all of the events below names the problem
        if answer is not None:
            return _row(session.id, target_id, measurement, answer[0]), answer[1]
    return measure_row(
        target_id,
        measurement,
        params,
        session,
        events.records(),
        session_events,
        has_events=len(events) > 0,
    )


@dataclass
class Touched:
    """What a change touched: whole sessions, or single (session, target) pairs.

    ``new`` holds, by (session id, target id or None), the records of events this transaction
    has just stored (``new_ids`` their ids): measuring uses them as they are instead of reading
    them back, and reads only the events stored before.
    """

    sessions: set[str] = field(default_factory=set)
    pairs: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # sessions as this transaction holds them (kind, started_at, ended_at, target_ids): as
    # it writes them, or as it read them under its lock; measuring reads these no more
    session_rows: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    new: defaultdict[tuple[str, str | None], list[EventRecord]] = field(
        default_factory=lambda: defaultdict(list)
    )
    new_ids: set[str] = field(default_factory=set)
    # target id -> (measurement, params) as this transaction read them, not read again
    targets: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def session(self, session_id: str, row: Mapping[str, Any] | None = None) -> None:
        """A whole session to recompute; ``row``: the session as this transaction writes it."""
        self.sessions.add(session_id)
        if row is not None:
            self.session_rows[session_id] = row

    def held(self, session_id: str, row: Mapping[str, Any]) -> None:
        """A stored session as this transaction read it, locked (PostgreSQL) until it ends:
        what measuring would read (unless this transaction writes it otherwise)."""
        self.session_rows.setdefault(session_id, row)

    def events(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """New events (dicts with id, session_id, target_id, kind, t, data) this transaction
        stores as given: each one's record stands in for the stored row (``t`` an aware UTC
        datetime, ``data`` the checked payload). If some turn out to be held already,
        :meth:`forget_new` makes the measuring read what is stored instead.
        """
        for row in rows:
            session_id, target_id = row["session_id"], row["target_id"]
            if target_id is None or row["kind"] == "void":
                self.sessions.add(session_id)
            else:
                self.pairs[session_id].add(target_id)
            self.new[session_id, target_id].append(
                EventRecord(row["id"], row["kind"], row["t"], row["data"], target_id)
            )
            self.new_ids.add(row["id"])

    def forget_new(self) -> None:
        """The new events were not all stored as given: measure from what is stored."""
        self.new.clear()
        self.new_ids.clear()

    def scope(self) -> dict[str, set[str] | None]:
        """Session id -> the targets to recompute (None: all of them)."""
        out: dict[str, set[str] | None] = {sid: set(ts) for sid, ts in self.pairs.items()}
        out.update(dict.fromkeys(self.sessions))
        return out


_as_record = tuple.__new__  # (EventRecord, plain tuple) -> EventRecord, without _make's checks


def _columns(records: Sequence[EventRecord]) -> tuple[tuple, ...]:
    """Records as five tuples (ids, kinds, times, payloads, target ids), which the garbage
    collector walks as five objects: it never stops tracking a named tuple, and a tuple
    holding a dict stays tracked, so one payload column is all that stays tracked. Kinds and
    target ids, read from the database as a new string for each event, are shared."""
    columns = list(zip(*records, strict=True))
    if columns:
        columns[1] = tuple(map(sys.intern, columns[1]))
        columns[4] = tuple([tid if tid is None else sys.intern(tid) for tid in columns[4]])
    return tuple(columns)


def _records(columns: tuple[tuple, ...]) -> list[EventRecord]:
    """:func:`_columns`' tuples as EventRecords again."""
    return [_as_record(EventRecord, fields) for fields in zip(*columns, strict=True)]


class _Events:
    """One target's events in a session (or the session-level ones), in the order they were
    read and then stored: parts, each a list of EventRecords or, once remembered, their
    columns (:func:`_columns`). Immutable; a sync adds a part. Turned into records only when
    a measure needs all of them: measuring a session's new events
    (:func:`bdc.measures.measure_more`) needs only the last part."""

    __slots__ = ("parts", "size")

    # When remembered, the parts are joined into one if the events are few (joining costs
    # little) or the parts many. Every part keeps two tuples tracked by the garbage collector
    # (its payloads are dicts, and a tuple holding dicts is never untracked): a part per sync
    # made a worker's full collections 9 times longer under load.
    JOIN_UP_TO = 4096  # events
    COMPACT_AT = 32  # parts

    def __init__(self, parts: tuple = (), size: int = 0):
        self.parts, self.size = parts, size

    @classmethod
    def of(cls, records: list[EventRecord]) -> _Events:
        """``records`` as they are (a list nothing changes afterwards)."""
        return cls((records,), len(records)) if records else cls()

    def __len__(self) -> int:
        return self.size

    def plus(self, records: Sequence[EventRecord]) -> _Events:
        if not records:
            return self
        return _Events((*self.parts, list(records)), self.size + len(records))

    def records(self) -> list[EventRecord]:
        """All the events (a list not to be changed: it may be a part itself)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], list):
            return self.parts[0]
        return self.after(0)

    def after(self, start: int) -> list[EventRecord]:
        """The events from the ``start``-th on."""
        out: list[EventRecord] = []
        for part in self.parts:
            size = len(part) if isinstance(part, list) else len(part[0])
            if start >= size:
                start -= size
                continue
            if isinstance(part, list):
                out.extend(part[start:] if start else part)
            else:  # only the columns' tails become records
                out.extend(_records(tuple(c[start:] for c in part) if start else part))
            start = 0
        return out

    def ids(self) -> Iterable[str]:
        for part in self.parts:
            yield from (r.id for r in part) if isinstance(part, list) else part[0]

    def packed(self) -> _Events:
        """The same events as columns, to be remembered; the parts joined (:attr:`JOIN_UP_TO`)
        column by column: records for all of them would be as many new objects for the
        garbage collector to count, and their number sets off its full collections."""
        parts = tuple(_columns(p) if isinstance(p, list) else p for p in self.parts)
        if len(parts) > 1 and (self.size <= self.JOIN_UP_TO or len(parts) > self.COMPACT_AT):
            joined = zip(*parts, strict=True)  # column by column
            parts = (tuple(tuple(itertools.chain.from_iterable(c)) for c in joined),)
        return _Events(parts, self.size)


_NO_EVENTS_YET = _Events()

# A session's events by target id (None: session-level).
Groups = dict[str | None, _Events]
# Events by target id as plain lists: new ones, or those read since what is remembered.
Records = Mapping[str | None, list[EventRecord]]


class _Known(NamedTuple):
    """What is remembered of one session: its number of events, the greatest event id, the
    greatest mark (:func:`_mark_column`; None without events), the events by target id (None:
    session-level) and, by target id, where measuring them got to."""

    size: int
    last_id: str
    mark: Any
    groups: Mapping[str | None, _Events]
    tallies: Mapping[str, Tally]


class _RecentEvents:
    """The events of recently synced sessions, per process and database, as last committed,
    and where measuring each target got to (:class:`bdc.measures.Tally`).

    Sync re-measures the touched targets of a session from where their last measure got to
    (:func:`bdc.measures.measure_more`), or from all their events when it cannot; reading
    them back grows with the session. Events are never updated or deleted (a correction is a
    new ``void`` event), so the events known for a session stay a subset of what is stored,
    and they are all of it exactly when the stored count equals the known count plus the
    events this transaction added: one count per session replaces the read. The greatest
    event id is compared as well, which only a database whose events were deleted (a test
    emptying its tables, a restore while the server runs) could get wrong by count alone.
    SQLite counts only the events after the remembered mark (a rowid: rowids only grow) and
    compares the greatest rowid with the mark, both from the session index, so the check
    costs the same in a session of 20,000 events as in a new one. Anything else (another
    process or host syncing the session, an unknown session) reads the events as before.
    Entries are added only after a commit.

    Beyond ``limit`` events, sessions not used for ``idle`` seconds make room, least recently
    used first; if that is not enough, what does not fit is not remembered. Pushing out
    sessions in use instead (plain LRU) turned a working set just over the limit into a
    cycle in which every sync missed, as each pushed out the next one to sync. A recording
    tablet syncs every few seconds, so a session a minute idle has ended or gone offline;
    with five minutes, a full worker kept every session of the last five minutes and
    remembered none of the new ones, each of whose syncs then read its whole session
    (docs/performance.md, "Under load, sixth pass").

    The events are kept column by column (:meth:`_Events.packed`): the garbage collector
    walks every tracked object on each full collection, and 200,000 named tuples made those
    pauses grow to 0.15 s in each worker under load (docs/performance.md, "Under load,
    fourth pass").
    """

    def __init__(self, limit: int, *, idle: float = 60.0, clock=time.monotonic):
        self.limit, self.idle, self.clock, self.size = limit, idle, clock, 0
        # session id -> (last used, what is known), least recently used first
        self.sessions: OrderedDict[str, tuple[float, _Known]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, session_id: str) -> _Known | None:
        with self.lock:
            known = self.sessions.pop(session_id, None)
            if known is None:
                return None
            self.sessions[session_id] = (self.clock(), known[1])
        return known[1]

    def put(self, remembered: Mapping[str, _Known]) -> None:
        entries = {
            session_id: known._replace(
                groups={tid: events.packed() for tid, events in known.groups.items()}
            )
            for session_id, known in remembered.items()
        }
        with self.lock:
            now = self.clock()
            for session_id, entry in entries.items():
                self._drop(session_id)
                self.sessions[session_id] = (now, entry)
                self.size += entry.size
            while self.size > self.limit and self.sessions:
                session_id, (used, _) = next(iter(self.sessions.items()))
                if now - used < self.idle:
                    break
                self._drop(session_id)
            for session_id in entries:
                if self.size <= self.limit:
                    break
                self._drop(session_id)

    def _drop(self, session_id: str) -> None:
        old = self.sessions.pop(session_id, None)
        if old is not None:
            self.size -= old[1].size


RECENT_EVENTS_LIMIT = 500_000  # per process and database: ~90 MB (173 bytes an event)
_recent: weakref.WeakKeyDictionary[Engine, _RecentEvents] = weakref.WeakKeyDictionary()
_recent_lock = threading.Lock()
_PENDING = "bdc_recent_events"  # Session.info key: what to remember once committed


def _recent_events(engine: Engine) -> _RecentEvents:
    with _recent_lock:
        known = _recent.get(engine)
        if known is None:
            known = _recent[engine] = _RecentEvents(RECENT_EVENTS_LIMIT)
        return known


@event.listens_for(OrmSession, "after_commit")
def _remember_committed(session: OrmSession) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        for engine, remembered in pending.items():
            _recent_events(engine).put(remembered)


@event.listens_for(OrmSession, "after_rollback")
def _forget_rolled_back(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)


def _mark_column(dialect_name: str):
    """What tells which of a session's events were stored after the remembered ones.

    SQLite: the rowid, above every stored one for a new event (one writer at a time, and
    events are never deleted). PostgreSQL: the arrival time, which sync takes after it has
    locked the batch's sessions, so each session's events arrive in the order they are
    written, give or take the clock (:data:`_CLOCK_SLACK`); events at or after the mark are
    read and the remembered ones among them dropped by id.
    """
    return literal_column("events.rowid") if dialect_name == "sqlite" else Event.received_at


_CLOCK_SLACK = timedelta(seconds=2)  # PostgreSQL: a clock stepped back by NTP, for example


def _ids(groups: Groups) -> set[str]:
    return {i for events in groups.values() for i in events.ids()}


def _merged(groups: Groups, more: Records) -> Groups:
    """``groups`` with ``more`` added after them (the remembered groups are shared)."""
    out = dict(groups)
    for tid, records in more.items():
        out[tid] = out.get(tid, _NO_EVENTS_YET).plus(records)
    return out


def _joined(first: Records, then: Records) -> dict[str | None, list[EventRecord]]:
    return {tid: [*first.get(tid, ()), *then.get(tid, ())] for tid in {*first, *then}}


_NO_EVENTS = (0, "", None)  # count, greatest id and mark of a session without events


_SESSIONS = bindparam("sessions", expanding=True)


@functools.cache
def _stored_state_statement(dialect_name: str, greatest_id: bool):
    # the greatest id as Python orders text (PostgreSQL's default collation may not)
    by_text = Event.id.collate("C") if dialect_name == "postgresql" else Event.id
    return (
        select(
            Event.session_id,
            func.count(),
            func.max(by_text) if greatest_id else literal_column("NULL"),
            func.max(_mark_column(dialect_name)),
        )
        .where(Event.session_id.in_(_SESSIONS))
        .group_by(Event.session_id)
    )


def _stored_state(
    connection: Connection, sessions: Iterable[str], *, greatest_id: bool = True
) -> dict[str, tuple]:
    """Session id -> (events stored, greatest event id, greatest mark) of the given sessions
    that hold events: one grouped query, which counts every event of each session (SQLite
    uses :func:`_stored_since` where it can). Without ``greatest_id``: None in its place."""
    statement = _stored_state_statement(connection.dialect.name, greatest_id)
    return {
        row[0]: (row[1], row[2], row[3])
        for row in connection.execute(statement, {"sessions": list(sessions)})
    }


# Per session: the events after a rowid and the greatest rowid, both from the session index
# (the first a range after the mark, the second its last entry), so the answer costs what
# the events after the mark do, not what the session holds. json_each takes every session's
# own mark in one parameter.
_STORED_SINCE = text(
    """SELECT marks.key,
        (SELECT count(*) FROM events
            WHERE events.session_id = marks.key AND events.rowid > marks.value),
        (SELECT max(events.rowid) FROM events WHERE events.session_id = marks.key)
    FROM json_each(:marks) AS marks"""
)


def _stored_since(
    connection: Connection, marks: Mapping[str, int | None]
) -> dict[str, tuple[int, int | None]]:
    """SQLite: session id -> (events stored after its mark (a rowid; None: from the first),
    greatest rowid (None: no events)) for every session given.

    Enough to tell a remembered session from what is stored: rowids only grow (events are
    never deleted), so the events after the mark are what another writer added, and the
    greatest rowid still being the mark says the remembered last event is there."""
    if not marks:
        return {}
    parameter = json.dumps({sid: mark or 0 for sid, mark in marks.items()})
    return {
        sid: (after, greatest)
        for sid, after, greatest in connection.execute(_STORED_SINCE, {"marks": parameter})
    }


@functools.cache
def _events_since_statement(dialect_name: str):
    """The events of some sessions from a mark on (SQLite: after it), with their marks."""
    mark = _mark_column(dialect_name)
    after = mark > bindparam("floor") if dialect_name == "sqlite" else mark >= bindparam("floor")
    return select(*EVENT_COLUMNS, mark).where(Event.session_id.in_(_SESSIONS), after)


def _known_groups(
    connection: Connection,
    sessions: Iterable[str],
    fresh: Mapping[tuple[str, str | None], list[EventRecord]],
    new_ids: set[str],
    *,
    fresh_stored: bool,
) -> dict[str, _Known]:
    """The sessions whose stored events are the remembered ones (plus those stored since,
    read by their marks) plus ``fresh`` where ``fresh_stored``: what is known of them with
    ``fresh`` added, and the greatest mark stored.

    On SQLite, before the new events are stored (``fresh_stored`` False: sync's measuring),
    the events after each remembered mark and the greatest rowid are compared
    (:func:`_stored_since`); otherwise the count and the greatest id.
    """
    recent = _recent_events(connection.engine)
    known = {sid: hit for sid in sessions if (hit := recent.get(sid)) is not None}
    if not known:
        return {}
    mine: dict[str, dict[str | None, list[EventRecord]]] = defaultdict(dict)
    for (sid, tid), records in fresh.items():
        if sid in known:
            mine[sid][tid] = records
    counted = mine if fresh_stored else {}
    sqlite = connection.dialect.name == "sqlite"
    by_rowid = sqlite and not counted
    if by_rowid:  # (events after the mark, None, greatest rowid) in place of (count, id, mark)
        marks = {sid: k.mark for sid, k in known.items()}
        stored = {
            sid: (after, None, greatest)
            for sid, (after, greatest) in _stored_since(connection, marks).items()
        }
    else:
        stored = _stored_state(connection, known)

    def matches(sid: str, extra: Records, rowid: int) -> bool:
        """Whether the stored count and greatest id (SQLite before writing: the events after
        the mark and the greatest rowid) are the remembered ones plus ``extra`` (whose
        greatest rowid is ``rowid``)."""
        k, held = known[sid], stored.get(sid, _NO_EVENTS)
        ids = [r.id for records in extra.values() for r in records]
        if by_rowid:
            return (held[0], held[2] or 0) == (len(ids), max(k.mark or 0, rowid))
        return held[:2] == (k.size + len(ids), max([k.last_id, *ids]))

    def grown(sid: str, extra: Records) -> _Known:
        k = known[sid]
        ids = [r.id for records in extra.values() for r in records]
        mark = stored.get(sid, _NO_EVENTS)[2]
        groups = _merged(k.groups, extra)
        return _Known(k.size + len(ids), max([k.last_id, *ids]), mark, groups, k.tallies)

    found, behind = {}, []
    for sid, k in known.items():
        if matches(sid, counted.get(sid, {}), 0):
            found[sid] = grown(sid, mine.get(sid, {}))
        elif k.mark is not None:
            behind.append(sid)
    if behind:  # read only the events stored since (by another worker)
        floor = min(known[sid].mark for sid in behind)
        statement = _events_since_statement(connection.dialect.name)
        rows = connection.execute(
            statement, {"sessions": behind, "floor": floor if sqlite else floor - _CLOCK_SLACK}
        )
        added: dict[str, dict[str | None, list]] = defaultdict(lambda: defaultdict(list))
        greatest: dict[str, int] = defaultdict(int)
        remembered_ids = {} if sqlite else {sid: _ids(known[sid].groups) for sid in behind}
        for row in rows.all():
            if row[2] in new_ids:
                continue
            if row[6] <= known[row[0]].mark if sqlite else row[2] in remembered_ids[row[0]]:
                continue
            added[row[0]][row[1]].append(row)
            if sqlite:
                greatest[row[0]] = max(greatest[row[0]], row[6])
        for sid in behind:
            since = {tid: event_records(rows) for tid, rows in added[sid].items()}
            if matches(sid, _joined(since, counted.get(sid, {})), greatest[sid]):
                found[sid] = grown(sid, _joined(since, mine.get(sid, {})))
    return found


@functools.cache
def _sessions_statement(lock: bool):
    statement = (
        select(Session.id, Session.started_at, Session.ended_at, Session.target_ids)
        .where(Session.id.in_(_SESSIONS), Session.kind == "observation")
        .order_by(Session.id)
    )
    # On PostgreSQL, lock the sessions (FOR NO KEY UPDATE, which the events' foreign keys do
    # not conflict with): two concurrent syncs of one session then measure one after the
    # other, the second seeing the first's events. SQLite has one writer at a time anyway.
    return statement.with_for_update(key_share=True) if lock else statement


@functools.cache
def _events_statement(dialect_name: str, some_targets: bool):
    """The events of some sessions (only session-level ones and those of some targets), with
    their marks."""
    mark = _mark_column(dialect_name)
    statement = select(*EVENT_COLUMNS, mark).where(Event.session_id.in_(_SESSIONS))
    if some_targets:
        wanted = Event.target_id.in_(bindparam("targets", expanding=True))
        statement = statement.where(or_(Event.target_id.is_(None), wanted))
    return statement


_TARGETS_STATEMENT = select(Target.id, Target.measurement, Target.params).where(
    Target.id.in_(bindparam("targets", expanding=True))
)


def _compute(
    connection: Connection,
    scope: Mapping[str, set[str] | None],
    *,
    lock: bool = True,
    new: Touched | None = None,
    new_stored: bool = True,
    remember: dict[str, _Known] | None = None,
) -> list[dict]:
    """The rows of the given sessions (restricted to the given targets where not None).

    ``new``: events measured from memory rather than read back: just stored, or, when not
    ``new_stored``, about to be. ``remember``: use what is remembered of these sessions
    (:class:`_RecentEvents`) and put what is known of every session here (with ``new``), to
    be remembered once committed.
    """
    ids = sorted(scope)
    held = new.session_rows if new is not None else {}
    unread = [sid for sid in ids if sid not in held]
    sessions = {}
    if unread:
        sessions = {
            sid: _Session(sid, started, ended, frozenset(targets or ()))
            for sid, started, ended, targets in connection.execute(
                _sessions_statement(lock), {"sessions": unread}
            )
        }
    for sid in ids:
        row = held.get(sid)
        if row is not None and row["kind"] == "observation":
            targets = frozenset(row["target_ids"] or ())
            sessions[sid] = _Session(sid, row["started_at"], row["ended_at"], targets)
    if not sessions:
        return []
    fresh = new.new if new is not None else {}
    # The events just stored are read too when a session is read (leaving them out in SQL
    # binds every id, which costs more) and skipped.
    new_ids = new.new_ids if new is not None else set()
    known = (
        _known_groups(connection, sessions, fresh, new_ids, fresh_stored=new_stored)
        if remember is not None
        else {}
    )
    groups: dict[str, Groups] = {sid: k.groups for sid, k in known.items()}
    unread = [sid for sid in sessions if sid not in groups]
    if unread:
        parameters: dict[str, Any] = {"sessions": unread}
        if remember is None and all(scope[sid] is not None for sid in unread):
            parameters["targets"] = sorted(set().union(*(scope[sid] for sid in unread)))
        statement = _events_statement(connection.dialect.name, "targets" in parameters)
        by_pair: defaultdict[tuple[str, str | None], list] = defaultdict(list)
        last_mark: dict[str, Any] = dict.fromkeys(unread)
        result = connection.execute(statement, parameters)
        for row in result.cursor.fetchall():
            mark = last_mark[row[0]]
            if mark is None or mark < row[6]:
                last_mark[row[0]] = row[6]
            if row[2] not in new_ids:
                by_pair[row[0], row[1]].append(row)
        result.close()
        if connection.dialect.name != "sqlite":  # arrival times as the driver gives them
            for sid in unread:
                if last_mark[sid] is not None:
                    last_mark[sid] = as_utc(last_mark[sid])
        read: dict[str, dict[str | None, list[EventRecord]]] = {sid: {} for sid in unread}
        for (sid, tid), raw in by_pair.items():
            read[sid][tid] = event_records(raw)
        for (sid, tid), records in fresh.items():
            if sid in read:
                read[sid][tid] = [*read[sid].get(tid, ()), *records]
        for sid in unread:
            events = {tid: _Events.of(records) for tid, records in read[sid].items()}
            groups[sid] = events
            if remember is not None:
                event_ids = [r.id for records in read[sid].values() for r in records]
                size, last_id = len(event_ids), max(event_ids, default="")
                known[sid] = _Known(size, last_id, last_mark[sid], events, {})
    needed: dict[str, set[str]] = {}
    for sid, session in sessions.items():
        only = scope[sid]
        if only is None:
            only = set(session.target_ids) | {t for t in groups[sid] if t is not None}
        needed[sid] = only
    read_targets = new.targets if new is not None else {}
    targets = {
        tid: read_targets[tid] for tid in set().union(*needed.values()) if tid in read_targets
    }
    unread_targets = sorted(set().union(*needed.values()) - targets.keys())
    if unread_targets:
        for tid, measurement, params in connection.execute(
            _TARGETS_STATEMENT, {"targets": unread_targets}
        ):
            targets[tid] = (measurement, params)
    rows = []
    for sid, session in sessions.items():
        tallies = dict(known[sid].tallies) if sid in known else {}
        session_events = groups[sid].get(None, _NO_EVENTS_YET).records()
        for tid in sorted(needed[sid]):
            if tid not in targets:
                continue
            events = groups[sid].get(tid, _NO_EVENTS_YET)
            row, tally = _measured(
                tid, *targets[tid], session, events, session_events, tallies.pop(tid, None)
            )
            if tally is not None:
                tallies[tid] = tally
            if row is not None:
                rows.append(row)
        if remember is not None:
            remember[sid] = known[sid]._replace(tallies=tallies)
    return rows


_UPDATED = ("value", "unit", "n", "details", "measures_version")


@functools.cache
def _upsert_statement(dialect_name: str):
    """INSERT ... ON CONFLICT (session, target) DO UPDATE, built once per dialect."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(SessionValue.__table__)
    return statement.on_conflict_do_update(
        index_elements=["session_id", "target_id"],
        set_={name: statement.excluded[name] for name in _UPDATED},
    )


def _upsert(connection: Connection, rows: list[dict]) -> None:
    """Insert ``rows``, replacing the stored row of the same (session, target): one
    statement. A pair's row never has to go (a session's tracked targets and its events are
    never removed), so sync needs no delete."""
    if rows:
        connection.execute(_upsert_statement(connection.dialect.name), rows)


def _chunks(scope: Mapping[str, set[str] | None]):
    ids = sorted(scope)
    for start in range(0, len(ids), CHUNK):
        yield {sid: scope[sid] for sid in ids[start : start + CHUNK]}


def _remembered_at_commit(connection: Connection) -> dict[str, _Known]:
    """Where to put sessions' events to be remembered (_RecentEvents) once the request's
    commit has stored them."""
    pending = db.session.info.setdefault(_PENDING, {})
    return pending.setdefault(connection.engine, {})


def refresh(touched: Touched, connection: Connection | None = None) -> int:
    """Recompute and store the values ``touched`` names; answer the number of rows written."""
    remember: dict[str, _Known] | None = None
    if connection is None:
        db.session.flush()  # sessions and end times changed through the ORM
        connection = db.session.connection()
        remember = _remembered_at_commit(connection)
    written = 0
    for part in _chunks(touched.scope()):
        rows = _compute(connection, part, new=touched, remember=remember)
        _upsert(connection, rows)
        written += len(rows)
    return written


@dataclass
class Measured:
    """Values measured by :func:`measure_new` before their new events were written.

    ``expected``: session id -> what will be known of it once the new events are stored.
    """

    touched: Touched
    rows: list[dict]
    expected: dict[str, _Known]


def measure_new(touched: Touched) -> Measured:
    """Measure what ``touched`` names with its new events (``touched.new``, every one of them
    to be stored as given) before they are written; :func:`store_measured` then stores it.

    On SQLite a request holds the database's one write lock from its first write to its
    commit, and every other writer waits: measuring first keeps that stretch to the inserts
    and the commit.
    """
    db.session.flush()
    connection = db.session.connection()
    expected: dict[str, _Known] = {}
    rows = []
    for part in _chunks(touched.scope()):
        rows += _compute(connection, part, new=touched, new_stored=False, remember=expected)
    return Measured(touched, rows, expected)


def store_measured(measured: Measured) -> int:
    """Store what :func:`measure_new` measured, now that its new events are stored; answer
    the number of rows written.

    A session whose stored events are not exactly the ones measured (another request stored
    some in between) is measured again from what is stored, as :func:`refresh` does. A count
    tells: :func:`measure_new` has just checked what it read against what is stored, and
    since then events can only have been added (events are never deleted). On SQLite only
    the events after the mark measuring saw are counted, which keeps this check, made under
    the write lock, as short in a long session as in a new one.
    """
    connection = db.session.connection()
    remember = _remembered_at_commit(connection)
    scope = measured.touched.scope()
    ids = sorted(measured.expected)
    sqlite = connection.dialect.name == "sqlite"
    stored_now: defaultdict[str, int] = defaultdict(int)  # this request's events by session
    for (sid, _), records in measured.touched.new.items():
        stored_now[sid] += len(records)
    stale: dict[str, set[str] | None] = {}
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        if sqlite:  # the events after the mark measuring saw: this request's, and no others
            since = _stored_since(connection, {sid: measured.expected[sid].mark for sid in part})
            held = {
                sid: (after == stored_now[sid], greatest)
                for sid, (after, greatest) in since.items()
            }
        else:
            state = _stored_state(connection, part, greatest_id=False)
            held = {}
            for sid in part:
                count, _, greatest = state.get(sid, _NO_EVENTS)
                held[sid] = (count == measured.expected[sid].size, greatest)
        for sid in part:
            as_measured, mark = held[sid]
            if as_measured:
                remember[sid] = measured.expected[sid]._replace(mark=mark)
            else:
                stale[sid] = scope[sid]
    rows = [row for row in measured.rows if row["session_id"] not in stale]
    for part in _chunks(stale):
        rows += _compute(connection, part, new=measured.touched, remember=remember)
    _upsert(connection, rows)
    return len(rows)


def refresh_target(target_id: str) -> int:
    """Recompute every stored value of one target (its measurement parameters changed)."""
    db.session.flush()
    connection = db.session.connection()
    session_ids = connection.scalars(
        select(SessionValue.session_id).where(SessionValue.target_id == target_id)
    ).all()
    touched = Touched()
    for sid in session_ids:
        touched.pairs[sid].add(target_id)
    return refresh(touched, connection)


def rebuild(connection: Connection, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every stored value from the raw events, in batches of sessions.

    ``progress(done, total)`` is called after each batch. Answers the number of rows written.
    """
    ids = connection.scalars(
        select(Session.id).where(Session.kind == "observation").order_by(Session.id)
    ).all()
    written = 0
    for start in range(0, len(ids), CHUNK):
        part = dict.fromkeys(ids[start : start + CHUNK])
        rows = _compute(connection, part)
        # a rebuild also clears rows that should not be there (whatever put them there)
        table = SessionValue.__table__
        connection.execute(delete(table).where(table.c.session_id.in_(list(part))))
        insert_many(connection, table, rows)
        written += len(rows)
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return written


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def check(
    connection: Connection, *, sample: int | None = None, seed: int | None = None
) -> tuple[int, list[str]]:
    """Recompute ``sample`` random sessions (all when None) from the raw events and compare
    with what is stored. Answers (sessions checked, one line per difference)."""
    ids = connection.scalars(
        select(Session.id).where(Session.kind == "observation").order_by(Session.id)
    ).all()
    if sample is not None and sample < len(ids):
        ids = sorted(random.Random(seed).sample(ids, sample))
    table = SessionValue.__table__
    columns = ("value", "unit", "n", "details", "measures_version")
    problems: list[str] = []
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        fresh = {
            (r["session_id"], r["target_id"]): r
            for r in _compute(connection, dict.fromkeys(part), lock=False)
        }
        stored = {
            (r.session_id, r.target_id): r._mapping
            for r in connection.execute(select(table).where(table.c.session_id.in_(part)))
        }
        for key in sorted(fresh.keys() | stored.keys()):
            have, want = stored.get(key), fresh.get(key)
            if have is None or want is None:
                state = "missing" if have is None else "not expected"
                problems.append(f"session {key[0]} target {key[1]}: stored row {state}")
                continue
            for name in columns:
                if not _same(have[name], want[name]):
                    problems.append(
                        f"session {key[0]} target {key[1]}: {name} stored {have[name]!r}, "
                        f"recomputed {want[name]!r}"
                    )
    return len(ids), problems


def count_rows(connection: Connection) -> int:
    """Stored rows (for the command's summary)."""
    return connection.scalar(select(func.count()).select_from(SessionValue.__table__)) or 0
