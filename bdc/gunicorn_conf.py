"""gunicorn settings for ``bdc serve`` (and ``bench/load.py``, which measures them).

Command-line options override these. docs/performance.md ("Settings") has the runs behind
them: threaded workers keep answering reads while a worker's writers wait for SQLite's write
lock; a deep backlog lets a clinic's tablets queue instead of being refused when they all
reconnect at once.
"""

worker_class = "gthread"
threads = 4
backlog = 2048
# a progress report of many targets takes tens of seconds on a busy machine
timeout = 120
