"""Two devices on one client (primary and reliability observer), a supervisor's fidelity
check, and an expired login in the middle of an offline session."""

from __future__ import annotations

import pytest

from tests.e2e.pwa import (
    card,
    outbox_events,
    read_store,
    sign_in,
    start_session,
    wait_until_synced,
)

pytestmark = pytest.mark.e2e


def test_primary_and_reliability_observer_record_on_their_own(caseload, new_context):
    primary = new_context().new_page()
    second = new_context(viewport={"width": 1024, "height": 768}).new_page()

    sign_in(primary, caseload.base, caseload.users["technician"]["username"])
    primary_id = start_session(primary, "Sam Rivera")
    wait_until_synced(primary)  # the server knows a primary session is running

    sign_in(second, caseload.base, caseload.users["therapist"]["username"])
    second.get_by_role("button", name="Sam Rivera").click()
    # The start sheet sees the running primary session and defaults to joining it.
    second.get_by_text("you join it as second observer").wait_for()
    assert (
        second.get_by_role("button", name="Second observer (IOA)").get_attribute("aria-pressed")
        == "true"
    )
    second.get_by_role("button", name="Start session").click()
    second.wait_for_url("**/#/session/*")
    second_id = second.url.rsplit("/", 1)[1]
    second.get_by_text("Second observer (IOA)").wait_for()

    # Both observe the same stretch of time, each on their own device.
    for page, taps in ((primary, 12), (second, 11)):
        hitting = card(page, "Hitting")
        for _ in range(taps):
            hitting.locator(".tap-area").click()
        hitting.locator(".tap-count").filter(has_text=str(taps)).wait_for()
    for page in (second, primary):
        page.get_by_role("button", name="End session", exact=True).click()
        page.get_by_role("button", name="Yes, end it").click()
        page.get_by_role("heading", name="Session summary").wait_for()
        wait_until_synced(page)

    api = caseload.api_as("bcba")
    a = api.ok("GET", f"/sessions/{primary_id}")
    b = api.ok("GET", f"/sessions/{second_id}")
    assert (a["role"], b["role"]) == ("primary", "reliability")
    assert a["client_id"] == b["client_id"] == caseload.client["id"]
    assert b["started_at"] < a["ended_at"] and a["started_at"] < b["ended_at"], (
        "the sessions overlap"
    )
    assert a["observer_id"] != b["observer_id"]
    for sid, taps in ((primary_id, 12), (second_id, 11)):
        events = api.ok("GET", f"/sessions/{sid}/events")
        assert sum(e["kind"] == "count" for e in events) == taps

    # IOA: the figures when the analysis endpoint answers, a friendly wait message otherwise.
    status, answer = api.call("GET", f"/sessions/{second_id}/ioa")
    second.get_by_role("button", name="Check again").click()
    if status == 200 and answer["paired"]:
        # Total count IOA: the smaller count over the larger, 11 / 12.
        second.locator("ul.ioa li", has_text="Hitting").filter(
            has_text="Total count: 91.7%"
        ).wait_for()
    else:
        second.get_by_text("IOA will appear once both observers have synced.").wait_for()


def test_fidelity_check_syncs_like_a_session(caseload, new_context):
    page = new_context().new_page()
    sign_in(page, caseload.base, caseload.users["bcba"]["username"])
    page.get_by_role("button", name="Sam Rivera").click()
    page.get_by_role("button", name="Fidelity check").click()
    page.get_by_label("Staff member observed").select_option(caseload.users["technician"]["id"])
    page.get_by_label("Plan").select_option(caseload.plan["id"])
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url("**/#/fidelity/*")
    session_id = page.url.rsplit("/", 1)[1]

    # Opportunity 1: yes, yes, no, n/a, yes; then step 3 corrected to yes.
    for step, answer in [(1, "Yes"), (2, "Yes"), (3, "No"), (4, "N/A"), (5, "Yes"), (3, "Yes")]:
        page.get_by_role("button", name=f"Step {step}: {answer}").click()
    page.get_by_text("100% implemented as written (4/4)").wait_for()
    page.get_by_role("button", name="Next").click()
    page.get_by_text("Opportunity 2").wait_for()
    page.get_by_role("button", name="Step 1: No").click()
    page.get_by_text("80% implemented as written (4/5)").wait_for()
    page.get_by_role("button", name="End session", exact=True).click()
    page.get_by_role("button", name="Yes, end it").click()
    page.get_by_text("Fidelity 80%").wait_for()
    wait_until_synced(page)

    api = caseload.api_as("bcba")
    session = api.ok("GET", f"/sessions/{session_id}")
    assert session["kind"] == "fidelity"
    assert session["plan_id"] == caseload.plan["id"]
    assert session["staff_id"] == caseload.users["technician"]["id"]
    events = api.ok("GET", f"/sessions/{session_id}/events")
    items = [e for e in events if e["kind"] == "fidelity"]
    assert len(items) == 7
    assert all(e["target_id"] is None for e in events)
    voids = [e for e in events if e["kind"] == "void"]
    assert len(voids) == 1, "the corrected answer voids the first one"


