"""Nothing internal leaks to the public: every public OGC collection and every GET
route of the JSON API that needs no role is crawled as an anonymous client, and no
response carries applicant data, audit columns, password or token hashes."""

from __future__ import annotations

import re

import pytest
from apitools import make_client

from accounts import service
from cli.data_commands import registry
from data.loader import load_demo
from placenames import applications, transitions

APPLICANT_PHONE = "13912345678"
APPLICANT_NAME = "申请人李四"
FORBIDDEN = [APPLICANT_PHONE, APPLICANT_NAME, "created_by", "updated_by", "password_hash", "token_hash", "demo-builder", "scrypt$"]
SAMPLE_PARAMS = {"q": "子君", "lon": "102.72", "lat": "25.0", "text": "中山东路", "name": "子君路"}


@pytest.fixture
def client(store, tmp_path):
    load_demo(store, registry(), seed=3, scale=0.02)
    service.add_user(store, "wang", ["placename_officer"], password="secret-pw-1", actor="admin")
    app_id = applications.create_application(
        store,
        {
            "kind": "name",
            "proposed_name": "子泰东路",
            "category_code": "23510",
            "admin_code": "530111008000",
            "geometry": {"type": "LineString", "coordinates": [[102.75, 25.01], [102.76, 25.012]]},
            "location_description": "东起宝象河",
            "reasons": "新建道路需要命名",
            "applicant_name": APPLICANT_NAME,
            "applicant_contact": APPLICANT_PHONE,
        },
        actor="wang",
    )
    for action, extra in (("accept", {}), ("review", {"officer_opinion": "名称符合规定"}), ("start_notice", {})):
        transitions.apply_action(store, app_id, action, {"reason": action, **extra}, actor="wang")
    client = make_client(store, tmp_path)
    client.app_id = app_id
    notice = client.get(f"/api/v1/notices/{app_id}")
    assert notice.status_code == 200 and "子泰东路" in notice.get_data(as_text=True)  # the notice itself is public
    return client


def public_get_routes(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or "GET" not in (rule.methods or ()):
            continue
        if getattr(app.view_functions[rule.endpoint], "required_roles", None):
            continue
        yield rule


def test_no_internal_field_in_any_public_response(client):
    app = client.application
    urls = []
    for collection in client.get("/ogc/collections?f=json").get_json()["collections"]:
        urls.append(f"/ogc/collections/{collection['id']}/items?f=json&limit=50")
        urls.append(f"/ogc/collections/{collection['id']}/queryables?f=json")
    for rule in public_get_routes(app):
        path = re.sub(r"<int:\w+>", str(client.app_id), rule.rule)
        path = re.sub(r"<[^>]+>", "子君路", path)
        query = "&".join(f"{k}={v}" for k, v in SAMPLE_PARAMS.items())
        urls.append(f"{path}?{query}")
    assert len(urls) > 25
    answered = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        text = response.get_data(as_text=True)
        for secret in FORBIDDEN:
            assert secret not in text, (url, secret)
        answered += response.status_code == 200
    assert answered > 20


INJECTIONS = ["'; DROP TABLE roads; --", "子君路' OR '1'='1", "%' UNION SELECT password_hash FROM users --", "\\x00\\'"]


def test_injection_attempts_have_no_effect(client, store):
    import sqlalchemy as sa

    from gis.basemap import Road

    with store.read() as session:
        before = session.scalar(sa.select(sa.func.count()).select_from(Road))
    for attack in INJECTIONS:
        for url, params in (
            ("/ogc/collections/roads/items", {"f": "json", "q": attack}),
            ("/ogc/collections/roads/items", {"f": "json", "filter": f"name='{attack}'"}),
            ("/ogc/collections/roads/items", {"f": "json", "filter": attack}),
            ("/api/v1/search", {"q": attack}),
            ("/api/v1/autocomplete", {"q": attack}),
            ("/api/v1/names/search", {"q": attack}),
        ):
            response = client.get(url, query_string=params)
            assert response.status_code in (200, 400), (url, attack, response.status_code)
            assert "scrypt$" not in response.get_data(as_text=True)
            if response.status_code == 200 and url.startswith("/ogc") and "q" in params:
                # q is text to find, never SQL: the attack matches no road name
                assert response.get_json()["numberReturned"] == 0, (url, attack)
    with store.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Road)) == before > 0
