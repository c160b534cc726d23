"""Schemas of the critical incident reports (bdc/api/incidents.py)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from bdc.api.schemas import StrictSchema
from bdc.models import INCIDENT_TYPES
from bdc.sync import AwareDateTime

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
