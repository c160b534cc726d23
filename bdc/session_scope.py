"""The request boundary commits once: on success, or not at all."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, g, has_request_context
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Conflict

from bdc.errors import error_body
from bdc.extensions import db

CHANGED_MEANWHILE = "That changed at the same time elsewhere; please retry."


def at_commit(write: Callable[[], None]) -> None:
    """Make ``write`` just before the request's commit (at once outside a request).

    On SQLite a transaction takes the database's single write lock at its first write and keeps
    it until commit. A read that records its audit entry first and then renders a chart for
    seconds would hold the lock all that time, and concurrent writes would time out; deferred,
    the write is still in the same transaction, just last.
    """
    if has_request_context():
        g.setdefault("writes_at_commit", []).append(write)
    else:
        write()


def commit_at_request_end(app: Flask) -> None:
    @app.after_request
    def _commit(response):
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            for write in g.pop("writes_at_commit", ()):
                write()
            db.session.commit()
        except IntegrityError:
            # Two devices raced to create the same row; nothing was stored, a retry gets the answer.
            db.session.rollback()
            return error_body(Conflict(CHANGED_MEANWHILE))
        return response
