"""Insert many rows of one table with a single driver-level ``executemany``.

SQLAlchemy's generic executemany applies every column's bind processor through several
layers per row; sync inserts thousands of events a request, and that overhead outweighed the
insert itself. Here the statement is compiled once per dialect, each column's bind processor
is looked up once, and values that are the same for every row (the server's arrival time) are
processed once. The processors are SQLAlchemy's own, so stored values are identical to the ORM's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.orm import Session


def insert_many(
    session: Session | Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    shared: Mapping[str, Any] | None = None,
) -> None:
    """Insert ``rows`` (dicts of column values) plus ``shared`` values common to every row,
    through an ORM session's connection or a connection."""
    if not rows:
        return
    shared = dict(shared or {})
    connection = session if isinstance(session, Connection) else session.connection()
    dialect = connection.dialect
    names = [*rows[0].keys(), *shared.keys()]
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    processors = {name: table.c[name].type._cached_bind_processor(dialect) for name in names}
    shared_values = {
        name: processors[name](value) if processors[name] else value
        for name, value in shared.items()
    }
    keys = list(compiled.positiontup) if compiled.positional else names
    # One (column, processor, shared value) per parameter slot, in the statement's order.
    slots = [(key, processors[key], key in shared_values, shared_values.get(key)) for key in keys]
    tuples = [
        tuple(
            value if is_shared else (proc(row[key]) if proc else row[key])
            for key, proc, is_shared, value in slots
        )
        for row in rows
    ]
    params = tuples if compiled.positional else [dict(zip(keys, t, strict=True)) for t in tuples]
    connection.exec_driver_sql(compiled.string, params)
