"""What pygeoapi's generated OpenAPI document leaves out, added before it is served.

* ``datetime``: pygeoapi declares it only for collections with a time field, yet every
  items endpoint accepts (and checks, see ``temporal``) it, as Part 1 requires.
* Security: operations that answer 401 without a planner's token (executing a
  process, every ``/jobs`` operation) were described as public. They get a bearer
  security scheme, ``security`` and their 401/403 responses, so a generated client
  or a fuzzer knows to send a token. Which operations are protected is the caller's
  knowledge (``api.ogc.processes.is_protected``); this module only writes it down.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

DATETIME_PARAMETER = {
    "name": "datetime",
    "in": "query",
    "required": False,
    "style": "form",
    "explode": False,
    "description": "A date-time (RFC 3339) or an interval (start/end, either may be '..' or empty). "
    "Collections without a temporal property ignore a valid value; an invalid one is a 400. / "
    "时间点（RFC 3339）或时间区间（起/止，可为 '..' 或空）。没有时间属性的集合忽略合法的值；不合法的值返回 400。",
    "schema": {"type": "string"},
}

BEARER = "bearer"
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API token of a user with the planner role (diming tokens create). / 具有规划人员角色的用户的访问令牌。",
}
_ERROR = {"application/json": {"schema": {"type": "object"}}}
AUTH_RESPONSES = {
    "401": {"description": "No valid bearer token / 未提供有效的访问令牌", "content": _ERROR},
    "403": {"description": "The token's user lacks the planner role / 令牌的用户不具有规划人员角色", "content": _ERROR},
}
_ITEMS = re.compile(r"^/collections/[^/]+/items$")
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def declare_datetime(document: dict[str, Any]) -> dict[str, Any]:
    """Every items GET lists the ``datetime`` parameter (once)."""
    components = document.setdefault("components", {}).setdefault("parameters", {})
    components["datetime"] = DATETIME_PARAMETER
    reference = {"$ref": "#/components/parameters/datetime"}
    for path, operations in document.get("paths", {}).items():
        get = operations.get("get") if _ITEMS.match(path) else None
        if get is None:
            continue
        parameters = get.setdefault("parameters", [])
        if not any(p.get("name") == "datetime" or str(p.get("$ref", "")).endswith("/datetime") for p in parameters):
            parameters.append(reference)
    return document


def secure(document: dict[str, Any], is_protected: Callable[[str, str], bool]) -> dict[str, Any]:
    """Mark the operations ``is_protected(path, METHOD)`` names as needing a bearer token."""
    marked = False
    for path, operations in document.get("paths", {}).items():
        for method in _METHODS:
            operation = operations.get(method)
            if operation is None or not is_protected(path, method.upper()):
                continue
            operation["security"] = [{BEARER: []}]
            responses = operation.setdefault("responses", {})
            for status, response in AUTH_RESPONSES.items():
                responses.setdefault(status, response)
            marked = True
    if marked:
        document.setdefault("components", {}).setdefault("securitySchemes", {})[BEARER] = SECURITY_SCHEME
    return document
