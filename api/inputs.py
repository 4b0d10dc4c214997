"""What every API view needs from a request, in one place: the store, a JSON body,
and typed parameters that fail with a bilingual 400 instead of a 500.

Bodies are read one typed way: a pydantic model (a ``Body``) next to its endpoint,
``read_body(Model)`` to get it, and pydantic's ``ValidationError`` turned here, and
only here, into a bilingual 400 naming the field. Models are strict (a JSON string is
not a number, ``true`` is not an integer), record ids fit the database's integer,
numbers are finite, and unknown fields are ignored as before.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated

from flask import current_app, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


# A row id: a JSON integer the database's 32-bit id column can hold (a larger one would overflow in SQL).
RecordId = Annotated[int, Field(strict=True, ge=1, le=2**31 - 1)]
Text = Annotated[str, Field(strict=True)]
Number = Annotated[float, Field(allow_inf_nan=False)]


class Body(BaseModel):
    """Base of every request-body model: strict JSON types, unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", allow_inf_nan=False)


_EXPECTED = {
    "int": ("整数", "a whole number"),
    "string": ("文本", "text"),
    "float": ("数值", "a number"),
    "finite": ("有限数值", "a finite number"),
    "bool": ("true 或 false", "true or false"),
    "list": ("列表", "a list"),
    "dict": ("JSON 对象", "a JSON object"),
}


def field_error(exc: ValidationError) -> BadRequest:
    """The bilingual 400 for a body that does not fit its model, naming the first bad field."""
    first = exc.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or "body"
    kind = next((zh_en for key, zh_en in _EXPECTED.items() if key in first["type"]), None)
    if first["type"] == "missing":
        zh, en = f"缺少字段 {field}", f"Missing field '{field}'"
    elif first["type"].startswith(("greater", "less", "too_", "string_too", "list_too")):
        zh, en = f"字段 {field} 超出允许范围", f"Field '{field}' is out of range ({first['msg']})"
    elif kind:
        zh, en = f"字段 {field} 应为{kind[0]}", f"Field '{field}' must be {kind[1]} ({first['msg']})"
    else:
        zh, en = f"字段 {field} 的值无效", f"Field '{field}' is invalid: {first['msg']}"
    return BadRequest(zh, en, details={"field": field})


def takes(model: type[Body]):
    """Mark a view as reading a ``model`` body, so the OpenAPI document publishes its schema."""

    def mark(view):
        view.body_model = model
        return view

    return mark


def read_body[B: Body](model: type[B]) -> B:
    """The JSON object body as ``model``, or a bilingual 400 naming the field that does not fit."""
    try:
        return model.model_validate(json_body())
    except ValidationError as exc:
        raise field_error(exc) from None


def required_date(value, name: str) -> dt.date:
    """A date the request must give (YYYY-MM-DD), else a 400 naming it."""
    date = date_value(value, name, required=True)
    assert date is not None  # required: None is refused as a bad date
    return date


def date_value(value, name: str, *, required: bool = False) -> dt.date | None:
    if value in (None, "") and not required:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} 应为日期 YYYY-MM-DD", f"'{name}' must be a date YYYY-MM-DD") from None


def int_value(raw, name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number given as text (a query parameter), ``default`` when absent or empty;
    a bilingual 400 when it is not a whole number or lies outside ``minimum``..``maximum``."""
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise BadRequest(f"参数 {name} 应为整数：“{raw}”", f"Parameter '{name}' must be a whole number: '{raw}'") from None
    if maximum is None and value < minimum:
        raise BadRequest(f"参数 {name} 超出范围：至少为 {minimum}", f"Parameter '{name}' is out of range: at least {minimum}")
    if maximum is not None and not minimum <= value <= maximum:
        raise BadRequest(f"参数 {name} 超出范围 {minimum}–{maximum}", f"Parameter '{name}' is out of range {minimum}–{maximum}")
    return value


def int_arg(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    """``int_value`` of the query parameter ``name``."""
    return int_value(request.args.get(name), name, default, minimum=minimum, maximum=maximum)


def number_list(raw: str, name: str, counts: tuple[int, ...]) -> list[float]:
    """Comma-separated finite numbers (a bbox, a point), as many as one of ``counts``; else a 400 naming them."""
    try:
        values = [float(part) for part in raw.split(",")]
    except ValueError:
        values = []
    if len(values) not in counts or not all(math.isfinite(v) for v in values):
        wanted = " 或 ".join(map(str, counts)), " or ".join(map(str, counts))
        raise BadRequest(
            f"{name} 须为 {wanted[0]} 个逗号分隔的数字：“{raw}”", f"{name} must be {wanted[1]} comma-separated numbers: '{raw}'"
        )
    return values


def flag(value) -> bool:
    """A boolean from JSON or a query string (true/false/1/0/yes/no)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "yes"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "0", "no", ""):
        return False
    raise BadRequest("布尔参数取值无效", "Boolean parameter must be true or false")
