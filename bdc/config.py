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
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "COOKIE_SECURE": False,  # always True when ENV is production
    # Production serves over TLS: gunicorn's own (a certificate and its key), or a proxy in
    # front that terminates TLS (say so with BEHIND_TLS_PROXY). docs/security.md.
    "TLS_CERT": None,
    "TLS_KEY": None,
    "BEHIND_TLS_PROXY": False,
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


def _check_production(config: dict[str, Any]) -> None:
    """Refuse a production configuration that would leak sessions or tokens."""
    if config["SECRET_KEY"] == DEFAULT_SECRET:
        raise ConfigError(
            "BDC_ENV=production needs a secret: set BDC_SECRET_KEY to a long random value "
            '(python3 -c "import secrets; print(secrets.token_hex(32))").'
        )
    has_certificate = bool(config["TLS_CERT"]) and bool(config["TLS_KEY"])
    if not has_certificate and not config["BEHIND_TLS_PROXY"]:
        raise ConfigError(
            "BDC_ENV=production needs TLS: set BDC_TLS_CERT and BDC_TLS_KEY (certificate and key "
            "files), or BDC_BEHIND_TLS_PROXY=1 when a proxy in front terminates TLS."
        )
    config["COOKIE_SECURE"] = True


def load_config(instance_path: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Merge defaults, ``BDC_*`` environment variables and ``overrides`` into Flask settings."""
    config = dict(DEFAULTS)
    for key in DEFAULTS:
        raw = os.environ.get(f"BDC_{key}")
        if raw is not None:
            config[key] = _coerce(key, raw)
    config.update(overrides or {})

    if config["ENV"] == "production":
        _check_production(config)

    url = config["DATABASE_URL"] or f"sqlite:///{Path(instance_path) / 'bdc.db'}"
    config["DATABASE_URL"] = url
    config["SQLALCHEMY_DATABASE_URI"] = url
    config["SQLALCHEMY_ENGINE_OPTIONS"] = (
        {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {"pool_pre_ping": True}
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
