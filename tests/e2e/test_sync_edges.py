"""The edges of the path from tap to stored value, in real Chromium against the real server:
a login that expires during an offline session, two tabs on one session, a wall clock stepped
back an hour with a reopen, and a malformed entry in the outbox."""

from __future__ import annotations

import pytest

from tests.e2e.pwa import (
    PASSWORD,
    card,
    outbox_events,
    read_store,
    sign_in,
    start_session,
    wait_for_service_worker,
    wait_until_synced,
)

pytestmark = pytest.mark.e2e

# Loaded before the app on every navigation: Date (and Date.now) run `offset` ms off the real
# clock, as on a tablet whose clock was set by hand. performance.now() is left alone.
STEPPED_CLOCK = """(() => {
  const offset = Number(localStorage.getItem('test-clock-offset') || 0);
  if (!offset) return;
  const RealDate = Date;
  class SteppedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() { return RealDate.now() + offset; }
  }
  globalThis.Date = SteppedDate;
})();"""

# Whether a finger at the middle of the element (scrolled into view) would hit it.
HIT = """(el) => {
  el.scrollIntoView({ block: 'center' });
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return el === hit || el.contains(hit);
}"""


def tap(page, target: str, times: int = 1) -> None:
    area = card(page, target).locator(".tap-area")
    for _ in range(times):
        assert area.evaluate(HIT), "the tap area is not covered"
        area.click(no_wait_after=True)


def tap_count(page, target: str, n: int) -> None:
    card(page, target).locator(".tap-count").filter(has_text=str(n)).wait_for()


def test_login_expiring_offline_never_loses_a_tap(caseload, new_context):
    context = new_context()
    page = context.new_page()
    username = caseload.users["technician"]["username"]
    sign_in(page, caseload.base, username)
    session_id = start_session(page, "Sam Rivera")
    wait_for_service_worker(page)
    wait_until_synced(page)

    context.set_offline(True)
    context.clear_cookies()  # the login expires while the tablet is offline
    tap(page, "Hitting", 10)
    tap_count(page, "Hitting", 10)

    context.set_offline(False)  # back online: the next sync answers 401
    strip = page.get_by_role("region", name="Sign in again")
    strip.get_by_text("Signed out.").wait_for()
    page.get_by_text("Signed out · 10 waiting").first.wait_for()
    for n in range(11, 21):  # every tap pokes the sync; none lands on a prompt
        tap(page, "Hitting")
        tap_count(page, "Hitting", n)
    assert page.locator("dialog[open]").count() == 0, "no dialog over the recording controls"
    box = strip.bounding_box()
    for name in ("Hitting", "Out of seat"):
        other = card(page, name).bounding_box()
        assert box["y"] + box["height"] <= other["y"], "the strip never covers a card"

    strip.get_by_role("button", name="Later").click()
    assert strip.is_hidden()
    tap(page, "Hitting", 5)
    tap_count(page, "Hitting", 25)
    page.wait_for_timeout(1500)  # the debounced sync runs (and is skipped while signed out)
    assert strip.is_hidden(), "Later sticks"
    assert len(outbox_events(page, session_id)) == 25

    page.locator("#sync-badge").click()
    page.get_by_role("dialog", name="Sync").get_by_role("button", name="Sign in again").click()
    strip.get_by_label("Password").fill(PASSWORD)
    strip.get_by_role("button", name="Sign in").click()
    wait_until_synced(page)
    assert strip.is_hidden()
    events = caseload.api_as("technician").ok("GET", f"/sessions/{session_id}/events")
    assert len([e for e in events if e["kind"] == "count"]) == 25


