"""The blueprint every authenticated API resource uses."""

from __future__ import annotations

from flask_smorest import Blueprint

from bdc.auth import authenticate


def protected_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A flask-smorest blueprint under /api/v1 whose every route requires a signed-in user."""
    blueprint = Blueprint(name, import_name, url_prefix="/api/v1", description=description)
    blueprint.before_request(authenticate)
    return blueprint
