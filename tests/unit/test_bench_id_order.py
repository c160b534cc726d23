"""A small run of bench/id_order.py (syncs into a database holding many events, random ids
against the PWA's time-ordered ones): both kinds of id sync and the ratio is printed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "bench_id_order", Path(__file__).resolve().parents[2] / "bench" / "id_order.py"
)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_a_small_run_times_both_kinds_of_id(capsys):
    best = bench.main(["--history", "500", "--tablets", "2", "--rounds", "2", "--repeat", "1"])
    assert set(best) == {"random (v4)", "ordered (v7)"}
    assert all(seconds > 0 for seconds in best.values())
    assert "ratio (ordered / random)" in capsys.readouterr().out
