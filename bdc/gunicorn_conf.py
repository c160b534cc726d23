"""gunicorn settings for ``bdc serve`` (and ``bench/load.py``, which measures them).

Command-line options override these. docs/performance.md ("Serving under load") has the runs
behind them: threaded workers keep answering reads while a worker's writers wait for SQLite's
write lock; a deep backlog lets a clinic's tablets queue instead of being refused when they
all reconnect at once.
"""

import gc

worker_class = "gthread"
threads = 4
backlog = 2048
# a progress report of many targets takes tens of seconds on a busy machine
timeout = 120
# The interpreter lock is handed over at Python's default (every 5 ms). Handing it over every
# 1 ms once kept SQLite's writers from waiting behind a graph, but once sync got cheaper the
# extra switches cost more CPU than they saved: 500 tablets on PostgreSQL went from 13-62 x
# to 4-11 x an idle sync and SQLite was no worse (docs/performance.md, "fifth pass"; SQLite
# runs 5.5-10 x with WAL, "SQLite without its settings").


def post_worker_init(worker):
    """Start the worker's drawing process (graphs and reports are drawn there, so the
    worker's syncs never wait behind one: bdc/drawing.py) and load what the first summary
    would load (scipy.stats: a quarter of a second with the interpreter lock held, which
    stalled the worker's syncs), then leave the loaded application (some 300,000 objects:
    modules, the schema, matplotlib, scipy) out of garbage collection: full collections
    walked them all, pausing the worker for up to 0.2 s, which stalled every writer when the
    paused thread held the write lock."""
    import scipy.stats  # noqa: F401  (bdc.analysis imports it lazily, for the CLI's sake)

    from bdc import drawing

    drawing.start()
    gc.collect()
    gc.freeze()


def worker_exit(server, worker):
    """End the worker's drawing process with it."""
    from bdc import drawing

    drawing.stop()
