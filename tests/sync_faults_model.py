"""Tablets syncing through faults: a model of the device side of POST /api/v1/sync.

Shared by the property test (tests/api/test_sync_faults.py, scenarios from hypothesis) and
bench/sync_faults.py (thousands of seeded random scenarios). A scenario is a list of steps:

- ``("tap", d, n)``: device d records n taps (starting a session when none is open), each at a
  monotonic offset from the session's start; ``("undo", d, k)`` voids one of its taps;
  ``("end", d)`` ends the session (the session record is queued again with its end);
  ``("incident", d)`` records an incident report;
- ``("sync", d, size, fault, order, duplicate)``: sends the first ``size`` outbox entries,
  in sequence order, shuffled or reversed (every undo before its tap), maybe with repeats;
  ``fault`` is ``"ok"``, ``"lost"`` (the server stores, the answer never arrives) or
  ``"error"`` (the server fails mid-request and rolls back: a 500);
- ``("replay", d, k)``: a batch sent earlier is sent again and its answer applied;
- ``("skip", d, offset, size)``: entries from the middle of the outbox (events before their
  session reached the server: they must come back ``pending``);
- ``("conflict", d, k)``: an altered copy of an entry the server holds (must be refused as a
  conflict and change nothing);
- ``("together", a, b)``: devices a and b sync at the same moment (two threads; a == b is
  one device whose retry overlaps its first try).

Devices have wall clocks off by up to a year; nothing on the server may depend on them.
After the steps every device drains its outbox without faults. The tally counts entries
recorded, lost (recorded, not held), duplicated (held but not as recorded), stranded (still
on a device, or refused as needing a person) and unexpected answers.
"""

from __future__ import annotations

import random
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from unittest import mock

from sqlalchemy import select

from bdc import sync
from bdc.extensions import db
from bdc.models import Event, Incident, Session

BASE = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
FAULTS = ("ok", "ok", "lost", "error")
ORDERS = ("keep", "shuffle", "reverse")


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Entry:
    seq: int  # the device's persisted sequence: the send order, whatever the clocks say
    section: str  # "sessions", "events" or "incidents"
    body: dict


@dataclass
class Device:
    headers: dict
    client_id: str
    target_id: str
    skew: timedelta
    outbox: list[Entry] = field(default_factory=list)
    next_seq: int = 0
    session: dict | None = None
    elapsed: float = 0.0
    taps: list[dict] = field(default_factory=list)  # of the open session, for undo
    recorded: dict[tuple[str, str], dict] = field(default_factory=dict)  # the truth
    needs_person: list[tuple[Entry, dict]] = field(default_factory=list)
    sent: list[list[Entry]] = field(default_factory=list)

    def queue(self, section: str, body: dict) -> None:
        self.outbox.append(Entry(self.next_seq, section, body))
        self.next_seq += 1
        self.recorded[(section, body["id"])] = body

    def tap(self, count: int, rng: random.Random) -> None:
        if self.session is None:
            self.session = {
                "id": str(uuid.uuid4()),
                "client_id": self.client_id,
                "started_at": iso(BASE + self.skew + timedelta(hours=rng.randint(0, 9))),
                "target_ids": [self.target_id],
            }
            self.elapsed, self.taps = 0.0, []
            self.queue("sessions", self.session)
        for _ in range(count):
            self.elapsed += rng.uniform(0.05, 20.0)
            self._event("count", self.target_id, {})

    def _event(self, kind: str, target_id: str | None, data: dict) -> None:
        start = datetime.fromisoformat(self.session["started_at"])
        body = {
            "id": str(uuid.uuid4()),
            "session_id": self.session["id"],
            "target_id": target_id,
            "kind": kind,
            "t": iso(start + timedelta(seconds=self.elapsed)),
            "data": data,
        }
        self.queue("events", body)
        if kind == "count":
            self.taps.append(body)

    def undo(self, which: int) -> None:
        if self.session is not None and self.taps:
            tap = self.taps.pop(which % len(self.taps))
            self.elapsed += 0.5
            self._event("void", None, {"voids": tap["id"]})

    def end(self) -> None:
        if self.session is not None:
            start = datetime.fromisoformat(self.session["started_at"])
            ended = {**self.session, "ended_at": iso(start + timedelta(seconds=self.elapsed + 1))}
            self.queue("sessions", ended)
            self.session = None

    def incident(self, rng: random.Random) -> None:
        self.queue(
            "incidents",
            {
                "id": str(uuid.uuid4()),
                "client_id": self.client_id,
                "occurred_at": iso(BASE + self.skew + timedelta(minutes=rng.randint(0, 600))),
                "type": "elopement",
                "description": "left the room",
            },
        )


