"""The paper data sheet (PDF) of a client for a day: GET /clients/<id>/datasheet.pdf."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from marshmallow import RAISE

from bdc.api.base import file_response, protected_blueprint
from bdc.api.datasheet_schemas import DatasheetQuerySchema
from bdc.auth import client_or_404
from bdc.reports import CONTENT_TYPES
from bdc.services import datasheets

blp = protected_blueprint("datasheets", __name__, "Paper data sheets (PDF) for pencil recording")


@blp.route("/clients/<uuid:client_id>/datasheet.pdf")
class ClientDatasheet(MethodView):
    @blp.arguments(DatasheetQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, content_type=CONTENT_TYPES["pdf"])
    def get(self, query, client_id):
        """A printable data sheet of the client's active targets for ``date`` (default today):
        tally boxes, interval grids, trial rows with prompt codes, ABC columns."""
        client = client_or_404(g.user, client_id)
        pdf, name = datasheets.datasheet(client, query.get("day"), g.user)
        return file_response(pdf, CONTENT_TYPES["pdf"], name)
