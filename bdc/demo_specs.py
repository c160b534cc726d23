"""The demo's data, read from YAML: ``bdc/demo_data/caseload.yaml`` and ``documentation.yaml``.

The demo caseload is data, not code: learners, staff, targets with their measurement
parameters, phases, levels, plans and the texts of notes live in the two YAML files shipped
with the package; :mod:`bdc.demo` and :mod:`bdc.demo_documentation` hold only the seeded
random process that turns them into sessions. This module reads a file into the frozen
dataclasses below and checks it: a bad entry raises :class:`DemoDataError` naming the file
and the key (``caseload.yaml: learners[1].targets[0].params: interval_seconds: required``).

Reading is generic: each dataclass (or NamedTuple) field's annotation says what the YAML
value must be; required fields are those without a default; unknown keys are refused. The
clinical checks come after: measurement types, directions, phase kinds and roles from the
models, and every target's ``params`` and ``mastery`` through :mod:`bdc.measurement_params`,
the same rules the API applies.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from bdc.measurement_params import MEASUREMENTS, ParamsError, validate_mastery, validate_params
from bdc.models import PHASE_KINDS, ROLES
from bdc.protocols import StrictYamlLoader

__all__ = [
    "CaseloadSpec",
    "ClientSpec",
    "DemoDataError",
    "DocumentationTexts",
    "GroupSpec",
    "PhaseSpec",
    "PlanSpec",
    "StaffSpec",
    "TargetSpec",
    "load_caseload",
    "load_documentation_texts",
]

DIRECTIONS = ("increase", "decrease")
# The generator weights ABC options by position (an escape function: demands and transitions
# first; reinforcing consequences first): bdc.demo._Generator.abc.
_ABC_OPTION_COUNTS = {"antecedents": 5, "behaviors": 3, "consequences": 5}
_NOTE_WRITERS = ("technician", "therapist", "bcba")
# Logins the generator addresses by name (observers, the caregiver, supervision).
_LOGINS_USED = {
    "bcba": "bcba",
    "therapist": "therapist",
    "tech1": "technician",
    "tech2": "technician",
    "parent": "caregiver",
}


class DemoDataError(ValueError):
    """A demo data file is invalid; ``str(error)`` is ``"file: key: message"``."""

    def __init__(self, file: str, key: str, message: str) -> None:
        self.file, self.key, self.message = file, key, message
        super().__init__(f"{file}: {key}: {message}" if key else f"{file}: {message}")


class StaffSpec(NamedTuple):
    """A demo login: ``(username, role, display name)``."""

    username: str
    role: str
    name: str


class PhaseSpec(NamedTuple):
    """A phase starting ``day`` days after the first demo day."""

    day: int
    kind: str
    label: str


@dataclass(frozen=True)
class TargetSpec:
    """One target and how its data behave.

    ``level`` is (baseline, fully treated), in units that depend on the measurement:
    responses per hour (frequency, abc), per minute (rate), episodes per hour (duration, with
    ``extra`` the mean episode length in seconds), mean seconds (latency), probability an
    interval is scored (interval methods), probability of independent correct (dtt,
    task_analysis) or mean rating (rating).
    """

    name: str
    definition: str
    measurement: str
    direction: str
    level: tuple[float, float]
    phases: tuple[PhaseSpec, ...]
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    extra: tuple[float, float] | None = None
    mastery: dict[str, Any] | None = None
    aim: tuple[float, float] | None = None  # (value at the intervention start, goal value)
    burst: bool = False  # extinction burst in the first days of treatment


@dataclass(frozen=True)
class PlanSpec:
    title: str
    function: str
    strategies: tuple[str, ...]
    checklist: tuple[str, ...]
    start_day: int


@dataclass(frozen=True)
class ClientSpec:
    code: str
    name: str
    age: int
    technician: str
    start_minute: int  # usual session start, minutes after 00:00 UTC
    minutes: tuple[int, int]  # session length range
    off_weekday: int  # the weekday (0 = Monday) usually without a session
    settings: tuple[str, ...]  # from BDC_SESSION_SETTINGS; a repeat weights the choice
    targets: tuple[TargetSpec, ...]
    plan: PlanSpec | None = None


@dataclass(frozen=True)
class GroupSpec:
    """A group the ``leader`` records on one screen (a group session) on ``weekday`` of the
    last ``weeks`` weeks; each learner gets ``target`` (recorded only in the group)."""

    leader: str
    learners: tuple[str, ...]  # learner codes, two to six
    target: TargetSpec
    weekday: int
    start_minute: int
    minutes: int
    weeks: int
    setting: str


@dataclass(frozen=True)
class CaseloadSpec:
    password: str
    staff: tuple[StaffSpec, ...]
    home_client: str  # the learner whose parent records at home ...
    home_target: str  # ... and the target the BCBA marks home-recordable
    group: GroupSpec
    learners: tuple[ClientSpec, ...]
    session_notes: tuple[str, ...]
    target_notes: dict[str, str]  # a note for each measurement type
    pause_note: str


@dataclass(frozen=True)
class ChartAuditSpec:
    sample_size: int  # sessions the director's audit draws
    left_to_review: int  # the last sampled sessions, not reviewed yet
    corrected_comment: str  # the comment on the one answer the director corrects


@dataclass(frozen=True)
class DocumentationTexts:
    credentials: dict[str, str]  # by role
    presentation: tuple[str, ...]
    barriers: tuple[str, ...]  # the first is "nothing to note"; an amendment picks another
    caregiver_involvement: tuple[str, ...]
    plan_next: tuple[str, ...]
    amendment_reason: str
    observed_topics: tuple[str, ...]  # an individual (or group) contact with the client present
    group_topics: tuple[str, ...]  # a group contact without the client
    trained_caregiver: str
    chart_audit: ChartAuditSpec
    shared_notes: int  # the home learner's latest signed notes the BCBA shares with the family


def load_caseload(path: Path | str | None = None) -> CaseloadSpec:
    """Read and check the demo caseload (default: the packaged ``caseload.yaml``)."""
    reader = _Reader.open(path, "caseload.yaml")
    caseload = reader.build(CaseloadSpec, reader.data, "")
    _check_caseload(reader, caseload)
    return caseload


def load_documentation_texts(path: Path | str | None = None) -> DocumentationTexts:
    """Read and check the demo's note and supervision texts (default: ``documentation.yaml``)."""
    reader = _Reader.open(path, "documentation.yaml")
    texts = reader.build(DocumentationTexts, reader.data, "")
    for role in texts.credentials:
        reader.check(role in ROLES, f"credentials.{role}", f"not a role ({', '.join(ROLES)})")
    missing = [role for role in _NOTE_WRITERS if role not in texts.credentials]
    reader.check(not missing, "credentials", f"needs {', '.join(missing)} (they write notes)")
    reader.check(len(texts.barriers) > 1, "barriers", "needs an item after the first (amendment)")
    audit = texts.chart_audit
    reader.check(audit.sample_size >= 1, "chart_audit.sample_size", "must be at least 1")
    reader.check(
        0 <= audit.left_to_review < audit.sample_size,
        "chart_audit.left_to_review",
        "must be at least 0 and less than sample_size",
    )
    reader.check(texts.shared_notes >= 0, "shared_notes", "must not be negative")
    return texts


