"""The whole sync protocol under faults, property-based (issue #10).

Hypothesis draws scenarios for three tablets (two of one technician, one of another): taps,
undos, session ends, incidents, batches sent with lost answers, server failures that roll
back, replays, reordering, repeats, entries skipped ahead of their session, altered copies of
held ids, and two syncs at the same moment. After each scenario every tablet drains its outbox
and the server must hold exactly what the tablets recorded, once, with nothing stranded
(tests/sync_faults_model.py). bench/sync_faults.py runs the same model 10,000 times.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sync_faults_model import FAULTS, ORDERS, World

DEVICES = 3

device = st.integers(0, DEVICES - 1)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("tap"), device, st.integers(1, 8)),
        st.tuples(st.just("undo"), device, st.integers(0, 50)),
        st.tuples(st.just("end"), device),
        st.tuples(st.just("incident"), device),
        st.tuples(
            st.just("sync"),
            device,
            st.integers(1, 30),
            st.sampled_from(FAULTS),
            st.sampled_from(ORDERS),
            st.booleans(),
        ),
        st.tuples(st.just("replay"), device, st.integers(0, 50)),
        st.tuples(st.just("skip"), device, st.integers(1, 10), st.integers(1, 10)),
        st.tuples(st.just("conflict"), device, st.integers(0, 50)),
        st.tuples(st.just("together"), device, device),
    ),
    min_size=10,
    max_size=40,
)


def test_after_any_faults_the_server_holds_each_entry_once_and_nothing_is_stranded(app, make):
    first, second = make.user("technician"), make.user("technician")
    shared, own = make.client(first), make.client(second)
    devices = [
        (make.login(first), shared.id, make.target(shared).id),
        (make.login(first), shared.id, make.target(shared).id),  # a second tablet, same person
        (make.login(second), own.id, make.target(own).id),
    ]
    seeds = iter(range(10**9))

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(steps)
    def scenario(drawn):
        tally = World(app, devices, seed=next(seeds)).run(drawn)
        assert tally.entries > 0 or not any(s[0] in ("tap", "incident") for s in drawn)
        assert tally.clean, (tally, tally.notes)

    scenario()
