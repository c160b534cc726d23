"""Schemas of clinical programming and quality (bdc/api/quality.py): protocols, mastery review,
fidelity, the dashboard. docs/quality.md describes every figure."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from bdc.api.schemas import AimSchema, PhaseSchema, StrictSchema, TargetSchema
from bdc.api.schemas_documentation import ChartDashboardSchema
from bdc.protocols import KINDS
from bdc.services import quality


class ProtocolQuerySchema(StrictSchema):
    kind = fields.Str(validate=validate.OneOf(KINDS))


class ProtocolVersionQuerySchema(StrictSchema):
    version = fields.Int(validate=validate.Range(min=1))


class ProtocolSummarySchema(Schema):
    id = fields.Str()
    version = fields.Int()
    kind = fields.Str()
    title = fields.Str()
    source = fields.List(fields.Str())
    status = fields.Str()
    versions = fields.List(fields.Int())


class ProtocolSchema(ProtocolSummarySchema):
    body = fields.Dict(metadata={"description": "The whole protocol file (protocols/README.md)"})


class TargetOverridesSchema(StrictSchema):
    name = fields.Str(validate=validate.Length(min=1, max=200))
    mastery = fields.Dict(
        allow_none=True, metadata={"description": "Merged over the protocol's; null removes it"}
    )
    aim = fields.Nested(AimSchema, allow_none=True)


class TargetFromProtocolSchema(StrictSchema):
    protocol_id = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    version = fields.Int(validate=validate.Range(min=1))
    overrides = fields.Nested(TargetOverridesSchema)


class PlanOverridesSchema(StrictSchema):
    title = fields.Str(validate=validate.Length(max=200))
    criterion = fields.Float(validate=validate.Range(0, 100, min_inclusive=False))


class PlanFromProtocolSchema(StrictSchema):
    protocol_id = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    version = fields.Int(validate=validate.Range(min=1))
    overrides = fields.Nested(PlanOverridesSchema)


class CriterionReviewSchema(StrictSchema):
    phase = fields.Nested(
        PhaseSchema, metadata={"description": "The next phase, confirmed with this review"}
    )


class ReviewedTargetSchema(TargetSchema):
    criterion_met_session_id = fields.Str(dump_only=True, allow_none=True)
    criterion_reviewed_by = fields.Str(dump_only=True, allow_none=True)


class RangeQuerySchema(StrictSchema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")


class DashboardQuerySchema(RangeQuerySchema):
    bcba_id = fields.UUID()
    ioa_standard = fields.Float(load_default=20.0, validate=validate.Range(0, 100))
    agreement_standard = fields.Float(load_default=80.0, validate=validate.Range(0, 100))
    stale_days = fields.Int(load_default=7, validate=validate.Range(1, 365))


class DashboardCsvQuerySchema(DashboardQuerySchema):
    table = fields.Str(required=True, validate=validate.OneOf(quality.CSV_TABLES))


# answers: fidelity

_percent = {"allow_none": True}


class FidelityFiguresSchema(Schema):
    sessions = fields.Int()
    scored_sessions = fields.Int()
    mean_percent = fields.Float(**_percent)
    min_percent = fields.Float(**_percent)
    max_percent = fields.Float(**_percent)
    mean_all_or_nothing_by_trial = fields.Float(**_percent)
    mean_all_or_nothing_by_component = fields.Float(**_percent)
    sessions_meeting_criterion = fields.Int()
    percent_sessions_meeting_criterion = fields.Float(**_percent)


class FidelityPlanSchema(FidelityFiguresSchema):
    client_id = fields.Str()
    client_code = fields.Str()
    plan_id = fields.Str()
    series_id = fields.Str()
    version = fields.Int()
    title = fields.Str()
    criterion = fields.Float()
    meets_criterion = fields.Bool(allow_none=True)
    links = fields.Dict()


class FidelityStaffSchema(FidelityFiguresSchema):
    staff_id = fields.Str(allow_none=True)
    username = fields.Str()
    display_name = fields.Str()
    plans = fields.Int()
    links = fields.Dict()


class FidelitySessionSchema(Schema):
    session_id = fields.Str()
    date = fields.Date()
    started_at = fields.AwareDateTime()
    plan_id = fields.Str()
    plan_version = fields.Int()
    staff_id = fields.Str(allow_none=True)
    observer_id = fields.Str()
    percent = fields.Float(**_percent)
    all_or_nothing_by_trial = fields.Float(**_percent)
    all_or_nothing_by_component = fields.Float(**_percent)
    opportunities = fields.Int()
    steps = fields.Int()
    criterion = fields.Float()
    meets_criterion = fields.Bool(allow_none=True)
    links = fields.Dict()


class ClientFidelitySchema(Schema):
    client_id = fields.Str()
    date_from = fields.Date(data_key="from", attribute="from")
    date_to = fields.Date(data_key="to", attribute="to")
    by_plan = fields.List(fields.Nested(FidelityPlanSchema))
    by_staff = fields.List(fields.Nested(FidelityStaffSchema))
    sessions = fields.List(fields.Nested(FidelitySessionSchema))


# answers: dashboard


class ScopeSchema(Schema):
    date_from = fields.Date(data_key="from", attribute="from")
    date_to = fields.Date(data_key="to", attribute="to")
    bcba_id = fields.Str(allow_none=True)
    clients = fields.Int()
    ioa_standard = fields.Float()
    agreement_standard = fields.Float()
    stale_days = fields.Int()


class IoaPairSchema(Schema):
    primary_id = fields.Str()
    reliability_id = fields.Str()
    date = fields.Date()
    agreement = fields.Float(**_percent)
    meets_standard = fields.Bool(allow_none=True)
    link = fields.Str()


class IoaRowSchema(Schema):
    client_id = fields.Str()
    client_code = fields.Str()
    target_id = fields.Str()
    target = fields.Str()
    phase_id = fields.Str(allow_none=True)
    phase = fields.Str(allow_none=True)
    phase_kind = fields.Str(allow_none=True)
    sessions = fields.Int()
    sessions_with_ioa = fields.Int()
    percent_with_ioa = fields.Float()
    meets_ioa_standard = fields.Bool()
    pairs = fields.Int()
    mean_agreement = fields.Float(**_percent)
    min_agreement = fields.Float(**_percent)
    max_agreement = fields.Float(**_percent)
    meets_agreement_standard = fields.Bool(allow_none=True)
    ioa_sessions = fields.List(fields.Nested(IoaPairSchema))
    links = fields.Dict()


class IoaSummarySchema(Schema):
    ioa_standard = fields.Float()
    agreement_standard = fields.Float()
    sessions = fields.Int()
    sessions_with_ioa = fields.Int()
    percent_with_ioa = fields.Float(**_percent)
    target_phases = fields.Int()
    target_phases_meeting_ioa_standard = fields.Int()
    pairs = fields.Int()
    pairs_with_agreement = fields.Int()
    mean_agreement = fields.Float(**_percent)
    pairs_below_agreement_standard = fields.Int()


class IoaSectionSchema(Schema):
    summary = fields.Nested(IoaSummarySchema)
    rows = fields.List(fields.Nested(IoaRowSchema))


class FidelitySectionSchema(Schema):
    summary = fields.Nested(FidelityFiguresSchema)
    by_plan = fields.List(fields.Nested(FidelityPlanSchema))
    by_staff = fields.List(fields.Nested(FidelityStaffSchema))


class DelaySchema(Schema):
    events = fields.Int()
    median_minutes = fields.Float(allow_none=True)
    p90_minutes = fields.Float(allow_none=True)
    percent_within_24h = fields.Float(**_percent)
    clock_ahead_events = fields.Int()


class DelayStaffSchema(DelaySchema):
    staff_id = fields.Str()
    username = fields.Str()
    display_name = fields.Str()


class LateSessionSchema(Schema):
    session_id = fields.Str()
    client_id = fields.Str()
    client_code = fields.Str()
    max_delay_minutes = fields.Float()
    link = fields.Str()


class TimelinessSchema(Schema):
    summary = fields.Nested(DelaySchema)
    by_staff = fields.List(fields.Nested(DelayStaffSchema))
    late_sessions = fields.List(fields.Nested(LateSessionSchema))


class WeekSchema(Schema):
    week_start = fields.Date()
    sessions = fields.Int()


class ClientSessionsSchema(Schema):
    client_id = fields.Str()
    client_code = fields.Str()
    sessions = fields.Int()
    sessions_per_week = fields.Float()
    weeks = fields.List(fields.Nested(WeekSchema))
    links = fields.Dict()


class StaleTargetSchema(Schema):
    client_id = fields.Str()
    client_code = fields.Str()
    target_id = fields.Str()
    target = fields.Str()
    last_data_date = fields.Date(allow_none=True)
    days_without_data = fields.Int()
    links = fields.Dict()


class UnreviewedSchema(Schema):
    client_id = fields.Str()
    client_code = fields.Str()
    target_id = fields.Str()
    target = fields.Str()
    criterion_met_at = fields.Date()
    criterion_met_session_id = fields.Str(allow_none=True)
    days_waiting = fields.Int()
    links = fields.Dict()


class IncidentCountSchema(Schema):
    type = fields.Str()
    open = fields.Int()
    signed_off = fields.Int()
    total = fields.Int()


class IncidentRowSchema(Schema):
    incident_id = fields.Str()
    root_id = fields.Str()
    client_id = fields.Str()
    client_code = fields.Str()
    type = fields.Str()
    occurred_at = fields.AwareDateTime()
    duration_minutes = fields.Float(allow_none=True)
    revision = fields.Int()
    status = fields.Str()
    signed_off_at = fields.AwareDateTime(allow_none=True)
    link = fields.Str()


class IncidentSectionSchema(Schema):
    by_type = fields.List(fields.Nested(IncidentCountSchema))
    rows = fields.List(fields.Nested(IncidentRowSchema))


class DashboardSchema(Schema):
    scope = fields.Nested(ScopeSchema)
    ioa = fields.Nested(IoaSectionSchema)
    fidelity = fields.Nested(FidelitySectionSchema)
    timeliness = fields.Nested(TimelinessSchema)
    sessions = fields.List(fields.Nested(ClientSessionsSchema))
    stale = fields.List(fields.Nested(StaleTargetSchema))
    unreviewed = fields.List(fields.Nested(UnreviewedSchema))
    incidents = fields.Nested(IncidentSectionSchema)
    chart_audits = fields.Nested(
        ChartDashboardSchema,
        metadata={"description": "Chart audits ending in the range (docs/supervision.md)"},
    )
