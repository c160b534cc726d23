"""End-to-end fixtures: the real app served over HTTP, Debian's Chromium driven by
Playwright, and a caseload seeded through the public API."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest

from tests.e2e.pwa import CHROMIUM_ARGS, PASSWORD, Api, LiveServer, seed_caseload

CHROMIUM = os.environ.get("BDC_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def server(app):
    with LiveServer(app) as live:
        yield live.url


@pytest.fixture(scope="session")
def playwright():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def launch_persistent(playwright, tmp_path):
    """Start Chromium on a profile folder that outlives it, as a tablet's browser does."""
    contexts = []

    def launch():
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            viewport={"width": 768, "height": 1024},
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context

    yield launch
    for context in contexts:
        context.close()


@pytest.fixture
def caseload(server, ctx):
    """A fresh caseload per test; `ctx` (tests/conftest.py) empties the tables afterwards."""
    from bdc.extensions import db
    from bdc.services import accounts

    admin = f"admin-{uuid.uuid4().hex[:6]}"
    accounts.create_user(username=admin, password=PASSWORD, role="admin")
    db.session.commit()
    return seed_caseload(server, admin, PASSWORD)


@pytest.fixture
def parent(caseload):
    """A caregiver account (made by an admin), linked by the BCBA, who marks one target."""
    from bdc.extensions import db
    from bdc.models import User

    admin = db.session.query(User).filter_by(role="admin").one()
    account = (
        Api(caseload.base)
        .login(admin.username)
        .ok(
            "POST",
            "/users",
            {
                "username": f"parent-{uuid.uuid4().hex[:6]}",
                "password": PASSWORD,
                "role": "caregiver",
            },
        )
    )
    bcba = caseload.api_as("bcba")
    bcba.ok("PATCH", f"/targets/{caseload.targets['Hitting']['id']}", {"home_recordable": True})
    bcba.ok("POST", f"/clients/{caseload.client['id']}/caregivers", {"user_id": account["id"]})
    return account


@pytest.fixture
def new_context(browser):
    """Browser contexts (separate devices) that are closed after the test; whatever the app's
    Content-Security-Policy blocked in any of their pages fails the test."""
    contexts, blocked = [], []

    def watch(page):
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )

    def make(viewport=None):
        context = browser.new_context(viewport=viewport or {"width": 768, "height": 1024})
        context.set_default_timeout(15000)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert blocked == [], blocked
