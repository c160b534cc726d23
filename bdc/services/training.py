"""Behavioral skills training (BST) and competency checks, for staff and caregivers.

- A **training record** says who trained whom, on which plan or skill, for how long, and which
  BST components were used: instructions, modelling, rehearsal, feedback.
- A **competency check** scores a checklist of steps (true, false, or null = not applicable)
  exactly like a fidelity checklist (:func:`bdc.analysis.fidelity_percent`) against a
  criterion (the plan's, else 90 %). A person's checks for one plan or skill, in date order,
  are their competency over time (JSON, or a PNG graph drawn like a fidelity graph).
- Trainers and assessors: therapists, BCBAs and directors. A caregiver is recorded by role
  ("mother", "grandfather"), with the client whose caregiver they are; staff by user id.

Visibility: directors and admins see everything; anyone sees what they recorded and what
was recorded about them; a BCBA also sees the staff who share a client with their caseload.
Caregiver records are also bound to the client: off the caller's caseload they do not exist.
docs/supervision.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_smorest import abort
from sqlalchemy import or_, select

from bdc import audit, drawing
from bdc.analysis import fidelity_percent
from bdc.auth import SEES_ALL, can_see_client, require_edit, visible_client_ids
from bdc.dates import local_today
from bdc.extensions import db
from bdc.models import Assignment, Client, CompetencyCheck, Plan, TrainingRecord, User
from bdc.reports import FidelityPoint, fidelity_chart
from bdc.services.supervision import caseload_staff

TRAINERS = frozenset({"therapist", "bcba", "director"})
TRAINED_STAFF = frozenset({"technician", "therapist", "bcba"})
DEFAULT_CRITERION = 90.0
BST_COMPONENTS = ("instructions", "modelling", "rehearsal", "feedback")


def _refuse(field: str, message: str):
    abort(422, message=message, fields={field: [message]})


def _trainee(user: User, fields: dict) -> dict:
    """The trainee columns from the body, checked: a staff member, or a client's caregiver."""
    kind = fields["trainee_kind"]
    if kind == "staff":
        trainee = db.session.get(User, str(fields.get("trainee_id") or ""))
        if trainee is None or trainee.role not in TRAINED_STAFF:
            _refuse("trainee_id", "Not a technician, therapist or BCBA.")
        if fields.get("client_id") or fields.get("caregiver"):
            _refuse("caregiver", "Staff training names no caregiver or client.")
        return {"trainee_id": trainee.id, "client_id": None, "caregiver": ""}
    if fields.get("trainee_id"):
        _refuse("trainee_id", "A caregiver is not a user; give client_id and caregiver.")
    client_id = str(fields.get("client_id") or "")
    if not client_id or db.session.get(Client, client_id) is None:
        _refuse("client_id", "No such client.")
    if not can_see_client(user, client_id):
        _refuse("client_id", "No such client.")
    if not fields.get("caregiver"):
        _refuse("caregiver", "Say which caregiver (e.g. 'mother').")
    return {"trainee_id": None, "client_id": client_id, "caregiver": fields["caregiver"]}


def _plan(user: User, plan_id, client_id: str | None) -> Plan | None:
    if plan_id is None:
        return None
    plan = db.session.get(Plan, str(plan_id))
    if plan is None or not can_see_client(user, plan.client_id):
        _refuse("plan_id", "No such plan.")
    if client_id is not None and plan.client_id != client_id:
        _refuse("plan_id", "The plan is another client's.")
    return plan


def _subject(user: User, fields: dict) -> tuple[dict, Plan | None]:
    """Who was trained (trainee columns) and on which plan, for a trainer; the day is past."""
    if user.role not in TRAINERS:
        abort(403, message="Only a therapist, a BCBA or a director records training.")
    trainee = _trainee(user, fields)
    plan = _plan(user, fields.get("plan_id"), trainee["client_id"])
    if fields["day"] > local_today():  # the clinic's day, as the device dates it
        _refuse("day", "In the future.")
    return trainee, plan


def _audit(action: str, resource: str, row) -> None:
    audit.record(action, resource, resource_id=row.id, client_id=row.client_id)


def record_training(user: User, fields: dict) -> TrainingRecord:
    trainee, plan = _subject(user, fields)
    if not any(fields[c] for c in BST_COMPONENTS):
        _refuse("instructions", "Name at least one BST component used.")
    record = TrainingRecord(
        trainer_id=user.id,
        trainee_kind=fields["trainee_kind"],
        plan_id=plan.id if plan else None,
        skill=fields.get("skill") or (plan.title or plan.function if plan else ""),
        day=fields["day"],
        minutes=fields["minutes"],
        **{c: fields[c] for c in BST_COMPONENTS},
        **trainee,
    )
    if not record.skill:
        _refuse("skill", "Name the skill (or give a plan).")
    db.session.add(record)
    db.session.flush()
    _audit("create", "training", record)
    return record


