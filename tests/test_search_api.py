"""/api/v1/search, /autocomplete and /reverse end to end, on both backends."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import BACKENDS, make_store
from shapely import LineString, MultiLineString, MultiPolygon, Point, box

from api.web import health
from gis.basemap import AdminUnit, Road
from gis.chinacoords import wgs84_to_bd09, wgs84_to_gcj02
from gis.settings import Settings
from gis.storage.nearest import nearest_each
from placenames.models import DoorPlate, PlaceName
from server import create_app

PLATES = {  # number text -> (side of 子君路, which runs west to east, as an import or the numbering engine spells it; lon, lat)
    "12": ("left", 102.7250, 25.0202),
    "12-1": ("L", 102.7251, 25.0203),
    "14": ("left", 102.7270, 25.0202),
    "13": ("R", 102.7255, 25.0198),
}


def seed(store) -> None:
    with store.transaction(actor="test", reason="search fixture") as s:
        s.add_all(
            [
                AdminUnit(
                    code="530111001",
                    name="关上街道",
                    level="subdistrict",
                    parent_code="530111",
                    valid_from=dt.date(2020, 1, 1),
                    geom=MultiPolygon([box(102.70, 24.98, 102.78, 25.03)]),
                ),
                AdminUnit(
                    code="530111001002",
                    name="双桥社区居民委员会",
                    level="community",
                    parent_code="530111001",
                    valid_from=dt.date(2020, 1, 1),
                    geom=MultiPolygon([box(102.72, 25.00, 102.75, 25.03)]),
                ),
                AdminUnit(
                    code="530111001003",
                    name="六甲社区居民委员会",
                    level="community",
                    parent_code="530111001",
                    valid_from=dt.date(2020, 1, 1),
                    geom=MultiPolygon([box(102.70, 24.98, 102.72, 25.00)]),
                ),
            ]
        )
        zijun = Road(
            name="子君路",
            road_class="secondary",
            admin_code="530111001",
            geom=MultiLineString([LineString([(102.72, 25.02), (102.74, 25.02)])]),
        )
        jinxi = Road(
            name="锦西路",
            road_class="secondary",
            admin_code="530111001",
            geom=MultiLineString([LineString([(102.73, 25.01), (102.73, 25.03)])]),
        )
        s.add_all([zijun, jinxi])
        s.flush()
        for text, (side, lon, lat) in PLATES.items():
            number, _, suffix = text.partition("-")
            s.add(
                DoorPlate(
                    road_id=zijun.id,
                    number=int(number),
                    suffix=f"-{suffix}" if suffix else "",
                    number_text=text,
                    side=side,
                    address=f"官渡区关上街道子君路{text}号",
                    geom=Point(lon, lat),
                )
            )
        s.add(
            PlaceName(
                name="官渡古镇",
                romanization="Guandu Guzhen",
                category_code="250",
                category_label="旅游景区",
                admin_code="530111001",
                geom=Point(102.715, 24.99),
            )
        )


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, tmp_path_factory):
    """One seeded database and app per backend for the whole module: the tests only read."""
    tmp_path = tmp_path_factory.mktemp("search")
    store = make_store(request, request.param, tmp_path)
    seed(store)
    return create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run"))).test_client()


def top(client, path="/api/v1/search", **params):
    response = client.get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    features = response.get_json()["features"]
    assert features, params
    return features[0]


def geo(feature):
    return feature["properties"]["geocoding"]


@pytest.mark.parametrize(
    "q,number,match_type",
    [
        ("子君路12号", "12", "exact"),
        ("官渡区子君路12号", "12", "exact"),
        ("云南省昆明市官渡区关上街道双桥社区子君路12号附1号", "12-1", "exact"),
        ("子君路12-1号", "12-1", "exact"),
        ("子君路12之1", "12-1", "exact"),
        ("子君路十二号", "12", "exact"),
        ("子君路１２号", "12", "exact"),
        ("子君路14号2单元502室", "14", "exact"),
        ("子軍路12號", "12", "fuzzy"),  # traditional characters and a one-character typo
        ("子均路13号", "13", "fuzzy"),
        ("zijunlu 13", "13", "exact"),
    ],
)
def test_search_finds_the_plate(client, q, number, match_type):
    g = geo(top(client, q=q))
    assert (g["type"], g["housenumber"], g["street"], g["match_type"]) == ("house", number, "子君路", match_type)


def test_geocodejson_shape_and_china_extensions(client):
    response = client.get("/api/v1/search", query_string={"q": "子君路14号2单元502室"}).get_json()
    assert response["geocoding"]["version"] == "0.1.0" and response["geocoding"]["query"]["text"] == "子君路14号2单元502室"
    feature = response["features"][0]
    g = geo(feature)
    assert g["label"] == g["standard_address"] == "官渡区关上街道子君路14号2单元502室"  # down to 单元/室, as asked
    assert g["community"] == {"code": "530111001002", "name": "双桥社区居民委员会"}
    assert g["subdistrict"] == {"code": "530111001", "name": "关上街道"}
    assert (g["unit"], g["room"], g["district"], g["confidence"]) == ("2", "502", "官渡区", 1.0)
    assert feature["geometry"]["coordinates"] == pytest.approx([102.7270, 25.0202])


@pytest.mark.parametrize(
    "q,kind,name",
    [
        ("子君路", "street", "子君路"),
        ("zijun lu", "street", "子君路"),
        ("zjl", "street", "子君路"),
        ("官渡古镇", "poi", "官渡古镇"),  # a landmark containing 官渡, not the district
        ("双桥社区", "locality", "双桥社区居民委员会"),
        ("关上街道", "district", "关上街道"),
        ("liujiashequ", "locality", "六甲社区居民委员会"),
    ],
)
def test_search_finds_names(client, q, kind, name):
    g = geo(top(client, q=q))
    assert (g["type"], g["name"]) == (kind, name)


def test_intersection_is_where_the_roads_cross(client):
    feature = top(client, q="子君路与锦西路交叉口")
    assert geo(feature)["type"] == "intersection"
    assert feature["geometry"]["coordinates"] == pytest.approx([102.73, 25.02])


def test_unregistered_number_returns_registered_neighbours(client):
    features = client.get("/api/v1/search", query_string={"q": "子君路16号"}).get_json()["features"]
    plates = [f for f in features if geo(f)["type"] == "house"]
    assert [geo(f)["housenumber"] for f in plates] == ["14", "12"]  # same parity, nearest number first
    for f in plates:
        assert geo(f)["match_type"] == "partial" and geo(f)["requested_number"] == "16" and geo(f)["registered"] is False
        side, lon, lat = PLATES[geo(f)["housenumber"]]
        assert f["geometry"]["coordinates"] == pytest.approx([lon, lat])  # a registered point, not an invented one


def test_structured_search_scopes_and_crs(client):
    assert geo(top(client, road="子君路", number="14"))["housenumber"] == "14"
    assert geo(top(client, road="子君路", number="12-1号"))["housenumber"] == "12-1"
    outside = client.get("/api/v1/search", query_string={"q": "子君路12号", "bbox": "102.6,24.9,102.65,24.95"}).get_json()
    assert outside["features"] == []
    assert client.get("/api/v1/search", query_string={"q": "子君路12号", "admin_code": "530111002"}).get_json()["features"] == []
    assert geo(top(client, q="子君路12号", admin_code="530111001"))["housenumber"] == "12"
    gcj = top(client, q="子君路12号", crs="GCJ-02")["geometry"]["coordinates"]
    assert gcj == pytest.approx(list(wgs84_to_gcj02(102.7250, 25.0202)), abs=1e-7)
    cgcs = top(client, q="子君路12号", crs="EPSG:4490")["geometry"]["coordinates"]
    assert cgcs == pytest.approx([102.7250, 25.0202])


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": " "},
        {"q": "子君路", "limit": 0},
        {"q": "子君路", "crs": "EPSG:3857"},
        {"q": "子君路", "bbox": "1,2,3"},
        {"q": "路" * 101},
    ],
)
def test_search_bad_input_is_bilingual_400(client, params):
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 400
    assert set(response.get_json()["message"]) == {"zh", "en"}


def test_autocomplete_ranks_names_then_addresses(client):
    names = [geo(f)["name"] for f in client.get("/api/v1/autocomplete", query_string={"q": "子君"}).get_json()["features"]]
    assert names[0] == "子君路" and {"子君路12号", "子君路12-1号", "子君路13号", "子君路14号"} <= set(names)
    numbers = [
        geo(f)["housenumber"] for f in client.get("/api/v1/autocomplete", query_string={"q": "子君路1", "limit": 3}).get_json()["features"]
    ]
    assert numbers == ["12", "13", "14"]
    assert geo(top(client, "/api/v1/autocomplete", q="zj"))["name"] == "子君路"
    assert geo(top(client, "/api/v1/autocomplete", q="guandug"))["name"] == "官渡古镇"


def test_reverse_prefers_the_same_side_of_the_road(client):
    # 2-5 m north of 子君路: the nearest plate (13) is across the road; 12-1 is on this side
    g = geo(top(client, "/api/v1/reverse", lon=102.7255, lat=25.02005))
    assert (g["housenumber"], g["side"]) == ("12-1", "left")
    assert g["community"]["name"] == "双桥社区居民委员会" and g["subdistrict"]["code"] == "530111001"
    south = geo(top(client, "/api/v1/reverse", lon=102.7255, lat=25.0199))
    assert south["housenumber"] == "13"


def test_reverse_from_gcj02_and_in_batches(client):
    lon, lat = wgs84_to_gcj02(102.72702, 25.02025)
    assert geo(top(client, "/api/v1/reverse", lon=lon, lat=lat, crs="GCJ-02"))["housenumber"] == "14"
    body = {"points": [[102.72702, 25.02025], [102.71, 24.99], [103.5, 26.0]], "radius": 50}
    response = client.post("/api/v1/reverse", json=body)
    assert response.status_code == 200
    found = response.get_json()
    first, second = (geo(f) for f in found["features"])
    assert [f["properties"]["query_index"] for f in found["features"]] == [0, 1]
    assert first["housenumber"] == "14" and first["distance_m"] < 10
    assert second.get("housenumber") is None and second["community"]["name"] == "六甲社区居民委员会"
    assert found["features"][1]["geometry"]["coordinates"] == [102.71, 24.99]  # a community only: placed at the point
    assert found["geocoding"]["query"] == {"radius_m": 50.0, "points": 3, "unmatched": [2]}  # outside the district
    assert client.post("/api/v1/reverse", json={"points": []}).status_code == 400
    assert client.get("/api/v1/reverse", query_string={"lon": "x", "lat": 1}).status_code == 400
    assert client.get("/api/v1/reverse", query_string={"lon": 102.7, "lat": 25, "radius": 5000}).status_code == 400


def test_reverse_outside_the_district_is_an_empty_collection(client):
    response = client.get("/api/v1/reverse", query_string={"lon": 116.39, "lat": 39.9})
    assert response.status_code == 200
    body = response.get_json()
    assert body["type"] == "FeatureCollection" and body["features"] == []
    assert body["geocoding"]["query"]["unmatched"] == [0]


def test_reverse_echoes_the_query_point_in_the_callers_crs(client):
    lon, lat = wgs84_to_gcj02(102.72702, 25.02025)
    feature = top(client, "/api/v1/reverse", lon=lon, lat=lat, crs="GCJ-02")
    assert feature["properties"]["query_point"] == pytest.approx([lon, lat], abs=1e-12)
    plate_gcj = wgs84_to_gcj02(*PLATES["14"][1:])
    assert feature["geometry"]["coordinates"] == pytest.approx(list(plate_gcj), abs=1e-7)


def test_bd09_is_accepted_and_emitted(client):
    bd_lon, bd_lat = wgs84_to_bd09(102.72702, 25.02025)
    feature = top(client, "/api/v1/reverse", lon=bd_lon, lat=bd_lat, crs="BD-09")
    assert geo(feature)["housenumber"] == "14"
    found = top(client, "/api/v1/search", q="子君路14号", crs="BD-09")
    assert found["geometry"]["coordinates"] == pytest.approx(list(wgs84_to_bd09(*PLATES["14"][1:])), abs=1e-7)


def test_a_swapped_point_in_a_batch_is_named_by_its_index(client):
    points = [[102.72702, 25.02025]] * 5 + [[25.02, 102.72]] + [[102.71, 24.99]]
    response = client.post("/api/v1/reverse", json={"points": points})
    assert response.status_code == 400
    body = response.get_json()
    assert body["details"]["index"] == 5
    assert "第 5 个点" in body["message"]["zh"] and "point 5" in body["message"]["en"]
    assert "coordinate system" not in body["message"]["en"].lower()


@pytest.mark.parametrize("path", ["/api/v1/search", "/api/v1/autocomplete"])
def test_limit_above_the_maximum_is_capped_not_refused(client, path):
    response = client.get(path, query_string={"q": "子君", "limit": 51})
    assert response.status_code == 200
    assert response.get_json()["geocoding"]["query"]["limit"] == 50
    assert client.get(path, query_string={"q": "子君", "limit": 0}).status_code == 400


def test_a_name_begun_is_found_and_a_slip_is_suggested(client):
    """双桥 + Enter finds the community (a name that begins so); 子均 finds nothing, but says
    "did you mean" with the road whose name begins one slip away, as autocomplete now does."""
    short = client.get("/api/v1/search", query_string={"q": "双桥"}).get_json()  # the community's short name: exact
    assert geo(short["features"][0])["name"] == "双桥社区居民委员会" and geo(short["features"][0])["match_type"] == "exact"
    assert short["suggestions"] == []
    begun = client.get("/api/v1/search", query_string={"q": "子君"}).get_json()  # no name is 子君: 子君路 begins so
    assert geo(begun["features"][0])["name"] == "子君路" and geo(begun["features"][0])["match_type"] in ("partial", "fuzzy")
    slipped = client.get("/api/v1/search", query_string={"q": "子均"}).get_json()
    assert slipped["features"] == []
    assert slipped["suggestions"][0] == {"text": "子君路", "label": "官渡区子君路", "type": "street", "romanization": "Zijun Lu"}
    assert geo(top(client, q=slipped["suggestions"][0]["text"]))["name"] == "子君路"  # the suggestion, searched, is found
    nothing = client.get("/api/v1/search", query_string={"q": "无此地名"}).get_json()
    assert nothing["features"] == [] and nothing["suggestions"] == []


def test_autocomplete_offers_a_whole_address_typed_with_its_unit_and_room(client):
    offered = [geo(f) for f in client.get("/api/v1/autocomplete", query_string={"q": "子君路14号2单元502室"}).get_json()["features"]]
    assert [(g["label"], g["match_type"]) for g in offered] == [("官渡区关上街道子君路14号2单元502室", "exact")]
    nothing = client.get("/api/v1/autocomplete", query_string={"q": "子君路16号2单元"}).get_json()["features"]  # no plate 16
    assert all(geo(f)["match_type"] != "exact" for f in nothing)


@pytest.mark.parametrize("prefix", ["子均", "子军路1", "紫君"])
def test_autocomplete_forgives_a_typing_slip(client, prefix):
    g = geo(top(client, "/api/v1/autocomplete", q=prefix))
    assert (g["street"] if g["type"] == "house" else g["name"]) == "子君路"
    assert g["match_type"] == "fuzzy"


def test_warm_up_builds_the_gazetteer_before_the_first_search(client, tmp_path):
    """``diming serve`` warms each worker: the gazetteer is built in the background, so the
    first search finds it ready."""
    from api import search as search_api
    from api.web.health import STORE_KEY

    store = client.application.extensions[STORE_KEY]
    app = create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run")))
    assert search_api.CACHE_KEY not in app.extensions
    search_api.warm(app).join(timeout=60)
    cache = app.extensions[search_api.CACHE_KEY]
    with app.app_context():
        assert cache.get(store).roads["子君路"].name == "子君路"  # built, and for this store
    built_at = cache.get(store).built_at
    assert geo(top(app.test_client(), q="子君路12号"))["housenumber"] == "12"
    assert cache.get(store).built_at == built_at  # the search used the warm copy


def test_a_plate_on_the_points_side_is_found_beyond_their_nearest_few(client, monkeypatch):
    """Points just south of 子君路 whose nearest plate (14) stands across it take 13, the nearest
    of the road on their side (about 110–190 m west), also when the index was asked for each
    point's single nearest plate only (PostgreSQL): the same answers as reading the box."""
    from placenames.search import plates

    lons, lats = np.meshgrid(np.linspace(102.7266, 102.7274, 10), np.linspace(25.0196, 25.0199, 8))
    body = {"points": np.column_stack([lons.ravel(), lats.ravel()]).tolist(), "radius": 200}

    def answers():
        found = client.post("/api/v1/reverse", json=body).get_json()["features"]
        return [geo(f).get("housenumber") for f in found]

    assert answers() == ["13"] * len(body["points"])
    asked = []
    monkeypatch.setattr(plates, "NEAREST_SWITCH_ROWS_PER_POINT", -1)  # every box counts as dense
    monkeypatch.setattr(plates, "NEAREST_CANDIDATES", 1)  # 14 alone near each point
    monkeypatch.setattr(plates, "nearest_each", lambda *a, **k: asked.append(k.get("matching") is not None) or nearest_each(*a, **k))
    assert answers() == ["13"] * len(body["points"])
    on_postgresql = client.application.extensions[health.STORE_KEY].dialect == "postgresql"
    assert asked == ([False] * plates.NEAREST_PARTS + [True] if on_postgresql else [])  # the road's plates asked once, for all


