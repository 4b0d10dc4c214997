"""Top-1 accuracy of search on the ways people really write addresses, new engine beside old.

Run:  .venv/bin/python benchmarks/eval_query_forms.py [--scale 0.1] [--per-class 200] [--seed 11]

It stores the demo district once (SQLite), then asks, for names drawn from its
register, queries in each form class below and prints top-1 per class and overall for
``engine.search`` with the query-form step (``forms=True``) and without it (the old engine).

The templates were written from how addresses are written in real use, not from the
demo's generator:
- the full chain before a name, largest unit first (国家、省份、城市、区县、城镇、乡村、街道、
  门牌号码): Amap geocoding API docs, https://lbs.amap.com/api/webservice/guide and
  Tencent's geocoder docs (address must carry 省市区),
  https://lbs.qq.com/service/webService/webServiceGuide/webServiceGeocoder;
- crossings written as two road names (Amap's match level 道路交叉路口, "北四环西路辅路/善缘街"),
  https://lbs.amap.com/news/geocoder_api; "X路与Y路交叉口", "X路Y路口", "…交汇处附近" as in
  hotline (12345) case texts that place a problem near a landmark or a crossing
  ("新天地菜场对面", "…马槽社区"), http://www.lxlli.com/m/viui-86208.html;
- English order and generic words, "Room 201, Building 3, No. 12 Nanjing Road, Baoshan
  District": https://topic.alibabacloud.com/a/posting-practical-font-colorredenglishfont-address-writing-font-colorredformatfont_8_8_32156514.html;
  pinyin generics in postal use ("63 RENMIN LU, QINGDAO SHI"):
  http://bitboost.com/ref/international-address-formats/prc-china;
- questions and short unit names as residents say them (…社区居委会在哪里, 关上, 双桥居委会);
- the postal code written with the address: first, as typed from an envelope's code boxes,
  after a label on forms (邮编：…), or after the province in English ("…, Yunnan 650200,
  China"): http://bitboost.com/ref/international-address-formats/prc-china.

Classes: chain_community (省市区+街道+社区), short_subdistrict (关上双桥社区), question
(双桥社区居委会在哪里 and kin), spaced (市 区 社区 with spaces), unit_short (关上 / 双桥 /
双桥居委会 / 关上街道双桥社区), mixed_pinyin (kunming 官渡区 zijun lu 12), english
(No. 12 Zijun Road, Kunming), crossing_kou (子君路民航路口), crossing_near
(子君路和民航路交汇处附近), postcode (650200 昆明市官渡区子君路12号), plus the bare forms
(road+number, community) that must not move.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import shapely
from pypinyin import lazy_pinyin

from cli.data_commands import registry
from data.loader import load_demo
from gis.storage import Store, migrate
from placenames.search import engine
from placenames.search.gazetteer import build

GENERIC_EN = {"路": "Road", "街": "Street", "巷": "Lane"}
GENERIC_PY = {"路": "lu", "街": "jie", "巷": "xiang"}
ABBREVIATED = {"路": "Rd.", "街": "St.", "巷": "Lane"}


def spelled(name: str) -> str:
    """子君 -> Zijun: the specific part in toneless pinyin, one word, as on a sign."""
    return "".join(lazy_pinyin(name)).capitalize()


def english(road: str) -> str:
    """子君路 -> Zijun Road."""
    return f"{spelled(road[:-1])} {GENERIC_EN[road[-1]]}"


def community_base(name: str) -> str:
    for ending in ("社区居民委员会", "居民委员会", "社区"):
        if name.endswith(ending):
            return name[: -len(ending)]
    return name


def crossings(g, rng: random.Random, size: int) -> list[tuple[object, object]]:
    roads = [r for r in g.every_road() if r.name[-1] in GENERIC_EN and len(r.name) >= 3]
    tree = shapely.STRtree([r.geom for r in roads])
    pairs = []
    for a in rng.sample(roads, len(roads)):
        for j in tree.query(a.geom, predicate="intersects"):
            b = roads[int(j)]
            if b is not a and b.name != a.name:
                pairs.append((a, b))
                break
        if len(pairs) >= size:
            break
    return pairs


def cases(g, rng: random.Random, per_class: int) -> list[tuple[str, str, object]]:
    p = g.profile
    province, city, district = p.province.zh, p.city.zh, p.name.zh
    city_short, district_short = p.prefix_names[1][-1], district[:-1]
    city_en = p.city.en.split()[0]
    province_en, district_en = p.province.en.split()[0], p.name.en.split()[0]
    district_short_py = "".join(lazy_pinyin(district_short))
    sub_shorts = {e.name.removesuffix("街道") for e in g.unit_entries if e.kind == "subdistrict"}
    communities = [e for e in g.unit_entries if e.kind == "community" and e.subdistrict is not None and e.name.endswith("社区居民委员会")]
    subdistricts = [e for e in g.unit_entries if e.kind == "subdistrict" and e.name.endswith("街道")]
    plates = [e for e in g.plate_index.every_current() if "-" not in e.number_text and e.street and e.street[-1] in GENERIC_EN]
    out = []
    for c in rng.sample(communities, min(per_class, len(communities))):
        base, sub = community_base(c.name), c.subdistrict.name
        sub_short = sub.removesuffix("街道")
        out.append(
            (
                "chain_community",
                rng.choice(
                    [
                        f"{province}{city}{district}{sub}{base}社区",
                        f"{district}{sub}办事处{base}社区居委会",
                        f"{province[:-1]}{city_short}{district}{base}社区",
                        f"中国{province}{city}{district}{sub}{base}社区居民委员会",
                    ]
                ),
                c,
            )
        )
        out.append(("short_subdistrict", f"{sub_short}{base}社区", c))
        out.append(
            (
                "question",
                rng.choice(
                    [
                        f"{base}社区居委会在哪里",
                        f"请问{base}社区在哪儿",
                        f"{base}居委会怎么走",
                        f"{base}社区的地址",
                        f"我想去{base}社区",
                        f"{base}社区服务中心在哪",
                        f"{base}社区居委会办公地点",
                        f"去{base}社区怎么走",
                    ]
                ),
                c,
            )
        )
        out.append(("spaced", rng.choice([f"{city_short} {district_short} {base}社区", f"{city} {district} {base}社区居委会"]), c))
        forms = [f"{base}居委会", f"{sub}{base}社区", f"{base}社区居民委员会"]
        if base not in sub_shorts:  # 六甲 alone names the subdistrict first (and the community second)
            forms.append(base)
        out.append(("unit_short", rng.choice(forms), c))
        out.append(("bare_community", f"{base}社区", c))
    for s in subdistricts:
        out.append(("unit_short", s.name.removesuffix("街道"), s))
    for e in rng.sample(plates, min(per_class, len(plates))):
        road, n = e.street, e.number_text
        specific, generic = road[:-1], road[-1]
        py = " ".join(lazy_pinyin(specific))
        out.append(
            (
                "mixed_pinyin",
                rng.choice(
                    [
                        f"{city_en.lower()} {district} {py} {GENERIC_PY[generic]} {n}",
                        f"{district}{''.join(lazy_pinyin(specific))}{GENERIC_PY[generic]} {n}hao",
                        f"{city_short} {spelled(specific)} {GENERIC_EN[generic]} {n}号",
                        f"{city_en} {district_short_py} {''.join(lazy_pinyin(specific))}{GENERIC_PY[generic]} {n}hao",
                        f"{city} {''.join(lazy_pinyin(specific))} {GENERIC_EN[generic].lower()} {n}号",
                    ]
                ),
                e,
            )
        )
        out.append(
            (
                "english",
                rng.choice(
                    [
                        f"No. {n} {spelled(specific)} {GENERIC_EN[generic]}",
                        f"No.{n}, {spelled(specific)} {GENERIC_EN[generic]}, {p.name.en}, {p.city.en}",
                        f"{n} {spelled(specific)} {'Rd' if generic == '路' else GENERIC_EN[generic]}, {city_en}",
                        f"No.{n} {spelled(specific)} {ABBREVIATED[generic]}, {district_en} Dist., {city_en}, {province_en}, China",
                        f"{spelled(specific)} {GENERIC_EN[generic]} No. {n}",
                        f"{spelled(specific)} {GENERIC_PY[generic].capitalize()} {n}, {city_en}",
                    ]
                ),
                e,
            )
        )
        code = f"{rng.randint(100000, 899999)}"
        out.append(
            (
                "postcode",
                rng.choice(
                    [
                        f"{code} {city}{district}{road}{n}号",
                        f"{code}{province}{city}{district}{road}{n}号",
                        f"{district}{road}{n}号（邮编：{code}）",
                        f"{city}{district}{road}{n}号，邮政编码{code}",
                        f"No. {n} {spelled(specific)} {GENERIC_EN[generic]}, {p.name.en}, {p.city.en}, {province_en} {code}, China",
                    ]
                ),
                e,
            )
        )
        out.append(("bare_address", f"{road}{n}号", e))
    for a, b in crossings(g, rng, per_class):
        out.append(
            (
                "crossing_kou",
                rng.choice(
                    [
                        f"{a.name}{b.name}口",
                        f"{a.name}{b.name}路口" if b.name[-1] != "路" else f"{a.name}{b.name}口",
                        f"{a.name}、{b.name}十字路口",
                        f"{a.name}{b.name}交叉口",
                        f"{a.name}与{b.name}十字路口东北角",
                    ]
                ),
                (a, b),
            )
        )
        out.append(
            (
                "crossing_near",
                rng.choice(
                    [
                        f"{a.name}和{b.name}交汇处附近",
                        f"{a.name}与{b.name}交叉口附近",
                        f"{a.name}/{b.name}",
                        f"{english(a.name)} and {english(b.name)}",
                        f"intersection of {english(a.name)} and {english(b.name)}",
                        f"{a.name}和{b.name}交界处西南侧",
                        f"在{a.name}跟{b.name}路口旁边",
                    ]
                ),
                (a, b),
            )
        )
    return out


def held_out(g, rng: random.Random, per_class: int) -> list[tuple[str, str, object]]:
    """Wordings written after the rules were tuned and never used to tune them (one per class)."""
    p = g.profile
    province, city, district = p.province.zh, p.city.zh, p.name.zh
    sub_shorts = {e.name.removesuffix("街道") for e in g.unit_entries if e.kind == "subdistrict"}
    communities = [e for e in g.unit_entries if e.kind == "community" and e.subdistrict is not None and e.name.endswith("社区居民委员会")]
    plates = [e for e in g.plate_index.every_current() if "-" not in e.number_text and e.street and e.street[-1] in GENERIC_EN]
    out: list[tuple[str, str, object]] = []
    for c in rng.sample(communities, min(per_class, len(communities))):
        base, sub = community_base(c.name), c.subdistrict.name
        if base in sub_shorts:
            continue
        out.append(("chain_community", f"{province}{district}{base}社区", c))
        out.append(("short_subdistrict", f"{sub.removesuffix('街道')}街道办{base}居委会", c))
        out.append(("question", f"请问一下{base}社区居委会在什么位置", c))
        out.append(("spaced", f"{province} {city} {district} {sub} {base}社区", c))
        out.append(("unit_short", f"{base}社区居委会", c))
    for e in rng.sample(plates, min(per_class, len(plates))):
        specific, generic, n = e.street[:-1], e.street[-1], e.number_text
        out.append(("mixed_pinyin", f"{district} {' '.join(lazy_pinyin(specific))} {GENERIC_PY[generic]} {n} hao", e))
        out.append(("english", f"#{n} {spelled(specific)} {GENERIC_EN[generic]}, {p.name.en}", e))
        out.append(("postcode", f"{city}{district}{e.street}{n}号 邮编 {rng.randint(100000, 899999)}", e))
    for a, b in crossings(g, rng, per_class):
        out.append(("crossing_kou", f"{a.name}与{b.name}交口", (a, b)))
        out.append(("crossing_near", f"{a.name}{b.name}交汇处", (a, b)))
    return out


def compounds_and_history(g, rng: random.Random, per_class: int, *, held: bool) -> list[tuple[str, str, object]]:
    """Compounds as residents call them, old certificates' addresses, and a kind of place asked
    near a landmark (session 31's forms; ``held`` gives the wordings never used while writing
    the rules). The expected answer of ``near_kind`` is recomputed here on the ellipsoid (pyproj),
    not with the engine's measure."""
    from pyproj import Geod
    from sqlalchemy import select

    from placenames import categories
    from placenames.numbering.models import Compound, CompoundBuilding, NumberChange

    out: list[tuple[str, str, object]] = []
    with g.reading():
        session = g.index.session
        with session() as s:
            compounds = s.execute(
                select(Compound.id, Compound.name, Compound.door_plate_id).where(Compound.door_plate_id.is_not(None))
            ).all()
            labels = {
                row.compound_id: row.label
                for row in s.execute(
                    select(CompoundBuilding.compound_id, CompoundBuilding.label).where(CompoundBuilding.label.is_not(None))
                )
            }
            retired = s.execute(
                select(NumberChange.old_address, NumberChange.old_text, NumberChange.note, NumberChange.road_id).where(
                    NumberChange.change == "retire"
                )
            ).all()
        entries = {c.id: next((e for e in g.names.get(c.name, []) if e.kind == "compound"), None) for c in compounds}
        plates = {e.id: e for e in g.plate_index.by_ids([c.door_plate_id for c in compounds], [g.profile.code] * len(compounds))}
        names = [c.name for c in compounds]
        for c in rng.sample(compounds, min(per_class, len(compounds))):
            entry = entries.get(c.id)
            if entry is None:
                continue
            generic = next(
                (
                    w
                    for w in ("小区", "花园", "家园", "新村", "公寓", "雅苑", "景苑", "佳园", "嘉园", "新城", "名城", "大院")
                    if c.name.endswith(w)
                ),
                "",
            )
            stem = c.name[: len(c.name) - len(generic)] if generic else c.name
            unique_stem = len(stem) >= 2 and sum(n.startswith(stem) for n in names) == 1 and stem + "小区" != c.name
            forms = [c.name] if held else [c.name, f"{c.name}小区" if not c.name.endswith("小区") else c.name]
            if unique_stem:
                forms.append(f"{stem}小区在哪" if held else f"{stem}小区")
            out.append(("compound", rng.choice(forms), entry))
            label = labels.get(c.id)
            if label is not None and c.door_plate_id in plates:
                building = rng.choice(
                    [f"{c.name}{label}号楼2单元301室", f"{c.name}小区{label}栋"] if not held else [f"{c.name}{label}幢1单元"]
                )
                out.append(("compound", building, plates[c.door_plate_id]))
        into = [r for r in retired if r.note and r.note.startswith("并入小区")]
        for r in rng.sample(into, min(per_class, len(into))):
            name = r.note.removeprefix("并入小区").split("，")[0]
            entry = next((e for e in g.names.get(name, []) if e.kind == "compound"), None)
            if entry is None:
                continue
            road = r.old_address.split("街道")[-1][: -len(r.old_text) - 1]
            forms = [f"{road}{r.old_text}号"] if held else [r.old_address, f"{road}{r.old_text}号", f"原{road}{r.old_text}号"]
            out.append(("old_address", rng.choice(forms), entry))
        geod = Geod(ellps="GRS80")
        kinds = ("小学", "公园", "医院", "卫生服务中心")
        places = {kind: [e for e in g.places_ending_with(kind) if e.point is not None] for kind in kinds}
        landmarks = [e for kind in ("古镇", "机场", "政府", "办事处") for e in g.places_ending_with(kind) if e.point is not None]
        for anchor in rng.sample(landmarks, min(per_class, len(landmarks))):
            kind = rng.choice([k for k in kinds if places[k]])
            nearest = min(places[kind], key=lambda e: geod.inv(anchor.point.x, anchor.point.y, e.point.x, e.point.y)[2])
            word = rng.choice(["附近的", "旁边的", "周边"] if not held else ["周围的", "一带的"])
            out.append(("near_kind", f"{anchor.name}{word}{kind}", nearest))
        assert categories.all_generics()  # (the kinds asked are generics of the category table)
    return out


