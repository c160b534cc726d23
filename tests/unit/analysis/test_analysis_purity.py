"""bdc.analysis and bdc.measures are pure: no Flask, no database, no plotting, no I/O.

``bdc/__init__.py`` is the Flask app factory, so importing ``bdc.analysis`` normally imports
Flask through its parent package. The import test therefore loads the two modules under a stub
``bdc`` package in a fresh interpreter: whatever they pull in, they pull in themselves.
"""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

import bdc.analysis as analysis

ROOT = Path(__file__).resolve().parents[3]
PKG = ROOT / "bdc"

_PROBE = r"""
import json, sys, types
pkg = types.ModuleType("bdc")
pkg.__path__ = [sys.argv[1]]
sys.modules["bdc"] = pkg
before = set(sys.modules)
import bdc.analysis, bdc.measures
loaded = sorted(set(sys.modules) - before)
print(json.dumps(loaded))
"""


def test_importing_analysis_and_measures_pulls_in_no_web_db_or_plotting_library():
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(PKG)],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(ROOT),
    )
    loaded = json.loads(out.stdout)
    roots = {name.split(".")[0] for name in loaded}
    for forbidden in ("flask", "sqlalchemy", "flask_sqlalchemy", "matplotlib", "werkzeug"):
        assert forbidden not in roots, f"{forbidden} imported by bdc.analysis / bdc.measures"
    assert "bdc.analysis" in loaded
    assert "bdc.measures" in loaded


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize(
    "path",
    [*sorted((PKG / "analysis").glob("*.py")), PKG / "measures.py"],
    ids=lambda p: p.name,
)
def test_sources_import_only_stdlib_numpy_scipy_and_bdc(path):
    allowed = set(sys.stdlib_module_names) | {"numpy", "scipy", "bdc", "__future__"}
    assert _imported_roots(path) <= allowed


def test_analysis_modules_import_nothing_from_bdc_outside_analysis():
    for path in (PKG / "analysis").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bdc"):
                assert node.module.startswith("bdc.analysis"), (path.name, node.module)


def test_no_file_or_network_io_in_analysis_sources():
    banned = ("open(", "urlopen", "socket", "requests.", "Path(")
    for path in [*sorted((PKG / "analysis").glob("*.py")), PKG / "measures.py"]:
        text = path.read_text(encoding="utf-8")
        for word in banned:
            assert word not in text, (path.name, word)


# Every name of ANALYSIS.md's tables, with the keyword names of its "inputs" column.
ANALYSIS_MD_SIGNATURES = {
    "ioa_total_count": ("observer1", "observer2"),
    "ioa_mean_count_per_interval": ("observer1", "observer2"),
    "ioa_exact_count_per_interval": ("observer1", "observer2"),
    "ioa_trial_by_trial": ("observer1", "observer2"),
    "ioa_total_duration": ("observer1", "observer2"),
    "ioa_mean_duration_per_occurrence": ("observer1", "observer2"),
    "ioa_interval_by_interval": ("observer1", "observer2"),
    "ioa_scored_interval": ("observer1", "observer2"),
    "ioa_unscored_interval": ("observer1", "observer2"),
    "cohen_kappa": ("observer1", "observer2"),
    # ANALYSIS.md's variant names are options of one function per family (docs/analysis.md
    # maps each name to its call, e.g. pem_strict -> pem(..., ties="zero"))
    "nap": ("baseline", "treatment", "direction", "se", "confidence"),
    "pnd": ("baseline", "treatment", "direction"),
    "pem": ("baseline", "treatment", "direction", "ties"),
    "pand": ("baseline", "treatment", "direction", "method"),
    "ird": ("baseline", "treatment", "direction"),
    "tau": ("baseline", "treatment", "direction", "kendall", "se", "confidence"),
    "tau_trend": ("values", "method"),
    "tau_u": ("baseline", "treatment", "direction", "method", "trend_a", "trend_b"),
    "kendall_tau_b": ("x", "y"),
    "tau_bc": ("baseline", "treatment", "direction", "kendall", "se", "confidence"),
    "smd": ("baseline", "treatment", "direction", "sd", "correction", "confidence"),
    "lrr": (
        "baseline",
        "treatment",
        "direction",
        "version",
        "scale",
        "observation_length",
        "intervals",
        "correction",
        "percent_change",
        "confidence",
    ),
    "lor": ("baseline", "treatment", "direction", "scale", "intervals", "correction"),
    "lrm": ("baseline", "treatment", "direction", "delta_method", "confidence"),
    "pogo": ("baseline", "treatment", "goal", "confidence"),
    "pet": ("baseline", "treatment", "direction", "sessions", "band"),
    "ols_slope": ("values", "sessions"),
    "split_middle_slope": ("values", "sessions"),
    "celeration": ("rates", "days"),
    "fidelity_percent": ("steps",),
    "fidelity_individual_component": ("trials",),
    "fidelity_all_or_nothing_by_trial": ("trials",),
    "fidelity_all_or_nothing_by_component": ("trials",),
    "dtt_percent_correct": ("trials",),
    "sessions_to_mastery": ("session_percentages", "criterion", "consecutive"),
    "mastery_met": ("session_percentages", "criterion", "consecutive"),
}

