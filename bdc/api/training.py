"""Behavioral skills training records and competency checks (staff and caregivers).

Thin views over :mod:`bdc.services.training`. docs/supervision.md.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from bdc.api.base import binary_doc, file_response, protected_blueprint
from bdc.api.schemas_documentation import (
    AssignableStaffSchema,
    CompetencyAnswerSchema,
    CompetencyCheckSchema,
    StaffCompetencySchema,
    TrainingAnswerSchema,
    TrainingQuerySchema,
    TrainingSchema,
)
from bdc.auth import client_or_404
from bdc.reports import CONTENT_TYPES
from bdc.services import training

blp = protected_blueprint(
    "training", __name__, "Behavioral skills training (BST) and competency checks"
)


@blp.route("/training/records")
class TrainingRecords(MethodView):
    @blp.arguments(TrainingQuerySchema, location="query")
    @blp.response(200, TrainingAnswerSchema(many=True))
    def get(self, query):
        """Training records the caller may read, in date order."""
        return training.list_training(g.user, query)

    @blp.arguments(TrainingSchema)
    @blp.response(201, TrainingAnswerSchema)
    def post(self, fields):
        """Record a BST session (therapists, BCBAs, directors)."""
        return training.record_training(g.user, fields)


@blp.route("/training/competency")
class CompetencyChecks(MethodView):
    @blp.arguments(TrainingQuerySchema, location="query")
    @blp.response(200, CompetencyAnswerSchema(many=True))
    def get(self, query):
        """Competency checks in date order; filter by person and plan or skill to follow
        one person's competency over time."""
        return training.list_checks(g.user, query)

    @blp.arguments(CompetencyCheckSchema)
    @blp.response(201, CompetencyAnswerSchema)
    def post(self, fields):
        """Score a competency checklist like a fidelity checklist (correct / applicable)."""
        return training.record_check(g.user, fields)


@blp.route("/training/competency.png")
class CompetencyGraph(MethodView):
    @blp.arguments(TrainingQuerySchema, location="query")
    @blp.response(200, content_type=CONTENT_TYPES["png"])
    @binary_doc(blp, CONTENT_TYPES["png"], "Competency over time (PNG)")
    def get(self, query):
        """The checks that ``GET /training/competency`` lists, as a graph: percent per check
        over time, one path per person, against the criterion."""
        png = training.competency_graph(g.user, query)
        return file_response(png, CONTENT_TYPES["png"], "competency.png")


@blp.route("/clients/<uuid:client_id>/competency")
class ClientCompetency(MethodView):
    @blp.response(200, StaffCompetencySchema(many=True))
    def get(self, client_id):
        """Each staff member on the client's caseload × each active plan: the latest
        competency check (what a director looks at when assigning staff)."""
        return training.client_competency(client_or_404(g.user, client_id))


@blp.route("/clients/<uuid:client_id>/assignable-staff")
class AssignableStaff(MethodView):
    @blp.response(200, AssignableStaffSchema(many=True))
    def get(self, client_id):
        """Every active technician, therapist and BCBA, whether they are on the client's
        caseload, and their competency on each active plan (bcba, director, admin)."""
        return training.assignable_staff(g.user, client_or_404(g.user, client_id))
