"""Marshmallow schemas: what the API accepts and answers. Unknown fields are refused."""

from __future__ import annotations

from collections.abc import Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from bdc import dates
from bdc.measurement_params import MEASUREMENTS
from bdc.models import PHASE_KINDS, ROLES
from bdc.services import effect_sizes
from bdc.session_settings import SessionSettingField
from bdc.text import storable_text, text_problem

DIRECTIONS = ("increase", "decrease")


# Deeper than any real target parameters, mastery rule or plan; a bound for the walk below.
MAX_JSON_DEPTH = 32
TOO_DEEP = f"must not be nested more than {MAX_JSON_DEPTH} levels deep"


def unstorable_text(value, depth: int = 0):
    """Where in ``value`` (any JSON) is text no database stores as sent, or nesting too deep to
    walk: messages by key or index."""
    if isinstance(value, str):
        problem = text_problem(value)
        return [problem] if problem else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    if depth > MAX_JSON_DEPTH:
        return [TOO_DEEP]
    found = {}
    for key, item in items:
        problem = unstorable_text(key) if isinstance(key, str) else None
        inner = unstorable_text(item, depth + 1)
        if problem or inner:
            found[key] = inner or problem
    return found or None


class StrictSchema(Schema):
    """Every request schema: unknown fields refused, and text (at any depth, in any field,
    params and other JSON objects included) refused when it holds NUL or an unpaired surrogate,
    the same on SQLite and PostgreSQL (bdc/text.py). Fields that pass items through to
    bdc.sync (:class:`ItemList`) are left to it, so one bad item never sinks a batch."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _storable_text(self, data, **kwargs):
        # A JSON body is a dict; a query string arrives as a mapping of its own (webargs).
        if isinstance(data, Mapping):
            checked = {
                key: value
                for key, value in dict(data).items()
                if not isinstance(self._field_for(key), ItemList)
            }
            problems = unstorable_text(checked)
            if problems:
                raise ValidationError(problems)
        return data

    def _field_for(self, key):
        for field in self.fields.values():
            if (field.data_key or field.name) == key:
                return field
        return None


# --- auth and users -------------------------------------------------------------------------


class LoginSchema(StrictSchema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=80))
    password = fields.Str(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class UserSchema(StrictSchema):
    id = fields.Str(dump_only=True)
    username = fields.Str(
        required=True,
        validate=[validate.Length(min=2, max=80), validate.Regexp(r"^[A-Za-z0-9_.@-]+$")],
    )
    display_name = fields.Str(validate=validate.Length(max=120))
    role = fields.Str(required=True, validate=validate.OneOf(ROLES))
    active = fields.Bool()
    password = fields.Str(required=True, load_only=True, validate=validate.Length(min=10, max=200))
    language = fields.Str(dump_only=True, allow_none=True)


class UserUpdateSchema(StrictSchema):
    display_name = fields.Str(validate=validate.Length(max=120))
    role = fields.Str(validate=validate.OneOf(ROLES))
    active = fields.Bool()
    password = fields.Str(load_only=True, validate=validate.Length(min=10, max=200))


class LoginAnswerSchema(Schema):
    token = fields.Str()
    expires_at = fields.AwareDateTime()
    user = fields.Nested(UserSchema)


# --- clients -----------------------------------------------------------------------------------


def _known_zone(name: str) -> None:
    try:
        dates.zone(name)
    except ValueError as problem:
        raise ValidationError(str(problem)) from None


def _client_zone_field() -> fields.Str:
    return fields.Str(
        allow_none=True,
        validate=[validate.Length(max=64), _known_zone],
        metadata={
            "description": "The client's IANA time zone when it is not the clinic's "
            "(America/Chicago); null: the clinic's (BDC_TIME_ZONE). Every day and hour shown "
            "for the client is in it."
        },
    )


class ClientSchema(StrictSchema):
    id = fields.Str(dump_only=True)
    code = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    date_of_birth = fields.Date(allow_none=True)
    time_zone = _client_zone_field()
    active = fields.Bool(dump_only=True)


class ClientUpdateSchema(StrictSchema):
    name = fields.Str(validate=validate.Length(min=1, max=200))
    date_of_birth = fields.Date(allow_none=True)
    time_zone = _client_zone_field()
    active = fields.Bool()


class AssignmentSchema(StrictSchema):
    user_id = fields.UUID(required=True)


class CaregiverLinkSchema(StrictSchema):
    """The caregiver account to link: its id, or its username (what the admin who made the
    account hands the BCBA; BCBAs cannot list users)."""

    user_id = fields.UUID()
    username = fields.Str(validate=validate.Length(min=1, max=80))

    @validates_schema
    def _one(self, data, **kwargs):
        if ("user_id" in data) == ("username" in data):
            raise ValidationError("Give user_id or username (one of them).", "user_id")


class AssignmentAnswerSchema(Schema):
    user_id = fields.Str()
    client_id = fields.Str()
    username = fields.Function(lambda a: a.user.username)
    display_name = fields.Function(lambda a: a.user.display_name)
    role = fields.Function(lambda a: a.user.role)


class SessionSettingsSchema(Schema):
    settings = fields.List(fields.Str(), metadata={"description": "In the clinic's order"})


class SessionSettingsUpdateSchema(StrictSchema):
    settings = fields.List(
        fields.Str(validate=[validate.Length(min=1, max=120), storable_text]),
        required=True,
        validate=validate.Length(min=1, max=30),
        metadata={"description": "The whole list, in the order the start sheet offers it"},
    )

    @validates_schema
    def _distinct(self, data, **kwargs):
        names = [name.strip() for name in data.get("settings", [])]
        if any(not name for name in names):
            raise ValidationError("A setting needs a name.", "settings")
        if len({name.casefold() for name in names}) != len(names):
            raise ValidationError("Each setting once (names differ by more than case).", "settings")


# --- targets, phases, plans --------------------------------------------------------------------


class PhaseSchema(StrictSchema):
    id = fields.Str(dump_only=True)
    target_id = fields.Str(dump_only=True)
    kind = fields.Str(required=True, validate=validate.OneOf(PHASE_KINDS))
    label = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    start_date = fields.Date(required=True)


class StoredDate(fields.Date):
    """A date kept as ISO text inside a JSON column: dumps the text as it is."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


