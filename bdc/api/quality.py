"""Clinical programming and quality: protocols, mastery review, fidelity, the dashboard.

docs/quality.md describes every figure; the services hold the rules.
"""

from __future__ import annotations

from flask import Response, g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from bdc.api.base import protected_blueprint
from bdc.api.schemas import AimSchema, PhaseSchema, PlanSchema, StrictSchema, TargetSchema
from bdc.api.schemas_documentation import ChartDashboardSchema
from bdc.auth import client_or_404, target_or_404
from bdc.protocols import KINDS
from bdc.services import mastery, protocol_library, quality

blp = protected_blueprint("quality", __name__, "Protocols, mastery review, fidelity, dashboard")


# --- schemas ---------------------------------------------------------------------------------


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


# --- protocols -------------------------------------------------------------------------------


@blp.route("/protocols")
class Protocols(MethodView):
    @blp.arguments(ProtocolQuerySchema, location="query")
    @blp.response(200, ProtocolSummarySchema(many=True))
    def get(self, query):
        """The latest published version of each protocol in the library."""
        return protocol_library.list_protocols(query.get("kind"))


@blp.route("/protocols/<protocol_id>")
class OneProtocol(MethodView):
    @blp.arguments(ProtocolVersionQuerySchema, location="query")
    @blp.response(200, ProtocolSchema)
    def get(self, query, protocol_id):
        """One protocol: the latest published version, or ``?version=``."""
        return protocol_library.read_protocol(protocol_id, query.get("version"))


@blp.route("/clients/<uuid:client_id>/targets/from-protocol")
class TargetFromProtocol(MethodView):
    @blp.arguments(TargetFromProtocolSchema)
    @blp.response(201, TargetSchema)
    def post(self, fields, client_id):
        """Create a target from a measurement protocol; it keeps the protocol's id and version."""
        return protocol_library.target_from(g.user, client_or_404(g.user, client_id), fields)


@blp.route("/clients/<uuid:client_id>/plans/from-protocol")
class PlanFromProtocol(MethodView):
    @blp.arguments(PlanFromProtocolSchema)
    @blp.response(201, PlanSchema)
    def post(self, fields, client_id):
        """Create a plan from a plan template; it keeps the protocol's id and version."""
        return protocol_library.plan_from(g.user, client_or_404(g.user, client_id), fields)


# --- mastery ---------------------------------------------------------------------------------


@blp.route("/targets/<uuid:target_id>/criterion-review")
class CriterionReview(MethodView):
    @blp.arguments(CriterionReviewSchema)
    @blp.response(200, ReviewedTargetSchema)
    def post(self, fields, target_id):
        """Confirm a met criterion, optionally with the next phase: the only automatic-to-human
        step by which mastery changes a phase."""
        return mastery.review_criterion(g.user, target_or_404(g.user, target_id), fields)


# --- fidelity and the dashboard --------------------------------------------------------------


@blp.route("/clients/<uuid:client_id>/fidelity")
class ClientFidelity(MethodView):
    @blp.arguments(RangeQuerySchema, location="query")
    @blp.response(200, ClientFidelitySchema)
    def get(self, query, client_id):
        """Fidelity per plan version, per staff member and per session, against the criterion."""
        return quality.client_fidelity(
            client_or_404(g.user, client_id), query.get("date_from"), query.get("date_to")
        )


@blp.route("/dashboard")
class Dashboard(MethodView):
    @blp.arguments(DashboardQuerySchema, location="query")
    @blp.response(200, DashboardSchema)
    def get(self, query):
        """Caseload quality figures (directors, admins; a BCBA for their own caseload)."""
        return quality.dashboard(g.user, query)


@blp.route("/dashboard.csv")
class DashboardCsv(MethodView):
    @blp.arguments(DashboardCsvQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query):
        """One dashboard table as CSV (spreadsheet formulas neutralised)."""
        text = quality.dashboard_csv(g.user, query)
        return Response(
            text,
            mimetype="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="dashboard-{query["table"]}.csv"'
            },
        )