# --- reading a file into the dataclasses ---------------------------------------------------------


class _Reader:
    def __init__(self, shown: str, data: Any) -> None:
        self.shown = shown
        self.data = data

    @classmethod
    def open(cls, path: Path | str | None, default: str) -> _Reader:
        if path is None:
            source, shown = (
                resources.files("bdc") / "demo_data" / default,
                f"bdc/demo_data/{default}",
            )
        else:
            source, shown = Path(path), str(path)
        try:
            data = yaml.load(source.read_text(encoding="utf-8"), Loader=StrictYamlLoader)
        except (OSError, UnicodeDecodeError) as error:
            raise DemoDataError(shown, "", f"cannot read: {error}") from None
        except yaml.YAMLError as error:
            raise DemoDataError(
                shown, "", f"invalid YAML: {' '.join(str(error).split())}"
            ) from None
        return cls(shown, data)

    def fail(self, key: str, message: str) -> DemoDataError:
        return DemoDataError(self.shown, key, message)

    def check(self, ok: bool, key: str, message: str) -> None:
        if not ok:
            raise self.fail(key, message)

    def build(self, record: type, value: Any, key: str) -> Any:
        """A dataclass or NamedTuple from a mapping, each field converted by its annotation."""
        if not isinstance(value, Mapping):
            raise self.fail(key, "must be a mapping")
        hints = typing.get_type_hints(record)
        if dataclasses.is_dataclass(record):
            required = {f.name for f in dataclasses.fields(record) if _has_no_default(f)}
        else:
            required = set(hints) - set(record._field_defaults)
        for name in value:
            if name not in hints:
                raise self.fail(_join(key, str(name)), f"unknown key (allowed: {', '.join(hints)})")
        for name in hints:
            if name in required and name not in value:
                raise self.fail(_join(key, name), "required")
        fields = {
            name: self.convert(hints[name], item, _join(key, name)) for name, item in value.items()
        }
        return record(**fields)

    def convert(self, hint: Any, value: Any, key: str) -> Any:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):  # only "X | None" is used
            (inner,) = (a for a in args if a is not type(None))
            return None if value is None else self.convert(inner, value, key)
        if origin is tuple:
            if not isinstance(value, list):
                raise self.fail(key, "must be a list")
            if len(args) == 2 and args[1] is Ellipsis:
                items = args[:1] * len(value)
            elif len(value) != len(args):
                raise self.fail(key, f"must be a list of {len(args)} items")
            else:
                items = args
            return tuple(
                self.convert(h, v, f"{key}[{i}]")
                for i, (h, v) in enumerate(zip(items, value, strict=True))
            )
        if origin is dict:
            if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
                raise self.fail(key, "must be a mapping with text keys")
            if args[1] is Any:
                return value
            return {k: self.convert(args[1], v, _join(key, k)) for k, v in value.items()}
        if dataclasses.is_dataclass(hint) or hasattr(hint, "_field_defaults"):
            return self.build(hint, value, key)
        return self.scalar(hint, value, key)

    def scalar(self, hint: type, value: Any, key: str) -> Any:
        if hint is str:
            if not isinstance(value, str) or not value.strip():
                raise self.fail(key, "must be a non-empty string")
            return value
        if hint is bool:
            if not isinstance(value, bool):
                raise self.fail(key, "must be true or false")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "must be a number")
        if hint is int and not isinstance(value, int):
            raise self.fail(key, "must be a whole number")
        return hint(value)


