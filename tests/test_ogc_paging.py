"""Deep pages of a collection, on both backends: exactly the features the order puts
there, whatever the sort, filter or offset, and numberMatched never wrong when given."""

from __future__ import annotations

import pytest
from conftest import BACKENDS, make_store
from pygeofilter.parsers.cql2_text import parse
from shapely import LineString, MultiLineString, Point
from sqlalchemy import event
from test_ogc_provider import provider_def

from gis.basemap import Road
from gis.ogc import stores
from gis.ogc.provider import StoreProvider
from placenames.models import DoorPlate

ROADS = ("春城路", "北京路", "子君路")
PLATES_PER_ROAD = 70


@pytest.fixture(scope="module", params=BACKENDS)
def store(request, tmp_path_factory):
    """One database per backend for the module: the tests only read."""
    store = make_store(request, request.param, tmp_path_factory.mktemp("paging"))
    stores.adopt(store)
    request.addfinalizer(lambda: stores.forget(store.url))
    return store


@pytest.fixture(scope="module")
def plates(store):
    """210 plates on three roads, inserted out of number order; a few retired."""
    rows = []
    with store.transaction(actor="test", reason="paging fixture") as s:
        lines = [LineString([(102.7 + i / 100, 25.0), (102.7 + i / 100, 25.02)]) for i in range(len(ROADS))]
        roads = [Road(name=name, road_class="local", geom=MultiLineString([line])) for name, line in zip(ROADS, lines, strict=True)]
        s.add_all(roads)
        s.flush()
        for step in range(PLATES_PER_ROAD):
            for i, road in enumerate(roads):
                number = (step * 37) % PLATES_PER_ROAD + 1  # a permutation of 1..70: ids do not follow numbers
                status = "retired" if number % 23 == 0 else "current"
                plate = DoorPlate(
                    road_id=road.id,
                    number=number,
                    suffix="",
                    number_text=str(number),
                    status=status,
                    address=f"官渡区{road.name}{number}号",
                    geom=Point(102.7 + i / 100, 25.0 + number / 10_000),
                )
                s.add(plate)
                rows.append(plate)
        s.flush()
        return [(p.id, ROADS[[r.id for r in roads].index(p.road_id)], p.number, p.address) for p in rows if p.status == "current"]


def provider(store, **overrides) -> StoreProvider:
    """The addresses provider; reads every page after the first ids first unless told otherwise."""
    return StoreProvider(provider_def(store, "addresses", **{"deep_offset": 1, **overrides}))


def ids(result) -> list[int]:
    return [f["id"] for f in result["features"]]


@pytest.mark.parametrize("offset", [1, 37, 100, 190, 199])
def test_a_deep_page_in_default_order_is_exactly_the_next_ids(store, plates, offset):
    expected = sorted(p[0] for p in plates)
    result = provider(store).query(offset=offset, limit=10)
    assert ids(result) == expected[offset : offset + 10]
    assert result["numberReturned"] == len(expected[offset : offset + 10])
    assert result.get("numberMatched", len(expected)) == len(expected)
    feature = result["features"][0]
    assert feature["geometry"]["type"] == "Point" and feature["properties"]["address"].startswith("官渡区")


@pytest.mark.parametrize("offset", [0, 5, 120])
def test_ids_first_and_one_query_give_the_same_page(store, plates, offset):
    sortby = [{"property": "address", "order": "-"}]
    one_query = provider(store, deep_offset=10_000).query(offset=offset, limit=25, sortby=sortby)
    ids_first = provider(store).query(offset=offset, limit=25, sortby=sortby)
    assert one_query == ids_first and one_query["numberReturned"] == 25


def test_deep_pages_keep_sortby_and_filters(store, plates):
    p = provider(store)
    result = p.query(offset=75, limit=20, sortby=[{"property": "road", "order": "+"}, {"property": "number", "order": "-"}])
    # road ascending, then number (a whole number, compared as one) descending, then id: stable sorts, last key first
    expected = sorted(plates, key=lambda x: x[0])
    expected = sorted(expected, key=lambda x: x[2], reverse=True)
    expected = [x[0] for x in sorted(expected, key=lambda x: x[1])]
    assert ids(result) == expected[75:95]
    chuncheng = sorted(x[0] for x in plates if x[1] == "春城路")
    filtered = p.query(offset=50, limit=30, filterq=parse("road = '春城路'"))
    assert ids(filtered) == chuncheng[50:80]
    assert filtered["numberMatched"] == len(chuncheng)  # the last page tells exactly


def test_walking_every_page_visits_each_feature_once(store, plates):
    p = provider(store, count_cap=50)
    seen, offset = [], 0
    while True:
        page = p.query(offset=offset, limit=17)
        seen += ids(page)
        if "numberMatched" in page:
            assert page["numberMatched"] == len(plates)  # never wrong when given
        if page["numberReturned"] < 17:
            break
        offset += 17
    assert seen == sorted(x[0] for x in plates)


def test_past_the_count_cap_no_count_is_run_and_none_is_claimed(store, plates):
    p = provider(store, count_cap=50)
    statements = []
    listener = lambda conn, cursor, sql, *args: statements.append(sql.lower())  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        assert "numberMatched" not in p.query(offset=60, limit=10)
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    assert statements and not any("count(" in sql for sql in statements)
    assert "numberMatched" not in p.query(offset=0, limit=10)
    last = p.query(offset=len(plates) - 5, limit=10)
    assert last["numberReturned"] == 5 and last["numberMatched"] == len(plates)
    assert provider(store).query(offset=len(plates) + 10, limit=10)["features"] == []
