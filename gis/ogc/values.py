"""Query values from a URL or a CQL2 filter, made to fit the column they meet.

A URL gives every value as text, and CQL2 lets a client compare a text column with a
number. PostgreSQL rejects such a mix with an SQL error (a 500); SQLite silently
compares differently. Converting first turns a value that cannot fit into a 400.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pygeoapi.provider.base import ProviderInvalidQueryError

JSON_TYPES: dict[type | None, dict[str, str]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    dt.date: {"type": "string", "format": "date"},
    dt.datetime: {"type": "string", "format": "date-time"},
}


def python_type(sql_type) -> type | None:
    """The Python type a column's values have, or None when SQLAlchemy cannot tell."""
    try:
        return sql_type.python_type
    except NotImplementedError:
        return None


def json_schema(sql_type) -> dict[str, str]:
    """JSON Schema type (and format) of a column, as pygeoapi's queryables expect."""
    return dict(JSON_TYPES.get(python_type(sql_type), {"type": "string"}))


def coerce(value: Any, sql_type, name: str) -> Any:
    """``value`` converted to the Python type of a column, or a 400 naming ``name``."""
    target = python_type(sql_type)
    if value is None or target is None or (type(value) is target):
        return value
    try:
        return _CONVERTERS[target](value)
    except (KeyError, ValueError, TypeError, OverflowError):
        raise ProviderInvalidQueryError(
            user_msg=f"属性“{name}”的值 {value!r} 类型不符 / value {value!r} does not fit property '{name}'"
        ) from None


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("not a whole number")
        value = int(value)
    number = int(str(value).strip())
    if not -(2**63) <= number < 2**63:  # beyond every integer column (SQLite raises OverflowError, PostgreSQL "out of range")
        raise OverflowError("beyond a 64-bit integer")
    return number


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    number = float(value)
    if not math.isfinite(number):  # NaN/Infinity match nothing and reach SQL as a bare word
        raise ValueError("not a finite number")
    return number


def _to_str(value: Any) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot use {type(value).__name__} as text")


def _to_bool(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ValueError("not a boolean")


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value))


def _to_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


_CONVERTERS = {
    int: _to_int,
    float: _to_float,
    str: _to_str,
    bool: _to_bool,
    dt.date: _to_date,
    dt.datetime: _to_datetime,
}
