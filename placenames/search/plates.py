"""Door plates as search reads them: straight from the database, at the moment of the query.

Door plates are the part of the register that grows with a city (tens of thousands in a
district, millions in a province) and changes every working day, so no worker keeps a copy:
``door_plates`` with its indexes (road and number, and the spatial index of its points) *is*
the search index for addresses. A plate numbered, retired or renumbered is found (or no
longer found) as soon as its transaction commits, on every worker, and a worker's memory does
not grow with the number of plates. Names, roads and units - thousands, changing rarely - stay
in the in-memory ``Gazetteer``, which knows when to reread them (``Gazetteer.version``).

``RoadPlates`` answers the questions the engine asks of one road (is 12 there? which numbers
are near 12?) with one small query each; ``PlateIndex`` finds plates by the beginning of an
address and near points (reverse geocoding), reading only the plates of the area asked about.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from sqlalchemy import func, select, union_all

from gis.storage.nearest import estimated_rows, has_nearest_search, nearest_each
from gis.storage.spatial import index_match, point_coordinate
from placenames.models import DoorPlate

from .normalize import normalize

if TYPE_CHECKING:
    from .gazetteer import Entry, Gazetteer

# Reverse lookup: while the batch's box holds fewer plates per point than this (the
# planner's estimate), they are read at once and measured here; beyond, each point's
# NEAREST_CANDIDATES nearest plates are asked of the spatial index (gis.storage.nearest).
# Enough candidates that the nearest plate of the same road on the point's side is among them.
NEAREST_SWITCH_ROWS_PER_POINT = 32
NEAREST_CANDIDATES = 16

# Autocomplete reads the addresses of this many roads per query, until it has enough.
ROADS_PER_QUERY = 4

PLATE_COLUMNS = (
    DoorPlate.id,
    DoorPlate.road_id,
    DoorPlate.number,
    DoorPlate.number_text,
    DoorPlate.address,
    DoorPlate.side,
    DoorPlate.geom,
    DoorPlate.kind,
    DoorPlate.building_id,
)


def _bare(number_text: str) -> str:
    """The number as queries carry it: 12, 12附1 (a stored 号 taken off)."""
    return number_text.removesuffix("号")


class RoadPlates(Mapping):
    """The current plates of one road (all roads of one name), keyed by their number text;
    every lookup asks the database, so the answer is as fresh as the last commit."""

    def __init__(self, index: PlateIndex, road_ids: tuple[int, ...]):
        self._index = index
        self._road_ids = road_ids

    def _select(self):
        return select(*PLATE_COLUMNS).where(DoorPlate.road_id.in_(self._road_ids), DoorPlate.status == "current")

    def __getitem__(self, number_text: str) -> Entry:
        found = self._index.entries(self._select().where(DoorPlate.number_text.in_((number_text, number_text + "号"))).limit(1))
        if not found:
            raise KeyError(number_text)
        return found[0]

    def __contains__(self, number_text: object) -> bool:
        return isinstance(number_text, str) and self.get(number_text) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(_bare(e.number_text or "") for e in self._index.entries(self._select()))

    def __len__(self) -> int:
        query = select(func.count()).select_from(DoorPlate).where(DoorPlate.road_id.in_(self._road_ids), DoorPlate.status == "current")
        with self._index.store.read(public=True) as session:
            return int(session.execute(query).scalar() or 0)

    def values(self):  # one query, not one per key
        return self._index.entries(self._select())

    def nearest_numbers(self, number: int, count: int) -> list[Entry]:
        """The ``count`` plates whose numbers are nearest ``number``, on its side (parity) first."""
        other_side = func.abs(DoorPlate.number % 2 - number % 2)
        near = self._select().order_by(other_side, func.abs(DoorPlate.number - number), DoorPlate.number_text).limit(count)
        return self._index.entries(near)


class RoadPlatesByName(Mapping):
    """``normalized road name -> RoadPlates``, for the roads the gazetteer knows."""

    def __init__(self, index: PlateIndex):
        self._index = index

    def __getitem__(self, road_key: str) -> RoadPlates:
        ids = self._index.gazetteer.road_ids.get(road_key)
        if not ids:
            raise KeyError(road_key)
        return RoadPlates(self._index, ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.gazetteer.road_ids)

    def __len__(self) -> int:
        return len(self._index.gazetteer.road_ids)


@dataclass
class NearbyPlates:
    """The current plates of an area, for reverse geocoding: their ids and, parallel, their
    points in metres (an STRtree), the index of their road in ``Gazetteer.road_list`` (-1 none),
    and whether they are secondary addresses (the side of the road is measured from the points). Entries
    are made only for the plates an answer uses (``PlateIndex.by_ids``)."""

    ids: list[int]
    tree: shapely.STRtree | None
    road: np.ndarray
    secondary: np.ndarray


NOTHING_NEAR = NearbyPlates([], None, np.zeros(0, dtype=int), np.zeros(0, dtype=bool))


class PlateIndex:
    """Door plates of ``store`` read on demand, made into search entries with the units and
    roads of ``gazetteer`` (community and subdistrict by the point, the street by the road)."""

    def __init__(self, store, gazetteer: Gazetteer):
        self.store = store
        self.gazetteer = gazetteer

    def rows(self, query) -> list:
        with self.store.read(public=True) as session:
            return session.execute(query).all()

    def entries(self, query) -> list[Entry]:
        return self.from_rows(self.rows(query))

    def from_rows(self, rows) -> list[Entry]:
        """Search entries of plate rows (a secondary plate with its building's main address)."""
        secondary = {row.building_id for row in rows if row.kind == "secondary" and row.building_id is not None}
        main = {}
        if secondary:
            query = select(DoorPlate.building_id, DoorPlate.address).where(
                DoorPlate.building_id.in_(secondary), DoorPlate.kind == "main", DoorPlate.status == "current"
            )
            main = dict(self.rows(query))
        communities = self.gazetteer.communities_of(np.array([row.geom for row in rows], dtype=object))
        return [e for e in (self._entry(row, community, main) for row, community in zip(rows, communities, strict=True)) if e is not None]

    def _entry(self, row, community, main_address: dict) -> Entry | None:
        from .gazetteer import Entry

        g = self.gazetteer
        road = g.road_by_id.get(row.road_id)
        if road is None:
            return None  # a road made after the gazetteer was read: found once the names are reread
        subdistrict = g.units.get(community.parent_code) if community is not None and community.parent_code is not None else None
        entry = Entry(
            "address",
            row.id,
            f"{road.name}{row.number_text}号",
            row.address,
            row.geom,
            street=road.name,
            number=row.number,
            number_text=row.number_text,
            side=row.side,
            category="门牌",
            community=community,
            subdistrict=subdistrict,
            address_kind=row.kind,
            main_label=main_address.get(row.building_id) if row.kind == "secondary" else None,
        )
        if road.status == "retired":  # the plate stands, but its road's name was cancelled
            entry.status, entry.retired_on = "retired", road.retired_on
        return entry

    def prefixed(self, prefix: str, cap: int) -> list[tuple[str, Entry]]:
        """Up to ``cap`` (key, entry) pairs of addresses whose key (子君路12号) begins with
        ``prefix``: the plates of the road the prefix names and goes on from (子君路1), or of
        the roads whose names begin with it (子君), lowest numbers first."""
        g = self.gazetteer
        ids: list[int] = []
        numbers = ""
        for length in range(len(prefix), 0, -1):
            if prefix[:length] in g.road_ids:
                ids, numbers = list(g.road_ids[prefix[:length]]), prefix[length:]
                break
        if not ids:
            ids = [i for key in g.road_keys_beginning(prefix, cap) for i in g.road_ids[key]]
        if not ids:
            return []
        digits = numbers.removesuffix("号")
        escaped = digits.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

        def lowest_of(road_id: int, wanted: int):  # one road's lowest numbers, in the order of its unique index
            query = select(*PLATE_COLUMNS).where(DoorPlate.road_id == road_id, DoorPlate.status == "current")
            if digits:
                query = query.where(DoorPlate.number_text.like(escaped + "%", escape="\\"))
            return query.order_by(DoorPlate.number, DoorPlate.suffix).limit(wanted)

        # Road by road in name order (a few per query), each stopping at what is still wanted,
        # so neither a road of thousands of plates nor a prefix of many roads reads more than ``cap``.
        kept: list = []
        for start in range(0, len(ids), ROADS_PER_QUERY):
            chunk, wanted = ids[start : start + ROADS_PER_QUERY], cap - len(kept)
            parts = [lowest_of(road_id, wanted).subquery().select() for road_id in chunk]
            rows = self.rows(parts[0] if len(parts) == 1 else union_all(*parts))
            place = {road_id: i for i, road_id in enumerate(chunk)}
            kept += sorted(rows, key=lambda row: (place[row.road_id], row.number, row.number_text))[:wanted]
            if len(kept) >= cap:
                break
        found = self.from_rows(kept)
        pairs = [(normalize(e.name), e) for e in found]
        return sorted((pair for pair in pairs if pair[0].startswith(prefix)), key=lambda pair: pair[0])[:cap]

    def near(self, lon: np.ndarray, lat: np.ndarray, radius_m: float) -> NearbyPlates:
        """The plates within about ``radius_m`` of the box around the points (lon/lat in the
        storage CRS), which are all a reverse lookup of those points can answer with."""
        from .gazetteer import to_metres

        g = self.gazetteer
        if not len(lon) or np.isnan(lon).all():
            return NOTHING_NEAR
        pad_lat = radius_m / 110_000.0 * 1.5
        pad_lon = pad_lat / max(0.1, float(np.cos(np.radians(np.nanmean(lat)))))
        box = (
            float(np.nanmin(lon)) - pad_lon,
            float(np.nanmin(lat)) - pad_lat,
            float(np.nanmax(lon)) + pad_lon,
            float(np.nanmax(lat)) + pad_lat,
        )
        x, y = point_coordinate(DoorPlate.geom, 0), point_coordinate(DoorPlate.geom, 1)
        light = (DoorPlate.id, DoorPlate.road_id, DoorPlate.kind, x, y)
        current = DoorPlate.status == "current"
        in_box = select(*light).where(current, index_match(DoorPlate.geom, *box))
        with self.store.read(public=True) as session:
            given = ~(np.isnan(lon) | np.isnan(lat))
            estimate = estimated_rows(session, in_box) if has_nearest_search(session) else None
            if estimate is not None and estimate > NEAREST_SWITCH_ROWS_PER_POINT * given.sum():
                asked = nearest_each(DoorPlate.geom, light, (current,), lon[given], lat[given], k=NEAREST_CANDIDATES, reach_deg=pad_lon)
                rows = session.connection().execute(asked).all()  # Core rows: no ORM processing of 10^5 rows
                columns = [np.array(column) for column in zip(*rows, strict=True)][1:] if rows else []
                if columns:  # a plate near several points, once, in id order
                    _, first = np.unique(columns[0].astype(np.int64), return_index=True)
                    columns = [column[first] for column in columns]
            else:
                rows = session.connection().execute(in_box.order_by(DoorPlate.id)).all()
                columns = [np.array(column) for column in zip(*rows, strict=True)] if rows else []
        if not columns:
            return NOTHING_NEAR
        ids, road_ids, kinds, xs, ys = columns
        road = g.road_positions(road_ids.astype(int))
        known = road > -2  # a road made after the names were read: found once they are reread
        mx, my = to_metres(xs[known].astype(float), ys[known].astype(float))
        secondary = kinds[known] == "secondary"
        return NearbyPlates(ids[known].astype(int).tolist(), shapely.STRtree(shapely.points(mx, my)), road[known], secondary)

    def every_current(self) -> list[Entry]:
        """Every current plate as an entry (evaluation scripts building queries from the register)."""
        return self.entries(select(*PLATE_COLUMNS).where(DoorPlate.status == "current").order_by(DoorPlate.id))

    def by_ids(self, ids: list[int]) -> list[Entry]:
        """The entries of these plates, in this order (a plate no longer current is left out)."""
        if not ids:
            return []
        found = {e.id: e for e in self.entries(select(*PLATE_COLUMNS).where(DoorPlate.id.in_(ids), DoorPlate.status == "current"))}
        return [found[i] for i in ids if i in found]
