"""Reading sessions and events back, and the offline sync endpoint."""

from __future__ import annotations

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import abort

from bdc import sync
from bdc.api.base import protected_blueprint
from bdc.api.schemas import (
    EventSchema,
    SessionQuerySchema,
    SessionSchema,
    SyncAnswerSchema,
    SyncSchema,
)
from bdc.auth import client_or_404
from bdc.services import recordings

blp = protected_blueprint("sessions", __name__, "Sessions, events and offline sync")


@blp.route("/sessions")
class Sessions(MethodView):
    @blp.arguments(SessionQuerySchema, location="query")
    @blp.response(200, SessionSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Sessions on my caseload, newest first; filter by client and date."""
        client_id = query.get("client_id")
        if client_id is not None:
            client_id = client_or_404(g.user, str(client_id)).id
        sessions, total = recordings.list_sessions(
            g.user,
            client_id=client_id,
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return sessions


@blp.route("/sessions/<uuid:session_id>")
class OneSession(MethodView):
    @blp.response(200, SessionSchema)
    def get(self, session_id):
        return recordings.read_session(recordings.session_or_404(g.user, session_id))


@blp.route("/sessions/<uuid:session_id>/events")
class SessionEvents(MethodView):
    @blp.response(200, EventSchema(many=True))
    def get(self, session_id):
        return recordings.list_events(recordings.session_or_404(g.user, session_id))


@blp.route("/sync")
class Sync(MethodView):
    @blp.arguments(SyncSchema)
    @blp.response(200, SyncAnswerSchema)
    def post(self, batch):
        """Store what was recorded offline; re-sending a batch is always safe."""
        limit = current_app.config["SYNC_MAX_EVENTS"]
        if len(batch["events"]) > limit:
            abort(413, message=f"At most {limit} events a batch; send the rest in another.")
        return sync.ingest(g.user, batch)
