"""Geocoder quality and speed on the demo district, both backends, beside a naive baseline.

Run:  .venv/bin/python benchmarks/bench_search.py [--scale 0.2] [--queries 3000]
           [--pg postgresql+psycopg2://postgres@127.0.0.1:5432/postgres]

It stores the demo once per backend, then prints:
  1. the time to read what a worker holds (the units; names and plates stay in the database);
  2. top-1 accuracy of /search over an evaluation set generated from the register,
     overall and per variation class (exact, with admin prefix, Chinese numerals,
     full-width digits, traditional characters, one-character typo, 附号 forms,
     sub-building parts, pinyin, initials, community names, and a road's former name
     with and without a door number, after 2 % of the roads are renamed the way an
     announced rename does it);
  3. latency p50/p95 of search and autocomplete (in-process, one thread) beside the
     naive baseline: one SQL ``LIKE '%q%'`` over the stored addresses and names;
  4. reverse geocoding throughput of a 20,000-point batch.
Targets (issue 5): search p95 < 30 ms, autocomplete p95 < 15 ms, reverse >= 20,000 points/s,
top-1 >= 95 % overall and per class.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import opencc
import sqlalchemy as sa
from pypinyin import lazy_pinyin
from scratch import scratch_database

from cli.data_commands import registry
from data.loader import load_demo
from gis.basemap import Road
from gis.storage import Store, migrate
from placenames import register, street_renames
from placenames.models import DoorPlate, PlaceName
from placenames.registry_models import NameAlias
from placenames.search import engine
from placenames.search.gazetteer import build
from placenames.search.reverse import reverse

TO_TRADITIONAL = opencc.OpenCC("s2t")
CN_DIGITS = "零一二三四五六七八九"
# Common characters a pinyin input method offers for the same syllable.
HOMOPHONE_POOL = (
    "君军均钧俊骏 华花化桦 兴星新心欣鑫 福富复服 安鞍岸 康糠 德得 和河合禾荷 平萍评 春纯 明名鸣铭 "
    "丰风峰枫锋 文温闻 泽则 裕玉宇雨 清青庆轻晴 桃涛陶 锦金今津 庭亭婷停 彩采菜 村存 家佳嘉 "
    "西溪希 东冬 南楠 北 园元源圆 山珊 林临 泉全 路鹿露 街阶 巷象向 景井静境 瑞锐 祥翔 宏红鸿洪"
)


def chinese(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    return "".join(CN_DIGITS[int(d)] for d in str(n))


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def rename_some_roads(store: Store, rng: random.Random, share: float = 0.02) -> dict[str, str]:
    """Rename a share of the registered roads as an announced rename does (road, its
    plates' addresses, the register entry and a former-name row); new name -> old name."""
    renamed = {}
    with store.transaction(actor="bench", reason="benchmark renames") as session:
        names = set(session.scalars(sa.select(Road.name)))
        entries = {
            e.name: e
            for e in session.scalars(
                sa.select(PlaceName).where(PlaceName.category_code == street_renames.ROAD_CATEGORY, PlaceName.status == "current")
            )
        }
        candidates = sorted(name for name in names if name in entries)
        for old in rng.sample(candidates, max(1, int(len(candidates) * share))):
            new = "新" + old
            if new in names or new in entries:
                continue
            entry = entries[old]
            street_renames.follow_rename(session, old, new, street_renames.ROAD_CATEGORY)
            session.add(NameAlias(place_name_id=entry.id, alias=old, kind="former", valid_to=dt.date.today()))
            for key, value in register.spelling(new, street_renames.ROAD_CATEGORY).items():
                setattr(entry, key, value)
            renamed[new] = old
    return renamed


def former_name_cases(g, rng: random.Random, renamed: dict[str, str], size: int) -> list[tuple[str, str, object]]:
    """A renamed road asked for by its old name, alone and with one of its door numbers."""
    cases = []
    for new in rng.sample(sorted(renamed), min(size, len(renamed))):
        road = g.roads.get(new)
        if road is None:
            continue
        cases.append(("former_name", renamed[new], road))
        plates = list(g.plates.get(new, {}).values())
        if plates:
            plate = rng.choice(plates)
            cases.append(("former_name_number", f"{renamed[new]}{plate.number_text.replace('-', '附')}号", plate))
    return cases


def evaluation_set(g, rng: random.Random, size: int) -> list[tuple[str, str, object]]:
    """(class, query, expected entry) generated from the register."""
    every_plate = g.plate_index.every_current()
    plates = [p for p in every_plate if "-" not in p.number_text]
    suffixed = [p for p in every_plate if "-" in p.number_text]
    roads = [e for e in g.every_road() if len(e.name) >= 3]
    communities = [e for e in g.unit_entries if e.kind == "community"]
    homophones = defaultdict(list)
    for ch in HOMOPHONE_POOL:
        homophones[lazy_pinyin(ch)[0]].append(ch)
    cases = []
    per_class = max(1, size // 11)
    for p in rng.sample(plates, min(per_class, len(plates))):
        road, n = p.street, p.number
        cases += [
            ("exact", f"{road}{n}号", p),
            ("admin_prefix", f"云南省昆明市{p.label}", p),
            ("chinese_numeral", f"{road}{chinese(n)}号", p),
            ("full_width", full_width(f"{road}{n}号"), p),
            ("sub_building", f"{road}{n}号{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元{rng.randint(101, 2402)}室", p),
        ]
        trad = TO_TRADITIONAL.convert(f"官渡区{road}{n}号")
        cases.append(("traditional", trad, p))
        i = rng.randrange(len(road) - 1)
        same_sound = [c for c in homophones.get(lazy_pinyin(road[i])[0], ()) if c != road[i]]
        if same_sound:  # the usual slip of a pinyin input method: a character that sounds the same
            typo = road[:i] + rng.choice(same_sound) + road[i + 1 :]
            if typo not in g.roads:
                cases.append(("typo", f"{typo}{n}号", p))
    for p in rng.sample(suffixed, min(per_class, len(suffixed))):
        number, _, suffix = p.number_text.partition("-")
        form = rng.choice([f"{number}号附{suffix}号", f"{number}-{suffix}号", f"{number}之{suffix}"])
        cases.append(("suffix", p.street + form, p))
    for r in rng.sample(roads, min(per_class, len(roads))):
        from placenames.search.pinyin import keys

        full, initials = keys(r.name)
        if len(g.pinyin_full.get(sorted(full)[0], [])) == 1:  # without tones, 清桃街 and 庆桃街 are one query
            cases.append(("pinyin", sorted(full)[0], r))
        if len(g.pinyin_initials.get(sorted(initials)[0], [])) == 1:  # initials are only meaningful when unique
            cases.append(("initials", sorted(initials)[0], r))
    for c in rng.sample(communities, min(per_class, len(communities))):
        cases.append(("community", c.name.replace("居民委员会", ""), c))
    return cases


def search_keys(store: Store) -> int:
    from placenames.search.key_table import SearchKey

    with store.read() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(SearchKey)) or 0


def percentile(values, q):
    return float(np.percentile(np.asarray(values) * 1000, q))


def run(store: Store, label: str, scale: float, size: int) -> None:
    started = time.perf_counter()
    load_demo(store, registry(), scale=scale)
    print(f"[{label}] demo stored in {time.perf_counter() - started:.1f} s")
    renamed = rename_some_roads(store, random.Random(7))
    started = time.perf_counter()
    g = build(store)
    print(
        f"[{label}] gazetteer (units in memory) built in {time.perf_counter() - started:.2f} s: {len(g.unit_entries)} units; "
        f"in the database {len(g.plate_index.every_current())} plates, {len(g.every_road())} roads, "
        f"{search_keys(store)} search keys ({len(renamed)} roads renamed)"
    )
    rng = random.Random(5)
    cases = evaluation_set(g, rng, size) + former_name_cases(g, rng, renamed, max(1, size // 11))
    hits, totals, latencies = defaultdict(int), defaultdict(int), []
    for kind, query, expected in cases:
        t = time.perf_counter()
        results = engine.search(g, query, limit=5)
        latencies.append(time.perf_counter() - t)
        totals[kind] += 1
        hits[kind] += bool(results) and (results[0].entry.kind, results[0].entry.id) == (expected.kind, expected.id)
    overall = sum(hits.values()) / sum(totals.values())
    print(f"[{label}] top-1 accuracy {overall:.1%} over {sum(totals.values())} queries")
    for kind in sorted(totals):
        print(f"    {kind:18s} {hits[kind] / totals[kind]:6.1%}  ({totals[kind]})")
    prefixes = [q[: max(1, len(q) // 2)] for _, q, _ in cases]
    auto = []
    for prefix in prefixes:
        t = time.perf_counter()
        engine.autocomplete(g, prefix, limit=10)
        auto.append(time.perf_counter() - t)
    naive = []
    with store.read() as session:
        for _, query, _ in cases[:500]:
            t = time.perf_counter()
            session.execute(sa.select(DoorPlate.id).where(DoorPlate.address.like(f"%{query}%")).limit(10)).all()
            session.execute(sa.select(PlaceName.id).where(PlaceName.name.like(f"%{query}%")).limit(10)).all()
            naive.append(time.perf_counter() - t)
    print(f"[{label}] search        p50 {percentile(latencies, 50):7.3f} ms  p95 {percentile(latencies, 95):7.3f} ms  (target p95 < 30)")
    print(f"[{label}] autocomplete  p50 {percentile(auto, 50):7.3f} ms  p95 {percentile(auto, 95):7.3f} ms  (target p95 < 15)")
    print(
        f"[{label}] naive SQL LIKE p50 {percentile(naive, 50):7.3f} ms  p95 {percentile(naive, 95):7.3f} ms  (baseline; finds no variants)"
    )
    minx, miny, maxx, maxy = 102.70, 24.95, 102.90, 25.10
    lon = np.random.default_rng(1).uniform(minx, maxx, 20_000)
    lat = np.random.default_rng(2).uniform(miny, maxy, 20_000)
    reverse(g, lon[:100], lat[:100], radius_m=100)  # warm-up: transformers and trees are built lazily
    timings = []
    for _ in range(3):
        t = time.perf_counter()
        results = reverse(g, lon, lat, radius_m=100)
        timings.append(time.perf_counter() - t)
    elapsed = statistics.median(timings)
    found = sum(r.address is not None for r in results)
    print(f"[{label}] reverse batch {len(lon) / elapsed:,.0f} points/s ({found} within 100 m)  (target >= 20,000)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--pg", default="postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "bench.gpkg"))
        migrate.upgrade(store)
        run(store, "sqlite", args.scale, args.queries)
        store.dispose()
    if args.skip_pg:
        return
    with scratch_database(args.pg) as url:
        store = Store(url)
        migrate.upgrade(store)
        run(store, "postgresql", args.scale, args.queries)
        store.dispose()


if __name__ == "__main__":
    main()
