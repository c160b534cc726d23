"""Load and validate the protocol library (``protocols/``).

The library is a folder of versioned YAML files: measurement procedures, behavior intervention
plan (BIP) templates with their fidelity checklists, and the IOA procedure. Its schema, the
versioning rule and the lock file are documented in ``protocols/README.md``; this module is
the executable form of that document. Pure Python and PyYAML: no Flask, no database.

Public API
----------
load_library(root=None) -> ProtocolLibrary
    Read and validate every file; raise ``ProtocolError`` on the first problem.
check_library(root=None) -> list[str]
    Every problem, including edits to published files (``published.lock``) and missing
    versions; an empty list means the library is sound. Backs ``bdc protocols check``.
lock_entries(root=None) -> list[str]
    Lock lines for published files not yet in ``published.lock`` (new versions only).
target_from_protocol(protocol) -> dict, plan_from_protocol(protocol) -> dict
    The fields to create a Target / Plan from a protocol, per docs/api.md.
StrictYamlLoader
    The PyYAML SafeLoader that refuses duplicate keys; the demo data (bdc.demo_specs) use it too.

Why a lock file: a target or plan created from a protocol stores its id and version, and the
graphs and fidelity figures of years of sessions rest on what that version said. A published
version is therefore never edited; a change is a new version, and the sha256 of every
published file in ``published.lock`` turns an accidental edit into a failing check.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from bdc.measurement_params import MEASUREMENTS, ParamsError, validate_mastery, validate_params

__all__ = [
    "DIRECTIONS",
    "FOLDER_BY_KIND",
    "FUNCTIONS",
    "IOA_MEASURES_BY_MEASUREMENT",
    "KINDS",
    "LOCK_FILE",
    "PROTOCOLS_DIR_ENV",
    "STATUSES",
    "Protocol",
    "ProtocolError",
    "ProtocolLibrary",
    "StrictYamlLoader",
    "check_library",
    "default_root",
    "file_sha256",
    "load_library",
    "load_protocol",
    "lock_entries",
    "plan_from_protocol",
    "target_from_protocol",
]

PROTOCOLS_DIR_ENV = "BDC_PROTOCOLS_DIR"
LOCK_FILE = "published.lock"

KINDS: tuple[str, ...] = ("measurement", "plan", "ioa")
FOLDER_BY_KIND: Mapping[str, str] = MappingProxyType(
    {"measurement": "measurement", "plan": "plans", "ioa": "ioa"}
)
STATUSES: tuple[str, ...] = ("published", "draft")
DIRECTIONS: tuple[str, ...] = ("increase", "decrease")
FUNCTIONS: tuple[str, ...] = ("attention", "escape", "tangible", "automatic", "multiple")

# IOA measures that make sense for each measurement type (Cooper, Heron & Heward 2020, ch. 5).
# The names are those of bdc.analysis.ioa without the "ioa_" prefix; "trial_by_trial" compares
# records one by one (trials, task steps, ABC records, ratings).
_COUNT_IOA = ("total_count", "mean_count_per_interval", "exact_count_per_interval")
_INTERVAL_IOA = ("interval_by_interval", "scored_interval", "unscored_interval", "cohen_kappa")
IOA_MEASURES_BY_MEASUREMENT: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "frequency": _COUNT_IOA,
        "rate": _COUNT_IOA,
        "duration": ("total_duration", "mean_duration_per_occurrence"),
        "latency": ("mean_duration_per_occurrence", "total_duration"),
        "partial_interval": _INTERVAL_IOA,
        "whole_interval": _INTERVAL_IOA,
        "momentary_time_sampling": _INTERVAL_IOA,
        "abc": ("trial_by_trial", "cohen_kappa"),
        "dtt": ("trial_by_trial", "cohen_kappa"),
        "task_analysis": ("trial_by_trial", "cohen_kappa"),
        "rating": ("trial_by_trial",),
    }
)
_COUNT_PER_INTERVAL_IOA = frozenset({"mean_count_per_interval", "exact_count_per_interval"})

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FILE_RE = re.compile(r"^(?P<id>.+)\.v(?P<version>[0-9]+)\.yaml$")
# A citation must at least carry its year, APA style: "(2020)", "(1993a)" or "(n.d.)".
_CITATION_YEAR_RE = re.compile(r"\((?:1[89]|20)[0-9]{2}[a-z]?\)|\(n\.d\.\)")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")

_SHORT_TEXT = 200
_LONG_TEXT = 2000
_MAX_ID = 64
# Limits of the API's Target and Plan schemas, so whatever a protocol yields can be stored.
_ITEM_TEXT = 400  # one strategy or checklist step
_TARGET_DEFINITION = 4000  # the composed definition (see _compose_definition)

_COMMON_REQUIRED = ("id", "version", "kind", "title", "source", "status")
_COMMON_OPTIONAL = ("notes", "changes")
_KIND_REQUIRED: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "measurement": ("target", "procedure"),
        "plan": ("function", "strategies", "checklist"),
        "ioa": ("share_of_sessions", "minimum_agreement", "measures", "procedure"),
    }
)
_KIND_OPTIONAL: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"measurement": (), "plan": ("criterion",), "ioa": ("count_interval_seconds",)}
)
_TARGET_REQUIRED = (
    "name",
    "definition",
    "examples",
    "non_examples",
    "measurement",
    "direction",
)
_TARGET_OPTIONAL = ("onset", "offset", "params", "mastery")
# Without onset and offset rules two observers time different things (Cooper et al. 2020, ch. 4).
_NEEDS_ONSET_OFFSET = frozenset({"duration", "latency"})

_DEFAULT_CRITERION = 90


class ProtocolError(ValueError):
    """A protocol file, or the library as a whole, is invalid.

    Parameters
    ----------
    file : str
        The file, shown relative to the library's parent (``protocols/plans/x.v1.yaml``).
    key : str
        Dotted key path inside the file (``target.params.interval_seconds``); empty when the
        problem concerns the whole file.
    message : str
        What is wrong.

    Notes
    -----
    ``str(error)`` is ``"file: key: message"`` (``"file: message"`` without a key).
    """

    def __init__(self, file: str, key: str, message: str) -> None:
        self.file = file
        self.key = key
        self.message = message
        super().__init__(f"{file}: {key}: {message}" if key else f"{file}: {message}")


@dataclass(frozen=True)
class Protocol:
    """One validated version of one protocol.

    Attributes
    ----------
    id : str
        Slug, the same across versions.
    version : int
        1, 2, ...; agrees with the file name ``<id>.v<version>.yaml``.
    kind : str
        ``"measurement"``, ``"plan"`` or ``"ioa"``.
    title : str
        Human title.
    source : tuple of str
        Full citations.
    body : Mapping
        The whole validated file, normalised (params defaults, mastery defaults, plan
        criterion) and read-only (mappings are ``MappingProxyType``, lists are tuples).
    path : Path
        The file it came from.
    status : str
        ``"published"`` (immutable, in the lock file) or ``"draft"``.
    """

    id: str
    version: int
    kind: str
    title: str
    source: tuple[str, ...]
    body: Mapping[str, Any] = field(hash=False, repr=False)
    path: Path = field(compare=False)
    status: str = "published"

    @property
    def published(self) -> bool:
        """Whether this version is published (and so may never change)."""
        return self.status == "published"


class ProtocolLibrary:
    """The validated protocols of one library folder, looked up by id and version.

    Parameters
    ----------
    protocols : iterable of Protocol
        Already validated; (id, version) pairs must be unique.
    root : Path, optional
        The folder they were read from.
    """

    def __init__(self, protocols: Iterable[Protocol], root: Path | None = None) -> None:
        self.root = root
        self._by_key: dict[tuple[str, int], Protocol] = {}
        for protocol in protocols:
            key = (protocol.id, protocol.version)
            if key in self._by_key:
                raise ValueError(f"duplicate protocol {protocol.id} v{protocol.version}")
            self._by_key[key] = protocol

    def get(self, id: str, version: int | None = None) -> Protocol:
        """Return one protocol version.

        Parameters
        ----------
        id : str
            The protocol id.
        version : int, optional
            The exact version (drafts included). When omitted, the latest *published* version.

        Raises
        ------
        KeyError
            No such id or version (or, without a version, no published version).
        """
        if version is not None:
            try:
                return self._by_key[(id, version)]
            except KeyError:
                raise KeyError(f"no protocol {id!r} version {version}") from None
        published = [p for p in self._versions(id) if p.published]
        if not published:
            raise KeyError(f"no published protocol {id!r}")
        return published[-1]

    def all(self, kind: str | None = None) -> tuple[Protocol, ...]:
        """Every version (drafts included), ordered by kind, id and version."""
        return tuple(p for p in self._sorted() if kind is None or p.kind == kind)

    def latest(self, kind: str | None = None) -> tuple[Protocol, ...]:
        """The latest published version of each id, ordered by kind and id."""
        latest: dict[str, Protocol] = {}
        for protocol in self._sorted():
            if protocol.published and (kind is None or protocol.kind == kind):
                latest[protocol.id] = protocol
        return tuple(latest.values())

    def versions(self, id: str) -> tuple[int, ...]:
        """All versions of ``id`` (drafts included), ascending; empty if unknown."""
        return tuple(p.version for p in self._versions(id))

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[Protocol]:
        return iter(self._sorted())

    def __contains__(self, id: object) -> bool:
        return any(key[0] == id for key in self._by_key)

    def _versions(self, id: str) -> list[Protocol]:
        return sorted((p for p in self._by_key.values() if p.id == id), key=lambda p: p.version)

    def _sorted(self) -> list[Protocol]:
        order = {kind: index for index, kind in enumerate(KINDS)}
        return sorted(self._by_key.values(), key=lambda p: (order[p.kind], p.id, p.version))


# --- loading -----------------------------------------------------------------------------------


def default_root() -> Path:
    """The library folder: ``$BDC_PROTOCOLS_DIR`` if set, else the repository's ``protocols/``."""
    override = os.environ.get(PROTOCOLS_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parent.parent / "protocols"


def load_library(root: Path | str | None = None) -> ProtocolLibrary:
    """Read and validate every protocol file under ``root``.

    Parameters
    ----------
    root : Path or str, optional
        The library folder; ``default_root()`` when omitted.

    Returns
    -------
    ProtocolLibrary

    Raises
    ------
    ProtocolError
        The first problem found: a file that does not parse, an unknown or missing key, a bad
        value, a file name that disagrees with id/version, a file in the wrong folder, a
        duplicate (id, version). The lock file and version gaps are not checked here (a
        deployment must still start); ``check_library`` checks them.
    """
    root_path = _resolve_root(root)
    protocols, problems = _scan(root_path)
    if problems:
        first = problems[0]
        if len(problems) > 1:
            more = f" (and {len(problems) - 1} more; run `bdc protocols check`)"
            raise ProtocolError(first.file, first.key, first.message + more)
        raise first
    return ProtocolLibrary(protocols, root_path)


def load_protocol(path: Path | str, root: Path | str | None = None) -> Protocol:
    """Read and validate one protocol file.

    Parameters
    ----------
    path : Path or str
        The YAML file.
    root : Path or str, optional
        The library folder it belongs to (for messages and the folder-kind rule); defaults to
        the file's grandparent (``protocols/<folder>/<file>``).

    Raises
    ------
    ProtocolError
    """
    file_path = Path(path).resolve()
    root_path = Path(root).resolve() if root is not None else file_path.parent.parent
    return _load_file(file_path, root_path)


def file_sha256(path: Path | str) -> str:
    """The sha256 (hex) of a file's bytes with line endings normalised to LF.

    Normalising means a checkout that converts line endings (git ``autocrlf``) does not look
    like an edit; any other byte change does.
    """
    data = Path(path).read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(data).hexdigest()


def check_library(root: Path | str | None = None) -> list[str]:
    """List every problem of the library; an empty list means it is sound.

    Parameters
    ----------
    root : Path or str, optional
        The library folder; ``default_root()`` when omitted.

    Returns
    -------
    list of str
        One message per problem, each starting with the file it concerns. Besides the
        validation of ``load_library`` (all files, not only the first failure):

        - a published file whose sha256 differs from ``published.lock`` (edited after
          publication: restore it and add a new version instead);
        - a published file missing from the lock (run ``lock_entries`` and append its lines);
        - a lock line whose file is gone (published versions are never deleted), a malformed
          or duplicate lock line, a locked version now marked draft;
        - a gap in an id's versions (1, 2, 4).

    Notes
    -----
    This is what ``bdc protocols check`` prints; the command exits non-zero when the list is
    not empty. The default library is checked by the test suite too.
    """
    root_path = Path(root).resolve() if root is not None else default_root()
    if not root_path.is_dir():
        return [f"{root_path}: protocols folder not found"]
    protocols, errors = _scan(root_path)
    problems = [str(error) for error in errors]

    # Versions by file name, so a version that fails validation is not also reported missing.
    by_id: dict[str, list[int]] = {}
    for path in _protocol_files(root_path)[0]:
        match = _FILE_RE.match(path.name)
        if match:
            by_id.setdefault(match["id"], []).append(int(match["version"]))
    for id_, versions in sorted(by_id.items()):
        missing = sorted(set(range(1, max(versions) + 1)) - set(versions))
        if missing:
            shown = ", ".join(str(v) for v in missing)
            problems.append(f"{root_path.name}: {id_}: missing version(s) {shown}")

    problems.extend(_check_lock(root_path, protocols))
    return problems


def lock_entries(root: Path | str | None = None) -> list[str]:
    """Lock lines for the published files not yet listed in ``published.lock``.

    Parameters
    ----------
    root : Path or str, optional
        The library folder; ``default_root()`` when omitted.

    Returns
    -------
    list of str
        ``"<id> <version> <sha256>"`` lines, sorted, to append to ``published.lock``. Lines
        already in the lock are never regenerated: an edited published file stays an error.

    Raises
    ------
    ProtocolError
        The library does not validate (a broken file is never locked).
    """
    library = load_library(root)
    root_path = library.root or default_root()
    locked, _ = _read_lock(root_path)
    return [
        f"{p.id} {p.version} {file_sha256(p.path)}"
        for p in sorted(library.all(), key=lambda p: (p.id, p.version))
        if p.published and (p.id, p.version) not in locked
    ]


# --- creating targets and plans ----------------------------------------------------------------


def target_from_protocol(protocol: Protocol) -> dict[str, Any]:
    """The fields to create a Target from a measurement protocol (docs/api.md shape).

    Parameters
    ----------
    protocol : Protocol
        A published protocol of kind ``"measurement"``.

    Returns
    -------
    dict
        ``name``, ``definition``, ``measurement``, ``params``, ``direction``, ``mastery``
        (dict or None), ``protocol_id``, ``protocol_version``; plain, mutable dicts and lists.
        ``definition`` is the operational definition followed by the onset/offset rules, the
        examples and the non-examples, so the target carries the whole definition.

    Raises
    ------
    ValueError
        The protocol is not a measurement procedure, or it is a draft (a draft can still
        change, so nothing may point to it).
    """
    _require(protocol, "measurement")
    target = protocol.body["target"]
    return {
        "name": target["name"],
        "definition": _compose_definition(target),
        "measurement": target["measurement"],
        "params": _thaw(target["params"]),
        "direction": target["direction"],
        "mastery": _thaw(target.get("mastery")),
        "protocol_id": protocol.id,
        "protocol_version": protocol.version,
    }


def plan_from_protocol(protocol: Protocol) -> dict[str, Any]:
    """The fields to create a Plan (BIP) from a plan template (docs/api.md shape).

    Parameters
    ----------
    protocol : Protocol
        A published protocol of kind ``"plan"``.

    Returns
    -------
    dict
        ``title``, ``function``, ``strategies``, ``checklist``, ``criterion``,
        ``protocol_id``, ``protocol_version``; plain, mutable lists.

    Raises
    ------
    ValueError
        The protocol is not a plan template, or it is a draft.
    """
    _require(protocol, "plan")
    body = protocol.body
    return {
        "title": protocol.title,
        "function": body["function"],
        "strategies": list(body["strategies"]),
        "checklist": list(body["checklist"]),
        "criterion": body["criterion"],
        "protocol_id": protocol.id,
        "protocol_version": protocol.version,
    }


def _compose_definition(target: Mapping[str, Any]) -> str:
    """One text for Target.definition: definition, onset, offset, examples, non-examples."""
    parts = [target["definition"]]
    if target.get("onset"):
        parts.append(f"Onset: {target['onset']}")
    if target.get("offset"):
        parts.append(f"Offset: {target['offset']}")
    parts.append("Examples: " + "; ".join(target["examples"]) + ".")
    parts.append("Non-examples: " + "; ".join(target["non_examples"]) + ".")
    return "\n".join(parts)


def _require(protocol: Protocol, kind: str) -> None:
    if protocol.kind != kind:
        raise ValueError(f"protocol {protocol.id!r} is a {protocol.kind}, not a {kind}")
    if not protocol.published:
        raise ValueError(f"protocol {protocol.id!r} v{protocol.version} is a draft; publish it")


# --- internals: scanning -----------------------------------------------------------------------


def _resolve_root(root: Path | str | None) -> Path:
    root_path = Path(root).resolve() if root is not None else default_root()
    if not root_path.is_dir():
        raise ProtocolError(str(root_path), "", "protocols folder not found")
    return root_path


def _display(path: Path, root: Path) -> str:
    try:
        return f"{root.name}/{path.relative_to(root).as_posix()}"
    except ValueError:
        return str(path)


def _protocol_files(root: Path) -> tuple[list[Path], list[ProtocolError]]:
    """Every YAML file of the library, and the stray ones (wrong extension or folder)."""
    files: list[Path] = []
    problems: list[ProtocolError] = []
    folders = set(FOLDER_BY_KIND.values())
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in (".yaml", ".yml"):
            continue
        relative = path.relative_to(root)
        if path.suffix == ".yml":
            problems.append(ProtocolError(_display(path, root), "", "use the .yaml extension"))
        elif len(relative.parts) < 2 or relative.parts[0] not in folders:
            where = ", ".join(f"{f}/" for f in sorted(folders))
            problems.append(ProtocolError(_display(path, root), "", f"must be under {where}"))
        else:
            files.append(path)
    return files, problems


def _scan(root: Path) -> tuple[list[Protocol], list[ProtocolError]]:
    """Validate every file; return the good protocols and every problem, in file order."""
    files, problems = _protocol_files(root)
    protocols: list[Protocol] = []
    seen: dict[tuple[str, int], Protocol] = {}
    kind_of: dict[str, Protocol] = {}
    for path in files:
        try:
            protocol = _load_file(path, root)
        except ProtocolError as error:
            problems.append(error)
            continue
        shown = _display(path, root)
        other = seen.get((protocol.id, protocol.version))
        if other is not None:
            problems.append(
                ProtocolError(
                    shown,
                    "id",
                    f"duplicate id {protocol.id!r} version {protocol.version} "
                    f"(also {_display(other.path, root)})",
                )
            )
            continue
        first = kind_of.setdefault(protocol.id, protocol)
        if first.kind != protocol.kind:
            problems.append(
                ProtocolError(
                    shown,
                    "kind",
                    f"{protocol.kind!r}, but {_display(first.path, root)} makes "
                    f"{protocol.id!r} a {first.kind}; an id keeps its kind across versions",
                )
            )
            continue
        seen[(protocol.id, protocol.version)] = protocol
        protocols.append(protocol)
    return protocols, problems


class StrictYamlLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: StrictYamlLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark
            ) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


StrictYamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_file(path: Path, root: Path) -> Protocol:
    shown = _display(path, root)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=StrictYamlLoader)
    except (OSError, UnicodeDecodeError) as error:
        raise ProtocolError(shown, "", f"cannot read: {error}") from None
    except yaml.YAMLError as error:
        raise ProtocolError(shown, "", f"invalid YAML: {_one_line(error)}") from None
    body = _Validator(shown).protocol(data)

    match = _FILE_RE.match(path.name)
    if match is None:
        raise ProtocolError(shown, "", "file name must be <id>.v<version>.yaml")
    if match["id"] != body["id"]:
        raise ProtocolError(shown, "id", f"{body['id']!r} disagrees with the file name")
    if int(match["version"]) != body["version"] or match["version"].startswith("0"):
        raise ProtocolError(
            shown, "version", f"{body['version']} disagrees with the file name {path.name!r}"
        )
    folder = path.relative_to(root).parts[0]
    if FOLDER_BY_KIND[body["kind"]] != folder:
        raise ProtocolError(
            shown, "kind", f"{body['kind']!r} belongs under {FOLDER_BY_KIND[body['kind']]}/"
        )
    return Protocol(
        id=body["id"],
        version=body["version"],
        kind=body["kind"],
        title=body["title"],
        source=tuple(body["source"]),
        body=_freeze(body),
        path=path,
        status=body["status"],
    )


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


