"""A small run of bench/measure_more.py (the benchmark folds into sessions of 2,000 events):
every measurement can go on from its tally with the bench's events, and the run prints a
figure for each."""

from __future__ import annotations

from bdc.measures import MEASUREMENTS
from bench import measure_more as bench


def test_a_small_run_times_every_measurement(capsys):
    rows = bench.main(["--short", "3", "--long", "30", "--repeat", "2", "--rounds", "1"])
    assert [name for name, _, _ in rows] == list(MEASUREMENTS)
    assert all(short > 0 and long > 0 for _, short, long in rows)
    printed = capsys.readouterr().out
    assert all(name in printed for name in MEASUREMENTS)
