"""OGC API items throughput: diming's provider beside stock pygeoapi's PostgreSQL provider.

Run:  .venv/bin/python benchmarks/bench_ogc.py [--scale 0.5] [--requests 300]
           [--pg postgresql+psycopg2://postgres@127.0.0.1:5432/postgres]

Both serve the same PostGIS door-plate table in one process through Flask's test
client (no network): ours as the `addresses` collection (joined to roads for the
road name), stock pygeoapi (`name: PostgreSQL`) through a view of the same table
with SRID 4326, because its bbox filter is axis-swapped for an EPSG:4490 storage CRS
(pygeoapi notes §3); the stock lines are skipped when geoalchemy2, which that
provider imports, is not installed. Each request asks for 100 features in a random 1 km box; the
script prints requests/s for each and checks that both return the same plates.

Deep paging: the page of 100 addresses at ``offset=30000`` (default order), served by
our provider, by the one-step ``OFFSET`` query it used before (kept here as
``OneStepProvider``), and by stock pygeoapi (which also counts every row per page);
mean milliseconds per request and whether the three pages hold the same plates.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import random
import tempfile
import time
import uuid

import sqlalchemy as sa
from flask import Flask

from api.ogc import mount
from cli.data_commands import registry
from data.loader import load_demo
from gis.ogc import config as ogc_config
from gis.ogc import geojson
from gis.ogc.provider import StoreProvider
from gis.settings import Settings
from gis.storage import Store, migrate
from server import create_app

DEEP_OFFSET = 30_000
STOCK_AVAILABLE = importlib.util.find_spec("geoalchemy2") is not None  # pygeoapi's PostgreSQL provider needs it


class OneStepProvider(StoreProvider):
    """The provider as it paged before: one ``OFFSET n`` select of full rows, then the
    count bounded by ``count_cap`` for numberMatched. Kept only to compare against."""

    def query(
        self,
        offset=0,
        limit=10,
        resulttype="results",
        bbox=None,
        properties=None,
        sortby=None,
        select_properties=None,
        skip_geometry=False,
        q=None,
        filterq=None,
        crs_transform_spec=None,
        **kwargs,
    ):
        conditions = self._conditions(bbox or [], properties or [], q, filterq)
        names = list(self.properties)
        statement = (
            self.source.select(names, with_geometry=not skip_geometry)
            .where(*conditions)
            .order_by(*self._order(sortby or []))
            .offset(offset)
            .limit(limit + 1)
        )
        with self.store.read(public=True) as session:
            rows = session.execute(statement).mappings().all()
            more = len(rows) > limit
            rows = rows[:limit]
            matched = None
            if not more and (rows or offset == 0):
                matched = offset + len(rows)
            elif self.count:
                total = session.scalar(self._count(conditions, self.count_cap))
                matched = total if total <= self.count_cap else None
        result = {
            "type": "FeatureCollection",
            "numberReturned": len(rows),
            "features": [geojson.feature(row, names, geojson.output_transform(crs_transform_spec)) for row in rows],
        }
        if matched is not None:
            result["numberMatched"] = matched
        return result


VIEW = "CREATE VIEW bench_plates AS SELECT id, address, number_text, ST_SetSRID(geom, 4326)::geometry(Point, 4326) AS geom FROM door_plates"


def stock_app(url: str, work_dir: str, ours: dict) -> Flask:
    parsed = sa.engine.make_url(url)
    config = copy.deepcopy(ours)
    config["server"].pop("templates", None)
    config["resources"] = {
        "plates": {
            "type": "collection",
            "title": "plates",
            "description": "stock provider",
            "keywords": [],
            "links": [],
            "extents": {"spatial": {"bbox": [102.6, 24.85, 103.1, 25.2], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
            "providers": [
                {
                    "type": "feature",
                    "name": "PostgreSQL",
                    "id_field": "id",
                    "table": "bench_plates",
                    "geom_field": "geom",
                    "data": {
                        "host": parsed.host,
                        "port": parsed.port or 5432,
                        "dbname": parsed.database,
                        "user": parsed.username,
                        "password": parsed.password or "",
                    },
                }
            ],
        }
    }
    config_path, openapi_path, openapi = ogc_config.write_files(config, work_dir)
    app = Flask("stock")
    mount.mount(app, config, openapi, config_path, openapi_path, url_prefix="/ogc")
    return app


def one_step_app(work_dir: str, ours: dict) -> Flask:
    """Our configuration with the addresses collection served by ``OneStepProvider``."""
    config = copy.deepcopy(ours)
    config["resources"]["addresses"]["providers"][0]["name"] = f"{__name__}.OneStepProvider"
    config_path, openapi_path, openapi = ogc_config.write_files(config, work_dir)
    app = Flask("one_step")
    mount.mount(app, config, openapi, config_path, openapi_path, url_prefix="/ogc")
    return app


def deep_page(client, path: str, repeats: int) -> tuple[float, list]:
    """Mean ms of the page of 100 at DEEP_OFFSET, and its feature ids."""
    params = {"offset": DEEP_OFFSET, "limit": 100, "f": "json"}
    client.get(path, query_string=params)  # warm-up
    started = time.perf_counter()
    for _ in range(repeats):
        response = client.get(path, query_string=params)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    elapsed = (time.perf_counter() - started) / repeats * 1000
    return elapsed, [f["id"] for f in response.get_json()["features"]]


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
            our_config = ours.extensions[mount.EXTENSION_KEY].config
            stock = stock_app(url, tmp + "/stock", our_config) if STOCK_AVAILABLE else None
            before = one_step_app(tmp + "/before", our_config)
            rng = random.Random(3)
            boxes = []
            for _ in range(args.requests):
                x, y = rng.uniform(102.70, 102.88), rng.uniform(24.95, 25.08)
                boxes.append(f"{x:.5f},{y:.5f},{x + 0.01:.5f},{y + 0.009:.5f}")
            ours_rate, ours_ids = throughput(ours.test_client(), "/ogc/collections/addresses/items", boxes)
            mean = sum(len(i) for i in ours_ids) / len(ours_ids)
            print(f"{plates} door plates in PostGIS; {args.requests} bbox requests of limit=100 (mean {mean:.0f} features)")
            print(f"  diming StoreProvider (addresses)   {ours_rate:8.1f} requests/s")
            if stock is None:
                print("  stock pygeoapi PostgreSQL provider: skipped (needs geoalchemy2, not installed)")
            else:
                stock_rate, stock_ids = throughput(stock.test_client(), "/ogc/collections/plates/items", boxes)
                same = sum(a == b for a, b in zip(ours_ids, stock_ids, strict=False))
                print(f"  stock pygeoapi PostgreSQL provider {stock_rate:8.1f} requests/s")
                print(f"  identical feature sets: {same}/{len(boxes)}")
            repeats = max(5, args.requests // 10)
            deep = {
                "diming StoreProvider (ids, then rows)": deep_page(ours.test_client(), "/ogc/collections/addresses/items", repeats),
                "diming before (one-step OFFSET)      ": deep_page(before.test_client(), "/ogc/collections/addresses/items", repeats),
            }
            if stock is not None:
                deep["stock pygeoapi PostgreSQL provider   "] = deep_page(stock.test_client(), "/ogc/collections/plates/items", repeats)
        print(f"deep page: offset={DEEP_OFFSET} limit=100 on addresses, mean of {repeats} requests")
        for label, (ms, _) in deep.items():
            print(f"  {label} {ms:8.1f} ms/request")
        pages = [page for _, page in deep.values()]
        print(f"  the same 100 plates from each: {all(page == pages[0] for page in pages) and len(pages[0]) == 100}")
        store.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


if __name__ == "__main__":
    main()
