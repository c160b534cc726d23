"""Supervision of technicians: contacts a supervisor logs, and monthly compliance.

- **Who.** BCBAs and directors log contacts with technicians and therapists. A BCBA's
  supervisees are the technicians and therapists who share a client with the BCBA's caseload,
  plus anyone the BCBA logged a contact with that month; a director's are every technician
  and therapist; a technician sees only their own month.
- **Service hours** of a technician in a month: the summed length (end minus start) of the
  primary observation sessions they recorded that started in the month (UTC, as every date
  in bdc).
- **Compliance** is :func:`bdc.supervision_rules.month_compliance` against the clinic's rules
  (``BDC_SUPERVISION_*``; default the BACB's RBT requirements). docs/supervision.md.

A contact may link an observed session and a fidelity session; both must be sessions the
supervisor can see, recorded (observed) by or about the supervisee. Contacts carry only ids,
numbers and topics; the audit entry of a contact names the client of its linked session.
"""

from __future__ import annotations

import csv
import io
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_smorest import abort
from sqlalchemy import or_, select

from bdc import audit
from bdc.auth import SEES_ALL, can_see_client, check_id
from bdc.dates import local_today, within_days
from bdc.extensions import db
from bdc.models import Assignment, Session, SupervisionContact, User
from bdc.reports.export import safe_text
from bdc.services import quality
from bdc.supervision_rules import Contact, MonthCompliance, SupervisionRules, month_compliance

SUPERVISORS = frozenset({"bcba", "director"})
SUPERVISED = frozenset({"technician", "therapist"})
CSV_COLUMNS = (
    "month",
    "supervisee",
    "role",
    "service_hours",
    "supervised_minutes",
    "supervised_percent",
    "contacts",
    "individual_contacts",
    "observed_contacts",
    "met",
    "still_needed",
)


def rules() -> SupervisionRules:
    """The clinic's rules from the configuration (defaults: BACB RBT requirements)."""
    config = current_app.config
    return SupervisionRules(
        min_percent=float(config["SUPERVISION_MIN_PERCENT"]),
        min_contacts=int(config["SUPERVISION_MIN_CONTACTS"]),
        min_individual=int(config["SUPERVISION_MIN_INDIVIDUAL"]),
        min_observed=int(config["SUPERVISION_MIN_OBSERVED"]),
    )


def month_span(month: str | None) -> tuple[date, date, str]:
    """First and last day of ``month`` (YYYY-MM, default this month), and its label."""
    today = local_today()
    if month is None:
        year, number = today.year, today.month
    else:
        year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    last = date(year, number, monthrange(year, number)[1])
    return first, last, f"{year:04d}-{number:02d}"


# --- contacts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactView:
    row: SupervisionContact
    fidelity_percent: float | None

    def __getattr__(self, name):
        return getattr(self.row, name)


def _fidelity(rows: list[SupervisionContact]) -> dict[str, float | None]:
    ids = [r.fidelity_session_id for r in rows if r.fidelity_session_id]
    if not ids:
        return {}
    sessions = list(db.session.scalars(select(Session).where(Session.id.in_(ids))))
    return {s.session.id: s.percent for s in quality.score_fidelity_sessions(sessions)}


def _views(rows: list[SupervisionContact]) -> list[ContactView]:
    scores = _fidelity(rows)
    return [ContactView(r, scores.get(r.fidelity_session_id)) for r in rows]


def _linked_session(user: User, session_id, field: str) -> Session | None:
    """A session named in the body: missing and invisible answer the same 422."""
    if session_id is None:
        return None
    session = db.session.get(Session, str(session_id))
    if session is None or not can_see_client(user, session.client_id):
        abort(422, message="No such session.", fields={field: ["No such session."]})
    return session


