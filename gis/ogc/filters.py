"""Query CRSs and CQL2 filters as the standards mean them, before the provider sees them.

pygeoapi 0.24 gets several things wrong here, and ``compat`` routes its calls to
these functions instead:

* CRS short forms: ``EPSG:4490``, ``EPSG:4543``, ``CRS84``, ``OGC:CRS84`` are
  refused (or crash filter-crs with "Bad CQL text"). ``crs_uri`` turns any spelling
  ``gis.crs`` accepts into the OGC URI it means, so ``EPSG:4490`` is lat,lon like
  http://www.opengis.net/def/crs/EPSG/0/4490, and refuses a CRS the collection does
  not offer with a bilingual 400.
* Speed: pygeoapi builds two pyproj CRSs and a Transformer for every ``bbox-crs``
  and for every filter geometry (0.8-1.2 s a request). Query geometries are
  transformed once, with ``gis.crs``'s cached transformers, into the storage frame
  (lon/lat), and the provider filters there with the spatial index.
* CQL2 JSON: ``{"bbox": [minx, miny, maxx, maxy]}`` is read by pygeofilter as
  Envelope(minx, miny, maxx, maxy) = (x1, x2, y1, y2), a wrong box; ``NaN`` and
  ``Infinity`` (not JSON) are accepted by Python's parser. Boxes become polygons
  here and non-finite numbers are refused.
* ``BBOX(...)`` predicates and functions were not reprojected from ``filter-crs``.
* Boolean literals: CQL2 allows ``TRUE``/``FALSE`` as a condition (``filter=TRUE``);
  pygeofilter's grammar does not, so they are read as INCLUDE/EXCLUDE.
* Coordinates off the globe (latitude 180, longitude 500) are a 400, not a query.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
import shapely.geometry
from pygeofilter import ast
from pygeofilter import values as fvalues
from pygeofilter.parsers.cql2_json import parse as _parse_cql2_json
from pygeofilter.parsers.cql2_text import parse as _parse_cql2_text

from gis.crs import CRS84, STORAGE_CRS, crs_uri, is_lat_first, parse_crs, reproject, swap_axes
from gis.errors import BadRequest, CRSError, DimingError, InvalidGeometry

# Frames treated as the storage frame itself: they differ from CGCS2000 by centimetres.
_SAME_FRAME = frozenset({CRS84, STORAGE_CRS, "EPSG:4326"})


# --- CRS parameters ------------------------------------------------------------------


def canonical_uri(value: str, offered: list[str] | tuple[str, ...], parameter: str) -> str:
    """The OGC URI ``value`` means, if it is one of ``offered``; else a bilingual 400."""
    uri = crs_uri(parse_crs(value))
    if uri not in offered:
        choices = ", ".join(offered)
        raise CRSError(
            f"{parameter} 不支持坐标参考系“{value}”，可用：{choices}",
            f"{parameter} '{value}' is not offered by this collection; use one of: {choices}",
        )
    return uri


def to_storage_xy(geom: shapely.Geometry, crs: str) -> shapely.Geometry:
    """A geometry written in ``crs``'s authority axis order, as storage lon/lat; 400 when off the globe."""
    canonical = parse_crs(crs)
    _check_finite(geom)
    if is_lat_first(canonical):
        geom = swap_axes(geom)
    if canonical not in _SAME_FRAME:
        geom = reproject(geom, canonical, STORAGE_CRS)
    check_on_globe(geom)
    return geom


def transform_bbox(bbox: list[float], from_crs: str, to_crs: str) -> list[float]:
    """A bbox (authority axis order of ``from_crs``) as lon/lat bounds in the storage frame.

    ``to_crs`` is the declared storage CRS, CRS84: the provider wants lon/lat."""
    numbers = [float(n) for n in bbox]
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    minx, miny, maxx, maxy = numbers
    if parse_crs(from_crs) in _SAME_FRAME and not is_lat_first(from_crs) and minx > maxx:
        return numbers  # a lon/lat box across the antimeridian: pass it on as given
    box = shapely.box(min(minx, maxx), min(miny, maxy), max(minx, maxx), max(miny, maxy))
    if parse_crs(from_crs) not in _SAME_FRAME:
        box = shapely.segmentize(box, max(box.bounds[2] - box.bounds[0], box.bounds[3] - box.bounds[1]) / 16 or 1)
    return list(to_storage_xy(box, from_crs).bounds)


