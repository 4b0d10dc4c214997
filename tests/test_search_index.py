"""The search index of names in the database, on both backends: its keys commit and roll back
with the write that changes a name, however the write is made; a worker finds a committed name
at its next query without rereading anything; a rebuild makes the same keys the writes made."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from shapely import LineString, MultiLineString, Point

from cli import main
from gis.basemap import Road
from gis.storage import migrate
from placenames import register
from placenames.models import PlaceName
from placenames.registry_models import NameAlias
from placenames.search import engine, index_upkeep, keys
from placenames.search.gazetteer import GazetteerCache, build
from placenames.search.key_table import SearchIndexState, SearchKey


def road(name: str, x: float = 102.72) -> Road:
    return Road(name=name, road_class="local", admin_code="530111001", geom=MultiLineString([LineString([(x, 25.02), (x + 0.01, 25.02)])]))


def place(name: str, category: str = "25100", **fields) -> PlaceName:
    return PlaceName(**register.spelling(name, category), status="current", admin_code="530111001", geom=Point(102.73, 25.01), **fields)


def stored_keys(store) -> Counter:
    """Every stored key row, without its id, counted."""
    columns = [c for c in SearchKey.__table__.columns if c.name != "id"]
    with store.read() as session:
        return Counter(tuple(row) for row in session.execute(sa.select(*columns)))


def names_of(results) -> list[str]:
    return [m.entry.name for m in results]


def test_a_name_is_found_by_the_next_query_without_rereading_the_worker(store):
    cache = GazetteerCache(max_age=3600.0)
    before = cache.get(store)
    assert engine.search(before, "子君路") == []
    with store.transaction(actor="wang", reason="新路") as session:
        session.add(road("子君路"))
        entry = place("官渡古镇")
        session.add(entry)
        session.flush()
        session.add(NameAlias(place_name_id=entry.id, alias="古镇", kind="short"))
    g = cache.get(store)
    assert g is before  # nothing held by the worker changed
    assert names_of(engine.search(g, "子君路")) == ["子君路"]
    assert names_of(engine.search(g, "子均路"))[0] == "子君路"  # one typo away
    assert names_of(engine.search(g, "zijunlu")) == ["子君路"]
    assert names_of(engine.search(g, "古镇")) == ["官渡古镇"]  # by its short name
    assert "子君路" in names_of(engine.autocomplete(g, "子君"))
    with store.transaction(actor="wang", reason="更名") as session:
        session.scalars(sa.select(Road).where(Road.name == "子君路")).one().name = "子俊路"
    assert engine.search(g, "子君路")[0].entry.name == "子俊路"  # one edit from the new name now
    assert names_of(engine.search(g, "子俊路")) == ["子俊路"]


def test_the_keys_roll_back_with_the_write(store):
    with store.transaction(actor="wang", reason="新路") as session:
        session.add(road("锦西路"))
    kept = stored_keys(store)
    with pytest.raises(RuntimeError), store.transaction(actor="wang", reason="改了又撤回") as session:
        session.scalars(sa.select(Road)).one().name = "锦华路"
        session.add(place("锦华公园"))
        session.flush()
        raise RuntimeError("the officer cancels")
    assert stored_keys(store) == kept
    assert names_of(engine.search(build(store), "锦西路")) == ["锦西路"]


def test_bulk_writes_make_keys_too(store):
    rows = [
        {"name": f"新{i}路", "road_class": "local", "admin_code": "530111001", "geom": road("x", 102.7 + i / 1000).geom} for i in range(30)
    ]
    with store.transaction(actor="import", reason="批量导入") as session:
        store.bulk_insert(session, Road, rows)
    g = build(store)
    assert names_of(engine.search(g, "新17路")) == ["新17路"]
    assert {e.name for _, e in g.prefixed("新1", False, 50)} == {"新1路", *(f"新1{i}路" for i in range(10))}


def test_a_rebuild_makes_the_keys_the_writes_made(store):
    with store.transaction(actor="wang", reason="登记") as session:
        session.add_all([road("锦西路"), road("安和路", 102.74)])
        park, school = place("金马公园"), place("关上小学", "27300")
        session.add_all([park, school, place("安和路", "23510")])
        session.flush()
        session.add(NameAlias(place_name_id=park.id, alias="金马园", kind="alias"))
        session.add(NameAlias(place_name_id=school.id, alias="关上一小", kind="former", valid_to=dt.date(2020, 1, 1)))
        session.add(NameAlias(place_name_id=school.id, alias="旧名已停用", kind="alias", valid_to=dt.date(2021, 1, 1)))
    with store.transaction(actor="wang", reason="销名") as session:
        cancelled = session.scalars(sa.select(PlaceName).where(PlaceName.name == "安和路")).one()
        cancelled.status, cancelled.retired_on = "retired", dt.date(2024, 5, 1)
    written = stored_keys(store)
    assert index_upkeep.reindex(store)["road_keys"] > 0
    assert stored_keys(store) == written
    g = build(store)
    top = engine.search(g, "安和路")[0]
    assert (top.entry.kind, top.match_type) == ("road", "retired_name")  # its name was cancelled; the road stays
    assert engine.search(g, "关上一小")[0].match_type == "former_name"
    assert engine.search(g, "旧名已停用") == []  # an alias no longer in use finds nothing


def test_upgrade_over_a_register_with_names_rebuilds_the_keys(empty_store):
    from old_rows import insert

    migrate.upgrade(empty_store, "0017_partition20_districts")  # the revision before the search keys
    with empty_store.engine.begin() as connection:  # a register written before the keys existed
        insert(connection, "roads", geometry="MULTILINESTRING", name="春城路", road_class="arterial", geom=road("x").geom)
    result = CliRunner().invoke(main, ["--db", empty_store.url, "db", "upgrade"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "search keys rebuilt" in result.output
    assert index_upkeep.is_current(empty_store)
    assert names_of(engine.search(build(empty_store), "春城路")) == ["春城路"]


def test_an_empty_register_needs_no_rebuild_and_reindex_says_what_it_made(store):
    with store.read() as session:
        assert session.scalar(sa.select(SearchIndexState.keys_version)) == keys.KEYS_VERSION
    with store.transaction(actor="wang", reason="新路") as session:
        session.add(road("子君路"))
    result = CliRunner().invoke(main, ["--db", store.url, "search", "reindex"], catch_exceptions=False)
    assert result.exit_code == 0 and "roads 1" in result.output, result.output


def test_the_worker_holds_the_units_only(store):
    with store.transaction(actor="import", reason="很多路") as session:
        for i in range(200):
            session.add(road(f"第{i}路", 102.7 + i / 10000))
    g = build(store)
    assert g.unit_entries == []  # no units in this register: nothing else is held
    assert len(g.every_road()) == 200  # the roads are read from the database when asked


def test_a_slip_is_found_however_many_names_share_its_first_character(store):
    """子群路 (one character changed, not a homophone) finds 子君路 behind 2,500 names that begin
    with 子 and sort before it: slips are looked up by their deletion keys, not by reading every
    name that begins like the query."""
    rows = [
        {"name": f"子一{i:04d}路", "road_class": "local", "admin_code": "530111001", "geom": road("x", 102.7 + i / 100000).geom}
        for i in range(2500)
    ]
    with store.transaction(actor="import", reason="批量导入") as session:
        store.bulk_insert(session, Road, rows)
        session.add(road("子君路", 102.75))
    g = build(store)
    assert names_of(engine.autocomplete(g, "子群路"))[0] == "子君路"  # one changed
    assert names_of(engine.autocomplete(g, "子君君路"))[0] == "子君路"  # one too many
    assert names_of(engine.autocomplete(g, "子路"))[0] == "子君路"  # one left out, and the shortest name so
    assert names_of(engine.autocomplete(g, "子君璐"))[0] == "子君路"


def test_a_kind_of_place_alone_answers_the_nearest_of_many(store):
    """公园 with a focus: the nearest of 400 parks first, as measured independently; without
    one, the first registered; a box keeps only the parks inside it."""
    points = [(102.70 + (i % 20) * 0.005, 24.98 + (i // 20) * 0.004) for i in range(400)]
    rows = [
        {
            **register.spelling(f"第{i}号公园", "25100"),
            "status": "current",
            "classification": "public",
            "admin_code": "530111001",
            "geom": Point(*p),
        }
        for i, p in enumerate(points)
    ]
    with store.transaction(actor="import", reason="批量导入") as session:
        store.bulk_insert(session, PlaceName, rows)
    g = build(store)
    focus = (102.7612, 25.0167)
    scale = math.cos(math.radians(focus[1]))
    expected = sorted(range(400), key=lambda i: math.hypot((points[i][0] - focus[0]) * scale, points[i][1] - focus[1]))
    near = engine.search(g, "附近的公园", limit=5, scope=engine.Scope(focus=focus))
    assert names_of(near) == [f"第{i}号公园" for i in expected[:5]]
    assert names_of(engine.search(g, "公园", limit=3)) == ["第0号公园", "第1号公园", "第2号公园"]
    box = (102.745, 25.0, 102.755, 25.01)
    inside = engine.search(g, "公园", limit=50, scope=engine.Scope(bbox=box))
    assert inside and all(box[0] <= m.entry.point.x <= box[2] and box[1] <= m.entry.point.y <= box[3] for m in inside)
    assert len(inside) == sum(1 for x, y in points if box[0] <= x <= box[2] and box[1] <= y <= box[3])


def test_a_first_character_is_answered_by_names_alone_unless_addresses_could_show(store):
    """Addresses rank below every current name, so a prefix that ten names in scope begin with
    reads no door plate; a scope leaving fewer names, or a focus (which ranks by distance),
    reads them — and the answers are those of reading everything."""
    from placenames.models import DoorPlate

    with store.transaction(actor="wang", reason="十二条路") as session:
        roads = [road(f"星{c}路", x=102.70 + i * 0.01) for i, c in enumerate("一二三四五六七八九十百千")]
        session.add_all(roads)
        session.flush()
        session.add(DoorPlate(road_id=roads[0].id, number=1, number_text="1", address="星一路1号", geom=Point(102.7001, 25.0201)))
    g = build(store)
    statements: list[str] = []

    def seen(connection, cursor, statement, *rest):
        statements.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", seen)
    try:
        names = [m.entry.name for m in engine.autocomplete(g, "星", limit=10)]
        plates_read = any("door_plates" in s for s in statements)
        statements.clear()
        west = engine.Scope(bbox=(102.69, 25.0, 102.715, 25.05))  # 星一路 and 星二路 only
        scoped = [m.entry.name for m in engine.autocomplete(g, "星", limit=10, scope=west)]
        scoped_read = any("door_plates" in s for s in statements)
        statements.clear()
        near = [m.entry.name for m in engine.autocomplete(g, "星", limit=3, scope=engine.Scope(focus=(102.7001, 25.0201)))]
        focus_read = any("door_plates" in s for s in statements)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", seen)
    assert len(names) == 10 and "星一路1号" not in names and not plates_read
    assert scoped == ["星一路", "星二路", "星一路1号"] and scoped_read
    assert near[:2] == ["星一路1号", "星一路"] and focus_read  # the plate stands at the focus
