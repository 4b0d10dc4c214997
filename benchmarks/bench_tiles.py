"""Street-map tile times on a demo database: PostgreSQL (ST_AsMVT) beside SQLite (mapbox-vector-tile).

Run:  .venv/bin/python benchmarks/bench_tiles.py --db var/diming.gpkg [--db postgresql://postgres@127.0.0.1:5432/diming]

For each database and each zoom it makes the tiles of a 5 x 4 view (about a 1280 x 1024 screen)
around the profile's start view, once without the cache (median and slowest tile, mean size)
and once from the cache, in-process and on one thread.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

from api.tiles import STREET_MAP
from gis import profile as district_profile
from gis.storage import Store
from gis.tiles import VectorTiles

ZOOMS = (11, 13, 14, 15, 16)


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    return int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n), int((lon + 180) / 360 * n)


def run(url: str, centre: tuple[float, float]) -> None:
    store = Store(url)
    tiles = VectorTiles(store, STREET_MAP)
    print(f"{store.dialect}: {url}")
    print("  zoom  tiles  median ms  max ms  mean KB  cached ms")
    for zoom in ZOOMS:
        row0, col0 = tile_of(*centre, zoom)
        view = [(row0 + dr, col0 + dc) for dr in range(-2, 2) for dc in range(-2, 3)]
        tiles.clear()
        times, sizes = [], []
        for row, col in view:
            start = time.perf_counter()
            made = tiles.tile(zoom, row, col)
            times.append((time.perf_counter() - start) * 1000)
            sizes.append(len(made.content))
        start = time.perf_counter()
        for row, col in view:
            tiles.tile(zoom, row, col)
        cached = (time.perf_counter() - start) * 1000 / len(view)
        print(
            f"  {zoom:4d}  {len(view):5d}  {statistics.median(times):9.1f}  {max(times):6.1f}"
            f"  {statistics.mean(sizes) / 1024:7.1f}  {cached:9.2f}"
        )
    store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="database URL or GeoPackage path (repeat for each)")
    args = parser.parse_args()
    profile = district_profile.load()
    for url in args.db:
        run(url, profile.start_view.center)


if __name__ == "__main__":
    main()
