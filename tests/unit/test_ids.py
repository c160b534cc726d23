"""new_id: UUID version 7 (RFC 9562, section 5.7), the layout the PWA's newId makes too.

Expected values are read off the RFC: its appendix A.6 example time, 2022-02-22 19:22:22 UTC,
is 0x017F22E279B0 milliseconds, the first 48 bits of the example UUID 017F22E2-79B0-7CC3-...
"""

import uuid
from datetime import UTC, datetime

from bdc.models.base import new_id

RFC_EXAMPLE_NS = int(datetime(2022, 2, 22, 19, 22, 22, tzinfo=UTC).timestamp()) * 10**9


def test_an_id_is_a_version_7_uuid_carrying_the_time_in_milliseconds():
    made = new_id(RFC_EXAMPLE_NS)
    parsed = uuid.UUID(made)
    assert str(parsed) == made  # canonical: lowercase, hyphenated
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert made[:13] == "017f22e2-79b0"


def test_ids_made_later_sort_after_those_made_earlier():
    # what keeps an index on them growing at one end; uuid4's ids fail this
    start = RFC_EXAMPLE_NS
    made = [new_id(start + i * 1_000_000) for i in range(2_000)]
    assert sorted(made) == made


def test_ids_of_the_same_millisecond_differ():
    assert len({new_id(RFC_EXAMPLE_NS) for _ in range(10_000)}) == 10_000


def test_rows_get_time_ordered_ids(app):
    from bdc.extensions import db
    from bdc.models import Client

    with app.app_context():
        clients = [Client(code=f"ID-{i}", name="Order") for i in range(50)]
        for client in clients:
            db.session.add(client)
            db.session.flush()
        ids = [client.id for client in clients]
        assert all(uuid.UUID(i).version == 7 for i in ids)
        times = [i[:13] for i in ids]  # ids of one millisecond may be in any order
        assert sorted(times) == times
