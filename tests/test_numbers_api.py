"""The officers' numbering API end to end: roles, preview, commit, retire, renumber, history."""

from __future__ import annotations

import numbering_world as world
import pytest
import shapely
from apitools import bearer, make_client

from gis.basemap import Road


@pytest.fixture
def client(store, tmp_path):
    return make_client(store, tmp_path)


def test_officer_previews_commits_retires_and_renumbers(store, client):
    ids = world.seed(store)
    officer = bearer(store, "wang", "placename_officer")
    planner = bearer(store, "zhao", "planner")

    assert client.get("/api/v1/numbers/preview?road=春城路").status_code == 401
    assert client.get("/api/v1/numbers/preview?road=春城路", headers=planner).status_code == 403
    preview = client.get("/api/v1/numbers/preview?road=春城路", headers=officer)
    assert preview.status_code == 200 and preview.json["summary"]["numbers"] == 6
    assert all(item["reason"]["zh"] for item in preview.json["items"])

    committed = client.post("/api/v1/numbers/assign", json={"roads": ["春城路"], "reason": "2026 plan"}, headers=officer)
    assert committed.status_code == 201 and committed.json["items"] == preview.json["items"]

    from sqlalchemy import select

    from placenames.models import DoorPlate

    with store.read() as session:
        plate = session.scalars(select(DoorPlate).where(DoorPlate.building_id == ids["S2"])).one()
    retired = client.post("/api/v1/numbers/retire", json={"plates": [plate.id], "reason": "demolished"}, headers=officer)
    assert retired.status_code == 200 and retired.json["items"][0]["status"] == "retired"
    again = client.post("/api/v1/numbers/retire", json={"plates": [plate.id], "reason": "demolished"}, headers=officer)
    assert again.status_code == 409 and again.json["message"]["en"]

    settings = client.put("/api/v1/roads/春城路/numbering", json={"spacing_m": 8, "suffix_style": "附"}, headers=officer)
    assert settings.status_code == 200 and settings.json["suffix_style"] == "附"
    bad = client.put("/api/v1/roads/春城路/numbering", json={"odd_side": "north"}, headers=officer)
    assert bad.status_code == 400 and bad.json["message"]["zh"]

    renumbered = client.post("/api/v1/roads/春城路/renumber", json={"reason": "notice 2026-7"}, headers=officer)
    assert renumbered.status_code == 200 and len(renumbered.json["items"]) == 5
    history = client.get("/api/v1/roads/春城路/number-changes")  # public
    assert [h["change"] for h in history.json["items"]] == ["retire"] + ["renumber"] * 5


def test_bad_requests_are_bilingual_400_or_404_and_write_nothing(store, client):
    world.seed(store)
    officer = bearer(store, "wang", "placename_officer")
    assert client.post("/api/v1/numbers/assign", data="[1]", content_type="application/json", headers=officer).status_code == 400
    assert client.post("/api/v1/numbers/assign", json={"roads": "  "}, headers=officer).status_code == 400
    missing = client.post("/api/v1/numbers/assign", json={"roads": ["不存在路"]}, headers=officer)
    assert missing.status_code == 404 and missing.json["message"]["zh"]
    assert client.post("/api/v1/roads/春城路/renumber", json={}, headers=officer).status_code == 400
    assert client.get("/api/v1/roads/春城路/number-changes").json["items"] == []


def test_published_addresses_show_engine_numbers(store, client):
    world.seed(store)
    officer = bearer(store, "wang", "placename_officer")
    client.post("/api/v1/numbers/assign", json={"all": True}, headers=officer)
    page = client.get("/ogc/collections/addresses/items?f=json&limit=50")
    assert page.status_code == 200
    features = page.json["features"]
    assert len(features) == 7  # six on 春城路, one secondary address of the corner building on 关上路
    assert {"road", "number", "address"} <= set(features[0]["properties"]) and "building_id" not in features[0]["properties"]
    client.post("/api/v1/numbers/retire", json={"plates": [features[0]["id"]], "reason": "demolished"}, headers=officer)
    assert len(client.get("/ogc/collections/addresses/items?f=json&limit=50").json["features"]) == 6


