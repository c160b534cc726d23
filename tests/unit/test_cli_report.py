"""`bdc report`: one client's progress report, or one per client of a caseload, as PDF files.

Runs the real command (click's test runner) against the test database of the ``app``
fixture, with rows written the way sync stores them.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bdc.cli import main
from bdc.extensions import db
from bdc.models import AuditEntry, Event, Phase, Session
from bdc.reports import report_page_count
from bdc.services import progress_report, session_values

START = datetime(2026, 4, 6, 14, 0, tzinfo=UTC)  # a Monday
FROM, TO = "2026-04-06", "2026-04-19"


def record(client, observer, target, counts, *, first_day=0) -> None:
    """One primary session a day with ``counts[k]`` count events on day ``first_day + k``."""
    for k, n in enumerate(counts):
        at = START + timedelta(days=first_day + k)
        session = Session(
            client_id=client.id,
            observer_id=observer.id,
            started_at=at,
            ended_at=at + timedelta(minutes=30),
            target_ids=[target.id],
        )
        db.session.add(session)
        db.session.flush()
        for i in range(n):
            db.session.add(
                Event(
                    session_id=session.id,
                    target_id=target.id,
                    kind="count",
                    t=at + timedelta(seconds=10 * (i + 1)),
                    recorded_by=observer.id,
                )
            )
        # stored as sync stores them: with the session's values
        session_values.refresh(session_values.Touched(sessions={session.id}))
    db.session.commit()


@pytest.fixture
def caseload(make):
    """Clients CL-1 and CL-2 with data in the period on the BCBA's caseload; CL-3 on it with
    no session in the period; CL-4 with data but on nobody's caseload; CL-5 inactive."""
    bcba = make.user("bcba", username="report.bcba")
    tech = make.user("technician")
    clients = {}
    for code, staff in (("CL-1", (bcba, tech)), ("CL-2", (bcba, tech)), ("CL-3", (bcba,))):
        clients[code] = make.client(*staff, code=code)
    clients["CL-4"] = make.client(tech, code="CL-4")
    clients["CL-5"] = make.client(bcba, code="CL-5")
    clients["CL-5"].active = False
    for code in ("CL-1", "CL-2", "CL-4", "CL-5"):
        target = make.target(clients[code], name=f"Aggression {code}", direction="decrease")
        db.session.add(
            Phase(target_id=target.id, kind="baseline", label="Baseline", start_date=START.date())
        )
        db.session.add(
            Phase(
                target_id=target.id,
                kind="intervention",
                label="FCT",
                start_date=START.date() + timedelta(days=4),
            )
        )
        record(clients[code], tech, target, [4, 5, 4, 6, 2, 1, 1, 0])
    target = make.target(clients["CL-3"], name="Old target")
    record(clients["CL-3"], tech, target, [1, 1], first_day=-40)  # before the period
    return bcba, clients


def run(app, *args: str):
    return app.test_cli_runner().invoke(main, ["report", *args])


def pdf(path: Path) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return reader, "\n".join(p.extract_text() for p in reader.pages)


def test_writes_one_clients_report(app, caseload, tmp_path):
    bcba, clients = caseload
    out = tmp_path / "cl1.pdf"
    result = run(app, "CL-1", "--from", FROM, "--to", TO, "-o", str(out), "--user", "report.bcba")
    assert result.exit_code == 0, result.output
    assert f"Wrote {out} (1 targets, 2026-04-06 to 2026-04-19)." in result.output
    reader, text = pdf(out)
    report = progress_report.assemble(clients["CL-1"], date(2026, 4, 6), date(2026, 4, 19))
    assert len(reader.pages) == report_page_count(report)
    assert "Aggression CL-1" in text and "Test Learner (CL-1)" in text
    assert "4.8 per session" in text and "1.0 per session" in text  # baseline, current
    assert "report.bcba" in text  # prepared by (the signature line)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.resource == "progress_report" and entry.client_id == clients["CL-1"].id
    assert entry.user_id == bcba.id


def test_pseudonymous_and_a_folder_as_output(app, caseload, tmp_path):
    result = run(app, "CL-2", "--from", FROM, "--to", TO, "-o", str(tmp_path), "--pseudonymous")
    assert result.exit_code == 0, result.output
    out = tmp_path / "progress-report-CL-2-2026-04-06-to-2026-04-19.pdf"
    _, text = pdf(out)
    assert "CL-2" in text and "Test Learner" not in text


