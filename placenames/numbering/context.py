"""Everything numbering reads from the store, loaded once and converted to metres in bulk.

Why one loader: a district-wide run touches ~50,000 buildings; reading them row
by row or projecting them one at a time would dominate the run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from sqlalchemy import select

from gis.basemap import Block, Building, Road
from gis.errors import Conflict, NotFound
from gis.storage import bbox_match
from placenames.models import DoorPlate, PlaceName

from . import geometry
from .models import BuildingEntrance, CompoundBuilding, NumberingDefaults, RoadNumbering
from .settings import NumberingSettings

DEGREES_PER_METRE = 1 / 90_000  # generous at 25°N, only used to widen a search box


@dataclass
class RoadInfo:
    id: int
    name: str
    line: shapely.LineString  # metric, oriented from number 1
    settings: NumberingSettings


@dataclass
class Loaded:
    roads: list[RoadInfo]  # every road (so a building's main road is known)
    wanted: list[int]  # indexes into roads to number
    unregistered: list[str]  # wanted roads without a current standard name
    building_ids: np.ndarray
    building_admin: np.ndarray  # community (or subdistrict) code per building
    buildings: np.ndarray  # metric polygons
    entrances: np.ndarray  # metric main-entrance point per building, None where none is recorded
    plates: list  # DoorPlate rows of the wanted roads
    main_numbered: set[int]  # buildings that already have a current main plate somewhere
    district: NumberingSettings
    in_compound: set[int] = field(default_factory=set)  # buildings inside a compound: numbered by it, not by roads


def district_settings(session) -> NumberingSettings:
    row = session.scalars(select(NumberingDefaults).order_by(NumberingDefaults.id).limit(1)).first()
    if row is None:
        return NumberingSettings()
    return NumberingSettings(row.direction, row.odd_side, row.spacing_m, row.suffix_style, row.reach_m)


def road_settings(district: NumberingSettings, row: RoadNumbering | None) -> NumberingSettings:
    if row is None:
        return district
    return district.overlay(direction=row.direction, odd_side=row.odd_side, spacing_m=row.spacing_m, suffix_style=row.suffix_style)


def find_roads(session, names: list[str]) -> list[int]:
    """Road ids for names; unknown names are a 404 naming them all."""
    found = dict(session.execute(select(Road.name, Road.id).where(Road.name.in_(names))).all())
    missing = [n for n in names if n not in found]
    if missing:
        raise NotFound(f"道路不存在：{'、'.join(missing)}", f"Unknown road(s): {', '.join(missing)}", details={"roads": missing})
    return [found[n] for n in names]


def lock_roads(session, road_ids: list[int] | None) -> None:
    """Serialise numbering per road: a second officer waits, then sees the first one's numbers."""
    query = select(Road.id).order_by(Road.id).with_for_update()
    if road_ids is not None:
        query = query.where(Road.id.in_(road_ids))
    session.execute(query).all()


def load(session, road_ids: list[int] | None) -> Loaded:
    district = district_settings(session)
    overrides = {row.road_id: row for row in session.scalars(select(RoadNumbering))}
    rows = session.execute(select(Road.id, Road.name, Road.geom).order_by(Road.id)).all()
    metric = geometry.to_metric(np.array([g for _, _, g in rows], dtype=object)) if rows else []
    roads = []
    for (road_id, name, _), line in zip(rows, metric, strict=True):
        settings = road_settings(district, overrides.get(road_id))
        roads.append(RoadInfo(road_id, name, geometry.orient(geometry.merge_centreline(line), settings.direction), settings))
    index = {road.id: k for k, road in enumerate(roads)}
    wanted = list(range(len(roads))) if road_ids is None else [index[i] for i in road_ids]
    registered = set(session.scalars(select(PlaceName.name).where(PlaceName.status == "current")))
    unregistered = [roads[k].name for k in wanted if roads[k].name not in registered]

    building_query = select(Building.id, Building.community_code, Building.block_code, Building.geom).order_by(Building.id)
    if road_ids is not None and wanted:
        chosen = set(road_ids)
        minx, miny, maxx, maxy = shapely.total_bounds([g for (i, _, g) in rows if i in chosen])
        pad = district.reach_m * DEGREES_PER_METRE * 1.5
        building_query = building_query.where(bbox_match(Building.geom, minx - pad, miny - pad, maxx + pad, maxy + pad))
    found = session.execute(building_query).all() if wanted else []
    admin = _admin_codes(session, found)
    polygons = geometry.to_metric(np.array([g for *_, g in found], dtype=object)) if found else np.array([], dtype=object)
    wanted_ids = [roads[k].id for k in wanted]
    plates = list(session.scalars(select(DoorPlate).where(DoorPlate.road_id.in_(wanted_ids)))) if wanted_ids else []
    main_numbered = set(
        session.scalars(
            select(DoorPlate.building_id).where(DoorPlate.kind == "main", DoorPlate.status == "current", DoorPlate.building_id.is_not(None))
        )
    )
    building_ids = np.array([b[0] for b in found], dtype=np.int64)
    entrances = _entrances(session, building_ids)
    in_compound = set(session.scalars(select(CompoundBuilding.building_id))) if wanted else set()
    return Loaded(
        roads,
        wanted,
        unregistered,
        building_ids,
        admin,
        np.asarray(polygons, dtype=object),
        entrances,
        plates,
        main_numbered,
        district,
        in_compound,
    )


def _entrances(session, building_ids: np.ndarray) -> np.ndarray:
    """Recorded main entrances (metric) parallel to ``building_ids``; None where a building has none."""
    out = np.full(len(building_ids), None, dtype=object)
    if not len(building_ids):
        return out
    rows = session.execute(select(BuildingEntrance.building_id, BuildingEntrance.geom)).all()
    if not rows:
        return out
    position = {int(b): k for k, b in enumerate(building_ids)}
    chosen = [(position[b], g) for b, g in rows if b in position]
    if chosen:
        metric = geometry.to_metric(np.array([g for _, g in chosen], dtype=object))
        for (k, _), point in zip(chosen, metric, strict=True):
            out[k] = point
    return out


def _admin_codes(session, found) -> np.ndarray:
    """Each building's community code, or its block's subdistrict where no community is set."""
    missing = {block for (_, community, block, _) in found if community is None and block}
    by_block = dict(session.execute(select(Block.code, Block.subdistrict_code).where(Block.code.in_(missing))).all()) if missing else {}
    return np.array([community or by_block.get(block) for (_, community, block, _) in found], dtype=object)


def refuse_unregistered(loaded: Loaded) -> None:
    if loaded.unregistered:
        names = loaded.unregistered
        raise Conflict(
            f"道路尚无现行标准地名，不能编门牌号：{'、'.join(names)}",
            f"Road(s) without a current standard name cannot be numbered: {', '.join(names)}",
            details={"roads": names},
        )
