"""What a server process remembers of recently synced sessions (session_values._RecentEvents):
sessions in use are never pushed out by others, so a working set just over the limit keeps a
stable part remembered instead of every sync missing."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

from bdc.measures import EventRecord
from bdc.services.session_values import _RecentEvents

T = datetime(2026, 3, 2, 15, tzinfo=UTC)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def entry(n: int, target: str = "t1") -> tuple:
    """(events, greatest id, mark, events grouped by target) of a session with n events."""
    records = [EventRecord(f"e{i:03d}", "count", T, {}, target) for i in range(n)]
    return (n, records[-1].id, n, {target: records})


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


def test_a_remembered_session_grows_in_place():
    recent = _RecentEvents(10, idle=300, clock=Clock())
    recent.put({"a": entry(4)})
    recent.put({"a": entry(6)})
    assert recent.size == 6
    size, last_id, mark, groups = recent.get("a")
    assert (size, last_id, mark) == (6, "e005", 6)
    assert [r.id for r in groups["t1"]] == [f"e{i:03d}" for i in range(6)]
    assert all(type(r) is EventRecord for r in groups["t1"])


def test_remembered_events_are_plain_columns_the_collector_stops_tracking():
    recent = _RecentEvents(100, clock=Clock())
    recent.put({"a": entry(5)})
    gc.collect()
    _, (_, _, _, groups) = recent.sessions["a"]
    ids, kinds, times, payloads, targets = groups["t1"]
    assert [gc.is_tracked(c) for c in (ids, kinds, times, targets)] == [False] * 4
    assert kinds[0] is kinds[1] and targets[0] is targets[1]  # shared strings
    assert payloads == ({},) * 5
