"""Search as the register's names grow: names in the database (now) beside names in each worker (before), on PostgreSQL.

Run:  .venv/bin/python benchmarks/bench_search_names.py [--names 0,100000] [--scale 0.2]
           [--old /path/to/a/checkout/of/bca832f] [--pg postgresql+psycopg2://postgres@127.0.0.1:5432/postgres]

It stores the demo at ``--scale`` in a throw-away PostgreSQL database, then grows its register to
each number of extra public place names (synthetic, written in one bulk import, as a census
import would: the search keys are made in the same transaction, and the time is printed), and at
each size runs ``bench_search_scale.py``'s worker in fresh processes with this checkout and with
``--old`` (the in-memory names index; same virtualenv): load (what a worker reads when it starts),
RSS after loading, search and autocomplete p95 over the same queries, reverse points/s.

Issue 20: worker memory that does not grow with the register.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import shapely
from bench_search_scale import NEW, QUERIES, SEED, make_queries, measure
from scratch import scratch_database

POOL = "安宁和平华兴福康乐春秋东西南北金银云山水林石泉湖海星月明光新民德仁义礼智信祥瑞嘉宏景锦绣彩虹青松翠柏梅兰竹菊"
GENERICS = ("公园", "大厦", "广场", "小区", "花园", "商场", "中学", "医院", "宾馆", "市场")


def grow_names(store, count: int, seed: int) -> float:
    """Add ``count`` distinct public place names in one bulk import; seconds it took."""
    from placenames.models import PlaceName

    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(POOL) for _ in range(rng.randint(2, 4))) + rng.choice(GENERICS))
    rows = [
        {
            "name": name,
            "category_code": "25100",
            "category_label": "名胜古迹、旅游景区",
            "status": "current",
            "classification": "public",
            "admin_code": "530111001",
            "geom": shapely.Point(102.70 + rng.random() * 0.3, 24.95 + rng.random() * 0.2),
            "source": "bench-names",
        }
        for name in sorted(names)
    ]
    started = time.perf_counter()
    with store.transaction(actor="bench", reason="benchmark: grow the register's names") as session:
        store.bulk_insert(session, PlaceName, rows)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE place_names")
        conn.exec_driver_sql("ANALYZE search_keys")
        conn.commit()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", default="0,100000", help="extra place names, growing")
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--old", default="/work/wt-old", help="checkout of the in-memory names index (commit bca832f)")
    parser.add_argument("--pg", default="postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    from cli.data_commands import registry
    from data.loader import load_demo
    from gis.storage import Store, migrate

    rows = []
    with scratch_database(args.pg) as url, tempfile.TemporaryDirectory() as tmp:
        store = Store(url)
        migrate.upgrade(store)
        load_demo(store, registry(), seed=SEED, scale=args.scale)
        queries_path = str(Path(tmp) / "queries.json")
        Path(queries_path).write_text(json.dumps(make_queries(store, QUERIES, SEED), ensure_ascii=False))
        have = 0
        for k, extra in enumerate(int(n) for n in args.names.split(",")):
            if extra > have:
                seconds = grow_names(store, extra - have, SEED + k)
                print(f"+{extra - have:,} names (with their search keys) written in {seconds:.0f} s", flush=True)
                have = extra
            for label, code in (("db (now)", NEW), ("memory (before)", Path(args.old))):
                figures = measure(code, url, queries_path, timeout=3600)
                rows.append((extra, label, figures))
                print(f"+{extra:,} names {label}: {json.dumps(figures)}", flush=True)
        store.dispose()
    print()
    print(f"{'extra names':>11} {'index':16} {'load s':>7} {'RSS MB':>7} {'search p95':>10} {'auto p95':>9} {'reverse pt/s':>12}")
    for extra, label, f in rows:
        print(
            f"{extra:11,} {label:16} {f['load_s']:7.2f} {f['rss_mb']:7.0f} {f['search_p95_ms']:10.1f} {f['auto_p95_ms']:9.1f} "
            f"{f['reverse_pps']:12,.0f}"
        )


if __name__ == "__main__":
    main()