def _check_finite(geom: shapely.Geometry) -> None:
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise InvalidGeometry("坐标必须是有限的数字（不能是 NaN 或无穷大）", "coordinates must be finite numbers (not NaN or Infinity)")


def check_on_globe(geom: shapely.Geometry) -> None:
    """A bilingual 400 unless every coordinate is a finite lon/lat on the globe."""
    _check_finite(geom)
    coords = shapely.get_coordinates(geom)
    if coords.size and not (np.all(np.abs(coords[:, 0]) <= 180) and np.all(np.abs(coords[:, 1]) <= 90)):
        raise InvalidGeometry(
            "坐标超出地球范围（经度须在 ±180 之内，纬度须在 ±90 之内；EPSG:4490 先纬度后经度）",
            "coordinates off the globe (longitude within ±180, latitude within ±90; EPSG:4490 is latitude first)",
        )


# --- parsing ---------------------------------------------------------------------------


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str | bytes | dict) -> Any:
    """CQL2 JSON -> pygeofilter tree, with boxes as polygons and no NaN/Infinity."""
    document = text if isinstance(text, dict) else json.loads(text, parse_constant=_reject_constant)
    return _parse_cql2_json(_boxes_as_polygons(document))


def _boxes_as_polygons(node: Any) -> Any:
    if isinstance(node, list):
        return [_boxes_as_polygons(item) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"bbox"} and isinstance(node["bbox"], list):
        numbers = node["bbox"]
        if len(numbers) not in (4, 6) or not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
            raise ValueError("a bbox is 4 or 6 numbers")
        if len(numbers) == 6:
            numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
        return shapely.geometry.mapping(shapely.box(*numbers, ccw=True))
    return {key: _boxes_as_polygons(value) for key, value in node.items()}


_QUOTED = re.compile(r"('(?:[^']|'')*')")
_BOOLEAN_CONDITION = re.compile(r"(?i)(^|\(|\bAND\b|\bOR\b|\bNOT\b)(\s*)(TRUE|FALSE)(?=\s*(?:$|\)|\bAND\b|\bOR\b))")


def parse_text(text: str) -> Any:
    """CQL2 text (or a CQL2 JSON object given as ``filter``) -> pygeofilter tree."""
    if text.lstrip().startswith("{"):
        return parse_json(text)
    try:
        return _parse_cql2_text(text)
    except Exception:
        rewritten = _booleans_as_include(text)
        if rewritten == text:
            raise
        return _parse_cql2_text(rewritten)


def _booleans_as_include(text: str) -> str:
    """TRUE/FALSE standing as a condition -> INCLUDE/EXCLUDE (never inside a string)."""
    parts = _QUOTED.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = _BOOLEAN_CONDITION.sub(lambda m: m[1] + m[2] + ("INCLUDE" if m[3].upper() == "TRUE" else "EXCLUDE"), parts[i])
    return "".join(parts)


# --- from filter-crs to storage ----------------------------------------------------------


def to_storage(tree: Any, *, filter_crs_uri: str | None, geometry_column_name: str | None = None) -> Any:
    """``tree`` with every geometry literal and BBOX in storage lon/lat and ``geometry``
    renamed to the provider's geometry column (pygeoapi's ``modify_pygeofilter``, done right)."""
    crs = parse_crs(filter_crs_uri) if filter_crs_uri else CRS84
    return _Rewriter(crs, geometry_column_name).visit(copy.deepcopy(tree), True)


