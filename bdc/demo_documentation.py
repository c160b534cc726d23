"""The demo's documentation: session notes and supervision contacts (docs/supervision.md).

The texts are data (``bdc/demo_data/documentation.yaml``, read by :mod:`bdc.demo_specs`);
this module is the seeded process. Loaded by :func:`bdc.demo.load_demo` after the sessions,
through the real services, so every note is drafted from its session's data and every contact
passes the real checks.

- **Notes** for the primary sessions of the last ``NOTE_DAYS`` days (more than the 30 days
  the pending list looks back): most signed within a day
  of the session and co-signed by the BCBA a day or two later; the last days' notes still
  drafts or waiting for the co-signature; a few sessions with no note at all; one amended
  note. The pending list (``/notes/pending``) therefore has something in it.
- **Supervision** for each calendar month of the demo: tech1 and the therapist meet the BACB
  rules; tech2 has two group contacts only (short of an individual contact and of minutes).
  The current month has only tech1's first contact so far.
- **Training**: for each active plan, BST for the client's technician and three weekly
  competency checks rising to criterion; for the first plan, the caregiver's too.
- **A chart audit** by the director of the last four weeks: the sample reviewed as the server
  prefilled it, one missing IOA judged not due (with a comment), the last few not reviewed yet.
- **Shared notes**: the home learner's latest signed notes, shared with the family by the BCBA.
"""

from __future__ import annotations

import math
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from bdc.demo_specs import load_documentation_texts
from bdc.extensions import db
from bdc.models import Assignment, Plan, Session, SessionNote, User
from bdc.models.base import utcnow
from bdc.services import chart_audits, notes, supervision, training

__all__ = ["NOTE_DAYS", "load_documentation"]

NOTE_DAYS = 35
# The texts notes and contacts are written from: bdc/demo_data/documentation.yaml.
TEXTS = load_documentation_texts()


def _at(moment: datetime, now: datetime) -> datetime:
    return min(moment, now)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _notes(rng: random.Random, users: dict[str, User], today: date, now: datetime) -> int:
    by_id = {u.id: u for u in db.session.scalars(select(User))}
    sessions = db.session.scalars(
        select(Session)
        .where(
            Session.role == "primary",
            Session.kind == "observation",
            Session.ended_at.is_not(None),
            Session.started_at >= datetime.combine(today - timedelta(days=NOTE_DAYS), time(), UTC),
        )
        .order_by(Session.started_at, Session.id)
    ).all()
    written = 0
    amended = False
    for session in sessions:
        author = by_id[session.observer_id]
        if author.role not in TEXTS.credentials:
            continue  # a caregiver's home recording owes no note
        if rng.random() < 0.04:
            continue  # a session nobody wrote a note for
        fields = {
            "presentation": rng.choice(TEXTS.presentation),
            "barriers": rng.choice(TEXTS.barriers),
            "caregiver_involvement": rng.choice(TEXTS.caregiver_involvement),
            "plan_next": rng.choice(TEXTS.plan_next),
        }
        view = notes.save_draft(author, session, _uuid(rng), fields)
        written += 1
        age = (today - session.ended_at.date()).days
        if age <= 1 or rng.random() < 0.05:
            continue  # still a draft
        signed_at = _at(session.ended_at + timedelta(hours=rng.uniform(0.3, 20)), now)
        view = notes.sign(author, view.row, TEXTS.credentials[author.role], at=signed_at)
        if view.row.cosign_required and age > 4 and rng.random() < 0.95:
            cosigned = _at(signed_at + timedelta(hours=rng.uniform(6, 60)), now)
            notes.cosign(users["bcba"], view.row, TEXTS.credentials["bcba"], at=cosigned)
        elif not amended and author.role == "technician" and age > 4:
            amended = True
            notes.amend(
                author,
                view.row,
                _uuid(rng),
                {
                    "reason": TEXTS.amendment_reason,
                    "barriers": rng.choice(TEXTS.barriers[1:]),
                },
            )
    return written


