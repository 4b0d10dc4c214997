"""The storage layer on both backends: geometry, spatial queries, audit, locking, errors."""

from __future__ import annotations

import pytest
import shapely
import sqlalchemy as sa

from gis.basemap import Road
from gis.errors import DuplicateName, VersionConflict
from gis.storage import bbox_match, spatial_match
from gis.storage.audit import AuditEntry
from placenames.models import DoorPlate

CHUNCHENG = shapely.LineString([(102.70, 25.00), (102.72, 25.01), (102.73, 25.03)])


def add_road(store, name="春城路", geom=CHUNCHENG, actor="officer-a", reason="test"):
    with store.transaction(actor=actor, reason=reason) as session:
        road = Road(name=name, road_class="arterial", geom=geom)
        session.add(road)
    return road


def test_geometry_round_trips_exactly_and_single_lines_become_multi(store):
    road = add_road(store)
    with store.read() as session:
        stored = session.get(Road, road.id).geom
    assert stored.geom_type == "MultiLineString"
    assert shapely.equals_exact(stored.geoms[0], CHUNCHENG, tolerance=0)


@pytest.mark.parametrize(
    ("window", "predicate", "expected"),
    [
        (shapely.box(102.69, 24.99, 102.705, 25.005), "intersects", {"春城路"}),
        (shapely.box(102.0, 24.0, 102.1, 24.1), "intersects", set()),
        # the line's bounding box meets this window but the line itself does not
        (shapely.box(102.725, 25.0, 102.74, 25.01), "intersects", set()),
        (shapely.box(102.6, 24.9, 102.8, 25.1), "within", {"春城路"}),
        (shapely.box(102.6, 24.9, 102.8, 25.1), "contains", set()),
    ],
)
def test_spatial_predicates_agree_on_both_backends(store, window, predicate, expected):
    add_road(store)
    add_road(store, name="远方路", geom=shapely.LineString([(103.5, 26.0), (103.6, 26.1)]))
    with store.read() as session:
        names = set(session.scalars(sa.select(Road.name).where(spatial_match(Road.geom, window, predicate))))
    assert names == expected


def test_bbox_match_uses_lon_lat_order(store):
    add_road(store)
    with store.read() as session:
        hit = session.scalars(sa.select(Road.name).where(bbox_match(Road.geom, 102.69, 24.99, 102.705, 25.005))).all()
        swapped = session.scalars(sa.select(Road.name).where(bbox_match(Road.geom, 24.99, 102.69, 25.005, 102.705))).all()
    assert hit == ["春城路"]
    assert swapped == []


def test_every_change_is_audited_with_who_what_and_why(store):
    road = add_road(store, actor="officer-a", reason="新建道路")
    with store.transaction(actor="officer-b", reason="更名批复 官政复〔2026〕1号") as session:
        session.get(Road, road.id).name = "春城东路"
    with store.transaction(actor="officer-c", reason="撤销") as session:
        session.delete(session.get(Road, road.id))
    history = store.history("roads", road.id)
    assert [(h.action, h.actor, h.version) for h in history] == [
        ("insert", "officer-a", 1),
        ("update", "officer-b", 2),
        ("delete", "officer-c", 2),
    ]
    assert history[0].after["name"] == "春城路" and history[0].before is None
    assert history[1].before["name"] == "春城路" and history[1].after["name"] == "春城东路"
    assert history[1].reason == "更名批复 官政复〔2026〕1号"
    assert history[2].before["name"] == "春城东路" and history[2].after is None
    assert history[0].after["geom"].startswith("MULTILINESTRING")


def test_write_without_actor_is_refused(store):
    with pytest.raises(PermissionError):
        with store._sessions() as session, session.begin():
            session.add(Road(name="无名路", road_class="local", geom=CHUNCHENG))
    with store.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Road)) == 0


def test_audit_log_is_append_only_in_the_database(store):
    add_road(store)
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DBAPIError):
            with store.engine.begin() as connection:
                connection.exec_driver_sql(statement)
    with store.read() as session:
        assert session.scalars(sa.select(AuditEntry.actor)).all() == ["officer-a"]


def test_stale_version_gets_version_conflict(store):
    road = add_road(store)
    with store.read() as session:
        stale = session.get(Road, road.id)
    with store.transaction(actor="officer-b") as session:
        session.get(Road, road.id).road_class = "secondary"
    with pytest.raises(VersionConflict):
        with store.transaction(actor="officer-c") as session:
            stale = session.merge(stale, load=False)
            stale.road_class = "local"
    with store.read() as session:
        assert session.get(Road, road.id).road_class == "secondary"


def test_duplicate_is_a_409_and_the_transaction_leaves_nothing(store):
    add_road(store)
    with pytest.raises(DuplicateName) as caught:
        with store.transaction(actor="officer-a") as session:
            session.add(Road(name="关上中路", road_class="local", geom=CHUNCHENG))
            session.flush()
            session.add(Road(name="春城路", road_class="local", geom=CHUNCHENG))
    assert caught.value.http_status == 409
    with store.read() as session:
        assert session.scalars(sa.select(Road.name)).all() == ["春城路"]
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1


def test_door_plate_number_is_unique_per_road_in_the_database(store):
    road = add_road(store)
    plate = dict(road_id=road.id, number=12, suffix="", number_text="12", address="春城路12号", geom=shapely.Point(102.71, 25.005))
    with store.transaction(actor="officer-a") as session:
        session.add(DoorPlate(**plate))
    with pytest.raises(DuplicateName):
        with store.transaction(actor="officer-b") as session:
            session.add(DoorPlate(**plate))
    with store.transaction(actor="officer-b") as session:
        session.add(DoorPlate(**{**plate, "suffix": "-1", "number_text": "12-1", "address": "春城路12-1号"}))


def test_bulk_insert_writes_one_audit_row_per_record(store):
    rows = [
        {"name": f"测试{i}路", "road_class": "local", "geom": shapely.LineString([(102.7, 25 + i / 1000), (102.71, 25 + i / 1000)])}
        for i in range(25)
    ]
    with store.transaction(actor="importer", reason="bulk") as session:
        assert store.bulk_insert(session, Road, rows, batch=10) == 25
    with store.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Road)) == 25
        audits = session.scalars(sa.select(AuditEntry).where(AuditEntry.table_name == "roads")).all()
        found = session.scalars(sa.select(Road.name).where(bbox_match(Road.geom, 102.699, 25.0095, 102.711, 25.0105))).all()
    assert len(audits) == 25 and {a.actor for a in audits} == {"importer"}
    assert found == ["测试10路"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_spatial_query_is_answered_from_the_rtree_not_a_scan(store):
    query = sa.select(Road.name).where(bbox_match(Road.geom, 102.69, 24.99, 102.705, 25.005))
    compiled = query.compile(store.engine)
    params = tuple(b"" if isinstance(v, shapely.Geometry) else v for v in compiled.params.values())
    with store.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
    details = " | ".join(row[-1] for row in plan)
    assert "USING INTEGER PRIMARY KEY" in details and "VIRTUAL TABLE" in details
    assert "SCAN roads" not in details


def test_audit_keeps_large_byte_values_by_hash_not_by_a_second_copy():
    import hashlib

    from gis.storage.audit import AUDIT_BYTES_INLINE, to_jsonable

    small, large = b"\x00\x01", bytes(range(256)) * (AUDIT_BYTES_INLINE // 256 + 1)
    assert to_jsonable(small) == "0001"
    assert to_jsonable(large) == {"sha256": hashlib.sha256(large).hexdigest(), "size": len(large)}
