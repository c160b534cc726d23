"""A caregiver records at home on a phone, offline, and the BCBA sees it as home data."""

from __future__ import annotations

import pytest

from tests.e2e.pwa import (
    card,
    end_session,
    sign_in,
    wait_for_cached,
    wait_for_service_worker,
    wait_until_synced,
)

pytestmark = pytest.mark.e2e


def test_a_caregiver_records_the_home_target_offline(caseload, parent, new_context):
    context = new_context({"width": 390, "height": 844})  # a phone
    page = context.new_page()
    sign_in(page, caseload.base, parent["username"])
    # Only the home-recordable target; no incident report, setting or observer choice.
    page.get_by_text(f"{caseload.client['code']} · 1 target", exact=True).wait_for()
    assert page.get_by_role("link", name="Incident report").count() == 0
    page.get_by_role("button", name="Sam Rivera").click()
    page.get_by_role("button", name="Start session").wait_for()
    assert not page.get_by_role("button", name="Clinic").is_visible()
    assert not page.get_by_role("button", name="Second observer (IOA)").is_visible()
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url("**/#/session/*")
    page.locator(".cards").wait_for()
    session_id = page.url.rsplit("/", 1)[1]
    assert page.locator("section.card").count() == 1
    wait_for_service_worker(page)

    context.set_offline(True)
    hitting = card(page, "Hitting")
    for _ in range(4):
        hitting.locator(".tap-area").click()
    hitting.locator(".tap-count").filter(has_text="4").wait_for()
    end_session(page)
    context.set_offline(False)
    wait_until_synced(page)

    bcba = caseload.api_as("bcba")
    session = bcba.ok("GET", f"/sessions/{session_id}")
    assert session["setting"] == "home" and session["observer_id"] == parent["id"]
    target_id = caseload.targets["Hitting"]["id"]
    home = bcba.ok("GET", f"/targets/{target_id}/data?setting=home")
    assert [p["value"] for p in home["points"]] == [4]
    assert bcba.ok("GET", f"/targets/{target_id}/data?setting=clinic")["points"] == []


def test_the_start_sheet_offers_the_clinics_settings(app, caseload, new_context, monkeypatch):
    """A clinic's own list reaches the tablet, so a session is never refused for its setting."""
    monkeypatch.setitem(app.config, "SESSION_SETTINGS", ("clinic", "telehealth"))
    page = new_context().new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    wait_for_cached(page, "session-settings", lambda names: names and len(names) == 2)
    page.get_by_role("button", name="Sam Rivera").click()
    page.get_by_role("button", name="Telehealth").click()
    assert page.get_by_role("button", name="School").count() == 0
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url("**/#/session/*")
    session_id = page.url.rsplit("/", 1)[1]
    wait_until_synced(page)
    session = caseload.api_as("bcba").ok("GET", f"/sessions/{session_id}")
    assert session["setting"] == "telehealth"
