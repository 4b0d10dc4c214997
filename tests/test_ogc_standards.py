"""OGC API - Features details found by conformance testing (issue 15), on both backends:
CQL2 JSON spatial filters, filter-crs/bbox-crs axis order and short CRS forms, speed of
non-CRS84 queries, boolean literals, invalid coordinates."""

from __future__ import annotations

import json
import time

import pyproj
import pytest
from conftest import BACKENDS, make_store
from ogc_seed import GUANSHANG_POINT, seed
from pygeofilter import ast
from pygeofilter import values as fvalues

from gis.ogc import filters
from gis.settings import Settings
from server import create_app

EPSG_4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"
EPSG_4543 = "http://www.opengis.net/def/crs/EPSG/0/4543"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
LON, LAT = GUANSHANG_POINT
NORTHING, EASTING = pyproj.Transformer.from_crs(4490, 4543, always_xy=True).transform(LON, LAT)[::-1]


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("standards")
    store = make_store(request, request.param, tmp_path)
    ids = seed(store)
    add_numbered_plates(store, ids["road_chuncheng"])
    settings = Settings(database_url=store.url, public_url="http://diming.test", work_dir=str(tmp_path / "run"), max_items=50)
    return create_app(settings).test_client()


def add_numbered_plates(store, road_id: int) -> None:
    """Door numbers that sort differently as text and as numbers, one with a suffix, in a community."""
    from shapely import Point

    from placenames.models import DoorPlate

    with store.transaction(actor="test", reason="fixture") as session:
        for number, suffix in ((12, "附1"), (301, ""), (45, ""), (1000, "")):
            session.add(
                DoorPlate(
                    road_id=road_id,
                    number=number,
                    suffix=suffix,
                    number_text=f"{number}{suffix}号" if suffix else f"{number}号",
                    address=f"官渡区春城路{number}号{suffix}",
                    admin_code="530111001001",
                    geom=Point(102.73, 25.0205),
                )
            )


def items(client, collection="placenames", **params):
    return client.get(f"/ogc/collections/{collection}/items", query_string=params)


def names(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(f["properties"]["name"] for f in response.get_json()["features"])


def cql_json(expression) -> dict:
    return {"filter": json.dumps(expression), "filter-lang": "cql2-json"}


def intersects(geometry) -> dict:
    return {"op": "s_intersects", "args": [{"property": "geometry"}, geometry]}


BOX_CRS84 = [LON - 0.001, LAT - 0.001, LON + 0.001, LAT + 0.001]
BOX_4490 = [LAT - 0.001, LON - 0.001, LAT + 0.001, LON + 0.001]
BOX_4543 = [NORTHING - 50, EASTING - 50, NORTHING + 50, EASTING + 50]


def ring(minx, miny, maxx, maxy):
    return [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]]


# --- 3. CQL2 JSON spatial filters -------------------------------------------------------------


@pytest.mark.parametrize(
    "geometry",
    [{"bbox": BOX_CRS84}, {"type": "Polygon", "coordinates": ring(*BOX_CRS84)}, {"type": "Point", "coordinates": [LON, LAT]}],
    ids=["bbox", "polygon", "point"],
)
def test_cql2_json_s_intersects_finds_the_feature(client, geometry):
    assert names(items(client, **cql_json(intersects(geometry)))) == ["关上"]
    posted = client.post(
        "/ogc/collections/placenames/items", data=json.dumps(intersects(geometry)), content_type="application/query-cql-json"
    )
    assert names(posted) == ["关上"]


