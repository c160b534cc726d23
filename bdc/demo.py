"""A realistic demo caseload for ``bdc demo`` (and ``make run``).

Five fictional learners, staff logins for every role, targets covering all eleven measurement
types, eight weeks of sessions with baseline and intervention phases, reliability (IOA)
sessions by a second observer, behaviour intervention plans and weekly fidelity checks; a
parent (the ``caregiver`` role) linked to one learner records a home-recordable target at home.

Everything goes through the real code paths: accounts, clients, targets, phases and plans
through :mod:`bdc.services`, and every session and event through :func:`bdc.sync.ingest` as the
observing user, one batch per client-week, exactly as the tablets would send them. A rejected
item is a bug (in the demo or in the server), so it raises instead of being dropped.

The caseload is data: ``bdc/demo_data/caseload.yaml`` (learners, staff, targets with their
measurement parameters, levels and phases, plans, note texts), read and checked by
:mod:`bdc.demo_specs`. This module is the process that turns it into sessions.

The data are generated from ``random.Random(2026)``, so two loads with the same ``today`` hold
the same sessions, events and values (database ids of users, clients and targets differ). The
eight weeks end the day before ``today``, so the graphs always look current.

Levels follow what a behaviour analyst expects to see: stable (noisy) baselines; after the
phase change, an exponential approach to the treated level in the therapeutic direction; an
extinction burst at the start of FCT + extinction; occasional bad days.
"""

from __future__ import annotations

import math
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from bdc.demo_documentation import load_documentation
from bdc.demo_specs import ClientSpec, StaffSpec, TargetSpec, load_caseload
from bdc.extensions import db
from bdc.models import Client, Plan, Target, User
from bdc.services import accounts, caregivers, caseload, programs
from bdc.sync import ingest

__all__ = ["DEMO_CASELOAD", "DEMO_PASSWORD", "DEMO_USERS", "DemoSummary", "load_demo"]

# The caseload itself (learners, staff, targets, phases, plans, note texts) is data:
# bdc/demo_data/caseload.yaml, read and checked by bdc.demo_specs. What follows is the process.
DEMO_CASELOAD = load_caseload()
DEMO_PASSWORD = DEMO_CASELOAD.password
DEMO_USERS: tuple[StaffSpec, ...] = DEMO_CASELOAD.staff

SEED = 2026
WEEKS = 8
DAYS = WEEKS * 7
RELIABILITY_SHARE = 0.33  # of primary sessions; a few are lost to the therapist's timetable
SLOPPY_RELIABILITY = (4, 23)  # the 5th and 24th reliability sessions disagree more (IOA ~70%)
TAU_DAYS = 7.0  # time constant of the approach to the treated level


@dataclass(frozen=True)
class DemoSummary:
    clients: int
    targets: int
    sessions: int
    events: int


# --- random helpers ------------------------------------------------------------------------------


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _lerp(a: float, b: float, p: float) -> float:
    return a + (b - a) * p


def _clamp(x: float, low: float, high: float) -> float:
    return min(high, max(low, x))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- one session's events ------------------------------------------------------------------------


@dataclass
class _Ev:
    """An event at ``offset`` seconds of observed (unpaused) session time."""

    offset: float
    kind: str
    data: dict[str, Any]
    target: str | None
    id: str = ""


@dataclass
class _Layout:
    """Interval observations of one session follow one another from ``cursor`` seconds."""

    cursor: float = 0.0