def test_expired_login_keeps_the_outbox_and_drains_after_sign_in(caseload, new_context):
    context = new_context({"width": 360, "height": 740})
    page = context.new_page()
    username = caseload.users["technician"]["username"]
    sign_in(page, caseload.base, username)
    session_id = start_session(page, "Sam Rivera")
    wait_until_synced(page)

    context.clear_cookies()  # the login is gone, as after 30 idle minutes
    hitting = card(page, "Hitting")
    for _ in range(4):
        hitting.locator(".tap-area").click()
    strip = page.get_by_role("region", name="Sign in again")
    strip.get_by_text("4 entries wait on this device").wait_for()
    assert page.evaluate("window.bdc.sync.status().state") == "auth"
    assert len(outbox_events(page, session_id)) == 4
    strip.get_by_role("button", name="Sign in").click()
    strip.get_by_label("Password").fill("e2e-password-123")
    strip.get_by_role("button", name="Sign in").click()
    wait_until_synced(page)
    events = caseload.api_as("technician").ok("GET", f"/sessions/{session_id}/events")
    assert len(events) == 4


def test_sign_out_warns_about_unsent_data_and_forgets_the_caseload(caseload, new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    start_session(page, "Sam Rivera")
    context.set_offline(True)
    card(page, "Hitting").locator(".tap-area").click()
    card(page, "Hitting").locator(".tap-count").filter(has_text="1").wait_for()

    cached = str(read_store(page, "cache"))
    assert "Sam Rivera" in cached, "the caseload in use is on the device"
    assert "2018-05-04" not in cached, "but not the client's date of birth"

    page.get_by_role("button", name="Sign out").click()
    warning = page.get_by_role("dialog", name="Sign out with unsent data?")
    warning.get_by_text("not reached the server yet").wait_for()
    warning.get_by_role("button", name="Stay signed in").click()
    assert "#/session/" in page.url
    card(page, "Hitting").wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign out anyway").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    left = {store: read_store(page, store) for store in ("cache", "local", "outbox")}
    assert left["cache"] == [], "no caseload stays on the device"
    assert not any(r["key"].startswith("sess:") for r in left["local"]), "nor a client snapshot"
    pending = [r for r in left["outbox"] if r["state"] == "pending"]
    assert len(pending) >= 2, "the unsent tap and the ended session stay for the next sign-in"

    context.set_offline(False)
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    wait_until_synced(page)
    assert page.evaluate("window.bdc.outbox.counts()") == {"pending": 0, "rejected": 0}


def test_a_rejected_entry_is_kept_and_shown_as_needing_attention(caseload, new_context):
    page = new_context().new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    session_id = start_session(page, "Sam Rivera")
    card(page, "Hitting").locator(".tap-area").click()
    # An entry the server must refuse: a trial on a frequency target.
    bad_id = page.evaluate(
        """async (sid) => {
          const app = window.bdc;
          const { targets } = await app.store.local(`sess:${sid}`);
          const target = targets.find((t) => t.name === 'Hitting');
          const id = crypto.randomUUID();
          await app.outbox.addEvent({ id, session_id: sid, target_id: target.id, kind: 'trial',
            t: new Date().toISOString(), data: { result: 'correct', prompt: 'independent' } });
          app.sync.syncNow();
          return id;
        }""",
        session_id,
    )
    badge = page.locator("#sync-badge")
    badge.filter(has_text="1 needs attention").wait_for()
    badge.click()
    panel = page.get_by_role("dialog", name="Sync")
    panel.get_by_role("heading", name="Needs attention").wait_for()
    assert panel.locator(".rejected .reason").inner_text().strip()
    rejected = page.evaluate("window.bdc.outbox.rejectedRecords()")
    assert [r["id"] for r in rejected] == [bad_id]
    events = caseload.api_as("technician").ok("GET", f"/sessions/{session_id}/events")
    assert [e["kind"] for e in events] == ["count"], "the rest of the batch landed"
