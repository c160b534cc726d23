"""Request schemas of a user's own preferences (bdc/api/preferences.py)."""

from __future__ import annotations

from marshmallow import fields, validate

from bdc.api.schemas import StrictSchema


class LanguageSchema(StrictSchema):
    # A language code as the PWA's catalogue files are named ("es", "pt"); None: no preference.
    language = fields.Str(required=True, allow_none=True, validate=validate.Regexp(r"^[a-z]{2,3}$"))