@dataclass(frozen=True)
class CheckView:
    row: CompetencyCheck

    def __getattr__(self, name):
        return getattr(self.row, name)

    @property
    def meets(self) -> bool | None:
        return None if self.row.percent is None else self.row.percent >= self.row.criterion


def record_check(user: User, fields: dict) -> CheckView:
    """Score a competency checklist; the steps default to the plan's checklist.

    Re-sending the same ``id`` (a check scored offline, sent again from the outbox) answers
    the stored check.
    """
    trainee, plan = _subject(user, fields)
    check_id = str(fields["id"]) if fields.get("id") else None
    if check_id is not None:
        existing = db.session.get(CompetencyCheck, check_id)
        if existing is not None:
            if existing.assessor_id != user.id:
                abort(409, message="That competency check id is already used.")
            return CheckView(existing)
    steps = fields.get("steps") or (list(plan.checklist) if plan else [])
    if not steps:
        _refuse("steps", "Give the checklist's steps (or a plan that has them).")
    scores = fields["scores"]
    if len(scores) != len(steps):
        _refuse("scores", f"One score per step: {len(steps)} expected, {len(scores)} given.")
    training_id = fields.get("training_id")
    if training_id is not None:
        training = db.session.get(TrainingRecord, str(training_id))
        if training is None or not _may_read(user, training):
            _refuse("training_id", "No such training record.")
    criterion = fields.get("criterion")
    check = CompetencyCheck(
        **({"id": check_id} if check_id else {}),
        assessor_id=user.id,
        trainee_kind=fields["trainee_kind"],
        plan_id=plan.id if plan else None,
        training_id=str(training_id) if training_id else None,
        skill=fields.get("skill") or (plan.title or plan.function if plan else "") or "checklist",
        day=fields["day"],
        steps=list(steps),
        scores=list(scores),
        percent=fidelity_percent(scores),
        criterion=criterion
        if criterion is not None
        else (plan.criterion if plan else DEFAULT_CRITERION),
        **trainee,
    )
    db.session.add(check)
    db.session.flush()
    _audit("create", "competency", check)
    return CheckView(check)


# --- reading ---------------------------------------------------------------------------------


def _may_read(user: User, row) -> bool:
    if row.client_id is not None and not can_see_client(user, row.client_id):
        return False
    if user.role in SEES_ALL or row.client_id is not None:
        return True
    author = getattr(row, "trainer_id", None) or getattr(row, "assessor_id", None)
    if user.id in (author, row.trainee_id):
        return True
    return user.role == "bcba" and row.trainee_id in caseload_staff(user)


def _visible(user: User, model, author_column):
    """Conditions selecting the rows of ``model`` that ``user`` may read."""
    caregiver = model.client_id.in_(visible_client_ids(user))
    if user.role in SEES_ALL:
        return [or_(model.client_id.is_(None), caregiver)]
    staff = [author_column == user.id, model.trainee_id == user.id]
    if user.role == "bcba":
        staff.append(model.trainee_id.in_(caseload_staff(user)))
    return [or_(caregiver, *staff)]


def list_training(user: User, query: dict) -> list[TrainingRecord]:
    statement = select(TrainingRecord).where(
        *_visible(user, TrainingRecord, TrainingRecord.trainer_id)
    )
    statement = _filtered(statement, TrainingRecord, query)
    rows = list(db.session.scalars(statement.order_by(TrainingRecord.day, TrainingRecord.id)))
    audit.record_many("read", "training", (r.client_id for r in rows if r.client_id))
    return rows


def list_checks(user: User, query: dict) -> list[CheckView]:
    """Competency checks in date order: with ``trainee_id`` (or ``client_id`` and
    ``caregiver``) and ``plan_id`` or ``skill``, one person's competency over time."""
    statement = select(CompetencyCheck).where(
        *_visible(user, CompetencyCheck, CompetencyCheck.assessor_id)
    )
    statement = _filtered(statement, CompetencyCheck, query)
    rows = list(db.session.scalars(statement.order_by(CompetencyCheck.day, CompetencyCheck.id)))
    audit.record_many("read", "competency", (r.client_id for r in rows if r.client_id))
    return [CheckView(r) for r in rows]