# Names the other engineers call (the brief's interface list).
INTERFACE_SIGNATURES = {
    "trend_line": ("values", "sessions", "method"),
    "celeration_fit": ("rates", "days"),
    "phase_summary": ("values", "sessions"),
    "evaluate_mastery": ("sessions", "criterion", "consecutive", "min_trials", "min_observers"),
}


@pytest.mark.parametrize(
    "name,params", sorted({**ANALYSIS_MD_SIGNATURES, **INTERFACE_SIGNATURES}.items())
)
def test_every_listed_name_is_public_with_the_documented_keywords(name, params):
    assert name in analysis.__all__
    fn = getattr(analysis, name)
    assert callable(fn)
    sig = inspect.signature(fn)
    for p in params:
        assert p in sig.parameters, f"{name} lacks keyword {p}"
        assert sig.parameters[p].kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        )
    # options (anything after the data arguments) are keyword-only
    first = next(iter(sig.parameters))
    data = {"baseline", "treatment", "observer1", "observer2", "x", "y"}
    for p in params:
        if p != first and p not in data:
            assert sig.parameters[p].kind is inspect.Parameter.KEYWORD_ONLY, (name, p)


def test_all_exports_resolve_and_public_functions_have_numpydoc_docstrings():
    for name in analysis.__all__:
        obj = getattr(analysis, name)
        if inspect.isfunction(obj):
            doc = inspect.getdoc(obj) or ""
            assert "Returns" in doc or "See Also" in doc, name


def test_dataclass_results_are_frozen():
    import dataclasses

    for cls in (
        analysis.TrendLine,
        analysis.CelerationFit,
        analysis.PhaseSummary,
        analysis.MasteryResult,
        analysis.LevelChange,
        analysis.IntervalCounts,
        analysis.IOAPair,
        analysis.IOACoverage,
        analysis.FunctionEstimate,
        analysis.ABCSummary,
        analysis.ScatterplotMatrix,
        analysis.FunctionalAnalysisSummary,
        analysis.EffectSize,
    ):
        assert dataclasses.is_dataclass(cls)
        assert cls.__dataclass_params__.frozen, cls.__name__


def test_trend_line_and_fit_field_names_match_the_interface():
    import dataclasses

    def names(c):
        return tuple(f.name for f in dataclasses.fields(c))

    assert names(analysis.TrendLine) == ("slope", "intercept", "method")
    assert names(analysis.CelerationFit) == (
        "celeration",
        "slope_log10_per_day",
        "intercept_log10",
    )
    assert names(analysis.PhaseSummary) == (
        "n",
        "mean",
        "median",
        "sd",
        "minimum",
        "maximum",
        "slope",
    )
