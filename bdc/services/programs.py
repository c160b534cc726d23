"""Targets, their phases, and versioned behaviour intervention plans."""

from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import func, select

from bdc import audit
from bdc.auth import can_see_client, check_id, require_edit
from bdc.extensions import db
from bdc.measurement_params import ParamsError, validate_mastery, validate_params
from bdc.models import Client, Phase, Plan, Target, User
from bdc.models.base import new_id
from bdc.services import session_values


def list_targets(client: Client, *, include_inactive: bool = False) -> list[Target]:
    query = select(Target).where(Target.client_id == client.id).order_by(Target.name)
    if not include_inactive:
        query = query.where(Target.active.is_(True))
    audit.record("read", "target", client_id=client.id)
    return list(db.session.scalars(query))


def read_target(target: Target) -> Target:
    audit.record("read", "target", resource_id=target.id, client_id=target.client_id)
    return target


def _apply_measurement_rules(measurement: str, direction: str, fields: dict) -> dict:
    """Params and mastery must suit the measurement (bdc.measurement_params); 422 otherwise."""
    fields = dict(fields)
    try:
        if "params" in fields:
            fields["params"] = validate_params(measurement, fields["params"])
    except ParamsError as error:
        abort(422, message="Invalid params.", fields={"params": {error.key: [error.message]}})
    try:
        if fields.get("mastery") is not None:
            fields["mastery"] = validate_mastery(measurement, direction, fields["mastery"])
    except ParamsError as error:
        abort(422, message="Invalid mastery.", fields={"mastery": {error.key: [error.message]}})
    if fields.get("aim") is not None:  # dates to text for the JSON column
        fields["aim"] = {k: v.isoformat() if "date" in k else v for k, v in fields["aim"].items()}
    return fields


def create_target(user: User, client: Client, fields: dict) -> Target:
    require_edit(user)
    fields = _apply_measurement_rules(fields["measurement"], fields["direction"], fields)
    target = Target(client_id=client.id, **fields)
    db.session.add(target)
    db.session.flush()
    audit.record("create", "target", resource_id=target.id, client_id=client.id)
    return target


def update_target(user: User, target: Target, changes: dict) -> Target:
    require_edit(user)
    direction = changes.get("direction", target.direction)
    if "direction" in changes and "mastery" not in changes:
        changes["mastery"] = (
            target.mastery
        )  # re-check the stored criterion against the new direction
    changes = _apply_measurement_rules(target.measurement, direction, changes)
    params_changed = "params" in changes and changes["params"] != target.params
    for key, value in changes.items():
        setattr(target, key, value)
    if params_changed:  # they shape stored details (planned intervals, prompt levels, steps)
        session_values.refresh_target(target.id)
    audit.record(
        "update",
        "target",
        resource_id=target.id,
        client_id=target.client_id,
        detail={"fields": sorted(changes)},
    )
    return target


def add_phase(user: User, target: Target, fields: dict) -> Phase:
    require_edit(user)
    phase = Phase(target_id=target.id, created_by=user.id, **fields)
    db.session.add(phase)
    db.session.flush()
    audit.record("create", "phase", resource_id=phase.id, client_id=target.client_id)
    return phase


def list_plans(client: Client) -> list[Plan]:
    audit.record("read", "plan", client_id=client.id)
    return list(
        db.session.scalars(
            select(Plan).where(Plan.client_id == client.id).order_by(Plan.series_id, Plan.version)
        )
    )


def read_plan(plan: Plan) -> Plan:
    audit.record("read", "plan", resource_id=plan.id, client_id=plan.client_id)
    return plan


def create_plan(user: User, client: Client, fields: dict) -> Plan:
    require_edit(user)
    plan = Plan(client_id=client.id, series_id=new_id(), version=1, created_by=user.id, **fields)
    db.session.add(plan)
    db.session.flush()
    audit.record("create", "plan", resource_id=plan.id, client_id=client.id)
    return plan


def revise_plan(user: User, plan: Plan, fields: dict) -> Plan:
    """A change to a plan adds the next version of its series; earlier versions stay as they were.

    Fidelity sessions name the exact version they scored, so old versions must not change.
    """
    require_edit(user)
    latest = db.session.scalar(
        select(func.max(Plan.version)).where(Plan.series_id == plan.series_id)
    )
    db.session.execute(
        Plan.__table__.update().where(Plan.series_id == plan.series_id).values(active=False)
    )
    revised = Plan(
        client_id=plan.client_id,
        series_id=plan.series_id,
        version=latest + 1,
        created_by=user.id,
        **fields,
    )
    db.session.add(revised)
    db.session.flush()
    audit.record(
        "create",
        "plan",
        resource_id=revised.id,
        client_id=plan.client_id,
        detail={"version": revised.version, "series_id": plan.series_id},
    )
    return revised


def plan_or_404(user: User, plan_id: str) -> Plan:
    plan_id = check_id(plan_id)
    plan = db.session.get(Plan, plan_id)
    if plan is None or not can_see_client(user, plan.client_id):
        abort(404, message="No such plan.")
    return plan
