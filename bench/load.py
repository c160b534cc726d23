"""A clinic's load on one server: N tablets syncing every few seconds while BCBAs read.

A fresh database (a SQLite file, or ``--database-url``) gets ``--clients`` clients with five
targets each, one technician per tablet and ``--readers`` BCBAs who see every client. The
server is gunicorn on 127.0.0.1 only (``--workers``, ``--worker-class``, ``--threads``). Then:

1. idle baseline: one tablet syncs alone (``--baseline`` syncs of ``--events`` events, one
   after the other); its median latency is the yardstick;
2. load, for ``--duration`` seconds: every tablet (signed in beforehand) opens a session and
   posts ``--events`` new events every ``--interval`` seconds (start times spread over the
   first interval), while each BCBA reads a target summary and a graph (PNG), pausing
   ``--read-pause`` seconds between reads. Every request has a ``--timeout``; the run ends
   when the duration is over and the requests in flight have answered or timed out.

It prints requests, errors by status, the number of "database is locked" errors (in answers
and in the server's log), p50/p95/p99 latency of syncs and of reads, the sync p99 of each
10 seconds of the run (where the slow ones were), events stored against
events sent (sent = in a sync answered 200), the idle median and the ratio p99 / idle p50
(goal: <= 10, with 0 errors, 0 locked and nothing lost).

``--runs N`` repeats steps 1 and 2 on the same server and database (new sessions each time)
and ends with every run's ratio and their median: on a shared machine one run's p99 can move
several-fold with nothing changed, so a single run says little.

The load generator is threads with one HTTP connection a request (``http.client``), on the
same machine: its own CPU use counts against the server, as a clinic's would not.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bdc.models.base import new_id  # noqa: E402  (the ids a tablet makes: pwa/js/ids.js)
from bench.fixtures import add_ids_option, id_maker  # noqa: E402

PASSWORD = "load-bench-password"
TARGETS = (
    ("Aggression", "frequency", {}),
    ("Elopement", "rate", {}),
    ("Requests", "frequency", {}),
    ("Receptive ID", "dtt", {"prompt_levels": ["independent", "gestural", "model"]}),
    ("Tantrum", "duration", {}),
)


def percentile(xs: list[float], q: float) -> float | None:
    """Linear interpolation between order statistics (numpy's default)."""
    if not xs:
        return None
    s = sorted(xs)
    h = (len(s) - 1) * q / 100
    lo = int(h)
    return s[lo] + (h - lo) * (s[min(lo + 1, len(s) - 1)] - s[lo])


# ---------------------------------------------------------------------------------------------
# the database and the server


def build(database_url: str, tablets: int, clients: int, readers: int) -> dict:
    """Users, clients and targets, straight through the models (cheap password hashes: the
    bench signs in hundreds of tablets before it starts timing)."""
    from flask_migrate import upgrade

    from bdc import create_app
    from bdc.extensions import db
    from bdc.models import Assignment, Client, Target
    from bdc.services import accounts

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "ENV": "bench",
            "SECRET_KEY": "load-bench",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    with app.app_context():
        upgrade()
        client_rows = []
        for c in range(clients):
            client = Client(code=f"L-{c:04d}", name=f"Load client {c}")
            db.session.add(client)
            client_rows.append(client)
        db.session.flush()
        targets = {}
        for client in client_rows:
            rows = [
                Target(client_id=client.id, name=name, measurement=m, params=p)
                for name, m, p in TARGETS
            ]
            db.session.add_all(rows)
            db.session.flush()
            targets[client.id] = [(t.id, t.measurement) for t in rows]
        techs = []
        for i in range(tablets):
            user = accounts.create_user(username=f"tech{i}", password=PASSWORD, role="technician")
            client = client_rows[i % clients]
            db.session.add(Assignment(user_id=user.id, client_id=client.id))
            techs.append((user.username, client.id))
        bcbas = []
        for i in range(readers):
            user = accounts.create_user(username=f"bcba{i}", password=PASSWORD, role="bcba")
            for client in client_rows:
                db.session.add(Assignment(user_id=user.id, client_id=client.id))
            bcbas.append(user.username)
        baseline = accounts.create_user(username="idle", password=PASSWORD, role="technician")
        first_client = client_rows[0].id
        db.session.add(Assignment(user_id=baseline.id, client_id=first_client))
        db.session.commit()
        db.engine.dispose()
    return {"targets": targets, "techs": techs, "bcbas": bcbas, "idle": ("idle", first_client)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args, database_url: str, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "BDC_DATABASE_URL": database_url,
        "BDC_SECRET_KEY": "load-bench",
        "BDC_ENV": "bench",
    }
    # what `bdc serve` runs (an older checkout may have no such file); the options override it
    config = ["--config", "python:bdc.gunicorn_conf"]
    if not (args.code / "bdc" / "gunicorn_conf.py").exists():
        config = []
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        *config,
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--bind",
        f"127.0.0.1:{port}",
        "bdc:create_app()",
    ]
    server = subprocess.Popen(
        command, env=env, cwd=args.code, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {log}") from None
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start within 60 s")


# ---------------------------------------------------------------------------------------------
# clients


@dataclass
class Stats:
    """What every request answered, shared by the threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict[str, list[float]] = field(default_factory=lambda: {"sync": [], "read": []})
    sync_started: list[float] = field(default_factory=list)  # monotonic, with latency["sync"]
    statuses: Counter = field(default_factory=Counter)
    locked: int = 0
    events_sent: int = 0
    events_attempted: int = 0
    events_refused: int = 0
    reasons: Counter = field(default_factory=Counter)

    def add(self, kind: str, seconds: float, status: int, body: bytes) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            if kind == "sync":
                self.sync_started.append(time.monotonic() - seconds)
            self.statuses[status] += 1
            if b"database is locked" in body:
                self.locked += 1


def request(port, method, path, *, token=None, body=None, timeout=30.0):
    """(status, body, seconds); status 0 for a timeout or a refused connection."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        return answer.status, data, time.perf_counter() - started
    except OSError as error:
        return 0, str(error).encode(), time.perf_counter() - started
    finally:
        connection.close()


def login(port: int, username: str) -> str:
    body = json.dumps({"username": username, "password": PASSWORD})
    status, data, _ = request(port, "POST", "/api/v1/auth/login", body=body)
    if status != 200:
        raise SystemExit(f"sign-in of {username} failed: {status} {data[:200]!r}")
    return json.loads(data)["token"]


class Tablet:
    """One device: a session on its client, ``events`` new count/trial/duration events a sync,
    its ids made by ``make_id`` (as the PWA makes them unless told)."""

    def __init__(self, port, token, client_id, targets, events, rng, make_id=new_id):
        self.port, self.token, self.rng = port, token, rng
        self.events = events
        self.targets = targets
        self.make_id = make_id
        self.started = datetime.now(UTC) - timedelta(seconds=1)
        self.session = {
            "id": make_id(),
            "client_id": client_id,
            "started_at": self.started.isoformat(),
            "target_ids": [t for t, _ in targets],
        }
        self.first = True

    def _event(self, target_id: str, measurement: str, now: datetime) -> list[dict]:
        base = {"session_id": self.session["id"], "target_id": target_id, "t": now.isoformat()}
        if measurement == "dtt":
            result = self.rng.choice(["correct", "incorrect"])
            data = {"result": result, "prompt": self.rng.choice(["independent", "model"])}
            return [{**base, "id": self.make_id(), "kind": "trial", "data": data}]
        if measurement == "duration":
            episode = {"episode": self.make_id()}
            stop = {**base, "t": (now + timedelta(milliseconds=500)).isoformat()}
            return [
                {**base, "id": self.make_id(), "kind": "duration_start", "data": episode},
                {**stop, "id": self.make_id(), "kind": "duration_stop", "data": episode},
            ]
        return [{**base, "id": self.make_id(), "kind": "count", "data": {}}]

    def batch(self) -> tuple[dict, int]:
        now = datetime.now(UTC)
        events: list[dict] = []
        while len(events) < self.events:
            target_id, measurement = self.rng.choice(self.targets)
            events += self._event(target_id, measurement, now)
        body = {"events": events}
        if self.first:
            body["sessions"] = [self.session]
        return body, len(events)

    def sync(self, stats: Stats | None, timeout: float) -> tuple[int, float]:
        body, n = self.batch()
        status, data, seconds = request(
            self.port,
            "POST",
            "/api/v1/sync",
            token=self.token,
            body=json.dumps(body),
            timeout=timeout,
        )
        if status == 200:
            self.first = False
        if stats is not None:
            stats.add("sync", seconds, status, data)
            with stats.lock:
                stats.events_attempted += n
            if status == 200:
                refused = json.loads(data).get("rejected", ())
                with stats.lock:
                    stats.events_sent += n
                    stats.events_refused += len(refused)
                    stats.reasons.update(r.get("reason", "") for r in refused)
        return status, seconds


def run_tablet(tablet: Tablet, stats: Stats, args, start_at: float, stop_at: float) -> None:
    next_at = start_at
    while next_at < stop_at and time.monotonic() < stop_at:  # bounded: no sync after the end
        time.sleep(max(0.0, next_at - time.monotonic()))
        tablet.sync(stats, args.timeout)
        next_at += args.interval


def run_reader(port, token, target_ids, stats, args, start_at, stop_at, rng) -> None:
    time.sleep(max(0.0, start_at - time.monotonic()))
    while time.monotonic() < stop_at:
        target_id = rng.choice(target_ids)
        for path in (
            f"/api/v1/targets/{target_id}/summary",
            f"/api/v1/targets/{target_id}/graph.png",
        ):
            status, data, seconds = request(port, "GET", path, token=token, timeout=args.timeout)
            stats.add("read", seconds, status, data)
        time.sleep(args.read_pause)


def stored_events(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(text("select count(*) from events")).scalar_one()
    engine.dispose()
    return count


def _locked_in(log: Path) -> int:
    return log.read_text(errors="replace").count("database is locked")


def ms(x: float | None) -> str:
    return "-" if x is None else f"{1000 * x:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=200)
    parser.add_argument("--readers", type=int, default=3, help="BCBAs reading")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--events", type=int, default=20, help="new events a sync")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between syncs")
    parser.add_argument("--read-pause", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request")
    parser.add_argument("--baseline", type=int, default=30, help="idle syncs before the load")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="per worker (gthread)")
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        help="the bdc checkout the server runs (default: this one; another one's migrations"
        " must be a subset of this one's), for before/after figures in the same conditions",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1, help="idle baseline and load, repeated")
    add_ids_option(parser)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'load.db'}"
        t0 = time.perf_counter()
        world = build(database_url, args.tablets, args.clients, args.readers)
        took = time.perf_counter() - t0
        print(f"built {args.tablets} tablets, {args.clients} clients in {took:.0f} s")
        log = Path(tmp) / "server.log"
        server, port = start_server(args, database_url, log)
        try:
            results = []
            for run in range(args.runs):
                if args.runs > 1:
                    print(f"--- run {run + 1} of {args.runs}")
                results.append(report(args, rng, world, port, database_url, log))
            if args.runs > 1:
                print(runs_summary(results))
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