class AimSchema(StrictSchema):
    start_date = StoredDate(required=True)
    start_value = fields.Float(required=True, allow_nan=False)
    end_date = StoredDate(required=True)
    end_value = fields.Float(required=True, allow_nan=False)

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data["end_date"] <= data["start_date"]:
            raise ValidationError("must be after start_date", "end_date")


class TargetSchema(StrictSchema):
    id = fields.Str(dump_only=True)
    client_id = fields.Str(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    definition = fields.Str(load_default="", validate=validate.Length(max=4000))
    measurement = fields.Str(required=True, validate=validate.OneOf(MEASUREMENTS))
    params = fields.Dict(load_default=dict)
    direction = fields.Str(load_default="increase", validate=validate.OneOf(DIRECTIONS))
    mastery = fields.Dict(allow_none=True, load_default=None)
    aim = fields.Nested(AimSchema, allow_none=True, load_default=None)
    active = fields.Bool(load_default=True)
    home_recordable = fields.Bool(
        load_default=False, metadata={"description": "A linked caregiver may record it at home"}
    )
    protocol_id = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=120))
    protocol_version = fields.Int(allow_none=True, load_default=None)
    criterion_met_at = fields.Date(dump_only=True, allow_none=True)
    criterion_reviewed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    phases = fields.List(fields.Nested(PhaseSchema), dump_only=True)


class TargetUpdateSchema(StrictSchema):
    name = fields.Str(validate=validate.Length(min=1, max=200))
    definition = fields.Str(validate=validate.Length(max=4000))
    params = fields.Dict()
    direction = fields.Str(validate=validate.OneOf(DIRECTIONS))
    mastery = fields.Dict(allow_none=True)
    aim = fields.Nested(AimSchema, allow_none=True)
    active = fields.Bool()
    home_recordable = fields.Bool()


