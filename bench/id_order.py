"""Syncs into a database that already holds many events: ids as the PWA makes them
(time-ordered, UUID version 7) against random ids (version 4), same run.

Every event's id goes into the events table's primary-key index. Once that index outgrows
the database's page cache, random ids land each in a page of its own, so a sync of 20
events reads and writes about 20 index pages; ids made one after another land together at
the index's growing end. A clinic of 50 technicians adds some 150,000 events a day, so its
index is past a million within a fortnight. Each round builds a database, fills it with
``--history`` events of random ids (what an older database holds, whatever comes next),
then times ``--tablets`` tablets syncing 20 events ``--rounds`` times each through the
Flask test client (HTTP without a server: the database's share is what differs). The mean,
not the median: the checkpoints that copy the log's pages back into the file are part of
what a sync costs, and random ids make them more frequent and larger. The
ratio (ordered / random, mean time a sync) is the figure; below 1 means ordered ids are
cheaper.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bdc import create_app  # noqa: E402
from bdc.extensions import db  # noqa: E402
from bdc.models.base import new_id  # noqa: E402
from bench.fixtures import random_id  # noqa: E402
from bench.load import PASSWORD, Tablet, build  # noqa: E402

ID_MAKERS = {"random (v4)": random_id, "ordered (v7)": new_id}
_INSERT = (
    "insert into events (id, session_id, target_id, kind, t, data, received_at, recorded_by) "
    "values (?, ?, ?, ?, ?, ?, ?, ?)"
)
_THEN = "2026-01-05 10:00:00.000000"  # the history's times, as SQLAlchemy stores them


def _history(path: Path, session_id: str, target_id: str, events: int) -> None:
    """``events`` count events of random ids into one session, straight into the file."""
    raw = sqlite3.connect(path, isolation_level=None)
    [user_id] = raw.execute(
        "select observer_id from sessions where id = ?", (session_id,)
    ).fetchone()
    raw.execute("begin")
    raw.executemany(
        _INSERT,
        (
            (random_id(), session_id, target_id, "count", _THEN, "{}", _THEN, user_id)
            for _ in range(events)
        ),
    )
    raw.execute("commit")
    raw.execute("pragma wal_checkpoint(TRUNCATE)")
    raw.close()


def seconds_a_sync(
    make_id, *, history: int, tablets: int, rounds: int, seed: int
) -> tuple[float, float]:
    """(mean, 99th percentile) seconds a sync of ``tablets`` tablets' ``rounds`` syncs after
    the history."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite:///{path}"
        world = build(url, tablets + 1, max(1, (tablets + 1) // 2), 1)
        app = create_app({"DATABASE_URL": url, "ENV": "bench", "SECRET_KEY": "id-order"})
        http = app.test_client(use_cookies=False)
        rng = random.Random(seed)
        devices = []
        for username, client_id in world["techs"]:
            answer = http.post(
                "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
            )
            token = answer.get_json()["token"]
            targets = world["targets"][client_id]
            devices.append((token, Tablet(None, token, client_id, targets, 20, rng, make_id)))

        def sync(token: str, tablet: Tablet) -> None:
            body, _ = tablet.batch()
            answer = http.post(
                "/api/v1/sync",
                data=json.dumps(body),
                headers={"Authorization": f"Bearer {token}"},
                content_type="application/json",
            )
            assert answer.status_code == 200 and not answer.get_json()["rejected"], answer.data
            tablet.first = False

        keeper, *devices = devices  # its session holds the history
        sync(*keeper)
        _history(path, keeper[1].session["id"], keeper[1].targets[0][0], history)
        for device in devices:
            sync(*device)  # each opens its session
        times = []
        for _ in range(rounds):
            for device in devices:
                started = time.perf_counter()
                sync(*device)
                times.append(time.perf_counter() - started)
        with app.app_context():
            db.engine.dispose()
        return statistics.fmean(times), statistics.quantiles(times, n=100)[98]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=1_000_000, help="events held before")
    parser.add_argument("--tablets", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=10, help="syncs a tablet")
    parser.add_argument("--repeat", type=int, default=2, help="databases a kind of id, alternating")
    args = parser.parse_args(argv)
    means: dict[str, list[float]] = {name: [] for name in ID_MAKERS}
    for repeat in range(args.repeat):
        for name, make_id in ID_MAKERS.items():
            mean, p99 = seconds_a_sync(
                make_id,
                history=args.history,
                tablets=args.tablets,
                rounds=args.rounds,
                seed=repeat,
            )
            means[name].append(mean)
            print(
                f"{name:14s} mean {1000 * mean:6.2f} ms a sync, p99 {1000 * p99:6.2f} ms",
                flush=True,
            )
    best = {name: min(times) for name, times in means.items()}
    ratio = best["ordered (v7)"] / best["random (v4)"]
    print(
        f"history {args.history:,} events, {args.tablets} tablets x {args.rounds} syncs of 20 "
        f"events, best of {args.repeat}"
    )
    print(f"ratio (ordered / random)   {ratio:.2f}   target < 1")
    return best


if __name__ == "__main__":
    main()
