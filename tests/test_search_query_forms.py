"""Queries written the way people write them (issue 20), on both backends.

The fixture register uses its own names (青石街道, 梨园社区, 银杏路, 松涛街, 银星路), none of
which the query-form rules were tuned on; the district's names come from the profile.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import BACKENDS, make_store
from shapely import LineString, MultiLineString, MultiPolygon, Point, box

from gis.basemap import AdminUnit, Road
from gis.profile import current_profile
from placenames.models import DoorPlate
from placenames.search import engine
from placenames.search.gazetteer import build


def seed(store) -> None:
    day = dt.date(2020, 1, 1)
    with store.transaction(actor="test", reason="query forms fixture") as s:
        s.add_all(
            [
                AdminUnit(
                    code="530111009",
                    name="青石街道",
                    level="subdistrict",
                    parent_code="530111",
                    valid_from=day,
                    geom=MultiPolygon([box(102.70, 24.98, 102.80, 25.05)]),
                ),
                AdminUnit(
                    code="530111009001",
                    name="梨园社区居民委员会",
                    level="community",
                    parent_code="530111009",
                    valid_from=day,
                    geom=MultiPolygon([box(102.70, 24.98, 102.75, 25.05)]),
                ),
                AdminUnit(
                    code="530111009002",
                    name="青石社区居民委员会",
                    level="community",
                    parent_code="530111009",
                    valid_from=day,
                    geom=MultiPolygon([box(102.75, 24.98, 102.80, 25.05)]),
                ),
            ]
        )
        roads = {
            "银杏路": [(102.71, 25.02), (102.79, 25.02)],
            "松涛街": [(102.73, 24.99), (102.73, 25.04)],
            "银星路": [(102.71, 24.99), (102.79, 24.99)],
            "梨园路": [(102.72, 25.00), (102.72, 25.04)],
        }
        made = {}
        for name, line in roads.items():
            made[name] = Road(name=name, road_class="secondary", admin_code="530111009", geom=MultiLineString([LineString(line)]))
        s.add_all(made.values())
        s.flush()
        for road, number, lon, lat in (
            ("银杏路", 12, 102.72, 25.0202),
            ("银杏路", 14, 102.725, 25.0202),
            ("银星路", 30, 102.74, 24.9902),
            ("梨园路", 8, 102.7202, 25.01),
        ):
            s.add(
                DoorPlate(
                    road_id=made[road].id,
                    number=number,
                    suffix="",
                    number_text=str(number),
                    side="left",
                    address=f"青石街道{road}{number}号",
                    geom=Point(lon, lat),
                )
            )


@pytest.fixture(scope="module", params=BACKENDS)
def g(request, tmp_path_factory):
    store = make_store(request, request.param, tmp_path_factory.mktemp("forms"))
    seed(store)
    return build(store)


def first(g, query, **kw):
    results = engine.search(g, query, limit=5, **kw)
    assert results, query
    return results[0]


P = current_profile()
CITY_SHORT, DISTRICT_SHORT = P.prefix_names[1][-1], P.name.zh[:-1]


@pytest.mark.parametrize(
    "query",
    [
        f"{P.province.zh}{P.city.zh}{P.name.zh}青石街道梨园社区",  # the whole chain
        f"{P.city.zh}{P.name.zh}青石街道梨园社区居民委员会",
        "青石梨园社区",  # short subdistrict name
        "青石街道梨园社区",
        "梨园社区居委会在哪里",  # questions
        "请问梨园社区在哪儿",
        "梨园居委会怎么走",
        f"{CITY_SHORT} {DISTRICT_SHORT} 梨园社区",  # spaces
        "梨园",  # short community forms
        "梨园居委会",
        "梨园社区服务站",
        "梨园社区居委会办公地点",
    ],
)
def test_community_in_every_form(g, query):
    top = first(g, query)
    assert (top.entry.kind, top.entry.name) == ("community", "梨园社区居民委员会")
    old = engine.search(g, query, forms=False)  # the engine without the query-form step missed every one
    assert not old or old[0].entry.name != "梨园社区居民委员会"


def test_subdistrict_short_name_and_the_community_that_shares_it(g):
    results = engine.search(g, "青石")
    assert [(m.entry.kind, m.entry.name) for m in results[:2]] == [("subdistrict", "青石街道"), ("community", "青石社区居民委员会")]
    top = first(g, "青石居委会")  # a community generic word: the community
    assert top.entry.name == "青石社区居民委员会"


@pytest.mark.parametrize(
    "query",
    [
        f"{P.city.en.split()[0].lower()} {P.name.zh} yinxing lu 12",  # pinyin mixed with characters
        "yinxinglu 12hao",
        f"{CITY_SHORT} Yinxing Road 12号",
        "No. 12 Yinxing Road",  # English order
        f"No.12, Yinxing Rd, {P.name.en}, {P.city.en}",
        "12 Yinxing Road",
        f"{P.name.zh}青石街道梨园社区银杏路12号",  # the chain before a road and number
        "银杏路12号在哪里",
        f"650200 {P.city.zh}{P.name.zh}银杏路12号",  # with the postal code, where letters and forms put it
        f"650200{P.name.zh}银杏路12号",
        "银杏路12号（邮编：650200）",
        f"{P.name.zh}银杏路12号，邮政编码650200",
        "银杏路12号650200",
        f"No. 12 Yinxing Road, {P.name.en}, {P.city.en}, {P.province.en} 650200, China",
    ],
)
def test_plate_in_every_form(g, query):
    top = first(g, query)
    assert (top.entry.kind, top.entry.name) == ("address", "银杏路12号")


def test_english_sub_building_parts(g):
    top = first(g, "Room 502, Building 3, No. 12 Yinxing Road")
    assert top.entry.name == "银杏路12号" and top.extra["building"] == "3" and top.extra["room"] == "502"


def test_same_sound_roads_take_the_one_with_the_number(g):
    assert first(g, "No. 30 Yinxing Road").entry.name == "银星路30号"  # 银星路 and 银杏路 are both yinxing lu
    assert first(g, "No. 14 Yinxing Road").entry.name == "银杏路14号"


@pytest.mark.parametrize(
    "query",
    [
        "银杏路松涛街口",
        "银杏路松涛街路口",
        "银杏路和松涛街交汇处附近",
        "银杏路与松涛街交叉口附近",
        "银杏路/松涛街",
        "银杏路、松涛街十字路口",
        "Yinxing Road and Songtao Street",
        "Yinxing Rd & Songtao St",
        "银杏路与松涛街十字路口东北角",  # a corner, as hotline texts place things
        "银杏路与松涛街交口",
        "intersection of Yinxing Road and Songtao Street",
    ],
)
def test_crossing_in_every_wording(g, query):
    top = first(g, query)
    assert top.entry.kind == "intersection"
    assert {top.entry.street, top.extra["crossing_street"]} == {"银杏路", "松涛街"}
    assert top.entry.point.x == pytest.approx(102.73) and top.entry.point.y == pytest.approx(25.02)


def test_a_road_that_starts_with_a_community_name_keeps_its_name(g):
    assert first(g, "梨园路8号").entry.name == "梨园路8号"
    assert first(g, "梨园路").entry.kind == "road"
    assert first(g, "青石梨园路8号").entry.name == "梨园路8号"


@pytest.mark.parametrize(
    "query", ["银杏路12号", "梨园社区", "银杏路", "青石街道", "yinxinglu", "银杏路与松涛街交叉口", "银杏路14", "银杏路13号"]
)
def test_bare_forms_answer_as_before(g, query):
    new = [(m.entry.kind, m.entry.id, m.match_type, m.confidence) for m in engine.search(g, query)]
    old = [(m.entry.kind, m.entry.id, m.match_type, m.confidence) for m in engine.search(g, query, forms=False)]
    assert new == old and new


def test_autocomplete_after_the_chain(g):
    names = [m.entry.name for m in engine.autocomplete(g, "青石街道梨")]
    assert "梨园社区居民委员会" in names
    names = [m.entry.name for m in engine.autocomplete(g, f"{P.city.zh}银杏")]
    assert "银杏路" in names


def test_unknown_rest_after_a_unit_answers_the_unit_below_a_match(g):
    top = first(g, "梨园社区不存在的楼")
    assert top.entry.name == "梨园社区居民委员会" and top.match_type == "partial"
