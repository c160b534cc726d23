"""Session notes, supervision and compliance on the PWA: a note drafted at the end of a session
offline, signed, synced and co-signed by a BCBA; a supervision contact logged offline and the
month to date changing once it syncs; a director's compliance CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.pwa import (
    Api,
    card,
    read_store,
    sign_in,
    wait_for_js,
    wait_for_service_worker,
    wait_until_synced,
)
from tests.e2e.test_bcba_and_incidents import (
    director,
    go_online,
    record_sessions,
    screen_problems,
)

pytestmark = pytest.mark.e2e


def test_a_note_drafted_offline_is_signed_synced_cosigned_and_shared(
    caseload,
    parent,
    new_context,
):
    context = new_context()
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    wait_for_service_worker(page)
    page.get_by_role("button", name="Sam Rivera").wait_for()
    context.set_offline(True)

    page.get_by_role("button", name="Sam Rivera").click()
    page.get_by_role("button", name="Start session").click()
    page.locator(".cards").wait_for()
    session_id = page.url.rsplit("/", 1)[1]
    card(page, "Hitting").locator(".tap-area").click()
    card(page, "Hitting").locator(".tap-area").click()
    page.get_by_role("button", name="End session", exact=True).click()
    page.get_by_role("button", name="Yes, end it").click()
    page.get_by_role("heading", name="Session summary").wait_for()
    page.get_by_role("link", name="Write the session note").click()

    # Drafted from the session's own data, offline.
    page.get_by_role("heading", name="Session note").wait_for()
    draft = page.locator(".note-draft")
    row = draft.get_by_role("row", name="Hitting")
    assert row.get_by_role("cell").nth(1).inner_text().startswith("2 ·")
    assert "no phase" in row.inner_text()
    assert "primary observer" in draft.inner_text()
    page.get_by_label("Client presentation").fill("Calm on arrival; engaged after 5 min.")
    page.get_by_label("Barriers").fill("Noise from the next room.")
    page.get_by_label("Plan for next session").fill("Fade gestural prompts.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Waiting to be sent").wait_for()
    page.get_by_role("button", name="Sign note").click()
    page.locator("#toast").get_by_text("Type your credential to sign.").wait_for()  # not signed
    page.get_by_label("Your credential").fill("RBT")
    page.get_by_role("button", name="Sign note").click()
    page.get_by_text("Signed by Tess Tech, RBT,").wait_for()
    assert page.get_by_label("Barriers").get_attribute("readonly") is not None
    [stored] = [r for r in read_store(page, "outbox") if r["type"] == "note"]
    assert stored["state"] == "pending"
    assert stored["body"]["session_id"] == session_id
    assert stored["body"]["sign"]["credential"] == "RBT"

    go_online(context, page)
    wait_until_synced(page)
    page.get_by_text("The server holds this note.").wait_for()
    bcba_api = caseload.api_as("bcba")
    note = bcba_api.ok("GET", f"/sessions/{session_id}/note")
    assert note["id"] == stored["id"]
    assert note["status"] == "awaiting_cosignature"
    assert (note["signer_name"], note["signer_credential"]) == ("Tess Tech", "RBT")
    assert note["presentation"] == "Calm on arrival; engaged after 5 min."
    assert note["caregiver_involvement"] == ""
    [hitting] = [x for x in note["summary"]["targets"] if x["name"] == "Hitting"]
    assert hitting["value"] == 2

    # The BCBA's list: the note waits for a co-signature; co-signing it empties the list.
    bcba = new_context().new_page()
    sign_in(bcba, caseload.base, caseload.users["bcba"]["username"])
    bcba.get_by_role("link", name="Notes").click()
    bcba.get_by_role("heading", name="Notes waiting for a signature").wait_for()
    waiting = bcba.get_by_role("row").filter(has_text="awaiting co-signature")
    assert "Tess Tech" in waiting.inner_text()
    waiting.get_by_role("button", name="Co-sign").click()
    dialog = bcba.get_by_role("dialog", name="Co-sign this note")
    dialog.get_by_text("Fade gestural prompts.").wait_for()
    dialog.get_by_text("Signed by Tess Tech, RBT").wait_for()
    dialog.get_by_label("Your credential").fill("BCBA 1-23-45678")
    dialog.get_by_label("Share this note with the family").check()
    dialog.get_by_role("button", name="Co-sign").click()
    dialog.wait_for(state="detached")
    bcba.get_by_role("row").filter(has_text="awaiting co-signature").wait_for(state="detached")
    note = bcba_api.ok("GET", f"/sessions/{session_id}/note")
    assert note["status"] == "cosigned"
    assert (note["cosigner_name"], note["cosigner_credential"]) == ("Bea BCBA", "BCBA 1-23-45678")
    assert note["shared_with_caregivers"] is True

    # The family reads the shared note on their phone: what was written, and who signed it.
    family = new_context({"width": 390, "height": 844}).new_page()
    sign_in(family, caseload.base, parent["username"])
    family.get_by_role("link", name="Session notes").click()
    family.get_by_role("heading", name="Session notes for Sam Rivera").wait_for()
    family.get_by_text("Calm on arrival; engaged after 5 min.").wait_for()
    family.get_by_text("Signed by Tess Tech, RBT").wait_for()


def test_a_contact_logged_offline_changes_the_month_to_date(caseload, new_context):
    record_sessions(caseload, days=(0,), counts=(3,))  # 20 min of service today
    context = new_context()
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["bcba"]["username"])
    wait_for_service_worker(page)
    page.get_by_role("link", name="Supervision").click()
    page.get_by_role("heading", name="Supervision").wait_for()
    row = page.get_by_role("row").filter(has_text="Tess Tech")
    row.get_by_text("0 (0 individual, 0 observed)").wait_for()
    assert "2 contacts" in row.inner_text()  # still needed, before any contact

    context.set_offline(True)
    page.get_by_label("Supervisee").select_option(label="Tess Tech")
    page.get_by_label("Minutes").fill("0")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text("Minutes must be a whole number from 1 to 600.").wait_for()
    page.get_by_label("Minutes").fill("30")
    page.get_by_label("Topics").fill("Prompt fading\nData collection")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text("1 contact waiting to be sent.").wait_for()
    [stored] = [r for r in read_store(page, "outbox") if r["type"] == "contact"]
    assert stored["body"]["minutes"] == 30
    assert stored["body"]["topics"] == ["Prompt fading", "Data collection"]

    go_online(context, page)
    wait_until_synced(page)
    row.get_by_text("1 (1 individual, 0 observed)").wait_for()
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[1] == "30"  # supervised minutes
    assert "1 contact" in cells[-1] and "with client observed" in cells[-1]
    answer = caseload.api_as("bcba").ok("GET", "/supervision/compliance")
    [tess] = [r for r in answer["supervisees"] if r["name"] == "Tess Tech"]
    assert (tess["contacts"], tess["supervised_minutes"]) == (1, 30)
    # 30 min over 20 min of service: 150 %.
    assert tess["supervised_percent"] == pytest.approx(150.0)


def test_a_director_downloads_the_compliance_csv(caseload, new_context):
    record_sessions(caseload, days=(0,), counts=(1,))
    boss = director(caseload)
    page = new_context().new_page()
    sign_in(page, caseload.base, boss["username"])
    page.get_by_role("link", name="Supervision").click()
    row = page.get_by_role("row").filter(has_text="Tess Tech")
    row.wait_for()
    assert "not yet" in row.inner_text()
    link = page.get_by_role("link", name="Download compliance (CSV)")
    month = datetime.now(UTC).strftime("%Y-%m")
    assert link.get_attribute("href") == f"/api/v1/supervision/compliance.csv?month={month}"
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    assert download.value.suggested_filename == f"supervision-{month}.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(io.StringIO(f.read())))
    tess = next(r for r in rows if r["supervisee"] == "Tess Tech")
    assert (tess["month"], tess["met"], tess["contacts"]) == (month, "false", "0")
    assert float(tess["service_hours"]) == pytest.approx(0.33)
    # The director also sees the notes waiting for their signature (every client).
    page.get_by_role("link", name="Notes").click()
    page.get_by_role("row").filter(has_text="no note").first.wait_for()


def test_a_director_audits_a_sample_of_charts_and_the_dashboard_shows_the_result(
    caseload, new_context
):
    record_sessions(caseload, days=(6, 4, 2), counts=(5, 7, 4))
    boss = director(caseload)
    page = new_context().new_page()
    sign_in(page, caseload.base, boss["username"])
    page.get_by_role("link", name="Chart audits").click()
    page.get_by_role("heading", name="Chart audits", level=1).wait_for()
    page.get_by_text("No chart audit yet.").wait_for()
    today = datetime.now(UTC).date()
    page.get_by_label("From").fill(str(today - timedelta(days=10)))
    page.get_by_label("To", exact=True).fill(str(today))
    page.get_by_label("Sessions to sample").fill("2")
    page.get_by_role("button", name="Draw sample").click()
    page.get_by_role("heading", name="Chart audit", level=1).wait_for()
    page.get_by_text("2 of 3 sessions").wait_for()
    page.get_by_text("2 sessions sampled, none reviewed yet.").wait_for()
    rows = page.locator("table.audit-items tbody tr")
    assert rows.count() == 2
    # No note was written: the server computed "no"; the data are there: "yes".
    first = rows.nth(0)
    note = first.get_by_role("combobox", name="Note signed in time")
    data = first.get_by_role("combobox", name="Data complete")
    assert note.input_value() == "no" and data.input_value() == "yes"
    first.get_by_role("button", name="Save").click()
    page.get_by_text("1 of 2 reviewed · 0% of sessions pass every check").wait_for()
    second = rows.nth(1)
    second.get_by_role("combobox", name="Note signed in time").select_option("na")
    second.get_by_role("combobox", name="IOA where due").select_option("na")
    second.get_by_role("combobox", name="Fidelity where due").select_option("na")
    second.get_by_role("button", name="Save").click()
    page.get_by_text("2 of 2 reviewed · 50% of sessions pass every check").wait_for()

    page.get_by_role("link", name="Dashboard").click()
    section = page.locator("#dash-chart_audits")
    section.get_by_text("2 of 2 reviewed · 50% of sessions pass every check").wait_for()


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1024, 768)], ids=["phone", "tablet"])
def test_documentation_screens_fit_and_are_accessible(caseload, new_context, width, height):
    record_sessions(caseload, days=(2,), counts=(3,))
    boss = director(caseload)
    page = new_context({"width": width, "height": height}).new_page()
    sign_in(page, caseload.base, boss["username"])
    today = datetime.now(UTC).date()
    chart = (
        Api(caseload.base)
        .login(boss["username"])
        .ok("POST", "/chart-audits", {"from": str(today - timedelta(days=7)), "to": str(today)})
    )
    screens = {
        "notes waiting": ("#/notes", "table.data"),
        "supervision": ("#/supervision", "details.contact-form"),
        "training": ("#/training", "details.competency-form"),
        "chart audits": ("#/chart-audits", "table.data"),
        "chart audit": (f"#/chart-audits/{chart['id']}", "table.audit-items"),
    }

    def checklist_steps(page):  # the competency checklist's steps, one choice each
        form = page.locator("details.competency-form")
        form.locator("summary").click()
        form.get_by_label("Plan").select_option(label="Escape BIP")
        form.get_by_label("Prompts break request").select_option("yes")

    assert screen_problems(page, screens, {"training": checklist_steps}) == {}


def test_a_bcba_records_bst_and_a_competency_check_and_sees_it_over_time(caseload, new_context):
    page = new_context().new_page()
    sign_in(page, caseload.base, caseload.users["bcba"]["username"])
    page.get_by_role("link", name="Training").click()
    page.get_by_role("heading", name="Staff and training").wait_for()
    status = page.get_by_role("region", name="Staff competency per plan")
    status.get_by_role("row").filter(has_text="Tess Tech").get_by_text("not checked").wait_for()

    record = page.locator("details.training-form")
    record.locator("summary").click()
    record.get_by_label("Person").select_option(label="Tess Tech")
    record.get_by_label("Plan").select_option(label="Escape BIP")
    record.get_by_label("Minutes").fill("45")
    for part in ("Instructions", "Modelling", "Rehearsal", "Feedback"):
        record.get_by_label(part).check()
    record.get_by_role("button", name="Save training record").click()
    page.locator("#toast").get_by_text("Training recorded.").wait_for()

    check = page.locator("details.competency-form")
    check.locator("summary").click()
    check.get_by_label("Person").select_option(label="Tess Tech")
    check.get_by_label("Plan").select_option(label="Escape BIP")
    for step in ("Presents choice board", "Prompts break request", "Honors break within 5 s"):
        check.get_by_label(step).select_option("yes")
    check.get_by_label("Praises on return").select_option("no")
    check.get_by_role("button", name="Save competency check").click()
    page.locator("#toast").get_by_text("Competency check recorded.").wait_for()

    # 3 of the 4 applicable steps (one left not applicable): 75 %, below the plan's 90 %.
    row = page.get_by_role("region", name="Staff competency per plan").get_by_role("row")
    row.filter(has_text="Tess Tech").get_by_text("75%").wait_for()
    history = page.get_by_role("region", name="Competency checks")
    history.get_by_text("below criterion").wait_for()
    graph = page.locator("img.graph")
    graph.wait_for()
    wait_for_js(page, "(img) => img.complete && img.naturalWidth > 0", arg=graph.element_handle())
    assert "Tess Tech" in graph.get_attribute("alt")
    [stored] = caseload.api_as("bcba").ok(
        "GET", f"/training/competency?plan_id={caseload.plan['id']}"
    )
    assert stored["scores"] == [True, True, True, False, None]
    assert stored["percent"] == pytest.approx(75.0)
    [bst] = caseload.api_as("bcba").ok("GET", "/training/records")
    assert (bst["minutes"], bst["modelling"], bst["feedback"]) == (45, True, True)
