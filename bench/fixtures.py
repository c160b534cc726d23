"""What several benchmarks set up: a migrated app on a fresh database, a technician with
one client and one frequency target on their caseload, and the ids tablets make."""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable

from bdc import create_app
from bdc.extensions import db
from bdc.models import Assignment, Client, Target
from bdc.models.base import new_id
from bdc.services import accounts


def random_id() -> str:
    """An id as the PWA made them before its time-ordered ones: UUID version 4."""
    return str(uuid.uuid4())


def add_ids_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--random-ids",
        action="store_true",
        help="random ids (UUID version 4, as the PWA made them before) instead of its "
        "time-ordered ones (version 7), for the figures of earlier passes",
    )


def id_maker(args: argparse.Namespace) -> Callable[[], str]:
    """What makes the simulated tablets' ids: as the PWA does (pwa/js/ids.js), unless
    ``--random-ids``."""
    return random_id if args.random_ids else new_id


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
