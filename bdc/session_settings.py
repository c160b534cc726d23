"""Where a session took place: a list the clinic manages.

A director (or admin) keeps the list (``PUT /session-settings``, stored in ``session_settings``);
until one is saved, the configured list is the clinic's (``BDC_SESSION_SETTINGS``, a
comma-separated string or a sequence, checked when the app starts: an empty list is a
ConfigError). Names are matched case-insensitively and stored in the list's spelling; an empty
setting means "not stated" and is kept as "". A name taken off the list stays on the sessions
recorded with it. Caregivers record at home, so a caregiver's session is always "home"
(docs/caregivers.md).
"""

from __future__ import annotations

from flask import current_app, g, has_request_context
from marshmallow import ValidationError, fields
from sqlalchemy import select

from bdc.auth import CAREGIVER
from bdc.extensions import db
from bdc.models import SessionSetting, User

HOME = "home"


def clinic_settings() -> tuple[str, ...]:
    """The clinic's settings in its order and spelling: the list a director saved, else the
    configured one (parsed by bdc.config). Read once per request: sync checks every session."""
    if has_request_context() and "session_settings" in g:
        return g.session_settings
    saved = tuple(db.session.scalars(select(SessionSetting.name).order_by(SessionSetting.position)))
    names = saved or current_app.config["SESSION_SETTINGS"]
    if has_request_context():
        g.session_settings = names
    return names


def forget_cached() -> None:
    """The list changed in this request: read it again next time."""
    if has_request_context():
        g.pop("session_settings", None)


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
