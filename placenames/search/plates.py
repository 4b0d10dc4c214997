"""Door plates as search reads them: straight from the database, at the moment of the query.

Door plates are the part of the register that grows with a city (tens of thousands in a
district, millions in a province) and changes every working day, so no worker keeps a copy:
``door_plates`` with its indexes (road and number, and the spatial index of its points) *is*
the search index for addresses. A plate numbered, retired or renumbered is found (or no
longer found) as soon as its transaction commits, on every worker, and a worker's memory does
not grow with the number of plates. Roads are read the same way (``names``; for reverse
geocoding, those near the points, by the spatial index); only the units stay in the worker.

``RoadPlates`` answers the questions the engine asks of one road (is 12 there? which numbers
are near 12?) with one small query each; ``PlateIndex`` finds plates by the beginning of an
address and near points (reverse geocoding), reading only the plates of the area asked about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import shapely
from scipy.spatial import cKDTree
from sqlalchemy import bindparam, func, literal, select

from gis.basemap import Road
from gis.storage import native_points
from gis.storage.columns import read_columns, read_columns_in_parts
from gis.storage.nearest import estimated_rows, has_nearest_search, nearest_each
from gis.storage.spatial import index_match, point_coordinate
from placenames.models import DoorPlate
from placenames.numbering.models import NumberChange

from . import spellings
from .names import name_key

if TYPE_CHECKING:
    from .gazetteer import Entry, Gazetteer
    from .names import Street

# Reverse lookup: while the batch's box holds fewer plates per point than this (the
# planner's estimate), they are read at once and measured here; beyond, each point's
# NEAREST_CANDIDATES nearest plates are asked of the spatial index (gis.storage.nearest).
# Enough candidates that the nearest plate of the same road on the point's side is among them.
NEAREST_SWITCH_ROWS_PER_POINT = 32
NEAREST_CANDIDATES = 16
# The points' searches are cut in this many parts, read at once on as many connections
# (gis.storage.columns.read_columns_in_parts): the database works on them with two cores.
NEAREST_PARTS = 2
# Fewer points than this (a single lookup, a short track) are read the plain way: their box
# holds at most a few thousand plates even in a dense city, read in a millisecond or two,
# where asking the planner and a COPY cost about as much again.
FEW_POINTS = 64
# A box holding more plates than this (the planner's estimate) is scanned by PostgreSQL's
# parallel workers too (gis.storage.columns): a dense city's batch reads half a million.
PARALLEL_READ_ROWS = 100_000

# What the nearest search asks of each plate: all in the index of the plates' native points
# (migration 0020), whose rows are the current plates, so the search reads no table page.
_NEAREST_LIGHT = (
    DoorPlate.id,
    DoorPlate.road_id,
    DoorPlate.kind == "secondary",
    native_points.x_of(DoorPlate.__tablename__),
    native_points.y_of(DoorPlate.__tablename__),
)
_NEAREST_CURRENT = (DoorPlate.status == literal("current", literal_execute=True),)  # as written in the index (no parameter)

PLATE_COLUMNS = (
    DoorPlate.id,
    DoorPlate.road_id,
    DoorPlate.number,
    DoorPlate.number_text,
    DoorPlate.address,
    DoorPlate.side,
    # The point as two numbers read in the database: the points of many rows are then made
    # at once (shapely.points) instead of decoding one geometry per row.
    point_coordinate(DoorPlate.geom, 0).label("x"),
    point_coordinate(DoorPlate.geom, 1).label("y"),
    DoorPlate.kind,
    DoorPlate.building_id,
)


# The statements a query runs, built once (building one costs more than the database's answer).
# Plates are read by road together with the roads' districts: on PostgreSQL door_plates is
# partitioned by district (gis.storage.district_key), and naming it keeps a lookup to the
# partitions that can hold the plates instead of probing every district's index.
_IN_DISTRICTS = DoorPlate.district_code.in_(bindparam("districts", expanding=True))
_CURRENT_OF_ROADS = (DoorPlate.road_id.in_(bindparam("road_ids", expanding=True)), _IN_DISTRICTS, DoorPlate.status == "current")
_OF_ROADS = select(*PLATE_COLUMNS).where(*_CURRENT_OF_ROADS)
_NUMBERED = _OF_ROADS.where(DoorPlate.number_text.in_(bindparam("number_texts", expanding=True))).limit(1)
_COUNT = select(func.count()).select_from(DoorPlate).where(*_CURRENT_OF_ROADS)
_NEAREST_NUMBERS = _OF_ROADS.order_by(
    func.abs(DoorPlate.number % 2 - bindparam("parity")), func.abs(DoorPlate.number - bindparam("number")), DoorPlate.number_text
).limit(bindparam("count"))
# One road's lowest numbers beginning with some digits, in the order of its unique index (road, number, suffix).
_LOWEST = (
    select(*PLATE_COLUMNS)
    .where(DoorPlate.road_id == bindparam("road_id"), DoorPlate.district_code == bindparam("district"), DoorPlate.status == "current")
    .where(DoorPlate.number_text.like(bindparam("begins"), escape="\\"))
    .order_by(DoorPlate.number, DoorPlate.suffix)
    .limit(bindparam("cap"))
)
# The newest change of a number on these roads (retired, renumbered, reused), with where its plate stood.
_NUMBER_CHANGED = (
    select(
        NumberChange.change,
        NumberChange.old_address,
        NumberChange.new_text,
        NumberChange.note,
        NumberChange.created_at,
        point_coordinate(DoorPlate.geom, 0).label("x"),
        point_coordinate(DoorPlate.geom, 1).label("y"),
    )
    .join(DoorPlate, DoorPlate.id == NumberChange.door_plate_id)
    .where(NumberChange.road_id.in_(bindparam("road_ids", expanding=True)), _IN_DISTRICTS)
    .where(NumberChange.old_text.in_(bindparam("number_texts", expanding=True)))
    .order_by(NumberChange.created_at.desc(), NumberChange.id.desc())
    .limit(1)
)
_BY_IDS = select(*PLATE_COLUMNS).where(DoorPlate.id.in_(bindparam("ids", expanding=True)), _IN_DISTRICTS, DoorPlate.status == "current")
_MAIN_ADDRESS = select(DoorPlate.building_id, DoorPlate.address).where(
    DoorPlate.building_id.in_(bindparam("building_ids", expanding=True)), DoorPlate.kind == "main", DoorPlate.status == "current"
)


def _bare(number_text: str) -> str:
    """The number as queries carry it: 12, 12附1 (a stored 号 taken off)."""
    return number_text.removesuffix("号")


@dataclass(frozen=True)
class NumberChanged:
    """The last change of a door number: ``retire`` (the number went with its plate), or
    ``renumber`` / ``reuse`` (the plate now carries ``new_text``), when and why, and where the
    plate stood (storage CRS)."""

    change: str
    old_address: str | None
    new_text: str | None
    note: str | None
    at: dt.datetime  # UTC
    point: shapely.Point


class RoadPlates(Mapping):
    """The current plates of one road (all roads of one name), keyed by their number text;
    every lookup asks the database, so the answer is as fresh as the last commit."""

    def __init__(self, index: PlateIndex, road_ids: tuple[int, ...]):
        self._index = index
        self._road_ids = road_ids
        self._districts: list[str] | None = None

    def _of_roads(self) -> dict:
        """The parameters naming these roads (and their districts) in a query."""
        if self._districts is None:
            self._districts = sorted(set(self._index.gazetteer.road_districts(self._road_ids).values()))
        return {"road_ids": list(self._road_ids), "districts": self._districts}

    def __getitem__(self, number_text: str) -> Entry:
        found = self._index.entries(_NUMBERED, **self._of_roads(), number_texts=[number_text, number_text + "号"])
        if not found:
            raise KeyError(number_text)
        return found[0]

    def __contains__(self, number_text: object) -> bool:
        return isinstance(number_text, str) and self.get(number_text) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(_bare(e.number_text or "") for e in self.values())

    def __len__(self) -> int:
        return int(self._index.rows(_COUNT, **self._of_roads())[0][0] or 0)

    def values(self):  # one query, not one per key
        return self._index.entries(_OF_ROADS, **self._of_roads())

    def last_change(self, number_text: str) -> NumberChanged | None:
        """What last became of a number these roads no longer carry (``door_number_changes``):
        retired, or renumbered to another; None when it never was a number here."""
        rows = self._index.rows(_NUMBER_CHANGED, **self._of_roads(), number_texts=[number_text, number_text + "号"])
        if not rows:
            return None
        row = rows[0]
        return NumberChanged(row.change, row.old_address, row.new_text, row.note, row.created_at, shapely.Point(row.x, row.y))

    def nearest_numbers(self, number: int, count: int) -> list[Entry]:
        """The ``count`` plates whose numbers are nearest ``number``, on its side (parity) first."""
        return self._index.entries(_NEAREST_NUMBERS, **self._of_roads(), parity=number % 2, number=number, count=count)


class RoadPlatesByName:
    """``normalized road name -> RoadPlates``, for the roads of that name (``in``, ``[]``, ``get``)."""

    def __init__(self, index: PlateIndex):
        self._index = index

    def get(self, road_key: str, default=None):
        ids = self._index.gazetteer.road_ids.get(road_key)
        return RoadPlates(self._index, ids) if ids else default

    def __getitem__(self, road_key: str) -> RoadPlates:
        found = self.get(road_key)
        if found is None:
            raise KeyError(road_key)
        return found

    def __contains__(self, road_key: object) -> bool:
        return isinstance(road_key, str) and self.get(road_key) is not None


@dataclass
class NearbyPlates:
    """The current plates of an area, for reverse geocoding: their ids and, parallel, their
    points in metres with a k-d tree over them (no geometry object per plate: an area can hold
    half a million), the name of their road, whether they are secondary addresses and their
    district. Entries are made only for the plates an answer uses (``PlateIndex.by_ids``)."""

    ids: np.ndarray  # int64, in no particular order
    xy: np.ndarray  # (n, 2), EPSG:4543 metres
    tree: cKDTree | None
    road: np.ndarray
    secondary: np.ndarray
    district: np.ndarray  # each plate's district (its partition on PostgreSQL)
    # Every plate of the area (a box read), or only each point's nearest few (a batch spread thin
    # over a dense city): then a plate of a given road further away may be missing (``near_on_roads``).
    complete: bool = True

    def extended(self, more: NearbyPlates) -> NearbyPlates:
        """These plates, then ``more`` (the tree still over these only)."""
        return NearbyPlates(
            np.concatenate([self.ids, more.ids]),
            np.concatenate([self.xy, more.xy]),
            self.tree,
            np.concatenate([self.road, more.road]),
            np.concatenate([self.secondary, more.secondary]),
            np.concatenate([self.district, more.district]),
            self.complete,
        )


NOTHING_NEAR = NearbyPlates(
    np.zeros(0, dtype=np.int64), np.zeros((0, 2)), None, np.zeros(0, dtype=object), np.zeros(0, dtype=bool), np.zeros(0, dtype=object)
)


@dataclass
class NearbyRoads:
    """The roads of an area, for reverse geocoding's side of the road: their centrelines in
    metres (an STRtree) and, parallel, their names."""

    tree: shapely.STRtree | None
    name: np.ndarray
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # each line's road id


def box_around(lon: np.ndarray, lat: np.ndarray, pad_m: float) -> tuple[float, float, float, float]:
    """The box around the points (storage CRS), ``pad_m`` metres wider on each side (about)."""
    pad_lat = pad_m / 110_000.0
    pad_lon = reach_deg(lat, pad_m)
    return (
        float(np.nanmin(lon)) - pad_lon,
        float(np.nanmin(lat)) - pad_lat,
        float(np.nanmax(lon)) + pad_lon,
        float(np.nanmax(lat)) + pad_lat,
    )


def reach_deg(lat: np.ndarray, pad_m: float) -> float:
    """``pad_m`` metres in degrees of longitude at the points' latitude (about; the wider of
    the two directions, so a box this wide around a point holds every row that near)."""
    return pad_m / 110_000.0 / max(0.1, float(np.cos(np.radians(np.nanmean(lat)))))


def _distinct(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each id's position among the distinct ids, and those ids (ascending). Road ids are a
    sequence, so a table as long as the largest does it in one pass (5 ms for half a million
    plates, where a sort costs 50)."""
    if not len(ids) or ids.min() < 0 or ids.max() > 4 * len(ids) + 1_000_000:
        distinct, at = np.unique(ids, return_inverse=True)
        return at, distinct
    present = np.zeros(int(ids.max()) + 1, dtype=bool)
    present[ids] = True
    return (np.cumsum(present) - 1)[ids], np.flatnonzero(present)


