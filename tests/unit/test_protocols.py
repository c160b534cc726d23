"""Tests for bdc.protocols and the protocols/ library itself."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from bdc.measurement_params import (
    EVENT_KINDS_BY_MEASUREMENT,
    MEASUREMENTS,
    validate_mastery,
    validate_params,
)
from bdc.protocols import (
    IOA_MEASURES_BY_MEASUREMENT,
    LOCK_FILE,
    PROTOCOLS_DIR_ENV,
    ProtocolError,
    check_library,
    default_root,
    file_sha256,
    load_library,
    load_protocol,
    lock_entries,
    plan_from_protocol,
    target_from_protocol,
)

LIBRARY = Path(__file__).resolve().parents[2] / "protocols"
LIBRARY_FILES = sorted(LIBRARY.rglob("*.yaml"))


def library_protocols(kind: str) -> list:
    """The library's latest protocols of one kind, for parametrizing; [] if it does not load.

    A broken library then fails test_library_loads_and_check_is_clean with its message,
    instead of breaking test collection.
    """
    try:
        return list(load_library(LIBRARY).latest(kind))
    except ProtocolError:
        return []


MEASUREMENT = {
    "id": "hitting-frequency",
    "version": 1,
    "kind": "measurement",
    "title": "Hitting, frequency",
    "source": ["Cooper, J. O., Heron, T. E., & Heward, W. L. (2020). Applied behavior analysis."],
    "status": "published",
    "target": {
        "name": "Hitting",
        "definition": "Open or closed hand forcefully contacts another person.",
        "examples": ["Slapping a peer's arm"],
        "non_examples": ["A high five"],
        "measurement": "frequency",
        "direction": "decrease",
    },
    "procedure": ["Tap once per instance."],
}
MTS = {
    **MEASUREMENT,
    "id": "on-task",
    "target": {
        **MEASUREMENT["target"],
        "name": "On-task",
        "measurement": "momentary_time_sampling",
        "params": {"interval_seconds": 10, "observation_minutes": 10},
        "direction": "increase",
        "mastery": {"percent": 80, "consecutive": 3},
    },
}
PLAN = {
    "id": "fct",
    "version": 1,
    "kind": "plan",
    "title": "FCT",
    "source": ["Carr, E. G., & Durand, V. M. (1985). Functional communication training."],
    "status": "published",
    "function": "escape",
    "strategies": ["Teach a break request."],
    "checklist": ["Break card within reach.", "Break within 3 s of the request."],
}
IOA = {
    "id": "ioa",
    "version": 1,
    "kind": "ioa",
    "title": "IOA",
    "source": ["Cooper, J. O., Heron, T. E., & Heward, W. L. (2020). Applied behavior analysis."],
    "status": "published",
    "share_of_sessions": 25,
    "minimum_agreement": 80,
    "measures": {"frequency": ["total_count"], "dtt": ["trial_by_trial"]},
    "procedure": ["Observe independently."],
}
FOLDER = {"measurement": "measurement", "plan": "plans", "ioa": "ioa"}


def write(root: Path, data: dict, name: str | None = None, folder: str | None = None) -> Path:
    """Write ``data`` as a protocol file under ``root`` and return its path."""
    folder = folder or FOLDER.get(data.get("kind"), "measurement")
    name = name or f"{data['id']}.v{data['version']}.yaml"
    path = root / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def lock(root: Path) -> None:
    """Append lock lines for every published file not yet locked."""
    lines = lock_entries(root)
    with (root / LOCK_FILE).open("a", encoding="utf-8") as handle:
        handle.writelines(f"{line}\n" for line in lines)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A small valid library (one protocol of each kind) with its lock file."""
    root = tmp_path / "protocols"
    for data in (MEASUREMENT, MTS, PLAN, IOA):
        write(root, data)
    lock(root)
    return root


def error_for(root: Path) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        load_library(root)
    return caught.value


def changed(data: dict, path: str, value: object = ...) -> dict:
    """A deep copy of ``data`` with the dotted ``path`` set to ``value`` (deleted if ...)."""
    data = copy.deepcopy(data)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[part]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data


# --- the real library ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: p.name)
def test_every_library_file_loads_and_validates(path):
    protocol = load_protocol(path, LIBRARY)
    assert path.name == f"{protocol.id}.v{protocol.version}.yaml"
    assert protocol.source, "every entry cites its source"
    assert protocol.published


