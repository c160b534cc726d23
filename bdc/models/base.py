"""Column types and helpers shared by every model."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, String, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database.

    Stored as naive UTC (SQLite has no time zones, and one representation keeps SQLite and
    PostgreSQL identical); read back as aware UTC. Naive input is refused: a device clock
    reading without an offset cannot be placed in time.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused; give a UTC offset")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text from a core query
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


def id_column(**kwargs) -> Mapped[str]:
    return mapped_column(String(36), primary_key=True, default=new_id, **kwargs)
