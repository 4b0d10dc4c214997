"""Door numbering of the whole demo district on both backends.

Run:  .venv/bin/python benchmarks/bench_numbering.py [--scale 1.0]
           [--pg postgresql+psycopg2://postgres@127.0.0.1:5432/postgres]

Loads the demo WITHOUT its door plates into a GeoPackage and into PostGIS, then
times one committed ``numbers assign --all`` (every building fronting a named
road gets its number, corner buildings their secondary addresses, every plate
its audit row). The issue's goal: under 30 s on each backend. Prints buildings
per second (buildings in the district / seconds) and plates written.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from scratch import scratch_database

from cli.data_commands import registry
from data.loader import load_demo
from gis.storage import Store, migrate
from placenames.numbering import service


def number_district(store: Store, buildings: int, label: str) -> None:
    start = time.perf_counter()
    plan = service.commit(store, None, actor="bench", reason="benchmark: number the district")
    seconds = time.perf_counter() - start
    summary = plan.summary()
    print(
        f"{label:<22} {seconds:6.1f} s  {buildings / seconds:8.0f} buildings/s  "
        f"{summary['numbers']} plates on {summary['roads']} roads ({summary['suffixed']} suffixed, {summary['secondary']} secondary)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--pg", default="postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    from data.demo import build_demo

    frames = dict(build_demo(seed=530111, scale=args.scale))
    frames["door_plates"] = frames["door_plates"].iloc[0:0]
    buildings = len(frames["buildings"])
    print(f"demo scale {args.scale}: {buildings} buildings, {len(frames['roads'])} roads")

    workdir = Path(tempfile.mkdtemp(prefix="diming-bench-"))
    sqlite_store = Store(str(workdir / "numbering.gpkg"))
    migrate.upgrade(sqlite_store)
    load_demo(sqlite_store, registry(), frames=frames)
    number_district(sqlite_store, buildings, "GeoPackage (SQLite):")
    sqlite_store.dispose()

    with scratch_database(args.pg) as url:
        pg_store = Store(url)
        try:
            migrate.upgrade(pg_store)
            load_demo(pg_store, registry(), frames=frames)
            with pg_store.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            number_district(pg_store, buildings, "PostGIS:")
        finally:
            pg_store.dispose()


if __name__ == "__main__":
    main()