class PlateIndex:
    """Door plates of ``store`` read on demand, made into search entries with the units and
    roads of ``gazetteer`` (community and subdistrict by the point, the street by the road)."""

    def __init__(self, store, gazetteer: Gazetteer):
        self.store = store
        self.gazetteer = gazetteer

    def rows(self, query, **params) -> list:
        """The rows of a query, on the connection of the query under way."""
        with self.session() as session:
            return session.connection().execute(query, params).all()

    def session(self):
        """The session of the query under way (``names``): one connection for all its reads."""
        assert self.gazetteer.index is not None  # a built gazetteer has its store
        return self.gazetteer.index.session()

    def entries(self, query, **params) -> list[Entry]:
        return self.from_rows(self.rows(query, **params))

    def from_rows(self, rows) -> list[Entry]:
        """Search entries of plate rows (a secondary plate with its building's main address)."""
        secondary = {row.building_id for row in rows if row.kind == "secondary" and row.building_id is not None}
        main = {}
        if secondary:
            main = {row.building_id: row.address for row in self.rows(_MAIN_ADDRESS, building_ids=sorted(secondary))}
        points = shapely.points(np.array([(row.x, row.y) for row in rows], dtype=float).reshape(-1, 2))
        communities = self.gazetteer.communities_of(points)
        roads = self.gazetteer.streets({row.road_id for row in rows})
        entries = (
            self._entry(row, point, roads.get(row.road_id), community, main)
            for row, point, community in zip(rows, points, communities, strict=True)
        )
        return [e for e in entries if e is not None]

    def _entry(self, row, point: shapely.Point, road: Street | None, community, main_address: dict) -> Entry | None:
        from .gazetteer import Entry

        g = self.gazetteer
        if road is None:
            return None  # (a plate's road always exists: a foreign key)
        subdistrict = g.units.get(community.parent_code) if community is not None and community.parent_code is not None else None
        entry = Entry(
            "address",
            row.id,
            f"{road.name}{row.number_text}号",
            row.address,
            point,
            street=road.name,
            number=row.number,
            number_text=row.number_text,
            side=row.side,
            category="门牌",
            romanization=spellings.of_address(road.spelling, row.number_text),
            community=community,
            subdistrict=subdistrict,
            address_kind=row.kind,
            main_label=main_address.get(row.building_id) if row.kind == "secondary" else None,
        )
        if road.retired:  # the plate stands, but its road's name was cancelled
            entry.status, entry.retired_on = "retired", road.retired_on
        return entry

    def prefixed(self, prefix: str, cap: int) -> list[tuple[str, Entry]]:
        """Up to ``cap`` (key, entry) pairs of addresses whose key (子君路12号) begins with
        ``prefix``: the plates of the road the prefix names and goes on from (子君路1), or of
        the roads whose names begin with it (子君), lowest numbers first."""
        g = self.gazetteer
        roads: list[tuple[int, ...]] = []  # the ids of each road name asked, in name order
        numbers = ""
        g.prime(prefix[:length] for length in range(len(prefix), 0, -1))
        for length in range(len(prefix), 0, -1):
            if prefix[:length] in g.road_ids:
                roads, numbers = [g.road_ids[prefix[:length]]], prefix[length:]
                break
        if not roads:
            road_keys = g.road_keys_beginning(prefix, cap)
            g.prime(road_keys)
            roads = [g.road_ids[key] for key in road_keys]
        digits = numbers.removesuffix("号")
        begins = digits.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows: list = []
        asked = 0
        district = g.road_districts(i for ids in roads for i in ids[:cap])
        for ids in roads:
            # Each road on its own, so a road of thousands of plates stops at ``cap`` of them.
            for road_id in ids[: cap - asked]:
                if road_id in district:
                    rows += self.rows(_LOWEST, road_id=road_id, district=district[road_id], begins=begins, cap=cap)
            asked += len(ids)
            if len(rows) >= cap or asked >= cap:
                break  # a road's addresses sort before the next road name's (names end in no digit): the first ``cap`` are read
        found = self.from_rows(rows)
        pairs = [(name_key(e.name), e) for e in found]
        return sorted((pair for pair in pairs if pair[0].startswith(prefix)), key=lambda pair: pair[0])[:cap]

    def near(self, lon: np.ndarray, lat: np.ndarray, radius_m: float) -> NearbyPlates:
        """The plates within about ``radius_m`` of the box around the points (lon/lat in the
        storage CRS), which are all a reverse lookup of those points can answer with; or, for a
        batch spread thin over many plates, only each point's nearest few (not ``complete``)."""
        if not len(lon) or np.isnan(lon).all():
            return NOTHING_NEAR
        box = box_around(lon, lat, radius_m * 1.5)
        pad_lon = reach_deg(lat, radius_m * 1.5)
        x, y = point_coordinate(DoorPlate.geom, 0), point_coordinate(DoorPlate.geom, 1)
        light = (DoorPlate.id, DoorPlate.road_id, DoorPlate.kind == "secondary", x, y)
        kinds = (np.int64, np.int64, np.bool_, np.float64, np.float64)
        current = DoorPlate.status == "current"
        in_box = select(*light).where(current, index_match(DoorPlate.geom, *box))
        with self.session() as session:
            given = ~(np.isnan(lon) | np.isnan(lat))
            # A few points have a small box: read it as rows, without asking the planner first.
            few = given.sum() < FEW_POINTS
            estimate = estimated_rows(session, in_box) if has_nearest_search(session) and not few else None
            each_nearest = estimate is not None and estimate > NEAREST_SWITCH_ROWS_PER_POINT * given.sum()
            if each_nearest:
                parts = [
                    nearest_each(
                        DoorPlate.__tablename__, _NEAREST_LIGHT, _NEAREST_CURRENT, lon[p], lat[p], k=NEAREST_CANDIDATES, reach_deg=pad_lon
                    )
                    for p in np.array_split(np.flatnonzero(given), NEAREST_PARTS)
                ]
                columns = read_columns_in_parts(session.connection(), parts, (np.int64, *kinds))[1:]
                _, first = np.unique(columns[0], return_index=True)  # a plate near several points, once
                columns = [column[first] for column in columns]
            else:
                large = estimate is not None and estimate > PARALLEL_READ_ROWS
                columns = read_columns(session.connection(), in_box, kinds, bulk=not few, parallel=large)
        if not len(columns[0]):
            return NOTHING_NEAR
        return self._nearby(columns, tree=True, complete=not each_nearest)

    def near_on_roads(self, lon: np.ndarray, lat: np.ndarray, road_ids: np.ndarray, radius_m: float) -> tuple[np.ndarray, NearbyPlates]:
        """Every current plate of one road (``road_ids``, one per point) within about ``radius_m``
        of each point: the point (0-based) each plate was found for, and those plates (no tree).
        For the few points whose nearest plates ``near`` read (not ``complete``) held no plate
        of their road on their side (one road's plates that near: tens, hundreds in the densest
        streets)."""
        kinds = (np.int64, np.int64, np.int64, np.bool_, np.float64, np.float64)
        asked = nearest_each(
            DoorPlate.__tablename__,
            _NEAREST_LIGHT,
            _NEAREST_CURRENT,
            lon,
            lat,
            k=None,
            reach_deg=reach_deg(lat, radius_m * 1.5),
            matching=(DoorPlate.road_id, road_ids),
        )
        with self.session() as session:
            point, *columns = read_columns(session.connection(), asked, kinds, bulk=len(lon) >= FEW_POINTS)
        return point - 1, self._nearby(columns, tree=False, complete=False)

    def _nearby(self, columns: list[np.ndarray], *, tree: bool, complete: bool) -> NearbyPlates:
        """Plates read as columns (id, road id, secondary, x, y in the storage CRS) made ready to measure."""
        from .gazetteer import to_metres

        ids, plate_roads, secondary, xs, ys = columns
        # Names and districts (a plate's is its road's) one per road, not per plate; read once
        # per query, so the entries made of the plates found later read them no more.
        at, road_ids = _distinct(plate_roads)
        g = self.gazetteer
        names, districts_of = g.road_names(road_ids.tolist()), g.road_districts(road_ids.tolist())
        road = np.array([names.get(i) for i in road_ids.tolist()], dtype=object)[at]
        districts = np.array([districts_of.get(i) for i in road_ids.tolist()], dtype=object)[at]
        xy = np.column_stack(to_metres(xs, ys))
        # Built unbalanced and uncompacted: half the build time, the same answers, queries a little slower.
        kd = cKDTree(xy, leafsize=32, balanced_tree=False, compact_nodes=False) if tree and len(xy) else None
        return NearbyPlates(ids, xy, kd, road, secondary, districts, complete)

    def roads_near(self, lon: np.ndarray, lat: np.ndarray, reach_m: float) -> NearbyRoads:
        """The roads within about ``reach_m`` of the box around the points (storage CRS), by the
        spatial index: the nearest road of each point is among them whenever it is that near."""
        from .gazetteer import to_metres

        if not len(lon):
            return NearbyRoads(None, np.zeros(0, dtype=object))
        with self.session() as session:
            rows = session.execute(
                select(Road.id, Road.name, Road.geom).where(index_match(Road.geom, *box_around(lon, lat, reach_m))).order_by(Road.id)
            ).all()
        if not rows:
            return NearbyRoads(None, np.zeros(0, dtype=object))
        lines = np.array([geom for *_, geom in rows], dtype=object)
        metric = shapely.transform(lines, lambda xy: np.column_stack(to_metres(xy[:, 0], xy[:, 1])))  # all at once
        names = np.array([name for _, name, _ in rows], dtype=object)
        return NearbyRoads(shapely.STRtree(metric), names, np.array([road_id for road_id, *_ in rows], dtype=np.int64))

    def every_current(self) -> list[Entry]:
        """Every current plate as an entry (evaluation scripts building queries from the register)."""
        return self.entries(select(*PLATE_COLUMNS).where(DoorPlate.status == "current").order_by(DoorPlate.id))

    def by_ids(self, ids: list[int], districts: Iterable[str]) -> list[Entry]:
        """The entries of these plates, in this order (a plate no longer current is left out);
        ``districts`` holds theirs (the partitions to read on PostgreSQL)."""
        if not ids:
            return []
        found = {e.id: e for e in self.entries(_BY_IDS, ids=list(ids), districts=sorted(set(districts)))}
        return [found[i] for i in ids if i in found]
