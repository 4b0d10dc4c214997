"""Plain column types spelled the way GeoPackage readers (GDAL, QGIS) expect.

On SQLite, strings are declared ``TEXT(n)``, JSON as ``TEXT`` and timestamps are
stored as ISO 8601 UTC with a ``Z``, which is what the GeoPackage standard asks
of attribute columns. PostgreSQL keeps its native types.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.types import DateTime, TypeDecorator


@compiles(String, "sqlite")
def _string_as_text(element, compiler, **kw):
    return f"TEXT({element.length})" if element.length else "TEXT"


@compiles(JSON, "sqlite")
def _json_as_text(element, compiler, **kw):
    return "TEXT"


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on both backends."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return value.astimezone(dt.UTC)
