"""Compounds (小区/大院): an area with one door number of its own on its road.

Why: the buildings of a residential compound or a work unit's 大院 are not numbered
along the street - a building 60 m behind the street front has no frontage of its
own. The compound takes **one** street number, placed by its main entrance under the
road's ordinary rules (``plan.assign``: its chainage slot, else the nearest reserved
one, else a suffix); its buildings take that number with their 楼栋号
(``building_numbers``): 子君路88号3幢. Road numbering skips them (``service``).

A building belongs to at most one compound: the one its outline's representative point
lies in when the compound is registered. Street numbers the buildings already had can
be retired in the same act (``retire_street_numbers``), recorded like any retirement.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import select

from gis.basemap import AdminUnit, Building, Road
from gis.errors import Conflict, InvalidInput, NotFound
from gis.positions import check_point
from gis.storage import bbox_match
from placenames.models import DoorPlate, PlaceName
from placenames.placement import ENTRANCE_REACH_M, far

from . import building_numbers, context, geometry
from .address import AdminNames
from .lifecycle import retire_plates
from .models import Compound, CompoundBuilding, CompoundEntrance, RoadNumbering
from .plan import Candidate, assign
from .service import existing_plate, stored_address

SOURCE = "compound"
MIN_AREA_M2, MAX_AREA_M2 = 100.0, 2_000_000.0
SIDE_TOLERANCE_M = 1.0  # a gate this close to the centreline cannot tell the side; the compound's centre does


def polygon_of(value) -> shapely.Polygon:
    """A compound outline from GeoJSON (a dict), WKT (text) or a shapely polygon; anything else is a 400."""
    try:
        geom = shape(value) if isinstance(value, dict) else shapely.from_wkt(value) if isinstance(value, str) else value
    except Exception as error:  # shapely's own messages are English only
        raise InvalidInput(
            f"小区范围 geometry 无法读取：{error}", f"The compound's geometry cannot be read: {error}", details={"field": "geometry"}
        ) from error
    if isinstance(geom, shapely.MultiPolygon) and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if not isinstance(geom, shapely.Polygon) or geom.is_empty or not geom.is_valid:
        raise InvalidInput(
            "小区范围 geometry 应为一个有效的多边形（CGCS2000 经纬度）",
            "The compound's geometry must be one valid polygon (CGCS2000 lon/lat)",
            details={"field": "geometry"},
        )
    for x, y in (geom.bounds[:2], geom.bounds[2:]):
        check_point(shapely.Point(x, y), what_zh="小区范围", what_en="compound outline")
    area = float(geometry.to_metric(geom).area)
    if not MIN_AREA_M2 <= area <= MAX_AREA_M2:
        raise InvalidInput(
            f"小区面积 {area:.0f} 平方米，应在 {MIN_AREA_M2:.0f} 到 {MAX_AREA_M2:.0f} 之间（坐标系有误？）",
            f"The compound's area is {area:.0f} m², expected {MIN_AREA_M2:.0f} to {MAX_AREA_M2:.0f} (wrong CRS?)",
            details={"field": "geometry", "area_m2": round(area)},
        )
    return geom


def outline_around(store, building_codes: list[str], *, margin_m: float = 6.0) -> shapely.Polygon:
    """A compound outline drawn around buildings (their convex hull, ``margin_m`` wider), CGCS2000."""
    with store.read() as session:
        rows = dict(session.execute(select(Building.code, Building.geom).where(Building.code.in_(building_codes))).all())
    missing = [c for c in building_codes if c not in rows]
    if missing or not building_codes:
        raise NotFound(f"建筑不存在：{'、'.join(missing)}", f"No such building(s): {', '.join(missing)}", details={"buildings": missing})
    hull = shapely.convex_hull(shapely.union_all(geometry.to_metric(np.array(list(rows.values()), dtype=object))))
    return geometry.to_storage(hull.buffer(margin_m, join_style="mitre"))


def register(
    store,
    *,
    name: str,
    polygon,
    road: str,
    entrance: shapely.Point,
    side_entrances: list[tuple[shapely.Point, str | None]] = (),  # type: ignore[assignment]
    entrance_description: str | None = None,
    order: str = "entrance",
    number: bool = True,
    retire_street_numbers: bool = False,
    actor: str,
    reason: str | None = None,
) -> dict:
    """Register a compound: its outline, gates and buildings, and its one door number on
    ``road`` (placed by the main ``entrance``); with ``number`` its buildings get their 楼栋号.
    Bad input is a 400, an unknown road a 404, a taken name or building a 409; nothing is
    written unless everything is right."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise InvalidInput("小区名称 name 应为 1–100 个字符", "The compound's name must be 1-100 characters", details={"field": "name"})
    outline = polygon_of(polygon)
    building_numbers.check_order(order)
    gates = [(entrance, "main", entrance_description), *((p, "side", d) for p, d in side_entrances)]
    for point, kind, _ in gates:
        check_point(point, what_zh="小区出入口", what_en="compound entrance")
        offset = float(shapely.distance(geometry.to_metric(outline.exterior), geometry.to_metric(point)))
        problem = far(offset, ENTRANCE_REACH_M, "小区边界", "the compound's outline")
        if problem is not None:
            raise InvalidInput(
                f"lon、lat：{'主' if kind == 'main' else ''}出入口{problem[0]}",
                f"lon, lat: {kind} entrance {problem[1]}",
                details={"field": "entrance" if kind == "main" else "entrances", "offset_m": round(offset, 1)},
            )
    with store.transaction(actor=actor, reason=reason or f"登记小区 compound {name}") as session:
        (road_id,) = context.find_roads(session, [road])
        if session.scalar(select(PlaceName.id).where(PlaceName.name == road, PlaceName.status == "current").limit(1)) is None:
            raise Conflict(
                f"道路尚无现行标准地名，不能编门牌号：{road}",
                f"Road without a current standard name cannot be numbered: {road}",
                details={"roads": [road]},
            )
        if session.scalar(select(Compound.id).where(Compound.name == name)) is not None:
            raise Conflict(f"小区名称已登记：{name}", f"A compound of this name is already registered: {name}", details={"name": name})
        context.lock_roads(session, [road_id])
        members = _members(session, outline)
        taken = session.execute(
            select(Building.code, Compound.name)
            .join(CompoundBuilding, CompoundBuilding.building_id == Building.id)
            .join(Compound, Compound.id == CompoundBuilding.compound_id)
            .where(Building.id.in_([b for b, _ in members]))
        ).all()
        if taken:
            listed = [f"{code}（{other}）" for code, other in taken]
            raise Conflict(
                f"建筑已属于其他小区：{'、'.join(listed)}",
                f"Building(s) already inside another compound: {', '.join(listed)}",
                details={"buildings": [code for code, _ in taken]},
            )
        member_ids = [b for b, _ in members]
        street = list(
            session.scalars(
                select(DoorPlate).where(DoorPlate.building_id.in_(member_ids), DoorPlate.status == "current").order_by(DoorPlate.id)
            )
        )
        retired = (
            retire_plates(session, street, f"并入小区{name}，改用小区门牌 / now inside compound {name}")
            if retire_street_numbers and street
            else []
        )
        admin_code = _community(session, entrance, outline, [community for _, community in members])
        plate = _number(session, road_id, road, entrance, outline, admin_code)
        compound = Compound(name=name, road_id=road_id, door_plate_id=plate.id, admin_code=admin_code, building_order=order, geom=outline)
        session.add(compound)
        session.flush()
        for point, kind, description in gates:
            session.add(CompoundEntrance(compound_id=compound.id, kind=kind, description=description, geom=point))
        for building_id in member_ids:
            session.add(CompoundBuilding(compound_id=compound.id, building_id=building_id))
        session.flush()
        if number:
            building_numbers.number_buildings(session, compound, order=order)
        view = _view(session, compound)
        view["retired_street_numbers"] = retired
        view["street_numbered"] = (
            [] if retire_street_numbers else [{"id": p.id, "building": p.building_id, "address": p.address} for p in street]
        )
        return view


