"""The effect sizes a BCBA may choose for the summary and the progress report.

One catalogue: each public name (``nap``, ``tau_u``, ``lrr``...) with its label, the
:mod:`bdc.analysis` call it stands for and the wording printed for it, so the API summary,
the PDF report and ``bdc report`` offer the same choice and say the same thing.

- **Which.** :func:`parse` reads a comma-separated choice (``"nap,tau_u,lrr"``); an unknown
  name is a ``ValueError`` that lists the known ones. Without a choice,
  :func:`default_names`: NAP and Tau-U for every target, plus the log response ratio for
  counts and rates (frequency, rate, ABC records) -- the issue's default, where Pustejovsky
  (2018) recommends the LRR.
- **How.** Each is the :mod:`bdc.analysis` default (SingleCaseES's), in the target's
  direction, with the standard error and 95% interval where the measure has them. The
  options a target's measurement needs are taken from it: the LRR's scale (count, rate,
  percentage; "other" for durations, latencies and ratings, which have no floor), the floor's
  session length (the sessions' mean observed minutes, for rates) and number of intervals
  (planned intervals, DTT trials per session, task-analysis steps, for percentages); PoGO's
  goal is the end value of the target's aim line.
- **Undefined** is None with a reason, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bdc import analysis
from bdc.analysis import EffectSize
from bdc.measurement_params import INTERVAL_MEASUREMENTS, PERCENT_MEASUREMENTS
from bdc.reports import format as fmt

__all__ = [
    "CATALOGUE",
    "NAMES",
    "Compared",
    "EffectSizeSpec",
    "compute",
    "default_names",
    "parse",
    "serialize",
    "wording",
]

COUNT_MEASUREMENTS = frozenset({"frequency", "rate", "abc"})
_PERCENT_SCALED = frozenset({"pnd", "pem", "pand", "pet", "pogo"})
_TWO_PER_PHASE = "the bias correction needs at least 2 data points in each phase"


@dataclass(frozen=True)
class Compared:
    """What one comparison needs: the two phases' values and their target's facts."""

    baseline: Sequence[float]
    treatment: Sequence[float]
    direction: str
    measurement: str
    params: Mapping[str, Any]
    observed_minutes: float | None  # mean over the compared sessions (rates), else None
    goal: float | None  # the aim line's end value, else None


@dataclass(frozen=True)
class EffectSizeSpec:
    """One choosable effect size: ``label`` as printed, ``variant`` in words (with its source),
    ``compute`` the :mod:`bdc.analysis` call and ``undefined`` the reason it gives None."""

    name: str
    label: str
    variant: str
    compute: Callable[[Compared], EffectSize | None]
    undefined: str = "undefined for these data"  # why, when ``compute`` gives None


def _directed(function: Callable[..., EffectSize | None]) -> Callable[[Compared], Any]:
    return lambda c: function(c.baseline, c.treatment, direction=c.direction)


def _intervals(measurement: str, params: Mapping[str, Any]) -> float | None:
    """Observations behind one percentage (the LRR and LOR floors), when the target says."""
    if measurement in INTERVAL_MEASUREMENTS:
        seconds, minutes = params.get("interval_seconds"), params.get("observation_minutes")
        return max(1, math.floor(minutes * 60 / seconds)) if seconds and minutes else None
    if measurement == "dtt":
        return params.get("trials_per_session")
    if measurement == "task_analysis":
        return len(params.get("steps") or ()) or None
    return None


def _lrr(c: Compared) -> EffectSize | None:
    if c.measurement in COUNT_MEASUREMENTS - {"rate"}:
        scale = "count"
    elif c.measurement == "rate":
        scale = "rate"
    elif c.measurement in PERCENT_MEASUREMENTS:
        scale = "percentage"
    else:
        scale = "other"
    return analysis.lrr(
        c.baseline,
        c.treatment,
        direction=c.direction,
        scale=scale,
        observation_length=c.observed_minutes if scale == "rate" else None,
        intervals=_intervals(c.measurement, c.params) if scale == "percentage" else None,
    )


def _lor(c: Compared) -> EffectSize | None:
    if c.measurement not in PERCENT_MEASUREMENTS:
        raise ValueError("applies to percentages (interval, DTT and task-analysis targets)")
    return analysis.lor(
        c.baseline,
        c.treatment,
        direction=c.direction,
        intervals=_intervals(c.measurement, c.params),
    )


def _pogo(c: Compared) -> EffectSize | None:
    if c.goal is None:
        raise ValueError("needs a goal: give the target an aim line (its end value is the goal)")
    return analysis.pogo(c.baseline, c.treatment, goal=c.goal)


CATALOGUE: Mapping[str, EffectSizeSpec] = {
    s.name: s
    for s in (
        EffectSizeSpec(
            "nap", "NAP", "Parker & Vannest 2009; SingleCaseES NAP()", _directed(analysis.nap)
        ),
        EffectSizeSpec("tau", "Tau", "non-overlap; SingleCaseES Tau()", _directed(analysis.tau)),
        EffectSizeSpec(
            "tau_u",
            "Tau-U",
            "A vs B minus trend A (Parker et al. 2011; SingleCaseES Tau_U())",
            _directed(analysis.tau_u),
        ),
        EffectSizeSpec(
            "tau_bc",
            "Tau-BC",
            "baseline trend removed (Tarlow 2017; SingleCaseES Tau_BC())",
            _directed(analysis.tau_bc),
        ),
        EffectSizeSpec("pnd", "PND", "Scruggs et al. 1987", _directed(analysis.pnd)),
        EffectSizeSpec(
            "pem", "PEM", "ties count 1/2 (SingleCaseES PEM())", _directed(analysis.pem)
        ),
        EffectSizeSpec(
            "pand", "PAND", "minimum removal (Parker et al. 2011)", _directed(analysis.pand)
        ),
        EffectSizeSpec("ird", "IRD", "robust IRD (Parker et al. 2009)", _directed(analysis.ird)),
        EffectSizeSpec(
            "pet", "PET", "baseline OLS line extended (Wolery et al. 2010)", _directed(analysis.pet)
        ),
        EffectSizeSpec(
            "smd",
            "SMD",
            "baseline SD, Hedges-corrected (SingleCaseES SMD())",
            _directed(analysis.smd),
            "needs at least 2 baseline data points that vary (baseline SD above 0)",
        ),
        EffectSizeSpec(
            "lrr",
            "LRR",
            "bias-corrected (Pustejovsky 2018; SingleCaseES LRRi()/LRRd())",
            _lrr,
            _TWO_PER_PHASE,
        ),
        EffectSizeSpec(
            "lor",
            "LOR",
            "bias-corrected (Pustejovsky 2015; SingleCaseES LOR())",
            _lor,
            _TWO_PER_PHASE,
        ),
        EffectSizeSpec(
            "lrm",
            "LRM",
            "log ratio of medians (Bonett & Price 2020)",
            _directed(analysis.lrm),
            "a phase median is 0, which has no logarithm",
        ),
        EffectSizeSpec(
            "pogo", "PoGO", "goal = the aim line's end value (Ferron et al. 2020)", _pogo
        ),
    )
}
NAMES: tuple[str, ...] = tuple(CATALOGUE)


def default_names(measurement: str) -> tuple[str, ...]:
    """NAP and Tau-U; and the LRR for counts and rates."""
    return ("nap", "tau_u", "lrr") if measurement in COUNT_MEASUREMENTS else ("nap", "tau_u")


def parse(text: str) -> tuple[str, ...]:
    """``"nap, tau_u,LRR"`` -> ``("nap", "tau_u", "lrr")``: names in the order given, each
    once. Raises ``ValueError`` naming an unknown name and listing the known ones."""
    names: list[str] = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name not in CATALOGUE:
            shown = name if len(name) <= 40 else name[:37] + "..."
            raise ValueError(f"unknown effect size {shown!r}; choose from {', '.join(NAMES)}")
        if name not in names:
            names.append(name)
    if not names:
        raise ValueError(f"name at least one effect size: {', '.join(NAMES)}")
    return tuple(names)


def label(name: str, compared: Compared) -> str:
    """The printed name; the LRR says which version the target's direction takes."""
    if name == "lrr":
        return "LRRi" if compared.direction == "increase" else "LRRd"
    return CATALOGUE[name].label


