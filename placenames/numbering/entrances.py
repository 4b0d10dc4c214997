"""Recording a building's main entrance, which numbering then uses.

Why: a building's door does not always face the road nearest its outline - a
corner shop may open onto the side street, a long block may have its door at the
far end. Numbering takes the road nearest the recorded entrance as the building's
main road, and the entrance's chainage and side for its number. Changing an
entrance does not renumber existing plates (renumber the road for that).
"""

from __future__ import annotations

import numpy as np
import shapely
from sqlalchemy import select

from gis.basemap import Building
from gis.errors import InvalidInput, NotFound
from gis.positions import check_point
from placenames.placement import ENTRANCE_REACH_M, far

from . import geometry
from .models import BuildingEntrance

#: An entrance further than this from its building's outline is a typing or CRS error.
MAX_OFFSET_M = ENTRANCE_REACH_M


def set_entrance(store, building: int | str, point, *, actor: str, reason: str | None = None, description: str | None = None) -> dict:
    """Record (or move) the main entrance of a building given by id or code; CGCS2000 lon/lat."""
    check_point(point, what_zh="入口", what_en="entrance")
    with store.transaction(actor=actor, reason=reason or "登记建筑入口 building entrance") as session:
        row = _building(session, building)
        [offset] = offsets_m([row.geom], [point])
        problem = far(offset, MAX_OFFSET_M, f"建筑 {row.code} 轮廓", f"building {row.code}")
        if problem is not None:
            raise InvalidInput(
                f"lon、lat：入口{problem[0]}",
                f"lon, lat: entrance {problem[1]}",
                details={"field": "lon", "building": row.code, "offset_m": round(offset, 1)},
            )
        entrance = session.scalars(select(BuildingEntrance).where(BuildingEntrance.building_id == row.id)).first()
        if entrance is None:
            entrance = BuildingEntrance(building_id=row.id)
            session.add(entrance)
        entrance.geom, entrance.description = point, description
        session.flush()
        return {"building": row.id, "code": row.code, "lon": point.x, "lat": point.y, "description": description}


def clear_entrance(store, building: int | str, *, actor: str, reason: str | None = None) -> None:
    """Forget a building's recorded entrance (numbering falls back to its outline)."""
    with store.transaction(actor=actor, reason=reason or "删除建筑入口 building entrance removed") as session:
        row = _building(session, building)
        entrance = session.scalars(select(BuildingEntrance).where(BuildingEntrance.building_id == row.id)).first()
        if entrance is None:
            raise NotFound(f"建筑 {row.code} 没有登记入口", f"Building {row.code} has no recorded entrance")
        session.delete(entrance)


def offsets_m(outlines: list, points: list) -> list[float]:
    """Metres from each stored outline to its entrance point (both CGCS2000)."""
    if not outlines:
        return []
    metric_outlines = geometry.to_metric(np.array(outlines, dtype=object))
    metric_points = geometry.to_metric(np.array(points, dtype=object))
    return [float(d) for d in shapely.distance(metric_outlines, metric_points)]


def _building(session, building: int | str) -> Building:
    column = Building.id if isinstance(building, int) else Building.code
    row = session.scalars(select(Building).where(column == building)).first()
    if row is None:
        raise NotFound(f"建筑不存在：{building}", f"No such building: {building}")
    return row
