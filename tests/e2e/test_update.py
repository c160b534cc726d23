"""A new version of the app reaches a device that has the old one: the service worker offers
it, installs it when the user accepts, and the old cache is removed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.pwa import sign_in, wait_for_js, wait_for_service_worker

pytestmark = pytest.mark.e2e


@pytest.fixture
def pwa_copy(app, tmp_path):
    """Serve a copy of pwa/ that the test can change, as a deployment would."""
    folder = tmp_path / "pwa"
    shutil.copytree(app.config["PWA_DIR"], folder)
    original = app.config["PWA_DIR"]
    app.config["PWA_DIR"] = str(folder)
    yield folder
    app.config["PWA_DIR"] = original


def test_update_available_prompt_replaces_the_cached_shell(caseload, new_context, pwa_copy: Path):
    page = new_context().new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    wait_for_service_worker(page)
    [old_cache] = page.evaluate("caches.keys()")

    sw = pwa_copy / "sw.js"
    sw.write_text(sw.read_text().replace("const VERSION = '", "const VERSION = 'beef"))
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    banner = page.get_by_text("A new version of bdc is ready.")
    banner.wait_for()
    # Recording goes on under the banner; nothing reloads until the user says so.
    assert page.evaluate("window.bdc.user !== null")

    with page.expect_event("load"):
        page.get_by_role("button", name="Update now").click()
    page.get_by_role("heading", name="My caseload").wait_for()
    wait_for_js(page, f"caches.keys().then((k) => k.length === 1 && k[0] !== '{old_cache}')")
    [new_cache] = page.evaluate("caches.keys()")
    assert new_cache.startswith("bdc-shell-beef")
    assert not banner.is_visible()