def test_library_loads_and_check_is_clean():
    library = load_library()
    assert check_library() == []
    assert len(library) == len(LIBRARY_FILES)
    counts = {kind: len(library.latest(kind)) for kind in ("measurement", "plan", "ioa")}
    assert counts["measurement"] >= 7
    assert counts["plan"] >= 5
    assert counts["ioa"] >= 1
    assert sum(counts.values()) >= 14


def test_default_root_is_the_repository_folder(monkeypatch):
    monkeypatch.delenv(PROTOCOLS_DIR_ENV, raising=False)
    assert default_root() == LIBRARY


def test_env_var_overrides_root(root, monkeypatch):
    monkeypatch.setenv(PROTOCOLS_DIR_ENV, str(root))
    assert default_root() == root.resolve()
    assert {p.id for p in load_library().all()} == {"hitting-frequency", "on-task", "fct", "ioa"}
    assert check_library() == []


def test_library_measurements_cover_the_issue():
    library = load_library(LIBRARY)
    by_type = {p.body["target"]["measurement"] for p in library.latest("measurement")}
    for needed in ("frequency", "momentary_time_sampling", "dtt", "task_analysis", "abc"):
        assert needed in by_type
    dtt = [p for p in library.latest("measurement") if p.body["target"]["measurement"] == "dtt"]
    assert any(
        list(p.body["target"]["params"]["prompt_levels"])
        == ["independent", "gestural", "model", "partial_physical", "full_physical"]
        for p in dtt
    )


@pytest.mark.parametrize("protocol", library_protocols("measurement"), ids=lambda p: p.id)
def test_target_from_library_protocol_is_a_valid_target(protocol):
    target = target_from_protocol(protocol)
    assert set(target) == {
        "name",
        "definition",
        "measurement",
        "params",
        "direction",
        "mastery",
        "protocol_id",
        "protocol_version",
    }
    assert validate_params(target["measurement"], target["params"]) == target["params"]
    assert (
        validate_mastery(target["measurement"], target["direction"], target["mastery"])
        == target["mastery"]
    )
    assert target["measurement"] in EVENT_KINDS_BY_MEASUREMENT
    assert (target["protocol_id"], target["protocol_version"]) == (protocol.id, protocol.version)
    assert "Examples: " in target["definition"]
    assert "Non-examples: " in target["definition"]
    # The API's Target schema limits (docs/api.md, bdc.api.schemas).
    assert len(target["definition"]) <= 4000
    assert len(target["name"]) <= 200


@pytest.mark.parametrize("protocol", library_protocols("plan"), ids=lambda p: p.id)
def test_plan_templates_have_observable_checklists(protocol):
    plan = plan_from_protocol(protocol)
    assert set(plan) == {
        "title",
        "function",
        "strategies",
        "checklist",
        "criterion",
        "protocol_id",
        "protocol_version",
    }
    assert 6 <= len(plan["checklist"]) <= 12
    # The API's Plan schema limits: at most 400 characters a strategy or step.
    assert all(len(item) <= 400 for item in plan["strategies"] + plan["checklist"])
    assert len(plan["title"]) <= 200
    assert plan["criterion"] == 90
    assert all(isinstance(step, str) and step for step in plan["checklist"])


def test_ioa_procedure_covers_every_measurement():
    (ioa,) = load_library(LIBRARY).latest("ioa")
    assert set(ioa.body["measures"]) == set(MEASUREMENTS)
    assert 20 <= ioa.body["share_of_sessions"] <= 33
    assert ioa.body["minimum_agreement"] == 80


# --- library behaviour --------------------------------------------------------------------------


def test_get_latest_and_versions(root):
    v2 = changed(MEASUREMENT, "version", 2)
    v2["changes"] = "Adds kicking."
    write(root, v2)
    draft = changed(MEASUREMENT, "version", 3)
    draft.update(changes="Under review.", status="draft")
    write(root, draft)
    library = load_library(root)
    assert library.get("hitting-frequency").version == 2
    assert library.get("hitting-frequency", 1).version == 1
    assert library.get("hitting-frequency", 3).status == "draft"
    assert library.versions("hitting-frequency") == (1, 2, 3)
    assert [p.id for p in library.latest()] == ["hitting-frequency", "on-task", "fct", "ioa"]
    assert len(library.all()) == 6
    assert "fct" in library
    with pytest.raises(KeyError):
        library.get("nope")
    with pytest.raises(KeyError):
        library.get("fct", 2)
    with pytest.raises(ValueError, match="draft"):
        target_from_protocol(library.get("hitting-frequency", 3))


