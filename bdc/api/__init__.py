"""The JSON API under /api/v1: one flask-smorest blueprint per resource."""

from __future__ import annotations

from bdc.api import audit, auth, clients, sessions, targets, users

BLUEPRINTS = (auth.blp, users.blp, clients.blp, targets.blp, sessions.blp, audit.blp)


def register(api) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
