"""gunicorn settings for ``bdc serve`` (and ``bench/load.py``, which measures them).

Command-line options override these. docs/performance.md ("Settings") has the runs behind
them: threaded workers keep answering reads while a worker's writers wait for SQLite's write
lock; a deep backlog lets a clinic's tablets queue instead of being refused when they all
reconnect at once.
"""

import gc

worker_class = "gthread"
threads = 4
backlog = 2048
# a progress report of many targets takes tens of seconds on a busy machine
timeout = 120


def post_worker_init(worker):
    """Leave the loaded application (some 200,000 objects: modules, the schema, matplotlib)
    out of garbage collection. Every full collection walked them all, pausing the worker for
    up to 0.2 s: with one writer at a time on SQLite, a pause while holding the write lock
    stalled every tablet's sync (docs/performance.md)."""
    gc.collect()
    gc.freeze()
