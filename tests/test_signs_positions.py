"""Positions of signs, entrances and boundary markers are checked on every write, the same
way as on file import: finite, inside the district, near their road or building."""

from __future__ import annotations

import json
import math

import numbering_world as world
import pytest
import shapely
from apitools import bearer, make_client
from sqlalchemy import func, select

from gis.errors import InvalidInput
from gis.positions import check_point, district_extent
from placenames.numbering import entrances
from placenames.numbering.models import BuildingEntrance
from placenames.signs import inventory
from placenames.signs.models import RoadSign

ON_ROAD = world.line((200, 0), (201, 0)).geoms[0].coords[0]  # a point on 春城路
FAR = world.line((200, 300), (201, 300)).geoms[0].coords[0]  # 300 m north of it, inside the district


def count(store, model) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("lon", "lat", "field"),
    [
        (math.nan, 25.0, "lon"),
        (102.7, math.inf, "lat"),
        (-math.inf, 25.0, "lon"),
        (1e308, 25.0, "lon"),
        (102.7, 1e308, "lat"),
        (0.0, 0.0, "lon"),
    ],
)
def test_check_point_refuses_what_is_not_a_finite_point_in_the_district(lon, lat, field):
    with pytest.raises(InvalidInput) as refused:
        check_point(shapely.Point(lon, lat))
    assert refused.value.details["field"] == field
    assert field in refused.value.zh and field in refused.value.en


def test_check_point_accepts_a_point_in_the_district():
    minx, miny, maxx, maxy = district_extent()
    check_point(shapely.Point((minx + maxx) / 2, (miny + maxy) / 2))
    check_point(shapely.Point(*ON_ROAD))


def test_api_refuses_bad_sign_positions_stores_nothing_and_the_ogc_collection_stays_json(store, tmp_path):
    world.seed_inventory(store)
    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    before = count(store, RoadSign)
    # raw JSON: NaN and Infinity are what a careless client sends; Python's json accepts them
    for lon, lat in (("NaN", "25.0"), ("Infinity", "25.0"), ("102.7", "-Infinity"), ("1e308", "25.0"), ("0", "0"), (*map(repr, FAR),)):
        body = f'{{"road": "春城路", "lon": {lon}, "lat": {lat}}}'
        refused = client.post("/api/v1/signs", data=body, content_type="application/json", headers=officer)
        assert refused.status_code == 400, (lon, lat, refused.get_data(as_text=True))
        error = refused.get_json()
        assert "lon" in json.dumps(error) or "lat" in json.dumps(error)
    assert count(store, RoadSign) == before
    far = client.post("/api/v1/signs", json={"road": "春城路", "lon": FAR[0], "lat": FAR[1]}, headers=officer).get_json()
    assert "300 m" in json.dumps(far, ensure_ascii=False) and "300 米" in json.dumps(far, ensure_ascii=False)

    placed = client.post("/api/v1/signs", json={"road": "春城路", "lon": ON_ROAD[0], "lat": ON_ROAD[1]}, headers=officer)
    assert placed.status_code == 201
    text = client.get("/ogc/collections/road-signs/items?f=json&limit=50").get_data(as_text=True)
    features = json.loads(text, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))["features"]
    assert len(features) == before + 1


def test_domain_writers_refuse_far_and_non_finite_points(store):
    buildings = world.seed(store)
    with pytest.raises(InvalidInput):
        inventory.add_road_sign(store, "春城路", shapely.Point(math.nan, math.nan), actor="wang")
    with pytest.raises(InvalidInput, match="60"):
        inventory.add_road_sign(store, "春城路", shapely.Point(*FAR), actor="wang")
    assert count(store, RoadSign) == 0
    with pytest.raises(InvalidInput) as refused:
        entrances.set_entrance(store, buildings["N1"], shapely.Point(math.inf, 25.0), actor="wang")
    assert refused.value.details["field"] == "lon"
    with pytest.raises(InvalidInput, match="25"):
        entrances.set_entrance(store, buildings["N1"], shapely.Point(*FAR), actor="wang")
    assert count(store, BuildingEntrance) == 0


def test_entrance_api_refuses_infinity(store, tmp_path):
    buildings = world.seed(store)
    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    body = '{"lon": Infinity, "lat": 25.0}'
    refused = client.put(f"/api/v1/buildings/{buildings['N1']}/entrance", data=body, content_type="application/json", headers=officer)
    assert refused.status_code == 400
    assert count(store, BuildingEntrance) == 0