def log_contact(user: User, fields: dict) -> ContactView:
    """Record a contact (BCBAs and directors). Re-sending the same id answers the stored one."""
    if user.role not in SUPERVISORS:
        abort(403, message="Only a BCBA or a director logs supervision contacts.")
    contact_id = str(fields.pop("id")) if fields.get("id") else None
    if contact_id is not None:
        existing = db.session.get(SupervisionContact, contact_id)
        if existing is not None:
            if existing.supervisor_id != user.id:
                abort(409, message="That contact id is already used.")
            return _views([existing])[0]
    supervisee = db.session.get(User, str(fields["supervisee_id"]))
    if supervisee is None or supervisee.role not in SUPERVISED:
        abort(
            422,
            message="Supervision contacts are with technicians and therapists.",
            fields={"supervisee_id": ["Not a technician or therapist."]},
        )
    if fields["day"] > local_today():  # the clinic's day, as the device dates it
        abort(422, message="A contact cannot be in the future.", fields={"day": ["In the future."]})
    observed = _linked_session(user, fields["observed_session_id"], "observed_session_id")
    if observed is not None and observed.observer_id != supervisee.id:
        abort(
            422,
            message="The observed session must be one the supervisee recorded.",
            fields={"observed_session_id": ["Not recorded by the supervisee."]},
        )
    fidelity = _linked_session(user, fields["fidelity_session_id"], "fidelity_session_id")
    if fidelity is not None and (fidelity.kind != "fidelity" or fidelity.staff_id != supervisee.id):
        abort(
            422,
            message="The fidelity session must be a fidelity check of the supervisee.",
            fields={"fidelity_session_id": ["Not a fidelity check of the supervisee."]},
        )
    linked = observed or fidelity
    contact = SupervisionContact(
        supervisor_id=user.id,
        supervisee_id=supervisee.id,
        day=fields["day"],
        minutes=fields["minutes"],
        format=fields["format"],
        client_present=fields["client_present"],
        observed_session_id=observed.id if observed else None,
        fidelity_session_id=fidelity.id if fidelity else None,
        client_id=linked.client_id if linked else None,
        topics=list(fields["topics"]),
    )
    if contact_id is not None:
        contact.id = contact_id
    db.session.add(contact)
    db.session.flush()
    audit.record(
        "create",
        "supervision_contact",
        resource_id=contact.id,
        client_id=contact.client_id,
        detail={"supervisee_id": supervisee.id, "minutes": contact.minutes},
    )
    return _views([contact])[0]


def _may_read(user: User, contact: SupervisionContact) -> bool:
    if user.role in SEES_ALL:
        return True
    if user.id in (contact.supervisor_id, contact.supervisee_id):
        return True
    return user.role == "bcba" and contact.supervisee_id in caseload_staff(user)


def contact_or_404(user: User, contact_id: str) -> SupervisionContact:
    contact = db.session.get(SupervisionContact, check_id(contact_id))
    if contact is None or not _may_read(user, contact):
        abort(404, message="No such supervision contact.")
    return contact


def read_contact(contact: SupervisionContact) -> ContactView:
    audit.record("read", "supervision_contact", resource_id=contact.id, client_id=contact.client_id)
    return _views([contact])[0]


def list_contacts(user: User, month: str | None, supervisee_id: str | None) -> list[ContactView]:
    """The month's contacts the caller may read, oldest first."""
    first, last, _ = month_span(month)
    query = select(SupervisionContact).where(
        SupervisionContact.day >= first, SupervisionContact.day <= last
    )
    if supervisee_id is not None:
        query = query.where(SupervisionContact.supervisee_id == str(supervisee_id))
    if user.role not in SEES_ALL:
        mine = [SupervisionContact.supervisor_id == user.id]
        mine.append(SupervisionContact.supervisee_id == user.id)
        if user.role == "bcba":
            mine.append(SupervisionContact.supervisee_id.in_(caseload_staff(user)))
        query = query.where(or_(*mine))
    rows = list(
        db.session.scalars(query.order_by(SupervisionContact.day, SupervisionContact.created_at))
    )
    audit.record_many("read", "supervision_contact", (r.client_id for r in rows if r.client_id))
    return _views(rows)


# --- compliance ------------------------------------------------------------------------------


