"""Schemas of session notes, supervision and training (bdc/api/notes.py, supervision.py)."""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from bdc.api.schemas import StrictSchema
from bdc.models import CONTACT_FORMATS, TRAINEE_KINDS
from bdc.text import storable_text

NOTE_TEXT = 8000


def _note_text(description: str):
    return fields.Str(
        load_default="",
        validate=[validate.Length(max=NOTE_TEXT), storable_text],
        metadata={"description": description},
    )


# --- session notes -------------------------------------------------------------------------


class NoteDraftSchema(StrictSchema):
    """The whole draft (a PUT replaces it): the fields a person completes."""

    id = fields.UUID(
        required=True, metadata={"description": "The note's id, made on the device (UUID)"}
    )
    presentation = _note_text("Client presentation")
    barriers = _note_text("Barriers to the session's goals")
    caregiver_involvement = _note_text("Caregiver involvement")
    plan_next = _note_text("Plan for the next session")


class SignatureSchema(StrictSchema):
    credential = fields.Str(
        required=True,
        validate=[validate.Length(min=2, max=120), storable_text],
        metadata={"description": "The signer's credential, e.g. 'RBT' or 'BCBA 1-23-45678'"},
    )


class NoteAmendmentSchema(StrictSchema):
    """The fields that change; the others are carried over from the amended revision."""

    id = fields.UUID(metadata={"description": "The amendment's id, made on the device"})
    reason = fields.Str(
        required=True,
        validate=[validate.Length(min=3, max=2000), storable_text],
        metadata={"description": "Why the signed note is corrected"},
    )
    presentation = fields.Str(validate=[validate.Length(max=NOTE_TEXT), storable_text])
    barriers = fields.Str(validate=[validate.Length(max=NOTE_TEXT), storable_text])
    caregiver_involvement = fields.Str(validate=[validate.Length(max=NOTE_TEXT), storable_text])
    plan_next = fields.Str(validate=[validate.Length(max=NOTE_TEXT), storable_text])


class NoteRevisionSchema(Schema):
    id = fields.Str()
    revision = fields.Int()
    amends_id = fields.Str(allow_none=True)
    author_id = fields.Str()
    signed_at = fields.AwareDateTime(allow_none=True)
    cosigned_at = fields.AwareDateTime(allow_none=True)


