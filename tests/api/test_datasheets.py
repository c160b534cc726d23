"""The paper data sheet (issue 14): a client's active targets laid out by measurement for
pencil recording; caseload-checked, audited, code not name."""

from __future__ import annotations

from datetime import date

from bdc.extensions import db
from bdc.models import AuditEntry
from bdc.reports.datasheet import SheetTarget, block_height, datasheet_pdf, prompt_code
from tests.api.test_reports_api import pdf_text as text_of


def test_every_measurement_gets_its_layout_with_app_prompt_codes(http, make):
    tech = make.user("technician")
    client = make.client(tech, code="DEMO-01")
    make.target(client, "frequency", name="Hitting")
    make.target(client, "partial_interval", name="On task")
    make.target(
        client,
        "dtt",
        name="Receptive ID",
        params={"prompt_levels": ["independent", "partial_physical", "full_physical"]},
    )
    make.target(client, "task_analysis", name="Hand washing")
    make.target(client, "abc", name="Tantrum", params={"antecedents": ["Demand"]})
    make.target(client, "duration", name="Out of seat")
    make.target(client, "rating", name="Engagement")
    make.target(client, "latency", name="Follows instruction")
    make.target(client, "frequency", name="Retired target", active=False)
    answer = http.get(
        f"/api/v1/clients/{client.id}/datasheet.pdf?date=2026-11-26", headers=make.login(tech)
    )
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert 'filename="datasheet_DEMO-01_2026-11-26.pdf"' in answer.headers["Content-Disposition"]
    assert answer.headers["Cache-Control"] == "private, no-store"
    _, text = text_of(answer.data)
    for expected in [
        "client DEMO-01",
        "2026-11-26",
        "Hitting",
        "Total",
        "On task",
        "I   PP   FP",
        "+   −   NR",
        "1. wet hands",
        "Antecedent",
        "Consequence",
        "Start",
        "Circle one",
    ]:
        assert expected in text, expected
    assert "Retired target" not in text
    assert client.name not in text  # the code only: the sheet leaves the clinic
    assert "partial_physical" not in text
    audit = db.session.query(AuditEntry).filter_by(action="export", client_id=client.id).one()
    assert audit.detail["what"] == "datasheet" and audit.detail["pages"] >= 1


def test_a_long_sheet_breaks_between_blocks_and_never_overflows():
    targets = [
        SheetTarget(
            i + 1, f"Target {i + 1}", "task_analysis", {"steps": [f"s{j}" for j in range(9)]}
        )
        for i in range(6)
    ]
    pdf, pages = datasheet_pdf("C-1", date(2026, 11, 26), targets)
    reader, text = text_of(pdf)
    assert pages == len(reader.pages) >= 2
    assert all(block_height(t) < 11 for t in targets)
    for i in range(6):
        assert text.count(f"{i + 1}. Target {i + 1}") == 1


def test_prompt_codes_match_the_app():
    assert prompt_code("partial_physical") == "PP"
    assert prompt_code("full physical") == "FP"
    assert prompt_code("hand_over_hand") == "HOH"


def test_off_caseload_is_404_and_a_bad_date_is_422(http, make):
    tech = make.user("technician")
    other = make.client(make.user("technician"))
    auth = make.login(tech)
    assert http.get(f"/api/v1/clients/{other.id}/datasheet.pdf", headers=auth).status_code == 404
    mine = make.client(tech)
    bad = http.get(f"/api/v1/clients/{mine.id}/datasheet.pdf?date=26/11/2026", headers=auth)
    assert bad.status_code == 422 and "date" in bad.get_json()["error"]["fields"]


def test_latency_rows_have_an_nr_code_at_the_targets_wait(http, make):
    # Issue 12: a latency trial without a response could not be written on the sheet.
    tech = make.user("technician")
    client = make.client(tech, code="LAT-01")
    make.target(client, "latency", name="Comes when called", params={"max_wait_seconds": 30})
    make.target(client, "latency", name="Follows instruction")
    answer = http.get(f"/api/v1/clients/{client.id}/datasheet.pdf", headers=make.login(tech))
    assert answer.status_code == 200
    _, text = text_of(answer.data)
    text = " ".join(text.split())
    assert text.count("sec / NR") == 2
    assert "or NR if there was no response within 30 s" in text
    assert "or NR and the seconds waited (NR30) if there was no response" in text
