"""Real OGC API clients over real HTTP, on both backends: GDAL's OAPIF driver and OWSLib.

The server runs in its own process (werkzeug) with a page size of 20 and more addresses than
that, so both clients must follow ``next`` links to read them all: counts and coordinates prove the paging,
the CRS negotiation and the axis order work for software we did not write. For every collection
a bbox, a CQL2 filter (text by GET, JSON by POST) and paging are compared with the rows read
straight from the database (the collection's table and fixed filter, shapely for the box).
"""

from __future__ import annotations

import sys
from collections import Counter

import pyogrio
import pyproj
import pytest
from live_server import free_port, serving
from ogc_seed import GUANSHANG_POINT, seed
from owslib.ogcapi.features import Features
from shapely import Point, box
from shapely.geometry import shape

from gis.ogc.extents import source_of
from placenames.models import DoorPlate
from server import public_collections

EXTRA_PLATES = 30  # more than a page (max_items=20): the clients must follow next links
# Collections whose content ogc_seed fixes; the others are compared between the two clients.
EXPECTED_COUNTS = {
    "roads": 2,
    "addresses": 3 + EXTRA_PLATES,
    "buildings": 2,
    "waterways": 1,
    "subdistricts": 1,
    "communities": 2,
    "blocks": 2,
}


SERVER = """
import sys
from werkzeug.serving import make_server
from gis.settings import Settings
from server import create_app
url, port, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
app = create_app(Settings(database_url=url, public_url=f"http://127.0.0.1:{port}", work_dir=work, max_items=20))
make_server("127.0.0.1", port, app, threaded=True).serve_forever()
"""


def add_plates(store, road_id: int, count: int) -> None:
    with store.transaction(actor="test", reason="fixture") as session:
        session.add_all(
            DoorPlate(road_id=road_id, number=n, number_text=f"{n}号", address=f"官渡区北京路{n}号", geom=Point(102.7105, 25.05 + n * 1e-4))
            for n in range(100, 100 + 2 * count, 2)
        )


@pytest.fixture
def base_url(store, tmp_path):
    """The app served over HTTP by another process (``live_server``: GDAL holds the GIL while it reads)."""
    ids = seed(store)
    add_plates(store, ids["road_beijing"], EXTRA_PLATES)
    port = free_port()
    with serving([sys.executable, "-c", SERVER, store.url, str(port), str(tmp_path / "run")], port, tmp_path / "server.log") as base:
        yield base + "/ogc"


def test_gdal_and_owslib_read_every_collection(base_url):
    ows = Features(base_url)
    listed = {c["id"] for c in ows.collections()["collections"]}
    assert listed == {c.id for c in public_collections()}
    for collection in sorted(listed):
        frame = pyogrio.read_dataframe(f"OAPIF:{base_url}", layer=collection)
        hits = ows.collection_items(collection, resulttype="hits")["numberMatched"]
        assert len(frame) == hits, collection
        if collection in EXPECTED_COUNTS:
            assert hits == EXPECTED_COUNTS[collection], collection
        if frame.empty:
            continue
        assert frame["geometry"].notna().all()
        bounds = frame.total_bounds
        assert 102.6 < bounds[0] and bounds[2] < 103.1 and 24.85 < bounds[1] and bounds[3] < 25.2, collection
    roads = pyogrio.read_dataframe(f"OAPIF:{base_url}", layer="roads")
    assert sorted(roads["name"]) == ["北京路", "春城路"]
    # one geometry type per layer where GDAL needs one: the place names split by type
    assert pyogrio.read_info(f"OAPIF:{base_url}", layer="placenames-points")["geometry_type"] == "Point"
    assert pyogrio.read_info(f"OAPIF:{base_url}", layer="placenames-polygons")["geometry_type"] == "Polygon"
    assert set(pyogrio.read_dataframe(f"OAPIF:{base_url}", layer="placenames-points").geom_type) == {"Point"}


def test_gdal_reads_projected_and_lat_first_crs_with_right_axes(base_url):
    easting, northing = pyproj.Transformer.from_crs(4490, 4543, always_xy=True).transform(*GUANSHANG_POINT)
    metres = pyogrio.read_dataframe(f"OAPIF:{base_url}", layer="placenames", CRS="EPSG:4543", where="name = '关上'")
    assert metres.crs.to_epsg() == 4543
    point = metres.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((easting, northing), abs=0.01)  # GDAL hands out x = easting
    boxed = pyogrio.read_dataframe(
        f"OAPIF:{base_url}", layer="placenames", CRS="EPSG:4543", bbox=(easting - 50, northing - 50, easting + 50, northing + 50)
    )
    assert list(boxed["name"]) == ["关上"]
    degrees = pyogrio.read_dataframe(f"OAPIF:{base_url}", layer="placenames", CRS="EPSG:4490", where="name = '关上'")
    assert (degrees.geometry.iloc[0].x, degrees.geometry.iloc[0].y) == pytest.approx(GUANSHANG_POINT)


