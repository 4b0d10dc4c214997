"""Vector tiles (Mapbox Vector Tiles) in the WebMercatorQuad tile matrix set, from the database.

The street map of the pages is drawn from these tiles, so no page needs a tile server
outside the district's own. What goes into a tile is data: a list of ``TileLayer``
(table, geometry and attribute columns, row filter, zoom range) that the caller
passes in, so this module knows no domain. The tile itself is made by the database
on PostgreSQL (``ST_AsMVTGeom``/``ST_AsMVT``) and by mapbox-vector-tile from shapely
geometries on SQLite: ``gis.storage.vector_tiles`` makes that choice.

Tiles are cached in memory, keyed by z/row/col and the data version (the newest
audit-log entry: every write of a registered record adds one), so an edit shows in
the next tile asked for and nothing stale is ever served.
"""

from __future__ import annotations

import collections
import hashlib
import math
import threading
from dataclasses import dataclass, field

from gis.errors import BadRequest, NotFound
from gis.storage import Store
from gis.storage import vector_tiles as backend

TILE_MATRIX_SET = "WebMercatorQuad"
TILE_MATRIX_SET_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
EXTENT = 4096  # tile coordinates per side, as MVT readers expect
BUFFER = 64  # tile coordinates drawn beyond each edge, so lines and outlines join across tiles
HALF_WORLD = 20037508.342789244  # metres from the origin to an edge of EPSG:3857
MIN_ZOOM, MAX_ZOOM = 0, 18


@dataclass(frozen=True)
class TileLayer:
    """One layer of a tile: the rows of ``table`` whose ``geometry`` meets the tile.

    ``attributes`` are the columns copied into each feature (under the same names);
    ``among`` keeps rows whose column has one of the values, ``open_column`` rows whose column is
    empty (the version of a unit in force has no end date). ``points`` puts a point inside
    each geometry instead of the geometry (where to write a name). A layer is in the
    tiles of zooms ``min_zoom`` to ``max_zoom``, with what lies up to ``buffer`` tile
    coordinates beyond the tile's edges (a label's point wider than lines: a name near
    the edge is then in both tiles, and each draws its part).
    """

    name: str
    table: str
    geometry: str = "geom"
    attributes: tuple[str, ...] = ()
    among: tuple[tuple[str, tuple[str, ...]], ...] = ()
    open_column: str | None = None
    points: bool = False
    min_zoom: int = MIN_ZOOM
    max_zoom: int = MAX_ZOOM
    buffer: int = BUFFER

    def at(self, zoom: int) -> bool:
        return self.min_zoom <= zoom <= self.max_zoom


@dataclass(frozen=True)
class TileBounds:
    """A tile's box in EPSG:3857 metres, and the longitude/latitude box (with the buffer) that finds its rows."""

    zoom: int
    row: int
    col: int
    mercator: tuple[float, float, float, float]
    lonlat: tuple[float, float, float, float]


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon = x / HALF_WORLD * 180.0
    lat = math.degrees(2 * math.atan(math.exp(y / HALF_WORLD * math.pi)) - math.pi / 2)
    return lon, lat


def check_zoom(text: str | int) -> int:
    """The tile matrix (zoom level) of a request: a whole number from MIN_ZOOM to MAX_ZOOM, else 400."""
    try:
        zoom = int(text)
    except (TypeError, ValueError):
        zoom = -1
    if str(text) != str(zoom) or not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise BadRequest(
            f"缩放级别须为 {MIN_ZOOM} 到 {MAX_ZOOM} 的整数：{text}",
            f"the tile matrix must be a whole number from {MIN_ZOOM} to {MAX_ZOOM}: {text}",
        )
    return zoom


def tile_bounds(zoom: int, row: int, col: int, buffer: int = BUFFER) -> TileBounds:
    """The WebMercatorQuad tile ``zoom/row/col`` (row 0 at the north edge); 404 outside the matrix.
    Its longitude/latitude box reaches ``buffer`` tile coordinates beyond the edges."""
    count = 2**zoom
    if not (0 <= row < count and 0 <= col < count):
        raise NotFound(f"第 {zoom} 级没有第 {row} 行第 {col} 列的瓦片", f"tile matrix {zoom} has no tile at row {row}, column {col}")
    size = 2 * HALF_WORLD / count
    minx, maxy = -HALF_WORLD + col * size, HALF_WORLD - row * size
    mercator = (minx, maxy - size, minx + size, maxy)
    pad = size * buffer / EXTENT
    west, south = _lonlat(max(-HALF_WORLD, mercator[0] - pad), max(-HALF_WORLD, mercator[1] - pad))
    east, north = _lonlat(min(HALF_WORLD, mercator[2] + pad), min(HALF_WORLD, mercator[3] + pad))
    return TileBounds(zoom, row, col, mercator, (west, south, east, north))


@dataclass(frozen=True)
class Tile:
    content: bytes
    version: int  # the data version it was made from
    etag: str


@dataclass
class VectorTiles:
    """The tiles of one store and one list of layers, with an LRU cache of ``cache_size`` tiles."""

    store: Store
    layers: tuple[TileLayer, ...]
    cache_size: int = 2048
    _cache: collections.OrderedDict = field(default_factory=collections.OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def version(self) -> int:
        """The version of what the tiles draw (cached tiles of another version are made again)."""
        return backend.data_version(self.store, tuple(sorted({layer.table for layer in self.layers})))

    def tile(self, zoom: int, row: int, col: int) -> Tile:
        layers = [layer for layer in self.layers if layer.at(zoom)]
        bounds = tile_bounds(zoom, row, col, max((layer.buffer for layer in layers), default=BUFFER))
        version = self.version()
        key = (zoom, row, col)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached.version == version:
                self._cache.move_to_end(key)
                return cached
        content = backend.encode(self.store, layers, bounds, extent=EXTENT)
        etag = hashlib.sha256(content).hexdigest()[:32]
        made = Tile(content, version, etag)
        with self._lock:
            self._cache[key] = made
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


def tileset(
    layers: tuple[TileLayer, ...], tiles_url: str, *, title: str, bounds: tuple[float, float, float, float], center, zoom: int
) -> dict:
    """The tileset's description: OGC API - Tiles tileset metadata with TileJSON's keys beside it."""
    vector_layers = [
        {
            "id": layer.name,
            "fields": {name: "String" for name in layer.attributes},
            "minzoom": layer.min_zoom,
            "maxzoom": layer.max_zoom,
        }
        for layer in layers
    ]
    return {
        "title": title,
        "dataType": "vector",
        "crs": "http://www.opengis.net/def/crs/EPSG/0/3857",
        "tileMatrixSetURI": TILE_MATRIX_SET_URI,
        "tileMatrixSetLimits": [{"tileMatrix": str(z)} for z in range(MIN_ZOOM, MAX_ZOOM + 1)],
        "layers": [
            {"id": v["id"], "dataType": "vector", "minTileMatrix": str(v["minzoom"]), "maxTileMatrix": str(v["maxzoom"])}
            for v in vector_layers
        ],
        "links": [
            {"rel": "item", "type": CONTENT_TYPE, "title": "Mapbox Vector Tiles", "href": tiles_url, "templated": True},
            {"rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme", "href": TILE_MATRIX_SET_URI},
        ],
        # TileJSON 3.0.0
        "tilejson": "3.0.0",
        "tiles": [tiles_url.replace("{tileMatrix}", "{z}").replace("{tileRow}", "{y}").replace("{tileCol}", "{x}")],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "bounds": list(bounds),
        "center": [*center, zoom],
        "vector_layers": vector_layers,
    }
