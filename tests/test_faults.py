"""PostgreSQL going away under a running service: 503 during the outage, recovery after.

Uses a private PostgreSQL cluster (initdb in a temporary folder, its own port) so
stopping it cannot disturb other tests.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile

import pytest

from gis.settings import Settings
from gis.storage import Store, migrate
from ogc_seed import seed


def _bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateCluster:
    def __init__(self, bindir: str):
        self.bindir = bindir
        self.root = tempfile.mkdtemp(prefix="diming-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        subprocess.run(_as_postgres(f"{bindir}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust"), check=True, capture_output=True)

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres(f"{self.bindir}/pg_ctl", "-D", self.data, "-l", os.path.join(self.root, "log"), "-w", *args),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self.pg_ctl("-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def cluster():
    bindir = _bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL binaries are mandatory under CI")
        pytest.skip("no PostgreSQL binaries")
    cluster = PrivateCluster(bindir)
    cluster.start()
    yield cluster
    try:
        cluster.stop()
    except subprocess.CalledProcessError:
        pass
    shutil.rmtree(cluster.root, ignore_errors=True)


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
