"""A small street world for the numbering tests, built in metres (EPSG:4543) near 官渡区.

春城路 runs west -> east in storage (numbered from its east end by the default rule),
关上路 runs south -> north across its east end; one corner building fronts both.
"""

from __future__ import annotations

import datetime as dt

import shapely

from gis.basemap import AdminUnit, Building, Road
from placenames.models import PlaceName
from placenames.numbering.geometry import to_storage

X0, Y0 = 570_000.0, 2_767_000.0
COMMUNITY = "530111001001"
# (code, x of centre, y of centre): north side of 春城路 (y > 0), south side (y < 0).
FRONTAGE = [("N1", 40, 18), ("N2", 120, 18), ("N3", 200, 18), ("S1", 60, -18), ("S2", 300, -18)]
CORNER = ("C1", 384, 10)  # outline 4 m from 春城路 and 10 m from 关上路: a corner building


def box(cx: float, cy: float, half_w: float = 4.0, half_h: float = 6.0):
    return to_storage(shapely.box(X0 + cx - half_w, Y0 + cy - half_h, X0 + cx + half_w, Y0 + cy + half_h))


def line(*points):
    return to_storage(shapely.MultiLineString([[(X0 + x, Y0 + y) for x, y in points]]))


def seed(store, *, register=True) -> dict[str, int]:
    """Roads, names, admin units and buildings; returns building code -> id."""
    with store.transaction(actor="seed") as session:
        for code, name, level, parent in (
            ("530111000000", "官渡区", "district", None),
            ("530111001000", "关上街道", "subdistrict", "530111000000"),
            (COMMUNITY, "关上社区", "community", "530111001000"),
        ):
            area = to_storage(shapely.MultiPolygon([shapely.box(X0 - 1000, Y0 - 1000, X0 + 1000, Y0 + 1000)]))
            session.add(AdminUnit(code=code, name=name, level=level, parent_code=parent, valid_from=dt.date(2023, 6, 30), geom=area))
        session.add(Road(name="春城路", road_class="secondary", geom=line((0, 0), (400, 0))))
        session.add(Road(name="关上路", road_class="secondary", geom=line((400, -200), (400, 200))))
        if register:
            for name in ("春城路", "关上路"):
                session.add(PlaceName(name=name, category_code="road", category_label="道路", status="current"))
        buildings = {}
        for code, cx, cy in [*FRONTAGE, CORNER]:
            half_w = 6.0 if code == "C1" else 4.0
            building = Building(code=code, households=4, community_code=COMMUNITY, geom=box(cx, cy, half_w=half_w))
            session.add(building)
            buildings[code] = building
        session.flush()
        return {code: b.id for code, b in buildings.items()}


def add_building(store, code: str, cx: float, cy: float) -> int:
    with store.transaction(actor="seed") as session:
        building = Building(code=code, households=2, community_code=COMMUNITY, geom=box(cx, cy))
        session.add(building)
        session.flush()
        return building.id


def seed_inventory(store, *, installed_on: dt.date | None = dt.date(2020, 1, 1)) -> tuple[int, int]:
    """``seed``, number every road, then stock a 街牌 per crossing and a 门牌 per door plate;
    returns (signs, plates) added."""
    from placenames.numbering import service
    from placenames.signs import inventory

    seed(store)
    service.commit(store, None, actor="wang")
    with store.transaction(actor="wang") as session:
        signs = inventory.intersection_signs(store, session, installed_on=installed_on)
        plates = inventory.door_plate_items(store, session, installed_on=installed_on)
    return signs, plates
