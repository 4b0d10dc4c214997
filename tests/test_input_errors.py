"""Bad input is the client's bilingual 4xx, never a 500: one test per kind a review found
(issue 15), each on both backends where a store is involved."""

from __future__ import annotations

import io
import json

import pytest
from apitools import bearer, make_client
from ogc_seed import seed

from accounts.roles import BOUNDARY_OFFICER, PLACENAME_OFFICER

BIG = "99999999999999999999"


@pytest.fixture
def client(store, tmp_path):
    seed(store)
    return make_client(store, tmp_path)


def bilingual(response, status: int = 400) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["message"]["zh"] and body["message"]["en"], body
    return body


def test_writes_to_ogc_items_are_405_with_allow(client):
    for method in ("PUT", "PATCH", "DELETE"):
        response = client.open("/ogc/collections/roads/items", method=method, json={})
        bilingual(response, 405)
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
        one = client.open("/ogc/collections/roads/items/1", method=method, json={})
        bilingual(one, 405)
        assert one.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert client.post("/ogc/collections/roads/items/1", json={}).status_code == 405
    # POST to items is a CQL2-JSON search: its body must be a JSON object.
    for body in (b"", b"[1]", b"null", b"hello"):
        bilingual(client.post("/ogc/collections/roads/items", data=body, content_type="application/json"))


@pytest.mark.parametrize(
    "path", ["/ogc/collections/roads/items", "/ogc/processes/redistrict/execution", "/api/v1/session", "/api/v1/reverse"]
)
def test_a_body_that_is_not_utf8_is_400_before_sign_in(client, path):
    response = client.post(path, data=b'{"a": "\xff\xfe"}', content_type="application/json")
    assert bilingual(response)["code"] == "invalid-encoding"
    assert "UTF-8" in response.get_json()["message"]["en"]


@pytest.mark.parametrize(
    "path", ["/api/v1/session", "/api/v1/reverse", "/ogc/collections/roads/items", "/ogc/processes/redistrict/execution"]
)
def test_json_nested_too_deeply_is_400(client, path):
    deep = "[" * 100_000 + "]" * 100_000
    assert "nested" in bilingual(client.post(path, data=deep, content_type="application/json"))["message"]["en"]


def test_huge_offset_is_400_and_huge_item_id_is_404(client):
    offset = client.get(f"/ogc/collections/roads/items?offset={BIG}")
    assert "offset" in bilingual(offset)["message"]["en"]
    assert client.get("/ogc/collections/roads/items?offset=-1").status_code == 400
    assert client.get("/ogc/collections/roads/items?offset=2").status_code == 200
    assert client.get(f"/ogc/collections/roads/items/{BIG}").status_code == 404
    assert client.get(f"/ogc/collections/door-plates/items/{BIG}").status_code == 404
    assert client.get("/ogc/collections/roads/items", query_string={"filter": f"id = {BIG}"}).status_code == 400


def test_huge_paging_numbers_in_the_json_api_are_400(client, store):
    officer = bearer(store, "officer", PLACENAME_OFFICER)
    for path in (f"/api/v1/names?offset={BIG}", f"/api/v1/deadlines?within={BIG}", "/api/v1/names?limit=0"):
        assert "range" in bilingual(client.get(path, headers=officer))["message"]["en"], path
    assert client.get(f"/api/v1/names?offset=5&limit={BIG}", headers=officer).status_code == 200  # served as the maximum


