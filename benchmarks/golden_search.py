"""Golden answers of search and autocomplete on a small demo district, frozen so that a change
of how the names are indexed can be shown to answer as before.

Run:  .venv/bin/python benchmarks/golden_search.py --write   # record the answers (both backends)
      .venv/bin/python benchmarks/golden_search.py           # compare today's answers with the record

The world is the demo at scale 0.05 (seed 530111) without its boundary step (no names in it),
then 3 % of the roads renamed as an announced rename does (``bench_search.rename_some_roads``),
a few places and one road name cancelled, and a landmark renamed (a former name of a place).
The queries are those of ``bench_search.py`` (every variation class), of ``eval_query_forms.py``
(tuned and held-out wordings) and a hand-made set for what those do not ask (aliases, cancelled
and former names of places, a kind of place alone, the beginning of a name, nothing found);
autocomplete is asked the first half of every query. The record holds the top-1 answer of each
search as ``[kind, id, match_type, label]`` (with the suggestions when nothing is found) and the
top-5 of each autocomplete as ``[kind, id]``, as SQLite answered, and PostgreSQL's answers where
they differ; ``tests/test_search_golden.py`` replays it on both backends. Record it again only
when the rules change on purpose, and say why.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

GOLDEN = HERE.parent / "tests" / "data" / "golden_search.json"
SEED, SCALE = 530111, 0.05
RENAMED_SHARE = 0.03
CANCELLED_ON = dt.date(2026, 3, 1)


def build_world(store, frames=None) -> None:
    """Store the golden district in ``store`` (a freshly migrated, empty one)."""
    from bench_search import rename_some_roads

    from cli.data_commands import registry
    from data.demo_compounds import add_compounds
    from data.demo_history import add_history
    from data.demo_landmarks import add_landmarks
    from data.loader import load_demo

    load_demo(store, registry(), seed=SEED, scale=SCALE, frames=frames, steps=(add_history, add_compounds, add_landmarks))
    rename_some_roads(store, random.Random(7), share=RENAMED_SHARE)
    cancel_and_rename_places(store)


def cancel_and_rename_places(store) -> None:
    """Cancel two parks and one road's name (its centreline and plates stay), and give one
    school a new name (its old one becomes a former name), as announcements would."""
    from gis.basemap import Road
    from placenames import register, street_renames
    from placenames.models import PlaceName
    from placenames.registry_models import NameAlias

    with store.transaction(actor="golden", reason="golden search world: cancellations and a rename") as session:
        current = sa.select(PlaceName).where(PlaceName.status == "current").order_by(PlaceName.id)
        parks = session.scalars(current.where(PlaceName.name.like("%公园"))).all()[:2]
        roads = set(session.scalars(sa.select(Road.name)))
        road = next(p for p in session.scalars(current.where(PlaceName.category_code == street_renames.ROAD_CATEGORY)) if p.name in roads)
        for entry in (*parks, road):
            entry.status, entry.retired_on = "retired", CANCELLED_ON
        school = session.scalars(current.where(PlaceName.name.like("%小学"))).first()
        if school is not None:
            old = school.name
            session.add(NameAlias(place_name_id=school.id, alias=old, kind="former", valid_to=CANCELLED_ON))
            for key, value in register.spelling(old.replace("小学", "实验小学"), school.category_code).items():
                setattr(school, key, value)


def make_queries(store) -> tuple[list[tuple[str, str]], list[str]]:
    """(class, query) for search and the autocomplete prefixes, drawn from the register."""
    import bench_search
    import eval_query_forms

    from placenames.models import PlaceName
    from placenames.registry_models import NameAlias
    from placenames.search import pinyin
    from placenames.search.gazetteer import build
    from placenames.search.normalize import normalize

    g = build(store)
    searches: list[tuple[str, str]] = []
    renamed = {}
    with store.read() as session:
        for alias, name in session.execute(
            sa.select(NameAlias.alias, PlaceName.name)
            .join(PlaceName, PlaceName.id == NameAlias.place_name_id)
            .where(NameAlias.kind == "former")
        ):
            renamed[name] = alias
        retired = session.scalars(sa.select(PlaceName.name).where(PlaceName.status == "retired").order_by(PlaceName.id)).all()
        aliases = session.scalars(sa.select(NameAlias.alias).where(NameAlias.kind.in_(("alias", "short"))).order_by(NameAlias.id)).all()
        landmarks = session.scalars(
            sa.select(PlaceName.name)
            .where(PlaceName.source == "synthetic-demo", PlaceName.category_code != "23510")
            .order_by(PlaceName.id)
            .limit(60)
        ).all()
    rng = random.Random(5)
    searches += [(kind, q) for kind, q, _ in bench_search.evaluation_set(g, rng, 1100)]
    searches += [(kind, q) for kind, q, _ in bench_search.former_name_cases(g, rng, renamed, 100)]
    searches += [(kind, q) for kind, q, _ in eval_query_forms.cases(g, random.Random(23), 60)]
    searches += [(f"held_out_{kind}", q) for kind, q, _ in eval_query_forms.held_out(g, random.Random(24), 30)]
    searches += [("retired_name", name) for name in retired]
    searches += [("retired_pinyin", sorted(pinyin.keys(normalize(name))[0])[0]) for name in retired]
    searches += [("former_name", old) for old in renamed.values()]
    searches += [("alias", alias) for alias in aliases]
    searches += [("landmark", name) for name in landmarks]
    searches += [("landmark_typo", name[:1] + "的" + name[2:]) for name in landmarks[:20]]
    searches += [("kind_only", word) for word in ("机场", "区政府", "附近的公园", "最近的小学", "公园", "小学", "医院", "路", "社区")]
    communities = sorted(e.name for e in g.unit_entries if e.kind == "community")
    searches += [("begins_with", name[:2]) for name in communities[:40]]
    searches += [("nothing", name[:1] + "乙" + name[2:3]) for name in communities[:20]]
    searches += [("nothing", q) for q in ("子均", "不存在的地方", "xyzq", "12号", "关上街道99999号")]
    seen = set()
    unique = [(kind, q) for kind, q in searches if q and not (q in seen or seen.add(q))]  # type: ignore[func-returns-value]
    prefixes = list(dict.fromkeys(q[: max(1, len(q) // 2)] for _, q in unique))
    prefixes += ["zj", "zijun", "gs", "guan", "shuangq", "lj", "子", "关上街道双", "请问子"]
    return unique, list(dict.fromkeys(prefixes))


def key(entry) -> list:
    return [entry.kind, entry.id]


def answer(g, query: str) -> dict:
    from placenames.search import engine

    results = engine.search(g, query, limit=5)
    if results:
        top = results[0]
        return {"top": [top.entry.kind, top.entry.id, top.match_type, top.entry.label]}
    return {"top": None, "suggestions": [key(m.entry) for m in engine.suggest(g, query)]}


def completions(g, prefix: str) -> list:
    from placenames.search import engine

    return [key(m.entry) for m in engine.autocomplete(g, prefix, limit=5)]


def record(store, queries=None) -> dict:
    from placenames.search.gazetteer import build

    searches, prefixes = queries or make_queries(store)
    g = build(store)
    return {
        "searches": [[kind, q, answer(g, q)] for kind, q in searches],
        "autocomplete": [[p, completions(g, p)] for p in prefixes],
    }


def stores(pg_url: str | None):
    """(backend, freshly migrated store) pairs, each dropped after use."""
    from scratch import scratch_database

    from gis.storage import Store, migrate

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "golden.gpkg"))
        migrate.upgrade(store)
        yield "sqlite", store
        store.dispose()
    if pg_url:
        with scratch_database(pg_url) as url:
            store = Store(url)
            migrate.upgrade(store)
            yield "postgresql", store
            store.dispose()


def differences(recorded: dict, backend: str, store) -> list[tuple[str, str]]:
    """What today's answers on ``store`` change in the ``recorded`` answers of ``backend``:
    (query, what changed) pairs."""
    from placenames.search.gazetteer import build

    g = build(store)
    out = []
    for kind, q, wanted in searches_of(recorded, backend):
        got = answer(g, q)
        if got != wanted:
            out.append((q, f"search [{kind}] {q!r}: {wanted} -> {got}"))
    for prefix, wanted in autocompletes_of(recorded, backend):
        got = completions(g, prefix)
        if got != wanted:
            out.append((prefix, f"autocomplete {prefix!r}: {wanted} -> {got}"))
    return out


def searches_of(recorded: dict, backend: str) -> list:
    """[class, query, answer] as recorded on ``backend`` (the record keeps PostgreSQL's answers
    only where they differ from SQLite's: entries of equal rank read in another order)."""
    other = recorded.get(backend, {}).get("searches", {})
    return [[kind, q, other.get(q, wanted)] for kind, q, wanted in recorded["searches"]]


def autocompletes_of(recorded: dict, backend: str) -> list:
    other = recorded.get(backend, {}).get("autocomplete", {})
    return [[p, other.get(p, wanted)] for p, wanted in recorded["autocomplete"]]


def merged(records: dict) -> dict:
    """One record: SQLite's answers, and each other backend's where they differ."""
    base = records["sqlite"]
    out = {"seed": SEED, "scale": SCALE, "searches": base["searches"], "autocomplete": base["autocomplete"]}
    for backend, rec in records.items():
        if backend == "sqlite":
            continue
        out[backend] = {
            "searches": {q: a for (_, q, a), (_, _, b) in zip(rec["searches"], base["searches"], strict=True) if a != b},
            "autocomplete": {p: a for (p, a), (_, b) in zip(rec["autocomplete"], base["autocomplete"], strict=True) if a != b},
        }
    return out


def as_lines(record: dict) -> str:
    """The record as JSON with one query a line (readable diffs when it is recorded again)."""

    def listed(items: list) -> str:
        return "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n]"

    rest = {k: v for k, v in record.items() if k not in ("searches", "autocomplete")}
    head = json.dumps(rest, ensure_ascii=False)[:-1]
    return f'{head}, "searches": {listed(record["searches"])}, "autocomplete": {listed(record["autocomplete"])}}}\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="record the answers (instead of comparing)")
    parser.add_argument("--pg", default="postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    golden = json.loads(GOLDEN.read_text()) if GOLDEN.exists() and not args.write else None
    records: dict = {}
    queries = None
    for backend, store in stores(None if args.skip_pg else args.pg):
        build_world(store)
        if args.write:
            rec = records[backend] = record(store, queries)
            queries = ([(k, q) for k, q, _ in rec["searches"]], [p for p, _ in rec["autocomplete"]])
            print(f"[{backend}] {len(rec['searches'])} searches, {len(rec['autocomplete'])} autocompletes recorded")
        else:
            assert golden is not None, f"no record at {GOLDEN}: run with --write first"
            changed = differences(golden, backend, store)
            total = len(golden["searches"]) + len(golden["autocomplete"])
            print(f"[{backend}] {total - len(changed)} of {total} answers as recorded")
            for _, line in changed:
                print("   ", line)
    if args.write:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(as_lines(merged(records)))
        print(f"written {GOLDEN}")


if __name__ == "__main__":
    main()
