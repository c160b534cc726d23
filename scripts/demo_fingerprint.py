"""Load the demo into a fresh SQLite file and print its counts and content checksums.

    python scripts/demo_fingerprint.py DB_FILE [--today 2026-11-26]

Run it from two checkouts (say main and a branch) with the same ``--today`` and diff the
output: identical lines mean the change left the demo's sessions, events, stored values,
notes and programming exactly as they were. Database ids of users, clients and targets
differ between loads, so rows are keyed by codes, names and the seeded session ids instead.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402  (the repository root goes on the path first)

from bdc import create_app  # noqa: E402
from bdc.demo import load_demo  # noqa: E402
from bdc.extensions import db  # noqa: E402

# (label, query) pairs; each prints its row count and a checksum of the sorted rows.
CONTENT = (
    (
        "session_values (client, target, started, role, value)",
        "SELECT c.code, t.name, s.started_at, s.role, v.value FROM session_values v"
        " JOIN sessions s ON s.id = v.session_id JOIN targets t ON t.id = v.target_id"
        " JOIN clients c ON c.id = s.client_id",
    ),
    (
        "events (session, target, kind, t, data)",
        "SELECT e.session_id, t.name, e.kind, e.t, e.data FROM events e"
        " LEFT JOIN targets t ON t.id = e.target_id",
    ),
    (
        "sessions (id, client, role, kind, started, ended, setting, device)",
        "SELECT s.id, c.code, s.role, s.kind, s.started_at, s.ended_at, s.setting, s.device_id"
        " FROM sessions s JOIN clients c ON c.id = s.client_id",
    ),
    (
        "targets (client, name, definition, measurement, direction, params, mastery, aim, home)",
        "SELECT c.code, t.name, t.definition, t.measurement, t.direction, t.params, t.mastery,"
        " t.aim, t.home_recordable FROM targets t JOIN clients c ON c.id = t.client_id",
    ),
    (
        "phases (target, kind, label, start)",
        "SELECT t.name, p.kind, p.label, p.start_date FROM phases p"
        " JOIN targets t ON t.id = p.target_id",
    ),
    (
        "plans (title, function, strategies, checklist)",
        "SELECT title, function, strategies, checklist FROM plans",
    ),
    (
        "session_notes (session, revision, fields, credentials, signed, co-signed)",
        "SELECT session_id, revision, amendment_reason, presentation, barriers,"
        " caregiver_involvement, plan_next, signer_credential, signed_at, cosigner_credential,"
        " cosigned_at FROM session_notes",
    ),
    (
        "supervision_contacts (supervisee, day, minutes, format, topics)",
        "SELECT u.username, s.day, s.minutes, s.format, s.topics FROM supervision_contacts s"
        " JOIN users u ON u.id = s.supervisee_id",
    ),
    ("users (username, role, name)", "SELECT username, role, display_name FROM users"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db_file", type=Path, help="SQLite file to create (replaced if present)")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 26))
    args = parser.parse_args()
    path = args.db_file.resolve()
    path.unlink(missing_ok=True)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "demo-fingerprint"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        print(load_demo(today=args.today))
        db.session.commit()
        for table in sorted(db.metadata.tables.values(), key=lambda t: t.name):
            if table.name != "audit_entries":  # its timestamps are the wall clock's
                print(table.name, db.session.scalar(select(func.count()).select_from(table)))
        for label, query in CONTENT:
            rows = sorted(tuple(map(str, row)) for row in db.session.execute(text(query)))
            checksum = hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]
            print(f"{label}: {len(rows)} rows, sha256 {checksum}")


if __name__ == "__main__":
    main()
