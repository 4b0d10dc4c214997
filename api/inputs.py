"""What every API view needs from a request, in one place: the store, a JSON body,
and typed parameters that fail with a bilingual 400 instead of a 500."""

from __future__ import annotations

import datetime as dt

from flask import current_app, request

from api.web.health import STORE_KEY
from gis.errors import BadRequest
from gis.storage import Store


def current_store() -> Store:
    return current_app.extensions[STORE_KEY]


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("请求体应为 JSON 对象", "The request body must be a JSON object")
    return body


def date_value(value, name: str, *, required: bool = False) -> dt.date | None:
    if value in (None, "") and not required:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} 应为日期 YYYY-MM-DD", f"'{name}' must be a date YYYY-MM-DD") from None


def int_arg(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"参数 {name} 应为整数", f"Parameter '{name}' must be an integer") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f"–{maximum}"
        raise BadRequest(f"参数 {name} 超出范围 {minimum}{upper}", f"Parameter '{name}' is out of range {minimum}{upper}")
    return value


def flag(value) -> bool:
    """A boolean from JSON or a query string (true/false/1/0/yes/no)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "yes"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "0", "no", ""):
        return False
    raise BadRequest("布尔参数取值无效", "Boolean parameter must be true or false")
