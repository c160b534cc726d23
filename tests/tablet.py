"""A tablet's outbox in tests: queue sessions, events and phases, then send them through
POST /api/v1/sync over real HTTP, as the PWA does."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class Tablet:
    def __init__(self, http, headers):
        self.http, self.headers = http, headers
        self.batch: dict[str, list] = {"sessions": [], "events": [], "phases": []}

    def session(self, client, *, at, minutes=30.0, role="primary", targets=(), open=False, **extra):
        item = {
            "id": str(uuid.uuid4()),
            "client_id": client.id,
            "role": role,
            "started_at": iso(at),
            "ended_at": None if open else iso(at + timedelta(minutes=minutes)),
            "target_ids": [t.id for t in targets],
            **extra,
        }
        self.batch["sessions"].append(item)
        return item

    def event(self, session, target, kind="count", data=None, seconds=0.0):
        at = datetime.fromisoformat(session["started_at"]) + timedelta(seconds=seconds)
        item = {
            "id": str(uuid.uuid4()),
            "session_id": session["id"],
            "target_id": target.id if target is not None else None,
            "kind": kind,
            "t": iso(at),
            "data": data if data is not None else {},
        }
        self.batch["events"].append(item)
        return item

    def void(self, session, event, seconds=0.0, target=None):
        return self.event(session, target, "void", {"voids": event["id"]}, seconds)

    def counts(self, session, target, seconds):
        return [self.event(session, target, seconds=s) for s in seconds]

    def phase(self, target, kind, label, start: date):
        self.batch["phases"].append(
            {
                "id": str(uuid.uuid4()),
                "target_id": target.id,
                "kind": kind,
                "label": label,
                "start_date": start.isoformat(),
            }
        )

    def send(self) -> dict[str, int]:
        """Sync the queue; every item must be accepted. Answers how many of each were sent."""
        sent = {k: len(v) for k, v in self.batch.items()}
        answer = self.http.post("/api/v1/sync", json=self.batch, headers=self.headers)
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json()["rejected"] == [], answer.get_json()["rejected"]
        self.batch = {"sessions": [], "events": [], "phases": []}
        return sent
