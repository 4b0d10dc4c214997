"""Vector tiles of the street map (OGC API - Tiles, Mapbox Vector Tiles), on both backends:
made by ST_AsMVT on PostgreSQL and by mapbox-vector-tile on SQLite, the same layers either way."""

from __future__ import annotations

import gzip
import math

import mapbox_vector_tile
import pytest
from apitools import make_client
from ogc_seed import seed

from gis import tiles
from gis.basemap import Road
from gis.errors import BadRequest, NotFound

MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """(row, col) of the WebMercatorQuad tile holding a point."""
    n = 2**zoom
    col = int((lon + 180) / 360 * n)
    row = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return row, col


def url(zoom: int, row: int, col: int) -> str:
    return f"/api/v1/tiles/WebMercatorQuad/{zoom}/{row}/{col}.mvt"


@pytest.fixture
def client(store, tmp_path):
    seed(store)
    return make_client(store, tmp_path)


def decode(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == MVT
    return mapbox_vector_tile.decode(response.get_data())


def test_tile_bounds_follow_the_tile_matrix_set():
    world = tiles.tile_bounds(0, 0, 0)
    assert world.mercator == pytest.approx((-tiles.HALF_WORLD, -tiles.HALF_WORLD, tiles.HALF_WORLD, tiles.HALF_WORLD))
    row, col = tile_of(102.73, 25.02, 14)
    box = tiles.tile_bounds(14, row, col).lonlat
    assert box[0] < 102.73 < box[2] and box[1] < 25.02 < box[3]
    with pytest.raises(NotFound):
        tiles.tile_bounds(3, 8, 0)
    for bad in ("x", "-1", "19", "1.5", " 3"):
        with pytest.raises(BadRequest):
            tiles.check_zoom(bad)


def test_a_tile_over_the_data_has_roads_with_names_units_and_labels(client):
    row, col = tile_of(102.73, 25.02, 14)
    layers = decode(client.get(url(14, row, col)))
    names = {f["properties"]["name"] for f in layers["roads"]["features"]}
    assert "春城路" in names
    assert layers["roads"]["extent"] == 4096
    line = next(f for f in layers["roads"]["features"] if f["properties"]["name"] == "春城路")
    assert line["geometry"]["type"] in ("LineString", "MultiLineString") and line["properties"]["road_class"] == "main"
    assert {f["properties"]["name"] for f in layers["communities"]["features"]} == {"关上社区"}  # the unit in force, not 旧社区
    assert {"关上社区"} <= {f["properties"]["name"] for f in layers["labels"]["features"]}
    assert all(f["geometry"]["type"] == "Point" for f in layers["labels"]["features"])
    assert "buildings" not in layers  # buildings only from zoom 15
    near = decode(client.get(url(16, *tile_of(102.7225, 25.0125, 16))))
    (building,) = near["buildings"]["features"]
    assert building["geometry"]["type"] == "Polygon" and building["properties"] == {}
    low = decode(client.get(url(11, *tile_of(102.73, 25.02, 11))))
    assert "communities" not in low and "roads" in low and "subdistricts" in low


def test_empty_tile_outside_the_data_and_errors(client):
    empty = client.get(url(14, *tile_of(100.0, 30.0, 14)))
    assert decode(empty) == {}
    assert client.get(url(3, 8, 0)).status_code == 404
    assert client.get("/api/v1/tiles/WebMercatorQuad/3/-1/0.mvt").status_code == 404
    for bad in ("abc", "99", "-2"):
        response = client.get(f"/api/v1/tiles/WebMercatorQuad/{bad}/0/0.mvt")
        assert response.status_code == 400 and response.get_json()["message"]["zh"]


def test_cached_tiles_outlive_writes_of_what_the_map_does_not_draw(client, store):
    from shapely import Point

    from api.tiles import vector_tiles
    from placenames.models import DoorPlate

    target = url(14, *tile_of(102.73, 25.02, 14))
    client.get(target)
    with client.application.app_context():
        made = vector_tiles()
        drawn = made.version()
        with store.transaction(actor="test", reason="a new door plate") as session:
            road = session.query(Road).filter_by(name="春城路").one()
            session.add(DoorPlate(road_id=road.id, number=5, number_text="5号", address="官渡区春城路5号", geom=Point(102.726, 25.0205)))
        assert made.version() == drawn  # the plate is not on the map: its tiles stay cached
        with store.transaction(actor="test", reason="a new road") as session:
            session.add(Road(name="新路", road_class="branch", geom=road.geom))
        assert made.version() > drawn


def test_etag_and_cache_invalidation_after_a_rename(client, store):
    target = url(14, *tile_of(102.73, 25.02, 14))
    first = client.get(target)
    tag = first.headers["ETag"]
    assert tag and "max-age" in first.headers["Cache-Control"]
    assert client.get(target, headers={"If-None-Match": tag}).status_code == 304
    assert client.get(target).get_data() == first.get_data()  # from the cache
    with store.transaction(actor="test", reason="rename") as session:
        road = session.query(Road).filter_by(name="春城路").one()
        road.name = "春城东路"
    renamed = client.get(target)
    assert renamed.headers["ETag"] != tag
    names = {f["properties"]["name"] for f in decode(renamed)["roads"]["features"]}
    assert "春城东路" in names and "春城路" not in names


def test_tiles_travel_compressed_and_still_revalidate(client, store):
    from shapely import LineString, MultiLineString

    with store.transaction(actor="test", reason="more roads") as session:
        for i in range(40):
            y = 25.001 + i * 0.0007
            session.add(
                Road(name=f"测试{i}路", road_class="local", geom=MultiLineString([LineString([(102.721, y), (102.748, y + 0.0003)])]))
            )
    target = url(14, *tile_of(102.73, 25.02, 14))
    plain = client.get(target)
    packed = client.get(target, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and len(packed.get_data()) < len(plain.get_data())
    layers = mapbox_vector_tile.decode(gzip.decompress(packed.get_data()))
    assert len({f"测试{i}路" for i in range(40)} & {f["properties"]["name"] for f in layers["roads"]["features"]}) >= 10
    again = client.get(target, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304


def test_tileset_metadata(client):
    listing = client.get("/api/v1/tiles").get_json()
    assert listing["tilesets"][0]["links"][0]["href"].endswith("/api/v1/tiles/WebMercatorQuad")
    meta = client.get("/api/v1/tiles/WebMercatorQuad").get_json()
    assert meta["tileMatrixSetURI"].endswith("WebMercatorQuad") and meta["dataType"] == "vector"
    assert meta["tiles"][0].endswith("/api/v1/tiles/WebMercatorQuad/{z}/{y}/{x}.mvt")
    assert {layer["id"] for layer in meta["vector_layers"]} >= {"roads", "water", "buildings", "communities", "subdistricts", "labels"}
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/tiles/WebMercatorQuad/{z}/{row}/{col}.mvt" in paths


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_both_backends_make_the_same_features(request, store, tmp_path):
    """The PostGIS tile and the Python tile hold the same features (geometry may differ by rounding)."""
    from conftest import make_store

    seed(store)
    pg = make_store(request, "postgresql", tmp_path)
    seed(pg)
    row, col = tile_of(102.73, 25.02, 14)
    made = [mapbox_vector_tile.decode(tiles.VectorTiles(s, _layers()).tile(14, row, col).content) for s in (store, pg)]
    summary = [{name: sorted(str(f["properties"]) for f in layer["features"]) for name, layer in m.items()} for m in made]
    assert summary[0] == summary[1]
    ends = [points(next(f for f in m["roads"]["features"] if f["properties"]["name"] == "春城路")["geometry"]["coordinates"]) for m in made]
    assert len(ends[0]) == len(ends[1])
    for a, b in zip(ends[0], ends[1], strict=True):
        assert abs(a[0] - b[0]) <= 1 and abs(a[1] - b[1]) <= 1


def points(coordinates) -> list:
    if isinstance(coordinates[0], (int, float)):
        return [coordinates]
    return [p for c in coordinates for p in points(c)]


def _layers():
    from api.tiles import STREET_MAP

    return STREET_MAP


def test_places_layer_holds_current_public_landmarks_only(client, store):
    from shapely.geometry import Point

    from placenames.models import PlaceName

    def landmark(name, code, status="current", classification="public"):
        return PlaceName(
            name=name,
            romanization="X",
            category_code=code,
            category_label="-",
            status=status,
            classification=classification,
            geom=Point(102.7226, 25.0126),
        )

    with store.transaction(actor="test", reason="landmarks") as session:
        session.add_all(
            [
                landmark("关上公园", "25200"),
                landmark("关上小学", "27300"),
                landmark("旧公园", "25200", status="retired"),
                landmark("内部单位", "27100", classification="internal"),
                landmark("关上小区", "22100"),  # an estate is not drawn as a place
            ]
        )
    layers = decode(client.get(url(16, *tile_of(102.7226, 25.0126, 16))))
    places = {f["properties"]["name"]: f for f in layers["places"]["features"]}
    assert set(places) == {"关上公园", "关上小学"}
    assert all(f["geometry"]["type"] == "Point" for f in places.values())
    assert places["关上公园"]["properties"]["category_code"] == "25200"
    assert "places" not in decode(client.get(url(12, *tile_of(102.7226, 25.0126, 12))))  # from zoom 13
