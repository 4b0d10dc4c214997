"""The demo's inventory: signs at intersections, a 门牌 for every door plate, and one
completed inspection round over the ten plan roads (deterministic for a seed).

Runs inside the caller's transaction, after ``placenames.numbering.service.assign_all``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import func, select

from gis.basemap import Road
from placenames.models import DoorPlate

from .inventory import door_plate_items, intersection_signs
from .models import DEFECTS, PLATE, ROAD_SIGN, InspectionResult, InspectionRound, PlateItem, RoadSign

PLAN_ROADS = 10
FAIL_SHARE = 0.04


def plan_roads(session, count: int = PLAN_ROADS) -> list[str]:
    """The ``count`` roads with the most current door plates (the plan period's ten roads)."""
    rows = session.execute(
        select(Road.name, func.count(DoorPlate.id).label("n"))
        .join(DoorPlate, DoorPlate.road_id == Road.id)
        .where(DoorPlate.status == "current")
        .group_by(Road.name)
        .order_by(func.count(DoorPlate.id).desc(), Road.name)
        .limit(count)
    ).all()
    return [name for name, _ in rows]


def stock_demo(store, session, *, seed: int, installed_on: dt.date = dt.date(2021, 6, 1), held_on: dt.date = dt.date(2026, 4, 15)) -> dict:
    signs = intersection_signs(store, session, installed_on=installed_on)
    plates = door_plate_items(store, session, installed_on=installed_on)
    roads = plan_roads(session)
    road_ids = list(session.scalars(select(Road.id).where(Road.name.in_(roads))))
    items = [(ROAD_SIGN, i) for i in session.scalars(select(RoadSign.id).where(RoadSign.road_id.in_(road_ids)).order_by(RoadSign.id))]
    plates_of_roads = (
        select(PlateItem.id)
        .join(DoorPlate, DoorPlate.id == PlateItem.door_plate_id)
        .where(DoorPlate.road_id.in_(road_ids))
        .order_by(PlateItem.id)
    )
    items += [(PLATE, i) for i in session.scalars(plates_of_roads)]
    name = f"{held_on.year} 年度路牌门牌检查验收（{len(roads)} 条计划道路）"
    round_ = InspectionRound(name=name, inspector="demo-inspector", held_on=held_on, status="closed")
    session.add(round_)
    session.flush()
    rng = np.random.default_rng(seed)
    fails = rng.random(len(items)) < FAIL_SHARE
    rows = [
        {
            "round_id": round_.id,
            "item_kind": kind,
            "item_id": item,
            "result": "fail" if fail else "pass",
            "defects": DEFECTS[int(rng.integers(len(DEFECTS)))] if fail else "",
            "photos": f"demo/{kind}/{item}.jpg" if fail else None,
            "inspected_on": held_on,
        }
        for (kind, item), fail in zip(items, fails, strict=True)
    ]
    if rows:
        store.bulk_insert(session, InspectionResult, rows)
    return {
        "road_signs": signs,
        "plates": plates,
        "inspection_round": round_.id,
        "plan_roads": roads,
        "inspected": len(rows),
        "failed": int(fails.sum()),
    }
