"""The OGC API HTML pages work offline: every script, style and image is served by us."""

from __future__ import annotations

import re

import pytest

from gis.settings import Settings
from ogc_seed import seed
from server import create_app

PAGES = ["/ogc/", "/ogc/collections", "/ogc/collections/roads", "/ogc/collections/roads/items",
         "/ogc/collections/addresses/items", "/ogc/conformance", "/ogc/collections/roads/queryables", "/ogc/openapi"]
ASSET = re.compile(r"<(?:script|img)[^>]*\ssrc=\"([^\"]+)\"|<link[^>]*\shref=\"([^\"]+)\"|tileLayer\(\s*['\"]([^'\"]+)")


@pytest.fixture
def client(store, tmp_path):
    seed(store)
    return create_app(Settings(database_url=store.url, public_url="http://diming.test", work_dir=str(tmp_path / "run"))).test_client()


def test_pages_reference_only_local_assets(client):
    roads = client.get("/ogc/collections/roads/items", query_string={"f": "json"}).get_json()["features"]
    pages = PAGES + [f"/ogc/collections/roads/items/{roads[0]['id']}"]
    fetched = set()
    for page in pages:
        response = client.get(page, query_string={"f": "html"})
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert "unpkg.com" not in html and "cdn" not in html.lower() and "tile.openstreetmap" not in html, page
        for match in ASSET.finditer(html):
            url = next(group for group in match.groups() if group)
            if url.startswith("?"):
                continue  # a link to another format of the same page
            assert url.startswith("http://diming.test/ogc"), (page, url)
            if "/assets/" in url:
                fetched.add(url.removeprefix("http://diming.test"))
    assert {"/ogc/assets/vendor/leaflet-1.9.4/leaflet.js", "/ogc/assets/vendor/bootstrap-5.3.3/bootstrap.min.css"} <= fetched
    for path in fetched:
        assert client.get(path).status_code == 200, path


def test_pages_are_chinese_by_default_and_english_on_request(client):
    zh = client.get("/ogc/collections/roads/items", query_string={"f": "html"}).get_data(as_text=True)
    en = client.get("/ogc/collections/roads/items", query_string={"f": "html", "lang": "en"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in zh and "本页" in zh and "道路（街路巷）" in zh
    assert 'lang="en"' in en and "Shown" in en and "Roads and streets" in en
    assert "春城路" in zh and "dimingMap('items-map'" in zh  # the map draws the features, no tile server
