"""One JSON error shape for everything under ``/api``: ``{"error": {code, message, fields}}``."""

from __future__ import annotations

import logging

from flask import jsonify, request
from marshmallow import Schema
from marshmallow import fields as ma_fields
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
)

log = logging.getLogger("bdc")

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}

# How long a client should wait when the database is busy (a lock held longer than the wait).
BUSY_RETRY_SECONDS = 5
# PostgreSQL: lock_not_available, serialization_failure, deadlock_detected.
_BUSY_PGCODES = frozenset({"55P03", "40001", "40P01"})


def database_busy(error: BaseException) -> bool:
    """A database error that passes if the client tries again shortly."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.orig, "sqlstate", None) in _BUSY_PGCODES:
        return True
    return "database is locked" in str(error.orig) or "database is busy" in str(error.orig)


class ErrorDetailSchema(Schema):
    code = ma_fields.Str(required=True, metadata={"description": "bad_request, not_found, ..."})
    message = ma_fields.Str(required=True, metadata={"description": "One sentence for a person"})
    fields = ma_fields.Dict(
        keys=ma_fields.Str(),
        required=True,
        metadata={"description": "Messages per field (a list of strings or nested objects)"},
    )


class ErrorSchema(Schema):
    """What :func:`error_body` answers, documented as every operation's error response."""

    error = ma_fields.Nested(ErrorDetailSchema, required=True)


def _flatten_fields(messages) -> dict:
    """webargs nests messages by location (``{"json": {...}}``); clients want the fields."""
    if not isinstance(messages, dict):
        return {}
    if set(messages) <= {"json", "query", "path", "form", "headers", "files", "cookies"}:
        merged: dict = {}
        for location_messages in messages.values():
            if isinstance(location_messages, dict):
                merged.update(location_messages)
        return merged
    return messages


def error_body(error: HTTPException):
    """Render an HTTP error as bdc's JSON error response."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = _flatten_fields(data.get("messages") or data.get("fields") or {})
    message = data.get("message") or error.description or ""
    if status == 422 and fields and not data.get("message"):
        message = "Some fields are invalid."
    body = {"error": {"code": CODES.get(status, "error"), "message": message, "fields": fields}}
    response = jsonify(body)
    response.status_code = status
    # werkzeug's own headers (Allow on a 405, WWW-Authenticate, ...), but not its content type.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def register_error_handlers(app) -> None:
    """JSON errors for API paths that flask-smorest never sees (unknown routes, crashes)."""

    def wants_json() -> bool:
        return request.path.startswith("/api/")

    @app.errorhandler(HTTPException)
    def _http_error(error):
        if wants_json():
            return error_body(error)
        return error

    @app.errorhandler(Exception)
    def _unexpected(error):
        if isinstance(error, RecursionError) and "decoding" in str(error):
            # JSON nested thousands deep: the parser gives up before any view runs.
            deep = BadRequest("The JSON body is nested too deeply to read.")
            return error_body(deep) if wants_json() else deep
        if database_busy(error):
            from bdc.extensions import db

            db.session.rollback()
            log.warning("database busy on %s %s", request.method, request.url_rule or "?")
            busy = ServiceUnavailable("The server is busy; nothing was saved. Try again shortly.")
            busy.retry_after = BUSY_RETRY_SECONDS
            return error_body(busy) if wants_json() else busy
        # The traceback goes to the log; request bodies (which may hold PHI) never do.
        log.exception("unhandled error on %s %s", request.method, request.url_rule or "?")
        from bdc.extensions import db

        db.session.rollback()
        generic = InternalServerError("An unexpected error occurred; nothing was saved.")
        if wants_json():
            return error_body(generic)
        return generic
