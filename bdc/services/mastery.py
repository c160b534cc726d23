"""Mastery automation: flag targets whose mastery criterion is met; a person confirms.

After every sync the targets that received new events are evaluated (``evaluate``).
When a target's criterion is met in its current phase, the target is marked *criterion met*
with the date of the session that completed it; nothing else changes. The phase changes only
when a BCBA (or a director or admin) reviews the flag (``review_criterion``) and adds the next
phase with it. docs/quality.md has the rules and the reasons for them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from flask_smorest import abort
from sqlalchemy import bindparam, or_, select

from bdc import audit
from bdc.analysis import evaluate_mastery
from bdc.auth import require_edit
from bdc.dates import local_day, local_today
from bdc.extensions import db
from bdc.models import Session, Target, User
from bdc.models.base import utcnow
from bdc.services import programs
from bdc.services.series import SessionValue, phase_on, target_values, zone_of_client

log = logging.getLogger("bdc")


def _window(target: Target, today: date) -> tuple[object, list[SessionValue]]:
    """The current phase and its values that a new criterion decision may rest on.

    The current phase is the one in force today; without phases, the whole series. After a
    reviewed flag, only sessions after the one that completed the reviewed criterion count,
    so a BCBA who keeps the phase gets a fresh run of sessions before the next flag.
    """
    phase = phase_on(target.phases, today)
    date_from = phase.start_date if phase is not None else None
    after = None
    if target.criterion_met_session_id is not None:
        after = db.session.get(Session, target.criterion_met_session_id)
        if after is not None:
            met_day = local_day(after.started_at, zone_of_client(target.client_id))
            date_from = met_day if date_from is None else max(date_from, met_day)
    values = [
        v
        for v in target_values(target, date_from=date_from, date_to=today, details=False)
        if v.phase_id == (phase.id if phase is not None else None)
        and (after is None or (v.started_at, v.session_id) > (after.started_at, after.id))
    ]
    return phase, values


def evaluate_target(target: Target, *, today: date | None = None) -> bool:
    """Evaluate one target's criterion; mark it met (and audit that) when it is. True if marked.

    Targets without a criterion, inactive targets and targets whose flag still waits for a
    person's review are left alone.
    """
    if not target.mastery or not target.active:
        return False
    if target.criterion_met_at is not None and target.criterion_reviewed_at is None:
        return False
    today = today or local_today(zone_of_client(target.client_id))
    phase, values = _window(target, today)
    if not values:
        return False
    criterion = target.mastery
    result = evaluate_mastery(
        [{"percent": v.value, "trials": v.n, "observer": v.observer_id} for v in values],
        criterion=criterion["percent"],
        consecutive=criterion["consecutive"],
        min_trials=criterion.get("min_trials") or 0,
        min_observers=criterion.get("min_observers") or 1,
    )
    if not result.met:
        return False
    completing = values[result.session_index - 1]
    target.criterion_met_at = completing.date
    target.criterion_met_session_id = completing.session_id
    target.criterion_reviewed_at = None
    target.criterion_reviewed_by = None
    audit.record(
        "update",
        "target",
        resource_id=target.id,
        client_id=target.client_id,
        detail={
            "criterion_met": True,
            "session_id": completing.session_id,
            "window_start_session_id": values[result.window_start - 1].session_id,
            "phase_id": phase.id if phase is not None else None,
            "automatic": True,
        },
    )
    return True


def targets_with_criteria(target_ids: Iterable[str]) -> list[Target]:
    """The given targets whose mastery criterion is to be evaluated: active, with a
    criterion, and no flag waiting for a person's review (a waiting flag is not re-evaluated)."""
    ids = sorted(set(target_ids))
    found: list[Target] = []
    for start in range(0, len(ids), 900):
        found += db.session.scalars(_TO_EVALUATE, {"ids": ids[start : start + 900]})
    return found


# built once: sync asks after every batch (docs/performance.md, "Under load, fourth pass")
_TO_EVALUATE = select(Target).where(
    Target.id.in_(bindparam("ids", expanding=True)),
    Target.mastery.is_not(None),
    Target.active.is_(True),
    or_(Target.criterion_met_at.is_(None), Target.criterion_reviewed_at.is_not(None)),
)


def evaluate(targets: Iterable[Target], *, today: date | None = None) -> list[str]:
    """Evaluate the targets' mastery criteria; answer the ids newly marked *criterion met*.

    Called at the end of every sync with the targets that received new events
    (:func:`targets_with_criteria`). A target whose stored data cannot be measured is logged
    and skipped: a sync must never fail because of this follow-up computation.
    """
    marked = []
    for target in targets:
        try:
            if evaluate_target(target, today=today):
                marked.append(target.id)
        except ValueError:
            log.exception("mastery evaluation skipped for target %s", target.id)
    return marked


def review_criterion(user: User, target: Target, fields: dict) -> Target:
    """A person confirms a *criterion met* flag, optionally adding the next phase with it.

    This is the only place where a met criterion leads to a phase change. The phase must
    start after the date the criterion was met, so the sessions that met it stay in the
    phase they were collected in.
    """
    require_edit(user)
    if target.criterion_met_at is None:
        abort(409, message="This target has no met criterion to review.")
    if target.criterion_reviewed_at is not None:
        abort(409, message="This criterion was already reviewed.")
    phase_fields = fields.get("phase")
    if phase_fields is not None and phase_fields["start_date"] <= target.criterion_met_at:
        abort(
            422,
            message="The new phase must start after the criterion was met.",
            fields={"phase": {"start_date": [f"Must be after {target.criterion_met_at}."]}},
        )
    target.criterion_reviewed_at = utcnow()
    target.criterion_reviewed_by = user.id
    phase = programs.add_phase(user, target, phase_fields) if phase_fields else None
    audit.record(
        "update",
        "target",
        resource_id=target.id,
        client_id=target.client_id,
        detail={
            "criterion_reviewed": True,
            "session_id": target.criterion_met_session_id,
            "phase_id": phase.id if phase is not None else None,
        },
    )
    if phase is not None:
        db.session.expire(target, ["phases"])  # answer with the new phase in the list
    return target
