"""One target and its phases; one plan and its versions."""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from bdc.api.base import protected_blueprint
from bdc.api.schemas import PhaseSchema, PlanSchema, TargetSchema, TargetUpdateSchema
from bdc.auth import target_or_404
from bdc.services import programs

blp = protected_blueprint("targets", __name__, "Targets, phases and plans")


@blp.route("/targets/<uuid:target_id>")
class OneTarget(MethodView):
    @blp.response(200, TargetSchema)
    def get(self, target_id):
        return programs.read_target(target_or_404(g.user, target_id))

    @blp.arguments(TargetUpdateSchema)
    @blp.response(200, TargetSchema)
    def patch(self, changes, target_id):
        return programs.update_target(g.user, target_or_404(g.user, target_id), changes)


@blp.route("/targets/<uuid:target_id>/phases")
class TargetPhases(MethodView):
    @blp.response(200, PhaseSchema(many=True))
    def get(self, target_id):
        return programs.read_target(target_or_404(g.user, target_id)).phases

    @blp.arguments(PhaseSchema)
    @blp.response(201, PhaseSchema)
    def post(self, fields, target_id):
        return programs.add_phase(g.user, target_or_404(g.user, target_id), fields)


@blp.route("/plans/<uuid:plan_id>")
class OnePlan(MethodView):
    @blp.response(200, PlanSchema)
    def get(self, plan_id):
        return programs.read_plan(programs.plan_or_404(g.user, plan_id))

    @blp.arguments(PlanSchema)
    @blp.response(201, PlanSchema)
    def put(self, fields, plan_id):
        """Revise a plan: answers the new version; earlier versions stay unchanged."""
        return programs.revise_plan(g.user, programs.plan_or_404(g.user, plan_id), fields)
