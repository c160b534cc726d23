"""A functional-analysis session: the condition is chosen on the start sheet while offline,
travels with the session and is on the server after sync (issue 12)."""

from __future__ import annotations

import pytest

from tests.e2e.pwa import card, sign_in, wait_for_service_worker, wait_until_synced

pytestmark = pytest.mark.e2e


def test_an_fa_condition_chosen_offline_reaches_the_server(caseload, new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["bcba"]["username"])
    page.locator(".client").first.wait_for()
    wait_for_service_worker(page)

    context.set_offline(True)
    page.get_by_role("button", name="Sam Rivera").click()
    picker = page.locator(".fa-picker")
    assert picker.is_hidden()  # no FA condition phase: only a supervisor's choice shows it
    page.get_by_role("button", name="Functional analysis").click()
    picker.wait_for()
    page.get_by_role("button", name="Start session").click()  # no condition picked yet
    page.get_by_role("alert").filter(has_text="Pick the condition").wait_for()
    picker.get_by_role("button", name="Attention").click()
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url("**/#/session/*")
    page.locator(".cards").wait_for()
    session_id = page.url.rsplit("/", 1)[1]
    page.locator(".who").filter(has_text="Attention").wait_for()  # shown on the session screen

    hitting = card(page, "Hitting")
    for _ in range(3):
        hitting.locator(".tap-area").click()
    hitting.locator(".tap-count").filter(has_text="3").wait_for()
    page.get_by_role("button", name="End session", exact=True).click()
    page.get_by_role("button", name="Yes, end it").click()
    page.get_by_role("heading", name="Session summary").wait_for()

    context.set_offline(False)
    wait_until_synced(page)
    bcba = caseload.api_as("bcba")
    session = bcba.ok("GET", f"/sessions/{session_id}")
    assert session["fa_condition"] == "attention" and session["ended_at"] is not None
    fba = bcba.ok("GET", f"/clients/{caseload.client['id']}/fba")
    (analysis,) = [
        fa
        for fa in fba["functional_analyses"]
        if fa["target_id"] == caseload.targets["Hitting"]["id"]
    ]
    assert [(c["condition"], c["n"], c["mean"]) for c in analysis["conditions"]] == [
        ("attention", 1, 3)
    ]


def test_a_named_condition_and_a_technician_who_sees_no_picker(caseload, new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["therapist"]["username"])
    page.get_by_role("button", name="Sam Rivera").click()
    page.get_by_role("button", name="Functional analysis").click()
    page.get_by_label("Or name another condition").fill("Divided attention")
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url("**/#/session/*")
    session_id = page.url.rsplit("/", 1)[1]
    page.locator(".who").filter(has_text="Divided attention").wait_for()
    wait_until_synced(page)
    session = caseload.api_as("bcba").ok("GET", f"/sessions/{session_id}")
    assert session["fa_condition"] == "Divided attention"

    other = new_context().new_page()
    sign_in(other, caseload.base, caseload.users["technician"]["username"])
    other.get_by_role("button", name="Sam Rivera").click()
    other.get_by_role("button", name="Start session").wait_for()
    assert other.locator(".fa-picker").is_hidden()
    assert other.get_by_role("button", name="Functional analysis").count() == 0
