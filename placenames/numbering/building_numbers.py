"""楼栋号: the numbers of the buildings inside a compound (子君路88号3幢), and their order.

Why an order rule: residents and couriers find 3幢 by walking in from the main gate, so
numbers run from the gate inward. Two orders, a compound's choice (``BUILDING_ORDERS``):

- ``entrance``: nearest the main entrance first (by the outline's distance), ties from
  the left as one walks in;
- ``s_order``: rows across the way in, ``ROW_M`` deep, the first row from the left, the
  next back from the right, and so on (the S pattern many cities' rules describe).

Numbers once given stay (like door numbers, neighbours are never renumbered): a building
added later takes the next free number after the highest one. The one word for the level
is 幢 (as in the register's addresses and plates); 栋 and 座 are accepted when typed.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from sqlalchemy import select

from gis.basemap import Building
from gis.errors import InvalidInput

from . import geometry
from .models import Compound, CompoundBuilding, CompoundEntrance

BUILDING_ORDERS = ("entrance", "s_order")
ROW_M = 30.0  # depth of one row of the S order


def check_order(order: str) -> str:
    if order not in BUILDING_ORDERS:
        raise InvalidInput(
            f"楼栋编号顺序应为 {'、'.join(BUILDING_ORDERS)} 之一：{order}",
            f"The building order must be one of {', '.join(BUILDING_ORDERS)}: {order}",
            details={"field": "order", "allowed": list(BUILDING_ORDERS)},
        )
    return order


def order_buildings(
    entrance: shapely.Point, inward: shapely.Point, outlines, *, order: str = "entrance", row_m: float = ROW_M
) -> list[int]:
    """Indexes of metric ``outlines`` in 楼栋号 order, from the metric main ``entrance`` towards
    ``inward`` (the compound's centre)."""
    check_order(order)
    if not len(outlines):
        return []
    ex, ey = entrance.x, entrance.y
    vx, vy = inward.x - ex, inward.y - ey
    norm = math.hypot(vx, vy) or 1.0
    vx, vy = vx / norm, vy / norm
    ux, uy = -vy, vx  # left, walking in
    xy = shapely.get_coordinates(shapely.centroid(np.asarray(outlines, dtype=object)))
    depth = (xy[:, 0] - ex) * vx + (xy[:, 1] - ey) * vy
    left = (xy[:, 0] - ex) * ux + (xy[:, 1] - ey) * uy
    if order == "entrance":
        distance = shapely.distance(np.asarray(outlines, dtype=object), entrance)
        keys = np.lexsort((-left, np.round(distance, 1)))
        return [int(k) for k in keys]
    row = np.floor(np.maximum(depth, 0.0) / row_m).astype(int)
    across = np.where(row % 2 == 0, -left, left)  # even rows from the left, odd rows back from the right
    return [int(k) for k in np.lexsort((across, row))]


def number_buildings(session, compound: Compound, *, order: str | None = None) -> list[dict]:
    """Give every unnumbered building of ``compound`` its 楼栋号 in order (after the highest
    number already given); returns every building of the compound with its number."""
    order = check_order(order or compound.building_order)
    compound.building_order = order
    members = list(
        session.scalars(select(CompoundBuilding).where(CompoundBuilding.compound_id == compound.id).order_by(CompoundBuilding.id))
    )
    fresh = [m for m in members if m.label is None]
    if fresh:
        main = session.scalars(
            select(CompoundEntrance).where(CompoundEntrance.compound_id == compound.id, CompoundEntrance.kind == "main")
        ).first()
        outlines = dict(session.execute(select(Building.id, Building.geom).where(Building.id.in_([m.building_id for m in fresh]))).all())
        metric = geometry.to_metric(np.array([outlines[m.building_id] for m in fresh], dtype=object))
        gate = geometry.to_metric(main.geom if main is not None else compound.geom.representative_point())
        centre = geometry.to_metric(compound.geom.representative_point())
        taken = [int(m.label) for m in members if m.label is not None and m.label.isdigit()]
        next_number = max(taken, default=0) + 1
        for k in order_buildings(gate, centre, metric, order=order):
            fresh[k].label, fresh[k].ordinal = str(next_number), next_number
            next_number += 1
        session.flush()
    return listing(session, compound.id)


def listing(session, compound_id: int) -> list[dict]:
    """The compound's buildings with their 楼栋号, in number order (unnumbered last)."""
    rows = session.execute(
        select(CompoundBuilding, Building.code)
        .join(Building, Building.id == CompoundBuilding.building_id)
        .where(CompoundBuilding.compound_id == compound_id)
    ).all()
    rows.sort(key=lambda r: (r[0].ordinal is None, r[0].ordinal or 0, r[0].building_id))
    return [
        {"building": m.building_id, "code": code, "label": m.label, "text": None if m.label is None else f"{m.label}幢", "units": m.units}
        for m, code in rows
    ]