def test_protocol_is_frozen(root):
    protocol = load_library(root).get("on-task")
    with pytest.raises(AttributeError):
        protocol.version = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        protocol.body["title"] = "x"  # type: ignore[index]
    # The helpers hand out copies that callers may change.
    target = target_from_protocol(protocol)
    target["params"]["interval_seconds"] = 99
    assert protocol.body["target"]["params"]["interval_seconds"] == 10


def test_target_and_plan_from_protocol(root):
    library = load_library(root)
    target = target_from_protocol(library.get("on-task"))
    assert target["params"] == {"interval_seconds": 10, "observation_minutes": 10}
    assert target["mastery"] == {
        "percent": 80,
        "consecutive": 3,
        "min_trials": 0,
        "min_observers": 1,
    }
    assert target["definition"].startswith("Open or closed hand")
    assert target["protocol_id"] == "on-task"
    plan = plan_from_protocol(library.get("fct"))
    assert plan == {
        "title": "FCT",
        "function": "escape",
        "strategies": ["Teach a break request."],
        "checklist": ["Break card within reach.", "Break within 3 s of the request."],
        "criterion": 90,
        "protocol_id": "fct",
        "protocol_version": 1,
    }
    with pytest.raises(ValueError, match="not a plan"):
        plan_from_protocol(library.get("on-task"))
    with pytest.raises(ValueError, match="not a measurement"):
        target_from_protocol(library.get("fct"))


def test_missing_root(tmp_path):
    with pytest.raises(ProtocolError, match="not found"):
        load_library(tmp_path / "nowhere")
    assert check_library(tmp_path / "nowhere")[0].endswith("protocols folder not found")


# --- malformed files name the file and the key --------------------------------------------------

MALFORMED = [
    # (description, data, file name, key path, message fragment)
    ("unknown top-level key", {**MEASUREMENT, "colour": "red"}, None, "colour", "unknown key"),
    (
        "unknown nested key",
        changed(MEASUREMENT, "target.colour", "red"),
        None,
        "target.colour",
        "unknown key",
    ),
    (
        "unknown params key",
        changed(MTS, "target.params.seconds", 10),
        None,
        "target.params.seconds",
        "unknown key",
    ),
    ("missing title", changed(MEASUREMENT, "title"), None, "title", "required"),
    (
        "missing definition",
        changed(MEASUREMENT, "target.definition"),
        None,
        "target.definition",
        "required",
    ),
    ("missing checklist", changed(PLAN, "checklist"), None, "checklist", "required"),
    (
        "bad measurement",
        changed(MEASUREMENT, "target.measurement", "tally"),
        None,
        "target.measurement",
        "not one of",
    ),
    (
        "MTS without interval_seconds",
        changed(MTS, "target.params.interval_seconds"),
        None,
        "target.params.interval_seconds",
        "required for momentary_time_sampling",
    ),
    (
        "dtt without prompt_levels",
        changed(MEASUREMENT, "target.measurement", "dtt"),
        None,
        "target.params.prompt_levels",
        "required for dtt",
    ),
    (
        "duration without onset",
        changed(MEASUREMENT, "target.measurement", "duration"),
        None,
        "target.onset",
        "required for duration",
    ),
    (
        "mastery on a frequency target",
        changed(MEASUREMENT, "target.mastery", {"percent": 80, "consecutive": 3}),
        None,
        "target.mastery",
        "percentage measurements",
    ),
    (
        "mastery percent out of range",
        changed(MTS, "target.mastery.percent", 120),
        None,
        "target.mastery.percent",
        "at most 100",
    ),
    ("bad direction", changed(MEASUREMENT, "target.direction", "up"), None, "target.direction", ""),
    ("bad kind", changed(MEASUREMENT, "kind", "goal"), None, "kind", "not one of"),
    ("bad status", changed(MEASUREMENT, "status", "final"), None, "status", "not one of"),
    ("bad function", changed(PLAN, "function", "sensory"), None, "function", "not one of"),
    ("empty checklist", changed(PLAN, "checklist", []), None, "checklist", "1 to 40"),
    ("checklist item", changed(PLAN, "checklist", ["ok", 7]), None, "checklist[1]", "string"),
    ("criterion", changed(PLAN, "criterion", 0), None, "criterion", "greater than 0"),
    ("long strategy", changed(PLAN, "strategies", ["x" * 401]), None, "strategies[0]", "400"),
    (
        "definition too long for a target",
        changed(MEASUREMENT, "target.non_examples", [f"{i} " + "x" * 190 for i in range(25)]),
        None,
        "target.definition",
        "at most 4000",
    ),
    ("bad id", changed(PLAN, "id", "FCT_escape"), "FCT_escape.v1.yaml", "id", "slug"),
    ("version zero", changed(PLAN, "version", 0), "fct.v0.yaml", "version", ">= 1"),
    (
        "version mismatch",
        changed(MEASUREMENT, "version", 2) | {"changes": "x"},
        "hitting-frequency.v1.yaml",
        "version",
        "disagrees with the file name",
    ),
    ("id mismatch", MEASUREMENT, "hitting.v1.yaml", "id", "disagrees with the file name"),
    ("v2 without changes", changed(PLAN, "version", 2), None, "changes", "required"),
    ("citation without year", changed(PLAN, "source", ["Carr and Durand"]), None, "source[0]", ""),
    (
        "unknown IOA measure",
        changed(IOA, "measures.frequency", ["kappa"]),
        None,
        "measures.frequency[0]",
        "not one of",
    ),
    (
        "IOA measure of another type",
        changed(IOA, "measures.dtt", ["total_duration"]),
        None,
        "measures.dtt[0]",
        "not one of",
    ),
    (
        "count-per-interval without block length",
        changed(IOA, "measures.frequency", ["mean_count_per_interval"]),
        None,
        "count_interval_seconds",
        "required",
    ),
]


