"""Every write endpoint of the JSON API checks its role (table-driven over the app's
own URL map, so a new endpoint without a role check fails here), and the public
write paths are rate-limited; oversized bodies are refused."""

from __future__ import annotations

import re

import pytest
from apitools import bearer, make_client

from accounts.roles import ROLES
from api.ratelimit import SlidingWindow

# Writes the public may make, each for a stated reason.
PUBLIC_WRITES = {
    ("POST", "/api/v1/session"),  # signing in
    ("DELETE", "/api/v1/session"),  # signing out
    ("POST", "/api/v1/reverse"),  # batch reverse geocoding is a read with a body
    ("POST", "/api/v1/notices/<int:application_id>/comments"),  # comments during a public notice
}


def write_rules(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted((rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
            yield method, rule


def concrete(path: str) -> str:
    return re.sub(r"<(?:int:)?[^>]+>", "1", path)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_write_endpoint_requires_a_role(store, tmp_path):
    client = make_client(store, tmp_path)
    app = client.application
    rules = list(write_rules(app))
    assert len(rules) > 20
    for method, rule in rules:
        if (method, rule.rule) in PUBLIC_WRITES:
            continue
        roles = getattr(app.view_functions[rule.endpoint], "required_roles", None)
        assert roles, f"{method} {rule.rule} has no role check"
        anonymous = client.open(concrete(rule.rule), method=method, json={})
        assert anonymous.status_code == 401, (method, rule.rule, anonymous.status_code)
        other = next(r for r in ROLES if r not in roles and r != "admin")
        headers = bearer(store, f"u{abs(hash((method, rule.rule))) % 10**8}", other)
        wrong_role = client.open(concrete(rule.rule), method=method, json={}, headers=headers)
        assert wrong_role.status_code == 403, (method, rule.rule, wrong_role.status_code)
        assert wrong_role.get_json()["message"]["zh"]


def test_sliding_window():
    window = SlidingWindow(2, 10)
    assert window.allow("a", now=0) and window.allow("a", now=1)
    assert not window.allow("a", now=2)
    assert window.allow("b", now=2)
    assert window.allow("a", now=10.5)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_password_guessing_is_rate_limited(store, tmp_path):
    client = make_client(store, tmp_path)
    statuses = [client.post("/api/v1/session", json={"username": "x", "password": f"guess{i}"}).status_code for i in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    assert "try again later" in client.post("/api/v1/session", json={}).get_json()["message"]["en"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_oversized_body_is_413_with_a_bilingual_message(store, tmp_path):
    from gis.settings import Settings
    from server import create_app

    client = create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run"), max_body_mb=1)).test_client()
    response = client.post("/api/v1/reverse", data=b"{" + b" " * (2 * 1024 * 1024) + b"}", content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["message"]["zh"] == "请求体过大"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_fuzzing_findings_stay_fixed(store, tmp_path):
    client = make_client(store, tmp_path)
    assert client.get("/api/v1/notices/829386839089395007488").status_code == 404  # was a 500 (integer overflow)
    assert client.post("/api/v1/session", json=[1]).status_code == 400  # was a 500 (list body)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_openapi_document_lists_every_api_route_with_its_security(store, tmp_path):
    client = make_client(store, tmp_path)
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.0")
    paths = document["paths"]
    assert {"/search", "/autocomplete", "/reverse", "/applications", "/numbers/assign", "/redistricting/jobs"} <= set(paths)
    for method, rule in write_rules(client.application):
        if rule.rule.startswith("/api/v1/") and (method, rule.rule) not in PUBLIC_WRITES:
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1") :])
            assert paths[path][method.lower()]["security"] == [{"bearer": []}], (method, path)
    assert "security" not in paths["/search"]["get"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [999, 99]},  # not a position on Earth
        {"type": "Point", "coordinates": [25.02, 102.74]},  # latitude and longitude swapped
        {"type": "Polygon", "coordinates": [[[102.7, 25], [102.71, 25.01], [102.71, 25], [102.7, 25.01], [102.7, 25]]]},  # bow-tie
        {"type": "Pointy", "coordinates": [102.7, 25.0]},
    ],
)
def test_bad_geometry_in_an_application_is_a_400_and_nothing_is_stored(store, tmp_path, geometry):
    import sqlalchemy as sa

    from placenames.registry_models import NamingApplication

    client = make_client(store, tmp_path)
    headers = bearer(store, "wang", "placename_officer")
    body = {
        "kind": "name",
        "proposed_name": "子泰东路",
        "category_code": "23510",
        "location_description": "东起宝象河",
        "reasons": "新建道路",
        "applicant_name": "张三",
        "geometry": geometry,
    }
    response = client.post("/api/v1/applications", json=body, headers=headers)
    assert response.status_code == 400 and response.get_json()["message"]["zh"]
    with store.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(NamingApplication)) == 0
