"""BCBA and director screens: a client's graphs and figures, a phase change made offline, an
incident report filed offline by a technician and signed off by a director, the dashboard,
and the layout of these screens on a phone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.pwa import (
    LAYOUT_PROBLEMS,
    PASSWORD,
    READ_STORE,
    Api,
    read_store,
    run_script,
    sign_in,
    wait_for_js,
    wait_for_service_worker,
    wait_until_synced,
)

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const { violations } = await axe.run(document, { resultTypes: ['violations'] });
  return violations
    .filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}"""
GRAPH_LOADED = "(img) => img.complete && img.naturalWidth > 0"


def screen_problems(page, screens: dict, prepare: dict | None = None) -> dict[str, list[str]]:
    """Layout problems and serious axe findings of each screen ({name: (route, ready
    selector)}), after its ``prepare[name](page)`` when given; {} when there are none."""
    problems = {}
    for name, (route, ready) in screens.items():
        page.evaluate(f"location.hash = '{route}'")
        page.locator(ready).first.wait_for()
        page.wait_for_load_state("networkidle")
        if prepare and name in prepare:
            prepare[name](page)
        found = page.evaluate(LAYOUT_PROBLEMS)
        if AXE.exists():
            run_script(page, AXE)
            found += page.evaluate(AXE_RUN)
        if found:
            problems[name] = found
    return problems


def record_sessions(caseload, days=(6, 4, 2), counts=(5, 7, 4)) -> None:
    """A few primary sessions of Hitting on past days, sent as a tablet would."""
    api = caseload.api_as("technician")
    target_id = caseload.targets["Hitting"]["id"]
    now = datetime.now(UTC).replace(microsecond=0)
    sessions, events = [], []
    for day, count in zip(days, counts, strict=True):
        start = now - timedelta(days=day, hours=1)
        sid = str(uuid.uuid4())
        sessions.append(
            {
                "id": sid,
                "client_id": caseload.client["id"],
                "started_at": start.isoformat(),
                "ended_at": (start + timedelta(minutes=20)).isoformat(),
                "target_ids": [target_id],
            }
        )
        for n in range(count):
            t = (start + timedelta(minutes=1 + n)).isoformat()
            events.append(
                {
                    "id": str(uuid.uuid4()),
                    "session_id": sid,
                    "target_id": target_id,
                    "kind": "count",
                    "t": t,
                    "data": {},
                }
            )
    answer = api.ok("POST", "/sync", {"sessions": sessions, "events": events})
    assert answer["rejected"] == []


def director(caseload) -> dict:
    """A director account (directors see every client)."""
    from bdc.extensions import db
    from bdc.services import accounts

    username = f"director-{uuid.uuid4().hex[:6]}"
    user = accounts.create_user(
        username=username, password=PASSWORD, role="director", display_name="Dana Director"
    )
    db.session.commit()
    return {"id": user.id, "username": username}


def go_online(context, page) -> None:
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")


def target_panel(page, name: str):
    return page.locator(
        "section.target-panel", has=page.get_by_role("heading", name=name, exact=True)
    )


def test_bcba_sees_graph_and_summary_and_adds_a_phase_change_offline(caseload, new_context):
    record_sessions(caseload)
    context = new_context()
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["bcba"]["username"])
    wait_for_service_worker(page)

    page.get_by_role("link", name="Client view").click()
    page.get_by_role("heading", name="Sam Rivera", level=1).wait_for()
    hitting = target_panel(page, "Hitting")
    graph = hitting.locator("img.graph")
    graph.wait_for()
    wait_for_js(page, GRAPH_LOADED, arg=graph.element_handle())
    assert "Line graph of Hitting" in graph.get_attribute("alt")
    hitting.get_by_text("3 sessions").wait_for()  # the summary figures beside it
    hitting.get_by_role("table").get_by_text("no phase").wait_for()

    # A celeration chart of a frequency target; the trend is a line-graph option.
    hitting.get_by_label("Chart").select_option("celeration")
    wait_for_js(
        page,
        "(img) => img.src.includes('chart=celeration') && img.complete && img.naturalWidth > 0",
        arg=graph.element_handle(),
    )
    assert hitting.get_by_label("Trend").is_disabled()
    # Downloads carry the chosen period.
    page.get_by_text("Progress report and data exports").click()
    report = page.get_by_role("link", name="Progress report (PDF)")
    assert "/report.pdf?from=" in report.get_attribute("href")
    # The multiple-baseline graph of the chosen targets (the first six, top first).
    page.get_by_text("Multiple-baseline graph across targets").click()
    baseline = page.locator("details", has_text="Multiple-baseline graph").locator("img.graph")
    wait_for_js(
        page,
        "(img) => img.src.includes('charts/panel.svg') && img.src.split('target_id=').length"
        " === 7 && img.complete && img.naturalWidth > 0 && !img.hidden",
        arg=baseline.element_handle(),
    )

    context.set_offline(True)
    page.get_by_text("Offline: graphs, figures and downloads need a connection").wait_for()
    hitting.get_by_role("button", name="Add phase change").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Kind of phase").select_option("intervention")
    dialog.get_by_label("Label").fill("FCT + extinction")
    dialog.get_by_role("button", name="Save phase change").click()
    dialog.wait_for(state="detached")
    hitting.locator(".phase-list li", has_text="FCT + extinction").get_by_text(
        "waiting to sync"
    ).wait_for()
    [stored] = [r for r in read_store(page, "outbox") if r["type"] == "phase"]
    assert stored["state"] == "pending"
    assert stored["body"]["target_id"] == caseload.targets["Hitting"]["id"]

    go_online(context, page)
    wait_until_synced(page)
    hitting.get_by_text("waiting to sync").wait_for(state="detached")
    hitting.locator(".phase-list li", has_text="FCT + extinction").wait_for()

    phases = caseload.api_as("bcba").ok(
        "GET", f"/targets/{caseload.targets['Hitting']['id']}/phases"
    )
    assert [(p["kind"], p["label"]) for p in phases] == [("intervention", "FCT + extinction")]
    assert phases[0]["id"] == stored["id"]
    # The device keeps no copy once the server holds it.
    wait_for_js(
        page, f"async () => (await ({READ_STORE})('outbox')).every((r) => r.type !== 'phase')"
    )


