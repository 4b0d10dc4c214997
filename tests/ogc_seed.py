"""A handful of real-looking records in 官渡区 for the OGC provider and server tests."""

from __future__ import annotations

import datetime as dt

from shapely import LineString, MultiLineString, MultiPolygon, Point, box

from gis.basemap import AdminUnit, Block, Building, Road, Waterway
from placenames.models import DoorPlate, PlaceName

CHUNCHENG = LineString([(102.72, 25.02), (102.74, 25.02)])
BEIJING = LineString([(102.71, 25.05), (102.71, 25.08)])
GUANSHANG_POINT = (102.745, 25.01)


def seed(store) -> dict[str, int]:
    """Insert the records; return some of their ids by a short key."""
    ids = {}
    with store.transaction(actor="test", reason="fixture") as s:
        chuncheng = Road(name="春城路", road_class="main", admin_code="530111001", geom=MultiLineString([CHUNCHENG]))
        beijing = Road(name="北京路", road_class="trunk", admin_code="530111002", geom=MultiLineString([BEIJING]))
        s.add_all([chuncheng, beijing])
        s.flush()
        ids["road_chuncheng"], ids["road_beijing"] = chuncheng.id, beijing.id
        plates = [
            DoorPlate(road_id=chuncheng.id, number=1, number_text="1号", address="官渡区春城路1号", geom=Point(102.721, 25.0205)),
            DoorPlate(road_id=chuncheng.id, number=3, number_text="3号", address="官渡区春城路3号", geom=Point(102.725, 25.0205)),
            DoorPlate(road_id=beijing.id, number=2, number_text="2号", address="官渡区北京路2号", geom=Point(102.7105, 25.06)),
        ]
        s.add_all(plates)
        names = [
            PlaceName(
                name="关上",
                romanization="Guanshang",
                category_code="221",
                category_label="城镇居民点",
                admin_code="530111001",
                geom=Point(*GUANSHANG_POINT),
            ),
            PlaceName(
                name="太和",
                romanization="Taihe",
                category_code="221",
                category_label="城镇居民点",
                admin_code="530111002",
                geom=Point(102.70, 25.04),
            ),
            PlaceName(
                name="宝海公园",
                romanization="Baohai Gongyuan",
                category_code="252",
                category_label="公园",
                admin_code=None,
                status="current",
                geom=box(102.73, 25.00, 102.74, 25.01),
            ),
            PlaceName(
                name="旧村",
                romanization="Jiucun",
                category_code="222",
                category_label="农村居民点",
                admin_code="530111001",
                status="retired",
                geom=Point(102.76, 25.03),
            ),
        ]
        s.add_all(names)
        s.add(Waterway(name="宝象河", waterway_class="river", geom=MultiLineString([[(102.75, 24.95), (102.80, 25.00)]])))
        units = [
            AdminUnit(
                code="530111001",
                name="关上街道",
                level="subdistrict",
                parent_code="530111",
                valid_from=dt.date(2005, 1, 1),
                households=5000,
                population=15000,
                geom=MultiPolygon([box(102.70, 24.98, 102.78, 25.03)]),
            ),
            AdminUnit(
                code="530111001001",
                name="关上社区",
                level="community",
                parent_code="530111001",
                valid_from=dt.date(2021, 1, 1),
                households=1200,
                population=3600,
                geom=MultiPolygon([box(102.72, 25.00, 102.75, 25.03)]),
            ),
            AdminUnit(
                code="530111001099",
                name="旧社区",
                level="community",
                parent_code="530111001",
                valid_from=dt.date(2005, 1, 1),
                valid_to=dt.date(2020, 12, 31),
                households=800,
                geom=MultiPolygon([box(102.72, 25.00, 102.75, 25.03)]),
            ),
            AdminUnit(
                code="530111002001",
                name="太和社区",
                level="community",
                parent_code="530111002",
                valid_from=dt.date(2021, 1, 1),
                households=900,
                population=2500,
                geom=MultiPolygon([box(102.69, 25.03, 102.72, 25.06)]),
            ),
        ]
        s.add_all(units)
        s.flush()
        ids["subdistrict"], ids["community"], ids["old_community"], ids["taihe"] = (u.id for u in units)
        s.add_all(
            [
                Block(
                    code="B001",
                    subdistrict_code="530111001",
                    community_code="530111001001",
                    households=120,
                    geom=box(102.72, 25.01, 102.73, 25.02),
                ),
                Block(
                    code="B002",
                    subdistrict_code="530111002",
                    community_code="530111002001",
                    households=40,
                    geom=box(102.69, 25.04, 102.70, 25.05),
                ),
            ]
        )
        s.add_all(
            [
                Building(
                    code="BLD-1",
                    block_code="B001",
                    community_code="530111001001",
                    households=12,
                    floors=6,
                    geom=box(102.722, 25.012, 102.723, 25.013),
                ),
                Building(
                    code="BLD-2",
                    block_code="B002",
                    community_code="530111002001",
                    households=30,
                    floors=None,
                    geom=box(102.692, 25.042, 102.693, 25.043),
                ),
            ]
        )
    return ids
