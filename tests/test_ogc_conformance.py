"""OGC API - Features conformance checks of our own, on both backends (Parts 1-3 + limits)."""

from __future__ import annotations

import json

import pyproj
import pytest
from conftest import BACKENDS, make_store
from ogc_seed import GUANSHANG_POINT, seed

from api.ogc import compat
from api.ogc.limits import bbox_area_km2
from gis.profile import current_profile
from gis.settings import Settings
from server import create_app

PUBLIC_URL = "http://diming.test"
EPSG_4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"
EPSG_4543 = "http://www.opengis.net/def/crs/EPSG/0/4543"


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, tmp_path_factory):
    """One seeded database and app per backend for the module: these tests only read."""
    tmp_path = tmp_path_factory.mktemp("conformance")
    store = make_store(request, request.param, tmp_path)
    seed(store)
    settings = Settings(
        database_url=store.url, public_url=PUBLIC_URL, work_dir=str(tmp_path / "run"), max_items=50, max_bbox_km2=3000, max_filter_chars=500
    )
    return create_app(settings).test_client()


def get_items(client, collection, **params):
    return client.get(f"/ogc/collections/{collection}/items", query_string=params)


def names(response, key="name"):
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(f["properties"][key] for f in response.get_json()["features"])


def error_text(response) -> str:
    body = response.get_json()
    return body.get("description", "") + json.dumps(body.get("message", ""), ensure_ascii=False)


def test_landing_conformance_and_api_document(client):
    landing = client.get("/ogc/", query_string={"f": "json"}).get_json()
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "conformance", "data", "service-desc"} <= rels
    conforms = set(client.get("/ogc/conformance", query_string={"f": "json"}).get_json()["conformsTo"])
    assert set(compat.CONFORMANCE_CLASSES) <= conforms
    assert not any("ogcapi-features-4" in c for c in conforms)  # read-only: no create/replace/delete claimed
    oas = client.get("/ogc/openapi", query_string={"f": "json"}).get_json()
    assert oas["openapi"].startswith("3.0")
    parameters = oas["paths"]["/collections/roads/items"]["get"]["parameters"]
    limit = next(p for p in parameters if p.get("name") == "limit")
    assert limit["schema"]["maximum"] == 50


def test_api_document_resolves_offline(client):
    """Every $ref of the served OpenAPI document points inside it (no schemas.opengis.net)."""
    oas = client.get("/ogc/openapi", query_string={"f": "json"}).get_json()
    refs = []

    def collect(node):
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(oas)
    assert refs and all(ref.startswith("#/") for ref in refs), sorted({r for r in refs if not r.startswith("#/")})
    for ref in set(refs):
        target = oas
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        assert isinstance(target, dict) and target, ref
    items = oas["paths"]["/collections/roads/items"]["get"]["responses"]["200"]["$ref"]
    features = oas["components"]["responses"][items.rsplit("/", 1)[-1]]["content"]["application/geo+json"]["schema"]
    assert features["required"] == ["type", "features"]


def test_collection_metadata_lists_crs_and_storage_crs(client):
    roads = client.get("/ogc/collections/roads", query_string={"f": "json"}).get_json()
    assert {"http://www.opengis.net/def/crs/OGC/1.3/CRS84", EPSG_4490, EPSG_4543} <= set(roads["crs"])
    assert any(link["rel"].endswith("queryables") for link in roads["links"])


def test_queryables_are_the_public_properties(client):
    body = client.get("/ogc/collections/addresses/queryables", query_string={"f": "json"}).get_json()
    assert {"road", "number", "address"} <= set(body["properties"])
    assert "road_id" not in body["properties"] and "created_by" not in body["properties"]


