"""The technician's screens in the field (issue 14): running timers always in reach, words a
technician reads (no internal names, no early rates), WCAG 2.2 AA by axe-core at phone, tablet
and laptop widths, and the Spanish session screen."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.pwa import PASSWORD, card, run_script, sign_in, start_session, wait_for_js

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Every violation, whatever its impact, of the WCAG 2.0-2.2 A/AA rules (colour contrast too).
AXE_RUN = """async () => {
  const { violations } = await axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    resultTypes: ['violations'],
  });
  const where = (v) => v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ');
  return violations.map((v) => `${v.id}: ${where(v)}`);
}"""
WIDTHS = [(360, 740), (768, 1024), (1280, 800)]
LONG_TASK = {
    "name": "Morning routine",
    "measurement": "task_analysis",
    "params": {
        "steps": [
            "Walk to bathroom",
            "Turn on light",
            "Pick up toothbrush",
            "Put paste on brush",
            "Brush top teeth",
            "Brush bottom teeth",
            "Rinse mouth",
            "Put brush away",
            "Turn off light",
        ],
        "prompt_levels": ["independent", "gestural", "model", "partial_physical", "full_physical"],
    },
}
LONG_LABELS = {
    "name": "Group engagement",
    "measurement": "rating",
    "params": {
        "scale_min": 1,
        "scale_max": 5,
        "labels": [
            "Not engaged",
            "Engaged after prompts",
            "Engaged half the time",
            "Mostly engaged",
            "Fully engaged",
        ],
    },
}
IN_VIEW = """(el) => {
  const r = el.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.left >= 0
    && r.bottom <= innerHeight && r.right <= innerWidth;
}"""
# Each control of the cards, reached from below as Tab (or a screen reader) reaches it: the
# sticky session bar must not cover any part of it (WCAG 2.2 focus not obscured).
COVERED_BY_BAR = """() => {
  const covered = [];
  const controls = [...document.querySelectorAll('.cards button, .cards input, .cards textarea')];
  window.scrollTo(0, document.body.scrollHeight);
  for (const el of controls.reverse()) {
    if (!el.getClientRects().length || el.disabled) continue;
    el.focus();
    const bar = document.querySelector('.session-bar').getBoundingClientRect();
    const r = el.getBoundingClientRect();
    const name = el.textContent.trim().slice(0, 30);
    if (r.top < bar.bottom - 1) covered.push(`${name} (${Math.round(bar.bottom - r.top)} px)`);
  }
  return covered;
}"""

# Words that touch (or overflow) the edges of their button: longer Spanish words on a phone.
TEXT_TOUCHES_EDGES = """() => {
  const touching = [];
  for (const button of document.querySelectorAll('.bar-actions button, .cards button')) {
    if (!button.getClientRects().length) continue;
    // the visible words only (not the screen-reader text inside some buttons)
    let left = Infinity;
    let right = -Infinity;
    const walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest('.visually-hidden')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        left = Math.min(left, r.left);
        right = Math.max(right, r.right);
      }
    }
    if (left === Infinity) continue;
    const box = button.getBoundingClientRect();
    const border = parseFloat(getComputedStyle(button).borderLeftWidth);
    const room = Math.min(left - box.left, box.right - right) - border;
    if (room < 2) touching.push(`${button.innerText.trim()} (${room.toFixed(1)} px)`);
  }
  // no button sticks out of its card
  for (const button of document.querySelectorAll('.cards button')) {
    const card = button.closest('.card');
    if (!card || !button.getClientRects().length) continue;
    const over = button.getBoundingClientRect().right - card.getBoundingClientRect().right;
    if (over > 0) touching.push(`${button.innerText.trim()} sticks out by ${over.toFixed(1)} px`);
  }
  // no word is broken across lines inside a button ("Enga / ged")
  for (const button of document.querySelectorAll('.cards button')) {
    const walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) touching.push(`broken word: ${m[0]}`);
      }
    }
  }
  // a running timer's name is shortened to make room; its reading and action never overflow
  for (const button of document.querySelectorAll('.running button')) {
    const over = button.scrollWidth - button.clientWidth;
    if (over > 1) touching.push(`${button.innerText.trim()} (${over} px over)`);
  }
  return touching;
}"""


def shoot(page, name: str) -> None:
    """Screenshots for looking at, when BDC_SCREENSHOTS names a folder."""
    folder = os.environ.get("BDC_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"))


def axe(page) -> list[str]:
    """WCAG A/AA violations of the page as first seen (scrolled to the top: content scrolled
    under the sticky session bar would count as overlapped targets)."""
    page.evaluate("window.scrollTo(0, 0)")
    run_script(page, AXE)
    return page.evaluate(AXE_RUN)


@pytest.fixture
def long_labels(caseload):
    return caseload.api_as("bcba").ok(
        "POST", f"/clients/{caseload.client['id']}/targets", LONG_LABELS
    )


@pytest.fixture
def long_task(caseload):
    return caseload.api_as("bcba").ok(
        "POST", f"/clients/{caseload.client['id']}/targets", LONG_TASK
    )


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_running_timers_stay_in_reach_and_nothing_is_cryptic(
    caseload, long_task, new_context, width, height
):
    page = new_context({"width": width, "height": height}).new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    start_session(page, "Sam Rivera")
    card(page, "Out of seat").get_by_role("button", name="Start Out of seat").click()
    card(page, "Follows instruction").get_by_role("button", name="Instruction given").click()
    for _ in range(3):
        card(page, "Hitting").locator(".tap-area").click()
    strip = page.locator(".session-bar .running")
    stop = strip.get_by_role("button", name="Out of seat")
    stop.wait_for()
    assert strip.get_by_role("button", name="Follows instruction").is_visible()
    # Wherever the technician has scrolled to (the long task analysis at the bottom), the
    # running bout's Stop is on screen.
    last_step = "Step 9 Turn off light: Independent"
    card(page, "Morning routine").get_by_role("button", name=last_step).scroll_into_view_if_needed()
    assert stop.evaluate(IN_VIEW)
    shoot(page, "session-running")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert stop.evaluate(IN_VIEW)
    assert page.evaluate(COVERED_BY_BAR) == []
    stop.click()
    card(page, "Out of seat").get_by_role("button", name="Start Out of seat").wait_for()
    assert strip.get_by_role("button", name="Out of seat").count() == 0

    text = page.locator("main").inner_text()
    assert "partial_physical" not in text and "full_physical" not in text
    assert "PP = Partial physical" in text and "FP = Full physical" in text
    # Three taps a few seconds in: the count, and no rate yet.
    hitting = card(page, "Hitting")
    assert hitting.locator(".tap-count").inner_text() == "3"
    assert hitting.locator(".tap-rate").inner_text() == ""


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by `npm ci`")
@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_no_accessibility_violations_on_the_technician_screens(
    caseload, long_task, new_context, width, height
):
    page = new_context({"width": width, "height": height}).new_page()
    found = {}
    page.goto(caseload.base + "/")
    page.get_by_label("Username").wait_for()
    found["sign-in"] = axe(page)
    shoot(page, "signin")
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    page.locator(".client").first.wait_for()
    found["caseload"] = axe(page)
    shoot(page, "caseload")
    start_session(page, "Sam Rivera")
    card(page, "Out of seat").get_by_role("button", name="Start Out of seat").click()
    card(page, "On task").get_by_role("button", name="Start intervals").click()
    card(page, "Receptive ID").get_by_role("button", name="✓ Correct").click()
    card(page, "Engagement").get_by_role("button", name="4 good").click()
    page.locator(".session-bar .running li").nth(1).wait_for()
    found["session"] = axe(page)
    shoot(page, "session")
    page.get_by_role("button", name="End session", exact=True).click()
    page.get_by_role("button", name="Yes, end it").click()
    page.get_by_role("heading", name="Session summary").wait_for()
    found["summary"] = axe(page)
    shoot(page, "summary")
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_the_session_screen_in_spanish(caseload, long_labels, new_context, width, height):
    page = new_context({"width": width, "height": height}).new_page()
    page.goto(caseload.base + "/")
    # The username typed before the language is chosen is kept.
    page.get_by_label("Username").fill(caseload.users["technician"]["username"])
    page.get_by_label("Language").select_option("es")
    page.get_by_label("Usuario").wait_for()
    assert page.get_by_label("Usuario").input_value() == caseload.users["technician"]["username"]
    shoot(page, "signin-es")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("heading", name="Mis casos").wait_for()
    page.get_by_role("button", name="Sam Rivera").click()
    page.get_by_role("button", name="Empezar sesión").click()
    page.locator(".cards").wait_for()
    assert page.locator("html").get_attribute("lang") == "es"
    card(page, "Out of seat").get_by_role("button", name="Empezar Out of seat").click()
    page.locator(".session-bar .running").get_by_text("Parar").wait_for()
    card(page, "Engaged with peers").get_by_role("button", name="Empezar intervalos").click()
    page.locator(".session-bar .running").get_by_text("Parar serie").wait_for()
    receptive = card(page, "Receptive ID")
    assert receptive.get_by_role("group", name="Nivel de ayuda").is_visible()
    receptive.get_by_role("button", name="Gestual (G)").click()
    receptive.get_by_role("button", name="✓ Correcto").click()
    receptive.get_by_text("1 de 10 ensayos").wait_for()
    assert card(page, "On task").get_by_text("Intervalo parcial").is_visible()
    for english in ["Start", "Pause", "Undo", "Prompt level", "Recent entries", "independent"]:
        assert page.get_by_text(english, exact=True).count() == 0, english
    # The sync badge speaks Spanish too ("Todo enviado", "En espera · 2", "sincronizado hace 3 s").
    badge = page.locator("#sync-badge").inner_text()
    assert re.search(r"Todo enviado|En espera|Enviando|Sin conexión", badge), badge
    assert not re.search(r"All sent|waiting|Waiting|Sending|synced", badge), badge
    assert page.evaluate(TEXT_TOUCHES_EDGES) == []
    shoot(page, "session-es")
    if AXE.exists():
        assert axe(page) == []
    # The choice was saved on the user: it follows them to another device.
    me = caseload.api_as("technician").ok("GET", "/me")
    assert me["language"] == "es"


def test_first_run_tour_and_the_shortcuts_help(caseload, new_context):
    page = new_context({"width": 360, "height": 740}).new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    tour = page.locator(".tour")
    assert tour.get_by_text("Getting started · 1 of 3").is_visible()
    shoot(page, "tour")
    page.get_by_role("button", name="Next").click()
    tour.get_by_text("2 of 3").wait_for()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Start recording").click()
    assert tour.count() == 0
    page.reload()
    page.get_by_role("heading", name="My caseload").wait_for()
    assert page.locator(".tour").count() == 0  # once per person on a device
    start_session(page, "Sam Rivera")
    page.keyboard.press("?")
    help_box = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert help_box.get_by_text("undo the last entry").is_visible()
    shoot(page, "shortcuts")


def test_the_tour_can_be_skipped(caseload, new_context):
    page = new_context({"width": 1280, "height": 800}).new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    page.get_by_role("button", name="Skip the tour").click()
    assert page.locator(".tour").count() == 0
    page.reload()
    page.get_by_role("heading", name="My caseload").wait_for()
    assert page.locator(".tour").count() == 0


def summary_results(page) -> dict[str, str]:
    """Target -> result on the summary; a frequency's rate depends on the time observed, so
    only its count is compared."""
    page.get_by_role("heading", name="Session summary").wait_for()
    rows = page.locator("table.summary tbody tr")
    results = {}
    for i in range(rows.count()):
        name = rows.nth(i).locator("th").inner_text()
        results[name] = rows.nth(i).locator("td").last.inner_text().split(" · ")[0]
    return results


def test_a_paper_sheet_transcribed_matches_the_same_data_tapped(caseload, new_context):
    page = new_context({"width": 768, "height": 1024}).new_page()
    sign_in(page, caseload.base, caseload.users["technician"]["username"])
    page.get_by_role("button", name="Skip the tour").click()
    start_session(page, "Sam Rivera")
    for _ in range(3):
        card(page, "Hitting").locator(".tap-area").click()
    receptive = card(page, "Receptive ID")
    receptive.get_by_role("button", name="✓ Correct").click()
    receptive.get_by_role("button", name="Gestural (G)").click()
    receptive.get_by_role("button", name="✓ Correct").click()
    receptive.get_by_role("button", name="✗ Incorrect").click()
    washing = card(page, "Hand washing")
    washing.get_by_role("button", name="Step 1 Turn on water: Independent").click()
    washing.get_by_role("button", name="Step 2 Wet hands: Gestural").click()
    washing.get_by_role("button", name="Step 3 Soap: Incorrect").click()
    washing.get_by_role("button", name="Step 4 Scrub: No response").click()
    card(page, "Engagement").get_by_role("button", name="4 good").click()
    card(page, "Receptive ID").get_by_text("3 of 10 trials").wait_for()
    page.get_by_role("button", name="End session", exact=True).click()
    page.get_by_role("button", name="Yes, end it").click()
    tapped = summary_results(page)

    page.get_by_role("link", name="Back to caseload").click()
    page.get_by_role("link", name="Paper sheet for Sam Rivera").click()
    page.get_by_role("heading", name="Paper data sheet · Sam Rivera").wait_for()
    href = page.get_by_role("link", name="Print the data sheet (PDF)").get_attribute("href")
    sheet = page.request.get(caseload.base + href)
    assert sheet.ok and sheet.body()[:5] == b"%PDF-"
    shoot(page, "paper")
    page.get_by_label("Date").fill(
        page.evaluate("new Date(Date.now() - 86400000).toLocaleDateString('en-CA')")
    )
    page.get_by_label("Hitting").fill("3")
    page.get_by_label("Receptive ID").fill("I+ q+ -")
    page.get_by_label("Hand washing").fill("I G - NR")
    page.get_by_label("Engagement").fill("4")
    page.keyboard.press("Enter")
    # A code the target does not have is refused, and the field says which.
    assert "“Q” is not a prompt code here" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Receptive ID").get_attribute("aria-invalid") == "true"
    page.get_by_label("Receptive ID").fill("I+ G+ -")
    page.keyboard.press("Enter")
    transcribed = summary_results(page)
    assert page.get_by_text("Transcribed from a paper data sheet").first.is_visible()
    shoot(page, "summary-paper")
    for name in ["Hitting", "Receptive ID", "Hand washing", "Engagement"]:
        assert transcribed[name] == tapped[name], name
    assert tapped["Receptive ID"].startswith("3 trials")
    wait_for_js(
        page,
        "(s => s && s.pending === 0 && s.rejected === 0)(window.bdc?.sync?.status())",
        timeout=30000,
    )
    sessions = caseload.api_as("bcba").ok("GET", f"/sessions?client_id={caseload.client['id']}")
    sessions = sessions.get("items", sessions) if isinstance(sessions, dict) else sessions
    assert sum(s["device_id"].startswith("paper:") for s in sessions) == 1