def competency_graph(user: User, query: dict) -> bytes:
    """The checks of :func:`list_checks` as a PNG: percent per check over time, one path per
    person, against the criterion (the latest check's), drawn like a fidelity graph."""
    checks = list_checks(user, query)
    people = {
        u.id: u.display_name or u.username
        for u in db.session.scalars(
            select(User).where(User.id.in_({c.trainee_id for c in checks if c.trainee_id}))
        )
    }
    codes = dict(
        db.session.execute(
            select(Client.id, Client.code).where(
                Client.id.in_({c.client_id for c in checks if c.client_id})
            )
        ).all()
    )
    points = [
        FidelityPoint(
            x=c.day,
            percent=c.percent,
            staff=people[c.trainee_id] if c.trainee_id else f"{c.caregiver} ({codes[c.client_id]})",
            plan=c.skill,
        )
        for c in checks
    ]
    skills = sorted({c.skill for c in checks})
    title = "Competency" + (f": {skills[0]}" if len(skills) == 1 else "")
    criterion = checks[-1].criterion if checks else DEFAULT_CRITERION
    return drawing.render(
        drawing.sketch(fidelity_chart, points, criterion=criterion, title=title), "png"
    )


def _filtered(statement, model, query: dict):
    for name in ("trainee_id", "client_id", "plan_id"):
        if query.get(name) is not None:
            statement = statement.where(getattr(model, name) == str(query[name]))
    for name in ("caregiver", "skill"):
        if query.get(name):
            statement = statement.where(getattr(model, name) == query[name])
    return statement


@dataclass(frozen=True)
class StaffCompetency:
    """A staff member's latest competency check on one of the client's plans (or none)."""

    user_id: str
    name: str
    role: str
    plan_id: str
    plan_title: str
    last_checked: object  # date | None
    percent: float | None
    criterion: float
    meets: bool | None
    checks: int


def _competency_rows(client: Client, staff: list[User]) -> list[StaffCompetency]:
    """Per active plan of the client and each of ``staff``: the latest check (or none)."""
    plans = list(
        db.session.scalars(
            select(Plan)
            .where(Plan.client_id == client.id, Plan.active.is_(True))
            .order_by(Plan.created_at, Plan.id)
        )
    )
    series = [p.series_id for p in plans]
    checks: dict[tuple[str, str], list[CompetencyCheck]] = {}
    for check, series_id in db.session.execute(
        select(CompetencyCheck, Plan.series_id)
        .join(Plan, Plan.id == CompetencyCheck.plan_id)
        .where(Plan.series_id.in_(series), CompetencyCheck.trainee_kind == "staff")
        .order_by(CompetencyCheck.day, CompetencyCheck.created_at)
    ):
        checks.setdefault((check.trainee_id, series_id), []).append(check)
    out = []
    for plan in plans:
        for person in staff:
            mine = checks.get((person.id, plan.series_id), [])
            last = mine[-1] if mine else None
            out.append(
                StaffCompetency(
                    user_id=person.id,
                    name=person.display_name or person.username,
                    role=person.role,
                    plan_id=plan.id,
                    plan_title=plan.title or plan.function,
                    last_checked=last.day if last else None,
                    percent=last.percent if last else None,
                    criterion=last.criterion if last else plan.criterion,
                    meets=CheckView(last).meets if last else None,
                    checks=len(mine),
                )
            )
    return out


def client_competency(client: Client) -> list[StaffCompetency]:
    """Per active plan of the client and staff member on its caseload: the latest check."""
    staff = list(
        db.session.scalars(
            select(User)
            .join(Assignment, Assignment.user_id == User.id)
            .where(Assignment.client_id == client.id, User.role.in_(TRAINED_STAFF))
            .order_by(User.username)
        )
    )
    rows = _competency_rows(client, staff)
    audit.record("read", "competency", client_id=client.id)
    return rows


@dataclass(frozen=True)
class AssignableStaff:
    """An active technician, therapist or BCBA, whether they are on the client's caseload,
    and their competency on each of the client's active plans."""

    user_id: str
    username: str
    name: str
    role: str
    assigned: bool
    competency: list[StaffCompetency]


def assignable_staff(user: User, client: Client) -> list[AssignableStaff]:
    """The staff who may be assigned to ``client``: what a director looks at when assigning.

    For those who edit caseloads (BCBAs, directors, admins), as assigning is.
    """
    require_edit(user)
    staff = list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_(TRAINED_STAFF))
            .order_by(User.role, User.username)
        )
    )
    assigned = set(
        db.session.scalars(select(Assignment.user_id).where(Assignment.client_id == client.id))
    )
    per_person: dict[str, list[StaffCompetency]] = {}
    for row in _competency_rows(client, staff):
        per_person.setdefault(row.user_id, []).append(row)
    audit.record("read", "assignment", client_id=client.id)
    audit.record("read", "competency", client_id=client.id)
    return [
        AssignableStaff(
            user_id=person.id,
            username=person.username,
            name=person.display_name or person.username,
            role=person.role,
            assigned=person.id in assigned,
            competency=per_person.get(person.id, []),
        )
        for person in staff
    ]
