"""Back up and restore the whole database: "never lose a tap" includes the disk.

SQLite (one machine): the online backup API (``sqlite3.Connection.backup``) copies a
consistent snapshot page by page while bdc keeps serving, then the copy is checked with
``PRAGMA integrity_check``. PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean
--single-transaction``, so a failed restore changes nothing. docs/operations.md has the steps.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


def default_name(url: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"bdc-{stamp}.{'db' if _is_sqlite(url) else 'dump'}"


def backup(url: str, destination: Path) -> Path:
    """Copy the database at ``url`` to ``destination`` (a new file); answer its path."""
    if destination.exists():
        raise BackupError(f"{destination} exists already; give a new file name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    if _is_sqlite(url):
        source = _sqlite_connect(url)
        copy = sqlite3.connect(destination)
        try:
            with copy:
                source.backup(copy)
        finally:
            source.close()
            copy.close()
        _check_sqlite(destination)
    else:
        _run_pg("pg_dump", url, ["--format=custom", "--file", str(destination)])
    return destination


def restore(url: str, source: Path) -> None:
    """Replace everything in the database at ``url`` with the backup ``source``."""
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    if _is_sqlite(url):
        _check_sqlite(source)
        backup_copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = _sqlite_connect(url)
        try:
            backup_copy.backup(live)
        finally:
            backup_copy.close()
            live.close()
    else:
        _run_pg(
            "pg_restore",
            url,
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)],
        )


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_connect(url: str) -> sqlite3.Connection:
    path = make_url(url).database
    if not path or path == ":memory:" or not Path(path).is_file():
        raise BackupError(f"No SQLite database file at {path!r}.")
    return sqlite3.connect(path, timeout=30)


def _check_sqlite(path: Path) -> None:
    """A usable bdc backup: intact pages and bdc's schema."""
    try:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            [verdict] = copy.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in copy.execute("select name from sqlite_master")}
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error}).") from None
    if verdict != "ok":
        raise BackupError(f"{path} failed its integrity check: {verdict}")
    if not {"alembic_version", "sessions", "events"} <= tables:
        raise BackupError(f"{path} is not a bdc database.")


def _run_pg(tool: str, url: str, arguments: list[str]) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    target: URL = make_url(url)
    env = dict(os.environ)
    if target.password:  # through the environment, never on a command line others can read
        env["PGPASSWORD"] = target.password
    libpq = target.set(drivername="postgresql", password=None).render_as_string()
    done = subprocess.run(
        [executable, "--dbname", libpq, *arguments], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-2000:]}")
