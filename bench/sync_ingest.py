"""Events per second through POST /api/v1/sync against raw sqlite3.executemany, same run.

Both sides write the same rows, in 500-event batches, one commit per batch, to durable SQLite
files (WAL, synchronous=FULL); the API's database also checks every foreign key, which the
raw side cannot (its sessions, targets and users are not there). The API side goes
through the whole stack: HTTP request (Flask test client), authentication, JSON parsing,
per-event validation, permission checks, duplicate detection, insert and audit. The ratio
(API rate / raw rate) is the figure that matters; absolute rates vary with the machine.
Target: 0.5 or better.

The API side also stores each touched target's session value (``session_values``): sync
folds the batch's taps into where the session's last measure got to
(``bdc.measures.measure_more``), and checks that it knows all of the session's stored
events from the index entries after the last one it saw, so a batch costs about the same
whatever the size of the session it adds to. ``--session-events`` sets how many events
each session holds (default: all of them in one session, 20,000 taps at 4 a second, the
worst case; 500 is a long, busy clinic session).

Ids are made as the PWA makes them (time-ordered, UUID version 7); ``--random-ids`` makes
them as it did before (version 4), the figures of docs/performance.md's earlier passes.
Ordered ids make both sides faster, the raw side more (its whole time is the insert).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bdc.extensions import db  # noqa: E402
from bdc.models.base import new_id  # noqa: E402
from bench.fixtures import (  # noqa: E402
    add_ids_option,
    id_maker,
    migrated_app,
    technician_with_target,
)

BATCH = 500


START = datetime(2026, 11, 2, 15, tzinfo=UTC)
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a UTC time on SQLite


def make_batches(
    session_ids: list[str], target_id: str, total: int, make_id=new_id
) -> list[list[dict]]:
    """``total`` count events, spread evenly over the sessions in order, with ids made by
    ``make_id``."""
    per_session = -(-total // len(session_ids))
    events = [
        {
            "id": make_id(),
            "session_id": session_ids[i // per_session],
            "target_id": target_id,
            "kind": "count",
            "t": (START + timedelta(milliseconds=250 * i)).isoformat(),
            "data": {},
        }
        for i in range(total)
    ]
    return [events[i : i + BATCH] for i in range(0, total, BATCH)]


def setup_app(folder: Path):
    app = migrated_app(f"sqlite:///{folder / 'api.db'}")
    with app.app_context():
        return app, *technician_with_target("tech", "bench-password", "B-1")


def run_api(app, client_id: str, batches: list[list[dict]], session_ids: list[str]) -> float:
    http = app.test_client(use_cookies=False)
    token = http.post(
        "/api/v1/auth/login", json={"username": "tech", "password": "bench-password"}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    sessions = [
        {"id": session_id, "client_id": client_id, "started_at": START.isoformat()}
        for session_id in session_ids
    ]
    http.post("/api/v1/sync", json={"sessions": sessions}, headers=headers)
    bodies = [json.dumps({"events": batch}) for batch in batches]
    started = time.perf_counter()
    for body in bodies:
        answer = http.post(
            "/api/v1/sync", data=body, headers=headers, content_type="application/json"
        )
        assert answer.status_code == 200 and not answer.get_json()["rejected"], answer.get_json()
    return time.perf_counter() - started


def run_raw(folder: Path, user_id: str, batches: list[list[dict]], schema_from: Path) -> float:
    """The floor: the same rows straight into the same table with sqlite3.executemany."""
    path = folder / "raw.db"
    source = sqlite3.connect(schema_from)
    tables = [
        row[0]
        for row in source.execute(
            "select sql from sqlite_master where type in ('table','index') and sql is not null"
        )
    ]
    source.close()
    raw = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=OFF"):
        raw.execute(f"PRAGMA {pragma}")
    for statement in tables:
        raw.execute(statement)
    now = datetime.now(UTC).strftime(SQLITE_TIME)
    rows = [
        [
            (
                e["id"],
                e["session_id"],
                e["target_id"],
                e["kind"],
                datetime.fromisoformat(e["t"]).strftime(SQLITE_TIME),
                json.dumps(e["data"]),
                now,
                user_id,
            )
            for e in batch
        ]
        for batch in batches
    ]
    sql = (
        "insert into events (id, session_id, target_id, kind, t, data, received_at, "
        "recorded_by) values (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    started = time.perf_counter()
    for batch in rows:
        raw.execute("begin")
        raw.executemany(sql, batch)
        raw.execute("commit")
    elapsed = time.perf_counter() - started
    raw.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3, help="best of N for each side")
    parser.add_argument(
        "--session-events", type=int, help="events a session (default: all in one session)"
    )
    add_ids_option(parser)
    args = parser.parse_args()
    make_id = id_maker(args)
    with tempfile.TemporaryDirectory() as tmp:
        api_seconds, raw_seconds = [], []
        for round_ in range(args.rounds):
            folder = Path(tmp) / f"round{round_}"
            folder.mkdir()
            app, user_id, client_id, target_id = setup_app(folder)
            per_session = args.session_events or args.events
            session_ids = [make_id() for _ in range(-(-args.events // per_session))]
            batches = make_batches(session_ids, target_id, args.events, make_id)
            with app.app_context():
                api_seconds.append(run_api(app, client_id, batches, session_ids))
                db.engine.dispose()
            raw_seconds.append(run_raw(folder, user_id, batches, folder / "api.db"))
    api_rate = args.events / min(api_seconds)
    raw_rate = args.events / min(raw_seconds)
    per_session = args.session_events or args.events
    print(
        f"events: {args.events} in batches of {BATCH}, {per_session} a session, "
        f"{'random' if args.random_ids else 'time-ordered'} ids, best of {args.rounds}"
    )
    print(f"POST /api/v1/sync      {api_rate:12,.0f} events/s")
    print(f"sqlite3.executemany    {raw_rate:12,.0f} events/s")
    print(f"ratio (api / raw)      {api_rate / raw_rate:12.2f}   target >= 0.50")


if __name__ == "__main__":
    main()
