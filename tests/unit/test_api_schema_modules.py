"""Request and response schemas live in schemas modules, never in view modules (HELPERS.md)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import marshmallow

import bdc.api


def _is_schemas_module(name: str) -> bool:
    # schemas.py, <area>_schemas.py, schemas_<area>.py
    leaf = name.rsplit(".", 1)[-1]
    return leaf.endswith("schemas") or leaf.startswith("schemas_")


def _schemas_defined_by_module() -> dict[str, list[str]]:
    """Every module of bdc.api with the marshmallow Schema subclasses it defines itself."""
    found = {}
    for info in pkgutil.walk_packages(bdc.api.__path__, prefix="bdc.api."):
        module = importlib.import_module(info.name)
        found[info.name] = sorted(
            name
            for name, value in vars(module).items()
            if inspect.isclass(value)
            and issubclass(value, marshmallow.Schema)
            and value.__module__ == module.__name__
        )
    return found


def test_only_schemas_modules_define_schemas():
    misplaced = {
        module: names
        for module, names in _schemas_defined_by_module().items()
        if names and not _is_schemas_module(module)
    }
    assert misplaced == {}, "move these schemas into a schemas module of the area"


def test_the_check_sees_the_schemas_modules_and_the_views():
    # The check above means nothing if the walk missed the views or never found a schema.
    found = _schemas_defined_by_module()
    assert {"bdc.api.analysis", "bdc.api.quality", "bdc.api.reports"} <= found.keys()
    assert "IncidentSchema" in found["bdc.api.incident_schemas"]
    assert "DashboardSchema" in found["bdc.api.quality_schemas"]
    assert {"bdc.api.schemas", "bdc.api.schemas_documentation"} <= {
        module for module, names in found.items() if names and _is_schemas_module(module)
    }