class PlanSchema(StrictSchema):
    id = fields.Str(dump_only=True)
    series_id = fields.Str(dump_only=True)
    version = fields.Int(dump_only=True)
    client_id = fields.Str(dump_only=True)
    title = fields.Str(load_default="", validate=validate.Length(max=200))
    function = fields.Str(
        required=True,
        validate=validate.OneOf(("attention", "escape", "tangible", "automatic", "multiple")),
    )
    strategies = fields.List(
        fields.Str(validate=validate.Length(min=1, max=400)),
        load_default=list,
        validate=validate.Length(max=50),
    )
    checklist = fields.List(
        fields.Str(validate=validate.Length(min=1, max=400)),
        required=True,
        validate=validate.Length(min=1, max=50),
    )
    criterion = fields.Float(
        load_default=90.0, validate=validate.Range(0, 100, min_inclusive=False)
    )
    active = fields.Bool(dump_only=True)
    protocol_id = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=120))
    protocol_version = fields.Int(allow_none=True, load_default=None)


# --- sessions and events -------------------------------------------------------------------


class SessionSchema(Schema):
    id = fields.Str()
    client_id = fields.Str()
    observer_id = fields.Str()
    role = fields.Str()
    kind = fields.Str()
    started_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime(allow_none=True)
    setting = fields.Str()
    device_id = fields.Str()
    target_ids = fields.List(fields.Str())
    plan_id = fields.Str(allow_none=True)
    staff_id = fields.Str(allow_none=True)
    group_id = fields.Str(
        allow_none=True, metadata={"description": "Shared by the sessions of one group session"}
    )
    fa_condition = fields.Str(
        allow_none=True,
        metadata={"description": "The functional-analysis condition run; null if not an FA"},
    )
    received_at = fields.AwareDateTime()


class EventSchema(Schema):
    id = fields.Str()
    session_id = fields.Str()
    target_id = fields.Str(allow_none=True)
    kind = fields.Str()
    t = fields.AwareDateTime()
    data = fields.Dict()
    received_at = fields.AwareDateTime()
    recorded_by = fields.Str()


class SessionQuerySchema(StrictSchema):
    client_id = fields.UUID()
    # "from" is a Python keyword, hence data_key.
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")


class ItemList(fields.List):
    """A JSON array passed through as it is: bdc.sync checks each item and rejects it alone
    (an item that is not an object included), so the document declares items of any type."""

    def __init__(self, description: str):
        super().__init__(fields.Raw(), load_default=list, metadata={"description": description})

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise ValidationError("Not a valid list.")
        return value


class SyncSchema(StrictSchema):
    """Items are checked one by one in bdc.sync, so one bad item never sinks the batch."""

    sessions = ItemList("Sessions (docs/api.md, Session)")
    events = ItemList("Events: id, session_id, target_id, kind, t, data (docs/api.md)")
    phases = ItemList("Phase changes recorded offline (bcba, director, admin)")
    incidents = ItemList("Critical incident reports")


class RejectedSchema(Schema):
    id = fields.Str(metadata={"description": "The item's id as sent ('' when it had none)"})
    reason = fields.Str(metadata={"description": "Why, in words a BCBA can act on"})
    code = fields.Str(
        metadata={
            "description": "invalid, conflict, not_found, outside_session, forbidden or pending",
            "enum": ["invalid", "conflict", "not_found", "outside_session", "forbidden", "pending"],
        }
    )
    retry = fields.Bool(
        metadata={"description": "true only for pending: send it again later, unchanged"}
    )