def test_technician_files_an_incident_offline_and_a_director_signs_it_off(caseload, new_context):
    context = new_context({"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    wait_for_service_worker(page)
    # Technicians have no navigation bar: their caseload is the whole app.
    assert page.locator("#nav-slot").is_hidden()
    assert page.get_by_role("link", name="Client view").count() == 0

    # The caseload must have arrived (online) before the network drops; offline, the cached
    # caseload is what the tablet would have had.
    incident_link = page.get_by_role("link", name="Incident report")
    incident_link.wait_for()
    context.set_offline(True)
    incident_link.click()
    page.get_by_role("heading", name="Incident report: Sam Rivera").wait_for()
    page.get_by_label("Duration in minutes").fill("4")
    page.get_by_label("Elopement").check()
    page.get_by_label("Antecedents").fill("Transition from play to table work.")
    page.get_by_label("Offered a break").check()
    page.get_by_label("Verbal redirection").check()
    page.get_by_label("Injuries").fill("Scraped knee (learner); first aid given.")
    page.get_by_label("BCBA").check()
    page.get_by_label("Parent or guardian").check()
    page.get_by_label("What happened").fill("Ran out of the room to the hallway.")
    page.get_by_role("button", name="Save report").click()
    page.get_by_role("heading", name="Incident report saved").wait_for()
    page.get_by_text("It is sent when you are back online").wait_for()
    [stored] = [r for r in read_store(page, "outbox") if r["type"] == "incident"]
    assert stored["state"] == "pending"
    assert stored["body"]["type"] == "elopement"
    assert stored["body"]["notified"] == ["BCBA", "Parent or guardian"]

    go_online(context, page)
    wait_until_synced(page)
    page.get_by_text("Sent: the server holds the report").wait_for()

    boss = director(caseload)
    reports = Api(caseload.base).login(boss["username"])
    [report] = reports.ok("GET", f"/clients/{caseload.client['id']}/incidents")
    assert report["id"] == stored["id"]
    assert (report["type"], report["duration_minutes"], report["status"]) == (
        "elopement",
        4.0,
        "open",
    )
    assert report["deescalation"] == ["Offered a break", "Verbal redirection"] or report[
        "deescalation"
    ] == ["Verbal redirection", "Offered a break"]

    desk = new_context({"width": 1280, "height": 800}).new_page()
    sign_in(desk, caseload.base, boss["username"])
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    desk.get_by_role("link", name="Incident reports of Sam Rivera").click()
    card = desk.locator("article.incident-card")
    card.get_by_text("Open: awaiting sign-off").wait_for()
    card.get_by_role("button", name="Sign off").click()
    desk.get_by_role("dialog").get_by_role("button", name="Sign off").click()
    card.get_by_text("Signed off", exact=True).wait_for()
    [after] = reports.ok("GET", f"/clients/{caseload.client['id']}/incidents")
    assert after["status"] == "signed_off" and after["signed_off_by"] == boss["id"]

    # The dashboard counts it, links to it, and offers the table as CSV.
    desk.get_by_role("link", name="Dashboard").click()
    incidents = desk.locator("#dash-incidents")
    incidents.get_by_text("1 incident report in this period.").wait_for()
    assert incidents.get_by_role("link", name="Elopement").get_attribute("href") == (
        f"#/client/{caseload.client['id']}/incidents?focus={stored['id']}"
    )
    csv = incidents.get_by_role("link", name="Download CSV").get_attribute("href")
    assert csv.startswith("/api/v1/dashboard.csv?") and "table=incidents" in csv


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 800)], ids=["phone", "laptop"])
def test_bcba_screens_fit_and_are_accessible(caseload, new_context, width, height):
    record_sessions(caseload)
    page = new_context({"width": width, "height": height}).new_page()
    sign_in(page, caseload.base, caseload.users["bcba"]["username"])
    client_id = caseload.client["id"]
    screens = {
        "client view": (f"#/client/{client_id}", "img.graph"),
        "incident form": (f"#/incident/new/{client_id}", "form.incident-form"),
        "incident list": (f"#/client/{client_id}/incidents", "select#inc-filter"),
        "dashboard": ("#/dashboard", "#dash-incidents"),
        "fidelity results": ("#/fidelity-results", "select#fid-client"),
        "clients": ("#/clients", "li.client-card"),
    }
    assert screen_problems(page, screens) == {}
