"""Clients, their caseload assignments, targets and plans."""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from bdc.api.base import protected_blueprint
from bdc.api.schemas import (
    AssignmentAnswerSchema,
    AssignmentSchema,
    ClientSchema,
    ClientUpdateSchema,
    PlanSchema,
    TargetSchema,
)
from bdc.auth import check_id, client_or_404
from bdc.services import caseload, programs

blp = protected_blueprint("clients", __name__, "Clients and their programs")


@blp.route("/clients")
class Clients(MethodView):
    @blp.response(200, ClientSchema(many=True))
    def get(self):
        """The clients on my caseload (every client for directors and admins)."""
        return caseload.list_clients(g.user)

    @blp.arguments(ClientSchema)
    @blp.response(201, ClientSchema)
    def post(self, fields):
        return caseload.create_client(g.user, fields)


@blp.route("/clients/<uuid:client_id>")
class OneClient(MethodView):
    @blp.response(200, ClientSchema)
    def get(self, client_id):
        return caseload.read_client(client_or_404(g.user, client_id))

    @blp.arguments(ClientUpdateSchema)
    @blp.response(200, ClientSchema)
    def patch(self, changes, client_id):
        """Change a client; ``active: false`` deactivates (clients are never deleted)."""
        return caseload.update_client(g.user, client_or_404(g.user, client_id), changes)


@blp.route("/clients/<uuid:client_id>/assignments")
class Assignments(MethodView):
    @blp.response(200, AssignmentAnswerSchema(many=True))
    def get(self, client_id):
        return caseload.list_assignments(client_or_404(g.user, client_id))

    @blp.arguments(AssignmentSchema)
    @blp.response(201, AssignmentAnswerSchema)
    def post(self, fields, client_id):
        client = client_or_404(g.user, client_id)
        return caseload.assign(g.user, client, str(fields["user_id"]))


@blp.route("/clients/<uuid:client_id>/assignments/<uuid:user_id>")
class OneAssignment(MethodView):
    @blp.response(204)
    def delete(self, client_id, user_id):
        client = client_or_404(g.user, client_id)
        caseload.unassign(g.user, client, check_id(user_id, "user_id"))


@blp.route("/clients/<uuid:client_id>/targets")
class ClientTargets(MethodView):
    @blp.response(200, TargetSchema(many=True))
    def get(self, client_id):
        return programs.list_targets(client_or_404(g.user, client_id))

    @blp.arguments(TargetSchema)
    @blp.response(201, TargetSchema)
    def post(self, fields, client_id):
        return programs.create_target(g.user, client_or_404(g.user, client_id), fields)


@blp.route("/clients/<uuid:client_id>/plans")
class ClientPlans(MethodView):
    @blp.response(200, PlanSchema(many=True))
    def get(self, client_id):
        return programs.list_plans(client_or_404(g.user, client_id))

    @blp.arguments(PlanSchema)
    @blp.response(201, PlanSchema)
    def post(self, fields, client_id):
        return programs.create_plan(g.user, client_or_404(g.user, client_id), fields)
