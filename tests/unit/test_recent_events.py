"""What a server process remembers of recently synced sessions (session_values._RecentEvents):
sessions in use are never pushed out by others, so a working set just over the limit keeps a
stable part remembered instead of every sync missing."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

from bdc.measures import EventRecord
from bdc.services.session_values import _Events, _Known, _RecentEvents

T = datetime(2026, 3, 2, 15, tzinfo=UTC)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def entry(n: int, target: str = "t1") -> _Known:
    """What is known of a session with n events (no tallies)."""
    records = [EventRecord(f"e{i:03d}", "count", T, {}, target) for i in range(n)]
    return _Known(n, records[-1].id, n, {target: _Events.of(records)}, {})


def test_sessions_in_use_are_kept_and_a_newcomer_that_does_not_fit_is_not_remembered():
    clock = Clock()
    recent = _RecentEvents(10, idle=300, clock=clock)
    recent.put({"a": entry(4), "b": entry(4)})
    clock.now = 10
    recent.put({"c": entry(4)})  # 12 > 10: a and b are in use, so c is left out
    assert list(recent.sessions) == ["a", "b"] and recent.size == 8
    # The old policy (least recently used out) would have dropped a; then a's next sync
    # would drop b, and so on: every sync a miss.
    assert recent.get("a") is not None and recent.get("b") is not None
    assert recent.get("c") is None


def test_sessions_idle_for_a_while_make_room_least_recently_used_first():
    clock = Clock()
    recent = _RecentEvents(10, idle=300, clock=clock)
    recent.put({"a": entry(4)})
    recent.put({"b": entry(4)})
    clock.now = 100
    recent.get("a")  # a used again; b idle since 0
    clock.now = 350
    recent.put({"c": entry(4)})  # b idle 350 s: it goes, a (idle 250 s) stays
    assert set(recent.sessions) == {"a", "c"} and recent.size == 8


def test_a_session_a_minute_idle_makes_room_for_one_syncing_now():
    """The default: a recording tablet syncs every few seconds, so a session a minute idle
    has ended or gone offline. (With five minutes, a worker full of the last five minutes'
    sessions remembered none of the new ones, and each of their syncs read its whole
    session: the 500-tablet benchmark's third run in a row collapsed.)"""
    clock = Clock()
    recent = _RecentEvents(10, clock=clock)
    recent.put({"earlier": entry(6)})
    clock.now = 30
    recent.put({"now": entry(6)})  # earlier synced 30 s ago: still in use, now is left out
    assert recent.get("now") is None and recent.get("earlier") is not None
    clock.now = 91  # earlier last used at 30: a minute and a second ago
    recent.put({"now": entry(6)})
    assert recent.get("earlier") is None and recent.get("now") is not None


def test_a_remembered_session_grows_in_place():
    recent = _RecentEvents(10, idle=300, clock=Clock())
    recent.put({"a": entry(4)})
    recent.put({"a": entry(6)})
    assert recent.size == 6
    size, last_id, mark, groups, _ = recent.get("a")
    assert (size, last_id, mark) == (6, "e005", 6)
    records = groups["t1"].records()
    assert [r.id for r in records] == [f"e{i:03d}" for i in range(6)]
    assert all(type(r) is EventRecord for r in records)


def test_remembered_events_are_plain_columns_the_collector_stops_tracking():
    recent = _RecentEvents(100, clock=Clock())
    recent.put({"a": entry(5)})
    gc.collect()
    _, known = recent.sessions["a"]
    (ids, kinds, times, payloads, targets), *_ = known.groups["t1"].parts
    assert [gc.is_tracked(c) for c in (ids, kinds, times, targets)] == [False] * 4
    assert kinds[0] is kinds[1] and targets[0] is targets[1]  # shared strings
    assert payloads == ({},) * 5


def test_remembering_more_adds_a_part_that_is_joined_when_remembered():
    first = _Events.of([EventRecord("e1", "count", T, {}, "t1")])
    grown = first.packed().plus([EventRecord("e2", "count", T, {}, "t1")])
    assert len(grown.parts) == 2 and len(first.parts) == 1  # the remembered one is shared
    assert [r.id for r in grown.after(1)] == ["e2"] and list(grown.ids()) == ["e1", "e2"]
    # few events: joined into one part, which keeps two tuples tracked (not two a sync)
    remembered = grown.packed()
    assert len(remembered.parts) == 1 and [r.id for r in remembered.records()] == ["e1", "e2"]
    assert remembered.after(1) == [EventRecord("e2", "count", T, {}, "t1")]  # a column's tail
    gc.collect()
    tracked = [c for c in remembered.parts[0] if gc.is_tracked(c)]
    assert len(tracked) == 1 and tracked[0] == ({}, {})  # the payloads


def test_a_long_session_keeps_its_parts_until_there_are_many():
    many = _Events.of(
        [EventRecord(f"a{i:05d}", "count", T, {}, "t1") for i in range(_Events.JOIN_UP_TO)]
    ).packed()
    for i in range(_Events.COMPACT_AT - 1):
        many = many.plus([EventRecord(f"b{i:03d}", "count", T, {}, "t1")]).packed()
    assert len(many.parts) == _Events.COMPACT_AT  # joining 4,096 events a sync would cost more
    many = many.plus([EventRecord("c", "count", T, {}, "t1")]).packed()
    assert len(many.parts) == 1 and len(many) == _Events.JOIN_UP_TO + _Events.COMPACT_AT
    ids = [r.id for r in many.records()]
    assert ids[-2:] == [f"b{_Events.COMPACT_AT - 2:03d}", "c"] and ids == sorted(ids)
