"""Numbers and units as a person reads them: the one formatting of figures for the PDF, the
API's display strings (and so the PWA) and the charts, so a level reads the same everywhere.

Pure (standard library and the plain dataclasses of :mod:`bdc.reports.model` only). Conventions:

- **Precision** follows the size of the number, not a fixed count of decimals, so small rates
  keep their information (0.061/min, not 0.1 or 0): two significant figures below 1, one
  decimal from 1 to 100, none from 100 (:func:`number`). Percentages one decimal.
- **Units** per measurement: a short form for tables and ranges (``6.9/session``,
  ``0.48/min``, ``97.5%``, ``12.4 s``) and a long form for sentences (``6.9 per session``).
- A missing value (``None`` or NaN) is an em dash.
"""

from __future__ import annotations

import math

from .model import PERCENT_MEASUREMENTS

__all__ = [
    "DASH",
    "GOAL_WORDS",
    "goal",
    "number",
    "percent",
    "unit",
    "value",
    "value_range",
]

DASH = "\u2014"

_SHORT_UNITS = {
    "frequency": "/session",
    "abc": " records/session",
    "rate": "/min",
    "duration": " s",
    "latency": " s",
}
_LONG_UNITS = {
    "frequency": " per session",
    "abc": " records per session",
    "rate": " per minute",
    "duration": " s",
    "latency": " s",
    "partial_interval": "% of intervals",
    "whole_interval": "% of intervals",
    "momentary_time_sampling": "% of intervals",
    "dtt": "% independent",
    "task_analysis": "% independent",
}
GOAL_WORDS = {"increase": "\u2191 increase", "decrease": "\u2193 decrease"}


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def number(v: float | None) -> str:
    """``v`` with the precision its size needs: ``0.061``, ``0.48``, ``6.9``, ``12.5``,
    ``244``; 0 is ``0``; missing is an em dash."""
    if _missing(v):
        return DASH
    assert v is not None
    if v == 0:
        return "0"
    size = abs(v)
    if size >= 100:
        return f"{v:.0f}"
    if size >= 1:
        return f"{v:.1f}"
    decimals = min(4, 1 - math.floor(math.log10(size)))  # two significant figures
    return f"{v:.{decimals}f}"


def percent(v: float | None) -> str:
    """``97.5%``; missing is an em dash."""
    return DASH if _missing(v) else f"{v:.1f}%"


def unit(measurement: str, *, long: bool = False) -> str:
    """The unit written after a value of ``measurement`` (with its leading space, if any)."""
    if measurement in PERCENT_MEASUREMENTS and not long:
        return "%"
    return (_LONG_UNITS if long else _SHORT_UNITS).get(measurement, "")


def value(v: float | None, measurement: str, *, long: bool = False) -> str:
    """A level of ``measurement`` with its unit: ``6.9/session``, ``0.48/min``, ``97.5%``
    (``long``: ``6.9 per session``, ``0.48 per minute``, ``97.5% independent``)."""
    if _missing(v):
        return DASH
    text = f"{v:.1f}" if measurement in PERCENT_MEASUREMENTS else number(v)
    return text + unit(measurement, long=long)


def value_range(lo: float | None, hi: float | None, measurement: str) -> str:
    """``0.012\u20130.11/min``, ``83\u2013100%``: both ends at their own precision (whole
    percentages), the unit once."""
    if _missing(lo) or _missing(hi):
        return DASH
    if measurement in PERCENT_MEASUREMENTS or measurement == "percent":
        return f"{lo:.0f}\u2013{hi:.0f}%"
    return f"{number(lo)}\u2013{number(hi)}{unit(measurement)}"


def goal(direction: str) -> str:
    """``↑ increase`` or ``↓ decrease``: the direction of therapeutic improvement."""
    return GOAL_WORDS.get(direction, direction)
