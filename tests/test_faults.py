"""PostgreSQL going away under a running service: 503 during the outage, recovery after.

Uses a private PostgreSQL cluster (initdb in a temporary folder, its own port) so
stopping it cannot disturb other tests.
"""

from __future__ import annotations

import pytest
from ogc_seed import seed
from pgcluster import PrivateCluster, require_bindir

from gis.settings import Settings
from gis.storage import Store, migrate


@pytest.fixture
def cluster():
    cluster = PrivateCluster(require_bindir())
    cluster.start()
    yield cluster
    cluster.destroy()


def test_outage_gives_503_and_service_recovers_by_itself(cluster, tmp_path):
    from server import create_app

    store = Store(cluster.url())
    migrate.upgrade(store)
    seed(store)
    store.dispose()
    app = create_app(Settings(database_url=cluster.url(), work_dir=str(tmp_path / "run")))
    client = app.test_client()

    assert client.get("/ogc/collections/roads/items?f=json").status_code == 200
    cluster.stop()
    down = client.get("/ogc/collections/roads/items?f=json")
    health = client.get("/healthz")
    assert down.status_code == 503 and health.status_code == 503
    body = down.get_json()
    assert body["code"] == "unavailable" and body["message"]["zh"] and body["message"]["en"]

    cluster.start()
    up = client.get("/ogc/collections/roads/items?f=json")
    assert up.status_code == 200
    assert {f["properties"]["name"] for f in up.get_json()["features"]} == {"春城路", "北京路"}
    assert client.get("/healthz").status_code == 200


def test_restart_under_concurrent_load_leaves_no_partial_writes(cluster, tmp_path):
    """Readers and writers keep going while PostgreSQL stops and starts: every answer
    is 200 or 503 (never 500), every write is whole or absent, and both recover."""
    import threading
    import time

    import shapely
    import sqlalchemy as sa

    from gis.basemap import Road
    from gis.errors import Unavailable
    from placenames.models import DoorPlate
    from server import create_app

    store = Store(cluster.url())
    migrate.upgrade(store)
    seed(store)
    client = create_app(Settings(database_url=cluster.url(), work_dir=str(tmp_path / "run"))).test_client()
    writer_store = Store(cluster.url())
    statuses, written, stop = [], [], threading.Event()

    def read_loop():
        while not stop.is_set():
            statuses.append(client.get("/ogc/collections/roads/items?f=json").status_code)
            time.sleep(0.01)

    def write_loop():
        i = 0
        while not stop.is_set():
            i += 1
            try:
                with writer_store.transaction(actor="load", reason="restart test") as session:
                    road = Road(name=f"压测{i}路", road_class="lane", geom=shapely.LineString([(102.7, 25.0), (102.7001, 25.0001)]))
                    session.add(road)
                    session.flush()
                    session.add(
                        DoorPlate(
                            road_id=road.id, number=1, suffix="", number_text="1", address=f"压测{i}路1号", geom=shapely.Point(102.7, 25.0)
                        )
                    )
                written.append(i)
            except Unavailable:
                time.sleep(0.05)

    threads = [threading.Thread(target=read_loop) for _ in range(3)] + [threading.Thread(target=write_loop)]
    for t in threads:
        t.start()
    time.sleep(1)
    cluster.stop()
    time.sleep(1)
    cluster.start()
    time.sleep(2)
    stop.set()
    for t in threads:
        t.join(timeout=30)

    assert set(statuses) <= {200, 503} and 503 in statuses and statuses[-1] == 200
    with store.read() as session:
        roads = set(session.scalars(sa.select(Road.name).where(Road.name.like("压测%"))))
        plates = set(session.scalars(sa.select(DoorPlate.address).where(DoorPlate.address.like("压测%"))))
    assert {f"压测{i}路" for i in written} <= roads
    assert {r + "1号" for r in roads} == plates  # every road written together with its plate, or not at all
    assert len(written) > 3
    writer_store.dispose()
    store.dispose()
