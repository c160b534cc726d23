"""Summaries of a whole caseload against a raw SQL read of the same events, same run.

A caseload of ``--clients`` clients x 10 targets (one of each measurement type, two DTT) x
``--sessions`` primary sessions is generated straight into a SQLite file with
``bdc.models.bulk.insert_many``: 5-20 events per target and session (a session of 30 minutes),
plus a reliability session on every fifth primary session (20 % IOA coverage), a void in 2 %
of target-sessions and a pause in 5 % of sessions; per target a baseline (8-20 sessions), one
to ``--revisions`` intervention phases and a maintenance phase (the last 20-50 sessions);
mastery criteria on the skill targets and an aim line on one.

Timed, on the same file and in the same process:

(a) service: every target's summary (:func:`bdc.services.summaries.summaries_for`, the code
    behind ``GET /targets/<id>/summary``) inside an app context, targets and their phases
    read first. It reads the stored session values (``session_values``, filled here after
    generation with the code of ``bdc recompute-values``, as sync fills them), not the events;
(b) raw: for each client, the sessions and the events of the same sessions and targets with
    plain ``sqlite3`` and ``fetchall``, nothing else: what any summary built from the events
    would have to read at the least.

The ratio (a) / (b) is the figure that matters (target: 1.0 or lower); absolute times vary
with the machine. Each side runs ``--rounds`` times, alternating, after one untimed warm-up
read of the whole file; the best wall-clock time and the best CPU time (this process, user +
system: steadier on a shared machine) of each side are reported. ``--breakdown`` adds the CPU
time of the service's stages: reading the stored values, analysis.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

from bdc import create_app  # noqa: E402
from bdc.extensions import db  # noqa: E402
from bdc.models import Assignment, Client, Event, Phase, Session, Target, User  # noqa: E402
from bdc.models.bulk import insert_many  # noqa: E402
from bdc.services import session_values  # noqa: E402

PROMPTS = ["independent", "gestural", "model", "physical"]
STEPS = [f"step {i + 1}" for i in range(10)]
MASTERY = {"percent": 80.0, "consecutive": 3, "min_trials": 5, "min_observers": 1}
# name, measurement, direction, params, mastery
TARGETS = [
    ("Aggression", "frequency", "decrease", {}, None),
    ("Elopement", "rate", "decrease", {}, None),
    ("Tantrum", "duration", "decrease", {}, None),
    ("Latency to comply", "latency", "decrease", {}, None),
    (
        "Stereotypy",
        "partial_interval",
        "decrease",
        {"interval_seconds": 60, "observation_minutes": 30},
        None,
    ),
    ("Tacts", "dtt", "increase", {"prompt_levels": PROMPTS, "trials_per_session": 20}, MASTERY),
    ("Receptive ID", "dtt", "increase", {"prompt_levels": PROMPTS}, MASTERY),
    (
        "Handwashing",
        "task_analysis",
        "increase",
        {"steps": STEPS, "prompt_levels": PROMPTS},
        MASTERY,
    ),
    ("Problem behavior", "abc", "decrease", {}, None),
    ("Engagement", "rating", "increase", {"scale_min": 1, "scale_max": 5}, None),
]
SESSION_MINUTES = 30
FIRST_DAY = date(2025, 9, 1)


def new_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def session_days(count: int) -> list[date]:
    """School days (Monday to Friday) from FIRST_DAY."""
    days, day = [], FIRST_DAY
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def events_for(rng, measurement, session_id, target_id, start, progress):
    """5-20 events of one target in one session; ``progress`` 0..1 moves the behavior."""
    n = rng.randint(5, 20)
    span = SESSION_MINUTES * 60 - 1
    out = []

    def add(kind, data, seconds):
        out.append(
            {
                "id": new_id(rng),
                "session_id": session_id,
                "target_id": target_id,
                "kind": kind,
                "t": start + timedelta(seconds=seconds),
                "data": data,
            }
        )

    p = 0.25 + 0.65 * progress  # chance of a correct / independent response
    if measurement in ("frequency", "rate"):
        for s in sorted(rng.uniform(0, span) for _ in range(n)):
            add("count", {}, s)
    elif measurement == "abc":
        for s in sorted(rng.uniform(0, span) for _ in range(n)):
            data = {
                "antecedent": rng.choice(["demand", "denied access", "transition", "alone"]),
                "behavior": rng.choice(["hit", "scream", "drop"]),
                "consequence": rng.choice(["demand removed", "attention", "item given", "none"]),
            }
            add("abc", data, s)
    elif measurement == "duration":
        for k in range(max(1, n // 2)):
            episode = {"episode": new_id(rng)}
            s = k * span / max(1, n // 2)
            add("duration_start", episode, s)
            add("duration_stop", episode, s + rng.uniform(5, 60))
    elif measurement == "latency":
        for k in range(n):
            add("latency", {"seconds": round(rng.uniform(1, 30) * (1.2 - progress), 2)}, k * 60)
    elif measurement == "partial_interval":
        for k in range(n):
            add("interval", {"index": k, "scored": rng.random() > p}, k * 60 + 59)
    elif measurement == "dtt":
        for k in range(n):
            correct = rng.random() < p
            prompt = "independent" if correct else rng.choice(PROMPTS)
            add(
                "trial", {"result": "correct" if correct else "incorrect", "prompt": prompt}, k * 20
            )
    elif measurement == "task_analysis":
        for k in range(min(n, len(STEPS))):
            correct = rng.random() < p
            data = {
                "step": k,
                "result": "correct" if correct else "incorrect",
                "prompt": "independent" if correct else "model",
            }
            add("step", data, k * 30)
    else:  # rating
        for k in range(n):
            add("rating", {"value": rng.randint(1, 2) + round(3 * progress)}, k * 90)
    if rng.random() < 0.02:  # an undo
        victim = rng.choice(out)
        add("void", {"voids": victim["id"]}, (victim["t"] - start).total_seconds() + 1)
    return out


REVISIONS = ["Intervention", "Intervention (revised)", "Schedule thinning"]


def phase_plan(rng: random.Random, sessions: int, revisions: int) -> list[tuple[str, str, int]]:
    """Baseline (8-20 sessions), 1..``revisions`` intervention phases (each at least 20
    sessions; a plan revised now and then over the year), maintenance (the last 20-50)."""
    baseline = rng.randint(8, 20)
    maintenance = sessions - rng.randint(20, 50)
    count = rng.randint(1, max(1, min(revisions, (maintenance - baseline) // 20)))
    span = (maintenance - baseline) / count
    starts = [baseline + round(i * span + (rng.uniform(-5, 5) if i else 0)) for i in range(count)]
    return [
        ("baseline", "Baseline", 0),
        *(("intervention", REVISIONS[i % len(REVISIONS)], start) for i, start in enumerate(starts)),
        ("maintenance", "Maintenance", maintenance),
    ]


def build(path: Path, clients: int, sessions: int, seed: int, revisions: int = 3) -> dict[str, int]:
    """Create the caseload in a fresh SQLite file; answer the row counts."""
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "ENV": "bench", "SECRET_KEY": "b"})
    rng = random.Random(seed)
    sizes = dict.fromkeys(("clients", "targets", "sessions", "reliability", "events"), 0)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        staff = [
            User(username=f"{role}{i}", role=role, password_hash="x")
            for i, role in enumerate(["bcba", "technician", "technician", "therapist"])
        ]
        db.session.add_all(staff)
        db.session.flush()
        days = session_days(sessions)
        now = datetime.now(UTC)
        for c in range(clients):
            client = Client(code=f"B-{c:04d}", name=f"Bench learner {c}")
            db.session.add(client)
            db.session.flush()
            db.session.add_all(Assignment(user_id=u.id, client_id=client.id) for u in staff)
            targets = []
            for name, measurement, direction, params, mastery in TARGETS:
                target = Target(
                    client_id=client.id,
                    name=name,
                    measurement=measurement,
                    params=params,
                    direction=direction,
                    mastery=mastery,
                )
                if name == "Aggression":
                    target.aim = {
                        "start_date": days[0].isoformat(),
                        "start_value": 15.0,
                        "end_date": days[-1].isoformat(),
                        "end_value": 2.0,
                    }
                targets.append(target)
            db.session.add_all(targets)
            db.session.flush()
            for target in targets:
                for kind, label, first in phase_plan(rng, sessions, revisions):
                    db.session.add(
                        Phase(target_id=target.id, kind=kind, label=label, start_date=days[first])
                    )
            session_rows, event_rows = [], []
            target_ids = [t.id for t in targets]
            for i, day in enumerate(days):
                start = datetime(day.year, day.month, day.day, 9, tzinfo=UTC) + timedelta(
                    minutes=rng.randrange(0, 6 * 60, 5)
                )
                observers = [(staff[1 + i % 2], "primary", start, SESSION_MINUTES)]
                if i % 5 == 0:
                    observers.append((staff[3], "reliability", start + timedelta(minutes=2), 25))
                for observer, role, begin, minutes in observers:
                    sid = new_id(rng)
                    session_rows.append(
                        {
                            "id": sid,
                            "client_id": client.id,
                            "observer_id": observer.id,
                            "role": role,
                            "kind": "observation",
                            "started_at": begin,
                            "ended_at": begin + timedelta(minutes=minutes),
                            "setting": "clinic",
                            "device_id": "bench",
                            "target_ids": target_ids,
                            "received_at": now,
                        }
                    )
                    for target in targets:
                        event_rows += events_for(
                            rng, target.measurement, sid, target.id, begin, i / sessions
                        )
                    if rng.random() < 0.05:
                        for kind, minute in (("pause", 10), ("resume", 12)):
                            event_rows.append(
                                {
                                    "id": new_id(rng),
                                    "session_id": sid,
                                    "target_id": None,
                                    "kind": kind,
                                    "t": begin + timedelta(minutes=minute),
                                    "data": {},
                                }
                            )
                    sizes["reliability" if role == "reliability" else "sessions"] += 1
            insert_many(db.session, Session.__table__, session_rows)
            for k in range(0, len(event_rows), 20_000):
                insert_many(
                    db.session,
                    Event.__table__,
                    event_rows[k : k + 20_000],
                    shared={"received_at": now, "recorded_by": staff[1].id},
                )
            db.session.commit()
            sizes["clients"] += 1
            sizes["targets"] += len(targets)
            sizes["events"] += len(event_rows)
            if (c + 1) % 10 == 0:
                print(f"  generated {c + 1}/{clients} clients", flush=True)
        # What sync stores with the events: each target's value per session (the code of
        # `bdc recompute-values`).
        with Clock() as clock:
            sizes["stored values"] = session_values.rebuild(db.session.connection())
            db.session.commit()
        print(f"  stored {sizes['stored values']:,} session values in {clock.wall:.0f} s")
        db.engine.dispose()
    return sizes


RAW_SESSIONS = (
    "select id, observer_id, role, started_at, ended_at, target_ids from sessions "
    "where client_id = ? and kind = 'observation' order by started_at, id"
)


def raw_events_sql(targets: int) -> str:
    marks = ", ".join("?" * targets)
    return (
        "select e.session_id, e.target_id, e.id, e.kind, e.t, e.data from events e "
        "join sessions s on s.id = e.session_id "
        "where s.client_id = ? and s.kind = 'observation' "
        f"and (e.target_id in ({marks}) or e.target_id is null)"
    )


class Clock:
    """Wall-clock and CPU time (this process: user + system) of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def time_raw(path: Path) -> tuple[Clock, int]:
    """The floor: each client's sessions and events with plain sqlite3 and fetchall."""
    raw = sqlite3.connect(path)
    clients = raw.execute("select id from clients order by code").fetchall()
    targets = {
        cid: [t for (t,) in raw.execute("select id from targets where client_id = ?", (cid,))]
        for (cid,) in clients
    }
    rows = 0
    with Clock() as clock:
        for (cid,) in clients:
            ids = sorted(targets[cid])
            raw.execute(RAW_SESSIONS, (cid,)).fetchall()
            rows += len(raw.execute(raw_events_sql(len(ids)), (cid, *ids)).fetchall())
    raw.close()
    return clock, rows


