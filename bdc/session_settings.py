"""Where a session took place: a list the clinic manages (``BDC_SESSION_SETTINGS``).

The list is configuration, not a table: it changes about once a deployment, every worker must
agree on it, and an environment variable needs no admin screen. It is a comma-separated string
(or a sequence when configured from Python), checked when the app starts (an empty list is a
ConfigError). Names are matched case-insensitively and stored in the list's spelling; an empty
setting means "not stated" and is kept as "". Caregivers record at home, so a caregiver's
session is always "home" (docs/caregivers.md).
"""

from __future__ import annotations

from flask import current_app
from marshmallow import ValidationError, fields

from bdc.auth import CAREGIVER
from bdc.models import User

HOME = "home"


def clinic_settings() -> tuple[str, ...]:
    """The configured settings, in the clinic's order and spelling (parsed by bdc.config)."""
    return current_app.config["SESSION_SETTINGS"]


def canonical(value: str) -> str:
    """``value`` in the clinic's spelling; "" stays "" (not stated). ValueError if unknown."""
    wanted = value.strip().casefold()
    if not wanted:
        return ""
    for name in clinic_settings():
        if name.casefold() == wanted:
            return name
    raise ValueError(f"Must be one of: {', '.join(clinic_settings())}.")


def for_session(user: User, requested: str) -> str:
    """The setting a synced session is stored with: the caller's choice, or home for caregivers."""
    return HOME if user.role == CAREGIVER else requested


class SessionSettingField(fields.Str):
    """A setting from the clinic's list (case-insensitive), loaded in the list's spelling."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return canonical(text)
        except ValueError as problem:
            raise ValidationError(str(problem)) from None
