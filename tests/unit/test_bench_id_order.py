"""A small run of bench/id_order.py (syncs into a database holding many events, random ids
against the PWA's time-ordered ones): both kinds of id sync and the ratio is printed."""

from __future__ import annotations

from bench import id_order as bench


def test_a_small_run_times_both_kinds_of_id(capsys):
    best = bench.main(["--history", "500", "--tablets", "2", "--rounds", "2", "--repeat", "1"])
    assert set(best) == {"random (v4)", "ordered (v7)"}
    assert all(seconds > 0 for seconds in best.values())
    assert "ratio (ordered / random)" in capsys.readouterr().out
