"""Functional-analysis conditions: what a session of an FA ran, chosen on the tablet.

A session of a functional analysis (Iwata et al. 1982/1994; Hanley, Iwata & McCord 2003)
carries its condition in ``sessions.fa_condition``: one of the standard keys below, or a
condition the BCBA named ("Divided attention"). A session without one is not part of an FA,
whatever the phase in force is called, so a treatment phase ("NCR + DRA") is never drawn as
an FA.

Legacy data: before the field existed, FA sessions were recorded under phases of kind
``condition`` labelled after the condition ("Attention", "Toy play").
:func:`is_fa_phase_label` still recognises those for sessions without a condition of their
own (docs/graphs.md).
"""

from __future__ import annotations

from marshmallow import ValidationError, fields

from bdc.text import text_problem

__all__ = [
    "CONTROL",
    "FA_CONDITIONS",
    "FaConditionField",
    "canonical",
    "condition_label",
    "is_fa_phase_label",
]

FA_CONDITIONS = ("attention", "escape", "tangible", "alone", "play")
"""The standard conditions, in the order a multielement graph's legend lists them."""

CONTROL = "play"

# Words that name a standard condition, as BCBAs write them ("Escape/demand", "Ignore").
_SYNONYMS = {
    "attention": "attention",
    "escape": "escape",
    "demand": "escape",
    "tangible": "tangible",
    "alone": "alone",
    "ignore": "alone",
    "play": "play",
    "control": "play",
}

_LABELS = {
    "attention": "Attention",
    "escape": "Escape/demand",
    "tangible": "Tangible",
    "alone": "Alone/ignore",
    "play": "Play",
}

MAX_LENGTH = 60


def _words(text: str) -> list[str]:
    return "".join(c if c.isalpha() else " " for c in text.lower()).split()


def canonical(value: str) -> str | None:
    """The stored form of a condition: a standard key when ``value`` names only standard
    words of one condition ("Escape/demand" -> "escape"), else the named condition as written
    (stripped); "" -> None (not an FA session)."""
    text = value.strip()
    if not text:
        return None
    keys = {_SYNONYMS.get(word) for word in _words(text)}
    if len(keys) == 1 and None not in keys:
        return keys.pop()
    return text


def condition_label(condition: str) -> str:
    """How a chart names a stored condition (a named one as written)."""
    return _LABELS.get(condition, condition)


def is_fa_phase_label(kind: str | None, label: str | None) -> bool:
    """A legacy FA condition phase: kind ``condition`` with a label holding a standard word."""
    if kind != "condition" or not label:
        return False
    return any(word in _SYNONYMS for word in _words(label))


class FaConditionField(fields.Str):
    """A session's FA condition (None or "" for a session that is not part of an FA)."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, load_default=None, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text)
        if problem:
            raise ValidationError(problem)
        if len(text.strip()) > MAX_LENGTH:
            raise ValidationError(f"Longer than maximum length {MAX_LENGTH}.")
        return canonical(text)
