"""An import process killed with SIGKILL in the middle of writing leaves nothing
behind and the database intact, on both backends."""

from __future__ import annotations

import signal
import subprocess
import sys

import geopandas as gpd
import shapely
import sqlalchemy as sa

from gis.basemap import Road
from gis.storage.audit import AuditEntry

# Runs the real CLI, but the process kills itself (SIGKILL: no cleanup, no rollback
# by Python) right after the second batch has been written into the open transaction.
KILLER = """
import os, signal
from gis import transfer
from gis.storage import store as store_module
transfer.BATCH = 100
original = store_module.Store.bulk_insert
calls = []
def bulk_insert(self, *args, **kwargs):
    result = original(self, *args, **kwargs)
    calls.append(1)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return result
store_module.Store.bulk_insert = bulk_insert
from cli import main
main()
"""


def test_sigkill_during_import_leaves_nothing(store, tmp_path):
    lines = [shapely.LineString([(102.7 + i * 1e-4, 25.0), (102.7 + i * 1e-4, 25.01)]) for i in range(500)]
    path = tmp_path / "roads.geojson"
    gpd.GeoDataFrame({"name": [f"测试{i}路" for i in range(500)], "road_class": "local"}, geometry=lines, crs="EPSG:4490").to_file(path)

    process = subprocess.run(
        [sys.executable, "-c", KILLER, "--db", store.url, "import", "roads", str(path)], capture_output=True, timeout=120
    )
    assert process.returncode == -signal.SIGKILL, process.stderr.decode(errors="replace")[-2000:]

    store.dispose()
    with store.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Road)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
    if store.dialect == "sqlite":
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # and the same import then goes through completely
    done = subprocess.run(
        [sys.executable, "-c", "from cli import main; main()", "--db", store.url, "import", "roads", str(path)],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    with store.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Road)) == 500
