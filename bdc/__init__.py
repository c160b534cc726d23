"""bdc: offline-first behavioral data collection for ABA and FBA work."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from bdc.config import load_config

__version__ = "0.1.0"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app: configuration, extensions, blueprints. Nothing else happens here."""
    from bdc import api as api_package
    from bdc.api.base import IdConverter
    from bdc.errors import register_error_handlers
    from bdc.extensions import api, db, migrate
    from bdc.hardening import harden
    from bdc.session_scope import commit_at_request_end
    from bdc.web import PwaPathConverter, web

    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    app.config.update(load_config(app.instance_path, config))
    app.url_map.converters["uuid"] = IdConverter
    app.url_map.converters["pwa_path"] = PwaPathConverter
    if app.config["TRUSTED_PROXIES"]:  # the client's real address, for throttling and audit
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    mimetypes.add_type("text/javascript", ".js")
    mimetypes.add_type("application/manifest+json", ".webmanifest")

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    api.init_app(app)
    api_package.register(api)
    register_error_handlers(app)
    harden(app)
    commit_at_request_end(app)
    app.register_blueprint(web)
    return app
