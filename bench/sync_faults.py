"""Fault injection for the whole sync protocol: many generated scenarios, one tally.

Each scenario plays tablets (two of one technician, one of another) recording taps, undos,
session ends and incidents while their batches meet lost answers, server failures that roll
back, replays, reordering, repeats, entries sent ahead of their session, altered copies of
held ids and syncs at the same moment; then every tablet drains its outbox without faults and
the server's rows are compared with what the tablets recorded (tests/sync_faults_model.py).
Real HTTP (Flask test client), a real SQLite file (or BDC_DATABASE_URL). Prints runs,
entries, lost, duplicated, stranded; all but runs and entries must be 0.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fixtures import migrated_app, technician_with_target  # noqa: E402
from tests.sync_faults_model import Tally, World, random_steps  # noqa: E402

PASSWORD = "bench-password"


def setup(url: str):
    app = migrated_app(url)
    with app.app_context():
        devices = []
        for tech_name, tablets in (("tech-a", 2), ("tech-b", 1)):
            _, client_id, target_id = technician_with_target(tech_name, PASSWORD, f"F-{tech_name}")
            http = app.test_client(use_cookies=False)
            for _ in range(tablets):
                token = http.post(
                    "/api/v1/auth/login", json={"username": tech_name, "password": PASSWORD}
                ).get_json()["token"]
                devices.append(({"Authorization": f"Bearer {token}"}, client_id, target_id))
    return app, devices


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=1800, help="stop early after this long")
    parser.add_argument("--steps", type=int, default=30, help="steps per scenario (at most)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    # Injected server failures are logged with a traceback each; the tally says what matters.
    logging.getLogger("bdc").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as tmp:
        url = os.environ.get("BDC_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'faults.db'}"
        app, devices = setup(url)
        total = Tally()
        started = time.perf_counter()
        with app.app_context():
            for run in range(args.runs):
                if time.perf_counter() - started > args.seconds:
                    break
                rng = random.Random(args.seed * 1_000_003 + run)
                steps = random_steps(rng, len(devices), rng.randint(5, args.steps))
                total.add(World(app, devices, seed=rng.randrange(2**32)).run(steps))
                if total.runs % 1000 == 0:
                    elapsed = time.perf_counter() - started
                    print(f"  {total.runs:,} runs in {elapsed:,.0f} s", file=sys.stderr, flush=True)
        elapsed = time.perf_counter() - started
    print(f"database     {'PostgreSQL' if url.startswith('postgresql') else 'SQLite file'}")
    print(f"runs         {total.runs:>10,}   ({elapsed:,.0f} s, {total.requests:,} requests)")
    print(f"entries      {total.entries:>10,}")
    print(f"lost         {total.lost:>10,}")
    print(f"duplicated   {total.duplicated:>10,}")
    print(f"stranded     {total.stranded:>10,}")
    print(f"unexpected   {total.unexpected:>10,}")
    for note in total.notes[:10]:
        print("  ", note)
    sys.exit(0 if total.clean else 1)


if __name__ == "__main__":
    main()
