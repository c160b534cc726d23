"""Critical incident reports: read, sign off (directors, admins), amend; never edit.

Reports are filed from the PWA through ``POST /sync`` (offline too); this blueprint is what
happens to them afterwards. docs/quality.md.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from bdc.api.base import protected_blueprint
from bdc.api.incident_schemas import AmendmentSchema, IncidentQuerySchema, IncidentSchema
from bdc.auth import client_or_404
from bdc.services import incidents

blp = protected_blueprint("incidents", __name__, "Critical incident reports")


@blp.route("/clients/<uuid:client_id>/incidents")
class ClientIncidents(MethodView):
    @blp.arguments(IncidentQuerySchema, location="query")
    @blp.response(200, IncidentSchema(many=True))
    def get(self, query, client_id):
        """The latest revision of each of a client's incident reports, newest first."""
        return incidents.list_incidents(
            client_or_404(g.user, client_id),
            status=query.get("status"),
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
        )


@blp.route("/incidents/<uuid:incident_id>")
class OneIncident(MethodView):
    @blp.response(200, IncidentSchema)
    def get(self, incident_id):
        """One revision, with the history of its report."""
        return incidents.read_incident(incidents.incident_or_404(g.user, incident_id))


@blp.route("/incidents/<uuid:incident_id>/sign-off")
class SignOff(MethodView):
    @blp.response(200, IncidentSchema)
    def post(self, incident_id):
        """Sign off the latest revision (directors and admins). A signature is final."""
        return incidents.sign_off(g.user, incidents.incident_or_404(g.user, incident_id))


@blp.route("/incidents/<uuid:incident_id>/amendments")
class Amendments(MethodView):
    @blp.arguments(AmendmentSchema)
    @blp.response(201, IncidentSchema)
    def post(self, changes, incident_id):
        """Amend the latest revision: a new revision; the amended one never changes."""
        return incidents.amend(g.user, incidents.incident_or_404(g.user, incident_id), changes)
