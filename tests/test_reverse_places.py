"""A single reverse lookup (a click on the map) also lists the registered places around the
point, nearest first, with distances in metres; streets, units, cancelled and non-public names
are left out, and a batch does not read them. Distances are checked against pyproj. On both backends."""

from __future__ import annotations

import pytest
from apitools import make_client
from pyproj import Geod
from shapely import LineString, Point
from test_search_api import seed

from placenames.models import PlaceName

GEOD = Geod(ellps="GRS80")  # CGCS2000's ellipsoid
HERE = (102.7160, 24.9900)  # 102 m east of 官渡古镇 (102.715, 24.99)


def place(name, code, label, geom, **more):
    return PlaceName(name=name, romanization=more.pop("romanization", None), category_code=code, category_label=label, geom=geom, **more)


@pytest.fixture
def client(store, tmp_path):
    seed(store)  # 官渡古镇 at (102.715, 24.99), roads 子君路 / 锦西路, units 关上街道 / 双桥 / 六甲
    with store.transaction(actor="test", reason="places near") as session:
        session.add_all(
            [
                place("官渡小学", "27300", "学校、医院（事业单位）", Point(102.7175, 24.9902), romanization="Guandu Xiaoxue"),
                place("宝象河", "24100", "河流", LineString([(102.7160, 24.9888), (102.7200, 24.9888)])),
                place("古镇路", "23510", "街、路、巷", LineString([(102.7150, 24.9895), (102.7170, 24.9895)])),  # a street
                place("六甲社区", "21620", "社区（居民委员会）", Point(102.7161, 24.9901)),  # a unit
                place("旧学堂", "27300", "学校、医院（事业单位）", Point(102.7161, 24.9900), status="retired"),
                place("某单位", "27100", "机关、团体", Point(102.7162, 24.9900), classification="internal"),
                place("远处公园", "25200", "公园", Point(102.7300, 24.9900)),  # 1.4 km away
            ]
        )
    return make_client(store, tmp_path)


def metres(lon, lat):
    return GEOD.inv(HERE[0], HERE[1], lon, lat)[2]


def test_a_single_lookup_lists_the_places_around_nearest_first(client):
    features = client.get("/api/v1/reverse", query_string={"lon": HERE[0], "lat": HERE[1], "radius": 300}).json["features"]
    nearby = features[0]["properties"]["geocoding"]["places_nearby"]
    assert [p["name"] for p in nearby] == ["官渡古镇", "宝象河", "官渡小学"]
    expected = {"官渡古镇": metres(102.715, 24.99), "宝象河": metres(HERE[0], 24.9888), "官渡小学": metres(102.7175, 24.9902)}
    for p in nearby:  # measured in EPSG:4543 by the service, on the ellipsoid here
        assert p["distance_m"] == pytest.approx(expected[p["name"]], abs=0.5), p
    assert nearby[0]["romanization"] == "Guandu Guzhen" and nearby[0]["id"].startswith("place.")
    assert nearby[2]["category"] == "学校、医院（事业单位）"
    close = client.get("/api/v1/reverse", query_string={"lon": HERE[0], "lat": HERE[1], "radius": 150}).json["features"]
    assert [p["name"] for p in close[0]["properties"]["geocoding"]["places_nearby"]] == ["官渡古镇", "宝象河"]  # 小学 is 154 m off


def test_a_batch_reads_no_places(client):
    features = client.post("/api/v1/reverse", json={"points": [list(HERE), [102.7251, 25.0203]], "radius": 300}).json["features"]
    assert features and all("places_nearby" not in f["properties"]["geocoding"] for f in features)
