"""Configuration: defaults, then ``BDC_*`` environment variables, then an explicit mapping.

Every setting can be overridden from the environment by prefixing its name with ``BDC_``
(``BDC_DATABASE_URL``, ``BDC_SECRET_KEY``, ...), so one image serves a laptop demo and a
multi-host clinic deployment alike.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bdc.sqlite_writes import SerializedWritesConnection

DEFAULT_SECRET = "dev-only-secret-change-me"

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "SECRET_KEY": DEFAULT_SECRET,
    "DATABASE_URL": None,  # None: a SQLite file in the instance folder
    "PASSWORD_HASH_METHOD": "scrypt",  # werkzeug's default scrypt cost (n=2**15, r=8, p=1)
    "TOKEN_IDLE_MINUTES": 30,
    "TOKEN_ABSOLUTE_HOURS": 12,
    # Sign-in throttling is per (username, address) pair, so nobody can lock out someone else:
    # after this many failures in the window, each further try waits twice as long as the last.
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_BACKOFF_SECONDS": 30,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    # How many reverse proxies (e.g. the TLS proxy in docs/deploy.md) sit in front of bdc and
    # append to X-Forwarded-For; 0 ignores the header, so a client cannot choose its address.
    "TRUSTED_PROXIES": 0,
    "SYNC_MAX_EVENTS": 5000,
    # Where sessions take place, comma-separated (bdc/session_settings.py).
    "SESSION_SETTINGS": "clinic,home,school,community,telehealth",
    # How long a request waits for a lock another request holds before answering 503 with
    # Retry-After (SQLite's busy timeout; PostgreSQL's lock_timeout).
    "DATABASE_BUSY_SECONDS": 30,
    # Connections a worker process keeps open to PostgreSQL, and how many more it may open
    # at a peak (SQLAlchemy's QueuePool); see docs/performance.md, "Serving under load".
    "DB_POOL_SIZE": 5,
    "DB_MAX_OVERFLOW": 5,
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "COOKIE_SECURE": False,  # always True when ENV is production
    # Production serves over TLS: gunicorn's own (a certificate and its key), or a proxy in
    # front that terminates TLS (say so with BEHIND_TLS_PROXY). docs/security.md.
    "TLS_CERT": None,
    "TLS_KEY": None,
    "BEHIND_TLS_PROXY": False,
    # Documentation (docs/supervision.md): days before an unsigned note is listed as late, and
    # the clinic's monthly supervision rules (defaults: the BACB's RBT requirements).
    "NOTE_SIGN_DAYS": 2,
    "SUPERVISION_MIN_PERCENT": 5.0,
    "SUPERVISION_MIN_CONTACTS": 2,
    "SUPERVISION_MIN_INDIVIDUAL": 1,
    "SUPERVISION_MIN_OBSERVED": 1,
    # Sessions a director's chart audit draws by default (docs/supervision.md, "Chart audits").
    "CHART_AUDIT_SAMPLE": 10,
    "PWA_DIR": str(Path(__file__).resolve().parent.parent / "pwa"),
    "TIME_ZONE": None,  # the clinic's IANA zone; None: the server's own (bdc.dates)
}

_INT_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, int) and not isinstance(v, bool)}
_BOOL_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, bool)}
_FLOAT_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, float)}


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
    if key in _FLOAT_KEYS:
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):  # "nan" and "inf" parse, but mean nothing as a setting
            raise ConfigError(f"BDC_{key} must be a number such as 4.5, not {raw!r}")
        return value
    return raw


def _names(raw: str | Sequence[str], key: str) -> tuple[str, ...]:
    """A comma-separated list (or a sequence) as its distinct non-empty names, in order."""
    names = raw.split(",") if isinstance(raw, str) else raw
    distinct = tuple(dict.fromkeys(name.strip() for name in names if name.strip()))
    if not distinct:
        raise ConfigError(f"BDC_{key} must name at least one setting")
    return distinct


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

    config["SESSION_SETTINGS"] = _names(config["SESSION_SETTINGS"], "SESSION_SETTINGS")
    if config["ENV"] == "production":
        _check_production(config)

    from bdc import dates

    config["TIME_ZONE"] = config["TIME_ZONE"] or dates.server_zone_name()
    try:
        dates.zone(config["TIME_ZONE"])
    except ValueError as exc:
        raise ConfigError(f"BDC_TIME_ZONE: {exc}") from exc

    url = config["DATABASE_URL"] or f"sqlite:///{Path(instance_path) / 'bdc.db'}"
    config["DATABASE_URL"] = url
    config["SQLALCHEMY_DATABASE_URI"] = url
    busy = config["DATABASE_BUSY_SECONDS"]
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        # SQL parameters hold notes and names (PHI): never put them in an error's message.
        "hide_parameters": True,
        **(
            {"connect_args": {"timeout": busy, "factory": SerializedWritesConnection}}
            if url.startswith("sqlite")
            else {
                "pool_pre_ping": True,
                "pool_size": config["DB_POOL_SIZE"],
                "max_overflow": config["DB_MAX_OVERFLOW"],
                "connect_args": {"options": f"-c lock_timeout={int(busy * 1000)}"},
            }
        ),
    }
    config.update(
        API_TITLE="bdc",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        PROPAGATE_EXCEPTIONS=False,
    )
    return config
