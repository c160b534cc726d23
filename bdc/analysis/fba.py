"""Functional behavior assessment summaries.

- Descriptive (ABC) data: conditional probabilities P(behavior | antecedent) and
  P(consequence | behavior), and the function most often suggested by the consequences that
  followed a behavior (Vollmer, Borrero, Wright, Van Camp & Lalli 2001; Pence, Roscoe,
  Bourret & Ahearn 2009). Descriptive data show correlations, not function: treat the result
  as a hypothesis to test (Thompson & Iwata 2007).
- Scatterplot: counts per time-of-day bin and date (Touchette, MacDonald & Langer 1985).
- Multielement functional analysis: mean, range and n per condition, and which test
  conditions are elevated above the control (play) condition by structured visual-inspection
  criteria simplified from Hagopian et al. (1997) as modified by Roane et al. (2013).

References
----------
Hagopian, L. P., Fisher, W. W., Thompson, R. H., Owen-DeSchryver, J., Iwata, B. A., &
Wacker, D. P. (1997). Toward the development of structured criteria for interpretation of
functional analysis data. *JABA*, 30, 313-326.
Roane, H. S., Fisher, W. W., Kelley, M. E., Mevers, J. L., & Bouxsein, K. J. (2013). Using
modified visual-inspection criteria to interpret functional analysis outcomes. *JABA*, 46,
130-146.
Touchette, P. E., MacDonald, R. F., & Langer, S. N. (1985). A scatter plot for identifying
stimulus control of problem behavior. *JABA*, 18, 343-351.
Vollmer, T. R., Borrero, J. C., Wright, C. S., Van Camp, C., & Lalli, J. S. (2001).
Identifying possible contingencies during descriptive analyses of severe behavior disorders.
*JABA*, 34, 269-287.
Pence, S. T., Roscoe, E. M., Bourret, J. C., & Ahearn, W. H. (2009). Relative contributions of
three descriptive methods: Implications for behavioral assessment. *JABA*, 42, 425-446.
Thompson, R. H., & Iwata, B. A. (2007). A comparison of outcomes from descriptive and
functional analyses of problem behavior. *JABA*, 40, 333-338.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from types import MappingProxyType
from typing import Any

from bdc.analysis._validation import (
    as_float_list,
    as_list,
    check_positive_number,
    mean,
    median,
    sample_sd,
)

__all__ = [
    "DEFAULT_CONSEQUENCE_FUNCTIONS",
    "DEFAULT_FA_CONDITION_FUNCTIONS",
    "FUNCTIONS",
    "ABCSummary",
    "ConditionSummary",
    "FunctionEstimate",
    "FunctionalAnalysisSummary",
    "ScatterplotMatrix",
    "abc_conditional_probabilities",
    "functional_analysis_summary",
    "likely_function",
    "p_behavior_given_antecedent",
    "p_consequence_given_behavior",
    "scatterplot_matrix",
]

FUNCTIONS = ("attention", "escape", "tangible", "automatic")


def _freeze(d: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(d))


_ATTENTION = (
    "attention", "adult attention", "peer attention", "social attention", "verbal attention",
    "physical attention", "reprimand", "verbal reprimand", "redirect", "redirection",
    "verbal redirection", "comfort", "consoled", "reassurance", "praise", "eye contact",
    "laughter", "peer laughter", "talked to",
)  # fmt: skip
_ESCAPE = (
    "escape", "demand removed", "demand withdrawn", "task removed", "task terminated",
    "task delayed", "activity ended", "break", "break given", "avoidance", "escape from demand",
    "removed from task", "instruction withdrawn",
)  # fmt: skip
_TANGIBLE = (
    "tangible", "item given", "item returned", "access to item", "access to tangible",
    "access to activity", "activity given", "preferred item", "toy given", "edible",
    "food given",
)  # fmt: skip
_AUTOMATIC = (
    "automatic", "sensory", "no consequence", "none", "nothing", "ignored", "planned ignoring",
    "no response", "no social consequence", "no interaction",
)  # fmt: skip

DEFAULT_CONSEQUENCE_FUNCTIONS: Mapping[str, str] = _freeze(
    {label: fn for fn, labels in (
        ("attention", _ATTENTION), ("escape", _ESCAPE), ("tangible", _TANGIBLE),
        ("automatic", _AUTOMATIC),
    ) for label in labels}
)  # fmt: skip
"""Default map from consequence labels (lower case) to the function they suggest.

