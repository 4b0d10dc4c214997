"""The web application through Flask's test client, on both backends."""

from __future__ import annotations

import pyproj
import pytest
from ogc_seed import CHUNCHENG, GUANSHANG_POINT, seed
from shapely.geometry import shape

from gis.errors import VersionConflict
from gis.settings import Settings
from gis.storage import Store, migrate
from server import create_app, public_collections

PUBLIC_URL = "http://diming.test"
EPSG_4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"
EPSG_4543 = "http://www.opengis.net/def/crs/EPSG/0/4543"


@pytest.fixture
def app(store, tmp_path):
    seed(store)
    return create_app(Settings(database_url=store.url, public_url=PUBLIC_URL, work_dir=str(tmp_path / "run")))


@pytest.fixture
def client(app):
    return app.test_client()


def items(client, collection: str, **params):
    response = client.get(f"/ogc/collections/{collection}/items", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def prop(response, name: str) -> list:
    return sorted(f["properties"][name] for f in response.get_json()["features"])


def test_healthz_reports_backend_and_revision(client, backend):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == {"backend": backend, "reachable": True, "revision": ",".join(migrate.heads()), "schema_current": True}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/nowhere", work_dir=str(tmp_path))
    client = create_app(settings).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"]["reachable"] is False
    items_response = client.get("/ogc/collections/roads/items")
    assert items_response.status_code == 503
    assert items_response.get_json()["code"] == "unavailable"


def test_landing_page_links_use_the_public_url(client):
    response = client.get("/ogc/")
    assert response.status_code == 200
    hrefs = [link["href"] for link in response.get_json()["links"]]
    assert f"{PUBLIC_URL}/ogc?f=json" in hrefs
    assert any(href.startswith(f"{PUBLIC_URL}/ogc/collections") for href in hrefs)


def test_collections_lists_every_published_collection(client):
    body = client.get("/ogc/collections").get_json()
    listed = {c["id"]: c for c in body["collections"]}
    assert set(listed) == {c.id for c in public_collections()}
    assert set(listed) == {
        "placenames",
        "placenames-points",
        "placenames-lines",
        "placenames-polygons",
        "roads",
        "addresses",
        "buildings",
        "waterways",
        "subdistricts",
        "communities",
        "blocks",
        "admin-unit-versions",
        "boundary-lines",
        "boundary-markers",
        "door-plates",
        "road-signs",
    }
    assert listed["roads"]["title"] == "道路（街路巷）"
    english = client.get("/ogc/collections", query_string={"lang": "en"}).get_json()
    assert {c["id"]: c["title"] for c in english["collections"]}["roads"] == "Roads and streets"
    assert EPSG_4543 in listed["roads"]["crs"] and EPSG_4490 in listed["roads"]["crs"]


@pytest.mark.parametrize(
    "collection,key,expected",
    [
        ("placenames", "name", ["关上", "太和", "宝海公园"]),  # 旧村 is retired: not public
        ("roads", "name", ["北京路", "春城路"]),
        ("addresses", "address", ["官渡区北京路2号", "官渡区春城路1号", "官渡区春城路3号"]),
        ("buildings", "code", ["BLD-1", "BLD-2"]),
        ("waterways", "name", ["宝象河"]),
        ("subdistricts", "name", ["关上街道"]),
        ("communities", "name", ["关上社区", "太和社区"]),
        ("blocks", "code", ["B001", "B002"]),
    ],
)
def test_items_of_every_collection(client, collection, key, expected):
    response = items(client, collection)
    assert prop(response, key) == sorted(expected)
    assert response.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    for feature in response.get_json()["features"]:
        lon, lat = shape(feature["geometry"]).representative_point().coords[0]
        assert 102.6 < lon < 103.1 and 24.85 < lat < 25.2  # lon/lat order, inside 官渡区
        assert "created_by" not in feature["properties"] and "version" not in feature["properties"]


def test_items_keep_stored_coordinates(client):
    body = items(client, "roads", filter="name='春城路'").get_json()
    assert len(body["features"]) == 1
    assert shape(body["features"][0]["geometry"]).geoms[0].equals_exact(CHUNCHENG, 1e-12)


def test_crs_4490_returns_lat_lon_with_content_crs(client):
    response = items(client, "placenames", crs=EPSG_4490, filter="name='关上'")
    assert response.headers["Content-Crs"] == f"<{EPSG_4490}>"
    lat, lon = response.get_json()["features"][0]["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx(GUANSHANG_POINT, abs=1e-9)


def test_crs_4543_returns_metres(client):
    response = items(client, "placenames", crs=EPSG_4543, filter="name='关上'")
    assert response.headers["Content-Crs"] == f"<{EPSG_4543}>"
    northing, easting = response.get_json()["features"][0]["geometry"]["coordinates"]
    expected = pyproj.Transformer.from_crs(4490, 4543, always_xy=True).transform(*GUANSHANG_POINT)
    assert (easting, northing) == pytest.approx(expected, abs=0.01)
    assert 500_000 < easting < 600_000


def test_unsupported_crs_is_400(client):
    response = client.get("/ogc/collections/roads/items", query_string={"crs": "http://www.opengis.net/def/crs/EPSG/0/3857"})
    assert response.status_code == 400


def test_bbox_filter(client):
    assert prop(items(client, "roads", bbox="102.715,25.01,102.75,25.03"), "name") == ["春城路"]
    # bbox-crs in EPSG:4490 is read in its authority order: lat, lon
    assert prop(items(client, "roads", bbox="25.01,102.715,25.03,102.75", **{"bbox-crs": EPSG_4490}), "name") == ["春城路"]


def test_q_searches_the_title(client):
    assert prop(items(client, "placenames", q="公园"), "name") == ["宝海公园"]
    assert prop(items(client, "addresses", q="春城路"), "number_text") == ["1号", "3号"]


def test_property_query_parameter(client):
    assert prop(items(client, "buildings", households="30"), "code") == ["BLD-2"]


def test_cql2_text_filter(client):
    assert prop(items(client, "roads", filter="name='春城路'"), "name") == ["春城路"]
    assert prop(items(client, "addresses", filter="road='北京路'"), "address") == ["官渡区北京路2号"]
    spatial = "S_INTERSECTS(geometry, POLYGON((102.74 25.0, 102.75 25.0, 102.75 25.02, 102.74 25.02, 102.74 25.0)))"
    assert prop(items(client, "placenames", filter=spatial), "name") == ["关上", "宝海公园"]


def test_filter_crs_4490_reads_geometries_lat_first(client):
    spatial = "S_INTERSECTS(geometry, POLYGON((25.0 102.74, 25.0 102.75, 25.02 102.75, 25.02 102.74, 25.0 102.74)))"
    response = items(client, "placenames", filter=spatial, **{"filter-crs": EPSG_4490})
    assert prop(response, "name") == ["关上", "宝海公园"]


def test_unknown_property_in_filter_is_400(client):
    response = client.get("/ogc/collections/roads/items", query_string={"filter": "nosuch='x'"})
    assert response.status_code == 400
    assert "nosuch" in response.get_json()["description"]


def test_paging_links_and_counts(client):
    body = items(client, "placenames", limit=2).get_json()
    assert body["numberReturned"] == 2 and body["numberMatched"] == 3  # current names only
    assert any(link["rel"] == "next" and link["href"].startswith(f"{PUBLIC_URL}/ogc/") for link in body["links"])


def test_single_item_and_missing_item(client):
    feature = items(client, "roads", filter="name='北京路'").get_json()["features"][0]
    response = client.get(f"/ogc/collections/roads/items/{feature['id']}")
    assert response.status_code == 200 and response.get_json()["properties"]["name"] == "北京路"
    assert client.get("/ogc/collections/roads/items/987654").status_code == 404


def test_cors_header_on_public_reads(client):
    response = client.get("/ogc/collections", headers={"Origin": "https://map.example.org"})
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://map.example.org")
    preflight = client.options(
        "/ogc/collections/roads/items", headers={"Origin": "https://map.example.org", "Access-Control-Request-Method": "GET"}
    )
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_etag_and_304(client):
    first = client.get("/ogc/collections/roads/items")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get("/ogc/collections/roads/items", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get("/ogc/collections/roads/items", query_string={"limit": 1}, headers={"If-None-Match": etag})
    assert other.status_code == 200
    assert "ETag" not in client.get("/healthz").headers


def test_dimingerror_in_a_route_renders_bilingual_json(store, tmp_path):
    app = create_app(Settings(database_url=store.url, public_url=PUBLIC_URL, work_dir=str(tmp_path)))

    @app.get("/boom")
    def boom():
        raise VersionConflict(details={"id": 7})

    response = app.test_client().get("/boom")
    assert response.status_code == 409
    assert response.get_json() == {
        "code": "version-conflict",
        "status": 409,
        "message": {"zh": VersionConflict.default_zh, "en": VersionConflict.default_en},
        "description": f"{VersionConflict.default_zh} / {VersionConflict.default_en}",
        "details": {"id": 7},
    }


def test_unhandled_error_renders_bilingual_500(store, tmp_path):
    app = create_app(Settings(database_url=store.url, public_url=PUBLIC_URL, work_dir=str(tmp_path)))

    @app.get("/crash")
    def crash():
        raise RuntimeError("bug")

    response = app.test_client().get("/crash")
    assert response.status_code == 500
    assert response.get_json()["message"] == {"zh": "服务器内部错误", "en": "Internal server error"}


def test_404_and_405_use_the_same_shape(client):
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert missing.get_json()["message"] == {"zh": "未找到", "en": "Not found"}
    wrong = client.post("/healthz")
    assert wrong.status_code == 405
    assert wrong.get_json()["code"] == "method-not-allowed" and "GET" in wrong.headers["Allow"]


@pytest.mark.parametrize(
    "path",
    ["/ogc/?f=html", "/ogc/collections?f=html", "/ogc/collections/roads/items?f=html", "/ogc/collections/addresses/queryables?f=html"],
)
def test_html_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    if "items" in path:
        assert "春城路" in response.get_data(as_text=True)


def test_openapi_document_is_served(client):
    response = client.get("/ogc/openapi", query_string={"f": "json"})
    assert response.status_code == 200
    assert "/collections/addresses/items" in response.get_json()["paths"]


def test_two_apps_in_one_process_serve_their_own_database(app, tmp_path):
    other_store = Store(str(tmp_path / "other.gpkg"))
    migrate.upgrade(other_store)
    try:
        other = create_app(Settings(database_url=other_store.url, public_url="http://other.test", work_dir=str(tmp_path / "other")))
        assert prop(items(app.test_client(), "roads"), "name") == ["北京路", "春城路"]
        assert items(other.test_client(), "roads").get_json()["features"] == []
        assert prop(items(app.test_client(), "roads"), "name") == ["北京路", "春城路"]
        assert other.test_client().get("/ogc/").get_json()["links"][1]["href"].startswith("http://other.test/ogc")
    finally:
        other_store.dispose()
