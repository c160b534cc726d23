"""Query schema of the paper data sheet (bdc/api/datasheets.py)."""

from __future__ import annotations

from marshmallow import fields

from bdc.api.schemas import StrictSchema


class DatasheetQuerySchema(StrictSchema):
    day = fields.Date(data_key="date", metadata={"description": "The day printed on the sheet"})