class IdList(fields.List):
    """Ids answered as they are: sync answers thousands, and marshmallow's string field
    item by item was a measurable part of a sync."""

    def __init__(self, **kwargs):
        super().__init__(fields.Str(), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else [str(v) for v in value]


class SyncAnswerSchema(Schema):
    accepted = IdList()
    rejected = fields.List(fields.Nested(RejectedSchema))


# --- audit ---------------------------------------------------------------------------------


class AuditQuerySchema(StrictSchema):
    client_id = fields.UUID()
    user_id = fields.UUID()
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")


class AuditEntrySchema(Schema):
    id = fields.Str()
    at = fields.AwareDateTime()
    user_id = fields.Str(allow_none=True)
    action = fields.Str()
    resource = fields.Str()
    resource_id = fields.Str(allow_none=True)
    client_id = fields.Str(allow_none=True)
    address = fields.Str(allow_none=True)
    detail = fields.Dict()


# --- analysis: a target's data and summary -----------------------------------------------------


class DateRangeQuerySchema(StrictSchema):
    # "from" is a Python keyword, hence data_key.
    date_from = fields.Date(data_key="from", metadata={"description": "First day (UTC)"})
    date_to = fields.Date(data_key="to", metadata={"description": "Last day (UTC), inclusive"})

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError("must not be before from", "to")


class TargetDataQuerySchema(DateRangeQuerySchema):
    setting = SessionSettingField(
        metadata={"description": "Only sessions recorded in this setting (BDC_SESSION_SETTINGS)"}
    )


class EffectSizeNames(fields.Str):
    """A comma-separated choice of effect sizes (``nap,tau_u,lrr``), loaded as a tuple of
    names; an unknown name is refused with the list of known ones."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return effect_sizes.parse(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class EffectSizesQuerySchema(Schema):
    """The ``effect_sizes`` query option of the summary and the progress report."""

    effect_size_names = EffectSizeNames(
        data_key="effect_sizes",
        load_default=None,
        metadata={
            "description": "Effect sizes to show, comma-separated, from: "
            f"{', '.join(effect_sizes.NAMES)}. Default: nap,tau_u, and lrr for frequency, "
            "rate and ABC targets (docs/analysis.md)"
        },
    )


class TargetSummaryQuerySchema(TargetDataQuerySchema, EffectSizesQuerySchema):
    pass


class EffectSizeSchema(Schema):
    """One effect size: the estimate, its standard error and confidence interval where the
    measure has them (null otherwise), and the wording the report prints."""

    label = fields.Str(metadata={"description": "NAP, Tau-U, LRRi, LRRd..."})
    estimate = fields.Float()
    se = fields.Float(allow_none=True)
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    confidence = fields.Float(allow_none=True, metadata={"description": "e.g. 0.95"})
    display = fields.Str(metadata={"description": "e.g. 0.92 (95% CI 0.60 to 0.99)"})


def _effect_size_field():
    return fields.Nested(EffectSizeSchema, allow_none=True)


class ComparisonSchema(Schema):
    """One phase against the baseline: the chosen effect sizes only (null when undefined,
    with the reason in ``notes``)."""

    phase_index = fields.Int()
    phase_label = fields.Str()
    baseline_n = fields.Int()
    phase_n = fields.Int()
    nap = _effect_size_field()
    tau = _effect_size_field()
    tau_u = _effect_size_field()
    tau_bc = _effect_size_field()
    pnd = _effect_size_field()
    pem = _effect_size_field()
    pand = _effect_size_field()
    ird = _effect_size_field()
    pet = _effect_size_field()
    smd = _effect_size_field()
    lrr = _effect_size_field()
    lor = _effect_size_field()
    lrm = _effect_size_field()
    pogo = _effect_size_field()
    notes = fields.Dict(keys=fields.Str(), values=fields.Str())


class ChosenEffectSizeSchema(Schema):
    name = fields.Str()
    variant = fields.Str(metadata={"description": "Which variant, with its source"})


class EffectSizesSchema(Schema):
    baseline_index = fields.Int(allow_none=True)
    direction = fields.Str()
    chosen = fields.List(fields.Nested(ChosenEffectSizeSchema))
    comparisons = fields.List(fields.Nested(ComparisonSchema))
    note = fields.Str(allow_none=True)
