"""Migration 0009_entrances on a database that already holds plates: each plate takes its
address point, and the way down removes the new table and column again (both backends)."""

from __future__ import annotations

import old_rows
import pytest
import shapely
import sqlalchemy as sa
from sqlalchemy import select

from gis.basemap import Road
from gis.errors import Conflict
from gis.storage import migrate
from placenames.models import DoorPlate
from placenames.signs.models import PlateItem


def test_existing_plates_take_their_address_point(empty_store):
    store = empty_store
    migrate.upgrade(store, "0005_numbering")
    with store.engine.begin() as connection:  # the 0005 tables (plate_items without a geometry column yet)
        plate_id = _old_plate(connection)
        old_rows.insert(connection, "plate_items", door_plate_id=plate_id, level="门牌", text="春城路1号", status="in_service")
    migrate.upgrade(store)
    with store.read() as session:
        item = session.scalars(select(PlateItem)).one()
        assert item.geom.equals(shapely.Point(102.705, 25.0002))
        assert session.scalar(sa.text("SELECT count(*) FROM building_entrances")) == 0
    migrate.downgrade(store, "0005_numbering")
    inspector = sa.inspect(store.engine)
    assert "building_entrances" not in inspector.get_table_names()
    assert "geom" not in {c["name"] for c in inspector.get_columns("plate_items")}
    migrate.upgrade(store)
    with store.read() as session:
        assert session.scalars(select(PlateItem)).one().geom is not None


def _old_plate(connection) -> int:
    """A road and a plate on it, written to the tables of an earlier revision."""
    road = old_rows.insert(
        connection,
        "roads",
        geometry="MULTILINESTRING",
        name="春城路",
        road_class="secondary",
        geom=shapely.MultiLineString([[(102.70, 25.0), (102.72, 25.0)]]),
    )
    return old_rows.insert(
        connection,
        "door_plates",
        geometry="POINT",
        road_id=road,
        number=1,
        suffix="",
        number_text="1",
        address="春城路1号",
        status="current",
        geom=shapely.Point(102.705, 25.0002),
    )


def _plate_and_items(store, levels: list[str]) -> int:
    with store.transaction(actor="seed") as session:
        road = Road(name="春城路", road_class="secondary", geom=shapely.MultiLineString([[(102.70, 25.0), (102.72, 25.0)]]))
        session.add(road)
        session.flush()
        plate = DoorPlate(road_id=road.id, number=1, suffix="", number_text="1", address="春城路1号", geom=shapely.Point(102.705, 25.0002))
        session.add(plate)
        session.flush()
        for level in levels:
            session.add(PlateItem(door_plate_id=plate.id, level=level, text="春城路1号", status="in_service", geom=plate.geom))
        return plate.id


def test_one_main_plate_index_refuses_to_build_over_repeated_main_plates_and_lists_them(empty_store):
    store = empty_store
    migrate.upgrade(store, "0009_entrances")
    with store.engine.begin() as connection:
        plate_id = _old_plate(connection)
        for level in ["门牌", "门牌", "楼牌"]:
            old_rows.insert(
                connection, "plate_items", geometry="POINT", door_plate_id=plate_id, level=level, text="春城路1号", status="in_service"
            )
    with pytest.raises(Conflict) as refused:
        migrate.upgrade(store)
    assert "春城路1号" in refused.value.zh and "春城路1号 (2)" in refused.value.en
    assert refused.value.details["repeats"][0]["count"] == 2
    assert "uq_plate_items_one_main_plate" not in {i["name"] for i in sa.inspect(store.engine).get_indexes("plate_items")}
    with store.engine.begin() as connection:  # resolved: the extra plate is marked removed
        connection.execute(
            sa.text("UPDATE plate_items SET status = 'removed' WHERE id = (SELECT min(id) FROM plate_items WHERE level = '门牌')")
        )
    migrate.upgrade(store)
    assert "uq_plate_items_one_main_plate" in {i["name"] for i in sa.inspect(store.engine).get_indexes("plate_items")}
    migrate.downgrade(store, "0009_entrances")
    assert "uq_plate_items_one_main_plate" not in {i["name"] for i in sa.inspect(store.engine).get_indexes("plate_items")}
    migrate.upgrade(store)


def test_the_database_itself_refuses_a_second_main_plate(store):
    plate_id = _plate_and_items(store, ["门牌"])
    with pytest.raises(Conflict), store.transaction(actor="t") as session:
        session.add(PlateItem(door_plate_id=plate_id, level="门牌", text="春城路1号", status="planned"))
    with store.transaction(actor="t") as session:  # removed plates and other levels do not count
        session.add(PlateItem(door_plate_id=plate_id, level="门牌", text="春城路1号", status="removed"))
        session.add(PlateItem(door_plate_id=plate_id, level="单元牌", text="春城路1号2单元", status="in_service"))
