"""Helpers for the end-to-end tests: a tiny JSON client for seeding and checking the server
through its public API, the demo caseload every test records against, and page actions."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.serving import make_server

PASSWORD = "e2e-password-123"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class LiveServer:
    """The real app on 127.0.0.1 and a random free port, in a background thread."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._thread.join(timeout=10)


class Api:
    """JSON calls with a bearer token, as a script would make them."""

    def __init__(self, base: str):
        self.base = base
        self.token: str | None = None

    def call(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base}/api/v1{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, (json.loads(raw) if raw else None)

    def ok(self, method: str, path: str, body=None):
        status, answer = self.call(method, path, body)
        assert 200 <= status < 300, (method, path, status, answer)
        return answer

    def login(self, username: str, password: str = PASSWORD) -> Api:
        self.token = self.ok("POST", "/auth/login", {"username": username, "password": password})[
            "token"
        ]
        return self


@dataclass
class Caseload:
    base: str
    client: dict
    users: dict[str, dict]
    targets: dict[str, dict]
    plan: dict
    extra: dict = field(default_factory=dict)

    def api_as(self, role: str) -> Api:
        return Api(self.base).login(self.users[role]["username"])


# One target of every measurement; the short interval keeps the tests quick.
TARGETS = [
    {
        "name": "Hitting",
        "measurement": "frequency",
        "direction": "decrease",
        "definition": "Any open- or closed-hand contact with another person, above the waist.",
    },
    {"name": "Out of seat", "measurement": "duration", "direction": "decrease"},
    {
        "name": "On task",
        "measurement": "partial_interval",
        "params": {"interval_seconds": 2, "observation_minutes": 1},
    },
    {
        "name": "Receptive ID",
        "measurement": "dtt",
        "params": {
            "prompt_levels": ["independent", "gestural", "model", "physical"],
            "trials_per_session": 10,
        },
    },
    {
        "name": "Tantrum",
        "measurement": "abc",
        "direction": "decrease",
        "params": {
            "antecedents": ["Demand", "Transition", "Denied item"],
            "behaviors": ["Crying", "Dropping", "Hitting"],
            "consequences": ["Break", "Redirect", "Ignored"],
            "setting_events": ["Poor sleep", "Missed snack"],
        },
    },
    {
        "name": "Hand washing",
        "measurement": "task_analysis",
        "params": {"steps": ["Turn on water", "Wet hands", "Soap", "Scrub", "Rinse", "Dry"]},
    },
    {
        "name": "Follows instruction",
        "measurement": "latency",
        "direction": "decrease",
        "params": {"max_wait_seconds": 5},
    },
    {
        "name": "Engagement",
        "measurement": "rating",
        "params": {
            "scale_min": 1,
            "scale_max": 5,
            "labels": ["none", "low", "some", "good", "full"],
        },
    },
    {
        "name": "Stimming",
        "measurement": "whole_interval",
        "direction": "decrease",
        "params": {"interval_seconds": 10, "observation_minutes": 5},
    },
    {"name": "Requests", "measurement": "rate"},
    {
        "name": "Engaged with peers",
        "measurement": "momentary_time_sampling",
        "params": {"interval_seconds": 15, "observation_minutes": 5},
    },
]


def seed_caseload(base: str, admin_username: str, admin_password: str) -> Caseload:
    """Users of every recording role, one client with them assigned, its targets and a plan,
    all created through the public API by an admin."""
    admin = Api(base).login(admin_username, admin_password)
    tag = uuid.uuid4().hex[:6]
    users = {}
    for role, name in [
        ("technician", "Tess Tech"),
        ("therapist", "Theo Therapist"),
        ("bcba", "Bea BCBA"),
    ]:
        users[role] = admin.ok(
            "POST",
            "/users",
            {
                "username": f"{role}-{tag}",
                "password": PASSWORD,
                "role": role,
                "display_name": name,
            },
        )
    client = admin.ok(
        "POST",
        "/clients",
        {"code": f"C-{tag}", "name": "Sam Rivera", "date_of_birth": "2018-05-04"},
    )
    for user in users.values():
        admin.ok("POST", f"/clients/{client['id']}/assignments", {"user_id": user["id"]})
    targets = {}
    for spec in TARGETS:
        targets[spec["name"]] = admin.ok("POST", f"/clients/{client['id']}/targets", spec)
    plan = admin.ok(
        "POST",
        f"/clients/{client['id']}/plans",
        {
            "title": "Escape BIP",
            "function": "escape",
            "strategies": ["FCT", "High-p sequence"],
            "checklist": [
                "Presents choice board",
                "Prompts break request",
                "Honors break within 5 s",
                "Praises on return",
                "Re-presents demand",
            ],
            "criterion": 90,
        },
    )
    return Caseload(base, client, users, targets, plan)


# --- page actions ---------------------------------------------------------------------


def sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My caseload").wait_for()


def start_session(page, client_name: str, role: str | None = None) -> str:
    """Two taps: the client, then Start. Returns the new session's id."""
    page.get_by_role("button", name=client_name).click()
    if role:
        page.get_by_role("button", name=role).click()
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url("**/#/session/*")
    page.locator(".cards").wait_for()
    return page.url.rsplit("/", 1)[1]


def end_session(page) -> None:
    """End the running session from its bar and wait for the summary screen."""
    page.get_by_role("button", name="End session", exact=True).click()
    page.get_by_role("button", name="Yes, end it").click()
    page.get_by_role("heading", name="Session summary").wait_for()


def wait_for_js(page, expression: str, arg=None, timeout: float = 30000) -> None:
    """``page.wait_for_function`` without eval: Playwright's polling predicate runs the
    expression with eval(), which the app's Content-Security-Policy forbids (no
    'unsafe-eval'); ``page.evaluate`` goes over the DevTools protocol, which it does not govern."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout:.0f} ms: {expression}")
        page.wait_for_timeout(100)


def run_script(page, path) -> None:
    """Run a script file in the page as the DevTools protocol does, outside the app's
    Content-Security-Policy (``page.add_script_tag`` inserts an inline script, which it blocks)."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("Runtime.evaluate", {"expression": Path(path).read_text()})
    finally:
        session.detach()


def wait_for_service_worker(page) -> None:
    """The shell must be cached and the page controlled before the network may drop."""
    wait_for_js(
        page,
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null",
        timeout=20000,
    )


def card(page, target_name: str):
    return page.locator(
        "section.card", has=page.get_by_role("heading", name=target_name, exact=True)
    )


READ_STORE = """async (store) => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('bdc');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const all = await new Promise((ok) => {
    const r = db.transaction(store).objectStore(store).getAll();
    r.onsuccess = () => ok(r.result);
  });
  db.close();
  return all;
}"""


CACHED = """async (key) => {
  const db = await new Promise((ok) => {
    const r = indexedDB.open('bdc');
    r.onsuccess = () => ok(r.result);
  });
  const row = await new Promise((ok) => {
    const r = db.transaction('cache').objectStore('cache').get(key);
    r.onsuccess = () => ok(r.result);
  });
  db.close();
  return row?.value ?? null;
}"""


def wait_for_cached(page, key: str, ready, timeout: float = 30000) -> None:
    """Until ``ready`` holds for what the app's cache keeps under ``key`` (e.g. the clinic's
    session settings, fetched after the caseload)."""
    deadline = time.monotonic() + timeout / 1000
    while not ready(page.evaluate(CACHED, key)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the cached {key!r} never became ready")
        page.wait_for_timeout(100)


def read_store(page, store: str) -> list[dict]:
    """Every record of one of the app's IndexedDB stores, read straight from the browser."""
    return page.evaluate(READ_STORE, store)


def outbox_events(page, session_id: str) -> list[dict]:
    """The event bodies the device holds for a session, in recording order."""
    records = [r for r in read_store(page, "outbox") if r["session_id"] == session_id]
    return [r["body"] for r in sorted(records, key=lambda r: r["seq"]) if r["type"] == "event"]


def wait_until_synced(page, timeout: float = 30000) -> None:
    wait_for_js(
        page,
        "(s => s && s.pending === 0 && s.state === 'idle')(window.bdc?.sync?.status())",
        timeout=timeout,
    )


# Layout problems a technician would hit: sideways scrolling, and tap targets under 48 px.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const width = document.documentElement.scrollWidth;
  if (width > innerWidth + 1) problems.push(`the page scrolls sideways (${width} px wide)`);
  const controls = 'button, a.btn, input:not([type=checkbox]), select, textarea';
  for (const el of document.querySelectorAll(controls)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || el.closest('[hidden]')) continue;
    if (r.width < 47.5 || r.height < 47.5) {
      const name = el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30);
      problems.push(`${Math.round(r.width)}x${Math.round(r.height)} px target: ${name}`);
    }
  }
  return [...new Set(problems)];
}"""
