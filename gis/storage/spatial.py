"""Spatial predicates that mean the same on both backends.

``spatial_match(column, geom, "intersects")`` becomes a plain PostGIS predicate on
PostgreSQL (the GiST index is used by the planner) and, on SQLite, an R*Tree window
lookup followed by the exact shapely predicate registered in ``sqlite_functions``.
Domain code never writes dialect-specific SQL for space.
"""

from __future__ import annotations

import shapely
from sqlalchemy import bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import NullType

from .geometry import Geometry

PREDICATES = {
    "intersects": "ST_Intersects",
    "contains": "ST_Contains",
    "within": "ST_Within",
    "touches": "ST_Touches",
    "crosses": "ST_Crosses",
    "overlaps": "ST_Overlaps",
    "equals": "ST_Equals",
    "covers": "ST_Covers",
    "covered_by": "ST_CoveredBy",
    "disjoint": "ST_Disjoint",
}


def rtree_name(table: str, column: str) -> str:
    return f"rtree_{table}_{column}"


class spatial_match(ColumnElement):
    """``column <predicate> geom`` as a boolean SQL expression."""

    # Typed as a plain SQL expression, not Boolean: SQLite renders a Boolean in a
    # WHERE clause as "(...) = 1", which hides the R*Tree lookup from the planner
    # and turns every query into a full scan.
    type = NullType()
    inherit_cache = False

    def __init__(self, column, geom: shapely.Geometry, predicate: str = "intersects", distance: float | None = None):
        if predicate not in PREDICATES and predicate != "dwithin":
            raise ValueError(f"unknown spatial predicate {predicate!r}")
        if geom is None or geom.is_empty:
            raise ValueError("spatial predicates need a non-empty geometry")
        self.column = column
        self.geom = geom
        self.predicate = predicate
        self.distance = distance
        self.param = bindparam(None, value=geom, type_=Geometry(), unique=True)


def _sql_function(element) -> str:
    return "ST_DWithin" if element.predicate == "dwithin" else PREDICATES[element.predicate]


def _exact(element, compiler, **kw) -> str:
    column = compiler.process(element.column, **kw)
    param = compiler.process(element.param, **kw)
    if element.predicate == "dwithin":
        return f"ST_DWithin({column}, {param}, {float(element.distance)!r})"
    return f"{_sql_function(element)}({column}, {param})"


@compiles(spatial_match, "postgresql")
def _compile_pg(element, compiler, **kw):
    return _exact(element, compiler, **kw)


@compiles(spatial_match)
def _compile_sqlite(element, compiler, **kw):
    if element.predicate == "disjoint":  # the R*Tree can only narrow positive predicates
        return f"({_exact(element, compiler, **kw)} = 1)"
    table = element.column.table
    pk = list(table.primary_key.columns)[0]
    minx, miny, maxx, maxy = element.geom.bounds
    if element.predicate == "dwithin":
        d = float(element.distance)
        minx, miny, maxx, maxy = minx - d, miny - d, maxx + d, maxy + d
    window = (
        f"SELECT id FROM {rtree_name(table.name, element.column.name)} "
        f"WHERE minx <= {maxx!r} AND maxx >= {minx!r} AND miny <= {maxy!r} AND maxy >= {miny!r}"
    )
    pk_sql = compiler.process(pk, **kw)
    return f"({pk_sql} IN ({window}) AND {_exact(element, compiler, **kw)} = 1)"


def bbox_match(column, minx: float, miny: float, maxx: float, maxy: float) -> spatial_match:
    """Features whose geometry intersects a longitude/latitude box."""
    return spatial_match(column, shapely.box(minx, miny, maxx, maxy), "intersects")
