"""bdc.analysis: the numbers behind graphs, IOA, fidelity, mastery and FBA reports.

A pure library in the shape of ``scipy.stats``: sequences or arrays in, a number or a small
frozen dataclass out; options are keyword-only; no Flask, no database, no I/O (only the
standard library, numpy and scipy). Every function's docstring gives its formula, its
conventions for zeros, ties and empty input, and a reference. Percentages are on 0-100,
results are unrounded, bad input raises ``ValueError`` naming the parameter, and an undefined
result (0/0) is ``None``.

Where the reference tools disagree, each convention is a keyword option of one function per
family (``tau_u(..., method="complete")``, ``pem(..., ties="zero")``) and the SingleCaseES /
Cooper one is the default; effect sizes come back as a frozen ``EffectSize`` (``estimate``,
``se``, ``ci_low``, ``ci_high``). docs/analysis.md maps every call to the definition it
implements.

Submodules
----------
ioa        interobserver agreement, interval binning of event streams, session pairing
overlap    NAP, PND, PEM, PAND, IRD, PET, Tau, Tau-U (parker/tarlow/complete), Tau-BC
parametric SMD (Glass, Hedges, Cohen), LRRi/LRRd, LOR, LRM, PoGO, with SEs and intervals
results    EffectSize: estimate, se, ci_low, ci_high
trend      OLS, split-middle and Theil-Sen trend lines; celeration
level      phase summaries (level, variability, trend) and change in level
fidelity   treatment-integrity percentages
mastery    DTT percent correct and mastery criteria
fba        ABC conditional probabilities, scatterplot matrix, functional-analysis summary
"""

from bdc.analysis.fba import (
    DEFAULT_CONSEQUENCE_FUNCTIONS,
    DEFAULT_FA_CONDITION_FUNCTIONS,
    FUNCTIONS,
    ABCSummary,
    ConditionSummary,
    FunctionalAnalysisSummary,
    FunctionEstimate,
    ScatterplotMatrix,
    abc_conditional_probabilities,
    functional_analysis_summary,
    likely_function,
    p_behavior_given_antecedent,
    p_consequence_given_behavior,
    scatterplot_matrix,
)
from bdc.analysis.fidelity import (
    fidelity_all_or_nothing_by_component,
    fidelity_all_or_nothing_by_trial,
    fidelity_individual_component,
    fidelity_percent,
)
from bdc.analysis.ioa import (
    IntervalCounts,
    IOACoverage,
    IOAPair,
    IOARecord,
    bin_event_counts,
    cohen_kappa,
    ioa_caseload_summary,
    ioa_exact_count_per_interval,
    ioa_interval_by_interval,
    ioa_mean_count_per_interval,
    ioa_mean_duration_per_occurrence,
    ioa_scored_interval,
    ioa_total_count,
    ioa_total_duration,
    ioa_trial_by_trial,
    ioa_unscored_interval,
    pair_ioa_sessions,
    paired_interval_counts,
)
from bdc.analysis.level import (
    LevelChange,
    PhaseSummary,
    level_change,
    phase_summaries,
    phase_summary,
)
from bdc.analysis.mastery import (
    CORRECT_LABELS,
    MasteryResult,
    MasterySession,
    dtt_percent_correct,
    evaluate_mastery,
    mastery_met,
    sessions_to_mastery,
)
from bdc.analysis.overlap import (
    NAP_SE_METHODS,
    TAU_U_METHODS,
    ird,
    kendall_tau_b,
    nap,
    pand,
    pem,
    pet,
    pnd,
    tau,
    tau_bc,
    tau_trend,
    tau_u,
    theil_sen_line,
)
from bdc.analysis.parametric import LRR_SCALES, SMD_SD_METHODS, lor, lrm, lrr, pogo, smd
from bdc.analysis.results import EffectSize
from bdc.analysis.trend import (
    TREND_METHODS,
    CelerationFit,
    TrendLine,
    celeration,
    celeration_fit,
    ols_slope,
    split_middle_slope,
    theil_sen_slope,
    trend_line,
)

__all__ = [
    "CORRECT_LABELS",
    "DEFAULT_CONSEQUENCE_FUNCTIONS",
    "DEFAULT_FA_CONDITION_FUNCTIONS",
    "FUNCTIONS",
    "LRR_SCALES",
    "NAP_SE_METHODS",
    "SMD_SD_METHODS",
    "TAU_U_METHODS",
    "TREND_METHODS",
    "ABCSummary",
    "CelerationFit",
    "ConditionSummary",
    "EffectSize",
    "FunctionEstimate",
    "FunctionalAnalysisSummary",
    "IOACoverage",
    "IOAPair",
    "IOARecord",
    "IntervalCounts",
    "LevelChange",
    "MasteryResult",
    "MasterySession",
    "PhaseSummary",
    "ScatterplotMatrix",
    "TrendLine",
    "abc_conditional_probabilities",
    "bin_event_counts",
    "celeration",
    "celeration_fit",
    "cohen_kappa",
    "dtt_percent_correct",
    "evaluate_mastery",
    "fidelity_all_or_nothing_by_component",
    "fidelity_all_or_nothing_by_trial",
    "fidelity_individual_component",
    "fidelity_percent",
    "functional_analysis_summary",
    "ioa_caseload_summary",
    "ioa_exact_count_per_interval",
    "ioa_interval_by_interval",
    "ioa_mean_count_per_interval",
    "ioa_mean_duration_per_occurrence",
    "ioa_scored_interval",
    "ioa_total_count",
    "ioa_total_duration",
    "ioa_trial_by_trial",
    "ioa_unscored_interval",
    "ird",
    "kendall_tau_b",
    "level_change",
    "likely_function",
    "lor",
    "lrm",
    "lrr",
    "mastery_met",
    "nap",
    "ols_slope",
    "p_behavior_given_antecedent",
    "p_consequence_given_behavior",
    "pair_ioa_sessions",
    "paired_interval_counts",
    "pand",
    "pem",
    "pet",
    "phase_summaries",
    "phase_summary",
    "pnd",
    "pogo",
    "scatterplot_matrix",
    "sessions_to_mastery",
    "smd",
    "split_middle_slope",
    "tau",
    "tau_bc",
    "tau_trend",
    "tau_u",
    "theil_sen_line",
    "theil_sen_slope",
    "trend_line",
]
