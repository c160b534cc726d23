"""Graphs and reports drawn in a process of their own, so that a server worker's syncs never
wait behind one.

A gthread worker's threads share one interpreter lock. Drawing a graph holds it for some
45 ms of matplotlib, and a sync running meanwhile in the same worker gets it back only every
5 ms (Python's switch interval) after each of its database calls; when that sync holds
SQLite's write lock, every writer of every worker waits as well. With three BCBAs reading
graphs, a 500-tablet load's slowest syncs took three to four times as long as with none
(docs/performance.md, "Under load, eighth pass"). So each gunicorn worker starts one drawing
process (``bdc/gunicorn_conf.py``) and sends it what to draw: a :class:`Sketch` (a function of
:mod:`bdc.reports` and its plain-data arguments), answered with the file's bytes, which are
the bytes drawing in place gives (rendering is reproducible).

The drawing process is a fresh interpreter (multiprocessing's "spawn", never a fork of a
worker whose threads may hold locks), so a script that calls :func:`start` keeps its own work
under ``if __name__ == "__main__"``, as multiprocessing asks (gunicorn's does).

Without a started drawing process (tests, the command line, the demo loader) everything is
drawn in place. If the drawing process dies (killed, out of memory), the drawing that finds
it dead is drawn in place and a new process is started for the next one.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from bdc import reports
from bdc.reports.render import warm_up

__all__ = ["Sketch", "render", "run", "sketch", "start", "stop"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sketch:
    """A figure not drawn yet: ``build(*args, **kwargs)``, where ``build`` is a module-level
    function of :mod:`bdc.reports` (sent to the drawing process by name) and the arguments
    are plain data (:mod:`bdc.reports.model`)."""

    build: Callable[..., Any]
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


def sketch(build: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Sketch:
    """The figure ``build(*args, **kwargs)``, to be drawn by :func:`render`."""
    return Sketch(build, args, kwargs)


def _drawn(figure: Sketch, fmt: str) -> bytes:
    return reports.render(figure.build(*figure.args, **figure.kwargs), fmt)


def render(figure: Sketch, fmt: str) -> bytes:
    """``figure`` as PNG, SVG or PDF bytes (:func:`bdc.reports.render`), drawn by :func:`run`."""
    return run(_drawn, figure, fmt)


_executor: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _new_executor() -> ProcessPoolExecutor:
    # "spawn": a fresh interpreter, never a fork of a worker whose threads may hold locks
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=warm_up,
    )


def start() -> None:
    """Start this process's drawing process and wait until it is ready (matplotlib loaded
    and warmed up). A server worker calls this once, before it takes requests."""
    global _executor
    with _lock:
        if _executor is None:
            _executor = _new_executor()
        executor = _executor
    executor.submit(int).result()


def stop() -> None:
    """End the drawing process, if one is started; drawing is done in place again."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown()


def run(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` in the drawing process when one is started, else here.

    ``func`` and its arguments go to the other process by pickling: a module-level function
    and plain data. An exception ``func`` raises there is raised here.
    """
    executor = _executor
    if executor is None:
        return func(*args, **kwargs)
    try:
        return executor.submit(func, *args, **kwargs).result()
    except BrokenProcessPool:
        log.warning("The drawing process stopped: drawing in place, and starting a new one.")
        _replace(executor)
        return func(*args, **kwargs)


def _replace(broken: ProcessPoolExecutor) -> None:
    """A new drawing process (started with its first drawing) for one found dead; once."""
    global _executor
    with _lock:
        if _executor is broken:
            _executor = _new_executor()
    broken.shutdown(wait=False)
