"""Text responses travel compressed, and ETag revalidation still answers 304; the public
page speaks the browser's language. Both backends, through the real app."""

from __future__ import annotations

import gzip
import json

import brotli
import pytest
from conftest import BACKENDS, make_store

from gis.settings import Settings
from server import create_app


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("compression")
    store = make_store(request, request.param, tmp_path)
    return create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run"))).test_client()


def test_json_is_gzipped_and_the_etag_still_revalidates(client):
    plain = client.get("/ogc/collections?f=json")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers  # asked for nothing: sent as is
    packed = client.get("/ogc/collections?f=json", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    body = gzip.decompress(packed.get_data())
    assert len(packed.get_data()) < len(body) / 3
    assert json.loads(body)["collections"] == json.loads(plain.get_data())["collections"]
    tag = packed.headers["ETag"]
    assert tag.startswith('W/"') and tag == plain.headers["ETag"]  # the tag of the content, whatever the encoding
    again = client.get("/ogc/collections?f=json", headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status_code == 304 and not again.get_data()


def test_search_json_is_compressed(client):
    response = client.get("/api/v1/search?q=无此地名&limit=5", headers={"Accept-Encoding": "br"})
    # a tiny answer is not worth compressing; the page is
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    page = client.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] == "br" and "<html" in brotli.decompress(page.get_data()).decode()


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/static/pages/public.js", "javascript"),
        ("/static/pages/site.css", "css"),
        ("/ogc/assets/vendor/leaflet-1.9.4/leaflet.js", "javascript"),
    ],
)
def test_scripts_and_styles_are_compressed_and_revalidate(client, path, kind):
    first = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert first.status_code == 200 and kind in first.headers["Content-Type"]
    assert first.headers["Content-Encoding"] == "br"
    text = brotli.decompress(first.get_data())
    assert text == client.get(path).get_data()
    tag = first.headers["ETag"]
    assert tag.endswith(':br"')  # a strong tag names its encoding
    again = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br", "If-None-Match": tag})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("header", "query", "cookie", "label"),
    [
        ("en-GB,en;q=0.9", "", None, "Name or address"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "", None, "Name or address"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "", None, "输入地名或地址"),
        (None, "", None, "输入地名或地址"),
        ("en", "?lang=zh", None, "输入地名或地址"),  # the switch wins over the browser
        ("en", "", "zh", "输入地名或地址"),  # and so does the remembered choice
    ],
)
def test_public_page_follows_accept_language(client, header, query, cookie, label):
    if cookie:
        client.set_cookie("lang", cookie)
    try:
        response = client.get("/" + query, headers={"Accept-Language": header} if header else {})
    finally:
        client.delete_cookie("lang")
    assert label in response.get_data(as_text=True)
    assert "Accept-Language" in response.headers["Vary"]
