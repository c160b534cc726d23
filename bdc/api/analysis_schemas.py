"""Query and answer schemas of the analysis reads (bdc/api/analysis.py): target data and
summary, a session's IOA, a client's FBA figures."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, validate

from bdc.api.schemas import DateRangeQuerySchema, EffectSizesSchema, StrictSchema

# --- queries -----------------------------------------------------------------------------------


class IOAQuerySchema(StrictSchema):
    bin_seconds = fields.Float(
        load_default=10.0,
        validate=validate.Range(1, 3600),
        metadata={"description": "Interval length of the count-per-interval measures"},
    )


class TimeZoneField(fields.Str):
    """An IANA time zone name (``America/Chicago``), loaded as a ``ZoneInfo``."""

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError("Unknown time zone; use an IANA name such as UTC.") from None


class FBAQuerySchema(DateRangeQuerySchema):
    target_id = fields.UUID(metadata={"description": "Only this target"})
    bin_minutes = fields.Float(
        load_default=30.0,
        validate=validate.Range(1, 720),
        metadata={"description": "Scatterplot time bin"},
    )
    tz = TimeZoneField(
        load_default=None,
        metadata={
            "description": "Time zone of the scatterplot's days and times (IANA name; "
            "default: the clinic's, BDC_TIME_ZONE)"
        },
    )
    control = fields.Str(
        load_default="play",
        validate=validate.Length(min=1, max=120),
        metadata={"description": "Control condition of a functional analysis"},
    )


# --- answers: target data and summary ------------------------------------------------------------


class _TargetHeader(Schema):
    target_id = fields.Str()
    client_id = fields.Str()
    measurement = fields.Str()
    unit = fields.Str()
    direction = fields.Str()
    date_from = fields.Date(allow_none=True)
    date_to = fields.Date(allow_none=True)


class PointSchema(Schema):
    session_id = fields.Str()
    date = fields.Date()
    started_at = fields.AwareDateTime()
    observer_id = fields.Str()
    phase_id = fields.Str(allow_none=True)
    phase_kind = fields.Str(allow_none=True)
    phase_label = fields.Str(allow_none=True)
    value = fields.Float()
    n = fields.Int(metadata={"description": "Responses, trials, steps, intervals... behind it"})
    has_ioa = fields.Bool()
    ioa_session_id = fields.Str(allow_none=True)
    setting = fields.Str(metadata={"description": 'Where the session took place ("": not stated)'})
    details = fields.Dict(metadata={"description": "Every other figure of the session"})


class TargetDataSchema(_TargetHeader):
    points = fields.List(fields.Nested(PointSchema))


Reasons = fields.Dict(keys=fields.Str(), values=fields.Str())


class TrendSchema(Schema):
    ols_per_session = fields.Float(allow_none=True)
    ols_per_week = fields.Float(allow_none=True)
    split_middle_per_session = fields.Float(allow_none=True)
    theil_sen_per_session = fields.Float(allow_none=True)
    per_session_x = fields.Str()
    per_week_x = fields.Str()


class PhaseDisplaySchema(Schema):
    """A phase's level as people read it, on screen and in the PDF (bdc.reports.format)."""

    mean = fields.Str()
    sd = fields.Str()
    range = fields.Str()


class PhaseStatsSchema(Schema):
    index = fields.Int()
    phase_id = fields.Str(allow_none=True)
    kind = fields.Str(allow_none=True)
    label = fields.Str()
    start_date = fields.Date(allow_none=True)
    first_date = fields.Date()
    last_date = fields.Date()
    n = fields.Int()
    mean = fields.Float()
    median = fields.Float()
    sd = fields.Float(allow_none=True)
    min = fields.Float()
    max = fields.Float()
    range = fields.Float()
    sessions_with_ioa = fields.Int()
    display = fields.Nested(PhaseDisplaySchema)
    trend = fields.Nested(TrendSchema)
    notes = Reasons


class LevelChangeSchema(Schema):
    from_index = fields.Int()
    to_index = fields.Int()
    from_label = fields.Str()
    to_label = fields.Str()
    points = fields.Int()
    last_median_before = fields.Float()
    first_median_after = fields.Float()
    median_change = fields.Float()
    absolute_change = fields.Float()
    mean_difference = fields.Float()


class MasteryStatusSchema(Schema):
    criterion = fields.Dict()
    phase_id = fields.Str(allow_none=True)
    phase_label = fields.Str()
    sessions = fields.Int()
    met = fields.Bool()
    status = fields.Str()
    date_met = fields.Date(allow_none=True)
    session_id = fields.Str(allow_none=True)
    window_start_date = fields.Date(allow_none=True)
    reason = fields.Str(allow_none=True)
    basis = fields.Str()


class AimStatusSchema(Schema):
    start_date = fields.Date()
    start_value = fields.Float()
    end_date = fields.Date()
    end_value = fields.Float()
    as_of = fields.Date()
    expected = fields.Float()
    current_level = fields.Float(allow_none=True)
    current_level_points = fields.Int()
    difference = fields.Float(allow_none=True)
    status = fields.Str()
    basis = fields.Str()


class SettingPhaseSchema(Schema):
    index = fields.Int(metadata={"description": "Index into phases"})
    label = fields.Str()
    sessions = fields.Int()
    mean = fields.Float()


class SettingStatsSchema(Schema):
    setting = fields.Str(metadata={"description": 'Where the sessions took place ("": not stated)'})
    sessions = fields.Int()
    mean = fields.Float()
    median = fields.Float()
    phases = fields.List(fields.Nested(SettingPhaseSchema))