def test_every_whole_number_parameter_is_read_by_one_parser_with_one_message(client, store):
    """The JSON API, the sign report and the OGC API say the same thing about a bad whole number."""
    officer = bearer(store, "officer", [PLACENAME_OFFICER, BOUNDARY_OFFICER])
    for path, name in (
        ("/api/v1/names?limit=abc", "limit"),
        ("/api/v1/signs/report?due_days=abc", "due_days"),
        ("/ogc/collections/roads/items?limit=abc", "limit"),
        ("/ogc/collections/roads/items?offset=1.5", "offset"),
        ("/api/v1/boundary-inspections?line_id=abc", "line_id"),
    ):
        message = bilingual(client.get(path, headers=officer))["message"]
        assert message["en"].startswith(f"Parameter '{name}' must be a whole number"), path
        assert message["zh"].startswith(f"参数 {name} 应为整数"), path
    too_many = bilingual(client.get("/api/v1/signs/report?due_days=3651", headers=officer))["message"]
    assert too_many["en"] == "Parameter 'due_days' is out of range 1–3650"
    assert client.get("/api/v1/signs/report?due_days=30", headers=officer).status_code == 200


def test_boolean_parameters_of_the_numbering_preview_are_read_by_the_one_flag_parser(client, store):
    officer = bearer(store, "officer", PLACENAME_OFFICER)
    bad = bilingual(client.get("/api/v1/numbers/preview?all=maybe", headers=officer))
    assert bad["message"]["en"] == "Boolean parameter must be true or false"
    assert bilingual(client.post("/api/v1/numbers/assign", json={"all": True, "allow_retired": "maybe"}, headers=officer))
    wrong = bilingual(client.post("/api/v1/numbers/assign", json={"roads": [1, 2]}, headers=officer))
    assert wrong["details"]["field"].startswith("roads")


@pytest.mark.parametrize(
    "path,method,model",
    [
        ("/numbers/assign", "post", "AssignBody"),
        ("/boundary-lines/build", "post", "BuildLinesBody"),
        ("/boundary-lines/{line_id}/description", "put", "DescriptionBody"),
        ("/boundary-inspections", "post", "CampaignBody"),
        ("/boundary-inspections/{campaign_id}/markers", "post", "MarkerRecordBody"),
        ("/boundary-inspections/{campaign_id}/findings", "post", "StretchFindingBody"),
        ("/boundary-inspections/{campaign_id}/sign", "post", "SignBody"),
        ("/units/reorganisations", "post", "ReorganisationBody"),
        ("/boundary-inspections/{campaign_id}/addenda", "post", "AddendumBody"),
        ("/inspections/{round_id}/results", "post", "ResultsBody"),
    ],
)
def test_numbering_line_and_inspection_bodies_are_published_in_the_openapi_document(client, path, method, model):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"][path][method]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{model}"}
    assert document["components"]["schemas"][model]["properties"]


def test_reorganisation_addendum_and_results_bodies_name_the_field_that_does_not_fit(client, store):
    boundary = bearer(store, "boundary", BOUNDARY_OFFICER)
    officer = bearer(store, "officer", PLACENAME_OFFICER)
    cases = [
        ("/api/v1/units/reorganisations", {"effective": "2024-01-01"}, boundary, "kind"),
        ("/api/v1/units/reorganisations", {"kind": "merge", "effective": "2024-01-01", "close": ["A", 7]}, boundary, "close.1"),
        ("/api/v1/units/reorganisations", {"kind": "split", "effective": "2024-01-01", "add": [{"code": "A"}]}, boundary, "add.0.name"),
        (
            "/api/v1/units/reorganisations",
            {"kind": "split", "effective": "2024-01-01", "add": [{"code": "A", "name": "甲", "level": "c", "households": -1}]},
            boundary,
            "add.0.households",
        ),
        ("/api/v1/boundary-inspections/1/addenda", {"code": 5}, boundary, "code"),
        ("/api/v1/boundary-inspections/1/addenda", {"remarks": ["x"]}, boundary, "remarks"),
        ("/api/v1/inspections/1/results", {}, officer, "results"),
        ("/api/v1/inspections/1/results", {"results": [{"kind": "plate", "item": "3", "result": "pass"}]}, officer, "results.0.item"),
        (
            "/api/v1/inspections/1/results",
            {"results": [{"kind": "plate", "item": 3, "result": "fail", "defects": "x"}]},
            officer,
            "results.0.defects",
        ),
    ]
    for path, body, headers, field in cases:
        answer = bilingual(client.post(path, json=body, headers=headers))
        assert answer["details"]["field"] == field, (path, body, answer)
        assert field in answer["message"]["en"] and field in answer["message"]["zh"], answer
    # the date is still read by the shared reorganisation reader, with its own message
    late = bilingual(client.post("/api/v1/units/reorganisations", json={"kind": "merge", "effective": "soon"}, headers=boundary))
    assert late["details"]["field"] == "effective"


