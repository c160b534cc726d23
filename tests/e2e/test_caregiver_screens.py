"""A caregiver's phone screens at 360 px: their child's graphs and progress report, and no way
into the staff screens (docs/caregivers.md)."""

from __future__ import annotations

import pytest

from tests.e2e.pwa import LAYOUT_PROBLEMS, card, sign_in, wait_for_js, wait_for_service_worker
from tests.e2e.test_caregiver import parent  # noqa: F401 (the fixture)

pytestmark = pytest.mark.e2e


def test_a_caregiver_sees_the_childs_graphs_and_report_and_no_staff_screen(
    caseload,
    parent,  # noqa: F811
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
