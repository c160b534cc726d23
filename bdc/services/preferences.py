"""A user's own preferences: the language the app shows them."""

from __future__ import annotations

import json
from pathlib import Path

from flask import current_app
from flask_smorest import abort

from bdc import audit
from bdc.models import User


def available_languages() -> set[str]:
    """The languages the PWA has a catalogue for (pwa/locales/languages.json)."""
    listing = Path(current_app.config["PWA_DIR"]) / "locales" / "languages.json"
    return set(json.loads(listing.read_text(encoding="utf-8")))


def set_language(user: User, language: str | None) -> User:
    """Keep the user's language; a language the app has no catalogue for is refused."""
    if language is not None and language not in available_languages():
        known = ", ".join(sorted(available_languages()))
        abort(422, message="Unknown language.", fields={"language": [f"One of: {known}."]})
    user.language = language
    audit.record("update", "user", resource_id=user.id, detail={"fields": ["language"]})
    return user
