"""The demo's data files (``bdc/demo_data/*.yaml``) and the checks that read them.

Each bad-entry test edits a copy of the shipped file and expects a ``DemoDataError`` naming
the file and the key, so a clinician editing the demo sees where the mistake is.
"""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from bdc.demo_specs import (
    ClientSpec,
    DemoDataError,
    PhaseSpec,
    TargetSpec,
    load_caseload,
    load_documentation_texts,
)
from bdc.measurement_params import MEASUREMENTS

_DATA = resources.files("bdc") / "demo_data"
CASELOAD = yaml.safe_load((_DATA / "caseload.yaml").read_text(encoding="utf-8"))
DOCUMENTATION = yaml.safe_load((_DATA / "documentation.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: Any, name: str = "caseload.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _edited(edit) -> dict[str, Any]:
    data = copy.deepcopy(CASELOAD)
    edit(data)
    return data


def test_the_shipped_caseload_loads_into_the_specs():
    caseload = load_caseload()
    assert [c.code for c in caseload.learners] == [f"DEMO-0{n}" for n in range(1, 6)]
    assert all(isinstance(c, ClientSpec) for c in caseload.learners)
    targets = [t for c in caseload.learners for t in c.targets]
    assert all(isinstance(t, TargetSpec) for t in targets)
    assert {t.measurement for t in targets} == set(MEASUREMENTS)
    aggression = targets[0]
    assert aggression.phases[1] == PhaseSpec(14, "intervention", "FCT + extinction")
    assert aggression.level == (8.0, 0.8) and isinstance(aggression.level[0], float)
    assert aggression.params == {} and aggression.burst is True
    # A folded YAML block becomes one line, as the API would store it.
    assert "\n" not in aggression.definition and aggression.definition.endswith("during play.")
    assert ("parent", "caregiver", "Morgan Parent (demo)") in caseload.staff


def test_the_shipped_documentation_texts_load():
    texts = load_documentation_texts()
    assert texts.credentials["bcba"] == "BCBA"
    assert texts.barriers[0] == "None noted." and len(texts.barriers) > 1
    assert texts.group_topics == ("reinforcer assessment", "ethics: confidentiality")


@pytest.mark.parametrize(
    ("edit", "key", "message"),
    [
        (lambda d: d.pop("password"), "password", "required"),
        (lambda d: d.update(pasword="x"), "pasword", "unknown key"),
        (
            lambda d: d["learners"][1]["targets"][0].update(measurement="frequencies"),
            "learners[1].targets[0].measurement",
            "must be one of",
        ),
        (
            lambda d: d["learners"][2]["targets"][0]["params"].pop("interval_seconds"),
            "learners[2].targets[0].params",
            "interval_seconds",
        ),
        (
            lambda d: d["learners"][0]["targets"][2]["mastery"].update(percent=180),
            "learners[0].targets[2].mastery",
            "percent",
        ),
        (
            lambda d: d["learners"][0]["targets"][0].update(level=[8.0]),
            "learners[0].targets[0].level",
            "list of 2 items",
        ),
        (
            lambda d: d["learners"][0]["targets"][0].update(level=[8.0, "low"]),
            "learners[0].targets[0].level[1]",
            "must be a number",
        ),
        (
            lambda d: d["learners"][0].update(age=6.5),
            "learners[0].age",
            "whole number",
        ),
        (
            lambda d: d["learners"][0]["targets"][0]["phases"][1].update(kind="treatment"),
            "learners[0].targets[0].phases[1].kind",
            "must be one of",
        ),
        (
            lambda d: d["learners"][0]["targets"][0]["phases"].reverse(),
            "learners[0].targets[0].phases",
            "baseline at day 0",
        ),
        (
            lambda d: d["learners"][0]["targets"][0].update(burst="yes"),
            "learners[0].targets[0].burst",
            "true or false",
        ),
        (
            lambda d: d["learners"][1]["targets"][0].pop("extra"),
            "learners[1].targets[0].extra",
            "duration targets only",
        ),
        (
            lambda d: d["learners"][3]["targets"][1]["params"]["behaviors"].pop(),
            "learners[3].targets[1].params.behaviors",
            "must list 3 options",
        ),
        (lambda d: d["learners"][0].update(technician="tech9"), "learners[0].technician", "staff"),
        (
            lambda d: d["learners"][0].update(technician="therapist"),
            "learners[0].technician",
            "technician",
        ),
        (lambda d: d["staff"].pop(), "staff", "caregiver 'parent'"),
        (lambda d: d["staff"].append(d["staff"][0]), "staff[7].username", "duplicate"),
        (lambda d: d.update(home_client="DEMO-09"), "home_client", "not a learner"),
        (lambda d: d["learners"][1].update(code="DEMO-01"), "learners[1].code", "duplicate"),
        (lambda d: d["learners"][1].update(settings=[]), "learners[1].settings", "at least one"),
        (lambda d: d["learners"][0]["plan"].pop("checklist"), "learners[0].plan.checklist", ""),
        (lambda d: d["staff"][0].update(role="owner"), "staff[0].role", "must be one of"),
        (lambda d: d.update(home_target="Toothbrushing"), "home_target", "not a target"),
        (lambda d: d["target_notes"].pop("rating"), "target_notes", "rating"),
    ],
)
def test_a_bad_caseload_entry_names_the_file_and_key(tmp_path, edit, key, message):
    path = _write(tmp_path, _edited(edit))
    with pytest.raises(DemoDataError) as caught:
        load_caseload(path)
    error = caught.value
    assert (error.file, error.key) == (str(path), key)
    assert message in error.message
    assert str(error).startswith(f"{path}: {key}: ")


def test_a_duplicate_key_is_refused_not_silently_overwritten(tmp_path):
    path = tmp_path / "caseload.yaml"
    path.write_text("password: a\npassword: b\n", encoding="utf-8")
    with pytest.raises(
        DemoDataError, match=r"caseload.yaml: invalid YAML: .*duplicate key 'password'"
    ):
        load_caseload(path)


def test_an_unreadable_file_is_named(tmp_path):
    with pytest.raises(DemoDataError, match=r"missing.yaml: cannot read"):
        load_caseload(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("edit", "key", "message"),
    [
        (lambda d: d["credentials"].pop("technician"), "credentials", "technician"),
        (lambda d: d["credentials"].update(nurse="RN"), "credentials.nurse", "not a role"),
        (lambda d: d.update(barriers="None noted."), "barriers", "must be a list"),
        (lambda d: d.update(barriers=["None noted."]), "barriers", "after the first"),
        (lambda d: d["plan_next"].append(""), "plan_next[3]", "non-empty string"),
    ],
)
def test_a_bad_documentation_entry_names_the_file_and_key(tmp_path, edit, key, message):
    data = copy.deepcopy(DOCUMENTATION)
    edit(data)
    path = _write(tmp_path, data, "documentation.yaml")
    with pytest.raises(DemoDataError) as caught:
        load_documentation_texts(path)
    assert (caught.value.file, caught.value.key) == (str(path), key)
    assert message in caught.value.message
