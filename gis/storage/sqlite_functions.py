"""SQL functions registered on every SQLite connection.

The machine's Python cannot load SpatiaLite, so the few spatial functions the store
needs are implemented here with shapely: the envelope functions that the GeoPackage
R*Tree triggers call (the same names GDAL registers, so GDAL and QGIS can edit the
file too) and the exact predicates used after the R*Tree has narrowed a query.
"""

from __future__ import annotations

import shapely

from . import gpkg
from .spatial import PREDICATES


def _envelope_part(index: int):
    def part(blob):
        env = gpkg.envelope(blob)
        return None if env is None else env[index]

    return part


def _is_empty(blob):
    if blob is None:
        return None
    return 1 if gpkg.envelope(blob) is None else 0


def _predicate(name: str):
    test = getattr(shapely, name)

    def apply(a, b):
        if a is None or b is None:
            return None
        return 1 if test(gpkg.decode(a), gpkg.decode(b)) else 0

    return apply


_GEOMETRY_TYPES = {
    1: "ST_Point",
    2: "ST_LineString",
    3: "ST_Polygon",
    4: "ST_MultiPoint",
    5: "ST_MultiLineString",
    6: "ST_MultiPolygon",
    7: "ST_GeometryCollection",
}


def _geometry_type(blob):
    """PostGIS's ST_GeometryType name ('ST_Point', ...) read from the WKB header, no decoding."""
    if blob is None:
        return None
    blob = bytes(blob)
    start = gpkg._wkb_offset(blob) if blob[:2] == gpkg.MAGIC else 0
    code = int.from_bytes(blob[start + 1 : start + 5], "little" if blob[start] == 1 else "big")
    return _GEOMETRY_TYPES.get((code & 0x0FFFFFFF) % 1000)


def register(dbapi_connection) -> None:
    """Install the functions on one sqlite3 connection (called on connect)."""
    add = dbapi_connection.create_function
    add("ST_MinX", 1, _envelope_part(0), deterministic=True)
    add("ST_MaxX", 1, _envelope_part(1), deterministic=True)
    add("ST_MinY", 1, _envelope_part(2), deterministic=True)
    add("ST_MaxY", 1, _envelope_part(3), deterministic=True)
    add("ST_IsEmpty", 1, _is_empty, deterministic=True)
    add("ST_GeometryType", 1, _geometry_type, deterministic=True)
    for name, sql_name in PREDICATES.items():  # every predicate spatial_match offers, under its PostGIS name
        add(sql_name, 2, _predicate(name), deterministic=True)