def test_paging_walks_every_feature_once_with_exact_counts(client):
    everything = names(get_items(client, "placenames", limit=50))
    total = len(everything)
    assert total >= 3
    seen, offset = [], 0
    while True:
        body = get_items(client, "placenames", limit=2, offset=offset, sortby="name").get_json()
        assert body.get("numberMatched", total) == total  # never wrong when given
        seen += [f["properties"]["name"] for f in body["features"]]
        if not any(link["rel"] == "next" for link in body["links"]):
            break
        offset += 2
    assert sorted(seen) == everything
    past_end = get_items(client, "placenames", limit=2, offset=40).get_json()
    assert past_end["numberReturned"] == 0 and past_end["numberMatched"] == total


def test_sortby_properties_and_skip_geometry(client):
    body = get_items(client, "placenames", sortby="-name", properties="name,romanization", skipGeometry="true").get_json()
    got = [f["properties"]["name"] for f in body["features"]]
    assert got == sorted(got, reverse=True)
    assert set(body["features"][0]["properties"]) == {"name", "romanization"}
    assert body["features"][0]["geometry"] is None
    assert get_items(client, "placenames", sortby="nosuch").status_code == 400
    assert get_items(client, "placenames", properties="name,nosuch").status_code == 400


def test_crs_axis_order_and_bbox_crs(client):
    lat_first = get_items(client, "placenames", crs=EPSG_4490, filter="name='关上'")
    assert lat_first.headers["Content-Crs"] == f"<{EPSG_4490}>"
    assert lat_first.get_json()["features"][0]["geometry"]["coordinates"] == pytest.approx(GUANSHANG_POINT[::-1])
    easting, northing = pyproj.Transformer.from_crs(4490, 4543, always_xy=True).transform(*GUANSHANG_POINT)
    metres = get_items(client, "placenames", crs=EPSG_4543, filter="name='关上'").get_json()
    assert metres["features"][0]["geometry"]["coordinates"] == pytest.approx([northing, easting], abs=0.01)
    # a bbox in EPSG:4543 is northing first, like its coordinates
    box = f"{northing - 50},{easting - 50},{northing + 50},{easting + 50}"
    assert names(get_items(client, "placenames", bbox=box, **{"bbox-crs": EPSG_4543})) == ["关上"]
    assert names(get_items(client, "placenames", bbox="102.744,25.009,102.746,25.011")) == ["关上"]
    assert (
        get_items(
            client,
            "placenames",
            bbox="1,2,3",
        ).status_code
        == 400
    )


def test_cql2_text_and_json_give_the_same_features(client):
    text = "name LIKE '%城%' OR road_class IN ('trunk')"
    as_json = {
        "op": "or",
        "args": [
            {"op": "like", "args": [{"property": "name"}, "%城%"]},
            {"op": "in", "args": [{"property": "road_class"}, ["trunk"]]},
        ],
    }
    expected = ["北京路", "春城路"]
    assert names(get_items(client, "roads", filter=text)) == expected
    assert names(get_items(client, "roads", filter=json.dumps(as_json), **{"filter-lang": "cql2-json"})) == expected
    posted = client.post(
        "/ogc/collections/roads/items",
        data=json.dumps({"op": "=", "args": [{"property": "name"}, "北京路"]}),
        content_type="application/query-cql-json",
    )
    assert names(posted) == ["北京路"]


@pytest.mark.parametrize(
    "cql,expected",
    [
        ("households BETWEEN 10 AND 20", ["BLD-1"]),
        ("floors IS NULL", ["BLD-2"]),
        ("NOT (households < 20)", ["BLD-2"]),
        ("CASEI(code) = casei('bld-1')", ["BLD-1"]),
        ("S_WITHIN(geometry, POLYGON((102.72 25.01, 102.73 25.01, 102.73 25.02, 102.72 25.02, 102.72 25.01)))", ["BLD-1"]),
        ("S_DISJOINT(geometry, POINT(102.7225 25.0125))", ["BLD-2"]),
        ("S_INTERSECTS(geometry, BBOX(102.69, 25.04, 102.70, 25.05))", ["BLD-2"]),
    ],
)
def test_cql2_operators(client, cql, expected):
    assert names(get_items(client, "buildings", filter=cql), "code") == expected