def _members(session, outline: shapely.Polygon) -> list[tuple[int, str | None]]:
    """(id, community code) of the buildings whose representative point lies in ``outline``."""
    rows = session.execute(
        select(Building.id, Building.community_code, Building.geom).where(bbox_match(Building.geom, *outline.bounds)).order_by(Building.id)
    ).all()
    if not rows:
        return []
    points = shapely.point_on_surface(np.array([g for *_, g in rows], dtype=object))
    inside = shapely.contains(outline, points)
    return [(b, community) for (b, community, _), keep in zip(rows, inside, strict=True) if keep]


def _community(session, entrance: shapely.Point, outline: shapely.Polygon, member_codes: list[str | None]) -> str | None:
    """The community the compound's address belongs to: the one around its main entrance, else
    the one most of its buildings are in."""
    rows = session.execute(
        select(AdminUnit.code, AdminUnit.geom).where(
            AdminUnit.level == "community", AdminUnit.valid_to.is_(None), bbox_match(AdminUnit.geom, *outline.bounds)
        )
    ).all()
    for code, geom in rows:
        if geom is not None and geom.covers(entrance):
            return code
    known = Counter(c for c in member_codes if c)
    return known.most_common(1)[0][0] if known else None


def _number(session, road_id: int, road: str, entrance: shapely.Point, outline: shapely.Polygon, admin_code: str | None) -> DoorPlate:
    """The compound's door plate on its road, by the road's rules, placed at its main entrance."""
    line, settings = _road_line(session, road_id)
    gate = geometry.to_metric(entrance)
    reach = float(shapely.distance(gate, line))
    if reach > settings.reach_m:
        raise InvalidInput(
            f"主出入口距道路“{road}” {reach:.0f} 米，超过 {settings.reach_m:g} 米：请选临近的道路",
            f"The main entrance is {reach:.0f} m from road '{road}', more than {settings.reach_m:g} m: choose the road it opens onto",
            details={"field": "road", "distance_m": round(reach, 1)},
        )
    facing = gate if reach > SIDE_TOLERANCE_M else geometry.to_metric(outline.representative_point())
    at = geometry.chainage(line, np.array([gate], dtype=object))
    side = str(geometry.sides(line, at, np.array([facing], dtype=object))[0])
    plates = list(session.scalars(select(DoorPlate).where(DoorPlate.road_id == road_id)))
    existing = [existing_plate(p, line) for p in plates]
    [a] = assign(settings, existing, [Candidate(0, float(at[0]), side, 0.0, "main")])
    names = AdminNames(session)
    plate = DoorPlate(
        road_id=road_id,
        number=a.number,
        suffix=a.suffix,
        number_text=a.number_text,
        building_id=None,
        side=a.side,
        address=stored_address(names, admin_code, road, a.number_text),
        status="current",
        geom=entrance,
        chainage_m=round(a.chainage, 2),
        kind="main",
        admin_code=admin_code,
        source=SOURCE,
    )
    session.add(plate)
    session.flush()
    plate.reason = {"zh": a.reason_zh, "en": a.reason_en}  # type: ignore[attr-defined]
    return plate


