"""Where a collection's features come from: table, public columns, joins, fixed filter.

Built from the provider's plain-data options (see ``collections.Collection``) and the
tables the models declare on ``gis.storage.Base``: declared, not reflected, tables
carry the storage layer's Geometry type, which decodes both backends' geometries.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pygeoapi.provider.base import ProviderGenericError, ProviderInvalidQueryError
from sqlalchemy import ColumnElement, FromClause, Select, Table, func, select

from gis.storage import Base

from . import values


class SourceConfigError(ProviderGenericError):
    """The collection description does not match the declared tables (a deployment bug)."""

    default_msg = "collection misconfigured (check logs)"


@dataclass(frozen=True)
class Source:
    table: Table
    id_column: ColumnElement
    geom_column: ColumnElement
    columns: dict[str, ColumnElement]
    from_clause: FromClause
    fixed: tuple[ColumnElement, ...]

    @classmethod
    def from_options(cls, options: dict[str, Any], *, id_field: str, geom_field: str) -> Source:
        for module in options.get("models") or ():
            importlib.import_module(module)
        table = _table(options["table"])
        joined = {name: _table(name) for name in options.get("joins") or {}}
        from_clause: FromClause = table
        for name, foreign_key in (options.get("joins") or {}).items():
            target = joined[name]
            primary = list(target.primary_key.columns)[0]
            from_clause = from_clause.outerjoin(target, _column(table, foreign_key) == primary)
        sources = options.get("sources") or {}
        columns = {}
        for public in options["properties"]:
            columns[public] = _resolve(sources.get(public, public), table, joined)
        fixed = tuple(
            _column(table, name).is_(None) if value is None else _column(table, name) == value
            for name, value in (options.get("where") or {}).items()
        )
        geom = _column(table, geom_field)
        if options.get("geometry_types"):  # ST_GeometryType: PostGIS, or gis.storage.sqlite_functions
            fixed += (func.ST_GeometryType(geom).in_([f"ST_{name}" for name in options["geometry_types"]]),)
        return cls(table, _column(table, id_field), geom, columns, from_clause, fixed)

    def fields(self) -> dict[str, dict[str, str]]:
        """pygeoapi's field description: public name -> JSON Schema type."""
        return {name: values.json_schema(column.type) for name, column in self.columns.items()}

    def column(self, name: str) -> ColumnElement:
        """The SQL expression of a public property; unknown names are the client's error."""
        try:
            return self.columns[name]
        except KeyError:
            raise ProviderInvalidQueryError(user_msg=f"未知属性“{name}” / unknown property '{name}'") from None

    def select(self, names: Iterable[str], *, with_geometry: bool) -> Select:
        """SELECT id, [geometry], the named properties, from the source, under the fixed filter."""
        items = [self.id_column.label("__id")]
        if with_geometry:
            items.append(self.geom_column.label("__geom"))
        items.extend(self.columns[name].label(name) for name in names)
        return select(*items).select_from(self.from_clause).where(*self.fixed)


def _table(name: str) -> Table:
    try:
        return Base.metadata.tables[name]
    except KeyError:
        raise SourceConfigError(f"table {name!r} is not declared; list its models module in the collection") from None


def _column(table: Table, name: str) -> ColumnElement:
    try:
        return table.c[name]
    except KeyError:
        raise SourceConfigError(f"table {table.name!r} has no column {name!r}") from None


_PREFIX = re.compile(r"^(?P<source>[\w.]+)\[:(?P<length>\d+)\]$")


def _resolve(source: str, table: Table, joined: dict[str, Table]) -> ColumnElement:
    prefix = _PREFIX.match(source)
    if prefix:  # "admin_code[:9]": the first 9 characters (a code's parent level)
        column = _resolve(prefix["source"], table, joined)
        return func.substr(column, 1, int(prefix["length"]), type_=column.type)
    owner, dot, name = source.rpartition(".")
    if not dot:
        return _column(table, name)
    if owner not in joined:
        raise SourceConfigError(f"property source {source!r} names table {owner!r}, which is not joined")
    return _column(joined[owner], name)
