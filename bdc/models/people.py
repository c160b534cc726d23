"""Staff accounts, their tokens and sign-in attempts; clients (the only PHI) and caseloads."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bdc.extensions import db
from bdc.models.base import UTCDateTime, id_column, utcnow

ROLES = ("technician", "therapist", "bcba", "director", "admin", "caregiver")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[str] = id_column()
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The app's language for this person ("es"); None: the device's or browser's language.
    language: Mapped[str | None] = mapped_column(String(16))


class AuthToken(db.Model):
    """A sign-in. Only the SHA-256 of the random token is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """One failed sign-in, kept in the database so every worker and host sees the same count."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[str] = id_column()
    key: Mapped[str] = mapped_column(String(200))  # "pair:<sha256 of username and address>"
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Client(db.Model):
    """The learner. Name and date of birth are the only PHI in the database."""

    __tablename__ = "clients"

    id: Mapped[str] = id_column()
    code: Mapped[str] = mapped_column(String(40), unique=True)  # pseudonymous, for reports
    name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The client's IANA time zone when it is not the clinic's (a caseload spanning zones);
    # None: the clinic's (bdc.dates.client_zone).
    time_zone: Mapped[str | None] = mapped_column(String(64))


class Assignment(db.Model):
    """A client on a staff member's caseload, or a caregiver's link to their child."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