def _road_line(session, road_id: int):
    district = context.district_settings(session)
    override = session.scalars(select(RoadNumbering).where(RoadNumbering.road_id == road_id)).first()
    settings = context.road_settings(district, override)
    stored = session.scalar(select(Road.geom).where(Road.id == road_id))
    line = geometry.orient(geometry.merge_centreline(geometry.to_metric(stored)), settings.direction)
    return line, settings


def _compound(session, key: int | str) -> Compound:
    by_id = isinstance(key, int) or (key.isdigit() and len(key) <= 9)  # a longer number is no id the database holds
    column = Compound.id if by_id else Compound.name
    value = int(key) if by_id else key
    row = session.scalars(select(Compound).where(column == value)).first()
    if row is None:
        raise NotFound(f"小区不存在：{key}", f"No such compound: {key}", details={"compound": key})
    return row


def _view(session, compound: Compound, *, buildings: bool = True) -> dict:
    plate = session.get(DoorPlate, compound.door_plate_id) if compound.door_plate_id else None
    road = session.scalar(select(Road.name).where(Road.id == compound.road_id))
    gates = session.scalars(select(CompoundEntrance).where(CompoundEntrance.compound_id == compound.id).order_by(CompoundEntrance.id))
    view = {
        "id": compound.id,
        "name": compound.name,
        "road": road,
        "door_plate": None if plate is None else plate.id,
        "number": None if plate is None else plate.number_text,
        "address": None if plate is None else plate.address,
        "status": None if plate is None else plate.status,
        "admin_code": compound.admin_code,
        "building_order": compound.building_order,
        "entrances": [{"kind": g.kind, "description": g.description, "lon": g.geom.x, "lat": g.geom.y} for g in gates],
        "geometry": shapely.geometry.mapping(compound.geom),
    }
    if plate is not None and getattr(plate, "reason", None):
        view["reason"] = plate.reason
    if buildings:
        view["buildings"] = building_numbers.listing(session, compound.id)
    return view


def list_compounds(store, *, road: str | None = None) -> list[dict]:
    """Every compound (of ``road``), with its address and how many buildings it has and numbered."""
    with store.read() as session:
        query = select(Compound).order_by(Compound.id)
        if road is not None:
            (road_id,) = context.find_roads(session, [road])
            query = query.where(Compound.road_id == road_id)
        out = []
        for compound in session.scalars(query):
            view = _view(session, compound, buildings=False)
            view.pop("geometry")
            labels = list(session.scalars(select(CompoundBuilding.label).where(CompoundBuilding.compound_id == compound.id)))
            view["buildings"], view["numbered"] = len(labels), sum(1 for label in labels if label)
            out.append(view)
        return out


def describe(store, key: int | str) -> dict:
    """One compound (by id or name) with its gates and buildings."""
    with store.read() as session:
        return _view(session, _compound(session, key))


def number(store, key: int | str, *, order: str | None = None, actor: str, reason: str | None = None) -> dict:
    """Give the compound's unnumbered buildings their 楼栋号 (``order``: the compound's, unless given)."""
    if order is not None:
        building_numbers.check_order(order)
    with store.transaction(actor=actor, reason=reason or "楼栋编号 building numbers") as session:
        compound = _compound(session, key)
        building_numbers.number_buildings(session, compound, order=order)
        return _view(session, compound)