def test_a_dense_batch_asks_the_index_for_nearest_plates_with_the_same_answers(client, monkeypatch):
    """Where the batch's box holds many plates per point, PostgreSQL is asked for each point's
    nearest plates (in parts, on connections of their own) instead of the box being read; the
    answers (same side included) do not change."""
    from placenames.search import plates

    lons, lats = np.meshgrid(np.linspace(102.7245, 102.7280, 15), np.linspace(25.0195, 25.0206, 12))
    body = {"points": np.column_stack([lons.ravel(), lats.ravel()]).tolist(), "radius": 50}

    def answers():
        found = client.post("/api/v1/reverse", json=body).get_json()["features"]
        return {f["properties"]["query_index"]: (geo(f).get("housenumber"), geo(f).get("distance_m")) for f in found}

    by_box = answers()
    few = {"points": body["points"][:10], "radius": 50}  # a few points: read as plain rows, no planner asked
    found = client.post("/api/v1/reverse", json=few).get_json()["features"]
    assert {f["properties"]["query_index"]: (geo(f).get("housenumber"), geo(f).get("distance_m")) for f in found} == {
        i: answer for i, answer in by_box.items() if i < 10
    }
    asked = []
    monkeypatch.setattr(plates, "NEAREST_SWITCH_ROWS_PER_POINT", -1)  # every box counts as dense
    monkeypatch.setattr(plates, "nearest_each", lambda *a, **k: asked.append(k.get("matching") is None) or nearest_each(*a, **k))
    by_nearest = answers()
    assert by_nearest == by_box
    assert {number for number, _ in by_box.values()} - {None} == set(PLATES)  # every plate, both sides, is somebody's answer
    assert asked.count(True) == (plates.NEAREST_PARTS if client.application.extensions[health.STORE_KEY].dialect == "postgresql" else 0)
