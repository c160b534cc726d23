"""Column types and helpers shared by every model."""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, String, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


_MS_48 = (1 << 48) - 1


def new_id(now_ns: int | None = None) -> str:
    """A new id: a UUID version 7 (RFC 9562, section 5.7), as the PWA makes them
    (pwa/js/ids.js): the Unix time in milliseconds in the first 48 bits, then the version,
    74 random bits and the variant. Ids made one after another sort one after another, so
    an index on them grows at one end instead of taking each new row into a page of its own
    (docs/performance.md, "Under load, seventh pass"). ``now_ns``: the time it carries
    (default: now), in nanoseconds since the Unix epoch. Python 3.14's uuid.uuid7 is the
    same layout."""
    ms = (time.time_ns() if now_ns is None else now_ns) // 1_000_000
    value = (ms & _MS_48) << 80 | secrets.randbits(80)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # variant 10
    return str(uuid.UUID(int=value))


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