@pytest.mark.parametrize(
    "params",
    [
        cql_json(intersects({"type": "Point", "coordinates": [LON, 180]})),
        cql_json(intersects({"bbox": [LON, 170, LON + 1, 180]})),
        {"filter": "S_INTERSECTS(geometry, POINT(102.7 180))"},
        {"filter": "S_INTERSECTS(geometry, POINT(NaN 25))"},
        {"filter": '{"op": "s_intersects", "args": [{"property": "geometry"}, {"type": "Point", "coordinates": [NaN, 25]}]}'},
        {"filter": '{"op": "s_intersects", "args": [{"property": "geometry"}, {"type": "Point", "coordinates": [Infinity, 25]}]}'},
        {"filter": "S_INTERSECTS(geometry, POINT(102.7 25.0))", "filter-crs": EPSG_4490},  # 102.7 is no latitude
        {"bbox": "102.7,25,102.8,180"},
        {"bbox": "25,102.7,25.1,102.8"},  # lat-first without bbox-crs: latitude 102.7
    ],
)
def test_coordinates_off_the_globe_are_400(client, params):
    response = items(client, **params)
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert "/" in body["description"]  # bilingual


def test_posted_nan_is_400_not_500(client):
    body = '{"op": "s_intersects", "args": [{"property": "geometry"}, {"type": "Point", "coordinates": [NaN, 25]}]}'
    assert client.post("/ogc/collections/placenames/items", data=body, content_type="application/query-cql-json").status_code == 400


# --- 4. filter-crs / bbox-crs axis order and short forms ------------------------------------------


@pytest.mark.parametrize("crs", [EPSG_4490, "EPSG:4490", "epsg:4490"])
def test_epsg_4490_is_latitude_first_in_filters_and_bboxes(client, crs):
    expected = names(items(client, bbox=",".join(map(str, BOX_CRS84))))
    assert expected == ["关上"]
    assert names(items(client, bbox=",".join(map(str, BOX_4490)), **{"bbox-crs": crs})) == expected
    polygon = "POLYGON((" + ", ".join(f"{y} {x}" for x, y in ring(*BOX_CRS84)[0]) + "))"
    assert names(items(client, filter=f"S_INTERSECTS(geometry, {polygon})", **{"filter-crs": crs})) == expected
    bbox = ", ".join(map(str, BOX_4490))
    assert names(items(client, filter=f"S_INTERSECTS(geometry, BBOX({bbox}))", **{"filter-crs": crs})) == expected
    assert names(items(client, filter=f"BBOX(geometry, {bbox})", **{"filter-crs": crs})) == expected
    as_json = cql_json(intersects({"bbox": BOX_4490}))
    assert names(items(client, **as_json, **{"filter-crs": crs})) == expected


@pytest.mark.parametrize("crs", [EPSG_4543, "EPSG:4543"])
def test_epsg_4543_is_northing_first_in_filters_and_bboxes(client, crs):
    assert names(items(client, bbox=",".join(map(str, BOX_4543)), **{"bbox-crs": crs})) == ["关上"]
    polygon = "POLYGON((" + ", ".join(f"{n} {e}" for n, e in ring(*BOX_4543)[0]) + "))"
    assert names(items(client, filter=f"S_INTERSECTS(geometry, {polygon})", **{"filter-crs": crs})) == ["关上"]
    bbox = ", ".join(map(str, BOX_4543))
    assert names(items(client, filter=f"S_INTERSECTS(geometry, BBOX({bbox}))", **{"filter-crs": crs})) == ["关上"]
    far = ", ".join(str(v + 500) for v in BOX_4543)  # 500 m north and east: nothing
    assert names(items(client, filter=f"S_INTERSECTS(geometry, BBOX({far}))", **{"filter-crs": crs})) == []


@pytest.mark.parametrize("short", ["CRS84", "OGC:CRS84", "crs84", CRS84])
def test_crs84_short_forms_mean_crs84_everywhere(client, short):
    plain = items(client, filter="name = '关上'")
    response = items(client, filter="name = '关上'", crs=short)
    assert response.headers["Content-Crs"] == f"<{CRS84}>"
    assert response.get_json()["features"][0]["geometry"] == plain.get_json()["features"][0]["geometry"]
    assert names(items(client, bbox=",".join(map(str, BOX_CRS84)), **{"bbox-crs": short})) == ["关上"]
    polygon = "POLYGON((" + ", ".join(f"{x} {y}" for x, y in ring(*BOX_CRS84)[0]) + "))"
    assert names(items(client, filter=f"S_INTERSECTS(geometry, {polygon})", **{"filter-crs": short})) == ["关上"]