def test_two_tabs_share_one_session_and_stop_at_its_end(caseload, new_context):
    context = new_context()
    first = context.new_page()
    sign_in(first, caseload.base, caseload.users["technician"]["username"])
    session_id = start_session(first, "Sam Rivera")
    second = context.new_page()
    second.goto(f"{caseload.base}/#/session/{session_id}")
    second.locator(".cards").wait_for()

    tap(first, "Hitting", 2)
    tap(second, "Hitting", 2)
    tap(first, "Hitting", 1)
    for page in (first, second):
        tap_count(page, "Hitting", 5)
        page.locator(".entries li").nth(4).wait_for()

    # Undo in the second tab cancels the session's last entry, made in the first.
    last = first.locator(".entries li").first.get_attribute("data-id")
    second.get_by_role("button", name="Undo", exact=True).click()
    for page in (first, second):
        tap_count(page, "Hitting", 4)
        page.locator(f'.entries li.voided[data-id="{last}"]').wait_for()

    first.get_by_role("button", name="End session").click()
    first.get_by_role("button", name="Yes, end it").click()
    second.wait_for_url("**/#/summary/*")
    second.locator("#toast").get_by_text("This session was ended in another tab.").wait_for()
    # A write that slipped past the screen is refused by the outbox itself.
    refused = second.evaluate(
        """async (id) => {
          const body = { id: crypto.randomUUID(), session_id: id, target_id: null, kind: 'note',
                         t: new Date().toISOString(), data: { text: 'late' } };
          try { await window.bdc.outbox.addEvent(body); } catch (e) { return e.message; }
          return null;
        }""",
        session_id,
    )
    assert refused == "This session has ended."
    wait_until_synced(first)
    api = caseload.api_as("technician")
    assert api.ok("GET", f"/sessions/{session_id}")["ended_at"]
    kinds = sorted(e["kind"] for e in api.ok("GET", f"/sessions/{session_id}/events"))
    assert kinds == ["count"] * 5 + ["void"]


def test_clock_stepped_back_an_hour_with_a_reopen(caseload, new_context):
    context = new_context()
    context.add_init_script(STEPPED_CLOCK)
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    wait_for_service_worker(page)
    page.get_by_role("button", name="Sam Rivera").wait_for()  # the caseload is on the device
    context.set_offline(True)  # nothing reaches the server until the end
    session_id = start_session(page, "Sam Rivera")
    tap(page, "Hitting", 3)
    tap_count(page, "Hitting", 3)

    page.evaluate("localStorage.setItem('test-clock-offset', String(-3600 * 1000))")
    page.reload()  # the tablet's clock is set back an hour, and the app is reopened
    assert page.evaluate("Date.now() < performance.timeOrigin - 3000 * 1000")
    tap(page, "Hitting", 3)
    tap_count(page, "Hitting", 6)
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="Yes, end it").click()
    page.wait_for_url("**/#/summary/*")

    outbox = sorted(
        (r for r in read_store(page, "outbox") if r["session_id"] == session_id),
        key=lambda r: r["seq"],
    )
    assert outbox[0]["type"] == "session", "the session is first in the send order"
    times = [r["body"]["t"] for r in outbox[1:]]
    assert times == sorted(times), "entry times keep their order"
    context.set_offline(False)
    page.evaluate("window.bdc.sync.syncNow()")
    wait_until_synced(page)
    assert page.evaluate("window.bdc.outbox.counts()") == {"pending": 0, "rejected": 0}
    api = caseload.api_as("technician")
    session = api.ok("GET", f"/sessions/{session_id}")
    assert session["ended_at"] and session["ended_at"] > session["started_at"]
    events = api.ok("GET", f"/sessions/{session_id}/events")
    assert len(events) == 6
    assert all(session["started_at"] <= e["t"] <= session["ended_at"] for e in events)


def test_a_malformed_entry_needs_attention_and_the_rest_drains(caseload, new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    wait_for_service_worker(page)
    page.get_by_role("button", name="Sam Rivera").wait_for()  # the caseload is on the device
    context.set_offline(True)
    session_id = start_session(page, "Sam Rivera")
    tap(page, "Hitting", 2)
    tap_count(page, "Hitting", 2)
    # An entry no server version accepts, written straight into IndexedDB between the taps.
    bad_id = page.evaluate(
        """async (id) => {
          const body = { id: crypto.randomUUID(), session_id: id, target_id: null, kind: 'note',
                         t: new Date().toISOString(), data: { text: 'x' }, colour: 'red' };
          await window.bdc.outbox.addEvent(body);
          return body.id;
        }""",
        session_id,
    )
    tap(page, "Hitting", 2)
    tap_count(page, "Hitting", 4)

    context.set_offline(False)
    page.evaluate("window.bdc.sync.syncNow()")
    badge = page.locator("#sync-badge")
    badge.get_by_text("1 needs attention").wait_for()
    wait_until_synced(page)
    assert "All sent" not in badge.inner_text()
    assert page.evaluate("window.bdc.outbox.counts()") == {"pending": 0, "rejected": 1}
    events = caseload.api_as("technician").ok("GET", f"/sessions/{session_id}/events")
    assert len(events) == 4 and bad_id not in {e["id"] for e in events}

    badge.click()
    panel = page.get_by_role("dialog", name="Sync")
    panel.get_by_text("unknown field(s): colour").wait_for()
    panel.get_by_role("button", name="Send again").wait_for()