class _Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # Each returns the events of one target for one session of ``seconds`` observed seconds.

    def counts(self, tid: str, per_second: float, seconds: float) -> list[_Ev]:
        n = _poisson(self.rng, per_second * seconds)
        return [_Ev(self.rng.uniform(5, seconds - 5), "count", {}, tid) for _ in range(n)]

    def durations(
        self, tid: str, per_hour: float, mean_seconds: float, seconds: float
    ) -> list[_Ev]:
        rng = self.rng
        n = _poisson(rng, per_hour * seconds / 3600)
        starts = sorted(rng.uniform(10, seconds - 30) for _ in range(n))
        events: list[_Ev] = []
        free_from = 0.0
        for start in starts:
            start = max(start, free_from + 15)
            length = max(3.0, rng.gammavariate(2.0, mean_seconds / 2.0))
            stop = min(start + length, seconds - 2)
            if stop - start < 3:
                continue
            episode = _uuid(rng)
            events.append(_Ev(start, "duration_start", {"episode": episode}, tid))
            events.append(_Ev(stop, "duration_stop", {"episode": episode}, tid))
            free_from = stop
        return events

    def latencies(self, tid: str, mean: float, seconds: float) -> list[_Ev]:
        rng = self.rng
        n = rng.randint(5, 9)
        events = []
        for _ in range(n):
            value = _clamp(rng.lognormvariate(math.log(max(mean, 1.0)), 0.45), 1.0, 60.0)
            t = rng.uniform(value + 5, seconds - 5)
            # not started within the 60-s wait: a no-response trial, entered at the wait
            data = (
                {"seconds": 60, "no_response": True}
                if value >= 60
                else {"seconds": round(value, 1)}
            )
            events.append(_Ev(t, "latency", data, tid))
        return events

    def intervals(self, tid: str, params: dict, p: float, layout: _Layout) -> list[_Ev]:
        rng = self.rng
        step = params["interval_seconds"]
        n = math.ceil(params["observation_minutes"] * 60 / step)
        start = layout.cursor + rng.uniform(30, 120)
        layout.cursor = start + n * step
        # Behaviour comes in bouts: consecutive intervals are correlated.
        events, previous = [], rng.random() < p
        for index in range(n):
            scored = previous if rng.random() < 0.35 else rng.random() < p
            previous = scored
            value: bool | None = None if rng.random() < 0.01 else scored
            events.append(
                _Ev(start + (index + 1) * step, "interval", {"index": index, "scored": value}, tid)
            )
        return events

    def trials(
        self,
        tid: str,
        levels: list[str],
        p: float,
        treated: bool,
        count: int,
        start: float,
        *,
        kind: str = "trial",
    ) -> list[_Ev]:
        rng = self.rng
        events, t = [], start
        for index in range(count):
            if rng.random() < p:
                result, prompt = "correct", "independent"
            elif not treated:  # baseline probes: no prompting, no reinforcement
                result = rng.choice(("incorrect", "incorrect", "no_response"))
                prompt = "independent"
            else:  # prompted trial: less intrusive prompts as the skill develops
                centre = (1 - p) * (len(levels) - 2)
                weights = [0.0, *(math.exp(-((j - centre) ** 2)) for j in range(len(levels) - 1))]
                prompt = rng.choices(levels, weights=weights)[0]
                result = "correct" if rng.random() < 0.85 else "incorrect"
            data: dict[str, Any] = {"result": result, "prompt": prompt}
            if kind == "step":
                data["step"] = index
            t += rng.uniform(15, 35) if kind == "trial" else rng.uniform(4, 15)
            events.append(_Ev(t, kind, data, tid))
        return events

    def ratings(self, tid: str, mean: float, low: int, high: int, seconds: float) -> list[_Ev]:
        blocks = max(1, int(seconds // 600))
        return [
            _Ev(
                min((k + 1) * 600 - self.rng.uniform(0, 20), seconds - 1),
                "rating",
                {"value": int(_clamp(round(self.rng.gauss(mean, 0.6)), low, high))},
                tid,
            )
            for k in range(blocks)
        ]

    def abc(self, tid: str, params: dict, per_hour: float, p: float, seconds: float) -> list[_Ev]:
        rng = self.rng
        n = _poisson(rng, per_hour * seconds / 3600)
        events = []
        # An escape function shows in the records: demands and transitions come first; in
        # baseline the task is often removed, after treatment the demand is re-presented.
        a_weights = [0.45, 0.25, 0.1, 0.1, 0.1]
        c_weights = [
            _lerp(0.45, 0.05, p),
            _lerp(0.25, 0.05, p),
            _lerp(0.2, 0.45, p),
            _lerp(0.05, 0.35, p),
            _lerp(0.05, 0.1, p),
        ]
        for _ in range(n):
            data = {
                "antecedent": rng.choices(params["antecedents"], weights=a_weights)[0],
                "behavior": rng.choices(params["behaviors"], weights=[0.6, 0.25, 0.15])[0],
                "consequence": rng.choices(params["consequences"], weights=c_weights)[0],
            }
            if rng.random() < 0.3:
                data["setting_event"] = rng.choice(params["setting_events"])
            events.append(_Ev(rng.uniform(10, seconds - 10), "abc", data, tid))
        return events


def _phase_progress(spec: TargetSpec, day: int) -> tuple[float, bool]:
    """Treatment effect 0..1 (below 0 in an extinction burst) and whether treatment is on."""
    treatment_start = next((d for d, kind, _ in spec.phases if kind != "baseline"), None)
    if treatment_start is None or day < treatment_start:
        return 0.0, False
    since = day - treatment_start
    if spec.burst and since < 4:
        return -0.4, True
    return 1 - math.exp(-(since + 1) / TAU_DAYS), True


def _target_events(
    gen: _Generator, spec: TargetSpec, tid: str, day: int, seconds: float, layout: _Layout
) -> list[_Ev]:
    rng = gen.rng
    progress, treated = _phase_progress(spec, day)
    p = progress + rng.gauss(0, 0.08)
    if rng.random() < 0.05:  # a bad day
        p -= 0.3
    low, high = spec.level
    value = _lerp(low, high, p)
    m = spec.measurement
    if m == "frequency":
        return gen.counts(tid, max(value, 0.0) / 3600, seconds)
    if m == "rate":
        return gen.counts(tid, max(value, 0.0) / 60, seconds)
    if m == "duration":
        assert spec.extra is not None
        mean = max(5.0, _lerp(*spec.extra, p))
        return gen.durations(tid, max(value, 0.0), mean, seconds)
    if m == "latency":
        return gen.latencies(tid, max(value, 1.0), seconds)
    if m in ("partial_interval", "whole_interval", "momentary_time_sampling"):
        return gen.intervals(tid, spec.params, _clamp(value, 0.02, 0.98), layout)
    if m == "abc":
        return gen.abc(tid, spec.params, max(value, 0.0), _clamp(p, 0, 1), seconds)
    if m in ("dtt", "task_analysis"):
        kind = "trial" if m == "dtt" else "step"
        if m == "dtt":
            count = spec.params.get("trials_per_session", 10)
        else:
            count = len(spec.params["steps"])
        start = rng.uniform(60, max(61.0, seconds - count * 40 - 60))
        return gen.trials(
            tid,
            spec.params["prompt_levels"],
            _clamp(value, 0.0, 0.98),
            treated,
            count,
            start,
            kind=kind,
        )
    if m == "rating":
        return gen.ratings(tid, value, spec.params["scale_min"], spec.params["scale_max"], seconds)
    raise AssertionError(m)


def _second_observer(
    rng: random.Random,
    primary: list[_Ev],
    disagree: float,
    specs: dict[str, TargetSpec],
    seconds: float,
) -> list[_Ev]:
    """What a reliability observer records of the same behaviour: mostly the same.

    ``disagree`` is the chance of each kind of slip (a missed count, a different interval
    score, a different prompt level...); times differ by a second or so.
    """
    voided = {e.data["voids"] for e in primary if e.kind == "void"}
    copied: list[_Ev] = []
    free_from: dict[str, float] = {}
    counts: Counter[str | None] = Counter(
        e.target for e in primary if e.kind == "count" and e.id not in voided
    )
    episodes: dict[str, tuple[str, float]] = {}
    for e in sorted(primary, key=lambda e: e.offset):
        if e.id in voided or e.kind in ("void", "note", "pause", "resume"):
            continue
        jitter = rng.uniform(-1.5, 1.5)
        data = dict(e.data)
        if e.kind == "count":
            # A response that comes once or twice a session is hard to miss.
            frequent = counts[e.target] > 3
            if frequent and rng.random() < disagree:
                continue  # missed
            copied.append(_Ev(e.offset + jitter, "count", data, e.target))
            if frequent and rng.random() < disagree / 2:  # one the primary did not count
                copied.append(_Ev(e.offset + rng.uniform(3, 20), "count", {}, e.target))
        elif e.kind == "duration_start":
            start = max(e.offset + jitter, free_from.get(e.target or "", 0.0) + 1)
            episodes[e.data["episode"]] = (_uuid(rng), start)
            copied.append(
                _Ev(start, "duration_start", {"episode": episodes[e.data["episode"]][0]}, e.target)
            )
        elif e.kind == "duration_stop":
            episode, start = episodes[e.data["episode"]]
            stop = max(e.offset + jitter * (1 + 4 * disagree), start + 2)
            free_from[e.target or ""] = stop
            copied.append(_Ev(stop, "duration_stop", {"episode": episode}, e.target))
        elif e.kind == "latency":
            latency = data["seconds"] * rng.uniform(1 - disagree, 1 + disagree)
            latency = round(_clamp(latency + rng.uniform(-1, 1), 0.5, 60.0), 1)
            if not data.get("no_response"):  # the second observer waited the same 60 s
                data["seconds"] = latency
            copied.append(_Ev(e.offset + jitter / 3, "latency", data, e.target))
        elif e.kind == "interval":
            if data["scored"] is not None and rng.random() < disagree:
                data["scored"] = not data["scored"]
            copied.append(_Ev(e.offset, "interval", data, e.target))
        elif e.kind in ("trial", "step"):
            if rng.random() < disagree:
                levels = specs[e.target or ""].params["prompt_levels"]
                if data["prompt"] == "independent" and data["result"] == "correct":
                    data["prompt"] = levels[1]
                elif data["result"] == "correct":
                    data["prompt"] = levels[max(0, levels.index(data["prompt"]) - 1)]
                else:
                    data["result"] = "no_response" if data["result"] == "incorrect" else "incorrect"
            copied.append(_Ev(e.offset + jitter / 3, e.kind, data, e.target))
        elif e.kind == "rating":
            if rng.random() < disagree * 2:
                params = specs[e.target or ""].params
                step = rng.choice((-1, 1))
                data["value"] = int(
                    _clamp(data["value"] + step, params["scale_min"], params["scale_max"])
                )
            copied.append(_Ev(e.offset + jitter, "rating", data, e.target))
        elif e.kind == "abc":
            if rng.random() < disagree:
                options = specs[e.target or ""].params["consequences"]
                data["consequence"] = rng.choice(options)
            copied.append(_Ev(e.offset + abs(jitter) * 4, "abc", data, e.target))
    for e in copied:  # both observers start and stop together
        e.offset = _clamp(e.offset, 0.5, seconds - 0.5)
    return copied


# --- building the eight weeks --------------------------------------------------------------------


@dataclass
class _Batch:
    user: User
    sessions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Context:
    rng: random.Random
    first_day: date
    users: dict[str, User]
    clients: dict[str, Client]
    targets: dict[str, list[tuple[Target, TargetSpec]]]
    plans: dict[str, Plan]
    therapist_busy: list[tuple[datetime, datetime]] = field(default_factory=list)
    reliability_count: int = 0


def _emit(
    batch: _Batch, session: dict[str, Any], events: list[_Ev], wall: Callable[[float], datetime]
) -> None:
    batch.sessions.append(session)
    for e in sorted(events, key=lambda e: e.offset):
        batch.events.append(
            {
                "id": e.id,
                "session_id": session["id"],
                "target_id": e.target,
                "kind": e.kind,
                "t": _iso(wall(e.offset)),
                "data": e.data,
            }
        )


def _session_dict(
    ctx: _Context,
    client: Client,
    *,
    started: datetime,
    ended: datetime,
    setting: str,
    device: str,
    target_ids: list[str],
    role: str = "primary",
    kind: str = "observation",
    plan: Plan | None = None,
    staff: User | None = None,
) -> dict[str, Any]:
    return {
        "id": _uuid(ctx.rng),
        "client_id": client.id,
        "role": role,
        "kind": kind,
        "started_at": _iso(started),
        "ended_at": _iso(ended),
        "setting": setting,
        "device_id": device,
        "target_ids": target_ids,
        "plan_id": plan.id if plan else None,
        "staff_id": staff.id if staff else None,
    }


def _therapist_free(ctx: _Context, start: datetime, end: datetime) -> bool:
    margin = timedelta(minutes=15)  # travel between rooms
    return all(end + margin <= s or start >= e + margin for s, e in ctx.therapist_busy)


def _fidelity_events(
    rng: random.Random, checklist_length: int, quality: float, seconds: float
) -> list[_Ev]:
    """Fidelity items scoring 75-100% (of steps applicable)."""
    for _ in range(50):
        cells: list[tuple[int, int, bool | None]] = []
        for step in range(checklist_length):
            for opportunity in range(rng.choices((1, 2, 3), weights=(0.5, 0.3, 0.2))[0]):
                value: bool | None = None if rng.random() < 0.07 else rng.random() < quality
                cells.append((step, opportunity, value))
        scored = [v for _, _, v in cells if v is not None]
        if scored and 75 <= 100 * sum(scored) / len(scored) <= 100:
            break
    else:  # practically unreachable: a perfect check instead
        cells = [(step, 0, True) for step in range(checklist_length)]
    times = sorted(rng.uniform(30, seconds - 30) for _ in cells)
    return [
        _Ev(t, "fidelity", {"step": s, "opportunity": o, "value": v}, None)
        for t, (s, o, v) in zip(times, sorted(cells, key=lambda c: (c[1], c[0])), strict=True)
    ]


def _client_week(ctx: _Context, spec: ClientSpec, week: int) -> list[_Batch]:
    rng = ctx.rng
    client = ctx.clients[spec.code]
    tech = ctx.users[spec.technician]
    therapist = ctx.users["therapist"]
    targets = ctx.targets[spec.code]
    specs_by_id = {t.id: s for t, s in targets}
    gen = _Generator(rng)
    primary_batch = _Batch(tech)
    second_batch = _Batch(therapist)

    days = [ctx.first_day + timedelta(days=week * 7 + k) for k in range(7)]
    weekdays = [d for d in days if d.weekday() < 5]
    skip = next((d for d in weekdays if d.weekday() == spec.off_weekday), weekdays[-1])
    if rng.random() < 0.2:  # a cancelled session made up on the usual day off
        skip = rng.choice(weekdays)
    plan = ctx.plans.get(spec.code)
    plan_start = spec.plan.start_day if spec.plan else DAYS
    fidelity_due = plan is not None  # one fidelity check a week once the plan is in place

    for day in weekdays:
        if day == skip:
            continue
        day_index = (day - ctx.first_day).days
        minute = spec.start_minute + rng.randint(-10, 10)
        started = datetime.combine(day, time(0, 0), tzinfo=UTC) + timedelta(
            minutes=minute, seconds=rng.randint(0, 59)
        )
        total = rng.randint(*spec.minutes) * 60 + rng.randint(0, 59)
        reliability = rng.random() < RELIABILITY_SHARE
        ended = started + timedelta(seconds=total)
        if reliability and not _therapist_free(ctx, started, ended):
            reliability = False
        pause: tuple[float, float] | None = None
        if not reliability and rng.random() < 0.08:
            length = float(rng.randint(120, 420))
            pause = (rng.uniform(0.3, 0.7) * (total - length), length)
        observed = total - (pause[1] if pause else 0)

        def wall(offset: float, started=started, pause=pause) -> datetime:
            shift = pause[1] if pause and offset >= pause[0] else 0.0
            return started + timedelta(seconds=offset + shift)

        layout = _Layout()
        events: list[_Ev] = []
        for target, tspec in targets:
            events.extend(_target_events(gen, tspec, target.id, day_index, observed, layout))
        for e in events:
            e.id = _uuid(rng)
        extra: list[_Ev] = []
        # Undo: a mistaken tap, corrected a few seconds later.
        countable = [(t, s) for t, s in targets if s.measurement in ("frequency", "rate")]
        if countable and rng.random() < 0.1:
            target, _ = rng.choice(countable)
            at = rng.uniform(60, observed - 60)
            wrong = _Ev(at, "count", {}, target.id, _uuid(rng))
            extra += [
                wrong,
                _Ev(at + rng.uniform(2, 8), "void", {"voids": wrong.id}, None, _uuid(rng)),
            ]
        if pause:  # the pause is logged just before its moment, the resume at its moment
            extra += [
                _Ev(
                    pause[0] - 0.002,
                    "note",
                    {"text": DEMO_CASELOAD.pause_note},
                    None,
                    _uuid(rng),
                ),
                _Ev(pause[0] - 0.001, "pause", {}, None, _uuid(rng)),
                _Ev(pause[0], "resume", {}, None, _uuid(rng)),
            ]
        if rng.random() < 0.1:
            text = rng.choice(DEMO_CASELOAD.session_notes)
            extra.append(_Ev(rng.uniform(5, 120), "note", {"text": text}, None, _uuid(rng)))
        if rng.random() < 0.06:
            target, tspec = rng.choice(targets)
            text = DEMO_CASELOAD.target_notes[tspec.measurement]
            extra.append(
                _Ev(rng.uniform(60, observed - 5), "note", {"text": text}, target.id, _uuid(rng))
            )
        setting = rng.choice(spec.settings)
        target_ids = [t.id for t, _ in targets]
        session = _session_dict(
            ctx,
            client,
            started=started,
            ended=ended,
            setting=setting,
            device=f"tablet-{tech.username}",
            target_ids=target_ids,
        )
        _emit(primary_batch, session, events + extra, wall)

        if reliability:
            disagree = rng.uniform(0.01, 0.07)
            if ctx.reliability_count in SLOPPY_RELIABILITY:
                disagree = 0.25
            ctx.reliability_count += 1
            copied = _second_observer(rng, events, disagree, specs_by_id, observed)
            for e in copied:
                e.id = _uuid(rng)
            second = _session_dict(
                ctx,
                client,
                started=started,
                ended=ended,
                setting=setting,
                device="tablet-therapist",
                target_ids=target_ids,
                role="reliability",
            )
            _emit(second_batch, second, copied, wall)
            ctx.therapist_busy.append((started, ended))
        elif fidelity_due and plan is not None and day_index >= plan_start:
            length = min(total - 6 * 60, rng.randint(15, 25) * 60)
            f_start = started + timedelta(seconds=rng.randint(3 * 60, 6 * 60))
            f_end = f_start + timedelta(seconds=length)
            if _therapist_free(ctx, f_start, f_end):
                fidelity_due = False
                weeks_in = (day_index - plan_start) / 7
                quality = _clamp(0.8 + 0.02 * weeks_in + rng.gauss(0, 0.04), 0.75, 0.98)
                fidelity = _fidelity_events(rng, len(plan.checklist), quality, length)
                for e in fidelity:
                    e.id = _uuid(rng)
                fsession = _session_dict(
                    ctx,
                    client,
                    started=f_start,
                    ended=f_end,
                    setting=setting,
                    device="tablet-therapist",
                    target_ids=[],
                    kind="fidelity",
                    plan=plan,
                    staff=tech,
                )
                _emit(
                    second_batch,
                    fsession,
                    fidelity,
                    lambda offset, f_start=f_start: f_start + timedelta(seconds=offset),
                )
                ctx.therapist_busy.append((f_start, f_end))
    return [b for b in (primary_batch, second_batch) if b.sessions]


# --- loading -------------------------------------------------------------------------------------


def _setup(rng: random.Random, today: date, first_day: date) -> _Context:
    users = {
        username: accounts.create_user(
            username=username, password=DEMO_PASSWORD, role=role, display_name=name
        )
        for username, role, name in DEMO_USERS
    }
    bcba = users["bcba"]
    written = datetime.combine(first_day - timedelta(days=4), time(21, 0), tzinfo=UTC)
    ctx = _Context(rng, first_day, users, {}, {}, {})
    for spec in DEMO_CASELOAD.learners:
        born = today - timedelta(days=round(spec.age * 365.25) + rng.randint(30, 330))
        client = caseload.create_client(
            bcba,
            {"code": spec.code, "name": spec.name, "date_of_birth": born, "created_at": written},
        )
        for username in (spec.technician, "therapist"):
            caseload.assign(bcba, client, users[username].id)
        ctx.clients[spec.code] = client
        ctx.targets[spec.code] = [
            (_add_target(ctx, client, tspec, today, written), tspec) for tspec in spec.targets
        ]
        if spec.plan is not None:
            start = first_day + timedelta(days=spec.plan.start_day)
            ctx.plans[spec.code] = programs.create_plan(
                bcba,
                client,
                {
                    "title": spec.plan.title,
                    "function": spec.plan.function,
                    "strategies": list(spec.plan.strategies),
                    "checklist": list(spec.plan.checklist),
                    "criterion": 90.0,
                    "created_at": datetime.combine(start, time(12, 0), tzinfo=UTC)
                    - timedelta(days=1),
                },
            )
    db.session.flush()
    return ctx


def _add_target(
    ctx: _Context, client: Client, tspec: TargetSpec, today: date, written: datetime
) -> Target:
    """The BCBA's target from ``tspec``, with its phases (and aim line, if any)."""
    bcba, first_day = ctx.users["bcba"], ctx.first_day
    fields: dict[str, Any] = {
        "name": tspec.name,
        "definition": tspec.definition,
        "measurement": tspec.measurement,
        "params": tspec.params,
        "direction": tspec.direction,
        "mastery": tspec.mastery,
        "aim": None,
        "created_at": written,
    }
    if tspec.aim is not None:
        start_day = next(d for d, kind, _ in tspec.phases if kind != "baseline")
        fields["aim"] = {
            "start_date": first_day + timedelta(days=start_day),
            "start_value": tspec.aim[0],
            "end_date": today + timedelta(days=28),
            "end_value": tspec.aim[1],
        }
    target = programs.create_target(bcba, client, fields)
    for day, kind, label in tspec.phases:
        start = first_day + timedelta(days=day)
        programs.add_phase(
            bcba,
            target,
            {
                "kind": kind,
                "label": label,
                "start_date": start,
                "created_at": datetime.combine(start, time(12, 0), tzinfo=UTC) - timedelta(days=1),
            },
        )
    return target


def load_demo(
    *, progress: Callable[[int, int], None] | None = None, today: date | None = None
) -> DemoSummary:
    """Load the demo caseload into the current database session; the caller commits.

    Parameters
    ----------
    progress : callable, optional
        Called as ``progress(done, total)`` while loading (``done`` grows to ``total``).
    today : date, optional
        The eight weeks of sessions end the day before it (default: the real today).

    Raises
    ------
    RuntimeError
        When a demo username already exists, or when sync rejects any demo session or event.
    """
    today = today or date.today()
    existing = db.session.scalars(
        select(User.username).where(User.username.in_([u for u, _, _ in DEMO_USERS]))
    ).all()
    if existing:
        raise RuntimeError(f"demo user(s) already exist: {', '.join(sorted(existing))}")
    rng = random.Random(SEED)
    first_day = today - timedelta(days=DAYS)
    batches_total = WEEKS * len(DEMO_CASELOAD.learners)
    total = batches_total + 1
    ctx = _setup(rng, today, first_day)
    if progress:
        progress(1, total)

    sessions = events = done = 0
    for week in range(WEEKS):
        order = list(DEMO_CASELOAD.learners)
        rng.shuffle(order)  # so no client always gets the therapist first
        for spec in order:
            for batch in _client_week(ctx, spec, week):
                _sync_like_a_tablet(rng, batch, f"{spec.code}, week {week + 1}")
                sessions += len(batch.sessions)
                events += len(batch.events)
            done += 1
            if progress:
                progress(done + 1, total)
    for extra_sessions, extra_events in (_caregiver_at_home(ctx), _group_sessions(ctx, today)):
        sessions += extra_sessions
        events += extra_events
    db.session.flush()
    load_documentation(today, first_day)
    targets = sum(len(t) for t in ctx.targets.values())
    return DemoSummary(clients=len(ctx.clients), targets=targets, sessions=sessions, events=events)


def _caregiver_at_home(ctx: _Context) -> tuple[int, int]:
    """The demo parent, linked to one learner by the BCBA, records the one target the BCBA
    marked home-recordable on evenings of the last two weeks (after the clinic's sessions, so
    the random stream of everything else is unchanged). Answers (sessions, events)."""
    rng = ctx.rng
    bcba, parent = ctx.users["bcba"], ctx.users["parent"]
    client = ctx.clients[DEMO_CASELOAD.home_client]
    caregivers.link(bcba, client, {"user_id": parent.id})
    target, tspec = next(
        (t, s)
        for t, s in ctx.targets[DEMO_CASELOAD.home_client]
        if s.name == DEMO_CASELOAD.home_target
    )
    programs.update_target(bcba, target, {"home_recordable": True})
    gen = _Generator(rng)
    batch = _Batch(parent)
    for day in range(DAYS - 14, DAYS, 2):
        started = datetime.combine(
            ctx.first_day + timedelta(days=day), time(18, 30), tzinfo=UTC
        ) + timedelta(minutes=rng.randint(0, 40), seconds=rng.randint(0, 59))
        seconds = rng.randint(8, 12) * 60
        _one_target_session(
            ctx, gen, batch, (client, target, tspec), day, started, seconds, "home", "phone-parent"
        )
    _sync_like_a_tablet(rng, batch, "the parent's home sessions")
    return len(batch.sessions), len(batch.events)


def _one_target_session(
    ctx: _Context,
    gen: _Generator,
    batch: _Batch,
    recorded: tuple[Client, Target, TargetSpec],
    day: int,
    started: datetime,
    seconds: int,
    setting: str,
    device: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """One session of one target (a home or a group session) into ``batch``."""
    client, target, tspec = recorded
    events = _target_events(gen, tspec, target.id, day, seconds, _Layout())
    for e in events:
        e.id = _uuid(ctx.rng)
    session = _session_dict(
        ctx,
        client,
        started=started,
        ended=started + timedelta(seconds=seconds),
        setting=setting,
        device=device,
        target_ids=[target.id],
    )
    session.update(extra or {})
    _emit(batch, session, events, lambda offset, s=started: s + timedelta(seconds=offset))


def _group_sessions(ctx: _Context, today: date) -> tuple[int, int]:
    """The social-skills group (``group:`` in caseload.yaml): the leader records its learners on
    one screen once a week, each in a session of their own linked by the group's id (after
    everything else, so the random stream of the rest is unchanged). Answers (sessions, events)."""
    rng, spec = ctx.rng, DEMO_CASELOAD.group
    leader = ctx.users[spec.leader]
    written = datetime.combine(ctx.first_day - timedelta(days=4), time(21, 0), tzinfo=UTC)
    members = [
        (ctx.clients[code], _add_target(ctx, ctx.clients[code], spec.target, today, written))
        for code in spec.learners
    ]
    for code, (_, target) in zip(spec.learners, members, strict=True):
        ctx.targets[code].append((target, spec.target))
    learner_ids = [client.id for client, _ in members]
    gen = _Generator(rng)
    batch = _Batch(leader)
    first_week = WEEKS - spec.weeks
    for week in range(first_week, WEEKS):
        day = week * 7 + (spec.weekday - ctx.first_day.weekday()) % 7
        if day >= DAYS:
            continue
        started = datetime.combine(ctx.first_day + timedelta(days=day), time(0, 0), tzinfo=UTC)
        started += timedelta(minutes=spec.start_minute, seconds=rng.randint(0, 240))
        seconds = spec.minutes * 60
        group = {"group_id": _uuid(rng), "group_client_ids": learner_ids}
        for client, target in members:
            _one_target_session(
                ctx,
                gen,
                batch,
                (client, target, spec.target),
                day,
                started,
                seconds,
                spec.setting,
                f"tablet-{leader.username}",
                group,
            )
    _sync_like_a_tablet(rng, batch, "the group sessions")
    return len(batch.sessions), len(batch.events)


def _sync_like_a_tablet(rng: random.Random, batch, where: str) -> None:
    """Send each session as a tablet would: once it ends, a few minutes to a few hours later.

    Arrival times then look like a real clinic's, so the dashboard's timeliness figures on the
    demo mean something.
    """
    events_by_session: dict[str, list] = {}
    for event in batch.events:
        events_by_session.setdefault(event["session_id"], []).append(event)
    for session in batch.sessions:
        ended = datetime.fromisoformat(session["ended_at"] or session["started_at"])
        delay = timedelta(minutes=rng.choice((2, 5, 10, 20, 45, 90, 240)))
        result = ingest(
            batch.user,
            {"sessions": [session], "events": events_by_session.get(session["id"], [])},
            received_at=ended + delay,
        )
        if result.rejected:
            reasons = "; ".join(f"{r['id']}: {r['reason']}" for r in result.rejected[:5])
            raise RuntimeError(
                f"sync rejected {len(result.rejected)} demo item(s) for {where}: {reasons}"
            )