def test_inspection_bodies_name_the_field_that_does_not_fit(client, store):
    officer = bearer(store, "boundary", BOUNDARY_OFFICER)
    cases = [
        (
            "/api/v1/boundary-inspections",
            {"line_id": "1", "code": "X", "party_a": "A", "party_b": "B", "started_on": "2024-01-01"},
            "line_id",
        ),
        ("/api/v1/boundary-inspections/1/markers", {"marker_id": 1, "status": "intact", "corrects_id": True}, "corrects_id"),
        ("/api/v1/boundary-inspections/1/findings", {"kind": "k", "description": "d", "from_m": 0, "to_m": "NaN"}, "to_m"),
        ("/api/v1/boundary-inspections/1/sign", {"party": "c"}, "party"),
        ("/api/v1/boundary-lines/build", {"tolerance_m": -1}, "tolerance_m"),
    ]
    for path, body, field in cases:
        assert bilingual(client.post(path, json=body, headers=officer))["details"]["field"] == field, path


@pytest.mark.parametrize("coordinate", [float("nan"), float("inf"), "Infinity", "NaN"])
def test_cql2_json_geometry_with_nan_or_infinity_is_400_naming_the_point(client, coordinate):
    polygon = [[102.7, 25.0], [102.8, 25.0], [coordinate, 25.1], [102.7, 25.0]]
    cql = {"op": "s_intersects", "args": [{"property": "geometry"}, {"type": "Polygon", "coordinates": [polygon]}]}
    response = client.get("/ogc/collections/roads/items", query_string={"filter": json.dumps(cql), "filter-lang": "cql2-json"})
    assert response.status_code == 400, response.get_data(as_text=True)
    description = response.get_json()["description"]
    # NaN/Infinity literals are not JSON (refused when the filter is parsed); the string forms are named as non-finite
    assert "point 3" in description or "not a JSON number" in description or "finite" in description
    box = {"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [102.7, 25.0, coordinate, 25.1]}]}
    response = client.get("/ogc/collections/roads/items", query_string={"filter": json.dumps(box), "filter-lang": "cql2-json"})
    assert response.status_code == 400, response.get_data(as_text=True)


def test_reverse_with_nan_or_infinity_is_400_naming_the_point(client):
    for lon, lat in (("nan", "25.0"), ("102.7", "inf"), ("-Infinity", "25")):
        body = bilingual(client.get(f"/api/v1/reverse?lon={lon}&lat={lat}"))
        assert "finite" in body["message"]["en"]
    batch = client.post("/api/v1/reverse", data='{"points": [[102.72, 25.02], [102.7, 25.0], [NaN, 25]]}', content_type="application/json")
    assert bilingual(batch)["details"] == {"index": 2}
    assert "point 2" in batch.get_json()["message"]["en"]
    strings = client.post("/api/v1/reverse", json={"points": [[102.72, 25.02], ["Infinity", "25"]]})
    assert bilingual(strings)["details"] == {"index": 1}
    assert client.post("/api/v1/reverse", json={"points": [[102.72, 25.02]]}).status_code == 200


def test_a_nul_character_anywhere_is_400(client, store):
    officer = bearer(store, "officer", [PLACENAME_OFFICER, BOUNDARY_OFFICER])
    requests = [
        ("POST", "/api/v1/session", {"json": {"username": "a\x00b", "password": "x"}}, "$.username"),
        ("POST", "/api/v1/session", {"data": {"username": "a\x00b", "password": "x"}}, "'username'"),
        ("GET", "/api/v1/search?q=a%00b", {}, "'q'"),
        ("GET", "/api/v1/names/search?q=a%00b", {}, "'q'"),
        ("GET", "/ogc/collections/roads/items?filter=name%3D%27a%00%27", {}, "'filter'"),
        ("GET", "/api/v1/units/5301%00/history", {}, "path"),
        ("GET", "/api/v1/units?level=community%00", {}, "'level'"),
        ("GET", "/api/v1/names?status=%00", {"headers": officer}, "'status'"),
        ("POST", "/api/v1/names/check", {"json": {"name": "x", "category": "2\x0021"}, "headers": officer}, "$.category"),
        ("POST", "/api/v1/applications", {"json": {"deep": [{"x": ["ok", "no\x00"]}]}, "headers": officer}, "$.deep[0].x[1]"),
        ("POST", "/api/v1/applications", {"json": {"key\x00": 1}, "headers": officer}, "name"),
    ]
    for method, path, kwargs, where in requests:
        response = client.open(path, method=method, **kwargs)
        body = bilingual(response)
        assert "NUL" in body["message"]["en"] and where in body["message"]["en"], (path, body)
    upload = {"file": (io.BytesIO(b"x"), "a\x00.csv")}
    headers = bearer(store, "signs", PLACENAME_OFFICER)
    assert client.post("/api/v1/signs/import", data=upload, headers=headers, content_type="multipart/form-data").status_code == 400


def test_wrong_json_types_in_application_numbering_and_marker_bodies_name_the_field(client, store):
    officer = bearer(store, "officer", [PLACENAME_OFFICER, BOUNDARY_OFFICER])
    cases = [
        ("POST", "/api/v1/applications", {"reasons": ["x"], "applicant_name": "张三"}, "reasons"),
        ("POST", "/api/v1/applications", {"notice_days": True}, "notice_days"),
        ("POST", "/api/v1/applications", {"geometry": "POINT(1 2)"}, "geometry"),
        ("POST", "/api/v1/applications", {"kind": "rename", "place_name_id": int(BIG)}, "place_name_id"),
        ("POST", "/api/v1/applications/1/transitions", {"action": "review", "justification": 5}, "justification"),
        ("POST", "/api/v1/applications/1/transitions", {"action": 1}, "action"),
        ("POST", "/api/v1/names/check", {"name": 1, "category": "221"}, "name"),
        ("PATCH", "/api/v1/names/1", {"changes": ["remarks"], "reason": "x", "version": 1}, "changes"),
        ("POST", "/api/v1/notices/1/comments", {"body": {"x": 1}}, "body"),
        ("PUT", "/api/v1/roads/春城路/numbering", {"suffix_style": {"-": 1}}, "suffix_style"),
        ("PUT", "/api/v1/roads/春城路/numbering", {"width_m": "wide"}, "width_m"),
        ("PUT", "/api/v1/roads/春城路/numbering", {"reason": 5}, "reason"),
        ("POST", "/api/v1/numbers/retire", {"plates": [int(BIG)], "reason": "拆除"}, "plates.0"),
        ("POST", "/api/v1/numbers/retire", {"building": int(BIG), "reason": "拆除"}, "building"),
        ("POST", "/api/v1/numbers/retire", {"plates": [1], "reason": ["拆除"]}, "reason"),
        ("POST", "/api/v1/roads/春城路/renumber", {"reason": 3}, "reason"),
        ("PUT", "/api/v1/buildings/1/entrance", {"lon": 102.7, "lat": "25"}, "lat"),
        ("PUT", "/api/v1/buildings/1/entrance", {"lon": 102.7, "lat": 25.0, "description": 4}, "description"),
        ("POST", "/api/v1/boundary-lines/1/markers", {"serial": 1, "marker_type": "single", "letter": "A", "lon": 1, "lat": True}, "lat"),
        ("POST", "/api/v1/boundary-lines/1/markers", {"serial": "1", "marker_type": "single", "letter": "A", "lon": 1, "lat": 2}, "serial"),
        (
            "POST",
            "/api/v1/boundary-lines/1/markers",
            {"serial": 1, "marker_type": "single", "letter": "A", "lon": 102.7, "lat": 25.0, "photos": 123},
            "photos",
        ),
        ("POST", "/api/v1/units/reorganisations", {"kind": "merge", "effective": "2024-01-01", "add": 123}, "add"),
        ("POST", "/api/v1/inspections", {"name": ["x"], "inspector": "李四", "held_on": "2024-05-01"}, "name"),
        ("POST", "/api/v1/inspections/1/reinspect", {"inspector": {"a": 1}, "held_on": "2024-05-01"}, "inspector"),
        ("POST", "/api/v1/signs", {"road": "春城路", "lon": 102.72, "lat": 25.02, "size": 60}, "size"),
        ("POST", "/api/v1/plates", {"door_plate": int(BIG), "level": "门牌"}, "door_plate"),
    ]
    for method, path, body, field in cases:
        response = client.open(path, method=method, json=body, headers=officer)
        answer = bilingual(response)
        assert answer["details"]["field"] == field, (path, body, answer)
        assert field in answer["message"]["en"] and field in answer["message"]["zh"], answer
    synthetic = client.post("/api/v1/boundary-lines/1/markers/synthetic", data="7.1e16", content_type="application/json", headers=officer)
    bilingual(synthetic)
    spacing = client.post(
        "/api/v1/boundary-lines/1/markers/synthetic", data='{"spacing_km": NaN}', content_type="application/json", headers=officer
    )
    assert bilingual(spacing)["details"]["field"] == "spacing_km"
    reason = client.post("/api/v1/boundary-lines/build", json={"reason": {"why": 1}}, headers=officer)  # any audited write
    assert bilingual(reason)["details"]["field"] == "reason"
    nan = client.put("/api/v1/buildings/1/entrance", data='{"lon": NaN, "lat": 25}', content_type="application/json", headers=officer)
    assert bilingual(nan)["details"]["field"] == "lon"


@pytest.mark.parametrize("encoding", ["klingon", "rot13", "base64", "idna"])
def test_unknown_encoding_on_sign_import_and_export_is_400(client, store, encoding):
    headers = bearer(store, "signs", PLACENAME_OFFICER)
    for path in ("/api/v1/signs/import", "/api/v1/plates/import"):
        upload = {"file": (io.BytesIO(b"code,lon,lat\n1,102.7,25.0\n"), "s.csv"), "encoding": encoding, "crs": "EPSG:4490"}
        response = client.post(path, data=upload, headers=headers, content_type="multipart/form-data")
        assert bilingual(response)["code"] == "invalid-encoding"
    assert bilingual(client.get(f"/api/v1/signs/export?format=csv&encoding={encoding}", headers=headers))["code"] == "invalid-encoding"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_body_models_are_published_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/boundary-lines/{line_id}/markers"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/MarkerBody"}
    marker = document["components"]["schemas"]["MarkerBody"]
    assert set(marker["required"]) == {"serial", "marker_type", "letter", "lon", "lat"}
    assert marker["properties"]["photos"] == {"type": "array", "items": {"type": "string"}, "nullable": True, "default": None}
    assert "ApplicationBody" in document["components"]["schemas"] and "Error" in document["components"]["schemas"]
    spacing = document["components"]["schemas"]["SyntheticMarkersBody"]["properties"]["spacing_km"]
    assert spacing["minimum"] == 0 and spacing["exclusiveMinimum"] is True  # OpenAPI 3.0 form