class TargetSummarySchema(_TargetHeader):
    as_of = fields.Date()
    sessions = fields.Int()
    sessions_with_ioa = fields.Int()
    percent_with_ioa = fields.Float(allow_none=True)
    phases = fields.List(fields.Nested(PhaseStatsSchema))
    settings = fields.List(
        fields.Nested(SettingStatsSchema),
        metadata={"description": "The sessions split by setting (generalization)"},
    )
    level_changes = fields.List(fields.Nested(LevelChangeSchema))
    effect_sizes = fields.Nested(EffectSizesSchema)
    mastery = fields.Nested(MasteryStatusSchema, allow_none=True)
    aim = fields.Nested(AimStatusSchema, allow_none=True)


# --- answers: IOA --------------------------------------------------------------------------------


class IOAMeasureSchema(Schema):
    name = fields.Str()
    label = fields.Str()
    value = fields.Float(allow_none=True)
    unit = fields.Str(metadata={"description": "percent (0-100) or kappa (a coefficient)"})
    note = fields.Str(allow_none=True, metadata={"description": "Why the value is undefined"})


class IOARowSchema(Schema):
    index = fields.Int()
    start_seconds = fields.Float()
    observer1 = fields.Raw(allow_none=True)
    observer2 = fields.Raw(allow_none=True)
    agree = fields.Bool(allow_none=True)
    agreement = fields.Float()


class IOATableSchema(Schema):
    kind = fields.Str()
    rows = fields.List(fields.Nested(IOARowSchema))


class IOATargetSchema(Schema):
    target_id = fields.Str()
    measurement = fields.Str()
    measure = fields.Str(metadata={"description": "The headline measure's label"})
    agreement = fields.Float(allow_none=True, metadata={"description": "Its value"})
    measures = fields.List(fields.Nested(IOAMeasureSchema))
    table = fields.Nested(IOATableSchema, allow_none=True)
    observer1 = fields.Dict()
    observer2 = fields.Dict()


class SessionIOASchema(Schema):
    session_id = fields.Str()
    role = fields.Str()
    paired = fields.Bool()
    message = fields.Str(allow_none=True)
    primary_session_id = fields.Str(allow_none=True)
    reliability_session_id = fields.Str(allow_none=True)
    other_reliability_session_ids = fields.List(fields.Str())
    window_start = fields.AwareDateTime(allow_none=True)
    window_end = fields.AwareDateTime(allow_none=True)
    overlap_seconds = fields.Float(allow_none=True)
    bin_seconds = fields.Float()
    targets = fields.List(fields.Nested(IOATargetSchema))


# --- answers: FBA --------------------------------------------------------------------------------


class FunctionEstimateSchema(Schema):
    function = fields.Str(allow_none=True)
    candidates = fields.List(fields.Str())
    proportions = fields.Dict(keys=fields.Str(), values=fields.Float())
    n_records = fields.Int()
    n_unmapped = fields.Int()


class BehaviorFunctionSchema(FunctionEstimateSchema):
    behavior = fields.Str()


Counts = fields.Dict(keys=fields.Str(), values=fields.Int())
Conditional = fields.Dict(
    keys=fields.Str(), values=fields.Dict(keys=fields.Str(), values=fields.Float())
)


class ABCSchema(Schema):
    target_ids = fields.List(fields.Str())
    n = fields.Int()
    antecedents = Counts
    behaviors = Counts
    consequences = Counts
    p_behavior_given_antecedent = Conditional
    p_consequence_given_behavior = Conditional
    likely_function = fields.Nested(FunctionEstimateSchema)
    by_behavior = fields.List(fields.Nested(BehaviorFunctionSchema))
    caution = fields.Str()


class ScatterplotSchema(Schema):
    target_ids = fields.List(fields.Str())
    time_zone = fields.Str()
    bin_minutes = fields.Float()
    dates = fields.List(fields.Date())
    bin_starts = fields.List(fields.Str())
    counts = fields.List(fields.List(fields.Int()), metadata={"description": "[bin][date]"})
    observed = fields.List(fields.List(fields.Bool()), metadata={"description": "[bin][date]"})
    events = fields.Int()


class ConditionSchema(Schema):
    condition = fields.Str()
    n = fields.Int()
    mean = fields.Float()
    median = fields.Float()
    min = fields.Float()
    max = fields.Float()
    points_above = fields.Int(allow_none=True)
    points_below = fields.Int(allow_none=True)
    elevated = fields.Bool(allow_none=True)


class FunctionalAnalysisSchema(Schema):
    target_id = fields.Str()
    measurement = fields.Str()
    unit = fields.Str()
    control = fields.Str(allow_none=True)
    upper_criterion = fields.Float(allow_none=True)
    lower_criterion = fields.Float(allow_none=True)
    conditions = fields.List(fields.Nested(ConditionSchema))
    elevated = fields.List(fields.Str())
    functions = fields.List(fields.Str())
    note = fields.Str(allow_none=True)


class FBASchema(Schema):
    client_id = fields.Str()
    date_from = fields.Date(allow_none=True)
    date_to = fields.Date(allow_none=True)
    abc = fields.Nested(ABCSchema, allow_none=True)
    scatterplot = fields.Nested(ScatterplotSchema, allow_none=True)
    functional_analyses = fields.List(fields.Nested(FunctionalAnalysisSchema))
