"""Public reads from a streaming replica; writes always on the primary."""

from __future__ import annotations

import time

import pytest
import shapely
import sqlalchemy as sa
from pgcluster import PrivateCluster, require_bindir

from gis.basemap import Road
from gis.storage import Store, migrate


@pytest.fixture
def primary_and_replica():
    bin_dir = require_bindir()
    primary = PrivateCluster(bin_dir)
    primary.start()
    replica = None
    try:
        replica = PrivateCluster(bin_dir, replica_of=primary)
        replica.start()
        yield primary, replica
    finally:
        if replica is not None:
            replica.destroy()
        primary.destroy()


def wait_for(predicate, timeout=20.0):
    """True once ``predicate`` holds; errors count as not yet (the replica may not
    have replayed the schema yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except sa.exc.DBAPIError:
            pass
        time.sleep(0.2)
    return False


def road_names(store, **kw):
    with store.read(**kw) as session:
        return set(session.scalars(sa.select(Road.name)))


def test_public_reads_go_to_the_replica_and_see_primary_writes(primary_and_replica):
    primary, replica = primary_and_replica
    store = Store(primary.url(), read_urls=[replica.url()])
    try:
        migrate.upgrade(store)
        with store.read(public=True) as session:
            assert session.scalar(sa.text("SELECT pg_is_in_recovery()")) is True
        with store.read() as session:
            assert session.scalar(sa.text("SELECT pg_is_in_recovery()")) is False
        with store.transaction(actor="officer", reason="replication test") as session:
            session.add(Road(name="春城路", road_class="arterial", geom=shapely.LineString([(102.7, 25.0), (102.71, 25.01)])))
        assert wait_for(lambda: road_names(store, public=True) == {"春城路"})
        # with the primary gone, public reads keep being served by the replica
        store.engine.dispose()
        primary.stop()
        assert road_names(store, public=True) == {"春城路"}
    finally:
        store.dispose()


def test_unreachable_replica_falls_back_to_the_primary(primary_and_replica):
    primary, replica = primary_and_replica
    replica.stop()
    store = Store(primary.url(), read_urls=[replica.url()])
    try:
        migrate.upgrade(store)
        with store.read(public=True) as session:
            assert session.scalar(sa.text("SELECT pg_is_in_recovery()")) is False
    finally:
        store.dispose()


def test_public_api_keeps_answering_from_the_replica_when_the_primary_is_down(primary_and_replica, tmp_path):
    from gis.settings import Settings
    from server import create_app

    primary, replica = primary_and_replica
    store = Store(primary.url())
    migrate.upgrade(store)
    with store.transaction(actor="officer", reason="replication test") as session:
        session.add(Road(name="子君路", road_class="local", geom=shapely.LineString([(102.7, 25.0), (102.71, 25.01)])))
    store.dispose()
    replica_store = Store(replica.url())
    assert wait_for(lambda: road_names(replica_store) == {"子君路"})
    replica_store.dispose()

    app = create_app(Settings(database_url=primary.url(), read_database_urls=replica.url(), work_dir=str(tmp_path / "run")))
    client = app.test_client()
    primary.stop()
    response = client.get("/ogc/collections/roads/items?f=json")
    assert response.status_code == 200
    assert [f["properties"]["name"] for f in response.get_json()["features"]] == ["子君路"]