def test_short_epsg_output_crs_is_the_uri_it_names(client):
    response = items(client, filter="name = '关上'", crs="EPSG:4490")
    assert response.headers["Content-Crs"] == f"<{EPSG_4490}>"
    assert response.get_json()["features"][0]["geometry"]["coordinates"] == pytest.approx([LAT, LON])
    feature_id = response.get_json()["features"][0]["id"]
    one = client.get(f"/ogc/collections/placenames/items/{feature_id}", query_string={"crs": "EPSG:4543", "f": "json"})
    assert one.status_code == 200 and one.headers["Content-Crs"] == f"<{EPSG_4543}>"
    assert one.get_json()["geometry"]["coordinates"] == pytest.approx([NORTHING, EASTING], abs=0.01)


@pytest.mark.parametrize("parameter", ["crs", "bbox-crs", "filter-crs"])
@pytest.mark.parametrize("value", ["EPSG:3857", "EPSG:99999", "nonsense", "GCJ-02"])
def test_crs_not_offered_is_a_bilingual_400(client, parameter, value):
    params = {parameter: value, "bbox": ",".join(map(str, BOX_CRS84))} if parameter == "bbox-crs" else {parameter: value}
    if parameter == "filter-crs":
        params["filter"] = "S_INTERSECTS(geometry, POINT(1 2))"
    response = items(client, **params)
    assert response.status_code == 400, response.get_data(as_text=True)
    message = response.get_json()["message"]
    assert message["zh"] and message["en"] and message["zh"] != message["en"]


# --- 5. speed -----------------------------------------------------------------------------------


def test_other_crs_queries_cost_about_what_crs84_ones_do(client):
    """pygeoapi built a pyproj Transformer per request (0.6-1.2 s); now one cached transform."""

    def timed(**params):
        items(client, **params)  # warm
        start = time.perf_counter()
        for _ in range(5):
            assert items(client, **params).status_code == 200
        return (time.perf_counter() - start) / 5

    base = timed(bbox=",".join(map(str, BOX_CRS84)))
    for params in (
        {"bbox": ",".join(map(str, BOX_4490)), "bbox-crs": EPSG_4490},
        {"bbox": ",".join(map(str, BOX_4543)), "bbox-crs": EPSG_4543},
        {"filter": f"S_INTERSECTS(geometry, POINT({NORTHING} {EASTING}))", "filter-crs": EPSG_4543},
        {"filter": f"S_INTERSECTS(geometry, POINT({LAT} {LON}))", "filter-crs": "EPSG:4490"},
    ):
        assert timed(**params) < base * 3 + 0.05, params


# --- 6. boolean literals ---------------------------------------------------------------------------


def test_boolean_literals_are_conditions(client):
    everything = names(items(client))
    assert names(items(client, filter="TRUE")) == everything
    assert names(items(client, filter="true")) == everything
    assert names(items(client, filter="FALSE")) == []
    assert names(items(client, filter="TRUE AND name = '关上'")) == ["关上"]
    assert names(items(client, filter="(false) OR name = 'TRUE'")) == []
    assert names(items(client, **cql_json(True))) == everything
    assert names(items(client, **cql_json({"op": "and", "args": [True, {"op": "=", "args": [{"property": "name"}, "太和"]}]}))) == ["太和"]


def test_filter_rewriting_keeps_comparisons_with_booleans():
    tree = filters.to_storage(ast.Equal(ast.Attribute("flag"), True), filter_crs_uri=None)
    assert tree == ast.Equal(ast.Attribute("flag"), True)
    moved = filters.to_storage(
        filters.parse_text("S_INTERSECTS(geometry, POINT(25 102))"), filter_crs_uri="EPSG:4490", geometry_column_name="geom"
    )
    assert moved.lhs == ast.Attribute("geom") and isinstance(moved.rhs, fvalues.Geometry)
    assert moved.rhs.geometry["coordinates"] == pytest.approx((102, 25))