def hit(results, expected) -> bool:
    if not results:
        return False
    top = results[0].entry
    if isinstance(expected, tuple):
        return top.kind == "intersection" and {top.street, results[0].extra.get("crossing_street")} == {expected[0].name, expected[1].name}
    return (top.kind, top.id) == (expected.kind, expected.id)


def evaluate(g, queries) -> tuple[dict, dict, dict]:
    new, old, total = defaultdict(int), defaultdict(int), defaultdict(int)
    for kind, query, expected in queries:
        total[kind] += 1
        new[kind] += hit(engine.search(g, query, limit=5), expected)
        old[kind] += hit(engine.search(g, query, limit=5, forms=False), expected)
    return new, old, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--per-class", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--store", help="an already loaded demo store (database URL) to reuse")
    parser.add_argument("--show-misses", type=int, default=0)
    parser.add_argument("--held-out", action="store_true", help="the wordings never used to tune the rules")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.store:
            store = Store(args.store)
        else:
            store = Store(str(Path(tmp) / "forms.gpkg"))
            migrate.upgrade(store)
            load_demo(store, registry(), scale=args.scale)
        g = build(store)
        rng = random.Random(args.seed)
        queries = (held_out if args.held_out else cases)(g, rng, args.per_class)
        queries += compounds_and_history(g, rng, args.per_class, held=args.held_out)
        started = time.perf_counter()
        new, old, total = evaluate(g, queries)
        elapsed = time.perf_counter() - started
        per_query = elapsed / len(queries) / 2 * 1000
        roads, plates = len(g.every_road()), len(g.plate_index.every_current())
        print(f"{len(queries)} queries on {roads} roads, {plates} plates ({per_query:.2f} ms a query)")
        print(f"{'class':20s} {'new':>7s} {'old':>7s}  n")
        for kind in sorted(total):
            print(f"{kind:20s} {new[kind] / total[kind]:7.1%} {old[kind] / total[kind]:7.1%}  {total[kind]}")
        n = sum(total.values())
        print(f"{'overall':20s} {sum(new.values()) / n:7.1%} {sum(old.values()) / n:7.1%}  {n}")
        if args.show_misses:
            shown = 0
            for kind, query, expected in queries:
                results = engine.search(g, query, limit=1)
                if not hit(results, expected) and shown < args.show_misses:
                    shown += 1
                    print("MISS", kind, query, "->", results[0].entry.name if results else None)
        store.dispose()


if __name__ == "__main__":
    main()
