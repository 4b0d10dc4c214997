"""Each collection's spatial extent, computed from its rows and kept current.

A client (GDAL, QGIS, a web map) zooms to the advertised extent and may clip its
requests to it, so a fixed district box is wrong for a layer that covers one
community, and stale after an import. The extent is the bounding box of the rows the
collection serves (its fixed filter applied): ``ST_Extent`` on PostGIS, the min/max
of the GeoPackage R*Tree entries on SQLite (the same index that answers ``bbox``, so
neither reads a geometry). An empty collection keeps a fallback box.

Freshness: ``ExtentCache`` computes every extent when the app starts and again on the
first request after ``ttl`` seconds (60 by default), so an import shows in the
extents within a minute without any write path having to know about the OGC face.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import column, func, select, table
from sqlalchemy.exc import SQLAlchemyError

from gis import precision
from gis.errors import DimingError
from gis.storage import Store
from gis.storage.spatial import rtree_name

from .collections import Collection
from .source import Source

BBox = tuple[float, float, float, float]
DEFAULT_TTL = 60.0


def source_of(collection: Collection) -> Source:
    return Source.from_options(collection.provider_options(), id_field=collection.id_field, geom_field=collection.geom_field)


def data_extent(store: Store, source: Source) -> BBox | None:
    """Bounding box (lon/lat) of the rows ``source`` serves; None when it has none."""
    geom = source.geom_column
    if store.dialect == "postgresql":
        box = select(func.ST_Extent(geom).label("e")).select_from(source.table).where(*source.fixed).subquery()
        statement = select(func.ST_XMin(box.c.e), func.ST_YMin(box.c.e), func.ST_XMax(box.c.e), func.ST_YMax(box.c.e))
    else:
        rtree = table(
            rtree_name(source.table.name, geom.name), column("id"), column("minx"), column("miny"), column("maxx"), column("maxy")
        )
        primary = list(source.table.primary_key.columns)[0]
        ids = select(primary).where(*source.fixed)
        statement = select(func.min(rtree.c.minx), func.min(rtree.c.miny), func.max(rtree.c.maxx), func.max(rtree.c.maxy)).where(
            rtree.c.id.in_(ids)
        )
    with store.read(public=True) as session:
        row = session.execute(statement).one()
    if any(value is None for value in row):
        return None
    minx, miny, maxx, maxy = (float(value) for value in row)
    # outward to 1e-6 degree (0.1 m): the R*Tree holds float32 bounds, rounded outward already
    return (_down(minx), _down(miny), _up(maxx), _up(maxy))


def _down(value: float) -> float:
    return math.floor(value * 1e6) / 1e6


def _up(value: float) -> float:
    return math.ceil(value * 1e6) / 1e6


class ExtentCache:
    """Extents of several collections, recomputed when older than ``ttl`` seconds."""

    def __init__(self, store: Store, collections: Iterable[Collection], fallback: BBox, *, ttl: float = DEFAULT_TTL, clock=time.monotonic):
        self.store = store
        self.sources = {c.id: source_of(c) for c in collections}
        self.fixed: dict[str, BBox] = {c.id: (c.bbox[0], c.bbox[1], c.bbox[2], c.bbox[3]) for c in collections if c.bbox is not None}
        self.fallback: BBox = (fallback[0], fallback[1], fallback[2], fallback[3])
        self.grids = {c.id: c.public_grid_deg for c in collections if c.public_grid_deg}  # extents by whole cells
        self.ttl = ttl
        self.clock = clock
        self._extents: dict[str, BBox] = {}
        self._computed = float("-inf")
        self._lock = threading.Lock()

    def refresh(self) -> dict[str, BBox]:
        """Compute every extent now; return them by collection id.

        A database that cannot answer (down at start-up, schema not migrated) leaves
        the last known extents (or the fallback) until the next try, ``ttl`` later:
        the app must start, and serve its 503s, without it."""
        extents: dict[str, BBox] = {}
        reachable = True
        for collection_id, source in self.sources.items():
            known = self._extents.get(collection_id, self.fallback)
            try:  # after one failure, don't wait for the database once per collection
                found = reachable and data_extent(self.store, source)
                if found and collection_id in self.grids:  # the outermost markers' cells, not their positions
                    found = precision.cell_bbox(*found, self.grids[collection_id])
                extents[collection_id] = self.fixed.get(collection_id) or found or known
            except (DimingError, SQLAlchemyError):
                extents[collection_id], reachable = known, False
        with self._lock:
            self._extents, self._computed = extents, self.clock()
        return dict(extents)

    def current(self) -> dict[str, BBox]:
        """The extents, recomputed first if they are stale."""
        if self.clock() - self._computed >= self.ttl:
            return self.refresh()
        return dict(self._extents)

    def get(self, collection_id: str) -> BBox | None:
        return self.current().get(collection_id)

    def apply(self, resources: dict[str, Any], on_change: Callable[[str, BBox], None] | None = None) -> None:
        """Write the current extents into pygeoapi's ``resources`` configuration."""
        for collection_id, bbox in self.current().items():
            resource = resources.get(collection_id)
            if resource is None:
                continue
            spatial = resource.setdefault("extents", {}).setdefault("spatial", {})
            if spatial.get("bbox") != list(bbox):
                spatial["bbox"] = list(bbox)
                if on_change is not None:
                    on_change(collection_id, bbox)
