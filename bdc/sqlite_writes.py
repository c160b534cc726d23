"""Writing to a SQLite file from several server processes: one writer at a time, queued by the
operating system.

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
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading

# The statements that take SQLite's write lock (Python's sqlite3 opens the transaction before
# the first of INSERT, UPDATE, DELETE and REPLACE; DDL writes too).
_WRITING = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")

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


class _Cursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection.before_statement(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        self.connection.before_statement(sql)
        return super().executemany(sql, parameters)


class SerializedWritesConnection(sqlite3.Connection):
    """A sqlite3 connection that takes the database's writer file lock before writing."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        path = _file_path(os.fspath(database))
        self._lock_file = None
        self._holding: int | None = None  # the thread holding the file lock
        if path is not None:
            self._lock_file = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)

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
