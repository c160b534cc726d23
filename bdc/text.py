"""Text that every supported database stores as it was sent.

PostgreSQL refuses a NUL character in text and psycopg cannot encode an unpaired UTF-16
surrogate (which JSON's ``\\ud800`` escapes can produce), while SQLite stores both. To behave
the same on both, such text is refused at the boundary with a field message, before any write.
Pure standard library plus marshmallow's ``ValidationError``.
"""

from __future__ import annotations

import re

from marshmallow import ValidationError

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

UNSTORABLE_TEXT = "must not contain NUL characters or unpaired surrogates"


def text_problem(value: str) -> str | None:
    """The reason ``value`` cannot be stored as text, or None when it can."""
    return UNSTORABLE_TEXT if _UNSTORABLE.search(value) else None


def storable_text(value: str) -> None:
    """A marshmallow validator: refuse text that a database would not store as sent."""
    if isinstance(value, str) and _UNSTORABLE.search(value):
        raise ValidationError(UNSTORABLE_TEXT)


__all__ = ["UNSTORABLE_TEXT", "storable_text", "text_problem"]
