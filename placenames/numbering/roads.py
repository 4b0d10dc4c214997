"""Finding a road to number by part of its name, and one road as the numbering page draws it:
its centreline and the door numbers already on it.

Why: a district has thousands of roads (the demo 2,160); a page that loads them all as
one list hits the map server's page limit and silently loses the rest. Asking the
server for the few roads whose name holds what the officer typed, and then for one
road by id, works on every road.
"""

from __future__ import annotations

import shapely
from sqlalchemy import case, func, select

from gis.basemap import Road
from gis.errors import InvalidInput, NotFound
from placenames.models import DoorPlate

MAX_LIMIT = 50


def find(store, text: str, *, limit: int = 20) -> dict:
    """Roads whose name contains ``text``: names starting with it first, then by name;
    ``{"items": [{"id", "name", "road_class", "numbers"}], "total"}`` (total: all matches)."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("请输入道路名称（全部或一部分）", "Type a road's name, or part of it")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit 应在 1 到 {MAX_LIMIT} 之间", f"'limit' must be between 1 and {MAX_LIMIT}")
    matches = Road.name.contains(text, autoescape=True)
    numbers = (
        select(func.count(DoorPlate.id))
        .where(DoorPlate.road_id == Road.id, DoorPlate.status == "current")
        .correlate(Road)
        .scalar_subquery()
    )
    starts_first = case((Road.name.startswith(text, autoescape=True), 0), else_=1)
    with store.read() as session:
        total = session.scalar(select(func.count(Road.id)).where(matches)) or 0
        query = select(Road.id, Road.name, Road.road_class, numbers).where(matches).order_by(starts_first, Road.name).limit(limit)
        rows = session.execute(query).all()
    items = [{"id": i, "name": name, "road_class": kind, "numbers": count} for i, name, kind, count in rows]
    return {"items": items, "total": total}


def road_view(store, road_id: int) -> dict:
    """One road: its centreline (GeoJSON, CGCS2000 lon/lat) and its current door numbers
    (number, address, lon/lat), in chainage order."""
    with store.read() as session:
        road = session.get(Road, road_id)
        if road is None:
            raise NotFound(f"道路不存在：编号 {road_id}", f"No road with id {road_id}", details={"road": road_id})
        columns = (DoorPlate.id, DoorPlate.number_text, DoorPlate.address, DoorPlate.side, DoorPlate.building_id, DoorPlate.geom)
        query = select(*columns).where(DoorPlate.road_id == road.id, DoorPlate.status == "current")
        plates = session.execute(query.order_by(DoorPlate.chainage_m, DoorPlate.number, DoorPlate.suffix)).all()
        view = {"id": road.id, "name": road.name, "road_class": road.road_class, "geometry": shapely.geometry.mapping(road.geom)}
    view["numbers"] = [
        {
            "id": p.id,
            "number": p.number_text,
            "address": p.address,
            "side": p.side,
            "building": p.building_id,
            "lon": p.geom.x,
            "lat": p.geom.y,
        }
        for p in plates
    ]
    return view
