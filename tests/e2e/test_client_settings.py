"""The BCBA sets a client's own time zone in the client view (issue 12), in real Chromium."""

from __future__ import annotations

import pytest

from tests.e2e.pwa import sign_in

pytestmark = pytest.mark.e2e


def open_settings(page):
    page.get_by_role("heading", name="Sam Rivera", level=1).wait_for()
    page.get_by_text("Client settings").click()
    return page.get_by_label("Time zone")


def test_the_client_time_zone_is_chosen_kept_and_stored(caseload, new_context):
    api = caseload.api_as("bcba")
    client_url = f"/clients/{caseload.client['id']}"
    assert api.ok("GET", client_url)["time_zone"] is None
    page = new_context().new_page()
    sign_in(page, caseload.base, caseload.users["bcba"]["username"])
    page.get_by_role("link", name="Client view").click()
    zone = open_settings(page)
    assert zone.input_value() == ""  # the clinic's zone
    assert zone.locator("option").first.inner_text() == "Clinic default"
    # the browser's whole IANA list, not a hand-picked few
    assert zone.locator("option").count() > 300
    zone.select_option("America/Chicago")
    page.get_by_role("button", name="Save settings").click()
    page.locator("#toast", has_text="Client settings saved").wait_for()
    assert api.ok("GET", client_url)["time_zone"] == "America/Chicago"

    page.reload()
    zone = open_settings(page)
    assert zone.input_value() == "America/Chicago"

    zone.select_option("")  # back to the clinic's zone
    page.get_by_role("button", name="Save settings").click()
    page.locator("#toast", has_text="Client settings saved").wait_for()
    assert api.ok("GET", client_url)["time_zone"] is None
