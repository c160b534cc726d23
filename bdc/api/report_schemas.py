"""Query schemas of the graphs, the progress report and the exports (bdc/api/reports.py)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from bdc import dates
from bdc.api.analysis_schemas import TimeZoneField
from bdc.api.schemas import EffectSizesQuerySchema, StrictSchema
from bdc.reports import TREND_METHODS
from bdc.services import exports, graphs
from bdc.session_settings import SessionSettingField

# --- queries -----------------------------------------------------------------------------------


class PeriodQuerySchema(StrictSchema):
    date_from = fields.Date(
        data_key="from", metadata={"description": "First day (the clinic's time zone)"}
    )
    date_to = fields.Date(
        data_key="to", metadata={"description": "Last day (the clinic's time zone), inclusive"}
    )

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError("Must not be before 'from'.", "to")


class GraphQuerySchema(PeriodQuerySchema):
    chart = fields.Str(
        load_default="line",
        validate=validate.OneOf(graphs.CHARTS),
        metadata={
            "description": "line (line graph), celeration (Daily Standard Celeration Chart: "
            "rate and frequency targets) or cumulative (cumulative record: frequency and ABC)"
        },
    )
    x = fields.Str(
        load_default="session",
        validate=validate.OneOf(["session", "date"]),
        metadata={"description": "x axis of the line graph and cumulative record"},
    )
    trend = fields.Str(
        load_default=None,
        validate=validate.OneOf([*TREND_METHODS, "none"]),
        metadata={"description": "Trend line per phase (line graph); 'none' or absent: none"},
    )
    aim = fields.Bool(load_default=True, metadata={"description": "Draw the aim line"})
    setting = SessionSettingField(
        metadata={"description": "Only sessions recorded in this setting (BDC_SESSION_SETTINGS)"}
    )

    @post_load
    def _no_trend(self, data, **kwargs):
        if data.get("trend") == "none":
            data["trend"] = None
        return data


class ChartQuerySchema(PeriodQuerySchema):
    target_id = fields.UUID(metadata={"description": "Only this target"})
    behavior = fields.Str(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "ABC chart: only the records of this behavior"},
    )
    tz = TimeZoneField(
        load_default=None,
        metadata={
            "description": "Scatterplot: time zone of the days and times (IANA name; "
            "default: the clinic's, BDC_TIME_ZONE)"
        },
    )
    bin_minutes = fields.Int(
        load_default=30,
        validate=validate.OneOf([10, 15, 20, 30, 60, 120]),
        metadata={"description": "Scatterplot: minutes per row"},
    )
    criterion = fields.Float(
        load_default=80.0,
        validate=validate.Range(0, 100),
        metadata={"description": "IOA chart: the minimum acceptable agreement (percent)"},
    )


class PanelQuerySchema(PeriodQuerySchema):
    target_id = fields.List(
        fields.UUID(),
        load_default=list,
        metadata={
            "description": "The targets, top panel first (repeat the parameter); default: "
            "the active targets with data in the period"
        },
    )
    x = fields.Str(
        load_default="date",
        validate=validate.OneOf(["session", "date"]),
        metadata={"description": "x axis: calendar dates (the usual for a multiple baseline)"},
    )


class ReportQuerySchema(PeriodQuerySchema, EffectSizesQuerySchema):
    pseudonymous = fields.Bool(
        load_default=False, metadata={"description": "Print only the client's code, no name"}
    )
    x = fields.Str(load_default="session", validate=validate.OneOf(["session", "date"]))
    trend = fields.Str(load_default=None, validate=validate.OneOf(list(TREND_METHODS)))
    paper = fields.Str(load_default="letter", validate=validate.OneOf(["letter", "a4"]))
    panel = fields.Bool(
        load_default=False,
        metadata={"description": "Add a multiple-baseline page of the targets with data"},
    )

    @validates_schema
    def _starts_by_today(self, data, **kwargs):
        # without "to" the report ends today (the clinic's day): a later "from" has no period
        start = data.get("date_from")
        if start and not data.get("date_to") and start > dates.local_today():
            raise ValidationError("Must not be after today, the default 'to'.", "from")


class CsvQuerySchema(PeriodQuerySchema):
    table = fields.Str(
        load_default="sessions",
        validate=validate.OneOf(exports.TABLES),
        metadata={
            "description": "sessions (one value per session and target), events, or notes "
            "(every revision of the session notes)"
        },
    )
