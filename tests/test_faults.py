"""PostgreSQL going away under a running service: 503 during the outage, recovery after.

Uses a private PostgreSQL cluster (initdb in a temporary folder, its own port) so
stopping it cannot disturb other tests.
"""

from __future__ import annotations

import pytest

from gis.settings import Settings
from gis.storage import Store, migrate
from ogc_seed import seed
from pgcluster import PrivateCluster, require_bindir


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
