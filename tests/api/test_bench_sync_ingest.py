"""A small-N run of bench/sync_ingest.py's own code (the benchmark sends 20,000 taps): both
sides store the same rows, and the API's stored values, measured batch after batch from where
each session's last measure got to, are each session's count of taps."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
import uuid
from pathlib import Path

from bdc.extensions import db
from bdc.services import session_values

_spec = importlib.util.spec_from_file_location(
    "bench_sync_ingest", Path(__file__).resolve().parents[2] / "bench" / "sync_ingest.py"
)
sync_ingest = importlib.util.module_from_spec(_spec)
sys.modules["bench_sync_ingest"] = sync_ingest
_spec.loader.exec_module(sync_ingest)


def test_both_sides_store_the_same_taps_and_the_api_their_values(tmp_path):
    app, user_id, client_id, target_id = sync_ingest.setup_app(tmp_path)
    # 1,300 taps spread over three sessions (434, 434 and 432), in batches of 500 that
    # straddle them: the second and third sessions are each synced in two parts
    session_ids = [str(uuid.uuid4()) for _ in range(3)]
    batches = sync_ingest.make_batches(session_ids, target_id, 1_300)
    assert [len(b) for b in batches] == [500, 500, 300]
    with app.app_context():
        assert sync_ingest.run_api(app, client_id, batches, session_ids) > 0
        connection = db.session.connection()
        values = dict(
            connection.exec_driver_sql("select session_id, value from session_values").all()
        )
        assert values == dict(zip(session_ids, [434.0, 434.0, 432.0], strict=True))
        assert session_values.check(connection)[1] == []
        db.session.rollback()
        db.engine.dispose()
    assert sync_ingest.run_raw(tmp_path, user_id, batches, tmp_path / "api.db") > 0
    query = "select id, session_id, target_id, kind, t, data, recorded_by from events order by id"
    api = sqlite3.connect(tmp_path / "api.db")
    raw = sqlite3.connect(tmp_path / "raw.db")
    try:
        stored = api.execute(query).fetchall()
        assert len(stored) == 1_300
        assert stored == raw.execute(query).fetchall()
    finally:
        api.close()
        raw.close()
