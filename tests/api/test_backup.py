"""`bdc backup` and `bdc restore` (issue #10), on SQLite and PostgreSQL, through the real CLI."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bdc.cli import main as cli
from bdc.extensions import db
from bdc.models import Event, Session
from tests.tablet import Tablet

START = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def held() -> tuple[int, int]:
    db.session.rollback()
    return (
        db.session.scalar(select(func.count()).select_from(Session)),
        db.session.scalar(select(func.count()).select_from(Event)),
    )


def test_backup_then_restore_brings_back_exactly_what_was_backed_up(ctx, http, make, tmp_path):
    tech = make.user("technician")
    client = make.client(tech)
    target = make.target(client)
    tablet = Tablet(http, make.login(tech))
    morning = tablet.session(client, at=START, targets=[target])
    tablet.counts(morning, target, [1, 2, 3])
    tablet.send()
    runner = ctx.test_cli_runner()
    copy = tmp_path / "nightly" / f"bdc-{uuid.uuid4().hex}.backup"

    made = runner.invoke(cli, ["backup", str(copy)])
    assert made.exit_code == 0, made.output
    assert copy.is_file() and "Backed up" in made.output
    again = runner.invoke(cli, ["backup", str(copy)])
    assert again.exit_code != 0 and "exists already" in again.output  # never overwrites

    afternoon = tablet.session(client, at=START + timedelta(hours=3), targets=[target])
    tablet.counts(afternoon, target, [1, 2])
    outbox = {key: list(items) for key, items in tablet.batch.items()}
    tablet.send()
    assert held() == (2, 5)

    refused = runner.invoke(cli, ["restore", str(copy)], input="n\n")
    assert refused.exit_code != 0 and held() == (2, 5)  # asks first; "no" changes nothing
    restored = runner.invoke(cli, ["restore", "--yes", str(copy)])
    assert restored.exit_code == 0, restored.output
    assert held() == (1, 3)
    assert db.session.scalars(select(Session.id)).one() == morning["id"]
    # The restored database serves sync as before: a tablet that still holds the afternoon
    # in its outbox re-sends it.
    tablet.batch = outbox
    tablet.send()
    assert held() == (2, 5)


def test_restore_refuses_a_file_that_is_not_a_backup(ctx, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    answer = ctx.test_cli_runner().invoke(cli, ["restore", "--yes", str(junk)])
    assert answer.exit_code != 0
    assert "not" in answer.output
