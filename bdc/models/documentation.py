"""The documentation a clinic is audited on: session notes, supervision, training (BST).

A session note is a chain of revisions, like an incident report: the original (revision 1)
and its amendments, each a row naming the row it amends. A signed row never changes
(bdc.services.notes guards it); its co-signature is the only thing added later, once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bdc.extensions import db
from bdc.models.base import UTCDateTime, id_column, utcnow

CONTACT_FORMATS = ("individual", "group")
TRAINEE_KINDS = ("staff", "caregiver")


class SessionNote(db.Model):
    """One revision of a session's note: the drafted data summary and what a person wrote."""

    __tablename__ = "session_notes"
    __table_args__ = (UniqueConstraint("session_id", "revision"),)

    id: Mapped[str] = id_column()  # made on the device, so a note drafted offline keeps its id
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    amends_id: Mapped[str | None] = mapped_column(ForeignKey("session_notes.id"))
    amendment_reason: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # drafted from the data
    presentation: Mapped[str] = mapped_column(Text, default="")
    barriers: Mapped[str] = mapped_column(Text, default="")
    caregiver_involvement: Mapped[str] = mapped_column(Text, default="")
    plan_next: Mapped[str] = mapped_column(Text, default="")
    cosign_required: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signer_name: Mapped[str | None] = mapped_column(String(120))
    signer_credential: Mapped[str | None] = mapped_column(String(120))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    cosigned_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    cosigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cosigner_name: Mapped[str | None] = mapped_column(String(120))
    cosigner_credential: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SupervisionContact(db.Model):
    """One supervision contact of a supervisor with a technician (docs/supervision.md)."""

    __tablename__ = "supervision_contacts"
    __table_args__ = (Index("ix_supervision_supervisee_day", "supervisee_id", "day"),)

    id: Mapped[str] = id_column()
    supervisor_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    supervisee_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    day: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(12))
    client_present: Mapped[bool] = mapped_column(Boolean, default=False)
    observed_session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id"))
    fidelity_session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id"))
    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainingRecord(db.Model):
    """A behavioral skills training (BST) given to a staff member or a client's caregiver."""

    __tablename__ = "training_records"

    id: Mapped[str] = id_column()
    trainer_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    trainee_kind: Mapped[str] = mapped_column(String(12))  # staff or caregiver
    trainee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"), index=True)
    caregiver: Mapped[str] = mapped_column(String(120), default="")  # a role: "mother"
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"))
    skill: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    instructions: Mapped[bool] = mapped_column(Boolean, default=False)
    modelling: Mapped[bool] = mapped_column(Boolean, default=False)
    rehearsal: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CompetencyCheck(db.Model):
    """A competency checklist scored like a fidelity checklist (steps correct / applicable)."""

    __tablename__ = "competency_checks"

    id: Mapped[str] = id_column()
    assessor_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    trainee_kind: Mapped[str] = mapped_column(String(12))
    trainee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"), index=True)
    caregiver: Mapped[str] = mapped_column(String(120), default="")
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"))
    training_id: Mapped[str | None] = mapped_column(ForeignKey("training_records.id"))
    skill: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    scores: Mapped[list[bool | None]] = mapped_column(JSON, default=list)
    percent: Mapped[float | None] = mapped_column()
    criterion: Mapped[float] = mapped_column(default=90.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


AUDIT_CHECKS = ("note_signed_in_time", "data_complete", "ioa_where_due", "fidelity_where_due")


class ChartAudit(db.Model):
    """A director's chart audit: a random sample of the period's sessions, drawn once.

    The seed is kept so the draw can be repeated from the same population (docs/supervision.md).
    """

    __tablename__ = "chart_audits"

    id: Mapped[str] = id_column()
    drawn_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date, index=True)
    sample_size: Mapped[int] = mapped_column(Integer)  # asked for; fewer when fewer sessions
    population: Mapped[int] = mapped_column(Integer)  # sessions the sample was drawn from
    seed: Mapped[str] = mapped_column(String(32))
    ioa_standard: Mapped[float] = mapped_column(default=20.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChartAuditItem(db.Model):
    """One sampled session: what the server computed, and the director's answers."""

    __tablename__ = "chart_audit_items"
    __table_args__ = (UniqueConstraint("audit_id", "session_id"),)

    id: Mapped[str] = id_column()
    audit_id: Mapped[str] = mapped_column(ForeignKey("chart_audits.id"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"))
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # {check: true | false | null (not due)} for each of AUDIT_CHECKS
    prefill: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # None until reviewed
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NoteShare(db.Model):
    """A BCBA's decision that the caregivers linked to the client may read a session's note
    (its latest signed revision). A row of its own: a signed note never changes."""

    __tablename__ = "note_shares"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    shared_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
