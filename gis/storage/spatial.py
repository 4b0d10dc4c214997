"""Spatial predicates that mean the same on both backends.

``spatial_match(column, geom, "intersects")`` becomes a plain PostGIS predicate on
PostgreSQL (the GiST index is used by the planner) and, on SQLite, an R*Tree window
lookup followed by the exact shapely predicate registered in ``sqlite_functions``.
Domain code never writes dialect-specific SQL for space.
"""

from __future__ import annotations

import math

import shapely
from sqlalchemy import Float, Table, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType

from .geometry import STORAGE_SRID, Geometry

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
    # Cacheable: the statement is compiled once for a column and predicate, the geometry and
    # its bounds (the SQLite R*Tree window) are bound parameters.
    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("predicate", InternalTraversal.dp_string),
        ("param", InternalTraversal.dp_clauseelement),
        ("window", InternalTraversal.dp_clauseelement_tuple),
    ]

    def __init__(self, column, geom: shapely.Geometry, predicate: str = "intersects"):
        if predicate not in PREDICATES:
            raise ValueError(f"unknown spatial predicate {predicate!r}")
        if geom is None or geom.is_empty:
            raise ValueError("spatial predicates need a non-empty geometry")
        if not all(math.isfinite(v) for v in geom.bounds):  # GEOS refuses them, SQL cannot spell them
            raise ValueError("spatial predicates need finite coordinates")
        self.column = column.__clause_element__() if hasattr(column, "__clause_element__") else column
        self.geom = geom
        self.predicate = predicate
        self.param = bindparam(None, value=geom, type_=Geometry(), unique=True)
        self.window = _window_params(geom.bounds)


def _window_params(bounds) -> tuple:
    """(minx, miny, maxx, maxy) as bound parameters: what the SQLite R*Tree window compares."""
    return tuple(bindparam(None, value=float(v), type_=Float(), unique=True) for v in bounds)


def _rtree_window(element, compiler, **kw) -> str:
    """``pk IN (ids of the R*Tree boxes meeting the element's window)``, SQLite."""
    pk, rtree = _indexed(element.column)
    minx, miny, maxx, maxy = (compiler.process(p, **kw) for p in element.window)
    window = f"SELECT id FROM {rtree} WHERE minx <= {maxx} AND maxx >= {minx} AND miny <= {maxy} AND maxy >= {miny}"
    return f"{compiler.process(pk, **kw)} IN ({window})"


def _exact(element, compiler, **kw) -> str:
    column = compiler.process(element.column, **kw)
    param = compiler.process(element.param, **kw)
    return f"{PREDICATES[element.predicate]}({column}, {param})"


def _indexed(column):
    """The primary key to match against the R*Tree ids, read from the column's own
    FROM element (an alias in a self-join), and the R*Tree of the underlying table."""
    selectable = table = column.table
    while not isinstance(table, Table):
        table = table.element  # an alias reads its table's index
    pk = list(table.primary_key.columns)[0]
    return selectable.c[pk.key], rtree_name(table.name, column.name)


@compiles(spatial_match, "postgresql")
def _compile_pg(element, compiler, **kw):
    return _exact(element, compiler, **kw)


@compiles(spatial_match)
def _compile_sqlite(element, compiler, **kw):
    if element.predicate == "disjoint":  # the R*Tree can only narrow positive predicates
        return f"({_exact(element, compiler, **kw)} = 1)"
    return f"({_rtree_window(element, compiler, **kw)} AND {_exact(element, compiler, **kw)} = 1)"


def bbox_match(column, minx: float, miny: float, maxx: float, maxy: float) -> spatial_match:
    """Features whose geometry intersects a longitude/latitude box.

    A box of zero width or height is the segment (or point) it really is: as a
    zero-area polygon it would be invalid, and PostGIS then misses lines crossing it.
    An open side (``inf``) ends at the edge of the longitude/latitude world.
    """
    minx, maxx = (math.copysign(180.0, v) if math.isinf(v) else v for v in (minx, maxx))
    miny, maxy = (math.copysign(90.0, v) if math.isinf(v) else v for v in (miny, maxy))
    if (minx, miny) == (maxx, maxy):
        window = shapely.Point(minx, miny)
    elif minx == maxx or miny == maxy:
        window = shapely.LineString([(minx, miny), (maxx, maxy)])
    else:
        window = shapely.box(minx, miny, maxx, maxy)
    return spatial_match(column, window, "intersects")


class index_match(ColumnElement):
    """Features whose spatial-index box meets a longitude/latitude box, with no exact test:
    a superset at the index's precision (SQLite's R*Tree holds float32 boxes), for callers
    that measure every candidate themselves anyway, such as a nearest-point search over a
    padded box, where the exact test would cost more than the search."""

    type = NullType()
    inherit_cache = True  # compiled once per column: the box is four bound parameters
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement), ("window", InternalTraversal.dp_clauseelement_tuple)]

    def __init__(self, column, minx: float, miny: float, maxx: float, maxy: float):
        self.column = column
        self.window = _window_params((minx, miny, maxx, maxy))


@compiles(index_match, "postgresql")
def _index_match_pg(element, compiler, **kw):
    minx, miny, maxx, maxy = (compiler.process(p, **kw) for p in element.window)
    column = compiler.process(element.column, **kw)
    return f"({column} && ST_MakeEnvelope({minx}, {miny}, {maxx}, {maxy}, {STORAGE_SRID}))"


@compiles(index_match)
def _index_match_sqlite(element, compiler, **kw):
    return f"({_rtree_window(element, compiler, **kw)})"


class point_coordinate(ColumnElement):
    """The x (``axis`` 0) or y (1) of a point column, read in the database: ST_X/ST_Y on
    PostGIS, the GeoPackage blob's envelope on SQLite; no geometry is decoded in Python."""

    type = Float()
    # Cacheable: the compiled statement is kept, keyed by the column and the axis.
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement), ("axis", InternalTraversal.dp_plain_obj)]

    def __init__(self, column, axis: int):
        self.column = column
        self.axis = axis


@compiles(point_coordinate, "postgresql")
def _point_coordinate_pg(element, compiler, **kw):
    return f"ST_{'XY'[element.axis]}({compiler.process(element.column, **kw)})"


@compiles(point_coordinate)
def _point_coordinate_sqlite(element, compiler, **kw):
    return f"ST_Min{'XY'[element.axis]}({compiler.process(element.column, **kw)})"
