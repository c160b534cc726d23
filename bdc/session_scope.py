"""The request boundary commits once: on success, or not at all."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Conflict

from bdc.errors import error_body
from bdc.extensions import db


def commit_at_request_end(app: Flask) -> None:
    @app.after_request
    def _commit(response):
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except IntegrityError:
            # Two devices raced to create the same row; nothing was stored, a retry gets the answer.
            db.session.rollback()
            return error_body(Conflict("That changed at the same time elsewhere; please retry."))
        return response
