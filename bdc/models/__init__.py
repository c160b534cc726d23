"""SQLAlchemy 2 typed models. No Flask request code lives here."""

from bdc.models.audit import AuditEntry
from bdc.models.people import ROLES, Assignment, AuthToken, Client, LoginFailure, User
from bdc.models.programming import PHASE_KINDS, Phase, Plan, Target
from bdc.models.recording import (
    INCIDENT_TYPES,
    SESSION_KINDS,
    SESSION_ROLES,
    Event,
    Incident,
    Session,
    SessionValue,
)

__all__ = [
    "INCIDENT_TYPES",
    "PHASE_KINDS",
    "ROLES",
    "SESSION_KINDS",
    "SESSION_ROLES",
    "Assignment",
    "AuditEntry",
    "AuthToken",
    "Client",
    "Event",
    "Incident",
    "LoginFailure",
    "Phase",
    "Plan",
    "Session",
    "SessionValue",
    "Target",
    "User",
]
