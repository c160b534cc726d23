"""What several benchmarks set up: a migrated app on a fresh database, and a technician with
one client and one frequency target on their caseload."""

from __future__ import annotations

from bdc import create_app
from bdc.extensions import db
from bdc.models import Assignment, Client, Target
from bdc.services import accounts


def migrated_app(database_url: str, **config):
    """The app on ``database_url`` with every migration applied; a cheap password hash, as the
    test suite uses (the algorithm is the same)."""
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "ENV": "bench",
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            **config,
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    return app


def technician_with_target(username: str, password: str, client_code: str) -> tuple[str, str, str]:
    """A technician, a client assigned to them and its frequency target ``taps``: their ids.
    Call inside an app context; commits."""
    tech = accounts.create_user(username=username, password=password, role="technician")
    client = Client(code=client_code, name="Bench")
    db.session.add(client)
    db.session.flush()
    db.session.add(Assignment(user_id=tech.id, client_id=client.id))
    target = Target(client_id=client.id, name="taps", measurement="frequency", params={})
    db.session.add(target)
    db.session.commit()
    return tech.id, client.id, target.id
