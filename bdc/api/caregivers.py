"""Caregivers linked to a client, and the clinic's list of session settings."""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from bdc.api.base import protected_blueprint
from bdc.api.schemas import (
    AssignmentAnswerSchema,
    CaregiverLinkSchema,
    SessionSettingsSchema,
    SessionSettingsUpdateSchema,
)
from bdc.auth import check_id, client_or_404
from bdc.services import caregivers

blp = protected_blueprint("caregivers", __name__, "Caregivers and session settings")


@blp.route("/clients/<uuid:client_id>/caregivers")
class ClientCaregivers(MethodView):
    @blp.response(200, AssignmentAnswerSchema(many=True))
    def get(self, client_id):
        """The caregivers linked to the client."""
        return caregivers.list_caregivers(client_or_404(g.user, client_id))

    @blp.arguments(CaregiverLinkSchema)
    @blp.response(201, AssignmentAnswerSchema)
    def post(self, fields, client_id):
        """Link a caregiver account, by ``user_id`` or ``username``, to the client (BCBAs,
        directors and admins)."""
        client = client_or_404(g.user, client_id)
        return caregivers.link(g.user, client, fields)


@blp.route("/clients/<uuid:client_id>/caregivers/<uuid:user_id>")
class OneCaregiver(MethodView):
    @blp.response(204)
    def delete(self, client_id, user_id):
        """Unlink a caregiver from the client."""
        client = client_or_404(g.user, client_id)
        caregivers.unlink(g.user, client, check_id(user_id, "user_id"))


@blp.route("/session-settings")
class SessionSettings(MethodView):
    @blp.response(200, SessionSettingsSchema)
    def get(self):
        """The settings a session may be recorded in: the clinic's list (as a director saved
        it, else ``BDC_SESSION_SETTINGS``)."""
        return caregivers.session_settings()

    @blp.arguments(SessionSettingsUpdateSchema)
    @blp.response(200, SessionSettingsSchema)
    def put(self, fields):
        """Replace the clinic's list of settings (directors and admins)."""
        return caregivers.replace_session_settings(g.user, fields["settings"])