@dataclass(frozen=True)
class RunResult:
    """What one run shows against the goal."""

    ratio: float | None  # sync p99 / idle p50
    errors: int  # answers other than 200
    locked: int  # "database is locked", in answers and in the server log
    sent: int  # events in syncs answered 200
    stored: int  # events the database gained


def runs_summary(results: list[RunResult]) -> str:
    """Every run's ratio, their median, and whether every run was clean (no errors, nothing
    locked, every event sent stored)."""
    ratios = [r.ratio for r in results if r.ratio is not None]
    median = percentile(ratios, 50)
    clean = all(r.errors == 0 and r.locked == 0 and r.stored == r.sent for r in results)
    shown = ", ".join(f"{r:.1f}" for r in ratios)
    return (
        f"runs: sync p99 / idle p50 {shown}; median "
        + ("-" if median is None else f"{median:.1f}")
        + " (goal <= 10); "
        + ("0 errors, 0 locked, every event stored in every run" if clean else "NOT CLEAN")
    )


def report(args, rng, world, port, database_url, log) -> RunResult:
    print(
        f"server: gunicorn {args.workers} x {args.worker_class}"
        + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
        + f" on 127.0.0.1, {database_url.split(':')[0]}"
    )
    idle_user, idle_client = world["idle"]
    make_id = id_maker(args)
    idle = Tablet(
        port,
        login(port, idle_user),
        idle_client,
        world["targets"][idle_client],
        args.events,
        rng,
        make_id,
    )
    idle.sync(None, args.timeout)  # opens its session; the server warms up
    idle_times = []
    for _ in range(args.baseline):
        status, seconds = idle.sync(None, args.timeout)
        if status != 200:
            raise SystemExit(f"idle sync answered {status}")
        idle_times.append(seconds)
        time.sleep(0.05)
    idle_p50 = percentile(idle_times, 50)
    print(
        f"idle: one tablet alone, {args.baseline} syncs of {args.events} events: p50 {ms(idle_p50)}"
    )

    tablets = [
        Tablet(
            port,
            login(port, username),
            client_id,
            world["targets"][client_id],
            args.events,
            random.Random(rng.random()),
            make_id,
        )
        for username, client_id in world["techs"]
    ]
    readers = [login(port, username) for username in world["bcbas"]]
    all_targets = [t for ts in world["targets"].values() for t, _ in ts]
    before = stored_events(database_url)
    locked_before = _locked_in(log)  # the log is the server's whole life, runs before this too
    stats = Stats()
    start = time.monotonic() + 1.0
    began_at = datetime.now(UTC) + timedelta(seconds=1.0)  # to line up with the server's logs
    stop = start + args.duration
    threads = [
        threading.Thread(
            target=run_tablet,
            args=(tablet, stats, args, start + args.interval * i / len(tablets), stop),
            daemon=True,
        )
        for i, tablet in enumerate(tablets)
    ]
    threads += [
        threading.Thread(
            target=run_reader,
            args=(port, token, all_targets, stats, args, start, stop, random.Random(i)),
            daemon=True,
        )
        for i, token in enumerate(readers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, stop - time.monotonic()) + args.timeout + 5)
    elapsed = time.monotonic() - start
    stored = stored_events(database_url) - before
    locked_in_log = _locked_in(log) - locked_before

    sync, read = stats.latency["sync"], stats.latency["read"]
    errors = {s: n for s, n in sorted(stats.statuses.items()) if s != 200}
    p99 = percentile(sync, 99)
    print(
        f"load: {args.tablets} tablets x {args.events} events every {args.interval:g} s, "
        f"{args.readers} BCBAs reading, {elapsed:.0f} s from {began_at:%H:%M:%S} UTC"
    )
    print(
        f"requests: {len(sync) + len(read)} ({len(sync)} syncs, {len(read)} reads), "
        f"{len(sync) / elapsed:.0f} syncs/s"
    )
    print(f"errors by status: {errors or 'none'}")
    print(f'"database is locked": {stats.locked} in answers, {locked_in_log} in the server log')
    print(
        f"sync latency: p50 {ms(percentile(sync, 50))}, p95 {ms(percentile(sync, 95))}, "
        f"p99 {ms(p99)}"
    )
    print(
        f"read latency: p50 {ms(percentile(read, 50))}, p95 {ms(percentile(read, 95))}, "
        f"p99 {ms(percentile(read, 99))}"
    )
    print(
        f"events: sent {stats.events_sent} in syncs answered 200 ({stats.events_refused} "
        f"refused), {stats.events_attempted} in all syncs (a timed-out sync may still be "
        f"stored: the tablet re-sends it), stored {stored}"
    )
    windows: dict[int, list[float]] = {}
    for began, seconds in zip(stats.sync_started, sync, strict=True):
        windows.setdefault(max(0, int((began - start) // 10)), []).append(seconds)
    print(
        "sync p99 by 10 s of the run: "
        + ", ".join(ms(percentile(windows[w], 99)) for w in sorted(windows))
    )
    for reason, n in stats.reasons.most_common(3):
        print(f"  refused {n}: {reason}")
    ratio = p99 / idle_p50 if p99 is not None and idle_p50 else None
    if ratio is not None:
        print(f"sync p99 / idle p50: {ratio:.1f} (goal <= 10)")
    return RunResult(
        ratio, sum(errors.values()), stats.locked + locked_in_log, stats.events_sent, stored
    )


if __name__ == "__main__":
    main()