@dataclass
class Tally:
    runs: int = 0
    entries: int = 0
    lost: int = 0
    duplicated: int = 0
    stranded: int = 0
    unexpected: int = 0
    requests: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("runs", "entries", "lost", "duplicated", "stranded", "unexpected", "requests"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.notes.extend(other.notes[: max(0, 20 - len(self.notes))])

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.stranded or self.unexpected)


class World:
    """Devices against one real app; ``run`` plays a scenario and answers its tally."""

    def __init__(self, app, devices: list[tuple[dict, str, str]], seed: int = 0):
        self.app = app
        self.rng = random.Random(seed)
        self.devices = [
            Device(headers, client_id, target_id, timedelta(days=self.rng.randint(-365, 365)))
            for headers, client_id, target_id in devices
        ]
        self.tally = Tally(runs=1)
        self.lock = threading.Lock()

    # --- the network --------------------------------------------------------------------

    def _post(self, device: Device, entries: list[Entry], *, fail: bool = False) -> dict | None:
        body: dict[str, list] = {"sessions": [], "events": [], "incidents": []}
        for entry in entries:
            body[entry.section].append(entry.body)
        http = self.app.test_client(use_cookies=False)
        if fail:  # the server fails after storing, inside the request: all rolled back
            with mock.patch.object(sync.audit, "record_many", side_effect=RuntimeError("fault")):
                answer = http.post("/api/v1/sync", json=body, headers=device.headers)
        else:
            answer = http.post("/api/v1/sync", json=body, headers=device.headers)
        with self.lock:
            self.tally.requests += 1
            expected = 500 if fail else 200
            if answer.status_code != expected:
                self._unexpected(f"status {answer.status_code}: {answer.get_data(as_text=True)}")
                return None
        return answer.get_json() if not fail else None

    def _apply(self, device: Device, entries: list[Entry], answer: dict | None) -> None:
        if answer is None:
            return
        accepted = set(answer["accepted"])
        refused = {r["id"]: r for r in answer["rejected"]}
        done = {entry.seq for entry in entries if entry.body["id"] in accepted}
        with self.lock:
            for entry in entries:
                refusal = refused.get(entry.body["id"])
                if entry.seq in done or refusal is None:
                    continue
                if not refusal["retry"] and entry in device.outbox:
                    device.needs_person.append((entry, refusal))
                    done.add(entry.seq)
            device.outbox = [entry for entry in device.outbox if entry.seq not in done]

    def _unexpected(self, note: str) -> None:
        self.tally.unexpected += 1
        self.tally.notes.append(note[:300])

    def sync(self, device: Device, size: int, fault: str, order: str, duplicate: bool) -> None:
        entries = list(device.outbox[:size])
        if not entries:
            return
        if duplicate:
            entries += self.rng.sample(entries, k=max(1, len(entries) // 3))
        if order == "shuffle":
            self.rng.shuffle(entries)
        elif order == "reverse":
            entries.reverse()
        device.sent.append(entries)
        answer = self._post(device, entries, fail=fault == "error")
        if fault == "ok":
            self._apply(device, entries, answer)

    def replay(self, device: Device, which: int) -> None:
        if device.sent:
            entries = device.sent[which % len(device.sent)]
            self._apply(device, entries, self._post(device, entries))

    def skip(self, device: Device, offset: int, size: int) -> None:
        entries = device.outbox[offset : offset + size]
        if entries:
            self._apply(device, entries, self._post(device, entries))

    def conflict(self, device: Device, which: int) -> None:
        """An altered copy of something the server holds must be refused, changing nothing."""
        waiting = {entry.body["id"] for entry in device.outbox}
        held = [
            body
            for (section, _), body in device.recorded.items()
            if section == "events" and body["id"] not in waiting and body["kind"] == "count"
        ]
        if not held:
            return
        original = held[which % len(held)]
        altered = {**original, "t": iso(datetime.fromisoformat(original["t"]) + timedelta(0, 1))}
        answer = self._post(device, [Entry(-1, "events", altered)])
        if answer is not None and [(r["id"], r["code"]) for r in answer["rejected"]] != [
            (original["id"], "conflict")
        ]:
            with self.lock:
                self._unexpected(f"altered copy answered {answer}")

    def together(self, first: Device, second: Device) -> None:
        batches = [(first, list(first.outbox[:20])), (second, list(second.outbox[:20]))]
        answers: list = [None, None]

        def send(index: int) -> None:
            device, entries = batches[index]
            answers[index] = self._post(device, entries) if entries else None

        threads = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for (device, entries), answer in zip(batches, answers, strict=True):
            self._apply(device, entries, answer)

    # --- a scenario -----------------------------------------------------------------------

    def step(self, step: tuple) -> None:
        name, index, *args = step
        device = self.devices[index % len(self.devices)]
        if name == "tap":
            device.tap(args[0], self.rng)
        elif name == "undo":
            device.undo(args[0])
        elif name == "end":
            device.end()
        elif name == "incident":
            device.incident(self.rng)
        elif name == "sync":
            self.sync(device, *args)
        elif name == "replay":
            self.replay(device, args[0])
        elif name == "skip":
            self.skip(device, *args)
        elif name == "conflict":
            self.conflict(device, args[0])
        elif name == "together":
            self.together(device, self.devices[args[0] % len(self.devices)])
        else:
            raise ValueError(f"unknown step {name!r}")

    def run(self, steps: list[tuple]) -> Tally:
        for step in steps:
            self.step(step)
        self.drain()
        self.check()
        return self.tally

    def drain(self) -> None:
        """Every device sends its outbox until it is empty or nothing moves any more."""
        for device in self.devices:
            device.end()
        while True:
            before = sum(len(device.outbox) for device in self.devices)
            for device in self.devices:
                while device.outbox:
                    left = len(device.outbox)
                    entries = list(device.outbox[:50])
                    self._apply(device, entries, self._post(device, entries))
                    if len(device.outbox) == left:
                        break
            after = sum(len(device.outbox) for device in self.devices)
            if after == 0 or after == before:
                return

    def check(self) -> None:
        """Compare what the server holds with what the devices recorded."""
        db.session.rollback()  # read what the requests committed
        recorded: dict[tuple[str, str], dict] = {}
        for device in self.devices:
            recorded.update(device.recorded)  # a session's last copy carries its end
            self.tally.stranded += len(device.outbox) + len(device.needs_person)
            for entry, refusal in device.needs_person:
                self.tally.notes.append(f"refused {entry.section}: {refusal}"[:300])
        sessions = {key[1] for key in recorded if key[0] == "sessions"}
        incidents = {key[1] for key in recorded if key[0] == "incidents"}
        held: dict[tuple[str, str], dict] = {}
        for row in self._rows(Session, Session.id, sessions):
            held[("sessions", row.id)] = {
                "started_at": row.started_at,
                "ended_at": row.ended_at,
            }
        for row in self._rows(Event, Event.session_id, sessions):
            held[("events", row.id)] = {"t": row.t, "kind": row.kind, "data": row.data}
        for row in self._rows(Incident, Incident.id, incidents):
            held[("incidents", row.id)] = {"occurred_at": row.occurred_at}
        self.tally.entries = len(recorded)
        for key, body in recorded.items():
            stored = held.pop(key, None)
            if stored is None:
                self.tally.lost += 1
                self.tally.notes.append(f"lost {key}")
            elif stored != _expected(key[0], body):
                self.tally.duplicated += 1
                self.tally.notes.append(f"held differently {key}: {stored}")
        self.tally.duplicated += len(held)  # held, never recorded as such

    @staticmethod
    def _rows(model, column, ids: set[str]) -> list:
        ids, rows = sorted(ids), []
        for start in range(0, len(ids), 500):
            rows += db.session.scalars(select(model).where(column.in_(ids[start : start + 500])))
        return rows


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(UTC) if value else None


def _expected(section: str, body: dict) -> dict:
    if section == "sessions":
        return {"started_at": _time(body["started_at"]), "ended_at": _time(body.get("ended_at"))}
    if section == "events":
        return {"t": _time(body["t"]), "kind": body["kind"], "data": body["data"]}
    return {"occurred_at": _time(body["occurred_at"])}


def random_steps(rng: random.Random, devices: int, length: int) -> list[tuple]:
    """One scenario for the benchmark: the same steps the property test draws."""
    steps: list[tuple] = []
    for _ in range(length):
        d = rng.randrange(devices)
        roll = rng.random()
        if roll < 0.28:
            steps.append(("tap", d, rng.randint(1, 8)))
        elif roll < 0.36:
            steps.append(("undo", d, rng.randrange(50)))
        elif roll < 0.42:
            steps.append(("end", d))
        elif roll < 0.45:
            steps.append(("incident", d))
        elif roll < 0.75:
            size, fault, order = rng.randint(1, 30), rng.choice(FAULTS), rng.choice(ORDERS)
            steps.append(("sync", d, size, fault, order, rng.random() < 0.2))
        elif roll < 0.82:
            steps.append(("replay", d, rng.randrange(50)))
        elif roll < 0.89:
            steps.append(("skip", d, rng.randint(1, 10), rng.randint(1, 10)))
        elif roll < 0.94:
            steps.append(("conflict", d, rng.randrange(50)))
        else:
            steps.append(("together", d, rng.randrange(devices)))
    return steps
