"""The BCBA and director screens at phone, tablet and laptop widths (issue 14): no table cut at
the right edge, client codes never broken at their hyphen, names shortened only when they do
not fit, a graph above the fold of a laptop's client view; and the dashboard in Spanish."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.pwa import PASSWORD, sign_in
from tests.e2e.test_bcba_and_incidents import record_sessions

pytestmark = pytest.mark.e2e

WIDTHS = [(360, 740), (768, 1024), (1280, 800)]
LONG_NAME = "Dana Director, Clinical Director"
# Measured from the boxes the browser laid out. On a phone a wide table may scroll inside its
# own region (never the page); from a tablet up nothing is cut.
LAYOUT = """(tablesFit) => {
  const problems = [];
  if (document.documentElement.scrollWidth > innerWidth + 1) {
    problems.push('the page scrolls sideways');
  }
  for (const box of tablesFit ? document.querySelectorAll('.table-scroll') : []) {
    if (box.scrollWidth > box.clientWidth + 1) {
      const name = box.getAttribute('aria-label');
      problems.push(`cut: ${name} (${box.scrollWidth} px in ${box.clientWidth} px)`);
    }
  }
  for (const code of document.querySelectorAll('.client-code')) {
    const range = document.createRange();
    range.selectNodeContents(code.firstChild);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    if (lines.size > 1) problems.push(`code on ${lines.size} lines: ${code.textContent}`);
  }
  for (const el of document.querySelectorAll('body *')) {
    if (!el.getClientRects().length || getComputedStyle(el).textOverflow !== 'ellipsis') continue;
    if (el.scrollWidth > el.clientWidth + 1) problems.push(`shortened: ${el.textContent.trim()}`);
  }
  return problems;
}"""


def director_with_a_long_name() -> str:
    from bdc.extensions import db
    from bdc.services import accounts

    username = f"director-{uuid.uuid4().hex[:6]}"
    accounts.create_user(
        username=username, password=PASSWORD, role="director", display_name=LONG_NAME
    )
    db.session.commit()
    return username


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_dashboard_tables_fit_and_nothing_is_shortened_that_fits(
    caseload, new_context, width, height
):
    record_sessions(caseload)
    username = director_with_a_long_name()
    page = new_context({"width": width, "height": height}).new_page()
    sign_in(page, caseload.base, username)
    page.get_by_role("link", name="Dashboard").click()
    ioa = page.locator("#dash-ioa")
    ioa.get_by_role("region", name="IOA per target and phase").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate(LAYOUT, width >= 768) == []
    # Every figure of a row is still on screen, with its column's name beside it.
    code = ioa.locator(".client-code").first
    assert code.inner_text().startswith(caseload.client["code"])
    box = code.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    if width >= 1280:
        assert page.locator(".user-name").inner_text() == LONG_NAME


def test_the_dashboard_in_spanish(caseload, new_context):
    record_sessions(caseload)
    username = director_with_a_long_name()
    page = new_context({"width": 768, "height": 1024}).new_page()
    page.goto(caseload.base + "/")
    page.get_by_label("Language").select_option("es")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("link", name="Panel").click()
    ioa = page.locator("#dash-ioa")
    ioa.get_by_role("heading", name="Cobertura y acuerdo de IOA").wait_for()
    ioa.get_by_role("region", name="IOA por objetivo y fase").wait_for()
    text = page.locator("main").inner_text()
    assert "Descargar CSV" in text and "Download CSV" not in text
    assert "Sesiones por cliente y semana" in text
    # Numbers and dates in Spanish: "26 nov 2026", a decimal comma, "%" after a space.
    status = page.get_by_role("status").filter(has_text="cliente").inner_text()
    assert status.startswith("1 cliente, ")
    assert "nov" in status or "oct" in status or "dic" in status
    assert "\u00a0%" in ioa.locator(".lead").inner_text()


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_the_client_view_fits_and_shows_a_graph_above_the_fold(
    caseload, new_context, width, height
):
    record_sessions(caseload)
    page = new_context({"width": width, "height": height}).new_page()
    sign_in(page, caseload.base, caseload.users["bcba"]["username"])
    page.evaluate(f"location.hash = '#/client/{caseload.client['id']}'")
    hitting = page.locator(
        "section.target-panel", has=page.get_by_role("heading", name="Hitting", exact=True)
    )
    hitting.get_by_role("region", name="Phases of Hitting").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate(LAYOUT, width >= 768) == []
    if width >= 1280:
        # On a laptop (800 px high) the first target's graph is on screen without scrolling:
        # at least 200 px of it.
        graph = page.locator("img.graph").first.bounding_box()
        assert graph["y"] + 200 <= height, graph