class NoteSchema(NoteRevisionSchema):
    session_id = fields.Str()
    client_id = fields.Str()
    amendment_reason = fields.Str()
    summary = fields.Dict(
        metadata={
            "description": "Drafted from the session's data: role, kind, setting, times, "
            "minutes, targets (value, unit, n, details, phase, IOA partner), incidents, "
            "fidelity"
        }
    )
    presentation = fields.Str()
    barriers = fields.Str()
    caregiver_involvement = fields.Str()
    plan_next = fields.Str()
    status = fields.Str(
        metadata={"description": "draft, signed, awaiting_cosignature, cosigned or superseded"}
    )
    cosign_required = fields.Bool()
    signed_by = fields.Str(allow_none=True)
    signer_name = fields.Str(allow_none=True)
    signer_credential = fields.Str(allow_none=True)
    content_hash = fields.Str(
        allow_none=True, metadata={"description": "SHA-256 of the canonical signed content"}
    )
    hash_verified = fields.Bool(
        allow_none=True, metadata={"description": "The stored hash matches the content now"}
    )
    cosigned_by = fields.Str(allow_none=True)
    cosigner_name = fields.Str(allow_none=True)
    cosigner_credential = fields.Str(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    latest_id = fields.Str()
    history = fields.List(fields.Nested(NoteRevisionSchema))
    shared_with_caregivers = fields.Bool(
        metadata={"description": "A BCBA let the client's caregivers read this note"}
    )


class NoteSharingSchema(StrictSchema):
    shared = fields.Bool(
        required=True,
        truthy={True},
        falsy={False},
        metadata={"description": "true: caregivers may read the note; false: no longer"},
    )


class SharedTargetSchema(Schema):
    name = fields.Str()
    value = fields.Float(allow_none=True)
    unit = fields.Str()


class SharedNoteSchema(Schema):
    """A shared note as a caregiver reads it: the latest signed revision, no staff ids."""

    session_id = fields.Str()
    session_started_at = fields.AwareDateTime()
    revision = fields.Int()
    presentation = fields.Str()
    barriers = fields.Str()
    caregiver_involvement = fields.Str()
    plan_next = fields.Str()
    signer_name = fields.Str()
    signer_credential = fields.Str()
    signed_at = fields.AwareDateTime()
    targets = fields.List(fields.Nested(SharedTargetSchema))


class PendingQuerySchema(StrictSchema):
    older_than_days = fields.Int(
        validate=validate.Range(0, 365),
        metadata={"description": "Default: BDC_NOTE_SIGN_DAYS"},
    )
    since = fields.Date(
        metadata={"description": "Sessions without a note from this UTC day (default: 30 days)"}
    )


class PendingNoteSchema(Schema):
    status = fields.Str(metadata={"description": "missing, unsigned or awaiting_cosignature"})
    session_id = fields.Str()
    note_id = fields.Str(allow_none=True)
    client_id = fields.Str()
    client_code = fields.Str()
    staff_id = fields.Str(metadata={"description": "Who must act (observer, author, signer)"})
    staff_name = fields.Str()
    waiting_since = fields.AwareDateTime()
    days_waiting = fields.Int()


# --- supervision ---------------------------------------------------------------------------

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class MonthQuerySchema(StrictSchema):
    month = fields.Str(
        validate=validate.Regexp(_MONTH, error="Give a month as YYYY-MM."),
        metadata={"description": "A calendar month (UTC), YYYY-MM; default: this month"},
    )


class ContactQuerySchema(MonthQuerySchema):
    supervisee_id = fields.UUID()


class ContactSchema(StrictSchema):
    id = fields.UUID(metadata={"description": "Optional id made on the device (idempotent)"})
    supervisee_id = fields.UUID(required=True)
    day = fields.Date(required=True, metadata={"description": "The day of the contact"})
    minutes = fields.Int(required=True, validate=validate.Range(1, 600))
    format = fields.Str(required=True, validate=validate.OneOf(CONTACT_FORMATS))
    client_present = fields.Bool(
        load_default=False,
        metadata={"description": "The supervisor observed the technician with the client"},
    )
    observed_session_id = fields.UUID(allow_none=True, load_default=None)
    fidelity_session_id = fields.UUID(allow_none=True, load_default=None)
    topics = fields.List(
        fields.Str(validate=[validate.Length(min=1, max=200), storable_text]),
        load_default=list,
        validate=validate.Length(max=30),
    )

    @validates_schema
    def _observation_needs_the_client(self, data, **kwargs):
        if data.get("observed_session_id") and not data.get("client_present"):
            raise ValidationError(
                "An observed session means the client was present.", "client_present"
            )


class ContactAnswerSchema(Schema):
    id = fields.Str()
    supervisor_id = fields.Str()
    supervisee_id = fields.Str()
    day = fields.Date()
    minutes = fields.Int()
    format = fields.Str()
    client_present = fields.Bool()
    observed_session_id = fields.Str(allow_none=True)
    fidelity_session_id = fields.Str(allow_none=True)
    fidelity_percent = fields.Float(allow_none=True)
    client_id = fields.Str(allow_none=True)
    topics = fields.List(fields.Str())
    created_at = fields.AwareDateTime()


class RulesSchema(Schema):
    min_percent = fields.Float()
    min_contacts = fields.Int()
    min_individual = fields.Int()
    min_observed = fields.Int()
    source = fields.Str()


class ComplianceRowSchema(Schema):
    supervisee_id = fields.Str()
    name = fields.Str()
    role = fields.Str()
    service_hours = fields.Float()
    supervised_minutes = fields.Int()
    supervised_percent = fields.Float(allow_none=True)
    contacts = fields.Int()
    individual_contacts = fields.Int()
    observed_contacts = fields.Int()
    minutes_needed = fields.Int()
    contacts_needed = fields.Int()
    individual_needed = fields.Int()
    observed_needed = fields.Int()
    applies = fields.Bool()
    met = fields.Bool()
    needs = fields.List(fields.Str())


class ComplianceSchema(Schema):
    month = fields.Str()
    through = fields.Date(metadata={"description": "Last day counted (month to date)"})
    rules = fields.Nested(RulesSchema)
    supervisees = fields.List(fields.Nested(ComplianceRowSchema))


# --- training and competency ---------------------------------------------------------------


class TraineeSchema(StrictSchema):
    trainee_kind = fields.Str(required=True, validate=validate.OneOf(TRAINEE_KINDS))
    trainee_id = fields.UUID(allow_none=True, metadata={"description": "Staff: the user"})
    client_id = fields.UUID(
        allow_none=True, metadata={"description": "Caregiver: the client they care for"}
    )
    caregiver = fields.Str(
        validate=[validate.Length(max=120), storable_text],
        metadata={"description": "Caregiver: a role such as 'mother', not a name"},
    )
    plan_id = fields.UUID(allow_none=True)
    skill = fields.Str(validate=[validate.Length(max=200), storable_text])
    day = fields.Date(required=True)


class TrainingSchema(TraineeSchema):
    minutes = fields.Int(required=True, validate=validate.Range(1, 600))
    instructions = fields.Bool(load_default=False)
    modelling = fields.Bool(load_default=False)
    rehearsal = fields.Bool(load_default=False)
    feedback = fields.Bool(load_default=False)


class CompetencyCheckSchema(TraineeSchema):
    id = fields.UUID(metadata={"description": "Optional id made on the device (idempotent)"})
    steps = fields.List(
        fields.Str(validate=[validate.Length(min=1, max=400), storable_text]),
        validate=validate.Length(max=100),
        metadata={"description": "The checklist; default: the plan's checklist"},
    )
    scores = fields.List(
        fields.Bool(allow_none=True, truthy={True}, falsy={False}),  # JSON booleans only
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "One per step: true, false, or null (not applicable)"},
    )
    criterion = fields.Float(validate=validate.Range(0, 100))
    training_id = fields.UUID(allow_none=True)