class _Rewriter:
    def __init__(self, crs: str, geometry_column_name: str | None):
        self.crs = crs
        self.geometry_column_name = geometry_column_name

    def visit(self, node: Any, condition: bool = False) -> Any:
        if isinstance(node, bool) and condition:
            return ast.Include(not node)  # a boolean literal standing as a condition
        if isinstance(node, list):
            return [self.visit(item) for item in node]
        if isinstance(node, float) and not math.isfinite(node):
            raise BadRequest("过滤条件中的数字必须是有限的", "numbers in a filter must be finite")
        if isinstance(node, fvalues.Geometry):
            return self._geometry(shapely.geometry.shape(node.geometry), _inline_crs(node.geometry) or self.crs)
        if isinstance(node, fvalues.Envelope):
            return self._geometry(shapely.box(node.x1, node.y1, node.x2, node.y2), self.crs)
        if isinstance(node, ast.BBox):
            box = self._box([node.minx, node.miny, node.maxx, node.maxy], node.crs or self.crs)
            return ast.GeometryIntersects(self.visit(node.lhs), box)
        if isinstance(node, ast.Function) and node.name.lower() == "bbox":
            return self._box(node.arguments, self.crs)
        if isinstance(node, ast.Attribute):
            if node.name == "geometry" and self.geometry_column_name:
                return ast.Attribute(self.geometry_column_name)
            return node
        if isinstance(node, ast.Node) and dataclasses.is_dataclass(node):
            logical = isinstance(node, (ast.And, ast.Or, ast.Not))
            changes = {f.name: self.visit(getattr(node, f.name), logical) for f in dataclasses.fields(node)}
            return dataclasses.replace(node, **changes)  # type: ignore[type-var]  # node is an instance here, not a class
        return node

    def _geometry(self, geom: shapely.Geometry, crs: str) -> fvalues.Geometry:
        geom = to_storage_xy(geom, crs)
        return fvalues.Geometry(shapely.geometry.mapping(geom))

    def _box(self, numbers, crs: str) -> fvalues.Geometry:
        if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers) or len(numbers) not in (4, 6):
            raise BadRequest("BBOX 需要 4 或 6 个数字", "BBOX needs 4 or 6 numbers")
        minx, miny, maxx, maxy = transform_bbox(list(numbers), crs, CRS84)
        return fvalues.Geometry(shapely.geometry.mapping(shapely.box(minx, miny, maxx, maxy)))


def _inline_crs(geometry: dict) -> str | None:
    """The CRS an EWKT literal (``SRID=4490;POINT(...)``) names, if any."""
    name = (geometry.get("crs") or {}).get("properties", {}).get("name")
    return name or None


# --- the request check (bilingual 400s before pygeoapi's English "Bad CQL text") -------------

CRS_PARAMETERS = ("crs", "bbox-crs", "filter-crs")


def normalise_crs_parameters(args: Mapping[str, str], offered: list[str] | tuple[str, ...]) -> dict[str, str] | None:
    """``args`` with every CRS parameter as the URI it means, or None when none needed it."""
    changed = {}
    for name in CRS_PARAMETERS:
        value = args.get(name)
        if value is None:
            continue
        uri = canonical_uri(value, offered, name)
        if uri != value:
            changed[name] = uri
    return changed or None


def check_filter(args: Mapping[str, str]) -> None:
    """Parse and place the ``filter`` of a request now, so a bad one is a bilingual 400."""
    text = args.get("filter")
    if text is None:
        return
    try:
        tree = parse_text_cached(text)
    except DimingError:
        raise
    except Exception as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise BadRequest(f"无法解析过滤条件（CQL2）：{reason}", f"cannot parse the filter (CQL2): {reason}") from None
    to_storage(tree, filter_crs_uri=args.get("filter-crs"))


@lru_cache(maxsize=256)
def _parsed_text(text: str):
    return parse_text(text)


def parse_text_cached(text: str) -> Any:
    """``parse_text`` remembered: the request check and pygeoapi parse the same filter."""
    return copy.deepcopy(_parsed_text(text))


__all__ = [
    "canonical_uri",
    "check_on_globe",
    "check_filter",
    "normalise_crs_parameters",
    "parse_json",
    "parse_text",
    "parse_text_cached",
    "to_storage",
    "to_storage_xy",
    "transform_bbox",
]
