"""A technician's offline session, end to end: real Chromium, the real server, no mocks."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from tests.e2e.pwa import (
    card,
    end_session,
    outbox_events,
    sign_in,
    start_session,
    wait_for_service_worker,
    wait_until_synced,
)

pytestmark = pytest.mark.e2e


def test_offline_session_lands_on_the_server_exactly_once(caseload, new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    session_id = start_session(page, "Sam Rivera")
    wait_for_service_worker(page)

    context.set_offline(True)

    hitting = card(page, "Hitting")
    for _ in range(30):
        hitting.locator(".tap-area").click()
    hitting.locator(".tap-count").filter(has_text="30").wait_for()

    seat = card(page, "Out of seat")
    seat.get_by_role("button", name="Start Out of seat").click()
    page.wait_for_timeout(600)
    seat.get_by_role("button", name="Stop Out of seat").click()
    seat.get_by_text("1 bout").wait_for()

    on_task = card(page, "On task")  # partial interval, 2 s intervals
    on_task.get_by_role("button", name="Start intervals").click()
    on_task.get_by_role("button", name="+ Yes (#1)").click()  # scored while interval 1 runs
    on_task.get_by_text("Interval 2 of 30").wait_for(timeout=5000)
    on_task.get_by_role("button", name="+ Yes (#2)").click()
    on_task.get_by_text("Interval 3 of 30").wait_for(timeout=5000)
    on_task.get_by_role("button", name="Skip").click()  # interval 3 not observed
    on_task.get_by_text("2 of 2 scored + (100%) · 1 skipped").wait_for()

    dtt = card(page, "Receptive ID")
    dtt.get_by_role("button", name="✓ Correct").click()
    dtt.get_by_role("button", name="gestural").click()
    dtt.get_by_role("button", name="✓ Correct").click()
    dtt.get_by_role("button", name="✗ Incorrect").click()
    dtt.get_by_role("button", name="No response").click()
    dtt.get_by_text("4 of 10 trials · 50% correct · 25% independent").wait_for()

    abc = card(page, "Tantrum")
    abc.get_by_role("button", name="Demand").click()
    abc.get_by_role("button", name="Dropping").click()
    abc.get_by_role("button", name="Break").click()
    abc.get_by_role("button", name="Poor sleep").click()
    abc.get_by_label("Note (optional)").fill("Lasted about a minute")
    abc.get_by_role("button", name="Save ABC").click()
    abc.get_by_text("1 recorded").wait_for()

    # Undo the ABC record: a void event, shown struck through as undone.
    page.get_by_role("button", name="Undo", exact=True).click()
    abc.get_by_text("None recorded yet").wait_for()
    page.locator(".entries li.voided", has_text="Demand → Dropping → Break").wait_for()

    # Still offline: a reload comes back from the service worker and IndexedDB.
    page.reload()
    hitting = card(page, "Hitting")
    hitting.locator(".tap-count").filter(has_text="30").wait_for()
    for _ in range(5):
        hitting.locator(".tap-area").click()
    hitting.locator(".tap-count").filter(has_text="35").wait_for()
    card(page, "Receptive ID").get_by_role("button", name="✓ Correct").click()
    card(page, "Receptive ID").get_by_text("5 of 10 trials").wait_for()

    recorded = outbox_events(page, session_id)
    assert "Offline" in page.locator("#sync-badge").inner_text()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until_synced(page)
    page.locator("#sync-badge", has_text="All sent").wait_for()

    api = caseload.api_as("technician")
    held = api.ok("GET", f"/sessions/{session_id}/events")
    held_ids = [e["id"] for e in held]
    assert len(held_ids) == len(set(held_ids)), "an event was stored twice"
    # the tablet's ids are time-ordered (pwa/js/ids.js), the session's and every event's
    assert {uuid.UUID(i).version for i in [session_id, *held_ids]} == {7}
    assert set(held_ids) == {e["id"] for e in recorded}, (
        "the server must hold exactly what was recorded"
    )
    kinds = Counter(e["kind"] for e in held)
    assert kinds == Counter(
        {
            "count": 35,
            "duration_start": 1,
            "duration_stop": 1,
            "interval": 3,
            "trial": 5,
            "abc": 1,
            "void": 1,
        }
    )
    abc_event = next(e for e in held if e["kind"] == "abc")
    void = next(e for e in held if e["kind"] == "void")
    assert void["data"] == {"voids": abc_event["id"]}
    assert abc_event["data"] == {
        "antecedent": "Demand",
        "behavior": "Dropping",
        "consequence": "Break",
        "setting_event": "Poor sleep",
        "note": "Lasted about a minute",
    }
    intervals = sorted(
        (e["data"]["index"], e["data"]["scored"]) for e in held if e["kind"] == "interval"
    )
    assert intervals == [(0, True), (1, True), (2, None)]
    trials = [e["data"] for e in sorted(held, key=lambda e: e["t"]) if e["kind"] == "trial"]
    assert [t["prompt"] for t in trials[:2]] == ["independent", "gestural"]

    # End the session: the summary shows, and the server gets ended_at.
    end_session(page)
    page.get_by_text("35 · ").wait_for()
    wait_until_synced(page)
    session = api.ok("GET", f"/sessions/{session_id}")
    assert session["ended_at"] is not None
    assert session["role"] == "primary"
    assert session["setting"] == "clinic"  # the chip "Clinic", in the clinic list's spelling
    assert len(api.ok("GET", f"/sessions/{session_id}/events")) == len(held), (
        "ending adds no events here"
    )


def test_keyboard_shortcuts_and_press_and_hold(caseload, new_context):
    page = new_context({"width": 1280, "height": 800}).new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    session_id = start_session(page, "Sam Rivera")
    hitting = card(page, "Hitting")
    key = hitting.locator("kbd.key").inner_text()
    page.keyboard.press(key)
    page.keyboard.press(key)
    hitting.locator(".tap-count").filter(has_text="2").wait_for()
    page.keyboard.press("u")
    hitting.locator(".tap-count").filter(has_text="1").wait_for()
    page.keyboard.press("p")
    page.get_by_role("button", name="Resume").wait_for()
    page.keyboard.press("p")
    page.get_by_role("button", name="Pause").wait_for()

    dtt = card(page, "Receptive ID")
    dtt.get_by_role("button", name="gestural").focus()  # keys act on the card in focus
    page.keyboard.press("c")
    page.keyboard.press("n")
    dtt.get_by_text("2 of 10 trials · 50% correct · 50% independent").wait_for()

    seat = card(page, "Out of seat")
    seat.get_by_text("Press and hold").click()
    button = seat.get_by_role("button", name="Hold while it happens")
    button.hover()
    page.mouse.down()
    seat.get_by_text("Bout 1 running").wait_for()
    page.wait_for_timeout(300)
    page.mouse.up()
    seat.get_by_text("running").wait_for(state="detached")
    seat.get_by_text("1 bout").wait_for()

    kinds = [e["kind"] for e in outbox_events(page, session_id)]
    assert kinds == [
        "count",
        "count",
        "void",
        "pause",
        "resume",
        "trial",
        "trial",
        "duration_start",
        "duration_stop",
    ]


def test_a_session_starts_with_no_connection_from_the_saved_caseload(caseload, new_context):
    context = new_context({"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    page.get_by_role("button", name="Sam Rivera").wait_for()  # the caseload has downloaded
    wait_for_service_worker(page)
    context.set_offline(True)
    page.reload()  # the app opens from the service worker's cache
    page.get_by_text("Offline: caseload saved").wait_for()
    session_id = start_session(page, "Sam Rivera")
    card(page, "Hitting").locator(".tap-area").click()
    card(page, "Hitting").locator(".tap-count").filter(has_text="1").wait_for()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until_synced(page)
    events = caseload.api_as("technician").ok("GET", f"/sessions/{session_id}/events")
    assert [e["kind"] for e in events] == ["count"]


def test_restarting_the_browser_offline_loses_nothing(caseload, launch_persistent):
    browser = launch_persistent()
    page = browser.pages[0]
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    session_id = start_session(page, "Sam Rivera")
    wait_for_service_worker(page)
    browser.set_offline(True)
    for _ in range(7):
        card(page, "Hitting").locator(".tap-area").click()
    card(page, "Hitting").locator(".tap-count").filter(has_text="7").wait_for()
    recorded = {e["id"] for e in outbox_events(page, session_id)}
    browser.close()  # the battery dies, or the browser is swiped away

    browser = launch_persistent()
    page = browser.pages[0]
    page.goto(f"{caseload.base}/#/session/{session_id}")
    card(page, "Hitting").locator(".tap-count").filter(has_text="7").wait_for()
    wait_until_synced(page)
    held = caseload.api_as("technician").ok("GET", f"/sessions/{session_id}/events")
    assert {e["id"] for e in held} == recorded