def test_unknown_property_is_400_in_filter_query_and_json(client):
    for params in (
        {"filter": "nosuch = 1"},
        {"nosuch": "1"},
        {"filter": json.dumps({"op": "=", "args": [{"property": "nosuch"}, 1]}), "filter-lang": "cql2-json"},
    ):
        response = get_items(client, "roads", **params)
        assert response.status_code == 400, params
        assert "nosuch" in error_text(response)


def test_limits_are_bilingual_400s(client):
    zero = get_items(client, "roads", limit=0)
    assert zero.status_code == 400
    assert zero.get_json()["message"] == {"zh": "参数 limit 超出范围：至少为 1", "en": "Parameter 'limit' is out of range: at least 1"}
    assert get_items(client, "roads", limit="ten").get_json()["code"] == "bad-request"
    assert get_items(client, "roads", limit=5000).status_code == 200  # served as max_items (GDAL asks for 1000)
    huge = get_items(client, "roads", bbox="100,20,106,30")  # only the part over the data counts (test_ogc_extents.py)
    assert huge.status_code == 200 and huge.get_json()["numberReturned"] == 2
    long_filter = " OR ".join(f"name = '路{i}'" for i in range(60))
    assert get_items(client, "roads", filter=long_filter).get_json()["code"] == "bad-request"
    posted = client.post("/ogc/collections/roads/items", data="{" + " " * 600 + "}", content_type="application/json")
    assert posted.status_code == 400 and "filter" in posted.get_json()["message"]["en"]


def test_bbox_area_uses_the_bbox_crs():
    degrees = bbox_area_km2([102.6, 24.85, 103.1, 25.2], "OGC:CRS84")
    assert 1900 < degrees < 2000  # 官渡区's extent: about 50 km x 39 km
    assert bbox_area_km2([24.85, 102.6, 25.2, 103.1], "EPSG:4490") == pytest.approx(degrees, rel=1e-6)
    assert bbox_area_km2([2_770_000, 560_000, 2_780_000, 570_000], "EPSG:4543") == pytest.approx(100, rel=0.01)


def test_q_search_and_html_language(client):
    assert names(get_items(client, "placenames", q="关上,太和")) == ["关上", "太和"]
    zh = client.get("/ogc/collections", query_string={"f": "html"}).get_data(as_text=True)
    en = client.get("/ogc/collections", query_string={"f": "html", "lang": "en"}).get_data(as_text=True)
    assert "道路（街路巷）" in zh and "Roads and streets" in en


@pytest.mark.parametrize("bbox", ["0,0,1,1", "10,10,10.01,10.01", "-180,-90,180,-80", "103.5,26,104.5,27"])
def test_a_bbox_disjoint_from_the_data_is_an_empty_page(client, bbox):
    body = get_items(client, "placenames", bbox=bbox)
    assert body.status_code == 200, body.get_data(as_text=True)
    assert body.get_json()["features"] == [] and body.get_json()["numberMatched"] == 0
    assert names(get_items(client, "roads", bbox="-180,-90,180,90")) == ["北京路", "春城路"]


def test_collection_extent_is_the_data_extent(client):
    extent = client.get("/ogc/collections/roads", query_string={"f": "json"}).get_json()["extent"]["spatial"]["bbox"][0]
    assert extent == pytest.approx([102.71, 25.02, 102.74, 25.08], abs=2e-5)
    fallback = client.get("/ogc/collections/boundary-lines", query_string={"f": "json"}).get_json()["extent"]["spatial"]["bbox"][0]
    assert fallback == list(current_profile().extent)  # no rows: the district


def test_items_without_offset_log_no_warning(client, caplog):
    """pygeoapi warns of an absent offset at every items request; only that noise is dropped."""
    import logging

    with caplog.at_level(logging.WARNING, logger="pygeoapi"):
        assert client.get("/ogc/collections/roads/items?f=json&limit=2").status_code == 200
        logging.getLogger("pygeoapi.api.itemtypes").warning("another warning")
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("pygeoapi") and r.levelno >= logging.WARNING]
    assert warnings == ["another warning"]
