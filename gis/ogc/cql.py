"""CQL2 filters (pygeofilter's syntax tree) as SQLAlchemy conditions on a ``Source``.

pygeoapi parses ``filter=`` into a pygeofilter AST and hands it to the provider. We
translate it ourselves rather than with pygeofilter's SQLAlchemy backend because
spatial predicates must go through ``gis.storage.spatial_match`` to work on both
SQLite (R*Tree + shapely) and PostGIS, and because an unknown property or an
unsupported construct must be the client's 400, not an SQL error or an empty page.
Geometry literals arrive already in the storage CRS (pygeoapi reprojects them from
``filter-crs``).
"""

from __future__ import annotations

import datetime as dt
import math
import operator

import shapely.errors
import shapely.geometry
from pygeoapi.provider.base import ProviderInvalidQueryError
from pygeofilter import ast
from pygeofilter import values as fvalues
from sqlalchemy import ColumnElement, and_, false, func, literal, not_, or_, true

from gis.errors import DimingError
from gis.storage import bbox_match, spatial_match

from . import filters, values
from .source import Source

_COMPARISONS = {
    ast.Equal: operator.eq,
    ast.NotEqual: operator.ne,
    ast.LessThan: operator.lt,
    ast.LessEqual: operator.le,
    ast.GreaterThan: operator.gt,
    ast.GreaterEqual: operator.ge,
}

_SPATIAL = {
    ast.GeometryIntersects: "intersects",
    ast.GeometryContains: "contains",
    ast.GeometryWithin: "within",
    ast.GeometryTouches: "touches",
    ast.GeometryCrosses: "crosses",
    ast.GeometryOverlaps: "overlaps",
    ast.GeometryEquals: "equals",
    ast.GeometryDisjoint: "disjoint",
}

# The predicate that holds when the two operands are written the other way round.
_CONVERSE = {"contains": "within", "within": "contains"}

# CASEI is CQL2's case-insensitive comparison: both sides lowered.
_FUNCTIONS = {"lower": func.lower, "upper": func.upper, "casei": func.lower}

_LITERALS = (str, int, float, bool, dt.date, dt.datetime)


def _unsupported(what: str) -> ProviderInvalidQueryError:
    return ProviderInvalidQueryError(user_msg=f"不支持的过滤条件：{what} / unsupported filter construct: {what}")


