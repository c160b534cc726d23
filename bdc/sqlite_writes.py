"""Writing to a SQLite file from several server processes: one writer at a time, queued by the
operating system, and checkpoints off the writers' path.

SQLite lets one connection write at a time. A connection that finds the write lock taken does
not wait in a queue: its busy handler sleeps and retries, with sleeps growing to 100 ms, until
the busy timeout runs out. With a few writers that is invisible; with a clinic's tablets
syncing through several server processes the writers spend much of their time asleep while the
lock is free (a 500-tablet run left a quarter of the CPU idle with syncs taking seconds).

So every connection opened by :class:`SerializedWritesConnection` (the engine's sqlite3
``factory``) first takes an exclusive ``flock`` on a file beside the database
(``<database>-writer.lock``) before its first writing statement of a transaction, and lets it
go when the transaction ends (commit, rollback or close). The kernel wakes the next waiter as
soon as the lock is free. Readers never take it (WAL lets them read during a write). SQLite's
own lock and busy timeout stay as they were, for writers that do not take the file lock (the
``sqlite3`` shell, another program).

A thread that already holds the file lock through one connection does not take it again
through a second one: it could only wait for itself. (A second writing connection in one
thread waits on SQLite's lock instead, as it always did.)

Checkpoints. By default the commit that takes the write-ahead log past 1,000 pages copies the
log back into the database and syncs it, inside that commit, while every other writer waits:
a sync of 20 taps writes some 50 pages, so one commit in twenty paid for a checkpoint. These
connections turn automatic checkpoints off, and a thread in each process (:class:`_Checkpointer`)
runs a PASSIVE checkpoint every :data:`CHECKPOINT_SECONDS`, which proceeds alongside readers and
writers (https://www.sqlite.org/wal.html#application_initiated_checkpoints). The last
connection to close checkpoints whatever is left, as SQLite always does.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time

log = logging.getLogger("bdc")

# The statements that take SQLite's write lock (Python's sqlite3 opens the transaction before
# the first of INSERT, UPDATE, DELETE and REPLACE; DDL writes too).
_WRITING = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")

CHECKPOINT_SECONDS = 1.0

# Which connection holds the file lock for each thread (by thread id, so that a release from
# another thread, e.g. the pool closing a connection, clears the right entry).
_holders: dict[int, SerializedWritesConnection] = {}


def _writes(statement: str) -> bool:
    return statement.lstrip()[:7].upper().startswith(_WRITING)


def _file_path(database: str) -> str | None:
    """The path of a database file (None for an in-memory or URI database)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def checkpoint(path: str) -> None:
    """One PASSIVE checkpoint of a database file; never creates the file (a test may have
    removed it), and skips a round when another process is checkpointing."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=0)
    except sqlite3.Error:
        return
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except sqlite3.Error as error:
        log.debug("checkpoint skipped: %s", error)
    finally:
        connection.close()


class _Checkpointer:
    """Checkpoints every database file this process writes, from one daemon thread."""

    _paths: set[tuple[int, str]] = set()
    _lock = threading.Lock()

    @classmethod
    def ensure(cls, path: str) -> None:
        key = (os.getpid(), path)  # a forked server worker starts its own
        with cls._lock:
            if key in cls._paths:
                return
            cls._paths.add(key)
        threading.Thread(
            target=cls._run, args=(path,), name="bdc-sqlite-checkpoint", daemon=True
        ).start()

    @staticmethod
    def _run(path: str) -> None:
        while True:
            time.sleep(CHECKPOINT_SECONDS)
            checkpoint(path)


class _Cursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection.before_statement(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        self.connection.before_statement(sql)
        return super().executemany(sql, parameters)


class SerializedWritesConnection(sqlite3.Connection):
    """A sqlite3 connection that takes the database's writer file lock before writing, and
    leaves checkpoints to the process's checkpoint thread."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        path = _file_path(os.fspath(database))
        self._lock_file = None
        self._holding: int | None = None  # the thread holding the file lock
        if path is not None:
            self._lock_file = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
            super().execute("PRAGMA wal_autocheckpoint=0")
            _Checkpointer.ensure(path)

    def cursor(self, factory=_Cursor):
        return super().cursor(factory)

    # The connection's own shortcuts go straight to C cursors: route them through ours.
    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        return self.cursor().executemany(sql, parameters)

    def before_statement(self, statement: str) -> None:
        if self._holding is not None or self._lock_file is None or not _writes(statement):
            return
        thread = threading.get_ident()
        if thread in _holders:
            return
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        self._holding = thread
        _holders[thread] = self

    def _release(self) -> None:
        if self._holding is not None:
            _holders.pop(self._holding, None)
            self._holding = None
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def commit(self):
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._release()

    def close(self):
        try:
            super().close()
        finally:
            self._release()
            if self._lock_file is not None:
                os.close(self._lock_file)
                self._lock_file = None
