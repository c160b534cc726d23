"""SQLAlchemy 2 typed models. No Flask request code lives here."""

from bdc.models.audit import AuditEntry
from bdc.models.documentation import (
    AUDIT_CHECKS,
    CONTACT_FORMATS,
    TRAINEE_KINDS,
    ChartAudit,
    ChartAuditItem,
    CompetencyCheck,
    NoteShare,
    SessionNote,
    SupervisionContact,
    TrainingRecord,
)
from bdc.models.people import ROLES, Assignment, AuthToken, Client, LoginFailure, User
from bdc.models.programming import PHASE_KINDS, Phase, Plan, Target
from bdc.models.recording import (
    INCIDENT_TYPES,
    SESSION_KINDS,
    SESSION_ROLES,
    Event,
    Incident,
    Session,
    SessionSetting,
    SessionValue,
)

__all__ = [
    "AUDIT_CHECKS",
    "CONTACT_FORMATS",
    "INCIDENT_TYPES",
    "PHASE_KINDS",
    "ROLES",
    "SESSION_KINDS",
    "SESSION_ROLES",
    "TRAINEE_KINDS",
    "Assignment",
    "AuditEntry",
    "AuthToken",
    "ChartAudit",
    "ChartAuditItem",
    "Client",
    "CompetencyCheck",
    "Event",
    "Incident",
    "LoginFailure",
    "NoteShare",
    "Phase",
    "Plan",
    "Session",
    "SessionNote",
    "SessionSetting",
    "SessionValue",
    "SupervisionContact",
    "Target",
    "TrainingRecord",
    "User",
]