@pytest.mark.parametrize(
    ("data", "name", "key", "fragment"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_file_names_file_and_key(root, data, name, key, fragment):
    path = write(root, data, name)
    error = error_for(root)
    shown = f"protocols/{path.relative_to(root).as_posix()}"
    assert error.file == shown
    assert error.key == key
    assert str(error).startswith(f"{shown}: {key}: ")
    assert fragment in error.message
    # check_library reports the same problem.
    assert any(problem.startswith(f"{shown}: {key}: ") for problem in check_library(root))


def test_mts_error_message_reads_like_the_documentation(root):
    path = write(root, changed(MTS, "target.params.interval_seconds"))
    assert str(error_for(root)) == (
        f"protocols/measurement/{path.name}: target.params.interval_seconds: "
        "required for momentary_time_sampling"
    )


def test_dtt_prompt_levels_must_start_with_independent(root):
    data = changed(MEASUREMENT, "target.measurement", "dtt")
    data["target"]["params"] = {"prompt_levels": ["gestural", "independent"]}
    write(root, data)
    error = error_for(root)
    assert error.key == "target.params.prompt_levels"
    assert "first" in error.message


def test_duplicate_id_and_version(root):
    write(root, MEASUREMENT, folder="measurement/copies")
    error = error_for(root)
    assert error.key == "id"
    assert "duplicate id 'hitting-frequency' version 1" in error.message
    assert error.file.endswith("hitting-frequency.v1.yaml")


def test_id_keeps_its_kind_across_versions(root):
    plan = changed(PLAN, "id", "hitting-frequency") | {"version": 2, "changes": "x"}
    write(root, plan)
    error = error_for(root)
    assert error.key == "kind"
    assert error.file == "protocols/plans/hitting-frequency.v2.yaml"


def test_kind_must_match_folder(root):
    write(root, changed(PLAN, "id", "fct-two"), folder="measurement")
    error = error_for(root)
    assert (error.file, error.key) == ("protocols/measurement/fct-two.v1.yaml", "kind")


@pytest.mark.parametrize(
    ("relative", "message"),
    [
        ("extra/x.v1.yaml", "must be under"),
        ("x.v1.yaml", "must be under"),
        ("plans/x.v1.yml", ".yaml"),
    ],
)
def test_stray_yaml_files(root, relative, message):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(PLAN), encoding="utf-8")
    error = error_for(root)
    assert error.file == f"protocols/{relative}"
    assert message in error.message


def test_duplicate_yaml_key(root):
    path = root / "plans" / "dup.v1.yaml"
    text = yaml.safe_dump(changed(PLAN, "id", "dup"), sort_keys=False)
    path.write_text(text + "function: attention\n", encoding="utf-8")
    error = error_for(root)
    assert error.file == "protocols/plans/dup.v1.yaml"
    assert "duplicate key 'function'" in error.message


@pytest.mark.parametrize("text", ["key: [unclosed\n", "- a list\n- not a mapping\n", ""])
def test_unparsable_or_non_mapping_file(root, text):
    (root / "plans" / "bad.v1.yaml").write_text(text, encoding="utf-8")
    error = error_for(root)
    assert error.file == "protocols/plans/bad.v1.yaml"


def test_yaml_booleans_are_not_strings(root):
    # YAML 1.1 reads a bare "no" as false; it must fail, not become the string "False".
    write(root, changed(PLAN, "checklist", ["Break card within reach.", False]))
    assert error_for(root).key == "checklist[1]"


def test_load_library_counts_further_problems(root):
    write(root, changed(PLAN, "id", "a") | {"colour": 1})
    write(root, changed(PLAN, "id", "b") | {"colour": 1})
    error = error_for(root)
    assert "and 1 more" in str(error)
    # A file that fails validation is reported once, not also as "missing from the lock".
    assert len(check_library(root)) == 2


# --- versions and the lock file -----------------------------------------------------------------


def test_edited_published_file_is_detected(root):
    path = root / "plans" / "fct.v1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("FCT", "FCT (edited)"), "utf-8")
    load_library(root)  # still valid YAML: loading works, the check does not
    problems = check_library(root)
    assert len(problems) == 1
    assert problems[0].startswith("protocols/plans/fct.v1.yaml: edited after publication")
    assert "add fct.v2.yaml instead" in problems[0]


def test_line_endings_do_not_count_as_edits(root):
    path = root / "plans" / "fct.v1.yaml"
    before = file_sha256(path)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert file_sha256(path) == before
    assert check_library(root) == []


def test_new_version_needs_a_lock_line(root):
    v2 = changed(PLAN, "version", 2) | {"changes": "Adds a step.", "checklist": ["a", "b", "c"]}
    path = write(root, v2)
    problems = check_library(root)
    assert problems == [
        "protocols/plans/fct.v2.yaml: published but not in published.lock; "
        "append its line from lock_entries() (see protocols/README.md)"
    ]
    assert lock_entries(root) == [f"fct 2 {file_sha256(path)}"]
    lock(root)
    assert check_library(root) == []
    assert lock_entries(root) == []


def test_lock_entries_never_regenerates_existing_lines(root):
    path = root / "plans" / "fct.v1.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "notes: sneaky edit\n", "utf-8")
    assert lock_entries(root) == []
    assert any("edited after publication" in p for p in check_library(root))


def test_drafts_need_no_lock_line(root):
    draft = changed(PLAN, "version", 2) | {"changes": "Draft.", "status": "draft"}
    write(root, draft)
    assert check_library(root) == []
    assert lock_entries(root) == []
    assert load_library(root).get("fct").version == 1


def test_deleted_published_file_is_detected(root):
    (root / "plans" / "fct.v1.yaml").unlink()
    problems = check_library(root)
    assert problems == [
        "protocols/published.lock: fct v1: file missing; published versions are never deleted"
    ]


def test_version_gap_is_detected(root):
    write(root, changed(PLAN, "version", 3) | {"changes": "x"})
    lock(root)
    assert check_library(root) == ["protocols: fct: missing version(s) 2"]


def test_locked_version_set_back_to_draft(root):
    path = root / "plans" / "fct.v1.yaml"
    path.write_text(path.read_text("utf-8").replace("status: published", "status: draft"), "utf-8")
    problems = check_library(root)
    assert len(problems) == 1
    assert "edited after publication" in problems[0]


def test_malformed_lock_lines(root):
    with (root / LOCK_FILE).open("a", encoding="utf-8") as handle:
        handle.write("# a comment\n\nfct 1\n")
        handle.write((root / LOCK_FILE).read_text("utf-8").splitlines()[0] + "\n")
    problems = check_library(root)
    assert any("line " in p and "expected '<id> <version> <sha256>'" in p for p in problems)
    assert any("listed twice" in p for p in problems)


def test_library_lock_matches_every_published_file():
    lines = [
        line.split()
        for line in (LIBRARY / LOCK_FILE).read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    locked = {(id_, int(version)): digest for id_, version, digest in lines}
    for protocol in load_library(LIBRARY).all():
        if protocol.published:
            assert locked[(protocol.id, protocol.version)] == file_sha256(protocol.path), (
                f"{protocol.path.name} was edited after publication; add a new version instead"
            )


def test_ioa_measure_table_is_consistent():
    assert set(IOA_MEASURES_BY_MEASUREMENT) == set(MEASUREMENTS)


def test_copied_library_checks_clean(tmp_path):
    copy_root = tmp_path / "protocols"
    shutil.copytree(LIBRARY, copy_root)
    assert check_library(copy_root) == []


def test_broken_version_is_not_also_reported_missing(root):
    write(root, changed(PLAN, "version", 2) | {"changes": "x", "colour": 1})
    assert check_library(root) == [
        "protocols/plans/fct.v2.yaml: colour: unknown key (allowed: id, version, kind, title, "
        "source, status, function, strategies, checklist, notes, changes, criterion)"
    ]
