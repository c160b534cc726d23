"""A latency trial without a response: the "No response" button, offline, in real Chromium."""

from __future__ import annotations

import pytest

from tests.e2e.pwa import card, outbox_events, sign_in, start_session, wait_until_synced

pytestmark = pytest.mark.e2e


def test_no_response_records_the_maximum_wait_and_is_counted(caseload, new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    session_id = start_session(page, "Sam Rivera")
    latency = card(page, "Follows instruction")  # max_wait_seconds: 5
    no_response = latency.get_by_role("button", name="No response")
    assert no_response.is_disabled()  # no trial is running

    latency.get_by_role("button", name="Instruction given").click()
    page.wait_for_timeout(300)
    latency.get_by_role("button", name="Response", exact=True).click()
    latency.get_by_text("1 recorded").wait_for()

    context.set_offline(True)
    latency.get_by_role("button", name="Instruction given").click()
    latency.get_by_text("Wait over").wait_for(timeout=10000)  # the 5-s wait has passed
    no_response.click()
    latency.get_by_text("2 recorded").wait_for()
    latency.get_by_text("1 no response").wait_for()
    page.locator(".entries li", has_text="no response (waited 5").wait_for()

    trials = [e["data"] for e in outbox_events(page, session_id) if e["kind"] == "latency"]
    assert trials[1] == {"seconds": 5, "no_response": True}
    assert 0 < trials[0]["seconds"] < 5 and "no_response" not in trials[0]

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_role("button", name="End session", exact=True).click()
    page.get_by_role("button", name="Yes, end it").click()
    page.get_by_role("heading", name="Session summary").wait_for()
    wait_until_synced(page)

    api = caseload.api_as("bcba")
    target = caseload.targets["Follows instruction"]
    (point,) = api.ok("GET", f"/targets/{target['id']}/data")["points"]
    assert point["n"] == 2 and point["details"]["no_response"] == 1
    # the no-response trial enters the mean at its wait
    assert point["value"] == pytest.approx((trials[0]["seconds"] + 5) / 2)
    assert point["details"]["mean_latency_responded_s"] == pytest.approx(trials[0]["seconds"])