def _has_no_default(field: dataclasses.Field) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


# --- clinical checks -----------------------------------------------------------------------------


def _check_caseload(reader: _Reader, caseload: CaseloadSpec) -> None:
    check = reader.check
    usernames = [user.username for user in caseload.staff]
    for i, user in enumerate(caseload.staff):
        check(user.role in ROLES, f"staff[{i}].role", f"must be one of {', '.join(ROLES)}")
        check(user.username not in usernames[:i], f"staff[{i}].username", "duplicate")
    roles = {user.username: user.role for user in caseload.staff}
    for username, role in _LOGINS_USED.items():
        check(
            roles.get(username) == role,
            "staff",
            f"needs the {role} {username!r} (the demo uses it)",
        )
    missing = sorted(set(MEASUREMENTS) - set(caseload.target_notes))
    check(not missing, "target_notes", f"needs a note for {', '.join(missing)}")
    codes = [client.code for client in caseload.learners]
    for i, client in enumerate(caseload.learners):
        where = f"learners[{i}]"
        check(client.code not in codes[:i], f"{where}.code", "duplicate")
        check(
            roles.get(client.technician) == "technician",
            f"{where}.technician",
            "not the username of a technician in staff",
        )
        check(0 <= client.off_weekday <= 4, f"{where}.off_weekday", "must be 0 (Mon) to 4 (Fri)")
        low, high = client.minutes
        check(10 <= low <= high, f"{where}.minutes", "must be [shortest, longest], at least 10")
        check(bool(client.settings), f"{where}.settings", "must name at least one setting")
        for j, target in enumerate(client.targets):
            _check_target(check, target, f"{where}.targets[{j}]")
        if client.plan is not None:
            check(client.plan.start_day >= 0, f"{where}.plan.start_day", "must be 0 or more")
    group = caseload.group
    check(
        roles.get(group.leader) in ("technician", "therapist"),
        "group.leader",
        "not staff who record",
    )
    check(
        2 <= len(set(group.learners)) == len(group.learners) <= 6,
        "group.learners",
        "two to six different learners",
    )
    for i, code in enumerate(group.learners):
        check(code in codes, f"group.learners[{i}]", "not a learner code")
    check(0 <= group.weekday <= 4, "group.weekday", "must be 0 (Mon) to 4 (Fri)")
    check(10 <= group.minutes <= 120, "group.minutes", "must be 10 to 120")
    check(1 <= group.weeks <= 8, "group.weeks", "must be 1 to 8")
    _check_target(check, group.target, "group.target")
    home = [c for c in caseload.learners if c.code == caseload.home_client]
    check(bool(home), "home_client", "not a learner code")
    check(
        any(t.name == caseload.home_target for t in home[0].targets),
        "home_target",
        f"not a target of {caseload.home_client}",
    )


def _check_target(check: Callable[[bool, str, str], None], target: TargetSpec, where: str) -> None:
    check(
        target.measurement in MEASUREMENTS,
        f"{where}.measurement",
        f"must be one of {', '.join(MEASUREMENTS)}",
    )
    check(target.direction in DIRECTIONS, f"{where}.direction", "must be increase or decrease")
    for name, validate in (
        ("params", lambda: validate_params(target.measurement, target.params)),
        ("mastery", lambda: validate_mastery(target.measurement, target.direction, target.mastery)),
    ):
        try:
            validate()
        except ParamsError as error:
            check(False, f"{where}.{name}", str(error))
    if target.measurement == "abc":
        for name, count in _ABC_OPTION_COUNTS.items():
            check(
                len(target.params.get(name, ())) == count,
                f"{where}.params.{name}",
                f"must list {count} options",
            )
    check(
        (target.measurement == "duration") == (target.extra is not None),
        f"{where}.extra",
        "mean episode seconds, for duration targets only",
    )
    days = [phase.day for phase in target.phases]
    check(
        bool(days)
        and days[0] == 0
        and target.phases[0].kind == "baseline"
        and days == sorted(set(days)),
        f"{where}.phases",
        "must start with a baseline at day 0, days rising",
    )
    for k, phase in enumerate(target.phases):
        check(
            phase.kind in PHASE_KINDS,
            f"{where}.phases[{k}].kind",
            f"must be one of {', '.join(PHASE_KINDS)}",
        )
    check(
        target.aim is None or len(target.phases) > 1,
        f"{where}.aim",
        "needs a phase after the baseline to start from",
    )
