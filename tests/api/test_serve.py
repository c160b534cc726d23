"""``bdc serve``: gunicorn with bdc's own settings (bdc/gunicorn_conf.py), for real."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_bdc_serve_answers_with_its_gunicorn_settings(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BDC_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
    }
    command = [sys.executable, "-c", "from bdc.cli import main; main(prog_name='bdc')"]
    subprocess.run([*command, "init-db"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json") as r:
                    assert r.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "bdc serve did not answer within 60 s"
                time.sleep(0.2)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Using worker: gthread" in output


def test_each_worker_starts_its_drawing_process_loads_the_app_then_freezes_it():
    """gunicorn's post_worker_init and worker_exit hooks, in a fresh interpreter as a worker
    runs them: graphs are drawn in another process until the worker exits."""
    check = (
        "import gc, os, sys; import bdc.gunicorn_conf as conf; from bdc import drawing; "
        "conf.post_worker_init(None); elsewhere = drawing.run(os.getpid) != os.getpid(); "
        "conf.worker_exit(None, None); here = drawing.run(os.getpid) == os.getpid(); "
        "print(gc.get_freeze_count(), sys.getswitchinterval(), 'scipy.stats' in sys.modules, "
        "elsewhere, here)"
    )
    result = subprocess.run(
        [sys.executable, "-c", check],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    frozen, interval, scipy_loaded, drawn_elsewhere, drawn_here_after = result.stdout.split()
    assert int(frozen) > 100_000
    assert float(interval) == 0.005  # Python's default: 1 ms cost more than it saved
    assert scipy_loaded == "True"
    assert drawn_elsewhere == drawn_here_after == "True"
