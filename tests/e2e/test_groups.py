"""A technician records a group of three learners on one screen, offline, and each learner's
session reaches the server with that learner's values (docs/groups.md)."""

from __future__ import annotations

import pytest

from tests.e2e.pwa import (
    LAYOUT_PROBLEMS,
    run_script,
    sign_in,
    wait_for_js,
    wait_for_service_worker,
    wait_until_synced,
)
from tests.e2e.test_screens import AXE, AXE_RUN

pytestmark = pytest.mark.e2e


@pytest.fixture
def classmates(caseload):
    """Two more learners on the technician's caseload, each with a count and a duration."""
    admin = caseload.api_as("bcba")
    learners = []
    for code, name in (("G-2", "Ada Moss"), ("G-3", "Ben Ortiz")):
        client = admin.ok(
            "POST",
            "/clients",
            {
                "code": f"{code}-{caseload.client['code']}",
                "name": name,
                "date_of_birth": "2017-02-03",
            },
        )
        for role in ("technician", "bcba"):
            admin.ok(
                "POST",
                f"/clients/{client['id']}/assignments",
                {"user_id": caseload.users[role]["id"]},
            )
        targets = {
            spec["name"]: admin.ok("POST", f"/clients/{client['id']}/targets", spec)
            for spec in (
                {"name": "Greets peers", "measurement": "frequency"},
                {"name": "Out of seat", "measurement": "duration", "direction": "decrease"},
            )
        }
        learners.append({"client": client, "targets": targets})
    return learners


def row(page, client):
    return page.locator(f'section.learner[data-client="{client["id"]}"]')


def tap(page, client, target_name, times=1):
    area = row(page, client).locator(
        "section.card", has=page.get_by_role("heading", name=target_name, exact=True)
    )
    for _ in range(times):
        area.locator(".tap-area").click()
    return area


def test_a_group_of_three_recorded_offline_reaches_the_server_per_learner(
    caseload, classmates, new_context
):
    context = new_context({"width": 768, "height": 1024})
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    wait_for_service_worker(page)
    sam = caseload.client
    ada, ben = (c["client"] for c in classmates)
    page.get_by_text(f"{ben['code']} · 2 targets", exact=True).wait_for()

    page.get_by_role("button", name="Group session").click()
    start = page.get_by_role("button", name="Start group")
    assert start.is_disabled()
    for learner in (sam, ada, ben):
        page.get_by_label(f"{learner['name']} · {learner['code']}").check()
    page.get_by_text("3 chosen").wait_for()
    start.click()
    page.wait_for_url("**/#/group/*")
    row(page, ben).wait_for()

    context.set_offline(True)
    # A tap goes to the learner whose row it is in: no learner picked first.
    tap(page, sam, "Hitting", 3)
    tap(page, ada, "Greets peers", 2)
    tap(page, ben, "Greets peers", 2)
    # Undo in Ben's row undoes Ben's last, though Ada's entry came later.
    tap(page, ada, "Greets peers", 1)
    row(page, ben).get_by_role("button", name=f"Undo {ben['name']}'s last entry").click()
    row(page, ben).locator(".tap-count").first.filter(has_text="1").wait_for()
    row(page, ada).locator(".tap-count").first.filter(has_text="3").wait_for()
    # Timers run per learner: Ada's bout starts, Ben's does not.
    row(page, ada).locator(
        "section.card", has=page.get_by_role("heading", name="Out of seat", exact=True)
    ).get_by_role("button", name="Start Out of seat", exact=True).click()
    page.locator(".running").get_by_text(f"{ada['name']} · Out of seat").wait_for()
    assert page.locator(".running").get_by_text(f"{ben['name']} · Out of seat").count() == 0

    # The keyboard: ] moves to the next learner, 1 records that learner's first target.
    row(page, sam).locator(".learner-head h2").click()
    page.keyboard.press("]")
    wait_for_js(page, "document.activeElement?.getAttribute('aria-current') === 'true'")
    assert row(page, ada).locator(".learner-head h2").get_attribute("aria-current") == "true"
    page.keyboard.press("]")
    page.keyboard.press("1")
    row(page, ben).locator(".tap-count").first.filter(has_text="2").wait_for()
    page.keyboard.press("u")  # the selected learner's (Ben's) last entry
    row(page, ben).locator(".tap-count").first.filter(has_text="1").wait_for()

    for width, height in ((768, 1024), (1024, 768)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate(LAYOUT_PROBLEMS) == [], (width, height)
    if AXE.exists():
        run_script(page, AXE)
        assert page.evaluate(AXE_RUN) == []

    page.get_by_role("button", name="End session", exact=True).click()
    page.get_by_role("button", name="Yes, end it").click()
    page.get_by_role("heading", name="Group session ended").wait_for()
    context.set_offline(False)
    wait_until_synced(page)

    bcba = caseload.api_as("bcba")
    sessions = {
        learner["id"]: bcba.ok("GET", f"/sessions?client_id={learner['id']}")
        for learner in (sam, ada, ben)
    }
    assert all(len(found) == 1 for found in sessions.values()), sessions
    held = [found[0] for found in sessions.values()]
    assert len({s["group_id"] for s in held}) == 1 and held[0]["group_id"]
    assert all(s["ended_at"] and s["role"] == "primary" for s in held)

    def values(target):
        return [p["value"] for p in bcba.ok("GET", f"/targets/{target['id']}/data")["points"]]

    assert values(caseload.targets["Hitting"]) == [3]
    assert values(classmates[0]["targets"]["Greets peers"]) == [3]
    assert values(classmates[1]["targets"]["Greets peers"]) == [1]
    ada_seat = values(classmates[0]["targets"]["Out of seat"])
    assert len(ada_seat) == 1 and ada_seat[0] > 0  # the bout ended with the session
    assert values(classmates[1]["targets"]["Out of seat"]) in ([0], [0.0])

    # Each learner's summary is one tap away.
    page.get_by_role("link", name=f"Summary for {ada['name']}").click()
    page.get_by_role("heading", name="Session summary").wait_for()
