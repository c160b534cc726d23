"""The client view shows the summary's effect size with its interval, as the report words it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.pwa import sign_in
from tests.e2e.test_bcba_and_incidents import record_sessions, target_panel

pytestmark = pytest.mark.e2e


def test_client_view_shows_nap_with_its_interval(caseload, new_context):
    today = datetime.now(UTC).date()
    bcba = caseload.api_as("bcba")
    hitting = caseload.targets["Hitting"]["id"]
    bcba.ok(
        "POST",
        f"/targets/{hitting}/phases",
        {"kind": "baseline", "label": "Baseline", "start_date": str(today - timedelta(days=10))},
    )
    bcba.ok(
        "POST",
        f"/targets/{hitting}/phases",
        {"kind": "intervention", "label": "FCT", "start_date": str(today - timedelta(days=4))},
    )
    # Hitting is to decrease: 5, 7, 6 in baseline, then 2, 1, 1: every pair improves
    record_sessions(caseload, days=(8, 7, 6, 3, 2, 1), counts=(5, 7, 6, 2, 1, 1))

    page = new_context().new_page()
    sign_in(page, caseload.base, caseload.users["bcba"]["username"])
    page.get_by_role("link", name="Client view").click()
    panel = target_panel(page, "Hitting")
    panel.get_by_role("heading", name="Effect size vs baseline (NAP)").wait_for()
    # NAP 1 with 3 + 3 sessions: Newcombe's interval, worded as the PDF words it
    panel.get_by_text("1.00 (95% CI 0.50 to 1.00)").wait_for()
    panel.get_by_text("FCT vs Baseline (3 vs 3 sessions)").wait_for()
