"""Former and cancelled names in search, on both backends.

Names change only through the naming procedure, so these tests take a road rename
and a cancellation from application to announcement (as an officer would), then
ask the gazetteer — and once the HTTP API — for the old names.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from conftest import BACKENDS, make_store
from guandu_units import add_units
from shapely import LineString, MultiLineString, Point

from gis.basemap import Road
from gis.settings import Settings
from gis.storage import utcnow
from placenames import applications, procedure, register, transitions
from placenames.models import DoorPlate, PlaceName
from placenames.search import engine, geocodejson
from placenames.search.gazetteer import build
from placenames.search.reverse import reverse
from server import create_app


def registered_road(store, name, line, numbers=()):
    """A current road name in the register, its centreline and door plates."""
    with store.transaction(actor="import", reason="fixture") as s:
        entry = PlaceName(**register.spelling(name, "23510"), status="current", admin_code="530111001", approved_on=dt.date(2010, 5, 1))
        road = Road(name=name, road_class="local", admin_code="530111001", geom=MultiLineString([line]))
        s.add_all([entry, road])
        s.flush()
        for number in numbers:
            x, y = line.interpolate(number * 10.0 / 1000, normalized=True).coords[0]
            s.add(
                DoorPlate(
                    road_id=road.id,
                    number=number,
                    suffix="",
                    number_text=str(number),
                    side="left",
                    address=f"官渡区关上街道{name}{number}号",
                    geom=Point(x, y),
                )
            )
        return entry.id


def take_through(store, clock, data):
    """Apply and take the application through every step to its announcement."""
    app_id = applications.create_application(store, {"reasons": "道路改造", "applicant_name": "关上街道", **data}, actor="zhang")

    def step(action, **extra):
        transitions.apply_action(store, app_id, action, {"reason": f"{action} step", **extra}, actor="wang")

    step("accept")
    step("review", officer_opinion="名称符合规定")
    step("start_notice")
    clock[0] += dt.timedelta(days=7, minutes=1)
    step("approve", approving_body="昆明市人民政府", approval_document="昆政复〔2026〕9号")
    step("file", filed_with="云南省民政厅")
    step("announce")
    return procedure.today()


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory):
    """锦西路 (plates 1, 3, 5) renamed 锦华路; 锦西大道 stays current; 安和路 (plate 8) cancelled.
    One database per backend for the module: the tests only read."""
    store = make_store(request, request.param, tmp_path_factory.mktemp("former"))
    add_units(store)  # the rename names its area in force (530111001000, 关上街道)
    jinxi = registered_road(store, "锦西路", LineString([(102.73, 25.01), (102.73, 25.03)]), numbers=(1, 3, 5))
    registered_road(store, "锦西大道", LineString([(102.74, 25.01), (102.74, 25.03)]), numbers=(2,))
    anhe = registered_road(store, "安和路", LineString([(102.75, 25.01), (102.76, 25.01)]), numbers=(8,))
    clock = [utcnow()]  # the procedure's clock, moved past each public notice without sleeping
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(procedure, "now", lambda: clock[0])
        renamed_on = take_through(
            store, clock, {"kind": "rename", "place_name_id": jinxi, "proposed_name": "锦华路", "admin_code": "530111001000"}
        )
        cancelled_on = take_through(store, clock, {"kind": "cancel", "place_name_id": anhe})
    return SimpleNamespace(store=store, gazetteer=build(store), renamed_on=renamed_on, cancelled_on=cancelled_on)


@pytest.fixture
def renamed(world):
    return world.gazetteer


def test_a_former_road_name_finds_the_renamed_road_labelled_as_former(renamed, world):
    top = engine.search(renamed, "锦西路")[0]
    assert (top.entry.kind, top.entry.name, top.match_type) == ("road", "锦华路", "former_name")
    assert top.extra["former_name"] == "锦西路" and top.extra["former_name_until"] == world.renamed_on.isoformat()
    assert top.confidence < 1.0
    feature = geocodejson.feature(top, "CRS84")["properties"]["geocoding"]
    assert feature["label"] == "官渡区锦华路（原名：锦西路）"
    assert (feature["name"], feature["name_status"], feature["former_name"]) == ("锦华路", "former", "锦西路")
    assert feature["note"]["zh"] == "“锦西路”为“锦华路”的曾用名"


@pytest.mark.parametrize("query", ["锦西路3号", "官渡区关上街道锦西路3号", "锦西路三号"])
def test_a_former_road_name_with_a_door_number_finds_the_current_address(renamed, query):
    top = engine.search(renamed, query)[0]
    assert (top.entry.kind, top.entry.name, top.entry.number_text) == ("address", "锦华路3号", "3")
    assert top.match_type == "former_name" and top.extra["former_name"] == "锦西路"
    assert geocodejson.label(top) == "官渡区关上街道锦华路3号（原名：锦西路）"


def test_an_unregistered_number_on_a_former_road_gives_registered_neighbours(renamed):
    results = engine.search(renamed, "锦西路4号")
    assert [m.entry.name for m in results] == ["锦华路3号", "锦华路5号", "锦华路"]
    assert all(m.match_type == "partial" and m.extra["former_name"] == "锦西路" for m in results)


def test_the_current_name_is_found_as_current(renamed):
    top = engine.search(renamed, "锦华路5号")[0]
    assert (top.entry.name, top.match_type, top.extra) == ("锦华路5号", "exact", {})
    assert geocodejson.name_status(top) == "current"


def test_a_cancelled_name_is_found_but_labelled_retired(renamed, world):
    top = engine.search(renamed, "安和路")[0]
    assert (top.entry.name, top.entry.status, top.match_type) == ("安和路", "retired", "retired_name")
    feature = geocodejson.feature(top, "CRS84")["properties"]["geocoding"]
    assert feature["label"].endswith("（已撤销）") and feature["name_status"] == "retired"
    assert feature["retired_on"] == world.cancelled_on.isoformat() and feature["standard_address"] is None
    assert "已撤销" in feature["note"]["zh"]


def test_a_plate_on_a_road_whose_name_was_cancelled_says_so(renamed):
    top = engine.search(renamed, "安和路8号")[0]
    assert (top.entry.name, top.entry.status, top.match_type) == ("安和路8号", "retired", "retired_name")
    assert geocodejson.label(top).endswith("（已撤销）")
    found = reverse(renamed, [top.entry.point.x], [top.entry.point.y], radius_m=50)[0]
    geo = geocodejson.reverse_feature(found, "CRS84")["properties"]["geocoding"]
    assert (geo["name"], geo["name_status"], geo["standard_address"]) == ("安和路8号", "retired", None)


def test_autocomplete_offers_former_names_below_current_ones(renamed):
    results = engine.autocomplete(renamed, "锦西")
    names = [(m.entry.name, m.match_type) for m in results]
    assert names[0] == ("锦西大道", "partial")
    assert ("锦华路", "former_name") in names
    assert names.index(("锦华路", "former_name")) > names.index(("锦西大道", "partial"))
    assert all(m.entry.name != "锦西路" for m in results)  # the old name is never offered as a current one


def test_pinyin_of_a_former_name(renamed):
    top = engine.search(renamed, "jinxilu")[0]
    assert (top.entry.name, top.match_type) == ("锦华路", "former_name")


def test_search_api_answers_former_and_cancelled_names(world, tmp_path):
    from server import create_app

    client = create_app(Settings(database_url=world.store.url, work_dir=str(tmp_path / "run"))).test_client()
    body = client.get("/api/v1/search", query_string={"q": "锦西路5号"}).get_json()
    geo = body["features"][0]["properties"]["geocoding"]
    assert (geo["name"], geo["match_type"], geo["former_name"]) == ("锦华路5号", "former_name", "锦西路")
    assert geo["label"] == "官渡区关上街道锦华路5号（原名：锦西路）"
    suggestions = client.get("/api/v1/autocomplete", query_string={"q": "安和"}).get_json()["features"]
    assert {(f["properties"]["geocoding"]["name"], f["properties"]["geocoding"]["name_status"]) for f in suggestions} == {
        ("安和路", "retired"),
        ("安和路8号", "retired"),
    }


# --- freshness: a committed change is searchable by the next query ----------------------------


@pytest.fixture(params=BACKENDS)
def live(request, tmp_path):
    """A road with plates 1, 3, 5 and two apps on the same database, as two workers of one service."""
    store = make_store(request, request.param, tmp_path)
    add_units(store)
    jinxi = registered_road(store, "锦西路", LineString([(102.73, 25.01), (102.73, 25.03)]), numbers=(1, 3, 5))
    apps = [create_app(Settings(database_url=store.url, work_dir=str(tmp_path / f"run{i}"))).test_client() for i in (1, 2)]
    return SimpleNamespace(store=store, jinxi=jinxi, workers=apps)


def _first(worker, q):
    response = worker.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)
    features = response.get_json()["features"]
    return features[0]["properties"] if features else None


def test_a_renamed_road_is_found_by_the_next_query_on_every_worker(live, monkeypatch):
    for worker in live.workers:  # both have read the names before the rename
        assert _first(worker, "锦西路3号")["geocoding"]["name"] == "锦西路3号"
    clock = [utcnow()]
    monkeypatch.setattr(procedure, "now", lambda: clock[0])
    take_through(
        live.store, clock, {"kind": "rename", "place_name_id": live.jinxi, "proposed_name": "锦华路", "admin_code": "530111001000"}
    )
    for worker in live.workers:  # no waiting, no time-based refresh
        found = _first(worker, "锦华路3号")["geocoding"]
        assert found["name"] == "锦华路3号" and found["match_type"] == "exact"
        assert _first(worker, "锦西路")["geocoding"]["match_type"] == "former_name"


def test_a_numbered_plate_is_found_at_once_and_a_retired_one_is_gone_without_rereading_names(live):
    from placenames.numbering import lifecycle
    from placenames.search.gazetteer import GazetteerCache

    cache = GazetteerCache(max_age=3600.0)
    names = cache.get(live.store)
    assert engine.search(names, "锦西路7号")[0].extra.get("registered") is False  # 7 is not there yet
    with live.store.transaction(actor="wang", reason="新建建筑编号") as s:
        road = s.query(Road).filter_by(name="锦西路").one()
        plate = DoorPlate(
            road_id=road.id,
            number=7,
            suffix="",
            number_text="7",
            side="left",
            address="官渡区关上街道锦西路7号",
            geom=Point(102.7301, 25.0172),
        )
        s.add(plate)
    g = cache.get(live.store)
    assert g is names  # a door plate does not make the names be read again
    top = engine.search(g, "锦西路7号")[0]
    assert (top.entry.kind, top.entry.id, top.match_type) == ("address", plate.id, "exact")
    assert [m.entry.name for m in engine.autocomplete(g, "锦西路7")] == ["锦西路7号"]
    assert reverse(g, [102.7301], [25.0172], radius_m=20)[0].address.id == plate.id
    for worker in live.workers:
        assert _first(worker, "锦西路7号")["geocoding"]["housenumber"] == "7"
    lifecycle.retire(live.store, actor="wang", reason="建筑拆除", plate_ids=[plate.id])
    assert cache.get(live.store) is names
    after = engine.search(names, "锦西路7号")
    assert all(m.entry.id != plate.id for m in after) and after[0].extra.get("registered") is False
    assert all(m.entry.id != plate.id for m in engine.autocomplete(names, "锦西路7"))
    assert reverse(names, [102.7301], [25.0172], radius_m=20)[0].address is None
    for worker in live.workers:
        assert _first(worker, "锦西路7号")["geocoding"]["housenumber"] != "7"
