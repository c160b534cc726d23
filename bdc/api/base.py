"""The blueprint every API resource uses: ids in paths, JSON bodies, bounded pages."""

from __future__ import annotations

import uuid
from functools import wraps

from flask import Response, request
from flask_smorest import Blueprint, abort
from marshmallow import ValidationError, fields, validate
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.routing import UUIDConverter

from bdc.auth import authenticate

# Far beyond any real caseload (100 rows a page), and small enough that the row offset
# it implies is a number every database accepts.
MAX_PAGE = 1_000_000


class IdConverter(UUIDConverter):
    """Path ids are UUIDs; a view gets the canonical text. Anything else is no such route (404).

    Registered as the ``uuid`` converter, so the OpenAPI document declares every id as a
    string of format ``uuid`` (flask-smorest maps werkzeug's UUIDConverter and its subclasses).
    """

    def to_python(self, value: str) -> str:
        return str(uuid.UUID(value))

    def to_url(self, value) -> str:
        return str(value)


def json_type_problems(schema, data) -> dict:
    """Field messages for JSON values of the wrong JSON type, by the schema's declared types.

    marshmallow coerces (``0`` is false, ``"2"`` is 2, ``2.5e-42`` is the integer 0); a JSON
    body must carry the type the OpenAPI document declares. Query strings are text and keep
    marshmallow's coercion.
    """
    if not isinstance(data, dict):
        return {}
    found = {}
    for field in schema.fields.values():
        key = field.data_key or field.name
        if not field.dump_only and key in data:
            problem = _json_type_problem(field, data[key])
            if problem:
                found[key] = problem
    return found


def _json_typed(field) -> bool:
    """Whether :func:`_json_type_problem` may find a problem in a value of ``field`` (sync's
    item lists hold thousands of items that no check applies to)."""
    return isinstance(field, fields.Boolean | fields.Number | fields.Nested | fields.List)


def _json_type_problem(field, value):
    if value is None:
        return None
    if isinstance(field, fields.Boolean) and not isinstance(value, bool):
        return ["Not a valid boolean."]
    if isinstance(field, fields.Number) and (
        isinstance(value, bool) or not isinstance(value, (int, float))
    ):
        return ["Not a valid number."]
    if isinstance(field, fields.Integer) and not isinstance(value, int):
        return ["Not a valid integer."]
    if isinstance(field, fields.Nested) and not field.many:
        return json_type_problems(field.schema, value) or None
    if isinstance(field, fields.List) and isinstance(value, list) and _json_typed(field.inner):
        inner = {
            i: p for i, item in enumerate(value) if (p := _json_type_problem(field.inner, item))
        }
        return inner or None
    return None


class JsonBodyParser(FlaskParser):
    """A route that reads a JSON body refuses any other content type (415) and no body (400).

    webargs would otherwise read a non-JSON or empty body as ``{}``, and a route whose fields
    are all optional would answer 200 having done nothing.
    """

    def _raw_load_json(self, req):
        if not is_json_request(req):
            abort(415, message="Send the body as JSON, with Content-Type: application/json.")
        if not req.get_data(cache=True):
            abort(400, message="This request needs a JSON body.")
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            abort(400, message="The JSON body is nested too deeply.")

    def load_json(self, req, schema):
        data = super().load_json(req, schema)
        problems = json_type_problems(schema, data)
        if problems:
            raise ValidationError(problems)
        return data


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()

    def arguments(self, schema, **kwargs):
        """flask-smorest's arguments, a schema class made into its instance once: webargs
        would otherwise make one (every field deep-copied) for every request."""
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)

    def paginate(self, pager=None, *, page=None, page_size=None, max_page_size=None):
        """flask-smorest's pagination, with the page number bounded (documented and checked)."""
        paginated = super().paginate(
            pager, page=page, page_size=page_size, max_page_size=max_page_size
        )
        parser = self.PAGINATION_ARGUMENTS_PARSER

        def decorator(view):
            wrapper = paginated(view)
            pagination = wrapper._apidoc["pagination"]
            bounded = type(
                "BoundedPaginationParametersSchema",
                (pagination["parameters"]["schema"],),
                {
                    "page": fields.Integer(
                        load_default=page or 1, validate=validate.Range(min=1, max=MAX_PAGE)
                    )
                },
            )
            pagination["parameters"] = {**pagination["parameters"], "schema": bounded}

            @wraps(wrapper)
            def checked(*args, **kwargs):
                parser.parse(bounded, request, location="query")
                return wrapper(*args, **kwargs)

            return checked

        return decorator


def public_blueprint(name: str, import_name: str, description: str) -> ApiBlueprint:
    """A blueprint under /api/v1 whose routes authenticate for themselves (or not at all)."""
    return ApiBlueprint(name, import_name, url_prefix="/api/v1", description=description)


def protected_blueprint(name: str, import_name: str, description: str) -> ApiBlueprint:
    """A blueprint under /api/v1 whose every route requires a signed-in user."""
    blueprint = public_blueprint(name, import_name, description)
    blueprint.before_request(authenticate)
    return blueprint


def file_response(content: bytes, content_type: str, filename: str) -> Response:
    """A download: ``content`` as an attachment named ``filename``, never cached (it is PHI)."""
    return Response(
        content,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def binary_doc(blueprint: Blueprint, content_type: str, description: str):
    """OpenAPI: a 200 answer of ``content_type`` with a file name in Content-Disposition."""
    return blueprint.doc(
        responses={
            "200": {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
                "headers": {
                    "Content-Disposition": {
                        "description": "attachment; the file name says whose and which period",
                        "schema": {"type": "string"},
                    }
                },
            }
        }
    )
