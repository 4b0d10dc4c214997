"""Search at scale: door plates in the database (today) beside the in-memory index (before), on PostgreSQL.

Run:  .venv/bin/python benchmarks/bench_search_scale.py [--scales 1,5,20,100] [--old-max-scale 5]
           [--old /work/wt-old] [--pg postgresql+psycopg2://postgres@127.0.0.1:5432/postgres]

It stores the demo once (scale 1, every demo step) in a throw-away PostgreSQL database, then
grows its address stock to each scale in turn (``data.demo_dense``: scale N holds N times the
scale-1 door plates) and, at each size, runs every measurement in fresh worker processes, once
with this checkout's code and once with the previous in-memory index (a checkout of commit
24de1da at ``--old``, same virtualenv; only up to ``--old-max-scale``, "—" beyond):

  load      seconds for a worker to read what it holds (``gazetteer.build``: the units only
            today, names and units at commit bca832f, names, units and every plate before);
  RSS       resident memory of that worker after loading (VmRSS, MB);
  search    p95 over the same queries for both (an address with and without the district's
            prefix, with 附 for an infill suffix, a road, a community);
  auto      autocomplete p95 over the first half of each query;
  reverse   points/s of a 20,000-point batch spread over the urban west (median of 3);
  fresh     seconds from the commit of a new door plate, then of a road rename, until another
            worker (a ``GazetteerCache``, as the server holds; 60 s max age before) finds it.

Targets (issue 20): search p95 < 30 ms, autocomplete p95 < 15 ms, reverse >= 20,000 points/s,
worker RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEW = HERE.parent
SEED = 530111
QUERIES = 300
REVERSE_POINTS = 20_000
BOX = (102.70, 24.95, 102.90, 25.10)  # the urban west of the demo district, as bench_search
FRESH_TIMEOUT_S = 240.0


# --- the worker (runs with either checkout on PYTHONPATH) -------------------------------------------


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker_measure(url: str, queries_path: str) -> None:
    import gc

    import numpy as np

    from gis.storage import Store
    from placenames.search import engine
    from placenames.search.gazetteer import build
    from placenames.search.reverse import reverse

    store = Store(url)
    # As a served worker does once it has started (cli.serve_command.freeze_start_up_heap), written
    # out here: this worker also runs an older checkout's code, which may not have that function.
    gc.collect()
    gc.freeze()
    started = time.perf_counter()
    g = build(store)
    load = time.perf_counter() - started
    gc.collect()
    rss = rss_mb()
    queries = json.loads(Path(queries_path).read_text())
    engine.search(g, queries[0], limit=5)  # warm-up
    search, found = [], 0
    for q in queries:
        t = time.perf_counter()
        found += bool(engine.search(g, q, limit=5))
        search.append(time.perf_counter() - t)
    auto = []
    for q in queries:
        t = time.perf_counter()
        engine.autocomplete(g, q[: max(1, len(q) // 2)], limit=10)
        auto.append(time.perf_counter() - t)
    lon = np.random.default_rng(1).uniform(BOX[0], BOX[2], REVERSE_POINTS)
    lat = np.random.default_rng(2).uniform(BOX[1], BOX[3], REVERSE_POINTS)
    reverse(g, lon[:100], lat[:100], radius_m=100)  # warm-up: transformers and trees are built lazily
    timings = []
    for _ in range(3):
        t = time.perf_counter()
        results = reverse(g, lon, lat, radius_m=100)
        timings.append(time.perf_counter() - t)
    print(
        json.dumps(
            {
                "load_s": load,
                "rss_mb": rss,
                "search_p95_ms": float(np.percentile(np.array(search) * 1000, 95)),
                "search_p50_ms": float(np.percentile(np.array(search) * 1000, 50)),
                "auto_p95_ms": float(np.percentile(np.array(auto) * 1000, 95)),
                "reverse_pps": REVERSE_POINTS / sorted(timings)[1],
                "reverse_found": sum(r.address is not None for r in results),
                "answered": found / len(queries),
            }
        )
    )


def worker_fresh(url: str, max_age: float) -> None:
    """Hold a GazetteerCache as a server worker does; for each ``kind query id t_commit`` read
    from stdin (sent after the commit), ask until the answer is there; print the delay."""
    from gis.storage import Store
    from placenames.search import engine
    from placenames.search.gazetteer import GazetteerCache

    store = Store(url)
    cache = GazetteerCache(max_age=max_age)
    engine.search(cache.get(store), "子君路", limit=1)
    print("ready", flush=True)
    for line in sys.stdin:
        kind, query, wanted, committed = line.split("\t")
        delay = None
        while time.time() - float(committed) < FRESH_TIMEOUT_S:
            results = engine.search(cache.get(store), query, limit=5)
            if results and (str(results[0].entry.id) == wanted if kind == "plate" else results[0].entry.name == wanted):
                delay = time.time() - float(committed)
                break
            time.sleep(0.02)
        print(json.dumps({kind: delay}), flush=True)


# --- the parent ---------------------------------------------------------------------------------------


def run_worker(code: Path, args: list[str], stdin=None) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(code))
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=env,
        cwd=str(code),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def measure(code: Path, url: str, queries_path: str, timeout: float) -> dict:
    proc = run_worker(code, ["--worker", "measure", "--url", url, "--queries-file", queries_path])
    out, _ = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed ({code}): {out[-2000:]}")
    return json.loads(out.strip().splitlines()[-1])


def freshness(code: Path, url: str, store, max_age: float, serial: int) -> dict:
    """Commit a new door plate, then a road rename, while a worker of ``code`` serves; seconds until it finds each."""
    import sqlalchemy as sa

    from gis.basemap import Road
    from placenames import register, street_renames
    from placenames.models import DoorPlate, PlaceName

    proc = run_worker(code, ["--worker", "fresh", "--url", url, "--max-age", str(max_age)])
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline().strip() == "ready"
    result = {}
    with store.transaction(actor="bench", reason="benchmark: a new door plate") as session:
        plate = session.scalars(sa.select(DoorPlate).where(DoorPlate.status == "current").order_by(DoorPlate.id).limit(1)).one()
        road = session.get(Road, plate.road_id)
        number = 90_001 + 2 * serial
        new = DoorPlate(
            road_id=road.id,
            number=number,
            suffix="",
            number_text=str(number),
            side=plate.side,
            address=plate.address.replace(f"{plate.number_text}号", f"{number}号"),
            status="current",
            geom=plate.geom,
            kind="main",
            admin_code=plate.admin_code,
            source="bench",
        )
        session.add(new)
        session.flush()
        plate_id, query = new.id, f"{road.name}{number}号"
    proc.stdin.write(f"plate\t{query}\t{plate_id}\t{time.time()}\n")
    proc.stdin.flush()
    result.update(json.loads(proc.stdout.readline()))
    with store.transaction(actor="bench", reason="benchmark: a road rename") as session:
        entries = session.scalars(
            sa.select(PlaceName).where(PlaceName.category_code == street_renames.ROAD_CATEGORY, PlaceName.status == "current")
        )
        names = set(session.scalars(sa.select(Road.name)))
        entry = next(e for e in entries if e.name in names and not e.name.startswith("新"))
        old, renamed = entry.name, f"新{entry.name}"
        street_renames.follow_rename(session, old, renamed, street_renames.ROAD_CATEGORY)
        for key, value in register.spelling(renamed, street_renames.ROAD_CATEGORY).items():
            setattr(entry, key, value)
    proc.stdin.write(f"rename\t{renamed}\t{renamed}\t{time.time()}\n")
    proc.stdin.flush()
    result.update(json.loads(proc.stdout.readline()))
    proc.stdin.close()
    proc.wait(timeout=60)
    return result


def make_queries(store, size: int, seed: int) -> list[str]:
    import sqlalchemy as sa

    from gis.basemap import AdminUnit, Road
    from placenames.models import DoorPlate

    rng = random.Random(seed)
    with store.read() as session:
        top = session.scalar(sa.select(sa.func.max(DoorPlate.id)))
        ids = sorted(rng.sample(range(1, top + 1), size * 2))
        plates = session.execute(
            sa.select(Road.name, DoorPlate.number_text, DoorPlate.address)
            .join(Road, Road.id == DoorPlate.road_id)
            .where(DoorPlate.id.in_(ids), DoorPlate.status == "current")
        ).all()
        roads = list(session.scalars(sa.select(Road.name)))
        communities = list(session.scalars(sa.select(AdminUnit.name).where(AdminUnit.level == "community", AdminUnit.valid_to.is_(None))))
    queries = []
    for road, number_text, address in plates[: int(size * 0.7)]:
        queries.append(rng.choice([f"{road}{number_text.replace('-', '附')}号", address]))
    queries += [rng.choice(roads) for _ in range(size // 5)]
    queries += [rng.choice(communities).replace("居民委员会", "") for _ in range(size - len(queries))]
    rng.shuffle(queries)
    return queries


def cell(figures: dict | None, key: str, fmt: str) -> str:
    if not figures:
        return "—"  # not run: the in-memory index beyond the sizes it can hold
    value = figures.get(key)
    return f">{FRESH_TIMEOUT_S:.0f}" if value is None else format(value, fmt)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,5,20,100")
    parser.add_argument("--old", default="/work/wt-old", help="checkout of the in-memory index (commit 24de1da)")
    parser.add_argument("--old-max-scale", type=float, default=5.0)
    parser.add_argument("--old-label", default="memory (before)", help="what the --old checkout is called in the table")
    parser.add_argument("--demo-scale", type=float, default=1.0, help="size of the district the scales multiply (1; less for a quick try)")
    parser.add_argument("--pg", default="postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--worker", choices=("measure", "fresh"))
    parser.add_argument("--url")
    parser.add_argument("--queries-file")
    parser.add_argument("--max-age", type=float, default=300.0)
    args = parser.parse_args()
    if args.worker == "measure":
        return worker_measure(args.url, args.queries_file)
    if args.worker == "fresh":
        return worker_fresh(args.url, args.max_age)

    import tempfile

    import sqlalchemy as sa
    from scratch import scratch_database

    from cli.data_commands import registry
    from data.demo_dense import add_dense_plates
    from data.loader import load_demo
    from gis.storage import Store, migrate
    from placenames.models import DoorPlate

    scales = [float(s) for s in args.scales.split(",")]
    old = Path(args.old)
    rows = []
    with scratch_database(args.pg) as url, tempfile.TemporaryDirectory() as tmp:
        store = Store(url)
        migrate.upgrade(store)
        started = time.perf_counter()
        base = load_demo(store, registry(), seed=SEED, scale=args.demo_scale)["door_plates"]
        print(
            f"demo (scale {args.demo_scale:g}, every step) stored in {time.perf_counter() - started:.0f} s: {base} plates",
            flush=True,
        )
        for k, scale in enumerate(scales):
            with store.read() as session:
                have = session.scalar(sa.select(sa.func.count()).select_from(DoorPlate))
            want = round(scale * base)
            if want > have:
                started = time.perf_counter()
                add_dense_plates(store, seed=SEED + k, count=want - have, reason=f"benchmark: grow to scale {scale}")
                print(f"scale {scale:g}: {want - have:,} plates added in {time.perf_counter() - started:.0f} s", flush=True)
            with store.read() as session:
                total = session.scalar(sa.select(sa.func.count()).select_from(DoorPlate).where(DoorPlate.status == "current"))
            queries_path = str(Path(tmp) / f"queries-{k}.json")
            Path(queries_path).write_text(json.dumps(make_queries(store, QUERIES, SEED + k), ensure_ascii=False))
            for label, code, max_age in (("db (now)", NEW, 300.0), (args.old_label, old, 60.0)):
                if code == old and scale > args.old_max_scale:
                    rows.append((scale, total, label, None, {}))
                    continue
                figures = measure(code, url, queries_path, timeout=3600)
                figures |= freshness(code, url, store, max_age, serial=2 * k + (code == old))
                rows.append((scale, total, label, figures))
                print(f"scale {scale:g} {label}: {json.dumps(figures)}", flush=True)
        store.dispose()
    print()
    print(
        f"{'scale':>5} {'plates':>10} {'index':16} {'load s':>7} {'RSS MB':>7} {'search p95':>10} {'auto p95':>9} "
        f"{'reverse pt/s':>12} {'fresh plate s':>13} {'fresh rename s':>14}"
    )
    for scale, total, label, figures, *_ in rows:
        f = figures
        print(
            f"{scale:5g} {total:10,} {label:16} {cell(f, 'load_s', '7.2f'):>7} {cell(f, 'rss_mb', '7.0f'):>7} "
            f"{cell(f, 'search_p95_ms', '10.1f'):>10} {cell(f, 'auto_p95_ms', '9.1f'):>9} {cell(f, 'reverse_pps', '12,.0f'):>12} "
            f"{cell(f, 'plate', '13.2f'):>13} {cell(f, 'rename', '14.2f'):>14}"
        )


if __name__ == "__main__":
    main()
