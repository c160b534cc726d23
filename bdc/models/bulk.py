"""Insert rows that may already be there, leaving the held row as it is (insert-or-ignore).

Sync stores what the server has not seen by id. Two devices (or two retries of one device)
can send the same new id at the same moment, so "not held yet" is decided by the database's
primary key, not by an earlier SELECT: ``INSERT ... ON CONFLICT (id) DO NOTHING`` through
SQLAlchemy's SQLite and PostgreSQL dialects. The answer is how many rows were inserted, so the
caller can compare the rows it did not insert with what is held.

:func:`insert_many` is sync's hot path. SQLAlchemy's generic executemany applies every column's
bind processor through several layers per row; sync inserts thousands of events a request, and
that overhead outweighed the insert itself. Here the statement is compiled once per dialect,
each column's bind processor is looked up once and applied column by column, and values that
are the same for every row (the server's arrival time) are processed once. The processors are
SQLAlchemy's own, so stored values are identical to the ORM's.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bdc.models.base import UTCDateTime

_DIALECT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_ignoring(table: Table, dialect_name: str):
    """``INSERT INTO table ... ON CONFLICT (primary key) DO NOTHING`` for this dialect."""
    make = _DIALECT_INSERTS.get(dialect_name)
    if make is None:
        raise RuntimeError(f"bdc supports SQLite and PostgreSQL, not {dialect_name}")
    return make(table).on_conflict_do_nothing(index_elements=list(table.primary_key.columns))


def insert_one(session: Session, table: Table, row: Mapping[str, Any]) -> bool:
    """Insert ``row`` unless its primary key is held; answer whether it was inserted.

    Told by RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT DO
    NOTHING executed through SQLAlchemy, which would read as "held" on PostgreSQL.
    """
    statement = _insert_returning_key(table, session.get_bind().dialect.name)
    return session.execute(statement, dict(row)).first() is not None


@functools.cache
def _insert_returning_key(table: Table, dialect_name: str):
    """Built once: building an insert costs more than SQLite takes to run it."""
    return insert_ignoring(table, dialect_name).returning(*table.primary_key.columns)


@functools.lru_cache(maxsize=256)  # a few tables' columns per engine's dialect
def _converter(column_type, dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor (None: the driver takes the value as it is), with two
    shortcuts that give the same values: the empty JSON object, which most events carry, is
    serialised once; an aware UTC time skips the conversion to UTC where the dialect's own
    processor formats the fields (SQLite's text), which a naive copy would give the same."""
    processor = column_type._cached_bind_processor(dialect)
    if processor is None:
        return None
    if isinstance(column_type, JSON):
        empty = processor({})
        return lambda value: empty if type(value) is dict and not value else processor(value)
    if isinstance(column_type, UTCDateTime):
        fields = column_type.impl_instance._cached_bind_processor(dialect)
        if fields is not None:
            text = _iso_text if _iso_text(_SAMPLE_TIME) == fields(_SAMPLE_TIME) else fields
            return lambda value: (
                text(value) if value is not None and value.tzinfo is UTC else processor(value)
            )
    return processor


# SQLite stores a time as text, formatted field by field with %; isoformat writes the same
# text several times faster. Used only where it gives the dialect's own text for a sample
# with every field one digit short of its width.
_SAMPLE_TIME = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)


def _iso_text(value: datetime) -> str:
    return value.isoformat(" ", "microseconds")[:-6]  # without the "+00:00" of UTC


def insert_many(
    session: Session | Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    shared: Mapping[str, Any] | None = None,
) -> int:
    """Insert ``rows`` (dicts of column values) plus ``shared`` values common to every row,
    through an ORM session's connection or a connection, skipping any whose primary key is
    held; answer how many were inserted."""
    if not rows:
        return 0
    shared = dict(shared or {})
    connection = session if isinstance(session, Connection) else session.connection()
    dialect = connection.dialect
    names = (*rows[0].keys(), *shared.keys())
    sql, keys, positional = _compiled_insert(table, dialect, names)
    # Column by column: one loop per column with its converter looked up once is several
    # times cheaper than a generator per row.
    columns = []
    for key in keys:
        convert = _converter(table.c[key].type, dialect)
        if key in shared:
            value = shared[key]
            columns.append(itertools.repeat(convert(value) if convert else value, len(rows)))
        elif convert is None:
            columns.append([row[key] for row in rows])
        else:
            columns.append([convert(row[key]) for row in rows])
    tuples = list(zip(*columns, strict=True))
    params = tuples if positional else [dict(zip(keys, t, strict=True)) for t in tuples]
    return connection.exec_driver_sql(sql, params).rowcount


@functools.lru_cache(maxsize=64)  # a few tables and column sets per engine's dialect
def _compiled_insert(table: Table, dialect, names: tuple[str, ...]) -> tuple[str, list, bool]:
    """(SQL, parameter keys in order, positional?) of the insert-or-ignore of ``names``."""
    compiled = insert_ignoring(table, dialect.name).compile(dialect=dialect, column_keys=names)
    keys = list(compiled.positiontup) if compiled.positional else list(names)
    return compiled.string, keys, compiled.positional