def compute(name: str, compared: Compared) -> tuple[EffectSize | None, str | None]:
    """The effect size ``name`` (a :data:`CATALOGUE` key) and, when undefined, why."""
    try:
        result = CATALOGUE[name].compute(compared)
    except ValueError as error:
        return None, str(error)
    if result is None or not math.isfinite(result.estimate):
        return None, CATALOGUE[name].undefined
    return result, None


def wording(name: str, result: EffectSize) -> str:
    """The one wording of a figure, on the screen and in the report: ``0.92 (95% CI 0.60 to
    0.99)``; percentages (PND, PEM, PAND, PET, PoGO) as ``85.7%``; an LRR also as the change
    of level it stands for (``exp(LRR) - 1``, e.g. ``-50% vs baseline``)."""

    def show(v: float) -> str:
        return fmt.percent(v) if name in _PERCENT_SCALED else f"{v:.2f}"

    text = show(result.estimate)
    if result.ci_low is not None and result.ci_high is not None and result.confidence:
        level = f"{100 * result.confidence:g}%"
        text += f" ({level} CI {show(result.ci_low)} to {show(result.ci_high)})"
    if name == "lrr":
        text += f"; level {100 * math.expm1(result.estimate):+.0f}% vs baseline"
    return text


def serialize(name: str, result: EffectSize, compared: Compared) -> dict[str, Any]:
    """The API's and the report's form of one figure."""
    return {
        "label": label(name, compared),
        "estimate": result.estimate,
        "se": result.se,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "confidence": result.confidence,
        "display": wording(name, result),
    }
