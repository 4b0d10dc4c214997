"""A Mapbox Vector Tile from stored rows: the backend's half of ``gis.tiles``.

PostgreSQL makes the tile itself (``ST_AsMVTGeom`` clips and quantizes, ``ST_AsMVT``
encodes, one query per layer; the layers' bytes simply concatenate). SQLite reads
the rows the tile's R*Tree window finds, and mapbox-vector-tile encodes them after
shapely has projected them to EPSG:3857 (pyproj) and clipped them to the tile.
Both project from the stored CGCS2000 (EPSG:4490) with the same PROJ operation.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import mapbox_vector_tile
import numpy as np
import pyproj
import shapely
from mapbox_vector_tile.encoder import on_invalid_geometry_make_valid
from sqlalchemy import text

from . import gpkg
from .audit import newest_change
from .geometry import STORAGE_SRID
from .spatial import rtree_name

if TYPE_CHECKING:
    from gis.tiles import TileBounds, TileLayer

    from .store import Store


def data_version(store: Store, tables: tuple[str, ...]) -> int:
    """The newest audit-log entry of the tiles' tables: it changes with every write of a record
    drawn on them, and not with writes of anything else (an application, a door plate)."""
    with store.read(public=True) as session:
        return newest_change(session, tables)


def encode(store: Store, layers: Sequence[TileLayer], bounds: TileBounds, *, extent: int) -> bytes:
    if not layers:
        return b""
    if store.dialect == "postgresql":
        return _encode_postgis(store, layers, bounds, extent)
    return _encode_python(store, layers, bounds, extent)


def _filters(quote, layer: TileLayer, params: dict[str, Any], prefix: str) -> list[str]:
    where = []
    for i, (column, values) in enumerate(layer.among):
        names = [f"{prefix}v{i}_{j}" for j in range(len(values))]
        params.update(zip(names, values, strict=True))
        where.append(f"{quote(column)} IN ({', '.join(':' + n for n in names)})")
    if layer.open_column:
        where.append(f"{quote(layer.open_column)} IS NULL")
    return where


def _encode_postgis(store: Store, layers: Sequence[TileLayer], bounds: TileBounds, extent: int) -> bytes:
    quote = store.engine.dialect.identifier_preparer.quote
    minx, miny, maxx, maxy = bounds.mercator
    west, south, east, north = bounds.lonlat
    parts = []
    params: dict[str, Any] = {"minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy, "w": west, "s": south, "e": east, "n": north}
    for n, layer in enumerate(layers):
        geom = quote(layer.geometry)
        shape = f"ST_PointOnSurface({geom})" if layer.points else geom
        columns = "".join(f", {quote(a)}::text AS {quote(a)}" for a in layer.attributes)
        where = [f"{geom} && ST_MakeEnvelope(:w, :s, :e, :n, {STORAGE_SRID})", *_filters(quote, layer, params, f"l{n}")]
        params[f"name{n}"] = layer.name
        parts.append(
            f"(SELECT ST_AsMVT(q, :name{n}, {extent}, 'mvt_geom') FROM ("
            f"SELECT ST_AsMVTGeom(ST_Transform({shape}, 3857), ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 3857),"
            f" {int(extent)}, {int(layer.buffer)}, true)"
            f" AS mvt_geom{columns} FROM {quote(layer.table)} WHERE {' AND '.join(where)}) q WHERE q.mvt_geom IS NOT NULL)"
        )
    with store.read(public=True) as session:
        tile = session.execute(text("SELECT " + " || ".join(parts)), params).scalar()
    return bytes(tile or b"")


@lru_cache(maxsize=1)
def _to_mercator() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(f"EPSG:{STORAGE_SRID}", "EPSG:3857", always_xy=True)


def _rows(store: Store, layer: TileLayer, bounds: TileBounds) -> list:
    quote = store.engine.dialect.identifier_preparer.quote
    west, south, east, north = bounds.lonlat
    params: dict[str, Any] = {"w": west, "s": south, "e": east, "n": north}
    rtree = quote(rtree_name(layer.table, layer.geometry))
    where = [
        f"id IN (SELECT id FROM {rtree} WHERE minx <= :e AND maxx >= :w AND miny <= :n AND maxy >= :s)",
        *_filters(quote, layer, params, "f"),
    ]
    columns = ", ".join([quote(layer.geometry), *(quote(a) for a in layer.attributes)])
    with store.read(public=True) as session:
        return list(session.execute(text(f"SELECT {columns} FROM {quote(layer.table)} WHERE {' AND '.join(where)}"), params))


def _encode_python(store: Store, layers: Sequence[TileLayer], bounds: TileBounds, extent: int) -> bytes:
    minx, miny, maxx, maxy = bounds.mercator
    encoded = []
    for layer in layers:
        pad = (maxx - minx) * layer.buffer / extent
        rows = [row for row in _rows(store, layer, bounds) if row[0] is not None]
        if not rows:
            continue
        geoms = [gpkg.decode(bytes(row[0])) for row in rows]
        if layer.points:
            geoms = list(shapely.point_on_surface(geoms))
        projected = shapely.transform(geoms, _project)
        clipped = shapely.clip_by_rect(projected, minx - pad, miny - pad, maxx + pad, maxy + pad)
        # Tile coordinates (0..extent, y up; the encoder turns y down), whole numbers, in one vectorized pass.
        clipped = shapely.transform(clipped, functools.partial(_to_tile, origin=(minx, miny), scale=extent / (maxx - minx)))
        features = [
            {"geometry": geom, "properties": {a: str(v) for a, v in zip(layer.attributes, row[1:], strict=True) if v is not None}}
            for geom, row in zip(clipped, rows, strict=True)
            if not geom.is_empty
        ]
        if features:
            encoded.append({"name": layer.name, "features": features})
    if not encoded:
        return b""
    return mapbox_vector_tile.encode(encoded, default_options={"extents": extent, "on_invalid_geometry": on_invalid_geometry_make_valid})


def _to_tile(xy, *, origin, scale):
    return np.rint((xy - origin) * scale)


def _project(xy):
    x, y = _to_mercator().transform(xy[:, 0], xy[:, 1])
    xy[:, 0], xy[:, 1] = x, y
    return xy
