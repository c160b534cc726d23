"""Treatment fidelity (treatment integrity).

A fidelity check scores each step (component) of a plan as implemented correctly (True),
incorrectly (False) or not applicable (None). With several opportunities (trials) the data are
a matrix: ``trials[opportunity][component]``.

Three summaries of the same matrix can give very different figures (Cook et al. 2015):
the individual-component (global) percentage, all-or-nothing by trial, and all-or-nothing by
component. Not-applicable cells are left out of numerators and denominators everywhere; when
nothing is applicable the result is ``None`` (undefined), never 0 or 100.

References
----------
Gresham, F. M., Gansle, K. A., & Noell, G. H. (1993). Treatment integrity in applied behavior
analysis with children. *JABA*, 26, 257-263.
Cook, J. E., Subramaniam, S., Brunson, L. Y., Larson, N. A., Poe, S. G., & St. Peter, C. C.
(2015). Global measures of treatment integrity may mask important errors in discrete-trial
training. *Behavior Analysis in Practice*, 8(1), 37-47.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from bdc.analysis._validation import as_bool, as_list

__all__ = [
    "fidelity_all_or_nothing_by_component",
    "fidelity_all_or_nothing_by_trial",
    "fidelity_individual_component",
    "fidelity_percent",
]


def _cell(value: Any, name: str) -> bool | None:
    if value is None:
        return None
    flag = as_bool(value)
    if flag is not None:
        return flag
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    raise ValueError(f"{name}: must be true, false or null (not applicable), got {value!r}")


def _steps(steps: Any, name: str) -> list[bool | None]:
    return [_cell(v, f"{name}[{i}]") for i, v in enumerate(as_list(steps, name))]


def _matrix(trials: Any) -> list[list[bool | None]]:
    rows = [_steps(row, f"trials[{i}]") for i, row in enumerate(as_list(trials, "trials"))]
    if rows:
        width = len(rows[0])
        for i, row in enumerate(rows):
            if len(row) != width:
                raise ValueError(
                    f"trials[{i}]: every opportunity must list the same {width} components, "
                    f"got {len(row)}"
                )
    return rows


def fidelity_percent(steps: Sequence[bool | None]) -> float | None:
    """Percentage of applicable steps implemented correctly.

    Parameters
    ----------
    steps : sequence of bool or None
        One entry per plan step: True (correct), False (incorrect or omitted), None (not
        applicable).

    Returns
    -------
    float or None
        ``correct / applicable * 100``; None when no step is applicable.

    References
    ----------
    Gresham, Gansle & Noell (1993): percentage of treatment components implemented.

    Examples
    --------
    >>> fidelity_percent([True, True, False, None])
    66.66666666666667
    """
    cells = [c for c in _steps(steps, "steps") if c is not None]
    if not cells:
        return None
    return 100.0 * sum(cells) / len(cells)


def fidelity_individual_component(trials: Sequence[Sequence[bool | None]]) -> float | None:
    """Individual-component (global) fidelity across opportunities.

    Parameters
    ----------
    trials : sequence of sequence of bool or None
        ``trials[opportunity][component]``; every row the same length.

    Returns
    -------
    float or None
        Correct component-opportunities / applicable component-opportunities * 100; None when
        nothing is applicable.

    References
    ----------
    Cook et al. (2015), "individual-component" integrity.
    """
    cells = [c for row in _matrix(trials) for c in row if c is not None]
    if not cells:
        return None
    return 100.0 * sum(cells) / len(cells)


def fidelity_all_or_nothing_by_trial(trials: Sequence[Sequence[bool | None]]) -> float | None:
    """All-or-nothing fidelity by trial (opportunity).

    Parameters
    ----------
    trials : sequence of sequence of bool or None
        ``trials[opportunity][component]``.

    Returns
    -------
    float or None
        Percentage of opportunities on which every applicable component was correct.
        Opportunities with no applicable component are left out; None when none is left.

    References
    ----------
    Cook et al. (2015), "all-or-nothing by trial".
    """
    verdicts = []
    for row in _matrix(trials):
        cells = [c for c in row if c is not None]
        if cells:
            verdicts.append(all(cells))
    if not verdicts:
        return None
    return 100.0 * sum(verdicts) / len(verdicts)


def fidelity_all_or_nothing_by_component(
    trials: Sequence[Sequence[bool | None]],
) -> float | None:
    """All-or-nothing fidelity by component.

    Parameters
    ----------
    trials : sequence of sequence of bool or None
        ``trials[opportunity][component]``.

    Returns
    -------
    float or None
        Percentage of components that were correct on every opportunity where they applied.
        Components never applicable are left out; None when none is left.

    References
    ----------
    Cook et al. (2015), "all-or-nothing by component".
    """
    rows = _matrix(trials)
    if not rows:
        return None
    verdicts = []
    for j in range(len(rows[0])):
        cells = [row[j] for row in rows if row[j] is not None]
        if cells:
            verdicts.append(all(cells))
    if not verdicts:
        return None
    return 100.0 * sum(verdicts) / len(verdicts)
