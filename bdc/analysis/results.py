"""The result object of the effect-size functions, and its normal-theory interval.

Shaped like ``scipy.stats``'s result objects: a frozen dataclass whose fields are read by
name. ``float(result)`` gives the estimate, so a caller that only wants the number can treat
the result as one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from bdc.analysis._validation import _is_real

__all__ = ["EffectSize"]


@dataclass(frozen=True)
class EffectSize:
    """An effect-size estimate with its standard error and confidence interval.

    Attributes
    ----------
    estimate : float
        The point estimate.
    se : float or None
        Its standard error; None where the measure has none (PND, PEM, PAND, IRD, Tau-U, PET)
        or where it is undefined for the data (a phase of one point).
    ci_low, ci_high : float or None
        The confidence interval at level ``confidence``; None without a standard error or
        when ``confidence=None`` was asked for.
    confidence : float or None
        The level of the interval (e.g. 0.95); None without an interval.
    """

    estimate: float
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    confidence: float | None = None

    def __float__(self) -> float:
        return float(self.estimate)


def check_confidence(confidence: Any) -> float | None:
    """``confidence`` as a level strictly between 0 and 1, or None (no interval)."""
    if confidence is None:
        return None
    if not _is_real(confidence) or not 0 < float(confidence) < 1:
        raise ValueError(
            f"confidence: must be a level between 0 and 1 (e.g. 0.95) or None, got {confidence!r}"
        )
    return float(confidence)


def z_quantile(confidence: float) -> float:
    """The two-sided normal quantile ``qnorm(1 - (1 - confidence) / 2)``."""
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def normal_interval(estimate: float, se: float | None, confidence: Any) -> EffectSize:
    """``estimate +- z * se`` (large-sample interval, as SingleCaseES computes it)."""
    level = check_confidence(confidence)
    if se is None or not math.isfinite(se):
        return EffectSize(estimate)
    if level is None:
        return EffectSize(estimate, se)
    half = z_quantile(level) * se
    return EffectSize(estimate, se, estimate - half, estimate + half, level)
