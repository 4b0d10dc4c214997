"""Any language a client sends gets a page in Chinese or English, never a 500."""

from __future__ import annotations

import pytest

from api.ogc.language import CHINESE, ENGLISH, choose
from gis.settings import Settings


@pytest.mark.parametrize(
    ("param", "header", "expected"),
    [
        (None, None, CHINESE),
        ("en", None, ENGLISH),
        ("EN-gb", "zh-CN", ENGLISH),
        ("zh", "en", CHINESE),
        ("fr", None, CHINESE),
        ("\x9b", None, CHINESE),
        (None, "fr-FR,fr;q=0.9,en;q=0.8", ENGLISH),
        (None, "zh-TW", CHINESE),
        (None, "xx-YY;q=0.5", CHINESE),
    ],
)
def test_choose(param, header, expected):
    assert choose(param, header) == expected


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("query", "header", "content_language"),
    [
        ("lang=zh", None, "zh-Hans-CN"),
        ("lang=fr", None, "zh-Hans-CN"),
        ("lang=1e100", None, "zh-Hans-CN"),
        ("lang=en", None, "en-US"),
        ("", "fr", "zh-Hans-CN"),
        ("", "zh-TW", "zh-Hans-CN"),
        ("", "en-GB,en;q=0.9", "en-US"),
    ],
)
def test_every_language_input_is_answered(store, tmp_path, query, header, content_language):
    from server import create_app

    client = create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run"))).test_client()
    headers = {"Accept-Language": header} if header else {}
    for path in ("/ogc/conformance", "/ogc/collections/roads/items", "/ogc/?f=html"):
        response = client.get(f"{path}{'&' if '?' in path else '?'}{query}", headers=headers)
        assert response.status_code == 200, (path, response.data[:200])
        assert response.headers["Content-Language"] == content_language