def test_owslib_filters_and_single_items(base_url):
    ows = Features(base_url)
    found = ows.collection_items("addresses", q="春城路", limit=2)
    assert found["numberMatched"] == 2
    assert sorted(f["properties"]["number"] for f in found["features"]) == [1, 3]  # a number, for sorting and comparing
    boxed = ows.collection_items("placenames", bbox=[102.744, 25.009, 102.746, 25.011])
    assert [f["properties"]["name"] for f in boxed["features"]] == ["关上"]
    beijing = ows.collection_items("roads", name="北京路")["features"][0]
    item = ows.collection_item("roads", str(beijing["id"]))
    assert item["properties"]["name"] == "北京路"
    assert shape(item["geometry"]).bounds[0] == pytest.approx(102.71)
    queryables = ows.collection_queryables("addresses")
    assert {"road", "number", "address"} <= set(queryables["properties"])


# Part of the seeded area: Beijing road and the extra plates on it, the west end of Chuncheng road,
# part of each community and block; the river lies outside.
BOX = (102.70, 24.99, 102.73, 25.07)
PAGE = 7  # a page size that splits every collection of more than 7 into several pages


def database_rows(store, collection) -> list[dict]:
    """The collection's rows read straight from the database: its table, joins and fixed filter."""
    source = source_of(collection)
    with store.read(public=True) as session:
        rows = session.execute(source.select(list(source.columns), with_geometry=True)).mappings().all()
    return [dict(row) for row in rows]


def text_condition(rows: list[dict]) -> tuple[str, str] | None:
    """The property and text value most rows share (so the filtered result may span pages), or None."""
    counts = Counter(
        (name, value)
        for row in rows
        for name, value in row.items()
        if not name.startswith("__") and isinstance(value, str) and value and "'" not in value
    )
    return counts.most_common(1)[0][0] if counts else None


def pages(ows, collection: str, **query) -> list:
    """Every feature id the query selects, read PAGE at a time while there is a next link."""
    ids, offset = [], 0
    while True:
        page = ows.collection_items(collection, limit=PAGE, offset=offset, **query)
        ids += [f["id"] for f in page["features"]]
        assert page["numberReturned"] == len(page["features"]) <= PAGE, collection
        if not any(link["rel"] == "next" for link in page["links"]):
            return ids
        offset += PAGE


def test_clients_bbox_filter_and_paging_match_the_database(store, base_url):
    """For every collection: bbox, CQL2 text (GET) and JSON (POST) filters and paging, read by
    GDAL and OWSLib, give what the database holds."""
    ows = Features(base_url)
    area = box(*BOX)
    compared = 0
    for collection in public_collections():
        rows = database_rows(store, collection)
        cid = collection.id
        in_box = {row["__id"] for row in rows if row["__geom"] is not None and row["__geom"].intersects(area)}
        frame = pyogrio.read_dataframe(f"OAPIF:{base_url}", layer=cid, bbox=BOX)
        assert len(frame) == len(in_box), cid
        assert sorted(pages(ows, cid, bbox=list(BOX))) == sorted(in_box), cid
        assert sorted(pages(ows, cid)) == sorted(row["__id"] for row in rows), cid  # each once
        condition = text_condition(rows)
        if condition is None:
            continue
        name, value = condition
        matching = {row["__id"] for row in rows if row[name] == value}
        text = pages(ows, cid, filter=f"{name} = '{value}'", **{"filter-lang": "cql2-text"})
        assert sorted(text) == sorted(matching), (cid, name)
        posted = pages(ows, cid, cql={"op": "=", "args": [{"property": name}, value]})
        assert sorted(posted) == sorted(matching), (cid, name)
        both = matching & in_box
        filtered = pyogrio.read_dataframe(f"OAPIF:{base_url}", layer=cid, bbox=BOX, where=f"{name} = '{value}'")
        assert len(filtered) == len(both), (cid, name)
        compared += 1
    assert compared >= len(EXPECTED_COUNTS)  # every seeded collection had a condition to test
