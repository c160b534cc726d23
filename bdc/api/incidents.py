"""Critical incident reports: read, sign off (directors, admins), amend; never edit.

Reports are filed from the PWA through ``POST /sync`` (offline too); this blueprint is what
happens to them afterwards. docs/quality.md.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from bdc.api.base import protected_blueprint
from bdc.api.schemas import StrictSchema
from bdc.auth import client_or_404
from bdc.models import INCIDENT_TYPES
from bdc.services import incidents
from bdc.sync import AwareDateTime

blp = protected_blueprint("incidents", __name__, "Critical incident reports")

STATUSES = ("open", "signed_off")


class IncidentRevisionSchema(Schema):
    id = fields.Str()
    revision = fields.Int()
    amends_id = fields.Str(allow_none=True)
    reported_by = fields.Str()
    created_at = fields.AwareDateTime()
    signed_off_by = fields.Str(allow_none=True)
    signed_off_at = fields.AwareDateTime(allow_none=True)


class IncidentSchema(IncidentRevisionSchema):
    client_id = fields.Str()
    occurred_at = fields.AwareDateTime()
    duration_minutes = fields.Float(allow_none=True)
    type = fields.Str()
    antecedents = fields.Str()
    deescalation = fields.List(fields.Str())
    injuries = fields.Str()
    notified = fields.List(fields.Str())
    description = fields.Str()
    root_id = fields.Str(metadata={"description": "The original report (revision 1)"})
    latest_id = fields.Str(metadata={"description": "The latest revision of this report"})
    superseded_by = fields.Str(allow_none=True)
    status = fields.Str(metadata={"description": "open, signed_off, or superseded"})
    history = fields.List(fields.Nested(IncidentRevisionSchema))


class IncidentQuerySchema(StrictSchema):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")


class AmendmentSchema(StrictSchema):
    """The fields that change; the others are carried over from the amended revision."""

    occurred_at = AwareDateTime()
    duration_minutes = fields.Float(allow_none=True, validate=validate.Range(0, 24 * 60))
    type = fields.Str(validate=validate.OneOf(INCIDENT_TYPES))
    antecedents = fields.Str(validate=validate.Length(max=4000))
    deescalation = fields.List(fields.Str(validate=validate.Length(max=400)))
    injuries = fields.Str(validate=validate.Length(max=4000))
    notified = fields.List(fields.Str(validate=validate.Length(max=200)))
    description = fields.Str(validate=validate.Length(max=8000))

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("An amendment must change at least one field.", "_schema")


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