class _Translator:
    def __init__(self, source: Source, geometry_names: set[str], *, spatial: bool = True):
        self.spatial = spatial
        self.source = source
        self.geometry_names = geometry_names
        self.public_names = {id(column): name for name, column in source.columns.items()}

    def condition(self, node) -> ColumnElement:
        if isinstance(node, bool):  # CQL2 boolean literal standing as a condition
            return true() if node else false()
        if isinstance(node, ast.And):
            return and_(self.condition(node.lhs), self.condition(node.rhs))
        if isinstance(node, ast.Or):
            return or_(self.condition(node.lhs), self.condition(node.rhs))
        if isinstance(node, ast.Not):
            return not_(self.condition(node.sub_node))
        if isinstance(node, ast.Include):
            return false() if node.not_ else true()
        if type(node) in _COMPARISONS:
            left, right = self._pair(node.lhs, node.rhs)
            return _COMPARISONS[type(node)](left, right)
        if isinstance(node, ast.Like):
            return self._like(node)
        if isinstance(node, ast.In):
            column = self.scalar(node.lhs)
            options = [self._fit(value, column) for value in node.sub_nodes]
            return column.not_in(options) if node.not_ else column.in_(options)
        if isinstance(node, ast.Between):
            column = self.scalar(node.lhs)
            clause = column.between(self._fit(node.low, column), self._fit(node.high, column))
            return not_(clause) if node.not_ else clause
        if isinstance(node, ast.IsNull):
            column = self.scalar(node.lhs)
            return column.is_not(None) if node.not_ else column.is_(None)
        if (type(node) in _SPATIAL or isinstance(node, ast.BBox)) and not self.spatial:
            raise ProviderInvalidQueryError(
                user_msg="该集合的位置按降低的精度发布，不支持空间过滤条件，请改用 bbox 参数"
                " / this collection's positions are published at reduced precision: no spatial filters, use the bbox parameter"
            )
        if type(node) in _SPATIAL:
            return self._spatial(node)
        if isinstance(node, ast.BBox):
            return self._bbox(node)
        raise _unsupported(type(node).__name__)

    def scalar(self, node) -> ColumnElement:
        """A property, or a function of properties, as an SQL expression."""
        if isinstance(node, ast.Attribute):
            if node.name in self.geometry_names:
                raise _unsupported(f"geometry '{node.name}' in a non-spatial comparison")
            return self.source.column(node.name)
        if isinstance(node, ast.Function):
            function = _FUNCTIONS.get(node.name.lower())
            if function is None:
                raise _unsupported(f"function {node.name}()")
            return function(*(self._operand(arg) for arg in node.arguments))
        raise _unsupported(type(node).__name__)

    def _operand(self, node):
        return node if isinstance(node, _LITERALS) else self.scalar(node)

    def _pair(self, lhs, rhs):
        if isinstance(lhs, _LITERALS) and isinstance(rhs, _LITERALS):
            return literal(lhs), rhs
        if isinstance(lhs, _LITERALS):
            right = self.scalar(rhs)
            return self._fit(lhs, right), right
        left = self.scalar(lhs)
        right = self._fit(rhs, left) if isinstance(rhs, _LITERALS) else self.scalar(rhs)
        return left, right

    def _fit(self, value, column: ColumnElement):
        if not isinstance(value, _LITERALS):
            raise _unsupported(f"{type(value).__name__} as a value")
        return values.coerce(value, column.type, self.public_names.get(id(column), str(column)))

    def _like(self, node) -> ColumnElement:
        column = self.scalar(node.lhs)
        kind = values.python_type(column.type)
        if kind not in (None, str) or not isinstance(node.pattern, str):
            raise _unsupported("LIKE on a property that is not text")
        # CQL2 LIKE uses SQL's own wildcards (% and _) and backslash escapes, so the
        # pattern passes through unchanged.
        method = column.ilike if node.nocase else column.like
        clause = method(node.pattern, escape="\\")
        return not_(clause) if node.not_ else clause

    def _spatial(self, node) -> ColumnElement:
        predicate = _SPATIAL[type(node)]
        if self._is_geometry(node.lhs):
            shape = self._shape(node.rhs)
        elif self._is_geometry(node.rhs):
            shape = self._shape(node.lhs)
            predicate = _CONVERSE.get(predicate, predicate)
        else:
            raise _unsupported("spatial predicate without the feature geometry")
        geom = self.source.geom_column
        if shape.is_empty:  # relates to nothing (and spatial_match cannot window an empty shape)
            return geom.is_not(None) if predicate == "disjoint" else false()
        if predicate == "disjoint":
            return and_(geom.is_not(None), not_(spatial_match(geom, shape, "intersects")))
        return spatial_match(geom, shape, predicate)

    def _bbox(self, node) -> ColumnElement:
        if not self._is_geometry(node.lhs):
            raise _unsupported("BBOX without the feature geometry")
        if node.crs and "crs84" not in str(node.crs).lower():
            raise _unsupported("BBOX in a CRS other than CRS84")
        _finite([[node.minx, node.miny], [node.maxx, node.maxy]])
        return bbox_match(self.source.geom_column, node.minx, node.miny, node.maxx, node.maxy)

    def _is_geometry(self, node) -> bool:
        return isinstance(node, ast.Attribute) and node.name in self.geometry_names

    def _shape(self, node):
        if isinstance(node, ast.Function) and node.name.lower() == "bbox":
            return self._bbox_literal(node.arguments)
        if not isinstance(node, (fvalues.Geometry, fvalues.Envelope)):
            raise _unsupported("spatial predicate between two properties")
        _finite(_points(node.geometry.get("coordinates") if isinstance(node.geometry, dict) else None))
        try:
            shape = shapely.geometry.shape(node.geometry)
        except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError) as exc:
            raise ProviderInvalidQueryError(user_msg=f"几何图形无效 / invalid geometry: {exc}") from None
        try:
            filters.check_on_globe(shape)
        except DimingError as exc:
            raise ProviderInvalidQueryError(user_msg=exc.args[0]) from None
        return shape

    @staticmethod
    def _bbox_literal(arguments):
        """CQL2 text ``BBOX(minx, miny, maxx, maxy)`` as a geometry literal (pygeofilter reads it as a function).

        pygeoapi does not reproject it from ``filter-crs``, so it is read as lon/lat.
        """
        numbers = [a for a in arguments if isinstance(a, (int, float)) and not isinstance(a, bool)]
        if len(numbers) != len(arguments) or len(numbers) not in (4, 6):
            raise _unsupported("BBOX() needs 4 or 6 numbers")
        if len(numbers) == 6:
            numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
        _finite([numbers[:2], numbers[2:]])
        return shapely.geometry.box(*numbers)


def _points(coordinates) -> list:
    """The positions of GeoJSON ``coordinates`` at any nesting, in order."""
    if not isinstance(coordinates, list) or not coordinates:
        return []
    if not isinstance(coordinates[0], list):
        return [coordinates]
    return [point for part in coordinates for point in _points(part)]


def _finite(points: list[list[float]]) -> None:
    """NaN or Infinity in a geometry literal is the client's 400 naming the point (SQL would see a bare word)."""
    for index, point in enumerate(points):
        try:
            finite = all(math.isfinite(float(v)) for v in point)
        except (TypeError, ValueError):
            finite = False
        if not finite:
            shown = ", ".join(str(v) for v in point)
            zh, en = (
                f"几何图形第 {index + 1} 个点坐标不是有限数值：({shown})",
                f"point {index + 1} of the geometry is not finite: ({shown})",
            )
            raise ProviderInvalidQueryError(user_msg=f"{zh} / {en}")


def to_sql(tree, source: Source, geometry_names: set[str], *, spatial: bool = True) -> ColumnElement:
    """The SQL condition a CQL2 filter tree means on ``source``; 400 for what it can't.
    ``spatial=False`` (a layer published at reduced precision) refuses spatial predicates: an
    arbitrary shape would locate a feature more precisely than the grid it is published on."""
    return _Translator(source, geometry_names, spatial=spatial).condition(tree)