def test_caseload_writes_one_report_per_client_with_data(app, caseload, tmp_path):
    folder = tmp_path / "reports" / "april"  # created
    result = run(
        app, "--caseload", "--from", FROM, "--to", TO, "-o", str(folder), "--user", "report.bcba"
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "progress-report-CL-1-2026-04-06-to-2026-04-19.pdf",
        "progress-report-CL-2-2026-04-06-to-2026-04-19.pdf",
    ]
    assert "Progress reports" in result.output  # the progress bar's label
    assert f"Wrote 2 reports to {folder}" in result.output
    assert "No sessions in the period, no report: CL-3." in result.output
    for code in ("CL-1", "CL-2"):
        _, text = pdf(folder / f"progress-report-{code}-2026-04-06-to-2026-04-19.pdf")
        assert f"Aggression {code}" in text
    exports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert len(exports) == 2


def test_caseload_without_a_user_covers_every_active_client(app, caseload, tmp_path):
    result = run(app, "--caseload", "--from", FROM, "--to", TO, "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    codes = sorted(p.name.split("-")[3] for p in tmp_path.iterdir())
    assert codes == ["1", "2", "4"]  # CL-1, CL-2, CL-4; CL-3 has no data, CL-5 is inactive


def test_the_effect_sizes_are_chosen_on_the_command_line(app, caseload, tmp_path):
    out = tmp_path / "cl1.pdf"
    result = run(app, "CL-1", "--from", FROM, "--to", TO, "-o", str(out), "--effect-sizes", "lrr")
    assert result.exit_code == 0, result.output
    _, text = pdf(out)
    assert "LRRd (" in text and "% vs baseline" in text and "NAP (" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE-9", "--from", FROM, "--to", TO], "No client with the code 'NOPE-9'."),
        (["CL-1", "--from", "2026-02-30", "--to", TO], "--from: '2026-02-30' is not a date"),
        (["CL-1", "--from", FROM, "--to", "next week"], "--to: 'next week' is not a date"),
        (["CL-1", "--from", TO, "--to", FROM], "--from 2026-04-19 is after --to 2026-04-06."),
        (["--from", FROM], "Give a CLIENT_CODE or --caseload (one of the two)."),
        (["CL-1", "--caseload"], "Give a CLIENT_CODE or --caseload (one of the two)."),
        (["CL-1", "--user", "nobody"], "No user 'nobody'."),
        (
            ["CL-1", "--effect-sizes", "nap,glass"],
            "--effect-sizes: unknown effect size 'glass'; choose from nap, tau,",
        ),
    ],
)
def test_errors_are_readable(app, caseload, tmp_path, args, message):
    result = run(app, *args, "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1, result.output
    assert f"Error: {message}" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_an_unwritable_output_is_refused(app, caseload, tmp_path):
    missing = tmp_path / "no-such-folder" / "x.pdf"
    result = run(app, "CL-1", "--from", FROM, "--to", TO, "-o", str(missing))
    assert result.exit_code == 1
    assert f"Error: Cannot write {missing}: the folder {missing.parent} does not exist." in (
        result.output
    )
    a_file = tmp_path / "taken.pdf"
    a_file.write_bytes(b"")
    result = run(app, "--caseload", "--from", FROM, "--to", TO, "-o", str(a_file))
    assert result.exit_code == 1
    assert "must be a folder, not a file" in result.output
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all() == []


def test_panel_adds_the_multiple_baseline_page(app, caseload, tmp_path):
    _, clients = caseload
    plain, with_panel = tmp_path / "plain.pdf", tmp_path / "panel.pdf"
    assert run(app, "CL-1", "--from", FROM, "--to", TO, "-o", str(plain)).exit_code == 0
    result = run(app, "CL-1", "--from", FROM, "--to", TO, "--panel", "-o", str(with_panel))
    assert result.exit_code == 0, result.output
    (plain_reader, plain_text), (reader, text) = pdf(plain), pdf(with_panel)
    assert "Multiple-baseline view" not in plain_text
    assert "Multiple-baseline view across targets" in text
    assert len(reader.pages) == len(plain_reader.pages) + 1
    report = progress_report.assemble(clients["CL-1"], date(2026, 4, 6), date(2026, 4, 19))
    assert len(reader.pages) == report_page_count(replace(report, panel=True))
    folder = tmp_path / "all"
    result = run(app, "--caseload", "--from", FROM, "--to", TO, "--panel", "-o", str(folder))
    assert result.exit_code == 0, result.output
    for written in sorted(folder.glob("*.pdf")):
        assert "Multiple-baseline view across targets" in pdf(written)[1]
