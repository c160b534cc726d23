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
soon as the lock is free. A writer waits for it at most the busy timeout
(``BDC_DATABASE_BUSY_SECONDS``), then fails with "database is locked" as before (the API answers
503 with Retry-After). Readers never take it (WAL lets them read during a write). SQLite's own
lock and busy timeout stay as they were, for writers that do not take the file lock (the
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


class _WriterLock:
    """The exclusive ``flock`` on a database's lock file, through one open file, taken with a
    time limit.

    ``flock`` itself waits without one. An uncontended lock is taken at once; otherwise a
    short-lived thread waits in ``flock`` (on a duplicate of the file descriptor, which shares
    the lock) and the caller waits for it at most ``timeout`` seconds. A waiter whose caller
    gave up lets the lock go as soon as it gets it; the next acquire on this file reuses a
    waiter still waiting rather than starting a second one.
    """

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self._mutex = threading.Lock()
        self._granted: threading.Event | None = None  # a waiter's signal, while it waits
        self._wanted = False  # whether a caller still waits for that waiter

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if self._granted is None:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    self._granted = threading.Event()
                    waiter = threading.Thread(
                        target=self._wait, args=(self._granted, os.dup(self.fd)), daemon=True
                    )
                    waiter.start()
            granted = self._granted
            self._wanted = True
        if granted.wait(timeout):
            return True
        with self._mutex:
            self._wanted = granted.is_set()
            return self._wanted

    def _wait(self, granted: threading.Event, fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with self._mutex:
                self._granted = None
                if self._wanted:
                    granted.set()
                else:  # its caller gave up
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def release(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        os.close(self.fd)


class _Cursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection.before_statement(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        self.connection.before_statement(sql)
        return super().executemany(sql, parameters)


class SerializedWritesConnection(sqlite3.Connection):
    """A sqlite3 connection that takes the database's writer file lock before writing,
    waiting for it at most the connection's ``timeout`` (SQLite's busy timeout): then
    "database is locked", as SQLite would say."""

    def __init__(self, database, timeout: float = 5.0, *args, **kwargs):
        super().__init__(database, timeout, *args, **kwargs)
        path = _file_path(os.fspath(database))
        self._timeout = timeout
        self._writer_lock = None if path is None else _WriterLock(f"{path}-writer.lock")
        self._holding: int | None = None  # the thread holding the file lock

    def cursor(self, factory=_Cursor):
        return super().cursor(factory)

    # The connection's own shortcuts go straight to C cursors: route them through ours.
    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        return self.cursor().executemany(sql, parameters)

    def before_statement(self, statement: str) -> None:
        if self._holding is not None or self._writer_lock is None or not _writes(statement):
            return
        thread = threading.get_ident()
        if thread in _holders:
            return
        if not self._writer_lock.acquire(self._timeout):
            raise sqlite3.OperationalError("database is locked")
        self._holding = thread
        _holders[thread] = self

    def _release(self) -> None:
        if self._holding is not None:
            _holders.pop(self._holding, None)
            self._holding = None
            self._writer_lock.release()

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
            if self._writer_lock is not None:
                self._writer_lock.close()
                self._writer_lock = None