class TrainingQuerySchema(StrictSchema):
    trainee_id = fields.UUID()
    client_id = fields.UUID()
    plan_id = fields.UUID()
    caregiver = fields.Str(validate=validate.Length(max=120))
    skill = fields.Str(validate=validate.Length(max=200))


class _TraineeAnswer(Schema):
    id = fields.Str()
    trainee_kind = fields.Str()
    trainee_id = fields.Str(allow_none=True)
    client_id = fields.Str(allow_none=True)
    caregiver = fields.Str()
    plan_id = fields.Str(allow_none=True)
    skill = fields.Str()
    day = fields.Date()
    created_at = fields.AwareDateTime()


class TrainingAnswerSchema(_TraineeAnswer):
    trainer_id = fields.Str()
    minutes = fields.Int()
    instructions = fields.Bool()
    modelling = fields.Bool()
    rehearsal = fields.Bool()
    feedback = fields.Bool()


class CompetencyAnswerSchema(_TraineeAnswer):
    assessor_id = fields.Str()
    training_id = fields.Str(allow_none=True)
    steps = fields.List(fields.Str())
    scores = fields.List(fields.Bool(allow_none=True))
    percent = fields.Float(allow_none=True)
    criterion = fields.Float()
    meets = fields.Bool(allow_none=True)