def test_inventory_and_inspection_endpoints(store, client):
    world.seed(store)
    officer = bearer(store, "wang", "placename_officer")
    client.post("/api/v1/numbers/assign", json={"roads": ["春城路"]}, headers=officer)
    from sqlalchemy import select

    from placenames.models import DoorPlate

    with store.read() as session:
        plate_id = session.scalars(select(DoorPlate.id).order_by(DoorPlate.id)).first()
    lon, lat = world.line((200, 0), (201, 0)).geoms[0].coords[0]  # on 春城路
    sign = client.post("/api/v1/signs", json={"road": "春城路", "lon": lon, "lat": lat, "installed_on": "2021-05-01"}, headers=officer)
    assert sign.status_code == 201
    assert client.post("/api/v1/signs", json={"road": "春城路", "lon": "x"}, headers=officer).status_code == 400
    unit = client.post("/api/v1/plates", json={"door_plate": plate_id, "level": "单元牌", "label": "2"}, headers=officer)
    assert unit.status_code == 201
    assert client.post("/api/v1/plates", json={"door_plate": plate_id, "level": "单元牌"}, headers=officer).status_code == 400

    opened = client.post("/api/v1/inspections", json={"name": "2026", "inspector": "李", "held_on": "2026-04-01"}, headers=officer)
    assert opened.status_code == 201
    round_id = opened.json["id"]
    results = [
        {"kind": "road_sign", "item": sign.json["id"], "result": "fail", "defects": ["missing"], "photos": "p1.jpg"},
        {"kind": "plate", "item": unit.json["id"], "result": "pass"},
    ]
    assert client.post(f"/api/v1/inspections/{round_id}/results", json={"results": results}, headers=officer).status_code == 201
    assert client.post(f"/api/v1/inspections/{round_id}/close", headers=officer, json={}).json["failed"] == 1
    again = client.post(f"/api/v1/inspections/{round_id}/reinspect", json={"inspector": "李", "held_on": "2026-05-01"}, headers=officer)
    assert again.status_code == 201 and again.json["items"] == [{"kind": "road_sign", "item": sign.json["id"]}]
    figures = client.get("/api/v1/signs/report?today=2026-05-02", headers=officer)
    assert figures.status_code == 200 and figures.json["by_road"]["春城路"]["pass_rate"] == 0.5
    assert client.get("/api/v1/signs/report", headers=officer).status_code == 200
    assert client.get("/api/v1/signs/report?due_days=0", headers=officer).status_code == 400


def test_roads_are_found_by_part_of_their_name_and_drawn_by_id_with_their_numbers(store, client):
    """The numbering page's road picker: a server-side search with a limit, then one road by id."""
    world.seed(store)
    officer = bearer(store, "wang", "placename_officer")
    assert client.get("/api/v1/roads?q=路").status_code == 401
    both = client.get("/api/v1/roads", query_string={"q": "路"}, headers=officer).json
    assert both["total"] == 2 and [r["name"] for r in both["items"]] == ["关上路", "春城路"]
    first = client.get("/api/v1/roads", query_string={"q": "城", "limit": 1}, headers=officer).json
    assert first["total"] == 1 and first["items"][0]["name"] == "春城路" and first["items"][0]["numbers"] == 0
    with store.transaction(actor="seed") as session:  # 春关路 contains 关 after its first character; 关上路 starts with it
        session.add(Road(name="春关路", road_class="local", geom=world.line((0, 500), (100, 500))))
    ordered = client.get("/api/v1/roads", query_string={"q": "关"}, headers=officer).json
    assert [r["name"] for r in ordered["items"]] == ["关上路", "春关路"]
    assert client.get("/api/v1/roads", query_string={"q": "%"}, headers=officer).json["total"] == 0  # LIKE wildcards are text
    for query in ({"q": ""}, {"q": "  "}, {"q": "路", "limit": 0}, {"q": "路", "limit": 51}, {"q": "路", "limit": "x"}):
        bad = client.get("/api/v1/roads", query_string=query, headers=officer)
        assert bad.status_code == 400 and bad.json["message"]["zh"] and bad.json["message"]["en"], query

    road_id = first["items"][0]["id"]
    client.post("/api/v1/numbers/assign", json={"roads": ["春城路"]}, headers=officer)
    view = client.get(f"/api/v1/roads/{road_id}", headers=officer).json
    assert view["name"] == "春城路" and view["geometry"]["type"] == "MultiLineString"
    assert len(view["numbers"]) == 6 and all(n["address"].endswith(f"春城路{n['number']}号") for n in view["numbers"])
    line = world.line((0, 0), (400, 0))
    assert all(shapely.Point(n["lon"], n["lat"]).distance(line) < 0.0005 for n in view["numbers"])  # ~50 m
    assert client.get(f"/api/v1/roads/{road_id}", headers=officer).json["numbers"] == view["numbers"]
    missing = client.get("/api/v1/roads/999999", headers=officer)
    assert missing.status_code == 404 and "999999" in missing.json["message"]["zh"]
