"""Fixtures shared by every test: a real database (SQLite file or PostgreSQL) and real HTTP.

``BDC_TEST_DATABASE_URL`` selects PostgreSQL (``make test`` runs the suite once on a SQLite
file and once on a private PostgreSQL server); without it each run uses a fresh SQLite file.
The schema is built by the real migrations once per run, and every table is emptied after
each test.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bdc import create_app
from bdc.extensions import db
from bdc.models import Assignment, Client, Plan, Target, User
from bdc.services import accounts

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("BDC_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'bdc-test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "ENV": "testing",
            "SECRET_KEY": "test-secret",
            # A cheap scrypt cost keeps hundreds of test users fast; the algorithm is the same.
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "TESTING": True,
            # calendar days in UTC unless a test sets the clinic's zone (whatever the host's)
            "TIME_ZONE": "UTC",
        }
    )
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    with app.app_context():
        from flask_migrate import downgrade, upgrade

        if database_url.startswith("postgresql"):
            downgrade(revision="base")  # a reused test database starts from nothing
        upgrade()
    return app


def _truncate(tables: list[str], attempts: int = 10) -> None:
    """TRUNCATE every table. An e2e live server may still be finishing a request of a page
    that has just closed; PostgreSQL breaks that lock cycle by cancelling the TRUNCATE, which
    is then safe to repeat once the request is done."""
    for attempt in range(attempts):
        try:
            db.session.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
            db.session.commit()
            return
        except OperationalError as error:
            db.session.rollback()
            if "deadlock detected" not in str(error.orig) or attempt == attempts - 1:
                raise
            time.sleep(0.2)


def _empty_all_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        _truncate(tables)
        return
    for table in tables:
        db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_all_tables()


@pytest.fixture
def http(ctx):
    # No cookie jar: every request authenticates only with the headers a test gives it.
    return ctx.test_client(use_cookies=False)


@dataclass
class Factory:
    """Builds rows directly through the services (committed), and signs users in over HTTP."""

    http: object

    def user(self, role: str = "technician", *, username: str | None = None) -> User:
        user = accounts.create_user(
            username=username or f"{role}-{uuid.uuid4().hex[:8]}", password=PASSWORD, role=role
        )
        db.session.commit()
        return user

    def client(self, *staff: User, code: str | None = None) -> Client:
        client = Client(
            code=code or f"C-{uuid.uuid4().hex[:6]}",
            name="Test Learner",
            date_of_birth=date(2018, 5, 4),
        )
        db.session.add(client)
        db.session.flush()
        for member in staff:
            db.session.add(Assignment(user_id=member.id, client_id=client.id))
        db.session.commit()
        return client

    def target(self, client: Client, measurement: str = "frequency", **fields) -> Target:
        defaults = {
            "dtt": {"prompt_levels": ["independent", "gestural", "model"]},
            "task_analysis": {"steps": ["wet hands", "soap", "rinse"]},
            "partial_interval": {"interval_seconds": 10, "observation_minutes": 5},
            "whole_interval": {"interval_seconds": 10, "observation_minutes": 5},
            "momentary_time_sampling": {"interval_seconds": 10, "observation_minutes": 5},
            "rating": {"scale_min": 1, "scale_max": 5},
        }
        target = Target(
            client_id=client.id,
            name=fields.pop("name", f"{measurement} target"),
            measurement=measurement,
            params=fields.pop("params", defaults.get(measurement, {})),
            **fields,
        )
        db.session.add(target)
        db.session.commit()
        return target

    def plan(self, client: Client, steps: int = 4) -> Plan:
        plan = Plan(
            client_id=client.id,
            series_id=str(uuid.uuid4()),
            version=1,
            function="escape",
            strategies=["FCT"],
            checklist=[f"step {i + 1}" for i in range(steps)],
        )
        db.session.add(plan)
        db.session.commit()
        return plan

    def login(self, user: User) -> dict[str, str]:
        answer = self.http.post(
            "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.get_json()
        return {"Authorization": f"Bearer {answer.get_json()['token']}"}


@pytest.fixture
def make(http) -> Factory:
    return Factory(http)


DEMO_TODAY = date(2026, 11, 23)  # a Monday: the demo's eight weeks are 2026-09-28 .. 11-22


@pytest.fixture(scope="module")
def demo_caseload(app):
    """The demo caseload (``bdc demo`` with a fixed today), loaded once for a module whose
    tests only read it, and emptied after the module."""
    from bdc.demo import load_demo

    with app.app_context():
        load_demo(today=DEMO_TODAY)
        db.session.commit()
    yield
    with app.app_context():
        _empty_all_tables()


@pytest.fixture
def demo_http(app, demo_caseload):
    """(HTTP client, login(username) -> headers) over the demo caseload."""
    from bdc.demo import DEMO_PASSWORD

    with app.app_context():
        client = app.test_client(use_cookies=False)

        def login(username: str) -> dict[str, str]:
            answer = client.post(
                "/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}
            )
            return {"Authorization": f"Bearer {answer.get_json()['token']}"}

        yield client, login
        db.session.rollback()
