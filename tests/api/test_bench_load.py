"""A small-N smoke test of bench/load.py's pieces (the benchmark itself runs for minutes):
its tablets' batches are valid syncs that store every event, and its percentiles are numpy's."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from bdc.extensions import db
from bdc.models import Event, SessionValue

_spec = importlib.util.spec_from_file_location(
    "bench_load", Path(__file__).resolve().parents[2] / "bench" / "load.py"
)
load = importlib.util.module_from_spec(_spec)
sys.modules["bench_load"] = load  # dataclasses look their module up there
_spec.loader.exec_module(load)


def test_percentiles_are_numpys():
    xs = [random.Random(3).uniform(0, 1) for _ in range(101)]
    for q in (50, 95, 99):
        assert load.percentile(xs, q) == np.percentile(xs, q)
    assert load.percentile([], 50) is None


def test_a_tablets_batches_are_stored_whole_with_their_values(http, make):
    tech = make.user("technician")
    client = make.client(tech)
    targets = [(make.target(client, m, name=name, params=p).id, m) for name, m, p in load.TARGETS]
    headers = make.login(tech)
    tablet = load.Tablet(None, None, client.id, targets, 20, random.Random(1))
    sent = 0
    for _ in range(3):
        body, n = tablet.batch()
        answer = http.post("/api/v1/sync", json=body, headers=headers)
        assert answer.status_code == 200 and answer.get_json()["rejected"] == []
        tablet.first = False
        sent += n
    assert sent >= 60
    assert db.session.scalar(select(func.count()).select_from(Event)) == sent
    assert db.session.scalar(select(func.count()).select_from(SessionValue)) == len(targets)


def test_repeated_runs_are_summed_up_by_their_median_and_whether_each_was_clean():
    clean = [load.RunResult(r, 0, 0, 100, 100) for r in (13.4, 6.2, 9.9)]
    assert load.runs_summary(clean) == (
        "runs: sync p99 / idle p50 13.4, 6.2, 9.9; median 9.9 (goal <= 10); "
        "0 errors, 0 locked, every event stored in every run"
    )
    # one run that lost an event, one with an error, one locked: each makes the set not clean
    for odd in (
        load.RunResult(5.0, 0, 0, 100, 99),
        load.RunResult(5.0, 1, 0, 100, 100),
        load.RunResult(5.0, 0, 1, 100, 100),
    ):
        assert load.runs_summary([*clean, odd]).endswith("NOT CLEAN")
    assert "median -" in load.runs_summary([load.RunResult(None, 0, 0, 0, 0)])
