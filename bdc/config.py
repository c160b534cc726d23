"""Configuration: defaults, then ``BDC_*`` environment variables, then an explicit mapping.

Every setting can be overridden from the environment by prefixing its name with ``BDC_``
(``BDC_DATABASE_URL``, ``BDC_SECRET_KEY``, ...), so one image serves a laptop demo and a
multi-host clinic deployment alike.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULT_SECRET = "dev-only-secret-change-me"

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "SECRET_KEY": DEFAULT_SECRET,
    "DATABASE_URL": None,  # None: a SQLite file in the instance folder
    "PASSWORD_HASH_METHOD": "scrypt",  # werkzeug's default scrypt cost (n=2**15, r=8, p=1)
    "TOKEN_IDLE_MINUTES": 30,
    "TOKEN_ABSOLUTE_HOURS": 12,
    "LOGIN_MAX_FAILURES_PER_USER": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    "SYNC_MAX_EVENTS": 5000,
    # Connections a worker process keeps open to PostgreSQL, and how many more it may open
    # at a peak (SQLAlchemy's QueuePool); see docs/performance.md, "Serving under load".
    "DB_POOL_SIZE": 5,
    "DB_MAX_OVERFLOW": 5,
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "COOKIE_SECURE": False,
    "PWA_DIR": str(Path(__file__).resolve().parent.parent / "pwa"),
}

_INT_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, int) and not isinstance(v, bool)}
_BOOL_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, bool)}


class ConfigError(RuntimeError):
    """The configuration cannot be used (for example a production secret left at its default)."""


def _coerce(key: str, raw: str) -> Any:
    if key in _BOOL_KEYS:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if key in _INT_KEYS:
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"BDC_{key} must be a whole number, not {raw!r}") from exc
    return raw


def load_config(instance_path: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Merge defaults, ``BDC_*`` environment variables and ``overrides`` into Flask settings."""
    config = dict(DEFAULTS)
    for key in DEFAULTS:
        raw = os.environ.get(f"BDC_{key}")
        if raw is not None:
            config[key] = _coerce(key, raw)
    config.update(overrides or {})

    if config["ENV"] == "production" and config["SECRET_KEY"] == DEFAULT_SECRET:
        raise ConfigError("BDC_SECRET_KEY must be set to a long random value in production")

    url = config["DATABASE_URL"] or f"sqlite:///{Path(instance_path) / 'bdc.db'}"
    config["DATABASE_URL"] = url
    config["SQLALCHEMY_DATABASE_URI"] = url
    config["SQLALCHEMY_ENGINE_OPTIONS"] = (
        {"connect_args": {"timeout": 30}}
        if url.startswith("sqlite")
        else {
            "pool_pre_ping": True,
            "pool_size": config["DB_POOL_SIZE"],
            "max_overflow": config["DB_MAX_OVERFLOW"],
        }
    )
    config.update(
        API_TITLE="bdc",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        PROPAGATE_EXCEPTIONS=False,
    )
    return config
