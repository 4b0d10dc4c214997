"""Stored rows as GeoJSON features, in the CRS and axis order the client asked for.

Output CRS: pygeoapi's configuration declares CRS84 as the storage CRS (see
``config``), yet the rows really hold CGCS2000 longitude/latitude. So a requested
CRS is reached from ``gis.crs.STORAGE_CRS`` with the project's own transforms
(x = longitude inside), then axes are swapped for CRSs whose authority order is
northing first (EPSG:4490 gives lat,lon; EPSG:4543 gives northing,easting), as
OGC API - Features Part 2 requires, unless the provider is configured ``always_xy``.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import shapely
from shapely.geometry import mapping

from gis import precision
from gis.crs import STORAGE_CRS, is_lat_first, parse_crs, reproject, swap_axes

Transform = Callable[[shapely.Geometry], shapely.Geometry]

MEDIA_TYPE = "application/geo+json"


def wants_plain_json(accept: str | None) -> bool:
    """Whether an Accept header asks for application/json rather than GeoJSON.

    Features are GeoJSON, and Part 1 serves them as ``application/geo+json`` (a JSON
    type, so any JSON client reads it). Only a client that names application/json
    and not application/geo+json keeps the plain JSON type."""
    types = [part.split(";")[0].strip().lower() for part in (accept or "").split(",")]
    return "application/json" in types and MEDIA_TYPE not in types


def output_transform(crs_transform_spec) -> Transform | None:
    """Geometry transform for pygeoapi's ``crs_transform_spec``; None keeps stored lon/lat."""
    if crs_transform_spec is None:
        return None
    target = parse_crs(crs_transform_spec.target_crs_uri)
    swap = is_lat_first(target) and not crs_transform_spec.always_xy

    def transform(geom: shapely.Geometry) -> shapely.Geometry:
        out = reproject(geom, STORAGE_CRS, target)
        return swap_axes(out) if swap else out

    return transform


def feature(row: Mapping[Any, Any], names: Iterable[str], transform: Transform | None, *, grid: float | None = None) -> dict[str, Any]:
    """One GeoJSON feature from a row selected by ``Source.select``; with ``grid``, its stored
    lon/lat snapped to that grid (``gis.precision.coarsen``) before any transform."""
    geom = row.get("__geom")
    if geom is not None and geom.is_empty:
        geom = None
    geom = precision.coarsen(geom, grid)
    if geom is not None and transform is not None:
        geom = transform(geom)
    return {
        "type": "Feature",
        "id": row["__id"],
        "geometry": None if geom is None else mapping(geom),
        "properties": {name: _jsonable(row[name]) for name in names},
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value
