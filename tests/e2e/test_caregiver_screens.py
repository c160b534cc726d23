"""A caregiver's phone screens at 360 px: their child's graphs and progress report, and no way
into the staff screens; the BCBA's caregiver controls on the client view (docs/caregivers.md)."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.pwa import (
    LAYOUT_PROBLEMS,
    PASSWORD,
    Api,
    card,
    sign_in,
    wait_for_cached,
    wait_for_js,
    wait_for_service_worker,
)

pytestmark = pytest.mark.e2e


def test_a_caregiver_sees_the_childs_graphs_and_report_and_no_staff_screen(
    caseload,
    parent,
    new_context,
):
    context = new_context({"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, caseload.base, parent["username"])
    client = caseload.client
    page.get_by_role("link", name=f"Graphs and report for {client['name']}").click()
    page.get_by_role("heading", name=f"How {client['name']} is doing").wait_for()
    # Every target's graph, home-recordable or not: the caregiver reads them all.
    assert page.locator("section.child-target").count() == len(caseload.targets)
    first = page.locator("section.child-target img").first
    wait_for_js(page, "(img) => img.complete && img.naturalWidth > 0", first.element_handle())
    assert page.evaluate(LAYOUT_PROBLEMS) == []

    report = page.get_by_role("link", name="Progress report (PDF)")
    answer = page.request.get(caseload.base + report.get_attribute("href"))
    assert answer.status == 200 and answer.body()[:5] == b"%PDF-"

    # The staff screens send a caregiver back to their caseload, whatever the address says.
    for screen in (
        f"#/client/{client['id']}",
        "#/clients",
        "#/dashboard",
        f"#/paper/{client['id']}",
    ):
        page.goto(f"{caseload.base}/{screen}")
        page.get_by_role("heading", name="My caseload").wait_for()
        assert page.url.endswith("#/"), screen
    assert page.locator("#nav-slot a").count() == 0

    # Recording at home on the small phone, offline.
    wait_for_service_worker(page)
    page.get_by_role("button", name=client["name"]).click()
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url("**/#/session/*")
    context.set_offline(True)
    hitting = card(page, "Hitting")
    hitting.locator(".tap-area").click()
    hitting.locator(".tap-count").filter(has_text="1").wait_for()
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    context.set_offline(False)


def new_account(caseload, role: str) -> dict:
    """An account made by the admin, as an admin would."""
    from bdc.extensions import db
    from bdc.models import User

    admin = db.session.query(User).filter_by(role="admin").one()
    body = {"username": f"{role}-{uuid.uuid4().hex[:6]}", "password": PASSWORD, "role": role}
    return Api(caseload.base).login(admin.username).ok("POST", "/users", body)


def test_a_bcba_marks_a_target_for_home_and_links_a_caregiver(caseload, new_context):
    account = new_account(caseload, "caregiver")
    page = new_context({"width": 768, "height": 1024}).new_page()
    sign_in(page, caseload.base, caseload.users["bcba"]["username"])
    client = caseload.client
    page.goto(f"{caseload.base}/#/client/{client['id']}")
    hitting = page.locator(
        "section.target-panel", has=page.get_by_role("heading", name="Hitting", exact=True)
    )
    hitting.get_by_label("Recordable at home").check()
    page.locator("#toast").get_by_text("Caregivers can now record Hitting at home.").wait_for()
    bcba = caseload.api_as("bcba")
    assert bcba.ok("GET", f"/targets/{caseload.targets['Hitting']['id']}")["home_recordable"]

    panel = page.locator("section.caregiver-links")
    panel.get_by_text("No caregiver is linked yet.").wait_for()
    panel.get_by_label("Caregiver's username").fill("not-an-account")
    panel.get_by_role("button", name="Link caregiver").click()
    panel.get_by_text("Not an active caregiver account.").wait_for()
    panel.get_by_label("Caregiver's username").fill(account["username"])
    panel.get_by_role("button", name="Link caregiver").click()
    panel.get_by_text(f"({account['username']})").wait_for()
    linked = bcba.ok("GET", f"/clients/{client['id']}/caregivers")
    assert [c["user_id"] for c in linked] == [account["id"]]
    panel.get_by_role("button", name=f"Unlink {account['username']}").click()
    panel.get_by_text("No caregiver is linked yet.").wait_for()
    assert bcba.ok("GET", f"/clients/{client['id']}/caregivers") == []

    # A technician's client screens have neither control.
    tech = new_context({"width": 768, "height": 1024}).new_page()
    sign_in(tech, caseload.base, caseload.users["technician"]["username"])
    assert tech.get_by_role("link", name="Client view").count() == 0


def test_a_director_keeps_the_settings_list_and_the_start_sheet_offers_it(caseload, new_context):
    director = new_account(caseload, "director")
    page = new_context({"width": 768, "height": 1024}).new_page()
    sign_in(page, caseload.base, director["username"])
    box = page.get_by_label("Settings offered when a session starts, one per line")
    wait_for_js(
        page, "() => document.getElementById('settings-list')?.value.includes('telehealth')"
    )
    box.fill("Clinic\nHome\nclinic")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Each setting once").wait_for()
    box.fill("Clinic\nHome\nDay camp")
    page.get_by_role("button", name="Save settings").click()
    page.locator("#toast").get_by_text("3 settings saved.").wait_for()
    listed = caseload.api_as("technician").ok("GET", "/session-settings")
    assert listed == {"settings": ["Clinic", "Home", "Day camp"]}

    tech = new_context({"width": 768, "height": 1024}).new_page()
    sign_in(tech, caseload.base, caseload.users["technician"]["username"])
    assert tech.locator("#settings-list").count() == 0  # a director's panel only
    wait_for_cached(tech, "session-settings", lambda names: names and "Day camp" in names)
    tech.get_by_role("button", name=caseload.client["name"]).click()
    tech.get_by_role("button", name="Day camp").click()
    tech.get_by_role("button", name="Start session").click()
    tech.wait_for_url("**/#/session/*")
    session_id = tech.url.rsplit("/", 1)[1]
    wait_for_js(
        tech, "(s => s && s.pending === 0 && s.state === 'idle')(window.bdc?.sync?.status())"
    )
    assert caseload.api_as("bcba").ok("GET", f"/sessions/{session_id}")["setting"] == "Day camp"
