"""What is recorded: sessions, their immutable events, and critical incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bdc.extensions import db
from bdc.models.base import UTCDateTime, id_column, utcnow

SESSION_ROLES = ("primary", "reliability")
SESSION_KINDS = ("observation", "fidelity")
INCIDENT_TYPES = ("restraint", "seclusion", "injury", "elopement", "property_damage", "other")


class Session(db.Model):
    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_client_started", "client_id", "started_at"),)

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"))
    observer_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(12), default="primary")
    kind: Mapped[str] = mapped_column(String(12), default="observation")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    setting: Mapped[str] = mapped_column(String(120), default="")
    device_id: Mapped[str] = mapped_column(String(120), default="")
    target_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"))
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    # Set when several learners were recorded on one screen: each learner still has a session
    # of their own (IOA, measures and permissions see ordinary sessions), linked by this id.
    group_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # The functional-analysis condition run in this session ("attention", "escape", "tangible",
    # "alone", "play" or a named one); None for a session that is not part of an FA.
    fa_condition: Mapped[str | None] = mapped_column(String(60))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SessionSetting(db.Model):
    """One name of the clinic's list of session settings, as a director keeps it. While the
    table is empty the configured list is the clinic's (bdc.session_settings)."""

    __tablename__ = "session_settings"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class Event(db.Model):
    """One recorded fact. Never updated or deleted: a correction is a ``void`` event."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_target_t", "target_id", "t"),)

    id: Mapped[str] = id_column()
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    target_id: Mapped[str | None] = mapped_column(ForeignKey("targets.id"))
    kind: Mapped[str] = mapped_column(String(20))
    t: Mapped[datetime] = mapped_column(UTCDateTime)  # device time
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # server time
    recorded_by: Mapped[str] = mapped_column(ForeignKey("users.id"))


class Incident(db.Model):
    """A critical incident report. After sign-off it is never edited, only amended."""

    __tablename__ = "incidents"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    reported_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[float | None] = mapped_column()
    type: Mapped[str] = mapped_column(String(20))
    antecedents: Mapped[str] = mapped_column(Text, default="")
    deescalation: Mapped[list[str]] = mapped_column(JSON, default=list)
    injuries: Mapped[str] = mapped_column(Text, default="")
    notified: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    amends_id: Mapped[str | None] = mapped_column(ForeignKey("incidents.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    signed_off_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SessionValue(db.Model):
    """One target's value in one session, as :func:`bdc.measures.measure_session` gives it.

    Derived data, written by :mod:`bdc.services.session_values` in the same transaction as
    whatever changed its inputs (new events, a void, the session's times, the target's
    measurement parameters). A row exists for every observation session that tracked the
    target or holds events for it; ``value`` is None when the measure has no value (nothing
    to average, an untracked target whose events were all voided, or events that cannot be
    measured: ``details["problem"]`` says why).
    """

    __tablename__ = "session_values"
    __table_args__ = (Index("ix_session_values_target_session", "target_id", "session_id"),)

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    target_id: Mapped[str] = mapped_column(ForeignKey("targets.id"), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    n: Mapped[int] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    measures_version: Mapped[int] = mapped_column(Integer)