class StaffCompetencySchema(Schema):
    user_id = fields.Str()
    name = fields.Str()
    role = fields.Str()
    plan_id = fields.Str()
    plan_title = fields.Str()
    last_checked = fields.Date(allow_none=True)
    percent = fields.Float(allow_none=True)
    criterion = fields.Float()
    meets = fields.Bool(allow_none=True)
    checks = fields.Int()


class AssignableStaffSchema(Schema):
    user_id = fields.Str()
    username = fields.Str()
    name = fields.Str()
    role = fields.Str()
    assigned = fields.Bool(metadata={"description": "On the client's caseload"})
    competency = fields.List(
        fields.Nested(StaffCompetencySchema),
        metadata={"description": "The latest competency check on each active plan"},
    )


# --- director chart audits -----------------------------------------------------------------

CHART_AUDIT_MAX_DAYS = 366


class ChartAuditDrawSchema(StrictSchema):
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")
    sample_size = fields.Int(
        validate=validate.Range(1, 500),
        metadata={"description": "Sessions to draw; default BDC_CHART_AUDIT_SAMPLE"},
    )
    ioa_standard = fields.Float(
        load_default=20.0,
        validate=validate.Range(0, 100),
        metadata={"description": "IOA coverage (%) below which IOA was due for a session"},
    )

    @validates_schema
    def _a_period(self, data, **kwargs):
        if data["date_from"] > data["date_to"]:
            raise ValidationError("Must not be after 'to'.", "from")
        if (data["date_to"] - data["date_from"]).days + 1 > CHART_AUDIT_MAX_DAYS:
            raise ValidationError(f"At most {CHART_AUDIT_MAX_DAYS} days before 'to'.", "from")


def _check_answer(description: str):
    return fields.Bool(
        required=True,
        allow_none=True,
        truthy={True},
        falsy={False},
        metadata={"description": f"{description}: true, false, or null (not due)"},
    )


class ChartChecksSchema(StrictSchema):
    note_signed_in_time = _check_answer("Note present and signed in time")
    data_complete = _check_answer("Data complete")
    ioa_where_due = _check_answer("IOA where due")
    fidelity_where_due = _check_answer("Fidelity where due")


class ChartReviewSchema(StrictSchema):
    answers = fields.Nested(ChartChecksSchema, required=True)
    comment = fields.Str(load_default="", validate=[validate.Length(max=2000), storable_text])


class ChartFiguresSchema(Schema):
    sessions = fields.Int()
    reviewed = fields.Int()
    sessions_passing = fields.Int()
    percent_sessions_passing = fields.Float(allow_none=True)
    checks_applicable = fields.Int()
    checks_passed = fields.Int()
    percent_checks_passed = fields.Float(allow_none=True)


class ChartItemSchema(Schema):
    id = fields.Str()
    session_id = fields.Str()
    client_id = fields.Str()
    client_code = fields.Str()
    observer_id = fields.Str()
    started_at = fields.AwareDateTime()
    prefill = fields.Dict(metadata={"description": "What the server computed, per check"})
    answers = fields.Dict(allow_none=True, metadata={"description": "The director's, or null"})
    reviewed = fields.Bool()
    comment = fields.Str()
    reviewed_by = fields.Str(allow_none=True)
    reviewed_at = fields.AwareDateTime(allow_none=True)


class ChartAuditSummarySchema(Schema):
    """An audit in the list: its figures, not its sampled sessions (reading those is audited)."""

    id = fields.Str()
    drawn_by = fields.Str()
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    sample_size = fields.Int()
    population = fields.Int()
    seed = fields.Str()
    ioa_standard = fields.Float()
    created_at = fields.AwareDateTime()
    figures = fields.Nested(ChartFiguresSchema)


class ChartAuditSchema(ChartAuditSummarySchema):
    items = fields.List(fields.Nested(ChartItemSchema))


class ChartDashboardSchema(ChartFiguresSchema):
    audits = fields.Int(metadata={"description": "Chart audits whose period ends in the range"})
