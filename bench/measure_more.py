"""What a sync's measuring costs in a long session against a short one, same run.

Sync folds a batch's new events into where the session's last measure got to
(``bdc.measures.measure_more``) and finishes the value again. The fold takes only the new
events; the finish reads the folded state, and if that state is every trial or episode so
far, each sync of a long session costs more than the last. For every measurement, a session
already holding ``--long`` of the target's events and one holding ``--short`` each fold in
the same ``--more`` new events; the ratio long / short is the figure (1.0: a sync costs the
same however long its session has run). Best of ``--rounds`` timings of ``--repeat`` calls.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bdc.measures import MEASUREMENTS, EventRecord, measure_more, tally_session  # noqa: E402

STARTED = datetime(2026, 11, 2, 9, tzinfo=UTC)
PARAMS = {
    "interval_seconds": 10,
    "observation_minutes": 5,
    "prompt_levels": ["independent", "gestural", "model"],
    "steps": ["a", "b", "c", "d"],
}


def events(measurement: str, first: int, count: int) -> list[EventRecord]:
    """``count`` events of the kinds ``measurement`` reads, the ``first``-th on, 3 s apart
    (a duration's episodes: a start and, a second later, its stop)."""
    out = []
    for i in range(first, first + count):
        t = STARTED + timedelta(seconds=3 * i)
        kind, data = {
            "frequency": ("count", {}),
            "rate": ("count", {}),
            "latency": ("latency", {"seconds": float(i % 7)}),
            "partial_interval": ("interval", {"index": i, "scored": i % 3 == 0}),
            "whole_interval": ("interval", {"index": i, "scored": i % 3 == 0}),
            "momentary_time_sampling": ("interval", {"index": i, "scored": i % 3 == 0}),
            "dtt": ("trial", {"result": "correct", "prompt": ("independent", "model")[i % 2]}),
            "task_analysis": ("step", {"step": i % 4, "result": "correct"}),
            "rating": ("rating", {"value": float(i % 5 + 1)}),
            "abc": ("abc", {"behavior": "hit", "antecedent": "demand"}),
        }.get(measurement, ("count", {}))
        if measurement == "duration":
            episode = {"episode": f"e{i}"}
            out.append(EventRecord(f"s{i:07d}", "duration_start", t, episode, "t1"))
            t, kind, data = t + timedelta(seconds=1), "duration_stop", episode
        out.append(EventRecord(f"e{i:07d}", kind, t, data, "t1"))
    return out


def seconds_a_sync(measurement: str, held: int, more: int, repeat: int, rounds: int) -> float:
    """Best time of one measure_more of ``more`` new events after ``held`` earlier ones."""
    _, tally = tally_session(
        measurement, PARAMS, events(measurement, 0, held), started=STARTED, ended=None
    )
    new = events(measurement, held, more)
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        for _ in range(repeat):
            answer = measure_more(
                tally,
                new,
                measurement=measurement,
                params=PARAMS,
                started=STARTED,
                ended=None,
                session_events=0,
            )
        best = min(best, (time.perf_counter() - began) / repeat)
        if answer is None:
            raise SystemExit(f"{measurement}: measure_more could not go on from the tally")
    return best


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", type=int, default=20, help="events held before, short session")
    parser.add_argument("--long", type=int, default=2000, help="events held before, long session")
    parser.add_argument("--more", type=int, default=4, help="new events a sync")
    parser.add_argument("--repeat", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"measure_more of {args.more} new events after {args.short} and after {args.long}")
    print(f"{'measurement':24s} {'short':>9s} {'long':>9s} {'long/short':>10s}")
    rows = []
    for measurement in MEASUREMENTS:
        short, long = (
            seconds_a_sync(measurement, held, args.more, args.repeat, args.rounds)
            for held in (args.short, args.long)
        )
        rows.append((measurement, short, long))
        print(f"{measurement:24s} {short * 1e6:7.1f} µs {long * 1e6:7.1f} µs {long / short:10.2f}")
    return rows


if __name__ == "__main__":
    main()
