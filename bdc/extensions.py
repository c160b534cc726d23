"""Flask extensions, created unbound and attached in :func:`bdc.create_app`."""

from __future__ import annotations

import sqlite3

from apispec import BasePlugin
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from marshmallow import Schema, fields, validate
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

from bdc.errors import ErrorSchema, error_body

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()

# The routes a caller reaches without signing in.
SIGN_IN_PATH = "/api/v1/auth/login"
SIGNED_IN = [{"bearer": []}, {"cookie": []}]


class ErrorResponsesPlugin(BasePlugin):
    """Documents the errors every operation really answers, all in bdc's one error shape.

    Every operation: any error (``default``); signed-in routes: 401 and 403 and the two ways
    to sign in; an id in the path: 404; a JSON body: 400 (none or not JSON), 413, 415; sign-in:
    429 (throttled).
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            if path != SIGN_IN_PATH:
                operation["security"] = SIGNED_IN
                responses.setdefault("401", "UNAUTHORIZED")
                responses.setdefault("403", "FORBIDDEN")
            else:
                responses.setdefault("429", "TOO_MANY_REQUESTS")
            if "{" in (path or ""):
                responses.setdefault("404", "NOT_FOUND")
            if "requestBody" in operation:
                responses.setdefault("400", "BAD_REQUEST")
                responses.setdefault("413", "REQUEST_ENTITY_TOO_LARGE")
                responses.setdefault("415", "UNSUPPORTED_MEDIA_TYPE")


# JSON Schema (ECMA-262) for "no NUL character": a request's text never holds one (a lone
# surrogate cannot be written in UTF-8 at all, only as a JSON escape, and is refused the same).
STORABLE_TEXT_PATTERN = "^[^\\u0000]*$"


def storable_text_pattern(converter, field, **kwargs) -> dict:
    """Declare the storable-text rule (bdc/text.py) on the free-text fields of request schemas."""
    from bdc.api.schemas import StrictSchema

    owner = field
    while owner is not None and not isinstance(owner, Schema):
        owner = owner.parent
    free_text = isinstance(field, fields.String) and not isinstance(field, fields.UUID)
    # A choice or a pattern of its own already excludes NUL.
    constrained = any(isinstance(v, validate.OneOf | validate.Regexp) for v in field.validators)
    if free_text and isinstance(owner, StrictSchema) and not constrained:
        return {"pattern": STORABLE_TEXT_PATTERN}
    return {}


def exclusive_bounds(converter, field, **kwargs) -> dict:
    """``Range(min_inclusive=False)`` as OpenAPI 3.0's boolean ``exclusiveMinimum`` (apispec
    documents the bound but not that it is excluded)."""
    bounds = {}
    for rule in field.validators:
        if isinstance(rule, validate.Range):
            if rule.min is not None and not rule.min_inclusive:
                bounds["exclusiveMinimum"] = True
            if rule.max is not None and not rule.max_inclusive:
                bounds["exclusiveMaximum"] = True
    return bounds


class JsonErrorApi(Api):
    """flask-smorest Api whose errors all share bdc's ``{"error": {...}}`` shape, documented so."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return error_body(error)

    def _init_spec(self, **kwargs):
        kwargs["extra_plugins"] = [*kwargs.get("extra_plugins", ()), ErrorResponsesPlugin()]
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_attribute_function(storable_text_pattern)
        self.ma_plugin.converter.add_attribute_function(exclusive_bounds)
        self.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
        self.spec.components.security_scheme(
            "cookie", {"type": "apiKey", "in": "cookie", "name": "bdc_session"}
        )

    def _register_pagination_header(self):
        # The header's value is JSON text, so the document declares a string, not an object.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": 'JSON: {"total", "total_pages", "first_page", "last_page", '
                '"page", "previous_page", "next_page"}',
                "schema": {"type": "string"},
            },
            lazy=True,
        )


api = JsonErrorApi()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL for concurrent readers, foreign keys on, full fsync: an acknowledged tap is on disk.

    The busy timeout is sqlite3's ``timeout`` (BDC_DATABASE_BUSY_SECONDS), set at connect."""
    # isinstance, not the class's module: the engine's connections are
    # bdc.sqlite_writes.SerializedWritesConnection, a sqlite3.Connection of another module.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
