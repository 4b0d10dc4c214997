"""Every kind of response carries the security headers, and the CSP allows no inline or eval'd script."""

from __future__ import annotations

import pytest
from ogc_seed import seed

from api.security_headers import HEADERS
from gis.settings import Settings
from server import create_app


@pytest.fixture
def client(store, tmp_path):
    seed(store)
    return create_app(Settings(database_url=store.url, public_url="http://diming.test", work_dir=str(tmp_path / "run"))).test_client()


RESPONSES = {
    "html page": ("/", 200, "text/html"),
    "officer page": ("/officer/", 200, "text/html"),
    "json api": ("/api/v1/search?q=春城路", 200, "application/geo+json"),
    "json session": ("/api/v1/session", 200, "application/json"),
    "ogc json": ("/ogc/collections/roads/items?f=json", 200, "application/geo+json"),
    "ogc html": ("/ogc/collections/roads/items?f=html", 200, "text/html"),
    "ogc landing html": ("/ogc/?f=html", 200, "text/html"),
    "page static": ("/static/pages/common.js", 200, "text/javascript"),
    "ogc static": ("/ogc/assets/diming-map.js", 200, "text/javascript"),
    "404 error": ("/no/such/page", 404, "application/json"),
    "api 404": ("/api/v1/applications/2147483647", None, "application/json"),
    "health": ("/healthz", 200, "application/json"),
}


# The OGC HTML pages besides the items (tests/test_ogc_html.py has the full list).
OGC_PAGES = [
    "/ogc/",
    "/ogc/collections",
    "/ogc/collections/roads",
    "/ogc/conformance",
    "/ogc/collections/roads/queryables",
    "/ogc/collections/roads/schema",
    "/ogc/openapi",
    "/ogc/stac",
    "/ogc/TileMatrixSets",
    "/ogc/processes",
]


@pytest.mark.parametrize("kind", RESPONSES)
def test_every_kind_of_response_carries_the_headers(client, kind):
    path, status, mimetype = RESPONSES[kind]
    response = client.get(path)
    if status is not None:
        assert response.status_code == status, (kind, response.status_code)
    assert response.mimetype == mimetype or response.mimetype.endswith("json") and mimetype.endswith("json"), response.mimetype
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (kind, name)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def directives() -> dict[str, list[str]]:
    policy = HEADERS["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_the_policy_runs_only_our_own_scripts():
    csp = directives()
    assert "'unsafe-eval'" not in HEADERS["Content-Security-Policy"]
    assert "'unsafe-inline'" not in HEADERS["Content-Security-Policy"]
    assert csp["script-src"] == ["'self'"] and csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"] and csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert csp["style-src"][0] == "'self'" and all(s.startswith("'sha256-") for s in csp["style-src"][1:])


def test_no_template_has_an_inline_script_or_style(client):
    """The CSP would block them: page data travels as JSON data blocks, styles in .css files."""
    import re

    pages = [
        "/",
        "/officer/",
        "/officer/numbering",
        "/officer/signs",
        "/officer/deadlines",
        "/officer/applications/1",
        "/boundaries",
        "/notices",
        "/notices/1",
    ]
    pages += ["/planner", "/ogc/collections/roads/items?f=html"] + [f"{path}?f=html" for path in OGC_PAGES]
    roads = client.get("/ogc/collections/roads/items?f=json").get_json()["features"]
    pages.append(f"/ogc/collections/roads/items/{roads[0]['id']}?f=html")
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "text/html", path
        html = response.get_data(as_text=True)
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        for attributes, body in scripts:
            assert "src=" in attributes or 'type="application/json"' in attributes, (path, attributes, body[:80])
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_the_printable_marker_register_keeps_its_style():
    """Its one <style> block is allowed by hash; any other inline style is not."""
    from api.security_headers import csp_hash
    from boundaries.marker_table import PRINT_CSS

    assert csp_hash(PRINT_CSS) in directives()["style-src"]
    assert csp_hash(PRINT_CSS + " ") not in directives()["style-src"]
