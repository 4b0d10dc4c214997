"""The OpenAPI 3.0 document of the JSON API, derived from the application itself.

Paths, methods and path parameters come from Flask's URL map, summaries from the
views' docstrings, the security requirement from the roles each view declares
(``api.auth.requires``) and the request body from the pydantic model a view reads
(``api.inputs.takes``), so the document cannot drift from the code. Query parameters
and the bodies not yet read as models are described in docs/api.md and docs/search.md.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, jsonify

from gis.profile import PROFILE_KEY

blueprint = Blueprint("openapi", __name__)

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "status", "message"],
    "properties": {
        "code": {"type": "string"},
        "status": {"type": "integer"},
        "message": {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}},
        "description": {"type": "string"},
    },
}
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_schema(model) -> dict:
    """A pydantic model's JSON Schema in OpenAPI 3.0 terms: ``nullable`` instead of a null type,
    boolean ``exclusiveMinimum``/``exclusiveMaximum`` beside ``minimum``/``maximum``."""

    def convert(node):
        if isinstance(node, list):
            return [convert(v) for v in node]
        if not isinstance(node, dict):
            return node
        node = {k: convert(v) for k, v in node.items() if k != "title"}
        for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if isinstance(node.get(exclusive), (int, float)) and not isinstance(node[exclusive], bool):
                node[bound], node[exclusive] = node[exclusive], True
        options = node.get("anyOf")
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            node.pop("anyOf")
            node.update(rest[0] if len(rest) == 1 else {"anyOf": rest})
            node["nullable"] = True
        return node

    return convert(model.model_json_schema())


def _operation(view, method: str, rule, schemas: dict) -> dict:
    doc = (view.__doc__ or "").strip().splitlines()
    roles = getattr(view, "required_roles", None)
    operation: dict[str, Any] = {
        "operationId": f"{rule.endpoint}.{method.lower()}",
        "summary": doc[0] if doc else rule.endpoint,
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "integer" if conv == "int" else "string"}}
            for conv, name in _PARAM.findall(rule.rule)
        ],
        "responses": {
            "200": {"description": "OK"},
            "400": {"description": "Bad request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "404": {"description": "Not found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        },
    }
    model = getattr(view, "body_model", None)
    if model is not None:
        name = model.__name__
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}
        schemas[name] = openapi_schema(model)
    elif method in ("POST", "PUT", "PATCH"):
        operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}}
    if roles:
        operation["security"] = [{"bearer": []}]
        operation["description"] = "Roles: " + ", ".join(roles)
        operation["responses"]["401"] = {"description": "No or invalid credentials"}
        operation["responses"]["403"] = {"description": "Role missing"}
    return operation


def _description(profile) -> str:
    return f"{profile.service_title.zh} / {profile.service_title.en}"


def document(app) -> dict:
    paths: dict[str, dict] = {}
    schemas: dict[str, dict] = {"Error": ERROR_SCHEMA}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("openapi."):
            continue
        view = app.view_functions[rule.endpoint]
        path = _PARAM.sub(r"{\2}", rule.rule[len("/api/v1") :])
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(view, method, rule, schemas)
    return {
        "openapi": "3.0.3",
        "info": {"title": "diming JSON API", "version": "1", "description": _description(app.extensions[PROFILE_KEY])},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@blueprint.get("/openapi.json")
def openapi_json():
    """This OpenAPI document."""
    return jsonify(document(current_app))
