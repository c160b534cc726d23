"""SQLite writers from several connections queue on a file lock instead of polling SQLite's
busy handler (bdc/sqlite_writes.py).

SQLite's own busy timeout is 0 on every connection here (``PRAGMA busy_timeout``): its busy
handler then fails at once with "database is locked" whenever a writer finds SQLite's write
lock taken, so a writer that got through did so because the file lock queued it. The file
lock waits at most the connection's ``timeout``.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy.exc import IntegrityError

from bdc import create_app
from bdc.extensions import db
from bdc.sqlite_writes import SerializedWritesConnection


def connect(path, factory=SerializedWritesConnection, timeout=30.0) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=timeout, factory=factory, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=0")
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "writes.db"
    setup = connect(path)
    setup.execute("CREATE TABLE taps (n INTEGER)")
    setup.commit()
    setup.close()
    return path


def hold_then_write(path, factory, timeout=30.0) -> list[Exception]:
    """One connection writes and holds its transaction open while another thread writes too;
    answers the second writer's errors."""
    first, second = connect(path, factory), connect(path, factory, timeout)
    first.execute("INSERT INTO taps VALUES (1)")
    errors: list[Exception] = []
    started = threading.Event()

    def write():
        started.set()
        try:
            second.execute("INSERT INTO taps VALUES (2)")
            second.commit()
        except sqlite3.OperationalError as error:
            errors.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    started.wait()
    writer.join(0.3)  # time for the second writer to find the lock taken
    first.commit()
    writer.join()
    first.close()
    second.close()
    return errors


def test_a_second_writer_waits_for_the_first_instead_of_failing(database):
    assert hold_then_write(database, SerializedWritesConnection) == []
    with sqlite3.connect(database) as check:
        assert sorted(n for (n,) in check.execute("SELECT n FROM taps")) == [1, 2]


def test_without_the_file_lock_the_same_writers_fail(database):
    """The control: plain sqlite3 connections with the same zero busy timeout."""
    errors = hold_then_write(database, sqlite3.Connection)
    assert [str(e) for e in errors] == ["database is locked"]


def test_readers_do_not_wait_for_a_writer(database):
    writer, reader = connect(database), connect(database)
    writer.execute("INSERT INTO taps VALUES (1)")
    assert reader.execute("SELECT count(*) FROM taps").fetchone() == (0,)
    writer.commit()
    assert reader.execute("SELECT count(*) FROM taps").fetchone() == (1,)


def test_a_writer_gives_up_after_its_timeout_and_the_lock_is_not_lost(database):
    """Waiting for the file lock is bounded like SQLite's own wait (then 503 in the API); the
    waiter left behind lets the lock go once it gets it, so the next writer is not blocked."""
    errors = hold_then_write(database, SerializedWritesConnection, timeout=0.05)
    assert [str(e) for e in errors] == ["database is locked"]
    for n in range(3):
        later = connect(database, timeout=5)
        later.execute("INSERT INTO taps VALUES (?)", (n,))
        later.commit()
        later.close()


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_lock_is_let_go_when_the_transaction_ends(database, end):
    first, second = connect(database), connect(database)
    first.execute("INSERT INTO taps VALUES (1)")
    getattr(first, end)()
    second.execute("INSERT INTO taps VALUES (2)")  # would wait forever if the lock were held
    second.commit()
    second.close()


def test_a_second_connection_of_the_same_thread_fails_instead_of_waiting_for_itself(database):
    first, second = connect(database), connect(database)
    first.execute("INSERT INTO taps VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        second.execute("INSERT INTO taps VALUES (2)")
    first.commit()
    second.execute("INSERT INTO taps VALUES (2)")
    second.commit()


def test_the_app_opens_sqlite_files_with_serialized_writes(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "ENV": "testing"})
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            assert isinstance(raw.dbapi_connection, SerializedWritesConnection)
        finally:
            raw.close()
        db.engine.dispose()
    assert (tmp_path / "app.db-writer.lock").exists()


def test_the_apps_sqlite_connections_keep_wal_foreign_keys_and_full_fsync(tmp_path):
    """Regression: the pragmas were applied to plain sqlite3 connections only, so from the day
    connections became SerializedWritesConnection the app ran without WAL and without foreign
    keys."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "ENV": "testing"})
    with app.app_context():
        db.create_all()
        with db.engine.connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "synchronous")
            }
            with pytest.raises(IntegrityError, match="FOREIGN KEY"):
                connection.exec_driver_sql(
                    "INSERT INTO assignments (id, user_id, client_id, created_at) "
                    "VALUES ('a', 'nobody', 'nothing', '2026-11-26 12:00:00')"
                )
        db.engine.dispose()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2}
