"""Demo build and spatial-query timings on both backends, beside GDAL as the peer.

Run:  .venv/bin/python benchmarks/bench_storage.py [--scale 1.0] [--queries 300]
           [--pg postgresql+psycopg2://postgres@127.0.0.1:5432/postgres]

It prints, in one run:
  1. the time to generate the demo dataset and to store it in a GeoPackage and in
     PostGIS (the issue's goal: the whole `diming demo` under 3 minutes on 2 cores);
  2. the median time of random 500 m window queries on the buildings layer through
     diming's store (R*Tree on SQLite, GiST on PostGIS) and through GDAL/pyogrio
     reading the same GeoPackage with a bbox (the peer), with equal result counts.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pyogrio
import shapely
import sqlalchemy as sa
from scratch import scratch_database

from cli.data_commands import registry
from data.loader import load_demo
from gis.basemap import Building
from gis.crs import reproject
from gis.storage import Store, bbox_match, migrate


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def windows(count: int, seed: int = 1) -> list[tuple[float, float, float, float]]:
    """Random 500 m x 500 m windows over the urban west of the district (lon/lat)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        x = rng.uniform(102.68, 102.80)
        y = rng.uniform(24.95, 25.08)
        corner = reproject(shapely.Point(x, y), "EPSG:4490", "EPSG:4543")
        far = reproject(shapely.Point(corner.x + 500, corner.y + 500), "EPSG:4543", "EPSG:4490")
        out.append((x, y, far.x, far.y))
    return out


def query_store(store: Store, boxes) -> tuple[float, list[int]]:
    times, counts = [], []
    with store.read() as session:
        for box in boxes:
            start = time.perf_counter()
            n = session.scalar(sa.select(sa.func.count()).select_from(Building).where(bbox_match(Building.geom, *box)))
            times.append(time.perf_counter() - start)
            counts.append(n)
    return statistics.median(times) * 1000, counts


def query_gdal(path: str, boxes) -> tuple[float, list[int]]:
    times, counts = [], []
    for box in boxes:
        start = time.perf_counter()
        frame = pyogrio.read_dataframe(path, layer="buildings", bbox=box, columns=["code"])
        # GDAL's bbox is an envelope test; keep only true intersections like the store does
        n = int(frame.intersects(shapely.box(*box)).sum())
        times.append(time.perf_counter() - start)
        counts.append(n)
    return statistics.median(times) * 1000, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--pg", default="postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    from data.demo import build_demo

    frames, t_build = timed(build_demo, seed=530111, scale=args.scale)
    print(
        f"demo generation (scale {args.scale}): {t_build:6.1f} s  "
        f"({len(frames['buildings'])} buildings, {len(frames['blocks'])} blocks, {len(frames['roads'])} roads)"
    )

    workdir = Path(tempfile.mkdtemp(prefix="diming-bench-"))
    gpkg = str(workdir / "bench.gpkg")
    sqlite_store = Store(gpkg)
    migrate.upgrade(sqlite_store)
    _, t_sqlite = timed(load_demo, sqlite_store, registry(), frames=frames)
    sqlite_store.checkpoint()

    with scratch_database(args.pg) as url:
        pg_store = Store(url)
        try:
            migrate.upgrade(pg_store)
            _, t_pg = timed(load_demo, pg_store, registry(), frames=frames)
            with pg_store.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            print(f"store into GeoPackage (SQLite):      {t_sqlite:6.1f} s   total with generation {t_build + t_sqlite:6.1f} s")
            print(f"store into PostGIS:                  {t_pg:6.1f} s   total with generation {t_build + t_pg:6.1f} s")

            boxes = windows(args.queries)
            ms_sqlite, c_sqlite = query_store(sqlite_store, boxes)
            ms_pg, c_pg = query_store(pg_store, boxes)
            ms_gdal, c_gdal = query_gdal(gpkg, boxes)
            print(f"\n{args.queries} random 500 m windows on buildings (median per query, mean hits {statistics.mean(c_sqlite):.0f}):")
            print(f"  diming store, GeoPackage R*Tree + shapely : {ms_sqlite:7.2f} ms")
            print(f"  diming store, PostGIS GiST                : {ms_pg:7.2f} ms")
            print(f"  peer: GDAL/pyogrio bbox read of the .gpkg  : {ms_gdal:7.2f} ms")
            print(f"  same hits on all three: {c_sqlite == c_pg == c_gdal}")
        finally:
            pg_store.dispose()


if __name__ == "__main__":
    main()
