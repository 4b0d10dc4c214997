"""/api/v1/compounds: register a compound (officer role, CSRF from a signed-in page), its
buildings' 楼栋号, the full address to 室; bad input a bilingual 400 with nothing written."""

from __future__ import annotations

import shapely
import test_numbering_compounds as site_world
from apitools import bearer, make_client
from shapely.geometry import mapping

from accounts import service

PASSWORD = "Correct-horse-9"
site = site_world.site


def body(**overrides):
    gate = site_world.metric_point(*site_world.GATE)
    east = site_world.metric_point(340, 60)
    return {
        "name": "春城花园",
        "geometry": mapping(site_world.outline()),
        "road": "春城路",
        "entrance": {"lon": gate.x, "lat": gate.y, "description": "南门"},
        "entrances": [{"lon": east.x, "lat": east.y, "description": "东门"}],
        "reason": "2026 小区门牌",
    } | overrides


def test_register_list_number_and_address(store, site, tmp_path):
    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    assert client.post("/api/v1/compounds", json=body()).status_code == 401
    assert client.post("/api/v1/compounds", json=body(), headers=bearer(store, "zhao", "planner")).status_code == 403
    created = client.post("/api/v1/compounds", json=body(), headers=officer)
    assert created.status_code == 201, created.json
    view = created.json
    assert view["number"] == "62" and [b["label"] for b in view["buildings"]] == ["1", "2", "3", "4", "5"]
    assert [g["description"] for g in view["entrances"]] == ["南门", "东门"]
    listed = client.get("/api/v1/compounds?road=春城路", headers=officer).json["items"]
    assert [(c["name"], c["buildings"], c["numbered"]) for c in listed] == [("春城花园", 5, 5)]
    assert client.get("/api/v1/compounds/春城花园", headers=officer).json["id"] == view["id"]
    address = client.get(f"/api/v1/compounds/{view['id']}/address?building=3栋&unit=2&room=501", headers=officer)
    assert address.status_code == 200
    assert address.json["full_text"] == f"{site_world.PREFIX}春城路62号3幢2单元501室"
    assert address.json["secondary"] is False and address.json["compound"]["name"] == "春城花园"
    k5 = client.get(f"/api/v1/buildings/{site['K5']}/address?unit=1&room=101", headers=officer).json
    assert k5["full_text"] == f"{site_world.PREFIX}春城路62号5幢1单元101室"
    missing = client.get(f"/api/v1/compounds/{view['id']}/address?building=9", headers=officer)
    assert missing.status_code == 404 and missing.json["message"]["zh"] and missing.json["message"]["en"]
    again = client.post(f"/api/v1/compounds/{view['id']}/buildings/number", json={}, headers=officer)
    assert again.status_code == 200 and [b["label"] for b in again.json["buildings"]] == ["1", "2", "3", "4", "5"]
    assert client.get("/api/v1/compounds/无此小区", headers=officer).status_code == 404


def test_bad_input_is_a_bilingual_400_and_writes_nothing(store, site, tmp_path):
    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    far_gate = site_world.metric_point(280, 300)
    cases = [
        body(geometry={"type": "Point", "coordinates": [102.7, 25.0]}),
        body(geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}),
        body(entrance={"lon": far_gate.x, "lat": far_gate.y}),
        body(entrance={"lon": "east", "lat": 25.0}),
        body(name=""),
        body(order="zigzag"),
        body(entrances=[{"lon": float("nan"), "lat": 25.0}]),
    ]
    for case in cases:
        response = client.post("/api/v1/compounds", json=case, headers=officer)
        assert response.status_code == 400, (case, response.json)
        assert response.json["message"]["zh"] and response.json["message"]["en"]
    assert client.post("/api/v1/compounds", json=body(road="无名路"), headers=officer).status_code == 404
    assert client.get("/api/v1/compounds", headers=officer).json["items"] == []
    assert client.post("/api/v1/compounds", json=body(), headers=officer).status_code == 201
    assert client.post("/api/v1/compounds", json=body(), headers=officer).status_code == 409


def test_a_signed_in_page_needs_its_csrf_token(store, site, tmp_path):
    service.add_user(store, "li", ["placename_officer"], password=PASSWORD, actor="admin")
    client = make_client(store, tmp_path)
    signed = client.post("/api/v1/session", json={"username": "li", "password": PASSWORD})
    assert signed.status_code == 200
    csrf = signed.json["csrf_token"]
    assert client.post("/api/v1/compounds", json=body()).status_code == 403
    assert client.post("/api/v1/compounds", json=body(), headers={"X-CSRF-Token": csrf}).status_code == 201


def test_geometry_outside_the_district_is_refused(store, site, tmp_path):
    client = make_client(store, tmp_path)
    officer = bearer(store, "wang", "placename_officer")
    response = client.post("/api/v1/compounds", json=body(geometry=mapping(shapely.box(0, 0, 0.001, 0.001))), headers=officer)
    assert response.status_code == 400 and response.json["details"]["field"] in ("lon", "lat")