# --- 7. queryables: JSON Schema 2020-12, every property titled ------------------------------------


def test_every_published_property_has_a_title():
    from gis.ogc.titles import TITLES
    from server import public_collections

    missing = {(c.id, p) for c in public_collections() for p in c.properties if p not in TITLES}
    assert not missing


@pytest.mark.parametrize("document", ["queryables", "schema"])
def test_queryables_and_schema_declare_2020_12_and_titles(client, document):
    from server import public_collections

    for collection in public_collections():
        zh = client.get(f"/ogc/collections/{collection.id}/{document}", query_string={"f": "json"})
        assert zh.status_code == 200 and zh.headers["Content-Type"].startswith("application/schema+json")
        body = zh.get_json()
        assert body["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert set(collection.properties) <= set(body["properties"])
        for name, schema in body["properties"].items():
            assert schema["title"] != name, (collection.id, name)
    assert client.get(f"/ogc/collections/roads/{document}", query_string={"f": "json"}).get_json()["properties"]["name"]["title"] == "名称"
    en = client.get(f"/ogc/collections/roads/{document}", query_string={"f": "json", "lang": "en"}).get_json()
    assert en["properties"]["name"]["title"] == "Name"
    page = client.get(f"/ogc/collections/roads/{document}", query_string={"f": "html"}).get_data(as_text=True)
    if document == "queryables":
        assert "<td>名称</td>" in page


# --- 8. GeoJSON media type ---------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["application/geo+json", None, "application/geo+json, application/json;q=0.9", "*/*"])
def test_features_are_served_as_geojson(client, accept):
    headers = {"Accept": accept} if accept else {}
    feature_id = items(client).get_json()["features"][0]["id"]
    for path in ("/ogc/collections/placenames/items", f"/ogc/collections/placenames/items/{feature_id}"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200 and response.headers["Content-Type"] == "application/geo+json", (path, accept)
    plain = client.get(f"/ogc/collections/placenames/items/{feature_id}", headers={"Accept": "application/json"})
    assert plain.headers["Content-Type"].startswith("application/json")  # asked for plain JSON only


# --- 9. datetime ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["not-a-date", "2020-13-01", "2021-01-01/2020-01-01", "../..", "2020-01-01T25:00:00Z", "a/b/c"])
def test_invalid_datetime_is_a_bilingual_400(client, value):
    response = items(client, datetime=value)
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert "datetime" in message["en"] and "datetime" in message["zh"]


@pytest.mark.parametrize(
    "value", ["2020-01-01", "2020-01-01T08:00:00Z", "2020-01-01/2021-01-01", "../2020-01-01", "2020-01-01/", "2020-01-01T08:00:00+08:00/.."]
)
def test_valid_datetime_on_a_collection_without_time_is_ignored(client, value):
    assert names(items(client, datetime=value)) == names(items(client))


def test_openapi_declares_datetime_and_the_bearer_token_of_protected_operations(client):
    oas = client.get("/ogc/openapi", query_string={"f": "json"}).get_json()
    for path, operations in oas["paths"].items():
        if path.endswith("/items") and "get" in operations:
            assert {"$ref": "#/components/parameters/datetime"} in operations["get"]["parameters"], path
    assert oas["components"]["parameters"]["datetime"]["in"] == "query"
    assert oas["components"]["securitySchemes"]["bearer"] == {
        **oas["components"]["securitySchemes"]["bearer"],
        "type": "http",
        "scheme": "bearer",
    }
    protected = [("/jobs", "get"), ("/jobs/{jobId}", "get"), ("/jobs/{jobId}", "delete"), ("/jobs/{jobId}/results", "get")]
    protected += [(path, "post") for path in oas["paths"] if path.endswith("/execution")]
    assert len(protected) > 4
    for path, method in protected:
        operation = oas["paths"][path][method]
        assert operation["security"] == [{"bearer": []}] and "401" in operation["responses"], (path, method)
        unauthenticated = getattr(client, method)("/ogc" + path.replace("{jobId}", "1"), **({"json": {}} if method == "post" else {}))
        assert unauthenticated.status_code == 401, (path, method)
    for path, operations in oas["paths"].items():
        for method, operation in operations.items():
            if (path, method) not in protected and isinstance(operation, dict):
                assert "security" not in operation, (path, method)


# --- 11. what GIS users found: CSV geometry, JSON-LD properties, links of deep pages -----------------


def test_csv_has_id_properties_and_wkt_of_every_geometry_type(client):
    import csv
    import io

    from shapely import wkt

    response = items(client, f="csv", sortby="name")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["name"] for row in rows] == sorted(row["name"] for row in rows) and len(rows) == 3
    geojson = {f["properties"]["name"]: f for f in items(client).get_json()["features"]}
    for row in rows:
        assert int(row["id"]) == geojson[row["name"]]["id"]
        assert wkt.loads(row["wkt"]).equals(__import__("shapely").geometry.shape(geojson[row["name"]]["geometry"]))
    assert {wkt.loads(row["wkt"]).geom_type for row in rows} == {"Point", "Polygon"}
    lat_first = list(csv.DictReader(io.StringIO(items(client, f="csv", crs="EPSG:4490", filter="name = '关上'").get_data(as_text=True))))
    assert wkt.loads(lat_first[0]["wkt"]).coords[0] == pytest.approx((LAT, LON))


def test_jsonld_features_carry_their_properties(client):
    body = items(client, "roads", f="jsonld").get_json()
    assert body["@context"][0]["@vocab"].endswith("/collections/roads/schema#")
    by_name = {f["name"]: f for f in body["features"]}
    assert set(by_name) == {"北京路", "春城路"}
    assert by_name["春城路"]["road_class"] == "main" and by_name["春城路"]["@id"].endswith(f"/items/{by_name['春城路']['id']}")
    assert "geometry" in by_name["春城路"]


def test_every_link_of_a_page_keeps_its_offset_and_limit(client):
    from urllib.parse import parse_qs, urlsplit

    page = items(client, limit=1, offset=1, sortby="name").get_json()
    links = {(link["rel"], link.get("type")): parse_qs(urlsplit(link["href"]).query) for link in page["links"]}
    for (rel, media), query in links.items():
        if rel in ("self", "alternate"):
            assert query["offset"] == ["1"] and query["limit"] == ["1"] and query["sortby"] == ["name"], (rel, media)
    assert links[("next", "application/geo+json")]["offset"] == ["2"] and links[("prev", "application/geo+json")]["offset"] == ["0"]
    csv_href = next(link["href"] for link in page["links"] if link.get("type", "").startswith("text/csv"))
    csv_rows = client.get(csv_href.replace("http://diming.test", "")).get_data(as_text=True).splitlines()
    assert len(csv_rows) == 2 and page["features"][0]["properties"]["name"] in csv_rows[1]  # the CSV of page 2 is page 2
    html = items(client, limit=1, offset=1, f="html").get_data(as_text=True)
    assert "f=csv&amp;limit=1&amp;offset=1" in html


def test_door_numbers_sort_and_compare_as_numbers_and_keep_their_text(client):
    def numbers(**params):
        response = items(client, "addresses", **params)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [(f["properties"]["number"], f["properties"]["number_text"]) for f in response.get_json()["features"]]

    ordered = numbers(sortby="number", road="春城路")
    assert [n for n, _ in ordered] == [1, 3, 12, 45, 301, 1000]  # as text 1000 would come before 12
    assert (12, "12附1号") in ordered
    assert [n for n, _ in numbers(filter="number > 300")] == [301, 1000]
    assert [n for n, _ in numbers(number="45")] == [45]
    assert numbers(filter="number_text LIKE '%附%'") == [(12, "12附1号")]
    assert items(client, "addresses", filter="number > 'abc'").status_code == 400
    queryables = client.get("/ogc/collections/addresses/queryables", query_string={"f": "json"}).get_json()["properties"]
    assert queryables["number"]["type"] == "integer" and queryables["number_text"]["type"] == "string"


def test_addresses_carry_community_and_subdistrict_codes(client):
    feature = items(client, "addresses", filter="number = 301").get_json()["features"][0]["properties"]
    assert feature["community_code"] == "530111001001" and feature["subdistrict_code"] == "530111001"
    assert len(items(client, "addresses", subdistrict_code="530111001").get_json()["features"]) == 4
    assert items(client, "addresses", filter="community_code = '530111001001' AND number >= 45").get_json()["numberReturned"] == 3


def test_door_plates_show_their_address_and_number(client, tmp_path):
    queryables = client.get("/ogc/collections/door-plates/queryables", query_string={"f": "json"}).get_json()["properties"]
    assert {"address", "number", "number_text"} <= set(queryables) and queryables["number"]["type"] == "integer"


def test_landing_page_contact_is_the_service_not_the_software(client):
    import re

    for lang, expected in (
        (None, ["官渡区民政局", "昆明市", "云南省", "中国"]),
        ("en", ["Guandu District Civil Affairs Bureau", "Kunming", "China"]),
    ):
        page = client.get("/ogc/", query_string={"f": "html", **({"lang": lang} if lang else {})}).get_data(as_text=True)
        contact = re.sub(r"<[^>]+>", " ", page[page.find("联系方式" if lang is None else "Contact") :])
        contact = " ".join(contact.split())[:200]
        assert all(word in contact for word in expected), contact
        assert "diming" not in contact and " CN " not in f" {contact} ", contact


def test_contact_defaults_to_the_provider():
    from gis.ogc.config import DEFAULT_METADATA, build_config

    metadata = {**DEFAULT_METADATA, "provider": {"name": "某区民政局", "url": ""}}
    config = build_config([], Settings(database_url="sqlite:///unused.gpkg", work_dir="unused"), metadata=metadata)
    assert config["metadata"]["contact"]["name"] == "某区民政局" and not config["metadata"]["contact"]["country"]


def test_items_page_asks_for_the_total_it_could_not_count(client):
    """Beyond the count cap a page carries no numberMatched; its HTML asks resulttype=hits for the total."""
    import re

    from api.ogc import mount

    provider = client.application.extensions[mount.EXTENSION_KEY].config["resources"]["placenames"]["providers"][0]
    counted = client.get("/ogc/collections/placenames/items", query_string={"f": "html", "limit": 1}).get_data(as_text=True)
    assert "共 3 ·" in counted and "data-hits" not in counted
    provider["count_cap"] = 1
    try:
        page = client.get("/ogc/collections/placenames/items", query_string={"f": "html", "limit": 1}).get_data(as_text=True)
    finally:
        del provider["count_cap"]
    hits = re.search(r'id="items-total" data-hits="([^"]+)"', page)
    assert hits, page
    answer = client.get(hits[1].replace("&amp;", "&").removeprefix("http://diming.test")).get_json()
    assert answer["numberMatched"] == 3 and answer["features"] == []


def test_placenames_split_by_geometry_type_cover_the_mixed_collection(client):
    def features(collection):
        body = items(client, collection, limit=50).get_json()
        return {f["properties"]["name"]: f["geometry"]["type"] for f in body["features"]}

    mixed = features("placenames")
    points, lines, polygons = (features(f"placenames-{kind}") for kind in ("points", "lines", "polygons"))
    assert set(points.values()) <= {"Point", "MultiPoint"} and points
    assert set(polygons.values()) <= {"Polygon", "MultiPolygon"} and polygons
    assert set(lines.values()) <= {"LineString", "MultiLineString"}
    assert {**points, **lines, **polygons} == mixed and len(points) + len(lines) + len(polygons) == len(mixed)
    assert items(client, "placenames-points", filter="name = '宝海公园'").get_json()["numberMatched"] == 0
