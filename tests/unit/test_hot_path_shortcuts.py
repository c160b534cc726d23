"""Sync's shortcuts give exactly what the general code gives (they exist only for speed)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from bdc.event_rules import check_event
from bdc.models import Event
from bdc.models.bulk import _converter

TIMES = [
    datetime(2026, 11, 2, 15, 0, tzinfo=UTC),  # no microseconds: still written with six digits
    datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
    datetime(2000, 1, 1, tzinfo=UTC),
    datetime(2099, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
]


@pytest.mark.parametrize("moment", TIMES, ids=str)
def test_an_event_time_is_written_as_sqlite_dialect_writes_it(moment):
    dialect = sqlite.dialect()
    general = sqlite.DATETIME().bind_processor(dialect)
    assert _converter(Event.__table__.c.t.type, dialect)(moment) == general(
        moment.replace(tzinfo=None)
    )


def test_a_time_with_another_offset_is_converted_to_utc_first():
    moment = datetime(2026, 11, 2, 10, 0, 0, 250_000, tzinfo=timezone(timedelta(hours=-5)))
    written = _converter(Event.__table__.c.t.type, sqlite.dialect())(moment)
    assert written == "2026-11-02 15:00:00.250000"


def test_postgresql_gets_a_naive_utc_datetime():
    convert = _converter(Event.__table__.c.t.type, postgresql.psycopg.dialect())
    assert convert(TIMES[1]) == TIMES[1].replace(tzinfo=None)


@pytest.mark.parametrize(
    "sent",
    [
        "6f1c2a3e-0b4d-4c5e-8f9a-0b1c2d3e4f5a",  # canonical: taken as it is
        "6F1C2A3E-0B4D-4C5E-8F9A-0B1C2D3E4F5A",
        "{6f1c2a3e-0b4d-4c5e-8f9a-0b1c2d3e4f5a}",
        "6f1c2a3e0b4d4c5e8f9a0b1c2d3e4f5a",
        "urn:uuid:6f1c2a3e-0b4d-4c5e-8f9a-0b1c2d3e4f5a",
    ],
)
def test_an_episode_id_is_stored_in_the_canonical_form(sent):
    data = check_event("duration_start", {"episode": sent}, measurement="duration", params={})
    assert data == {"episode": str(uuid.UUID(sent))}


@pytest.mark.parametrize("data", [{"x": 1}, [], "{}", None])
def test_a_count_with_anything_but_an_empty_object_is_refused(data):
    with pytest.raises(ValueError, match="data"):
        check_event("count", data, measurement="frequency", params={})
