"""Migration 0009_entrances on a database that already holds plates: each plate takes its
address point, and the way down removes the new table and column again (both backends)."""

from __future__ import annotations

import datetime as dt

import shapely
import sqlalchemy as sa
from sqlalchemy import select

from gis.basemap import Road
from gis.storage import migrate
from gis.storage.coltypes import UTCDateTime
from placenames.models import DoorPlate
from placenames.signs.models import PlateItem


def test_existing_plates_take_their_address_point(empty_store):
    store = empty_store
    migrate.upgrade(store, "0005_numbering")
    with store.transaction(actor="seed") as session:
        road = Road(name="春城路", road_class="secondary", geom=shapely.MultiLineString([[(102.70, 25.0), (102.72, 25.0)]]))
        session.add(road)
        session.flush()
        plate = DoorPlate(road_id=road.id, number=1, suffix="", number_text="1", address="春城路1号", geom=shapely.Point(102.705, 25.0002))
        session.add(plate)
        session.flush()
        plate_id = plate.id
    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as connection:  # the 0005 table has no geometry column yet: plain SQL
        connection.execute(
            sa.text(
                "INSERT INTO plate_items (door_plate_id, level, text, status, version, created_at, created_by, updated_at, updated_by) "
                "VALUES (:plate, '门牌', '春城路1号', 'in_service', 1, :now, 'seed', :now, 'seed')"
            ).bindparams(sa.bindparam("now", now, type_=UTCDateTime())),
            {"plate": plate_id},
        )
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
