"""The clinic's calendar: local days and hours over timestamps stored in UTC.

Every calendar day and hour a person sees (a graph's dates, a daily count, the scatterplot's
rows, timeliness, a report's period, the dates in an export) is a day in the clinic's time
zone, the ``TIME_ZONE`` setting (``BDC_TIME_ZONE``, an IANA name such as
``America/Chicago``; by default the server's own zone). Storage stays UTC; this module is the
one place that turns a local day into UTC bounds and a UTC moment into a local day.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

__all__ = [
    "client_zone",
    "clinic_zone",
    "day_start",
    "local_day",
    "local_time",
    "local_today",
    "server_zone_name",
    "within_days",
    "zone",
]


def server_zone_name() -> str:
    """The IANA name of the server's local zone (``TZ``, else ``/etc/localtime``), or UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            link = Path("/etc/localtime").resolve()
            parts = link.parts
            name = "/".join(parts[parts.index("zoneinfo") + 1 :]) if "zoneinfo" in parts else ""
        except (OSError, ValueError):
            name = ""
    try:
        return str(ZoneInfo(name)) if name else "UTC"
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"


def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; ValueError naming it when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Europe/Paris)") from exc


def clinic_zone() -> tzinfo:
    """The clinic's zone: the app's ``TIME_ZONE`` setting (UTC outside an app)."""
    if has_app_context():
        return zone(current_app.config.get("TIME_ZONE") or "UTC")
    return UTC


def client_zone(name: str | None) -> tzinfo:
    """A client's zone: its own IANA ``name`` (a caseload spanning zones), else the clinic's."""
    return zone(name) if name else clinic_zone()


def local_time(moment: datetime, tz: tzinfo | None = None) -> datetime:
    """``moment`` (aware, or naive UTC as SQLite returns it) on the clinic's clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz or clinic_zone())


def local_day(moment: datetime, tz: tzinfo | None = None) -> date:
    """The clinic's calendar day of ``moment``: a 19:00 session in Chicago is on its own day."""
    return local_time(moment, tz).date()


def local_today(tz: tzinfo | None = None) -> date:
    return datetime.now(tz or clinic_zone()).date()


def day_start(day: date, tz: tzinfo | None = None) -> datetime:
    """The UTC moment the clinic's ``day`` begins (daylight-saving days included)."""
    return datetime.combine(day, time.min, tzinfo=tz or clinic_zone()).astimezone(UTC)


def within_days(
    column, date_from: date | None, date_to: date | None, tz: tzinfo | None = None
) -> list:
    """SQL conditions for ``column`` (UTC) falling on the clinic's days ``date_from`` ..
    ``date_to`` inclusive."""
    tz = tz or clinic_zone()
    conditions = []
    if date_from is not None:
        conditions.append(column >= day_start(date_from, tz))
    if date_to is not None:
        conditions.append(column < day_start(date_to + timedelta(days=1), tz))
    return conditions
