"""OGC API items throughput: diming's provider beside stock pygeoapi's PostgreSQL provider.

Run:  .venv/bin/python benchmarks/bench_ogc.py [--scale 0.5] [--requests 300]
           [--pg postgresql+psycopg2://postgres@127.0.0.1:5432/postgres]

Both serve the same PostGIS door-plate table in one process through Flask's test
client (no network): ours as the `addresses` collection (joined to roads for the
road name), stock pygeoapi (`name: PostgreSQL`) through a view of the same table
with SRID 4326, because its bbox filter is axis-swapped for an EPSG:4490 storage CRS
(pygeoapi notes §3). Each request asks for 100 features in a random 1 km box; the
script prints requests/s for each and checks that both return the same plates.
"""

from __future__ import annotations

import argparse
import copy
import random
import tempfile
import time
import uuid

import sqlalchemy as sa
from flask import Flask

from cli.data_commands import registry
from data.loader import load_demo
from gis.ogc import config as ogc_config
from gis.ogc import mount
from gis.settings import Settings
from gis.storage import Store, migrate
from server import create_app

VIEW = "CREATE VIEW bench_plates AS SELECT id, address, number_text, ST_SetSRID(geom, 4326)::geometry(Point, 4326) AS geom FROM door_plates"


def stock_app(url: str, work_dir: str, ours: dict) -> Flask:
    parsed = sa.engine.make_url(url)
    config = copy.deepcopy(ours)
    config["server"].pop("templates", None)
    config["resources"] = {"plates": {
        "type": "collection", "title": "plates", "description": "stock provider", "keywords": [], "links": [],
        "extents": {"spatial": {"bbox": [102.6, 24.85, 103.1, 25.2], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
        "providers": [{"type": "feature", "name": "PostgreSQL", "id_field": "id", "table": "bench_plates", "geom_field": "geom",
                       "data": {"host": parsed.host, "port": parsed.port or 5432, "dbname": parsed.database,
                                "user": parsed.username, "password": parsed.password or ""}}],
    }}
    config_path, openapi_path, openapi = ogc_config.write_files(config, work_dir)
    app = Flask("stock")
    mount.mount(app, config, openapi, config_path, openapi_path, url_prefix="/ogc")
    return app


def throughput(client, path: str, boxes: list[str]) -> tuple[float, list[set]]:
    client.get(path, query_string={"bbox": boxes[0], "limit": 100, "f": "json"})  # warm-up
    ids = []
    started = time.perf_counter()
    for box in boxes:
        response = client.get(path, query_string={"bbox": box, "limit": 100, "f": "json"})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        ids.append({f["id"] for f in response.get_json()["features"]})
    return len(boxes) / (time.perf_counter() - started), ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--pg", default="postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    admin = sa.create_engine(args.pg, isolation_level="AUTOCOMMIT")
    name = f"diming_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = sa.engine.make_url(args.pg).set(database=name).render_as_string(hide_password=False)
    try:
        store = Store(url)
        migrate.upgrade(store)
        load_demo(store, registry(), scale=args.scale)
        with store.engine.begin() as conn:
            conn.exec_driver_sql(VIEW)
            plates = conn.exec_driver_sql("SELECT count(*) FROM door_plates").scalar()
        with tempfile.TemporaryDirectory() as tmp:
            ours = create_app(Settings(database_url=url, work_dir=tmp + "/ours", max_bbox_km2=100_000))
            stock = stock_app(url, tmp + "/stock", ours.extensions[mount.EXTENSION_KEY].config)
            rng = random.Random(3)
            boxes = []
            for _ in range(args.requests):
                x, y = rng.uniform(102.70, 102.88), rng.uniform(24.95, 25.08)
                boxes.append(f"{x:.5f},{y:.5f},{x + 0.01:.5f},{y + 0.009:.5f}")
            ours_rate, ours_ids = throughput(ours.test_client(), "/ogc/collections/addresses/items", boxes)
            stock_rate, stock_ids = throughput(stock.test_client(), "/ogc/collections/plates/items", boxes)
        same = sum(a == b for a, b in zip(ours_ids, stock_ids))
        mean = sum(len(i) for i in ours_ids) / len(ours_ids)
        print(f"{plates} door plates in PostGIS; {args.requests} bbox requests of limit=100 (mean {mean:.0f} features)")
        print(f"  diming StoreProvider (addresses)   {ours_rate:8.1f} requests/s")
        print(f"  stock pygeoapi PostgreSQL provider {stock_rate:8.1f} requests/s")
        print(f"  identical feature sets: {same}/{len(boxes)}")
        store.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


if __name__ == "__main__":
    main()
