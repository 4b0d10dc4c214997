"""The OGC API HTML pages work offline: every script, style and image is served by us."""

from __future__ import annotations

import re

import pytest
from ogc_seed import seed

from gis.settings import Settings
from server import create_app

PAGES = [
    "/ogc/",
    "/ogc/collections",
    "/ogc/collections/roads",
    "/ogc/collections/roads/items",
    "/ogc/collections/addresses/items",
    "/ogc/conformance",
    "/ogc/collections/roads/queryables",
    "/ogc/openapi",
    "/ogc/collections/roads/schema",
    "/ogc/stac",
    "/ogc/TileMatrixSets",
    "/ogc/TileMatrixSets/WebMercatorQuad",
]
# Each page's own heading, in Chinese (default) and English (lang=en).
LABELS = {
    "/ogc/": ("本服务发布的数据集", "The data collections of this service"),
    "/ogc/conformance": ("符合性类", "Conformance classes"),
    "/ogc/collections": ("本服务发布的数据集", "Data collections of this service"),
    "/ogc/collections/roads": ("浏览要素", "Browse the features"),
    "/ogc/collections/roads/queryables": ("可查询属性", "Queryables"),
    "/ogc/collections/roads/schema": ("数据结构", "Schema"),
    "/ogc/collections/roads/items": ("本页", "Shown"),
    "/ogc/openapi": ("接口描述文件", "the API document itself"),
    "/ogc/stac": ("资源目录", "Asset catalogue"),
    "/ogc/TileMatrixSets": ("瓦片矩阵集", "Tile matrix sets"),
    "/ogc/TileMatrixSets/WebMercatorQuad": ("坐标参考系", "Coordinate reference system"),
}
# pygeoapi's own English UI labels: none may show on a Chinese page.
STOCK_LABELS = (
    "Home",
    "Collections",
    "Conformance",
    "Queryables",
    "Schema",
    "Processes",
    "Description",
    "View the",
    "API Definition",
    "Inputs",
    "Outputs",
    "Jobs",
    "Provider",
    "Contact point",
    "License",
    "Name",
)
TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)
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
            # our OGC assets, or the web pages' street map renderer: the same server either way
            assert url.startswith("http://diming.test/ogc") or url == "http://diming.test/static/pages/streetmap.js", (page, url)
            if "/assets/" in url or url.endswith("/streetmap.js"):
                fetched.add(url.removeprefix("http://diming.test"))
    assert {
        "/ogc/assets/vendor/leaflet-1.9.4/leaflet.js",
        "/ogc/assets/vendor/bootstrap-5.3.3/bootstrap.min.css",
        "/static/pages/streetmap.js",
    } <= fetched
    for path in fetched:
        assert client.get(path).status_code == 200, path


def test_pages_are_chinese_by_default_and_english_on_request(client):
    zh = client.get("/ogc/collections/roads/items", query_string={"f": "html"}).get_data(as_text=True)
    en = client.get("/ogc/collections/roads/items", query_string={"f": "html", "lang": "en"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in zh and "本页" in zh and "道路（街路巷）" in zh
    assert 'lang="en"' in en and "Shown" in en and "Roads and streets" in en
    assert "春城路" in zh and 'data-map="items-map"' in zh  # the map draws the features, no tile server


def visible_text(html: str) -> str:
    return " ".join(TAGS.sub(" ", html).split())


def processes(client) -> list[str]:
    """The process pages, when the service has processes."""
    response = client.get("/ogc/processes", query_string={"f": "json"})
    if response.status_code != 200:
        return []
    return ["/ogc/processes"] + [f"/ogc/processes/{p['id']}" for p in response.get_json().get("processes", [])]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # the pages do not depend on the database
def test_every_page_is_chinese_without_accept_language_and_english_with_lang_en(client):
    pages = list(LABELS) + processes(client)
    for page in pages:
        zh = client.get(page, query_string={"f": "html"})
        en = client.get(page, query_string={"f": "html", "lang": "en"})
        assert zh.status_code == en.status_code == 200, page
        zh_html, en_html = zh.get_data(as_text=True), en.get_data(as_text=True)
        assert 'lang="zh-CN"' in zh_html and 'lang="en"' in en_html, page
        text = visible_text(zh_html)
        stock = [label for label in STOCK_LABELS if re.search(rf"\b{label}\b", text)]
        assert not stock, (page, stock)
        if page in LABELS:
            chinese, english = LABELS[page]
            assert chinese in text and english not in text, page
            assert english in visible_text(en_html) and chinese not in visible_text(en_html), page
        else:  # a process page: Chinese headings, English ones on request
            assert ("输入" in text or "处理过程" in text) and ("Inputs" in en_html or "Processes" in en_html), page


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_error_pages_follow_the_request_language(client):
    zh = client.get("/ogc/collections/nope", query_string={"f": "html"})
    en = client.get("/ogc/collections/nope", query_string={"f": "html", "lang": "en"})
    assert zh.status_code == en.status_code == 404
    zh_html, en_html = zh.get_data(as_text=True), en.get_data(as_text=True)
    assert 'lang="zh-CN"' in zh_html and "错误" in visible_text(zh_html) and "Error" not in visible_text(zh_html)
    assert 'lang="en"' in en_html and "Error" in visible_text(en_html)


def test_every_template_compiles():
    """Templates for pages the tests cannot reach anonymously (jobs) at least parse."""
    from jinja2 import Environment

    from api.web.assets import TEMPLATES_DIR

    env = Environment(extensions=["jinja2.ext.i18n"])
    templates = sorted(TEMPLATES_DIR.rglob("*.html"))
    assert {"landing_page.html", "conformance.html", "exception.html"} <= {t.name for t in templates}
    for template in templates:
        env.parse(template.read_text(encoding="utf-8"))
