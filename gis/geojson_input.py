"""A geometry sent by a client as GeoJSON (CGCS2000 / CRS84 lon, lat), checked once
for every API: parseable, non-empty, valid, and inside China — so a swapped or
mistyped coordinate is a 400 instead of a record drawn in the ocean."""

from __future__ import annotations

import math
from typing import Any

import shapely
import shapely.geometry

from gis.errors import InvalidGeometry
from gis.positions import CHINA_EXTENT, inside


def parse_geometry(value: Any) -> shapely.Geometry:
    try:
        geom = shapely.geometry.shape(value)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError, shapely.errors.ShapelyError) as exc:
        raise InvalidGeometry("不是有效的 GeoJSON 几何", "Not a valid GeoJSON geometry", details=str(exc)) from exc
    if geom.is_empty or not geom.is_valid:
        reason = "empty" if geom.is_empty else shapely.is_valid_reason(geom)
        raise InvalidGeometry(f"几何无效：{reason}", f"Invalid geometry: {reason}")
    if not inside(shapely.bounds(geom), CHINA_EXTENT)[0]:
        raise InvalidGeometry(
            "坐标不是有限数或超出本区范围（应为经度, 纬度，CGCS2000）",
            "Coordinates not finite or outside the district (expected longitude, latitude in CGCS2000)",
            details={"bounds": [b if math.isfinite(b) else None for b in geom.bounds]},
        )
    return geom