Overridable: pass ``mapping=`` to :func:`likely_function`, e.g.
``{**DEFAULT_CONSEQUENCE_FUNCTIONS, "sent to office": "escape"}``. Labels not in the map are
counted as unmapped and do not vote.
"""

DEFAULT_FA_CONDITION_FUNCTIONS: Mapping[str, str] = _freeze(
    {
        "attention": "attention",
        "social attention": "attention",
        "demand": "escape",
        "escape": "escape",
        "demand/escape": "escape",
        "tangible": "tangible",
        "alone": "automatic",
        "ignore": "automatic",
        "no interaction": "automatic",
    }
)
"""Default map from functional-analysis condition names (lower case) to functions."""


# ---------------------------------------------------------------------------------------------
# ABC records


def _label(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"labels must be strings, got {value!r}")
    value = value.strip()
    return value or None


def _abc(records: Any) -> list[tuple[str | None, str | None, str | None]]:
    out = []
    for i, r in enumerate(as_list(records, "records")):
        data = r
        if not isinstance(data, Mapping):
            data = getattr(r, "data", None)
        elif "behavior" not in data and isinstance(data.get("data"), Mapping):
            data = data["data"]
        if not isinstance(data, Mapping):
            raise ValueError(f"records[{i}]: must be an ABC record (a mapping)")
        try:
            out.append(
                (
                    _label(data.get("antecedent")),
                    _label(data.get("behavior")),
                    _label(data.get("consequence")),
                )
            )
        except ValueError as exc:
            raise ValueError(f"records[{i}]: {exc}") from None
    return out


def _conditional(pairs: Iterable[tuple[str | None, str | None]]) -> dict[str, dict[str, float]]:
    counts: dict[str, dict[str, int]] = {}
    for given, outcome in pairs:
        if given is None or outcome is None:
            continue
        row = counts.setdefault(given, {})
        row[outcome] = row.get(outcome, 0) + 1
    return {
        g: {o: c / sum(row.values()) for o, c in sorted(row.items())}
        for g, row in sorted(counts.items())
    }


@dataclass(frozen=True)
class ABCSummary:
    """Counts and conditional probabilities of ABC records.

    Attributes
    ----------
    n : int
        Number of records.
    antecedents, behaviors, consequences : Mapping[str, int]
        Counts of each label.
    p_behavior_given_antecedent : Mapping[str, Mapping[str, float]]
        ``[antecedent][behavior]`` = records with both / records with that antecedent.
    p_consequence_given_behavior : Mapping[str, Mapping[str, float]]
        ``[behavior][consequence]`` = records with both / records with that behavior.
    """

    n: int
    antecedents: Mapping[str, int]
    behaviors: Mapping[str, int]
    consequences: Mapping[str, int]
    p_behavior_given_antecedent: Mapping[str, Mapping[str, float]]
    p_consequence_given_behavior: Mapping[str, Mapping[str, float]]


def _counts(labels: Iterable[str | None]) -> Mapping[str, int]:
    c: dict[str, int] = {}
    for lab in labels:
        if lab is not None:
            c[lab] = c.get(lab, 0) + 1
    return dict(sorted(c.items()))


def abc_conditional_probabilities(records: Sequence[Mapping[str, Any]]) -> ABCSummary:
    """Conditional probabilities from narrative ABC records.

    Parameters
    ----------
    records : sequence of mapping
        Each with ``antecedent``, ``behavior`` and ``consequence`` (strings; missing or blank
        labels are left out of the tables that need them). An event record whose ``data``
        holds these keys is accepted too.

    Returns
    -------
    ABCSummary

    Notes
    -----
    ABC records are written when behavior occurs, so P(behavior | antecedent) is the share of
    the records with that antecedent that show the behavior (how the antecedent's records
    split over behaviors), not the probability of behavior in the presence of the antecedent
    in general; that needs continuous recording of antecedents too.

    References
    ----------
    Vollmer et al. (2001); Pence et al. (2009).
    """
    rows = _abc(records)
    return ABCSummary(
        n=len(rows),
        antecedents=_counts(a for a, _, _ in rows),
        behaviors=_counts(b for _, b, _ in rows),
        consequences=_counts(c for _, _, c in rows),
        p_behavior_given_antecedent=_conditional((a, b) for a, b, _ in rows),
        p_consequence_given_behavior=_conditional((b, c) for _, b, c in rows),
    )


def p_behavior_given_antecedent(
    records: Sequence[Mapping[str, Any]], *, behavior: str, antecedent: str
) -> float | None:
    """P(behavior | antecedent) from ABC records.

    Returns
    -------
    float or None
        Records with both / records with the antecedent; None when no record has the
        antecedent.
    """
    rows = _abc(records)
    with_a = [b for a, b, _ in rows if a == _label(antecedent)]
    if not with_a:
        return None
    return sum(b == _label(behavior) for b in with_a) / len(with_a)


def p_consequence_given_behavior(
    records: Sequence[Mapping[str, Any]], *, consequence: str, behavior: str
) -> float | None:
    """P(consequence | behavior) from ABC records.

    Returns
    -------
    float or None
        Records with both / records with the behavior; None when no record has the behavior.
    """
    rows = _abc(records)
    with_b = [c for _, b, c in rows if b == _label(behavior)]
    if not with_b:
        return None
    return sum(c == _label(consequence) for c in with_b) / len(with_b)


@dataclass(frozen=True)
class FunctionEstimate:
    """The function most often suggested by the consequences of a behavior.

    Attributes
    ----------
    function : str or None
        ``"attention"``, ``"escape"``, ``"tangible"`` or ``"automatic"``; None when no
        consequence could be mapped or the top functions tie (see ``candidates``).
    candidates : tuple of str
        The function(s) with the highest share.
    proportions : Mapping[str, float]
        Share of the mapped records per function (sums to 1 over mapped records).
    n_records : int
        Records considered (of the behavior, if one was given).
    n_unmapped : int
        Records whose consequence is missing or not in the mapping.
    """

    function: str | None
    candidates: tuple[str, ...]
    proportions: Mapping[str, float]
    n_records: int
    n_unmapped: int


def likely_function(
    records: Sequence[Mapping[str, Any]],
    *,
    behavior: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> FunctionEstimate:
    """The most likely function of a behavior from the consequences that followed it.

    Parameters
    ----------
    records : sequence of mapping
        ABC records (``antecedent``, ``behavior``, ``consequence``).
    behavior : str, optional
        Only records of this behavior (default: all records).
    mapping : Mapping[str, str], optional
        Consequence label (matched case-insensitively) -> function. Default
        :data:`DEFAULT_CONSEQUENCE_FUNCTIONS`. Values must be among :data:`FUNCTIONS`.

    Returns
    -------
    FunctionEstimate
        Each record votes for the function its consequence maps to; the function with the
        largest share of mapped records is returned (P(consequence class | behavior)).

    References
    ----------
    Vollmer et al. (2001); Pence et al. (2009); Thompson & Iwata (2007) on the limits of
    descriptive data.
    """
    table = DEFAULT_CONSEQUENCE_FUNCTIONS if mapping is None else mapping
    if not isinstance(table, Mapping):
        raise ValueError("mapping: must be a mapping of consequence label -> function")
    lookup: dict[str, str] = {}
    for k, v in table.items():
        if not isinstance(k, str) or v not in FUNCTIONS:
            raise ValueError(f"mapping: {k!r} must map to one of {', '.join(FUNCTIONS)}, got {v!r}")
        lookup[k.strip().lower()] = v
    rows = _abc(records)
    if behavior is not None:
        rows = [r for r in rows if r[1] == _label(behavior)]
    votes = dict.fromkeys(FUNCTIONS, 0)
    unmapped = 0
    for _, _, c in rows:
        fn = lookup.get(c.lower()) if c is not None else None
        if fn is None:
            unmapped += 1
        else:
            votes[fn] += 1
    mapped = sum(votes.values())
    if mapped == 0:
        return FunctionEstimate(None, (), {}, len(rows), unmapped)
    props = {fn: v / mapped for fn, v in votes.items()}
    top = max(votes.values())
    candidates = tuple(fn for fn in FUNCTIONS if votes[fn] == top)
    return FunctionEstimate(
        candidates[0] if len(candidates) == 1 else None,
        candidates,
        props,
        len(rows),
        unmapped,
    )


# ---------------------------------------------------------------------------------------------
# scatterplot


@dataclass(frozen=True)
class ScatterplotMatrix:
    """Counts per time-of-day bin (rows) and date (columns).

    Attributes
    ----------
    dates : tuple of date
        Column dates, ascending.
    bin_starts : tuple of time
        Start of each time bin (row).
    bin_minutes : float
    counts : tuple of tuple of int
        ``counts[row][column]``.
    """

    dates: tuple[date, ...]
    bin_starts: tuple[time, ...]
    bin_minutes: float
    counts: tuple[tuple[int, ...], ...]

    def count(self, day: date, bin_start: time) -> int:
        """The count in one cell."""
        return self.counts[self.bin_starts.index(bin_start)][self.dates.index(day)]


def _minutes(t: time) -> float:
    return t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 60e6


def scatterplot_matrix(
    times: Iterable[datetime],
    *,
    bin_minutes: float = 30,
    start: time = time(0, 0),
    end: time | None = None,
    dates: Iterable[date] | None = None,
    tz: tzinfo | None = None,
) -> ScatterplotMatrix:
    """A time-of-day x date scatterplot matrix of behavior counts.

    Parameters
    ----------
    times : iterable of datetime
        When the behavior occurred.
    bin_minutes : float, optional
        Width of a time bin in minutes (default 30).
    start, end : time, optional
        The part of the day to chart (default the whole day; ``end=None`` is midnight at the
        end of the day). The last bin may be shorter when the range is not a multiple of
        ``bin_minutes``. Events outside the range are ignored.
    dates : iterable of date, optional
        The dates to chart, e.g. every observed day, so days observed without behavior show
        as zeros. Default: the dates on which an event occurred (a day without events is
        then indistinguishable from a day not observed, so pass ``dates`` when you can).
        Events on other dates are ignored.
    tz : tzinfo, optional
        Convert aware datetimes to this zone first (the clinic's local time). Without it,
        each datetime's own wall-clock time is used.

    Returns
    -------
    ScatterplotMatrix

    References
    ----------
    Touchette, MacDonald & Langer (1985).
    """
    width = check_positive_number(bin_minutes, "bin_minutes")
    if not isinstance(start, time):
        raise ValueError("start: must be a datetime.time")
    if end is not None and not isinstance(end, time):
        raise ValueError("end: must be a datetime.time or None")
    lo = _minutes(start)
    hi = 1440.0 if end is None else _minutes(end)
    if not hi > lo:
        raise ValueError("end: must be after start")
    nbins = math.ceil((hi - lo) / width - 1e-9)
    stamps: list[datetime] = []
    for i, t in enumerate(as_list(times, "times")):
        if not isinstance(t, datetime):
            raise ValueError(f"times[{i}]: must be a datetime, got {t!r}")
        if tz is not None and t.tzinfo is not None:
            t = t.astimezone(tz)
        stamps.append(t)
    if dates is None:
        days = sorted({t.date() for t in stamps})
    else:
        days = []
        for i, d in enumerate(as_list(dates, "dates")):
            if isinstance(d, datetime):
                d = d.date()
            if not isinstance(d, date):
                raise ValueError(f"dates[{i}]: must be a date")
            days.append(d)
        days = sorted(set(days))
    col = {d: j for j, d in enumerate(days)}
    grid = [[0] * len(days) for _ in range(nbins)]
    for t in stamps:
        j = col.get(t.date())
        m = _minutes(t.time())
        if j is None or m < lo or m >= hi:
            continue
        grid[min(int((m - lo) // width), nbins - 1)][j] += 1
    bin_starts = []
    for k in range(nbins):
        total = lo + k * width
        h, rem = divmod(total, 60)
        mi = int(rem)
        sec = round((rem - mi) * 60)
        bin_starts.append(time(int(h) % 24, mi, min(sec, 59)))
    return ScatterplotMatrix(
        dates=tuple(days),
        bin_starts=tuple(bin_starts),
        bin_minutes=width,
        counts=tuple(tuple(row) for row in grid),
    )


# ---------------------------------------------------------------------------------------------
# multielement functional analysis


@dataclass(frozen=True)
class ConditionSummary:
    """One condition of a multielement functional analysis.

    Attributes
    ----------
    condition : str
    n : int
        Sessions.
    mean, median, minimum, maximum : float
    points_above : int
        Sessions above the upper criterion line (0 for the control condition).
    points_below : int
        Sessions below the lower criterion line.
    elevated : bool
        Differentiated from (higher than) the control condition by the rule in
        :func:`functional_analysis_summary`.
    """

    condition: str
    n: int
    mean: float
    median: float
    minimum: float
    maximum: float
    points_above: int
    points_below: int
    elevated: bool


@dataclass(frozen=True)
class FunctionalAnalysisSummary:
    """Summary of a multielement functional analysis.

    Attributes
    ----------
    control : str
        The control condition (usually "play").
    upper_criterion, lower_criterion : float or None
        Control mean +- 1 SD (None when the control has fewer than 2 sessions).
    conditions : tuple of ConditionSummary
        In the input order.
    elevated : tuple of str
        The test conditions elevated above control.
    functions : tuple of str
        Functions implied by the elevated conditions (via the condition-name mapping).
    """

    control: str
    upper_criterion: float | None
    lower_criterion: float | None
    conditions: tuple[ConditionSummary, ...]
    elevated: tuple[str, ...]
    functions: tuple[str, ...]


def functional_analysis_summary(
    conditions: Mapping[str, Sequence[float]],
    *,
    control: str = "play",
    mapping: Mapping[str, str] | None = None,
) -> FunctionalAnalysisSummary:
    """Mean, range and n per condition, and which conditions are elevated above control.

    Parameters
    ----------
    conditions : Mapping[str, sequence of float]
        Condition name -> session values (e.g. responses per minute) in session order.
    control : str, optional
        The control condition's name (default ``"play"``); must be present.
    mapping : Mapping[str, str], optional
        Condition name (case-insensitive) -> function, for ``functions``; default
        :data:`DEFAULT_FA_CONDITION_FUNCTIONS`.

    Returns
    -------
    FunctionalAnalysisSummary

    Notes
    -----
    Rule (structured visual inspection, simplified from Hagopian et al. 1997 as modified by
    Roane et al. 2013): criterion lines are drawn 1 SD (n - 1 denominator) above and below
    the mean of the control condition. A test condition is **elevated** when the number of
    its sessions strictly above the upper line minus the number strictly below the lower line
    is at least half its number of sessions. Not implemented: the original's requirement of
    10 sessions per condition, its trend and magnitude rules, and the rules for automatic
    reinforcement when the control condition is itself elevated; when the control has fewer
    than two sessions no line can be drawn and nothing is marked elevated.
    """
    if not isinstance(conditions, Mapping) or not conditions:
        raise ValueError("conditions: must be a non-empty mapping of condition -> values")
    if control not in conditions:
        raise ValueError(f"control: {control!r} is not one of the conditions")
    table = DEFAULT_FA_CONDITION_FUNCTIONS if mapping is None else mapping
    if not isinstance(table, Mapping):
        raise ValueError("mapping: must be a mapping of condition -> function")
    lookup = {str(k).strip().lower(): v for k, v in table.items()}
    data = {}
    for name, values in conditions.items():
        if not isinstance(name, str):
            raise ValueError(f"conditions: names must be strings, got {name!r}")
        data[name] = as_float_list(values, f"conditions[{name!r}]", min_len=1)
    ctrl = data[control]
    sd = sample_sd(ctrl)
    ucl = lcl = None
    if sd is not None:
        ucl = mean(ctrl) + sd
        lcl = mean(ctrl) - sd
    rows = []
    for name, ys in data.items():
        above = below = 0
        elevated = False
        if ucl is not None and lcl is not None and name != control:
            above = sum(y > ucl for y in ys)
            below = sum(y < lcl for y in ys)
            elevated = (above - below) >= len(ys) / 2
        rows.append(
            ConditionSummary(
                condition=name,
                n=len(ys),
                mean=mean(ys),
                median=median(ys),
                minimum=min(ys),
                maximum=max(ys),
                points_above=above,
                points_below=below,
                elevated=elevated,
            )
        )
    elevated_names = tuple(r.condition for r in rows if r.elevated)
    functions: list[str] = []
    for name in elevated_names:
        fn = lookup.get(name.strip().lower())
        if fn is not None and fn not in functions:
            functions.append(fn)
    return FunctionalAnalysisSummary(
        control=control,
        upper_criterion=ucl,
        lower_criterion=lcl,
        conditions=tuple(rows),
        elevated=elevated_names,
        functions=tuple(functions),
    )
