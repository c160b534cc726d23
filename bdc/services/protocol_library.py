"""The protocol library through the API: list and read protocols; apply one to a client.

A target or plan created from a protocol keeps the protocol's id and version, so what a graph
or a fidelity figure rests on can always be traced to the exact published text. Only what a
BCBA individualises without changing the procedure may be overridden: a target's name, its
mastery criterion and aim line; a plan's title and fidelity criterion. Changing the procedure
itself (measurement, parameters, definition, checklist) means a new protocol version, or a
target written by hand without a protocol link. docs/quality.md.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask_smorest import abort

from bdc.auth import require_edit
from bdc.models import Client, Plan, Target, User
from bdc.protocols import (
    Protocol,
    ProtocolError,
    ProtocolLibrary,
    default_root,
    load_library,
    plan_from_protocol,
    target_from_protocol,
)
from bdc.services import programs

TARGET_OVERRIDES = frozenset({"name", "mastery", "aim"})
PLAN_OVERRIDES = frozenset({"title", "criterion"})


def library() -> ProtocolLibrary:
    """The validated library, re-read whenever one of its files changes."""
    root = default_root()
    stamp = tuple(
        (str(path), path.stat().st_mtime_ns, path.stat().st_size)
        for path in sorted(root.rglob("*.yaml"))
    )
    try:
        return _load(root, stamp)
    except ProtocolError as error:
        abort(500, message=f"The protocol library is invalid ({error}); run `bdc protocols check`.")


@functools.lru_cache(maxsize=4)
def _load(root: Path, stamp: tuple) -> ProtocolLibrary:
    return load_library(root)


def plain(value: Any) -> Any:
    """A protocol body as plain JSON values (the library keeps read-only mappings and tuples)."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def summary(protocol: Protocol, lib: ProtocolLibrary) -> dict:
    return {
        "id": protocol.id,
        "version": protocol.version,
        "kind": protocol.kind,
        "title": protocol.title,
        "source": list(protocol.source),
        "status": protocol.status,
        "versions": list(lib.versions(protocol.id)),
    }


def list_protocols(kind: str | None = None) -> list[dict]:
    """The latest published version of each protocol."""
    lib = library()
    return [summary(p, lib) for p in lib.latest(kind)]


def read_protocol(protocol_id: str, version: int | None = None) -> dict:
    lib = library()
    try:
        protocol = lib.get(protocol_id, version)
    except KeyError:
        abort(404, message="No such protocol (or no published version of it).")
    return {**summary(protocol, lib), "body": plain(protocol.body)}


def _protocol(fields: dict) -> Protocol:
    try:
        return library().get(fields["protocol_id"], fields.get("version"))
    except KeyError as error:
        abort(422, message="Unknown protocol.", fields={"protocol_id": [str(error.args[0])]})


def _fields_or_422(make, protocol: Protocol) -> dict:
    try:
        return make(protocol)
    except ValueError as error:
        abort(422, message=str(error), fields={"protocol_id": [str(error)]})


def target_from(user: User, client: Client, fields: dict) -> Target:
    """A target of ``client`` from a published measurement protocol, with the allowed overrides."""
    require_edit(user)
    protocol = _protocol(fields)
    values = _fields_or_422(target_from_protocol, protocol)
    overrides = dict(fields.get("overrides") or {})
    if "mastery" in overrides and overrides["mastery"] is not None and values["mastery"]:
        overrides["mastery"] = {**values["mastery"], **overrides["mastery"]}
    values.update(overrides)
    values.setdefault("aim", None)
    values["active"] = True
    return programs.create_target(user, client, values)


def plan_from(user: User, client: Client, fields: dict) -> Plan:
    """A plan (version 1 of a new series) of ``client`` from a published plan template."""
    require_edit(user)
    protocol = _protocol(fields)
    values = _fields_or_422(plan_from_protocol, protocol)
    values.update(fields.get("overrides") or {})
    return programs.create_plan(user, client, values)