def caseload_staff(user: User) -> set[str]:
    """Technicians and therapists who share a client with ``user``'s caseload."""
    clients = select(Assignment.client_id).where(Assignment.user_id == user.id)
    return set(
        db.session.scalars(
            select(User.id)
            .join(Assignment, Assignment.user_id == User.id)
            .where(Assignment.client_id.in_(clients), User.role.in_(SUPERVISED))
        )
    )


def _supervisees(user: User, first: date, last: date) -> list[User]:
    if user.role in SUPERVISED:
        return [user]
    if user.role in SEES_ALL:
        ids = set(db.session.scalars(select(User.id).where(User.role.in_(SUPERVISED))))
    elif user.role == "bcba":
        ids = caseload_staff(user) | set(
            db.session.scalars(
                select(SupervisionContact.supervisee_id).where(
                    SupervisionContact.supervisor_id == user.id,
                    SupervisionContact.day >= first,
                    SupervisionContact.day <= last,
                )
            )
        )
    else:
        abort(403, message="Your role does not allow this.")
    people = db.session.scalars(select(User).where(User.id.in_(ids)))
    return sorted(people, key=lambda u: ((u.display_name or u.username).lower(), u.id))


def service_minutes(user_ids: list[str], first: date, last: date) -> dict[str, float]:
    """Minutes of primary observation sessions each user recorded, started in first..last."""
    minutes: dict[str, float] = defaultdict(float)
    rows = db.session.execute(
        select(Session.observer_id, Session.started_at, Session.ended_at).where(
            Session.observer_id.in_(user_ids),
            Session.role == "primary",
            Session.kind == "observation",
            Session.ended_at.is_not(None),
            *within_days(Session.started_at, first, last),
        )
    )
    for observer, started, ended in rows:
        minutes[observer] += max(0.0, (ended - started).total_seconds() / 60)
    return minutes


@dataclass(frozen=True)
class ComplianceRow:
    supervisee: User
    month: MonthCompliance

    def __getattr__(self, name):
        return getattr(self.month, name)

    @property
    def supervisee_id(self) -> str:
        return self.supervisee.id

    @property
    def name(self) -> str:
        return self.supervisee.display_name or self.supervisee.username

    @property
    def role(self) -> str:
        return self.supervisee.role

    @property
    def service_hours(self) -> float:
        return round(self.month.service_minutes / 60, 2)


def compliance(user: User, month: str | None) -> dict:
    """Each supervisee's month (to date, for the current month) against the clinic's rules."""
    first, last, label = month_span(month)
    through = min(last, local_today())
    people = _supervisees(user, first, last)
    ids = [p.id for p in people]
    minutes = service_minutes(ids, first, last)
    contacts: dict[str, list[Contact]] = defaultdict(list)
    for row in db.session.scalars(
        select(SupervisionContact).where(
            SupervisionContact.supervisee_id.in_(ids),
            SupervisionContact.day >= first,
            SupervisionContact.day <= last,
        )
    ):
        contacts[row.supervisee_id].append(
            Contact(
                minutes=row.minutes,
                individual=row.format == "individual",
                client_present=row.client_present,
            )
        )
    clinic_rules = rules()
    rows = [
        ComplianceRow(p, month_compliance(minutes.get(p.id, 0.0), contacts[p.id], clinic_rules))
        for p in people
    ]
    audit.record("read", "supervision_compliance", detail={"month": label, "staff": len(rows)})
    return {"month": label, "through": through, "rules": clinic_rules, "supervisees": rows}


def compliance_csv(user: User, month: str | None) -> tuple[bytes, str]:
    """The compliance table as CSV (UTF-8 with BOM, CRLF), for a director's records."""
    result = compliance(user, month)
    buf = io.StringIO(newline="")
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(CSV_COLUMNS)
    for row in result["supervisees"]:
        out.writerow(
            [
                result["month"],
                safe_text(row.name),
                row.role,
                row.service_hours,
                row.supervised_minutes,
                "" if row.supervised_percent is None else round(row.supervised_percent, 2),
                row.contacts,
                row.individual_contacts,
                row.observed_contacts,
                "true" if row.met else "false",
                "; ".join(row.needs),
            ]
        )
    return buf.getvalue().encode("utf-8-sig"), f"supervision-{result['month']}.csv"
