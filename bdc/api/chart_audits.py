"""Director chart audits: draw a random sample of sessions, review each against the checklist.

Thin views over :mod:`bdc.services.chart_audits` (directors and admins only). docs/supervision.md.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from bdc.api.base import protected_blueprint
from bdc.api.schemas_documentation import (
    ChartAuditDrawSchema,
    ChartAuditSchema,
    ChartAuditSummarySchema,
    ChartItemSchema,
    ChartReviewSchema,
)
from bdc.services import chart_audits

blp = protected_blueprint(
    "chart_audits", __name__, "Director chart audits: random samples of sessions, reviewed"
)


@blp.route("/chart-audits")
class ChartAudits(MethodView):
    @blp.response(200, ChartAuditSummarySchema(many=True))
    def get(self):
        """Every chart audit with its figures, newest period first (its sampled sessions
        are read one audit at a time)."""
        return chart_audits.list_audits(g.user)

    @blp.arguments(ChartAuditDrawSchema)
    @blp.response(201, ChartAuditSchema)
    def post(self, fields):
        """Draw ``sample_size`` ended primary sessions of ``from``..``to`` at random, each with
        the checks the server could compute prefilled."""
        return chart_audits.draw(g.user, fields)


@blp.route("/chart-audits/<uuid:audit_id>")
class OneChartAudit(MethodView):
    @blp.response(200, ChartAuditSchema)
    def get(self, audit_id):
        return chart_audits.read_audit(chart_audits.audit_or_404(g.user, audit_id))


@blp.route("/chart-audits/<uuid:audit_id>/items/<uuid:item_id>")
class ChartAuditReview(MethodView):
    @blp.arguments(ChartReviewSchema)
    @blp.response(200, ChartItemSchema)
    def put(self, review, audit_id, item_id):
        """The director's answers to one sampled session's checks (null: not due)."""
        chart = chart_audits.audit_or_404(g.user, audit_id)
        return chart_audits.review_item(
            g.user, chart, item_id, review["answers"], review["comment"]
        )
