"""What a BCBA programs for a client: targets, their phases, and behaviour intervention plans."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bdc.extensions import db
from bdc.models.base import UTCDateTime, id_column, utcnow

PHASE_KINDS = ("baseline", "intervention", "maintenance", "generalization", "condition")


class Target(db.Model):
    __tablename__ = "targets"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")
    measurement: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    direction: Mapped[str] = mapped_column(String(10), default="increase")
    mastery: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    aim: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A caregiver linked to the client may record this target at home (bdc.auth).
    home_recordable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    protocol_id: Mapped[str | None] = mapped_column(String(120))
    protocol_version: Mapped[int | None] = mapped_column(Integer)
    criterion_met_at: Mapped[date | None] = mapped_column(Date)
    criterion_met_session_id: Mapped[str | None] = mapped_column(String(36))
    criterion_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    criterion_reviewed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    phases: Mapped[list[Phase]] = relationship(
        order_by="(Phase.start_date, Phase.created_at)", back_populates="target"
    )


class Phase(db.Model):
    """A condition on a target's timeline, in force from ``start_date`` until the next phase."""

    __tablename__ = "phases"

    id: Mapped[str] = id_column()
    target_id: Mapped[str] = mapped_column(ForeignKey("targets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    target: Mapped[Target] = relationship(back_populates="phases")


class Plan(db.Model):
    """One version of a behaviour intervention plan; a change adds a version to the series."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("series_id", "version"),)

    id: Mapped[str] = id_column()
    series_id: Mapped[str] = mapped_column(String(36), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    function: Mapped[str] = mapped_column(String(40))
    strategies: Mapped[list[str]] = mapped_column(JSON, default=list)
    checklist: Mapped[list[str]] = mapped_column(JSON, default=list)
    criterion: Mapped[float] = mapped_column(default=90.0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    protocol_id: Mapped[str | None] = mapped_column(String(120))
    protocol_version: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
