"""Clinical programming and quality: protocols, mastery review, fidelity, the dashboard.

docs/quality.md describes every figure; the services hold the rules.
"""

from __future__ import annotations

from flask import Response, g
from flask.views import MethodView

from bdc.api.base import protected_blueprint
from bdc.api.quality_schemas import (
    ClientFidelitySchema,
    CriterionReviewSchema,
    DashboardCsvQuerySchema,
    DashboardQuerySchema,
    DashboardSchema,
    PlanFromProtocolSchema,
    ProtocolQuerySchema,
    ProtocolSchema,
    ProtocolSummarySchema,
    ProtocolVersionQuerySchema,
    RangeQuerySchema,
    ReviewedTargetSchema,
    TargetFromProtocolSchema,
)
from bdc.api.schemas import PlanSchema, TargetSchema
from bdc.auth import client_or_404, target_or_404
from bdc.services import mastery, protocol_library, quality

blp = protected_blueprint("quality", __name__, "Protocols, mastery review, fidelity, dashboard")


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