def _months(first_day: date, today: date) -> list[str]:
    months, day = [], first_day.replace(day=1)
    while day < today:
        months.append(day.strftime("%Y-%m"))
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _contacts(rng: random.Random, users: dict[str, User], first_day: date, today: date) -> int:
    bcba = users["bcba"]
    logged = 0
    months = _months(first_day, today)
    for month in months:
        first, last, _ = supervision.month_span(month)
        first, last = max(first, first_day), min(last, today - timedelta(days=1))
        current = month == months[-1]
        staff = [users["tech1"], users["tech2"], users["therapist"]]
        service = supervision.service_minutes([u.id for u in staff], first, last)
        for person in staff:
            minutes = service.get(person.id, 0.0)
            observed = db.session.scalars(
                select(Session)
                .where(
                    Session.observer_id == person.id,
                    Session.role == "primary",
                    Session.started_at >= datetime.combine(first, time(), UTC),
                    Session.started_at < datetime.combine(last + timedelta(days=1), time(), UTC),
                )
                .order_by(Session.started_at)
            ).first()
            if observed is None or minutes <= 0:
                continue
            fidelity = db.session.scalars(
                select(Session.id).where(
                    Session.kind == "fidelity",
                    Session.staff_id == person.id,
                    Session.started_at >= datetime.combine(first, time(), UTC),
                    Session.started_at < datetime.combine(last + timedelta(days=1), time(), UTC),
                )
            ).first()
            share = (0.04, 0.0) if person.username == "tech2" else (0.032, 0.025)
            plan = [
                {
                    "format": "group" if person.username == "tech2" else "individual",
                    "minutes": math.ceil(minutes * share[0]),
                    "client_present": True,
                    "observed_session_id": observed.id,
                    "fidelity_session_id": fidelity,
                    "topics": list(TEXTS.observed_topics),
                    "day": observed.started_at.date(),
                },
                {
                    "format": "group",
                    "minutes": max(15, math.ceil(minutes * share[1])),
                    "client_present": False,
                    "observed_session_id": None,
                    "fidelity_session_id": None,
                    "topics": list(TEXTS.group_topics),
                    "day": min(last, first + timedelta(days=rng.randint(7, 20))),
                },
            ]
            if current:
                plan = plan[:1] if person.username == "tech1" else []
            for fields in plan:
                supervision.log_contact(bcba, {"supervisee_id": person.id, **fields})
                logged += 1
    return logged


def _training(rng: random.Random, users: dict[str, User], today: date) -> int:
    """For each active plan: BST for the client's technician, then three competency checks
    a week apart that improve to criterion; for the first plan, the caregiver's too."""
    bcba = users["bcba"]
    plans = db.session.scalars(
        select(Plan).where(Plan.active.is_(True)).order_by(Plan.created_at, Plan.id)
    ).all()
    checks = 0
    for n, plan in enumerate(plans):
        staff = db.session.scalars(
            select(User)
            .join(Assignment, Assignment.user_id == User.id)
            .where(Assignment.client_id == plan.client_id, User.role == "technician")
        ).all()
        trainees = [{"trainee_kind": "staff", "trainee_id": u.id} for u in staff]
        if n == 0:
            trainees.append(
                {
                    "trainee_kind": "caregiver",
                    "client_id": plan.client_id,
                    "caregiver": TEXTS.trained_caregiver,
                }
            )
        for trainee in trainees:
            start = today - timedelta(days=22)
            record = training.record_training(
                bcba,
                {
                    **trainee,
                    "plan_id": plan.id,
                    "day": start,
                    "minutes": 45,
                    **dict.fromkeys(training.BST_COMPONENTS, True),
                },
            )
            for week, share in enumerate((0.6, 0.8, 1.0)):
                steps = len(plan.checklist)
                scores = [i < round(share * steps) for i in range(steps)]
                rng.shuffle(scores)
                training.record_check(
                    bcba,
                    {
                        **trainee,
                        "plan_id": plan.id,
                        "training_id": record.id if week == 0 else None,
                        "day": start + timedelta(days=1 + 7 * week),
                        "scores": scores,
                    },
                )
                checks += 1
    return checks


def _chart_audit(users: dict[str, User], today: date) -> int:
    spec = TEXTS.chart_audit
    period = {"date_from": today - timedelta(days=28), "date_to": today - timedelta(days=1)}
    view = chart_audits.draw(
        users["director"], {**period, "sample_size": spec.sample_size}, seed="demo-2026-15"
    )
    chart = view.row
    corrected = False
    for item in view.items[: len(view.items) - spec.left_to_review]:
        answers, comment = dict(item.prefill), ""
        if not corrected and answers["ioa_where_due"] is False:
            answers["ioa_where_due"], comment, corrected = None, spec.corrected_comment, True
        chart_audits.review_item(users["director"], chart, item.row.id, answers, comment)
    return len(view.items)


def _shared_notes(users: dict[str, User]) -> int:
    parent_child = db.session.scalars(
        select(Assignment.client_id).where(Assignment.user_id == users["parent"].id)
    ).all()
    signed = db.session.scalars(
        select(SessionNote)
        .join(Session, Session.id == SessionNote.session_id)
        .where(
            SessionNote.client_id.in_(parent_child),
            SessionNote.revision == 1,
            SessionNote.signed_at.is_not(None),
        )
        .order_by(Session.started_at.desc())
        .limit(TEXTS.shared_notes)
    ).all()
    for note in signed:
        notes.share(users["bcba"], note, True)
    return len(signed)


def load_documentation(today: date, first_day: date) -> tuple[int, int]:
    """Add the demo's notes, supervision contacts and training; answers (notes, contacts)."""
    rng = random.Random(2026_15)
    users = {
        u.username: u
        for u in db.session.scalars(
            select(User).where(
                User.username.in_(["bcba", "tech1", "tech2", "therapist", "director", "parent"])
            )
        )
    }
    now = min(utcnow(), datetime.combine(today, time(), UTC))
    written = _notes(rng, users, today, now)
    contacts = _contacts(rng, users, first_day, today)
    _training(rng, users, today)
    _chart_audit(users, today)
    _shared_notes(users)
    return written, contacts
