"""Calendar-day boundaries in UTC, for date filters on timestamp columns."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def within_days(column, date_from: date | None, date_to: date | None) -> list:
    """SQL conditions for ``column`` falling on ``date_from`` .. ``date_to`` inclusive."""
    conditions = []
    if date_from is not None:
        conditions.append(column >= day_start(date_from))
    if date_to is not None:
        conditions.append(column < day_start(date_to + timedelta(days=1)))
    return conditions
