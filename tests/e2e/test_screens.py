"""Every screen at phone and tablet sizes: no sideways scrolling, 48 px tap targets, and no
serious accessibility problems reported by axe-core."""

from __future__ import annotations

import json
import struct
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.pwa import LAYOUT_PROBLEMS, card, end_session, run_script, sign_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const { violations } = await axe.run(document, { resultTypes: ['violations'] });
  return violations
    .filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}"""
SIZES = [(360, 740), (768, 1024), (1024, 768), (1280, 800)]


def visit_every_screen(page, caseload):
    """Yield (name, page) at each screen a technician or supervisor sees."""
    page.goto(caseload.base + "/")
    page.get_by_label("Username").wait_for()
    yield "sign-in"
    sign_in(page, caseload.base, caseload.users["bcba"]["username"])
    yield "caseload"
    page.get_by_role("button", name="Sam Rivera").click()
    page.get_by_role("button", name="Start session").wait_for()
    yield "start sheet"
    page.get_by_role("button", name="Start session").click()
    page.locator(".cards").wait_for()
    card(page, "On task").get_by_role("button", name="Start intervals").click()
    card(page, "Out of seat").get_by_role("button", name="Start Out of seat").click()
    card(page, "Out of seat").get_by_role("button", name="Start another bout").click()
    card(page, "Hitting").locator(".tap-area").click()
    yield "session"
    page.locator("#sync-badge").click()
    page.get_by_role("dialog", name="Sync").wait_for()
    yield "sync panel"
    page.keyboard.press("Escape")
    page.get_by_role("dialog", name="Sync").wait_for(state="detached")
    end_session(page)
    yield "summary"
    page.get_by_role("link", name="Back to caseload").click()
    page.get_by_role("button", name="Sam Rivera").click()
    page.get_by_role("button", name="Fidelity check").click()
    page.get_by_label("Plan").wait_for()
    page.get_by_role("button", name="Start session").click()
    page.get_by_role("button", name="Step 1: Yes").click()
    yield "fidelity"


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_screens_fit_and_have_big_targets(caseload, new_context, width, height):
    page = new_context({"width": width, "height": height}).new_page()
    problems = {}
    for name in visit_every_screen(page, caseload):
        found = page.evaluate(LAYOUT_PROBLEMS)
        if found:
            problems[name] = found
    assert problems == {}


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by `npm ci`")
def test_no_serious_accessibility_problems(caseload, new_context):
    page = new_context({"width": 768, "height": 1024}).new_page()
    found = {}
    for name in visit_every_screen(page, caseload):
        run_script(page, AXE)
        result = page.evaluate(AXE_RUN)
        if result:
            found[name] = result
    assert found == {}


def test_manifest_and_icons_make_it_installable(server):
    with urllib.request.urlopen(f"{server}/manifest.webmanifest") as answer:
        manifest = json.load(answer)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    sizes = {}
    for icon in manifest["icons"]:
        with urllib.request.urlopen(server + icon["src"]) as answer:
            png = answer.read()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert icon["sizes"] == f"{width}x{height}"
        sizes.setdefault(icon["purpose"], set()).add(width)
    assert sizes == {"any": {192, 512}, "maskable": {512}}