# --- internals: validation ---------------------------------------------------------------------


class _Validator:
    """Checks one parsed file; every failure raises ProtocolError naming the file and key."""

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def fail(self, key: str, message: str) -> ProtocolError:
        return ProtocolError(self.shown, key, message)

    # generic value checks

    def mapping(self, value: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(key, "must be a mapping")
        for name in value:
            if not isinstance(name, str):
                raise self.fail(_join(key, str(name)), "keys must be strings")
        return value

    def keys(
        self, data: Mapping[str, Any], key: str, required: Iterable[str], optional: Iterable[str]
    ) -> None:
        required = tuple(required)
        allowed = required + tuple(optional)
        for name in data:
            if name not in allowed:
                raise self.fail(_join(key, name), f"unknown key (allowed: {', '.join(allowed)})")
        for name in required:
            if data.get(name) is None:
                raise self.fail(_join(key, name), "required")

    def text(self, value: Any, key: str, limit: int = _SHORT_TEXT) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        text = " ".join(value.split())  # folded YAML blocks keep a trailing newline; drop it
        if len(text) > limit:
            raise self.fail(key, f"must be at most {limit} characters")
        return text

    def texts(
        self, value: Any, key: str, limit: int = _LONG_TEXT, low: int = 1, high: int = 40
    ) -> list[str]:
        if not isinstance(value, list):
            raise self.fail(key, "must be a list of strings")
        if not low <= len(value) <= high:
            raise self.fail(key, f"must have {low} to {high} items")
        items = [self.text(item, f"{key}[{index}]", limit) for index, item in enumerate(value)]
        for index, item in enumerate(items):
            if item in items[:index]:
                raise self.fail(f"{key}[{index}]", "duplicate item")
        return items

    def choice(self, value: Any, key: str, allowed: Iterable[str]) -> str:
        allowed = tuple(allowed)
        if value not in allowed:
            raise self.fail(key, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def percent(self, value: Any, key: str) -> int | float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
            raise self.fail(key, "must be a number greater than 0 and at most 100")
        return value

    # the file

    def protocol(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise self.fail("", "must be a YAML mapping (key: value lines)")
        data = self.mapping(data, "")
        kind = data.get("kind")
        if kind is None:
            raise self.fail("kind", "required")
        kind = self.choice(kind, "kind", KINDS)
        self.keys(
            data,
            "",
            _COMMON_REQUIRED + _KIND_REQUIRED[kind],
            _COMMON_OPTIONAL + _KIND_OPTIONAL[kind],
        )
        body: dict[str, Any] = {}
        body["id"] = self.text(data["id"], "id", _MAX_ID)
        if not _ID_RE.match(body["id"]):
            raise self.fail("id", "must be a slug: lowercase letters, digits and single hyphens")
        version = data["version"]
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise self.fail("version", "must be an integer >= 1")
        body["version"] = version
        body["kind"] = kind
        body["title"] = self.text(data["title"], "title")
        body["source"] = self.texts(data["source"], "source", _LONG_TEXT, 1, 20)
        for index, citation in enumerate(body["source"]):
            if not _CITATION_YEAR_RE.search(citation):
                raise self.fail(f"source[{index}]", "a full citation with its year, e.g. (2020)")
        body["status"] = self.choice(data["status"], "status", STATUSES)
        if data.get("notes") is not None:
            body["notes"] = self.text(data["notes"], "notes", _LONG_TEXT)
        if version > 1 and data.get("changes") is None:
            raise self.fail("changes", "required from version 2: say what changed and why")
        if data.get("changes") is not None:
            body["changes"] = self.text(data["changes"], "changes", _LONG_TEXT)
        body.update(getattr(self, f"_{kind}")(data))
        return body

    def _measurement(self, data: Mapping[str, Any]) -> dict[str, Any]:
        raw = self.mapping(data["target"], "target")
        self.keys(raw, "target", _TARGET_REQUIRED, _TARGET_OPTIONAL)
        target: dict[str, Any] = {
            "name": self.text(raw["name"], "target.name"),
            "definition": self.text(raw["definition"], "target.definition", _LONG_TEXT),
        }
        measurement = self.choice(raw["measurement"], "target.measurement", MEASUREMENTS)
        for name in ("onset", "offset"):
            if raw.get(name) is not None:
                target[name] = self.text(raw[name], f"target.{name}", _LONG_TEXT)
            elif measurement in _NEEDS_ONSET_OFFSET:
                raise self.fail(f"target.{name}", f"required for {measurement}")
        target["examples"] = self.texts(raw["examples"], "target.examples", _SHORT_TEXT)
        target["non_examples"] = self.texts(raw["non_examples"], "target.non_examples", _SHORT_TEXT)
        composed = len(_compose_definition(target))
        if composed > _TARGET_DEFINITION:
            raise self.fail(
                "target.definition",
                f"with onset, offset, examples and non-examples it is {composed} characters;"
                f" a target's definition holds at most {_TARGET_DEFINITION}",
            )
        target["measurement"] = measurement
        params = raw.get("params")
        if params is not None:
            self.mapping(params, "target.params")
        try:
            target["params"] = validate_params(measurement, params)
        except ParamsError as error:
            raise self.fail(_join("target.params", error.key), error.message) from None
        target["direction"] = self.choice(raw["direction"], "target.direction", DIRECTIONS)
        try:
            mastery = validate_mastery(measurement, target["direction"], raw.get("mastery"))
        except ParamsError as error:
            key = "target.mastery" if error.key == "mastery" else f"target.mastery.{error.key}"
            raise self.fail(key, error.message) from None
        target["mastery"] = mastery
        return {"target": target, "procedure": self.texts(data["procedure"], "procedure")}

    def _plan(self, data: Mapping[str, Any]) -> dict[str, Any]:
        criterion = data.get("criterion")
        return {
            "function": self.choice(data["function"], "function", FUNCTIONS),
            "strategies": self.texts(data["strategies"], "strategies", _ITEM_TEXT, high=30),
            "checklist": self.texts(data["checklist"], "checklist", _ITEM_TEXT),
            "criterion": (
                _DEFAULT_CRITERION if criterion is None else self.percent(criterion, "criterion")
            ),
        }

    def _ioa(self, data: Mapping[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "share_of_sessions": self.percent(data["share_of_sessions"], "share_of_sessions"),
            "minimum_agreement": self.percent(data["minimum_agreement"], "minimum_agreement"),
        }
        raw = self.mapping(data["measures"], "measures")
        if not raw:
            raise self.fail("measures", "must name the IOA measures of at least one measurement")
        measures: dict[str, list[str]] = {}
        for measurement, names in raw.items():
            key = f"measures.{measurement}"
            self.choice(measurement, key, MEASUREMENTS)
            allowed = IOA_MEASURES_BY_MEASUREMENT[measurement]
            measures[measurement] = self.texts(names, key, _SHORT_TEXT, 1, len(allowed))
            for index, name in enumerate(measures[measurement]):
                self.choice(name, f"{key}[{index}]", allowed)
        body["measures"] = measures
        uses_count_intervals = any(
            name in _COUNT_PER_INTERVAL_IOA for names in measures.values() for name in names
        )
        seconds = data.get("count_interval_seconds")
        if seconds is None and uses_count_intervals:
            raise self.fail("count_interval_seconds", "required by the count-per-interval measures")
        if seconds is not None:
            if isinstance(seconds, bool) or not isinstance(seconds, int) or not 1 <= seconds <= 600:
                raise self.fail("count_interval_seconds", "must be an integer from 1 to 600")
            body["count_interval_seconds"] = seconds
        body["procedure"] = self.texts(data["procedure"], "procedure")
        return body


def _join(prefix: str, key: str) -> str:
    if not prefix:
        return key
    return f"{prefix}{key}" if key.startswith("[") else f"{prefix}.{key}"


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_thaw(item) for item in value]
    return copy.copy(value)


# --- internals: the lock file ------------------------------------------------------------------


def _read_lock(root: Path) -> tuple[dict[tuple[str, int], str], list[str]]:
    """Parse ``published.lock``: {(id, version): sha256} and the problems found."""
    path = root / LOCK_FILE
    shown = _display(path, root)
    entries: dict[tuple[str, int], str] = {}
    problems: list[str] = []
    if not path.is_file():
        return entries, problems
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if (
            len(parts) != 3
            or not _ID_RE.match(parts[0])
            or not parts[1].isdigit()
            or not _SHA256_RE.match(parts[2])
        ):
            problems.append(f"{shown}: line {number}: expected '<id> <version> <sha256>'")
            continue
        key = (parts[0], int(parts[1]))
        if key in entries:
            problems.append(f"{shown}: line {number}: {key[0]} v{key[1]} listed twice")
            continue
        entries[key] = parts[2]
    return entries, problems


def _check_lock(root: Path, protocols: list[Protocol]) -> list[str]:
    locked, problems = _read_lock(root)
    lock_shown = _display(root / LOCK_FILE, root)
    # Look files up by name, so a published file that no longer validates is still compared.
    files_by_key: dict[tuple[str, int], Path] = {}
    for path in root.rglob("*.yaml"):
        match = _FILE_RE.match(path.name)
        if match and path.is_file():
            files_by_key.setdefault((match["id"], int(match["version"])), path)
    status = {(p.id, p.version): p.status for p in protocols}

    for (id_, version), digest in sorted(locked.items()):
        path = files_by_key.get((id_, version))
        if path is None:
            problems.append(
                f"{lock_shown}: {id_} v{version}: file missing; "
                "published versions are never deleted"
            )
            continue
        shown = _display(path, root)
        if file_sha256(path) != digest:
            problems.append(
                f"{shown}: edited after publication (sha256 differs from {LOCK_FILE}); "
                f"published versions are immutable: restore it and add "
                f"{id_}.v{_next_version(files_by_key, id_)}.yaml instead"
            )
        elif status.get((id_, version)) == "draft":
            problems.append(f"{shown}: status: draft, but {LOCK_FILE} lists it as published")

    for protocol in protocols:
        if protocol.published and (protocol.id, protocol.version) not in locked:
            problems.append(
                f"{_display(protocol.path, root)}: published but not in {LOCK_FILE}; "
                "append its line from lock_entries() (see protocols/README.md)"
            )
    return problems


def _next_version(files_by_key: Mapping[tuple[str, int], Path], id_: str) -> int:
    return max((version for key_id, version in files_by_key if key_id == id_), default=0) + 1