def time_service(app, profile: bool = False) -> tuple[Clock, int]:
    from bdc.services.summaries import summaries_for

    with app.app_context():
        profiler = cProfile.Profile() if profile else None
        with Clock() as clock:
            if profiler:
                profiler.enable()
            targets = db.session.scalars(
                select(Target).options(selectinload(Target.phases)).order_by(Target.client_id)
            ).all()
            summaries = summaries_for(targets)
            if profiler:
                profiler.disable()
        assert len(summaries) == len(targets)
        count = len(summaries)
        db.session.remove()
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return clock, count


def breakdown(app) -> dict[str, float]:
    """CPU seconds of the service's two stages, run stage by stage over every client."""
    from bdc.services import series
    from bdc.services.summaries import compute_summary

    spent = dict.fromkeys(("stored values", "analysis"), 0.0)
    with app.app_context():
        targets = db.session.scalars(
            select(Target).options(selectinload(Target.phases)).order_by(Target.client_id)
        ).all()
        by_client: dict[str, list[Target]] = {}
        for target in targets:
            by_client.setdefault(target.client_id, []).append(target)
        for group in by_client.values():
            with Clock() as values:
                per_target = series.client_values(group)
            with Clock() as analysis:
                for target in group:
                    compute_summary(target, per_target[target.id])
            spent["stored values"] += values.cpu
            spent["analysis"] += analysis.cpu
        db.session.remove()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--sessions", type=int, default=300, help="primary sessions a client")
    parser.add_argument("--rounds", type=int, default=3, help="best of N for each side")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument(
        "--revisions",
        type=int,
        default=3,
        help="at most this many intervention phases a target (1: baseline, one intervention,"
        " maintenance)",
    )
    parser.add_argument("--db", type=Path, help="keep the generated file here (reused if present)")
    parser.add_argument("--profile", action="store_true", help="cProfile one service round")
    parser.add_argument(
        "--breakdown", action="store_true", help="also time the service's stages (CPU)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "caseload.db"
        if not path.exists():
            print(f"generating {args.clients} clients x 10 targets x {args.sessions} sessions")
            t0 = time.perf_counter()
            sizes = build(path, args.clients, args.sessions, args.seed, args.revisions)
            print(f"  done in {time.perf_counter() - t0:.0f} s: {json.dumps(sizes)}")
        raw = sqlite3.connect(path)
        counts = {
            name: raw.execute(sql).fetchone()[0]
            for name, sql in (
                ("clients", "select count(*) from clients"),
                ("targets", "select count(*) from targets"),
                ("primary sessions", "select count(*) from sessions where role = 'primary'"),
                ("reliability sessions", "select count(*) from sessions where role != 'primary'"),
                ("events", "select count(*) from events"),
            )
        }
        raw.close()
        target_sessions = (
            counts["targets"] * counts["primary sessions"] // max(1, counts["clients"])
        )
        print(
            "caseload: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()),
            f"({target_sessions:,} primary target-sessions); {path.stat().st_size / 2**20:.0f} MiB",
        )

        app = create_app({"DATABASE_URL": f"sqlite:///{path}", "ENV": "bench", "SECRET_KEY": "b"})
        import scipy.stats  # noqa: F401  (imported once by any long-running server)

        time_raw(path)  # warm the page cache for both sides
        if args.profile:
            time_service(app, profile=True)
            return
        raws: list[Clock] = []
        services: list[Clock] = []
        for _ in range(args.rounds):
            gc.collect()
            clock, rows = time_raw(path)
            raws.append(clock)
            gc.collect()
            clock, summaries = time_service(app)
            services.append(clock)
            print(
                f"  round: raw {raws[-1].wall:.2f} s ({raws[-1].cpu:.2f} s CPU), "
                f"service {clock.wall:.2f} s ({clock.cpu:.2f} s CPU)"
            )
        for what in ("wall", "cpu"):
            raw_best = min(getattr(c, what) for c in raws)
            service_best = min(getattr(c, what) for c in services)
            label = "wall-clock" if what == "wall" else "CPU"
            print(
                f"{label:>10}: raw read of {rows:,} event rows {raw_best:7.2f} s; "
                f"{summaries:,} target summaries {service_best:7.2f} s; "
                f"ratio {service_best / raw_best:.2f} (target <= 1.0)"
            )
        if args.breakdown:
            spent = breakdown(app)
            raw_cpu = min(c.cpu for c in raws)
            print(
                "service stages (CPU): "
                + ", ".join(f"{k} {v:.2f} s ({v / raw_cpu:.2f} x raw)" for k, v in spent.items())
            )


if __name__ == "__main__":
    main()
